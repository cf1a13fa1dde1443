/* SPDX-License-Identifier: MIT */
/*
 * UDP: batches of datagrams received with recvmmsg(2), answered one by one
 * into preallocated buffers and sent back with one sendmmsg(2).
 */
#ifndef ANYNSD_NET_UDP_H
#define ANYNSD_NET_UDP_H

#include "anynsd/worker.h"

/* Buffers for one worker's batches. Errors: ANS_ENOMEM. */
int udp_batch_new(struct udp_batch **out) ANS_WUR;
void udp_batch_free(struct udp_batch *b);

/* Reads what is waiting on `fd` (a bounded number of batches, then back to
 * the event loop so TCP is served too) and answers it. */
void udp_handle(struct worker *w, int fd);

#endif
