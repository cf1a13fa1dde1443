# SPDX-License-Identifier: MIT
"""The three servers under test, started the same way: one worker, loopback, one zone.

Each class writes its configuration into a private directory, starts the server in
the foreground (optionally behind a command prefix such as `taskset -c 1` or
`valgrind --tool=callgrind`), and exposes what the bench reads from /proc:

    cpu_ticks()  utime+stime of the server's whole process tree (NSD forks its
                 serving child and xfrd; Knot and anynsd are one process)
    pss_kb()     Pss from /proc/PID/smaps_rollup summed over the same tree, so
                 copy-on-write pages NSD shares with its children count once

Configurations follow /work/shared/PEERS.md: NSD with rrl-ratelimit 0,
minimal-responses yes and one server-count; Knot with one UDP and one TCP worker,
one background worker, the zone file loaded whole and no journal; anynsd with
workers 1. All three allow AXFR to 127.0.0.1.
"""
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import dns.flags
import dns.message
import dns.rcode

ROOT = Path(__file__).resolve().parents[1]
CLK_TCK = os.sysconf("SC_CLK_TCK")


def free_port(addr="127.0.0.1"):
    """A port free for both UDP and TCP on addr."""
    for _ in range(100):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
            u.bind((addr, 0))
            port = u.getsockname()[1]
            try:
                with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as t:
                    t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                    t.bind((addr, port))
                return port
            except OSError:
                continue
    raise RuntimeError("no free port")


def children_of(pid):
    """Direct children of pid, found through /proc/*/stat (field 4 is the parent)."""
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                st = f.read()
        except OSError:
            continue
        fields = st[st.rindex(")") + 2:].split()
        if int(fields[1]) == pid:
            out.append(int(d))
    return out


def process_tree(pid):
    tree, todo = [], [pid]
    while todo:
        p = todo.pop()
        tree.append(p)
        todo.extend(children_of(p))
    return tree


def proc_ticks(pid, reaped=False):
    """(utime, stime) of one process (all its threads), in clock ticks; with reaped,
    also the cutime/cstime of children it has already waited for."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            st = f.read()
    except OSError:
        return 0, 0
    fields = st[st.rindex(")") + 2:].split()
    user, system = int(fields[11]), int(fields[12])   # stat fields 14 and 15
    if reaped:
        user += int(fields[13])                      # fields 16 and 17
        system += int(fields[14])
    return user, system


def proc_pss_kb(pid):
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class Server:
    name = "?"
    short = "?"

    def __init__(self, workdir, zone_origin, zone_file, addr="127.0.0.1", port=None):
        self.dir = Path(workdir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.origin = zone_origin
        self.zone_file = str(zone_file)
        self.addr = addr
        self.port = port or free_port(addr)
        self.proc = None
        self.logfile = self.dir / "server.log"
        self.conf = self.dir / self.conf_name
        self.conf.write_text(self.config_text())

    # --- lifecycle -----------------------------------------------------------
    def start(self, prefix=()):
        self.prepare()
        self.cmd = list(prefix) + self.command()
        self._log = open(self.logfile, "ab")
        self.proc = subprocess.Popen(self.cmd, stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        self.started_at = time.monotonic()
        return self

    def prepare(self):
        pass

    @property
    def pid(self):
        return self.proc.pid

    def wait_answer(self, qname, qtype, ancount, timeout, poll_s=0.01):
        """Polls over UDP until qname/qtype gets NOERROR, AA and ancount answers.

        Returns seconds since start(); raises RuntimeError on exit or timeout. A
        connected socket reports a closed port at once (ICMP), and a query is re-sent
        every poll_s, so the figure's resolution is ~poll_s rather than a timeout."""
        wire = dns.message.make_query(qname, qtype).to_wire()
        deadline = self.started_at + timeout
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.connect((self.addr, self.port))
            sock.settimeout(poll_s)
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError("%s exited with %s; log: %s" % (
                        self.name, self.proc.returncode, self.log_tail()))
                if self._poll_once(sock, wire, ancount):
                    return time.monotonic() - self.started_at
        raise RuntimeError("%s gave no correct answer to %s %s within %ds; log: %s" % (
            self.name, qname, qtype, timeout, self.log_tail()))

    @staticmethod
    def _poll_once(sock, wire, ancount):
        try:
            sock.send(wire)
            data = sock.recv(65535)
        except ConnectionRefusedError:
            time.sleep(0.005)   # not listening yet; the error came back at once
            return False
        except OSError:
            return False        # timeout: loading, or a late answer to come
        try:
            r = dns.message.from_wire(data)
        except Exception:  # noqa: BLE001 - a malformed answer is not a correct one
            return False
        return (r.rcode() == dns.rcode.NOERROR and bool(r.flags & dns.flags.AA)
                and sum(len(x) for x in r.answer) == ancount)

    def stop(self, timeout=30):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._log.close()

    def pin(self, cpu):
        """Puts every thread of the server's process tree on `cpu`; returns how many
        threads had been elsewhere. taskset at start is not enough: Knot pins each
        UDP worker itself (worker i on CPU i), so with one worker its UDP thread ran
        on CPU 0 beside dnsperf. Called once the server answers, when its threads
        exist; nothing re-pins them afterwards."""
        moved = 0
        for pid in self.tree():
            try:
                tids = [int(t) for t in os.listdir("/proc/%d/task" % pid)]
            except OSError:
                continue
            for tid in tids:
                try:
                    if os.sched_getaffinity(tid) != {cpu}:
                        moved += 1
                    os.sched_setaffinity(tid, {cpu})
                except OSError:
                    pass        # the thread ended meanwhile
        return moved

    def log_tail(self, n=600):
        try:
            return self.logfile.read_text(errors="replace")[-n:]
        except OSError:
            return ""

    # --- measurements ----------------------------------------------------------
    def tree(self):
        return process_tree(self.pid)

    def cpu_split(self):
        """(user, system) ticks of the tree. A child NSD forked and reaped (a loader)
        still counts, through the root's cutime/cstime."""
        user = system = 0
        for p in self.tree():
            u, s = proc_ticks(p, reaped=(p == self.pid))
            user += u
            system += s
        return user, system

    def cpu_ticks(self):
        return sum(self.cpu_split())

    def cpu_seconds(self):
        return self.cpu_ticks() / CLK_TCK

    def pss_kb(self):
        return sum(proc_pss_kb(p) for p in self.tree())


class Knot(Server):
    name = "Knot DNS"
    short = "knot"
    conf_name = "knot.conf"

    def config_text(self):
        d = self.dir
        return f"""server:
    rundir: "{d}"
    listen: {self.addr}@{self.port}
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
log:
  - target: stderr
    any: warning
database:
    storage: "{d}/db"
acl:
  - id: local_xfr
    address: 127.0.0.1
    action: transfer
template:
  - id: default
    storage: "{d}"
    zonefile-load: whole
    journal-content: none
    zonefile-sync: -1
zone:
  - domain: {self.origin}
    file: "{self.zone_file}"
    acl: local_xfr
"""

    def command(self):
        return ["/usr/sbin/knotd", "-c", str(self.conf)]

    @staticmethod
    def version():
        return first_line(["/usr/sbin/knotd", "--version"])


class Nsd(Server):
    name = "NSD"
    short = "nsd"
    conf_name = "nsd.conf"

    def config_text(self):
        d = self.dir
        return f"""server:
    server-count: 1
    ip-address: {self.addr}@{self.port}
    port: {self.port}
    do-ip6: no
    username: ""
    chroot: ""
    database: ""
    zonesdir: "{d}"
    pidfile: "{d}/nsd.pid"
    xfrdfile: "{d}/xfrd.state"
    zonelistfile: "{d}/zone.list"
    xfrdir: "{d}"
    logfile: "{d}/nsd.log"
    verbosity: 0
    rrl-ratelimit: 0
    minimal-responses: yes
    tcp-count: 200
remote-control:
    control-enable: no
zone:
    name: {self.origin}
    zonefile: "{self.zone_file}"
    provide-xfr: 127.0.0.1 NOKEY
"""

    def command(self):
        return ["/usr/sbin/nsd", "-d", "-c", str(self.conf)]

    def log_tail(self, n=600):
        extra = ""
        try:
            extra = (self.dir / "nsd.log").read_text(errors="replace")[-n:]
        except OSError:
            pass
        return super().log_tail(n) + extra

    @staticmethod
    def version():
        return first_line(["/usr/sbin/nsd", "-v"])


class Anynsd(Server):
    name = "anynsd"
    short = "anyns"
    conf_name = "anynsd.yaml"
    binary = ROOT / "build" / "anynsd"

    def config_text(self):
        d = self.dir
        return "\n".join([
            "server:",
            '  listen: [ "%s@%d" ]' % (self.addr, self.port),
            "  workers: 1",
            '  storage: "%s"' % (d / "storage"),
            "acl:",
            '  - id: "local_xfr"',
            '    address: [ "127.0.0.1" ]',
            '    action: [ "transfer" ]',
            "zone:",
            '  - domain: "%s"' % self.origin,
            '    file: "%s"' % self.zone_file,
            '    acl: [ "local_xfr" ]',
            "",
        ])

    def prepare(self):
        (self.dir / "storage").mkdir(exist_ok=True)

    def command(self):
        return [str(self.binary), "-c", str(self.conf)]

    @classmethod
    def version(cls):
        return first_line([str(cls.binary), "--version"])


def first_line(cmd):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired) as e:
        return "unavailable (%s)" % e
    text = (p.stdout or "") + (p.stderr or "")
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return lines[0].strip() if lines else "unavailable (rc %d)" % p.returncode


SERVERS = {"knot": Knot, "nsd": Nsd, "anyns": Anynsd}
