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

static int write_lines(struct hd_speaker *s, bool announce, bool gshut,
		       char *why, size_t size)
{
	char buf[16384];
	s->requests++;
	int len = hd_exabgp_lines(s->conf, announce, gshut, buf, sizeof(buf));
	size_t off = 0;
	while (len > 0 && off < (size_t)len) {
		ssize_t n = write(STDOUT_FILENO, buf + off, (size_t)len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(why, size, "stdout: %s", strerror(errno));
			s->errors++;
			return ANS_EIO;
		}
		off += (size_t)n;
	}
	if (len < 0) {
		snprintf(why, size, "too many prefixes");
		s->errors++;
		return ANS_ESPACE;
	}
	return ANS_OK;
}

static int exabgp_announce(struct hd_speaker *s, bool gshut, char *why, size_t size)
{
	return write_lines(s, true, gshut, why, size);
}

static int exabgp_withdraw(struct hd_speaker *s, char *why, size_t size)
{
	return write_lines(s, false, false, why, size);
}

static void exabgp_close(struct hd_speaker *s)
{
	(void)s;
}

const struct hd_speaker_ops hd_speaker_exabgp = {
	.name = "exabgp", .announce = exabgp_announce, .withdraw = exabgp_withdraw,
	.close = exabgp_close,
};

void hd_speaker_init(struct hd_speaker *s, const struct hd_conf *c)
{
	static const struct hd_speaker_ops *const ops[] = {
		[HD_SPEAKER_BIRD] = &hd_speaker_bird, [HD_SPEAKER_FRR] = &hd_speaker_frr,
		[HD_SPEAKER_EXABGP] = &hd_speaker_exabgp,
	};
	s->ops = ops[c->speaker.type];
	s->conf = c;
	s->fd = -1;
	s->requests = s->errors = 0;
}
