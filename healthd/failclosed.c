/* SPDX-License-Identifier: MIT */
/*
 * DOC: failing closed when healthd itself dies
 *
 * A process cannot withdraw anything after SIGKILL, so the withdrawal must
 * be a side effect the kernel performs for us. A tun device created
 * without TUNSETPERSIST lives exactly as long as the descriptor: at exit
 * the kernel unregisters it, BIRD learns of the interface's removal
 * through netlink at once and removes the static routes whose next hop is
 * `via "anyns0"`, and BGP withdraws them. FRR's staticd does the same for
 * `ip route P anyns0`. Measured with BIRD 2.0.12: see doc/healthd.md.
 */
#include "healthd/failclosed.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int set_up(const char *name)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
	int rc = ioctl(s, SIOCGIFFLAGS, &ifr);
	if (rc == 0) {
		ifr.ifr_flags |= IFF_UP;
		rc = ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	rc = rc == 0 ? ANS_OK : -errno;
	close(s);
	return rc;
}

int hd_failclosed_open(const char *name)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
	int rc = ioctl(fd, TUNSETIFF, &ifr) == 0 ? set_up(name) : -errno;
	if (rc != ANS_OK) {
		close(fd);
		return rc;
	}
	return fd;
}
