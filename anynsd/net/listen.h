/* SPDX-License-Identifier: MIT */
/*
 * Listening sockets: one UDP and one TCP socket per listen address and per
 * worker, all bound with SO_REUSEPORT so the kernel spreads packets and
 * connections over the workers (no shared accept lock, no thundering herd).
 */
#ifndef ANYNSD_NET_LISTEN_H
#define ANYNSD_NET_LISTEN_H

#include "anynsd/conf/conf.h"

/* Opens a non-blocking socket of `type` (SOCK_DGRAM or SOCK_STREAM) bound
 * to `addr`, with SO_REUSEPORT and, for IPv6, IPV6_V6ONLY; TCP sockets
 * listen. On success *fd is the socket. Errors: -errno (logged). */
int listen_open(const struct ans_conf_addr *addr, int type, int *fd) ANS_WUR;

#endif
