/* SPDX-License-Identifier: MIT */
/*
 * udp_floor: the cheapest UDP "DNS server" the socket API allows, as a
 * reference in the bench (doc/performance.md, round 12c).
 *
 * It does what anynsd's UDP path does around the answer (one SO_REUSEPORT
 * socket bound to one address, a thread blocked in recvmmsg(MSG_WAITFORONE)
 * of up to 32 datagrams, one sendmmsg back to the senders) and nothing
 * else: each
 * query goes back as its own reply with QR and AA set, from the buffer it
 * came in, so no byte is written but the flags. Its CPU per query is what
 * the kernel's per-packet path costs any socket server on this machine;
 * no lookup, parse or answer logic can take a server below it.
 *
 *   udp_floor ADDR PORT [--batch N] [--epoll] [--pmtu MODE]
 *
 * The options are the socket-level variants tried against the floor itself
 * (round 12c): --batch N datagrams per recvmmsg (default 32, as anynsd);
 * --epoll waits in epoll_wait and then reads with recvmmsg(MSG_DONTWAIT)
 * until a short batch (anynsd's loop before round 12c: one syscall more per
 * wake-up); --pmtu sets IP_MTU_DISCOVER (0 DONT, 1 WANT,
 * 2 DO, 5 OMIT). Runs until SIGTERM/SIGINT. Not part of anyns: a measuring
 * device.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#define BATCH 256     /* most a --batch may ask for */
static int batch_n = 32;
static int recv_flags = MSG_DONTWAIT;
#define MSG_MAX 512

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

struct batch {
	struct mmsghdr in[BATCH];
	struct mmsghdr out[BATCH];
	struct iovec iov[BATCH];
	struct iovec out_iov[BATCH];
	struct sockaddr_storage peer[BATCH];
	uint8_t buf[BATCH][MSG_MAX];
};

static void batch_init(struct batch *b)
{
	memset(b, 0, sizeof(*b));
	for (int i = 0; i < BATCH; i++) {
		b->iov[i] = (struct iovec){ b->buf[i], MSG_MAX };
		b->in[i].msg_hdr.msg_iov = &b->iov[i];
		b->in[i].msg_hdr.msg_iovlen = 1;
		b->in[i].msg_hdr.msg_name = &b->peer[i];
		b->out[i].msg_hdr.msg_iov = &b->out_iov[i];
		b->out[i].msg_hdr.msg_iovlen = 1;
	}
}

/* One recvmmsg batch back out; returns how many came in (0: drained). */
static int serve_batch(int fd, struct batch *b)
{
	for (int i = 0; i < BATCH; i++)
		b->in[i].msg_hdr.msg_namelen = sizeof(b->peer[i]);
	int n = recvmmsg(fd, b->in, (unsigned)batch_n, recv_flags, NULL);
	if (n <= 0)
		return 0;
	int m = 0;
	for (int i = 0; i < n; i++) {
		if (b->in[i].msg_len < 12)
			continue;
		b->buf[i][2] |= 0x84;   /* QR, AA */
		b->out_iov[m] = (struct iovec){ b->buf[i], b->in[i].msg_len };
		b->out[m].msg_hdr.msg_name = &b->peer[i];
		b->out[m].msg_hdr.msg_namelen = b->in[i].msg_hdr.msg_namelen;
		m++;
	}
	for (int sent = 0; sent < m;) {
		int k = sendmmsg(fd, b->out + sent, (unsigned)(m - sent), 0);
		if (k <= 0)
			break;   /* a full socket buffer drops the rest, as a server does */
		sent += k;
	}
	return n;
}

static int open_socket(const char *addr, int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		fprintf(stderr, "udp_floor: bad IPv4 address '%s'\n", addr);
		return -1;
	}
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1;
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) != 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		fprintf(stderr, "udp_floor: %s@%d: %s\n", addr, port, strerror(errno));
		return -1;
	}
	return fd;
}

struct opts {
	int batch;
	bool use_epoll;
	int pmtu;    /* -1: the kernel's default */
};

static int parse_opts(int argc, char **argv, struct opts *o)
{
	*o = (struct opts){ .batch = 32, .pmtu = -1 };
	for (int i = 3; i < argc; i++) {
		if (strcmp(argv[i], "--batch") == 0 && i + 1 < argc)
			o->batch = atoi(argv[++i]);
		else if (strcmp(argv[i], "--epoll") == 0)
			o->use_epoll = true;
		else if (strcmp(argv[i], "--pmtu") == 0 && i + 1 < argc)
			o->pmtu = atoi(argv[++i]);
		else
			return fprintf(stderr, "udp_floor: unknown option '%s'\n", argv[i]), -1;
	}
	if (o->batch < 1 || o->batch > BATCH)
		return fprintf(stderr, "udp_floor: --batch must be 1..%d\n", BATCH), -1;
	return 0;
}

/* Without SA_RESTART, so that a blocking recvmmsg() returns on SIGTERM. */
static void on_stop_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

int main(int argc, char **argv)
{
	struct opts o;
	if (argc < 3 || parse_opts(argc, argv, &o) != 0) {
		fprintf(stderr, "usage: udp_floor ADDR PORT [--batch N] [--epoll] [--pmtu MODE]\n");
		return 2;
	}
	int fd = open_socket(argv[1], atoi(argv[2]));
	if (fd < 0)
		return 1;
	if (o.pmtu >= 0)
		setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &o.pmtu, sizeof(o.pmtu));
	on_stop_signals();
	static struct batch b;
	batch_init(&b);
	batch_n = o.batch;
	if (!o.use_epoll) {
		int nonblocking = 0;
		ioctl(fd, FIONBIO, &nonblocking);
		recv_flags = MSG_WAITFORONE;
		while (!stop)
			serve_batch(fd, &b);
		return 0;
	}
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = { .events = EPOLLIN };
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0)
		return 1;
	while (!stop) {
		struct epoll_event got;
		if (epoll_wait(ep, &got, 1, 1000) <= 0)
			continue;
		while (serve_batch(fd, &b) == batch_n)
			;
	}
	return 0;
}
