/* SPDX-License-Identifier: MIT */
/*
 * DOC: signed requests and outgoing transfers (worker side)
 *
 * The answer module knows no keys: it answers every TSIG-signed query
 * NOTAUTH and flags AXFR/IXFR for the program. worker_answer() sends both
 * kinds here, so unsigned ordinary queries never pay for TSIG.
 *
 * Signed request (RFC 8945 §5.2): ans_tsig_verify() against every
 * configured key. Unknown key or bad MAC: an unsigned NOTAUTH BADKEY /
 * BADSIG; good MAC out of the time window: a signed BADTIME. A good one is
 * copied into the worker's scratch buffer without its TSIG RR and answered
 * again by ans_answer(); the response is then signed with the request MAC.
 *
 * Transfers: the zone's acls must allow `transfer` for the client address
 * (and key, when the acl names keys); otherwise REFUSED (signed when the
 * request was), as Knot does. AXFR over UDP is NOTIMP (RFC 5936 §4.2). IXFR
 * over UDP gets the SOA-only answer (RFC 1995 §4: "too large, use TCP").
 * Over TCP a struct xfr_job is made: it holds the snapshot (zones_hold(),
 * so it outlives the short RCU read section), the message iterator
 * (lib/xfr axfr_out / ixfr_out) and the TSIG context, which signs every
 * message (§5.3.1 allows every hundredth; every one is simplest for
 * peers). net/tcp.c asks for the next message each time its output buffer
 * has drained, so a transfer never blocks the worker's other connections.
 */
#include "anynsd/xfr_out.h"
#include "anynsd/stats.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "anynsd/log.h"
#include "anynsd/xfr/journal.h"
#include "anynsd/xfr/xfrd.h"
#include "lib/base/wire.h"
#include "lib/wire/rdata.h"
#include "lib/wire/tsig.h"
#include "lib/xfr/axfr_out.h"
#include "lib/xfr/ixfr_out.h"
#include "lib/xfr/request.h"

#define RCODE_FORMERR 1
#define RCODE_NOTIMP 4
#define RCODE_REFUSED 5
#define RCODE_NOTAUTH 9

struct xfr_job {
	struct zones *zones;
	const struct ans_zone *zone;      /* held */
	struct jchain *chain;             /* journal, referenced; may be NULL */
	struct ans_xfr_out it;
	const struct ans_tsig_key *key;   /* NULL: unsigned */
	struct ans_tsig_ctx tsig;
	int64_t start_ms;
	char peer[ANS_CONF_ADDR_TEXT_MAX];
	bool failed;
	struct server *srv;               /* for the counters (stats.h) */
};

/* The state of one request on its way through this file. */
struct req {
	struct worker *w;
	const struct ans_zoneset *zs;
	const uint8_t *q;
	size_t q_len;
	enum ans_transport tr;
	const struct sockaddr *peer;
	uint8_t *out;
	size_t out_size;
	const struct ans_tsig_key *key;   /* verified request key */
	struct ans_tsig_ctx *tsig;        /* NULL when unsigned */
};

static uint64_t now_s(void)
{
	return (uint64_t)time(NULL);
}

static void xfr_peer_text(const struct sockaddr *sa, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;
	if (sa && sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
		inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
		port = ntohs(s4->sin_port);
	} else if (sa && sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
		inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
		port = ntohs(s6->sin6_port);
	}
	snprintf(buf, size, "%s@%u", a, port);
}

static void zone_text(const uint8_t *apex, char *buf, size_t size)
{
	if (ans_name_to_text(apex, buf, size) < 0)
		snprintf(buf, size, "?");
}

/* Signs a single response when the request was signed. */
static size_t sign_single(struct req *r, size_t len)
{
	if (!r->tsig || len == 0)
		return len;
	if (ans_tsig_sign(r->out, &len, r->out_size, r->key, now_s(),
			  ANS_TSIG_FUDGE_DEFAULT, NULL, 0, r->tsig) != ANS_OK)
		return 0;
	return len;
}

static size_t refuse(struct req *r, uint8_t rcode)
{
	return sign_single(r, ans_answer_error(r->q, r->q_len, rcode, r->out,
					       r->out_size - ANS_TSIG_RR_MAX));
}

static const char *kind_name(uint16_t qtype)
{
	return qtype == ANS_TYPE_AXFR ? "AXFR" : "IXFR";
}

static int job_new(struct req *r, const struct ans_zone *z, struct xfr_job **out)
{
	struct xfr_job *j = calloc(1, sizeof(*j));
	if (!j)
		return ANS_ENOMEM;
	if (zones_hold(r->w->srv->zones, z) != ANS_OK) {
		free(j);
		return ANS_ENOMEM;
	}
	j->zones = r->w->srv->zones;
	j->srv = r->w->srv;
	j->zone = z;
	j->key = r->key;
	ans_tsig_ctx_init(&j->tsig);
	if (r->tsig) {
		j->tsig = *r->tsig;          /* moves the chain into the job */
		ans_tsig_ctx_init(r->tsig);
	}
	j->start_ms = worker_now_ms();
	xfr_peer_text(r->peer, j->peer, sizeof(j->peer));
	*out = j;
	return ANS_OK;
}

/* TCP: starts the job. IXFR is answered from the zone's journal chain,
 * which the job references until it ends (a reload meanwhile makes a new
 * chain and leaves this one intact); AXFR-style when not covered. */
static size_t start_tcp(struct req *r, const struct ans_xfr_request *xr,
			const struct ans_zone *z, struct xfr_job **job)
{
	struct xfr_job *j;
	if (job_new(r, z, &j) != ANS_OK)
		return refuse(r, 2);
	struct ans_xfr_out_conf oc = { .reserve_bytes = j->key ? ans_tsig_rr_size(j->key) : 0 };
	if (xr->qtype == ANS_TYPE_IXFR)
		j->chain = zones_chain(r->w->srv->zones, z);
	int rc = xr->qtype == ANS_TYPE_AXFR
		 ? ans_axfr_out_init(&j->it, xr, z, &oc)
		 : ans_ixfr_out_init(&j->it, xr, z, j->chain ? j->chain->cs : NULL,
				     j->chain ? j->chain->n : 0, &oc);
	if (rc != ANS_OK) {
		j->failed = true;
		xfr_job_end(j);
		return refuse(r, 2);
	}
	*job = j;
	return 0;
}

static size_t answer_udp_ixfr(struct req *r, const struct ans_xfr_request *xr,
			      const struct ans_zone *z)
{
	struct ans_xfr_out it;
	struct ans_xfr_out_conf oc = { .reserve_bytes = r->key ? ans_tsig_rr_size(r->key) : 0 };
	size_t len = 0;
	size_t room = xr->has_edns ? (size_t)r->w->srv->conf->server.udp_max_payload : 512;
	if (room > r->out_size)
		room = r->out_size;
	struct jchain *c = zones_chain(r->w->srv->zones, z);
	int rc = ans_ixfr_out_udp(&it, xr, z, c ? c->cs : NULL, c ? c->n : 0, &oc,
				  r->out, room, &len);
	jchain_unref(c);
	if (rc != ANS_OK)
		return refuse(r, 2);
	return sign_single(r, len);
}

static size_t answer_xfr(struct req *r, const struct ans_zone *z, struct xfr_job **job)
{
	struct ans_xfr_request xr;
	char name[ANS_NAME_TEXT_MAX], peer[ANS_CONF_ADDR_TEXT_MAX];
	if (ans_xfr_request_parse(r->q, r->q_len, &xr) != ANS_OK)
		return refuse(r, RCODE_FORMERR);
	zone_text(z->apex, name, sizeof(name));
	xfr_peer_text(r->peer, peer, sizeof(peer));
	const struct conf_zone *cz = conf_zone_find(r->w->srv->conf, z->apex);
	if (!cz || !conf_acl_allows(cz, r->peer, r->key, CONF_ACTION_TRANSFER)) {
		log_info("zone %s, %s to %s, refused (not allowed by acl%s)", name,
			 kind_name(xr.qtype), peer, r->key ? "" : ", unsigned");
		return refuse(r, RCODE_REFUSED);
	}
	if (r->tr == ANS_TRANSPORT_UDP)
		return xr.qtype == ANS_TYPE_AXFR ? refuse(r, RCODE_NOTIMP)
						 : answer_udp_ixfr(r, &xr, z);
	if (!job)
		return refuse(r, RCODE_REFUSED);
	return start_tcp(r, &xr, z, job);
}

/* Incoming NOTIFY (RFC 1996 §3.7): for a secondary zone, from an address
 * (and key) its acls allow with `action: notify`, answered NOERROR AA and
 * handed to the transfer thread, which refreshes at once. Not allowed:
 * REFUSED (the acl is checked first, so probing tells nothing). A zone
 * we do not serve, or serve as primary: NOTAUTH. */
static size_t answer_notify(struct req *r)
{
	const struct conf *c = r->w->srv->conf;
	uint8_t name[ANS_NAME_MAX];
	char zone[ANS_NAME_TEXT_MAX], peer[ANS_CONF_ADDR_TEXT_MAX];
	size_t pos = 12, nl;
	if (r->q_len < 12 || ans_get_u16(r->q + 4) != 1 ||
	    ans_name_parse(r->q, r->q_len, &pos, name, &nl) != ANS_OK)
		return refuse(r, RCODE_FORMERR);
	ans_name_lower(name);
	zone_text(name, zone, sizeof(zone));
	xfr_peer_text(r->peer, peer, sizeof(peer));
	const struct conf_zone *cz = conf_zone_find(c, name);
	if (!cz)
		return refuse(r, RCODE_NOTAUTH);
	if (!conf_acl_allows(cz, r->peer, r->key, CONF_ACTION_NOTIFY)) {
		log_info("zone %s, NOTIFY from %s, refused (not allowed by acl%s)", zone, peer,
			 r->key ? "" : ", unsigned");
		return refuse(r, RCODE_REFUSED);
	}
	if (cz->primary_count == 0) {
		log_info("zone %s, NOTIFY from %s, not a secondary zone, NOTAUTH", zone, peer);
		return refuse(r, RCODE_NOTAUTH);
	}
	log_info("zone %s, NOTIFY from %s, refreshing", zone, peer);
	if (r->w->srv->xfrd)
		xfrd_notify(r->w->srv->xfrd, (size_t)(cz - c->zones));
	size_t len = ans_answer_error(r->q, r->q_len, 0, r->out, r->out_size - ANS_TSIG_RR_MAX);
	if (len >= 12)
		r->out[2] |= 0x04;   /* AA */
	return sign_single(r, len);
}

/* The request without its TSIG RR, answered again by the answer module. */
static size_t answer_verified(struct req *r, const struct ans_tsig_result *res,
			      struct xfr_job **job)
{
	uint8_t *copy = r->w->scratch;
	size_t len = r->q_len;
	memcpy(copy, r->q, len);
	if (ans_tsig_strip(copy, &len, res) != ANS_OK)
		return 0;
	r->q = copy;
	r->q_len = len;
	struct ans_answer_info info;
	size_t out_len = 0;
	if (ans_answer(&r->w->actx, &r->w->srv->answer_conf, r->zs, copy, len, r->tr,
		       r->out, r->out_size - ANS_TSIG_RR_MAX, &out_len, &info) != ANS_OK)
		return 0;
	if (info.is_xfr && info.zone)
		return answer_xfr(r, info.zone, job);
	if (info.is_notify)
		return answer_notify(r);
	return sign_single(r, out_len);
}

static size_t answer_signed(struct req *r, bool is_notify, struct xfr_job **job)
{
	const struct server *srv = r->w->srv;
	struct ans_tsig_result res;
	struct ans_tsig_ctx ctx;
	ans_tsig_ctx_init(&ctx);
	uint64_t now = now_s();
	int rc = ans_tsig_verify(r->q, r->q_len, srv->keys, srv->key_count, now,
				 NULL, 0, &ctx, &res);
	size_t len = 0;
	if (rc == ANS_OK) {
		r->key = res.key;
		r->tsig = &ctx;
		len = answer_verified(r, &res, job);
	} else if (res.error == ANS_TSIG_BADKEY || res.error == ANS_TSIG_BADSIG ||
		   res.error == ANS_TSIG_BADTIME || res.error == ANS_TSIG_BADTRUNC) {
		/* RFC 8945 §5.2: NOTAUTH with the TSIG error; BADTIME signed. */
		len = ans_answer_error(r->q, res.tsig_pos, RCODE_NOTAUTH, r->out,
				       r->out_size - ANS_TSIG_RR_MAX);
		if (len && ans_tsig_sign_error(r->out, &len, r->out_size, &res, now) != ANS_OK)
			len = 0;
	} else if (rc == ANS_ENOTFOUND && is_notify) {
		len = answer_notify(r);   /* an unsigned NOTIFY */
	} else {
		len = ans_answer_error(r->q, r->q_len, RCODE_FORMERR, r->out, r->out_size);
	}
	ans_tsig_ctx_free(&ctx);
	return len;
}

size_t xfr_answer(struct worker *w, const struct ans_zoneset *zs,
		  const uint8_t *q, size_t q_len, enum ans_transport tr,
		  const struct sockaddr *peer, uint8_t *out, size_t out_size,
		  struct xfr_job **job)
{
	struct req r = { .w = w, .zs = zs, .q = q, .q_len = q_len, .tr = tr,
			 .peer = peer, .out = out, .out_size = out_size };
	struct ans_answer_info info;
	size_t len = 0;
	if (ans_answer(&w->actx, &w->srv->answer_conf, zs, q, q_len, tr, out,
		       out_size, &len, &info) != ANS_OK)
		return 0;
	if (info.is_xfr && info.zone)
		return answer_xfr(&r, info.zone, job);
	return answer_signed(&r, info.is_notify, job);
}

int xfr_job_next(struct xfr_job *j, uint8_t *buf, size_t size, size_t *len)
{
	*len = 0;
	if (j->it.is_done)
		return ANS_OK;
	size_t cap = size > ANS_XFR_MSG_MAX ? ANS_XFR_MSG_MAX : size;
	int rc = ans_xfr_out_next(&j->it, buf, cap, len);
	if (rc == ANS_OK && j->key)
		rc = ans_tsig_sign(buf, len, cap, j->key, now_s(),
				   ANS_TSIG_FUDGE_DEFAULT, NULL, 0, &j->tsig);
	if (rc != ANS_OK) {
		*len = 0;
		j->failed = true;
	}
	return rc;
}

void xfr_job_end(struct xfr_job *j)
{
	char name[ANS_NAME_TEXT_MAX];
	zone_text(j->zone->apex, name, sizeof(name));
	double s = (double)(worker_now_ms() - j->start_ms) / 1000.0;
	const char *what = j->it.kind == ANS_XFR_AXFR ? "AXFR" :
			   j->it.kind == ANS_XFR_IXFR ? "IXFR" : "IXFR, up to date";
	if (j->it.is_done && !j->failed)
		log_info("zone %s, %s to %s%s, serial %u, %zu messages, %zu records, %.2f s",
			 name, what, j->peer, j->key ? ", signed" : "", j->zone->serial,
			 j->it.msg_count, j->it.rr_count, s);
	else
		log_warning("zone %s, %s to %s, failed after %zu messages (%s)", name,
			    what, j->peer, j->it.msg_count,
			    j->failed ? "cannot build message" : "connection closed");
	const struct conf_zone *cz = conf_zone_find(j->srv->conf, j->zone->apex);
	if (cz)
		stats_xfr_out(j->srv->stats, (size_t)(cz - j->srv->conf->zones),
			      j->it.is_done && !j->failed);
	ans_tsig_ctx_free(&j->tsig);
	jchain_unref(j->chain);
	zones_release(j->zones, j->zone);
	free(j);
}
