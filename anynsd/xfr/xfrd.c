/* SPDX-License-Identifier: MIT */
/*
 * DOC: the transfer and timer thread
 *
 * One thread, one epoll instance. It watches:
 *  - the wake eventfd: other threads append to a locked queue (an allowed
 *    NOTIFY for a secondary zone from a worker; "zone changed, serial N"
 *    from whoever published it) and write the eventfd;
 *  - the server's stop eventfd (level-triggered, never read);
 *  - the sockets of its exchanges: one refresh per secondary zone at a
 *    time (SOA over UDP, TCP on TC, then IXFR/AXFR over TCP, all
 *    non-blocking, refresh.c) and one UDP socket per NOTIFY target
 *    (notify.c).
 * Time: every zone has its deadlines (next refresh, expiry, the current
 * exchange's I/O deadline, each NOTIFY's resend time). The loop sleeps
 * until the earliest and runs what is due; finding the earliest is a scan
 * over the zones, which is cheap for the tens to hundreds of zones a
 * hidden primary feeds (a heap would replace it for many thousands).
 *
 * Only this thread publishes secondary zones (zones_publish, RCU), so it
 * reads their current snapshots without locks; the main thread publishes
 * the zones loaded from files.
 */
#include "anynsd/xfr/xfrd_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <urcu/urcu-memb.h>

#include "anynsd/log.h"
#include "anynsd/worker.h"

int64_t xfrd_now_ms(void)
{
	return worker_now_ms();
}

uint16_t xfrd_random_id(void)
{
	uint16_t id = 0;
	if (getrandom(&id, sizeof(id), 0) != sizeof(id))
		id = (uint16_t)(xfrd_now_ms() * 2654435761u >> 7);
	return id;
}

int xfrd_watch(struct xfrd *x, int fd, uint32_t events, struct xev *ev)
{
	struct epoll_event e = { .events = events, .data.ptr = ev };
	if (epoll_ctl(x->epfd, EPOLL_CTL_MOD, fd, &e) == 0)
		return ANS_OK;
	return epoll_ctl(x->epfd, EPOLL_CTL_ADD, fd, &e) == 0 ? ANS_OK : -errno;
}

/* A non-blocking socket towards `to`, from the remote's `via` if set. */
int xfrd_socket(const struct ans_conf_addr *to, const struct conf_remote *r, int type, int *fd)
{
	int s = socket(to->ss.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	if (r->via.ss.ss_family && bind(s, (const struct sockaddr *)&r->via.ss, r->via.len) != 0) {
		int e = -errno;
		close(s);
		return e;
	}
	if (connect(s, (const struct sockaddr *)&to->ss, to->len) != 0 && errno != EINPROGRESS) {
		int e = -errno;
		close(s);
		return e;
	}
	*fd = s;
	return ANS_OK;
}

static void push(struct xfrd *x, struct xqueue_item it)
{
	pthread_mutex_lock(&x->qlock);
	if (x->qn == x->qcap) {
		size_t cap = x->qcap ? x->qcap * 2 : 16;
		struct xqueue_item *q = realloc(x->q, cap * sizeof(*q));
		if (!q) {
			pthread_mutex_unlock(&x->qlock);
			log_error("server, transfer queue full, event dropped");
			return;
		}
		x->q = q;
		x->qcap = cap;
	}
	x->q[x->qn++] = it;
	pthread_mutex_unlock(&x->qlock);
	uint64_t one = 1;
	ssize_t w = write(x->wake_fd, &one, sizeof(one));
	(void)w;
}

void xfrd_changed(void *xfrd, size_t idx, uint32_t serial)
{
	push(xfrd, (struct xqueue_item){ .kind = XQ_CHANGED, .idx = idx, .serial = serial });
}

void xfrd_notify(struct xfrd *x, size_t idx)
{
	push(x, (struct xqueue_item){ .kind = XQ_NOTIFY_IN, .idx = idx });
}

void xfrd_retransfer(struct xfrd *x, size_t idx)
{
	push(x, (struct xqueue_item){ .kind = XQ_RETRANSFER, .idx = idx });
}

static void drain_queue(struct xfrd *x)
{
	uint64_t v;
	ssize_t r = read(x->wake_fd, &v, sizeof(v));
	(void)r;
	pthread_mutex_lock(&x->qlock);
	struct xqueue_item *q = x->q;
	size_t n = x->qn;
	x->q = NULL;
	x->qn = x->qcap = 0;
	pthread_mutex_unlock(&x->qlock);
	for (size_t i = 0; i < n; i++) {
		struct xzone *z = &x->zones[q[i].idx];
		if (q[i].kind == XQ_CHANGED) {
			notify_start(z, q[i].serial);
		} else if (q[i].kind == XQ_RETRANSFER) {
			refresh_force(z);
		} else if (z->ex) {
			z->refresh_pending = true;
		} else {
			z->refresh_ms = xfrd_now_ms();
		}
	}
	free(q);
}

/* Runs what is due; returns the next deadline (INT64_MAX: none). */
static int64_t run_timers(struct xfrd *x)
{
	int64_t now = xfrd_now_ms(), next = INT64_MAX;
	for (size_t i = 0; i < x->nzones; i++) {
		struct xzone *z = &x->zones[i];
		for (size_t k = 0; k < z->nt_count; k++) {
			struct ntfy *n = &z->nt[k];
			if (n->active && n->next_ms <= now)
				notify_timer(n);
			if (n->active && n->next_ms < next)
				next = n->next_ms;
		}
		if (!z->is_secondary)
			continue;
		zone_expire_check(z);
		if (z->ex && z->ex->deadline_ms <= now)
			refresh_timeout(z->ex);
		if (!z->ex && z->refresh_ms <= now)
			refresh_start(z);
		int64_t d = z->ex ? z->ex->deadline_ms : z->refresh_ms;
		if (z->expire_ms && !z->expired && z->expire_ms < d)
			d = z->expire_ms;
		if (d < next)
			next = d;
	}
	return next;
}

static void dispatch(struct xfrd *x, struct epoll_event *e, bool *stop)
{
	struct xev *ev = e->data.ptr;
	switch (ev->kind) {
	case XEV_WAKE: drain_queue(x); break;
	case XEV_STOP: *stop = true; break;
	case XEV_EXCH: refresh_event(ev->owner, e->events); break;
	case XEV_NOTIFY: notify_event(ev->owner); break;
	}
}

static void *xfrd_main(void *arg)
{
	struct xfrd *x = arg;
	urcu_memb_register_thread();
	for (size_t i = 0; i < x->nzones; i++)
		if (x->zones[i].is_secondary)
			zone_timers_start(&x->zones[i]);
	bool stop = false;
	while (!stop) {
		int64_t next = run_timers(x), now = xfrd_now_ms();
		int timeout = next == INT64_MAX ? -1 : next <= now ? 0 :
			      next - now > 60000 ? 60000 : (int)(next - now);
		struct epoll_event evs[32];
		xstatus_sync(x);   /* before sleeping: readers see this round */
		int n = epoll_wait(x->epfd, evs, 32, timeout);
		for (int i = 0; i < n && !stop; i++)
			dispatch(x, &evs[i], &stop);
	}
	urcu_memb_unregister_thread();
	return NULL;
}

static int zones_init(struct xfrd *x)
{
	const struct conf *c = x->srv->conf;
	x->nzones = c->zone_count;
	x->zones = calloc(x->nzones ? x->nzones : 1, sizeof(*x->zones));
	if (!x->zones)
		return ANS_ENOMEM;
	for (size_t i = 0; i < x->nzones; i++) {
		struct xzone *z = &x->zones[i];
		z->idx = i;
		z->x = x;
		z->cz = &c->zones[i];
		z->is_secondary = z->cz->primary_count > 0;
		size_t n = 0;
		for (size_t r = 0; r < z->cz->notify_count; r++)
			n += z->cz->notifies[r]->address.count;
		z->nt = calloc(n ? n : 1, sizeof(*z->nt));
		if (!z->nt)
			return ANS_ENOMEM;
		n = 0;
		for (size_t r = 0; r < z->cz->notify_count; r++)
			for (size_t a = 0; a < z->cz->notifies[r]->address.count; a++) {
				struct ntfy *t = &z->nt[n++];
				*t = (struct ntfy){ .ev = { XEV_NOTIFY, t }, .zone = z,
						    .remote = z->cz->notifies[r],
						    .addr = &z->cz->notifies[r]->address.items[a],
						    .fd = -1 };
			}
		z->nt_count = n;
	}
	return ANS_OK;
}

int xfrd_new(struct xfrd **out, struct server *srv, struct store *st)
{
	struct xfrd *x = calloc(1, sizeof(*x));
	if (!x)
		return ANS_ENOMEM;
	x->srv = srv;
	x->store = st;
	x->wake_fd = -1;
	pthread_mutex_init(&x->qlock, NULL);
	x->epfd = epoll_create1(EPOLL_CLOEXEC);
	x->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	int rc = x->epfd >= 0 && x->wake_fd >= 0 ? ANS_OK : -errno;
	x->wake_ev = (struct xev){ XEV_WAKE, x };
	x->stop_ev = (struct xev){ XEV_STOP, x };
	if (rc == ANS_OK)
		rc = xfrd_watch(x, x->wake_fd, EPOLLIN, &x->wake_ev);
	if (rc == ANS_OK)
		rc = xfrd_watch(x, srv->stop_fd, EPOLLIN, &x->stop_ev);
	if (rc == ANS_OK)
		rc = zones_init(x);
	if (rc == ANS_OK)
		rc = xstatus_init(x);
	if (rc != ANS_OK) {
		xfrd_free(x);
		return rc;
	}
	*out = x;
	return ANS_OK;
}

int xfrd_start(struct xfrd *x)
{
	int rc = pthread_create(&x->thread, NULL, xfrd_main, x);
	if (rc)
		return -rc;
	x->started = true;
	return ANS_OK;
}

void xfrd_free(struct xfrd *x)
{
	if (!x)
		return;
	if (x->started)
		pthread_join(x->thread, NULL);   /* the stop eventfd was written */
	for (size_t i = 0; x->zones && i < x->nzones; i++) {
		struct xzone *z = &x->zones[i];
		if (z->ex)
			refresh_abort(z->ex);
		for (size_t k = 0; k < z->nt_count; k++)
			notify_stop(&z->nt[k]);
		free(z->nt);
	}
	xstatus_free(x);
	free(x->zones);
	free(x->q);
	if (x->epfd >= 0)
		close(x->epfd);
	if (x->wake_fd >= 0)
		close(x->wake_fd);
	pthread_mutex_destroy(&x->qlock);
	free(x);
}
