/* SPDX-License-Identifier: MIT */
/*
 * DOC: the configuration walk
 *
 * libyaml loads the whole text as a node tree (with line marks); the walk
 * checks it against a schema table (schema.h) and fills the program's
 * structs. It stops at the first error and reports it as ONE message:
 *     anynsd.yaml:7: server.workers: expected an integer 1..256, got 'many'
 * so an operator sees what to fix and where.
 *
 * Order: the top level is a map of sections; each section is either a map
 * of options (server) or a list of such maps (zone). Before a map is
 * walked its defaults are set by parsing each row's `def` text; after it,
 * required options are checked. Duplicate options in one map and duplicate
 * keys (ANS_CONF_IS_KEY, e.g. zone.domain) across a list are errors naming
 * the line of the first occurrence. A map section left out of the file is
 * walked as an empty map, so its defaults and required options apply too
 * (unless flagged ANS_CONF_IF_WRITTEN: an optional block such as a key,
 * whose options are required only when it is written).
 *
 * A schema may have one ANS_CONF_IS_ROOT section: its options are written
 * at the top level beside the sections (`primary: 192.0.2.1@53` in the
 * `anyns check -c` file) and messages name them alone ("primary: ...").
 *
 * Where to start reading: ans_conf_load() at the bottom.
 */
#include "lib/conf/schema.h"

#include <stdarg.h>
#include <string.h>
#include <yaml.h>

struct walk {
	const struct ans_conf_schema *schema;
	const struct ans_conf_input *in;
	yaml_document_t *doc;
	void *root;
	char name[160];       /* full_name()'s buffer: one message at a time */
};

static int fail(struct walk *w, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct walk *w, const yaml_node_t *n, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	unsigned line = n ? (unsigned)n->start_mark.line + 1 : 1;
	return ans_conf_error(w->in->diag, w->in->name, line, "%s", msg);
}

/* "section.option" as messages write it; the options of an ANS_CONF_IS_ROOT
 * section are written at the top level, so they are named alone. */
static const char *full_name(struct walk *w, const char *section, const char *name)
{
	const struct ans_conf_section *s = ans_conf_section_find(w->schema, section);
	if (s && (s->flags & ANS_CONF_IS_ROOT))
		return name;
	snprintf(w->name, sizeof(w->name), "%s.%s", section, name);
	return w->name;
}

static const char *scalar(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static unsigned line_of(const yaml_node_t *n)
{
	return (unsigned)n->start_mark.line + 1;
}

static size_t seq_len(const yaml_node_t *seq)
{
	return (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
}

static yaml_node_t *seq_at(struct walk *w, const yaml_node_t *seq, size_t i)
{
	return yaml_document_get_node(w->doc, seq->data.sequence.items.start[i]);
}

static int set_value(struct walk *w, const struct ans_conf_option *o,
		     const yaml_node_t *v, void *field)
{
	char why[256];
	const char *text = scalar(v);
	if (!text) {
		ans_conf_expect(w->schema, o, why, sizeof(why));
		return fail(w, v, "%s: expected %s, got a %s", full_name(w, o->section, o->name),
			    why, v->type == YAML_MAPPING_NODE ? "map" : "list");
	}
	int rc = ans_conf_value_parse(w->schema, o, text, field, w->in->arena,
				      w->in->base_dir, why, sizeof(why));
	if (rc == ANS_ECONFIG)
		return fail(w, v, "%s: expected %s, got '%s'",
			    full_name(w, o->section, o->name), why, text);
	return rc;
}

/* A list of addresses: a YAML sequence of scalars, or one scalar. */
static int set_addr_list(struct walk *w, const struct ans_conf_option *o,
			 const yaml_node_t *v, struct ans_conf_addr_list *l)
{
	if (v->type != YAML_SEQUENCE_NODE)
		return set_value(w, o, v, l);
	size_t n = seq_len(v);
	if (n == 0)
		return fail(w, v, "%s: expected at least one address, got an empty list",
			    full_name(w, o->section, o->name));
	l->items = ans_arena_alloc(w->in->arena, n * sizeof(*l->items));
	if (!l->items)
		return ANS_ENOMEM;
	l->count = 0;
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *item = seq_at(w, v, i);
		struct ans_conf_addr_list one;
		int rc = set_value(w, o, item, &one);
		if (rc != ANS_OK)
			return rc;
		for (size_t j = 0; j < l->count; j++)
			if (strcmp(l->items[j].text, one.items[0].text) == 0)
				return fail(w, item, "%s: duplicate address '%s'",
					    full_name(w, o->section, o->name), one.items[0].text);
		l->items[l->count++] = one.items[0];
	}
	return ANS_OK;
}

/* A list of names: a YAML sequence of scalars, or one scalar. Duplicates
 * are errors (a repeated id is a typo). An empty list is allowed. */
static int set_str_list(struct walk *w, const struct ans_conf_option *o,
			const yaml_node_t *v, struct ans_conf_str_list *l)
{
	if (v->type != YAML_SEQUENCE_NODE)
		return set_value(w, o, v, l);
	size_t n = seq_len(v);
	l->items = ans_arena_alloc(w->in->arena, (n ? n : 1) * sizeof(*l->items));
	if (!l->items)
		return ANS_ENOMEM;
	l->count = 0;
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *item = seq_at(w, v, i);
		struct ans_conf_str_list one;
		int rc = set_value(w, o, item, &one);
		if (rc != ANS_OK)
			return rc;
		for (size_t j = 0; j < l->count; j++)
			if (strcmp(l->items[j], one.items[0]) == 0)
				return fail(w, item, "%s: duplicate '%s'",
					    full_name(w, o->section, o->name), one.items[0]);
		l->items[l->count++] = one.items[0];
	}
	return ANS_OK;
}

/* A strict list of strings: it must be written as a YAML list, and is
 * kept as written (the program checks each item, e.g. as a prefix). */
static int set_seq(struct walk *w, const struct ans_conf_option *o,
		   const yaml_node_t *v, struct ans_conf_str_list *l)
{
	if (v->type != YAML_SEQUENCE_NODE)
		return fail(w, v, "%s: expected a list of strings",
			    full_name(w, o->section, o->name));
	size_t n = seq_len(v);
	l->items = ans_arena_alloc(w->in->arena, (n ? n : 1) * sizeof(*l->items));
	if (!l->items)
		return ANS_ENOMEM;
	for (l->count = 0; l->count < n; l->count++) {
		yaml_node_t *it = seq_at(w, v, l->count);
		if (!scalar(it))
			return fail(w, it, "%s: expected a string",
				    full_name(w, o->section, o->name));
		char why[256];
		if (o->check && !o->check(scalar(it), why, sizeof(why)))
			return fail(w, it, "%s: expected %s, got '%s'",
				    full_name(w, o->section, o->name), why, scalar(it));
		l->items[l->count] = ans_arena_dup(w->in->arena, scalar(it),
						   strlen(scalar(it)) + 1);
		if (!l->items[l->count])
			return ANS_ENOMEM;
	}
	return ANS_OK;
}

static int set_option(struct walk *w, const struct ans_conf_option *o,
		      const yaml_node_t *v, void *field)
{
	switch (o->type) {
	case ANS_CONF_ADDR_LIST: return set_addr_list(w, o, v, field);
	case ANS_CONF_STR_LIST: return set_str_list(w, o, v, field);
	case ANS_CONF_SEQ: return set_seq(w, o, v, field);
	default: return set_value(w, o, v, field);
	}
}

static bool in_section(const struct ans_conf_option *o, const struct ans_conf_section *s)
{
	return strcmp(o->section, s->name) == 0;
}

static int set_defaults(struct walk *w, const struct ans_conf_section *s, void *item)
{
	char why[256];
	for (size_t i = 0; i < w->schema->option_count; i++) {
		const struct ans_conf_option *o = &w->schema->options[i];
		if (!o->def || !in_section(o, s))
			continue;
		int rc = ans_conf_value_parse(w->schema, o, o->def, (char *)item + o->offset,
					      w->in->arena, NULL, why, sizeof(why));
		if (rc == ANS_ENOMEM)
			return rc;
		if (rc != ANS_OK)
			return fail(w, NULL, "%s: bad default '%s'",
				    full_name(w, s->name, o->name), o->def);
	}
	return ANS_OK;
}

static int check_required(struct walk *w, const struct ans_conf_section *s,
			  const yaml_node_t *at, const unsigned *seen)
{
	for (size_t i = 0; i < w->schema->option_count; i++) {
		const struct ans_conf_option *o = &w->schema->options[i];
		if ((o->flags & ANS_CONF_REQUIRED) && !seen[i] && in_section(o, s))
			return fail(w, at, "%s: missing (required)",
				    full_name(w, s->name, o->name));
	}
	return ANS_OK;
}

/* One `key: value` pair of a map of section `s`; `seen` holds the line of
 * each option already given in this map. */
static int walk_pair(struct walk *w, const struct ans_conf_section *s,
		     const yaml_node_t *k, const yaml_node_t *v, void *item,
		     unsigned *seen)
{
	const char *key = scalar(k) ? scalar(k) : "?";
	const struct ans_conf_option *o = ans_conf_option_find(w->schema, s->name, key);
	if (!o && (w->schema->flags & ANS_CONF_LENIENT))
		return ANS_OK;
	if (!o)
		return fail(w, k, "%s: unknown option", full_name(w, s->name, key));
	size_t idx = (size_t)(o - w->schema->options);
	if (seen[idx])
		return fail(w, k, "%s: duplicate option (first at line %u)",
			    full_name(w, s->name, key), seen[idx]);
	seen[idx] = line_of(k);
	return set_option(w, o, v, (char *)item + o->offset);
}

/* Walks one map of options of section `s` into `item`; `at` locates
 * errors about the map as a whole (missing options). */
static int walk_item(struct walk *w, const struct ans_conf_section *s,
		     const yaml_node_t *map, const yaml_node_t *at, void *item)
{
	unsigned seen[ANS_CONF_MAX_ROWS] = { 0 };
	if (map->type != YAML_MAPPING_NODE)
		return fail(w, map, "%s: expected a map of options", s->name);
	int rc = set_defaults(w, s, item);
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
	     rc == ANS_OK && p < map->data.mapping.pairs.top; p++)
		rc = walk_pair(w, s, yaml_document_get_node(w->doc, p->key),
			       yaml_document_get_node(w->doc, p->value), item, seen);
	if (rc == ANS_OK)
		rc = check_required(w, s, at, seen);
	return rc;
}

/* The key of list item `item` (its ANS_CONF_IS_KEY option) as text. */
static const char *item_key(const struct ans_conf_schema *schema,
			    const struct ans_conf_section *s, const void *item,
			    const struct ans_conf_option **opt)
{
	for (size_t i = 0; i < schema->option_count; i++) {
		const struct ans_conf_option *o = &schema->options[i];
		if ((o->flags & ANS_CONF_IS_KEY) && in_section(o, s)) {
			*opt = o;
			const void *f = (const char *)item + o->offset;
			return o->type == ANS_CONF_DNAME ? ((const struct ans_conf_dname *)f)->text
							 : *(const char *const *)f;
		}
	}
	return NULL;
}

static unsigned *item_line(const struct ans_conf_section *s, char *item)
{
	return s->line_offset == SIZE_MAX ? NULL : (unsigned *)(item + s->line_offset);
}

/* Item `n` of `items` against the ones before it. */
static int check_unique(struct walk *w, const struct ans_conf_section *s, char *items,
			size_t n, const yaml_node_t *node)
{
	const struct ans_conf_option *o;
	const char *key = item_key(w->schema, s, items + n * s->item_size, &o);
	for (size_t i = 0; key && i < n; i++) {
		char *other = items + i * s->item_size;
		const char *other_key = item_key(w->schema, s, other, &o);
		if (other_key && strcmp(key, other_key) == 0) {
			unsigned *first = item_line(s, other);
			return fail(w, node, "%s.%s: duplicate '%s' (first at line %u)",
				    s->name, o->name, key, first ? *first : 0);
		}
	}
	return ANS_OK;
}

static int walk_list(struct walk *w, const struct ans_conf_section *s,
		     const yaml_node_t *seq)
{
	if (seq->type != YAML_SEQUENCE_NODE)
		return fail(w, seq, "%s: expected a list of entries", s->name);
	size_t n = seq_len(seq);
	char *items = ans_arena_alloc(w->in->arena, (n ? n : 1) * s->item_size);
	if (!items)
		return ANS_ENOMEM;
	memset(items, 0, (n ? n : 1) * s->item_size);
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *m = seq_at(w, seq, i);
		char *item = items + i * s->item_size;
		if (item_line(s, item))
			*item_line(s, item) = line_of(m);
		int rc = walk_item(w, s, m, m, item);
		if (rc == ANS_OK)
			rc = check_unique(w, s, items, i, m);
		if (rc != ANS_OK)
			return rc;
	}
	*(char **)((char *)w->root + s->offset) = items;
	*(size_t *)((char *)w->root + s->count_offset) = n;
	return ANS_OK;
}

/* The section whose options are written at the top level, or NULL. */
static const struct ans_conf_section *root_section(const struct ans_conf_schema *schema)
{
	for (size_t i = 0; i < schema->section_count; i++)
		if (schema->sections[i].flags & ANS_CONF_IS_ROOT)
			return &schema->sections[i];
	return NULL;
}

static int fail_root(struct walk *w, const yaml_node_t *root)
{
	char names[256];
	size_t n = 0;
	names[0] = '\0';
	if (root_section(w->schema))
		return fail(w, root, "expected a map of options and sections");
	for (size_t i = 0; i < w->schema->section_count && n < sizeof(names); i++)
		n += (size_t)snprintf(names + n, sizeof(names) - n, "%s%s", i ? ", " : "",
				      w->schema->sections[i].name);
	return fail(w, root, "expected a map of sections (%s)", names);
}

/* Sections not written: required ones are errors, map sections get their
 * defaults and required options as if written empty (but for the root
 * section, walked with the top level, and ANS_CONF_IF_WRITTEN ones). */
static int walk_missing(struct walk *w, const yaml_node_t *root, const unsigned *seen)
{
	for (size_t i = 0; i < w->schema->section_count; i++) {
		const struct ans_conf_section *s = &w->schema->sections[i];
		if (!seen[i] && (s->flags & ANS_CONF_REQUIRED))
			return fail(w, root, "%s: missing (required)", s->name);
	}
	for (size_t i = 0; i < w->schema->section_count; i++) {
		const struct ans_conf_section *s = &w->schema->sections[i];
		if (seen[i] || s->is_list || (s->flags & (ANS_CONF_IS_ROOT | ANS_CONF_IF_WRITTEN)))
			continue;
		yaml_node_t empty = { .type = YAML_MAPPING_NODE, .start_mark = root->start_mark };
		int rc = walk_item(w, s, &empty, &empty, (char *)w->root + s->offset);
		if (rc != ANS_OK)
			return rc;
	}
	return ANS_OK;
}

/* One section of the top level, written as `key: v`. */
static int walk_section(struct walk *w, const struct ans_conf_section *s,
			const yaml_node_t *k, const yaml_node_t *v, unsigned *seen)
{
	size_t idx = (size_t)(s - w->schema->sections);
	if (seen[idx])
		return fail(w, k, "%s: duplicate section (first at line %u)",
			    s->name, seen[idx]);
	seen[idx] = line_of(k);
	return s->is_list ? walk_list(w, s, v)
			  : walk_item(w, s, v, k, (char *)w->root + s->offset);
}

/* The top level: sections, and with a root section its options beside
 * them, in the order written (so the first mistake is the one reported). */
static int walk_root(struct walk *w, const yaml_node_t *root)
{
	unsigned seen[ANS_CONF_MAX_ROWS] = { 0 }, seen_top[ANS_CONF_MAX_ROWS] = { 0 };
	const struct ans_conf_section *top = root_section(w->schema);
	void *top_item = top ? (char *)w->root + top->offset : NULL;
	if (root->type != YAML_MAPPING_NODE)
		return fail_root(w, root);
	int rc = top ? set_defaults(w, top, top_item) : ANS_OK;
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
	     rc == ANS_OK && p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(w->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(w->doc, p->value);
		const char *key = scalar(k) ? scalar(k) : "?";
		const struct ans_conf_section *s = ans_conf_section_find(w->schema, key);
		if (top && (!s || s == top))
			rc = walk_pair(w, top, k, v, top_item, seen_top);
		else if (!s && (w->schema->flags & ANS_CONF_LENIENT))
			continue;
		else if (!s)
			rc = fail(w, k, "%s: unknown section", key);
		else
			rc = walk_section(w, s, k, v, seen);
	}
	if (rc == ANS_OK && top)
		rc = check_required(w, top, root, seen_top);
	return rc == ANS_OK ? walk_missing(w, root, seen) : rc;
}

static int yaml_error(struct walk *w, const yaml_parser_t *parser)
{
	const char *problem = parser->problem;
	const char *context = parser->context;
	yaml_node_t at = { .start_mark = parser->problem_mark };
	if (w->schema->flags & ANS_CONF_YAML_SHORT)
		return fail(w, &at, "YAML: %s", problem ? problem : "syntax error");
	return fail(w, &at, "YAML syntax error, %s%s%s", problem ? problem : "unreadable",
		    context ? " " : "", context ? context : "");
}

int ans_conf_load(const struct ans_conf_schema *schema,
		  const struct ans_conf_input *in, const char *text, size_t len,
		  void *root)
{
	if (schema->option_count > ANS_CONF_MAX_ROWS ||
	    schema->section_count > ANS_CONF_MAX_ROWS)
		return ANS_EINVAL;
	struct walk w = { .schema = schema, .in = in, .root = root };
	yaml_parser_t parser;
	yaml_document_t doc;
	if (!yaml_parser_initialize(&parser))
		return ANS_ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	int rc;
	if (!yaml_parser_load(&parser, &doc)) {
		rc = yaml_error(&w, &parser);
		goto out;
	}
	w.doc = &doc;
	yaml_node_t *top = yaml_document_get_root_node(&doc);
	yaml_node_t empty = { .type = YAML_MAPPING_NODE };
	rc = walk_root(&w, top ? top : &empty);
	yaml_document_delete(&doc);
out:
	yaml_parser_delete(&parser);
	return rc;
}
