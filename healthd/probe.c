/* SPDX-License-Identifier: MIT */
/*
 * The common part of probes: the interval timer, the timeout timer and the
 * bookkeeping of results. Runs are scheduled from the planned time, not the
 * time the loop got round to it, so a busy moment does not shift the
 * schedule (and the interval stays an interval under load).
 */
#include "healthd/probe.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

void hd_probe_done(struct hd_probe *pr, bool ok, bool fatal, const char *why)
{
	if (!pr->busy && pr->conf->type != HD_PROBE_PROCESS)
		return;   /* a late answer after the timeout was reported */
	pr->busy = false;
	hd_timer_cancel(pr->loop, &pr->deadline);
	pr->runs++;
	pr->failures += !ok;
	pr->last_ok = ok;
	pr->last_duration_ms = hd_now_ms() - pr->started_ms;
	snprintf(pr->last_why, sizeof(pr->last_why), "%s", ok ? "ok" : why);
	pr->report(pr, ok, fatal, why);
}

static void on_deadline(struct hd_timer *t)
{
	struct hd_probe *pr = t->arg;
	if (pr->conf->type == HD_PROBE_COMMAND)
		hd_probe_cmd_timeout(pr);
	hd_probe_done(pr, false, false, "timeout");
}

static void on_tick(struct hd_timer *t)
{
	struct hd_probe *pr = t->arg;
	int64_t planned = t->at_ms, now = hd_now_ms();
	int64_t next = planned + pr->conf->interval_ms;
	hd_timer_arm(pr->loop, &pr->tick, next > now ? next : now + pr->conf->interval_ms);
	if (pr->busy)   /* loop was late past the deadline: it fires first */
		hd_probe_done(pr, false, false, "timeout");
	pr->busy = true;
	pr->started_ms = now;
	hd_timer_arm(pr->loop, &pr->deadline, now + pr->conf->timeout_ms);
	switch (pr->conf->type) {
	case HD_PROBE_DNS: hd_probe_dns_run(pr); break;
	case HD_PROBE_ZONE: hd_probe_zone_run(pr); break;
	case HD_PROBE_PROCESS: hd_probe_proc_run(pr); break;
	case HD_PROBE_COMMAND: hd_probe_cmd_run(pr); break;
	}
}

int hd_probe_start(struct hd_probe *pr, struct hd_loop *l,
		   const struct hd_conf_probe *c, size_t idx,
		   hd_probe_report_fn report, void *owner)
{
	memset(pr, 0, sizeof(*pr));
	pr->conf = c;
	pr->idx = idx;
	pr->loop = l;
	pr->report = report;
	pr->owner = owner;
	pr->io.fd = pr->primary_io.fd = -1;
	pr->io.arg = pr->primary_io.arg = pr;
	pr->tick = (struct hd_timer){ .fn = on_tick, .arg = pr };
	pr->deadline = (struct hd_timer){ .fn = on_deadline, .arg = pr };
	snprintf(pr->last_why, sizeof(pr->last_why), "not run yet");
	int rc = ANS_OK;
	if (c->type == HD_PROBE_DNS)
		rc = hd_probe_dns_open(pr);
	else if (c->type == HD_PROBE_ZONE)
		rc = hd_probe_zone_open(pr);
	if (rc == ANS_OK)
		hd_timer_arm(l, &pr->tick, hd_now_ms());
	return rc;
}

void hd_probe_stop(struct hd_probe *pr)
{
	hd_timer_cancel(pr->loop, &pr->tick);
	hd_timer_cancel(pr->loop, &pr->deadline);
	if (pr->conf->type == HD_PROBE_COMMAND && pr->busy)
		hd_probe_cmd_timeout(pr);
	struct hd_io *ios[] = { &pr->io, &pr->primary_io };
	for (size_t i = 0; i < 2; i++) {
		if (ios[i]->fd < 0)
			continue;
		hd_loop_unwatch(pr->loop, ios[i]);
		close(ios[i]->fd);
		ios[i]->fd = -1;
	}
}
