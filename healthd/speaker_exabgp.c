/* SPDX-License-Identifier: MIT */
/*
 * DOC: the ExaBGP driver
 *
 * With --exabgp, healthd runs as an ExaBGP API process (a `process` block
 * in exabgp.conf runs `anyns-healthd -c FILE --exabgp`) and writes one
 * text command per prefix on stdout:
 *   announce route 203.0.113.0/24 next-hop self
 *   announce route 203.0.113.0/24 next-hop self community [65535:0]
 *   withdraw route 203.0.113.0/24 next-hop self
 * Logs go to stderr only. When ExaBGP goes away healthd sees EOF on stdin
 * and exits. Failing closed when healthd dies (doc/healthd.md): ExaBGP 4.2
 * keeps what a dead API process announced, but respawns it at once (its
 * default, exabgp.api.respawn), and the new healthd's first lines withdraw
 * every prefix; after 5 deaths in a 64 s window ExaBGP shuts down, which
 * ends the session. Measured in tests/system/test_healthd_exabgp.py.
 */
#include "healthd/speaker.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int hd_exabgp_lines(const struct hd_conf *c, bool announce, bool gshut,
		    char *buf, size_t size)
{
	size_t len = 0;
	for (size_t i = 0; i < c->announce.count; i++) {
		int n = snprintf(buf + len, size - len, "%s route %s next-hop self%s\n",
				 announce ? "announce" : "withdraw", c->announce.items[i].text,
				 announce && gshut ? " community [65535:0]" : "");
		if (n < 0 || (size_t)n >= size - len)
			return ANS_ESPACE;
		len += (size_t)n;
	}
	return (int)len;
}

#define OBUF_SIZE 65536

/* Writes what the pipe takes now; true when nothing is left. */
static bool flush(struct hd_speaker *s)
{
	while (s->ooff < s->olen) {
		ssize_t n = write(STDOUT_FILENO, s->obuf + s->ooff, s->olen - s->ooff);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return false;
		if (n <= 0) {
			snprintf(s->why, sizeof(s->why), "stdout: %s", strerror(errno));
			s->olen = s->ooff = 0;
			return true;
		}
		s->ooff += (size_t)n;
	}
	s->olen = s->ooff = 0;
	return true;
}

static void on_writable(struct hd_io *io, uint32_t events)
{
	struct hd_speaker *s = io->arg;
	(void)events;
	if (!flush(s))
		return;
	hd_loop_unwatch(s->loop, io);
	io->fd = -1;
	hd_speaker_finish(s, s->why[0] ? ANS_EIO : ANS_OK);
}

/* Appends the request's lines after what an earlier, timed-out request
 * left unsent: the stream stays whole lines. */
static int queue(struct hd_speaker *s, bool announce, bool gshut)
{
	if (!s->obuf && !(s->obuf = malloc(OBUF_SIZE)))
		return ANS_ENOMEM;
	if (s->ooff > 0) {
		memmove(s->obuf, s->obuf + s->ooff, s->olen - s->ooff);
		s->olen -= s->ooff;
		s->ooff = 0;
	}
	for (size_t i = 0; i < s->gone_count; i++) {
		int n = snprintf(s->obuf + s->olen, OBUF_SIZE - s->olen,
				 "withdraw route %s next-hop self\n", s->gone[i].text);
		if (n < 0 || (size_t)n >= OBUF_SIZE - s->olen)
			return ANS_ESPACE;
		s->olen += (size_t)n;
	}
	int n = hd_exabgp_lines(s->conf, announce, gshut, s->obuf + s->olen,
				OBUF_SIZE - s->olen);
	if (n < 0)
		return n;
	s->olen += (size_t)n;
	return ANS_OK;
}

/*
 * stdout is ExaBGP's pipe, non-blocking: a busy ExaBGP that does not read
 * fills it, and the loop must not wait for it. What the pipe does not
 * take is written when it becomes writable; the request succeeds when the
 * last byte is in the pipe.
 */
static int exabgp_start(struct hd_speaker *s, bool announce, bool gshut)
{
	int rc = queue(s, announce, gshut);
	if (rc != ANS_OK) {
		snprintf(s->why, sizeof(s->why), "%s", rc == ANS_ESPACE ?
			 "too many prefixes, or ExaBGP not reading" : ans_strerror(rc));
		return rc;
	}
	int fl = fcntl(STDOUT_FILENO, F_GETFL);
	if (fl >= 0 && !(fl & O_NONBLOCK))
		(void)fcntl(STDOUT_FILENO, F_SETFL, fl | O_NONBLOCK);
	if (flush(s)) {
		hd_speaker_finish(s, s->why[0] ? ANS_EIO : ANS_OK);
		return ANS_OK;
	}
	if (s->out_io.fd >= 0)
		return ANS_OK;
	s->out_io = (struct hd_io){ .fd = STDOUT_FILENO, .fn = on_writable, .arg = s };
	rc = hd_loop_watch(s->loop, &s->out_io, EPOLLOUT);
	if (rc != ANS_OK) {
		s->out_io.fd = -1;
		snprintf(s->why, sizeof(s->why), "epoll stdout: %s", ans_strerror(rc));
	}
	return rc;
}

/* The deadline passed: the unsent lines stay queued (and keep being
 * written as the pipe drains); the request counts as failed. */
static void exabgp_abort(struct hd_speaker *s)
{
	(void)s;
}

static void exabgp_close(struct hd_speaker *s)
{
	if (s->out_io.fd >= 0)
		hd_loop_unwatch(s->loop, &s->out_io);
	s->out_io.fd = -1;
	free(s->obuf);
	s->obuf = NULL;
}

const struct hd_speaker_ops hd_speaker_exabgp = {
	.name = "exabgp", .start = exabgp_start, .abort = exabgp_abort,
	.close = exabgp_close,
};
