#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Captures real BIND 9.18 transfer streams as fixtures for test_interop.c.

named runs on 127.0.0.1 as a primary with `ixfr-from-differences yes` and
`transfer-format one-answer` (one RR per message: the stream's message
boundaries must decide nothing). Version 1 of example.com is captured by
AXFR; versions 2 and 3 are loaded with SIGHUP; then IXFR from serial 1.
Same framing as capture_knot.py. Rerun: /usr/bin/python3 capture_bind.py
"""
import os, shutil, signal, socket, subprocess, sys, tempfile, time

import capture_knot as ck

HERE = os.path.dirname(os.path.abspath(__file__))


def version(serial):
    text = ck.version(serial)
    # A small zone: one RR per message makes every RR a message.
    return "\n".join(l for l in text.splitlines()
                     if not l.startswith("h") or int(l.split()[0][1:]) < 40) + "\n"


def main():
    ck.PORT = 54000 + os.getpid() % 1000
    tmp = tempfile.mkdtemp(prefix="bind-xfr-")
    zf = os.path.join(tmp, "example.com.zone")
    conf = os.path.join(tmp, "named.conf")
    with open(conf, "w") as f:
        f.write(f"""options {{
    directory "{tmp}";
    pid-file "{tmp}/named.pid";
    listen-on port {ck.PORT} {{ 127.0.0.1; }};
    listen-on-v6 {{ none; }};
    recursion no;
    allow-transfer {{ any; }};
    ixfr-from-differences yes;
    transfer-format one-answer;
}};
zone "example.com" {{ type primary; file "{zf}"; }};
""")
    with open(zf, "w") as f:
        f.write(version(1))
    shutil.copy(zf, os.path.join(HERE, "bind_v1.zone"))
    log = open(os.path.join(tmp, "named.log"), "w")
    named = subprocess.Popen(["named", "-g", "-c", conf], stdout=log, stderr=log)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", ck.PORT), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        time.sleep(0.5)
        with open(os.path.join(HERE, "bind_axfr_v1.bin"), "wb") as f:
            f.write(ck.query("AXFR"))
        for serial in (2, 3):
            time.sleep(1.1)   # a newer mtime than the last load
            with open(zf, "w") as f:
                f.write(version(serial))
            named.send_signal(signal.SIGHUP)
            time.sleep(1.5)
        shutil.copy(zf, os.path.join(HERE, "bind_v3.zone"))
        with open(os.path.join(HERE, "bind_ixfr_v1_v3.bin"), "wb") as f:
            f.write(ck.query("IXFR", 1))
    finally:
        named.terminate()
        named.wait(timeout=10)
        if os.environ.get("KEEP"):
            print(open(os.path.join(tmp, "named.log")).read())
        shutil.rmtree(tmp)


if __name__ == "__main__":
    sys.exit(main())
