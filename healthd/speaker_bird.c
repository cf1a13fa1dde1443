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
 * A request is a short list of `enable`/`disable` commands (plus `disable`
 * of protocols a reload stopped naming) run as a state machine on the
 * event loop over a non-blocking connection: connect, read the 0001
 * greeting, then for each command send it and read its reply. Nothing
 * waits: a frozen BIRD (birdc blocks for ever on one) leaves the request
 * pending until the speaker deadline (speaker.c) aborts it. Any error
 * closes the connection; the next request reconnects. An idle connection
 * that BIRD closes (a restart) is noticed and closed too.
 */
#include "healthd/speaker.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static void bird_close(struct hd_speaker *s)
{
	if (s->fd >= 0) {
		hd_loop_unwatch(s->loop, &s->io);
		close(s->fd);
	}
	s->fd = s->io.fd = -1;
	s->rlen = 0;
}

static int fail(struct hd_speaker *s, int rc)
{
	bird_close(s);
	if (s->busy)
		hd_speaker_finish(s, rc);
	return rc;
}

static void watch(struct hd_speaker *s, bool out)
{
	if (hd_loop_watch(s->loop, &s->io, EPOLLIN | (out ? EPOLLOUT : 0)) != ANS_OK) {
		snprintf(s->why, sizeof(s->why), "epoll: %s", strerror(errno));
		fail(s, -errno);
	}
}

enum { CMD_DISABLE, CMD_ENABLE, CMD_LIST };

static void send_some(struct hd_speaker *s)
{
	const char *cmd = s->cmds[s->cmd_next];
	size_t len = strlen(cmd);
	ssize_t n = send(s->fd, cmd + s->woff, len - s->woff, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n < 0 && errno != EAGAIN && errno != EINTR) {
		snprintf(s->why, sizeof(s->why), "send: %s", strerror(errno));
		fail(s, -errno);
		return;
	}
	s->woff += n > 0 ? (size_t)n : 0;
	bool more = s->woff < len;
	if (more != s->sending) {
		s->sending = more;
		watch(s, more);
	}
}

static void next_command(struct hd_speaker *s)
{
	if (s->cmd_next == s->cmd_count) {
		hd_speaker_finish(s, ANS_OK);
		return;
	}
	s->woff = 0;
	send_some(s);
}

/* Whether `name` is (or matches) the protocol or drain protocol in use. */
static bool still_named(const struct hd_speaker *s, const char *name)
{
	const char *sp = s->conf->speaker.protocol, *dp = s->conf->speaker.drain_protocol;
	return fnmatch(sp, name, 0) == 0 || (dp && dp[0] && fnmatch(dp, name, 0) == 0);
}

static void insert_cmd(struct hd_speaker *s, size_t at, const char *proto)
{
	size_t max = sizeof(s->cmds) / sizeof(s->cmds[0]);
	if (s->cmd_count == max)
		return;
	memmove(s->cmds[at + 1], s->cmds[at], (s->cmd_count - at) * sizeof(s->cmds[0]));
	memmove(&s->cmd_kind[at + 1], &s->cmd_kind[at], s->cmd_count - at);
	snprintf(s->cmds[at], sizeof(s->cmds[0]), "disable %s\n", proto);
	s->cmd_kind[at] = CMD_DISABLE;
	s->cmd_count++;
}

/* The answer to `show protocols "PATTERN"` for a pattern a reload gave
 * up: each protocol it matched that the new names do not is disabled
 * (the others stay as they are, so the announcement does not flap). */
static void on_list(struct hd_speaker *s, const char *reply, size_t len)
{
	char names[8][HD_TEXT_MAX];
	size_t n = hd_bird_proto_names(reply, len, names, 8);
	for (size_t i = 0; i < n; i++)
		if (!still_named(s, names[i]))
			insert_cmd(s, s->cmd_next + 1, names[i]);
}

/* One complete reply: the greeting, or the answer to cmds[cmd_next]. */
static int on_reply(struct hd_speaker *s, const struct hd_bird_reply *r,
		    const char *text, size_t len)
{
	if (!s->greeted) {
		if (r->code != 1) {
			snprintf(s->why, sizeof(s->why), "unexpected greeting %04d", r->code);
			return ANS_EIO;
		}
		s->greeted = true;
	} else {
		const char *cmd = s->cmds[s->cmd_next];
		int kind = s->cmd_kind[s->cmd_next];
		bool ok = kind == CMD_LIST ? r->code < 8000 : hd_bird_ok(r->code, kind == CMD_ENABLE);
		if (!ok) {
			snprintf(s->why, sizeof(s->why), "%.*s: %04d %s",
				 (int)strcspn(cmd, "\n"), cmd, r->code, r->text);
			return ANS_EIO;
		}
		if (kind == CMD_LIST)
			on_list(s, text, len);
		s->cmd_next++;
	}
	if (s->busy)
		next_command(s);
	return ANS_OK;
}

static void read_replies(struct hd_speaker *s)
{
	ssize_t n = recv(s->fd, s->rbuf + s->rlen, sizeof(s->rbuf) - s->rlen, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		snprintf(s->why, sizeof(s->why), "%s", n == 0 ? "connection closed"
			 : strerror(errno));
		fail(s, ANS_EIO);
		return;
	}
	s->rlen += (size_t)n;
	for (;;) {
		struct hd_bird_reply r;
		size_t used;
		int rc = hd_bird_reply_parse(s->rbuf, s->rlen, &r, &used);
		if (rc == ANS_EAGAIN && s->rlen < sizeof(s->rbuf))
			return;
		if (rc != ANS_OK) {
			snprintf(s->why, sizeof(s->why), "malformed reply");
			fail(s, ANS_EMALF);
			return;
		}
		char text[sizeof(s->rbuf)];
		memcpy(text, s->rbuf, used);
		memmove(s->rbuf, s->rbuf + used, s->rlen - used);
		s->rlen -= used;
		int fd = s->fd;
		if ((rc = on_reply(s, &r, text, used)) != ANS_OK) {
			fail(s, rc);
			return;
		}
		if (s->fd != fd || !s->busy)
			return;    /* finished (or closed) inside on_reply */
	}
}

static void on_io(struct hd_io *io, uint32_t events)
{
	struct hd_speaker *s = io->arg;
	if ((events & EPOLLOUT) && s->sending && s->busy)
		send_some(s);
	if (s->fd >= 0 && (events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		read_replies(s);
}

static int bird_connect(struct hd_speaker *s)
{
	const char *path = s->conf->speaker.socket;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(s->why, sizeof(s->why), "socket path too long");
		return ANS_EINVAL;
	}
	strcpy(sa.sun_path, path);
	s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	/* A unix connect completes at once or fails (EAGAIN: backlog full). */
	if (s->fd < 0 || connect(s->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int e = errno;
		snprintf(s->why, sizeof(s->why), "connect %s: %s", path, strerror(e));
		bird_close(s);
		return -e;
	}
	s->io = (struct hd_io){ .fd = s->fd, .fn = on_io, .arg = s };
	s->greeted = s->sending = false;
	s->rlen = 0;
	int rc = hd_loop_watch(s->loop, &s->io, EPOLLIN);
	if (rc != ANS_OK) {
		snprintf(s->why, sizeof(s->why), "epoll: %s", ans_strerror(rc));
		bird_close(s);
	}
	return rc;
}

/* `enable PROTO`, `disable PROTO` or `show protocols PROTO`. A pattern
 * ("anyns_service*": the IPv4 and IPv6 static protocols) is quoted, as
 * BIRD's grammar wants; every match answers a line. */
static void add_cmd(struct hd_speaker *s, const char *proto, int kind)
{
	static const char *const verbs[] = { "disable", "enable", "show protocols" };
	if (s->cmd_count == sizeof(s->cmds) / sizeof(s->cmds[0]))
		return;
	const char *q = strpbrk(proto, "*?") ? "\"" : "";
	snprintf(s->cmds[s->cmd_count], sizeof(s->cmds[0]), "%s %s%s%s\n",
		 verbs[kind], q, proto, q);
	s->cmd_kind[s->cmd_count++] = (uint8_t)kind;
}

/* A protocol (or pattern) a reload stopped naming: a plain name is
 * disabled; a pattern is listed first, and only the protocols it matches
 * that are no longer named are disabled (on_list). */
static void add_gone(struct hd_speaker *s, const char *proto)
{
	if (strpbrk(proto, "*?"))
		add_cmd(s, proto, CMD_LIST);
	else if (!still_named(s, proto))
		add_cmd(s, proto, CMD_DISABLE);
}

static int bird_start(struct hd_speaker *s, bool announce, bool gshut)
{
	const char *sp = s->conf->speaker.protocol, *dp = s->conf->speaker.drain_protocol;
	bool has_drain = dp && dp[0];
	bool service = announce && !gshut, drain = announce && gshut && has_drain;
	s->cmd_count = s->cmd_next = 0;
	/* Switch on before switching off, so the prefix never disappears. */
	if (service)
		add_cmd(s, sp, CMD_ENABLE);
	if (has_drain)
		add_cmd(s, dp, drain ? CMD_ENABLE : CMD_DISABLE);
	if (!service)
		add_cmd(s, sp, CMD_DISABLE);
	for (size_t i = 0; i < s->gone_proto_count; i++)
		add_gone(s, s->gone_proto[i]);
	int rc = s->fd < 0 ? bird_connect(s) : ANS_OK;
	if (rc == ANS_OK && s->greeted)
		next_command(s);
	return rc;
}

static void bird_abort(struct hd_speaker *s)
{
	bird_close(s);
}

const struct hd_speaker_ops hd_speaker_bird = {
	.name = "bird", .start = bird_start, .abort = bird_abort, .close = bird_close,
};
