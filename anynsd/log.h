/* SPDX-License-Identifier: MIT */
/*
 * anynsd's log: one line per event on stderr, in the house style
 * `subject, action, detail (error)`, prefixed with a UTC timestamp and the
 * level:  2026-11-26T20:00:00Z info: zone example.com., loaded, serial 1
 * Thread-safe: each line is written with a single write(2).
 */
#ifndef ANYNSD_LOG_H
#define ANYNSD_LOG_H

#include "lib/base/diag.h"

enum log_level {
	LOG_LEVEL_ERROR,
	LOG_LEVEL_WARNING,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
};

/* Messages above `max` are dropped (default: info). */
void log_set_level(enum log_level max);

void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_LEVEL_WARNING, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)

/* An ans_diag callback that logs each diagnostic as
 * `<ctx>, file:line: message` (ctx: a const char * subject such as
 * "zone example.com."; may be NULL). */
void log_diag(void *ctx, enum ans_diag_level level, const char *file,
	      unsigned line, const char *msg);

#endif
