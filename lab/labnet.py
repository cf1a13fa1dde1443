# SPDX-License-Identifier: MIT
"""The anycast lab's network and processes: namespaces, veth links, addresses,
configuration files, and the launcher that starts, restarts and records every
process by PID.

Topology (all inside network namespaces named PREFIX-X, PREFIX default "anl"):

    c1      c2      c3          clients, 198.51.100.16i+2/28, default via their router
    |       |       |
    r1 ---- r2 ---- r3 ---- r1  transit routers, AS 6450i, eBGP triangle on 100.64.ij.0/30
    |       |       |
    n1      n2      n3          anycast nodes, AS 65001, 100.65.i.2/30 to their router,
     \      |      /            203.0.113.53/32 on lo, announcing 203.0.113.0/24
      `---- hp ---'             hidden primary: a veth to each node, 192.0.2.4(i-1)+1/30

Every link is dual-stack: the v6 twin of each v4 address is given by the
*6() helpers below (2001:db8::/32, documentation space; the management star
fd00:192::/32, ULA).  The service is 2001:db8:53::53 on each node's lo,
announced as 2001:db8:53::/48 (the longest prefix the global v6 table
accepts, as a /24 is for v4).  BGP runs one session per family on every
link (v4 over v4, v6 over v6), each with its own BFD on the node uplinks:
that is how transit providers and IXPs peer, each family's next hop is
native, and a fault in one family's forwarding (ND broken, a v6 filter) is
seen by that family's BFD instead of hiding behind a healthy v4 session.

Each node runs anynsd (identity popI), BIRD 2 (BFD 100 ms x 3 and short
reconnect timers on the session to its router) and anyns-healthd driving
that BIRD through its control socket.  Routers run BIRD 2 and install what
they learn into their kernel table.  The management star (hp) is a separate
unicast network: its routes never enter BGP.

Everything the lab makes is listed in WORK/state.json (namespaces and the PID
of each process under a role name such as "n1/anynsd"), so `down` removes it
by PID and by name.  Processes are started with `nsenter --net=/run/netns/X`
(it setns()es and execs: the PID we get is the program's PID) in their own
session, and double-forked so the kernel's init reaps them, not us.
"""
import base64
import json
import os
import signal
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = Path(os.environ.get("ANYNS_BUILD", ROOT / "build"))
NAME = os.environ.get("ANYNS_LAB_NAME", "anl")
WORK = Path(os.environ.get("ANYNS_LAB_DIR", "/run/anyns-lab" if NAME == "anl"
                           else "/run/anyns-lab-" + NAME))
STATE = WORK / "state.json"

NODES = (1, 2, 3)
NODE_ASN = 65001
PREFIX = "203.0.113.0/24"
SERVICE = "203.0.113.53"
PREFIX6 = "2001:db8:53::/48"
SERVICE6 = "2001:db8:53::53"
FAMILIES = (("v4", SERVICE), ("v6", SERVICE6))   # what the clients measure
ZONE = "example.com"
# Where the nodes get the zone from: "primary" (secondary of the hidden primary,
# IXFR/AXFR with TSIG, NOTIFY) or "file" (each node loads the same zone file).
# This is the one switch; node_anynsd_conf() is the only reader.
ZONE_SOURCE = os.environ.get("ANYNS_LAB_ZONE_SOURCE", "primary")


def ns(name):
    return "%s-%s" % (NAME, name)


def nspath(name):
    return "/run/netns/" + ns(name)


def router_asn(i):
    return 64500 + i


def transit(i, j):
    """Addresses of the r_i - r_j link (i < j): (r_i side, r_j side)."""
    return "100.64.%d%d.1" % (i, j), "100.64.%d%d.2" % (i, j)


def uplink(i):
    """Router and node side of the r_i - n_i link."""
    return "100.65.%d.1" % i, "100.65.%d.2" % i


def client_net(i):
    """Router and client side of the r_i - c_i link (/28)."""
    return "198.51.100.%d" % (16 * i + 1), "198.51.100.%d" % (16 * i + 2)


def mgmt(i):
    """Hidden primary and node side of the management link hp - n_i (/30)."""
    return "192.0.2.%d" % (4 * (i - 1) + 1), "192.0.2.%d" % (4 * (i - 1) + 2)


def transit6(i, j):
    return "2001:db8:64:%d%d::1" % (i, j), "2001:db8:64:%d%d::2" % (i, j)


def uplink6(i):
    return "2001:db8:65:%d::1" % i, "2001:db8:65:%d::2" % i


def client_net6(i):
    return "2001:db8:100:%d::1" % i, "2001:db8:100:%d::2" % i


def mgmt6(i):
    return "fd00:192:0:%d::1" % i, "fd00:192:0:%d::2" % i


def run(*cmd, check=True):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    if check and r.returncode != 0:
        raise RuntimeError("%s: %s" % (" ".join(cmd), r.stderr.strip()))
    return r


def in_ns(name, *cmd, check=True):
    return run("nsenter", "--net=" + nspath(name), *cmd, check=check)


# ---------------------------------------------------------------- state file

def load_state():
    if not STATE.exists():
        return None
    return json.loads(STATE.read_text())


def save_state(st):
    WORK.mkdir(parents=True, exist_ok=True)
    tmp = STATE.with_suffix(".tmp")
    tmp.write_text(json.dumps(st, indent=1, sort_keys=True))
    os.replace(tmp, STATE)


# ---------------------------------------------------------------- network

def make_ns(st, name):
    run("ip", "netns", "add", ns(name))
    st["namespaces"].append(ns(name))
    save_state(st)
    in_ns(name, "ip", "link", "set", "lo", "up")
    router = name.startswith("r")
    for key, val in (("net.ipv4.conf.all.rp_filter", 0), ("net.ipv4.conf.default.rp_filter", 0),
                     ("net.ipv4.ip_forward", 1 if router else 0),
                     ("net.ipv6.conf.all.forwarding", 1 if router else 0),
                     ("net.ipv6.conf.default.accept_ra", 0)):
        in_ns(name, "sysctl", "-qw", "%s=%d" % (key, val))


def link(a, a_if, b, b_if, v4, v6, plen):
    """A veth a:a_if <-> b:b_if with v4 = (a side, b side) in a /plen and
    v6 = (a side, b side) in a /64.  nodad: a tentative address cannot be
    bound, and nothing else on these links could hold it."""
    run("ip", "-n", ns(a), "link", "add", a_if, "type", "veth", "peer", "name", b_if,
        "netns", ns(b))
    for n, ifname, addr, addr6 in ((a, a_if, v4[0], v6[0]), (b, b_if, v4[1], v6[1])):
        run("ip", "-n", ns(n), "addr", "add", "%s/%d" % (addr, plen), "dev", ifname)
        run("ip", "-n", ns(n), "-6", "addr", "add", addr6 + "/64", "dev", ifname, "nodad")
        run("ip", "-n", ns(n), "link", "set", "dev", ifname, "up")


def build_network(st):
    for name in ["hp"] + ["%s%d" % (k, i) for k in "rnc" for i in NODES]:
        make_ns(st, name)
    for i in NODES:
        for j in NODES:
            if i < j:
                link("r%d" % i, "r%d" % j, "r%d" % j, "r%d" % i, transit(i, j),
                     transit6(i, j), 30)
        link("r%d" % i, "n%d" % i, "n%d" % i, "up", uplink(i), uplink6(i), 30)
        link("r%d" % i, "c%d" % i, "c%d" % i, "up", client_net(i), client_net6(i), 28)
        link("hp", "n%d" % i, "n%d" % i, "mgmt", mgmt(i), mgmt6(i), 30)
        node, client = ns("n%d" % i), ns("c%d" % i)
        run("ip", "-n", node, "addr", "add", SERVICE + "/32", "dev", "lo")
        run("ip", "-n", node, "-6", "addr", "add", SERVICE6 + "/128", "dev", "lo")
        run("ip", "-n", node, "route", "add", "default", "via", uplink(i)[0])
        run("ip", "-n", node, "-6", "route", "add", "default", "via", uplink6(i)[0])
        # The local tables move behind pref 5, where silence() puts blackhole rules.
        for fam in ("-4", "-6"):
            run("ip", "-n", node, fam, "rule", "add", "pref", "10", "lookup", "local")
            run("ip", "-n", node, fam, "rule", "del", "pref", "0", "lookup", "local")
        run("ip", "-n", client, "route", "add", "default", "via", client_net(i)[0])
        run("ip", "-n", client, "-6", "route", "add", "default", "via", client_net6(i)[0])


def silence(node, on):
    """Makes a node silent (or speak again) without touching its links, as
    when a machine hangs or loses power behind a switch: the carrier stays
    up and only BFD (or the BGP hold timer) tells the router.

    Two pieces, because neither alone silences a node on these kernels (no
    netfilter, no tc classifiers): a blackhole rule before every table drops
    what the node receives before any socket sees it (no TCP RST, no ICMP);
    and a permanent neighbour entry gives the router's address a MAC nobody
    has, so whatever still leaves the node (BIRD's BFD packets get past the
    rule) is dropped by the router's interface as addressed to another host.
    A node whose BFD keeps talking while it hears nothing is not silent:
    the router's session went Up -> Down -> Init within a millisecond and
    BIRD 2.0.12 then misses the Down, keeping the dead node's route.

    Both families: each has its own rule table and neighbour table, and its
    own BGP session with its own BFD (v6 BFD packets leave towards the
    router's global v6 address, the session's neighbor)."""
    i = int(node[1:])
    for fam, router in (("-4", uplink(i)[0]), ("-6", uplink6(i)[0])):
        if on:
            run("ip", "-n", ns(node), fam, "rule", "add", "pref", "5", "blackhole")
            run("ip", "-n", ns(node), fam, "neigh", "replace", router, "lladdr", SILENT_MAC,
                "dev", "up", "nud", "permanent")
        else:
            run("ip", "-n", ns(node), fam, "neigh", "del", router, "dev", "up", check=False)
            run("ip", "-n", ns(node), fam, "rule", "del", "pref", "5", "blackhole",
                check=False)


SILENT_MAC = "02:00:5e:00:53:00"    # locally administered, on no interface of the lab


# ---------------------------------------------------------------- configs

def zone_text(serial):
    return "\n".join([
        "$ORIGIN %s." % ZONE, "$TTL 300",
        "@ SOA ns1 hostmaster %d 60 10 600 60" % serial,
        "@ NS ns1", "ns1 A %s" % SERVICE, "www A 192.0.2.80", ""])


def hp_anynsd_conf(d, secret):
    listen = ", ".join('"%s@53"' % mgmt(i)[0] for i in NODES)
    remotes = "".join('  - { id: n%d, address: "%s@53", key: xfr }\n' % (i, mgmt(i)[1])
                      for i in NODES)
    return ("server: { listen: [ %s ], identity: hidden, workers: 1, storage: \"%s\" }\n"
            % (listen, d / "storage") +
            'key:\n  - { id: xfr, algorithm: hmac-sha256, secret: "%s" }\n' % secret +
            "remote:\n" + remotes +
            "acl:\n  - { id: nodes, address: 192.0.2.0/24, key: xfr, action: transfer }\n"
            "zone:\n  - domain: %s\n    file: \"%s\"\n    acl: nodes\n"
            "    notify: [ n1, n2, n3 ]\n" % (ZONE, d / "zone"))


def node_anynsd_conf(i, d, hp_dir, secret):
    head = ('server:\n  listen: [ "%s@53", "%s@53", "%s@53", "127.0.0.1@53" ]\n'
            '  identity: pop%d\n  workers: 1\n  storage: "%s"\n  pidfile: "%s"\n'
            % (SERVICE, SERVICE6, mgmt(i)[1], i, d / "storage", d / "anynsd.pid"))
    if ZONE_SOURCE == "file":
        return head + 'zone:\n  - domain: %s\n    file: "%s"\n' % (ZONE, hp_dir / "zone")
    return (head +
            'key:\n  - { id: xfr, algorithm: hmac-sha256, secret: "%s" }\n' % secret +
            'remote:\n  - { id: hidden, address: "%s@53", key: xfr }\n' % mgmt(i)[0] +
            "acl:\n  - { id: hidden, address: %s, key: xfr, action: notify }\n" % mgmt(i)[0] +
            "zone:\n  - domain: %s\n    primary: hidden\n    acl: hidden\n" % ZONE)


BGP_TIMERS = "connect delay time 1; connect retry time 1; error wait time 1, 2;"


def bird_log(where):
    return 'log "%s" { trace, info, remote, warning, error, auth, fatal, bug };\n' % (
        WORK / where / "bird.log")


def router_bird_conf(i):
    """Per family (suffix "" for v4, "6" for v6): a BGP session to each other
    router, one to the node (with BFD), and a kernel protocol."""
    peers = []
    for j in NODES:
        if j == i:
            continue
        for fam, addrs in (("", transit), ("6", transit6)):
            mine, theirs = addrs(min(i, j), max(i, j))
            if i > j:
                mine, theirs = theirs, mine
            peers.append("protocol bgp r%d%s {\n  local %s as %d; neighbor %s as %d;\n  %s\n"
                         "  ipv%s { import all; export where source ~ [ RTS_BGP, RTS_DEVICE ]; };"
                         "\n}\n" % (j, fam, mine, router_asn(i), theirs, router_asn(j),
                                     BGP_TIMERS, fam or "4"))
    for fam, (r, n) in (("", uplink(i)), ("6", uplink6(i))):
        peers.append("protocol bgp node%s {\n  debug { states, events };\n"
                     "  local %s as %d; neighbor %s as %d;\n  bfd on; %s\n"
                     "  ipv%s { import all; export none; };\n}\n"
                     % (fam, r, router_asn(i), n, NODE_ASN, BGP_TIMERS, fam or "4"))
    return (bird_log("r%d" % i) + "router id 100.127.0.%d;\n" % i +
            "protocol device { scan time 10; }\n"
            'protocol direct { ipv4; ipv6; interface "c%d"; }\n' % i +
            "protocol kernel { ipv4 { export where source = RTS_BGP; }; }\n"
            "protocol kernel { ipv6 { export where source = RTS_BGP; }; }\n"
            'protocol bfd { debug { states, events }; interface "n%d" { interval 100 ms; '
            'multiplier 3; }; }\n' % i +
            "".join(peers))


def node_bird_conf(i):
    """A static protocol per family for the service and for the drain (a BIRD
    static protocol has one channel); healthd switches each pair with the
    patterns anyns_service* and anyns_drain*.  One BGP session per family."""
    out = [bird_log("n%d" % i) + "router id 100.127.1.%d;\n" % i +
           "protocol device { scan time 10; }\n"
           "# Off until anyns-healthd enables them; the next hop is healthd's tun.\n"
           'protocol bfd { debug { states, events }; interface "up" { interval 100 ms; '
           'multiplier 3; }; }\n']
    for fam, prefix, (r, n) in (("4", PREFIX, uplink(i)), ("6", PREFIX6, uplink6(i))):
        out.append(
            'protocol static anyns_service%s { disabled; ipv%s; route %s via "anyns0"; }\n'
            % (fam, fam, prefix) +
            'protocol static anyns_drain%s { disabled; ipv%s;\n  route %s via "anyns0" '
            "{ bgp_community.add((65535, 0)); }; }\n" % (fam, fam, prefix) +
            "protocol bgp upstream%s {\n  debug { states, events };\n"
            "  local %s as %d; neighbor %s as %d;\n  bfd on; %s\n"
            "  ipv%s { import none;\n"
            '    export where proto = "anyns_service%s" || proto = "anyns_drain%s"; };\n}\n'
            % (fam, n, NODE_ASN, r, router_asn(i), BGP_TIMERS, fam, fam, fam))
    return "".join(out)


def node_frr_conf(i):
    """FRRouting instead of BIRD on a node (`up --speaker frr`): healthd adds and
    removes `network` through vtysh; with `bgp network import-check` the
    network is announced only while the static route via healthd's tun exists."""
    r, _ = uplink(i)
    r6, _ = uplink6(i)
    return ("ip route %s anyns0\n" % PREFIX + "ipv6 route %s anyns0\n" % PREFIX6 +
            "route-map ANYNS-GSHUT permit 10\n set community 65535:0 additive\nexit\n"
            "route-map NONE deny 10\nexit\n"
            "bfd\n profile fast\n  transmit-interval 100\n  receive-interval 100\n"
            "  detect-multiplier 3\n exit\nexit\n"
            "router bgp %d\n bgp router-id 100.127.1.%d\n" % (NODE_ASN, i) +
            " no bgp ebgp-requires-policy\n bgp network import-check\n"
            " neighbor %s remote-as %d\n neighbor %s bfd profile fast\n"
            " neighbor %s timers connect 1\n" % (r, router_asn(i), r, r) +
            " neighbor %s remote-as %d\n neighbor %s bfd profile fast\n"
            " neighbor %s timers connect 1\n" % (r6, router_asn(i), r6, r6) +
            " address-family ipv4 unicast\n  neighbor %s route-map NONE in\n" % r +
            "  no neighbor %s activate\n" % r6 +
            " exit-address-family\n"
            " address-family ipv6 unicast\n  neighbor %s activate\n" % r6 +
            "  neighbor %s route-map NONE in\n exit-address-family\nexit\n" % r6)


def frr_dirs(where):
    """FRR's per-instance paths (-N pathspace): runtime sockets and vtysh.conf."""
    return Path("/var/run/frr") / ns(where), Path("/etc/frr") / ns(where)


def speaker_conf(where, d, speaker):
    if speaker == "frr":
        return ("speaker: { type: frr, vtysh: \"%s\", route-map: ANYNS-GSHUT,\n"
                "           timeout: 2s, retry: 500ms, refresh: 1s }\n" % (d / "vtysh"))
    return ("speaker: { type: bird, socket: \"%s\", protocol: \"anyns_service*\",\n"
            "           drain-protocol: \"anyns_drain*\", timeout: 300ms, retry: 200ms,"
            " refresh: 1s }\n" % (d / "bird.ctl"))


def healthd_conf(i, d, speaker="bird"):
    return (
        'announce: { asn: %d, prefixes: [ "%s", "%s" ] }\n' % (NODE_ASN, PREFIX, PREFIX6) +
        speaker_conf("n%d" % i, d, speaker) +
        "healthd: { control: \"%s\", metrics: 127.0.0.1@9154, tun: anyns0, identity: pop%d }\n"
        % (d / "healthd.ctl", i) +
        "policy: { rise: 2, fall: 2, hold-down: 500ms, hold-down-max: 2s,\n"
        "          hold-down-decay: 10s, drain-time: 2s }\n"
        "probe:\n"
        "  - { id: dns, type: dns, server: 127.0.0.1@53, name: %s, qtype: SOA,\n"
        "      interval: 100ms, timeout: 100ms }\n" % ZONE +
        "  - { id: dns6, type: dns, server: \"%s@53\", name: %s, qtype: SOA,\n"
        "      interval: 100ms, timeout: 100ms }\n" % (SERVICE6, ZONE) +
        "  - { id: zone, type: zone, server: 127.0.0.1@53, name: %s, primary: \"%s@53\",\n"
        "      max-serial-lag: 0, interval: 1s, timeout: 500ms }\n" % (ZONE, mgmt(i)[0]) +
        "  - { id: anynsd, type: process, pidfile: \"%s\", interval: 200ms, timeout: 100ms }\n"
        % (d / "anynsd.pid"))


def write_configs(st):
    secret = base64.b64encode(os.urandom(32)).decode()
    hp = WORK / "hp"
    (hp / "storage").mkdir(parents=True, exist_ok=True)
    (hp / "zone").write_text(zone_text(st.setdefault("serial", 2026112601)))
    (hp / "anynsd.yaml").write_text(hp_anynsd_conf(hp, secret))
    for i in NODES:
        d = WORK / ("n%d" % i)
        (d / "storage").mkdir(parents=True, exist_ok=True)
        (d / "anynsd.yaml").write_text(node_anynsd_conf(i, d, hp, secret))
        speaker = st.get("speakers", {}).get("n%d" % i, "bird")
        if speaker == "frr":
            (d / "frr.conf").write_text(node_frr_conf(i))
            (d / "vtysh").write_text("#!/bin/sh\nexec /usr/bin/vtysh -N %s \"$@\"\n"
                                     % ns("n%d" % i))
            (d / "vtysh").chmod(0o755)
        else:
            (d / "bird.conf").write_text(node_bird_conf(i))
        (d / "healthd.yaml").write_text(healthd_conf(i, d, speaker))
        r = WORK / ("r%d" % i)
        r.mkdir(parents=True, exist_ok=True)
        (r / "bird.conf").write_text(router_bird_conf(i))


# ---------------------------------------------------------------- processes

def spawn(nsname, argv, log):
    """Starts argv in namespace nsname, detached (own session, reaped by init);
    returns its PID."""
    rfd, wfd = os.pipe()
    child = os.fork()
    if child == 0:
        try:
            os.close(rfd)
            os.setsid()
            with open(log, "ab") as err:
                p = subprocess.Popen(["nsenter", "--net=" + nspath(nsname), *argv],
                                     stdin=subprocess.DEVNULL, stdout=err, stderr=err)
            os.write(wfd, str(p.pid).encode())
        finally:
            os._exit(0)
    os.close(wfd)
    with os.fdopen(rfd) as f:
        pid = int(f.read() or 0)
    os.waitpid(child, 0)
    if not pid:
        raise RuntimeError("could not start %s" % argv[0])
    return pid


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:      # a zombie is dead for us
        return Path("/proc/%d/stat" % pid).read_text().split(") ")[1][0] != "Z"
    except (OSError, IndexError):
        return False


def record(st, role, pid):
    st["pids"][role] = pid
    save_state(st)


def start_anynsd(st, where):
    d = WORK / where
    pid = spawn(where, [str(BUILD / "anynsd"), "-c", str(d / "anynsd.yaml")], d / "anynsd.log")
    record(st, where + "/anynsd", pid)   # nN/anynsd.pid is anynsd's own (server.pidfile)
    return pid


def start_bird(st, where):
    d = WORK / where
    pidfile = d / "bird.pid"
    pidfile.unlink(missing_ok=True)
    in_ns(where, "bird", "-c", str(d / "bird.conf"), "-s", str(d / "bird.ctl"),
          "-P", str(pidfile))
    for _ in range(200):          # BIRD writes its pidfile after it forks
        text = pidfile.read_text().strip() if pidfile.exists() else ""
        if text:
            break
        time.sleep(0.01)
    record(st, where + "/bird", int(text))
    return int(text)


FRR_DAEMONS = ("zebra", "staticd", "bfdd", "bgpd")


def start_frr(st, where):
    """zebra, staticd, bfdd and bgpd in the node's namespace (pathspace NS),
    then the configuration through vtysh."""
    d = WORK / where
    run_dir, etc_dir = frr_dirs(where)
    for path in (run_dir, etc_dir):
        path.mkdir(parents=True, exist_ok=True)
        if str(path) not in st.setdefault("paths", []):
            st["paths"].append(str(path))
    (etc_dir / "vtysh.conf").touch()
    run("chown", "frr:frr", str(run_dir), check=False)
    for daemon in FRR_DAEMONS:
        pidfile = run_dir / (daemon + ".pid")
        pidfile.unlink(missing_ok=True)
        in_ns(where, "/usr/lib/frr/" + daemon, "-d", "-N", ns(where), "-f", "/dev/null",
              "-i", str(pidfile), "-P", "0", "--log", "file:%s" % (d / "frr.log"))
        for _ in range(200):
            text = pidfile.read_text().strip() if pidfile.exists() else ""
            if text:
                break
            time.sleep(0.01)
        record(st, "%s/%s" % (where, daemon), int(text))
    run(str(d / "vtysh"), "-f", str(d / "frr.conf"))


def start_speaker(st, where):
    if st.get("speakers", {}).get(where, "bird") == "frr":
        return start_frr(st, where)
    return start_bird(st, where)


def start_healthd(st, where):
    d = WORK / where
    pid = spawn(where, [str(BUILD / "anyns-healthd"), "-c", str(d / "healthd.yaml")],
                d / "healthd.log")
    record(st, where + "/healthd", pid)
    return pid


def start_all(st):
    start_anynsd(st, "hp")
    for i in NODES:
        start_bird(st, "r%d" % i)
    for i in NODES:
        n = "n%d" % i
        start_anynsd(st, n)
        start_speaker(st, n)
        start_healthd(st, n)


def kill(pid, sig=signal.SIGKILL):
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def stop_pid(pid, grace=1.0):
    """SIGCONT (a stopped process cannot exit), SIGTERM, then SIGKILL."""
    kill(pid, signal.SIGCONT)
    kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    if alive(pid):
        kill(pid, signal.SIGKILL)


def ns_pids(name):
    r = run("ip", "netns", "pids", name, check=False)
    return [int(x) for x in r.stdout.split()]


# ---------------------------------------------------------------- queries

def query(where, addr=SERVICE, count=3, interval=50, timeout=300):
    """Runs lab/probe.py for `count` queries inside namespace `where`."""
    r = in_ns(where, "/usr/bin/python3", str(ROOT / "lab" / "probe.py"), addr,
              str(interval), str(timeout), str(count), check=False)
    return [json.loads(x) for x in r.stdout.splitlines() if x.strip()]


def answer(where, addr=SERVICE):
    """The last answered record of a few queries ({} when none answered)."""
    got = [r for r in sorted(query(where, addr), key=lambda r: r["seq"]) if r["ms"] is not None]
    return got[-1] if got else {}


def catchment(client, addr=SERVICE):
    return answer(client, addr).get("nsid")


def bfd_up(i):
    """Whether router i's BFD sessions to its node (v4 and v6) are both Up
    (else a silent node would only be noticed by the BGP hold timer)."""
    r = run("birdc", "-s", str(WORK / ("r%d" % i) / "bird.ctl"), "show", "bfd", "sessions",
            check=False)
    up = {line.split()[0] for line in r.stdout.splitlines() if " Up " in line}
    return {uplink(i)[1], uplink6(i)[1]} <= up


def healthd_ctl(node, *args):
    r = run(str(BUILD / "anyns-healthd"), "ctl", "-s", str(WORK / node / "healthd.ctl"), *args,
            check=False)
    return r.stdout if r.returncode == 0 else None


def healthd_status(node):
    out = healthd_ctl(node, "--json", "status")
    try:
        return json.loads(out) if out else None
    except ValueError:
        return None


def healthd_metric(node, name):
    out = healthd_ctl(node, "metrics") or ""
    for line in out.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            return int(float(line.split()[-1]))
    return None
