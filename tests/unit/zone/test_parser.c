/* SPDX-License-Identifier: MIT */
/* Zone-file parser: records, directives, $GENERATE, $INCLUDE, and every
 * error message with its line number. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/wire/rdata.h"
#include "tests/unit/zone/zone_test_util.h"

#define HEAD "$TTL 3600\n@ SOA ns1 host 1 2 3 4 5\n@ NS ns1\nns1 A 192.0.2.1\n"

static void test_ttl_from_text(void **state)
{
	(void)state;
	static const struct { const char *text; int rc; uint32_t ttl; } cases[] = {
		{ "0", ANS_OK, 0 },
		{ "3600", ANS_OK, 3600 },
		{ "1h30m", ANS_OK, 5400 },
		{ "1H30M", ANS_OK, 5400 },
		{ "1w2d3h4m5s", ANS_OK, 604800 + 2 * 86400 + 3 * 3600 + 4 * 60 + 5 },
		{ "10s5m", ANS_OK, 310 },
		{ "4294967295", ANS_OK, 4294967295u },
		{ "4294967296", ANS_ERANGE, 0 },
		{ "1h30", ANS_ESYNTAX, 0 },   /* as BIND: units, then a bare number */
		{ "h", ANS_ESYNTAX, 0 },
		{ "", ANS_ESYNTAX, 0 },
		{ "1y", ANS_ESYNTAX, 0 },
		{ "-1", ANS_ESYNTAX, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t ttl = 77;
		int rc = ans_ttl_from_text(cases[i].text, strlen(cases[i].text), &ttl);
		assert_int_equal(rc, cases[i].rc);
		if (rc == ANS_OK)
			assert_int_equal(ttl, cases[i].ttl);
	}
}

static void test_records_and_fields(void **state)
{
	(void)state;
	struct cap c;
	int rc;
	struct ans_zone *z = parse_zone("t.zone", HEAD
		"www 300 IN A 192.0.2.2\n"
		"    IN 200 AAAA 2001:db8::1 ; owner omitted, class before TTL\n"
		"mail.example.com. MX 10 www ; absolute owner, $TTL\n"
		"txt TXT \"a \\\"quoted\\\" string\" plain ( \"more\"\n"
		"   \"lines\" )\n"
		"after A 192.0.2.9\n", &c, &rc);
	assert_non_null(z);
	assert_int_equal(rc, ANS_OK);
	assert_int_equal(c.diag.errors, 0);
	const struct ans_rrset *rs = find_rrset(z, "www.example.com.", ANS_TYPE_A);
	assert_non_null(rs);
	assert_int_equal(rs->ttl, 300);
	assert_int_equal(rs->src_line, 5);
	rs = find_rrset(z, "www.example.com.", ANS_TYPE_AAAA);
	assert_non_null(rs);
	assert_int_equal(rs->ttl, 200);
	rs = find_rrset(z, "mail.example.com.", ANS_TYPE_MX);
	assert_non_null(rs);
	assert_int_equal(rs->ttl, 3600);
	rs = find_rrset(z, "txt.example.com.", ANS_TYPE_TXT);
	assert_non_null(rs);
	assert_int_equal(rs->src_line, 8);
	/* "a \"quoted\" string" (18) + plain (5) + more (4) + lines (5), each with a length byte */
	assert_int_equal(rs->rdata_len, 2 + 18 + 6 + 5 + 6);
	assert_non_null(find_rrset(z, "after.example.com.", ANS_TYPE_A));
	assert_int_equal(find_rrset(z, "after.example.com.", ANS_TYPE_A)->src_line, 10);
	ans_zone_free(z);
}

static void test_ttl_defaults(void **state)
{
	(void)state;
	struct cap c;
	int rc;
	/* No $TTL: the SOA takes its MINIMUM (warning), later records the last
	 * explicit TTL, as named-checkzone. */
	struct ans_zone *z = parse_zone("t.zone",
		"@ SOA ns1 host 1 2 3 4 55\n"
		"@ NS ns1\n"
		"ns1 120 A 192.0.2.1\n"
		"x A 192.0.2.2\n", &c, &rc);
	assert_non_null(z);
	assert_int_equal(rc, ANS_OK);
	assert_non_null(strstr(c.buf, "t.zone:1: warning: no TTL specified; using SOA MINTTL"));
	assert_int_equal(find_rrset(z, "example.com.", ANS_TYPE_SOA)->ttl, 55);
	assert_int_equal(find_rrset(z, "example.com.", ANS_TYPE_NS)->ttl, 55);
	/* the SOA's MINIMUM became the default, as BIND: not the last TTL */
	assert_int_equal(find_rrset(z, "x.example.com.", ANS_TYPE_A)->ttl, 55);
	assert_int_equal(find_rrset(z, "ns1.example.com.", ANS_TYPE_A)->ttl, 120);
	ans_zone_free(z);

	z = parse_zone("t.zone", "@ 77 SOA ns1 host 1 2 3 4 55\n@ NS ns1\n", &c, &rc);
	assert_int_equal(rc, ANS_OK);
	assert_int_equal(find_rrset(z, "example.com.", ANS_TYPE_NS)->ttl, 77);
	ans_zone_free(z);

	z = parse_zone("t.zone", "x A 192.0.2.2\n@ 60 SOA ns1 host 1 2 3 4 5\n", &c, &rc);
	assert_int_equal(rc, ANS_ESYNTAX);
	assert_non_null(strstr(c.buf, "t.zone:1: error: no TTL specified"));
	ans_zone_free(z);

	z = parse_zone("t.zone", "$TTL 1h\n@ SOA ns1 host 1 2 3 4 5\nx 4294967295 A 192.0.2.1\n",
		       &c, &rc);
	assert_int_equal(rc, ANS_OK);
	assert_int_equal(find_rrset(z, "example.com.", ANS_TYPE_SOA)->ttl, 3600);
	assert_int_equal(find_rrset(z, "x.example.com.", ANS_TYPE_A)->ttl, 0);
	assert_non_null(strstr(c.buf, "t.zone:3: warning: TTL 4294967295 > MAXTTL"));
	ans_zone_free(z);
}

static void test_origin(void **state)
{
	(void)state;
	struct cap c;
	int rc;
	struct ans_zone *z = parse_zone("t.zone", HEAD
		"$ORIGIN sub\n"              /* relative to example.com. */
		"x A 192.0.2.1\n"
		"$origin deeper\n"           /* directives ignore case */
		"y A 192.0.2.1\n"
		"@ A 192.0.2.3\n"
		"$ORIGIN example.com.\n"
		"z CNAME y.deeper.sub\n", &c, &rc);
	assert_int_equal(rc, ANS_OK);
	assert_non_null(find_rrset(z, "x.sub.example.com.", ANS_TYPE_A));
	assert_non_null(find_rrset(z, "y.deeper.sub.example.com.", ANS_TYPE_A));
	assert_non_null(find_rrset(z, "deeper.sub.example.com.", ANS_TYPE_A));
	assert_non_null(find_rrset(z, "z.example.com.", ANS_TYPE_CNAME));
	ans_zone_free(z);
}

struct err_case {
	const char *text;       /* appended to HEAD (4 lines) */
	const char *expect;     /* substring of the diagnostics */
};

static void test_errors(void **state)
{
	(void)state;
	static const struct err_case cases[] = {
		{ "x AA 192.0.2.1\n", "t.zone:5: error: expected a TTL or record type, got 'AA'" },
		{ "x 300 AA 192.0.2.1\n", "t.zone:5: error: expected a record type, got 'AA'" },
		{ "x 1h30 A 192.0.2.1\n", "t.zone:5: error: expected a TTL or record type, got '1h30'" },
		{ "x\n", "t.zone:5: error: expected a TTL or record type, got end of line" },
		{ "x CH A 192.0.2.1\n", "t.zone:5: error: class 'CH' != zone class 'IN'" },
		{ "x AXFR 192.0.2.1\n", "t.zone:5: error: record type AXFR cannot appear in a zone" },
		{ "x A 192.0.2\n", "t.zone:5: error: bad A rdata" },
		{ "\n\nx A 1.2.3.4 )\n", "t.zone:7: error: unbalanced parentheses: ')' without '('" },
		{ "x TXT ( \"a\"\ny A 192.0.2.1\n", "t.zone:5: error: unbalanced parentheses: '(' is not closed" },
		{ "x TXT \"abc\ny A 192.0.2.1\n", "t.zone:5: error: unbalanced quotes" },
		{ "$FOO bar\n", "t.zone:5: error: unknown directive '$FOO'" },
		{ "$TTL 1x\n", "t.zone:5: error: $TTL: expected one TTL" },
		{ "$TTL\n", "t.zone:5: error: $TTL: expected one TTL" },
		{ "$ORIGIN\n", "t.zone:5: error: $ORIGIN: expected one domain name" },
		{ "$ORIGIN a..b\n", "t.zone:5: error: expected a domain name, got 'a..b'" },
		{ "a..b A 192.0.2.1\n", "t.zone:5: error: expected a domain name, got 'a..b'" },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa A 192.0.2.1\n",
		  "t.zone:5: error: name 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' is too long" },
		{ "$INCLUDE\n", "t.zone:5: error: $INCLUDE: expected a file name" },
		{ "$INCLUDE /nonexistent/x.db\n", "t.zone:5: error: $INCLUDE '/nonexistent/x.db'" },
		{ "$GENERATE 5-1 a$ A 192.0.2.1\n", "t.zone:5: error: $GENERATE: invalid range '5-1'" },
		{ "$GENERATE 1-3/0 a$ A 192.0.2.1\n", "t.zone:5: error: $GENERATE: invalid range '1-3/0'" },
		{ "$GENERATE 0-65536 a$ A 192.0.2.1\n", "t.zone:5: error: $GENERATE: range '0-65536' makes more than 65536" },
		{ "$GENERATE 1-3 a${1,2,q} A 192.0.2.1\n", "t.zone:5: error: $GENERATE: bad modifier" },
		{ "$GENERATE 1-3 a$\n", "t.zone:5: error: $GENERATE: expected 'range lhs" },
		{ "$GENERATE 1-3 a$ A 192.0.2.$$\n", "t.zone:5: error: bad A rdata" },
		{ "other.org. A 192.0.2.1\n", "t.zone:5: warning: ignoring out-of-zone data (other.org.)" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[1024];
		struct cap c;
		int rc;
		snprintf(text, sizeof(text), HEAD "%s", cases[i].text);
		struct ans_zone *z = parse_zone("t.zone", text, &c, &rc);
		if (!strstr(c.buf, cases[i].expect))
			fail_msg("case %zu: expected \"%s\" in:\n%s", i, cases[i].expect, c.buf);
		bool warning_only = strstr(cases[i].expect, ": warning: ") != NULL;
		assert_int_equal(rc, warning_only ? ANS_OK : ANS_ESYNTAX);
		/* the good records around the error are kept */
		assert_non_null(find_rrset(z, "ns1.example.com.", ANS_TYPE_A));
		ans_zone_free(z);
	}
}

/* The parser checks an owner against the apex once and remembers it for
 * the records with a blank owner field, across $GENERATE (whose owners do
 * not become the previous owner); common types are matched in any case. */
static void test_owner_checked_once(void **state)
{
	(void)state;
	struct cap c;
	int rc;
	struct ans_zone *z = parse_zone("t.zone", HEAD
		"other.org. A 192.0.2.1\n"
		"           TXT \"x\"\n"
		"$GENERATE 1-2 g$ A 192.0.2.$\n"
		"           AAAA 2001:db8::1\n"
		"in a 192.0.2.9\n"
		"   tXt \"y\"\n"
		"c CnAmE in\n", &c, &rc);
	assert_int_equal(rc, ANS_OK);
	assert_non_null(strstr(c.buf, "t.zone:5: warning: ignoring out-of-zone data (other.org.)"));
	assert_non_null(strstr(c.buf, "t.zone:6: warning: ignoring out-of-zone data (other.org.)"));
	assert_non_null(strstr(c.buf, "t.zone:8: warning: ignoring out-of-zone data (other.org.)"));
	assert_non_null(find_rrset(z, "g1.example.com.", ANS_TYPE_A));
	assert_non_null(find_rrset(z, "g2.example.com.", ANS_TYPE_A));
	assert_non_null(find_rrset(z, "in.example.com.", ANS_TYPE_A));
	assert_non_null(find_rrset(z, "in.example.com.", ANS_TYPE_TXT));
	assert_non_null(find_rrset(z, "c.example.com.", ANS_TYPE_CNAME));
	ans_zone_free(z);
}

/* A repeated owner text is not parsed again (issue 6): the shortcut must
 * not survive a change of origin or a $GENERATE, and a relative owner
 * under an origin outside the zone is still out of zone. */
static void test_owner_text_repeats(void **state)
{
	(void)state;
	struct cap c;
	int rc;
	struct ans_zone *z = parse_zone("t.zone", HEAD
		"r A 192.0.2.1\n"
		"$ORIGIN sub.example.com.\n"
		"r A 192.0.2.2\n"
		"$GENERATE 1-2 r$ A 192.0.2.$\n"
		"  AAAA 2001:db8::1\n"
		"r2 TXT \"z\"\n"
		"$ORIGIN other.org.\n"
		"r A 192.0.2.3\n"
		"r TXT \"out\"\n"
		"$ORIGIN example.com.\n"
		"r TXT \"back\"\n", &c, &rc);
	assert_int_equal(rc, ANS_OK);
	assert_non_null(find_rrset(z, "r.example.com.", ANS_TYPE_A));
	assert_non_null(find_rrset(z, "r.example.com.", ANS_TYPE_TXT));
	const struct ans_rrset *rs = find_rrset(z, "r.sub.example.com.", ANS_TYPE_A);
	assert_non_null(rs);
	assert_int_equal(rs->count, 1);
	assert_non_null(find_rrset(z, "r.sub.example.com.", ANS_TYPE_AAAA));
	assert_non_null(find_rrset(z, "r2.sub.example.com.", ANS_TYPE_TXT));
	assert_non_null(find_rrset(z, "r1.sub.example.com.", ANS_TYPE_A));
	assert_null(find_rrset(z, "r1.sub.example.com.", ANS_TYPE_AAAA));
	assert_non_null(strstr(c.buf, "t.zone:12: warning: ignoring out-of-zone data (r.other.org.)"));
	assert_non_null(strstr(c.buf, "t.zone:13: warning: ignoring out-of-zone data (r.other.org.)"));
	ans_zone_free(z);
}

static void test_all_errors_reported(void **state)
{
	(void)state;
	struct cap c;
	int rc;
	struct ans_zone *z = parse_zone("t.zone", HEAD
		"a AA 1\n"
		"b A 192.0.2.1\n"
		"c A nope\n"
		"d ( A\n 192.0.2.4 )\n"
		"e FOO x\n", &c, &rc);
	assert_int_equal(rc, ANS_ESYNTAX);
	assert_int_equal(c.diag.errors, 3);
	assert_non_null(strstr(c.buf, "t.zone:5: error:"));
	assert_non_null(strstr(c.buf, "t.zone:7: error:"));
	assert_non_null(strstr(c.buf, "t.zone:10: error:"));
	assert_non_null(find_rrset(z, "b.example.com.", ANS_TYPE_A));
	assert_non_null(find_rrset(z, "d.example.com.", ANS_TYPE_A));
	ans_zone_free(z);
}

static void test_generate(void **state)
{
	(void)state;
	struct cap c;
	int rc;
	struct ans_zone *z = parse_zone("t.zone", HEAD
		"$GENERATE 1-3 h$ A 192.0.2.$\n"
		"$GENERATE 0-2/2 ${10,3,x}-\\$-$$ CNAME ${0,4,n}\n"
		"$GENERATE 10-11 ${0,2,N}x 60 IN TXT \"v $\"\n"
		"$GENERATE 18-18 ${0,3,n}n A 192.0.2.1\n"
		"$GENERATE 291-291 ${0,0,n}m A 192.0.2.1\n"
		"$GENERATE 1-1 ${-1,5}w A 192.0.2.1\n"
		"$GENERATE 8-8 o${0,3,o} A 192.0.2.1\n"
		"$GENERATE 255-255 X${0,0,X} A 192.0.2.1\n"
		" A 192.0.2.99\n", &c, &rc);
	assert_int_equal(rc, ANS_OK);
	assert_int_equal(c.diag.errors, 0);
	static const char *const a_names[] = {
		"h1.example.com.", "h2.example.com.", "h3.example.com.",
		"2.1n.example.com.", "3.2.1m.example.com.", "00000w.example.com.",
		"o010.example.com.", "XFF.example.com.",
	};
	for (size_t i = 0; i < sizeof(a_names) / sizeof(a_names[0]); i++)
		if (!find_rrset(z, a_names[i], ANS_TYPE_A))
			fail_msg("no A at %s", a_names[i]);
	assert_non_null(find_rrset(z, "00a-\\$-\\$.example.com.", ANS_TYPE_CNAME));
	assert_non_null(find_rrset(z, "00c-\\$-\\$.example.com.", ANS_TYPE_CNAME));
	const struct ans_rrset *rs = find_rrset(z, "A.x.example.com.", ANS_TYPE_TXT);
	assert_non_null(rs);
	assert_int_equal(rs->ttl, 60);
	assert_int_equal(rs->rdata_len, 2 + 2 + 3);  /* "v" "10": the rhs is lexed again */
	/* a generated owner does not become the previous owner */
	assert_non_null(find_rrset(z, "ns1.example.com.", ANS_TYPE_A));
	rs = find_rrset(z, "ns1.example.com.", ANS_TYPE_A);
	assert_int_equal(rs->count, 2);
	ans_zone_free(z);
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_include(void **state)
{
	(void)state;
	char dir[] = "/tmp/anyns-parser-XXXXXX", path[512];
	assert_non_null(mkdtemp(dir));
	write_file(dir, "main.zone", HEAD
		"$INCLUDE sub.inc sub\n"
		"after A 192.0.2.7\n"     /* origin and owner back to this file's */
		"    AAAA 2001:db8::7\n");
	write_file(dir, "sub.inc", "x A 192.0.2.5\n@ A 192.0.2.6\nbad A 1\n");
	write_file(dir, "loop.zone", HEAD "$INCLUDE loop2.inc\n");
	write_file(dir, "loop2.inc", "y A 192.0.2.1\n$INCLUDE loop.zone\n");

	struct cap c;
	struct ans_zone_builder *b = NULL;
	struct ans_zone *z = NULL;
	cap_init(&c);
	snprintf(path, sizeof(path), "%s/main.zone", dir);
	assert_int_equal(ans_zone_builder_new(&b, ORIGIN), ANS_OK);
	assert_int_equal(ans_zone_parse_file(path, ORIGIN, &c.diag, b), ANS_ESYNTAX);
	assert_int_equal(ans_zone_builder_finish(b, &c.diag, &z), ANS_OK);
	assert_non_null(strstr(c.buf, "/sub.inc:3: error: bad A rdata"));
	assert_non_null(find_rrset(z, "x.sub.example.com.", ANS_TYPE_A));
	assert_non_null(find_rrset(z, "sub.example.com.", ANS_TYPE_A));
	assert_non_null(find_rrset(z, "after.example.com.", ANS_TYPE_A));
	assert_non_null(find_rrset(z, "after.example.com.", ANS_TYPE_AAAA));
	const struct ans_rrset *rs = find_rrset(z, "x.sub.example.com.", ANS_TYPE_A);
	assert_non_null(strstr(z->files[rs->src_file], "sub.inc"));
	assert_int_equal(rs->src_line, 1);
	ans_zone_free(z);

	cap_init(&c);
	snprintf(path, sizeof(path), "%s/loop.zone", dir);
	assert_int_equal(ans_zone_load(path, ORIGIN, &c.diag, &z), ANS_ESYNTAX);
	assert_null(z);
	assert_non_null(strstr(c.buf, "/loop2.inc:2: error: $INCLUDE loop:"));

	cap_init(&c);
	snprintf(path, sizeof(path), "%s/none.zone", dir);
	assert_int_equal(ans_zone_load(path, ORIGIN, &c.diag, &z), ANS_ENOENT);
	assert_non_null(strstr(c.buf, "none.zone:0: error: cannot read zone file"));

	const char *names[] = { "main.zone", "sub.inc", "loop.zone", "loop2.inc" };
	for (size_t i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

static void test_load_good(void **state)
{
	(void)state;
	char path[] = "/tmp/anyns-load-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char *text = HEAD "www A 192.0.2.80\n";
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	struct cap c;
	struct ans_zone *z = NULL;
	cap_init(&c);
	assert_int_equal(ans_zone_load(path, ORIGIN, &c.diag, &z), ANS_OK);
	assert_non_null(z);
	assert_int_equal(z->serial, 1);
	ans_zone_free(z);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ttl_from_text),
		cmocka_unit_test(test_records_and_fields),
		cmocka_unit_test(test_ttl_defaults),
		cmocka_unit_test(test_origin),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_owner_checked_once),
		cmocka_unit_test(test_owner_text_repeats),
		cmocka_unit_test(test_all_errors_reported),
		cmocka_unit_test(test_generate),
		cmocka_unit_test(test_include),
		cmocka_unit_test(test_load_good),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
