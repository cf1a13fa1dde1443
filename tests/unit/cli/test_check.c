/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of `anyns check` (cli/check*.c, cli/dnsclient.c): the status
 * decision as a table (serials around the RFC 1982 wrap, NSID matching,
 * RCODEs, network errors), the JSON and table output, the -c file and
 * command-line errors, the provider comparison, and the response parser.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli/check.h"
#include "lib/wire/rdata.h"

struct decide_case {
	const char *what;
	int err;
	uint8_t rcode;
	bool is_aa, has_soa;
	uint32_t serial;
	const char *nsid;       /* NULL: no NSID option */
	const char *name;       /* the node's configured name */
	bool has_primary;
	uint32_t primary;
	enum check_status want;
	int64_t want_behind;
};

static const struct decide_case decide_cases[] = {
	{ "equal", 0, 0, true, true, 11, "fra1", "fra1", true, 11, CHECK_OK, 0 },
	{ "one behind", 0, 0, true, true, 10, "fra1", "fra1", true, 11, CHECK_LAGGING, 1 },
	{ "behind across the wrap", 0, 0, true, true, 0xfffffffeu, "fra1", "fra1",
	  true, 3, CHECK_LAGGING, 5 },
	{ "ahead across the wrap", 0, 0, true, true, 3, "fra1", "fra1",
	  true, 0xfffffffeu, CHECK_ERROR, -5 },
	{ "ahead", 0, 0, true, true, 12, "fra1", "fra1", true, 11, CHECK_ERROR, -1 },
	/* RFC 1982 §3.2: 2^31 apart is undefined; we read it as "not newer". */
	{ "2^31 apart", 0, 0, true, true, 0, "fra1", "fra1", true, 0x80000000u,
	  CHECK_LAGGING, 0x80000000LL },
	{ "2^31 - 1 behind", 0, 0, true, true, 1, "fra1", "fra1", true, 0x80000000u,
	  CHECK_LAGGING, 0x7fffffffLL },
	{ "no primary serial", 0, 0, true, true, 5, "fra1", "fra1", false, 0, CHECK_OK, 0 },
	{ "NSID of another node", 0, 0, true, true, 11, "ams1", "fra1", true, 11,
	  CHECK_IDENTITY_MISMATCH, 0 },
	{ "NSID case differs", 0, 0, true, true, 11, "FRA1", "fra1", true, 11,
	  CHECK_IDENTITY_MISMATCH, 0 },
	{ "NSID prefix only", 0, 0, true, true, 11, "fra", "fra1", true, 11,
	  CHECK_IDENTITY_MISMATCH, 0 },
	{ "no NSID", 0, 0, true, true, 11, NULL, "fra1", true, 11,
	  CHECK_IDENTITY_MISMATCH, 0 },
	{ "identity before lagging", 0, 0, true, true, 9, "ams1", "fra1", true, 11,
	  CHECK_IDENTITY_MISMATCH, 2 },
	{ "binary NSID as hex", 0, 0, true, true, 11, "\x01\xff", "0x01ff", true, 11,
	  CHECK_OK, 0 },
	{ "SERVFAIL (expired)", 0, 2, true, false, 0, "fra1", "fra1", true, 11, CHECK_ERROR, 0 },
	{ "REFUSED", 0, 5, false, false, 0, "fra1", "fra1", true, 11, CHECK_ERROR, 0 },
	{ "NXDOMAIN", 0, 3, true, false, 0, "fra1", "fra1", true, 11, CHECK_ERROR, 0 },
	{ "BADVERS (extended)", 0, 16, false, false, 0, "fra1", "fra1", true, 11, CHECK_ERROR, 0 },
	{ "not authoritative", 0, 0, false, true, 11, "fra1", "fra1", true, 11, CHECK_ERROR, 0 },
	{ "no SOA", 0, 0, true, false, 0, "fra1", "fra1", true, 11, CHECK_ERROR, 0 },
	{ "timeout", ANS_ETIMEOUT, 0, false, false, 0, NULL, "fra1", true, 11,
	  CHECK_UNREACHABLE, 0 },
	{ "refused connection", -ECONNREFUSED, 0, false, false, 0, NULL, "fra1", true, 11,
	  CHECK_UNREACHABLE, 0 },
	{ "malformed answer", ANS_EMALF, 0, false, false, 0, NULL, "fra1", true, 11,
	  CHECK_ERROR, 0 },
};

static void make_row(struct check_row *r, struct check_server *s, const struct decide_case *c)
{
	memset(r, 0, sizeof(*r));
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", c->name);
	r->server = s;
	r->ans.err = c->err;
	r->ans.rcode = c->rcode;
	r->ans.is_aa = c->is_aa;
	r->ans.has_soa = c->has_soa;
	r->ans.soa.serial = c->serial;
	if (c->nsid) {
		r->ans.has_nsid = true;
		r->ans.nsid_len = strlen(c->nsid);
		memcpy(r->ans.nsid, c->nsid, r->ans.nsid_len);
	}
}

static void test_decide_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(decide_cases) / sizeof(decide_cases[0]); i++) {
		const struct decide_case *c = &decide_cases[i];
		struct check_row r;
		struct check_server s;
		make_row(&r, &s, c);
		check_row_decide(&r, c->has_primary, c->primary);
		if (r.status != c->want || r.behind != c->want_behind)
			fail_msg("%s: got %s behind %lld, want %s behind %lld", c->what,
				 check_status_name(r.status), (long long)r.behind,
				 check_status_name(c->want), (long long)c->want_behind);
		/* Anything but ok says why. */
		if ((r.status == CHECK_OK) != (r.detail[0] == '\0'))
			fail_msg("%s: detail '%s' with status %s", c->what, r.detail,
				 check_status_name(r.status));
	}
}

static void test_content(void **state)
{
	(void)state;
	struct check_zone_report z = { .has_primary_digest = true, .primary_digest_len = 48 };
	struct check_server s = { .name = "fra1" };
	struct check_row r = { .server = &s, .status = CHECK_OK, .has_digest = true,
			       .digest_len = 48 };
	memset(z.primary_digest, 0xab, 48);
	memset(r.digest, 0xab, 48);
	check_row_content(&r, &z);
	assert_int_equal(r.status, CHECK_OK);
	r.digest[47] ^= 1;
	check_row_content(&r, &z);
	assert_int_equal(r.status, CHECK_CONTENT_MISMATCH);
	/* A lagging node is not compared: its content differs by design. */
	r.status = CHECK_LAGGING;
	r.detail[0] = '\0';
	check_row_content(&r, &z);
	assert_int_equal(r.status, CHECK_LAGGING);
}

static void print(void (*fn)(FILE *, const struct check_zone_report *, size_t),
		  const struct check_zone_report *z, size_t n, char **out)
{
	size_t len = 0;
	FILE *f = open_memstream(out, &len);
	assert_non_null(f);
	fn(f, z, n);
	fclose(f);
}

static void zone_example(uint8_t *apex, struct check_zone_report *z, struct check_row *rows,
			 struct check_server *srv)
{
	size_t len;
	assert_int_equal(ans_name_from_text(apex, &len, "example.com.", 12, NULL), ANS_OK);
	*z = (struct check_zone_report){ .zone = apex, .has_primary_serial = true,
					 .primary_serial = 11, .rows = rows, .row_count = 2 };
	srv[0] = (struct check_server){ .name = "fra1", .address = "192.0.2.11@53" };
	srv[1] = (struct check_server){ .name = "ams1", .address = "192.0.2.12@53" };
	const struct decide_case ok = { "", 0, 0, true, true, 11, "fra1", "fra1", true, 11,
					CHECK_OK, 0 };
	make_row(&rows[0], &srv[0], &ok);
	snprintf(srv[0].address, sizeof(srv[0].address), "192.0.2.11@53");
	rows[0].ans.rtt_ms = 0.44;
	check_row_decide(&rows[0], true, 11);
	rows[1] = (struct check_row){ .server = &srv[1], .ans.err = ANS_ETIMEOUT };
	check_row_decide(&rows[1], true, 11);
}

/* The issue's example, byte for byte, plus an unreachable node. */
static void test_json(void **state)
{
	(void)state;
	uint8_t apex[ANS_NAME_MAX];
	struct check_zone_report z;
	struct check_row rows[2];
	struct check_server srv[2];
	zone_example(apex, &z, rows, srv);
	char *out = NULL;
	print(check_print_json, &z, 1, &out);
	assert_string_equal(out,
		"{\"zones\":[{\"zone\":\"example.com.\",\"primary_serial\":11,\"nodes\":["
		"{\"name\":\"fra1\",\"address\":\"192.0.2.11@53\",\"nsid\":\"fra1\",\"serial\":11,"
		"\"behind\":0,\"rtt_ms\":0.4,\"status\":\"ok\"},"
		"{\"name\":\"ams1\",\"address\":\"192.0.2.12@53\",\"nsid\":null,\"serial\":null,"
		"\"behind\":null,\"rtt_ms\":null,\"status\":\"unreachable\","
		"\"detail\":\"no answer (timeout)\"}]}]}\n");
	free(out);
}

static void test_json_escapes(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	check_json_string(f, "a\"b\\c\n\x7f");
	fclose(f);
	assert_string_equal(buf, "\"a\\\"b\\\\c\\u000a\\u007f\"");
	free(buf);
}

static void test_table(void **state)
{
	(void)state;
	uint8_t apex[ANS_NAME_MAX];
	struct check_zone_report z;
	struct check_row rows[2];
	struct check_server srv[2];
	zone_example(apex, &z, rows, srv);
	char *out = NULL;
	print(check_print_table, &z, 1, &out);
	assert_non_null(strstr(out, "zone example.com., primary serial 11\n"));
	assert_non_null(strstr(out, "NODE"));
	char *fra = strstr(out, "  fra1 ");
	char *ams = strstr(out, "  ams1 ");
	assert_non_null(fra);
	assert_non_null(ams);
	assert_non_null(strstr(fra, "192.0.2.11@53"));
	assert_true(strstr(fra, " 0.4  ok\n") != NULL);
	assert_true(strstr(ams, "unreachable: no answer (timeout)\n") != NULL);
	free(out);
}

struct conf_case {
	const char *yaml;
	int want;
	const char *why;        /* substring of the message */
};

/* Mistakes in the -c file, in lib/conf's wording with the line. */
static const struct conf_case conf_cases[] = {
	{ "primary: 127.0.0.1@53\nnodes:\n  - { name: a, address: 127.0.0.2@53 }\n"
	  "zones: [ example.com ]\n", ANS_OK, "" },
	{ "primary: 127.0.0.1@53\nkey: { id: k, algorithm: hmac-sha256, secret: \"AAAA\" }\n"
	  "timeout-ms: 300\n", ANS_OK, "" },
	{ "", ANS_OK, "" },
	{ "- a\n", ANS_ECONFIG, "t.yaml:1: expected a map of options and sections" },
	{ "primary: [ 1 ]\n", ANS_ECONFIG,
	  "t.yaml:1: primary: expected an address ADDR[@PORT], got a list" },
	{ "primary: nowhere@53\n", ANS_ECONFIG,
	  "t.yaml:1: primary: expected an address ADDR[@PORT], got 'nowhere@53'" },
	{ "primary: 127.0.0.1@99999\n", ANS_ECONFIG, "t.yaml:1: primary: expected an address" },
	{ "primary: 127.0.0.1@53\nprimary: 127.0.0.1@54\n", ANS_ECONFIG,
	  "t.yaml:2: primary: duplicate option (first at line 1)" },
	{ "\nnodes:\n  - { address: 127.0.0.2@53 }\n", ANS_ECONFIG,
	  "t.yaml:3: nodes.name: missing (required)" },
	{ "nodes:\n  - { name: a, address: 127.0.0.2@53, port: 5 }\n", ANS_ECONFIG,
	  "t.yaml:2: nodes.port: unknown option" },
	{ "nodes:\n  - name: a\n    address: 127.0.0.2@x\n", ANS_ECONFIG,
	  "t.yaml:3: nodes.address: expected an address ADDR[@PORT], got '127.0.0.2@x'" },
	{ "nodes: a\n", ANS_ECONFIG, "t.yaml:1: nodes: expected a list of entries" },
	{ "zones:\n  - example.com\n  - \"a..b\"\n", ANS_ECONFIG,
	  "t.yaml:3: zones: expected a domain name, got 'a..b'" },
	{ "zones: example.com\n", ANS_ECONFIG, "t.yaml:1: zones: expected a list of strings" },
	{ "providers: [ \"a=127.0.0.1@53\", \"b=x\" ]\n", ANS_ECONFIG,
	  "t.yaml:1: providers: expected [NAME=]ADDR[@PORT], got 'b=x'" },
	{ "key: { id: k, algorithm: hmac-sha999, secret: \"AAAA\" }\n", ANS_ECONFIG,
	  "t.yaml:1: key.algorithm: expected hmac-sha1, " },
	{ "\nkey: { id: k, secret: \"AAAA\" }\n", ANS_ECONFIG,
	  "t.yaml:2: key.algorithm: missing (required)" },
	{ "key:\n  id: k\n  algorithm: hmac-sha256\n  secret: \"!!\"\n", ANS_ECONFIG,
	  "t.yaml:4: key.secret: expected a base64 secret (TSIG secret is not valid base64)" },
	{ "timeout-ms: 0\n", ANS_ECONFIG, "t.yaml:1: timeout-ms: expected an integer 1..600000, got '0'" },
	{ "zone: [ a ]\n", ANS_ECONFIG, "t.yaml:1: zone: unknown option" },
	{ "primary: [\n", ANS_ECONFIG, "t.yaml:2: YAML syntax error" },
};

static void test_conf_file(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(conf_cases) / sizeof(conf_cases[0]); i++) {
		const struct conf_case *c = &conf_cases[i];
		struct check_conf conf = { 0 };
		char why[256] = "";
		int rc = check_conf_load_text(&conf, "t.yaml", c->yaml, strlen(c->yaml),
					      why, sizeof(why));
		if (rc != c->want || !strstr(why, c->why))
			fail_msg("case %zu: rc %d why '%s', want %d '%s'", i, rc, why,
				 c->want, c->why);
		check_conf_free(&conf);
	}
}

static void test_conf_file_content(void **state)
{
	(void)state;
	static const char yaml[] =
		"primary: 127.0.0.1@5300\n"
		"nodes:\n"
		"  - { name: fra1, address: 127.0.0.2@53 }\n"
		"  - name: ams1\n"
		"    address: \"::1@5301\"\n"
		"zones: [ example.com, Example.NET. ]\n";
	struct check_conf c = { 0 };
	char why[256] = "";
	assert_int_equal(check_conf_load_text(&c, "t", yaml, strlen(yaml), why, sizeof(why)),
			 ANS_OK);
	assert_true(c.has_primary);
	assert_int_equal(c.node_count, 2);
	assert_string_equal(c.nodes[1].name, "ams1");
	assert_int_equal(c.nodes[1].addr.sa.ss_family, AF_INET6);
	assert_int_equal(c.zone_count, 2);
	assert_memory_equal(c.zones[1], "\7example\3net", 13);
	check_conf_free(&c);
}

struct args_case {
	const char *argv[10];
	int want;
	const char *why;
};

static const struct args_case args_cases[] = {
	{ { "check", "--primary", "127.0.0.1@53", "--node", "a=127.0.0.2@53", "z." }, ANS_OK, "" },
	{ { "check", "--providers", "127.0.0.1@53", "b=127.0.0.2@53", "z." }, ANS_OK, "" },
	{ { "check", "--providers", "127.0.0.1@53,127.0.0.3@53", "z." }, ANS_OK, "" },
	{ { "check", "--help" }, 1, "" },
	{ { "check", "--primary", "127.0.0.1@53", "--node", "a=127.0.0.2@53" }, ANS_ECONFIG,
	  "no zone given" },
	{ { "check", "--node", "a=127.0.0.2@53", "z." }, ANS_ECONFIG, "no --primary" },
	{ { "check", "--primary", "127.0.0.1@53", "z." }, ANS_ECONFIG, "no --node" },
	{ { "check", "--primary", "127.0.0.1@53", "--node", "127.0.0.2@53", "z." }, ANS_ECONFIG,
	  "--node wants NAME=ADDR@PORT" },
	{ { "check", "--primary" }, ANS_ECONFIG, "--primary wants a value" },
	{ { "check", "--bogus" }, ANS_ECONFIG, "unknown option --bogus" },
	{ { "check", "--timeout-ms", "0" }, ANS_ECONFIG, "--timeout-ms must be" },
	{ { "check", "--key", "k:hmac-sha256" }, ANS_ECONFIG, "--key wants NAME:ALG:BASE64" },
	{ { "check", "--key", "k:hmac-nope:AAAA" }, ANS_ECONFIG, "--key:" },
	{ { "check", "--providers", "127.0.0.1@53", "z." }, ANS_ECONFIG, "two servers" },
	{ { "check", "--providers", "z." }, ANS_ECONFIG, "--providers wants" },
	{ { "check", "--providers", "127.0.0.1@53", "127.0.0.2@53", "--primary", "127.0.0.1@53",
	    "z." }, ANS_ECONFIG, "does not mix" },
	{ { "check", "-c", "/nonexistent/check.yaml" }, ANS_ECONFIG, "/nonexistent/check.yaml:" },
};

static void test_args(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(args_cases) / sizeof(args_cases[0]); i++) {
		const struct args_case *c = &args_cases[i];
		int argc = 0;
		while (c->argv[argc])
			argc++;
		struct check_conf conf = { 0 };
		char why[256] = "";
		int rc = check_conf_from_args(&conf, argc, (char **)c->argv, why, sizeof(why));
		if (rc != c->want || !strstr(why, c->why))
			fail_msg("case %zu: rc %d why '%s', want %d '%s'", i, rc, why,
				 c->want, c->why);
		check_conf_free(&conf);
	}
}

static void test_key_orders(void **state)
{
	(void)state;
	const char *a[] = { "check", "--key", "xfr:hmac-sha256:AAAA" };
	const char *b[] = { "check", "--key", "hmac-sha256:xfr:AAAA" };
	struct check_conf c1 = { 0 }, c2 = { 0 };
	char why[256];
	/* Keys alone are not a whole check: the usage error comes after them. */
	assert_int_equal(check_conf_from_args(&c1, 3, (char **)a, why, sizeof(why)), ANS_ECONFIG);
	assert_int_equal(check_conf_from_args(&c2, 3, (char **)b, why, sizeof(why)), ANS_ECONFIG);
	assert_true(c1.has_key && c2.has_key);
	assert_memory_equal(c1.key.name, "\3xfr", 5);
	assert_memory_equal(c2.key.name, "\3xfr", 5);
	assert_int_equal(c1.key.alg, ANS_TSIG_HMAC_SHA256);
	assert_int_equal(c2.key.alg, ANS_TSIG_HMAC_SHA256);
	check_conf_free(&c1);
	check_conf_free(&c2);
}

/* A response as a server writes it: compressed owner names, SOA and NS in
 * the answer, OPT with NSID and an extended RCODE of 0. */
static size_t build_response(uint8_t *buf, size_t size, uint16_t id, uint16_t flags,
			     uint16_t qtype, const char *nsid)
{
	static const uint8_t apex[] = "\7example\3com";
	struct ans_wire w = ans_wire_init(buf, size);
	ans_wire_write_u16(&w, id);
	ans_wire_write_u16(&w, flags);
	ans_wire_write_u16(&w, 1);
	ans_wire_write_u16(&w, 2);
	ans_wire_write_u16(&w, 0);
	ans_wire_write_u16(&w, 1);
	ans_wire_write_bytes(&w, apex, sizeof(apex));
	ans_wire_write_u16(&w, qtype);
	ans_wire_write_u16(&w, ANS_CLASS_IN);
	ans_wire_write_u16(&w, 0xc00c);                 /* SOA, owner compressed */
	ans_wire_write_u16(&w, ANS_TYPE_SOA);
	ans_wire_write_u16(&w, ANS_CLASS_IN);
	ans_wire_write_u32(&w, 3600);
	ans_wire_write_u16(&w, 2 + 2 + 20);
	ans_wire_write_u16(&w, 0xc00c);
	ans_wire_write_u16(&w, 0xc00c);
	const uint32_t soa[] = { 2024010199, 7200, 900, 1209600, 300 };
	for (int i = 0; i < 5; i++)
		ans_wire_write_u32(&w, soa[i]);
	ans_wire_write_u16(&w, 0xc00c);                 /* NS ns1.example.com. */
	ans_wire_write_u16(&w, ANS_TYPE_NS);
	ans_wire_write_u16(&w, ANS_CLASS_IN);
	ans_wire_write_u32(&w, 86400);
	ans_wire_write_u16(&w, 6);
	ans_wire_write_bytes(&w, "\3NS1\xc0\x0c", 6);
	ans_wire_write_u8(&w, 0);                       /* OPT */
	ans_wire_write_u16(&w, ANS_TYPE_OPT);
	ans_wire_write_u16(&w, 1232);
	ans_wire_write_u32(&w, 0);
	ans_wire_write_u16(&w, (uint16_t)(4 + strlen(nsid)));
	ans_wire_write_u16(&w, 3);
	ans_wire_write_u16(&w, (uint16_t)strlen(nsid));
	ans_wire_write_bytes(&w, nsid, strlen(nsid));
	assert_int_equal(w.err, ANS_OK);
	return w.pos;
}

static void test_answer_parse(void **state)
{
	(void)state;
	static const uint8_t apex[] = "\7example\3com";
	uint8_t msg[512];
	struct dc_answer a;
	size_t len = build_response(msg, sizeof(msg), 0x1234, 0x8400, ANS_TYPE_SOA, "fra1");
	memset(&a, 0, sizeof(a));
	assert_int_equal(dc_answer_parse(msg, len, 0x1234, apex, ANS_TYPE_SOA, &a), ANS_OK);
	assert_true(a.is_aa && a.has_soa && a.has_nsid);
	assert_int_equal(a.soa.serial, 2024010199);
	assert_int_equal(a.soa.ttl_s, 3600);
	assert_int_equal(a.soa.minimum_s, 300);
	assert_int_equal(a.ns_count, 1);
	assert_int_equal(a.ns_ttl_s, 86400);
	assert_memory_equal(a.ns[0], "\3ns1\7example\3com", 17);   /* lowercased */
	assert_int_equal(a.nsid_len, 4);
	assert_memory_equal(a.nsid, "fra1", 4);
	/* Another ID, another question, a query: not ours. */
	assert_int_equal(dc_answer_parse(msg, len, 0x1235, apex, ANS_TYPE_SOA, &a), ANS_ENOENT);
	assert_int_equal(dc_answer_parse(msg, len, 0x1234, apex, ANS_TYPE_NS, &a), ANS_ENOENT);
	assert_int_equal(dc_answer_parse(msg, len, 0x1234, (const uint8_t *)"\3org",
					 ANS_TYPE_SOA, &a), ANS_ENOENT);
	len = build_response(msg, sizeof(msg), 0x1234, 0x0400, ANS_TYPE_SOA, "fra1");
	assert_int_equal(dc_answer_parse(msg, len, 0x1234, apex, ANS_TYPE_SOA, &a), ANS_ENOENT);
	/* Every truncation is malformed, never read past the end. */
	len = build_response(msg, sizeof(msg), 0x1234, 0x8400, ANS_TYPE_SOA, "fra1");
	for (size_t cut = 0; cut < len; cut++) {
		int rc = dc_answer_parse(msg, cut, 0x1234, apex, ANS_TYPE_SOA, &a);
		if (rc != ANS_EMALF)
			fail_msg("cut at %zu: %d", cut, rc);
	}
}

static void test_query_write(void **state)
{
	(void)state;
	static const uint8_t apex[] = "\7example\3com";
	uint8_t q[512];
	size_t len;
	assert_int_equal(dc_query_write(q, sizeof(q), &len, 7, apex, ANS_TYPE_SOA), ANS_OK);
	/* header 12 + question 13+4 + OPT 11 + NSID option 4 */
	assert_int_equal(len, 12 + 17 + 11 + 4);
	assert_memory_equal(q, "\0\7\0\0\0\1\0\0\0\0\0\1", 12);   /* RD clear, ARCOUNT 1 */
	assert_memory_equal(q + len - 4, "\0\3\0\0", 4);        /* NSID, empty */
	assert_int_equal(dc_query_write(q, 20, &len, 7, apex, ANS_TYPE_SOA), ANS_ESPACE);
}

static void test_addr_parse(void **state)
{
	(void)state;
	static const struct { const char *text; int want; } cases[] = {
		{ "127.0.0.1@53", ANS_OK }, { "127.0.0.1", ANS_OK }, { "::1@5353", ANS_OK },
		{ "127.0.0.1@0", ANS_ESYNTAX }, { "127.0.0.1@65536", ANS_ESYNTAX },
		{ "127.0.0.1@", ANS_ESYNTAX }, { "127.0.0.1@-1", ANS_ESYNTAX },
		{ "127.0.0.1@53x", ANS_ESYNTAX }, { "host@53", ANS_ESYNTAX }, { "@53", ANS_ESYNTAX },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dc_addr a;
		if (dc_addr_parse(cases[i].text, &a) != cases[i].want)
			fail_msg("%s", cases[i].text);
	}
}

static void provider(struct check_row *r, struct check_server *s, const char *name,
		     uint32_t serial, uint32_t soa_ttl, uint32_t ns_ttl, const char *ns2)
{
	memset(r, 0, sizeof(*r));
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", name);
	r->server = s;
	r->ans.is_aa = r->ans.has_soa = true;
	r->ans.soa = (struct dc_soa){ soa_ttl, serial, 7200, 900, 1209600, 300 };
	r->ans.ns_ttl_s = ns_ttl;
	r->ans.ns_count = 2;
	memcpy(r->ans.ns[0], "\1b\0", 3);
	memcpy(r->ans.ns[1], ns2, strlen(ns2) + 1);
}

static void test_providers(void **state)
{
	(void)state;
	struct check_row rows[3];
	struct check_server srv[3];
	uint8_t apex[] = "\7example\3com";
	struct check_provider_report p = { .zone = apex, .rows = rows, .row_count = 3 };
	provider(&rows[0], &srv[0], "p1", 5, 3600, 86400, "\1a");
	provider(&rows[1], &srv[1], "p2", 5, 3600, 86400, "\1a");
	provider(&rows[2], &srv[2], "p3", 5, 3600, 86400, "\1a");
	/* Same set in another order is the same set. */
	memcpy(rows[2].ans.ns[0], "\1a\0", 3);
	memcpy(rows[2].ans.ns[1], "\1b\0", 3);
	assert_int_equal(check_providers_compare(&p), ANS_OK);
	assert_int_equal(p.diff_count, 0);
	free(p.diffs);
	rows[1].ans.soa.ttl_s = 300;
	rows[2].ans.ns_ttl_s = 172800;
	memcpy(rows[2].ans.ns[0], "\1c\0", 3);
	assert_int_equal(check_providers_compare(&p), ANS_OK);
	assert_int_equal(p.diff_count, 3);
	assert_string_equal(p.diffs[0], "ns");
	assert_string_equal(p.diffs[1], "soa_ttl");
	assert_string_equal(p.diffs[2], "ns_ttl");
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	check_print_providers_json(f, &p, 1);
	fclose(f);
	assert_non_null(strstr(buf, "{\"field\":\"soa_ttl\",\"values\":{\"p1\":\"3600\","
				    "\"p2\":\"300\",\"p3\":\"3600\"}}"));
	assert_non_null(strstr(buf, "\"ns\":[\"b.\",\"c.\"]"));
	free(buf);
	free(p.diffs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decide_table),
		cmocka_unit_test(test_content),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_escapes),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_conf_file),
		cmocka_unit_test(test_conf_file_content),
		cmocka_unit_test(test_args),
		cmocka_unit_test(test_key_orders),
		cmocka_unit_test(test_answer_parse),
		cmocka_unit_test(test_query_write),
		cmocka_unit_test(test_addr_parse),
		cmocka_unit_test(test_providers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
