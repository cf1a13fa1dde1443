/* SPDX-License-Identifier: MIT */
/* Server counters: allocation, names, sums (design block in stats.h). */
#include "anynsd/stats.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *const stats_transport_names[STATS_TRANSPORTS] = { "udp", "tcp" };

static const char *const qtype_names[STATS_QTYPES] = {
	"A", "NS", "CNAME", "SOA", "PTR", "MX", "TXT", "AAAA", "SRV", "NAPTR",
	"DS", "RRSIG", "NSEC", "DNSKEY", "NSEC3", "NSEC3PARAM", "TLSA", "SVCB",
	"HTTPS", "CAA", "IXFR", "AXFR", "ANY", "other",
};

/* stats.h: index ^ (STATS_QTYPES - 1), so the zeros of the rest mean
 * "other"; the order is qtype_names[]. */
#define QT(type, index) [type] = (index) ^ (STATS_QTYPES - 1)
const uint8_t stats_qtype_map[STATS_QTYPE_MAP] = {
	QT(1, 0), QT(2, 1), QT(5, 2), QT(6, 3), QT(12, 4), QT(15, 5),
	QT(16, 6), QT(28, 7), QT(33, 8), QT(35, 9), QT(43, 10), QT(46, 11),
	QT(47, 12), QT(48, 13), QT(50, 14), QT(51, 15), QT(52, 16),
	QT(64, 17), QT(65, 18), QT(257, 19), QT(251, 20), QT(252, 21),
	QT(255, 22),
};
#undef QT

/* RFC 6895 §2.3 (header RCODEs 0..15, extended ones from the OPT RR). */
static const char *const rcode_names[STATS_RCODES] = {
	"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
	"YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE", "DSOTYPENI",
	"RCODE12", "RCODE13", "RCODE14", "RCODE15", "BADVERS", "BADKEY",
	"BADTIME", "BADMODE", "BADNAME", "BADALG", "BADTRUNC", "BADCOOKIE",
	"other",
};

const char *stats_qtype_name(size_t i)
{
	return i < STATS_QTYPES ? qtype_names[i] : "other";
}

const char *stats_rcode_name(size_t i)
{
	return i < STATS_RCODES ? rcode_names[i] : "other";
}

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int stats_new(struct stats **out, size_t workers, size_t zones)
{
	return stats_new_blocks(out, workers, workers, zones);
}

int stats_new_blocks(struct stats **out, size_t workers, size_t blocks, size_t zones)
{
	struct stats *s = calloc(1, sizeof(*s));
	size_t wsize = (blocks ? blocks : 1) * sizeof(struct stats_worker);
	if (s)
		s->workers = aligned_alloc(64, wsize);
	if (s && s->workers)
		s->zones = calloc(zones ? zones : 1, sizeof(*s->zones));
	if (!s || !s->workers || !s->zones) {
		stats_free(s);
		return ANS_ENOMEM;
	}
	memset(s->workers, 0, wsize);
	s->block_count = blocks;
	s->worker_count = workers;
	s->zone_count = zones;
	s->start_unix = (int64_t)time(NULL);
	s->start_mono_ms = mono_ms();
	*out = s;
	return ANS_OK;
}

void stats_free(struct stats *s)
{
	if (!s)
		return;
	free(s->workers);
	free(s->zones);
	free(s);
}

static uint64_t get(const _Atomic uint64_t *c)
{
	return atomic_load_explicit(c, memory_order_relaxed);
}

void stats_sum(const struct stats *s, struct stats_sum *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t w = 0; w < s->block_count; w++) {
		const struct stats_worker *b = &s->workers[w];
		for (size_t t = 0; t < STATS_TRANSPORTS; t++) {
			for (size_t i = 0; i < STATS_QTYPES; i++)
				out->queries[t][i] += get(&b->queries[t][i]);
			for (size_t i = 0; i < STATS_RCODES; i++)
				out->responses[t][i] += get(&b->responses[t][i]);
			out->truncated[t] += get(&b->truncated[t]);
			out->dropped[t] += get(&b->dropped[t]);
		}
	}
}

void stats_zone_changed(struct stats *s, size_t idx, uint32_t serial)
{
	if (idx >= s->zone_count)
		return;
	struct stats_zone *z = &s->zones[idx];
	atomic_store(&z->serial, serial);
	atomic_store(&z->loaded_at, (int64_t)time(NULL));
	atomic_store(&z->is_loaded, true);
}

void stats_xfr_out(struct stats *s, size_t idx, bool is_ok)
{
	if (s && idx < s->zone_count)
		atomic_fetch_add_explicit(&s->zones[idx].xfr_out[is_ok], 1,
					  memory_order_relaxed);
}

int64_t stats_uptime_s(const struct stats *s)
{
	return (mono_ms() - s->start_mono_ms) / 1000;
}
