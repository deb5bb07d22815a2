#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""replay.py - the replay test harness (run through tests/replay/run.sh).

For every case directory under tests/replay (one holding an `args` file):

  1. run `vnswitchd -c switch.conf ARGS --out-dir TMP` twice, in the case
     directory, and require the two runs to be identical byte for byte;
  2. compare every output capture and state.json byte for byte with
     expected/ (cmp), and, when tshark is installed, the tshark field dump
     of every output with expected/PORT.fields;
  3. check the invariants every case must meet (each port received what was
     replayed into it, the tx counters in state.json match the captures,
     every output frame is at least 60 bytes and decodes in tshark without
     a malformed-packet error, and every IPv4 header in it has a checksum
     tshark finds good);
  4. check the case's own `checks` file, which states what the case proves
     (which frames must appear where, which drop counters move), so that a
     wrong regeneration cannot pass silently.

With --regen, step 2 writes expected/ instead (and the .fields with tshark,
which is then required), then steps 3 and 4 run as usual.

Standard library only.  Exit status: 0 pass, 1 fail, 99 hard error.
"""

import argparse
import difflib
import hashlib
import json
import os
import re
import shlex
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

# The tshark field dump of each output: expected/PORT.fields holds
#   tshark -n -r PORT.pcap -o ip.check_checksum:TRUE -T fields -E header=y
#     -E separator=, -E aggregator=/ -e F...
# with these fields (etag.* names as in Wireshark's packet-etag.c); the IPv4
# DSCP and header checksum status (1 good, 0 bad: tshark verifies it) show
# what policy remarked.
FIELDS = [
    "frame.number", "frame.time_epoch", "frame.len", "eth.dst", "eth.src",
    "vntag.dir", "vntag.ptr", "vntag.dst", "vntag.looped", "vntag.src",
    "etag.pcp", "etag.iecid_base", "etag.iecid_ext", "etag.group",
    "etag.ecid_base", "etag.ecid_ext",
    "vlan.priority", "vlan.id", "ip.dsfield.dscp", "ip.checksum.status", "_ws.malformed",
]
TSHARK_ARGS = ["-n", "-o", "ip.check_checksum:TRUE", "-T", "fields", "-E", "header=y",
               "-E", "separator=,", "-E", "aggregator=/"] + [
                   a for f in FIELDS for a in ("-e", f)]
ETH_MIN = 60
GEN_T0 = 1700000000  # gen.py's time origin: the `t` pseudo-field counts from it


class HardError(Exception):
    """The harness cannot go on (exit 99)."""


class CaseError(Exception):
    """vnswitchd failed on a case: that case fails, the others still run."""


# ---- pcap ----------------------------------------------------------------------


def pcap_read(path):
    """[(ts_sec, ts_frac, bytes)] of a classic pcap, None for pcapng."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        raise HardError(f"{path}: not a pcap file")
    magic = data[:4]
    if magic == b"\x0a\x0d\x0d\x0a":
        return None
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    else:
        raise HardError(f"{path}: not a pcap file")
    out, off = [], 24
    while off + 16 <= len(data):
        sec, frac, caplen, _ = struct.unpack(end + "IIII", data[off:off + 16])
        out.append((sec, frac, data[off + 16:off + 16 + caplen]))
        off += 16 + caplen
    return out


def pcap_write(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for sec, frac, b in frames:
            f.write(struct.pack("<IIII", sec, frac, len(b), len(b)))
            f.write(b)


def frame_summary(frames):
    """One line per frame, for diffs when tshark is not there."""
    lines = []
    for i, (sec, frac, b) in enumerate(frames, 1):
        more = f" ...{hashlib.sha1(b[64:]).hexdigest()[:12]}" if len(b) > 64 else ""
        lines.append(f"#{i} {sec}.{frac:06d} len={len(b)} {b[:64].hex()}{more}")
    return lines


# ---- tshark ----------------------------------------------------------------------


class Tshark:
    def __init__(self, tmp):
        self.path = shutil.which("tshark")
        self.version = None
        # An empty configuration directory: no user preference changes a dump.
        self.env = dict(os.environ, WIRESHARK_CONFIG_DIR=os.path.join(tmp, "wireshark"))
        os.makedirs(self.env["WIRESHARK_CONFIG_DIR"], exist_ok=True)
        if self.path:
            r = subprocess.run([self.path, "--version"], capture_output=True, text=True,
                               env=self.env)
            m = re.search(r"TShark \(Wireshark\) (\S+)", r.stdout)
            self.version = m.group(1) if m else "unknown"

    def dump(self, pcap):
        """The .fields text of one capture."""
        r = subprocess.run([self.path, "-r", pcap] + TSHARK_ARGS, capture_output=True,
                           text=True, env=self.env, timeout=120)
        if r.returncode:
            raise HardError(f"tshark -r {pcap}: {r.stderr.strip()}")
        return r.stdout

    def dump_many(self, pcaps, tmp):
        """.fields text of many captures with one tshark run (tshark starts
        slowly): the frames go through one merged capture and the dump is
        split again, numbering frames from 1 in each, as `tshark -r` would."""
        frames, spans = [], []
        for p in pcaps:
            fr = pcap_read(p)
            spans.append((p, len(frames), len(fr)))
            frames.extend(fr)
        merged = os.path.join(tmp, "all-outputs.pcap")
        pcap_write(merged, frames)
        lines = self.dump(merged).splitlines()
        header, rows = lines[0], lines[1:]
        if len(rows) != len(frames):
            raise HardError(f"tshark printed {len(rows)} lines for {len(frames)} frames")
        out = {}
        for p, start, n in spans:
            text = [header]
            for i in range(n):
                _, rest = rows[start + i].split(",", 1)
                text.append(f"{i + 1},{rest}")
            out[p] = "\n".join(text) + "\n"
        return out


def parse_fields(text):
    """A .fields dump as a list of {field: value} dicts, with pseudo-fields:
    etag.ecid / etag.iecid (the 20-bit E-CIDs) and t (seconds since gen.py's
    time origin)."""
    lines = text.splitlines()
    if not lines:
        return []
    names = lines[0].split(",")
    rows = []
    for ln in lines[1:]:
        vals = ln.split(",")
        row = dict(zip(names, vals + [""] * (len(names) - len(vals))))
        for pfx in ("ecid", "iecid"):
            base, ext = row.get(f"etag.{pfx}_base", ""), row.get(f"etag.{pfx}_ext", "")
            row[f"etag.{pfx}"] = str(int(ext, 0) << 12 | int(base, 0)) if base else ""
        # Booleans print as 1/0 or, in newer tshark, True/False.
        for k, v in row.items():
            if v in ("True", "False"):
                row[k] = "1" if v == "True" else "0"
        if row.get("frame.time_epoch"):
            row["t"] = f"{float(row['frame.time_epoch']) - GEN_T0:.6f}"
        rows.append(row)
    return rows


# ---- checks ------------------------------------------------------------------------


def same_value(got, want):
    if got == want:
        return True
    for conv in (lambda x: int(x, 0), float):
        try:
            return conv(got) == conv(want)
        except (ValueError, TypeError):
            pass
    return False


def state_get(state, path):
    cur = state
    for seg in path.split("/"):
        if isinstance(cur, list):
            if seg == "#":
                cur = len(cur)
                continue
            if "=" in seg:
                conds = [c.split("=", 1) for c in seg.split(",")]
                hits = [e for e in cur
                        if all(same_value(str(e.get(k)), v) for k, v in conds)]
            else:
                hits = [e for e in cur
                        if str(e.get("name")) == seg or str(e.get("id")) == seg]
            if len(hits) != 1:
                raise KeyError(f"{path}: {len(hits)} list elements match '{seg}'")
            cur = hits[0]
        elif isinstance(cur, dict):
            if seg not in cur:
                raise KeyError(f"{path}: no '{seg}'")
            cur = cur[seg]
        else:
            raise KeyError(f"{path}: '{seg}' below a value")
    return cur


def drops_of(state, who):
    if who == "totals":
        return state["totals"]["drops"]
    if who.startswith("veth:"):
        return state_get(state, f"veths/id={who[5:]}/counters/drops")
    return state_get(state, f"ports/name={who}/counters/drops")


def run_check(words, fields, state):
    """None if the check holds, else what is wrong."""
    kind, args = words[0], words[1:]
    if kind in ("frames", "match") and args and args[0] not in fields:
        return f"no output {args[0]}.pcap"
    if kind == "frames":
        port, n = args
        got = len(fields[port])
        return None if got == int(n) else f"{port} has {got} frames, not {n}"
    if kind == "match":
        port, n, conds = args[0], int(args[1]), [c.split("=", 1) for c in args[2:]]
        rows = fields[port]
        for k, _ in conds:
            if rows and k not in rows[0]:
                raise HardError(f"match: no field '{k}' in the dump")
        hits = [r for r in rows if all(same_value(r.get(k, ""), v) for k, v in conds)]
        if len(hits) == n:
            return None
        return f"{len(hits)} frames of {port} match, not {n}"
    if kind == "drops":
        who, want = args[0], dict(a.split("=", 1) for a in args[1:])
        got = drops_of(state, who)
        for r in want:
            if r not in got:
                raise HardError(f"drops: no reason '{r}' in state.json")
        bad = {r: v for r, v in got.items() if v != int(want.get(r, 0))}
        return None if not bad else "drops of %s are %s" % (
            who, ", ".join(f"{r}={v}" for r, v in got.items() if v) or "all 0")
    if kind == "state":
        path, want = args
        try:
            got = state_get(state, path)
        except KeyError as e:
            return e.args[0]
        if isinstance(got, bool):
            got = "true" if got else "false"
        return None if same_value(str(got), want) else f"{path} is {got}, not {want}"
    raise HardError(f"unknown check '{kind}'")


def load_checks(path):
    """[(line number, is a known bug, words)]; '#' after a blank starts a
    comment (so the path segment '#', a list's length, stays usable)."""
    out = []
    if not os.path.exists(path):
        return out
    with open(path) as f:
        for no, line in enumerate(f, 1):
            line = re.sub(r"(^|\s)#.*", "", line).strip()
            if not line:
                continue
            bug = line.startswith("bug:")
            words = line[4:].split() if bug else line.split()
            out.append((no, bug, words))
    return out


# ---- one case -------------------------------------------------------------------------


class Case:
    def __init__(self, root, name):
        self.name = name
        self.dir = os.path.join(root, name)
        self.expected = os.path.join(self.dir, "expected")
        with open(os.path.join(self.dir, "args")) as f:
            self.args = shlex.split(f.read(), comments=True)
        if "-c" not in self.args:
            self.args = ["-c", "switch.conf"] + self.args
        self.errors = []
        self.notes = []
        self.n_checks = 0

    def fail(self, msg):
        self.errors.append(msg)

    def run(self, vnswitchd, out):
        cmd = [vnswitchd] + self.args + ["--out-dir", out]
        r = subprocess.run(cmd, cwd=self.dir, capture_output=True, text=True, timeout=120)
        if r.returncode:
            raise CaseError(f"`{' '.join(cmd)}` (in {self.dir}) exited {r.returncode}:\n"
                            + r.stdout + r.stderr)
        if r.stderr.strip():
            self.notes.append("vnswitchd: " + r.stderr.strip())
        return sorted(os.listdir(out))

    def inputs(self):
        """{port: [paths]} of the --replay arguments."""
        res = {}
        for i, a in enumerate(self.args):
            spec = self.args[i + 1] if a == "--replay" else (
                a[len("--replay="):] if a.startswith("--replay=") else None)
            if spec:
                port, path = spec.split("=", 1)
                res.setdefault(port, []).append(os.path.join(self.dir, path))
        return res


def diff(a, b, name_a, name_b, limit=60):
    d = list(difflib.unified_diff(a, b, name_a, name_b, lineterm="", n=2))
    if len(d) > limit:
        d = d[:limit] + [f"... ({len(d) - limit} more diff lines)"]
    return "\n".join("    " + x for x in d)


def byte_diff(a, b):
    with open(a, "rb") as fa, open(b, "rb") as fb:
        x, y = fa.read(), fb.read()
    at = next((i for i in range(min(len(x), len(y))) if x[i] != y[i]), min(len(x), len(y)))
    return f"{len(x)} vs {len(y)} bytes, first difference at byte {at}"


def pretty_json(path):
    with open(path) as f:
        return json.dumps(json.load(f), indent=1).splitlines()


def compare_outputs(case, out, tshark, actual_fields, fields_strict):
    """Step 2 (check mode): byte-for-byte and .fields comparisons."""
    exp = case.expected
    want = sorted(f for f in os.listdir(exp) if not f.endswith(".fields")) \
        if os.path.isdir(exp) else []
    got = sorted(os.listdir(out))
    if not want:
        case.fail("no expected/ (run: tests/replay/run.sh --regen " + case.name + ")")
        return
    for f in sorted(set(want) ^ set(got)):
        case.fail(f"{f}: {'missing from the output' if f in want else 'not in expected/'}")
    for f in sorted(set(want) & set(got)):
        a, b = os.path.join(exp, f), os.path.join(out, f)
        with open(a, "rb") as fa, open(b, "rb") as fb:
            if fa.read() == fb.read():
                continue
        if f.endswith(".json"):
            case.fail(f"{f} differs from expected/{f}:\n"
                      + diff(pretty_json(a), pretty_json(b), "expected/" + f, "output/" + f))
        else:
            port = f[:-5]
            if tshark.path:
                ea = open(os.path.join(exp, port + ".fields")).read().splitlines()
                eb = actual_fields[b].splitlines()
                detail = diff(ea, eb, f"expected/{port}.fields", f"output/{port}.fields")
            else:
                detail = ""
            if not detail.strip():
                detail = diff(frame_summary(pcap_read(a)), frame_summary(pcap_read(b)),
                              "expected/" + f, "output/" + f)
            if not detail.strip():
                detail = "    " + byte_diff(a, b)
            case.fail(f"{f} differs from expected/{f} (cmp):\n{detail}")
    if tshark.path:
        for f in sorted(set(want) & set(got)):
            if not f.endswith(".pcap"):
                continue
            port = f[:-5]
            ef = os.path.join(exp, port + ".fields")
            if not os.path.exists(ef):
                case.fail(f"expected/{port}.fields is missing")
                continue
            with open(ef) as fh:
                ea = fh.read()
            eb = actual_fields[os.path.join(out, f)]
            if ea == eb:
                continue
            msg = f"{port}.fields: tshark's dump differs from expected/{port}.fields:\n" \
                + diff(ea.splitlines(), eb.splitlines(), "expected", "tshark")
            if fields_strict:
                case.fail(msg)
            else:
                case.notes.append("(tshark version differs from the one that wrote "
                                  "expected/, not an error) " + msg)


def regen_outputs(case, out, tshark, pool):
    """Step 2 (regen mode): expected/ := output, plus the .fields."""
    old = {}
    if os.path.isdir(case.expected):
        for f in os.listdir(case.expected):
            with open(os.path.join(case.expected, f), "rb") as fh:
                old[f] = fh.read()
        shutil.rmtree(case.expected)
    os.makedirs(case.expected)
    files = sorted(os.listdir(out))
    for f in files:
        shutil.copyfile(os.path.join(out, f), os.path.join(case.expected, f))
    pcaps = [f for f in files if f.endswith(".pcap")]
    # Each .fields is exactly `tshark -r PORT.pcap ...` (the check run splits
    # one merged dump instead and must get the same text).
    dumps = pool.map(lambda f: tshark.dump(os.path.join(case.expected, f)), pcaps)
    for f, text in zip(pcaps, dumps):
        with open(os.path.join(case.expected, f[:-5] + ".fields"), "w") as fh:
            fh.write(text)
    new = {}
    for f in os.listdir(case.expected):
        with open(os.path.join(case.expected, f), "rb") as fh:
            new[f] = fh.read()
    changed = sorted(f for f in set(old) | set(new) if old.get(f) != new.get(f))
    return changed


def check_invariants(case, out, fields):
    """Step 3: what holds for every case.  Returns state.json, or None."""
    try:
        with open(os.path.join(out, "state.json")) as f:
            state = json.load(f)
        ports = {p["name"]: p for p in state["ports"]}
        for p in ports:
            if not os.path.exists(os.path.join(out, p + ".pcap")):
                raise ValueError(f"no {p}.pcap")
    except (OSError, ValueError, KeyError, TypeError) as e:
        case.fail(f"invariant: the output is not a state.json and a pcap per port ({e})")
        return None
    for port, paths in case.inputs().items():
        n = 0
        for p in paths:
            fr = pcap_read(p)
            if fr is None:  # pcapng: not counted here
                n = None
                break
            n += len(fr)
        if port not in ports:
            case.fail(f"invariant: no port {port} in state.json")
        elif n is not None and ports[port]["counters"]["rx_frames"] != n:
            case.fail(f"invariant: {port} received {ports[port]['counters']['rx_frames']} "
                      f"frames, {n} were replayed into it")
    for name, p in ports.items():
        frames = pcap_read(os.path.join(out, name + ".pcap"))
        c = p["counters"]
        if c["tx_frames"] != len(frames) or c["tx_bytes"] != sum(len(b) for *_, b in frames):
            case.fail(f"invariant: {name}: state.json says {c['tx_frames']} frames / "
                      f"{c['tx_bytes']} bytes sent, {name}.pcap holds {len(frames)} / "
                      f"{sum(len(b) for *_, b in frames)}")
        short = [i for i, (*_, b) in enumerate(frames, 1) if len(b) < ETH_MIN]
        if short:
            case.fail(f"invariant: {name}.pcap frames {short} are shorter than {ETH_MIN} bytes")
        if fields is not None:
            bad = [r["frame.number"] for r in fields.get(name, []) if r.get("_ws.malformed")]
            if bad:
                case.fail(f"invariant: tshark finds {name}.pcap frames {bad} malformed")
            # A remarked IPv4 header must still carry a valid checksum.
            bad = [r["frame.number"] for r in fields.get(name, [])
                   if r.get("ip.checksum.status") == "0"]
            if bad:
                case.fail(f"invariant: {name}.pcap frames {bad} have a bad IPv4 checksum")
    return state


def check_case(case, fields, state):
    """Step 4: the case's own checks."""
    for no, bug, words in load_checks(os.path.join(case.dir, "checks")):
        case.n_checks += 1
        where = f"checks:{no}: {' '.join(words)}"
        try:
            wrong = run_check(words, fields, state)
        except (ValueError, KeyError, IndexError, HardError) as e:
            case.fail(f"{where}: cannot evaluate this check ({e})")
            continue
        if bug:
            if wrong:
                case.notes.append(f"known bug, reported (check fails as expected): {where}")
            else:
                case.fail(f"{where}: marked 'bug:' but now holds: the bug is fixed? "
                          "Remove 'bug:' and regenerate.")
        elif wrong:
            case.fail(f"{where}: {wrong}")


# ---- main ---------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--vnswitchd", required=True)
    ap.add_argument("--cases", required=True, help="the tests/replay directory")
    ap.add_argument("--regen", action="store_true",
                    help="rewrite expected/ from this build's output")
    ap.add_argument("--keep", action="store_true", help="keep the output directories")
    ap.add_argument("names", nargs="*", help="only these cases")
    opt = ap.parse_args()
    t_start = time.monotonic()

    if not os.access(opt.vnswitchd, os.X_OK):
        raise HardError(f"{opt.vnswitchd}: not built")
    names = sorted(d for d in os.listdir(opt.cases)
                   if os.path.isfile(os.path.join(opt.cases, d, "args")))
    if opt.names:
        unknown = set(opt.names) - set(names)
        if unknown:
            raise HardError(f"no such case: {' '.join(sorted(unknown))}")
        names = [n for n in names if n in opt.names]

    # Every case must be distributed (make distcheck runs the same cases).
    mk = os.path.join(opt.cases, os.pardir, "replay.mk")
    if os.path.exists(mk):
        with open(mk) as f:
            listed = set(re.findall(r"tests/replay/([\w.-]+)", f.read()))
        missing = [n for n in names if n not in listed]
        if missing:
            print(f"FAIL: tests/replay.mk: REPLAY_CASES lacks {' '.join(missing)}")
            return 1

    # The committed inputs must be what the generator writes.
    gen = os.path.join(opt.cases, "gen.py")
    r = subprocess.run([sys.executable, "-B", gen] + ([] if opt.regen else ["--check"]),
                       capture_output=True, text=True)
    if r.returncode:
        print(r.stdout + r.stderr, end="")
        print("FAIL: gen.py --check")
        return 1

    if opt.regen and not shutil.which("tshark"):
        raise HardError("--regen needs tshark (it writes the expected .fields)")
    tmp = tempfile.mkdtemp(prefix="vnswitch-replay-")
    tshark = Tshark(tmp)
    try:
        return run_cases(opt, names, tmp, tshark, t_start)
    except HardError:
        print(f"outputs kept in {tmp}")
        raise


def run_cases(opt, names, tmp, tshark, t_start):
    version_file = os.path.join(opt.cases, "TSHARK_VERSION")
    recorded = None
    if os.path.exists(version_file):
        with open(version_file) as f:
            recorded = f.read().strip()
    fields_strict = opt.regen or recorded == tshark.version

    # Step 1: run every case twice; the runs must agree byte for byte.
    cases, outs = [], {}
    for name in names:
        c = Case(opt.cases, name)
        cases.append(c)
        o1, o2 = os.path.join(tmp, name, "run1"), os.path.join(tmp, name, "run2")
        os.makedirs(o1)
        os.makedirs(o2)
        try:
            f1, f2 = c.run(opt.vnswitchd, o1), c.run(opt.vnswitchd, o2)
        except CaseError as e:
            c.fail(str(e))
            continue
        outs[name] = o1
        if f1 != f2:
            c.fail(f"determinism: run 1 wrote {f1}, run 2 wrote {f2}")
        for f in sorted(set(f1) & set(f2)):
            a, b = os.path.join(o1, f), os.path.join(o2, f)
            with open(a, "rb") as fa, open(b, "rb") as fb:
                if fa.read() != fb.read():
                    c.fail(f"determinism: {f} differs between two runs of the same "
                           f"input ({byte_diff(a, b)})")

    # tshark once over every output of every case.
    actual_fields = {}
    if tshark.path:
        pcaps = [os.path.join(o, f) for o in outs.values()
                 for f in sorted(os.listdir(o)) if f.endswith(".pcap")]
        actual_fields = tshark.dump_many(pcaps, tmp)

    pool = ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2))
    failed = wrote = changed_cases = 0
    for c in cases:
        out = outs.get(c.name)
        if out is None:
            pass  # vnswitchd failed: reported above
        elif opt.regen and not c.errors:
            changed = regen_outputs(c, out, tshark, pool)
            wrote += 1
            changed_cases += bool(changed)
            c.notes.append("expected/ " + ("changed: " + ", ".join(changed)
                                            if changed else "unchanged"))
        elif not opt.regen:
            compare_outputs(c, out, tshark, actual_fields, fields_strict)
        if out is not None:
            evaluate(c, out, tshark, actual_fields)
        status = "FAIL" if c.errors else "PASS"
        n_out = len(os.listdir(out)) if out else 0
        print(f"{status}: {c.name} ({n_out} outputs, {c.n_checks} checks)")
        for n in c.notes:
            print("  note: " + n.replace("\n", "\n  "))
        for e in c.errors:
            print("  " + e.replace("\n", "\n  "))
        failed += bool(c.errors)
    pool.shutdown()

    if wrote:
        with open(version_file, "w") as f:
            f.write(tshark.version + "\n")
    if failed or opt.keep:
        print(f"outputs kept in {tmp}")
    else:
        shutil.rmtree(tmp)
    if not tshark.path:
        print("note: tshark is not installed: the .fields dumps were not compared")
    elif not fields_strict:
        print(f"note: tshark {tshark.version} is not {recorded}, which wrote expected/: "
              ".fields differences are reported, not failed")
    if opt.regen and changed_cases:
        print(f"expected/ of {changed_cases} cases rewritten: review the change with "
              "git diff before committing")
    print(f"{len(cases) - failed} passed, {failed} failed "
          f"({time.monotonic() - t_start:.1f} s)")
    return 1 if failed else 0


def evaluate(c, out, tshark, actual_fields):
    """Steps 3 and 4.  The checks read the dump of this run's outputs;
    without tshark, the committed dump of expected/ (whose captures were just
    found identical to this run's)."""
    if tshark.path:
        fields = {os.path.basename(p)[:-5]: parse_fields(t)
                  for p, t in actual_fields.items() if os.path.dirname(p) == out}
    else:
        fields = {}
        for f in os.listdir(c.expected) if os.path.isdir(c.expected) else []:
            if f.endswith(".fields"):
                with open(os.path.join(c.expected, f)) as fh:
                    fields[f[:-7]] = parse_fields(fh.read())
    state = check_invariants(c, out, fields if fields else None)
    if state is None:
        return
    if fields or not load_checks(os.path.join(c.dir, "checks")):
        check_case(c, fields, state)
    else:
        c.fail("no tshark and no expected/*.fields: the checks cannot run")


if __name__ == "__main__":
    try:
        sys.exit(main())
    except HardError as e:
        print(f"ERROR: {e}", file=sys.stderr)
        sys.exit(99)
