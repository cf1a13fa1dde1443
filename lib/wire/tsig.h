/* SPDX-License-Identifier: MIT */
/*
 * TSIG, secret key transaction authentication (RFC 8945), on whole messages
 * in wire form. Pure: the caller passes the time in (seconds since the
 * epoch); nothing here reads a clock, logs or keeps global state. The HMAC
 * comes from OpenSSL libcrypto, which allocates its contexts on the heap:
 * TSIG is for transfers, NOTIFY and SOA checks, not the query hot path.
 *
 * Typical uses:
 *
 *   client (secondary)                server (primary)
 *   ------------------                ----------------
 *   ans_tsig_ctx_init(&c)             ans_tsig_ctx_init(&s)
 *   build query; ans_tsig_sign(       ans_tsig_verify(query, keys, n, now,
 *     query, key, now, 300,             NULL, 0, &s, &res)
 *     NULL, 0, &c)                    res.error != 0: ans_tsig_sign_error()
 *   for each response message:        for each response message (AXFR):
 *     ans_tsig_verify(msg, &key, 1,     ans_tsig_sign(msg, res.key, now,
 *       now, NULL, 0, &c, &res)           300, NULL, 0, &s)
 *   at the end: ans_tsig_ctx_end(&c)  ans_tsig_ctx_free(&s)
 *   ans_tsig_ctx_free(&c)
 *
 * The context carries the MAC chain of one exchange (§5.3.1): after a
 * request it holds the request MAC (the next message is the first response,
 * digested with the full TSIG variables); after the first response it holds
 * the prior MAC (later messages are digested with the timers only), plus a
 * running digest of unsigned intermediate messages (at most 99 in a row).
 * A NULL context means a single message: a request (request_mac NULL) or a
 * single response to a request whose MAC is given.
 *
 * Thread safety: keys are read-only after ans_tsig_key_init() and may be
 * shared; a context belongs to one exchange and one thread.
 */
#ifndef ANS_WIRE_TSIG_H
#define ANS_WIRE_TSIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"
#include "lib/name/name.h"

/* Algorithms (RFC 8945 §6). HMAC-MD5 is kept because the RFC makes it
 * mandatory to implement and old BIND key files still use it; operators
 * should not pick it for new keys. */
enum ans_tsig_alg {
	ANS_TSIG_HMAC_MD5 = 1,
	ANS_TSIG_HMAC_SHA1,
	ANS_TSIG_HMAC_SHA224,
	ANS_TSIG_HMAC_SHA256,
	ANS_TSIG_HMAC_SHA384,
	ANS_TSIG_HMAC_SHA512,
};

/* RCODE and TSIG Error values (RFC 8945 §3, IANA DNS RCODEs). */
enum ans_tsig_rcode {
	ANS_TSIG_NOERROR = 0,
	ANS_TSIG_FORMERR = 1,
	ANS_TSIG_NOTAUTH = 9,
	ANS_TSIG_BADSIG = 16,
	ANS_TSIG_BADKEY = 17,
	ANS_TSIG_BADTIME = 18,
	ANS_TSIG_BADTRUNC = 22,
};

#define ANS_TSIG_MAC_MAX 64        /* SHA-512 output */
#define ANS_TSIG_SECRET_MAX 256    /* bytes of decoded secret */
#define ANS_TSIG_FUDGE_DEFAULT 300 /* seconds, as BIND, Knot and RFC 8945 §10 */
#define ANS_TSIG_UNSIGNED_MAX 99   /* unsigned messages in a row, §5.3.1 */
/* Room a TSIG RR can take at the end of a message: owner name, fixed RR
 * fields, algorithm name, RDATA fields, the largest MAC, 6 bytes of Other
 * Data (BADTIME). Callers building messages reserve ans_tsig_rr_size(). */
#define ANS_TSIG_RR_MAX (ANS_NAME_MAX + 10 + ANS_NAME_MAX + 16 + ANS_TSIG_MAC_MAX + 6)

struct ans_tsig_key {
	uint8_t name[ANS_NAME_MAX];          /* wire form, lowercased */
	enum ans_tsig_alg alg;
	uint8_t secret[ANS_TSIG_SECRET_MAX];
	size_t secret_len;
	/* Shortest received MAC accepted (§5.2.4): the full hash length after
	 * ans_tsig_key_init(), as Knot and BIND by default; may be lowered to
	 * the RFC floor max(10, hash/2) to accept truncated MACs. Shorter but
	 * RFC-valid MACs get BADTRUNC. */
	size_t mac_min_len;
};

/* Fills `key` from text as operators write it in Knot and BIND
 * configuration: `name_text` a domain name ("xfr" and "xfr." are the same),
 * `alg_text` "hmac-md5", "hmac-sha1", "hmac-sha224", "hmac-sha256",
 * "hmac-sha384", "hmac-sha512" or the wire name ("hmac-sha256.",
 * "hmac-md5.sig-alg.reg.int"), case-insensitive, `secret_b64` base64 (RFC
 * 4648 §4, whitespace ignored). All three are NUL-terminated.
 * `why`, when not NULL, gets a static message naming the bad part.
 * Errors: ANS_ESYNTAX (bad name, bad base64), ANS_ELIMIT (name or secret too
 * long), ANS_EINVAL (unknown algorithm, empty secret). */
int ans_tsig_key_init(struct ans_tsig_key *key, const char *name_text,
		      const char *alg_text, const char *secret_b64,
		      const char **why) ANS_WUR;

/* Algorithm from its text or wire-text name (as above). Errors: ANS_EINVAL. */
int ans_tsig_alg_from_text(const char *text, enum ans_tsig_alg *alg) ANS_WUR;

/* Short name for configuration and logs ("hmac-sha256"); NULL if unknown. */
const char *ans_tsig_alg_name(enum ans_tsig_alg alg);

/* Algorithm name in wire form, lowercased ("\x0bhmac-sha256\x00"); NULL if
 * unknown. Static storage. */
const uint8_t *ans_tsig_alg_wire(enum ans_tsig_alg alg);

/* Hash output length in bytes (16 .. 64); 0 if unknown. */
size_t ans_tsig_alg_mac_len(enum ans_tsig_alg alg);

/* Size of the TSIG RR that ans_tsig_sign() appends with this key (no Other
 * Data); add 6 for a BADTIME error response. */
size_t ans_tsig_rr_size(const struct ans_tsig_key *key);

enum ans_tsig_stage {
	ANS_TSIG_STAGE_NONE = 0,   /* nothing yet */
	ANS_TSIG_STAGE_FIRST,      /* mac = request MAC; next is the first response */
	ANS_TSIG_STAGE_NEXT,       /* mac = prior MAC; next is a later message */
};

/* The MAC chain of one exchange. Initialise with ans_tsig_ctx_init(), release
 * with ans_tsig_ctx_free(). Fields are read-only for callers. */
struct ans_tsig_ctx {
	const struct ans_tsig_key *key;  /* key of the exchange, borrowed */
	enum ans_tsig_stage stage;
	uint8_t mac[ANS_TSIG_MAC_MAX];   /* request MAC, then prior MAC */
	size_t mac_len;
	unsigned unsigned_run;           /* unsigned messages since the last signed */
	unsigned nmsg;                   /* messages signed or verified */
	void *running;                   /* OpenSSL HMAC over prior MAC and the
	                                    unsigned messages, or NULL */
};

void ans_tsig_ctx_init(struct ans_tsig_ctx *ctx);

/* Releases the running digest, if any; the context may be initialised again. */
void ans_tsig_ctx_free(struct ans_tsig_ctx *ctx);

/* Checks that an exchange ended well: the last message was signed (§5.3.1:
 * the first and last messages of a stream carry a TSIG).
 * Errors: ANS_ETSIG (ended on unsigned messages, or nothing verified). */
int ans_tsig_ctx_end(const struct ans_tsig_ctx *ctx) ANS_WUR;

/* Signs the message msg[0..*msg_len) in place: appends a TSIG RR (no name
 * compression, Original ID = the message ID, Error 0, no Other Data) within
 * msg_cap bytes, increments ARCOUNT and updates *msg_len.
 * - ctx NULL or at stage NONE, request_mac NULL: a request; with a context,
 *   its MAC is kept for verifying the response (stage FIRST).
 * - ctx NULL or at stage NONE, request_mac given: a response to a request
 *   with that MAC (§4.3.3: the request MAC is prefixed to the digest).
 * - ctx at stage FIRST (after ans_tsig_verify() of a request): the first
 *   response, using the request MAC held in ctx (request_mac must be NULL).
 * - ctx at stage NEXT: a later message of a stream, digested as prior MAC,
 *   the unsigned messages given to ans_tsig_skip(), this message, the
 *   timers (§5.3.1).
 * `key` must be the context's key once it has one. time is now_s (48 bits).
 * Errors: ANS_ESPACE (the TSIG does not fit; the message is unchanged),
 * ANS_EMALF (not a DNS message), ANS_EINVAL (misuse: key differs from the
 * context's, request MAC too long), ANS_ENOMEM (libcrypto failure). */
int ans_tsig_sign(uint8_t *msg, size_t *msg_len, size_t msg_cap,
		  const struct ans_tsig_key *key, uint64_t now_s, uint16_t fudge_s,
		  const uint8_t *request_mac, size_t request_mac_len,
		  struct ans_tsig_ctx *ctx) ANS_WUR;

/* A signer's unsigned intermediate message of a stream: adds it to the
 * running digest so the next signed message covers it (§5.3.1). ctx must be
 * at stage NEXT. Errors: ANS_EINVAL (wrong stage), ANS_ELIMIT (a 100th
 * unsigned message in a row), ANS_ENOMEM. */
int ans_tsig_skip(struct ans_tsig_ctx *ctx, const uint8_t *msg, size_t msg_len) ANS_WUR;

/* What ans_tsig_verify() found. The byte copies stay valid after the message
 * is gone. */
struct ans_tsig_result {
	bool is_signed;           /* the message carries a TSIG RR */
	uint16_t error;           /* what to answer (ANS_TSIG_NOERROR, FORMERR,
	                             BADSIG, BADKEY, BADTIME, BADTRUNC) */
	uint16_t peer_error;      /* the Error field of the received TSIG */
	const struct ans_tsig_key *key;  /* matched key (in keys[]), or NULL */
	uint8_t key_name[ANS_NAME_MAX];  /* owner of the TSIG RR, as received */
	uint8_t alg_name[ANS_NAME_MAX];  /* algorithm name, as received */
	uint64_t time_signed;
	uint16_t fudge;
	uint16_t orig_id;         /* Original ID */
	uint8_t mac[ANS_TSIG_MAC_MAX];   /* received MAC: the request MAC for
	                                    signing the response (§5.2.2.1:
	                                    truncated as received) */
	size_t mac_len;
	uint64_t other_time;      /* server time from a BADTIME Other Data, or 0 */
	size_t tsig_pos;          /* offset of the TSIG RR = length of the message
	                             without it; msg_len when unsigned */
};

/* Verifies msg[0..msg_len) against keys[0..nkeys) (matched by name and
 * algorithm). The TSIG RR must be the last RR of the additional section
 * and the only one (§5.1). Checks run in the order of §5.2: key, MAC size
 * and MAC, time window (|now - Time Signed| <= Fudge), truncation policy, so
 * a bad MAC outside the window is BADSIG, a good one BADTIME. The digest
 * covers the message without its TSIG RR, with the Original ID put back and
 * ARCOUNT decremented, computed without copying the message.
 * Context and request_mac as for ans_tsig_sign(); with a context at stage
 * NEXT an unsigned message is accepted into the running digest (returns
 * ANS_OK with res->is_signed false), up to 99 in a row.
 * Returns ANS_OK (signed and valid, or an accepted unsigned intermediate),
 * ANS_ENOTFOUND (no TSIG where one is required), ANS_EMALF (res->error =
 * FORMERR: malformed message or TSIG, misplaced or repeated TSIG, MAC size
 * out of the §5.2.2.1 bounds), ANS_ETSIG (res->error = BADKEY, BADSIG,
 * BADTIME or BADTRUNC; or a valid response whose peer_error is not 0),
 * ANS_ELIMIT (a 100th unsigned message), ANS_EINVAL, ANS_ENOMEM.
 * The context advances only on ANS_OK (after a request: stage FIRST with
 * res->key, ready to sign the response); any other result ends the stream.
 * For ans_tsig_sign_error(), res alone is enough. */
int ans_tsig_verify(const uint8_t *msg, size_t msg_len,
		    const struct ans_tsig_key *keys, size_t nkeys, uint64_t now_s,
		    const uint8_t *request_mac, size_t request_mac_len,
		    struct ans_tsig_ctx *ctx, struct ans_tsig_result *res) ANS_WUR;

/* Turns msg (a response being built: header and question written) into the
 * TSIG error response for `res` (from ans_tsig_verify() of the request):
 * sets RCODE to NOTAUTH and appends a TSIG RR with Error = res->error,
 * Original ID and Fudge from the request.
 * - BADKEY, BADSIG: unsigned (§5.3.2): the request's key and algorithm
 *   names, Time Signed = the request's, MAC Size 0.
 * - BADTIME, BADTRUNC: signed with res->key and the request MAC; for
 *   BADTIME, Time Signed is the request's and Other Data holds now_s, the
 *   server's time (§5.2.3), as BIND and Knot do.
 * Errors: ANS_EINVAL (res->error is none of these, or no key for a signed
 * error), ANS_ESPACE, ANS_EMALF, ANS_ENOMEM. */
int ans_tsig_sign_error(uint8_t *msg, size_t *msg_len, size_t msg_cap,
			const struct ans_tsig_result *res, uint64_t now_s) ANS_WUR;

/* Removes the TSIG RR found by ans_tsig_verify() from msg in place:
 * *msg_len = res->tsig_pos and ARCOUNT decremented; the ID is left as
 * received. Errors: ANS_EINVAL (res does not describe a signed message of
 * this length). */
int ans_tsig_strip(uint8_t *msg, size_t *msg_len, const struct ans_tsig_result *res) ANS_WUR;

#endif
