/* SPDX-License-Identifier: MIT */
/* store_zone_serial (anynsd/xfr/store.c): the stored copy's serial read
 * from its SOA without decoding the entry, as the fast start-up uses it
 * (anynsd/xfr/zonefile.c); a missing copy is ANS_ENOENT, a value that is
 * not a zone entry ANS_EMALF, at every truncation too. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "anynsd/xfr/store.h"
#include "tests/unit/anynsd/store_test_util.h"
#include "tests/unit/xfr/xfr_test_util.h"

#define ZONE(serial) "$TTL 300\n@ SOA ns hm " #serial " 7200 900 1209600 300\n@ NS ns\n" \
		     "ns A 192.0.2.1\nwww A 192.0.2.2\n"

static void test_store_serial(void **state)
{
	(void)state;
	char dir[64], why[128];
	struct store *s;
	uint32_t serial = 0;
	tmp_dir_make(dir, sizeof(dir));
	assert_int_equal(store_open(&s, dir, why, sizeof(why)), ANS_OK);
	assert_int_equal(store_zone_serial(s, XORIGIN, &serial), ANS_ENOENT);
	struct ans_zone *z = zone_from_text(ZONE(2026112601));
	assert_int_equal(store_zone_put(s, z), ANS_OK);
	assert_int_equal(store_zone_serial(s, XORIGIN, &serial), ANS_OK);
	assert_int_equal(serial, 2026112601u);
	/* Every truncation of the entry is refused, never read past. */
	uint8_t *buf;
	size_t len;
	assert_int_equal(store_zone_encode(z, &buf, &len), ANS_OK);
	store_close(s);
	for (size_t cut = 0; cut < 80 && cut < len; cut++) {
		raw_put(dir, "zone", XORIGIN, 13, buf, cut);
		assert_int_equal(store_open(&s, dir, why, sizeof(why)), ANS_OK);
		assert_int_equal(store_zone_serial(s, XORIGIN, &serial), ANS_EMALF);
		store_close(s);
	}
	free(buf);
	ans_zone_free(z);
	tmp_dir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_store_serial),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
