/* SPDX-License-Identifier: MIT */
/*
 * The zones anynsd serves: one slot per configured zone holding its current
 * snapshot, and the zone set built over them, published to the workers
 * through RCU (liburcu, memb flavour). See the design block in zones.c.
 */
#ifndef ANYNSD_ZONES_H
#define ANYNSD_ZONES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "anynsd/conf/conf.h"
#include "lib/zone/zoneset.h"

struct zones;

/* Prepares one slot per zone of `conf` (borrowed: it must outlive the
 * registry). Loads nothing. Errors: ANS_ENOMEM. */
int zones_new(struct zones **out, const struct conf *conf) ANS_WUR;

/* (Re)loads the zone files: a file whose identity, size and mtime are
 * unchanged since its last good load is skipped; a zone that fails keeps
 * its old snapshot (or stays unserved) and its diagnostics are logged.
 * A new set is then published and, after an RCU grace period, the old set
 * and replaced snapshots are freed. Returns the number of zones that
 * failed. Called by the main thread only. */
size_t zones_load(struct zones *z);

/* As zones_load() for the one zone file of slot `idx` (a primary zone;
 * a secondary is left as it is). Returns false when it failed (old
 * snapshot kept). Any thread not inside an RCU read section (the control
 * thread); serialised with every other publication. */
bool zones_load_one(struct zones *z, size_t idx);

/* The published set (may be NULL before the first load). Call inside
 * urcu_memb_read_lock(); valid until the matching unlock. */
const struct ans_zoneset *zones_read(struct zones *z);

/* Keeps snapshot `zone` alive past the RCU read section it was found in
 * (an outgoing transfer's lifetime). Call inside urcu_memb_read_lock();
 * pair with zones_release(). Thread-safe. Errors: ANS_ENOMEM. */
int zones_hold(struct zones *z, const struct ans_zone *zone) ANS_WUR;

/* Drops a hold; a snapshot retired by a reload meanwhile is freed with the
 * last hold. Thread-safe. */
void zones_release(struct zones *z, const struct ans_zone *zone);

struct store;
struct jchain;
struct ans_changeset;

/* Called (by the publishing thread, under the publication lock) for each
 * zone whose serial changed: a reload, a transfer, a first load. */
typedef void (*zones_change_fn)(void *ctx, size_t idx, uint32_t serial);

/* Before the first zones_load(): the LMDB store for journals and stored
 * copies (NULL: none) and the change callback (NOTIFY out). */
void zones_set_store(struct zones *z, struct store *st, zones_change_fn fn, void *ctx);

/* Publishes `zone` (ownership taken) as the new snapshot of secondary
 * slot `idx` (the index of its conf zone), journaling cs[0..n) (ownership
 * taken; n == 0: the journal starts over) and clearing the expired mark.
 * Called by the transfer thread. Errors: ANS_ENOMEM (nothing published). */
int zones_publish(struct zones *z, size_t idx, struct ans_zone *zone,
		  struct ans_changeset **cs, size_t n) ANS_WUR;

/* Marks a secondary zone expired (SERVFAIL) or not, and republishes. */
int zones_set_expired(struct zones *z, size_t idx, bool expired) ANS_WUR;

/* The current snapshot of slot idx (NULL: none). Only for the thread that
 * publishes that slot (the transfer thread for secondaries). */
const struct ans_zone *zones_current(struct zones *z, size_t idx);

/* Inside an RCU read section: a reference to the journal chain of `zone`
 * when it ends at zone's serial, else NULL. Release with jchain_unref(). */
struct jchain *zones_chain(struct zones *z, const struct ans_zone *zone);

/* Frees the set and every snapshot; only when no reader is left. */
void zones_free(struct zones *z);

/* `anynsd --check`: loads and checks every zone of `conf`, logs each
 * result and diagnostic, frees them. Returns the number of failed zones. */
size_t zones_check(const struct conf *conf);

#endif
