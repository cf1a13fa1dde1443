/* SPDX-License-Identifier: MIT */
#include "healthd/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static enum hd_log_level log_max = HD_LOG_INFO;

static const char *const level_names[] = {
	[HD_LOG_ERROR] = "error",
	[HD_LOG_WARNING] = "warning",
	[HD_LOG_INFO] = "info",
	[HD_LOG_DEBUG] = "debug",
};

void hd_log_set_level(enum hd_log_level max)
{
	log_max = max;
}

void hd_log(enum hd_log_level level, const char *fmt, ...)
{
	if (level > log_max)
		return;
	char line[2048];
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t n = strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%S", &tm);
	n += (size_t)snprintf(line + n, sizeof(line) - n, ".%03ldZ %s: ",
			      ts.tv_nsec / 1000000, level_names[level]);
	va_list ap;
	va_start(ap, fmt);
	int m = vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	va_end(ap);
	n += m > 0 ? (size_t)m : 0;
	if (n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	ssize_t rc = write(STDERR_FILENO, line, n);
	(void)rc;
}
