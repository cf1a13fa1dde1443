/* SPDX-License-Identifier: MIT */
/*
 * Canonical ranks of many names at once, for the zone builder's sorts
 * (issue 6: comparing names label by label inside qsort was ~half of the
 * CPU of loading a 1M-record zone). Each name is turned once into a key
 * whose plain byte order (memcmp, shorter first) is RFC 4034 §6.1 order;
 * the keys are sorted, and equal names get equal ranks.
 */
#ifndef ANS_ZONE_NAME_RANK_H
#define ANS_ZONE_NAME_RANK_H

#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"

/* Sets rank[i] so that rank[i] < rank[j] exactly when names[i] sorts before
 * names[j] in canonical order (case-insensitive), and rank[i] == rank[j]
 * when they are equal. Ranks are dense from 0. Names are valid wire names;
 * at most UINT32_MAX of them. Scratch memory is allocated and freed inside.
 * Thread-safe. Errors: ANS_ENOMEM, ANS_ELIMIT (too many names). */
int ans_name_rank(const uint8_t *const *names, size_t n, uint32_t *rank) ANS_WUR;

/* Length of the key of a name, and the key itself (exposed for tests):
 * labels from the root, each lowercased, bytes 0 and 1 escaped as 1 1 and
 * 1 2, each label ended by a 0. `key` needs ans_name_key_len() bytes. */
size_t ans_name_key_len(const uint8_t *name);
void ans_name_key(const uint8_t *name, uint8_t *key);

#endif
