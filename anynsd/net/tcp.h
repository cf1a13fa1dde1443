/* SPDX-License-Identifier: MIT */
/*
 * DNS over TCP (RFC 7766) for one worker: non-blocking connections in the
 * worker's epoll loop, 2-byte length framing, pipelined queries answered
 * in order, idle and I/O timeouts, a connection limit across workers.
 */
#ifndef ANYNSD_NET_TCP_H
#define ANYNSD_NET_TCP_H

#include <stdint.h>

#include "anynsd/worker.h"

/* Accepts what is waiting on the listening socket `lfd`. Connections over
 * server.tcp-max-clients are accepted and closed at once. */
void tcp_accept(struct worker *w, int lfd);

/* Serves readiness `events` (EPOLLIN/OUT/ERR/HUP) on a connection. */
void tcp_handle(struct worker *w, struct ev_source *ev, uint32_t events);

/* Closes timed-out connections; returns the epoll timeout (ms) until the
 * next deadline, or -1 when there is none. */
int tcp_sweep(struct worker *w);

/* Closes every connection and frees the pool. */
void tcp_pool_free(struct worker *w);

#endif
