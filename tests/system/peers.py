# SPDX-License-Identifier: MIT
"""Peer DNS servers (Knot DNS, BIND, NSD) as real processes for system tests.

Each peer runs in the foreground in its own temporary directory, listens only on
a loopback address and a high port, logs to a file in that directory, and is
stopped by its PID. Everything a peer would otherwise write to system paths
(run directory, database, journal, pid file, session keys) goes to that
directory, so tests run in parallel with each other and with real services.

The settings are chosen so that the three peers answer alike, as facts measured
on Debian 12 say (/work/shared/PEERS.md):
- Knot serves the zone file as given (`zonefile-load: whole`, no journal).
- BIND leaves the apex NS set out of positive answers (`minimal-responses
  no-auth`), as Knot does; no rate limiting, no recursion, no control channel.
- NSD has response rate limiting off (every test query comes from 127.0.0.1)
  and `minimal-responses: yes`.

Use from any test module:

    from peers import start_knot, start_bind, start_nsd
    srv = start_knot(workdir, {"example.com.": TEXT}, identity="k1")
    srv.addr, srv.port, srv.pid, srv.log(), srv.query("www.example.com", "A")
    srv.stop()

or the fixture factories `knot`, `bind`, `nsd` (conftest.py), which stop every
process they started when the test ends.
"""
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import dns.message
import dns.query
import dns.rcode


KNOTD = "/usr/sbin/knotd"
NAMED = "/usr/sbin/named"
NSD = "/usr/sbin/nsd"


def free_port(addr="127.0.0.1"):
    """A port free for both UDP and TCP on addr (conftest imports this one)."""
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    for _ in range(100):
        with socket.socket(fam, socket.SOCK_DGRAM) as u:
            u.bind((addr, 0))
            port = u.getsockname()[1]
            try:
                with socket.socket(fam, socket.SOCK_STREAM) as t:
                    t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                    t.bind((addr, port))
                return port
            except OSError:
                continue
    raise RuntimeError("no free port")


class Peer:
    """One running peer server: its process, address, and work directory."""

    def __init__(self, kind, workdir, argv, addr, port):
        self.kind = kind
        self.dir = Path(workdir)
        self.argv = list(argv)
        self.addr = addr
        self.port = port
        self.logfile = self.dir / ("%s.log" % kind)
        self.proc = None
        self._log = None

    @property
    def pid(self):
        return self.proc.pid

    def start(self, ready_name=None, timeout=15.0):
        self._log = open(self.logfile, "ab")
        self.proc = subprocess.Popen(self.argv, stdout=self._log,
                                     stderr=subprocess.STDOUT, cwd=str(self.dir))
        try:
            wait_zone_ready(self.addr, self.port, ready_name, self.proc, timeout)
        except Exception as exc:
            self.stop()
            raise RuntimeError("%s did not start: %s\n--- log ---\n%s"
                               % (self.kind, exc, self.log()[-3000:]))
        return self

    def log(self):
        return self.logfile.read_text(errors="replace")

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=10):
        """SIGTERM by PID, then SIGKILL if it lingers; NSD's children follow its
        main process, so waiting for that PID is enough."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self._log:
            self._log.close()
            self._log = None
        return self.proc.returncode

    def query(self, qname, qtype="A", tcp=False, **kw):
        q = dns.message.make_query(qname, qtype, **kw)
        if tcp:
            return dns.query.tcp(q, self.addr, port=self.port, timeout=3)
        return dns.query.udp(q, self.addr, port=self.port, timeout=3)


def wait_zone_ready(addr, port, zone, proc=None, timeout=15.0):
    """Polls over UDP until the server answers the SOA of `zone` with an
    authoritative NOERROR (zone loaded), or any answer when zone is None."""
    deadline = time.monotonic() + timeout
    q = dns.message.make_query(zone or ".", "SOA")
    last = "no answer"
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError("exited with status %s" % proc.returncode)
        try:
            r = dns.query.udp(q, addr, port=port, timeout=0.2)
            if zone is None:
                return r
            if r.rcode() == dns.rcode.NOERROR and r.answer:
                return r
            last = dns.rcode.to_text(r.rcode())
        except Exception as exc:  # not listening yet
            last = repr(exc)
        time.sleep(0.05)
    raise RuntimeError("not ready on %s@%d: %s" % (addr, port, last))


def write_zones(workdir, zones):
    """Writes zone texts as zone<i>.zone files; returns [(origin, path)]."""
    out = []
    for i, (origin, text) in enumerate(zones.items()):
        path = Path(workdir) / ("zone%d.zone" % i)
        path.write_text(text)
        out.append((origin, path))
    return out


def knot_config(workdir, zones, addr, port, identity=None, nsid=None):
    d = Path(workdir)
    lines = ["server:",
             '    rundir: "%s"' % d,
             '    pidfile: "%s"' % (d / "knot.pid"),
             "    listen: %s@%d" % (addr, port),
             "    udp-workers: 1",
             "    tcp-workers: 1",
             "    background-workers: 1"]
    if identity:
        lines.append('    identity: "%s"' % identity)
    if nsid:
        lines.append('    nsid: "%s"' % nsid)
    lines += ["database:",
              '    storage: "%s"' % (d / "db"),
              "log:",
              "  - target: stderr",
              "    any: info",
              "template:",
              "  - id: default",
              '    storage: "%s"' % d,
              "    zonefile-load: whole",
              "    journal-content: none",
              "    zonefile-sync: -1",
              "zone:"]
    for origin, path in write_zones(d, zones):
        lines.append('  - domain: "%s"' % origin)
        lines.append('    file: "%s"' % path)
    return "\n".join(lines) + "\n"


def bind_config(workdir, zones, addr, port, identity=None, nsid=None):
    d = Path(workdir)
    opts = ['    directory "%s";' % d,
            '    pid-file "%s";' % (d / "named.pid"),
            '    session-keyfile "%s";' % (d / "session.key"),
            '    managed-keys-directory "%s";' % d,
            "    listen-on port %d { %s; };" % (port, addr),
            "    listen-on-v6 { none; };",
            "    recursion no;",
            "    minimal-responses no-auth;",
            "    dnssec-validation no;",
            "    notify no;",
            "    allow-transfer { any; };"]
    if identity:
        opts.append('    hostname "%s";' % identity)
    if nsid:
        opts.append('    server-id "%s";' % nsid)
    else:
        opts.append("    server-id none;")
    lines = ["options {"] + opts + ["};",
                                    "controls { };",
                                    "logging { category default { default_stderr; }; };"]
    for origin, path in write_zones(d, zones):
        lines.append('zone "%s" { type primary; file "%s"; };' % (origin, path))
    return "\n".join(lines) + "\n"


def nsd_config(workdir, zones, addr, port, identity=None, nsid=None):
    d = Path(workdir)
    lines = ["server:",
             "    ip-address: %s@%d" % (addr, port),
             '    username: ""',
             '    zonesdir: "%s"' % d,
             '    pidfile: "%s"' % (d / "nsd.pid"),
             '    xfrdfile: "%s"' % (d / "xfrd.state"),
             '    zonelistfile: "%s"' % (d / "zone.list"),
             '    database: ""',
             "    server-count: 1",
             "    rrl-ratelimit: 0",
             "    minimal-responses: yes",
             "    verbosity: 1"]
    if identity:
        lines.append('    identity: "%s"' % identity)
    if nsid:
        lines.append('    nsid: "ascii_%s"' % nsid)
    lines += ["remote-control:", "    control-enable: no"]
    for origin, path in write_zones(d, zones):
        lines += ["zone:", '    name: "%s"' % origin, '    zonefile: "%s"' % path]
    return "\n".join(lines) + "\n"


def _start(kind, conf_fn, argv_fn, workdir, zones, addr, port, identity, nsid):
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    port = port or free_port(addr)
    conf = workdir / ("%s.conf" % kind)
    conf.write_text(conf_fn(workdir, zones, addr, port, identity, nsid))
    ready = next(iter(zones)) if zones else None
    return Peer(kind, workdir, argv_fn(conf), addr, port).start(ready)


def start_knot(workdir, zones, addr="127.0.0.1", port=None, identity=None, nsid=None):
    return _start("knot", knot_config, lambda c: [KNOTD, "-c", str(c)],
                  workdir, zones, addr, port, identity, nsid)


def start_bind(workdir, zones, addr="127.0.0.1", port=None, identity=None, nsid=None):
    return _start("bind", bind_config, lambda c: [NAMED, "-g", "-c", str(c)],
                  workdir, zones, addr, port, identity, nsid)


def start_nsd(workdir, zones, addr="127.0.0.1", port=None, identity=None, nsid=None):
    return _start("nsd", nsd_config, lambda c: [NSD, "-d", "-c", str(c)],
                  workdir, zones, addr, port, identity, nsid)


STARTERS = {"knot": start_knot, "bind": start_bind, "nsd": start_nsd}


class PeerFactory:
    """Starts peers of one kind under a base directory; stop_all() stops them."""

    def __init__(self, kind, basedir):
        self.kind = kind
        self.basedir = Path(basedir)
        self.started = []

    def __call__(self, zones, **kw):
        workdir = self.basedir / ("%s%d" % (self.kind, len(self.started)))
        srv = STARTERS[self.kind](workdir, zones, **kw)
        self.started.append(srv)
        return srv

    def stop_all(self):
        for srv in self.started:
            srv.stop()
        self.started = []


def tool_present(kind):
    return os.access({"knot": KNOTD, "bind": NAMED, "nsd": NSD}[kind], os.X_OK)
