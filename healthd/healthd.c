/* SPDX-License-Identifier: MIT */
/*
 * DOC: driving the speaker
 *
 * The policy (policy.c) decides; this file makes the speaker agree,
 * without ever waiting for it. Three values say where we are: `wanted`
 * (the policy's last action), `inflight` (the request running, if any)
 * and `confirmed` (what the speaker last acknowledged; unknown after a
 * failure). Requests are asynchronous (speaker.h); when one ends and
 * `wanted` moved meanwhile, the next is sent at once. So:
 *  - a failed request is retried after speaker.retry, doubling with each
 *    further failure up to 32 x retry (a frozen BIRD is not hammered, a
 *    resumed one is caught up within one back-off step); a new decision of
 *    the policy is sent at once, whatever the back-off;
 *  - the wanted state is re-asserted every speaker.refresh, because a
 *    restarted BIRD comes back with its static protocols disabled;
 *  - at start the speaker is told to withdraw before anything else (the
 *    loop runs for that request alone, bounded by speaker.timeout), so a
 *    route left by an earlier instance does not outlive it; the tun device
 *    (failclosed.c) is created only after that withdrawal succeeded, or
 *    right before an announcement, never while an old route could return;
 *  - at shutdown the loop runs on until the withdrawal is acknowledged or
 *    has failed (again bounded by speaker.timeout per request).
 * Every change of announcement is logged in the house style:
 *   bird, withdraw 203.0.113.0/24 (probe dns failed 3 times: timeout)
 */
#include "healthd/healthd.h"

#include <errno.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "healthd/failclosed.h"
#include "healthd/log.h"

static void prefixes_text(const struct hd_conf *c, char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < c->announce.count && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? " " : "",
				      c->announce.items[i].text);
}

static bool tun_wanted(const struct hd_daemon *d)
{
	const char *tun = d->conf->healthd.tun;
	return tun && tun[0] && d->conf->speaker.type != HD_SPEAKER_EXABGP;
}

/*
 * The tun device is created only once the speaker has confirmed a
 * withdrawal (or right before an announcement): a killed instance leaves
 * BIRD's static protocol enabled (FRR's network configured), and a device
 * of the same name appearing first would bring its route back for the
 * moment until our start-up withdrawal lands.
 */
static int ensure_tun(struct hd_daemon *d)
{
	const char *tun = d->conf->healthd.tun;
	if (d->tun_fd >= 0 || !tun_wanted(d))
		return ANS_OK;
	int fd = hd_failclosed_open(tun);
	d->tun_rc = fd < 0 ? fd : ANS_OK;
	if (fd < 0) {
		hd_log(HD_LOG_ERROR, "tun %s, create failed (%s)", tun, ans_strerror(fd));
		return fd;
	}
	d->tun_fd = fd;
	hd_log(HD_LOG_INFO, "tun %s, created (routes via it vanish with healthd)", tun);
	return ANS_OK;
}

static const char *verb(enum hd_action a)
{
	return a == HD_ACTION_WITHDRAW ? "withdraw" : "announce";
}

bool hd_daemon_in_sync(const struct hd_daemon *d)
{
	return d->inflight == HD_ACTION_NONE && d->confirmed == d->wanted;
}

static void kick(struct hd_daemon *d, bool quiet);

/* Back-off: retry, 2 x retry, ... 32 x retry after the failures in a row. */
static void schedule_retry(struct hd_daemon *d)
{
	unsigned shift = d->fail_streak > 6 ? 5 : d->fail_streak - 1;
	d->retry_at_ms = hd_now_ms() + (d->conf->speaker.retry_ms << shift);
	hd_timer_arm(&d->loop, &d->retry, d->retry_at_ms);
}

/* At start and shutdown the loop runs only until the speaker is done:
 * the wanted state acknowledged, or the request for it failed. */
static void bounded_done(struct hd_daemon *d, int rc, enum hd_action a)
{
	if (d->confirmed == d->wanted || (rc != ANS_OK && a == d->wanted))
		hd_loop_stop(&d->loop);
	else
		kick(d, false);
}

static void log_result(struct hd_daemon *d, int rc, enum hd_action a, bool was_confirmed,
		       const char *why)
{
	char pfx[512];
	const char *gshut = a == HD_ACTION_ANNOUNCE_GSHUT ? " community 65535:0" : "";
	prefixes_text(d->conf, pfx, sizeof(pfx));
	if (rc != ANS_OK)
		hd_log(HD_LOG_ERROR, "%s, %s %s%s failed (%s)", d->speaker.ops->name, verb(a),
		       pfx, gshut, why);
	else if (!was_confirmed || !d->quiet)
		hd_log(HD_LOG_INFO, "%s, %s %s%s (%s)", d->speaker.ops->name, verb(a), pfx,
		       gshut, d->policy.reason);
}

static void on_speaker_done(struct hd_speaker *s, int rc, const char *why)
{
	struct hd_daemon *d = s->owner;
	enum hd_action a = d->inflight;
	bool was_confirmed = d->confirmed == a;
	d->inflight = HD_ACTION_NONE;
	log_result(d, rc, a, was_confirmed, why);
	if (rc != ANS_OK) {
		d->confirmed = HD_ACTION_NONE;
		d->speaker_failures++;
		d->fail_streak++;
		if (!d->stopping)
			schedule_retry(d);
	} else {
		d->confirmed = a;
		d->confirmed_ms = hd_now_ms();
		d->fail_streak = 0;
		d->retry_at_ms = -1;
		hd_timer_cancel(&d->loop, &d->retry);
		if (a == HD_ACTION_WITHDRAW && d->policy.state != HD_STATE_STOPPED)
			(void)ensure_tun(d);    /* logged; retried before an announce */
	}
	if (d->starting || d->stopping) {
		bounded_done(d, rc, a);
		return;
	}
	if (d->next_conf)
		hd_daemon_reload_pending(d);
	if (rc == ANS_OK && d->wanted != d->confirmed)
		kick(d, false);
}

/* Sends `wanted` unless a request is in flight (its end sends it then). */
static void kick(struct hd_daemon *d, bool quiet)
{
	if (d->inflight != HD_ACTION_NONE)
		return;
	hd_timer_cancel(&d->loop, &d->retry);
	d->retry_at_ms = -1;
	d->inflight = d->wanted;
	d->quiet = quiet;
	int rc = d->wanted == HD_ACTION_WITHDRAW ? ANS_OK : ensure_tun(d);
	if (rc != ANS_OK) {
		d->speaker.errors++;
		snprintf(d->speaker.why, sizeof(d->speaker.why), "tun %s: %s",
			 d->conf->healthd.tun, ans_strerror(rc));
	} else {
		rc = hd_speaker_request(&d->speaker, d->wanted != HD_ACTION_WITHDRAW,
					d->wanted == HD_ACTION_ANNOUNCE_GSHUT);
	}
	if (rc != ANS_OK)       /* failed at once: handled as any failure */
		on_speaker_done(&d->speaker, rc, d->speaker.why);
}

void hd_daemon_resend(struct hd_daemon *d)
{
	d->confirmed = HD_ACTION_NONE;
	kick(d, false);
}

static void record(struct hd_daemon *d, enum hd_state from)
{
	struct hd_transition *t = &d->history[d->history_count++ % HD_HISTORY];
	t->wall = time(NULL);
	t->from = from;
	t->to = d->policy.state;
	snprintf(t->reason, sizeof(t->reason), "%s", d->policy.reason);
	hd_log(HD_LOG_INFO, "healthd, state %s -> %s (%s)", hd_state_name(from),
	       hd_state_name(t->to), t->reason);
}

static void schedule_policy(struct hd_daemon *d)
{
	int64_t next = hd_policy_next_ms(&d->policy);
	if (next >= 0)
		hd_timer_arm(&d->loop, &d->policy_timer, next);
	else
		hd_timer_cancel(&d->loop, &d->policy_timer);
}

/* Every policy input ends here: record the transition, act, re-arm. */
void hd_daemon_act(struct hd_daemon *d, enum hd_state from, enum hd_action a)
{
	if (d->policy.state != from)
		record(d, from);
	if (a != HD_ACTION_NONE) {
		d->wanted = a;
		d->announces += a != HD_ACTION_WITHDRAW;
		d->withdraws += a == HD_ACTION_WITHDRAW;
		kick(d, false);
	}
	schedule_policy(d);
}

void hd_daemon_probe_result(struct hd_probe *pr, bool ok, bool fatal, const char *why)
{
	struct hd_daemon *d = pr->owner;
	enum hd_state from = d->policy.state;
	if (!ok)
		hd_log(fatal ? HD_LOG_WARNING : HD_LOG_DEBUG, "probe %s, failed (%s)",
		       pr->conf->id, why);
	hd_daemon_act(d, from, hd_policy_result(&d->policy, pr->idx, ok, fatal, why,
						hd_now_ms()));
}

static void on_policy_timer(struct hd_timer *t)
{
	struct hd_daemon *d = t->arg;
	enum hd_state from = d->policy.state;
	hd_daemon_act(d, from, hd_policy_tick(&d->policy, hd_now_ms()));
}

static void on_retry(struct hd_timer *t)
{
	kick(t->arg, false);
}

static void on_refresh(struct hd_timer *t)
{
	struct hd_daemon *d = t->arg;
	if (hd_daemon_in_sync(d))
		kick(d, true);
	hd_timer_arm(&d->loop, &d->refresh, hd_now_ms() + d->conf->speaker.refresh_ms);
}

void hd_daemon_drain(struct hd_daemon *d)
{
	enum hd_state from = d->policy.state;
	hd_daemon_act(d, from, hd_policy_drain(&d->policy, hd_now_ms()));
}

void hd_daemon_undrain(struct hd_daemon *d)
{
	enum hd_state from = d->policy.state;
	hd_daemon_act(d, from, hd_policy_undrain(&d->policy, hd_now_ms()));
}

static void on_signal(struct hd_io *io, uint32_t events)
{
	struct hd_daemon *d = io->arg;
	struct signalfd_siginfo si;
	(void)events;
	while (read(io->fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGUSR1)
			hd_daemon_drain(d);
		else if (si.ssi_signo == SIGUSR2)
			hd_daemon_undrain(d);
		else if (si.ssi_signo == SIGHUP)
			(void)hd_daemon_reload(d, NULL, 0);
		else {
			d->quit = true;
			hd_loop_stop(&d->loop);
		}
	}
}

/* --exabgp: ExaBGP closing our stdin means it is gone; so are we. */
static void on_stdin(struct hd_io *io, uint32_t events)
{
	struct hd_daemon *d = io->arg;
	char buf[4096];
	ssize_t n = (events & EPOLLIN) ? read(io->fd, buf, sizeof(buf)) : 0;
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		hd_log(HD_LOG_WARNING, "exabgp, stdin closed, exiting");
		hd_loop_unwatch(&d->loop, io);
		d->quit = true;
		hd_loop_stop(&d->loop);
	}
}

static int open_signals(struct hd_daemon *d)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	d->signal_io.fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	d->signal_io.fn = on_signal;
	d->signal_io.arg = d;
	if (d->signal_io.fd < 0)
		return -errno;
	return hd_loop_watch(&d->loop, &d->signal_io, EPOLLIN);
}

static int start_probes(struct hd_daemon *d)
{
	const char *ids[HD_POLICY_MAX_PROBES];
	struct hd_conf *c = d->conf;
	if (c->probe_count > HD_POLICY_MAX_PROBES)
		return ANS_ELIMIT;
	d->probes = calloc(c->probe_count, sizeof(*d->probes));
	if (!d->probes)
		return ANS_ENOMEM;
	for (size_t i = 0; i < c->probe_count; i++)
		ids[i] = c->probes[i].id;
	struct hd_policy_params par = {
		(int)c->policy.rise, (int)c->policy.fall, c->policy.hold_down_ms,
		c->policy.hold_down_max_ms, c->policy.hold_down_decay_ms,
		c->policy.drain_time_ms,
	};
	hd_policy_init(&d->policy, &par, ids, c->probe_count, hd_now_ms());
	for (size_t i = 0; i < c->probe_count; i++) {
		int rc = hd_probe_start(&d->probes[i], &d->loop, &c->probes[i], i,
					hd_daemon_probe_result, d);
		if (rc != ANS_OK) {
			hd_log(HD_LOG_ERROR, "probe %s, start failed (%s)", c->probes[i].id,
			       ans_strerror(rc));
			return rc;
		}
	}
	return ANS_OK;
}

/*
 * Our device must not exist before we make it: if it does, a live
 * anyns-healthd holds it (a second instance must fail before its start-up
 * withdrawal takes the first one's route away), or it is persistent and
 * would not vanish with us (no fail-closed). Both are start-up errors.
 */
static int check_tun_free(struct hd_daemon *d)
{
	if (!tun_wanted(d))
		return ANS_OK;
	/* A killed instance's device goes when the kernel has closed its
	 * descriptors, a few ms after the kill: a restart right behind a kill
	 * waits for that, up to a second. */
	for (int i = 0; i < 100; i++) {
		if (if_nametoindex(d->conf->healthd.tun) == 0)
			return ANS_OK;
		struct timespec ts = { 0, 10 * 1000000 };
		nanosleep(&ts, NULL);
	}
	hd_log(HD_LOG_ERROR, "tun %s, exists already (another anyns-healthd running, "
	       "or a persistent device that would outlive us)", d->conf->healthd.tun);
	return ANS_EEXIST;
}

int hd_daemon_start(struct hd_daemon *d, struct hd_conf *c, bool exabgp)
{
	memset(d, 0, sizeof(*d));
	d->conf = c;
	d->exabgp = exabgp;
	d->started_ms = hd_now_ms();
	d->retry_at_ms = -1;
	d->control_io.fd = d->metrics_io.fd = d->stdin_io.fd = -1;
	d->retry = (struct hd_timer){ .fn = on_retry, .arg = d };
	d->refresh = (struct hd_timer){ .fn = on_refresh, .arg = d };
	d->policy_timer = (struct hd_timer){ .fn = on_policy_timer, .arg = d };
	int rc = hd_loop_init(&d->loop);
	d->tun_fd = -1;
	if (rc == ANS_OK)
		rc = open_signals(d);
	if (rc != ANS_OK)
		return rc;
	rc = check_tun_free(d);
	if (rc != ANS_OK)
		return rc;
	hd_speaker_init(&d->speaker, c, &d->loop, on_speaker_done, d);
	snprintf(d->policy.reason, sizeof(d->policy.reason), "starting");
	d->wanted = HD_ACTION_WITHDRAW;
	d->starting = true;                /* withdraw first, then the tun */
	kick(d, false);
	if (d->inflight != HD_ACTION_NONE)
		hd_loop_run(&d->loop);
	d->starting = false;
	d->loop.stop = d->quit;
	/* A tun that cannot be made (no CAP_NET_ADMIN) is a start-up error; when
	 * the speaker did not answer, the device waits for its first success. */
	if (d->confirmed == HD_ACTION_WITHDRAW && d->tun_rc != ANS_OK)
		return d->tun_rc;
	if (exabgp) {
		d->stdin_io = (struct hd_io){ .fd = STDIN_FILENO, .fn = on_stdin, .arg = d };
		if (hd_loop_watch(&d->loop, &d->stdin_io, EPOLLIN) != ANS_OK)
			d->stdin_io.fd = -1;
	}
	if (c->speaker.refresh_ms > 0)
		hd_timer_arm(&d->loop, &d->refresh, hd_now_ms() + c->speaker.refresh_ms);
	rc = start_probes(d);
	if (rc == ANS_OK)
		rc = hd_status_open(d);
	return rc;
}

void hd_daemon_run(struct hd_daemon *d)
{
	if (!d->quit)
		hd_loop_run(&d->loop);
	enum hd_state from = d->policy.state;
	hd_log(HD_LOG_INFO, "healthd, stopping");
	d->stopping = true;
	d->loop.stop = false;
	hd_timer_cancel(&d->loop, &d->retry);
	hd_daemon_act(d, from, hd_policy_stop(&d->policy, hd_now_ms()));
	if (d->inflight != HD_ACTION_NONE)
		hd_loop_run(&d->loop);         /* until acknowledged or failed */
	for (size_t i = 0; d->probes && i < d->conf->probe_count; i++)
		if (d->probes[i].conf)
			hd_probe_stop(&d->probes[i]);
	hd_status_close(d);
	hd_speaker_close(&d->speaker);
	hd_conf_free(d->next_conf);
	if (d->tun_fd >= 0)
		close(d->tun_fd);
	if (d->signal_io.fd >= 0)
		close(d->signal_io.fd);
	free(d->probes);
	hd_loop_free(&d->loop);
}
