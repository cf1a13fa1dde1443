/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of lib/name: text form, strict wire parsing (including
 * malicious compression), comparisons, suffix operations and compression.
 * Expected wire names are C string literals: sizeof() counts the trailing
 * NUL, which is the root label. Length bytes are written as 3-digit octal
 * escapes so a following digit cannot join them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lib/name/name.h"

#define W(s) (const uint8_t *)(s), sizeof(s)

static void from_text_ok(const char *text, const uint8_t *origin,
			 uint8_t out[ANS_NAME_MAX], size_t *len)
{
	int rc = ans_name_from_text(out, len, text, strlen(text), origin);
	if (rc != ANS_OK)
		fail_msg("from_text(\"%s\") = %d", text, rc);
}

/* ---- presentation -> wire ---- */

struct from_text_case {
	const char *text;
	const char *origin;   /* absolute text, or NULL */
	int rc;
	const uint8_t *wire;
	size_t wire_len;
};

static const struct from_text_case from_text_cases[] = {
	{ ".", NULL, ANS_OK, W("") },
	{ "com.", NULL, ANS_OK, W("\003com") },
	{ "www.Example.COM.", NULL, ANS_OK, W("\003www\007Example\003COM") },
	{ "www", "example.com.", ANS_OK, W("\003www\007example\003com") },
	{ "a.b", ".", ANS_OK, W("\001a\001b") },
	{ "a\\.b.c.", NULL, ANS_OK, W("\003a.b\001c") },
	{ "a\\\\b.", NULL, ANS_OK, W("\003a\\b") },
	{ "\\065\\000\\255.", NULL, ANS_OK, W("\003A\000\377") },
	{ "\\032.", NULL, ANS_OK, W("\001 ") },
	{ "\\a\\;.", NULL, ANS_OK, W("\002a;") },
	{ "@", "x.", ANS_OK, W("\001@\001x") },   /* "@" is the parser's job */
	{ "*.example.", NULL, ANS_OK, W("\001*\007example") },
	{ "caf\xc3\xa9.", NULL, ANS_OK, W("\005caf\303\251") },  /* raw 8-bit kept */
	{ "a b.", NULL, ANS_OK, W("\003a b") },   /* the tokenizer splits, not us */
	{ "", NULL, ANS_ESYNTAX, NULL, 0 },
	{ "a..b.", NULL, ANS_ESYNTAX, NULL, 0 },
	{ ".a.", NULL, ANS_ESYNTAX, NULL, 0 },
	{ "a..", NULL, ANS_ESYNTAX, NULL, 0 },
	{ "..", NULL, ANS_ESYNTAX, NULL, 0 },
	{ "a\\", NULL, ANS_ESYNTAX, NULL, 0 },
	{ "a\\25", NULL, ANS_ESYNTAX, NULL, 0 },
	{ "a\\25x.", NULL, ANS_ESYNTAX, NULL, 0 },
	{ "a\\256.", NULL, ANS_ESYNTAX, NULL, 0 },
	{ "www", NULL, ANS_EINVAL, NULL, 0 },
	{ "a\\.", NULL, ANS_EINVAL, NULL, 0 },  /* escaped dot: still relative */
};

static void test_from_text_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(from_text_cases) / sizeof(from_text_cases[0]); i++) {
		const struct from_text_case *t = &from_text_cases[i];
		uint8_t origin[ANS_NAME_MAX], out[ANS_NAME_MAX];
		size_t len = 0;
		if (t->origin)
			from_text_ok(t->origin, NULL, origin, &len);
		int rc = ans_name_from_text(out, &len, t->text, strlen(t->text),
					    t->origin ? origin : NULL);
		if (rc != t->rc)
			fail_msg("case %zu \"%s\": rc %d, want %d", i, t->text, rc, t->rc);
		if (rc)
			continue;
		assert_int_equal(len, t->wire_len);
		assert_memory_equal(out, t->wire, len);
		assert_int_equal(ans_name_len(out), len);
	}
}

/* Fills buf with labels of the given lengths, dot-separated, absolute. */
static size_t make_text(char *buf, const unsigned *lens, size_t n, bool absolute)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		memset(buf + k, 'a' + (int)i, lens[i]);
		k += lens[i];
		if (i + 1 < n || absolute)
			buf[k++] = '.';
	}
	buf[k] = '\0';
	return k;
}

static void test_from_text_limits(void **state)
{
	(void)state;
	struct { unsigned lens[4]; size_t n; bool absolute; int rc; size_t len; } cases[] = {
		{ { 63 }, 1, true, ANS_OK, 65 },
		{ { 64 }, 1, true, ANS_ELIMIT, 0 },
		{ { 63, 63, 63, 61 }, 4, true, ANS_OK, 255 },
		{ { 63, 63, 63, 62 }, 4, true, ANS_ELIMIT, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[400];
		uint8_t out[ANS_NAME_MAX];
		size_t len = 0;
		size_t tl = make_text(text, cases[i].lens, cases[i].n, cases[i].absolute);
		int rc = ans_name_from_text(out, &len, text, tl, NULL);
		if (rc != cases[i].rc)
			fail_msg("limit case %zu: rc %d want %d", i, rc, cases[i].rc);
		if (!rc)
			assert_int_equal(len, cases[i].len);
	}
	/* \DDD counts as one byte: 63 escaped bytes fit in a label. */
	char esc[63 * 4 + 2];
	for (int i = 0; i < 63; i++)
		memcpy(esc + 4 * i, "\\046", 4);
	memcpy(esc + 63 * 4, ".", 2);
	uint8_t out[ANS_NAME_MAX];
	size_t len;
	from_text_ok(esc, NULL, out, &len);
	assert_int_equal(len, 65);
	assert_int_equal(out[1], '.');

	/* Relative name plus origin: the total counts. */
	char rel[300], org[300];
	uint8_t origin[ANS_NAME_MAX];
	unsigned l3[3] = { 63, 63, 63 }, o61[1] = { 61 }, o62[1] = { 62 };
	size_t rl = make_text(rel, l3, 3, false);
	make_text(org, o61, 1, true);
	from_text_ok(org, NULL, origin, &len);
	assert_int_equal(ans_name_from_text(out, &len, rel, rl, origin), ANS_OK);
	assert_int_equal(len, 255);
	make_text(org, o62, 1, true);
	from_text_ok(org, NULL, origin, &len);
	assert_int_equal(ans_name_from_text(out, &len, rel, rl, origin), ANS_ELIMIT);
}

/* text_len is honoured: the text need not be NUL-terminated. */
static void test_from_text_len(void **state)
{
	(void)state;
	uint8_t out[ANS_NAME_MAX];
	size_t len;
	assert_int_equal(ans_name_from_text(out, &len, "ab.cd.ef", 6, NULL), ANS_OK);
	assert_int_equal(len, 7);
	assert_memory_equal(out, "\002ab\002cd", 7);
}

/* ---- wire -> presentation ---- */

struct to_text_case {
	const uint8_t *wire;
	size_t wire_len;
	const char *text;
};

/* Expected strings are what BIND 9.18's named-compilezone prints for the
 * same owner names (checked by hand on this machine). */
static const struct to_text_case to_text_cases[] = {
	{ W(""), "." },
	{ W("\003www\007Example\003com"), "www.Example.com." },
	{ W("\003a b"), "a\\032b." },
	{ W("\010a\"b()@$;"), "a\\\"b\\(\\)\\@\\$\\;." },
	{ W("\003x.y\003a\\b"), "x\\.y.a\\\\b." },
	{ W("\003\011\177\310"), "\\009\\127\\200." },
	{ W("\027~!#%&*+,-/:<=>?[]^_`{|}"), "~!#%&*+,-/:<=>?[]^_`{|}." },
	{ W("\001\000"), "\\000." },
	{ W("\005caf\303\251"), "caf\\195\\169." },
};

static void test_to_text_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(to_text_cases) / sizeof(to_text_cases[0]); i++) {
		const struct to_text_case *t = &to_text_cases[i];
		char buf[ANS_NAME_TEXT_MAX];
		int n = ans_name_to_text(t->wire, buf, sizeof(buf));
		assert_int_equal(n, (int)strlen(t->text));
		assert_string_equal(buf, t->text);
		/* And back to the same bytes. */
		uint8_t back[ANS_NAME_MAX];
		size_t len;
		from_text_ok(buf, NULL, back, &len);
		assert_int_equal(len, t->wire_len);
		assert_memory_equal(back, t->wire, len);
	}
}

static void test_to_text_space(void **state)
{
	(void)state;
	const uint8_t *name = (const uint8_t *)"\003abc\001\377";
	char buf[16];
	/* "abc.\255." is 9 chars + NUL. */
	assert_int_equal(ans_name_to_text(name, buf, 10), 9);
	assert_string_equal(buf, "abc.\\255.");
	for (size_t size = 0; size < 10; size++)
		assert_int_equal(ans_name_to_text(name, buf, size), ANS_ESPACE);
	assert_int_equal(ans_name_to_text(ans_name_root, buf, 1), ANS_ESPACE);
	assert_int_equal(ans_name_to_text(ans_name_root, buf, 2), 1);

	/* The longest text form fits ANS_NAME_TEXT_MAX. */
	uint8_t big[ANS_NAME_MAX];
	size_t k = 0;
	for (int l = 0; l < 4; l++) {
		unsigned ll = l < 3 ? 63 : 61;
		big[k++] = (uint8_t)ll;
		memset(big + k, 0x01, ll);
		k += ll;
	}
	big[k++] = 0;
	char text[ANS_NAME_TEXT_MAX];
	assert_int_equal(ans_name_to_text(big, text, sizeof(text)), 250 * 4 + 4);
}

/* ---- strict wire parsing ---- */

struct parse_case {
	const char *what;
	const uint8_t *msg;
	size_t msg_len;      /* sizeof(literal) - 1: the NUL is not part */
	size_t pos;
	int rc;
	const char *text;    /* expected name when rc == ANS_OK */
	size_t end;          /* expected *pos afterwards */
};

#define A16 "aaaaaaaaaaaaaaaa"
#define A63 A16 A16 A16 "aaaaaaaaaaaaaaa"
#define M(s) (const uint8_t *)(s), sizeof(s) - 1
/* 12 header bytes, then "foo." at 12 and "bar.foo." (compressed) at 17. */
#define HDR "\0\0\0\0\0\0\0\0\0\0\0\0"
#define BASE HDR "\003foo\000" "\003bar\300\014"

static const struct parse_case parse_cases[] = {
	{ "plain", M(BASE), 12, ANS_OK, "foo.", 17 },
	{ "pointer", M(BASE), 17, ANS_OK, "bar.foo.", 23 },
	{ "pointer chain", M(BASE "\003baz\300\021"), 23, ANS_OK, "baz.bar.foo.", 29 },
	{ "bare pointer", M(BASE "\300\021"), 23, ANS_OK, "bar.foo.", 25 },
	{ "into label bytes", M(BASE "\300\015"), 23, ANS_EMALF, NULL, 0 },
	{ "to an earlier root", M(BASE "\300\020"), 23, ANS_OK, ".", 25 },
	{ "root", M(HDR "\000"), 12, ANS_OK, ".", 13 },
	{ "case kept", M(HDR "\003FoO\000"), 12, ANS_OK, "FoO.", 17 },
	{ "self loop", M(HDR "\300\014"), 12, ANS_EMALF, NULL, 0 },
	{ "into own sequence", M(HDR "\003foo\300\014"), 12, ANS_EMALF, NULL, 0 },
	{ "forward", M(HDR "\300\016\000"), 12, ANS_EMALF, NULL, 0 },
	{ "two-step loop", M(HDR "\001a\300\020\300\014"), 12, ANS_EMALF, NULL, 0 },
	{ "back, then forward", M(HDR "\001a\300\020\300\014"), 16, ANS_EMALF, NULL, 0 },
	{ "beyond message", M(HDR "\377\377"), 12, ANS_EMALF, NULL, 0 },
	{ "truncated label", M(HDR "\003fo"), 12, ANS_EMALF, NULL, 0 },
	{ "no root", M(HDR "\003foo"), 12, ANS_EMALF, NULL, 0 },
	{ "truncated pointer", M(HDR "\003foo\300"), 12, ANS_EMALF, NULL, 0 },
	{ "pos at end", M(HDR), 12, ANS_EMALF, NULL, 0 },
	{ "label type 01", M(HDR "\101a\000"), 12, ANS_EMALF, NULL, 0 },
	{ "label type 10", M(HDR "\201a\000"), 12, ANS_EMALF, NULL, 0 },
	{ "label 64", M(HDR "\100" A63 "a\000"),
	  12, ANS_EMALF, NULL, 0 },
	{ "label 63", M(HDR "\077" A63 "\000"),
	  12, ANS_OK, A63 ".", 77 },
};

static void test_parse_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		const struct parse_case *t = &parse_cases[i];
		uint8_t out[ANS_NAME_MAX];
		size_t len = 0, pos = t->pos;
		int rc = ans_name_parse(t->msg, t->msg_len, &pos, out, &len);
		if (rc != t->rc)
			fail_msg("parse \"%s\": rc %d want %d", t->what, rc, t->rc);
		if (rc) {
			assert_int_equal(pos, t->pos);   /* untouched on error */
			continue;
		}
		char text[ANS_NAME_TEXT_MAX];
		assert_true(ans_name_to_text(out, text, sizeof(text)) > 0);
		assert_string_equal(text, t->text);
		assert_int_equal(pos, t->end);
		assert_int_equal(len, ans_name_len(out));
	}
}

/* Builds a chain of 63-byte labels, each pointing to the previous one, and
 * checks that 255 bytes parse and 256 do not, also across pointers. */
static void test_parse_length_limit(void **state)
{
	(void)state;
	uint8_t msg[512] = { 0 };
	size_t k = 12, starts[4];
	for (int i = 0; i < 3; i++) {
		starts[i] = k;
		msg[k++] = 63;
		memset(msg + k, 'a' + i, 63);
		k += 63;
		if (i == 0) {
			msg[k++] = 0;
		} else {
			msg[k++] = 0xC0;
			msg[k++] = (uint8_t)starts[i - 1];
		}
	}
	for (unsigned last = 61; last <= 62; last++) {
		size_t p = k, at = k;
		msg[p++] = (uint8_t)last;
		memset(msg + p, 'z', last);
		p += last;
		msg[p++] = 0xC0 | (uint8_t)(starts[2] >> 8);
		msg[p++] = (uint8_t)starts[2];
		uint8_t out[ANS_NAME_MAX];
		size_t len, pos = at;
		int rc = ans_name_parse(msg, p, &pos, out, &len);
		if (last == 61) {
			assert_int_equal(rc, ANS_OK);
			assert_int_equal(len, 255);
			assert_int_equal(pos, p);
		} else {
			assert_int_equal(rc, ANS_EMALF);
		}
	}
}

/* Every truncation of a valid compressed name fails cleanly. */
static void test_parse_truncations(void **state)
{
	(void)state;
	static const uint8_t msg[] = BASE "\003baz\300\021";
	for (size_t len = 23; len < sizeof(msg) - 1; len++) {
		uint8_t out[ANS_NAME_MAX];
		size_t olen, pos = 23;
		assert_int_equal(ans_name_parse(msg, len, &pos, out, &olen), ANS_EMALF);
	}
}

/* ---- comparisons ---- */

/* RFC 4034 §6.1's example, in canonical order. */
static const char *const canonical[] = {
	"example.", "a.example.", "yljkjljk.a.example.", "Z.a.example.",
	"zABC.a.EXAMPLE.", "z.example.", "\\001.z.example.", "*.z.example.",
	"\\200.z.example.",
};

static void test_canonical_order(void **state)
{
	(void)state;
	size_t n = sizeof(canonical) / sizeof(canonical[0]);
	uint8_t names[9][ANS_NAME_MAX];
	size_t len;
	for (size_t i = 0; i < n; i++)
		from_text_ok(canonical[i], NULL, names[i], &len);
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < n; j++) {
			int c = ans_name_cmp(names[i], names[j]);
			int want = i < j ? -1 : i > j ? 1 : 0;
			int got = c < 0 ? -1 : c > 0 ? 1 : 0;
			if (got != want)
				fail_msg("cmp(%s, %s) = %d", canonical[i], canonical[j], c);
		}
	}
	assert_true(ans_name_cmp(ans_name_root, names[0]) < 0);
}

struct pair_case {
	const char *a, *b;
	bool equal, a_sub_b;
};

static const struct pair_case pair_cases[] = {
	{ "example.com.", "EXAMPLE.Com.", true, true },
	{ "www.example.com.", "example.com.", false, true },
	{ "example.com.", "www.example.com.", false, false },
	{ "wwwexample.com.", "example.com.", false, false },
	{ "xexample.com.", "example.com.", false, false },
	{ "a.", ".", false, true },
	{ "a.b.", "ab.", false, false },
	{ "ab.", "a.b.", false, false },
	{ ".", ".", true, true },
	{ "a\\[.", "a\\{.", false, false },   /* '[' and '{' are not letters */
	{ "a\\064.", "a\\096.", false, false }, /* '@' and '`' neither */
};

static void test_equal_and_sub(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(pair_cases) / sizeof(pair_cases[0]); i++) {
		const struct pair_case *t = &pair_cases[i];
		uint8_t a[ANS_NAME_MAX], b[ANS_NAME_MAX];
		size_t len;
		from_text_ok(t->a, NULL, a, &len);
		from_text_ok(t->b, NULL, b, &len);
		if (ans_name_equal(a, b) != t->equal)
			fail_msg("equal(%s, %s)", t->a, t->b);
		assert_int_equal(ans_name_equal(b, a), t->equal);
		assert_int_equal(ans_name_cmp(a, b) == 0, t->equal);
		if (ans_name_is_sub(a, b) != t->a_sub_b)
			fail_msg("is_sub(%s, %s)", t->a, t->b);
		if (t->equal)
			assert_true(ans_name_hash(a) == ans_name_hash(b));
	}
}

static void test_hash(void **state)
{
	(void)state;
	uint8_t a[ANS_NAME_MAX], b[ANS_NAME_MAX];
	size_t len;
	from_text_ok("www.example.com.", NULL, a, &len);
	from_text_ok("www.example.org.", NULL, b, &len);
	assert_true(ans_name_hash(a) != ans_name_hash(b));
	/* Low bits spread: 256 names "nNNN." fill most of 256 buckets. */
	bool used[256] = { false };
	unsigned distinct = 0;
	for (int i = 0; i < 256; i++) {
		char t[16];
		snprintf(t, sizeof(t), "n%d.", i);
		from_text_ok(t, NULL, a, &len);
		unsigned bucket = (unsigned)(ans_name_hash(a) & 255);
		distinct += !used[bucket];
		used[bucket] = true;
	}
	assert_true(distinct > 140);   /* random: about 162 */
}

/* ---- label helpers and suffix operations ---- */

static void test_labels(void **state)
{
	(void)state;
	const uint8_t *n = (const uint8_t *)"\003www\007Example\003COM";
	uint8_t offs[ANS_NAME_MAX_LABELS];
	assert_int_equal(ans_name_labels(n), 3);
	assert_int_equal(ans_name_labels(ans_name_root), 0);
	assert_int_equal(ans_name_label_offsets(n, offs), 3);
	assert_int_equal(offs[0], 0);
	assert_int_equal(offs[1], 4);
	assert_int_equal(offs[2], 12);
	assert_ptr_equal(ans_name_skip_labels(n, 0), n);
	assert_ptr_equal(ans_name_skip_labels(n, 2), n + 12);
	assert_ptr_equal(ans_name_skip_labels(n, 3), n + 16);
	uint8_t c[ANS_NAME_MAX];
	assert_int_equal(ans_name_copy(c, n), 17);
	ans_name_lower(c);
	assert_memory_equal(c, "\003www\007example\003com", 17);

	/* 127 one-byte labels: the most a name can have. */
	uint8_t big[ANS_NAME_MAX];
	for (int i = 0; i < 127; i++) {
		big[2 * i] = 1;
		big[2 * i + 1] = 'x';
	}
	big[254] = 0;
	assert_int_equal(ans_name_label_offsets(big, offs), 127);
	assert_int_equal(offs[126], 252);
}

struct replace_case {
	const char *name, *old_suffix, *new_suffix;
	int rc;
	const char *result;
};

static const struct replace_case replace_cases[] = {
	{ "a.b.example.", "example.", "example.net.", ANS_OK, "a.b.example.net." },
	{ "a.b.Example.", "EXAMPLE.", "x.", ANS_OK, "a.b.x." },
	{ "example.", "example.", "other.", ANS_OK, "other." },
	{ "a.example.", "example.", ".", ANS_OK, "a." },
	{ "a.example.", "other.", "x.", ANS_EINVAL, NULL },
	{ "example.", "a.example.", "x.", ANS_EINVAL, NULL },
	{ "aexample.", "example.", "x.", ANS_EINVAL, NULL },
};

static void test_replace_suffix(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(replace_cases) / sizeof(replace_cases[0]); i++) {
		const struct replace_case *t = &replace_cases[i];
		uint8_t n[ANS_NAME_MAX], o[ANS_NAME_MAX], s[ANS_NAME_MAX], out[ANS_NAME_MAX];
		size_t len;
		from_text_ok(t->name, NULL, n, &len);
		from_text_ok(t->old_suffix, NULL, o, &len);
		from_text_ok(t->new_suffix, NULL, s, &len);
		int rc = ans_name_replace_suffix(out, &len, n, o, s);
		if (rc != t->rc)
			fail_msg("replace %s: rc %d", t->name, rc);
		if (rc)
			continue;
		char text[ANS_NAME_TEXT_MAX];
		assert_true(ans_name_to_text(out, text, sizeof(text)) > 0);
		assert_string_equal(text, t->result);
		assert_int_equal(len, ans_name_len(out));
	}
	/* Too long a result (RFC 6672 §2.2, YXDOMAIN for the server). */
	char longt[300];
	unsigned lens[4] = { 63, 63, 63, 10 };
	make_text(longt, lens, 4, true);
	uint8_t n[ANS_NAME_MAX], o[ANS_NAME_MAX], s[ANS_NAME_MAX], out[ANS_NAME_MAX];
	size_t len;
	from_text_ok(longt, NULL, n, &len);
	from_text_ok(longt + 64 * 3, NULL, o, &len);   /* the 10-byte label */
	from_text_ok(A63 ".",
		     NULL, s, &len);
	assert_int_equal(ans_name_replace_suffix(out, &len, n, o, s), ANS_ELIMIT);
}

static void test_concat(void **state)
{
	(void)state;
	uint8_t out[ANS_NAME_MAX];
	size_t len;
	const uint8_t *suffix = (const uint8_t *)"\007example";
	assert_int_equal(ans_name_concat(out, &len, (const uint8_t *)"\001a\001b", 4,
					 suffix), ANS_OK);
	assert_int_equal(len, 13);
	assert_memory_equal(out, "\001a\001b\007example", 13);
	assert_int_equal(ans_name_concat(out, &len, NULL, 0, suffix), ANS_OK);
	assert_int_equal(len, 9);
	/* 246 + 9 = 255 fits, 247 + 9 does not. */
	uint8_t prefix[260];
	memset(prefix, 0, sizeof(prefix));
	assert_int_equal(ans_name_concat(out, &len, prefix, 246, suffix), ANS_OK);
	assert_int_equal(len, 255);
	assert_int_equal(ans_name_concat(out, &len, prefix, 247, suffix), ANS_ELIMIT);
}

/* ---- compression ---- */

static void write_text(struct ans_wire *w, const char *text, struct ans_compr *c)
{
	uint8_t n[ANS_NAME_MAX];
	size_t len;
	from_text_ok(text, NULL, n, &len);
	assert_int_equal(ans_name_write(w, n, c), ANS_OK);
}

static const char *const compr_names[] = {
	"www.example.com.", "mail.example.com.", "example.com.", "com.",
	"ftp.mail.example.com.", "org.", ".", "EXAMPLE.com.", "www.example.com.",
};

static const uint8_t compr_expected[] =
	"\003www\007example\003com\000"   /* 12 */
	"\004mail\300\020"                /* 29: -> example at 16 */
	"\300\020"                        /* 36 */
	"\300\030"                        /* 38: -> com at 24 */
	"\003ftp\300\035"                 /* 40: -> mail at 29 */
	"\003org\000"                     /* 46 */
	"\000"                            /* 51 */
	"\300\020"                        /* 52: case aside, -> example */
	"\300\014";                       /* 54: -> www at 12 */

static void test_compression_bytes(void **state)
{
	(void)state;
	uint8_t msg[512] = { 0 };
	struct ans_wire w = ans_wire_init(msg, sizeof(msg));
	struct ans_compr c;
	ans_compr_init(&c, msg);
	w.pos = 12;
	size_t starts[9];
	size_t n = sizeof(compr_names) / sizeof(compr_names[0]);
	for (size_t i = 0; i < n; i++) {
		starts[i] = w.pos;
		write_text(&w, compr_names[i], &c);
	}
	assert_int_equal(w.pos - 12, sizeof(compr_expected) - 1);
	assert_memory_equal(msg + 12, compr_expected, sizeof(compr_expected) - 1);

	/* Parsed back, every name is the one written (letter case aside:
	 * "EXAMPLE.com" is now the pointer to "example.com"). */
	for (size_t i = 0; i < n; i++) {
		uint8_t want[ANS_NAME_MAX], got[ANS_NAME_MAX];
		size_t wl, gl, pos = starts[i];
		from_text_ok(compr_names[i], NULL, want, &wl);
		assert_int_equal(ans_name_parse(msg, w.pos, &pos, got, &gl), ANS_OK);
		assert_int_equal(gl, wl);
		assert_true(ans_name_equal(got, want));
		assert_int_equal(pos, i + 1 < n ? starts[i + 1] : w.pos);
	}
}

/* A 0x20-randomised question first (as in every response): later names
 * point into it whatever their case, the question's bytes stay as sent, and
 * labels inline keep their own case. Bytes that differ by 0x20 but are not
 * letters ('@'/'`', '['/'{', '^'/'~') are different labels (RFC 4343 §3). */
static const char *const compr_case_names[] = {
	"wWw.ExAmple.COM.", "ns1.example.com.", "NS1.EXAMPLE.com.", "example.COM.",
	"WWW.EXAMPLE.COM.", "Mail.eXample.Com.", "a@b.example.com.", "a`b.example.com.",
	"x[.com.", "x{.com.", "X^.COM.", "x~.com.",
};

static const uint8_t compr_case_expected[] =
	"\003wWw\007ExAmple\003COM\000"   /* 12: the question, as sent */
	"\003ns1\300\020"                  /* 29: -> ExAmple at 16 */
	"\300\035"                         /* 35: -> ns1 at 29 */
	"\300\020"                         /* 37 */
	"\300\014"                         /* 39: -> wWw at 12 */
	"\004Mail\300\020"                 /* 41 */
	"\003a@b\300\020"                  /* 48 */
	"\003a`b\300\020"                  /* 54: not "a@b" */
	"\002x[\300\030"                   /* 60: -> COM at 24 */
	"\002x{\300\030"                   /* 65: not "x[" */
	"\002X^\300\030"                   /* 70 */
	"\002x~\300\030";                  /* 75: not "X^" */

static void test_compression_case(void **state)
{
	(void)state;
	uint8_t msg[512] = { 0 };
	struct ans_wire w = ans_wire_init(msg, sizeof(msg));
	struct ans_compr c;
	ans_compr_init(&c, msg);
	w.pos = 12;
	size_t n = sizeof(compr_case_names) / sizeof(compr_case_names[0]);
	for (size_t i = 0; i < n; i++)
		write_text(&w, compr_case_names[i], &c);
	assert_int_equal(w.pos - 12, sizeof(compr_case_expected) - 1);
	assert_memory_equal(msg + 12, compr_case_expected, sizeof(compr_case_expected) - 1);
}

static void test_compression_none(void **state)
{
	(void)state;
	uint8_t msg[64];
	struct ans_wire w = ans_wire_init(msg, sizeof(msg));
	write_text(&w, "a.b.", NULL);
	write_text(&w, "a.b.", NULL);
	assert_int_equal(w.pos, 10);
	assert_memory_equal(msg, "\001a\001b\000\001a\001b\000", 10);
}

/* Pointers can only reach offsets below 0x4000 (14 bits). */
static void test_compression_far(void **state)
{
	(void)state;
	static uint8_t msg[0x4400];
	struct ans_wire w = ans_wire_init(msg, sizeof(msg));
	struct ans_compr c;
	ans_compr_init(&c, msg);
	w.pos = 0x3FF0;
	/* "example" lands at 0x3FF0 + 22 = 0x4006: no pointer may aim there. */
	write_text(&w, "aaaaaaaaaaaaaaaaaaaaa.example.", &c);
	assert_int_equal(c.count, 1);
	size_t at = w.pos;
	write_text(&w, "example.", &c);
	assert_int_equal(w.pos - at, 9);               /* written in full */
	assert_int_equal(c.count, 1);                  /* past 0x4000: not recorded */
	at = w.pos;
	write_text(&w, "b.aaaaaaaaaaaaaaaaaaaaa.example.", &c);
	assert_int_equal(w.pos - at, 4);
	assert_int_equal(msg[at + 2], 0xFF);
	assert_int_equal(msg[at + 3], 0xF0);
}

static void test_compression_space(void **state)
{
	(void)state;
	uint8_t msg[20] = { 0 };
	struct ans_wire w = ans_wire_init(msg, sizeof(msg));
	struct ans_compr c;
	ans_compr_init(&c, msg);
	write_text(&w, "www.example.", &c);   /* 13 bytes */
	uint8_t n[ANS_NAME_MAX];
	size_t len;
	from_text_ok("longer.example.", NULL, n, &len);  /* 7 + 2 needed */
	assert_int_equal(ans_name_write(&w, n, &c), ANS_ESPACE);
	assert_int_equal(w.err, ANS_ESPACE);
	assert_int_equal(c.count, 1);   /* the failed name is not recorded */
	assert_int_equal(ans_name_write(&w, ans_name_root, &c), ANS_ESPACE);
}

/* The table fills up at ANS_COMPR_MAX names; writing goes on uncompressed
 * against the newer names and stays correct. */
static void test_compression_table_full(void **state)
{
	(void)state;
	static uint8_t msg[8192];
	struct ans_wire w = ans_wire_init(msg, sizeof(msg));
	struct ans_compr c;
	ans_compr_init(&c, msg);
	size_t starts[ANS_COMPR_MAX + 10];
	for (int i = 0; i < ANS_COMPR_MAX + 10; i++) {
		char t[32];
		snprintf(t, sizeof(t), "h%d.zone%d.", i, i);
		starts[i] = w.pos;
		write_text(&w, t, &c);
	}
	assert_int_equal(c.count, ANS_COMPR_MAX);
	for (int i = 0; i < ANS_COMPR_MAX + 10; i++) {
		uint8_t got[ANS_NAME_MAX];
		size_t gl, pos = starts[i];
		char t[32], text[ANS_NAME_TEXT_MAX];
		assert_int_equal(ans_name_parse(msg, w.pos, &pos, got, &gl), ANS_OK);
		snprintf(t, sizeof(t), "h%d.zone%d.", i, i);
		assert_true(ans_name_to_text(got, text, sizeof(text)) > 0);
		assert_string_equal(text, t);
	}
}

/* Labels are compared a word at a time (compr.c): for every label length
 * and every byte of it, a label differing only there is not reused, and an
 * equal one is (the pointer then aims at the first name's label). */
static void test_compression_label_bytes(void **state)
{
	(void)state;
	for (unsigned len = 1; len <= ANS_LABEL_MAX; len++) {
		for (unsigned at = 0; at <= len; at++) {
			uint8_t msg[256] = { 0 }, name[80];
			name[0] = (uint8_t)len;
			for (unsigned i = 1; i <= len; i++)
				name[i] = (uint8_t)('a' + i % 26);
			memcpy(name + len + 1, "\3com", 5);
			name[len + 6] = 0;
			struct ans_wire w = ans_wire_init(msg, sizeof(msg));
			struct ans_compr c;
			ans_compr_init(&c, msg);
			w.pos = 12;
			assert_int_equal(ans_name_write(&w, name, &c), ANS_OK);
			size_t second = w.pos;
			if (at > 0)     /* at == 0: the same name again */
				name[at] = '0';
			assert_int_equal(ans_name_write(&w, name, &c), ANS_OK);
			if (at == 0) {
				assert_int_equal(w.pos - second, 2);
				assert_memory_equal(msg + second, "\300\014", 2);
			} else {
				/* the label inline, then a pointer to "com" */
				assert_int_equal(w.pos - second, len + 3);
				assert_int_equal(msg[second + len + 1], 0xC0);
				assert_int_equal(msg[second + len + 2], 12 + len + 1);
			}
		}
	}
}

/* test_compression_label_bytes for letter case: for every label length and
 * every byte, a label whose letter there is in the other case is reused
 * (the pointer aims at the first name), and one whose non-letter byte
 * differs in bit 0x20 only ('@' and '`') is not. */
static void test_compression_label_case(void **state)
{
	(void)state;
	for (unsigned len = 1; len <= ANS_LABEL_MAX; len++) {
		for (unsigned at = 1; at <= len; at++) {
			for (int letter = 0; letter < 2; letter++) {
				uint8_t msg[256] = { 0 }, name[80];
				name[0] = (uint8_t)len;
				for (unsigned i = 1; i <= len; i++)
					name[i] = (uint8_t)('a' + i % 26);
				if (!letter)
					name[at] = '@';
				memcpy(name + len + 1, "\3com", 5);
				name[len + 6] = 0;
				struct ans_wire w = ans_wire_init(msg, sizeof(msg));
				struct ans_compr c;
				ans_compr_init(&c, msg);
				w.pos = 12;
				assert_int_equal(ans_name_write(&w, name, &c), ANS_OK);
				size_t second = w.pos;
				name[at] ^= 0x20;
				assert_int_equal(ans_name_write(&w, name, &c), ANS_OK);
				if (letter) {
					assert_int_equal(w.pos - second, 2);
					assert_memory_equal(msg + second, "\300\014", 2);
				} else {
					assert_int_equal(w.pos - second, len + 3);
					assert_int_equal(msg[second + at], '`');
				}
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_from_text_table),
		cmocka_unit_test(test_from_text_limits),
		cmocka_unit_test(test_from_text_len),
		cmocka_unit_test(test_to_text_table),
		cmocka_unit_test(test_to_text_space),
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_parse_length_limit),
		cmocka_unit_test(test_parse_truncations),
		cmocka_unit_test(test_canonical_order),
		cmocka_unit_test(test_equal_and_sub),
		cmocka_unit_test(test_hash),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_replace_suffix),
		cmocka_unit_test(test_concat),
		cmocka_unit_test(test_compression_bytes),
		cmocka_unit_test(test_compression_none),
		cmocka_unit_test(test_compression_far),
		cmocka_unit_test(test_compression_space),
		cmocka_unit_test(test_compression_table_full),
		cmocka_unit_test(test_compression_label_bytes),
		cmocka_unit_test(test_compression_case),
		cmocka_unit_test(test_compression_label_case),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
