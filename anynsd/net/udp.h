/* SPDX-License-Identifier: MIT */
/*
 * UDP: batches of datagrams received with a blocking recvmmsg(2) in a
 * thread of their own, answered one by one into preallocated buffers and
 * sent back with one sendmmsg(2).
 */
#ifndef ANYNSD_NET_UDP_H
#define ANYNSD_NET_UDP_H

#include "anynsd/worker.h"

/* Buffers for one worker's batches. Errors: ANS_ENOMEM. */
int udp_batch_new(struct udp_batch **out) ANS_WUR;
void udp_batch_free(struct udp_batch *b);

/* A UDP thread's loop: blocks in recvmmsg() on u->udp_fd, answers each
 * batch, sends it; returns once u->srv->is_stopping is set and the
 * receive returned (worker_stop()). */
void udp_serve(struct worker *u);

#endif
