/* SPDX-License-Identifier: MIT */
/*
 * `anyns check --providers`: the same zone served by several providers
 * (RFC 8901 multi-provider setups, or a secondary service beside our own
 * fleet) must agree on what resolvers see of the delegation: the NS set,
 * the SOA serial, and the TTLs and timers (SOA TTL, NS TTL, SOA refresh,
 * retry, expire, minimum). A resolver caches whatever the provider it
 * happened to ask said, so one provider with a one-week NS TTL decides how
 * long a change takes. Every field that differs is reported with each
 * provider's value.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli/check.h"

static const char *const fields[] = {
	"ns", "serial", "soa_ttl", "ns_ttl", "refresh", "retry", "expire", "minimum",
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

static int cmp_names(const void *a, const void *b)
{
	return ans_name_cmp(a, b);
}

/* The NS set in canonical order (RFC 4034 §6.1), as text. */
static void ns_text(const struct dc_answer *a, char *buf, size_t size)
{
	uint8_t sorted[DC_NS_MAX][ANS_NAME_MAX];
	size_t pos = 0;
	memcpy(sorted, a->ns, sizeof(sorted));
	qsort(sorted, a->ns_count, sizeof(sorted[0]), cmp_names);
	buf[0] = '\0';
	for (size_t i = 0; i < a->ns_count && pos < size; i++) {
		char t[ANS_NAME_TEXT_MAX];
		if (ans_name_to_text(sorted[i], t, sizeof(t)) < 0)
			continue;
		pos += (size_t)snprintf(buf + pos, size - pos, "%s%s", i ? " " : "", t);
	}
}

static void field_value(const struct check_row *r, size_t f, char *buf, size_t size)
{
	const struct dc_soa *s = &r->ans.soa;
	const uint32_t v[] = { 0, s->serial, s->ttl_s, r->ans.ns_ttl_s, s->refresh_s,
			       s->retry_s, s->expire_s, s->minimum_s };
	if (f == 0)
		ns_text(&r->ans, buf, size);
	else
		snprintf(buf, size, "%" PRIu32, v[f]);
}

static bool field_differs(const struct check_provider_report *p, size_t f)
{
	char first[2048], other[2048];
	const struct check_row *ref = NULL;
	for (size_t i = 0; i < p->row_count; i++) {
		const struct check_row *r = &p->rows[i];
		if (r->status != CHECK_OK)
			continue;
		if (!ref) {
			ref = r;
			field_value(r, f, first, sizeof(first));
			continue;
		}
		field_value(r, f, other, sizeof(other));
		if (strcmp(first, other) != 0)
			return true;
	}
	return false;
}

/* A provider's answers are usable when the SOA and NS answers both came,
 * with NOERROR, authoritative. */
static void provider_status(struct check_row *r)
{
	check_row_decide(r, false, 0);
	if (r->status == CHECK_IDENTITY_MISMATCH) {
		r->status = CHECK_OK;   /* providers are not asked who they are */
		r->detail[0] = '\0';
	}
	if (r->status == CHECK_OK && r->ans.ns_count == 0) {
		r->status = CHECK_ERROR;
		snprintf(r->detail, sizeof(r->detail), "no NS set in the answer");
	}
}

int check_providers_compare(struct check_provider_report *p)
{
	p->diffs = calloc(NFIELDS, sizeof(*p->diffs));
	if (!p->diffs)
		return ANS_ENOMEM;
	p->diff_count = 0;
	for (size_t i = 0; i < p->row_count; i++)
		provider_status(&p->rows[i]);
	for (size_t f = 0; f < NFIELDS; f++) {
		if (field_differs(p, f))
			snprintf(p->diffs[p->diff_count++], sizeof(p->diffs[0]), "%s", fields[f]);
	}
	return ANS_OK;
}

static size_t field_index(const char *name)
{
	for (size_t f = 0; f < NFIELDS; f++) {
		if (strcmp(fields[f], name) == 0)
			return f;
	}
	return 0;
}

static void json_provider(FILE *out, const struct check_row *r)
{
	char ns[2048];
	fprintf(out, "{\"name\":");
	check_json_string(out, r->server->name);
	fprintf(out, ",\"address\":");
	check_json_string(out, r->server->address);
	fprintf(out, ",\"status\":\"%s\"", check_status_name(r->status));
	if (r->detail[0]) {
		fprintf(out, ",\"detail\":");
		check_json_string(out, r->detail);
	}
	if (r->status == CHECK_OK) {
		const struct dc_soa *s = &r->ans.soa;
		fprintf(out, ",\"serial\":%" PRIu32 ",\"soa_ttl\":%" PRIu32 ",\"ns_ttl\":%" PRIu32
			",\"refresh\":%" PRIu32 ",\"retry\":%" PRIu32 ",\"expire\":%" PRIu32
			",\"minimum\":%" PRIu32 ",\"ns\":[", s->serial, s->ttl_s, r->ans.ns_ttl_s,
			s->refresh_s, s->retry_s, s->expire_s, s->minimum_s);
		ns_text(&r->ans, ns, sizeof(ns));
		for (char *save = NULL, *t = strtok_r(ns, " ", &save); t;
		     t = strtok_r(NULL, " ", &save)) {
			fprintf(out, "%s", t == ns ? "" : ",");
			check_json_string(out, t);
		}
		fputc(']', out);
	}
	fputc('}', out);
}

static void json_diff(FILE *out, const struct check_provider_report *p, const char *field)
{
	char v[2048];
	size_t f = field_index(field);
	bool first = true;
	fprintf(out, "{\"field\":\"%s\",\"values\":{", field);
	for (size_t i = 0; i < p->row_count; i++) {
		if (p->rows[i].status != CHECK_OK)
			continue;
		field_value(&p->rows[i], f, v, sizeof(v));
		fprintf(out, "%s", first ? "" : ",");
		check_json_string(out, p->rows[i].server->name);
		fputc(':', out);
		check_json_string(out, v);
		first = false;
	}
	fprintf(out, "}}");
}

void check_print_providers_json(FILE *out, const struct check_provider_report *p, size_t n)
{
	char name[ANS_NAME_TEXT_MAX];
	fprintf(out, "{\"zones\":[");
	for (size_t z = 0; z < n; z++) {
		if (ans_name_to_text(p[z].zone, name, sizeof(name)) < 0)
			snprintf(name, sizeof(name), "?");
		fprintf(out, "%s{\"zone\":", z ? "," : "");
		check_json_string(out, name);
		fprintf(out, ",\"providers\":[");
		for (size_t i = 0; i < p[z].row_count; i++) {
			fprintf(out, "%s", i ? "," : "");
			json_provider(out, &p[z].rows[i]);
		}
		fprintf(out, "],\"differences\":[");
		for (size_t d = 0; d < p[z].diff_count; d++) {
			fprintf(out, "%s", d ? "," : "");
			json_diff(out, &p[z], p[z].diffs[d]);
		}
		fprintf(out, "]}");
	}
	fprintf(out, "]}\n");
}

static void table_zone(FILE *out, const struct check_provider_report *p)
{
	char name[ANS_NAME_TEXT_MAX], v[2048];
	if (ans_name_to_text(p->zone, name, sizeof(name)) < 0)
		snprintf(name, sizeof(name), "?");
	fprintf(out, "zone %s, %zu providers, %zu difference%s\n", name, p->row_count,
		p->diff_count, p->diff_count == 1 ? "" : "s");
	for (size_t i = 0; i < p->row_count; i++) {
		const struct check_row *r = &p->rows[i];
		if (r->status != CHECK_OK)
			fprintf(out, "  %-16s %-22s %s: %s\n", r->server->name,
				r->server->address, check_status_name(r->status), r->detail);
	}
	for (size_t d = 0; d < p->diff_count; d++) {
		size_t f = field_index(p->diffs[d]);
		fprintf(out, "  %s differs:\n", p->diffs[d]);
		for (size_t i = 0; i < p->row_count; i++) {
			if (p->rows[i].status != CHECK_OK)
				continue;
			field_value(&p->rows[i], f, v, sizeof(v));
			fprintf(out, "    %-16s %s\n", p->rows[i].server->name, v);
		}
	}
}

void check_print_providers_table(FILE *out, const struct check_provider_report *p, size_t n)
{
	for (size_t z = 0; z < n; z++) {
		if (z)
			fputc('\n', out);
		table_zone(out, &p[z]);
	}
}
