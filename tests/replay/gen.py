#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""gen.py - writes the input captures of the replay cases.

    tests/replay/gen.py            write every case's in-PORT.pcap
    tests/replay/gen.py --check    regenerate in memory and compare with the
                                   committed captures byte for byte (run.sh
                                   does this first, so the generator and the
                                   committed inputs cannot drift apart)

Plain python3, standard library only.  Every frame of every case is written
out below, readably, with its explicit capture time.  Each case's switch.conf,
args, checks and README are written by hand beside its captures; the MACs,
vifs and E-CIDs used here are the ones those configurations define.

Every generated frame carries EtherType 0x88B5 (IEEE 802 local experimental)
and, as its payload, a short ASCII label naming the case and the frame
("vntag-forwarding F3"), so that any output frame can be traced back to its
input with `tshark -x` or `vnctl decode`.  Frames are padded to the 60-byte
Ethernet minimum, as a NIC would deliver them.
"""

import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# Every case starts at this capture time (2023-11-14 22:13:20 UTC); frame
# times below are offsets in seconds from it, exact to the microsecond.
T0_US = 1700000000 * 1000000

BCAST = "ff:ff:ff:ff:ff:ff"
MCAST = "01:00:5e:00:00:fb"  # an IPv4 multicast group MAC (mDNS)
EXP_TYPE = 0x88B5  # IEEE 802 local experimental EtherType 1


# ---- frame builders ----------------------------------------------------------


def mac(s):
    b = bytes.fromhex(s.replace(":", ""))
    assert len(b) == 6, s
    return b


def vntag(svif=0, d=0, p=0, dvif=0, looped=0, r=0, ver=0):
    """VN-Tag: d(1) p(1) dvif(14) l(1) r(1) ver(2) svif(12)."""
    word = d << 31 | p << 30 | dvif << 16 | looped << 15 | r << 14 | ver << 12 | svif
    return struct.pack("!HI", 0x8926, word)


def etag(ecid=0, iecid=0, grp=0, pcp=0, dei=0, resv=0):
    """802.1BR E-Tag: E-PCP(3) E-DEI(1) Ingress_E-CID_base(12) | resv(2) GRP(2)
    E-CID_base(12) | Ingress_E-CID_ext(8) | E-CID_ext(8)."""
    return struct.pack(
        "!HHHBB",
        0x893F,
        pcp << 13 | dei << 12 | (iecid & 0xFFF),
        resv << 14 | grp << 12 | (ecid & 0xFFF),
        iecid >> 12,
        ecid >> 12,
    )


def ctag(vid, pcp=0):
    return struct.pack("!HH", 0x8100, pcp << 13 | vid)


def stag(vid, pcp=0):
    return struct.pack("!HH", 0x88A8, pcp << 13 | vid)


def frame(dst, src, *tags, label, etype=EXP_TYPE, size=60):
    """DA SA [tags] EtherType label, zero-padded to 'size' bytes."""
    f = mac(dst) + mac(src) + b"".join(tags) + struct.pack("!H", etype) + label.encode()
    assert len(f) <= size, label
    return f + bytes(size - len(f))


# ---- pcap writing -------------------------------------------------------------


def pcap_bytes(records):
    """Classic little-endian pcap, microsecond timestamps, Ethernet."""
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)]
    for t_us, data in records:
        out.append(struct.pack("<IIII", t_us // 1000000, t_us % 1000000, len(data), len(data)))
        out.append(data)
    return b"".join(out)


class Case:
    def __init__(self, name):
        self.name = name
        self.frames = {}  # port -> [(t_us, bytes)]
        self.n = 0

    def at(self, t, port, data):
        """Frame 'data' received on 'port' at T0 + t seconds."""
        t_us = T0_US + round(t * 1000000)
        lst = self.frames.setdefault(port, [])
        assert not lst or lst[-1][0] < t_us, f"{self.name}: times must increase per port"
        lst.append((t_us, data))

    def at_us(self, t_us, port, data):
        """Frame 'data' received on 'port' at the absolute time t_us (the
        real captures of tests/data keep their own times)."""
        lst = self.frames.setdefault(port, [])
        assert not lst or lst[-1][0] < t_us, f"{self.name}: times must increase per port"
        lst.append((t_us, data))

    def label(self):
        """The next frame label: '<case> F<n>'."""
        self.n += 1
        return f"{self.name} F{self.n}"

    def files(self):
        return {f"in-{p}.pcap": pcap_bytes(r) for p, r in sorted(self.frames.items())}


CASES = []


def case(fn):
    c = Case(fn.__name__.replace("_", "-"))
    fn(c)
    CASES.append(c)
    return fn


# ---- the cases ------------------------------------------------------------------
# Names of stations: V<vif> behind VN-Tag vifs, E<ecid> behind E-CIDs, M<n>
# VEPA stations, U<n> stations beyond the uplinks (00:00:5e:00:53:xx is the
# RFC 7042 documentation range).

V5, V6, V7, V8, V9 = (f"52:54:00:00:00:0{i}" for i in (5, 6, 7, 8, 9))
E300, E301, EX = "52:54:00:00:01:2c", "52:54:00:00:01:2d", "52:54:00:01:23:45"
M1, M2, M3, M4, M8, M9 = (f"52:54:00:00:02:0{i}" for i in (1, 2, 3, 4, 8, 9))
M61, M62 = "52:54:00:00:06:01", "52:54:00:00:06:02"
U1, U2, U3 = "00:00:5e:00:53:01", "00:00:5e:00:53:02", "00:00:5e:00:53:03"


@case
def vntag_forwarding(c):
    # h1 (vntag): vif5, vif6 in VLAN 10, vif7 in VLAN 20; h3 (etag): E-CID 300 in VLAN 10.
    c.at(0.0, "h1", frame(BCAST, V5, vntag(svif=5), label=c.label()))  # F1 flood
    c.at(0.1, "h1", frame(V5, V6, vntag(svif=6), label=c.label()))  # F2 looped unicast
    c.at(0.2, "up0", frame(V6, U1, ctag(10), label=c.label()))  # F3 uplink -> vif6
    c.at(0.3, "h1", frame(U1, V5, vntag(svif=5), label=c.label()))  # F4 vif5 -> uplink
    # F5: an inner C-tag with the vEth's own VLAN (and PCP 3) is accepted and removed.
    c.at(0.4, "h1", frame(V6, V5, vntag(svif=5), ctag(10, pcp=3), label=c.label()))
    c.at(0.5, "h1", frame(BCAST, V7, vntag(svif=7), label=c.label()))  # F6 VLAN 20 flood
    c.at(0.6, "h1", frame(MCAST, V6, vntag(svif=6), label=c.label()))  # F7 multicast
    c.at(0.7, "h1", frame("52:54:00:00:00:99", V5, vntag(svif=5), label=c.label()))  # F8
    c.at(0.8, "up0", frame(BCAST, U1, ctag(10), label=c.label()))  # F9 one frame per vif


@case
def etag_forwarding(c):
    # h3 (etag): E-CIDs 300, 301 and 0x12345 (extended bits in use), VLAN 10;
    # h1 (vntag): vif5 in VLAN 10.
    c.at(0.0, "h3", frame(BCAST, E300, etag(ecid=300), label=c.label()))  # F1 flood
    c.at(0.1, "h3", frame(E300, E301, etag(ecid=301), label=c.label()))  # F2 back down h3
    c.at(0.2, "up0", frame(E301, U1, ctag(10), label=c.label()))  # F3 uplink -> 301
    # F4: a port extender naming the source in Ingress_E-CID (E-CID 0).
    c.at(0.3, "h3", frame(E300, EX, etag(ecid=0, iecid=0x12345), label=c.label()))
    # F5, F6: an inner priority tag (VID 0) carries the PCP to the egress tag.
    c.at(0.4, "h3", frame(U1, E300, etag(ecid=300), ctag(0, pcp=5), label=c.label()))
    c.at(0.5, "h3", frame(E300, E301, etag(ecid=301), ctag(0, pcp=6), label=c.label()))
    c.at(0.6, "h1", frame(EX, V5, vntag(svif=5), label=c.label()))  # F7 vntag -> etag


def vepa_frames(c):
    # h2 (vepa): M1, M2, M3 in VLAN 10, M4 in VLAN 20, M8, M9 untagged (VLAN 0).
    c.at(0.0, "h2", frame(BCAST, M1, ctag(10), label=c.label()))  # F1 flood
    c.at(0.1, "h2", frame(M1, M2, ctag(10), label=c.label()))  # F2 M2 -> M1 same port
    c.at(0.2, "h2", frame(M1, M1, ctag(10), label=c.label()))  # F3 addressed to itself
    c.at(0.3, "h2", frame(BCAST, M8, label=c.label()))  # F4 untagged flood
    c.at(0.4, "h2", frame(M8, M9, label=c.label()))  # F5 untagged unicast
    c.at(0.5, "up0", frame(M2, U1, ctag(10), label=c.label()))  # F6 uplink -> M2
    c.at(0.6, "up0", frame(BCAST, U1, ctag(20), label=c.label()))  # F7 VLAN 20 flood
    c.at(0.7, "h2", frame("52:54:00:00:02:99", M3, ctag(10), label=c.label()))  # F8


@case
def vepa_relay_on(c):
    vepa_frames(c)


@case
def vepa_relay_off(c):
    vepa_frames(c)


@case
def uplink_trunk(c):
    # up0 carries 10, 20; up1 carries 10 and untagged; h1 (vntag): vif5 VLAN 10,
    # vif6 VLAN 20, vif8 VLAN 0 (untagged).
    c.at(0.0, "up0", frame(BCAST, U1, ctag(10), label=c.label()))  # F1
    c.at(0.1, "up0", frame(BCAST, U1, ctag(20), label=c.label()))  # F2
    c.at(0.2, "up0", frame(BCAST, U1, ctag(30), label=c.label()))  # F3 VLAN not carried
    c.at(0.3, "up0", frame(BCAST, U1, label=c.label()))  # F4 untagged, up0 has no VLAN 0
    c.at(0.4, "up0", frame(BCAST, U1, stag(10), label=c.label()))  # F5 S-tag, not a C-tag
    c.at(0.5, "h1", frame(U1, V5, vntag(svif=5), label=c.label()))  # F6 known on up0
    c.at(0.6, "up1", frame(U1, U2, ctag(10), label=c.label()))  # F7 uplink -> uplink
    c.at(0.7, "up0", frame(U1, U3, ctag(10), label=c.label()))  # F8 hairpin on up0
    c.at(0.8, "up1", frame(BCAST, U2, label=c.label()))  # F9 untagged on up1
    c.at(0.9, "h1", frame(U2, V8, vntag(svif=8), label=c.label()))  # F10 vif8 -> up1


@case
def learning(c):
    # h1 (vntag) vif5, h3 (etag) E-CID 300, h2 (vepa) M1, up0: all VLAN 10.
    c.at(0.0, "h1", frame(BCAST, V5, vntag(svif=5), label=c.label()))  # F1 flood, learn V5
    c.at(0.1, "h3", frame(V5, E300, etag(ecid=300), label=c.label()))  # F2 known V5
    c.at(0.2, "h1", frame(E300, V5, vntag(svif=5), label=c.label()))  # F3 known E300
    c.at(0.3, "h2", frame(E300, M1, ctag(10), label=c.label()))  # F4 M1 -> E300
    c.at(0.4, "up0", frame(M1, U1, ctag(10), label=c.label()))  # F5 U1 -> M1
    c.at(0.5, "up0", frame(BCAST, V5, ctag(10), label=c.label()))  # F6 V5 moves to up0
    c.at(0.6, "h3", frame(V5, E300, etag(ecid=300), label=c.label()))  # F7 now up0


@case
def aging(c):
    # switch.fdb_aging = 10 s; h1 vif5, h3 E-CID 300, up0: VLAN 10.  Run with --until 30.
    c.at(0.0, "h1", frame(BCAST, V5, vntag(svif=5), label=c.label()))  # F1 learn V5 @0
    c.at(1.0, "h3", frame(V5, E300, etag(ecid=300), label=c.label()))  # F2 known
    c.at(2.0, "up0", frame(BCAST, U1, ctag(10), label=c.label()))  # F3 learn U1 @2
    c.at(5.0, "h3", frame(V5, E300, etag(ecid=300), label=c.label()))  # F4 still known
    c.at(15.0, "h3", frame(V5, E300, etag(ecid=300), label=c.label()))  # F5 V5 aged: flood
    c.at(16.0, "h1", frame(E300, V5, vntag(svif=5), label=c.label()))  # F6 known again


@case
def auto_create(c):
    # default_profile "web" (VLAN 10); h1 vntag max 2 (vif5 configured),
    # h2 vepa max 1, h3 etag max 1, all auto_create = true.
    c.at(0.0, "h1", frame(BCAST, V9, vntag(svif=9), label=c.label()))  # F1 creates vif9
    c.at(0.1, "h1", frame(BCAST, V8, vntag(svif=8), label=c.label()))  # F2 h1 full
    c.at(0.2, "h1", frame(V9, V5, vntag(svif=5), label=c.label()))  # F3 vif5 -> vif9
    c.at(0.3, "h2", frame(BCAST, M1, ctag(20), label=c.label()))  # F4 creates M1/20
    c.at(0.4, "h2", frame(BCAST, M2, ctag(20), label=c.label()))  # F5 h2 full
    c.at(0.5, "h3", frame(V9, E300, etag(ecid=400), label=c.label()))  # F6 creates 400
    c.at(0.6, "h3", frame(V9, E301, etag(ecid=401), label=c.label()))  # F7 h3 full


@case
def drops(c):
    # Each frame is dropped for the reason written beside it, except the
    # "setup" frames, which teach the FDB a station first.
    t = [0.0]

    def at(port, data):
        c.at(t[0], port, data)
        t[0] = round(t[0] + 0.01, 6)

    L = c.label
    # malformed
    L()  # F1 is too short to carry its label
    at("h1", mac(BCAST) + mac(V5)[:4])  # F1: 10 bytes, no room for the MACs
    at("h1", frame(BCAST, V5, vntag(svif=5, ver=1), label=L()))  # F2: VN-Tag version 1
    at("h1", frame(BCAST, V5, vntag(svif=5), ctag(10), ctag(10), label=L()))  # F3: 2 C-tags
    at("h1", frame(BCAST, V5, vntag(svif=5), etype=0x05FF, label=L()))  # F4: type 1535
    at("h2", frame(BCAST, M1, ctag(10), ctag(10), label=L()))  # F5: 2 C-tags on vepa
    # missing_tag
    at("h1", frame(BCAST, V5, label=L()))  # F6: untagged on vntag
    at("h3", frame(BCAST, E300, etag(ecid=0, iecid=0), label=L()))  # F7: E-CID 0
    at("up0", frame(BCAST, U1, label=L()))  # F8: untagged on a tagged-only uplink
    # wrong_direction
    at("h1", frame(BCAST, V5, vntag(svif=5, d=1, dvif=6), label=L()))  # F9: d=1
    at("h3", frame(BCAST, E300, etag(ecid=300, grp=1), label=L()))  # F10: GRP 1
    # unknown_veth
    at("h1", frame(BCAST, V9, vntag(svif=99), label=L()))  # F11
    at("h3", frame(BCAST, E301, etag(ecid=999), label=L()))  # F12
    at("h2", frame(BCAST, M9, ctag(10), label=L()))  # F13: unknown MAC
    at("h2", frame(BCAST, M1, ctag(20), label=L()))  # F14: M1 is bound in VLAN 10
    # vlan_not_allowed
    at("h1", frame(BCAST, V5, vntag(svif=5), ctag(20), label=L()))  # F15: vif5 is VLAN 10
    at("up0", frame(BCAST, U1, ctag(30), label=L()))  # F16: up0 carries 10, 20
    # spoofed_source
    at("h1", frame(BCAST, "03:00:00:00:00:05", vntag(svif=5), label=L()))  # F17
    at("up0", frame(BCAST, "01:00:5e:00:00:01", ctag(10), label=L()))  # F18
    # self_reflection
    at("h2", frame(M1, M1, ctag(10), label=L()))  # F19
    # limit
    at("h4", frame(BCAST, V7, vntag(svif=2), label=L()))  # F20: h4 max_veths = 1
    # port_down
    at("h5", frame(BCAST, V5, vntag(svif=5), label=L()))  # F21: h5 admin down
    # reserved_da
    at("h1", frame("01:80:c2:00:00:05", V5, vntag(svif=5), label=L()))  # F22
    at("up0", frame("01:80:c2:00:00:00", U1, ctag(10), label=L()))  # F23
    # same_veth: vif5 sends to V5, which the FDB has on vif5 (from F24 on)
    at("h1", frame(V5, V5, vntag(svif=5), label=L()))  # F24: addressed to itself
    at("h1", frame(V5, V6, vntag(svif=5), label=L()))  # F25: 2nd MAC behind vif5
    # no_route
    at("h6", frame(BCAST, M62, ctag(10), label=L()))  # F26: setup, learn M62 on h6
    at("h6", frame(M62, M61, ctag(10), label=L()))  # F27: relay off, M62 is on h6
    at("up0", frame(BCAST, U2, ctag(10), label=L()))  # F28: setup, learn U2 on up0
    at("up0", frame(U2, U1, ctag(10), label=L()))  # F29: U2 is behind up0 itself


@case
def oversize(c):
    # A 17000-byte frame is beyond what the pcap back-end can send (16448).
    c.at(0.0, "h1", frame(BCAST, V6, vntag(svif=6), label=c.label()))  # F1 learn V6
    c.at(0.1, "h1", frame(V6, V5, vntag(svif=5), label=c.label(), size=17000))  # F2
    c.at(0.2, "h1", frame(V6, V5, vntag(svif=5), label=c.label(), size=9018))  # F3 jumbo


# ---- control plane: ECP / VDP frames and the real lldpad captures -------------------
# ECP (0x8940) and VDP-2012 as protocols.md 3.1 / 4.1 lay them out, written
# field by field; LLDP comes from lldpad's own captures.

DATA = os.path.join(HERE, "..", "data")
NCB = "01:80:c2:00:00:00"  # nearest customer bridge: where lldpad sends ECP
STATION = "02:00:00:00:5a:01"  # the lldpad station of the captures
MGRID = b"vnswitch-replay".ljust(16, b"\0")


def pcap_read(name):
    """[(t_us, bytes)] of tests/data/NAME (classic little-endian pcap)."""
    with open(os.path.join(DATA, name), "rb") as f:
        d = f.read()
    magic, = struct.unpack("<I", d[:4])
    assert magic == 0xA1B2C3D4, name
    out, off = [], 24
    while off < len(d):
        sec, usec, caplen, _ = struct.unpack("<IIII", d[off:off + 16])
        out.append((sec * 1000000 + usec, d[off + 16:off + 16 + caplen]))
        off += 16 + caplen
    return out


def is_ecp_ack(f):
    return f[12:14] == b"\x89\x40" and (f[14] >> 2) & 3 == 1


def vsi_tlv(mode, type_id, type_ver, uuid_last, entries, status=0):
    """A VSI TLV, filter format 2 (MAC/VID): entries = [(vid, mac)]."""
    vsiid = bytes.fromhex("a1b2c3d4000011112222333344445500")[:15] + bytes([uuid_last])
    val = (bytes([status]) + type_id.to_bytes(3, "big") + bytes([type_ver, 5]) + vsiid
           + bytes([2]) + struct.pack("!H", len(entries))
           + b"".join(mac(m) + struct.pack("!H", vid) for vid, m in entries))
    return struct.pack("!H", mode << 9 | len(val)) + val


def ecp_vdp(seq, tlv, *tags, src=STATION):
    """An ECP request (version 1, op 0, subtype 1 VDP) with the Manager ID TLV
    and one VSI TLV, to the nearest-customer-bridge address, padded to 60."""
    vdpdu = struct.pack("!H", 5 << 9 | 16) + MGRID + tlv
    f = mac(NCB) + mac(src) + b"".join(tags) + struct.pack("!HHH", 0x8940, 0x1001, seq) + vdpdu
    return f + bytes(max(0, 60 - len(f)))


@case
def lldpad_assoc(c):
    # lldpad's own frames (station 02:00:00:00:5a:01: LLDP with its EVB TLV,
    # ECP with a 2-filter VDP ASSOCIATE, its keep-alive and DE-ASSOCIATE)
    # from the station-vs-lldpad-bridge capture, without the ACKs it sent
    # the real bridge (their sequence numbers are not ours) and without the
    # bridge's frames: vnswitch is the bridge here.
    real = pcap_read(
        "lldpad_station_vs_lldpad_bridge_evb_vdp_assoc_keepalive_deassoc_2filters.pcap")
    first = real[0][0]
    frames = [(t_us, "h2", f) for t_us, f in real
              if f[6:12] == mac(STATION) and not is_ecp_ack(f)]
    # Between the ASSOCIATE (+12.85 s) and the DE-ASSOCIATE (+26.92 s): a
    # frame from each of the VSI's MACs in its VLAN (100), F1 and F2, and F3
    # from the uplink to the second MAC.
    for i, src in enumerate(("52:54:00:de:ad:01", "52:54:00:de:ad:02")):
        frames.append((first + 20000000 + i * 100000, "h2",
                       frame(U1, src, ctag(100), label=c.label())))
    frames.append((first + 20300000, "up0",
                   frame("52:54:00:de:ad:02", U1, ctag(100), label=c.label())))
    for t_us, port, f in sorted(frames, key=lambda x: x[0]):
        c.at_us(t_us, port, f)


@case
def lldpad_keepalive_expiry(c):
    # The station alone: five LLDPDUs, one VDP ASSOCIATE (type 5 v4, VID 0)
    # that lldpad sends four times with the same sequence number (no bridge
    # answered it when it was captured), two more LLDPDUs.
    for t_us, f in pcap_read("lldpad_station_evb22_lldp_and_unanswered_vdp_assoc.pcap"):
        c.at_us(t_us, "h2", f)


@case
def vdp_vntag_etag(c):
    # h1 (vntag) and h3 (etag): VDP on channels named by the tag.
    A, B, C = "52:54:00:de:ad:01", "52:54:00:de:ad:02", "52:54:00:de:ad:03"
    assoc = vsi_tlv(3, 42, 3, 0x71, [(0, A), (0, B)])
    c.at(0.0, "h1", ecp_vdp(1, assoc, vntag(svif=7)))  # F-: vif 7 associates
    c.at(0.1, "h1", frame(U1, A, vntag(svif=7), label=c.label()))  # F1 from A on vif 7
    c.at(0.2, "h1", frame(U1, B, vntag(svif=7), label=c.label()))  # F2 from B on vif 7
    c.at(0.3, "h1", ecp_vdp(1, vsi_tlv(3, 42, 3, 0x72, [(0, C)])))  # untagged: status 4
    c.at(0.4, "h1", ecp_vdp(2, vsi_tlv(3, 99, 1, 0x73, [(0, C)]), vntag(svif=8)))  # type 99: 4
    c.at(0.5, "h3", ecp_vdp(1, vsi_tlv(3, 42, 3, 0x74, [(100, C)]), etag(ecid=300)))
    c.at(0.6, "h3", frame(U1, C, etag(ecid=300), label=c.label()))  # F3 from C on E-CID 300
    c.at(0.7, "up0", frame(B, U1, ctag(100), label=c.label()))  # F4 to B: vif 7
    c.at(0.8, "up0", frame(C, U1, ctag(100), label=c.label()))  # F5 to C: E-CID 300
    c.at(1.0, "h3", ecp_vdp(2, vsi_tlv(4, 42, 3, 0x74, [(100, C)]), etag(ecid=300)))  # DEASSOC
    c.at(1.1, "up0", frame(C, U1, ctag(100), label=c.label()))  # F6 to C: gone, flooded


# ---- path audit (issue 7) ---------------------------------------------------------
# A VDP station (lldpad-like timers: the switch's RKA 20 gives a keep-alive
# supervision of 15.75552 s) re-sends its ASSOCIATE every 10 s as keep-alive.
# Each case shows one verdict from scratch; audit settings are the defaults
# (window 10 s, bypass below 50 %) unless its switch.conf says otherwise.

AUD_A, AUD_B, AUD_D = "52:54:00:aa:00:0a", "52:54:00:aa:00:0b", "52:54:00:aa:00:0d"


def keepalive(ev, port, tlv, tag, times, seq=1):
    """The ASSOCIATE at times[0] and the same request again (keep-alives),
    each with the next ECP sequence number of its channel, into 'ev'."""
    for t in times:
        ev.append((t, port, ecp_vdp(seq, tlv, tag)))
        seq += 1


def flush(c, ev):
    """Events (t, port, frame or a label-taking function) in time order."""
    for t, port, f in sorted(ev, key=lambda e: e[0]):
        c.at(t, port, f(c) if callable(f) else f)


@case
def audit_untagged(c):
    # h1 (vntag): VSI 0x81 (MAC A) associates on vif 7 and is kept alive,
    # but A's traffic arrives untagged on h1 (the hypervisor's vSwitch), one
    # frame a second from +2.5 s to +30.5 s; nothing comes on vif 7.
    ev = []
    keepalive(ev, "h1", vsi_tlv(3, 42, 3, 0x81, [(0, AUD_A)]), vntag(svif=7), (0, 10, 20, 30))
    for i in range(29):
        ev.append((2.5 + i, "h1", lambda c: frame(U1, AUD_A, label=c.label())))
    flush(c, ev)


@case
def audit_uplink(c):
    # The same VSI, but A's traffic comes back in through the uplink
    # (another path out of the host), in the VSI's VLAN 100: each such
    # frame is dropped as spoofed_source and counted as seen elsewhere.
    ev = []
    keepalive(ev, "h1", vsi_tlv(3, 42, 3, 0x81, [(0, AUD_A)]), vntag(svif=7), (0, 10, 20))
    for i in range(20):
        ev.append((2.5 + i, "up0", lambda c: frame(U1, AUD_A, ctag(100), label=c.label())))
    flush(c, ev)


@case
def audit_duplicate(c):
    # MAC D associated twice: VSI 0x91 (profile web, VLAN 100) on vif 7 of
    # h1 and VSI 0x92 (profile db, VLAN 200) on E-CID 300 of h3 -- two live
    # vEths holding one MAC.  Then a third request, for VSI 0x93 with MAC D
    # in VLAN 100 on vif 8, is refused (the MAC is vif 7's) and recorded as
    # a second source claiming vif 7's binding.  Both send traffic.
    ev = []
    keepalive(ev, "h1", vsi_tlv(3, 42, 3, 0x91, [(0, AUD_D)]), vntag(svif=7), (0, 10))
    keepalive(ev, "h3", vsi_tlv(3, 43, 1, 0x92, [(0, AUD_D)]), etag(ecid=300), (0.5, 10.5))
    ev.append((1.0, "h1", ecp_vdp(1, vsi_tlv(3, 42, 3, 0x93, [(0, AUD_D)]), vntag(svif=8))))
    for i in range(5):
        ev.append((2.2 + i, "h1", lambda c: frame(U1, AUD_D, vntag(svif=7), label=c.label())))
        ev.append((2.4 + i, "h3", lambda c: frame(U1, AUD_D, etag(ecid=300), label=c.label())))
    flush(c, ev)


@case
def audit_healthy(c):
    # VSI 0x81 (MAC A) on vif 7 sends every second on vif 7: direct.  VSI
    # 0xa2 (MAC B) on vif 8 is kept alive but silent: idle once 2 x 15.75552 s
    # have passed since it associated, until it sends at +40 s.  The static
    # vEth 106 (vif 6) sends once at +0.2 s, then nothing: idle after the
    # configured audit.idle = 20 s.
    ev = []
    keepalive(ev, "h1", vsi_tlv(3, 42, 3, 0x81, [(0, AUD_A)]), vntag(svif=7), (0, 10, 20, 30, 40))
    keepalive(ev, "h1", vsi_tlv(3, 42, 3, 0xa2, [(0, AUD_B)]), vntag(svif=8),
              (0.05, 10.05, 20.05, 30.05, 40.05))
    ev.append((0.2, "h1", lambda c: frame(U1, V6, vntag(svif=6), label=c.label())))
    for i in range(44):
        ev.append((1.5 + i, "h1", lambda c: frame(U1, AUD_A, vntag(svif=7), label=c.label())))
    ev.append((40.3, "h1", lambda c: frame(U1, AUD_B, vntag(svif=8), label=c.label())))
    flush(c, ev)


# ---- S-channels (CDCP) ------------------------------------------------------------
# LLDPDUs written TLV by TLV (protocols.md 5.2-5.5): the station's CDCP TLV on
# the nearest non-TPMR bridge agent, its EVB TLV on a channel's customer
# bridge agent inside the S-tag.

NTPMR = "01:80:c2:00:00:03"  # nearest non-TPMR bridge: where CDCP runs


def lldp_tlv(t, value):
    return struct.pack("!H", t << 9 | len(value)) + value


def station_lldpdu(dst, ttl, *org, tags=()):
    """A station LLDPDU: chassis ID = its MAC, port ID "eth0", TTL, the
    organizationally specific TLVs given (OUI + subtype + info), End."""
    body = (lldp_tlv(1, b"\x04" + mac(STATION)) + lldp_tlv(2, b"\x05eth0")
            + lldp_tlv(3, struct.pack("!H", ttl))
            + b"".join(lldp_tlv(127, o) for o in org) + lldp_tlv(0, b""))
    f = mac(dst) + mac(STATION) + b"".join(tags) + struct.pack("!H", 0x88CC) + body
    return f + bytes(max(0, 60 - len(f)))


def cdcp_station(chncap, pairs):
    """CDCP TLV info, role station (bit 31) with SComp (bit 27)."""
    return (bytes.fromhex("0080c20e") + struct.pack("!I", 1 << 31 | 1 << 27 | chncap)
            + b"".join((scid << 12 | svid).to_bytes(3, "big") for scid, svid in pairs))


def evb_station(rrreq):
    """EVB TLV info, EVB station: RRREQ, RRSTAT 3; R 3, RTE 8; RWD 20; RKA 20."""
    return bytes.fromhex("0080c20d") + bytes([0, (4 if rrreq else 0) | 3, 0x68, 0x94, 0x14])


@case
def schannel_cdcp(c):
    # h2 (vepa, schannels: chncap 4, S-VIDs 100..199): M1 on the default
    # channel, M2 and M3 on S-VID 100 (configured), M4 associated by VDP on
    # S-VID 100.  The station asks for (1,0) (2,0) with a 10 s TTL and then
    # falls silent.
    M1S, M2S, M3S, M4S = M1, M2, M3, "52:54:00:de:ad:04"
    c.at(0.0, "h2", station_lldpdu(NTPMR, 10, cdcp_station(4, [(1, 0), (2, 0)])))
    c.at(0.1, "h2", station_lldpdu(NCB, 120, evb_station(True), tags=(stag(100),)))
    c.at(0.2, "h2", ecp_vdp(1, vsi_tlv(3, 42, 3, 0x81, [(0, M4S)]), stag(100)))
    c.at(0.3, "h2", frame(BCAST, M2S, stag(100), ctag(10), label=c.label()))  # F1 flood
    c.at(0.4, "h2", frame(M2S, M1S, ctag(10), label=c.label()))  # F2 default -> 100
    c.at(0.5, "h2", frame(M1S, M2S, stag(100), ctag(10), label=c.label()))  # F3 100 -> default
    c.at(0.6, "h2", frame(M2S, M3S, stag(100), ctag(10), label=c.label()))  # F4 reflected
    c.at(0.7, "h2", frame(M2S, M1S, stag(1), ctag(10), label=c.label()))  # F5 S-VID 1
    c.at(0.8, "h2", frame(M1S, M2S, stag(150), ctag(10), label=c.label()))  # F6 no channel
    c.at(0.9, "up0", frame(M4S, U1, ctag(10), label=c.label()))  # F7 uplink -> VDP vEth
    c.at(1.0, "h2", frame(U1, M4S, stag(100), ctag(10), label=c.label()))  # F8 VDP vEth out
    # At 10 s the station's CDCP information ages out: S-VID 100 goes.
    c.at(12.0, "h2", frame(U1, M2S, stag(100), ctag(10), label=c.label()))  # F9 dropped
    c.at(12.1, "up0", frame(M2S, U1, ctag(10), label=c.label()))  # F10 dropped


# ---- per-vEth policy (ACLs, policers) -------------------------------------------------
# IPv4 frames written header by header; the label goes into the L4 payload.
# UDP and TCP checksums are 0 (tshark does not check them; 0 is "no UDP
# checksum" in IPv4); the IPv4 header checksum is computed, so that a
# remark that breaks it shows (replay.py checks it in every output).


def csum16(b):
    s = sum(b[i] << 8 | b[i + 1] for i in range(0, len(b) - 1, 2))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4(src, dst, proto, l4, dscp=0):
    addr = lambda a: bytes(int(x) for x in a.split("."))
    h = struct.pack("!BBHHHBBH4s4s", 0x45, dscp << 2, 20 + len(l4), 0x1234, 0, 64, proto, 0,
                    addr(src), addr(dst))
    return h[:10] + struct.pack("!H", csum16(h)) + h[12:] + l4


def tcp(sport, dport, payload):
    return struct.pack("!HHIIBBHHH", sport, dport, 1, 0, 0x50, 0x02, 8192, 0, 0) + payload


def udp(sport, dport, payload):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def icmp_echo(payload):
    h = struct.pack("!BBHHH", 8, 0, 0, 1, 1) + payload
    return h[:2] + struct.pack("!H", csum16(h + b"\0" * (len(h) & 1))) + h[4:]


def ip_frame(dst, src, *tags, label, proto="udp", sport=40000, dport=9, nw_src="192.0.2.1",
             nw_dst="198.51.100.1", inner=None):
    """DA SA [tags] 0x0800 IPv4 {tcp|udp|icmp} carrying the label, padded to
    60 bytes on the wire, or to an inner frame (DA..payload, no tags) of
    'inner' bytes."""
    l4len = {"tcp": 20, "udp": 8, "icmp": 8}[proto]
    payload = label.encode()
    if inner is not None:
        payload += bytes(inner - 14 - 20 - l4len - len(payload))
    l4 = (tcp(sport, dport, payload) if proto == "tcp" else udp(sport, dport, payload)
          if proto == "udp" else icmp_echo(payload))
    num = {"tcp": 6, "udp": 17, "icmp": 1}[proto]
    f = mac(dst) + mac(src) + b"".join(tags) + b"\x08\x00" + ipv4(nw_src, nw_dst, num, l4)
    return f + bytes(max(0, 60 - len(f)))


@case
def policy_acl(c):
    # h1 (vntag): vif 5 = vEth 100 (profile web), vif 6 = vEth 101 (plain);
    # h2 (vepa): M1 = vEth 200 (web); h3 (etag): E-CID 300 = vEth 300 (web);
    # up0: VLAN 10.  README lists what each frame proves.
    t = [0.0]

    def at(port, data):
        c.at(t[0], port, data)
        t[0] = round(t[0] + 0.01, 6)

    L = c.label
    # F1-F5: every station makes itself known (non-IP: only defaults match).
    at("up0", frame(BCAST, U1, ctag(10), label=L()))
    at("h1", frame(BCAST, V5, vntag(svif=5), label=L()))
    at("h1", frame(BCAST, V6, vntag(svif=6), label=L()))
    at("h2", frame(BCAST, M1, ctag(10), label=L()))
    at("h3", frame(BCAST, E300, etag(ecid=300), label=L()))
    # Ingress (acl_in of the sender's profile).
    at("h1", ip_frame(U1, V5, vntag(svif=5), label=L(), proto="tcp", dport=22))  # F6 deny
    at("h1", ip_frame(U1, V5, vntag(svif=5), label=L(), proto="tcp", dport=443))  # F7 allow
    at("h1", ip_frame(U1, V5, vntag(svif=5), label=L(), dport=5060))  # F8 DSCP 46
    at("h1", ip_frame(U1, V5, vntag(svif=5), label=L(), proto="icmp"))  # F9 PCP 5
    at("h1", ip_frame(U1, V6, vntag(svif=6), label=L(), proto="tcp", dport=22))  # F10 plain
    at("h2", ip_frame(U1, M1, ctag(10), label=L(), proto="tcp", dport=22))  # F11 deny
    at("h3", ip_frame(U1, E300, etag(ecid=300), label=L(), dport=5060))  # F12 DSCP 46
    # Egress (acl_out of each destination vEth's profile).
    at("up0", ip_frame(V5, U1, ctag(10), label=L(), proto="tcp", nw_src="198.51.100.7",
                       nw_dst="192.0.2.5", dport=80))  # F13 deny
    at("up0", ip_frame(V5, U1, ctag(10), label=L(), sport=5004, nw_src="192.0.2.77",
                       nw_dst="192.0.2.5"))  # F14 DSCP 34
    at("up0", ip_frame(E300, U1, ctag(10), label=L(), nw_src="203.0.113.9",
                       nw_dst="192.0.2.30"))  # F15 E-PCP 3
    at("up0", ip_frame(M1, U1, ctag(10), label=L(), nw_src="203.0.113.9",
                       nw_dst="192.0.2.20"))  # F16 C-tag PCP 3
    at("up0", ip_frame(BCAST, U1, ctag(10), label=L(), sport=5004, nw_src="192.0.2.77",
                       nw_dst="192.0.2.255"))  # F17 flood: per-copy remark
    at("up0", ip_frame(BCAST, U1, ctag(10), label=L(), proto="tcp", nw_src="198.51.100.7",
                       nw_dst="192.0.2.255"))  # F18 flood: denied by three vEths
    # Both ways, on one port.
    at("h1", ip_frame(V6, V5, vntag(svif=5), label=L(), dport=5060))  # F19 in 46 -> plain
    at("h1", ip_frame(V5, V6, vntag(svif=6), label=L(), sport=5004))  # F20 out 34 to web
    at("up0", ip_frame(V5, U1, ctag(10), label=L(), proto="tcp", nw_src="192.0.2.50",
                       nw_dst="192.0.2.5", dport=80))  # F21 allow (default out)


@case
def policy_police(c):
    # h1 (vntag): vif 5 = vEth 100 (police_in 100 kbit/s, burst 3000 B),
    # vif 6 = vEth 101 (no policy, the neighbour), vif 7 = vEth 102
    # (police_out 50 packets/s, burst 5, exceed set_dscp=8), vif 8 = vEth
    # 103 (trTCM in: 80/160 kbit/s, 2000/4000 B, yellow set_dscp=10, red
    # drop).  README computes every colour from the documented bucket.
    V7, V8 = "52:54:00:00:00:07", "52:54:00:00:00:08"
    c.at(0.0, "h1", frame(BCAST, V7, vntag(svif=7), label=c.label()))  # F1 learn V7
    c.at(0.0, "up0", frame(BCAST, U1, ctag(10), label=c.label()))  # F2 learn U1
    # F3-F82, in pairs: vif 5 (odd labels) then, 1 ms later, vif 6 (even):
    # 40 inner frames of 1000 bytes each, one every 40 ms from t = 1 s
    # (200 kbit/s each, twice vif 5's rate).
    for i in range(40):
        c.at(1.0 + 0.04 * i, "h1",
             ip_frame(U1, V5, vntag(svif=5), label=c.label(), inner=1000))
        c.at(1.0 + 0.04 * i + 0.001, "h1",
             ip_frame(U1, V6, vntag(svif=6), label=c.label(), inner=1000))
    # F83-F102: 20 frames to vif 7 from the uplink, one every 10 ms from
    # t = 3 s (100 packets/s, twice vif 7's rate).
    for i in range(20):
        c.at(3.0 + 0.01 * i, "up0", ip_frame(V7, U1, ctag(10), label=c.label()))
    # F103-F118: 16 inner frames of 1000 bytes from vif 8, one every 25 ms
    # from t = 4 s (320 kbit/s against CIR 80 and PIR 160).
    for i in range(16):
        c.at(4.0 + 0.025 * i, "h1",
             ip_frame(U1, V8, vntag(svif=8), label=c.label(), inner=1000))


# ---- main -------------------------------------------------------------------------


def main(argv):
    check = argv[1:] == ["--check"]
    if argv[1:] and not check:
        print("usage: gen.py [--check]", file=sys.stderr)
        return 2
    bad = 0
    for c in CASES:
        d = os.path.join(HERE, c.name)
        files = c.files()
        if check:
            for name, data in files.items():
                try:
                    with open(os.path.join(d, name), "rb") as f:
                        same = f.read() == data
                except OSError:
                    same = False
                if not same:
                    print(f"gen.py: {c.name}/{name} is not what gen.py writes "
                          "(run tests/replay/gen.py)", file=sys.stderr)
                    bad += 1
        else:
            os.makedirs(d, exist_ok=True)
            for name, data in files.items():
                with open(os.path.join(d, name), "wb") as f:
                    f.write(data)
        # A capture gen.py no longer writes would silently stay in use.
        for name in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            if name.startswith("in-") and name.endswith(".pcap") and name not in files:
                print(f"gen.py: {c.name}/{name} is not written by gen.py: remove it",
                      file=sys.stderr)
                bad += 1
    if check and not bad:
        print(f"gen.py: the inputs of {len(CASES)} cases are what gen.py writes")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
