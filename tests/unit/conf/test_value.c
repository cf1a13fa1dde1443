/* SPDX-License-Identifier: MIT */
/*
 * The shared value parsers (lib/conf/value.h), table-driven: numbers with
 * units, booleans, ADDR@PORT, address ranges and domain names, each with
 * its good forms and the near-misses that must be refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <arpa/inet.h>

#include "lib/conf/value.h"

struct num_case {
	int (*fn)(const char *, int64_t *);
	const char *text;
	int rc;
	int64_t value;
};

static void test_numbers(void **state)
{
	(void)state;
	static const struct num_case cases[] = {
		{ ans_conf_parse_duration, "10", ANS_OK, 10000 },
		{ ans_conf_parse_duration, "0", ANS_OK, 0 },
		{ ans_conf_parse_duration, "250ms", ANS_OK, 250 },
		{ ans_conf_parse_duration, "3s", ANS_OK, 3000 },
		{ ans_conf_parse_duration, "2m", ANS_OK, 120000 },
		{ ans_conf_parse_duration, "2h", ANS_OK, 7200000 },
		{ ans_conf_parse_duration, "1d", ANS_OK, 86400000 },
		{ ans_conf_parse_duration, "-1s", ANS_ESYNTAX, 0 },
		{ ans_conf_parse_duration, "5x", ANS_ESYNTAX, 0 },
		{ ans_conf_parse_duration, "10 s", ANS_ESYNTAX, 0 },
		{ ans_conf_parse_duration, " 10s", ANS_ESYNTAX, 0 },
		{ ans_conf_parse_duration, "s", ANS_ESYNTAX, 0 },
		{ ans_conf_parse_duration, "", ANS_ESYNTAX, 0 },
		{ ans_conf_parse_duration, "99999999999999999999d", ANS_ERANGE, 0 },
		{ ans_conf_parse_size, "4k", ANS_OK, 4096 },
		{ ans_conf_parse_size, "4K", ANS_OK, 4096 },
		{ ans_conf_parse_size, "1M", ANS_OK, 1048576 },
		{ ans_conf_parse_size, "2G", ANS_OK, INT64_C(2147483648) },
		{ ans_conf_parse_size, "12", ANS_OK, 12 },
		{ ans_conf_parse_size, "k", ANS_ESYNTAX, 0 },
		{ ans_conf_parse_size, "1m", ANS_ESYNTAX, 0 },
		{ ans_conf_parse_size, "1T", ANS_ESYNTAX, 0 },
		{ ans_conf_parse_int, "-3", ANS_OK, -3 },
		{ ans_conf_parse_int, "42", ANS_OK, 42 },
		{ ans_conf_parse_int, "99999999999999999999", ANS_ERANGE, 0 },
		{ ans_conf_parse_int, "", ANS_ESYNTAX, 0 },
		{ ans_conf_parse_int, " 4", ANS_ESYNTAX, 0 },
		{ ans_conf_parse_int, "4x", ANS_ESYNTAX, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t v = 0;
		int rc = cases[i].fn(cases[i].text, &v);
		if (rc != cases[i].rc || (rc == ANS_OK && v != cases[i].value))
			fail_msg("case %zu '%s': rc %d value %lld", i, cases[i].text, rc,
				 (long long)v);
	}
}

static void test_bool(void **state)
{
	(void)state;
	static const struct { const char *text; int rc; bool value; } cases[] = {
		{ "on", ANS_OK, true }, { "No", ANS_OK, false }, { "TRUE", ANS_OK, true },
		{ "off", ANS_OK, false }, { "yes", ANS_OK, true }, { "2", ANS_ESYNTAX, 0 },
		{ "", ANS_ESYNTAX, 0 }, { "truey", ANS_ESYNTAX, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool b = !cases[i].value;
		int rc = ans_conf_parse_bool(cases[i].text, &b);
		if (rc != cases[i].rc || (rc == ANS_OK && b != cases[i].value))
			fail_msg("case %zu '%s': rc %d", i, cases[i].text, rc);
	}
}

static void test_addr(void **state)
{
	(void)state;
	static const struct { const char *text; uint16_t def; const char *norm; } cases[] = {
		{ "127.0.0.1", 53, "127.0.0.1@53" }, { "::1@5300", 53, "::1@5300" },
		{ "2001:db8::1@53", 53, "2001:db8::1@53" },
		{ "127.0.0.1", 9153, "127.0.0.1@9153" }, { "1.2.3.4@65535", 53, "1.2.3.4@65535" },
		{ "1.2.3.4@0", 53, NULL }, { "1.2.3.4@65536", 53, NULL },
		{ "1.2.3.4@", 53, NULL }, { "@53", 53, NULL }, { "host@53", 53, NULL },
		{ "1.2.3.4@+53", 53, NULL }, { "1.2.3.4@ 53", 53, NULL },
		{ "[::1]@53", 53, NULL }, { "", 53, NULL }, { "1.2.3.4", 0, NULL },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ans_conf_addr a;
		int rc = ans_conf_parse_addr(cases[i].text, cases[i].def, &a);
		if (!cases[i].norm ? rc == ANS_OK
				   : rc != ANS_OK || strcmp(a.text, cases[i].norm) != 0)
			fail_msg("case %zu '%s': rc %d", i, cases[i].text, rc);
	}
	struct ans_conf_addr a;
	assert_int_equal(ans_conf_parse_addr("::1@5300", 53, &a), ANS_OK);
	assert_int_equal(a.ss.ss_family, AF_INET6);
	assert_int_equal(a.len, sizeof(struct sockaddr_in6));
	assert_int_equal(ntohs(((struct sockaddr_in6 *)&a.ss)->sin6_port), 5300);
}

static void test_net(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		bool strict;
		int rc;
		unsigned len;
		const char *inside, *outside;
	} cases[] = {
		{ "192.0.2.1", false, ANS_OK, 32, "192.0.2.1", "192.0.2.2" },
		{ "192.0.2.0/24", false, ANS_OK, 24, "192.0.2.200", "192.0.3.1" },
		{ "192.0.2.1/24", false, ANS_OK, 24, "192.0.2.9", "192.0.3.1" },
		{ "192.0.2.1/24", true, ANS_ESYNTAX, 0, NULL, NULL },
		{ "192.0.2.128/25", true, ANS_OK, 25, "192.0.2.129", "192.0.2.1" },
		{ "10.0.0.0/33", false, ANS_ESYNTAX, 0, NULL, NULL },
		{ "10.0.0.0/", false, ANS_ESYNTAX, 0, NULL, NULL },
		{ "10.0.0.0/+8", false, ANS_ESYNTAX, 0, NULL, NULL },
		{ "0.0.0.0/0", true, ANS_OK, 0, "203.0.113.1", "::1" },
		{ "2001:db8::/32", true, ANS_OK, 32, "2001:db8:1::1", "2001:db9::1" },
		{ "::1", false, ANS_OK, 128, "::1", "::2" },
		{ "2001:db8::/129", false, ANS_ESYNTAX, 0, NULL, NULL },
		{ "example.com", false, ANS_ESYNTAX, 0, NULL, NULL },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ans_conf_net n;
		int rc = ans_conf_parse_net(cases[i].text, cases[i].strict, &n);
		if (rc != cases[i].rc || (rc == ANS_OK && n.prefix_len != cases[i].len))
			fail_msg("case %zu '%s': rc %d", i, cases[i].text, rc);
		if (rc != ANS_OK)
			continue;
		uint8_t a[16];
		int fam = strchr(cases[i].inside, ':') ? AF_INET6 : AF_INET;
		assert_int_equal(inet_pton(fam, cases[i].inside, a), 1);
		if (!ans_conf_net_has(&n, fam, a))
			fail_msg("case %zu: %s not in %s", i, cases[i].inside, cases[i].text);
		fam = strchr(cases[i].outside, ':') ? AF_INET6 : AF_INET;
		assert_int_equal(inet_pton(fam, cases[i].outside, a), 1);
		if (ans_conf_net_has(&n, fam, a))
			fail_msg("case %zu: %s in %s", i, cases[i].outside, cases[i].text);
	}
}

static void test_dname(void **state)
{
	(void)state;
	static const struct { const char *text; const char *norm; } cases[] = {
		{ "Example.COM", "example.com." }, { "example.com.", "example.com." },
		{ ".", "." }, { "a..b", NULL }, { "", NULL },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ans_conf_dname d;
		int rc = ans_conf_parse_dname(cases[i].text, &d);
		if (!cases[i].norm ? rc == ANS_OK
				   : rc != ANS_OK || strcmp(d.text, cases[i].norm) != 0)
			fail_msg("case %zu '%s': rc %d", i, cases[i].text, rc);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_bool),
		cmocka_unit_test(test_addr),
		cmocka_unit_test(test_net),
		cmocka_unit_test(test_dname),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
