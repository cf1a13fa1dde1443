/* SPDX-License-Identifier: MIT */
/*
 * DOC: configuration reload
 *
 * SIGHUP or `anyns-healthd ctl reload` re-reads the file healthd was
 * started with, as `birdc configure` and `knotc reload` do:
 *  - a file that does not load is logged with its file:line message and
 *    changes nothing (the running configuration stays, nothing is
 *    withdrawn); so is a change only a restart can make (reload_diff.c);
 *  - an unchanged file changes nothing: no probe restarts, no request to
 *    the speaker, no transition;
 *  - probes: an identical one (same id, every option equal) keeps its
 *    counters and its run of results; a new or changed one starts with
 *    none, so it cannot withdraw before failing `fall` times and must
 *    reach `rise` before a withdrawn node announces; a removed one is
 *    forgotten (a withdrawn node it held down may announce now);
 *  - policy numbers apply from now on; the state, flaps, hold-down and
 *    drain deadline are kept; the state is re-evaluated at once;
 *  - prefixes: with FRR and ExaBGP a removed prefix is withdrawn and an
 *    added one is announced if (and only if) the node is announced now
 *    (the whole desired state is re-sent). With BIRD the prefixes live in
 *    bird.conf (the static protocols); healthd's list names them in logs
 *    and for `anyns roa`, and a reload that renames `protocol` or
 *    `drain-protocol` disables the protocols no longer named;
 *  - speaker settings (socket, timeouts, vtysh...) apply to the next
 *    request.
 * A speaker request in flight holds pointers into the running
 * configuration, so a good new one waits for that request to end (at most
 * speaker.timeout) before it replaces it.
 */
#include "healthd/reload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "healthd/healthd.h"
#include "healthd/log.h"

static void note(struct hd_daemon *d, bool ok, char *msg, size_t size, const char *fmt,
		 const char *a, const char *b)
{
	d->reload_wall = time(NULL);
	d->reload_ok = ok;
	snprintf(d->reload_msg, sizeof(d->reload_msg), fmt, a, b);
	if (ok)
		d->reloads++;
	else
		d->reload_failures++;
	hd_log(ok ? HD_LOG_INFO : HD_LOG_ERROR, "healthd, reload %s", d->reload_msg);
	if (msg && size)
		snprintf(msg, size, "%s: reload %s\n", ok ? "ok" : "error", d->reload_msg);
}

/* New probes for `nc`; identical ones carry their counters over. Returns
 * the array, or NULL (ENOMEM). Start failures are reported after the
 * policy knows the new probes (as fatal results: fail closed). */
static struct hd_probe *restart_probes(struct hd_daemon *d, struct hd_conf *nc,
				       const struct hd_reload_diff *df, int *start_rc)
{
	struct hd_probe *np = calloc(nc->probe_count, sizeof(*np));
	if (!np)
		return NULL;
	for (size_t i = 0; i < d->conf->probe_count; i++)
		hd_probe_stop(&d->probes[i]);
	for (size_t i = 0; i < nc->probe_count; i++) {
		start_rc[i] = hd_probe_start(&np[i], &d->loop, &nc->probes[i], i,
					     hd_daemon_probe_result, d);
		if (df->probe_map[i] < 0)
			continue;
		const struct hd_probe *o = &d->probes[df->probe_map[i]];
		np[i].runs = o->runs;
		np[i].failures = o->failures;
		np[i].last_ok = o->last_ok;
		np[i].last_duration_ms = o->last_duration_ms;
		memcpy(np[i].last_why, o->last_why, sizeof(np[i].last_why));
	}
	return np;
}

static void apply(struct hd_daemon *d, struct hd_conf *nc, const struct hd_reload_diff *df)
{
	int start_rc[HD_POLICY_MAX_PROBES];
	const char *ids[HD_POLICY_MAX_PROBES];
	char sum[256];
	struct hd_probe *np = restart_probes(d, nc, df, start_rc);
	if (!np) {
		note(d, false, NULL, 0, "of %s failed (%s), running configuration kept",
		     nc->path, ans_strerror(ANS_ENOMEM));
		hd_conf_free(nc);
		return;
	}
	struct hd_conf *old = d->conf;
	for (size_t i = 0; i < nc->probe_count; i++)
		ids[i] = nc->probes[i].id;
	struct hd_policy_params par = {
		(int)nc->policy.rise, (int)nc->policy.fall, nc->policy.hold_down_ms,
		nc->policy.hold_down_max_ms, nc->policy.hold_down_decay_ms,
		nc->policy.drain_time_ms,
	};
	enum hd_state from = d->policy.state;
	enum hd_action a = hd_policy_reconfigure(&d->policy, &par, ids, nc->probe_count,
						 df->probe_map, hd_now_ms());
	hd_speaker_reconfigure(&d->speaker, old, nc);
	d->conf = nc;
	free(d->probes);
	d->probes = np;
	hd_conf_free(old);
	hd_reload_summary(df, sum, sizeof(sum));
	note(d, true, NULL, 0, "of %s (%s)", nc->path, sum);
	if (nc->speaker.refresh_ms > 0)
		hd_timer_arm(&d->loop, &d->refresh, hd_now_ms() + nc->speaker.refresh_ms);
	else
		hd_timer_cancel(&d->loop, &d->refresh);
	bool bird = nc->speaker.type == HD_SPEAKER_BIRD;
	if (bird && (df->prefixes_added || df->prefixes_removed))
		hd_log(HD_LOG_INFO, "bird, prefixes changed: BIRD announces what its static "
		       "protocol %s holds (bird.conf)", nc->speaker.protocol);
	bool prefixes = !bird && (df->prefixes_added || df->prefixes_removed);
	if (prefixes || df->speaker_changed || d->speaker.gone_proto_count)
		hd_daemon_resend(d);
	hd_daemon_act(d, from, a);
	for (size_t i = 0; i < nc->probe_count; i++)
		if (start_rc[i] != ANS_OK) {
			char why[96];
			snprintf(why, sizeof(why), "start failed (%s)", ans_strerror(start_rc[i]));
			hd_daemon_probe_result(&np[i], false, true, why);
		}
}

void hd_daemon_reload_pending(struct hd_daemon *d)
{
	struct hd_conf *nc = d->next_conf;
	struct hd_reload_diff df;
	d->next_conf = NULL;
	if (!nc)
		return;
	hd_reload_diff(d->conf, nc, &df);     /* against what runs now */
	apply(d, nc, &df);
}

int hd_daemon_reload(struct hd_daemon *d, char *msg, size_t size)
{
	char err[1024];
	struct hd_conf *nc;
	struct hd_reload_diff df;
	const char *path = d->conf->path;
	if (d->stopping || d->starting) {
		snprintf(msg ? msg : err, msg ? size : sizeof(err),
			 "error: healthd is starting or shutting down\n");
		return ANS_EINVAL;
	}
	int rc = hd_conf_load_file(path, &nc, err, sizeof(err));
	if (rc != ANS_OK) {
		note(d, false, msg, size, "of %s failed (%s), running configuration kept",
		     path, err);
		return rc;
	}
	if (d->exabgp)
		nc->speaker.type = HD_SPEAKER_EXABGP;
	hd_reload_diff(d->conf, nc, &df);
	if (!df.refused[0] && nc->probe_count > HD_POLICY_MAX_PROBES)
		snprintf(df.refused, sizeof(df.refused), "more than %d probes",
			 HD_POLICY_MAX_PROBES);
	if (df.refused[0] || df.same) {
		bool ok = !df.refused[0];
		note(d, ok, msg, size, ok ? "of %s, %s" : "of %s refused (%s), running "
		     "configuration kept", path, ok ? "no change" : df.refused);
		hd_conf_free(nc);
		return ok ? ANS_OK : ANS_ECONFIG;
	}
	if (d->inflight != HD_ACTION_NONE) {
		hd_conf_free(d->next_conf);    /* the newest file wins */
		d->next_conf = nc;
		if (msg)
			snprintf(msg, size, "ok: reload of %s loaded, applied when the %s "
				 "request in flight ends\n", path, d->speaker.ops->name);
		return ANS_OK;
	}
	apply(d, nc, &df);
	if (msg)
		snprintf(msg, size, "ok: reload %s\n", d->reload_msg);
	return ANS_OK;
}
