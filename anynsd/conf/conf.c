/* SPDX-License-Identifier: MIT */
/*
 * DOC: anynsd's configuration loader
 *
 * The shared engine (lib/conf) walks the YAML text against anynsd's schema
 * table (schema.c) and fills struct conf; it stops at the first error and
 * reports it as ONE message:
 *     anynsd.yaml:7: server.workers: expected an integer 1..256, got 'many'
 * Then, in this order: derived values (identity, NSID, version, workers)
 * are computed (finish()), and references between sections are resolved
 * (refs.c), each with the same message form.
 *
 * Everything lives in the configuration's own arena: one generation, freed
 * whole by conf_free().
 */
#include "anynsd/conf/conf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "anynsd/conf/schema.h"
#include "lib/conf/schema.h"
#include "anynsd/version.h"

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

int conf_load_text(const char *name, const char *text, size_t len,
		   struct conf **out, char *err, size_t err_size)
{
	*out = NULL;
	err[0] = '\0';
	struct conf *c = calloc(1, sizeof(*c));
	if (!c)
		return ANS_ENOMEM;
	ans_arena_init(&c->arena, 0);
	c->path = ans_arena_dup(&c->arena, name, strlen(name) + 1);
	struct ans_conf_errbuf eb = { .buf = err, .size = err_size };
	struct ans_diag diag = { .fn = ans_conf_errbuf_fn, .ctx = &eb };
	struct ans_conf_input in = { .name = name, .arena = &c->arena, .diag = &diag,
				     .base_dir = dir_of(&c->arena, name) };
	int rc = c->path && in.base_dir ? ANS_OK : ANS_ENOMEM;
	if (rc == ANS_OK)
		rc = ans_conf_load(&conf_schema, &in, text, len, c);
	if (rc == ANS_OK)
		rc = finish(c);
	if (rc == ANS_OK)
		rc = conf_resolve(c, err, err_size);
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
	char *text;
	size_t len;
	int rc = ans_conf_read_file(path, &text, &len, err, err_size);
	if (rc == ANS_OK)
		rc = conf_load_text(path, text, len, out, err, err_size);
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
