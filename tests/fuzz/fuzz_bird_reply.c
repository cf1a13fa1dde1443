/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes the BIRD control-socket reply parser (healthd/bird_reply.c), the
 * only bytes anyns-healthd reads from its BGP speaker, by parsing reply
 * after reply as the driver does. A parsed reply must consume at least one
 * line and no more than it was given, and its text must be NUL-terminated.
 * The whole input is also read as a `show protocols` reply
 * (hd_bird_proto_names): every name must be a non-empty BIRD symbol
 * (letters, digits, '_', '.'), shorter than HD_TEXT_MAX, found in the input
 * after a "1002-"/"1002 " code or a continuation blank, since healthd sends
 * the names back in `disable`/`enable` commands.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "healthd/speaker.h"

static void check_names(const char *buf, size_t len)
{
	static char names[8][HD_TEXT_MAX];
	size_t n = hd_bird_proto_names(buf, len, names, 8);
	if (n > 8)
		abort();
	for (size_t i = 0; i < n; i++) {
		size_t w = strnlen(names[i], HD_TEXT_MAX);
		if (w == 0 || w == HD_TEXT_MAX || strspn(names[i], "abcdefghijklmnopqrstuvwxyz"
			"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.") != w)
			abort();
		const char *at = memmem(buf, len, names[i], w);
		while (at && !(at - buf >= 1 && at[-1] == ' ') && !(at - buf >= 5 && at[-1] == '-'))
			at = memmem(at + 1, len - (size_t)(at + 1 - buf), names[i], w);
		if (!at)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_names((const char *)data, size);
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
