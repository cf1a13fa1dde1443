# SPDX-License-Identifier: MIT
"""Secondary-side rules checked against a small fake primary or a bare UDP
socket: a secondary zone with no copy yet answers SERVFAIL (as Knot and BIND),
not REFUSED; the primary's "use AXFR" answer to an IXFR (one SOA newer than
ours, RFC 1995 §4) is followed by an AXFR at once, not after a time-out;
an outgoing NOTIFY carries the zone's SOA in its answer section (RFC 1996
§3.7, as Knot and BIND send it)."""
import socket
import struct
import time

import dns.message
import dns.opcode
import dns.query
import dns.rcode
import dns.rdatatype

import peers
from test_xfr_faults import FakePrimary, start_node, zone_text
from xfrutil import ZONE, anynsd_conf, wait_for


def rcode_of(srv, qname, qtype="SOA"):
    r = dns.query.udp(dns.message.make_query(qname, qtype), srv.addr, port=srv.port, timeout=1)
    return dns.rcode.to_text(r.rcode())


def test_secondary_without_copy_answers_servfail(anynsd, tmp_path):
    dead = peers.free_port()   # nobody listens: the node never gets a copy
    node = start_node(anynsd, tmp_path, dead)
    assert rcode_of(node, ZONE) == "SERVFAIL"
    assert rcode_of(node, "www.example.com.", "A") == "SERVFAIL"
    q = dns.message.make_query(ZONE, "AXFR")
    r = dns.query.tcp(q, node.addr, port=node.port, timeout=2)
    assert dns.rcode.to_text(r.rcode()) == "SERVFAIL"
    # A zone not configured at all is still REFUSED.
    assert rcode_of(node, "example.org.") == "REFUSED"


class UseAxfrPrimary(FakePrimary):
    """Answers an IXFR with the SOA alone (newer than the node's) and keeps
    the connection open; answers AXFR with the whole zone."""

    def serve_tcp(self):
        held = []
        while not self.stop:
            try:
                c, _ = self.tcp.accept()
            except socket.timeout:
                continue
            c.settimeout(2)
            try:
                n = struct.unpack("!H", c.recv(2))[0]
                q = dns.message.from_wire(c.recv(n))
            except Exception:
                c.close()
                continue
            rdtype = q.question[0].rdtype
            if rdtype in (dns.rdatatype.SOA, dns.rdatatype.IXFR):
                w = self.soa_response(q).to_wire()
                c.sendall(struct.pack("!H", len(w)) + w)
                if rdtype == dns.rdatatype.IXFR:
                    self.ixfrs = getattr(self, "ixfrs", 0) + 1
                    self.ixfr_at = time.monotonic()
                    held.append(c)   # open, silent, as a primary that waits
                    continue
                c.close()
                continue
            self.transfers += 1
            self.axfr_at = time.monotonic()
            for m in self.xfr_messages(q):
                c.sendall(struct.pack("!H", len(m)) + m)
            c.close()
        for c in held:
            c.close()


def test_single_soa_answer_to_ixfr_is_followed_by_axfr_at_once(anynsd, tmp_path):
    fake = UseAxfrPrimary(10, hosts=5)
    try:
        node = start_node(anynsd, tmp_path, fake.port)
        wait_for(lambda: node.query(ZONE, "SOA").answer)
        fake.set_zone(11, 6)
        wait_for(lambda: node.query(ZONE, "SOA").answer[0][0].serial == 11)
        assert fake.ixfrs >= 1
        # The node's I/O time-out is 5 s: the AXFR came well before it.
        assert fake.axfr_at - fake.ixfr_at < 1.0
        assert "no increments (single SOA), trying AXFR" in node.log()
        assert node.query("h5.example.com.", "A").answer
    finally:
        fake.close()


def test_notify_carries_the_soa(anynsd, tmp_path):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(5)
    sport = sock.getsockname()[1]
    pport = peers.free_port()
    d = tmp_path / "primary"
    d.mkdir()
    path = d / "z.zone"
    path.write_text(zone_text(42, 3))
    conf = anynsd_conf(d, pport, remotes=[("sec", "127.0.0.1", sport)],
                       zone=['    file: "%s"' % path, "    notify: sec"])
    try:
        prim = anynsd(config=conf, port=pport)
        data, peer = sock.recvfrom(4096)
        m = dns.message.from_wire(data)
        assert m.opcode() == dns.opcode.NOTIFY
        assert m.question[0].rdtype == dns.rdatatype.SOA
        assert len(m.answer) == 1 and m.answer[0].rdtype == dns.rdatatype.SOA
        assert str(m.answer[0].name) == ZONE and m.answer[0][0].serial == 42
        r = dns.message.make_response(m)
        sock.sendto(r.to_wire(), peer)
        wait_for(lambda: "serial 42, acknowledged" in prim.log())
    finally:
        sock.close()
