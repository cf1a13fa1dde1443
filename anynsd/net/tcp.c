/* SPDX-License-Identifier: MIT */
/*
 * DOC: TCP connections
 *
 * Each connection has an input buffer for one whole message (2 + 65535
 * bytes) and an output buffer for one response of the largest size plus
 * TCP_BATCH bytes of responses gathered before it. Buffers are allocated when
 * a connection is first needed and kept in the worker's spare list when it
 * closes, so a busy worker stops allocating: nothing is allocated per query.
 *
 * Reading (RFC 7766 §6.2.1): one recv() appends what the socket holds to
 * `in`; every complete message at its head is answered in order, the
 * responses appended to `out` while it has room for one more of the
 * largest size, and all of them go out in one send(). A pipelining client
 * thus costs one recv() and one send() per readiness event, not a send()
 * per query (on loopback that halved the server's CPU per query). A short
 * read means the socket was drained: back to epoll without the recv() that
 * would only say EAGAIN. While responses are not fully sent (a slow
 * reader), no further query is answered: that keeps answers in order and
 * memory bounded; EPOLLOUT resumes the flush, then the queries already
 * buffered. A peer that half-closes gets the answers to what it sent
 * before the connection is closed.
 *
 * Timeouts: a connection with nothing pending is closed after
 * server.tcp-idle-timeout (RFC 7766 §6.2.3); one with a partly received
 * query or an unsent response gets server.tcp-io-timeout from its last
 * progress (slow-loris protection, as Knot's tcp-io-timeout). tcp_sweep()
 * checks them when the earliest deadline is due.
 *
 * Limit: struct server counts connections across workers; one accepted
 * over server.tcp-max-clients is closed at once, so the kernel's backlog
 * never fills with connections nobody will serve and the client learns
 * immediately.
 */
#include "anynsd/net/tcp.h"

#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <urcu/urcu-memb.h>

#include "anynsd/log.h"
#include "anynsd/xfr_out.h"

#define TCP_MSG_MAX 65535
#define TCP_BUF (2 + TCP_MSG_MAX)
#define TCP_ACCEPTS 64           /* accepts per readiness event */
#define TCP_SPARE_MAX 64         /* closed connections kept per worker */
#define TCP_BATCH 16384          /* responses gathered for one send() */
#define TCP_OUT (TCP_BUF + TCP_BATCH)

struct tcp_conn {
	struct ev_source ev;         /* first: epoll data points here */
	struct tcp_conn *prev, *next;
	size_t in_len;               /* bytes in `in` */
	size_t out_len, out_pos;     /* response bytes, bytes sent */
	int64_t last_ms;             /* last progress */
	bool peer_closed;
	bool want_out;               /* registered for EPOLLOUT */
	struct xfr_job *job;         /* outgoing transfer being sent, or NULL */
	struct sockaddr_storage peer;
	uint8_t in[TCP_BUF];
	uint8_t out[TCP_OUT];
};

static void unlink_conn(struct tcp_pool *p, struct tcp_conn *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		p->active = c->next;
	if (c->next)
		c->next->prev = c->prev;
	p->active_count--;
}

static void conn_close(struct worker *w, struct tcp_conn *c)
{
	struct tcp_pool *p = &w->tcp;
	close(c->ev.fd);   /* also removes it from epoll */
	if (c->job)
		xfr_job_end(c->job);
	c->job = NULL;
	unlink_conn(p, c);
	atomic_fetch_sub(&w->srv->tcp_clients, 1);
	if (p->spare_count < TCP_SPARE_MAX) {
		c->next = p->spare;
		p->spare = c;
		p->spare_count++;
	} else {
		free(c);
	}
}

static struct tcp_conn *conn_get(struct tcp_pool *p)
{
	struct tcp_conn *c = p->spare;
	if (c) {
		p->spare = c->next;
		p->spare_count--;
	} else {
		c = malloc(sizeof(*c));
		if (!c)
			return NULL;
	}
	c->ev = (struct ev_source){ .kind = EV_TCP_CONN, .fd = -1 };
	c->in_len = c->out_len = c->out_pos = 0;
	c->peer_closed = c->want_out = false;
	c->job = NULL;
	c->prev = NULL;
	c->next = p->active;
	if (p->active)
		p->active->prev = c;
	p->active = c;
	p->active_count++;
	return c;
}

static bool over_limit(struct worker *w)
{
	long n = atomic_fetch_add(&w->srv->tcp_clients, 1);
	if (n < w->srv->conf->server.tcp_max_clients)
		return false;
	atomic_fetch_sub(&w->srv->tcp_clients, 1);
	return true;
}

static void add_conn(struct worker *w, int fd, const struct sockaddr_storage *peer)
{
	struct tcp_conn *c = conn_get(&w->tcp);
	if (!c) {
		atomic_fetch_sub(&w->srv->tcp_clients, 1);
		close(fd);
		return;
	}
	c->ev.fd = fd;
	c->peer = *peer;
	c->last_ms = worker_now_ms();
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &c->ev };
	if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
		conn_close(w, c);
		return;
	}
	int64_t deadline = c->last_ms + w->srv->conf->server.tcp_idle_timeout_ms;
	if (w->tcp.next_deadline_ms == 0 || deadline < w->tcp.next_deadline_ms)
		w->tcp.next_deadline_ms = deadline;
}

void tcp_accept(struct worker *w, int lfd)
{
	for (int i = 0; i < TCP_ACCEPTS; i++) {
		struct sockaddr_storage peer;
		socklen_t plen = sizeof(peer);
		int fd = accept4(lfd, (struct sockaddr *)&peer, &plen,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		if (over_limit(w)) {
			close(fd);
			continue;
		}
		add_conn(w, fd, &peer);
	}
}

static void want_out(struct worker *w, struct tcp_conn *c, bool on)
{
	if (c->want_out == on)
		return;
	struct epoll_event ev = { .events = on ? EPOLLOUT : EPOLLIN, .data.ptr = &c->ev };
	if (epoll_ctl(w->epfd, EPOLL_CTL_MOD, c->ev.fd, &ev) == 0)
		c->want_out = on;
}

/* Sends what is pending. Returns false when the connection broke. */
static bool flush(struct worker *w, struct tcp_conn *c)
{
	while (c->out_pos < c->out_len) {
		ssize_t n = send(c->ev.fd, c->out + c->out_pos, c->out_len - c->out_pos,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			want_out(w, c, true);
			return true;
		}
		if (n <= 0)
			return false;
		c->out_pos += (size_t)n;
		c->last_ms = worker_now_ms();
	}
	c->out_len = c->out_pos = 0;
	want_out(w, c, false);
	return true;
}

/* Sends the transfer's messages while the socket takes them: one message
 * in `out` at a time, the next one made when it has drained. Returns false
 * when the connection broke or the transfer failed. */
static bool pump(struct worker *w, struct tcp_conn *c)
{
	while (c->job && c->out_len == 0) {
		size_t len = 0;
		if (xfr_job_next(c->job, c->out + 2, TCP_MSG_MAX, &len) != ANS_OK)
			return false;
		if (len == 0) {          /* finished */
			xfr_job_end(c->job);
			c->job = NULL;
			break;
		}
		ans_put_u16(c->out, (uint16_t)len);
		c->out_len = 2 + len;
		if (!flush(w, c))
			return false;
	}
	return true;
}

/* Whether `in` starts with a whole message. */
static bool has_message(const struct tcp_conn *c)
{
	return c->in_len >= 2 && c->in_len >= 2 + (size_t)ans_get_u16(c->in);
}

/* Answers the complete messages at the head of `in`, in order, into `out`
 * while it has room for a response of the largest size (so batching never
 * truncates one), then sends them together. A transfer stops the batch:
 * its messages follow once what was gathered before it is sent. Returns
 * false when the connection broke. */
static bool answer_pending(struct worker *w, struct tcp_conn *c)
{
	size_t pos = 0;
	urcu_memb_read_lock();
	const struct ans_zoneset *zs = zones_read(w->srv->zones);
	while (!c->job && TCP_OUT - c->out_len >= TCP_BUF && c->in_len - pos >= 2) {
		size_t len = ans_get_u16(c->in + pos);
		if (c->in_len - pos < 2 + len)
			break;
		uint8_t *resp = c->out + c->out_len;
		size_t out = worker_answer(w, zs, c->in + pos + 2, len, ANS_TRANSPORT_TCP,
					   (struct sockaddr *)&c->peer, resp + 2,
					   TCP_MSG_MAX, &c->job);
		pos += 2 + len;
		if (out == 0)
			continue;
		ans_put_u16(resp, (uint16_t)out);
		c->out_len += 2 + out;
	}
	urcu_memb_read_unlock();
	if (pos) {
		memmove(c->in, c->in + pos, c->in_len - pos);
		c->in_len -= pos;
	}
	bool ok = flush(w, c);
	if (ok && c->job && c->out_len == 0)
		ok = pump(w, c);
	return ok;
}

/* One recv() into the free part of `in`; *drained tells that the socket
 * had no more (a short read or EAGAIN). Returns false when the connection
 * broke. */
static bool read_in(struct tcp_conn *c, bool *drained)
{
	size_t room = TCP_BUF - c->in_len;
	ssize_t n;
	do
		n = recv(c->ev.fd, c->in + c->in_len, room, MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		*drained = true;
		return errno == EAGAIN || errno == EWOULDBLOCK;
	}
	if (n == 0) {
		c->peer_closed = true;
		return true;
	}
	*drained = (size_t)n < room;
	c->in_len += (size_t)n;
	c->last_ms = worker_now_ms();
	return true;
}

static int64_t conn_deadline(const struct worker *w, const struct tcp_conn *c)
{
	const struct conf_server *s = &w->srv->conf->server;
	bool busy = c->in_len > 0 || c->out_len > 0 || c->job;
	if (busy && s->tcp_io_timeout_ms > 0)
		return c->last_ms + s->tcp_io_timeout_ms;
	return c->last_ms + s->tcp_idle_timeout_ms;
}

void tcp_handle(struct worker *w, struct ev_source *ev, uint32_t events)
{
	struct tcp_conn *c = (struct tcp_conn *)ev;
	bool ok = !(events & EPOLLERR);
	if (ok && c->out_len > 0)
		ok = flush(w, c);
	if (ok && c->job && c->out_len == 0)
		ok = pump(w, c);
	/* Read only when no answer waits: a slow reader stops being read. */
	bool drained = false;
	while (ok && c->out_len == 0 && !c->job) {
		if (!has_message(c)) {
			if (drained || c->peer_closed)
				break;
			ok = read_in(c, &drained);
			if (!ok || !has_message(c))
				break;
		}
		ok = answer_pending(w, c);
	}
	if (!ok || (c->peer_closed && c->out_len == 0 && !c->job)) {
		conn_close(w, c);
		return;
	}
	int64_t d = conn_deadline(w, c);
	if (w->tcp.next_deadline_ms == 0 || d < w->tcp.next_deadline_ms)
		w->tcp.next_deadline_ms = d;
}

int tcp_sweep(struct worker *w)
{
	struct tcp_pool *p = &w->tcp;
	int64_t now = worker_now_ms();
	if (p->next_deadline_ms == 0)
		return -1;
	if (now < p->next_deadline_ms)
		return (int)(p->next_deadline_ms - now);
	p->next_deadline_ms = 0;
	struct tcp_conn *next;
	for (struct tcp_conn *c = p->active; c; c = next) {
		next = c->next;
		int64_t d = conn_deadline(w, c);
		if (d <= now) {
			conn_close(w, c);
			continue;
		}
		if (p->next_deadline_ms == 0 || d < p->next_deadline_ms)
			p->next_deadline_ms = d;
	}
	return p->next_deadline_ms ? (int)(p->next_deadline_ms - now) : -1;
}

void tcp_pool_free(struct worker *w)
{
	struct tcp_pool *p = &w->tcp;
	while (p->active)
		conn_close(w, p->active);
	while (p->spare) {
		struct tcp_conn *c = p->spare;
		p->spare = c->next;
		free(c);
	}
	p->spare_count = 0;
}
