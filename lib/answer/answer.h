/* SPDX-License-Identifier: MIT */
/*
 * Answering one query: parse the header and question of a request, find the
 * zone, look up the answer in the zone snapshot and write the response
 * straight into the caller's output buffer. Pure: no sockets, no clock, no
 * heap allocation; all scratch state lives in a per-worker ans_answer_ctx.
 *
 * Behaviour is that of Knot DNS and BIND (with minimal-responses no-auth):
 * see doc/answer.md and the design block at the top of answer.c.
 */
#ifndef ANS_ANSWER_ANSWER_H
#define ANS_ANSWER_ANSWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"
#include "lib/name/name.h"
#include "lib/zone/zoneset.h"

enum ans_transport {
	ANS_TRANSPORT_UDP,
	ANS_TRANSPORT_TCP,
};

/* Server-wide answer settings; read-only while queries are answered. */
struct ans_answer_conf {
	const uint8_t *nsid;        /* NSID option payload (RFC 5001), NULL: none */
	uint16_t nsid_len;
	const char *identity;       /* CHAOS id.server / hostname.bind, NULL: REFUSED */
	const char *version;        /* CHAOS version.server / version.bind, NULL: REFUSED */
	uint16_t udp_max_payload;   /* our largest UDP response with EDNS; 0: 1232 */
};

/* Per-worker scratch space; never shared between threads. */
struct ans_answer_ctx {
	struct ans_compr compr;
	uint8_t qname[ANS_NAME_MAX];    /* question name as received */
	uint8_t lname[ANS_NAME_MAX];    /* lowercased */
	uint8_t scratch[ANS_NAME_MAX * 4];
};

/* What happened, for statistics and logs. */
struct ans_answer_info {
	uint16_t qtype;
	uint16_t qclass;
	uint8_t opcode;
	uint8_t rcode;             /* RCODE written, extended part included */
	bool has_edns;
	bool truncated;            /* TC set */
	bool dropped;              /* no response at all (a response, or garbage) */
	bool is_xfr;               /* AXFR or IXFR request: left to the program */
	bool is_notify;            /* NOTIFY request: left to the program */
	const struct ans_zone *zone;  /* the zone that answered, or NULL */
};

/* Answers the request `q` of `q_len` bytes received over `tr` into `out` of
 * `out_size` bytes (at least 512; 65535 for TCP). On return *out_len is the
 * response length; 0 means send nothing (info->dropped). AXFR/IXFR and
 * NOTIFY requests are recognised and flagged in info (is_xfr/is_notify) with
 * *out_len 0, for the program to handle; `zs` may be NULL (every name then
 * gets REFUSED). Always returns ANS_OK except for ANS_EINVAL on bad
 * arguments: protocol problems become responses (FORMERR, NOTIMP ...).
 * Thread-safe across distinct contexts; the zone set must stay alive for
 * the call (RCU read side in anynsd). */
int ans_answer(struct ans_answer_ctx *ctx, const struct ans_answer_conf *conf,
	       const struct ans_zoneset *zs, const uint8_t *q, size_t q_len,
	       enum ans_transport tr, uint8_t *out, size_t out_size,
	       size_t *out_len, struct ans_answer_info *info) ANS_WUR;

/* Writes an error response (header and question of `q` echoed when they
 * parse, EDNS OPT when the query had one) with `rcode`, for the program's
 * own refusals (transfers not allowed, NOTIFY not handled). Returns the
 * length, 0 when nothing should be sent. */
size_t ans_answer_error(const uint8_t *q, size_t q_len, uint8_t rcode,
			uint8_t *out, size_t out_size);

#endif
