# SPDX-License-Identifier: MIT
"""anyns-healthd with real BIRD 2: a node BIRD that healthd drives through its
control socket, and a peer BIRD (eBGP over loopback, its own ports) whose
routing table shows what the rest of the Internet would see. anynsd is real.

Each failure case measures, from the event to the route's disappearance in
the PEER's table, the withdraw time and prints it (pytest -s shows it).
"""
import fcntl
import json
import os
import random
import re
import signal
import struct
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import free_port
from birdutil import HEALTHD, PREFIX, Bird, BirdCtl, birdc, healthd_ctl

ZONE = """$ORIGIN example.com.
$TTL 3600
@ SOA ns1 hostmaster 2026112601 7200 3600 1209600 300
@ NS ns1
ns1 A 192.0.2.53
www A 192.0.2.80
"""

NODE_CONF = """router id 10.{n}.0.1;
protocol device {{ scan time 10; }}
protocol static anyns_service {{ disabled; ipv4; route {prefix} via "{tun}"; }}
protocol static anyns_drain {{ disabled; ipv4;
  route {prefix} via "{tun}" {{ bgp_community.add((65535,0)); }}; }}
protocol bgp peer {{
  local {node} port {node_port} as 65001; neighbor {peer} port {peer_port} as 64500;
  multihop; connect delay time 1; connect retry time 1; error wait time 1,2;
  ipv4 {{ import none; export where proto ~ "anyns_*"; }};
}}
"""
PEER_CONF = """router id 10.{n}.0.2;
protocol device {{ scan time 10; }}
protocol bgp node {{
  local {peer} port {peer_port} as 64500; neighbor {node} port {node_port} as 65001;
  multihop; connect delay time 1; connect retry time 1; error wait time 1,2;
  ipv4 {{ import all; export none; }};
}}
"""

pytestmark = pytest.mark.skipif(os.geteuid() != 0 or not os.path.exists("/dev/net/tun")
                                or not os.path.exists("/usr/sbin/bird"),
                                reason="needs root, /dev/net/tun and BIRD 2 (bird2)")


_NEXT_NET = [random.randint(2, 120)]


def next_net():
    """A loopback /16 (127.n.0.0) not used by an earlier node of this run."""
    _NEXT_NET[0] = _NEXT_NET[0] % 248 + 2
    return _NEXT_NET[0]


class Node:
    """anynsd + node BIRD + peer BIRD + anyns-healthd, all on loopback."""

    def __init__(self, tmp_path, anynsd, policy=None, probes=None, extra="", bird_extra="",
                 speaker=""):
        self.dir = tmp_path
        n = next_net()
        self.tun = "anst%d" % random.randint(0, 99999)
        self.node_ip, self.peer_ip = "127.%d.0.1" % n, "127.%d.0.2" % n
        ports = dict(node_port=free_port(self.node_ip), peer_port=free_port(self.peer_ip))
        fmt = dict(n=n, prefix=PREFIX, tun=self.tun, node=self.node_ip,
                   peer=self.peer_ip, **ports)
        self.node_bird = self.peer_bird = self.proc = None
        try:
            self.node_bird = Bird(tmp_path, "node", NODE_CONF.format(**fmt) +
                                  bird_extra.format(**fmt))
            self.peer_bird = Bird(tmp_path, "peer", PEER_CONF.format(**fmt))
        except Exception:
            self.stop()                # nothing started is left behind
            raise
        self.anynsd = anynsd(zones={"example.com.": ZONE})
        self.pidfile = tmp_path / "anynsd.pid"
        self.pidfile.write_text("%d\n" % self.anynsd.pid)
        self.ctl = tmp_path / "healthd.ctl"
        self.metrics_port = free_port()
        pol = dict(rise=2, fall=2, **{"hold-down": "1s", "drain-time": "2s"})
        pol.update(policy or {})
        self.conf = tmp_path / "healthd.yaml"
        self.conf.write_text(
            'announce: { asn: 65001, prefixes: [ "%s" ] }\n' % PREFIX +
            "speaker: { type: bird, socket: %s, timeout: 300ms, retry: 200ms%s }\n"
            % (self.node_bird.sock, speaker) +
            "healthd: { control: %s, metrics: 127.0.0.1@%d, tun: %s, identity: n1 }\n"
            % (self.ctl, self.metrics_port, self.tun) +
            "policy: { %s }\n" % ", ".join("%s: %s" % kv for kv in pol.items()) +
            "probe:\n" + (probes or
            "  - { id: dns, type: dns, server: 127.0.0.1@%d, name: example.com,"
            " interval: 100ms, timeout: 100ms }\n" % self.anynsd.port +
            "  - { id: anynsd, type: process, pidfile: %s, interval: 1s }\n"
            % self.pidfile) + extra)
        self.log = tmp_path / "healthd.log"
        try:
            self.wait_established()
        except AssertionError:
            self.stop()
            raise

    def start(self):
        self.proc = subprocess.Popen([str(HEALTHD), "-c", str(self.conf)],
                                     stdout=subprocess.DEVNULL,
                                     stderr=open(self.log, "ab"))
        return self

    def logtext(self):
        return self.log.read_text(errors="replace")

    def wait_established(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if "Established" in birdc(self.peer_bird.sock, "show", "protocols", "node"):
                return
            time.sleep(0.1)
        raise AssertionError("BGP session between the BIRDs did not come up:\n%s\n%s" % (
            birdc(self.node_bird.sock, "show", "protocols", "all", "peer"),
            birdc(self.peer_bird.sock, "show", "protocols", "all", "node")))

    def peer_route(self):
        """The prefix as the peer sees it ('' when not announced)."""
        out = birdc(self.peer_bird.sock, "show", "route", "all", "for", PREFIX)
        return out if PREFIX in out else ""

    def wait_route(self, present, timeout=10.0):
        """Seconds until the peer has (or lost) the route; fails on timeout."""
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            if bool(self.peer_route()) == present:
                return time.monotonic() - t0
            time.sleep(0.01)
        raise AssertionError("route %s not %s at the peer after %.1fs\n%s" % (
            PREFIX, "announced" if present else "withdrawn", timeout, self.logtext()))

    def ctl_cmd(self, *args):
        return healthd_ctl(self.ctl, *args)

    def status(self):
        return json.loads(self.ctl_cmd("--json", "status").stdout)

    def restart_anynsd(self):
        self.anynsd.start()
        self.pidfile.write_text("%d\n" % self.anynsd.pid)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for b in (self.node_bird, self.peer_bird):
            if b:
                b.stop()


@pytest.fixture
def node(tmp_path, anynsd):
    made = []

    def make(**kw):
        n = Node(tmp_path, anynsd, **kw)
        made.append(n)
        return n
    yield make
    for n in made:
        try:
            os.kill(n.anynsd.pid, signal.SIGCONT)
        except ProcessLookupError:
            pass
        n.stop()


def test_announce_when_healthy_then_kill_anynsd(node):
    n = node().start()
    n.wait_route(True)
    assert n.status()["state"] == "up"
    t0 = time.monotonic()
    n.anynsd.proc.kill()
    n.anynsd.proc.wait()
    n.wait_route(False, timeout=3)
    gone = time.monotonic() - t0
    print("\nwithdraw after anynsd SIGKILL: %.0f ms at the peer" % (gone * 1000))
    assert gone < 1.0
    assert re.search(r"bird, withdraw 203\.0\.113\.0/24 \(probe (anynsd|dns) failed",
                     n.logtext())
    # Recovery: re-announced only after rise and the hold-down (1 s).
    t1 = time.monotonic()
    n.restart_anynsd()
    n.wait_route(True, timeout=10)
    back = time.monotonic() - t1
    print("re-announce after anynsd restart: %.0f ms (hold-down 1 s)" % (back * 1000))
    assert back >= 0.5
    assert "hold-down 1000ms over" in n.logtext()


def test_withdraw_when_anynsd_hangs(node):
    n = node().start()
    n.wait_route(True)
    t0 = time.monotonic()
    os.kill(n.anynsd.pid, signal.SIGSTOP)
    n.wait_route(False, timeout=3)
    gone = time.monotonic() - t0
    print("\nwithdraw after anynsd SIGSTOP: %.0f ms at the peer" % (gone * 1000))
    assert gone < 0.6     # interval 100 ms, timeout 100 ms, fall 2
    assert "probe dns failed 2 times: timeout" in n.logtext()
    os.kill(n.anynsd.pid, signal.SIGCONT)
    n.wait_route(True, timeout=10)


def test_drain_adds_graceful_shutdown_then_withdraws(node):
    n = node().start()
    n.wait_route(True)
    assert "65535,0" not in n.peer_route()
    assert n.ctl_cmd("drain").stdout.startswith("ok: state draining")
    t0 = time.monotonic()
    while "(65535,0)" not in n.peer_route():
        assert time.monotonic() - t0 < 3, n.peer_route()
        time.sleep(0.02)
    assert n.status()["gshut"] is True
    n.wait_route(False, timeout=5)
    assert time.monotonic() - t0 >= 1.5          # drain-time 2 s
    st = n.status()
    assert st["state"] == "drained" and st["announced"] is False
    time.sleep(0.5)
    assert not n.peer_route()                    # healthy probes do not undo a drain
    n.ctl_cmd("undrain")
    n.wait_route(True)
    assert "65535,0" not in n.peer_route()


def test_drain_by_signal(node):
    n = node(policy={"drain-time": "0s"}).start()
    n.wait_route(True)
    n.proc.send_signal(signal.SIGUSR1)
    n.wait_route(False, timeout=3)
    n.proc.send_signal(signal.SIGUSR2)
    n.wait_route(True, timeout=3)


def test_sigterm_withdraws(node):
    n = node().start()
    n.wait_route(True)
    t0 = time.monotonic()
    n.proc.terminate()
    assert n.proc.wait(5) == 0
    n.wait_route(False, timeout=3)
    print("\nwithdraw after healthd SIGTERM: %.0f ms" % ((time.monotonic() - t0) * 1000))
    assert "(shutting down)" in n.logtext()


def test_sigkill_of_healthd_withdraws_through_tun(node):
    n = node().start()
    n.wait_route(True)
    t0 = time.monotonic()
    n.proc.kill()
    n.proc.wait()
    n.wait_route(False, timeout=5)
    gone = time.monotonic() - t0
    print("\nwithdraw after healthd SIGKILL (tun device gone): %.0f ms" % (gone * 1000))
    assert gone < 3.0
    assert not Path("/sys/class/net/" + n.tun).exists()


def test_restarted_healthd_does_not_reannounce_before_rise(node):
    """A SIGKILLed healthd leaves BIRD's static protocol enabled (its route
    vanished only with the tun device). Its successor must withdraw before
    it makes the device again, or the route returns for a few ms."""
    n = node(policy={"rise": 3}).start()
    n.wait_route(True)
    n.proc.kill()
    n.proc.wait()
    n.wait_route(False, timeout=5)
    assert "anyns_service" in birdc(n.node_bird.sock, "show", "protocols", "anyns_service")
    assert re.search(r"anyns_service\s+Static\s+master4\s+up",
                     birdc(n.node_bird.sock, "show", "protocols", "anyns_service"))
    peer = BirdCtl(n.peer_bird.sock)
    try:
        before = peer.import_updates()
        n.log.write_bytes(b"")
        n.start()
        t0 = time.monotonic()
        seen, polls = None, 0
        # "state init -> up" is logged when rise passed, before the request
        # that announces; a route seen before that line is a flap.
        while time.monotonic() - t0 < 5 and "-> up" not in n.logtext():
            polls += 1
            if peer.has_route() and "-> up" not in n.logtext():
                seen = time.monotonic() - t0
                break
            time.sleep(0.002)
        assert seen is None, ("route back at the peer %.0f ms after the restart, "
                              "before rise:\n%s" % (seen * 1000, n.logtext()))
        assert "-> up" in n.logtext(), n.logtext()
        n.wait_route(True, timeout=3)
        # A re-announcement too short for the polls still shows in the
        # peer's counters: exactly one update (the announcement after rise).
        assert peer.import_updates() == before + 1, n.logtext()
        print("\nrestart after SIGKILL: %d polls of the peer, no early route" % polls)
    finally:
        peer.close()
    log = n.logtext()
    assert log.index("bird, withdraw") < log.index("tun %s, created" % n.tun)


def test_second_instance_fails_without_withdrawing(node):
    """A second healthd started by mistake must not take the running one's
    route away: its tun device exists, so it stops before its start-up
    withdrawal."""
    n = node().start()
    n.wait_route(True)
    peer = BirdCtl(n.peer_bird.sock)
    try:
        before = peer.cmd("show protocols all node")
        r = subprocess.run([str(HEALTHD), "-c", str(n.conf)], capture_output=True,
                           text=True, timeout=10)
        assert r.returncode == 1
        assert "tun %s, exists already" % n.tun in r.stderr, r.stderr
        assert "withdraw" not in r.stderr
        time.sleep(0.2)
        assert peer.has_route()
        withdraws = [line for line in peer.cmd("show protocols all node")
                     if "Import withdraws" in line]
        assert withdraws == [line for line in before if "Import withdraws" in line]
    finally:
        peer.close()
    assert n.proc.poll() is None and n.status()["state"] == "up"


def hold_tun(name):
    """Creates tun device `name` (non-persistent) as a dying healthd still
    holds its own; returns the descriptor that keeps it."""
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, 0x400454ca, struct.pack("16sH", name.encode(), 0x0001 | 0x1000))
    return fd                                    # TUNSETIFF, IFF_TUN | IFF_NO_PI


def test_restart_right_behind_a_sigkill(node):
    """A killed instance's tun device goes a few ms after the kill; a new
    instance started in that moment waits for it (up to 1 s) instead of
    refusing to start. The test holds the name for 300 ms to make that
    moment long."""
    n = node().start()
    n.wait_route(True)
    n.proc.kill()
    n.proc.wait()
    n.wait_route(False, timeout=5)
    fd = hold_tun(n.tun)
    try:
        n.start()
        time.sleep(0.3)
        assert n.proc.poll() is None, n.logtext()
    finally:
        os.close(fd)
    n.wait_route(True, timeout=10)
    assert "exists already" not in n.logtext()


def test_frozen_bird_does_not_hang_healthd(node):
    n = node().start()
    n.wait_route(True)
    os.kill(n.node_bird.pid, signal.SIGSTOP)
    try:
        n.anynsd.proc.kill()
        n.anynsd.proc.wait()
        time.sleep(1.0)
        t0 = time.monotonic()
        st = n.status()                          # healthd still answers
        assert time.monotonic() - t0 < 1.0
        assert st["state"] == "down" and st["speaker_ok"] is False
        assert re.search(r"bird, withdraw 203\.0\.113\.0/24 failed \(.*timeout\)",
                         n.logtext())
    finally:
        os.kill(n.node_bird.pid, signal.SIGCONT)
    n.wait_route(False, timeout=5)               # the retry went through
    assert n.status()["speaker_ok"] is True


def test_restarted_bird_gets_the_announcement_back(node):
    n = node(extra="")
    n.conf.write_text(n.conf.read_text().replace("retry: 200ms }", "retry: 200ms, refresh: 2s }"))
    n.start()
    n.wait_route(True)
    birdc(n.node_bird.sock, "disable", "anyns_service")   # as after a BIRD restart
    n.wait_route(False, timeout=3)
    # speaker.refresh (10 s by default, 2 s here) re-asserts the state.
    n.wait_route(True, timeout=5)


def test_no_flap_under_cpu_load(node):
    n = node(policy={"fall": 3}).start()
    n.wait_route(True)
    time.sleep(0.5)
    before = n.status()
    burners = [subprocess.Popen(["timeout", "8", "sh", "-c", "while :; do :; done"])
               for _ in range(2)]
    try:
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline:
            assert n.peer_route(), "route withdrawn under CPU load\n" + n.logtext()
            time.sleep(0.2)
    finally:
        for b in burners:
            b.kill()
            b.wait()
    after = n.status()
    assert after["state"] == "up"
    assert len(after["transitions"]) == len(before["transitions"])
    runs = {p["id"]: p["runs"] - q["runs"] for p, q in zip(after["probes"], before["probes"])}
    assert runs["dns"] >= 60                     # probes kept running under load


def test_metrics_and_status(node):
    n = node().start()
    n.wait_route(True)
    body = urllib.request.urlopen("http://127.0.0.1:%d/metrics" % n.metrics_port,
                                  timeout=3).read().decode()
    assert "anyns_healthd_announced 1" in body
    assert 'anyns_healthd_state{state="up"} 1' in body
    assert re.search(r'anyns_healthd_probe_runs_total\{probe="dns"\} [1-9]', body)
    for line in body.splitlines():
        assert line.startswith("#") or re.match(r'^anyns_healthd_\w+(\{\w+="[^"]*"\})? [0-9.]+$', line), line
    # the same Prometheus text as anynsd's (issue 4): promtool accepts it
    # (prometheus is in scripts/deps.sh's test set, so it is not optional here)
    lint = subprocess.run(["promtool", "check", "metrics"], input=body, text=True,
                          capture_output=True, timeout=30)
    assert lint.returncode == 0 and (lint.stdout + lint.stderr).strip() == "", \
        lint.stdout + lint.stderr
    assert n.ctl_cmd("metrics").stdout == body or "anyns_healthd_announced" in n.ctl_cmd("metrics").stdout
    text = n.ctl_cmd("status").stdout
    assert text.startswith("state: up") and "probe dns: ok" in text
    bad = n.ctl_cmd("reboot")
    assert bad.returncode == 1 and "unknown command" in bad.stdout


def test_dns_probe_expected_answer_and_command_probe(node, tmp_path):
    flag = tmp_path / "healthy"
    n = node(probes=None)
    n.conf.write_text(n.conf.read_text().replace(
        "name: example.com,", "name: www.example.com, qtype: A, answer: 192.0.2.99,") +
        "  - { id: cmd, type: command, command: \"test -e %s\", interval: 200ms, "
        "timeout: 200ms }\n" % flag)
    n.start()
    time.sleep(1.5)
    st = n.status()
    assert st["state"] == "init" and not n.peer_route()
    probes = {p["id"]: p for p in st["probes"]}
    assert probes["dns"]["last"] == "no answer '192.0.2.99'"
    assert probes["cmd"]["last"] == "command exit status 1"


def test_zone_probe_served_missing_and_behind_primary(node, anynsd):
    # The hidden primary is 9 serials ahead of the local anynsd.
    primary = anynsd(zones={"example.com.": ZONE.replace("2026112601", "2026112610")})
    n = node(probes=None)
    local, prim = "127.0.0.1@%d" % n.anynsd.port, "127.0.0.1@%d" % primary.port
    z = ("  - { id: %s, type: zone, server: " + local + ", name: %s, interval: 100ms,"
         " timeout: 100ms%s }\n")
    n.conf.write_text(n.conf.read_text() + z % ("fresh", "example.com", "") +
                      z % ("missing", "example.org", "") +
                      z % ("lag", "example.com", ", primary: %s, max-serial-lag: 2" % prim) +
                      z % ("near", "example.com", ", primary: %s, max-serial-lag: 9" % prim))
    n.start()
    time.sleep(1.5)
    st = n.status()
    assert st["state"] == "init" and not n.peer_route()
    probes = {p["id"]: p for p in st["probes"]}
    assert probes["fresh"]["ok"] and probes["near"]["ok"], probes
    assert "example.org not served (rcode 5" in probes["missing"]["last"], probes
    assert probes["lag"]["last"] == "serial 2026112601 behind primary 2026112610", probes


def test_command_probe_overrun_is_killed(node, tmp_path):
    marker = tmp_path / ("anyns-healthd-test-%d.sh" % random.randint(0, 1 << 30))
    marker.write_text("sleep 30\n")
    n = node(probes="  - { id: cmd, type: command, command: \"sh %s\","
                    " interval: 300ms, timeout: 200ms }\n" % marker).start()
    time.sleep(1.2)
    st = n.status()
    assert st["probes"][0]["last"] == "timeout" and st["probes"][0]["runs"] >= 3
    ps = subprocess.run(["pgrep", "-f", marker.name], capture_output=True, text=True).stdout
    assert len(ps.split()) <= 2                  # only the run in flight: sh -c, sh
    n.proc.terminate()                           # stopping kills the run in flight
    assert n.proc.wait(5) == 0
    time.sleep(0.1)
    assert subprocess.run(["pgrep", "-f", marker.name], capture_output=True).stdout == b""


def test_config_error_names_file_and_line(tmp_path):
    conf = tmp_path / "h.yaml"
    conf.write_text('announce: { asn: 65001, prefixes: [ "203.0.113.0/24" ] }\n'
                    "policy:\n  rise: lots\n")
    r = subprocess.run([str(HEALTHD), "-c", str(conf)], capture_output=True, text=True)
    assert r.returncode == 1
    assert "h.yaml:3: policy.rise: expected an integer 1..100, got 'lots'" in r.stderr
