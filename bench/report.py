# SPDX-License-Identifier: MIT
"""Renders a bench run: the terminal table and bench/RESULTS.md.

Each figure is the median of its repetitions; "n/a" means not measured (the reason is
in the notes). Ratios are anyns divided by the peer, so below 1 means anyns spends
less (instructions, CPU, seconds, memory) — except the q/s rows, where above 1 is better.
"""
import statistics

ORDER = ("knot", "nsd", "anyns")
TITLES = {"knot": "Knot", "nsd": "NSD", "anyns": "anyns"}


def metrics(run):
    big = "%s records" % human(run.data["big"]["records"])
    small = "%s names" % human(run.data["small"]["owner_names"])
    return (
        ("ir", "instructions/query, user space (callgrind, %s)" % small, "%.0f"),
        ("udp_us", "server CPU µs/query, UDP, dnsperf flat out", "%.2f"),
        ("udp_user", "  of which user space (%)", "%.0f"),
        ("udp_qps", "answered q/s, UDP (dnsperf on one core)", "%.0f"),
        ("udp_util", "server CPU use in UDP run (% of a core)", "%.0f"),
        ("udp_rate_us", "server CPU µs/query, UDP, %s q/s offered to every server"
         % human(run.p["rate"]), "%.2f"),
        ("udp_rate_user", "  of which user space (%)", "%.0f"),
        ("udp_rate_util", "server CPU use at that rate (% of a core)", "%.0f"),
        ("tcp_us", "server CPU µs/query, TCP pipelined, flat out", "%.2f"),
        ("tcp_user", "  of which user space (%)", "%.0f"),
        ("tcp_qps", "answered q/s, TCP pipelined", "%.0f"),
        ("tcp_util", "server CPU use in TCP run (% of a core)", "%.0f"),
        ("start_s", "%s: start to first correct answer (s)" % big, "%.2f"),
        ("load_cpu_s", "%s: load CPU (s)" % big, "%.2f"),
        ("pss_mib", "%s: memory PSS (MiB)" % big, "%.0f"),
        ("axfr_cpu_s", "%s: AXFR-out server CPU (s)" % big, "%.2f"),
        ("scale", SCALE_LABEL, scale_cell),
    )


# The answer path on T threads (bench/scale.c): one row in the figures, for anyns only,
# as "q/s at 1 thread / q/s at N threads (N = nproc), efficiency across runs; paired
# efficiency (within runs); the calibration's efficiency (what the host gave)".
SCALE_LABEL = "answer path q/s, 1 thread / N threads, efficiency (no sockets)"
SCALE_HEAD = "## Answer path on T threads (bench/scale.c)"


def scale_cell(v):
    one, many, n, eff, paired, machine = v
    return "%.2fM / %.2fM (N=%d), %.2f; paired %.2f; host gave %.2f" % (
        one / 1e6, many / 1e6, n, eff, paired, machine)


def scale_section(run):
    """The per-T table of the scale stage, or nothing when it did not run."""
    sc = getattr(run, "scale", None)
    if not sc:
        return []
    out = [SCALE_HEAD, "",
           "The server's per-query path (worker_answer(): parse, lookup, answer, "
           "per-worker counters; RCU read section per 32 queries) on T threads pinned "
           "one per CPU (T > nproc: oversubscribed), fed from memory, no sockets. "
           "Every thread's answers were byte-compared with a single-threaded pass "
           "checked against expect.tsv. Medians of %d interleaved runs of %g s, each "
           "cut into %g s slices cycling: all threads answer / thread 0 answers alone / "
           "all run a register-only calibration loop. efficiency = total(T) / (T x "
           "total(1)) across runs; paired = total(T) / (T x thread 0 alone) within a "
           "run (T <= nproc); host gave = the calibration's efficiency. Method and "
           "reading: doc/performance.md, round 12." % (
               sc["reps"], sc["seconds"], sc["slice_s"]), "",
           "- measured: %s; load average before %s, after %s" % (
               run.machine["date"], sc["loadavg_before"].rsplit(" ", 2)[0],
               sc["loadavg_after"].rsplit(" ", 2)[0]),
           "- command: `%s`" % run.commands.get("answer path on T threads", "?"),
           "- binary: %s" % getattr(run, "versions", {}).get("bench/scale", "?"), ""]
    head = ["threads", "total q/s", "q/s per thread", "efficiency", "paired efficiency",
            "host gave", "CPU share (guest)"]
    body = [[str(m["threads"]), "%.0f" % m["total_qps"],
             "%.0f" % (m["total_qps"] / m["threads"]), "%.2f" % m["efficiency"],
             "%.2f" % m["paired_efficiency"] if m["paired_efficiency"] > 0 else "n/a",
             "%.2f" % m["machine_efficiency"],
             "%.0f%%" % (100 * m["cpu_share"])] for m in sc["medians"]]
    out += md_table(head, body)
    runs = ", ".join("T=%d: %.0f" % (r["threads"], r["total_qps"]) for r in sc["runs"])
    out += ["", "Per run (q/s, in the order run): %s" % runs, ""]
    return out


def update_scale(text, run):
    """Replaces the scale row and section of an existing RESULTS.md (bench/run.py
    --scale); the other figures are left as the last full run wrote them."""
    lines = text.splitlines()
    head_at = next((i for i, ln in enumerate(lines) if ln.startswith("| figure (median)")),
                   None)
    if head_at is not None:
        head = [c.strip() for c in lines[head_at].strip("|").split("|")]
        row = [SCALE_LABEL] + ["n/a"] * (len(head) - 1)
        if "anyns" in head:
            row[head.index("anyns")] = scale_cell(run.results["anyns"]["scale"][-1])
        text_row = "| " + " | ".join(row) + " |"
        end = head_at
        while end + 1 < len(lines) and lines[end + 1].startswith("|"):
            end += 1
        at = next((i for i in range(head_at, end + 1)
                   if lines[i].startswith("| %s |" % SCALE_LABEL)), None)
        if at is None:
            lines.insert(end + 1, text_row)
        else:
            lines[at] = text_row
    section = scale_section(run)
    start = next((i for i, ln in enumerate(lines) if ln == SCALE_HEAD), None)
    if start is None:
        start = next((i for i, ln in enumerate(lines) if ln.startswith("## Raw values")),
                     len(lines))
        end = start
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")),
                   len(lines))
    lines[start:end] = section
    return "\n".join(lines) + "\n"


FLOOR_HEAD = "## UDP floor: a server with no DNS work (bench/udp_floor.c)"


def floor_rows(run):
    """Per UDP mode: the floor, Knot, anyns, and their ratios; [] without a floor run."""
    fl = getattr(run, "floor", None)
    if not fl:
        return []
    out = []
    for key, label in (("udp_us", "flat out"), ("udp_rate_us", "%s q/s offered"
                                                  % human(run.p["rate"]))):
        f = statistics.median(fl[key]) if fl.get(key) else None
        k, a = median(run, "knot", key), median(run, "anyns", key)
        above = ("%.2f" % ((a - f) / (k - f))) if None not in (f, k, a) and k > f else "n/a"
        out.append([label, cell(f, "%.2f"), cell(k, "%.2f"), cell(a, "%.2f"),
                    ratio(f, k), ratio(a, k), above])
    return out


def floor_section(run):
    body = floor_rows(run)
    if not body:
        return []
    head = ["UDP, server CPU µs/query", "floor", "Knot", "anyns", "floor/Knot", "anyns/Knot",
            "anyns/Knot above the floor"]
    return [FLOOR_HEAD, "",
            "udp_floor answers each query with the query itself (QR and AA set), through "
            "anynsd's socket loop (one SO_REUSEPORT socket, a thread blocked in recvmmsg of "
            "32, one sendmmsg) "
            "and no DNS work: its CPU per query is what the kernel's per-packet path costs "
            "any socket server on this machine, so floor/Knot is the lowest ratio a "
            "server can reach here. The last column compares what each server spends "
            "above that floor, (anyns − floor) / (Knot − floor). Same dnsperf commands, "
            "layout and repetitions as the UDP rows above; doc/performance.md, round 12c.",
            ""] + md_table(head, body) + [""]


def human(n):
    if n >= 1000000 and n % 1000000 < 50000:
        return "%gM" % round(n / 1e6, 1)
    if n >= 1000:
        return "%gk" % round(n / 1e3, 1)
    return str(n)


def median(run, server, key):
    vals = run.results.get(server, {}).get(key)
    if vals and isinstance(vals[0], tuple):
        return vals[-1]         # already medians (bench/scale.c computes them)
    return statistics.median(vals) if vals else None


def cell(v, fmt):
    if v is None:
        return "n/a"
    return fmt(v) if callable(fmt) else fmt % v


def ratio(a, b):
    if a is None or b is None or b == 0 or isinstance(a, tuple):
        return "n/a"
    return "%.2f" % (a / b)


def rows(run):
    cols = [s for s in ORDER if s in run.names]
    out = []
    for key, label, fmt in metrics(run):
        vals = {s: median(run, s, key) for s in cols}
        row = [label] + [cell(vals[s], fmt) for s in cols]
        if "anyns" in cols:
            row += [ratio(vals["anyns"], vals.get("nsd")), ratio(vals["anyns"], vals.get("knot"))]
        out.append(row)
    head = ["figure (median)"] + [TITLES[s] for s in cols]
    if "anyns" in cols:
        head += ["anyns/NSD", "anyns/Knot"]
    return head, out


def table_text(run):
    head, body = rows(run)
    widths = [max(len(r[i]) for r in [head] + body) for i in range(len(head))]
    line = lambda r: "  ".join(  # noqa: E731
        (c.ljust(w) if i == 0 else c.rjust(w)) for i, (c, w) in enumerate(zip(r, widths)))
    out = [line(head), "  ".join("-" * w for w in widths)] + [line(r) for r in body]
    for s in run.names:
        for n in run.notes[s]:
            out.append("note [%s]: %s" % (s, n))
    for r in floor_rows(run):
        out.append("UDP floor (no DNS work), %s: %s µs/query = %s x Knot; anyns above the "
                   "floor = %s x Knot above it" % (r[0], r[1], r[4], r[6]))
    return "\n".join(out)


def md_table(head, body):
    out = ["| " + " | ".join(head) + " |",
           "|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in body]
    return out


def raw_values(run):
    out = []
    for s in [x for x in ORDER if x in run.names]:
        for key, label, fmt in metrics(run):
            vals = run.results[s].get(key)
            if vals:
                out.append("- %s, %s: %s" % (TITLES[s], key,
                                             ", ".join(cell(v, fmt) for v in vals)))
    return out


def render(run):
    m, p = run.machine, run.p
    head, body = rows(run)
    out = ["# anynsd vs Knot DNS vs NSD — bench results", "",
           "Written by `bench/run.py` (%s profile); how to read it: doc/performance.md." % (
               run.profile), "",
           "- date: %s; run took %.0f s" % (m["date"], run.elapsed_s),
           "- machine: %d CPUs (`nproc`), %s, Linux %s; shared with other work" % (
               m["nproc"], m["cpu"], m["kernel"]),
           "- layout: dnsperf and the bench on CPU 0, the server on CPU 1 (taskset, and "
           "every thread put back on CPU 1 once it answers: Knot pins its UDP worker "
           "to CPU 0 itself), one worker each",
           "- small zone: %d owner names, %d records; big zone: %d records" % (
               run.data["small"]["owner_names"], run.data["small"]["records"],
               run.data["big"]["records"]),
           "- repetitions: %d (medians shown); saturation runs %d s after a %d s warm-up; "
           "callgrind N = %d" % (p["reps"], p["sat_s"], p["warm_s"], p["cg_n"]),
           "- UDP is measured twice: flat out (each server at the load dnsperf's one "
           "core reaches against it) and at one offered rate for all (%d q/s, dnsperf "
           "-Q); CPU per query depends on load, so only the second compares servers "
           "at equal work (doc/performance.md, round 7)" % p["rate"],
           "", "## Versions", ""]
    out += ["- %s: `%s`" % (k, v) for k, v in run.versions.items()]
    out += ["", "## Figures", ""] + md_table(head, body)
    out += ["", "Ratios are anyns divided by the peer: below 1 anyns spends less; "
            "for q/s rows above 1 is better.", ""]
    notes = [(s, n) for s in run.names for n in run.notes[s]]
    if notes:
        out += ["## Notes", ""] + ["- %s: %s" % (TITLES[s], n) for s, n in notes] + [""]
    out += floor_section(run)
    out += scale_section(run)
    out += ["## Raw values (per repetition)", ""] + raw_values(run)
    fl = getattr(run, "floor", None) or {}
    out += ["- floor, %s: %s" % (k, ", ".join("%.2f" % x for x in v)) for k, v in fl.items()]
    out += [""]
    out += ["## Commands", "", "```"]
    out += ["%s: %s" % (k, v) for k, v in run.commands.items()]
    out += ["AXFR: bench/measure.py axfr_records(): one TCP connection, one AXFR query, "
            "counts records from message headers; the first transfer is the warm-up", "```",
            ""]
    out += ["## Server configurations", ""]
    for s, text in run.configs.items():
        out += ["%s:" % TITLES[s], "```", text.rstrip(), "```", ""]
    return "\n".join(out)
