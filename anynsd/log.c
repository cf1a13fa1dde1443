/* SPDX-License-Identifier: MIT */
#include "anynsd/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static enum log_level log_max = LOG_LEVEL_INFO;

static const char *const level_names[] = {
	[LOG_LEVEL_ERROR] = "error",
	[LOG_LEVEL_WARNING] = "warning",
	[LOG_LEVEL_INFO] = "info",
	[LOG_LEVEL_DEBUG] = "debug",
};

void log_set_level(enum log_level max)
{
	log_max = max;
}

static size_t format_time(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	return strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	if (level > log_max)
		return;
	char line[2048];
	size_t n = format_time(line, sizeof(line));
	n += (size_t)snprintf(line + n, sizeof(line) - n, " %s: ", level_names[level]);
	va_list ap;
	va_start(ap, fmt);
	int m = vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	va_end(ap);
	if (m < 0)
		m = 0;
	n += (size_t)m;
	if (n > sizeof(line) - 2)
		n = sizeof(line) - 2;  /* truncated: still one whole line */
	line[n++] = '\n';
	/* One write per line, so lines of several threads never interleave. */
	ssize_t rc = write(STDERR_FILENO, line, n);
	(void)rc;
}

void log_diag(void *ctx, enum ans_diag_level level, const char *file,
	      unsigned line, const char *msg)
{
	const char *subject = ctx ? ctx : "anynsd";
	enum log_level l = level == ANS_DIAG_ERROR ? LOG_LEVEL_ERROR :
			   level == ANS_DIAG_WARNING ? LOG_LEVEL_WARNING :
			   LOG_LEVEL_INFO;
	if (file && line)
		log_msg(l, "%s, %s:%u: %s", subject, file, line, msg);
	else if (file)
		log_msg(l, "%s, %s: %s", subject, file, msg);
	else
		log_msg(l, "%s, %s", subject, msg);
}
