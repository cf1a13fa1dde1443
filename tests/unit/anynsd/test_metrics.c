/* SPDX-License-Identifier: MIT */
/*
 * Metrics text (exposition format 0.0.4): the samples printed for a given
 * input, HELP/TYPE once per family, label escaping, snprintf-style sizing;
 * the qtype/rcode tables and the per-worker counters and their sum; the
 * HTTP request checks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "anynsd/metrics.h"
#include "anynsd/stats.h"

static struct stats_sum sum;

static size_t format(const struct zone_view *zv, size_t n, char *buf, size_t size)
{
	struct metrics_input in = {
		.version = "1.2\"x", .start_unix = 1700000000, .uptime_s = 42,
		.now_unix = 1700000100, .workers = 2, .sum = &sum, .zones = zv, .zone_count = n,
	};
	return metrics_format(&in, buf, size);
}

static void zones(struct zone_view zv[2])
{
	memset(zv, 0, 2 * sizeof(*zv));
	zv[0] = (struct zone_view){ .name = "example.com.", .is_loaded = true, .serial = 10,
				    .xfr_out_ok = 3, .xfr_out_failed = 1 };
	zv[1] = (struct zone_view){ .name = "a\\\"b.", .is_secondary = true, .is_loaded = true,
				    .serial = 7 };
	zv[1].x.expire_at = 1700000100 + 500;
	zv[1].x.last_ok_at = 1700000050;
	zv[1].x.xfr_in_ok = 4;
	zv[1].x.xfr_in_failed = 2;
}

static const char *const expected_lines[] = {
	"# TYPE anyns_build_info gauge",
	"anyns_build_info{version=\"1.2\\\"x\"} 1",
	"anyns_start_time_seconds 1700000000",
	"anyns_uptime_seconds 42",
	"anyns_workers 2",
	"# TYPE anyns_queries_total counter",
	"anyns_queries_total{transport=\"udp\",qtype=\"A\"} 5",
	"anyns_queries_total{transport=\"tcp\",qtype=\"other\"} 9",
	"anyns_responses_total{transport=\"udp\",rcode=\"NOERROR\"} 0",
	"anyns_responses_total{transport=\"tcp\",rcode=\"BADCOOKIE\"} 1",
	"anyns_responses_truncated_total{transport=\"udp\"} 6",
	"anyns_queries_dropped_total{transport=\"tcp\"} 0",
	"anyns_zone_serial{zone=\"example.com.\"} 10",
	"anyns_zone_serial{zone=\"a\\\\\\\"b.\"} 7",
	"anyns_zone_loaded{zone=\"example.com.\"} 1",
	"anyns_zone_expired{zone=\"a\\\\\\\"b.\"} 0",
	"anyns_zone_expiry_seconds{zone=\"a\\\\\\\"b.\"} 500",
	"anyns_zone_last_refresh_timestamp_seconds{zone=\"a\\\\\\\"b.\"} 1700000050",
	"anyns_zone_transfers_total{zone=\"example.com.\",direction=\"out\",result=\"success\"} 3",
	"anyns_zone_transfers_total{zone=\"example.com.\",direction=\"out\",result=\"failure\"} 1",
	"anyns_zone_transfers_total{zone=\"a\\\\\\\"b.\",direction=\"in\",result=\"success\"} 4",
	"anyns_zone_transfers_total{zone=\"a\\\\\\\"b.\",direction=\"in\",result=\"failure\"} 2",
};

/* Lines that must not be there: a primary has no expiry, no in-transfers;
 * rcodes past REFUSED that never happened are left out. */
static const char *const absent_lines[] = {
	"anyns_zone_expiry_seconds{zone=\"example.com.\"}",
	"anyns_zone_expired{zone=\"example.com.\"}",
	"anyns_zone_transfers_total{zone=\"example.com.\",direction=\"in\"",
	"rcode=\"NOTAUTH\"",
};

static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	for (const char *p = text; (p = strstr(p, line)); p++)
		if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == ' ' || p[n] == ','))
			return true;
	return false;
}

static void test_samples(void **state)
{
	(void)state;
	struct zone_view zv[2];
	zones(zv);
	memset(&sum, 0, sizeof(sum));
	sum.queries[0][0] = 5;
	sum.queries[1][STATS_QTYPES - 1] = 9;
	sum.responses[1][23] = 1;
	sum.truncated[0] = 6;
	char buf[16384];
	size_t len = format(zv, 2, buf, sizeof(buf));
	assert_true(len < sizeof(buf));
	assert_int_equal(strlen(buf), len);
	for (size_t i = 0; i < sizeof(expected_lines) / sizeof(expected_lines[0]); i++)
		if (!has_line(buf, expected_lines[i]))
			fail_msg("missing: %s", expected_lines[i]);
	for (size_t i = 0; i < sizeof(absent_lines) / sizeof(absent_lines[0]); i++)
		if (strstr(buf, absent_lines[i]))
			fail_msg("unexpected: %s", absent_lines[i]);
	assert_int_equal(buf[len - 1], '\n');
}

/* Each family has exactly one HELP and one TYPE line, before its samples. */
static void test_families_once(void **state)
{
	(void)state;
	struct zone_view zv[2];
	zones(zv);
	char buf[16384];
	format(zv, 2, buf, sizeof(buf));
	const char *fams[] = { "anyns_queries_total", "anyns_zone_serial",
			       "anyns_zone_transfers_total", "anyns_uptime_seconds" };
	for (size_t i = 0; i < 4; i++) {
		char type[128];
		snprintf(type, sizeof(type), "# TYPE %s ", fams[i]);
		const char *t = strstr(buf, type);
		assert_non_null(t);
		assert_null(strstr(t + 1, type));
		char sample[128];
		snprintf(sample, sizeof(sample), "\n%s", fams[i]);
		assert_true(strstr(buf, sample) > t);
	}
}

static void test_sizing(void **state)
{
	(void)state;
	struct zone_view zv[2];
	zones(zv);
	size_t need = format(zv, 2, NULL, 0);
	char *full = malloc(need + 1);
	assert_int_equal(format(zv, 2, full, need + 1), need);
	char small[100];
	assert_int_equal(format(zv, 2, small, sizeof(small)), need);
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_memory_equal(small, full, sizeof(small) - 1);
	free(full);
}

static void test_qtype_table(void **state)
{
	(void)state;
	static const struct { uint16_t type; const char *name; } t[] = {
		{ 1, "A" }, { 2, "NS" }, { 5, "CNAME" }, { 6, "SOA" }, { 12, "PTR" },
		{ 15, "MX" }, { 16, "TXT" }, { 28, "AAAA" }, { 33, "SRV" }, { 35, "NAPTR" },
		{ 43, "DS" }, { 46, "RRSIG" }, { 47, "NSEC" }, { 48, "DNSKEY" },
		{ 50, "NSEC3" }, { 51, "NSEC3PARAM" }, { 52, "TLSA" }, { 64, "SVCB" },
		{ 65, "HTTPS" }, { 257, "CAA" }, { 251, "IXFR" }, { 252, "AXFR" },
		{ 255, "ANY" }, { 0, "other" }, { 99, "other" }, { 65535, "other" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_string_equal(stats_qtype_name(stats_qtype_index(t[i].type)), t[i].name);
	assert_string_equal(stats_rcode_name(3), "NXDOMAIN");
	assert_string_equal(stats_rcode_name(16), "BADVERS");
	assert_string_equal(stats_rcode_name(STATS_RCODES - 1), "other");
}

static void test_counters_and_sum(void **state)
{
	(void)state;
	struct stats *s;
	assert_int_equal(stats_new(&s, 3, 2), ANS_OK);
	assert_int_equal((uintptr_t)&s->workers[1] % 64, 0);
	stats_count(&s->workers[0], 0, 1, 0, false, false);
	stats_count(&s->workers[2], 0, 1, 3, true, false);
	stats_count(&s->workers[1], 1, 28, 99, false, false);
	stats_count(&s->workers[1], 1, 28, 0, true, true);   /* dropped: no response */
	struct stats_sum out;
	stats_sum(s, &out);
	assert_int_equal(out.queries[0][0], 2);
	assert_int_equal(out.queries[1][7], 2);
	assert_int_equal(out.responses[0][0], 1);
	assert_int_equal(out.responses[0][3], 1);
	assert_int_equal(out.responses[1][STATS_RCODES - 1], 1);
	assert_int_equal(out.truncated[0], 1);
	assert_int_equal(out.truncated[1], 0);
	assert_int_equal(out.dropped[1], 1);
	stats_zone_changed(s, 1, 77);
	stats_zone_changed(s, 5, 1);   /* out of range: ignored */
	assert_true(s->zones[1].is_loaded);
	assert_int_equal(s->zones[1].serial, 77);
	assert_false(s->zones[0].is_loaded);
	stats_xfr_out(s, 0, true);
	stats_xfr_out(s, 0, false);
	stats_xfr_out(s, 0, true);
	assert_int_equal(s->zones[0].xfr_out[1], 2);
	assert_int_equal(s->zones[0].xfr_out[0], 1);
	stats_free(s);
}

static void test_http_requests(void **state)
{
	(void)state;
	static const struct { const char *req; const char *status; } t[] = {
		{ "GET / HTTP/1.0\r\n\r\n", "HTTP/1.0 404 " },
		{ "GET /metricsx HTTP/1.1\r\n\r\n", "HTTP/1.0 404 " },
		{ "POST /metrics HTTP/1.0\r\n\r\n", "HTTP/1.0 405 " },
		{ "HEAD /metrics HTTP/1.0\r\n\r\n", "HTTP/1.0 405 " },
		{ " GET /metrics\r\n\r\n", "HTTP/1.0 400 " },
		{ "garbage\n\n", "HTTP/1.0 400 " },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		size_t len = 0;
		char *r = metrics_http_answer(NULL, t[i].req, strlen(t[i].req), &len);
		assert_non_null(r);
		if (len < strlen(t[i].status) || memcmp(r, t[i].status, strlen(t[i].status)))
			fail_msg("case %zu: %.*s", i, (int)len, r);
		free(r);
	}
	assert_true(metrics_http_complete("GET / HTTP/1.0\r\n\r\n", 18));
	assert_false(metrics_http_complete("GET / HTTP/1.0\r\n", 16));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_samples),
		cmocka_unit_test(test_families_once),
		cmocka_unit_test(test_sizing),
		cmocka_unit_test(test_qtype_table),
		cmocka_unit_test(test_counters_and_sum),
		cmocka_unit_test(test_http_requests),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
