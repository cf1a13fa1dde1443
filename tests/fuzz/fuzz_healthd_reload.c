/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes what an anyns-healthd reload computes (healthd/reload_diff.c): the
 * input is two configuration texts split at the first NUL byte. When both
 * load, the diff of a configuration with itself must say "same"; old -> new
 * must count every new probe once (kept, changed or added), map a kept probe
 * only to an old probe equal to it, never be "same" while refusing, and
 * summarise into a NUL-terminated line.
 */
#include <stdlib.h>
#include <string.h>

#include "healthd/conf.h"
#include "healthd/reload.h"

static struct hd_conf *load(const char *text, size_t len)
{
	struct hd_conf *c = NULL;
	char err[256];
	return hd_conf_load_text("fuzz.yaml", text, len, &c, err, sizeof(err)) ? NULL : c;
}

static void check(const struct hd_conf *old, const struct hd_conf *new_conf)
{
	struct hd_reload_diff df;
	char line[512];
	hd_reload_diff(old, new_conf, &df);
	size_t n = new_conf->probe_count;
	if (n > HD_POLICY_MAX_PROBES || df.probes_kept + df.probes_changed + df.probes_added != n ||
	    (df.same && df.refused[0]) || !memchr(df.refused, 0, sizeof(df.refused)))
		abort();
	for (size_t i = 0; i < n; i++)
		if (df.probe_map[i] >= (int)old->probe_count ||
		    (df.probe_map[i] >= 0 &&
		     !hd_conf_probe_equal(&old->probes[df.probe_map[i]], &new_conf->probes[i])))
			abort();
	hd_reload_summary(&df, line, sizeof(line));
	if (!memchr(line, 0, sizeof(line)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data, *nul = memchr(data, 0, size);
	struct hd_reload_diff df;
	if (!nul)
		return 0;
	struct hd_conf *old = load(text, (size_t)(nul - text));
	struct hd_conf *new_conf = old ? load(nul + 1, size - (size_t)(nul + 1 - text)) : NULL;
	if (new_conf) {
		hd_reload_diff(new_conf, new_conf, &df);
		if (!df.same)
			abort();
		check(old, new_conf);
		check(new_conf, old);
	}
	hd_conf_free(new_conf);
	hd_conf_free(old);
	return 0;
}
