/* SPDX-License-Identifier: MIT */
/*
 * One error space for all of anyns: ANS_OK is 0, system errors are negative
 * errno values (-ENOMEM, -EIO ...), and our own codes are negative numbers
 * from ANS_ERR_BASE (-1000) upwards, far from any errno value. Fallible
 * functions return int; never "0 means failure".
 */
#ifndef ANS_BASE_ERR_H
#define ANS_BASE_ERR_H

#include <errno.h>

#define ANS_WUR __attribute__((warn_unused_result))

enum ans_err {
	ANS_OK = 0,
	ANS_ENOMEM = -ENOMEM,
	ANS_EINVAL = -EINVAL,
	ANS_EIO = -EIO,
	ANS_ENOENT = -ENOENT,
	ANS_EEXIST = -EEXIST,
	ANS_EAGAIN = -EAGAIN,
	ANS_ERANGE = -ERANGE,

	ANS_ERR_BASE = -1000,
	ANS_EMALF = ANS_ERR_BASE,   /* malformed input (wire or text) */
	ANS_ESPACE,                 /* output buffer too small */
	ANS_ESYNTAX,                /* text syntax error */
	ANS_ELIMIT,                 /* a size or count limit was exceeded */
	ANS_ELOOP,                  /* a loop was detected (pointers, $INCLUDE, CNAME) */
	ANS_ENOZONE,                /* no zone serves this name */
	ANS_ENOTFOUND,              /* lookup found nothing */
	ANS_ESEMANTIC,              /* a zone failed its semantic checks */
	ANS_ETYPE,                  /* unknown or unsupported record type */
	ANS_ECONFIG,                /* configuration error */
	ANS_ETSIG,                  /* TSIG verification failed */
	ANS_ETIMEOUT,               /* an operation timed out */
	ANS_ESTALE,                 /* serial older than what we have */
	ANS_ERR_LAST
};

/* Returns a static, human-readable description of an ans_err or -errno code.
 * Thread-safe. Never returns NULL. */
const char *ans_strerror(int code);

#endif
