/* SPDX-License-Identifier: MIT */
/*
 * anynsd: the authoritative server. Reads the configuration, loads the
 * zones, opens the sockets, starts the workers and then waits for signals
 * in the main thread (signalfd): SIGHUP reloads the zone files, SIGTERM and
 * SIGINT stop. See doc/server.md.
 */
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "anynsd/conf/conf.h"
#include "anynsd/conf/schema.h"
#include "anynsd/ctl_server.h"
#include "anynsd/log.h"
#include "anynsd/stats.h"
#include "anynsd/version.h"
#include "anynsd/worker.h"
#include "anynsd/xfr/store.h"
#include "anynsd/xfr/xfrd.h"
#include "anynsd/zones.h"

enum mode { MODE_RUN, MODE_CHECK, MODE_VERSION, MODE_REFERENCE };

struct args {
	enum mode mode;
	const char *config;
};

static void usage(FILE *out)
{
	fprintf(out, "usage: anynsd -c FILE [--check]\n"
		"       anynsd --version | --config-reference | --help\n"
		"  -c, --config FILE     configuration file (YAML)\n"
		"  -C, --check           check the configuration and every zone, then exit\n"
		"  -V, --version         print the version\n"
		"      --config-reference  print the configuration reference (markdown)\n");
}

/* Returns 0 to go on, or the exit code + 1. */
static int parse_args(int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, 'C' },
		{ "version", no_argument, NULL, 'V' },
		{ "config-reference", no_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "c:CVh", opts, NULL)) != -1) {
		switch (c) {
		case 'c': a->config = optarg; break;
		case 'C': a->mode = MODE_CHECK; break;
		case 'V': a->mode = MODE_VERSION; break;
		case 'R': a->mode = MODE_REFERENCE; break;
		case 'h': usage(stdout); return 1;
		default: usage(stderr); return 3;
		}
	}
	if (optind < argc || (!a->config && (a->mode == MODE_RUN || a->mode == MODE_CHECK))) {
		fprintf(stderr, "anynsd: %s\n", optind < argc ? "unexpected argument"
							       : "missing -c FILE");
		usage(stderr);
		return 3;
	}
	return 0;
}

static int run_check(const struct conf *conf)
{
	size_t failed = zones_check(conf);
	if (failed) {
		log_error("anynsd, check failed, %zu of %zu zones", failed, conf->zone_count);
		return 1;
	}
	log_info("anynsd, check passed, %zu zones", conf->zone_count);
	return 0;
}

/* The main thread's loop: returns when told to stop. */
static void wait_signals(int sfd, struct zones *zones)
{
	for (;;) {
		struct signalfd_siginfo si;
		ssize_t n = read(sfd, &si, sizeof(si));
		if (n != sizeof(si))
			continue;
		if (si.ssi_signo == SIGHUP) {
			log_info("server, reload, zone files");
			size_t failed = zones_load(zones);
			log_info("server, reload finished, %zu failed", failed);
			continue;
		}
		log_info("server, stopping, signal %u", si.ssi_signo);
		return;
	}
}

static int start_workers(struct worker *ws, size_t n, struct server *srv)
{
	for (size_t i = 0; i < n; i++) {
		int rc = worker_init(&ws[i], (unsigned)i, (unsigned)n, srv);
		if (rc != ANS_OK)
			return rc;
	}
	for (size_t i = 0; i < n; i++) {
		int rc = worker_start(&ws[i]);
		if (rc != ANS_OK) {
			log_error("server, thread start failed (%s)", ans_strerror(rc));
			return rc;
		}
	}
	return ANS_OK;
}

static void log_started(const struct conf *conf)
{
	char list[1024] = "";
	size_t n = 0;
	for (size_t i = 0; i < conf->server.listen.count && n < sizeof(list); i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s", i ? " " : "",
				      conf->server.listen.items[i].text);
	log_info("server, started, %lld workers, listening on %s",
		 (long long)conf->server.workers, list);
}

/* The keys as one array, as ans_tsig_verify() takes them. */
static int copy_keys(struct server *srv, const struct conf *conf)
{
	srv->keys = calloc(conf->key_count + 1, sizeof(*srv->keys));
	if (!srv->keys)
		return ANS_ENOMEM;
	for (size_t i = 0; i < conf->key_count; i++)
		srv->keys[i] = conf->keys[i].tsig;
	srv->key_count = conf->key_count;
	return ANS_OK;
}

/* zones_change_fn: records the new serial, then queues its NOTIFYs. */
static void on_zone_change(void *ctx, size_t idx, uint32_t serial)
{
	struct server *srv = ctx;
	stats_zone_changed(srv->stats, idx, serial);
	xfrd_changed(srv->xfrd, idx, serial);
}

/* server.pidfile, written once every socket is open (anyns-healthd's
 * process probe reads it): a temporary file renamed over it, so a reader
 * never sees it empty or half written. */
static int pidfile_write(const char *path)
{
	char buf[32], tmp[4096];
	if (!path)
		return ANS_OK;
	int len = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int rc = fd >= 0 && write(fd, buf, (size_t)len) == len ? ANS_OK : -errno;
	if (fd >= 0 && close(fd) != 0 && rc == ANS_OK)
		rc = -errno;
	if (rc == ANS_OK && rename(tmp, path) != 0)
		rc = -errno;
	if (rc != ANS_OK) {
		unlink(tmp);
		log_error("server, pidfile %s not written (%s)", path, ans_strerror(rc));
	}
	return rc;
}

static int serve(const struct conf *conf, int sfd)
{
	struct server srv = { .conf = conf, .stop_fd = -1 };
	size_t n = (size_t)conf->server.workers;
	struct worker *ws = calloc(n, sizeof(*ws));
	int rc = ws ? zones_new(&srv.zones, conf) : ANS_ENOMEM;
	if (rc == ANS_OK)
		rc = stats_new_blocks(&srv.stats, n,
				      worker_stats_blocks(n, conf->server.listen.count),
				      conf->zone_count);
	if (rc == ANS_OK)
		rc = copy_keys(&srv, conf);
	if (rc == ANS_OK) {
		server_answer_conf(&srv.answer_conf, conf);
		srv.stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		rc = srv.stop_fd >= 0 ? ANS_OK : -errno;
	}
	struct store *st = NULL;
	struct ctl_server *ctl = NULL;
	if (rc == ANS_OK) {
		char why[512];
		if (store_open(&st, conf->server.storage, why, sizeof(why)) != ANS_OK)
			log_error("server, storage not opened (%s): no journal, no stored copies",
				  why);
		rc = xfrd_new(&srv.xfrd, &srv, st);
	}
	if (rc == ANS_OK) {
		zones_set_store(srv.zones, st, on_zone_change, &srv);
		/* Like Knot: a zone that fails is not served, the others are. */
		zones_load(srv.zones);
		rc = ctl_server_open(&ctl, &srv);   /* before any thread: umask */
	}
	if (rc == ANS_OK)
		rc = start_workers(ws, n, &srv);
	if (rc == ANS_OK) {
		rc = xfrd_start(srv.xfrd);
	}
	if (rc == ANS_OK)
		rc = ctl_server_start(ctl);
	if (rc == ANS_OK)
		rc = pidfile_write(conf->server.pidfile);
	if (rc == ANS_OK) {
		log_started(conf);
		wait_signals(sfd, srv.zones);
	}
	if (srv.stop_fd >= 0) {
		uint64_t one = 1;
		ssize_t w = write(srv.stop_fd, &one, sizeof(one));
		(void)w;
	}
	ctl_server_free(ctl);  /* joins first: it reads zones and xfrd */
	xfrd_free(srv.xfrd);   /* joins: the stop eventfd was written */
	for (size_t i = 0; ws && i < n; i++)
		worker_stop(&ws[i]);   /* all UDP threads woken before any join */
	for (size_t i = 0; ws && i < n; i++)
		worker_join(&ws[i]);
	for (size_t i = 0; ws && i < n; i++)
		worker_free(&ws[i]);
	free(ws);
	zones_free(srv.zones);
	store_close(st);
	free(srv.keys);
	stats_free(srv.stats);
	if (rc == ANS_OK && conf->server.pidfile)
		unlink(conf->server.pidfile);
	if (srv.stop_fd >= 0)
		close(srv.stop_fd);
	if (rc != ANS_OK)
		log_error("server, start failed (%s)", ans_strerror(rc));
	else
		log_info("server, stopped");
	return rc == ANS_OK ? 0 : 1;
}

/* TCP clients need descriptors: raise the soft limit to the hard one (as
 * Knot does), so tcp-max-clients, not EMFILE, is what limits them. */
static void raise_fd_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			log_warning("server, file descriptor limit not raised (%s)",
				    strerror(errno));
	}
}

/* Signals are taken by the main thread only, through a signalfd: they are
 * blocked before any worker starts, so workers inherit the mask. */
static int block_signals(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	signal(SIGPIPE, SIG_IGN);
	if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0)
		return -1;
	return signalfd(-1, &set, SFD_CLOEXEC);
}

int main(int argc, char **argv)
{
	struct args a = { .mode = MODE_RUN };
	int rc = parse_args(argc, argv, &a);
	if (rc)
		return rc - 1;
	if (a.mode == MODE_VERSION) {
		printf("anynsd %s\n", ANYNSD_VERSION);
		return 0;
	}
	if (a.mode == MODE_REFERENCE) {
		conf_schema_print_reference(stdout);
		return 0;
	}
	char err[1024];
	struct conf *conf;
	if (conf_load_file(a.config, &conf, err, sizeof(err)) != ANS_OK) {
		log_error("%s", err);
		return 1;
	}
	if (a.mode == MODE_CHECK) {
		rc = run_check(conf);
		conf_free(conf);
		return rc;
	}
	int sfd = block_signals();
	if (sfd < 0) {
		log_error("server, signals, signalfd failed (%s)", strerror(errno));
		conf_free(conf);
		return 1;
	}
	raise_fd_limit();
	rc = serve(conf, sfd);
	close(sfd);
	conf_free(conf);
	return rc;
}
