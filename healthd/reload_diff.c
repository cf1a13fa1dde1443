/* SPDX-License-Identifier: MIT */
/*
 * What a reload changes, computed without touching the running daemon:
 * which probes are identical (kept with their results and counters),
 * which are new or changed (started afresh), which are gone; prefixes
 * added and removed; whether the policy or the speaker settings changed;
 * and the changes that cannot be applied to a running process (refused,
 * as BIRD refuses a `configure` it cannot do: the old configuration stays).
 */
#include "healthd/reload.h"

#include <stdio.h>
#include <string.h>

static bool str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b || (!a && !b[0]) || (!b && !a[0]);
	return strcmp(a, b) == 0;
}

static bool addr_eq(const struct ans_conf_addr *a, const struct ans_conf_addr *b)
{
	if (a->len == 0 || b->len == 0)
		return a->len == b->len;
	return strcmp(a->text, b->text) == 0;
}

bool hd_conf_probe_equal(const struct hd_conf_probe *a, const struct hd_conf_probe *b)
{
	return str_eq(a->id, b->id) && a->type == b->type &&
	       a->interval_ms == b->interval_ms && a->timeout_ms == b->timeout_ms &&
	       addr_eq(&a->server, &b->server) && str_eq(a->name, b->name) &&
	       str_eq(a->qtype, b->qtype) && str_eq(a->rcode, b->rcode) &&
	       str_eq(a->answer, b->answer) && addr_eq(&a->primary, &b->primary) &&
	       a->max_serial_lag == b->max_serial_lag && str_eq(a->pidfile, b->pidfile) &&
	       str_eq(a->command, b->command);
}

static bool has_prefix(const struct hd_conf *c, const struct hd_prefix *p)
{
	for (size_t i = 0; i < c->announce.count; i++)
		if (strcmp(c->announce.items[i].text, p->text) == 0)
			return true;
	return false;
}

static void diff_probes(const struct hd_conf *old, const struct hd_conf *new,
			struct hd_reload_diff *df)
{
	bool used[HD_POLICY_MAX_PROBES] = { false };
	for (size_t i = 0; i < new->probe_count && i < HD_POLICY_MAX_PROBES; i++) {
		df->probe_map[i] = -1;
		bool same_id = false;
		for (size_t j = 0; j < old->probe_count && j < HD_POLICY_MAX_PROBES; j++) {
			if (!str_eq(old->probes[j].id, new->probes[i].id))
				continue;
			same_id = true;
			used[j] = true;
			if (hd_conf_probe_equal(&old->probes[j], &new->probes[i]))
				df->probe_map[i] = (int)j;
		}
		df->probes_kept += df->probe_map[i] >= 0;
		df->probes_changed += same_id && df->probe_map[i] < 0;
		df->probes_added += !same_id;
	}
	for (size_t j = 0; j < old->probe_count && j < HD_POLICY_MAX_PROBES; j++)
		df->probes_removed += !used[j];
}

static bool policy_eq(const struct hd_conf_policy *a, const struct hd_conf_policy *b)
{
	return a->rise == b->rise && a->fall == b->fall && a->hold_down_ms == b->hold_down_ms &&
	       a->hold_down_max_ms == b->hold_down_max_ms &&
	       a->hold_down_decay_ms == b->hold_down_decay_ms &&
	       a->drain_time_ms == b->drain_time_ms;
}

static bool speaker_eq(const struct hd_conf_speaker *a, const struct hd_conf_speaker *b)
{
	return a->type == b->type && str_eq(a->socket, b->socket) &&
	       str_eq(a->protocol, b->protocol) &&
	       str_eq(a->drain_protocol, b->drain_protocol) && str_eq(a->vtysh, b->vtysh) &&
	       str_eq(a->route_map, b->route_map) && a->timeout_ms == b->timeout_ms &&
	       a->retry_ms == b->retry_ms && a->refresh_ms == b->refresh_ms;
}

/* What a running process cannot change: the tun device (routes point at
 * it; renaming would withdraw them), the kind of speaker, the sockets
 * healthd listens on. */
static void refuse(const struct hd_conf *old, const struct hd_conf *new,
		   struct hd_reload_diff *df)
{
	const char *what = NULL;
	if (!str_eq(old->healthd.tun, new->healthd.tun))
		what = "healthd.tun";
	else if (old->speaker.type != new->speaker.type)
		what = "speaker.type";
	else if (!str_eq(old->healthd.control, new->healthd.control))
		what = "healthd.control";
	else if (!addr_eq(&old->healthd.metrics, &new->healthd.metrics))
		what = "healthd.metrics";
	else if (old->announce.asn != new->announce.asn && old->speaker.type == HD_SPEAKER_FRR)
		what = "announce.asn (frr: router bgp ASN)";
	if (what)
		snprintf(df->refused, sizeof(df->refused), "%s changed: needs a restart "
			 "of anyns-healthd", what);
}

void hd_reload_diff(const struct hd_conf *old, const struct hd_conf *new,
		    struct hd_reload_diff *df)
{
	memset(df, 0, sizeof(*df));
	refuse(old, new, df);
	diff_probes(old, new, df);
	for (size_t i = 0; i < new->announce.count; i++)
		df->prefixes_added += !has_prefix(old, &new->announce.items[i]);
	for (size_t i = 0; i < old->announce.count; i++)
		df->prefixes_removed += !has_prefix(new, &old->announce.items[i]);
	df->policy_changed = !policy_eq(&old->policy, &new->policy);
	df->speaker_changed = !speaker_eq(&old->speaker, &new->speaker);
	df->other_changed = !str_eq(old->healthd.identity, new->healthd.identity) ||
			    old->announce.asn != new->announce.asn;
	bool probes_same = df->probes_kept == new->probe_count &&
			   new->probe_count == old->probe_count;
	/* Probe order matters too: the policy and status index by position. */
	for (size_t i = 0; probes_same && i < new->probe_count; i++)
		probes_same = df->probe_map[i] == (int)i;
	df->same = !df->refused[0] && probes_same && !df->prefixes_added &&
		   !df->prefixes_removed && !df->policy_changed && !df->speaker_changed &&
		   !df->other_changed;
}

void hd_reload_summary(const struct hd_reload_diff *df, char *buf, size_t size)
{
	if (df->same) {
		snprintf(buf, size, "no change");
		return;
	}
	snprintf(buf, size, "probes %zu kept, %zu added, %zu changed, %zu removed; "
		 "prefixes %zu added, %zu removed%s%s", df->probes_kept, df->probes_added,
		 df->probes_changed, df->probes_removed, df->prefixes_added,
		 df->prefixes_removed, df->policy_changed ? "; policy changed" : "",
		 df->speaker_changed ? "; speaker changed" : "");
}
