/* SPDX-License-Identifier: MIT */
/*
 * anyns-healthd's configuration, table-driven: each kind of error with its
 * exact message (file:line: option: what was expected), a good file with
 * the values it gives, and the commands built from it for FRR (vtysh
 * arguments) and ExaBGP (API lines).
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

#define ANN "announce: { asn: 65001, prefixes: [ \"203.0.113.0/24\" ] }\n"
#define PRB "probe:\n  - { id: dns, type: dns, name: example.com }\n"

struct bad_case {
	const char *text;
	const char *message;
};

static const struct bad_case bad_cases[] = {
	{ "announce: [\n", "h.yaml:2: YAML: did not find expected node content" },
	{ PRB, "h.yaml:1: announce: missing (required)" },
	{ ANN, "h.yaml:1: probe: missing (at least one probe is required: healthd never announces blind)" },
	{ ANN PRB "polcy: {}\n", "h.yaml:4: polcy: unknown section" },
	{ ANN PRB "policy:\n  rise: 0\n", "h.yaml:5: policy.rise: expected an integer 1..100, got '0'" },
	{ ANN PRB "policy:\n  fal: 2\n", "h.yaml:5: policy.fal: unknown option" },
	{ ANN PRB "policy:\n  rise: 2\n  rise: 3\n",
	  "h.yaml:6: policy.rise: duplicate option (first at line 5)" },
	{ ANN PRB "policy:\n  hold-down: soon\n",
	  "h.yaml:5: policy.hold-down: expected a duration 0ms..3600000ms, got 'soon'" },
	{ ANN PRB "policy:\n  hold-down: 10m\n  hold-down-max: 1m\n",
	  "h.yaml:1: policy.hold-down: longer than policy.hold-down-max" },
	{ ANN PRB "speaker:\n  type: gobgp\n",
	  "h.yaml:5: speaker.type: expected one of bird, frr, exabgp, got 'gobgp'" },
	{ "announce: { asn: 0, prefixes: [ \"203.0.113.0/24\" ] }\n" PRB,
	  "h.yaml:1: announce.asn: expected an integer 1..4294967295, got '0'" },
	{ "announce: { asn: 65001, prefixes: [ \"203.0.113.1/24\" ] }\n" PRB,
	  "h.yaml:1: announce.prefixes: expected a prefix such as 203.0.113.0/24 (host bits zero), got '203.0.113.1/24'" },
	{ "announce: { asn: 65001, prefixes: \"203.0.113.0/24\" }\n" PRB,
	  "h.yaml:1: announce.prefixes: expected a list of strings" },
	{ "announce: { asn: 65001, prefixes: [] }\n" PRB,
	  "h.yaml:1: announce.prefixes: empty list" },
	{ ANN "probe:\n  - { id: p, type: process }\n",
	  "h.yaml:3: probe p: pidfile: missing (required for this type)" },
	{ ANN "probe:\n  - { id: d, type: dns }\n",
	  "h.yaml:3: probe d: name: missing (required for this type)" },
	{ ANN "probe:\n  - { type: dns, name: a }\n", "h.yaml:3: probe.id: missing (required)" },
	{ ANN "probe:\n  - { id: d, type: dns, name: a, interval: 100ms, timeout: 200ms }\n",
	  "h.yaml:3: probe d: timeout 200ms longer than interval 100ms" },
	{ ANN "probe:\n  - { id: d, type: dns, name: a, qtype: BOGUS }\n",
	  "h.yaml:3: probe d: qtype: unknown type 'BOGUS'" },
	{ ANN "probe:\n  - { id: d, type: dns, name: a, rcode: FINE }\n",
	  "h.yaml:3: probe d: rcode: expected NOERROR, NXDOMAIN, SERVFAIL, REFUSED..., got 'FINE'" },
	{ ANN "probe:\n  - { id: d, type: dns, name: a }\n  - { id: d, type: zone, name: a }\n",
	  "h.yaml:4: probe.id: duplicate 'd' (first at line 3)" },
	{ ANN "probe:\n  - { id: d, type: dns, name: a, server: 1.2.3.4@70000 }\n",
	  "h.yaml:3: probe.server: expected an address ADDR[@PORT], got '1.2.3.4@70000'" },
	{ ANN PRB "healthd:\n  tun: a-very-long-device-name\n",
	  "h.yaml:1: healthd.tun: at most 15 characters" },
};

static void test_bad(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		struct hd_conf *c = (void *)1;
		char err[512] = "";
		int rc = hd_conf_load_text("h.yaml", bad_cases[i].text,
					   strlen(bad_cases[i].text), &c, err, sizeof(err));
		if (rc != ANS_ECONFIG || c != NULL ||
		    strncmp(err, bad_cases[i].message, strlen(bad_cases[i].message)) != 0)
			fail_msg("case %zu: rc %d, got\n  %s\nexpected\n  %s", i, rc, err,
				 bad_cases[i].message);
	}
}

static const char good[] =
	"announce:\n"
	"  asn: 65001\n"
	"  prefixes: [ \"203.0.113.0/24\", \"2001:db8:53::/48\" ]\n"
	"speaker: { type: frr, vtysh: /usr/bin/vtysh, timeout: 250ms }\n"
	"policy: { rise: 3, fall: 2, hold-down: 2s, drain-time: 1m }\n"
	"healthd: { control: ctl.sock, metrics: 127.0.0.1@9154 }\n"
	"probe:\n"
	"  - { id: dns, type: dns, name: example.com, qtype: A, answer: 192.0.2.1,"
	" interval: 100ms, timeout: 100ms, server: \"::1@5300\" }\n"
	"  - { id: zone, type: zone, name: example.com, primary: 192.0.2.1, max-serial-lag: 2 }\n"
	"  - { id: proc, type: process, pidfile: /run/anynsd.pid }\n";

static void test_good(void **state)
{
	(void)state;
	struct hd_conf *c;
	char err[512];
	assert_int_equal(hd_conf_load_text("/etc/anyns/h.yaml", good, strlen(good), &c,
					   err, sizeof(err)), ANS_OK);
	assert_int_equal(c->announce.asn, 65001);
	assert_int_equal(c->announce.count, 2);
	assert_string_equal(c->announce.items[1].text, "2001:db8:53::/48");
	assert_int_equal(c->speaker.type, HD_SPEAKER_FRR);
	assert_int_equal(c->speaker.timeout_ms, 250);
	assert_int_equal(c->speaker.retry_ms, 1000);      /* default */
	assert_int_equal(c->policy.rise, 3);
	assert_int_equal(c->policy.drain_time_ms, 60000);
	assert_int_equal(c->policy.hold_down_max_ms, 300000);
	assert_string_equal(c->healthd.control, "/etc/anyns/ctl.sock");
	assert_string_equal(c->healthd.tun, "anyns0");
	assert_int_equal(c->probe_count, 3);
	assert_string_equal(c->probes[0].server.text, "::1@5300");
	assert_int_equal(c->probes[0].qtype_code, 1);
	assert_int_equal(c->probes[0].interval_ms, 100);
	assert_string_equal(c->probes[1].primary.text, "192.0.2.1@53");
	assert_int_equal(c->probes[1].qtype_code, 6);
	assert_int_equal(c->probes[2].interval_ms, 1000);
	assert_int_equal(c->probes[2].type, HD_PROBE_PROCESS);

	char *argv[64], buf[4096], joined[4096] = "";
	int argc = hd_frr_argv(c, true, true, argv, 64, buf, sizeof(buf));
	assert_true(argc > 0);
	for (int i = 0; i < argc; i++)
		snprintf(joined + strlen(joined), sizeof(joined) - strlen(joined), "%s|", argv[i]);
	assert_string_equal(joined, "/usr/bin/vtysh|-c|configure terminal|-c|router bgp 65001|"
			    "-c|address-family ipv4 unicast|-c|network 203.0.113.0/24 route-map "
			    "ANYNS-GSHUT|-c|exit-address-family|-c|address-family ipv6 unicast|"
			    "-c|network 2001:db8:53::/48 route-map ANYNS-GSHUT|-c|exit-address-family|");
	assert_null(argv[argc]);
	argc = hd_frr_argv(c, false, false, argv, 64, buf, sizeof(buf));
	assert_string_equal(argv[8], "no network 203.0.113.0/24");
	assert_int_equal(hd_frr_argv(c, false, false, argv, 8, buf, sizeof(buf)), ANS_ESPACE);

	assert_true(hd_exabgp_lines(c, true, false, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "announce route 203.0.113.0/24 next-hop self\n"
			    "announce route 2001:db8:53::/48 next-hop self\n");
	assert_true(hd_exabgp_lines(c, true, true, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "announce route 203.0.113.0/24 next-hop self community [65535:0]\n"
			    "announce route 2001:db8:53::/48 next-hop self community [65535:0]\n");
	assert_true(hd_exabgp_lines(c, false, true, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "withdraw route 203.0.113.0/24 next-hop self\n"
			    "withdraw route 2001:db8:53::/48 next-hop self\n");
	assert_int_equal(hd_exabgp_lines(c, false, true, buf, 20), ANS_ESPACE);
	hd_conf_free(c);
}

static void test_example_file(void **state)
{
	(void)state;
	struct hd_conf *c;
	char err[512];
	int rc = hd_conf_load_file("examples/healthd.yaml", &c, err, sizeof(err));
	if (rc != ANS_OK)
		fail_msg("%s", err);
	hd_conf_free(c);
}

/* doc/healthd-config.md is what `anyns-healthd --config-reference` prints. */
static void test_reference_up_to_date(void **state)
{
	(void)state;
	static char printed[65536], file[65536];
	FILE *out = fmemopen(printed, sizeof(printed) - 1, "w");
	hd_conf_print_reference(out);
	fclose(out);
	FILE *in = fopen("doc/healthd-config.md", "r");
	assert_non_null(in);
	size_t n = fread(file, 1, sizeof(file) - 1, in);
	fclose(in);
	file[n] = '\0';
	if (strcmp(printed, file) != 0)
		fail_msg("doc/healthd-config.md is stale: run build/anyns-healthd "
			 "--config-reference > doc/healthd-config.md");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_example_file),
		cmocka_unit_test(test_reference_up_to_date),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
