/* SPDX-License-Identifier: MIT */
/*
 * The configuration of anynsd, as loaded from a YAML file: one immutable
 * generation, all of it in one arena, freed whole with conf_free(). Every
 * option is declared in the schema table (conf/schema.c); the shared
 * engine (lib/conf) fills these structures from that table alone.
 */
#ifndef ANYNSD_CONF_CONF_H
#define ANYNSD_CONF_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "lib/base/arena.h"
#include "lib/base/err.h"
#include "lib/conf/value.h"
#include "lib/name/name.h"
#include "lib/wire/tsig.h"

#define CONF_NSID_MAX 128

struct conf_server {
	struct ans_conf_addr_list listen;
	const char *identity;           /* NULL: unset; "": disabled */
	const char *version;            /* NULL: unset; "": disabled */
	int64_t workers;                /* 0: unset (number of CPUs) */
	const char *storage;
	int64_t udp_max_payload;
	int64_t tcp_idle_timeout_ms;
	int64_t tcp_io_timeout_ms;
	int64_t tcp_max_clients;
	bool nsid;                      /* send the NSID when asked */
	bool chaos;                     /* answer CHAOS id/version queries */
	const char *pidfile;            /* NULL: none */
	const char *control;            /* control socket path, NULL: none */
	struct ans_conf_addr metrics;       /* family 0: no metrics endpoint */
};

/* A TSIG key (RFC 8945). */
struct conf_key {
	const char *id;                 /* the key name, as in Knot and BIND */
	const char *algorithm;
	const char *secret;             /* base64 */
	unsigned line;
	struct ans_tsig_key tsig;       /* derived: the parsed key */
};

/* A server we talk to: a primary we pull from, a secondary we notify. */
struct conf_remote {
	const char *id;
	struct ans_conf_addr_list address;
	const char *key;                /* key id, or NULL */
	struct ans_conf_addr via;           /* source address; family 0: any */
	unsigned line;
	const struct conf_key *key_ref; /* derived */
};

enum { CONF_ACTION_TRANSFER = 1 << 0, CONF_ACTION_NOTIFY = 1 << 1 };

struct conf_acl {
	const char *id;
	struct ans_conf_str_list address;   /* "192.0.2.0/24", "::1" */
	struct ans_conf_str_list key;       /* key ids; empty: no key required */
	struct ans_conf_str_list action;    /* transfer, notify */
	unsigned line;
	/* Derived: */
	struct ans_conf_net *nets;      /* single addresses or CIDR prefixes */
	size_t net_count;
	const struct conf_key **keys;
	size_t key_count;
	unsigned actions;               /* CONF_ACTION_* */
};

struct conf_zone {
	struct ans_conf_dname domain;
	const char *file;               /* absolute or relative to the cwd */
	unsigned line;                  /* where the entry starts */
	struct ans_conf_str_list primary;   /* remote ids: we are a secondary */
	struct ans_conf_str_list notify;    /* remote ids sent NOTIFY */
	struct ans_conf_str_list acl;       /* acl ids */
	int64_t max_size;               /* bytes of a received transfer */
	int64_t max_records;            /* answer RRs of a received transfer */
	int64_t journal_max_entries;
	int64_t journal_max_size;
	const char *journal_content;    /* "changes" or "all" */
	int64_t refresh_min_ms, refresh_max_ms;
	/* Derived: */
	bool keeps_copy;                /* journal-content: all */
	const struct conf_remote **primaries;
	size_t primary_count;
	const struct conf_remote **notifies;
	size_t notify_count;
	const struct conf_acl **acls;
	size_t acl_count;
};

struct conf {
	struct ans_arena arena;
	const char *path;               /* as given */
	struct conf_server server;
	struct conf_zone *zones;
	size_t zone_count;
	struct conf_key *keys;
	size_t key_count;
	struct conf_remote *remotes;
	size_t remote_count;
	struct conf_acl *acls;
	size_t acl_count;
	/* Derived by conf_load after the walk: */
	const char *identity;           /* NULL: none (CHAOS id refused) */
	const char *version;            /* NULL: none */
	uint8_t nsid[CONF_NSID_MAX];
	uint16_t nsid_len;              /* 0: no NSID */
};

/* Loads and checks the configuration file `path`. On error *out is NULL,
 * ANS_ECONFIG (or ANS_ENOENT/ANS_EIO/ANS_ENOMEM) is returned and `err`
 * holds one message "file:line: section.option: what was expected". */
int conf_load_file(const char *path, struct conf **out, char *err,
		   size_t err_size) ANS_WUR;

/* As conf_load_file from memory; `name` names the text in messages and its
 * directory is the base of relative zone file paths. */
int conf_load_text(const char *name, const char *text, size_t len,
		   struct conf **out, char *err, size_t err_size) ANS_WUR;

/* Resolves the references between sections (key, remote, acl ids), parses
 * keys and address ranges; called by the loader after the walk. On error
 * `err` gets "file:line: section.option: why". Errors: ANS_ECONFIG,
 * ANS_ENOMEM. (conf/refs.c) */
int conf_resolve(struct conf *c, char *err, size_t err_size) ANS_WUR;

/* Whether `addr` signing with `key` (NULL: unsigned) may do `action`
 * (CONF_ACTION_*) on zone `z`: some acl of the zone lists the address and,
 * when it names keys, the key. No acl: denied. Thread-safe. */
bool conf_acl_allows(const struct conf_zone *z, const struct sockaddr *addr,
		     const struct ans_tsig_key *key, unsigned action);

/* The zone entry for apex `wire` (lowercase wire name), or NULL. */
const struct conf_zone *conf_zone_find(const struct conf *c, const uint8_t *wire);

/* Frees a configuration. NULL is fine. */
void conf_free(struct conf *c);

#endif
