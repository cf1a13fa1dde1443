/* SPDX-License-Identifier: MIT */
/*
 * The running daemon: configuration, loop, probes, policy and speaker in
 * one structure owned by main(). healthd.c drives the policy's actions
 * onto the speaker (asynchronous requests, retries with back-off, periodic
 * re-assertion); reload.c applies a re-read configuration; status.c
 * serves status and metrics from it.
 */
#ifndef HEALTHD_HEALTHD_H
#define HEALTHD_HEALTHD_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "healthd/conf.h"
#include "healthd/loop.h"
#include "healthd/policy.h"
#include "healthd/probe.h"
#include "healthd/speaker.h"

#define HD_HISTORY 16

struct hd_transition {
	time_t wall;
	enum hd_state from, to;
	char reason[HD_REASON_MAX];
};

struct hd_daemon {
	struct hd_conf *conf;
	struct hd_loop loop;
	struct hd_policy policy;
	struct hd_probe *probes;
	struct hd_speaker speaker;
	bool exabgp;                   /* --exabgp: speaker on stdout */
	/* Desired vs. confirmed announcement: `wanted` is what the policy
	 * asked for last; `confirmed` what the speaker last acknowledged
	 * (HD_ACTION_NONE: unknown, after a failure); `inflight` the request
	 * running now (NONE: idle). In sync when confirmed == wanted. */
	enum hd_action wanted, confirmed, inflight;
	bool quiet;                    /* the request in flight is a refresh */
	unsigned fail_streak;          /* failed requests in a row (back-off) */
	int64_t retry_at_ms;           /* next retry, -1: none */
	int64_t confirmed_ms;          /* when `confirmed` was last acknowledged */
	uint64_t announces, withdraws, speaker_failures;
	bool starting, stopping, quit;
	/* Reload: a configuration waiting for the speaker request in flight
	 * to end, and the counters status and metrics show. */
	struct hd_conf *next_conf;
	uint64_t reloads, reload_failures;
	time_t reload_wall;            /* of the last attempt, 0: none */
	bool reload_ok;
	char reload_msg[512];
	struct hd_timer retry, refresh, policy_timer;
	int tun_fd;
	int tun_rc;                    /* the last attempt to create it */
	struct hd_io signal_io, control_io, metrics_io, stdin_io;
	struct hd_transition history[HD_HISTORY];
	unsigned history_count;        /* total; the ring keeps the last HD_HISTORY */
	int64_t started_ms;
};

/* Sets everything up (speaker withdrawn, then tun, probes, sockets). Errors are
 * logged; returns -errno / ANS_* on failure. */
int hd_daemon_start(struct hd_daemon *d, struct hd_conf *c, bool exabgp) ANS_WUR;
/* Runs until SIGTERM/SIGINT, then withdraws and frees. */
void hd_daemon_run(struct hd_daemon *d);

/* Commands (control socket and signals). */
void hd_daemon_drain(struct hd_daemon *d);
void hd_daemon_undrain(struct hd_daemon *d);

/* Whether the speaker has confirmed the desired state. */
bool hd_daemon_in_sync(const struct hd_daemon *d);

/* Used by reload.c: feeds a probe result / a policy action in, and makes
 * the speaker re-send the desired state (what it announces changed). */
void hd_daemon_probe_result(struct hd_probe *pr, bool ok, bool fatal, const char *why);
void hd_daemon_act(struct hd_daemon *d, enum hd_state from, enum hd_action a);
void hd_daemon_resend(struct hd_daemon *d);

/* reload.c: re-reads d->conf->path and applies what changed. A file that
 * does not load, or a change that needs a restart, is logged and changes
 * nothing. `msg` gets the one-line result for `ctl reload`. When a speaker
 * request is in flight, the new configuration is applied when it ends
 * (hd_daemon_reload_pending). Errors: ANS_ECONFIG and the loader's. */
int hd_daemon_reload(struct hd_daemon *d, char *msg, size_t size);
void hd_daemon_reload_pending(struct hd_daemon *d);

/* status.c: the control socket and the metrics endpoint. */
int hd_status_open(struct hd_daemon *d) ANS_WUR;
void hd_status_close(struct hd_daemon *d);
/* Writes the status as text (or JSON) / Prometheus metrics into buf;
 * returns the length (truncated to size - 1). */
size_t hd_status_text(const struct hd_daemon *d, bool json, char *buf, size_t size);
size_t hd_status_metrics(const struct hd_daemon *d, char *buf, size_t size);

#endif
