# SPDX-License-Identifier: MIT
"""Helpers shared by the transfer system tests (test_xfr_*.py): the test
zone's text, anynsd and peer configuration writers, SOA serial probes and a
polling wait. One copy here, so a change to the zone or the config format is
made once for every transfer test."""
import time

import dns.message
import dns.query
import dns.rcode

SECRET = "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0"
WRONG = "d3Jvbmd3cm9uZ3dyb25nd3Jvbmd3cm9uZw=="
ZONE = "example.com."


def zone_text(serial, hosts, timers="3600 600 86400"):
    """example.com. with SOA `serial` and host records h<i> A 10.0.x.y for
    every i in `hosts` (a count or the numbers themselves)."""
    if isinstance(hosts, int):
        hosts = range(hosts)
    lines = ["$ORIGIN example.com.", "$TTL 300",
             "@ SOA ns1 host %d %s 60" % (serial, timers), "@ NS ns1", "ns1 A 192.0.2.1"]
    lines += ["h%d A 10.0.%d.%d" % (i, i // 256, i % 256) for i in hosts]
    return "\n".join(lines) + "\n"


def anynsd_conf(d, port, zone, addr="127.0.0.1", key=None, remotes=(), acl=()):
    """anynsd configuration of one zone example.com: `key` is a TSIG secret
    (key id xfr, also used by every remote), `remotes` (id, addr, port),
    `acl` the lines of the acl section, `zone` the zone's option lines."""
    lines = ["server:", '  listen: "%s@%d"' % (addr, port), "  workers: 1",
             '  storage: "%s"' % (d / "storage")]
    if key:
        lines += ["key:", '  - { id: xfr, algorithm: hmac-sha256, secret: "%s" }' % key]
    if remotes:
        lines.append("remote:")
        lines += ['  - { id: %s, address: "%s@%d"%s }' % (i, a, p, ", key: xfr" if key else "")
                  for i, a, p in remotes]
    if acl:
        lines += ["acl:"] + list(acl)
    lines += ["zone:", "  - domain: example.com"] + list(zone)
    return "\n".join(lines) + "\n"


def knot_head(d, port):
    """The server, database, log and TSIG key sections of a Knot config."""
    return ["server:", '    rundir: "%s"' % d, "    listen: 127.0.0.1@%d" % port,
            "    udp-workers: 1", "    tcp-workers: 1", "    background-workers: 1",
            "database:", '    storage: "%s"' % (d / "db"),
            "log:", "  - target: stderr", "    any: info",
            "key:", "  - id: xfr", "    algorithm: hmac-sha256", '    secret: "%s"' % SECRET]


def knot_secondary_conf(d, port, pport):
    return "\n".join(knot_head(d, port) + [
        "remote:", "  - id: primary", "    address: 127.0.0.1@%d" % pport, "    key: xfr",
        "acl:", "  - id: notify", "    address: 127.0.0.1", "    key: xfr",
        "    action: notify",
        "template:", "  - id: default", '    storage: "%s"' % d,
        "    zonefile-sync: -1", "    journal-content: changes",
        "zone:", '  - domain: "%s"' % ZONE, "    master: primary", "    acl: notify",
    ]) + "\n"


def nsd_secondary_conf(d, port, pport):
    return "\n".join([
        "server:", "    ip-address: 127.0.0.1@%d" % port,
        '    username: ""', '    zonesdir: "%s"' % d,
        '    pidfile: "%s"' % (d / "nsd.pid"), '    xfrdfile: "%s"' % (d / "xfrd.state"),
        '    zonelistfile: "%s"' % (d / "zone.list"), '    database: ""',
        "    server-count: 1", "    rrl-ratelimit: 0", "    verbosity: 2",
        "remote-control:", "    control-enable: no",
        "key:", "    name: xfr", "    algorithm: hmac-sha256", '    secret: "%s"' % SECRET,
        "zone:", '    name: "%s"' % ZONE, '    zonefile: "example.com.zone"',
        "    request-xfr: 127.0.0.1@%d xfr" % pport,
        "    allow-notify: 127.0.0.1 xfr",
    ]) + "\n"


def soa_serial(addr, port, timeout):
    """The served SOA serial, None without an answer; a timeout raises."""
    r = dns.query.udp(dns.message.make_query(ZONE, "SOA"), addr, port=port, timeout=timeout)
    return r.answer[0][0].serial if r.answer else None


def serial_of(addr, port):
    """For polling: the served serial, the rcode's text when it is not
    NOERROR with an answer, None when nothing answers in 0.5 s."""
    try:
        r = dns.query.udp(dns.message.make_query(ZONE, "SOA"), addr, port=port, timeout=0.5)
    except Exception:
        return None
    if r.rcode() != dns.rcode.NOERROR or not r.answer:
        return dns.rcode.to_text(r.rcode())
    return r.answer[0][0].serial


def wait_for(fn, timeout=10, what="condition"):
    """Polls fn every 50 ms until it returns a true value (returned)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = fn()
        if v:
            return v
        time.sleep(0.05)
    raise AssertionError("%s not met in %s s" % (what, timeout))
