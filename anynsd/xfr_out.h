/* SPDX-License-Identifier: MIT */
/*
 * Signed queries and outgoing transfers, for the workers: TSIG
 * verification of requests (RFC 8945), ACL checks, and the per-connection
 * outgoing AXFR/IXFR job that a TCP connection drains message by message.
 * See the design block in xfr_out.c.
 */
#ifndef ANYNSD_XFR_OUT_H
#define ANYNSD_XFR_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "anynsd/worker.h"

struct xfr_job;

/* Answers a request the answer module flagged as TSIG-signed (it answered
 * NOTAUTH) or as a transfer: verifies TSIG, checks the zone's ACL, and
 * either writes a single response into out (returns its length) or, over
 * TCP with `job` not NULL, starts an outgoing transfer in *job (returns 0;
 * the caller drains it with xfr_job_next()). Called inside the RCU read
 * section that found `zs`. */
size_t xfr_answer(struct worker *w, const struct ans_zoneset *zs,
		  const uint8_t *q, size_t q_len, enum ans_transport tr,
		  const struct sockaddr *peer, uint8_t *out, size_t out_size,
		  struct xfr_job **job);

/* Writes the next message of the transfer into buf (signed when the
 * request was). Returns ANS_OK with *len > 0, or ANS_OK with *len 0 when
 * the transfer has ended; errors end it too (the caller closes). */
int xfr_job_next(struct xfr_job *j, uint8_t *buf, size_t size, size_t *len) ANS_WUR;

/* Ends a transfer (finished or cut off), logs it, releases the snapshot. */
void xfr_job_end(struct xfr_job *j);

#endif
