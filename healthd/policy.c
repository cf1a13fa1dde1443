/* SPDX-License-Identifier: MIT */
/*
 * DOC: the health state machine
 *
 *            rise ok, hold-down over                 drain
 *   INIT ------------------------------> UP -------------------> DRAINING
 *    ^                                  | ^                          |
 *    |                    fall / fatal  | | rise ok and hold-down     | drain-time over,
 *    |                                  v | over                      | or a failure
 *    |                                 DOWN                           v
 *    +---------------- undrain (to INIT, re-evaluated at once) --- DRAINED
 *
 * Inputs: each probe result (ok or failed, with a reason; `fatal` failures
 * such as the process's death or ICMP port unreachable), the time, and the
 * commands drain/undrain/stop. Per probe we count consecutive successes and
 * failures. The node is healthy when every probe has `rise` successes in a
 * row; it fails when one probe has `fall` failures in a row, or at once on a
 * fatal failure (a dead anynsd answers nothing: waiting would only lose
 * queries).
 *
 * Hold-down (route flap damping in spirit, RFC 2439): each failure
 * withdrawal counts a flap and starts a hold-down of hold-down * 2^(flaps-1),
 * at most hold-down-max, during which the node stays withdrawn even if
 * healthy. Each hold-down-decay of time since the last failure withdrawal
 * forgets one flap, so a node that flapped once a day is not punished, one
 * that flaps every few seconds is kept out longer and longer.
 *
 * Drain (RFC 8326 GRACEFUL_SHUTDOWN): the announcement is replaced by one
 * carrying 65535:0 so that peers move traffic away before the withdrawal,
 * then withdrawn after drain-time. Probe results do not re-announce a
 * drained node; a failure during the drain withdraws at once.
 *
 * Invariants: an action is returned only on a state change; UP and
 * DRAINING are the only announced states; time only moves forward.
 */
#include "healthd/policy.h"

#include <stdio.h>
#include <string.h>

static const char *const state_names[] = {
	[HD_STATE_INIT] = "init", [HD_STATE_UP] = "up", [HD_STATE_DOWN] = "down",
	[HD_STATE_DRAINING] = "draining", [HD_STATE_DRAINED] = "drained",
	[HD_STATE_STOPPED] = "stopped",
};

static const char *const action_names[] = {
	[HD_ACTION_NONE] = "none", [HD_ACTION_ANNOUNCE] = "announce",
	[HD_ACTION_ANNOUNCE_GSHUT] = "announce-gshut",
	[HD_ACTION_WITHDRAW] = "withdraw",
};

const char *hd_state_name(enum hd_state s)
{
	return state_names[s];
}

const char *hd_action_name(enum hd_action a)
{
	return action_names[a];
}

void hd_policy_init(struct hd_policy *p, const struct hd_policy_params *par,
		    const char *const *ids, size_t n, int64_t now_ms)
{
	memset(p, 0, sizeof(*p));
	p->par = *par;
	p->probe_count = n < HD_POLICY_MAX_PROBES ? n : HD_POLICY_MAX_PROBES;
	for (size_t i = 0; i < p->probe_count; i++)
		p->probes[i].id = ids[i];
	p->state = HD_STATE_INIT;
	p->since_ms = now_ms;
	p->last_withdraw_ms = -1;
	snprintf(p->reason, sizeof(p->reason), "starting");
}

static enum hd_action enter(struct hd_policy *p, enum hd_state s,
			    enum hd_action a, int64_t now_ms)
{
	p->state = s;
	p->since_ms = now_ms;
	p->transitions++;
	return a;
}

bool hd_policy_healthy(const struct hd_policy *p)
{
	for (size_t i = 0; i < p->probe_count; i++)
		if (p->probes[i].ok_run < p->par.rise)
			return false;
	return true;
}

/* Forgets the flaps that the quiet time since the last one pays for, then
 * counts this one and returns the hold-down it earns. */
static int64_t next_hold_down(struct hd_policy *p, int64_t now_ms)
{
	if (p->last_withdraw_ms >= 0) {
		int64_t quiet = (now_ms - p->last_withdraw_ms) / p->par.hold_down_decay_ms;
		p->flaps = quiet >= p->flaps ? 0 : p->flaps - (int)quiet;
	}
	p->last_withdraw_ms = now_ms;
	int64_t hold = p->par.hold_down_ms;
	for (int i = 0; i < p->flaps && hold < p->par.hold_down_max_ms; i++)
		hold *= 2;
	p->flaps++;
	return hold < p->par.hold_down_max_ms ? hold : p->par.hold_down_max_ms;
}

static enum hd_action fail_withdraw(struct hd_policy *p, int64_t now_ms)
{
	if (p->state == HD_STATE_DRAINING)
		return enter(p, HD_STATE_DRAINED, HD_ACTION_WITHDRAW, now_ms);
	p->hold_len_ms = next_hold_down(p, now_ms);
	p->hold_until_ms = now_ms + p->hold_len_ms;
	return enter(p, HD_STATE_DOWN, HD_ACTION_WITHDRAW, now_ms);
}

static enum hd_action maybe_announce(struct hd_policy *p, int64_t now_ms)
{
	if ((p->state != HD_STATE_INIT && p->state != HD_STATE_DOWN) ||
	    !hd_policy_healthy(p) || now_ms < p->hold_until_ms)
		return HD_ACTION_NONE;
	if (p->state == HD_STATE_DOWN)
		snprintf(p->reason, sizeof(p->reason), "probes healthy %d times, "
			 "hold-down %lldms over", p->par.rise, (long long)p->hold_len_ms);
	else
		snprintf(p->reason, sizeof(p->reason), "probes healthy %d times",
			 p->par.rise);
	return enter(p, HD_STATE_UP, HD_ACTION_ANNOUNCE, now_ms);
}

enum hd_action hd_policy_result(struct hd_policy *p, size_t idx, bool ok,
				bool fatal, const char *why, int64_t now_ms)
{
	if (idx >= p->probe_count || p->state == HD_STATE_STOPPED)
		return HD_ACTION_NONE;
	struct hd_probe_run *r = &p->probes[idx];
	r->has_result = true;
	r->last_ok = ok;
	snprintf(r->last_why, sizeof(r->last_why), "%s", ok ? "ok" : why ? why : "failed");
	if (ok) {
		r->ok_run++;
		r->fail_run = 0;
		return maybe_announce(p, now_ms);
	}
	r->ok_run = 0;
	r->fail_run++;
	bool announced = p->state == HD_STATE_UP || p->state == HD_STATE_DRAINING;
	if (!announced || (!fatal && r->fail_run < p->par.fall))
		return HD_ACTION_NONE;
	if (fatal)
		snprintf(p->reason, sizeof(p->reason), "probe %s failed: %s",
			 r->id, r->last_why);
	else
		snprintf(p->reason, sizeof(p->reason), "probe %s failed %d times: %s",
			 r->id, r->fail_run, r->last_why);
	return fail_withdraw(p, now_ms);
}

enum hd_action hd_policy_tick(struct hd_policy *p, int64_t now_ms)
{
	if (p->state == HD_STATE_DRAINING && now_ms >= p->drain_until_ms) {
		snprintf(p->reason, sizeof(p->reason), "drain time %lldms over",
			 (long long)p->par.drain_time_ms);
		return enter(p, HD_STATE_DRAINED, HD_ACTION_WITHDRAW, now_ms);
	}
	return maybe_announce(p, now_ms);
}

enum hd_action hd_policy_drain(struct hd_policy *p, int64_t now_ms)
{
	if (p->state == HD_STATE_DRAINING || p->state == HD_STATE_DRAINED ||
	    p->state == HD_STATE_STOPPED)
		return HD_ACTION_NONE;
	if (p->state != HD_STATE_UP || p->par.drain_time_ms == 0) {
		snprintf(p->reason, sizeof(p->reason), "drain requested");
		bool was_up = p->state == HD_STATE_UP;
		enter(p, HD_STATE_DRAINED, HD_ACTION_NONE, now_ms);
		return was_up ? HD_ACTION_WITHDRAW : HD_ACTION_NONE;
	}
	p->drain_until_ms = now_ms + p->par.drain_time_ms;
	snprintf(p->reason, sizeof(p->reason), "drain requested, withdraw in %lldms",
		 (long long)p->par.drain_time_ms);
	return enter(p, HD_STATE_DRAINING, HD_ACTION_ANNOUNCE_GSHUT, now_ms);
}

enum hd_action hd_policy_undrain(struct hd_policy *p, int64_t now_ms)
{
	if (p->state != HD_STATE_DRAINING && p->state != HD_STATE_DRAINED)
		return HD_ACTION_NONE;
	snprintf(p->reason, sizeof(p->reason), "undrain requested");
	if (p->state == HD_STATE_DRAINING && hd_policy_healthy(p))
		return enter(p, HD_STATE_UP, HD_ACTION_ANNOUNCE, now_ms);
	bool was_announced = p->state == HD_STATE_DRAINING;
	enter(p, HD_STATE_INIT, HD_ACTION_NONE, now_ms);
	enum hd_action a = maybe_announce(p, now_ms);
	return a != HD_ACTION_NONE ? a : was_announced ? HD_ACTION_WITHDRAW : a;
}

enum hd_action hd_policy_stop(struct hd_policy *p, int64_t now_ms)
{
	if (p->state == HD_STATE_STOPPED)
		return HD_ACTION_NONE;
	snprintf(p->reason, sizeof(p->reason), "shutting down");
	/* Withdraw even from a withdrawn state: the speaker may hold a stale
	 * announcement from a failed earlier request. */
	return enter(p, HD_STATE_STOPPED, HD_ACTION_WITHDRAW, now_ms);
}

enum hd_action hd_policy_reconfigure(struct hd_policy *p, const struct hd_policy_params *par,
				     const char *const *ids, size_t n, const int *map,
				     int64_t now_ms)
{
	struct hd_probe_run old[HD_POLICY_MAX_PROBES];
	size_t old_count = p->probe_count;
	memcpy(old, p->probes, sizeof(old));
	p->par = *par;
	p->probe_count = n < HD_POLICY_MAX_PROBES ? n : HD_POLICY_MAX_PROBES;
	for (size_t i = 0; i < p->probe_count; i++) {
		bool keep = map[i] >= 0 && (size_t)map[i] < old_count;
		p->probes[i] = keep ? old[map[i]] : (struct hd_probe_run){ 0 };
		p->probes[i].id = ids[i];
	}
	if (p->state == HD_STATE_STOPPED)
		return HD_ACTION_NONE;
	return hd_policy_tick(p, now_ms);
}

int64_t hd_policy_next_ms(const struct hd_policy *p)
{
	if (p->state == HD_STATE_DRAINING)
		return p->drain_until_ms;
	if (p->state == HD_STATE_DOWN && hd_policy_healthy(p))
		return p->hold_until_ms;
	return -1;
}
