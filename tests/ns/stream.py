#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Timed frame streams through a namespace, and counting what arrives.

    stream.py send --netns NS --ifname IF --dst MAC --seconds S --size BYTES
                   --stream SVIF,SRCMAC,KBPS [--stream ...]
    stream.py count PCAP [MAC ...]

send: from one raw socket in namespace NS, every stream sends VN-Tagged
frames (VN-Tag svif SVIF, source SRCMAC) to DST at KBPS kbit/s of inner
frame (DA to the end of the payload, without the VN-Tag: what a policer
counts), each inner frame BYTES long (EtherType 0x88B5, a sequence number
in the payload), for S seconds.  The streams are interleaved on an absolute
schedule (a late frame does not shift the next ones), so each offered rate
holds over the run.  Prints JSON: per stream the frames sent, the times of
the first and last send and of every send (CLOCK_MONOTONIC seconds), and
how late against the schedule the latest frame went out (late_max, s: a
starved sender sends what it owes in a burst).

count: frames and bytes per source MAC in a capture (classic pcap), as
JSON {"MAC": {"frames": N, "bytes": N}}.

Standard library only; the socket is opened inside the namespace (setns
through libc).
"""
import ctypes
import json
import os
import socket
import struct
import sys
import time

CLONE_NEWNET = 0x40000000


def setns(name):
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open("/run/netns/" + name, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise OSError(err, "setns %s: %s" % (name, os.strerror(err)))
    finally:
        os.close(fd)


def mac(s):
    b = bytes(int(x, 16) for x in s.split(":"))
    if len(b) != 6:
        raise ValueError("bad MAC %r" % s)
    return b


def arg(argv, key, default=None, many=False):
    vals = [argv[i + 1] for i in range(len(argv) - 1) if argv[i] == key]
    if many:
        return vals
    if not vals and default is None:
        sys.exit("stream.py: %s is required" % key)
    return vals[-1] if vals else default


def send(argv):
    ns, ifname = arg(argv, "--netns"), arg(argv, "--ifname")
    dst, seconds, size = mac(arg(argv, "--dst")), float(arg(argv, "--seconds")), int(arg(argv, "--size"))
    streams = []
    for spec in arg(argv, "--stream", many=True):
        svif, src, kbps = spec.split(",")
        streams.append({"svif": int(svif), "src": src, "kbps": float(kbps)})
    if not streams or size < 60:
        sys.exit("stream.py send: needs --stream SVIF,SRCMAC,KBPS and --size >= 60")
    setns(ns)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)  # protocol 0: send only
    s.bind((ifname, 0))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 22)
    sched = []
    for k, st in enumerate(streams):
        gap = size * 8 / (st["kbps"] * 1000.0)
        n = int(seconds / gap)
        hdr = dst + mac(st["src"]) + struct.pack("!HI", 0x8926, st["svif"] & 0xFFF) + b"\x88\xb5"
        st.update(gap=gap, n=n, hdr=hdr, sent=0, first=None, last=None, times=[], late_max=0.0)
        # Offset each stream by a fraction of its gap: no two frames at once.
        sched.extend((i * gap + k * gap / (len(streams) + 1), k, i) for i in range(n))
    sched.sort()
    pad = size - 14 - 8  # inner frame: DA SA type, then the payload
    t0 = time.monotonic() + 0.05
    for at, k, i in sched:
        st = streams[k]
        now = time.monotonic()
        if now < t0 + at:
            time.sleep(t0 + at - now)
        frame = st["hdr"] + struct.pack("!II", k, i) + bytes(pad)
        while True:
            try:
                s.send(frame)
                break
            except BlockingIOError:
                time.sleep(0.0005)
        t = time.monotonic()
        st["first"] = t if st["first"] is None else st["first"]
        st["last"] = t
        st["sent"] += 1
        st["times"].append(round(t, 6))
        st["late_max"] = max(st["late_max"], t - (t0 + at))
    out = [{k: v for k, v in st.items() if k not in ("hdr",)} for st in streams]
    print(json.dumps(out))
    return 0


def count(argv):
    with open(argv[0], "rb") as f:
        d = f.read()
    magic = d[:4]
    end = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    out, off = {}, 24
    while off + 16 <= len(d):
        _, _, caplen, wirelen = struct.unpack(end + "IIII", d[off:off + 16])
        fr = d[off + 16:off + 16 + caplen]
        off += 16 + caplen
        src = ":".join("%02x" % b for b in fr[6:12])
        e = out.setdefault(src, {"frames": 0, "bytes": 0})
        e["frames"] += 1
        e["bytes"] += wirelen
    want = [m.lower() for m in argv[1:]]
    print(json.dumps({m: out.get(m, {"frames": 0, "bytes": 0}) for m in want} if want else out))
    return 0


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in ("send", "count"):
        sys.exit(__doc__)
    return send(sys.argv[2:]) if sys.argv[1] == "send" else count(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
