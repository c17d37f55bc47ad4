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
	X(hs_scan) X(hs_serialize_database) X(hs_deserialize_database)
WS_DL_LIBRARY(hs, HS_FNS, "Hyperscan", WS_LIBHS_SONAME)

struct ws_prefilter {
	hs_database_t *db;
};

struct ws_prefilter_scratch {
	hs_scratch_t *s;
};

/* The pre-filter's expressions, in the order their ids count on. */
struct exprs {
	const char **expr;
	unsigned *flags, *ids;
	size_t n;
};

static void add_expr(struct exprs *e, const char *x, unsigned flags, unsigned id)
{
	e->expr = ws_xreallocarray(e->expr, e->n + 1, sizeof(*e->expr));
	e->flags = ws_xreallocarray(e->flags, e->n + 1, sizeof(*e->flags));
	e->ids = ws_xreallocarray(e->ids, e->n + 1, sizeof(*e->ids));
	e->expr[e->n] = x;
	e->flags[e->n] = flags;
	e->ids[e->n] = id;
	e->n++;
}

static void build_exprs(struct exprs *e)
{
	int n;
	const struct ws_worm *const *t = ws_worms(&n);
	/* The W3C directives that change how later lines read: the field layout
	 * and, for layouts without a date column, the day. */
	add_expr(e, "^#(Fields|Date):", HS_FLAG_MULTILINE, 0);
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
	for (size_t k = 0; k < sizeof(evasive) / sizeof(evasive[0]); k++)
		add_expr(e, evasive[k], HS_FLAG_CASELESS, 0);
	for (int i = 0; i < n; i++) {
		for (const char *const *p = t[i]->prefilter; p && *p; p++) {
			/* The same expression from several worms is compiled once. */
			bool dup = false;
			for (size_t k = 0; k < e->n && !dup; k++)
				dup = strcmp(e->expr[k], *p) == 0;
			if (!dup)
				add_expr(e, *p, HS_FLAG_CASELESS, (unsigned)(i + 1));
		}
	}
}

static void free_exprs(struct exprs *e)
{
	free(e->expr);
	free(e->flags);
	free(e->ids);
}

/* FNV-1a over the expressions, flags and ids: a prebuilt database is used
 * only for the very list this code would compile. */
static uint64_t exprs_hash(const struct exprs *e)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < e->n; i++) {
		unsigned fi[2] = {e->flags[i], e->ids[i]};
		const unsigned char *parts[2] = {(const unsigned char *)e->expr[i],
						 (const unsigned char *)fi};
		size_t lens[2] = {strlen(e->expr[i]) + 1, sizeof(fi)};
		for (int k = 0; k < 2; k++)
			for (size_t j = 0; j < lens[k]; j++)
				h = (h ^ parts[k][j]) * 0x100000001b3ull;
	}
	return h;
}

static int compile_exprs(const struct exprs *e, hs_database_t **db, struct ws_err *err)
{
	hs_compile_error_t *cerr = NULL;
	if (hs.hs_compile_multi(e->expr, e->flags, e->ids, (unsigned)e->n, HS_MODE_BLOCK, NULL, db,
				&cerr) == HS_SUCCESS)
		return 0;
	int rc = ws_err_set(err, WS_EFORMAT, "prefilter: Hyperscan rejected expression %d: %s",
			    cerr ? cerr->expression : -1, cerr ? cerr->message : "?");
	hs.hs_free_compile_error(cerr);
	return rc;
}

/* The prebuilt database: the list's hash (8 bytes, little-endian), then
 * Hyperscan's serialised form. Set once, before any thread starts. */
static const unsigned char *prebuilt;
static size_t prebuilt_len;

void ws_prefilter_prebuilt(const void *blob, size_t len)
{
	prebuilt = blob;
	prebuilt_len = len;
}

/* The prebuilt database when it is this list's and this Hyperscan and CPU
 * can run it (hs_deserialize_database checks the version and platform). */
static hs_database_t *from_prebuilt(const struct exprs *e)
{
	if (!prebuilt || prebuilt_len <= 8)
		return NULL;
	uint64_t h = 0;
	for (int k = 7; k >= 0; k--)
		h = h << 8 | prebuilt[k];
	hs_database_t *db = NULL;
	if (h != exprs_hash(e) ||
	    hs.hs_deserialize_database((const char *)prebuilt + 8, prebuilt_len - 8, &db) !=
		    HS_SUCCESS)
		return NULL;
	return db;
}

int ws_prefilter_new(struct ws_prefilter **out, struct ws_err *err)
{
	if (hs_load(err))
		return WS_EIO;
	struct exprs e = {0};
	build_exprs(&e);
	/* Compiling takes tens of milliseconds, the prebuilt database about one. */
	hs_database_t *db = from_prebuilt(&e);
	int rc = db ? 0 : compile_exprs(&e, &db, err);
	free_exprs(&e);
	if (rc)
		return rc;
	*out = ws_xcalloc(1, sizeof(**out));
	(*out)->db = db;
	return 0;
}

int ws_prefilter_serialize(char **out, size_t *len, struct ws_err *err)
{
	if (hs_load(err))
		return WS_EIO;
	struct exprs e = {0};
	build_exprs(&e);
	hs_database_t *db = NULL;
	int rc = compile_exprs(&e, &db, err);
	uint64_t h = exprs_hash(&e);
	free_exprs(&e);
	if (rc)
		return rc;
	char *bytes = NULL;
	size_t n = 0;
	hs_error_t he = hs.hs_serialize_database(db, &bytes, &n);
	hs.hs_free_database(db);
	if (he != HS_SUCCESS)
		return ws_err_set(err, WS_ENOMEM, "prefilter: cannot serialise the database (%d)", he);
	*out = ws_xmalloc(n + 8);
	for (int k = 0; k < 8; k++)
		(*out)[k] = (char)(h >> (8 * k) & 0xff);
	memcpy(*out + 8, bytes, n);
	free(bytes); /* Hyperscan's default allocator is malloc */
	*len = n + 8;
	return 0;
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
