#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Reference vectors for tests/unit/wire/test_tsig.c.

`tsig_vectors.py dnspython` prints the C table rows of messages signed by
dnspython 2.3 (an independent TSIG implementation) at a fixed time.
`tsig_vectors.py knot PORT OUT` captures, from a knotd serving xfr.test.
with key xfr.key. (hmac-sha256) on 127.0.0.1@PORT, a TSIG-signed AXFR over
TCP: OUT gets the request then every response message, each prefixed by
its 16-bit length (the TCP framing). It also prints Knot's answers to a
request with an unknown key, a wrong secret and a stale time.
"""
import socket
import struct
import sys
import time

import dns.message
import dns.name
import dns.renderer
import dns.rrset
import dns.tsig

T = 1700000000
SECRET = "c2VjcmV0LWZvci10c2lnLXZlY3RvcnMtMDEyMzQ1Njc4OWFiY2RlZg=="
ALGS = ["hmac-md5", "hmac-sha1", "hmac-sha224", "hmac-sha256", "hmac-sha384",
        "hmac-sha512"]


def dnspython_alg(a):
    return "hmac-md5.sig-alg.reg.int." if a == "hmac-md5" else a + "."


def c_row(name, wire):
    print('\t{ "%s", "%s" },' % (name, wire.hex()))


def signed_query(key, at, qname="example.com."):
    dns.renderer.time.time = lambda: at
    q = dns.message.make_query(qname, "SOA")
    q.id = 0x1234
    q.use_tsig({key.name: key}, keyname=key.name, fudge=300)
    return q, q.to_wire()


def response_with_soa(q, key):
    r = dns.message.make_response(q)
    r.answer.append(dns.rrset.from_text(
        "example.com.", 3600, "IN", "SOA", "ns1.example.com. h.example.com. 1 2 3 4 5"))
    return r


def dnspython_vectors():
    for a in ALGS:
        key = dns.tsig.Key("k1.tsig.", SECRET, dnspython_alg(a))
        _, wire = signed_query(key, T)
        c_row(a, wire)
    key = dns.tsig.Key("k1.tsig.", SECRET, "hmac-sha256.")
    q, qwire = signed_query(key, T)
    qp = dns.message.from_wire(qwire, keyring={key.name: key})
    dns.renderer.time.time = lambda: T + 1
    print("/* response to the hmac-sha256 query, signed at T+1 */")
    c_row("response", response_with_soa(qp, key).to_wire())
    stream_vectors(key, qp)


def stream_vectors(key, qp):
    """signed, unsigned, signed: dnspython's multi-message signing, with the
    unsigned middle message fed to its running context (RFC 8945 5.3.1)."""
    dns.renderer.time.time = lambda: T + 2
    rrs = [dns.rrset.from_text("h%d.example.com." % i, 60, "IN", "A",
                               "192.0.2.%d" % i) for i in range(3)]
    out = []
    ctx = None
    for i in range(3):
        r = dns.renderer.Renderer(0x1234, 0x8400, 65535)
        r.add_question(dns.name.from_text("example.com."), 252)
        r.add_rrset(dns.renderer.ANSWER, rrs[i])
        r.write_header()
        if i == 1:
            out.append(r.get_wire())
            ctx.update(out[-1])
            continue
        ctx = r.add_multi_tsig(ctx, key.name, key, 300, 0x1234, 0, b"",
                               qp.mac if i == 0 else None, key.algorithm)
        r.write_header()
        out.append(r.get_wire())
    check_stream(key, qp, out)
    for i, w in enumerate(out):
        c_row("stream%d" % i, w)


def check_stream(key, qp, wires):
    ctx = None
    for w in wires:
        m = dns.message.from_wire(w, keyring={key.name: key}, request_mac=qp.mac,
                                  tsig_ctx=ctx, multi=True)
        ctx = m.tsig_ctx


def recv_exact(s, n):
    b = b""
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            raise EOFError
        b += c
    return b


def knot_axfr(port, out_path):
    key = dns.tsig.Key("xfr.key.", "bZTiHh0oAP7oWB6ZcL2Zk3sS8ajGDiD2Df/qHrW81Lg=",
                       "hmac-sha256.")
    dns.renderer.time.time = time.time
    q = dns.message.make_query("xfr.test.", "AXFR")
    q.id = 0x4242
    q.use_tsig({key.name: key}, keyname=key.name, fudge=300)
    qwire = q.to_wire()
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(struct.pack("!H", len(qwire)) + qwire)
    msgs, ctx, nsoa = [qwire], None, 0
    while nsoa < 2:
        m = recv_exact(s, struct.unpack("!H", recv_exact(s, 2))[0])
        r = dns.message.from_wire(m, keyring={key.name: key}, request_mac=q.mac,
                                  xfr=True, origin=dns.name.from_text("xfr.test."),
                                  tsig_ctx=ctx, multi=True)
        ctx = r.tsig_ctx
        nsoa += sum(len(rr) for rr in r.answer if rr.rdtype == 6)
        msgs.append(m)
    with open(out_path, "wb") as f:
        for m in msgs:
            f.write(struct.pack("!H", len(m)) + m)
    print("knot AXFR:", [len(m) for m in msgs])
    knot_errors(port, key)


def knot_errors(port, good):
    cases = [("badkey", dns.tsig.Key("nokey.", good.secret, good.algorithm), 0),
             ("badsig", dns.tsig.Key("xfr.key.", b"wrong-secret-0123456789", good.algorithm), 0),
             ("badtime", good, -1000)]
    for name, key, skew in cases:
        q, qwire = signed_query(key, int(time.time()) + skew, "xfr.test.")
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(2)
        s.sendto(qwire, ("127.0.0.1", port))
        c_row(name + "-request", qwire)
        c_row(name + "-response", s.recv(65535))


if __name__ == "__main__":
    if sys.argv[1] == "dnspython":
        dnspython_vectors()
    else:
        knot_axfr(int(sys.argv[2]), sys.argv[3])
