/* SPDX-License-Identifier: MIT */
/* Fuzzes `anyns check -c`: the YAML text is loaded twice into one
 * check_conf (as two -c files add up). A load either succeeds or fails with
 * one message; nothing it keeps may be half written (the counts and the
 * arrays agree, every node has an address). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cli/check.h"

static void check(int rc, const struct check_conf *c, const char *why)
{
	if (rc != ANS_OK && !why[0])
		__builtin_trap();   /* a failure says why */
	if (c->node_count && !c->nodes)
		__builtin_trap();
	for (size_t i = 0; i < c->node_count; i++)
		if (!c->nodes[i].address[0])
			__builtin_trap();
	if (c->zone_count && !c->zones)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct check_conf c = { 0 };
	char why[512] = "";
	int rc = check_conf_load_text(&c, "fuzz.yaml", (const char *)data, size, why,
				      sizeof(why));
	check(rc, &c, why);
	if (rc == ANS_OK) {
		why[0] = '\0';
		rc = check_conf_load_text(&c, "fuzz2.yaml", (const char *)data, size, why,
					  sizeof(why));
		check(rc, &c, why);
	}
	check_conf_free(&c);
	return 0;
}
