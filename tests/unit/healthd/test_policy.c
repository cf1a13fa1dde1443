/* SPDX-License-Identifier: MIT */
/*
 * The health state machine, table-driven: each scenario is a sequence of
 * (time, input) steps with the action and state expected after each, and
 * where it matters the hold-down length. Parameters for all scenarios:
 * 2 probes, rise 2, fall 3, hold-down 1s doubling up to 4s, one flap
 * forgotten per 10s of quiet, drain time 5s.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "healthd/policy.h"

enum in { OK0, OK1, FAIL0, FAIL1, FATAL0, TICK, DRAIN, UNDRAIN, STOP, END };

struct step {
	int64_t t;
	enum in in;
	enum hd_action act;
	enum hd_state st;
	int64_t hold;       /* expected hold_len_ms when >= 0 */
};

#define N HD_ACTION_NONE
#define A HD_ACTION_ANNOUNCE
#define G HD_ACTION_ANNOUNCE_GSHUT
#define W HD_ACTION_WITHDRAW
#define S_INIT HD_STATE_INIT
#define S_UP HD_STATE_UP
#define S_DOWN HD_STATE_DOWN
#define S_DRAINING HD_STATE_DRAINING
#define S_DRAINED HD_STATE_DRAINED
#define S_STOPPED HD_STATE_STOPPED

/* Both probes ok twice at t: announce on the last. */
#define UP_AT(t) { t, OK0, N, S_INIT, -1 }, { t, OK1, N, S_INIT, -1 }, \
	{ t + 1, OK0, N, S_INIT, -1 }, { t + 1, OK1, A, S_UP, -1 }

struct scenario {
	const char *name;
	struct step steps[24];
};

static const struct scenario scenarios[] = {
	{ "rise: announce only after 2 successes of every probe", {
		{ 0, OK0, N, S_INIT, -1 }, { 0, OK0, N, S_INIT, -1 },
		{ 1, OK1, N, S_INIT, -1 }, { 2, FAIL1, N, S_INIT, -1 },
		{ 3, OK1, N, S_INIT, -1 }, { 4, OK1, A, S_UP, -1 }, { 0, END, 0, 0, 0 } } },
	{ "fall: withdraw on the 3rd consecutive failure only", {
		UP_AT(0), { 10, FAIL0, N, S_UP, -1 }, { 11, FAIL0, N, S_UP, -1 },
		{ 12, OK0, N, S_UP, -1 }, { 13, FAIL0, N, S_UP, -1 },
		{ 14, FAIL0, N, S_UP, -1 }, { 15, FAIL0, W, S_DOWN, 1000 },
		{ 0, END, 0, 0, 0 } } },
	{ "fatal: withdraw at once", {
		UP_AT(0), { 10, FATAL0, W, S_DOWN, 1000 }, { 0, END, 0, 0, 0 } } },
	{ "hold-down: healthy again but held until it runs out", {
		UP_AT(0), { 10, FATAL0, W, S_DOWN, 1000 },
		{ 20, OK0, N, S_DOWN, -1 }, { 30, OK0, N, S_DOWN, -1 },
		{ 500, TICK, N, S_DOWN, -1 }, { 1010, TICK, A, S_UP, -1 },
		{ 0, END, 0, 0, 0 } } },
	{ "hold-down: rise still needed after the hold-down", {
		UP_AT(0), { 10, FATAL0, W, S_DOWN, 1000 }, { 2000, TICK, N, S_DOWN, -1 },
		{ 2001, OK0, N, S_DOWN, -1 }, { 2002, OK0, A, S_UP, -1 },
		{ 0, END, 0, 0, 0 } } },
	{ "flaps: hold-down doubles up to the maximum", {
		UP_AT(0), { 10, FATAL0, W, S_DOWN, 1000 },
		{ 1100, OK0, N, S_DOWN, -1 }, { 1101, OK0, A, S_UP, -1 },
		{ 1200, FATAL0, W, S_DOWN, 2000 },
		{ 3300, OK0, N, S_DOWN, -1 }, { 3301, OK0, A, S_UP, -1 },
		{ 3400, FATAL0, W, S_DOWN, 4000 },
		{ 7500, OK0, N, S_DOWN, -1 }, { 7501, OK0, A, S_UP, -1 },
		{ 7600, FATAL0, W, S_DOWN, 4000 }, { 0, END, 0, 0, 0 } } },
	{ "decay: quiet time forgets flaps", {
		UP_AT(0), { 10, FATAL0, W, S_DOWN, 1000 },
		{ 1100, OK0, N, S_DOWN, -1 }, { 1101, OK0, A, S_UP, -1 },
		{ 1200, FATAL0, W, S_DOWN, 2000 },
		{ 3300, OK0, N, S_DOWN, -1 }, { 3301, OK0, A, S_UP, -1 },
		/* 10.0s after the last withdrawal: one of two flaps forgotten. */
		{ 11200, FATAL0, W, S_DOWN, 2000 },
		{ 13300, OK0, N, S_DOWN, -1 }, { 13301, OK0, A, S_UP, -1 },
		/* 40s of quiet: all forgotten, back to the base. */
		{ 53300, FATAL0, W, S_DOWN, 1000 }, { 0, END, 0, 0, 0 } } },
	{ "no re-announce from INIT/DOWN failures", {
		{ 0, FAIL0, N, S_INIT, -1 }, { 1, FATAL0, N, S_INIT, -1 },
		{ 2, FAIL0, N, S_INIT, -1 }, { 0, END, 0, 0, 0 } } },
	{ "drain: GRACEFUL_SHUTDOWN, then withdraw after drain time", {
		UP_AT(0), { 100, DRAIN, G, S_DRAINING, -1 }, { 101, DRAIN, N, S_DRAINING, -1 },
		{ 3000, OK0, N, S_DRAINING, -1 }, { 5099, TICK, N, S_DRAINING, -1 },
		{ 5100, TICK, W, S_DRAINED, -1 }, { 6000, OK0, N, S_DRAINED, -1 },
		{ 6001, OK1, N, S_DRAINED, -1 }, { 7000, UNDRAIN, A, S_UP, -1 },
		{ 0, END, 0, 0, 0 } } },
	{ "drain: a failure during the drain withdraws at once, no hold-down", {
		UP_AT(0), { 100, DRAIN, G, S_DRAINING, -1 }, { 200, FATAL0, W, S_DRAINED, 0 },
		{ 0, END, 0, 0, 0 } } },
	{ "undrain while draining: plain announcement again", {
		UP_AT(0), { 100, DRAIN, G, S_DRAINING, -1 }, { 200, UNDRAIN, A, S_UP, -1 },
		{ 0, END, 0, 0, 0 } } },
	{ "drain when not announced: stays withdrawn", {
		{ 0, DRAIN, N, S_DRAINED, -1 }, { 1, OK0, N, S_DRAINED, -1 },
		{ 2, OK0, N, S_DRAINED, -1 }, { 2, OK1, N, S_DRAINED, -1 },
		{ 3, OK1, N, S_DRAINED, -1 }, { 4, UNDRAIN, A, S_UP, -1 },
		{ 0, END, 0, 0, 0 } } },
	{ "undrain an unhealthy node: withdrawn until healthy", {
		{ 0, DRAIN, N, S_DRAINED, -1 }, { 1, UNDRAIN, N, S_INIT, -1 },
		{ 0, END, 0, 0, 0 } } },
	{ "stop: withdraw once, then nothing", {
		UP_AT(0), { 10, STOP, W, S_STOPPED, -1 }, { 11, STOP, N, S_STOPPED, -1 },
		{ 12, OK0, N, S_STOPPED, -1 }, { 13, DRAIN, N, S_STOPPED, -1 },
		{ 0, END, 0, 0, 0 } } },
};

static enum hd_action feed(struct hd_policy *p, const struct step *s)
{
	switch (s->in) {
	case OK0: return hd_policy_result(p, 0, true, false, NULL, s->t);
	case OK1: return hd_policy_result(p, 1, true, false, NULL, s->t);
	case FAIL0: return hd_policy_result(p, 0, false, false, "timeout", s->t);
	case FAIL1: return hd_policy_result(p, 1, false, false, "timeout", s->t);
	case FATAL0: return hd_policy_result(p, 0, false, true, "process exited", s->t);
	case TICK: return hd_policy_tick(p, s->t);
	case DRAIN: return hd_policy_drain(p, s->t);
	case UNDRAIN: return hd_policy_undrain(p, s->t);
	case STOP: return hd_policy_stop(p, s->t);
	case END: break;
	}
	return HD_ACTION_NONE;
}

static void test_scenarios(void **state)
{
	(void)state;
	static const char *const ids[] = { "dns", "proc" };
	const struct hd_policy_params par = { 2, 3, 1000, 4000, 10000, 5000 };
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		struct hd_policy p;
		hd_policy_init(&p, &par, ids, 2, 0);
		for (size_t j = 0; scenarios[i].steps[j].in != END; j++) {
			const struct step *s = &scenarios[i].steps[j];
			enum hd_action a = feed(&p, s);
			if (a != s->act || p.state != s->st ||
			    (s->hold >= 0 && s->act == W && s->hold && p.hold_len_ms != s->hold))
				fail_msg("%s, step %zu (t=%lld): got %s/%s hold %lld, expected "
					 "%s/%s hold %lld", scenarios[i].name, j, (long long)s->t,
					 hd_action_name(a), hd_state_name(p.state),
					 (long long)p.hold_len_ms, hd_action_name(s->act),
					 hd_state_name(s->st), (long long)s->hold);
		}
	}
}

static void test_reasons(void **state)
{
	(void)state;
	static const char *const ids[] = { "dns" };
	const struct hd_policy_params par = { 1, 3, 1000, 4000, 10000, 5000 };
	struct hd_policy p;
	hd_policy_init(&p, &par, ids, 1, 0);
	assert_int_equal(hd_policy_result(&p, 0, true, false, NULL, 0), HD_ACTION_ANNOUNCE);
	for (int i = 0; i < 3; i++)
		hd_policy_result(&p, 0, false, false, "timeout", 10 + i);
	assert_string_equal(p.reason, "probe dns failed 3 times: timeout");
	assert_int_equal(hd_policy_next_ms(&p), -1);   /* not healthy: no timer */
	hd_policy_result(&p, 0, true, false, NULL, 20);
	assert_int_equal(hd_policy_next_ms(&p), 1012); /* hold-down end */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scenarios),
		cmocka_unit_test(test_reasons),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
