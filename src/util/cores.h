/* SPDX-License-Identifier: MIT */
/* How many cores are free now: for splitting one large file into parallel
 * parts only where parts can run at once. On a busy machine parts time-slice
 * with the other work and the split is slower than one pass (2 cores, load
 * 10: -j 2 took twice -j 1's time). */
#ifndef WS_UTIL_CORES_H
#define WS_UTIL_CORES_H

/* The tasks running or runnable now, from /proc/loadavg's text ("0.50 0.40
 * 0.30 3/220 12345": 3); -1 if the text is not that. */
int ws_loadavg_running(const char *text);
/* Cores this process may use (its affinity mask) less the other tasks
 * running now (the median of five samples 1 ms apart), at least 0; the
 * usable core count where /proc/loadavg cannot be read. */
int ws_cores_free(void);

#endif
