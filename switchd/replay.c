/* SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include "switchd/replay.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct src {
	pcap_t *pc;
	unsigned port;
	const char *path;
	bool have; /* a frame is waiting in hdr/data */
	struct pcap_pkthdr *hdr;
	const u_char *data;
};

static int
advance(struct src *s, char *err, size_t errlen)
{
	int rc = pcap_next_ex(s->pc, &s->hdr, &s->data);

	if (rc == 1) {
		s->have = true;
		return 0;
	}
	s->have = false;
	if (rc == PCAP_ERROR_BREAK || rc == -2)
		return 0;
	snprintf(err, errlen, "%s: %s", s->path, pcap_geterr(s->pc));
	return -1;
}

static uint64_t
ts_us(const struct pcap_pkthdr *h)
{
	return (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec;
}

/* Data frames go through the pipeline in bursts (sw_input_burst), copied
 * out of libpcap's buffer (it is reused for the next record).  A burst is
 * switched before anything that could depend on it or change what it
 * meets: a timer due, a control frame (it may start a timer), the end.
 * The result is the same frame by frame, byte for byte. */
#define BURST     32
#define BURST_BUF (BURST * 2048)

struct burst {
	struct sw_rx rx[BURST];
	unsigned n;
	size_t used;
	uint8_t *buf;           /* BURST_BUF bytes, owned here */
	sw_replay_step_fn step; /* instead of the pipeline (benchmarks), or NULL */
	void *aux;
};

static void
burst_flush(struct sw *sw, struct burst *b)
{
	if (b->n && b->step)
		b->step(b->aux, sw, b->rx, b->n);
	else if (b->n)
		sw_input_burst(sw, b->rx, b->n);
	b->n = 0;
	b->used = 0;
}

/* Queue a data frame; false if it cannot be (too large: the caller
 * switches it alone after flushing). */
static bool
burst_add(struct sw *sw, struct burst *b, unsigned port, const uint8_t *data, size_t len,
	uint64_t now)
{
	if (!b->buf || len > 2048)
		return false;
	if (b->n == BURST || b->used + len > BURST_BUF)
		burst_flush(sw, b);
	memcpy(b->buf + b->used, data, len);
	b->rx[b->n++] =
		(struct sw_rx) { b->buf + b->used, (uint32_t)len, (uint16_t)port, now, now };
	b->used += len;
	return true;
}

static void
run_timers_until(struct sw *sw, uint64_t *next_timer, uint64_t t)
{
	while (*next_timer <= t)
		*next_timer = sw_run_timers(sw, *next_timer);
}

int
sw_replay_run(struct sw *sw, const struct sw_replay_input *in, size_t n, uint64_t until_us,
	struct sw_replay_result *res, char *err, size_t errlen)
{
	return sw_replay_run_step(sw, in, n, until_us, res, NULL, NULL, err, errlen);
}

int
sw_replay_run_step(struct sw *sw, const struct sw_replay_input *in, size_t n, uint64_t until_us,
	struct sw_replay_result *res, sw_replay_step_fn step, void *aux, char *err,
	size_t errlen)
{
	struct src *srcs = calloc(n ? n : 1, sizeof(*srcs));
	struct burst burst = { .buf = malloc(BURST_BUF), .step = step, .aux = aux };
	uint64_t next_timer = UINT64_MAX, now = 0;
	bool started = false;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	if (!srcs) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		char perr[PCAP_ERRBUF_SIZE] = "";

		srcs[i].port = in[i].port;
		srcs[i].path = in[i].path;
		srcs[i].pc = pcap_open_offline(in[i].path, perr);
		if (!srcs[i].pc) {
			snprintf(err, errlen, "%s: %s", in[i].path, perr);
			goto out;
		}
		if (pcap_datalink(srcs[i].pc) != DLT_EN10MB) {
			snprintf(err, errlen, "%s: not an Ethernet capture", in[i].path);
			goto out;
		}
		if (advance(&srcs[i], err, errlen))
			goto out;
	}
	for (;;) {
		struct src *best = NULL;

		for (size_t i = 0; i < n; i++)
			if (srcs[i].have && (!best || ts_us(srcs[i].hdr) < ts_us(best->hdr)))
				best = &srcs[i];
		if (!best)
			break;
		/* The clock never runs backwards, even over a capture that does. */
		if (!started || ts_us(best->hdr) > now)
			now = ts_us(best->hdr);
		if (!started) {
			started = true;
			res->first_us = now;
			next_timer = sw_run_timers(sw, now);
		}
		if (next_timer <= now)
			burst_flush(sw, &burst);
		run_timers_until(sw, &next_timer, now);
		if (best->hdr->caplen < best->hdr->len)
			res->truncated++;
		res->frames++;
		if ((best->hdr->caplen >= 6 && sw_reserved_da(best->data)) ||
			!burst_add(
				sw, &burst, best->port, best->data, best->hdr->caplen, now)) {
			burst_flush(sw, &burst);
			if (step) {
				struct sw_rx one = { best->data, best->hdr->caplen,
					(uint16_t)best->port, now, now };

				step(aux, sw, &one, 1);
			} else {
				sw_input(sw, best->port, best->data, best->hdr->caplen, now,
					NULL);
			}
		} else {
			if (advance(best, err, errlen))
				goto out;
			continue; /* a data frame starts no timer */
		}
		{
			/* A control frame may have started a timer (an ECP
			 * retransmission) before the next one known. */
			uint64_t dl = sw_next_deadline(sw);

			if (dl < next_timer)
				next_timer = dl < now ? now : dl;
		}
		if (advance(best, err, errlen))
			goto out;
	}
	burst_flush(sw, &burst);
	if (started && until_us && res->first_us + until_us > now) {
		now = res->first_us + until_us;
		run_timers_until(sw, &next_timer, now);
	}
	res->end_us = now;
	sw_flush(sw, now);
	rc = 0;
out:
	for (size_t i = 0; i < n; i++)
		if (srcs[i].pc)
			pcap_close(srcs[i].pc);
	free(srcs);
	free(burst.buf);
	return rc;
}
