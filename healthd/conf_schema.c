/* SPDX-License-Identifier: MIT */
/*
 * DOC: anyns-healthd's configuration schema
 *
 * Every option is one row of hd_options[]: its section, type (and range),
 * default in YAML value syntax, the offset of its field in the section's
 * struct, and one line of documentation. The loader (conf.c) walks the YAML
 * document against this table only, so an option not listed here is an
 * error; hd_conf_print_reference() prints doc/healthd-config.md from it.
 * The same layout as anynsd/conf/schema.c, with its own table: the two
 * programs share conventions, not objects.
 */
#include "healthd/conf_schema.h"

#include <inttypes.h>
#include <string.h>

#include "healthd/conf.h"

#define MS(s) ((int64_t)(s) * 1000)

static const char *const speaker_types[] = { "bird", "frr", "exabgp", NULL };
static const char *const probe_types[] = { "dns", "zone", "process", "command", NULL };

const struct hd_section hd_sections[] = {
	{ "announce", false, offsetof(struct hd_conf, announce), 0, 0,
	  "What this node announces while healthy: its ASN and service prefixes "
	  "(the shape `anyns roa -c` reads)." },
	{ "speaker", false, offsetof(struct hd_conf, speaker), 0, 0,
	  "The BGP speaker that carries the announcement: BIRD 2, FRRouting or ExaBGP." },
	{ "healthd", false, offsetof(struct hd_conf, healthd), 0, 0,
	  "The daemon itself: control socket, metrics, fail-closed device." },
	{ "policy", false, offsetof(struct hd_conf, policy), 0, 0,
	  "When to announce and withdraw: hysteresis, hold-down, drain." },
	{ "probe", true, offsetof(struct hd_conf, probes),
	  offsetof(struct hd_conf, probe_count), sizeof(struct hd_conf_probe),
	  "Health probes; the node is healthy while every probe is." },
};
const size_t hd_section_count = sizeof(hd_sections) / sizeof(hd_sections[0]);

#define ANN(f) offsetof(struct hd_conf_announce, f)
#define SPK(f) offsetof(struct hd_conf_speaker, f)
#define HD(f) offsetof(struct hd_conf_healthd, f)
#define POL(f) offsetof(struct hd_conf_policy, f)
#define PRB(f) offsetof(struct hd_conf_probe, f)

const struct hd_option hd_options[] = {
	{ "announce", "asn", HD_INT, 1, 4294967295LL, .offset = ANN(asn),
	  .flags = HD_REQUIRED, .doc = "The node's origin AS number." },
	{ "announce", "prefixes", HD_STR_LIST, .offset = ANN(prefixes),
	  .flags = HD_REQUIRED,
	  .doc = "Service prefixes (IPv4 and IPv6) announced while healthy." },

	{ "speaker", "type", HD_ENUM, .enum_values = speaker_types,
	  .offset = SPK(type), .def = "bird", .doc = "The BGP daemon." },
	{ "speaker", "socket", HD_PATH, .offset = SPK(socket),
	  .def = "/run/bird/bird.ctl", .doc = "bird: BIRD's control socket." },
	{ "speaker", "protocol", HD_STR, .offset = SPK(protocol),
	  .def = "anyns_service",
	  .doc = "bird: the static protocol (declared `disabled;`) holding the service "
		 "routes, or a pattern such as `anyns_service*` matching one per "
		 "address family." },
	{ "speaker", "drain-protocol", HD_STR, .offset = SPK(drain_protocol),
	  .def = "anyns_drain",
	  .doc = "bird: the static protocol (declared `disabled;`) holding the same "
		 "routes with community 65535:0 (or a pattern); empty: drain "
		 "withdraws at once." },
	{ "speaker", "vtysh", HD_PATH, .offset = SPK(vtysh), .def = "/usr/bin/vtysh",
	  .doc = "frr: the vtysh program." },
	{ "speaker", "route-map", HD_STR, .offset = SPK(route_map),
	  .def = "ANYNS-GSHUT",
	  .doc = "frr: route-map that adds community 65535:0, used while draining." },
	{ "speaker", "timeout", HD_DURATION, 10, MS(60), .offset = SPK(timeout_ms),
	  .def = "1s", .doc = "Longest wait for one reply of the speaker (a frozen "
			      "BIRD must not hang healthd)." },
	{ "speaker", "retry", HD_DURATION, 10, MS(600), .offset = SPK(retry_ms),
	  .def = "1s", .doc = "Delay before retrying a failed request." },
	{ "speaker", "refresh", HD_DURATION, 0, MS(3600), .offset = SPK(refresh_ms),
	  .def = "10s", .doc = "Re-assert the wanted state this often (a restarted "
			       "speaker starts withdrawn); 0 disables." },

	{ "healthd", "control", HD_PATH, .offset = HD(control),
	  .doc = "Unix control socket (`anyns-healthd ctl -s`)." },
	{ "healthd", "metrics", HD_ADDR, .offset = HD(metrics),
	  .doc = "ADDR@PORT of the HTTP endpoint serving /metrics (Prometheus text)." },
	{ "healthd", "tun", HD_STR, .offset = HD(tun), .def = "anyns0",
	  .doc = "Name of the tun device healthd holds open; the speaker's routes "
		 "point into it so they vanish when healthd dies. Empty: none." },
	{ "healthd", "identity", HD_STR, .offset = HD(identity), .def = "",
	  .doc = "Node name shown in status and metrics labels." },

	{ "policy", "rise", HD_INT, 1, 100, .offset = POL(rise), .def = "3",
	  .doc = "Consecutive successes of every probe before announcing." },
	{ "policy", "fall", HD_INT, 1, 100, .offset = POL(fall), .def = "2",
	  .doc = "Consecutive failures of one probe before withdrawing." },
	{ "policy", "hold-down", HD_DURATION, 0, MS(3600), .offset = POL(hold_down_ms),
	  .def = "2s", .doc = "Least time withdrawn after a failure withdrawal." },
	{ "policy", "hold-down-max", HD_DURATION, 0, MS(86400),
	  .offset = POL(hold_down_max_ms), .def = "5m",
	  .doc = "The hold-down doubles with each flap up to this." },
	{ "policy", "hold-down-decay", HD_DURATION, 1, MS(86400),
	  .offset = POL(hold_down_decay_ms), .def = "1m",
	  .doc = "Each quiet period this long forgets one flap." },
	{ "policy", "drain-time", HD_DURATION, 0, MS(3600),
	  .offset = POL(drain_time_ms), .def = "30s",
	  .doc = "How long a drain announces with GRACEFUL_SHUTDOWN (RFC 8326) "
		 "before withdrawing." },

	{ "probe", "id", HD_STR, .offset = PRB(id), .flags = HD_REQUIRED | HD_IS_KEY,
	  .doc = "The probe's name in logs and metrics." },
	{ "probe", "type", HD_ENUM, .enum_values = probe_types, .offset = PRB(type),
	  .flags = HD_REQUIRED, .doc = "dns, zone, process or command." },
	{ "probe", "interval", HD_DURATION, 10, MS(3600), .offset = PRB(interval_ms),
	  .def = "1s", .doc = "Time between two runs." },
	{ "probe", "timeout", HD_DURATION, 1, MS(3600), .offset = PRB(timeout_ms),
	  .def = "500ms", .doc = "A run not answered in this time fails; at most the interval." },
	{ "probe", "server", HD_ADDR, .offset = PRB(server), .def = "127.0.0.1@53",
	  .doc = "dns, zone: the local anynsd." },
	{ "probe", "name", HD_STR, .offset = PRB(name),
	  .doc = "dns: the query name; zone: the zone apex (required for both)." },
	{ "probe", "qtype", HD_STR, .offset = PRB(qtype), .def = "SOA",
	  .doc = "dns: the query type." },
	{ "probe", "rcode", HD_STR, .offset = PRB(rcode), .def = "NOERROR",
	  .doc = "dns: the expected response code." },
	{ "probe", "answer", HD_STR, .offset = PRB(answer),
	  .doc = "dns: rdata text one answer record of the query type must have." },
	{ "probe", "primary", HD_ADDR, .offset = PRB(primary),
	  .doc = "zone: the hidden primary whose SOA serial we compare with." },
	{ "probe", "max-serial-lag", HD_INT, 0, 2147483647LL,
	  .offset = PRB(max_serial_lag), .def = "0",
	  .doc = "zone: how far (in serial numbers) we may be behind the primary." },
	{ "probe", "pidfile", HD_PATH, .offset = PRB(pidfile),
	  .doc = "process: file with the PID of anynsd." },
	{ "probe", "command", HD_STR, .offset = PRB(command),
	  .doc = "command: run by /bin/sh -c; exit status 0 is healthy." },
};
const size_t hd_option_count = sizeof(hd_options) / sizeof(hd_options[0]);

const struct hd_option *hd_schema_option(const char *section, const char *name)
{
	for (size_t i = 0; i < hd_option_count; i++)
		if (strcmp(hd_options[i].section, section) == 0 &&
		    strcmp(hd_options[i].name, name) == 0)
			return &hd_options[i];
	return NULL;
}

const struct hd_section *hd_schema_section(const char *name)
{
	for (size_t i = 0; i < hd_section_count; i++)
		if (strcmp(hd_sections[i].name, name) == 0)
			return &hd_sections[i];
	return NULL;
}

void hd_schema_expect(const struct hd_option *o, char *buf, size_t size)
{
	size_t n;
	switch (o->type) {
	case HD_STR: snprintf(buf, size, "a string"); break;
	case HD_PATH: snprintf(buf, size, "a path"); break;
	case HD_INT:
		snprintf(buf, size, "an integer %" PRId64 "..%" PRId64, o->min, o->max);
		break;
	case HD_DURATION:
		snprintf(buf, size, "a duration %" PRId64 "ms..%" PRId64 "ms", o->min, o->max);
		break;
	case HD_ADDR: snprintf(buf, size, "an address ADDR[@PORT]"); break;
	case HD_STR_LIST: snprintf(buf, size, "a list of strings"); break;
	case HD_ENUM:
		n = (size_t)snprintf(buf, size, "one of ");
		for (size_t i = 0; o->enum_values[i] && n < size; i++)
			n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? ", " : "",
					      o->enum_values[i]);
		break;
	}
}

void hd_conf_print_reference(FILE *out)
{
	char expect[256];
	fprintf(out, "<!-- SPDX-License-Identifier: MIT -->\n"
		"# anyns-healthd configuration reference\n\n"
		"Generated by `anyns-healthd --config-reference` from "
		"healthd/conf_schema.c. Same conventions as anynsd: durations take "
		"`ms`, `s`, `m`, `h`; addresses are `ADDR@PORT`; unknown options "
		"are errors.\n\n");
	for (size_t s = 0; s < hd_section_count; s++) {
		const struct hd_section *sec = &hd_sections[s];
		fprintf(out, "## %s\n\n%s%s\n\n", sec->name, sec->doc,
			sec->is_list ? " A YAML list of maps." : "");
		for (size_t i = 0; i < hd_option_count; i++) {
			const struct hd_option *o = &hd_options[i];
			if (strcmp(o->section, sec->name) != 0)
				continue;
			hd_schema_expect(o, expect, sizeof(expect));
			fprintf(out, "### %s.%s\n\n%s\n\n- Value: %s\n", o->section,
				o->name, o->doc, expect);
			if (o->flags & HD_REQUIRED)
				fprintf(out, "- Required\n\n");
			else
				fprintf(out, "- Default: %s%s%s\n\n", o->def ? "`" : "",
					o->def ? o->def : "none", o->def ? "`" : "");
		}
	}
}
