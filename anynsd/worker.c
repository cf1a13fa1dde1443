/* SPDX-License-Identifier: MIT */
/*
 * DOC: worker threads
 *
 * A worker is one thread with one epoll instance watching: the server's
 * stop eventfd (level-triggered and never read, so every worker sees it),
 * its UDP sockets, its TCP listening sockets and its TCP connections. All
 * sockets are the worker's own (SO_REUSEPORT), so workers share nothing
 * on the query path but the RCU-published zone set and the TCP counter.
 *
 * Everything a worker needs is allocated in worker_init(): the answer
 * context, the UDP batch buffers, one TCP response buffer; TCP connection
 * buffers come from the worker's pool (net/tcp.c). The loop itself does not
 * allocate per query.
 *
 * The thread registers with liburcu (memb flavour) for its whole life and
 * takes the read lock only around answering (net/udp.c, net/tcp.c), never
 * while blocked in epoll_wait, so a reload's grace period is short.
 */
#include "anynsd/worker.h"

#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <urcu/urcu-memb.h>

#include "anynsd/log.h"
#include "anynsd/net/listen.h"
#include "anynsd/net/rawsys.h"
#include "lib/wire/rdata.h"
#include "anynsd/net/tcp.h"
#include "anynsd/net/udp.h"
#include "anynsd/stats.h"
#include "anynsd/xfr_out.h"

#define RCODE_NOTIMP 4
#define RCODE_REFUSED 5
#define RCODE_NOTAUTH 9
#define EPOLL_EVENTS 64

int64_t worker_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Counts one query on the worker's own block (stats.h). A response made
 * here rather than by ans_answer() carries its RCODE in the header; a
 * transfer that started is counted as NOERROR. */
static void count(struct worker *w, enum ans_transport tr, const struct ans_answer_info *info,
		  bool is_own, const uint8_t *out, size_t len, bool is_job)
{
	struct stats_worker *sw = &w->srv->stats->workers[w->id];
	if (is_job || (is_own && len >= 12))
		stats_count(sw, tr, info->qtype, is_job ? 0 : out[3] & 0x0f,
			    !is_job && (out[2] & 0x02), false);
	else
		stats_count(sw, tr, info->qtype, info->rcode, info->truncated, len == 0);
}

size_t worker_answer(struct worker *w, const struct ans_zoneset *zs,
		     const uint8_t *q, size_t q_len, enum ans_transport tr,
		     const struct sockaddr *peer, uint8_t *out, size_t out_size,
		     struct xfr_job **job)
{
	struct ans_answer_info info;   /* cleared by ans_answer() */
	size_t len = 0;
	if (ans_answer(&w->actx, &w->srv->answer_conf, zs, q, q_len, tr, out,
		       out_size, &len, &info) != ANS_OK)
		return 0;
	/* AXFR is TCP only (RFC 5936 §4.2): NOTIMP over UDP, as Knot and NSD
	 * answer. Only signed requests and transfers leave the fast path:
	 * the answer module answers every TSIG-signed query NOTAUTH. */
	bool is_own = true;
	if (info.is_xfr && tr == ANS_TRANSPORT_UDP && info.qtype == ANS_TYPE_AXFR)
		len = ans_answer_error(q, q_len, RCODE_NOTIMP, out, out_size);
	else if (info.is_xfr || info.is_notify || info.rcode == RCODE_NOTAUTH)
		len = xfr_answer(w, zs, q, q_len, tr, peer, out, out_size, job);
	else
		is_own = false;
	if (w->srv->stats)
		count(w, tr, &info, is_own, out, len, job && *job);
	return len;
}

static int watch(struct worker *w, struct ev_source *ev)
{
	struct epoll_event e = { .events = EPOLLIN, .data.ptr = ev };
	return epoll_ctl(w->epfd, EPOLL_CTL_ADD, ev->fd, &e) == 0 ? ANS_OK : -errno;
}

static int open_sockets(struct worker *w)
{
	const struct ans_conf_addr_list *l = &w->srv->conf->server.listen;
	w->socks = calloc(l->count ? 2 * l->count : 1, sizeof(*w->socks));
	if (!w->socks)
		return ANS_ENOMEM;
	for (size_t i = 0; i < l->count; i++) {
		for (int t = 0; t < 2; t++) {
			struct ev_source *ev = &w->socks[w->sock_count];
			*ev = (struct ev_source){ .kind = t ? EV_TCP_LISTEN : EV_UDP, .fd = -1 };
			int rc = listen_open(&l->items[i], t ? SOCK_STREAM : SOCK_DGRAM, &ev->fd);
			if (rc != ANS_OK)
				return rc;
			w->sock_count++;
			rc = watch(w, ev);
			if (rc != ANS_OK)
				return rc;
		}
	}
	return ANS_OK;
}

int worker_init(struct worker *w, unsigned id, struct server *srv)
{
	memset(w, 0, sizeof(*w));
	w->id = id;
	w->srv = srv;
	w->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (w->epfd < 0)
		return -errno;
	w->stop_ev = (struct ev_source){ .kind = EV_STOP, .fd = srv->stop_fd };
	int rc = watch(w, &w->stop_ev);
	w->scratch = malloc(65535);
	if (!w->scratch)
		rc = ANS_ENOMEM;
	if (rc == ANS_OK)
		rc = udp_batch_new(&w->udp);
	if (rc == ANS_OK)
		rc = open_sockets(w);
	if (rc == ANS_ENOMEM)
		log_error("server, worker %u, out of memory", id);
	return rc;
}

static bool dispatch(struct worker *w, struct epoll_event *e)
{
	struct ev_source *ev = e->data.ptr;
	switch (ev->kind) {
	case EV_STOP: return false;
	case EV_UDP: udp_handle(w, ev->fd); break;
	case EV_TCP_LISTEN: tcp_accept(w, ev->fd); break;
	case EV_TCP_CONN: tcp_handle(w, ev, e->events); break;
	}
	return true;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct epoll_event events[EPOLL_EVENTS];
	urcu_memb_register_thread();
	bool running = true;
	while (running) {
		/* No TCP deadline pending: no clock read (the sweep would only
		 * return -1). The wait as a raw syscall (net/rawsys.h). */
		int timeout = w->tcp.next_deadline_ms == 0 ? -1 : tcp_sweep(w);
		int n = (int)rawsys6(SYS_epoll_pwait, w->epfd, (long)events, EPOLL_EVENTS,
				     timeout, 0, 8);   /* no mask: as epoll_wait */
		if (n < 0 && n != -EINTR) {
			log_error("server, worker %u, epoll failed (%s)", w->id, strerror(-n));
			break;
		}
		/* Only a connection's own event closes it here (the sweep
		 * runs before the wait), so no event of the round is stale. */
		for (int i = 0; running && i < n; i++)
			running = dispatch(w, &events[i]);
	}
	urcu_memb_unregister_thread();
	return NULL;
}

int worker_start(struct worker *w)
{
	int rc = pthread_create(&w->thread, NULL, worker_main, w);
	if (rc != 0)
		return -rc;
	w->started = true;
	return ANS_OK;
}

void worker_join(struct worker *w)
{
	if (w->started)
		pthread_join(w->thread, NULL);
	w->started = false;
}

void worker_free(struct worker *w)
{
	tcp_pool_free(w);
	for (size_t i = 0; i < w->sock_count; i++)
		close(w->socks[i].fd);
	free(w->socks);
	udp_batch_free(w->udp);
	free(w->scratch);
	if (w->epfd >= 0)
		close(w->epfd);
	memset(w, 0, sizeof(*w));
	w->epfd = -1;
}
