/* SPDX-License-Identifier: MIT */
/*
 * anynsd's persistent state in one LMDB environment,
 * `<server.storage>/anyns.mdb` (a single file, MDB_NOSUBDIR), with three
 * named databases; every key starts with the zone's lowercased wire name
 * (prefix-free: the root label ends it):
 *
 *   journal   apex + serial_from (u32 BE)  ->  one journal entry
 *             (ans_changeset_write, doc/xfr.md), a chain per zone
 *   zone      apex                          ->  the whole zone as one
 *             entry of the same format: soa_from = soa_to = the apex SOA,
 *             `added` = every other RR
 *             apex + 0x01                   ->  a note on that copy
 *             (primaries: the file it was loaded from, xfr/zonefile.c)
 *   timers    apex                          ->  struct store_timers, 28 bytes
 *
 * Every value read back is checked (the entry CRC and parser; the timers'
 * length and version): corruption gives ANS_EMALF, never a crash.
 * Writers are serialised by LMDB; each call is one transaction.
 */
#ifndef ANYNSD_XFR_STORE_H
#define ANYNSD_XFR_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"
#include "lib/xfr/changeset.h"
#include "lib/zone/zone.h"

struct store;

/* Wall-clock timers of a secondary zone (seconds since the epoch). */
struct store_timers {
	uint32_t serial;
	int64_t last_refresh;     /* last good refresh (0: never) */
	int64_t expire_at;        /* when the copy expires */
	int64_t next_refresh;     /* when to refresh next */
};

/* Opens (creating) `dir`/anyns.mdb. Errors: ANS_EIO (logged by the caller
 * with the reason in `why`). */
int store_open(struct store **out, const char *dir, char *why, size_t why_size) ANS_WUR;
void store_close(struct store *s);

/* Appends `cs` to the zone's journal and deletes the entries whose
 * serial_from are in drop[0..ndrop), in one transaction. */
int store_journal_put(struct store *s, const uint8_t *apex, const struct ans_changeset *cs,
		      const uint32_t *drop, size_t ndrop) ANS_WUR;

/* Deletes every journal entry of the zone. */
int store_journal_clear(struct store *s, const uint8_t *apex) ANS_WUR;

/* Reads the zone's journal as a chain ending at `serial`, oldest first
 * (entries that do not link up to it are deleted). *out is a malloc'd
 * array of changesets (caller frees each and the array); *n may be 0.
 * A corrupt entry: the whole journal is cleared, ANS_EMALF returned. */
int store_journal_load(struct store *s, const uint8_t *apex, uint32_t serial,
		       struct ans_changeset ***out, size_t *n) ANS_WUR;

/* Stores / reads the whole zone. Load errors: ANS_ENOENT (none stored),
 * ANS_EMALF (corrupt), those of the zone builder and ANS_ESEMANTIC. */
int store_zone_put(struct store *s, const struct ans_zone *z) ANS_WUR;
int store_zone_load(struct store *s, const uint8_t *apex, struct ans_diag *diag,
		    struct ans_zone **out) ANS_WUR;

/* The serial of the stored zone, read from the entry's SOA without decoding
 * the rest (microseconds for any size). Errors: ANS_ENOENT, ANS_EMALF,
 * ANS_EIO. The full check is store_zone_load's. */
int store_zone_serial(struct store *s, const uint8_t *apex, uint32_t *serial) ANS_WUR;
/* Removes a zone's stored copy and its note; absent ones are not an error. */
int store_zone_del(struct store *s, const uint8_t *apex) ANS_WUR;

/* A small note of `len` bytes kept beside the zone's stored copy (in the
 * zone DB under the apex and one byte more): what the copy was made from
 * (xfr/zonefile.c). get: ANS_ENOENT, ANS_EMALF (another length), ANS_EIO. */
int store_note_put(struct store *s, const uint8_t *apex, const void *note, size_t len) ANS_WUR;
int store_note_get(struct store *s, const uint8_t *apex, void *note, size_t len) ANS_WUR;

int store_timers_put(struct store *s, const uint8_t *apex, const struct store_timers *t) ANS_WUR;
/* Errors: ANS_ENOENT, ANS_EMALF. */
int store_timers_load(struct store *s, const uint8_t *apex, struct store_timers *t) ANS_WUR;

/* Serialises a whole zone as one entry (malloc'd; caller frees). */
int store_zone_encode(const struct ans_zone *z, uint8_t **buf, size_t *len) ANS_WUR;
/* And back, with the zone checks. */
int store_zone_decode(const uint8_t *apex, const uint8_t *buf, size_t len,
		      struct ans_diag *diag, struct ans_zone **out) ANS_WUR;

#endif
