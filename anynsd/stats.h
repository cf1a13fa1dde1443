/* SPDX-License-Identifier: MIT */
/*
 * DOC: server counters
 *
 * Query counters cost one load and one store each on the query path: every
 * thread that answers (a worker's epoll thread, each of its UDP threads)
 * owns a `struct stats_worker` (cache-line aligned, so no two threads
 * ever write the same line) and is its only writer. Increments are
 * relaxed atomic load + store, not fetch_add: with a single writer nothing
 * is lost, and on x86 this compiles to the same instructions as a plain
 * `++`, without a locked instruction. Readers (metrics scrape, `ctl
 * stats`) sum all blocks with relaxed loads; a sum may be a few
 * queries behind, never torn.
 *
 * Rarer events (outgoing transfers, zone publications) are counted per
 * zone in shared atomics with fetch_add: they are not on the query path.
 *
 * qtype counters are a fixed table of common types plus "other"; rcode
 * counters cover 0..23 (extended RCODEs included) plus "other".
 */
#ifndef ANYNSD_STATS_H
#define ANYNSD_STATS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"

#define STATS_TRANSPORTS 2          /* enum ans_transport: udp, tcp */
#define STATS_QTYPES 24             /* stats_qtype_names, "other" last */
#define STATS_RCODES 25             /* 0..23, then "other" */

struct stats_worker {
	_Atomic uint64_t queries[STATS_TRANSPORTS][STATS_QTYPES];
	_Atomic uint64_t responses[STATS_TRANSPORTS][STATS_RCODES];
	_Atomic uint64_t truncated[STATS_TRANSPORTS];
	_Atomic uint64_t dropped[STATS_TRANSPORTS];
} __attribute__((aligned(64)));

/* Per zone, written by whichever thread saw the event. */
struct stats_zone {
	_Atomic uint32_t serial;
	_Atomic bool is_loaded;
	_Atomic int64_t loaded_at;      /* unix seconds the serial was published */
	_Atomic uint64_t xfr_out[2];    /* [0] failure, [1] success */
};

struct stats {
	struct stats_worker *workers;   /* one block per thread that counts */
	size_t block_count;
	size_t worker_count;            /* server.workers, as reported */
	struct stats_zone *zones;
	size_t zone_count;
	int64_t start_unix;             /* seconds */
	int64_t start_mono_ms;
};

/* The sum of every worker's block. */
struct stats_sum {
	uint64_t queries[STATS_TRANSPORTS][STATS_QTYPES];
	uint64_t responses[STATS_TRANSPORTS][STATS_RCODES];
	uint64_t truncated[STATS_TRANSPORTS];
	uint64_t dropped[STATS_TRANSPORTS];
};

extern const char *const stats_transport_names[STATS_TRANSPORTS];

/* Allocates zeroed blocks for `workers` workers and `zones` zones, one
 * block per worker. Errors: ANS_ENOMEM. */
int stats_new(struct stats **out, size_t workers, size_t zones) ANS_WUR;

/* The same with `blocks` blocks (>= 1), for servers where a worker is
 * several threads, each its own block's only writer (worker.c). */
int stats_new_blocks(struct stats **out, size_t workers, size_t blocks,
		     size_t zones) ANS_WUR;
void stats_free(struct stats *s);

/* qtype -> its index XOR (STATS_QTYPES - 1), for qtypes 0..257 (CAA is
 * the highest counted): a type not in the table reads 0 there, which XOR
 * gives "other", so the table needs no entry for it (stats.c). */
#define STATS_QTYPE_MAP 258
extern const uint8_t stats_qtype_map[STATS_QTYPE_MAP];

/* Index of `qtype` in the qtype table (the last one is "other"), in the
 * order of stats_qtype_name(): a load, a compare and an XOR; the switch
 * it replaces cost ~11 instructions a query (round 10). */
static inline size_t stats_qtype_index(uint16_t qtype)
{
	unsigned v = qtype < STATS_QTYPE_MAP ? stats_qtype_map[qtype] : 0;
	return v ^ (STATS_QTYPES - 1);
}

/* Name of qtype index i ("A", "AAAA", ..., "other"). */
const char *stats_qtype_name(size_t i);

/* Name of rcode index i ("NOERROR", ..., "other"). */
const char *stats_rcode_name(size_t i);

/* Single-writer increment: relaxed load + store (see the design block). */
static inline void stats_bump(_Atomic uint64_t *c)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + 1,
			      memory_order_relaxed);
}

/* One answered query on the worker's own block. */
static inline void stats_count(struct stats_worker *w, unsigned transport, uint16_t qtype,
			       unsigned rcode, bool is_truncated, bool is_dropped)
{
	transport &= 1;
	stats_bump(&w->queries[transport][stats_qtype_index(qtype)]);
	if (is_dropped) {
		stats_bump(&w->dropped[transport]);
		return;
	}
	stats_bump(&w->responses[transport][rcode < STATS_RCODES - 1 ? rcode : STATS_RCODES - 1]);
	if (is_truncated)
		stats_bump(&w->truncated[transport]);
}

/* Sums every block. Any thread. */
void stats_sum(const struct stats *s, struct stats_sum *out);

/* A zone now serves `serial` (zones_change_fn shape, ctx = struct stats). */
void stats_zone_changed(struct stats *s, size_t idx, uint32_t serial);

/* An outgoing transfer of zone idx ended. Any thread. */
void stats_xfr_out(struct stats *s, size_t idx, bool is_ok);

/* Seconds since the process started (monotonic). */
int64_t stats_uptime_s(const struct stats *s);

#endif
