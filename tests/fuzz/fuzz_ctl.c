/* SPDX-License-Identifier: MIT */
/* Fuzzes the control request parser (bytes from the control socket). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "anynsd/ctl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctl_req r;
	char why[256];
	why[0] = '\0';
	int rc = ctl_parse((const char *)data, size, &r, why, sizeof(why));
	if (rc == ANS_OK) {
		/* Accepted means a known command, and a zone only as a name. */
		if (r.cmd > CTL_STATS || size > CTL_REQ_MAX ||
		    (r.has_zone && ans_name_len(r.zone) > ANS_NAME_MAX))
			__builtin_trap();
	} else if (!why[0] || strlen(why) >= sizeof(why)) {
		__builtin_trap();   /* a refusal always says why */
	}
	struct ctl_buf b = { 0 };
	ctl_error(&b, r.is_json, why);
	ctl_buf_free(&b);
	return 0;
}
