/* SPDX-License-Identifier: Apache-2.0 */
/*
 * codec.h - the bounded reader and writer every vnswitch codec goes through.
 *
 * Design rule 1: codecs do no I/O, no logging, no clock and keep no globals.
 * They read through a vn_rd, which never lets a read pass its end, and write
 * through a vn_wr, whose overflow flag is sticky so that an encoder can write
 * a whole message and check once.  Failures carry a static reason string and
 * the byte offset where they were found (struct vn_err); the caller decides
 * whether to log, count or print.
 *
 * Memory: neither cursor owns its buffer; the caller keeps the buffer alive
 * for as long as the cursor (and any pointer obtained from vn_rd_ptr) is used.
 */
#ifndef VN_CODEC_H
#define VN_CODEC_H 1

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Return codes shared by all codecs: 0 on success, otherwise one of these. */
#define VN_EBADMSG (-EBADMSG) /* decode: malformed or truncated input */
#define VN_ENOSPC  (-ENOSPC)  /* encode: output buffer too small */
#define VN_EINVAL  (-EINVAL)  /* encode/push: a field value out of range */

/* Why a decode or encode failed.  'reason' points to a string literal. */
struct vn_err {
	const char *reason;
	size_t offset; /* byte offset into the caller's buffer */
};

static inline int
vn_fail(struct vn_err *err, int rc, const char *reason, size_t offset)
{
	if (err) {
		err->reason = reason;
		err->offset = offset;
	}
	return rc;
}

/* ---- reader ---------------------------------------------------------- */

struct vn_rd {
	const uint8_t *buf;
	size_t len;  /* bytes readable from buf */
	size_t off;  /* next byte to read */
	size_t base; /* offset of buf[0] in the outermost buffer (for errors) */
};

static inline void
vn_rd_init(struct vn_rd *r, const void *buf, size_t len)
{
	r->buf = buf;
	r->len = len;
	r->off = 0;
	r->base = 0;
}

static inline size_t
vn_rd_left(const struct vn_rd *r)
{
	return r->len - r->off;
}

/* Absolute offset of the read position, for error reports. */
static inline size_t
vn_rd_pos(const struct vn_rd *r)
{
	return r->base + r->off;
}

/* Pointer to the next 'n' bytes, consumed; NULL (nothing consumed) if short. */
static inline const uint8_t *
vn_rd_ptr(struct vn_rd *r, size_t n)
{
	const uint8_t *p;

	if (n > vn_rd_left(r))
		return NULL;
	p = r->buf + r->off;
	r->off += n;
	return p;
}

static inline bool
vn_rd_skip(struct vn_rd *r, size_t n)
{
	return vn_rd_ptr(r, n) != NULL;
}

static inline bool
vn_rd_bytes(struct vn_rd *r, void *dst, size_t n)
{
	const uint8_t *p = vn_rd_ptr(r, n);

	if (!p)
		return false;
	if (n)
		memcpy(dst, p, n);
	return true;
}

static inline bool
vn_rd_u8(struct vn_rd *r, uint8_t *v)
{
	const uint8_t *p = vn_rd_ptr(r, 1);

	if (!p)
		return false;
	*v = p[0];
	return true;
}

static inline bool
vn_rd_be16(struct vn_rd *r, uint16_t *v)
{
	const uint8_t *p = vn_rd_ptr(r, 2);

	if (!p)
		return false;
	*v = (uint16_t)(p[0] << 8 | p[1]);
	return true;
}

static inline bool
vn_rd_be24(struct vn_rd *r, uint32_t *v)
{
	const uint8_t *p = vn_rd_ptr(r, 3);

	if (!p)
		return false;
	*v = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
	return true;
}

static inline bool
vn_rd_be32(struct vn_rd *r, uint32_t *v)
{
	const uint8_t *p = vn_rd_ptr(r, 4);

	if (!p)
		return false;
	*v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return true;
}

/*
 * Split off the next 'n' bytes as a sub-reader (a TLV value, say) and consume
 * them in the parent.  Reads from 'sub' can never run into what follows.
 */
static inline bool
vn_rd_sub(struct vn_rd *r, size_t n, struct vn_rd *sub)
{
	size_t start = vn_rd_pos(r);
	const uint8_t *p = vn_rd_ptr(r, n);

	if (!p)
		return false;
	sub->buf = p;
	sub->len = n;
	sub->off = 0;
	sub->base = start;
	return true;
}

/* ---- writer ---------------------------------------------------------- */

struct vn_wr {
	uint8_t *buf;
	size_t cap;
	size_t off;
	bool overflow; /* sticky: set by the first write that did not fit */
};

static inline void
vn_wr_init(struct vn_wr *w, void *buf, size_t cap)
{
	w->buf = buf;
	w->cap = cap;
	w->off = 0;
	w->overflow = false;
}

/* Reserve 'n' bytes and return them, or NULL (and set overflow) if short. */
static inline uint8_t *
vn_wr_ptr(struct vn_wr *w, size_t n)
{
	uint8_t *p;

	if (w->overflow || n > w->cap - w->off) {
		w->overflow = true;
		return NULL;
	}
	p = w->buf + w->off;
	w->off += n;
	return p;
}

static inline void
vn_wr_bytes(struct vn_wr *w, const void *src, size_t n)
{
	uint8_t *p = vn_wr_ptr(w, n);

	if (p && n)
		memcpy(p, src, n);
}

static inline void
vn_wr_zero(struct vn_wr *w, size_t n)
{
	uint8_t *p = vn_wr_ptr(w, n);

	if (p && n)
		memset(p, 0, n);
}

static inline void
vn_wr_u8(struct vn_wr *w, uint8_t v)
{
	uint8_t *p = vn_wr_ptr(w, 1);

	if (p)
		p[0] = v;
}

static inline void
vn_wr_be16(struct vn_wr *w, uint16_t v)
{
	uint8_t *p = vn_wr_ptr(w, 2);

	if (p) {
		p[0] = (uint8_t)(v >> 8);
		p[1] = (uint8_t)v;
	}
}

static inline void
vn_wr_be24(struct vn_wr *w, uint32_t v)
{
	uint8_t *p = vn_wr_ptr(w, 3);

	if (p) {
		p[0] = (uint8_t)(v >> 16);
		p[1] = (uint8_t)(v >> 8);
		p[2] = (uint8_t)v;
	}
}

static inline void
vn_wr_be32(struct vn_wr *w, uint32_t v)
{
	uint8_t *p = vn_wr_ptr(w, 4);

	if (p) {
		p[0] = (uint8_t)(v >> 24);
		p[1] = (uint8_t)(v >> 16);
		p[2] = (uint8_t)(v >> 8);
		p[3] = (uint8_t)v;
	}
}

/* Patch a 16-bit big-endian value at an offset already written. */
static inline void
vn_wr_patch_be16(struct vn_wr *w, size_t at, uint16_t v)
{
	if (!w->overflow && at + 2 <= w->off) {
		w->buf[at] = (uint8_t)(v >> 8);
		w->buf[at + 1] = (uint8_t)v;
	}
}

/* Big-endian loads and stores on raw buffers the caller has bounds-checked. */
static inline uint16_t
vn_get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
vn_get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void
vn_put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
vn_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* EtherTypes terminated or parsed by vnswitch (none of these are in
 * every libc's <net/ethernet.h>). */
#define VN_ETH_VNTAG 0x8926 /* Cisco VN-Tag */
#define VN_ETH_ETAG  0x893F /* IEEE 802.1BR E-Tag */
#define VN_ETH_ECP   0x8940 /* IEEE 802.1Qbg-2012 ECP */
#define VN_ETH_LLDP  0x88CC /* IEEE 802.1AB */
#define VN_ETH_STAG  0x88A8 /* IEEE 802.1ad S-tag */
#define VN_ETH_CTAG  0x8100 /* IEEE 802.1Q C-tag */
#define VN_ETH_ALEN  6

/* ---- frame buffer with headroom --------------------------------------- */

/*
 * A frame inside a larger buffer: [base, base+size) is the buffer, the frame
 * is [data, data+len).  Tag push/pop edit in place by moving the 12 MAC bytes
 * into the headroom (data - base) or forward, so the payload never moves.
 * Memory: the buffer belongs to the caller (a ring slot live, a scratch
 * buffer in replay); nothing here allocates.
 */
struct vn_pkt {
	uint8_t *base;
	size_t size;
	uint8_t *data;
	size_t len;
};

static inline void
vn_pkt_init(struct vn_pkt *p, void *buf, size_t size, size_t headroom, size_t len)
{
	p->base = buf;
	p->size = size;
	p->data = p->base + headroom;
	p->len = len;
}

static inline size_t
vn_pkt_headroom(const struct vn_pkt *p)
{
	return (size_t)(p->data - p->base);
}

/*
 * Open a gap of 'n' bytes right after the source MAC by moving the two MAC
 * addresses 'n' bytes into the headroom; returns the gap (to be filled by
 * the caller) or NULL if the headroom or the frame is too short.
 */
static inline uint8_t *
vn_pkt_open_tag(struct vn_pkt *p, size_t n)
{
	if (p->len < 2 * VN_ETH_ALEN || vn_pkt_headroom(p) < n)
		return NULL;
	memmove(p->data - n, p->data, 2 * VN_ETH_ALEN);
	p->data -= n;
	p->len += n;
	return p->data + 2 * VN_ETH_ALEN;
}

/* Close the 'n' bytes after the source MAC (a tag being removed). */
static inline bool
vn_pkt_close_tag(struct vn_pkt *p, size_t n)
{
	if (p->len < 2 * VN_ETH_ALEN + n)
		return false;
	memmove(p->data + n, p->data, 2 * VN_ETH_ALEN);
	p->data += n;
	p->len -= n;
	return true;
}

/*
 * What may follow a tag: an EtherType (>= 0x0600) or an 802.3 length
 * (<= 1500).  IEEE 802.3 clause 3.2.6 leaves 1501..1535 undefined.
 */
static inline bool
vn_eth_type_or_len_ok(uint16_t v)
{
	return v <= 1500 || v >= 0x0600;
}

#endif /* VN_CODEC_H */
