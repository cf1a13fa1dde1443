# SPDX-License-Identifier: MIT
"""Failover measurement: a client queries the service address every 20 ms
(lab/probe.py inside its namespace), over v4 and over v6 at once (two
probes, one per service address), while the driver breaks, then restores,
the node that client reaches.  Each family is analysed on its own: v4 and
v6 have their own BGP sessions and BFD, so they may move at different times.

Cases, each on the client's nearest node and restored before the next:
  kill          SIGKILL anynsd           healthd's pidfd sees the exit -> withdraw
  hang          SIGSTOP anynsd           the DNS probe times out (fall 2 x 100 ms)
  node-silent   silence the node (v4+v6) BFD (100 ms x 3) on the router drops both sessions
  healthd-kill  SIGKILL anyns-healthd    its tun device vanishes, BIRD drops the route
  recover       every restore above      the node announces again; queries lost on return

What is measured (monotonic clock, shared by every namespace):
  gap_ms  failure cases: from the event to the send time of the first query
          answered by another node (the failover time; resolution one query
          interval).  recover: the longest stretch of unanswered queries while
          the node came back (0 when none was lost).
  lost    queries without an answer within the probe timeout (250 ms).
  from/to the NSID answering before the event and at the end of the window.
For healthd-kill the old node's anynsd still answers until the route
moves, so `lost` is normally 0 there: gap_ms is what a client would lose if
the node had really gone silent.
Every figure is reported for v4 (top-level keys, as before v6 existed) and
for v6 (the same keys under "v6").
"""
import json
import signal
import statistics
import subprocess
import sys
import threading
import time

import labnet as L

INTERVAL_MS = 20
TIMEOUT_MS = 250
CASES = ("kill", "hang", "node-silent", "healthd-kill")
EXTRA = ("bird-kill", "bird-stop")      # --cases only: not in the default set


class Prober:
    """lab/probe.py running in a client namespace; records its JSON lines."""

    def __init__(self, client, addr=L.SERVICE, interval=INTERVAL_MS, timeout=TIMEOUT_MS):
        self.recs = []
        self.proc = subprocess.Popen(
            ["nsenter", "--net=" + L.nspath(client), "/usr/bin/python3",
             str(L.ROOT / "lab" / "probe.py"), addr, str(interval), str(timeout)],
            stdout=subprocess.PIPE, text=True)
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        for line in self.proc.stdout:
            self.recs.append(json.loads(line))

    def answered(self):
        return sorted((r for r in self.recs if r["ms"] is not None), key=lambda r: r["seq"])

    def wait(self, pred, timeout):
        """Polls pred(self) until true; False on timeout or a dead probe."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.proc.poll() is None:
            if pred(self):
                return True
            time.sleep(0.02)
        return False

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=3)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.thread.join(timeout=2)
        return sorted(self.recs, key=lambda r: r["seq"])


def probers(client):
    """One Prober per family ({"v4": .., "v6": ..}), started together."""
    return {fam: Prober(client, addr) for fam, addr in L.FAMILIES}


def wait_all(ps, pred, timeout):
    """Polls pred on every prober until it holds for all; False on timeout
    or when a probe died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and all(p.proc.poll() is None for p in ps.values()):
        if all(pred(p) for p in ps.values()):
            return True
        time.sleep(0.02)
    return False


def stop_all(ps):
    return {fam: p.stop() for fam, p in ps.items()}


def by_family(results):
    """{"v4": r4, "v6": r6} -> r4 with r6 (less "case") under "v6"."""
    out = dict(results["v4"])
    out["v6"] = {k: v for k, v in results["v6"].items() if k != "case"}
    return out


def steady(nsid, n=10, after=0.0):
    """Predicate: the last n answers (sent after `after`) all came from nsid
    and none of the queries between them was lost."""
    def pred(p):
        recs = [r for r in sorted(p.recs, key=lambda r: r["seq"]) if r["sent"] >= after]
        tail = recs[-n:]
        return len(tail) == n and all(r["ms"] is not None and r["nsid"] == nsid for r in tail)
    return pred


def longest_outage(recs):
    """Longest stretch of unanswered queries in ms (first lost to next answered)."""
    worst, start = 0.0, None
    for r in recs:
        if r["ms"] is None:
            start = r["sent"] if start is None else start
        elif start is not None:
            worst, start = max(worst, r["sent"] - start), None
    if start is not None and recs:
        worst = max(worst, recs[-1]["sent"] - start + INTERVAL_MS / 1000)
    return round(worst * 1000)


def analyse_failure(case, recs, t_event):
    before = [r for r in recs if r["ms"] is not None and r["sent"] < t_event]
    src = before[-1]["nsid"] if before else None
    moved = [r for r in recs if r["ms"] is not None and r["sent"] >= t_event
             and r["nsid"] != src]
    answered = [r for r in recs if r["ms"] is not None]
    return {"case": case,
            "gap_ms": round((moved[0]["sent"] - t_event) * 1000) if moved else None,
            "lost": sum(1 for r in recs if r["ms"] is None),
            "from": src, "to": answered[-1]["nsid"] if answered else None,
            "outage_ms": longest_outage(recs)}


def analyse_recover(case, recs, t_event, home):
    before = [r for r in recs if r["ms"] is not None and r["sent"] < t_event]
    back = [r for r in recs if r["ms"] is not None and r["sent"] >= t_event
            and r["nsid"] == home]
    answered = [r for r in recs if r["ms"] is not None]
    return {"case": case, "gap_ms": longest_outage(recs),
            "lost": sum(1 for r in recs if r["ms"] is None),
            "from": before[-1]["nsid"] if before else None,
            "to": answered[-1]["nsid"] if answered else None,
            "back_after_ms": round((back[0]["sent"] - t_event) * 1000) if back else None}


def break_node(st, node, case):
    pids = st["pids"]
    if case == "kill":
        L.kill(pids[node + "/anynsd"])
    elif case == "hang":
        L.kill(pids[node + "/anynsd"], signal.SIGSTOP)
    elif case == "node-silent":
        L.silence(node, True)
    elif case == "healthd-kill":
        L.kill(pids[node + "/healthd"])
    elif case == "bird-kill":
        L.kill(pids[node + "/bird"])
    elif case == "bird-stop":
        L.kill(pids[node + "/bird"], signal.SIGSTOP)


def restore_node(st, node, case):
    if case == "kill":
        L.start_anynsd(st, node)
    elif case == "hang":
        L.kill(st["pids"][node + "/anynsd"], signal.SIGCONT)
    elif case == "node-silent":
        L.silence(node, False)
    elif case == "healthd-kill":
        L.start_healthd(st, node)
    elif case == "bird-kill":
        L.start_bird(st, node)
    elif case == "bird-stop":
        L.kill(st["pids"][node + "/bird"], signal.SIGCONT)


def wait_bfd(node, timeout=15):
    deadline = time.monotonic() + timeout
    while not L.bfd_up(int(node[1:])):
        if time.monotonic() > deadline:
            raise RuntimeError("BFD session of %s is not up" % node)
        time.sleep(0.1)


def diagnose(node):
    """What the routers and the node say when a client did not move: the
    text a failed run leaves behind (BGP and BFD sessions, the service
    route's candidates on the node's router, the node's rules and
    healthd state, the last lines of both BIRD logs)."""
    i = int(node[1:])
    router = "r%d" % i
    out = ["--- diagnostics: %s did not move traffic away ---" % node]

    def birdc(where, *args):
        r = L.run("birdc", "-s", str(L.WORK / where / "bird.ctl"), *args, check=False)
        out.append("%s$ birdc %s\n%s" % (where, " ".join(args), (r.stdout + r.stderr).strip()))

    birdc(router, "show", "protocols")
    birdc(router, "show", "bfd", "sessions")
    for _, addr in L.FAMILIES:
        birdc(router, "show", "route", "for", addr, "all")
    birdc(node, "show", "protocols")
    for where in (router, node):
        for _, addr in L.FAMILIES:
            r = L.run("ip", "-n", L.ns(where), "route", "get", addr, check=False)
            out.append("%s$ ip route get %s\n%s" % (where, addr, (r.stdout + r.stderr).strip()))
    for fam in ("-4", "-6"):
        r = L.run("ip", "-n", L.ns(node), fam, "rule", check=False)
        out.append("%s$ ip %s rule\n%s" % (node, fam, r.stdout.strip()))
    for n in L.NODES:
        out.append("n%d healthd: %s" % (n, json.dumps(L.healthd_status("n%d" % n))))
    for where in (router, node):
        try:
            tail = (L.WORK / where / "bird.log").read_text().splitlines()[-15:]
        except OSError as e:
            tail = [str(e)]
        out.append("%s bird.log (last lines):\n%s" % (where, "\n".join(tail)))
    return "\n".join(out)


def run_case(st, client, node, home, case, log):
    """Breaks then restores node with a v4 and a v6 probe running; returns
    (failure, recover) records, each by_family()."""
    wait_bfd(node)
    ps = probers(client)
    if not wait_all(ps, steady(home, 15), 20):
        stop_all(ps)
        raise RuntimeError("%s: %s is not answered by %s (v4 and v6) before the case"
                           % (case, client, home))
    t_event = time.monotonic()
    break_node(st, node, case)
    try:
        wait_all(ps, lambda q: steady_other(q, home, t_event), 6)
        time.sleep(0.3)             # let the last queries time out or be answered
        fails = {fam: analyse_failure(case, recs, t_event)
                 for fam, recs in stop_all(ps).items()}
    except BaseException:           # interrupted: leave the node whole
        stop_all(ps)
        restore_node(st, node, case)
        raise
    for fam, fail in fails.items():
        log("%-13s %s gap %s ms, lost %d, longest outage %d ms, %s -> %s"
            % (case, fam, fail["gap_ms"], fail["lost"], fail["outage_ms"], fail["from"],
               fail["to"]))
    if any(f["gap_ms"] is None for f in fails.values()):
        log(diagnose(node))
    ps = probers(client)
    wait_all(ps, lambda q: len(q.answered()) >= 5, 5)
    t_restore = time.monotonic()
    try:
        restore_node(st, node, case)
    except BaseException:
        stop_all(ps)
        raise
    ok = wait_all(ps, steady(home, 25, t_restore), 25)
    time.sleep(0.3)
    recs = {fam: analyse_recover("recover", r, t_restore, home)
            for fam, r in stop_all(ps).items()}
    for fam, rec in recs.items():
        log("  restore   %s lost %d, longest outage %d ms, %s -> %s, back after %s ms%s"
            % (fam, rec["lost"], rec["gap_ms"], rec["from"], rec["to"], rec["back_after_ms"],
               "" if ok else " (NOT BACK)"))
    return by_family(fails), by_family(recs)


def steady_other(p, home, t_event):
    recs = [r for r in sorted(p.recs, key=lambda r: r["seq"]) if r["sent"] >= t_event]
    tail = recs[-10:]
    return len(tail) == 10 and all(r["ms"] is not None and r["nsid"] != home for r in tail)


def one_run(st, client, node, home, log, cases):
    out, recovers = [], []
    for case in cases:
        fail, rec = run_case(st, client, node, home, case, log)
        out.append(fail)
        recovers.append(rec)
    def total(rs):
        return {"gap_ms": max(r["gap_ms"] for r in rs), "lost": sum(r["lost"] for r in rs),
                "from": rs[0]["from"], "to": rs[-1]["to"]}
    rec = dict(case="recover", **total(recovers))
    rec["v6"] = total([r["v6"] for r in recovers])
    out.append(rec)
    return out


def median(vals):
    vals = [v for v in vals if v is not None]
    return round(statistics.median(vals)) if vals else None


def summary(col, last):
    gaps = [c["gap_ms"] for c in col]
    return {"gap_ms": None if None in gaps else median(gaps),
            "lost": median([c["lost"] for c in col]), "from": last["from"], "to": last["to"]}


def summarise(runs):
    """Per case and family: median gap_ms and lost over the runs (None when a
    run did not move); from/to of the last run."""
    cases = []
    for k, last in enumerate(runs[-1]):
        col = [r[k] for r in runs]
        c = dict(case=last["case"], **summary(col, last))
        c["v6"] = summary([x["v6"] for x in col], last["v6"])
        cases.append(c)
    return cases


def failover(st, runs=1, as_json=False, client="c1", cases=CASES):
    log = (lambda s: print(s, file=sys.stderr, flush=True)) if as_json else \
        (lambda s: print(s, flush=True))
    home = L.catchment(client)
    if not home:
        raise RuntimeError("%s gets no answer" % client)
    node = "n" + home[len("pop"):]
    if st.get("speakers", {}).get(node, "bird") != "bird" and set(cases) & set(EXTRA):
        raise RuntimeError("%s is for BIRD nodes; %s runs %s" % (
            ", ".join(EXTRA), home, st["speakers"][node]))
    log("client %s reaches %s (node %s); query every %d ms, timeout %d ms"
        % (client, home, L.ns(node), INTERVAL_MS, TIMEOUT_MS))
    all_runs = []
    for k in range(runs):
        log("run %d/%d" % (k + 1, runs))
        all_runs.append(one_run(st, client, node, home, log, cases))
    cases = summarise(all_runs)
    if as_json:
        print(json.dumps({"cases": cases}))
    else:
        print("%s (median of %d run%s)" % ("summary", runs, "s" if runs > 1 else ""))
        print("%-13s %8s %5s  %-13s %8s %5s  %s" % ("case", "v4 gap", "lost", "from -> to",
                                                   "v6 gap", "lost", "from -> to"))
        for c in cases:
            v6 = c["v6"]
            print("%-13s %8s %5s  %-13s %8s %5s  %s -> %s"
                  % (c["case"], c["gap_ms"], c["lost"], "%s -> %s" % (c["from"], c["to"]),
                     v6["gap_ms"], v6["lost"], v6["from"], v6["to"]))
    return cases
