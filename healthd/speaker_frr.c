/* SPDX-License-Identifier: MIT */
/*
 * DOC: the FRRouting driver
 *
 * FRR is configured through vtysh, one invocation per request:
 *   vtysh -c "configure terminal" -c "router bgp ASN"
 *         -c "address-family ipv4 unicast" -c "network P [route-map RM]"
 *         -c "exit-address-family" ...   ("no network P" to withdraw)
 * Draining attaches speaker.route-map (which must `set community 65535:0
 * additive`, see doc/healthd.md). vtysh is run directly (no shell), with
 * the speaker timeout; an overrun kills it and counts as a failure. What
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
#include <sys/wait.h>
#include <time.h>
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
	struct argv_buf a = { argv, 0, max, buf, 0, size, false };
	char asn[24];
	snprintf(asn, sizeof(asn), "%lld", (long long)c->announce.asn);
	add(&a, "%s%s", c->speaker.vtysh, "");
	add_cmd(&a, "%s%s", "configure terminal", "");
	add_cmd(&a, "router bgp %s%s", asn, "");
	for (int fam = 0; fam < 2; fam++) {
		bool any = false;
		for (size_t i = first; i < end && i < c->announce.count; i++) {
			const struct hd_prefix *p = &c->announce.items[i];
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
 * on stdout; they are collected (the tail that fits) so the caller can
 * tell an already-done request from a real failure. The pipe is drained
 * while waiting, so a chatty vtysh never blocks on a full pipe.
 */
static void drain_output(int fd, char *out, size_t size, size_t *len)
{
	char chunk[512];
	ssize_t n;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0) {
		size_t room = size - 1 - *len;
		size_t take = (size_t)n < room ? (size_t)n : room;
		memcpy(out + *len, chunk, take);
		*len += take;
	}
	out[*len] = '\0';
}

static int wait_child(pid_t pid, int fd, int64_t timeout_ms, int *status,
		      char *out, size_t size)
{
	int64_t deadline = hd_now_ms() + timeout_ms;
	size_t len = 0;
	for (;;) {
		drain_output(fd, out, size, &len);
		pid_t r = waitpid(pid, status, WNOHANG);
		if (r == pid) {
			drain_output(fd, out, size, &len);
			return ANS_OK;
		}
		if (r < 0 && errno != EINTR)
			return -errno;
		if (hd_now_ms() >= deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, status, 0);
			return ANS_ETIMEOUT;
		}
		struct timespec ts = { 0, 2 * 1000000 };
		nanosleep(&ts, NULL);
	}
}

static pid_t spawn(char **argv, int *out_fd)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) != 0)
		return -errno;
	pid_t pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);
		dup2(null, 0);
		dup2(p[1], 1);
		dup2(p[1], 2);
		execv(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	if (pid < 0) {
		int e = errno;
		close(p[0]);
		return -e;
	}
	*out_fd = p[0];
	return pid;
}

/* One vtysh run of argv; `out` gets what it printed. */
static int vtysh(struct hd_speaker *s, char **argv, char *out, size_t osize,
		 char *why, size_t size)
{
	int fd = -1, status;
	pid_t pid = spawn(argv, &fd);
	if (pid < 0) {
		snprintf(why, size, "vtysh: %s", ans_strerror((int)pid));
		return (int)pid;
	}
	int rc = wait_child(pid, fd, s->conf->speaker.timeout_ms, &status, out, osize);
	close(fd);
	if (rc == ANS_OK && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		hd_frr_first_line(out, why, size, WIFEXITED(status) ? WEXITSTATUS(status)
				  : 128 + WTERMSIG(status));
		rc = ANS_EIO;
	} else if (rc != ANS_OK) {
		snprintf(why, size, "vtysh: %s", rc == ANS_ETIMEOUT ? "timeout, killed"
			 : ans_strerror(rc));
	}
	return rc;
}

/*
 * vtysh stops at the first failing -c command, so when one prefix was
 * already in the wanted state, the ones after it were not touched: redo
 * the request one prefix at a time, each "already so" answer counting as
 * success. Only this slow path pays one vtysh per prefix; the common
 * request (state changes) stays one run.
 */
static int frr_each(struct hd_speaker *s, bool announce, bool gshut, char *why, size_t size)
{
	char *argv[32], buf[4096], out[1024];
	for (size_t i = 0; i < s->conf->announce.count; i++) {
		if (hd_frr_argv_range(s->conf, i, i + 1, announce, gshut, argv, 32, buf,
				      sizeof(buf)) < 0) {
			snprintf(why, size, "prefix too long for one vtysh call");
			return ANS_ESPACE;
		}
		int rc = vtysh(s, argv, out, sizeof(out), why, size);
		if (rc != ANS_OK && !(rc == ANS_EIO && hd_frr_already(out, announce)))
			return rc;
	}
	return ANS_OK;
}

static int frr_run(struct hd_speaker *s, bool announce, bool gshut, char *why, size_t size)
{
	char *argv[256], buf[16384], out[1024];
	s->requests++;
	int rc = hd_frr_argv(s->conf, announce, gshut, argv, 256, buf, sizeof(buf));
	if (rc < 0) {
		snprintf(why, size, "too many prefixes for one vtysh call");
	} else {
		rc = vtysh(s, argv, out, sizeof(out), why, size);
		if (rc == ANS_EIO && hd_frr_already(out, announce))
			rc = frr_each(s, announce, gshut, why, size);
	}
	s->errors += rc != ANS_OK;
	return rc;
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

static int frr_announce(struct hd_speaker *s, bool gshut, char *why, size_t size)
{
	return frr_run(s, true, gshut, why, size);
}

static int frr_withdraw(struct hd_speaker *s, char *why, size_t size)
{
	return frr_run(s, false, false, why, size);
}

static void frr_close(struct hd_speaker *s)
{
	(void)s;
}

const struct hd_speaker_ops hd_speaker_frr = {
	.name = "frr", .announce = frr_announce, .withdraw = frr_withdraw,
	.close = frr_close,
};
