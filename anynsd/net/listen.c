/* SPDX-License-Identifier: MIT */
#include "anynsd/net/listen.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "anynsd/log.h"

#define TCP_BACKLOG 1024

static int set_int(int fd, int level, int opt, int value)
{
	return setsockopt(fd, level, opt, &value, sizeof(value)) == 0 ? ANS_OK : -errno;
}

static bool is_wildcard(const struct ans_conf_addr *addr)
{
	if (addr->ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)&addr->ss;
		return IN6_IS_ADDR_UNSPECIFIED(&a->sin6_addr);
	}
	const struct sockaddr_in *a = (const struct sockaddr_in *)&addr->ss;
	return a->sin_addr.s_addr == htonl(INADDR_ANY);
}

static int configure(int fd, const struct ans_conf_addr *addr, int type)
{
	int rc = set_int(fd, SOL_SOCKET, SO_REUSEPORT, 1);
	/* A v6 socket must not also take v4 traffic: each family is
	 * listed separately, as in Knot and NSD. */
	if (rc == ANS_OK && addr->ss.ss_family == AF_INET6)
		rc = set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1);
	/* UDP answers go out from the query's destination (net/udp.c). A
	 * socket bound to one address answers from it anyway: there the
	 * kernel builds no control message per packet and udp.c sends none
	 * (as Knot does). */
	if (rc == ANS_OK && type == SOCK_DGRAM && is_wildcard(addr))
		rc = addr->ss.ss_family == AF_INET6
		     ? set_int(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1)
		     : set_int(fd, IPPROTO_IP, IP_PKTINFO, 1);
	/* IPv4 answers go out without DF and regardless of any learnt path
	 * MTU: a forged ICMP "fragmentation needed" must not make the kernel
	 * fragment answers below the interface MTU, which is what off-path
	 * fragment-injection attacks on DNS need (as NSD and Unbound do).
	 * Answers fit 1232 bytes unless a client asks for more (RFC 9715). */
	if (rc == ANS_OK && type == SOCK_DGRAM && addr->ss.ss_family == AF_INET)
		rc = set_int(fd, IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_OMIT);
	if (rc == ANS_OK && type == SOCK_STREAM)
		rc = set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1);
	/* Queries fit one segment: answer them without waiting for more. */
	if (rc == ANS_OK && type == SOCK_STREAM)
		rc = set_int(fd, IPPROTO_TCP, TCP_NODELAY, 1);
	return rc;
}

int listen_open(const struct ans_conf_addr *addr, int type, int *fd)
{
	const char *proto = type == SOCK_DGRAM ? "udp" : "tcp";
	int s = socket(addr->ss.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s < 0) {
		int rc = -errno;
		log_error("server, socket %s %s failed (%s)", proto, addr->text, strerror(errno));
		return rc;
	}
	int rc = configure(s, addr, type);
	if (rc == ANS_OK && bind(s, (const struct sockaddr *)&addr->ss, addr->len) != 0)
		rc = -errno;
	if (rc == ANS_OK && type == SOCK_STREAM && listen(s, TCP_BACKLOG) != 0)
		rc = -errno;
	if (rc != ANS_OK) {
		log_error("server, listen %s %s failed (%s)", proto, addr->text, strerror(-rc));
		close(s);
		return rc;
	}
	*fd = s;
	return ANS_OK;
}
