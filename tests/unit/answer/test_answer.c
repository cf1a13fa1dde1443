/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of lib/answer: a table of (query, transport) -> rcode, flags,
 * section counts and the types (and first owner) of the records, against
 * one zone holding each case; then malformed and special packets. The
 * expected values were checked against Knot DNS 3.2 on the same zone
 * (doc/answer.md lists where we differ on purpose).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lib/answer/answer.h"
#include "lib/wire/rdata.h"
#include "lib/zone/parser.h"
#include "lib/zone/zoneset.h"
#include "tests/unit/zone_text.h"

static const char zone_text[] =
	"$TTL 3600\n"
	"@ SOA ns1 hostmaster 2024010101 7200 3600 1209600 300\n"
	"@ NS ns1\n@ NS ns2.example.net.\n@ MX 10 mail\n@ MX 20 mail.other.org.\n"
	"ns1 A 192.0.2.1\nns1 AAAA 2001:db8::1\nmail A 192.0.2.2\n"
	"www A 192.0.2.3\nwww TXT hello\n"
	"alias CNAME www\nalias2 CNAME alias\next CNAME www.other.org.\n"
	"loop1 CNAME loop2\nloop2 CNAME loop1\n"
	"*.wild A 192.0.2.9\n*.wild MX 5 mail\n*.wc CNAME www\n"
	"real.wild TXT real\n"
	"a.b.ent A 192.0.2.4\n"
	"sub NS ns.sub\nsub NS ns.other.org.\nns.sub A 192.0.2.5\ndeep.sub A 192.0.2.6\n"
	"sub DS 12345 8 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
	"nodssub NS ns1\n"
	"dn DNAME target.example.net.\ndnin DNAME www\n"
	"long DNAME aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa."
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa."
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.\n"
	"_sip._tcp SRV 0 5 5060 sipserver\nsipserver A 192.0.2.7\n"
	"order TXT t\norder AAAA 2001:db8::5\norder A 192.0.2.50\n"
	"tosub CNAME deep.sub\nsib NS ns1\nsib NS ns.sub\n";

static struct ans_zoneset *zs;
static struct ans_zone *zone;

static int setup(void **state)
{
	(void)state;
	static const uint8_t origin[] = "\7example\3com";
	char big[8192];
	size_t n = (size_t)snprintf(big, sizeof(big), "%s", zone_text);
	for (int i = 0; i < 40; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, "many A 10.0.0.%d\n", i);
	for (int i = 0; i < 30; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n,
				      "bigref NS ns%02d-a-long-name-to-fill-the-packet.bigref\n"
				      "ns%02d-a-long-name-to-fill-the-packet.bigref A 192.0.2.%d\n",
				      i, i, i);
	for (int i = 0; i < 8; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n,
				      "glueref NS ns%d.glueref\nns%d.glueref AAAA 2001:db8::%d\n"
				      "ns%d.glueref AAAA 2001:db8::1:%d\n", i, i, i, i, i);
	zone = test_zone_from_text(big, n, origin);
	if (!zone)
		return -1;
	return ans_zoneset_new(&zs, &zone, 1) == ANS_OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	ans_zoneset_free(zs);
	ans_zone_free(zone);
	return 0;
}

struct qspec {
	const char *qname;
	uint16_t qtype, qclass;
	int edns;              /* -1: no OPT; else payload */
	bool do_bit, nsid;
	uint8_t version;
};

static size_t make_query(const struct qspec *s, uint8_t *buf, size_t size)
{
	uint8_t name[ANS_NAME_MAX];
	size_t len;
	assert_int_equal(ans_name_from_text(name, &len, s->qname, strlen(s->qname), NULL), ANS_OK);
	struct ans_wire w = ans_wire_init(buf, size);
	ans_wire_write_u16(&w, 0x1234);
	ans_wire_write_u16(&w, 0x0100);   /* RD */
	ans_wire_write_u16(&w, 1);
	ans_wire_write_u16(&w, 0);
	ans_wire_write_u16(&w, 0);
	ans_wire_write_u16(&w, s->edns >= 0 ? 1 : 0);
	ans_wire_write_bytes(&w, name, len);
	ans_wire_write_u16(&w, s->qtype);
	ans_wire_write_u16(&w, s->qclass ? s->qclass : ANS_CLASS_IN);
	if (s->edns >= 0) {
		ans_wire_write_u8(&w, 0);
		ans_wire_write_u16(&w, ANS_TYPE_OPT);
		ans_wire_write_u16(&w, (uint16_t)s->edns);
		ans_wire_write_u8(&w, 0);
		ans_wire_write_u8(&w, s->version);
		ans_wire_write_u16(&w, s->do_bit ? 0x8000 : 0);
		ans_wire_write_u16(&w, s->nsid ? 4 : 0);
		if (s->nsid) {
			ans_wire_write_u16(&w, 3);
			ans_wire_write_u16(&w, 0);
		}
	}
	assert_int_equal(w.err, ANS_OK);
	return w.pos;
}

/* What a response holds, parsed back strictly. */
struct parsed {
	uint16_t flags, qd, count[3];
	unsigned rcode;         /* with the extended bits of the OPT */
	bool has_opt, opt_do, has_nsid;
	char types[3][128];     /* "CNAME A" per section */
	char first_owner[ANS_NAME_TEXT_MAX];
	uint32_t first_auth_ttl;
};

static void parse_response(const uint8_t *r, size_t len, struct parsed *p)
{
	memset(p, 0, sizeof(*p));
	assert_true(len >= 12);
	p->flags = ans_get_u16(r + 2);
	p->rcode = p->flags & 0xF;
	p->qd = ans_get_u16(r + 4);
	size_t pos = 12, nlen;
	uint8_t name[ANS_NAME_MAX];
	if (p->qd) {
		assert_int_equal(ans_name_parse(r, len, &pos, name, &nlen), ANS_OK);
		pos += 4;
	}
	for (int s = 0; s < 3; s++) {
		unsigned n = ans_get_u16(r + 6 + 2 * s);
		for (unsigned i = 0; i < n; i++) {
			assert_int_equal(ans_name_parse(r, len, &pos, name, &nlen), ANS_OK);
			assert_true(pos + 10 <= len);
			uint16_t type = ans_get_u16(r + pos), rdlen = ans_get_u16(r + pos + 8);
			uint32_t ttl = ans_get_u32(r + pos + 4);
			assert_true(pos + 10 + rdlen <= len);
			if (type == ANS_TYPE_OPT) {
				p->has_opt = true;
				p->rcode |= (unsigned)r[pos + 4] << 4;
				p->opt_do = (r[pos + 6] & 0x80) != 0;
				p->has_nsid = rdlen >= 4 && ans_get_u16(r + pos + 10) == 3;
				pos += 10 + rdlen;
				continue;
			}
			p->count[s]++;
			char t[16];
			assert_true(ans_rrtype_to_text(type, t, sizeof(t)) > 0);
			size_t l = strlen(p->types[s]);
			snprintf(p->types[s] + l, sizeof(p->types[s]) - l, "%s%s", l ? " " : "", t);
			if (s == 0 && i == 0)
				assert_true(ans_name_to_text(name, p->first_owner,
							     sizeof(p->first_owner)) > 0);
			if (s == 1 && i == 0)
				p->first_auth_ttl = ttl;
			pos += 10 + rdlen;
		}
	}
	assert_int_equal(pos, len);
}

struct acase {
	const char *what;
	struct qspec q;
	enum ans_transport tr;
	unsigned rcode;
	const char *flags;        /* subset of "AA TC" present, exactly */
	const char *an, *ns, *ar; /* record types per section */
	const char *owner;        /* first answer owner, or NULL */
};

#define IN(n, t) { .qname = n, .qtype = ANS_TYPE_##t, .edns = -1 }
#define EDNS(n, t, pl) { .qname = n, .qtype = ANS_TYPE_##t, .edns = pl }
#define U ANS_TRANSPORT_UDP
#define T ANS_TRANSPORT_TCP

static const struct acase cases[] = {
	{ "exact", IN("www.example.com.", A), U, 0, "AA", "A", "", "", "www.example.com." },
	{ "mixed case echoed", IN("WwW.ExAmple.com.", A), U, 0, "AA", "A", "", "", "WwW.ExAmple.com." },
	{ "nodata", IN("www.example.com.", MX), U, 0, "AA", "", "SOA", "", NULL },
	{ "nxdomain", IN("nx.example.com.", A), U, 3, "AA", "", "SOA", "", NULL },
	{ "ent nodata", IN("b.ent.example.com.", A), U, 0, "AA", "", "SOA", "", NULL },
	{ "apex ns + glue", IN("example.com.", NS), U, 0, "AA", "NS NS", "", "A AAAA", NULL },
	{ "mx additional", IN("example.com.", MX), U, 0, "AA", "MX MX", "", "A", NULL },
	{ "srv additional", IN("_sip._tcp.example.com.", SRV), U, 0, "AA", "SRV", "", "A", NULL },
	{ "any minimal apex", IN("example.com.", ANY), U, 0, "AA", "NS NS", "", "A AAAA", NULL },
	{ "any lowest type", IN("order.example.com.", ANY), T, 0, "AA", "A", "", "", NULL },
	{ "any ent", IN("b.ent.example.com.", ANY), U, 0, "AA", "", "SOA", "", NULL },
	{ "cname chain", IN("alias2.example.com.", A), U, 0, "AA", "CNAME CNAME A", "", "", "alias2.example.com." },
	{ "cname qtype", IN("alias.example.com.", CNAME), U, 0, "AA", "CNAME", "", "", NULL },
	{ "cname nodata", IN("alias.example.com.", MX), U, 0, "AA", "CNAME", "SOA", "", NULL },
	{ "cname out of zone", IN("ext.example.com.", A), U, 0, "AA", "CNAME", "", "", NULL },
	{ "cname loop", IN("loop1.example.com.", A), U, 0, "AA", "CNAME CNAME", "", "", NULL },
	{ "cname to referral", IN("tosub.example.com.", A), U, 0, "AA", "CNAME", "NS NS", "A", NULL },
	{ "dname out", IN("x.dn.example.com.", A), U, 0, "AA", "DNAME CNAME", "", "", "dn.example.com." },
	{ "dname in, nx", IN("x.dnin.example.com.", A), U, 3, "AA", "DNAME CNAME", "SOA", "", NULL },
	{ "dname owner itself", IN("dn.example.com.", A), U, 0, "AA", "", "SOA", "", NULL },
	{ "dname qtype dname", IN("dn.example.com.", DNAME), U, 0, "AA", "DNAME", "", "", NULL },
	{ "dname too long", IN("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.long.example.com.", A),
	  U, 6, "AA", "DNAME", "", "", NULL },
	{ "referral", IN("deep.sub.example.com.", A), U, 0, "", "", "NS NS", "A", NULL },
	{ "referral at cut", IN("sub.example.com.", NS), U, 0, "", "", "NS NS", "A", NULL },
	{ "referral any", IN("sub.example.com.", ANY), U, 0, "", "", "NS NS", "A", NULL },
	{ "referral for glue name", IN("ns.sub.example.com.", A), U, 0, "", "", "NS NS", "A", NULL },
	{ "ds at cut", IN("sub.example.com.", DS), U, 0, "AA", "DS", "", "", NULL },
	{ "ds at cut nodata", IN("nodssub.example.com.", DS), U, 0, "AA", "", "SOA", "", NULL },
	{ "ds below cut", IN("x.sub.example.com.", DS), U, 0, "", "", "NS NS", "A", NULL },
	{ "wildcard", IN("x.wild.example.com.", A), U, 0, "AA", "A", "", "", "x.wild.example.com." },
	{ "wildcard deep", IN("x.y.wild.example.com.", MX), U, 0, "AA", "MX", "", "A", "x.y.wild.example.com." },
	{ "wildcard nodata", IN("x.wild.example.com.", TXT), U, 0, "AA", "", "SOA", "", NULL },
	{ "wildcard shadowed", IN("real.wild.example.com.", A), U, 0, "AA", "", "SOA", "", NULL },
	{ "below existing no wc", IN("x.real.wild.example.com.", A), U, 3, "AA", "", "SOA", "", NULL },
	{ "wildcard cname", IN("y.wc.example.com.", A), U, 0, "AA", "CNAME A", "", "", "y.wc.example.com." },
	{ "ent blocks wildcard", IN("x.ent.example.com.", A), U, 3, "AA", "", "SOA", "", NULL },
	{ "no zone", IN("www.example.org.", A), U, 5, "", "", "", "", NULL },
	{ "tc udp 512", IN("many.example.com.", A), U, 0, "AA TC", "", "", "", NULL },
	{ "fits edns", EDNS("many.example.com.", A, 1232), U, 0, "AA", "A A A A A A A A A A A A A A A A A A A A A A A A A A A A A A A A A A A A A A A A", "", "", NULL },
	{ "payload < 512 is 512", EDNS("many.example.com.", A, 100), U, 0, "AA TC", "", "", "", NULL },
	{ "tcp fits", IN("many.example.com.", A), T, 0, "AA", "A A A A A A A A A A A A A A A A A A A A A A A A A A A A A A A A A A A A A A A A", "", "", NULL },
	{ "referral too big", IN("x.bigref.example.com.", A), U, 0, "TC", "", "", "", NULL },
	{ "glue does not fit", IN("x.glueref.example.com.", A), U, 0, "TC", "", "NS NS NS NS NS NS NS NS",
	  "AAAA AAAA AAAA AAAA AAAA AAAA AAAA AAAA AAAA AAAA", NULL },
	{ "sibling glue below another cut", IN("x.sib.example.com.", A), U, 0, "", "", "NS NS", "A A AAAA", NULL },
	{ "glue fits tcp", IN("x.glueref.example.com.", A), T, 0, "", "", "NS NS NS NS NS NS NS NS",
	  "AAAA AAAA AAAA AAAA AAAA AAAA AAAA AAAA AAAA AAAA AAAA AAAA AAAA AAAA AAAA AAAA", NULL },
	{ "chaos id", { .qname = "id.server.", .qtype = ANS_TYPE_TXT, .qclass = ANS_CLASS_CH, .edns = -1 },
	  U, 0, "", "TXT", "", "", NULL },
	{ "chaos version", { .qname = "VERSION.bind.", .qtype = ANS_TYPE_TXT, .qclass = ANS_CLASS_CH, .edns = -1 },
	  U, 0, "", "TXT", "", "", NULL },
	{ "chaos other", { .qname = "foo.bind.", .qtype = ANS_TYPE_TXT, .qclass = ANS_CLASS_CH, .edns = -1 },
	  U, 5, "", "", "", "", NULL },
	{ "chaos A", { .qname = "id.server.", .qtype = ANS_TYPE_A, .qclass = ANS_CLASS_CH, .edns = -1 },
	  U, 5, "", "", "", "", NULL },
	{ "class HS", { .qname = "www.example.com.", .qtype = ANS_TYPE_A, .qclass = ANS_CLASS_HS, .edns = -1 },
	  U, 5, "", "", "", "", NULL },
	{ "badvers", { .qname = "www.example.com.", .qtype = ANS_TYPE_A, .edns = 1232, .version = 1 },
	  U, 16, "", "", "", "", NULL },
};

static const struct ans_answer_conf conf = {
	.nsid = (const uint8_t *)"node1", .nsid_len = 5,
	.identity = "node1", .version = "anyns test",
};

static bool has_flag(const char *list, const char *f)
{
	return strstr(list, f) != NULL;
}

static void run_case(const struct acase *c, struct parsed *p)
{
	uint8_t q[512], out[65535];
	struct ans_answer_ctx ctx;
	struct ans_answer_info info;
	size_t qlen = make_query(&c->q, q, sizeof(q)), olen;
	size_t osize = c->tr == ANS_TRANSPORT_TCP ? sizeof(out) : 4096;
	assert_int_equal(ans_answer(&ctx, &conf, zs, q, qlen, c->tr, out, osize,
				    &olen, &info), ANS_OK);
	if (olen == 0)
		fail_msg("%s: no response", c->what);
	if (c->tr == ANS_TRANSPORT_UDP)
		assert_true(olen <= (c->q.edns >= 512 ? (size_t)c->q.edns : 512));
	parse_response(out, olen, p);
	assert_int_equal(info.rcode, p->rcode);
	assert_int_equal(info.truncated, (p->flags & 0x0200) != 0);
}

static void test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct acase *c = &cases[i];
		struct parsed p;
		run_case(c, &p);
		bool aa = p.flags & 0x0400, tc = p.flags & 0x0200;
		if (p.rcode != c->rcode || aa != has_flag(c->flags, "AA") ||
		    tc != has_flag(c->flags, "TC") || strcmp(p.types[0], c->an) ||
		    strcmp(p.types[1], c->ns) || strcmp(p.types[2], c->ar) ||
		    (c->owner && strcmp(p.first_owner, c->owner)))
			fail_msg("%s: rcode %u aa %d tc %d an [%s] ns [%s] ar [%s] owner %s",
				 c->what, p.rcode, aa, tc, p.types[0], p.types[1],
				 p.types[2], p.first_owner);
		assert_true(p.flags & 0x8000);          /* QR */
		assert_true(p.flags & 0x0100);          /* RD copied */
		assert_false(p.flags & 0x0080);         /* never RA */
		assert_int_equal(p.qd, 1);
		assert_int_equal(p.has_opt, c->q.edns >= 0);
	}
}

/* RFC 2308 §3: the SOA TTL in negative answers is min(TTL, MINIMUM). */
static void test_negative_ttl(void **state)
{
	(void)state;
	struct acase c = { "nx", IN("nx.example.com.", A), U, 3, "AA", "", "SOA", "", NULL };
	struct parsed p;
	run_case(&c, &p);
	assert_int_equal(p.first_auth_ttl, 300);
}

static void test_edns_do_nsid(void **state)
{
	(void)state;
	struct acase c = { "edns", { .qname = "www.example.com.", .qtype = ANS_TYPE_A,
				    .edns = 4096, .do_bit = true, .nsid = true }, U, 0, "AA", "A", "", "", NULL };
	struct parsed p;
	run_case(&c, &p);
	assert_true(p.has_opt);
	assert_true(p.opt_do);
	assert_true(p.has_nsid);
	c.q.do_bit = c.q.nsid = false;
	run_case(&c, &p);
	assert_false(p.opt_do);
	assert_false(p.has_nsid);
}

/* Raw packets: malformed, responses, other opcodes, transfers. */
struct raw_case {
	const char *what;
	const uint8_t *pkt;
	size_t len;
	int rcode;       /* -1: dropped */
	bool is_xfr, is_notify;
};

#define P(s) (const uint8_t *)(s), sizeof(s) - 1
#define QWWW "\3www\7example\3com\0\0\1\0\1"

static const struct raw_case raw_cases[] = {
	{ "short header", P("\x12\x34\1\0\0\1\0"), -1, false, false },
	{ "response QR=1", P("\x12\x34\x81\0\0\1\0\0\0\0\0\0" QWWW), -1, false, false },
	{ "qdcount 0", P("\x12\x34\1\0\0\0\0\0\0\0\0\0"), 1, false, false },
	{ "qdcount 2", P("\x12\x34\1\0\0\2\0\0\0\0\0\0" QWWW QWWW), 1, false, false },
	{ "truncated question", P("\x12\x34\1\0\0\1\0\0\0\0\0\0\3www\7exa"), 1, false, false },
	{ "question no type", P("\x12\x34\1\0\0\1\0\0\0\0\0\0\3www\0\0"), 1, false, false },
	{ "forward pointer", P("\x12\x34\1\0\0\1\0\0\0\0\0\0\xc0\x0e\0\1\0\1"), 1, false, false },
	{ "self pointer", P("\x12\x34\1\0\0\1\0\0\0\0\0\0\xc0\x0c\0\1\0\1"), 1, false, false },
	{ "trailing byte", P("\x12\x34\1\0\0\1\0\0\0\0\0\0" QWWW "\0"), 1, false, false },
	{ "two OPT", P("\x12\x34\1\0\0\1\0\0\0\0\0\2" QWWW "\0\0\x29\x10\0\0\0\0\0\0\0"
		       "\0\0\x29\x10\0\0\0\0\0\0\0"), 1, false, false },
	{ "OPT not root", P("\x12\x34\1\0\0\1\0\0\0\0\0\1" QWWW "\1a\0\0\x29\x10\0\0\0\0\0\0\0"), 1, false, false },
	{ "OPT in answer", P("\x12\x34\1\0\0\1\0\1\0\0\0\0" QWWW "\0\0\x29\x10\0\0\0\0\0\0\0"), 1, false, false },
	{ "OPT option overrun", P("\x12\x34\1\0\0\1\0\0\0\0\0\1" QWWW "\0\0\x29\x10\0\0\0\0\0\0\4\0\3\0\1"), 1, false, false },
	{ "opcode 5", P("\x12\x34\x29\0\0\1\0\0\0\0\0\0" QWWW), 4, false, false },
	{ "opcode status", P("\x12\x34\x11\0\0\1\0\0\0\0\0\0" QWWW), 4, false, false },
	{ "notify", P("\x12\x34\x20\0\0\1\0\0\0\0\0\0\7example\3com\0\0\6\0\1"), -1, false, true },
	{ "axfr", P("\x12\x34\0\0\0\1\0\0\0\0\0\0\7example\3com\0\0\xfc\0\1"), -1, true, false },
	{ "ixfr", P("\x12\x34\0\0\0\1\0\0\0\0\0\0\7example\3com\0\0\xfb\0\1"), -1, true, false },
	{ "tsig unknown key", P("\x12\x34\1\0\0\1\0\0\0\0\0\1" QWWW "\1k\0\0\xfa\0\xff\0\0\0\0\0\x1d"
				"\13hmac-sha256\0\0\0\x6b\x08\x92\xb2\1\x2c\0\0\x12\x34\0\0\0\0"), 9, false, false },
};

static void test_raw(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(raw_cases) / sizeof(raw_cases[0]); i++) {
		const struct raw_case *c = &raw_cases[i];
		uint8_t out[4096];
		struct ans_answer_ctx ctx;
		struct ans_answer_info info;
		size_t olen = 99;
		assert_int_equal(ans_answer(&ctx, &conf, zs, c->pkt, c->len, ANS_TRANSPORT_UDP,
					    out, sizeof(out), &olen, &info), ANS_OK);
		if (c->rcode < 0) {
			if (olen != 0)
				fail_msg("%s: answered", c->what);
			assert_int_equal(info.is_xfr, c->is_xfr);
			assert_int_equal(info.is_notify, c->is_notify);
			continue;
		}
		if (olen < 12 || (out[3] & 0xF) != c->rcode)
			fail_msg("%s: len %zu rcode %d", c->what, olen, olen >= 12 ? out[3] & 0xF : -1);
		struct parsed p;
		parse_response(out, olen, &p);
		assert_int_equal(ans_get_u16(out), 0x1234);
		assert_false(p.flags & 0x0400);
	}
}

/* The question name's limits, read by query.c's one-pass walk: 255 bytes
 * is a name (not ours: REFUSED), 256 is not, nor a 64-byte label, nor a
 * name whose zero byte is missing or the message's last byte. */
static size_t long_query(uint8_t *pkt, unsigned last_label, unsigned bad_label)
{
	static const uint8_t hdr[12] = { 0x12, 0x34, 1, 0, 0, 1 };
	memcpy(pkt, hdr, sizeof(hdr));
	size_t n = sizeof(hdr);
	unsigned lens[4] = { 63, 63, 63, last_label };
	if (bad_label)
		lens[1] = bad_label;
	for (unsigned i = 0; i < 4; i++) {
		pkt[n++] = (uint8_t)lens[i];
		memset(pkt + n, 'a', lens[i]);
		n += lens[i];
	}
	memcpy(pkt + n, "\0\0\1\0\1", 5);
	return n + 5;
}

static void test_qname_limits(void **state)
{
	(void)state;
	static const struct { unsigned last, bad; int cut; int rcode; } cases[] = {
		{ 61, 0, 0, 5 },      /* 255 bytes */
		{ 62, 0, 0, 1 },      /* 256 bytes */
		{ 10, 64, 0, 1 },     /* a 64-byte label */
		{ 61, 0, 5, 1 },      /* ends where the zero byte should be */
		{ 61, 0, 4, 1 },      /* the zero byte, no type */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t pkt[400], out[4096];
		size_t len = long_query(pkt, cases[i].last, cases[i].bad) - (size_t)cases[i].cut;
		struct ans_answer_ctx ctx;
		struct ans_answer_info info;
		size_t olen = 0;
		assert_int_equal(ans_answer(&ctx, &conf, zs, pkt, len, ANS_TRANSPORT_UDP,
					    out, sizeof(out), &olen, &info), ANS_OK);
		if (olen < 12 || (out[3] & 0xF) != cases[i].rcode)
			fail_msg("case %zu: len %zu rcode %d", i, olen, olen >= 12 ? out[3] & 0xF : -1);
		/* The question is echoed only when it parsed. */
		assert_int_equal(ans_get_u16(out + 4), cases[i].rcode == 5 ? 1 : 0);
		if (cases[i].rcode == 5)
			assert_memory_equal(out + 12, pkt + 12, len - 12);
	}
}

static void test_error_helper(void **state)
{
	(void)state;
	static const uint8_t q[] = "\x12\x34\0\0\0\1\0\0\0\0\0\1\7example\3com\0\0\xfc\0\1"
				   "\0\0\x29\x10\0\0\0\0\0\0\0";
	uint8_t out[512];
	size_t n = ans_answer_error(q, sizeof(q) - 1, 5, out, sizeof(out));
	struct parsed p;
	parse_response(out, n, &p);
	assert_int_equal(p.rcode, 5);
	assert_int_equal(p.qd, 1);
	assert_true(p.has_opt);
	assert_int_equal(ans_answer_error(q, 5, 5, out, sizeof(out)), 0);
	assert_int_equal(ans_answer(NULL, &conf, zs, q, sizeof(q), ANS_TRANSPORT_UDP,
				    out, sizeof(out), &n, NULL), ANS_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_negative_ttl),
		cmocka_unit_test(test_edns_do_nsid),
		cmocka_unit_test(test_raw),
		cmocka_unit_test(test_qname_limits),
		cmocka_unit_test(test_error_helper),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
