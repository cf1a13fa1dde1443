/* SPDX-License-Identifier: MIT */
/*
 * A small blocking DNS client for the `anyns` tool: many SOA/NS queries at
 * once over UDP (non-blocking sockets and one poll loop, with a timeout and
 * retries), a TCP retry for truncated answers, and AXFR over TCP through
 * lib/xfr's incoming state machine with optional TSIG. Program code, not
 * library code: it owns sockets and reads the clock. Not thread-safe per
 * query set; separate sets may run in separate threads.
 */
#ifndef ANS_CLI_DNSCLIENT_H
#define ANS_CLI_DNSCLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "lib/base/err.h"
#include "lib/name/name.h"
#include "lib/wire/tsig.h"
#include "lib/zone/zone.h"

/* A server address written ADDR@PORT (IPv4 or IPv6, port defaults to 53). */
struct dc_addr {
	struct sockaddr_storage sa;
	socklen_t len;
};

/* Parses "192.0.2.1@53", "2001:db8::1@5353" or "192.0.2.1".
 * Errors: ANS_ESYNTAX (not an address, bad port). */
int dc_addr_parse(const char *text, struct dc_addr *out) ANS_WUR;

#define DC_NS_MAX 32
#define DC_NSID_MAX 256

struct dc_soa {
	uint32_t ttl_s, serial, refresh_s, retry_s, expire_s, minimum_s;
};

/* What one query got back. err is ANS_OK when a response arrived (whatever
 * its RCODE), ANS_ETIMEOUT when none did after every try, -ECONNREFUSED (or
 * another -errno) when the network said no, ANS_EMALF for an unreadable
 * response, ANS_ELIMIT for more than DC_NS_MAX NS records. */
struct dc_answer {
	int err;
	uint8_t rcode;                  /* with the EDNS extended bits */
	bool is_aa, is_tc, via_tcp;
	bool has_soa;                   /* an SOA for the qname in the answer */
	struct dc_soa soa;
	size_t ns_count;                /* NS of the qname in the answer */
	uint32_t ns_ttl_s;
	uint8_t ns[DC_NS_MAX][ANS_NAME_MAX];
	bool has_nsid;                  /* the OPT RR carried an NSID option */
	size_t nsid_len;
	uint8_t nsid[DC_NSID_MAX];
	double rtt_ms;                  /* from the last send to the answer */
};

struct dc_query {
	const struct dc_addr *addr;     /* borrowed */
	const uint8_t *qname;           /* wire name, borrowed */
	uint16_t qtype;
	struct dc_answer ans;           /* filled by dc_query_all() */
};

/* Sends every query over UDP at once (EDNS, 1232-byte buffer, NSID asked),
 * waits up to timeout_ms for the answers, sends the unanswered ones again
 * (tries in all, at least 1), then repeats truncated ones over TCP. The
 * whole run takes at most about tries * timeout_ms plus one TCP timeout per
 * truncated answer. Results go to qs[i].ans. Errors: -errno when no socket
 * could be made at all; per-query failures are in the answers. */
int dc_query_all(struct dc_query *qs, size_t n, int timeout_ms, int tries) ANS_WUR;

/* Writes a query (RD clear, EDNS with an empty NSID option).
 * Errors: ANS_ESPACE. */
int dc_query_write(uint8_t *buf, size_t size, size_t *len, uint16_t id,
		   const uint8_t *qname, uint16_t qtype) ANS_WUR;

/* Reads a response to the query (id, qname, qtype) into *a (a->rtt_ms and
 * a->via_tcp are left alone). Errors: ANS_EMALF (malformed), ANS_ENOENT (not
 * a response to this query: wrong ID or question; ignore it), ANS_ELIMIT. */
int dc_answer_parse(const uint8_t *msg, size_t len, uint16_t id,
		    const uint8_t *qname, uint16_t qtype, struct dc_answer *a) ANS_WUR;

/* Transfers `zone` by AXFR over TCP, signed with `key` when not NULL, each
 * read and write bounded by timeout_ms. On success *out is the zone (caller
 * frees with ans_zone_free). On error `why` says what went wrong.
 * Errors: ANS_ETIMEOUT, -errno (connect), ANS_EIO (the server answered with
 * an RCODE), ANS_ETSIG, ANS_EMALF and the errors of ans_xfr_in_finish(). */
int dc_axfr(const struct dc_addr *addr, const uint8_t *zone,
	    const struct ans_tsig_key *key, int timeout_ms,
	    struct ans_zone **out, char *why, size_t why_size) ANS_WUR;

#endif
