/* SPDX-License-Identifier: MIT */
/*
 * DOC: the FRRouting driver
 *
 * FRR is configured through vtysh, one invocation per request:
 *   vtysh -c "configure terminal" -c "router bgp ASN"
 *         -c "address-family ipv4 unicast" -c "network P [route-map RM]"
 *         -c "exit-address-family" ...   ("no network P" to withdraw)
 * Draining attaches speaker.route-map (which must `set community 65535:0
 * additive`, see doc/healthd.md). vtysh is run directly (no shell) as a
 * child the event loop watches (its output pipe and a pidfd), never
 * waited for: the speaker deadline kills it (SIGKILL) and the request
 * fails. Prefixes a reload removed are withdrawn by a second run. What
 * it prints is read back: `no network P` for a network that is not there
 * answers "% Can't find static route specified" (exit 1), which means the
 * wanted state already holds (a start-up or repeated withdrawal), not a
 * failure to retry forever.
 *
 * Failing closed: with `bgp network import-check` (FRR's default) a
 * `network` statement is only announced while a matching route is in the
 * RIB; the node configures `ip route P anyns0` in staticd, bound to the
 * tun device healthd holds. When healthd dies the device goes, zebra drops
 * the static route and bgpd withdraws the network.
 */
#include "healthd/speaker.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "healthd/loop.h"

struct argv_buf {
	char **argv;
	size_t argc, max;
	char *buf;
	size_t used, size;
	bool full;
};

static void add(struct argv_buf *a, const char *fmt, const char *s1, const char *s2)
{
	size_t left = a->size - a->used;
	int n = snprintf(a->buf + a->used, left, fmt, s1, s2);
	if (n < 0 || (size_t)n >= left || a->argc + 2 >= a->max) {
		a->full = true;
		return;
	}
	a->argv[a->argc++] = a->buf + a->used;
	a->used += (size_t)n + 1;
}

static void add_cmd(struct argv_buf *a, const char *fmt, const char *s1, const char *s2)
{
	add(a, "%s%s", "-c", "");
	add(a, fmt, s1, s2);
}

int hd_frr_argv(const struct hd_conf *c, bool announce, bool gshut,
		char **argv, size_t max, char *buf, size_t size)
{
	return hd_frr_argv_range(c, 0, c->announce.count, announce, gshut, argv, max,
				 buf, size);
}

int hd_frr_argv_range(const struct hd_conf *c, size_t first, size_t end, bool announce,
		      bool gshut, char **argv, size_t max, char *buf, size_t size)
{
	if (end > c->announce.count)
		end = c->announce.count;
	if (first > end)
		first = end;
	return hd_frr_argv_list(c, c->announce.items + first, end - first, announce, gshut,
				argv, max, buf, size);
}

int hd_frr_argv_list(const struct hd_conf *c, const struct hd_prefix *items, size_t n,
		     bool announce, bool gshut, char **argv, size_t max, char *buf,
		     size_t size)
{
	struct argv_buf a = { argv, 0, max, buf, 0, size, false };
	char asn[24];
	snprintf(asn, sizeof(asn), "%lld", (long long)c->announce.asn);
	add(&a, "%s%s", c->speaker.vtysh, "");
	add_cmd(&a, "%s%s", "configure terminal", "");
	add_cmd(&a, "router bgp %s%s", asn, "");
	for (int fam = 0; fam < 2; fam++) {
		bool any = false;
		for (size_t i = 0; i < n; i++) {
			const struct hd_prefix *p = &items[i];
			if ((p->family == AF_INET6) != fam)
				continue;
			if (!any)
				add_cmd(&a, "address-family %s unicast%s", fam ? "ipv6" : "ipv4", "");
			any = true;
			if (!announce)
				add_cmd(&a, "no network %s%s", p->text, "");
			else if (gshut)
				add_cmd(&a, "network %s route-map %s", p->text, c->speaker.route_map);
			else
				add_cmd(&a, "network %s%s", p->text, "");
		}
		if (any)
			add_cmd(&a, "%s%s", "exit-address-family", "");
	}
	if (a.full)
		return ANS_ESPACE;
	argv[a.argc] = NULL;
	return (int)a.argc;
}

/*
 * vtysh prints bgpd's complaints ("% Can't find static route specified")
 * on stdout; they are collected (the head that fits) so that an
 * already-done request can be told from a real failure. The pipe is
 * drained as it fills, so a chatty vtysh never blocks on it.
 */
static void drain_output(struct hd_speaker *s)
{
	char chunk[512];
	ssize_t n;
	while (s->out_io.fd >= 0 && (n = read(s->out_io.fd, chunk, sizeof(chunk))) > 0) {
		size_t room = sizeof(s->out) - 1 - s->out_len;
		size_t take = (size_t)n < room ? (size_t)n : room;
		memcpy(s->out + s->out_len, chunk, take);
		s->out_len += take;
	}
	s->out[s->out_len] = '\0';
}

static void unwatch_close(struct hd_speaker *s, struct hd_io *io)
{
	if (io->fd < 0)
		return;
	hd_loop_unwatch(s->loop, io);
	close(io->fd);
	io->fd = -1;
}

/* Reaps the child (it has exited, or was just sent SIGKILL). */
static int reap(struct hd_speaker *s)
{
	int status = 0;
	drain_output(s);
	unwatch_close(s, &s->out_io);
	unwatch_close(s, &s->pid_io);
	while (s->pid > 0 && waitpid(s->pid, &status, 0) < 0 && errno == EINTR)
		;
	s->pid = 0;
	return status;
}

static void child(char **argv, int out)
{
	int null = open("/dev/null", O_RDONLY);
	dup2(null, 0);
	dup2(out, 1);
	dup2(out, 2);
	execv(argv[0], argv);
	_exit(127);
}

static void on_exit_io(struct hd_io *io, uint32_t events);
static void on_out_io(struct hd_io *io, uint32_t events);

static int spawn(struct hd_speaker *s, char **argv)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) != 0)
		return -errno;
	pid_t pid = fork();
	if (pid == 0)
		child(argv, p[1]);
	close(p[1]);
	if (pid < 0) {
		int e = errno;
		close(p[0]);
		return -e;
	}
	s->pid = pid;
	s->out_len = 0;
	s->out_io = (struct hd_io){ .fd = p[0], .fn = on_out_io, .arg = s };
	s->pid_io = (struct hd_io){ .fd = (int)syscall(SYS_pidfd_open, pid, 0),
				    .fn = on_exit_io, .arg = s };
	int rc = s->pid_io.fd < 0 ? -errno : hd_loop_watch(s->loop, &s->pid_io, EPOLLIN);
	if (rc == ANS_OK)
		rc = hd_loop_watch(s->loop, &s->out_io, EPOLLIN);
	if (rc != ANS_OK) {
		kill(pid, SIGKILL);
		(void)reap(s);
	}
	return rc;
}

/* The prefixes of the current phase: 0, every configured one (as asked);
 * 1, those a reload removed (withdrawn). */
static const struct hd_prefix *phase_items(const struct hd_speaker *s, size_t *n, bool *ann)
{
	if (s->cmd_next == 0) {
		*n = s->conf->announce.count;
		*ann = s->announce;
		return s->conf->announce.items;
	}
	*n = s->gone_count;
	*ann = false;
	return s->gone;
}

/* Starts the vtysh run for the current phase and step (s->each: 0 for
 * the whole list, k for its k-th prefix alone). */
static int run_step(struct hd_speaker *s)
{
	char *argv[256];
	static char buf[16384];
	size_t n;
	bool ann;
	const struct hd_prefix *items = phase_items(s, &n, &ann);
	if (s->each > 0) {
		items += s->each - 1;
		n = 1;
	}
	int rc = hd_frr_argv_list(s->conf, items, n, ann, s->gshut, argv, 256, buf,
				  sizeof(buf));
	if (rc < 0) {
		snprintf(s->why, sizeof(s->why), "too many prefixes for one vtysh call");
		return rc;
	}
	rc = spawn(s, argv);
	if (rc != ANS_OK)
		snprintf(s->why, sizeof(s->why), "vtysh: %s", ans_strerror(rc));
	return rc;
}

/* The run just ended with `ok` (or "already so"): on to the next step. */
static int advance(struct hd_speaker *s, bool ok, bool already)
{
	size_t n;
	bool ann;
	(void)phase_items(s, &n, &ann);
	if (!ok && !already)
		return ANS_EIO;
	/*
	 * vtysh stops at the first failing -c command, so when one prefix was
	 * already in the wanted state, the ones after it were not touched:
	 * redo the phase one prefix at a time, each "already so" counting as
	 * success. Only this slow path pays one vtysh per prefix.
	 */
	if (!ok && s->each == 0)
		s->each = 1;
	else if (s->each > 0 && s->each < n)
		s->each++;
	else {
		s->each = 0;
		s->cmd_next++;
		if (s->cmd_next == 1 && s->gone_count == 0)
			s->cmd_next++;
		if (s->cmd_next == 2)
			return 1;   /* done */
	}
	return run_step(s);
}

static void on_exit_io(struct hd_io *io, uint32_t events)
{
	struct hd_speaker *s = io->arg;
	(void)events;
	int status = reap(s);
	bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
	size_t n;
	bool ann;
	(void)phase_items(s, &n, &ann);
	bool already = !ok && WIFEXITED(status) && hd_frr_already(s->out, ann);
	if (!ok)
		hd_frr_first_line(s->out, s->why, sizeof(s->why), WIFEXITED(status)
				  ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	int rc = advance(s, ok, already);
	if (rc != ANS_OK)
		hd_speaker_finish(s, rc == 1 ? ANS_OK : rc);
}

static void on_out_io(struct hd_io *io, uint32_t events)
{
	struct hd_speaker *s = io->arg;
	(void)events;
	drain_output(s);
	if (s->out_len == sizeof(s->out) - 1 || (events & EPOLLHUP)) {
		/* Full or closed: the rest is not needed; the pidfd says when
		 * it exits. Keep reading to keep the pipe from filling. */
		char sink[512];
		while (read(io->fd, sink, sizeof(sink)) > 0)
			;
		if (events & EPOLLHUP)
			unwatch_close(s, io);
	}
}

bool hd_frr_already(const char *out, bool announce)
{
	/* bgpd's answers (bgp_static_unset / bgp_static_set): FRR 8.4 accepts
	 * a repeated `network` silently; older releases refuse it. */
	if (!announce)
		return strstr(out, "Can't find static route specified") != NULL;
	return strstr(out, "There is already same network statement") != NULL;
}

void hd_frr_first_line(const char *out, char *why, size_t size, int status)
{
	while (*out == '\n' || *out == ' ')
		out++;
	int len = (int)strcspn(out, "\n");
	if (len > 0)
		snprintf(why, size, "vtysh exit status %d: %.*s", status, len > 120 ? 120 : len,
			 out);
	else
		snprintf(why, size, "vtysh exit status %d", status);
}

static int frr_start(struct hd_speaker *s, bool announce, bool gshut)
{
	s->announce = announce;
	s->gshut = gshut;
	s->each = 0;
	s->cmd_next = 0;          /* the phase */
	return run_step(s);
}

static void frr_abort(struct hd_speaker *s)
{
	if (s->pid > 0)
		kill(s->pid, SIGKILL);
	(void)reap(s);
}

const struct hd_speaker_ops hd_speaker_frr = {
	.name = "frr", .start = frr_start, .abort = frr_abort, .close = frr_abort,
};
