#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Transfer figures for `make bench` (issue 3), anynsd beside Knot DNS:

(a) propagation: one hidden primary and three nodes (127.0.0.2-4), a 1,000-record
    zone; the time from a reload on the primary (anynsd: SIGHUP after the file
    was edited; Knot: `knotc zone-reload` with zonefile-load: difference) until
    all three nodes serve the new serial (polled every 5 ms). Median of 3.
(b) AXFR of a zone of one million A records to one node, TSIG-signed: the time
    from the node's start until it serves the serial, and the peak memory
    (VmHWM) and PSS of both ends after the transfer. Both nodes keep a copy
    on disk (anynsd: storage; Knot: journal-content: all).

(c) IXFR apply CPU in anynsd (no Knot column): the same 1M-record zone, a
    changeset of 1 record and one of 1000 (half removed, half added) applied
    with ans_changeset_apply(); median process CPU of 3 applies, by the unit
    test binary's bench mode (`build/tests/xfr/test_apply --bench`, built by
    `make build/tests/xfr/test_apply`; skipped when it is missing).

Standalone: `bench/xfr_bench.py [--records N] [--out FILE]`, or
`bench/run.py --xfr`. Bounded: each wait has a deadline; about 1-2 minutes.
Prints a table with anynsd/Knot ratios (below 1: anynsd faster or smaller).
"""
import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ANYNSD = Path(os.environ.get("ANYNS_BUILD", ROOT / "build")) / "anynsd"
KNOTD, KNOTC = "/usr/sbin/knotd", "/usr/sbin/knotc"
SECRET = "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0"
ORIGIN = "bench.test."
NODE_ADDRS = ["127.0.0.2", "127.0.0.3", "127.0.0.4"]


def free_port(addr="127.0.0.1"):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
        u.bind((addr, 0))
        return u.getsockname()[1]


def zone_file(path, serial, records, extra=0):
    with open(path, "w") as f:
        f.write("$ORIGIN %s\n$TTL 300\n@ SOA ns1 host %d 3600 600 864000 60\n" % (ORIGIN, serial))
        f.write("@ NS ns1\nns1 A 192.0.2.1\n")
        for i in range(records + extra):
            f.write("h%d A 10.%d.%d.%d\n" % (i, i >> 16 & 255, i >> 8 & 255, i & 255))


def soa_query(qid):
    name = b"".join(bytes([len(l)]) + l.encode() for l in ORIGIN.rstrip(".").split(".")) + b"\0"
    return qid.to_bytes(2, "big") + b"\0\0\0\1\0\0\0\0\0\0" + name + b"\0\6\0\1", len(name)


def serial_of(addr, port, timeout=0.2):
    """The SOA serial a server answers, or None (bare UDP: no dnspython)."""
    q, nl = soa_query(0x5151)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        try:
            s.sendto(q, (addr, port))
            r = s.recv(4096)
        except OSError:
            return None
    if len(r) < 12 or r[3] & 15 or r[6:8] == b"\0\0":
        return None
    # The answer's SOA rdata ends with serial, refresh, retry, expire, minimum.
    an = 12 + nl + 4
    rdlen = int.from_bytes(r[an + 10:an + 12], "big")
    end = an + 12 + rdlen
    return int.from_bytes(r[end - 20:end - 16], "big")


def wait_serial(nodes, serial, deadline_s, poll_s=0.005):
    end = time.monotonic() + deadline_s
    left = list(nodes)
    while left and time.monotonic() < end:
        left = [n for n in left if serial_of(n.addr, n.port) != serial]
        if left:
            time.sleep(poll_s)
    if left:
        raise RuntimeError("serial %d not served by %s" % (serial, [n.addr for n in left]))
    return time.monotonic()


def mem_kb(pid):
    hwm = pss = 0
    for line in open("/proc/%d/status" % pid):
        if line.startswith("VmHWM:"):
            hwm = int(line.split()[1])
    try:
        for line in open("/proc/%d/smaps_rollup" % pid):
            if line.startswith("Pss:"):
                pss = int(line.split()[1])
    except OSError:
        pass
    return hwm, pss


class Proc:
    def __init__(self, argv, d, addr, port):
        self.d, self.addr, self.port = d, addr, port
        self.log = open(d / "log", "ab")
        self.p = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT, cwd=str(d))

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(20)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        self.log.close()


# --- configurations ------------------------------------------------------------

def anynsd_primary(d, port, path, nodes):
    rem = "".join('  - { id: n%d, address: "%s@%d", key: xfr }\n' % (i, a, p)
                  for i, (a, p) in enumerate(nodes))
    text = ("server:\n  listen: \"127.0.0.1@%d\"\n  workers: 1\n  storage: \"%s\"\n"
            "key:\n  - { id: xfr, algorithm: hmac-sha256, secret: \"%s\" }\n"
            % (port, d / "storage", SECRET))
    if nodes:
        text += "remote:\n" + rem
    text += ("acl:\n  - { id: nodes, address: 127.0.0.0/8, key: xfr, action: transfer }\n"
             "zone:\n  - domain: %s\n    file: \"%s\"\n    acl: nodes\n    max-size: 1G\n"
             % (ORIGIN, path))
    if nodes:
        text += "    notify: [ %s ]\n" % ", ".join("n%d" % i for i in range(len(nodes)))
    (d / "storage").mkdir(exist_ok=True)
    (d / "anynsd.yaml").write_text(text)
    return Proc([str(ANYNSD), "-c", str(d / "anynsd.yaml")], d, "127.0.0.1", port)


def anynsd_node(d, addr, port, pport):
    (d / "storage").mkdir(exist_ok=True)
    (d / "anynsd.yaml").write_text(
        "server:\n  listen: \"%s@%d\"\n  workers: 1\n  storage: \"%s\"\n"
        "key:\n  - { id: xfr, algorithm: hmac-sha256, secret: \"%s\" }\n"
        "remote:\n  - { id: p, address: \"127.0.0.1@%d\", key: xfr }\n"
        "acl:\n  - { id: p, address: 127.0.0.1, key: xfr, action: notify }\n"
        "zone:\n  - domain: %s\n    primary: p\n    acl: p\n    max-size: 1G\n"
        % (addr, port, d / "storage", SECRET, pport, ORIGIN))
    return Proc([str(ANYNSD), "-c", str(d / "anynsd.yaml")], d, addr, port)


def knot_common(d, addr, port):
    (d / "db").mkdir(exist_ok=True)   # Knot 3.2 does not create it
    return ("server:\n    rundir: \"%s\"\n    listen: %s@%d\n    udp-workers: 1\n"
            "    tcp-workers: 1\n    background-workers: 1\n"
            "database:\n    storage: \"%s\"\n    journal-db-max-size: 4G\n"
            "log:\n  - target: stderr\n    any: info\n"
            "key:\n  - id: xfr\n    algorithm: hmac-sha256\n    secret: \"%s\"\n"
            % (d, addr, port, d / "db", SECRET))


def knot_primary(d, port, path, nodes):
    text = knot_common(d, "127.0.0.1", port)
    if nodes:
        text += "remote:\n" + "".join("  - id: n%d\n    address: %s@%d\n    key: xfr\n"
                                      % (i, a, p) for i, (a, p) in enumerate(nodes))
    text += ("acl:\n  - id: nodes\n    address: 127.0.0.0/8\n    key: xfr\n"
             "    action: transfer\n"
             "template:\n  - id: default\n    storage: \"%s\"\n    zonefile-load: difference\n"
             "    journal-content: changes\n    zonefile-sync: -1\n"
             "zone:\n  - domain: \"%s\"\n    file: \"%s\"\n    acl: nodes\n" % (d, ORIGIN, path))
    if nodes:
        text += "    notify: [ %s ]\n" % ", ".join("n%d" % i for i in range(len(nodes)))
    (d / "knot.conf").write_text(text)
    return Proc([KNOTD, "-c", str(d / "knot.conf")], d, "127.0.0.1", port)


def knot_node(d, addr, port, pport):
    text = knot_common(d, addr, port) + (
        "remote:\n  - id: p\n    address: 127.0.0.1@%d\n    key: xfr\n"
        "acl:\n  - id: p\n    address: 127.0.0.1\n    key: xfr\n    action: notify\n"
        "template:\n  - id: default\n    storage: \"%s\"\n    journal-content: all\n"
        "    zonefile-sync: -1\n"
        "zone:\n  - domain: \"%s\"\n    master: p\n    acl: p\n" % (pport, d, ORIGIN))
    (d / "knot.conf").write_text(text)
    return Proc([KNOTD, "-c", str(d / "knot.conf")], d, addr, port)


IMPLS = {"anynsd": (anynsd_primary, anynsd_node), "knot": (knot_primary, knot_node)}


def reload(impl, prim):
    if impl == "anynsd":
        prim.p.send_signal(signal.SIGHUP)
    else:
        subprocess.run([KNOTC, "-s", str(prim.d / "knot.sock"), "zone-reload", ORIGIN],
                       check=True, capture_output=True, timeout=20)


# --- (a) propagation -------------------------------------------------------------

def propagation(impl, work, records=1000, rounds=3):
    mk_prim, mk_node = IMPLS[impl]
    base = work / ("prop-" + impl)
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    nodes_at = [(a, free_port(a)) for a in NODE_ADDRS]
    pport = free_port()
    path = base / "zone"
    zone_file(path, 1, records)
    procs = []
    try:
        pd = base / "primary"
        pd.mkdir()
        prim = mk_prim(pd, pport, path, nodes_at)
        procs.append(prim)
        wait_serial([prim], 1, 20)
        nodes = []
        for i, (a, p) in enumerate(nodes_at):
            nd = base / ("n%d" % i)
            nd.mkdir()
            nodes.append(mk_node(nd, a, p, pport))
        procs += nodes
        wait_serial(nodes, 1, 30)
        times = []
        for r in range(rounds):
            serial = 2 + r
            time.sleep(1.1)   # a new mtime second: both servers see the file changed
            zone_file(path, serial, records, extra=r + 1)
            t0 = time.monotonic()
            reload(impl, prim)
            times.append(wait_serial(nodes, serial, 30) - t0)
        return statistics.median(times), times
    finally:
        for p in reversed(procs):
            p.stop()


# --- (b) AXFR of a big zone -------------------------------------------------------

def big_axfr(impl, work, path, records):
    mk_prim, mk_node = IMPLS[impl]
    base = work / ("axfr-" + impl)
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    pport, nport = free_port(), free_port(NODE_ADDRS[0])
    procs = []
    try:
        pd, nd = base / "primary", base / "node"
        pd.mkdir()
        nd.mkdir()
        t0 = time.monotonic()
        prim = mk_prim(pd, pport, path, [])
        procs.append(prim)
        wait_serial([prim], 1, 120, poll_s=0.05)
        load_s = time.monotonic() - t0
        hwm_before, _ = mem_kb(prim.p.pid)
        t0 = time.monotonic()
        node = mk_node(nd, NODE_ADDRS[0], nport, pport)
        procs.append(node)
        t = wait_serial([node], 1, 120, poll_s=0.01) - t0
        time.sleep(0.5)   # let the node finish storing its copy
        p_hwm, p_pss = mem_kb(prim.p.pid)
        n_hwm, n_pss = mem_kb(node.p.pid)
        return {"load_s": load_s, "axfr_s": t, "prim_hwm_before_mb": hwm_before / 1024,
                "prim_hwm_mb": p_hwm / 1024, "prim_pss_mb": p_pss / 1024,
                "node_hwm_mb": n_hwm / 1024, "node_pss_mb": n_pss / 1024}
    finally:
        for p in reversed(procs):
            p.stop()


APPLY_BENCH = ANYNSD.parent / "tests" / "xfr" / "test_apply"


def apply_cpu(path):
    """{records in the changeset: CPU ms of one apply}, or {} without the
    bench binary. Bounded: one zone load and six applies."""
    if not APPLY_BENCH.exists():
        return {}
    r = subprocess.run([str(APPLY_BENCH), "--bench", str(path), ORIGIN, "3"],
                       capture_output=True, text=True, timeout=300)
    out = {}
    for line in r.stdout.splitlines():
        f = line.split()
        if len(f) == 3 and f[0] == "apply":
            out[int(f[1])] = float(f[2])
    return out


def table(prop, axfr, records, apply_ms=None):
    rows = [("reload -> 3 nodes serve the new serial (median of 3), s",
             prop["anynsd"][0], prop["knot"][0])]
    names = [("load_s", "primary loads the %d-record zone, s" % records),
             ("axfr_s", "node start -> serves the AXFR'd zone, s"),
             ("prim_hwm_before_mb", "primary VmHWM before the transfer, MB"),
             ("prim_hwm_mb", "primary VmHWM after, MB"),
             ("prim_pss_mb", "primary PSS after, MB"),
             ("node_hwm_mb", "node VmHWM, MB"),
             ("node_pss_mb", "node PSS, MB")]
    rows += [(label, axfr["anynsd"][k], axfr["knot"][k]) for k, label in names]
    out = ["| measure | anynsd | Knot | anynsd / Knot |", "|---|---|---|---|"]
    for label, a, k in rows:
        out.append("| %s | %.3f | %.3f | %.2f |" % (label, a, k, a / k if k else float("nan")))
    for n, ms in sorted((apply_ms or {}).items()):
        out.append("| IXFR apply, %d-record changeset, CPU ms (anynsd only) | %.1f | - | - |"
                   % (n, ms))
    out.append("")
    out.append("Propagation rounds, s: anynsd %s; Knot %s" % (
        ", ".join("%.3f" % x for x in prop["anynsd"][1]),
        ", ".join("%.3f" % x for x in prop["knot"][1])))
    return "\n".join(out) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--records", type=int, default=1000000)
    ap.add_argument("--work", default=str(ROOT / "build" / "bench-xfr"))
    ap.add_argument("--out", default=None, help="also write the table to this file")
    a = ap.parse_args(argv)
    if not ANYNSD.exists() or not os.access(KNOTD, os.X_OK):
        print("xfr bench: needs %s and %s" % (ANYNSD, KNOTD))
        return 1
    work = Path(a.work)
    work.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    prop = {impl: propagation(impl, work) for impl in ("anynsd", "knot")}
    big = work / "big.zone"
    zone_file(big, 1, a.records)
    axfr = {impl: big_axfr(impl, work, big, a.records) for impl in ("anynsd", "knot")}
    text = table(prop, axfr, a.records, apply_cpu(big))
    print(text + "xfr bench: %.0f s" % (time.monotonic() - t0))
    if a.out:
        Path(a.out).parent.mkdir(parents=True, exist_ok=True)
        Path(a.out).write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
