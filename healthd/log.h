/* SPDX-License-Identifier: MIT */
/*
 * anyns-healthd's log: one line per event on stderr in the house style
 * `subject, action, detail (error)`, with a UTC timestamp and level:
 *   2026-11-26T20:00:00Z info: bird, withdraw 203.0.113.0/24 (probe dns ...)
 * stdout is never written here: in --exabgp mode it is the API channel.
 * Single-threaded program; each line is one write(2).
 */
#ifndef HEALTHD_LOG_H
#define HEALTHD_LOG_H

enum hd_log_level { HD_LOG_ERROR, HD_LOG_WARNING, HD_LOG_INFO, HD_LOG_DEBUG };

/* Messages above `max` are dropped (default: info). */
void hd_log_set_level(enum hd_log_level max);

void hd_log(enum hd_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
