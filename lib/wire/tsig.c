/* SPDX-License-Identifier: MIT */
/*
 * TSIG signing and verification (RFC 8945).
 *
 * A message is walked once, RR by RR through the bounds-checked cursor and
 * ans_name_parse(), to find its TSIG RR: it must be the last RR of the
 * additional section and the only TSIG (§5.1); anything else, or trailing
 * bytes after the last RR, is FORMERR. The TSIG RDATA is read into a
 * `struct tsig_rr` whose MAC and Other Data point into the message.
 *
 * The digest (tsig_mac.c) covers the message without its TSIG RR, with the
 * Original ID and ARCOUNT - 1 in a header rebuilt on the stack, so the
 * message is never copied. What precedes the message in the digest is the
 * "chain" (struct tsig_chain): nothing for a request, the request MAC for a
 * response (§4.3.1), the prior MAC and a running digest of unsigned
 * messages for the later messages of a stream (§5.3.1). The chain comes
 * from the context's stage:
 *
 *   NONE --sign/verify request--> FIRST --first response--> NEXT --+
 *     \--sign/verify response (request_mac given)----------^  ^----+
 *
 * Verification follows the order of §5.2: key (BADKEY), MAC size bounds of
 * §5.2.2.1 (FORMERR), MAC (BADSIG, compared in constant time), time window
 * (BADTIME), local truncation policy (BADTRUNC). A BADTIME request is thus
 * one whose MAC was good, and its error response can be signed.
 *
 * Start reading at ans_tsig_verify() and ans_tsig_sign().
 */
#include <openssl/crypto.h>
#include <string.h>

#include "lib/base/wire.h"
#include "lib/wire/rdata.h"
#include "lib/wire/tsig.h"
#include "lib/wire/tsig_int.h"

#define HDR_LEN 12
#define TIME_MAX 0xffffffffffffULL   /* Time Signed is 48 bits */

/* The TSIG RR as found in a message; pointers into the message. */
struct tsig_rr {
	size_t pos;                 /* start of the RR */
	uint8_t owner[ANS_NAME_MAX];
	uint8_t alg[ANS_NAME_MAX];
	uint64_t time_signed;
	uint16_t fudge;
	uint16_t mac_len;
	const uint8_t *mac;
	uint16_t orig_id;
	uint16_t error;
	uint16_t other_len;
	const uint8_t *other;
};

void ans_tsig_ctx_init(struct ans_tsig_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
}

void ans_tsig_ctx_free(struct ans_tsig_ctx *ctx)
{
	tsig_running_free(ctx->running);
	memset(ctx, 0, sizeof(*ctx));
}

int ans_tsig_ctx_end(const struct ans_tsig_ctx *ctx)
{
	/* §5.3.1: the last message of a stream must be signed. */
	if (ctx->nmsg == 0 || ctx->unsigned_run > 0 || ctx->stage != ANS_TSIG_STAGE_NEXT)
		return ANS_ETSIG;
	return ANS_OK;
}

/* Skips one RR, giving its type. The cursor only reads. */
static int skip_rr(const uint8_t *msg, size_t len, size_t *pos, uint16_t *type)
{
	uint8_t name[ANS_NAME_MAX];
	size_t name_len;
	if (ans_name_parse(msg, len, pos, name, &name_len))
		return ANS_EMALF;
	struct ans_wire w = ans_wire_init((uint8_t *)msg, len);
	w.pos = *pos;
	*type = ans_wire_read_u16(&w);
	ans_wire_skip(&w, 6);                  /* class, TTL */
	ans_wire_skip(&w, ans_wire_read_u16(&w));
	if (w.err)
		return ANS_EMALF;
	*pos = w.pos;
	return ANS_OK;
}

static int skip_questions(const uint8_t *msg, size_t len, size_t *pos, unsigned n)
{
	uint8_t name[ANS_NAME_MAX];
	size_t name_len;
	for (unsigned i = 0; i < n; i++) {
		if (ans_name_parse(msg, len, pos, name, &name_len) || len - *pos < 4)
			return ANS_EMALF;
		*pos += 4;
	}
	return ANS_OK;
}

/* Finds the TSIG RR: *tsig_pos is its offset, or 0 when there is none.
 * §5.1: a TSIG anywhere but last in the additional section is FORMERR. */
static int find_tsig(const uint8_t *msg, size_t len, size_t *tsig_pos)
{
	*tsig_pos = 0;
	if (len < HDR_LEN)
		return ANS_EMALF;
	size_t pos = HDR_LEN;
	unsigned nrr = (unsigned)ans_get_u16(msg + 6) + ans_get_u16(msg + 8) +
		       ans_get_u16(msg + 10);
	if (skip_questions(msg, len, &pos, ans_get_u16(msg + 4)))
		return ANS_EMALF;
	for (unsigned i = 0; i < nrr; i++) {
		size_t start = pos;
		uint16_t type;
		if (skip_rr(msg, len, &pos, &type))
			return ANS_EMALF;
		if (type != ANS_TYPE_TSIG)
			continue;
		if (i + 1 != nrr || ans_get_u16(msg + 10) == 0)
			return ANS_EMALF;
		*tsig_pos = start;
	}
	/* Bytes after the last RR would not be covered by the MAC. */
	return pos == len ? ANS_OK : ANS_EMALF;
}

static int parse_tsig(const uint8_t *msg, size_t len, size_t pos, struct tsig_rr *rr)
{
	size_t name_len;
	rr->pos = pos;
	if (ans_name_parse(msg, len, &pos, rr->owner, &name_len))
		return ANS_EMALF;
	struct ans_wire w = ans_wire_init((uint8_t *)msg, len);
	w.pos = pos;
	ans_wire_skip(&w, 2);                          /* type, known */
	uint16_t rclass = ans_wire_read_u16(&w);
	ans_wire_skip(&w, 4);                          /* TTL: digested as 0 */
	size_t rdlen = ans_wire_read_u16(&w);
	if (w.err || rclass != ANS_CLASS_ANY || rdlen != len - w.pos)
		return ANS_EMALF;
	if (ans_name_parse(msg, len, &w.pos, rr->alg, &name_len))
		return ANS_EMALF;
	rr->time_signed = (uint64_t)ans_wire_read_u16(&w) << 32;
	rr->time_signed |= ans_wire_read_u32(&w);
	rr->fudge = ans_wire_read_u16(&w);
	rr->mac_len = ans_wire_read_u16(&w);
	rr->mac = w.base + w.pos;
	ans_wire_skip(&w, rr->mac_len);
	rr->orig_id = ans_wire_read_u16(&w);
	rr->error = ans_wire_read_u16(&w);
	rr->other_len = ans_wire_read_u16(&w);
	rr->other = w.base + w.pos;
	ans_wire_skip(&w, rr->other_len);
	if (w.err || w.pos != len || rr->mac_len > ANS_TSIG_MAC_MAX)
		return ANS_EMALF;
	return ANS_OK;
}

static bool key_same(const struct ans_tsig_key *a, const struct ans_tsig_key *b)
{
	return a == b || (a->alg == b->alg && ans_name_equal(a->name, b->name) &&
			  a->secret_len == b->secret_len &&
			  CRYPTO_memcmp(a->secret, b->secret, a->secret_len) == 0);
}

/* Picks the chain for the next message from the context and request MAC. */
static int chain_for(const struct ans_tsig_ctx *ctx, const uint8_t *request_mac,
		     size_t request_mac_len, struct tsig_chain *ch)
{
	memset(ch, 0, sizeof(*ch));
	if (ctx && ctx->stage != ANS_TSIG_STAGE_NONE) {
		if (request_mac)
			return ANS_EINVAL;
		ch->has_prefix = true;
		ch->timers_only = ctx->stage == ANS_TSIG_STAGE_NEXT;
		ch->mac = ctx->mac;
		ch->mac_len = ctx->mac_len;
		return ANS_OK;
	}
	if (request_mac_len > ANS_TSIG_MAC_MAX)
		return ANS_EINVAL;
	ch->has_prefix = request_mac != NULL;
	ch->mac = request_mac;
	ch->mac_len = request_mac_len;
	return ANS_OK;
}

/* After a signed message: its MAC becomes the one the next message chains
 * to; a request leads to the first response, anything else to NEXT. */
static void chain_advance(struct ans_tsig_ctx *ctx, const struct ans_tsig_key *key,
			  const struct tsig_chain *ch, const uint8_t *mac, size_t mac_len)
{
	if (!ctx)
		return;
	ctx->key = key;
	ctx->stage = ch->has_prefix ? ANS_TSIG_STAGE_NEXT : ANS_TSIG_STAGE_FIRST;
	memcpy(ctx->mac, mac, mac_len);
	ctx->mac_len = mac_len;
	ctx->unsigned_run = 0;
	ctx->nmsg++;
	ctx->running = NULL;   /* consumed by tsig_mac_compute() */
}

/* Appends the TSIG RR at *msg_len, increments ARCOUNT. */
static int write_rr(uint8_t *msg, size_t *msg_len, size_t msg_cap,
		    const uint8_t *owner, const struct tsig_vars *v,
		    const uint8_t *mac, size_t mac_len, uint16_t orig_id)
{
	struct ans_wire w = ans_wire_init(msg, msg_cap);
	size_t alg_len = ans_name_len(v->alg_wire);
	w.pos = *msg_len;
	ans_wire_write_bytes(&w, owner, ans_name_len(owner));
	ans_wire_write_u16(&w, ANS_TYPE_TSIG);
	ans_wire_write_u16(&w, ANS_CLASS_ANY);
	ans_wire_write_u32(&w, 0);
	ans_wire_write_u16(&w, (uint16_t)(alg_len + 16 + mac_len + v->other_len));
	ans_wire_write_bytes(&w, v->alg_wire, alg_len);
	ans_wire_write_u16(&w, (uint16_t)(v->time_signed >> 32));
	ans_wire_write_u32(&w, (uint32_t)v->time_signed);
	ans_wire_write_u16(&w, v->fudge);
	ans_wire_write_u16(&w, (uint16_t)mac_len);
	ans_wire_write_bytes(&w, mac, mac_len);
	ans_wire_write_u16(&w, orig_id);
	ans_wire_write_u16(&w, v->error);
	ans_wire_write_u16(&w, v->other_len);
	ans_wire_write_bytes(&w, v->other, v->other_len);
	if (w.err)
		return w.err;
	*msg_len = w.pos;
	ans_put_u16(msg + 10, (uint16_t)(ans_get_u16(msg + 10) + 1));
	return ANS_OK;
}

/* Signs with `key` (NULL: an unsigned TSIG with an empty MAC, §5.3.2). */
static int sign_with(uint8_t *msg, size_t *msg_len, size_t msg_cap,
		     const struct ans_tsig_key *key, const uint8_t *owner,
		     const struct tsig_vars *v, const struct tsig_chain *ch,
		     struct ans_tsig_ctx *ctx)
{
	uint8_t mac[ANS_TSIG_MAC_MAX];
	size_t mac_len = 0;
	if (*msg_len < HDR_LEN || *msg_len > msg_cap || ans_get_u16(msg + 10) == 0xffff)
		return ANS_EMALF;
	uint16_t id = ans_get_u16(msg);
	size_t need = ans_name_len(owner) + 10 + ans_name_len(v->alg_wire) + 16 +
		      (key ? ans_tsig_alg_mac_len(key->alg) : 0) + v->other_len;
	if (msg_cap - *msg_len < need)
		return ANS_ESPACE;
	if (key) {
		int err = tsig_mac_compute(key, ch, ctx ? ctx->running : NULL, msg,
					   *msg_len, id, ans_get_u16(msg + 10), v, mac);
		if (ctx)
			ctx->running = NULL;
		if (err)
			return err;
		mac_len = ans_tsig_alg_mac_len(key->alg);
	}
	int err = write_rr(msg, msg_len, msg_cap, owner, v, mac, mac_len, id);
	if (!err && key)
		chain_advance(ctx, key, ch, mac, mac_len);
	return err;
}

int ans_tsig_sign(uint8_t *msg, size_t *msg_len, size_t msg_cap,
		  const struct ans_tsig_key *key, uint64_t now_s, uint16_t fudge_s,
		  const uint8_t *request_mac, size_t request_mac_len,
		  struct ans_tsig_ctx *ctx)
{
	struct tsig_chain ch;
	const struct tsig_alg_info *info = tsig_alg_info(key->alg);
	if (!info || (ctx && ctx->key && !key_same(ctx->key, key)))
		return ANS_EINVAL;
	int err = chain_for(ctx, request_mac, request_mac_len, &ch);
	if (err)
		return err;
	struct tsig_vars v = {
		.key_name = key->name, .alg_wire = info->wire,
		.time_signed = now_s & TIME_MAX, .fudge = fudge_s,
	};
	return sign_with(msg, msg_len, msg_cap, key, key->name, &v, &ch, ctx);
}

/* An unsigned message of a stream goes into the running MAC. §5.3.1: a
 * peer "MUST accept up to 99 intermediary messages without a TSIG", and
 * no more in a row. */
static int feed_unsigned(struct ans_tsig_ctx *ctx, const uint8_t *msg, size_t msg_len)
{
	if (ctx->unsigned_run >= ANS_TSIG_UNSIGNED_MAX)
		return ANS_ELIMIT;
	int err = tsig_running_feed(ctx, msg, msg_len);
	if (err)
		return err;
	ctx->unsigned_run++;
	ctx->nmsg++;
	return ANS_OK;
}

int ans_tsig_skip(struct ans_tsig_ctx *ctx, const uint8_t *msg, size_t msg_len)
{
	if (ctx->stage != ANS_TSIG_STAGE_NEXT || !ctx->key)
		return ANS_EINVAL;
	return feed_unsigned(ctx, msg, msg_len);
}

/* A key matches by name and algorithm; within a stream, only its key. */
static const struct ans_tsig_key *find_key(const struct ans_tsig_key *keys, size_t nkeys,
					   const struct ans_tsig_ctx *ctx,
					   const struct tsig_rr *rr)
{
	const struct tsig_alg_info *info = tsig_alg_by_wire(rr->alg);
	if (!info)
		return NULL;
	for (size_t i = 0; i < nkeys; i++) {
		if (keys[i].alg != info->alg || !ans_name_equal(keys[i].name, rr->owner))
			continue;
		if (ctx && ctx->key && !key_same(ctx->key, &keys[i]))
			continue;
		return &keys[i];
	}
	return NULL;
}

static void fill_result(struct ans_tsig_result *res, const struct tsig_rr *rr)
{
	res->is_signed = true;
	res->peer_error = rr->error;
	ans_name_copy(res->key_name, rr->owner);
	ans_name_copy(res->alg_name, rr->alg);
	res->time_signed = rr->time_signed;
	res->fudge = rr->fudge;
	res->orig_id = rr->orig_id;
	memcpy(res->mac, rr->mac, rr->mac_len);
	res->mac_len = rr->mac_len;
	res->tsig_pos = rr->pos;
	if (rr->error == ANS_TSIG_BADTIME && rr->other_len == 6)
		res->other_time = (uint64_t)ans_get_u16(rr->other) << 32 |
				  ans_get_u32(rr->other + 2);
}

static int fail(struct ans_tsig_result *res, uint16_t error, int code)
{
	res->error = error;
	return code;
}

/* An unsigned message: fine only between signed ones of a stream. */
static int verify_unsigned(const uint8_t *msg, size_t msg_len,
			   struct ans_tsig_ctx *ctx, struct ans_tsig_result *res)
{
	if (!ctx || ctx->stage != ANS_TSIG_STAGE_NEXT)
		return ANS_ENOTFOUND;
	(void)res;
	return feed_unsigned(ctx, msg, msg_len);
}

/* §5.2.2.1: a MAC longer than the hash, or shorter than both 10 bytes and
 * half the hash, is FORMERR. */
static bool mac_size_ok(size_t mac_len, size_t hash_len)
{
	size_t floor = hash_len / 2 > 10 ? hash_len / 2 : 10;
	return mac_len <= hash_len && mac_len >= floor;
}

static bool time_ok(uint64_t now_s, uint64_t time_signed, uint16_t fudge)
{
	uint64_t diff = now_s > time_signed ? now_s - time_signed : time_signed - now_s;
	return diff <= fudge;
}

static int check_mac(const uint8_t *msg, const struct tsig_rr *rr,
		     const struct ans_tsig_key *key, const struct tsig_chain *ch,
		     struct ans_tsig_ctx *ctx, struct ans_tsig_result *res)
{
	uint8_t mac[ANS_TSIG_MAC_MAX];
	struct tsig_vars v = {
		.key_name = rr->owner, .alg_wire = tsig_alg_info(key->alg)->wire,
		.time_signed = rr->time_signed, .fudge = rr->fudge,
		.error = rr->error, .other_len = rr->other_len, .other = rr->other,
	};
	int err = tsig_mac_compute(key, ch, ctx ? ctx->running : NULL, msg, rr->pos,
				   rr->orig_id, (uint16_t)(ans_get_u16(msg + 10) - 1),
				   &v, mac);
	if (ctx)
		ctx->running = NULL;
	if (err)
		return err;
	/* §5.2.2.1: a truncated MAC is compared on its received length. */
	if (CRYPTO_memcmp(mac, rr->mac, rr->mac_len) != 0)
		return fail(res, ANS_TSIG_BADSIG, ANS_ETSIG);
	return ANS_OK;
}

int ans_tsig_verify(const uint8_t *msg, size_t msg_len,
		    const struct ans_tsig_key *keys, size_t nkeys, uint64_t now_s,
		    const uint8_t *request_mac, size_t request_mac_len,
		    struct ans_tsig_ctx *ctx, struct ans_tsig_result *res)
{
	struct tsig_rr rr;
	struct tsig_chain ch;
	size_t pos;
	memset(res, 0, sizeof(*res));
	res->tsig_pos = msg_len;
	int err = chain_for(ctx, request_mac, request_mac_len, &ch);
	if (err)
		return err;
	if (find_tsig(msg, msg_len, &pos) || (pos && parse_tsig(msg, msg_len, pos, &rr)))
		return fail(res, ANS_TSIG_FORMERR, ANS_EMALF);
	if (!pos)
		return verify_unsigned(msg, msg_len, ctx, res);
	fill_result(res, &rr);
	const struct ans_tsig_key *key = find_key(keys, nkeys, ctx, &rr);
	if (!key)
		return fail(res, ANS_TSIG_BADKEY, ANS_ETSIG);
	res->key = key;
	/* §5.3.2: a peer refusing our key or MAC answers unsigned. */
	if (rr.mac_len == 0 && rr.error != 0 && ch.has_prefix)
		return ANS_ETSIG;
	if (!mac_size_ok(rr.mac_len, ans_tsig_alg_mac_len(key->alg)))
		return fail(res, ANS_TSIG_FORMERR, ANS_EMALF);
	err = check_mac(msg, &rr, key, &ch, ctx, res);
	if (err)
		return err;
	/* §5.2.3: the time is checked only once the MAC is known good. */
	if (!time_ok(now_s, rr.time_signed, rr.fudge))
		return fail(res, ANS_TSIG_BADTIME, ANS_ETSIG);
	if (rr.mac_len < key->mac_min_len)
		return fail(res, ANS_TSIG_BADTRUNC, ANS_ETSIG);
	chain_advance(ctx, key, &ch, rr.mac, rr.mac_len);
	return rr.error ? ANS_ETSIG : ANS_OK;
}

int ans_tsig_sign_error(uint8_t *msg, size_t *msg_len, size_t msg_cap,
			const struct ans_tsig_result *res, uint64_t now_s)
{
	uint8_t other[6];
	struct tsig_chain ch = { .has_prefix = true, .mac = res->mac,
				 .mac_len = res->mac_len };
	struct tsig_vars v = {
		.key_name = res->key_name, .alg_wire = res->alg_name,
		.time_signed = res->time_signed, .fudge = res->fudge,
		.error = res->error,
	};
	const struct ans_tsig_key *key = NULL;
	switch (res->error) {
	case ANS_TSIG_BADKEY:
	case ANS_TSIG_BADSIG:
		break;
	case ANS_TSIG_BADTIME:
		/* §5.2.3: Other Data carries the server's time, so the client
		 * can see the skew; the request's Time Signed keeps the
		 * response inside the client's window. */
		ans_put_u16(other, (uint16_t)((now_s & TIME_MAX) >> 32));
		ans_put_u32(other + 2, (uint32_t)now_s);
		v.other = other;
		v.other_len = 6;
		/* fall through */
	case ANS_TSIG_BADTRUNC:
		key = res->key;
		if (!key)
			return ANS_EINVAL;
		v.key_name = key->name;
		v.alg_wire = tsig_alg_info(key->alg)->wire;
		break;
	default:
		return ANS_EINVAL;
	}
	if (*msg_len < HDR_LEN)
		return ANS_EMALF;
	uint8_t flags = msg[3];
	msg[3] = (uint8_t)((flags & 0xf0) | ANS_TSIG_NOTAUTH);
	int err = sign_with(msg, msg_len, msg_cap, key, v.key_name, &v, &ch, NULL);
	if (err)
		msg[3] = flags;
	return err;
}

int ans_tsig_strip(uint8_t *msg, size_t *msg_len, const struct ans_tsig_result *res)
{
	if (!res->is_signed || res->tsig_pos < HDR_LEN || res->tsig_pos >= *msg_len ||
	    ans_get_u16(msg + 10) == 0)
		return ANS_EINVAL;
	*msg_len = res->tsig_pos;
	ans_put_u16(msg + 10, (uint16_t)(ans_get_u16(msg + 10) - 1));
	return ANS_OK;
}
