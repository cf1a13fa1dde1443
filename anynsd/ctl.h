/* SPDX-License-Identifier: MIT */
/*
 * The control protocol (doc/ctl.md): one request line per connection,
 * `FORMAT COMMAND [ZONE]\n` with FORMAT `text` or `json`; the answer is a
 * status line (`ok` or `error MESSAGE`) followed by the body, and the
 * server closes the connection. ctl_parse() reads a request (untrusted
 * bytes, fuzzed); ctl_execute() runs it against the server and renders
 * the answer. The sockets are in ctl_server.c.
 */
#ifndef ANYNSD_CTL_H
#define ANYNSD_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"
#include "lib/name/name.h"

#define CTL_REQ_MAX 512             /* bytes of one request, newline included */

enum ctl_cmd { CTL_STATUS, CTL_ZONE_STATUS, CTL_RELOAD, CTL_RETRANSFER, CTL_NOTIFY,
	       CTL_STATS };

struct ctl_req {
	enum ctl_cmd cmd;
	bool is_json;
	bool has_zone;
	uint8_t zone[ANS_NAME_MAX];     /* lowercased wire name when has_zone */
};

/* Parses one request line of `len` bytes (with or without its final
 * newline). On error `why` says what is wrong ("unknown command 'x'").
 * Errors: ANS_ESYNTAX (bad shape), ANS_ENOTFOUND (unknown command),
 * ANS_ELIMIT (too long). Thread-safe. */
int ctl_parse(const char *line, size_t len, struct ctl_req *out, char *why,
	      size_t why_size) ANS_WUR;

/* A growable text buffer for answers. */
struct ctl_buf {
	char *data;
	size_t len, cap;
	bool failed;                    /* out of memory: answer dropped */
};

void ctl_buf_printf(struct ctl_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ctl_buf_json_string(struct ctl_buf *b, const char *s);
void ctl_buf_free(struct ctl_buf *b);

struct server;
struct zones;

/* Runs `r` and writes the whole answer (status line and body) into `b`.
 * Reloads call zones_load()/zones_load_one() from the calling thread;
 * transfers are queued to the transfer thread. */
void ctl_execute(struct server *srv, const struct ctl_req *r, struct ctl_buf *b);

/* Writes the error answer for a request that did not parse. */
void ctl_error(struct ctl_buf *b, bool is_json, const char *why);

#endif
