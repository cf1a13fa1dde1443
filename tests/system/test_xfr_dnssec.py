# SPDX-License-Identifier: MIT
"""A signed zone through transfers keeps every RRSIG's TTL.

A node's RRSIGs cover different types and each carries the TTL of the
RRset it covers (RFC 4034 §3): at the apex the SOA's signature has the SOA
TTL, the MX's the MX TTL, and so on. An anynsd hidden primary serves an
NSEC3-signed example.com. (signed at test time with BIND's dnssec-keygen
and dnssec-signzone, as test_dnssec.py does) to an anynsd secondary and a
Knot secondary by AXFR, then the zone is changed and re-signed (every
signature new) and travels to both by IXFR. After each step:

- a full AXFR from the anynsd secondary equals the signed file record by
  record, TTLs included;
- DO=1 answers of the primary and both secondaries carry exactly the
  file's RRSIGs (name, covered type, TTL, rdata), negative answers too;
- an IXFR from the primary lists removals and additions at the TTLs of
  the old and new files.

Then the primary is restarted (its stored copy read back and compared with
the file) and its AXFR and IXFR keep the TTLs.
"""
import re
import shutil
import subprocess

import dns.message
import dns.name
import dns.query
import dns.rdatatype
import dns.rrset
import dns.zone
import pytest

import peers
from xfrutil import SECRET, ZONE, anynsd_conf, knot_secondary_conf, serial_of, wait_for

KEYGEN = shutil.which("dnssec-keygen") or "/usr/bin/dnssec-keygen"
SIGNZONE = shutil.which("dnssec-signzone") or "/usr/bin/dnssec-signzone"
WAIT = 20
ORIGIN = dns.name.from_text(ZONE)

# Every RRset its own TTL, several at one node (the apex, www): one TTL per
# node's RRSIGs would show. SOA MINIMUM 60 gives the NSEC3 records theirs.
UNSIGNED = """$ORIGIN example.com.
$TTL 300
@ 3600 SOA ns1 host {serial} 3600 600 86400 60
@ 3600 NS ns1
@ 1800 MX 10 mail
@ 900 TXT "apex"
ns1 A 192.0.2.1
mail 120 A 192.0.2.25
www A 192.0.2.80
www 7200 TXT "hello"
www 600 AAAA 2001:db8::80
sub 3600 NS ns.sub
ns.sub 3600 A 192.0.2.53
{hosts}
"""


def sign(d, serial, hosts):
    """Writes example.com. with `serial` and h<i> A for i < hosts, signs
    it with NSEC3 (keys made on the first call) and returns its path."""
    keys = list(d.glob("K*.key"))
    if not keys:
        for flags in (["-f", "KSK"], []):
            subprocess.run([KEYGEN, "-q", "-K", str(d), "-a", "ECDSAP256SHA256"] + flags
                           + [ZONE], check=True, capture_output=True, timeout=30)
    src = d / "unsigned.zone"
    src.write_text(UNSIGNED.format(serial=serial, hosts="\n".join(
        "h%d 60 A 10.0.0.%d" % (i, i) for i in range(hosts))))
    out = d / ("signed-%d.zone" % serial)
    subprocess.run([SIGNZONE, "-q", "-K", str(d), "-d", str(d), "-S", "-o", ZONE, "-f", str(out),
                    "-3", "ab12", "-H", "1", str(src)],
                   check=True, capture_output=True, timeout=60)
    return out


def file_records(path):
    """{(owner, ttl, type, covered, rdata)} of a zone file."""
    z = dns.zone.from_text(path.read_text(), origin=ORIGIN, relativize=False,
                           check_origin=False)
    return {(name.to_text().lower(), rds.ttl, rds.rdtype, rds.covers, rd.to_text())
            for name, node in z.nodes.items() for rds in node.rdatasets for rd in rds}


def message_records(msgs, sections=("answer",)):
    return {(rrset.name.to_text().lower(), rrset.ttl, rrset.rdtype, rrset.covers, rd.to_text())
            for m in msgs for s in sections for rrset in getattr(m, s) for rd in rrset}


def axfr_records(addr, port):
    msgs = list(dns.query.xfr(addr, ZONE, port=port, timeout=5, lifetime=20, relativize=False))
    return message_records(msgs)


def sigs(records):
    return {r for r in records if r[2] == dns.rdatatype.RRSIG}


def ttls_by_covered(records, owner):
    """{covered type: TTL} of the RRSIGs at owner, to show what differs."""
    return {dns.rdatatype.to_text(r[3]): r[1] for r in sigs(records) if r[0] == owner}


def assert_same_records(got, want, what):
    missing, extra = want - got, got - want
    assert not missing and not extra, "%s: %d missing, %d extra; e.g. missing %s, extra %s" % (
        what, len(missing), len(extra), sorted(missing)[:3], sorted(extra)[:3])


# DO=1 questions: positive answers at nodes with several signed types,
# NODATA, NXDOMAIN (NSEC3 proofs at the negative TTL) and a referral.
QUESTIONS = [(ZONE, "SOA"), (ZONE, "MX"), (ZONE, "TXT"), (ZONE, "DNSKEY"),
             ("www." + ZONE, "A"), ("www." + ZONE, "TXT"), ("www." + ZONE, "AAAA"),
             ("mail." + ZONE, "A"), ("www." + ZONE, "MX"), ("nothere." + ZONE, "A"),
             ("x.sub." + ZONE, "A"), ("h1." + ZONE, "A")]


NEG_SOA_TTL = 60   # min(SOA TTL, MINIMUM), RFC 2308 §3: the SOA and its RRSIG


def signatures(addr, port, qname, qtype):
    """The RRSIGs of a DO=1 answer (answer and authority sections), the
    SOA's signature of a negative answer put back at the SOA's file TTL
    once its RFC 2308 §3 TTL has been checked."""
    q = dns.message.make_query(qname, qtype, want_dnssec=True, payload=4096)
    r = dns.query.tcp(q, addr, port=port, timeout=3)
    got = sigs(message_records([r]))
    for rr in sigs(message_records([r], ("authority",))):
        if rr[3] == dns.rdatatype.SOA:
            assert rr[1] == NEG_SOA_TTL, rr
            rr = (rr[0], 3600) + rr[2:]
        got.add(rr)
    return got


def assert_sigs_as_file(servers, want):
    """Every server's signatures are the file's, TTLs included."""
    for qname, qtype in QUESTIONS:
        for who, port in servers:
            got = signatures("127.0.0.1", port, qname, qtype)
            assert got, "%s: no RRSIG for %s %s" % (who, qname, qtype)
            assert got <= sigs(want), "%s: %s %s: RRSIGs not as in the file: %s" % (
                who, qname, qtype, sorted(got - sigs(want))[:3])


def primary_conf(d, port, path, sport, nport):
    return anynsd_conf(d, port, key=SECRET,
                       remotes=[("knot", "127.0.0.1", sport), ("node", "127.0.0.1", nport)],
                       acl=["  - { id: nodes, address: 127.0.0.0/8, key: xfr, action: transfer }",
                            "  - { id: local, address: 127.0.0.1, action: transfer }"],
                       zone=['    file: "%s"' % path, "    acl: [ nodes, local ]",
                             "    notify: [ knot, node ]", "    journal-content: all"])


def node_conf(d, port, pport):
    return anynsd_conf(d, port, key=SECRET, remotes=[("hidden", "127.0.0.1", pport)],
                       acl=["  - { id: prim, address: 127.0.0.1, key: xfr, action: notify }",
                            "  - { id: local, address: 127.0.0.1, action: transfer }"],
                       zone=["    primary: hidden", "    acl: [ prim, local ]",
                             "    refresh-min: 1s"])


def start_knot(d, port, pport):
    d.mkdir(parents=True)
    (d / "db").mkdir()   # Knot 3.2 does not create it (test_xfr_interop.py)
    conf = d / "knot.conf"
    conf.write_text(knot_secondary_conf(d, port, pport))
    return peers.Peer("knot", d, [peers.KNOTD, "-c", str(conf)], "127.0.0.1", port).start(
        ZONE, timeout=WAIT)


def ixfr_records(addr, port, serial):
    """(removed, added) records of an IXFR from `serial`, SOAs left out."""
    msgs = list(dns.query.xfr(addr, ZONE, rdtype=dns.rdatatype.IXFR, serial=serial,
                              port=port, timeout=5, lifetime=20, relativize=False))
    rrs = [(rrset.name.to_text().lower(), rrset.ttl, rrset.rdtype, rrset.covers, rd.to_text())
           for m in msgs for rrset in m.answer for rd in rrset]
    assert len(rrs) > 2 and rrs[1][2] == dns.rdatatype.SOA, "not incremental: %s" % rrs[:3]
    removed, added, part = set(), set(), None
    for rr in rrs[1:-1]:
        if rr[2] == dns.rdatatype.SOA:
            part = added if part is removed else removed
        else:
            part.add(rr)
    return removed, added


@pytest.mark.skipif(not peers.tool_present("knot") or not shutil.which(SIGNZONE),
                    reason="knot or dnssec-signzone is not installed")
def test_signed_zone_rrsig_ttls_through_axfr_ixfr_and_restart(anynsd, tmp_path):
    pport, sport, nport = peers.free_port(), peers.free_port(), peers.free_port()
    kd = tmp_path / "keys"
    kd.mkdir()
    pd = tmp_path / "primary"
    pd.mkdir()
    served = pd / "z.zone"
    f10 = sign(kd, 10, 20)
    want10 = file_records(f10)
    # The zone must exercise the bug: RRSIGs of several TTLs at one name.
    assert len(set(ttls_by_covered(want10, ZONE).values())) >= 3, ttls_by_covered(want10, ZONE)
    shutil.copy(f10, served)
    conf = primary_conf(pd, pport, served, sport, nport)
    prim = anynsd(config=conf, port=pport)
    nd = tmp_path / "node"
    nd.mkdir()
    node = anynsd(config=node_conf(nd, nport, pport), port=nport)
    knot = start_knot(tmp_path / "knot", sport, pport)
    try:
        wait_for(lambda: serial_of("127.0.0.1", nport) == 10, WAIT, "serial 10 on the node")
        wait_for(lambda: serial_of("127.0.0.1", sport) == 10, WAIT, "serial 10 on knot")
        assert_same_records(axfr_records("127.0.0.1", pport), want10, "primary AXFR")
        got = axfr_records("127.0.0.1", nport)
        assert ttls_by_covered(got, ZONE) == ttls_by_covered(want10, ZONE)
        assert_same_records(got, want10, "node AXFR after AXFR")
        servers = (("primary", pport), ("node", nport), ("knot", sport))
        assert_sigs_as_file(servers, want10)

        # Changed and re-signed: every signature is new, and travels by IXFR.
        n_knot = len(knot.log())
        f11 = sign(kd, 11, 21)
        want11 = file_records(f11)
        shutil.copy(f11, served)
        prim.reload()
        wait_for(lambda: serial_of("127.0.0.1", nport) == 11, WAIT, "serial 11 on the node")
        wait_for(lambda: serial_of("127.0.0.1", sport) == 11, WAIT, "serial 11 on knot")
        assert re.search(r"IXFR from hidden@127\.0\.0\.1@\d+, serial 10 -> 11", node.log()), \
            node.log()[-2000:]
        assert "IXFR, incoming" in knot.log()[n_knot:], knot.log()[-2000:]
        assert_same_records(axfr_records("127.0.0.1", nport), want11, "node AXFR after IXFR")
        assert_sigs_as_file(servers, want11)
        removed, added = ixfr_records("127.0.0.1", pport, 10)
        soa = dns.rdatatype.SOA
        assert removed == {r for r in want10 - want11 if r[2] != soa}
        assert added == {r for r in want11 - want10 if r[2] != soa}

        # A restart reads the stored copy back and compares it with the file.
        prim.stop()
        prim = anynsd(config=conf, port=pport)
        assert "zone file changed while stopped" not in prim.log()
        assert_same_records(axfr_records("127.0.0.1", pport), want11, "primary AXFR, restarted")
        assert_sigs_as_file((("primary, restarted", pport),), want11)
        removed2, added2 = ixfr_records("127.0.0.1", pport, 10)
        assert (removed2, added2) == (removed, added)
    finally:
        knot.stop()
