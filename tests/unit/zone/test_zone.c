/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the zone snapshot (lib/zone/zone.c, zone_index.c), built
 * through the builder API with hand-made wire rdata, so that they depend
 * on the name and rdata-compare code only: node set (ENTs), flags,
 * occlusion, duplicates, TTL merging, canonical order, out-of-zone
 * records, lookups of every node and misses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lib/name/name.h"
#include "lib/wire/rdata.h"
#include "lib/zone/zone.h"
#include "lib/zone/zone_priv.h"

static uint8_t *wname(const char *text)
{
	static uint8_t bufs[8][ANS_NAME_MAX];
	static unsigned next;
	uint8_t *b = bufs[next++ % 8];
	size_t len;
	assert_int_equal(ans_name_from_text(b, &len, text, strlen(text), NULL), ANS_OK);
	return b;
}

static void add(struct ans_zone_builder *b, const char *owner, uint16_t type,
		uint32_t ttl, const void *rd, size_t rdlen, unsigned line)
{
	assert_int_equal(ans_zone_builder_add(b, wname(owner), type, ttl, rd,
					      (uint16_t)rdlen, 0, line), ANS_OK);
}

static void add_a(struct ans_zone_builder *b, const char *owner, uint8_t last,
		  uint32_t ttl, unsigned line)
{
	uint8_t a[4] = { 192, 0, 2, last };
	add(b, owner, ANS_TYPE_A, ttl, a, 4, line);
}

static void add_name_rr(struct ans_zone_builder *b, const char *owner,
			uint16_t type, const char *target)
{
	const uint8_t *t = wname(target);
	add(b, owner, type, 3600, t, ans_name_len(t), 1);
}

struct diag_log {
	unsigned count;
	unsigned lines[4];
	char msgs[4][256];
};

static void on_diag(void *ctx, enum ans_diag_level level, const char *file,
		    unsigned line, const char *msg)
{
	struct diag_log *d = ctx;
	(void)level;
	(void)file;
	if (d->count < 4) {
		d->lines[d->count] = line;
		snprintf(d->msgs[d->count], sizeof(d->msgs[0]), "%s", msg);
	}
	d->count++;
}

/* example.com. with a bit of everything; "Www" checks lowercasing. */
static struct ans_zone *build_example(struct diag_log *log)
{
	struct ans_zone_builder *b;
	assert_int_equal(ans_zone_builder_new(&b, wname("Example.COM.")), ANS_OK);
	assert_int_equal(ans_zone_builder_file(b, "example.zone"), 0);
	assert_int_equal(ans_zone_builder_file(b, "example.zone"), 0);
	static const uint8_t soa[] =
		"\3ns1\7example\3com\0\12hostmaster\7example\3com\0"
		"\x78\xa3\xf1\x75" "\0\0\x1c\x20" "\0\0\x0e\x10" "\0\x12\x75\0" "\0\0\1\x2c";
	add(b, "example.com.", ANS_TYPE_SOA, 3600, soa, sizeof(soa) - 1, 1);
	add_name_rr(b, "example.com.", ANS_TYPE_NS, "ns1.example.com.");
	add_a(b, "ns1.example.com.", 1, 3600, 3);
	add_a(b, "Www.example.com.", 3, 3600, 4);
	add_a(b, "www.example.com.", 3, 3600, 5);        /* duplicate */
	add_a(b, "www.example.com.", 2, 600, 6);         /* TTL mismatch */
	add_a(b, "a.b.ent.example.com.", 4, 3600, 7);    /* ENTs b.ent, ent */
	add_name_rr(b, "sub.example.com.", ANS_TYPE_NS, "ns.sub.example.com.");
	add_a(b, "ns.sub.example.com.", 5, 3600, 9);
	add_a(b, "deep.x.sub.example.com.", 6, 3600, 10); /* ENT x.sub occluded */
	add_name_rr(b, "dn.example.com.", ANS_TYPE_DNAME, "example.net.");
	add_a(b, "below.dn.example.com.", 7, 3600, 12);
	add_a(b, "*.wild.example.com.", 9, 3600, 13);
	add_name_rr(b, "alias.example.com.", ANS_TYPE_CNAME, "www.example.com.");
	add_a(b, "www.example.org.", 1, 3600, 15);       /* out of zone */
	struct ans_diag diag = { .fn = on_diag, .ctx = log };
	struct ans_zone *z;
	assert_int_equal(ans_zone_builder_finish(b, &diag, &z), ANS_OK);
	return z;
}

/* Every node, in canonical order (RFC 4034 §6.1), with its flags. */
static const struct {
	const char *name;
	uint16_t flags;
	uint16_t rrsets;
} expected_nodes[] = {
	{ "example.com.", ANS_NODE_APEX, 2 },
	{ "alias.example.com.", ANS_NODE_CNAME, 1 },
	{ "dn.example.com.", ANS_NODE_DNAME, 1 },
	{ "below.dn.example.com.", ANS_NODE_OCCLUDED, 1 },
	{ "ent.example.com.", ANS_NODE_ENT, 0 },
	{ "b.ent.example.com.", ANS_NODE_ENT, 0 },
	{ "a.b.ent.example.com.", 0, 1 },
	{ "ns1.example.com.", 0, 1 },
	{ "sub.example.com.", ANS_NODE_DELEG, 1 },
	{ "ns.sub.example.com.", ANS_NODE_OCCLUDED, 1 },
	{ "x.sub.example.com.", ANS_NODE_OCCLUDED | ANS_NODE_ENT, 0 },
	{ "deep.x.sub.example.com.", ANS_NODE_OCCLUDED, 1 },
	{ "wild.example.com.", ANS_NODE_ENT | ANS_NODE_HAS_WILDCARD, 0 },
	{ "*.wild.example.com.", 0, 1 },
	{ "www.example.com.", 0, 1 },
};

static void test_nodes_order_and_flags(void **state)
{
	(void)state;
	struct diag_log log = { 0 };
	struct ans_zone *z = build_example(&log);
	size_t n = sizeof(expected_nodes) / sizeof(expected_nodes[0]);
	assert_int_equal(z->node_count, n);
	for (size_t i = 0; i < n; i++) {
		const struct ans_node *node = &z->nodes[i];
		const uint8_t *want = wname(expected_nodes[i].name);
		if (!ans_name_equal(node->owner, want))
			fail_msg("node %zu is not %s", i, expected_nodes[i].name);
		assert_memory_equal(node->owner, want, ans_name_len(want));
		assert_int_equal(node->flags, expected_nodes[i].flags);
		assert_int_equal(node->rrset_count, expected_nodes[i].rrsets);
		/* lookup of every node finds that very node */
		assert_ptr_equal(ans_zone_find(z, want), node);
		if (i == 0) {
			assert_null(node->parent);
			assert_ptr_equal(z->apex_node, node);
		} else {
			assert_non_null(node->parent);
			assert_true(ans_name_equal(node->parent->owner,
						   want + want[0] + 1));
		}
	}
	ans_zone_free(z);
}

static void test_dedup_ttl_and_out_of_zone(void **state)
{
	(void)state;
	struct diag_log log = { 0 };
	struct ans_zone *z = build_example(&log);
	const struct ans_node *www = ans_zone_find(z, wname("www.example.com."));
	const struct ans_rrset *a = ans_node_rrset(www, ANS_TYPE_A);
	assert_non_null(a);
	assert_int_equal(a->count, 2);         /* the duplicate dropped */
	assert_int_equal(a->ttl, 3600);        /* the first TTL kept */
	assert_int_equal(a->src_line, 4);
	/* canonical rdata order: 192.0.2.2 before 192.0.2.3 */
	assert_int_equal(ans_get_u16(a->rdata), 4);
	assert_int_equal(a->rdata[5], 2);
	assert_int_equal(a->rdata[11], 3);
	assert_int_equal(log.count, 2);        /* out of zone, TTL mismatch */
	assert_int_equal(log.lines[0], 15);
	assert_non_null(strstr(log.msgs[0], "outside the zone"));
	assert_int_equal(log.lines[1], 6);
	assert_non_null(strstr(log.msgs[1], "TTL 600"));
	assert_null(ans_zone_find(z, wname("www.example.org.")));
	assert_int_equal(z->rr_count, 13);
	assert_int_equal(z->serial, 2024010101);
	assert_int_equal(ans_zone_soa_minimum(z), 300);
	assert_non_null(ans_zone_soa(z));
	assert_string_equal(z->files[0], "example.zone");
	assert_true(z->memory_bytes > 0);
	ans_zone_free(z);
}

static void test_misses(void **state)
{
	(void)state;
	struct diag_log log = { 0 };
	struct ans_zone *z = build_example(&log);
	static const char *const misses[] = {
		"nx.example.com.", "example.com.example.com.", "com.", ".",
		"c.b.ent.example.com.", "x.wild.example.com.", "ww.example.com.",
	};
	for (size_t i = 0; i < sizeof(misses) / sizeof(misses[0]); i++)
		if (ans_zone_find(z, wname(misses[i])))
			fail_msg("%s found", misses[i]);
	const struct ans_node *apex = z->apex_node;
	assert_null(ans_node_rrset(apex, ANS_TYPE_MX));
	assert_non_null(ans_node_rrset(apex, ANS_TYPE_NS));
	ans_zone_free(z);
}

static void test_empty_and_meta(void **state)
{
	(void)state;
	struct ans_zone_builder *b;
	assert_int_equal(ans_zone_builder_new(&b, wname("empty.test.")), ANS_OK);
	assert_int_equal(ans_zone_builder_add(b, wname("empty.test."), ANS_TYPE_ANY,
					      0, (const uint8_t *)"", 0, -1, 0), ANS_EINVAL);
	struct ans_zone *z;
	assert_int_equal(ans_zone_builder_finish(b, NULL, &z), ANS_OK);
	assert_int_equal(z->node_count, 1);
	assert_int_equal(z->nodes[0].flags, ANS_NODE_APEX | ANS_NODE_ENT);
	assert_null(ans_zone_soa(z));
	assert_int_equal(z->serial, 0);
	ans_zone_free(z);
	ans_zone_builder_free(NULL);
	ans_zone_free(NULL);
}

/* A zone of many names: each one found, hash collisions resolved. */
static void test_many_names(void **state)
{
	(void)state;
	struct ans_zone_builder *b;
	assert_int_equal(ans_zone_builder_new(&b, wname("big.test.")), ANS_OK);
	char name[64];
	for (unsigned i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "h%u.g%u.big.test.", i, i % 37);
		add_a(b, name, (uint8_t)i, 60, i + 1);
	}
	struct ans_zone *z;
	assert_int_equal(ans_zone_builder_finish(b, NULL, &z), ANS_OK);
	assert_int_equal(z->node_count, 1 + 37 + 5000);
	for (unsigned i = 0; i < 5000; i += 7) {
		snprintf(name, sizeof(name), "h%u.g%u.big.test.", i, i % 37);
		const struct ans_node *n = ans_zone_find(z, wname(name));
		assert_non_null(n);
		assert_int_equal(n->rrsets[0].src_line, i + 1);
		snprintf(name, sizeof(name), "h%u.g%u.big.test.", i, (i + 1) % 37);
		assert_null(ans_zone_find(z, wname(name)));
	}
	for (size_t i = 1; i < z->node_count; i++)
		assert_true(ans_name_cmp(z->nodes[i - 1].owner, z->nodes[i].owner) < 0);
	ans_zone_free(z);
}

static void add_mx(struct ans_zone_builder *b, const char *owner, uint16_t pref,
		   const char *target)
{
	uint8_t rd[2 + ANS_NAME_MAX];
	const uint8_t *t = wname(target);
	ans_put_u16(rd, pref);
	memcpy(rd + 2, t, ans_name_len(t));
	add(b, owner, ANS_TYPE_MX, 3600, rd, 2 + ans_name_len(t), 1);
}

static void add_srv(struct ans_zone_builder *b, const char *owner, const char *target)
{
	uint8_t rd[6 + ANS_NAME_MAX] = { 0, 1, 0, 2, 0, 53 };
	const uint8_t *t = wname(target);
	memcpy(rd + 6, t, ans_name_len(t));
	add(b, owner, ANS_TYPE_SRV, 3600, rd, 6 + ans_name_len(t), 1);
}

/* The additional-section entries resolved at build time: per RRset, the
 * address nodes of its in-zone targets in rdata (canonical) order, with
 * the glue flags; targets outside the zone, without a node or without
 * A/AAAA get no entry. */
static const struct {
	const char *owner;
	uint16_t type;
	const char *entries;   /* "name flags;..." (flags: o occluded, b below) */
} addl_cases[] = {
	{ "example.com.", ANS_TYPE_NS, "ns1.example.com. b;" },
	{ "sub.example.com.", ANS_TYPE_NS,
	  "ns.sib.example.com. o;ns.sub.example.com. ob;ns1.example.com. -;" },
	{ "sib.example.com.", ANS_TYPE_NS, "ns.sib.example.com. ob;" },
	{ "mail.example.com.", ANS_TYPE_MX, "v6.example.com. -;v6.example.com. -;" },
	{ "_dns._udp.example.com.", ANS_TYPE_SRV, "ns1.example.com. -;" },
};

static struct ans_zone *build_addl_zone(void)
{
	struct ans_zone_builder *b;
	assert_int_equal(ans_zone_builder_new(&b, wname("example.com.")), ANS_OK);
	add_name_rr(b, "example.com.", ANS_TYPE_NS, "ns1.example.com.");
	add_name_rr(b, "example.com.", ANS_TYPE_NS, "ns.example.net.");
	add_a(b, "ns1.example.com.", 1, 3600, 1);
	add_name_rr(b, "sub.example.com.", ANS_TYPE_NS, "NS.sub.example.com.");
	add_name_rr(b, "sub.example.com.", ANS_TYPE_NS, "ns1.example.com.");
	add_name_rr(b, "sub.example.com.", ANS_TYPE_NS, "ns.sib.example.com.");
	add_name_rr(b, "sub.example.com.", ANS_TYPE_NS, "nowhere.example.com.");
	add_a(b, "ns.sub.example.com.", 2, 3600, 1);
	add_name_rr(b, "sib.example.com.", ANS_TYPE_NS, "ns.sib.example.com.");
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	add(b, "ns.sib.example.com.", ANS_TYPE_AAAA, 3600, v6, 16, 1);
	add(b, "v6.example.com.", ANS_TYPE_AAAA, 3600, v6, 16, 1);
	add_a(b, "txt-only.example.com.", 3, 3600, 1);
	add_mx(b, "mail.example.com.", 10, "v6.example.com.");
	add_mx(b, "mail.example.com.", 20, "mx.example.org.");
	add_mx(b, "mail.example.com.", 30, "V6.example.com.");
	add_mx(b, "mail.example.com.", 40, "ent.x.example.com.");
	add_a(b, "a.ent.x.example.com.", 4, 3600, 1);
	add_srv(b, "_dns._udp.example.com.", "ns1.example.com.");
	struct ans_zone *z;
	assert_int_equal(ans_zone_builder_finish(b, NULL, &z), ANS_OK);
	return z;
}

static void test_additional_links(void **state)
{
	(void)state;
	struct ans_zone *z = build_addl_zone();
	for (size_t c = 0; c < sizeof(addl_cases) / sizeof(addl_cases[0]); c++) {
		const struct ans_node *n = ans_zone_find(z, wname(addl_cases[c].owner));
		assert_non_null(n);
		const struct ans_rrset *rs = ans_node_rrset(n, addl_cases[c].type);
		assert_non_null(rs);
		const uint8_t *e;
		unsigned count = ans_rrset_addl(rs, &e);
		char got[4096] = "";
		for (unsigned i = 0; i < count; i++) {
			uint32_t v;
			char text[ANS_NAME_TEXT_MAX];
			memcpy(&v, e + 4 * i, 4);
			assert_true((v & ANS_ADDL_NODE) >= 1 &&
				    (v & ANS_ADDL_NODE) <= z->node_count);
			const struct ans_node *t = &z->nodes[(v & ANS_ADDL_NODE) - 1];
			assert_true(ans_name_to_text(t->owner, text, sizeof(text)) > 0);
			const char *flags = (v & ANS_ADDL_OCCLUDED) ?
				(v & ANS_ADDL_BELOW ? "ob" : "o") :
				(v & ANS_ADDL_BELOW ? "b" : "-");
			snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s %s;",
				 text, flags);
		}
		if (strcmp(got, addl_cases[c].entries) != 0)
			fail_msg("%s type %u: got \"%s\", want \"%s\"", addl_cases[c].owner,
				 addl_cases[c].type, got, addl_cases[c].entries);
	}
	ans_zone_free(z);
}

/* The index's inline compare: every length up to a name's 255 bytes, a
 * difference at every position found, equal bytes equal. */
static void test_bytes_equal(void **state)
{
	(void)state;
	uint8_t a[ANS_NAME_MAX], b[ANS_NAME_MAX];
	for (size_t i = 0; i < sizeof(a); i++)
		a[i] = (uint8_t)(i * 7 + 1);
	for (size_t len = 0; len <= sizeof(a); len++) {
		memcpy(b, a, sizeof(a));
		assert_true(ans_zone_bytes_equal(a, b, len));
		for (size_t at = 0; at < len; at++) {
			b[at] ^= 0x20;
			assert_false(ans_zone_bytes_equal(a, b, len));
			b[at] ^= 0x20;
		}
		if (len < sizeof(a)) {
			b[len] ^= 1;   /* a byte past the length does not count */
			assert_true(ans_zone_bytes_equal(a, b, len));
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nodes_order_and_flags),
		cmocka_unit_test(test_dedup_ttl_and_out_of_zone),
		cmocka_unit_test(test_misses),
		cmocka_unit_test(test_empty_and_meta),
		cmocka_unit_test(test_many_names),
		cmocka_unit_test(test_additional_links),
		cmocka_unit_test(test_bytes_equal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
