/* SPDX-License-Identifier: MIT */
/*
 * The transfer and timer thread (STYLE.md, Concurrency): one thread with
 * its own epoll loop that sends NOTIFY (RFC 1996) for zones whose serial
 * changed, and runs the secondary role: SOA checks, IXFR/AXFR in, SOA
 * timers, expiry. Other threads talk to it only through xfrd_notify() /
 * xfrd_changed() (a locked queue and an eventfd). See the design block in
 * xfrd.c and doc/transfers.md.
 */
#ifndef ANYNSD_XFR_XFRD_H
#define ANYNSD_XFR_XFRD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"

struct server;
struct store;
struct xfrd;

/* Prepares the thread's state (not started). Errors: ANS_ENOMEM, -errno. */
int xfrd_new(struct xfrd **out, struct server *srv, struct store *st) ANS_WUR;

/* Starts the thread (after the first zones_load). Errors: -errno. */
int xfrd_start(struct xfrd *x) ANS_WUR;

/* Stops and joins the thread, frees everything. NULL is fine. */
void xfrd_free(struct xfrd *x);

/* zones_change_fn: zone `idx` now serves `serial`; queue its NOTIFYs.
 * Any thread. */
void xfrd_changed(void *xfrd, size_t idx, uint32_t serial);

/* What the control socket and the metrics show of zone `idx`. Times are
 * unix seconds, 0 when unknown or not applicable. */
struct xfrd_zone_status {
	bool is_secondary;
	bool is_refreshing;             /* an exchange with a primary is running */
	bool is_expired;
	int64_t next_refresh_at;
	int64_t expire_at;              /* 0: no copy */
	int64_t last_refresh_at;        /* last refresh attempt that ended */
	bool last_refresh_ok;
	char last_result[200];          /* "IXFR, serial 11", "up to date", "failed (why)" */
	int64_t last_ok_at;             /* last successful refresh */
	char source[96];                /* "remote@ADDR@PORT" that answered last */
	uint64_t xfr_in_ok, xfr_in_failed;
};

/* Copies the status of zone `idx` (a snapshot taken by the transfer
 * thread after each of its rounds). Any thread. Errors: ANS_ENOENT (idx
 * out of range, or the thread never ran). */
int xfrd_zone_status(struct xfrd *x, size_t idx, struct xfrd_zone_status *out) ANS_WUR;

/* Secondary zone `idx`: a full AXFR now from its primaries, accepted even
 * with the serial we have (`anyns ctl retransfer`). Any thread. */
void xfrd_retransfer(struct xfrd *x, size_t idx);

/* An allowed NOTIFY arrived for secondary zone `idx`: refresh now.
 * Any thread (the workers). */
void xfrd_notify(struct xfrd *x, size_t idx);

#endif
