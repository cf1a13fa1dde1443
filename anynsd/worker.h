/* SPDX-License-Identifier: MIT */
/*
 * Worker threads. Each worker owns, for every listen address, one UDP and
 * one TCP listening socket (SO_REUSEPORT). Its epoll thread serves the TCP
 * listeners and connections until the server's stop eventfd becomes
 * readable; each UDP socket has a thread of its own, blocked in recvmmsg(),
 * stopped by worker_stop(). Every thread has its own struct worker: answer
 * context, buffers and stats block, all allocated at start-up.
 * See the design block in worker.c and doc/server.md.
 */
#ifndef ANYNSD_WORKER_H
#define ANYNSD_WORKER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "anynsd/conf/conf.h"
#include "anynsd/zones.h"
#include "lib/answer/answer.h"

/* What an epoll event points to. */
enum ev_kind { EV_STOP, EV_TCP_LISTEN, EV_TCP_CONN };

struct ev_source {
	enum ev_kind kind;
	int fd;
};

/* Shared by all workers; read-only while they run, except the counter and
 * the stop flag. */
struct server {
	const struct conf *conf;
	struct ans_answer_conf answer_conf;
	struct zones *zones;
	int stop_fd;                  /* eventfd: readable means stop */
	atomic_bool is_stopping;      /* UDP threads: end when woken */
	/* Written per TCP accept and close by every worker: on a cache line
	 * of its own, so that the fields every query reads (zones, keys,
	 * stats) are not invalidated in the other workers' caches. */
	_Alignas(64) atomic_long tcp_clients;   /* open connections, all workers */
	_Alignas(64) struct ans_tsig_key *keys; /* every configured key, contiguous */
	size_t key_count;
	struct xfrd *xfrd;            /* the transfer thread (NOTIFY in) */
	struct stats *stats;          /* counters (stats.h), NULL: not counted */
};

struct udp_batch;
struct tcp_conn;
struct xfr_job;
struct xfrd;

struct tcp_pool {
	struct tcp_conn *active;      /* open connections (doubly linked) */
	struct tcp_conn *spare;       /* closed ones kept for reuse */
	size_t active_count;
	size_t spare_count;
	int64_t next_deadline_ms;     /* earliest timeout of an active conn */
};

/* One thread's state. A worker's epoll thread (epfd, TCP) owns the UDP
 * threads' states too (udp_threads); a UDP thread uses udp_fd and udp. */
struct worker {
	unsigned id;                  /* this thread's stats block (stats.h) */
	pthread_t thread;
	bool started;
	struct server *srv;
	int epfd;                     /* epoll thread; -1 in a UDP thread */
	int udp_fd;                   /* UDP thread: its socket; else -1 */
	struct ev_source stop_ev;
	struct ev_source *socks;      /* TCP listeners, 1 per listen address */
	size_t sock_count;
	struct worker *udp_threads;   /* 1 per listen address */
	size_t udp_count;
	struct ans_answer_ctx actx;
	struct udp_batch *udp;        /* UDP thread only */
	struct tcp_pool tcp;
	uint8_t *scratch;             /* a signed request without its TSIG */
	/* Workers sit side by side in one array (main.c, calloc: 16-byte
	 * aligned). The TCP pool above is written per connection event and
	 * the next worker's first fields are read per event: 64 bytes of
	 * padding keep them off a common cache line whatever the array's
	 * alignment, so no line is written by two workers. */
	char pad_end[64];
};

/* The answer settings of a configuration (NSID, CHAOS identity and
 * version, UDP payload limit) as struct server carries them. */
void server_answer_conf(struct ans_answer_conf *ac, const struct conf *conf);

/* Stats blocks worker `id` of `workers` uses: block id for its epoll
 * thread, then one per listen address after all workers' epoll threads. */
size_t worker_stats_blocks(size_t workers, size_t listen_count);

/* Opens worker `id`'s sockets (of `workers`) and allocates its threads'
 * buffers. On error logs it and returns -errno or ANS_ENOMEM;
 * worker_free() cleans up either way. */
int worker_init(struct worker *w, unsigned id, unsigned workers,
		struct server *srv) ANS_WUR;

/* Starts the epoll thread and the UDP threads. Errors: -errno. */
int worker_start(struct worker *w) ANS_WUR;

/* Tells the UDP threads to end (srv->is_stopping, then shutdown(SHUT_RD)
 * of their sockets wakes a blocked recvmmsg). Idempotent. */
void worker_stop(struct worker *w);

/* Waits for a started worker's threads to end (after the stop eventfd was
 * written; calls worker_stop()). */
void worker_join(struct worker *w);

/* Closes sockets and connections, frees buffers. */
void worker_free(struct worker *w);

/* Answers one query from `peer` into `out` (ans_answer; TSIG, transfers
 * and NOTIFY through xfr_out.c); returns the response length, 0: send
 * nothing. Over TCP (`job` not NULL) a transfer may start instead: *job is
 * set and 0 returned. */
size_t worker_answer(struct worker *w, const struct ans_zoneset *zs,
		     const uint8_t *q, size_t q_len, enum ans_transport tr,
		     const struct sockaddr *peer, uint8_t *out, size_t out_size,
		     struct xfr_job **job);

/* Monotonic milliseconds. */
int64_t worker_now_ms(void);

#endif
