/* SPDX-License-Identifier: MIT */
/*
 * The BGP speaker behind one interface: announce all of the node's service
 * prefixes (with or without the GRACEFUL_SHUTDOWN community 65535:0, RFC
 * 8326), or withdraw them. Requests are asynchronous: hd_speaker_request()
 * starts one and returns at once; the driver's file descriptors (BIRD's
 * control socket, vtysh's pipe and pidfd, ExaBGP's stdout) are watched by
 * the event loop, and the result comes back through the `done` callback.
 * Every request has a deadline (speaker.timeout): on expiry the driver
 * drops its connection or kills its child, and the request fails with
 * "timeout". One request at a time; the caller (healthd.c) keeps the
 * desired state and asks again when a request ends. Drivers: BIRD 2 over
 * its control socket (speaker_bird.c), FRRouting through vtysh
 * (speaker_frr.c), ExaBGP as its API process (speaker_exabgp.c). How each
 * fails closed is documented in doc/healthd.md.
 */
#ifndef HEALTHD_SPEAKER_H
#define HEALTHD_SPEAKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "healthd/conf.h"
#include "healthd/loop.h"

#define HD_SPEAKER_GONE_MAX 64

struct hd_speaker;
typedef void (*hd_speaker_done_fn)(struct hd_speaker *s, int rc, const char *why);

struct hd_speaker_ops {
	const char *name;                 /* "bird", "frr", "exabgp" */
	/* Starts a request (announce: with gshut or not; else withdraw).
	 * ANS_OK: in flight, the driver calls hd_speaker_finish() later;
	 * an error: failed at once, `s->why` says why. */
	int (*start)(struct hd_speaker *s, bool announce, bool gshut);
	/* The deadline passed: drop the connection, kill the child. */
	void (*abort)(struct hd_speaker *s);
	void (*close)(struct hd_speaker *s);
};

struct hd_speaker {
	const struct hd_speaker_ops *ops;
	const struct hd_conf *conf;
	struct hd_loop *loop;
	hd_speaker_done_fn done;
	void *owner;
	bool busy;                        /* a request is in flight */
	struct hd_timer deadline;
	char why[256];                    /* the last failure */
	/* What a reload took away and the next request must undo: prefixes
	 * (frr, exabgp) or static protocols (bird) no longer configured. */
	struct hd_prefix gone[HD_SPEAKER_GONE_MAX];
	size_t gone_count;
	char gone_proto[2][HD_TEXT_MAX];
	size_t gone_proto_count;
	/* bird: the control connection and the commands of the request. */
	int fd;                           /* -1: closed */
	struct hd_io io;
	char cmds[16][HD_TEXT_MAX + 32];
	uint8_t cmd_kind[16];             /* disable, enable, list (speaker_bird.c) */
	size_t cmd_count, cmd_next;
	bool greeted, sending;
	char rbuf[4096];
	size_t rlen, woff;
	/* frr: one vtysh child at a time, its output pipe and pidfd. */
	pid_t pid;
	struct hd_io out_io, pid_io;
	char out[1024];
	size_t out_len;
	bool announce, gshut;
	size_t each;                      /* per-prefix fallback: next prefix + 1 */
	/* exabgp: lines not yet taken by the pipe. */
	char *obuf;
	size_t olen, ooff;
	uint64_t requests, errors;
};

/* Prepares the driver of conf->speaker.type (connects lazily). */
void hd_speaker_init(struct hd_speaker *s, const struct hd_conf *c, struct hd_loop *l,
		     hd_speaker_done_fn done, void *owner);

/* Starts a request. ANS_OK: in flight (done is called later); otherwise
 * failed at once (done is not called; s->why says why). Never while busy. */
int hd_speaker_request(struct hd_speaker *s, bool announce, bool gshut) ANS_WUR;

/* Drivers: ends the request in flight (cancels the deadline, counts it). */
void hd_speaker_finish(struct hd_speaker *s, int rc);

/* A reload: remember what the next request must withdraw (prefixes of `old`
 * not in `new`, BIRD protocols of `old` no longer named), then use `new`. */
void hd_speaker_reconfigure(struct hd_speaker *s, const struct hd_conf *old,
			    const struct hd_conf *new);

void hd_speaker_close(struct hd_speaker *s);

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

/* The protocol names in a complete `show protocols` reply (the first word
 * of each 1002 line and of its continuations) into names[0..max-1];
 * returns how many. Pure. */
size_t hd_bird_proto_names(const char *buf, size_t len, char (*names)[HD_TEXT_MAX],
			   size_t max);

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

/* The same for the prefixes items[0..n-1] (a reload's removed ones). */
int hd_frr_argv_list(const struct hd_conf *c, const struct hd_prefix *items, size_t n,
		     bool announce, bool gshut, char **argv, size_t max, char *buf,
		     size_t size) ANS_WUR;

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
