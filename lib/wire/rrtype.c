/* SPDX-License-Identifier: MIT */
/*
 * Type and class mnemonics. Mnemonics and the RFC 3597 forms TYPEnnn and
 * CLASSnnn parse case-insensitively; a type with a mnemonic always prints
 * by its mnemonic (TYPE1 reads as A and prints as "A").
 */
#include <stdio.h>
#include <strings.h>

#include "lib/wire/codec.h"
#include "lib/wire/rdata.h"
#include "lib/wire/rdata_desc.h"

/* "PREFIXnnn" with a decimal number up to 65535 (RFC 3597 §5). */
static int generic_from_text(const char *prefix, const char *text, size_t len,
			     uint16_t *out)
{
	size_t plen = strlen(prefix);
	if (len <= plen || strncasecmp(text, prefix, plen) != 0)
		return ANS_ESYNTAX;
	uint32_t v;
	if (ans_u32_parse(text + plen, len - plen, UINT16_MAX, &v) != ANS_OK)
		return ANS_ESYNTAX;
	*out = (uint16_t)v;
	return ANS_OK;
}

int ans_rrtype_from_text(const char *text, size_t len, uint16_t *type)
{
	const struct rdesc *d = rdesc_find_name(text, len);
	if (d) {
		*type = d->type;
		return ANS_OK;
	}
	if (generic_from_text("TYPE", text, len, type) != ANS_OK)
		return ANS_ETYPE;
	return ANS_OK;
}

static int print_fit(size_t size, int n)
{
	if (n < 0 || (size_t)n >= size)
		return ANS_ESPACE;
	return n;
}

int ans_rrtype_to_text(uint16_t type, char *buf, size_t size)
{
	const struct rdesc *d = rdesc_find(type);
	if (d)
		return print_fit(size, snprintf(buf, size, "%s", d->name));
	return print_fit(size, snprintf(buf, size, "TYPE%u", type));
}

bool ans_rrtype_is_meta(uint16_t type)
{
	return type == ANS_TYPE_OPT || (type >= 249 && type <= 255);
}

static const struct {
	uint16_t rclass;
	const char *name;
} classes[] = {
	{ ANS_CLASS_IN, "IN" }, { ANS_CLASS_CH, "CH" }, { ANS_CLASS_HS, "HS" },
	{ ANS_CLASS_NONE, "NONE" }, { ANS_CLASS_ANY, "ANY" },
	{ ANS_CLASS_CH, "CHAOS" }, { ANS_CLASS_HS, "HESIOD" },
};

int ans_rrclass_from_text(const char *text, size_t len, uint16_t *rclass)
{
	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
		if (strlen(classes[i].name) == len &&
		    strncasecmp(classes[i].name, text, len) == 0) {
			*rclass = classes[i].rclass;
			return ANS_OK;
		}
	}
	if (generic_from_text("CLASS", text, len, rclass) != ANS_OK)
		return ANS_EINVAL;
	return ANS_OK;
}

int ans_rrclass_to_text(uint16_t rclass, char *buf, size_t size)
{
	/* The first five entries are the preferred spellings. */
	for (size_t i = 0; i < 5; i++)
		if (classes[i].rclass == rclass)
			return print_fit(size, snprintf(buf, size, "%s", classes[i].name));
	return print_fit(size, snprintf(buf, size, "CLASS%u", rclass));
}
