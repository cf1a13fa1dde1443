/* SPDX-License-Identifier: MIT */
/*
 * DOC: the schema of the `anyns check -c` file
 *
 * One row per option, read by the shared engine (lib/conf/schema.h) as
 * anynsd's and anyns-healthd's tables are: the engine walks the YAML into
 * struct check_file (cli/check.h), and check_conf_load_text() (check_conf.c)
 * adds that to the command line's struct check_conf. The file keeps the
 * shape of the command line, so `primary`, `zones`, `providers` and
 * `timeout-ms` sit at the top level (the ANS_CONF_IS_ROOT section "check"),
 * beside the `nodes` list and the optional `key` block.
 *
 * Values are checked here, row by row, with the same parsers the command
 * line uses (a zone name as ans_name_from_text reads it, a TSIG key as
 * ans_tsig_key_init reads it), so every mistake in the file is reported by
 * the walk with its line. `anyns check --config-reference` prints the
 * reference from this table; doc/check.md carries it, and
 * tests/unit/cli/test_check_conf.c checks that it is current.
 */
#include <string.h>

#include "cli/check.h"

/* A node's name is what its NSID must say; it is kept in a fixed array. */
static bool check_node_name(const char *v, char *why, size_t why_size)
{
	size_t len = strlen(v);
	if (len > 0 && len < CHECK_NAME_MAX)
		return true;
	snprintf(why, why_size, "a name of 1..%d characters", CHECK_NAME_MAX - 1);
	return false;
}

static bool check_zone(const char *v, char *why, size_t why_size)
{
	uint8_t name[ANS_NAME_MAX];
	size_t len;
	if (*v && ans_name_from_text(name, &len, v, strlen(v), ans_name_root) == ANS_OK)
		return true;
	snprintf(why, why_size, "a domain name");
	return false;
}

/* --providers' syntax: "NAME=ADDR@PORT" or "ADDR@PORT". */
static bool check_provider(const char *v, char *why, size_t why_size)
{
	struct check_server s;
	if (check_server_parse(&s, v, true) == ANS_OK)
		return true;
	snprintf(why, why_size, "[NAME=]ADDR[@PORT]");
	return false;
}

static bool check_key_id(const char *v, char *why, size_t why_size)
{
	uint8_t name[ANS_NAME_MAX];
	size_t len;
	if (*v && ans_name_from_text(name, &len, v, strlen(v), ans_name_root) == ANS_OK)
		return true;
	snprintf(why, why_size, "a key name (a domain name)");
	return false;
}

static bool check_key_algorithm(const char *v, char *why, size_t why_size)
{
	enum ans_tsig_alg alg;
	if (ans_tsig_alg_from_text(v, &alg) == ANS_OK)
		return true;
	snprintf(why, why_size, "hmac-sha1, hmac-sha224, hmac-sha256, hmac-sha384, "
		 "hmac-sha512 or hmac-md5");
	return false;
}

/* The secret alone, through the one base64 reader TSIG keys have. */
static bool check_key_secret(const char *v, char *why, size_t why_size)
{
	struct ans_tsig_key key;
	const char *kwhy = NULL;
	if (ans_tsig_key_init(&key, "k", "hmac-sha256", v, &kwhy) == ANS_OK)
		return true;
	snprintf(why, why_size, "a base64 secret (%s)", kwhy ? kwhy : "bad secret");
	return false;
}

static const struct ans_conf_section sections[] = {
	{ .name = "check", .offset = offsetof(struct check_file, top),
	  .item_size = sizeof(struct check_file_top), .line_offset = SIZE_MAX,
	  .flags = ANS_CONF_IS_ROOT,
	  .doc = "Options written at the top level of the file. None is required "
		 "by the file itself: the file and the command line together must "
		 "name the zones and either a primary and nodes, or providers." },
	{ .name = "nodes", .is_list = true, .offset = offsetof(struct check_file, nodes),
	  .count_offset = offsetof(struct check_file, node_count),
	  .item_size = sizeof(struct check_file_node),
	  .line_offset = offsetof(struct check_file_node, line),
	  .doc = "The fleet's nodes, asked over their unicast addresses; appended "
		 "to the `--node` options. A YAML list of maps. A name may repeat "
		 "(one node reached over IPv4 and IPv6 has one NSID)." },
	{ .name = "key", .offset = offsetof(struct check_file, key),
	  .item_size = sizeof(struct check_file_key), .line_offset = SIZE_MAX,
	  .flags = ANS_CONF_IF_WRITTEN,
	  .doc = "The TSIG key (RFC 8945) that signs `--content` transfers, as "
		 "`--key` gives it; at most one key, in the file or on the command "
		 "line." },
};

#define TOP(f) offsetof(struct check_file_top, f)
#define NODE(f) offsetof(struct check_file_node, f)
#define KEY(f) offsetof(struct check_file_key, f)

static const struct ans_conf_option options[] = {
	{ "check", "primary", ANS_CONF_ADDR, .offset = TOP(primary),
	  .doc = "The hidden primary, as `--primary`: its SOA serial (and with "
		 "`--content`, its zone) is the reference. Given once, in the file "
		 "or on the command line." },
	{ "check", "zones", ANS_CONF_SEQ, .offset = TOP(zones), .check = check_zone,
	  .doc = "Zone names to check, appended to those on the command line." },
	{ "check", "providers", ANS_CONF_SEQ, .offset = TOP(providers),
	  .check = check_provider,
	  .doc = "`--providers` mode: name servers of the providers serving the "
		 "zones, each `[NAME=]ADDR[@PORT]`." },
	{ "check", "timeout-ms", ANS_CONF_INT, 1, 600000, .offset = TOP(timeout_ms),
	  .def_doc = "2000, or `--timeout-ms`",
	  .doc = "How long to wait for answers, in milliseconds, as `--timeout-ms`; "
		 "whichever is given last wins." },

	{ "nodes", "name", ANS_CONF_STR, .offset = NODE(name), .check = check_node_name,
	  .flags = ANS_CONF_REQUIRED,
	  .doc = "The node's name: what its NSID must say (anynsd `server.identity`)." },
	{ "nodes", "address", ANS_CONF_ADDR, .offset = NODE(address),
	  .flags = ANS_CONF_REQUIRED, .doc = "The node's unicast management address." },

	{ "key", "id", ANS_CONF_STR, .offset = KEY(id), .check = check_key_id,
	  .flags = ANS_CONF_REQUIRED,
	  .doc = "The key's name, as the servers know it." },
	{ "key", "algorithm", ANS_CONF_STR, .offset = KEY(algorithm),
	  .check = check_key_algorithm, .flags = ANS_CONF_REQUIRED,
	  .doc = "The HMAC algorithm (RFC 8945 §6), e.g. hmac-sha256." },
	{ "key", "secret", ANS_CONF_STR, .offset = KEY(secret), .check = check_key_secret,
	  .flags = ANS_CONF_REQUIRED, .doc = "The shared secret, base64." },
};

const struct ans_conf_schema check_file_schema = {
	.sections = sections,
	.section_count = sizeof(sections) / sizeof(sections[0]),
	.options = options,
	.option_count = sizeof(options) / sizeof(options[0]),
};

void check_conf_print_reference(FILE *out)
{
	ans_conf_print_reference(&check_file_schema,
		"<!-- Generated by `anyns check --config-reference` from "
		"cli/check_schema.c; do not edit by hand. -->\n"
		"## The -c file: reference\n\n"
		"YAML. Addresses are written `ADDR@PORT` (IPv4 or IPv6, port 53 when "
		"omitted). Unknown options and sections are errors, reported as "
		"`FILE:LINE: option: what was expected, got 'x'`.\n\n", out);
}
