/* SPDX-License-Identifier: MIT */
/*
 * Outgoing zone transfers as a message iterator: the caller owns the
 * buffers, the socket and the TSIG key; each call to ans_xfr_out_next()
 * writes exactly one complete DNS response message and nothing else, so the
 * caller can sign it (TSIG, RFC 8945 §5.3.1: every message, or every
 * hundredth) before sending it. `reserve_bytes` of every buffer are left
 * free for that signature: the message never grows past size - reserve.
 *
 * Message layout (RFC 5936 §2.2): ID of the request, QR and AA set, RD
 * copied, the question in the first message only, answer RRs compressed
 * within the message, an OPT RR in every message when the request had one,
 * nothing else. An RR is never split across messages; an RR that does not
 * fit in an empty message is an error (ANS_ELIMIT).
 *
 * The same iterator serves AXFR, IXFR (ixfr_out.h) and the single-SOA
 * answer. It borrows the zone snapshot and the changesets: they must stay
 * alive until the transfer ends. One iterator per transfer; not shared.
 */
#ifndef ANS_XFR_AXFR_OUT_H
#define ANS_XFR_AXFR_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"
#include "lib/name/name.h"
#include "lib/xfr/changeset.h"
#include "lib/xfr/request.h"
#include "lib/zone/zone.h"

#define ANS_XFR_MSG_TARGET_DEFAULT 16384
#define ANS_XFR_MSG_MAX 65535

struct ans_xfr_out_conf {
	size_t msg_target_bytes;   /* stop adding RRs past this; 0: 16 KiB */
	size_t reserve_bytes;      /* left free at the end of each message (TSIG) */
	uint16_t edns_udp_size;    /* payload size in our OPT; 0: 1232 */
};

enum ans_xfr_kind {
	ANS_XFR_AXFR,        /* SOA, the zone, SOA (also AXFR-style IXFR) */
	ANS_XFR_IXFR,        /* SOA, changesets, SOA (RFC 1995 §4) */
	ANS_XFR_SOA_ONLY,    /* the current SOA alone: the client is up to date */
};

struct ans_xfr_out {
	/* From the request. */
	uint16_t id;
	uint16_t rd_flag;
	uint16_t qtype;
	uint16_t qclass;
	uint8_t qname[ANS_NAME_MAX];
	bool has_edns;
	bool edns_do;
	/* What is sent. */
	enum ans_xfr_kind kind;
	const struct ans_zone *zone;
	const struct ans_changeset *const *cs;
	size_t cs_count;
	struct ans_xfr_out_conf conf;
	/* Progress (private). */
	int phase;
	size_t cs_index;
	size_t item;
	struct ans_zone_cursor zit;
	bool has_pending;
	struct ans_xfr_rr pending;   /* fetched, not yet written */
	struct ans_xfr_rr soa;       /* the zone's current SOA */
	/* Statistics, readable any time. */
	size_t msg_count;
	size_t rr_count;
	size_t byte_count;
	bool is_done;                /* the last message has been written */
};

/* Starts an AXFR of `z` answering `req` (conf may be NULL: defaults).
 * Errors: ANS_EINVAL (zone without SOA). */
int ans_axfr_out_init(struct ans_xfr_out *x, const struct ans_xfr_request *req,
		      const struct ans_zone *z, const struct ans_xfr_out_conf *conf) ANS_WUR;

/* Writes the next message into buf (size bytes; at most 65535 are used).
 * *len gets its length. After the last message x->is_done is true; calling
 * again then is ANS_EINVAL.
 * Errors: ANS_ELIMIT (one RR does not fit in an empty message),
 * ANS_ESPACE (buf too small for even the header and question). */
int ans_xfr_out_next(struct ans_xfr_out *x, uint8_t *buf, size_t size,
		     size_t *len) ANS_WUR;

#endif
