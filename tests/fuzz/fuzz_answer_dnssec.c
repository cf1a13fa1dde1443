/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes ans_answer() on pre-signed zones (dnssec_zones.h: NSEC, NSEC3 with
 * salt and NSEC3 opt-out, signed by dnssec-signzone): the input is a query,
 * answered over UDP and TCP. Every response is parsed back record by record
 * with lib/wire (names decompressed, rdata checked against its type), must
 * fit its limit, echo the query ID and question name (letter case too),
 * hold at most one OPT (in the additional section, owner root), have every
 * owner name in the answering zone, and,
 * when its OPT does not carry DO (RFC 3225 §3; RFC 4035 §3.2.1), no RRSIG,
 * NSEC or NSEC3 in the authority or additional section.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/answer/answer.h"
#include "lib/wire/rdata.h"
#include "lib/zone/parser.h"
#include "tests/fuzz/dnssec_zones.h"

static const struct ans_zoneset *signed_zoneset(void)
{
	static const uint8_t *const origins[3] = {
		(const uint8_t *)"\4nsec\4test", (const uint8_t *)"\5nsec3\4test",
		(const uint8_t *)"\6optout\4test" };
	static const char *const texts[3] = { nsec_zone, nsec3_zone, optout_zone };
	static const size_t lens[3] = { sizeof(nsec_zone) - 1, sizeof(nsec3_zone) - 1,
					 sizeof(optout_zone) - 1 };
	static struct ans_zoneset *zs;
	struct ans_zone *z[3];
	struct ans_zone_builder *b;
	for (int i = 0; !zs && i < 3; i++)
		if (ans_zone_builder_new(&b, origins[i]) ||
		    ans_zone_parse_text("fuzz", texts[i], lens[i], origins[i], NULL, b) ||
		    ans_zone_builder_finish(b, NULL, &z[i]) || !z[i]->dnssec ||
		    (i == 2 && ans_zoneset_new(&zs, z, 3)))
			abort();
	return zs;
}

static bool is_dnssec_type(uint16_t type)
{
	return type == ANS_TYPE_RRSIG || type == ANS_TYPE_NSEC || type == ANS_TYPE_NSEC3;
}

/* One RR at *pos of section `sec` (0 answer, 1 authority, 2 additional);
 * returns its type. *opt_ttl gets the OPT's TTL field (extended RCODE,
 * version, DO). */
static uint16_t check_rr(const uint8_t *r, size_t len, size_t *pos, int sec,
			 const struct ans_zone *zone, int64_t *opt_ttl)
{
	static uint8_t rdata[65535];
	uint8_t name[ANS_NAME_MAX];
	size_t nlen, rlen;
	if (ans_name_parse(r, len, pos, name, &nlen) || *pos + 10 > len)
		abort();
	uint16_t type = ans_get_u16(r + *pos), rdlen = ans_get_u16(r + *pos + 8);
	if ((*pos += 10) + rdlen > len)
		abort();
	if (type == ANS_TYPE_OPT) {
		if (sec != 2 || *opt_ttl >= 0 || nlen != 1)
			abort();
		*opt_ttl = ans_get_u32(r + *pos - 6);
	} else if (ans_rdata_parse(r, len, *pos, rdlen, type, rdata, sizeof(rdata), &rlen) ||
		   ans_rdata_check(type, rdata, rlen)) {
		abort();
	} else if (zone && (ans_name_lower(name), !ans_name_is_sub(name, zone->apex))) {
		abort();
	}
	*pos += rdlen;
	return type;
}

static void check(const uint8_t *q, size_t q_len, const uint8_t *r, size_t len,
		  const struct ans_answer_info *info)
{
	uint8_t name[ANS_NAME_MAX];
	size_t pos = 12, nlen;
	int64_t opt_ttl = -1;
	bool has_proof = false;   /* RRSIG, NSEC or NSEC3 past the answer section */
	if (len < 12 || q_len < 2 || ans_get_u16(r) != ans_get_u16(q) || !(r[2] & 0x80) ||
	    ans_get_u16(r + 4) > 1)
		abort();
	if (ans_get_u16(r + 4) && (ans_name_parse(r, len, &pos, name, &nlen) || (pos += 4) > len))
		abort();
	/* The question is echoed as received, letter case included. */
	uint8_t qname[ANS_NAME_MAX];
	size_t qpos = 12, qlen;
	if (ans_get_u16(r + 4) && (ans_name_parse(q, q_len, &qpos, qname, &qlen) ||
				   qlen != nlen || memcmp(qname, name, nlen)))
		abort();
	unsigned an = ans_get_u16(r + 6), ns = ans_get_u16(r + 8), ar = ans_get_u16(r + 10);
	for (unsigned i = 0; i < an + ns + ar; i++) {
		int sec = i < an ? 0 : i < an + ns ? 1 : 2;
		uint16_t type = check_rr(r, len, &pos, sec, info->zone, &opt_ttl);
		has_proof |= sec > 0 && is_dnssec_type(type);
	}
	if (pos != len || (has_proof && (opt_ttl < 0 || !(opt_ttl & 0x8000))))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[65535];
	static const struct ans_answer_conf conf = { 0 };
	struct ans_answer_ctx ctx;
	struct ans_answer_info info;
	size_t len;
	if (ans_answer(&ctx, &conf, signed_zoneset(), data, size, ANS_TRANSPORT_UDP, out,
		       4096, &len, &info) || len > 1232 || (len && (check(data, size, out, len, &info), 0)))
		abort();
	if (ans_answer(&ctx, &conf, signed_zoneset(), data, size, ANS_TRANSPORT_TCP, out,
		       sizeof(out), &len, &info) || (len && (check(data, size, out, len, &info), 0)))
		abort();
	return 0;
}
