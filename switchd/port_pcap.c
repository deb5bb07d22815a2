/* SPDX-License-Identifier: Apache-2.0 */
/* port_pcap.c - replay output and memory back-ends. */
#include <config.h>

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "switchd/port_be.h"

struct pcapout {
	pcap_t *dead;
	pcap_dumper_t *dump;
	uint8_t buf[16384 + 64];
};

static uint8_t *
pcapout_tx_buf(struct sw_port *p, size_t len)
{
	struct pcapout *o = p->be;

	return len <= sizeof(o->buf) ? o->buf : NULL;
}

static void
pcapout_tx_commit(struct sw_port *p, size_t len, uint64_t now)
{
	struct pcapout *o = p->be;
	struct pcap_pkthdr h = { 0 };

	h.ts.tv_sec = (time_t)(now / 1000000u);
	h.ts.tv_usec = (suseconds_t)(now % 1000000u);
	h.caplen = h.len = (bpf_u_int32)len;
	pcap_dump((u_char *)o->dump, &h, o->buf);
}

static void
pcapout_flush(struct sw_port *p, uint64_t now)
{
	struct pcapout *o = p->be;

	(void)now;
	pcap_dump_flush(o->dump);
}

static void
pcapout_close(struct sw_port *p)
{
	struct pcapout *o = p->be;

	if (!o)
		return;
	pcap_dump_close(o->dump);
	pcap_close(o->dead);
	free(o);
	p->be = NULL;
}

static const struct sw_port_ops pcapout_ops = {
	.name = "pcap",
	.tx_buf = pcapout_tx_buf,
	.tx_commit = pcapout_tx_commit,
	.flush = pcapout_flush,
	.close = pcapout_close,
};

int
sw_pcapout_attach(struct sw *sw, unsigned port, const char *dir, char *err, size_t errlen)
{
	struct sw_port *p = sw_port(sw, port);
	struct pcapout *o;
	char path[1024];

	o = calloc(1, sizeof(*o));
	if (!o) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	snprintf(path, sizeof(path), "%s/%s.pcap", dir, p->name);
	o->dead = pcap_open_dead(DLT_EN10MB, 65535);
	o->dump = o->dead ? pcap_dump_open(o->dead, path) : NULL;
	if (!o->dump) {
		snprintf(err, errlen, "%s: %s", path, o->dead ? pcap_geterr(o->dead) : "pcap");
		if (o->dead)
			pcap_close(o->dead);
		free(o);
		return -1;
	}
	sw_port_attach(sw, port, &pcapout_ops, o);
	return 0;
}

/* ---- memory back-end (tests) ---------------------------------------------- */

static uint8_t *
mem_tx_buf(struct sw_port *p, size_t len)
{
	struct sw_mem_port *m = p->be;

	if (m->refuse) {
		m->refuse--;
		return NULL;
	}
	if (len > SW_MEM_FRAME_MAX)
		return NULL;
	if (m->n >= SW_MEM_MAX_FRAMES) {
		m->overflow++;
		return NULL;
	}
	return m->data[m->n];
}

static void
mem_tx_commit(struct sw_port *p, size_t len, uint64_t now)
{
	struct sw_mem_port *m = p->be;

	m->len[m->n] = len;
	m->ts[m->n] = now;
	m->n++;
}

static const struct sw_port_ops mem_ops = {
	.name = "memory",
	.tx_buf = mem_tx_buf,
	.tx_commit = mem_tx_commit,
};

void
sw_mem_attach(struct sw *sw, unsigned port, struct sw_mem_port *m)
{
	sw_port_attach(sw, port, &mem_ops, m);
}
