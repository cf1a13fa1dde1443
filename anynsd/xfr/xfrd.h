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

/* An allowed NOTIFY arrived for secondary zone `idx`: refresh now.
 * Any thread (the workers). */
void xfrd_notify(struct xfrd *x, size_t idx);

#endif
