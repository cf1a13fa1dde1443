/* SPDX-License-Identifier: MIT */
/*
 * Internal to lib/wire: the per-type rdata descriptors that drive every rdata
 * function (text->wire, wire->text, parse, check, write, compare).
 *
 * A descriptor is a short list of field kinds. Fields with a fixed size are
 * integers and addresses; the variable ones carry their own length (names,
 * char-strings, length-prefixed blobs) or run to the end of the rdata (the
 * "rest" kinds, which must therefore come last). The per-type flags say
 * whether names may be compressed (RFC 3597 §4: only the RFC 1035 types), whether
 * we compress them ourselves when writing, and
 * whether they are lowercased for canonical order (RFC 4034 §6.2 with the
 * RFC 6840 §5.1 correction: not NSEC).
 */
#ifndef ANS_WIRE_RDATA_DESC_H
#define ANS_WIRE_RDATA_DESC_H

#include <stddef.h>
#include <stdint.h>

enum rdf {
	RDF_END = 0,
	RDF_NAME,       /* domain name */
	RDF_U8,
	RDF_U16,
	RDF_U32,
	RDF_TTL,        /* u32, text accepts TTL units */
	RDF_TIME,       /* u32, text YYYYMMDDHHmmSS */
	RDF_TYPE,       /* u16 type mnemonic (RRSIG type covered) */
	RDF_CERTTYPE,   /* u16 with CERT mnemonics (RFC 4398 §2.1) */
	RDF_SECALG,     /* u8 DNSSEC algorithm, printed by mnemonic (CERT) */
	RDF_A,          /* 4 bytes IPv4 */
	RDF_AAAA,       /* 16 bytes IPv6 */
	RDF_L64,        /* 8 bytes as 4 groups of hex (NID, L64) */
	RDF_EUI48,      /* 6 bytes xx-xx-... */
	RDF_EUI64,      /* 8 bytes xx-xx-... */
	RDF_STR,        /* one char-string */
	RDF_STRS,       /* one or more char-strings, to the end */
	RDF_TAG,        /* CAA tag: length byte + alphanumerics */
	RDF_QREST,      /* bytes to the end, shown as one quoted string */
	RDF_B64,        /* base64 to the end, may span tokens */
	RDF_HEX,        /* hex to the end, may span tokens */
	RDF_HEX8,       /* length byte + hex, "-" when empty (NSEC3 salt) */
	RDF_B32,        /* length byte + base32hex (NSEC3 next hashed owner) */
	RDF_BITMAP,     /* type bitmap windows, to the end */
	RDF_SVCB,       /* SvcParams, to the end */
	RDF_LOC,        /* whole LOC rdata (RFC 1876), 16 bytes */
};

#define RDD_COMPRESS 0x01  /* names compressed in messages (RFC 3597 §4) */
#define RDD_LOWER    0x02  /* names lowercased for canonical form */
#define RDD_WCOMP    0x04  /* names compressed when we write messages */

#define RDD_MAX_FIELDS 10

struct rdesc {
	uint16_t type;
	uint8_t flags;
	char name[11];                     /* mnemonic */
	uint8_t fields[RDD_MAX_FIELDS];    /* RDF_END terminated; empty: \# only */
	const char *labels;                /* field names, space-separated */
};

/* The descriptor of a type, or NULL for types without a mnemonic. */
const struct rdesc *rdesc_find(uint16_t type);

/* The descriptor whose mnemonic matches, case-insensitively. */
const struct rdesc *rdesc_find_name(const char *text, size_t len);

/* Size of one field of `kind` at p with `avail` bytes left in the rdata, or
 * a negative ANS_EMALF. Checks the field's format (names valid and
 * uncompressed, bitmaps and SvcParams well formed). */
int rdf_span(uint8_t kind, const uint8_t *p, size_t avail);

/* Text output with a sticky error (ANS_ESPACE), in rdata_print.c. */
struct tprint {
	char *buf;
	size_t size;
	size_t len;
	int err;
};
void tp_put(struct tprint *t, const char *s, size_t n);
void tp_printf(struct tprint *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Bytes as BIND prints char-strings (without the quotes): '"' and '\\' and
 * any byte of `extra` backslash-escaped, non-printables as \DDD. */
void tp_escaped(struct tprint *t, const uint8_t *s, size_t n, const char *extra);
/* Base64 without breaks. */
void tp_base64(struct tprint *t, const uint8_t *p, size_t n);
/* CERT type mnemonic (RFC 4398 §2.1) or NULL. */
const char *rdf_certtype_name(uint16_t v);
/* DNSSEC algorithm mnemonic (as BIND prints CERT) or NULL. */
const char *rdf_secalg_name(uint8_t v);

/* Decodes \X and \DDD escapes of a zone-file token, in rdata_text.c.
 * Errors: ANS_ESYNTAX (bad escape), ANS_ELIMIT (more than `size` bytes). */
int text_unescape(const char *text, size_t len, uint8_t *out, size_t size,
		  size_t *out_len);

struct ans_token;
struct ans_wire;

/* SvcParams (RFC 9460), in rdata_svcb.c. */
int svcb_params_check(const uint8_t *p, size_t len);
int svcb_params_from_text(const struct ans_token *tok, size_t ntok,
			  struct ans_wire *out, char *err, size_t err_size);
void svcb_params_print(struct tprint *t, const uint8_t *p, size_t len);

/* Copies the `idx`-th label of a descriptor into buf (for error text). */
void rdesc_label(const struct rdesc *d, unsigned idx, char *buf, size_t size);

#endif
