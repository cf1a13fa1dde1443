/* SPDX-License-Identifier: MIT */
/*
 * Diagnostics, separate from error codes: parsers and checks report
 * "file:line: what was expected" through a callback given by the program, so
 * `anyns zone-check` and `anynsd` share the same checks and wording.
 */
#ifndef ANS_BASE_DIAG_H
#define ANS_BASE_DIAG_H

enum ans_diag_level {
	ANS_DIAG_ERROR,
	ANS_DIAG_WARNING,
	ANS_DIAG_NOTE,
};

/* Called once per diagnostic. `file` may be NULL and `line` 0 when the
 * diagnostic has no location. Strings are borrowed for the call only. */
typedef void (*ans_diag_fn)(void *ctx, enum ans_diag_level level,
			    const char *file, unsigned line, const char *msg);

struct ans_diag {
	ans_diag_fn fn;     /* may be NULL: diagnostics are only counted */
	void *ctx;
	unsigned errors;
	unsigned warnings;
};

/* Formats and reports one diagnostic, counting errors and warnings. */
void ans_diag_report(struct ans_diag *d, enum ans_diag_level level,
		     const char *file, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

#endif
