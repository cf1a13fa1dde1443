/* SPDX-License-Identifier: MIT */
/* Fuzzes the shared configuration engine (lib/conf) through both programs'
 * loaders: the first byte picks the schema (even, e.g. ' ': anynsd; odd,
 * e.g. '!': anyns-healthd), the rest is the YAML text walked against it. */
#include <stddef.h>
#include <stdint.h>

#include "anynsd/conf/conf.h"
#include "healthd/conf.h"

static void check(int rc, const void *conf, const char *err)
{
	if (rc == ANS_OK && !conf)
		__builtin_trap();   /* success means a usable configuration */
	if (rc != ANS_OK && (conf || !err[0]))
		__builtin_trap();   /* failure means one message, nothing kept */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	if (size == 0)
		return 0;
	const char *text = (const char *)data + 1;
	if (data[0] & 1) {
		struct hd_conf *h = NULL;
		int rc = hd_conf_load_text("fuzz.yaml", text, size - 1, &h, err, sizeof(err));
		check(rc, h, err);
		if (h && (!h->probe_count || !h->announce.count))
			__builtin_trap();
		hd_conf_free(h);
		return 0;
	}
	struct conf *c = NULL;
	int rc = conf_load_text("fuzz.yaml", text, size - 1, &c, err, sizeof(err));
	check(rc, c, err);
	if (c && !c->server.listen.count)
		__builtin_trap();
	conf_free(c);
	return 0;
}
