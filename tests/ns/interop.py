#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Helpers of tests/ns-lldpad.sh: JSON from vnctl and lldpcli as text lines.

Every command reads one JSON document on stdin.

    interop.py get PATH...      print the value at each PATH, one per line
                                (strings as they are, the rest as JSON);
                                exit 1 if a PATH is not there
    interop.py count PATH       print the length of the list at PATH (0 if
                                there is none)
    interop.py lldpd-neighbors  (lldpcli -f json show neighbors details)
                                one line per neighbour:
                                IFACE chassis=ID chassis_type=T port=ID
                                port_type=T sysname=NAME ttl=S
    interop.py lldpd-stats      (lldpcli -f json show statistics)
                                one line per interface: IFACE key=value...

PATH is a dot-separated list of steps: a key of an object, a list index,
or KEY=VALUE, which picks the first element of a list whose KEY is VALUE
(compared as text), e.g. "[port=h2].oper.rka" for vnctl -f json show evb
or "vsis.[veth=42].keepalives" for show vdp; "*" as a step matches any
element or member, and the first match counts.

lldpcli's JSON writer turns a list of one element into the element itself
(an interface, a chassis); both shapes are read.  No third-party modules.
"""
import json
import sys


def steps(path):
    out = []
    for s in path.split("."):
        if s.startswith("[") and s.endswith("]"):
            s = s[1:-1]
        out.append(s)
    return out


def walk(node, path):
    """Every value at 'path' below 'node', in document order."""
    if not path:
        yield node
        return
    step, rest = path[0], path[1:]
    if step == "*":
        kids = node.values() if isinstance(node, dict) else node if isinstance(node, list) else []
        for k in kids:
            yield from walk(k, rest)
    elif "=" in step and isinstance(node, list):
        key, _, want = step.partition("=")
        for k in node:
            if isinstance(k, dict) and key in k and text(k[key]) == want:
                yield from walk(k, rest)
    elif isinstance(node, list):
        try:
            i = int(step)
        except ValueError:
            return
        if -len(node) <= i < len(node):
            yield from walk(node[i], rest)
    elif isinstance(node, dict) and step in node:
        yield from walk(node[step], rest)


def text(v):
    if isinstance(v, str):
        return v
    return json.dumps(v)


def first(node, path):
    for v in walk(node, steps(path)):
        return v
    raise KeyError(path)


def as_list(v):
    """lldpcli: one element is written as the element, several as a list."""
    if v is None:
        return []
    return v if isinstance(v, list) else [v]


def named(obj):
    """lldpcli -f json: {"eth0": {...}} or [{"eth0": {...}}, ...]; yields
    (name, body)."""
    for item in as_list(obj):
        if isinstance(item, dict):
            for k, v in item.items():
                yield k, v


def scalar(v, key="value"):
    """lldpcli wraps some scalars: "ttl": "9" or "ttl": {"value": "9"}."""
    while isinstance(v, list) and v:
        v = v[0]
    if isinstance(v, dict):
        v = v.get(key, "")
    return "" if v is None else str(v)


def lldpd_neighbors(doc):
    lldp = doc.get("lldp") or {}
    for lldp_item in as_list(lldp):
        for ifname, body in named(lldp_item.get("interface")):
            for sysname, ch in named(body.get("chassis")):
                cid = ch.get("id") or {}
                port = as_list(body.get("port"))
                port = port[0] if port else {}
                pid = port.get("id") or {}
                # The chassis is keyed by its system name (by its ID when
                # it sent none).
                print("%s chassis=%s chassis_type=%s port=%s port_type=%s sysname=%s ttl=%s" % (
                    ifname, scalar(cid), scalar(cid, "type"), scalar(pid),
                    scalar(pid, "type"), sysname,
                    scalar(port.get("ttl")) or scalar(body.get("ttl"))))


def lldpd_stats(doc):
    for lldp_item in as_list(doc.get("lldp") or {}):
        for ifname, body in named(lldp_item.get("interface")):
            words = [ifname]
            for k, v in body.items():
                if k != "name":
                    words.append("%s=%s" % (k, scalar(v, k)))
            print(" ".join(words))


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    doc = json.load(sys.stdin)
    cmd = argv[1]
    if cmd == "get":
        rc = 0
        for p in argv[2:]:
            try:
                print(text(first(doc, p)))
            except KeyError:
                print("interop.py: no %s" % p, file=sys.stderr)
                rc = 1
        return rc
    if cmd == "count":
        try:
            v = first(doc, argv[2]) if argv[2] != "." else doc
        except KeyError:
            v = []
        print(len(v) if isinstance(v, list) else 0)
        return 0
    if cmd == "lldpd-neighbors":
        lldpd_neighbors(doc)
        return 0
    if cmd == "lldpd-stats":
        lldpd_stats(doc)
        return 0
    sys.exit("interop.py: unknown command %r" % cmd)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
