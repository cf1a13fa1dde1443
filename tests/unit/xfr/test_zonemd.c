/* SPDX-License-Identifier: MIT */
/* ZONEMD against RFC 8976 Appendix A (A.1 simple, A.3 multiple digests)
 * and against dnspython 2.3 for rdata names in mixed case (canonical form,
 * RFC 4034 §6.2 with RFC 6840 §5.1: NSEC's next name keeps its case). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "lib/wire/codec.h"
#include "lib/xfr/zonemd.h"
#include "tests/unit/xfr/xfr_test_util.h"

#define EXAMPLE ((const uint8_t *)"\007example")

static const char a1[] =
	"example.      86400  IN  SOA     ns1 admin 2018031900 1800 900 604800 86400\n"
	"              86400  IN  NS      ns1\n"
	"              86400  IN  NS      ns2\n"
	"              86400  IN  ZONEMD  2018031900 1 1 (\n"
	"                                 c68090d90a7aed716bc459f9340e3d7c\n"
	"                                 1370d4d24b7e2fc3a1ddc0b9a87153b9\n"
	"                                 a9713b3c9ae5cc27777f98b8e730044c )\n"
	"ns1           3600   IN  A       203.0.113.63\n"
	"ns2           3600   IN  AAAA    2001:db8::63\n";

static const char a3[] =
	"example.      86400  IN  SOA     ns1 admin 2018031900 1800 900 604800 86400\n"
	"example.      86400  IN  NS      ns1.example.\n"
	"example.      86400  IN  NS      ns2.example.\n"
	"example.      86400  IN  ZONEMD  2018031900 1 1 62e6cf51b02e54b9b5f967d547ce4313"
	"6792901f9f88e637493daaf401c92c279dd10f0edb1c56f8080211f8480ee306\n"
	"example.      86400  IN  ZONEMD  2018031900 1 2 08cfa1115c7b948c4163a901270395ea"
	"226a930cd2cbcf2fa9a5e6eb85f37c8a4e114d884e66f176eab121cb02db7d652e0cc4827e7a3204"
	"f166b47e5613fd27\n"
	"example.      86400  IN  ZONEMD  2018031900 1 240 e2d523f654b9422a96c5a8f44607bbee\n"
	"example.      86400  IN  ZONEMD  2018031900 241 1 e1846540e33a9e4189792d18d5d131f605fc283e\n"
	"ns1.example.  3600   IN  A       203.0.113.63\n"
	"ns2.example.  86400  IN  TXT     \"This example has multiple digests\"\n"
	"NS2.EXAMPLE.  3600   IN  AAAA    2001:db8::63\n";

static const char mixed[] =
	"$ORIGIN example.\n$TTL 3600\n@ SOA ns1 admin 5 1800 900 604800 86400\n@ NS ns1\n"
	"@ MX 10 MAIL.Example.\n@ ZONEMD 5 1 1 " "000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000\n"
	"ns1 A 203.0.113.63\nmail A 203.0.113.64\nx TXT \"UPPER case\"\n"
	"n NSEC A.Example. A NSEC RRSIG\ns SRV 0 0 53 NS1.example.\nd DNAME Target.Example.NET.\n";

static const struct {
	const char *name;
	const char *zone;
	uint8_t hash;
	const char *hex;
} vectors[] = {
	{ "A.1", a1, 1, "C68090D90A7AED716BC459F9340E3D7C1370D4D24B7E2FC3A1DDC0B9A87153B9"
			"A9713B3C9AE5CC27777F98B8E730044C" },
	{ "A.3 SHA-384", a3, 1, "62E6CF51B02E54B9B5F967D547CE43136792901F9F88E637493DAAF401C92C27"
				"9DD10F0EDB1C56F8080211F8480EE306" },
	{ "A.3 SHA-512", a3, 2, "08CFA1115C7B948C4163A901270395EA226A930CD2CBCF2FA9A5E6EB85F37C8A"
				"4E114D884E66F176EAB121CB02DB7D652E0CC4827E7A3204F166B47E5613FD27" },
	{ "mixed case, dnspython", mixed, 1,
	  "FA329EC6F5CBE1D0E1B305140ACCBB8674175B3F1CEE232953D5D30A158B9673"
	  "62121896BB78923A93521538D39CDF65" },
	{ "mixed case, dnspython SHA-512", mixed, 2,
	  "BD7A4682D58CDF623E335ADBCD9054E2714CCCFB9343F8D5547DD9FC949882348E4C5FCD97F17D0C"
	  "C6800050DF93BA04A0C287BD6F084024C8890A6F6ABB0E67" },
};

static void test_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		struct ans_zone *z = zone_from_text_at(vectors[i].zone, EXAMPLE);
		uint8_t d[ANS_ZONEMD_DIGEST_MAX];
		char hex[2 * ANS_ZONEMD_DIGEST_MAX + 1];
		size_t len;
		if (!z)
			fail_msg("%s: zone does not parse", vectors[i].name);
		assert_int_equal(ans_zonemd_digest(z, 1, vectors[i].hash, d, &len), ANS_OK);
		assert_true(ans_hex_encode(d, len, hex, sizeof(hex)) > 0);
		if (strcmp(hex, vectors[i].hex))
			fail_msg("%s: got %s", vectors[i].name, hex);
		ans_zone_free(z);
	}
}

static void test_verify(void **state)
{
	(void)state;
	struct ans_zone *z = zone_from_text_at(a1, EXAMPLE);
	assert_int_equal(ans_zonemd_verify(z), ANS_OK);
	ans_zone_free(z);
	z = zone_from_text_at(a3, EXAMPLE);
	assert_int_equal(ans_zonemd_verify(z), ANS_OK);
	ans_zone_free(z);
	/* One changed record: the digest no longer matches. */
	char bad[sizeof(a3)];
	memcpy(bad, a3, sizeof(a3));
	memcpy(strstr(bad, "multiple"), "MULTIPLE", 8);
	z = zone_from_text_at(bad, EXAMPLE);
	assert_int_equal(ans_zonemd_verify(z), ANS_ESEMANTIC);
	ans_zone_free(z);
	/* Mixed-case owners are lowercased: the digest does not change. */
	memcpy(bad, a3, sizeof(a3));
	memcpy(strstr(bad, "ns1.example.  3600"), "NS1.Example.", 12);
	z = zone_from_text_at(bad, EXAMPLE);
	assert_int_equal(ans_zonemd_verify(z), ANS_OK);
	ans_zone_free(z);
	uint8_t d[ANS_ZONEMD_DIGEST_MAX];
	size_t len;
	z = zone_from_text_at(a1, EXAMPLE);
	assert_int_equal(ans_zonemd_digest(z, 2, 1, d, &len), ANS_EINVAL);
	assert_int_equal(ans_zonemd_digest(z, 1, 3, d, &len), ANS_EINVAL);
	ans_zone_free(z);
	z = zone_from_text_at("example. 60 SOA a b 1 2 3 4 5\nexample. 60 NS a\n", EXAMPLE);
	assert_int_equal(ans_zonemd_verify(z), ANS_ENOENT);
	ans_zone_free(z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_verify),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
