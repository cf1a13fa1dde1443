/* SPDX-License-Identifier: MIT */
/*
 * DOC: bench/scale -- the answer path on T threads, without sockets
 *
 * Issue 6: throughput should grow with server.workers up to the cores there
 * are. With sockets, dnsperf and loopback saturate first here (round 7 of
 * doc/performance.md), so this measures what the workers do per query:
 * worker_answer() (anynsd/worker.c), as net/udp.c's answer_batch() calls it,
 * on each thread's own struct worker (answer context, stats block id) with
 * SCALE_SLOTS output slots of SCALE_OUT_MAX bytes (UDP_BATCH, UDP_OUT_MAX)
 * and one RCU read section per batch -- fed from memory, not recvmmsg().
 * The zone is loaded and published by zones_load() from a configuration
 * made in memory; counters come from stats_new(). The query list (the
 * bench's mix, as dnspython and dnsperf send it: RD, no EDNS) is shared and
 * only read.
 *
 * A measurement: T threads pinned to CPUs (first + i) mod nproc; each
 * answers the whole list once and byte-compares every answer with a
 * single-threaded reference pass (itself checked against expect.tsv); then
 * the timed part. A wrong answer, or counters that do not add up to the
 * queries answered, ends the program with 1 and no figure.
 *
 * The timed part is cut into SCALE_SLICE_S slices on one clock, cycling
 *   A  every thread answers                    -> total(T)
 *   B  thread 0 answers, the others calibrate  -> one thread alone
 *   C  every thread calibrates                 -> what the host gave
 * (calibration: xorshift in registers, no memory). This VM's speed varies
 * by the second (other guests share its memory and last-level cache), so
 * the paired efficiency total(T) / (T x alone) compares slices tens of
 * milliseconds apart; the calibration's total against T = 1's says whether
 * the host gave T CPUs meanwhile. Repetitions are interleaved over T.
 *
 * Threads start count/T queries apart (timed_loop()); --in-step starts them
 * together. Controls that write shared memory on purpose: --shared-write
 * (one atomic increment of one counter per query) and --shared-stats
 * (every thread counts into block 0, as a server-wide block would; its
 * counts are then not checked: concurrent load + store loses some).
 */
#define _LGPL_SOURCE
#include <getopt.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <urcu/urcu-memb.h>

#include "anynsd/conf/conf.h"
#include "anynsd/stats.h"
#include "anynsd/worker.h"
#include "anynsd/zones.h"
#include "lib/name/name.h"
#include "lib/wire/rdata.h"

#define SCALE_SLOTS 32          /* net/udp.c UDP_BATCH */
#define SCALE_OUT_MAX 4096      /* net/udp.c UDP_OUT_MAX */
#define SCALE_MAX_THREADS 64
#define SCALE_MAX_REPS 15
#define SCALE_SLICE_S 0.05      /* answer, calibrate, answer, ... */
#define HDR 12

/* Packets one after another in `buf`, packet i at off[i]. */
struct packets {
	uint8_t *buf;
	size_t *off;
	uint16_t *len;
	size_t count;
};

struct opts {
	const char *zone;
	const char *origin;
	const char *queries;
	const char *expect;
	const char *json;
	double seconds;
	unsigned reps;
	unsigned threads[SCALE_MAX_THREADS];
	unsigned thread_count;
	unsigned first_cpu;
	bool shared_write;
	bool shared_stats;
	bool in_step;
};

struct bench {
	struct server srv;
	struct worker *workers;       /* SCALE_MAX_THREADS, as main.c lays them */
	struct packets q;             /* the query mix */
	struct packets ref;           /* single-threaded answers */
	unsigned nproc;
	unsigned first_cpu;
	bool shared_write;
	bool shared_stats;
	bool in_step;
	double t0_s;                  /* CLOCK_MONOTONIC start of the timed part */
	double seconds;               /* its length */
	atomic_ulong shared;          /* --shared-write only */
	pthread_barrier_t go;
	pthread_barrier_t checked;
	pthread_barrier_t timed;      /* t0_s is set */
};

struct thread {
	struct bench *b;
	struct worker *w;
	uint8_t (*out)[SCALE_OUT_MAX];
	uint16_t len[SCALE_SLOTS];    /* of each slot's last answer */
	size_t start;                 /* where in the list the timed loop starts */
	pthread_t tid;
	unsigned idx;
	unsigned cpu;
	bool is_pinned;
	size_t wrong;
	uint64_t queries;             /* all timed answers (counters check) */
	uint64_t queries_a;           /* in A slices */
	double wall_s;                /* in A slices */
	double cpu_s;                 /* thread CPU time in A slices */
	uint64_t queries_b;           /* thread 0 in B slices */
	double solo_s;
	uint64_t calib;               /* in C slices */
	double calib_s;
	uint64_t calib_sink;
} __attribute__((aligned(64)));

struct result {
	unsigned threads;
	double total_qps;
	double per_thread_qps[SCALE_MAX_THREADS];
	double cpu_share[SCALE_MAX_THREADS];   /* thread CPU time / wall time */
	double total_calib;                    /* calibration iterations/s, all threads */
	double solo_qps;                       /* thread 0 alone (B slices) */
};

/* The medians of one T over the repetitions. */
struct summary {
	double total_qps;
	double paired;                         /* total / (T x solo), same run */
	double total_calib;
	double cpu_share;                      /* mean over the threads */
};

static double clock_s(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* --- the query list and the expectations ------------------------------ */

static int packets_alloc(struct packets *p, size_t count, size_t bytes)
{
	p->buf = malloc(bytes ? bytes : 1);
	p->off = calloc(count + 1, sizeof(*p->off));
	p->len = calloc(count + 1, sizeof(*p->len));
	p->count = 0;
	return p->buf && p->off && p->len ? ANS_OK : ANS_ENOMEM;
}

static void packets_free(struct packets *p)
{
	free(p->buf);
	free(p->off);
	free(p->len);
}

static size_t count_lines(FILE *f)
{
	size_t n = 0;
	int c;
	while ((c = getc(f)) != EOF)
		n += c == '\n';
	rewind(f);
	return n;
}

/* One query as dnspython's make_query() and dnsperf write it: id = the
 * line number, RD, one question, class IN, no EDNS. */
static int query_wire(const char *line, size_t i, uint8_t *out, uint16_t *len)
{
	char name[1024], type[64];
	if (sscanf(line, "%1023s %63s", name, type) != 2)
		return ANS_ESYNTAX;
	size_t nlen;
	uint16_t qtype;
	int rc = ans_name_from_text(out + HDR, &nlen, name, strlen(name), NULL);
	if (rc == ANS_OK)
		rc = ans_rrtype_from_text(type, strlen(type), &qtype);
	if (rc != ANS_OK)
		return rc;
	uint8_t hdr[HDR] = { (uint8_t)(i >> 8), (uint8_t)i, 0x01, 0, 0, 1 };
	memcpy(out, hdr, HDR);
	uint8_t *t = out + HDR + nlen;
	t[0] = (uint8_t)(qtype >> 8);
	t[1] = (uint8_t)qtype;
	t[2] = 0;
	t[3] = ANS_CLASS_IN;
	*len = (uint16_t)(HDR + nlen + 4);
	return ANS_OK;
}

static int load_queries(const char *path, struct packets *p)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -errno;
	size_t n = count_lines(f);
	int rc = packets_alloc(p, n, n * (HDR + ANS_NAME_MAX + 4));
	char line[2048];
	size_t at = 0;
	while (rc == ANS_OK && p->count < n && fgets(line, sizeof(line), f)) {
		rc = query_wire(line, p->count, p->buf + at, &p->len[p->count]);
		p->off[p->count] = at;
		at += p->len[p->count];
		p->count += rc == ANS_OK;
	}
	fclose(f);
	if (rc != ANS_OK)
		fprintf(stderr, "scale: %s:%zu: query not read (%s)\n", path, p->count + 1,
			ans_strerror(rc));
	return rc;
}

static int rcode_of(const char *text)
{
	static const char *const names[] = { "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
					     "NOTIMP", "REFUSED" };
	for (int i = 0; i < (int)(sizeof(names) / sizeof(names[0])); i++)
		if (strcmp(text, names[i]) == 0)
			return i;
	return -1;
}

/* Checks answer i against expect.tsv's row (qname, qtype, kind, rcode,
 * ancount, aa, auth_ns): what measure.check_one() checks of the header. */
static bool answer_expected(const uint8_t *a, size_t len, const char *row)
{
	char qname[1024], qtype[64], kind[64], rcode[64];
	unsigned ancount, aa;
	if (sscanf(row, "%1023s %63s %63s %63s %u %u", qname, qtype, kind, rcode, &ancount,
		   &aa) != 6 || len < HDR)
		return false;
	unsigned got_an = (unsigned)a[6] << 8 | a[7];
	unsigned got_aa = (a[2] >> 2) & 1;
	return (a[3] & 0x0f) == rcode_of(rcode) && got_an == ancount && got_aa == aa;
}

static size_t check_expect(const char *path, const struct packets *ref)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "scale: %s: %s\n", path, strerror(errno));
		return ref->count ? ref->count : 1;
	}
	char row[2048];
	size_t i = 0, wrong = 0;
	for (; i < ref->count && fgets(row, sizeof(row), f); i++) {
		if (answer_expected(ref->buf + ref->off[i], ref->len[i], row))
			continue;
		if (wrong++ < 3)
			fprintf(stderr, "scale: answer %zu does not match %s: %s", i, path, row);
	}
	fclose(f);
	return wrong + (ref->count - i);
}

/* --- the server's state ------------------------------------------------ */

static int load_conf(const struct opts *o, struct conf **conf)
{
	char text[4096], err[1024];
	int n = snprintf(text, sizeof(text),
			 "server:\n  listen: [ \"127.0.0.1@53053\" ]\n  workers: %u\nzone:\n  - domain: \"%s\"\n"
			 "    file: \"%s\"\n", SCALE_MAX_THREADS, o->origin, o->zone);
	if (n < 0 || (size_t)n >= sizeof(text))
		return ANS_ESPACE;
	int rc = conf_load_text("scale.yaml", text, (size_t)n, conf, err, sizeof(err));
	if (rc != ANS_OK)
		fprintf(stderr, "scale: %s\n", err);
	return rc;
}

static int server_up(struct bench *b, const struct conf *conf)
{
	b->srv = (struct server){ .conf = conf, .stop_fd = -1 };
	server_answer_conf(&b->srv.answer_conf, conf);
	b->workers = calloc(SCALE_MAX_THREADS, sizeof(*b->workers));
	int rc = b->workers ? zones_new(&b->srv.zones, conf) : ANS_ENOMEM;
	if (rc == ANS_OK)
		rc = stats_new(&b->srv.stats, SCALE_MAX_THREADS, conf->zone_count);
	if (rc == ANS_OK && zones_load(b->srv.zones) != 0)
		rc = ANS_ENOZONE;
	for (unsigned i = 0; rc == ANS_OK && i < SCALE_MAX_THREADS; i++) {
		b->workers[i].id = i;
		b->workers[i].srv = &b->srv;
		b->workers[i].epfd = -1;
	}
	return rc;
}

static void server_down(struct bench *b)
{
	if (b->srv.zones)
		zones_free(b->srv.zones);
	stats_free(b->srv.stats);
	free(b->workers);
}

static uint64_t worker_count(const struct bench *b, unsigned id)
{
	const struct stats_worker *sw = &b->srv.stats->workers[id];
	uint64_t n = 0;
	for (size_t i = 0; i < STATS_QTYPES; i++)
		n += atomic_load_explicit(&sw->queries[ANS_TRANSPORT_UDP][i],
					  memory_order_relaxed);
	return n;
}

/* --- answering --------------------------------------------------------- */

/* net/udp.c answer_batch() without the socket: one RCU read section and
 * one zone set read for up to SCALE_SLOTS queries, each answered into its
 * own slot; the lengths go to t->len. Returns the bytes written. */
static size_t answer_slots(struct thread *t, size_t first, size_t n, const struct sockaddr *peer)
{
	const struct packets *q = &t->b->q;
	size_t bytes = 0;
	urcu_memb_read_lock();
	const struct ans_zoneset *zs = zones_read(t->b->srv.zones);
	for (size_t i = 0; i < n; i++) {
		size_t k = first + i;
		size_t len = worker_answer(t->w, zs, q->buf + q->off[k], q->len[k],
					   ANS_TRANSPORT_UDP, peer, t->out[i], SCALE_OUT_MAX, NULL);
		t->len[i] = (uint16_t)len;
		bytes += len;
		if (t->b->shared_write)
			atomic_fetch_add_explicit(&t->b->shared, 1, memory_order_relaxed);
	}
	urcu_memb_read_unlock();
	return bytes;
}

static void check_pass(struct thread *t, const struct sockaddr *peer)
{
	const struct packets *q = &t->b->q, *ref = &t->b->ref;
	for (size_t first = 0; first < q->count; first += SCALE_SLOTS) {
		size_t n = q->count - first < SCALE_SLOTS ? q->count - first : SCALE_SLOTS;
		answer_slots(t, first, n, peer);
		for (size_t i = 0; i < n; i++) {
			size_t k = first + i;
			t->wrong += t->len[i] != ref->len[k] ||
				    memcmp(t->out[i], ref->buf + ref->off[k], ref->len[k]) != 0;
		}
	}
}

/* The calibration: xorshift64 in registers until `end`, the clock read
 * every 4096 steps (~10 µs). Returns the steps done. */
static uint64_t calibrate_until(double end, uint64_t *sink)
{
	uint64_t x = *sink | 1, n = 0;
	while (clock_s(CLOCK_MONOTONIC) < end) {
		for (int i = 0; i < 4096; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
		}
		n += 4096;
	}
	*sink = x;
	return n;
}

/* Answers from `*first` on until `end`; the clock is read per batch of
 * SCALE_SLOTS queries (~10 µs). Returns the bytes written. */
static size_t answer_until(struct thread *t, double end, size_t *first,
			   const struct sockaddr *peer)
{
	const struct packets *q = &t->b->q;
	size_t bytes = 0;
	while (clock_s(CLOCK_MONOTONIC) < end) {
		size_t n = q->count - *first < SCALE_SLOTS ? q->count - *first : SCALE_SLOTS;
		bytes += answer_slots(t, *first, n, peer);
		t->queries += n;
		*first = *first + n == q->count ? 0 : *first + n;
	}
	return bytes;
}

/* Slices A, B, C (see the design block) on boundaries common to every
 * thread (b->t0_s).
 *
 * Threads start count/T queries apart: started together they would walk
 * the list in step, and whichever thread touches a zone node first would
 * warm the shared cache (or, time-sharing a CPU, the core's own) for the
 * others -- more q/s per thread than real traffic, which no two workers
 * see in the same order, would give. A run without a single answer byte
 * is a broken build. */
static void timed_loop(struct thread *t, const struct sockaddr *peer)
{
	double t0 = t->b->t0_s, end = t0 + t->b->seconds;
	size_t first = t->start, bytes = 0;
	while (clock_s(CLOCK_MONOTONIC) < t0)
		;
	for (unsigned k = 0; t0 + k * SCALE_SLICE_S < end; k++) {
		double slice_end = t0 + (k + 1) * SCALE_SLICE_S;
		double w0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_THREAD_CPUTIME_ID);
		uint64_t q0 = t->queries;
		if (k % 3 == 0) {
			bytes += answer_until(t, slice_end, &first, peer);
			t->queries_a += t->queries - q0;
			t->wall_s += clock_s(CLOCK_MONOTONIC) - w0;
			t->cpu_s += clock_s(CLOCK_THREAD_CPUTIME_ID) - c0;
		} else if (k % 3 == 1 && t->idx == 0) {
			bytes += answer_until(t, slice_end, &first, peer);
			t->queries_b += t->queries - q0;
			t->solo_s += clock_s(CLOCK_MONOTONIC) - w0;
		} else if (k % 3 == 1) {
			calibrate_until(slice_end, &t->calib_sink);
		} else {
			t->calib += calibrate_until(slice_end, &t->calib_sink);
			t->calib_s += clock_s(CLOCK_MONOTONIC) - w0;
		}
	}
	if (bytes == 0)
		t->wrong++;
}

static void *thread_main(void *arg)
{
	struct thread *t = arg;
	struct sockaddr_in peer = { .sin_family = AF_INET, .sin_port = htons(53053),
				    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(t->cpu, &set);
	t->is_pinned = pthread_setaffinity_np(pthread_self(), sizeof(set), &set) == 0;
	urcu_memb_register_thread();
	pthread_barrier_wait(&t->b->go);
	check_pass(t, (struct sockaddr *)&peer);
	pthread_barrier_wait(&t->b->checked);
	pthread_barrier_wait(&t->b->timed);
	timed_loop(t, (struct sockaddr *)&peer);
	urcu_memb_unregister_thread();
	return NULL;
}

/* Answers every query once on the main thread, as worker 0, keeping the
 * answers: the reference the threads' answers are compared with. */
static int reference_pass(struct bench *b)
{
	const struct packets *q = &b->q;
	/* No EDNS in the queries: no answer is over 512 bytes (RFC 1035
	 * §4.2.1); pages not written are never touched. */
	size_t cap = q->count * (size_t)512, at = 0;
	int rc = packets_alloc(&b->ref, q->count, cap);
	uint8_t out[SCALE_OUT_MAX];
	struct sockaddr_in peer = { .sin_family = AF_INET };
	urcu_memb_register_thread();
	urcu_memb_read_lock();
	const struct ans_zoneset *zs = zones_read(b->srv.zones);
	for (size_t i = 0; rc == ANS_OK && i < q->count; i++) {
		size_t len = worker_answer(&b->workers[0], zs, q->buf + q->off[i], q->len[i],
					   ANS_TRANSPORT_UDP, (struct sockaddr *)&peer, out,
					   sizeof(out), NULL);
		if (len == 0 || at + len > cap) {
			rc = len == 0 ? ANS_EMALF : ANS_ESPACE;
			break;
		}
		memcpy(b->ref.buf + at, out, len);
		b->ref.off[i] = at;
		b->ref.len[i] = (uint16_t)len;
		at += len;
		b->ref.count++;
	}
	urcu_memb_read_unlock();
	urcu_memb_unregister_thread();
	return rc;
}

/* --- one measurement and the report ------------------------------------ */

/* Joins the threads and turns what they counted into `r`; a wrong answer,
 * an unpinned thread or counters that disagree make it ANS_EMALF. */
static int collect(struct bench *b, struct thread *ts, unsigned n, const uint64_t *before,
		   struct result *r)
{
	int rc = ANS_OK;
	*r = (struct result){ .threads = n };
	for (unsigned i = 0; i < n; i++) {
		pthread_join(ts[i].tid, NULL);
		uint64_t counted = worker_count(b, i) - before[i];
		bool is_counted = b->shared_stats || counted == ts[i].queries + b->q.count;
		if (ts[i].wrong || !ts[i].is_pinned || !is_counted) {
			fprintf(stderr, "scale: T=%u thread %u: %zu answers differ from the "
				"single-threaded pass, pinned %d, counted %llu of %llu\n", n, i,
				ts[i].wrong, ts[i].is_pinned, (unsigned long long)counted,
				(unsigned long long)(ts[i].queries + b->q.count));
			rc = ANS_EMALF;
		}
		r->per_thread_qps[i] = ts[i].queries_a / ts[i].wall_s;
		r->cpu_share[i] = ts[i].cpu_s / ts[i].wall_s;
		r->total_qps += r->per_thread_qps[i];
		r->total_calib += ts[i].calib / ts[i].calib_s;
	}
	r->solo_qps = ts[0].queries_b / ts[0].solo_s;
	return rc;
}

static int measure(struct bench *b, unsigned n, double seconds, struct result *r)
{
	struct thread *ts = aligned_alloc(64, sizeof(*ts) * n);
	uint8_t (*outs)[SCALE_OUT_MAX] = aligned_alloc(64, (size_t)n * SCALE_SLOTS * SCALE_OUT_MAX);
	if (!ts || !outs) {
		free(ts);
		free(outs);
		return ANS_ENOMEM;
	}
	b->seconds = seconds;
	pthread_barrier_init(&b->go, NULL, n + 1);
	pthread_barrier_init(&b->checked, NULL, n + 1);
	pthread_barrier_init(&b->timed, NULL, n + 1);
	uint64_t before[SCALE_MAX_THREADS];
	for (unsigned i = 0; i < n; i++) {
		before[i] = worker_count(b, i);
		b->workers[i].id = b->shared_stats ? 0 : i;   /* one block for all */
		ts[i] = (struct thread){ .b = b, .w = &b->workers[i], .idx = i,
					 .cpu = (b->first_cpu + i) % b->nproc,
					 .out = outs + (size_t)i * SCALE_SLOTS,
					 .start = b->in_step ? 0 : b->q.count * i / n };
		if (pthread_create(&ts[i].tid, NULL, thread_main, &ts[i]) != 0)
			abort();    /* barriers count on every thread: nothing to unwind */
	}
	pthread_barrier_wait(&b->go);
	pthread_barrier_wait(&b->checked);
	/* Written before the barrier after which the threads read it; 10 ms
	 * ahead, so that every thread is past the barrier by then. */
	b->t0_s = clock_s(CLOCK_MONOTONIC) + 0.01;
	pthread_barrier_wait(&b->timed);
	int rc = collect(b, ts, n, before, r);
	pthread_barrier_destroy(&b->go);
	pthread_barrier_destroy(&b->checked);
	pthread_barrier_destroy(&b->timed);
	free(outs);
	free(ts);
	return rc;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void print_run(const struct result *r, unsigned rep)
{
	printf("T=%-2u rep %u: total %9.0f q/s, thread 0 alone %.0f q/s, calibration %.0f M/s; "
	       "per thread", r->threads, rep, r->total_qps, r->solo_qps, r->total_calib / 1e6);
	for (unsigned i = 0; i < r->threads; i++)
		printf(" %.0f (cpu %.0f%%)", r->per_thread_qps[i], 100 * r->cpu_share[i]);
	printf("\n");
	fflush(stdout);
}

static void loadavg(char *buf, size_t size)
{
	FILE *f = fopen("/proc/loadavg", "r");
	if (!f || !fgets(buf, (int)size, f))
		snprintf(buf, size, "?\n");
	buf[strcspn(buf, "\n")] = 0;
	if (f)
		fclose(f);
}

static struct summary summary_of(struct result (*res)[SCALE_MAX_THREADS], unsigned k,
				 unsigned reps, unsigned nproc)
{
	double qps[SCALE_MAX_REPS], calib[SCALE_MAX_REPS], share[SCALE_MAX_REPS];
	double paired[SCALE_MAX_REPS];
	for (unsigned r = 0; r < reps; r++) {
		const struct result *x = &res[r][k];
		qps[r] = x->total_qps;
		/* Past nproc thread 0 shares its CPU in B slices: not alone. */
		paired[r] = x->threads <= nproc ? x->total_qps / (x->threads * x->solo_qps) : -1;
		calib[r] = x->total_calib;
		share[r] = 0;
		for (unsigned i = 0; i < x->threads; i++)
			share[r] += x->cpu_share[i] / x->threads;
	}
	return (struct summary){ .total_qps = median(qps, reps), .paired = median(paired, reps),
				 .total_calib = median(calib, reps), .cpu_share = median(share, reps) };
}

static void json_runs(FILE *js, const struct opts *o, struct result (*res)[SCALE_MAX_THREADS])
{
	fprintf(js, ", \"runs\": [");
	for (unsigned r = 0; r < o->reps; r++)
		for (unsigned k = 0; k < o->thread_count; k++)
			fprintf(js, "%s{\"threads\": %u, \"rep\": %u, \"total_qps\": %.0f, "
				"\"solo_qps\": %.0f, \"total_calib\": %.0f}", r + k ? ", " : "",
				o->threads[k], r + 1, res[r][k].total_qps, res[r][k].solo_qps,
				res[r][k].total_calib);
	fprintf(js, "]");
}

static void json_head(FILE *js, const struct opts *o, const struct bench *b, const char *load0,
		      const char *load1)
{
	fprintf(js, "{\"nproc\": %u, \"seconds\": %g, \"slice_s\": %g, \"reps\": %u, "
		"\"queries\": %zu, \"shared_write\": %s, \"shared_stats\": %s, "
		"\"in_step\": %s, \"loadavg_before\": \"%s\", \"loadavg_after\": \"%s\"",
		b->nproc, o->seconds, SCALE_SLICE_S, o->reps, b->q.count,
		o->shared_write ? "true" : "false", o->shared_stats ? "true" : "false",
		o->in_step ? "true" : "false", load0, load1);
}

/* Medians per T: efficiency = total(T) / (T x total(1)) across runs;
 * paired = total(T) / (T x solo) within each run (B slices); machine =
 * the calibration's total(T) / (T x total(1)): what the host gave. */
static void summarise(const struct opts *o, const struct bench *b,
		      struct result (*res)[SCALE_MAX_THREADS], const char *load0)
{
	struct summary sum[SCALE_MAX_THREADS], one = { 0 };
	for (unsigned k = 0; k < o->thread_count; k++) {
		sum[k] = summary_of(res, k, o->reps, b->nproc);
		if (o->threads[k] == 1)
			one = sum[k];
	}
	char load1[128];
	loadavg(load1, sizeof(load1));
	FILE *js = o->json ? fopen(o->json, "w") : NULL;
	if (js) {
		json_head(js, o, b, load0, load1);
		json_runs(js, o, res);
		fprintf(js, ", \"medians\": [");
	}
	printf("\nmedians of %u (loadavg before: %s; after: %s)\n", o->reps, load0, load1);
	printf("threads  total q/s  per thread  efficiency  paired eff.  machine eff.  CPU share\n");
	for (unsigned k = 0; k < o->thread_count; k++) {
		unsigned n = o->threads[k];
		double eff = one.total_qps > 0 ? sum[k].total_qps / (n * one.total_qps) : -1;
		double meff = one.total_calib > 0 ? sum[k].total_calib / (n * one.total_calib) : -1;
		printf("%7u  %9.0f  %10.0f  %10.2f  %11.2f  %12.2f  %8.0f%%\n", n, sum[k].total_qps,
		       sum[k].total_qps / n, eff, sum[k].paired, meff, 100 * sum[k].cpu_share);
		if (js)
			fprintf(js, "%s{\"threads\": %u, \"total_qps\": %.0f, \"efficiency\": %.3f, "
				"\"paired_efficiency\": %.3f, \"machine_efficiency\": %.3f, "
				"\"cpu_share\": %.3f}", k ? ", " : "", n, sum[k].total_qps, eff,
				sum[k].paired, meff, sum[k].cpu_share);
	}
	if (js) {
		fprintf(js, "]}\n");
		fclose(js);
	}
}

/* --- arguments ----------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f, "usage: scale --zone FILE --origin NAME --queries FILE --expect FILE\n"
		"             [--seconds S] [--reps N] [--threads 1,2,...] [--json FILE]\n"
		"             [--first-cpu N] [--in-step] [--shared-write | --shared-stats]\n"
		"  defaults: 2 s per run, 3 interleaved repetitions, T = 1..2 x nproc\n");
}

static bool parse_threads(struct opts *o, char *list)
{
	o->thread_count = 0;
	for (char *s = strtok(list, ","); s; s = strtok(NULL, ",")) {
		long v = strtol(s, NULL, 10);
		if (v < 1 || v > SCALE_MAX_THREADS || o->thread_count == SCALE_MAX_THREADS)
			return false;
		o->threads[o->thread_count++] = (unsigned)v;
	}
	return o->thread_count > 0;
}

static bool parse_args(int argc, char **argv, struct opts *o, unsigned nproc)
{
	static const struct option longs[] = {
		{ "zone", required_argument, NULL, 'z' }, { "origin", required_argument, NULL, 'o' },
		{ "queries", required_argument, NULL, 'q' }, { "expect", required_argument, NULL, 'e' },
		{ "seconds", required_argument, NULL, 's' }, { "reps", required_argument, NULL, 'r' },
		{ "threads", required_argument, NULL, 't' }, { "json", required_argument, NULL, 'j' },
		{ "shared-write", no_argument, NULL, 'W' }, { "in-step", no_argument, NULL, 'S' },
		{ "first-cpu", required_argument, NULL, 'c' },
		{ "shared-stats", no_argument, NULL, 'X' }, { NULL, 0, NULL, 0 },
	};
	*o = (struct opts){ .seconds = 2, .reps = 3 };
	for (unsigned i = 1; i <= 2 * nproc && i <= SCALE_MAX_THREADS; i++)
		o->threads[o->thread_count++] = i;
	int c;
	while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		switch (c) {
		case 'z': o->zone = optarg; break;
		case 'o': o->origin = optarg; break;
		case 'q': o->queries = optarg; break;
		case 'e': o->expect = optarg; break;
		case 's': o->seconds = strtod(optarg, NULL); break;
		case 'r': o->reps = (unsigned)strtoul(optarg, NULL, 10); break;
		case 't': if (!parse_threads(o, optarg)) return false; break;
		case 'j': o->json = optarg; break;
		case 'W': o->shared_write = true; break;
		case 'S': o->in_step = true; break;
		case 'X': o->shared_stats = true; break;
		case 'c': o->first_cpu = (unsigned)strtoul(optarg, NULL, 10); break;
		default: return false;
		}
	}
	return o->zone && o->origin && o->queries && o->expect && o->seconds > 0 &&
	       o->seconds < 600 && o->reps >= 1 && o->reps <= SCALE_MAX_REPS;
}

static int prepare(struct bench *b, const struct opts *o, struct conf **conf)
{
	int rc = load_conf(o, conf);
	if (rc == ANS_OK)
		rc = server_up(b, *conf);
	if (rc == ANS_OK)
		rc = load_queries(o->queries, &b->q);
	if (rc == ANS_OK)
		rc = reference_pass(b);
	if (rc == ANS_OK && check_expect(o->expect, &b->ref) != 0)
		rc = ANS_EMALF;
	if (rc != ANS_OK)
		fprintf(stderr, "scale: set-up failed (%s)\n", ans_strerror(rc));
	return rc;
}

int main(int argc, char **argv)
{
	static struct bench b;
	static struct result res[SCALE_MAX_REPS][SCALE_MAX_THREADS];
	struct opts o;
	b.nproc = (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
	if (!parse_args(argc, argv, &o, b.nproc)) {
		usage(stderr);
		return 2;
	}
	b.shared_write = o.shared_write;
	b.first_cpu = o.first_cpu;
	b.in_step = o.in_step;
	b.shared_stats = o.shared_stats;
	struct conf *conf = NULL;
	int rc = prepare(&b, &o, &conf);
	char load0[128];
	loadavg(load0, sizeof(load0));
	if (rc == ANS_OK)
		printf("scale: %zu queries checked against %s; %u CPUs; %.1f s per run%s%s\n",
		       b.q.count, o.expect, b.nproc, o.seconds,
		       o.shared_write ? "; CONTROL: one shared counter written per query" :
		       o.shared_stats ? "; CONTROL: every thread counts into one stats block" : "",
		       o.in_step ? "; threads start in step" : "");
	for (unsigned r = 0; rc == ANS_OK && r < o.reps; r++)
		for (unsigned k = 0; rc == ANS_OK && k < o.thread_count; k++) {
			rc = measure(&b, o.threads[k], o.seconds, &res[r][k]);
			print_run(&res[r][k], r + 1);
		}
	if (rc == ANS_OK)
		summarise(&o, &b, res, load0);
	packets_free(&b.q);
	packets_free(&b.ref);
	server_down(&b);
	conf_free(conf);
	return rc == ANS_OK ? 0 : 1;
}
