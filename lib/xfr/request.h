/* SPDX-License-Identifier: MIT */
/*
 * Zone transfer requests (AXFR, RFC 5936 §2.1; IXFR, RFC 1995 §3): what the
 * answering side needs from the request, parsed strictly through the
 * bounds-checked cursor. TSIG is verified by the caller (lib/wire/tsig.h);
 * here it is only noticed.
 */
#ifndef ANS_XFR_REQUEST_H
#define ANS_XFR_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"
#include "lib/name/name.h"

struct ans_xfr_request {
	uint16_t id;
	uint16_t flags;              /* header flags of the request */
	uint16_t qtype;              /* ANS_TYPE_AXFR or ANS_TYPE_IXFR */
	uint16_t qclass;
	uint8_t qname[ANS_NAME_MAX]; /* as received (letter case kept) */
	bool has_ixfr_serial;        /* IXFR: the client's SOA was present */
	uint32_t ixfr_serial;        /* IXFR: the client's serial */
	bool has_edns;               /* an OPT RR was in the additional section */
	bool edns_do;                /* its DO bit */
	bool has_tsig;               /* a TSIG RR ends the additional section */
};

/* Parses a transfer request. For IXFR the authority section must hold the
 * client's SOA for the zone (RFC 1995 §3).
 * Errors: ANS_EMALF (answer FORMERR), ANS_ETYPE (not AXFR/IXFR), ANS_EINVAL
 * (a response, or an opcode other than QUERY: send nothing / NOTIMP). */
int ans_xfr_request_parse(const uint8_t *q, size_t len,
			  struct ans_xfr_request *r) ANS_WUR;

/* Writes an AXFR or IXFR request for `zone` with `id` into buf: one
 * question, and for IXFR the SOA with `serial` in the authority section
 * (RFC 1995 §3; other SOA fields zero, as Knot and BIND send them). Room for
 * a TSIG RR is the caller's to leave. Errors: ANS_ESPACE, ANS_EINVAL. */
int ans_xfr_request_write(uint8_t *buf, size_t size, size_t *len, uint16_t id,
			  const uint8_t *zone, uint16_t qtype, uint32_t serial) ANS_WUR;

#endif
