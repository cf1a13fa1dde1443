/* SPDX-License-Identifier: MIT */
/*
 * `anyns ctl [-s PATH] [--json] COMMAND [ZONE]`: sends one request to a
 * running anynsd over its control socket and prints the answer
 * (protocol: doc/ctl.md). The server renders tables and JSON; this side
 * only checks the words, frames the request and maps the status line to
 * the exit code: 0 ok, 1 the command failed, 2 usage or no connection.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

#define CTL_DEFAULT_SOCKET "/run/anyns/ctl.sock"
#define CTL_TIMEOUT_MS 60000         /* a reload of large zones takes a while */
#define CTL_ANSWER_MAX (64u << 20)

static void usage(FILE *out)
{
	fprintf(out, "usage: anyns ctl [-s PATH] [--json] COMMAND [ZONE]\n"
		"  -s, --socket PATH   control socket (default " CTL_DEFAULT_SOCKET ")\n"
		"  -j, --json          machine-readable answer\n"
		"commands:\n"
		"  status              version, identity, uptime, workers, zones\n"
		"  zone-status [ZONE]  serial, source, timers and state of each zone\n"
		"  reload [ZONE]       reload zone files (a secondary: refresh now)\n"
		"  retransfer ZONE     secondary: full AXFR from the primaries now\n"
		"  notify ZONE         send NOTIFY for the served serial now\n"
		"  stats               query counters\n");
}

static int connect_to(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "anyns ctl: socket path too long: %s\n", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		return fd;
	fprintf(stderr, "anyns ctl: cannot connect to %s (%s)\n", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

/* Reads until EOF into a malloc'd buffer; NULL on error or timeout. */
static char *read_all(int fd, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap + 1);
	struct pollfd p = { .fd = fd, .events = POLLIN };
	while (buf) {
		if (poll(&p, 1, CTL_TIMEOUT_MS) <= 0) {
			fprintf(stderr, "anyns ctl: no answer from the server\n");
			break;
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			buf[n] = '\0';
			*len = n;
			return r == 0 ? buf : (free(buf), NULL);
		}
		n += (size_t)r;
		if (n == cap && cap < CTL_ANSWER_MAX) {
			char *b = realloc(buf, cap * 2 + 1);
			if (!b)
				break;
			buf = b;
			cap *= 2;
		}
	}
	free(buf);
	return NULL;
}

/* Prints the answer; returns the exit code. */
static int show(const char *ans, size_t len, bool is_json)
{
	const char *nl = memchr(ans, '\n', len);
	if (!nl) {
		fprintf(stderr, "anyns ctl: malformed answer from the server\n");
		return 2;
	}
	const char *body = nl + 1;
	size_t blen = len - (size_t)(body - ans);
	if (strncmp(ans, "ok\n", 3) == 0) {
		fwrite(body, 1, blen, stdout);
		return 0;
	}
	if (strncmp(ans, "error ", 6) != 0) {
		fprintf(stderr, "anyns ctl: malformed answer from the server\n");
		return 2;
	}
	fprintf(stderr, "anyns ctl: %.*s\n", (int)(nl - ans - 6), ans + 6);
	if (is_json)
		fwrite(body, 1, blen, stdout);
	return 1;
}

static int request(const char *path, const char *line, bool is_json)
{
	int fd = connect_to(path);
	if (fd < 0)
		return 2;
	size_t len = strlen(line), sent = 0;
	while (sent < len) {
		ssize_t w = send(fd, line + sent, len - sent, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			fprintf(stderr, "anyns ctl: send failed (%s)\n", strerror(errno));
			close(fd);
			return 2;
		}
		sent += (size_t)w;
	}
	size_t alen = 0;
	char *ans = read_all(fd, &alen);
	close(fd);
	if (!ans)
		return 2;
	int rc = show(ans, alen, is_json);
	free(ans);
	return rc;
}

static bool is_plain_word(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || (unsigned char)*s > 0x7e)
			return false;
	return true;
}

int ans_cli_ctl(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = CTL_DEFAULT_SOCKET;
	bool is_json = false;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "s:jh", opts, NULL)) != -1) {
		switch (c) {
		case 's': path = optarg; break;
		case 'j': is_json = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	int nargs = argc - optind;
	if (nargs < 1 || nargs > 2 || !is_plain_word(argv[optind]) ||
	    (nargs == 2 && !is_plain_word(argv[optind + 1]))) {
		fprintf(stderr, "anyns ctl: expected COMMAND [ZONE]\n");
		usage(stderr);
		return 2;
	}
	char line[600];
	int n = snprintf(line, sizeof(line), "%s %s%s%s\n", is_json ? "json" : "text",
			 argv[optind], nargs == 2 ? " " : "", nargs == 2 ? argv[optind + 1] : "");
	if (n < 0 || (size_t)n >= sizeof(line)) {
		fprintf(stderr, "anyns ctl: request too long\n");
		return 2;
	}
	return request(path, line, is_json);
}
