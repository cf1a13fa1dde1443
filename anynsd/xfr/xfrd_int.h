/* SPDX-License-Identifier: MIT */
/* Private to the transfer thread (xfrd.c, refresh.c, notify.c). */
#ifndef ANYNSD_XFR_XFRD_INT_H
#define ANYNSD_XFR_XFRD_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "anynsd/conf/conf.h"
#include "anynsd/xfr/xfrd.h"
#include "lib/wire/tsig.h"
#include "lib/xfr/xfr_in.h"

#define XFRD_IO_TIMEOUT_MS 5000     /* one exchange step without progress */
#define XFRD_RETRY_NOZONE_MS 10000  /* retry when we have no SOA yet */
#define NOTIFY_TRIES 5
#define NOTIFY_FIRST_WAIT_MS 1000   /* doubled after each try */

struct xfrd;
struct xzone;

/* What an epoll event points to. */
struct xev {
	enum { XEV_WAKE, XEV_STOP, XEV_EXCH, XEV_NOTIFY } kind;
	void *owner;
};

enum exch_phase { PH_SOA_UDP, PH_SOA_TCP, PH_XFR };

/* One refresh in progress: SOA query, then a transfer, from one primary. */
struct exch {
	struct xev ev;
	struct xzone *zone;
	size_t target;                  /* flattened (primary, address) index */
	const struct conf_remote *remote;
	const struct ans_conf_addr *addr;
	enum exch_phase phase;
	uint16_t qtype;                 /* of the transfer */
	bool tried_axfr;                /* IXFR already fell back */
	int fd;
	int64_t deadline_ms;
	uint16_t id;
	uint8_t out[512 + ANS_TSIG_RR_MAX + 2];
	size_t out_len, out_pos;
	uint8_t *in;                    /* 2 + 65535 bytes */
	size_t in_have;
	struct ans_tsig_ctx tsig;
	struct ans_xfr_in *xin;
	size_t msg_count;
	int64_t start_ms;
	char why[160];
};

/* One NOTIFY being sent to one address. */
struct ntfy {
	struct xev ev;
	struct xzone *zone;
	const struct conf_remote *remote;
	const struct ans_conf_addr *addr;
	uint32_t serial;
	int fd;
	uint16_t id;
	unsigned tries;
	int64_t next_ms;                /* resend (or give up) at */
	int64_t wait_ms;
	struct ans_tsig_ctx tsig;
	bool active;
};

struct xzone {
	size_t idx;
	const struct conf_zone *cz;
	struct xfrd *x;
	/* secondary */
	bool is_secondary;
	int64_t refresh_ms;             /* monotonic: next refresh */
	int64_t expire_ms;              /* monotonic: 0 = no copy */
	bool expired;
	size_t last_good;               /* target that answered last */
	size_t fails;
	struct exch *ex;                /* NULL: idle */
	unsigned gen;                   /* bumped when a socket of ex closes */
	bool refresh_pending;           /* a NOTIFY came during an exchange */
	bool force_axfr;                /* `anyns ctl retransfer`: AXFR, same serial ok */
	struct xfrd_zone_status rec;    /* results recorded (status.c) */
	/* notify out */
	struct ntfy *nt;
	size_t nt_count;
};

struct xqueue_item {
	enum { XQ_NOTIFY_IN, XQ_CHANGED, XQ_RETRANSFER } kind;
	size_t idx;
	uint32_t serial;
};

struct xfrd {
	struct server *srv;
	struct store *store;
	int epfd, wake_fd;
	struct xev wake_ev, stop_ev;
	pthread_t thread;
	bool started;
	pthread_mutex_t qlock;
	struct xqueue_item *q;
	size_t qn, qcap;
	struct xzone *zones;
	size_t nzones;
	pthread_mutex_t status_lock;    /* guards status[] (status.c) */
	struct xfrd_zone_status *status;
};

int64_t xfrd_now_ms(void);
uint16_t xfrd_random_id(void);
int xfrd_watch(struct xfrd *x, int fd, uint32_t events, struct xev *ev);
int xfrd_socket(const struct ans_conf_addr *to, const struct conf_remote *r, int type, int *fd);

/* refresh.c */
void refresh_start(struct xzone *z);
void refresh_event(struct exch *e, uint32_t events);
void refresh_timeout(struct exch *e);
void refresh_abort(struct exch *e);
void refresh_force(struct xzone *z);
void zone_timers_start(struct xzone *z);
void zone_expire_check(struct xzone *z);

/* status.c: what the control socket and metrics read */
enum xrec { XREC_UP_TO_DATE, XREC_TRANSFERRED, XREC_FAILED };
void xstatus_record(struct xzone *z, const struct exch *e, enum xrec what, const char *why);
int xstatus_init(struct xfrd *x);
void xstatus_sync(struct xfrd *x);
void xstatus_free(struct xfrd *x);

/* notify.c */
void notify_start(struct xzone *z, uint32_t serial);
void notify_event(struct ntfy *n);
void notify_timer(struct ntfy *n);
void notify_stop(struct ntfy *n);

#endif
