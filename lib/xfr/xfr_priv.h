/* SPDX-License-Identifier: MIT */
/* Private to lib/xfr: small helpers shared by its files. */
#ifndef ANS_XFR_PRIV_H
#define ANS_XFR_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/xfr/axfr_out.h"
#include "lib/xfr/changeset.h"
#include "lib/zone/zone.h"

/* The apex SOA of a zone as one RR; false when the zone has none. */
bool xfr_soa_rr(const struct ans_zone *z, struct ans_xfr_rr *rr);

/* SOA serial from SOA rdata (0 when the rdata is too short). */
uint32_t xfr_soa_serial(const uint8_t *rdata, uint16_t rdlen);

/* Canonical RR order: owner, type, rdata (RFC 4034 §6). */
int xfr_rr_cmp(const struct ans_xfr_rr *a, const struct ans_xfr_rr *b);

/* Starts any outgoing transfer (axfr_out.c). */
int xfr_out_start(struct ans_xfr_out *x, const struct ans_xfr_request *req,
		  const struct ans_zone *z, enum ans_xfr_kind kind,
		  const struct ans_xfr_out_conf *conf);

#endif
