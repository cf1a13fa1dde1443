/* SPDX-License-Identifier: MIT */
/*
 * The control commands (design block in ctl.c): each reads the server
 * through zone_view_get() / stats_sum() and renders a table or one JSON
 * object after the status line. Shapes: doc/ctl.md.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "anynsd/ctl.h"
#include "anynsd/log.h"
#include "anynsd/metrics.h"
#include "anynsd/version.h"
#include "anynsd/worker.h"
#include "anynsd/xfr/xfrd.h"
#include "anynsd/zones.h"

/* "2026-11-26T20:00:00Z", or "-" for 0. */
static const char *when(int64_t t, char *buf, size_t size)
{
	struct tm tm;
	time_t tt = (time_t)t;
	if (t <= 0 || !gmtime_r(&tt, &tm))
		return "-";
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

/* `,"key":N`, or null for 0 (unknown). */
static void json_time(struct ctl_buf *b, const char *key, int64_t t)
{
	if (t > 0)
		ctl_buf_printf(b, ",\"%s\":%" PRId64, key, t);
	else
		ctl_buf_printf(b, ",\"%s\":null", key);
}

static void json_kv(struct ctl_buf *b, const char *key, const char *value)
{
	ctl_buf_printf(b, ",\"%s\":", key);
	if (value)
		ctl_buf_json_string(b, value);
	else
		ctl_buf_printf(b, "null");
}

/* The index of the configured zone `wire`, or -1. */
static long zone_index(const struct server *srv, const uint8_t *wire)
{
	const struct conf_zone *cz = conf_zone_find(srv->conf, wire);
	return cz ? (long)(cz - srv->conf->zones) : -1;
}

static bool find_zone(const struct server *srv, const struct ctl_req *r, struct ctl_buf *b,
		      long *idx)
{
	*idx = zone_index(srv, r->zone);
	if (*idx >= 0)
		return true;
	char name[ANS_NAME_TEXT_MAX], why[ANS_NAME_TEXT_MAX + 32];
	if (ans_name_to_text(r->zone, name, sizeof(name)) < 0)
		snprintf(name, sizeof(name), "?");
	snprintf(why, sizeof(why), "no such zone %s", name);
	ctl_error(b, r->is_json, why);
	return false;
}

/* --- status ------------------------------------------------------------ */

static void cmd_status(struct server *srv, const struct ctl_req *r, struct ctl_buf *b)
{
	size_t loaded = 0;
	for (size_t i = 0; i < srv->conf->zone_count; i++)
		loaded += atomic_load(&srv->stats->zones[i].is_loaded);
	const char *id = srv->conf->identity;
	int64_t up = stats_uptime_s(srv->stats);
	char t[32];
	ctl_buf_printf(b, "ok\n");
	if (r->is_json) {
		ctl_buf_printf(b, "{\"version\":");
		ctl_buf_json_string(b, "anynsd " ANYNSD_VERSION);
		json_kv(b, "identity", id);
		ctl_buf_printf(b, ",\"pid\":%ld,\"started_at\":%" PRId64 ",\"uptime_s\":%" PRId64
			       ",\"workers\":%zu,\"zones\":%zu,\"zones_loaded\":%zu,"
			       "\"state\":\"running\"}\n", (long)getpid(), srv->stats->start_unix,
			       up, srv->stats->worker_count, srv->conf->zone_count, loaded);
		return;
	}
	ctl_buf_printf(b, "version       anynsd %s\nidentity      %s\npid           %ld\n"
		       "started       %s\nuptime        %" PRId64 " s\nworkers       %zu\n"
		       "zones         %zu (%zu loaded)\nstate         running\n",
		       ANYNSD_VERSION, id ? id : "-", (long)getpid(),
		       when(srv->stats->start_unix, t, sizeof(t)), up,
		       srv->stats->worker_count, srv->conf->zone_count, loaded);
}

/* --- zone-status ------------------------------------------------------- */

static void zone_json(struct ctl_buf *b, const struct zone_view *v)
{
	char src[ANS_CONF_ADDR_TEXT_MAX + 128];
	if (v->is_secondary)
		snprintf(src, sizeof(src), "%s", v->x.source);
	else
		snprintf(src, sizeof(src), "file %s", v->file ? v->file : "");
	ctl_buf_printf(b, "{\"zone\":");
	ctl_buf_json_string(b, v->name);
	json_kv(b, "role", v->is_secondary ? "secondary" : "primary");
	if (v->is_loaded)
		ctl_buf_printf(b, ",\"serial\":%" PRIu32, v->serial);
	else
		ctl_buf_printf(b, ",\"serial\":null");
	json_kv(b, "state", v->state);
	json_kv(b, "source", src[0] ? src : NULL);
	json_time(b, "loaded_at", v->loaded_at);
	json_time(b, "last_refresh_at", v->x.last_refresh_at);
	json_kv(b, "last_refresh_result", v->x.last_result[0] ? v->x.last_result : NULL);
	json_time(b, "last_success_at", v->x.last_ok_at);
	json_time(b, "next_refresh_at", v->x.next_refresh_at);
	json_time(b, "expires_at", v->x.expire_at);
	ctl_buf_printf(b, ",\"transfers\":{\"in_success\":%" PRIu64 ",\"in_failure\":%" PRIu64
		       ",\"out_success\":%" PRIu64 ",\"out_failure\":%" PRIu64 "}}",
		       v->x.xfr_in_ok, v->x.xfr_in_failed, v->xfr_out_ok, v->xfr_out_failed);
}

static void zone_row(struct ctl_buf *b, const struct zone_view *v)
{
	char t1[32], t2[32], t3[32], t4[32], serial[16] = "-";
	if (v->is_loaded)
		snprintf(serial, sizeof(serial), "%" PRIu32, v->serial);
	const char *src = v->is_secondary ? (v->x.source[0] ? v->x.source : "-")
					  : (v->file ? v->file : "-");
	ctl_buf_printf(b, "%-24s %-9s %-10s %-10s %-20s %-20s %-20s %-20s %s  %s\n",
		       v->name, v->is_secondary ? "secondary" : "primary", serial, v->state,
		       when(v->loaded_at, t1, sizeof(t1)),
		       when(v->x.last_refresh_at, t2, sizeof(t2)),
		       when(v->x.next_refresh_at, t3, sizeof(t3)),
		       when(v->x.expire_at, t4, sizeof(t4)), src,
		       v->x.last_result[0] ? v->x.last_result : "-");
}

static void cmd_zone_status(struct server *srv, const struct ctl_req *r, struct ctl_buf *b)
{
	long only = -1;
	if (r->has_zone && !find_zone(srv, r, b, &only))
		return;
	ctl_buf_printf(b, "ok\n");
	if (r->is_json)
		ctl_buf_printf(b, "{\"zones\":[");
	else
		ctl_buf_printf(b, "%-24s %-9s %-10s %-10s %-20s %-20s %-20s %-20s %s  %s\n",
			       "ZONE", "ROLE", "SERIAL", "STATE", "LOADED", "LAST-REFRESH",
			       "NEXT-REFRESH", "EXPIRES", "SOURCE", "LAST-RESULT");
	bool first = true;
	for (size_t i = 0; i < srv->conf->zone_count; i++) {
		if (only >= 0 && (size_t)only != i)
			continue;
		struct zone_view v;
		zone_view_get(srv, i, &v);
		if (r->is_json) {
			ctl_buf_printf(b, "%s", first ? "" : ",");
			zone_json(b, &v);
		} else {
			zone_row(b, &v);
		}
		first = false;
	}
	if (r->is_json)
		ctl_buf_printf(b, "]}\n");
}

/* --- actions ----------------------------------------------------------- */

static void done(struct ctl_buf *b, const struct ctl_req *r, const char *what,
		 const char *zone, const char *text)
{
	ctl_buf_printf(b, "ok\n");
	if (r->is_json) {
		ctl_buf_printf(b, "{\"result\":");
		ctl_buf_json_string(b, what);
		json_kv(b, "zone", zone);
		ctl_buf_printf(b, "}\n");
	} else {
		ctl_buf_printf(b, "%s\n", text);
	}
}

static void cmd_reload(struct server *srv, const struct ctl_req *r, struct ctl_buf *b)
{
	char text[ANS_NAME_TEXT_MAX + 64];
	if (!r->has_zone) {
		log_info("server, reload, zone files (control socket)");
		size_t failed = zones_load(srv->zones);
		log_info("server, reload finished, %zu failed", failed);
		if (failed) {
			snprintf(text, sizeof(text), "reload: %zu zones failed, old copies kept "
				 "(see the log)", failed);
			return ctl_error(b, r->is_json, text);
		}
		return done(b, r, "reloaded", NULL, "reloaded");
	}
	long i;
	if (!find_zone(srv, r, b, &i))
		return;
	const struct conf_zone *cz = &srv->conf->zones[i];
	if (cz->primary_count > 0) {
		xfrd_notify(srv->xfrd, (size_t)i);
		snprintf(text, sizeof(text), "%s: refresh from the primaries started",
			 cz->domain.text);
		return done(b, r, "refreshing", cz->domain.text, text);
	}
	if (!zones_load_one(srv->zones, (size_t)i)) {
		snprintf(text, sizeof(text), "%s: reload failed, old copy kept (see the log)",
			 cz->domain.text);
		return ctl_error(b, r->is_json, text);
	}
	snprintf(text, sizeof(text), "%s: reloaded", cz->domain.text);
	done(b, r, "reloaded", cz->domain.text, text);
}

static void cmd_retransfer(struct server *srv, const struct ctl_req *r, struct ctl_buf *b)
{
	long i;
	char text[ANS_NAME_TEXT_MAX + 64];
	if (!find_zone(srv, r, b, &i))
		return;
	const struct conf_zone *cz = &srv->conf->zones[i];
	if (cz->primary_count == 0) {
		snprintf(text, sizeof(text), "%s: not a secondary zone", cz->domain.text);
		return ctl_error(b, r->is_json, text);
	}
	log_info("zone %s, retransfer requested (control socket)", cz->domain.text);
	xfrd_retransfer(srv->xfrd, (size_t)i);
	snprintf(text, sizeof(text), "%s: AXFR started", cz->domain.text);
	done(b, r, "transferring", cz->domain.text, text);
}

static void cmd_notify(struct server *srv, const struct ctl_req *r, struct ctl_buf *b)
{
	long i;
	char text[ANS_NAME_TEXT_MAX + 64];
	if (!find_zone(srv, r, b, &i))
		return;
	const struct conf_zone *cz = &srv->conf->zones[i];
	const struct stats_zone *sz = &srv->stats->zones[i];
	if (cz->notify_count == 0 || !atomic_load(&sz->is_loaded)) {
		snprintf(text, sizeof(text), "%s: %s", cz->domain.text, cz->notify_count == 0
			 ? "no notify remotes configured" : "not loaded");
		return ctl_error(b, r->is_json, text);
	}
	uint32_t serial = atomic_load(&sz->serial);
	log_info("zone %s, NOTIFY requested (control socket), serial %u", cz->domain.text,
		 serial);
	xfrd_changed(srv->xfrd, (size_t)i, serial);
	snprintf(text, sizeof(text), "%s: NOTIFY queued, serial %u", cz->domain.text, serial);
	done(b, r, "notifying", cz->domain.text, text);
}

/* --- stats ------------------------------------------------------------- */

static void stats_json(struct ctl_buf *b, const struct stats_sum *s)
{
	const char *sep = "";
	ctl_buf_printf(b, "{\"queries\":{");
	for (size_t t = 0; t < STATS_TRANSPORTS; t++) {
		ctl_buf_printf(b, "%s\"%s\":{", t ? "," : "", stats_transport_names[t]);
		for (size_t i = 0; i < STATS_QTYPES; i++)
			ctl_buf_printf(b, "%s\"%s\":%" PRIu64, i ? "," : "",
				       stats_qtype_name(i), s->queries[t][i]);
		ctl_buf_printf(b, "}");
	}
	ctl_buf_printf(b, "},\"responses\":{");
	for (size_t t = 0; t < STATS_TRANSPORTS; t++) {
		ctl_buf_printf(b, "%s\"%s\":{", t ? "," : "", stats_transport_names[t]);
		sep = "";
		for (size_t i = 0; i < STATS_RCODES; i++, sep = ",")
			ctl_buf_printf(b, "%s\"%s\":%" PRIu64, sep, stats_rcode_name(i),
				       s->responses[t][i]);
		ctl_buf_printf(b, "}");
	}
	ctl_buf_printf(b, "},\"truncated\":{\"udp\":%" PRIu64 ",\"tcp\":%" PRIu64 "}"
		       ",\"dropped\":{\"udp\":%" PRIu64 ",\"tcp\":%" PRIu64 "}}\n",
		       s->truncated[0], s->truncated[1], s->dropped[0], s->dropped[1]);
}

static void stats_text(struct ctl_buf *b, const struct stats_sum *s)
{
	ctl_buf_printf(b, "%-10s %-12s %12s\n", "TRANSPORT", "COUNTER", "VALUE");
	for (size_t t = 0; t < STATS_TRANSPORTS; t++) {
		const char *tn = stats_transport_names[t];
		for (size_t i = 0; i < STATS_QTYPES; i++)
			if (s->queries[t][i])
				ctl_buf_printf(b, "%-10s query %-6s %12" PRIu64 "\n", tn,
					       stats_qtype_name(i), s->queries[t][i]);
		for (size_t i = 0; i < STATS_RCODES; i++)
			if (s->responses[t][i])
				ctl_buf_printf(b, "%-10s rcode %-6s %12" PRIu64 "\n", tn,
					       stats_rcode_name(i), s->responses[t][i]);
		ctl_buf_printf(b, "%-10s %-12s %12" PRIu64 "\n%-10s %-12s %12" PRIu64 "\n",
			       tn, "truncated", s->truncated[t], tn, "dropped", s->dropped[t]);
	}
}

static void cmd_stats(struct server *srv, const struct ctl_req *r, struct ctl_buf *b)
{
	struct stats_sum s;
	stats_sum(srv->stats, &s);
	ctl_buf_printf(b, "ok\n");
	if (r->is_json)
		stats_json(b, &s);
	else
		stats_text(b, &s);
}

void ctl_execute(struct server *srv, const struct ctl_req *r, struct ctl_buf *b)
{
	switch (r->cmd) {
	case CTL_STATUS: cmd_status(srv, r, b); break;
	case CTL_ZONE_STATUS: cmd_zone_status(srv, r, b); break;
	case CTL_RELOAD: cmd_reload(srv, r, b); break;
	case CTL_RETRANSFER: cmd_retransfer(srv, r, b); break;
	case CTL_NOTIFY: cmd_notify(srv, r, b); break;
	case CTL_STATS: cmd_stats(srv, r, b); break;
	}
}
