/* SPDX-License-Identifier: MIT */
/*
 * Rdata text <-> wire, table-driven. Expected wire bytes come from dnspython
 * 2.3 (an independent encoder), expected text from BIND 9.18
 * `named-checkzone -D` on a zone holding the same records (the reference for
 * `anyns zone-check --print`).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lib/wire/codec.h"
#include "lib/wire/rdata.h"

#define MAX_TOK 64

/* A small zone-file-like tokenizer: whitespace separates tokens, "..." is a
 * quoted token (quotes removed), a quote inside a bare token (alpn="a b")
 * keeps the token going, backslash escapes are kept raw. */
static size_t tokenize(const char *s, struct ans_token *tok)
{
	size_t n = 0;
	while (*s) {
		while (*s == ' ')
			s++;
		if (!*s)
			break;
		bool quoted = *s == '"';
		const char *start = quoted ? ++s : s;
		bool in_quote = quoted;
		while (*s && (in_quote || *s != ' ')) {
			if (*s == '\\' && s[1])
				s++;
			else if (*s == '"')
				in_quote = !in_quote;
			if (quoted && !in_quote)
				break;
			s++;
		}
		assert_true(n < MAX_TOK);
		tok[n++] = (struct ans_token){ start, (size_t)(s - start), quoted };
		if (quoted && *s == '"')
			s++;
	}
	return n;
}

static const uint8_t origin[] = "\x07" "example" "\x03" "com";  /* + NUL = root */

static size_t hex_to_bin(const char *hex, uint8_t *out)
{
	size_t n = strlen(hex) / 2;
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		sscanf(hex + 2 * i, "%2x", &v);
		out[i] = (uint8_t)v;
	}
	return n;
}

static int from_text(uint16_t type, const char *text, uint8_t *out, size_t *len,
		     char *err, size_t err_size)
{
	struct ans_token tok[MAX_TOK];
	size_t ntok = tokenize(text, tok);
	return ans_rdata_from_text(type, tok, ntok, origin, out, ANS_RDATA_MAX,
				   len, err, err_size);
}

struct rt_case {
	uint16_t type;
	const char *in;
	const char *wire;
	const char *out;
};

static const struct rt_case rt_cases[] = {
	{ 1, "192.0.2.1",
	  "C0000201",
	  "192.0.2.1" },
	{ 1, "0.0.0.0", "00000000", "0.0.0.0" },
	{ 1, "255.255.255.255", "FFFFFFFF", "255.255.255.255" },
	{ 1, "10.230.1.0", "0AE60100", "10.230.1.0" },
	{ 2, "ns1",
	  "036E7331076578616D706C6503636F6D00",
	  "ns1.example.com." },
	{ 5, "@",
	  "076578616D706C6503636F6D00",
	  "example.com." },
	{ 12, "host.example.net.",
	  "04686F7374076578616D706C65036E657400",
	  "host.example.net." },
	{ 6, "ns1 hostmaster 2024010101 1h 15m 1w 1d",
	  "036E7331076578616D706C6503636F6D000A686F73746D6173746572076578616D706C6503636F6D0078A3F17500000E100000038400093A8000015180",
	  "ns1.example.com. hostmaster.example.com. 2024010101 3600 900 604800 86400" },
	{ 28, "2001:DB8:0:0:0:0:0:1",
	  "20010DB8000000000000000000000001",
	  "2001:db8::1" },
	{ 28, "2001:db8::1:0:0:1",
	  "20010DB8000000000001000000000001",
	  "2001:db8::1:0:0:1" },
	{ 28, "::ffff:1.2.3.4",
	  "00000000000000000000FFFF01020304",
	  "::ffff:1.2.3.4" },
	{ 16, "\"hello world\" \"a\\\"b\\\\c\" \"\\010\\255x\" \"\" unq",
	  "0B68656C6C6F20776F726C64056122625C63030AFF780003756E71",
	  "\"hello world\" \"a\\\"b\\\\c\" \"\\010\\255x\" \"\" \"unq\"" },
	{ 16, "\"\\\"\" \"\\\\\" \" \" \"\\195\\169\" \"a;b\" \"~\\127\"",
	  "0122015C012002C3A903613B62027E7F",
	  "\"\\\"\" \"\\\\\" \" \" \"\\195\\169\" \"a;b\" \"~\\127\"" },
	{ 13, "\"PC\" \"Linux OS\"",
	  "025043084C696E7578204F53",
	  "\"PC\" \"Linux OS\"" },
	{ 15, "10 mail",
	  "000A046D61696C076578616D706C6503636F6D00",
	  "10 mail.example.com." },
	{ 33, "0 5 5060 sip",
	  "0000000513C403736970076578616D706C6503636F6D00",
	  "0 5 5060 sip.example.com." },
	{ 35, "100 10 \"U\" \"E2U+sip\" \"!^.*$!sip:info@example.com!\" .",
	  "0064000A0155074532552B7369701B215E2E2A24217369703A696E666F406578616D706C652E636F6D2100",
	  "100 10 \"U\" \"E2U+sip\" \"!^.*$!sip:info@example.com!\" ." },
	{ 43, "12345 8 2 49FD46E6C4B45C55D4AC69CBD3CD34AC1AFE51DE 0123456789abcdef01234567",
	  "3039080249FD46E6C4B45C55D4AC69CBD3CD34AC1AFE51DE0123456789ABCDEF01234567",
	  "12345 8 2 49FD46E6C4B45C55D4AC69CBD3CD34AC1AFE51DE0123456789ABCDEF 01234567" },
	{ 44, "1 1 dd465c09cfa51fb45020cc83316fff21b9ec74ac",
	  "0101DD465C09CFA51FB45020CC83316FFF21B9EC74AC",
	  "1 1 DD465C09CFA51FB45020CC83316FFF21B9EC74AC" },
	{ 48, "257 3 8 AwEAAagAIKlVZrpC6Ia7gEzahOR+9W29euxhJhVVLOyQbSEW0O8gcCjFFVQUTf6v58fLjwBd0YI0EzrAcQqBGCzh/RStIoO8g0NfnfL2MTJRkxoX",
	  "0101030803010001A80020A95566BA42E886BB804CDA84E47EF56DBD7AEC612615552CEC906D2116D0EF207028C51554144DFEAFE7C7CB8F005DD18234133AC0710A81182CE1FD14AD2283BC83435F9DF2F6313251931A17",
	  "257 3 8 AwEAAagAIKlVZrpC6Ia7gEzahOR+9W29euxhJhVVLOyQbSEW0O8gcCjF FVQUTf6v58fLjwBd0YI0EzrAcQqBGCzh/RStIoO8g0NfnfL2MTJRkxoX" },
	{ 48, "256 3 13 oJMRESz5E4gYzS/q6XDrvU1qMPYIjCWzJaOau8XNEZeqCYKD5ar0IRd8 KqXXFJkqmVfRvMGPmM1x8fGAa2XhSA==",
	  "0100030DA09311112CF9138818CD2FEAE970EBBD4D6A30F6088C25B325A39ABBC5CD1197AA098283E5AAF421177C2AA5D714992A9957D1BCC18F98CD71F1F1806B65E148",
	  "256 3 13 oJMRESz5E4gYzS/q6XDrvU1qMPYIjCWzJaOau8XNEZeqCYKD5ar0IRd8 KqXXFJkqmVfRvMGPmM1x8fGAa2XhSA==" },
	{ 46, "A 8 3 3600 20340201000000 20240101000000 12345 example.com. AwEAAagAIKlVZrpC6Ia7gEzahOR+9W29euxhJhVVLOyQbSEW0O8gcCjF",
	  "0001080300000E10788AD680659200803039076578616D706C6503636F6D0003010001A80020A95566BA42E886BB804CDA84E47EF56DBD7AEC612615552CEC906D2116D0EF207028C5",
	  "A 8 3 3600 20340201000000 20240101000000 12345 example.com. AwEAAagAIKlVZrpC6Ia7gEzahOR+9W29euxhJhVVLOyQbSEW0O8gcCjF" },
	{ 46, "SOA 13 2 7200 1700000000 20231101000000 2 Example.COM. AQID",
	  "00060D0200001C206553F100654195000002074578616D706C6503434F4D00010203",
	  "SOA 13 2 7200 20231114221320 20231101000000 2 Example.COM. AQID" },
	{ 47, "Next.example.com. A NS SOA MX RRSIG NSEC TYPE1234",
	  "044E657874076578616D706C6503636F6D000006620100000003041B000000000000000000000000000000000000000000000000000020",
	  "Next.example.com. A NS SOA MX RRSIG NSEC TYPE1234" },
	{ 47, "next A",
	  "046E657874076578616D706C6503636F6D00000140",
	  "next.example.com. A" },
	{ 50, "1 1 12 aabbccdd 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR A RRSIG",
	  "0101000C04AABBCCDD14174EB2409FE28BCB4887A1836F957F0A8425E27B0006400000000002",
	  "1 1 12 AABBCCDD 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR A RRSIG" },
	{ 50, "1 0 0 - 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR",
	  "010000000014174EB2409FE28BCB4887A1836F957F0A8425E27B",
	  "1 0 0 - 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR" },
	{ 51, "1 0 10 AABB",
	  "0100000A02AABB",
	  "1 0 10 AABB" },
	{ 51, "1 0 0 -",
	  "0100000000",
	  "1 0 0 -" },
	{ 52, "3 1 1 0c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6",
	  "0301010C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6",
	  "3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B566 64C5D3D6" },
	{ 53, "3 1 1 0c72ac70",
	  "0301010C72AC70",
	  "3 1 1 0C72AC70" },
	{ 59, "0 0 0 00",
	  "0000000000",
	  "0 0 0 00" },
	{ 60, "0 3 0 AA==",
	  "0000030000",
	  "0 3 0 AA==" },
	{ 257, "0 issue \"letsencrypt.org\"",
	  "000569737375656C657473656E63727970742E6F7267",
	  "0 issue \"letsencrypt.org\"" },
	{ 257, "128 tbs \"a\\\"b\"",
	  "8003746273612262",
	  "128 tbs \"a\\\"b\"" },
	{ 257, "0 issue \"\"",
	  "00056973737565",
	  "0 issue \"\"" },
	{ 39, "other.net.",
	  "056F74686572036E657400",
	  "other.net." },
	{ 63, "2024010101 1 1 a0b1c2d3e4f5a0b1c2d3e4f5a0b1c2d3e4f5a0b1c2d3e4f5a0b1c2d3e4f5a0b1c2d3e4f5a0b1c2d3e4f5a0b1c2d3e4f5",
	  "78A3F1750101A0B1C2D3E4F5A0B1C2D3E4F5A0B1C2D3E4F5A0B1C2D3E4F5A0B1C2D3E4F5A0B1C2D3E4F5A0B1C2D3E4F5A0B1C2D3E4F5",
	  "2024010101 1 1 A0B1C2D3E4F5A0B1C2D3E4F5A0B1C2D3E4F5A0B1C2D3E4F5A0B1C2D3 E4F5A0B1C2D3E4F5A0B1C2D3E4F5A0B1C2D3E4F5" },
	{ 64, "1 . alpn=\"h2,h3\" port=8443 ipv4hint=1.2.3.4,5.6.7.8 ech=AEX+DQBBpQAgACA= ipv6hint=2001:db8::1 mandatory=alpn,port key65000=abc",
	  "0001000000000400010003000100060268320268330003000220FB0004000801020304050607080005000B0045FE0D0041A5002000200006001020010DB8000000000000000000000001FDE80003616263",
	  "1 . mandatory=alpn,port alpn=\"h2,h3\" port=8443 ipv4hint=1.2.3.4,5.6.7.8 ech=AEX+DQBBpQAgACA= ipv6hint=2001:db8::1 key65000=\"abc\"" },
	{ 65, "1 . alpn=h2 no-default-alpn",
	  "0001000001000302683200020000",
	  "1 . alpn=\"h2\" no-default-alpn" },
	{ 65, "0 svc.example.net.",
	  "000003737663076578616D706C65036E657400",
	  "0 svc.example.net." },
	{ 65, "2 . alpn=\"f\\\\\\\\oo\\\\,bar,h2\"",
	  "0002000001000C08665C6F6F2C626172026832",
	  "2 . alpn=\"f\\\\\\\\oo\\\\,bar,h2\"" },
	{ 64, "1 . key65000 key65001=\"\" alpn=a\\\\\\,b",
	  "0001000001000403612C62FDE80000FDE90000",
	  "1 . alpn=\"a\\\\,b\" key65000 key65001" },
	{ 64, "1 . key7=\"/q{?dns}\"",
	  "000100000700082F717B3F646E737D",
	  "1 . key7=\"/q{?dns}\"" },
	{ 64, "1 foo key3=53 mandatory=key65000 key65000=x",
	  "000103666F6F076578616D706C6503636F6D0000000002FDE8000300023533FDE8000178",
	  "1 foo.example.com. mandatory=key65000 port=13619 key65000=\"x\"" },
	{ 14, "rm em",
	  "02726D076578616D706C6503636F6D0002656D076578616D706C6503636F6D00",
	  "rm.example.com. em.example.com." },
	{ 17, "rp txt",
	  "027270076578616D706C6503636F6D0003747874076578616D706C6503636F6D00",
	  "rp.example.com. txt.example.com." },
	{ 18, "1 afs",
	  "000103616673076578616D706C6503636F6D00",
	  "1 afs.example.com." },
	{ 36, "10 kx",
	  "000A026B78076578616D706C6503636F6D00",
	  "10 kx.example.com." },
	{ 99, "\"v=spf1 -all\"",
	  "0B763D73706631202D616C6C",
	  "\"v=spf1 -all\"" },
	{ 49, "AAIBY2/AuCccgoJbsaxcQc9TUapptP69lOjxfNuVAA2kjEA=",
	  "000201636FC0B8271C82825BB1AC5C41CF5351AA69B4FEBD94E8F17CDB95000DA48C40",
	  "AAIBY2/AuCccgoJbsaxcQc9TUapptP69lOjxfNuVAA2kjEA=" },
	{ 61, "AQID",
	  "010203",
	  "AQID" },
	{ 256, "10 1 \"ftp://ftp1.example.com/public\"",
	  "000A00016674703A2F2F667470312E6578616D706C652E636F6D2F7075626C6963",
	  "10 1 \"ftp://ftp1.example.com/public\"" },
	{ 62, "66 3 A NS AAAA",
	  "000000420003000460000008",
	  "66 3 A NS AAAA" },
	{ 37, "1 0 0 AQID",
	  "0001000000010203",
	  "PKIX 0 0 AQID" },
	{ 37, "PGP 1 2 AQID",
	  "0003000102010203",
	  "PGP 1 DH AQID" },
	{ 108, "00-00-5e-00-53-2a",
	  "00005E00532A",
	  "00-00-5e-00-53-2a" },
	{ 109, "00-00-5e-ef-10-00-00-2a",
	  "00005EEF1000002A",
	  "00-00-5e-ef-10-00-00-2a" },
	{ 104, "10 00ff:0000:0a:12",
	  "000A00FF0000000A0012",
	  "10 ff:0:a:12" },
	{ 105, "10 10.1.2.0",
	  "000A0A010200",
	  "10 10.1.2.0" },
	{ 106, "10 2001:db8:1140:1000",
	  "000A20010DB811401000",
	  "10 2001:db8:1140:1000" },
	{ 107, "10 l64",
	  "000A036C3634076578616D706C6503636F6D00",
	  "10 l64.example.com." },
	{ 65280, "\\# 4 0A000001",
	  "0A000001",
	  "\\# 4 0A000001" },
	{ 1, "\\# 4 0A000002",
	  "0A000002",
	  "10.0.0.2" },
	{ 1, "10.0.0.3",
	  "0A000003",
	  "10.0.0.3" },
	{ 65281, "\\# 0",
	  "",
	  "\\# 0" },
	{ 65282, "\\# 40 0102030405060708090A0102030405060708090A0102030405060708090A0102030405060708090A",
	  "0102030405060708090A0102030405060708090A0102030405060708090A0102030405060708090A",
	  "\\# 40 0102030405060708090A0102030405060708090A0102030405060708 090A0102030405060708090A" },
	{ 10, "\\# 3 010203",
	  "010203",
	  "\\# 3 010203" },
	/* RRSIG original TTL with units (accepted as Knot does; BIND does not). */
	{ 46, "SOA 13 2 2h 1700000000 20231101000000 2 Example.COM. AQID",
	  "00060D0200001C206553F100654195000002074578616D706C6503434F4D00010203",
	  "SOA 13 2 7200 20231114221320 20231101000000 2 Example.COM. AQID" },
	/* Base64 split at odd places over tokens. */
	{ 48, "256 3 13 AQ ID",
	  "0100030D010203", "256 3 13 AQID" },
	/* \\# for a known type prints in the typed form. */
	{ 99, "\\# 2 0141", "0141", "\"A\"" },
};

static void test_round_trip(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rt_cases) / sizeof(rt_cases[0]); i++) {
		const struct rt_case *c = &rt_cases[i];
		uint8_t wire[ANS_RDATA_MAX], want[ANS_RDATA_MAX], again[ANS_RDATA_MAX];
		char err[256], text[8192];
		size_t len = 0, len2 = 0;
		int ret = from_text(c->type, c->in, wire, &len, err, sizeof(err));
		if (ret != ANS_OK)
			fail_msg("case %zu (%s): %s", i, c->in, err);
		size_t want_len = hex_to_bin(c->wire, want);
		if (len != want_len || memcmp(wire, want, len) != 0) {
			char got[8192];
			for (size_t k = 0; k < len; k++)
				sprintf(got + 2 * k, "%02X", wire[k]);
			fail_msg("case %zu (%s): wire %s, want %s", i, c->in, got, c->wire);
		}
		assert_int_equal(ans_rdata_check(c->type, wire, len), ANS_OK);
		ret = ans_rdata_to_text(c->type, wire, len, text, sizeof(text));
		assert_true(ret > 0 || (ret == 0 && c->out[0] == '\0'));
		if (strcmp(text, c->out) != 0)
			fail_msg("case %zu: text '%s', want '%s'", i, text, c->out);
		assert_int_equal(ret, (int)strlen(text));
		/* And the printed form reads back to the same bytes. */
		assert_int_equal(from_text(c->type, text, again, &len2, err, sizeof(err)), ANS_OK);
		assert_int_equal(len2, len);
		assert_memory_equal(again, wire, len);
	}
}

struct err_case {
	uint16_t type;
	const char *in;
	int code;
	const char *msg;   /* substring of the error text */
};

static const struct err_case err_cases[] = {
	{ ANS_TYPE_A, "1.2.3", ANS_ESYNTAX, "expected an IPv4 address for A address, got '1.2.3'" },
	/* as inet_pton(AF_INET): no leading zeros, octets ≤ 255, four of them */
	{ ANS_TYPE_A, "01.2.3.4", ANS_ESYNTAX, "expected an IPv4 address" },
	{ ANS_TYPE_A, "1.2.3.256", ANS_ESYNTAX, "expected an IPv4 address" },
	{ ANS_TYPE_A, "1.2.3.4.", ANS_ESYNTAX, "expected an IPv4 address" },
	{ ANS_TYPE_A, "1..3.4", ANS_ESYNTAX, "expected an IPv4 address" },
	{ ANS_TYPE_A, "1.2.3.1234", ANS_ESYNTAX, "expected an IPv4 address" },
	{ ANS_TYPE_A, "1.2.3.4x", ANS_ESYNTAX, "expected an IPv4 address" },
	{ ANS_TYPE_A, "0x1.2.3.4", ANS_ESYNTAX, "expected an IPv4 address" },
	{ ANS_TYPE_A, "1.2.3.4 5.6.7.8", ANS_ESYNTAX, "unexpected '5.6.7.8' after A rdata" },
	{ ANS_TYPE_A, "", ANS_ESYNTAX, "missing A address" },
	{ ANS_TYPE_AAAA, "1.2.3.4", ANS_ESYNTAX, "expected an IPv6 address" },
	{ ANS_TYPE_MX, "65536 mail", ANS_ESYNTAX, "expected a 16-bit number for MX preference" },
	{ ANS_TYPE_MX, "-1 mail", ANS_ESYNTAX, "expected a 16-bit number for MX preference" },
	{ ANS_TYPE_MX, "0x10 mail", ANS_ESYNTAX, "16-bit number" },
	{ ANS_TYPE_MX, "10", ANS_ESYNTAX, "missing MX exchange" },
	{ ANS_TYPE_MX, "10 a..b", ANS_ESYNTAX, "expected a domain name for MX exchange" },
	{ ANS_TYPE_SOA, "ns hm 4294967296 1 1 1 1", ANS_ESYNTAX, "32-bit number for SOA serial" },
	{ ANS_TYPE_SOA, "ns hm 1 1x 1 1 1", ANS_ESYNTAX, "expected a TTL for SOA refresh" },
	{ ANS_TYPE_TXT,
	  "\"0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
	  "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
	  "0123456789012345678901234567890123456789012345678901234567890123456\"",
	  ANS_ELIMIT, "TXT string longer than 255 bytes" },
	{ ANS_TYPE_TXT, "\"a\\25\"", ANS_ESYNTAX, "character string" },
	{ ANS_TYPE_TXT, "\"\\256\"", ANS_ESYNTAX, "character string" },
	{ ANS_TYPE_DS, "1 8 2 ABC", ANS_ESYNTAX, "expected hex data for DS digest" },
	{ ANS_TYPE_DNSKEY, "257 3 8 AQI", ANS_ESYNTAX, "expected base64 data for DNSKEY key" },
	{ ANS_TYPE_DNSKEY, "257 3 8 A=QI", ANS_ESYNTAX, "base64" },
	{ ANS_TYPE_RRSIG, "A 8 2 3600 20241301000000 20240101000000 1 . AQID", ANS_ESYNTAX,
	  "expected a time (YYYYMMDDHHmmSS) for RRSIG expiration" },
	{ ANS_TYPE_RRSIG, "BOGUS 8 2 3600 1 1 1 . AQID", ANS_ESYNTAX, "expected a record type for RRSIG type-covered" },
	{ ANS_TYPE_NSEC, "next. A BOGUS", ANS_ESYNTAX, "expected a record type for NSEC types" },
	{ ANS_TYPE_NSEC3, "1 0 0 - 2T7B4G4VSA5SMI47K61MV5BV1A22BOJW A", ANS_ESYNTAX, "base32hex" },
	{ ANS_TYPE_NSEC3, "1 0 0 XY 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR", ANS_ESYNTAX, "hex salt" },
	{ ANS_TYPE_CAA, "0 is-sue \"x\"", ANS_ESYNTAX, "tag of letters and digits" },
	{ ANS_TYPE_SVCB, "1 . alpn=h2 alpn=h3", ANS_ESYNTAX, "duplicate SvcParam key1" },
	{ ANS_TYPE_SVCB, "1 . mandatory=port", ANS_ESYNTAX, "mandatory key3 is missing" },
	{ ANS_TYPE_SVCB, "1 . no-default-alpn", ANS_ESYNTAX, "no-default-alpn needs an alpn" },
	{ ANS_TYPE_SVCB, "1 . port=65536", ANS_ESYNTAX, "bad value for SvcParam key3" },
	{ ANS_TYPE_SVCB, "1 . ipv4hint=1.2.3", ANS_ESYNTAX, "bad value for SvcParam key4" },
	{ ANS_TYPE_SVCB, "1 . alpn=h2,,h3", ANS_ESYNTAX, "bad value for SvcParam key1" },
	{ ANS_TYPE_SVCB, "1 . bogus=1", ANS_ESYNTAX, "expected an SvcParamKey, got 'bogus'" },
	{ ANS_TYPE_SVCB, "1 . key1=h2", ANS_ESYNTAX, "bad value for SvcParam key1" },
	{ ANS_TYPE_A, "\\# 3 010203", ANS_ESYNTAX, "\\# data is not valid A rdata" },
	{ ANS_TYPE_A, "\\# 4 010203", ANS_ESYNTAX, "\\# length 4 does not match 3 bytes" },
	{ ANS_TYPE_A, "\\# x", ANS_ESYNTAX, "expected the rdata length after \\#" },
	{ 65280, "01020304", ANS_ESYNTAX, "expected \\# rdata for TYPE65280" },
	{ 108, "00-00-5e-00-53", ANS_ESYNTAX, "EUI address" },
};

static void test_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(err_cases) / sizeof(err_cases[0]); i++) {
		const struct err_case *c = &err_cases[i];
		uint8_t wire[ANS_RDATA_MAX];
		char err[256] = "";
		size_t len;
		int ret = from_text(c->type, c->in, wire, &len, err, sizeof(err));
		if (ret != c->code || !strstr(err, c->msg))
			fail_msg("case %zu (%s): got %d '%s', want %d '%s'", i, c->in,
				 ret, err, c->code, c->msg);
	}
}

/* A message with header, then "example.com." at offset 12, then rdata. */
static void test_compression(void **state)
{
	(void)state;
	uint8_t msg[512], mx[ANS_RDATA_MAX], srv[ANS_RDATA_MAX], out[ANS_RDATA_MAX];
	size_t mx_len, srv_len, out_len;
	char err[128];
	assert_int_equal(from_text(ANS_TYPE_MX, "10 mail", mx, &mx_len, err, sizeof(err)), ANS_OK);
	assert_int_equal(from_text(ANS_TYPE_SRV, "0 5 53 sip", srv, &srv_len, err, sizeof(err)), ANS_OK);
	memset(msg, 0, 12);
	struct ans_wire w = ans_wire_init(msg, sizeof(msg));
	struct ans_compr c;
	ans_compr_init(&c, msg);
	w.pos = 12;
	assert_int_equal(ans_name_write(&w, origin, &c), ANS_OK);
	size_t mx_pos = w.pos;
	assert_int_equal(ans_rdata_write(&w, ANS_TYPE_MX, mx, mx_len, &c), ANS_OK);
	/* 2 (pref) + 1+4 ("mail") + 2 (pointer to example.com.) */
	assert_int_equal(ans_get_u16(msg + mx_pos), 9);
	assert_int_equal(msg[mx_pos + 2 + 7], 0xC0);
	assert_int_equal(msg[mx_pos + 2 + 8], 12);
	size_t srv_pos = w.pos;
	assert_int_equal(ans_rdata_write(&w, ANS_TYPE_SRV, srv, srv_len, &c), ANS_OK);
	/* RFC 2782 / 3597 §4: SRV targets are never compressed. */
	assert_int_equal(ans_get_u16(msg + srv_pos), srv_len);
	assert_memory_equal(msg + srv_pos + 2, srv, srv_len);

	/* Parsing decompresses MX back to the stored form. */
	assert_int_equal(ans_rdata_parse(msg, w.pos, mx_pos + 2, 9, ANS_TYPE_MX, out,
					 sizeof(out), &out_len), ANS_OK);
	assert_int_equal(out_len, mx_len);
	assert_memory_equal(out, mx, mx_len);
	assert_int_equal(ans_rdata_parse(msg, w.pos, srv_pos + 2, (uint16_t)srv_len,
					 ANS_TYPE_SRV, out, sizeof(out), &out_len), ANS_OK);
	assert_memory_equal(out, srv, srv_len);

	/* A compressed name where compression is not allowed is malformed. */
	uint8_t bad[] = { 0, 0, 0, 0, 0, 53, 0xC0, 12 };
	memcpy(msg + w.pos, bad, sizeof(bad));
	assert_int_equal(ans_rdata_parse(msg, w.pos + sizeof(bad), w.pos, sizeof(bad),
					 ANS_TYPE_SRV, out, sizeof(out), &out_len), ANS_EMALF);
	/* A pointer forward (to itself) or past the rdata is rejected. */
	uint8_t self[] = { 0, 10, 0xC0, 0 };
	size_t p = w.pos;
	memcpy(msg + p, self, sizeof(self));
	msg[p + 3] = (uint8_t)(p + 2);
	assert_int_equal(ans_rdata_parse(msg, p + 4, p, 4, ANS_TYPE_MX, out,
					 sizeof(out), &out_len), ANS_EMALF);
	/* rdlen beyond the message */
	assert_int_equal(ans_rdata_parse(msg, p + 4, p, 5, ANS_TYPE_MX, out,
					 sizeof(out), &out_len), ANS_EMALF);
	/* Name running past RDLENGTH, though inside the message. */
	assert_int_equal(ans_rdata_parse(msg, w.pos, mx_pos + 2, 8, ANS_TYPE_MX, out,
					 sizeof(out), &out_len), ANS_EMALF);
	/* Output too small. */
	assert_int_equal(ans_rdata_parse(msg, w.pos, mx_pos + 2, 9, ANS_TYPE_MX, out,
					 4, &out_len), ANS_ESPACE);
}

static void test_write_space(void **state)
{
	(void)state;
	uint8_t msg[16], a[4] = { 192, 0, 2, 1 };
	struct ans_wire w = ans_wire_init(msg, 5);
	assert_int_equal(ans_rdata_write(&w, ANS_TYPE_A, a, 4, NULL), ANS_ESPACE);
	w = ans_wire_init(msg, 6);
	assert_int_equal(ans_rdata_write(&w, ANS_TYPE_A, a, 4, NULL), ANS_OK);
	assert_int_equal(ans_get_u16(msg), 4);
}

struct cmp_case {
	uint16_t type;
	const char *a, *b;
	int sign;
};

static const struct cmp_case cmp_cases[] = {
	{ ANS_TYPE_NS, "NS1.Example.COM.", "ns1.example.com.", 0 },
	{ ANS_TYPE_MX, "10 MAIL.example.com.", "10 mail.example.com.", 0 },
	{ ANS_TYPE_MX, "10 b.", "20 a.", -1 },
	{ ANS_TYPE_SOA, "A. B. 1 2 3 4 5", "a. b. 1 2 3 4 5", 0 },
	{ ANS_TYPE_RRSIG, "A 8 2 1 1 1 1 EXAMPLE. AQID", "A 8 2 1 1 1 1 example. AQID", 0 },
	{ ANS_TYPE_SRV, "0 0 1 A.", "0 0 1 a.", 0 },
	/* RFC 6840 §5.1: NSEC next names keep their case. */
	{ ANS_TYPE_NSEC, "B. A", "b. A", -1 },
	/* Not a name: TXT case matters; a shorter string sorts first. */
	{ ANS_TYPE_TXT, "\"A\"", "\"a\"", -1 },
	{ ANS_TYPE_TXT, "\"a\"", "\"a\" \"\"", -1 },
	{ ANS_TYPE_A, "10.0.0.2", "10.0.0.1", 1 },
	/* SVCB targets are not in the RFC 4034 §6.2 list. */
	{ ANS_TYPE_SVCB, "1 A.", "1 a.", -1 },
};

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

static void test_cmp(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cmp_cases) / sizeof(cmp_cases[0]); i++) {
		const struct cmp_case *c = &cmp_cases[i];
		uint8_t a[1024], b[1024];
		size_t alen, blen;
		char err[128];
		assert_int_equal(from_text(c->type, c->a, a, &alen, err, sizeof(err)), ANS_OK);
		assert_int_equal(from_text(c->type, c->b, b, &blen, err, sizeof(err)), ANS_OK);
		if (sign(ans_rdata_cmp(c->type, a, alen, b, blen)) != c->sign ||
		    sign(ans_rdata_cmp(c->type, b, blen, a, alen)) != -c->sign)
			fail_msg("case %zu: %s vs %s", i, c->a, c->b);
	}
}

static void test_target(void **state)
{
	(void)state;
	uint8_t w[512];
	size_t len;
	char err[128];
	assert_int_equal(from_text(ANS_TYPE_SRV, "0 1 2 t.", w, &len, err, sizeof(err)), ANS_OK);
	assert_ptr_equal(ans_rdata_target(ANS_TYPE_SRV, w, len), w + 6);
	assert_int_equal(from_text(ANS_TYPE_MX, "1 t.", w, &len, err, sizeof(err)), ANS_OK);
	assert_ptr_equal(ans_rdata_target(ANS_TYPE_MX, w, len), w + 2);
	assert_ptr_equal(ans_rdata_target(ANS_TYPE_MX, w, 2), NULL);
	assert_ptr_equal(ans_rdata_target(ANS_TYPE_TXT, w, len), NULL);
}

static void test_check(void **state)
{
	(void)state;
	static const struct { uint16_t type; const char *hex; int ret; } cases[] = {
		{ ANS_TYPE_A, "01020304", ANS_OK },
		{ ANS_TYPE_A, "010203", ANS_EMALF },
		{ ANS_TYPE_NS, "C00C", ANS_EMALF },                /* pointer in stored form */
		{ ANS_TYPE_NS, "0161", ANS_EMALF },                /* no root label */
		{ ANS_TYPE_TXT, "", ANS_EMALF },
		{ ANS_TYPE_TXT, "0361", ANS_EMALF },
		{ ANS_TYPE_NSEC, "00000140", ANS_OK },             /* ". A" */
		{ ANS_TYPE_NSEC, "0000020040", ANS_OK },           /* ". NS" */
		{ ANS_TYPE_NSEC, "000001400000", ANS_EMALF },       /* trailing zero-length... */
		{ ANS_TYPE_NSEC, "0001400001", ANS_EMALF },         /* window repeated */
		{ ANS_TYPE_NSEC, "00000200", ANS_EMALF },           /* trailing zero byte */
		{ ANS_TYPE_SVCB, "000100000300020035000100020268", ANS_EMALF }, /* keys out of order */
		{ ANS_TYPE_SVCB, "00010000010003026832", ANS_OK },
		{ ANS_TYPE_SVCB, "0001000001000400026832", ANS_EMALF }, /* empty alpn item */
		{ ANS_TYPE_CAA, "00002D", ANS_EMALF },                /* empty tag */
		{ 65280, "", ANS_OK },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t w[64];
		size_t len = hex_to_bin(cases[i].hex, w);
		if (ans_rdata_check(cases[i].type, w, len) != cases[i].ret)
			fail_msg("case %zu (%s)", i, cases[i].hex);
	}
}

static void test_types(void **state)
{
	(void)state;
	uint16_t t;
	char buf[16];
	assert_int_equal(ans_rrtype_from_text("nsec3param", 10, &t), ANS_OK);
	assert_int_equal(t, ANS_TYPE_NSEC3PARAM);
	assert_int_equal(ans_rrtype_from_text("type1", 5, &t), ANS_OK);
	assert_int_equal(t, 1);
	assert_int_equal(ans_rrtype_from_text("TYPE65535", 9, &t), ANS_OK);
	assert_int_equal(t, 65535);
	assert_int_equal(ans_rrtype_from_text("TYPE65536", 9, &t), ANS_ETYPE);
	assert_int_equal(ans_rrtype_from_text("TYPE", 4, &t), ANS_ETYPE);
	assert_int_equal(ans_rrtype_from_text("AA", 2, &t), ANS_ETYPE);
	assert_int_equal(ans_rrtype_to_text(28, buf, sizeof(buf)), 4);
	assert_string_equal(buf, "AAAA");
	assert_int_equal(ans_rrtype_to_text(65280, buf, sizeof(buf)), 9);
	assert_string_equal(buf, "TYPE65280");
	assert_int_equal(ans_rrtype_to_text(65280, buf, 5), ANS_ESPACE);
	assert_true(ans_rrtype_is_meta(ANS_TYPE_AXFR));
	assert_true(ans_rrtype_is_meta(ANS_TYPE_OPT));
	assert_false(ans_rrtype_is_meta(ANS_TYPE_CAA));
	assert_int_equal(ans_rrclass_from_text("ch", 2, &t), ANS_OK);
	assert_int_equal(t, ANS_CLASS_CH);
	assert_int_equal(ans_rrclass_from_text("CLASS32", 7, &t), ANS_OK);
	assert_int_equal(t, 32);
	assert_int_equal(ans_rrclass_from_text("XX", 2, &t), ANS_EINVAL);
	assert_int_equal(ans_rrclass_to_text(1, buf, sizeof(buf)), 2);
	assert_string_equal(buf, "IN");
	assert_int_equal(ans_rrclass_to_text(32, buf, sizeof(buf)), 7);
}

static void test_codecs(void **state)
{
	(void)state;
	static const struct { const char *in; int ret; uint32_t v; } ttls[] = {
		{ "3600", ANS_OK, 3600 }, { "1h30m", ANS_OK, 5400 }, { "1W", ANS_OK, 604800 },
		{ "2d1s", ANS_OK, 172801 }, { "1h30", ANS_ESYNTAX, 0 }, { "h", ANS_ESYNTAX, 0 },
		{ "", ANS_ESYNTAX, 0 }, { "4294967295", ANS_OK, 4294967295u },
		{ "4294967296", ANS_ERANGE, 0 }, { "7102w", ANS_ERANGE, 0 }, { "1x", ANS_ESYNTAX, 0 },
	};
	for (size_t i = 0; i < sizeof(ttls) / sizeof(ttls[0]); i++) {
		uint32_t v = 0;
		int ret = ans_ttl_parse(ttls[i].in, strlen(ttls[i].in), &v);
		if (ret != ttls[i].ret || (ret == ANS_OK && v != ttls[i].v))
			fail_msg("ttl %s: %d %u", ttls[i].in, ret, v);
	}
	uint32_t t;
	char buf[15];
	assert_int_equal(ans_time_parse("20240229235959", 14, &t), ANS_OK);
	ans_time_print(t, buf);
	assert_string_equal(buf, "20240229235959");
	assert_int_equal(ans_time_parse("20230229000000", 14, &t), ANS_ERANGE);
	assert_int_equal(ans_time_parse("19700101000000", 14, &t), ANS_OK);
	assert_int_equal(t, 0);
	ans_time_print(UINT32_MAX, buf);
	assert_string_equal(buf, "21060207062815");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_compression),
		cmocka_unit_test(test_write_space),
		cmocka_unit_test(test_cmp),
		cmocka_unit_test(test_target),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_codecs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
