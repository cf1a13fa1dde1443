/* SPDX-License-Identifier: MIT */
/*
 * The BIRD control-socket reply parser, on transcripts captured from BIRD
 * 2.0.12 (`bird -s SOCK`, raw bytes read from the socket), plus the cut
 * and broken inputs a frozen or hostile peer could give.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "healthd/speaker.h"

struct reply_case {
	const char *bytes;
	int rc;
	int code;
	const char *text;
	size_t used;          /* 0: the whole input */
};

static const struct reply_case cases[] = {
	/* Captured from BIRD 2.0.12. */
	{ "0001 BIRD 2.0.12 ready.\n", ANS_OK, 1, "BIRD 2.0.12 ready.", 0 },
	{ "0011-anyns_service: enabled\n0000 \n", ANS_OK, 11, "anyns_service: enabled", 0 },
	{ "0010-anyns_service: already enabled\n0000 \n", ANS_OK, 10,
	  "anyns_service: already enabled", 0 },
	{ "0009-anyns_service: disabled\n0000 \n", ANS_OK, 9, "anyns_service: disabled", 0 },
	{ "0008-anyns_drain: already disabled\n0000 \n", ANS_OK, 8,
	  "anyns_drain: already disabled", 0 },
	{ "9001 syntax error, unexpected CF_SYM_UNDEFINED, expecting CF_SYM_KNOWN or "
	  "TEXT or ALL\n", ANS_OK, 9001, "syntax error, unexpected CF_SYM_UNDEFINED, "
	  "expecting CF_SYM_KNOWN or TEXT or ALL", 0 },
	{ "1000-BIRD 2.0.12\n1011-Router ID is 10.0.0.1\n Hostname is vm\n Current "
	  "server time is 2026-11-26 20:25:50.769\n0013 Daemon is up and running\n",
	  ANS_OK, 1000, "BIRD 2.0.12", 0 },
	/* An error after informative lines wins. */
	{ "0011-p: enabled\n8003 No protocols match\n", ANS_OK, 8003, "No protocols match", 0 },
	/* Two replies in one read: only the first is consumed. */
	{ "0011-p: enabled\n0000 \n0009-p: disabled\n0000 \n", ANS_OK, 11, "p: enabled", 22 },
	/* Incomplete: wait for more. */
	{ "", ANS_EAGAIN, -1, "", 0 },
	{ "0011-anyns_service: ena", ANS_EAGAIN, -1, "", 0 },
	{ "0011-anyns_service: enabled\n", ANS_EAGAIN, -1, "", 0 },
	{ "0011-anyns_service: enabled\n0000", ANS_EAGAIN, -1, "", 0 },
	/* Not BIRD. */
	{ "HTTP/1.1 400 Bad Request\n", ANS_EMALF, -1, "", 0 },
	{ "001x ready\n", ANS_EMALF, -1, "", 0 },
	{ "0011:enabled\n", ANS_EMALF, -1, "", 0 },
	{ "\n", ANS_EMALF, -1, "", 0 },
};

static void test_replies(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct reply_case *c = &cases[i];
		struct hd_bird_reply r;
		size_t used = 12345;
		int rc = hd_bird_reply_parse(c->bytes, strlen(c->bytes), &r, &used);
		if (rc != c->rc)
			fail_msg("case %zu: rc %d, expected %d", i, rc, c->rc);
		if (rc != ANS_OK)
			continue;
		if (r.code != c->code || strcmp(r.text, c->text) != 0)
			fail_msg("case %zu: %04d '%s', expected %04d '%s'", i, r.code,
				 r.text, c->code, c->text);
		if (used != (c->used ? c->used : strlen(c->bytes)))
			fail_msg("case %zu: used %zu", i, used);
	}
}

static void test_long_text_truncated(void **state)
{
	(void)state;
	char buf[600];
	memset(buf, 'x', sizeof(buf));
	memcpy(buf, "8001-", 5);
	memcpy(buf + sizeof(buf) - 8, "\n0000 \n", 7);
	struct hd_bird_reply r;
	size_t used;
	assert_int_equal(hd_bird_reply_parse(buf, sizeof(buf) - 1, &r, &used), ANS_OK);
	assert_int_equal(r.code, 8001);
	assert_int_equal(strlen(r.text), sizeof(r.text) - 1);
}

static void test_ok_codes(void **state)
{
	(void)state;
	assert_true(hd_bird_ok(11, true));
	assert_true(hd_bird_ok(10, true));
	assert_false(hd_bird_ok(9, true));
	assert_true(hd_bird_ok(9, false));
	assert_true(hd_bird_ok(8, false));
	assert_false(hd_bird_ok(11, false));
	assert_false(hd_bird_ok(9001, true));
	assert_false(hd_bird_ok(0, false));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replies),
		cmocka_unit_test(test_long_text_truncated),
		cmocka_unit_test(test_ok_codes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
