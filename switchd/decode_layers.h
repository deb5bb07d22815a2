/* SPDX-License-Identifier: Apache-2.0 */
/* decode_layers.h - LLDP and ECP/VDP parts of the offline decoder. */
#ifndef SWITCHD_DECODE_LAYERS_H
#define SWITCHD_DECODE_LAYERS_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "switchd/writer.h"

/* Each writes its layer's keys into the current frame object and returns
 * false (after writing "error") when the layer does not decode.  'base' is
 * the payload's offset in the frame, so error offsets count from the frame. */
bool sw_decode_lldp(struct sw_writer *w, const uint8_t *p, size_t len, size_t base);
bool sw_decode_ecp(struct sw_writer *w, const uint8_t *p, size_t len, size_t base);

#endif /* SWITCHD_DECODE_LAYERS_H */
