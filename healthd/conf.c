/* SPDX-License-Identifier: MIT */
/*
 * DOC: anyns-healthd's configuration loader
 *
 * The shared engine (lib/conf) walks the YAML text against healthd's
 * schema table (conf_schema.c) and fills struct hd_conf: defaults, types,
 * ranges, required options and sections, unique probe ids. The first error
 * stops the load with ONE message, "file:line: what", as in anynsd.
 * hd_conf_finish() (conf_finish.c) then derives and cross-checks
 * (prefixes, query names and types, per-type required probe options,
 * timeout <= interval).
 */
#include "healthd/conf.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "healthd/conf_schema.h"

int hd_conf_finish(struct hd_conf *c, const char *name, char *err, size_t err_size);

int hd_prefix_parse(const char *text, struct hd_prefix *out)
{
	struct ans_conf_net net;
	/* A prefix to announce is written whole: a bare address is a typo. */
	if (!strchr(text, '/') || ans_conf_parse_net(text, true, &net) != ANS_OK)
		return ANS_ESYNTAX;
	memset(out, 0, sizeof(*out));
	out->family = net.family;
	memcpy(out->addr, net.addr, sizeof(out->addr));
	out->len = net.prefix_len;
	char buf[INET6_ADDRSTRLEN];
	inet_ntop(out->family, out->addr, buf, sizeof(buf));
	snprintf(out->text, sizeof(out->text), "%s/%u", buf, out->len);
	return ANS_OK;
}

/* Relative paths are taken from the configuration file's directory; a
 * name without one keeps them as written (relative to the cwd). */
static const char *base_dir(struct ans_arena *a, const char *name)
{
	const char *slash = strrchr(name, '/');
	if (!slash)
		return "";
	char *d = ans_arena_alloc_bytes(a, (size_t)(slash - name) + 1);
	if (d) {
		memcpy(d, name, (size_t)(slash - name));
		d[slash - name] = '\0';
	}
	return d;
}

int hd_conf_load_text(const char *name, const char *text, size_t len,
		      struct hd_conf **out, char *err, size_t err_size)
{
	*out = NULL;
	if (err_size)
		err[0] = '\0';
	struct hd_conf *c = calloc(1, sizeof(*c));
	if (!c)
		return ANS_ENOMEM;
	ans_arena_init(&c->arena, 16384);
	c->path = ans_arena_dup(&c->arena, name, strlen(name) + 1);
	struct ans_conf_errbuf eb = { .buf = err, .size = err_size };
	struct ans_diag diag = { .fn = ans_conf_errbuf_fn, .ctx = &eb };
	struct ans_conf_input in = { .name = name, .arena = &c->arena, .diag = &diag,
				     .base_dir = base_dir(&c->arena, name) };
	int rc = c->path && in.base_dir ? ANS_OK : ANS_ENOMEM;
	if (rc == ANS_OK)
		rc = ans_conf_load(&hd_conf_schema, &in, text, len, c);
	if (rc == ANS_OK)
		rc = hd_conf_finish(c, name, err, err_size);
	if (rc != ANS_OK) {
		hd_conf_free(c);
		return rc;
	}
	*out = c;
	return ANS_OK;
}

int hd_conf_load_file(const char *path, struct hd_conf **out, char *err,
		      size_t err_size)
{
	*out = NULL;
	char *text;
	size_t len;
	int rc = ans_conf_read_file(path, &text, &len, err, err_size);
	if (rc == ANS_OK)
		rc = hd_conf_load_text(path, text, len, out, err, err_size);
	free(text);
	return rc;
}

void hd_conf_free(struct hd_conf *c)
{
	if (!c)
		return;
	ans_arena_free(&c->arena);
	free(c);
}
