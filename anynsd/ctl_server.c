/* SPDX-License-Identifier: MIT */
/*
 * DOC: the control thread
 *
 * One thread, one poll() loop over: the server's stop eventfd, the control
 * socket (Unix, mode 0600), the metrics socket (TCP), and up to
 * CTL_CLIENTS client connections. Each client is a small state machine:
 *
 *   READING --request complete--> (run it) --> WRITING --all sent--> closed
 *      |  deadline, too long, EOF                 |  deadline, error
 *      +------------------> closed <--------------+
 *
 * A request must arrive whole within CTL_READ_TIMEOUT_MS of the accept, so
 * a client that connects and says nothing is closed, and cannot hold a
 * slot for long; the answer must be taken within CTL_WRITE_TIMEOUT_MS.
 * Requests are bounded (CTL_REQ_MAX for control lines, HTTP_REQ_MAX for a
 * request head); more bytes close the connection with an error. When
 * every slot is taken, a new connection is accepted and closed at once.
 *
 * Commands run in this thread, one at a time: reading the counters and the
 * transfer thread's status snapshot never blocks; a reload parses zone
 * files here (as SIGHUP does in the main thread; the zones' publication
 * lock serialises the two). Query workers never see any of this.
 */
#include "anynsd/ctl_server.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <pthread.h>
#include <unistd.h>

#include "anynsd/ctl.h"
#include "anynsd/log.h"
#include "anynsd/metrics.h"
#include "anynsd/worker.h"

#define CTL_CLIENTS 16
#define CTL_READ_TIMEOUT_MS 2000
#define CTL_WRITE_TIMEOUT_MS 10000
#define HTTP_REQ_MAX 4096

struct client {
	int fd;                         /* -1: free slot */
	bool is_http;
	bool is_writing;
	int64_t deadline_ms;
	char in[HTTP_REQ_MAX];
	size_t in_len;
	char *out;
	size_t out_len, out_pos;
};

struct ctl_server {
	struct server *srv;
	int ctl_fd, metrics_fd;
	const char *path;               /* the socket file we created */
	pthread_t thread;
	bool started;
	struct client clients[CTL_CLIENTS];
};

/* --- sockets ----------------------------------------------------------- */

/* Whether a server answers on the socket file `path`. */
static bool socket_alive(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool alive = fd >= 0 && connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0;
	if (fd >= 0)
		close(fd);
	return alive;
}

static int open_unix(const char *path, int *out)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	if (strlen(path) >= sizeof(sa.sun_path))
		return ANS_ELIMIT;
	strcpy(sa.sun_path, path);
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode) || socket_alive(&sa))
			return ANS_EEXIST;
		unlink(path);   /* left by a server that did not exit cleanly */
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* No other thread runs yet: the umask makes the file 0600 from the
	 * start, with no window where others could connect. */
	mode_t old = umask(0177);
	int rc = bind(fd, (const struct sockaddr *)&sa, sizeof(sa)) == 0 &&
		 listen(fd, 16) == 0 ? ANS_OK : -errno;
	umask(old);
	if (rc != ANS_OK) {
		close(fd);
		return rc;
	}
	*out = fd;
	return ANS_OK;
}

static int open_tcp(const struct ans_conf_addr *a, int *out)
{
	int fd = socket(a->ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1;
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)&a->ss, a->len) != 0 || listen(fd, 16) != 0) {
		int rc = -errno;
		close(fd);
		return rc;
	}
	*out = fd;
	return ANS_OK;
}

int ctl_server_open(struct ctl_server **out, struct server *srv)
{
	const struct conf_server *cs = &srv->conf->server;
	struct ctl_server *c = calloc(1, sizeof(*c));
	if (!c)
		return ANS_ENOMEM;
	c->srv = srv;
	c->ctl_fd = c->metrics_fd = -1;
	for (size_t i = 0; i < CTL_CLIENTS; i++)
		c->clients[i].fd = -1;
	int rc = ANS_OK;
	if (cs->control) {
		rc = open_unix(cs->control, &c->ctl_fd);
		if (rc == ANS_OK)
			c->path = cs->control;
		else
			log_error("server, control socket %s failed (%s)", cs->control,
				  rc == ANS_EEXIST ? "in use, or not a socket" : ans_strerror(rc));
	}
	if (rc == ANS_OK && cs->metrics.ss.ss_family) {
		rc = open_tcp(&cs->metrics, &c->metrics_fd);
		if (rc != ANS_OK)
			log_error("server, metrics %s failed (%s)", cs->metrics.text,
				  ans_strerror(rc));
	}
	if (rc != ANS_OK) {
		ctl_server_free(c);
		return rc;
	}
	*out = c;
	return ANS_OK;
}

/* --- clients ----------------------------------------------------------- */

static void client_close(struct client *cl)
{
	if (cl->fd >= 0)
		close(cl->fd);
	free(cl->out);
	cl->fd = -1;
	cl->out = NULL;
}

static void client_accept(struct ctl_server *c, int lfd, bool is_http)
{
	int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	for (size_t i = 0; i < CTL_CLIENTS; i++) {
		struct client *cl = &c->clients[i];
		if (cl->fd >= 0)
			continue;
		*cl = (struct client){ .fd = fd, .is_http = is_http,
				       .deadline_ms = worker_now_ms() + CTL_READ_TIMEOUT_MS };
		return;
	}
	close(fd);   /* every slot busy: the client retries */
}

static void answer_ctl(struct ctl_server *c, struct client *cl)
{
	struct ctl_buf b = { 0 };
	struct ctl_req r;
	char why[256];
	if (ctl_parse(cl->in, cl->in_len, &r, why, sizeof(why)) == ANS_OK)
		ctl_execute(c->srv, &r, &b);
	else
		ctl_error(&b, cl->in_len >= 5 && memcmp(cl->in, "json ", 5) == 0, why);
	if (b.failed) {
		ctl_buf_free(&b);
		return;
	}
	cl->out = b.data;
	cl->out_len = b.len;
}

/* A request is complete: run it and switch to writing. */
static void client_answer(struct ctl_server *c, struct client *cl)
{
	if (cl->is_http)
		cl->out = metrics_http_answer(c->srv, cl->in, cl->in_len, &cl->out_len);
	else
		answer_ctl(c, cl);
	cl->is_writing = true;
	cl->out_pos = 0;
	cl->deadline_ms = worker_now_ms() + CTL_WRITE_TIMEOUT_MS;
	if (!cl->out)
		client_close(cl);
}

static bool request_complete(const struct client *cl)
{
	if (cl->is_http)
		return metrics_http_complete(cl->in, cl->in_len);
	return memchr(cl->in, '\n', cl->in_len) != NULL;
}

static void client_read(struct ctl_server *c, struct client *cl)
{
	size_t cap = cl->is_http ? HTTP_REQ_MAX : CTL_REQ_MAX;
	ssize_t n = read(cl->fd, cl->in + cl->in_len, cap - cl->in_len);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0)
		return client_close(cl);
	cl->in_len += (size_t)n;
	if (!cl->is_http) {
		char *nl = memchr(cl->in, '\n', cl->in_len);
		if (nl)
			cl->in_len = (size_t)(nl - cl->in) + 1;   /* one request */
	}
	if (request_complete(cl))
		return client_answer(c, cl);
	if (cl->in_len == cap) {
		/* Too long: a control client gets an error line, HTTP a close. */
		if (!cl->is_http)
			return client_answer(c, cl);
		client_close(cl);
	}
}

static void client_write(struct client *cl)
{
	ssize_t n = send(cl->fd, cl->out + cl->out_pos, cl->out_len - cl->out_pos,
			 MSG_NOSIGNAL);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n < 0)
		return client_close(cl);
	cl->out_pos += (size_t)n;
	if (cl->out_pos != cl->out_len)
		return;
	/* Bytes the client sent past its request would turn our close into
	 * a reset that can destroy the answer in flight: read them first. */
	shutdown(cl->fd, SHUT_WR);
	char junk[4096];
	for (int i = 0; i < 16 && read(cl->fd, junk, sizeof(junk)) > 0; i++)
		continue;
	client_close(cl);
}

/* --- loop -------------------------------------------------------------- */

/* Fills fds (stop, listeners, clients); returns the count and the poll
 * timeout until the earliest client deadline. */
static nfds_t poll_set(struct ctl_server *c, struct pollfd *fds, struct client **who,
		       int *timeout)
{
	nfds_t n = 0;
	int64_t now = worker_now_ms(), next = -1;
	fds[n++] = (struct pollfd){ .fd = c->srv->stop_fd, .events = POLLIN };
	fds[n++] = (struct pollfd){ .fd = c->ctl_fd, .events = POLLIN };
	fds[n++] = (struct pollfd){ .fd = c->metrics_fd, .events = POLLIN };
	for (size_t i = 0; i < CTL_CLIENTS; i++) {
		struct client *cl = &c->clients[i];
		if (cl->fd < 0)
			continue;
		if (cl->deadline_ms <= now) {
			log_debug("server, control client timed out");
			client_close(cl);
			continue;
		}
		who[n] = cl;
		fds[n++] = (struct pollfd){ .fd = cl->fd,
					    .events = cl->is_writing ? POLLOUT : POLLIN };
		if (next < 0 || cl->deadline_ms - now < next)
			next = cl->deadline_ms - now;
	}
	*timeout = (int)next;
	return n;
}

static void *ctl_main(void *arg)
{
	struct ctl_server *c = arg;
	struct pollfd fds[3 + CTL_CLIENTS];
	struct client *who[3 + CTL_CLIENTS];
	for (;;) {
		int timeout;
		nfds_t n = poll_set(c, fds, who, &timeout);
		if (poll(fds, n, timeout) < 0 && errno != EINTR)
			break;
		if (fds[0].revents)
			break;
		if (fds[1].revents & POLLIN)
			client_accept(c, c->ctl_fd, false);
		if (fds[2].revents & POLLIN)
			client_accept(c, c->metrics_fd, true);
		for (nfds_t i = 3; i < n; i++) {
			struct client *cl = who[i];
			if (!fds[i].revents || cl->fd < 0)
				continue;
			if (cl->is_writing)
				client_write(cl);
			else
				client_read(c, cl);
		}
	}
	return NULL;
}

int ctl_server_start(struct ctl_server *c)
{
	if (c->ctl_fd < 0 && c->metrics_fd < 0)
		return ANS_OK;   /* nothing to serve */
	int rc = pthread_create(&c->thread, NULL, ctl_main, c);
	if (rc)
		return -rc;
	c->started = true;
	return ANS_OK;
}

void ctl_server_free(struct ctl_server *c)
{
	if (!c)
		return;
	if (c->started)
		pthread_join(c->thread, NULL);
	for (size_t i = 0; i < CTL_CLIENTS; i++)
		client_close(&c->clients[i]);
	if (c->ctl_fd >= 0)
		close(c->ctl_fd);
	if (c->metrics_fd >= 0)
		close(c->metrics_fd);
	if (c->path)
		unlink(c->path);
	free(c);
}
