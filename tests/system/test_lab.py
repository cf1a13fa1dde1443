# SPDX-License-Identifier: MIT
"""The anycast lab end to end (lab/anycast-lab, doc/lab.md): builds the
namespaces, checks the catchment (each client answered by the node behind its
own router, over v4 and over v6), runs every failover case once and checks
the client moved to another node and came back, on both families (v4 and v6
have separate BGP sessions and BFD, and healthd announces a /24 and a /48),
checks that CPU burners on the idle fleet cause
no announcement change, and always tears the lab down, then checks nothing
it made is left (namespaces, processes, work directory).

It runs its own lab (ANYNS_LAB_NAME=anlt) so a lab left up by `make lab` is
not touched.  Skipped only where namespaces cannot be made here.  About 45 s.
"""
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from conftest import BUILD, ROOT

LAB = ROOT / "lab" / "anycast-lab"
NAME = "anlt"
WORK = Path("/run/anyns-lab-" + NAME)
ENV = dict(os.environ, ANYNS_LAB_NAME=NAME, ANYNS_LAB_DIR=str(WORK), ANYNS_BUILD=str(BUILD))
FAILURES = ("kill", "hang", "node-silent", "healthd-kill")
CATCHMENT = {"c1": "pop1", "c2": "pop2", "c3": "pop3"}
KEYS = {"gap_ms", "lost", "from", "to"}


def why_no_namespaces():
    if os.geteuid() != 0:
        return "not root"
    if not os.path.exists("/dev/net/tun"):
        return "no /dev/net/tun"
    for prog in ("bird", "nsenter", "ip"):
        if not shutil.which(prog, path="/usr/sbin:/usr/bin:/sbin:/bin"):
            return "no %s (apt-get install bird2 iproute2 util-linux)" % prog
    probe = NAME + "-probe"
    r = subprocess.run(["ip", "netns", "add", probe], capture_output=True, text=True)
    if r.returncode != 0:
        return "cannot create a network namespace: " + r.stderr.strip()
    subprocess.run(["ip", "netns", "del", probe], capture_output=True)
    return None


WHY = why_no_namespaces()
pytestmark = pytest.mark.skipif(WHY is not None, reason="anycast lab needs namespaces: %s" % WHY)


def lab(*args, timeout=60):
    r = subprocess.run([str(LAB), *args], capture_output=True, text=True, timeout=timeout,
                       env=ENV)
    assert r.returncode == 0, "anycast-lab %s failed (%d):\n%s\n%s" % (
        " ".join(args), r.returncode, r.stdout, r.stderr)
    if r.stderr:
        print(r.stderr)                   # the run's log: shown when an assertion fails
    return r.stdout


def our_namespaces():
    out = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    return [w for w in out.split() if w.startswith(NAME + "-")]


def alive(pid):
    try:
        stat = Path("/proc/%d/stat" % pid).read_text()
    except OSError:
        return False
    return stat.split(") ")[1][0] != "Z"


@pytest.fixture
def anycast_lab():
    if (WORK / "state.json").exists() or our_namespaces():
        lab("down")                       # a previous run was interrupted
    pids = set()
    try:
        lab("up")
        yield pids
    finally:
        state = WORK / "state.json"
        if state.exists():
            pids.update(json.loads(state.read_text())["pids"].values())
        out = lab("down")
        assert "lab %s down" % NAME in out
        assert our_namespaces() == [], "namespaces left: %s" % our_namespaces()
        left = [p for p in pids if alive(p)]
        assert left == [], "processes left: %s" % left
        assert not WORK.exists()


def test_catchment_failover_and_no_flap(anycast_lab):
    t0 = time.monotonic()
    st = json.loads(lab("status", "--json"))
    assert st["clients"] == CATCHMENT
    assert st["clients6"] == CATCHMENT
    for name, node in st["nodes"].items():
        assert node["announced"] is True and node["state"] == "up", (name, node)
        assert node["serial"] == st["primary_serial"] is not None

    res = json.loads(lab("failover", "--json", timeout=90))
    print(json.dumps(res))
    cases = {c["case"]: c for c in res["cases"]}
    assert list(cases) == list(FAILURES) + ["recover"]
    assert all(set(c) == KEYS | {"case", "v6"} and set(c["v6"]) == KEYS for c in res["cases"])
    for name in FAILURES:
        for fam, c in (("v4", cases[name]), ("v6", cases[name]["v6"])):
            assert c["from"] == "pop1", (name, fam, c)
            assert c["to"] in ("pop2", "pop3"), (name, fam, c)
            assert isinstance(c["gap_ms"], int) and 0 <= c["gap_ms"] < 2000, (name, fam, c)
    # A silent node loses queries on both families (v6 really silenced, not
    # only withdrawn by the v4 side).
    assert cases["node-silent"]["lost"] > 0 and cases["node-silent"]["v6"]["lost"] > 0
    for fam, rec in (("v4", cases["recover"]), ("v6", cases["recover"]["v6"])):
        assert rec["to"] == "pop1" and rec["from"] in ("pop2", "pop3"), (fam, rec)
        assert rec["lost"] == 0, (fam, rec)          # the target: none lost on return

    flap = subprocess.run([str(LAB), "noflap", "--seconds", "10", "--json"],
                          capture_output=True, text=True, timeout=30, env=ENV)
    res = json.loads(flap.stdout)
    print(json.dumps(res))
    assert flap.returncode == 0 and res["ok"], res
    assert len(res["nodes"]) == 3

    st = json.loads(lab("status", "--json"))       # the fleet is whole again
    assert st["clients"] == CATCHMENT and st["clients6"] == CATCHMENT
    anycast_lab.update(json.loads((WORK / "state.json").read_text())["pids"].values())
    assert time.monotonic() - t0 < 110
