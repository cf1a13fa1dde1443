/* SPDX-License-Identifier: MIT */
/*
 * One batch: recvmmsg() fills up to UDP_BATCH datagrams (MSG_DONTWAIT), the
 * zone set is read once under the RCU read lock for the whole batch, each
 * query is answered into its own output buffer, and every non-empty answer
 * goes back to its sender in one sendmmsg(). Nothing is allocated per
 * packet: the buffers below are allocated once per worker.
 *
 * A datagram larger than the input buffer arrives cut (MSG_TRUNC); it is
 * answered from the bytes we have, and ans_answer() decides (FORMERR).
 */
#include "anynsd/net/udp.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <urcu/urcu-memb.h>

#include "anynsd/log.h"

#define UDP_BATCH 32
#define UDP_IN_MAX 4096          /* largest query we read whole */
#define UDP_OUT_MAX 4096         /* >= the largest server.udp-max-payload */
#define UDP_ROUNDS 4             /* batches per readiness event */

struct udp_batch {
	struct mmsghdr in[UDP_BATCH];
	struct mmsghdr out[UDP_BATCH];
	struct iovec in_iov[UDP_BATCH];
	struct iovec out_iov[UDP_BATCH];
	struct sockaddr_storage peer[UDP_BATCH];
	uint8_t in_buf[UDP_BATCH][UDP_IN_MAX];
	uint8_t out_buf[UDP_BATCH][UDP_OUT_MAX];
};

int udp_batch_new(struct udp_batch **out)
{
	struct udp_batch *b = calloc(1, sizeof(*b));
	if (!b)
		return ANS_ENOMEM;
	for (size_t i = 0; i < UDP_BATCH; i++) {
		b->in_iov[i] = (struct iovec){ b->in_buf[i], UDP_IN_MAX };
		b->out_iov[i] = (struct iovec){ b->out_buf[i], 0 };
	}
	*out = b;
	return ANS_OK;
}

void udp_batch_free(struct udp_batch *b)
{
	free(b);
}

static void prepare_recv(struct udp_batch *b)
{
	for (size_t i = 0; i < UDP_BATCH; i++) {
		struct msghdr *h = &b->in[i].msg_hdr;
		memset(h, 0, sizeof(*h));
		h->msg_name = &b->peer[i];
		h->msg_namelen = sizeof(b->peer[i]);
		h->msg_iov = &b->in_iov[i];
		h->msg_iovlen = 1;
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
					   ANS_TRANSPORT_UDP, b->out_buf[out], UDP_OUT_MAX);
		if (len == 0)
			continue;
		struct msghdr *h = &b->out[out].msg_hdr;
		memset(h, 0, sizeof(*h));
		h->msg_name = &b->peer[i];
		h->msg_namelen = b->in[i].msg_hdr.msg_namelen;
		b->out_iov[out].iov_base = b->out_buf[out];
		b->out_iov[out].iov_len = len;
		h->msg_iov = &b->out_iov[out];
		h->msg_iovlen = 1;
		out++;
	}
	urcu_memb_read_unlock();
	return out;
}

static void send_batch(int fd, struct udp_batch *b, unsigned n)
{
	unsigned sent = 0;
	while (sent < n) {
		int rc = sendmmsg(fd, b->out + sent, n - sent, MSG_DONTWAIT);
		if (rc < 0) {
			/* A full socket buffer or an unreachable peer costs that
			 * answer only: skip it, the client retries. */
			if (errno != EINTR)
				sent++;
			continue;
		}
		sent += (unsigned)rc;
	}
}

void udp_handle(struct worker *w, int fd)
{
	struct udp_batch *b = w->udp;
	for (int round = 0; round < UDP_ROUNDS; round++) {
		prepare_recv(b);
		int n = recvmmsg(fd, b->in, UDP_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return;
		unsigned out = answer_batch(w, b, (unsigned)n);
		send_batch(fd, b, out);
		if (n < UDP_BATCH)
			return;
	}
}
