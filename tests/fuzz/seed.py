#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Write the fuzz targets' seed corpora, tests/fuzz/corpus/<target>/.

Run from the source tree (`make fuzz-seed` does): every file under
tests/fuzz/corpus/ is rewritten from

  - the frames of tests/data/*.pcap and tests/replay/*/in-*.pcap (pcap and
    pcapng, parsed here: no dependency beyond Python 3);
  - the replay cases' configurations and conf/example.conf;
  - a list of control requests below (every command of switchd/ctl.c).

Per target (the input formats are documented at the top of each
tests/fuzz/fuzz-<target>.c):
  vntag     every distinct frame
  lldp      the LLDPDU of every LLDP frame (after the tags and EtherType)
  ecp       every ECPDU, and state machine scripts built from them
  vdp       the ULPDU of every ECP request of subtype VDP
  cdcp      every CDCP TLV's information string, and scripts of them
  config    configuration files
  ctl       control requests, one per line (single and in sequences)
  pipeline  each replay case's inputs merged by time, as port/delta/frame
            records for fuzz-pipeline.c's fixed switch, whose ports have
            the replay cases' names; each bundled capture on the port the
            real-* replay cases use

The output is deterministic: the same inputs give the same files (names are
<source>-<sha1 prefix>), so `git diff` shows what changed.
"""
import hashlib
import json
import os
import shutil
import struct
import sys

ETH_VNTAG, ETH_ETAG, ETH_STAG, ETH_CTAG = 0x8926, 0x893F, 0x88A8, 0x8100
ETH_LLDP, ETH_ECP = 0x88CC, 0x8940

# fuzz-pipeline.c's ports, in order.
PIPELINE_PORTS = ["up0", "up1", "h1", "h2", "h3", "h4", "h5", "h6"]
# The port each bundled capture goes in on (as tests/replay/real-* do).
DATA_PORT = {
    "ecp_vdp2012_crafted_all_formats.pcap": "h2",
    "lldp_evb2012_cdcp_draft02evb_crafted.pcap": "h2",
    "lldpad_station_evb22_lldp_and_unanswered_vdp_assoc.pcap": "h2",
    "lldpad_station_vs_lldpad_bridge_evb_vdp_assoc_keepalive_deassoc_2filters.pcap": "h2",
    "lldpd-1.0.16_lldp_tx_with_custom_evb_tlv.pcap": "up0",
    "vntag_crafted_5variants.pcap": "h1",
}


def read_capture(path):
    """[(time_us, frame bytes)] of a pcap or pcapng file."""
    data = open(path, "rb").read()
    magic = data[:4]
    out = []
    if magic in (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d"):
        end = "<" if magic[0] in (0xD4, 0x4D) else ">"
        nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
        off = 24
        while off + 16 <= len(data):
            sec, frac, incl, _orig = struct.unpack(end + "IIII", data[off:off + 16])
            off += 16
            us = sec * 1000000 + (frac // 1000 if nano else frac)
            out.append((us, data[off:off + incl]))
            off += incl
        return out
    if magic == b"\x0a\x0d\x0d\x0a":  # pcapng: SHB, IDB, EPB (microseconds assumed)
        end = "<" if data[8:12] == b"\x4d\x3c\x2b\x1a" else ">"
        off = 0
        while off + 12 <= len(data):
            btype, blen = struct.unpack(end + "II", data[off:off + 8])
            if btype == 0x0A0D0D0A:
                end = "<" if data[off + 8:off + 12] == b"\x4d\x3c\x2b\x1a" else ">"
                btype, blen = struct.unpack(end + "II", data[off:off + 8])
            if btype == 6:  # Enhanced Packet Block
                _ifid, hi, lo, incl, _orig = struct.unpack(end + "IIIII", data[off + 8:off + 28])
                out.append(((hi << 32) | lo, data[off + 28:off + 28 + incl]))
            elif btype == 3:  # Simple Packet Block
                orig = struct.unpack(end + "I", data[off + 8:off + 12])[0]
                out.append((0, data[off + 12:off + 12 + min(orig, blen - 16)]))
            if blen < 12:
                break
            off += blen
        return out
    raise ValueError("%s: not a pcap or pcapng file" % path)


def payload(frame):
    """(EtherType, offset of what follows it) after the tag stack, or None."""
    off = 12
    while off + 2 <= len(frame):
        t = struct.unpack(">H", frame[off:off + 2])[0]
        if t == ETH_VNTAG:
            off += 6
        elif t == ETH_ETAG:
            off += 8
        elif t in (ETH_STAG, ETH_CTAG):
            off += 4
        else:
            return t, off + 2
    return None


def lldp_tlvs(pdu):
    off = 0
    while off + 2 <= len(pdu):
        hdr = struct.unpack(">H", pdu[off:off + 2])[0]
        t, n = hdr >> 9, hdr & 0x1FF
        yield t, pdu[off + 2:off + 2 + n]
        if t == 0:
            return
        off += 2 + n


class Corpus:
    def __init__(self, root):
        self.root = root
        self.seen = {}

    def add(self, target, source, data):
        if not data:
            return
        d = os.path.join(self.root, target)
        os.makedirs(d, exist_ok=True)
        key = (target, data)
        if key in self.seen:
            return
        name = "%s-%s" % (source, hashlib.sha1(data).hexdigest()[:10])
        self.seen[key] = name
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)


def pipeline_records(frames):
    """frames: [(time_us, port name, frame)] in time order."""
    out = bytearray()
    prev = frames[0][0] if frames else 0
    for t, port, frame in frames:
        delta = max(0, min(0xFFFF, (t - prev) // 1000))
        prev = t
        frame = frame[:0xFFFF]
        out += struct.pack(">BHH", PIPELINE_PORTS.index(port), delta, len(frame)) + frame
    return bytes(out)


def ecp_script(ecpdus):
    """fuzz-ecp.c script: each ECPDU received, a time step, a send, a deadline jump."""
    out = bytearray()
    for i, e in enumerate(ecpdus):
        e = e[:255]
        out += bytes([0, len(e)]) + e          # received
        out += bytes([2 | (10 << 2)])          # 2^5 us later
        if len(e) > 4:
            ul = e[4:4 + 60]
            out += bytes([1 | (1 << 2), len(ul)]) + ul   # send as VDP
        out += bytes([2])                      # to the next deadline
        if i % 3 == 2:
            out += bytes([3 | (0x3F << 2)])    # reset
    return bytes(out)


CTL_COMMANDS = [
    ["show", "ports"], ["show", "veths"], ["show", "veths", "100"], ["show", "fdb"],
    ["show", "fdb", "vlan", "10"], ["show", "counters"], ["show", "counters", "port", "h1"],
    ["show", "counters", "veth", "101"], ["show", "profiles"], ["show", "events"],
    ["show", "events", "veth", "100"], ["show", "lldp", "neighbors"],
    ["show", "lldp", "statistics"], ["show", "evb"], ["show", "ecp"], ["show", "vdp"],
    ["show", "schannels"], ["version"], ["list-commands"],
    ["veth", "add", "110", "port", "h1", "vif", "9", "profile", "web"],
    ["veth", "add", "111", "port", "h2", "mac", "52:54:00:00:00:09", "vlan", "20"],
    ["veth", "add", "112", "port", "h3", "ecid", "301"],
    ["veth", "set", "100", "profile", "db"], ["veth", "set", "101", "vlan", "20"],
    ["veth", "del", "103"], ["profile", "add", "p2", "type_id", "9", "vlan", "20"],
    ["profile", "set", "web", "vlan", "20"], ["profile", "set", "db", "vlan", "none"],
    ["profile", "del", "db"], ["port", "set", "h2", "reflective_relay", "false"],
    ["port", "set", "h1", "admin", "down"], ["port", "set", "h1", "max_veths", "1"],
    ["port", "set", "h3", "lldp", "rxtx"], ["counters", "clear"], ["config", "reload"],
    ["config", "save"], ["time", "warp", "30"], ["time", "warp", "0.5"],
]


def ctl_request(argv, fmt=None):
    req = {"version": 1, "argv": argv}
    if fmt:
        req["format"] = fmt
    return json.dumps(req).encode()


def main():
    top = os.path.abspath(os.path.join(os.path.dirname(sys.argv[0]), "..", ".."))
    os.chdir(top)
    root = "tests/fuzz/corpus"
    shutil.rmtree(root, ignore_errors=True)
    c = Corpus(root)

    captures = []  # (source name, path, port)
    for f in sorted(os.listdir("tests/data")):
        if f.endswith(".pcap"):
            captures.append((f[:-5], os.path.join("tests/data", f), DATA_PORT.get(f, "h2")))
    cases = sorted(d for d in os.listdir("tests/replay")
                   if os.path.isdir(os.path.join("tests/replay", d)))
    for case in cases:
        for f in sorted(os.listdir(os.path.join("tests/replay", case))):
            if f.startswith("in-") and f.endswith(".pcap"):
                captures.append(("%s-%s" % (case, f[3:-5]), os.path.join("tests/replay", case, f),
                                 f[3:-5]))

    cdcp_infos = []
    frames_of = {}
    for src, path, port in captures:
        frames = read_capture(path)
        frames_of[path] = frames
        ecpdus = []
        for _t, fr in frames:
            c.add("vntag", src, fr)
            p = payload(fr)
            if not p:
                continue
            etype, off = p
            if etype == ETH_LLDP:
                pdu = fr[off:]
                c.add("lldp", src, pdu)
                for t, v in lldp_tlvs(pdu):
                    if t == 127 and v[:4] == b"\x00\x80\xc2\x0e":
                        c.add("cdcp", src, v[4:])
                        cdcp_infos.append(v[4:])
            elif etype == ETH_ECP:
                e = fr[off:]
                c.add("ecp", src, e)
                ecpdus.append(e)
                if len(e) > 4 and (e[0] << 8 | e[1]) & 0x0C00 == 0 and (e[0] << 8 | e[1]) & 0x3FF == 1:
                    c.add("vdp", src, e[4:])
        if ecpdus:
            c.add("ecp", src + "-script", ecp_script(ecpdus))
        if port in PIPELINE_PORTS and path.startswith("tests/data"):
            c.add("pipeline", src, pipeline_records([(t, port, fr) for t, fr in frames]))

    # CDCP scripts: a station asking, asking again, going away.
    for i, info in enumerate(cdcp_infos):
        script = bytes([3, 8]) + bytes([len(info)]) + info + bytes([len(info)]) + info
        script += bytes([255]) + bytes([len(info)]) + info
        c.add("cdcp", "script%d" % i, script)

    # The replay cases, merged by time as vnswitchd --replay merges them.
    for case in cases:
        merged = []
        for f in sorted(os.listdir(os.path.join("tests/replay", case))):
            if f.startswith("in-") and f.endswith(".pcap") and f[3:-5] in PIPELINE_PORTS:
                path = os.path.join("tests/replay", case, f)
                merged += [(t, f[3:-5], fr) for t, fr in frames_of[path]]
        merged.sort(key=lambda x: x[0])
        if merged:
            c.add("pipeline", "replay-" + case, pipeline_records(merged))
            # The same frames, every other one traced (port bit 7).
            rec = bytearray(pipeline_records(merged))
            off, k = 0, 0
            while off + 5 <= len(rec):
                n = rec[off + 3] << 8 | rec[off + 4]
                if k % 2:
                    rec[off] |= 0x80
                off += 5 + n
                k += 1
            c.add("pipeline", "replay-" + case + "-traced", bytes(rec))

    # Configurations.
    c.add("config", "example", open("conf/example.conf", "rb").read())
    for case in cases:
        p = os.path.join("tests/replay", case, "switch.conf")
        if os.path.exists(p):
            c.add("config", "replay-" + case, open(p, "rb").read())

    # Control requests: each alone, in every format, then in sequences, and
    # trace / inject with frames from the captures.
    frames = [fr for _s, p, _port in captures for _t, fr in frames_of[p]][:12]
    for i, argv in enumerate(CTL_COMMANDS):
        c.add("ctl", "cmd%02d" % i, ctl_request(argv, ["plain", "keyvalue", "json"][i % 3]))
    for i, fr in enumerate(frames):
        port = ["h1", "h2", "h3", "up0"][i % 4]
        c.add("ctl", "trace%02d" % i, ctl_request(["trace", port, fr.hex()], "json"))
        c.add("ctl", "inject%02d" % i, ctl_request(["inject", port, fr.hex()]))
    seq = b"\n".join(ctl_request(a, "json") for a in CTL_COMMANDS)
    c.add("ctl", "all-commands", seq)
    hdr = b"VN\x01\x01" + struct.pack(">I", len(ctl_request(["version"])))
    c.add("ctl", "framed", hdr + ctl_request(["version"]))
    print("seeds:", ", ".join("%s %d" % (t, len(os.listdir(os.path.join(root, t))))
                              for t in sorted(os.listdir(root))))


if __name__ == "__main__":
    main()
