# SPDX-License-Identifier: MIT
"""Node identity (issue 5): NSID (RFC 5001) from server.identity as text or
0x hex, CHAOS TXT id.server/hostname.bind/version.server/version.bind, a
configured version string, and each switched off: server.nsid: false,
server.chaos: false, an empty identity or version."""
import dns.edns
import dns.message
import dns.query
import dns.rcode
import dns.rdataclass

ZONE = """$ORIGIN example.com.
$TTL 300
@ SOA ns1 host 1 3600 600 86400 300
@ NS ns1
ns1 A 192.0.2.1
"""


def nsid_of(srv):
    q = dns.message.make_query("example.com.", "SOA", use_edns=0,
                               options=[dns.edns.GenericOption(dns.edns.NSID, b"")])
    r = dns.query.udp(q, srv.addr, port=srv.port, timeout=3)
    found = [o for o in r.options if o.otype == dns.edns.NSID]
    return found[0].to_wire() if found else None


def chaos(srv, name):
    r = srv.query(name, "TXT", rdclass=dns.rdataclass.CH)
    if r.rcode() != dns.rcode.NOERROR:
        return dns.rcode.to_text(r.rcode())
    return b"".join(r.answer[0][0].strings).decode()


def test_identity_text_is_nsid_and_chaos_id(anynsd):
    srv = anynsd(zones={"example.com.": ZONE}, server={"identity": "fra1"})
    assert nsid_of(srv) == b"fra1"
    assert chaos(srv, "id.server.") == "fra1"
    assert chaos(srv, "hostname.bind.") == "fra1"


def test_identity_hex_is_sent_as_bytes(anynsd):
    srv = anynsd(zones={"example.com.": ZONE}, server={"identity": "0x00ff4142"})
    assert nsid_of(srv) == b"\x00\xffAB"


def test_version_default_configured_and_hidden(anynsd):
    srv = anynsd(zones={"example.com.": ZONE})
    assert chaos(srv, "version.server.").startswith("anynsd ")
    assert chaos(srv, "version.bind.").startswith("anynsd ")
    srv2 = anynsd(zones={"example.com.": ZONE}, server={"version": "secret-dns 1"})
    assert chaos(srv2, "version.bind.") == "secret-dns 1"
    srv3 = anynsd(zones={"example.com.": ZONE}, server={"version": ""})
    assert chaos(srv3, "version.server.") == "REFUSED"
    assert chaos(srv3, "version.bind.") == "REFUSED"
    assert chaos(srv3, "id.server.") != "REFUSED"   # only the version is hidden


def test_nsid_off_keeps_chaos(anynsd):
    srv = anynsd(zones={"example.com.": ZONE}, server={"identity": "fra1", "nsid": False})
    assert nsid_of(srv) is None
    assert chaos(srv, "id.server.") == "fra1"


def test_chaos_off_keeps_nsid(anynsd):
    srv = anynsd(zones={"example.com.": ZONE}, server={"identity": "fra1", "chaos": False})
    assert nsid_of(srv) == b"fra1"
    for name in ("id.server.", "hostname.bind.", "version.server.", "version.bind."):
        assert chaos(srv, name) == "REFUSED", name


def test_empty_identity_turns_both_off(anynsd):
    srv = anynsd(zones={"example.com.": ZONE}, server={"identity": ""})
    assert nsid_of(srv) is None
    assert chaos(srv, "id.server.") == "REFUSED"
    assert chaos(srv, "hostname.bind.") == "REFUSED"
