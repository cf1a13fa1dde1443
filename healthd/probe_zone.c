/* SPDX-License-Identifier: MIT */
/*
 * DOC: the zone freshness probe
 *
 * Asks the local anynsd for the zone's SOA: the zone is served when the
 * answer is NOERROR, authoritative (AA) and holds the SOA. An expired
 * secondary zone (RFC 1996 / RFC 5936: past the SOA expire timer) answers
 * SERVFAIL, so it fails here and the node stops attracting queries it can
 * only answer with stale data or errors.
 *
 * Optionally the same query goes to the hidden primary at each run; the
 * last serial it gave is remembered. The probe fails when the local serial
 * is behind it by more than max-serial-lag (serial arithmetic, RFC 1982).
 * An unreachable primary never fails the probe: a primary outage must not
 * withdraw the whole fleet, which keeps serving its last good copy.
 */
#include "healthd/probe.h"

#include <stdio.h>
#include <sys/epoll.h>

#include "healthd/log.h"

static void zone_verdict(struct hd_probe *pr, const struct hd_dns_reply *r)
{
	const struct hd_conf_probe *c = pr->conf;
	char why[96];
	if (r->rcode != 0 || !r->aa || !r->has_soa) {
		snprintf(why, sizeof(why), "zone %s not served (rcode %d%s%s)", c->name,
			 r->rcode, r->aa ? "" : ", not authoritative",
			 r->has_soa ? "" : ", no SOA");
		hd_probe_done(pr, false, false, why);
		return;
	}
	pr->serial = r->soa_serial;
	/* RFC 1982: the distance primary - local as a signed 32-bit number. */
	int32_t behind = (int32_t)(pr->primary_serial - r->soa_serial);
	if (pr->has_primary_serial && behind > 0 && behind > c->max_serial_lag) {
		snprintf(why, sizeof(why), "serial %u behind primary %u", r->soa_serial,
			 pr->primary_serial);
		hd_probe_done(pr, false, false, why);
		return;
	}
	hd_probe_done(pr, true, false, NULL);
}

static void on_local(struct hd_io *io, uint32_t events)
{
	struct hd_probe *pr = io->arg;
	struct hd_dns_reply r;
	bool refused;
	(void)events;
	if (hd_dns_recv(io->fd, pr->qid, pr->conf, &r, &refused))
		zone_verdict(pr, &r);
	else if (refused)
		hd_probe_done(pr, false, true, "connection refused (nothing listens)");
}

static void on_primary(struct hd_io *io, uint32_t events)
{
	struct hd_probe *pr = io->arg;
	struct hd_dns_reply r;
	bool refused;
	(void)events;
	if (hd_dns_recv(io->fd, pr->primary_qid, pr->conf, &r, &refused) &&
	    r.rcode == 0 && r.has_soa) {
		pr->has_primary_serial = true;
		pr->primary_serial = r.soa_serial;
	}
}

int hd_probe_zone_open(struct hd_probe *pr)
{
	int fd = hd_dns_socket(&pr->conf->server);
	if (fd < 0)
		return fd;
	pr->io.fd = fd;
	pr->io.fn = on_local;
	int rc = hd_loop_watch(pr->loop, &pr->io, EPOLLIN);
	if (rc != ANS_OK || pr->conf->primary.ss.ss_family == 0)
		return rc;
	fd = hd_dns_socket(&pr->conf->primary);
	if (fd < 0)
		return fd;
	pr->primary_io.fd = fd;
	pr->primary_io.fn = on_primary;
	return hd_loop_watch(pr->loop, &pr->primary_io, EPOLLIN);
}

void hd_probe_zone_run(struct hd_probe *pr)
{
	bool refused;
	if (pr->primary_io.fd >= 0) {
		pr->primary_qid = hd_dns_id();
		if (!hd_dns_send(pr->primary_io.fd, pr->primary_qid, pr->conf, &refused))
			hd_log(HD_LOG_DEBUG, "probe %s, primary %s unreachable",
			       pr->conf->id, pr->conf->primary.text);
	}
	pr->qid = hd_dns_id();
	if (!hd_dns_send(pr->io.fd, pr->qid, pr->conf, &refused))
		hd_probe_done(pr, false, refused, refused ?
			      "connection refused (nothing listens)" : "send failed");
}
