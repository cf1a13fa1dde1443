/* SPDX-License-Identifier: MIT */
/*
 * TSIG (RFC 8945) against independent implementations:
 * - messages signed by dnspython 2.3 at a fixed time (every algorithm, a
 *   response, a stream with an unsigned middle message) must verify, and
 *   signing the same unsigned message here must give the same bytes, so
 *   dnspython verifies ours;
 * - a TSIG-signed AXFR from Knot DNS 3.2 (tsig_knot_axfr.bin: the request
 *   and three response messages, TCP framing) must verify message by message;
 * - Knot's BADKEY, BADSIG and BADTIME answers must be what
 *   ans_tsig_sign_error() builds from the same requests, byte for byte;
 * - negative cases: wrong key, secret, algorithm, modified bytes, MAC size
 *   rules, misplaced or repeated TSIG, time window, unsigned runs.
 * Vectors come from tests/unit/wire/tsig_vectors.py (see its header).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/wire/tsig.h"

#define T 1700000000u           /* dnspython signing time */
#define SECRET "c2VjcmV0LWZvci10c2lnLXZlY3RvcnMtMDEyMzQ1Njc4OWFiY2RlZg=="
#define KNOT_SECRET "bZTiHh0oAP7oWB6ZcL2Zk3sS8ajGDiD2Df/qHrW81Lg="
#define MSG_MAX 65535

struct vector {
	const char *name;
	const char *hex;
};

static const struct vector vectors[] = {
	{ "hmac-md5",
	  "123401000001000000000001076578616d706c6503636f6d0000060001026b31"
	  "04747369670000fa00ff00000000003a08686d61632d6d6435077369672d616c"
	  "670372656703696e740000006553f100012c0010865dc3ca137c1217896cdb5a"
	  "37beacde123400000000" },
	{ "hmac-sha1",
	  "123401000001000000000001076578616d706c6503636f6d0000060001026b31"
	  "04747369670000fa00ff00000000002f09686d61632d736861310000006553f1"
	  "00012c001444b7b2c38b6370a448fb2c835f880bc4c437d0ff123400000000" },
	{ "hmac-sha224",
	  "123401000001000000000001076578616d706c6503636f6d0000060001026b31"
	  "04747369670000fa00ff0000000000390b686d61632d73686132323400000065"
	  "53f100012c001c682643b53c9c4f2376f0fbbae95bef10c7439c44c3fbad8060"
	  "a14b93123400000000" },
	{ "hmac-sha256",
	  "123401000001000000000001076578616d706c6503636f6d0000060001026b31"
	  "04747369670000fa00ff00000000003d0b686d61632d73686132353600000065"
	  "53f100012c00206f6068450e0d34155dc6ccbe967dfe32574f652d521fff43f9"
	  "53fd730ade9ece123400000000" },
	{ "hmac-sha384",
	  "123401000001000000000001076578616d706c6503636f6d0000060001026b31"
	  "04747369670000fa00ff00000000004d0b686d61632d73686133383400000065"
	  "53f100012c003098eb6f220eb86702556b4efb1486e2cc1599b084fa84bae7b1"
	  "c5620c30c7c37cbc028129929041babd516257350fc152123400000000" },
	{ "hmac-sha512",
	  "123401000001000000000001076578616d706c6503636f6d0000060001026b31"
	  "04747369670000fa00ff00000000005d0b686d61632d73686135313200000065"
	  "53f100012c004056547822ffd4bfe0b8aa2336c5a45654339efba8291c1530dd"
	  "c408205086cef444107c02b8e92a60a841eb7797d0847bd9cc3d89436626efd3"
	  "f422658325b83e123400000000" },
	{ "response",
	  "123481000001000100000001076578616d706c6503636f6d0000060001c00c00"
	  "06000100000e10001e036e7331c00c0168c00c00000001000000020000000300"
	  "00000400000005026b3104747369670000fa00ff00000000003d0b686d61632d"
	  "7368613235360000006553f101012c0020e3ce7668552b903654695374126e22"
	  "fbecd58b82790913ab821e093cc2d5fed0123400000000" },
	{ "stream0",
	  "123484000001000100000001076578616d706c6503636f6d0000fc0001026830"
	  "c00c000100010000003c0004c0000200026b3104747369670000fa00ff000000"
	  "00003d0b686d61632d7368613235360000006553f102012c0020941d26518dde"
	  "003432889d9469c90ca45a5de0e889a7861a4e8f9dc97013c461123400000000" },
	{ "stream1",
	  "123484000001000100000000076578616d706c6503636f6d0000fc0001026831"
	  "c00c000100010000003c0004c0000201" },
	{ "stream2",
	  "123484000001000100000001076578616d706c6503636f6d0000fc0001026832"
	  "c00c000100010000003c0004c0000202026b3104747369670000fa00ff000000"
	  "00003d0b686d61632d7368613235360000006553f102012c0020cd713da13bae"
	  "ae263239f6a9681a752801168539f728081fc7562247f1e24c06123400000000" },
	{ "badkey-request",
	  "1234010000010000000000010378667204746573740000060001056e6f6b6579"
	  "0000fa00ff00000000003d0b686d61632d7368613235360000006b0894c7012c"
	  "0020c7a1dac207ff634a86b97f572a6b4f023fecbc2c38c5aac3992f996c72c3"
	  "8453123400000000" },
	{ "badkey-response",
	  "1234810900010000000000010378667204746573740000060001056e6f6b6579"
	  "0000fa00ff00000000001d0b686d61632d7368613235360000006b0894c7012c"
	  "0000123400110000" },
	{ "badsig-request",
	  "123401000001000000000001037866720474657374000006000103786672036b"
	  "65790000fa00ff00000000003d0b686d61632d7368613235360000006b0894c7"
	  "012c00201e6ac3046deef54ab148e7939ab22daeddb58bb778d3ef2a4e5c3635"
	  "6a8710a4123400000000" },
	{ "badsig-response",
	  "123481090001000000000001037866720474657374000006000103786672036b"
	  "65790000fa00ff00000000001d0b686d61632d7368613235360000006b0894c7"
	  "012c0000123400100000" },
	{ "badtime-request",
	  "123401000001000000000001037866720474657374000006000103786672036b"
	  "65790000fa00ff00000000003d0b686d61632d7368613235360000006b0890df"
	  "012c0020422117745d99d216697468cab43cc050ce33460af0488900c8a17daa"
	  "b68d31bd123400000000" },
	{ "badtime-response",
	  "123481090001000000000001037866720474657374000006000103786672036b"
	  "65790000fa00ff0000000000430b686d61632d7368613235360000006b0890df"
	  "012c00207564d3443fabcf5ccb9983b160a8c1350bf6c1258e89fc8d73e17235"
	  "3616833412340012000600006b0894c7" },
};

static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = strlen(hex) / 2;
	assert_true(n <= cap);
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
	return n;
}

static size_t vec(const char *name, uint8_t *out)
{
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++)
		if (strcmp(vectors[i].name, name) == 0)
			return unhex(vectors[i].hex, out, MSG_MAX);
	fail_msg("no vector %s", name);
	return 0;
}

static void key(struct ans_tsig_key *k, const char *name, const char *alg,
		const char *secret)
{
	const char *why = NULL;
	assert_int_equal(ans_tsig_key_init(k, name, alg, secret, &why), ANS_OK);
}

/* ---- keys ---- */

struct key_case {
	const char *name, *alg, *secret;
	int err;
	enum ans_tsig_alg want_alg;
	size_t secret_len;
};

static const struct key_case key_cases[] = {
	{ "xfr", "hmac-sha256", "AAECAw==", ANS_OK, ANS_TSIG_HMAC_SHA256, 4 },
	{ "XFR.key.", "HMAC-SHA512", "AAEC AwQ=", ANS_OK, ANS_TSIG_HMAC_SHA512, 5 },
	{ "k.", "hmac-sha1.", "AA==", ANS_OK, ANS_TSIG_HMAC_SHA1, 1 },
	{ "k.", "HMAC-MD5.SIG-ALG.REG.INT", "AA==", ANS_OK, ANS_TSIG_HMAC_MD5, 1 },
	{ "k.", "hmac-md5", "AA==", ANS_OK, ANS_TSIG_HMAC_MD5, 1 },
	{ "k.", "hmac-sha224", "AA==", ANS_OK, ANS_TSIG_HMAC_SHA224, 1 },
	{ "k.", "hmac-sha384", "AA==", ANS_OK, ANS_TSIG_HMAC_SHA384, 1 },
	{ "k.", "hmac-sha3", "AA==", ANS_EINVAL, 0, 0 },
	{ "k.", "gss-tsig", "AA==", ANS_EINVAL, 0, 0 },
	{ "k.", "", "AA==", ANS_EINVAL, 0, 0 },
	{ "k.", "hmac-sha256", "A===", ANS_ESYNTAX, 0, 0 },
	{ "k.", "hmac-sha256", "AA=", ANS_ESYNTAX, 0, 0 },
	{ "k.", "hmac-sha256", "!!!!", ANS_ESYNTAX, 0, 0 },
	{ "k.", "hmac-sha256", "", ANS_EINVAL, 0, 0 },
	{ "a..b", "hmac-sha256", "AA==", ANS_ESYNTAX, 0, 0 },
};

static void test_key_init(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(key_cases) / sizeof(key_cases[0]); i++) {
		const struct key_case *c = &key_cases[i];
		struct ans_tsig_key k;
		const char *why = NULL;
		int err = ans_tsig_key_init(&k, c->name, c->alg, c->secret, &why);
		if (err != c->err)
			fail_msg("case %zu (%s %s): %d, want %d", i, c->name, c->alg, err, c->err);
		if (err) {
			assert_non_null(why);
			continue;
		}
		assert_int_equal(k.alg, c->want_alg);
		assert_int_equal(k.secret_len, c->secret_len);
		assert_int_equal(k.mac_min_len, ans_tsig_alg_mac_len(c->want_alg));
		/* names are kept lowercased and absolute */
		assert_int_equal(k.name[0], strlen(c->name) == 3 ? 3 : k.name[0]);
		assert_true(k.name[1] >= 'a' && k.name[1] <= 'z');
	}
	/* 257 bytes of secret: too long */
	char big[400];
	memset(big, 'A', 344);
	big[344] = 0;
	struct ans_tsig_key k;
	assert_int_equal(ans_tsig_key_init(&k, "k", "hmac-sha256", big, NULL), ANS_ELIMIT);
	big[340] = 0;   /* 255 bytes */
	assert_int_equal(ans_tsig_key_init(&k, "k", "hmac-sha256", big, NULL), ANS_OK);
	assert_int_equal(k.secret_len, 255);
	assert_string_equal(ans_tsig_alg_name(ANS_TSIG_HMAC_SHA384), "hmac-sha384");
	assert_memory_equal(ans_tsig_alg_wire(ANS_TSIG_HMAC_MD5),
			    "\x08hmac-md5\x07sig-alg\x03reg\x03int", 26);
}

/* ---- dnspython vectors ---- */

static const char *const alg_names[] = {
	"hmac-md5", "hmac-sha1", "hmac-sha224", "hmac-sha256", "hmac-sha384", "hmac-sha512",
};

/* Verifies a signed vector, strips it, signs it again: same bytes. */
static void test_dnspython_queries(void **state)
{
	(void)state;
	static uint8_t msg[MSG_MAX], again[MSG_MAX];
	for (size_t i = 0; i < 6; i++) {
		struct ans_tsig_key k;
		struct ans_tsig_result res;
		key(&k, "k1.tsig", alg_names[i], SECRET);
		size_t len = vec(alg_names[i], msg);
		assert_int_equal(ans_tsig_verify(msg, len, &k, 1, T, NULL, 0, NULL, &res), ANS_OK);
		assert_true(res.is_signed);
		assert_ptr_equal(res.key, &k);
		assert_int_equal(res.orig_id, 0x1234);
		assert_int_equal(res.time_signed, T);
		assert_int_equal(res.fudge, 300);
		assert_int_equal(res.mac_len, ans_tsig_alg_mac_len(k.alg));
		assert_int_equal(res.tsig_pos + ans_tsig_rr_size(&k), len);
		/* the window is inclusive: Time Signed +- Fudge */
		assert_int_equal(ans_tsig_verify(msg, len, &k, 1, T + 300, NULL, 0, NULL, &res), ANS_OK);
		assert_int_equal(ans_tsig_verify(msg, len, &k, 1, T - 300, NULL, 0, NULL, &res), ANS_OK);
		assert_int_equal(ans_tsig_verify(msg, len, &k, 1, T + 301, NULL, 0, NULL, &res), ANS_ETSIG);
		assert_int_equal(res.error, ANS_TSIG_BADTIME);
		assert_int_equal(ans_tsig_verify(msg, len, &k, 1, T - 301, NULL, 0, NULL, &res), ANS_ETSIG);
		assert_int_equal(res.error, ANS_TSIG_BADTIME);

		size_t slen = len;
		memcpy(again, msg, len);
		assert_int_equal(ans_tsig_strip(again, &slen, &res), ANS_OK);
		assert_int_equal(ans_tsig_sign(again, &slen, sizeof(again), &k, T, 300, NULL, 0, NULL), ANS_OK);
		assert_int_equal(slen, len);
		assert_memory_equal(again, msg, len);
	}
}

static void test_dnspython_response(void **state)
{
	(void)state;
	static uint8_t q[MSG_MAX], r[MSG_MAX], mine[MSG_MAX];
	struct ans_tsig_key k;
	struct ans_tsig_result qres, res;
	struct ans_tsig_ctx client, server;
	key(&k, "k1.tsig.", "hmac-sha256", SECRET);
	size_t qlen = vec("hmac-sha256", q), rlen = vec("response", r);

	/* single response, request MAC given */
	assert_int_equal(ans_tsig_verify(q, qlen, &k, 1, T, NULL, 0, NULL, &qres), ANS_OK);
	assert_int_equal(ans_tsig_verify(r, rlen, &k, 1, T + 1, qres.mac, qres.mac_len, NULL, &res), ANS_OK);
	/* without the request MAC the digest differs */
	assert_int_equal(ans_tsig_verify(r, rlen, &k, 1, T + 1, NULL, 0, NULL, &res), ANS_ETSIG);
	assert_int_equal(res.error, ANS_TSIG_BADSIG);

	/* client context: the request leaves it at FIRST */
	ans_tsig_ctx_init(&client);
	assert_int_equal(ans_tsig_verify(q, qlen, &k, 1, T, NULL, 0, &client, &qres), ANS_OK);
	assert_int_equal(client.stage, ANS_TSIG_STAGE_FIRST);
	assert_int_equal(ans_tsig_verify(r, rlen, &k, 1, T + 1, NULL, 0, &client, &res), ANS_OK);
	assert_int_equal(ans_tsig_ctx_end(&client), ANS_OK);
	ans_tsig_ctx_free(&client);

	/* server: verify the request, sign the response as dnspython did */
	ans_tsig_ctx_init(&server);
	assert_int_equal(ans_tsig_verify(q, qlen, &k, 1, T, NULL, 0, &server, &qres), ANS_OK);
	size_t mlen = rlen;
	memcpy(mine, r, rlen);
	assert_int_equal(ans_tsig_verify(mine, mlen, &k, 1, T + 1, qres.mac, qres.mac_len, NULL, &res), ANS_OK);
	assert_int_equal(ans_tsig_strip(mine, &mlen, &res), ANS_OK);
	assert_int_equal(ans_tsig_sign(mine, &mlen, sizeof(mine), &k, T + 1, 300, NULL, 0, &server), ANS_OK);
	assert_int_equal(mlen, rlen);
	assert_memory_equal(mine, r, rlen);
	ans_tsig_ctx_free(&server);
}

static void test_dnspython_stream(void **state)
{
	(void)state;
	static uint8_t q[MSG_MAX], m[3][MSG_MAX], mine[MSG_MAX];
	size_t len[3];
	struct ans_tsig_key k;
	struct ans_tsig_result res;
	struct ans_tsig_ctx c;
	key(&k, "k1.tsig.", "hmac-sha256", SECRET);
	size_t qlen = vec("hmac-sha256", q);
	len[0] = vec("stream0", m[0]);
	len[1] = vec("stream1", m[1]);
	len[2] = vec("stream2", m[2]);

	ans_tsig_ctx_init(&c);
	assert_int_equal(ans_tsig_verify(q, qlen, &k, 1, T, NULL, 0, &c, &res), ANS_OK);
	assert_int_equal(ans_tsig_verify(m[0], len[0], &k, 1, T + 2, NULL, 0, &c, &res), ANS_OK);
	assert_int_equal(ans_tsig_verify(m[1], len[1], &k, 1, T + 2, NULL, 0, &c, &res), ANS_OK);
	assert_false(res.is_signed);
	/* a stream must not end on an unsigned message */
	assert_int_equal(ans_tsig_ctx_end(&c), ANS_ETSIG);
	assert_int_equal(ans_tsig_verify(m[2], len[2], &k, 1, T + 2, NULL, 0, &c, &res), ANS_OK);
	assert_true(res.is_signed);
	assert_int_equal(ans_tsig_ctx_end(&c), ANS_OK);
	ans_tsig_ctx_free(&c);

	/* the unsigned message is part of the digest: drop it and msg 2 fails */
	ans_tsig_ctx_init(&c);
	assert_int_equal(ans_tsig_verify(q, qlen, &k, 1, T, NULL, 0, &c, &res), ANS_OK);
	assert_int_equal(ans_tsig_verify(m[0], len[0], &k, 1, T + 2, NULL, 0, &c, &res), ANS_OK);
	assert_int_equal(ans_tsig_verify(m[2], len[2], &k, 1, T + 2, NULL, 0, &c, &res), ANS_ETSIG);
	assert_int_equal(res.error, ANS_TSIG_BADSIG);
	ans_tsig_ctx_free(&c);

	/* the signer side: same bytes as dnspython */
	ans_tsig_ctx_init(&c);
	assert_int_equal(ans_tsig_verify(q, qlen, &k, 1, T, NULL, 0, &c, &res), ANS_OK);
	for (int i = 0; i < 3; i++) {
		size_t mlen = len[i];
		memcpy(mine, m[i], mlen);
		if (i == 1) {
			assert_int_equal(ans_tsig_skip(&c, mine, mlen), ANS_OK);
			continue;
		}
		struct ans_tsig_result r2;
		struct ans_tsig_ctx scratch;
		ans_tsig_ctx_init(&scratch);
		assert_int_equal(ans_tsig_verify(mine, mlen, &k, 1, T + 2, NULL, 0, NULL, &r2), ANS_ETSIG);
		r2.is_signed = true;   /* BADSIG without the chain, but found */
		assert_int_equal(ans_tsig_strip(mine, &mlen, &r2), ANS_OK);
		assert_int_equal(ans_tsig_sign(mine, &mlen, sizeof(mine), &k, T + 2, 300, NULL, 0, &c), ANS_OK);
		assert_int_equal(mlen, len[i]);
		assert_memory_equal(mine, m[i], mlen);
	}
	ans_tsig_ctx_free(&c);
}

/* ---- Knot DNS ---- */

static size_t read_fixture(uint8_t *buf, size_t cap)
{
	FILE *f = fopen("tests/unit/wire/tsig_knot_axfr.bin", "rb");
	assert_non_null(f);
	size_t n = fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

static void test_knot_axfr(void **state)
{
	(void)state;
	static uint8_t buf[100 * 1024];
	size_t n = read_fixture(buf, sizeof(buf)), pos = 0, nmsg = 0;
	struct ans_tsig_key k;
	struct ans_tsig_result res;
	struct ans_tsig_ctx c;
	key(&k, "xfr.key.", "hmac-sha256", KNOT_SECRET);
	ans_tsig_ctx_init(&c);
	while (pos + 2 <= n) {
		size_t len = ans_get_u16(buf + pos);
		uint8_t *msg = buf + pos + 2;
		assert_true(pos + 2 + len <= n);
		if (nmsg == 0) {
			/* the request: learn its time from a BADTIME at t=0 */
			assert_int_equal(ans_tsig_verify(msg, len, &k, 1, 0, NULL, 0, &c, &res), ANS_ETSIG);
			assert_int_equal(res.error, ANS_TSIG_BADTIME);
			assert_int_equal(c.stage, ANS_TSIG_STAGE_NONE);
		}
		uint64_t now = nmsg == 0 ? res.time_signed : res.time_signed + 1;
		assert_int_equal(ans_tsig_verify(msg, len, &k, 1, now, NULL, 0, &c, &res), ANS_OK);
		assert_true(res.is_signed);
		pos += 2 + len;
		nmsg++;
	}
	assert_int_equal(nmsg, 4);   /* the request and three responses */
	assert_int_equal(ans_tsig_ctx_end(&c), ANS_OK);
	ans_tsig_ctx_free(&c);

	/* one flipped byte in the third message (an RR's data) breaks it */
	size_t off[4];
	pos = 0;
	for (int i = 0; i < 4; i++, pos += 2 + ans_get_u16(buf + pos))
		off[i] = pos;
	buf[off[2] + 2 + 1000] ^= 1;
	ans_tsig_ctx_init(&c);
	for (int i = 0; i < 3; i++) {
		int want = i == 2 ? ANS_ETSIG : ANS_OK;
		uint64_t now = i == 0 ? 0 : res.time_signed;
		if (i == 0) {
			assert_int_equal(ans_tsig_verify(buf + 2, ans_get_u16(buf), &k, 1, 0, NULL, 0, NULL, &res), ANS_ETSIG);
			now = res.time_signed;
		}
		assert_int_equal(ans_tsig_verify(buf + off[i] + 2, ans_get_u16(buf + off[i]),
						 &k, 1, now, NULL, 0, &c, &res), want);
	}
	assert_int_equal(res.error, ANS_TSIG_BADSIG);
	ans_tsig_ctx_free(&c);
}

/* Knot's answer to a bad request is what we build from the same request. */
static void knot_error_case(const char *name, const struct ans_tsig_key *keys,
			    size_t nkeys, uint16_t want_error)
{
	static uint8_t q[MSG_MAX], want[MSG_MAX], mine[MSG_MAX];
	char qname[64], rname[64];
	struct ans_tsig_result res;
	snprintf(qname, sizeof(qname), "%s-request", name);
	snprintf(rname, sizeof(rname), "%s-response", name);
	size_t qlen = vec(qname, q), wlen = vec(rname, want);
	/* Knot's server time, from its response's Other Data (BADTIME), or
	 * the request's time for the others */
	uint64_t now = 0;
	assert_int_equal(ans_tsig_verify(q, qlen, keys, nkeys, 0, NULL, 0, NULL, &res), ANS_ETSIG);
	now = res.time_signed;
	if (want_error == ANS_TSIG_BADTIME)
		now = (uint64_t)ans_get_u16(want + wlen - 6) << 32 | ans_get_u32(want + wlen - 4);
	assert_int_equal(ans_tsig_verify(q, qlen, keys, nkeys, now, NULL, 0, NULL, &res), ANS_ETSIG);
	assert_int_equal(res.error, want_error);

	/* response = request header (QR set, no TSIG) and question */
	size_t mlen = res.tsig_pos;
	memcpy(mine, q, mlen);
	mine[2] |= 0x80;
	ans_put_u16(mine + 10, 0);
	assert_int_equal(ans_tsig_sign_error(mine, &mlen, sizeof(mine), &res, now), ANS_OK);
	assert_int_equal(mlen, wlen);
	assert_memory_equal(mine, want, wlen);
}

static void test_knot_errors(void **state)
{
	(void)state;
	struct ans_tsig_key keys[2];
	key(&keys[0], "xfr.key.", "hmac-sha256", KNOT_SECRET);
	key(&keys[1], "other.", "hmac-sha256", KNOT_SECRET);
	knot_error_case("badkey", keys, 2, ANS_TSIG_BADKEY);
	knot_error_case("badsig", keys, 2, ANS_TSIG_BADSIG);
	knot_error_case("badtime", keys, 2, ANS_TSIG_BADTIME);
}

/* The client's view of Knot's error answers. */
static void test_knot_errors_client(void **state)
{
	(void)state;
	static uint8_t q[MSG_MAX], r[MSG_MAX];
	struct ans_tsig_key k, nokey;
	struct ans_tsig_result qres, res;
	key(&k, "xfr.key.", "hmac-sha256", KNOT_SECRET);
	key(&nokey, "nokey.", "hmac-sha256", KNOT_SECRET);

	size_t qlen = vec("badtime-request", q), rlen = vec("badtime-response", r);
	assert_int_equal(ans_tsig_verify(q, qlen, &k, 1, 0, NULL, 0, NULL, &qres), ANS_ETSIG);
	uint64_t now = qres.time_signed;
	/* signed BADTIME: the MAC is good, the error is the peer's */
	assert_int_equal(ans_tsig_verify(r, rlen, &k, 1, now, qres.mac, qres.mac_len, NULL, &res), ANS_ETSIG);
	assert_int_equal(res.error, ANS_TSIG_NOERROR);
	assert_int_equal(res.peer_error, ANS_TSIG_BADTIME);
	assert_int_equal(res.other_time, now + 1000);
	/* a forged BADTIME (wrong request MAC) is BADSIG */
	qres.mac[0] ^= 1;
	assert_int_equal(ans_tsig_verify(r, rlen, &k, 1, now, qres.mac, qres.mac_len, NULL, &res), ANS_ETSIG);
	assert_int_equal(res.error, ANS_TSIG_BADSIG);

	qlen = vec("badkey-request", q);
	rlen = vec("badkey-response", r);
	assert_int_equal(ans_tsig_verify(q, qlen, &nokey, 1, 0, NULL, 0, NULL, &qres), ANS_ETSIG);
	assert_int_equal(ans_tsig_verify(r, rlen, &nokey, 1, qres.time_signed, qres.mac,
					 qres.mac_len, NULL, &res), ANS_ETSIG);
	assert_int_equal(res.peer_error, ANS_TSIG_BADKEY);
	assert_int_equal(res.mac_len, 0);
	/* an unsigned error where no response is expected is FORMERR */
	assert_int_equal(ans_tsig_verify(r, rlen, &nokey, 1, qres.time_signed, NULL, 0, NULL, &res), ANS_EMALF);
	assert_int_equal(res.error, ANS_TSIG_FORMERR);
}

/* ---- negative cases on the dnspython hmac-sha256 query ---- */

/* Rebuilds msg's TSIG RR (found by a verify into res) with another MAC. */
static size_t with_mac(uint8_t *msg, size_t len, const struct ans_tsig_result *res,
		       const uint8_t *mac, size_t mac_len)
{
	static uint8_t tail[64];
	size_t at = res->tsig_pos + ans_name_len(msg + res->tsig_pos) + 10 +
		    ans_name_len(msg + res->tsig_pos + ans_name_len(msg + res->tsig_pos) + 10) + 8;
	size_t old = ans_get_u16(msg + at);
	size_t rest = len - at - 2 - old;
	memcpy(tail, msg + at + 2 + old, rest);
	ans_put_u16(msg + at, (uint16_t)mac_len);
	memcpy(msg + at + 2, mac, mac_len);
	memcpy(msg + at + 2 + mac_len, tail, rest);
	size_t rdlen_at = res->tsig_pos + ans_name_len(msg + res->tsig_pos) + 8;
	ans_put_u16(msg + rdlen_at, (uint16_t)(ans_get_u16(msg + rdlen_at) + mac_len - old));
	return len + mac_len - old;
}

struct neg_case {
	const char *what;
	const char *key_name, *alg, *secret;
	int edit;          /* see edit() */
	uint64_t now;
	int err;
	uint16_t error;
};

enum { E_NONE, E_FLIP, E_TRAIL, E_CUT, E_AFTER, E_TWICE, E_IN_ANSWER,
       E_CLASS, E_MAC16, E_MAC15, E_MAC33, E_MAC0, E_UNSIGNED, E_UNSIGNED_TRAIL };

static const struct neg_case neg_cases[] = {
	{ "good", "k1.tsig.", "hmac-sha256", SECRET, E_NONE, T, ANS_OK, 0 },
	{ "wrong key name", "k2.tsig.", "hmac-sha256", SECRET, E_NONE, T, ANS_ETSIG, ANS_TSIG_BADKEY },
	{ "wrong algorithm", "k1.tsig.", "hmac-sha512", SECRET, E_NONE, T, ANS_ETSIG, ANS_TSIG_BADKEY },
	{ "wrong secret", "k1.tsig.", "hmac-sha256", KNOT_SECRET, E_NONE, T, ANS_ETSIG, ANS_TSIG_BADSIG },
	{ "modified byte", "k1.tsig.", "hmac-sha256", SECRET, E_FLIP, T, ANS_ETSIG, ANS_TSIG_BADSIG },
	{ "bad MAC outside time", "k1.tsig.", "hmac-sha256", SECRET, E_FLIP, T + 5000, ANS_ETSIG, ANS_TSIG_BADSIG },
	{ "wrong secret outside time", "k1.tsig.", "hmac-sha256", KNOT_SECRET, E_NONE, T - 5000, ANS_ETSIG, ANS_TSIG_BADSIG },
	{ "good MAC outside time", "k1.tsig.", "hmac-sha256", SECRET, E_NONE, T + 5000, ANS_ETSIG, ANS_TSIG_BADTIME },
	{ "trailing byte", "k1.tsig.", "hmac-sha256", SECRET, E_TRAIL, T, ANS_EMALF, ANS_TSIG_FORMERR },
	{ "cut short", "k1.tsig.", "hmac-sha256", SECRET, E_CUT, T, ANS_EMALF, ANS_TSIG_FORMERR },
	{ "TSIG not last", "k1.tsig.", "hmac-sha256", SECRET, E_AFTER, T, ANS_EMALF, ANS_TSIG_FORMERR },
	{ "two TSIGs", "k1.tsig.", "hmac-sha256", SECRET, E_TWICE, T, ANS_EMALF, ANS_TSIG_FORMERR },
	{ "TSIG in answer", "k1.tsig.", "hmac-sha256", SECRET, E_IN_ANSWER, T, ANS_EMALF, ANS_TSIG_FORMERR },
	{ "class IN", "k1.tsig.", "hmac-sha256", SECRET, E_CLASS, T, ANS_EMALF, ANS_TSIG_FORMERR },
	{ "truncated MAC 16/32, full required", "k1.tsig.", "hmac-sha256", SECRET, E_MAC16, T, ANS_ETSIG, ANS_TSIG_BADTRUNC },
	{ "truncated MAC 16/32 outside time", "k1.tsig.", "hmac-sha256", SECRET, E_MAC16, T + 5000, ANS_ETSIG, ANS_TSIG_BADTIME },
	{ "MAC 15/32 below floor", "k1.tsig.", "hmac-sha256", SECRET, E_MAC15, T, ANS_EMALF, ANS_TSIG_FORMERR },
	{ "MAC 33/32 above hash", "k1.tsig.", "hmac-sha256", SECRET, E_MAC33, T, ANS_EMALF, ANS_TSIG_FORMERR },
	{ "MAC 0 in a request", "k1.tsig.", "hmac-sha256", SECRET, E_MAC0, T, ANS_EMALF, ANS_TSIG_FORMERR },
	{ "unsigned", "k1.tsig.", "hmac-sha256", SECRET, E_UNSIGNED, T, ANS_ENOTFOUND, 0 },
	{ "unsigned, trailing byte", "k1.tsig.", "hmac-sha256", SECRET, E_UNSIGNED_TRAIL, T, ANS_EMALF, ANS_TSIG_FORMERR },
};

static size_t edit(uint8_t *msg, size_t len, int what, const struct ans_tsig_result *good)
{
	uint8_t mac[40];
	size_t tsig_len = len - good->tsig_pos;
	memcpy(mac, good->mac, 32);
	mac[32] = 0;
	switch (what) {
	case E_FLIP: msg[14] ^= 0x20; return len;        /* a letter's case in the qname */
	case E_TRAIL: msg[len] = 0; return len + 1;
	case E_CUT: return len - 1;
	case E_AFTER:   /* an A record after the TSIG */
		memcpy(msg + len, "\0\0\1\0\1\0\0\0\0\0\4\1\2\3\4", 15);
		ans_put_u16(msg + 10, 2);
		return len + 15;
	case E_TWICE:
		memcpy(msg + len, msg + good->tsig_pos, tsig_len);
		ans_put_u16(msg + 10, 2);
		return len + tsig_len;
	case E_IN_ANSWER:
		ans_put_u16(msg + 6, 1);
		ans_put_u16(msg + 10, 0);
		return len;
	case E_CLASS:
		ans_put_u16(msg + good->tsig_pos + ans_name_len(msg + good->tsig_pos) + 2, 1);
		return len;
	case E_MAC16: return with_mac(msg, len, good, mac, 16);
	case E_MAC15: return with_mac(msg, len, good, mac, 15);
	case E_MAC33: return with_mac(msg, len, good, mac, 33);
	case E_MAC0: return with_mac(msg, len, good, mac, 0);
	case E_UNSIGNED: ans_put_u16(msg + 10, 0); return good->tsig_pos;
	case E_UNSIGNED_TRAIL: ans_put_u16(msg + 10, 0); return good->tsig_pos + 1;
	default: return len;
	}
}

static void test_negative(void **state)
{
	(void)state;
	static uint8_t base[MSG_MAX], msg[MSG_MAX];
	struct ans_tsig_key good, k;
	struct ans_tsig_result gres, res;
	key(&good, "k1.tsig.", "hmac-sha256", SECRET);
	size_t blen = vec("hmac-sha256", base);
	assert_int_equal(ans_tsig_verify(base, blen, &good, 1, T, NULL, 0, NULL, &gres), ANS_OK);
	for (size_t i = 0; i < sizeof(neg_cases) / sizeof(neg_cases[0]); i++) {
		const struct neg_case *c = &neg_cases[i];
		key(&k, c->key_name, c->alg, c->secret);
		memcpy(msg, base, blen);
		size_t len = edit(msg, blen, c->edit, &gres);
		int err = ans_tsig_verify(msg, len, &k, 1, c->now, NULL, 0, NULL, &res);
		if (err != c->err || res.error != c->error)
			fail_msg("%s: %d/%u, want %d/%u", c->what, err, res.error, c->err, c->error);
	}
	/* a key may accept truncated MACs down to the RFC floor */
	good.mac_min_len = 16;
	memcpy(msg, base, blen);
	size_t len = edit(msg, blen, E_MAC16, &gres);
	assert_int_equal(ans_tsig_verify(msg, len, &good, 1, T, NULL, 0, NULL, &res), ANS_OK);
	assert_int_equal(res.mac_len, 16);
}

/* ---- our own streams: skip, 99 unsigned in a row, limits ---- */

static size_t small_msg(uint8_t *msg, uint16_t id, uint8_t tag)
{
	static const uint8_t hdr_q[] = {
		0, 0, 0x84, 0, 0, 1, 0, 0, 0, 0, 0, 0,
		1, 'x', 0, 0, 252, 0, 1, 0,   /* x. AXFR IN, tag follows */
	};
	memcpy(msg, hdr_q, sizeof(hdr_q));
	ans_put_u16(msg, id);
	msg[13] = (uint8_t)('a' + tag % 26);
	return sizeof(hdr_q) - 1;
}

static void test_own_stream(void **state)
{
	(void)state;
	uint8_t msg[512], q[512];
	struct ans_tsig_key k, other;
	struct ans_tsig_ctx srv, cli;
	struct ans_tsig_result res;
	key(&k, "k1.tsig.", "hmac-sha384", SECRET);
	key(&other, "k2.tsig.", "hmac-sha384", SECRET);
	ans_tsig_ctx_init(&srv);
	ans_tsig_ctx_init(&cli);
	size_t qlen = small_msg(q, 7, 0);
	q[2] = 0;
	assert_int_equal(ans_tsig_sign(q, &qlen, sizeof(q), &k, T, 300, NULL, 0, &cli), ANS_OK);
	assert_int_equal(ans_tsig_verify(q, qlen, &k, 1, T, NULL, 0, &srv, &res), ANS_OK);
	/* a different key in the same exchange is refused */
	size_t len = small_msg(msg, 7, 1);
	assert_int_equal(ans_tsig_sign(msg, &len, sizeof(msg), &other, T, 300, NULL, 0, &srv), ANS_EINVAL);
	/* signed, then 99 unsigned, then signed, then 99 unsigned and one more */
	for (int i = 0; i < 201; i++) {
		len = small_msg(msg, 7, (uint8_t)i);
		bool sign = i == 0 || i == 100;
		int want = i == 200 ? ANS_ELIMIT : ANS_OK;   /* the 100th */
		if (sign)
			assert_int_equal(ans_tsig_sign(msg, &len, sizeof(msg), &k, T, 300, NULL, 0, &srv), ANS_OK);
		else
			assert_int_equal(ans_tsig_skip(&srv, msg, len), want);
		assert_int_equal(ans_tsig_verify(msg, len, &k, 1, T, NULL, 0, &cli, &res), want);
		assert_int_equal(res.is_signed, sign);
	}
	ans_tsig_ctx_free(&srv);
	ans_tsig_ctx_free(&cli);

	/* no room: ANS_ESPACE and the message unchanged */
	len = small_msg(msg, 7, 0);
	uint8_t copy[64];
	memcpy(copy, msg, len);
	assert_int_equal(ans_tsig_sign(msg, &len, len + ans_tsig_rr_size(&k) - 1, &k, T, 300, NULL, 0, NULL), ANS_ESPACE);
	assert_int_equal(len, 19);
	assert_memory_equal(msg, copy, len);
	assert_int_equal(ans_tsig_sign(msg, &len, len + ans_tsig_rr_size(&k), &k, T, 300, NULL, 0, NULL), ANS_OK);
	assert_int_equal(len, 19 + ans_tsig_rr_size(&k));
	/* sign_error refuses what is not a TSIG error */
	res.error = ANS_TSIG_FORMERR;
	assert_int_equal(ans_tsig_sign_error(msg, &len, sizeof(msg), &res, T), ANS_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_init),
		cmocka_unit_test(test_dnspython_queries),
		cmocka_unit_test(test_dnspython_response),
		cmocka_unit_test(test_dnspython_stream),
		cmocka_unit_test(test_knot_axfr),
		cmocka_unit_test(test_knot_errors),
		cmocka_unit_test(test_knot_errors_client),
		cmocka_unit_test(test_negative),
		cmocka_unit_test(test_own_stream),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
