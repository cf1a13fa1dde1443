/* SPDX-License-Identifier: MIT */
/*
 * DOC: the configuration loader
 *
 * libyaml loads the whole file as a node tree (with line marks); the walk
 * below checks it against the schema table (schema.c) and fills struct
 * conf. The walk stops at the first error and reports it as ONE message:
 *     anynsd.yaml:7: server.workers: expected an integer 1..256, got 'many'
 * so an operator sees what to fix and where.
 *
 * Order: the top level must be a map of sections; each section is either a
 * map of options (server) or a list of such maps (zone). Before an item is
 * walked its defaults are set by parsing each row's `def` text; after it,
 * required options are checked. Duplicate options in one map and duplicate
 * keys (CONF_IS_KEY, e.g. zone.domain) across a list are errors naming the
 * line of the first occurrence. Derived values (identity, NSID, version,
 * workers) are computed last (finish()).
 *
 * Everything lives in the configuration's own arena: one generation, freed
 * whole by conf_free().
 */
#include "anynsd/conf/conf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#include "anynsd/conf/schema.h"
#include "anynsd/conf/value.h"
#include "anynsd/version.h"

#define MAX_OPTIONS 128  /* rows in the schema table; checked at load */

struct walk {
	struct conf *conf;
	yaml_document_t *doc;
	const char *name;        /* file name in messages */
	const char *base_dir;
	char *err;
	size_t err_size;
};

static int fail(struct walk *w, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct walk *w, const yaml_node_t *n, const char *fmt, ...)
{
	int len = snprintf(w->err, w->err_size, "%s:%lu: ", w->name,
			   n ? (unsigned long)n->start_mark.line + 1 : 1UL);
	if (len < 0 || (size_t)len >= w->err_size)
		return ANS_ECONFIG;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(w->err + len, w->err_size - (size_t)len, fmt, ap);
	va_end(ap);
	return ANS_ECONFIG;
}

static const char *scalar(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static unsigned line_of(const yaml_node_t *n)
{
	return (unsigned)n->start_mark.line + 1;
}

static int set_value(struct walk *w, const struct conf_option *o,
		     const yaml_node_t *v, void *field)
{
	char why[256];
	const char *text = scalar(v);
	if (!text) {
		conf_schema_expect(o, why, sizeof(why));
		return fail(w, v, "%s.%s: expected %s, got a %s", o->section, o->name,
			    why, v->type == YAML_MAPPING_NODE ? "map" : "list");
	}
	int rc = conf_value_parse(o, text, field, &w->conf->arena, w->base_dir,
				  why, sizeof(why));
	if (rc == ANS_ECONFIG)
		return fail(w, v, "%s.%s: expected %s, got '%s'", o->section,
			    o->name, why, text);
	return rc;
}

/* A list of addresses: a YAML sequence of scalars, or one scalar. */
static int set_addr_list(struct walk *w, const struct conf_option *o,
			 const yaml_node_t *v, struct conf_addr_list *l)
{
	if (v->type != YAML_SEQUENCE_NODE)
		return set_value(w, o, v, l);
	size_t n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
	if (n == 0)
		return fail(w, v, "%s.%s: expected at least one address, got an empty list",
			    o->section, o->name);
	l->items = ans_arena_alloc(&w->conf->arena, n * sizeof(*l->items));
	if (!l->items)
		return ANS_ENOMEM;
	l->count = 0;
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *item = yaml_document_get_node(w->doc, v->data.sequence.items.start[i]);
		struct conf_addr_list one;
		int rc = set_value(w, o, item, &one);
		if (rc != ANS_OK)
			return rc;
		for (size_t j = 0; j < l->count; j++)
			if (strcmp(l->items[j].text, one.items[0].text) == 0)
				return fail(w, item, "%s.%s: duplicate address '%s'",
					    o->section, o->name, one.items[0].text);
		l->items[l->count++] = one.items[0];
	}
	return ANS_OK;
}

/* A list of names: a YAML sequence of scalars, or one scalar. Duplicates
 * are errors (a repeated id is a typo). An empty list is allowed. */
static int set_str_list(struct walk *w, const struct conf_option *o,
			const yaml_node_t *v, struct conf_str_list *l)
{
	if (v->type != YAML_SEQUENCE_NODE)
		return set_value(w, o, v, l);
	size_t n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
	l->items = ans_arena_alloc(&w->conf->arena, (n ? n : 1) * sizeof(*l->items));
	if (!l->items)
		return ANS_ENOMEM;
	l->count = 0;
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *item = yaml_document_get_node(w->doc, v->data.sequence.items.start[i]);
		struct conf_str_list one;
		int rc = set_value(w, o, item, &one);
		if (rc != ANS_OK)
			return rc;
		for (size_t j = 0; j < l->count; j++)
			if (strcmp(l->items[j], one.items[0]) == 0)
				return fail(w, item, "%s.%s: duplicate '%s'",
					    o->section, o->name, one.items[0]);
		l->items[l->count++] = one.items[0];
	}
	return ANS_OK;
}

static int set_defaults(struct walk *w, const struct conf_section *s, void *item)
{
	char why[256];
	for (size_t i = 0; i < conf_option_count; i++) {
		const struct conf_option *o = &conf_options[i];
		if (!o->def || strcmp(o->section, s->name) != 0)
			continue;
		int rc = conf_value_parse(o, o->def, (char *)item + o->offset,
					  &w->conf->arena, NULL, why, sizeof(why));
		if (rc != ANS_OK)
			return fail(w, NULL, "%s.%s: bad default '%s'", s->name,
				    o->name, o->def);
	}
	return ANS_OK;
}

static int check_required(struct walk *w, const struct conf_section *s,
			  const yaml_node_t *map, const unsigned *seen)
{
	for (size_t i = 0; i < conf_option_count; i++) {
		const struct conf_option *o = &conf_options[i];
		if ((o->flags & CONF_REQUIRED) && !seen[i] &&
		    strcmp(o->section, s->name) == 0)
			return fail(w, map, "%s.%s: missing (required)", s->name, o->name);
	}
	return ANS_OK;
}

/* Walks one map of options of section `s` into `item`; `at` locates
 * errors about the map as a whole (missing options). */
static int walk_item(struct walk *w, const struct conf_section *s,
		     const yaml_node_t *map, const yaml_node_t *at, void *item)
{
	unsigned seen[MAX_OPTIONS] = { 0 };
	if (map->type != YAML_MAPPING_NODE)
		return fail(w, map, "%s: expected a map of options", s->name);
	int rc = set_defaults(w, s, item);
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
	     rc == ANS_OK && p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(w->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(w->doc, p->value);
		const char *key = scalar(k) ? scalar(k) : "?";
		const struct conf_option *o = conf_schema_option(s->name, key);
		if (!o)
			return fail(w, k, "%s.%s: unknown option", s->name, key);
		size_t idx = (size_t)(o - conf_options);
		if (seen[idx])
			return fail(w, k, "%s.%s: duplicate option (first at line %u)",
				    s->name, key, seen[idx]);
		seen[idx] = line_of(k);
		void *field = (char *)item + o->offset;
		rc = o->type == CONF_ADDR_LIST ? set_addr_list(w, o, v, field)
		   : o->type == CONF_STR_LIST ? set_str_list(w, o, v, field)
					      : set_value(w, o, v, field);
	}
	if (rc == ANS_OK)
		rc = check_required(w, s, at, seen);
	return rc;
}

/* The key of list item `item` (its CONF_IS_KEY option) as text. */
static const char *item_key(const struct conf_section *s, const void *item,
			    const struct conf_option **opt)
{
	for (size_t i = 0; i < conf_option_count; i++) {
		const struct conf_option *o = &conf_options[i];
		if ((o->flags & CONF_IS_KEY) && strcmp(o->section, s->name) == 0) {
			*opt = o;
			const void *f = (const char *)item + o->offset;
			return o->type == CONF_DNAME ? ((const struct conf_dname *)f)->text
						     : *(const char *const *)f;
		}
	}
	return NULL;
}

static int check_unique(struct walk *w, const struct conf_section *s, char *items,
			size_t n, const yaml_node_t *node)
{
	const struct conf_option *o;
	const char *key = item_key(s, items + n * s->item_size, &o);
	for (size_t i = 0; key && i < n; i++) {
		const char *other = item_key(s, items + i * s->item_size, &o);
		if (strcmp(key, other) == 0) {
			unsigned first = *(unsigned *)(items + i * s->item_size + s->line_offset);
			return fail(w, node, "%s.%s: duplicate '%s' (first at line %u)",
				    s->name, o->name, key, first);
		}
	}
	return ANS_OK;
}

static int walk_list(struct walk *w, const struct conf_section *s,
		     const yaml_node_t *seq)
{
	if (seq->type != YAML_SEQUENCE_NODE)
		return fail(w, seq, "%s: expected a list of entries", s->name);
	size_t n = (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
	char *items = ans_arena_alloc(&w->conf->arena, (n ? n : 1) * s->item_size);
	if (!items)
		return ANS_ENOMEM;
	memset(items, 0, (n ? n : 1) * s->item_size);
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *m = yaml_document_get_node(w->doc, seq->data.sequence.items.start[i]);
		char *item = items + i * s->item_size;
		*(unsigned *)(item + s->line_offset) = line_of(m);
		int rc = walk_item(w, s, m, m, item);
		if (rc == ANS_OK)
			rc = check_unique(w, s, items, i, m);
		if (rc != ANS_OK)
			return rc;
	}
	*(char **)((char *)w->conf + s->offset) = items;
	*(size_t *)((char *)w->conf + s->count_offset) = n;
	return ANS_OK;
}

static int walk_root(struct walk *w, const yaml_node_t *root)
{
	unsigned seen[MAX_OPTIONS] = { 0 };
	if (root->type != YAML_MAPPING_NODE)
		return fail(w, root, "expected a map of sections (server, key, remote, acl, zone)");
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
	     p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(w->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(w->doc, p->value);
		const char *key = scalar(k) ? scalar(k) : "?";
		const struct conf_section *s = conf_schema_section(key);
		if (!s)
			return fail(w, k, "%s: unknown section", key);
		size_t idx = (size_t)(s - conf_sections);
		if (seen[idx])
			return fail(w, k, "%s: duplicate section (first at line %u)",
				    key, seen[idx]);
		seen[idx] = line_of(k);
		int rc = s->is_list ? walk_list(w, s, v)
				    : walk_item(w, s, v, k, (char *)w->conf + s->offset);
		if (rc != ANS_OK)
			return rc;
	}
	/* A section left out still gets its defaults and required checks. */
	for (size_t i = 0; i < conf_section_count; i++) {
		if (seen[i] || conf_sections[i].is_list)
			continue;
		yaml_node_t empty = { .type = YAML_MAPPING_NODE, .start_mark = root->start_mark };
		int rc = walk_item(w, &conf_sections[i], &empty, &empty,
				   (char *)w->conf + conf_sections[i].offset);
		if (rc != ANS_OK)
			return rc;
	}
	return ANS_OK;
}

static int hex_value(char c)
{
	return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

/* Identity, NSID and version as answered: Knot's defaults (host name,
 * server version), an empty value disables. */
static int finish(struct conf *c)
{
	static char hostname[256];
	const char *id = c->server.identity;
	if (!id) {
		if (gethostname(hostname, sizeof(hostname) - 1) != 0)
			hostname[0] = '\0';
		id = ans_arena_dup(&c->arena, hostname, strlen(hostname) + 1);
		if (!id)
			return ANS_ENOMEM;
	}
	c->identity = *id ? id : NULL;
	if (c->identity && strncmp(id, "0x", 2) == 0) {
		for (size_t i = 2; id[i] && id[i + 1]; i += 2)
			c->nsid[c->nsid_len++] = (uint8_t)(hex_value(id[i]) << 4 | hex_value(id[i + 1]));
	} else if (c->identity) {
		size_t n = strlen(id);
		c->nsid_len = (uint16_t)(n < CONF_NSID_MAX ? n : CONF_NSID_MAX);
		memcpy(c->nsid, id, c->nsid_len);
	}
	const char *ver = c->server.version ? c->server.version : "anynsd " ANYNSD_VERSION;
	c->version = *ver ? ver : NULL;
	if (c->server.workers == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		c->server.workers = n < 1 ? 1 : n > 256 ? 256 : n;
	}
	return ANS_OK;
}

static char *dir_of(struct ans_arena *a, const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return ans_arena_dup(a, ".", 2);
	size_t n = slash == path ? 1 : (size_t)(slash - path);
	char *d = ans_arena_alloc_bytes(a, n + 1);
	if (d) {
		memcpy(d, path, n);
		d[n] = '\0';
	}
	return d;
}

static int load_doc(struct walk *w, const char *text, size_t len)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	int rc = ANS_OK;
	if (!yaml_parser_load(&parser, &doc)) {
		snprintf(w->err, w->err_size, "%s:%lu: YAML syntax error, %s%s%s",
			 w->name, (unsigned long)parser.problem_mark.line + 1,
			 parser.problem ? parser.problem : "unreadable",
			 parser.context ? " " : "", parser.context ? parser.context : "");
		yaml_parser_delete(&parser);
		return ANS_ECONFIG;
	}
	w->doc = &doc;
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	yaml_node_t empty = { .type = YAML_MAPPING_NODE };
	rc = walk_root(w, root ? root : &empty);
	if (rc == ANS_OK)
		rc = finish(w->conf);
	if (rc == ANS_OK)
		rc = conf_resolve(w->conf, w->err, w->err_size);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return rc;
}

int conf_load_text(const char *name, const char *text, size_t len,
		   struct conf **out, char *err, size_t err_size)
{
	*out = NULL;
	err[0] = '\0';
	if (conf_option_count > MAX_OPTIONS || conf_section_count > MAX_OPTIONS)
		return ANS_EINVAL;
	struct conf *c = calloc(1, sizeof(*c));
	if (!c)
		return ANS_ENOMEM;
	ans_arena_init(&c->arena, 0);
	c->path = ans_arena_dup(&c->arena, name, strlen(name) + 1);
	struct walk w = { .conf = c, .name = name, .err = err, .err_size = err_size,
			  .base_dir = dir_of(&c->arena, name) };
	int rc = c->path && w.base_dir ? load_doc(&w, text, len) : ANS_ENOMEM;
	if (rc != ANS_OK) {
		if (!err[0])
			snprintf(err, err_size, "%s: %s", name, ans_strerror(rc));
		conf_free(c);
		return rc;
	}
	*out = c;
	return ANS_OK;
}

int conf_load_file(const char *path, struct conf **out, char *err, size_t err_size)
{
	*out = NULL;
	FILE *f = fopen(path, "rb");
	if (!f) {
		int rc = -errno;
		snprintf(err, err_size, "%s: cannot open (%s)", path, strerror(errno));
		return rc;
	}
	char *text = NULL;
	size_t size = 0;
	FILE *mem = open_memstream(&text, &size);
	char buf[8192];
	size_t n;
	while (mem && (n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, mem);
	int rc = ferror(f) || !mem ? ANS_EIO : ANS_OK;
	fclose(f);
	if (mem)
		fclose(mem);
	if (rc == ANS_OK)
		rc = conf_load_text(path, text, size, out, err, err_size);
	else
		snprintf(err, err_size, "%s: cannot read", path);
	free(text);
	return rc;
}

void conf_free(struct conf *c)
{
	if (!c)
		return;
	ans_arena_free(&c->arena);
	free(c);
}
