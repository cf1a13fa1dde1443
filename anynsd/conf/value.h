/* SPDX-License-Identifier: MIT */
/*
 * Parsers of single configuration values (one YAML scalar each), shared by
 * the loader and the defaults of the schema table. Pure functions.
 */
#ifndef ANYNSD_CONF_VALUE_H
#define ANYNSD_CONF_VALUE_H

#include <stdbool.h>
#include <stdint.h>

#include "anynsd/conf/conf.h"
#include "anynsd/conf/schema.h"
#include "lib/base/arena.h"

/* An integer (decimal, optional sign). Errors: ANS_ESYNTAX, ANS_ERANGE. */
int conf_parse_int(const char *text, int64_t *out) ANS_WUR;

/* true/false, yes/no, on/off. Errors: ANS_ESYNTAX. */
int conf_parse_bool(const char *text, bool *out) ANS_WUR;

/* A duration in milliseconds: a number with unit ms, s, m, h, d; a bare
 * number is seconds. Errors: ANS_ESYNTAX, ANS_ERANGE. */
int conf_parse_duration(const char *text, int64_t *ms) ANS_WUR;

/* A size in bytes: a number with optional k, M, G (powers of 1024).
 * Errors: ANS_ESYNTAX, ANS_ERANGE. */
int conf_parse_size(const char *text, int64_t *bytes) ANS_WUR;

/* ADDR[@PORT], IPv4 or IPv6, port 53 when absent. Errors: ANS_ESYNTAX. */
int conf_parse_addr(const char *text, struct conf_addr *out) ANS_WUR;

/* Parses the scalar `text` as a value of option `o` into `field` (which
 * has the type the schema says). Strings are copied into `a`; relative
 * paths are joined to `base_dir`. A CONF_ADDR_LIST gets a one-element list.
 * On error returns ANS_ECONFIG (or ANS_ENOMEM) with `why` completing
 * "expected ..." ("an integer 1..256"). */
int conf_value_parse(const struct conf_option *o, const char *text, void *field,
		     struct ans_arena *a, const char *base_dir,
		     char *why, size_t why_size) ANS_WUR;

#endif
