/* SPDX-License-Identifier: Apache-2.0 */
/*
 * testutil.h - shared helpers for the CUnit test programs.
 *
 * tu_run() registers nothing itself: each test program builds its suites in
 * a callback, then tu_run() runs them in CUnit's basic (verbose) mode, prints
 * CUnit's run summary and returns the exit status automake expects.
 *
 * tu_pcap_load() reads a capture from tests/data (found through the
 * top_srcdir environment variable the test harness exports, so the tests run
 * from VPATH builds and distcheck).  The frames are copied into memory owned
 * by the returned struct; free it with tu_pcap_free().
 */
#ifndef VN_TESTUTIL_H
#define VN_TESTUTIL_H 1

#include <stddef.h>
#include <stdint.h>
#include <CUnit/CUnit.h>

struct tu_frame {
	uint8_t *data;
	size_t len;
	uint64_t ts_us; /* capture timestamp, microseconds */
};

struct tu_pcap {
	struct tu_frame *frames;
	size_t n;
};

/* Path of tests/data/NAME in a static buffer (tests are single-threaded). */
const char *tu_data_path(const char *name);

/* Load every frame of tests/data/NAME; aborts the program if unreadable. */
struct tu_pcap *tu_pcap_load(const char *name);
void tu_pcap_free(struct tu_pcap *p);

/* Parse "aa bb cc" / "aabbcc" hex into buf; returns the length or -1. */
int tu_hex(const char *hex, uint8_t *buf, size_t cap);

/* Run every registered suite; returns 0 when all passed (exit status). */
int tu_run(const char *name, void (*add_suites)(void));

/* Convenience: add a suite from a NULL-terminated table. */
struct tu_test {
	const char *name;
	void (*fn)(void);
};
void tu_add_suite(const char *name, const struct tu_test *tests);

#endif /* VN_TESTUTIL_H */
