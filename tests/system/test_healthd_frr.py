# SPDX-License-Identifier: MIT
"""anyns-healthd driving a real FRRouting (zebra + staticd + bgpd, FRR 8.4)
through vtysh, with a BIRD 2 eBGP peer whose table shows what the Internet
would see. Everything runs in a network namespace the test makes
(healthd_ns.py): FRR's bgpd on 192.0.2.1:179, the peer BIRD on
192.0.2.2:1179 (both on the namespace's lo: bgpd refuses a session from
127.0.0.1, "nexthop_set failed ... intf (Unknown)", as zebra keeps no
interface for loopback's 127/8), anynsd on 127.0.0.1, healthd's tun
device `anyns0`.

The node's frr.conf is the one doc/healthd.md gives: the static route
bound to healthd's tun, `bgp network import-check`, the ANYNS-GSHUT
route-map. Each case prints its time from the event to the route's
change in the PEER's table (pytest -s shows them).
"""
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from healthd_ns import can_make_namespaces, netns, read_pidfile, stop_pid
from birdutil import HEALTHD, PREFIX, Bird, BirdCtl, PeerView, healthd_ctl, probes
from test_healthd import ZONE

FRR = Path("/usr/lib/frr")

pytestmark = [
    pytest.mark.skipif(not (FRR / "bgpd").exists() or not shutil.which("vtysh"),
                       reason="FRRouting is not installed (apt-get install frr)"),
    pytest.mark.skipif(not shutil.which("bird"), reason="needs BIRD 2 (bird2) as the peer"),
    pytest.mark.skipif(not can_make_namespaces(),
                       reason="needs root, /dev/net/tun and network namespaces"),
]

FRR_CONF = """ip route {prefix} anyns0
route-map ANYNS-GSHUT permit 10
 set community 65535:0 additive
exit
route-map NONE deny 10
exit
router bgp 65001
 bgp router-id 10.0.0.1
 no bgp ebgp-requires-policy
 bgp network import-check
 neighbor 192.0.2.2 remote-as 64500
 neighbor 192.0.2.2 port 1179
 neighbor 192.0.2.2 update-source 192.0.2.1
 neighbor 192.0.2.2 disable-connected-check
 neighbor 192.0.2.2 timers connect 1
 address-family ipv4 unicast
  neighbor 192.0.2.2 route-map NONE in
 exit-address-family
exit
"""
PEER_CONF = """router id 10.0.0.2;
protocol device { scan time 10; }
protocol bgp node {
  local 192.0.2.2 port 1179 as 64500; neighbor 192.0.2.1 port 179 as 65001;
  multihop; connect delay time 1; connect retry time 1; error wait time 1,2;
  ipv4 { import all; export none; };
}
"""


class FrrNode(PeerView):
    """FRR + peer BIRD + anynsd + anyns-healthd in the current namespace."""

    def __init__(self, tmp_path, nsname, anynsd):
        self.dir, self.ns = tmp_path, nsname
        self.run_dir = Path("/var/run/frr") / nsname
        self.etc_dir = Path("/etc/frr") / nsname
        self.pids, self.proc, self.peer_bird, self.peer = [], None, None, None
        try:
            self.start_frr()
            self.peer_bird = Bird(tmp_path, "peer", PEER_CONF)
            self.peer = BirdCtl(self.peer_bird.sock)
            self.start_anynsd(anynsd, ZONE)
            self.write_healthd_conf()
            self.wait_established()
        except BaseException:
            self.stop()
            raise

    # -- FRR ----------------------------------------------------------------
    def start_frr(self):
        for d in (self.run_dir, self.etc_dir):
            d.mkdir(parents=True, exist_ok=True)
        (self.etc_dir / "vtysh.conf").touch()
        shutil.chown(self.run_dir, "frr", "frr")
        self.frr_log = self.run_dir / "frr.log"   # the daemons write as user frr
        for daemon, extra in (("zebra", []), ("staticd", []), ("bgpd", ["-l", "192.0.2.1"])):
            pidfile = self.run_dir / (daemon + ".pid")
            subprocess.run([str(FRR / daemon), "-d", "-N", self.ns, "-f", "/dev/null",
                            "-i", str(pidfile), "-P", "0", "--log", "file:%s" % self.frr_log,
                            *extra], check=True, timeout=10, capture_output=True)
            self.pids.append(read_pidfile(pidfile))
        self.vtysh_path = self.dir / "vtysh"
        self.vtysh_path.write_text('#!/bin/sh\nexec /usr/bin/vtysh -N %s "$@"\n' % self.ns)
        self.vtysh_path.chmod(0o755)
        conf = self.dir / "frr.conf"
        conf.write_text(FRR_CONF.format(prefix=PREFIX))
        r = self.vtysh("-f", str(conf))
        assert r.returncode == 0, r.stdout + r.stderr

    def vtysh(self, *args):
        return subprocess.run([str(self.vtysh_path), *args], capture_output=True,
                              text=True, timeout=10)

    def frr_config(self):
        return self.vtysh("-c", "show running-config").stdout

    def static_route_active(self):
        """Whether zebra has the tun-bound static route selected."""
        out = self.vtysh("-c", "show ip route static").stdout
        return bool(re.search(r"^S>\*? ?%s" % re.escape(PREFIX), out, re.M))

    # -- healthd --------------------------------------------------------------
    def write_healthd_conf(self):
        self.ctl = self.dir / "healthd.ctl"
        self.conf = self.dir / "healthd.yaml"
        self.conf.write_text(
            'announce: { asn: 65001, prefixes: [ "%s" ] }\n' % PREFIX +
            'speaker: { type: frr, vtysh: "%s", route-map: ANYNS-GSHUT, timeout: 2s,'
            " retry: 300ms }\n" % self.vtysh_path +
            'healthd: { control: "%s", tun: anyns0, identity: frr1 }\n' % self.ctl +
            "policy: { rise: 2, fall: 2, hold-down: 1s, drain-time: 1s }\n" +
            probes(self.anynsd.port, self.pidfile))
        self.log = self.dir / "healthd.log"

    def start(self):
        self.proc = subprocess.Popen([str(HEALTHD), "-c", str(self.conf)],
                                     stdout=subprocess.DEVNULL, stderr=open(self.log, "ab"))
        return self

    def logtext(self):
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    # -- the peer's view ------------------------------------------------------
    def wait_established(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any("Established" in line for line in self.peer.cmd("show protocols node")):
                return
            time.sleep(0.05)
        raise AssertionError("BGP FRR <-> BIRD did not come up:\n%s\n%s" % (
            "\n".join(self.peer.cmd("show protocols all node")),
            self.vtysh("-c", "show bgp summary").stdout))

    def failure_context(self):
        return "%s\n%s" % (self.frr_config(), self.logtext())

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self.peer:
            self.peer.close()
        if self.peer_bird:
            self.peer_bird.stop()
        for pid in reversed(self.pids):
            stop_pid(pid)
        if self.run_dir.exists() and self.frr_log.exists():
            shutil.copy(self.frr_log, self.dir / "frr.log")   # kept for a post-mortem
        for d in (self.run_dir, self.etc_dir):
            shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def frr_node(tmp_path, anynsd):
    with netns("anyfrr", addrs=("192.0.2.1/32", "192.0.2.2/32")) as name:
        node = FrrNode(tmp_path, name, anynsd)
        try:
            yield node
        finally:
            node.stop()
            node.anynsd.stop()               # before the namespace goes


def test_frr_announce_withdraw_drain_and_fail_closed(frr_node):
    n = frr_node
    times = {}
    t0 = time.monotonic()
    n.start()
    times["announce after start (rise 2)"] = n.wait_route(True, timeout=10)
    # Start-up withdrawal of a network FRR never had: "% Can't find static
    # route specified" means already withdrawn, not a failure to retry.
    log = n.logtext()
    assert "frr, withdraw %s (starting)" % PREFIX in log, log
    assert "failed" not in log, log
    assert log.index("frr, withdraw") < log.index("tun anyns0, created")
    assert re.search(r"^ +network %s$" % re.escape(PREFIX), n.frr_config(), re.M)

    # anynsd killed: the process probe (pidfd) sees it at once.
    t0 = time.monotonic()
    n.anynsd.proc.kill()
    n.anynsd.proc.wait()
    n.wait_route(False, timeout=3)
    times["withdraw after anynsd SIGKILL"] = time.monotonic() - t0
    assert time.monotonic() - t0 < 1.0
    assert "network %s" % PREFIX not in n.frr_config()

    # Back after rise and the hold-down (1 s).
    t0 = time.monotonic()
    n.anynsd.start()
    n.pidfile.write_text("%d\n" % n.anynsd.pid)
    n.wait_route(True, timeout=10)
    times["re-announce after anynsd restart (rise 2, hold-down 1 s)"] = time.monotonic() - t0
    assert "65535,0" not in n.peer_route()

    # Drain: GRACEFUL_SHUTDOWN (RFC 8326) through the route-map, then withdrawn.
    t0 = time.monotonic()
    assert n.ctl_cmd("drain").stdout.startswith("ok: state draining")
    n.wait_route(True, timeout=3, what="(65535,0)")
    times["drain: community 65535:0 at the peer (from ctl drain)"] = time.monotonic() - t0
    assert re.search(r"network %s route-map ANYNS-GSHUT" % re.escape(PREFIX), n.frr_config())
    n.wait_route(False, timeout=5)
    times["drain: withdrawn (drain-time 1 s, from ctl drain)"] = time.monotonic() - t0
    assert n.ctl_cmd("undrain").stdout.startswith("ok:")
    n.wait_route(True, timeout=5)
    assert "65535,0" not in n.peer_route()

    # healthd SIGKILLed: the tun goes, zebra drops the static route, bgpd's
    # import check withdraws the network (which stays configured).
    t0 = time.monotonic()
    n.proc.kill()
    n.proc.wait()
    n.wait_route(False, timeout=5)
    times["withdraw after healthd SIGKILL (tun gone)"] = time.monotonic() - t0
    assert not Path("/sys/class/net/anyns0").exists()
    assert not n.static_route_active()
    assert re.search(r"^ +network %s$" % re.escape(PREFIX), n.frr_config(), re.M)

    # Restart: withdraw (no network) first, then the tun: the configured
    # network must not come back before rise.
    before = n.peer.import_updates()
    n.log.write_bytes(b"")
    n.start()
    t0 = time.monotonic()
    while "-> up" not in n.logtext():          # logged when rise passed, before vtysh
        assert time.monotonic() - t0 < 5, n.logtext()
        assert not n.peer_route() or "-> up" in n.logtext(), (
            "route back before rise:\n" + n.logtext())
        time.sleep(0.003)
    n.wait_route(True, timeout=3)
    assert n.peer.import_updates() == before + 1, n.logtext()
    assert n.static_route_active()

    # SIGTERM: a clean withdrawal, then exit 0.
    t0 = time.monotonic()
    n.proc.terminate()
    assert n.proc.wait(5) == 0
    n.wait_route(False, timeout=3)
    times["withdraw after healthd SIGTERM"] = time.monotonic() - t0
    print()
    for what, secs in times.items():
        print("frr: %s: %.0f ms" % (what, secs * 1000))


def test_frr_repeated_withdraw_is_not_a_failure(frr_node):
    """Two prefixes, one of them already gone from FRR: vtysh stops at the
    first failing command, so healthd must redo the request prefix by
    prefix and still remove the other."""
    n = frr_node
    n.conf.write_text(n.conf.read_text().replace(
        'prefixes: [ "%s" ]' % PREFIX, 'prefixes: [ "%s", "198.51.100.0/24" ]' % PREFIX))
    r = n.vtysh("-c", "configure terminal", "-c", "ip route 198.51.100.0/24 Null0",
                "-c", "router bgp 65001", "-c", "address-family ipv4 unicast",
                "-c", "network 198.51.100.0/24")
    assert r.returncode == 0, r.stdout
    assert "network 198.51.100.0/24" in n.frr_config()
    n.conf.write_text(n.conf.read_text().replace("rise: 2", "rise: 100"))
    n.start()
    t0 = time.monotonic()
    while "tun anyns0, created" not in n.logtext():
        assert time.monotonic() - t0 < 5, n.logtext()
        time.sleep(0.01)
    log = n.logtext()
    assert "frr, withdraw %s 198.51.100.0/24 (starting)" % PREFIX in log, log
    assert "failed" not in log, log
    cfg = n.frr_config()
    assert "network 198.51.100.0/24" not in cfg, cfg          # the second one went too
    # A second withdrawal (shutdown while withdrawn): both already absent.
    n.proc.terminate()
    assert n.proc.wait(5) == 0
    log = n.logtext()
    assert "frr, withdraw %s 198.51.100.0/24 (shutting down)" % PREFIX in log, log
    assert "failed" not in log, log


def test_frr_reload_adds_and_removes_a_prefix(frr_node):
    """A reload that adds a prefix announces it (`network P`) while the
    node is up, the peer learns it; one that removes it withdraws it
    (`no network P`); the other prefix stays at the peer throughout."""
    n = frr_node
    other = "198.51.100.0/24"
    r = n.vtysh("-c", "configure terminal", "-c", "ip route %s anyns0" % other)
    assert r.returncode == 0, r.stdout
    n.start()
    n.wait_route(True)
    base = n.conf.read_text()
    n.conf.write_text(base.replace('prefixes: [ "%s" ]' % PREFIX,
                                   'prefixes: [ "%s", "%s" ]' % (PREFIX, other)))
    r = healthd_ctl(n.ctl, "reload")
    assert r.returncode == 0 and "1 added" in r.stdout, r.stdout + n.logtext()

    def peer_has(prefix):
        return any(prefix in line for line in n.peer.cmd("show route for " + prefix))

    def wait(prefix, present):
        t0 = time.monotonic()
        while peer_has(prefix) != present:
            assert time.monotonic() - t0 < 10, n.failure_context()
            time.sleep(0.01)
        return time.monotonic() - t0
    print("\nfrr: prefix added by reload at the peer after %.0f ms" % (wait(other, True) * 1000))
    assert "network %s" % other in n.frr_config()
    n.conf.write_text(base)
    r = healthd_ctl(n.ctl, "reload")
    assert r.returncode == 0 and "1 removed" in r.stdout, r.stdout
    print("frr: prefix removed by reload gone after %.0f ms" % (wait(other, False) * 1000))
    assert "network %s" % other not in n.frr_config()
    assert peer_has(PREFIX)
    assert "failed" not in n.logtext(), n.logtext()
