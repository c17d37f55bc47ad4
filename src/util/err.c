/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdio.h>

#include "wormscope/err.h"

int ws_err_set(struct ws_err *e, int code, const char *fmt, ...)
{
	if (e) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
		va_end(ap);
	}
	return code;
}
