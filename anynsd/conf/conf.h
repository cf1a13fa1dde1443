/* SPDX-License-Identifier: MIT */
/*
 * The configuration of anynsd, as loaded from a YAML file: one immutable
 * generation, all of it in one arena, freed whole with conf_free(). Every
 * option is declared in the schema table (conf/schema.c); the loader
 * (conf/conf.c) fills these structures from that table alone.
 */
#ifndef ANYNSD_CONF_CONF_H
#define ANYNSD_CONF_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "lib/base/arena.h"
#include "lib/base/err.h"
#include "lib/name/name.h"

#define CONF_ADDR_TEXT_MAX 64
#define CONF_NSID_MAX 128

struct conf_addr {
	struct sockaddr_storage ss;
	socklen_t len;
	char text[CONF_ADDR_TEXT_MAX];  /* "ADDR@PORT" */
};

struct conf_addr_list {
	struct conf_addr *items;
	size_t count;
};

struct conf_dname {
	uint8_t wire[ANS_NAME_MAX];     /* lowercased */
	char text[ANS_NAME_TEXT_MAX];   /* absolute presentation form */
};

struct conf_server {
	struct conf_addr_list listen;
	const char *identity;           /* NULL: unset; "": disabled */
	const char *version;            /* NULL: unset; "": disabled */
	int64_t workers;                /* 0: unset (number of CPUs) */
	const char *storage;
	int64_t udp_max_payload;
	int64_t tcp_idle_timeout_ms;
	int64_t tcp_io_timeout_ms;
	int64_t tcp_max_clients;
};

struct conf_zone {
	struct conf_dname domain;
	const char *file;               /* absolute or relative to the cwd */
	unsigned line;                  /* where the entry starts */
};

struct conf {
	struct ans_arena arena;
	const char *path;               /* as given */
	struct conf_server server;
	struct conf_zone *zones;
	size_t zone_count;
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

/* Frees a configuration. NULL is fine. */
void conf_free(struct conf *c);

#endif
