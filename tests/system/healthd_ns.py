# SPDX-License-Identifier: MIT
"""A private network namespace for the healthd speaker tests (FRR, ExaBGP).

The test process itself enters the namespace (setns on its only thread) for
the duration of a test, so every child it starts (anynsd through the shared
fixture, the BGP daemons, anyns-healthd) lives there: loopback addresses
and the standard BGP port are ours alone, zebra's kernel routes and the tun
device stay inside, and nothing touches the host's routing. Leaving restores
the original namespace; `ip netns del` removes the name (the namespace goes
with its last process, which the tests stop by PID).
"""
import ctypes
import os
import random
import subprocess
import time
from contextlib import contextmanager

CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)


def _setns(fd):
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, "setns: " + os.strerror(err))


def can_make_namespaces():
    return os.geteuid() == 0 and os.path.exists("/dev/net/tun") and subprocess.run(
        ["ip", "netns", "list"], capture_output=True).returncode == 0


@contextmanager
def netns(prefix, addrs=()):
    """Makes namespace PREFIX<random>, enters it, puts `addrs` on its lo and
    yields its name."""
    name = "%s%d" % (prefix, random.randint(0, 99999))
    subprocess.run(["ip", "netns", "add", name], check=True, timeout=10)
    orig = os.open("/proc/self/ns/net", os.O_RDONLY | os.O_CLOEXEC)
    try:
        target = os.open("/run/netns/" + name, os.O_RDONLY | os.O_CLOEXEC)
        try:
            _setns(target)
        finally:
            os.close(target)
        subprocess.run(["ip", "link", "set", "lo", "up"], check=True, timeout=10)
        for a in addrs:
            subprocess.run(["ip", "addr", "add", a, "dev", "lo"], check=True, timeout=10)
        yield name
    finally:
        _setns(orig)
        os.close(orig)
        subprocess.run(["ip", "netns", "del", name], timeout=10)


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:            # a zombie is dead for us
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(") ")[1][0] != "Z"
    except (OSError, IndexError):
        return False


def stop_pid(pid, grace=5.0):
    """SIGTERM, then SIGKILL after `grace` seconds; for daemons that are not
    our children (they forked away), so poll instead of wait."""
    for sig in (15, 9):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            if not alive(pid):
                return
            time.sleep(0.02)


def read_pidfile(path, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            text = open(path).read().strip()
            if text:
                return int(text)
        except (OSError, ValueError):
            pass
        time.sleep(0.01)
    raise AssertionError("no pid in %s after %.0fs" % (path, timeout))
