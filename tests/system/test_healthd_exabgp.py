# SPDX-License-Identifier: MIT
"""anyns-healthd --exabgp: healthd as an ExaBGP API process. ExaBGP itself
is not installed here, so the test plays ExaBGP's side of the pipe: it reads
the API lines healthd writes on stdout and closes stdin as ExaBGP does when
it stops."""
import os
import select
import subprocess
import time

from conftest import BUILD

HEALTHD = BUILD / "anyns-healthd"
ZONE = """$ORIGIN example.com.
$TTL 3600
@ SOA ns1 hostmaster 1 7200 3600 1209600 300
@ NS ns1
ns1 A 192.0.2.53
"""


_pending = {}


def read_line(proc, timeout):
    """One line of healthd's stdout, read unbuffered (select() must see
    exactly what is still in the pipe)."""
    buf = _pending.setdefault(proc.pid, bytearray())
    deadline = time.monotonic() + timeout
    while b"\n" not in buf:
        left = deadline - time.monotonic()
        r, _, _ = select.select([proc.stdout], [], [], max(left, 0))
        assert r, "no API line from healthd within %.1fs" % timeout
        chunk = os.read(proc.stdout.fileno(), 4096)
        assert chunk, "healthd closed its stdout"
        buf += chunk
    line, _, rest = bytes(buf).partition(b"\n")
    buf[:] = rest
    return line.decode()


def test_exabgp_api_lines(anynsd, tmp_path):
    srv = anynsd(zones={"example.com.": ZONE})
    conf = tmp_path / "h.yaml"
    conf.write_text(
        'announce: { asn: 65001, prefixes: [ "203.0.113.0/24", "2001:db8:53::/48" ] }\n'
        "healthd: { control: %s }\n" % (tmp_path / "ctl") +
        "policy: { rise: 2, fall: 2, drain-time: 500ms }\n"
        "probe:\n  - { id: dns, type: dns, server: 127.0.0.1@%d, name: example.com,"
        " interval: 100ms, timeout: 100ms }\n" % srv.port)
    log = open(tmp_path / "healthd.log", "wb")
    p = subprocess.Popen([str(HEALTHD), "-c", str(conf), "--exabgp"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=log)
    try:
        # Withdraw first thing (a respawned process clears what it left).
        assert read_line(p, 3) == "withdraw route 203.0.113.0/24 next-hop self"
        assert read_line(p, 3) == "withdraw route 2001:db8:53::/48 next-hop self"
        assert read_line(p, 3) == "announce route 203.0.113.0/24 next-hop self"
        assert read_line(p, 1) == "announce route 2001:db8:53::/48 next-hop self"
        subprocess.run([str(HEALTHD), "ctl", "-s", str(tmp_path / "ctl"), "drain"],
                       check=True, capture_output=True, timeout=5)
        assert read_line(p, 3) == ("announce route 203.0.113.0/24 next-hop self "
                                   "community [65535:0]")
        read_line(p, 1)
        t0 = time.monotonic()
        assert read_line(p, 3) == "withdraw route 203.0.113.0/24 next-hop self"
        assert time.monotonic() - t0 > 0.3          # drain-time 500 ms
        read_line(p, 1)
        subprocess.run([str(HEALTHD), "ctl", "-s", str(tmp_path / "ctl"), "undrain"],
                       check=True, capture_output=True, timeout=5)
        assert read_line(p, 3) == "announce route 203.0.113.0/24 next-hop self"
        read_line(p, 1)
        t0 = time.monotonic()
        srv.proc.kill()
        assert read_line(p, 3) == "withdraw route 203.0.113.0/24 next-hop self"
        print("\nexabgp: withdraw line %.0f ms after anynsd SIGKILL"
              % ((time.monotonic() - t0) * 1000))
        read_line(p, 1)
        p.stdin.close()                               # ExaBGP went away
        assert p.wait(5) == 0
        assert b"exabgp, stdin closed" in (tmp_path / "healthd.log").read_bytes()
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
