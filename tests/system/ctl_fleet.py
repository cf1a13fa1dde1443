# SPDX-License-Identifier: MIT
"""A hidden primary and one secondary node, both anynsd, each with a control
socket and a metrics endpoint: shared by test_ctl.py and test_metrics.py."""
import json
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import dns.message
import dns.query

from conftest import ANYNS, free_port

SECRET = "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0"
ZONE = "example.com."


def zone_text(serial, hosts=3):
    lines = ["$ORIGIN example.com.", "$TTL 300",
             "@ SOA ns1 host %d 3600 600 86400 60" % serial, "@ NS ns1", "ns1 A 192.0.2.1"]
    lines += ["h%d A 10.0.0.%d" % (i, i) for i in range(hosts)]
    return "\n".join(lines) + "\n"


def server_lines(d, port, mport, sock):
    return ["server:", '  listen: "127.0.0.1@%d"' % port, "  workers: 2",
            '  storage: "%s"' % (d / "storage"), '  control: "%s"' % sock,
            '  metrics: "127.0.0.1@%d"' % mport, '  pidfile: "%s"' % (d / "anynsd.pid"),
            "key:", '  - { id: xfr, algorithm: hmac-sha256, secret: "%s" }' % SECRET]


def primary_conf(d, port, mport, sock, zone_path, node_port):
    return "\n".join(server_lines(d, port, mport, sock) + [
        "remote:", '  - { id: n0, address: "127.0.0.1@%d", key: xfr }' % node_port,
        "acl:", "  - { id: nodes, address: 127.0.0.0/8, key: xfr, action: transfer }",
        "zone:", "  - domain: example.com", '    file: "%s"' % zone_path,
        "    acl: nodes", "    notify: n0",
        "  - domain: other.test", '    file: "%s"' % (d / "other.zone"),
    ]) + "\n"


def node_conf(d, port, mport, sock, pport):
    return "\n".join(server_lines(d, port, mport, sock) + [
        "remote:", '  - { id: hidden, address: "127.0.0.1@%d", key: xfr }' % pport,
        "acl:", "  - { id: prim, address: 127.0.0.1, key: xfr, action: notify }",
        "zone:", "  - domain: example.com", "    primary: hidden", "    acl: prim",
    ]) + "\n"


OTHER = """$ORIGIN other.test.
$TTL 300
@ SOA ns1 host 7 3600 600 86400 60
@ NS ns1
ns1 A 192.0.2.9
"""


def serial_of(port):
    try:
        r = dns.query.udp(dns.message.make_query(ZONE, "SOA"), "127.0.0.1", port=port,
                          timeout=0.5)
        return r.answer[0][0].serial if r.answer else None
    except Exception:
        return None


def wait_for(pred, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(0.1)
    return pred()


class Fleet:
    def __init__(self, anynsd, tmp_path):
        self.pport, self.nport = free_port(), free_port()
        self.pmport, self.nmport = free_port(), free_port()
        pdir = tmp_path / "p"
        pdir.mkdir()
        (pdir / "storage").mkdir()
        (pdir / "other.zone").write_text(OTHER)
        self.zone_path = pdir / "example.com.zone"
        self.zone_path.write_text(zone_text(10))
        ndir = tmp_path / "n"
        ndir.mkdir()
        (ndir / "storage").mkdir()
        # Unix socket paths are short (108 bytes): not under tmp_path.
        self.sockdir = Path(tempfile.mkdtemp(prefix="anyns-ctl-"))
        self.psock, self.nsock = self.sockdir / "p.sock", self.sockdir / "n.sock"
        self.pdir, self.ndir = pdir, ndir
        self.primary = anynsd(config=primary_conf(pdir, self.pport, self.pmport, self.psock,
                                                  self.zone_path, self.nport),
                              port=self.pport)
        self.node = anynsd(config=node_conf(ndir, self.nport, self.nmport, self.nsock,
                                            self.pport),
                           port=self.nport)
        assert wait_for(lambda: serial_of(self.nport) == 10), "node never got serial 10"

    def sock(self, srv):
        return self.psock if srv is self.primary else self.nsock

    def ctl(self, srv, *args, json_out=False):
        return ctl(self.sock(srv), *args, json_out=json_out)

    def cleanup(self):
        shutil.rmtree(self.sockdir, ignore_errors=True)

    def metrics(self, srv):
        port = self.pmport if srv is self.primary else self.nmport
        return scrape(port)


def ctl(sock, *args, json_out=False):
    argv = [str(ANYNS), "ctl", "-s", str(sock)] + (["--json"] if json_out else []) + list(args)
    p = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    if json_out and p.stdout.strip():
        return p.returncode, json.loads(p.stdout), p.stderr
    return p.returncode, p.stdout, p.stderr


def scrape(port, path="/metrics"):
    with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=5) as r:
        return r.read().decode()
