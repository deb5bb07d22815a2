/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz.h - what every fuzz target in tests/fuzz/ shares.
 *
 * Each fuzz-<target>.c defines LLVMFuzzerTestOneInput() and nothing else
 * with external linkage.  It is linked twice (tests/fuzz.mk): with
 * libFuzzer's main as tests/fuzz/fuzz-<target> (CC=clang ./configure
 * --enable-fuzzer), and with replay-main.c as tests/fuzz/replay-<target>,
 * which make check runs over the seed corpus and the kept crashers in every
 * build (tests/fuzz-replay.sh).
 *
 * A target finds bugs two ways: the sanitizers (ASan, UBSan, LeakSanitizer)
 * and FUZZ_CHECK, the target's own oracle (a round trip that does not
 * round-trip, an invariant the API documents).  A failed check prints where
 * and why and aborts, which libFuzzer records as a crash like any other.
 */
#ifndef TESTS_FUZZ_FUZZ_H
#define TESTS_FUZZ_FUZZ_H 1

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond, ...)                                                                  \
	do {                                                                                   \
		if (!(cond)) {                                                                 \
			fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__,       \
				#cond);                                                        \
			fprintf(stderr, __VA_ARGS__);                                          \
			fputc('\n', stderr);                                                   \
			abort();                                                               \
		}                                                                              \
	} while (0)

#endif /* TESTS_FUZZ_FUZZ_H */
