/* SPDX-License-Identifier: MIT */
/*
 * Verifies arbitrary messages against a fixed key set, as a request, as a
 * response to a fixed request MAC and as the next message of a stream.
 * Never crash; whatever verifies must be signed with a key of the set; a
 * result's TSIG offset stays inside the message; error answers built from
 * any result fit their buffer and verify back as the peer's error.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/wire/tsig.h"

static void check(const uint8_t *data, size_t size, const struct ans_tsig_key *keys,
		  uint64_t now, const uint8_t *req_mac, struct ans_tsig_ctx *ctx)
{
	struct ans_tsig_result res;
	int err = ans_tsig_verify(data, size, keys, 3, now, req_mac,
				  req_mac ? 32 : 0, ctx, &res);
	if (res.tsig_pos > size || (err == ANS_OK && res.is_signed && !res.key))
		abort();
	static uint8_t out[65535 + ANS_TSIG_RR_MAX];
	if (size > 65535 || res.tsig_pos < 12 || !res.is_signed)
		return;
	size_t len = res.tsig_pos;
	memcpy(out, data, len);
	ans_put_u16(out + 10, (uint16_t)(ans_get_u16(out + 10) - 1));
	if (ans_tsig_sign_error(out, &len, sizeof(out), &res, now) != ANS_OK)
		return;
	/* the client's view: the peer's error, and a good MAC when signed */
	struct ans_tsig_result back;
	if (ans_tsig_verify(out, len, keys, 3, res.time_signed, res.mac, res.mac_len,
			    NULL, &back) != ANS_ETSIG || back.peer_error != res.error ||
	    (back.mac_len && back.error != ANS_TSIG_NOERROR))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const algs[3] = { "hmac-sha256", "hmac-md5", "hmac-sha512" };
	struct ans_tsig_key keys[3];
	struct ans_tsig_ctx ctx;
	uint8_t req_mac[32] = { 1, 2, 3 };
	for (int i = 0; i < 3; i++)
		if (ans_tsig_key_init(&keys[i], i ? "k2.tsig" : "k1.tsig", algs[i],
				      "c2VjcmV0LWZvci10c2lnLXZlY3RvcnMtMDEyMzQ1Njc4OWFiY2RlZg==", NULL))
			abort();
	check(data, size, keys, 1700000000, NULL, NULL);
	check(data, size, keys, 1700001000, NULL, NULL);   /* BADTIME paths */
	check(data, size, keys, 1700000000, req_mac, NULL);
	ans_tsig_ctx_init(&ctx);
	size_t mlen = 12;
	uint8_t msg[12 + ANS_TSIG_RR_MAX] = { 0 };
	if (ans_tsig_sign(msg, &mlen, sizeof(msg), &keys[0], 1700000000, 300, req_mac, 32, &ctx))
		abort();
	check(data, size, keys, 1700000000, NULL, &ctx);   /* a later message of a stream */
	ans_tsig_ctx_free(&ctx);
	return 0;
}
