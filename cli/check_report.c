/* SPDX-License-Identifier: MIT */
/*
 * `anyns check`: each node's status, the provider comparison, and the two
 * output forms (a table for people, JSON for programs; doc/check.md has the
 * schema). Pure functions of the answers gathered by check.c, so the unit
 * tests drive them with tables of made-up answers.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli/check.h"
#include "lib/xfr/serial.h"

#define RCODE_NOERROR 0

static const char *const status_names[] = {
	[CHECK_OK] = "ok",
	[CHECK_LAGGING] = "lagging",
	[CHECK_UNREACHABLE] = "unreachable",
	[CHECK_IDENTITY_MISMATCH] = "identity-mismatch",
	[CHECK_ERROR] = "error",
	[CHECK_CONTENT_MISMATCH] = "content-mismatch",
};

static const char *const rcode_names[] = {
	"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
	"YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE",
};

const char *check_status_name(enum check_status s)
{
	return (unsigned)s < sizeof(status_names) / sizeof(status_names[0])
		? status_names[s] : "?";
}

static void rcode_text(uint8_t rcode, char *buf, size_t size)
{
	if (rcode < sizeof(rcode_names) / sizeof(rcode_names[0]))
		snprintf(buf, size, "%s", rcode_names[rcode]);
	else
		snprintf(buf, size, "RCODE%u", rcode);
}

void check_nsid_text(const struct dc_answer *a, char *buf, size_t size)
{
	bool is_printable = a->nsid_len > 0;
	for (size_t i = 0; i < a->nsid_len; i++)
		is_printable = is_printable && a->nsid[i] >= 0x20 && a->nsid[i] < 0x7f;
	if (is_printable || a->nsid_len == 0) {
		snprintf(buf, size, "%.*s", (int)a->nsid_len, (const char *)a->nsid);
		return;
	}
	size_t pos = (size_t)snprintf(buf, size, "0x");
	for (size_t i = 0; i < a->nsid_len && pos + 3 <= size; i++)
		pos += (size_t)snprintf(buf + pos, size - pos, "%02x", a->nsid[i]);
}

static void set(struct check_row *r, enum check_status s, const char *why)
{
	r->status = s;
	snprintf(r->detail, sizeof(r->detail), "%s", why);
}

/* Network failures and answers that cannot speak for the zone. */
static bool decide_error(struct check_row *r)
{
	const struct dc_answer *a = &r->ans;
	char rc[16];
	if (a->err == ANS_ETIMEOUT || (a->err < 0 && a->err > ANS_ERR_BASE)) {
		set(r, CHECK_UNREACHABLE, a->err == ANS_ETIMEOUT ? "no answer (timeout)"
								  : ans_strerror(a->err));
		return true;
	}
	if (a->err != ANS_OK) {
		snprintf(r->detail, sizeof(r->detail), "bad answer: %s", ans_strerror(a->err));
		r->status = CHECK_ERROR;
		return true;
	}
	if (a->rcode != RCODE_NOERROR) {
		/* SERVFAIL is what an expired secondary zone answers (RFC 1035
		 * §4.3.5 says stop answering; Knot and BIND send SERVFAIL). */
		rcode_text(a->rcode, rc, sizeof(rc));
		snprintf(r->detail, sizeof(r->detail), "answered %s", rc);
		r->status = CHECK_ERROR;
		return true;
	}
	if (!a->is_aa)
		set(r, CHECK_ERROR, "not authoritative for the zone (AA clear)");
	else if (!a->has_soa)
		set(r, CHECK_ERROR, "no SOA in the answer");
	return r->status != CHECK_OK;
}

static bool nsid_matches(const struct check_row *r)
{
	const struct dc_answer *a = &r->ans;
	char text[2 * DC_NSID_MAX + 3];
	if (!a->has_nsid)
		return false;
	check_nsid_text(a, text, sizeof(text));
	return strcmp(text, r->server->name) == 0;
}

void check_row_decide(struct check_row *r, bool has_primary_serial,
		      uint32_t primary_serial)
{
	r->behind = 0;
	r->status = CHECK_OK;
	r->detail[0] = '\0';
	if (decide_error(r))
		return;
	uint32_t serial = r->ans.soa.serial;
	if (has_primary_serial) {
		int cmp = ans_serial_cmp(serial, primary_serial);
		/* RFC 1982 §3.1: the distance is the difference modulo 2^32. */
		r->behind = cmp > 0 ? -(int64_t)(uint32_t)(serial - primary_serial)
				    : (int64_t)(uint32_t)(primary_serial - serial);
		if (cmp > 0) {
			set(r, CHECK_ERROR, "serial newer than the primary's");
			return;
		}
	}
	if (!nsid_matches(r)) {
		char text[2 * DC_NSID_MAX + 3];
		check_nsid_text(&r->ans, text, sizeof(text));
		if (r->ans.has_nsid)
			snprintf(r->detail, sizeof(r->detail), "NSID '%.60s', expected '%s'",
				 text, r->server->name);
		else
			snprintf(r->detail, sizeof(r->detail), "no NSID, expected '%s'",
				 r->server->name);
		r->status = CHECK_IDENTITY_MISMATCH;
		return;
	}
	if (has_primary_serial && r->behind > 0) {
		snprintf(r->detail, sizeof(r->detail), "%" PRId64 " behind the primary",
			 r->behind);
		r->status = CHECK_LAGGING;
	}
}

void check_row_content(struct check_row *r, const struct check_zone_report *z)
{
	if (r->status != CHECK_OK || !r->has_digest || !z->has_primary_digest)
		return;
	if (r->digest_len != z->primary_digest_len ||
	    memcmp(r->digest, z->primary_digest, r->digest_len) != 0)
		set(r, CHECK_CONTENT_MISMATCH, "same serial, different zone content (ZONEMD SHA-384)");
}

/* --- output ---------------------------------------------------------------- */

void check_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			fprintf(out, "\\u%04x", *p);   /* NSIDs are bytes, not UTF-8 */
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

static void hex(const uint8_t *b, size_t n, char *buf)
{
	for (size_t i = 0; i < n; i++)
		sprintf(buf + 2 * i, "%02x", b[i]);
	buf[2 * n] = '\0';
}

static void zone_text(const uint8_t *zone, char *buf, size_t size)
{
	if (ans_name_to_text(zone, buf, size) < 0)
		snprintf(buf, size, "?");
}

static bool answered(const struct check_row *r)
{
	return r->ans.err == ANS_OK && r->ans.has_soa;
}

static void json_row(FILE *out, const struct check_row *r)
{
	char nsid[2 * DC_NSID_MAX + 3], dg[2 * ANS_ZONEMD_DIGEST_MAX + 1];
	fprintf(out, "{\"name\":");
	check_json_string(out, r->server->name);
	fprintf(out, ",\"address\":");
	check_json_string(out, r->server->address);
	fprintf(out, ",\"nsid\":");
	check_nsid_text(&r->ans, nsid, sizeof(nsid));
	if (r->ans.err == ANS_OK && r->ans.has_nsid)
		check_json_string(out, nsid);
	else
		fprintf(out, "null");
	if (answered(r))
		fprintf(out, ",\"serial\":%" PRIu32 ",\"behind\":%" PRId64,
			r->ans.soa.serial, r->behind);
	else
		fprintf(out, ",\"serial\":null,\"behind\":null");
	if (r->ans.err == ANS_OK)
		fprintf(out, ",\"rtt_ms\":%.1f", r->ans.rtt_ms);
	else
		fprintf(out, ",\"rtt_ms\":null");
	if (r->has_digest) {
		hex(r->digest, r->digest_len, dg);
		fprintf(out, ",\"digest\":\"%s\"", dg);
	}
	fprintf(out, ",\"status\":\"%s\"", check_status_name(r->status));
	if (r->detail[0]) {
		fprintf(out, ",\"detail\":");
		check_json_string(out, r->detail);
	}
	fputc('}', out);
}

static void json_zone(FILE *out, const struct check_zone_report *z)
{
	char name[ANS_NAME_TEXT_MAX], dg[2 * ANS_ZONEMD_DIGEST_MAX + 1];
	zone_text(z->zone, name, sizeof(name));
	fprintf(out, "{\"zone\":");
	check_json_string(out, name);
	if (z->has_primary_serial)
		fprintf(out, ",\"primary_serial\":%" PRIu32, z->primary_serial);
	else
		fprintf(out, ",\"primary_serial\":null");
	if (z->primary_error[0]) {
		fprintf(out, ",\"primary_error\":");
		check_json_string(out, z->primary_error);
	}
	if (z->has_primary_digest) {
		hex(z->primary_digest, z->primary_digest_len, dg);
		fprintf(out, ",\"primary_digest\":\"%s\"", dg);
	}
	fprintf(out, ",\"nodes\":[");
	for (size_t i = 0; i < z->row_count; i++) {
		if (i)
			fputc(',', out);
		json_row(out, &z->rows[i]);
	}
	fprintf(out, "]}");
}

void check_print_json(FILE *out, const struct check_zone_report *z, size_t n)
{
	fprintf(out, "{\"zones\":[");
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(',', out);
		json_zone(out, &z[i]);
	}
	fprintf(out, "]}\n");
}

static void table_row(FILE *out, const struct check_row *r)
{
	char nsid[2 * DC_NSID_MAX + 3] = "-", serial[16] = "-", behind[24] = "-",
	     rtt[24] = "-";
	if (r->ans.err == ANS_OK && r->ans.has_nsid)
		check_nsid_text(&r->ans, nsid, sizeof(nsid));
	if (answered(r)) {
		snprintf(serial, sizeof(serial), "%" PRIu32, r->ans.soa.serial);
		snprintf(behind, sizeof(behind), "%" PRId64, r->behind);
	}
	if (r->ans.err == ANS_OK)
		snprintf(rtt, sizeof(rtt), "%.1f", r->ans.rtt_ms);
	fprintf(out, "  %-12s %-22s %-12s %10s %7s %8s  %s%s%s\n", r->server->name,
		r->server->address, nsid, serial, behind, rtt, check_status_name(r->status),
		r->detail[0] ? ": " : "", r->detail);
	if (r->status == CHECK_CONTENT_MISMATCH) {
		char dg[2 * ANS_ZONEMD_DIGEST_MAX + 1];
		hex(r->digest, r->digest_len, dg);
		fprintf(out, "    digest %s\n", dg);
	}
}

void check_print_table(FILE *out, const struct check_zone_report *z, size_t n)
{
	char name[ANS_NAME_TEXT_MAX], dg[2 * ANS_ZONEMD_DIGEST_MAX + 1];
	for (size_t i = 0; i < n; i++) {
		zone_text(z[i].zone, name, sizeof(name));
		if (i)
			fputc('\n', out);
		if (z[i].has_primary_serial)
			fprintf(out, "zone %s, primary serial %" PRIu32 "\n", name,
				z[i].primary_serial);
		else
			fprintf(out, "zone %s, primary: %s\n", name, z[i].primary_error);
		if (z[i].has_primary_serial && z[i].primary_error[0])
			fprintf(out, "  primary: %s\n", z[i].primary_error);
		if (z[i].has_primary_digest) {
			hex(z[i].primary_digest, z[i].primary_digest_len, dg);
			fprintf(out, "  primary digest %s\n", dg);
		}
		fprintf(out, "  %-12s %-22s %-12s %10s %7s %8s  %s\n", "NODE", "ADDRESS",
			"NSID", "SERIAL", "BEHIND", "RTT(ms)", "STATUS");
		for (size_t k = 0; k < z[i].row_count; k++)
			table_row(out, &z[i].rows[k]);
	}
}
