/* SPDX-License-Identifier: MIT */
/*
 * The TSIG digest (RFC 8945 §4.3) over OpenSSL's HMAC (EVP_MAC). The digest
 * input is built piece by piece, never by copying the message: the 12-byte
 * header is rewritten on the stack (Original ID back in place, ARCOUNT
 * without the TSIG RR, §4.3.2), then the rest of the message up to the TSIG
 * RR is fed as it lies in the caller's buffer.
 */
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "lib/base/wire.h"
#include "lib/wire/tsig_int.h"

static EVP_MAC_CTX *mac_open(const struct ans_tsig_key *key)
{
	const struct tsig_alg_info *info = tsig_alg_info(key->alg);
	if (!info)
		return NULL;
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (!mac)
		return NULL;
	EVP_MAC_CTX *c = EVP_MAC_CTX_new(mac);
	EVP_MAC_free(mac);   /* the context keeps its own reference */
	if (!c)
		return NULL;
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						 (char *)info->md, 0),
		OSSL_PARAM_construct_end(),
	};
	if (!EVP_MAC_init(c, key->secret, key->secret_len, params)) {
		EVP_MAC_CTX_free(c);
		return NULL;
	}
	return c;
}

void tsig_running_free(void *running)
{
	EVP_MAC_CTX_free(running);
}

/* The MAC Size field and the MAC, as a prefix of the digest (§4.3.1). */
static bool feed_prefix(EVP_MAC_CTX *c, const uint8_t *mac, size_t mac_len)
{
	uint8_t size[2];
	ans_put_u16(size, (uint16_t)mac_len);
	return EVP_MAC_update(c, size, 2) && (mac_len == 0 || EVP_MAC_update(c, mac, mac_len));
}

static bool feed_msg(EVP_MAC_CTX *c, const uint8_t *msg, size_t body_len,
		     uint16_t orig_id, uint16_t arcount)
{
	uint8_t hdr[12];
	memcpy(hdr, msg, 12);
	ans_put_u16(hdr, orig_id);
	ans_put_u16(hdr + 10, arcount);
	return EVP_MAC_update(c, hdr, 12) &&
	       (body_len == 12 || EVP_MAC_update(c, msg + 12, body_len - 12));
}

/* §4.3.3: key name and algorithm in canonical (lowercase) form, class ANY,
 * TTL 0, then the timers; §5.3.1 later messages take the timers alone. */
static bool feed_vars(EVP_MAC_CTX *c, const struct tsig_vars *v, bool timers_only)
{
	uint8_t buf[2 * ANS_NAME_MAX + 32];
	struct ans_wire w = ans_wire_init(buf, sizeof(buf));
	if (!timers_only) {
		uint8_t name[ANS_NAME_MAX];
		ans_name_copy(name, v->key_name);
		ans_name_lower(name);
		ans_wire_write_bytes(&w, name, ans_name_len(name));
		ans_wire_write_u16(&w, 255);   /* class ANY */
		ans_wire_write_u32(&w, 0);     /* TTL */
		ans_wire_write_bytes(&w, v->alg_wire, ans_name_len(v->alg_wire));
	}
	ans_wire_write_u16(&w, (uint16_t)(v->time_signed >> 32));
	ans_wire_write_u32(&w, (uint32_t)v->time_signed);
	ans_wire_write_u16(&w, v->fudge);
	if (!timers_only) {
		ans_wire_write_u16(&w, v->error);
		ans_wire_write_u16(&w, v->other_len);
	}
	if (w.err || !EVP_MAC_update(c, buf, w.pos))
		return false;
	return timers_only || v->other_len == 0 ||
	       EVP_MAC_update(c, v->other, v->other_len);
}

int tsig_mac_compute(const struct ans_tsig_key *key, const struct tsig_chain *ch,
		     void *running, const uint8_t *msg, size_t body_len,
		     uint16_t orig_id, uint16_t arcount, const struct tsig_vars *v,
		     uint8_t out[ANS_TSIG_MAC_MAX])
{
	EVP_MAC_CTX *c = running;
	size_t out_len = 0;
	int err = ANS_ENOMEM;
	if (!c) {
		c = mac_open(key);
		if (!c || (ch->has_prefix && !feed_prefix(c, ch->mac, ch->mac_len)))
			goto out;
	}
	if (!feed_msg(c, msg, body_len, orig_id, arcount) ||
	    !feed_vars(c, v, ch->timers_only) ||
	    !EVP_MAC_final(c, out, &out_len, ANS_TSIG_MAC_MAX) ||
	    out_len != ans_tsig_alg_mac_len(key->alg))
		goto out;
	err = ANS_OK;
out:
	EVP_MAC_CTX_free(c);
	return err;
}

int tsig_running_feed(struct ans_tsig_ctx *ctx, const uint8_t *msg, size_t len)
{
	if (!ctx->running) {
		EVP_MAC_CTX *c = mac_open(ctx->key);
		if (!c)
			return ANS_ENOMEM;
		ctx->running = c;
		if (!feed_prefix(c, ctx->mac, ctx->mac_len))
			return ANS_ENOMEM;
	}
	/* §5.3.1: unsigned messages enter the digest whole, as sent. */
	if (len && !EVP_MAC_update(ctx->running, msg, len))
		return ANS_ENOMEM;
	return ANS_OK;
}
