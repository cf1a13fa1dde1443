/* SPDX-License-Identifier: MIT */
/*
 * DOC: the process liveness probe
 *
 * Reads anynsd's PID from its pidfile and holds a pidfd on it
 * (pidfd_open(2), Linux 5.3): the pidfd becomes readable the moment the
 * process exits, so a killed anynsd is reported (as fatal: withdraw now)
 * within one loop wake-up instead of after `fall` missed probes. Each
 * interval re-checks: without a pidfd it re-reads the pidfile (a restarted
 * anynsd is found again); with one, it reports ok. A PID is only trusted
 * through the pidfd taken while the pidfile names it, so a recycled PID
 * after the pidfd is open cannot fool the probe.
 */
#include "healthd/probe.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>

static int read_pid(const char *path, pid_t *pid)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -errno;
	long v = 0;
	int n = fscanf(f, "%ld", &v);
	fclose(f);
	if (n != 1 || v <= 0)
		return ANS_ESYNTAX;
	*pid = (pid_t)v;
	return ANS_OK;
}

static void close_pidfd(struct hd_probe *pr)
{
	hd_loop_unwatch(pr->loop, &pr->io);
	close(pr->io.fd);
	pr->io.fd = -1;
}

static void on_exit_seen(struct hd_io *io, uint32_t events)
{
	struct hd_probe *pr = io->arg;
	char why[64];
	(void)events;
	close_pidfd(pr);
	snprintf(why, sizeof(why), "process %d exited", (int)pr->pid);
	pr->busy = true;
	pr->started_ms = hd_now_ms();
	hd_probe_done(pr, false, true, why);
}

static int open_pidfd(struct hd_probe *pr, char *why, size_t size)
{
	int rc = read_pid(pr->conf->pidfile, &pr->pid);
	if (rc != ANS_OK) {
		snprintf(why, size, "pidfile %s: %s", pr->conf->pidfile, ans_strerror(rc));
		return rc;
	}
	int fd = (int)syscall(SYS_pidfd_open, pr->pid, 0);
	if (fd < 0) {
		snprintf(why, size, "process %d not running", (int)pr->pid);
		return -errno;
	}
	pr->io.fd = fd;
	pr->io.fn = on_exit_seen;
	rc = hd_loop_watch(pr->loop, &pr->io, EPOLLIN);
	if (rc != ANS_OK) {
		snprintf(why, size, "epoll: %s", ans_strerror(rc));
		close_pidfd(pr);
	}
	return rc;
}

void hd_probe_proc_run(struct hd_probe *pr)
{
	char why[96];
	if (pr->io.fd < 0 && open_pidfd(pr, why, sizeof(why)) != ANS_OK) {
		hd_probe_done(pr, false, false, why);
		return;
	}
	hd_probe_done(pr, true, false, NULL);
}
