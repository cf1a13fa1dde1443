# SPDX-License-Identifier: MIT
"""The bench's measuring instruments, each bounded in time.

    check_answers  the correctness gate: a sample of the query mix, compared with
                   what gen_zone.py expects (rcode, answer count, AA, referral NS)
    dnsperf        one dnsperf run pinned to the load core; returns its counters
    callgrind_total  one server life under callgrind sending exactly N queries, one
                   at a time (send_sequential);
                   the caller runs N and 2N and divides the difference by N, which
                   cancels start-up, zone load, shutdown and idle work
    axfr_records   a minimal AXFR client that counts records from message headers
                   (parsing 1M records in Python would cost more than the server)
"""
import glob
import os
import re
import shlex
import socket
import struct
import subprocess
import time

import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype

LOAD_CPU = "0"     # dnsperf and this script
SERVER_CPU = "1"   # the server under test


class BenchError(Exception):
    pass


# --- correctness gate -------------------------------------------------------------

def describe(rc, an, aa, ns, soa):
    return "%s an=%d aa=%d ns=%d soa=%d" % (rc, an, aa, ns, soa)


def check_one(addr, port, row, tcp=False):
    """Returns None when the answer matches the expectation row, else a reason."""
    qname, qtype, kind, rcode, ancount, aa, auth_ns = row
    q = dns.message.make_query(qname, qtype)
    try:
        if tcp:
            r = dns.query.tcp(q, addr, port=port, timeout=3)
        else:
            r = dns.query.udp(q, addr, port=port, timeout=3)
    except Exception as e:  # noqa: BLE001 - any failure is a wrong answer here
        return "%s %s (%s): no answer (%s)" % (qname, qtype, kind, type(e).__name__)
    got_an = sum(len(s) for s in r.answer)
    got_aa = int(bool(r.flags & dns.flags.AA))
    got_ns = sum(len(s) for s in r.authority if s.rdtype == dns.rdatatype.NS)
    got_soa = sum(len(s) for s in r.authority if s.rdtype == dns.rdatatype.SOA)
    want_soa = 1 if kind in ("nxdomain", "nxdomain_deep", "nodata") else 0
    got = (dns.rcode.to_text(r.rcode()), got_an, got_aa, got_ns if auth_ns else 0, got_soa)
    want = (rcode, ancount, aa, auth_ns, want_soa)
    if got != want:
        return "%s %s (%s): want %s, got %s" % (qname, qtype, kind, describe(*want),
                                                describe(*got))
    return None


def check_answers(server, rows, tcp_rows=30):
    """Sends rows over UDP and the first tcp_rows of them over TCP; returns the problems."""
    problems = []
    for i, row in enumerate(rows):
        for tcp in ((False, True) if i < tcp_rows else (False,)):
            why = check_one(server.addr, server.port, row, tcp)
            if why:
                problems.append(("TCP " if tcp else "UDP ") + why)
    return problems


# --- dnsperf --------------------------------------------------------------------

def dnsperf_cmd(port, qfile, seconds=None, runs=None, tcp=False, clients=4,
                outstanding=200, timeout_s=2, rate=None):
    """rate: queries per second offered (dnsperf -Q); None: as fast as answers come."""
    cmd = ["taskset", "-c", LOAD_CPU, "dnsperf", "-s", "127.0.0.1", "-p", str(port),
           "-d", str(qfile), "-c", str(clients), "-q", str(outstanding),
           "-T", "1", "-t", str(timeout_s)]
    if tcp:
        cmd += ["-m", "tcp"]
    if seconds is not None:
        cmd += ["-l", str(seconds)]
    if runs is not None:
        cmd += ["-n", str(runs)]
    if rate is not None:
        cmd += ["-Q", str(rate)]
    return cmd


def dnsperf(cmd, limit_s):
    """Runs one dnsperf command; returns {completed, lost, qps}."""
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=limit_s)
    except subprocess.TimeoutExpired:
        raise BenchError("dnsperf exceeded %ds: %s" % (limit_s, shlex.join(cmd)))
    out = p.stdout
    m_done = re.search(r"Queries completed:\s+(\d+)", out)
    m_lost = re.search(r"Queries lost:\s+(\d+)", out)
    m_qps = re.search(r"Queries per second:\s+([\d.]+)", out)
    m_run = re.search(r"Run time \(s\):\s+([\d.]+)", out)
    if p.returncode != 0 or not m_done:
        raise BenchError("dnsperf failed (rc %d): %s %s" % (p.returncode, out[-300:],
                                                            p.stderr[-300:]))
    return {"completed": int(m_done.group(1)), "lost": int(m_lost.group(1)) if m_lost else 0,
            "qps": float(m_qps.group(1)) if m_qps else 0.0,
            "run_s": float(m_run.group(1)) if m_run else 0.0}


def cpu_per_query(server, cmd, limit_s):
    """Server CPU µs per answered query over one dnsperf run, plus the run's figures."""
    u0, s0 = server.cpu_split()
    res = dnsperf(cmd, limit_s)
    u1, s1 = server.cpu_split()
    if res["completed"] == 0:
        raise BenchError("no query answered")
    ticks = (u1 - u0) + (s1 - s0)
    cpu_s = ticks / os.sysconf("SC_CLK_TCK")
    res["user_pct"] = 100.0 * (u1 - u0) / ticks if ticks else 0.0
    res["cpu_s"] = cpu_s
    res["us_per_q"] = cpu_s * 1e6 / res["completed"]
    # dnsperf's own run time excludes its start and the wait for lost queries.
    res["util"] = cpu_s / res["run_s"] if res["run_s"] else 0.0
    return res


# --- callgrind ------------------------------------------------------------------

def callgrind_prefix(outdir):
    return ["taskset", "-c", SERVER_CPU, "valgrind", "--tool=callgrind", 
            "--callgrind-out-file=%s/callgrind.out.%%p" % outdir]


def callgrind_sum(outdir):
    """Total Ir over every process the run left a callgrind file for (NSD forks)."""
    total = 0
    for path in glob.glob(os.path.join(outdir, "callgrind.out.*")):
        with open(path, errors="replace") as f:
            for line in f:
                if line.startswith(("summary:", "totals:")):
                    total += int(line.split()[1])
                    break
    return total


def send_sequential(addr, port, qfile, timeout_s, limit_s):
    """Sends every query of qfile over UDP, one at a time (the next after the answer).

    One query in flight means no batching: the server does one full event-loop turn
    per query, and the instruction count does not depend on timing. (dnsperf -q 1
    would do, but Knot 3.2 answers it at ~50 q/s, even without valgrind.)
    Returns the number answered."""
    wires = []
    with open(qfile) as f:
        for line in f:
            name, rtype = line.split()
            wires.append(dns.message.make_query(name, rtype).to_wire())
    deadline = time.monotonic() + limit_s
    answered = 0
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.connect((addr, port))
        sock.settimeout(timeout_s)
        for wire in wires:
            if time.monotonic() > deadline:
                break
            sock.send(wire)
            try:
                while sock.recv(65535)[:2] != wire[:2]:
                    pass        # a late answer to an earlier query: skip it
                answered += 1
            except OSError:
                pass            # lost; the caller retries the life
    return answered


def callgrind_life(make_server, probe, qfile, limit_s):
    """One server life under callgrind sending qfile once; returns (Ir, srv, done)."""
    srv = make_server()
    outdir = str(srv.dir)
    for old in glob.glob(os.path.join(outdir, "callgrind.out.*")):
        os.unlink(old)
    srv.start(prefix=callgrind_prefix(outdir))
    try:
        srv.wait_answer(*probe, timeout=limit_s / 2)
        done = send_sequential(srv.addr, srv.port, qfile, 10, limit_s / 2)
    finally:
        srv.stop(timeout=120)
    return callgrind_sum(outdir), srv, done


def callgrind_total(make_server, probe, qfile, n, limit_s, attempts=2):
    """Total Ir of a server life that answered exactly the n queries of qfile.

    make_server() returns a fresh, unstarted Server. A life that lost a query is
    retried (once by default). Returns (total Ir, server command)."""
    for _ in range(attempts):
        total, srv, done = callgrind_life(make_server, probe, qfile, limit_s)
        if done == n and total > 0:
            return total, srv.cmd
    if total == 0:
        raise BenchError("no callgrind output in %s" % srv.dir)
    raise BenchError("callgrind life answered %d of %d queries (%d attempts)"
                     % (done, n, attempts))


# --- AXFR -----------------------------------------------------------------------

def recv_exact(sock, n):
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise BenchError("AXFR connection closed after %d bytes" % len(buf))
        buf += chunk
    return bytes(buf)


def axfr_records(addr, port, origin, expected, timeout_s):
    """Transfers origin and counts answer records until `expected` (zone + closing SOA).

    Returns (records, messages, bytes). Raises BenchError if the server refuses."""
    q = dns.message.make_query(origin, "AXFR").to_wire()
    deadline = time.monotonic() + timeout_s
    records = msgs = nbytes = 0
    with socket.create_connection((addr, port), timeout=timeout_s) as s:
        s.sendall(struct.pack("!H", len(q)) + q)
        while records < expected:
            if time.monotonic() > deadline:
                raise BenchError("AXFR timed out after %d records" % records)
            (size,) = struct.unpack("!H", recv_exact(s, 2))
            msg = recv_exact(s, size)
            rcode = msg[3] & 0x0F
            if rcode != 0:
                raise BenchError("AXFR refused: rcode %s" % dns.rcode.to_text(rcode))
            (ancount,) = struct.unpack("!H", msg[6:8])
            if ancount == 0:
                raise BenchError("AXFR message without records")
            records += ancount
            msgs += 1
            nbytes += size + 2
    if records != expected:
        raise BenchError("AXFR gave %d records, want %d" % (records, expected))
    return records, msgs, nbytes
