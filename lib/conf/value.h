/* SPDX-License-Identifier: MIT */
/*
 * Parsers of single configuration values (one YAML scalar each) and the
 * types they fill, shared by every program's configuration (anynsd,
 * anyns-healthd) through the schema engine (lib/conf/schema.h). Pure
 * functions: no allocation, no global state, thread-safe.
 */
#ifndef ANS_CONF_VALUE_H
#define ANS_CONF_VALUE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "lib/base/err.h"
#include "lib/name/name.h"

#define ANS_CONF_ADDR_TEXT_MAX 64

/* ADDR@PORT as parsed: ready for connect()/bind(). */
struct ans_conf_addr {
	struct sockaddr_storage ss;
	socklen_t len;                      /* 0: unset */
	char text[ANS_CONF_ADDR_TEXT_MAX];  /* "ADDR@PORT", the port always written */
};

struct ans_conf_addr_list {
	struct ans_conf_addr *items;
	size_t count;
};

/* A list of strings (ids, actions, prefixes as written). */
struct ans_conf_str_list {
	const char **items;
	size_t count;
};

struct ans_conf_dname {
	uint8_t wire[ANS_NAME_MAX];         /* lowercased */
	char text[ANS_NAME_TEXT_MAX];       /* absolute presentation form */
};

/* An address range: one address (prefix_len = 32 or 128) or a CIDR prefix. */
struct ans_conf_net {
	int family;                         /* AF_INET or AF_INET6 */
	uint8_t addr[16];
	unsigned prefix_len;
};

/* An integer (decimal, optional sign, no blanks). Errors: ANS_ESYNTAX,
 * ANS_ERANGE (outside int64_t). */
int ans_conf_parse_int(const char *text, int64_t *out) ANS_WUR;

/* true/false, yes/no, on/off, any case. Errors: ANS_ESYNTAX. */
int ans_conf_parse_bool(const char *text, bool *out) ANS_WUR;

/* A duration in milliseconds: a non-negative number with unit ms, s, m, h
 * or d; a bare number is seconds. Errors: ANS_ESYNTAX, ANS_ERANGE. */
int ans_conf_parse_duration(const char *text, int64_t *ms) ANS_WUR;

/* A size in bytes: a non-negative number with optional k/K, M, G (powers
 * of 1024). Errors: ANS_ESYNTAX, ANS_ERANGE. */
int ans_conf_parse_size(const char *text, int64_t *bytes) ANS_WUR;

/* ADDR[@PORT], IPv4 or IPv6, `default_port` when no port is written; port
 * 0 is refused. Errors: ANS_ESYNTAX. */
int ans_conf_parse_addr(const char *text, uint16_t default_port,
			struct ans_conf_addr *out) ANS_WUR;

/* "192.0.2.1", "192.0.2.0/24", "2001:db8::/32". With `host_bits_zero`,
 * bits set past the prefix length are refused (a prefix to announce must
 * be written as what it announces); without, they are kept (an ACL entry
 * "192.0.2.1/24" covers 192.0.2.0/24). Errors: ANS_ESYNTAX. */
int ans_conf_parse_net(const char *text, bool host_bits_zero,
		       struct ans_conf_net *out) ANS_WUR;

/* Whether `addr` (AF_INET or AF_INET6 address bytes of `family`) lies in
 * `net`. */
bool ans_conf_net_has(const struct ans_conf_net *net, int family,
		      const uint8_t *addr);

/* A domain name, lowercased, relative names taken as absolute. Errors:
 * ANS_ESYNTAX. */
int ans_conf_parse_dname(const char *text, struct ans_conf_dname *out) ANS_WUR;

#endif
