/* SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include "switchd/ctlserver.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "switchd/ctlproto.h"

struct client {
	struct sw_ctl_server *srv;
	struct client *next;
	int fd;
	struct sw_fd_watch *watch;
	/* Input: header, then the body of its length. */
	uint8_t hdr[SW_CTL_HDR_LEN];
	size_t hdr_got;
	char *body;
	uint32_t body_len, body_got;
	/* Output: one reply at a time; no new request is read meanwhile. */
	uint8_t *out;
	size_t out_len, out_sent;
	bool close_after; /* protocol error: close once the reply is out */
};

struct sw_ctl_server {
	struct sw_loop *loop;
	struct sw_ctl_env *env;
	struct sw_ctl_limits lim;
	char path[108];
	int fd;
	struct sw_fd_watch *watch;
	struct client *clients;
	unsigned n_clients;
	/* What it accepted and refused (env->stats points here while the
	 * server lives: vnctl show limits). */
	struct sw_ctl_stats st;
	/* Out of file descriptors: accepting is paused (the listening socket
	 * would stay readable and the loop spin) until a client goes or the
	 * retry timer fires. */
	bool paused;
	struct sw_timer *retry;
};

#define ACCEPT_RETRY_US 100000

static void
accept_resume(struct sw_ctl_server *s)
{
	if (!s->paused)
		return;
	s->paused = false;
	sw_timer_disarm(s->retry);
	sw_fd_watch_set(s->watch, SW_FD_READ);
}

static void
retry_cb(void *aux)
{
	accept_resume(aux);
}

static void client_cb(int fd, unsigned events, void *aux);

static void
client_free(struct client *c)
{
	struct client **pp;

	for (pp = &c->srv->clients; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	c->srv->n_clients--;
	c->srv->st.n_clients = c->srv->n_clients;
	sw_fd_watch_destroy(c->watch);
	close(c->fd);
	free(c->body);
	free(c->out);
	accept_resume(c->srv); /* a descriptor is free again */
	free(c);
}

/* Queue a reply payload (takes ownership of 'payload'). */
static void
queue_reply(struct client *c, char *payload, size_t len)
{
	c->out = malloc(SW_CTL_HDR_LEN + len);
	if (!c->out) {
		free(payload);
		c->close_after = true;
		return;
	}
	sw_ctl_hdr_encode(c->out, SW_CTL_REPLY, (uint32_t)len);
	memcpy(c->out + SW_CTL_HDR_LEN, payload, len);
	free(payload);
	c->out_len = SW_CTL_HDR_LEN + len;
	c->out_sent = 0;
	sw_fd_watch_set(c->watch, SW_FD_WRITE);
}

static void
protocol_error(struct client *c, const char *why)
{
	size_t len;
	char *p = sw_ctl_error_reply(why, &len);

	c->close_after = true;
	queue_reply(c, p, len);
}

/* After a recv() that returned k <= 0: false (client freed) on EOF or a
 * real error, true when the socket merely had nothing to read. */
static bool
recv_done(struct client *c, ssize_t k)
{
	if (k == 0 || (errno != EAGAIN && errno != EINTR)) {
		client_free(c);
		return false;
	}
	return true;
}

/* Returns false when the client is gone. */
static bool
client_read(struct client *c)
{
	struct vn_err verr = { 0 };
	ssize_t k;

	if (c->hdr_got < SW_CTL_HDR_LEN) {
		k = recv(c->fd, c->hdr + c->hdr_got, SW_CTL_HDR_LEN - c->hdr_got, 0);
		if (k <= 0)
			return recv_done(c, k);
		c->hdr_got += (size_t)k;
		if (c->hdr_got < SW_CTL_HDR_LEN)
			return true;
		if (sw_ctl_hdr_decode(c->hdr, SW_CTL_REQUEST, c->srv->lim.max_request,
			    &c->body_len, &verr)) {
			char why[160];

			snprintf(why, sizeof(why), "%s (requests are limited to %u bytes)",
				verr.reason, c->srv->lim.max_request);
			c->srv->st.requests_refused++;
			protocol_error(c, why);
			return true;
		}
		c->body = malloc(c->body_len ? c->body_len : 1);
		if (!c->body) {
			protocol_error(c, "out of memory");
			return true;
		}
		c->body_got = 0;
	}
	if (c->body_got < c->body_len) {
		k = recv(c->fd, c->body + c->body_got, c->body_len - c->body_got, 0);
		if (k <= 0)
			return recv_done(c, k);
		c->body_got += (uint32_t)k;
	}
	if (c->body_got == c->body_len) {
		size_t len;
		char *reply;

		c->srv->st.requests++;
		reply = sw_ctl_handle(c->srv->env, c->body, c->body_len, &len);

		free(c->body);
		c->body = NULL;
		c->hdr_got = 0;
		queue_reply(c, reply, len);
	}
	return true;
}

static void
client_cb(int fd, unsigned events, void *aux)
{
	struct client *c = aux;

	(void)fd;
	if ((events & SW_FD_READ) && !c->out) {
		if (!client_read(c))
			return;
	}
	if (c->out && (events & SW_FD_WRITE)) {
		ssize_t k = send(
			c->fd, c->out + c->out_sent, c->out_len - c->out_sent, MSG_NOSIGNAL);

		if (k < 0 && errno != EAGAIN && errno != EINTR) {
			client_free(c);
			return;
		}
		if (k > 0)
			c->out_sent += (size_t)k;
		if (c->out_sent == c->out_len) {
			free(c->out);
			c->out = NULL;
			if (c->close_after) {
				client_free(c);
				return;
			}
			sw_fd_watch_set(c->watch, SW_FD_READ);
		}
	}
}

static void
accept_cb(int fd, unsigned events, void *aux)
{
	struct sw_ctl_server *s = aux;
	struct client *c;
	int cfd;

	(void)events;
	cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (cfd < 0) {
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
			/* The connection stays queued; try again later rather
			 * than spin on a socket that stays readable. */
			s->paused = true;
			sw_fd_watch_set(s->watch, 0);
			sw_timer_arm(s->retry, sw_wall_us() + ACCEPT_RETRY_US);
		}
		return;
	}
	if (s->n_clients >= s->lim.max_clients) {
		static const char msg[] = "too many control clients";
		size_t len;
		char *p = sw_ctl_error_reply(msg, &len);
		uint8_t hdr[SW_CTL_HDR_LEN];

		/* Best effort: tell it why, then close; never block the loop. */
		sw_ctl_hdr_encode(hdr, SW_CTL_REPLY, (uint32_t)len);
		if (send(cfd, hdr, sizeof(hdr), MSG_NOSIGNAL | MSG_DONTWAIT) ==
			(ssize_t)sizeof(hdr))
			(void)!send(cfd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		free(p);
		close(cfd);
		s->st.clients_refused++;
		return;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(cfd);
		return;
	}
	c->srv = s;
	c->fd = cfd;
	c->watch = sw_fd_watch_create(s->loop, cfd, SW_FD_READ, client_cb, c);
	if (!c->watch) {
		close(cfd);
		free(c);
		return;
	}
	c->next = s->clients;
	s->clients = c;
	s->n_clients++;
	s->st.n_clients = s->n_clients;
	s->st.clients++;
}

static int
make_parent(const char *path)
{
	char dir[108];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0755) && errno != EEXIST)
		return -1;
	return 0;
}

struct sw_ctl_server *
sw_ctl_server_create(struct sw_loop *loop, const char *path, struct sw_ctl_env *env,
	const struct sw_ctl_limits *limits, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct sw_ctl_server *s;
	mode_t old_umask;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "%s: socket path too long", path);
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->loop = loop;
	s->env = env;
	s->lim.max_request =
		limits && limits->max_request ? limits->max_request : SW_CTL_MAX_REQUEST;
	s->lim.max_clients = limits && limits->max_clients ? limits->max_clients : 64;
	s->lim.mode = limits && limits->mode ? limits->mode : 0660;
	s->lim.group = limits ? limits->group : NULL;
	s->st.max_clients = s->lim.max_clients;
	s->st.max_request = s->lim.max_request;
	snprintf(s->path, sizeof(s->path), "%s", path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (make_parent(path)) {
		snprintf(err, errlen, "%s: cannot create its directory: %s", path,
			strerror(errno));
		free(s);
		return NULL;
	}
	s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		free(s);
		return NULL;
	}
	/* Created 0600 (umask) and only then opened up to lim.mode and the
	 * group: no moment where another user could connect. */
	old_umask = umask(0177);
	if (bind(s->fd, (struct sockaddr *)&sa, sizeof(sa))) {
		struct stat st;
		int probe;

		if (errno != EADDRINUSE) {
			snprintf(err, errlen, "%s: bind: %s", path, strerror(errno));
			umask(old_umask);
			close(s->fd);
			free(s);
			return NULL;
		}
		/* A stale socket from a dead daemon is replaced; a live one is not. */
		probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (probe >= 0 && !connect(probe, (struct sockaddr *)&sa, sizeof(sa))) {
			close(probe);
			snprintf(err, errlen, "%s: another daemon is listening there", path);
			umask(old_umask);
			close(s->fd);
			free(s);
			return NULL;
		}
		if (probe >= 0)
			close(probe);
		/* Only a socket is ours to replace: never delete a file that
		 * --ctl named by mistake. */
		if (lstat(path, &st) || !S_ISSOCK(st.st_mode)) {
			snprintf(err, errlen, "%s: exists and is not a socket", path);
			umask(old_umask);
			close(s->fd);
			free(s);
			return NULL;
		}
		unlink(path);
		if (bind(s->fd, (struct sockaddr *)&sa, sizeof(sa))) {
			snprintf(err, errlen, "%s: bind: %s", path, strerror(errno));
			umask(old_umask);
			close(s->fd);
			free(s);
			return NULL;
		}
	}
	umask(old_umask);
	if (chmod(path, (mode_t)s->lim.mode)) {
		snprintf(err, errlen, "%s: chmod: %s", path, strerror(errno));
		goto fail;
	}
	if (s->lim.group) {
		struct group *g = getgrnam(s->lim.group);

		if (!g || chown(path, (uid_t)-1, g->gr_gid)) {
			snprintf(err, errlen, "%s: group '%s': %s", path, s->lim.group,
				g ? strerror(errno) : "no such group");
			goto fail;
		}
	}
	if (listen(s->fd, 16)) {
		snprintf(err, errlen, "%s: listen: %s", path, strerror(errno));
		goto fail;
	}
	s->watch = sw_fd_watch_create(loop, s->fd, SW_FD_READ, accept_cb, s);
	s->retry = sw_timer_create(loop, retry_cb, s);
	if (!s->watch || !s->retry) {
		snprintf(err, errlen, "%s: cannot watch the socket", path);
		goto fail;
	}
	env->stats = &s->st;
	return s;
fail:
	sw_timer_destroy(s->retry);
	sw_fd_watch_destroy(s->watch);
	close(s->fd);
	unlink(path);
	free(s);
	return NULL;
}

void
sw_ctl_server_destroy(struct sw_ctl_server *s)
{
	if (!s)
		return;
	if (s->env->stats == &s->st)
		s->env->stats = NULL;
	while (s->clients)
		client_free(s->clients);
	sw_timer_destroy(s->retry);
	sw_fd_watch_destroy(s->watch);
	close(s->fd);
	unlink(s->path);
	free(s);
}
