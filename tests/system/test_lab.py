# SPDX-License-Identifier: MIT
"""The anycast lab end to end (lab/anycast-lab, doc/lab.md): builds the
namespaces, checks the catchment (each client answered by the node behind its
own router), runs every failover case once and checks the client moved to
another node and came back, checks that CPU burners on the idle fleet cause
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
    assert st["clients"] == {"c1": "pop1", "c2": "pop2", "c3": "pop3"}
    for name, node in st["nodes"].items():
        assert node["announced"] is True and node["state"] == "up", (name, node)
        assert node["serial"] == st["primary_serial"] is not None

    res = json.loads(lab("failover", "--json", timeout=90))
    print(json.dumps(res))
    cases = {c["case"]: c for c in res["cases"]}
    assert list(cases) == list(FAILURES) + ["recover"]
    assert all(set(c) == {"case", "gap_ms", "lost", "from", "to"} for c in res["cases"])
    for name in FAILURES:
        c = cases[name]
        assert c["from"] == "pop1", c
        assert c["to"] in ("pop2", "pop3"), c
        assert isinstance(c["gap_ms"], int) and 0 <= c["gap_ms"] < 2000, c
    rec = cases["recover"]
    assert rec["to"] == "pop1" and rec["from"] in ("pop2", "pop3"), rec
    assert rec["lost"] == 0, rec                     # the target: none lost on return

    flap = subprocess.run([str(LAB), "noflap", "--seconds", "10", "--json"],
                          capture_output=True, text=True, timeout=30, env=ENV)
    res = json.loads(flap.stdout)
    print(json.dumps(res))
    assert flap.returncode == 0 and res["ok"], res
    assert len(res["nodes"]) == 3

    st = json.loads(lab("status", "--json"))       # the fleet is whole again
    assert st["clients"] == {"c1": "pop1", "c2": "pop2", "c3": "pop3"}
    anycast_lab.update(json.loads((WORK / "state.json").read_text())["pids"].values())
    assert time.monotonic() - t0 < 110
