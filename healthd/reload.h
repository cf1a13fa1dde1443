/* SPDX-License-Identifier: MIT */
/*
 * Configuration reload (SIGHUP, `ctl reload`): what changed between the
 * running configuration and a newly loaded one (pure, unit-tested), and
 * applying it to the running daemon (reload.c). The design block is in
 * reload.c.
 */
#ifndef HEALTHD_RELOAD_H
#define HEALTHD_RELOAD_H

#include <stdbool.h>
#include <stddef.h>

#include "healthd/conf.h"
#include "healthd/policy.h"

struct hd_reload_diff {
	/* For each new probe: the index of the identical old probe (same id,
	 * every option equal), or -1 (added, or changed: started afresh). */
	int probe_map[HD_POLICY_MAX_PROBES];
	size_t probes_kept, probes_added, probes_changed, probes_removed;
	size_t prefixes_added, prefixes_removed;
	bool policy_changed;
	bool speaker_changed;        /* settings the next request uses */
	bool other_changed;          /* identity */
	bool same;                   /* nothing at all changed */
	char refused[160];           /* non-empty: needs a restart; nothing applied */
};

/* Compares `old` (running) with `new`. Pure. */
void hd_reload_diff(const struct hd_conf *old, const struct hd_conf *new,
		    struct hd_reload_diff *out);

bool hd_conf_probe_equal(const struct hd_conf_probe *a, const struct hd_conf_probe *b);

/* "probes 2 kept, 1 added, ...; prefixes +1 -0; policy changed" into buf. */
void hd_reload_summary(const struct hd_reload_diff *df, char *buf, size_t size);

#endif
