/* SPDX-License-Identifier: MIT */
/*
 * The table of record types. Each known type has its mnemonic and, when we
 * understand its rdata, the list of its fields; a type with a mnemonic and
 * no fields is handled only through the RFC 3597 `\#` form (but still
 * printed by its mnemonic). Types absent from the table are TYPEnnn.
 *
 * Flags, per type:
 *  C  RDD_COMPRESS: the RFC 1035 types whose names may be compressed in
 *     messages (RFC 3597 §4); we decompress them when parsing and compress
 *     NS, CNAME, SOA, PTR, MX, MB, MG, MR, MINFO when writing, as Knot does.
 *  W  RDD_WCOMP: of those, the ones we compress when writing (the list of
 *     the rdata.h contract; MD and MF are obsolete and never compressed).
 *  L  RDD_LOWER: names lowercased in the canonical form, RFC 4034 §6.2 as
 *     corrected by RFC 6840 §5.1 (NSEC is no longer in the list).
 */
#include "lib/wire/rdata_desc.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lib/wire/rdata.h"

#define C RDD_COMPRESS
#define L RDD_LOWER
#define W RDD_WCOMP

#define DS_FIELDS { RDF_U16, RDF_U8, RDF_U8, RDF_HEX }
#define DS_LABELS "key-tag algorithm digest-type digest"
#define KEY_FIELDS { RDF_U16, RDF_U8, RDF_U8, RDF_B64 }
#define KEY_LABELS "flags protocol algorithm key"
#define SIG_FIELDS { RDF_TYPE, RDF_U8, RDF_U8, RDF_TTL, RDF_TIME, RDF_TIME, \
		     RDF_U16, RDF_NAME, RDF_B64 }
#define SIG_LABELS "type-covered algorithm labels original-TTL expiration " \
		   "inception key-tag signer signature"
#define TLSA_FIELDS { RDF_U8, RDF_U8, RDF_U8, RDF_HEX }
#define TLSA_LABELS "usage selector matching-type data"

static const struct rdesc table[] = {
	{ 1, 0, "A", { RDF_A }, "address" },
	{ 2, C | L | W, "NS", { RDF_NAME }, "nameserver" },
	{ 3, C | L, "MD", { RDF_NAME }, "host" },
	{ 4, C | L, "MF", { RDF_NAME }, "host" },
	{ 5, C | L | W, "CNAME", { RDF_NAME }, "target" },
	{ 6, C | L | W, "SOA", { RDF_NAME, RDF_NAME, RDF_U32, RDF_TTL, RDF_TTL,
			     RDF_TTL, RDF_TTL },
	  "primary mailbox serial refresh retry expire minimum" },
	{ 7, C | L | W, "MB", { RDF_NAME }, "mailbox" },
	{ 8, C | L | W, "MG", { RDF_NAME }, "mailbox" },
	{ 9, C | L | W, "MR", { RDF_NAME }, "mailbox" },
	{ 10, C, "NULL", { 0 }, "" },
	{ 11, C, "WKS", { 0 }, "" },
	{ 12, C | L | W, "PTR", { RDF_NAME }, "target" },
	{ 13, C | L, "HINFO", { RDF_STR, RDF_STR }, "cpu os" },
	{ 14, C | L | W, "MINFO", { RDF_NAME, RDF_NAME }, "rmailbx emailbx" },
	{ 15, C | L | W, "MX", { RDF_U16, RDF_NAME }, "preference exchange" },
	{ 16, 0, "TXT", { RDF_STRS }, "text" },
	{ 17, L, "RP", { RDF_NAME, RDF_NAME }, "mailbox text-domain" },
	{ 18, L, "AFSDB", { RDF_U16, RDF_NAME }, "subtype hostname" },
	{ 19, 0, "X25", { 0 }, "" },
	{ 20, 0, "ISDN", { 0 }, "" },
	{ 21, L, "RT", { RDF_U16, RDF_NAME }, "preference host" },
	{ 22, 0, "NSAP", { 0 }, "" },
	{ 23, 0, "NSAP-PTR", { 0 }, "" },
	{ 24, L, "SIG", SIG_FIELDS, SIG_LABELS },
	{ 25, 0, "KEY", KEY_FIELDS, KEY_LABELS },
	{ 26, L, "PX", { RDF_U16, RDF_NAME, RDF_NAME }, "preference map822 mapx400" },
	{ 27, 0, "GPOS", { 0 }, "" },
	{ 28, 0, "AAAA", { RDF_AAAA }, "address" },
	{ 29, 0, "LOC", { 0 }, "" },  /* RDF_LOC: \# form only for now */
	{ 30, L, "NXT", { 0 }, "" },
	{ 31, 0, "EID", { 0 }, "" },
	{ 32, 0, "NIMLOC", { 0 }, "" },
	{ 33, L, "SRV", { RDF_U16, RDF_U16, RDF_U16, RDF_NAME },
	  "priority weight port target" },
	{ 34, 0, "ATMA", { 0 }, "" },
	{ 35, L, "NAPTR", { RDF_U16, RDF_U16, RDF_STR, RDF_STR, RDF_STR, RDF_NAME },
	  "order preference flags services regexp replacement" },
	{ 36, L, "KX", { RDF_U16, RDF_NAME }, "preference exchanger" },
	{ 37, 0, "CERT", { RDF_CERTTYPE, RDF_U16, RDF_SECALG, RDF_B64 },
	  "type key-tag algorithm certificate" },
	{ 38, L, "A6", { 0 }, "" },
	{ 39, L, "DNAME", { RDF_NAME }, "target" },
	{ 40, 0, "SINK", { 0 }, "" },
	{ 41, 0, "OPT", { 0 }, "" },
	{ 42, 0, "APL", { 0 }, "" },
	{ 43, 0, "DS", DS_FIELDS, DS_LABELS },
	{ 44, 0, "SSHFP", { RDF_U8, RDF_U8, RDF_HEX },
	  "algorithm fingerprint-type fingerprint" },
	{ 45, 0, "IPSECKEY", { 0 }, "" },
	{ 46, L, "RRSIG", SIG_FIELDS, SIG_LABELS },
	{ 47, 0, "NSEC", { RDF_NAME, RDF_BITMAP }, "next types" },
	{ 48, 0, "DNSKEY", KEY_FIELDS, KEY_LABELS },
	{ 49, 0, "DHCID", { RDF_B64 }, "digest" },
	{ 50, 0, "NSEC3", { RDF_U8, RDF_U8, RDF_U16, RDF_HEX8, RDF_B32, RDF_BITMAP },
	  "algorithm flags iterations salt next-hashed-owner types" },
	{ 51, 0, "NSEC3PARAM", { RDF_U8, RDF_U8, RDF_U16, RDF_HEX8 },
	  "algorithm flags iterations salt" },
	{ 52, 0, "TLSA", TLSA_FIELDS, TLSA_LABELS },
	{ 53, 0, "SMIMEA", TLSA_FIELDS, TLSA_LABELS },
	{ 55, 0, "HIP", { 0 }, "" },
	{ 56, 0, "NINFO", { 0 }, "" },
	{ 57, 0, "RKEY", { 0 }, "" },
	{ 58, 0, "TALINK", { 0 }, "" },
	{ 59, 0, "CDS", DS_FIELDS, DS_LABELS },
	{ 60, 0, "CDNSKEY", KEY_FIELDS, KEY_LABELS },
	{ 61, 0, "OPENPGPKEY", { RDF_B64 }, "key" },
	{ 62, 0, "CSYNC", { RDF_U32, RDF_U16, RDF_BITMAP }, "serial flags types" },
	{ 63, 0, "ZONEMD", { RDF_U32, RDF_U8, RDF_U8, RDF_HEX },
	  "serial scheme algorithm digest" },
	{ 64, 0, "SVCB", { RDF_U16, RDF_NAME, RDF_SVCB }, "priority target params" },
	{ 65, 0, "HTTPS", { RDF_U16, RDF_NAME, RDF_SVCB }, "priority target params" },
	{ 99, 0, "SPF", { RDF_STRS }, "text" },
	{ 100, 0, "UINFO", { 0 }, "" },
	{ 101, 0, "UID", { 0 }, "" },
	{ 102, 0, "GID", { 0 }, "" },
	{ 103, 0, "UNSPEC", { 0 }, "" },
	{ 104, 0, "NID", { RDF_U16, RDF_L64 }, "preference node-id" },
	{ 105, 0, "L32", { RDF_U16, RDF_A }, "preference locator" },
	{ 106, 0, "L64", { RDF_U16, RDF_L64 }, "preference locator" },
	{ 107, 0, "LP", { RDF_U16, RDF_NAME }, "preference fqdn" },
	{ 108, 0, "EUI48", { RDF_EUI48 }, "address" },
	{ 109, 0, "EUI64", { RDF_EUI64 }, "address" },
	{ 249, 0, "TKEY", { 0 }, "" },
	{ 250, 0, "TSIG", { 0 }, "" },
	{ 251, 0, "IXFR", { 0 }, "" },
	{ 252, 0, "AXFR", { 0 }, "" },
	{ 253, 0, "MAILB", { 0 }, "" },
	{ 254, 0, "MAILA", { 0 }, "" },
	{ 255, 0, "ANY", { 0 }, "" },
	{ 256, 0, "URI", { RDF_U16, RDF_U16, RDF_QREST }, "priority weight target" },
	{ 257, 0, "CAA", { RDF_U8, RDF_TAG, RDF_QREST }, "flags tag value" },
	{ 258, 0, "AVC", { RDF_STRS }, "text" },
	{ 259, 0, "DOA", { 0 }, "" },
	{ 260, 0, "AMTRELAY", { 0 }, "" },
	{ 261, 0, "RESINFO", { RDF_STRS }, "text" },
	{ 32768, 0, "TA", DS_FIELDS, DS_LABELS },
	{ 32769, 0, "DLV", DS_FIELDS, DS_LABELS },
};

#define TABLE_LEN (sizeof(table) / sizeof(table[0]))

/* The table is sorted by type: binary search keeps lookups cheap on the
 * answer path (ans_rdata_write is called per record). */
const struct rdesc *rdesc_find(uint16_t type)
{
	size_t lo = 0, hi = TABLE_LEN;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (table[mid].type == type)
			return &table[mid];
		if (table[mid].type < type)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct rdesc *rdesc_find_name(const char *text, size_t len)
{
	for (size_t i = 0; i < TABLE_LEN; i++)
		if (strlen(table[i].name) == len &&
		    strncasecmp(table[i].name, text, len) == 0)
			return &table[i];
	return NULL;
}

void rdesc_label(const struct rdesc *d, unsigned idx, char *buf, size_t size)
{
	const char *p = d->labels;
	for (unsigned i = 0; i < idx && p; i++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	size_t n = p ? strcspn(p, " ") : 0;
	snprintf(buf, size, "%s %.*s", d->name, (int)n, p ? p : "");
}
