/* SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include "switchd/ctlclient.h"

#include <errno.h>
#include <stdbool.h>
#include <openvswitch/json.h>
#include <openvswitch/shash.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "switchd/ctlproto.h"

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
io_all(int fd, void *buf, size_t n, bool writing, long long deadline)
{
	uint8_t *p = buf;

	while (n) {
		struct pollfd pfd = { .fd = fd, .events = writing ? POLLOUT : POLLIN };
		long long left = deadline - now_ms();
		ssize_t k;

		if (left <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (poll(&pfd, 1, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (!pfd.revents)
			continue;
		k = writing ? send(fd, p, n, MSG_NOSIGNAL) : recv(fd, p, n, 0);
		if (k < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -1;
		}
		if (k == 0) {
			errno = ECONNRESET;
			return -1;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

int
sw_ctl_call(const char *path, int argc, char **argv, const char *format, int timeout_ms,
	char **output, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	long long deadline = now_ms() + timeout_ms;
	struct json *req, *args, *rep = NULL;
	const struct json *st, *msg;
	uint8_t hdr[SW_CTL_HDR_LEN];
	struct vn_err verr = { 0 };
	char *body, *reply = NULL;
	uint32_t len;
	int fd, rc = -1, send_errno = 0;

	*output = NULL;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "%s: socket path too long", path);
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		snprintf(err, errlen, "%s: cannot connect: %s (is vnswitchd running?)", path,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	req = json_object_create();
	json_object_put(req, "version", json_integer_create(SW_CTL_VERSION));
	json_object_put_string(req, "format", format);
	args = json_array_create_empty();
	for (int i = 0; i < argc; i++)
		json_array_add(args, json_string_create(argv[i]));
	json_object_put(req, "argv", args);
	body = json_to_string(req, 0);
	json_destroy(req);
	sw_ctl_hdr_encode(hdr, SW_CTL_REQUEST, (uint32_t)strlen(body));
	if (io_all(fd, hdr, sizeof(hdr), true, deadline) ||
		io_all(fd, body, strlen(body), true, deadline)) {
		send_errno = errno;
		/* A daemon that refuses the connection (too many clients) says
		 * why and closes, maybe before the request is out: read that. */
		if (send_errno != EPIPE && send_errno != ECONNRESET) {
			snprintf(err, errlen, "%s: send: %s", path, strerror(send_errno));
			goto out;
		}
	}
	if (io_all(fd, hdr, sizeof(hdr), false, deadline)) {
		if (send_errno)
			snprintf(err, errlen, "%s: send: %s", path, strerror(send_errno));
		else
			snprintf(err, errlen, "%s: no reply: %s", path, strerror(errno));
		goto out;
	}
	if (sw_ctl_hdr_decode(hdr, SW_CTL_REPLY, SW_CTL_MAX_REPLY, &len, &verr)) {
		snprintf(err, errlen, "%s: bad reply: %s", path, verr.reason);
		goto out;
	}
	reply = malloc((size_t)len + 1);
	if (!reply || io_all(fd, reply, len, false, deadline)) {
		snprintf(err, errlen, "%s: reply: %s", path,
			reply ? strerror(errno) : "no memory");
		goto out;
	}
	reply[len] = '\0';
	rep = json_from_string(reply);
	if (rep->type != JSON_OBJECT) {
		snprintf(err, errlen, "%s: malformed reply", path);
		goto out;
	}
	st = shash_find_data(json_object(rep), "status");
	if (!st || st->type != JSON_STRING) {
		snprintf(err, errlen, "%s: reply without a status", path);
		goto out;
	}
	if (!strcmp(json_string(st), "ok")) {
		msg = shash_find_data(json_object(rep), "output");
		*output = strdup(msg && msg->type == JSON_STRING ? json_string(msg) : "");
		rc = 0;
	} else {
		msg = shash_find_data(json_object(rep), "error");
		snprintf(err, errlen, "%s",
			msg && msg->type == JSON_STRING ? json_string(msg) : "unknown error");
		rc = 1;
	}
out:
	json_destroy(rep);
	free(reply);
	free(body);
	close(fd);
	return rc;
}
