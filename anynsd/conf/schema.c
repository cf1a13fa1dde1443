/* SPDX-License-Identifier: MIT */
/*
 * DOC: anynsd's configuration schema
 *
 * Every option anynsd understands is one row of options[] below, in the
 * section it belongs to (sections[]). A row says the option's type (with
 * its range), its default in the same syntax as the YAML file, where the
 * parsed value goes (an offset into the section's item struct: struct
 * conf_server for `server`, struct conf_zone for each `zone` entry), and a
 * one-line description. The engine that reads the table is shared by all
 * programs (lib/conf/schema.h):
 *  - conf.c loads a file through it: unknown sections and options, wrong
 *    types, out-of-range values and duplicates are errors;
 *  - defaults are set by parsing `def` like a value from a file;
 *  - conf_schema_print_reference() prints doc/config.md (`anynsd
 *    --config-reference`), and a unit test checks the file is up to date.
 *
 * Adding an option: add its field to conf.h and one row here. Adding a
 * section: one sections[] row, its item struct and its option rows.
 * Options not in the table are errors, so a section that is not
 * implemented yet cannot be half-accepted.
 */
#include "anynsd/conf/schema.h"

#include <ctype.h>
#include <string.h>

#include "anynsd/conf/conf.h"

#define MS(s) ((int64_t)(s) * 1000)
#define LIST_DOC " Written as a YAML list of maps."

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

static const struct ans_conf_section sections[] = {
	{ .name = "server", .offset = offsetof(struct conf, server),
	  .item_size = sizeof(struct conf_server), .line_offset = SIZE_MAX,
	  .doc = "Options of the server process: sockets, threads, identity." },
	{ .name = "key", .is_list = true, .offset = offsetof(struct conf, keys),
	  .count_offset = offsetof(struct conf, key_count),
	  .item_size = sizeof(struct conf_key),
	  .line_offset = offsetof(struct conf_key, line),
	  .doc = "TSIG keys (RFC 8945) for transfers, NOTIFY and SOA queries."
		 LIST_DOC },
	{ .name = "remote", .is_list = true, .offset = offsetof(struct conf, remotes),
	  .count_offset = offsetof(struct conf, remote_count),
	  .item_size = sizeof(struct conf_remote),
	  .line_offset = offsetof(struct conf_remote, line),
	  .doc = "Other servers: the primaries a zone pulls from, the secondaries it notifies."
		 LIST_DOC },
	{ .name = "acl", .is_list = true, .offset = offsetof(struct conf, acls),
	  .count_offset = offsetof(struct conf, acl_count),
	  .item_size = sizeof(struct conf_acl),
	  .line_offset = offsetof(struct conf_acl, line),
	  .doc = "Who may transfer a zone or send it NOTIFY; a zone lists the acls "
		 "that apply to it, and what no acl allows is refused."
		 LIST_DOC },
	{ .name = "zone", .is_list = true, .offset = offsetof(struct conf, zones),
	  .count_offset = offsetof(struct conf, zone_count),
	  .item_size = sizeof(struct conf_zone),
	  .line_offset = offsetof(struct conf_zone, line),
	  .doc = "The zones served: a list of entries, one per zone."
		 LIST_DOC },
};

#define SRV(f) offsetof(struct conf_server, f)
#define ZONE(f) offsetof(struct conf_zone, f)
#define KEY(f) offsetof(struct conf_key, f)
#define REM(f) offsetof(struct conf_remote, f)
#define ACL(f) offsetof(struct conf_acl, f)

static const struct ans_conf_option options[] = {
	{ "server", "listen", ANS_CONF_ADDR_LIST, .offset = SRV(listen),
	  .flags = ANS_CONF_REQUIRED,
	  .doc = "Addresses to answer on (UDP and TCP), one or a list." },
	{ "server", "identity", ANS_CONF_STR, .offset = SRV(identity),
	  .def_doc = "the host name", .check = check_identity,
	  .doc = "Answer to CHAOS id.server/hostname.bind and the NSID "
		 "(text, or hex with a 0x prefix); empty disables both." },
	{ "server", "version", ANS_CONF_STR, .offset = SRV(version),
	  .def_doc = "anynsd <version>",
	  .doc = "Answer to CHAOS version.server/version.bind; empty disables it." },
	{ "server", "workers", ANS_CONF_INT, 1, 256, .offset = SRV(workers),
	  .def_doc = "the number of CPUs",
	  .doc = "Worker threads, each with its own UDP and TCP sockets." },
	{ "server", "storage", ANS_CONF_PATH, .offset = SRV(storage),
	  .def = "/var/lib/anyns",
	  .doc = "Directory for the server's data: anyns.mdb (LMDB: journals, zone copies of secondaries and their timers)." },
	{ "server", "udp-max-payload", ANS_CONF_INT, 512, 4096,
	  .offset = SRV(udp_max_payload), .def = "1232",
	  .doc = "Largest UDP response with EDNS, in bytes (RFC 6891)." },
	{ "server", "tcp-idle-timeout", ANS_CONF_DURATION, MS(1), MS(3600),
	  .offset = SRV(tcp_idle_timeout_ms), .def = "10s",
	  .doc = "A TCP connection without a query for this long is closed (RFC 7766 6.2.3)." },
	{ "server", "tcp-io-timeout", ANS_CONF_DURATION, 0, MS(60),
	  .offset = SRV(tcp_io_timeout_ms), .def = "500ms",
	  .doc = "Time allowed to receive the rest of a started query or send "
		 "a response; 0 disables." },
	{ "server", "tcp-max-clients", ANS_CONF_INT, 1, 1000000,
	  .offset = SRV(tcp_max_clients), .def = "1000",
	  .doc = "Open TCP connections across all workers; more are accepted and closed at once." },
	{ "server", "nsid", ANS_CONF_BOOL, .offset = SRV(nsid), .def = "true",
	  .doc = "Send the identity as NSID (RFC 5001) to queries that ask for it; "
		 "false never sends it." },
	{ "server", "chaos", ANS_CONF_BOOL, .offset = SRV(chaos), .def = "true",
	  .doc = "Answer CHAOS TXT id.server, hostname.bind, version.server and "
		 "version.bind; false answers them REFUSED." },
	{ "server", "pidfile", ANS_CONF_PATH, .offset = SRV(pidfile),
	  .doc = "File the process id is written to once the sockets are open; "
		 "removed at a clean exit." },
	{ "server", "control", ANS_CONF_PATH, .offset = SRV(control),
	  .doc = "Unix socket (mode 0600) for `anyns ctl` (doc/ctl.md); removed at exit." },
	{ "server", "metrics", ANS_CONF_ADDR, .offset = SRV(metrics),
	  .doc = "ADDR@PORT of the Prometheus endpoint, GET /metrics (doc/metrics.md)." },
	{ "key", "id", ANS_CONF_STR, .offset = KEY(id), .flags = ANS_CONF_REQUIRED | ANS_CONF_IS_KEY,
	  .doc = "The key's name, as the peer knows it (a domain name)." },
	{ "key", "algorithm", ANS_CONF_STR, .offset = KEY(algorithm), .flags = ANS_CONF_REQUIRED,
	  .doc = "hmac-sha1, hmac-sha224, hmac-sha256, hmac-sha384 or hmac-sha512 "
		 "(hmac-md5 for old peers only)." },
	{ "key", "secret", ANS_CONF_STR, .offset = KEY(secret), .flags = ANS_CONF_REQUIRED,
	  .doc = "The shared secret, base64." },
	{ "remote", "id", ANS_CONF_STR, .offset = REM(id), .flags = ANS_CONF_REQUIRED | ANS_CONF_IS_KEY,
	  .doc = "The name zones use to refer to this server." },
	{ "remote", "address", ANS_CONF_ADDR_LIST, .offset = REM(address), .flags = ANS_CONF_REQUIRED,
	  .doc = "Its addresses, tried in order." },
	{ "remote", "key", ANS_CONF_STR, .offset = REM(key),
	  .doc = "The id of the key that signs everything exchanged with it." },
	{ "remote", "via", ANS_CONF_ADDR, .offset = REM(via),
	  .doc = "Source address of our connections to it (the port is ignored)." },
	{ "acl", "id", ANS_CONF_STR, .offset = ACL(id), .flags = ANS_CONF_REQUIRED | ANS_CONF_IS_KEY,
	  .doc = "The name zones use to refer to this acl." },
	{ "acl", "address", ANS_CONF_STR_LIST, .offset = ACL(address), .flags = ANS_CONF_REQUIRED,
	  .doc = "Client addresses: single addresses or CIDR prefixes "
		 "(192.0.2.0/24, 2001:db8::/32), one or a list." },
	{ "acl", "key", ANS_CONF_STR_LIST, .offset = ACL(key),
	  .doc = "Key ids, one of which must sign the request; none: unsigned requests match too." },
	{ "acl", "action", ANS_CONF_STR_LIST, .offset = ACL(action), .flags = ANS_CONF_REQUIRED,
	  .doc = "What is allowed: transfer (AXFR/IXFR), notify (incoming NOTIFY), or both." },
	{ "zone", "domain", ANS_CONF_DNAME, .offset = ZONE(domain),
	  .flags = ANS_CONF_REQUIRED | ANS_CONF_IS_KEY,
	  .doc = "The zone's apex name." },
	{ "zone", "file", ANS_CONF_PATH, .offset = ZONE(file),
	  .doc = "The zone file, relative to the configuration file's directory; "
		 "required unless the zone has primaries." },
	{ "zone", "primary", ANS_CONF_STR_LIST, .offset = ZONE(primary),
	  .doc = "Remote ids of the primaries, tried in order: the zone is a "
		 "secondary, received by IXFR/AXFR." },
	{ "zone", "notify", ANS_CONF_STR_LIST, .offset = ZONE(notify),
	  .doc = "Remote ids sent a NOTIFY (RFC 1996) on every new serial." },
	{ "zone", "acl", ANS_CONF_STR_LIST, .offset = ZONE(acl),
	  .doc = "Acl ids saying who may transfer the zone and send it NOTIFY." },
	{ "zone", "max-size", ANS_CONF_SIZE, 1024, INT64_C(1) << 40, .offset = ZONE(max_size),
	  .def = "512M",
	  .doc = "Largest incoming transfer (message bytes); a larger one is "
		 "dropped and the old copy kept." },
	{ "zone", "max-records", ANS_CONF_INT, 1, INT64_C(1) << 40,
	  .offset = ZONE(max_records), .def = "20000000",
	  .doc = "Largest incoming transfer in records (answer RRs of all its "
		 "messages); a larger one is dropped and the old copy kept." },
	{ "zone", "journal-max-entries", ANS_CONF_INT, 1, 1000000,
	  .offset = ZONE(journal_max_entries), .def = "100",
	  .doc = "Changes kept for IXFR; the oldest go first." },
	{ "zone", "journal-max-size", ANS_CONF_SIZE, 4096, INT64_C(1) << 40,
	  .offset = ZONE(journal_max_size), .def = "64M",
	  .doc = "Bytes of changes kept for IXFR; the oldest go first." },
	{ "zone", "journal-content", ANS_CONF_STR, .offset = ZONE(journal_content),
	  .def = "changes",
	  .doc = "What a primary keeps under server.storage: changes (the IXFR "
		 "journal) or all (the journal and a copy of the served zone, so a "
		 "restart with an edited zone file journals the difference and "
		 "secondaries stay on IXFR; costs one copy per zone on disk and about "
		 "a fifth more CPU after the first load). As Knot's journal-content." },
	{ "zone", "refresh-min", ANS_CONF_DURATION, MS(1), MS(86400 * 30),
	  .offset = ZONE(refresh_min_ms), .def = "1s",
	  .doc = "Lower bound on the SOA refresh and retry intervals of a secondary." },
	{ "zone", "refresh-max", ANS_CONF_DURATION, MS(1), MS(86400 * 30),
	  .offset = ZONE(refresh_max_ms), .def = "1d",
	  .doc = "Upper bound on the SOA refresh and retry intervals of a secondary." },
};


const struct ans_conf_schema conf_schema = {
	.sections = sections,
	.section_count = sizeof(sections) / sizeof(sections[0]),
	.options = options,
	.option_count = sizeof(options) / sizeof(options[0]),
};

void conf_schema_print_reference(FILE *out)
{
	ans_conf_print_reference(&conf_schema,
		"<!-- SPDX-License-Identifier: MIT -->\n"
		"# anynsd configuration reference\n\n"
		"Generated by `anynsd --config-reference` from the schema table "
		"(anynsd/conf/schema.c); do not edit by hand.\n\n"
		"The file is YAML. Addresses are written `ADDR@PORT` (IPv4 or IPv6, "
		"port 53 when omitted). Durations take a unit: `ms`, `s`, `m`, `h`, "
		"`d` (a bare number is seconds). Sizes take `k`, `M`, `G`. Unknown "
		"sections and options are errors.\n\n", out);
}
