#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Captures real Knot DNS transfer streams as fixtures for test_interop.c.

Starts knotd on 127.0.0.1 as a primary that keeps an IXFR journal
(zonefile-load: difference, journal-content: changes), writes version 1 of
example.com, captures an AXFR, reloads versions 2 and 3, then captures an
IXFR from serial 1. Each stream is stored as received: every message with its
2-byte TCP length prefix. Rerun: /usr/bin/python3 capture_knot.py (here).
"""
import os, shutil, socket, struct, subprocess, sys, tempfile, time

import dns.message, dns.rdatatype, dns.rrset

HERE = os.path.dirname(os.path.abspath(__file__))
PORT = 53000 + os.getpid() % 1000
ZONE = "example.com."
QID = 0x4B4E


def version(serial):
    lines = [f"$TTL 3600", f"@ SOA ns1 hostmaster {serial} 7200 900 1209600 300",
             "@ NS ns1", "@ NS ns2.example.net.", "ns1 A 192.0.2.1", "ns1 AAAA 2001:db8::1",
             "@ MX 10 mail", "mail A 192.0.2.25", "www CNAME ns1",
             "sub NS ns.sub", "ns.sub A 192.0.2.53", '*.w TXT "wild card"']
    # Enough records that Knot splits the AXFR over several messages.
    lines += [f"h{i} A 10.0.{i // 256}.{i % 256}" for i in range(4000)]
    if serial >= 2:
        lines += ["new A 192.0.2.77", 'mail TXT "added in 2"']
        lines.remove("mail A 192.0.2.25")
        lines.append("mail A 192.0.2.26")
    if serial >= 3:
        lines.remove("new A 192.0.2.77")
        lines.append("www2 60 AAAA 2001:db8::2")
        lines = [l.replace("ns1 A 192.0.2.1", "ns1 300 A 192.0.2.1") for l in lines]
    return "\n".join(lines) + "\n"


def query(qtype, serial=None):
    q = dns.message.make_query(ZONE, qtype)
    q.id = QID
    q.flags = 0
    if serial is not None:
        q.authority.append(dns.rrset.from_text(ZONE, 0, "IN", "SOA", f". . {serial} 0 0 0 0"))
    wire = q.to_wire()
    s = socket.create_connection(("127.0.0.1", PORT), timeout=10)
    s.sendall(struct.pack("!H", len(wire)) + wire)
    out, rrs = b"", []
    while not stream_done(qtype, rrs, serial):
        hdr = recv(s, 2)
        msg = recv(s, struct.unpack("!H", hdr)[0])
        out += hdr + msg
        rrs += dns.message.from_wire(msg, one_rr_per_rrset=True).answer
    s.close()
    return out


def stream_done(qtype, rrs, serial):
    """RFC 5936 / RFC 1995 end of stream: the first SOA seen again."""
    if not rrs:
        return False
    soa = lambda rr: rr.rdtype == dns.rdatatype.SOA
    first = rrs[0][0].serial
    if qtype == "IXFR" and len(rrs) == 1:
        return first == serial  # up to date: the SOA alone
    n = sum(1 for rr in rrs if soa(rr) and rr[0].serial == first)
    is_incremental = qtype == "IXFR" and len(rrs) > 1 and soa(rrs[1])
    return n >= (3 if is_incremental else 2) and soa(rrs[-1])


def recv(s, n):
    b = b""
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            raise RuntimeError("connection closed")
        b += c
    return b


def main():
    tmp = tempfile.mkdtemp(prefix="knot-xfr-")
    zf = os.path.join(tmp, "example.com.zone")
    conf = os.path.join(tmp, "knot.conf")
    os.mkdir(os.path.join(tmp, "db"))
    with open(conf, "w") as f:
        f.write(f"""server:
    rundir: {tmp}
    listen: 127.0.0.1@{PORT}
database:
    storage: {tmp}/db
acl:
  - id: xfr
    address: 127.0.0.1
    action: transfer
template:
  - id: default
    acl: xfr
    storage: {tmp}
    zonefile-load: difference
    journal-content: changes
    zonefile-sync: -1
zone:
  - domain: {ZONE}
    file: {zf}
""")
    with open(zf, "w") as f:
        f.write(version(1))
    shutil.copy(zf, os.path.join(HERE, "knot_v1.zone"))
    log = open(os.path.join(tmp, "knot.log"), "w")
    knot = subprocess.Popen(["knotd", "-c", conf], stdout=log, stderr=log)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", PORT), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        time.sleep(0.5)
        with open(os.path.join(HERE, "knot_axfr_v1.bin"), "wb") as f:
            f.write(query("AXFR"))
        for serial in (2, 3):
            with open(zf, "w") as f:
                f.write(version(serial))
            subprocess.run(["knotc", "-s", f"{tmp}/knot.sock", "zone-reload", ZONE], check=True,
                           stdout=subprocess.DEVNULL)
            time.sleep(1.0)
        shutil.copy(zf, os.path.join(HERE, "knot_v3.zone"))
        with open(os.path.join(HERE, "knot_ixfr_v1_v3.bin"), "wb") as f:
            f.write(query("IXFR", 1))
        with open(os.path.join(HERE, "knot_ixfr_v3_v3.bin"), "wb") as f:
            f.write(query("IXFR", 3))
    finally:
        knot.terminate()
        knot.wait(timeout=10)
        if os.environ.get("KEEP"):
            print(open(os.path.join(tmp, "knot.log")).read())
        shutil.rmtree(tmp)


if __name__ == "__main__":
    sys.exit(main())
