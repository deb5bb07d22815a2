#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A lossy, reordering link between two interfaces, in user space.

    lossy.py --a IF --b IF [--loss P] [--reorder P] [--jitter-ms LO,HI]
             [--ethertype 0x8940 ...] [--seed N] [--stats FILE]

Run inside the namespace that holds both interfaces (ip netns exec).
Every frame received on one is sent out of the other -- what tc netem
would do on both directions of a veth, for a kernel without sch_netem
(CONFIG_NET_SCH_NETEM, act_gact and cls_matchall are all missing on the
test machine).  Frames whose EtherType (after any 802.1Q / 802.1ad tags)
is one of --ethertype (default 0x8940, ECP) are impaired, each direction
on its own: lost with probability --loss, else held back with probability
--reorder for a delay drawn uniformly from --jitter-ms, so that frames
received after it overtake it; every other frame passes at once, in order.
The random generator is seeded (--seed), so a run can be repeated.

VLAN tags the kernel took off into the packet's auxiliary data are put
back (PACKET_AUXDATA), as vnswitchd does.  On SIGTERM or SIGINT the
counters are written as JSON to --stats (per direction "a>b" and "b>a":
frames in, impaired, lost, delayed, reordered -- sent after a frame
received later -- and sent), then it exits 0.

Standard library only.
"""
import argparse
import heapq
import json
import os
import random
import select
import signal
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
SOL_PACKET = 263
PACKET_AUXDATA = 8
PACKET_OUTGOING = 4
TP_STATUS_VLAN_VALID = 0x10
TP_STATUS_VLAN_TPID_VALID = 0x40
AUX = struct.Struct("=IIIHHHH")


def open_if(name):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
    s.bind((name, ETH_P_ALL))
    # Promiscuous: frames for other MACs (the switch's, the station's) too.
    mreq = struct.pack("iHH8s", socket.if_nametoindex(name), 1, 0, b"")
    s.setsockopt(SOL_PACKET, 1, mreq)  # PACKET_ADD_MEMBERSHIP, PACKET_MR_PROMISC
    s.setblocking(False)
    return s


def receive(s):
    """One frame with its VLAN tag restored, or None for our own output."""
    data, anc, _, addr = s.recvmsg(65536, socket.CMSG_SPACE(AUX.size))
    if addr[2] == PACKET_OUTGOING:
        return None
    for level, kind, val in anc:
        if level == SOL_PACKET and kind == PACKET_AUXDATA and len(val) >= AUX.size:
            status, _, _, _, _, tci, tpid = AUX.unpack(val[:AUX.size])
            if status & TP_STATUS_VLAN_VALID:
                if not status & TP_STATUS_VLAN_TPID_VALID:
                    tpid = 0x8100
                data = data[:12] + struct.pack("!HH", tpid, tci) + data[12:]
    return data


def ethertype(f):
    off = 12
    while off + 2 <= len(f):
        t = struct.unpack_from("!H", f, off)[0]
        if t not in (0x8100, 0x88A8):
            return t
        off += 4
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--a", required=True)
    ap.add_argument("--b", required=True)
    ap.add_argument("--loss", type=float, default=0.3)
    ap.add_argument("--reorder", type=float, default=0.3)
    ap.add_argument("--jitter-ms", default="5,40")
    ap.add_argument("--ethertype", action="append", default=[])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--stats")
    args = ap.parse_args()
    lo, hi = (float(x) / 1000 for x in args.jitter_ms.split(","))
    types = {int(t, 0) for t in args.ethertype} or {0x8940}
    rnd = random.Random(args.seed)

    socks = {"a": open_if(args.a), "b": open_if(args.b)}
    other = {"a": "b", "b": "a"}
    names = {"a": "a>b", "b": "b>a"}
    st = {d: dict(frames=0, impaired=0, lost=0, delayed=0, reordered=0, sent=0)
          for d in names.values()}
    rx_index = {d: 0 for d in names.values()}   # frames received so far
    tx_last = {d: -1 for d in names.values()}   # highest rx index sent so far
    queue = []  # (send time, tie, direction, rx index, out socket, frame)
    tie = 0
    stop = []

    def on_signal(signo, frame):
        stop.append(signo)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    if args.stats:
        with open(args.stats + ".ready", "w") as f:
            f.write("%d\n" % os.getpid())

    def send_due(now):
        while queue and queue[0][0] <= now:
            _, _, d, idx, out, f = heapq.heappop(queue)
            if idx < tx_last[d]:
                st[d]["reordered"] += 1
            tx_last[d] = max(tx_last[d], idx)
            try:
                out.send(f)
                st[d]["sent"] += 1
            except OSError:
                pass

    while not stop:
        now = time.monotonic()
        send_due(now)
        timeout = max(0.0, queue[0][0] - now) if queue else 0.2
        try:
            ready, _, _ = select.select(list(socks.values()), [], [], timeout)
        except InterruptedError:
            continue
        now = time.monotonic()
        for side, s in socks.items():
            if s not in ready:
                continue
            while True:
                try:
                    f = receive(s)
                except BlockingIOError:
                    break
                if f is None:
                    continue
                d = names[side]
                st[d]["frames"] += 1
                idx = rx_index[d]
                rx_index[d] += 1
                at = now
                if ethertype(f) in types:
                    st[d]["impaired"] += 1
                    if rnd.random() < args.loss:
                        st[d]["lost"] += 1
                        continue
                    if rnd.random() < args.reorder:
                        st[d]["delayed"] += 1
                        at = now + rnd.uniform(lo, hi)
                tie += 1
                heapq.heappush(queue, (at, tie, d, idx, socks[other[side]], f))
        send_due(time.monotonic())
    if args.stats:
        with open(args.stats, "w") as f:
            json.dump(st, f, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
