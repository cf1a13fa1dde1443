/* SPDX-License-Identifier: MIT */
/*
 * Private to lib/answer: the response being written and the query as
 * parsed. answer.c parses and frames the message, resolve.c finds what
 * goes into it, section.c writes RRsets with compression and truncation.
 */
#ifndef ANS_ANSWER_ANSWER_PRIV_H
#define ANS_ANSWER_ANSWER_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/answer/answer.h"
#include "lib/base/wire.h"
#include "lib/zone/zone.h"

#define HDR_LEN 12
#define QFLAG_QR 0x8000
#define QFLAG_AA 0x0400
#define QFLAG_TC 0x0200
#define QFLAG_RD 0x0100
#define QFLAG_CD 0x0010

enum { RCODE_NOERROR = 0, RCODE_FORMERR = 1, RCODE_SERVFAIL = 2,
       RCODE_NXDOMAIN = 3, RCODE_NOTIMP = 4, RCODE_REFUSED = 5,
       RCODE_YXDOMAIN = 6, RCODE_NOTAUTH = 9, RCODE_BADVERS = 16 };

enum { SEC_ANSWER, SEC_AUTHORITY, SEC_ADDITIONAL };

#define ADDITIONAL_MAX 32   /* RRsets remembered to avoid duplicates */
#define PENDING_MAX 8       /* answer RRsets awaiting additional data */
#define PROOF_MAX 8         /* NSEC/NSEC3 nodes awaiting the authority section */

/* The query, as far as it parsed. */
struct query {
	uint16_t id, flags, qtype, qclass;
	uint8_t opcode;
	bool has_question;
	size_t question_end;        /* offset just past the question */
	const uint8_t *qname;       /* as received: in the request, or the
				    * caller's buffer when it was compressed */
	uint8_t qname_len;          /* wire length of the question name */
	uint8_t qname_labels;       /* labels, the root not counted */
	uint8_t qname_offs[ANS_NAME_MAX_LABELS];   /* label offsets */
	bool has_edns, edns_do, want_nsid;
	uint8_t edns_version;
	uint16_t edns_payload;
	bool has_tsig;
	size_t tsig_pos;            /* offset of the TSIG RR in the query */
};

/* The response being written into the caller's buffer. `w.len` is the
 * size limit minus the space reserved for the OPT record, so that sections
 * can never take the room the OPT needs. */
struct resp {
	struct ans_wire w;
	struct ans_compr *compr;
	const uint8_t *qname;       /* as received: owner of answers at qname */
	const uint8_t *lname;       /* the same name lowercased (ctx->lname):
				    * what compares against the zone's names,
				    * which are lowercased, as exact bytes */
	size_t qname_len;
	uint16_t flags;
	uint16_t rcode;             /* extended: may exceed 15 (BADVERS) */
	uint16_t count[3];
	bool tc;
	size_t question_end;        /* where the sections start */
	uint16_t compr_question;    /* compression entries of the question */
	/* RRsets whose NS/MX/SRV targets get additional data, written after
	 * the authority section; `addl_cut` is the cut of a referral. */
	const struct ans_rrset *addl_src[PENDING_MAX];
	unsigned addl_count;
	const struct ans_node *addl_cut;
	const struct ans_rrset *added[ADDITIONAL_MAX];
	unsigned added_count;
	/* The target of the last CNAME written (zone bytes) and the pointer
	 * the compressor would give that name now (section.c): the owner of
	 * the next step of a chain is that name. NULL when none or after a
	 * rollback of the message. */
	const uint8_t *cname_target;
	uint16_t cname_ptr;
	/* DNSSEC (dnssec.c): set when the query has DO=1 and the zone is
	 * signed; the nodes whose NSEC or NSEC3 RRset (with RRSIGs) goes to
	 * the authority section once the answer section is complete. */
	bool dnssec;
	const struct ans_node *proof[PROOF_MAX];
	unsigned proof_count;
};

/* Big-endian stores as one byte swap and one store: lib/base/wire.h's
 * ans_put_u16/u32 go byte by byte, which the compiler keeps as shifts and
 * byte stores (~25 instructions per response for the header alone). */
static inline void resp_put16(uint8_t *p, uint16_t v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap16(v);
#endif
	memcpy(p, &v, 2);
}

static inline void resp_put32(uint8_t *p, uint32_t v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap32(v);
#endif
	memcpy(p, &v, 4);
}

/* n bytes by overlapping fixed-size loads for short ones (a record's
 * RDLENGTH and rdata for A, AAAA, most TXT; most question names): no
 * memcpy() call. dst and src must not overlap. */
static inline void resp_copy_short(uint8_t *o, const uint8_t *p, size_t n)
{
	uint64_t a, b, c, d;
	uint32_t u, v;
	if (n >= 4 && n < 8) {
		memcpy(&u, p, 4);
		memcpy(&v, p + n - 4, 4);
		memcpy(o, &u, 4);
		memcpy(o + n - 4, &v, 4);
	} else if (n >= 8 && n <= 16) {
		memcpy(&a, p, 8);
		memcpy(&b, p + n - 8, 8);
		memcpy(o, &a, 8);
		memcpy(o + n - 8, &b, 8);
	} else if (n > 16 && n <= 32) {
		memcpy(&a, p, 8);
		memcpy(&b, p + 8, 8);
		memcpy(&c, p + n - 16, 8);
		memcpy(&d, p + n - 8, 8);
		memcpy(o, &a, 8);
		memcpy(o + 8, &b, 8);
		memcpy(o + n - 16, &c, 8);
		memcpy(o + n - 8, &d, 8);
	} else {
		memcpy(o, p, n);
	}
}

/* section.c */
/* Writes a whole RRset in `sec` with owner `owner` (TTL `ttl`), or nothing:
 * on ANS_ESPACE the message is as before the call. */
int resp_put_rrset(struct resp *r, int sec, const uint8_t *owner,
		   const struct ans_rrset *rs, uint32_t ttl);
/* As resp_put_rrset for the answer and authority sections: when the RRset
 * does not fit, the response is cut back to the question and TC set (as
 * Knot does). Returns false when truncated. */
bool resp_put_required(struct resp *r, int sec, const uint8_t *owner,
		       const struct ans_rrset *rs);
bool resp_put_required_ttl(struct resp *r, int sec, const uint8_t *owner,
			   const struct ans_rrset *rs, uint32_t ttl);
/* Adds A and AAAA of the in-zone targets of rs (NS, MX, SRV) to the
 * additional section, as far as they fit. `cut` non-NULL: a referral, glue
 * below that cut is used and its absence for lack of space sets TC. */
void resp_put_additional(struct resp *r, const struct ans_zone *z,
			 const struct ans_rrset *rs, const struct ans_node *cut);
/* The referral of `cut` (authority NS + additional) from its ready block
 * when it gives the same bytes; false when the slow way must write it. */
bool resp_put_referral_fast(struct resp *r, const struct ans_node *cut,
			    const struct ans_rrset *ns);
/* The apex SOA in the authority section with the negative TTL
 * (RFC 2308 §3). */
bool resp_put_soa(struct resp *r, const struct ans_zone *z);

/* dnssec.c: signatures and denial of existence for DO=1 queries on a
 * signed zone (r->dnssec). Each returns false when the response was cut
 * to the question with TC (a required record did not fit). Marked cold:
 * the compiler then keeps the unsigned path's registers and layout as
 * they were (the bench mix measured +13 instructions/query without). */
#define DNSSEC_COLD __attribute__((cold))
/* The RRSIGs covering rs (RFC 4035 §3.1.1), written after it in `sec`. */
DNSSEC_COLD bool dnssec_put_sigs(struct resp *r, int sec, const uint8_t *owner,
		     const struct ans_rrset *rs);
/* After rs was answered at `owner` (lname, `labels` labels): its RRSIGs,
 * and when `wc_ce` is set (rs came from the wildcard below that closest
 * encloser) the proof that no closer name exists (RFC 4035 §3.1.3.3, RFC
 * 5155 §7.2.6). */
DNSSEC_COLD bool dnssec_answered(struct resp *r, const struct ans_zone *z, const uint8_t *owner,
		     const uint8_t *lname, const struct ans_rrset *rs,
		     const struct ans_node *wc_ce);
/* A qtype RRSIG answer at n: each covered type's RRSIGs with its TTL. */
DNSSEC_COLD void dnssec_rrsig_answer(struct resp *r, const uint8_t *owner, const struct ans_node *n);
/* NODATA at node n for lname (after the SOA): the SOA's RRSIGs and the
 * NSEC/NSEC3 proof (RFC 4035 §3.1.3.1, RFC 5155 §7.2.3-7.2.5); wc_ce as
 * for dnssec_answered. */
DNSSEC_COLD void dnssec_nodata(struct resp *r, const struct ans_zone *z, const uint8_t *lname,
		   const struct ans_node *n, const struct ans_node *wc_ce);
/* NXDOMAIN for lname below closest encloser ce (after the SOA): RFC 4035
 * §3.1.3.2, RFC 5155 §7.2.2. */
DNSSEC_COLD void dnssec_nxdomain(struct resp *r, const struct ans_zone *z, const uint8_t *lname,
		     const struct ans_node *ce);
/* A referral from cut (after its NS): DS with RRSIGs, or the proof that
 * there is none (RFC 4035 §3.1.4, RFC 5155 §7.2.7). */
DNSSEC_COLD void dnssec_referral(struct resp *r, const struct ans_zone *z, const struct ans_node *cut);
/* Writes the pending proofs (r->proof) in the authority section. */
DNSSEC_COLD void dnssec_flush(struct resp *r, const struct ans_zone *z);

/* resolve.c: fills the sections for an IN query in zone z. */
void resolve(struct resp *r, const struct ans_zone *z, const uint8_t *lname,
	     const struct query *qq, struct ans_answer_ctx *ctx);

#endif
