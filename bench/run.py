# SPDX-License-Identifier: MIT
"""`make bench`: anynsd side by side with Knot DNS and NSD.

Order of work, per server (never two servers at once; dnsperf and this script on
CPU 0, the server on CPU 1, one worker each):

  1. gate        start on the 50k-name zone, put every thread on CPU 1 (Knot pins its
                 UDP workers itself, worker 0 on CPU 0), compare a sample of the query
                 mix with the generator's expectations; a server that answers wrongly
                 is not measured at all (the reason is printed and written to
                 RESULTS.md)
  2. saturation  same process: UDP then TCP pipelined; before each repetition a
                 warm-up dnsperf run, then a measured one; server CPU µs per answered
                 query = Δ(utime+stime of the server's process tree) / completed.
                 Then UDP once more at one fixed offered rate (dnsperf -Q, the same
                 for every server, below what each sustains): flat out, a faster
                 server idles more between batches and wakes up more often per
                 query, so CPU per query is taken at different loads; at one rate
                 it is not (doc/performance.md, round 7)
  3. callgrind   fresh processes under valgrind --tool=callgrind sending exactly N,
                 2N, ... (reps+1)N queries; Ir per query = successive differences / N
  4. big zone    1M records: start to first correct answer, CPU spent until then (load
                 CPU), PSS, then a warm-up AXFR and a measured one (server CPU)

Then, for anynsd only, the answer path on 1..nproc threads and on 2 x nproc
(build/bench/scale, bench/scale.c): no sockets, the server's per-query path on pinned
threads, interleaved repetitions; q/s for 1 and N threads, the efficiency
total(N) / (N x total(1)), the same paired within runs, and what the host gave
(doc/performance.md, round 12). `bench/run.py --scale` runs
only that stage (~15 s) and updates its row and section in bench/RESULTS.md.

Every figure is the median of the repetitions (3 in the full run, 1 with --quick).
Every step has a timeout and the whole run a time budget: a step that would not fit is
reported as skipped, not silently dropped. Results go to stdout and bench/RESULTS.md.
"""
import argparse
import datetime
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import floor  # noqa: E402
import gen_zone  # noqa: E402
import measure  # noqa: E402
import report  # noqa: E402
import servers  # noqa: E402
from measure import BenchError  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "build" / "bench"

PROFILES = {
    "full": dict(names=50000, queries=100000, cg_n=5000, reps=3, warm_s=2, sat_s=5,
                 big_records=1000000, check_rows=300, budget_s=14 * 60, rate=40000,
                 scale_s=1.2, cost={"gate": 5, "saturation": 75, "callgrind": 130,
                                    "big": 40, "scale": 20, "floor": 45}),
    "quick": dict(names=5000, queries=10000, cg_n=1000, reps=1, warm_s=1, sat_s=2,
                  big_records=100000, check_rows=150, budget_s=120, rate=40000,
                  scale_s=0.6, cost={"gate": 3, "saturation": 11, "callgrind": 15,
                                     "big": 8, "scale": 5, "floor": 8}),
}


class Run:
    def __init__(self, prof, names, out_path):
        self.p = prof
        self.names = names
        self.out_path = out_path
        self.t0 = time.monotonic()
        self.results = {n: {} for n in names}   # server -> metric -> [values]
        self.notes = {n: [] for n in names}     # server -> [text]
        self.commands = {}                      # label -> command line
        self.configs = {}                       # server -> config text

    def left_s(self):
        return self.p["budget_s"] - (time.monotonic() - self.t0)

    def fits(self, server, stage):
        """Whether a stage's rough cost (seconds, from the profile) fits the budget left."""
        need = self.p["cost"][stage]
        if self.left_s() < need:
            self.note(server, "%s skipped: %.0f s of the time budget left, needs ~%.0f s"
                      % (stage, self.left_s(), need))
            return False
        return True

    def note(self, server, text):
        print("  [%s] %s" % (server, text), flush=True)
        self.notes[server].append(text)

    def add(self, server, metric, value):
        self.results[server].setdefault(metric, []).append(value)


def prepare_data(p):
    """Generates (or reuses) the two zones and the fixed N / 2N query files."""
    small = WORK / ("zone-%d" % p["names"])
    big = WORK / ("zone-r%d" % p["big_records"])
    ms = gen_zone.generate(str(small), names=p["names"], queries=p["queries"])
    mb = gen_zone.generate(str(big), records=p["big_records"], queries=2000)
    lines = (small / "queries.txt").read_text().splitlines(keepends=True)
    n = p["cg_n"]
    for count in range(n, (p["reps"] + 2) * n, n):
        (small / ("q%d.txt" % count)).write_text("".join(lines[:count]))
    return small, ms, big, mb


def probe_of(rows):
    """The readiness probe: the first plain A query of the mix (NOERROR, AA, answers)."""
    row = next(r for r in rows if r[2] == "a")
    return (row[0], "A", row[4])


def new_server(cls, run_dir, stage, origin, zone_file):
    d = run_dir / cls.short / stage
    if d.exists():
        shutil.rmtree(d)
    return cls(d, origin, zone_file)


def stage_gate(run, cls, srv, rows, probe):
    srv.start(prefix=["taskset", "-c", measure.SERVER_CPU])
    run.commands["%s: server" % cls.short] = shlex.join(srv.cmd)
    run.configs[cls.short] = srv.conf.read_text()
    srv.wait_answer(*probe, timeout=60)
    moved = srv.pin(int(measure.SERVER_CPU))
    if moved:
        run.note(cls.short, "%d thread(s) had set their own CPU affinity; all put back "
                 "on CPU %s" % (moved, measure.SERVER_CPU))
    problems = measure.check_answers(srv, rows)
    if problems:
        run.note(cls.short, "REFUSED, not measured: %d wrong answers to %d sampled queries "
                 "(UDP, first 30 also TCP), e.g. %s"
                 % (len(problems), len(rows), "; ".join(problems[:3])))
        return False
    print("  [%s] answers correct on %d sampled queries (UDP; first 30 also TCP)"
          % (cls.short, len(rows)), flush=True)
    return True


def stage_saturation(run, cls, srv, qfile):
    p = run.p
    for mode in ("udp", "tcp", "udp_rate"):
        tcp = mode == "tcp"
        warm = measure.dnsperf_cmd(srv.port, qfile, seconds=p["warm_s"], tcp=tcp)
        cmd = measure.dnsperf_cmd(srv.port, qfile, seconds=p["sat_s"], tcp=tcp,
                                  rate=p["rate"] if mode == "udp_rate" else None)
        run.commands["dnsperf %s (%s)" % (mode, cls.short)] = shlex.join(cmd)
        for _ in range(p["reps"]):
            measure.dnsperf(warm, p["warm_s"] + 30)
            r = measure.cpu_per_query(srv, cmd, p["sat_s"] + 30)
            run.add(cls.short, mode + "_us", r["us_per_q"])
            run.add(cls.short, mode + "_qps", r["qps"])
            run.add(cls.short, mode + "_util", 100.0 * r["util"])
            run.add(cls.short, mode + "_user", r["user_pct"])
            print("  [%s] %s: %.2f µs/query (%.0f%% user), %.0f q/s answered, server %.0f%% "
                  "of a core, %d lost" % (cls.short, mode, r["us_per_q"], r["user_pct"],
                                          r["qps"], 100 * r["util"], r["lost"]), flush=True)
            if mode == "udp_rate" and r["qps"] < 0.97 * p["rate"]:
                run.note(cls.short, "UDP at %d q/s offered: only %.0f q/s answered, so "
                         "this server's fixed-rate figure is a saturated one"
                         % (p["rate"], r["qps"]))


def stage_floor(run, run_dir, small):
    """UDP flat out and at the fixed rate, as stage_saturation, against udp_floor: one
    socket, a thread blocked in recvmmsg, one sendmmsg per batch, each query echoed
    with QR set and nothing else.
    Its CPU per query is the kernel's per-packet cost that any socket server pays
    here: how far below Knot a server can go at all (doc/performance.md, round 12c)."""
    if not floor.FLOOR_BIN.exists():
        raise BenchError("%s is not built (make build/bench/udp_floor)" % floor.FLOOR_BIN)
    p, qfile = run.p, small / "queries.txt"
    srv = floor.start(floor.Floor, run_dir / "floor", "floor.test.", "-", None)
    run.commands["udp_floor"] = shlex.join(srv.cmd)
    run.floor = {}
    try:
        for mode in ("udp", "udp_rate"):
            warm = measure.dnsperf_cmd(srv.port, qfile, seconds=p["warm_s"])
            cmd = measure.dnsperf_cmd(srv.port, qfile, seconds=p["sat_s"],
                                      rate=p["rate"] if mode == "udp_rate" else None)
            for _ in range(p["reps"]):
                measure.dnsperf(warm, p["warm_s"] + 30)
                r = measure.cpu_per_query(srv, cmd, p["sat_s"] + 30)
                run.floor.setdefault(mode + "_us", []).append(r["us_per_q"])
                print("  [floor] %s: %.2f µs/query, %.0f q/s answered, %.0f%% of a core"
                      % (mode, r["us_per_q"], r["qps"], 100 * r["util"]), flush=True)
    finally:
        srv.stop()


def stage_callgrind(run, cls, run_dir, small, probe, origin):
    """Server lives under callgrind with N, 2N, ... (reps+1)N queries; each step up
    adds N queries and nothing else, so successive differences / N are the
    repetitions (start-up, load, shutdown and idle cancel out)."""
    n = run.p["cg_n"]
    make = lambda: new_server(cls, run_dir, "callgrind", origin, small / "zone")  # noqa: E731
    prev = None
    for k in range(1, run.p["reps"] + 2):
        qfile = small / ("q%d.txt" % (k * n))
        t0 = time.monotonic()
        total, srv_cmd = measure.callgrind_total(make, probe, qfile, k * n, 300)
        run.commands["callgrind: server (%s)" % cls.short] = shlex.join(srv_cmd)
        run.commands["callgrind: %dN queries" % k] = (
            "bench/measure.py send_sequential(%s): UDP, one query in flight" % qfile)
        msg = "  [%s] callgrind: %d queries, Ir %d (%.0f s)" % (
            cls.short, k * n, total, time.monotonic() - t0)
        if prev is not None:
            per_q = (total - prev) / n
            run.add(cls.short, "ir", per_q)
            msg += " -> %.0f instructions/query" % per_q
        print(msg, flush=True)
        prev = total


def stage_big(run, cls, run_dir, big, mb, origin):
    rows = gen_zone.read_expect(str(big / "expect.tsv"), 60)
    probe = probe_of(rows)
    expected = mb["records"] + 1        # AXFR repeats the SOA at the end
    axfr_ok = True
    for _ in range(run.p["reps"]):
        srv = new_server(cls, run_dir, "big", origin, big / "zone")
        srv.start(prefix=["taskset", "-c", measure.SERVER_CPU])
        try:
            ready_s = srv.wait_answer(*probe, timeout=120)
            load_cpu = srv.cpu_seconds()
            srv.pin(int(measure.SERVER_CPU))
            problems = measure.check_answers(srv, rows, tcp_rows=5)
            if problems:
                run.note(cls.short, "big zone REFUSED: %s" % "; ".join(problems[:3]))
                return
            run.add(cls.short, "start_s", ready_s)
            run.add(cls.short, "load_cpu_s", load_cpu)
            run.add(cls.short, "pss_mib", srv.pss_kb() / 1024.0)
            msg = "  [%s] big zone: first correct answer after %.2f s, load CPU %.2f s, " \
                  "PSS %.0f MiB" % (cls.short, ready_s, load_cpu, srv.pss_kb() / 1024.0)
            if axfr_ok:
                try:
                    measure.axfr_records(srv.addr, srv.port, origin, expected, 120)
                    c0 = srv.cpu_seconds()
                    _, msgs, nbytes = measure.axfr_records(srv.addr, srv.port, origin,
                                                           expected, 120)
                    axfr_cpu = srv.cpu_seconds() - c0
                    run.add(cls.short, "axfr_cpu_s", axfr_cpu)
                    msg += ", AXFR-out CPU %.2f s (%d msgs, %.1f MB)" % (
                        axfr_cpu, msgs, nbytes / 1e6)
                except (BenchError, OSError) as e:
                    axfr_ok = False
                    run.note(cls.short, "AXFR n/a: %s" % e)
            print(msg, flush=True)
        finally:
            srv.stop(timeout=60)
    run.commands["big zone: server (%s)" % cls.short] = shlex.join(srv.cmd)


SCALE_BIN = ROOT / "build" / "bench" / "scale"


def scale_threads():
    """1..nproc, then 2 x nproc: what oversubscription does."""
    n = os.cpu_count() or 1
    return list(range(1, n + 1)) + [2 * n]


def stage_scale(run, small, origin):
    """The answer path without sockets on T pinned threads (bench/scale.c); the program
    checks every thread's answers itself and exits 1 on a wrong one."""
    if not SCALE_BIN.exists():
        run.note("anyns", "answer-path scaling not measured: %s is not built "
                 "(make build/bench/scale)" % SCALE_BIN)
        return
    out = WORK / "scale.json"
    if out.exists():
        out.unlink()
    cmd = [str(SCALE_BIN), "--zone", str(small / "zone"), "--origin", origin,
           "--queries", str(small / "queries.txt"), "--expect", str(small / "expect.tsv"),
           "--seconds", str(run.p["scale_s"]), "--reps", str(run.p["reps"]),
           "--threads", ",".join(str(t) for t in scale_threads()), "--json", str(out)]
    run.commands["answer path on T threads"] = shlex.join(cmd)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    print("\n".join("  [anyns] scale: " + ln for ln in p.stdout.splitlines() if ln.strip()),
          flush=True)
    if p.returncode != 0 or not out.exists():
        raise BenchError("bench/scale exited %d: %s" % (p.returncode, p.stderr.strip()[-400:]))
    run.scale = json.loads(out.read_text())
    n = os.cpu_count() or 1
    med = {m["threads"]: m for m in run.scale["medians"]}
    run.add("anyns", "scale", (med[1]["total_qps"], med[n]["total_qps"], n,
                               med[n]["efficiency"], med[n]["paired_efficiency"],
                               med[n]["machine_efficiency"]))


STAGE_ERRORS = (BenchError, RuntimeError, OSError, subprocess.SubprocessError)


def guarded(run, name, stage, fn, *args):
    """Runs one stage; a failure is noted and the server's other stages still run."""
    if not run.fits(name, stage):
        return None
    try:
        return fn(*args)
    except STAGE_ERRORS as e:
        run.note(name, "%s stopped: %s" % (stage, e))
        return None


def gate_and_saturation(run, cls, run_dir, small, rows, probe, origin):
    srv = new_server(cls, run_dir, "gate", origin, small / "zone")
    try:
        if not stage_gate(run, cls, srv, rows, probe):
            return False
        guarded(run, cls.short, "saturation", stage_saturation, run, cls, srv,
                small / "queries.txt")
        return True
    finally:
        srv.stop()


def bench_server(run, cls, run_dir, small, big, mb, origin):
    rows = gen_zone.read_expect(str(small / "expect.tsv"), run.p["check_rows"])
    probe = probe_of(rows)
    print("== %s" % cls.name, flush=True)
    # A server that fails the gate (or cannot be started) is not measured at all.
    if not guarded(run, cls.short, "gate", gate_and_saturation, run, cls, run_dir, small,
                   rows, probe, origin):
        return
    guarded(run, cls.short, "callgrind", stage_callgrind, run, cls, run_dir, small, probe,
            origin)
    guarded(run, cls.short, "big", stage_big, run, cls, run_dir, big, mb, origin)


def main():
    global SCALE_BIN
    ap = argparse.ArgumentParser(description="anynsd vs Knot DNS vs NSD")
    ap.add_argument("--quick", action="store_true", help="small smoke run (< 2 minutes)")
    ap.add_argument("--reps", type=int, help="override the profile's repetitions")
    ap.add_argument("--rate", type=int, help="the fixed UDP rate offered to every server "
                    "(q/s; default 40000, below what each sustains here)")
    ap.add_argument("--servers", default="anyns,nsd,knot",
                    help="comma-separated subset of knot,nsd,anyns")
    ap.add_argument("--out", default=None, help="results file (default bench/RESULTS.md; "
                    "--quick writes build/bench/RESULTS-quick.md)")
    ap.add_argument("--xfr", action="store_true",
                    help="only the transfer figures, anynsd vs Knot (bench/xfr_bench.py)")
    ap.add_argument("--scale", action="store_true",
                    help="only the answer path on T threads (bench/scale.c, ~10 s); "
                    "updates its row and section in the results file")
    ap.add_argument("--scale-bin", help="the bench/scale binary (default %s)" % SCALE_BIN)
    a = ap.parse_args()
    if a.xfr:
        import xfr_bench  # noqa: E402
        return xfr_bench.main(["--out", str(WORK / "XFR.md")])
    if a.scale_bin:
        SCALE_BIN = Path(a.scale_bin).resolve()
    if a.scale:
        return scale_only(a)
    prof = dict(PROFILES["quick" if a.quick else "full"])
    if a.reps:
        prof["reps"] = a.reps
    if a.rate:
        prof["rate"] = a.rate
    names = [n for n in a.servers.split(",") if n]
    for n in names:
        if n not in servers.SERVERS:
            ap.error("unknown server %s" % n)
    out = Path(a.out) if a.out else (WORK / "RESULTS-quick.md" if a.quick
                                     else ROOT / "bench" / "RESULTS.md")
    os.sched_setaffinity(0, {int(measure.LOAD_CPU)})
    WORK.mkdir(parents=True, exist_ok=True)
    run = Run(prof, names, out)
    # Before measuring: in a shared tree build/anynsd may be rebuilt meanwhile, and
    # the results must name the binary that was measured.
    run.versions = versions(names)
    run.profile = "quick" if a.quick else "full"
    print("bench (%s): generating zones in %s" % (run.profile, WORK), flush=True)
    small, ms, big, mb = prepare_data(prof)
    run.data = {"small": ms, "big": mb}
    run.commands["zone (small)"] = "bench/gen_zone.py --names %d --queries %d --out %s" % (
        prof["names"], prof["queries"], small)
    run.commands["zone (big)"] = "bench/gen_zone.py --records %d --queries 2000 --out %s" % (
        prof["big_records"], big)
    run_dir = WORK / "run"
    if run_dir.exists():
        shutil.rmtree(run_dir)
    origin = ms["origin"]
    for n in names:
        cls = servers.SERVERS[n]
        if cls is servers.Anynsd and not cls.binary.exists():
            run.note(n, "not measured: %s is not built" % cls.binary)
            continue
        bench_server(run, cls, run_dir, small, big, mb, origin)
    if "anyns" in names:
        print("== UDP floor: a server with no DNS work (bench/udp_floor.c)", flush=True)
        guarded(run, "anyns", "floor", stage_floor, run, run_dir, small)
        print("== anynsd answer path on T threads (bench/scale.c)", flush=True)
        guarded(run, "anyns", "scale", stage_scale, run, small, origin)
    run.elapsed_s = time.monotonic() - run.t0
    run.machine = machine()
    text = report.render(run)
    print(report.table_text(run), flush=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    print("bench: %.0f s; results in %s" % (run.elapsed_s, out), flush=True)
    return 0


def scale_only(a):
    """bench/run.py --scale: the scale stage alone, on the full profile's zone; its row
    and section in the results file are replaced, the rest is left as it was."""
    prof = dict(PROFILES["quick" if a.quick else "full"])
    if a.reps:
        prof["reps"] = a.reps
    out = Path(a.out) if a.out else (WORK / "RESULTS-quick.md" if a.quick
                                     else ROOT / "bench" / "RESULTS.md")
    WORK.mkdir(parents=True, exist_ok=True)
    ms = gen_zone.generate(str(WORK / ("zone-%d" % prof["names"])), names=prof["names"],
                           queries=prof["queries"])
    run = Run(prof, ["anyns"], out)
    run.data = {"small": ms}
    stage_scale(run, WORK / ("zone-%d" % prof["names"]), ms["origin"])
    run.machine = machine()
    run.versions = {"bench/scale": scale_version()}
    if not hasattr(run, "scale"):
        print("\n".join(run.notes["anyns"]))
        return 1
    text = out.read_text() if out.exists() else ""
    out.write_text(report.update_scale(text, run))
    print("bench --scale: results in %s" % out, flush=True)
    return 0


def scale_version():
    head = servers.first_line(["git", "-C", str(ROOT), "log", "-1", "--format=%h %cI"])
    built = (datetime.datetime.fromtimestamp(SCALE_BIN.stat().st_mtime, datetime.timezone.utc)
             .strftime("%Y-%m-%d %H:%M:%S UTC") if SCALE_BIN.exists() else "missing")
    return "git HEAD %s; %s built %s" % (head, SCALE_BIN, built)


def machine():
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {"nproc": os.cpu_count(), "cpu": model, "kernel": platform.release(),
            "date": datetime.datetime.now(datetime.timezone.utc).strftime(
                "%Y-%m-%d %H:%M UTC")}


def versions(names):
    out = {}
    for n in names:
        out[servers.SERVERS[n].name] = servers.SERVERS[n].version()
    try:
        p = subprocess.run(["dnsperf", "-h"], capture_output=True, text=True, timeout=10)
        lines = [ln.strip() for ln in p.stdout.splitlines() if ln.strip()][:2]
        out["dnsperf"] = ", ".join(lines)
    except (OSError, subprocess.TimeoutExpired) as e:
        out["dnsperf"] = "unavailable (%s)" % e
    out["valgrind"] = servers.first_line(["valgrind", "--version"])
    if "anyns" in names:
        # anynsd changes by the hour: say which source and which binary were measured.
        head = servers.first_line(["git", "-C", str(ROOT), "log", "-1", "--format=%h %cI"])
        binary = servers.Anynsd.binary
        built = (datetime.datetime.fromtimestamp(binary.stat().st_mtime, datetime.timezone.utc)
                 .strftime("%Y-%m-%d %H:%M:%S UTC") if binary.exists() else "missing")
        out["anynsd source"] = "git HEAD %s; %s built %s" % (head, binary, built)
        out["bench/scale"] = scale_version()
    return out


if __name__ == "__main__":
    sys.exit(main())
