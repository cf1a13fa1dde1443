/* SPDX-License-Identifier: MIT */
/*
 * The configuration engine shared by every program: a schema table (one
 * row per option, as Knot's conf/schema.c) from which a YAML document is
 * walked into the program's structs, defaults are set, and the markdown
 * reference (`--config-reference`) is printed. A program owns its table,
 * its structs and its cross-checks; the engine owns the walk, the value
 * syntax and the wording of every message, so `anynsd` and `anyns-healthd`
 * read `10s`, `127.0.0.1@53` and their mistakes the same way.
 *
 * Errors go through lib/base/diag.h as "section.option: what was expected,
 * got 'x'" with the file and line; ans_conf_errbuf_fn() turns the first
 * one into the "FILE:LINE: ..." line the programs print.
 */
#ifndef ANS_CONF_SCHEMA_H
#define ANS_CONF_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/base/arena.h"
#include "lib/base/diag.h"
#include "lib/base/err.h"
#include "lib/conf/value.h"

/* The type of an option says the C type of its field. */
enum ans_conf_type {
	ANS_CONF_STR,        /* const char * */
	ANS_CONF_PATH,       /* const char *, relative to the base directory */
	ANS_CONF_INT,        /* int64_t in [min, max] */
	ANS_CONF_BOOL,       /* bool */
	ANS_CONF_DURATION,   /* int64_t milliseconds in [min, max]: 10s, 500ms, 2m */
	ANS_CONF_SIZE,       /* int64_t bytes in [min, max]: 4096, 64k, 1M */
	ANS_CONF_ENUM,       /* int index into enum_values */
	ANS_CONF_ADDR,       /* struct ans_conf_addr: ADDR[@PORT], port 53 by default */
	ANS_CONF_ADDR_LIST,  /* struct ans_conf_addr_list: one address or a list, not empty */
	ANS_CONF_DNAME,      /* struct ans_conf_dname */
	ANS_CONF_STR_LIST,   /* struct ans_conf_str_list: one string or a list, no duplicates */
	ANS_CONF_SEQ,        /* struct ans_conf_str_list: a YAML list of strings only */
};

enum {
	ANS_CONF_REQUIRED = 1 << 0,   /* option or section must be given */
	ANS_CONF_IS_KEY = 1 << 1,     /* identifies a list item: unique in its section */
	/* Section flags. IS_ROOT: a map section whose options are written at
	 * the top level of the document, beside the other sections (at most
	 * one per schema); messages and the reference name them without the
	 * section. IF_WRITTEN: a map section whose defaults and required
	 * options apply only when the file writes it (an optional block). */
	ANS_CONF_IS_ROOT = 1 << 2,
	ANS_CONF_IF_WRITTEN = 1 << 3,
};

/* Extra validation of a parsed string; writes why into `why` (completing
 * "expected ...") and returns false when the value is bad. */
typedef bool (*ans_conf_check_fn)(const char *value, char *why, size_t why_size);

struct ans_conf_option {
	const char *section;
	const char *name;
	enum ans_conf_type type;
	int64_t min, max;                 /* INT, DURATION, SIZE */
	const char *const *enum_values;   /* ENUM, NULL-terminated */
	const char *def;                  /* default, in YAML value syntax */
	const char *def_doc;              /* default as documented, when computed */
	size_t offset;                    /* of the field in the item struct */
	unsigned flags;                   /* ANS_CONF_REQUIRED, ANS_CONF_IS_KEY */
	ans_conf_check_fn check;          /* STR, PATH, each SEQ item: extra validation */
	const char *doc;                  /* one line */
};

struct ans_conf_section {
	const char *name;
	bool is_list;        /* a list of maps (zone) rather than one map (server) */
	size_t item_size;    /* size of one item struct */
	size_t offset;       /* map: the item in the root; list: its array pointer */
	size_t count_offset; /* list: its size_t count in the root */
	size_t line_offset;  /* list: the item's `unsigned line`, or SIZE_MAX */
	unsigned flags;      /* ANS_CONF_REQUIRED, ANS_CONF_IS_ROOT, ANS_CONF_IF_WRITTEN */
	const char *doc;     /* for the reference */
};

enum {
	/* Unknown sections and options are skipped, not errors: for a reader
	 * of part of another program's file. (anyns roa no longer needs it: it
	 * reads healthd's whole file with healthd's loader.) */
	ANS_CONF_LENIENT = 1 << 0,
	/* Duration ranges are written in ms in messages ("0ms..3600000ms"). */
	ANS_CONF_RANGE_MS = 1 << 1,
	/* YAML syntax errors read "YAML: problem" rather than "YAML syntax
	 * error, problem context". */
	ANS_CONF_YAML_SHORT = 1 << 2,
};

#define ANS_CONF_MAX_ROWS 256   /* options and sections per schema */

struct ans_conf_schema {
	const struct ans_conf_section *sections;
	size_t section_count;
	const struct ans_conf_option *options;
	size_t option_count;
	unsigned flags;      /* ANS_CONF_LENIENT, ANS_CONF_RANGE_MS, ANS_CONF_YAML_SHORT */
};

/* One load: where text comes from and where results and errors go. */
struct ans_conf_input {
	const char *name;        /* file name in diagnostics */
	const char *base_dir;    /* relative PATH values are joined to it; NULL
				    or "": kept as written */
	struct ans_arena *arena; /* strings and lists are allocated here */
	struct ans_diag *diag;   /* the first error is reported, then the walk stops */
};

/* Parses the YAML document `text` (`len` bytes, not NUL-terminated) and
 * walks it against `schema` into `root` (the program's struct, zeroed by
 * the caller; sections are at their offsets in it). Every map section,
 * given or not, gets its defaults and its required options checked;
 * required sections must be present; list items get unique keys and
 * their line. Errors: ANS_ECONFIG (reported through in->diag), ANS_ENOMEM,
 * ANS_EINVAL (schema too large). What was filled before an error is left
 * in `root` and the arena. Thread-safe for distinct roots. */
int ans_conf_load(const struct ans_conf_schema *schema,
		  const struct ans_conf_input *in, const char *text, size_t len,
		  void *root) ANS_WUR;

/* Parses the scalar `text` as a value of option `o` into `field` (of the C
 * type the option's type says). Strings are copied into `a`, PATHs joined
 * to `base_dir`; list types get a one-element list. On a bad value returns
 * ANS_ECONFIG with `why` completing "expected ..."; or ANS_ENOMEM. */
int ans_conf_value_parse(const struct ans_conf_schema *schema,
			 const struct ans_conf_option *o, const char *text,
			 void *field, struct ans_arena *a, const char *base_dir,
			 char *why, size_t why_size) ANS_WUR;

/* The section named `name`, or NULL. */
const struct ans_conf_section *ans_conf_section_find(const struct ans_conf_schema *s,
						     const char *name);

/* The option `name` of section `section`, or NULL. */
const struct ans_conf_option *ans_conf_option_find(const struct ans_conf_schema *s,
						   const char *section,
						   const char *name);

/* What a value of `o` looks like, for messages and the reference: "an
 * integer 1..256", "a duration 1s..1h". */
void ans_conf_expect(const struct ans_conf_schema *s, const struct ans_conf_option *o,
		     char *buf, size_t size);

/* Prints the markdown reference: `intro` verbatim, then per section its
 * heading and doc, then per option its heading, doc, value and default. */
void ans_conf_print_reference(const struct ans_conf_schema *s, const char *intro,
			      FILE *out);

/* Reports an error at `file`:`line` (0 counts as line 1, where a file-wide
 * problem is reported) and returns ANS_ECONFIG, for the cross-checks a
 * program makes after the walk. */
int ans_conf_error(struct ans_diag *d, const char *file, unsigned line,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* As ans_conf_error, into a caller's buffer through ans_conf_errbuf_fn:
 * for loaders whose API returns the message as text. `buf` is overwritten. */
int ans_conf_error_buf(char *buf, size_t size, const char *file, unsigned line,
		       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Reads the whole file `path` into a malloc'ed buffer (*text, *len; the
 * caller frees *text) for ans_conf_load and the programs' loaders, which
 * otherwise each carried the same loop. The one file access of lib/conf.
 * On error `err` gets "PATH: cannot open (why)" or "PATH: cannot read" and
 * -errno of open (ANS_ENOENT ...), ANS_EIO or ANS_ENOMEM is returned. */
int ans_conf_read_file(const char *path, char **text, size_t *len, char *err,
		       size_t err_size) ANS_WUR;

/* A diagnostic sink keeping the first error as "FILE:LINE: message" in a
 * caller's buffer (the form the programs print); `buf` starts empty. */
struct ans_conf_errbuf {
	char *buf;
	size_t size;
};
void ans_conf_errbuf_fn(void *ctx, enum ans_diag_level level, const char *file,
			unsigned line, const char *msg);

#endif
