# SPDX-License-Identifier: MIT
"""The lab's client: queries the service address (v4 or v6, by the form of
ADDR) every INTERVAL ms from inside a client namespace and prints one JSON line per query when it is decided:

    {"seq": 7, "sent": 1234.567, "ms": 1.2, "nsid": "pop1", "serial": 2026112601}
    {"seq": 8, "sent": 1234.587, "ms": null}          # no answer within TIMEOUT

`sent` is CLOCK_MONOTONIC in seconds, the same clock in every namespace, so the
driver can put its events on the same time line.  One unconnected UDP socket:
an ICMP error from a node whose anynsd died is not reported to it, the query
simply goes unanswered, as for a real resolver with a short timeout.  An
answer that arrives after TIMEOUT counts as lost (a stopped anynsd that is
resumed answers its backlog late).

Usage: probe.py ADDR INTERVAL_MS TIMEOUT_MS [COUNT]  (runs until SIGTERM or COUNT)
"""
import json
import os
import select
import signal
import socket
import struct
import sys
import time

import dns.edns
import dns.message
import dns.rdatatype

QNAME = b"\x07example\x03com\x00"


def query_wire(qid):
    # Header (RD=0), one question example.com SOA IN, an OPT with an empty NSID option.
    head = struct.pack("!HHHHHH", qid, 0, 1, 0, 0, 1)
    opt = b"\x00" + struct.pack("!HHIH", 41, 1232, 0, 4) + struct.pack("!HH", 3, 0)
    return head + QNAME + struct.pack("!HH", 6, 1) + opt


def decode(wire):
    """(id, nsid, serial) of a reply, or None when it does not parse."""
    try:
        m = dns.message.from_wire(wire)
    except Exception:
        return None
    nsid = ""
    for o in m.options:
        if o.otype == dns.edns.NSID:
            nsid = (o.data if hasattr(o, "data") else o.nsid).decode(errors="replace")
    serial = None
    for rrset in m.answer:
        if rrset.rdtype == dns.rdatatype.SOA:
            serial = rrset[0].serial
    return m.id, nsid, serial


def emit(rec):
    sys.stdout.write(json.dumps(rec) + "\n")
    sys.stdout.flush()


def main():
    addr, interval, timeout = sys.argv[1], int(sys.argv[2]) / 1000, int(sys.argv[3]) / 1000
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    stop = []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET, socket.SOCK_DGRAM)
    s.setblocking(False)
    pending = {}                      # id -> (seq, sent)
    seq, next_send = 0, time.monotonic()
    while True:
        now = time.monotonic()
        if not stop and (not count or seq < count) and now >= next_send:
            qid = (seq * 7919 + os.getpid()) & 0xFFFF
            s.sendto(query_wire(qid), (addr, 53))
            pending[qid] = (seq, now)
            seq += 1
            next_send += interval
            if next_send < now:       # we were descheduled: do not burst
                next_send = now + interval
        for qid, (n, sent) in list(pending.items()):
            if now - sent > timeout:
                del pending[qid]
                emit({"seq": n, "sent": sent, "ms": None})
        if (stop or (count and seq >= count)) and not pending:
            return
        wait = max(0.0, min([next_send - now] + [sent + timeout - now
                                                  for _, sent in pending.values()]))
        if select.select([s], [], [], wait)[0]:
            recv_at = time.monotonic()
            while True:
                try:
                    wire = s.recv(4096)
                except BlockingIOError:
                    break
                d = decode(wire)
                if d and d[0] in pending:
                    n, sent = pending.pop(d[0])
                    if recv_at - sent <= timeout:
                        emit({"seq": n, "sent": sent, "ms": round((recv_at - sent) * 1000, 2),
                              "nsid": d[1], "serial": d[2]})
                    else:
                        emit({"seq": n, "sent": sent, "ms": None})


if __name__ == "__main__":
    main()
