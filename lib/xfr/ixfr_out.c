/* SPDX-License-Identifier: MIT */
/*
 * Outgoing IXFR (RFC 1995 §4): choosing between the single SOA, the
 * incremental answer and the AXFR-style answer; the messages themselves
 * come from the iterator in axfr_out.c.
 */
#include "lib/wire/rdata.h"
#include "lib/xfr/ixfr_out.h"
#include "lib/xfr/serial.h"
#include "lib/xfr/xfr_priv.h"

int ans_ixfr_out_init(struct ans_xfr_out *x, const struct ans_xfr_request *req,
		      const struct ans_zone *z, const struct ans_changeset *const *chain,
		      size_t n, const struct ans_xfr_out_conf *conf)
{
	if (req->qtype != ANS_TYPE_IXFR || !req->has_ixfr_serial)
		return ANS_EINVAL;
	/* RFC 1995 §4: a client whose serial is ours (or newer) gets our SOA. */
	if (ans_serial_cmp(req->ixfr_serial, z->serial) >= 0)
		return xfr_out_start(x, req, z, ANS_XFR_SOA_ONLY, conf);
	size_t first, count;
	bool is_covered = n > 0 && ans_changeset_serial_to(chain[n - 1]) == z->serial &&
			  ans_journal_select(chain, n, req->ixfr_serial, &first, &count) == ANS_OK &&
			  count > 0;
	/* Not covered, or a journal that does not link up: the whole zone, as
	 * RFC 1995 §4 allows ("the server may send the entire zone"). */
	if (!is_covered)
		return xfr_out_start(x, req, z, ANS_XFR_AXFR, conf);
	int rc = xfr_out_start(x, req, z, ANS_XFR_IXFR, conf);
	if (rc)
		return rc;
	x->cs = chain + first;
	x->cs_count = count;
	return ANS_OK;
}

int ans_ixfr_out_udp(struct ans_xfr_out *x, const struct ans_xfr_request *req,
		     const struct ans_zone *z, const struct ans_changeset *const *chain,
		     size_t n, const struct ans_xfr_out_conf *conf, uint8_t *buf,
		     size_t size, size_t *len)
{
	struct ans_xfr_out_conf one = conf ? *conf : (struct ans_xfr_out_conf){ 0 };
	one.msg_target_bytes = size;   /* everything in one datagram, or nothing */
	int rc = ans_ixfr_out_init(x, req, z, chain, n, &one);
	if (rc)
		return rc;
	if (x->kind == ANS_XFR_IXFR) {
		rc = ans_xfr_out_next(x, buf, size, len);
		if (rc == ANS_OK && x->is_done)
			return ANS_OK;
	}
	/* RFC 1995 §4: when the answer does not fit in one UDP message, or would
	 * be a whole zone, the current SOA alone tells the client to use TCP. */
	rc = xfr_out_start(x, req, z, ANS_XFR_SOA_ONLY, &one);
	if (rc)
		return rc;
	rc = ans_xfr_out_next(x, buf, size, len);
	return rc == ANS_ELIMIT ? ANS_ESPACE : rc;
}
