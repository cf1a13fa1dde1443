/* SPDX-License-Identifier: MIT */
/*
 * The control protocol parser, table-driven: good requests with what they
 * parse to, bad ones with their error code and message; the answer
 * buffer's JSON escaping and growth.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "anynsd/ctl.h"

struct good_case {
	const char *line;
	enum ctl_cmd cmd;
	bool is_json;
	const char *zone_wire;        /* NULL: no zone */
};

static const struct good_case good_cases[] = {
	{ "text status\n", CTL_STATUS, false, NULL },
	{ "json status", CTL_STATUS, true, NULL },
	{ "text zone-status\n", CTL_ZONE_STATUS, false, NULL },
	{ "json zone-status example.com\n", CTL_ZONE_STATUS, true, "\7example\3com" },
	{ "text zone-status Example.COM.\n", CTL_ZONE_STATUS, false, "\7example\3com" },
	{ "text reload\n", CTL_RELOAD, false, NULL },
	{ "text reload a.b\n", CTL_RELOAD, false, "\1a\1b" },
	{ "json retransfer example.com\n", CTL_RETRANSFER, true, "\7example\3com" },
	{ "text notify x\n", CTL_NOTIFY, false, "\1x" },
	{ "json stats\n", CTL_STATS, true, NULL },
	{ "text zone-status .\n", CTL_ZONE_STATUS, false, "" },
};

struct bad_case {
	const char *line;
	int rc;
	const char *why;
};

static const struct bad_case bad_cases[] = {
	{ "", ANS_ESYNTAX, "bad request: expected FORMAT COMMAND [ZONE], FORMAT text or json" },
	{ "\n", ANS_ESYNTAX, "bad request: expected FORMAT COMMAND [ZONE], FORMAT text or json" },
	{ "status\n", ANS_ESYNTAX, "bad request: expected FORMAT COMMAND [ZONE], FORMAT text or json" },
	{ "xml status\n", ANS_ESYNTAX, "bad request: expected FORMAT COMMAND [ZONE], FORMAT text or json" },
	{ "text  status\n", ANS_ESYNTAX, "bad request: expected FORMAT COMMAND [ZONE] (words separated by one space)" },
	{ "text status \n", ANS_ESYNTAX, "bad request: expected FORMAT COMMAND [ZONE] (words separated by one space)" },
	{ " text status\n", ANS_ESYNTAX, "bad request: expected FORMAT COMMAND [ZONE] (words separated by one space)" },
	{ "text\tstatus\n", ANS_ESYNTAX, "bad request: expected FORMAT COMMAND [ZONE] (words separated by one space)" },
	{ "text status\r\n", ANS_ESYNTAX, "bad request: expected FORMAT COMMAND [ZONE] (words separated by one space)" },
	{ "text st\xc3\xa4tus\n", ANS_ESYNTAX, "bad request: not ASCII" },
	{ "text frob\n", ANS_ENOTFOUND, "unknown command 'frob'" },
	{ "text status example.com\n", ANS_ESYNTAX, "status: takes no zone" },
	{ "text stats x\n", ANS_ESYNTAX, "stats: takes no zone" },
	{ "text retransfer\n", ANS_ESYNTAX, "retransfer: needs a zone" },
	{ "text notify\n", ANS_ESYNTAX, "notify: needs a zone" },
	{ "text reload a b\n", ANS_ESYNTAX, "bad request: expected FORMAT COMMAND [ZONE], FORMAT text or json" },
	{ "text reload a..b\n", ANS_ESYNTAX, "bad zone name 'a..b'" },
	{ "text status\nmore\n", ANS_ESYNTAX, "bad request: expected FORMAT COMMAND [ZONE] (words separated by one space)" },
};

static void test_good(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(good_cases) / sizeof(good_cases[0]); i++) {
		const struct good_case *c = &good_cases[i];
		struct ctl_req r;
		char why[256] = "";
		int rc = ctl_parse(c->line, strlen(c->line), &r, why, sizeof(why));
		if (rc != ANS_OK)
			fail_msg("case %zu '%s': %s", i, c->line, why);
		assert_int_equal(r.cmd, c->cmd);
		assert_int_equal(r.is_json, c->is_json);
		assert_int_equal(r.has_zone, c->zone_wire != NULL);
		if (c->zone_wire)
			assert_memory_equal(r.zone, c->zone_wire, strlen(c->zone_wire) + 1);
	}
}

static void test_bad(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct ctl_req r;
		char why[256] = "";
		int rc = ctl_parse(c->line, strlen(c->line), &r, why, sizeof(why));
		if (rc != c->rc || strcmp(why, c->why) != 0)
			fail_msg("case %zu: rc %d why '%s'", i, rc, why);
	}
}

static void test_too_long(void **state)
{
	(void)state;
	char line[CTL_REQ_MAX + 1];
	memset(line, 'a', sizeof(line));
	memcpy(line, "text zone-status ", 17);
	struct ctl_req r;
	char why[256];
	assert_int_equal(ctl_parse(line, CTL_REQ_MAX, &r, why, sizeof(why)), ANS_ELIMIT);
	assert_string_equal(why, "request longer than 512 bytes");
	/* One byte less, with its newline, is within the limit (and a bad
	 * name: a label longer than 63). */
	line[CTL_REQ_MAX - 1] = '\n';
	assert_int_equal(ctl_parse(line, CTL_REQ_MAX, &r, why, sizeof(why)), ANS_ESYNTAX);
}

static void test_buf_json_and_growth(void **state)
{
	(void)state;
	struct ctl_buf b = { 0 };
	ctl_buf_json_string(&b, "a\"b\\c\nd\x01");
	assert_int_equal(b.len, strlen("\"a\\\"b\\\\c\\u000ad\\u0001\""));
	assert_memory_equal(b.data, "\"a\\\"b\\\\c\\u000ad\\u0001\"", b.len);
	for (int i = 0; i < 10000; i++)
		ctl_buf_printf(&b, "%d,", i % 10);
	assert_false(b.failed);
	assert_int_equal(b.len, 22 + 20000);
	ctl_buf_free(&b);
	ctl_error(&b, true, "no such zone x.");
	assert_memory_equal(b.data, "error no such zone x.\n{\"error\":\"no such zone x.\"}\n", b.len);
	ctl_buf_free(&b);
	ctl_error(&b, false, "bad");
	assert_memory_equal(b.data, "error bad\n", b.len);
	ctl_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_buf_json_and_growth),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
