/* SPDX-License-Identifier: MIT */
/*
 * DNS client of the `anyns` tool.
 *
 * UDP: dc_query_all() opens one connected, non-blocking socket per query, so
 * the kernel matches answers to queries by address and an ICMP port
 * unreachable comes back as ECONNREFUSED on that socket alone. One poll()
 * loop waits for all of them against a deadline; when it passes, the
 * unanswered queries are sent again with a fresh deadline. A fleet of 50
 * nodes with one dead costs one timeout per try, not 50.
 * Answers are accepted only when ID, QR and question match (RFC 5452 §9.1);
 * anything else on the socket is ignored, as a stub resolver does.
 *
 * TCP: used for truncated answers (RFC 7766 §5) and AXFR (RFC 5936 §4.2),
 * each message with its two-byte length, every read and write bounded by a
 * deadline through poll().
 *
 * AXFR: the request comes from lib/xfr/request.h, each message is checked
 * with TSIG when a key is given (RFC 8945 §5.3.1), the TSIG RR stripped,
 * and the message fed to lib/xfr/xfr_in.h, which checks the stream and
 * builds the zone snapshot.
 */
#include "cli/dnsclient.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "lib/base/wire.h"
#include "lib/wire/rdata.h"
#include "lib/xfr/request.h"
#include "lib/xfr/xfr_in.h"

#define EDNS_UDP_SIZE 1232      /* DNS flag day 2020 */
#define EDNS_OPT_NSID 3         /* RFC 5001 */
#define FLAG_QR 0x8000
#define FLAG_AA 0x0400
#define FLAG_TC 0x0200
#define DNS_HDR 12
#define TCP_MSG_MAX 65535
#define AXFR_MAX_BYTES ((size_t)1 << 30)

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static uint16_t random_id(void)
{
	uint16_t id = 0;
	if (getrandom(&id, sizeof(id), 0) != sizeof(id))
		id = (uint16_t)(now_ms() * 1000.0);
	return id;
}

int dc_addr_parse(const char *text, struct dc_addr *out)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *at = strrchr(text, '@');
	size_t hlen = at ? (size_t)(at - text) : strlen(text);
	unsigned long port = 53;
	if (hlen == 0 || hlen >= sizeof(host))
		return ANS_ESYNTAX;
	memcpy(host, text, hlen);
	host[hlen] = '\0';
	if (at) {
		char *end = NULL;
		if (at[1] < '0' || at[1] > '9')
			return ANS_ESYNTAX;
		port = strtoul(at + 1, &end, 10);
		if (*end != '\0' || port == 0 || port > 65535)
			return ANS_ESYNTAX;
	}
	memset(out, 0, sizeof(*out));
	struct sockaddr_in *s4 = (struct sockaddr_in *)&out->sa;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&out->sa;
	if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		out->len = sizeof(*s4);
	} else if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		out->len = sizeof(*s6);
	} else {
		return ANS_ESYNTAX;
	}
	return ANS_OK;
}

int dc_query_write(uint8_t *buf, size_t size, size_t *len, uint16_t id,
		   const uint8_t *qname, uint16_t qtype)
{
	struct ans_wire w = ans_wire_init(buf, size);
	ans_wire_write_u16(&w, id);
	ans_wire_write_u16(&w, 0);      /* QUERY, RD clear: we ask authorities */
	ans_wire_write_u16(&w, 1);
	ans_wire_write_u16(&w, 0);
	ans_wire_write_u16(&w, 0);
	ans_wire_write_u16(&w, 1);
	ans_wire_write_bytes(&w, qname, ans_name_len(qname));
	ans_wire_write_u16(&w, qtype);
	ans_wire_write_u16(&w, ANS_CLASS_IN);
	/* OPT RR (RFC 6891 §6.1.2) with an empty NSID option (RFC 5001 §2.1). */
	ans_wire_write_u8(&w, 0);
	ans_wire_write_u16(&w, ANS_TYPE_OPT);
	ans_wire_write_u16(&w, EDNS_UDP_SIZE);
	ans_wire_write_u32(&w, 0);
	ans_wire_write_u16(&w, 4);
	ans_wire_write_u16(&w, EDNS_OPT_NSID);
	ans_wire_write_u16(&w, 0);
	*len = w.pos;
	return w.err;
}

/* Question of a response: absent only in error answers (FORMERR may echo
 * nothing), otherwise exactly ours. */
static int read_question(struct ans_wire *w, uint16_t qdcount, uint8_t rcode,
			 const uint8_t *qname, uint16_t qtype)
{
	uint8_t name[ANS_NAME_MAX];
	size_t nlen;
	if (qdcount == 0)
		return rcode != 0 ? ANS_OK : ANS_ENOENT;
	if (qdcount != 1)
		return ANS_ENOENT;
	if (ans_name_parse(w->base, w->len, &w->pos, name, &nlen) != ANS_OK)
		return ANS_EMALF;
	uint16_t type = ans_wire_read_u16(w);
	uint16_t cls = ans_wire_read_u16(w);
	if (w->err)
		return ANS_EMALF;
	if (!ans_name_equal(name, qname) || type != qtype || cls != ANS_CLASS_IN)
		return ANS_ENOENT;
	return ANS_OK;
}

static int read_soa(struct ans_wire *w, uint32_t ttl, struct dc_answer *a)
{
	uint8_t name[ANS_NAME_MAX];
	size_t nlen;
	if (ans_name_parse(w->base, w->len, &w->pos, name, &nlen) != ANS_OK ||
	    ans_name_parse(w->base, w->len, &w->pos, name, &nlen) != ANS_OK)
		return ANS_EMALF;
	a->soa.ttl_s = ttl;
	a->soa.serial = ans_wire_read_u32(w);
	a->soa.refresh_s = ans_wire_read_u32(w);
	a->soa.retry_s = ans_wire_read_u32(w);
	a->soa.expire_s = ans_wire_read_u32(w);
	a->soa.minimum_s = ans_wire_read_u32(w);
	a->has_soa = true;
	return w->err ? ANS_EMALF : ANS_OK;
}

static int read_ns(struct ans_wire *w, uint32_t ttl, struct dc_answer *a)
{
	size_t nlen;
	if (a->ns_count == DC_NS_MAX)
		return ANS_ELIMIT;
	if (ans_name_parse(w->base, w->len, &w->pos, a->ns[a->ns_count], &nlen) != ANS_OK)
		return ANS_EMALF;
	ans_name_lower(a->ns[a->ns_count]);
	/* RFC 2181 §5.2: TTLs in an RRset are equal; show the smallest if not. */
	if (a->ns_count == 0 || ttl < a->ns_ttl_s)
		a->ns_ttl_s = ttl;
	a->ns_count++;
	return ANS_OK;
}

/* OPT RR (RFC 6891 §6.1.2): extended RCODE bits and the NSID option. */
static int read_opt(struct ans_wire *w, uint32_t ttl, size_t end, struct dc_answer *a)
{
	a->rcode = (uint8_t)(a->rcode | ((ttl >> 24) << 4));
	while (!w->err && w->pos < end) {
		uint16_t code = ans_wire_read_u16(w);
		uint16_t olen = ans_wire_read_u16(w);
		if (w->err || olen > end - w->pos)
			return ANS_EMALF;
		if (code == EDNS_OPT_NSID && olen <= DC_NSID_MAX) {
			ans_wire_read_bytes(w, a->nsid, olen);
			a->nsid_len = olen;
			a->has_nsid = true;
		} else {
			ans_wire_skip(w, olen);
		}
	}
	return w->err ? ANS_EMALF : ANS_OK;
}

static int read_rr(struct ans_wire *w, int section, const uint8_t *qname,
		   struct dc_answer *a)
{
	uint8_t owner[ANS_NAME_MAX];
	size_t nlen;
	if (ans_name_parse(w->base, w->len, &w->pos, owner, &nlen) != ANS_OK)
		return ANS_EMALF;
	uint16_t type = ans_wire_read_u16(w);
	uint16_t cls = ans_wire_read_u16(w);
	uint32_t ttl = ans_wire_read_u32(w);
	uint16_t rdlen = ans_wire_read_u16(w);
	if (w->err || rdlen > w->len - w->pos)
		return ANS_EMALF;
	size_t end = w->pos + rdlen;
	int rc = ANS_OK;
	bool mine = cls == ANS_CLASS_IN && ans_name_equal(owner, qname);
	if (section == 0 && mine && type == ANS_TYPE_SOA)
		rc = read_soa(w, ttl, a);
	else if (section == 0 && mine && type == ANS_TYPE_NS)
		rc = read_ns(w, ttl, a);
	else if (section == 2 && type == ANS_TYPE_OPT)
		rc = read_opt(w, ttl, end, a);
	if (rc != ANS_OK)
		return rc;
	if (w->pos > end)
		return ANS_EMALF;
	w->pos = end;
	return ANS_OK;
}

int dc_answer_parse(const uint8_t *msg, size_t len, uint16_t id,
		    const uint8_t *qname, uint16_t qtype, struct dc_answer *a)
{
	struct ans_wire w = ans_wire_init((uint8_t *)msg, len);
	uint16_t hid = ans_wire_read_u16(&w);
	uint16_t flags = ans_wire_read_u16(&w);
	uint16_t count[4];
	for (int i = 0; i < 4; i++)
		count[i] = ans_wire_read_u16(&w);
	if (w.err)
		return ANS_EMALF;
	if (hid != id || !(flags & FLAG_QR) || (flags >> 11 & 0xf) != 0)
		return ANS_ENOENT;
	int rc = read_question(&w, count[0], (uint8_t)(flags & 0xf), qname, qtype);
	if (rc != ANS_OK)
		return rc;
	double rtt = a->rtt_ms;
	bool via_tcp = a->via_tcp;
	memset(a, 0, sizeof(*a));
	a->rtt_ms = rtt;
	a->via_tcp = via_tcp;
	a->rcode = (uint8_t)(flags & 0xf);
	a->is_aa = flags & FLAG_AA;
	a->is_tc = flags & FLAG_TC;
	for (int s = 0; s < 3; s++) {
		for (unsigned i = 0; i < count[s + 1]; i++) {
			rc = read_rr(&w, s, qname, a);
			if (rc != ANS_OK)
				return rc;
		}
	}
	return ANS_OK;
}

/* --- TCP ----------------------------------------------------------------- */

static int wait_fd(int fd, short events, double deadline_ms)
{
	for (;;) {
		double left = deadline_ms - now_ms();
		if (left <= 0)
			return ANS_ETIMEOUT;
		struct pollfd p = { .fd = fd, .events = events };
		int n = poll(&p, 1, (int)left + 1);
		if (n > 0)
			return ANS_OK;
		if (n < 0 && errno != EINTR)
			return -errno;
	}
}

static int tcp_connect(const struct dc_addr *addr, double deadline_ms, int *out)
{
	int fd = socket(addr->sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	int rc = ANS_OK;
	if (connect(fd, (const struct sockaddr *)&addr->sa, addr->len) != 0) {
		rc = errno == EINPROGRESS ? wait_fd(fd, POLLOUT, deadline_ms) : -errno;
		int soerr = 0;
		socklen_t sl = sizeof(soerr);
		if (rc == ANS_OK && getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 && soerr)
			rc = -soerr;
	}
	if (rc != ANS_OK) {
		close(fd);
		return rc;
	}
	*out = fd;
	return ANS_OK;
}

static int tcp_io(int fd, uint8_t *buf, size_t len, bool is_write, double deadline_ms)
{
	size_t done = 0;
	while (done < len) {
		int rc = wait_fd(fd, is_write ? POLLOUT : POLLIN, deadline_ms);
		if (rc != ANS_OK)
			return rc;
		ssize_t n = is_write ? send(fd, buf + done, len - done, MSG_NOSIGNAL)
				     : recv(fd, buf + done, len - done, 0);
		if (n == 0)
			return ANS_EIO;         /* the peer closed mid-message */
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return -errno;
		if (n > 0)
			done += (size_t)n;
	}
	return ANS_OK;
}

static int tcp_send_msg(int fd, const uint8_t *msg, size_t len, int timeout_ms)
{
	uint8_t buf[2 + TCP_MSG_MAX];
	ans_put_u16(buf, (uint16_t)len);
	memcpy(buf + 2, msg, len);
	return tcp_io(fd, buf, len + 2, true, now_ms() + timeout_ms);
}

/* Reads one length-prefixed message into buf (TCP_MSG_MAX bytes). */
static int tcp_recv_msg(int fd, uint8_t *buf, size_t *len, int timeout_ms)
{
	uint8_t pfx[2];
	double deadline = now_ms() + timeout_ms;
	int rc = tcp_io(fd, pfx, 2, false, deadline);
	if (rc == ANS_OK) {
		*len = ans_get_u16(pfx);
		rc = tcp_io(fd, buf, *len, false, deadline);
	}
	return rc;
}

static void tcp_query(struct dc_query *q, int timeout_ms)
{
	uint8_t msg[TCP_MSG_MAX];
	size_t len;
	int fd = -1;
	uint16_t id = random_id();
	double t0 = now_ms();
	int rc = dc_query_write(msg, sizeof(msg), &len, id, q->qname, q->qtype);
	if (rc == ANS_OK)
		rc = tcp_connect(q->addr, t0 + timeout_ms, &fd);
	if (rc == ANS_OK)
		rc = tcp_send_msg(fd, msg, len, timeout_ms);
	if (rc == ANS_OK)
		rc = tcp_recv_msg(fd, msg, &len, timeout_ms);
	q->ans.via_tcp = true;
	q->ans.rtt_ms = now_ms() - t0;
	if (rc == ANS_OK)
		rc = dc_answer_parse(msg, len, id, q->qname, q->qtype, &q->ans);
	if (rc == ANS_ENOENT)
		rc = ANS_EMALF;         /* one answer on a fresh connection: ours or bad */
	q->ans.err = rc;
	if (fd >= 0)
		close(fd);
}

/* --- UDP, all at once ------------------------------------------------------ */

struct udp_slot {
	int fd;
	uint16_t id;
	bool is_done;
	double sent_ms;
};

static int udp_open(const struct dc_addr *addr, int *out)
{
	int fd = socket(addr->sa.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)&addr->sa, addr->len) != 0) {
		int rc = -errno;
		close(fd);
		return rc;
	}
	*out = fd;
	return ANS_OK;
}

static void udp_send(struct dc_query *q, struct udp_slot *s)
{
	uint8_t msg[512];
	size_t len;
	s->id = random_id();
	s->sent_ms = now_ms();
	if (dc_query_write(msg, sizeof(msg), &len, s->id, q->qname, q->qtype) != ANS_OK) {
		q->ans.err = ANS_ESPACE;
		s->is_done = true;
		return;
	}
	if (send(s->fd, msg, len, 0) < 0 && errno != EAGAIN) {
		q->ans.err = -errno;
		s->is_done = true;
	}
}

/* Reads what arrived on one socket; finishes the query on its answer or on
 * a network error (ICMP unreachable shows as ECONNREFUSED here). */
static void udp_receive(struct dc_query *q, struct udp_slot *s)
{
	uint8_t msg[TCP_MSG_MAX];
	for (;;) {
		ssize_t n = recv(s->fd, msg, sizeof(msg), 0);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			q->ans.err = -errno;
			s->is_done = true;
			return;
		}
		q->ans.rtt_ms = now_ms() - s->sent_ms;
		int rc = dc_answer_parse(msg, (size_t)n, s->id, q->qname, q->qtype, &q->ans);
		if (rc == ANS_ENOENT)
			continue;       /* not our answer: keep waiting */
		q->ans.err = rc;
		s->is_done = true;
		return;
	}
}

static size_t udp_wait(struct dc_query *qs, struct udp_slot *slots, size_t n,
		       struct pollfd *pfd, size_t *map, double deadline_ms)
{
	size_t pending;
	for (;;) {
		pending = 0;
		for (size_t i = 0; i < n; i++) {
			if (slots[i].is_done)
				continue;
			pfd[pending] = (struct pollfd){ .fd = slots[i].fd, .events = POLLIN };
			map[pending++] = i;
		}
		double left = deadline_ms - now_ms();
		if (pending == 0 || left <= 0)
			return pending;
		int r = poll(pfd, pending, (int)left + 1);
		if (r < 0 && errno != EINTR)
			return pending;
		for (size_t k = 0; r > 0 && k < pending; k++) {
			if (pfd[k].revents)
				udp_receive(&qs[map[k]], &slots[map[k]]);
		}
	}
}

static int udp_round(struct dc_query *qs, struct udp_slot *slots, size_t n,
		     int timeout_ms, int tries)
{
	struct pollfd *pfd = calloc(n ? n : 1, sizeof(*pfd));
	size_t *map = calloc(n ? n : 1, sizeof(*map));
	if (!pfd || !map) {
		free(pfd);
		free(map);
		return ANS_ENOMEM;
	}
	for (int t = 0; t < tries; t++) {
		for (size_t i = 0; i < n; i++) {
			if (!slots[i].is_done)
				udp_send(&qs[i], &slots[i]);
		}
		if (udp_wait(qs, slots, n, pfd, map, now_ms() + timeout_ms) == 0)
			break;
	}
	free(pfd);
	free(map);
	return ANS_OK;
}

int dc_query_all(struct dc_query *qs, size_t n, int timeout_ms, int tries)
{
	struct udp_slot *slots = calloc(n ? n : 1, sizeof(*slots));
	if (!slots)
		return ANS_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		memset(&qs[i].ans, 0, sizeof(qs[i].ans));
		qs[i].ans.err = ANS_ETIMEOUT;
		slots[i].fd = -1;
		int rc = udp_open(qs[i].addr, &slots[i].fd);
		if (rc != ANS_OK) {
			qs[i].ans.err = rc;
			slots[i].is_done = true;
		}
	}
	int rc = udp_round(qs, slots, n, timeout_ms, tries < 1 ? 1 : tries);
	for (size_t i = 0; i < n; i++) {
		if (slots[i].fd >= 0)
			close(slots[i].fd);
		/* RFC 7766 §5: a truncated answer is asked again over TCP. */
		if (rc == ANS_OK && qs[i].ans.err == ANS_OK && qs[i].ans.is_tc)
			tcp_query(&qs[i], timeout_ms);
	}
	free(slots);
	return rc;
}

/* --- AXFR ------------------------------------------------------------------ */

struct axfr {
	int fd;
	const struct ans_tsig_key *key;
	struct ans_tsig_ctx tsig;
	struct ans_xfr_in *in;
	char *why;
	size_t why_size;
};

static int axfr_request(struct axfr *x, const uint8_t *zone, uint16_t id, int timeout_ms)
{
	uint8_t msg[512 + ANS_TSIG_RR_MAX];
	size_t len;
	int rc = ans_xfr_request_write(msg, 512, &len, id, zone, ANS_TYPE_AXFR, 0);
	if (rc == ANS_OK && x->key)
		rc = ans_tsig_sign(msg, &len, sizeof(msg), x->key, (uint64_t)time(NULL),
				   ANS_TSIG_FUDGE_DEFAULT, NULL, 0, &x->tsig);
	if (rc == ANS_OK)
		rc = tcp_send_msg(x->fd, msg, len, timeout_ms);
	return rc;
}

/* One message of the answer: TSIG checked and stripped, then fed. */
static int axfr_message(struct axfr *x, uint8_t *msg, size_t len)
{
	if (x->key) {
		struct ans_tsig_result res;
		int rc = ans_tsig_verify(msg, len, x->key, 1, (uint64_t)time(NULL),
					 NULL, 0, &x->tsig, &res);
		if (rc != ANS_OK) {
			snprintf(x->why, x->why_size, "TSIG: %s (error %u, peer error %u)",
				 ans_strerror(rc), res.error, res.peer_error);
			return rc;
		}
		if (res.is_signed && ans_tsig_strip(msg, &len, &res) != ANS_OK)
			return ANS_EMALF;
	}
	int rc = ans_xfr_in_feed(x->in, msg, len);
	if (rc == ANS_EIO)
		snprintf(x->why, x->why_size, "AXFR refused: rcode %u",
			 ans_xfr_in_rcode(x->in));
	else if (rc != ANS_OK)
		snprintf(x->why, x->why_size, "AXFR: %s", ans_xfr_in_reason(x->in));
	return rc;
}

static int axfr_run(struct axfr *x, const struct dc_addr *addr, const uint8_t *zone,
		    int timeout_ms, struct ans_zone **out)
{
	static __thread uint8_t msg[TCP_MSG_MAX];
	uint16_t id = random_id();
	struct ans_xfr_in_conf conf = { .zone = zone, .id = id, .qtype = ANS_TYPE_AXFR,
					.max_bytes = AXFR_MAX_BYTES };
	int rc = ans_xfr_in_new(&x->in, &conf);
	if (rc == ANS_OK)
		rc = tcp_connect(addr, now_ms() + timeout_ms, &x->fd);
	if (rc == ANS_OK)
		rc = axfr_request(x, zone, id, timeout_ms);
	while (rc == ANS_OK && !ans_xfr_in_is_done(x->in)) {
		size_t len;
		rc = tcp_recv_msg(x->fd, msg, &len, timeout_ms);
		if (rc == ANS_OK)
			rc = axfr_message(x, msg, len);
	}
	if (rc == ANS_OK && x->key && ans_tsig_ctx_end(&x->tsig) != ANS_OK) {
		snprintf(x->why, x->why_size, "TSIG: the last message was not signed");
		rc = ANS_ETSIG;
	}
	struct ans_xfr_in_result res;
	memset(&res, 0, sizeof(res));
	if (rc == ANS_OK) {
		rc = ans_xfr_in_finish(x->in, &res);
		if (rc != ANS_OK)
			snprintf(x->why, x->why_size, "AXFR: %s", ans_xfr_in_reason(x->in));
	}
	if (rc == ANS_OK) {
		*out = res.zone;
		res.zone = NULL;
	}
	ans_xfr_in_result_free(&res);
	return rc;
}

int dc_axfr(const struct dc_addr *addr, const uint8_t *zone,
	    const struct ans_tsig_key *key, int timeout_ms,
	    struct ans_zone **out, char *why, size_t why_size)
{
	struct axfr x = { .fd = -1, .key = key, .why = why, .why_size = why_size };
	why[0] = '\0';
	*out = NULL;
	ans_tsig_ctx_init(&x.tsig);
	int rc = axfr_run(&x, addr, zone, timeout_ms, out);
	if (rc != ANS_OK && why[0] == '\0')
		snprintf(why, why_size, "AXFR: %s", ans_strerror(rc));
	ans_tsig_ctx_free(&x.tsig);
	ans_xfr_in_free(x.in);
	if (x.fd >= 0)
		close(x.fd);
	return rc;
}
