# SPDX-License-Identifier: MIT
"""`anyns ctl` against a hidden primary and a secondary node (issue 5):
status, zone-status (per zone: serial, role, source, timers, last result,
state), reload of one zone or all, retransfer, notify, stats; --json
shapes; errors and exit codes; the socket's mode, its removal at exit,
the pidfile; a silent client is timed out without blocking others."""
import os
import socket
import stat
import time

import pytest

from ctl_fleet import Fleet, ctl, serial_of, wait_for, zone_text, ZONE


@pytest.fixture
def fleet(anynsd, tmp_path):
    f = Fleet(anynsd, tmp_path)
    yield f
    f.cleanup()


def zone_status(fleet, srv, zone=ZONE):
    rc, out, _ = fleet.ctl(srv, "zone-status", zone, json_out=True)
    assert rc == 0
    assert len(out["zones"]) == 1
    return out["zones"][0]


def test_status(fleet):
    rc, out, _ = fleet.ctl(fleet.node, "status", json_out=True)
    assert rc == 0
    assert out["version"].startswith("anynsd ")
    assert out["pid"] == fleet.node.pid
    assert out["workers"] == 2 and out["zones"] == 1 and out["zones_loaded"] == 1
    assert out["state"] == "running" and out["uptime_s"] >= 0
    assert abs(out["started_at"] - time.time()) < 60
    rc, text, _ = fleet.ctl(fleet.primary, "status")
    assert rc == 0 and "zones         2 (2 loaded)" in text and "state         running" in text


def test_zone_status_secondary_and_primary(fleet):
    now = time.time()
    z = zone_status(fleet, fleet.node)
    assert z["zone"] == ZONE and z["role"] == "secondary" and z["serial"] == 10
    assert z["state"] == "ok"
    assert z["source"] == "hidden@127.0.0.1@%d" % fleet.pport
    assert "AXFR" in z["last_refresh_result"]
    assert abs(z["last_success_at"] - now) < 30 and abs(z["loaded_at"] - now) < 30
    assert z["next_refresh_at"] > now + 3000          # SOA refresh 3600
    assert now + 86000 < z["expires_at"] < now + 86500  # SOA expire 86400
    assert z["transfers"]["in_success"] == 1
    p = zone_status(fleet, fleet.primary)
    assert p["role"] == "primary" and p["serial"] == 10 and p["state"] == "ok"
    assert p["source"] == "file %s" % fleet.zone_path
    assert p["expires_at"] is None and p["next_refresh_at"] is None
    assert wait_for(lambda: zone_status(fleet, fleet.primary)["transfers"]["out_success"] >= 1)
    rc, out, _ = fleet.ctl(fleet.primary, "zone-status", json_out=True)
    assert rc == 0 and [z["zone"] for z in out["zones"]] == [ZONE, "other.test."]
    rc, text, _ = fleet.ctl(fleet.node, "zone-status")
    lines = text.splitlines()
    assert lines[0].split()[:4] == ["ZONE", "ROLE", "SERIAL", "STATE"]
    assert lines[1].split()[:4] == [ZONE, "secondary", "10", "ok"]


def test_reload_one_zone_and_all(fleet):
    fleet.zone_path.write_text(zone_text(11, hosts=4))
    rc, out, _ = fleet.ctl(fleet.primary, "reload", "example.com", json_out=True)
    assert rc == 0 and out == {"result": "reloaded", "zone": ZONE}
    assert serial_of(fleet.pport) == 11
    assert wait_for(lambda: serial_of(fleet.nport) == 11), "NOTIFY after reload"
    fleet.zone_path.write_text(zone_text(12, hosts=5))
    rc, text, _ = fleet.ctl(fleet.primary, "reload")
    assert rc == 0 and text.strip() == "reloaded"
    assert serial_of(fleet.pport) == 12
    fleet.zone_path.write_text("garbage that is not a zone\n")
    rc, out, err = fleet.ctl(fleet.primary, "reload", ZONE, json_out=True)
    assert rc == 1 and "reload failed" in out["error"] and "reload failed" in err
    assert serial_of(fleet.pport) == 12                 # old copy kept


def test_reload_secondary_refreshes(fleet):
    before = zone_status(fleet, fleet.node)["last_refresh_at"]
    time.sleep(1.1)
    rc, out, _ = fleet.ctl(fleet.node, "reload", ZONE, json_out=True)
    assert rc == 0 and out["result"] == "refreshing"
    z = wait_for(lambda: (lambda z: z if z["last_refresh_at"] > before else None)(
        zone_status(fleet, fleet.node)))
    assert z and z["last_refresh_result"] == "up to date"


def test_retransfer(fleet):
    rc, out, _ = fleet.ctl(fleet.node, "retransfer", ZONE, json_out=True)
    assert rc == 0 and out == {"result": "transferring", "zone": ZONE}
    z = wait_for(lambda: (lambda z: z if z["transfers"]["in_success"] == 2 else None)(
        zone_status(fleet, fleet.node)))
    assert z, "a second AXFR of the same serial was accepted"
    assert z["serial"] == 10 and z["last_refresh_result"] == "AXFR"
    assert "AXFR to 127.0.0.1" in fleet.primary.log()
    rc, _, err = fleet.ctl(fleet.primary, "retransfer", ZONE)
    assert rc == 1 and "not a secondary" in err


def test_notify(fleet):
    count = fleet.primary.log().count("acknowledged")
    rc, out, _ = fleet.ctl(fleet.primary, "notify", ZONE, json_out=True)
    assert rc == 0 and out == {"result": "notifying", "zone": ZONE}
    assert wait_for(lambda: fleet.primary.log().count("acknowledged") > count)
    rc, _, err = fleet.ctl(fleet.primary, "notify", "other.test")
    assert rc == 1 and "no notify remotes" in err


def test_stats_counters_move(fleet):
    rc, before, _ = fleet.ctl(fleet.primary, "stats", json_out=True)
    assert rc == 0
    for _ in range(3):
        fleet.primary.query("h1.example.com.", "A")
    fleet.primary.query("nope.example.com.", "AAAA", tcp=True)
    rc, after, _ = fleet.ctl(fleet.primary, "stats", json_out=True)
    assert after["queries"]["udp"]["A"] == before["queries"]["udp"]["A"] + 3
    assert after["queries"]["tcp"]["AAAA"] == before["queries"]["tcp"]["AAAA"] + 1
    assert after["responses"]["tcp"]["NXDOMAIN"] == before["responses"]["tcp"]["NXDOMAIN"] + 1
    assert set(after) == {"queries", "responses", "truncated", "dropped"}
    rc, text, _ = fleet.ctl(fleet.primary, "stats")
    assert rc == 0 and any(l.split()[:3] == ["udp", "query", "A"] for l in text.splitlines())


def test_errors_and_exit_codes(fleet, tmp_path):
    rc, out, err = fleet.ctl(fleet.primary, "zone-status", "nope.test", json_out=True)
    assert rc == 1 and out == {"error": "no such zone nope.test."}
    rc, out, err = fleet.ctl(fleet.primary, "frobnicate", json_out=True)
    assert rc == 1 and out["error"] == "unknown command 'frobnicate'"
    rc, _, err = fleet.ctl(fleet.primary, "retransfer")
    assert rc == 1 and "needs a zone" in err
    rc, _, err = fleet.ctl(fleet.primary, "status", "extra")
    assert rc == 1 and "takes no zone" in err
    rc, _, err = ctl(tmp_path / "absent.sock", "status")
    assert rc == 2 and "cannot connect" in err
    rc, _, err = fleet.ctl(fleet.primary)
    assert rc == 2 and "usage" in err


def raw(sock_path, data, timeout=5):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(str(sock_path))
    s.sendall(data)
    out = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        out += chunk
    s.close()
    return out


def test_protocol_limits(fleet):
    assert raw(fleet.psock, b"x" * 5000).startswith(b"error request longer than")
    assert raw(fleet.psock, b"text  status\n").startswith(b"error bad request")
    assert raw(fleet.psock, b"yaml status\n").startswith(b"error bad request")
    assert raw(fleet.psock, b"text status\n").startswith(b"ok\nversion")


def test_silent_client_is_timed_out(fleet):
    silent = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    silent.settimeout(10)
    silent.connect(str(fleet.psock))
    t0 = time.monotonic()
    rc, _, _ = fleet.ctl(fleet.primary, "status")   # not blocked by the silent one
    assert rc == 0 and time.monotonic() - t0 < 1.5
    assert silent.recv(100) == b""                   # closed by the server
    waited = time.monotonic() - t0
    silent.close()
    assert 1.0 < waited < 5.0


def test_socket_mode_pidfile_and_cleanup(fleet):
    st = os.stat(fleet.psock)
    assert stat.S_ISSOCK(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o600
    pidfile = fleet.pdir / "anynsd.pid"
    assert pidfile.read_text() == "%d\n" % fleet.primary.pid
    assert fleet.primary.stop() == 0
    assert not fleet.psock.exists() and not pidfile.exists()


def test_start_fails_on_busy_socket_or_bad_pidfile(fleet, anynsd):
    from ctl_fleet import OTHER
    busy = anynsd(zones={"other.test.": OTHER}, server={"control": str(fleet.psock)},
                  wait=False)
    assert busy.proc.wait(10) == 1
    assert "control socket %s failed (in use, or not a socket)" % fleet.psock in busy.log()
    assert fleet.ctl(fleet.primary, "status")[0] == 0     # the live one is untouched
    bad = anynsd(zones={"other.test.": OTHER},
                 server={"pidfile": str(fleet.sockdir / "no" / "such" / "pid")}, wait=False)
    assert bad.proc.wait(10) == 1
    assert "pidfile %s not written" % (fleet.sockdir / "no" / "such" / "pid") in bad.log()
