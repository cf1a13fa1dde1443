/* SPDX-License-Identifier: MIT */
/*
 * Semantic checks of a finished snapshot, with named-checkzone (BIND 9.18,
 * default options) as the reference for what is an error and what only a
 * warning. One pass over the nodes in canonical order; every diagnostic
 * carries the file:line of the RRset it is about.
 *
 * Errors (the zone is refused):
 *   - the apex has no SOA, or more than one SOA RR; an SOA below the apex;
 *   - the apex has no NS RRset;
 *   - CNAME beside other data (RFC 1034 §3.6.2; RRSIG, NSEC and KEY may
 *     stand beside it, RFC 4035 §2.5 / RFC 2535), more than one CNAME RR;
 *   - more than one DNAME RR at a name (RFC 6672 §2.4: singleton);
 *   - an in-zone target of an apex NS that is a CNAME or has no A/AAAA;
 *   - an apex NSEC3PARAM (SHA-1) with more than 500 extra iterations: ours,
 *     not named-checkzone's (see check_nsec3param()).
 * Warnings (the zone loads, as in named-checkzone):
 *   - in-zone targets of delegation NS records without address records
 *     (missing glue) or that are CNAMEs;
 *   - in-zone MX and SRV targets that are CNAMEs or have no address;
 *   - data below a DNAME, which lookups never reach (RFC 6672 §2.3);
 *   - NSEC3PARAM iterations above 0 (RFC 9276 §3.1), and above 150 with
 *     named-checkzone's own words (BIND 9.18: "excessive NSEC3PARAM
 *     iterations").
 */
#include "lib/zone/check.h"

#include <stdarg.h>
#include <stdio.h>

#include "lib/wire/rdata.h"

struct chk {
	const struct ans_zone *z;
	struct ans_diag *diag;
	unsigned errors;
};

static const char *src_file(const struct chk *c, const struct ans_rrset *rs)
{
	if (rs && rs->src_file < c->z->file_count)
		return c->z->files[rs->src_file];
	return c->z->file_count ? c->z->files[0] : NULL;
}

__attribute__((format(printf, 4, 5)))
static void say(struct chk *c, enum ans_diag_level level, const struct ans_rrset *rs,
		const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (level == ANS_DIAG_ERROR)
		c->errors++;
	ans_diag_report(c->diag, level, src_file(c, rs), rs ? rs->src_line : 0, "%s", msg);
}

static void name_text(const uint8_t *name, char *buf, size_t size)
{
	if (ans_name_to_text(name, buf, size) < 0)
		snprintf(buf, size, "?");
}

/* The text of a name, made on first use: most nodes say nothing, and
 * writing every owner as text cost ~3 % of a 1M-record load. buf starts
 * as "" (a name's text is never empty: the root is "."). */
static const char *owner_text(const struct ans_node *n, char buf[ANS_NAME_TEXT_MAX])
{
	if (buf[0] == '\0')
		name_text(n->owner, buf, ANS_NAME_TEXT_MAX);
	return buf;
}

/* NSEC3 extra iterations (RFC 5155 §5), as anynsd hashes every name of a
 * DO=1 negative answer (lib/zone/zone_dnssec.c, up to three names each).
 * RFC 9276 §3.1: signers SHOULD use 0; §3.2: validators may treat more as
 * insecure, and BIND 9.18, Unbound and PowerDNS do above 150 or less, so
 * such zones buy no security. named-checkzone (9.18.49, tried here) warns
 * above 150 and loads; its dnssec-signzone refuses to sign above 150. We
 * refuse above 500: RFC 5155 §10.3's cap for 2048-bit keys (ECDSA and
 * EdDSA keys are smaller), beyond which each negative answer costs
 * thousands of SHA-1 rounds for an answer no validator trusts. */
#define NSEC3_ITER_WARN 150
#define NSEC3_ITER_MAX 500

static void check_nsec3param(struct chk *c, const struct ans_node *apex)
{
	const struct ans_rrset *rs = ans_node_rrset(apex, ANS_TYPE_NSEC3PARAM);
	char name[ANS_NAME_TEXT_MAX];
	if (!rs)
		return;
	name_text(c->z->apex, name, sizeof(name));
	const uint8_t *p = rs->rdata;
	for (uint16_t i = 0; i < rs->count; i++) {
		uint16_t len = ans_get_u16(p);
		const uint8_t *rd = p + 2;
		p += 2 + len;
		/* Hash algorithm 1 (SHA-1) is the only one (RFC 5155 §11);
		 * zone_dnssec.c ignores the others. */
		if (len < 5 || rd[0] != 1)
			continue;
		unsigned iter = ans_get_u16(rd + 2);
		if (iter > NSEC3_ITER_MAX)
			say(c, ANS_DIAG_ERROR, rs, "%s: NSEC3PARAM iterations %u > %u: "
			    "refused (RFC 9276: use 0)", name, iter, NSEC3_ITER_MAX);
		else if (iter > NSEC3_ITER_WARN)
			say(c, ANS_DIAG_WARNING, rs, "excessive NSEC3PARAM iterations %u > %u",
			    iter, NSEC3_ITER_WARN);
		else if (iter > 0)
			say(c, ANS_DIAG_WARNING, rs, "%s: NSEC3PARAM iterations %u: RFC 9276 "
			    "recommends 0 (each costs a hash per name in negative answers)",
			    name, iter);
	}
}

static void check_apex(struct chk *c)
{
	const struct ans_node *apex = c->z->apex_node;
	const struct ans_rrset *soa = apex ? ans_node_rrset(apex, ANS_TYPE_SOA) : NULL;
	const struct ans_rrset *ns = apex ? ans_node_rrset(apex, ANS_TYPE_NS) : NULL;
	char name[ANS_NAME_TEXT_MAX];
	name_text(c->z->apex, name, sizeof(name));
	if (!soa)
		say(c, ANS_DIAG_ERROR, NULL, "zone %s has 0 SOA records", name);
	else if (soa->count > 1)
		say(c, ANS_DIAG_ERROR, soa, "%s: multiple RRs of singleton type SOA (%u records)",
		    name, soa->count);
	if (!ns)
		say(c, ANS_DIAG_ERROR, soa, "zone %s has no NS records at the apex", name);
	if (apex)
		check_nsec3param(c, apex);
}

/* Types that may share a name with a CNAME: DNSSEC's own records
 * (RFC 4035 §2.5) and KEY (RFC 2535 §2.3.5), as BIND allows. */
static bool cname_companion(uint16_t type)
{
	return type == ANS_TYPE_CNAME || type == ANS_TYPE_RRSIG ||
	       type == ANS_TYPE_NSEC || type == 25 /* KEY */;
}

static void check_node_data(struct chk *c, const struct ans_node *n)
{
	char name[ANS_NAME_TEXT_MAX] = "";
	const struct ans_rrset *cname = ans_node_rrset(n, ANS_TYPE_CNAME);
	const struct ans_rrset *dname = ans_node_rrset(n, ANS_TYPE_DNAME);
	for (uint16_t i = 0; i < n->rrset_count; i++) {
		const struct ans_rrset *rs = &n->rrsets[i];
		if (rs->type == ANS_TYPE_SOA && !(n->flags & ANS_NODE_APEX))
			say(c, ANS_DIAG_ERROR, rs, "SOA record not at top of zone (%s)", owner_text(n, name));
		if (cname && !cname_companion(rs->type)) {
			/* Point at whichever came later in the file, the record
			 * that made the conflict, as BIND does while loading. */
			const struct ans_rrset *at = rs->src_file == cname->src_file &&
				cname->src_line > rs->src_line ? cname : rs;
			say(c, ANS_DIAG_ERROR, at, "%s: CNAME and other data", owner_text(n, name));
			cname = NULL;  /* once per name */
		}
	}
	cname = ans_node_rrset(n, ANS_TYPE_CNAME);
	if (cname && cname->count > 1)
		say(c, ANS_DIAG_ERROR, cname, "%s: multiple RRs of singleton type CNAME", owner_text(n, name));
	if (dname && dname->count > 1)
		say(c, ANS_DIAG_ERROR, dname, "%s: multiple RRs of singleton type DNAME", owner_text(n, name));
	if (n->parent && (n->flags & ANS_NODE_OCCLUDED) && n->rrset_count) {
		const struct ans_node *p = n->parent;
		while (p && !(p->flags & (ANS_NODE_DNAME | ANS_NODE_DELEG)))
			p = p->parent;
		if (p && (p->flags & ANS_NODE_DNAME) && !(p->flags & ANS_NODE_DELEG))
			say(c, ANS_DIAG_WARNING, &n->rrsets[0],
			    "%s: data below a DNAME is occluded and will not be served", owner_text(n, name));
	}
}

/* True when a name lies at or below a zone cut of this zone. */
static bool below_cut(const struct ans_zone *z, const uint8_t *lname)
{
	unsigned labels = ans_name_labels(lname), apex = ans_name_labels(z->apex);
	for (unsigned skip = 0; skip + apex < labels; skip++) {
		const struct ans_node *n = ans_zone_find(z, ans_name_skip_labels(lname, skip));
		if (n && (n->flags & ANS_NODE_DELEG))
			return true;
	}
	return false;
}

static bool has_address(const struct ans_node *n)
{
	return ans_node_rrset(n, ANS_TYPE_A) || ans_node_rrset(n, ANS_TYPE_AAAA);
}

/* Checks one in-zone target of NS, MX or SRV; `strict` makes problems
 * errors (apex NS, named-checkzone's check-integrity) instead of warnings. */
static void check_target(struct chk *c, const struct ans_node *owner,
			 const struct ans_rrset *rs, const uint8_t *target, bool strict)
{
	uint8_t lname[ANS_NAME_MAX];
	char oname[ANS_NAME_TEXT_MAX], tname[ANS_NAME_TEXT_MAX], type[16];
	if (!ans_name_is_sub(target, c->z->apex))
		return;
	ans_name_copy(lname, target);
	ans_name_lower(lname);
	const struct ans_node *t = ans_zone_find(c->z, lname);
	if (t && has_address(t))
		return;
	/* A target below a cut is the delegation's concern (its glue), which
	 * named-checkzone only warns about, from the delegation's NS. */
	if (strict && below_cut(c->z, lname))
		return;
	enum ans_diag_level level = strict ? ANS_DIAG_ERROR : ANS_DIAG_WARNING;
	name_text(owner->owner, oname, sizeof(oname));
	name_text(target, tname, sizeof(tname));
	if (ans_rrtype_to_text(rs->type, type, sizeof(type)) < 0)
		snprintf(type, sizeof(type), "?");
	if (t && ans_node_rrset(t, ANS_TYPE_CNAME))
		say(c, level, rs, "%s/%s '%s' is a CNAME (illegal)", oname, type, tname);
	else if (rs->type == ANS_TYPE_NS && (owner->flags & ANS_NODE_DELEG))
		say(c, level, rs, "%s/NS '%s' has no REQUIRED GLUE address records (A or AAAA)",
		    oname, tname);
	else
		say(c, level, rs, "%s/%s '%s' has no address records (A or AAAA)",
		    oname, type, tname);
}

static void check_targets(struct chk *c, const struct ans_node *n)
{
	/* Occluded data (glue, data under a DNAME) is never answered from. */
	if (n->flags & ANS_NODE_OCCLUDED)
		return;
	for (uint16_t i = 0; i < n->rrset_count; i++) {
		const struct ans_rrset *rs = &n->rrsets[i];
		if (rs->type != ANS_TYPE_NS && rs->type != ANS_TYPE_MX &&
		    rs->type != ANS_TYPE_SRV)
			continue;
		bool strict = rs->type == ANS_TYPE_NS && (n->flags & ANS_NODE_APEX);
		const uint8_t *p = rs->rdata;
		for (uint16_t k = 0; k < rs->count; k++) {
			uint16_t len = ans_get_u16(p);
			const uint8_t *target = ans_rdata_target(rs->type, p + 2, len);
			/* "." as MX/SRV target means "no service" (RFC 7505, 2782) */
			if (target && target[0] != 0)
				check_target(c, n, rs, target, strict);
			p += 2 + len;
		}
	}
}

int ans_zone_check(const struct ans_zone *z, struct ans_diag *diag)
{
	struct chk c = { .z = z, .diag = diag };
	check_apex(&c);
	for (size_t i = 0; i < z->node_count; i++) {
		check_node_data(&c, &z->nodes[i]);
		check_targets(&c, &z->nodes[i]);
	}
	return c.errors ? ANS_ESEMANTIC : ANS_OK;
}
