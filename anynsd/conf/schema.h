/* SPDX-License-Identifier: MIT */
/*
 * anynsd's schema table: one row per configuration option, read by the
 * shared engine (lib/conf/schema.h) to load the file and print the
 * reference (doc/config.md). Adding an option is adding a row (and a
 * field to fill).
 */
#ifndef ANYNSD_CONF_SCHEMA_H
#define ANYNSD_CONF_SCHEMA_H

#include <stdio.h>

#include "lib/conf/schema.h"

extern const struct ans_conf_schema conf_schema;

/* Prints the configuration reference (markdown) generated from the table. */
void conf_schema_print_reference(FILE *out);

#endif
