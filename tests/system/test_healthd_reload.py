# SPDX-License-Identifier: MIT
"""anyns-healthd: configuration reload (SIGHUP, `ctl reload`) and a loop
that never waits for the BGP speaker, with real BIRD 2 (node BIRD driven by
healthd, peer BIRD whose table is what the Internet sees; test_healthd.Node)
and, for prefixes healthd itself announces, the ExaBGP API pipe.
"""
import json
import os
import re
import signal
import subprocess
import time

from birdutil import HEALTHD, PREFIX, BirdCtl, healthd_ctl
from test_healthd import node, pytestmark  # noqa: F401 (fixture, skip rule)
from test_healthd_exabgp import ZONE as EXA_ZONE, read_line

PREFIX_B = "198.51.100.0/24"
# A second static protocol on the node BIRD, for the prefix a reload adds.
BIRD_B = ('protocol static anyns_service_b {{ disabled; ipv4; '
          'route %s via "{tun}"; }}\n' % PREFIX_B)


def transitions(n):
    return len(n.status()["transitions"])


def peer_has(ctl, prefix):
    return any(prefix in line for line in ctl.cmd("show route for " + prefix))


def wait_peer(ctl, prefix, present, timeout=5.0):
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if peer_has(ctl, prefix) == present:
            return time.monotonic() - t0
        time.sleep(0.01)
    raise AssertionError("%s not %s at the peer" % (prefix, "present" if present else "gone"))


def import_withdraws(peer):
    for line in peer.cmd("show protocols all node"):
        m = re.search(r"Import withdraws:\s+(\d+)", line)
        if m:
            return int(m.group(1))
    raise AssertionError("no import statistics")


def reload_ctl(n):
    return healthd_ctl(n.ctl, "reload")


def test_reload_of_the_same_file_changes_nothing(node):
    n = node().start()
    n.wait_route(True)
    time.sleep(0.5)
    peer = BirdCtl(n.peer_bird.sock)
    try:
        updates, before = peer.import_updates(), n.status()
        n.proc.send_signal(signal.SIGHUP)
        r = reload_ctl(n)
        assert r.returncode == 0 and "no change" in r.stdout, r.stdout + r.stderr
        time.sleep(1.0)
        after = n.status()
        assert after["state"] == "up" and peer.has_route()
        assert len(after["transitions"]) == len(before["transitions"])
        assert peer.import_updates() == updates        # no withdraw/announce
        assert after["reloads"] == before["reloads"] + 2
        # The probes kept their counters (not restarted).
        assert after["probes"][0]["runs"] > before["probes"][0]["runs"]
        assert "reload of %s, no change" % n.conf in n.logtext()
    finally:
        peer.close()


def test_broken_file_keeps_the_running_configuration(node):
    n = node().start()
    n.wait_route(True)
    good = n.conf.read_text()
    lines = good.splitlines()
    lines.insert(3, "policy2: { rise: 1 }")                # line 4: unknown section
    n.conf.write_text("\n".join(lines) + "\n")
    before = transitions(n)
    r = reload_ctl(n)
    assert r.returncode == 1, r.stdout
    assert re.search(r"^error: reload of .*healthd\.yaml failed \(.*healthd\.yaml:4: ",
                     r.stdout), r.stdout
    n.proc.send_signal(signal.SIGHUP)
    time.sleep(0.8)
    st = n.status()
    assert st["state"] == "up" and transitions(n) == before
    assert st["reload_failures"] == 2 and st["last_reload"]["ok"] is False
    assert n.peer_route()
    assert re.search(r"error: healthd, reload of .* failed \(.*healthd\.yaml:4: .*\), "
                     r"running configuration kept", n.logtext())
    m = healthd_ctl(n.ctl, "metrics").stdout
    assert "anyns_healthd_last_reload_success 0" in m
    assert "anyns_healthd_reload_failures_total 2" in m
    # A change that needs a restart is refused the same way.
    n.conf.write_text(good.replace("tun: %s" % n.tun, "tun: other0"))
    r = reload_ctl(n)
    assert r.returncode == 1 and "healthd.tun changed: needs a restart" in r.stdout
    n.conf.write_text(good)
    assert reload_ctl(n).returncode == 0
    assert n.status()["last_reload"]["ok"] is True


def test_reload_adds_and_removes_probes_and_policy(node):
    n = node().start()
    n.wait_route(True)
    base = n.conf.read_text()
    # A new probe that always fails: it withdraws after `fall` (2) results,
    # so the reload really started it; the old probes keep their counters.
    n.conf.write_text(base + "  - { id: bad, type: command, command: 'exit 3', "
                      "interval: 100ms, timeout: 100ms }\n")
    runs = n.status()["probes"][0]["runs"]
    r = reload_ctl(n)
    assert r.returncode == 0 and "1 added" in r.stdout, r.stdout
    n.wait_route(False, timeout=3)
    st = n.status()
    assert [p["id"] for p in st["probes"]] == ["dns", "anynsd", "bad"]
    assert st["probes"][0]["runs"] >= runs
    assert "probe bad failed 2 times: command exit status 3" in st["reason"]
    # Removing it again (and a lower rise) lets the node come back after
    # the hold-down (1 s), with no restart.
    n.conf.write_text(base.replace("rise: 2", "rise: 1"))
    r = reload_ctl(n)
    assert "1 removed" in r.stdout and "policy changed" in r.stdout, r.stdout
    n.wait_route(True, timeout=5)


def test_reload_adds_and_removes_a_prefix_bird(node):
    """With BIRD the prefixes live in bird.conf: a reload that widens
    `protocol` to a pattern brings the second static protocol (and its
    prefix) in; narrowing it back disables the protocol no longer named,
    and the peer loses that prefix, while the first one never moves."""
    n = node(bird_extra=BIRD_B).start()
    n.wait_route(True)
    base = n.conf.read_text()
    peer = BirdCtl(n.peer_bird.sock)
    try:
        assert not peer_has(peer, PREFIX_B)
        time.sleep(0.3)
        updates, withdraws = peer.import_updates(), import_withdraws(peer)
        n.conf.write_text(base.replace(
            'prefixes: [ "%s" ]' % PREFIX, 'prefixes: [ "%s", "%s" ]' % (PREFIX, PREFIX_B))
            .replace("retry: 200ms", 'retry: 200ms, protocol: "anyns_service*"'))
        r = reload_ctl(n)
        assert r.returncode == 0 and "1 added" in r.stdout, r.stdout
        print("\nprefix added by reload at the peer after %.0f ms"
              % (wait_peer(peer, PREFIX_B, True) * 1000))
        time.sleep(0.3)
        assert peer.import_updates() == updates + 1     # the new prefix only
        n.conf.write_text(base)
        r = reload_ctl(n)
        assert r.returncode == 0 and "1 removed" in r.stdout, r.stdout
        print("prefix removed by reload gone at the peer after %.0f ms"
              % (wait_peer(peer, PREFIX_B, False) * 1000))
        time.sleep(0.3)
        assert peer.has_route()                         # the first one stayed
        assert peer.import_updates() == updates + 1     # nothing re-announced
        assert import_withdraws(peer) == withdraws + 1  # B's withdrawal only
        assert n.status()["state"] == "up"
    finally:
        peer.close()


def test_reload_adds_and_removes_a_prefix_exabgp(anynsd, tmp_path):
    """Prefixes healthd announces itself (ExaBGP's API pipe; FRR's
    `network` works the same way): an added prefix is announced at once
    while the node is up, a removed one withdrawn, the others untouched."""
    srv = anynsd(zones={"example.com.": EXA_ZONE})
    conf = tmp_path / "h.yaml"
    body = ("healthd: { control: %s }\n" % (tmp_path / "ctl") +
            "policy: { rise: 2, fall: 2 }\n"
            "probe:\n  - { id: dns, type: dns, server: 127.0.0.1@%d, name: example.com,"
            " interval: 100ms, timeout: 100ms }\n" % srv.port)
    conf.write_text('announce: { asn: 65001, prefixes: [ "%s" ] }\n' % PREFIX + body)
    p = subprocess.Popen([str(HEALTHD), "-c", str(conf), "--exabgp"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=open(tmp_path / "log", "wb"))
    try:
        assert read_line(p, 3) == "withdraw route %s next-hop self" % PREFIX
        assert read_line(p, 3) == "announce route %s next-hop self" % PREFIX
        conf.write_text('announce: { asn: 65001, prefixes: [ "%s", "%s" ] }\n'
                        % (PREFIX, PREFIX_B) + body)
        p.send_signal(signal.SIGHUP)
        got = {read_line(p, 3), read_line(p, 1)}
        assert got == {"announce route %s next-hop self" % PREFIX,
                       "announce route %s next-hop self" % PREFIX_B}
        conf.write_text('announce: { asn: 65001, prefixes: [ "%s" ] }\n' % PREFIX_B + body)
        p.send_signal(signal.SIGHUP)
        assert read_line(p, 3) == "withdraw route %s next-hop self" % PREFIX
        assert read_line(p, 1) == "announce route %s next-hop self" % PREFIX_B
        p.send_signal(signal.SIGHUP)                    # same file: no line at all
        time.sleep(0.5)
        st = json.loads(healthd_ctl(tmp_path / "ctl", "--json", "status").stdout)
        assert st["state"] == "up" and st["confirmed"] == "announce"
    finally:
        p.stdin.close()
        p.wait(timeout=5)
    assert p.returncode == 0                            # freed what the reloads made
    import select
    r, _, _ = select.select([p.stdout], [], [], 0)
    rest = p.stdout.read().decode() if r else ""
    # Nothing after the third reload but the withdrawal at exit.
    assert rest.strip() in ("", "withdraw route %s next-hop self" % PREFIX_B), rest


def test_frozen_bird_does_not_stop_probes_or_status(node):
    """BIRD SIGSTOPped with a withdrawal pending: the loop goes on probing
    at its interval and answering the control socket at once; when BIRD
    resumes, the desired state is reached."""
    n = node()
    n.conf.write_text(n.conf.read_text().replace("timeout: 300ms, retry", "timeout: 1s, retry"))
    n.start()
    n.wait_route(True)
    os.kill(n.node_bird.pid, signal.SIGSTOP)
    try:
        n.anynsd.proc.kill()                             # healthd wants a withdrawal
        n.anynsd.proc.wait()
        samples, slowest = [], 0.0
        t_end = time.monotonic() + 3.0
        while time.monotonic() < t_end:
            t0 = time.monotonic()
            st = n.status()
            slowest = max(slowest, time.monotonic() - t0)
            samples.append((t0, st["probes"][0]["runs"]))
            time.sleep(0.1)
        span = samples[-1][0] - samples[0][0]
        runs = samples[-1][1] - samples[0][1]
        print("\nBIRD frozen %.1fs: dns probe ran %d times (interval 100 ms), "
              "slowest status answer %.0f ms" % (span, runs, slowest * 1000))
        assert runs >= span * 10 * 0.7, (runs, span)     # a 1 s block would halve it
        assert slowest < 0.25
        assert st["state"] == "down" and st["desired"] == "withdraw"
        assert st["confirmed"] != "withdraw" and st["speaker_ok"] is False
        assert re.search(r"bird, withdraw 203\.0\.113\.0/24 failed \(timeout\)",
                         n.logtext())
    finally:
        os.kill(n.node_bird.pid, signal.SIGCONT)
    t = n.wait_route(False, timeout=10)
    print("withdrawn %.0f ms after BIRD resumed" % (t * 1000))
    st = n.status()
    assert st["confirmed"] == "withdraw" and st["speaker_ok"] is True


def test_slow_vtysh_does_not_stop_probes_or_status(anynsd, tmp_path):
    """FRR's driver runs vtysh as a child the loop watches: a vtysh that
    hangs (here a stand-in that sleeps while a flag file exists) is killed
    at the speaker timeout, the probes run at their interval meanwhile and
    the control socket answers at once; when vtysh works again the retry
    (with back-off) reaches the desired state."""
    srv = anynsd(zones={"example.com.": EXA_ZONE})
    flag, calls = tmp_path / "hang", tmp_path / "calls"
    vtysh = tmp_path / "vtysh"
    vtysh.write_text('#!/bin/sh\necho "$@" >> %s\n[ -e %s ] && exec sleep 30\nexit 0\n'
                     % (calls, flag))
    vtysh.chmod(0o755)
    pidfile = tmp_path / "anynsd.pid"
    pidfile.write_text("%d\n" % srv.pid)
    ctl = tmp_path / "ctl"
    conf = tmp_path / "h.yaml"
    conf.write_text(
        'announce: { asn: 65001, prefixes: [ "%s" ] }\n' % PREFIX +
        'speaker: { type: frr, vtysh: "%s", timeout: 1s, retry: 200ms }\n' % vtysh +
        'healthd: { control: "%s", tun: "" }\n' % ctl +
        "policy: { rise: 2, fall: 2, hold-down: 1s }\n"
        "probe:\n  - { id: dns, type: dns, server: 127.0.0.1@%d, name: example.com,"
        " interval: 100ms, timeout: 100ms }\n" % srv.port +
        '  - { id: anynsd, type: process, pidfile: "%s", interval: 1s }\n' % pidfile)
    log = tmp_path / "log"
    p = subprocess.Popen([str(HEALTHD), "-c", str(conf)], stdout=subprocess.DEVNULL,
                         stderr=open(log, "wb"))

    def status():
        return json.loads(healthd_ctl(ctl, "--json", "status").stdout)
    try:
        t0 = time.monotonic()
        while not (ctl.exists() and status()["confirmed"] == "announce"):
            assert time.monotonic() - t0 < 5, log.read_text()
            time.sleep(0.05)
        flag.touch()
        srv.proc.kill()
        srv.proc.wait()
        samples, slowest = [], 0.0
        t_end = time.monotonic() + 3.0
        while time.monotonic() < t_end:
            t1 = time.monotonic()
            st = status()
            slowest = max(slowest, time.monotonic() - t1)
            samples.append((t1, st["probes"][0]["runs"]))
            time.sleep(0.1)
        span, runs = samples[-1][0] - samples[0][0], samples[-1][1] - samples[0][1]
        print("\nvtysh hung %.1fs: dns probe ran %d times (interval 100 ms), slowest "
              "status %.0f ms" % (span, runs, slowest * 1000))
        assert runs >= span * 10 * 0.7, (runs, span)
        assert slowest < 0.25
        assert st["desired"] == "withdraw" and st["confirmed"] == "unknown"
        assert "frr, withdraw %s failed (timeout)" % PREFIX in log.read_text()
        flag.unlink()
        t1 = time.monotonic()
        while status()["confirmed"] != "withdraw":
            assert time.monotonic() - t1 < 8, log.read_text()
            time.sleep(0.05)
        assert status()["speaker_ok"] is True
        # Back-off: 1 s timeouts plus 200, 400, 800 ms waits: a handful of
        # attempts in 3 s, not one every 200 ms.
        attempts = calls.read_text().count("no network")
        assert 2 <= attempts <= 5, attempts
    finally:
        p.terminate()
        p.wait(timeout=10)


def test_exabgp_pipe_full_does_not_block(anynsd, tmp_path):
    """ExaBGP not reading its end of the pipe (shrunk to one page): the
    start-up withdrawal of 150 prefixes does not fit, healthd's stdout is
    non-blocking, so the control socket and the probes go on; once the
    reader drains the pipe every line arrives whole, withdrawals first."""
    import fcntl
    srv = anynsd(zones={"example.com.": EXA_ZONE})
    pfx = ["10.%d.%d.0/24" % (i // 250, i % 250) for i in range(150)]
    ctl = tmp_path / "ctl"
    conf = tmp_path / "h.yaml"
    conf.write_text(
        "announce: { asn: 65001, prefixes: [ %s ] }\n" % ", ".join('"%s"' % p for p in pfx) +
        'speaker: { timeout: 300ms, retry: 200ms }\nhealthd: { control: "%s" }\n' % ctl +
        "policy: { rise: 2, fall: 2 }\n"
        "probe:\n  - { id: dns, type: dns, server: 127.0.0.1@%d, name: example.com,"
        " interval: 100ms, timeout: 100ms }\n" % srv.port)
    rfd, wfd = os.pipe()
    fcntl.fcntl(wfd, 1031, 4096)                         # F_SETPIPE_SZ: one page
    p = subprocess.Popen([str(HEALTHD), "-c", str(conf), "--exabgp"], stdin=subprocess.PIPE,
                         stdout=wfd, stderr=open(tmp_path / "log", "wb"))
    os.close(wfd)
    try:
        t0 = time.monotonic()
        while not ctl.exists():
            assert time.monotonic() - t0 < 3, (tmp_path / "log").read_text()
            time.sleep(0.02)
        time.sleep(1.0)
        t1 = time.monotonic()
        st = json.loads(healthd_ctl(ctl, "--json", "status").stdout)
        assert time.monotonic() - t1 < 0.25
        assert st["probes"][0]["runs"] >= 5 and st["confirmed"] != "announce"
        assert "exabgp, withdraw" in (tmp_path / "log").read_text()
        data = b""
        os.set_blocking(rfd, False)
        t2 = time.monotonic()
        while data.count(b"\n") < 300 and time.monotonic() - t2 < 5:
            try:
                data += os.read(rfd, 65536)
            except BlockingIOError:
                time.sleep(0.02)
        lines = data[:data.rindex(b"\n")].decode().splitlines()   # whole lines read
        assert lines[:150] == ["withdraw route %s next-hop self" % x for x in pfx]
        bad = [line for line in lines if not re.fullmatch(
            r"(announce|withdraw) route 10\.\d+\.\d+\.0/24 next-hop self", line)]
        assert not bad, bad[:5]
        t3 = time.monotonic()
        while json.loads(healthd_ctl(ctl, "--json", "status").stdout)["confirmed"] != "announce":
            assert time.monotonic() - t3 < 5
            try:
                os.read(rfd, 65536)
            except BlockingIOError:
                time.sleep(0.02)
    finally:
        p.stdin.close()
        p.wait(timeout=10)
        os.close(rfd)
