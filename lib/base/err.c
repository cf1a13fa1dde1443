/* SPDX-License-Identifier: MIT */
#include "lib/base/err.h"

#include <string.h>

static const char *const own_errors[] = {
	[ANS_EMALF - ANS_ERR_BASE] = "malformed data",
	[ANS_ESPACE - ANS_ERR_BASE] = "not enough space",
	[ANS_ESYNTAX - ANS_ERR_BASE] = "syntax error",
	[ANS_ELIMIT - ANS_ERR_BASE] = "limit exceeded",
	[ANS_ELOOP - ANS_ERR_BASE] = "loop detected",
	[ANS_ENOZONE - ANS_ERR_BASE] = "no such zone",
	[ANS_ENOTFOUND - ANS_ERR_BASE] = "not found",
	[ANS_ESEMANTIC - ANS_ERR_BASE] = "zone check failed",
	[ANS_ETYPE - ANS_ERR_BASE] = "unknown record type",
	[ANS_ECONFIG - ANS_ERR_BASE] = "configuration error",
	[ANS_ETSIG - ANS_ERR_BASE] = "TSIG verification failed",
	[ANS_ETIMEOUT - ANS_ERR_BASE] = "timed out",
	[ANS_ESTALE - ANS_ERR_BASE] = "serial is not newer",
};

const char *ans_strerror(int code)
{
	if (code == ANS_OK)
		return "ok";
	/* Our codes count upwards from ANS_ERR_BASE to ANS_ERR_LAST. */
	if (code >= ANS_ERR_BASE && code < ANS_ERR_LAST) {
		const char *s = own_errors[code - ANS_ERR_BASE];
		return s ? s : "unknown error";
	}
	if (code < 0 && code > ANS_ERR_BASE)
		return strerror(-code);
	return "unknown error";
}
