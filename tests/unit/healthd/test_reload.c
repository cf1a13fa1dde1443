/* SPDX-License-Identifier: MIT */
/*
 * Reload, table-driven: the diff between a running configuration and a
 * re-read one (probes kept/added/changed/removed, prefixes, policy,
 * speaker, changes refused), the policy carrying probe results across a
 * reload, what the speaker must undo (prefixes and BIRD protocols no
 * longer named), and the protocol names read from a BIRD
 * `show protocols` reply.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "healthd/conf.h"
#include "healthd/policy.h"
#include "healthd/reload.h"
#include "healthd/speaker.h"

#define P_A "\"203.0.113.0/24\""
#define P_B "\"198.51.100.0/24\""
#define DNS "  - { id: dns, type: dns, name: example.com, interval: 100ms, timeout: 100ms }\n"
#define PROC "  - { id: anynsd, type: process, pidfile: /run/a.pid }\n"
#define BASE_ANN "announce: { asn: 65001, prefixes: [ " P_A " ] }\n"
#define BASE_SPK "speaker: { type: bird, socket: /run/bird.ctl }\n"
#define BASE_POL "policy: { rise: 2, fall: 2 }\n"
#define BASE BASE_ANN BASE_SPK BASE_POL "probe:\n" DNS PROC

static struct hd_conf *load(const char *text)
{
	char err[512];
	struct hd_conf *c;
	int rc = hd_conf_load_text("h.yaml", text, strlen(text), &c, err, sizeof(err));
	if (rc != ANS_OK)
		fail_msg("%s", err);
	return c;
}

struct diff_case {
	const char *name, *new_text;
	int map[3];                  /* expected probe_map, new probe order */
	size_t kept, added, changed, removed, pfx_added, pfx_removed;
	bool policy, speaker, same;
	const char *refused;         /* substring, or NULL */
};

static const struct diff_case diff_cases[] = {
	{ "same file", BASE, { 0, 1 }, 2, 0, 0, 0, 0, 0, false, false, true, NULL },
	{ "comments and order of keys", "# reloaded\n" BASE_SPK BASE_ANN
	  "policy: { fall: 2, rise: 2 }\nprobe:\n" DNS PROC, { 0, 1 }, 2, 0, 0, 0, 0, 0,
	  false, false, true, NULL },
	{ "probe added", BASE "  - { id: x, type: command, command: 'true' }\n", { 0, 1, -1 },
	  2, 1, 0, 0, 0, 0, false, false, false, NULL },
	{ "probe removed", BASE_ANN BASE_SPK BASE_POL "probe:\n" DNS, { 0 }, 1, 0, 0, 1, 0, 0,
	  false, false, false, NULL },
	{ "probe changed", BASE_ANN BASE_SPK BASE_POL "probe:\n"
	  "  - { id: dns, type: dns, name: example.net, interval: 100ms, timeout: 100ms }\n" PROC,
	  { -1, 1 }, 1, 0, 1, 0, 0, 0, false, false, false, NULL },
	{ "probes reordered", BASE_ANN BASE_SPK BASE_POL "probe:\n" PROC DNS, { 1, 0 },
	  2, 0, 0, 0, 0, 0, false, false, false, NULL },
	{ "prefix added", "announce: { asn: 65001, prefixes: [ " P_A ", " P_B " ] }\n"
	  BASE_SPK BASE_POL "probe:\n" DNS PROC, { 0, 1 }, 2, 0, 0, 0, 1, 0, false, false,
	  false, NULL },
	{ "prefix replaced", "announce: { asn: 65001, prefixes: [ " P_B " ] }\n"
	  BASE_SPK BASE_POL "probe:\n" DNS PROC, { 0, 1 }, 2, 0, 0, 0, 1, 1, false, false,
	  false, NULL },
	{ "policy", BASE_ANN BASE_SPK "policy: { rise: 3, fall: 2 }\nprobe:\n" DNS PROC,
	  { 0, 1 }, 2, 0, 0, 0, 0, 0, true, false, false, NULL },
	{ "speaker timeout", BASE_ANN "speaker: { type: bird, socket: /run/bird.ctl, "
	  "timeout: 2s }\n" BASE_POL "probe:\n" DNS PROC, { 0, 1 }, 2, 0, 0, 0, 0, 0, false,
	  true, false, NULL },
	{ "speaker type refused", BASE_ANN "speaker: { type: frr }\n" BASE_POL "probe:\n"
	  DNS PROC, { 0, 1 }, 2, 0, 0, 0, 0, 0, false, true, false, "speaker.type changed" },
	{ "tun refused", BASE "healthd: { tun: other0 }\n", { 0, 1 }, 2, 0, 0, 0, 0, 0, false,
	  false, false, "healthd.tun changed" },
	{ "control refused", BASE "healthd: { control: /run/h.ctl }\n", { 0, 1 }, 2, 0, 0, 0,
	  0, 0, false, false, false, "healthd.control changed" },
};

static void test_diff_table(void **state)
{
	(void)state;
	struct hd_conf *old = load(BASE);
	for (size_t i = 0; i < sizeof(diff_cases) / sizeof(diff_cases[0]); i++) {
		const struct diff_case *t = &diff_cases[i];
		struct hd_conf *new = load(t->new_text);
		struct hd_reload_diff df;
		hd_reload_diff(old, new, &df);
		printf("# %s\n", t->name);
		for (size_t j = 0; j < new->probe_count; j++)
			assert_int_equal(df.probe_map[j], t->map[j]);
		assert_int_equal(df.probes_kept, t->kept);
		assert_int_equal(df.probes_added, t->added);
		assert_int_equal(df.probes_changed, t->changed);
		assert_int_equal(df.probes_removed, t->removed);
		assert_int_equal(df.prefixes_added, t->pfx_added);
		assert_int_equal(df.prefixes_removed, t->pfx_removed);
		assert_int_equal(df.policy_changed, t->policy);
		assert_int_equal(df.speaker_changed, t->speaker);
		assert_int_equal(df.same, t->same);
		if (t->refused)
			assert_non_null(strstr(df.refused, t->refused));
		else
			assert_string_equal(df.refused, "");
		hd_conf_free(new);
	}
	hd_conf_free(old);
}

static void test_summary(void **state)
{
	(void)state;
	struct hd_conf *old = load(BASE);
	struct hd_conf *new = load(diff_cases[2].new_text);
	struct hd_reload_diff df;
	char buf[256];
	hd_reload_diff(old, new, &df);
	hd_reload_summary(&df, buf, sizeof(buf));
	assert_string_equal(buf, "probes 2 kept, 1 added, 0 changed, 0 removed; "
			    "prefixes 0 added, 0 removed");
	hd_reload_diff(old, old, &df);
	hd_reload_summary(&df, buf, sizeof(buf));
	assert_string_equal(buf, "no change");
	hd_conf_free(new);
	hd_conf_free(old);
}

/* An UP node whose probes are kept stays UP with its runs; a new probe
 * starts with none; a lower rise lets a withdrawn node announce at once,
 * but never during its hold-down. */
static void test_policy_reconfigure(void **state)
{
	(void)state;
	const char *ids[] = { "dns", "anynsd" }, *ids2[] = { "anynsd", "dns", "new" };
	struct hd_policy_params par = { 2, 2, 1000, 8000, 60000, 0 };
	struct hd_policy p;
	hd_policy_init(&p, &par, ids, 2, 0);
	for (int t = 0; t < 2; t++) {
		hd_policy_result(&p, 0, true, false, NULL, t);
		hd_policy_result(&p, 1, true, false, NULL, t);
	}
	assert_int_equal(p.state, HD_STATE_UP);
	int same[] = { 0, 1 };
	assert_int_equal(hd_policy_reconfigure(&p, &par, ids, 2, same, 10), HD_ACTION_NONE);
	assert_int_equal(p.state, HD_STATE_UP);
	assert_int_equal(p.probes[0].ok_run, 2);
	int map[] = { 1, 0, -1 };
	assert_int_equal(hd_policy_reconfigure(&p, &par, ids2, 3, map, 20), HD_ACTION_NONE);
	assert_int_equal(p.state, HD_STATE_UP);
	assert_string_equal(p.probes[0].id, "anynsd");
	assert_int_equal(p.probes[0].ok_run, 2);
	assert_int_equal(p.probes[2].ok_run, 0);
	assert_int_equal(p.transitions, 1);
	/* The new probe fails `fall` times: withdrawn, hold-down 1 s. */
	hd_policy_result(&p, 2, false, false, "x", 30);
	assert_int_equal(hd_policy_result(&p, 2, false, false, "x", 40), HD_ACTION_WITHDRAW);
	/* Removing it: healthy again, but the hold-down still holds... */
	int back[] = { 1, 0 };
	assert_int_equal(hd_policy_reconfigure(&p, &par, ids, 2, back, 500), HD_ACTION_NONE);
	assert_int_equal(p.state, HD_STATE_DOWN);
	/* ...until it is over. */
	assert_int_equal(hd_policy_reconfigure(&p, &par, ids, 2, same, 1040),
			 HD_ACTION_ANNOUNCE);
}

static void test_speaker_gone(void **state)
{
	(void)state;
	struct hd_speaker s;
	struct hd_conf *a = load("announce: { asn: 65001, prefixes: [ " P_A ", " P_B " ] }\n"
				 "speaker: { type: bird, socket: /x, protocol: \"svc*\", "
				 "drain-protocol: drain }\nprobe:\n" DNS);
	struct hd_conf *b = load("announce: { asn: 65001, prefixes: [ " P_B " ] }\n"
				 "speaker: { type: bird, socket: /x, protocol: svc_a }\n"
				 "probe:\n" DNS);
	hd_speaker_init(&s, a, NULL, NULL, NULL);
	hd_speaker_reconfigure(&s, a, b);
	assert_int_equal(s.gone_count, 1);
	assert_string_equal(s.gone[0].text, "203.0.113.0/24");
	assert_int_equal(s.gone_proto_count, 2);
	assert_string_equal(s.gone_proto[0], "svc*");     /* resolved by BIRD's list */
	assert_string_equal(s.gone_proto[1], "drain");
	/* Back again before any request: svc_a is matched by svc*, svc* and
	 * drain are named again; only b's default drain protocol is gone. */
	hd_speaker_reconfigure(&s, b, a);
	assert_int_equal(s.gone_count, 0);
	assert_int_equal(s.gone_proto_count, 1);
	assert_string_equal(s.gone_proto[0], "anyns_drain");
	hd_conf_free(a);
	hd_conf_free(b);
}

static void test_bird_proto_names(void **state)
{
	(void)state;
	static const char reply[] =
		"2002-Name       Proto      Table      State  Since         Info\n"
		"1002-anyns_service Static     master4    up     22:45:44.967  \n"
		" anyns_service_b Static     master4    down   22:45:44.967  \n"
		"0000 \n";
	char names[4][HD_TEXT_MAX];
	assert_int_equal(hd_bird_proto_names(reply, sizeof(reply) - 1, names, 4), 2);
	assert_string_equal(names[0], "anyns_service");
	assert_string_equal(names[1], "anyns_service_b");
	assert_int_equal(hd_bird_proto_names(reply, sizeof(reply) - 1, names, 1), 1);
	static const char none[] = "2002-Name Proto\n0000 \n";
	assert_int_equal(hd_bird_proto_names(none, sizeof(none) - 1, names, 4), 0);
	/* Untrusted bytes: only BIRD symbols followed by a blank are names. */
	static const char odd[] = "1002-a\0b Static\n x\"y Static\n good\n 1002-no\n0000 \n";
	assert_int_equal(hd_bird_proto_names(odd, sizeof(odd) - 1, names, 4), 1);
	assert_string_equal(names[0], "good");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diff_table),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_policy_reconfigure),
		cmocka_unit_test(test_speaker_gone),
		cmocka_unit_test(test_bird_proto_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
