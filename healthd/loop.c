/* SPDX-License-Identifier: MIT */
#include "healthd/loop.h"

#include <errno.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

int64_t hd_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int hd_loop_init(struct hd_loop *l)
{
	l->stop = false;
	l->timers = NULL;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	return l->epfd < 0 ? -errno : ANS_OK;
}

void hd_loop_free(struct hd_loop *l)
{
	if (l->epfd >= 0)
		close(l->epfd);
	l->epfd = -1;
}

int hd_loop_watch(struct hd_loop *l, struct hd_io *io, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = io };
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, io->fd, &ev) == 0)
		return ANS_OK;
	if (errno == EEXIST && epoll_ctl(l->epfd, EPOLL_CTL_MOD, io->fd, &ev) == 0)
		return ANS_OK;
	return -errno;
}

void hd_loop_unwatch(struct hd_loop *l, struct hd_io *io)
{
	if (io->fd >= 0)
		epoll_ctl(l->epfd, EPOLL_CTL_DEL, io->fd, NULL);
}

void hd_timer_cancel(struct hd_loop *l, struct hd_timer *t)
{
	if (!t->armed)
		return;
	for (struct hd_timer **pp = &l->timers; *pp; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	t->armed = false;
}

void hd_timer_arm(struct hd_loop *l, struct hd_timer *t, int64_t at_ms)
{
	hd_timer_cancel(l, t);
	t->at_ms = at_ms;
	t->armed = true;
	t->next = l->timers;
	l->timers = t;
}

static int wait_ms(const struct hd_loop *l)
{
	if (!l->timers)
		return 1000;
	int64_t first = l->timers->at_ms;
	for (const struct hd_timer *t = l->timers; t; t = t->next)
		if (t->at_ms < first)
			first = t->at_ms;
	int64_t d = first - hd_now_ms();
	return d < 0 ? 0 : d > 1000 ? 1000 : (int)d;
}

/* Fires one due timer at a time and rescans: a callback may arm or cancel
 * any timer, so the list is never walked across a callback. */
static void run_timers(struct hd_loop *l)
{
	int64_t now = hd_now_ms();
	for (;;) {
		struct hd_timer *due = NULL;
		for (struct hd_timer *t = l->timers; t && !due; t = t->next)
			if (t->at_ms <= now)
				due = t;
		if (!due || l->stop)
			return;
		hd_timer_cancel(l, due);
		due->fn(due);
	}
}

void hd_loop_run(struct hd_loop *l)
{
	struct epoll_event ev[32];
	while (!l->stop) {
		int n = epoll_wait(l->epfd, ev, 32, wait_ms(l));
		for (int i = 0; i < n && !l->stop; i++) {
			struct hd_io *io = ev[i].data.ptr;
			io->fn(io, ev[i].events);
		}
		run_timers(l);
	}
}

void hd_loop_stop(struct hd_loop *l)
{
	l->stop = true;
}
