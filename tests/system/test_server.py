# SPDX-License-Identifier: MIT
"""anynsd as a running server: UDP and TCP (RFC 7766), IPv6, limits and
timeouts, reload on SIGHUP, clean stop, and robustness against garbage."""
import os
import random
import signal
import socket
import struct
import time

import dns.edns
import dns.flags
import dns.message
import dns.opcode
import dns.query
import dns.rcode
import dns.rdataclass
import dns.rdatatype

ZONE = """$ORIGIN example.com.
$TTL 300
@ SOA ns1 hostmaster {serial} 7200 3600 1209600 300
@ NS ns1
ns1 A 192.0.2.1
www A 192.0.2.80
{extra}
"""


def zone(serial=1, extra=""):
    return ZONE.format(serial=serial, extra=extra)


def soa_serial(srv):
    r = srv.query("example.com.", "SOA")
    return r.answer[0][0].serial


def wait_until(pred, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.05)
    return False


def tcp_connect(srv):
    fam = socket.AF_INET6 if ":" in srv.addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(3)
    s.connect((srv.addr, srv.port))
    return s


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise EOFError("connection closed after %d of %d bytes" % (len(buf), n))
        buf += chunk
    return buf


def recv_msg(s):
    (n,) = struct.unpack("!H", recv_exact(s, 2))
    return dns.message.from_wire(recv_exact(s, n))


def framed(q):
    w = q.to_wire()
    return struct.pack("!H", len(w)) + w


def test_udp_and_tcp_answers(anynsd):
    srv = anynsd(zones={"example.com.": zone()})
    for tcp in (False, True):
        r = srv.query("www.example.com.", "A", tcp=tcp)
        assert r.rcode() == dns.rcode.NOERROR
        assert r.flags & dns.flags.AA
        assert [x.address for x in r.answer[0]] == ["192.0.2.80"]
    r = srv.query("nope.example.com.", "A")
    assert r.rcode() == dns.rcode.NXDOMAIN
    r = srv.query("example.org.", "A")
    assert r.rcode() == dns.rcode.REFUSED


def test_ipv6_listen(anynsd):
    srv = anynsd(zones={"example.com.": zone()}, addr="::1")
    for tcp in (False, True):
        r = srv.query("www.example.com.", "A", tcp=tcp)
        assert [x.address for x in r.answer[0]] == ["192.0.2.80"]


def test_identity_nsid_and_version(anynsd):
    srv = anynsd(zones={"example.com.": zone()}, server={"identity": "fra1"})
    r = srv.query("www.example.com.", "A", use_edns=0,
                  options=[dns.edns.GenericOption(dns.edns.NSID, b"")])
    nsid = [o for o in r.options if o.otype == dns.edns.NSID]
    assert nsid and nsid[0].to_wire() == b"fra1"
    r = srv.query("id.server.", "TXT", rdclass=dns.rdataclass.CH)
    assert r.answer[0][0].strings == (b"fra1",)
    r = srv.query("version.bind.", "TXT", rdclass=dns.rdataclass.CH)
    assert r.answer[0][0].strings[0].startswith(b"anynsd ")


def test_version_disabled_is_refused(anynsd):
    srv = anynsd(zones={"example.com.": zone()}, server={"version": ""})
    r = srv.query("version.server.", "TXT", rdclass=dns.rdataclass.CH)
    assert r.rcode() == dns.rcode.REFUSED


def test_tcp_pipelined_queries_answered_in_order(anynsd):
    srv = anynsd(zones={"example.com.": zone()})
    names = ["www.example.com.", "ns1.example.com.", "nope.example.com.",
             "example.com.", "www.example.com."]
    qs = [dns.message.make_query(n, "A") for n in names]
    with tcp_connect(srv) as s:
        s.sendall(b"".join(framed(q) for q in qs))   # one write
        answers = [recv_msg(s) for _ in qs]
    assert [a.id for a in answers] == [q.id for q in qs]
    assert [str(a.question[0].name) for a in answers] == names
    assert answers[2].rcode() == dns.rcode.NXDOMAIN


def test_tcp_query_split_across_writes(anynsd):
    srv = anynsd(zones={"example.com.": zone()})
    data = framed(dns.message.make_query("www.example.com.", "A"))
    with tcp_connect(srv) as s:
        for i in range(len(data)):           # byte by byte
            s.sendall(data[i:i + 1])
            time.sleep(0.002)
        r = recv_msg(s)
    assert r.answer[0][0].address == "192.0.2.80"


def test_tcp_idle_timeout_closes(anynsd):
    srv = anynsd(zones={"example.com.": zone()}, server={"tcp-idle-timeout": "1s"})
    with tcp_connect(srv) as s:
        s.sendall(framed(dns.message.make_query("www.example.com.", "A")))
        recv_msg(s)
        start = time.monotonic()
        s.settimeout(5)
        assert s.recv(1) == b""              # closed by the server
        waited = time.monotonic() - start
    assert 0.5 < waited < 3.0


def test_tcp_connection_limit(anynsd):
    srv = anynsd(zones={"example.com.": zone()}, server={"tcp-max-clients": 2})
    q = framed(dns.message.make_query("www.example.com.", "A"))
    held = [tcp_connect(srv) for _ in range(2)]
    for s in held:
        s.sendall(q)
        recv_msg(s)
    extra = tcp_connect(srv)                 # accepted by the kernel, closed by us
    extra.settimeout(3)
    try:
        extra.sendall(q)
        assert extra.recv(2) == b""
    except ConnectionResetError:
        pass
    extra.close()
    held.pop().close()

    def one_more_works():
        try:
            with tcp_connect(srv) as s:
                s.sendall(q)
                return recv_msg(s).rcode() == dns.rcode.NOERROR
        except (EOFError, ConnectionResetError):
            return False
    assert wait_until(one_more_works)
    for s in held:
        s.close()


def test_xfr_and_notify_refused_without_acl(anynsd):
    srv = anynsd(zones={"example.com.": zone()})
    q = dns.message.make_query("example.com.", "AXFR")
    r = dns.query.tcp(q, srv.addr, port=srv.port, timeout=3)
    assert r.rcode() == dns.rcode.REFUSED
    # AXFR is TCP only (RFC 5936 §4.2): NOTIMP over UDP, as Knot and NSD.
    r = dns.query.udp(q, srv.addr, port=srv.port, timeout=3)
    assert r.rcode() == dns.rcode.NOTIMP
    n = dns.message.make_query("example.com.", "SOA")
    n.set_opcode(dns.opcode.NOTIFY)
    n.flags |= dns.flags.AA
    r = dns.query.udp(n, srv.addr, port=srv.port, timeout=3)
    assert r.rcode() == dns.rcode.REFUSED


def test_sighup_reload_picks_up_new_serial(anynsd):
    srv = anynsd(zones={"example.com.": zone(1)})
    assert soa_serial(srv) == 1
    (srv.dir / "zone0.zone").write_text(zone(2, "new A 192.0.2.99"))
    srv.reload()
    assert wait_until(lambda: soa_serial(srv) == 2)
    assert srv.query("new.example.com.", "A").answer[0][0].address == "192.0.2.99"
    assert wait_until(lambda: "zone example.com., reloaded, serial 1 -> 2" in srv.log())


def test_sighup_unchanged_file_is_skipped(anynsd):
    srv = anynsd(zones={"example.com.": zone(1)})
    srv.reload()
    assert wait_until(lambda: "reload finished" in srv.log())
    assert "reloaded" not in srv.log()


def test_sighup_broken_zone_keeps_old_data(anynsd):
    srv = anynsd(zones={"example.com.": zone(1)})
    path = srv.dir / "zone0.zone"
    path.write_text(zone(2, "bad A 192.0.2.999"))
    srv.reload()
    assert wait_until(lambda: "reload finished" in srv.log())
    log = srv.log()
    assert "%s:7:" % path in log                 # the bad record's file:line
    assert "zone example.com., keeping serial 1" in log
    assert soa_serial(srv) == 1
    assert srv.query("www.example.com.", "A").answer[0][0].address == "192.0.2.80"
    assert srv.running()


def test_zone_failing_at_start_does_not_stop_the_others(anynsd):
    srv = anynsd(zones={"example.com.": zone(1),
                        "example.net.": "$ORIGIN example.net.\n@ SOA broken\n"})
    assert soa_serial(srv) == 1
    assert "zone example.net., load failed" in srv.log()
    r = srv.query("example.net.", "SOA")
    assert r.rcode() == dns.rcode.REFUSED


def test_sigterm_and_sigint_exit_0(anynsd):
    for sig in (signal.SIGTERM, signal.SIGINT):
        srv = anynsd(zones={"example.com.": zone()}, server={"workers": 2})
        with tcp_connect(srv):               # an open connection is no obstacle
            assert srv.stop(sig) == 0
        assert "server, stopped" in srv.log()


def test_garbage_flood_does_not_crash(anynsd):
    srv = anynsd(zones={"example.com.": zone()}, server={"workers": 2})
    rnd = random.Random(7)
    good = dns.message.make_query("www.example.com.", "A").to_wire()
    fam = socket.AF_INET6 if ":" in srv.addr else socket.AF_INET
    with socket.socket(fam, socket.SOCK_DGRAM) as u:
        for i in range(2000):
            if i % 3 == 0:                   # a valid header, mangled body
                p = bytearray(good)
                for _ in range(rnd.randint(1, 6)):
                    p[rnd.randrange(len(p))] = rnd.randrange(256)
                p = bytes(p[:rnd.randint(0, len(p))])
            else:
                p = os.urandom(rnd.randint(0, 600))
            u.sendto(p, (srv.addr, srv.port))
            if i % 200 == 0:
                time.sleep(0.01)
    for _ in range(20):                      # TCP: garbage with random lengths
        with tcp_connect(srv) as s:
            s.sendall(os.urandom(rnd.randint(1, 3000)))
    assert srv.running()
    assert srv.query("www.example.com.", "A").answer[0][0].address == "192.0.2.80"
    assert srv.query("www.example.com.", "A", tcp=True).answer[0][0].address == "192.0.2.80"


def test_wildcard_listen_answers_from_the_queried_address(anynsd, tmp_path):
    # dnspython rejects a reply from another address than it asked.
    zfile = tmp_path / "wild.zone"
    zfile.write_text(zone())
    from conftest import free_port
    port = free_port("127.0.0.2")
    conf = ('server:\n  listen: [ "0.0.0.0@%d" ]\n  workers: 1\n'
            'zone:\n  - domain: example.com\n    file: "%s"\n' % (port, zfile))
    srv = anynsd(config=conf, addr="127.0.0.2", port=port)
    r = srv.query("www.example.com.", "A")
    assert r.answer[0][0].address == "192.0.2.80"


def test_tcp_io_timeout_closes_a_stalled_query(anynsd):
    # A started but unfinished query gets tcp-io-timeout, not the idle one.
    srv = anynsd(zones={"example.com.": zone()},
                 server={"tcp-idle-timeout": "10s", "tcp-io-timeout": "300ms"})
    with tcp_connect(srv) as s:
        s.sendall(framed(dns.message.make_query("www.example.com.", "A"))[:5])
        start = time.monotonic()
        s.settimeout(5)
        assert s.recv(1) == b""
        assert time.monotonic() - start < 2.0


def test_reload_while_answering(anynsd):
    # Queries keep getting whole answers while the zone set is swapped.
    import threading
    srv = anynsd(zones={"example.com.": zone(1)}, server={"workers": 2})
    errors, done = [], threading.Event()

    def ask():
        while not done.is_set():
            try:
                r = srv.query("www.example.com.", "A")
                if r.answer[0][0].address != "192.0.2.80":
                    errors.append(r)
            except Exception as e:          # a timeout or a broken answer
                errors.append(e)
    t = threading.Thread(target=ask)
    t.start()
    try:
        for serial in range(2, 8):
            (srv.dir / "zone0.zone").write_text(zone(serial, "n%d A 192.0.2.%d" % (serial, serial)))
            srv.reload()
            assert wait_until(lambda: soa_serial(srv) == serial)
    finally:
        done.set()
        t.join()
    assert not errors
    assert srv.stop() == 0
