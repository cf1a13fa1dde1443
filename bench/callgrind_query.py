# SPDX-License-Identifier: MIT
"""Instructions per query of anynsd alone, as `make bench` counts them, plus a profile.

    /usr/bin/python3 bench/callgrind_query.py [--n 5000] [--profile FILE]
        [--build DIR] [--data DIR] [--work DIR]

Two fresh anynsd lives under callgrind answer exactly N and 2N queries of the bench's
50k-name query mix (dnsperf, one outstanding query); (Ir(2N) - Ir(N)) / N is the
figure of the bench's "instructions/query" row. With --profile, a third life answers
N queries with collection limited to the worker thread (--toggle-collect=udp_main)
and callgrind_annotate's inclusive and exclusive tables, divided by N, go to FILE.
--build runs DIR/anynsd (a private build, e.g. build-p8, so that others'
rebuilds of build/ do not change the binary mid-run); --data takes another
generated zone directory (zone, queries.txt, expect.tsv, origin bench.test.);
--work another scratch directory. Needs the bench's generated data (run `make bench` or `bench/run.py --quick` once).
"""
import argparse
import glob
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import gen_zone  # noqa: E402
import measure  # noqa: E402
import servers  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "build" / "bench" / "zone-50000"
WORK = ROOT / "build" / "bench" / "cgq"


def probe():
    rows = gen_zone.read_expect(str(DATA / "expect.tsv"), 60)
    row = next(r for r in rows if r[2] == "a")
    return (row[0], "A", row[4])


def qfile(n):
    path = DATA / ("q%d.txt" % n)
    if not path.exists():
        lines = (DATA / "queries.txt").read_text().splitlines(keepends=True)
        path.write_text("".join(lines[:n]))
    return path


def life(n, extra=()):
    origin = json.loads((DATA / "meta.json").read_text())["origin"]
    srv = servers.Anynsd(WORK, origin, DATA / "zone")
    for old in glob.glob(str(WORK / "callgrind.out.*")):
        Path(old).unlink()
    srv.start(prefix=measure.callgrind_prefix(str(WORK)) + list(extra))
    try:
        srv.wait_answer(*probe(), timeout=150)
        cmd = measure.dnsperf_cmd(srv.port, qfile(n), runs=1, clients=1, outstanding=1,
                                  timeout_s=30)
        res = measure.dnsperf(cmd, 150)
    finally:
        srv.stop(timeout=120)
    if res["completed"] != n:
        raise SystemExit("answered %d of %d" % (res["completed"], n))
    return measure.callgrind_sum(str(WORK)), glob.glob(str(WORK / "callgrind.out.*"))[0]


def configure(a):
    global DATA, WORK
    if a.build:
        servers.Anynsd.binary = (ROOT / a.build / "anynsd").resolve()
    if a.data:
        DATA = Path(a.data).resolve()
    if a.work:
        WORK = Path(a.work).resolve()
    WORK.mkdir(parents=True, exist_ok=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--profile")
    ap.add_argument("--no-count", action="store_true")
    ap.add_argument("--build", help="build directory holding anynsd (default build)")
    ap.add_argument("--data", help="generated zone directory (default %s)" % DATA)
    ap.add_argument("--work", help="scratch directory (default %s)" % WORK)
    a = ap.parse_args()
    configure(a)
    if not a.no_count:
        one, _ = life(a.n)
        two, _ = life(2 * a.n)
        print("instructions/query: %.0f  (Ir %d for N=%d, %d for 2N)"
              % ((two - one) / a.n, one, a.n, two))
    if a.profile:
        _, out = life(a.n, ["--toggle-collect=udp_main"])
        text = subprocess.run(["callgrind_annotate", "--inclusive=yes", out],
                              capture_output=True, text=True).stdout
        text += subprocess.run(["callgrind_annotate", out],
                               capture_output=True, text=True).stdout
        Path(a.profile).write_text(text)
        print("profile (Ir for %d queries) in %s" % (a.n, a.profile))


if __name__ == "__main__":
    main()
