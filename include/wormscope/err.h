/* SPDX-License-Identifier: MIT */
/* Error reporting shared by every part: functions return 0 or a negative WS_E*
 * code and fill a caller-owned struct ws_err with one line that names the file
 * and line or offset. Only cli/ prints it. */
#ifndef WORMSCOPE_ERR_H
#define WORMSCOPE_ERR_H

enum {
	WS_OK = 0,
	WS_EIO = -1,      /* cannot open / read / write */
	WS_EFORMAT = -2,  /* input is not in the expected format */
	WS_EUSAGE = -3,   /* bad option or argument */
	WS_ENOMEM = -4,
	WS_ETRUNC = -5,   /* compressed stream cut short; what was read is kept */
};

struct ws_err {
	char msg[512];
};

/* Formats msg into e (when e is not NULL) and returns code, so callers can
 * write `return ws_err_set(e, WS_EIO, "%s: %s", path, strerror(errno));`. */
int ws_err_set(struct ws_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
