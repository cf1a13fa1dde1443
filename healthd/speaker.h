/* SPDX-License-Identifier: MIT */
/*
 * The BGP speaker behind one interface: announce all of the node's service
 * prefixes (with or without the GRACEFUL_SHUTDOWN community 65535:0, RFC
 * 8326), or withdraw them. Every request is synchronous but bounded by
 * speaker.timeout: a frozen speaker costs at most that, never a hang.
 * Drivers: BIRD 2 over its control socket (speaker_bird.c), FRRouting
 * through vtysh (speaker_frr.c), ExaBGP as its API process
 * (speaker_exabgp.c). How each fails closed is documented in doc/healthd.md.
 */
#ifndef HEALTHD_SPEAKER_H
#define HEALTHD_SPEAKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "healthd/conf.h"

struct hd_speaker;

struct hd_speaker_ops {
	const char *name;                 /* "bird", "frr", "exabgp" */
	/* Errors: ANS_ETIMEOUT, ANS_EIO, -errno; `why` says what went wrong. */
	int (*announce)(struct hd_speaker *s, bool gshut, char *why, size_t size);
	int (*withdraw)(struct hd_speaker *s, char *why, size_t size);
	void (*close)(struct hd_speaker *s);
};

struct hd_speaker {
	const struct hd_speaker_ops *ops;
	const struct hd_conf *conf;
	int fd;                           /* bird: control socket, -1: closed */
	uint64_t requests, errors;
};

/* Prepares the driver of conf->speaker.type (connects lazily). */
void hd_speaker_init(struct hd_speaker *s, const struct hd_conf *c);

/* BIRD control protocol replies (bird_reply.c), pure. A reply is a run of
 * lines "DDDD-text" (more follow), " text" (continuation), ended by a line
 * "DDDD text". */
struct hd_bird_reply {
	int code;            /* the code that matters: first error (8xxx/9xxx),
				else the first informative line, else the final */
	char text[128];      /* that line's text */
};

/* Parses one complete reply from the start of buf. Returns ANS_OK and sets
 * *used to the bytes it spans; ANS_EAGAIN when the reply is not complete
 * yet; ANS_EMALF when the bytes are not BIRD replies. */
int hd_bird_reply_parse(const char *buf, size_t len, struct hd_bird_reply *out,
			size_t *used) ANS_WUR;

/* Whether `code` answers "enable"/"disable" with success. */
bool hd_bird_ok(int code, bool enable);

/* FRR: the vtysh argument vector for announcing (gshut: with the route-map)
 * or withdrawing every prefix; argv has room for `max` pointers, strings
 * are written into `buf`. Returns argc or ANS_ESPACE. (speaker_frr.c) */
int hd_frr_argv(const struct hd_conf *c, bool announce, bool gshut,
		char **argv, size_t max, char *buf, size_t size) ANS_WUR;

/* The same for the prefixes first..end-1 only. */
int hd_frr_argv_range(const struct hd_conf *c, size_t first, size_t end, bool announce,
		      bool gshut, char **argv, size_t max, char *buf, size_t size) ANS_WUR;

/* Whether vtysh's output says the request was already in effect: a
 * withdrawal of a network that is not configured, an announcement of one
 * that is. */
bool hd_frr_already(const char *out, bool announce);

/* "vtysh exit status N: <first line of out>" into why. */
void hd_frr_first_line(const char *out, char *why, size_t size, int status);

/* ExaBGP: the API lines for every prefix into buf. Returns the length or
 * ANS_ESPACE. (speaker_exabgp.c) */
int hd_exabgp_lines(const struct hd_conf *c, bool announce, bool gshut,
		    char *buf, size_t size) ANS_WUR;

extern const struct hd_speaker_ops hd_speaker_bird, hd_speaker_frr, hd_speaker_exabgp;

#endif
