# SPDX-License-Identifier: MIT
"""Shared fixtures for system tests: real anynsd processes on loopback.

Use the `anynsd` fixture factory:

    def test_x(anynsd):
        srv = anynsd(zones={"example.com.": ZONE_TEXT})          # started, ready
        srv = anynsd(zones=..., server={"identity": "n1"})        # extra server options
        srv = anynsd(config="raw yaml text")                      # full control
        srv.addr, srv.port, srv.pid, srv.dir, srv.log()
        srv.reload(); srv.stop()

Every process is stopped by its PID when the test ends.
"""
import os
import signal
import subprocess
import time
from pathlib import Path

import dns.message
import dns.query
import dns.rcode
import pytest

from peers import free_port  # noqa: F401  (one copy, shared with the peers)

ROOT = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("ANYNS_BUILD", ROOT / "build"))
ANYNSD = BUILD / "anynsd"
ANYNS = BUILD / "anyns"


def wait_dns_ready(addr, port, proc=None, timeout=10.0, qname="."):
    """Waits until the server answers any DNS query over UDP."""
    deadline = time.monotonic() + timeout
    q = dns.message.make_query(qname, "SOA")
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError("server exited with %s" % proc.returncode)
        try:
            dns.query.udp(q, addr, port=port, timeout=0.2)
            return
        except Exception:
            time.sleep(0.05)
    raise RuntimeError("server on %s@%d not ready" % (addr, port))


def yaml_scalar(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    return '"%s"' % str(v).replace("\\", "\\\\").replace('"', '\\"')


def yaml_value(v):
    if isinstance(v, (list, tuple)):
        return "[ " + ", ".join(yaml_scalar(x) for x in v) + " ]"
    return yaml_scalar(v)


class Anynsd:
    def __init__(self, workdir, config_text, addr, port, extra_args=()):
        self.dir = Path(workdir)
        self.addr = addr
        self.port = port
        self.conf = self.dir / "anynsd.yaml"
        self.conf.write_text(config_text)
        self.logfile = self.dir / "anynsd.log"
        self.proc = None
        self.extra_args = list(extra_args)

    @property
    def pid(self):
        return self.proc.pid

    def start(self, wait=True):
        self._log = open(self.logfile, "ab")
        self.proc = subprocess.Popen([str(ANYNSD), "-c", str(self.conf)] + self.extra_args,
                                     stdout=self._log, stderr=subprocess.STDOUT)
        if wait:
            wait_dns_ready(self.addr, self.port, self.proc)
        return self

    def log(self):
        return self.logfile.read_text(errors="replace")

    def reload(self):
        self.proc.send_signal(signal.SIGHUP)

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, sig=signal.SIGTERM, timeout=10):
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()

    def query(self, qname, qtype="A", tcp=False, **kw):
        q = dns.message.make_query(qname, qtype, **kw)
        if tcp:
            return dns.query.tcp(q, self.addr, port=self.port, timeout=3)
        return dns.query.udp(q, self.addr, port=self.port, timeout=3)


def make_config(workdir, zones, addr, port, server=None, zone_opts=None):
    """Writes zone files and returns the YAML text of an anynsd configuration."""
    workdir = Path(workdir)
    server = dict(server or {})
    lines = ["server:",
             '  listen: [ "%s@%d" ]' % (addr, port),
             # Defaults a test may override through `server`.
             "  workers: %s" % yaml_value(server.pop("workers", 1)),
             '  storage: %s' % yaml_value(server.pop("storage", str(workdir / "storage")))]
    for k, v in server.items():
        lines.append("  %s: %s" % (k, yaml_value(v)))
    lines.append("zone:")
    for i, (origin, text) in enumerate(zones.items()):
        path = workdir / ("zone%d.zone" % i)
        path.write_text(text)
        lines.append('  - domain: "%s"' % origin)
        lines.append('    file: "%s"' % path)
        for k, v in ((zone_opts or {}).get(origin) or {}).items():
            lines.append("    %s: %s" % (k, yaml_value(v)))
    return "\n".join(lines) + "\n"


@pytest.fixture
def anynsd(tmp_path):
    started = []

    def start(zones=None, server=None, config=None, addr="127.0.0.1", port=None,
              zone_opts=None, wait=True, args=()):
        port = port or free_port(addr)
        n = len(started)
        workdir = tmp_path / ("anynsd%d" % n)
        workdir.mkdir()
        (workdir / "storage").mkdir()
        text = config if config is not None else make_config(
            workdir, zones or {}, addr, port, server, zone_opts)
        srv = Anynsd(workdir, text, addr, port, args)
        started.append(srv)
        return srv.start(wait=wait)

    yield start
    for srv in started:
        srv.stop()


# --- Peer servers (Knot DNS, BIND, NSD): tests/system/peers.py ---------------
# Factories like `anynsd`: srv = knot({"example.com.": TEXT}, identity="k1").
# Each started peer is stopped by its PID when the test ends.

def _peer_factory(kind, tmp_path):
    import peers
    if not peers.tool_present(kind):
        pytest.skip("%s is not installed" % kind)
    return peers.PeerFactory(kind, tmp_path / ("peer-" + kind))


@pytest.fixture
def knot(tmp_path):
    factory = _peer_factory("knot", tmp_path)
    yield factory
    factory.stop_all()


@pytest.fixture
def bind(tmp_path):
    factory = _peer_factory("bind", tmp_path)
    yield factory
    factory.stop_all()


@pytest.fixture
def nsd(tmp_path):
    factory = _peer_factory("nsd", tmp_path)
    yield factory
    factory.stop_all()


def start_ready(base, text_for, origins):
    """An anynsd in base/anynsd (with storage/) on a free port, configured
    by text_for(workdir, port), returned once every origin answers; its log
    is in the error when it does not."""
    import peers
    workdir = base / "anynsd"
    workdir.mkdir()
    (workdir / "storage").mkdir()
    port = free_port()
    srv = Anynsd(workdir, text_for(workdir, port), "127.0.0.1", port)
    srv.start(wait=False)
    try:
        for origin in origins:
            peers.wait_zone_ready("127.0.0.1", port, origin, srv.proc)
    except Exception as exc:
        srv.stop()
        raise RuntimeError("anynsd did not start: %s\n--- log ---\n%s"
                           % (exc, srv.log()[-3000:]))
    return srv
