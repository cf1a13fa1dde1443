/* SPDX-License-Identifier: MIT */
/*
 * `anyns check`: the command line and the -c file.
 *
 * The file is YAML in the shape of the command line (doc/check.md):
 *
 *     primary: 192.0.2.1@53
 *     nodes:
 *       - { name: fra1, address: 192.0.2.11@53 }
 *     zones: [ example.com ]
 *     key: { id: xfr, algorithm: hmac-sha256, secret: "base64..." }
 *     providers: [ "a=198.51.100.1@53", "203.0.113.1@53" ]
 *     timeout-ms: 2000
 *
 * The file is read by the shared configuration engine (lib/conf) against
 * the table in check_schema.c, so a mistake is reported as anynsd's are:
 * "check.yaml:3: nodes.address: expected an address ADDR[@PORT], got 'x'".
 * Unknown keys are errors (a misspelt key must not be silently ignored, as
 * Knot's configuration check does). Options on the command line add to the
 * file and the file to them, in the order given: nodes, zones and providers
 * are appended, a primary or key given twice is an error, the last
 * timeout wins.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/check.h"

void check_conf_free(struct check_conf *c)
{
	free(c->nodes);
	free(c->providers);
	free(c->zones);
	memset(c, 0, sizeof(*c));
}

static int copy_text(char *dst, size_t size, const char *src, size_t len)
{
	if (len == 0)
		return ANS_ESYNTAX;
	if (len >= size)
		return ANS_ELIMIT;
	memcpy(dst, src, len);
	dst[len] = '\0';
	return ANS_OK;
}

int check_server_parse(struct check_server *s, const char *text, bool allow_bare)
{
	const char *eq = strchr(text, '=');
	const char *addr = eq ? eq + 1 : text;
	memset(s, 0, sizeof(*s));
	if (!eq && !allow_bare)
		return ANS_ESYNTAX;
	int rc = eq ? copy_text(s->name, sizeof(s->name), text, (size_t)(eq - text)) : ANS_OK;
	if (rc == ANS_OK)
		rc = copy_text(s->address, sizeof(s->address), addr, strlen(addr));
	if (rc == ANS_OK)
		rc = dc_addr_parse(s->address, &s->addr);
	if (rc == ANS_OK && !eq)
		snprintf(s->name, sizeof(s->name), "%s", s->address);
	return rc;
}

int check_conf_add_server(struct check_server **list, size_t *count,
			  const char *text, bool allow_bare)
{
	struct check_server s;
	int rc = check_server_parse(&s, text, allow_bare);
	if (rc != ANS_OK)
		return rc;
	struct check_server *l = realloc(*list, (*count + 1) * sizeof(*l));
	if (!l)
		return ANS_ENOMEM;
	l[(*count)++] = s;
	*list = l;
	return ANS_OK;
}

int check_conf_add_zone(struct check_conf *c, const char *text)
{
	uint8_t name[ANS_NAME_MAX];
	size_t len;
	int rc = ans_name_from_text(name, &len, text, strlen(text), ans_name_root);
	if (rc != ANS_OK)
		return rc;
	uint8_t (*z)[ANS_NAME_MAX] = realloc(c->zones, (c->zone_count + 1) * sizeof(*z));
	if (!z)
		return ANS_ENOMEM;
	ans_name_lower(name);
	memcpy(z[c->zone_count++], name, len);
	c->zones = z;
	return ANS_OK;
}

/* --- the -c file ----------------------------------------------------------- */

/* A node from the file: its name and address were checked by their rows. */
static int add_node(struct check_conf *c, const struct check_file_node *n)
{
	struct check_server s = { 0 };
	snprintf(s.name, sizeof(s.name), "%s", n->name);
	snprintf(s.address, sizeof(s.address), "%s", n->address.text);
	int rc = dc_addr_parse(s.address, &s.addr);
	if (rc != ANS_OK)
		return rc;
	struct check_server *l = realloc(c->nodes, (c->node_count + 1) * sizeof(*l));
	if (!l)
		return ANS_ENOMEM;
	l[c->node_count++] = s;
	c->nodes = l;
	return ANS_OK;
}

/* A primary or key given in the file and before it (on the command line
 * or in an earlier -c file): the walk has no line for a map's option, so
 * the message names the file and the option. */
static int given_twice(const char *name, const char *what, const char *option,
		       char *why, size_t why_size)
{
	snprintf(why, why_size, "%s: %s: given twice (also by %s or an earlier -c)",
		 name, what, option);
	return ANS_ECONFIG;
}

static int add_top(struct check_conf *c, const struct check_file_top *t,
		   const char *name, char *why, size_t why_size)
{
	if (t->primary.len && c->has_primary)
		return given_twice(name, "primary", "--primary", why, why_size);
	if (t->primary.len) {
		if (check_server_parse(&c->primary, t->primary.text, true) != ANS_OK)
			return ans_conf_error_buf(why, why_size, name, 0,
						  "primary: cannot be used");
		snprintf(c->primary.name, CHECK_NAME_MAX, "primary");
		c->has_primary = true;
	}
	int rc = ANS_OK;
	for (size_t i = 0; rc == ANS_OK && i < t->zones.count; i++)
		rc = check_conf_add_zone(c, t->zones.items[i]);
	for (size_t i = 0; rc == ANS_OK && i < t->providers.count; i++)
		rc = check_conf_add_server(&c->providers, &c->provider_count,
					   t->providers.items[i], true);
	if (t->timeout_ms)
		c->timeout_ms = (int)t->timeout_ms;
	return rc;
}

static int add_key(struct check_conf *c, const struct check_file_key *k,
		   const char *name, char *why, size_t why_size)
{
	const char *kwhy = NULL;
	if (!k->id)
		return ANS_OK;
	if (c->has_key)
		return given_twice(name, "key", "--key", why, why_size);
	if (ans_tsig_key_init(&c->key, k->id, k->algorithm, k->secret, &kwhy) != ANS_OK)
		return ans_conf_error_buf(why, why_size, name, 0, "key: %s",
					  kwhy ? kwhy : "bad key");
	c->has_key = true;
	return ANS_OK;
}

/* Adds what the walk filled to c. Every value was checked by its row, so
 * what fails here is ENOMEM or a conflict with what came before. */
static int add_file(struct check_conf *c, const struct check_file *f,
		    const char *name, char *why, size_t why_size)
{
	int rc = add_top(c, &f->top, name, why, why_size);
	for (size_t i = 0; rc == ANS_OK && i < f->node_count; i++)
		rc = add_node(c, &f->nodes[i]);
	if (rc == ANS_OK)
		rc = add_key(c, &f->key, name, why, why_size);
	if (rc != ANS_OK && rc != ANS_ECONFIG && rc != ANS_ENOMEM)
		rc = ans_conf_error_buf(why, why_size, name, 0, "%s", ans_strerror(rc));
	return rc;
}

int check_conf_load_text(struct check_conf *c, const char *name, const char *text,
			 size_t len, char *why, size_t why_size)
{
	struct ans_arena arena;
	struct check_file f = { 0 };
	struct ans_conf_errbuf eb = { .buf = why, .size = why_size };
	struct ans_diag diag = { .fn = ans_conf_errbuf_fn, .ctx = &eb };
	struct ans_conf_input in = { .name = name, .arena = &arena, .diag = &diag };
	if (why_size)
		why[0] = '\0';
	ans_arena_init(&arena, 4096);
	int rc = ans_conf_load(&check_file_schema, &in, text, len, &f);
	if (rc == ANS_OK)
		rc = add_file(c, &f, name, why, why_size);
	ans_arena_free(&arena);
	return rc;
}

static int load_file(struct check_conf *c, const char *path, char *why, size_t why_size)
{
	char *text;
	size_t len;
	int rc = ans_conf_read_file(path, &text, &len, why, why_size);
	if (rc == ANS_OK)
		rc = check_conf_load_text(c, path, text, len, why, why_size);
	free(text);
	return rc == ANS_OK || rc == ANS_ENOMEM ? rc : ANS_ECONFIG;
}

/* --- the command line ------------------------------------------------------ */

/* --key NAME:ALG:SECRET as the issue writes it, or ALG:NAME:SECRET as
 * dig -y does: the first field is taken as the algorithm when it is one. */
static int parse_key(struct check_conf *c, const char *text, char *why, size_t why_size)
{
	char buf[ANS_NAME_TEXT_MAX];
	const char *kwhy = NULL;
	enum ans_tsig_alg alg;
	snprintf(buf, sizeof(buf), "%s", text);
	char *a = buf, *b = strchr(a, ':'), *s = b ? strchr(b + 1, ':') : NULL;
	if (!s) {
		snprintf(why, why_size, "--key wants NAME:ALG:BASE64");
		return ANS_ECONFIG;
	}
	*b++ = '\0';
	*s++ = '\0';
	const char *name = a, *alg_text = b;
	if (ans_tsig_alg_from_text(a, &alg) == ANS_OK) {
		name = b;
		alg_text = a;
	}
	if (c->has_key || ans_tsig_key_init(&c->key, name, alg_text, s, &kwhy) != ANS_OK) {
		snprintf(why, why_size, "--key: %s", c->has_key ? "given twice" :
			 kwhy ? kwhy : "bad key");
		return ANS_ECONFIG;
	}
	c->has_key = true;
	return ANS_OK;
}

static int usage_error(char *why, size_t why_size, const char *what, const char *arg)
{
	snprintf(why, why_size, "%s%s%s", what, arg ? " " : "", arg ? arg : "");
	return ANS_ECONFIG;
}

/* Options taking one value. */
static int option_value(struct check_conf *c, const char *opt, const char *v,
			char *why, size_t why_size)
{
	int rc = ANS_OK;
	if (strcmp(opt, "-c") == 0)
		return load_file(c, v, why, why_size);
	if (strcmp(opt, "--key") == 0)
		return parse_key(c, v, why, why_size);
	if (strcmp(opt, "--node") == 0)
		rc = check_conf_add_server(&c->nodes, &c->node_count, v, false);
	else if (strcmp(opt, "--primary") == 0 && !c->has_primary)
		rc = check_server_parse(&c->primary, v, true);
	else if (strcmp(opt, "--primary") == 0)
		return usage_error(why, why_size, "--primary given twice", NULL);
	if (rc == ANS_ENOMEM)
		return rc;
	if (rc != ANS_OK) {
		snprintf(why, why_size, "%s wants %s, not '%s'", opt,
			 strcmp(opt, "--node") == 0 ? "NAME=ADDR@PORT" : "ADDR@PORT", v);
		return ANS_ECONFIG;
	}
	if (strcmp(opt, "--primary") == 0) {
		snprintf(c->primary.name, CHECK_NAME_MAX, "primary");
		c->has_primary = true;
	}
	return ANS_OK;
}

static int parse_timeout(struct check_conf *c, const char *v, char *why, size_t why_size)
{
	char *end = NULL;
	long ms = strtol(v, &end, 10);
	if (*end != '\0' || ms < 1 || ms > 600000)
		return usage_error(why, why_size, "--timeout-ms must be 1..600000, not", v);
	c->timeout_ms = (int)ms;
	return ANS_OK;
}

/* --providers takes every following argument that names a server (has an
 * '@' or '='); zone names have neither. Commas also separate servers. */
static int parse_providers(struct check_conf *c, int argc, char **argv, int *i,
			   char *why, size_t why_size)
{
	int first = *i + 1;
	while (*i + 1 < argc && (strchr(argv[*i + 1], '@') || strchr(argv[*i + 1], '='))) {
		char buf[512];
		snprintf(buf, sizeof(buf), "%s", argv[++*i]);
		for (char *save = NULL, *t = strtok_r(buf, ",", &save); t;
		     t = strtok_r(NULL, ",", &save)) {
			int rc = check_conf_add_server(&c->providers, &c->provider_count, t, true);
			if (rc == ANS_ENOMEM)
				return rc;
			if (rc != ANS_OK)
				return usage_error(why, why_size, "--providers: bad server", t);
		}
	}
	if (*i < first)
		return usage_error(why, why_size, "--providers wants ADDR@PORT ...", NULL);
	return ANS_OK;
}

static int validate(const struct check_conf *c, char *why, size_t why_size)
{
	if (c->zone_count == 0)
		return usage_error(why, why_size, "no zone given", NULL);
	if (c->provider_count > 0) {
		if (c->provider_count < 2)
			return usage_error(why, why_size, "--providers needs two servers or more", NULL);
		if (c->has_primary || c->node_count || c->want_content)
			return usage_error(why, why_size,
					   "--providers does not mix with --primary, --node, --content", NULL);
		return ANS_OK;
	}
	if (!c->has_primary)
		return usage_error(why, why_size, "no --primary given", NULL);
	if (c->node_count == 0)
		return usage_error(why, why_size, "no --node given", NULL);
	return ANS_OK;
}

int check_conf_from_args(struct check_conf *c, int argc, char **argv,
			 char *why, size_t why_size)
{
	c->timeout_ms = CHECK_TIMEOUT_DEFAULT_MS;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int rc = ANS_OK;
		if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			return CHECK_ARGS_HELP;
		if (!strcmp(a, "--config-reference"))
			return CHECK_ARGS_REFERENCE;
		if (!strcmp(a, "--json"))
			c->is_json = true;
		else if (!strcmp(a, "--content"))
			c->want_content = true;
		else if (!strcmp(a, "--providers"))
			rc = parse_providers(c, argc, argv, &i, why, why_size);
		else if (!strcmp(a, "-c") || !strcmp(a, "--key") || !strcmp(a, "--node") ||
			 !strcmp(a, "--primary") || !strcmp(a, "--timeout-ms")) {
			if (i + 1 == argc)
				return usage_error(why, why_size, a, "wants a value");
			rc = strcmp(a, "--timeout-ms") == 0
				? parse_timeout(c, argv[++i], why, why_size)
				: option_value(c, a, argv[++i], why, why_size);
		} else if (a[0] == '-') {
			return usage_error(why, why_size, "unknown option", a);
		} else if (check_conf_add_zone(c, a) != ANS_OK) {
			return usage_error(why, why_size, "bad zone name", a);
		}
		if (rc != ANS_OK)
			return rc;
	}
	return validate(c, why, why_size);
}
