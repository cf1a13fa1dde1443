/* SPDX-License-Identifier: MIT */
/*
 * DOC: anyns-healthd's configuration loader
 *
 * libyaml loads the file as a node tree; walk_section() checks every map
 * against the schema table (conf_schema.c) and fills struct hd_conf. The
 * first error stops the walk with ONE message, "file:line: what", as in
 * anynsd. Defaults are parsed from the table's `def` text before a map is
 * walked; required options are checked after it; finish() then derives
 * and cross-checks (prefixes, query names and types, per-type required
 * probe options, timeout <= interval).
 */
#include "healthd/conf.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "healthd/conf_schema.h"
#include "lib/wire/rdata.h"

struct walk {
	struct hd_conf *conf;
	yaml_document_t *doc;
	const char *name;
	char base_dir[512];
	char *err;
	size_t err_size;
};

static int fail(struct walk *w, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct walk *w, unsigned line, const char *fmt, ...)
{
	int n = snprintf(w->err, w->err_size, "%s:%u: ", w->name, line ? line : 1);
	if (n < 0 || (size_t)n >= w->err_size)
		return ANS_ECONFIG;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(w->err + n, w->err_size - (size_t)n, fmt, ap);
	va_end(ap);
	return ANS_ECONFIG;
}

static unsigned line_of(const yaml_node_t *n)
{
	return (unsigned)n->start_mark.line + 1;
}

static const char *scalar(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

int hd_parse_duration(const char *text, int64_t *ms)
{
	static const struct { const char *unit; int64_t ms; } units[] = {
		{ "ms", 1 }, { "s", 1000 }, { "", 1000 }, { "m", 60000 },
		{ "h", 3600000 }, { "d", 86400000 },
	};
	char *end;
	if (!isdigit((unsigned char)text[0]))
		return ANS_ESYNTAX;
	unsigned long long v = strtoull(text, &end, 10);
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].unit) != 0)
			continue;
		if (v > (unsigned long long)INT64_MAX / (unsigned long long)units[i].ms)
			return ANS_ERANGE;
		*ms = (int64_t)v * units[i].ms;
		return ANS_OK;
	}
	return ANS_ESYNTAX;
}

int hd_parse_addr(const char *text, struct hd_addr *out)
{
	char host[48];
	const char *at = strrchr(text, '@');
	size_t hl = at ? (size_t)(at - text) : strlen(text);
	unsigned long port = 53;
	if (hl == 0 || hl >= sizeof(host))
		return ANS_ESYNTAX;
	memcpy(host, text, hl);
	host[hl] = '\0';
	if (at) {
		char *end;
		port = strtoul(at + 1, &end, 10);
		if (!isdigit((unsigned char)at[1]) || *end || port == 0 || port > 65535)
			return ANS_ESYNTAX;
	}
	memset(out, 0, sizeof(*out));
	struct sockaddr_in *a4 = (struct sockaddr_in *)&out->ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&out->ss;
	if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		out->len = sizeof(*a4);
	} else if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		out->len = sizeof(*a6);
	} else {
		return ANS_ESYNTAX;
	}
	snprintf(out->text, sizeof(out->text), "%s@%lu", host, port);
	return ANS_OK;
}

int hd_prefix_parse(const char *text, struct hd_prefix *out)
{
	char host[48], *end;
	const char *slash = strchr(text, '/');
	if (!slash || (size_t)(slash - text) >= sizeof(host) || !isdigit((unsigned char)slash[1]))
		return ANS_ESYNTAX;
	memcpy(host, text, (size_t)(slash - text));
	host[slash - text] = '\0';
	unsigned long len = strtoul(slash + 1, &end, 10);
	memset(out, 0, sizeof(*out));
	out->family = strchr(host, ':') ? AF_INET6 : AF_INET;
	unsigned max = out->family == AF_INET ? 32 : 128;
	if (*end || len > max || inet_pton(out->family, host, out->addr) != 1)
		return ANS_ESYNTAX;
	out->len = (unsigned)len;
	/* Host bits set would announce something else than written. */
	for (unsigned bit = out->len; bit < max; bit++)
		if (out->addr[bit / 8] & (0x80 >> (bit % 8)))
			return ANS_ESYNTAX;
	char buf[INET6_ADDRSTRLEN];
	inet_ntop(out->family, out->addr, buf, sizeof(buf));
	snprintf(out->text, sizeof(out->text), "%s/%u", buf, out->len);
	return ANS_OK;
}

static int parse_scalar(struct walk *w, const struct hd_option *o,
			const char *text, unsigned line, void *field)
{
	char why[256];
	int rc = ANS_OK;
	switch (o->type) {
	case HD_PATH:
		if (text[0] != '/' && w->base_dir[0]) {
			size_t n = strlen(w->base_dir) + strlen(text) + 2;
			char *p = ans_arena_alloc_bytes(&w->conf->arena, n);
			if (!p)
				return ANS_ENOMEM;
			snprintf(p, n, "%s/%s", w->base_dir, text);
			*(const char **)field = p;
			return ANS_OK;
		}
		/* fall through */
	case HD_STR: {
		char *p = ans_arena_dup(&w->conf->arena, text, strlen(text) + 1);
		if (!p)
			return ANS_ENOMEM;
		*(const char **)field = p;
		return ANS_OK;
	}
	case HD_INT: {
		char *end;
		long long v = strtoll(text, &end, 10);
		if (!*text || *end || v < o->min || v > o->max)
			rc = ANS_ECONFIG;
		else
			*(int64_t *)field = v;
		break;
	}
	case HD_DURATION: {
		int64_t v;
		if (hd_parse_duration(text, &v) != ANS_OK || v < o->min || v > o->max)
			rc = ANS_ECONFIG;
		else
			*(int64_t *)field = v;
		break;
	}
	case HD_ENUM:
		rc = ANS_ECONFIG;
		for (int i = 0; o->enum_values[i]; i++)
			if (strcmp(o->enum_values[i], text) == 0) {
				*(int *)field = i;
				rc = ANS_OK;
			}
		break;
	case HD_ADDR:
		if (hd_parse_addr(text, field) != ANS_OK)
			rc = ANS_ECONFIG;
		break;
	case HD_STR_LIST:
		rc = ANS_ECONFIG;
		break;
	}
	if (rc == ANS_ECONFIG) {
		hd_schema_expect(o, why, sizeof(why));
		return fail(w, line, "%s.%s: expected %s, got '%s'", o->section,
			    o->name, why, text);
	}
	return rc;
}

static int parse_list(struct walk *w, const struct hd_option *o,
		      const yaml_node_t *v, struct hd_str_list *l)
{
	if (v->type != YAML_SEQUENCE_NODE)
		return fail(w, line_of(v), "%s.%s: expected a list of strings",
			    o->section, o->name);
	size_t n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
	l->items = ans_arena_alloc(&w->conf->arena, (n ? n : 1) * sizeof(*l->items));
	if (!l->items)
		return ANS_ENOMEM;
	for (l->count = 0; l->count < n; l->count++) {
		yaml_node_t *it = yaml_document_get_node(w->doc,
			v->data.sequence.items.start[l->count]);
		if (!scalar(it))
			return fail(w, line_of(it), "%s.%s: expected a string",
				    o->section, o->name);
		l->items[l->count] = ans_arena_dup(&w->conf->arena, scalar(it),
						   strlen(scalar(it)) + 1);
		if (!l->items[l->count])
			return ANS_ENOMEM;
	}
	return ANS_OK;
}

static int set_option(struct walk *w, const struct hd_option *o,
		      const yaml_node_t *v, void *item)
{
	void *field = (char *)item + o->offset;
	if (o->type == HD_STR_LIST)
		return parse_list(w, o, v, field);
	if (!scalar(v)) {
		char why[256];
		hd_schema_expect(o, why, sizeof(why));
		return fail(w, line_of(v), "%s.%s: expected %s, got a %s", o->section,
			    o->name, why, v->type == YAML_MAPPING_NODE ? "map" : "list");
	}
	return parse_scalar(w, o, scalar(v), line_of(v), field);
}

static int walk_map(struct walk *w, const struct hd_section *s,
		    const yaml_node_t *map, void *item)
{
	unsigned seen[64] = { 0 };
	if (map->type != YAML_MAPPING_NODE)
		return fail(w, line_of(map), "%s: expected a map of options", s->name);
	for (size_t i = 0; i < hd_option_count; i++) {
		const struct hd_option *o = &hd_options[i];
		if (o->def && strcmp(o->section, s->name) == 0) {
			int rc = parse_scalar(w, o, o->def, 0, (char *)item + o->offset);
			if (rc != ANS_OK)
				return rc;
		}
	}
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(w->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(w->doc, p->value);
		const char *key = scalar(k) ? scalar(k) : "?";
		const struct hd_option *o = hd_schema_option(s->name, key);
		if (!o)
			return fail(w, line_of(k), "%s.%s: unknown option", s->name, key);
		size_t idx = (size_t)(o - hd_options);
		if (seen[idx])
			return fail(w, line_of(k), "%s.%s: duplicate option (first at line %u)",
				    s->name, key, seen[idx]);
		seen[idx] = line_of(k);
		int rc = set_option(w, o, v, item);
		if (rc != ANS_OK)
			return rc;
	}
	for (size_t i = 0; i < hd_option_count; i++)
		if ((hd_options[i].flags & HD_REQUIRED) && !seen[i] &&
		    strcmp(hd_options[i].section, s->name) == 0)
			return fail(w, line_of(map), "%s.%s: missing (required)",
				    s->name, hd_options[i].name);
	return ANS_OK;
}

static int walk_list(struct walk *w, const struct hd_section *s,
		     const yaml_node_t *seq)
{
	if (seq->type != YAML_SEQUENCE_NODE)
		return fail(w, line_of(seq), "%s: expected a list of maps", s->name);
	size_t n = (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
	char *items = ans_arena_alloc(&w->conf->arena, (n ? n : 1) * s->item_size);
	if (!items)
		return ANS_ENOMEM;
	memset(items, 0, (n ? n : 1) * s->item_size);
	*(void **)((char *)w->conf + s->offset) = items;
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *it = yaml_document_get_node(w->doc, seq->data.sequence.items.start[i]);
		struct hd_conf_probe *p = (struct hd_conf_probe *)(items + i * s->item_size);
		int rc = walk_map(w, s, it, p);
		if (rc != ANS_OK)
			return rc;
		p->line = line_of(it);
		for (size_t j = 0; j < i; j++)
			if (strcmp(w->conf->probes[j].id, p->id) == 0)
				return fail(w, p->line, "probe.id: duplicate '%s' (first at line %u)",
					    p->id, w->conf->probes[j].line);
		*(size_t *)((char *)w->conf + s->count_offset) = i + 1;
	}
	return ANS_OK;
}

static int walk_root(struct walk *w, const yaml_node_t *root)
{
	unsigned seen[8] = { 0 };
	if (!root || root->type != YAML_MAPPING_NODE)
		return fail(w, root ? line_of(root) : 1, "expected a map of sections "
			    "(announce, speaker, healthd, policy, probe)");
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
	     p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(w->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(w->doc, p->value);
		const char *key = scalar(k) ? scalar(k) : "?";
		const struct hd_section *s = hd_schema_section(key);
		if (!s)
			return fail(w, line_of(k), "%s: unknown section", key);
		size_t idx = (size_t)(s - hd_sections);
		if (seen[idx])
			return fail(w, line_of(k), "%s: duplicate section (first at line %u)",
				    key, seen[idx]);
		seen[idx] = line_of(k);
		int rc = s->is_list ? walk_list(w, s, v)
				    : walk_map(w, s, v, (char *)w->conf + s->offset);
		if (rc != ANS_OK)
			return rc;
	}
	if (!seen[0])
		return fail(w, 1, "announce: missing (required)");
	/* Sections not written still get their defaults. */
	static const yaml_node_t empty = { .type = YAML_MAPPING_NODE };
	for (size_t i = 1; i < hd_section_count; i++)
		if (!seen[i] && !hd_sections[i].is_list) {
			int rc = walk_map(w, &hd_sections[i], &empty,
					  (char *)w->conf + hd_sections[i].offset);
			if (rc != ANS_OK)
				return rc;
		}
	return ANS_OK;
}

int hd_conf_finish(struct hd_conf *c, const char *name, char *err, size_t err_size);

int hd_conf_load_text(const char *name, const char *text, size_t len,
		      struct hd_conf **out, char *err, size_t err_size)
{
	*out = NULL;
	struct hd_conf *c = calloc(1, sizeof(*c));
	if (!c)
		return ANS_ENOMEM;
	ans_arena_init(&c->arena, 16384);
	c->path = ans_arena_dup(&c->arena, name, strlen(name) + 1);
	struct walk w = { .conf = c, .name = name, .err = err, .err_size = err_size };
	const char *slash = strrchr(name, '/');
	if (slash && (size_t)(slash - name) < sizeof(w.base_dir))
		memcpy(w.base_dir, name, (size_t)(slash - name));
	yaml_parser_t parser;
	yaml_document_t doc;
	int rc = ANS_ECONFIG;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		fail(&w, (unsigned)parser.problem_mark.line + 1, "YAML: %s",
		     parser.problem ? parser.problem : "syntax error");
		yaml_parser_delete(&parser);
		goto out;
	}
	w.doc = &doc;
	rc = walk_root(&w, yaml_document_get_root_node(&doc));
	if (rc == ANS_OK)
		rc = hd_conf_finish(c, name, err, err_size);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
out:
	if (rc != ANS_OK)
		hd_conf_free(c);
	else
		*out = c;
	return rc;
}

int hd_conf_load_file(const char *path, struct hd_conf **out, char *err,
		      size_t err_size)
{
	*out = NULL;
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, err_size, "%s: cannot open (%s)", path, strerror(errno));
		return errno == ENOENT ? ANS_ENOENT : ANS_EIO;
	}
	char *buf = malloc(1 << 20);
	size_t n = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
	fclose(f);
	if (!buf)
		return ANS_ENOMEM;
	int rc = hd_conf_load_text(path, buf, n, out, err, err_size);
	free(buf);
	return rc;
}

void hd_conf_free(struct hd_conf *c)
{
	if (!c)
		return;
	ans_arena_free(&c->arena);
	free(c);
}
