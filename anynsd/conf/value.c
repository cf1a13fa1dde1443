/* SPDX-License-Identifier: MIT */
#include "anynsd/conf/value.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/name/name.h"

int conf_parse_int(const char *text, int64_t *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(text, &end, 10);
	if (end == text || *end != '\0' || isspace((unsigned char)*text))
		return ANS_ESYNTAX;
	if (errno == ERANGE)
		return ANS_ERANGE;
	*out = v;
	return ANS_OK;
}

int conf_parse_bool(const char *text, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on" };
	static const char *const no[] = { "false", "no", "off" };
	for (size_t i = 0; i < 3; i++) {
		if (strcasecmp(text, yes[i]) == 0) {
			*out = true;
			return ANS_OK;
		}
		if (strcasecmp(text, no[i]) == 0) {
			*out = false;
			return ANS_OK;
		}
	}
	return ANS_ESYNTAX;
}

/* A non-negative number followed by a unit from `units`; `def` is the
 * multiplier of a bare number. */
struct unit { const char *name; int64_t mult; };

static int parse_with_unit(const char *text, const struct unit *units,
			   int64_t def, int64_t *out)
{
	char *end;
	if (!isdigit((unsigned char)*text))
		return ANS_ESYNTAX;
	errno = 0;
	unsigned long long v = strtoull(text, &end, 10);
	if (errno == ERANGE || v > INT64_MAX / 1000 / 86400)
		return ANS_ERANGE;
	int64_t mult = *end == '\0' ? def : 0;
	for (size_t i = 0; !mult && units[i].name; i++)
		if (strcmp(end, units[i].name) == 0)
			mult = units[i].mult;
	if (!mult)
		return ANS_ESYNTAX;
	*out = (int64_t)v * mult;
	return ANS_OK;
}

int conf_parse_duration(const char *text, int64_t *ms)
{
	static const struct unit units[] = {
		{ "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 },
		{ "d", 86400000 }, { NULL, 0 },
	};
	return parse_with_unit(text, units, 1000, ms);
}

int conf_parse_size(const char *text, int64_t *bytes)
{
	static const struct unit units[] = {
		{ "k", 1024 }, { "K", 1024 }, { "M", 1024 * 1024 },
		{ "G", 1024 * 1024 * 1024 }, { NULL, 0 },
	};
	return parse_with_unit(text, units, 1, bytes);
}

static int parse_port(const char *text, uint16_t *port)
{
	int64_t v;
	if (conf_parse_int(text, &v) != ANS_OK || v < 1 || v > 65535 || *text == '+')
		return ANS_ESYNTAX;
	*port = (uint16_t)v;
	return ANS_OK;
}

int conf_parse_addr(const char *text, struct conf_addr *out)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *at = strchr(text, '@');
	size_t host_len = at ? (size_t)(at - text) : strlen(text);
	uint16_t port = 53;
	if (host_len == 0 || host_len >= sizeof(host))
		return ANS_ESYNTAX;
	memcpy(host, text, host_len);
	host[host_len] = '\0';
	if (at && parse_port(at + 1, &port) != ANS_OK)
		return ANS_ESYNTAX;
	memset(out, 0, sizeof(*out));
	struct sockaddr_in *sin = (struct sockaddr_in *)&out->ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&out->ss;
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		out->len = sizeof(*sin);
	} else if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		out->len = sizeof(*sin6);
	} else {
		return ANS_ESYNTAX;
	}
	snprintf(out->text, sizeof(out->text), "%s@%u", host, port);
	return ANS_OK;
}

static char *join_path(struct ans_arena *a, const char *base_dir, const char *path)
{
	size_t n = strlen(path) + 1;
	if (path[0] == '/' || !base_dir || !*base_dir)
		return ans_arena_dup(a, path, n);
	size_t b = strlen(base_dir);
	char *s = ans_arena_alloc_bytes(a, b + 1 + n);
	if (s) {
		memcpy(s, base_dir, b);
		s[b] = '/';
		memcpy(s + b + 1, path, n);
	}
	return s;
}

static int parse_dname(const char *text, struct conf_dname *d)
{
	size_t len;
	if (!*text || ans_name_from_text(d->wire, &len, text, strlen(text),
					 ans_name_root) != ANS_OK)
		return ANS_ESYNTAX;
	ans_name_lower(d->wire);
	if (ans_name_to_text(d->wire, d->text, sizeof(d->text)) < 0)
		return ANS_ESYNTAX;
	return ANS_OK;
}

static int parse_enum(const struct conf_option *o, const char *text, int *out)
{
	for (int i = 0; o->enum_values[i]; i++) {
		if (strcmp(o->enum_values[i], text) == 0) {
			*out = i;
			return ANS_OK;
		}
	}
	return ANS_ESYNTAX;
}

static int parse_number(const struct conf_option *o, const char *text, int64_t *v)
{
	int rc = o->type == CONF_INT ? conf_parse_int(text, v) :
		 o->type == CONF_DURATION ? conf_parse_duration(text, v) :
		 conf_parse_size(text, v);
	if (rc == ANS_OK && (*v < o->min || *v > o->max))
		rc = ANS_ERANGE;
	return rc;
}

static int parse_string(const struct conf_option *o, const char *text,
			const char **field, struct ans_arena *a,
			const char *base_dir, char *why, size_t why_size)
{
	if (o->check && !o->check(text, why, why_size))
		return ANS_ECONFIG;
	if (o->type == CONF_PATH && !*text)
		return ANS_ESYNTAX;
	*field = o->type == CONF_PATH ? join_path(a, base_dir, text)
				      : ans_arena_dup(a, text, strlen(text) + 1);
	return *field ? ANS_OK : ANS_ENOMEM;
}

static int parse_addr_list(const char *text, struct conf_addr_list *l,
			   struct ans_arena *a)
{
	struct conf_addr *item = ans_arena_alloc(a, sizeof(*item));
	if (!item)
		return ANS_ENOMEM;
	if (conf_parse_addr(text, item) != ANS_OK)
		return ANS_ESYNTAX;
	l->items = item;
	l->count = 1;
	return ANS_OK;
}

static int parse_str_list(const char *text, struct conf_str_list *l,
			  struct ans_arena *a)
{
	const char **item = ans_arena_alloc(a, sizeof(*item));
	if (!item)
		return ANS_ENOMEM;
	if (!*text)
		return ANS_ESYNTAX;
	*item = ans_arena_dup(a, text, strlen(text) + 1);
	if (!*item)
		return ANS_ENOMEM;
	l->items = item;
	l->count = 1;
	return ANS_OK;
}

static int parse_typed(const struct conf_option *o, const char *text, void *field,
		       struct ans_arena *a, const char *base_dir, char *why,
		       size_t why_size)
{
	switch (o->type) {
	case CONF_STR:
	case CONF_PATH:
		return parse_string(o, text, field, a, base_dir, why, why_size);
	case CONF_INT:
	case CONF_DURATION:
	case CONF_SIZE:
		return parse_number(o, text, field);
	case CONF_BOOL: return conf_parse_bool(text, field);
	case CONF_ENUM: return parse_enum(o, text, field);
	case CONF_ADDR: return conf_parse_addr(text, field);
	case CONF_ADDR_LIST: return parse_addr_list(text, field, a);
	case CONF_DNAME: return parse_dname(text, field);
	case CONF_STR_LIST: return parse_str_list(text, field, a);
	}
	return ANS_EINVAL;
}

int conf_value_parse(const struct conf_option *o, const char *text, void *field,
		     struct ans_arena *a, const char *base_dir,
		     char *why, size_t why_size)
{
	why[0] = '\0';
	int rc = parse_typed(o, text, field, a, base_dir, why, why_size);
	if (rc == ANS_OK || rc == ANS_ENOMEM)
		return rc;
	if (!why[0])
		conf_schema_expect(o, why, why_size);
	return ANS_ECONFIG;
}
