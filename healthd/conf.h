/* SPDX-License-Identifier: MIT */
/*
 * The configuration of anyns-healthd, loaded from YAML with the same
 * conventions as anynsd (doc/config.md), read by the same engine
 * (lib/conf): one schema table (conf_schema.c) declares every option; unknown sections and options, wrong types and
 * out-of-range values are errors reported as "file:line: section.option:
 * what was expected". One immutable generation in one arena.
 *
 * The `announce` section has the exact shape `anyns roa -c` reads:
 *   announce: { asn: 65001, prefixes: [ "203.0.113.0/24" ] }
 */
#ifndef HEALTHD_CONF_H
#define HEALTHD_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include "lib/base/arena.h"
#include "lib/base/err.h"
#include "lib/conf/value.h"
#include "lib/name/name.h"

#define HD_TEXT_MAX 64

struct hd_prefix {
	int family;                     /* AF_INET or AF_INET6 */
	uint8_t addr[16];
	unsigned len;
	char text[HD_TEXT_MAX];         /* canonical "203.0.113.0/24" */
};

enum hd_speaker_type { HD_SPEAKER_BIRD, HD_SPEAKER_FRR, HD_SPEAKER_EXABGP };
enum hd_probe_type { HD_PROBE_DNS, HD_PROBE_ZONE, HD_PROBE_PROCESS, HD_PROBE_COMMAND };

struct hd_conf_announce {
	int64_t asn;
	struct ans_conf_str_list prefixes;
	/* Derived: */
	struct hd_prefix *items;
	size_t count;
};

struct hd_conf_speaker {
	int type;                       /* enum hd_speaker_type */
	const char *socket;             /* bird: control socket */
	const char *protocol;           /* bird: static protocol of the announcement */
	const char *drain_protocol;     /* bird: the same routes with 65535:0 */
	const char *vtysh;              /* frr: vtysh binary */
	const char *route_map;          /* frr: route-map adding 65535:0 */
	int64_t timeout_ms;             /* per request to the speaker */
	int64_t retry_ms;               /* after a failed request */
	int64_t refresh_ms;             /* re-assert the state this often */
};

struct hd_conf_healthd {
	const char *control;            /* unix control socket, NULL: none */
	struct ans_conf_addr metrics;         /* HTTP /metrics; family 0: none */
	const char *tun;                /* fail-closed device name; "": none */
	const char *identity;           /* node name in metrics and status */
};

struct hd_conf_policy {
	int64_t rise, fall;
	int64_t hold_down_ms, hold_down_max_ms, hold_down_decay_ms;
	int64_t drain_time_ms;
};

struct hd_conf_probe {
	const char *id;
	int type;                       /* enum hd_probe_type */
	unsigned line;
	int64_t interval_ms, timeout_ms;
	struct ans_conf_addr server;          /* dns, zone */
	const char *name;               /* dns: query name; zone: apex */
	const char *qtype;              /* dns */
	const char *rcode;              /* dns */
	const char *answer;             /* dns: expected rdata text in the answer */
	struct ans_conf_addr primary;         /* zone: hidden primary; family 0: none */
	int64_t max_serial_lag;         /* zone */
	const char *pidfile;            /* process */
	const char *command;            /* command: run by /bin/sh -c */
	/* Derived: */
	uint8_t qname[ANS_NAME_MAX];
	uint16_t qtype_code;
	int rcode_code;
};

struct hd_conf {
	struct ans_arena arena;
	const char *path;
	struct hd_conf_announce announce;
	struct hd_conf_speaker speaker;
	struct hd_conf_healthd healthd;
	struct hd_conf_policy policy;
	struct hd_conf_probe *probes;
	size_t probe_count;
};

/* Loads and checks `path`. On error *out is NULL, ANS_ECONFIG (or
 * ANS_ENOENT, ANS_EIO, ANS_ENOMEM) is returned and `err` holds one message
 * "file:line: section.option: what was expected". */
int hd_conf_load_file(const char *path, struct hd_conf **out, char *err,
		      size_t err_size) ANS_WUR;

/* As hd_conf_load_file, from memory; `name` names the text in messages. */
int hd_conf_load_text(const char *name, const char *text, size_t len,
		      struct hd_conf **out, char *err, size_t err_size) ANS_WUR;

/* Parses "203.0.113.0/24" or "2001:db8::/32" (host bits must be zero).
 * Errors: ANS_ESYNTAX. Pure. */
int hd_prefix_parse(const char *text, struct hd_prefix *out) ANS_WUR;

/* Prints the configuration reference (markdown) from the schema table. */
void hd_conf_print_reference(FILE *out);

void hd_conf_free(struct hd_conf *c);

#endif
