/* SPDX-License-Identifier: MIT */
/* Fuzzes incoming transfers: byte 0 picks AXFR or IXFR, the rest is a
 * stream of messages each with a 2-byte length prefix, fed to xfr_in
 * against a small base zone (serial 1); the whole input is also read as
 * a journal entry. Nothing may crash, leak or return a half-built zone. */
#include <stdlib.h>

#include "lib/wire/rdata.h"
#include "lib/xfr/xfr_in.h"
#include "lib/zone/parser.h"
#include "tests/fuzz/zone_same.h"

static const uint8_t origin[] = "\7example\3com";
static const char base_text[] = "$TTL 60\n@ SOA ns hm 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n"
				"www A 192.0.2.2\nwww TXT \"t\"\nsub NS ns.sub\nns.sub A 192.0.2.3\n";

static const struct ans_zone *base_zone(void)
{
	static struct ans_zone *z;
	struct ans_zone_builder *b;
	if (!z && (ans_zone_builder_new(&b, origin) ||
		   ans_zone_parse_text("fuzz", base_text, sizeof(base_text) - 1, origin, NULL, b) ||
		   ans_zone_builder_finish(b, NULL, &z)))
		abort();
	return z;
}

static void check_journal(const struct ans_xfr_in_result *res)
{
	struct ans_changeset *back[64] = { NULL };
	struct ans_zone *z = NULL;
	size_t n = res->cs_count < 64 ? res->cs_count : 0;
	for (size_t i = 0; i < n; i++) {
		size_t len = ans_changeset_size(res->cs[i]);
		uint8_t *buf = malloc(len);
		if (!buf || ans_changeset_write(res->cs[i], buf, len, &len) ||
		    ans_changeset_read(buf, len, &back[i]))
			abort();
		free(buf);
	}
	if (n && (ans_changeset_apply(base_zone(), (const struct ans_changeset *const *)back, n,
				      NULL, &z) || !zone_same(z, res->zone)))
		abort();
	ans_zone_free(z);
	for (size_t i = 0; i < n; i++)
		ans_changeset_free(back[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ans_changeset *cs;
	if (ans_changeset_read(data, size, &cs) == ANS_OK)
		ans_changeset_free(cs);
	if (size < 1)
		return 0;
	struct ans_xfr_in_conf conf = { .zone = origin, .id = 0x1234, .base = base_zone(),
					.qtype = data[0] & 1 ? ANS_TYPE_IXFR : ANS_TYPE_AXFR,
					.max_bytes = 1 << 20, .max_rrs = 20000 };
	struct ans_xfr_in *x;
	struct ans_xfr_in_result res;
	if (ans_xfr_in_new(&x, &conf))
		abort();
	size_t pos = 1;
	int rc = ANS_OK;
	while (rc == ANS_OK && pos + 2 <= size) {
		size_t len = (size_t)data[pos] << 8 | data[pos + 1];
		len = len < size - pos - 2 ? len : size - pos - 2;
		rc = ans_xfr_in_feed(x, data + pos + 2, len);
		pos += 2 + len;
	}
	if (ans_xfr_in_finish(x, &res) == ANS_OK) {
		if (res.kind != ANS_XFR_IN_UP_TO_DATE && (!res.zone || res.zone->serial != res.serial))
			abort();
		check_journal(&res);
		ans_xfr_in_result_free(&res);
	} else if (res.zone || res.cs) {
		abort();
	}
	ans_xfr_in_free(x);
	return 0;
}
