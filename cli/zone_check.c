/* SPDX-License-Identifier: MIT */
/*
 * anyns zone-check [-o ORIGIN] [--print] FILE
 *
 * Loads FILE exactly as anynsd does (ans_zone_load: parse, build, check)
 * and reports like a compiler, `FILE:LINE: error: ...`, then a summary as
 * named-checkzone prints it: `zone example.com/IN: loaded serial N` and
 * `OK`, or `zone example.com/IN: not loaded due to errors.`.
 * Exit status: 0 good zone, 1 bad or unreadable zone (as named-checkzone),
 * 2 usage error.
 *
 * Without -o the origin is guessed: a leading $ORIGIN, else the owner of
 * the first record when it is absolute, else the file name without its
 * directory and a trailing ".zone" or ".db".
 *
 * --print writes the zone to stdout in canonical form: names in RFC 4034
 * §6.1 order, types ascending, absolute names, one RR per line
 * `owner TTL IN TYPE rdata`; diagnostics and summary then go to stderr.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "lib/wire/rdata.h"
#include "lib/xfr/changeset.h"
#include "lib/zone/parser.h"

#define RDATA_TEXT_MAX (256 * 1024)

static const char *level_text(enum ans_diag_level level)
{
	switch (level) {
	case ANS_DIAG_ERROR: return "error";
	case ANS_DIAG_WARNING: return "warning";
	default: return "note";
	}
}

static void print_diag(void *ctx, enum ans_diag_level level, const char *file,
		       unsigned line, const char *msg)
{
	(void)ctx;
	if (file && line)
		fprintf(stderr, "%s:%u: %s: %s\n", file, line, level_text(level), msg);
	else if (file)
		fprintf(stderr, "%s: %s: %s\n", file, level_text(level), msg);
	else
		fprintf(stderr, "%s: %s\n", level_text(level), msg);
}

/* First word of the first meaningful line, or of its $ORIGIN. */
static bool origin_from_file(const char *path, char *out, size_t size)
{
	FILE *f = fopen(path, "r");
	char line[1024], word[512];
	bool found = false;
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == ';' || line[0] == '\n' || line[0] == '\r')
			continue;
		if (line[0] == ' ' || line[0] == '\t')
			break;  /* owner omitted: nothing to learn */
		if (strncasecmp(line, "$TTL", 4) == 0)
			continue;
		const char *w = line;
		if (strncasecmp(line, "$ORIGIN", 7) == 0)
			w = line + 7;
		if (sscanf(w, "%511s", word) == 1 && word[0] != '$' &&
		    strlen(word) > 1 && word[strlen(word) - 1] == '.') {
			snprintf(out, size, "%s", word);
			found = true;
		}
		break;
	}
	fclose(f);
	return found;
}

static void origin_from_name(const char *path, char *out, size_t size)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t len = strlen(base);
	if (len > 5 && strcmp(base + len - 5, ".zone") == 0)
		len -= 5;
	else if (len > 3 && strcmp(base + len - 3, ".db") == 0)
		len -= 3;
	snprintf(out, size, "%.*s", (int)len, base);
}

/* One line per RR, each with its own TTL: a node's RRSIGs carry the TTLs
 * of the RRsets they cover (RFC 4034 §3), which the walk gives. */
static int print_rrset(const struct ans_node *n, const struct ans_rrset *rs, char *text)
{
	char name[ANS_NAME_TEXT_MAX], type[16];
	if (ans_name_to_text(n->owner, name, sizeof(name)) < 0 ||
	    ans_rrtype_to_text(rs->type, type, sizeof(type)) < 0)
		return ANS_ESPACE;
	struct ans_rrset_walk w;
	struct ans_xfr_rr rr;
	ans_rrset_walk_init(&w, n, rs);
	while (ans_rrset_walk_next(&w, &rr)) {
		int rc = ans_rdata_to_text(rr.type, rr.rdata, rr.rdlen, text, RDATA_TEXT_MAX);
		if (rc < 0)
			return rc;
		printf("%s %u IN %s %s\n", name, rr.ttl, type, text);
	}
	return ANS_OK;
}

static int print_zone(const struct ans_zone *z)
{
	char *text = malloc(RDATA_TEXT_MAX);
	int rc = text ? ANS_OK : ANS_ENOMEM;
	for (size_t i = 0; rc == ANS_OK && i < z->node_count; i++) {
		const struct ans_node *n = &z->nodes[i];
		for (uint16_t k = 0; rc == ANS_OK && k < n->rrset_count; k++)
			rc = print_rrset(n, &n->rrsets[k], text);
	}
	free(text);
	return rc;
}

struct opts {
	const char *origin;
	const char *file;
	bool print;
};

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "origin", required_argument, NULL, 'o' },
		{ "print", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	optind = 0;
	while ((c = getopt_long(argc, argv, "+o:ph", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': o->origin = optarg; break;
		case 'p': o->print = true; break;
		case 'h':
			printf("usage: anyns zone-check [-o ORIGIN] [--print] FILE\n");
			return 0;
		default:
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: anyns zone-check [-o ORIGIN] [--print] FILE\n");
		return 2;
	}
	o->file = argv[optind];
	return -1;
}

int ans_cli_zone_check(int argc, char **argv)
{
	struct opts o = { 0 };
	int code = parse_opts(argc, argv, &o);
	if (code >= 0)
		return code;
	char text[ANS_NAME_TEXT_MAX];
	if (o.origin)
		snprintf(text, sizeof(text), "%s", o.origin);
	else if (!origin_from_file(o.file, text, sizeof(text)))
		origin_from_name(o.file, text, sizeof(text));
	uint8_t origin[ANS_NAME_MAX];
	size_t len;
	if (ans_name_from_text(origin, &len, text, strlen(text), ans_name_root) != ANS_OK) {
		fprintf(stderr, "anyns zone-check: bad origin '%s'\n", text);
		return 2;
	}
	char shown[ANS_NAME_TEXT_MAX];
	if (ans_name_to_text(origin, shown, sizeof(shown)) < 0)
		return 2;
	if (len > 1)
		shown[strlen(shown) - 1] = '\0';  /* named-checkzone shows no final dot */
	struct ans_diag diag = { .fn = print_diag };
	struct ans_zone *z = NULL;
	int rc = ans_zone_load(o.file, origin, &diag, &z);
	FILE *out = o.print ? stderr : stdout;
	if (rc != ANS_OK) {
		fprintf(out, "zone %s/IN: not loaded due to errors.\n", shown);
		return 1;
	}
	fprintf(out, "zone %s/IN: loaded serial %u\n", shown, z->serial);
	if (o.print && print_zone(z) != ANS_OK) {
		fprintf(stderr, "anyns zone-check: cannot print the zone\n");
		rc = 1;
	}
	fflush(stdout);
	ans_zone_free(z);
	if (rc == ANS_OK)
		fprintf(out, "OK\n");
	return rc == ANS_OK ? 0 : 1;
}
