/* SPDX-License-Identifier: MIT */
/* The schema table of anyns-healthd's configuration (see conf_schema.c),
 * read by the shared engine (lib/conf/schema.h). */
#ifndef HEALTHD_CONF_SCHEMA_H
#define HEALTHD_CONF_SCHEMA_H

#include "lib/conf/schema.h"

extern const struct ans_conf_schema hd_conf_schema;

#endif
