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
 * Unknown keys are errors (a misspelt key must not be silently ignored, as
 * Knot's configuration check does). Options on the command line add to the
 * file: nodes and zones are appended, a primary or key given twice is an
 * error.
 */
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

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

static int server_parse(struct check_server *s, const char *text, bool allow_bare)
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
	int rc = server_parse(&s, text, allow_bare);
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

struct loader {
	struct check_conf *c;
	yaml_document_t *doc;
	const char *name;
	char *why;
	size_t why_size;
};

static int fail(struct loader *l, const yaml_node_t *n, const char *what, const char *arg)
{
	char line[24] = "";
	if (n)
		snprintf(line, sizeof(line), ":%lu", (unsigned long)n->start_mark.line + 1);
	snprintf(l->why, l->why_size, "%s%s: %s%s%s", l->name, line, what,
		 arg ? " " : "", arg ? arg : "");
	return ANS_ECONFIG;
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int load_server(struct loader *l, yaml_node_t *n, const char *what, bool is_node)
{
	const char *name = NULL, *addr = scalar(n);
	char text[CHECK_NAME_MAX + CHECK_ADDR_MAX + 2];
	if (n->type == YAML_MAPPING_NODE) {
		for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
		     p < n->data.mapping.pairs.top; p++) {
			const char *k = scalar(yaml_document_get_node(l->doc, p->key));
			const char *v = scalar(yaml_document_get_node(l->doc, p->value));
			if (k && strcmp(k, "name") == 0)
				name = v;
			else if (k && strcmp(k, "address") == 0)
				addr = v;
			else
				return fail(l, n, "unknown key in", what);
		}
	}
	if (!addr || (is_node && !name && !strchr(addr, '=')))
		return fail(l, n, "expected { name: NAME, address: ADDR@PORT } for", what);
	snprintf(text, sizeof(text), "%s%s%s", name ? name : "", name ? "=" : "", addr);
	struct check_server **list = is_node ? &l->c->nodes : &l->c->providers;
	size_t *count = is_node ? &l->c->node_count : &l->c->provider_count;
	int rc = check_conf_add_server(list, count, text, !is_node);
	if (rc == ANS_ENOMEM)
		return rc;
	return rc == ANS_OK ? ANS_OK : fail(l, n, "bad address in", what);
}

static int load_list(struct loader *l, yaml_node_t *n, const char *key)
{
	if (n->type != YAML_SEQUENCE_NODE)
		return fail(l, n, "expected a list for", key);
	for (yaml_node_item_t *i = n->data.sequence.items.start;
	     i < n->data.sequence.items.top; i++) {
		yaml_node_t *item = yaml_document_get_node(l->doc, *i);
		int rc;
		if (strcmp(key, "zones") == 0) {
			if (!scalar(item))
				return fail(l, item, "expected a zone name in", key);
			rc = check_conf_add_zone(l->c, scalar(item));
			if (rc != ANS_OK && rc != ANS_ENOMEM)
				rc = fail(l, item, "bad zone name", scalar(item));
		} else {
			rc = load_server(l, item, key, strcmp(key, "nodes") == 0);
		}
		if (rc != ANS_OK)
			return rc;
	}
	return ANS_OK;
}

static int load_key(struct loader *l, yaml_node_t *n)
{
	const char *id = NULL, *alg = NULL, *secret = NULL, *why = NULL;
	if (n->type != YAML_MAPPING_NODE)
		return fail(l, n, "expected { id, algorithm, secret } for", "key");
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
	     p < n->data.mapping.pairs.top; p++) {
		const char *k = scalar(yaml_document_get_node(l->doc, p->key));
		const char *v = scalar(yaml_document_get_node(l->doc, p->value));
		if (k && strcmp(k, "id") == 0)
			id = v;
		else if (k && strcmp(k, "algorithm") == 0)
			alg = v;
		else if (k && strcmp(k, "secret") == 0)
			secret = v;
		else
			return fail(l, n, "unknown key in key:", k);
	}
	if (!id || !alg || !secret)
		return fail(l, n, "key needs id, algorithm and secret", NULL);
	if (l->c->has_key)
		return fail(l, n, "a second key", NULL);
	if (ans_tsig_key_init(&l->c->key, id, alg, secret, &why) != ANS_OK)
		return fail(l, n, "bad key:", why ? why : "");
	l->c->has_key = true;
	return ANS_OK;
}

static int load_scalar(struct loader *l, yaml_node_t *n, const char *key)
{
	const char *v = scalar(n);
	if (!v)
		return fail(l, n, "expected a value for", key);
	if (strcmp(key, "primary") == 0) {
		if (l->c->has_primary)
			return fail(l, n, "a second primary", NULL);
		if (server_parse(&l->c->primary, v, true) != ANS_OK)
			return fail(l, n, "bad address for primary:", v);
		snprintf(l->c->primary.name, CHECK_NAME_MAX, "primary");
		l->c->has_primary = true;
		return ANS_OK;
	}
	char *end = NULL;
	long ms = strtol(v, &end, 10);
	if (*end != '\0' || ms < 1 || ms > 600000)
		return fail(l, n, "timeout-ms must be 1..600000, not", v);
	l->c->timeout_ms = (int)ms;
	return ANS_OK;
}

static int load_root(struct loader *l, yaml_node_t *root)
{
	if (!root)
		return fail(l, NULL, "empty file", NULL);
	if (root->type != YAML_MAPPING_NODE)
		return fail(l, root, "expected a mapping at the top", NULL);
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
	     p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *kn = yaml_document_get_node(l->doc, p->key);
		yaml_node_t *vn = yaml_document_get_node(l->doc, p->value);
		const char *k = scalar(kn);
		int rc;
		if (!k)
			return fail(l, kn, "expected a key", NULL);
		if (!strcmp(k, "nodes") || !strcmp(k, "zones") || !strcmp(k, "providers"))
			rc = load_list(l, vn, k);
		else if (!strcmp(k, "key"))
			rc = load_key(l, vn);
		else if (!strcmp(k, "primary") || !strcmp(k, "timeout-ms"))
			rc = load_scalar(l, vn, k);
		else
			rc = fail(l, kn, "unknown key", k);
		if (rc != ANS_OK)
			return rc;
	}
	return ANS_OK;
}

int check_conf_load_text(struct check_conf *c, const char *name, const char *text,
			 size_t len, char *why, size_t why_size)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	struct loader l = { .c = c, .doc = &doc, .name = name, .why = why,
			    .why_size = why_size };
	if (!yaml_parser_initialize(&parser))
		return ANS_ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		snprintf(why, why_size, "%s:%lu: %s", name,
			 (unsigned long)parser.problem_mark.line + 1,
			 parser.problem ? parser.problem : "YAML error");
		yaml_parser_delete(&parser);
		return ANS_ECONFIG;
	}
	int rc = load_root(&l, yaml_document_get_root_node(&doc));
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return rc;
}

static int load_file(struct check_conf *c, const char *path, char *why, size_t why_size)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t len = 0;
	if (!f) {
		snprintf(why, why_size, "%s: %s", path, strerror(errno));
		return ANS_ECONFIG;
	}
	FILE *m = open_memstream(&text, &len);
	char buf[4096];
	size_t n;
	while (m && (n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, m);
	fclose(f);
	if (!m)
		return ANS_ENOMEM;
	fclose(m);
	int rc = check_conf_load_text(c, path, text, len, why, why_size);
	free(text);
	return rc;
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
		rc = server_parse(&c->primary, v, true);
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
			return 1;
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
