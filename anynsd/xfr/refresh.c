/* SPDX-License-Identifier: MIT */
/*
 * DOC: the secondary role: one refresh of one zone
 *
 *   start --have a copy--> SOA over UDP --TC--> SOA over TCP
 *     |                        | newer serial (RFC 1982)    | not newer: up to date
 *     | no copy                v
 *     +------------------> IXFR (our serial) / AXFR over TCP --> publish
 *
 * Targets are the zone's primaries' addresses in order, starting with the
 * one that answered last. A failure moves to the next target; a failed
 * IXFR (error, "use AXFR" single SOA (at once), NOTIMP, a changeset that
 * does not apply) is retried once as AXFR on the same target. When every
 * target failed, the next try is after the SOA retry interval.
 * Every response is verified with the remote's key when it has one, each
 * message of a transfer through one ans_tsig_ctx (RFC 8945 §5.3.1), and
 * the exchange must end on a signed message. Received data goes through
 * ans_xfr_in (zone.max-size as max_bytes, zone.max-records as max_rrs):
 * a transfer that fails, is cut off, badly signed, too large or does not
 * pass the zone checks is never published. A result is published only if its serial is newer than ours.
 * Timers (RFC 1035 §3.3.13): refresh and retry from the SOA, clamped by
 * refresh-min/refresh-max; expire from the last good refresh; all kept in
 * wall-clock time in the store so a restart resumes them.
 */
#include "anynsd/xfr/xfrd_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "anynsd/log.h"
#include "anynsd/worker.h"
#include "anynsd/xfr/store.h"
#include "anynsd/zones.h"
#include "lib/base/wire.h"
#include "lib/name/name.h"
#include "lib/wire/rdata.h"
#include "lib/xfr/diff.h"
#include "lib/xfr/request.h"
#include "lib/xfr/serial.h"

#define IN_CAP (2 + 65535)

struct soa_timers {
	uint32_t serial, refresh, retry, expire;
};

static bool zone_soa(const struct ans_zone *z, struct soa_timers *t)
{
	const struct ans_rrset *rs = z ? ans_zone_soa(z) : NULL;
	if (!rs || !rs->count)
		return false;
	const uint8_t *rd = rs->rdata + 2;
	rd += ans_name_len(rd);
	rd += ans_name_len(rd);
	t->serial = ans_get_u32(rd);
	t->refresh = ans_get_u32(rd + 4);
	t->retry = ans_get_u32(rd + 8);
	t->expire = ans_get_u32(rd + 12);
	return true;
}

static int64_t clamp(const struct xzone *z, int64_t ms)
{
	if (ms < z->cz->refresh_min_ms)
		ms = z->cz->refresh_min_ms;
	if (ms > z->cz->refresh_max_ms)
		ms = z->cz->refresh_max_ms;
	return ms;
}

static size_t target_count(const struct conf_zone *cz)
{
	size_t n = 0;
	for (size_t i = 0; i < cz->primary_count; i++)
		n += cz->primaries[i]->address.count;
	return n;
}

static void target_at(const struct conf_zone *cz, size_t t, const struct conf_remote **r,
		      const struct ans_conf_addr **a)
{
	for (size_t i = 0; i < cz->primary_count; i++) {
		if (t < cz->primaries[i]->address.count) {
			*r = cz->primaries[i];
			*a = &cz->primaries[i]->address.items[t];
			return;
		}
		t -= cz->primaries[i]->address.count;
	}
}

static const struct ans_tsig_key *key_of(const struct exch *e)
{
	return e->remote->key_ref ? &e->remote->key_ref->tsig : NULL;
}

static void close_fd(struct exch *e)
{
	if (e->fd >= 0)
		close(e->fd);
	e->fd = -1;
	e->in_have = 0;
	e->zone->gen++;
	ans_tsig_ctx_free(&e->tsig);
	ans_tsig_ctx_init(&e->tsig);
}

void refresh_abort(struct exch *e)
{
	close_fd(e);
	ans_tsig_ctx_free(&e->tsig);
	ans_xfr_in_free(e->xin);
	e->zone->ex = NULL;
	free(e->in);
	free(e);
}

/* --- timers ------------------------------------------------------------ */

static void save_timers(struct xzone *z, const struct ans_zone *zone, int64_t refresh_in)
{
	struct soa_timers t;
	if (!z->x->store || !zone_soa(zone, &t))
		return;
	int64_t now = (int64_t)time(NULL);
	struct store_timers st = { .serial = t.serial, .last_refresh = now,
				   .expire_at = now + t.expire,
				   .next_refresh = now + refresh_in / 1000 };
	if (store_timers_put(z->x->store, z->cz->domain.wire, &st) != ANS_OK)
		log_warning("zone %s, timers not stored", z->cz->domain.text);
}

static void set_expired(struct xzone *z, bool on)
{
	if (z->expired == on)
		return;
	z->expired = on;
	if (!on)
		return;   /* zones_publish cleared it, or the caller does */
	if (zones_set_expired(z->x->srv->zones, z->idx, true) != ANS_OK)
		log_error("zone %s, expiry not published", z->cz->domain.text);
	log_error("zone %s, expired, answering SERVFAIL", z->cz->domain.text);
}

static void refreshed(struct xzone *z)
{
	const struct ans_zone *zone = zones_current(z->x->srv->zones, z->idx);
	struct soa_timers t;
	int64_t now = xfrd_now_ms();
	if (!zone_soa(zone, &t))
		return;
	if (z->expired) {
		z->expired = false;
		if (zones_set_expired(z->x->srv->zones, z->idx, false) != ANS_OK)
			log_error("zone %s, recovery not published", z->cz->domain.text);
		log_info("zone %s, recovered, serial %u", z->cz->domain.text, t.serial);
	}
	int64_t in = clamp(z, (int64_t)t.refresh * 1000);
	z->refresh_ms = now + in;
	z->expire_ms = now + (int64_t)t.expire * 1000;
	z->fails = 0;
	save_timers(z, zone, in);
}

static int64_t retry_in(struct xzone *z)
{
	struct soa_timers t;
	const struct ans_zone *zone = zones_current(z->x->srv->zones, z->idx);
	return clamp(z, zone_soa(zone, &t) ? (int64_t)t.retry * 1000 : XFRD_RETRY_NOZONE_MS);
}

void zone_timers_start(struct xzone *z)
{
	const struct ans_zone *zone = zones_current(z->x->srv->zones, z->idx);
	struct store_timers st;
	struct soa_timers t;
	int64_t now = xfrd_now_ms(), wall = (int64_t)time(NULL);
	z->refresh_ms = now;
	z->expire_ms = 0;
	if (!zone_soa(zone, &t))
		return;
	z->expire_ms = now + (int64_t)t.expire * 1000;
	if (z->x->store && store_timers_load(z->x->store, z->cz->domain.wire, &st) == ANS_OK &&
	    st.serial == t.serial) {
		z->expire_ms = now + (st.expire_at - wall) * 1000;
		z->expired = st.expire_at <= wall;   /* zones.c marked it already */
		if (st.next_refresh > wall)
			z->refresh_ms = now + (st.next_refresh - wall) * 1000;
	}
}

void zone_expire_check(struct xzone *z)
{
	if (z->expire_ms && !z->expired && xfrd_now_ms() >= z->expire_ms)
		set_expired(z, true);
}

/* --- sending ----------------------------------------------------------- */

static size_t soa_query(uint8_t *b, uint16_t id, const uint8_t *apex)
{
	size_t nl = ans_name_len(apex);
	memset(b, 0, 12);
	ans_put_u16(b, id);
	ans_put_u16(b + 4, 1);
	memcpy(b + 12, apex, nl);
	ans_put_u16(b + 12 + nl, ANS_TYPE_SOA);
	ans_put_u16(b + 14 + nl, ANS_CLASS_IN);
	return 16 + nl;
}

static void fail(struct exch *e, const char *why);
static void start_target(struct xzone *z, size_t t, bool axfr_only);

/* Builds the request of the current phase into e->out (TCP: with its
 * length prefix) and opens the socket. */
static int send_request(struct exch *e)
{
	const struct ans_zone *zone = zones_current(e->zone->x->srv->zones, e->zone->idx);
	uint8_t *m = e->out + 2;
	size_t cap = sizeof(e->out) - 2, len = 0;
	e->id = xfrd_random_id();
	int rc = ANS_OK;
	if (e->phase == PH_XFR)
		rc = ans_xfr_request_write(m, cap - ANS_TSIG_RR_MAX, &len, e->id,
					   e->zone->cz->domain.wire, e->qtype,
					   zone ? zone->serial : 0);
	else
		len = soa_query(m, e->id, e->zone->cz->domain.wire);
	if (rc == ANS_OK && key_of(e))
		rc = ans_tsig_sign(m, &len, cap, key_of(e), (uint64_t)time(NULL),
				   ANS_TSIG_FUDGE_DEFAULT, NULL, 0, &e->tsig);
	if (rc != ANS_OK)
		return rc;
	bool udp = e->phase == PH_SOA_UDP;
	ans_put_u16(e->out, (uint16_t)len);
	e->out_pos = udp ? 2 : 0;
	e->out_len = len + 2;
	rc = xfrd_socket(e->addr, e->remote, udp ? SOCK_DGRAM : SOCK_STREAM, &e->fd);
	if (rc == ANS_OK)
		rc = xfrd_watch(e->zone->x, e->fd, EPOLLOUT | EPOLLIN, &e->ev);
	e->deadline_ms = xfrd_now_ms() + XFRD_IO_TIMEOUT_MS;
	return rc;
}

static void begin_phase(struct exch *e, enum exch_phase ph, uint16_t qtype)
{
	close_fd(e);
	ans_xfr_in_free(e->xin);
	e->xin = NULL;
	e->phase = ph;
	e->qtype = qtype;
	e->msg_count = 0;
	if (ph == PH_XFR) {
		const struct ans_zone *zone = zones_current(e->zone->x->srv->zones, e->zone->idx);
		struct ans_xfr_in_conf c = {
			.zone = e->zone->cz->domain.wire, .qtype = qtype,
			.base = qtype == ANS_TYPE_IXFR ? zone : NULL,
			.max_bytes = (size_t)e->zone->cz->max_size,
			.max_rrs = (size_t)e->zone->cz->max_records };
		if (send_request(e) != ANS_OK) {
			fail(e, "cannot send the request");
			return;
		}
		c.id = e->id;
		if (ans_xfr_in_new(&e->xin, &c) != ANS_OK)
			fail(e, "out of memory");
		return;
	}
	if (send_request(e) != ANS_OK)
		fail(e, "cannot send the request");
}

/* --- receiving --------------------------------------------------------- */

static const char *what(const struct exch *e)
{
	if (e->phase != PH_XFR)
		return "SOA query";
	return e->qtype == ANS_TYPE_AXFR ? "AXFR" : "IXFR";
}

/* TSIG of one response message (strips it). Returns false on failure. */
static bool verify(struct exch *e, uint8_t *m, size_t *len)
{
	const struct ans_tsig_key *k = key_of(e);
	if (!k)
		return true;
	struct ans_tsig_result res;
	int rc = ans_tsig_verify(m, *len, k, 1, (uint64_t)time(NULL), NULL, 0, &e->tsig, &res);
	if (rc != ANS_OK) {
		snprintf(e->why, sizeof(e->why), "TSIG, %s", rc == ANS_ENOTFOUND ? "unsigned answer"
			 : res.error == ANS_TSIG_BADTIME ? "bad time" : "bad signature or key");
		return false;
	}
	if (res.is_signed && ans_tsig_strip(m, len, &res) != ANS_OK)
		return false;
	return true;
}

/* The serial of the SOA answer, walking question and answer. */
static bool soa_answer(const struct exch *e, const uint8_t *m, size_t len, uint32_t *serial)
{
	uint8_t name[ANS_NAME_MAX];
	size_t pos = 12, nl;
	if (ans_get_u16(m + 4) != 1 || ans_name_parse(m, len, &pos, name, &nl) != ANS_OK)
		return false;
	pos += 4;
	for (unsigned i = 0; i < ans_get_u16(m + 6); i++) {
		if (ans_name_parse(m, len, &pos, name, &nl) != ANS_OK || pos + 10 > len)
			return false;
		uint16_t type = ans_get_u16(m + pos), rdlen = ans_get_u16(m + pos + 8);
		size_t rd = pos + 10;
		pos = rd + rdlen;
		if (pos > len)
			return false;
		if (type != ANS_TYPE_SOA || !ans_name_equal(name, e->zone->cz->domain.wire))
			continue;
		size_t p = rd;
		if (ans_name_parse(m, len, &p, name, &nl) != ANS_OK ||
		    ans_name_parse(m, len, &p, name, &nl) != ANS_OK || p + 20 > pos)
			return false;
		*serial = ans_get_u32(m + p);
		return true;
	}
	return false;
}

static void up_to_date(struct exch *e, uint32_t serial)
{
	struct xzone *z = e->zone;
	log_info("zone %s, refresh from %s@%s, serial %u, up to date", z->cz->domain.text,
		 e->remote->id, e->addr->text, serial);
	z->last_good = e->target;
	xstatus_record(z, e, XREC_UP_TO_DATE, NULL);
	refresh_abort(e);
	refreshed(z);
}

static void on_soa(struct exch *e, uint8_t *m, size_t len)
{
	uint32_t serial;
	if (!verify(e, m, &len))
		return fail(e, e->why);
	if (e->phase == PH_SOA_UDP && (m[2] & 0x02))
		return begin_phase(e, PH_SOA_TCP, 0);   /* TC: again over TCP */
	if ((m[3] & 0xf) != 0) {
		snprintf(e->why, sizeof(e->why), "rcode %u", m[3] & 0xf);
		return fail(e, e->why);
	}
	if (!soa_answer(e, m, len, &serial))
		return fail(e, "no SOA in the answer");
	const struct ans_zone *zone = zones_current(e->zone->x->srv->zones, e->zone->idx);
	if (zone && !ans_serial_is_newer(serial, zone->serial))
		return up_to_date(e, zone->serial);
	begin_phase(e, PH_XFR, zone ? ANS_TYPE_IXFR : ANS_TYPE_AXFR);
}

static size_t change_count(const struct ans_xfr_in_result *r)
{
	size_t n = 0;
	for (size_t i = 0; i < r->cs_count; i++)
		n += r->cs[i]->removed.count + r->cs[i]->added.count;
	return n;
}

static void log_done(struct exch *e, const struct ans_xfr_in_result *r, uint32_t old)
{
	double s = (double)(xfrd_now_ms() - e->start_ms) / 1000.0;
	const char *zn = e->zone->cz->domain.text;
	char from[32] = "";
	if (old != r->serial && r->kind != ANS_XFR_IN_AXFR)
		snprintf(from, sizeof(from), "%u -> ", old);
	else if (r->kind == ANS_XFR_IN_AXFR && e->qtype == ANS_TYPE_IXFR)
		snprintf(from, sizeof(from), "%u -> ", old);
	if (r->kind == ANS_XFR_IN_IXFR)
		log_info("zone %s, IXFR from %s@%s, serial %s%u, %zu changes, %.2f s", zn,
			 e->remote->id, e->addr->text, from, r->serial, change_count(r), s);
	else
		log_info("zone %s, %s from %s@%s, serial %s%u, %zu records, %zu messages, %.2f s",
			 zn, what(e), e->remote->id, e->addr->text, from, r->serial,
			 r->zone->rr_count, r->msg_count, s);
}

/* Publishes a finished transfer. */
static void publish(struct exch *e, struct ans_xfr_in_result *r)
{
	struct xzone *z = e->zone;
	struct zones *zs = z->x->srv->zones;
	const struct ans_zone *old = zones_current(zs, z->idx);
	uint32_t old_serial = old ? old->serial : 0;
	bool is_same = old && z->force_axfr && r->serial == old->serial;
	if (old && !ans_serial_is_newer(r->serial, old->serial) && !is_same) {
		snprintf(e->why, sizeof(e->why), "serial %u is not newer than ours, %u",
			 r->serial, old->serial);
		return fail(e, e->why);
	}
	struct ans_changeset *one = NULL, **cs = r->cs;
	size_t n = r->cs_count;
	if (r->kind == ANS_XFR_IN_AXFR) {
		/* A journal entry from our old copy, so we can serve IXFR on. */
		n = old && !is_same && ans_zone_diff(old, r->zone, &one) == ANS_OK ? 1 : 0;
		cs = &one;
	}
	log_done(e, r, old_serial);
	struct ans_zone *zone = r->zone;
	r->zone = NULL;
	if (zones_publish(zs, z->idx, zone, cs, n) != ANS_OK) {
		log_error("zone %s, transfer not published", z->cz->domain.text);
	} else {
		z->expired = false;
		if (z->x->store && store_zone_put(z->x->store, zone) != ANS_OK)
			log_warning("zone %s, copy not stored", z->cz->domain.text);
	}
	for (size_t i = 0; r->kind == ANS_XFR_IN_IXFR && i < r->cs_count; i++)
		r->cs[i] = NULL;   /* owned by the journal now */
	z->last_good = e->target;
	xstatus_record(z, e, XREC_TRANSFERRED, NULL);
	refresh_abort(e);
	refreshed(z);
}

static void transfer_done(struct exch *e)
{
	struct ans_xfr_in_result r;
	memset(&r, 0, sizeof(r));
	if (key_of(e) && ans_tsig_ctx_end(&e->tsig) != ANS_OK)
		return fail(e, "TSIG, the last message was not signed");
	int rc = ans_xfr_in_finish(e->xin, &r);
	if (rc != ANS_OK) {
		snprintf(e->why, sizeof(e->why), "%s", ans_xfr_in_reason(e->xin)[0]
			 ? ans_xfr_in_reason(e->xin) : ans_strerror(rc));
		return fail(e, e->why);
	}
	if (r.kind == ANS_XFR_IN_UP_TO_DATE) {
		uint32_t serial = r.serial;
		ans_xfr_in_result_free(&r);
		return up_to_date(e, serial);
	}
	publish(e, &r);
	ans_xfr_in_result_free(&r);
}

static void on_xfr(struct exch *e, uint8_t *m, size_t len)
{
	if (!verify(e, m, &len))
		return fail(e, e->why);
	e->msg_count++;
	if (ans_xfr_in_feed(e->xin, m, len) != ANS_OK) {
		snprintf(e->why, sizeof(e->why), "%s", ans_xfr_in_reason(e->xin));
		return fail(e, e->why);
	}
	if (ans_xfr_in_is_done(e->xin))
		return transfer_done(e);
	/* RFC 1995 §4: one SOA newer than ours, alone, is the primary saying
	 * it has no increments for us: ask for AXFR now rather than wait for
	 * the stream to end or time out (Knot and BIND do the same). */
	if (e->qtype == ANS_TYPE_IXFR && !e->tried_axfr && ans_xfr_in_is_single_soa(e->xin)) {
		log_info("zone %s, IXFR from %s@%s, no increments (single SOA), trying AXFR",
			 e->zone->cz->domain.text, e->remote->id, e->addr->text);
		e->tried_axfr = true;
		begin_phase(e, PH_XFR, ANS_TYPE_AXFR);
	}
}

/* One complete message; returns false when the exchange ended. */
static bool on_message(struct exch *e, uint8_t *m, size_t len)
{
	if (len < 12 || ans_get_u16(m) != e->id || !(m[2] & 0x80))
		return true;   /* not ours (UDP) or later caught by xfr_in */
	struct xzone *z = e->zone;
	unsigned gen = z->gen;
	if (e->phase == PH_XFR)
		on_xfr(e, m, len);
	else
		on_soa(e, m, len);
	return z->gen == gen;   /* else e's socket, or e, is gone */
}

static void read_tcp(struct exch *e)
{
	for (;;) {
		ssize_t r = recv(e->fd, e->in + e->in_have, IN_CAP - e->in_have, 0);
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (r <= 0)
			return fail(e, r == 0 ? "connection closed" : strerror(errno));
		e->in_have += (size_t)r;
		e->deadline_ms = xfrd_now_ms() + XFRD_IO_TIMEOUT_MS;
		while (e->in_have >= 2 && e->in_have >= 2u + ans_get_u16(e->in)) {
			size_t ml = ans_get_u16(e->in);
			if (!on_message(e, e->in + 2, ml))
				return;
			memmove(e->in, e->in + 2 + ml, e->in_have - 2 - ml);
			e->in_have -= 2 + ml;
		}
	}
}

static void write_out(struct exch *e)
{
	while (e->out_pos < e->out_len) {
		ssize_t w = send(e->fd, e->out + e->out_pos, e->out_len - e->out_pos, MSG_NOSIGNAL);
		if (w < 0 && errno == EAGAIN)
			return;
		if (w < 0)
			return fail(e, strerror(errno));
		e->out_pos += (size_t)w;
	}
	if (xfrd_watch(e->zone->x, e->fd, EPOLLIN, &e->ev) != ANS_OK)
		fail(e, "epoll");
}

void refresh_event(struct exch *e, uint32_t events)
{
	if (e->out_pos < e->out_len) {
		if (events & (EPOLLERR | EPOLLHUP))
			return fail(e, "connection refused or reset");
		if (!(events & EPOLLOUT))
			return;
		write_out(e);
		return;
	}
	if (e->phase != PH_SOA_UDP)
		return read_tcp(e);
	ssize_t r = recv(e->fd, e->in, IN_CAP, 0);
	if (r < 0 && errno != EAGAIN)
		return fail(e, strerror(errno));
	if (r > 0)
		on_message(e, e->in, (size_t)r);
}

void refresh_timeout(struct exch *e)
{
	fail(e, "timed out");
}

/* --- targets and failures ---------------------------------------------- */

static void fail(struct exch *e, const char *why)
{
	struct xzone *z = e->zone;
	size_t n = target_count(z->cz), next = (e->target + 1) % n;
	char msg[200];
	snprintf(msg, sizeof(msg), "%s", why);
	xstatus_record(z, e, XREC_FAILED, msg);
	if (e->phase == PH_XFR && e->qtype == ANS_TYPE_IXFR && !e->tried_axfr) {
		log_warning("zone %s, IXFR from %s@%s, failed (%s), trying AXFR",
			    z->cz->domain.text, e->remote->id, e->addr->text, msg);
		e->tried_axfr = true;
		return begin_phase(e, PH_XFR, ANS_TYPE_AXFR);
	}
	bool last = next == z->last_good;
	int64_t in = retry_in(z);
	if (last)
		log_warning("zone %s, %s from %s@%s, failed (%s), retry in %lld s",
			    z->cz->domain.text, what(e), e->remote->id, e->addr->text, msg,
			    (long long)(in / 1000));
	else
		log_warning("zone %s, %s from %s@%s, failed (%s), trying the next primary",
			    z->cz->domain.text, what(e), e->remote->id, e->addr->text, msg);
	refresh_abort(e);
	if (!last)
		return start_target(z, next, z->force_axfr);
	z->fails++;
	z->refresh_ms = xfrd_now_ms() + in;
	if (z->refresh_pending) {
		z->refresh_pending = false;
		z->refresh_ms = xfrd_now_ms();
	}
}

static void start_target(struct xzone *z, size_t t, bool axfr_only)
{
	struct exch *e = calloc(1, sizeof(*e));
	uint8_t *in = malloc(IN_CAP);
	if (!e || !in) {
		free(e);
		free(in);
		z->refresh_ms = xfrd_now_ms() + retry_in(z);
		return;
	}
	e->ev = (struct xev){ XEV_EXCH, e };
	e->zone = z;
	e->target = t;
	e->in = in;
	e->fd = -1;
	e->start_ms = xfrd_now_ms();
	ans_tsig_ctx_init(&e->tsig);
	target_at(z->cz, t, &e->remote, &e->addr);
	z->ex = e;
	const struct ans_zone *zone = zones_current(z->x->srv->zones, z->idx);
	if (zone && !axfr_only)
		begin_phase(e, PH_SOA_UDP, 0);
	else
		begin_phase(e, PH_XFR, ANS_TYPE_AXFR);
}

/* `anyns ctl retransfer`: drops a running exchange, AXFR at once. */
void refresh_force(struct xzone *z)
{
	if (!z->is_secondary || target_count(z->cz) == 0)
		return;
	if (z->ex)
		refresh_abort(z->ex);
	z->force_axfr = true;
	z->refresh_pending = false;
	start_target(z, z->last_good, true);
}

void refresh_start(struct xzone *z)
{
	z->refresh_pending = false;
	if (target_count(z->cz) == 0)
		return;
	start_target(z, z->last_good, false);
}
