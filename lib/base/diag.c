/* SPDX-License-Identifier: MIT */
#include "lib/base/diag.h"

#include <stdarg.h>
#include <stdio.h>

void ans_diag_report(struct ans_diag *d, enum ans_diag_level level,
		     const char *file, unsigned line, const char *fmt, ...)
{
	if (!d)
		return;
	if (level == ANS_DIAG_ERROR)
		d->errors++;
	else if (level == ANS_DIAG_WARNING)
		d->warnings++;
	if (!d->fn)
		return;
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	d->fn(d->ctx, level, file, line, msg);
}
