/* SPDX-License-Identifier: MIT */
/*
 * Incoming zone transfers as a state machine fed one received message at a
 * time. The caller owns the connection: it sends the request
 * (request.h: ans_xfr_request_write), strips the TCP length prefix, verifies
 * TSIG (lib/wire/tsig.h), and hands each message to ans_xfr_in_feed() until
 * ans_xfr_in_is_done(); then ans_xfr_in_finish() gives the result.
 *
 * Recognised answers (RFC 5936 §2.2, RFC 1995 §4):
 *   AXFR           SOA, zone RRs, SOA
 *   IXFR           SOA(new), then per changeset SOA(old) removals SOA(new)
 *                  additions, then SOA(new)
 *   AXFR-style IXFR, as AXFR
 *   up to date     one SOA whose serial is not newer than ours (IXFR only)
 * Checked on every message: ID, QR, opcode, RCODE (non-zero is an error),
 * TC, the question when present, class IN, rdata formats, section bounds,
 * and the caller's limits on total bytes and records.
 *
 * The result is a new snapshot (AXFR: built from the stream; IXFR: the base
 * snapshot with the changesets applied, RFC 1995 rules: removing a missing
 * RR or adding a present one is an error) that passed the zone checks
 * (check.h), or an error with a reason; nothing half-built is ever returned.
 * One state machine per transfer; not thread-safe.
 */
#ifndef ANS_XFR_XFR_IN_H
#define ANS_XFR_XFR_IN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/diag.h"
#include "lib/base/err.h"
#include "lib/xfr/changeset.h"
#include "lib/zone/zone.h"

struct ans_xfr_in_conf {
	const uint8_t *zone;            /* apex, wire name */
	uint16_t id;                    /* ID of our request */
	uint16_t qtype;                 /* ANS_TYPE_AXFR or ANS_TYPE_IXFR */
	const struct ans_zone *base;    /* our copy; required for IXFR, borrowed
					 * until ans_xfr_in_finish() returns */
	size_t max_bytes;               /* total message bytes; 0: no limit */
	size_t max_rrs;                 /* total answer RRs; 0: no limit */
	struct ans_diag *diag;          /* reasons and zone-check output; may be NULL */
};

enum ans_xfr_in_kind {
	ANS_XFR_IN_AXFR,        /* a full zone (AXFR, or AXFR-style IXFR) */
	ANS_XFR_IN_IXFR,        /* changesets applied to the base */
	ANS_XFR_IN_UP_TO_DATE,  /* single SOA, not newer than the base */
};

struct ans_xfr_in_result {
	enum ans_xfr_in_kind kind;
	struct ans_zone *zone;          /* new snapshot (caller frees); NULL when up to date */
	struct ans_changeset **cs;      /* IXFR: the changesets applied, oldest first */
	size_t cs_count;
	uint32_t serial;                /* the primary's serial */
	size_t msg_count;
	size_t rr_count;
	size_t byte_count;
};

struct ans_xfr_in;

/* A new state machine. Errors: ANS_EINVAL (bad conf; IXFR without base),
 * ANS_ENOMEM. */
int ans_xfr_in_new(struct ans_xfr_in **out, const struct ans_xfr_in_conf *conf) ANS_WUR;

/* Feeds one received message (without the TCP length prefix). ANS_OK means
 * the message was fine; check ans_xfr_in_is_done() for the end. Errors are
 * sticky (every later call returns the first one): ANS_EMALF (bad message,
 * wrong ID or question, SOA order or serial mismatch, data after the final
 * SOA, bad rdata), ANS_ELIMIT (size limit), ANS_EIO (the peer answered with
 * a non-zero RCODE: ans_xfr_in_rcode()), ANS_ENOMEM. */
int ans_xfr_in_feed(struct ans_xfr_in *x, const uint8_t *msg, size_t len) ANS_WUR;

/* True once the final SOA (or the single up-to-date SOA) was seen. */
bool ans_xfr_in_is_done(const struct ans_xfr_in *x);

/* True when an IXFR's first message held one record, the zone's SOA with
 * a serial newer than the base, and nothing else: the primary's "use AXFR"
 * answer (RFC 1995 §4: it cannot give increments; BIND and Knot then ask
 * for AXFR). The caller may stop at once and ask for AXFR instead of
 * waiting for the stream to end. False for AXFR. (Added for issue 3.) */
bool ans_xfr_in_is_single_soa(const struct ans_xfr_in *x);

/* Ends the transfer: builds/applies and checks the zone into *res (caller
 * frees it with ans_xfr_in_result_free). Errors: the sticky feed error,
 * ANS_EMALF when the stream stopped before its final SOA, those of
 * ans_changeset_apply (ANS_ENOENT, ANS_EEXIST, ANS_ESTALE), ANS_ESEMANTIC
 * (the zone failed its checks), ANS_ENOMEM. On error *res is empty. */
int ans_xfr_in_finish(struct ans_xfr_in *x, struct ans_xfr_in_result *res) ANS_WUR;

/* Why the transfer failed, in words ("" while fine). Owned by x. */
const char *ans_xfr_in_reason(const struct ans_xfr_in *x);

/* The RCODE of the last message fed. */
uint8_t ans_xfr_in_rcode(const struct ans_xfr_in *x);

/* Frees the state machine (not the result). NULL is fine. */
void ans_xfr_in_free(struct ans_xfr_in *x);

/* Frees what a result holds and empties it. */
void ans_xfr_in_result_free(struct ans_xfr_in_result *res);

#endif
