/* SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include "switchd/writer.h"

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

bool
sw_format_parse(const char *s, enum sw_format *fmt)
{
	if (!strcmp(s, "plain"))
		*fmt = SW_FMT_PLAIN;
	else if (!strcmp(s, "keyvalue"))
		*fmt = SW_FMT_KEYVALUE;
	else if (!strcmp(s, "json"))
		*fmt = SW_FMT_JSON;
	else
		return false;
	return true;
}

void
sw_writer_init(struct sw_writer *w, enum sw_format fmt, FILE *out)
{
	memset(w, 0, sizeof(*w));
	w->fmt = fmt;
	w->out = out;
	w->depth = 0;
}

void
sw_writer_finish(struct sw_writer *w)
{
	if (w->fmt == SW_FMT_JSON)
		fputc('\n', w->out);
	fflush(w->out);
}

static void
json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\r':
			fputs("\\r", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(out, "\\u%04x", *p);
			else
				fputc(*p, out);
		}
	}
	fputc('"', out);
}

/* Text for people and keyvalue lines: printable bytes kept, others escaped,
 * so a hostile string (a peer's system name, say) cannot forge lines. */
static void
plain_string(FILE *out, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f || *p == '\\')
			fprintf(out, "\\x%02x", *p);
		else
			fputc(*p, out);
	}
}

static void
indent(struct sw_writer *w)
{
	for (int i = 1; i < w->depth; i++)
		fputs("  ", w->out);
}

/* Start a child of the current element: separators and the key. */
static void
child_begin(struct sw_writer *w, const char *tag, const char *label, char *path, size_t pathsz)
{
	bool in_list = w->depth > 0 && w->stack[w->depth - 1].is_list;
	unsigned idx = w->depth > 0 ? ++w->stack[w->depth - 1].count : 1;
	const char *parent = w->depth > 0 ? w->stack[w->depth - 1].path : "";

	if (path) {
		if (in_list)
			snprintf(path, pathsz, "%s%s%u", parent, *parent ? "." : "", idx);
		else
			snprintf(path, pathsz, "%s%s%s", parent, *parent ? "." : "",
				tag ? tag : "");
	}
	switch (w->fmt) {
	case SW_FMT_JSON:
		if (idx > 1)
			fputc(',', w->out);
		if (w->depth > 0 && !in_list) {
			json_string(w->out, tag ? tag : "");
			fputc(':', w->out);
		}
		break;
	case SW_FMT_PLAIN:
		if (w->depth == 0)
			break; /* the root has no heading in plain text */
		indent(w);
		if (in_list)
			fprintf(w->out, "[%u]", idx);
		else
			fprintf(w->out, "%s:", label ? label : tag ? tag : "");
		break;
	case SW_FMT_KEYVALUE:
		break;
	}
}

static void
push(struct sw_writer *w, const char *tag, const char *label, bool is_list)
{
	char path[256];

	child_begin(w, tag, label, path, sizeof(path));
	if (w->fmt == SW_FMT_JSON)
		fputc(is_list ? '[' : '{', w->out);
	else if (w->fmt == SW_FMT_PLAIN && w->depth > 0)
		fputc('\n', w->out);
	if (w->depth == SW_WRITER_MAX_DEPTH) {
		/* Deeper nesting is a programming error; keep output well formed
		 * by refusing to descend further (children land one level up). */
		return;
	}
	w->stack[w->depth].is_list = is_list;
	w->stack[w->depth].count = 0;
	snprintf(w->stack[w->depth].path, sizeof(w->stack[w->depth].path), "%s",
		w->depth == 0 ? (tag ? tag : "") : path);
	w->depth++;
}

static void
pop(struct sw_writer *w)
{
	if (w->depth == 0)
		return;
	w->depth--;
	if (w->fmt == SW_FMT_JSON)
		fputc(w->stack[w->depth].is_list ? ']' : '}', w->out);
}

void
sw_w_obj_start(struct sw_writer *w, const char *tag, const char *label)
{
	push(w, tag, label, false);
}

void
sw_w_obj_end(struct sw_writer *w)
{
	pop(w);
}

void
sw_w_list_start(struct sw_writer *w, const char *tag, const char *label)
{
	push(w, tag, label, true);
}

void
sw_w_list_end(struct sw_writer *w)
{
	pop(w);
}

/* Emit one leaf; 'raw' is the JSON literal (number/bool) or NULL for 'str'. */
static void
leaf(struct sw_writer *w, const char *tag, const char *label, const char *str, const char *raw)
{
	char path[256];

	child_begin(w, tag, label, path, sizeof(path));
	switch (w->fmt) {
	case SW_FMT_JSON:
		if (raw)
			fputs(raw, w->out);
		else
			json_string(w->out, str);
		break;
	case SW_FMT_PLAIN:
		fputc(' ', w->out);
		plain_string(w->out, raw ? raw : str);
		fputc('\n', w->out);
		break;
	case SW_FMT_KEYVALUE:
		fprintf(w->out, "%s=", path);
		plain_string(w->out, raw ? raw : str);
		fputc('\n', w->out);
		break;
	}
}

void
sw_w_str(struct sw_writer *w, const char *tag, const char *label, const char *v)
{
	leaf(w, tag, label, v ? v : "", NULL);
}

void
sw_w_int(struct sw_writer *w, const char *tag, const char *label, long long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", v);
	leaf(w, tag, label, NULL, buf);
}

void
sw_w_uint(struct sw_writer *w, const char *tag, const char *label, unsigned long long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%llu", v);
	leaf(w, tag, label, NULL, buf);
}

void
sw_w_bool(struct sw_writer *w, const char *tag, const char *label, bool v)
{
	leaf(w, tag, label, NULL, v ? "true" : "false");
}

void
sw_w_hex(struct sw_writer *w, const char *tag, const char *label, const uint8_t *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char buf[2 * 512 + 1];

	if (n > 512)
		n = 512; /* longest value any TLV can hold (9-bit length) */
	for (size_t i = 0; i < n; i++) {
		buf[2 * i] = hex[p[i] >> 4];
		buf[2 * i + 1] = hex[p[i] & 15];
	}
	buf[2 * n] = '\0';
	leaf(w, tag, label, buf, NULL);
}

void
sw_w_strf(struct sw_writer *w, const char *tag, const char *label, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	leaf(w, tag, label, buf, NULL);
}
