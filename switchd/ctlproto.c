/* SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include "switchd/ctlproto.h"

void
sw_ctl_hdr_encode(uint8_t hdr[SW_CTL_HDR_LEN], uint8_t type, uint32_t len)
{
	hdr[0] = 'V';
	hdr[1] = 'N';
	hdr[2] = SW_CTL_VERSION;
	hdr[3] = type;
	vn_put_be32(hdr + 4, len);
}

int
sw_ctl_hdr_decode(const uint8_t hdr[SW_CTL_HDR_LEN], uint8_t want_type, uint32_t max,
	uint32_t *len, struct vn_err *err)
{
	if (hdr[0] != 'V' || hdr[1] != 'N')
		return vn_fail(
			err, VN_EBADMSG, "not a vnswitch control message (bad magic)", 0);
	if (hdr[2] != SW_CTL_VERSION)
		return vn_fail(err, VN_EBADMSG, "unsupported control protocol version", 2);
	if (hdr[3] != want_type)
		return vn_fail(err, VN_EBADMSG, "unexpected message type", 3);
	*len = vn_get_be32(hdr + 4);
	if (*len > max)
		return vn_fail(err, VN_EBADMSG, "message longer than the limit", 4);
	return 0;
}
