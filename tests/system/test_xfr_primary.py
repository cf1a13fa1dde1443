# SPDX-License-Identifier: MIT
"""anynsd as a hidden primary: Knot DNS and NSD pull the zone by AXFR signed
with TSIG; transfers without the key, with a wrong key or from an address
outside the acl are refused; signed ordinary queries get signed answers."""
import dns.message
import dns.query
import dns.rcode
import dns.rrset
import dns.tsig
import dns.tsigkeyring
import pytest

import peers
from xfrutil import (SECRET, WRONG, ZONE, anynsd_conf, knot_secondary_conf,
                     nsd_secondary_conf, soa_serial, zone_text)


def primary_config(srv_dir, port, zone_path):
    return anynsd_conf(srv_dir, port, key=SECRET, acl=[
        "  - { id: nodes, address: [ 127.0.0.0/8 ], key: xfr, action: transfer }",
        "  - { id: nowhere, address: 192.0.2.0/24, action: transfer }",
    ], zone=['    file: "%s"' % zone_path, "    acl: [ nodes, nowhere ]"])


@pytest.fixture
def primary(anynsd, tmp_path):
    port = peers.free_port()
    d = tmp_path / "primary"
    d.mkdir()
    zone = d / "example.com.zone"
    zone.write_text(zone_text(10, 2000))   # enough records for several AXFR messages
    srv = anynsd(config=primary_config(d, port, zone), port=port)
    srv.zone_path = zone
    return srv


def knot_secondary(workdir, primary_port):
    workdir.mkdir(parents=True)
    port = peers.free_port()
    conf = workdir / "knot.conf"
    conf.write_text(knot_secondary_conf(workdir, port, primary_port))
    return peers.Peer("knot", workdir, [peers.KNOTD, "-c", str(conf)],
                      "127.0.0.1", port).start(ZONE)


def nsd_secondary(workdir, primary_port):
    workdir.mkdir(parents=True)
    port = peers.free_port()
    conf = workdir / "nsd.conf"
    conf.write_text(nsd_secondary_conf(workdir, port, primary_port))
    return peers.Peer("nsd", workdir, [peers.NSD, "-d", "-c", str(conf)],
                      "127.0.0.1", port).start(ZONE, timeout=20)


def keyring(secret=SECRET):
    return dns.tsigkeyring.from_text({"xfr.": ("hmac-sha256", secret)})



def test_knot_and_nsd_pull_by_signed_axfr(primary, tmp_path):
    nodes = []
    try:
        nodes.append(knot_secondary(tmp_path / "knot", primary.port))
        nodes.append(nsd_secondary(tmp_path / "nsd", primary.port))
        for n in nodes:
            assert soa_serial(n.addr, n.port, timeout=2) == 10
            r = n.query("h1999.example.com.", "A")
            assert r.answer and r.answer[0][0].address == "10.0.7.207"
        assert "AXFR, incoming" in nodes[0].log()
        assert "finished" in nodes[0].log()
        assert "received update to serial 10" in nodes[1].log()
        assert "TSIG verified with key xfr" in nodes[1].log()
        log = primary.log()
        assert log.count("AXFR to 127.0.0.1@") >= 2
        assert ", signed, serial 10," in log
    finally:
        for n in nodes:
            n.stop()


def test_signed_axfr_every_message_verified(primary):
    # dnspython verifies the TSIG of every message of the stream.
    msgs = list(dns.query.xfr("127.0.0.1", ZONE, port=primary.port, timeout=5,
                              keyring=keyring(), keyname="xfr."))
    assert len(msgs) >= 2
    assert all(m.had_tsig for m in msgs)
    rrs = sum(len(rr) for m in msgs for rr in m.answer)
    assert rrs == 2000 + 3 + 1   # SOA, NS, A, 2000 A, closing SOA


def _transfer_rcode(port, kr=None, qtype="AXFR"):
    q = dns.message.make_query(ZONE, qtype)
    if qtype == "IXFR":
        q.authority.append(dns.rrset.from_text(ZONE, 0, "IN", "SOA", ". . 5 0 0 0 0"))
    if kr:
        q.use_tsig(kr, keyname="xfr.")
    try:
        r = dns.query.tcp(q, "127.0.0.1", port=port, timeout=3)
    except dns.tsig.PeerBadSignature:
        return "BADSIG"
    except dns.tsig.PeerBadKey:
        return "BADKEY"
    return dns.rcode.to_text(r.rcode())


def test_transfer_without_key_or_with_wrong_key_refused(primary):
    assert _transfer_rcode(primary.port) == "REFUSED"
    assert _transfer_rcode(primary.port, qtype="IXFR") == "REFUSED"
    assert _transfer_rcode(primary.port, keyring(WRONG)) == "BADSIG"
    other = dns.tsigkeyring.from_text({"other.": ("hmac-sha256", SECRET)})
    q = dns.message.make_query(ZONE, "AXFR")
    q.use_tsig(other, keyname="other.")
    with pytest.raises(dns.tsig.PeerBadKey):
        dns.query.tcp(q, "127.0.0.1", port=primary.port, timeout=3)
    assert "refused (not allowed by acl, unsigned)" in primary.log()


def test_signed_query_gets_signed_answer(primary):
    q = dns.message.make_query("ns1.example.com.", "A")
    q.use_tsig(keyring(), keyname="xfr.")
    r = dns.query.udp(q, "127.0.0.1", port=primary.port, timeout=2)
    assert r.had_tsig and r.rcode() == dns.rcode.NOERROR
    assert r.answer[0][0].address == "192.0.2.1"


def test_ixfr_over_udp_is_soa_only(primary):
    q = dns.message.make_query(ZONE, "IXFR")
    q.authority.append(dns.rrset.from_text(ZONE, 0, "IN", "SOA", ". . 5 0 0 0 0"))
    q.use_tsig(keyring(), keyname="xfr.")
    r = dns.query.udp(q, "127.0.0.1", port=primary.port, timeout=2)
    assert r.had_tsig
    assert len(r.answer) == 1 and r.answer[0].rdtype == dns.rdatatype.SOA
    assert r.answer[0][0].serial == 10


def test_axfr_over_udp_notimp(primary):
    q = dns.message.make_query(ZONE, "AXFR")
    r = dns.query.udp(q, "127.0.0.1", port=primary.port, timeout=2)
    assert r.rcode() == dns.rcode.NOTIMP
