/* SPDX-License-Identifier: MIT */
/*
 * DOC: worker threads
 *
 * A worker is 1 + L threads, L the number of listen addresses:
 *
 * - its epoll thread ("anynsd-tcpN") watches the server's stop eventfd
 *   (level-triggered and never read, so every worker sees it), its TCP
 *   listening sockets and its TCP connections, and sweeps idle ones;
 * - one UDP thread per listen address ("anynsd-udpK") blocks in
 *   recvmmsg(MSG_WAITFORONE) on its own blocking UDP socket and answers
 *   each batch (net/udp.c). Without epoll a wake-up is one syscall less:
 *   bench/udp_floor.c measured 4.41 against 4.73 us/query flat out.
 *
 * All sockets are the worker's own (SO_REUSEPORT), so threads share
 * nothing on the query path but the RCU-published zone set and the TCP
 * counter. Each thread has its own struct worker: answer context, scratch
 * buffer, UDP batch (UDP threads) and stats block (stats.h blocks have one
 * writer each): epoll threads use blocks 0..N-1, UDP threads the L*N
 * after them (worker_stats_blocks()).
 *
 * Everything is allocated in worker_init(); TCP connection buffers come
 * from the epoll thread's pool (net/tcp.c). No loop allocates per query.
 *
 * Stop: the epoll thread sees the eventfd; a UDP thread blocked in
 * recvmmsg() is woken by shutdown(SHUT_RD) of its socket (Linux marks even
 * an unconnected UDP socket, answers ENOTCONN, and the receive returns at
 * once from then on), after srv->is_stopping is set, which it checks after
 * every receive.
 *
 * Every thread registers with liburcu (memb flavour) for its whole life
 * and takes the read lock only around answering (net/udp.c, net/tcp.c),
 * never while blocked, so a reload's grace period is short.
 */
#include "anynsd/worker.h"

#include <fcntl.h>
#include <stdio.h>
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
	struct stats_worker *sw = &w->srv->stats->workers[w->id];   /* own block */
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

void server_answer_conf(struct ans_answer_conf *ac, const struct conf *conf)
{
	bool nsid = conf->server.nsid && conf->nsid_len;
	ac->nsid = nsid ? conf->nsid : NULL;
	ac->nsid_len = nsid ? conf->nsid_len : 0;
	/* server.chaos: false -> CHAOS id/version queries get REFUSED. */
	ac->identity = conf->server.chaos ? conf->identity : NULL;
	ac->version = conf->server.chaos ? conf->version : NULL;
	ac->udp_max_payload = (uint16_t)conf->server.udp_max_payload;
}

size_t worker_stats_blocks(size_t workers, size_t listen_count)
{
	return workers * (1 + listen_count);
}

/* What every thread has: answer context (zeroed), scratch buffer. */
static int thread_init(struct worker *w, unsigned id, struct server *srv)
{
	memset(w, 0, sizeof(*w));
	w->id = id;
	w->srv = srv;
	w->epfd = -1;
	w->udp_fd = -1;
	w->scratch = malloc(65535);
	return w->scratch ? ANS_OK : ANS_ENOMEM;
}

/* A UDP thread blocks in recvmmsg(): its socket must block. */
static int set_blocking(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0)
		return -errno;
	return ANS_OK;
}

static int udp_thread_init(struct worker *u, unsigned id, struct server *srv,
			   const struct ans_conf_addr *addr)
{
	int rc = thread_init(u, id, srv);
	if (rc == ANS_OK)
		rc = udp_batch_new(&u->udp);
	if (rc == ANS_OK)
		rc = listen_open(addr, SOCK_DGRAM, &u->udp_fd);
	if (rc == ANS_OK)
		rc = set_blocking(u->udp_fd);
	return rc;
}

/* UDP threads of worker `id` of `workers`, then its TCP listeners. */
static int open_sockets(struct worker *w, unsigned workers)
{
	const struct ans_conf_addr_list *l = &w->srv->conf->server.listen;
	size_t n = l->count ? l->count : 1;
	w->socks = calloc(n, sizeof(*w->socks));
	w->udp_threads = calloc(n, sizeof(*w->udp_threads));
	if (!w->socks || !w->udp_threads)
		return ANS_ENOMEM;
	for (size_t i = 0; i < l->count; i++) {
		unsigned uid = workers + w->id * (unsigned)l->count + (unsigned)i;
		int rc = udp_thread_init(&w->udp_threads[i], uid, w->srv, &l->items[i]);
		w->udp_count++;
		if (rc != ANS_OK)
			return rc;
		struct ev_source *ev = &w->socks[w->sock_count];
		*ev = (struct ev_source){ .kind = EV_TCP_LISTEN, .fd = -1 };
		rc = listen_open(&l->items[i], SOCK_STREAM, &ev->fd);
		if (rc != ANS_OK)
			return rc;
		w->sock_count++;
		rc = watch(w, ev);
		if (rc != ANS_OK)
			return rc;
	}
	return ANS_OK;
}

int worker_init(struct worker *w, unsigned id, unsigned workers, struct server *srv)
{
	int rc = thread_init(w, id, srv);
	w->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (w->epfd < 0)
		return -errno;
	w->stop_ev = (struct ev_source){ .kind = EV_STOP, .fd = srv->stop_fd };
	if (rc == ANS_OK)
		rc = watch(w, &w->stop_ev);
	if (rc == ANS_OK)
		rc = open_sockets(w, workers);
	if (rc == ANS_ENOMEM)
		log_error("server, worker %u, out of memory", id);
	return rc;
}

static bool dispatch(struct worker *w, struct epoll_event *e)
{
	struct ev_source *ev = e->data.ptr;
	switch (ev->kind) {
	case EV_STOP: return false;
	case EV_TCP_LISTEN: tcp_accept(w, ev->fd); break;
	case EV_TCP_CONN: tcp_handle(w, ev, e->events); break;
	}
	return true;
}

static void *tcp_main(void *arg)
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

static void *udp_main(void *arg)
{
	struct worker *u = arg;
	urcu_memb_register_thread();
	udp_serve(u);
	urcu_memb_unregister_thread();
	return NULL;
}

/* Names fit 15 bytes: "anynsd-udp" + up to 5 digits. */
static int start_thread(struct worker *w, void *(*fn)(void *), const char *kind,
			unsigned n)
{
	int rc = pthread_create(&w->thread, NULL, fn, w);
	if (rc != 0)
		return -rc;
	w->started = true;
	char name[16];
	snprintf(name, sizeof(name), "anynsd-%s%u", kind, n);
	pthread_setname_np(w->thread, name);
	return ANS_OK;
}

int worker_start(struct worker *w)
{
	int rc = start_thread(w, tcp_main, "tcp", w->id);
	for (size_t i = 0; rc == ANS_OK && i < w->udp_count; i++)
		rc = start_thread(&w->udp_threads[i], udp_main, "udp",
				  w->id * (unsigned)w->udp_count + (unsigned)i);
	return rc;
}

void worker_stop(struct worker *w)
{
	if (!w->srv)
		return;   /* never initialised */
	atomic_store(&w->srv->is_stopping, true);
	/* ENOTCONN is expected (unconnected socket), yet the receive side is
	 * shut and a blocked recvmmsg() returns (design block). */
	for (size_t i = 0; i < w->udp_count; i++)
		if (w->udp_threads[i].udp_fd >= 0)
			(void)shutdown(w->udp_threads[i].udp_fd, SHUT_RD);
}

static void join_thread(struct worker *w)
{
	if (w->started)
		pthread_join(w->thread, NULL);
	w->started = false;
}

void worker_join(struct worker *w)
{
	worker_stop(w);
	for (size_t i = 0; i < w->udp_count; i++)
		join_thread(&w->udp_threads[i]);
	join_thread(w);
}

static void thread_free(struct worker *w)
{
	if (w->udp_fd >= 0)
		close(w->udp_fd);
	udp_batch_free(w->udp);
	free(w->scratch);
	if (w->epfd >= 0)
		close(w->epfd);
}

void worker_free(struct worker *w)
{
	if (!w->srv)
		return;   /* never initialised: nothing open */
	tcp_pool_free(w);
	for (size_t i = 0; i < w->sock_count; i++)
		close(w->socks[i].fd);
	free(w->socks);
	for (size_t i = 0; i < w->udp_count; i++)
		thread_free(&w->udp_threads[i]);
	free(w->udp_threads);
	thread_free(w);
	memset(w, 0, sizeof(*w));
	w->epfd = -1;
	w->udp_fd = -1;
}
