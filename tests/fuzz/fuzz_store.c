/* SPDX-License-Identifier: MIT */
/* Fuzzes the decoder of anynsd's stored zones (anynsd/xfr/store.c, the
 * LMDB `zone` value: one journal-format entry holding the whole zone), as a
 * corrupt or hostile storage file would feed it at start-up. Byte 0 odd:
 * the entry's length field and CRC are repaired first, so the fuzzer gets
 * past the checksum into the record parser and the zone checks. A value
 * that decodes must give a zone that encodes and decodes again to the same
 * RRs, each with its own TTL (zone_same.h: RRSIG groups included); nothing
 * may crash or leak. */
#include <stdlib.h>
#include <string.h>

#include "anynsd/xfr/store.h"
#include "lib/base/wire.h"
#include "tests/fuzz/zone_same.h"

static const uint8_t origin[] = "\7example\3com";

static uint32_t crc32_ieee(const uint8_t *p, size_t len)
{
	uint32_t crc = 0xffffffffu;
	for (size_t i = 0; i < len; i++) {
		crc ^= p[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ans_zone *z = NULL, *again = NULL;
	uint8_t *buf = NULL, *in;
	size_t len;
	if (size < 1 || !(in = malloc(size)))
		return 0;
	memcpy(in, data + 1, --size);
	if ((data[0] & 1) && size >= 16) {   /* layout: doc/xfr.md, journal entry */
		ans_put_u32(in + 8, (uint32_t)size);
		ans_put_u32(in + size - 4, crc32_ieee(in, size - 4));
	}
	if (store_zone_decode(origin, in, size, NULL, &z) == ANS_OK) {
		if (store_zone_encode(z, &buf, &len) != ANS_OK ||
		    store_zone_decode(origin, buf, len, NULL, &again) != ANS_OK ||
		    !zone_same(again, z))
			abort();
	}
	free(buf);
	ans_zone_free(again);
	ans_zone_free(z);
	free(in);
	return 0;
}
