/* SPDX-License-Identifier: MIT */
/*
 * The announcement policy of anyns-healthd: a pure state machine fed with
 * probe results, operator commands and the time, answering with the action
 * to take on the BGP speaker. No I/O, no clock of its own (times are passed
 * in, in monotonic milliseconds), so a unit test can replay any history.
 * The design block is in policy.c.
 */
#ifndef HEALTHD_POLICY_H
#define HEALTHD_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HD_POLICY_MAX_PROBES 32
#define HD_REASON_MAX 256

enum hd_state {
	HD_STATE_INIT,       /* withdrawn since start, waiting for `rise` */
	HD_STATE_UP,         /* announced */
	HD_STATE_DOWN,       /* withdrawn after a failure (maybe in hold-down) */
	HD_STATE_DRAINING,   /* announced with GRACEFUL_SHUTDOWN, drain timer running */
	HD_STATE_DRAINED,    /* withdrawn by the operator until undrain */
	HD_STATE_STOPPED,    /* withdrawn for shutdown */
};

enum hd_action {
	HD_ACTION_NONE,
	HD_ACTION_ANNOUNCE,        /* announce the prefixes */
	HD_ACTION_ANNOUNCE_GSHUT,  /* announce with community 65535:0 (RFC 8326) */
	HD_ACTION_WITHDRAW,
};

struct hd_policy_params {
	int rise, fall;
	int64_t hold_down_ms, hold_down_max_ms, hold_down_decay_ms;
	int64_t drain_time_ms;
};

struct hd_probe_run {
	const char *id;
	int ok_run, fail_run;      /* consecutive results */
	bool last_ok, has_result;
	char last_why[96];
};

struct hd_policy {
	struct hd_policy_params par;
	struct hd_probe_run probes[HD_POLICY_MAX_PROBES];
	size_t probe_count;
	enum hd_state state;
	int64_t since_ms;          /* when the state was entered */
	int flaps;                 /* failure withdrawals not yet forgotten */
	int64_t last_withdraw_ms;  /* of a failure withdrawal; -1: none */
	int64_t hold_until_ms;
	int64_t hold_len_ms;       /* of the last hold-down */
	int64_t drain_until_ms;
	unsigned transitions;
	char reason[HD_REASON_MAX];/* why the last transition happened */
};

/* Starts in HD_STATE_INIT (withdrawn) with `n` probes named `ids`
 * (borrowed for the policy's life); n <= HD_POLICY_MAX_PROBES. */
void hd_policy_init(struct hd_policy *p, const struct hd_policy_params *par,
		    const char *const *ids, size_t n, int64_t now_ms);

/* One result of probe `idx`. `fatal` withdraws at once without waiting for
 * `fall` results (the process died; nothing listens). `why` (may be NULL
 * when ok) is copied. Returns the action to take. */
enum hd_action hd_policy_result(struct hd_policy *p, size_t idx, bool ok,
				bool fatal, const char *why, int64_t now_ms);

/* Time passed: the hold-down or the drain timer may have run out. */
enum hd_action hd_policy_tick(struct hd_policy *p, int64_t now_ms);

/* Operator commands and shutdown. */
enum hd_action hd_policy_drain(struct hd_policy *p, int64_t now_ms);
enum hd_action hd_policy_undrain(struct hd_policy *p, int64_t now_ms);
enum hd_action hd_policy_stop(struct hd_policy *p, int64_t now_ms);

/* A reload: new parameters and probes `ids` (n of them); new probe i keeps
 * the consecutive results of old probe map[i], or starts with none when
 * map[i] < 0. State, flaps, hold-down and drain deadline are kept, so an
 * unchanged configuration changes nothing. Returns what re-evaluating the
 * state with the new numbers asks for (a lower rise may announce now). */
enum hd_action hd_policy_reconfigure(struct hd_policy *p, const struct hd_policy_params *par,
				     const char *const *ids, size_t n, const int *map,
				     int64_t now_ms);

/* The next time hd_policy_tick() may act, or -1 for none. */
int64_t hd_policy_next_ms(const struct hd_policy *p);

/* Whether every probe has at least `rise` consecutive successes. */
bool hd_policy_healthy(const struct hd_policy *p);

const char *hd_state_name(enum hd_state s);
const char *hd_action_name(enum hd_action a);

#endif
