/* SPDX-License-Identifier: MIT */
/*
 * The bytes of responses, against a reference encoder: the answer path takes
 * short cuts when writing names (owners after the first record of an RRset
 * as a pointer, the question's name as 0xC00C, rdata without compressible
 * names copied as stored). Here every response of a table of queries is
 * decoded and encoded again the slow way -- every name through
 * ans_name_write() with one compression table, every rdata through
 * ans_rdata_write() -- and the two must be the same bytes.
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
	"@ NS ns1\n@ NS ns2.example.net.\n@ MX 10 mail\n@ MX 20 mx2\n@ MX 30 mail.other.org.\n"
	"ns1 A 192.0.2.1\nns1 AAAA 2001:db8::1\nmail A 192.0.2.2\nmail A 192.0.2.3\n"
	"mx2 AAAA 2001:db8::2\nmx2 AAAA 2001:db8::3\nmx2 A 192.0.2.4\n"
	"www A 192.0.2.3\nwww A 192.0.2.4\nwww TXT hello world\nwww TXT second\n"
	"alias CNAME www\nalias2 CNAME ALIAS\n*.wild A 192.0.2.9\n*.wild A 192.0.2.10\n"
	"sub NS ns.sub\nsub NS ns2.sub\nns.sub A 192.0.2.5\nns.sub A 192.0.2.6\n"
	"ns2.sub AAAA 2001:db8::5\nptr PTR www\nptr PTR mail.other.org.\n"
	"_sip._tcp SRV 0 5 5060 mx2\n"
	"sib NS ns.sub\nsib NS ns1\noob NS ns.other.org.\noob NS NS.OOB\n"
	"ns.oob A 192.0.2.7\ntoref CNAME x.sub\n"
	"nog NS NS.NOG\nnog NS ns1\n"
	"x.www CNAME www\nc1 CNAME c2\nc2 CNAME alias\nself CNAME self\n"
	"c3 CNAME mail.other.org.\nc4 CNAME mx2\nc5 CNAME a\\007example.com.\n"
	"txt TXT abc\ntxt TXT abcdefghijklmnopqrstuvwxyz\n"
	"txt TXT abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz\n";

static struct ans_zoneset *zs;
static struct ans_zone *zone;

static int setup(void **state)
{
	(void)state;
	static const uint8_t origin[] = "\7example\3com";
	zone = test_zone_from_text(zone_text, sizeof(zone_text) - 1, origin);
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

static size_t make_query(const char *qname, uint16_t qtype, bool edns, uint8_t *buf)
{
	uint8_t name[ANS_NAME_MAX];
	size_t len;
	assert_int_equal(ans_name_from_text(name, &len, qname, strlen(qname), NULL), ANS_OK);
	struct ans_wire w = ans_wire_init(buf, 512);
	static const uint8_t hdr[12] = { 0xab, 0xcd, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0 };
	ans_wire_write_bytes(&w, hdr, sizeof(hdr));
	w.base[11] = edns ? 1 : 0;
	ans_wire_write_bytes(&w, name, len);
	ans_wire_write_u16(&w, qtype);
	ans_wire_write_u16(&w, ANS_CLASS_IN);
	if (edns) {
		static const uint8_t opt[11] = { 0, 0, 41, 0x10, 0, 0, 0, 0, 0, 0, 0 };
		ans_wire_write_bytes(&w, opt, sizeof(opt));
	}
	assert_int_equal(w.err, ANS_OK);
	return w.pos;
}

/* One record of `r` at *pos re-encoded into `w` the slow way. */
static void reencode_rr(const uint8_t *r, size_t len, size_t *pos, struct ans_wire *w,
			struct ans_compr *c)
{
	uint8_t name[ANS_NAME_MAX], rdata[65535];
	size_t nlen, rdlen;
	assert_int_equal(ans_name_parse(r, len, pos, name, &nlen), ANS_OK);
	assert_true(*pos + 10 <= len);
	uint16_t type = ans_get_u16(r + *pos), wire_len = ans_get_u16(r + *pos + 8);
	ans_name_write(w, name, c);
	ans_wire_write_bytes(w, r + *pos, 8);
	*pos += 10;
	assert_true(*pos + wire_len <= len);
	if (type == ANS_TYPE_OPT) {
		ans_wire_write_u16(w, wire_len);
		ans_wire_write_bytes(w, r + *pos, wire_len);
	} else {
		assert_int_equal(ans_rdata_parse(r, len, *pos, wire_len, type, rdata,
						 sizeof(rdata), &rdlen), ANS_OK);
		ans_rdata_write(w, type, rdata, rdlen, c);
	}
	*pos += wire_len;
}

static size_t reencode(const uint8_t *r, size_t len, uint8_t *out, size_t size)
{
	struct ans_wire w = ans_wire_init(out, size);
	struct ans_compr c;
	ans_compr_init(&c, out);
	ans_wire_write_bytes(&w, r, 12);
	size_t pos = 12, nlen;
	uint8_t name[ANS_NAME_MAX];
	if (ans_get_u16(r + 4)) {
		assert_int_equal(ans_name_parse(r, len, &pos, name, &nlen), ANS_OK);
		ans_name_write(&w, name, &c);
		ans_wire_write_bytes(&w, r + pos, 4);
		pos += 4;
	}
	unsigned n = ans_get_u16(r + 6) + ans_get_u16(r + 8) + ans_get_u16(r + 10);
	for (unsigned i = 0; i < n; i++)
		reencode_rr(r, len, &pos, &w, &c);
	assert_int_equal(pos, len);
	assert_int_equal(w.err, ANS_OK);
	return w.pos;
}

struct wcase {
	const char *qname;
	uint16_t qtype;
	bool edns;
	unsigned records;   /* answer + authority + additional, OPT excluded */
};

static const struct wcase cases[] = {
	{ "www.example.com.", ANS_TYPE_A, false, 2 },
	{ "WwW.ExAmPlE.CoM.", ANS_TYPE_TXT, true, 2 },
	{ "example.com.", ANS_TYPE_MX, true, 3 + 2 + 3 },
	{ "example.com.", ANS_TYPE_NS, false, 2 + 2 },
	{ "alias2.example.com.", ANS_TYPE_A, false, 4 },
	{ "x.y.wild.example.com.", ANS_TYPE_A, true, 2 },
	{ "deep.sub.example.com.", ANS_TYPE_A, false, 2 + 3 },
	{ "nx.example.com.", ANS_TYPE_A, true, 1 },
	{ "www.example.com.", ANS_TYPE_MX, false, 1 },
	{ "ptr.example.com.", ANS_TYPE_PTR, false, 2 },
	{ "_sip._tcp.example.com.", ANS_TYPE_SRV, true, 1 + 3 },
	{ "example.com.", ANS_TYPE_SOA, false, 1 },
	/* Negative answers: the SOA from the zone's ready record, or the slow
	 * way when the question's case or labels give the compressor a
	 * different match (the bytes must be equal either way). */
	{ "nx.Example.com.", ANS_TYPE_A, false, 1 },
	{ "a.b.nx.example.com.", ANS_TYPE_A, true, 1 },
	{ "example.com.", ANS_TYPE_TXT, false, 1 },
	{ "ns1.example.com.", ANS_TYPE_MX, false, 1 },
	{ "x.ns1.example.com.", ANS_TYPE_A, false, 1 },
	{ "x.hostmaster.example.com.", ANS_TYPE_A, false, 1 },
	{ "x.NS1.example.com.", ANS_TYPE_A, false, 1 },
	{ "alias.example.com.", ANS_TYPE_MX, false, 1 + 1 },
	{ "nx.example.com.", ANS_TYPE_SOA, false, 1 },
	/* Referrals: from the cut's ready block, or the slow way when the
	 * question's label next to the cut is a target's (ns, ns2), its case
	 * differs or a CNAME came first; the bytes must be equal either way. */
	{ "sub.example.com.", ANS_TYPE_A, false, 2 + 3 },
	{ "ns.sub.example.com.", ANS_TYPE_A, false, 2 + 3 },
	{ "a.ns2.sub.example.com.", ANS_TYPE_A, true, 2 + 3 },
	{ "a.b.c.sub.example.com.", ANS_TYPE_MX, true, 2 + 3 },
	{ "deep.SUB.example.com.", ANS_TYPE_A, false, 2 + 3 },
	{ "x.sib.example.com.", ANS_TYPE_A, false, 2 + 4 },
	{ "x.oob.example.com.", ANS_TYPE_A, false, 2 + 1 },
	{ "ns.oob.example.com.", ANS_TYPE_A, false, 2 + 1 },
	{ "NS.oob.example.com.", ANS_TYPE_A, true, 2 + 1 },
	/* a target below the cut in capitals, no glue: its label is still
	 * one the question can match (zone_referral.c, case-blind) */
	{ "ns.nog.example.com.", ANS_TYPE_A, false, 2 + 2 },
	{ "x.nog.example.com.", ANS_TYPE_A, false, 2 + 2 },
	{ "toref.example.com.", ANS_TYPE_A, false, 1 + 2 + 3 },
	/* CNAME chains: the next owner is the target just written (a pointer
	 * to it, or the pointer it was written as); other case, loops and
	 * out-of-zone targets the slow way. */
	{ "alias.example.com.", ANS_TYPE_A, true, 1 + 2 },
	{ "ALIAS.example.com.", ANS_TYPE_TXT, false, 1 + 2 },
	{ "x.www.example.com.", ANS_TYPE_A, false, 1 + 2 },
	{ "c1.example.com.", ANS_TYPE_A, false, 3 + 2 },
	{ "c1.example.com.", ANS_TYPE_MX, true, 3 + 1 },
	{ "self.example.com.", ANS_TYPE_A, false, 1 },
	{ "c3.example.com.", ANS_TYPE_A, false, 1 },
	{ "c4.example.com.", ANS_TYPE_AAAA, false, 1 + 2 },
	{ "c4.example.com.", ANS_TYPE_MX, false, 1 + 1 },
	/* 0x20 questions: the SOA and referral short cuts compare the
	 * lowercased question with the zone's names; the compressor still
	 * points at the question as written (the bytes must be equal). */
	{ "NX.EXAMPLE.COM.", ANS_TYPE_A, false, 1 },
	{ "a.B.Nx.eXaMpLe.cOm.", ANS_TYPE_A, true, 1 },
	{ "X.Ns1.ExAmPlE.CoM.", ANS_TYPE_A, false, 1 },
	{ "x.HostMaster.example.COM.", ANS_TYPE_A, false, 1 },
	{ "ExAmPlE.CoM.", ANS_TYPE_TXT, false, 1 },
	{ "a.B.SuB.ExAmPlE.CoM.", ANS_TYPE_A, false, 2 + 3 },
	{ "Ns.SUB.example.com.", ANS_TYPE_A, true, 2 + 3 },
	{ "X.OoB.EXAMPLE.com.", ANS_TYPE_A, false, 2 + 1 },
	/* ends in the apex's bytes inside a label: not in the zone */
	{ "c5.example.com.", ANS_TYPE_A, false, 1 },
	/* rdata of 6, 29 and 65 bytes with RDLENGTH: every copy size */
	{ "txt.example.com.", ANS_TYPE_TXT, true, 3 },
};

/* The delegations got ready blocks with the right counts, and the cut
 * below another cut (none here) or the apex got none. */
static void test_referral_blocks(void **state)
{
	(void)state;
	static const struct { const char *name; int nauth, naddl; } want[] = {
		{ "sub.example.com.", 2, 3 }, { "sib.example.com.", 2, 4 },
		{ "oob.example.com.", 2, 1 }, { "nog.example.com.", 2, 2 },
		{ "example.com.", -1, 0 },
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		uint8_t name[ANS_NAME_MAX];
		size_t len;
		assert_int_equal(ans_name_from_text(name, &len, want[i].name,
						    strlen(want[i].name), NULL), ANS_OK);
		const struct ans_node *n = ans_zone_find(zone, name);
		assert_non_null(n);
		struct ans_referral_wire t;
		bool has = ans_rrset_referral(ans_node_rrset(n, ANS_TYPE_NS), &t);
		assert_int_equal(has, want[i].nauth >= 0);
		if (!has)
			continue;
		assert_int_equal(t.nauth, want[i].nauth);
		assert_int_equal(t.naddl, want[i].naddl);
	}
}

/* RFC 2782 keeps the SRV target uncompressed; later names point at it, as
 * in Knot and BIND: the additional A/AAAA owner of the target is a bare
 * pointer to the target in the rdata (was: "mx2" and a pointer, 9 bytes
 * more for the two records). */
static void test_srv_target_pointer(void **state)
{
	(void)state;
	uint8_t q[512], out[4096];
	struct ans_answer_ctx ctx;
	struct ans_answer_info info;
	size_t qlen = make_query("_sip._tcp.example.com.", ANS_TYPE_SRV, false, q), olen;
	assert_int_equal(ans_answer(&ctx, NULL, zs, q, qlen, ANS_TRANSPORT_UDP, out,
				    sizeof(out), &olen, &info), ANS_OK);
	assert_int_equal(ans_get_u16(out + 6), 1);
	assert_int_equal(ans_get_u16(out + 10), 3);
	size_t rr = qlen;                    /* the answer: owner 0xC00C */
	assert_int_equal(ans_get_u16(out + rr), 0xC00C);
	size_t rdata = rr + 12, target = rdata + 6;
	size_t addl = rdata + ans_get_u16(out + rr + 10);
	assert_int_equal(ans_get_u16(out + addl), 0xC000 | target);
	/* the next records of the target: the same pointer */
	size_t second = addl + 12 + ans_get_u16(out + addl + 10);
	assert_int_equal(ans_get_u16(out + second), 0xC000 | target);
}

static void test_same_bytes(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct wcase *c = &cases[i];
		uint8_t q[512], out[4096], ref[4096];
		struct ans_answer_ctx ctx;
		struct ans_answer_info info;
		size_t qlen = make_query(c->qname, c->qtype, c->edns, q), olen;
		assert_int_equal(ans_answer(&ctx, NULL, zs, q, qlen, ANS_TRANSPORT_TCP, out,
					    sizeof(out), &olen, &info), ANS_OK);
		assert_true(olen > 12);
		unsigned n = ans_get_u16(out + 6) + ans_get_u16(out + 8) + ans_get_u16(out + 10);
		if (n != c->records + (c->edns ? 1 : 0))
			fail_msg("%s: %u records", c->qname, n);
		size_t rlen = reencode(out, olen, ref, sizeof(ref));
		if (rlen != olen || memcmp(ref, out, olen) != 0)
			fail_msg("%s: %zu bytes, reference %zu", c->qname, olen, rlen);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_bytes),
		cmocka_unit_test(test_referral_blocks),
		cmocka_unit_test(test_srv_target_pointer),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
