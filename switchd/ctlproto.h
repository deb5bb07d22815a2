/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ctlproto.h - framing of the vnctl <-> vnswitchd control protocol.
 *
 * Over a unix stream socket each message is an 8-byte header followed by a
 * JSON payload of exactly 'length' bytes:
 *
 *   byte 0-1  magic 'V' 'N'
 *   byte 2    protocol version (SW_CTL_VERSION)
 *   byte 3    type: 1 request, 2 reply
 *   byte 4-7  payload length, big-endian
 *
 * Request payload:  {"version": 1, "argv": ["show", "veths", "100"],
 *                    "format": "plain" | "keyvalue" | "json"}
 * Reply payload:    {"version": 1, "status": "ok", "output": "..."}
 *                   {"version": 1, "status": "error", "error": "why"}
 * The daemon renders "output" with the one writer in the format asked for
 * (so JSON output keeps its documented key order); vnctl prints it as is.
 * The explicit length, never an in-band terminator, delimits a message; a
 * length over the receiver's limit is refused before anything is read.
 */
#ifndef SWITCHD_CTLPROTO_H
#define SWITCHD_CTLPROTO_H 1

#include <stddef.h>
#include <stdint.h>

#include "common/codec.h"

#define SW_CTL_VERSION      1
#define SW_CTL_HDR_LEN      8
#define SW_CTL_REQUEST      1
#define SW_CTL_REPLY        2
#define SW_CTL_MAX_REQUEST  65536       /* default request limit (configurable) */
#define SW_CTL_MAX_REPLY    (64u << 20) /* what vnctl accepts */
#define SW_CTL_DEFAULT_PATH "/run/vnswitch/vnswitchd.ctl"

void sw_ctl_hdr_encode(uint8_t hdr[SW_CTL_HDR_LEN], uint8_t type, uint32_t len);

/* Check a received header: magic, version, type as expected, length within
 * 'max'.  Returns 0 or VN_EBADMSG with a reason. */
int sw_ctl_hdr_decode(const uint8_t hdr[SW_CTL_HDR_LEN], uint8_t want_type, uint32_t max,
	uint32_t *len, struct vn_err *err);

#endif /* SWITCHD_CTLPROTO_H */
