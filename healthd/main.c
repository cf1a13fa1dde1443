/* SPDX-License-Identifier: MIT */
/*
 * anyns-healthd: announces the node's anycast service prefixes through a
 * BGP speaker while the local anynsd is healthy (doc/healthd.md).
 *   anyns-healthd -c FILE [--exabgp] [-v]     run
 *   anyns-healthd -c FILE -C                  check the configuration
 *   anyns-healthd --config-reference          print the option reference
 *   anyns-healthd ctl -s SOCK [--json] status|drain|undrain|reload|metrics
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "healthd/healthd.h"
#include "healthd/log.h"

static void usage(FILE *out)
{
	fprintf(out, "usage: anyns-healthd -c FILE [--exabgp] [-v]\n"
		"       anyns-healthd -c FILE -C           (check the configuration)\n"
		"       anyns-healthd --config-reference\n"
		"       anyns-healthd ctl -s SOCKET [--json] status|drain|undrain|reload|metrics\n");
}

static int ctl(int argc, char **argv)
{
	const char *sock = NULL;
	bool json = false;
	int c;
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' }, { NULL, 0, NULL, 0 },
	};
	while ((c = getopt_long(argc, argv, "s:j", opts, NULL)) != -1) {
		if (c == 's')
			sock = optarg;
		else if (c == 'j')
			json = true;
		else
			return 2;
	}
	if (!sock || optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct timeval tv = { 5, 0 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		fprintf(stderr, "anyns-healthd ctl: %s: %s\n", sock, strerror(errno));
		return 1;
	}
	char line[64], buf[4096];
	int len = snprintf(line, sizeof(line), "%s%s\n", argv[optind],
			   json && strcmp(argv[optind], "status") == 0 ? " json" : "");
	if (write(fd, line, (size_t)len) != len)
		return 1;
	ssize_t n;
	bool error = false;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		error = error || strncmp(buf, "error:", 6) == 0;
		fwrite(buf, 1, (size_t)n, stdout);
	}
	close(fd);
	return error || n < 0 ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "ctl") == 0)
		return ctl(argc - 1, argv + 1);
	const char *path = NULL;
	bool check = false, exabgp = false;
	int c;
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, 'C' },
		{ "exabgp", no_argument, NULL, 'E' },
		{ "config-reference", no_argument, NULL, 'R' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	while ((c = getopt_long(argc, argv, "c:CEvh", opts, NULL)) != -1) {
		switch (c) {
		case 'c': path = optarg; break;
		case 'C': check = true; break;
		case 'E': exabgp = true; break;
		case 'R': hd_conf_print_reference(stdout); return 0;
		case 'v': hd_log_set_level(HD_LOG_DEBUG); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!path || optind != argc) {
		usage(stderr);
		return 2;
	}
	char err[1024];
	struct hd_conf *conf;
	if (hd_conf_load_file(path, &conf, err, sizeof(err)) != ANS_OK) {
		fprintf(stderr, "anyns-healthd: %s\n", err);
		return 1;
	}
	if (exabgp)
		conf->speaker.type = HD_SPEAKER_EXABGP;
	if (check) {
		hd_conf_free(conf);
		return 0;
	}
	static struct hd_daemon d;
	int rc = hd_daemon_start(&d, conf, exabgp);
	if (rc != ANS_OK) {
		hd_log(HD_LOG_ERROR, "healthd, start failed (%s)", ans_strerror(rc));
		hd_conf_free(conf);
		return 1;
	}
	hd_log(HD_LOG_INFO, "healthd, started, speaker %s, %zu probes",
	       d.speaker.ops->name, conf->probe_count);
	hd_daemon_run(&d);
	hd_conf_free(d.conf);              /* a reload may have replaced `conf` */
	return 0;
}
