/* SPDX-License-Identifier: MIT */
/*
 * The FRRouting driver's pure parts: which vtysh answers mean "already so"
 * (a withdrawal of an absent network, an announcement of a present one;
 * texts as FRR 8.4.4's bgpd prints them), the reason line taken from
 * vtysh's output, and the one-prefix argument vectors of the slow path.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "healthd/conf.h"
#include "healthd/speaker.h"

struct already_case {
	const char *out;
	bool announce, already;
};

static const struct already_case already_cases[] = {
	{ "% Can't find static route specified\n", false, true },
	{ "% Can't find static route specified\n", true, false },
	{ "% There is already same network statement.\n", true, true },
	{ "% There is already same network statement.\n", false, false },
	{ "% Unknown command: no network 203.0.113.0/24\n", false, false },
	{ "Exiting: failed to connect to any daemons.\n", false, false },
	{ "% Specified prefix has host bits set\n", true, false },
	{ "", false, false },
};

static void test_already(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(already_cases) / sizeof(already_cases[0]); i++) {
		const struct already_case *k = &already_cases[i];
		if (hd_frr_already(k->out, k->announce) != k->already)
			fail_msg("case %zu: '%s' (%s)", i, k->out,
				 k->announce ? "announce" : "withdraw");
	}
}

static void test_first_line(void **state)
{
	(void)state;
	char why[256];
	hd_frr_first_line("% Can't find static route specified\nmore\n", why, sizeof(why), 1);
	assert_string_equal(why, "vtysh exit status 1: % Can't find static route specified");
	hd_frr_first_line("\n\n", why, sizeof(why), 13);
	assert_string_equal(why, "vtysh exit status 13");
	hd_frr_first_line("", why, sizeof(why), 127);
	assert_string_equal(why, "vtysh exit status 127");
}

static const char conf_text[] =
	"announce: { asn: 65001, prefixes: [ \"203.0.113.0/24\", \"198.51.100.0/24\","
	" \"2001:db8:53::/48\" ] }\n"
	"speaker: { type: frr, vtysh: /usr/bin/vtysh }\n"
	"probe:\n  - { id: dns, type: dns, name: example.com }\n";

static void join(char **argv, int argc, char *out, size_t size)
{
	out[0] = '\0';
	for (int i = 0; i < argc; i++)
		snprintf(out + strlen(out), size - strlen(out), "%s|", argv[i]);
}

static void test_range(void **state)
{
	(void)state;
	struct hd_conf *c;
	char err[256], *argv[32], buf[2048], joined[2048];
	assert_int_equal(hd_conf_load_text("h.yaml", conf_text, strlen(conf_text), &c, err,
					   sizeof(err)), ANS_OK);
	int argc = hd_frr_argv_range(c, 1, 2, false, false, argv, 32, buf, sizeof(buf));
	join(argv, argc, joined, sizeof(joined));
	assert_string_equal(joined, "/usr/bin/vtysh|-c|configure terminal|-c|router bgp 65001|"
			    "-c|address-family ipv4 unicast|-c|no network 198.51.100.0/24|"
			    "-c|exit-address-family|");
	argc = hd_frr_argv_range(c, 2, 3, true, false, argv, 32, buf, sizeof(buf));
	join(argv, argc, joined, sizeof(joined));
	assert_string_equal(joined, "/usr/bin/vtysh|-c|configure terminal|-c|router bgp 65001|"
			    "-c|address-family ipv6 unicast|-c|network 2001:db8:53::/48|"
			    "-c|exit-address-family|");
	/* The whole range is the same as hd_frr_argv. */
	char *all[64], buf2[4096], joined2[4096];
	argc = hd_frr_argv_range(c, 0, 3, false, false, argv, 32, buf, sizeof(buf));
	join(argv, argc, joined, sizeof(joined));
	int argc2 = hd_frr_argv(c, false, false, all, 64, buf2, sizeof(buf2));
	join(all, argc2, joined2, sizeof(joined2));
	assert_string_equal(joined, joined2);
	hd_conf_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_already),
		cmocka_unit_test(test_first_line),
		cmocka_unit_test(test_range),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
