/* SPDX-License-Identifier: MIT */
/*
 * Applying changesets: the snapshot ans_changeset_apply() gives must behave
 * exactly as a full build of the resulting zone text, for random chains of
 * changesets over a small universe of RRs (delegations, glue, a wildcard,
 * NS/MX targets, TTL changes, RRs removed and added back): the same RRs and
 * TTLs, the same nodes, flags, parents, additional-section links, referral
 * blocks and negative-answer SOA, and the same result for every lookup.
 * With --bench FILE ORIGIN [RUNS]: the apply CPU bench (apply_bench.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "tests/unit/xfr/apply_bench.h"
#include "tests/unit/xfr/xfr_test_util.h"
#include "lib/zone/zone_priv.h"

#define NOWNERS 14
#define NKINDS 9
#define NVALS 4
#define NU (NOWNERS * NKINDS * NVALS)
#define KIND_DNSSEC 5           /* kinds from here on: RRSIG, NSEC, NSEC3... */

/* Owners: a delegation (d) with glue below it, a second one (k) whose
 * glue a chain can add or remove, wildcards under an owner and under
 * empty non-terminals (w, e.f), deep names whose empty non-terminals come
 * and go (x.y.z, g.e.f), and two NSEC3 hash owners. */
#define H1 "1lt7ve0jrm8fp1c6vrbgu5sk4n5j1sn0"
#define H2 "8qaq2l9ahq66lqn3jqbkuoo3cr3o7flh"
static const char *const owners[NOWNERS] = {
	"@", "a", "b.a", "*.w", "c.b.a", "d", "ns.d", "x.y.z",
	"*.e.f", "g.e.f", "k", "ns.k", H1, H2,
};
/* One candidate RR of the universe: its wire form (pointers into the
 * universe snapshot) and text, whether the model has it, its TTL and the
 * order of its last addition (0: from the first version). */
struct model_rr {
	struct ans_xfr_rr rr;
	char text[1400];
	bool is_present;
	uint32_t ttl;
	uint32_t seq;
};

struct model {
	struct model_rr u[NU];
	int kind[NU];
	size_t n;
	struct ans_zone *universe;
	uint32_t serial;
	uint32_t seq;
	uint64_t rng;
	bool dnssec;            /* the DNSSEC kinds may be present */
};

static uint32_t rnd(struct model *m, uint32_t n)
{
	m->rng = m->rng * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(m->rng >> 33) % n;
}

static void kind_text(int kind, int v, char *out, size_t size)
{
	static const char *const targets[NVALS] = { "a", "ns.d", "ns.k", "g.e.f" };
	static const char *const next[NVALS] = { H1, H2, "a", "x.y.z" };
	switch (kind) {
	case 0: snprintf(out, size, "A 192.0.2.%d", v + 1); break;
	case 1: snprintf(out, size, "AAAA 2001:db8::%d", v + 1); break;
	case 2: snprintf(out, size, "TXT t%d", v + 1); break;
	case 3: snprintf(out, size, "MX %d %s", v + 1, targets[v]); break;
	case 4: snprintf(out, size, "NS %s", targets[v]); break;
	case 5: snprintf(out, size, "RRSIG %s 8 1 3600 20300101000000 20200101000000 %d "
			 "example.com. AAAA", v % 2 ? "A" : "TXT", v + 1); break;
	case 6: snprintf(out, size, "NSEC %s A RRSIG", next[v]); break;
	case 7: snprintf(out, size, "NSEC3 1 0 %d - %s A RRSIG", v % 2, v < 2 ? H1 : H2); break;
	default: snprintf(out, size, "NSEC3PARAM 1 0 %d %s", v % 2, v < 2 ? "-" : "ab"); break;
	}
}

static bool may_have(const struct model *m, int kind)
{
	return kind < KIND_DNSSEC || m->dnssec;
}

static void rr_text(const struct ans_xfr_rr *rr, char *out, size_t size)
{
	char name[ANS_NAME_TEXT_MAX], type[16], rd[128];
	assert_true(ans_name_to_text(rr->owner, name, sizeof(name)) > 0);
	assert_true(ans_rrtype_to_text(rr->type, type, sizeof(type)) > 0);
	assert_true(ans_rdata_to_text(rr->type, rr->rdata, rr->rdlen, rd, sizeof(rd)) >= 0);
	snprintf(out, size, "%s %s %s", name, type, rd);
}

static int kind_of(uint16_t type)
{
	static const uint16_t types[NKINDS] = {
		ANS_TYPE_A, ANS_TYPE_AAAA, ANS_TYPE_TXT, ANS_TYPE_MX, ANS_TYPE_NS,
		ANS_TYPE_RRSIG, ANS_TYPE_NSEC, ANS_TYPE_NSEC3, ANS_TYPE_NSEC3PARAM,
	};
	for (int k = 0; k < NKINDS; k++)
		if (types[k] == type)
			return k;
	fail();
	return 0;
}

/* The universe: every candidate RR in one snapshot, so each has a wire
 * form; a random 40 % of them are the first version, with one TTL per
 * RRset (300 or 3600). */
static void model_init(struct model *m, uint64_t seed)
{
	memset(m, 0, sizeof(*m));
	m->rng = seed;
	m->serial = 100;
	m->dnssec = seed % 3 == 0;
	char *text = malloc(NU * 160 + 128);
	size_t len = (size_t)sprintf(text, "@ 3600 SOA ns hm 1 7200 900 1209600 300\n");
	for (int i = 0; i < NU; i++) {
		char rd[128];
		kind_text(i / NVALS % NKINDS, i % NVALS, rd, sizeof(rd));
		len += (size_t)sprintf(text + len, "%s 3600 %s\n", owners[i / (NKINDS * NVALS)], rd);
	}
	m->universe = zone_from_text(text);
	assert_non_null(m->universe);
	free(text);
	struct ans_zone_cursor it;
	struct ans_xfr_rr rr;
	ans_zone_cursor_init(&it, m->universe);
	while (ans_zone_cursor_next(&it, &rr)) {
		if (rr.type == ANS_TYPE_SOA)
			continue;
		struct model_rr *u = &m->u[m->n];
		u->rr = rr;
		rr_text(&rr, u->text, sizeof(u->text));
		m->kind[m->n++] = kind_of(rr.type);
		u->is_present = rnd(m, 10) < 1 && may_have(m, m->kind[m->n - 1]);
		u->ttl = (ans_name_hash(rr.owner) + rr.type) % 2 ? 300 : 3600;
	}
	assert_int_equal(m->n, NU);
}

/* The SOA line of the model's current serial. */
static int soa_line(const struct model *m, char *out, size_t size)
{
	return snprintf(out, size, "@ 3600 SOA ns hm %u 7200 900 1209600 300\n", m->serial);
}

/* The TTL of a present RR's RRset: that of its newest added member
 * (ans_changeset_apply's rule), or the first version's. RRSIGs form one
 * RRset per covered type (RFC 4034 §3: each has its RRset's TTL). */
static uint32_t rrset_ttl(const struct model *m, const struct model_rr *r)
{
	const struct model_rr *best = r;
	for (size_t i = 0; i < m->n; i++) {
		const struct model_rr *o = &m->u[i];
		if (o->is_present && o->rr.type == r->rr.type &&
		    ans_name_equal(o->rr.owner, r->rr.owner) && o->seq > best->seq &&
		    (r->rr.type != ANS_TYPE_RRSIG ||
		     memcmp(o->rr.rdata, r->rr.rdata, 2) == 0))
			best = o;
	}
	return best->ttl;
}

/* The model as zone text, every RR with its RRset's TTL. */
static struct ans_zone *model_zone(const struct model *m)
{
	char *text = malloc(NU * 1500 + 128);
	size_t len = (size_t)soa_line(m, text, 128);
	for (size_t i = 0; i < m->n; i++) {
		const struct model_rr *r = &m->u[i];
		if (!r->is_present)
			continue;
		/* "owner type rdata" -> "owner ttl type rdata" */
		const char *sp = strchr(r->text, ' ');
		len += (size_t)sprintf(text + len, "%.*s %u%s\n", (int)(sp - r->text), r->text,
				       rrset_ttl(m, r), sp);
	}
	struct ans_zone *z = zone_from_text(text);
	free(text);
	assert_non_null(z);
	return z;
}

static void set_soa(struct ans_changeset *cs, bool is_to, uint32_t serial)
{
	char text[128];
	struct model tmp = { .serial = serial };
	soa_line(&tmp, text, sizeof(text));
	struct ans_zone *z = zone_from_text(text);
	struct ans_xfr_rr soa;
	struct ans_zone_cursor it;
	ans_zone_cursor_init(&it, z);
	assert_true(ans_zone_cursor_next(&it, &soa));
	assert_int_equal(ans_changeset_set_soa(cs, is_to, &soa), ANS_OK);
	ans_zone_free(z);
}

/* Removes every RR of a random owner that has some, or adds two RRs to
 * one that has none: nodes (and their empty non-terminals) come and go. */
static void owner_change(struct ans_changeset *cs, struct model *m)
{
	const struct ans_xfr_rr *pick = &m->u[rnd(m, (uint32_t)m->n)].rr;
	bool any = false;
	for (size_t i = 0; i < m->n; i++)
		any |= m->u[i].is_present && ans_name_equal(m->u[i].rr.owner, pick->owner);
	for (size_t i = 0; i < m->n; i++) {
		struct model_rr *r = &m->u[i];
		if (!ans_name_equal(r->rr.owner, pick->owner) || r->is_present != any ||
		    (!any && (!may_have(m, m->kind[i]) || rnd(m, 18) > 1)))
			continue;
		struct ans_xfr_rr rr = r->rr;
		if (!any)
			rr.ttl = r->ttl = 300;
		assert_int_equal(ans_changeset_add(cs, any ? ANS_CS_REMOVE : ANS_CS_ADD, &rr),
				 ANS_OK);
		r->is_present = !any;
		if (!any)
			r->seq = ++m->seq;
	}
}

/* One random changeset on the model: some present RRs removed, then some
 * absent ones added (possibly those just removed, with a new TTL). */
static struct ans_changeset *random_changeset(struct model *m)
{
	struct ans_changeset *cs;
	assert_int_equal(ans_changeset_new(&cs), ANS_OK);
	set_soa(cs, false, m->serial);
	set_soa(cs, true, ++m->serial);
	uint32_t removals = rnd(m, 6), adds = rnd(m, 6);
	for (uint32_t k = 0; k < removals; k++) {
		struct model_rr *r = &m->u[rnd(m, (uint32_t)m->n)];
		if (!r->is_present)
			continue;
		assert_int_equal(ans_changeset_add(cs, ANS_CS_REMOVE, &r->rr), ANS_OK);
		r->is_present = false;
	}
	if (rnd(m, 3) == 0)
		owner_change(cs, m);
	for (uint32_t k = 0; k < adds; k++) {
		size_t i = rnd(m, (uint32_t)m->n);
		struct model_rr *r = &m->u[i];
		if (r->is_present || !may_have(m, m->kind[i]))
			continue;
		static const uint32_t ttls[] = { 60, 300, 3600 };
		struct ans_xfr_rr rr = r->rr;
		rr.ttl = r->ttl = ttls[rnd(m, 3)];
		assert_int_equal(ans_changeset_add(cs, ANS_CS_ADD, &rr), ANS_OK);
		r->is_present = true;
		r->seq = ++m->seq;
	}
	return cs;
}

static void assert_same_rrset(const struct ans_rrset *a, const struct ans_rrset *b)
{
	assert_int_equal(a->type, b->type);
	assert_int_equal(a->count, b->count);
	/* The node's one RRSIG RRset takes the TTL of whichever record came
	 * first; what is served are its per-covered-type groups (below). */
	if (a->type != ANS_TYPE_RRSIG)
		assert_int_equal(a->ttl, b->ttl);
	assert_int_equal(a->rdata_len, b->rdata_len);
	assert_memory_equal(a->rdata, b->rdata, a->rdata_len);
	assert_int_equal(a->sig_off == 0, b->sig_off == 0);
	if (a->sig_off) {
		const struct ans_rrset *sa = ans_rrset_sigs(a), *sb = ans_rrset_sigs(b);
		assert_int_equal(sa->ttl, sb->ttl);
		assert_int_equal(sa->count, sb->count);
		assert_int_equal(sa->rdata_len, sb->rdata_len);
		assert_memory_equal(sa->rdata, sb->rdata, sa->rdata_len);
	}
	if (a->type == ANS_TYPE_NS || a->type == ANS_TYPE_MX) {
		const uint8_t *ea, *eb;
		unsigned na = ans_rrset_addl(a, &ea), nb = ans_rrset_addl(b, &eb);
		assert_int_equal(na, nb);
		assert_memory_equal(ea, eb, 4 * (size_t)na);
	}
	if (a->type == ANS_TYPE_NS) {
		struct ans_referral_wire ra, rb;
		bool ha = ans_rrset_referral(a, &ra), hb = ans_rrset_referral(b, &rb);
		assert_int_equal(ha, hb);
		if (ha) {
			assert_int_equal(ra.len, rb.len);
			assert_memory_equal(ra.rr, rb.rr, ra.len);
			assert_int_equal(ra.nptr, rb.nptr);
			assert_int_equal(ra.ncompr, rb.ncompr);
		}
	}
}

/* A lookup of `name` finds the same node (by index) in both zones. */
static void assert_same_find(const struct ans_zone *a, const struct ans_zone *b,
			     const uint8_t *name)
{
	const struct ans_node *na = ans_zone_find(a, name), *nb = ans_zone_find(b, name);
	assert_int_equal(na == NULL, nb == NULL);
	if (na)
		assert_int_equal(na - a->nodes, nb - b->nodes);
}

/* The NSEC and NSEC3 records proving `name` absent are the same nodes. */
static void assert_same_denial(const struct ans_zone *a, const struct ans_zone *b,
			       const uint8_t *name)
{
	const struct ans_node *na = ans_zone_nsec_covering(a, name);
	const struct ans_node *nb = ans_zone_nsec_covering(b, name);
	assert_int_equal(na ? na - a->nodes : -1, nb ? nb - b->nodes : -1);
	assert_int_equal(ans_zone_is_nsec3(a), ans_zone_is_nsec3(b));
	uint8_t ha[20], hb[20];
	if (!ans_zone_nsec3_hash(a, name, ha))
		return;
	assert_true(ans_zone_nsec3_hash(b, name, hb));
	assert_memory_equal(ha, hb, 20);
	bool ea, eb;
	na = ans_zone_nsec3_find(a, ha, &ea);
	nb = ans_zone_nsec3_find(b, hb, &eb);
	assert_int_equal(na ? na - a->nodes : -1, nb ? nb - b->nodes : -1);
	assert_int_equal(ea, eb);
}

/* Whether z was made by ans_zone_patch() (zone_priv.h), and whether its
 * node set differs from `from`'s. */
static bool was_patched(const struct ans_zone *z)
{
	return ((const struct zone_mem *)z->priv)->depth > 0;
}

static bool nodes_moved(const struct ans_zone *z, const struct ans_zone *from)
{
	if (z->node_count != from->node_count)
		return true;
	for (size_t i = 0; i < z->node_count; i++)
		if (!ans_name_equal(z->nodes[i].owner, from->nodes[i].owner))
			return true;
	return false;
}

/* Everything a reader of a snapshot can see is the same. */
static void assert_same_snapshot(const struct ans_zone *a, const struct ans_zone *b)
{
	char *ta = zone_text(a), *tb = zone_text(b);
	assert_string_equal(ta, tb);
	free(ta);
	free(tb);
	assert_int_equal(a->serial, b->serial);
	assert_int_equal(a->rr_count, b->rr_count);
	assert_int_equal(a->node_count, b->node_count);
	assert_int_equal(a->apex_node - a->nodes, b->apex_node - b->nodes);
	for (size_t i = 0; i < a->node_count; i++) {
		const struct ans_node *x = &a->nodes[i], *y = &b->nodes[i];
		assert_true(ans_name_equal(x->owner, y->owner));
		assert_int_equal(x->flags, y->flags);
		assert_int_equal(x->parent ? x->parent - a->nodes : -1,
				 y->parent ? y->parent - b->nodes : -1);
		assert_int_equal(x->rrset_count, y->rrset_count);
		for (uint16_t k = 0; k < x->rrset_count; k++)
			assert_same_rrset(&x->rrsets[k], &y->rrsets[k]);
		uint8_t below[ANS_NAME_MAX] = "\002zz";
		ans_name_copy(below + 3, x->owner);
		assert_same_find(a, b, x->owner);
		assert_same_find(a, b, below);
		assert_same_denial(a, b, x->owner);
		assert_same_denial(a, b, below);
	}
	assert_int_equal(a->dnssec == NULL, b->dnssec == NULL);
	const struct ans_zone_soa_wire *sa = ans_zone_soa_wire(a), *sb = ans_zone_soa_wire(b);
	assert_int_equal(sa == NULL, sb == NULL);
	if (sa) {
		/* The three pointer placeholders are left unwritten. */
		uint8_t wa[512], wb[512];
		assert_int_equal(sa->len, sb->len);
		assert_int_equal(sa->mname_ptr, sb->mname_ptr);
		assert_int_equal(sa->rname_ptr, sb->rname_ptr);
		memcpy(wa, sa->rr, sa->len);
		memcpy(wb, sb->rr, sb->len);
		const uint16_t holes[3] = { 0, sa->mname_ptr, sa->rname_ptr };
		for (int i = 0; i < 3; i++)
			memset(wa + holes[i], 0, 2), memset(wb + holes[i], 0, 2);
		assert_memory_equal(wa, wb, sa->len);
	}
}

/* Random chains of 1-4 changesets, applied at once and one by one, each
 * compared with a full build of the model's text. */
static void test_apply_random(void **state)
{
	(void)state;
	static struct model m;
	size_t patched = 0, steps = 0, moved = 0, signed_moved = 0, full_moved = 0;
	for (uint64_t seed = 1; seed <= 300; seed++) {
		model_init(&m, seed);
		struct ans_zone *old = model_zone(&m), *step = old;
		struct ans_changeset *cs[4];
		size_t n = 1 + rnd(&m, 4);
		for (size_t i = 0; i < n; i++) {
			cs[i] = random_changeset(&m);
			struct ans_zone *next;
			const struct ans_changeset *one[1] = { cs[i] };
			assert_int_equal(ans_changeset_apply(step, one, 1, NULL, &next), ANS_OK);
			/* A patched snapshot shares its index (zone_patch.c). */
			bool p = was_patched(next), mv = nodes_moved(next, step);
			patched += p;
			moved += p && mv;
			signed_moved += p && mv && next->dnssec;
			full_moved += !p && mv;
			steps++;
			if (step != old)
				ans_zone_free(step);
			step = next;
		}
		struct ans_zone *got, *want = model_zone(&m);
		assert_int_equal(ans_changeset_apply(old, (const struct ans_changeset *const *)cs,
						     n, NULL, &got), ANS_OK);
		patched += was_patched(got);
		steps++;
		assert_same_snapshot(got, want);
		/* One by one differs only where a TTL came from a changeset
		 * before the last: the RRs and structure must still agree. */
		char *tw = zone_text(want), *ts = zone_text(step);
		if (strcmp(tw, ts) == 0)
			assert_same_snapshot(step, want);
		free(tw);
		free(ts);
		for (size_t i = 0; i < n; i++)
			ans_changeset_free(cs[i]);
		ans_zone_free(got);
		ans_zone_free(want);
		ans_zone_free(step);
		ans_zone_free(old);
		ans_zone_free(m.universe);
	}
	/* Both paths must have been compared: the patch (ans_zone_patch) and
	 * the full build it falls back to. */
	print_message("%zu of %zu applies patched; %zu patched with nodes added or "
		      "removed (%zu signed), %zu such built in full\n", patched, steps,
		      moved, signed_moved, full_moved);
	assert_true(patched >= steps / 10);
	assert_true(patched <= steps - steps / 10);
	assert_true(moved >= steps / 10);
	assert_true(signed_moved > 0 && full_moved > 0);
}

/* A changeset that moves `old` one serial on and replaces `n` A records
 * spread over the zone by one with another address each (remove + add at
 * the same owner): the common IXFR that keeps the zone's shape, which
 * ans_zone_patch() handles. Counted as 2n records. */
static struct ans_changeset *inplace_changeset(const struct ans_zone *old, size_t n)
{
	struct ans_changeset *cs = bench_changeset(old, 0);
	size_t step = old->rr_count / (n + 1), k = 0;
	struct ans_zone_cursor it;
	struct ans_xfr_rr rr;
	ans_zone_cursor_init(&it, old);
	for (size_t i = 0; k < n && ans_zone_cursor_next(&it, &rr); i++) {
		if (i < step * (k + 1) || rr.type != ANS_TYPE_A || rr.rdlen != 4)
			continue;
		uint8_t a[4] = { 10, 254, (uint8_t)(k >> 8), (uint8_t)k };
		struct ans_xfr_rr add = rr;
		add.rdata = a;
		if (ans_changeset_add(cs, ANS_CS_REMOVE, &rr) ||
		    ans_changeset_add(cs, ANS_CS_ADD, &add))
			abort();
		k++;
	}
	return cs;
}

/* --bench-inplace FILE ORIGIN [RUNS]: median CPU ms of applying 1, 100 and
 * 10,000 in-place A changes, and the process's peak RSS. */
static int inplace_bench(const char *path, const char *origin_text, int runs)
{
	uint8_t origin[ANS_NAME_MAX];
	struct ans_zone *z;
	if (bench_load_zone(path, origin_text, origin, &z))
		return 1;
	runs = bench_runs(runs);
	static const size_t sizes[] = { 1, 100, 10000 };
	for (size_t s = 0; s < 3; s++) {
		struct ans_changeset *cs = inplace_changeset(z, sizes[s]);
		const struct ans_changeset *chain[1] = { cs };
		double t[BENCH_RUNS_MAX];
		for (int r = 0; r < runs; r++) {
			struct ans_zone *nz;
			double t0 = bench_cpu_ms();
			if (ans_changeset_apply(z, chain, 1, NULL, &nz))
				return 1;
			t[r] = bench_cpu_ms() - t0;
			printf("# patched %d\n", nz->index == z->index);
			ans_zone_free(nz);
		}
		bench_sort(t, runs);
		printf("inplace %zu %.2f\n", 2 * sizes[s], t[runs / 2]);
		ans_changeset_free(cs);
	}
	ans_zone_free(z);
	return 0;
}

/* A changeset that adds `add` new owners "bench-add-<i>" (one A each) and
 * removes every record of `del` host names spread over the zone (owners
 * with an address and no name below them): nodes appear and vanish. */
static struct ans_changeset *owners_changeset(const struct ans_zone *old, size_t add,
					      size_t del)
{
	struct ans_changeset *cs = bench_changeset(old, 0);
	for (size_t i = 0; i < add; i++) {
		uint8_t owner[ANS_NAME_MAX], a[4] = { 10, 255, (uint8_t)(i >> 8), (uint8_t)i };
		int l = snprintf((char *)owner + 1, 64, "bench-add-%zu", i);
		owner[0] = (uint8_t)l;
		ans_name_copy(owner + 1 + l, old->apex);
		struct ans_xfr_rr rr = { owner, ANS_TYPE_A, 4, 3600, a };
		if (ans_changeset_add(cs, ANS_CS_ADD, &rr))
			abort();
	}
	size_t step = old->node_count / (del + 1), k = 0;
	for (size_t i = step; k < del && i + 1 < old->node_count; i++) {
		const struct ans_node *n = &old->nodes[i];
		if (i < step * (k + 1) || !ans_node_rrset(n, ANS_TYPE_A) ||
		    ans_name_is_sub(old->nodes[i + 1].owner, n->owner))
			continue;
		for (uint16_t r = 0; r < n->rrset_count; r++) {
			struct ans_rrset_walk w;
			struct ans_xfr_rr rr;
			ans_rrset_walk_init(&w, n, &n->rrsets[r]);
			while (ans_rrset_walk_next(&w, &rr)) {
				rr.owner = n->owner;
				if (ans_changeset_add(cs, ANS_CS_REMOVE, &rr))
					abort();
			}
		}
		k++;
	}
	return cs;
}

/* --bench-owners FILE ORIGIN [RUNS] [CASE]: median CPU ms of applying 1,
 * 100 and 1,000 added owners and 1 and 100 removed ones (CASE "add:N" or
 * "del:N" runs one, so that /usr/bin/time gives its peak RSS). */
static int owners_bench(const char *path, const char *origin_text, int runs,
			const char *only)
{
	uint8_t origin[ANS_NAME_MAX];
	struct ans_zone *z;
	if (bench_load_zone(path, origin_text, origin, &z))
		return 1;
	runs = bench_runs(runs);
	static const struct { const char *name; size_t add, del; } cases[] = {
		{ "add:1", 1, 0 }, { "add:100", 100, 0 }, { "add:1000", 1000, 0 },
		{ "del:1", 0, 1 }, { "del:100", 0, 100 },
	};
	for (size_t s = 0; s < sizeof(cases) / sizeof(cases[0]); s++) {
		if (only && strcmp(only, cases[s].name) != 0)
			continue;
		struct ans_changeset *cs = owners_changeset(z, cases[s].add, cases[s].del);
		const struct ans_changeset *chain[1] = { cs };
		double t[BENCH_RUNS_MAX];
		int patched = 0;
		for (int r = 0; r < runs; r++) {
			struct ans_zone *nz;
			double t0 = bench_cpu_ms();
			if (ans_changeset_apply(z, chain, 1, NULL, &nz))
				return 1;
			t[r] = bench_cpu_ms() - t0;
			patched = ((const struct zone_mem *)nz->priv)->depth > 0;
			ans_zone_free(nz);
		}
		bench_sort(t, runs);
		printf("owners %s %.2f patched %d\n", cases[s].name, t[runs / 2], patched);
		ans_changeset_free(cs);
	}
	ans_zone_free(z);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && strcmp(argv[1], "--bench") == 0)
		return apply_bench(argv[2], argv[3], argc > 4 ? atoi(argv[4]) : 3);
	if (argc >= 4 && strcmp(argv[1], "--bench-inplace") == 0)
		return inplace_bench(argv[2], argv[3], argc > 4 ? atoi(argv[4]) : 3);
	if (argc >= 4 && strcmp(argv[1], "--bench-owners") == 0)
		return owners_bench(argv[2], argv[3], argc > 4 ? atoi(argv[4]) : 3,
				    argc > 5 ? argv[5] : NULL);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apply_random),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
