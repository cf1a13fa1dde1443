# SPDX-License-Identifier: MIT
"""A secondary whose primary misbehaves (a small fake primary over TCP/UDP):
cut off mid-transfer, a broken stream, more than zone.max-size or
zone.max-records. The node
never publishes what it got, keeps its old copy and retries later."""
import socket
import struct
import threading

import dns.message
import dns.query
import dns.rcode
import dns.rrset
import dns.zone

import peers
import xfrutil
from xfrutil import ZONE, anynsd_conf, soa_serial, wait_for


def zone_text(serial, hosts):
    """Refresh and retry 1 s: the node asks again soon after a failure."""
    return xfrutil.zone_text(serial, hosts, timers="1 1 3600")


class FakePrimary:
    """Answers SOA over UDP/TCP; transfers per `mode`: good, cut, broken, big."""

    def __init__(self, serial, hosts=3, mode="good"):
        self.set_zone(serial, hosts)
        self.mode = mode
        self.port = peers.free_port()
        self.stop = False
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", self.port))
        self.udp.settimeout(0.2)
        self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.tcp.bind(("127.0.0.1", self.port))
        self.tcp.listen(8)
        self.tcp.settimeout(0.2)
        self.transfers = 0
        self.threads = [threading.Thread(target=f, daemon=True)
                        for f in (self.serve_udp, self.serve_tcp)]
        for t in self.threads:
            t.start()

    def set_zone(self, serial, hosts):
        """What the next SOA query and transfer see."""
        self.zone = dns.zone.from_text(zone_text(serial, hosts), ZONE, relativize=False)

    def soa_response(self, q):
        r = dns.message.make_response(q)
        r.answer.append(self.zone.find_rrset(ZONE, "SOA").copy())
        r.answer[0].name = dns.name.from_text(ZONE)
        return r

    def serve_udp(self):
        while not self.stop:
            try:
                data, peer = self.udp.recvfrom(4096)
            except socket.timeout:
                continue
            q = dns.message.from_wire(data)
            self.udp.sendto(self.soa_response(q).to_wire(), peer)

    def xfr_messages(self, q):
        soa = self.zone.find_rrset(ZONE, "SOA")
        rrs = [soa]
        for name, node in self.zone.nodes.items():
            for rds in node.rdatasets:
                if rds.rdtype == dns.rdatatype.SOA:
                    continue
                rrs.append(dns.rrset.from_rdata_list(name.derelativize(self.zone.origin),
                                                     rds.ttl, list(rds)))
        rrs.append(soa)
        msgs = []
        for i in range(0, len(rrs), 50):
            r = dns.message.make_response(q)
            r.flags |= dns.flags.AA
            for rr in rrs[i:i + 50]:
                rr = rr.copy()
                rr.name = rr.name.derelativize(self.zone.origin)
                r.answer.append(rr)
            msgs.append(r.to_wire())
        return msgs

    def serve_tcp(self):
        while not self.stop:
            try:
                c, _ = self.tcp.accept()
            except socket.timeout:
                continue
            with c:
                c.settimeout(2)
                try:
                    n = struct.unpack("!H", c.recv(2))[0]
                    q = dns.message.from_wire(c.recv(n))
                except Exception:
                    continue
                if q.question[0].rdtype == dns.rdatatype.SOA:
                    w = self.soa_response(q).to_wire()
                    c.sendall(struct.pack("!H", len(w)) + w)
                    continue
                self.transfers += 1
                msgs = self.xfr_messages(q)
                if self.mode == "cut":
                    msgs = msgs[:1]
                elif self.mode == "broken":
                    msgs[1] = msgs[1][:12] + b"\xff" * (len(msgs[1]) - 12)
                try:
                    for m in msgs:
                        c.sendall(struct.pack("!H", len(m)) + m)
                except OSError:
                    pass   # the node gave up on the stream

    def close(self):
        self.stop = True
        for t in self.threads:
            t.join()
        self.udp.close()
        self.tcp.close()


def node_conf(d, port, pport, max_size="1M", max_records=None):
    return anynsd_conf(d, port, remotes=[("fake", "127.0.0.1", pport)],
                       zone=["    primary: fake", "    refresh-min: 1s",
                             "    max-size: %s" % max_size]
                       + (["    max-records: %d" % max_records] if max_records else []))


def start_node(anynsd, tmp_path, pport, **kw):
    """An anynsd secondary of the fake primary on `pport` (node_conf's options)."""
    d = tmp_path / "node"
    d.mkdir()
    port = peers.free_port()
    return anynsd(config=node_conf(d, port, pport, **kw), port=port)


def serial_of(srv):
    return soa_serial(srv.addr, srv.port, timeout=1)


def test_faulty_primary_keeps_old_copy(anynsd, tmp_path):
    fake = FakePrimary(10, hosts=300)
    try:
        node = start_node(anynsd, tmp_path, fake.port, max_size="64K")
        wait_for(lambda: serial_of(node) == 10)
        for mode, words in (("cut", "connection closed"), ("broken", "failed (")):
            fake.set_zone(11, 300)
            fake.mode = mode
            before = fake.transfers
            # two rounds: IXFR -> AXFR fallback, then a retry after SOA retry (1 s)
            wait_for(lambda: fake.transfers >= before + 3)
            assert serial_of(node) == 10, node.log()
            assert words in node.log()
        # The zone first, then the mode: a transfer in between must not see
        # serial 11 served well (a race seen under ASan).
        fake.set_zone(12, 3000)   # > 64K
        fake.mode = "good"
        before = fake.transfers
        wait_for(lambda: fake.transfers >= before + 2)
        assert serial_of(node) == 10
        assert "failed (transfer larger than 65536 bytes)" in node.log()
        fake.set_zone(13, 5)
        wait_for(lambda: serial_of(node) == 13)
    finally:
        fake.close()


def test_more_records_than_max_records_keeps_old_copy(anynsd, tmp_path):
    fake = FakePrimary(10, hosts=50)
    try:
        node = start_node(anynsd, tmp_path, fake.port, max_records=100)
        wait_for(lambda: serial_of(node) == 10)
        # 300 records in far fewer than max-size bytes: only the count refuses it.
        fake.set_zone(11, 300)
        before = fake.transfers
        wait_for(lambda: fake.transfers >= before + 2)
        assert serial_of(node) == 10
        assert "failed (transfer of more than 100 records)" in node.log()
        fake.set_zone(12, 60)
        wait_for(lambda: serial_of(node) == 12)
    finally:
        fake.close()
