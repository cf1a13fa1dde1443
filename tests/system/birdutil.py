# SPDX-License-Identifier: MIT
"""BIRD 2 as the eBGP peer of the healthd system tests (test_healthd*.py):
starting and stopping a BIRD, asking it through birdc or a persistent
control-socket connection, and the peer's view of the announced prefix that
the FRR and ExaBGP node classes share (PeerView)."""
import os
import re
import signal
import socket
import subprocess
import time

from conftest import BUILD
from healthd_ns import stop_pid

HEALTHD = BUILD / "anyns-healthd"
PREFIX = "203.0.113.0/24"


def birdc(sock, *cmd):
    return subprocess.run(["birdc", "-s", str(sock), *cmd], capture_output=True,
                          text=True, timeout=5).stdout


class Bird:
    def __init__(self, workdir, name, conf):
        self.sock = workdir / (name + ".ctl")
        self.pidfile = workdir / (name + ".pid")
        self.conf = workdir / (name + ".conf")
        self.conf.write_text(conf)
        subprocess.run(["bird", "-c", str(self.conf), "-s", str(self.sock),
                        "-P", str(self.pidfile)], check=True, timeout=10)
        for _ in range(100):           # bird writes its pidfile after forking
            text = self.pidfile.read_text() if self.pidfile.exists() else ""
            if text.strip():
                break
            time.sleep(0.02)
        self.pid = int(text)

    def stop(self):
        try:
            os.kill(self.pid, signal.SIGCONT)
        except ProcessLookupError:
            return
        stop_pid(self.pid)             # not our child: polls, a zombie counts as gone


class BirdCtl:
    """A persistent connection to a BIRD control socket: one `show route`
    costs well under a millisecond this way (birdc costs 15-25 ms), fast
    enough to see a route that lives for a few milliseconds."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(5)
        self.sock.connect(str(path))
        self.buf = b""
        assert self.reply()[0].startswith("0001")

    def reply(self):
        """The lines of one reply, up to the closing 'DDDD text' line."""
        lines = []
        while True:
            while b"\n" not in self.buf:
                chunk = self.sock.recv(65536)
                assert chunk, "BIRD closed its control socket"
                self.buf += chunk
            line, _, self.buf = self.buf.partition(b"\n")
            line = line.decode(errors="replace")
            lines.append(line)
            if re.match(r"^\d{4} ", line):
                return lines

    def cmd(self, text):
        self.sock.sendall(text.encode() + b"\n")
        return self.reply()

    def has_route(self):
        return any(PREFIX in line for line in self.cmd("show route for " + PREFIX))

    def import_updates(self):
        """The peer's count of BGP route updates received from the node."""
        for line in self.cmd("show protocols all node"):
            m = re.search(r"Import updates:\s+(\d+)", line)
            if m:
                return int(m.group(1))
        raise AssertionError("no import statistics")

    def close(self):
        self.sock.close()


def healthd_ctl(ctl, *args):
    """`anyns-healthd ctl` on control socket `ctl`: the finished process."""
    return subprocess.run([str(HEALTHD), "ctl", "-s", str(ctl), *args],
                          capture_output=True, text=True, timeout=5)


def probes(dns_port, pidfile):
    """The probe section the FRR and ExaBGP nodes give healthd: anynsd's
    DNS answer every 100 ms and its process every 200 ms."""
    return ("probe:\n"
            "  - { id: dns, type: dns, server: 127.0.0.1@%d, name: example.com,"
            " interval: 100ms, timeout: 100ms }\n" % dns_port +
            '  - { id: anynsd, type: process, pidfile: "%s", interval: 200ms,'
            " timeout: 100ms }\n" % pidfile)


class PeerView:
    """For a node class whose peer BIRD is read through self.peer (a
    BirdCtl) and whose healthd listens on self.ctl; failure_context() adds
    the node's own diagnostics to a wait_route failure."""

    def start_anynsd(self, anynsd, zone):
        """anynsd serving example.com. `zone`, its PID in self.pidfile for
        healthd's process probe."""
        self.anynsd = anynsd(zones={"example.com.": zone})
        self.pidfile = self.dir / "anynsd.pid"
        self.pidfile.write_text("%d\n" % self.anynsd.pid)

    def ctl_cmd(self, *args):
        return healthd_ctl(self.ctl, *args)

    def peer_route(self):
        lines = self.peer.cmd("show route all for " + PREFIX)
        return "\n".join(lines) if any(PREFIX in line for line in lines) else ""

    def wait_route(self, present, timeout=10.0, what=None):
        """Seconds until the peer has (or lost) the route (or, with `what`,
        until `what` is in its text)."""
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            route = self.peer_route()
            if (what in route) if what else bool(route) == present:
                return time.monotonic() - t0
            time.sleep(0.003)
        raise AssertionError("route %s not %s at the peer after %.1fs\n%s\n%s" % (
            PREFIX, what or ("announced" if present else "withdrawn"), timeout,
            self.peer_route(), self.failure_context()))

    def failure_context(self):
        return ""
