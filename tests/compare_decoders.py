#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Compare `vnctl decode -f json` with independent decoders on every bundled
capture:

  * tshark 4.0 `vntag.*` fields (VN-Tag: every field);
  * tshark's ECP header fields and the VDP fields its draft-2.1 dissector
    gets right (TLV types, VSI type id/version, VSI ID format, filter
    format, response bit and error code);
  * `tcpdump -vv` for the 802.1Qbg-2012 EVB and CDCP TLVs, which tshark 4.0
    does not decode.

Usage: compare_decoders.py VNCTL DATADIR.  Exit 0 pass, 1 mismatch, 77 skip.
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys

fails = 0
checks = 0


def check(what, ours, theirs):
    global fails, checks
    checks += 1
    if ours != theirs:
        fails += 1
        print(f"MISMATCH {what}: vnctl={ours!r} reference={theirs!r}")


def vnctl(vnctl_bin, path):
    out = subprocess.run([vnctl_bin, "decode", "-f", "json", path],
                         check=True, capture_output=True, text=True).stdout
    return {f["frame"]: f for f in json.loads(out)}


def tshark(path, fields, filt):
    cmd = ["tshark", "-r", path, "-Y", filt, "-T", "fields", "-E", "separator=|",
           "-e", "frame.number"]
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    rows = {}
    for line in out.splitlines():
        cols = line.split("|")
        rows[int(cols[0])] = dict(zip(fields, cols[1:]))
    return rows


def num(s):
    return int(s, 0) if s else None


def compare_vntag(frames, path):
    fields = ["vntag.dir", "vntag.ptr", "vntag.dst", "vntag.looped", "vntag.r",
              "vntag.version", "vntag.src"]
    keys = ["d", "p", "dvif", "looped", "r", "version", "svif"]
    for n, row in tshark(path, fields, "vntag").items():
        tag = frames[n].get("vntag")
        check(f"{os.path.basename(path)}#{n} has vntag", tag is not None, True)
        if tag is None:
            continue
        for f, k in zip(fields, keys):
            check(f"{os.path.basename(path)}#{n} vntag.{k}", tag[k], num(row[f]))


def compare_ecp(frames, path):
    fields = ["ecp.ver", "ecp.op", "ecp.subtype", "ecp.seqno", "vdp21.tlvtype",
              "vdp21.vsitypeid", "vdp21.vsiversion", "vdp21.vsiidformat",
              "vdp21.filterformat", "vdp21.assoc.flags.req_rsp", "vdp21.assoc.error"]
    for n, row in tshark(path, fields, "ecp21").items():
        name = f"{os.path.basename(path)}#{n}"
        fr = frames[n]
        ecp = fr.get("ecp")
        check(f"{name} has ecp", ecp is not None, True)
        if ecp is None:
            continue
        check(f"{name} ecp.version", ecp["version"], num(row["ecp.ver"]))
        check(f"{name} ecp.op", ecp["op"], num(row["ecp.op"]))
        check(f"{name} ecp.subtype", ecp["subtype"], num(row["ecp.subtype"]))
        check(f"{name} ecp.seq", ecp["seq"], num(row["ecp.seqno"]))
        if not row["vdp21.tlvtype"]:
            continue
        vdp = fr.get("vdp", [])
        # tshark lists the Manager ID TLV (5) then one VSI TLV type.
        types = [int(t) for t in row["vdp21.tlvtype"].split(",")]
        check(f"{name} vdp TLV types", [5] + [v["type"] for v in vdp], types)
        if not vdp or not row["vdp21.vsitypeid"]:
            continue
        v = vdp[0]
        check(f"{name} vdp.typeid", v["typeid"], num(row["vdp21.vsitypeid"]))
        check(f"{name} vdp.typever", v["typever"], num(row["vdp21.vsiversion"]))
        check(f"{name} vdp.vsiid_format", v["vsiid_format"], num(row["vdp21.vsiidformat"]))
        check(f"{name} vdp.fif", v["fif"], num(row["vdp21.filterformat"]))
        if row["vdp21.assoc.flags.req_rsp"]:
            check(f"{name} vdp.response", v["response"], num(row["vdp21.assoc.flags.req_rsp"]))
        if row["vdp21.assoc.error"]:
            check(f"{name} vdp.error", v["error"], num(row["vdp21.assoc.error"]))


EVB_RE = [
    (re.compile(r"RES: \d+, BGID: (\d+), RRCAP: (\d+), RRCTR: (\d+)"), ["bgid", "rrcap", "rrctr"]),
    (re.compile(r"RES: \d+, SGID: (\d+), RRREQ: (\d+),\s*RRSTAT: (\d+)"), ["sgid", "rrreq", "rrstat"]),
    (re.compile(r"R: (\d+), RTE: (\d+), EVB Mode: .*\[(\d+)\]"), ["r", "rte", "mode"]),
    (re.compile(r"ROL: (\d+), RWD: (\d+), RES: \d+, ROL: (\d+), RKA: (\d+)"),
     ["rwd_rol", "rwd", "rka_rol", "rka"]),
]
CDCP_HDR = re.compile(r"Role: (\d+), RES: \d+, Scomp: (\d+) ChnCap: (\d+)")
CDCP_PAIR = re.compile(r"SCID: (\d+), SVID: (\d+)")


def compare_tcpdump(frames, path):
    out = subprocess.run(["tcpdump", "-nn", "-vv", "-r", path], capture_output=True,
                         text=True, check=True).stdout
    # Split into frames: a line starting without a tab begins a new frame.
    blocks = []
    for line in out.splitlines():
        if not line.startswith("\t") and not line.startswith(" "):
            blocks.append([line])
        elif blocks:
            blocks[-1].append(line)
    for n, block in enumerate(blocks, 1):
        text = "\n".join(block)
        name = f"{os.path.basename(path)}#{n}"
        lldp = frames[n].get("lldp")
        if "EVB Subtype (13)" in text:
            evb = (lldp or {}).get("evb")
            check(f"{name} has evb", evb is not None, True)
            if evb:
                for rx, keys in EVB_RE:
                    m = rx.search(text)
                    check(f"{name} tcpdump EVB line {keys}", m is not None, True)
                    if m:
                        for k, val in zip(keys, m.groups()):
                            check(f"{name} evb.{k}", evb[k], int(val))
        if "CDCP Subtype (14)" in text:
            cdcp = (lldp or {}).get("cdcp")
            check(f"{name} has cdcp", cdcp is not None, True)
            m = CDCP_HDR.search(text)
            if cdcp and m:
                check(f"{name} cdcp.role", cdcp["role"], int(m.group(1)))
                check(f"{name} cdcp.scomp", cdcp["scomp"], int(m.group(2)))
                check(f"{name} cdcp.chncap", cdcp["chncap"], int(m.group(3)))
                pairs = [{"scid": int(a), "svid": int(b)} for a, b in CDCP_PAIR.findall(text)]
                check(f"{name} cdcp.channels", cdcp["channels"], pairs)
        if "Time to Live TLV" in text and lldp:
            m = re.search(r"TTL (\d+)s", text)
            if m:
                check(f"{name} lldp.ttl", lldp["ttl"], int(m.group(1)))


def compare_qbg22(frames, path, lua):
    """The hand-written qbg22.lua post-dissector (reference material kept
    beside the project, not in it): VDP-2012 entries, EVB and CDCP."""
    fields = ["qbg22.vdp.mode", "qbg22.vdp.status", "qbg22.vdp.typeid", "qbg22.vdp.typever",
              "qbg22.vdp.vsiid_fmt", "qbg22.vdp.fif", "qbg22.vdp.num_entries",
              "qbg22.vdp.gid", "qbg22.vdp.mac", "qbg22.vdp.ps", "qbg22.vdp.pcp",
              "qbg22.vdp.vid", "qbg22.evb.rrstat", "qbg22.evb.rte", "qbg22.evb.mode",
              "qbg22.evb.rka", "qbg22.cdcp.scid", "qbg22.cdcp.svid"]
    cmd = ["tshark", "-X", f"lua_script:{lua}", "-r", path, "-Y", "qbg22", "-T", "fields",
           "-E", "separator=|", "-e", "frame.number"]
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        cols = line.split("|")
        n = int(cols[0])
        row = dict(zip(fields, cols[1:]))
        name = f"{os.path.basename(path)}#{n} (qbg22.lua)"
        fr = frames[n]
        if row["qbg22.vdp.mode"]:
            vdp = fr.get("vdp") or [{}]
            v = vdp[0]
            check(f"{name} vdp.type", v.get("type"), num(row["qbg22.vdp.mode"]))
            check(f"{name} vdp.typeid", v.get("typeid"), num(row["qbg22.vdp.typeid"]))
            check(f"{name} vdp.typever", v.get("typever"), num(row["qbg22.vdp.typever"]))
            check(f"{name} vdp.fif", v.get("fif"), num(row["qbg22.vdp.fif"]))
            status = num(row["qbg22.vdp.status"])
            check(f"{name} vdp.response", v.get("response"), (status >> 6) & 1)
            if status & 0x40:
                check(f"{name} vdp.keep", v.get("keep"), (status >> 5) & 1)
                check(f"{name} vdp.hard", v.get("hard"), (status >> 4) & 1)
                check(f"{name} vdp.error", v.get("error"), status & 15)
            else:
                check(f"{name} vdp.s", v.get("s"), (status >> 5) & 1)
                check(f"{name} vdp.m", v.get("m"), (status >> 4) & 1)
            ents = v.get("entries", [])
            check(f"{name} vdp entries", len(ents), num(row["qbg22.vdp.num_entries"]))
            for key, col in (("vid", "qbg22.vdp.vid"), ("pcp", "qbg22.vdp.pcp"),
                             ("ps", "qbg22.vdp.ps"), ("gid", "qbg22.vdp.gid")):
                if row[col]:
                    check(f"{name} vdp.entries.{key}", [e.get(key) for e in ents],
                          [int(x) for x in row[col].split(",")])
            if row["qbg22.vdp.mac"]:
                check(f"{name} vdp.entries.mac", [e.get("mac") for e in ents],
                      row["qbg22.vdp.mac"].split(","))
        evb = (fr.get("lldp") or {}).get("evb")
        if row["qbg22.evb.rte"]:
            check(f"{name} has evb", evb is not None, True)
            if evb:
                for k in ("rrstat", "rte", "mode", "rka"):
                    check(f"{name} evb.{k}", evb[k], num(row[f"qbg22.evb.{k}"]))
        if row["qbg22.cdcp.scid"]:
            cdcp = (fr.get("lldp") or {}).get("cdcp") or {}
            pairs = list(zip(row["qbg22.cdcp.scid"].split(","), row["qbg22.cdcp.svid"].split(",")))
            check(f"{name} cdcp.channels", cdcp.get("channels"),
                  [{"scid": int(a), "svid": int(b)} for a, b in pairs])


def main():
    vnctl_bin, datadir = sys.argv[1], sys.argv[2]
    have_tshark = shutil.which("tshark") is not None
    have_tcpdump = shutil.which("tcpdump") is not None
    lua = os.environ.get("QBG22_LUA") or os.path.join(
        os.environ.get("top_srcdir", "."), "..", "shared", "tools", "qbg22.lua")
    if not os.path.exists(lua):
        print(f"note: {lua} not found, qbg22.lua comparison skipped")
    if not have_tshark and not have_tcpdump:
        print("SKIP: neither tshark nor tcpdump is installed")
        return 77
    for path in sorted(glob.glob(os.path.join(datadir, "*.pcap"))):
        frames = vnctl(vnctl_bin, path)
        for n, f in frames.items():
            if "error" in f:
                print(f"note: {os.path.basename(path)}#{n}: {f['error']}")
        if have_tshark:
            compare_vntag(frames, path)
            compare_ecp(frames, path)
        if have_tcpdump:
            compare_tcpdump(frames, path)
        if have_tshark and lua and os.path.exists(lua):
            compare_qbg22(frames, path, lua)
    print(f"{checks} field comparisons, {fails} mismatches")
    if checks == 0:
        return 99
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
