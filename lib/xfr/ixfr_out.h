/* SPDX-License-Identifier: MIT */
/*
 * Outgoing IXFR (RFC 1995 §4), on top of the message iterator of
 * axfr_out.h. From the client's serial in the request and the journal
 * (a chain of changesets, oldest first, ending at the zone's serial):
 * - the client is current or newer: the current SOA alone;
 * - the journal covers the client's serial: current SOA, then for each
 *   changeset its old SOA, removals, new SOA, additions, then current SOA
 *   (one changeset after the other, not condensed);
 * - otherwise: the whole zone in AXFR form (an AXFR-style IXFR), which
 *   RFC 1995 §4 allows and every client understands.
 */
#ifndef ANS_XFR_IXFR_OUT_H
#define ANS_XFR_IXFR_OUT_H

#include "lib/xfr/axfr_out.h"

/* Starts the answer to an IXFR request over TCP; x->kind says which of the
 * three answers it is. The chain and zone are borrowed for the transfer.
 * Errors: ANS_EINVAL (not an IXFR request, zone without SOA). */
int ans_ixfr_out_init(struct ans_xfr_out *x, const struct ans_xfr_request *req,
		      const struct ans_zone *z, const struct ans_changeset *const *chain,
		      size_t n, const struct ans_xfr_out_conf *conf) ANS_WUR;

/* Answers an IXFR request over UDP in one message of at most `size` bytes
 * (the client's UDP payload size, minus the caller's TSIG reserve in
 * conf): the incremental answer when it fits whole in one message, else
 * the current SOA alone, which tells the client to retry over TCP
 * (RFC 1995 §4). Never an AXFR over UDP. x->kind says what was written.
 * Errors: ANS_EINVAL, ANS_ESPACE (not even the SOA fits). */
int ans_ixfr_out_udp(struct ans_xfr_out *x, const struct ans_xfr_request *req,
		     const struct ans_zone *z, const struct ans_changeset *const *chain,
		     size_t n, const struct ans_xfr_out_conf *conf, uint8_t *buf,
		     size_t size, size_t *len) ANS_WUR;

#endif
