/* SPDX-License-Identifier: MIT */
/*
 * Health probes: each runs every `interval` on the event loop, never
 * blocks, and reports one result per run (ok, or failed with a reason, and
 * whether the failure is fatal: known for certain at once, such as the
 * process's death) through the `report` callback. A run not finished by
 * `timeout` fails with "timeout". Types: dns (probe_dns.c), zone
 * (probe_zone.c), process (probe_proc.c), command (probe_cmd.c).
 */
#ifndef HEALTHD_PROBE_H
#define HEALTHD_PROBE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "healthd/conf.h"
#include "healthd/loop.h"

struct hd_probe;
typedef void (*hd_probe_report_fn)(struct hd_probe *pr, bool ok, bool fatal,
				   const char *why);

struct hd_probe {
	const struct hd_conf_probe *conf;
	size_t idx;                   /* in the configuration and the policy */
	struct hd_loop *loop;
	hd_probe_report_fn report;
	void *owner;
	struct hd_timer tick, deadline;
	struct hd_io io;              /* dns/zone socket, process/command pidfd */
	bool busy;                    /* a run is in flight */
	int64_t started_ms;
	/* dns, zone */
	uint16_t qid;
	struct hd_io primary_io;      /* zone: the hidden primary's socket */
	uint16_t primary_qid;
	bool has_primary_serial;
	uint32_t primary_serial, serial;
	/* process, command */
	pid_t pid;
	/* Statistics for status and metrics. */
	uint64_t runs, failures;
	int64_t last_duration_ms;
	bool last_ok;
	char last_why[96];
};

/* Opens what the probe needs and schedules its first run at once.
 * Errors: -errno. */
int hd_probe_start(struct hd_probe *pr, struct hd_loop *l,
		   const struct hd_conf_probe *c, size_t idx,
		   hd_probe_report_fn report, void *owner) ANS_WUR;
void hd_probe_stop(struct hd_probe *pr);

/* Used by the probe types: ends the current run with a result. */
void hd_probe_done(struct hd_probe *pr, bool ok, bool fatal, const char *why);

/* Per type (called by probe.c). */
int hd_probe_dns_open(struct hd_probe *pr) ANS_WUR;
void hd_probe_dns_run(struct hd_probe *pr);
void hd_probe_zone_run(struct hd_probe *pr);
int hd_probe_zone_open(struct hd_probe *pr) ANS_WUR;
void hd_probe_proc_run(struct hd_probe *pr);
void hd_probe_cmd_run(struct hd_probe *pr);
void hd_probe_cmd_timeout(struct hd_probe *pr);

/* DNS helpers shared by dns and zone probes (probe_dns.c), pure. */
struct hd_dns_reply {
	int rcode;
	bool aa, has_answer;    /* has_answer: some answer of qtype matches */
	bool has_soa;
	uint32_t soa_serial;
};

/* Writes a query (RD clear, no EDNS) into buf. Returns its length or
 * ANS_ESPACE. */
int hd_dns_build(uint8_t *buf, size_t size, uint16_t id, const uint8_t *qname,
		 uint16_t qtype);

/* Checks a reply to the query (id, qname, qtype); `expect` (NULL: any) is
 * the rdata text an answer record of qtype must have. Errors: ANS_EMALF
 * (not a reply to our query, or malformed). */
int hd_dns_parse(const uint8_t *msg, size_t len, uint16_t id,
		 const uint8_t *qname, uint16_t qtype, const char *expect,
		 struct hd_dns_reply *out) ANS_WUR;

/* A connected non-blocking UDP socket to `a`; -errno on error. */
int hd_dns_socket(const struct ans_conf_addr *a);

/* Sends one query for probe `c` on `fd`; false when the send fails
 * (`refused`: an ICMP port unreachable was pending). */
bool hd_dns_send(int fd, uint16_t id, const struct hd_conf_probe *c, bool *refused);

/* Reads the datagrams waiting on `fd`; true with `r` filled for a reply to
 * query `id`; false when none (`refused` on ICMP port unreachable). */
bool hd_dns_recv(int fd, uint16_t id, const struct hd_conf_probe *c,
		 struct hd_dns_reply *r, bool *refused);

/* A fresh random query id. */
uint16_t hd_dns_id(void);

#endif
