/* SPDX-License-Identifier: MIT */
/* RRSIGs keep their own TTLs through every path that walks a snapshot: the
 * cursor (AXFR out, ZONEMD, the stored copy), a diff, an IXFR apply and an
 * AXFR round trip. A node's RRSIGs cover different types and each carries
 * the TTL of the RRset it covers (RFC 4034 §3), e.g. the NSEC's RRSIG the
 * negative TTL (RFC 4035 §2.3), so one TTL per node's RRSIG RRset is wrong. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "lib/xfr/diff.h"
#include "tests/unit/xfr/xfr_test_util.h"

#define HEAD "$TTL 3600\n@ SOA ns hm %u 7200 900 1209600 300\n@ NS ns\nns A 192.0.2.1\n"
#define SIG(type, ttl, tag) "www " #ttl " RRSIG " #type " 8 3 " #ttl \
	" 20300101000000 20200101000000 " #tag " example.com. AQIDBA==\n"

/* www: A at 3600, NSEC at 300, each signed with its own TTL. The NSEC's
 * signature is listed first so that it is the earliest added record of the
 * node's RRSIGs (the merged RRSIG RRset's TTL). */
static const char signed_www[] =
	SIG(NSEC, 300, 1) "www A 192.0.2.2\n" "www 300 NSEC z.example.com. A RRSIG NSEC\n"
	SIG(A, 3600, 1) SIG(A, 3600, 2);

static struct ans_zone *zone_at(unsigned serial, const char *extra)
{
	static char text[8192];
	int n = snprintf(text, sizeof(text), HEAD, serial);
	snprintf(text + n, sizeof(text) - (size_t)n, "%s", extra);
	struct ans_zone *z = zone_from_text(text);
	assert_non_null(z);
	return z;
}

/* The lines of www's RRSIGs in a zone's canonical text, with their TTLs. */
static void sig_lines(const struct ans_zone *z, char *out, size_t size)
{
	char *text = zone_text(z);
	size_t len = 0;
	out[0] = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		const char *type = strchr(strchr(line, ' ') + 1, ' ');
		if (strncmp(line, "www.", 4) == 0 && strncmp(type, " RRSIG ", 7) == 0)
			len += (size_t)snprintf(out + len, size - len, "%.*s\n",
						(int)(strstr(line, " 8 3 ") - line), line);
	}
	free(text);
}

static const char want_sigs[] =
	"www.example.com. 3600 RRSIG A\n"
	"www.example.com. 3600 RRSIG A\n"
	"www.example.com. 300 RRSIG NSEC\n";

static void test_cursor(void **state)
{
	(void)state;
	struct ans_zone *z = zone_at(1, signed_www);
	char got[1024];
	sig_lines(z, got, sizeof(got));
	assert_string_equal(got, want_sigs);
	ans_zone_free(z);
}

static void request(struct ans_xfr_request *r)
{
	uint8_t q[512];
	size_t len;
	assert_int_equal(ans_xfr_request_write(q, sizeof(q), &len, 7, XORIGIN, ANS_TYPE_AXFR, 0),
			 ANS_OK);
	assert_int_equal(ans_xfr_request_parse(q, len, r), ANS_OK);
}

static void test_axfr_round_trip(void **state)
{
	(void)state;
	struct ans_zone *z = zone_at(1, signed_www);
	struct ans_xfr_request r;
	struct ans_xfr_out x;
	struct msgs l;
	request(&r);
	assert_int_equal(ans_axfr_out_init(&x, &r, z, NULL), ANS_OK);
	assert_int_equal(run_out(&x, &l, 65535), ANS_OK);
	struct ans_xfr_in_conf ic = { .zone = XORIGIN, .id = 7, .qtype = ANS_TYPE_AXFR };
	struct ans_xfr_in_result res;
	assert_int_equal(run_in(&ic, &l, &res, NULL, 0), ANS_OK);
	char got[1024];
	sig_lines(res.zone, got, sizeof(got));
	assert_string_equal(got, want_sigs);
	/* What a DO=1 answer writes: the NSEC's signatures at the NSEC TTL. */
	const struct ans_node *n = ans_zone_find(res.zone, (const uint8_t *)"\003www\007example\003com");
	assert_non_null(n);
	assert_int_equal(ans_rrset_sigs(ans_node_rrset(n, ANS_TYPE_NSEC))->ttl, 300);
	assert_int_equal(ans_rrset_sigs(ans_node_rrset(n, ANS_TYPE_A))->ttl, 3600);
	ans_xfr_in_result_free(&res);
	msgs_free(&l);
	ans_zone_free(z);
}

/* "-owner ttl RRSIG covered" / "+..." lines of a changeset's RRSIGs. */
static void cs_sig_lines(const struct ans_changeset *cs, char *out, size_t size)
{
	size_t len = 0;
	out[0] = 0;
	for (int part = 0; part < 2; part++) {
		const struct ans_rr_list *l = part ? &cs->added : &cs->removed;
		for (size_t i = 0; i < l->count; i++) {
			char type[16];
			if (l->rr[i].type != ANS_TYPE_RRSIG)
				continue;
			assert_true(ans_rrtype_to_text(ans_get_u16(l->rr[i].rdata), type,
						       sizeof(type)) > 0);
			len += (size_t)snprintf(out + len, size - len, "%c%u %s\n",
						part ? '+' : '-', l->rr[i].ttl, type);
		}
	}
}

struct diff_case {
	const char *name, *old_extra, *new_extra, *want;
};

static const struct diff_case diff_cases[] = {
	{ "re-signed NSEC: removed and added at the NSEC TTL", signed_www,
	  SIG(NSEC, 300, 9) "www A 192.0.2.2\n" "www 300 NSEC z.example.com. A RRSIG NSEC\n"
	  SIG(A, 3600, 1) SIG(A, 3600, 2),
	  "-300 NSEC\n+300 NSEC\n" },
	{ "A signature removed at the A TTL", signed_www,
	  SIG(NSEC, 300, 1) "www A 192.0.2.2\n" "www 300 NSEC z.example.com. A RRSIG NSEC\n"
	  SIG(A, 3600, 1),
	  "-3600 A\n" },
	{ "A TTL changed: its signatures replaced, the NSEC's kept", signed_www,
	  SIG(NSEC, 300, 1) "www 60 A 192.0.2.2\n" "www 300 NSEC z.example.com. A RRSIG NSEC\n"
	  SIG(A, 60, 1) SIG(A, 60, 2),
	  "-3600 A\n-3600 A\n+60 A\n+60 A\n" },
	{ "same signature rdata, new TTL: removed and added", signed_www,
	  SIG(NSEC, 300, 1) "www 60 A 192.0.2.2\n" "www 300 NSEC z.example.com. A RRSIG NSEC\n"
	  "www 60 RRSIG A 8 3 3600 20300101000000 20200101000000 1 example.com. AQIDBA==\n"
	  "www 60 RRSIG A 8 3 3600 20300101000000 20200101000000 2 example.com. AQIDBA==\n",
	  "-3600 A\n-3600 A\n+60 A\n+60 A\n" },
	{ "unchanged signatures are not listed", signed_www, signed_www, "" },
};

static void test_diff_and_apply(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(diff_cases) / sizeof(diff_cases[0]); i++) {
		const struct diff_case *c = &diff_cases[i];
		struct ans_zone *a = zone_at(1, c->old_extra), *b = zone_at(2, c->new_extra);
		struct ans_changeset *cs;
		char got[1024];
		assert_int_equal(ans_zone_diff(a, b, &cs), ANS_OK);
		cs_sig_lines(cs, got, sizeof(got));
		if (strcmp(got, c->want) != 0)
			fail_msg("%s: got\n%s", c->name, got);
		/* Applying the diff to the old zone gives the new one, TTLs too. */
		const struct ans_changeset *chain[] = { cs };
		struct ans_zone *out;
		assert_int_equal(ans_changeset_apply(a, chain, 1, NULL, &out), ANS_OK);
		char *t1 = zone_text(out), *t2 = zone_text(b);
		assert_string_equal(t1, t2);
		free(t1);
		free(t2);
		ans_zone_free(out);
		ans_changeset_free(cs);
		ans_zone_free(a);
		ans_zone_free(b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cursor),
		cmocka_unit_test(test_axfr_round_trip),
		cmocka_unit_test(test_diff_and_apply),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
