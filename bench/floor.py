# SPDX-License-Identifier: MIT
"""The UDP floor: CPU per query of the cheapest socket server (bench/udp_floor.c)
beside Knot DNS and anynsd, same layout and dnsperf commands as `make bench`.

    /usr/bin/python3 bench/floor.py [--reps 3] [--seconds 5] [--rate 40000]

udp_floor echoes each query back with QR and AA set from the buffer it came in
(one SO_REUSEPORT socket, a thread blocked in recvmmsg of 32, one sendmmsg: anynsd's
UDP loop with no DNS work at all). Its CPU per query is what the kernel's per-packet path costs any
server that uses sockets here; it says how far below Knot a socket server can go.
Servers are interleaved within each repetition; medians of the repetitions.
"""
import argparse
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import gen_zone  # noqa: E402
import measure  # noqa: E402
import servers  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "build" / "bench"
FLOOR_BIN = ROOT / "build" / "bench" / "udp_floor"


class Floor(servers.Server):
    name = "udp_floor (no DNS work)"
    short = "floor"
    conf_name = "floor.txt"

    def config_text(self):
        return "udp_floor %s %d\n" % (self.addr, self.port)

    def command(self):
        return [str(FLOOR_BIN), self.addr, str(self.port)]

    def wait_echo(self, timeout=10):
        """udp_floor answers with the question itself: wait until it does."""
        import socket
        import time
        import dns.message
        q = dns.message.make_query("floor.test.", "A").to_wire()
        end = time.monotonic() + timeout
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(0.05)
            while time.monotonic() < end:
                s.sendto(q, (self.addr, self.port))
                try:
                    if s.recv(600)[2] & 0x80:
                        return
                except OSError:
                    pass
        raise RuntimeError("udp_floor did not answer")


def build_floor():
    subprocess.run(["make", "-s", "-C", str(ROOT), "build/bench/udp_floor"], check=True)


def start(cls, d, origin, zone_file, probe):
    if d.exists():
        shutil.rmtree(d)
    srv = cls(d, origin, zone_file)
    srv.start(prefix=["taskset", "-c", measure.SERVER_CPU])
    if issubclass(cls, Floor):
        srv.wait_echo()
    else:
        srv.wait_answer(*probe, timeout=60)
    srv.pin(int(measure.SERVER_CPU))
    return srv


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--rate", type=int, default=40000)
    ap.add_argument("--names", type=int, default=50000)
    a = ap.parse_args()
    build_floor()
    small = WORK / ("zone-%d" % a.names)
    meta = gen_zone.generate(str(small), names=a.names, queries=100000)
    origin, zone_file, qfile = meta["origin"], small / "zone", small / "queries.txt"
    rows = gen_zone.read_expect(str(small / "expect.tsv"), 200)
    probe = next((r[0], "A", r[4]) for r in rows if r[2] == "a")
    classes = [servers.Knot, servers.Anynsd, Floor]
    res = {c.short: {"flat": [], "rate": []} for c in classes}
    for rep in range(a.reps):
        for cls in classes:
            srv = start(cls, WORK / "floor" / cls.short, origin, zone_file, probe)
            try:
                measure.dnsperf(measure.dnsperf_cmd(srv.port, qfile, seconds=2), 40)
                for mode, rate in (("flat", None), ("rate", a.rate)):
                    cmd = measure.dnsperf_cmd(srv.port, qfile, seconds=a.seconds, rate=rate)
                    r = measure.cpu_per_query(srv, cmd, a.seconds + 30)
                    res[cls.short][mode].append(r["us_per_q"])
                    print("rep %d %-6s %-4s %.2f µs/query (%.0f%% user) %.0f q/s, %.0f%% of a "
                          "core" % (rep, cls.short, mode, r["us_per_q"], r["user_pct"],
                                    r["qps"], 100 * r["util"]), flush=True)
            finally:
                srv.stop()
    print("\nmedians (µs/query), and / Knot:")
    knot = {m: statistics.median(res["knot"][m]) for m in ("flat", "rate")}
    for c in classes:
        line = []
        for m in ("flat", "rate"):
            v = statistics.median(res[c.short][m])
            line.append("%s %.2f (%.2f x Knot; values %s)" % (
                m, v, v / knot[m], ", ".join("%.2f" % x for x in res[c.short][m])))
        print("%-6s %s" % (c.short, "; ".join(line)))


if __name__ == "__main__":
    main()
