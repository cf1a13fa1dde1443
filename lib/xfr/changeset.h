/* SPDX-License-Identifier: MIT */
/*
 * Changesets: the difference between two versions of a zone, as IXFR
 * (RFC 1995) carries it — the SOA before and after, the RRs removed and the
 * RRs added — and a journal of them.
 *
 * A changeset owns its data (an arena): owners are lowercased wire names,
 * rdata is stored wire form (names uncompressed). The SOAs are not listed
 * among the removed/added RRs; they are `soa_from` and `soa_to`. RRs are kept
 * in the order they were added; ans_zone_diff() adds them in canonical order.
 *
 * Journal format (ans_changeset_write): one self-contained, versioned byte
 * string per changeset, checked on read (magic, version, lengths, every name
 * and rdata, a CRC-32 over the whole entry): corrupt bytes give ANS_EMALF,
 * never a crash. See doc/xfr.md for the layout.
 *
 * Not thread-safe while being built; read-only use from several threads is.
 */
#ifndef ANS_XFR_CHANGESET_H
#define ANS_XFR_CHANGESET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/arena.h"
#include "lib/base/diag.h"
#include "lib/base/err.h"
#include "lib/base/wire.h"
#include "lib/wire/rdata.h"
#include "lib/zone/zone.h"

/* One resource record (class IN). Pointers are borrowed from whoever holds
 * the data (a changeset's arena, a zone snapshot). */
struct ans_xfr_rr {
	const uint8_t *owner;    /* wire name */
	uint16_t type;
	uint16_t rdlen;
	uint32_t ttl;
	const uint8_t *rdata;
};

struct ans_rr_list {
	struct ans_xfr_rr *rr;
	size_t count;
	size_t cap;
};

struct ans_changeset {
	struct ans_xfr_rr soa_from;   /* the old apex SOA */
	struct ans_xfr_rr soa_to;     /* the new apex SOA */
	struct ans_rr_list removed;
	struct ans_rr_list added;
	struct ans_arena arena;       /* owns every name and rdata above */
};

/* A walk over the RRs of one RRset of a snapshot's node, each with its own
 * TTL. Every RR of an RRset has the RRset's TTL (RFC 2181 §5.2) except in
 * the node's RRSIG RRset: its records cover different types and each has
 * the TTL of the RRset it covers (RFC 4034 §3), so they are read with the
 * TTLs of the node's per-covered-type groups (ans_rrset_sigs in zone.h).
 * A value on the stack; the zone must outlive it. Added for signed zones. */
struct ans_rrset_walk {
	const struct ans_rrset *rs;
	const struct ans_rrset *grp;   /* RRSIG: the group of the next RR */
	const uint8_t *p;
	uint16_t left;                 /* RRs not yet read */
	uint16_t grp_left;             /* of those, in *grp */
};

void ans_rrset_walk_init(struct ans_rrset_walk *w, const struct ans_node *n,
			 const struct ans_rrset *rs);

/* Fills type, ttl, rdlen and rdata of *rr (not owner) with the next RR and
 * returns true, or returns false at the end. */
bool ans_rrset_walk_next(struct ans_rrset_walk *w, struct ans_xfr_rr *rr);

/* A cursor over every RR of a snapshot in canonical order (nodes in
 * canonical order, RRsets by type, RRs by canonical rdata), each RR with
 * its own TTL (RRSIGs too, see above): what AXFR, diffs, ZONEMD, IXFR
 * apply and the stored copy walk over. A value on the stack; the zone must
 * outlive it. */
struct ans_zone_cursor {
	const struct ans_zone *z;
	size_t node;
	uint16_t rrset;          /* index of the RRset being walked + 1, 0: none */
	struct ans_rrset_walk w;
};

void ans_zone_cursor_init(struct ans_zone_cursor *it, const struct ans_zone *z);

/* Fills *rr with the next RR (pointers into the snapshot) and returns true,
 * or returns false at the end. */
bool ans_zone_cursor_next(struct ans_zone_cursor *it, struct ans_xfr_rr *rr);

/* ans_zone_cursor_next() inline, for the loop that walks a whole zone per
 * RR (AXFR out): its steps are inline but for the node's RRSIG RRset, whose
 * RRs take the TTLs of their groups (ans_rrset_walk_next); every other
 * RRset's RRs carry its TTL (RFC 2181 §5.2). Three calls per RR were ~12 %
 * of an AXFR's instructions, most RRsets holding one RR. */
static inline bool ans_zone_cursor_step(struct ans_zone_cursor *it, struct ans_xfr_rr *rr)
{
	const struct ans_zone *z = it->z;
	struct ans_rrset_walk *w = &it->w;
	while (it->node < z->node_count) {
		const struct ans_node *n = &z->nodes[it->node];
		if (it->rrset > 0 && w->left > 0) {
			if (w->grp) {
				(void)ans_rrset_walk_next(w, rr);
			} else {
				rr->type = w->rs->type;
				rr->ttl = w->rs->ttl;
				rr->rdlen = ans_get_u16(w->p);
				rr->rdata = w->p + 2;
				w->p += 2 + rr->rdlen;
				w->left--;
			}
			rr->owner = n->owner;
			return true;
		}
		if (it->rrset < n->rrset_count) {
			const struct ans_rrset *rs = &n->rrsets[it->rrset++];
			if (rs->type == ANS_TYPE_RRSIG)
				ans_rrset_walk_init(w, n, rs);
			else
				*w = (struct ans_rrset_walk){ .rs = rs, .p = rs->rdata,
							      .left = rs->count };
			continue;
		}
		it->node++;
		it->rrset = 0;
	}
	return false;
}

enum ans_cs_part { ANS_CS_REMOVE, ANS_CS_ADD };

#define ANS_CHANGESET_VERSION 1

/* A new, empty changeset (no SOAs yet). Errors: ANS_ENOMEM. */
int ans_changeset_new(struct ans_changeset **out) ANS_WUR;

/* Frees a changeset and all it owns. NULL is fine. */
void ans_changeset_free(struct ans_changeset *cs);

/* Copies one RR into the changeset: into `removed` or `added`. The owner is
 * lowercased. Errors: ANS_ENOMEM. */
int ans_changeset_add(struct ans_changeset *cs, enum ans_cs_part part,
		      const struct ans_xfr_rr *rr) ANS_WUR;

/* Copies the SOA before (is_to false) or after (is_to true) the change.
 * Errors: ANS_EINVAL (not an SOA), ANS_ENOMEM. */
int ans_changeset_set_soa(struct ans_changeset *cs, bool is_to,
			  const struct ans_xfr_rr *soa) ANS_WUR;

/* The serials of soa_from / soa_to (0 when unset). */
uint32_t ans_changeset_serial_from(const struct ans_changeset *cs);
uint32_t ans_changeset_serial_to(const struct ans_changeset *cs);

/* Journal entry: the exact size ans_changeset_write() needs. */
size_t ans_changeset_size(const struct ans_changeset *cs);

/* Writes the journal entry into buf. Errors: ANS_ESPACE, ANS_EINVAL (SOAs
 * unset). *len gets the bytes written. */
int ans_changeset_write(const struct ans_changeset *cs, uint8_t *buf,
			size_t size, size_t *len) ANS_WUR;

/* Reads one journal entry of exactly `len` bytes into a new changeset
 * (caller frees). Every field is checked. Errors: ANS_EMALF (corrupt,
 * truncated, bad checksum, unknown version), ANS_ENOMEM. */
int ans_changeset_read(const uint8_t *buf, size_t len,
		       struct ans_changeset **out) ANS_WUR;

/*
 * Journal selection: `chain` holds `n` changesets, oldest first, the last
 * one ending at the current serial. For a client at `serial`, *first is the
 * index of the changeset that starts at `serial` and *count the number of
 * changesets from there to the end, after checking that they link up
 * (each one's soa_to serial is the next one's soa_from serial).
 * *count == 0 when `serial` is the current one (or newer: up to date).
 * Errors: ANS_ENOENT when the chain does not cover `serial` (answer with an
 * AXFR-style IXFR), ANS_EMALF when the chain does not link up.
 */
int ans_journal_select(const struct ans_changeset *const *chain, size_t n,
		       uint32_t serial, size_t *first, size_t *count) ANS_WUR;

/*
 * Applies `n` changesets in order to `old`, giving a new snapshot in *out
 * (the old one is not changed). Per RFC 1995 the removal of an RR that is not
 * in the zone, the addition of an RR that already is, and a changeset that
 * does not start at the zone's (or the previous changeset's) serial are
 * errors. The apex SOA becomes the last changeset's soa_to. An added RR whose
 * TTL differs from the rest of its RRset gives the RRset its TTL (as a
 * dynamic update does). Does NOT run the zone checks (check.h).
 * Errors: ANS_ENOENT (removal of a missing RR), ANS_EEXIST (addition of a
 * present RR), ANS_EINVAL (addition outside the zone, or n == 0),
 * ANS_ESTALE (serial chain mismatch), ANS_ENOMEM, and those of
 * ans_zone_builder_finish. A reason goes to `diag` (may be NULL).
 */
int ans_changeset_apply(const struct ans_zone *old,
			const struct ans_changeset *const *cs, size_t n,
			struct ans_diag *diag, struct ans_zone **out) ANS_WUR;

#endif
