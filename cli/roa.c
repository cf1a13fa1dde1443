/* SPDX-License-Identifier: MIT */
/*
 * anyns roa: RPKI route origin validation (RFC 6811) of the prefixes a node
 * announces, against a VRP export (rpki-client JSON, Routinator JSON, CSV).
 *
 *   anyns roa --vrps FILE --prefix PREFIX --origin ASN [--json]
 *   anyns roa --vrps FILE -c healthd.yaml [--json]
 *
 * The config shape read by -c (the anyns-healthd config; other top-level
 * keys are ignored):   announce: { asn: 65001, prefixes: [ "203.0.113.0/24" ] }
 *
 * Output: per prefix, a line starting with the state (valid, invalid,
 * not-found), then one line per covering VRP with why it does or does not
 * match, then `warning:` lines (RFC 9319 loose maxLength). Exit 0 when every
 * prefix is valid, 1 otherwise, 2 for usage errors and unreadable input.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "cli/cli.h"
#include "cli/vrp.h"

#define ROA_MAX_HITS 256
#define ROA_MAX_PREFIXES 4096
#define ROA_MAX_FILE_BYTES ((size_t)1 << 31)

struct announce {
	struct ans_prefix prefix;
	uint32_t asn;
};

struct roa_opts {
	const char *vrps;
	const char *prefix;
	const char *origin;
	const char *config;
	bool is_json;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: anyns roa --vrps FILE --prefix PREFIX --origin ASN [--json]\n"
		"       anyns roa --vrps FILE -c HEALTHD.yaml [--json]\n"
		"Validates route origins against RPKI VRPs (RFC 6811). FILE is an\n"
		"rpki-client or Routinator JSON export, or CSV with the header\n"
		"ASN,IP Prefix,Max Length,Trust Anchor[,Expires].\n"
		"Exit 0: all valid; 1: some invalid or not-found; 2: error.\n");
}

static void print_diag(void *ctx, enum ans_diag_level level, const char *file,
		       unsigned line, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "anyns roa: %s%s:%u: %s\n",
		level == ANS_DIAG_ERROR ? "" : "warning: ",
		file ? file : "-", line, msg);
}

/* Reads a whole file into a malloc'd buffer. */
static int read_file(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "anyns roa: %s: %s\n", path, strerror(errno));
		return ANS_EIO;
	}
	struct stat st;
	char *buf = NULL;
	int rc = ANS_EIO;
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size > ROA_MAX_FILE_BYTES) {
		fprintf(stderr, "anyns roa: %s: not a regular file under 2 GiB\n", path);
		goto out;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		fprintf(stderr, "anyns roa: %s: out of memory\n", path);
		goto out;
	}
	size_t got = fread(buf, 1, (size_t)st.st_size, f);
	if (got != (size_t)st.st_size || ferror(f)) {
		fprintf(stderr, "anyns roa: %s: read error\n", path);
		free(buf);
		buf = NULL;
		goto out;
	}
	buf[got] = '\0';
	*out = buf;
	*len = got;
	rc = ANS_OK;
out:
	fclose(f);
	return rc;
}

static int load_vrps(const char *path, struct ans_vrp_set *set)
{
	char *buf;
	size_t len;
	if (read_file(path, &buf, &len))
		return ANS_EIO;
	struct ans_diag diag = { .fn = print_diag };
	int rc = ans_vrp_load(set, buf, len, path, &diag);
	if (rc && diag.errors == 0)
		fprintf(stderr, "anyns roa: %s: %s\n", path, ans_strerror(rc));
	free(buf);
	return rc;
}

/* Parses a route prefix given by the user: on the command line (file NULL)
 * or at file:line of the config. */
static int parse_route(const char *text, const char *file, size_t line,
		       struct ans_prefix *p)
{
	int rc = ans_prefix_parse(text, p);
	if (rc == 0)
		return ANS_OK;
	if (file)
		fprintf(stderr, "anyns roa: %s:%zu: prefix", file, line);
	else
		fprintf(stderr, "anyns roa: --prefix");
	if (rc == ANS_EMALF)
		fprintf(stderr, " \"%s\": host bits set beyond the prefix "
			"length\n", text);
	else
		fprintf(stderr, " \"%s\": expected an IPv4 or IPv6 prefix such "
			"as 203.0.113.0/24\n", text);
	return rc;
}

/* ---- -c: the announce section of the healthd config ------------------- */

static yaml_node_t *map_get(yaml_document_t *doc, yaml_node_t *map,
			    const char *key)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(doc, p->key);
		if (k && k->type == YAML_SCALAR_NODE &&
		    strcmp((const char *)k->data.scalar.value, key) == 0)
			return yaml_document_get_node(doc, p->value);
	}
	return NULL;
}

static int config_error(const char *path, const yaml_node_t *n, const char *msg)
{
	fprintf(stderr, "anyns roa: %s:%zu: %s\n", path,
		n ? n->start_mark.line + 1 : (size_t)1, msg);
	return ANS_ECONFIG;
}

static int config_prefixes(const char *path, yaml_document_t *doc,
			   yaml_node_t *seq, uint32_t asn, struct announce *out,
			   size_t *count)
{
	if (!seq || seq->type != YAML_SEQUENCE_NODE)
		return config_error(path, seq, "announce.prefixes: expected a list "
				    "of prefixes");
	for (yaml_node_item_t *it = seq->data.sequence.items.start;
	     it < seq->data.sequence.items.top; it++) {
		yaml_node_t *n = yaml_document_get_node(doc, *it);
		if (!n || n->type != YAML_SCALAR_NODE)
			return config_error(path, n, "announce.prefixes: expected "
					    "a prefix string");
		if (*count == ROA_MAX_PREFIXES)
			return config_error(path, n, "announce.prefixes: too many");
		if (parse_route((const char *)n->data.scalar.value, path,
				n->start_mark.line + 1, &out[*count].prefix))
			return ANS_ECONFIG;
		out[(*count)++].asn = asn;
	}
	if (*count == 0)
		return config_error(path, seq, "announce.prefixes: empty list");
	return ANS_OK;
}

static int config_announce(const char *path, yaml_document_t *doc,
			   struct announce *out, size_t *count)
{
	yaml_node_t *ann = map_get(doc, yaml_document_get_root_node(doc),
				   "announce");
	if (!ann || ann->type != YAML_MAPPING_NODE)
		return config_error(path, ann, "expected a mapping \"announce: "
				    "{ asn: ASN, prefixes: [ ... ] }\"");
	yaml_node_t *asn_node = map_get(doc, ann, "asn");
	uint32_t asn;
	if (!asn_node || asn_node->type != YAML_SCALAR_NODE ||
	    ans_asn_parse((const char *)asn_node->data.scalar.value, &asn))
		return config_error(path, asn_node ? asn_node : ann,
				    "announce.asn: expected an ASN such as 65001 "
				    "or AS65001");
	return config_prefixes(path, doc, map_get(doc, ann, "prefixes"), asn,
			       out, count);
}

static int load_config(const char *path, struct announce *out, size_t *count)
{
	char *buf;
	size_t len;
	if (read_file(path, &buf, &len))
		return ANS_EIO;
	yaml_parser_t parser;
	yaml_document_t doc;
	int rc = ANS_ECONFIG;
	if (!yaml_parser_initialize(&parser)) {
		free(buf);
		return ANS_ENOMEM;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &doc)) {
		fprintf(stderr, "anyns roa: %s:%zu: %s\n", path,
			parser.problem_mark.line + 1,
			parser.problem ? parser.problem : "YAML error");
		goto out;
	}
	rc = config_announce(path, &doc, out, count);
	yaml_document_delete(&doc);
out:
	yaml_parser_delete(&parser);
	free(buf);
	return rc;
}

/* ---- output ------------------------------------------------------------ */

static const char *ta_name(const struct ans_vrp_set *set, const struct ans_vrp *v)
{
	return set->tas[v->ta];
}

/* Why one covering VRP does not match, in words (empty when it matches). */
static void why_text(const struct ans_vrp_hit *h, const struct ans_prefix *p,
		     uint32_t origin, char *buf, size_t cap)
{
	size_t n = 0;
	buf[0] = '\0';
	if (h->why & ANS_VRP_WHY_AS0)
		n += (size_t)snprintf(buf + n, cap - n, "AS0 VRP never validates "
				      "(RFC 6483, RFC 7607)");
	if (h->why & ANS_VRP_WHY_ORIGIN0)
		n += (size_t)snprintf(buf + n, cap - n, "origin AS0 never "
				      "validates (RFC 7607)");
	if (h->why & ANS_VRP_WHY_ORIGIN)
		n += (size_t)snprintf(buf + n, cap - n, "origin mismatch (VRP "
				      "AS%u, route AS%u)", h->vrp->asn, origin);
	if ((h->why & ANS_VRP_WHY_LENGTH) && n < cap)
		snprintf(buf + n, cap - n, "%slength /%u exceeds maxLength %u",
			 n ? ", " : "", p->len, h->vrp->max_len);
}

/* RFC 9319 warning text for a matching VRP with a loose maxLength. */
static void warn_text(const struct ans_vrp_hit *h, const struct ans_prefix *p,
		      char *buf, size_t cap)
{
	char vp[ANS_VRP_PREFIX_STRLEN];
	ans_prefix_format(&h->vrp->prefix, vp, sizeof(vp));
	snprintf(buf, cap, "matching VRP %s maxLength %u AS%u is longer than the "
		 "announced /%u: unannounced more-specifics up to /%u can be "
		 "hijacked with a forged origin (RFC 9319)", vp, h->vrp->max_len,
		 h->vrp->asn, p->len, h->vrp->max_len);
}

static bool is_loose(const struct ans_vrp_hit *h, const struct ans_prefix *p)
{
	return h->why == 0 && h->vrp->max_len > p->len;
}

static void print_text(const struct ans_vrp_set *set, const struct announce *a,
		       const struct ans_vrp_hit *hits,
		       const struct ans_vrp_result *r)
{
	char pfx[ANS_VRP_PREFIX_STRLEN], vp[ANS_VRP_PREFIX_STRLEN], why[256];
	ans_prefix_format(&a->prefix, pfx, sizeof(pfx));
	printf("%s %s origin AS%u: ", ans_vrp_state_name(r->state), pfx, a->asn);
	if (r->covering == 0)
		printf("no VRP covers this prefix\n");
	else
		printf("%zu covering VRP%s, %s\n", r->covering,
		       r->covering == 1 ? "" : "s",
		       r->state == ANS_VRP_VALID ? "a match" : "none matches");
	for (size_t i = 0; i < r->hits_count; i++) {
		const struct ans_vrp *v = hits[i].vrp;
		ans_prefix_format(&v->prefix, vp, sizeof(vp));
		why_text(&hits[i], &a->prefix, a->asn, why, sizeof(why));
		printf("  %s maxLength %u AS%u ta %s: %s\n", vp, v->max_len,
		       v->asn, *ta_name(set, v) ? ta_name(set, v) : "-",
		       hits[i].why ? why : "matches");
	}
	if (r->covering > r->hits_count)
		printf("  ... and %zu more covering VRPs\n",
		       r->covering - r->hits_count);
	for (size_t i = 0; i < r->hits_count; i++) {
		if (!is_loose(&hits[i], &a->prefix))
			continue;
		warn_text(&hits[i], &a->prefix, why, sizeof(why));
		printf("warning: %s origin AS%u: %s\n", pfx, a->asn, why);
	}
}

/* A JSON string: escapes '"', '\\' and control characters (RFC 8259 §7). */
static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void print_json(const struct ans_vrp_set *set, const struct announce *a,
		       const struct ans_vrp_hit *hits,
		       const struct ans_vrp_result *r, bool is_first)
{
	char pfx[ANS_VRP_PREFIX_STRLEN], vp[ANS_VRP_PREFIX_STRLEN], why[256];
	ans_prefix_format(&a->prefix, pfx, sizeof(pfx));
	printf("%s{\"prefix\":\"%s\",\"origin\":%u,\"state\":\"%s\",\"covering\":[",
	       is_first ? "" : ",", pfx, a->asn, ans_vrp_state_name(r->state));
	for (size_t i = 0; i < r->hits_count; i++) {
		const struct ans_vrp *v = hits[i].vrp;
		ans_prefix_format(&v->prefix, vp, sizeof(vp));
		why_text(&hits[i], &a->prefix, a->asn, why, sizeof(why));
		printf("%s{\"asn\":%u,\"prefix\":\"%s\",\"maxLength\":%u,\"ta\":",
		       i ? "," : "", v->asn, vp, v->max_len);
		json_str(ta_name(set, v));
		if (v->expires)
			printf(",\"expires\":%lld", (long long)v->expires);
		printf(",\"match\":%s,\"reason\":", hits[i].why ? "false" : "true");
		json_str(hits[i].why ? why : "matches");
		putchar('}');
	}
	printf("],\"warnings\":[");
	bool is_first_warning = true;
	for (size_t i = 0; i < r->hits_count; i++) {
		if (!is_loose(&hits[i], &a->prefix))
			continue;
		warn_text(&hits[i], &a->prefix, why, sizeof(why));
		printf("%s", is_first_warning ? "" : ",");
		json_str(why);
		is_first_warning = false;
	}
	printf("]}");
}

/* Validates each announcement; returns the exit code (0 all valid, 1 not). */
static int validate_all(const struct ans_vrp_set *set, const struct announce *a,
			size_t count, bool is_json)
{
	static struct ans_vrp_hit hits[ROA_MAX_HITS];
	int code = 0;
	if (is_json)
		printf("{\"results\":[");
	for (size_t i = 0; i < count; i++) {
		struct ans_vrp_result r;
		ans_vrp_validate(set, &a[i].prefix, a[i].asn, hits, ROA_MAX_HITS, &r);
		if (r.state != ANS_VRP_VALID)
			code = 1;
		if (is_json)
			print_json(set, &a[i], hits, &r, i == 0);
		else
			print_text(set, &a[i], hits, &r);
	}
	if (is_json)
		printf("]}\n");
	return code;
}

/* ---- main -------------------------------------------------------------- */

static int parse_opts(int argc, char **argv, struct roa_opts *o)
{
	static const struct option longopts[] = {
		{ "vrps", required_argument, NULL, 'v' },
		{ "prefix", required_argument, NULL, 'p' },
		{ "origin", required_argument, NULL, 'o' },
		{ "config", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	optind = 0;   /* glibc: rescan from argv[1], whoever parsed before */
	while ((c = getopt_long(argc, argv, "+c:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'v': o->vrps = optarg; break;
		case 'p': o->prefix = optarg; break;
		case 'o': o->origin = optarg; break;
		case 'c': o->config = optarg; break;
		case 'j': o->is_json = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	const char *bad = NULL;
	if (optind < argc)
		bad = "unexpected argument";
	else if (!o->vrps)
		bad = "--vrps FILE is required";
	else if (o->config && (o->prefix || o->origin))
		bad = "-c cannot be combined with --prefix or --origin";
	else if (!o->config && (!o->prefix || !o->origin))
		bad = "give --prefix and --origin, or -c CONFIG";
	if (bad) {
		fprintf(stderr, "anyns roa: %s\n", bad);
		usage(stderr);
		return 2;
	}
	return -1;
}

static int announcements(const struct roa_opts *o, struct announce *a,
			 size_t *count)
{
	if (o->config)
		return load_config(o->config, a, count);
	if (ans_asn_parse(o->origin, &a[0].asn)) {
		fprintf(stderr, "anyns roa: --origin \"%s\": expected an ASN such "
			"as 65001 or AS65001\n", o->origin);
		return ANS_ESYNTAX;
	}
	if (parse_route(o->prefix, NULL, 0, &a[0].prefix))
		return ANS_ESYNTAX;
	*count = 1;
	return ANS_OK;
}

int ans_cli_roa(int argc, char **argv)
{
	struct roa_opts o = { 0 };
	int code = parse_opts(argc, argv, &o);
	if (code >= 0)
		return code;
	struct announce *a = calloc(ROA_MAX_PREFIXES, sizeof(*a));
	size_t count = 0;
	struct ans_vrp_set set;
	ans_vrp_set_init(&set);
	code = 2;
	if (!a) {
		fprintf(stderr, "anyns roa: out of memory\n");
		goto out;
	}
	/* Check the cheap inputs first, so a typo is not reported after
	 * loading half a million VRPs. */
	if (announcements(&o, a, &count) || load_vrps(o.vrps, &set))
		goto out;
	code = validate_all(&set, a, count, o.is_json);
	if (fflush(stdout) != 0)
		code = 2;
out:
	ans_vrp_set_free(&set);
	free(a);
	return code;
}
