# SPDX-License-Identifier: MIT
"""`anyns check`: fleet consistency against the hidden primary, for real.

A hidden primary on 127.0.0.1 and anynsd nodes on 127.0.0.2, .3, .4 (each with
its own server.identity, so NSID names it), each node loading its own copy of
the zone: a node with an older serial is lagging, one that calls itself by
another name is identity-mismatch, an address nobody listens on is unreachable,
a node that does not serve the zone is error, a node with the same serial but
other data is content-mismatch (--content, AXFR with TSIG and ZONEMD SHA-384,
checked against dnspython's digest of the same file). Knot answers as a node
too. --providers reports every field two providers disagree on.
"""
import base64
import json
import socket
import subprocess
import time
from pathlib import Path

import dns.zone
import dns.zonefile
import pytest

from conftest import ANYNS, free_port

ZONE = """$ORIGIN example.com.
$TTL 3600
@       IN SOA ns1 hostmaster {serial} 7200 900 1209600 300
@       {ns_ttl} NS ns1
@       {ns_ttl} NS {ns2}
ns1     A 192.0.2.1
ns2     A 192.0.2.2
ns3     A 192.0.2.3
www     A {www}
"""

SECRET = base64.b64encode(b"anyns check system test key 0123").decode()


def zone(serial=11, www="192.0.2.80", ns_ttl=3600, ns2="ns2"):
    return ZONE.format(serial=serial, www=www, ns_ttl=ns_ttl, ns2=ns2)


def node_config(workdir, addr, port, identity, text, transfer=False):
    """anynsd configuration with one zone; transfer=True lets TSIG-signed
    AXFR from loopback in."""
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "storage").mkdir(exist_ok=True)
    path = workdir / "example.com.zone"
    path.write_text(text)
    lines = ["server:",
             '  listen: [ "%s@%d" ]' % (addr, port),
             "  workers: 1",
             '  storage: "%s"' % (workdir / "storage"),
             '  identity: "%s"' % identity,
             "zone:",
             '  - domain: "example.com"',
             '    file: "%s"' % path]
    if transfer:
        lines += ["    acl: [ xfr ]",
                  "key:",
                  '  - { id: k1, algorithm: hmac-sha256, secret: "%s" }' % SECRET,
                  "acl:",
                  "  - { id: xfr, address: [ 127.0.0.0/8 ], key: [ k1 ], action: transfer }"]
    return "\n".join(lines) + "\n"


@pytest.fixture
def fleet(anynsd, tmp_path):
    """Starts a server per (name, addr, identity, zone text) and returns
    {name: server}."""
    def start(specs, transfer=False):
        out = {}
        for name, addr, identity, text in specs:
            port = free_port(addr)
            conf = node_config(tmp_path / ("cfg-" + name), addr, port, identity, text,
                               transfer)
            out[name] = anynsd(config=conf, addr=addr, port=port)
        return out
    return start


def run_check(*args, timeout=30):
    t0 = time.monotonic()
    p = subprocess.run([str(ANYNS), "check"] + [str(a) for a in args],
                       capture_output=True, text=True, timeout=timeout)
    return p, time.monotonic() - t0


def at(srv):
    return "%s@%d" % (srv.addr, srv.port)


def nodes_by_name(doc, zone_index=0):
    return {n["name"]: n for n in doc["zones"][zone_index]["nodes"]}


def test_every_status_of_the_serial_check(fleet, tmp_path):
    s = fleet([("primary", "127.0.0.1", "hidden", zone(11)),
               ("fra1", "127.0.0.2", "fra1", zone(11)),
               ("ams1", "127.0.0.3", "ams1", zone(10)),
               ("lon1", "127.0.0.4", "not-lon1", zone(11))])
    # A server that does not have the zone at all: it refuses.
    other = tmp_path / "other.zone"
    dead_port = free_port("127.0.0.4")
    p, _ = run_check("--json", "--timeout-ms", 500, "--primary", at(s["primary"]),
                     "--node", "fra1=" + at(s["fra1"]), "--node", "ams1=" + at(s["ams1"]),
                     "--node", "lon1=" + at(s["lon1"]),
                     "--node", "dead=127.0.0.4@%d" % dead_port,
                     "--node", "hidden=" + at(s["primary"]), "example.com")
    assert p.returncode == 1, p.stderr
    doc = json.loads(p.stdout)
    z = doc["zones"][0]
    assert z["zone"] == "example.com." and z["primary_serial"] == 11
    n = nodes_by_name(doc)
    assert n["fra1"]["status"] == "ok" and n["fra1"]["nsid"] == "fra1"
    assert n["fra1"]["serial"] == 11 and n["fra1"]["behind"] == 0
    assert n["fra1"]["address"] == at(s["fra1"])
    assert set(n["fra1"]) >= {"name", "address", "nsid", "serial", "behind",
                              "rtt_ms", "status"}
    assert isinstance(n["fra1"]["rtt_ms"], float) and n["fra1"]["rtt_ms"] < 1000
    assert n["ams1"]["status"] == "lagging" and n["ams1"]["behind"] == 1
    assert n["lon1"]["status"] == "identity-mismatch" and n["lon1"]["nsid"] == "not-lon1"
    assert n["dead"]["status"] == "unreachable" and n["dead"]["serial"] is None
    assert n["hidden"]["status"] == "ok"
    assert not other.exists()

    # The zone nobody serves: every answer is REFUSED, an error, not a pass.
    p, _ = run_check("--json", "--timeout-ms", 500, "--primary", at(s["primary"]),
                     "--node", "fra1=" + at(s["fra1"]), "example.org")
    assert p.returncode == 1
    z = json.loads(p.stdout)["zones"][0]
    assert z["primary_serial"] is None and "REFUSED" in z["primary_error"]
    assert z["nodes"][0]["status"] == "error" and "REFUSED" in z["nodes"][0]["detail"]

    # All in step: exit 0, and the table names every node.
    p, _ = run_check("--primary", at(s["primary"]), "--node", "fra1=" + at(s["fra1"]),
                     "--node", "hidden=" + at(s["primary"]), "example.com")
    assert p.returncode == 0, p.stdout + p.stderr
    assert "primary serial 11" in p.stdout
    assert [l.split()[0] for l in p.stdout.splitlines()[2:]] == ["fra1", "hidden"]


def test_silent_node_costs_one_timeout_not_one_per_node(fleet):
    """Fifty nodes, one of which never answers (a bound UDP socket nobody
    reads): the run takes about two timeouts (first try and retry), not 50."""
    s = fleet([("primary", "127.0.0.1", "p", zone(11)),
               ("fra1", "127.0.0.2", "fra1", zone(11))])
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:
        silent.bind(("127.0.0.3", 0))
        silent_at = "127.0.0.3@%d" % silent.getsockname()[1]
        args = ["--json", "--timeout-ms", 400, "--primary", at(s["primary"])]
        for _ in range(49):
            args += ["--node", "fra1=" + at(s["fra1"])]
        args += ["--node", "quiet=" + silent_at, "example.com"]
        p, elapsed = run_check(*args)
    assert p.returncode == 1
    n = json.loads(p.stdout)["zones"][0]["nodes"]
    assert len(n) == 50
    assert [x["status"] for x in n].count("ok") == 49
    assert n[-1]["status"] == "unreachable" and "timeout" in n[-1]["detail"]
    assert 0.75 < elapsed < 2.0, elapsed


def test_content_mismatch_with_tsig_axfr(fleet, tmp_path):
    s = fleet([("primary", "127.0.0.1", "p", zone(11)),
               ("fra1", "127.0.0.2", "fra1", zone(11)),
               ("ams1", "127.0.0.3", "ams1", zone(11, www="192.0.2.99")),
               ("lon1", "127.0.0.4", "lon1", zone(10))], transfer=True)
    key = "k1:hmac-sha256:" + SECRET
    common = ["--timeout-ms", 1000, "--primary", at(s["primary"]),
              "--node", "fra1=" + at(s["fra1"]), "--node", "ams1=" + at(s["ams1"]),
              "--node", "lon1=" + at(s["lon1"]), "example.com"]
    p, _ = run_check("--json", "--content", "--key", key, *common)
    assert p.returncode == 1, p.stderr
    z = json.loads(p.stdout)["zones"][0]
    n = nodes_by_name(json.loads(p.stdout))
    # The primary's digest is RFC 8976's SHA-384 of the zone, as dnspython
    # computes it from the same file.
    ref = dns.zone.from_text(zone(11), "example.com.", relativize=False)
    want = ref.compute_digest(dns.zone.DigestHashAlgorithm.SHA384).digest.hex()
    assert z["primary_digest"] == want
    assert n["fra1"]["status"] == "ok" and n["fra1"]["digest"] == want
    assert n["ams1"]["status"] == "content-mismatch" and n["ams1"]["serial"] == 11
    assert n["ams1"]["digest"] != want and len(n["ams1"]["digest"]) == 96
    # A lagging node is reported as lagging; its content is not compared.
    assert n["lon1"]["status"] == "lagging" and "digest" not in n["lon1"]

    # Without the serial check's --content the same fleet looks fine but lon1.
    p, _ = run_check("--json", *common)
    n = nodes_by_name(json.loads(p.stdout))
    assert n["ams1"]["status"] == "ok"

    # Without the key the transfers are refused: the check says so and fails.
    p, _ = run_check("--content", *common)
    assert p.returncode == 1
    assert "AXFR refused" in p.stdout

    # The same from a -c file, with the key there.
    conf = tmp_path / "check.yaml"
    conf.write_text("primary: %s\nnodes:\n  - { name: fra1, address: %s }\n"
                    "zones: [ example.com ]\n"
                    "key: { id: k1, algorithm: hmac-sha256, secret: \"%s\" }\n"
                    % (at(s["primary"]), at(s["fra1"]), SECRET))
    p, _ = run_check("--content", "-c", conf)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "primary digest " + want in p.stdout


def test_providers_report_every_difference(fleet):
    s = fleet([("a", "127.0.0.2", "a", zone(11)),
               ("b", "127.0.0.3", "b", zone(11)),
               ("c", "127.0.0.4", "c", zone(12, ns_ttl=86400, ns2="ns3"))])
    p, _ = run_check("--providers", "a=" + at(s["a"]), "b=" + at(s["b"]), "example.com")
    assert p.returncode == 0, p.stdout + p.stderr
    assert "0 differences" in p.stdout

    p, _ = run_check("--json", "--providers", "a=" + at(s["a"]),
                     "b=" + at(s["b"]) + ",c=" + at(s["c"]), "example.com")
    assert p.returncode == 1
    z = json.loads(p.stdout)["zones"][0]
    assert [x["status"] for x in z["providers"]] == ["ok", "ok", "ok"]
    diffs = {d["field"]: d["values"] for d in z["differences"]}
    assert set(diffs) == {"ns", "serial", "ns_ttl"}
    assert diffs["serial"] == {"a": "11", "b": "11", "c": "12"}
    assert diffs["ns_ttl"]["c"] == "86400" and diffs["ns_ttl"]["a"] == "3600"
    assert diffs["ns"]["a"] == "ns1.example.com. ns2.example.com."
    assert diffs["ns"]["c"] == "ns1.example.com. ns3.example.com."
    prov = {x["name"]: x for x in z["providers"]}
    assert prov["c"]["soa_ttl"] == 3600 and prov["c"]["expire"] == 1209600


def test_knot_as_a_node(fleet, knot):
    s = fleet([("primary", "127.0.0.1", "p", zone(11))])
    k = knot({"example.com.": zone(11)}, addr="127.0.0.2", nsid="knot1")
    k2 = knot({"example.com.": zone(9)}, addr="127.0.0.3", nsid="knot2")
    p, _ = run_check("--json", "--timeout-ms", 1000, "--primary", at(s["primary"]),
                     "--node", "knot1=" + at(k), "--node", "knot2=" + at(k2),
                     "--node", "wrong=" + at(k), "example.com")
    assert p.returncode == 1, p.stderr
    n = nodes_by_name(json.loads(p.stdout))
    assert n["knot1"]["status"] == "ok" and n["knot1"]["nsid"] == "knot1"
    assert n["knot2"]["status"] == "lagging" and n["knot2"]["behind"] == 2
    assert n["wrong"]["status"] == "identity-mismatch"


@pytest.mark.parametrize("args", [
    [],
    ["example.com"],
    ["--primary", "127.0.0.1@53", "example.com"],
    ["--primary", "127.0.0.1@53", "--node", "127.0.0.2@53", "example.com"],
    ["--bogus"],
    ["-c", "/nonexistent/check.yaml"],
])
def test_usage_errors_exit_2(args):
    p, _ = run_check(*args)
    assert p.returncode == 2
    assert "anyns check:" in p.stderr and "usage:" in p.stderr


# (file, message after "FILE:"): mistakes in the -c file are reported by the
# shared configuration engine with the line, exit 2, nothing asked.
BAD_FILES = [
    ("primary: 127.0.0.1@53\nzone: [ example.com ]\n", "2: zone: unknown option"),
    ("nodes:\n  - { name: fra1, address: 127.0.0.2@53, nsid: fra1 }\n",
     "2: nodes.nsid: unknown option"),
    ("primary: 127.0.0.1@53\ntimeout-ms: soon\n",
     "2: timeout-ms: expected an integer 1..600000, got 'soon'"),
    ("zones: example.com\n", "1: zones: expected a list of strings"),
    ("nodes:\n  - name: fra1\n    address: 127.0.0.2@port\n",
     "3: nodes.address: expected an address ADDR[@PORT], got '127.0.0.2@port'"),
    ("primary: 127.0.0.1@53\nzones: [ example.com ]\nprimary: 127.0.0.1@54\n",
     "3: primary: duplicate option (first at line 1)"),
    ("key: { id: k1, algorithm: hmac-sha256 }\n", "1: key.secret: missing (required)"),
]


@pytest.mark.parametrize("body,where", BAD_FILES)
def test_bad_file_names_file_and_line(tmp_path, body, where):
    conf = tmp_path / "check.yaml"
    conf.write_text(body)
    p, _ = run_check("-c", conf, "example.com")
    assert p.returncode == 2 and p.stdout == ""
    assert p.stderr.startswith("anyns check: %s:%s" % (conf, where)), p.stderr


def test_primary_in_file_and_on_command_line(tmp_path):
    conf = tmp_path / "check.yaml"
    conf.write_text("primary: 127.0.0.1@53\n")
    p, _ = run_check("--primary", "127.0.0.1@54", "-c", conf, "example.com")
    assert p.returncode == 2
    assert "%s: primary: given twice" % conf in p.stderr, p.stderr


def test_config_reference_is_in_doc_check_md():
    p, _ = run_check("--config-reference")
    assert p.returncode == 0 and p.stderr == ""
    assert p.stdout.startswith("<!-- Generated by `anyns check --config-reference`")
    doc = (Path(__file__).resolve().parents[2] / "doc" / "check.md").read_text()
    assert p.stdout in doc
    for heading in ("### primary", "### zones", "### nodes.address", "### key.secret"):
        assert heading + "\n" in p.stdout


def knot_secondary(workdir, addr, name, primary):
    """Knot DNS as a secondary of our primary (anynsd serves AXFR; Knot
    polls the SOA every `refresh` seconds). Returns the started process."""
    import peers
    workdir.mkdir(parents=True)
    port = free_port(addr)
    conf = workdir / "knot.conf"
    conf.write_text("\n".join([
        "server:", '    rundir: "%s"' % workdir, '    pidfile: "%s"' % (workdir / "knot.pid"),
        "    listen: %s@%d" % (addr, port), '    nsid: "%s"' % name,
        "    udp-workers: 1", "    tcp-workers: 1", "    background-workers: 1",
        "database:", '    storage: "%s"' % (workdir / "db"),
        "log:", "  - target: stderr", "    any: info",
        "key:", "  - id: k1", "    algorithm: hmac-sha256", '    secret: "%s"' % SECRET,
        "remote:", "  - id: primary", "    address: %s" % at(primary), "    key: k1",
        "template:", "  - id: default", '    storage: "%s"' % workdir,
        "    zonefile-sync: -1", "    refresh-min-interval: 2",
        "zone:", '  - domain: "example.com."', "    master: primary", ""]))
    return peers.Peer("knot", workdir, [peers.KNOTD, "-c", str(conf)], addr, port) \
        .start("example.com.")


def test_frozen_secondary_found_then_caught_up(fleet, tmp_path):
    """The issue's scenario with Knot DNS as the secondaries (anyns check works
    on a fleet of other servers too): a node frozen (SIGSTOP) while the primary moves on is unreachable,
    the others caught up; thawed, it refreshes and all are ok."""
    import signal
    s = fleet([("primary", "127.0.0.1", "p", zone(11).replace(" 7200 900", " 2 1"))],
              transfer=True)
    nodes = {}
    try:
        for i, name in enumerate(["fra1", "ams1", "lon1"]):
            nodes[name] = knot_secondary(tmp_path / name, "127.0.0.%d" % (i + 2), name,
                                         s["primary"])
        args = ["--json", "--timeout-ms", 300, "--primary", at(s["primary"])]
        for name, k in nodes.items():
            args += ["--node", "%s=%s" % (name, at(k))]
        args.append("example.com")
        p, _ = run_check(*args)
        assert p.returncode == 0, p.stdout

        nodes["ams1"].proc.send_signal(signal.SIGSTOP)
        (s["primary"].dir.parent / "cfg-primary" / "example.com.zone").write_text(
            zone(12).replace(" 7200 900", " 2 1"))
        s["primary"].reload()
        deadline = time.monotonic() + 15
        while True:
            p, _ = run_check(*args)
            n = nodes_by_name(json.loads(p.stdout))
            if n["fra1"]["serial"] == 12 and n["lon1"]["serial"] == 12 \
                    or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert p.returncode == 1
        assert json.loads(p.stdout)["zones"][0]["primary_serial"] == 12
        assert n["fra1"]["status"] == "ok" and n["lon1"]["status"] == "ok"
        assert n["ams1"]["status"] == "unreachable"

        nodes["ams1"].proc.send_signal(signal.SIGCONT)
        deadline = time.monotonic() + 15
        while True:
            p, _ = run_check(*args)
            if p.returncode == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert p.returncode == 0, p.stdout
        assert nodes_by_name(json.loads(p.stdout))["ams1"]["serial"] == 12
    finally:
        for k in nodes.values():
            k.proc.send_signal(signal.SIGCONT)
            k.stop()


def secondary_config(workdir, addr, port, name, primary_port):
    """anynsd as a secondary of the primary on 127.0.0.1, NOTIFY allowed."""
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "storage").mkdir(exist_ok=True)
    return "\n".join([
        "server:", '  listen: [ "%s@%d" ]' % (addr, port), "  workers: 1",
        '  storage: "%s"' % (workdir / "storage"), '  identity: "%s"' % name,
        "key:", '  - { id: k1, algorithm: hmac-sha256, secret: "%s" }' % SECRET,
        "remote:", '  - { id: hidden, address: "127.0.0.1@%d", key: k1 }' % primary_port,
        "acl:", "  - { id: from-hidden, address: [ 127.0.0.1 ], key: [ k1 ], action: notify }",
        "zone:", '  - domain: "example.com"', "    primary: [ hidden ]",
        "    acl: [ from-hidden ]", ""])


def test_frozen_anynsd_secondary_found_then_caught_up(anynsd, tmp_path):
    """The issue's scenario with anynsd nodes: three secondaries on 127.0.0.2-4
    follow a hidden primary by NOTIFY/IXFR; one frozen (SIGSTOP) while the
    primary moves on is unreachable and the others caught up; thawed, it
    refreshes and every node is ok."""
    import signal
    names = ["fra1", "ams1", "lon1"]
    addrs = {n: "127.0.0.%d" % (i + 2) for i, n in enumerate(names)}
    ports = {n: free_port(addrs[n]) for n in names}
    pport = free_port("127.0.0.1")
    pdir = tmp_path / "primary"
    conf = node_config(pdir, "127.0.0.1", pport, "hidden",
                       zone(11).replace(" 7200 900", " 2 1"), transfer=True)
    conf += "remote:\n" + "".join(
        '  - { id: %s, address: "%s@%d", key: k1 }\n' % (n, addrs[n], ports[n]) for n in names)
    conf = conf.replace("    acl: [ xfr ]", "    acl: [ xfr ]\n    notify: [ %s ]" % ", ".join(names))
    primary = anynsd(config=conf, addr="127.0.0.1", port=pport)
    nodes = {n: anynsd(config=secondary_config(tmp_path / n, addrs[n], ports[n], n, pport),
                       addr=addrs[n], port=ports[n], wait=False) for n in names}
    args = ["--json", "--timeout-ms", 300, "--primary", "127.0.0.1@%d" % pport]
    for n in names:
        args += ["--node", "%s=%s@%d" % (n, addrs[n], ports[n])]
    args.append("example.com")

    def check_until(done, seconds=15):
        deadline = time.monotonic() + seconds
        while True:
            p, _ = run_check(*args)
            doc = json.loads(p.stdout)
            if done(p, doc) or time.monotonic() > deadline:
                return p, doc
            time.sleep(0.2)

    try:
        p, doc = check_until(lambda p, d: p.returncode == 0)
        assert p.returncode == 0, p.stdout
        assert {n: v["nsid"] for n, v in nodes_by_name(doc).items()} == {n: n for n in names}

        nodes["ams1"].proc.send_signal(signal.SIGSTOP)
        (pdir / "example.com.zone").write_text(zone(12).replace(" 7200 900", " 2 1"))
        primary.reload()
        p, doc = check_until(lambda p, d: all(
            nodes_by_name(d)[n]["serial"] == 12 for n in ("fra1", "lon1")))
        n = nodes_by_name(doc)
        assert p.returncode == 1
        assert doc["zones"][0]["primary_serial"] == 12
        assert n["fra1"]["status"] == "ok" and n["lon1"]["status"] == "ok"
        assert n["ams1"]["status"] == "unreachable"

        nodes["ams1"].proc.send_signal(signal.SIGCONT)
        p, doc = check_until(lambda p, d: p.returncode == 0)
        assert p.returncode == 0, p.stdout
        assert nodes_by_name(doc)["ams1"]["serial"] == 12
    finally:
        nodes["ams1"].proc.send_signal(signal.SIGCONT)
