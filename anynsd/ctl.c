/* SPDX-License-Identifier: MIT */
/*
 * DOC: control commands
 *
 * A request is one line `FORMAT COMMAND [ZONE]` (ctl.h, doc/ctl.md). The
 * parser takes untrusted bytes from the socket: it accepts printable
 * ASCII words separated by single spaces, at most CTL_REQ_MAX bytes, and
 * nothing else, so every odd input gets one clear error line.
 *
 * Commands read the server through the same views as the metrics
 * (zone_view_get: the counters in stats.h, the transfer thread's status
 * snapshot) and act through the server's own entry points:
 *  - reload: zones_load() / zones_load_one(), the SIGHUP path, serialised
 *    with every other publication by the zones' publication lock; for a
 *    secondary it asks the transfer thread for a refresh (SOA check);
 *  - retransfer: xfrd_retransfer() (a full AXFR, even of the same serial);
 *  - notify: xfrd_changed() with the served serial, as after a reload.
 * Each answer is rendered twice over the same data: a table for people,
 * JSON (one object) for programs.
 */
#include "anynsd/ctl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static const struct { const char *name; enum ctl_cmd cmd; int zone; } commands[] = {
	/* zone: 0 none, 1 optional, 2 required */
	{ "status", CTL_STATUS, 0 },
	{ "zone-status", CTL_ZONE_STATUS, 1 },
	{ "reload", CTL_RELOAD, 1 },
	{ "retransfer", CTL_RETRANSFER, 2 },
	{ "notify", CTL_NOTIFY, 2 },
	{ "stats", CTL_STATS, 0 },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

/* --- parsing ----------------------------------------------------------- */

/* Splits `s` into at most `max` words at single spaces; returns the count,
 * or max + 1 when there are more. */
static size_t split(const char *s, size_t len, const char **w, size_t *wl, size_t max)
{
	size_t n = 0, i = 0;
	while (i < len) {
		size_t start = i;
		while (i < len && s[i] != ' ')
			i++;
		if (n == max)
			return max + 1;
		w[n] = s + start;
		wl[n++] = i - start;
		i++;   /* the space */
	}
	return n;
}

static bool is_word(const char *w, size_t len, const char *name)
{
	return len == strlen(name) && memcmp(w, name, len) == 0;
}

static int check_bytes(const char *line, size_t *len, char *why, size_t why_size)
{
	if (*len > 0 && line[*len - 1] == '\n')
		(*len)--;
	if (*len + 1 > CTL_REQ_MAX) {
		snprintf(why, why_size, "request longer than %d bytes", CTL_REQ_MAX);
		return ANS_ELIMIT;
	}
	for (size_t i = 0; i < *len; i++) {
		unsigned char c = (unsigned char)line[i];
		if (c < 0x21 && !(c == ' ' && i > 0 && i + 1 < *len && line[i - 1] != ' ')) {
			snprintf(why, why_size, "bad request: expected FORMAT COMMAND [ZONE] "
				 "(words separated by one space)");
			return ANS_ESYNTAX;
		}
		if (c > 0x7e) {
			snprintf(why, why_size, "bad request: not ASCII");
			return ANS_ESYNTAX;
		}
	}
	return ANS_OK;
}

static int parse_zone(const char *w, size_t len, struct ctl_req *out, char *why,
		      size_t why_size)
{
	static const uint8_t root[1] = { 0 };
	size_t wire_len;
	if (ans_name_from_text(out->zone, &wire_len, w, len, root) != ANS_OK) {
		snprintf(why, why_size, "bad zone name '%.*s'", (int)(len > 255 ? 255 : len), w);
		return ANS_ESYNTAX;
	}
	ans_name_lower(out->zone);
	out->has_zone = true;
	return ANS_OK;
}

int ctl_parse(const char *line, size_t len, struct ctl_req *out, char *why, size_t why_size)
{
	const char *w[3];
	size_t wl[3];
	memset(out, 0, sizeof(*out));
	int rc = check_bytes(line, &len, why, why_size);
	if (rc != ANS_OK)
		return rc;
	size_t n = split(line, len, w, wl, 3);
	if (n < 2 || n > 3 || !(is_word(w[0], wl[0], "text") || is_word(w[0], wl[0], "json"))) {
		snprintf(why, why_size, "bad request: expected FORMAT COMMAND [ZONE], "
			 "FORMAT text or json");
		return ANS_ESYNTAX;
	}
	out->is_json = is_word(w[0], wl[0], "json");
	for (size_t i = 0; i < NCOMMANDS; i++) {
		if (!is_word(w[1], wl[1], commands[i].name))
			continue;
		out->cmd = commands[i].cmd;
		if ((n == 3 && commands[i].zone == 0) || (n == 2 && commands[i].zone == 2)) {
			snprintf(why, why_size, "%s: %s", commands[i].name,
				 n == 3 ? "takes no zone" : "needs a zone");
			return ANS_ESYNTAX;
		}
		return n == 3 ? parse_zone(w[2], wl[2], out, why, why_size) : ANS_OK;
	}
	snprintf(why, why_size, "unknown command '%.*s'", (int)(wl[1] > 64 ? 64 : wl[1]), w[1]);
	return ANS_ENOTFOUND;
}

/* --- output ------------------------------------------------------------ */

void ctl_buf_printf(struct ctl_buf *b, const char *fmt, ...)
{
	for (int pass = 0; pass < 2 && !b->failed; pass++) {
		va_list ap;
		va_start(ap, fmt);
		size_t room = b->cap - b->len;
		int n = vsnprintf(b->data ? b->data + b->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->failed = true;
		} else if ((size_t)n < room) {
			b->len += (size_t)n;
			return;
		} else {
			size_t cap = (b->cap + (size_t)n + 1) * 2;
			char *d = realloc(b->data, cap);
			if (!d)
				b->failed = true;
			b->data = d ? d : b->data;
			b->cap = d ? cap : b->cap;
		}
	}
}

void ctl_buf_json_string(struct ctl_buf *b, const char *s)
{
	ctl_buf_printf(b, "\"");
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			ctl_buf_printf(b, "\\%c", c);
		else if (c < 0x20)
			ctl_buf_printf(b, "\\u%04x", c);
		else
			ctl_buf_printf(b, "%c", c);
	}
	ctl_buf_printf(b, "\"");
}

void ctl_buf_free(struct ctl_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

void ctl_error(struct ctl_buf *b, bool is_json, const char *why)
{
	ctl_buf_printf(b, "error %s\n", why);
	if (is_json) {
		ctl_buf_printf(b, "{\"error\":");
		ctl_buf_json_string(b, why);
		ctl_buf_printf(b, "}\n");
	}
}
