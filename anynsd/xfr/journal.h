/* SPDX-License-Identifier: MIT */
/*
 * The in-memory journal of one zone: an immutable, reference-counted chain
 * of changesets (oldest first, the last one ending at the zone's serial)
 * that outgoing IXFRs borrow for their whole duration. A change makes a
 * new chain sharing the old one's entries (each entry is counted too), so
 * a transfer that started on the old chain keeps it intact.
 * The durable copy is in LMDB (store.h); this is what the workers read.
 */
#ifndef ANYNSD_XFR_JOURNAL_H
#define ANYNSD_XFR_JOURNAL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"
#include "lib/xfr/changeset.h"

struct jentry {
	atomic_uint ref;
	struct ans_changeset *cs;
	size_t size;                       /* journal entry bytes */
};

struct jchain {
	atomic_uint ref;
	size_t n;
	size_t bytes;                      /* sum of entry sizes */
	struct jentry **e;                 /* n entries, oldest first */
	const struct ans_changeset **cs;   /* the same, for ans_journal_select */
};

/* A chain over `n` changesets (ownership taken, also on error).
 * Errors: ANS_ENOMEM. */
int jchain_new(struct ans_changeset **cs, size_t n, struct jchain **out) ANS_WUR;

/* A new chain: `old` (may be NULL; not changed) plus `cs` (ownership
 * taken, also on error), then the oldest entries dropped until at most
 * max_entries and max_bytes remain (0: no limit; the new entry is always
 * kept). The serial_from of each dropped entry goes to drop[] (room for
 * old->n entries), their count to *ndrop. When `cs` does not start where
 * `old` ends, the old entries are all dropped. Errors: ANS_ENOMEM. */
int jchain_append(const struct jchain *old, struct ans_changeset *cs,
		  size_t max_entries, size_t max_bytes, struct jchain **out,
		  uint32_t *drop, size_t *ndrop) ANS_WUR;

/* The serial the chain ends at; 0 with n == 0. */
uint32_t jchain_serial(const struct jchain *c);

void jchain_ref(struct jchain *c);

/* Drops a reference; the last one frees the chain and unshared entries.
 * NULL is fine. */
void jchain_unref(struct jchain *c);

#endif
