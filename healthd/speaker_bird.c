/* SPDX-License-Identifier: MIT */
/*
 * DOC: the BIRD 2 driver
 *
 * The announcement lives in BIRD's configuration as two static protocols
 * declared `disabled;` (examples/bird-node.conf):
 *   anyns_service  the service prefixes, next hop the tun device healthd
 *                  holds open (healthd.tun);
 *   anyns_drain    the same prefixes carrying community (65535,0).
 * healthd switches them with `enable`/`disable` on BIRD's control socket:
 *   announce        enable service, disable drain
 *   announce gshut  enable drain, disable service (enable first: the prefix
 *                   is never absent during the switch)
 *   withdraw        disable service, disable drain
 * A restarted BIRD starts with both disabled (withdrawn) until healthd
 * re-asserts its state (speaker.refresh); a dead healthd takes the tun
 * device with it and BIRD drops the routes.
 *
 * Every read and write has a deadline (speaker.timeout): birdc blocks for
 * ever on a frozen BIRD, we do not. Any error closes the socket; the next
 * request reconnects (and reads the 0001 greeting again).
 */
#include "healthd/speaker.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "healthd/loop.h"

struct io_ctx {
	struct hd_speaker *s;
	int64_t deadline_ms;
	char *why;
	size_t size;
};

static int wait_fd(struct io_ctx *x, short events)
{
	int64_t left = x->deadline_ms - hd_now_ms();
	struct pollfd p = { .fd = x->s->fd, .events = events };
	int n = left > 0 ? poll(&p, 1, (int)left) : 0;
	if (n > 0)
		return ANS_OK;
	snprintf(x->why, x->size, n == 0 ? "timeout" : "poll: %s", strerror(errno));
	return n == 0 ? ANS_ETIMEOUT : -errno;
}

static void bird_close(struct hd_speaker *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

static int read_reply(struct io_ctx *x, struct hd_bird_reply *r)
{
	char buf[4096];
	size_t len = 0, used;
	for (;;) {
		int rc = hd_bird_reply_parse(buf, len, r, &used);
		if (rc == ANS_OK)
			return ANS_OK;
		if (rc != ANS_EAGAIN || len == sizeof(buf)) {
			snprintf(x->why, x->size, "malformed reply");
			return ANS_EMALF;
		}
		if ((rc = wait_fd(x, POLLIN)) != ANS_OK)
			return rc;
		ssize_t n = recv(x->s->fd, buf + len, sizeof(buf) - len, MSG_DONTWAIT);
		if (n <= 0) {
			snprintf(x->why, x->size, "%s", n == 0 ? "connection closed"
				 : strerror(errno));
			return ANS_EIO;
		}
		len += (size_t)n;
	}
}

static int bird_connect(struct io_ctx *x)
{
	const char *path = x->s->conf->speaker.socket;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(x->why, x->size, "socket path too long");
		return ANS_EINVAL;
	}
	strcpy(sa.sun_path, path);
	x->s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (x->s->fd < 0 || connect(x->s->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		snprintf(x->why, x->size, "connect %s: %s", path, strerror(errno));
		return -errno;
	}
	struct hd_bird_reply r;
	int rc = read_reply(x, &r);       /* "0001 BIRD 2.0.12 ready." */
	if (rc == ANS_OK && r.code != 1) {
		snprintf(x->why, x->size, "unexpected greeting %04d", r.code);
		rc = ANS_EIO;
	}
	return rc;
}

static int send_all(struct io_ctx *x, const char *cmd, size_t len)
{
	size_t off = 0;
	while (off < len) {
		int rc = wait_fd(x, POLLOUT);
		if (rc != ANS_OK)
			return rc;
		ssize_t n = send(x->s->fd, cmd + off, len - off, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno != EAGAIN) {
			snprintf(x->why, x->size, "send: %s", strerror(errno));
			return -errno;
		}
		off += n > 0 ? (size_t)n : 0;
	}
	return ANS_OK;
}

/* `enable PROTO` or `disable PROTO`, checked against the reply code. */
static int toggle(struct io_ctx *x, const char *proto, bool enable)
{
	char cmd[256];
	struct hd_bird_reply r;
	/* A pattern ("anyns_service*": the IPv4 and IPv6 static protocols)
	 * is quoted, as BIRD's grammar wants; every match answers a line. */
	const char *q = strpbrk(proto, "*?") ? "\"" : "";
	int len = snprintf(cmd, sizeof(cmd), "%s %s%s%s\n", enable ? "enable" : "disable",
			   q, proto, q);
	if (len < 0 || (size_t)len >= sizeof(cmd))
		return ANS_ESPACE;
	int rc = ANS_OK;
	if (x->s->fd < 0)
		rc = bird_connect(x);
	if (rc == ANS_OK)
		rc = send_all(x, cmd, (size_t)len);
	if (rc == ANS_OK)
		rc = read_reply(x, &r);
	if (rc == ANS_OK && !hd_bird_ok(r.code, enable)) {
		snprintf(x->why, x->size, "%s %s: %04d %s", enable ? "enable" : "disable",
			 proto, r.code, r.text);
		rc = ANS_EIO;
	}
	if (rc != ANS_OK)
		bird_close(x->s);
	return rc;
}

static int run(struct hd_speaker *s, bool service, bool drain, char *why, size_t size)
{
	struct io_ctx x = { s, hd_now_ms() + s->conf->speaker.timeout_ms, why, size };
	const char *sp = s->conf->speaker.protocol, *dp = s->conf->speaker.drain_protocol;
	bool has_drain = dp && dp[0];
	int rc = ANS_OK;
	s->requests++;
	/* Switch on before switching off, so the prefix never disappears. */
	if (service)
		rc = toggle(&x, sp, true);
	if (rc == ANS_OK && has_drain)
		rc = toggle(&x, dp, drain);
	if (rc == ANS_OK && !service)
		rc = toggle(&x, sp, false);
	s->errors += rc != ANS_OK;
	return rc;
}

static int bird_announce(struct hd_speaker *s, bool gshut, char *why, size_t size)
{
	bool has_drain = s->conf->speaker.drain_protocol && s->conf->speaker.drain_protocol[0];
	if (gshut && !has_drain)
		return run(s, false, false, why, size);
	return run(s, !gshut, gshut, why, size);
}

static int bird_withdraw(struct hd_speaker *s, char *why, size_t size)
{
	return run(s, false, false, why, size);
}

const struct hd_speaker_ops hd_speaker_bird = {
	.name = "bird", .announce = bird_announce, .withdraw = bird_withdraw,
	.close = bird_close,
};
