/* SPDX-License-Identifier: MIT */
/*
 * The fail-closed device: a non-persistent tun interface held open by
 * anyns-healthd, used as the next hop of the speaker's service routes. The
 * kernel deletes it when the last descriptor closes — whatever kills
 * healthd, SIGKILL and OOM included — and the speaker drops the routes.
 */
#ifndef HEALTHD_FAILCLOSED_H
#define HEALTHD_FAILCLOSED_H

#include "lib/base/err.h"

/* Creates tun device `name` and sets it up; returns its descriptor (keep it
 * open for the process's life) or -errno. */
int hd_failclosed_open(const char *name) ANS_WUR;

#endif
