/* SPDX-License-Identifier: MIT */
/*
 * The kernel entered directly for the per-wake-up syscalls of the query
 * path (epoll_pwait, recvmmsg, sendmmsg). glibc's cancellable wrappers cost
 * ~30 instructions per call and syscall() ~15 more (a call, errno); with
 * one query outstanding a wake-up carries one query, so that is per-query
 * cost. Workers are never cancelled, so nothing is lost. x86-64 uses the
 * `syscall` instruction (arguments in rdi, rsi, rdx, r10, r8, r9; rcx and
 * r11 clobbered); elsewhere syscall() stands in.
 *
 * Returns what the kernel returns: a count, or -errno (errno is not set).
 */
#ifndef ANYNSD_NET_RAWSYS_H
#define ANYNSD_NET_RAWSYS_H

#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

static inline long rawsys6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
#if defined(__x86_64__)
	long ret;
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;
	register long r9 __asm__("r9") = a6;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
#else
	long rc = syscall(nr, a1, a2, a3, a4, a5, a6);
	return rc < 0 ? -errno : rc;
#endif
}

#endif
