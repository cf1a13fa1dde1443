/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of serving pre-signed zones: the builder's grouping of RRSIGs
 * by covered type (ans_rrset_sigs), the NSEC covering lookup, the NSEC3
 * hash (RFC 5155 Appendix A vectors: salt aabbccdd, 12 iterations) and the
 * NSEC3 matching/covering search, and that DO=1 answers carry RRSIGs and
 * proofs while DO=0 answers stay as for an unsigned zone. Signatures are
 * not real (nothing here validates them); the system test test_dnssec.py
 * serves zones signed by dnssec-signzone against Knot and BIND.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lib/answer/answer.h"
#include "lib/wire/codec.h"
#include "lib/wire/rdata.h"
#include "lib/zone/zoneset.h"
#include "tests/unit/zone_text.h"

#define SIG(type, ttl) " " #ttl " RRSIG " type " 13 2 " #ttl \
	" 20300101000000 20200101000000 1 example.com. AAAA\n"

static const char nsec_text[] =
	"$TTL 3600\n"
	"@ SOA ns1 h 1 7200 3600 1209600 300\n" "@" SIG("SOA", 3600)
	"@ NS ns1\n" "@" SIG("NS", 3600)
	"@ NSEC a NS SOA RRSIG NSEC\n" "@" SIG("NSEC", 300)
	"a A 192.0.2.1\n" "a" SIG("A", 3600)
	"a 60 TXT x\n" "a" SIG("TXT", 60) "a 3600 RRSIG TXT 13 2 60 20300101000000 "
	"20200101000000 2 example.com. AAAA\n"
	"a AAAA 2001:db8::1\n"
	"a NSEC ns1 A TXT AAAA RRSIG NSEC\n" "a" SIG("NSEC", 300)
	"ns1 A 192.0.2.2\n" "ns1" SIG("A", 3600)
	"ns1 NSEC x.y A RRSIG NSEC\n" "ns1" SIG("NSEC", 300)
	"x.y A 192.0.2.3\n" "x.y" SIG("A", 3600)
	"x.y NSEC example.com. A RRSIG NSEC\n" "x.y" SIG("NSEC", 300);

static const uint8_t com_origin[] = "\7example\3com";

static struct ans_zone *build(const char *text, const uint8_t *origin)
{
	struct ans_zone *z = test_zone_from_text(text, strlen(text), origin);
	assert_non_null(z);
	return z;
}

static const struct ans_node *node_of(const struct ans_zone *z, const char *text)
{
	uint8_t name[ANS_NAME_MAX];
	size_t len;
	assert_int_equal(ans_name_from_text(name, &len, text, strlen(text), NULL), ANS_OK);
	ans_name_lower(name);
	return ans_zone_find(z, name);
}

/* Every RR of the RRSIG group covers `type`. */
static void assert_covers(const struct ans_rrset *sigs, uint16_t type)
{
	const uint8_t *p = sigs->rdata;
	for (uint16_t i = 0; i < sigs->count; i++) {
		assert_int_equal(ans_get_u16(p + 2), type);
		p += 2 + ans_get_u16(p);
	}
	assert_int_equal(p - sigs->rdata, sigs->rdata_len);
}

static void test_grouping(void **state)
{
	(void)state;
	struct ans_zone *z = build(nsec_text, com_origin);
	assert_non_null(z->dnssec);
	const struct ans_node *a = node_of(z, "a.example.com.");
	assert_non_null(a);
	/* A, TXT, AAAA, RRSIG, NSEC: the RRSIGs stay one RRset of the node. */
	assert_int_equal(a->rrset_count, 5);
	const struct ans_rrset *all = ans_node_rrset(a, ANS_TYPE_RRSIG);
	assert_int_equal(all->count, 4);
	assert_null(ans_rrset_sigs(all));
	static const struct { uint16_t type; uint16_t count; uint32_t ttl; } want[] = {
		{ ANS_TYPE_A, 1, 3600 }, { ANS_TYPE_TXT, 2, 60 }, { ANS_TYPE_NSEC, 1, 300 },
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct ans_rrset *sigs = ans_rrset_sigs(ans_node_rrset(a, want[i].type));
		assert_non_null(sigs);
		assert_int_equal(sigs->type, ANS_TYPE_RRSIG);
		assert_int_equal(sigs->count, want[i].count);
		assert_int_equal(sigs->ttl, want[i].ttl);
		assert_covers(sigs, want[i].type);
	}
	assert_null(ans_rrset_sigs(ans_node_rrset(a, ANS_TYPE_AAAA)));
	ans_zone_free(z);
}

static void test_unsigned(void **state)
{
	(void)state;
	static const char text[] = "@ 3600 SOA ns1 h 1 2 3 4 5\n@ 3600 NS ns1\n"
				   "ns1 3600 A 192.0.2.1\n";
	struct ans_zone *z = build(text, com_origin);
	assert_null(z->dnssec);
	assert_false(ans_zone_is_nsec3(z));
	for (size_t i = 0; i < z->node_count; i++)
		for (uint16_t k = 0; k < z->nodes[i].rrset_count; k++)
			assert_int_equal(z->nodes[i].rrsets[k].sig_off, 0);
	ans_zone_free(z);
}

static void test_nsec_covering(void **state)
{
	(void)state;
	static const struct { const char *name, *nsec; } cases[] = {
		{ "example.com.", "example.com." },      /* matching */
		{ "a.example.com.", "a.example.com." },
		{ "0.example.com.", "example.com." },    /* covered */
		{ "b.example.com.", "a.example.com." },
		{ "z.a.example.com.", "a.example.com." },
		{ "nz.example.com.", "ns1.example.com." },
		{ "y.example.com.", "ns1.example.com." },  /* an ENT */
		{ "zz.example.com.", "x.y.example.com." }, /* after the last */
	};
	struct ans_zone *z = build(nsec_text, com_origin);
	assert_false(ans_zone_is_nsec3(z));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t name[ANS_NAME_MAX];
		size_t len;
		assert_int_equal(ans_name_from_text(name, &len, cases[i].name, strlen(cases[i].name), NULL), ANS_OK);
		const struct ans_node *n = ans_zone_nsec_covering(z, name);
		assert_non_null(n);
		assert_ptr_equal(n, node_of(z, cases[i].nsec));
	}
	ans_zone_free(z);
}

/* RFC 5155 Appendix A: zone "example", salt aabbccdd, 12 iterations. */
#define N3(hash) hash " NSEC3 1 0 12 aabbccdd 00000000000000000000000000000000 A\n"
static const char nsec3_text[] =
	"$TTL 3600\n"
	"@ SOA ns1 h 1 7200 3600 1209600 300\n" "@" SIG("SOA", 3600)
	"@ NSEC3PARAM 1 0 12 aabbccdd\n"
	N3("0p9mhaveqvm6t7vbl5lop2u3t2rp3tom")   /* example */
	N3("2t7b4g4vsa5smi47k61mv5bv1a22bojr")   /* ns1.example */
	N3("35mthgpgcu1qg68fab165klnsnk3dpvl")   /* a.example */
	N3("b4um86eghhds6nea196smvmlo4ors995")   /* x.w.example */
	N3("k8udemvp1j2f7eg6jebps17vp3n8i58h")   /* w.example */
	N3("r53bq7cc2uvmubfu5ocmm6pers9tk9en")   /* *.w.example */
	/* other parameters: not part of the chain */
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa NSEC3 1 0 3 aabbccdd 00000000000000000000000000000000 A\n";

static void hash_of(const struct ans_zone *z, const char *text, uint8_t hash[20])
{
	uint8_t name[ANS_NAME_MAX];
	size_t len;
	assert_int_equal(ans_name_from_text(name, &len, text, strlen(text), NULL), ANS_OK);
	assert_true(ans_zone_nsec3_hash(z, name, hash));
}

static void test_nsec3(void **state)
{
	(void)state;
	static const uint8_t origin[] = "\7example";
	static const struct { const char *name, *hash, *nsec3; bool exact; } cases[] = {
		{ "example.", "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom",
		  "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom", true },
		{ "a.example.", "35mthgpgcu1qg68fab165klnsnk3dpvl",
		  "35mthgpgcu1qg68fab165klnsnk3dpvl", true },
		{ "*.w.example.", "r53bq7cc2uvmubfu5ocmm6pers9tk9en",
		  "r53bq7cc2uvmubfu5ocmm6pers9tk9en", true },
		{ "c.example.", "4g6p9u5gvfshp30pqecj98b3maqbn1ck",
		  "35mthgpgcu1qg68fab165klnsnk3dpvl", false },
		/* above the last hash: covered by the last (wrap-around) */
		{ "xx.example.", "t644ebqk9bibcna874givr6joj62mlhv",
		  "r53bq7cc2uvmubfu5ocmm6pers9tk9en", false },
	};
	struct ans_zone *z = build(nsec3_text, origin);
	assert_true(ans_zone_is_nsec3(z));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t hash[20];
		char b32[40];
		bool exact;
		hash_of(z, cases[i].name, hash);
		assert_int_equal(ans_b32hex_encode(hash, 20, b32, sizeof(b32)), 32);
		for (char *c = b32; *c; c++)
			*c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
		assert_string_equal(b32, cases[i].hash);
		const struct ans_node *n = ans_zone_nsec3_find(z, hash, &exact);
		assert_non_null(n);
		assert_int_equal(exact, cases[i].exact);
		assert_memory_equal(n->owner + 1, cases[i].nsec3, 32);
	}
	/* Below the first hash: covered by the last one too. */
	uint8_t low[20] = { 0 };
	bool exact;
	const struct ans_node *n = ans_zone_nsec3_find(z, low, &exact);
	assert_false(exact);
	assert_memory_equal(n->owner + 1, "r53bq7cc2uvmubfu5ocmm6pers9tk9en", 32);
	ans_zone_free(z);
}

/* Answers a query for name/type with or without DO; returns the type of
 * every record of the answer and authority sections, in order. */
static size_t ask(struct ans_zoneset *zs, const uint8_t *qname, size_t qlen,
		  uint16_t qtype, bool edns_do, uint16_t *types, uint8_t *rcode)
{
	uint8_t q[512] = { 0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1 };
	uint8_t out[4096];
	memcpy(q + 12, qname, qlen);
	size_t n = 12 + qlen;
	q[n++] = (uint8_t)(qtype >> 8);
	q[n++] = (uint8_t)qtype;
	q[n++] = 0;
	q[n++] = 1;
	static const uint8_t opt[] = { 0, 0, 41, 0x10, 0, 0, 0, 0, 0, 0, 0 };
	memcpy(q + n, opt, sizeof(opt));
	q[n + 7] = edns_do ? 0x80 : 0;
	n += sizeof(opt);
	struct ans_answer_ctx ctx;
	struct ans_answer_info info;
	size_t len;
	assert_int_equal(ans_answer(&ctx, NULL, zs, q, n, ANS_TRANSPORT_TCP, out,
				    sizeof(out), &len, &info), ANS_OK);
	*rcode = info.rcode;
	unsigned count = ans_get_u16(out + 6) + ans_get_u16(out + 8);
	size_t pos = 12 + qlen + 4;
	for (unsigned i = 0; i < count; i++) {
		while (out[pos] && out[pos] < 0xC0)
			pos += out[pos] + 1u;
		pos += out[pos] ? 2 : 1;
		types[i] = ans_get_u16(out + pos);
		pos += 10 + ans_get_u16(out + pos + 8);
	}
	return count;
}

static void test_answers(void **state)
{
	(void)state;
	struct ans_zone *z = build(nsec_text, com_origin);
	struct ans_zoneset *zs;
	assert_int_equal(ans_zoneset_new(&zs, &z, 1), ANS_OK);
	static const struct {
		const char *name; uint16_t qtype; bool edns_do; uint8_t rcode;
		uint16_t types[8];
	} cases[] = {
		{ "\1a\7example\3com", ANS_TYPE_TXT, true, 0,
		  { ANS_TYPE_TXT, ANS_TYPE_RRSIG, ANS_TYPE_RRSIG } },
		{ "\1a\7example\3com", ANS_TYPE_TXT, false, 0, { ANS_TYPE_TXT } },
		{ "\1a\7example\3com", ANS_TYPE_AAAA, true, 0, { ANS_TYPE_AAAA } },
		{ "\1a\7example\3com", ANS_TYPE_MX, true, 0,
		  { ANS_TYPE_SOA, ANS_TYPE_RRSIG, ANS_TYPE_NSEC, ANS_TYPE_RRSIG } },
		{ "\1a\7example\3com", ANS_TYPE_MX, false, 0, { ANS_TYPE_SOA } },
		/* NXDOMAIN: b is covered by a's NSEC, *.example.com (right
		 * after the apex in canonical order) by the apex's. */
		{ "\1b\7example\3com", ANS_TYPE_A, true, 3,
		  { ANS_TYPE_SOA, ANS_TYPE_RRSIG, ANS_TYPE_NSEC, ANS_TYPE_RRSIG,
		    ANS_TYPE_NSEC, ANS_TYPE_RRSIG } },
		/* below the ENT y: x.y's NSEC covers z.y, ns1's *.y */
		{ "\1z\1y\7example\3com", ANS_TYPE_A, true, 3,
		  { ANS_TYPE_SOA, ANS_TYPE_RRSIG, ANS_TYPE_NSEC, ANS_TYPE_RRSIG,
		    ANS_TYPE_NSEC, ANS_TYPE_RRSIG } },
		{ "\0010\7example\3com", ANS_TYPE_A, true, 3,   /* one NSEC does both */
		  { ANS_TYPE_SOA, ANS_TYPE_RRSIG, ANS_TYPE_NSEC, ANS_TYPE_RRSIG } },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint16_t types[16];
		uint8_t rcode;
		size_t n = ask(zs, (const uint8_t *)cases[i].name, strlen(cases[i].name) + 1,
			       cases[i].qtype, cases[i].edns_do, types, &rcode);
		size_t want = 0;
		while (want < 8 && cases[i].types[want])
			want++;
		assert_int_equal(rcode, cases[i].rcode);
		assert_int_equal(n, want);
		assert_memory_equal(types, cases[i].types, want * sizeof(types[0]));
	}
	ans_zoneset_free(zs);
	ans_zone_free(z);   /* the zone set does not own its zones */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grouping),
		cmocka_unit_test(test_unsigned),
		cmocka_unit_test(test_nsec_covering),
		cmocka_unit_test(test_nsec3),
		cmocka_unit_test(test_answers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
