/* SPDX-License-Identifier: MIT */
/*
 * The schema: one table row per configuration option (as Knot's
 * conf/schema.c), from which the loader walks the YAML document, the
 * defaults are set and the configuration reference (doc/config.md) is
 * printed. Adding an option is adding a row (and a field to fill).
 */
#ifndef ANYNSD_CONF_SCHEMA_H
#define ANYNSD_CONF_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum conf_type {
	CONF_STR,        /* const char * */
	CONF_PATH,       /* const char *, relative to the config's directory */
	CONF_INT,        /* int64_t in [min, max] */
	CONF_BOOL,       /* bool */
	CONF_DURATION,   /* int64_t milliseconds in [min, max]: 10s, 500ms, 2m */
	CONF_SIZE,       /* int64_t bytes in [min, max]: 4096, 64k, 1M */
	CONF_ENUM,       /* int index into enum_values */
	CONF_ADDR,       /* struct conf_addr: ADDR[@PORT], port 53 by default */
	CONF_ADDR_LIST,  /* struct conf_addr_list: one address or a list */
	CONF_DNAME,      /* struct conf_dname */
	CONF_STR_LIST,   /* struct conf_str_list: one string or a list */
};

enum {
	CONF_REQUIRED = 1 << 0,   /* must be given (no default) */
	CONF_IS_KEY = 1 << 1,     /* identifies a list item: unique in its section */
};

/* Extra validation of a parsed string; writes why into `why` and returns
 * false when the value is bad. */
typedef bool (*conf_check_fn)(const char *value, char *why, size_t why_size);

struct conf_option {
	const char *section;
	const char *name;
	enum conf_type type;
	int64_t min, max;                 /* CONF_INT/DURATION/SIZE */
	const char *const *enum_values;   /* CONF_ENUM, NULL-terminated */
	const char *def;                  /* default, in YAML value syntax */
	const char *def_doc;              /* default as documented, when computed */
	size_t offset;                    /* of the field in the item struct */
	unsigned flags;
	conf_check_fn check;
	const char *doc;                  /* one line */
};

struct conf_section {
	const char *name;
	bool is_list;        /* a list of maps (zone) rather than one map (server) */
	size_t item_size;    /* size of one item struct */
	size_t offset;       /* map: the item in struct conf; list: its array pointer */
	size_t count_offset; /* list: its size_t count in struct conf */
	size_t line_offset;  /* list: the item's `unsigned line`, or SIZE_MAX */
	const char *doc;
};

extern const struct conf_section conf_sections[];
extern const size_t conf_section_count;
extern const struct conf_option conf_options[];
extern const size_t conf_option_count;

/* The section named `name`, or NULL. */
const struct conf_section *conf_schema_section(const char *name);

/* The option `name` of section `section`, or NULL. */
const struct conf_option *conf_schema_option(const char *section, const char *name);

/* What a value of this option looks like, for messages and the reference:
 * "an integer 1..256", "a duration 1s..1d". */
void conf_schema_expect(const struct conf_option *o, char *buf, size_t size);

/* Prints the configuration reference (markdown) generated from the table. */
void conf_schema_print_reference(FILE *out);

#endif
