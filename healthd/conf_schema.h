/* SPDX-License-Identifier: MIT */
/* The schema table of anyns-healthd's configuration (see conf_schema.c). */
#ifndef HEALTHD_CONF_SCHEMA_H
#define HEALTHD_CONF_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum hd_type {
	HD_STR,        /* const char * */
	HD_PATH,       /* const char *, relative to the config's directory */
	HD_INT,        /* int64_t in [min, max] */
	HD_DURATION,   /* int64_t milliseconds in [min, max] */
	HD_ENUM,       /* int index into enum_values */
	HD_ADDR,       /* struct hd_addr */
	HD_STR_LIST,   /* struct hd_str_list: a list of scalars */
};

enum { HD_REQUIRED = 1 << 0, HD_IS_KEY = 1 << 1 };

struct hd_option {
	const char *section;
	const char *name;
	enum hd_type type;
	int64_t min, max;
	const char *const *enum_values;
	const char *def;
	size_t offset;
	unsigned flags;
	const char *doc;
};

struct hd_section {
	const char *name;
	bool is_list;
	size_t offset;        /* map: the struct in hd_conf; list: its array */
	size_t count_offset;  /* list: its count */
	size_t item_size;     /* list: one item */
	const char *doc;
};

extern const struct hd_section hd_sections[];
extern const size_t hd_section_count;
extern const struct hd_option hd_options[];
extern const size_t hd_option_count;

const struct hd_section *hd_schema_section(const char *name);
const struct hd_option *hd_schema_option(const char *section, const char *name);
/* "an integer 1..100": what a value of `o` looks like, for messages. */
void hd_schema_expect(const struct hd_option *o, char *buf, size_t size);

#endif
