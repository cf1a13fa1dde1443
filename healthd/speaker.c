/* SPDX-License-Identifier: MIT */
/*
 * DOC: the speaker's request cycle
 *
 * The part every driver shares: one request in flight, its deadline, its
 * counters and the completion callback. A driver's start() sets its file
 * descriptors up on the loop and returns; its I/O callbacks move the
 * request on and end it with hd_speaker_finish(). The deadline timer is
 * armed here, so no driver can forget it: when it fires the driver's
 * abort() drops whatever it holds (BIRD's connection, vtysh's process),
 * and the request fails with "timeout". The loop therefore never waits
 * for a speaker: a frozen BIRD costs one timer, not a blocked probe.
 *
 * A reload (hd_speaker_reconfigure) remembers what the new configuration
 * no longer names: prefixes for FRR and ExaBGP (the next request adds
 * `no network P` / `withdraw route P`), the BIRD static protocols that
 * are no longer `protocol`/`drain-protocol` (the next request disables
 * them). The list is cleared only by a request that succeeded.
 */
#include "healthd/speaker.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "healthd/log.h"

static void on_deadline(struct hd_timer *t)
{
	struct hd_speaker *s = t->arg;
	if (!s->busy)
		return;
	s->ops->abort(s);
	snprintf(s->why, sizeof(s->why), "timeout");
	hd_speaker_finish(s, ANS_ETIMEOUT);
}

void hd_speaker_init(struct hd_speaker *s, const struct hd_conf *c, struct hd_loop *l,
		     hd_speaker_done_fn done, void *owner)
{
	static const struct hd_speaker_ops *const ops[] = {
		[HD_SPEAKER_BIRD] = &hd_speaker_bird, [HD_SPEAKER_FRR] = &hd_speaker_frr,
		[HD_SPEAKER_EXABGP] = &hd_speaker_exabgp,
	};
	memset(s, 0, sizeof(*s));
	s->ops = ops[c->speaker.type];
	s->conf = c;
	s->loop = l;
	s->done = done;
	s->owner = owner;
	s->fd = s->io.fd = s->out_io.fd = s->pid_io.fd = -1;
	s->io.arg = s->out_io.arg = s->pid_io.arg = s;
	s->deadline = (struct hd_timer){ .fn = on_deadline, .arg = s };
}

int hd_speaker_request(struct hd_speaker *s, bool announce, bool gshut)
{
	if (s->busy) {
		snprintf(s->why, sizeof(s->why), "a request is in flight");
		return -EBUSY;
	}
	s->requests++;
	s->why[0] = '\0';
	s->busy = true;
	hd_timer_arm(s->loop, &s->deadline, hd_now_ms() + s->conf->speaker.timeout_ms);
	int rc = s->ops->start(s, announce, gshut);
	if (rc != ANS_OK) {
		s->busy = false;
		s->errors++;
		hd_timer_cancel(s->loop, &s->deadline);
	}
	return rc;
}

void hd_speaker_finish(struct hd_speaker *s, int rc)
{
	if (!s->busy)
		return;
	s->busy = false;
	hd_timer_cancel(s->loop, &s->deadline);
	s->errors += rc != ANS_OK;
	if (rc == ANS_OK)
		s->gone_count = s->gone_proto_count = 0;
	s->done(s, rc, s->why);
}

static bool has_prefix(const struct hd_conf *c, const struct hd_prefix *p)
{
	for (size_t i = 0; i < c->announce.count; i++)
		if (strcmp(c->announce.items[i].text, p->text) == 0)
			return true;
	return false;
}

/* Whether BIRD protocol `proto` (a name or pattern) of the old
 * configuration is still covered: the same text, or a plain name the new
 * pattern matches. A pattern given up is resolved against BIRD's list of
 * protocols by the driver (speaker_bird.c). */
static bool proto_named(const struct hd_conf *c, const char *proto)
{
	const char *sp = c->speaker.protocol, *dp = c->speaker.drain_protocol;
	if (strcmp(sp, proto) == 0 || (dp && strcmp(dp, proto) == 0))
		return true;
	return !strpbrk(proto, "*?") && (fnmatch(sp, proto, 0) == 0 ||
					  (dp && dp[0] && fnmatch(dp, proto, 0) == 0));
}

static void forget_proto(struct hd_speaker *s, const struct hd_conf *new, const char *p)
{
	if (!p || !p[0] || proto_named(new, p) || s->gone_proto_count == 2)
		return;
	snprintf(s->gone_proto[s->gone_proto_count++], HD_TEXT_MAX, "%s", p);
}

void hd_speaker_reconfigure(struct hd_speaker *s, const struct hd_conf *old,
			    const struct hd_conf *new)
{
	for (size_t i = 0; i < old->announce.count; i++) {
		const struct hd_prefix *p = &old->announce.items[i];
		if (has_prefix(new, p) || s->gone_count == HD_SPEAKER_GONE_MAX)
			continue;
		s->gone[s->gone_count++] = *p;
	}
	/* A prefix given back by this reload is no longer to be withdrawn. */
	size_t keep = 0;
	for (size_t i = 0; i < s->gone_count; i++)
		if (!has_prefix(new, &s->gone[i]))
			s->gone[keep++] = s->gone[i];
	s->gone_count = keep;
	keep = 0;
	for (size_t i = 0; i < s->gone_proto_count; i++)
		if (!proto_named(new, s->gone_proto[i]))
			memmove(s->gone_proto[keep++], s->gone_proto[i], HD_TEXT_MAX);
	s->gone_proto_count = keep;
	if (old->speaker.type == HD_SPEAKER_BIRD) {
		forget_proto(s, new, old->speaker.protocol);
		forget_proto(s, new, old->speaker.drain_protocol);
	}
	s->conf = new;
}

void hd_speaker_close(struct hd_speaker *s)
{
	if (s->busy) {
		s->ops->abort(s);
		s->busy = false;
		hd_timer_cancel(s->loop, &s->deadline);
	}
	s->ops->close(s);
}
