/* SPDX-License-Identifier: MIT */
/*
 * The control thread: serves the control socket (server.control, a Unix
 * stream socket, protocol in ctl.h) and the metrics endpoint
 * (server.metrics, HTTP GET /metrics) from one poll loop of its own, never
 * from a query worker. See the design block in ctl_server.c.
 */
#ifndef ANYNSD_CTL_SERVER_H
#define ANYNSD_CTL_SERVER_H

#include "lib/base/err.h"

struct server;
struct ctl_server;

/* Opens the sockets configured in srv->conf (none: *out is still made, it
 * serves nothing). Call before any other thread starts: the control
 * socket is created with umask 0177 (mode 0600). A stale socket file is
 * replaced; one a live server answers on is an error. Logs what failed.
 * Errors: -errno, ANS_ENOMEM, ANS_EEXIST (socket in use), ANS_ELIMIT
 * (path too long). */
int ctl_server_open(struct ctl_server **out, struct server *srv) ANS_WUR;

/* Starts the thread. It ends when srv->stop_fd becomes readable.
 * Errors: -errno. */
int ctl_server_start(struct ctl_server *c) ANS_WUR;

/* Joins the thread (after stop_fd was written), closes the sockets and
 * removes the socket file. NULL is fine. */
void ctl_server_free(struct ctl_server *c);

#endif
