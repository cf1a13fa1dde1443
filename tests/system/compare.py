# SPDX-License-Identifier: MIT
"""Sending one query to several servers and comparing their responses.

A response is reduced to a normal form that keeps what a resolver acts on and
drops what servers may legitimately choose differently:
- kept: rcode (extended rcode included), opcode, the flags QR AA TC RD RA CD AD,
  the question exactly as echoed (letter case included: RFC 1035 4.1.2 says
  the question is copied, and resolvers using 0x20 case randomisation rely on
  it), the answer, authority and additional sections as multisets of
  (owner, TTL, class, type, rdata) with owner and rdata lowercased (RFC 4343:
  names compare case-insensitively; servers may answer with the zone's case or
  the query's), and whether an OPT record came back, its version and DO bit.
- dropped: the message ID (checked separately), record order inside a section
  (RFC 2181 5: an RRset has no order), the OPT payload size the server
  advertises, and EDNS options other than NSID (compared by the NSID cases).

"No reply" (a timeout, or an answer that does not parse) is a normal form too,
so cases where a server must stay silent compare like any other.

The wire layer sends raw bytes, so tests can send malformed packets; it keeps
one UDP socket and one TCP connection per server, reconnecting TCP when the
server has closed it.
"""
import random
import socket
import struct

import dns.edns
import dns.exception
import dns.flags
import dns.message
import dns.opcode
import dns.rcode
import dns.rdataclass
import dns.rdatatype

FLAG_NAMES = ("QR", "AA", "TC", "RD", "RA", "CD", "AD")
NO_REPLY = "no reply"
TRUNCATED = "(truncated reply: sections not compared)"


class Wire:
    """Raw DNS exchanges with one server over UDP and TCP, sockets reused."""

    def __init__(self, addr, port):
        self.addr = addr
        self.port = port
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.connect((addr, port))
        self.tcp = None

    def close(self):
        self.udp.close()
        if self.tcp:
            self.tcp.close()
            self.tcp = None

    def exchange(self, wire, tcp=False, timeout=2.0):
        """Returns the reply bytes, or None when none came within timeout."""
        if tcp:
            return self._tcp_exchange(wire, timeout)
        return self._udp_exchange(wire, timeout)

    def _udp_exchange(self, wire, timeout):
        self._udp_drain()
        self.udp.settimeout(timeout)
        self.udp.send(wire)
        try:
            while True:
                reply = self.udp.recv(65535)
                # A late reply to an earlier query that timed out: skip it.
                if len(wire) < 2 or reply[:2] == wire[:2]:
                    return reply
        except (socket.timeout, ConnectionRefusedError):
            return None

    def _udp_drain(self):
        self.udp.setblocking(False)
        try:
            while True:
                self.udp.recv(65535)
        except (BlockingIOError, ConnectionRefusedError):
            pass
        self.udp.setblocking(True)

    def _tcp_exchange(self, wire, timeout):
        for attempt in (0, 1):
            if self.tcp is None:
                self.tcp = socket.create_connection((self.addr, self.port), timeout)
            self.tcp.settimeout(timeout)
            try:
                self.tcp.sendall(struct.pack("!H", len(wire)) + wire)
                head = self._recv_exact(2)
                if head is None:
                    raise ConnectionResetError("closed before reply")
                return self._recv_exact(struct.unpack("!H", head)[0])
            except socket.timeout:
                self._tcp_close()
                return None
            except OSError:
                # The server closed an idle connection: once more on a new one.
                self._tcp_close()
                if attempt:
                    return None
        return None

    def _recv_exact(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.tcp.recv(n - len(buf))
            if not chunk:
                return None
            buf += chunk
        return buf

    def _tcp_close(self):
        if self.tcp:
            self.tcp.close()
        self.tcp = None


def mix_case(name, seed):
    """The name with letters in a random but repeatable mixed case (0x20)."""
    rnd = random.Random(seed)
    return "".join(c.upper() if c.isalpha() and rnd.random() < 0.5 else c.lower()
                   for c in name)


def make_query(qname, qtype, edns=None, do=False, rdclass="IN", flags=None):
    """A query message; edns is None (no OPT) or the advertised payload size."""
    q = dns.message.make_query(qname, qtype, rdclass=rdclass)
    if edns is not None:
        q.use_edns(0, dns.flags.DO if do else 0, edns)
    if flags is not None:
        q.flags = flags
    return q


def _rr_lines(section):
    out = []
    for rrset in section:
        if rrset.rdtype == dns.rdatatype.OPT:
            continue
        owner = rrset.name.to_text().lower()
        cls = dns.rdataclass.to_text(rrset.rdclass)
        typ = dns.rdatatype.to_text(rrset.rdtype)
        for rd in rrset:
            out.append("%s %d %s %s %s" % (owner, rrset.ttl, cls, typ,
                                           rd.to_text().lower()))
    return sorted(out)


def _opcode_text(opcode):
    try:
        return dns.opcode.to_text(opcode)
    except ValueError:
        return "OPCODE%d" % opcode


def rcode_of(form):
    """The rcode text of a normal form, or the form itself ("no reply")."""
    return form["rcode"] if isinstance(form, dict) else form


def normalise(reply):
    """The normal form of reply bytes (dict), or NO_REPLY."""
    if reply is None:
        return NO_REPLY
    opcode = None
    if len(reply) >= 4:
        # dnspython refuses opcodes it has no name for (3, 6..15); the opcode
        # is read here and cleared so the rest of the message still parses.
        opcode = (reply[2] >> 3) & 0xF
        reply = reply[:2] + bytes([reply[2] & 0x87]) + reply[3:]
    try:
        m = dns.message.from_wire(reply, ignore_trailing=True)
    except (dns.exception.DNSException, ValueError, struct.error) as exc:
        return "unparsable reply (%s): %s" % (type(exc).__name__, reply[:64].hex())
    flags = [f for f in FLAG_NAMES if m.flags & getattr(dns.flags, f)]
    edns = None
    if m.edns >= 0:
        edns = "v%d%s" % (m.edns, " DO" if m.ednsflags & dns.flags.DO else "")
    sections = [_rr_lines(m.answer), _rr_lines(m.authority), _rr_lines(m.additional)]
    if m.flags & dns.flags.TC:
        # RFC 2181 9: a truncated reply's sections are not to be used; Knot
        # sends them empty, BIND partly filled. Only that TC is set counts.
        sections = [[TRUNCATED]] * 3
    return {
        "rcode": dns.rcode.to_text(m.rcode()),
        "opcode": _opcode_text(opcode),
        "flags": " ".join(flags),
        "question": [q.to_text() for q in m.question],
        "answer": sections[0],
        "authority": sections[1],
        "additional": sections[2],
        "edns": edns,
    }


def nsid_of(reply):
    """The NSID option's payload from reply bytes, or None."""
    if reply is None:
        return None
    m = dns.message.from_wire(reply, ignore_trailing=True)
    for opt in m.options:
        if opt.otype == dns.edns.NSID:
            return bytes(opt.data) if hasattr(opt, "data") else opt.to_wire()
    return None


def without_rdata(form):
    """The form with the answer's rdata masked (for answers that may name the
    server's software, such as version.bind)."""
    if not isinstance(form, dict):
        return form
    masked = dict(form)
    masked["answer"] = [" ".join(rr.split()[:4]) + " <rdata>" for rr in form["answer"]]
    return masked


def differing_keys(a, b):
    if not (isinstance(a, dict) and isinstance(b, dict)):
        return ["reply"]
    return [k for k in a if a[k] != b[k]]


def format_form(form):
    if not isinstance(form, dict):
        return "    " + str(form)
    lines = ["    %s %s [%s] edns=%s" % (form["opcode"], form["rcode"], form["flags"],
                                        form["edns"]),
             "    question: %s" % "; ".join(form["question"])]
    for sec in ("answer", "authority", "additional"):
        lines.append("    %s:%s" % (sec, "" if form[sec] else " (empty)"))
        lines += ["      " + rr for rr in form[sec]]
    return "\n".join(lines)


def diff_forms(forms):
    """Readable text of several servers' normal forms and where they differ.

    forms: ordered {server name: normal form}."""
    names = list(forms)
    out = []
    first = forms[names[0]]
    for name in names:
        out.append("%s:\n%s" % (name, format_form(forms[name])))
    if all(isinstance(f, dict) for f in forms.values()):
        for key in first:
            vals = {n: forms[n][key] for n in names}
            if len({repr(v) for v in vals.values()}) > 1:
                out.append("differs in %s:" % key)
                for n in names:
                    out.append("  %-6s %s" % (n, vals[n]))
    return "\n".join(out)


def assert_not_larger(raws, peers=("knot", "bind"), slack=0):
    """anynsd's reply (raw bytes by server name, None: no reply) is no larger
    than the larger of the peers' replies, plus `slack` bytes."""
    import pytest
    sizes = {n: len(r) for n, r in raws.items() if r is not None}
    if "anynsd" not in sizes or any(p not in sizes for p in peers):
        return
    ceiling = max(sizes[p] for p in peers) + slack
    if sizes["anynsd"] > ceiling:
        pytest.fail("anynsd's reply is %d bytes; %s" % (sizes["anynsd"], ", ".join(
            "%s's %d" % (p, sizes[p]) for p in peers)), pytrace=False)
