/* SPDX-License-Identifier: MIT */
/*
 * Zone-file parser for the RFC 1035 §5 master format with the usual
 * extensions: parentheses, comments, quoted strings, $ORIGIN, $TTL, $INCLUDE
 * (relative to the including file, with a depth/loop guard), BIND's
 * $GENERATE, '@', relative names, omitted owner/TTL/class, TTL units (1h30m),
 * RFC 3597 unknown types and classes.
 *
 * Every error is reported through the diagnostics callback as
 * "file:line: what was expected" and parsing goes on with the next record,
 * so one run reports every error. Records go into a zone builder.
 */
#ifndef ANS_ZONE_PARSER_H
#define ANS_ZONE_PARSER_H

#include <stddef.h>
#include <stdint.h>

#include "lib/base/diag.h"
#include "lib/base/err.h"
#include "lib/zone/zone.h"

/* Parses a TTL: seconds or units (1w2d3h4m5s, case-insensitive).
 * Errors: ANS_ESYNTAX, ANS_ERANGE (over 2^31-1... as BIND: up to 2^32-1). */
int ans_ttl_from_text(const char *text, size_t len, uint32_t *ttl) ANS_WUR;

/* Parses the zone file `path` with initial origin `origin` (wire name) into
 * builder `b`. Returns ANS_OK when no error was reported, ANS_ESYNTAX when
 * some were (the builder then holds the good records), ANS_ENOENT/ANS_EIO
 * when the file cannot be read (also reported through diag). */
int ans_zone_parse_file(const char *path, const uint8_t *origin,
			struct ans_diag *diag, struct ans_zone_builder *b) ANS_WUR;

/* As ans_zone_parse_file, from memory; `name` is used in diagnostics and as
 * the base of relative $INCLUDE paths (its directory). */
int ans_zone_parse_text(const char *name, const char *text, size_t len,
			const uint8_t *origin, struct ans_diag *diag,
			struct ans_zone_builder *b) ANS_WUR;

/* Parses, builds and checks (check.h) a zone file: the one call anynsd and
 * `anyns zone-check` make. On success *out is the new snapshot. On any error
 * nothing is returned and diagnostics say why.
 * Errors: ANS_ENOENT, ANS_EIO, ANS_ESYNTAX, ANS_ESEMANTIC, ANS_ENOMEM. */
int ans_zone_load(const char *path, const uint8_t *origin,
		  struct ans_diag *diag, struct ans_zone **out) ANS_WUR;

#endif
