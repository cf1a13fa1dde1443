/* SPDX-License-Identifier: MIT */
/*
 * DOC: anyns-healthd's configuration schema
 *
 * Every option is one row of options[]: its section, type (and range),
 * default in YAML value syntax, the offset of its field in the section's
 * struct, and one line of documentation. The shared engine (lib/conf)
 * walks the YAML document against this table only, so an option not listed
 * here is an error; hd_conf_print_reference() prints doc/healthd-config.md
 * from it. anynsd has its own table (anynsd/conf/schema.c) read by the
 * same engine: the programs share the engine, each keeps its table.
 */
#include "healthd/conf_schema.h"

#include "healthd/conf.h"

#define MS(s) ((int64_t)(s) * 1000)
#define MAP_SECTION(field, text) \
	{ .name = #field, .offset = offsetof(struct hd_conf, field), \
	  .item_size = sizeof(((struct hd_conf *)0)->field), \
	  .line_offset = SIZE_MAX, .doc = text }

static const char *const speaker_types[] = { "bird", "frr", "exabgp", NULL };
static const char *const probe_types[] = { "dns", "zone", "process", "command", NULL };

static const struct ans_conf_section sections[] = {
	{ .name = "announce", .offset = offsetof(struct hd_conf, announce),
	  .item_size = sizeof(struct hd_conf_announce), .line_offset = SIZE_MAX,
	  .flags = ANS_CONF_REQUIRED,
	  .doc = "What this node announces while healthy: its ASN and service prefixes "
		 "(the shape `anyns roa -c` reads)." },
	MAP_SECTION(speaker, "The BGP speaker that carries the announcement: BIRD 2, "
		    "FRRouting or ExaBGP."),
	MAP_SECTION(healthd, "The daemon itself: control socket, metrics, fail-closed device."),
	MAP_SECTION(policy, "When to announce and withdraw: hysteresis, hold-down, drain."),
	{ .name = "probe", .is_list = true, .offset = offsetof(struct hd_conf, probes),
	  .count_offset = offsetof(struct hd_conf, probe_count),
	  .item_size = sizeof(struct hd_conf_probe),
	  .line_offset = offsetof(struct hd_conf_probe, line),
	  .doc = "Health probes; the node is healthy while every probe is. "
		 "A YAML list of maps." },
};

#define ANN(f) offsetof(struct hd_conf_announce, f)
#define SPK(f) offsetof(struct hd_conf_speaker, f)
#define HD(f) offsetof(struct hd_conf_healthd, f)
#define POL(f) offsetof(struct hd_conf_policy, f)
#define PRB(f) offsetof(struct hd_conf_probe, f)

static const struct ans_conf_option options[] = {
	{ "announce", "asn", ANS_CONF_INT, 1, 4294967295LL, .offset = ANN(asn),
	  .flags = ANS_CONF_REQUIRED, .doc = "The node's origin AS number." },
	{ "announce", "prefixes", ANS_CONF_SEQ, .offset = ANN(prefixes),
	  .flags = ANS_CONF_REQUIRED,
	  .doc = "Service prefixes (IPv4 and IPv6) announced while healthy." },

	{ "speaker", "type", ANS_CONF_ENUM, .enum_values = speaker_types,
	  .offset = SPK(type), .def = "bird", .doc = "The BGP daemon." },
	{ "speaker", "socket", ANS_CONF_PATH, .offset = SPK(socket),
	  .def = "/run/bird/bird.ctl", .doc = "bird: BIRD's control socket." },
	{ "speaker", "protocol", ANS_CONF_STR, .offset = SPK(protocol),
	  .def = "anyns_service",
	  .doc = "bird: the static protocol (declared `disabled;`) holding the service "
		 "routes, or a pattern such as `anyns_service*` matching one per "
		 "address family." },
	{ "speaker", "drain-protocol", ANS_CONF_STR, .offset = SPK(drain_protocol),
	  .def = "anyns_drain",
	  .doc = "bird: the static protocol (declared `disabled;`) holding the same "
		 "routes with community 65535:0 (or a pattern); empty: drain "
		 "withdraws at once." },
	{ "speaker", "vtysh", ANS_CONF_PATH, .offset = SPK(vtysh), .def = "/usr/bin/vtysh",
	  .doc = "frr: the vtysh program." },
	{ "speaker", "route-map", ANS_CONF_STR, .offset = SPK(route_map),
	  .def = "ANYNS-GSHUT",
	  .doc = "frr: route-map that adds community 65535:0, used while draining." },
	{ "speaker", "timeout", ANS_CONF_DURATION, 10, MS(60), .offset = SPK(timeout_ms),
	  .def = "1s", .doc = "Deadline of one request to the speaker: then the BIRD "
			      "connection is dropped or vtysh killed, and the request "
			      "fails (requests never block the loop)." },
	{ "speaker", "retry", ANS_CONF_DURATION, 10, MS(600), .offset = SPK(retry_ms),
	  .def = "1s", .doc = "Delay before retrying a failed request; doubled for "
			      "each further failure in a row, up to 32 times this." },
	{ "speaker", "refresh", ANS_CONF_DURATION, 0, MS(3600), .offset = SPK(refresh_ms),
	  .def = "10s", .doc = "Re-assert the wanted state this often (a restarted "
			       "speaker starts withdrawn); 0 disables." },

	{ "healthd", "control", ANS_CONF_PATH, .offset = HD(control),
	  .doc = "Unix control socket (`anyns-healthd ctl -s`)." },
	{ "healthd", "metrics", ANS_CONF_ADDR, .offset = HD(metrics),
	  .doc = "ADDR@PORT of the HTTP endpoint serving /metrics (Prometheus text)." },
	{ "healthd", "tun", ANS_CONF_STR, .offset = HD(tun), .def = "anyns0",
	  .doc = "Name of the tun device healthd holds open; the speaker's routes "
		 "point into it so they vanish when healthd dies. Empty: none." },
	{ "healthd", "identity", ANS_CONF_STR, .offset = HD(identity), .def = "",
	  .doc = "Node name shown in status and metrics labels." },

	{ "policy", "rise", ANS_CONF_INT, 1, 100, .offset = POL(rise), .def = "3",
	  .doc = "Consecutive successes of every probe before announcing." },
	{ "policy", "fall", ANS_CONF_INT, 1, 100, .offset = POL(fall), .def = "2",
	  .doc = "Consecutive failures of one probe before withdrawing." },
	{ "policy", "hold-down", ANS_CONF_DURATION, 0, MS(3600), .offset = POL(hold_down_ms),
	  .def = "2s", .doc = "Least time withdrawn after a failure withdrawal." },
	{ "policy", "hold-down-max", ANS_CONF_DURATION, 0, MS(86400),
	  .offset = POL(hold_down_max_ms), .def = "5m",
	  .doc = "The hold-down doubles with each flap up to this." },
	{ "policy", "hold-down-decay", ANS_CONF_DURATION, 1, MS(86400),
	  .offset = POL(hold_down_decay_ms), .def = "1m",
	  .doc = "Each quiet period this long forgets one flap." },
	{ "policy", "drain-time", ANS_CONF_DURATION, 0, MS(3600),
	  .offset = POL(drain_time_ms), .def = "30s",
	  .doc = "How long a drain announces with GRACEFUL_SHUTDOWN (RFC 8326) "
		 "before withdrawing." },

	{ "probe", "id", ANS_CONF_STR, .offset = PRB(id), .flags = ANS_CONF_REQUIRED | ANS_CONF_IS_KEY,
	  .doc = "The probe's name in logs and metrics." },
	{ "probe", "type", ANS_CONF_ENUM, .enum_values = probe_types, .offset = PRB(type),
	  .flags = ANS_CONF_REQUIRED, .doc = "dns, zone, process or command." },
	{ "probe", "interval", ANS_CONF_DURATION, 10, MS(3600), .offset = PRB(interval_ms),
	  .def = "1s", .doc = "Time between two runs." },
	{ "probe", "timeout", ANS_CONF_DURATION, 1, MS(3600), .offset = PRB(timeout_ms),
	  .def = "500ms", .doc = "A run not answered in this time fails; at most the interval." },
	{ "probe", "server", ANS_CONF_ADDR, .offset = PRB(server), .def = "127.0.0.1@53",
	  .doc = "dns, zone: the local anynsd." },
	{ "probe", "name", ANS_CONF_STR, .offset = PRB(name),
	  .doc = "dns: the query name; zone: the zone apex (required for both)." },
	{ "probe", "qtype", ANS_CONF_STR, .offset = PRB(qtype), .def = "SOA",
	  .doc = "dns: the query type." },
	{ "probe", "rcode", ANS_CONF_STR, .offset = PRB(rcode), .def = "NOERROR",
	  .doc = "dns: the expected response code." },
	{ "probe", "answer", ANS_CONF_STR, .offset = PRB(answer),
	  .doc = "dns: rdata text one answer record of the query type must have." },
	{ "probe", "primary", ANS_CONF_ADDR, .offset = PRB(primary),
	  .doc = "zone: the hidden primary whose SOA serial we compare with." },
	{ "probe", "max-serial-lag", ANS_CONF_INT, 0, 2147483647LL,
	  .offset = PRB(max_serial_lag), .def = "0",
	  .doc = "zone: how far (in serial numbers) we may be behind the primary." },
	{ "probe", "pidfile", ANS_CONF_PATH, .offset = PRB(pidfile),
	  .doc = "process: file with the PID of anynsd." },
	{ "probe", "command", ANS_CONF_STR, .offset = PRB(command),
	  .doc = "command: run by /bin/sh -c; exit status 0 is healthy." },
};

/* The formats of healthd's messages predate the shared engine; tests and
 * operators' scripts match them: durations in ms, short YAML errors. */
const struct ans_conf_schema hd_conf_schema = {
	.sections = sections,
	.section_count = sizeof(sections) / sizeof(sections[0]),
	.options = options,
	.option_count = sizeof(options) / sizeof(options[0]),
	.flags = ANS_CONF_RANGE_MS | ANS_CONF_YAML_SHORT,
};

void hd_conf_print_reference(FILE *out)
{
	ans_conf_print_reference(&hd_conf_schema,
		"<!-- SPDX-License-Identifier: MIT -->\n"
		"# anyns-healthd configuration reference\n\n"
		"Generated by `anyns-healthd --config-reference` from "
		"healthd/conf_schema.c. Same conventions as anynsd: durations take "
		"`ms`, `s`, `m`, `h`; addresses are `ADDR@PORT`; unknown options "
		"are errors.\n\n", out);
}
