/* SPDX-License-Identifier: MIT */
/*
 * anyns check: fleet consistency against the hidden primary.
 *
 * For each zone, one batch of SOA queries goes out at once, over UDP with
 * NSID asked (RFC 5001): one to the primary, one to each node's unicast
 * address (dnsclient.c: one poll loop, a timeout and one retry, TCP when
 * truncated). Each node's answer is then judged against the primary's
 * serial (check_report.c: RFC 1982 arithmetic, NSID = node name). With
 * --content, the primary and every node still ok are transferred by AXFR
 * (in parallel threads, each with its own TCP connection and xfr_in state
 * machine) and their zones digested as ZONEMD SHA-384 (RFC 8976 §3.3);
 * a node whose digest differs is content-mismatch. With --providers, the
 * SOA and NS of each zone are asked of every provider's server and compared
 * (check_providers.c).
 *
 * Exit status: 0 every node ok (or providers agree), 1 any is not, 2 usage.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cli/check.h"
#include "cli/cli.h"
#include "lib/wire/rdata.h"

#define QUERY_TRIES 2           /* the first try and one retry */
#define AXFR_THREADS 16

static void usage(FILE *out)
{
	fprintf(out,
		"usage: anyns check [--json] [--content] [--timeout-ms MS] [--key NAME:ALG:BASE64]\n"
		"                   --primary ADDR@PORT --node NAME=ADDR@PORT ... ZONE...\n"
		"       anyns check [--json] -c FILE [ZONE...]\n"
		"       anyns check [--json] --providers [NAME=]ADDR@PORT ... ZONE...\n"
		"       anyns check --config-reference   (the -c file's options, markdown)\n"
		"Asks the hidden primary and each node for the zone's SOA (with NSID) and\n"
		"reports per node: ok, lagging, unreachable, identity-mismatch, error,\n"
		"content-mismatch (--content: AXFR and ZONEMD SHA-384 digests).\n"
		"Exit status: 0 all ok, 1 something is not, 2 usage error. See doc/check.md.\n");
}

/* The primary's answer gives the serial nodes are judged against. */
static void primary_result(struct check_zone_report *z, struct check_row *pr)
{
	check_row_decide(pr, false, 0);
	if (pr->status == CHECK_OK || pr->status == CHECK_IDENTITY_MISMATCH) {
		z->has_primary_serial = true;
		z->primary_serial = pr->ans.soa.serial;
		return;
	}
	snprintf(z->primary_error, sizeof(z->primary_error), "%s: %s",
		 check_status_name(pr->status), pr->detail);
}

/* --- --content: AXFR and digest, in parallel ------------------------------- */

struct axfr_job {
	const struct check_server *server;
	const uint8_t *zone;
	const struct check_conf *conf;
	int rc;
	char why[160];
	uint8_t digest[ANS_ZONEMD_DIGEST_MAX];
	size_t digest_len;
};

static void *axfr_job_run(void *arg)
{
	struct axfr_job *j = arg;
	struct ans_zone *z = NULL;
	j->rc = dc_axfr(&j->server->addr, j->zone, j->conf->has_key ? &j->conf->key : NULL,
			j->conf->timeout_ms, &z, j->why, sizeof(j->why));
	if (j->rc == ANS_OK) {
		j->rc = ans_zonemd_digest(z, ANS_ZONEMD_SCHEME_SIMPLE, ANS_ZONEMD_HASH_SHA384,
					  j->digest, &j->digest_len);
		if (j->rc != ANS_OK)
			snprintf(j->why, sizeof(j->why), "digest: %s", ans_strerror(j->rc));
	}
	ans_zone_free(z);
	return NULL;
}

static void axfr_jobs_run(struct axfr_job *jobs, size_t n)
{
	pthread_t th[AXFR_THREADS];
	for (size_t base = 0; base < n; base += AXFR_THREADS) {
		size_t k = n - base < AXFR_THREADS ? n - base : AXFR_THREADS;
		bool started[AXFR_THREADS] = { false };
		for (size_t i = 0; i < k; i++)
			started[i] = pthread_create(&th[i], NULL, axfr_job_run, &jobs[base + i]) == 0;
		for (size_t i = 0; i < k; i++) {
			if (started[i])
				pthread_join(th[i], NULL);
			else
				axfr_job_run(&jobs[base + i]);
		}
	}
}

/* Job 0 is the primary; then one per node row that is still ok. */
static int content_compare(const struct check_conf *c, struct check_zone_report *z)
{
	struct axfr_job *jobs = calloc(z->row_count + 1, sizeof(*jobs));
	size_t *row_of = calloc(z->row_count + 1, sizeof(*row_of));
	size_t n = 0;
	if (!jobs || !row_of) {
		free(jobs);
		free(row_of);
		return ANS_ENOMEM;
	}
	jobs[n++] = (struct axfr_job){ .server = &c->primary, .zone = z->zone, .conf = c };
	for (size_t i = 0; i < z->row_count; i++) {
		if (z->rows[i].status != CHECK_OK)
			continue;
		row_of[n] = i;
		jobs[n++] = (struct axfr_job){ .server = z->rows[i].server, .zone = z->zone,
					       .conf = c };
	}
	axfr_jobs_run(jobs, n);
	if (jobs[0].rc != ANS_OK) {
		snprintf(z->primary_error, sizeof(z->primary_error), "%s", jobs[0].why);
	} else {
		z->has_primary_digest = true;
		memcpy(z->primary_digest, jobs[0].digest, jobs[0].digest_len);
		z->primary_digest_len = jobs[0].digest_len;
	}
	for (size_t j = 1; j < n; j++) {
		struct check_row *r = &z->rows[row_of[j]];
		if (jobs[j].rc != ANS_OK) {
			r->status = CHECK_ERROR;
			snprintf(r->detail, sizeof(r->detail), "%s", jobs[j].why);
			continue;
		}
		r->has_digest = true;
		memcpy(r->digest, jobs[j].digest, jobs[j].digest_len);
		r->digest_len = jobs[j].digest_len;
		check_row_content(r, z);
	}
	free(jobs);
	free(row_of);
	return ANS_OK;
}

/* --- the fleet ------------------------------------------------------------- */

/* Queries for zone z: [z * per] is the primary, then the nodes. */
static int fleet_query(const struct check_conf *c, struct dc_query *qs)
{
	size_t per = c->node_count + 1;
	for (size_t z = 0; z < c->zone_count; z++) {
		struct dc_query *q = &qs[z * per];
		q[0] = (struct dc_query){ .addr = &c->primary.addr, .qname = c->zones[z],
					  .qtype = ANS_TYPE_SOA };
		for (size_t i = 0; i < c->node_count; i++)
			q[i + 1] = (struct dc_query){ .addr = &c->nodes[i].addr,
						      .qname = c->zones[z], .qtype = ANS_TYPE_SOA };
	}
	return dc_query_all(qs, per * c->zone_count, c->timeout_ms, QUERY_TRIES);
}

static bool zone_is_ok(const struct check_zone_report *z)
{
	if (!z->has_primary_serial || z->primary_error[0])
		return false;
	for (size_t i = 0; i < z->row_count; i++) {
		if (z->rows[i].status != CHECK_OK)
			return false;
	}
	return true;
}

static int fleet_report(const struct check_conf *c, const struct dc_query *qs,
			struct check_zone_report *rep, struct check_row *rows)
{
	size_t per = c->node_count + 1;
	for (size_t z = 0; z < c->zone_count; z++) {
		struct check_row pr = { .server = &c->primary, .ans = qs[z * per].ans };
		rep[z] = (struct check_zone_report){ .zone = c->zones[z],
						     .rows = &rows[z * c->node_count],
						     .row_count = c->node_count };
		primary_result(&rep[z], &pr);
		for (size_t i = 0; i < c->node_count; i++) {
			struct check_row *r = &rep[z].rows[i];
			*r = (struct check_row){ .server = &c->nodes[i], .ans = qs[z * per + i + 1].ans };
			check_row_decide(r, rep[z].has_primary_serial, rep[z].primary_serial);
		}
		if (c->want_content && rep[z].has_primary_serial &&
		    content_compare(c, &rep[z]) != ANS_OK)
			return ANS_ENOMEM;
	}
	return ANS_OK;
}

static int run_fleet(const struct check_conf *c)
{
	size_t nq = (c->node_count + 1) * c->zone_count;
	struct dc_query *qs = calloc(nq, sizeof(*qs));
	struct check_row *rows = calloc(c->node_count * c->zone_count, sizeof(*rows));
	struct check_zone_report *rep = calloc(c->zone_count, sizeof(*rep));
	int status = 2;
	int rc = qs && rows && rep ? fleet_query(c, qs) : ANS_ENOMEM;
	if (rc == ANS_OK)
		rc = fleet_report(c, qs, rep, rows);
	if (rc != ANS_OK) {
		fprintf(stderr, "anyns check: %s\n", ans_strerror(rc));
		goto out;
	}
	if (c->is_json)
		check_print_json(stdout, rep, c->zone_count);
	else
		check_print_table(stdout, rep, c->zone_count);
	status = 0;
	for (size_t z = 0; z < c->zone_count; z++)
		status = zone_is_ok(&rep[z]) ? status : 1;
out:
	free(rep);
	free(rows);
	free(qs);
	return status;
}

/* --- providers ------------------------------------------------------------- */

/* Queries: per zone and provider an SOA then an NS query. */
static int providers_query(const struct check_conf *c, struct dc_query *qs)
{
	for (size_t z = 0; z < c->zone_count; z++) {
		for (size_t i = 0; i < c->provider_count; i++) {
			struct dc_query *q = &qs[2 * (z * c->provider_count + i)];
			q[0] = (struct dc_query){ .addr = &c->providers[i].addr,
						  .qname = c->zones[z], .qtype = ANS_TYPE_SOA };
			q[1] = q[0];
			q[1].qtype = ANS_TYPE_NS;
		}
	}
	return dc_query_all(qs, 2 * c->zone_count * c->provider_count, c->timeout_ms,
			    QUERY_TRIES);
}

/* The NS answer's set and TTL go with the SOA answer's row; an NS query
 * that failed makes the row fail the same way. */
static void provider_row(struct check_row *r, const struct dc_query *q)
{
	r->ans = q[0].ans;
	if (r->ans.err == ANS_OK && (q[1].ans.err != ANS_OK || q[1].ans.rcode != 0)) {
		r->ans = q[1].ans;
		r->ans.has_soa = q[0].ans.has_soa;
		r->ans.soa = q[0].ans.soa;
		return;
	}
	r->ans.ns_count = q[1].ans.ns_count;
	r->ans.ns_ttl_s = q[1].ans.ns_ttl_s;
	memcpy(r->ans.ns, q[1].ans.ns, sizeof(r->ans.ns));
}

static int run_providers(const struct check_conf *c)
{
	size_t np = c->provider_count;
	struct dc_query *qs = calloc(2 * np * c->zone_count, sizeof(*qs));
	struct check_row *rows = calloc(np * c->zone_count, sizeof(*rows));
	struct check_provider_report *rep = calloc(c->zone_count, sizeof(*rep));
	int status = 2;
	int rc = qs && rows && rep ? providers_query(c, qs) : ANS_ENOMEM;
	for (size_t z = 0; rc == ANS_OK && z < c->zone_count; z++) {
		rep[z] = (struct check_provider_report){ .zone = c->zones[z],
							 .rows = &rows[z * np], .row_count = np };
		for (size_t i = 0; i < np; i++) {
			rep[z].rows[i].server = &c->providers[i];
			provider_row(&rep[z].rows[i], &qs[2 * (z * np + i)]);
		}
		rc = check_providers_compare(&rep[z]);
	}
	if (rc != ANS_OK) {
		fprintf(stderr, "anyns check: %s\n", ans_strerror(rc));
		goto out;
	}
	if (c->is_json)
		check_print_providers_json(stdout, rep, c->zone_count);
	else
		check_print_providers_table(stdout, rep, c->zone_count);
	status = 0;
	for (size_t z = 0; z < c->zone_count; z++) {
		for (size_t i = 0; i < np; i++)
			status = rep[z].rows[i].status == CHECK_OK ? status : 1;
		status = rep[z].diff_count ? 1 : status;
	}
out:
	for (size_t z = 0; rep && z < c->zone_count; z++)
		free(rep[z].diffs);
	free(rep);
	free(rows);
	free(qs);
	return status;
}

int ans_cli_check(int argc, char **argv)
{
	struct check_conf c = { 0 };
	char why[512] = "";
	int rc = check_conf_from_args(&c, argc, argv, why, sizeof(why));
	int status;
	if (rc == CHECK_ARGS_HELP) {
		usage(stdout);
		status = 0;
	} else if (rc == CHECK_ARGS_REFERENCE) {
		check_conf_print_reference(stdout);
		status = fflush(stdout) == 0 ? 0 : 2;
	} else if (rc != ANS_OK) {
		fprintf(stderr, "anyns check: %s\n", why[0] ? why : ans_strerror(rc));
		usage(stderr);
		status = 2;
	} else {
		status = c.provider_count ? run_providers(&c) : run_fleet(&c);
	}
	check_conf_free(&c);
	return status;
}
