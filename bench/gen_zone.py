# SPDX-License-Identifier: MIT
"""Deterministic benchmark zone and query mix.

The zone (origin bench.test. by default) holds owner names of five kinds, drawn
with a seeded random generator so the same arguments always give the same bytes:

    hN      host: 1-2 A, and sometimes AAAA, MX, TXT          (~60 %)
    cN      CNAME to a host hM (in the zone, so the answer chases it)  (~15 %)
    *.wN    wildcard: A + TXT; wN itself exists only as an empty non-terminal (~10 %)
    dN      delegation: 2 NS with in-bailiwick glue ns1.dN, ns2.dN      (~10 %)
    mN      mail-only name: one MX, no address                  (~5 %)

No $GENERATE: Knot 3.2 and NSD 4.6 lack it, so every record is written out.

The query file (dnsperf format, "name type" per line) follows a fixed mix, exact
in every block of 100 queries (then shuffled inside the block), see MIX below.
Beside it, an expectation file gives for each query its kind, the rcode, the
answer count, whether AA must be set and the authority NS count of a referral,
so the bench can refuse a server that answers wrongly.

Usage:
    gen_zone.py --names 50000 --queries 100000 --out DIR
    gen_zone.py --records 1000000 --queries 1000 --out DIR
writes DIR/zone, DIR/queries.txt, DIR/expect.tsv, DIR/meta.json.
"""
import argparse
import json
import os
import random
import sys

ORIGIN = "bench.test."
SOA_SERIAL = 2024010101
MX_HOSTS = ("mx1.example.net.", "mx2.example.net.")

# Query mix: kind -> count per 100 queries.
MIX = (
    ("a", 34),          # A at a host: NOERROR, 1-2 answers
    ("aaaa", 8),        # AAAA at a host that has it
    ("mx", 4),          # MX at a host that has it
    ("txt", 4),         # TXT at a host that has it
    ("cname", 10),      # A at a CNAME: CNAME + target's A set
    ("wildcard", 10),   # A at a name synthesised from *.wN
    ("nxdomain", 10),   # name under the apex that does not exist
    ("nxdomain_deep", 3),  # name below an existing host (closest encloser hN)
    ("nodata", 7),      # SRV at a host: NOERROR, no answer, SOA in authority
    ("referral", 10),   # name below a delegation: NS + glue, AA clear
)


class Zone:
    """The generated zone: text lines plus the facts the queries need."""

    def __init__(self):
        self.lines = []
        self.records = 0
        self.hosts = []        # (label, n_a, has_aaaa, has_mx, has_txt)
        self.cnames = []       # (label, target_n_a)
        self.wildcards = []    # label of wN (owner of *.wN), answers 1 A
        self.delegations = []  # label of dN, 2 NS
        self.mailonly = []

    def add(self, owner, rtype, rdata):
        self.lines.append("%s\t3600\tIN\t%s\t%s" % (owner, rtype, rdata))
        self.records += 1


def ip4(rng):
    return "10.%d.%d.%d" % (rng.randrange(256), rng.randrange(256), rng.randrange(1, 255))


def ip6(rng):
    return "2001:db8:%x:%x::%x" % (rng.randrange(65536), rng.randrange(65536),
                                   rng.randrange(1, 65536))


def add_apex(z, origin):
    z.add(origin, "SOA", "ns1.%s hostmaster.%s %d 3600 900 1209600 300"
          % (origin, origin, SOA_SERIAL))
    z.add(origin, "NS", "ns1." + origin)
    z.add(origin, "NS", "ns2." + origin)
    z.add("ns1." + origin, "A", "192.0.2.1")
    z.add("ns2." + origin, "A", "192.0.2.2")


def add_host(z, rng, i):
    label = "h%d" % i
    n_a = 1 + (rng.random() < 0.3)
    has_aaaa = rng.random() < 0.5
    has_mx = rng.random() < 0.2
    has_txt = rng.random() < 0.2
    for _ in range(n_a):
        z.add(label, "A", ip4(rng))
    if has_aaaa:
        z.add(label, "AAAA", ip6(rng))
    if has_mx:
        z.add(label, "MX", "10 " + rng.choice(MX_HOSTS))
    if has_txt:
        z.add(label, "TXT", '"v=bench %08x"' % rng.getrandbits(32))
    z.hosts.append((label, n_a, has_aaaa, has_mx, has_txt))


def add_name(z, rng, i):
    """Adds owner name number i; the kind is drawn, hosts come first so CNAMEs have targets."""
    r = rng.random()
    if r < 0.60 or not z.hosts:
        add_host(z, rng, i)
    elif r < 0.75:
        target = rng.choice(z.hosts)
        z.add("c%d" % i, "CNAME", target[0])
        z.cnames.append(("c%d" % i, target[1]))
    elif r < 0.85:
        z.add("*.w%d" % i, "A", ip4(rng))
        z.add("*.w%d" % i, "TXT", '"wildcard %d"' % i)
        z.wildcards.append("w%d" % i)
    elif r < 0.95:
        d = "d%d" % i
        z.add(d, "NS", "ns1." + d)
        z.add(d, "NS", "ns2." + d)
        z.add("ns1." + d, "A", ip4(rng))
        z.add("ns2." + d, "A", ip4(rng))
        z.delegations.append(d)
    else:
        z.add("m%d" % i, "MX", "10 " + rng.choice(MX_HOSTS))
        z.mailonly.append("m%d" % i)


def build_zone(seed, origin, names=None, records=None):
    rng = random.Random(seed)
    z = Zone()
    add_apex(z, origin)
    i = 0
    while (names is not None and i < names) or (records is not None and z.records < records):
        add_name(z, rng, i)
        i += 1
    z.names = i
    return z


# One query: (qname, qtype, kind, rcode, ancount, aa, auth_ns)
def one_query(z, rng, kind, origin):
    if kind in ("a", "aaaa", "mx", "txt"):
        want = {"a": None, "aaaa": 2, "mx": 3, "txt": 4}[kind]
        pool = z.hosts if want is None else [h for h in z.hosts_with[kind]]
        h = rng.choice(pool)
        count = h[1] if kind == "a" else 1
        return (h[0] + "." + origin, kind.upper(), kind, "NOERROR", count, 1, 0)
    if kind == "cname":
        c = rng.choice(z.cnames)
        return (c[0] + "." + origin, "A", kind, "NOERROR", 1 + c[1], 1, 0)
    if kind == "wildcard":
        w = rng.choice(z.wildcards)
        return ("q%x.%s.%s" % (rng.getrandbits(24), w, origin), "A", kind, "NOERROR", 1, 1, 0)
    if kind == "nxdomain":
        return ("nx%x.%s" % (rng.getrandbits(32), origin), "A", kind, "NXDOMAIN", 0, 1, 0)
    if kind == "nxdomain_deep":
        h = rng.choice(z.hosts)
        return ("x%x.%s.%s" % (rng.getrandbits(16), h[0], origin), "A", kind, "NXDOMAIN", 0, 1, 0)
    if kind == "nodata":
        h = rng.choice(z.hosts)
        return (h[0] + "." + origin, "SRV", kind, "NOERROR", 0, 1, 0)
    if kind == "referral":
        d = rng.choice(z.delegations)
        return ("www.%s.%s" % (d, origin), "A", kind, "NOERROR", 0, 0, 2)
    raise ValueError(kind)


def build_queries(z, seed, count, origin):
    z.hosts_with = {
        "aaaa": [h for h in z.hosts if h[2]],
        "mx": [h for h in z.hosts if h[3]],
        "txt": [h for h in z.hosts if h[4]],
    }
    rng = random.Random(seed + 1)
    block = [kind for kind, n in MIX for _ in range(n)]
    out = []
    while len(out) < count:
        rng.shuffle(block)
        for kind in block:
            out.append(one_query(z, rng, kind, origin))
    return out[:count]


def write_all(outdir, z, queries, origin, meta):
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "zone"), "w") as f:
        f.write("$ORIGIN %s\n$TTL 3600\n" % origin)
        f.write("\n".join(z.lines))
        f.write("\n")
    with open(os.path.join(outdir, "queries.txt"), "w") as f:
        f.writelines("%s %s\n" % (q[0], q[1]) for q in queries)
    with open(os.path.join(outdir, "expect.tsv"), "w") as f:
        f.writelines("%s\t%s\t%s\t%s\t%d\t%d\t%d\n" % q for q in queries)
    with open(os.path.join(outdir, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1, sort_keys=True)


def read_expect(path, limit=None):
    """Reads an expect.tsv back: list of (qname, qtype, kind, rcode, ancount, aa, auth_ns)."""
    out = []
    with open(path) as f:
        for line in f:
            n, t, k, rc, an, aa, ns = line.rstrip("\n").split("\t")
            out.append((n, t, k, rc, int(an), int(aa), int(ns)))
            if limit is not None and len(out) >= limit:
                break
    return out


def generate(outdir, names=None, records=None, queries=10000, seed=1, origin=ORIGIN):
    """Generates into outdir unless meta.json there already matches; returns the meta dict."""
    meta = {"names": names, "records_target": records, "queries": queries,
            "seed": seed, "origin": origin, "mix": dict(MIX)}
    path = os.path.join(outdir, "meta.json")
    try:
        with open(path) as f:
            old = json.load(f)
        if {k: old.get(k) for k in meta} == meta:
            return old
    except (OSError, ValueError):
        pass
    z = build_zone(seed, origin, names, records)
    qs = build_queries(z, seed, queries, origin)
    meta.update({"owner_names": z.names, "records": z.records})
    write_all(outdir, z, qs, origin, meta)
    return meta


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--names", type=int, help="owner names to generate")
    ap.add_argument("--records", type=int, help="generate names until this many records")
    ap.add_argument("--queries", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--origin", default=ORIGIN)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    if (a.names is None) == (a.records is None):
        ap.error("give exactly one of --names, --records")
    meta = generate(a.out, a.names, a.records, a.queries, a.seed, a.origin)
    json.dump(meta, sys.stdout, indent=1, sort_keys=True)
    print()


if __name__ == "__main__":
    main()
