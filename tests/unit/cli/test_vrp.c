/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of route origin validation (cli/vrp.h) and the JSON reader
 * (cli/json.h): tables of routes against VRP sets (RFC 6811 §2 states, AS0,
 * /0 VRPs, maxLength, families), of prefix and ASN text, and of VRP files in
 * every format, good and broken, with the line numbers errors are reported at.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cli/json.h"
#include "cli/vrp.h"

static const char MAIN_VRPS[] =
	"ASN,IP Prefix,Max Length,Trust Anchor\n"
	"AS65001,203.0.113.0/24,24,ripe\n"
	"AS65002,198.51.100.0/22,24,arin\n"
	"AS0,192.0.2.0/24,24,apnic\n"
	"AS65001,2001:db8::/32,48,ripe\n"
	"AS65003,2001:db8:100::/40,40,ripe\n";

/* /0 VRPs cover every route of their family. */
static const char ZERO_VRPS[] =
	"ASN,IP Prefix,Max Length\n"
	"AS65009,0.0.0.0/0,0\n"
	"AS65010,::/0,128\n";

static const char V6ZERO_VRPS[] =
	"ASN,IP Prefix,Max Length\n"
	"AS65010,::/0,128\n";

enum { W_OK = 0, W_ORIGIN = ANS_VRP_WHY_ORIGIN, W_LEN = ANS_VRP_WHY_LENGTH,
       W_AS0 = ANS_VRP_WHY_AS0, W_ORIGIN0 = ANS_VRP_WHY_ORIGIN0 };

struct validate_case {
	const char *vrps;
	const char *prefix;
	uint32_t origin;
	enum ans_vrp_state state;
	size_t covering;
	unsigned last_why;      /* why bits of the longest covering VRP */
	bool is_loose;
};

static const struct validate_case validate_cases[] = {
	/* IPv4 exact match, then the same prefix made longer and shorter. */
	{ MAIN_VRPS, "203.0.113.0/24", 65001, ANS_VRP_VALID, 1, W_OK, false },
	{ MAIN_VRPS, "203.0.113.0/25", 65001, ANS_VRP_INVALID, 1, W_LEN, false },
	{ MAIN_VRPS, "203.0.113.128/32", 65001, ANS_VRP_INVALID, 1, W_LEN, false },
	{ MAIN_VRPS, "203.0.112.0/23", 65001, ANS_VRP_NOT_FOUND, 0, 0, false },
	/* Covered by a ROA of another origin. */
	{ MAIN_VRPS, "203.0.113.0/24", 65002, ANS_VRP_INVALID, 1, W_ORIGIN, false },
	{ MAIN_VRPS, "203.0.113.0/25", 65002, ANS_VRP_INVALID, 1,
	  W_ORIGIN | W_LEN, false },
	/* A /22 with maxLength 24 covers its /23 and /24s; /25 is too long. */
	{ MAIN_VRPS, "198.51.100.0/22", 65002, ANS_VRP_VALID, 1, W_OK, true },
	{ MAIN_VRPS, "198.51.102.0/23", 65002, ANS_VRP_VALID, 1, W_OK, true },
	{ MAIN_VRPS, "198.51.103.0/24", 65002, ANS_VRP_VALID, 1, W_OK, false },
	{ MAIN_VRPS, "198.51.101.128/25", 65002, ANS_VRP_INVALID, 1, W_LEN, false },
	/* AS0 ROAs never validate, whatever the origin (RFC 6483 §4). */
	{ MAIN_VRPS, "192.0.2.0/24", 65001, ANS_VRP_INVALID, 1, W_AS0, false },
	{ MAIN_VRPS, "192.0.2.0/24", 0, ANS_VRP_INVALID, 1, W_AS0, false },
	{ MAIN_VRPS, "192.0.2.0/25", 0, ANS_VRP_INVALID, 1, W_AS0 | W_LEN, false },
	/* Origin AS0 never validates either (RFC 7607). */
	{ MAIN_VRPS, "203.0.113.0/24", 0, ANS_VRP_INVALID, 1, W_ORIGIN0, false },
	{ MAIN_VRPS, "10.0.0.0/8", 65001, ANS_VRP_NOT_FOUND, 0, 0, false },
	{ MAIN_VRPS, "0.0.0.0/0", 65001, ANS_VRP_NOT_FOUND, 0, 0, false },
	/* IPv6. */
	{ MAIN_VRPS, "2001:db8::/32", 65001, ANS_VRP_VALID, 1, W_OK, true },
	{ MAIN_VRPS, "2001:db8:1::/48", 65001, ANS_VRP_VALID, 1, W_OK, false },
	{ MAIN_VRPS, "2001:db8:1::/49", 65001, ANS_VRP_INVALID, 1, W_LEN, false },
	{ MAIN_VRPS, "2001:db8::/31", 65001, ANS_VRP_NOT_FOUND, 0, 0, false },
	{ MAIN_VRPS, "2001:db9::/32", 65001, ANS_VRP_NOT_FOUND, 0, 0, false },
	/* Two covering VRPs: each origin is valid through its own one. */
	{ MAIN_VRPS, "2001:db8:100::/40", 65003, ANS_VRP_VALID, 2, W_OK, false },
	{ MAIN_VRPS, "2001:db8:100::/40", 65001, ANS_VRP_VALID, 2, W_ORIGIN, true },
	{ MAIN_VRPS, "2001:db8:100::/44", 65003, ANS_VRP_INVALID, 2, W_LEN, false },
	{ MAIN_VRPS, "2001:db8:100::/44", 65004, ANS_VRP_INVALID, 2,
	  W_ORIGIN | W_LEN, false },
	/* /0 VRPs. */
	{ ZERO_VRPS, "0.0.0.0/0", 65009, ANS_VRP_VALID, 1, W_OK, false },
	{ ZERO_VRPS, "10.0.0.0/8", 65009, ANS_VRP_INVALID, 1, W_LEN, false },
	{ ZERO_VRPS, "10.0.0.0/8", 65001, ANS_VRP_INVALID, 1, W_ORIGIN | W_LEN, false },
	{ ZERO_VRPS, "::/0", 65010, ANS_VRP_VALID, 1, W_OK, true },
	{ ZERO_VRPS, "2001:db8::1/128", 65010, ANS_VRP_VALID, 1, W_OK, false },
	/* Covering is per family: ::/0 does not cover IPv4. */
	{ V6ZERO_VRPS, "10.0.0.0/8", 65010, ANS_VRP_NOT_FOUND, 0, 0, false },
	{ V6ZERO_VRPS, "0.0.0.0/0", 65010, ANS_VRP_NOT_FOUND, 0, 0, false },
};

static void load_ok(struct ans_vrp_set *s, const char *text)
{
	ans_vrp_set_init(s);
	struct ans_diag d = { 0 };
	assert_int_equal(ans_vrp_load(s, text, strlen(text), "t", &d), ANS_OK);
	assert_int_equal(d.errors, 0);
}

static void test_validate_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(validate_cases) / sizeof(validate_cases[0]); i++) {
		const struct validate_case *c = &validate_cases[i];
		struct ans_vrp_set s;
		struct ans_prefix p;
		struct ans_vrp_hit hits[8];
		struct ans_vrp_result r;
		load_ok(&s, c->vrps);
		assert_int_equal(ans_prefix_parse(c->prefix, &p), ANS_OK);
		ans_vrp_validate(&s, &p, c->origin, hits, 8, &r);
		print_message("case %zu: %s AS%u -> %s\n", i, c->prefix, c->origin,
			      ans_vrp_state_name(r.state));
		assert_int_equal(r.state, c->state);
		assert_int_equal(r.covering, c->covering);
		assert_int_equal(r.hits_count, c->covering);
		if (c->covering)
			assert_int_equal(hits[c->covering - 1].why, c->last_why);
		assert_int_equal(r.has_loose_maxlen, c->is_loose);
		ans_vrp_set_free(&s);
	}
}

/* More covering VRPs than room: all are counted, cap are returned. */
static void test_validate_hit_cap(void **state)
{
	(void)state;
	struct ans_vrp_set s;
	struct ans_prefix p;
	ans_vrp_set_init(&s);
	assert_int_equal(ans_prefix_parse("10.0.0.0/8", &p), ANS_OK);
	for (uint32_t asn = 1; asn <= 20; asn++)
		assert_int_equal(ans_vrp_add(&s, &p, 8, asn, "x", 0), ANS_OK);
	ans_vrp_set_index(&s);
	struct ans_vrp_hit hits[4];
	struct ans_vrp_result r;
	ans_vrp_validate(&s, &p, 20, hits, 4, &r);
	assert_int_equal(r.state, ANS_VRP_VALID);
	assert_int_equal(r.covering, 20);
	assert_int_equal(r.hits_count, 4);
	ans_vrp_set_free(&s);
}

struct prefix_case {
	const char *text;
	int rc;
	uint8_t family, len;
};

static const struct prefix_case prefix_cases[] = {
	{ "203.0.113.0/24", ANS_OK, 4, 24 },
	{ "0.0.0.0/0", ANS_OK, 4, 0 },
	{ "255.255.255.255/32", ANS_OK, 4, 32 },
	{ "2001:db8::/32", ANS_OK, 6, 32 },
	{ "::/0", ANS_OK, 6, 0 },
	{ "::ffff:192.0.2.1/128", ANS_OK, 6, 128 },
	/* Host bits set: refused, as rpki-client refuses such prefixes. */
	{ "10.0.0.1/24", ANS_EMALF, 0, 0 },
	{ "11.0.0.0/7", ANS_EMALF, 0, 0 },
	{ "10.0.0.0/7", ANS_OK, 4, 7 },
	{ "2001:db8::1/64", ANS_EMALF, 0, 0 },
	{ "10.0.0.0/33", ANS_ESYNTAX, 0, 0 },
	{ "2001:db8::/129", ANS_ESYNTAX, 0, 0 },
	{ "10.0.0.0", ANS_ESYNTAX, 0, 0 },
	{ "10.0.0.0/", ANS_ESYNTAX, 0, 0 },
	{ "10.0.0.0/08", ANS_ESYNTAX, 0, 0 },
	{ "10.0.0.0/-8", ANS_ESYNTAX, 0, 0 },
	{ "10.0.0.0/8 ", ANS_ESYNTAX, 0, 0 },
	{ "010.0.0.0/8", ANS_ESYNTAX, 0, 0 },
	{ "10.0.0/24", ANS_ESYNTAX, 0, 0 },
	{ "example.com/24", ANS_ESYNTAX, 0, 0 },
	{ "/24", ANS_ESYNTAX, 0, 0 },
	{ "", ANS_ESYNTAX, 0, 0 },
};

static void test_prefix_parse_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(prefix_cases) / sizeof(prefix_cases[0]); i++) {
		const struct prefix_case *c = &prefix_cases[i];
		struct ans_prefix p;
		print_message("prefix \"%s\"\n", c->text);
		assert_int_equal(ans_prefix_parse(c->text, &p), c->rc);
		if (c->rc)
			continue;
		assert_int_equal(p.family, c->family);
		assert_int_equal(p.len, c->len);
		char back[ANS_VRP_PREFIX_STRLEN];
		ans_prefix_format(&p, back, sizeof(back));
		assert_string_equal(back, c->text);
	}
}

struct asn_case {
	const char *text;
	int rc;
	uint32_t asn;
};

static const struct asn_case asn_cases[] = {
	{ "65001", ANS_OK, 65001 }, { "AS65001", ANS_OK, 65001 },
	{ "as65001", ANS_OK, 65001 }, { "0", ANS_OK, 0 }, { "AS0", ANS_OK, 0 },
	{ "AS4294967295", ANS_OK, 4294967295u },
	{ "AS4294967296", ANS_ERANGE, 0 }, { "99999999999", ANS_ESYNTAX, 0 },
	{ "", ANS_ESYNTAX, 0 }, { "AS", ANS_ESYNTAX, 0 }, { "-1", ANS_ESYNTAX, 0 },
	{ "065001", ANS_ESYNTAX, 0 }, { "AS 1", ANS_ESYNTAX, 0 },
	{ "1.5", ANS_ESYNTAX, 0 }, { "ASN1", ANS_ESYNTAX, 0 },
};

static void test_asn_parse_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(asn_cases) / sizeof(asn_cases[0]); i++) {
		uint32_t asn = 7;
		print_message("asn \"%s\"\n", asn_cases[i].text);
		assert_int_equal(ans_asn_parse(asn_cases[i].text, &asn), asn_cases[i].rc);
		if (asn_cases[i].rc == ANS_OK)
			assert_int_equal(asn, asn_cases[i].asn);
	}
}

/* Collects the first diagnostic, to check where errors are reported. */
struct first_diag {
	unsigned line;
	char msg[512];
};

static void keep_first(void *ctx, enum ans_diag_level level, const char *file,
		       unsigned line, const char *msg)
{
	struct first_diag *f = ctx;
	(void)level;
	(void)file;
	if (f->msg[0] == '\0') {
		f->line = line;
		snprintf(f->msg, sizeof(f->msg), "%s", msg);
	}
}

struct load_case {
	const char *name;
	const char *text;
	int rc;             /* ANS_OK, or < 0: any error with diag at err_line */
	size_t count;
	unsigned err_line;
	const char *err_has;  /* substring of the diagnostic */
};

static const struct load_case load_cases[] = {
	{ "rpki-client json",
	  "{\"metadata\":{\"buildtime\":\"2024-01-01T00:00:00Z\",\"roas\":2},\n"
	  " \"roas\":[\n"
	  "  {\"asn\":65001,\"prefix\":\"203.0.113.0/24\",\"maxLength\":24,"
	  "\"ta\":\"ripe\",\"expires\":1700000000},\n"
	  "  {\"asn\":65002,\"prefix\":\"2001:db8::/32\",\"maxLength\":48,\"ta\":\"arin\"}\n"
	  " ],\"aspas\":[{\"customer_asid\":1,\"providers\":[2,3]}],"
	  "\"bgpsec_keys\":[]}\n", ANS_OK, 2, 0, NULL },
	{ "routinator json",
	  "{\"metadata\":{\"generated\":1700000000},\"roas\":[{\"asn\":\"AS65001\","
	  "\"prefix\":\"203.0.113.0/24\",\"maxLength\":24,\"ta\":\"ripe\","
	  "\"source\":[{\"type\":\"roa\",\"uri\":\"rsync://x/\\u00e9.roa\","
	  "\"validity\":{\"notBefore\":\"a\",\"notAfter\":\"b\"}}]}]}",
	  ANS_OK, 1, 0, NULL },
	{ "empty roas", "{\"roas\":[]}", ANS_OK, 0, 0, NULL },
	{ "rpki-client csv",
	  "ASN,IP Prefix,Max Length,Trust Anchor,Expires\n"
	  "AS65001,203.0.113.0/24,24,ripe,1700000000\n"
	  "AS65002,2001:db8::/32,48,arin,1700000000\n", ANS_OK, 2, 0, NULL },
	{ "routinator csvcompat, quoted, CRLF, BOM",
	  "\xEF\xBB\xBF\"ASN\",\"IP Prefix\",\"Max Length\",\"Trust Anchor\"\r\n"
	  "\"AS65001\",\"203.0.113.0/24\",\"24\",\"ripe\"\r\n\r\n", ANS_OK, 1, 0, NULL },
	{ "csv with extra column",
	  "URI,ASN,IP Prefix,Max Length\nrsync://x/a.roa,AS1,10.0.0.0/8,8\n",
	  ANS_OK, 1, 0, NULL },
	{ "csv header only", "ASN,IP Prefix,Max Length,Trust Anchor\n", ANS_OK, 0, 0, NULL },
	/* Broken files: an error, reported at the right line. */
	{ "truncated json",
	  "{\"roas\":[\n{\"asn\":65001,\"prefix\":\"203.0.113.0/24\",\"maxLength\":24},\n"
	  "{\"asn\":65001,\"pre", -1, 0, 3, "closing" },
	{ "trailing comma", "{\"roas\":[\n{\"asn\":1,\"prefix\":\"10.0.0.0/8\","
	  "\"maxLength\":8},\n]}", -1, 0, 3, "after ','" },
	{ "no roas", "{\"vrps\":[]}", -1, 0, 1, "roas" },
	{ "roas not array", "{\"roas\":{}}", -1, 0, 1, "array" },
	{ "missing maxLength", "{\"roas\":[\n\n{\"asn\":1,\"prefix\":\"10.0.0.0/8\"}]}",
	  -1, 0, 3, "maxLength" },
	{ "host bits json", "{\"roas\":[{\"asn\":1,\"prefix\":\"10.0.0.1/8\","
	  "\"maxLength\":8}]}", -1, 0, 1, "host bits" },
	{ "maxLength below length", "{\"roas\":[{\"asn\":1,\"prefix\":\"10.0.0.0/16\","
	  "\"maxLength\":8}]}", -1, 0, 1, "maxLength 8" },
	{ "maxLength past 32", "{\"roas\":[{\"asn\":1,\"prefix\":\"10.0.0.0/16\","
	  "\"maxLength\":33}]}", -1, 0, 1, "maxLength 33" },
	{ "asn too big", "{\"roas\":[{\"asn\":4294967296,\"prefix\":\"10.0.0.0/8\","
	  "\"maxLength\":8}]}", -1, 0, 1, "smaller" },
	{ "asn text bad", "{\"roas\":[{\"asn\":\"ASX\",\"prefix\":\"10.0.0.0/8\","
	  "\"maxLength\":8}]}", -1, 0, 1, "bad ASN" },
	{ "maxLength fraction", "{\"roas\":[{\"asn\":1,\"prefix\":\"10.0.0.0/8\","
	  "\"maxLength\":8.0}]}", -1, 0, 1, "integer" },
	{ "leading zero", "{\"roas\":[],\"x\":01}", -1, 0, 1, "leading zeros" },
	{ "garbage after", "{\"roas\":[]} x", -1, 0, 1, "end of input" },
	{ "bad utf-8", "{\"roas\":[],\"x\":\"\xC0\xAF\"}", -1, 0, 1, "UTF-8" },
	{ "lone surrogate", "{\"roas\":[],\"x\":\"\\udc00\"}", -1, 0, 1, "surrogate" },
	{ "NUL escape", "{\"roas\":[],\"x\\u0000\":1}", -1, 0, 1, "NUL" },
	{ "too deep",
	  "{\"x\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
	  "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],"
	  "\"roas\":[]}", -1, 0, 1, "nesting" },
	{ "bad csv header", "AS,Prefix,Max\nAS1,10.0.0.0/8,8\n", -1, 0, 1,
	  "CSV header" },
	{ "csv without header", "AS1,10.0.0.0/8,8,ripe\n", -1, 0, 1, "CSV header" },
	{ "csv bad prefix", "ASN,IP Prefix,Max Length\nAS1,10.0.0.0/8,8\n"
	  "AS1,10.0.0/8,8\n", -1, 0, 3, "bad prefix" },
	{ "csv host bits", "ASN,IP Prefix,Max Length\nAS1,10.0.0.1/8,8\n", -1, 0, 2,
	  "host bits" },
	{ "csv field count", "ASN,IP Prefix,Max Length\nAS1,10.0.0.0/8\n", -1, 0, 2,
	  "fields" },
	{ "csv bad asn", "ASN,IP Prefix,Max Length\n65536x,10.0.0.0/8,8\n", -1, 0, 2,
	  "bad ASN" },
	{ "csv bad quote", "ASN,IP Prefix,Max Length\n\"AS1,10.0.0.0/8,8\n", -1, 0, 2,
	  "quoting" },
	{ "csv NUL", "ASN,IP Prefix,Max Length\nAS1\0,10.0.0.0/8,8\n", -1, 0, 2, "NUL" },
	{ "empty file", "", -1, 0, 1, "empty" },
	{ "blank file", "\n\n", -1, 0, 1, "empty" },
};

static size_t case_len(const struct load_case *c)
{
	/* The NUL case has a NUL inside: measure to the final newline. */
	if (strcmp(c->name, "csv NUL") == 0)
		return sizeof("ASN,IP Prefix,Max Length\nAS1\0,10.0.0.0/8,8\n") - 1;
	return strlen(c->text);
}

static void test_load_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(load_cases) / sizeof(load_cases[0]); i++) {
		const struct load_case *c = &load_cases[i];
		struct first_diag f = { 0 };
		struct ans_diag d = { .fn = keep_first, .ctx = &f };
		struct ans_vrp_set s;
		ans_vrp_set_init(&s);
		int rc = ans_vrp_load(&s, c->text, case_len(c), "f", &d);
		print_message("load \"%s\": rc %d, line %u: %s\n", c->name, rc,
			      f.line, f.msg);
		if (c->rc == ANS_OK) {
			assert_int_equal(rc, ANS_OK);
			assert_int_equal(s.count, c->count);
			assert_int_equal(d.errors, 0);
		} else {
			assert_true(rc < 0);
			assert_int_equal(d.errors, 1);
			assert_int_equal(f.line, c->err_line);
			assert_non_null(strstr(f.msg, c->err_has));
		}
		ans_vrp_set_free(&s);
	}
}

/* Fields land where they belong, in both JSON dialects and CSV alike. */
static void test_load_fields(void **state)
{
	(void)state;
	static const char *const texts[] = {
		"{\"roas\":[{\"asn\":65001,\"prefix\":\"2001:db8::/32\","
		"\"maxLength\":48,\"ta\":\"ripe\",\"expires\":1700000000}]}",
		"{\"roas\":[{\"ta\":\"ripe\",\"maxLength\":48,\"expires\":1700000000,"
		"\"prefix\":\"2001:db8::/32\",\"asn\":\"AS65001\"}]}",
		"ASN,IP Prefix,Max Length,Trust Anchor,Expires\n"
		"AS65001,2001:db8::/32,48,ripe,1700000000",
	};
	for (size_t i = 0; i < 3; i++) {
		struct ans_vrp_set s;
		load_ok(&s, texts[i]);
		assert_int_equal(s.count, 1);
		const struct ans_vrp *v = &s.vrps[0];
		char p[ANS_VRP_PREFIX_STRLEN];
		ans_prefix_format(&v->prefix, p, sizeof(p));
		assert_string_equal(p, "2001:db8::/32");
		assert_int_equal(v->asn, 65001);
		assert_int_equal(v->max_len, 48);
		assert_string_equal(s.tas[v->ta], "ripe");
		assert_int_equal(v->expires, 1700000000);
		ans_vrp_set_free(&s);
	}
}

/* The JSON reader decodes escapes and surrogate pairs into UTF-8. */
static void test_json_strings(void **state)
{
	(void)state;
	const char *doc = "[\"a\\\"b\\\\c\\/\\n\", \"\\u00e9\\ud83d\\ude00\", \"x\"]";
	struct ans_json j;
	char s[32];
	ans_json_init(&j, doc, strlen(doc));
	assert_int_equal(ans_json_enter_array(&j), ANS_OK);
	assert_int_equal(ans_json_next_item(&j), 1);
	assert_int_equal(ans_json_read_string(&j, s, sizeof(s)), ANS_OK);
	assert_string_equal(s, "a\"b\\c/\n");
	assert_int_equal(ans_json_next_item(&j), 1);
	assert_int_equal(ans_json_read_string(&j, s, sizeof(s)), ANS_OK);
	assert_string_equal(s, "\xC3\xA9\xF0\x9F\x98\x80");
	assert_int_equal(ans_json_next_item(&j), 1);
	/* Too small a buffer is a limit, not a silent truncation. */
	assert_int_equal(ans_json_read_string(&j, s, 1), ANS_ELIMIT);
	assert_int_equal(ans_json_finish(&j), ANS_ELIMIT);   /* sticky */
}

static void test_json_skip_and_numbers(void **state)
{
	(void)state;
	const char *doc = "{\"a\":[1,-2.5e+3,true,false,null,{\"b\":{}},[]],"
			  "\"n\":18446744073709551615,\"m\":18446744073709551616}";
	struct ans_json j;
	char key[8];
	uint64_t v;
	ans_json_init(&j, doc, strlen(doc));
	assert_int_equal(ans_json_enter_object(&j), ANS_OK);
	assert_int_equal(ans_json_next_key(&j, key, sizeof(key)), 1);
	assert_string_equal(key, "a");
	assert_int_equal(ans_json_skip(&j), ANS_OK);
	assert_int_equal(ans_json_next_key(&j, key, sizeof(key)), 1);
	assert_int_equal(ans_json_read_uint(&j, UINT64_MAX, &v), ANS_OK);
	assert_true(v == UINT64_MAX);
	assert_int_equal(ans_json_next_key(&j, key, sizeof(key)), 1);
	assert_int_equal(ans_json_read_uint(&j, UINT64_MAX, &v), ANS_ERANGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_validate_table),
		cmocka_unit_test(test_validate_hit_cap),
		cmocka_unit_test(test_prefix_parse_table),
		cmocka_unit_test(test_asn_parse_table),
		cmocka_unit_test(test_load_table),
		cmocka_unit_test(test_load_fields),
		cmocka_unit_test(test_json_strings),
		cmocka_unit_test(test_json_skip_and_numbers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
