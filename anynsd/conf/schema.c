/* SPDX-License-Identifier: MIT */
/*
 * DOC: the configuration schema
 *
 * Every option anynsd understands is one row of conf_options[] below, in the
 * section it belongs to (conf_sections[]). A row says the option's type
 * (with its range), its default in the same syntax as the YAML file, where
 * the parsed value goes (an offset into the section's item struct: struct
 * conf_server for `server`, struct conf_zone for each `zone` entry), and a
 * one-line description.
 *
 * Three consumers read the table and nothing else:
 *  - conf.c walks the YAML document against it: unknown sections and
 *    options, wrong types, out-of-range values and duplicates are errors;
 *  - conf.c applies the defaults by parsing `def` like a value from a file;
 *  - conf_schema_print_reference() prints doc/config.md (`anynsd
 *    --config-reference`), and a unit test checks the file is up to date.
 *
 * Adding an option: add its field to conf.h and one row here. Adding a
 * section (key, remote, acl): one conf_sections[] row, its item struct and
 * its option rows. Options not in the table are errors, so a section that
 * is not implemented yet cannot be half-accepted.
 */
#include "anynsd/conf/schema.h"

#include <ctype.h>
#include <inttypes.h>
#include <string.h>

#include "anynsd/conf/conf.h"

#define MS(s) ((int64_t)(s) * 1000)

/* NSID is sent as bytes: text, or hex after "0x" (as Knot's server.nsid). */
static bool check_identity(const char *v, char *why, size_t why_size)
{
	size_t len = strlen(v);
	if (strncmp(v, "0x", 2) != 0) {
		if (len <= CONF_NSID_MAX)
			return true;
		snprintf(why, why_size, "at most %d characters", CONF_NSID_MAX);
		return false;
	}
	bool ok = len > 2 && len % 2 == 0 && (len - 2) / 2 <= CONF_NSID_MAX;
	for (size_t i = 2; ok && i < len; i++)
		ok = isxdigit((unsigned char)v[i]);
	if (!ok)
		snprintf(why, why_size, "an even number of hex digits after 0x "
			 "(at most %d bytes)", CONF_NSID_MAX);
	return ok;
}

const struct conf_section conf_sections[] = {
	{ .name = "server", .offset = offsetof(struct conf, server),
	  .item_size = sizeof(struct conf_server), .line_offset = SIZE_MAX,
	  .doc = "Options of the server process: sockets, threads, identity." },
	{ .name = "key", .is_list = true, .offset = offsetof(struct conf, keys),
	  .count_offset = offsetof(struct conf, key_count),
	  .item_size = sizeof(struct conf_key),
	  .line_offset = offsetof(struct conf_key, line),
	  .doc = "TSIG keys (RFC 8945) for transfers, NOTIFY and SOA queries." },
	{ .name = "remote", .is_list = true, .offset = offsetof(struct conf, remotes),
	  .count_offset = offsetof(struct conf, remote_count),
	  .item_size = sizeof(struct conf_remote),
	  .line_offset = offsetof(struct conf_remote, line),
	  .doc = "Other servers: the primaries a zone pulls from, the secondaries it notifies." },
	{ .name = "acl", .is_list = true, .offset = offsetof(struct conf, acls),
	  .count_offset = offsetof(struct conf, acl_count),
	  .item_size = sizeof(struct conf_acl),
	  .line_offset = offsetof(struct conf_acl, line),
	  .doc = "Who may transfer a zone or send it NOTIFY; a zone lists the acls "
		 "that apply to it, and what no acl allows is refused." },
	{ .name = "zone", .is_list = true, .offset = offsetof(struct conf, zones),
	  .count_offset = offsetof(struct conf, zone_count),
	  .item_size = sizeof(struct conf_zone),
	  .line_offset = offsetof(struct conf_zone, line),
	  .doc = "The zones served: a list of entries, one per zone." },
};
const size_t conf_section_count = sizeof(conf_sections) / sizeof(conf_sections[0]);

#define SRV(f) offsetof(struct conf_server, f)
#define ZONE(f) offsetof(struct conf_zone, f)
#define KEY(f) offsetof(struct conf_key, f)
#define REM(f) offsetof(struct conf_remote, f)
#define ACL(f) offsetof(struct conf_acl, f)

const struct conf_option conf_options[] = {
	{ "server", "listen", CONF_ADDR_LIST, .offset = SRV(listen),
	  .flags = CONF_REQUIRED,
	  .doc = "Addresses to answer on (UDP and TCP), one or a list." },
	{ "server", "identity", CONF_STR, .offset = SRV(identity),
	  .def_doc = "the host name", .check = check_identity,
	  .doc = "Answer to CHAOS id.server/hostname.bind and the NSID "
		 "(text, or hex with a 0x prefix); empty disables both." },
	{ "server", "version", CONF_STR, .offset = SRV(version),
	  .def_doc = "anynsd <version>",
	  .doc = "Answer to CHAOS version.server/version.bind; empty disables it." },
	{ "server", "workers", CONF_INT, 1, 256, .offset = SRV(workers),
	  .def_doc = "the number of CPUs",
	  .doc = "Worker threads, each with its own UDP and TCP sockets." },
	{ "server", "storage", CONF_PATH, .offset = SRV(storage),
	  .def = "/var/lib/anyns",
	  .doc = "Directory for the server's data: anyns.mdb (LMDB: journals, zone copies of secondaries and their timers)." },
	{ "server", "udp-max-payload", CONF_INT, 512, 4096,
	  .offset = SRV(udp_max_payload), .def = "1232",
	  .doc = "Largest UDP response with EDNS, in bytes (RFC 6891)." },
	{ "server", "tcp-idle-timeout", CONF_DURATION, MS(1), MS(3600),
	  .offset = SRV(tcp_idle_timeout_ms), .def = "10s",
	  .doc = "A TCP connection without a query for this long is closed (RFC 7766 6.2.3)." },
	{ "server", "tcp-io-timeout", CONF_DURATION, 0, MS(60),
	  .offset = SRV(tcp_io_timeout_ms), .def = "500ms",
	  .doc = "Time allowed to receive the rest of a started query or send "
		 "a response; 0 disables." },
	{ "server", "tcp-max-clients", CONF_INT, 1, 1000000,
	  .offset = SRV(tcp_max_clients), .def = "1000",
	  .doc = "Open TCP connections across all workers; more are accepted and closed at once." },
	{ "server", "nsid", CONF_BOOL, .offset = SRV(nsid), .def = "true",
	  .doc = "Send the identity as NSID (RFC 5001) to queries that ask for it; "
		 "false never sends it." },
	{ "server", "chaos", CONF_BOOL, .offset = SRV(chaos), .def = "true",
	  .doc = "Answer CHAOS TXT id.server, hostname.bind, version.server and "
		 "version.bind; false answers them REFUSED." },
	{ "server", "pidfile", CONF_PATH, .offset = SRV(pidfile),
	  .doc = "File the process id is written to once the sockets are open; "
		 "removed at a clean exit." },
	{ "server", "control", CONF_PATH, .offset = SRV(control),
	  .doc = "Unix socket (mode 0600) for `anyns ctl` (doc/ctl.md); removed at exit." },
	{ "server", "metrics", CONF_ADDR, .offset = SRV(metrics),
	  .doc = "ADDR@PORT of the Prometheus endpoint, GET /metrics (doc/metrics.md)." },
	{ "key", "id", CONF_STR, .offset = KEY(id), .flags = CONF_REQUIRED | CONF_IS_KEY,
	  .doc = "The key's name, as the peer knows it (a domain name)." },
	{ "key", "algorithm", CONF_STR, .offset = KEY(algorithm), .flags = CONF_REQUIRED,
	  .doc = "hmac-sha1, hmac-sha224, hmac-sha256, hmac-sha384 or hmac-sha512 "
		 "(hmac-md5 for old peers only)." },
	{ "key", "secret", CONF_STR, .offset = KEY(secret), .flags = CONF_REQUIRED,
	  .doc = "The shared secret, base64." },
	{ "remote", "id", CONF_STR, .offset = REM(id), .flags = CONF_REQUIRED | CONF_IS_KEY,
	  .doc = "The name zones use to refer to this server." },
	{ "remote", "address", CONF_ADDR_LIST, .offset = REM(address), .flags = CONF_REQUIRED,
	  .doc = "Its addresses, tried in order." },
	{ "remote", "key", CONF_STR, .offset = REM(key),
	  .doc = "The id of the key that signs everything exchanged with it." },
	{ "remote", "via", CONF_ADDR, .offset = REM(via),
	  .doc = "Source address of our connections to it (the port is ignored)." },
	{ "acl", "id", CONF_STR, .offset = ACL(id), .flags = CONF_REQUIRED | CONF_IS_KEY,
	  .doc = "The name zones use to refer to this acl." },
	{ "acl", "address", CONF_STR_LIST, .offset = ACL(address), .flags = CONF_REQUIRED,
	  .doc = "Client addresses: single addresses or CIDR prefixes "
		 "(192.0.2.0/24, 2001:db8::/32), one or a list." },
	{ "acl", "key", CONF_STR_LIST, .offset = ACL(key),
	  .doc = "Key ids, one of which must sign the request; none: unsigned requests match too." },
	{ "acl", "action", CONF_STR_LIST, .offset = ACL(action), .flags = CONF_REQUIRED,
	  .doc = "What is allowed: transfer (AXFR/IXFR), notify (incoming NOTIFY), or both." },
	{ "zone", "domain", CONF_DNAME, .offset = ZONE(domain),
	  .flags = CONF_REQUIRED | CONF_IS_KEY,
	  .doc = "The zone's apex name." },
	{ "zone", "file", CONF_PATH, .offset = ZONE(file),
	  .doc = "The zone file, relative to the configuration file's directory; "
		 "required unless the zone has primaries." },
	{ "zone", "primary", CONF_STR_LIST, .offset = ZONE(primary),
	  .doc = "Remote ids of the primaries, tried in order: the zone is a "
		 "secondary, received by IXFR/AXFR." },
	{ "zone", "notify", CONF_STR_LIST, .offset = ZONE(notify),
	  .doc = "Remote ids sent a NOTIFY (RFC 1996) on every new serial." },
	{ "zone", "acl", CONF_STR_LIST, .offset = ZONE(acl),
	  .doc = "Acl ids saying who may transfer the zone and send it NOTIFY." },
	{ "zone", "max-size", CONF_SIZE, 1024, INT64_C(1) << 40, .offset = ZONE(max_size),
	  .def = "512M",
	  .doc = "Largest incoming transfer (message bytes); a larger one is "
		 "dropped and the old copy kept." },
	{ "zone", "journal-max-entries", CONF_INT, 1, 1000000,
	  .offset = ZONE(journal_max_entries), .def = "100",
	  .doc = "Changes kept for IXFR; the oldest go first." },
	{ "zone", "journal-max-size", CONF_SIZE, 4096, INT64_C(1) << 40,
	  .offset = ZONE(journal_max_size), .def = "64M",
	  .doc = "Bytes of changes kept for IXFR; the oldest go first." },
	{ "zone", "refresh-min", CONF_DURATION, MS(1), MS(86400 * 30),
	  .offset = ZONE(refresh_min_ms), .def = "1s",
	  .doc = "Lower bound on the SOA refresh and retry intervals of a secondary." },
	{ "zone", "refresh-max", CONF_DURATION, MS(1), MS(86400 * 30),
	  .offset = ZONE(refresh_max_ms), .def = "1d",
	  .doc = "Upper bound on the SOA refresh and retry intervals of a secondary." },
};
const size_t conf_option_count = sizeof(conf_options) / sizeof(conf_options[0]);

const struct conf_section *conf_schema_section(const char *name)
{
	for (size_t i = 0; i < conf_section_count; i++)
		if (strcmp(conf_sections[i].name, name) == 0)
			return &conf_sections[i];
	return NULL;
}

const struct conf_option *conf_schema_option(const char *section, const char *name)
{
	for (size_t i = 0; i < conf_option_count; i++) {
		const struct conf_option *o = &conf_options[i];
		if (strcmp(o->section, section) == 0 && strcmp(o->name, name) == 0)
			return o;
	}
	return NULL;
}

static void format_duration(int64_t ms, char *buf, size_t size)
{
	static const struct { int64_t ms; const char *unit; } units[] = {
		{ MS(86400), "d" }, { MS(3600), "h" }, { MS(60), "m" },
		{ MS(1), "s" }, { 1, "ms" },
	};
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (ms != 0 && ms % units[i].ms == 0) {
			snprintf(buf, size, "%" PRId64 "%s", ms / units[i].ms, units[i].unit);
			return;
		}
	}
	snprintf(buf, size, "0");
}

static void format_enum(const struct conf_option *o, char *buf, size_t size)
{
	size_t n = (size_t)snprintf(buf, size, "one of ");
	for (size_t i = 0; o->enum_values[i] && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? ", " : "",
				      o->enum_values[i]);
}

void conf_schema_expect(const struct conf_option *o, char *buf, size_t size)
{
	char lo[32], hi[32];
	switch (o->type) {
	case CONF_STR: snprintf(buf, size, "a string"); break;
	case CONF_PATH: snprintf(buf, size, "a path"); break;
	case CONF_BOOL: snprintf(buf, size, "true or false"); break;
	case CONF_INT:
	case CONF_SIZE:
		snprintf(buf, size, "%s %" PRId64 "..%" PRId64,
			 o->type == CONF_INT ? "an integer" : "a size", o->min, o->max);
		break;
	case CONF_DURATION:
		format_duration(o->min, lo, sizeof(lo));
		format_duration(o->max, hi, sizeof(hi));
		snprintf(buf, size, "a duration %s..%s", lo, hi);
		break;
	case CONF_ENUM: format_enum(o, buf, size); break;
	case CONF_ADDR: snprintf(buf, size, "an address ADDR[@PORT]"); break;
	case CONF_ADDR_LIST:
		snprintf(buf, size, "an address ADDR[@PORT] or a list of them");
		break;
	case CONF_DNAME: snprintf(buf, size, "a domain name"); break;
	case CONF_STR_LIST: snprintf(buf, size, "a name or a list of them"); break;
	}
}

static void print_option(FILE *out, const struct conf_option *o)
{
	char expect[256];
	conf_schema_expect(o, expect, sizeof(expect));
	fprintf(out, "### %s.%s\n\n%s\n\n", o->section, o->name, o->doc);
	fprintf(out, "- Value: %s\n", expect);
	if (o->flags & CONF_REQUIRED)
		fprintf(out, "- Required\n");
	else if (o->def_doc)
		fprintf(out, "- Default: %s\n", o->def_doc);
	else if (o->def)
		fprintf(out, "- Default: `%s`\n", o->def);
	else
		fprintf(out, "- Default: none\n");
	fprintf(out, "\n");
}

void conf_schema_print_reference(FILE *out)
{
	fprintf(out, "<!-- SPDX-License-Identifier: MIT -->\n"
		"# anynsd configuration reference\n\n"
		"Generated by `anynsd --config-reference` from the schema table "
		"(anynsd/conf/schema.c); do not edit by hand.\n\n"
		"The file is YAML. Addresses are written `ADDR@PORT` (IPv4 or IPv6, "
		"port 53 when omitted). Durations take a unit: `ms`, `s`, `m`, `h`, "
		"`d` (a bare number is seconds). Sizes take `k`, `M`, `G`. Unknown "
		"sections and options are errors.\n\n");
	for (size_t s = 0; s < conf_section_count; s++) {
		const struct conf_section *sec = &conf_sections[s];
		fprintf(out, "## %s\n\n%s%s\n\n", sec->name, sec->doc,
			sec->is_list ? " Written as a YAML list of maps." : "");
		for (size_t i = 0; i < conf_option_count; i++)
			if (strcmp(conf_options[i].section, sec->name) == 0)
				print_option(out, &conf_options[i]);
	}
}
