/* SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include "tests/testutil.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <CUnit/Basic.h>

const char *
tu_data_path(const char *name)
{
	static char path[4096];
	const char *top = getenv("top_srcdir");

	snprintf(path, sizeof(path), "%s/tests/data/%s", top ? top : ".", name);
	return path;
}

struct tu_pcap *
tu_pcap_load(const char *name)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	const char *path = tu_data_path(name);
	pcap_t *pc = pcap_open_offline(path, errbuf);
	struct tu_pcap *p;
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc;

	if (!pc) {
		fprintf(stderr, "cannot open %s: %s\n", path, errbuf);
		exit(99); /* automake: hard error */
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		abort();
	while ((rc = pcap_next_ex(pc, &h, &data)) == 1) {
		struct tu_frame *f;

		p->frames = realloc(p->frames, (p->n + 1) * sizeof(*p->frames));
		if (!p->frames)
			abort();
		f = &p->frames[p->n++];
		f->len = h->caplen;
		f->data = malloc(h->caplen ? h->caplen : 1);
		if (!f->data)
			abort();
		memcpy(f->data, data, h->caplen);
		f->ts_us = (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec;
	}
	pcap_close(pc);
	return p;
}

void
tu_pcap_free(struct tu_pcap *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++)
		free(p->frames[i].data);
	free(p->frames);
	free(p);
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
tu_hex(const char *hex, uint8_t *buf, size_t cap)
{
	size_t n = 0;

	while (*hex) {
		int hi, lo;

		if (*hex == ' ' || *hex == ':' || *hex == '\n' || *hex == '\t') {
			hex++;
			continue;
		}
		hi = hexval(hex[0]);
		lo = hex[1] ? hexval(hex[1]) : -1;
		if (hi < 0 || lo < 0 || n >= cap)
			return -1;
		buf[n++] = (uint8_t)(hi << 4 | lo);
		hex += 2;
	}
	return (int)n;
}

void
tu_add_suite(const char *name, const struct tu_test *tests)
{
	CU_pSuite s = CU_add_suite(name, NULL, NULL);

	if (!s)
		abort();
	for (; tests->name; tests++)
		if (!CU_add_test(s, tests->name, tests->fn))
			abort();
}

int
tu_run(const char *name, void (*add_suites)(void))
{
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 99;
	add_suites();
	CU_basic_set_mode(CU_BRM_VERBOSE);
	printf("== %s ==\n", name);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
