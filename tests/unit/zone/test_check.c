/* SPDX-License-Identifier: MIT */
/* Semantic checks: each case is a zone text, whether named-checkzone
 * (9.18, defaults) accepts it, and the diagnostic we must give. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "lib/wire/rdata.h"
#include "tests/unit/zone/zone_test_util.h"

#define SOA "$TTL 3600\n@ SOA ns1 host 1 2 3 4 5\n"
#define HEAD SOA "@ NS ns1\nns1 A 192.0.2.1\n"

struct check_case {
	const char *text;
	bool ok;                /* named-checkzone accepts it */
	const char *expect;     /* substring of the diagnostics, or NULL */
};

static const struct check_case cases[] = {
	{ HEAD "www A 192.0.2.2\n", true, NULL },
	{ "$TTL 60\n@ NS ns1.other.org.\n", false, "zone example.com. has 0 SOA records" },
	{ HEAD "@ SOA ns1 host 2 2 3 4 5\n", false, "multiple RRs of singleton type SOA" },
	{ HEAD "sub SOA ns1 host 2 2 3 4 5\n", false,
	  "t.zone:5: error: SOA record not at top of zone (sub.example.com.)" },
	{ SOA "x A 192.0.2.1\n", false, "t.zone:2: error: zone example.com. has no NS records" },
	{ HEAD "a CNAME x\na A 192.0.2.1\n", false, "t.zone:6: error: a.example.com.: CNAME and other data" },
	{ HEAD "@ CNAME x\n", false, "example.com.: CNAME and other data" },
	{ HEAD "a CNAME x\na CNAME y\n", false, "t.zone:5: error: a.example.com.: multiple RRs of singleton type CNAME" },
	{ HEAD "a CNAME x\na NSEC b A\n", true, NULL },
	{ HEAD "d DNAME x.\nd DNAME y.\n", false, "multiple RRs of singleton type DNAME" },
	{ HEAD "d CNAME x.\nd DNAME y.\n", false, "CNAME and other data" },
	{ HEAD "d DNAME x.\nd NS ns1\n", true, NULL },
	{ HEAD "d DNAME x.\nx.d A 192.0.2.1\n", true,
	  "t.zone:6: warning: x.d.example.com.: data below a DNAME is occluded" },
	{ HEAD "@ NS ns2\n", false,
	  "t.zone:3: error: example.com./NS 'ns2.example.com.' has no address records" },
	{ HEAD "@ NS ns2\nns2 CNAME ns1\n", false, "'ns2.example.com.' is a CNAME (illegal)" },
	{ HEAD "@ NS ns2\nns2 AAAA 2001:db8::53\n", true, NULL },
	{ HEAD "sub NS ns.sub\n", true,
	  "t.zone:5: warning: sub.example.com./NS 'ns.sub.example.com.' has no REQUIRED GLUE" },
	{ HEAD "sub NS ns.sub\nns.sub A 192.0.2.53\n", true, NULL },
	{ HEAD "@ NS ns.sub\nsub NS ns.sub\n", true, "has no REQUIRED GLUE" },
	{ HEAD "sub NS ns.other\nns.other CNAME x\n", true, "warning: sub.example.com./NS 'ns.other.example.com.' is a CNAME" },
	{ HEAD "mx MX 10 mc\nmc CNAME x\n", true, "t.zone:5: warning: mx.example.com./MX 'mc.example.com.' is a CNAME (illegal)" },
	{ HEAD "mx MX 10 nohost\n", true, "warning: mx.example.com./MX 'nohost.example.com.' has no address records" },
	{ HEAD "mx MX 0 .\n", true, NULL },
	{ HEAD "s SRV 0 0 53 c\nc CNAME ns1\n", true, "s.example.com./SRV 'c.example.com.' is a CNAME" },
	{ HEAD "mx MX 10 mail.other.org.\n", true, NULL },
};

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cap c;
		int rc;
		struct ans_zone *z = parse_zone("t.zone", cases[i].text, &c, &rc);
		assert_non_null(z);
		assert_int_equal(rc, ANS_OK);
		rc = ans_zone_check(z, &c.diag);
		if ((rc == ANS_OK) != cases[i].ok)
			fail_msg("case %zu: check returned %d, diagnostics:\n%s", i, rc, c.buf);
		if (!cases[i].ok)
			assert_int_equal(rc, ANS_ESEMANTIC);
		if (cases[i].expect && !strstr(c.buf, cases[i].expect))
			fail_msg("case %zu: expected \"%s\" in:\n%s", i, cases[i].expect, c.buf);
		if (!cases[i].expect && c.diag.warnings + c.diag.errors)
			fail_msg("case %zu: expected no diagnostics, got:\n%s", i, c.buf);
		ans_zone_free(z);
	}
}

/* NSEC3PARAM iterations (RFC 9276): `ok` is whether we load the zone.
 * named-checkzone 9.18.49 loads all of these; it warns "excessive NSEC3PARAM
 * iterations N > 150" above 150 only. Above 500 we refuse (check.c says
 * why); a hash algorithm other than SHA-1 is not NSEC3 to us. */
static const struct check_case nsec3_cases[] = {
	{ HEAD "@ NSEC3PARAM 1 0 0 -\n", true, NULL },
	{ HEAD "@ NSEC3PARAM 1 0 1 ab12\n", true,
	  "t.zone:5: warning: example.com.: NSEC3PARAM iterations 1: RFC 9276 recommends 0" },
	{ HEAD "@ NSEC3PARAM 1 0 150 -\n", true, "NSEC3PARAM iterations 150: RFC 9276" },
	{ HEAD "@ NSEC3PARAM 1 0 151 -\n", true,
	  "t.zone:5: warning: excessive NSEC3PARAM iterations 151 > 150" },
	{ HEAD "@ NSEC3PARAM 1 0 500 -\n", true, "excessive NSEC3PARAM iterations 500 > 150" },
	{ HEAD "@ NSEC3PARAM 1 0 501 -\n", false,
	  "t.zone:5: error: example.com.: NSEC3PARAM iterations 501 > 500: refused" },
	{ HEAD "@ NSEC3PARAM 1 0 65535 -\n", false, "iterations 65535 > 500" },
	{ HEAD "@ NSEC3PARAM 2 0 2500 -\n", true, NULL },
	{ HEAD "x NSEC3PARAM 1 0 2500 -\n", true, NULL },   /* not at the apex: unused */
};

static void test_nsec3_iterations(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(nsec3_cases) / sizeof(nsec3_cases[0]); i++) {
		const struct check_case *t = &nsec3_cases[i];
		struct cap c;
		int rc;
		struct ans_zone *z = parse_zone("t.zone", t->text, &c, &rc);
		assert_non_null(z);
		assert_int_equal(rc, ANS_OK);
		rc = ans_zone_check(z, &c.diag);
		if ((rc == ANS_OK) != t->ok)
			fail_msg("nsec3 case %zu: check returned %d, diagnostics:\n%s", i, rc, c.buf);
		if (t->expect && !strstr(c.buf, t->expect))
			fail_msg("nsec3 case %zu: expected \"%s\" in:\n%s", i, t->expect, c.buf);
		if (!t->expect && c.diag.warnings + c.diag.errors)
			fail_msg("nsec3 case %zu: expected no diagnostics, got:\n%s", i, c.buf);
		ans_zone_free(z);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_nsec3_iterations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
