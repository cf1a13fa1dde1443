# SPDX-License-Identifier: MIT
"""anynsd as a secondary of an anynsd hidden primary: AXFR at start, NOTIFY
then IXFR on a change (three nodes, time printed), TSIG required, the
stored copy served after a restart with the primary down, expiry answers
SERVFAIL and recovers when the primary returns."""
import shutil
import tempfile
import time
from pathlib import Path

import peers
from ctl_fleet import ctl
from xfrutil import SECRET, WRONG, anynsd_conf, serial_of, wait_for, zone_text


def primary_conf(d, port, path, nodes):
    zone = ['    file: "%s"' % path, "    acl: nodes"]
    if nodes:
        zone.append("    notify: [ %s ]" % ", ".join("n%d" % i for i in range(len(nodes))))
    return anynsd_conf(d, port, key=SECRET, zone=zone,
                       remotes=[("n%d" % i, a, p) for i, (a, p) in enumerate(nodes)],
                       acl=["  - { id: nodes, address: 127.0.0.0/8, key: xfr, action: transfer }"])


def node_conf(d, addr, port, pport, secret=SECRET, refresh_min="1s", control=None):
    text = anynsd_conf(d, port, addr=addr, key=secret, remotes=[("hidden", "127.0.0.1", pport)],
                       acl=["  - { id: prim, address: 127.0.0.1, key: xfr, action: notify }"],
                       zone=["    primary: hidden", "    acl: prim",
                             "    refresh-min: %s" % refresh_min])
    if control:
        text = text.replace("server:\n", 'server:\n  control: "%s"\n' % control, 1)
    return text


def zone_state(sock):
    rc, out, err = ctl(sock, "zone-status", "example.com", json_out=True)
    assert rc == 0, err
    return out["zones"][0]["state"]


def start_node(anynsd, tmp_path, name, addr, pport, **kw):
    d = tmp_path / name
    d.mkdir(exist_ok=True)
    port = kw.pop("port", None) or peers.free_port(addr)
    return anynsd(config=node_conf(d, addr, port, pport, **kw), addr=addr, port=port)


def test_three_nodes_follow_notify_and_ixfr(anynsd, tmp_path):
    pport = peers.free_port()
    addrs = ["127.0.0.2", "127.0.0.3", "127.0.0.4"]
    nports = [peers.free_port(a) for a in addrs]
    d = tmp_path / "primary"
    d.mkdir()
    path = d / "z.zone"
    path.write_text(zone_text(10, 3))
    prim = anynsd(config=primary_conf(d, pport, path, list(zip(addrs, nports))), port=pport)
    nodes = [start_node(anynsd, tmp_path, "n%d" % i, a, pport, port=p)
             for i, (a, p) in enumerate(zip(addrs, nports))]
    for n in nodes:
        wait_for(lambda: serial_of(n.addr, n.port) == 10)
        assert "AXFR from hidden@127.0.0.1@%d, serial 10" % pport in n.log()
    path.write_text(zone_text(11, 4))
    t0 = time.monotonic()
    prim.reload()
    for n in nodes:
        wait_for(lambda: serial_of(n.addr, n.port) == 11)
    print("reload on the primary -> 3 nodes serve serial 11: %.3f s" % (time.monotonic() - t0))
    for n in nodes:
        wait_for(lambda: "IXFR from hidden@127.0.0.1@%d, serial 10 -> 11, 1 changes" % pport
                 in n.log())
        assert "NOTIFY from 127.0.0.1" in n.log()
        assert n.query("h3.example.com.", "A").answer
    wait_for(lambda: prim.log().count("serial 11, acknowledged") == 3)


def test_wrong_key_refused_then_stored_copy_and_expiry(anynsd, tmp_path):
    pport = peers.free_port()
    d = tmp_path / "primary"
    d.mkdir()
    path = d / "z.zone"
    path.write_text(zone_text(10, 3, timers="1 1 3"))
    prim = anynsd(config=primary_conf(d, pport, path, []), port=pport)
    bad = start_node(anynsd, tmp_path, "bad", "127.0.0.1", pport, secret=WRONG)
    # Unix socket paths are short (108 bytes): not under tmp_path.
    sockdir = Path(tempfile.mkdtemp(prefix="anyns-xfr-"))
    sock = sockdir / "n.sock"
    try:
        expiry_case(anynsd, tmp_path, prim, bad, sock, pport)
    finally:
        shutil.rmtree(sockdir, ignore_errors=True)


def expiry_case(anynsd, tmp_path, prim, bad, sock, pport):
    node = start_node(anynsd, tmp_path, "good", "127.0.0.1", pport, control=sock)
    wait_for(lambda: serial_of(node.addr, node.port) == 10)
    wait_for(lambda: zone_state(sock) == "ok")   # not "refreshing" (1 s timers)
    wait_for(lambda: "failed (" in bad.log())
    assert serial_of(bad.addr, bad.port) != 10
    assert "failed (TSIG" in bad.log()
    # Restart the node with the primary down: the stored copy is served.
    prim.stop()
    node.stop()
    node.start()
    assert serial_of(node.addr, node.port) == 10
    assert "loaded from storage, serial 10" in node.log()
    # Expire 3 s after the last good refresh: SERVFAIL.
    wait_for(lambda: serial_of(node.addr, node.port) == "SERVFAIL", timeout=8)
    assert "zone example.com., expired, answering SERVFAIL" in node.log()
    assert zone_state(sock) == "expired"     # issue 3: "and says so in its status"
    # The primary returns: recovered.
    prim.start()
    wait_for(lambda: serial_of(node.addr, node.port) == 10, timeout=8)
    assert "recovered, serial 10" in node.log()
    wait_for(lambda: zone_state(sock) == "ok")   # not "refreshing" (1 s timers)
