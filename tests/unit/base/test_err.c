/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the error space (lib/base/err.h): every code of our own has
 * its own message, errno codes read as the system's, the rest is "unknown".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/base/err.h"

static const int own_codes[] = {
	ANS_EMALF, ANS_ESPACE, ANS_ESYNTAX, ANS_ELIMIT, ANS_ELOOP, ANS_ENOZONE,
	ANS_ENOTFOUND, ANS_ESEMANTIC, ANS_ETYPE, ANS_ECONFIG, ANS_ETSIG,
	ANS_ETIMEOUT, ANS_ESTALE,
};
#define N_OWN (sizeof(own_codes) / sizeof(own_codes[0]))

/* Every code of our own has a message of its own. A code added to enum
 * ans_err and not to the list above fails the count check. */
static void test_own_codes_have_distinct_messages(void **state)
{
	(void)state;
	int span = ANS_ERR_LAST - ANS_ERR_BASE;
	assert_int_equal((size_t)(span < 0 ? -span : span), N_OWN);
	for (size_t i = 0; i < N_OWN; i++) {
		const char *s = ans_strerror(own_codes[i]);
		assert_non_null(s);
		if (strcmp(s, "unknown error") == 0 || strncmp(s, "Unknown error", 13) == 0)
			fail_msg("code %d has no message (got \"%s\")", own_codes[i], s);
		for (size_t j = 0; j < i; j++)
			if (strcmp(ans_strerror(own_codes[j]), s) == 0)
				fail_msg("code %d repeats \"%s\"", own_codes[i], s);
	}
}

/* Our codes must not collide with errno values the system knows. */
static void test_own_codes_clear_of_errno(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_OWN; i++) {
		assert_true(own_codes[i] < 0);
		if (strncmp(strerror(-own_codes[i]), "Unknown error", 13) != 0)
			fail_msg("code %d is errno %d", own_codes[i], -own_codes[i]);
	}
}

struct named_case {
	int code;
	const char *msg;
};

static const struct named_case named[] = {
	{ ANS_OK, "ok" },
	{ ANS_EMALF, "malformed data" },
	{ ANS_ESPACE, "not enough space" },
	{ ANS_ELOOP, "loop detected" },
	{ 1, "unknown error" },
	{ 12345, "unknown error" },
};

/* Codes outside every space still get a text, never one of ours. */
static const int stray_codes[] = { ANS_ERR_LAST, ANS_ERR_BASE - 1, -100000, -4000 };

static void test_named_codes(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		assert_string_equal(ans_strerror(named[i].code), named[i].msg);
	for (size_t i = 0; i < sizeof(stray_codes) / sizeof(stray_codes[0]); i++) {
		const char *s = ans_strerror(stray_codes[i]);
		assert_non_null(s);
		assert_true(s[0] != '\0');
		for (size_t j = 0; j < N_OWN; j++)
			assert_string_not_equal(s, ans_strerror(own_codes[j]));
	}
}

/* System errors are negative errno values and read like strerror(). */
static void test_errno_codes(void **state)
{
	(void)state;
	static const int errs[] = { ENOMEM, EINVAL, EIO, ENOENT, EEXIST, EAGAIN, ERANGE,
				    ECONNREFUSED };
	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		char want[256];
		strncpy(want, strerror(errs[i]), sizeof(want) - 1);
		want[sizeof(want) - 1] = '\0';
		assert_string_equal(ans_strerror(-errs[i]), want);
	}
	assert_int_equal(ANS_ENOMEM, -ENOMEM);
	assert_int_equal(ANS_EEXIST, -EEXIST);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_own_codes_have_distinct_messages),
		cmocka_unit_test(test_own_codes_clear_of_errno),
		cmocka_unit_test(test_named_codes),
		cmocka_unit_test(test_errno_codes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
