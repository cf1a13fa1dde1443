/* SPDX-License-Identifier: MIT */
/*
 * The running daemon: configuration, loop, probes, policy and speaker in
 * one structure owned by main(). healthd.c drives the policy's actions
 * onto the speaker (with retries and periodic re-assertion); status.c
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
	enum hd_action wanted;         /* the last action the policy asked for */
	bool applied;                  /* the speaker confirmed `wanted` */
	uint64_t announces, withdraws, speaker_failures;
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

/* status.c: the control socket and the metrics endpoint. */
int hd_status_open(struct hd_daemon *d) ANS_WUR;
void hd_status_close(struct hd_daemon *d);
/* Writes the status as text (or JSON) / Prometheus metrics into buf;
 * returns the length (truncated to size - 1). */
size_t hd_status_text(const struct hd_daemon *d, bool json, char *buf, size_t size);
size_t hd_status_metrics(const struct hd_daemon *d, char *buf, size_t size);

#endif
