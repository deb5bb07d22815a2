/* SPDX-License-Identifier: Apache-2.0 */
/*
 * decode.h - the offline decoder behind `vnctl decode FILE.pcap`.
 *
 * Every frame of a capture goes through the project's own codecs (the same
 * ones the switch uses) and every field is written through the one writer:
 * Ethernet addresses and tags, VN-Tag, E-Tag, S/C-tags, LLDP with the EVB,
 * CDCP and draft-EVB TLVs, ECP and VDP-2012.  A frame that does not decode
 * gets an "error" key with the codec's reason and the byte offset; the
 * layers decoded before the error are still printed.
 */
#ifndef SWITCHD_DECODE_H
#define SWITCHD_DECODE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "switchd/writer.h"

/* Write one frame as an object (an element of the caller's list); false
 * when some layer did not decode (the object then carries "error"). */
bool sw_decode_frame(struct sw_writer *w, unsigned long frameno, uint64_t ts_us,
	const uint8_t *data, size_t caplen, size_t wirelen);

/*
 * Decode a whole capture as a list of frames.  Returns 0, or -1 with a
 * message in errbuf when the file cannot be read (nothing written then).
 * *n_errors receives the number of frames that did not decode.
 */
int sw_decode_pcap(const char *path, struct sw_writer *w, unsigned long *n_errors, char *errbuf,
	size_t errlen);

#endif /* SWITCHD_DECODE_H */
