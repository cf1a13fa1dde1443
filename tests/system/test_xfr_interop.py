# SPDX-License-Identifier: MIT
"""Interoperation of anynsd transfers with the servers operators run (Debian's
Knot DNS 3.2, NSD 4.6, BIND 9.18), in both directions:

- Knot, NSD and BIND as secondaries of an anynsd hidden primary: a signed
  AXFR first, then a zone change (file edited, SIGHUP) that reaches them by
  NOTIFY and travels as IXFR; their own logs say IXFR and they serve the
  new serial and data.
- Knot as the secondary of an anynsd primary restarted with an edited
  zone file: the file's difference from the stored copy is journaled, so
  Knot still gets IXFR.
- Knot as the primary of anynsd nodes (zonefile-load: difference,
  journal-content: changes): the node follows Knot's NOTIFY with an IXFR
  and then answers like Knot.
"""
import re
import subprocess

import dns.rcode
import pytest

import peers
from xfrutil import (SECRET, ZONE, anynsd_conf, knot_head, knot_secondary_conf,
                     nsd_secondary_conf, serial_of, wait_for, zone_text)

KNOTC = "/usr/sbin/knotc"
WAIT = 15   # seconds for each awaited change in these tests (the peers included)


def address(addr, port):
    return "%s@%d" % (addr, port)


# --- anynsd as the hidden primary --------------------------------------------

def anynsd_primary_conf(d, port, path, notify):
    return anynsd_conf(d, port, key=SECRET,
                       remotes=[(name, "127.0.0.1", p) for name, p in notify],
                       acl=["  - { id: nodes, address: 127.0.0.0/8, key: xfr, action: transfer }"],
                       zone=['    file: "%s"' % path, "    acl: nodes",
                             "    notify: [ %s ]" % ", ".join(name for name, _ in notify),
                             "    journal-content: all"])


def bind_secondary_conf(d, port, pport):
    return "\n".join([
        "options {", '    directory "%s";' % d, '    pid-file "%s";' % (d / "named.pid"),
        '    session-keyfile "%s";' % (d / "session.key"),
        '    managed-keys-directory "%s";' % d,
        "    listen-on port %d { 127.0.0.1; };" % port, "    listen-on-v6 { none; };",
        "    recursion no;", "    dnssec-validation no;", "    notify no;",
        "};", "controls { };",
        "logging { channel dbg { stderr; severity debug 3; };"
        " category default { default_stderr; }; category xfer-in { dbg; };"
        " category notify { default_stderr; }; };",
        'key "xfr" { algorithm hmac-sha256; secret "%s"; };' % SECRET,
        'zone "example.com" { type secondary; file "sec.db";',
        "    primaries { 127.0.0.1 port %d key xfr; };" % pport,
        "    allow-notify { 127.0.0.1; }; };",
    ]) + "\n"


SECONDARIES = {
    "knot": (knot_secondary_conf, lambda c: [peers.KNOTD, "-c", str(c)]),
    "nsd": (nsd_secondary_conf, lambda c: [peers.NSD, "-d", "-c", str(c)]),
    # -d 3: BIND names the transfer type only in its xfer-in debug messages.
    "bind": (bind_secondary_conf, lambda c: [peers.NAMED, "-g", "-d", "3", "-c", str(c)]),
}

# What each peer's own log says when it received the change by IXFR, and
# what it would say had it fallen back to AXFR. NSD 4.6 does not name the
# transfer type at any verbosity: its update is checked by its size below
# (a few hundred bytes; the AXFR of this zone is ~10 kB) and by the
# primary's own log of the IXFR.
IXFR_WORDS = {
    "knot": (["IXFR, incoming", "finished"], "AXFR, incoming"),
    "nsd": (["received update to serial 11"], "nonexistent"),
    "bind": (["requesting IXFR for serial 10", "got incremental response",
              "Transfer completed"], "got nonincremental response"),
}


def start_secondary(kind, d, port, pport):
    d.mkdir(parents=True)
    # Knot 3.2 does not create its database directory: without it the
    # journal and timers fail with "not exists" (and an IXFR falls back).
    (d / "db").mkdir()
    conf_fn, argv_fn = SECONDARIES[kind]
    conf = d / ("%s.conf" % kind)
    conf.write_text(conf_fn(d, port, pport))
    return peers.Peer(kind, d, argv_fn(conf), "127.0.0.1", port).start(ZONE, timeout=20)


@pytest.mark.parametrize("kind", ["knot", "nsd", "bind"])
def test_peer_secondary_follows_anynsd_by_notify_and_ixfr(anynsd, tmp_path, kind):
    if not peers.tool_present(kind):
        pytest.skip("%s is not installed" % kind)
    pport, sport = peers.free_port(), peers.free_port()
    d = tmp_path / "primary"
    d.mkdir()
    path = d / "z.zone"
    path.write_text(zone_text(10, 500))
    prim = anynsd(config=anynsd_primary_conf(d, pport, path, [(kind, sport)]), port=pport)
    sec = start_secondary(kind, tmp_path / kind, sport, pport)
    try:
        assert serial_of(sec.addr, sec.port) == 10
        wait_for(lambda: "AXFR to 127.0.0.1@" in prim.log(), timeout=WAIT,
                 what="AXFR on the primary")
        n_before = len(sec.log())
        # The change: one record added, serial 10 -> 11, reload by SIGHUP.
        path.write_text(zone_text(11, 501))
        prim.reload()
        wait_for(lambda: serial_of(sec.addr, sec.port) == 11, timeout=WAIT,
                 what="serial 11 on %s" % kind)
        r = sec.query("h500.example.com.", "A")
        assert r.answer and r.answer[0][0].address == "10.0.1.244"
        wait_for(lambda: re.search(r"IXFR to 127\.0\.0\.1@\d+, signed, serial 11, 1 messages, "
                                   r"5 records", prim.log()), timeout=WAIT,
                 what="IXFR on the primary")
        assert "NOTIFY to %s@127.0.0.1@%d, serial 11, acknowledged" % (kind, sport) in prim.log()
        new = sec.log()[n_before:]
        words, not_words = IXFR_WORDS[kind]
        for w in words:
            assert w in new, "%s log lacks %r:\n%s" % (kind, w, new[-3000:])
        assert not_words not in new, new[-3000:]
        if kind == "nsd":
            size = re.search(r"received update to serial 11 .* of (\d+) bytes", new)
            assert size and int(size.group(1)) < 1000, new[-3000:]
    finally:
        sec.stop()


def test_knot_gets_ixfr_after_primary_restart_with_changed_file(anynsd, tmp_path):
    """The anynsd primary is stopped, its file edited (serial 10 -> 11) and
    it is started again: the stored copy is diffed with the file and
    journaled, the start-up NOTIFY brings Knot, which says IXFR."""
    if not peers.tool_present("knot"):
        pytest.skip("knot is not installed")
    pport, sport = peers.free_port(), peers.free_port()
    d = tmp_path / "primary"
    d.mkdir()
    path = d / "z.zone"
    path.write_text(zone_text(10, 500))
    conf = anynsd_primary_conf(d, pport, path, [("knot", sport)])
    prim = anynsd(config=conf, port=pport)
    sec = start_secondary("knot", tmp_path / "knot", sport, pport)
    try:
        assert serial_of(sec.addr, sec.port) == 10
        wait_for(lambda: "AXFR to 127.0.0.1@" in prim.log(), timeout=WAIT,
                 what="AXFR on the primary")
        prim.stop()
        n_before = len(sec.log())
        path.write_text(zone_text(11, 501))
        prim2 = anynsd(config=conf, port=pport)
        wait_for(lambda: "zone file changed while stopped, serial 10 -> 11 journaled"
                 in prim2.log(), timeout=WAIT, what="the file's difference journaled")
        wait_for(lambda: serial_of(sec.addr, sec.port) == 11, timeout=WAIT,
                 what="serial 11 on knot")
        r = sec.query("h500.example.com.", "A")
        assert r.answer and r.answer[0][0].address == "10.0.1.244"
        wait_for(lambda: re.search(r"IXFR to 127\.0\.0\.1@\d+, signed, serial 11",
                                   prim2.log()), timeout=WAIT, what="IXFR on the primary")
        new = sec.log()[n_before:]
        for w in IXFR_WORDS["knot"][0]:
            assert w in new, "knot log lacks %r:\n%s" % (w, new[-3000:])
        assert IXFR_WORDS["knot"][1] not in new, new[-3000:]
    finally:
        sec.stop()


# --- Knot as the primary of anynsd nodes -------------------------------------

def knot_primary_conf(d, port, path, nodes):
    lines = knot_head(d, port) + ["remote:"]
    for i, (a, p) in enumerate(nodes):
        lines += ["  - id: n%d" % i, "    address: %s@%d" % (a, p), "    key: xfr"]
    lines += ["acl:", "  - id: nodes", "    address: 127.0.0.0/8", "    key: xfr",
              "    action: transfer",
              "template:", "  - id: default", '    storage: "%s"' % d,
              "    zonefile-load: difference", "    journal-content: changes",
              "    zonefile-sync: -1",
              "zone:", '  - domain: "%s"' % ZONE, '    file: "%s"' % path,
              "    acl: nodes",
              "    notify: [ %s ]" % ", ".join("n%d" % i for i in range(len(nodes)))]
    return "\n".join(lines) + "\n"


def anynsd_node_conf(d, addr, port, pport):
    return anynsd_conf(d, port, addr=addr, key=SECRET, remotes=[("knot", "127.0.0.1", pport)],
                       acl=["  - { id: prim, address: 127.0.0.1, key: xfr, action: notify }"],
                       zone=["    primary: knot", "    acl: prim"])


def answers(srv, names):
    out = []
    for n in names:
        r = srv.query(n, "A")
        out.append((dns.rcode.to_text(r.rcode()), sorted(str(rr) for rr in r.answer)))
    return out


def test_anynsd_nodes_follow_knot_primary_by_ixfr(anynsd, tmp_path):
    if not peers.tool_present("knot"):
        pytest.skip("knot is not installed")
    addrs = ["127.0.0.2", "127.0.0.3"]
    nports = [peers.free_port(a) for a in addrs]
    kport = peers.free_port()
    kd = tmp_path / "knot"
    kd.mkdir()
    (kd / "db").mkdir()
    path = kd / "example.com.zone"
    path.write_text(zone_text(10, 500))
    conf = kd / "knot.conf"
    conf.write_text(knot_primary_conf(kd, kport, path, list(zip(addrs, nports))))
    knot = peers.Peer("knot", kd, [peers.KNOTD, "-c", str(conf)], "127.0.0.1", kport).start(ZONE)
    try:
        nodes = []
        for i, (a, p) in enumerate(zip(addrs, nports)):
            nd = tmp_path / ("n%d" % i)
            nd.mkdir()
            nodes.append(anynsd(config=anynsd_node_conf(nd, a, p, kport), addr=a, port=p))
        for n in nodes:
            wait_for(lambda: serial_of(n.addr, n.port) == 10, timeout=WAIT, what="serial 10")
            assert "AXFR from knot@127.0.0.1@%d, serial 10" % kport in n.log()
        # Two changes in a row, each a reload of Knot's edited file: one
        # record removed, one added, one changed.
        text = zone_text(11, 500).replace("h3 A 10.0.0.3\n", "").replace(
            "h4 A 10.0.0.4", "h4 A 10.9.9.9") + "new A 192.0.2.77\n"
        path.write_text(text)
        subprocess.run([KNOTC, "-s", str(kd / "knot.sock"), "zone-reload", ZONE],
                       check=True, capture_output=True, timeout=10)
        for n in nodes:
            wait_for(lambda: serial_of(n.addr, n.port) == 11, timeout=WAIT, what="serial 11")
            wait_for(lambda: "IXFR from knot@127.0.0.1@%d, serial 10 -> 11, 4 changes"
                     % kport in n.log(), timeout=WAIT, what="IXFR in the node's log")
            assert "NOTIFY from 127.0.0.1" in n.log()
        names = ["h3.example.com.", "h4.example.com.", "new.example.com.", "h2.example.com.",
                 "nx.example.com."]
        want = answers(knot, names)
        assert want[0][0] == "NXDOMAIN" and "10.9.9.9" in want[1][1][0]
        for n in nodes:
            assert answers(n, names) == want
        assert "IXFR, outgoing" in knot.log()
    finally:
        knot.stop()
