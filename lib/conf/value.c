/* SPDX-License-Identifier: MIT */
#include "lib/conf/value.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int ans_conf_parse_int(const char *text, int64_t *out)
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

int ans_conf_parse_bool(const char *text, bool *out)
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
	/* The largest multiplier is a day in ms: anything that fits once
	 * multiplied by it fits with every unit. */
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

int ans_conf_parse_duration(const char *text, int64_t *ms)
{
	static const struct unit units[] = {
		{ "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 },
		{ "d", 86400000 }, { NULL, 0 },
	};
	return parse_with_unit(text, units, 1000, ms);
}

int ans_conf_parse_size(const char *text, int64_t *bytes)
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
	if (!isdigit((unsigned char)*text) || ans_conf_parse_int(text, &v) != ANS_OK ||
	    v < 1 || v > 65535)
		return ANS_ESYNTAX;
	*port = (uint16_t)v;
	return ANS_OK;
}

int ans_conf_parse_addr(const char *text, uint16_t default_port,
			struct ans_conf_addr *out)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *at = strchr(text, '@');
	size_t host_len = at ? (size_t)(at - text) : strlen(text);
	uint16_t port = default_port;
	if (host_len == 0 || host_len >= sizeof(host))
		return ANS_ESYNTAX;
	memcpy(host, text, host_len);
	host[host_len] = '\0';
	if ((at && parse_port(at + 1, &port) != ANS_OK) || port == 0)
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

static bool has_host_bits(const struct ans_conf_net *n, unsigned max)
{
	for (unsigned bit = n->prefix_len; bit < max; bit++)
		if (n->addr[bit / 8] & (0x80 >> (bit % 8)))
			return true;
	return false;
}

int ans_conf_parse_net(const char *text, bool host_bits_zero,
		       struct ans_conf_net *out)
{
	char buf[INET6_ADDRSTRLEN + 8];
	if (strlen(text) >= sizeof(buf))
		return ANS_ESYNTAX;
	strcpy(buf, text);
	char *slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	memset(out, 0, sizeof(*out));
	out->family = strchr(buf, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(out->family, buf, out->addr) != 1)
		return ANS_ESYNTAX;
	unsigned max = out->family == AF_INET ? 32 : 128;
	out->prefix_len = max;
	if (!slash)
		return ANS_OK;
	char *end;
	unsigned long len = strtoul(slash, &end, 10);
	if (!isdigit((unsigned char)*slash) || *end || len > max)
		return ANS_ESYNTAX;
	out->prefix_len = (unsigned)len;
	if (host_bits_zero && has_host_bits(out, max))
		return ANS_ESYNTAX;
	return ANS_OK;
}

bool ans_conf_net_has(const struct ans_conf_net *n, int family, const uint8_t *a)
{
	if (family != n->family)
		return false;
	unsigned full = n->prefix_len / 8, rest = n->prefix_len % 8;
	if (memcmp(a, n->addr, full) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (a[full] & mask) == (n->addr[full] & mask);
}

int ans_conf_parse_dname(const char *text, struct ans_conf_dname *d)
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
