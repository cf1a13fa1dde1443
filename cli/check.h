/* SPDX-License-Identifier: MIT */
/*
 * `anyns check`: the pieces shared by cli/check*.c and their unit tests.
 * check_conf.c reads the command line and the -c file into struct
 * check_conf; check.c asks the servers; check_report.c decides each node's
 * status and prints the table or the JSON. Program code; not thread-safe.
 */
#ifndef ANS_CLI_CHECK_H
#define ANS_CLI_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli/dnsclient.h"
#include "lib/conf/schema.h"
#include "lib/name/name.h"
#include "lib/wire/tsig.h"
#include "lib/xfr/zonemd.h"

#define CHECK_NAME_MAX 64
#define CHECK_ADDR_MAX 64
#define CHECK_TIMEOUT_DEFAULT_MS 2000

/* A server to ask: a fleet node, the primary, or a provider's name server. */
struct check_server {
	char name[CHECK_NAME_MAX];      /* node name = expected NSID; may be "" */
	char address[CHECK_ADDR_MAX];   /* as written: ADDR@PORT */
	struct dc_addr addr;
};

struct check_conf {
	bool has_primary;
	struct check_server primary;
	struct check_server *nodes;
	size_t node_count;
	struct check_server *providers;
	size_t provider_count;
	uint8_t (*zones)[ANS_NAME_MAX];
	size_t zone_count;
	bool has_key;
	struct ans_tsig_key key;
	bool is_json, want_content;
	int timeout_ms;
};

/* Frees what the configuration holds and empties it. */
void check_conf_free(struct check_conf *c);

/* Parses "NAME=ADDR@PORT" (or "ADDR@PORT" when allow_bare: then the name
 * is the address) into s. Errors: ANS_ESYNTAX, ANS_ELIMIT. */
int check_server_parse(struct check_server *s, const char *text, bool allow_bare) ANS_WUR;

/* Adds a server from "NAME=ADDR@PORT" (or "ADDR@PORT" when allow_bare).
 * Errors: ANS_ESYNTAX, ANS_ELIMIT (name or address too long), ANS_ENOMEM. */
int check_conf_add_server(struct check_server **list, size_t *count,
			  const char *text, bool allow_bare) ANS_WUR;

/* Adds a zone by its name in text. Errors: those of ans_name_from_text,
 * ANS_ENOMEM. */
int check_conf_add_zone(struct check_conf *c, const char *text) ANS_WUR;

/* The -c file as the schema walk fills it (cli/check_schema.c, read by
 * lib/conf); check_conf_load_text() adds it to a struct check_conf. */
struct check_file_top {
	struct ans_conf_addr primary;       /* len 0: not written */
	struct ans_conf_str_list zones;
	struct ans_conf_str_list providers;
	int64_t timeout_ms;                 /* 0: not written */
};

struct check_file_node {
	const char *name;
	struct ans_conf_addr address;
	unsigned line;
};

struct check_file_key {
	const char *id, *algorithm, *secret;  /* id NULL: no key written */
};

struct check_file {
	struct check_file_top top;
	struct check_file_node *nodes;
	size_t node_count;
	struct check_file_key key;
};

extern const struct ans_conf_schema check_file_schema;

/* Prints the -c file's reference (markdown) from the schema table: what
 * `anyns check --config-reference` prints, and doc/check.md carries. */
void check_conf_print_reference(FILE *out);

/* Reads the YAML of a -c file (text of len bytes, `name` for messages) into c,
 * adding to what is there. On error `why` holds "name:line: what" in
 * lib/conf's wording. Errors: ANS_ECONFIG, ANS_ENOMEM. */
int check_conf_load_text(struct check_conf *c, const char *name, const char *text,
			 size_t len, char *why, size_t why_size) ANS_WUR;

/* What check_conf_from_args() returns besides ANS_OK and errors: a request
 * that needs no fleet (the caller prints the text and exits 0). */
enum {
	CHECK_ARGS_HELP = 1,        /* -h, --help */
	CHECK_ARGS_REFERENCE = 2,   /* --config-reference */
};

/* Parses argv (argv[0] the subcommand) into c. On error `why` says what.
 * Errors: ANS_ECONFIG (usage), ANS_ENOMEM; CHECK_ARGS_HELP or
 * CHECK_ARGS_REFERENCE when one of those options is given. */
int check_conf_from_args(struct check_conf *c, int argc, char **argv,
			 char *why, size_t why_size) ANS_WUR;

enum check_status {
	CHECK_OK,
	CHECK_LAGGING,
	CHECK_UNREACHABLE,
	CHECK_IDENTITY_MISMATCH,
	CHECK_ERROR,
	CHECK_CONTENT_MISMATCH,
};

const char *check_status_name(enum check_status s);

/* One node's row in the report. */
struct check_row {
	const struct check_server *server;
	struct dc_answer ans;
	enum check_status status;
	char detail[160];               /* why, for anything but ok; "" else */
	int64_t behind;                 /* primary - node, RFC 1982; <0 ahead */
	bool has_digest;
	uint8_t digest[ANS_ZONEMD_DIGEST_MAX];
	size_t digest_len;
};

struct check_zone_report {
	const uint8_t *zone;
	bool has_primary_serial;
	uint32_t primary_serial;
	char primary_error[256];        /* "" when the primary answered well */
	bool has_primary_digest;
	uint8_t primary_digest[ANS_ZONEMD_DIGEST_MAX];
	size_t primary_digest_len;
	struct check_row *rows;
	size_t row_count;
};

/* Decides a row's status from its answer and the primary's serial (RFC 1982
 * comparison), in this order: unreachable, error (RCODE, not authoritative,
 * no SOA, serial newer than the primary's), identity-mismatch (NSID absent
 * or not the node's name, byte for byte), lagging. Fills status, detail,
 * behind. The content comparison is check_row_content(). */
void check_row_decide(struct check_row *r, bool has_primary_serial,
		      uint32_t primary_serial);

/* Compares a row's digest with the primary's: content-mismatch if they
 * differ. Only rows that are ok are compared. */
void check_row_content(struct check_row *r, const struct check_zone_report *z);

/* The answer's NSID as text: printable ASCII as is, otherwise "0x" and hex
 * (as Knot's server.nsid writes it). buf needs 2 * DC_NSID_MAX + 3 bytes. */
void check_nsid_text(const struct dc_answer *a, char *buf, size_t size);

/* Prints the report of the zones, as a table or as one JSON document. */
void check_print_table(FILE *out, const struct check_zone_report *z, size_t n);
void check_print_json(FILE *out, const struct check_zone_report *z, size_t n);

/* --providers: one zone across providers' name servers. */
struct check_provider_report {
	const uint8_t *zone;
	struct check_row *rows;         /* one per provider; status ok/error/unreachable */
	size_t row_count;
	char (*diffs)[16];              /* fields that differ */
	size_t diff_count;
};

/* Fills rows' status (unreachable, error, ok) and the list of fields that
 * differ among the answering providers. Errors: ANS_ENOMEM. */
int check_providers_compare(struct check_provider_report *p) ANS_WUR;

void check_print_providers_table(FILE *out, const struct check_provider_report *p, size_t n);
void check_print_providers_json(FILE *out, const struct check_provider_report *p, size_t n);

/* JSON string with escapes (RFC 8259 §7). */
void check_json_string(FILE *out, const char *s);

#endif
