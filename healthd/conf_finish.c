/* SPDX-License-Identifier: MIT */
/*
 * Derived values and cross-checks of anyns-healthd's configuration, after
 * the schema walk: parsed prefixes, probe query names and types, the
 * options each probe type requires, and the sanity rules a table row
 * cannot express (timeout <= interval, hold-down <= hold-down-max).
 */
#include <stdio.h>
#include <string.h>

#include "healthd/conf.h"
#include "lib/conf/schema.h"
#include "lib/wire/rdata.h"

int hd_conf_finish(struct hd_conf *c, const char *name, char *err, size_t err_size);

static const char *const rcode_names[] = {
	"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
};

static int rcode_from_text(const char *t)
{
	for (size_t i = 0; i < sizeof(rcode_names) / sizeof(rcode_names[0]); i++)
		if (strcasecmp(rcode_names[i], t) == 0)
			return (int)i;
	return -1;
}

static int finish_announce(struct hd_conf *c, const char *name, char *err, size_t size)
{
	struct hd_conf_announce *a = &c->announce;
	if (a->prefixes.count == 0)
		return ans_conf_error_buf(err, size, name, 0, "announce.prefixes: empty list");
	a->items = ans_arena_alloc(&c->arena, a->prefixes.count * sizeof(*a->items));
	if (!a->items)
		return ANS_ENOMEM;
	for (a->count = 0; a->count < a->prefixes.count; a->count++)
		if (hd_prefix_parse(a->prefixes.items[a->count], &a->items[a->count]))
			return ans_conf_error_buf(err, size, name, 0, "announce.prefixes: expected "
				       "a prefix such as 203.0.113.0/24 (host bits zero), "
				       "got '%s'", a->prefixes.items[a->count]);
	return ANS_OK;
}

static int finish_probe(struct hd_conf_probe *p, const char *name, char *err, size_t size)
{
	static const char *const need[] = { "name", "name", "pidfile", "command" };
	const char *have[] = { p->name, p->name, p->pidfile, p->command };
	if (!have[p->type])
		return ans_conf_error_buf(err, size, name, p->line, "probe %s: %s: missing "
			       "(required for this type)", p->id, need[p->type]);
	if (p->timeout_ms > p->interval_ms)
		return ans_conf_error_buf(err, size, name, p->line, "probe %s: timeout %lldms "
			       "longer than interval %lldms", p->id,
			       (long long)p->timeout_ms, (long long)p->interval_ms);
	if (p->type != HD_PROBE_DNS && p->type != HD_PROBE_ZONE)
		return ANS_OK;
	size_t len;
	if (ans_name_from_text(p->qname, &len, p->name, strlen(p->name),
			       (const uint8_t *)"") != ANS_OK)
		return ans_conf_error_buf(err, size, name, p->line, "probe %s: name: expected "
			       "a domain name, got '%s'", p->id, p->name);
	ans_name_lower(p->qname);
	const char *qtype = p->type == HD_PROBE_ZONE ? "SOA" : p->qtype;
	if (ans_rrtype_from_text(qtype, strlen(qtype), &p->qtype_code) != ANS_OK)
		return ans_conf_error_buf(err, size, name, p->line, "probe %s: qtype: unknown "
			       "type '%s'", p->id, qtype);
	p->rcode_code = rcode_from_text(p->rcode);
	if (p->rcode_code < 0)
		return ans_conf_error_buf(err, size, name, p->line, "probe %s: rcode: expected "
			       "NOERROR, NXDOMAIN, SERVFAIL, REFUSED..., got '%s'",
			       p->id, p->rcode);
	return ANS_OK;
}

int hd_conf_finish(struct hd_conf *c, const char *name, char *err, size_t size)
{
	int rc = finish_announce(c, name, err, size);
	if (rc != ANS_OK)
		return rc;
	if (c->probe_count == 0)
		return ans_conf_error_buf(err, size, name, 0, "probe: missing (at least one "
			       "probe is required: healthd never announces blind)");
	for (size_t i = 0; i < c->probe_count; i++) {
		rc = finish_probe(&c->probes[i], name, err, size);
		if (rc != ANS_OK)
			return rc;
	}
	if (c->policy.hold_down_ms > c->policy.hold_down_max_ms)
		return ans_conf_error_buf(err, size, name, 0, "policy.hold-down: longer than "
			       "policy.hold-down-max");
	if (c->healthd.tun && strlen(c->healthd.tun) > 15)
		return ans_conf_error_buf(err, size, name, 0, "healthd.tun: at most 15 characters");
	return ANS_OK;
}
