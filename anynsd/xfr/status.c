/* SPDX-License-Identifier: MIT */
/*
 * What the control socket (`anyns ctl zone-status`) and the metrics see of
 * the transfer thread. The thread owns its zones' state without locks; at
 * the end of each loop round it copies what matters into status[] under
 * status_lock, and readers copy one entry out under the same lock. So a
 * reader never waits for a transfer, and sees a state at most one round
 * old. Results are recorded by refresh.c as each exchange ends.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "anynsd/xfr/xfrd_int.h"
#include "lib/wire/rdata.h"

void xstatus_record(struct xzone *z, const struct exch *e, enum xrec what, const char *why)
{
	struct xfrd_zone_status *r = &z->rec;
	int64_t now = (int64_t)time(NULL);
	bool is_xfr = e->phase == PH_XFR;
	const char *kind = e->qtype == ANS_TYPE_AXFR ? "AXFR" : "IXFR";
	r->last_refresh_at = now;
	r->last_refresh_ok = what != XREC_FAILED;
	switch (what) {
	case XREC_UP_TO_DATE:
		snprintf(r->last_result, sizeof(r->last_result), "up to date");
		break;
	case XREC_TRANSFERRED:
		snprintf(r->last_result, sizeof(r->last_result), "%s", kind);
		r->xfr_in_ok++;
		break;
	case XREC_FAILED:
		snprintf(r->last_result, sizeof(r->last_result), "%s failed (%s)",
			 is_xfr ? kind : "SOA query", why ? why : "");
		if (is_xfr)
			r->xfr_in_failed++;
		break;
	}
	if (what != XREC_FAILED) {
		r->last_ok_at = now;
		snprintf(r->source, sizeof(r->source), "%s@%s", e->remote->id, e->addr->text);
		z->force_axfr = false;
	}
}

int xstatus_init(struct xfrd *x)
{
	pthread_mutex_init(&x->status_lock, NULL);
	x->status = calloc(x->nzones ? x->nzones : 1, sizeof(*x->status));
	return x->status ? ANS_OK : ANS_ENOMEM;
}

void xstatus_free(struct xfrd *x)
{
	if (!x->status)
		return;
	free(x->status);
	x->status = NULL;
	pthread_mutex_destroy(&x->status_lock);
}

static int64_t to_unix(int64_t mono_ms, int64_t now_ms, int64_t now_unix)
{
	return mono_ms ? now_unix + (mono_ms - now_ms + 999) / 1000 : 0;
}

void xstatus_sync(struct xfrd *x)
{
	int64_t now_ms = xfrd_now_ms(), now = (int64_t)time(NULL);
	pthread_mutex_lock(&x->status_lock);
	for (size_t i = 0; i < x->nzones; i++) {
		const struct xzone *z = &x->zones[i];
		struct xfrd_zone_status *s = &x->status[i];
		*s = z->rec;
		s->is_secondary = z->is_secondary;
		if (!z->is_secondary)
			continue;
		s->is_refreshing = z->ex != NULL;
		s->is_expired = z->expired;
		s->next_refresh_at = z->ex ? now : to_unix(z->refresh_ms, now_ms, now);
		s->expire_at = to_unix(z->expire_ms, now_ms, now);
	}
	pthread_mutex_unlock(&x->status_lock);
}

int xfrd_zone_status(struct xfrd *x, size_t idx, struct xfrd_zone_status *out)
{
	if (!x || !x->status || idx >= x->nzones)
		return ANS_ENOENT;
	pthread_mutex_lock(&x->status_lock);
	*out = x->status[idx];
	pthread_mutex_unlock(&x->status_lock);
	return ANS_OK;
}
