/* SPDX-License-Identifier: MIT */
/*
 * Journal continuity for primary zones across restarts (see zonefile.h).
 *
 * The stored copy is the zone as last served: written at the first load
 * and after each journaled reload (zonefile_stored), so at start-up the
 * stored journal ends at the stored copy's serial. The file is then one of:
 *
 *   newer serial       diff(stored, file) is appended to the chain; a
 *                      secondary at any journaled serial gets IXFR;
 *   same serial        same content: resume; changed content: as a reload
 *                      with an unchanged serial, refused (the stored copy
 *                      is what the secondaries hold at that serial, and
 *                      serving something else under it would split the
 *                      fleet for good: they never refetch an equal serial);
 *   older serial       (RFC 1982) refused the same way.
 *
 * Knot behaves alike with zonefile-load: difference, and warns about a
 * zone file "changed without SOA serial update".
 *
 * Off the start-up path (doc/transfers.md has the figures): zonefile_start
 * reads only the stored copy's serial and its note (the stat key of the
 * file it was made from). The same file: nothing else to do. Otherwise the
 * file's zone is served first and zonefile_settle, run by anynsd/zones.c's
 * settler thread, decodes the copy, diffs, journals and stores. Only an
 * older file serial is decided before serving (zonefile_resume), since the
 * stored copy will be served then.
 */
#include "anynsd/xfr/zonefile.h"

#include <stdlib.h>

#include "anynsd/log.h"
#include "lib/xfr/diff.h"
#include "lib/xfr/serial.h"

/* The stored journal as a chain, if it ends at `serial`. */
static struct jchain *resume_chain(struct store *st, const char *name,
				   const uint8_t *apex, uint32_t serial)
{
	struct ans_changeset **cs = NULL;
	struct jchain *c = NULL;
	size_t n = 0;
	int rc = store_journal_load(st, apex, serial, &cs, &n);
	if (rc != ANS_OK)
		log_warning("zone %s, journal, stored entries dropped (%s)", name,
			    ans_strerror(rc));
	if (rc == ANS_OK && n && jchain_new(cs, n, &c) == ANS_OK)
		log_info("zone %s, journal, %zu changes, serial %u -> %u", name, n,
			 ans_changeset_serial_from(c->cs[0]), serial);
	free(cs);
	return c;
}

/* What the stored copy was made from, beside it: a file whose stat key and
 * serial match at the next start is taken as unchanged (as reloads skip a
 * file whose stat key did not change), so nothing is decoded or diffed. */
struct note {
	uint32_t version;        /* NOTE_VERSION */
	uint32_t serial;         /* of the stored copy */
	struct zonefile_source src;
};
#define NOTE_VERSION 1

/* Written after the copy: a crash between the two leaves an older note
 * that does not match, which costs one comparison at the next start. */
static int zonefile_note(struct store *st, const struct ans_zone *zone,
			 const struct zonefile_source *src)
{
	struct note note = { .version = src ? NOTE_VERSION : 0, .serial = zone->serial };
	if (src)
		note.src = *src;
	return store_note_put(st, zone->apex, &note, sizeof(note));
}

void zonefile_stored(struct store *st, const char *name, const struct ans_zone *zone,
		     const struct zonefile_source *src)
{
	int rc = store_zone_put(st, zone);
	if (rc == ANS_OK)
		rc = zonefile_note(st, zone, src);
	if (rc != ANS_OK)
		log_error("zone %s, copy not stored (%s), a restart with a changed file "
			  "will start a new journal", name, ans_strerror(rc));
}

/* The file is newer than the stored copy: one more journal entry. */
static struct jchain *journal_file_change(struct store *st, const char *name,
					  const struct zonefile_limits *lim,
					  uint32_t stored_serial, const struct ans_zone *file,
					  const struct zonefile_source *src,
					  struct ans_changeset *cs)
{
	struct jchain *old = resume_chain(st, name, file->apex, stored_serial), *nc = NULL;
	uint32_t *drop = calloc((old ? old->n : 0) + 1, sizeof(*drop));
	size_t ndrop = 0, removed = cs->removed.count, added = cs->added.count;
	int rc = drop ? jchain_append(old, cs, lim->max_entries, lim->max_bytes, &nc, drop, &ndrop)
		      : (ans_changeset_free(cs), ANS_ENOMEM);
	if (rc == ANS_OK)
		rc = store_journal_put(st, file->apex, nc->cs[nc->n - 1], drop, ndrop);
	if (rc == ANS_OK) {
		log_info("zone %s, zone file changed while stopped, serial %u -> %u journaled "
			 "(%zu removed, %zu added)", name, stored_serial, file->serial,
			 removed, added);
		zonefile_stored(st, name, file, src);
	} else {
		log_error("zone %s, journal, file difference not stored (%s), IXFR falls "
			  "back to AXFR", name, ans_strerror(rc));
	}
	free(drop);
	jchain_unref(old);
	return nc;
}

/* The file changed but its serial did not increase: serve the stored copy,
 * as a reload would keep the served zone. */
static void keep_stored(const char *name, struct ans_zone **zone, struct ans_zone *stored)
{
	log_error("zone %s, zone file changed but serial %u -> %u did not increase, "
		  "serving the stored copy, serial %u (raise the serial to publish the file)",
		  name, stored->serial, (*zone)->serial, stored->serial);
	ans_zone_free(*zone);
	*zone = stored;
}

void zonefile_resume(struct store *st, const char *name, const struct zonefile_limits *lim,
		     const struct zonefile_source *src, struct ans_zone **zone,
		     struct jchain **chain)
{
	struct ans_zone *file = *zone, *stored = NULL;
	struct ans_changeset *cs = NULL;
	*chain = NULL;
	int rc = store_zone_load(st, file->apex, NULL, &stored);
	if (rc == ANS_OK)
		rc = ans_zone_diff(stored, file, &cs);
	if (rc != ANS_OK) {
		if (rc != ANS_ENOENT)
			log_warning("zone %s, stored copy not usable (%s), journal resumed "
				    "only if it ends at the file's serial", name, ans_strerror(rc));
		ans_zone_free(stored);
		*chain = resume_chain(st, name, file->apex, file->serial);
		zonefile_stored(st, name, file, src);
		return;
	}
	bool same = cs->removed.count == 0 && cs->added.count == 0;
	if (ans_serial_is_newer(file->serial, stored->serial)) {
		uint32_t stored_serial = stored->serial;
		ans_zone_free(stored);   /* one snapshot less while journaling */
		*chain = journal_file_change(st, name, lim, stored_serial, file, src, cs);
		return;
	}
	ans_changeset_free(cs);
	if (same && file->serial == stored->serial) {
		ans_zone_free(stored);
		*chain = resume_chain(st, name, file->apex, file->serial);
		return;
	}
	keep_stored(name, zone, stored);
	*chain = resume_chain(st, name, stored->apex, stored->serial);
}

static bool same_source(const struct zonefile_source *a, const struct zonefile_source *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	       a->mtime_s == b->mtime_s && a->mtime_ns == b->mtime_ns;
}

enum zonefile_start zonefile_start(struct store *st, const char *name,
				   const struct ans_zone *file,
				   const struct zonefile_source *src, struct jchain **chain)
{
	uint32_t stored;
	struct note note;
	*chain = NULL;
	int rc = store_zone_serial(st, file->apex, &stored);
	if (rc == ANS_OK && ans_serial_is_newer(file->serial, stored))
		return ZONEFILE_SETTLE_JOURNAL;
	if (rc != ANS_ENOENT && (rc != ANS_OK || stored != file->serial))
		return ZONEFILE_RESUME_NOW;
	*chain = resume_chain(st, name, file->apex, file->serial);
	if (rc == ANS_OK && src && store_note_get(st, file->apex, &note, sizeof(note)) == ANS_OK &&
	    note.version == NOTE_VERSION && note.serial == stored && same_source(&note.src, src))
		return ZONEFILE_UNCHANGED;
	return ZONEFILE_SETTLE;
}

void zonefile_settle(struct store *st, const char *name, const struct zonefile_limits *lim,
		     const struct ans_zone *served, const struct zonefile_source *src,
		     struct jchain **chain, struct ans_zone **stored_out)
{
	struct ans_zone *stored = NULL;
	struct ans_changeset *cs = NULL;
	*chain = NULL;
	*stored_out = NULL;
	int rc = store_zone_load(st, served->apex, NULL, &stored);
	if (rc == ANS_OK)
		rc = ans_zone_diff(stored, served, &cs);
	if (rc != ANS_OK) {
		if (rc != ANS_ENOENT)
			log_warning("zone %s, stored copy not usable (%s), replaced by the "
				    "served zone", name, ans_strerror(rc));
		ans_zone_free(stored);
		zonefile_stored(st, name, served, src);
		return;
	}
	uint32_t stored_serial = stored->serial;
	bool same = cs->removed.count == 0 && cs->added.count == 0;
	if (ans_serial_is_newer(served->serial, stored_serial)) {
		ans_zone_free(stored);
		*chain = journal_file_change(st, name, lim, stored_serial, served, src, cs);
		return;
	}
	ans_changeset_free(cs);
	if (same && served->serial == stored_serial) {
		ans_zone_free(stored);
		if (zonefile_note(st, served, src) != ANS_OK)   /* the next start skips this */
			log_warning("zone %s, note on the stored copy not written", name);
		else
			log_info("zone %s, stored copy compared with the file, same, serial %u",
				 name, stored_serial);
		return;
	}
	log_error("zone %s, zone file changed but serial %u -> %u did not increase, "
		  "serving the stored copy, serial %u (raise the serial to publish the file)",
		  name, stored_serial, served->serial, stored_serial);
	*chain = resume_chain(st, name, stored->apex, stored_serial);
	*stored_out = stored;
}
