/* SPDX-License-Identifier: MIT */
/*
 * ZONEMD (RFC 8976) with the SIMPLE scheme: one hash over every RR of the
 * zone in canonical form and order (RFC 4034 §6.2, §6.3).
 *
 * The snapshot already holds RRs in canonical order with lowercased owners;
 * what remains is the canonical form of rdata: the names inside the rdata of
 * the types RFC 4034 §6.2 lists (RFC 6840 §5.1: not NSEC) are lowercased.
 * lib/wire does not export that list, only ans_rdata_cmp() which applies
 * it; so a byte of the rdata that is an uppercase letter is lowered exactly
 * when lowering it leaves the rdata canonically equal (the byte lies in a
 * lowercased name). Zone data is nearly always lowercase already, so this
 * costs one scan per RR and a comparison per uppercase byte. A
 * ans_rdata_canonicalize() in lib/wire would make it direct.
 */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/wire.h"
#include "lib/wire/rdata.h"
#include "lib/xfr/changeset.h"
#include "lib/xfr/xfr_priv.h"
#include "lib/xfr/zonemd.h"

static void canonical_rdata(uint16_t type, const uint8_t *rd, uint16_t len, uint8_t *out)
{
	memcpy(out, rd, len);
	for (uint16_t i = 0; i < len; i++) {
		if (out[i] < 'A' || out[i] > 'Z')
			continue;
		out[i] = (uint8_t)(out[i] + 32);
		if (ans_rdata_cmp(type, rd, len, out, len) != 0)
			out[i] = rd[i];   /* not inside a lowercased name */
	}
}

/* RFC 8976 §3.3.1: the apex ZONEMD RRset and the RRSIGs covering it are
 * left out of the digest (they cannot cover themselves). */
static bool is_excluded(const struct ans_xfr_rr *rr, const uint8_t *apex)
{
	if (rr->owner != apex)
		return false;
	if (rr->type == ANS_TYPE_ZONEMD)
		return true;
	return rr->type == ANS_TYPE_RRSIG && rr->rdlen >= 2 &&
	       ans_get_u16(rr->rdata) == ANS_TYPE_ZONEMD;
}

static int hash_rr(EVP_MD_CTX *ctx, const struct ans_xfr_rr *rr, uint8_t *scratch)
{
	uint8_t head[10];
	size_t nlen = ans_name_len(rr->owner);
	ans_put_u16(head, rr->type);
	ans_put_u16(head + 2, ANS_CLASS_IN);
	ans_put_u32(head + 4, rr->ttl);
	ans_put_u16(head + 8, rr->rdlen);
	canonical_rdata(rr->type, rr->rdata, rr->rdlen, scratch);
	/* Owners in a snapshot are lowercased already (zone.h). */
	if (!EVP_DigestUpdate(ctx, rr->owner, nlen) || !EVP_DigestUpdate(ctx, head, 10) ||
	    !EVP_DigestUpdate(ctx, scratch, rr->rdlen))
		return ANS_ENOMEM;
	return ANS_OK;
}

int ans_zonemd_digest(const struct ans_zone *z, uint8_t scheme, uint8_t hash,
		      uint8_t out[ANS_ZONEMD_DIGEST_MAX], size_t *out_len)
{
	const EVP_MD *md = hash == ANS_ZONEMD_HASH_SHA384 ? EVP_sha384() :
			   hash == ANS_ZONEMD_HASH_SHA512 ? EVP_sha512() : NULL;
	if (scheme != ANS_ZONEMD_SCHEME_SIMPLE || !md || !z->apex_node)
		return ANS_EINVAL;
	uint8_t *scratch = malloc(ANS_RDATA_MAX);   /* one canonical rdata */
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int rc = scratch && ctx && EVP_DigestInit_ex(ctx, md, NULL) ? ANS_OK : ANS_ENOMEM;
	struct ans_zone_cursor it;
	struct ans_xfr_rr rr;
	ans_zone_cursor_init(&it, z);
	while (rc == ANS_OK && ans_zone_cursor_next(&it, &rr))
		if (!is_excluded(&rr, z->apex_node->owner))
			rc = hash_rr(ctx, &rr, scratch);
	unsigned len = 0;
	if (rc == ANS_OK && !EVP_DigestFinal_ex(ctx, out, &len))
		rc = ANS_ENOMEM;
	EVP_MD_CTX_free(ctx);
	free(scratch);
	if (rc == ANS_OK)
		*out_len = len;
	return rc;
}

static int verify_one(const struct ans_zone *z, const uint8_t *rd, uint16_t len,
		      bool *is_supported)
{
	/* RDATA: serial u32, scheme u8, hash u8, digest (RFC 8976 §2.2). */
	if (len < 6)
		return ANS_ESEMANTIC;
	uint8_t digest[ANS_ZONEMD_DIGEST_MAX];
	size_t dlen;
	if (ans_zonemd_digest(z, rd[4], rd[5], digest, &dlen) != ANS_OK)
		return ANS_OK;   /* unsupported: ignored (§4 step 5) */
	*is_supported = true;
	if (ans_get_u32(rd) != z->serial || len - 6u != dlen || memcmp(rd + 6, digest, dlen))
		return ANS_ESEMANTIC;
	return ANS_OK;
}

int ans_zonemd_verify(const struct ans_zone *z)
{
	const struct ans_rrset *rs = z->apex_node ? ans_node_rrset(z->apex_node, ANS_TYPE_ZONEMD) : NULL;
	if (!rs)
		return ANS_ENOENT;
	bool is_supported = false;
	const uint8_t *p = rs->rdata;
	for (uint16_t i = 0; i < rs->count; i++) {
		uint16_t len = ans_get_u16(p);
		int rc = verify_one(z, p + 2, len, &is_supported);
		if (rc)
			return rc;
		p += 2 + len;
	}
	return is_supported ? ANS_OK : ANS_ENOENT;
}
