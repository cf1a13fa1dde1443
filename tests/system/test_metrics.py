# SPDX-License-Identifier: MIT
"""The Prometheus endpoint (server.metrics) of a hidden primary and a
secondary (issue 5): `promtool check metrics` accepts the text; query
counters move by transport, qtype and rcode; per-zone gauges (serial,
seconds until expiry, last refresh) and transfer counters in and out;
uptime and build info; other paths and methods are refused."""
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from ctl_fleet import Fleet, ZONE, scrape, serial_of, wait_for, zone_text


@pytest.fixture
def fleet(anynsd, tmp_path):
    f = Fleet(anynsd, tmp_path)
    yield f
    f.cleanup()


def samples(text):
    """{(name, frozenset(labels)): value} of every sample line."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = re.match(r'^([a-z_]+)(?:\{(.*)\})? (-?[0-9.e+]+)$', line)
        assert m, "bad sample line %r" % line
        labels = frozenset(re.findall(r'([a-z_]+)="([^"]*)"', m.group(2) or ""))
        out[(m.group(1), labels)] = float(m.group(3))
    return out


def get(s, name, **labels):
    return s.get((name, frozenset(labels.items())))


def test_promtool_accepts_both(fleet):
    promtool = shutil.which("promtool")
    if not promtool:
        pytest.skip("promtool not installed (Debian package prometheus)")
    for srv in (fleet.primary, fleet.node):
        text = fleet.metrics(srv)
        p = subprocess.run([promtool, "check", "metrics"], input=text, text=True,
                           capture_output=True, timeout=30)
        assert p.returncode == 0, p.stdout + p.stderr
        assert p.stdout.strip() == "" and p.stderr.strip() == "", p.stdout + p.stderr


def test_query_counters_move(fleet):
    before = samples(fleet.metrics(fleet.primary))
    for _ in range(3):
        fleet.primary.query("h1.example.com.", "A")
    fleet.primary.query("nope.example.com.", "MX", tcp=True)
    fleet.primary.query("h1.example.com.", "TYPE65280")
    fleet.primary.query("not-ours.test.", "A")
    after = samples(fleet.metrics(fleet.primary))

    def moved(name, **labels):
        return (get(after, name, **labels) or 0) - (get(before, name, **labels) or 0)
    assert moved("anyns_queries_total", transport="udp", qtype="A") == 4
    assert moved("anyns_queries_total", transport="tcp", qtype="MX") == 1
    assert moved("anyns_queries_total", transport="udp", qtype="other") == 1
    assert moved("anyns_responses_total", transport="tcp", rcode="NXDOMAIN") == 1
    assert moved("anyns_responses_total", transport="udp", rcode="REFUSED") == 1
    assert moved("anyns_responses_total", transport="udp", rcode="NOERROR") == 4


def test_truncated_counted(anynsd):
    big = ("$ORIGIN example.com.\n$TTL 300\n@ SOA ns1 host 1 3600 600 86400 60\n"
           "@ NS ns1\nns1 A 192.0.2.1\n")
    big += "".join("big TXT \"%s\"\n" % ("x%03d" % i * 40) for i in range(20))
    from conftest import free_port
    mport = free_port()
    srv = anynsd(zones={ZONE: big}, server={"metrics": "127.0.0.1@%d" % mport})
    r = srv.query("big.example.com.", "TXT", use_edns=False)
    assert r.flags & 0x0200   # TC
    s = samples(scrape(mport))
    assert get(s, "anyns_responses_truncated_total", transport="udp") == 1
    assert get(s, "anyns_responses_truncated_total", transport="tcp") == 0


def test_zone_gauges_and_transfers(fleet):
    p = samples(fleet.metrics(fleet.primary))
    assert get(p, "anyns_zone_serial", zone=ZONE) == 10
    assert get(p, "anyns_zone_serial", zone="other.test.") == 7
    assert get(p, "anyns_zone_loaded", zone=ZONE) == 1
    assert get(p, "anyns_zone_expiry_seconds", zone=ZONE) is None   # a primary
    assert get(p, "anyns_zone_transfers_total", zone=ZONE, direction="out",
               result="success") >= 1
    n = samples(fleet.metrics(fleet.node))
    now = time.time()
    assert get(n, "anyns_zone_serial", zone=ZONE) == 10
    assert 86000 < get(n, "anyns_zone_expiry_seconds", zone=ZONE) <= 86401
    assert abs(get(n, "anyns_zone_last_refresh_timestamp_seconds", zone=ZONE) - now) < 30
    assert get(n, "anyns_zone_expired", zone=ZONE) == 0
    assert get(n, "anyns_zone_transfers_total", zone=ZONE, direction="in",
               result="success") == 1
    assert get(n, "anyns_zone_transfers_total", zone=ZONE, direction="in",
               result="failure") == 0
    # A change on the primary: one more transfer each way, new serial.
    fleet.zone_path.write_text(zone_text(11, hosts=4))
    fleet.primary.reload()
    assert wait_for(lambda: serial_of(fleet.nport) == 11)
    n = samples(fleet.metrics(fleet.node))
    assert get(n, "anyns_zone_serial", zone=ZONE) == 11
    assert get(n, "anyns_zone_transfers_total", zone=ZONE, direction="in",
               result="success") == 2
    assert wait_for(lambda: get(samples(fleet.metrics(fleet.primary)),
                                "anyns_zone_transfers_total", zone=ZONE, direction="out",
                                result="success") >= 2)


def test_failed_transfer_counted(fleet):
    fleet.primary.stop()
    from ctl_fleet import ctl
    assert ctl(fleet.nsock, "retransfer", ZONE)[0] == 0
    assert wait_for(lambda: get(samples(fleet.metrics(fleet.node)),
                                "anyns_zone_transfers_total", zone=ZONE, direction="in",
                                result="failure") >= 1, timeout=15)
    n = samples(fleet.metrics(fleet.node))
    assert get(n, "anyns_zone_serial", zone=ZONE) == 10   # old copy still served


def test_process_metrics(fleet):
    s = samples(fleet.metrics(fleet.node))
    assert abs(get(s, "anyns_start_time_seconds") - time.time()) < 60
    assert 0 <= get(s, "anyns_uptime_seconds") < 60
    assert get(s, "anyns_workers") == 2
    assert any(k[0] == "anyns_build_info" and v == 1 for k, v in s.items())


def test_other_paths_and_methods(fleet):
    with pytest.raises(urllib.error.HTTPError) as e:
        scrape(fleet.pmport, "/")
    assert e.value.code == 404
    req = urllib.request.Request("http://127.0.0.1:%d/metrics" % fleet.pmport, data=b"x",
                                 method="POST")
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req, timeout=5)
    assert e.value.code == 405
