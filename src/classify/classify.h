/* SPDX-License-Identifier: MIT */
/* Request -> verdict with the worm table, and the whole-buffer pre-filter
 * that lets the scanner skip lines that cannot hold a worm request.
 *
 * The pre-filter is one Hyperscan database compiled from every worm's
 * `prefilter` expressions (case-insensitive) plus the W3C "#Fields:"
 * directive, scanned over whole chunks of complete lines: SIMD literal
 * matching over the buffer is what lets a scan keep pace with grep. */
#ifndef WS_CLASSIFY_H
#define WS_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wormscope/err.h"
#include "wormscope/worm.h"

/* Runs the table in order; true and v filled when a worm claims req. */
bool ws_classify(const struct ws_request *req, struct ws_verdict *v);
/* The same, and *path_flags gets the enum ws_evasion bits of the request's
 * normalised path (http/normalize.h) whenever it was needed: 0 when the raw
 * target already gave a named worm's exact match. The guard refuses hostile
 * encodings by them without normalising the path a second time. */
bool ws_classify_flags(const struct ws_request *req, struct ws_verdict *v, uint32_t *path_flags);

struct ws_prefilter;         /* compiled database: shared, read-only, thread-safe */
struct ws_prefilter_scratch; /* per-thread scratch */

/* Compiles the database (or takes the prebuilt one, below). Caller frees
 * with ws_prefilter_free. */
int ws_prefilter_new(struct ws_prefilter **out, struct ws_err *err);
/* A database made by ws_prefilter_serialize (at build time: the executable
 * carries it), used by ws_prefilter_new instead of compiling when it was made
 * from the same expressions and this Hyperscan and CPU can run it; else
 * ws_prefilter_new compiles as before. blob must outlive every prefilter;
 * call before threads start. */
void ws_prefilter_prebuilt(const void *blob, size_t len);
/* Compiles and serialises the database; *out (malloc'ed, *len bytes) is
 * what ws_prefilter_prebuilt takes. */
int ws_prefilter_serialize(char **out, size_t *len, struct ws_err *err);
void ws_prefilter_free(struct ws_prefilter *pf);
/* Per-thread scratch; caller frees with ws_prefilter_scratch_free. */
int ws_prefilter_scratch_new(const struct ws_prefilter *pf, struct ws_prefilter_scratch **out,
			     struct ws_err *err);
void ws_prefilter_scratch_free(struct ws_prefilter_scratch *s);

/* Called for each candidate, in increasing order of end offset (a line may be
 * reported more than once). Return non-zero to stop the scan. */
typedef int (*ws_hit_fn)(size_t end, void *ctx);
/* Scans p[0..n); returns 0, or WS_EFORMAT if Hyperscan failed or n exceeds
 * 4 GiB (the caller then parses every line). */
int ws_prefilter_scan(const struct ws_prefilter *pf, struct ws_prefilter_scratch *s,
		      const char *p, size_t n, ws_hit_fn fn, void *ctx);

#endif
