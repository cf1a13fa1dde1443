/* SPDX-License-Identifier: MIT */
/* Fuzzes ans_answer(): the input is a request, answered over UDP and TCP
 * against a small fixed zone; every response must parse back record by
 * record and respect the size limit. */
#include <stdlib.h>

#include "lib/answer/answer.h"
#include "lib/zone/parser.h"

static const char zone_text[] =
	"$TTL 60\n@ SOA ns hm 1 2 3 4 5\n@ NS ns\n@ NS ns.d\n@ MX 1 m\nns A 192.0.2.1\n"
	"m AAAA ::1\nc CNAME w\nw TXT x\n*.w A 192.0.2.2\nd NS ns.d\nns.d A 192.0.2.3\n"
	"dn DNAME example.net.\nl1 CNAME l2\nl2 CNAME l1\ns SRV 0 0 1 m\n";

static const struct ans_zoneset *fixed_zoneset(void)
{
	static struct ans_zoneset *zs;
	static struct ans_zone *z;
	static const uint8_t origin[] = "\7example\3com";
	struct ans_zone_builder *b;
	if (zs)
		return zs;
	if (ans_zone_builder_new(&b, origin) != ANS_OK ||
	    ans_zone_parse_text("fuzz", zone_text, sizeof(zone_text) - 1, origin, NULL, b) ||
	    ans_zone_builder_finish(b, NULL, &z) || ans_zoneset_new(&zs, &z, 1))
		abort();
	return zs;
}

static void check(const uint8_t *r, size_t len)
{
	uint8_t name[ANS_NAME_MAX];
	size_t pos = 12, nlen;
	unsigned n = ans_get_u16(r + 6) + ans_get_u16(r + 8) + ans_get_u16(r + 10);
	if (len < 12 || ans_get_u16(r + 4) > 1)
		abort();
	if (ans_get_u16(r + 4) && (ans_name_parse(r, len, &pos, name, &nlen) || (pos += 4) > len))
		abort();
	for (unsigned i = 0; i < n; i++) {
		if (ans_name_parse(r, len, &pos, name, &nlen) || pos + 10 > len)
			abort();
		pos += 10 + ans_get_u16(r + pos + 8);
	}
	if (pos != len)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[65535];
	static const struct ans_answer_conf conf = { .nsid = (const uint8_t *)"n", .nsid_len = 1,
						     .identity = "id", .version = "v" };
	struct ans_answer_ctx ctx;
	struct ans_answer_info info;
	size_t len;
	if (ans_answer(&ctx, &conf, fixed_zoneset(), data, size, ANS_TRANSPORT_UDP, out,
		       4096, &len, &info) || len > 1232 || (len && (check(out, len), 0)))
		abort();
	if (ans_answer(&ctx, &conf, fixed_zoneset(), data, size, ANS_TRANSPORT_TCP, out,
		       sizeof(out), &len, &info) || (len && (check(out, len), 0)))
		abort();
	return 0;
}
