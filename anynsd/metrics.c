/* SPDX-License-Identifier: MIT */
/*
 * DOC: Prometheus metrics
 *
 * The text exposition format 0.0.4: for each metric family one `# HELP`
 * and one `# TYPE` line, then its samples `name{label="value"} number`.
 * Counters end in `_total`, times are in seconds (Prometheus naming
 * conventions), so `promtool check metrics` accepts the output. Label
 * values are escaped (backslash, double quote, newline) although zone
 * names in presentation form escape those characters already.
 *
 * Series with a fixed label set (queries by transport and qtype, the
 * common rcodes) are printed from the start, at 0: a series that appears
 * late is harder to rate(). Per-zone series exist for every configured
 * zone; secondary-only gauges (expiry, last refresh) only for secondaries.
 *
 * The scrape sums the workers' counters (stats.h) and reads each zone
 * through zone_view_get(); nothing here touches the query path.
 */
#include "anynsd/metrics.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "anynsd/version.h"
#include "anynsd/worker.h"

/* An output buffer that counts what it could not hold (snprintf style). */
struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	size_t room = o->len < o->size ? o->size - o->len : 0;
	int n = vsnprintf(room ? o->buf + o->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n;
}

static void family(struct out *o, const char *name, const char *type, const char *help)
{
	put(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A label value with \, " and newline escaped (format 0.0.4). */
static void put_label(struct out *o, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			put(o, "\\%c", *v);
		else if (*v == '\n')
			put(o, "\\n");
		else
			put(o, "%c", *v);
	}
}

static void zone_sample(struct out *o, const char *name, const char *zone, int64_t v)
{
	put(o, "%s{zone=\"", name);
	put_label(o, zone);
	put(o, "\"} %" PRId64 "\n", v);
}

static void process_metrics(struct out *o, const struct metrics_input *in)
{
	family(o, "anyns_build_info", "gauge", "Version of the running anynsd.");
	put(o, "anyns_build_info{version=\"");
	put_label(o, in->version);
	put(o, "\"} 1\n");
	family(o, "anyns_start_time_seconds", "gauge", "Start time of the process, unix seconds.");
	put(o, "anyns_start_time_seconds %" PRId64 "\n", in->start_unix);
	family(o, "anyns_uptime_seconds", "gauge", "Seconds since the process started.");
	put(o, "anyns_uptime_seconds %" PRId64 "\n", in->uptime_s);
	family(o, "anyns_workers", "gauge",
	       "Workers (server.workers), each a TCP thread and a UDP thread per listen address.");
	put(o, "anyns_workers %zu\n", in->workers);
}

static void query_metrics(struct out *o, const struct stats_sum *s)
{
	family(o, "anyns_queries_total", "counter", "Queries received, by transport and qtype.");
	for (size_t t = 0; t < STATS_TRANSPORTS; t++)
		for (size_t i = 0; i < STATS_QTYPES; i++)
			put(o, "anyns_queries_total{transport=\"%s\",qtype=\"%s\"} %" PRIu64 "\n",
			    stats_transport_names[t], stats_qtype_name(i), s->queries[t][i]);
	family(o, "anyns_responses_total", "counter", "Responses sent, by transport and rcode.");
	for (size_t t = 0; t < STATS_TRANSPORTS; t++)
		for (size_t i = 0; i < STATS_RCODES; i++)
			if (s->responses[t][i] || i <= 5)
				put(o, "anyns_responses_total{transport=\"%s\",rcode=\"%s\"} %"
				    PRIu64 "\n", stats_transport_names[t],
				    stats_rcode_name(i), s->responses[t][i]);
	family(o, "anyns_responses_truncated_total", "counter",
	       "Responses sent with TC set, by transport.");
	for (size_t t = 0; t < STATS_TRANSPORTS; t++)
		put(o, "anyns_responses_truncated_total{transport=\"%s\"} %" PRIu64 "\n",
		    stats_transport_names[t], s->truncated[t]);
	family(o, "anyns_queries_dropped_total", "counter",
	       "Queries not answered (not a query, or a response), by transport.");
	for (size_t t = 0; t < STATS_TRANSPORTS; t++)
		put(o, "anyns_queries_dropped_total{transport=\"%s\"} %" PRIu64 "\n",
		    stats_transport_names[t], s->dropped[t]);
}

static void transfer_sample(struct out *o, const char *zone, const char *dir,
			    const char *result, uint64_t v)
{
	put(o, "anyns_zone_transfers_total{zone=\"");
	put_label(o, zone);
	put(o, "\",direction=\"%s\",result=\"%s\"} %" PRIu64 "\n", dir, result, v);
}

static void zone_metrics(struct out *o, const struct metrics_input *in)
{
	family(o, "anyns_zone_serial", "gauge", "SOA serial served, per zone (loaded zones).");
	for (size_t i = 0; i < in->zone_count; i++)
		if (in->zones[i].is_loaded)
			zone_sample(o, "anyns_zone_serial", in->zones[i].name, in->zones[i].serial);
	family(o, "anyns_zone_loaded", "gauge", "1 when the zone is served from a loaded copy.");
	for (size_t i = 0; i < in->zone_count; i++)
		zone_sample(o, "anyns_zone_loaded", in->zones[i].name, in->zones[i].is_loaded);
	family(o, "anyns_zone_expired", "gauge",
	       "1 when a secondary zone expired (answered SERVFAIL).");
	for (size_t i = 0; i < in->zone_count; i++)
		if (in->zones[i].is_secondary)
			zone_sample(o, "anyns_zone_expired", in->zones[i].name,
				    in->zones[i].x.is_expired);
	family(o, "anyns_zone_expiry_seconds", "gauge",
	       "Seconds until a secondary zone expires (negative: expired ago).");
	for (size_t i = 0; i < in->zone_count; i++)
		if (in->zones[i].is_secondary && in->zones[i].x.expire_at)
			zone_sample(o, "anyns_zone_expiry_seconds", in->zones[i].name,
				    in->zones[i].x.expire_at - in->now_unix);
	family(o, "anyns_zone_last_refresh_timestamp_seconds", "gauge",
	       "Last successful refresh of a secondary zone, unix seconds.");
	for (size_t i = 0; i < in->zone_count; i++)
		if (in->zones[i].is_secondary && in->zones[i].x.last_ok_at)
			zone_sample(o, "anyns_zone_last_refresh_timestamp_seconds",
				    in->zones[i].name, in->zones[i].x.last_ok_at);
	family(o, "anyns_zone_transfers_total", "counter",
	       "Zone transfers, by direction (in, out) and result (success, failure).");
	for (size_t i = 0; i < in->zone_count; i++) {
		const struct zone_view *z = &in->zones[i];
		if (z->is_secondary) {
			transfer_sample(o, z->name, "in", "success", z->x.xfr_in_ok);
			transfer_sample(o, z->name, "in", "failure", z->x.xfr_in_failed);
		}
		transfer_sample(o, z->name, "out", "success", z->xfr_out_ok);
		transfer_sample(o, z->name, "out", "failure", z->xfr_out_failed);
	}
}

size_t metrics_format(const struct metrics_input *in, char *buf, size_t size)
{
	struct out o = { .buf = buf, .size = size };
	if (size)
		buf[0] = '\0';
	process_metrics(&o, in);
	query_metrics(&o, in->sum);
	zone_metrics(&o, in);
	return o.len;
}

static const char *zone_state(const struct zone_view *v)
{
	if (!v->is_loaded)
		return "not-loaded";
	if (v->is_secondary && v->x.is_expired)
		return "expired";
	if (v->is_secondary && v->x.is_refreshing)
		return "refreshing";
	return "ok";
}

void zone_view_get(const struct server *srv, size_t idx, struct zone_view *v)
{
	const struct conf_zone *cz = &srv->conf->zones[idx];
	memset(v, 0, sizeof(*v));
	v->name = cz->domain.text;
	v->is_secondary = cz->primary_count > 0;
	v->file = cz->file;
	if (srv->stats && idx < srv->stats->zone_count) {
		const struct stats_zone *s = &srv->stats->zones[idx];
		v->is_loaded = atomic_load(&s->is_loaded);
		v->serial = atomic_load(&s->serial);
		v->loaded_at = atomic_load(&s->loaded_at);
		v->xfr_out_ok = atomic_load_explicit(&s->xfr_out[1], memory_order_relaxed);
		v->xfr_out_failed = atomic_load_explicit(&s->xfr_out[0], memory_order_relaxed);
	}
	if (xfrd_zone_status(srv->xfrd, idx, &v->x) != ANS_OK)
		memset(&v->x, 0, sizeof(v->x));
	v->x.is_secondary = v->is_secondary;
	v->state = zone_state(v);
}

/* --- HTTP/1.0 ---------------------------------------------------------- */

bool metrics_http_complete(const char *buf, size_t len)
{
	return memmem(buf, len, "\r\n\r\n", 4) || memmem(buf, len, "\n\n", 2);
}

static char *response(int code, const char *reason, const char *type, const char *body,
		      size_t body_len, size_t *len)
{
	char head[256];
	int n = snprintf(head, sizeof(head), "HTTP/1.0 %d %s\r\nContent-Type: %s\r\n"
			 "Content-Length: %zu\r\nConnection: close\r\n\r\n",
			 code, reason, type, body_len);
	char *r = malloc((size_t)n + body_len);
	if (!r)
		return NULL;
	memcpy(r, head, (size_t)n);
	memcpy(r + n, body, body_len);
	*len = (size_t)n + body_len;
	return r;
}

static char *scrape(const struct server *srv, size_t *len)
{
	size_t nz = srv->conf->zone_count;
	struct zone_view *zv = calloc(nz ? nz : 1, sizeof(*zv));
	struct stats_sum sum;
	if (!zv)
		return NULL;
	stats_sum(srv->stats, &sum);
	for (size_t i = 0; i < nz; i++)
		zone_view_get(srv, i, &zv[i]);
	struct metrics_input in = {
		.version = ANYNSD_VERSION, .start_unix = srv->stats->start_unix,
		.uptime_s = stats_uptime_s(srv->stats), .now_unix = (int64_t)time(NULL),
		.workers = srv->stats->worker_count, .sum = &sum, .zones = zv, .zone_count = nz,
	};
	size_t need = metrics_format(&in, NULL, 0) + 1;
	char *body = malloc(need);
	char *r = NULL;
	if (body) {
		size_t blen = metrics_format(&in, body, need);
		r = response(200, "OK", "text/plain; version=0.0.4; charset=utf-8", body, blen, len);
	}
	free(body);
	free(zv);
	return r;
}

char *metrics_http_answer(const struct server *srv, const char *req, size_t req_len,
			  size_t *len)
{
	const char *sp = memchr(req, ' ', req_len);
	if (!sp || sp == req)
		return response(400, "Bad Request", "text/plain", "bad request\n", 12, len);
	size_t mlen = (size_t)(sp - req), rest = req_len - mlen - 1;
	if (mlen != 3 || memcmp(req, "GET", 3) != 0)
		return response(405, "Method Not Allowed", "text/plain", "GET only\n", 9, len);
	const char *path = sp + 1;
	size_t plen = 0;
	while (plen < rest && path[plen] != ' ' && path[plen] != '\r' && path[plen] != '\n')
		plen++;
	/* A query string (?name[]=...) is ignored, as most exporters do. */
	const char *q = memchr(path, '?', plen);
	if (q)
		plen = (size_t)(q - path);
	if (plen != 8 || memcmp(path, "/metrics", 8) != 0)
		return response(404, "Not Found", "text/plain", "try /metrics\n", 13, len);
	return scrape(srv, len);
}
