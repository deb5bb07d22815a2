#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The control socket and vnctl against a running vnswitchd (issue 4).

    ctl_daemon.py VNSWITCHD VNCTL [-v]

Starts vnswitchd on a configuration in a temporary directory (replay clock,
--out-dir/--stay/--ctl there), waits for the socket by polling, drives every
command with `vnctl -f json` and asserts on the parsed JSON; then a table of
bad requests and bad arguments, each checked to leave the running state
(show veths/ports/profiles/fdb/events) exactly as it was; then raw-socket
abuse of the framing.  Every daemon must stop cleanly on SIGTERM with
nothing on stderr from a sanitizer.  Python standard library only.
"""

import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import ctl_abuse

VNSWITCHD, VNCTL = sys.argv[1], sys.argv[2]
VERBOSE = "-v" in sys.argv[3:]
TMP = tempfile.mkdtemp(prefix="vnctl-")
FAILURES = []
CHECKS = [0]

# ---- configuration under test -------------------------------------------------

CONF = """\
switch = { name = "t1"; mac = "02:00:00:00:00:01"; fdb_aging = 10;
  lldp = { admin = "disabled"; };
           default_profile = "spare"; };
ports = (
  { name = "up0"; role = "uplink"; vlans = [10, 20]; },
  { name = "h1"; role = "host"; mode = "vntag"; max_veths = 8; },
  { name = "h2"; role = "host"; mode = "vepa"; reflective_relay = true; },
  { name = "h3"; role = "host"; mode = "etag"; }
);
profiles = (
  { name = "web"; type_id = 5; type_version = 1; vlan = 10; },
  { name = "db"; type_id = 6; type_version = 2; vlan = 20; },
  { name = "spare"; type_id = 7; }
);
veths = (
  { id = 100; port = "h1"; vif = 5; profile = "web"; },
  { id = 101; port = "h2"; mac = "52:54:00:00:00:01"; profile = "web"; },
  { id = 102; port = "h3"; ecid = 300; profile = "web"; },
  { id = 103; port = "h1"; vif = 6; profile = "db"; }%s
);
"""


def conf_text(extra=""):
    return CONF % extra


# ---- assertions ------------------------------------------------------------------


class Abort(Exception):
    pass


def check(cond, what, detail=None):
    CHECKS[0] += 1
    if cond:
        if VERBOSE:
            print("  ok  %s" % what)
        return True
    msg = what if detail is None else "%s: %s" % (what, detail)
    print("FAIL  %s" % msg)
    FAILURES.append(msg)
    return False


def require(cond, what, detail=None):
    if not check(cond, what, detail):
        raise Abort(what)


def wait_for(pred, what, timeout=10.0):
    """Poll (never a fixed sleep) until pred() is true."""
    deadline = time.monotonic() + timeout
    delay = 0.002
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() > deadline:
            require(False, "timed out waiting for %s" % what)
        time.sleep(delay)
        delay = min(delay * 2, 0.05)


# ---- frames --------------------------------------------------------------------


def mac(s):
    return bytes.fromhex(s.replace(":", ""))


PAYLOAD = bytes(range(46))


def vntag_frame(dst, src, svif, inner=b"", d=0):
    word = d << 31 | (svif & 0xFFF)
    return mac(dst) + mac(src) + struct.pack("!HI", 0x8926, word) + inner + b"\x08\x00" + PAYLOAD


def etag_frame(dst, src, ecid):
    tag = struct.pack("!HHBB", 0, ecid & 0xFFF, 0, ecid >> 12)
    return mac(dst) + mac(src) + struct.pack("!H", 0x893F) + tag + b"\x08\x00" + PAYLOAD


def ctag(vid):
    return struct.pack("!HH", 0x8100, vid)


def tagged_frame(dst, src, vid):
    return mac(dst) + mac(src) + ctag(vid) + b"\x08\x00" + PAYLOAD


def untagged_frame(dst, src):
    return mac(dst) + mac(src) + b"\x08\x00" + PAYLOAD


BCAST = "ff:ff:ff:ff:ff:ff"
M100 = "02:00:00:00:01:00"  # a station behind vEth 100
MUP = "02:00:00:00:0f:01"  # a station behind the uplink


def read_pcap(path):
    """Frames of a classic pcap file (either byte order)."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return []
    magic = data[:4]
    e = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    off, frames = 24, []
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack(e + "IIII", data[off : off + 16])
        frames.append(data[off + 16 : off + 16 + incl])
        off += 16 + incl
    return frames


# ---- the daemon ------------------------------------------------------------------

SAN_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:", "Sanitizer")


class Daemon:
    def __init__(self, name, conf_path, extra=(), nofile=None):
        self.name = name
        self.dir = os.path.join(TMP, name)
        os.makedirs(self.dir, exist_ok=True)
        self.conf = conf_path
        self.ctl = os.path.join(self.dir, "ctl")
        self.out = os.path.join(self.dir, "out")
        self.err_path = os.path.join(self.dir, "stderr")
        self.errf = open(self.err_path, "w+b")
        argv = [VNSWITCHD, "-c", conf_path, "--out-dir", self.out, "--stay", "--ctl", self.ctl, *extra]

        def limit():
            if nofile:
                import resource

                resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))

        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=self.errf,
            preexec_fn=limit if nofile else None,
        )
        wait_for(self._ready, "%s: the control socket" % name)
        require(self.proc.poll() is None, "%s: vnswitchd is running" % name, self.stderr())

    def _ready(self):
        if self.proc.poll() is not None:
            return True
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(self.ctl)
            s.close()
            return True
        except OSError:
            return False

    def stderr(self):
        with open(self.err_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.errf.close()
        err = self.stderr()
        check(rc == 0, "%s: exits 0 on %s" % (self.name, signal.Signals(sig).name), "rc=%s stderr=%s" % (rc, err[-2000:]))
        check(
            not any(m in err for m in SAN_MARKERS),
            "%s: no sanitizer report on exit" % self.name,
            err[-4000:],
        )
        check(not os.path.exists(self.ctl), "%s: socket file removed on exit" % self.name)
        return rc


# ---- vnctl -------------------------------------------------------------------------


def vnctl(d, *args, fmt="json", rc=0):
    p = subprocess.run(
        [VNCTL, "--ctl", d.ctl, "-f", fmt, *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if rc is not None:
        require(
            p.returncode == rc,
            "vnctl %s exits %d" % (" ".join(a[:40] for a in args), rc),
            "rc=%d stdout=%r stderr=%r" % (p.returncode, p.stdout[:300], p.stderr[:500]),
        )
    return p


def j(d, *args):
    p = vnctl(d, *args)
    try:
        return json.loads(p.stdout)
    except ValueError as e:
        require(False, "vnctl %s: output is JSON" % " ".join(args), "%s: %r" % (e, p.stdout[:300]))


def refused(d, *args):
    """A request the daemon must refuse: exit 1 and a reason on stderr."""
    p = vnctl(d, *args, rc=None)
    check(
        p.returncode == 1 and p.stderr.startswith("vnctl: ") and len(p.stderr) > 8 and not p.stdout,
        "refused: vnctl %s" % " ".join(a[:40] for a in args),
        "rc=%d stdout=%r stderr=%r" % (p.returncode, p.stdout[:200], p.stderr[:300]),
    )
    return p.stderr


def ok_result(d, *args):
    r = j(d, *args)
    check(
        isinstance(r, dict) and r.get("status") == "ok" and isinstance(r.get("message"), str),
        "vnctl %s: result object" % " ".join(args),
        r,
    )
    return r


# ---- the raw protocol ------------------------------------------------------------


def hdr(length, magic=b"VN", version=1, mtype=1):
    return magic + bytes([version, mtype]) + struct.pack("!I", length)


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        k = s.recv(n - len(buf))
        if not k:
            return None
        buf += k
    return buf


def read_reply(s):
    """(reply object, raw) or (None, why)."""
    h = recv_exact(s, 8)
    if h is None:
        return None, "no reply header"
    if h[:2] != b"VN" or h[2] != 1 or h[3] != 2:
        return None, "bad reply header %r" % h
    (n,) = struct.unpack("!I", h[4:])
    body = recv_exact(s, n)
    if body is None:
        return None, "truncated reply"
    try:
        return json.loads(body.decode()), body
    except ValueError:
        return None, "reply is not JSON: %r" % body[:200]


def connect(d):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(15)
    s.connect(d.ctl)
    return s


def request_body(argv, fmt="json"):
    return json.dumps({"version": 1, "argv": argv, "format": fmt}).encode()


def raw_call(d, argv, fmt="json"):
    s = connect(d)
    try:
        body = request_body(argv, fmt)
        s.sendall(hdr(len(body)) + body)
        rep, why = read_reply(s)
        require(rep is not None, "raw %s: reply" % argv, why)
        return rep
    finally:
        s.close()


def show(d, *argv):
    rep = raw_call(d, list(argv))
    require(rep.get("status") == "ok", "raw %s ok" % (argv,), rep)
    return json.loads(rep["output"])


def snapshot(d):
    return {
        "veths": show(d, "show", "veths"),
        "ports": show(d, "show", "ports"),
        "profiles": show(d, "show", "profiles"),
        "fdb": show(d, "show", "fdb"),
        "events": show(d, "show", "events"),
    }


def diff(a, b):
    out = []
    for k in a:
        if a[k] != b.get(k):
            out.append("%s: before %s / after %s" % (k, json.dumps(a[k])[:600], json.dumps(b.get(k))[:600]))
    return "; ".join(out)


def veth(d, vid):
    v = show(d, "show", "veths", str(vid))
    require(isinstance(v, list) and len(v) == 1, "show veths %d: one vEth" % vid, v)
    return v[0]


def port(d, name):
    for p in show(d, "show", "ports"):
        if p["name"] == name:
            return p
    require(False, "port %s exists" % name)


def fdb(d, *argv):
    return show(d, "show", "fdb", *argv)


# ---- keys --------------------------------------------------------------------------

DROPS = [
    "malformed", "missing_tag", "wrong_direction", "unknown_veth", "vlan_not_allowed",
    "spoofed_source", "self_reflection", "limit", "port_down", "reserved_da", "same_veth",
    "no_route", "unknown_channel", "acl_in", "acl_out", "police_in", "police_out", "tx_full",
]
COUNTER_KEYS = ["rx_frames", "rx_bytes", "tx_frames", "tx_bytes", "drops"]
VETH_KEYS_HEAD = ["id", "port", "bind"]
VETH_KEYS_TAIL = [
    "vlan", "profile", "origin", "state", "verdict", "created_us", "last_rx_us", "last_tx_us", "rates",
    "counters",
]
RATE_KEYS = ["rx_pps", "tx_pps", "rx_bps", "tx_bps"]

COMMANDS = [
    "show ports", "show veths", "show fdb", "show counters", "show profiles", "show events", "diagnose",
    "show acl", "show qos", "show lldp neighbors", "show lldp statistics", "show evb", "show ecp", "show vdp",
    "show schannels", "show limits", "version", "list-commands", "veth add", "veth del", "veth set",
    "profile add", "profile del", "profile set", "acl add", "acl del", "port set",
    "counters clear", "config save",
    "config reload", "trace", "inject", "time warp",
]


def check_counters(c, what):
    check(isinstance(c, dict) and list(c) == COUNTER_KEYS, "%s: counter keys" % what, c)
    check(list(c.get("drops", {})) == DROPS, "%s: drop reasons" % what, c.get("drops"))


def check_veth(v):
    what = "vEth %s" % v.get("id")
    bind = v.get("bind")
    key = {"vif": "vif", "ecid": "ecid", "mac": "mac"}.get(bind)
    check(key is not None, "%s: bind is vif, ecid or mac" % what, v)
    check(list(v) == VETH_KEYS_HEAD + [key] + VETH_KEYS_TAIL, "%s: keys" % what, list(v))
    check(list(v.get("rates", {})) == RATE_KEYS, "%s: rate keys" % what, v.get("rates"))
    check_counters(v.get("counters"), what)


def strip_dynamic(obj):
    """show output without counters, times and rates (for comparing daemons)."""
    if isinstance(obj, list):
        return [strip_dynamic(x) for x in obj]
    if isinstance(obj, dict):
        return {
            k: strip_dynamic(v)
            for k, v in obj.items()
            if k not in ("counters", "rates", "created_us", "last_rx_us", "last_tx_us", "verdict")
        }
    return obj


# ---- the tests ----------------------------------------------------------------------


def test_show(d):
    v = j(d, "version")
    check(list(v) == ["package", "version", "protocol"] and v["protocol"] == 1, "version keys", v)

    cmds = j(d, "list-commands")
    check(isinstance(cmds, list) and all(list(c) == ["name", "args", "help"] for c in cmds), "list-commands keys")
    check([c["name"] for c in cmds] == COMMANDS, "list-commands names", [c["name"] for c in cmds])

    ports = j(d, "show", "ports")
    check([p["name"] for p in ports] == ["up0", "h1", "h2", "h3"], "show ports: names")
    up0, h1, h2 = ports[0], ports[1], ports[2]
    check(
        list(up0) == ["name", "role", "mode", "interface", "admin", "vlans", "untagged", "counters"],
        "show ports: uplink keys", list(up0),
    )
    check(up0["vlans"] == [10, 20] and up0["untagged"] is False, "show ports: uplink VLANs", up0)
    check(
        list(h1) == ["name", "role", "mode", "interface", "admin", "veths", "max_veths", "auto_create", "counters"],
        "show ports: host keys", list(h1),
    )
    check(h1["mode"] == "vntag" and h1["veths"] == 2 and h1["max_veths"] == 8, "show ports: h1", h1)
    check(h2.get("reflective_relay") is True, "show ports: vepa reflective_relay", h2)
    for p in ports:
        check_counters(p["counters"], "port %s" % p["name"])

    vs = j(d, "show", "veths")
    check([v["id"] for v in vs] == [100, 101, 102, 103], "show veths: ids", [v["id"] for v in vs])
    for v in vs:
        check_veth(v)
    v100, v101, v102, v103 = vs
    check(
        (v100["port"], v100["bind"], v100["vif"], v100["vlan"], v100["profile"], v100["origin"], v100["state"])
        == ("h1", "vif", 5, 10, "web", "static", "up"),
        "vEth 100", v100,
    )
    check(v101["bind"] == "mac" and v101["mac"] == "52:54:00:00:00:01" and v101["vlan"] == 10, "vEth 101", v101)
    check(v102["bind"] == "ecid" and v102["ecid"] == 300 and v102["port"] == "h3", "vEth 102", v102)
    check(v103["vlan"] == 20 and v103["profile"] == "db", "vEth 103", v103)
    one = j(d, "show", "veths", "102")
    check(one == [v102], "show veths 102: a list of that vEth", one)
    check(j(d, "show", "veths", "0102") == [v102], "numbers are decimal even with a leading 0")
    check(j(d, "show", "veths", "0x66") == [v102], "numbers may be hexadecimal with 0x")

    profs = j(d, "show", "profiles")
    check([p["name"] for p in profs] == ["web", "db", "spare"], "show profiles: names", profs)
    check(list(profs[0]) == ["name", "type_id", "type_version", "vlan"], "show profiles: keys", profs[0])
    check(profs[0]["type_id"] == 5 and profs[0]["type_version"] == 1 and profs[0]["vlan"] == 10, "profile web", profs[0])
    check("vlan" not in profs[2], "a profile without VLAN has no vlan key", profs[2])

    evs = j(d, "show", "events")
    check(len(evs) > 0 and all(list(e) == ["ts_us", "veth", "event", "reason"] for e in evs), "show events: keys")
    e100 = j(d, "show", "events", "veth", "100")
    check(len(e100) > 0 and all(e["veth"] == 100 for e in e100), "show events veth 100: only vEth 100", e100)
    check(
        [e["event"] for e in e100][:3] == ["created", "bound", "profile_applied"],
        "show events veth 100: created, bound, profile applied", e100,
    )
    check("web" in e100[2]["reason"], "profile_applied names the profile", e100[2])

    tot = j(d, "show", "counters")
    check_counters(tot, "show counters")
    check_counters(j(d, "show", "counters", "port", "h1"), "show counters port h1")
    check_counters(j(d, "show", "counters", "veth", "100"), "show counters veth 100")
    check(j(d, "show", "fdb") == [], "show fdb: empty at start")


def test_formats(d):
    kv = vnctl(d, "show", "veths", "100", fmt="keyvalue").stdout.splitlines()
    check("veths.1.id=100" in kv and "veths.1.vif=5" in kv and "veths.1.counters.drops.unknown_veth=0" in kv,
          "-f keyvalue show veths 100", kv[:8])
    kv = vnctl(d, "show", "profiles", fmt="keyvalue").stdout.splitlines()
    check("profiles.1.name=web" in kv and "profiles.2.vlan=20" in kv, "-f keyvalue show profiles", kv)
    kv = vnctl(d, "version", fmt="keyvalue").stdout.splitlines()
    check("version.protocol=1" in kv or "protocol=1" in kv, "-f keyvalue version", kv)
    plain = vnctl(d, "show", "veths", "100", fmt="plain").stdout
    check("ID: 100" in plain and "Profile: web" in plain and "VIF: 5" in plain, "-f plain show veths 100", plain[:300])
    plain = vnctl(d, "version", fmt="plain").stdout
    check("Control protocol: 1" in plain, "-f plain version", plain)
    # The default format is plain; -f may also follow the command.
    p = subprocess.run([VNCTL, "--ctl", d.ctl, "version"], capture_output=True, text=True, timeout=30)
    check(p.returncode == 0 and "Version:" in p.stdout, "vnctl without -f prints plain", p.stdout)
    p = subprocess.run([VNCTL, "--ctl", d.ctl, "version", "-f", "json"], capture_output=True, text=True, timeout=30)
    check(p.returncode == 0 and json.loads(p.stdout)["protocol"] == 1, "vnctl COMMAND -f json", p.stdout)
    p = subprocess.run([VNCTL, "--ctl", d.ctl, "-f", "yaml", "version"], capture_output=True, text=True, timeout=30)
    check(p.returncode == 2, "vnctl -f yaml: usage error (2)", p.returncode)
    p = subprocess.run([VNCTL, "--ctl", os.path.join(d.dir, "nope"), "version"], capture_output=True, text=True, timeout=30)
    check(p.returncode == 3 and "cannot connect" in p.stderr, "vnctl to no daemon: exit 3", (p.returncode, p.stderr))


def test_trace(d):
    before = snapshot(d)
    f = vntag_frame(BCAST, M100, 5)
    t = j(d, "trace", "h1", f.hex())
    check(list(t)[:4] == ["port", "len", "veth", "vlan"], "trace keys", list(t))
    check(t["port"] == "h1" and t["len"] == len(f) and t["veth"] == 100 and t["vlan"] == 10, "trace: vEth 100 in VLAN 10", t)
    check(t["verdict"] == "forward" and "drop_reason" not in t, "trace: forwarded", t)
    check(isinstance(t["steps"], list) and all(isinstance(s, str) for s in t["steps"]) and t["steps"], "trace: steps", t)
    outs = {(o["port"], o.get("veth")): o for o in t["outputs"]}
    check(all(list(o)[:1] == ["port"] and "encap" in o and "len" in o for o in t["outputs"]), "trace: output keys", t["outputs"])
    check(set(outs) == {("h2", None), ("h3", 102), ("up0", None)}, "trace: flood to h2, vEth 102, up0", sorted(outs, key=str))
    if ("h3", 102) in outs:
        check(outs[("h3", 102)]["encap"].startswith("etag ecid=300"), "trace: E-Tag towards vEth 102", outs[("h3", 102)])
    if ("up0", None) in outs:
        check(outs[("up0", None)]["encap"] == "802.1Q vid=10", "trace: C-tag 10 to the uplink", outs[("up0", None)])
    if ("h2", None) in outs:
        check(outs[("h2", None)]["encap"] == "802.1Q vid=10", "trace: C-tag 10 to the VEPA port", outs[("h2", None)])
    # Dropped: an unknown vif, an untagged frame on a VN-Tag port, a d=1 frame.
    t = j(d, "trace", "h1", vntag_frame(BCAST, M100, 99).hex())
    check(t["verdict"] == "drop" and t["drop_reason"] == "unknown_veth", "trace: unknown vif -> unknown_veth", t)
    t = j(d, "trace", "h1", untagged_frame(BCAST, M100).hex())
    check(t["verdict"] == "drop" and t["drop_reason"] == "missing_tag", "trace: untagged -> missing_tag", t)
    t = j(d, "trace", "h1", vntag_frame(BCAST, M100, 5, d=1).hex())
    check(t["drop_reason"] == "wrong_direction", "trace: d=1 -> wrong_direction", t)
    t = j(d, "trace", "h1", vntag_frame(BCAST, M100, 5, inner=ctag(20)).hex())
    check(t["drop_reason"] == "vlan_not_allowed" and t["veth"] == 100, "trace: wrong inner VLAN", t)
    # Separators are accepted in the hex.
    t = j(d, "trace", "h3", ":".join("%02x" % b for b in etag_frame(BCAST, M100, 300)))
    check(t["veth"] == 102 and t["verdict"] == "forward", "trace: E-Tag frame with ':' separators", t)
    after = snapshot(d)
    check(before == after, "trace changes nothing (counters, FDB, events)", diff(before, after))


def test_inject_and_clock(d):
    before_h1 = port(d, "h1")["counters"]
    f = vntag_frame(BCAST, M100, 5)
    ok_result(d, "inject", "h1", f.hex())
    v100 = veth(d, 100)
    check(v100["counters"]["rx_frames"] == 1 and v100["counters"]["rx_bytes"] == len(f), "inject: vEth 100 counted", v100["counters"])
    check(port(d, "h1")["counters"]["rx_frames"] == before_h1["rx_frames"] + 1, "inject: port h1 counted")
    check(veth(d, 102)["counters"]["tx_frames"] == 1, "inject: flooded to vEth 102")
    check(port(d, "up0")["counters"]["tx_frames"] == 1, "inject: flooded to up0")
    tot = j(d, "show", "counters")
    check(tot["rx_frames"] == 1 and tot["tx_frames"] >= 3, "show counters: totals move", tot)
    check(j(d, "show", "counters", "veth", "100") == v100["counters"], "show counters veth 100 = show veths 100 counters")
    fd = j(d, "show", "fdb")
    check(len(fd) == 1 and list(fd[0]) == ["vlan", "mac", "port", "veth", "age_s"], "show fdb: one entry, keys", fd)
    check(fd[0]["mac"] == M100 and fd[0]["vlan"] == 10 and fd[0]["veth"] == 100 and fd[0]["port"] == "h1", "show fdb: learned", fd)
    check(j(d, "show", "fdb", "vlan", "10") == fd, "show fdb vlan 10")
    check(j(d, "show", "fdb", "vlan", "20") == [], "show fdb vlan 20 is empty")
    # The reply from the uplink goes to vEth 100 only, VN-Tag d=1 dvif=5.
    t = j(d, "trace", "up0", tagged_frame(M100, MUP, 10).hex())
    check(
        [(o["port"], o.get("veth"), o["encap"]) for o in t["outputs"]] == [("h1", 100, "vntag d=1 p=0 dvif=5 looped=0 svif=0")],
        "trace from the uplink: unicast to vEth 100 with VN-Tag", t,
    )
    ok_result(d, "inject", "up0", tagged_frame(M100, MUP, 10).hex())
    check(veth(d, 100)["counters"]["tx_frames"] == 1, "inject from the uplink reaches vEth 100")
    fd = [e for e in j(d, "show", "fdb") if e["mac"] == MUP]
    check(len(fd) == 1 and list(fd[0]) == ["vlan", "mac", "port", "age_s"] and fd[0]["port"] == "up0",
          "the uplink station is learned too (no veth key)", fd)

    # time warp: ageing (fdb_aging = 10 s).
    ok_result(d, "time", "warp", "5")
    fd = j(d, "show", "fdb", "vlan", "10")
    check(len(fd) == 2 and all(e["age_s"] == 5 for e in fd), "time warp 5: entries 5 s old", fd)
    ok_result(d, "time", "warp", "4.5")
    check(len(j(d, "show", "fdb")) == 2, "time warp 9.5: still there")
    ok_result(d, "time", "warp", "0.6")
    check(j(d, "show", "fdb") == [], "time warp past fdb_aging: the entries aged out")
    ok_result(d, "time", "warp", "0")

    # Rates over the last 1 s window: 3 frames then one window.
    ok_result(d, "time", "warp", "1")
    for _ in range(3):
        ok_result(d, "inject", "h1", f.hex())
    ok_result(d, "time", "warp", "1")
    r = veth(d, 100)["rates"]
    check(r["rx_pps"] == 3 and r["rx_bps"] == 3 * len(f) * 8, "rates after a window: 3 frames/s", r)
    ok_result(d, "time", "warp", "1")
    r = veth(d, 100)["rates"]
    check(r["rx_pps"] == 0 and r["rx_bps"] == 0, "rates fall to 0 in a quiet window", r)
    # Drops start: an event with the main reason.
    ok_result(d, "inject", "h1", vntag_frame(BCAST, M100, 5, inner=ctag(20)).hex())
    check(veth(d, 100)["counters"]["drops"]["vlan_not_allowed"] == 1, "inject: drop counted on the vEth")
    ok_result(d, "time", "warp", "1")
    ev = j(d, "show", "events", "veth", "100")
    check(ev[-1]["event"] == "drops_started" and "vlan_not_allowed" in ev[-1]["reason"], "drops_started event", ev[-1])
    ok_result(d, "time", "warp", "1")
    ev = j(d, "show", "events", "veth", "100")
    check(ev[-1]["event"] == "drops_stopped", "drops_stopped event", ev[-1])
    check(ev[-1]["ts_us"] > ev[-2]["ts_us"], "events carry the switch clock", ev[-2:])
    # A long warp is as cheap as a short one (timers do not run once per
    # second of it) and ages everything out.
    ok_result(d, "inject", "h1", f.hex())
    check(len(j(d, "show", "fdb")) == 1, "learned again")
    t = time.monotonic()
    ok_result(d, "time", "warp", "10000000")
    check(time.monotonic() - t < 10, "time warp 1e7 s returns at once", time.monotonic() - t)
    check(j(d, "show", "fdb") == [] and veth(d, 100)["rates"]["rx_pps"] == 0, "after a long warp: aged out, rates 0")
    # (the path audit may find the vEth idle after it: its own events)
    ev = [e for e in j(d, "show", "events", "veth", "100") if not e["event"].startswith("finding_")]
    check(ev[-1]["event"] == "drops_stopped", "a long warp logs nothing more", ev[-3:])


def test_changes(d):
    # veth add / set / del
    r = ok_result(d, "veth", "add", "200", "port", "h1", "vif", "7", "profile", "db")
    check("200" in r["message"], "veth add: message names the vEth", r)
    v = veth(d, 200)
    check((v["port"], v["vif"], v["vlan"], v["profile"], v["origin"]) == ("h1", 7, 20, "db", "static"), "veth add: vEth 200", v)
    check(port(d, "h1")["veths"] == 3, "veth add: port h1 counts 3 vEths")
    ok_result(d, "veth", "add", "201", "port", "h2", "mac", "52:54:00:00:00:02", "vlan", "20")
    v = veth(d, 201)
    check((v["bind"], v["mac"], v["vlan"], v["profile"]) == ("mac", "52:54:00:00:00:02", 20, ""), "veth add mac+vlan", v)
    ok_result(d, "veth", "add", "202", "port", "h3", "ecid", "0x12345")
    check(veth(d, 202)["ecid"] == 0x12345 and veth(d, 202)["vlan"] == 0, "veth add ecid (hex)")
    ok_result(d, "veth", "set", "200", "vlan", "10")
    check(veth(d, 200)["vlan"] == 10, "veth set vlan")
    ok_result(d, "veth", "set", "200", "vlan", "profile")
    check(veth(d, 200)["vlan"] == 20, "veth set vlan profile: back to the profile's")
    ok_result(d, "veth", "set", "200", "profile", "web")
    check(veth(d, 200)["profile"] == "web" and veth(d, 200)["vlan"] == 10, "veth set profile: VLAN follows")
    ok_result(d, "veth", "set", "200", "profile", "none")
    check(veth(d, 200)["profile"] == "" and veth(d, 200)["vlan"] == 0, "veth set profile none")
    ok_result(d, "veth", "set", "200", "vif", "9", "profile", "db")
    v = veth(d, 200)
    check((v["vif"], v["profile"], v["vlan"]) == (9, "db", 20), "veth set rebinds on its port", v)
    t = j(d, "trace", "h1", vntag_frame(BCAST, M100, 9).hex())
    check(t.get("veth") == 200, "the new binding is live", t)
    t = j(d, "trace", "h1", vntag_frame(BCAST, M100, 7).hex())
    check(t.get("drop_reason") == "unknown_veth", "the old binding is gone", t)
    ok_result(d, "veth", "set", "201", "port", "h2", "mac", "52:54:00:00:00:03")
    check(veth(d, 201)["mac"] == "52:54:00:00:00:03", "veth set mac")
    ev = [e["event"] for e in j(d, "show", "events", "veth", "200")]
    check(ev[:3] == ["created", "bound", "profile_applied"] and "changed" in ev and "bound" in ev[3:], "events of vEth 200", ev)
    ok_result(d, "veth", "del", "200")
    refused(d, "show", "veths", "200")
    check(j(d, "show", "events", "veth", "200")[-1]["event"] == "deleted", "veth del: deleted event")
    check(port(d, "h1")["veths"] == 2, "veth del: port count back to 2")
    ok_result(d, "veth", "add", "200", "port", "h1", "vif", "7")
    check(veth(d, 200)["vif"] == 7, "a deleted id and binding can be reused")
    for i in (200, 201, 202):
        ok_result(d, "veth", "del", str(i))

    # profile add / set / del
    ok_result(d, "profile", "add", "test", "type_id", "7", "type_version", "2", "vlan", "20")
    p = [x for x in j(d, "show", "profiles") if x["name"] == "test"]
    check(p == [{"name": "test", "type_id": 7, "type_version": 2, "vlan": 20}], "profile add", p)
    ok_result(d, "profile", "set", "test", "vlan", "none")
    p = [x for x in j(d, "show", "profiles") if x["name"] == "test"]
    check(p == [{"name": "test", "type_id": 7, "type_version": 2}], "profile set vlan none", p)
    ok_result(d, "profile", "set", "test", "type_id", "9")
    p = [x for x in j(d, "show", "profiles") if x["name"] == "test"]
    check(p and p[0]["type_id"] == 9 and p[0]["type_version"] == 2, "profile set changes only what is named", p)
    ok_result(d, "profile", "del", "test")
    check("test" not in [x["name"] for x in j(d, "show", "profiles")], "profile del")
    ok_result(d, "profile", "add", "test")
    ok_result(d, "profile", "del", "test")
    # A profile's VLAN moves the vEths that follow it, MAC-bound ones included.
    ok_result(d, "profile", "set", "web", "vlan", "20")
    check([veth(d, i)["vlan"] for i in (100, 101, 102)] == [20, 20, 20], "profile set vlan: its vEths follow")
    t = j(d, "trace", "h2", tagged_frame(BCAST, "52:54:00:00:00:01", 20).hex())
    check(t.get("veth") == 101, "a MAC-bound vEth is found on its new VLAN", t)
    t = j(d, "trace", "h2", tagged_frame(BCAST, "52:54:00:00:00:01", 10).hex())
    check(t.get("drop_reason") == "unknown_veth", "... and no longer on the old one", t)
    ok_result(d, "profile", "set", "web", "vlan", "10")
    check([veth(d, i)["vlan"] for i in (100, 101, 102)] == [10, 10, 10], "profile set back")
    ok_result(d, "veth", "add", "210", "port", "h2", "mac", "52:54:00:00:00:01", "vlan", "30")
    err = refused(d, "profile", "set", "web", "vlan", "30")
    check("210" in err or "101" in err, "profile set refused when a MAC+VLAN binding would collide", err)
    check(veth(d, 101)["vlan"] == 10 and veth(d, 100)["vlan"] == 10, "... and nothing moved")
    ok_result(d, "veth", "del", "210")

    # port set
    ok_result(d, "port", "set", "h1", "admin", "down")
    check(port(d, "h1")["admin"] == "down" and veth(d, 100)["state"] == "down", "port set admin down")
    t = j(d, "trace", "h1", vntag_frame(BCAST, M100, 5).hex())
    check(t.get("drop_reason") == "port_down", "a down port drops", t)
    ok_result(d, "port", "set", "h1", "admin", "up", "auto_create", "true", "max_veths", "50")
    p = port(d, "h1")
    check((p["admin"], p["auto_create"], p["max_veths"]) == ("up", True, 50), "port set several settings", p)
    ok_result(d, "port", "set", "h1", "auto_create", "false", "max_veths", "8")
    ok_result(d, "port", "set", "h2", "reflective_relay", "off")
    check(port(d, "h2")["reflective_relay"] is False, "port set reflective_relay")
    ok_result(d, "port", "set", "h2", "reflective_relay", "on")
    ok_result(d, "port", "set", "up0", "admin", "up")

    # counters clear
    check(j(d, "show", "counters")["rx_frames"] > 0, "counters are non-zero before clear")
    ok_result(d, "counters", "clear")
    zero = all(x == 0 for x in j(d, "show", "counters")["drops"].values()) and j(d, "show", "counters")["rx_frames"] == 0
    check(zero, "counters clear: totals zero")
    check(all(v["counters"]["rx_frames"] == 0 and v["counters"]["tx_frames"] == 0 for v in j(d, "show", "veths")), "counters clear: vEths zero")


def test_concurrency(d):
    cmds = [("show", "veths"), ("version",), ("show", "ports"), ("show", "events"), ("list-commands",)]
    jobs = [cmds[i % len(cmds)] for i in range(20)]
    # Idle connections do not keep the others from being served.
    idle = [connect(d) for _ in range(5)]
    half = connect(d)
    half.sendall(hdr(100) + b'{"version":')
    with ThreadPoolExecutor(max_workers=20) as ex:
        res = list(ex.map(lambda a: vnctl(d, *a, rc=None), jobs))
    good = [r for r in res if r.returncode == 0 and json.loads(r.stdout) is not None]
    check(len(good) == 20, "20 concurrent vnctl calls all succeed", [(r.returncode, r.stderr) for r in res if r.returncode])
    for s in idle + [half]:
        s.close()
    # Concurrent changes and reads: each change is whole.
    with ThreadPoolExecutor(max_workers=10) as ex:
        adds = list(ex.map(lambda i: vnctl(d, "veth", "add", str(300 + i), "port", "h3", "ecid", str(1000 + i), rc=None), range(10)))
    check(all(r.returncode == 0 for r in adds), "10 concurrent veth add succeed", [r.stderr for r in adds if r.returncode])
    check(port(d, "h3")["veths"] == 11, "all 10 vEths are there")
    with ThreadPoolExecutor(max_workers=10) as ex:
        dels = list(ex.map(lambda i: vnctl(d, "veth", "del", str(300 + i), rc=None), range(10)))
    check(all(r.returncode == 0 for r in dels), "10 concurrent veth del succeed")


def strip_policy(obj):
    """show acl / qos / profiles without what traffic changes."""
    if isinstance(obj, list):
        return [strip_policy(x) for x in obj]
    if isinstance(obj, dict):
        return {
            k: strip_policy(v)
            for k, v in obj.items()
            if k not in ("hits", "bytes", "bucket", "counters", "lookups", "cache_hits",
                         "cache_misses", "generation")
        }
    return obj


def test_save(d):
    ok_result(d, "profile", "add", "A-z_0.9:x", "type_id", "0xFFFFFF", "type_version", "255", "vlan", "4094")
    # Policy on the profile of vEth 103 (issue 6): saved and loaded back.
    ok_result(d, "acl", "add", "db", "in", "priority", "100", "match", "tcp,tp_dst=22", "action", "deny")
    ok_result(d, "acl", "add", "db", "out", "priority", "10", "match", "udp,nw_src=10.0.0.0/8",
              "action", "set_dscp=8")
    ok_result(d, "profile", "set", "db", "acl_default_in", "deny", "police_out", "rate_kbps", "1000",
              "burst_bytes", "15000", "exceed", "set_pcp=1")
    acl = j(d, "show", "acl", "veth", "103")
    check(len(acl) == 1 and [r["match"] for r in acl[0]["in"]["rules"]] == ["tcp,tp_dst=22"]
          and acl[0]["in"]["default"]["action"] == "deny", "show acl veth 103", acl)
    qos = j(d, "show", "qos", "veth", "103")
    check(len(qos) == 1 and qos[0]["out"]["active"] and qos[0]["out"]["rate"] == 1000
          and qos[0]["out"]["bucket"]["tokens"] == 15000, "show qos veth 103", qos)
    refused(d, "acl", "add", "db", "in", "priority", "1", "match", "tcp,nw_dst=1.2.3.4/40", "action", "deny")
    refused(d, "acl", "add", "db", "sideways", "priority", "1", "action", "deny")
    refused(d, "profile", "set", "db", "police_in", "rate_kbps", "0", "burst_bytes", "2000")
    saved = os.path.join(d.dir, "saved.conf")
    r = ok_result(d, "config", "save", saved)
    check(saved in r["message"] and os.path.exists(saved), "config save PATH writes the file", r)
    check(not os.path.exists(saved + ".tmp"), "config save leaves no temporary file")
    b = Daemon("saved", saved, ["--save-dir", os.path.join(TMP, "saved")])
    try:
        for what in ("veths", "ports", "profiles", "acl", "qos"):
            x = strip_policy(strip_dynamic(j(d, "show", what)))
            y = strip_policy(strip_dynamic(j(b, "show", what)))
            check(x == y, "config save: show %s loads back the same" % what, "%s\n vs %s" % (x, y))
        # The same behaviour too: vEths that follow a profile still do.
        for dd in (d, b):
            ok_result(dd, "profile", "set", "web", "vlan", "20")
        x, y = strip_dynamic(j(d, "show", "veths")), strip_dynamic(j(b, "show", "veths"))
        check(x == y, "config save: vEths follow their profile in both", "%s\n vs %s" % (x, y))
        for dd in (d, b):
            ok_result(dd, "profile", "set", "web", "vlan", "10")
        # Saving the saved daemon gives the same file.
        saved2 = os.path.join(b.dir, "saved2.conf")
        ok_result(b, "config", "save", saved2)
        with open(saved) as f1, open(saved2) as f2:
            check(f1.read() == f2.read(), "save -> load -> save is stable")
        # config save without a path writes the daemon's own file.
        ok_result(b, "profile", "add", "extra", "vlan", "20")
        ok_result(b, "config", "save")
        with open(saved) as f:
            check('"extra"' in f.read(), "config save without PATH rewrites the configuration file")
    finally:
        b.stop()


def test_reload(d, conf_path):
    # Traffic first, so that untouched vEths have counters to keep.
    ok_result(d, "inject", "h1", vntag_frame(BCAST, M100, 5).hex())
    ok_result(d, "inject", "h3", etag_frame(BCAST, "02:00:00:00:03:00", 300).hex())
    c100, c101 = veth(d, 100)["counters"], veth(d, 101)["counters"]
    check(c100["rx_frames"] == 1 and veth(d, 102)["counters"]["rx_frames"] == 1, "traffic before reload")
    with open(conf_path, "w") as f:
        f.write(conf_text(',\n  { id = 104; port = "h3"; ecid = 400; profile = "tmp"; }')
                .replace("ecid = 300", "ecid = 301")
                .replace('{ name = "spare"; type_id = 7; }', '{ name = "spare"; type_id = 7; },\n  { name = "tmp"; vlan = 20; }'))
    ok_result(d, "config", "reload")
    v102 = veth(d, 102)
    check(v102["ecid"] == 301 and v102["counters"]["rx_frames"] == 0, "reload: the changed vEth changed (new counters)", v102)
    check(veth(d, 100)["counters"] == c100 and veth(d, 101)["counters"] == c101, "reload: untouched vEths keep their counters")
    check(veth(d, 104)["vlan"] == 20 and veth(d, 104)["profile"] == "tmp", "reload: a new vEth and profile", veth(d, 104))
    ev = [e["event"] for e in j(d, "show", "events", "veth", "102")]
    check("deleted" in ev and ev[-3:] == ["created", "bound", "profile_applied"], "reload: events of the changed vEth", ev)
    # Move vEth 104 to another profile and drop the old one in the same reload.
    with open(conf_path, "w") as f:
        f.write(conf_text(',\n  { id = 104; port = "h3"; ecid = 400; profile = "db"; }').replace("ecid = 300", "ecid = 301"))
    ok_result(d, "config", "reload")
    check(veth(d, 104)["profile"] == "db", "reload: a vEth leaves a profile that is removed")
    check("tmp" not in [p["name"] for p in j(d, "show", "profiles")], "reload: the profile is removed")
    # A profile's VLAN changes: its vEths follow and keep their counters.
    with open(conf_path, "w") as f:
        f.write(conf_text(',\n  { id = 104; port = "h3"; ecid = 400; profile = "db"; }')
                .replace("ecid = 300", "ecid = 301").replace("vlan = 20; }", "vlan = 30; }"))
    c100 = veth(d, 100)["counters"]
    ok_result(d, "config", "reload")
    check(veth(d, 103)["vlan"] == 30 and veth(d, 104)["vlan"] == 30, "reload: profile VLAN change moves its vEths")
    check(veth(d, 100)["counters"] == c100, "reload: vEth 100 still untouched")
    # Auto-created vEths are not configuration: a reload keeps them, and a
    # file that takes their id or binding is refused.
    ok_result(d, "port", "set", "h1", "auto_create", "true")
    ok_result(d, "inject", "h1", vntag_frame(BCAST, M100, 9).hex())
    auto = [v for v in j(d, "show", "veths") if v["origin"] == "auto"]
    require(len(auto) == 1 and auto[0]["vif"] == 9 and auto[0]["profile"] == "spare", "an auto-created vEth", auto)
    aid = auto[0]["id"]
    cur = conf_text(',\n  { id = 104; port = "h3"; ecid = 400; profile = "db"; }').replace("ecid = 300", "ecid = 301").replace("vlan = 20; }", "vlan = 30; }")
    before = snapshot(d)
    for what, text in [
        ("takes the auto vEth's id", cur.replace("id = 104;", "id = %d;" % aid)),
        ("takes the auto vEth's binding", cur.replace('{ id = 104; port = "h3"; ecid = 400;', '{ id = 104; port = "h1"; vif = 9;')),
        ("removes the profile of the auto vEth", cur.replace('default_profile = "spare";', "").replace('{ name = "spare"; type_id = 7; }', '{ name = "other"; }')),
        ("lowers max_veths under the auto vEths", cur.replace("max_veths = 8;", "max_veths = 2;")),
    ]:
        with open(conf_path, "w") as f:
            f.write(text)
        err = refused(d, "config", "reload")
        check(str(aid) in err or "max_veths" in err, "reload refused: %s" % what, err)
        check(snapshot(d) == before, "reload refused (%s) changes nothing" % what, diff(before, snapshot(d)))
    with open(conf_path, "w") as f:
        f.write(cur)
    ok_result(d, "config", "reload")
    check(veth(d, aid)["origin"] == "auto", "reload keeps the auto-created vEth")
    check(port(d, "h1")["auto_create"] is False, "reload applies the port settings")
    saved = os.path.join(d.dir, "with-auto.conf")
    ok_result(d, "config", "save", saved)
    with open(saved) as f:
        check(("id = %d;" % aid) not in f.read(), "config save leaves auto-created vEths out")
    ok_result(d, "veth", "del", str(aid))

    # SIGHUP: back to the original file.
    with open(conf_path, "w") as f:
        f.write(conf_text())
    d.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: not any(v["id"] == 104 for v in show(d, "show", "veths")), "SIGHUP reload")
    check(veth(d, 102)["ecid"] == 300 and veth(d, 103)["vlan"] == 20, "SIGHUP: the file's state")
    check(veth(d, 100)["counters"] == c100, "SIGHUP: vEth 100 still untouched")
    check("configuration reloaded" in d.stderr(), "SIGHUP reload is logged")


def test_bad_args(d, conf_path):
    long_name = "n" * 32
    table = [
        # unknown commands, wrong argument counts
        ["nosuch"], ["show"], ["show", "nosuch"], ["veth"], ["time"], ["time", "travel", "1"],
        ["version", "x"], ["list-commands", "x"], ["show", "ports", "x"], ["show", "profiles", "x"],
        ["show", "veths", "100", "101"],
        # show with bad arguments
        ["show", "veths", "abc"], ["show", "veths", "0"], ["show", "veths", "-1"], ["show", "veths", "+5"],
        ["show", "veths", " 100"], ["show", "veths", "\t100"], ["show", "veths", "100 "], ["show", "veths", ""],
        ["show", "veths", "4294967296"], ["show", "veths", "99999999999999999999999"], ["show", "veths", "999"],
        ["show", "fdb", "vlan"], ["show", "fdb", "vlan", "4095"], ["show", "fdb", "vlan", "x"], ["show", "fdb", "vlen", "1"],
        ["show", "fdb", "vlan", "1", "x"],
        ["show", "counters", "port"], ["show", "counters", "port", "nope"], ["show", "counters", "veth", "x"],
        ["show", "counters", "veth", "999"], ["show", "counters", "bogus", "1"], ["show", "counters", "veth", "1", "x"],
        ["show", "events", "veth"], ["show", "events", "veth", "abc"], ["show", "events", "vif", "1"],
        # veth add
        ["veth", "add"], ["veth", "add", "200"], ["veth", "add", "200", "port", "h1"], ["veth", "add", "200", "port", "h1", "vif"],
        ["veth", "add", "200", "port", "h1", "vif", "4096"], ["veth", "add", "200", "port", "h1", "vif", "-1"],
        ["veth", "add", "200", "port", "h1", "vif", "5x"], ["veth", "add", "200", "port", "h1", "vif", ""],
        ["veth", "add", "200", "port", "nope", "vif", "7"], ["veth", "add", "200", "port", "up0", "vif", "7"],
        ["veth", "add", "200", "port", long_name, "vif", "7"], ["veth", "add", "200", "port", "", "vif", "7"],
        ["veth", "add", "100", "port", "h1", "vif", "7"], ["veth", "add", "200", "port", "h1", "vif", "5"],
        ["veth", "add", "200", "port", "h1", "ecid", "7"], ["veth", "add", "200", "port", "h3", "vif", "7"],
        ["veth", "add", "200", "port", "h2", "mac", "01:00:5e:00:00:01"], ["veth", "add", "200", "port", "h2", "mac", "ff:ff:ff:ff:ff:ff"],
        ["veth", "add", "200", "port", "h2", "mac", "zz"], ["veth", "add", "200", "port", "h2", "mac", "52:54:00:00:00:01", "vlan", "10"],
        ["veth", "add", "200", "port", "h1", "vif", "7", "profile", "nope"], ["veth", "add", "200", "port", "h1", "vif", "7", "vlan", "4095"],
        ["veth", "add", "200", "port", "h1", "vif", "7", "vif", "8"], ["veth", "add", "200", "port", "h1", "vif", "7", "ecid", "8"],
        ["veth", "add", "200", "port", "h1", "vif", "7", "bogus", "1"], ["veth", "add", "0", "port", "h1", "vif", "7"],
        ["veth", "add", "2147483648", "port", "h1", "vif", "7"], ["veth", "add", "x", "port", "h1", "vif", "7"],
        ["veth", "add", "200", "port", "h3", "ecid", "0"], ["veth", "add", "200", "port", "h3", "ecid", "1048576"],
        ["veth", "add", "200", "port", "h1", "vif", "7", "profile", long_name],
        # veth del
        ["veth", "del"], ["veth", "del", "999"], ["veth", "del", "abc"], ["veth", "del", "100", "101"],
        # veth set
        ["veth", "set", "100"], ["veth", "set", "100", "vlan"], ["veth", "set", "999", "vlan", "10"],
        ["veth", "set", "abc", "vlan", "10"], ["veth", "set", "100", "vlan", "4095"], ["veth", "set", "100", "profile", "nope"],
        ["veth", "set", "100", "port", "h2"], ["veth", "set", "100", "port", "h3", "vif", "7"], ["veth", "set", "100", "port", "up0", "vif", "7"],
        ["veth", "set", "100", "vif", "6"], ["veth", "set", "100", "vif", "4096"], ["veth", "set", "100", "vlan", "10", "bogus", "1"],
        ["veth", "set", "100", "profile", "db", "vlan", "4095"], ["veth", "set", "100", "vlan", "11", "profile", "nope"],
        ["veth", "set", "101", "mac", "52:54:00:00:00:01", "ecid", "4"], ["veth", "set", "101", "mac", "03:00:00:00:00:01"],
        # profile add / del / set
        ["profile", "add"], ["profile", "add", "web"], ["profile", "add", "x", "type_id", "16777216"],
        ["profile", "add", "x", "type_version", "256"], ["profile", "add", "x", "vlan", "4095"], ["profile", "add", "x", "vlan", "none"],
        ["profile", "add", "x", "bogus", "1"], ["profile", "add", "x", "vlan"], ["profile", "add", long_name], ["profile", "add", ""],
        ["profile", "add", 'q"uote'], ["profile", "add", "a b"], ["profile", "add", "caf\u00e9"], ["profile", "add", "nl\nx"],
        ["profile", "add", "back\\slash"], ["veth", "add", "200", "port", "h 1", "vif", "7"],
        ["profile", "del"], ["profile", "del", "web"], ["profile", "del", "nope"], ["profile", "del", "spare"], ["profile", "del", "web", "db"],
        ["profile", "set", "nope", "vlan", "1"], ["profile", "set", "web"], ["profile", "set", "web", "vlan"], ["profile", "set", "web", "vlan", "x"],
        ["profile", "set", "web", "vlan", "20", "type_id", "x"], ["profile", "set", "web", "type_id", "5", "bogus", "1"],
        # port set
        ["port", "set"], ["port", "set", "h1"], ["port", "set", "nope", "admin", "up"], ["port", "set", "h1", "admin", "sideways"],
        ["port", "set", "h1", "admin"], ["port", "set", "h1", "bogus", "1"], ["port", "set", "h1", "max_veths", "x"],
        ["port", "set", "h1", "max_veths", "-1"], ["port", "set", "h1", "max_veths", "1"], ["port", "set", "h1", "max_veths", "99999999"],
        ["port", "set", "up0", "max_veths", "5"], ["port", "set", "up0", "auto_create", "true"], ["port", "set", "h1", "reflective_relay", "true"],
        ["port", "set", "h1", "auto_create", "maybe"],
        ["port", "set", "h1", "admin", "down", "max_veths", "x"], ["port", "set", "h1", "auto_create", "true", "bogus", "1"],
        ["port", "set", "h2", "reflective_relay", "false", "admin", "sideways"],
        ["port", "set", "h1", "max_veths", "20", "admin", "down", "auto_create", "x"],
        # counters, config
        ["counters"], ["counters", "clear", "x"], ["config"], ["config", "save", "a", "b"],
        ["config", "save", os.path.join(d.dir, "no", "such", "dir", "x.conf")], ["config", "reload", "x"],
        ["config", "save", ""], ["config", "save", os.path.join(d.dir, "x" * 1100)], ["config", "save", d.dir],
        # trace / inject
        ["trace", "h1"], ["trace", "nope", vntag_frame(BCAST, M100, 5).hex()], ["trace", "h1", "zz" * 60],
        ["trace", "h1", vntag_frame(BCAST, M100, 5).hex()[:-1]], ["trace", "h1", "0011223344"], ["trace", "h1", ""],
        ["trace", "h1", "00" * 13], ["trace", "h1", "0g" * 60], ["trace", "h1", "00" * 2049],
        ["inject", "h1"], ["inject", "nope", vntag_frame(BCAST, M100, 5).hex()], ["inject", "h1", "zz" * 60],
        ["inject", "h1", vntag_frame(BCAST, M100, 5).hex() + "0"], ["inject", "h1", "00" * 13], ["inject", "h1", "00" * 2049],
        ["inject", "h1", "0" * 5000], ["inject", "h1", "-1"],
        # time warp
        ["time", "warp"], ["time", "warp", "-1"], ["time", "warp", "-0.5"], ["time", "warp", "abc"], ["time", "warp", ""],
        ["time", "warp", "nan"], ["time", "warp", "inf"], ["time", "warp", "1e8"], ["time", "warp", "1", "2"], ["time", "warp", "1s"],
    ]
    before = snapshot(d)
    for argv in table:
        refused(d, *argv)
        after = snapshot(d)
        if not check(after == before, "state unchanged after %s" % " ".join(a[:30] for a in argv), diff(before, after)):
            before = after  # report each difference once

    # config reload with broken files: syntax error, then semantic errors.
    with open(conf_path) as f:
        good = f.read()
    broken = [
        ("syntax", good.replace("fdb_aging = 10;", "fdb_aging = ;"), "sw.conf:1"),
        ("vif out of range", good.replace("vif = 6;", "vif = 5000;"), "sw.conf:%d:" % (good[: good.index("vif = 6;")].count("\n") + 1)),
        ("unknown profile", good.replace('profile = "db"; }', 'profile = "nope"; }'), "sw.conf:%d:" % (good[: good.index('profile = "db"; }')].count("\n") + 1)),
        ("duplicate binding", good.replace("vif = 6;", "vif = 5;"), "sw.conf:%d:" % (good[: good.index("vif = 6;")].count("\n") + 1)),
        ("port removed", good.replace('  { name = "h3"; role = "host"; mode = "etag"; }\n', "").replace(
            '  { id = 102; port = "h3"; ecid = 300; profile = "web"; },\n', ""), None),
        ("port mode changed", good.replace('mode = "etag"', 'mode = "vntag"').replace("ecid = 300", "vif = 300"), "conf:"),
        ("empty", "", None),
    ]
    before = snapshot(d)
    for name, text, where in broken:
        with open(conf_path, "w") as f:
            f.write(text)
        err = refused(d, "config", "reload")
        if where:
            check(where in err, "config reload (%s): the error names file:line" % name, "want %r in %r" % (where, err))
        after = snapshot(d)
        check(after == before, "config reload (%s) changes nothing" % name, diff(before, after))
    # SIGHUP with a broken file: logged, nothing changes, still serving.
    with open(conf_path, "w") as f:
        f.write(broken[1][1])
    logged = d.stderr().count("configuration not reloaded")
    d.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: d.stderr().count("configuration not reloaded") > logged, "SIGHUP with a broken file is logged")
    check(snapshot(d) == before, "SIGHUP with a broken file changes nothing")
    with open(conf_path, "w") as f:
        f.write(good)

    # Limits that only apply in a given state.
    ok_result(d, "port", "set", "h1", "max_veths", "2")
    refused(d, "veth", "add", "200", "port", "h1", "vif", "7")
    refused(d, "veth", "set", "102", "port", "h1", "vif", "7")
    ok_result(d, "port", "set", "h1", "max_veths", "8")
    refused(d, "time", "warp", "-1")
    check(snapshot(d) == before, "state back to where it was")


def raw_exchange(d, data, close_after_send=False, expect_close=False):
    """Send raw bytes; return the reply object (or None when no reply)."""
    s = connect(d)
    try:
        s.sendall(data)
        if close_after_send:
            return None
        rep, why = read_reply(s)
        if expect_close and rep is not None:
            s.settimeout(10)
            try:
                rest = s.recv(1)
            except OSError:
                rest = b""
            check(rest == b"", "the daemon closes the connection after a framing error")
        return rep if rep is not None else why
    finally:
        s.close()


def test_raw(d):
    before = snapshot(d)
    ok_body = request_body(["version"])

    def alive(what):
        rep = raw_call(d, ["version"])
        check(rep.get("status") == "ok" and json.loads(rep["output"])["protocol"] == 1, "still answers version after %s" % what)

    def error_reply(what, data, expect_close=False, contains=None):
        rep = raw_exchange(d, data, expect_close=expect_close)
        good = isinstance(rep, dict) and rep.get("status") == "error" and rep.get("version") == 1 and isinstance(rep.get("error"), str)
        check(good, "raw %s: error reply" % what, rep)
        if good and contains:
            check(contains in rep["error"], "raw %s: reason" % what, rep["error"])
        alive(what)

    # Framing errors: an error reply, then the daemon closes the connection.
    error_reply("bad magic", hdr(len(ok_body), magic=b"XN") + ok_body, True, "magic")
    error_reply("HTTP", b"GET / HTTP/1.0\r\n\r\n", True)
    error_reply("wrong version", hdr(len(ok_body), version=2) + ok_body, True, "version")
    error_reply("version 0", hdr(len(ok_body), version=0) + ok_body, True)
    error_reply("reply type", hdr(len(ok_body), mtype=2) + ok_body, True, "type")
    error_reply("length over the limit", hdr(65537), True, "limit")
    error_reply("length 4 GiB", hdr(0xFFFFFFFF), True, "limit")
    # Truncated messages, then close: nothing to answer, nothing disturbed.
    for what, data in [
        ("truncated header", b"VN\x01"),
        ("truncated body", hdr(100) + b'{"version": 1, "ar'),
        ("header only", hdr(50)),
    ]:
        raw_exchange(d, data, close_after_send=True)
        alive(what)
    # Bodies that are not valid requests: an error reply, connection kept.
    bodies = [
        ("malformed JSON", b'{"version": 1, "argv": ["version"'),
        ("empty body", b""),
        ("JSON array", b'["version"]'),
        ("JSON string", b'"version"'),
        ("JSON number", b"1"),
        ("JSON null", b"null"),
        ("no version", b'{"argv": ["version"]}'),
        ("version 2", b'{"version": 2, "argv": ["version"]}'),
        ("version as string", b'{"version": "1", "argv": ["version"]}'),
        ("version real", b'{"version": 1.5, "argv": ["version"]}'),
        ("no argv", b'{"version": 1}'),
        ("argv a string", b'{"version": 1, "argv": "version"}'),
        ("argv an object", b'{"version": 1, "argv": {"a": "version"}}'),
        ("argv empty", b'{"version": 1, "argv": []}'),
        ("argv with a number", b'{"version": 1, "argv": ["show", 1]}'),
        ("argv with null", b'{"version": 1, "argv": [null]}'),
        ("argv with an array", b'{"version": 1, "argv": [["version"]]}'),
        ("too many args", json.dumps({"version": 1, "argv": ["show"] + ["x"] * 64}).encode()),
        ("far too many args", json.dumps({"version": 1, "argv": ["x"] * 5000}).encode()),
        ("argument too long", json.dumps({"version": 1, "argv": ["inject", "h1", "0" * 4097]}).encode()),
        ("format unknown", b'{"version": 1, "argv": ["version"], "format": "yaml"}'),
        ("format a number", b'{"version": 1, "argv": ["version"], "format": 1}'),
        ("NUL byte", ok_body[:-1] + b"\x00}"),
        ("trailing NUL", ok_body + b"\x00"),
        ("escaped NUL", b'{"version": 1, "argv": ["ver\\u0000sion"]}'),
        ("invalid UTF-8", b'{"version": 1, "argv": ["\xff\xfe"]}'),
        ("deep nesting", b'{"version": 1, "argv": ' + b"[" * 20000 + b"]" * 20000 + b"}"),
        ("trailing garbage", ok_body + b" x"),
        ("two documents", ok_body + ok_body),
    ]
    for what, body in bodies:
        error_reply(what, hdr(len(body)) + body)
    # A bad request does not cost the connection: the next one is answered.
    s = connect(d)
    try:
        bad = b"[1]"
        s.sendall(hdr(len(bad)) + bad + hdr(len(ok_body)) + ok_body)
        r1, _ = read_reply(s)
        r2, _ = read_reply(s)
        check(r1 and r1["status"] == "error" and r2 and r2["status"] == "ok", "pipelined bad then good request on one connection", (r1, r2))
    finally:
        s.close()
    # Exactly at the limit is fine (whitespace padding).
    body = ok_body[:-1] + b" " * (65536 - len(ok_body)) + b"}"
    rep = raw_exchange(d, hdr(len(body)) + body)
    check(isinstance(rep, dict) and rep.get("status") == "ok", "a request of exactly 65536 bytes is served", rep)
    # Byte by byte.
    s = connect(d)
    try:
        for b in hdr(len(ok_body)) + ok_body:
            s.send(bytes([b]))
        rep, _ = read_reply(s)
        check(rep and rep["status"] == "ok", "a request sent byte by byte is served", rep)
    finally:
        s.close()
    # A client that never reads its (large) reply does not block the others.
    s = connect(d)
    try:
        big = request_body(["show", "events"], "plain")
        for _ in range(20):
            s.sendall(hdr(len(big)) + big)
        alive("a client that does not read its replies")
    finally:
        s.close()
    alive("closing that client")
    after = snapshot(d)
    check(after == before, "raw abuse changes nothing", diff(before, after))


def test_max_clients():
    conf = os.path.join(TMP, "mc.conf")
    with open(conf, "w") as f:
        f.write(conf_text())
    d = Daemon("maxclients", conf, ["--ctl-max-clients", "3"])
    try:
        held = [connect(d) for _ in range(3)]
        wait_for(lambda: vnctl(d, "version", rc=None).returncode != 0, "the limit to apply")
        p = vnctl(d, "version", rc=None)
        check(p.returncode != 0 and "too many" in p.stderr, "a client over the limit is told why", (p.returncode, p.stderr))
        held.pop().close()
        wait_for(lambda: vnctl(d, "version", rc=None).returncode == 0, "a slot to free up")
        for s in held:
            s.close()
        mode = os.stat(d.ctl).st_mode & 0o777
        check(mode == 0o660, "the socket is mode 0660", oct(mode))
        # A live socket is not taken over by a second daemon.
        p = subprocess.run([VNSWITCHD, "-c", conf, "--out-dir", os.path.join(TMP, "second"), "--stay", "--ctl", d.ctl],
                           capture_output=True, text=True, timeout=60)
        check(p.returncode != 0 and "another daemon" in p.stderr, "a second daemon on a live socket is refused", (p.returncode, p.stderr))
        check(vnctl(d, "version", rc=None).returncode == 0, "the first daemon still serves")
    finally:
        d.stop()
    # A stale socket file (no daemon behind it) is replaced.
    stale = os.path.join(TMP, "stale")
    os.makedirs(stale, exist_ok=True)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(os.path.join(stale, "ctl"))
    s.close()
    import grp
    group = grp.getgrgid(os.getgid()).gr_name
    d = Daemon("stale", conf, ["--ctl-max-request", "200", "--ctl-group", group])
    try:
        check(os.stat(d.ctl).st_gid == os.getgid(), "--ctl-group sets the socket's group")
        err = refused(d, "trace", "h1", vntag_frame(BCAST, M100, 5).hex() + "00" * 100)
        check("limit" in err, "--ctl-max-request: a longer request is refused", err)
        check(vnctl(d, "version", rc=None).returncode == 0, "and the daemon serves the next one")
        p = subprocess.run([VNCTL, "--ctl", d.ctl, "--timeout", "5", "version"], capture_output=True, text=True, timeout=30)
        check(p.returncode == 0, "vnctl --timeout", p.stderr)
    finally:
        d.stop()
    # --ctl naming a file that is not a socket: refused, the file kept.
    plain = os.path.join(TMP, "not-a-socket")
    with open(plain, "w") as f:
        f.write("keep me\n")
    p = subprocess.run([VNSWITCHD, "-c", conf, "--out-dir", os.path.join(TMP, "plain"), "--stay", "--ctl", plain],
                       capture_output=True, text=True, timeout=60)
    check(p.returncode != 0 and "not a socket" in p.stderr, "--ctl on a regular file is refused", (p.returncode, p.stderr))
    with open(plain) as f:
        check(f.read() == "keep me\n", "... and the file is left alone")
    p = subprocess.run([VNSWITCHD, "-c", conf, "--out-dir", os.path.join(TMP, "nogroup"), "--stay", "--ctl",
                        os.path.join(TMP, "nogroup.ctl"), "--ctl-group", "no-such-group-vn"],
                       capture_output=True, text=True, timeout=60)
    check(p.returncode != 0 and "no-such-group-vn" in p.stderr, "--ctl-group with an unknown group fails", p.stderr)


def cpu_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def test_fd_exhaustion():
    """Out of file descriptors: the daemon neither spins nor stops serving."""
    if not os.path.exists("/proc/self/stat"):
        return
    conf = os.path.join(TMP, "fd.conf")
    with open(conf, "w") as f:
        f.write(conf_text())
    d = Daemon("fdlimit", conf, nofile=40)
    try:
        held, stuck_since = [], None
        while len(held) < 60:
            try:
                held.append(connect(d))
                stuck_since = None
            except OSError:  # the listen backlog is full: let the daemon accept
                stuck_since = stuck_since or time.monotonic()
                if time.monotonic() - stuck_since > 0.3:
                    break
                time.sleep(0.005)
        check(len(held) > 40, "more connections than descriptors", len(held))
        # Some of these are queued, not accepted: the daemon has no fd left.
        t0, c0 = time.monotonic(), cpu_ticks(d.proc.pid)
        time.sleep(0.5)  # a measurement window, not a synchronisation
        used = (cpu_ticks(d.proc.pid) - c0) / os.sysconf("SC_CLK_TCK") / (time.monotonic() - t0)
        check(used < 0.3, "out of descriptors, the daemon does not spin (CPU %.0f%%)" % (100 * used))
        for s in held:
            s.close()
        wait_for(lambda: vnctl(d, "version", rc=None).returncode == 0, "serving again once descriptors are free")
    finally:
        d.stop()


def write_pcap(path, frames):
    """frames: [(seconds, bytes)] -> a classic little-endian pcap, Ethernet."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for ts, fr in frames:
            f.write(struct.pack("<IIII", int(ts), int(round((ts % 1) * 1e6)), len(fr), len(fr)))
            f.write(fr)


def test_replay_then_stay():
    """--replay with --stay: the clock goes on from the last frame."""
    conf = os.path.join(TMP, "rs.conf")
    with open(conf, "w") as f:
        f.write(conf_text())
    pcap = os.path.join(TMP, "rs-in.pcap")
    write_pcap(pcap, [(100.0, vntag_frame(BCAST, M100, 5)), (102.5, vntag_frame(BCAST, M100, 5))])
    d = Daemon("replaystay", conf, ["--replay", "h1=" + pcap])
    try:
        v = veth(d, 100)
        check(v["counters"]["rx_frames"] == 2 and v["last_rx_us"] == 102500000, "the replayed frames are counted", v)
        fd = j(d, "show", "fdb")
        check(len(fd) == 1 and fd[0]["age_s"] == 0, "the clock stands at the last frame", fd)
        ok_result(d, "inject", "h1", vntag_frame(BCAST, M100, 5).hex())
        check(veth(d, 100)["last_rx_us"] == 102500000, "inject uses the replay clock")
        ok_result(d, "time", "warp", "9.9")
        check(len(j(d, "show", "fdb")) == 1, "not aged 9.9 s after the last frame")
        ok_result(d, "time", "warp", "0.1")
        check(j(d, "show", "fdb") == [], "aged 10 s after the last frame")
    finally:
        d.stop(signal.SIGINT)
    up = read_pcap(os.path.join(d.out, "up0.pcap"))
    check(len(up) == 3, "up0.pcap: the two replayed frames and the injected one", len(up))
    with open(os.path.join(d.out, "state.json")) as fh:
        st = json.load(fh)
    check(st["veths"][0]["counters"]["rx_frames"] == 3, "state.json counts replay and inject")


def test_stop_and_outputs(d):
    f = etag_frame(BCAST, "02:00:00:00:03:00", 300)
    h1_before = len(read_pcap(os.path.join(d.out, "h1.pcap")))
    ok_result(d, "inject", "h3", f.hex())
    d.stop()
    up = read_pcap(os.path.join(d.out, "up0.pcap"))
    check(len(up) > 0, "up0.pcap has the injected frames")
    if up:
        last = up[-1]
        check(last[12:16] == struct.pack("!HH", 0x8100, 10) and last[16:18] == b"\x08\x00" and last[18:64] == PAYLOAD,
              "up0.pcap: the last frame is the injected one, C-tagged 10", last[:24].hex())
    h1 = read_pcap(os.path.join(d.out, "h1.pcap"))
    check(len(h1) == h1_before + 1, "h1.pcap: the flood reached vEth 100 (VLAN 10) only", (h1_before, len(h1)))
    if h1:
        check(h1[-1][12:14] == b"\x89\x26", "h1.pcap: VN-Tag towards the adapter", h1[-1][:20].hex())
    state = os.path.join(d.out, "state.json")
    check(os.path.exists(state), "state.json written on exit")
    if os.path.exists(state):
        with open(state) as fh:
            st = json.load(fh)
        check([v["id"] for v in st["veths"]] == [100, 101, 102, 103], "state.json has the running vEths", st.get("veths"))


def main():
    conf = os.path.join(TMP, "sw.conf")
    with open(conf, "w") as f:
        f.write(conf_text())
    t0 = time.monotonic()
    d = None
    try:
        d = Daemon("main", conf, ["--save-dir", os.path.join(TMP, "main")])
        for name, fn in [
            ("show", lambda: test_show(d)),
            ("formats", lambda: test_formats(d)),
            ("trace", lambda: test_trace(d)),
            ("inject and clock", lambda: test_inject_and_clock(d)),
            ("changes", lambda: test_changes(d)),
            ("concurrency", lambda: test_concurrency(d)),
            ("save", lambda: test_save(d)),
            ("reload", lambda: test_reload(d, conf)),
            ("bad arguments", lambda: test_bad_args(d, conf)),
            ("raw socket", lambda: test_raw(d)),
            ("max clients", test_max_clients),
            ("replay then stay", test_replay_then_stay),
            ("out of descriptors", test_fd_exhaustion),
            *ctl_abuse.tests(sys.modules[__name__]),
        ]:
            print("== %s" % name, flush=True)
            try:
                fn()
            except Abort as e:
                print("  (%s aborted: %s)" % (name, e))
        print("== stop and outputs", flush=True)
        test_stop_and_outputs(d)
    finally:
        if d and d.proc.poll() is None:
            d.proc.kill()
            d.proc.wait()
    print("%d checks, %d failed, %.1f s" % (CHECKS[0], len(FAILURES), time.monotonic() - t0))
    if FAILURES:
        print("kept %s for inspection" % TMP)
        return 1
    shutil.rmtree(TMP, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
