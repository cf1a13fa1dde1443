/* SPDX-License-Identifier: MIT */
/*
 * The configuration loader, table-driven: good files with the values they
 * give, and each kind of error with its exact message (file, line, option).
 * Also: doc/config.md is what `anynsd --config-reference` prints.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "anynsd/conf/conf.h"
#include "anynsd/conf/schema.h"

#define HEAD "server:\n  listen: 127.0.0.1@5300\n"

struct bad_case {
	const char *text;
	const char *message;
};

static const struct bad_case bad_cases[] = {
	{ "server: [ \n", "t/anynsd.yaml:2: YAML syntax error, did not find expected node content while parsing a flow node" },
	{ "server:\n  listen: 1.2.3.4\n  workers: many\n",
	  "t/anynsd.yaml:3: server.workers: expected an integer 1..256, got 'many'" },
	{ "server:\n  listen: 1.2.3.4\n  workers: 0\n",
	  "t/anynsd.yaml:3: server.workers: expected an integer 1..256, got '0'" },
	{ "server:\n  listen: 1.2.3.4\n  workers: 257\n",
	  "t/anynsd.yaml:3: server.workers: expected an integer 1..256, got '257'" },
	{ "server:\n  listen: 1.2.3.4\n  listne: 1.2.3.4\n",
	  "t/anynsd.yaml:3: server.listne: unknown option" },
	{ "server:\n  listen: 1.2.3.4\nkeys:\n  - id: k\n",
	  "t/anynsd.yaml:3: keys: unknown section" },
	{ "server:\n  listen: 1.2.3.4\nkey:\n  - id: k\n",
	  "t/anynsd.yaml:4: key.algorithm: missing (required)" },
	{ HEAD "key:\n  - { id: k, algorithm: hmac-sha999, secret: AAAA }\n",
	  "t/anynsd.yaml:4: key 'k': unknown TSIG algorithm" },
	{ HEAD "remote:\n  - { id: r, address: 1.2.3.4, key: nokey }\n",
	  "t/anynsd.yaml:4: remote.key: no key 'nokey'" },
	{ HEAD "acl:\n  - { id: a, address: 10.0.0.0/33, action: transfer }\n",
	  "t/anynsd.yaml:4: acl.address: expected an address or a CIDR prefix, got '10.0.0.0/33'" },
	{ HEAD "acl:\n  - { id: a, address: 10.0.0.0/8, action: [ transfer, xfr ] }\n",
	  "t/anynsd.yaml:4: acl.action: expected transfer or notify, got 'xfr'" },
	{ HEAD "acl:\n  - { id: a, address: [ \"::1\", \"::1\" ], action: notify }\n",
	  "t/anynsd.yaml:4: acl.address: duplicate '::1'" },
	{ HEAD "zone:\n  - domain: a.\n    primary: [ nope ]\n",
	  "t/anynsd.yaml:4: zone.primary: no remote 'nope'" },
	{ HEAD "zone:\n  - domain: a.\n    file: a.zone\n    acl: nope\n",
	  "t/anynsd.yaml:4: zone.acl: no acl 'nope'" },
	{ HEAD "zone:\n  - domain: a.\n",
	  "t/anynsd.yaml:4: zone.file: missing (required for a zone without primary)" },
	{ "server:\n  listen: 1.2.3.4\n  workers: 2\n  workers: 3\n",
	  "t/anynsd.yaml:4: server.workers: duplicate option (first at line 3)" },
	{ "server:\n  listen: 1.2.3.4\nserver:\n  workers: 1\n",
	  "t/anynsd.yaml:3: server: duplicate section (first at line 1)" },
	{ "server:\n  listen: 1.2.3.4@99999\n",
	  "t/anynsd.yaml:2: server.listen: expected an address ADDR[@PORT] or a list of them, got '1.2.3.4@99999'" },
	{ "server:\n  listen: [ 1.2.3.4, \"::1@53\", foo ]\n",
	  "t/anynsd.yaml:2: server.listen: expected an address ADDR[@PORT] or a list of them, got 'foo'" },
	{ "server:\n  listen: [ 1.2.3.4@53, 1.2.3.4 ]\n",
	  "t/anynsd.yaml:2: server.listen: duplicate address '1.2.3.4@53'" },
	{ "server:\n  listen: []\n",
	  "t/anynsd.yaml:2: server.listen: expected at least one address, got an empty list" },
	{ "server:\n  workers: 1\n",
	  "t/anynsd.yaml:1: server.listen: missing (required)" },
	{ "zone: []\n", "t/anynsd.yaml:1: server.listen: missing (required)" },
	{ HEAD "  tcp-idle-timeout: 0s\n",
	  "t/anynsd.yaml:3: server.tcp-idle-timeout: expected a duration 1s..1h, got '0s'" },
	{ HEAD "  tcp-idle-timeout: 10 s\n",
	  "t/anynsd.yaml:3: server.tcp-idle-timeout: expected a duration 1s..1h, got '10 s'" },
	{ HEAD "  udp-max-payload: 100\n",
	  "t/anynsd.yaml:3: server.udp-max-payload: expected an integer 512..4096, got '100'" },
	{ HEAD "  identity: 0xabc\n",
	  "t/anynsd.yaml:3: server.identity: expected an even number of hex digits after 0x (at most 128 bytes), got '0xabc'" },
	{ HEAD "  identity: [ a ]\n",
	  "t/anynsd.yaml:3: server.identity: expected a string, got a list" },
	{ HEAD "zone:\n  - domain: example.com\n",
	  "t/anynsd.yaml:4: zone.file: missing (required for a zone without primary)" },
	{ HEAD "zone:\n  - file: x.zone\n",
	  "t/anynsd.yaml:4: zone.domain: missing (required)" },
	{ HEAD "zone:\n  - domain: a..b\n    file: x\n",
	  "t/anynsd.yaml:4: zone.domain: expected a domain name, got 'a..b'" },
	{ HEAD "zone:\n  - domain: example.com\n    file: a\n  - domain: EXAMPLE.com.\n    file: b\n",
	  "t/anynsd.yaml:6: zone.domain: duplicate 'example.com.' (first at line 4)" },
	{ HEAD "zone:\n  - domain: example.com\n    file: a\n    primary: [ x ]\n",
	  "t/anynsd.yaml:4: zone.primary: no remote 'x'" },
	{ HEAD "zone:\n  domain: example.com\n",
	  "t/anynsd.yaml:4: zone: expected a list of entries" },
	{ HEAD "zone:\n  - example.com\n",
	  "t/anynsd.yaml:4: zone: expected a map of options" },
	{ "- a\n- b\n", "t/anynsd.yaml:1: expected a map of sections (server, key, remote, acl, zone)" },
};

static void test_bad(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct conf *conf = NULL;
		char err[512];
		int rc = conf_load_text("t/anynsd.yaml", c->text, strlen(c->text),
					&conf, err, sizeof(err));
		if (rc != ANS_ECONFIG || strcmp(err, c->message) != 0)
			fail_msg("case %zu: rc %d\n  got:  %s\n  want: %s", i, rc, err, c->message);
		assert_null(conf);
	}
}

static struct conf *load_ok(const char *text)
{
	struct conf *conf = NULL;
	char err[512];
	int rc = conf_load_text("/etc/anyns/anynsd.yaml", text, strlen(text), &conf,
				err, sizeof(err));
	if (rc != ANS_OK)
		fail_msg("unexpected error: %s", err);
	return conf;
}

static void test_defaults(void **state)
{
	(void)state;
	struct conf *c = load_ok(HEAD);
	assert_int_equal(c->server.listen.count, 1);
	assert_string_equal(c->server.listen.items[0].text, "127.0.0.1@5300");
	assert_int_equal(c->server.udp_max_payload, 1232);
	assert_int_equal(c->server.tcp_idle_timeout_ms, 10000);
	assert_int_equal(c->server.tcp_io_timeout_ms, 500);
	assert_int_equal(c->server.tcp_max_clients, 1000);
	assert_true(c->server.workers >= 1);
	assert_string_equal(c->server.storage, "/var/lib/anyns");
	assert_string_equal(c->version, "anynsd 0.1.0");
	assert_non_null(c->identity);   /* the host name, as Knot */
	assert_int_equal(c->zone_count, 0);
	conf_free(c);
}

static void test_values(void **state)
{
	(void)state;
	struct conf *c = load_ok(
		"server:\n"
		"  listen: [ \"127.0.0.1@5300\", \"::1\", 192.0.2.1@53 ]\n"
		"  identity: 0x6e3031\n"
		"  version: \"\"\n"
		"  workers: 3\n"
		"  tcp-idle-timeout: 1500ms\n"
		"  tcp-io-timeout: 2s\n"
		"  tcp-max-clients: 5\n"
		"zone:\n"
		"  - domain: Example.COM\n"
		"    file: zones/example.com.zone\n"
		"  - domain: .\n"
		"    file: /abs/root.zone\n");
	assert_int_equal(c->server.listen.count, 3);
	assert_string_equal(c->server.listen.items[1].text, "::1@53");
	assert_int_equal(c->server.listen.items[1].ss.ss_family, AF_INET6);
	const struct sockaddr_in *sin = (const void *)&c->server.listen.items[0].ss;
	assert_int_equal(ntohs(sin->sin_port), 5300);
	assert_int_equal(c->nsid_len, 3);
	assert_memory_equal(c->nsid, "n01", 3);
	assert_null(c->version);        /* empty disables */
	assert_int_equal(c->server.workers, 3);
	assert_int_equal(c->server.tcp_idle_timeout_ms, 1500);
	assert_int_equal(c->server.tcp_io_timeout_ms, 2000);
	assert_int_equal(c->zone_count, 2);
	assert_string_equal(c->zones[0].domain.text, "example.com.");
	assert_string_equal(c->zones[0].file, "/etc/anyns/zones/example.com.zone");
	assert_int_equal(c->zones[0].line, 10);
	assert_string_equal(c->zones[1].domain.text, ".");
	assert_string_equal(c->zones[1].file, "/abs/root.zone");
	conf_free(c);
}

static void test_text_identity(void **state)
{
	(void)state;
	struct conf *c = load_ok(HEAD "  identity: fra1\n");
	assert_string_equal(c->identity, "fra1");
	assert_int_equal(c->nsid_len, 4);
	assert_memory_equal(c->nsid, "fra1", 4);
	conf_free(c);
	c = load_ok(HEAD "  identity: \"\"\n");
	assert_null(c->identity);
	assert_int_equal(c->nsid_len, 0);
	conf_free(c);
}

/* Every default in the table parses, and the reference file is current. */
static void test_reference(void **state)
{
	(void)state;
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	assert_non_null(mem);
	conf_schema_print_reference(mem);
	fclose(mem);
	FILE *f = fopen("doc/config.md", "rb");
	if (!f)
		fail_msg("doc/config.md not found: run from the repository root");
	char *file = calloc(1, len + 2);
	size_t n = fread(file, 1, len + 1, f);
	fclose(f);
	if (n != len || memcmp(file, text, len) != 0)
		fail_msg("doc/config.md is out of date: build/anynsd --config-reference > doc/config.md");
	free(file);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_text_identity),
		cmocka_unit_test(test_reference),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
