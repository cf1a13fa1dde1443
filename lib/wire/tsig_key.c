/* SPDX-License-Identifier: MIT */
/*
 * TSIG keys and algorithms: the table of HMAC algorithms (RFC 8945 §6) with
 * their wire names and OpenSSL digest names, and parsing of keys from the
 * text operators put in configuration (name, algorithm, base64 secret).
 */
#include <string.h>
#include <strings.h>

#include "lib/wire/codec.h"
#include "lib/wire/tsig.h"
#include "lib/wire/tsig_int.h"

/* Wire names are lowercase: the digest uses the canonical form (§4.3.3). */
static const struct tsig_alg_info algs[] = {
	{ ANS_TSIG_HMAC_MD5, "hmac-md5", "MD5", 16,
	  (const uint8_t *)"\x08hmac-md5\x07sig-alg\x03reg\x03int" },
	{ ANS_TSIG_HMAC_SHA1, "hmac-sha1", "SHA1", 20,
	  (const uint8_t *)"\x09hmac-sha1" },
	{ ANS_TSIG_HMAC_SHA224, "hmac-sha224", "SHA224", 28,
	  (const uint8_t *)"\x0bhmac-sha224" },
	{ ANS_TSIG_HMAC_SHA256, "hmac-sha256", "SHA256", 32,
	  (const uint8_t *)"\x0bhmac-sha256" },
	{ ANS_TSIG_HMAC_SHA384, "hmac-sha384", "SHA384", 48,
	  (const uint8_t *)"\x0bhmac-sha384" },
	{ ANS_TSIG_HMAC_SHA512, "hmac-sha512", "SHA512", 64,
	  (const uint8_t *)"\x0bhmac-sha512" },
};

const struct tsig_alg_info *tsig_alg_info(enum ans_tsig_alg alg)
{
	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (algs[i].alg == alg)
			return &algs[i];
	return NULL;
}

const struct tsig_alg_info *tsig_alg_by_wire(const uint8_t *name)
{
	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (ans_name_equal(algs[i].wire, name))
			return &algs[i];
	return NULL;
}

int ans_tsig_alg_from_text(const char *text, enum ans_tsig_alg *alg)
{
	uint8_t wire[ANS_NAME_MAX];
	size_t wire_len;
	/* "hmac-sha256", "hmac-sha256." and "HMAC-MD5.SIG-ALG.REG.INT" alike:
	 * read as an absolute name, then match short names or wire names. */
	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		if (strcasecmp(text, algs[i].text) == 0) {
			*alg = algs[i].alg;
			return ANS_OK;
		}
	}
	if (ans_name_from_text(wire, &wire_len, text, strlen(text), ans_name_root))
		return ANS_EINVAL;
	const struct tsig_alg_info *info = tsig_alg_by_wire(wire);
	if (!info)
		return ANS_EINVAL;
	*alg = info->alg;
	return ANS_OK;
}

const char *ans_tsig_alg_name(enum ans_tsig_alg alg)
{
	const struct tsig_alg_info *info = tsig_alg_info(alg);
	return info ? info->text : NULL;
}

const uint8_t *ans_tsig_alg_wire(enum ans_tsig_alg alg)
{
	const struct tsig_alg_info *info = tsig_alg_info(alg);
	return info ? info->wire : NULL;
}

size_t ans_tsig_alg_mac_len(enum ans_tsig_alg alg)
{
	const struct tsig_alg_info *info = tsig_alg_info(alg);
	return info ? info->mac_len : 0;
}

size_t ans_tsig_rr_size(const struct ans_tsig_key *key)
{
	const struct tsig_alg_info *info = tsig_alg_info(key->alg);
	if (!info)
		return ANS_TSIG_RR_MAX;
	/* owner, type class ttl rdlen, algorithm, time 6 fudge 2 mac-size 2,
	 * MAC, original id 2 error 2 other-len 2 */
	return ans_name_len(key->name) + 10 + ans_name_len(info->wire) + 10 +
	       info->mac_len + 6;
}

static int set_fail(const char **why, const char *msg, int code)
{
	if (why)
		*why = msg;
	return code;
}

static int parse_secret(struct ans_tsig_key *key, const char *b64, const char **why)
{
	struct ans_b2b d;
	ans_b2b_init(&d, key->secret, sizeof(key->secret));
	ans_b64_feed(&d, b64, strlen(b64));
	int err = ans_b64_end(&d);
	if (err == ANS_ESPACE)
		return set_fail(why, "TSIG secret longer than 256 bytes", ANS_ELIMIT);
	if (err)
		return set_fail(why, "TSIG secret is not valid base64", ANS_ESYNTAX);
	if (d.len == 0)
		return set_fail(why, "TSIG secret is empty", ANS_EINVAL);
	key->secret_len = d.len;
	return ANS_OK;
}

int ans_tsig_key_init(struct ans_tsig_key *key, const char *name_text,
		      const char *alg_text, const char *secret_b64, const char **why)
{
	size_t name_len;
	memset(key, 0, sizeof(*key));
	/* Key names are absolute: Knot and BIND accept "xfr" for "xfr.". */
	int err = ans_name_from_text(key->name, &name_len, name_text,
				     strlen(name_text), ans_name_root);
	if (err)
		return set_fail(why, "TSIG key name is not a valid domain name", err);
	ans_name_lower(key->name);
	if (ans_tsig_alg_from_text(alg_text, &key->alg))
		return set_fail(why, "unknown TSIG algorithm", ANS_EINVAL);
	err = parse_secret(key, secret_b64, why);
	if (err) {
		memset(key, 0, sizeof(*key));
		return err;
	}
	key->mac_min_len = ans_tsig_alg_mac_len(key->alg);
	return ANS_OK;
}
