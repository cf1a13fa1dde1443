/* SPDX-License-Identifier: MIT */
/*
 * DOC: the DNS probe
 *
 * One query per interval to the local anynsd over a connected UDP socket,
 * read without blocking from the event loop. Connected, because the kernel
 * then reports an ICMP port unreachable on the socket itself (ECONNREFUSED
 * on the next send or recv): a dead or restarting anynsd is known in one
 * round trip, not after `fall` timeouts — and no `dig` is forked, which
 * flaps under CPU load. A reply counts only if it answers our query (id,
 * QR, question: RFC 5452 section 9.1); then the rcode and, if configured,
 * one answer record's rdata text must match.
 */
#include "healthd/probe.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/base/wire.h"
#include "lib/name/name.h"
#include "lib/wire/rdata.h"

#define DNS_HDR 12
#define TYPE_SOA 6

uint16_t hd_dns_id(void)
{
	uint16_t id;
	if (getrandom(&id, sizeof(id), GRND_NONBLOCK) != sizeof(id))
		id = (uint16_t)(hd_now_ms() * 2654435761u >> 7);
	return id;
}

int hd_dns_build(uint8_t *buf, size_t size, uint16_t id, const uint8_t *qname,
		 uint16_t qtype)
{
	struct ans_wire w = ans_wire_init(buf, size);
	size_t nlen = ans_name_len(qname);
	ans_wire_write_u16(&w, id);
	ans_wire_write_u16(&w, 0);       /* opcode QUERY, RD clear: authoritative */
	ans_wire_write_u16(&w, 1);
	ans_wire_write_u16(&w, 0);
	ans_wire_write_u16(&w, 0);
	ans_wire_write_u16(&w, 0);
	ans_wire_write_bytes(&w, qname, nlen);
	ans_wire_write_u16(&w, qtype);
	ans_wire_write_u16(&w, 1);       /* IN */
	return w.err ? ANS_ESPACE : (int)w.pos;
}

static bool text_equal(const char *a, const char *b)
{
	/* Names in rdata print absolute; accept the expectation with or
	 * without the final dot. */
	size_t la = strlen(a), lb = strlen(b);
	if (la == lb + 1 && a[la - 1] == '.')
		la--;
	return la == lb && strncasecmp(a, b, la) == 0;
}

static int check_answer(const uint8_t *msg, size_t len, size_t *pos, uint16_t qtype,
			const char *expect, struct hd_dns_reply *out)
{
	uint8_t owner[ANS_NAME_MAX], rdata[65535];
	size_t olen, rlen;
	if (ans_name_parse(msg, len, pos, owner, &olen) != ANS_OK || len - *pos < 10)
		return ANS_EMALF;
	uint16_t type = ans_get_u16(msg + *pos);
	uint16_t rdlen = ans_get_u16(msg + *pos + 8);
	*pos += 10;
	if (len - *pos < rdlen)
		return ANS_EMALF;
	size_t rpos = *pos;
	*pos += rdlen;
	if (type != qtype && type != TYPE_SOA)
		return ANS_OK;
	if (ans_rdata_parse(msg, len, rpos, rdlen, type, rdata, sizeof(rdata), &rlen))
		return ANS_EMALF;
	if (type == TYPE_SOA && rlen >= 20 && !out->has_soa) {
		out->has_soa = true;
		out->soa_serial = ans_get_u32(rdata + rlen - 20);
	}
	if (type != qtype)
		return ANS_OK;
	char text[1024];
	if (!expect)
		out->has_answer = true;
	else if (ans_rdata_to_text(type, rdata, rlen, text, sizeof(text)) >= 0 &&
		 text_equal(text, expect))
		out->has_answer = true;
	return ANS_OK;
}

int hd_dns_parse(const uint8_t *msg, size_t len, uint16_t id,
		 const uint8_t *qname, uint16_t qtype, const char *expect,
		 struct hd_dns_reply *out)
{
	memset(out, 0, sizeof(*out));
	if (len < DNS_HDR || ans_get_u16(msg) != id || !(msg[2] & 0x80) ||
	    ans_get_u16(msg + 4) != 1)
		return ANS_EMALF;
	uint8_t name[ANS_NAME_MAX];
	size_t nlen, pos = DNS_HDR;
	if (ans_name_parse(msg, len, &pos, name, &nlen) != ANS_OK || len - pos < 4 ||
	    !ans_name_equal(name, qname) || ans_get_u16(msg + pos) != qtype)
		return ANS_EMALF;
	pos += 4;
	out->rcode = msg[3] & 0x0f;
	out->aa = msg[2] & 0x04;
	unsigned an = ans_get_u16(msg + 6);
	for (unsigned i = 0; i < an; i++)
		if (check_answer(msg, len, &pos, qtype, expect, out) != ANS_OK)
			return ANS_EMALF;
	return ANS_OK;
}

int hd_dns_socket(const struct ans_conf_addr *a)
{
	int fd = socket(a->ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)&a->ss, a->len) != 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	return fd;
}

static const char *const rcode_text[16] = {
	"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
	"YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE",
};

static void dns_verdict(struct hd_probe *pr, const struct hd_dns_reply *r)
{
	const struct hd_conf_probe *c = pr->conf;
	char why[96];
	if (r->rcode != c->rcode_code) {
		snprintf(why, sizeof(why), "rcode %s, expected %s",
			 rcode_text[r->rcode] ? rcode_text[r->rcode] : "?", c->rcode);
		hd_probe_done(pr, false, false, why);
	} else if (c->answer && !r->has_answer) {
		snprintf(why, sizeof(why), "no answer '%s'", c->answer);
		hd_probe_done(pr, false, false, why);
	} else {
		hd_probe_done(pr, true, false, NULL);
	}
}

bool hd_dns_recv(int fd, uint16_t id, const struct hd_conf_probe *c,
		 struct hd_dns_reply *r, bool *refused)
{
	uint8_t buf[4096];
	*refused = false;
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			*refused = errno == ECONNREFUSED;
			return false;
		}
		if (hd_dns_parse(buf, (size_t)n, id, c->qname, c->qtype_code,
				 c->type == HD_PROBE_DNS ? c->answer : NULL, r) == ANS_OK)
			return true;
	}
}

static void on_readable(struct hd_io *io, uint32_t events)
{
	struct hd_probe *pr = io->arg;
	struct hd_dns_reply r;
	bool refused;
	(void)events;
	if (hd_dns_recv(io->fd, pr->qid, pr->conf, &r, &refused))
		dns_verdict(pr, &r);
	else if (refused)
		hd_probe_done(pr, false, true, "connection refused (nothing listens)");
}

int hd_probe_dns_open(struct hd_probe *pr)
{
	int fd = hd_dns_socket(&pr->conf->server);
	if (fd < 0)
		return fd;
	pr->io.fd = fd;
	pr->io.fn = on_readable;
	return hd_loop_watch(pr->loop, &pr->io, EPOLLIN);
}

bool hd_dns_send(int fd, uint16_t id, const struct hd_conf_probe *c, bool *refused)
{
	uint8_t q[512];
	int len = hd_dns_build(q, sizeof(q), id, c->qname, c->qtype_code);
	*refused = false;
	if (len < 0)
		return false;
	/* A pending ICMP error is reported here: the previous query went
	 * nowhere. */
	if (send(fd, q, (size_t)len, 0) == len)
		return true;
	*refused = errno == ECONNREFUSED;
	return false;
}

void hd_probe_dns_run(struct hd_probe *pr)
{
	bool refused;
	pr->qid = hd_dns_id();
	if (!hd_dns_send(pr->io.fd, pr->qid, pr->conf, &refused))
		hd_probe_done(pr, false, refused, refused ?
			      "connection refused (nothing listens)" : "send failed");
}
