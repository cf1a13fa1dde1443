/* SPDX-License-Identifier: MIT */
/*
 * A small single-threaded event loop (in the manner of Redis's ae.c): file
 * descriptors watched through epoll and one-shot timers on the monotonic
 * clock. All structures are owned by the caller and must outlive their
 * registration. Not thread-safe (one thread owns the loop).
 */
#ifndef HEALTHD_LOOP_H
#define HEALTHD_LOOP_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/base/err.h"

struct hd_loop;
struct hd_io;
struct hd_timer;

typedef void (*hd_io_fn)(struct hd_io *io, uint32_t events);
typedef void (*hd_timer_fn)(struct hd_timer *t);

struct hd_io {
	int fd;
	hd_io_fn fn;
	void *arg;
};

struct hd_timer {
	int64_t at_ms;
	hd_timer_fn fn;
	void *arg;
	bool armed;
	struct hd_timer *next;   /* in the loop's list of armed timers */
};

struct hd_loop {
	int epfd;
	bool stop;
	struct hd_timer *timers; /* armed timers, unsorted: a handful per probe */
};

/* Monotonic milliseconds. */
int64_t hd_now_ms(void);

int hd_loop_init(struct hd_loop *l) ANS_WUR;
void hd_loop_free(struct hd_loop *l);

/* Watches io->fd for `events` (EPOLLIN...); io->fn is called with the
 * returned events. Errors: -errno. */
int hd_loop_watch(struct hd_loop *l, struct hd_io *io, uint32_t events) ANS_WUR;
void hd_loop_unwatch(struct hd_loop *l, struct hd_io *io);

/* Arms (or re-arms) `t` to fire once at `at_ms`. */
void hd_timer_arm(struct hd_loop *l, struct hd_timer *t, int64_t at_ms);
void hd_timer_cancel(struct hd_loop *l, struct hd_timer *t);

/* Runs until hd_loop_stop(). I/O events of one wake-up are handled before
 * the timers due: a reply that arrived is never reported as a timeout just
 * because the loop was late. */
void hd_loop_run(struct hd_loop *l);
void hd_loop_stop(struct hd_loop *l);

#endif
