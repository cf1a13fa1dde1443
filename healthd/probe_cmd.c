/* SPDX-License-Identifier: MIT */
/*
 * DOC: the external command probe
 *
 * Runs `/bin/sh -c COMMAND` each interval in its own process group, with
 * stdin, stdout and stderr on /dev/null; exit status 0 is healthy. The
 * child's exit is watched through a pidfd, so the loop never blocks in
 * waitpid. A run that overruns its timeout fails and the whole process
 * group is killed (SIGKILL), so a hung check script cannot pile up.
 */
#include "healthd/probe.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void reap(struct hd_probe *pr, int *status)
{
	hd_loop_unwatch(pr->loop, &pr->io);
	close(pr->io.fd);
	pr->io.fd = -1;
	while (waitpid(pr->pid, status, 0) < 0 && errno == EINTR)
		;
	pr->pid = 0;
}

static void on_child_exit(struct hd_io *io, uint32_t events)
{
	struct hd_probe *pr = io->arg;
	int status = 0;
	char why[64];
	(void)events;
	reap(pr, &status);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		hd_probe_done(pr, true, false, NULL);
		return;
	}
	if (WIFEXITED(status))
		snprintf(why, sizeof(why), "command exit status %d", WEXITSTATUS(status));
	else
		snprintf(why, sizeof(why), "command killed by signal %d", WTERMSIG(status));
	hd_probe_done(pr, false, false, why);
}

static void child(const char *command)
{
	setpgid(0, 0);
	int null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
	}
	execl("/bin/sh", "sh", "-c", command, (char *)NULL);
	_exit(127);
}

void hd_probe_cmd_run(struct hd_probe *pr)
{
	if (pr->pid > 0)
		return;   /* still running: its deadline kills it */
	pid_t pid = fork();
	if (pid == 0)
		child(pr->conf->command);
	if (pid < 0) {
		hd_probe_done(pr, false, false, "fork failed");
		return;
	}
	setpgid(pid, pid);   /* also in the parent: no race with the kill */
	pr->pid = pid;
	pr->io.fd = (int)syscall(SYS_pidfd_open, pid, 0);
	pr->io.fn = on_child_exit;
	if (pr->io.fd < 0 || hd_loop_watch(pr->loop, &pr->io, EPOLLIN) != ANS_OK) {
		int status;
		kill(-pid, SIGKILL);
		if (pr->io.fd >= 0)
			close(pr->io.fd);
		pr->io.fd = -1;
		waitpid(pid, &status, 0);
		pr->pid = 0;
		hd_probe_done(pr, false, false, "pidfd failed");
	}
}

void hd_probe_cmd_timeout(struct hd_probe *pr)
{
	if (pr->pid <= 0)
		return;
	int status;
	kill(-pr->pid, SIGKILL);
	reap(pr, &status);
}
