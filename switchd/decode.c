/* SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include "switchd/decode.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "switchd/decode_layers.h"
#include "vntag/etag.h"
#include "vntag/eth.h"
#include "vntag/vntag.h"

static void
write_error(struct sw_writer *w, const char *layer, const struct vn_err *err)
{
	sw_w_strf(w, "error", "Error", "%s: %s (at byte %zu)", layer,
		err->reason ? err->reason : "malformed", err->offset);
}

static void
write_mac(struct sw_writer *w, const char *tag, const char *label, const uint8_t *mac)
{
	char s[18];

	vn_eth_format_mac(mac, s);
	sw_w_str(w, tag, label, s);
}

static void
write_vntag(struct sw_writer *w, const struct vntag *t)
{
	sw_w_obj_start(w, "vntag", "VN-Tag");
	sw_w_uint(w, "d", "Direction (1 = from bridge)", t->d);
	sw_w_uint(w, "p", "Pointer (dvif is a vif list)", t->p);
	sw_w_uint(w, "dvif", "Destination vif", t->dvif);
	sw_w_uint(w, "looped", "Looped", t->looped);
	sw_w_uint(w, "r", "Reserved", t->r);
	sw_w_uint(w, "version", "Version", t->version);
	sw_w_uint(w, "svif", "Source vif", t->svif);
	sw_w_obj_end(w);
}

static void
write_etag(struct sw_writer *w, const struct etag *t)
{
	sw_w_obj_start(w, "etag", "E-Tag");
	sw_w_uint(w, "pcp", "E-PCP", t->pcp);
	sw_w_uint(w, "dei", "E-DEI", t->dei);
	sw_w_uint(w, "ingress_ecid", "Ingress E-CID", t->ingress_ecid);
	sw_w_uint(w, "resv", "Reserved", t->resv);
	sw_w_uint(w, "grp", "GRP", t->grp);
	sw_w_uint(w, "ecid", "E-CID", t->ecid);
	sw_w_obj_end(w);
}

bool
sw_decode_frame(struct sw_writer *w, unsigned long frameno, uint64_t ts_us, const uint8_t *data,
	size_t caplen, size_t wirelen)
{
	struct vn_eth eth;
	struct vn_err err = { 0 };
	unsigned n_vlans = 0;
	bool ok = true;

	sw_w_obj_start(w, NULL, NULL);
	sw_w_uint(w, "frame", "Frame", frameno);
	sw_w_strf(w, "time", "Time", "%llu.%06llu", (unsigned long long)(ts_us / 1000000),
		(unsigned long long)(ts_us % 1000000));
	sw_w_uint(w, "len", "Length", caplen);
	if (caplen < wirelen)
		sw_w_uint(w, "wire_len", "Length on the wire", wirelen);
	if (vn_eth_parse(data, caplen, &eth, &err)) {
		write_error(w, "ethernet", &err);
		sw_w_obj_end(w);
		return false;
	}
	sw_w_obj_start(w, "eth", "Ethernet");
	write_mac(w, "dst", "Destination", eth.dst);
	write_mac(w, "src", "Source", eth.src);
	if (eth.is_8023)
		sw_w_uint(w, "length", "802.3 length", eth.type);
	else
		sw_w_strf(w, "type", "EtherType", "0x%04x", eth.type);
	sw_w_obj_end(w);

	for (unsigned i = 0; i < eth.n_tags; i++) {
		const struct vn_eth_tag *tag = &eth.tags[i];

		if (tag->tpid == VN_ETH_VNTAG) {
			struct vntag t;

			vntag_unpack(vn_get_be32(data + tag->off + 2), &t);
			write_vntag(w, &t);
		} else if (tag->tpid == VN_ETH_ETAG) {
			struct etag t;

			etag_unpack(data + tag->off + 2, &t);
			write_etag(w, &t);
		} else {
			n_vlans++;
		}
	}
	if (n_vlans) {
		sw_w_list_start(w, "vlans", "802.1Q tags");
		for (unsigned i = 0; i < eth.n_tags; i++) {
			const struct vn_eth_tag *tag = &eth.tags[i];

			if (tag->tpid != VN_ETH_STAG && tag->tpid != VN_ETH_CTAG)
				continue;
			sw_w_obj_start(w, NULL, NULL);
			sw_w_str(w, "kind", "Kind",
				tag->tpid == VN_ETH_STAG ? "s-tag" : "c-tag");
			sw_w_strf(w, "tpid", "TPID", "0x%04x", tag->tpid);
			sw_w_uint(w, "pcp", "PCP", tag->pcp);
			sw_w_uint(w, "dei", "DEI", tag->dei);
			sw_w_uint(w, "vid", "VID", tag->vid);
			sw_w_obj_end(w);
		}
		sw_w_list_end(w);
	}

	if (!eth.is_8023) {
		const uint8_t *payload = data + eth.payload_off;
		size_t plen = caplen - eth.payload_off;

		if (eth.type == VN_ETH_LLDP)
			ok = sw_decode_lldp(w, payload, plen, eth.payload_off);
		else if (eth.type == VN_ETH_ECP)
			ok = sw_decode_ecp(w, payload, plen, eth.payload_off);
	}
	sw_w_obj_end(w);
	return ok;
}

int
sw_decode_pcap(const char *path, struct sw_writer *w, unsigned long *n_errors, char *errbuf,
	size_t errlen)
{
	char pcap_err[PCAP_ERRBUF_SIZE] = "";
	struct pcap_pkthdr *h;
	const u_char *data;
	unsigned long n = 0;
	pcap_t *pc;
	int rc;

	*n_errors = 0;
	pc = pcap_open_offline(path, pcap_err);
	if (!pc) {
		snprintf(errbuf, errlen, "%s: %s", path, pcap_err);
		return -1;
	}
	if (pcap_datalink(pc) != DLT_EN10MB) {
		snprintf(errbuf, errlen, "%s: link type %s is not Ethernet", path,
			pcap_datalink_val_to_name(pcap_datalink(pc))
				? pcap_datalink_val_to_name(pcap_datalink(pc))
				: "unknown");
		pcap_close(pc);
		return -1;
	}
	sw_w_list_start(w, "frames", "Frames");
	while ((rc = pcap_next_ex(pc, &h, &data)) == 1) {
		uint64_t ts = (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec;

		if (!sw_decode_frame(w, ++n, ts, data, h->caplen, h->len))
			(*n_errors)++;
	}
	sw_w_list_end(w);
	if (rc == PCAP_ERROR) {
		/* A truncated capture: what was read is printed, the rest is an error. */
		snprintf(errbuf, errlen, "%s: after frame %lu: %s", path, n, pcap_geterr(pc));
		pcap_close(pc);
		sw_writer_finish(w);
		return -1;
	}
	pcap_close(pc);
	return 0;
}
