/* SPDX-License-Identifier: MIT */
/*
 * The shared configuration walk (lib/conf/schema.h) on a small schema of
 * its own, table-driven: each document with the exact message it gives
 * (or none), in the strict, lenient and healthd-style modes; the values a
 * good document and the defaults give; and the generated reference.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/conf/schema.h"

struct t_main {
	int64_t count, wait_ms, size;
	bool on;
	int color;
	struct ans_conf_addr addr;
	const char *path, *name;
	struct ans_conf_addr_list listen;
	struct ans_conf_str_list tags, seq;
};

struct t_item {
	struct ans_conf_dname domain;
	const char *note;
	unsigned line;
};

struct t_root {
	struct t_main main;
	struct t_item *items;
	size_t item_count;
};

static bool check_name(const char *v, char *why, size_t size)
{
	if (strlen(v) <= 4)
		return true;
	snprintf(why, size, "at most 4 characters");
	return false;
}

static const char *const colors[] = { "red", "green", NULL };

static const struct ans_conf_section sections[] = {
	{ .name = "main", .offset = offsetof(struct t_root, main),
	  .item_size = sizeof(struct t_main), .line_offset = SIZE_MAX,
	  .flags = ANS_CONF_REQUIRED, .doc = "The main map." },
	{ .name = "item", .is_list = true, .offset = offsetof(struct t_root, items),
	  .count_offset = offsetof(struct t_root, item_count),
	  .item_size = sizeof(struct t_item), .line_offset = offsetof(struct t_item, line),
	  .doc = "Items." },
};

#define M(f) offsetof(struct t_main, f)
static const struct ans_conf_option options[] = {
	{ "main", "count", ANS_CONF_INT, 1, 10, .offset = M(count), .def = "3",
	  .flags = ANS_CONF_REQUIRED, .doc = "A count." },
	{ "main", "wait", ANS_CONF_DURATION, 1000, 3600000, .offset = M(wait_ms),
	  .def = "10s", .doc = "A wait." },
	{ "main", "size", ANS_CONF_SIZE, 1024, 1 << 30, .offset = M(size), .def = "4k",
	  .doc = "A size." },
	{ "main", "on", ANS_CONF_BOOL, .offset = M(on), .def = "true", .doc = "A switch." },
	{ "main", "color", ANS_CONF_ENUM, .enum_values = colors, .offset = M(color),
	  .def = "green", .doc = "A color." },
	{ "main", "addr", ANS_CONF_ADDR, .offset = M(addr), .doc = "An address." },
	{ "main", "path", ANS_CONF_PATH, .offset = M(path), .def_doc = "computed",
	  .doc = "A path." },
	{ "main", "name", ANS_CONF_STR, .offset = M(name), .check = check_name,
	  .doc = "A name." },
	{ "main", "listen", ANS_CONF_ADDR_LIST, .offset = M(listen), .doc = "Addresses." },
	{ "main", "tags", ANS_CONF_STR_LIST, .offset = M(tags), .doc = "Tags." },
	{ "main", "seq", ANS_CONF_SEQ, .offset = M(seq), .doc = "A strict list." },
	{ "item", "domain", ANS_CONF_DNAME, .offset = offsetof(struct t_item, domain),
	  .flags = ANS_CONF_REQUIRED | ANS_CONF_IS_KEY, .doc = "Key." },
	{ "item", "note", ANS_CONF_STR, .offset = offsetof(struct t_item, note),
	  .doc = "Note." },
};

static struct ans_conf_schema schema(unsigned flags)
{
	return (struct ans_conf_schema){ sections, 2, options,
					 sizeof(options) / sizeof(options[0]), flags };
}

/* Loads `text`; returns the rc and leaves the message in `err`. */
static int load(unsigned flags, const char *text, struct t_root *root,
		struct ans_arena *a, char *err, size_t size)
{
	struct ans_conf_schema s = schema(flags);
	struct ans_conf_errbuf eb = { .buf = err, .size = size };
	struct ans_diag d = { .fn = ans_conf_errbuf_fn, .ctx = &eb };
	struct ans_conf_input in = { .name = "t.yaml", .base_dir = "/etc", .arena = a,
				     .diag = &d };
	err[0] = '\0';
	memset(root, 0, sizeof(*root));
	int rc = ans_conf_load(&s, &in, text, strlen(text), root);
	if (rc == ANS_ECONFIG && d.errors != 1)
		fail_msg("%u errors reported for one failure", d.errors);
	return rc;
}

#define STRICT 0
#define LENIENT ANS_CONF_LENIENT
#define HD (ANS_CONF_RANGE_MS | ANS_CONF_YAML_SHORT)
#define MAIN "main:\n  count: 2\n"

static const struct { unsigned flags; const char *text, *message; } cases[] = {
	{ STRICT, MAIN, NULL },
	{ STRICT, "main: [\n", "t.yaml:2: YAML syntax error, did not find expected node content while parsing a flow node" },
	{ HD, "main: [\n", "t.yaml:2: YAML: did not find expected node content" },
	{ STRICT, "- a\n", "t.yaml:1: expected a map of sections (main, item)" },
	{ STRICT, "", "t.yaml:1: main: missing (required)" },
	{ STRICT, "item: []\n", "t.yaml:1: main: missing (required)" },
	{ STRICT, "main: {}\n", "t.yaml:1: main.count: missing (required)" },
	{ STRICT, MAIN "other: 1\n", "t.yaml:3: other: unknown section" },
	{ LENIENT, MAIN "other: 1\n", NULL },
	{ STRICT, MAIN "  colour: red\n", "t.yaml:3: main.colour: unknown option" },
	{ LENIENT, MAIN "  colour: red\n", NULL },
	{ LENIENT, MAIN "  count: 5\n", "t.yaml:3: main.count: duplicate option (first at line 2)" },
	{ STRICT, MAIN "main: {}\n", "t.yaml:3: main: duplicate section (first at line 1)" },
	{ STRICT, "main: 3\n", "t.yaml:1: main: expected a map of options" },
	{ STRICT, "main:\n  count: 11\n", "t.yaml:2: main.count: expected an integer 1..10, got '11'" },
	{ STRICT, "main:\n  count: [ 1 ]\n", "t.yaml:2: main.count: expected an integer 1..10, got a list" },
	{ STRICT, "main:\n  count: { a: 1 }\n", "t.yaml:2: main.count: expected an integer 1..10, got a map" },
	{ STRICT, MAIN "  wait: 0s\n", "t.yaml:3: main.wait: expected a duration 1s..1h, got '0s'" },
	{ HD, MAIN "  wait: 2h\n", "t.yaml:3: main.wait: expected a duration 1000ms..3600000ms, got '2h'" },
	{ STRICT, MAIN "  size: 1G\n", NULL },
	{ STRICT, MAIN "  size: 2G\n", "t.yaml:3: main.size: expected a size 1024..1073741824, got '2G'" },
	{ STRICT, MAIN "  on: maybe\n", "t.yaml:3: main.on: expected true or false, got 'maybe'" },
	{ STRICT, MAIN "  color: blue\n", "t.yaml:3: main.color: expected one of red, green, got 'blue'" },
	{ STRICT, MAIN "  addr: 1.2.3.4@x\n", "t.yaml:3: main.addr: expected an address ADDR[@PORT], got '1.2.3.4@x'" },
	{ STRICT, MAIN "  path: \"\"\n", "t.yaml:3: main.path: expected a path, got ''" },
	{ STRICT, MAIN "  name: toolong\n", "t.yaml:3: main.name: expected at most 4 characters, got 'toolong'" },
	{ STRICT, MAIN "  listen: []\n", "t.yaml:3: main.listen: expected at least one address, got an empty list" },
	{ STRICT, MAIN "  listen: [ \"::1\", \"::1@53\" ]\n", "t.yaml:3: main.listen: duplicate address '::1@53'" },
	{ STRICT, MAIN "  tags: [ a, b, a ]\n", "t.yaml:3: main.tags: duplicate 'a'" },
	{ STRICT, MAIN "  tags: []\n", NULL },
	{ STRICT, MAIN "  seq: one\n", "t.yaml:3: main.seq: expected a list of strings" },
	{ STRICT, MAIN "  seq: [ a, [ b ] ]\n", "t.yaml:3: main.seq: expected a string" },
	{ STRICT, MAIN "item: { domain: a }\n", "t.yaml:3: item: expected a list of entries" },
	{ STRICT, MAIN "item:\n  - a\n", "t.yaml:4: item: expected a map of options" },
	{ STRICT, MAIN "item:\n  - note: x\n", "t.yaml:4: item.domain: missing (required)" },
	{ STRICT, MAIN "item:\n  - domain: a.\n  - domain: B\n  - domain: A\n",
	  "t.yaml:6: item.domain: duplicate 'a.' (first at line 4)" },
};

static void test_messages(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ans_arena a;
		struct t_root root;
		char err[512];
		ans_arena_init(&a, 0);
		int rc = load(cases[i].flags, cases[i].text, &root, &a, err, sizeof(err));
		const char *want = cases[i].message;
		if (want ? rc != ANS_ECONFIG || strcmp(err, want) != 0 : rc != ANS_OK)
			fail_msg("case %zu: rc %d\n  got:  %s\n  want: %s", i, rc, err,
				 want ? want : "(success)");
		ans_arena_free(&a);
	}
}

static void test_values(void **state)
{
	(void)state;
	struct ans_arena a;
	struct t_root r;
	char err[512];
	ans_arena_init(&a, 0);
	const char *text = "item:\n  - { domain: Example.COM, note: hi }\n  - domain: b\n"
		"main:\n  count: 7\n  wait: 2500ms\n  on: off\n  color: red\n"
		"  addr: 192.0.2.1\n  path: data\n  listen: \"::1@5300\"\n"
		"  tags: solo\n  seq: [ x, y ]\n";
	if (load(STRICT, text, &r, &a, err, sizeof(err)) != ANS_OK)
		fail_msg("%s", err);
	assert_int_equal(r.main.count, 7);
	assert_int_equal(r.main.wait_ms, 2500);
	assert_int_equal(r.main.size, 4096);          /* default */
	assert_false(r.main.on);
	assert_int_equal(r.main.color, 0);
	assert_string_equal(r.main.addr.text, "192.0.2.1@53");
	assert_string_equal(r.main.path, "/etc/data");
	assert_int_equal(r.main.listen.count, 1);
	assert_string_equal(r.main.listen.items[0].text, "::1@5300");
	assert_int_equal(r.main.tags.count, 1);
	assert_string_equal(r.main.tags.items[0], "solo");
	assert_int_equal(r.main.seq.count, 2);
	assert_string_equal(r.main.seq.items[1], "y");
	assert_int_equal(r.item_count, 2);
	assert_string_equal(r.items[0].domain.text, "example.com.");
	assert_string_equal(r.items[0].note, "hi");
	assert_int_equal(r.items[0].line, 2);
	assert_int_equal(r.items[1].line, 3);
	ans_arena_free(&a);
}

/* The exact markdown of a two-option excerpt of the reference. */
static void test_reference(void **state)
{
	(void)state;
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	struct ans_conf_schema s = schema(STRICT);
	ans_conf_print_reference(&s, "# intro\n\n", mem);
	fclose(mem);
	const char *head = "# intro\n\n## main\n\nThe main map.\n\n"
		"### main.count\n\nA count.\n\n- Value: an integer 1..10\n- Required\n\n"
		"### main.wait\n\nA wait.\n\n- Value: a duration 1s..1h\n"
		"- Default: `10s`\n\n";
	assert_true(len > strlen(head) && strncmp(text, head, strlen(head)) == 0);
	assert_non_null(strstr(text, "### main.path\n\nA path.\n\n- Value: a path\n"
			       "- Default: computed\n\n"));
	assert_non_null(strstr(text, "### main.addr\n\nAn address.\n\n- Value: an address "
			       "ADDR[@PORT]\n- Default: none\n\n"));
	assert_non_null(strstr(text, "## item\n\nItems.\n\n### item.domain\n"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_reference),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
