/* SPDX-License-Identifier: MIT */
/*
 * Internals shared by the TSIG files (tsig.c, tsig_key.c, tsig_mac.c); not
 * a contract for other modules.
 */
#ifndef ANS_WIRE_TSIG_INT_H
#define ANS_WIRE_TSIG_INT_H

#include "lib/wire/tsig.h"

struct tsig_alg_info {
	enum ans_tsig_alg alg;
	const char *text;       /* configuration name */
	const char *md;         /* OpenSSL digest name */
	size_t mac_len;         /* hash output length */
	const uint8_t *wire;    /* lowercase wire name */
};

const struct tsig_alg_info *tsig_alg_info(enum ans_tsig_alg alg);
const struct tsig_alg_info *tsig_alg_by_wire(const uint8_t *name);

/* The TSIG variables of §4.3.3 that enter the digest. */
struct tsig_vars {
	const uint8_t *key_name;   /* any case; digested lowercased */
	const uint8_t *alg_wire;   /* lowercase */
	uint64_t time_signed;      /* 48 bits */
	uint16_t fudge;
	uint16_t error;
	uint16_t other_len;
	const uint8_t *other;
};

/* What comes before the message in the digest: nothing (a request), the
 * request MAC and the full variables (a first response), or the prior MAC
 * and the timers only (a later message of a stream, §5.3.1). */
struct tsig_chain {
	bool has_prefix;
	bool timers_only;
	const uint8_t *mac;
	size_t mac_len;
};

/* Computes the MAC of msg[0..body_len) (the message without its TSIG RR)
 * with `orig_id` in place of the ID and ARCOUNT as `arcount`. When `running`
 * is not NULL it is an open HMAC (from tsig_running_feed) already holding
 * the prefix and the unsigned messages; it is consumed and freed.
 * Writes the full MAC (info->mac_len bytes) to out.
 * Errors: ANS_ENOMEM (libcrypto). */
int tsig_mac_compute(const struct ans_tsig_key *key, const struct tsig_chain *ch,
		     void *running, const uint8_t *msg, size_t body_len,
		     uint16_t orig_id, uint16_t arcount, const struct tsig_vars *v,
		     uint8_t out[ANS_TSIG_MAC_MAX]) ANS_WUR;

/* Adds an unsigned message of a stream to ctx->running, opening it with
 * the prior MAC first. Errors: ANS_ENOMEM. */
int tsig_running_feed(struct ans_tsig_ctx *ctx, const uint8_t *msg, size_t len) ANS_WUR;

/* Frees an open HMAC (NULL is fine). */
void tsig_running_free(void *running);

#endif
