/* SPDX-License-Identifier: MIT */
/*
 * DOC: status, control and metrics
 *
 * Two small servers on the event loop, each answering one request per
 * connection and closing it (no client can hold the loop: reads are
 * non-blocking, a request is one line, answers are a few kilobytes):
 *  - the control socket (healthd.control, unix stream): a line `status`,
 *    `status json`, `metrics`, `drain`, `undrain` or `reload`; the
 *    answer is text;
 *  - the metrics endpoint (healthd.metrics, TCP): `GET /metrics` answered
 *    with the Prometheus text exposition format (version 0.0.4), names
 *    prefixed anyns_healthd_.
 */
#include "healthd/healthd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "healthd/log.h"

#define MAX_CLIENTS 16
#define OUT_MAX 65536

struct client {
	struct hd_io io;
	struct hd_daemon *d;
	bool is_http;
	size_t len;
	char buf[1024];
};

static struct client clients[MAX_CLIENTS];

/* Copies `s` for a JSON string: quotes, backslashes and control bytes
 * (from probe and speaker texts) escaped. */
static const char *esc(const char *s, char *out, size_t size)
{
	size_t n = 0;
	for (; *s && n + 7 < size; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			n += (size_t)snprintf(out + n, size - n, "\\%c", c);
		else if (c < 0x20)
			n += (size_t)snprintf(out + n, size - n, "\\u%04x", c);
		else
			out[n++] = (char)c;
	}
	out[n] = '\0';
	return out;
}

#define APPEND(...) do { if (n < size) n += (size_t)snprintf(buf + n, size - n, __VA_ARGS__); } while (0)

static const char *confirmed_name(enum hd_action a)
{
	return a == HD_ACTION_NONE ? "unknown" : hd_action_name(a);
}

/* Desired vs. confirmed announcement, the request in flight, the back-off
 * and the last reload. */
static size_t speaker_json(const struct hd_daemon *d, char *buf, size_t size)
{
	size_t n = 0;
	char e1[512], e2[600];
	int64_t now = hd_now_ms();
	APPEND("\"desired\":\"%s\",\"confirmed\":\"%s\",\"in_flight\":\"%s\","
	       "\"confirmed_ago_ms\":%lld,\"retry_in_ms\":%lld,\"speaker_failures_in_row\":%u,"
	       "\"speaker_last_error\":\"%s\",\"reloads\":%llu,\"reload_failures\":%llu,"
	       "\"last_reload\":{\"time\":%lld,\"ok\":%s,\"message\":\"%s\"},",
	       hd_action_name(d->wanted), confirmed_name(d->confirmed),
	       hd_action_name(d->inflight),
	       (long long)(d->confirmed_ms ? now - d->confirmed_ms : -1),
	       (long long)(d->retry_at_ms >= 0 ? d->retry_at_ms - now : -1), d->fail_streak,
	       esc(d->speaker.why, e1, sizeof(e1)), (unsigned long long)d->reloads,
	       (unsigned long long)d->reload_failures, (long long)d->reload_wall,
	       d->reload_ok ? "true" : "false", esc(d->reload_msg, e2, sizeof(e2)));
	return n < size ? n : (size ? size - 1 : 0);
}

static size_t status_json(const struct hd_daemon *d, char *buf, size_t size)
{
	const struct hd_policy *p = &d->policy;
	int64_t now = hd_now_ms();
	size_t n = 0;
	char e1[512], e2[512];
	APPEND("{\"identity\":\"%s\",\"state\":\"%s\",\"announced\":%s,\"gshut\":%s,"
	       "\"reason\":\"%s\",\"since_ms\":%lld,\"flaps\":%d,\"hold_down_ms\":%lld,"
	       "\"hold_down_left_ms\":%lld,\"speaker\":\"%s\",\"speaker_ok\":%s,",
	       esc(d->conf->healthd.identity, e1, sizeof(e1)), hd_state_name(p->state),
	       d->wanted != HD_ACTION_WITHDRAW ? "true" : "false",
	       d->wanted == HD_ACTION_ANNOUNCE_GSHUT ? "true" : "false",
	       esc(p->reason, e2, sizeof(e2)),
	       (long long)(now - p->since_ms), p->flaps, (long long)p->hold_len_ms,
	       (long long)(p->hold_until_ms > now ? p->hold_until_ms - now : 0),
	       d->speaker.ops->name, hd_daemon_in_sync(d) ? "true" : "false");
	n += speaker_json(d, buf + (n < size ? n : size), n < size ? size - n : 0);
	APPEND("\"probes\":[");
	for (size_t i = 0; i < d->conf->probe_count; i++) {
		const struct hd_probe *pr = &d->probes[i];
		APPEND("%s{\"id\":\"%s\",\"ok\":%s,\"last\":\"%s\",\"runs\":%llu,"
		       "\"failures\":%llu,\"ok_run\":%d,\"fail_run\":%d}", i ? "," : "",
		       esc(pr->conf->id, e1, sizeof(e1)), pr->last_ok ? "true" : "false",
		       esc(pr->last_why, e2, sizeof(e2)),
		       (unsigned long long)pr->runs, (unsigned long long)pr->failures,
		       p->probes[i].ok_run, p->probes[i].fail_run);
	}
	APPEND("],\"transitions\":[");
	unsigned first = d->history_count > HD_HISTORY ? d->history_count - HD_HISTORY : 0;
	for (unsigned i = first; i < d->history_count; i++) {
		const struct hd_transition *t = &d->history[i % HD_HISTORY];
		APPEND("%s{\"time\":%lld,\"from\":\"%s\",\"to\":\"%s\",\"reason\":\"%s\"}",
		       i > first ? "," : "", (long long)t->wall, hd_state_name(t->from),
		       hd_state_name(t->to), esc(t->reason, e1, sizeof(e1)));
	}
	APPEND("]}\n");
	return n < size ? n : size - 1;
}

size_t hd_status_text(const struct hd_daemon *d, bool json, char *buf, size_t size)
{
	if (json)
		return status_json(d, buf, size);
	const struct hd_policy *p = &d->policy;
	size_t n = 0;
	APPEND("state: %s (%s)\nannounced: %s%s\nspeaker: %s (%s)\n"
	       "desired: %s, confirmed: %s, in flight: %s\nflaps: %d, last "
	       "hold-down %lldms\n", hd_state_name(p->state), p->reason,
	       d->wanted != HD_ACTION_WITHDRAW ? "yes" : "no",
	       d->wanted == HD_ACTION_ANNOUNCE_GSHUT ? " (community 65535:0)" : "",
	       d->speaker.ops->name, hd_daemon_in_sync(d) ? "in sync"
	       : d->inflight != HD_ACTION_NONE ? "request in flight" : "failing, retrying",
	       hd_action_name(d->wanted), confirmed_name(d->confirmed),
	       hd_action_name(d->inflight), p->flaps, (long long)p->hold_len_ms);
	if (d->reload_wall)
		APPEND("last reload: %s\n", d->reload_msg);
	for (size_t i = 0; i < d->conf->probe_count; i++)
		APPEND("probe %s: %s (%llu runs, %llu failures)\n", d->probes[i].conf->id,
		       d->probes[i].last_why, (unsigned long long)d->probes[i].runs,
		       (unsigned long long)d->probes[i].failures);
	unsigned first = d->history_count > HD_HISTORY ? d->history_count - HD_HISTORY : 0;
	for (unsigned i = first; i < d->history_count; i++) {
		const struct hd_transition *t = &d->history[i % HD_HISTORY];
		APPEND("transition %lld: %s -> %s (%s)\n", (long long)t->wall,
		       hd_state_name(t->from), hd_state_name(t->to), t->reason);
	}
	return n < size ? n : size - 1;
}

size_t hd_status_metrics(const struct hd_daemon *d, char *buf, size_t size)
{
	const struct hd_policy *p = &d->policy;
	size_t n = 0;
	APPEND("# HELP anyns_healthd_announced Whether the service prefixes are announced.\n"
	       "# TYPE anyns_healthd_announced gauge\nanyns_healthd_announced %d\n",
	       d->wanted != HD_ACTION_WITHDRAW);
	APPEND("# HELP anyns_healthd_state Current state of the health state machine.\n"
	       "# TYPE anyns_healthd_state gauge\n");
	for (int s = HD_STATE_INIT; s <= HD_STATE_STOPPED; s++)
		APPEND("anyns_healthd_state{state=\"%s\"} %d\n", hd_state_name(s), (int)p->state == s);
	APPEND("# HELP anyns_healthd_transitions_total State changes since start.\n"
	       "# TYPE anyns_healthd_transitions_total counter\n"
	       "anyns_healthd_transitions_total %u\n", p->transitions);
	APPEND("# HELP anyns_healthd_flaps Failure withdrawals not yet forgotten.\n"
	       "# TYPE anyns_healthd_flaps gauge\nanyns_healthd_flaps %d\n", p->flaps);
	APPEND("# HELP anyns_healthd_hold_down_seconds Length of the last hold-down.\n"
	       "# TYPE anyns_healthd_hold_down_seconds gauge\n"
	       "anyns_healthd_hold_down_seconds %.3f\n", (double)p->hold_len_ms / 1000);
	APPEND("# HELP anyns_healthd_speaker_requests_total Requests to the BGP speaker.\n"
	       "# TYPE anyns_healthd_speaker_requests_total counter\n"
	       "anyns_healthd_speaker_requests_total %llu\n"
	       "# HELP anyns_healthd_speaker_errors_total Failed requests to the BGP speaker.\n"
	       "# TYPE anyns_healthd_speaker_errors_total counter\n"
	       "anyns_healthd_speaker_errors_total %llu\n",
	       (unsigned long long)d->speaker.requests, (unsigned long long)d->speaker.errors);
	APPEND("# HELP anyns_healthd_speaker_desired What the policy wants the speaker to do.\n"
	       "# TYPE anyns_healthd_speaker_desired gauge\n");
	for (int a = HD_ACTION_ANNOUNCE; a <= HD_ACTION_WITHDRAW; a++)
		APPEND("anyns_healthd_speaker_desired{action=\"%s\"} %d\n",
		       hd_action_name(a), (int)d->wanted == a);
	APPEND("# HELP anyns_healthd_speaker_confirmed What the speaker last acknowledged.\n"
	       "# TYPE anyns_healthd_speaker_confirmed gauge\n");
	for (int a = HD_ACTION_NONE; a <= HD_ACTION_WITHDRAW; a++)
		APPEND("anyns_healthd_speaker_confirmed{action=\"%s\"} %d\n",
		       confirmed_name(a), (int)d->confirmed == a);
	APPEND("# HELP anyns_healthd_speaker_in_sync Whether the speaker confirmed the "
	       "desired state.\n# TYPE anyns_healthd_speaker_in_sync gauge\n"
	       "anyns_healthd_speaker_in_sync %d\n"
	       "# HELP anyns_healthd_speaker_in_flight Whether a speaker request is running.\n"
	       "# TYPE anyns_healthd_speaker_in_flight gauge\n"
	       "anyns_healthd_speaker_in_flight %d\n", hd_daemon_in_sync(d),
	       d->inflight != HD_ACTION_NONE);
	APPEND("# HELP anyns_healthd_reloads_total Configuration reloads applied.\n"
	       "# TYPE anyns_healthd_reloads_total counter\nanyns_healthd_reloads_total %llu\n"
	       "# HELP anyns_healthd_reload_failures_total Reloads refused (bad file or "
	       "restart needed).\n# TYPE anyns_healthd_reload_failures_total counter\n"
	       "anyns_healthd_reload_failures_total %llu\n"
	       "# HELP anyns_healthd_last_reload_success Whether the last reload succeeded "
	       "(1 when none).\n# TYPE anyns_healthd_last_reload_success gauge\n"
	       "anyns_healthd_last_reload_success %d\n", (unsigned long long)d->reloads,
	       (unsigned long long)d->reload_failures, !d->reload_wall || d->reload_ok);
	APPEND("# HELP anyns_healthd_probe_up Last result of each probe.\n"
	       "# TYPE anyns_healthd_probe_up gauge\n");
	for (size_t i = 0; i < d->conf->probe_count; i++)
		APPEND("anyns_healthd_probe_up{probe=\"%s\"} %d\n", d->probes[i].conf->id,
		       d->probes[i].last_ok);
	APPEND("# HELP anyns_healthd_probe_runs_total Probe runs.\n"
	       "# TYPE anyns_healthd_probe_runs_total counter\n");
	for (size_t i = 0; i < d->conf->probe_count; i++)
		APPEND("anyns_healthd_probe_runs_total{probe=\"%s\"} %llu\n",
		       d->probes[i].conf->id, (unsigned long long)d->probes[i].runs);
	APPEND("# HELP anyns_healthd_probe_failures_total Failed probe runs.\n"
	       "# TYPE anyns_healthd_probe_failures_total counter\n");
	for (size_t i = 0; i < d->conf->probe_count; i++)
		APPEND("anyns_healthd_probe_failures_total{probe=\"%s\"} %llu\n",
		       d->probes[i].conf->id, (unsigned long long)d->probes[i].failures);
	APPEND("# HELP anyns_healthd_probe_duration_seconds Duration of the last run.\n"
	       "# TYPE anyns_healthd_probe_duration_seconds gauge\n");
	for (size_t i = 0; i < d->conf->probe_count; i++)
		APPEND("anyns_healthd_probe_duration_seconds{probe=\"%s\"} %.3f\n",
		       d->probes[i].conf->id, (double)d->probes[i].last_duration_ms / 1000);
	return n < size ? n : size - 1;
}

static void client_close(struct client *cl)
{
	hd_loop_unwatch(&cl->d->loop, &cl->io);
	close(cl->io.fd);
	cl->io.fd = -1;
}

static void send_all(int fd, const char *buf, size_t len)
{
	/* Answers are small; a client too slow to take them loses them. */
	while (len > 0) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

static size_t control_answer(struct hd_daemon *d, const char *cmd, char *out, size_t size)
{
	if (strcmp(cmd, "status") == 0 || strcmp(cmd, "status json") == 0)
		return hd_status_text(d, strcmp(cmd, "status json") == 0, out, size);
	if (strcmp(cmd, "metrics") == 0)
		return hd_status_metrics(d, out, size);
	if (strcmp(cmd, "drain") == 0)
		hd_daemon_drain(d);
	else if (strcmp(cmd, "undrain") == 0)
		hd_daemon_undrain(d);
	else if (strcmp(cmd, "reload") == 0) {
		(void)hd_daemon_reload(d, out, size);
		return strlen(out);
	} else
		return (size_t)snprintf(out, size, "error: unknown command '%s' (status, "
					"status json, metrics, drain, undrain, reload)\n", cmd);
	return (size_t)snprintf(out, size, "ok: state %s\n", hd_state_name(d->policy.state));
}

static void handle(struct client *cl)
{
	static char out[OUT_MAX];
	size_t len;
	if (cl->is_http) {
		char body[OUT_MAX - 256];
		bool ok = strncmp(cl->buf, "GET /metrics ", 13) == 0;
		size_t blen = ok ? hd_status_metrics(cl->d, body, sizeof(body)) : 10;
		len = (size_t)snprintf(out, sizeof(out), "HTTP/1.0 %s\r\nContent-Type: "
				       "text/plain; version=0.0.4\r\nContent-Length: %zu\r\n"
				       "Connection: close\r\n\r\n%s", ok ? "200 OK" : "404 Not Found",
				       blen, ok ? body : "not found\n");
	} else {
		cl->buf[strcspn(cl->buf, "\r\n")] = '\0';
		len = control_answer(cl->d, cl->buf, out, sizeof(out));
	}
	send_all(cl->io.fd, out, len < sizeof(out) ? len : sizeof(out) - 1);
	client_close(cl);
}

static void on_client(struct hd_io *io, uint32_t events)
{
	struct client *cl = io->arg;
	ssize_t n = recv(io->fd, cl->buf + cl->len, sizeof(cl->buf) - 1 - cl->len, MSG_DONTWAIT);
	(void)events;
	if (n <= 0) {
		if (n == 0 || (errno != EAGAIN && errno != EINTR))
			client_close(cl);
		return;
	}
	cl->len += (size_t)n;
	cl->buf[cl->len] = '\0';
	bool complete = cl->is_http ? strstr(cl->buf, "\r\n\r\n") || strstr(cl->buf, "\n\n")
				    : strchr(cl->buf, '\n') != NULL;
	if (complete || cl->len == sizeof(cl->buf) - 1)
		handle(cl);
}

static void on_accept(struct hd_io *io, uint32_t events)
{
	struct hd_daemon *d = io->arg;
	(void)events;
	int fd = accept4(io->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	for (size_t i = 0; i < MAX_CLIENTS; i++) {
		struct client *cl = &clients[i];
		if (cl->io.fd > 0)
			continue;
		*cl = (struct client){ .io = { fd, on_client, cl }, .d = d,
				       .is_http = io == &d->metrics_io };
		if (hd_loop_watch(&d->loop, &cl->io, EPOLLIN) == ANS_OK)
			return;
		cl->io.fd = -1;
		break;
	}
	close(fd);   /* too many clients at once */
}

static int listen_on(struct hd_daemon *d, struct hd_io *io, const struct sockaddr *sa,
		     socklen_t len)
{
	int one = 1;
	io->fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	io->fn = on_accept;
	io->arg = d;
	if (io->fd < 0)
		return -errno;
	setsockopt(io->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(io->fd, sa, len) != 0 || listen(io->fd, 16) != 0)
		return -errno;
	return hd_loop_watch(&d->loop, io, EPOLLIN);
}

int hd_status_open(struct hd_daemon *d)
{
	const struct hd_conf_healthd *h = &d->conf->healthd;
	int rc = ANS_OK;
	if (h->control) {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		if (strlen(h->control) >= sizeof(sa.sun_path))
			return ANS_EINVAL;
		strcpy(sa.sun_path, h->control);
		unlink(h->control);
		rc = listen_on(d, &d->control_io, (struct sockaddr *)&sa, sizeof(sa));
		if (rc != ANS_OK)
			hd_log(HD_LOG_ERROR, "control %s, listen failed (%s)", h->control,
			       ans_strerror(rc));
	}
	if (rc == ANS_OK && h->metrics.ss.ss_family) {
		rc = listen_on(d, &d->metrics_io, (const struct sockaddr *)&h->metrics.ss,
			       h->metrics.len);
		if (rc != ANS_OK)
			hd_log(HD_LOG_ERROR, "metrics %s, listen failed (%s)", h->metrics.text,
			       ans_strerror(rc));
	}
	return rc;
}

void hd_status_close(struct hd_daemon *d)
{
	for (size_t i = 0; i < MAX_CLIENTS; i++)
		if (clients[i].io.fd > 0)
			client_close(&clients[i]);
	if (d->control_io.fd >= 0) {
		close(d->control_io.fd);
		unlink(d->conf->healthd.control);
	}
	if (d->metrics_io.fd >= 0)
		close(d->metrics_io.fd);
}
