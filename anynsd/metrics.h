/* SPDX-License-Identifier: MIT */
/*
 * Prometheus metrics (text exposition format 0.0.4) and the per-zone view
 * shared with the control socket. metrics_format() is pure: it prints what
 * it is given, so unit tests check the text without a server. The HTTP
 * side (one GET /metrics per connection) is metrics_http_answer(), driven
 * by the control thread (ctl_server.c). Metric names: doc/metrics.md.
 */
#ifndef ANYNSD_METRICS_H
#define ANYNSD_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "anynsd/stats.h"
#include "anynsd/xfr/xfrd.h"

struct server;

/* Everything reported about one configured zone. */
struct zone_view {
	const char *name;               /* "example.com." */
	bool is_secondary;
	bool is_loaded;                 /* a snapshot is served */
	uint32_t serial;
	int64_t loaded_at;              /* unix s the serial was published, 0: never */
	const char *file;               /* primary: its zone file */
	struct xfrd_zone_status x;      /* secondary: transfer state */
	uint64_t xfr_out_ok, xfr_out_failed;
	const char *state;              /* "ok", "refreshing", "expired", "not-loaded" */
};

/* Fills `v` for configured zone `idx` of the server. Any thread. */
void zone_view_get(const struct server *srv, size_t idx, struct zone_view *v);

/* What a scrape prints. */
struct metrics_input {
	const char *version;
	int64_t start_unix;
	int64_t uptime_s;
	int64_t now_unix;
	size_t workers;
	const struct stats_sum *sum;
	const struct zone_view *zones;
	size_t zone_count;
};

/* Writes the exposition text into buf (NUL-terminated). Returns the
 * length, or the length needed (>= size) when buf is too small, as
 * snprintf does. */
size_t metrics_format(const struct metrics_input *in, char *buf, size_t size);

/* Answers one HTTP request `req` (the bytes read, up to the blank line):
 * 200 with the metrics for GET /metrics, 404 for another path, 405 for
 * another method, 400 when it does not parse. Returns a malloc'd
 * response of *len bytes (NULL: out of memory). */
char *metrics_http_answer(const struct server *srv, const char *req, size_t req_len,
			  size_t *len);

/* Whether `buf` holds a complete HTTP request head (ends with a blank line). */
bool metrics_http_complete(const char *buf, size_t len);

#endif
