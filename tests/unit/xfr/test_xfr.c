/* SPDX-License-Identifier: MIT */
/* Outgoing AXFR/IXFR fed back to the incoming state machine: round trips
 * (small, 50k records, IXFR chains, AXFR-style, up to date, UDP), message
 * layout, and every error the incoming side must catch. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "lib/xfr/diff.h"
#include "lib/xfr/ixfr_out.h"
#include "lib/xfr/zonemd.h"
#include "tests/unit/xfr/xfr_test_util.h"

#define ZONE_HEAD "$TTL 3600\n@ SOA ns.example.com. hm.example.com. %u 7200 900 1209600 300\n" \
		  "@ NS ns\nns A 192.0.2.1\nns AAAA 2001:db8::1\n"
static const char body[] =
	"@ NS ns.sub\n@ MX 10 mail\nmail A 192.0.2.25\nwww CNAME ns\n*.w TXT \"wild\" \"two\"\n"
	"sub NS ns.sub\nns.sub A 192.0.2.53\n_sip._udp SRV 0 5 5060 ns\nt 60 TXT \"x\"\n"
	"ds DS 12345 8 2 49FD46E6C4B45C55D4AC69CBD3CD34AC1AFE51DE2F1D0C5AEFE1F2B05C9AC2B5\n";

static struct ans_zone *zone_serial(unsigned serial, const char *extra)
{
	char text[8192];
	int n = snprintf(text, sizeof(text), ZONE_HEAD, serial);
	snprintf(text + n, sizeof(text) - (size_t)n, "%s", extra);
	struct ans_zone *z = zone_from_text(text);
	assert_non_null(z);
	return z;
}

static void request(struct ans_xfr_request *r, uint16_t qtype, uint32_t serial)
{
	uint8_t q[512];
	size_t len;
	assert_int_equal(ans_xfr_request_write(q, sizeof(q), &len, 0x1234, XORIGIN, qtype, serial),
			 ANS_OK);
	assert_int_equal(ans_xfr_request_parse(q, len, r), ANS_OK);
	assert_int_equal(r->id, 0x1234);
	assert_int_equal(r->qtype, qtype);
}

static void print_diag(void *ctx, enum ans_diag_level lv, const char *file, unsigned line,
		       const char *msg)
{
	(void)ctx;
	fprintf(stderr, "  diag %d %s:%u: %s\n", lv, file ? file : "-", line, msg);
}

static struct ans_diag diag = { .fn = print_diag };

static struct ans_xfr_in_conf in_conf(uint16_t qtype, const struct ans_zone *base)
{
	struct ans_xfr_in_conf c = { .zone = XORIGIN, .id = 0x1234, .qtype = qtype, .base = base,
				     .diag = &diag };
	return c;
}

static void assert_same_zone(const struct ans_zone *a, const struct ans_zone *b)
{
	assert_same_zone_hash(a, b, 1);
}

static void test_axfr_round_trip(void **state)
{
	(void)state;
	struct ans_zone *z = zone_serial(7, body);
	struct ans_xfr_request r;
	struct ans_xfr_out x;
	struct ans_xfr_out_conf conf = { .msg_target_bytes = 100, .reserve_bytes = 100 };
	struct msgs l;
	request(&r, ANS_TYPE_AXFR, 0);
	assert_int_equal(ans_axfr_out_init(&x, &r, z, &conf), ANS_OK);
	assert_int_equal(run_out(&x, &l, 512), ANS_OK);
	assert_true(l.count > 3);
	for (size_t i = 0; i < l.count; i++) {
		/* RFC 5936 §2.2: ID, QR+AA, question in the first message only. */
		assert_int_equal(ans_get_u16(l.m[i]), 0x1234);
		assert_int_equal(ans_get_u16(l.m[i] + 2) & 0x8400, 0x8400);
		assert_int_equal(ans_get_u16(l.m[i] + 4), i == 0);
		assert_int_equal(ans_get_u16(l.m[i] + 10), 0);   /* no OPT asked for */
		assert_true(l.len[i] <= 512 - 100);
	}
	assert_int_equal(x.rr_count, z->rr_count + 1);   /* the SOA twice */
	struct ans_xfr_in_result res;
	struct ans_xfr_in_conf ic = in_conf(ANS_TYPE_AXFR, NULL);
	assert_int_equal(run_in(&ic, &l, &res, NULL, 0), ANS_OK);
	assert_int_equal(res.kind, ANS_XFR_IN_AXFR);
	assert_int_equal(res.serial, 7);
	assert_int_equal(res.msg_count, l.count);
	assert_same_zone(z, res.zone);
	ans_xfr_in_result_free(&res);
	msgs_free(&l);
	ans_zone_free(z);
}

static void test_axfr_large(void **state)
{
	(void)state;
	size_t cap = 50000 * 48, len = 0;
	char *text = malloc(cap);
	len += (size_t)snprintf(text, cap, ZONE_HEAD, 100u);
	for (unsigned i = 0; i < 25000; i++)
		len += (size_t)snprintf(text + len, cap - len,
					"h%u A 10.%u.%u.%u\nh%u TXT \"record %u\"\n", i,
					i >> 16, (i >> 8) & 255, i & 255, i, i);
	struct ans_zone *z = zone_from_text(text);
	free(text);
	assert_non_null(z);
	assert_true(z->rr_count >= 50000);
	struct ans_xfr_request r;
	struct ans_xfr_out x;
	struct msgs l;
	request(&r, ANS_TYPE_AXFR, 0);
	assert_int_equal(ans_axfr_out_init(&x, &r, z, NULL), ANS_OK);
	assert_int_equal(run_out(&x, &l, 65535), ANS_OK);
	assert_true(l.count > 20);
	for (size_t i = 0; i < l.count; i++)
		assert_true(l.len[i] <= ANS_XFR_MSG_TARGET_DEFAULT);
	struct ans_xfr_in_result res;
	struct ans_xfr_in_conf ic = in_conf(ANS_TYPE_AXFR, NULL);
	assert_int_equal(run_in(&ic, &l, &res, NULL, 0), ANS_OK);
	assert_same_zone(z, res.zone);
	ans_xfr_in_result_free(&res);
	/* The same stream against a record limit. */
	ic.max_rrs = 10000;
	char reason[200];
	assert_int_equal(run_in(&ic, &l, &res, reason, sizeof(reason)), ANS_ELIMIT);
	assert_non_null(strstr(reason, "records"));
	assert_null(res.zone);
	msgs_free(&l);
	ans_zone_free(z);
}

struct chain {
	struct ans_zone *z[4];          /* serials 1, 2, 3, and the final one */
	struct ans_changeset *cs[3];
};

static const char *versions[] = {
	"a A 192.0.2.1\nb TXT \"one\"\n",
	"a A 192.0.2.1\na A 192.0.2.2\nc MX 5 mail.example.net.\n",
	"a 300 A 192.0.2.1\na 300 A 192.0.2.2\nc MX 5 mail.example.net.\nd AAAA ::2\n",
};

static void chain_make(struct chain *c)
{
	for (unsigned i = 0; i < 3; i++)
		c->z[i] = zone_serial(i + 1, versions[i]);
	for (unsigned i = 0; i < 2; i++)
		assert_int_equal(ans_zone_diff(c->z[i], c->z[i + 1], &c->cs[i]), ANS_OK);
}

static void chain_free(struct chain *c)
{
	for (unsigned i = 0; i < 3; i++)
		ans_zone_free(c->z[i]);
	for (unsigned i = 0; i < 2; i++)
		ans_changeset_free(c->cs[i]);
}

static void test_ixfr_round_trip(void **state)
{
	(void)state;
	struct chain c;
	chain_make(&c);
	const struct ans_changeset *const *jr = (const struct ans_changeset *const *)c.cs;
	static const struct {
		uint32_t client;
		enum ans_xfr_kind out_kind;
		enum ans_xfr_in_kind in_kind;
		size_t cs_count;
	} t[] = {
		{ 1, ANS_XFR_IXFR, ANS_XFR_IN_IXFR, 2 },
		{ 2, ANS_XFR_IXFR, ANS_XFR_IN_IXFR, 1 },
		{ 3, ANS_XFR_SOA_ONLY, ANS_XFR_IN_UP_TO_DATE, 0 },
		{ 0, ANS_XFR_AXFR, ANS_XFR_IN_AXFR, 0 },   /* not in the journal */
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct ans_xfr_request r;
		struct ans_xfr_out x;
		struct msgs l;
		struct ans_zone *base = t[i].client ? c.z[t[i].client - 1] : c.z[0];
		request(&r, ANS_TYPE_IXFR, t[i].client);
		assert_int_equal(r.ixfr_serial, t[i].client);
		assert_int_equal(ans_ixfr_out_init(&x, &r, c.z[2], jr, 2, NULL), ANS_OK);
		assert_int_equal(x.kind, t[i].out_kind);
		assert_int_equal(run_out(&x, &l, 65535), ANS_OK);
		struct ans_xfr_in_result res;
		struct ans_xfr_in_conf ic = in_conf(ANS_TYPE_IXFR, base);
		if (t[i].client == 0)   /* our copy is older than the journal */
			ic.base = c.z[0];
		assert_int_equal(run_in(&ic, &l, &res, NULL, 0), ANS_OK);
		assert_int_equal(res.kind, t[i].in_kind);
		assert_int_equal(res.cs_count, t[i].cs_count);
		assert_int_equal(res.serial, 3);
		if (t[i].in_kind == ANS_XFR_IN_UP_TO_DATE)
			assert_null(res.zone);
		else
			assert_same_zone(c.z[2], res.zone);
		ans_xfr_in_result_free(&res);
		msgs_free(&l);
	}
	chain_free(&c);
}

static void test_ixfr_udp(void **state)
{
	(void)state;
	struct chain c;
	chain_make(&c);
	const struct ans_changeset *const *jr = (const struct ans_changeset *const *)c.cs;
	struct ans_xfr_request r;
	struct ans_xfr_out x;
	uint8_t buf[1232];
	size_t len;
	request(&r, ANS_TYPE_IXFR, 1);
	assert_int_equal(ans_ixfr_out_udp(&x, &r, c.z[2], jr, 2, NULL, buf, sizeof(buf), &len),
			 ANS_OK);
	assert_int_equal(x.kind, ANS_XFR_IXFR);
	assert_true(x.is_done);
	/* Too small for the increments: the SOA alone (RFC 1995 §4). */
	assert_int_equal(ans_ixfr_out_udp(&x, &r, c.z[2], jr, 2, NULL, buf, 200, &len), ANS_OK);
	assert_int_equal(x.kind, ANS_XFR_SOA_ONLY);
	assert_int_equal(ans_get_u16(buf + 6), 1);
	/* Not in the journal: never a whole zone over UDP. */
	request(&r, ANS_TYPE_IXFR, 77);
	assert_int_equal(ans_ixfr_out_udp(&x, &r, c.z[2], jr, 2, NULL, buf, sizeof(buf), &len),
			 ANS_OK);
	assert_int_equal(x.kind, ANS_XFR_SOA_ONLY);
	chain_free(&c);
}

static void test_out_limits(void **state)
{
	(void)state;
	char big[3000] = "big TXT";
	for (int i = 0; i < 10; i++)
		strcat(big, " \"0123456789012345678901234567890123456789012345678901234567890123456789"
			    "012345678901234567890123456789012345678901234567890123456789\"");
	strcat(big, "\n");
	struct ans_zone *z = zone_serial(1, big);
	struct ans_xfr_request r;
	struct ans_xfr_out x;
	struct msgs l;
	request(&r, ANS_TYPE_AXFR, 0);
	/* Larger than the target: alone in its message. */
	struct ans_xfr_out_conf conf = { .msg_target_bytes = 512 };
	assert_int_equal(ans_axfr_out_init(&x, &r, z, &conf), ANS_OK);
	assert_int_equal(run_out(&x, &l, 4096), ANS_OK);
	size_t n_big = 0;
	for (size_t i = 0; i < l.count; i++)
		n_big += l.len[i] > 1000 && ans_get_u16(l.m[i] + 6) == 1;
	assert_int_equal(n_big, 1);
	msgs_free(&l);
	/* Larger than the buffer: an error, not a split record. */
	assert_int_equal(ans_axfr_out_init(&x, &r, z, &conf), ANS_OK);
	assert_int_equal(run_out(&x, &l, 1024), ANS_ELIMIT);
	msgs_free(&l);
	ans_zone_free(z);
}

static void test_edns_echo(void **state)
{
	(void)state;
	/* A request with OPT (DO set) gets an OPT in every message. */
	static const uint8_t q[] = { 0, 7, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1,
				     7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
				     0, 252, 0, 1, 0, 0, 41, 4, 0, 0, 0, 0x80, 0, 0, 0 };
	struct ans_xfr_request r;
	assert_int_equal(ans_xfr_request_parse(q, sizeof(q), &r), ANS_OK);
	assert_true(r.has_edns && r.edns_do);
	struct ans_zone *z = zone_serial(1, body);
	struct ans_xfr_out x;
	struct ans_xfr_out_conf conf = { .msg_target_bytes = 150 };
	struct msgs l;
	assert_int_equal(ans_axfr_out_init(&x, &r, z, &conf), ANS_OK);
	assert_int_equal(run_out(&x, &l, 1024), ANS_OK);
	for (size_t i = 0; i < l.count; i++) {
		assert_int_equal(ans_get_u16(l.m[i] + 10), 1);
		assert_memory_equal(l.m[i] + l.len[i] - 11, "\0\0\x29\x04\xd0\0\0\x80\0\0\0", 11);
	}
	msgs_free(&l);
	ans_zone_free(z);
	/* Bad requests. */
	uint8_t bad[sizeof(q)];
	memcpy(bad, q, sizeof(q));
	bad[26] = 1;   /* qtype A */
	assert_int_equal(ans_xfr_request_parse(bad, sizeof(bad), &r), ANS_ETYPE);
	memcpy(bad, q, sizeof(q));
	bad[26] = 251;   /* IXFR without the client's SOA */
	assert_int_equal(ans_xfr_request_parse(bad, sizeof(bad), &r), ANS_EMALF);
	assert_int_equal(ans_xfr_request_parse(q, sizeof(q) - 1, &r), ANS_EMALF);
}

/* Error cases: a good stream, mutated. */
enum mut { M_DROP_LAST, M_ID, M_REFUSED, M_TC, M_EXTRA, M_BYTES, M_BAD_RDATA, M_QNAME };

static void mutate(struct msgs *l, enum mut m)
{
	uint8_t *p;
	switch (m) {
	case M_DROP_LAST: free(l->m[--l->count]); break;
	case M_ID: l->m[l->count - 1][1] ^= 1; break;
	case M_REFUSED: l->m[0][3] |= 5; break;
	case M_TC: l->m[1][2] |= 2; break;
	case M_EXTRA:
		l->m[l->count] = malloc(l->len[0]);
		memcpy(l->m[l->count], l->m[0], l->len[0]);
		l->len[l->count] = l->len[0];
		l->count++;
		break;
	case M_BYTES: break;
	case M_BAD_RDATA:
		/* The A record of mail: make it an AAAA of 4 bytes. */
		p = NULL;
		for (size_t i = 0; !p && i < l->count; i++)
			p = memmem(l->m[i], l->len[i], "\0\x01\0\x01\0\0\x0e\x10\0\x04\xc0\0\x02\x19", 14);
		assert_non_null(p);
		p[1] = 28;
		break;
	case M_QNAME: l->m[0][14] ^= 1; break;
	}
}

static void test_in_errors(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		enum mut m;
		int rc;
		const char *reason;
	} t[] = {
		{ "cut off", M_DROP_LAST, ANS_EMALF, "before its final SOA" },
		{ "ID mismatch", M_ID, ANS_EMALF, "message ID" },
		{ "REFUSED", M_REFUSED, ANS_EIO, "rcode 5" },
		{ "TC", M_TC, ANS_EMALF, "truncated" },
		{ "data after the end", M_EXTRA, ANS_EMALF, "after the final SOA" },
		{ "byte limit", M_BYTES, ANS_ELIMIT, "bytes" },
		{ "bad rdata", M_BAD_RDATA, ANS_EMALF, "bad rdata" },
		{ "question", M_QNAME, ANS_EMALF, "question" },
	};
	struct ans_zone *z = zone_serial(1, body);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct ans_xfr_request r;
		struct ans_xfr_out x;
		struct ans_xfr_out_conf conf = { .msg_target_bytes = 200 };
		struct msgs l;
		request(&r, ANS_TYPE_AXFR, 0);
		assert_int_equal(ans_axfr_out_init(&x, &r, z, &conf), ANS_OK);
		assert_int_equal(run_out(&x, &l, 1024), ANS_OK);
		mutate(&l, t[i].m);
		struct ans_xfr_in_result res;
		struct ans_xfr_in_conf ic = in_conf(ANS_TYPE_AXFR, NULL);
		if (t[i].m == M_BYTES)
			ic.max_bytes = 300;
		char reason[200];
		int rc = run_in(&ic, &l, &res, reason, sizeof(reason));
		if (rc != t[i].rc || !strstr(reason, t[i].reason))
			fail_msg("%s: rc %d (%s), reason '%s'", t[i].name, rc, ans_strerror(rc), reason);
		assert_null(res.zone);
		msgs_free(&l);
	}
	ans_zone_free(z);
}

/* Streams that are well formed but wrong as IXFR. */
static void ixfr_stream(struct msgs *l, const struct ans_zone *z,
			const struct ans_changeset *const *good,
			const struct ans_changeset **served, size_t n, uint32_t client)
{
	struct ans_xfr_request r;
	struct ans_xfr_out x;
	request(&r, ANS_TYPE_IXFR, client);
	assert_int_equal(ans_ixfr_out_init(&x, &r, z, good, n, NULL), ANS_OK);
	assert_int_equal(x.kind, ANS_XFR_IXFR);
	x.cs = served;   /* what a broken primary would send */
	assert_int_equal(run_out(&x, l, 65535), ANS_OK);
}

static void test_ixfr_errors(void **state)
{
	(void)state;
	struct chain c;
	chain_make(&c);
	const struct ans_changeset *const *jr = (const struct ans_changeset *const *)c.cs;
	struct ans_xfr_in_result res;
	struct msgs l;
	char reason[200];
	/* Removal of an RR the client does not have (RFC 1995). */
	struct ans_zone *other = zone_serial(1, "zzz A 192.0.2.99\n");
	struct ans_changeset *bogus;
	assert_int_equal(ans_zone_diff(other, c.z[1], &bogus), ANS_OK);
	const struct ans_changeset *s1[] = { bogus, c.cs[1] };
	ixfr_stream(&l, c.z[2], jr, s1, 2, 1);
	struct ans_xfr_in_conf ic = in_conf(ANS_TYPE_IXFR, c.z[0]);
	assert_int_equal(run_in(&ic, &l, &res, reason, sizeof(reason)), ANS_ENOENT);
	msgs_free(&l);
	/* Addition of an RR the client already has. */
	struct ans_changeset *dup;
	assert_int_equal(ans_zone_diff(c.z[0], c.z[1], &dup), ANS_OK);
	struct ans_xfr_rr a = dup->added.rr[0];
	a.owner = (const uint8_t *)"\001a\007example\003com";
	a.rdata = (const uint8_t *)"\300\000\002\001";
	assert_int_equal(ans_changeset_add(dup, ANS_CS_ADD, &a), ANS_OK);
	const struct ans_changeset *s2[] = { dup, c.cs[1] };
	ixfr_stream(&l, c.z[2], jr, s2, 2, 1);
	assert_int_equal(run_in(&ic, &l, &res, reason, sizeof(reason)), ANS_EEXIST);
	msgs_free(&l);
	/* SOA order broken: the second changeset does not start where the
	 * first ended. */
	const struct ans_changeset *s3[] = { c.cs[1], c.cs[1] };
	ixfr_stream(&l, c.z[2], jr, s3, 2, 1);
	ic.base = c.z[1];
	assert_int_equal(run_in(&ic, &l, &res, reason, sizeof(reason)), ANS_EMALF);
	assert_non_null(strstr(reason, "serial mismatch"));
	msgs_free(&l);
	/* The stream starts at a serial that is not ours. */
	ixfr_stream(&l, c.z[2], jr, (const struct ans_changeset **)c.cs, 2, 1);
	struct ans_zone *z0 = zone_serial(0, "");
	ic.base = z0;
	assert_int_equal(run_in(&ic, &l, &res, reason, sizeof(reason)), ANS_EMALF);
	assert_non_null(strstr(reason, "starts at serial 1"));
	msgs_free(&l);
	ans_zone_free(z0);
	ans_changeset_free(dup);
	ans_changeset_free(bogus);
	ans_zone_free(other);
	chain_free(&c);
}

static void test_in_zone_checks(void **state)
{
	(void)state;
	/* A transfer whose zone fails the checks returns nothing. */
	struct ans_zone *z = zone_from_text("$TTL 60\n@ SOA a b 1 2 3 4 5\nw A 192.0.2.1\n");
	struct ans_xfr_request r;
	struct ans_xfr_out x;
	struct msgs l;
	struct ans_xfr_in_result res;
	char reason[200];
	request(&r, ANS_TYPE_AXFR, 0);
	assert_int_equal(ans_axfr_out_init(&x, &r, z, NULL), ANS_OK);
	assert_int_equal(run_out(&x, &l, 65535), ANS_OK);
	struct ans_xfr_in_conf ic = in_conf(ANS_TYPE_AXFR, NULL);
	assert_int_equal(run_in(&ic, &l, &res, reason, sizeof(reason)), ANS_ESEMANTIC);
	assert_null(res.zone);
	msgs_free(&l);
	ans_zone_free(z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_axfr_round_trip),
		cmocka_unit_test(test_axfr_large),
		cmocka_unit_test(test_ixfr_round_trip),
		cmocka_unit_test(test_ixfr_udp),
		cmocka_unit_test(test_out_limits),
		cmocka_unit_test(test_edns_echo),
		cmocka_unit_test(test_in_errors),
		cmocka_unit_test(test_ixfr_errors),
		cmocka_unit_test(test_in_zone_checks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
