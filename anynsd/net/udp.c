/* SPDX-License-Identifier: MIT */
/*
 * A UDP thread (worker.c) blocks in recvmmsg(MSG_WAITFORONE) on its own
 * blocking socket: the call sleeps until one datagram is there, then takes
 * whatever else is queued without waiting, up to UDP_BATCH. No epoll: a
 * wake-up is one syscall less (worker.c's design block has the figures).
 *
 * One batch: recvmmsg() fills up to UDP_BATCH datagrams, the
 * zone set is read once under the RCU read lock for the whole batch, each
 * query is answered into its own output buffer, and every non-empty answer
 * goes back to its sender in one sendmmsg(). Nothing is allocated per
 * packet: the buffers below are allocated once per worker, and the receive
 * headers are set up once; after a batch only the slots recvmmsg() filled
 * are re-armed (it rewrites their name and control lengths), because with
 * one query per wake-up -- the common case below saturation -- re-arming
 * all UDP_BATCH headers cost more than answering the query.
 *
 * A datagram larger than the input buffer arrives cut (MSG_TRUNC); it is
 * answered from the bytes we have, and ans_answer() decides (FORMERR).
 *
 * On a socket bound to a wildcard address the query's destination comes
 * with it (IP_PKTINFO, IPV6_RECVPKTINFO, enabled by listen.c only there)
 * and is given back as the answer's source, so the answer leaves from the
 * address that was asked: on an anycast node a reply from another address
 * would be dropped by the client (RFC 1123 §6.1.3.5 style source
 * matching). A socket bound to one address receives no control data and
 * its answers carry none.
 *
 * recvmmsg() and sendmmsg() enter the kernel directly (net/rawsys.h):
 * glibc's wrappers are pthread cancellation points, which costs ~90
 * instructions per call (measured with callgrind), syscall() ~15 more, and
 * workers are never cancelled.
 */
/* liburcu's read lock and unlock inline (its static headers, for
 * LGPL-compatible code such as ours, MIT): the library calls reach the
 * reader's counter through __tls_get_addr, ~80 instructions per wake-up,
 * and below saturation a wake-up carries one query. Inline, the counter is
 * an initial-exec TLS access. */
#define _LGPL_SOURCE
#include "anynsd/net/udp.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>

#include "anynsd/net/rawsys.h"
#include <unistd.h>
#include <urcu/urcu-memb.h>

#include "anynsd/log.h"

#define UDP_BATCH 32
#define UDP_IN_MAX 4096          /* largest query we read whole */
#define UDP_OUT_MAX 4096         /* >= the largest server.udp-max-payload */
#define UDP_ERR_LOG_S 60         /* one receive-error line per minute */
#define UDP_CTL 64               /* room for one pktinfo control message */

struct udp_batch {
	struct mmsghdr in[UDP_BATCH];
	struct mmsghdr out[UDP_BATCH];
	struct iovec in_iov[UDP_BATCH];
	struct iovec out_iov[UDP_BATCH];
	struct sockaddr_storage peer[UDP_BATCH];
	uint8_t in_ctl[UDP_BATCH][UDP_CTL] __attribute__((aligned(8)));
	uint8_t out_ctl[UDP_BATCH][UDP_CTL] __attribute__((aligned(8)));
	uint8_t in_buf[UDP_BATCH][UDP_IN_MAX];
	uint8_t out_buf[UDP_BATCH][UDP_OUT_MAX];
};

static void prepare_recv(struct udp_batch *b)
{
	for (size_t i = 0; i < UDP_BATCH; i++) {
		struct msghdr *h = &b->in[i].msg_hdr;
		memset(h, 0, sizeof(*h));
		h->msg_name = &b->peer[i];
		h->msg_namelen = sizeof(b->peer[i]);
		h->msg_iov = &b->in_iov[i];
		h->msg_iovlen = 1;
		h->msg_control = b->in_ctl[i];
		h->msg_controllen = UDP_CTL;
	}
}

int udp_batch_new(struct udp_batch **out)
{
	struct udp_batch *b = calloc(1, sizeof(*b));
	if (!b)
		return ANS_ENOMEM;
	for (size_t i = 0; i < UDP_BATCH; i++) {
		b->in_iov[i] = (struct iovec){ b->in_buf[i], UDP_IN_MAX };
		b->out_iov[i] = (struct iovec){ b->out_buf[i], 0 };
		b->out[i].msg_hdr.msg_iov = &b->out_iov[i];
		b->out[i].msg_hdr.msg_iovlen = 1;
	}
	prepare_recv(b);
	*out = b;
	return ANS_OK;
}

void udp_batch_free(struct udp_batch *b)
{
	free(b);
}

/* The kernel wrote the lengths of the first n headers: restore them. */
static void rearm_recv(struct udp_batch *b, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		b->in[i].msg_hdr.msg_namelen = sizeof(b->peer[i]);
		b->in[i].msg_hdr.msg_controllen = UDP_CTL;
	}
}

/* Copies the destination of the query (pktinfo) into the answer's control
 * data as its source; the interface is left to routing for IPv4. */
static void reply_source(const struct msghdr *in, struct msghdr *out, uint8_t *ctl)
{
	out->msg_control = NULL;
	out->msg_controllen = 0;
	if (in->msg_controllen == 0)
		return;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(in); c; c = CMSG_NXTHDR((struct msghdr *)in, c)) {
		bool v4 = c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO;
		bool v6 = c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO;
		if (!v4 && !v6)
			continue;
		memcpy(ctl, c, c->cmsg_len);
		if (v4) {
			struct in_pktinfo *pi = (struct in_pktinfo *)CMSG_DATA((struct cmsghdr *)ctl);
			pi->ipi_spec_dst = pi->ipi_addr;
			pi->ipi_ifindex = 0;
		}
		out->msg_control = ctl;
		out->msg_controllen = c->cmsg_len;
		return;
	}
}

/* Answers received datagrams; returns how many answers to send. */
static unsigned answer_batch(struct worker *w, struct udp_batch *b, unsigned n)
{
	unsigned out = 0;
	urcu_memb_read_lock();
	const struct ans_zoneset *zs = zones_read(w->srv->zones);
	for (unsigned i = 0; i < n; i++) {
		size_t len = worker_answer(w, zs, b->in_buf[i], b->in[i].msg_len,
					   ANS_TRANSPORT_UDP, (struct sockaddr *)&b->peer[i],
					   b->out_buf[out], UDP_OUT_MAX, NULL);
		if (len == 0)
			continue;
		/* Slot `out` keeps its buffer and iovec from udp_batch_new(). */
		struct msghdr *h = &b->out[out].msg_hdr;
		h->msg_name = &b->peer[i];
		h->msg_namelen = b->in[i].msg_hdr.msg_namelen;
		b->out_iov[out].iov_len = len;
		reply_source(&b->in[i].msg_hdr, h, b->out_ctl[out]);
		out++;
	}
	urcu_memb_read_unlock();
	return out;
}

static void send_batch(int fd, struct udp_batch *b, unsigned n)
{
	unsigned sent = 0;
	while (sent < n) {
		long rc = rawsys6(SYS_sendmmsg, fd, (long)(b->out + sent), n - sent,
				  MSG_DONTWAIT, 0, 0);
		if (rc < 0) {
			/* A full socket buffer or an unreachable peer costs that
			 * answer only: skip it, the client retries. */
			if (rc != -EINTR)
				sent++;
			continue;
		}
		sent += (unsigned)rc;
	}
}

/* A failed receive other than EINTR (ENOMEM, a pending ICMP error on
 * some kernels): logged at most once a minute, the loop goes on. */
static void receive_failed(const struct worker *u, int err, time_t *last)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	if (*last != 0 && ts.tv_sec - *last < UDP_ERR_LOG_S)
		return;
	*last = ts.tv_sec ? ts.tv_sec : 1;
	log_warning("server, udp thread %u, receive failed (%s)", u->id, strerror(-err));
}

void udp_serve(struct worker *u)
{
	struct udp_batch *b = u->udp;
	time_t last_err = 0;
	for (;;) {
		int n = (int)rawsys6(SYS_recvmmsg, u->udp_fd, (long)b->in, UDP_BATCH,
				     MSG_WAITFORONE, 0, 0);
		/* After worker_stop()'s shutdown() every receive returns at
		 * once (0, or an empty datagram): the flag says which. */
		if (atomic_load_explicit(&u->srv->is_stopping, memory_order_relaxed))
			return;
		if (n <= 0) {
			if (n < 0 && n != -EINTR)
				receive_failed(u, n, &last_err);
			continue;
		}
		unsigned out = answer_batch(u, b, (unsigned)n);
		rearm_recv(b, (unsigned)n);
		send_batch(u->udp_fd, b, out);
	}
}
