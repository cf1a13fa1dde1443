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
 * the speaker timeout; an overrun kills it and counts as a failure.
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
	struct argv_buf a = { argv, 0, max, buf, 0, size, false };
	char asn[24];
	snprintf(asn, sizeof(asn), "%lld", (long long)c->announce.asn);
	add(&a, "%s%s", c->speaker.vtysh, "");
	add_cmd(&a, "%s%s", "configure terminal", "");
	add_cmd(&a, "router bgp %s%s", asn, "");
	for (int fam = 0; fam < 2; fam++) {
		bool any = false;
		for (size_t i = 0; i < c->announce.count; i++) {
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

static int wait_child(pid_t pid, int64_t timeout_ms, int *status)
{
	int64_t deadline = hd_now_ms() + timeout_ms;
	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return ANS_OK;
		if (r < 0 && errno != EINTR)
			return -errno;
		if (hd_now_ms() >= deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, status, 0);
			return ANS_ETIMEOUT;
		}
		struct timespec ts = { 0, 5 * 1000000 };
		nanosleep(&ts, NULL);
	}
}

static int frr_run(struct hd_speaker *s, bool announce, bool gshut, char *why, size_t size)
{
	char *argv[256], buf[16384];
	int status;
	s->requests++;
	if (hd_frr_argv(s->conf, announce, gshut, argv, 256, buf, sizeof(buf)) < 0) {
		snprintf(why, size, "too many prefixes for one vtysh call");
		s->errors++;
		return ANS_ESPACE;
	}
	pid_t pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		dup2(null, 1);
		execv(argv[0], argv);
		_exit(127);
	}
	int rc = pid < 0 ? -errno : wait_child(pid, s->conf->speaker.timeout_ms, &status);
	if (rc == ANS_OK && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		snprintf(why, size, "vtysh exit status %d",
			 WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
		rc = ANS_EIO;
	} else if (rc != ANS_OK) {
		snprintf(why, size, "vtysh: %s", rc == ANS_ETIMEOUT ? "timeout, killed"
			 : ans_strerror(rc));
	}
	s->errors += rc != ANS_OK;
	return rc;
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
