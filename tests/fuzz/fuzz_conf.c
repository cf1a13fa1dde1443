/* SPDX-License-Identifier: MIT */
/* Fuzzes the configuration loader (libyaml walk against the schema table). */
#include <stddef.h>
#include <stdint.h>

#include "anynsd/conf/conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf *c = NULL;
	char err[512];
	if (conf_load_text("fuzz.yaml", (const char *)data, size, &c, err,
			   sizeof(err)) == ANS_OK) {
		if (!c || !c->server.listen.count)
			__builtin_trap();   /* success means a usable configuration */
		conf_free(c);
	} else if (c || !err[0]) {
		__builtin_trap();           /* failure means one message, nothing kept */
	}
	return 0;
}
