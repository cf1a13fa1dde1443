/* SPDX-License-Identifier: MIT */
/*
 * Journal continuity for primary zones across restarts (Knot's
 * "zonefile-load: difference"): the zone as last served is kept in the
 * store's `zone` DB, and at start-up the zone file is compared with it, so
 * a file edited while anynsd was down becomes one more journal entry
 * instead of a fresh journal (which would send every secondary to AXFR).
 */
#ifndef ANYNSD_XFR_ZONEFILE_H
#define ANYNSD_XFR_ZONEFILE_H

#include <stddef.h>

#include "anynsd/xfr/journal.h"
#include "anynsd/xfr/store.h"
#include "lib/base/err.h"
#include "lib/zone/zone.h"

/* The zone file a zone was loaded from, as stat(2) gave it before the load. */
struct zonefile_source {
	uint64_t dev, ino, size;
	int64_t mtime_s, mtime_ns;
};

struct zonefile_limits {
	size_t max_entries;   /* journal-max-entries (0: no limit) */
	size_t max_bytes;     /* journal-max-size (0: no limit) */
};

/*
 * Start-up of a primary zone whose file was just loaded into *zone:
 *  - no stored copy: the stored journal is resumed if it ends at the
 *    file's serial (as before), and the file's zone is stored;
 *  - stored serial older than the file's: the difference becomes a journal
 *    entry after the stored chain (and is stored), the file's zone stored;
 *  - same serial, same content: the stored journal is resumed;
 *  - the file changed but its serial did not increase (same or older): the
 *    reload policy applies (doc/transfers.md), an error is logged and the
 *    stored copy is served instead: *zone is replaced (the file's freed).
 * *chain gets the journal to serve (a new reference) or NULL. Never fails:
 * storage errors are logged and leave IXFR to fall back to AXFR.
 * `name` is the zone's text name for the log.
 */
void zonefile_resume(struct store *st, const char *name, const struct zonefile_limits *lim,
		     const struct zonefile_source *src, struct ans_zone **zone,
		     struct jchain **chain);

/*
 * The same work split for a fast start (doc/transfers.md): zonefile_start
 * only reads the stored copy's serial, so the file's zone is served at
 * once; zonefile_settle, run later off the query path on the served zone,
 * does the stored-copy decode, diff, journaling and copy write.
 *
 * zonefile_start says which: ZONEFILE_UNCHANGED (the copy is at the file's
 * serial and was made from this very file, same stat key: *chain gets the
 * stored journal, nothing is left to do), ZONEFILE_SETTLE (no stored copy, or one at the
 * file's serial: *chain gets the stored journal ending there, NULL if none),
 * ZONEFILE_SETTLE_JOURNAL (the file is newer: its difference will be
 * journaled by settle; no chain until then, so IXFR gets AXFR) or
 * ZONEFILE_RESUME_NOW (file serial older, or the copy unreadable: call
 * zonefile_resume now, the policy decides what is served).
 */
enum zonefile_start {
	ZONEFILE_UNCHANGED, ZONEFILE_SETTLE, ZONEFILE_SETTLE_JOURNAL, ZONEFILE_RESUME_NOW
};

enum zonefile_start zonefile_start(struct store *st, const char *name,
				   const struct ans_zone *file,
				   const struct zonefile_source *src, struct jchain **chain);

/* For a zone served after ZONEFILE_SETTLE(_JOURNAL): *chain gets a new
 * journal to publish (the file's difference appended), or NULL to keep
 * the served one; *stored_out gets the stored copy when it must replace the
 * served zone (content changed under the same serial: the reload policy),
 * or NULL. The stored copy is decoded beside `served` for the diff and
 * freed before the journal and copy are written. Never fails. */
void zonefile_settle(struct store *st, const char *name, const struct zonefile_limits *lim,
		     const struct ans_zone *served, const struct zonefile_source *src,
		     struct jchain **chain, struct ans_zone **stored_out);

/* After a reload was journaled: the new zone becomes the stored copy, with
 * a note of the file it came from (`src`, NULL: unknown). */
void zonefile_stored(struct store *st, const char *name, const struct ans_zone *zone,
		     const struct zonefile_source *src);

#endif
