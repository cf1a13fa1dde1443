/* SPDX-License-Identifier: MIT */
/*
 * The zone snapshot: an immutable, in-memory copy of one zone, built once
 * by a builder and then only read (by any number of threads, without locks),
 * until it is retired and freed whole with ans_zone_free().
 *
 * Contents: nodes (one per owner name, plus empty non-terminals) sorted in
 * canonical order (RFC 4034 §6.1), each with its RRsets; the design note in
 * doc/zone.md and the block at the top of zone.c say how lookups are made.
 *
 * Names in the snapshot are lowercased. Rdata is stored in wire form with
 * uncompressed names, each RR as [u16 rdlen][rdata], RRs of an RRset sorted
 * canonically and without duplicates (RFC 2181 §5).
 */
#ifndef ANS_ZONE_ZONE_H
#define ANS_ZONE_ZONE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/diag.h"
#include "lib/base/err.h"
#include "lib/name/name.h"

struct ans_rrset {
	uint16_t type;
	uint16_t count;          /* number of RRs */
	uint32_t ttl;
	uint32_t rdata_len;      /* bytes in rdata */
	const uint8_t *rdata;    /* count × [u16 rdlen][rdata] */
	uint32_t src_line;       /* where the first RR came from (0: unknown) */
	uint16_t src_file;       /* index into ans_zone.files */
	uint16_t sig_off;        /* 0: no RRSIGs; else rs[sig_off] is the
				  * RRset of the RRSIGs covering this one
				  * (ans_rrset_sigs) */
};

/* The RRSIGs covering rs (RFC 4034 §3), grouped by the builder: an RRset of
 * type RRSIG, TTL that of those RRSIGs, kept after the node's rrsets[] (not
 * counted in rrset_count, so walks of the node see the one RRSIG RRset of
 * all covered types, as a zone file holds it). NULL when rs is unsigned,
 * or not an RRset of a finished snapshot's node. Added for DNSSEC. */
static inline const struct ans_rrset *ans_rrset_sigs(const struct ans_rrset *rs)
{
	return rs->sig_off ? rs + rs->sig_off : NULL;
}

/* Node flags. */
enum {
	ANS_NODE_APEX = 1 << 0,
	ANS_NODE_DELEG = 1 << 1,        /* has NS and is not the apex: a zone cut */
	ANS_NODE_OCCLUDED = 1 << 2,     /* below a zone cut or a DNAME (glue) */
	ANS_NODE_ENT = 1 << 3,          /* empty non-terminal: no RRsets */
	ANS_NODE_HAS_WILDCARD = 1 << 4, /* the node has a "*" child */
	ANS_NODE_DNAME = 1 << 5,        /* has a DNAME RRset */
	ANS_NODE_CNAME = 1 << 6,        /* has a CNAME RRset */
};

struct ans_node {
	const uint8_t *owner;            /* lowercased wire name */
	const struct ans_node *parent;   /* NULL for the apex */
	const struct ans_rrset *rrsets;  /* sorted by type */
	uint16_t rrset_count;
	uint16_t flags;
};

struct ans_zone_index;  /* lookup structure, private to zone.c */
struct ans_zone_dnssec; /* NSEC/NSEC3 indexes, private to zone_dnssec.c */

struct ans_zone {
	const uint8_t *apex;             /* lowercased wire name */
	const struct ans_node *apex_node;
	const struct ans_node *nodes;    /* node_count nodes, canonical order */
	size_t node_count;
	size_t rr_count;                 /* records, not counting duplicates */
	uint32_t serial;                 /* from the apex SOA, 0 without one */
	const char *const *files;        /* source file names (src_file index) */
	size_t file_count;
	struct ans_zone_index *index;
	size_t memory_bytes;             /* what the snapshot holds */
	void *priv;                      /* owned memory, private to zone.c */
	/* NULL unless the zone holds RRSIGs: then DO=1 queries get
	 * signatures and denial proofs (added for DNSSEC). */
	const struct ans_zone_dnssec *dnssec;
};

struct ans_zone_builder;

/* Starts building a zone with the given apex (wire name, any case).
 * Errors: ANS_ENOMEM. */
int ans_zone_builder_new(struct ans_zone_builder **out, const uint8_t *apex) ANS_WUR;

/* Registers a source file name for src_file indices; returns the index
 * (or a negative error). Repeated names return their existing index. */
int ans_zone_builder_file(struct ans_zone_builder *b, const char *path);

/* Adds one RR (class IN). Duplicates are dropped silently (RFC 2181 §5).
 * When RRs of one RRset have different TTLs, the first TTL is kept and a
 * warning is reported at build time (RFC 2181 §5.2).
 * Errors: ANS_ENOMEM, ANS_ELIMIT (rdlen), ANS_EINVAL (meta type). Records
 * outside the zone are accepted here and dropped by finish. */
int ans_zone_builder_add(struct ans_zone_builder *b, const uint8_t *owner,
			 uint16_t type, uint32_t ttl, const uint8_t *rdata,
			 uint16_t rdlen, int src_file, unsigned src_line) ANS_WUR;

/* Builds the snapshot: sorts, merges RRsets, adds empty non-terminals, sets
 * flags and the lookup index, reports TTL mismatches through `diag`, and
 * drops records that are outside the zone, each reported as a warning with
 * its file:line (named-checkzone only warns about them; a parser may also
 * filter them earlier). Does NOT run the semantic checks (see check.h).
 * Frees the builder in every case.
 * Errors: ANS_ENOMEM, ANS_ELIMIT (an RRset of more than 65535 records). */
int ans_zone_builder_finish(struct ans_zone_builder *b, struct ans_diag *diag,
			    struct ans_zone **out) ANS_WUR;

/* Frees a builder that will not be finished. NULL is fine. */
void ans_zone_builder_free(struct ans_zone_builder *b);

/* The snapshot `old` with the nodes of the owners owners[0..n) (lowercased;
 * the apex is always taken) replaced by their nodes in `part`, a snapshot
 * of the same apex built from the complete new contents of those owners
 * (an owner with no records left is simply absent from it). Untouched data
 * is shared with `old` by reference count, so `old` may be freed before or
 * after the result. Consumes `part` in every case. Nodes may appear
 * and vanish. ANS_EAGAIN when the change is not one a patch can make (NS
 * or DNAME appearing or vanishing at a node that stays, more than
 * ANS_ZONE_PATCH_MAX owners and 5 % of the nodes, a long patch chain):
 * then build in full. The result equals a full build of the same records
 * (doc/zone.md, "Patching"). Errors: ANS_ENOMEM, ANS_EAGAIN. Added for
 * IXFR apply. */
#define ANS_ZONE_PATCH_MAX 64
int ans_zone_patch(const struct ans_zone *old, struct ans_zone *part,
		   const uint8_t *const *owners, size_t n, struct ans_zone **out) ANS_WUR;

/* Frees a snapshot and everything it holds. NULL is fine. Only when no
 * reader can still see it (after an RCU grace period in anynsd). */
void ans_zone_free(struct ans_zone *z);

/* Exact lookup of a lowercased wire name; NULL when the zone has no such node
 * (empty non-terminals are nodes). Thread-safe, allocation-free. */
const struct ans_node *ans_zone_find(const struct ans_zone *z, const uint8_t *lname);

/* As ans_zone_find, for a name of `len` bytes whose ans_name_shash() state
 * the caller already has (e.g. from ans_name_shash_suffixes). */
const struct ans_node *ans_zone_find_hashed(const struct ans_zone *z,
					    const uint8_t *lname, size_t len,
					    uint64_t state);

/* The RRset of `type` at a node, or NULL. */
const struct ans_rrset *ans_node_rrset(const struct ans_node *n, uint16_t type);

/* Additional-section data (RFC 1034 §3.6, RFC 1035 §3.3.9/§3.3.11, RFC
 * 2782) of an NS, MX or SRV RRset of a snapshot's node, resolved when the
 * snapshot was built: for each record in rdata order whose target is in the
 * zone and holds A or AAAA records, one entry. Only for RRsets of those
 * three types taken from a finished snapshot (the data sits beside their
 * rdata). Returns the count; *entries points at that many native-endian
 * u32 (read them with memcpy): node index + 1 in the low
 * bits (ANS_ADDL_NODE), ANS_ADDL_OCCLUDED when that node is below a cut or
 * DNAME (glue: only referrals use it), ANS_ADDL_BELOW when it is at or
 * below the RRset's owner (in-domain glue of a delegation). Added for
 * issue 6. */
#define ANS_ADDL_NODE 0x3fffffffu
#define ANS_ADDL_BELOW (1u << 30)
#define ANS_ADDL_OCCLUDED (1u << 31)
unsigned ans_rrset_addl(const struct ans_rrset *rs, const uint8_t **entries);

/* A referral from a zone cut as one ready block (issue 6): the cut's NS
 * RRset in the authority section and its additional section (RFC 1034
 * §4.3.2 3b), written as they would be after a question equal to the cut
 * with nothing else in the compression table, so the question sits at 12
 * and the block at 12 + cut length + 4. For a question of the same zone
 * that ends in the cut's exact bytes and has q more bytes, the block is the
 * same with every pointer (at ptr_at[]) moved by q, and the compression
 * entries (compr[], message offsets) too, unless the question's label next
 * to the cut equals one of labels[] (the labels next to the cut of names
 * written in the block): then the compressor would find a longer match.
 * Filled from the NS RRset of a delegation node of a finished snapshot;
 * false when the cut has none (block too big, or not a delegation). */
struct ans_referral_wire {
	const uint8_t *rr;
	uint16_t len, nauth, naddl;
	uint8_t nptr, ncompr, nlabels;
	const uint8_t *ptr_at;    /* nptr big-endian u16 */
	const uint8_t *compr;     /* ncompr big-endian u16 */
	const uint8_t *labels;    /* nlabels labels, [len][bytes] each */
};
bool ans_rrset_referral(const struct ans_rrset *ns, struct ans_referral_wire *out);

/* Iterating the RRs of an RRset:
 *     const uint8_t *p = rs->rdata;
 *     for (i = 0; i < rs->count; i++) { len = ans_get_u16(p); rd = p + 2; p += 2 + len; } */

/* The apex SOA fields, for negative answers and transfers. */
const struct ans_rrset *ans_zone_soa(const struct ans_zone *z);
uint32_t ans_zone_soa_minimum(const struct ans_zone *z);

/* The apex SOA of negative answers as one ready record (RFC 2308 §3 TTL:
 * min(SOA TTL, MINIMUM)), for a message whose compression table holds only
 * the question: owner, MNAME and RNAME all compress to the apex's copy at
 * the end of the question name. `rr` is the record with three 2-byte
 * placeholders for that pointer (at 0, mname_ptr, rname_ptr); mname/rname
 * (at mname_at/rname_at in rr) are written inline up to the apex, and
 * mname_label/rname_label are their labels next to the apex: when the
 * question's label next to the apex equals one of them, the compressor
 * would find a longer match and the template does not apply. Set only when
 * MNAME and RNAME are strictly below the apex in its exact bytes and their
 * labels next to it differ (otherwise NULL from ans_zone_soa_wire). */
struct ans_zone_soa_wire {
	const uint8_t *rr;
	uint16_t len;
	uint16_t mname_at, mname_ptr, rname_at, rname_ptr;
	const uint8_t *mname_label, *rname_label;
};

/* The template above, or NULL when the zone has none. */
const struct ans_zone_soa_wire *ans_zone_soa_wire(const struct ans_zone *z);

/* The apex's suffix-hash state (ans_name_shash, name.h) and its label
 * count, kept at build time: a name in the zone needs hashing only for its
 * labels below the apex (added for issue 6). */
uint64_t ans_zone_apex_shash(const struct ans_zone *z, unsigned *labels);

/* DNSSEC denial-of-existence lookups (RFC 4035 §3.1.3, RFC 5155 §7.2) on
 * a snapshot whose `dnssec` is set. Thread-safe, allocation-free. */

/* Whether the zone denies with NSEC3: an apex NSEC3PARAM (hash SHA-1) and
 * NSEC3 records with its parameters. */
bool ans_zone_is_nsec3(const struct ans_zone *z);

/* The node whose NSEC RRset matches or covers `lname` (lowercased, in the
 * zone): the last node with an NSEC at or before it in canonical order
 * (RFC 4034 §6.1), or NULL when the zone has no NSEC. */
const struct ans_node *ans_zone_nsec_covering(const struct ans_zone *z,
					      const uint8_t *lname);

/* The NSEC3 hash (RFC 5155 §5) of `lname` (lowercased) with the zone's
 * iterations and salt into hash[20]. False when the zone is not NSEC3. */
bool ans_zone_nsec3_hash(const struct ans_zone *z, const uint8_t *lname,
			 uint8_t hash[20]);

/* The node of the NSEC3 record that matches (*exact) or covers (RFC 5155
 * §1.3, wrapping around the end of the hash order) `hash`; NULL when the
 * zone has no NSEC3 records. */
const struct ans_node *ans_zone_nsec3_find(const struct ans_zone *z,
					   const uint8_t hash[20], bool *exact);

#endif
