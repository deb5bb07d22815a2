# SPDX-License-Identifier: Apache-2.0
"""Abuse of the control socket (issue 9), run by ctl_daemon.py after its own
tests, with its helpers (the module is passed in as `cd`):

  - paths: no request makes the daemon write outside its configured paths:
    `config save PATH` writes the configuration file or a file directly in
    --save-dir, nothing else ('..', absolute paths elsewhere, symbolic links
    to files or directories outside, dangling links, directories), each
    refusal a clear error that is counted in `show limits`;
  - permissions: the socket is 0660 with --ctl-group; a client running as
    `nobody` is refused by the kernel, the same user with the group is
    served (root and setpriv needed, else skipped with a note);
  - limits: `show limits` renders every limit with its use and refusals.
"""

import grp
import json
import os
import pwd
import shutil
import stat
import subprocess
import tempfile


def _listing(path):
    return sorted(os.listdir(path))


def test_paths(cd):
    top = os.path.join(cd.TMP, "paths")
    etc, save, outside = (os.path.join(top, n) for n in ("etc", "save", "outside"))
    for p in (etc, save, outside):
        os.makedirs(p, exist_ok=True)
    conf = os.path.join(etc, "sw.conf")
    with open(conf, "w") as f:
        f.write(cd.conf_text())
    target = os.path.join(outside, "target.conf")
    with open(target, "w") as f:
        f.write("keep me\n")
    os.symlink(target, os.path.join(save, "link.conf"))
    os.symlink(os.path.join(outside, "new.conf"), os.path.join(save, "dangling.conf"))
    os.symlink(outside, os.path.join(save, "sub"))
    os.makedirs(os.path.join(save, "dir.conf"))
    os.symlink(save, os.path.join(top, "savelink"))

    # Without --save-dir: the configuration file only.
    d = cd.Daemon("paths-nodir", conf)
    refusals = 0
    try:
        r = cd.ok_result(d, "config", "save")
        cd.check(conf in r["message"], "config save writes the configuration file", r)
        cd.ok_result(d, "config", "save", conf)
        cd.ok_result(d, "config", "save", "sw.conf")  # relative: beside the configuration
        cd.ok_result(d, "config", "save", os.path.join(top, "etc", "..", "etc", "sw.conf"))
        before = {p: _listing(p) for p in (etc, outside, top)}
        for arg in (
            os.path.join(etc, "other.conf"),
            "other.conf",
            os.path.join(outside, "x.conf"),
            "../outside/x.conf",
            os.path.join(etc, "..", "outside", "x.conf"),
            os.path.join(save, "x.conf"),
        ):
            err = cd.refused(d, "config", "save", arg)
            refusals += 1
            cd.check("refused" in err and "--save-dir" in err, "config save %s is refused, saying why" % arg, err)
        after = {p: _listing(p) for p in (etc, outside, top)}
        cd.check(before == after, "refused saves create nothing", (before, after))
        lim = cd.j(d, "show", "limits")
        cd.check(lim["control"]["paths_refused"] == refusals, "show limits counts the refused paths", lim["control"])
    finally:
        d.stop()

    # With --save-dir: also files directly in it, and never through a link.
    d = cd.Daemon("paths-dir", conf, ["--save-dir", save])
    refusals = 0
    try:
        cd.ok_result(d, "config", "save", "x.conf")
        cd.ok_result(d, "config", "save", os.path.join(save, "y.conf"))
        cd.ok_result(d, "config", "save", os.path.join(top, "savelink", "w.conf"))  # the directory, resolved
        for n in ("x.conf", "y.conf", "w.conf"):
            p = subprocess.run([cd.VNSWITCHD, "-c", os.path.join(save, n), "--check"], capture_output=True, text=True)
            cd.check(p.returncode == 0, "the saved %s loads" % n, p.stderr)
        os.chmod(os.path.join(save, "x.conf"), 0o600)
        cd.ok_result(d, "config", "save", "x.conf")
        cd.check(stat.S_IMODE(os.stat(os.path.join(save, "x.conf")).st_mode) == 0o600,
                 "a rewritten file keeps its mode")
        before = {p: _listing(p) for p in (save, outside, etc, top)}
        cases = [
            (os.path.join(save, "..", "outside", "z.conf"), "refused"),
            ("../outside/z.conf", "refused"),
            ("sub/z.conf", "refused"),
            (os.path.join(save, "sub", "z.conf"), "refused"),
            (os.path.join(outside, "z.conf"), "refused"),
            (os.path.join(etc, "z.conf"), "refused"),
            ("link.conf", "symbolic link"),
            ("dangling.conf", "symbolic link"),
            ("sub", "symbolic link"),
            ("dir.conf", "not a regular file"),
            (".", "does not name a file"),
            ("..", "does not name a file"),
            (save + "/", "does not name a file"),
            ("", "1.."),
            ("x" * 300, "too long"),
            ("nodir/z.conf", "its directory"),
        ]
        for arg, why in cases:
            err = cd.refused(d, "config", "save", arg)
            refusals += 1
            cd.check(why in err, "config save %r is refused (%s)" % (arg[:40], why), err)
        after = {p: _listing(p) for p in (save, outside, etc, top)}
        cd.check(before == after, "refused saves create nothing (no temporary file either)", (before, after))
        with open(target) as f:
            cd.check(f.read() == "keep me\n", "the file behind a symbolic link is untouched")
        cd.check(os.path.islink(os.path.join(save, "link.conf")), "the link itself is untouched")
        cd.check(not os.path.exists(os.path.join(outside, "new.conf")), "a dangling link creates nothing")
        lim = cd.j(d, "show", "limits")
        cd.check(lim["control"]["paths_refused"] == refusals, "show limits counts the refused paths",
                 (lim["control"], refusals))
        # reload takes no path: it reads the configuration file only.
        cd.refused(d, "config", "reload", target)
    finally:
        d.stop()
    p = subprocess.run([cd.VNSWITCHD, "-c", conf, "--save-dir", os.path.join(top, "none"), "--check"],
                       capture_output=True, text=True)
    cd.check(p.returncode == 2 and "--save-dir" in p.stderr, "--save-dir must be a directory", p.stderr)


def _other_group(user):
    """An existing group the user is not in (name, gid), or None."""
    pw = pwd.getpwnam(user)
    for g in grp.getgrall():
        if g.gr_gid not in (0, pw.pw_gid) and user not in g.gr_mem:
            return g.gr_name, g.gr_gid
    return None


def test_permissions(cd):
    setpriv = shutil.which("setpriv")
    if os.geteuid() != 0 or not setpriv:
        print("  (skipped: permission test needs root and setpriv)")
        return
    try:
        nobody = pwd.getpwnam("nobody")
    except KeyError:
        print("  (skipped: no user nobody)")
        return
    g = _other_group("nobody")
    if not g:
        print("  (skipped: no group to test with)")
        return
    # A directory everyone may enter, so that only the socket's own mode
    # decides; vnctl copied there, as the build tree may be private.
    top = tempfile.mkdtemp(prefix="vnctl-perm-")
    try:
        os.chmod(top, 0o755)
        vnctl = os.path.join(top, "vnctl")
        shutil.copy(cd.VNCTL, vnctl)
        os.chmod(vnctl, 0o755)
        conf = os.path.join(cd.TMP, "perm.conf")
        with open(conf, "w") as f:
            f.write(cd.conf_text())
        d = cd.Daemon("perm", conf, ["--ctl-group", g[0]])
        sock = os.path.join(top, "ctl")
        try:
            # The daemon's socket lives in its private directory: link it
            # into the open one (a hard link to the socket file).
            os.link(d.ctl, sock)
            st = os.stat(sock)
            cd.check(stat.S_IMODE(st.st_mode) == 0o660 and st.st_gid == g[1],
                     "socket mode 0660, group %s" % g[0], (oct(st.st_mode), st.st_gid))
            base = [setpriv, "--reuid", str(nobody.pw_uid), "--regid", str(nobody.pw_gid)]
            p = subprocess.run(base + ["--clear-groups", vnctl, "--ctl", sock, "version"],
                               capture_output=True, text=True, timeout=30)
            cd.check(p.returncode != 0 and "ermission denied" in p.stderr,
                     "a client without permission (nobody) is refused", (p.returncode, p.stderr))
            p = subprocess.run(base + ["--groups", str(g[1]), vnctl, "--ctl", sock, "-f", "json", "version"],
                               capture_output=True, text=True, timeout=30)
            cd.check(p.returncode == 0 and "version" in p.stdout,
                     "nobody in group %s is served" % g[0], (p.returncode, p.stdout, p.stderr))
            # And may not make the daemon write anywhere else either.
            p = subprocess.run(base + ["--groups", str(g[1]), vnctl, "--ctl", sock, "config", "save",
                                       os.path.join(top, "x.conf")],
                               capture_output=True, text=True, timeout=30)
            cd.check(p.returncode == 1 and "refused" in p.stderr and not os.path.exists(os.path.join(top, "x.conf")),
                     "... but not to write outside the configured paths", p.stderr)
        finally:
            d.stop()
    finally:
        shutil.rmtree(top, ignore_errors=True)


def test_limits(cd):
    conf = os.path.join(cd.TMP, "limits.conf")
    with open(conf, "w") as f:
        f.write(cd.conf_text())
    d = cd.Daemon("limits", conf, ["--ctl-max-clients", "5", "--ctl-max-request", "4096"])
    try:
        lim = cd.j(d, "show", "limits")
        cd.check(list(lim) == ["veths", "vsis", "fdb", "lldp", "vdp", "control"], "show limits sections", list(lim))
        cd.check(lim["veths"]["max"] == 65536 and lim["veths"]["used"] == 4, "show limits: vEths", lim["veths"])
        h1 = [p for p in lim["veths"]["ports"] if p["port"] == "h1"]
        cd.check(len(h1) == 1 and h1[0]["max"] == 8 and h1[0]["used"] == 2, "show limits: vEths of h1", h1)
        cd.check(lim["fdb"]["max"] == 262144 and lim["fdb"]["max_per_veth"] == 1024,
                 "show limits: FDB defaults", lim["fdb"])
        cd.check(lim["vsis"]["max"] == 16384 and lim["vsis"]["used"] == 0, "show limits: VSIs", lim["vsis"])
        cd.check(lim["lldp"]["max_neighbors"] == 8, "show limits: LLDP neighbours", lim["lldp"])
        c = lim["control"]
        cd.check(c["max_clients"] == 5 and c["max_request"] == 4096 and c["clients_refused"] == 0,
                 "show limits: control socket", c)
        # An oversized request is refused and counted.
        s = cd.connect(d)
        s.sendall(cd.hdr(5000))
        rep, _ = cd.read_reply(s)
        s.close()
        cd.check(rep is not None and rep.get("status") == "error", "an oversized request is refused", rep)
        held = [cd.connect(d) for _ in range(5)]
        cd.wait_for(lambda: cd.vnctl(d, "version", rc=None).returncode != 0, "the client limit to apply")
        for s in held:
            s.close()
        cd.wait_for(lambda: cd.vnctl(d, "version", rc=None).returncode == 0, "a slot to free up")
        c = cd.j(d, "show", "limits")["control"]
        cd.check(c["requests_refused"] == 1 and c["clients_refused"] >= 1,
                 "show limits counts oversized requests and refused clients", c)
        p = cd.vnctl(d, "show", "limits", fmt="plain")
        cd.check("paths_refused" not in p.stdout and "Refused" in p.stdout, "show limits in plain text", p.stdout[:400])
        cd.refused(d, "show", "limits", "x")
    finally:
        d.stop()


def tests(cd):
    return [
        ("abuse: paths", lambda: test_paths(cd)),
        ("abuse: socket permissions", lambda: test_permissions(cd)),
        ("abuse: show limits", lambda: test_limits(cd)),
    ]
