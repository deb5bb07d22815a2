/* SPDX-License-Identifier: Apache-2.0 */
/*
 * replay-main.c - run a fuzz target without libFuzzer: every file named on
 * the command line (a directory: every regular file in it, in name order)
 * is read and passed to LLVMFuzzerTestOneInput() once, as libFuzzer would
 * when given the same files.  Each input sits in a heap block of exactly
 * its size, so that ASan catches a read one byte past the end.  A crash or
 * a failed FUZZ_CHECK aborts the program; with -v every file name is
 * printed before it runs, so the last one printed is the culprit.
 *
 * Usage: replay-TARGET [-v] FILE|DIR...
 * Exit: 0 all inputs ran, 1 an input could not be read, 2 bad usage.
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/fuzz/fuzz.h"

/* Read 'path' into a malloc'ed block of exactly its size (the caller
 * frees it); NULL with errno on failure. */
static uint8_t *
slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	struct stat st;

	if (!f)
		return NULL;
	if (fstat(fileno(f), &st) || st.st_size < 0) {
		fclose(f);
		return NULL;
	}
	/* malloc(0) may return NULL: keep one byte so that the pointer is
	 * valid, as libFuzzer's is, but pass a size of 0. */
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf || fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		free(buf);
		fclose(f);
		errno = EIO;
		return NULL;
	}
	fclose(f);
	*size = (size_t)st.st_size;
	return buf;
}

static int
run_file(const char *path, bool verbose)
{
	size_t size = 0;
	uint8_t *buf = slurp(path, &size);

	if (!buf) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	if (verbose)
		fprintf(stderr, "running %s (%zu bytes)\n", path, size);
	LLVMFuzzerTestOneInput(buf, size);
	free(buf);
	return 0;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of 'dir' in name order; returns the number run or -1. */
static long
run_dir(const char *dir, bool verbose)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;
	long ran = 0;

	if (!d) {
		fprintf(stderr, "%s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue; /* ".", "..", and hidden files such as .gitkeep */
		if (n == cap) {
			char **nn = realloc(names, (cap = cap ? 2 * cap : 64) * sizeof(*names));

			if (!nn)
				abort();
			names = nn;
		}
		names[n] = malloc(strlen(dir) + strlen(e->d_name) + 2);
		if (!names[n])
			abort();
		sprintf(names[n], "%s/%s", dir, e->d_name);
		n++;
	}
	closedir(d);
	if (n) /* an empty directory leaves names NULL: qsort wants a valid pointer */
		qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++) {
		struct stat st;

		if (ran >= 0 && !stat(names[i], &st) && S_ISREG(st.st_mode))
			ran = run_file(names[i], verbose) ? -1 : ran + 1;
		free(names[i]);
	}
	free(names);
	return ran;
}

int
main(int argc, char **argv)
{
	bool verbose = false;
	long total = 0;
	int first = 1;

	if (argc > 1 && !strcmp(argv[1], "-v")) {
		verbose = true;
		first = 2;
	}
	if (first >= argc) {
		fprintf(stderr, "usage: %s [-v] FILE|DIR...\n", argv[0]);
		return 2;
	}
	for (int i = first; i < argc; i++) {
		struct stat st;
		long ran;

		if (stat(argv[i], &st)) {
			fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
			return 1;
		}
		ran = S_ISDIR(st.st_mode) ? run_dir(argv[i], verbose)
					  : (run_file(argv[i], verbose) ? -1 : 1);
		if (ran < 0)
			return 1;
		total += ran;
	}
	printf("%s: %ld inputs\n", argv[0], total);
	return 0;
}
