/* SPDX-License-Identifier: MIT */
/*
 * Worker threads. Each worker owns, for every listen address, one UDP and
 * one TCP listening socket (SO_REUSEPORT), an epoll instance, an
 * ans_answer_ctx and its packet buffers, all allocated at start-up; it
 * answers queries until the server's stop eventfd becomes readable.
 * See doc/server.md.
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
enum ev_kind { EV_STOP, EV_UDP, EV_TCP_LISTEN, EV_TCP_CONN };

struct ev_source {
	enum ev_kind kind;
	int fd;
};

/* Shared by all workers; read-only while they run, except the counter. */
struct server {
	const struct conf *conf;
	struct ans_answer_conf answer_conf;
	struct zones *zones;
	int stop_fd;                  /* eventfd: readable means stop */
	atomic_long tcp_clients;      /* open connections, all workers */
	struct ans_tsig_key *keys;    /* every configured key, contiguous */
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

struct worker {
	unsigned id;
	pthread_t thread;
	bool started;
	struct server *srv;
	int epfd;
	struct ev_source stop_ev;
	struct ev_source *socks;      /* 2 per listen address: UDP, TCP */
	size_t sock_count;
	struct ans_answer_ctx actx;
	struct udp_batch *udp;
	struct tcp_pool tcp;
	uint8_t *scratch;             /* a signed request without its TSIG */
	/* Workers sit side by side in one array (main.c, calloc: 16-byte
	 * aligned). The TCP pool above is written per connection event and
	 * the next worker's first fields are read per event: 64 bytes of
	 * padding keep them off a common cache line whatever the array's
	 * alignment, so no line is written by two workers. */
	char pad_end[64];
};

/* Opens the worker's sockets and allocates its buffers. On error logs it
 * and returns -errno or ANS_ENOMEM; worker_free() cleans up either way. */
int worker_init(struct worker *w, unsigned id, struct server *srv) ANS_WUR;

/* Starts the thread. Errors: -errno. */
int worker_start(struct worker *w) ANS_WUR;

/* Waits for a started worker to end (after the stop eventfd was written). */
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
