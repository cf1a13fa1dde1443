/* SPDX-License-Identifier: MIT */
/*
 * anyns roa: RPKI route origin validation (RFC 6811) of the prefixes a node
 * announces, against a VRP export (rpki-client JSON, Routinator JSON, CSV).
 *
 *   anyns roa --vrps FILE --prefix PREFIX --origin ASN [--json]
 *   anyns roa --vrps FILE -c healthd.yaml [--json]
 *
 * -c reads the anyns-healthd configuration with healthd's own loader and
 * schema (healthd/conf.h, linked into anyns by the Makefile), so a file
 * healthd accepts is one roa accepts and a file healthd refuses is refused
 * here with healthd's message ("FILE:LINE: announce.asn: ..."). The
 * announce section is what is validated:
 *     announce: { asn: 65001, prefixes: [ "203.0.113.0/24" ] }
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

#include "cli/cli.h"
#include "cli/vrp.h"
#include "healthd/conf.h"

#define ROA_MAX_HITS 256
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

/* Parses the route prefix given by --prefix. */
static int parse_route(const char *text, struct ans_prefix *p)
{
	int rc = ans_prefix_parse(text, p);
	if (rc == 0)
		return ANS_OK;
	if (rc == ANS_EMALF)
		fprintf(stderr, "anyns roa: --prefix \"%s\": host bits set beyond the "
			"prefix length\n", text);
	else
		fprintf(stderr, "anyns roa: --prefix \"%s\": expected an IPv4 or IPv6 "
			"prefix such as 203.0.113.0/24\n", text);
	return rc;
}

/* ---- -c: the announce section of the healthd config ------------------- */

static void prefix_from_healthd(const struct hd_prefix *h, struct ans_prefix *p)
{
	memset(p, 0, sizeof(*p));
	p->family = h->family == AF_INET6 ? 6 : 4;
	memcpy(p->addr, h->addr, h->family == AF_INET6 ? 16 : 4);
	p->len = (uint8_t)h->len;
}

/* Loads the announcements of a healthd config into a malloc'ed array. */
static int load_config(const char *path, struct announce **out, size_t *count)
{
	char err[1024];
	struct hd_conf *conf;
	int rc = hd_conf_load_file(path, &conf, err, sizeof(err));
	if (rc != ANS_OK) {
		fprintf(stderr, "anyns roa: %s\n", err[0] ? err : ans_strerror(rc));
		return rc;
	}
	const struct hd_conf_announce *ann = &conf->announce;
	*out = calloc(ann->count, sizeof(**out));
	rc = *out ? ANS_OK : ANS_ENOMEM;
	for (size_t i = 0; rc == ANS_OK && i < ann->count; i++) {
		prefix_from_healthd(&ann->items[i], &(*out)[i].prefix);
		(*out)[i].asn = (uint32_t)ann->asn;   /* the schema's range: 1..2^32-1 */
	}
	if (rc == ANS_OK)
		*count = ann->count;
	else
		fprintf(stderr, "anyns roa: %s: out of memory\n", path);
	hd_conf_free(conf);
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

static int announcements(const struct roa_opts *o, struct announce **a,
			 size_t *count)
{
	if (o->config)
		return load_config(o->config, a, count);
	*a = calloc(1, sizeof(**a));
	if (!*a) {
		fprintf(stderr, "anyns roa: out of memory\n");
		return ANS_ENOMEM;
	}
	if (ans_asn_parse(o->origin, &(*a)[0].asn)) {
		fprintf(stderr, "anyns roa: --origin \"%s\": expected an ASN such "
			"as 65001 or AS65001\n", o->origin);
		return ANS_ESYNTAX;
	}
	if (parse_route(o->prefix, &(*a)[0].prefix))
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
	struct announce *a = NULL;
	size_t count = 0;
	struct ans_vrp_set set;
	ans_vrp_set_init(&set);
	code = 2;
	/* Check the cheap inputs first, so a typo is not reported after
	 * loading half a million VRPs. */
	if (announcements(&o, &a, &count) || load_vrps(o.vrps, &set))
		goto out;
	code = validate_all(&set, a, count, o.is_json);
	if (fflush(stdout) != 0)
		code = 2;
out:
	ans_vrp_set_free(&set);
	free(a);
	return code;
}
