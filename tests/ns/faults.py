#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Helpers of tests/ns-restart.sh and tests/ns-netem.sh: vnctl JSON and
captures as comparable text.  Standard library only.

    faults.py veths < SHOW-VETHS.json
        one line per vEth, sorted by id, without counters and times:
        ID PORT BIND KEY VLAN PROFILE ORIGIN [MORE-MACS]
    faults.py acl < SHOW-ACL.json
        one line per ACL rule of every vEth with policy, without hits:
        VETH DIR PRIORITY MATCH ACTION
    faults.py plan ROUNDS PORT:TAGS:DST:SRC:CLASS ...
        a tests/ns/send.py plan: ROUNDS rounds of one frame per spec, the
        marker CLASS.N (N the round)
    faults.py misforwarded HOST=FRAMES.txt ... -- HOST:CLASS:VLAN ...
        FRAMES.txt: tests/ns/norm.py frames of a capture on HOST.  Prints
        every marked frame whose (class, VLAN) is not allowed on that host
        ("HOST MARKER vlan=V") and exits 1 if there is one
    faults.py arrived HOST=FRAMES.txt ... -- HOST:MARKER ...
        prints the expected markers that did not arrive, exit 1 if any
"""
import json
import sys


def veths(doc):
    out = []
    for v in doc:
        bind = v.get("bind", "?")
        key = v.get("mac") if bind == "mac" else v.get(bind, v.get("key", "?"))
        more = ",".join(v["macs"]) if isinstance(v.get("macs"), list) else ""
        out.append((v["id"], "%s %s %s %s %s %s %s%s" % (
            v["id"], v.get("port"), bind, key, v.get("vlan"), v.get("profile") or "-",
            v.get("origin"), " " + more if more else "")))
    for _, line in sorted(out):
        print(line)


def acl(doc):
    for v in doc:
        for d in ("in", "out"):
            for r in (v.get(d) or {}).get("rules") or []:
                print("%s %s %s %s %s" % (v.get("veth"), d, r.get("priority"), r.get("match"),
                                          r.get("action")))


def plan(argv):
    rounds = int(argv[0])
    for n in range(rounds):
        for spec in argv[1:]:
            port, tags, dst, src, cls = spec.split("/")
            print("%s %s %s %s %s.%d" % (port, tags, dst, src, cls, n))


def frames_of(specs):
    got = {}
    for spec in specs:
        host, _, path = spec.partition("=")
        lines = []
        with open(path) as f:
            for line in f:
                w = line.split()
                if not w or w[0].startswith("?"):
                    continue  # control frames (LLDP, ECP): no marker
                vlan = next((x[5:] for x in w[2:] if x.startswith("vlan=")), "-")
                lines.append((w[0], vlan))
        got[host] = lines
    return got


def split(argv):
    i = argv.index("--")
    return argv[:i], argv[i + 1:]


def misforwarded(argv):
    caps, rules = split(argv)
    allowed = set(tuple(r.split(":")) for r in rules)
    bad = 0
    for host, lines in frames_of(caps).items():
        for marker, vlan in lines:
            cls = marker.split(".")[0]
            if (host, cls, vlan) not in allowed:
                print("%s %s vlan=%s" % (host, marker, vlan))
                bad += 1
    return 1 if bad else 0


def arrived(argv):
    caps, want = split(argv)
    got = frames_of(caps)
    missing = 0
    for w in want:
        host, marker = w.split(":")
        if not any(m == marker for m, _ in got.get(host, [])):
            print("%s %s" % (host, marker))
            missing += 1
    return 1 if missing else 0


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    cmd = argv[1]
    if cmd == "veths":
        veths(json.load(sys.stdin))
    elif cmd == "acl":
        acl(json.load(sys.stdin))
    elif cmd == "plan":
        plan(argv[2:])
    elif cmd == "misforwarded":
        return misforwarded(argv[2:])
    elif cmd == "arrived":
        return arrived(argv[2:])
    else:
        sys.exit("faults.py: unknown command %r" % cmd)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
