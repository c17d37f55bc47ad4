/* SPDX-License-Identifier: MIT */
#include "classify/classify.h"

#include <hs/hs.h>
#include <limits.h>
#include <string.h>

#include "http/normalize.h"
#include "util/dl.h"
#include "util/mem.h"

/* The table in order over req as it is. */
static bool classify_as_is(const struct ws_request *req, struct ws_verdict *v)
{
	int n;
	const struct ws_worm *const *t = ws_worms(&n);
	for (int i = 0; i < n; i++) {
		memset(v, 0, sizeof(*v));
		if (t[i]->match(req, v)) {
			v->worm = i;
			return true;
		}
	}
	memset(v, 0, sizeof(*v));
	v->worm = -1;
	return false;
}

/* The raw target first, so the worm's own request keeps its exact match
 * and its encodings stay visible to the signatures that look for them
 * (Nimda's ..%c0%af..); then the path IIS would dispatch on, which names
 * an evasive copy and says which encodings it used. */
bool ws_classify_flags(const struct ws_request *req, struct ws_verdict *v, uint32_t *path_flags)
{
	int nw;
	const struct ws_worm *const *t = ws_worms(&nw);
	uint32_t flags = 0;
	if (path_flags)
		*path_flags = 0;
	bool raw = classify_as_is(req, v);
	if (raw && v->conf == WS_CONF_EXACT && !t[v->worm]->generic)
		return true;
	char path[WS_NORM_MAX];
	size_t n = ws_normalize_path(req->path, req->form, path, &flags);
	if (path_flags)
		*path_flags = flags;
	if (flags == 0 || (n == req->path.n && memcmp(path, req->path.p, n) == 0))
		return raw;
	/* Case alone is the signatures' own business: they ignore it where IIS
	 * does, and compare exactly where a change means another tool (Nimda
	 * sends its paths in one spelling). */
	if (raw && (flags & ~(uint32_t)WS_EV_CASE) == 0)
		return raw;
	struct ws_request q = *req;
	q.path = (struct ws_str){path, n};
	struct ws_verdict nv;
	if (!classify_as_is(&q, &nv))
		return raw;
	/* A raw match is bettered by the same worm at a higher confidence, or
	 * by a named worm where the raw one was a generic class: the normalised
	 * path of Nimda's own traversal is a plain cmd.exe request, which says
	 * less, while /c/winnt/system32//cmd.exe?/c+dir is Nimda's probe. */
	if (!raw || (nv.worm == v->worm && nv.conf > v->conf) ||
	    (t[v->worm]->generic && !t[nv.worm]->generic)) {
		*v = nv;
		v->evasion = flags;
		return true;
	}
	return raw;
}

bool ws_classify(const struct ws_request *req, struct ws_verdict *v)
{
	return ws_classify_flags(req, v, NULL);
}

/* Hyperscan is loaded at the first prefilter (util/dl.h): of all the
 * commands only scan and guard use it. The calls below go through hs.f. */
#define HS_FNS(X)                                                                                  \
	X(hs_compile_multi)                                                                        \
	X(hs_free_compile_error) X(hs_free_database) X(hs_alloc_scratch) X(hs_free_scratch)       \
	X(hs_scan)
WS_DL_LIBRARY(hs, HS_FNS, "Hyperscan", WS_LIBHS_SONAME)

struct ws_prefilter {
	hs_database_t *db;
};

struct ws_prefilter_scratch {
	hs_scratch_t *s;
};

int ws_prefilter_new(struct ws_prefilter **out, struct ws_err *err)
{
	int n;
	const struct ws_worm *const *t = ws_worms(&n);
	const char **exprs = NULL;
	unsigned *flags = NULL, *ids = NULL;
	size_t ne = 0;
	if (hs_load(err))
		return WS_EIO;
	/* The W3C directives that change how later lines read: the field layout
	 * and, for layouts without a date column, the day. */
	static const char fields[] = "^#(Fields|Date):";
	exprs = ws_xreallocarray(exprs, ne + 1, sizeof(*exprs));
	flags = ws_xreallocarray(flags, ne + 1, sizeof(*flags));
	ids = ws_xreallocarray(ids, ne + 1, sizeof(*ids));
	exprs[ne] = fields;
	flags[ne] = HS_FLAG_MULTILINE;
	ids[ne] = 0;
	ne++;
	/* Encodings that can hide a worm's keywords (.ida, root.exe, ...) from
	 * the expressions below: an escaped letter, digit or dot, IIS's %u,
	 * a double escape, overlong or full-width UTF-8 (escaped or raw, as
	 * IIS logs write the once-decoded stem). Lines with them go to the
	 * normaliser (http/normalize.h). Separators, case, parameters and
	 * dot segments leave the keywords whole and need no expression. */
	static const char *const evasive[] = {
		"%(2e|3[0-9]|[46][1-9a-f]|[57][0-9a]|5c)", "%u[0-9a-f]{4}", "%25[0-9a-f]{2}",
		"%c[01]", "%e0%[89]", "%f0%8", "%ef%b[cd]", "[\\xc0\\xc1]", "\\xe0[\\x80-\\x9f]",
		"\\xef[\\xbc\\xbd]"};
	for (size_t k = 0; k < sizeof(evasive) / sizeof(evasive[0]); k++) {
		exprs = ws_xreallocarray(exprs, ne + 1, sizeof(*exprs));
		flags = ws_xreallocarray(flags, ne + 1, sizeof(*flags));
		ids = ws_xreallocarray(ids, ne + 1, sizeof(*ids));
		exprs[ne] = evasive[k];
		flags[ne] = HS_FLAG_CASELESS;
		ids[ne] = 0;
		ne++;
	}
	for (int i = 0; i < n; i++) {
		for (const char *const *p = t[i]->prefilter; p && *p; p++) {
			/* The same expression from several worms is compiled once. */
			bool dup = false;
			for (size_t k = 0; k < ne && !dup; k++)
				dup = strcmp(exprs[k], *p) == 0;
			if (dup)
				continue;
			exprs = ws_xreallocarray(exprs, ne + 1, sizeof(*exprs));
			flags = ws_xreallocarray(flags, ne + 1, sizeof(*flags));
			ids = ws_xreallocarray(ids, ne + 1, sizeof(*ids));
			exprs[ne] = *p;
			flags[ne] = HS_FLAG_CASELESS;
			ids[ne] = (unsigned)(i + 1);
			ne++;
		}
	}
	hs_database_t *db = NULL;
	hs_compile_error_t *cerr = NULL;
	int rc = 0;
	if (hs.hs_compile_multi(exprs, flags, ids, (unsigned)ne, HS_MODE_BLOCK, NULL, &db, &cerr) !=
	    HS_SUCCESS) {
		rc = ws_err_set(err, WS_EFORMAT, "prefilter: Hyperscan rejected expression %d: %s",
				cerr ? cerr->expression : -1, cerr ? cerr->message : "?");
		hs.hs_free_compile_error(cerr);
		goto out;
	}
	*out = ws_xcalloc(1, sizeof(**out));
	(*out)->db = db;
out:
	free(exprs);
	free(flags);
	free(ids);
	return rc;
}

void ws_prefilter_free(struct ws_prefilter *pf)
{
	if (!pf)
		return;
	hs.hs_free_database(pf->db);
	free(pf);
}

int ws_prefilter_scratch_new(const struct ws_prefilter *pf, struct ws_prefilter_scratch **out,
			     struct ws_err *err)
{
	hs_scratch_t *s = NULL;
	if (hs.hs_alloc_scratch(pf->db, &s) != HS_SUCCESS)
		return ws_err_set(err, WS_ENOMEM, "prefilter: cannot allocate Hyperscan scratch");
	*out = ws_xcalloc(1, sizeof(**out));
	(*out)->s = s;
	return 0;
}

void ws_prefilter_scratch_free(struct ws_prefilter_scratch *s)
{
	if (!s)
		return;
	hs.hs_free_scratch(s->s);
	free(s);
}

struct hit_ctx {
	ws_hit_fn fn;
	void *ctx;
};

static int on_match(unsigned int id, unsigned long long from, unsigned long long to,
		    unsigned int flags, void *ctx)
{
	(void)id;
	(void)from;
	(void)flags;
	struct hit_ctx *h = ctx;
	return h->fn((size_t)to, h->ctx);
}

int ws_prefilter_scan(const struct ws_prefilter *pf, struct ws_prefilter_scratch *s,
		      const char *p, size_t n, ws_hit_fn fn, void *ctx)
{
	struct hit_ctx h = {fn, ctx};
	/* Hyperscan takes a 32-bit length. The scanner's chunks are at most
	 * 72 MiB; a longer buffer is refused, not cut, since a cut would hand
	 * the callback offsets relative to the piece. */
	if (n > UINT_MAX)
		return WS_EFORMAT;
	hs_error_t e = hs.hs_scan(pf->db, p, (unsigned)n, 0, s->s, on_match, &h);
	return e == HS_SUCCESS || e == HS_SCAN_TERMINATED ? 0 : WS_EFORMAT;
}
