/* SPDX-License-Identifier: MIT */
/*
 * NOTIFY out (RFC 1996): when a zone's serial changes (reload, received
 * transfer, first load, as Knot does on load), every address of every
 * `notify:` remote gets a NOTIFY over UDP: opcode NOTIFY, AA, the zone's
 * SOA question and its current SOA in the answer section (§3.7, "MAY",
 * as Knot and BIND send it: a secondary may skip its SOA query), signed with the remote's key when it has one. It is
 * resent after 1 s, then 2, 4, 8 s (§3.6: retry until acknowledged, with
 * a bound); a newer serial replaces a pending one. The answer must match
 * the ID, be a NOTIFY response and verify (TSIG); NOERROR acknowledges.
 */
#include "anynsd/xfr/xfrd_int.h"

#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <urcu/urcu-memb.h>

#include "anynsd/log.h"
#include "anynsd/worker.h"
#include "anynsd/zones.h"
#include "lib/base/wire.h"
#include "lib/name/name.h"
#include "lib/wire/rdata.h"

#define OPCODE_NOTIFY 4

void notify_stop(struct ntfy *n)
{
	if (n->fd >= 0)
		close(n->fd);
	n->fd = -1;
	ans_tsig_ctx_free(&n->tsig);
	n->active = false;
}

/* Appends the served SOA of the zone as the answer RR (owner: a pointer
 * to the question name). Read from the published set under an RCU read
 * section: a reload in the main thread may retire the snapshot, but not
 * before this section ends. Returns the new length (len: no SOA). */
static size_t put_soa(struct ntfy *n, uint8_t *buf, size_t len, size_t cap)
{
	const uint8_t *apex = n->zone->cz->domain.wire;
	urcu_memb_read_lock();
	const struct ans_zoneset *zs = zones_read(n->zone->x->srv->zones);
	const struct ans_zone *z = zs ? ans_zoneset_find(zs, apex) : NULL;
	const struct ans_rrset *soa = z && ans_name_equal(z->apex, apex) ? ans_zone_soa(z) : NULL;
	if (soa && soa->count == 1) {
		uint16_t rdlen = ans_get_u16(soa->rdata);
		if (len + 12 + rdlen <= cap) {
			uint8_t *p = buf + len;
			ans_put_u16(p, 0xC00C);
			ans_put_u16(p + 2, ANS_TYPE_SOA);
			ans_put_u16(p + 4, ANS_CLASS_IN);
			ans_put_u32(p + 6, soa->ttl);
			ans_put_u16(p + 10, rdlen);
			memcpy(p + 12, soa->rdata + 2, rdlen);
			len += 12 + rdlen;
			ans_put_u16(buf + 6, 1);
		}
	}
	urcu_memb_read_unlock();
	return len;
}

/* Writes the NOTIFY query; returns its length (0: failed). */
static size_t build(struct ntfy *n, uint8_t *buf, size_t cap)
{
	const uint8_t *apex = n->zone->cz->domain.wire;
	size_t nl = ans_name_len(apex);
	memset(buf, 0, 12);
	ans_put_u16(buf, n->id);
	buf[2] = OPCODE_NOTIFY << 3 | 0x04;   /* opcode NOTIFY, AA (§3.7) */
	ans_put_u16(buf + 4, 1);
	memcpy(buf + 12, apex, nl);
	ans_put_u16(buf + 12 + nl, ANS_TYPE_SOA);
	ans_put_u16(buf + 14 + nl, ANS_CLASS_IN);
	size_t len = put_soa(n, buf, 16 + nl, cap - ANS_TSIG_RR_MAX);
	ans_tsig_ctx_free(&n->tsig);
	ans_tsig_ctx_init(&n->tsig);
	const struct conf_key *k = n->remote->key_ref;
	if (k && ans_tsig_sign(buf, &len, cap, &k->tsig, (uint64_t)time(NULL),
			       ANS_TSIG_FUDGE_DEFAULT, NULL, 0, &n->tsig) != ANS_OK)
		return 0;
	return len;
}

static void send_one(struct ntfy *n)
{
	uint8_t buf[16 + ANS_NAME_MAX + 12 + 2 * ANS_NAME_MAX + 20 + ANS_TSIG_RR_MAX];
	const char *zone = n->zone->cz->domain.text;
	if (n->fd < 0 && xfrd_socket(n->addr, n->remote, SOCK_DGRAM, &n->fd) != ANS_OK) {
		log_warning("zone %s, NOTIFY to %s@%s, failed (socket)", zone, n->remote->id,
			    n->addr->text);
		notify_stop(n);
		return;
	}
	n->id = xfrd_random_id();
	size_t len = build(n, buf, sizeof(buf));
	if (len == 0 || send(n->fd, buf, len, 0) < 0)
		log_debug("zone %s, NOTIFY to %s@%s, not sent", zone, n->remote->id,
			  n->addr->text);
	xfrd_watch(n->zone->x, n->fd, EPOLLIN, &n->ev);
	n->tries++;
	n->next_ms = xfrd_now_ms() + n->wait_ms;
	n->wait_ms *= 2;
}

void notify_start(struct xzone *z, uint32_t serial)
{
	for (size_t i = 0; i < z->nt_count; i++) {
		struct ntfy *n = &z->nt[i];
		n->active = true;
		n->serial = serial;
		n->tries = 0;
		n->wait_ms = NOTIFY_FIRST_WAIT_MS;
		send_one(n);
	}
}

void notify_timer(struct ntfy *n)
{
	if (n->tries < NOTIFY_TRIES) {
		send_one(n);
		return;
	}
	log_warning("zone %s, NOTIFY to %s@%s, serial %u, failed (no answer after %u tries)",
		    n->zone->cz->domain.text, n->remote->id, n->addr->text, n->serial, n->tries);
	notify_stop(n);
}

void notify_event(struct ntfy *n)
{
	uint8_t buf[4096];
	ssize_t r = recv(n->fd, buf, sizeof(buf), 0);
	if (r < 12 || ans_get_u16(buf) != n->id || !(buf[2] & 0x80) ||
	    ((buf[2] >> 3) & 0xf) != OPCODE_NOTIFY)
		return;   /* not ours: keep waiting */
	const char *zone = n->zone->cz->domain.text;
	const struct conf_key *k = n->remote->key_ref;
	struct ans_tsig_result res;
	if (k && ans_tsig_verify(buf, (size_t)r, &k->tsig, 1, (uint64_t)time(NULL), NULL, 0,
				 &n->tsig, &res) != ANS_OK) {
		log_warning("zone %s, NOTIFY to %s@%s, answer ignored (TSIG)", zone,
			    n->remote->id, n->addr->text);
		return;
	}
	unsigned rcode = buf[3] & 0xf;
	if (rcode == 0)
		log_info("zone %s, NOTIFY to %s@%s, serial %u, acknowledged", zone,
			 n->remote->id, n->addr->text, n->serial);
	else
		log_warning("zone %s, NOTIFY to %s@%s, serial %u, failed (rcode %u)", zone,
			    n->remote->id, n->addr->text, n->serial, rcode);
	notify_stop(n);
}
