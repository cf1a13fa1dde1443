/* SPDX-License-Identifier: MIT */
/* Fuzzes the decoder of anynsd's stored zones (anynsd/xfr/store.c, the
 * LMDB `zone` value: one journal-format entry holding the whole zone), as a
 * corrupt or hostile storage file would feed it at start-up. A value that
 * decodes must give a checked zone that encodes and decodes again to the
 * same record count; nothing may crash or leak. */
#include <stdlib.h>

#include "anynsd/xfr/store.h"

static const uint8_t origin[] = "\7example\3com";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ans_zone *z = NULL, *again = NULL;
	uint8_t *buf = NULL;
	size_t len;
	if (store_zone_decode(origin, data, size, NULL, &z) != ANS_OK)
		return 0;
	if (store_zone_encode(z, &buf, &len) != ANS_OK ||
	    store_zone_decode(origin, buf, len, NULL, &again) != ANS_OK ||
	    again->rr_count != z->rr_count)
		abort();
	free(buf);
	ans_zone_free(again);
	ans_zone_free(z);
	return 0;
}
