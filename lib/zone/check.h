/* SPDX-License-Identifier: MIT */
/*
 * Semantic checks of a zone snapshot, shared by anynsd (zone files and
 * transfers) and `anyns zone-check`, with the acceptance rules of
 * named-checkzone: exactly one SOA, at the apex; NS at the apex; CNAME and
 * other data at one name (RFC 1034 §3.6.2; RRSIG/NSEC allowed beside it);
 * DNAME rules (RFC 6672: no DNAME and NS... , no two DNAMEs, nothing below a
 * DNAME); in-zone NS targets that lack address records (missing glue);
 * NS/MX targets that are CNAMEs (warnings). Errors and warnings are reported
 * through `diag` with the record's file and line.
 */
#ifndef ANS_ZONE_CHECK_H
#define ANS_ZONE_CHECK_H

#include "lib/base/diag.h"
#include "lib/zone/zone.h"

/* Runs every check. Returns ANS_OK when no error was found (warnings are
 * allowed), ANS_ESEMANTIC otherwise. Thread-safe (reads only). */
int ans_zone_check(const struct ans_zone *z, struct ans_diag *diag) ANS_WUR;

#endif
