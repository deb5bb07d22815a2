#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Send crafted frames from network namespaces through raw sockets.

    send.py --port NAME=NETNS:IFNAME [--port ...] [--gap SECONDS] < PLAN

PLAN has one frame per line (blank lines and '#' comments are skipped):

    PORT  TAGS  DST  SRC  MARKER

TAGS is 'none' or tags joined by '+', outermost first:
    vntag:svif=5[,d=0,p=0,dvif=0,looped=0,version=0]   VN-Tag (0x8926)
    etag:ecid=300[,iecid=0,grp=0,pcp=0,dei=0]           802.1BR E-Tag (0x893F)
    ctag:vid=10[,pcp=0]                                 802.1Q C-tag
    stag:vid=10[,pcp=0]                                 802.1ad S-tag
The frame ends with EtherType 0x88B5 (IEEE local experimental) and a
46-byte payload starting with MARKER (ASCII), so every copy can be
recognised wherever it arrives.  Frames go out one by one, GAP seconds
apart (so their order is unambiguous when captures are merged).

Each port's socket is opened inside its namespace (setns through libc), so
one process serves every namespace.  No third-party modules.
"""
import argparse
import ctypes
import os
import socket
import struct
import sys
import time

CLONE_NEWNET = 0x40000000


def setns(path):
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(path, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise OSError(err, "setns %s: %s" % (path, os.strerror(err)))
    finally:
        os.close(fd)


def mac(s):
    b = bytes(int(x, 16) for x in s.split(":"))
    if len(b) != 6:
        raise ValueError("bad MAC %r" % s)
    return b


def kv(spec):
    out = {}
    for item in filter(None, spec.split(",")):
        k, _, v = item.partition("=")
        out[k] = int(v, 0)
    return out


def tag(spec):
    kind, _, args = spec.partition(":")
    a = kv(args)
    if kind == "vntag":
        word = (a.get("d", 0) << 31 | a.get("p", 0) << 30 | (a.get("dvif", 0) & 0x3FFF) << 16
                | a.get("looped", 0) << 15 | a.get("version", 0) << 12 | (a.get("svif", 0) & 0xFFF))
        return struct.pack("!HI", 0x8926, word)
    if kind == "etag":
        ie, e = a.get("iecid", 0), a.get("ecid", 0)
        w1 = a.get("pcp", 0) << 13 | a.get("dei", 0) << 12 | (ie & 0xFFF)
        w2 = a.get("grp", 0) << 12 | (e & 0xFFF)
        return struct.pack("!HHHBB", 0x893F, w1, w2, (ie >> 12) & 0xFF, (e >> 12) & 0xFF)
    if kind in ("ctag", "stag"):
        return struct.pack("!HH", 0x8100 if kind == "ctag" else 0x88A8,
                           a.get("pcp", 0) << 13 | a["vid"])
    raise ValueError("unknown tag %r" % spec)


def frame(tags, dst, src, marker):
    hdr = mac(dst) + mac(src)
    if tags != "none":
        hdr += b"".join(tag(t) for t in tags.split("+"))
    payload = marker.encode().ljust(46, b"\0")
    return hdr + struct.pack("!H", 0x88B5) + payload


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", action="append", default=[], help="NAME=NETNS:IFNAME")
    ap.add_argument("--gap", type=float, default=0.1)
    args = ap.parse_args()

    socks = {}
    for spec in args.port:
        name, _, where = spec.partition("=")
        ns, _, ifname = where.partition(":")
        setns("/run/netns/" + ns)
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)  # protocol 0: send only
        s.bind((ifname, 0))
        socks[name] = s

    plan = []
    for n, line in enumerate(sys.stdin, 1):
        line = line.split("#", 1)[0].split()
        if not line:
            continue
        if len(line) != 5 or line[0] not in socks:
            sys.exit("send.py: plan line %d: expected PORT TAGS DST SRC MARKER "
                     "with a known port" % n)
        plan.append((line[0], frame(*line[1:])))
    for i, (port, f) in enumerate(plan):
        if i:
            time.sleep(args.gap)
        socks[port].send(f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
