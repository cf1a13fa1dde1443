/* SPDX-License-Identifier: MIT */
/*
 * Private to lib/answer: parsing a request (header, question, OPT, TSIG)
 * strictly through the bounds-checked cursor, and the unsigned TSIG
 * error record for requests signed with a key we do not have.
 */
#ifndef ANS_ANSWER_QUERY_H
#define ANS_ANSWER_QUERY_H

#include "lib/answer/answer_priv.h"

enum { ANS_OPCODE_QUERY = 0, ANS_OPCODE_NOTIFY = 4 };

enum query_status {
	QUERY_OK,
	QUERY_FORMERR,   /* the header parsed: answer FORMERR */
	QUERY_DROP,      /* no header, or a response: send nothing */
};

/* Parses q into *qq; the question name (case kept) is at qq->qname: in q,
 * or copied to qname when it has to be decompressed; its lowercased copy
 * goes to lname, its label offsets to qq->qname_offs. */
enum query_status query_parse(const uint8_t *q, size_t q_len,
			      uint8_t qname[ANS_NAME_MAX], uint8_t lname[ANS_NAME_MAX],
			      struct query *qq);

/* Writes the TSIG RR of a BADKEY error (RFC 8945 §5.2.1): key name,
 * algorithm, time and fudge of the request, no MAC, error 17. */
int query_write_tsig_badkey(struct ans_wire *w, const uint8_t *q, size_t q_len,
			    const struct query *qq);

#endif
