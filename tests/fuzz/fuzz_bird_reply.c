/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes the BIRD control-socket reply parser (healthd/bird_reply.c), the
 * only bytes anyns-healthd reads from its BGP speaker, by parsing reply
 * after reply as the driver does. A parsed reply must consume at least one
 * line and no more than it was given, and its text must be NUL-terminated.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "healthd/speaker.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	struct hd_bird_reply r;
	size_t used;
	while (size > 0 && hd_bird_reply_parse(p, size, &r, &used) == ANS_OK) {
		if (used < 2 || used > size || memchr(r.text, '\0', sizeof(r.text)) == NULL)
			abort();
		(void)hd_bird_ok(r.code, true);
		p += used;
		size -= used;
	}
	return 0;
}
