/* SPDX-License-Identifier: MIT */
/* anynsd's LMDB store (anynsd/xfr/store.c): timers, whole zones and journal
 * chains written and read back (also across a close and reopen); journals
 * relinked backwards from the served serial (entries off the chain
 * deleted, a serial wrap followed); corrupt values planted with raw LMDB
 * writes give ANS_EMALF and clear what they spoil, never a crash; every
 * truncation of an encoded zone is refused by the decoder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "anynsd/xfr/store.h"
#include "lib/base/wire.h"
#include "tests/unit/anynsd/store_test_util.h"

struct fx {
	char dir[64];
	struct store *s;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char why[128];
	tmp_dir_make(f->dir, sizeof(f->dir));
	if (store_open(&f->s, f->dir, why, sizeof(why)) != ANS_OK)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	store_close(f->s);
	tmp_dir_remove(f->dir);
	free(f);
	return 0;
}

static void reopen(struct fx *f)
{
	char why[128];
	store_close(f->s);
	assert_int_equal(store_open(&f->s, f->dir, why, sizeof(why)), ANS_OK);
}

/* A raw value planted while the store is closed, then reopened. */
static void plant(struct fx *f, const char *db, const void *key, size_t klen,
		  const void *val, size_t vlen)
{
	char why[128];
	store_close(f->s);
	raw_put(f->dir, db, key, klen, val, vlen);
	assert_int_equal(store_open(&f->s, f->dir, why, sizeof(why)), ANS_OK);
}

static void test_timers(void **state)
{
	struct fx *f = *state;
	struct store_timers t = { .serial = 4000000000u, .last_refresh = 1700000000,
				  .expire_at = (int64_t)1 << 40, .next_refresh = -5 }, back;
	assert_int_equal(store_timers_load(f->s, XORIGIN, &back), ANS_ENOENT);
	assert_int_equal(store_timers_put(f->s, XORIGIN, &t), ANS_OK);
	reopen(f);
	assert_int_equal(store_timers_load(f->s, XORIGIN, &back), ANS_OK);
	assert_int_equal(back.serial, t.serial);
	assert_int_equal(back.last_refresh, t.last_refresh);
	assert_int_equal(back.expire_at, t.expire_at);
	assert_int_equal(back.next_refresh, t.next_refresh);
	assert_int_equal(store_timers_load(f->s, (const uint8_t *)"\3org", &back), ANS_ENOENT);
	/* Wrong length, then a wrong version: both corrupt. */
	plant(f, "timers", XORIGIN, ans_name_len(XORIGIN), "short", 5);
	assert_int_equal(store_timers_load(f->s, XORIGIN, &back), ANS_EMALF);
	uint8_t v[32] = { 0xff };
	plant(f, "timers", XORIGIN, ans_name_len(XORIGIN), v, sizeof(v));
	assert_int_equal(store_timers_load(f->s, XORIGIN, &back), ANS_EMALF);
}

static void test_zone_round_trip(void **state)
{
	struct fx *f = *state;
	struct ans_zone *z = chain_zone(14), *back = NULL;
	assert_int_equal(store_zone_load(f->s, XORIGIN, NULL, &back), ANS_ENOENT);
	assert_int_equal(store_zone_put(f->s, z), ANS_OK);
	reopen(f);
	assert_int_equal(store_zone_load(f->s, XORIGIN, NULL, &back), ANS_OK);
	char *a = zone_text(z), *b = zone_text(back);
	assert_string_equal(a, b);
	assert_int_equal(back->serial, 14);
	free(a);
	free(b);
	ans_zone_free(back);
	ans_zone_free(z);
	/* Garbage in its place: ANS_EMALF, not a zone. */
	plant(f, "zone", XORIGIN, ans_name_len(XORIGIN), "\0\1\2\3garbage", 11);
	back = NULL;
	assert_int_equal(store_zone_load(f->s, XORIGIN, NULL, &back), ANS_EMALF);
	assert_null(back);
}

static void test_zone_decode_truncated(void **state)
{
	(void)state;
	struct ans_zone *z = chain_zone(13), *back = NULL;
	uint8_t *buf;
	size_t len;
	assert_int_equal(store_zone_encode(z, &buf, &len), ANS_OK);
	assert_int_equal(store_zone_decode(XORIGIN, buf, len, NULL, &back), ANS_OK);
	ans_zone_free(back);
	for (size_t cut = 0; cut < len; cut++) {
		back = NULL;
		if (store_zone_decode(XORIGIN, buf, cut, NULL, &back) == ANS_OK)
			fail_msg("a zone decoded from %zu of %zu bytes", cut, len);
		assert_null(back);
	}
	/* One flipped byte anywhere: the CRC or the parser refuses it. */
	for (size_t i = 0; i < len; i++) {
		buf[i] ^= 0x20;
		back = NULL;
		if (store_zone_decode(XORIGIN, buf, len, NULL, &back) == ANS_OK)
			fail_msg("a zone decoded with byte %zu flipped", i);
		buf[i] ^= 0x20;
	}
	/* Another apex than the one stored. */
	assert_int_not_equal(store_zone_decode((const uint8_t *)"\3org", buf, len, NULL, &back),
			     ANS_OK);
	free(buf);
	ans_zone_free(z);
}

static void put_chain(struct fx *f, uint32_t from, uint32_t to)
{
	for (uint32_t s = from; s != to; s++) {
		struct ans_changeset *cs = chain_cs(s, s + 1);
		assert_int_equal(store_journal_put(f->s, XORIGIN, cs, NULL, 0), ANS_OK);
		ans_changeset_free(cs);
	}
}

static void free_list(struct ans_changeset **cs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ans_changeset_free(cs[i]);
	free(cs);
}

static void test_journal_chains(void **state)
{
	struct fx *f = *state;
	static const struct {
		uint32_t load_at;
		size_t want_n;           /* then kept on disk: the same */
		uint32_t want_first;
	} t[] = {
		{ 14, 4, 10 },   /* 10 -> 14 */
		{ 99, 0, 0 },    /* nothing ends at 99: all off the chain */
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(store_journal_clear(f->s, XORIGIN), ANS_OK);
		put_chain(f, 10, 14);
		struct ans_changeset **cs = NULL;
		size_t n = 99;
		reopen(f);
		assert_int_equal(store_journal_load(f->s, XORIGIN, t[i].load_at, &cs, &n), ANS_OK);
		assert_int_equal(n, t[i].want_n);
		for (size_t k = 0; k < n; k++)
			assert_int_equal(ans_changeset_serial_from(cs[k]), t[i].want_first + k);
		free_list(cs, n);
		/* What was off the chain is gone: a second load agrees. */
		assert_int_equal(store_journal_load(f->s, XORIGIN, t[i].load_at, &cs, &n), ANS_OK);
		assert_int_equal(n, t[i].want_n);
		free_list(cs, n);
	}
	/* Drop the two oldest with an append; a shorter chain remains. */
	assert_int_equal(store_journal_clear(f->s, XORIGIN), ANS_OK);
	put_chain(f, 10, 13);
	struct ans_changeset *cs13 = chain_cs(13, 14), **cs;
	uint32_t drop[] = { 10, 11 };
	size_t n;
	assert_int_equal(store_journal_put(f->s, XORIGIN, cs13, drop, 2), ANS_OK);
	ans_changeset_free(cs13);
	assert_int_equal(store_journal_load(f->s, XORIGIN, 14, &cs, &n), ANS_OK);
	assert_int_equal(n, 2);
	assert_int_equal(ans_changeset_serial_from(cs[0]), 12);
	free_list(cs, n);
}

static void test_journal_wrap(void **state)
{
	struct fx *f = *state;
	/* Serials 0xfffffffe -> 0xffffffff -> 0 -> 1: key order is not chain
	 * order; the chain is found backwards from 1. */
	put_chain(f, 0xfffffffeu, 1);
	struct ans_changeset **cs;
	size_t n;
	assert_int_equal(store_journal_load(f->s, XORIGIN, 1, &cs, &n), ANS_OK);
	assert_int_equal(n, 3);
	assert_int_equal(ans_changeset_serial_from(cs[0]), 0xfffffffeu);
	assert_int_equal(ans_changeset_serial_to(cs[2]), 1);
	free_list(cs, n);
}

static void test_journal_corrupt(void **state)
{
	struct fx *f = *state;
	put_chain(f, 10, 13);
	/* The entry 11 -> 12 replaced by garbage. */
	uint8_t key[64];
	size_t kl = ans_name_len(XORIGIN);
	memcpy(key, XORIGIN, kl);
	ans_put_u32(key + kl, 11);
	plant(f, "journal", key, kl + 4, "\x01\x02garbage-entry", 15);
	struct ans_changeset **cs = NULL;
	size_t n = 99;
	assert_int_equal(store_journal_load(f->s, XORIGIN, 13, &cs, &n), ANS_EMALF);
	/* The whole journal was cleared: the next load is clean and empty. */
	assert_int_equal(store_journal_load(f->s, XORIGIN, 13, &cs, &n), ANS_OK);
	assert_int_equal(n, 0);
	free(cs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_timers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zone_round_trip, setup, teardown),
		cmocka_unit_test(test_zone_decode_truncated),
		cmocka_unit_test_setup_teardown(test_journal_chains, setup, teardown),
		cmocka_unit_test_setup_teardown(test_journal_wrap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_journal_corrupt, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
