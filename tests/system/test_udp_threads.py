# SPDX-License-Identifier: MIT
"""UDP threads (anynsd/worker.c): each worker serves each listen address's
UDP socket from a thread of its own blocked in recvmmsg(), and TCP from its
epoll thread. A bounded UDP flood and TCP queries at the same time are all
answered, and the counters (`anyns ctl stats`, one block per thread,
summed) count every one exactly; the threads carry their names; SIGTERM
stops the server promptly, idle or under a flood."""
import os
import selectors
import shutil
import socket
import struct
import tempfile
import threading
import time
from pathlib import Path

import dns.message
import dns.query
import pytest

from conftest import free_port, make_config
from ctl_fleet import ctl

ZONE = """$ORIGIN example.com.
$TTL 300
@   SOA ns1 hostmaster 1 7200 3600 1209600 300
    NS  ns1
ns1 A   192.0.2.1
www A   192.0.2.2
www AAAA 2001:db8::2
"""

FLOOD = 20000          # UDP queries in the flood
WINDOW = 32            # outstanding at a time: well under the socket buffers
TCP_QUERIES = 200


@pytest.fixture
def sockdir():
    d = Path(tempfile.mkdtemp(prefix="udpt"))   # short: sun_path is 108 bytes
    yield d
    shutil.rmtree(d, ignore_errors=True)


def wire_query(qid, qname="www.example.com.", qtype="A"):
    q = dns.message.make_query(qname, qtype)
    q.id = qid
    return q.to_wire()


class Flood:
    """Sends `count` A queries over UDP keeping WINDOW outstanding, each
    answer matched by ID. No retries: a lost query shows as a missing
    answer (`answered` < count)."""

    def __init__(self, addr, port, count, deadline_s=60.0, stop=None):
        self.count, self.stop = count, stop
        self.end = time.monotonic() + deadline_s
        self.sent, self.answered, self.pending = 0, 0, set()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.connect((addr, port))
        self.sock.setblocking(False)

    def run(self):
        sel = selectors.DefaultSelector()
        sel.register(self.sock, selectors.EVENT_READ)
        try:
            while self.more() and sel.select(timeout=2.0):
                self.receive()
        except ConnectionRefusedError:
            pass       # the server went away (the stop tests)
        finally:
            sel.close()
            self.sock.close()
        return self.answered

    def more(self):
        """Tops the window up; False when done, stopped or out of time."""
        if self.stop is not None and self.stop.is_set():
            return False
        while self.sent < self.count and len(self.pending) < WINDOW:
            qid = self.sent & 0xFFFF
            self.sock.send(wire_query(qid))
            self.pending.add(qid)
            self.sent += 1
        return bool(self.pending) and time.monotonic() < self.end

    def receive(self):
        while True:
            try:
                data = self.sock.recv(4096)
            except BlockingIOError:
                return
            qid = struct.unpack("!H", data[:2])[0]
            if qid in self.pending:
                self.pending.discard(qid)
                self.answered += 1


def udp_flood(addr, port, count, deadline_s=60.0, stop=None):
    return Flood(addr, port, count, deadline_s, stop).run()


def tcp_queries(addr, port, count, out):
    ok = 0
    for i in range(count):
        r = dns.query.tcp(dns.message.make_query("www.example.com.", "AAAA"), addr,
                          port=port, timeout=5)
        ok += r.rcode() == 0 and len(r.answer) == 1
    out.append(ok)


def start(anynsd, tmp_path, sockdir, workers=2):
    port_dir = tmp_path / "cfg"
    port_dir.mkdir()
    port = free_port()
    text = make_config(port_dir, {"example.com.": ZONE}, "127.0.0.1", port,
                       server={"workers": workers, "control": str(sockdir / "ctl")})
    return anynsd(config=text, port=port)


def stats(sock):
    rc, out, err = ctl(sock, "stats", json_out=True)
    assert rc == 0, err
    return out


def test_flood_and_tcp_answered_and_counted_exactly(anynsd, tmp_path, sockdir):
    srv = start(anynsd, tmp_path, sockdir)
    before = stats(sockdir / "ctl")
    tcp_ok = []
    t = threading.Thread(target=tcp_queries, args=(srv.addr, srv.port, TCP_QUERIES, tcp_ok))
    t.start()
    got = udp_flood(srv.addr, srv.port, FLOOD)
    t.join(60)
    assert not t.is_alive()
    assert got == FLOOD, "UDP: %d of %d answered" % (got, FLOOD)
    assert tcp_ok == [TCP_QUERIES]
    after = stats(sockdir / "ctl")
    q = lambda s, tr, k: s["queries"][tr].get(k, 0)
    r = lambda s, tr, k: s["responses"][tr].get(k, 0)
    assert q(after, "udp", "A") - q(before, "udp", "A") == FLOOD
    assert r(after, "udp", "NOERROR") - r(before, "udp", "NOERROR") == FLOOD
    assert q(after, "tcp", "AAAA") - q(before, "tcp", "AAAA") == TCP_QUERIES
    assert r(after, "tcp", "NOERROR") - r(before, "tcp", "NOERROR") == TCP_QUERIES
    assert q(after, "udp", "AAAA") == q(before, "udp", "AAAA")
    assert q(after, "tcp", "A") == q(before, "tcp", "A")


def thread_names(pid):
    task = Path("/proc/%d/task" % pid)
    return sorted((p / "comm").read_text().strip() for p in task.iterdir())


def test_thread_names(anynsd, tmp_path, sockdir):
    srv = start(anynsd, tmp_path, sockdir, workers=3)
    names = thread_names(srv.pid)
    assert sorted(n for n in names if n.startswith("anynsd-udp")) == \
        ["anynsd-udp0", "anynsd-udp1", "anynsd-udp2"]
    assert sorted(n for n in names if n.startswith("anynsd-tcp")) == \
        ["anynsd-tcp0", "anynsd-tcp1", "anynsd-tcp2"]


def test_two_listen_addresses_two_udp_threads_per_worker(anynsd, tmp_path):
    p1, p2 = free_port(), free_port()
    d = tmp_path / "two"
    d.mkdir()
    (d / "z.zone").write_text(ZONE)
    text = ('server:\n  listen: [ "127.0.0.1@%d", "127.0.0.1@%d" ]\n  workers: 2\n'
            '  storage: "%s"\nzone:\n  - domain: "example.com."\n    file: "%s"\n'
            % (p1, p2, d, d / "z.zone"))
    srv = anynsd(config=text, port=p1)
    names = thread_names(srv.pid)
    assert sum(n.startswith("anynsd-udp") for n in names) == 4
    assert sum(n.startswith("anynsd-tcp") for n in names) == 2
    for port in (p1, p2):
        r = dns.query.udp(dns.message.make_query("www.example.com.", "A"), "127.0.0.1",
                          port=port, timeout=3)
        assert r.answer[0][0].address == "192.0.2.2"
    assert udp_flood("127.0.0.1", p2, 2000) == 2000


def stop_time(srv):
    t0 = time.monotonic()
    rc = srv.stop(timeout=10)
    return rc, time.monotonic() - t0


def test_stops_promptly_idle(anynsd, tmp_path, sockdir):
    srv = start(anynsd, tmp_path, sockdir)
    rc, took = stop_time(srv)
    assert rc == 0 and took < 2.0, (rc, took)
    assert "server, stopped" in srv.log()


def test_stops_promptly_under_flood(anynsd, tmp_path, sockdir):
    srv = start(anynsd, tmp_path, sockdir)
    stop = threading.Event()
    floods = [threading.Thread(target=udp_flood, args=(srv.addr, srv.port, 200000, 20.0, stop))
              for _ in range(2)]
    for f in floods:
        f.start()
    time.sleep(0.5)
    try:
        rc, took = stop_time(srv)
    finally:
        stop.set()
        for f in floods:
            f.join(30)
    assert rc == 0 and took < 2.0, (rc, took)
    assert "server, stopped" in srv.log()


def ipv4_udp_packets(sniffer, port, deadline_s=2.0):
    """IPv4 UDP packets to or from `port` seen on lo: (src_port, frag_off)."""
    out, end = [], time.monotonic() + deadline_s
    sniffer.settimeout(0.1)
    while time.monotonic() < end and len(out) < 2:
        try:
            frame = sniffer.recv(65535)
        except socket.timeout:
            continue
        ip = frame[14:]           # lo carries an all-zero Ethernet header
        if len(ip) < 28 or ip[0] >> 4 != 4 or ip[9] != socket.IPPROTO_UDP:
            continue
        ihl = (ip[0] & 0x0F) * 4
        sport, dport = struct.unpack("!HH", ip[ihl:ihl + 4])
        if port in (sport, dport):
            out.append((sport, struct.unpack("!H", ip[6:8])[0]))
    return out


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root for a packet socket on lo")
def test_ipv4_answers_leave_without_df(anynsd):
    """IP_PMTUDISC_OMIT on the UDP sockets (anynsd/net/listen.c): answers
    are sent without DF and regardless of a learnt path MTU. The query the
    test sends goes out with Linux's default (DF set within the path MTU),
    which shows that the sniffer sees the bit."""
    srv = anynsd(zones={"example.com.": ZONE})
    sniffer = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.ntohs(0x0800))
    try:
        sniffer.bind(("lo", 0))
        r = dns.query.udp(dns.message.make_query("www.example.com.", "A"), srv.addr,
                          port=srv.port, timeout=2)
        assert r.answer
        seen = dict(ipv4_udp_packets(sniffer, srv.port))
    finally:
        sniffer.close()
    query = [f for sp, f in seen.items() if sp != srv.port]
    answer = seen.get(srv.port)
    assert query and query[0] & 0x4000, "the query left without DF: the check sees nothing"
    assert answer is not None, "no answer seen on lo"
    assert answer & 0x4000 == 0, "the answer left with DF set"
