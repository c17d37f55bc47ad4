/* SPDX-License-Identifier: MIT */
/* Shared helpers for the worm classifier tests (tests/unit/test_worms_*.c):
 * hand-built requests (make_req), the verdict check (wt_expect), an NCSA
 * combined line around a request parsed from a guard-page copy
 * (wt_parse_line), and Code Red's 138-byte %u tail with the queries and
 * request lines built from it (CR_TAIL, cr_query, cr_line).
 *
 * Header-only, because each test file builds to its own executable; the
 * buffers are static locals so that a file which uses only some of the
 * helpers has no unused globals. */
#ifndef WS_TEST_WORMTEST_H
#define WS_TEST_WORMTEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "classify/classify.h"
#include "guard.h"
#include "logfmt/logfmt.h"
#include "util/str.h"

/* [CERT-IN-2001-08] (and [CERT-IN-2001-09]: Code Red II has the same one): the 138
 * characters after the filler, ending in %u00=a. */
#define CR_TAIL                                                                    \
	"%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801" \
	"%u9090%u9090%u8190%u00c3%u0003%u8b00%u531b%u53ff%u0078%u0000%u00=a"

/* A request as a log parser would hand it over. query NULL: no '?' logged;
 * proto NULL: no protocol logged. */
static inline struct ws_request make_req(const char *method, const char *path,
					 const char *query, const char *proto,
					 enum ws_target_form form)
{
	struct ws_request r;
	ws_request_reset(&r);
	r.method = ws_str_make(method, strlen(method));
	r.path = ws_str_make(path, strlen(path));
	if (query) {
		r.query = ws_str_make(query, strlen(query));
		r.has_query = true;
	}
	if (proto)
		r.proto = ws_str_make(proto, strlen(proto));
	else
		r.proto_logged = false;
	r.form = form;
	return r;
}

/* r gets a verdict for `worm` with this confidence, signature and variant
 * (NULL: no variant), and exactly `nimda_mask` (0 for every worm but
 * Nimda). */
static inline void wt_expect(const struct ws_request *r, const char *worm,
			     enum ws_confidence conf, const char *sig, const char *variant,
			     uint16_t nimda_mask)
{
	struct ws_verdict v;
	assert_true(ws_classify(r, &v));
	assert_int_equal(v.worm, ws_worm_index(worm));
	assert_int_equal(v.conf, conf);
	assert_string_equal(v.sig->name, sig);
	assert_int_equal(v.nimda_mask, nimda_mask);
	if (variant)
		assert_string_equal(v.variant, variant);
	else
		assert_null(v.variant);
}

/* An NCSA combined line from `host` at `date` around request `rq`, parsed
 * from a guard copy. close: the request's closing quote, then `status`,
 * `bytes` and empty referer and user agent; !close: the line ends inside the
 * request (status and bytes unused). */
static inline int wt_parse_line(const char *host, const char *date, const char *rq, bool close,
				int status, int bytes, struct ws_request *r)
{
	static char line[8192];
	int n = close ? snprintf(line, sizeof(line), "%s - - [%s] \"%s\" %d %d \"-\" \"-\"", host,
				 date, rq, status, bytes)
		      : snprintf(line, sizeof(line), "%s - - [%s] \"%s", host, date, rq);
	assert_true(n > 0 && (size_t)n < sizeof(line));
	return ws_parse_ncsa(ws_guard_copy(line, (size_t)n), (size_t)n, r);
}

/* The query: `run` copies of `filler`, then the first `tail_n` bytes of
 * CR_TAIL. The result stays valid until the next call. */
static inline const char *cr_query(char filler, size_t run, size_t tail_n)
{
	static char qbuf[4096];
	assert_true(run + tail_n < sizeof(qbuf));
	memset(qbuf, filler, run);
	memcpy(qbuf + run, CR_TAIL, tail_n);
	qbuf[run + tail_n] = '\0';
	return qbuf;
}

/* "<method> /default.ida?<run x filler><CR_TAIL>", then `sep` and `proto`
 * unless proto is NULL. The result stays valid until the next call. */
static inline const char *cr_line(const char *method, char filler, size_t run, const char *sep,
				  const char *proto)
{
	static char rqbuf[8192];
	int n = snprintf(rqbuf, sizeof(rqbuf), "%s /default.ida?%s%s%s", method,
			 cr_query(filler, run, strlen(CR_TAIL)), proto ? sep : "",
			 proto ? proto : "");
	assert_true(n > 0 && (size_t)n < sizeof(rqbuf));
	return rqbuf;
}

#endif
