/* SPDX-License-Identifier: Apache-2.0 */
/*
 * writer.h - the one writer behind every vnctl output format.
 *
 * Callers describe a document as nested objects, lists and leaves; the
 * writer renders it as
 *   plain     indented "Label: value" lines for people,
 *   keyvalue  one "path.to.key=value" line per leaf (list elements are
 *             numbered from 1), trivial to grep and parse in scripts,
 *   json      a single JSON value; lists are always arrays, numbers are
 *             numbers, booleans are true/false.
 * Every element has a stable machine tag (keyvalue and json use it) and a
 * human label (plain uses it; NULL means "same as the tag").  Elements of a
 * list have no tag (pass NULL).  The root element's tag is ignored in json.
 *
 * Memory: the writer owns its nesting stack (fixed depth) and writes to the
 * caller's FILE, which it never closes.
 */
#ifndef SWITCHD_WRITER_H
#define SWITCHD_WRITER_H 1

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum sw_format { SW_FMT_PLAIN, SW_FMT_KEYVALUE, SW_FMT_JSON };

#define SW_WRITER_MAX_DEPTH 16

struct sw_writer {
	enum sw_format fmt;
	FILE *out;
	int depth;
	struct {
		bool is_list;
		unsigned count; /* children written so far */
		char path[256]; /* keyvalue: dotted path of this element */
	} stack[SW_WRITER_MAX_DEPTH];
};

/* Parse "plain" | "keyvalue" | "json"; false if unknown. */
bool sw_format_parse(const char *s, enum sw_format *fmt);

void sw_writer_init(struct sw_writer *w, enum sw_format fmt, FILE *out);
void sw_writer_finish(struct sw_writer *w);

void sw_w_obj_start(struct sw_writer *w, const char *tag, const char *label);
void sw_w_obj_end(struct sw_writer *w);
void sw_w_list_start(struct sw_writer *w, const char *tag, const char *label);
void sw_w_list_end(struct sw_writer *w);

void sw_w_str(struct sw_writer *w, const char *tag, const char *label, const char *v);
void sw_w_int(struct sw_writer *w, const char *tag, const char *label, long long v);
void sw_w_uint(struct sw_writer *w, const char *tag, const char *label, unsigned long long v);
void sw_w_bool(struct sw_writer *w, const char *tag, const char *label, bool v);
/* Bytes as lowercase hex without separators, rendered as a string. */
void sw_w_hex(
	struct sw_writer *w, const char *tag, const char *label, const uint8_t *p, size_t n);
void sw_w_strf(struct sw_writer *w, const char *tag, const char *label, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif /* SWITCHD_WRITER_H */
