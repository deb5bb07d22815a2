/* SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include "switchd/decode_layers.h"

#include <stdio.h>

#include "lldp/lldpdu.h"
#include "vepa/ecp.h"
#include "vepa/vdp.h"
#include "vntag/eth.h"

static void
layer_error(struct sw_writer *w, const char *layer, const struct vn_err *err, size_t base)
{
	sw_w_strf(w, "error", "Error", "%s: %s (at byte %zu)", layer,
		err->reason ? err->reason : "malformed", base + err->offset);
}

static bool
printable(const uint8_t *p, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] > 0x7e)
			return false;
	return true;
}

/* A chassis or port ID as people read it: a MAC for the MAC subtypes, text
 * when printable, hex otherwise. */
static void
write_id(struct sw_writer *w, const char *tag, const char *label, const struct lldp_id *id,
	uint8_t mac_subtype)
{
	if (id->subtype == mac_subtype && id->len == VN_ETH_ALEN) {
		char s[18];

		vn_eth_format_mac(id->id, s);
		sw_w_str(w, tag, label, s);
	} else if (printable(id->id, id->len)) {
		sw_w_strf(w, tag, label, "%.*s", (int)id->len, (const char *)id->id);
	} else {
		sw_w_hex(w, tag, label, id->id, id->len);
	}
}

static void
write_str(struct sw_writer *w, const char *tag, const char *label, const struct lldp_str *s)
{
	sw_w_strf(w, tag, label, "%.*s", (int)s->len, s->str);
}

static void
write_evb(struct sw_writer *w, const struct lldp_evb *e)
{
	static const char *const modes[] = { "not supported", "bridge", "station", "reserved" };

	sw_w_obj_start(w, "evb", "EVB (802.1Qbg-2012)");
	sw_w_uint(w, "bgid", "BGID", e->bgid);
	sw_w_uint(w, "rrcap", "RRCAP", e->rrcap);
	sw_w_uint(w, "rrctr", "RRCTR", e->rrctr);
	sw_w_uint(w, "sgid", "SGID", e->sgid);
	sw_w_uint(w, "rrreq", "RRREQ", e->rrreq);
	sw_w_uint(w, "rrstat", "RRSTAT", e->rrstat);
	sw_w_uint(w, "r", "R (ECP retries)", e->r);
	sw_w_uint(w, "rte", "RTE", e->rte);
	sw_w_uint(w, "mode", "EVB mode", e->mode);
	sw_w_str(w, "mode_name", "EVB mode name", modes[e->mode & 3]);
	sw_w_uint(w, "rwd_rol", "RWD ROL", e->rwd_rol);
	sw_w_uint(w, "rwd", "RWD", e->rwd);
	sw_w_uint(w, "rka_rol", "RKA ROL", e->rka_rol);
	sw_w_uint(w, "rka", "RKA", e->rka);
	sw_w_obj_end(w);
}

static void
write_cdcp(struct sw_writer *w, const struct lldp_cdcp *c)
{
	sw_w_obj_start(w, "cdcp", "CDCP");
	sw_w_uint(w, "role", "Role (0 bridge, 1 station)", c->role);
	sw_w_uint(w, "scomp", "SComp", c->scomp);
	sw_w_uint(w, "chncap", "ChnCap", c->chncap);
	sw_w_list_start(w, "channels", "Channels");
	for (unsigned i = 0; i < c->n_chan; i++) {
		sw_w_obj_start(w, NULL, NULL);
		sw_w_uint(w, "scid", "SCID", c->chan[i].scid);
		sw_w_uint(w, "svid", "SVID", c->chan[i].svid);
		sw_w_obj_end(w);
	}
	sw_w_list_end(w);
	sw_w_obj_end(w);
}

static void
write_evb_draft(struct sw_writer *w, const struct lldp_evb_draft *d)
{
	sw_w_obj_start(w, "evb_draft", "EVB (draft 0.2, 00-1B-3F)");
	sw_w_uint(w, "sup_mode", "Supported forwarding mode", d->sup_mode);
	sw_w_uint(w, "sup_cap", "Supported capabilities", d->sup_cap);
	sw_w_uint(w, "cfg_mode", "Configured forwarding mode", d->cfg_mode);
	sw_w_uint(w, "cfg_cap", "Configured capabilities", d->cfg_cap);
	sw_w_uint(w, "sup_vsis", "Supported VSIs", d->sup_vsis);
	sw_w_uint(w, "cfg_vsis", "Configured VSIs", d->cfg_vsis);
	sw_w_uint(w, "rte", "RTE", d->rte);
	sw_w_obj_end(w);
}

static void
write_mgmt(struct sw_writer *w, const struct lldp_mgmt *m)
{
	sw_w_obj_start(w, NULL, NULL);
	sw_w_uint(w, "addr_subtype", "Address family", m->addr_subtype);
	if (m->addr_subtype == LLDP_ADDR_IPV4 && m->addr_len == 4)
		sw_w_strf(w, "addr", "Address", "%u.%u.%u.%u", m->addr[0], m->addr[1],
			m->addr[2], m->addr[3]);
	else if (m->addr_subtype == LLDP_ADDR_ALL802 && m->addr_len == 6) {
		char s[18];

		vn_eth_format_mac(m->addr, s);
		sw_w_str(w, "addr", "Address", s);
	} else
		sw_w_hex(w, "addr", "Address", m->addr, m->addr_len);
	sw_w_uint(w, "if_subtype", "Interface numbering", m->if_subtype);
	sw_w_uint(w, "if_number", "Interface number", m->if_number);
	if (m->oid_len)
		sw_w_hex(w, "oid", "OID", m->oid, m->oid_len);
	sw_w_obj_end(w);
}

bool
sw_decode_lldp(struct sw_writer *w, const uint8_t *p, size_t len, size_t base)
{
	struct lldp_pdu pdu;
	struct vn_err err = { 0 };

	if (lldp_decode(p, len, &pdu, &err)) {
		layer_error(w, "lldp", &err, base);
		return false;
	}
	sw_w_obj_start(w, "lldp", "LLDP");
	sw_w_uint(w, "chassis_id_subtype", "Chassis ID subtype", pdu.chassis.subtype);
	write_id(w, "chassis_id", "Chassis ID", &pdu.chassis, LLDP_CHASSIS_MAC);
	sw_w_uint(w, "port_id_subtype", "Port ID subtype", pdu.port.subtype);
	write_id(w, "port_id", "Port ID", &pdu.port, LLDP_PORT_MAC);
	sw_w_uint(w, "ttl", "TTL", pdu.ttl);
	if (pdu.has_port_desc)
		write_str(w, "port_desc", "Port description", &pdu.port_desc);
	if (pdu.has_sys_name)
		write_str(w, "sys_name", "System name", &pdu.sys_name);
	if (pdu.has_sys_desc)
		write_str(w, "sys_desc", "System description", &pdu.sys_desc);
	if (pdu.has_sys_cap) {
		sw_w_obj_start(w, "sys_cap", "System capabilities");
		sw_w_strf(w, "cap", "Supported", "0x%04x", pdu.sys_cap.cap);
		sw_w_strf(w, "enabled", "Enabled", "0x%04x", pdu.sys_cap.enabled);
		sw_w_obj_end(w);
	}
	if (pdu.n_mgmt) {
		sw_w_list_start(w, "mgmt", "Management addresses");
		for (unsigned i = 0; i < pdu.n_mgmt; i++)
			write_mgmt(w, &pdu.mgmt[i]);
		sw_w_list_end(w);
	}
	if (pdu.has_evb)
		write_evb(w, &pdu.evb);
	if (pdu.has_cdcp)
		write_cdcp(w, &pdu.cdcp);
	if (pdu.has_evb_draft)
		write_evb_draft(w, &pdu.evb_draft);
	if (pdu.n_unknown) {
		sw_w_list_start(w, "unknown", "Other TLVs");
		for (unsigned i = 0; i < pdu.n_unknown; i++) {
			const struct lldp_unknown *u = &pdu.unknown[i];

			sw_w_obj_start(w, NULL, NULL);
			sw_w_uint(w, "type", "Type", u->type);
			if (u->type == LLDP_TLV_ORG) {
				sw_w_strf(w, "oui", "OUI", "%02x-%02x-%02x",
					(u->oui >> 16) & 0xff, (u->oui >> 8) & 0xff,
					u->oui & 0xff);
				sw_w_uint(w, "subtype", "Subtype", u->subtype);
			}
			sw_w_hex(w, "value", "Value", u->value, u->len);
			sw_w_obj_end(w);
		}
		sw_w_list_end(w);
	}
	sw_w_uint(w, "end", "End TLV present", pdu.end);
	sw_w_obj_end(w);
	return true;
}

static void
write_vsi(struct sw_writer *w, const struct vdp_pdu *pdu, const struct vdp_vsi *v)
{
	const struct vdp_filter *f = vdp_vsi_filters(pdu, v);
	char id[VDP_VSIID_TEXT_MAX];

	sw_w_obj_start(w, NULL, NULL);
	sw_w_uint(w, "type", "TLV type", v->mode);
	sw_w_str(w, "type_name", "Mode", vdp_tlv_type_name(v->mode));
	sw_w_uint(w, "response", "Response", v->status.response);
	if (v->status.response) {
		sw_w_uint(w, "keep", "Keep", vdp_status_keep(&v->status));
		sw_w_uint(w, "hard", "Hard error", vdp_status_hard(&v->status));
		sw_w_uint(w, "error", "Error", v->status.error);
		sw_w_str(w, "error_name", "Error text", vdp_error_name(v->status.error));
	} else {
		sw_w_uint(w, "keep", "Keep", 0);
		sw_w_uint(w, "hard", "Hard error", 0);
		sw_w_uint(w, "error", "Error", 0);
		sw_w_uint(w, "s", "S (migrate-from)", vdp_status_s_bit(&v->status));
		sw_w_uint(w, "m", "M (migrate-to)", vdp_status_m_bit(&v->status));
	}
	if (pdu->has_mgrid)
		sw_w_hex(w, "mgrid", "Manager ID", pdu->mgrid, sizeof(pdu->mgrid));
	sw_w_uint(w, "typeid", "VSI type ID", v->type_id);
	sw_w_uint(w, "typever", "VSI type version", v->type_version);
	sw_w_uint(w, "vsiid_format", "VSI ID format", v->vsiid_format);
	if (vdp_vsiid_format_text(v->vsiid_format, v->vsiid, id, sizeof(id)) >= 0)
		sw_w_str(w, "vsiid", "VSI ID", id);
	else
		sw_w_hex(w, "vsiid", "VSI ID", v->vsiid, sizeof(v->vsiid));
	sw_w_uint(w, "fif", "Filter info format", v->fif);
	sw_w_list_start(w, "entries", "Filter entries");
	for (unsigned i = 0; i < v->n_filters; i++) {
		sw_w_obj_start(w, NULL, NULL);
		sw_w_uint(w, "ps", "PS", f[i].ps);
		sw_w_uint(w, "pcp", "PCP", f[i].pcp);
		sw_w_uint(w, "vid", "VID", f[i].vid);
		if (v->fif == VDP_FIF_MAC_VID || v->fif == VDP_FIF_GROUP_MAC_VID) {
			char s[18];

			vn_eth_format_mac(f[i].mac, s);
			sw_w_str(w, "mac", "MAC", s);
		}
		if (v->fif == VDP_FIF_GROUP_VID || v->fif == VDP_FIF_GROUP_MAC_VID)
			sw_w_uint(w, "gid", "Group ID", f[i].group_id);
		sw_w_obj_end(w);
	}
	sw_w_list_end(w);
	sw_w_obj_end(w);
}

bool
sw_decode_ecp(struct sw_writer *w, const uint8_t *p, size_t len, size_t base)
{
	struct ecp_pdu ecp;
	struct vdp_pdu pdu;
	struct vn_err err = { 0 };

	if (ecp_decode(p, len, &ecp, &err)) {
		layer_error(w, "ecp", &err, base);
		return false;
	}
	sw_w_obj_start(w, "ecp", "ECP");
	sw_w_uint(w, "version", "Version", ecp.version);
	sw_w_uint(w, "op", "Operation", ecp.op);
	sw_w_str(w, "op_name", "Operation name", ecp_op_name(ecp.op));
	sw_w_uint(w, "subtype", "Subtype", ecp.subtype);
	sw_w_str(w, "subtype_name", "Subtype name", ecp_subtype_name(ecp.subtype));
	sw_w_uint(w, "seq", "Sequence", ecp.seq);
	sw_w_obj_end(w);
	if (ecp.op != ECP_OP_REQUEST || ecp.subtype != ECP_SUBTYPE_VDP)
		return true;
	if (vdp_decode(ecp.ulpdu, ecp.ulpdu_len, &pdu, &err)) {
		layer_error(w, "vdp", &err, base + ECP_HDR_LEN);
		return false;
	}
	sw_w_list_start(w, "vdp", "VDP");
	for (unsigned i = 0; i < pdu.n_vsi; i++)
		write_vsi(w, &pdu, &pdu.vsi[i]);
	sw_w_list_end(w);
	return true;
}
