#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Helpers of tests/ns-live.sh: captures and state files as comparable text.

    norm.py frames FILE.pcap        one line per frame, decoded by tshark:
                                    MARKER SRC>DST [vntag ...] [etag ...] [vlan=V,...]
    norm.py drops STATE.json        one line per non-zero drop counter of a port:
                                    PORT REASON COUNT
    norm.py same-state A.json B.json
                                    compare two state.json files without their
                                    times (counters, vEths, FDB): prints the
                                    differences and exits 1 if there are any

MARKER is the ASCII text at the start of the payload that tests/ns/send.py
puts in every frame ('?' and the EtherType for a frame that has none).
"""
import json
import os
import subprocess
import sys

FIELDS = ["eth.src", "eth.dst", "eth.type",
          "vntag.dir", "vntag.ptr", "vntag.dst", "vntag.looped", "vntag.src", "vntag.version",
          "etag.group", "etag.ecid_base", "etag.ecid_ext", "etag.iecid_base", "etag.iecid_ext",
          "vlan.id", "vlan.priority", "data.data"]


def num(s):
    s = s.strip()
    if s in ("True", "False"):
        return int(s == "True")
    return int(s, 0)


def frames(path):
    cmd = [os.environ.get("TSHARK", "tshark"), "-r", path, "-T", "fields",
           "-E", "occurrence=a", "-E", "aggregator=,"]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        v = dict(zip(FIELDS, line.split("\t")))
        data = bytes.fromhex(v.get("data.data", "").split(",")[0])
        marker = data.split(b"\0", 1)[0].decode("ascii", "replace")
        words = [marker or "?" + v["eth.type"], "%s>%s" % (v["eth.src"], v["eth.dst"])]
        if v["vntag.dir"]:
            words.append("vntag d=%d p=%d dvif=%d looped=%d svif=%d ver=%d" % tuple(
                num(v[k]) for k in ("vntag.dir", "vntag.ptr", "vntag.dst", "vntag.looped",
                                    "vntag.src", "vntag.version")))
        if v["etag.ecid_base"]:
            words.append("etag grp=%d ecid=%d iecid=%d" % (
                num(v["etag.group"]),
                num(v["etag.ecid_ext"]) << 12 | num(v["etag.ecid_base"]),
                num(v["etag.iecid_ext"]) << 12 | num(v["etag.iecid_base"])))
        if v["vlan.id"]:
            words.append("vlan=" + ",".join(str(num(x)) for x in v["vlan.id"].split(",")))
        print(" ".join(words))


def drops(path):
    with open(path) as f:
        st = json.load(f)
    for p in st["ports"]:
        for reason, n in sorted(p["counters"]["drops"].items()):
            if n:
                print(p["name"], reason, n)


def timeless(st):
    """What must not depend on when or how the state was taken: counters,
    vEths, FDB entries (not their age).  Keys are picked, not excluded, so
    that time-dependent additions (rates, ages) never break the comparison."""
    def pick(d, keys):
        return {k: d[k] for k in keys if k in d}
    veth_keys = ("id", "port", "bind", "vif", "ecid", "mac", "vlan", "profile", "origin",
                 "counters")
    return {
        "switch": pick(st["switch"], ("veths", "fdb_entries", "fdb_learned", "fdb_moved",
                                      "fdb_full")),
        "ports": {p["name"]: pick(p, ("counters", "veths")) for p in st["ports"]},
        "veths": {v["id"]: pick(v, veth_keys) for v in st["veths"]},
        "fdb": sorted((e["vlan"], e["mac"], e["port"], e.get("veth", -1)) for e in st["fdb"]),
        "totals": st["totals"],
    }


def diff(a, b, path, out):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b), key=str):
            diff(a.get(k), b.get(k), "%s.%s" % (path, k), out)
    elif a != b:
        out.append("%s: %r != %r" % (path, a, b))


def same_state(pa, pb):
    with open(pa) as fa, open(pb) as fb:
        a, b = timeless(json.load(fa)), timeless(json.load(fb))
    out = []
    diff(a, b, "state", out)
    for line in out:
        print(line)
    return 1 if out else 0


def main(argv):
    if len(argv) == 3 and argv[1] == "frames":
        frames(argv[2])
    elif len(argv) == 3 and argv[1] == "drops":
        drops(argv[2])
    elif len(argv) == 4 and argv[1] == "same-state":
        return same_state(argv[2], argv[3])
    else:
        sys.exit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
