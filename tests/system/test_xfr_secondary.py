# SPDX-License-Identifier: MIT
"""anynsd as a secondary of an anynsd hidden primary: AXFR at start, NOTIFY
then IXFR on a change (three nodes, time printed), TSIG required, the
stored copy served after a restart with the primary down, expiry answers
SERVFAIL and recovers when the primary returns."""
import time

import dns.rcode

import peers

SECRET = "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0"
WRONG = "d3Jvbmd3cm9uZ3dyb25nd3Jvbmd3cm9uZw=="
ZONE = "example.com."


def zone_text(serial, hosts=3, timers="3600 600 86400"):
    lines = ["$ORIGIN example.com.", "$TTL 300",
             "@ SOA ns1 host %d %s 60" % (serial, timers), "@ NS ns1", "ns1 A 192.0.2.1"]
    lines += ["h%d A 10.0.0.%d" % (i, i) for i in range(hosts)]
    return "\n".join(lines) + "\n"


def primary_conf(d, port, path, nodes):
    lines = ["server:", '  listen: "127.0.0.1@%d"' % port, "  workers: 1",
             '  storage: "%s"' % (d / "storage"),
             "key:", '  - { id: xfr, algorithm: hmac-sha256, secret: "%s" }' % SECRET]
    if nodes:
        lines.append("remote:")
    lines += ['  - { id: n%d, address: "%s@%d", key: xfr }' % (i, a, p)
              for i, (a, p) in enumerate(nodes)]
    lines += ["acl:", "  - { id: nodes, address: 127.0.0.0/8, key: xfr, action: transfer }",
              "zone:", "  - domain: example.com", '    file: "%s"' % path,
              "    acl: nodes"]
    if nodes:
        lines.append("    notify: [ %s ]" % ", ".join("n%d" % i for i in range(len(nodes))))
    return "\n".join(lines) + "\n"


def node_conf(d, addr, port, pport, secret=SECRET, refresh_min="1s"):
    return "\n".join([
        "server:", '  listen: "%s@%d"' % (addr, port), "  workers: 1",
        '  storage: "%s"' % (d / "storage"),
        "key:", '  - { id: xfr, algorithm: hmac-sha256, secret: "%s" }' % secret,
        "remote:", '  - { id: hidden, address: "127.0.0.1@%d", key: xfr }' % pport,
        "acl:", "  - { id: prim, address: 127.0.0.1, key: xfr, action: notify }",
        "zone:", "  - domain: example.com", "    primary: hidden", "    acl: prim",
        "    refresh-min: %s" % refresh_min,
    ]) + "\n"


def serial_of(addr, port):
    import dns.message
    import dns.query
    try:
        r = dns.query.udp(dns.message.make_query(ZONE, "SOA"), addr, port=port, timeout=0.5)
    except Exception:
        return None
    if r.rcode() != dns.rcode.NOERROR or not r.answer:
        return dns.rcode.to_text(r.rcode())
    return r.answer[0][0].serial


def wait_for(fn, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = fn()
        if v:
            return v
        time.sleep(0.05)
    raise AssertionError("condition not met in %s s" % timeout)


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
    path.write_text(zone_text(10))
    prim = anynsd(config=primary_conf(d, pport, path, list(zip(addrs, nports))), port=pport)
    nodes = [start_node(anynsd, tmp_path, "n%d" % i, a, pport, port=p)
             for i, (a, p) in enumerate(zip(addrs, nports))]
    for n in nodes:
        wait_for(lambda: serial_of(n.addr, n.port) == 10)
        assert "AXFR from hidden@127.0.0.1@%d, serial 10" % pport in n.log()
    path.write_text(zone_text(11, hosts=4))
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
    path.write_text(zone_text(10, timers="1 1 3"))
    prim = anynsd(config=primary_conf(d, pport, path, []), port=pport)
    bad = start_node(anynsd, tmp_path, "bad", "127.0.0.1", pport, secret=WRONG)
    node = start_node(anynsd, tmp_path, "good", "127.0.0.1", pport)
    wait_for(lambda: serial_of(node.addr, node.port) == 10)
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
    # The primary returns: recovered.
    prim.start()
    wait_for(lambda: serial_of(node.addr, node.port) == 10, timeout=8)
    assert "recovered, serial 10" in node.log()
