/* SPDX-License-Identifier: MIT */
/* Observed curves beside a simulation (see observed.h): the two layouts'
 * parser and the comparison of the model's median curve with them. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/observed.h"
#include "util/mem.h"
#include "util/str.h"
#include "util/time.h"

struct cursor {
	const char *p, *end, *name;
	long line;
};

/* Next line into buf (without the newline and a trailing CR); 0 at the end,
 * 1 for a line, an error for one too long or holding a NUL. */
static int next_line(struct cursor *c, char *buf, struct ws_err *e)
{
	if (c->p >= c->end)
		return 0;
	const char *q = memchr(c->p, '\n', (size_t)(c->end - c->p));
	size_t n = q ? (size_t)(q - c->p) : (size_t)(c->end - c->p);
	c->line++;
	if (n && c->p[n - 1] == '\r')
		n--;
	if (n >= WS_SIM_OBS_LINE)
		return ws_err_set(e, WS_EFORMAT, "%s:%ld: line longer than %d bytes", c->name,
				  c->line, WS_SIM_OBS_LINE - 1);
	if (memchr(c->p, '\0', n))
		return ws_err_set(e, WS_EFORMAT, "%s:%ld: NUL byte (not a text file)", c->name,
				  c->line);
	memcpy(buf, c->p, n);
	buf[n] = 0;
	c->p = q ? q + 1 : c->end;
	return 1;
}

/* A count: a finite number >= 0, the whole field. */
static bool parse_count(const char *s, double *v)
{
	char *end;
	if (!*s)
		return false;
	errno = 0;
	*v = strtod(s, &end);
	return !*end && errno == 0 && isfinite(*v) && *v >= 0;
}

struct grow {
	size_t cap;
};

static void push(struct ws_sim_obs *o, struct grow *g, int64_t t, double src, double pr,
		 bool has_probes)
{
	if (o->n == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 64;
		o->t = ws_xreallocarray(o->t, g->cap, sizeof(*o->t));
		o->sources = ws_xreallocarray(o->sources, g->cap, sizeof(*o->sources));
		if (has_probes)
			o->probes = ws_xreallocarray(o->probes, g->cap, sizeof(*o->probes));
	}
	o->t[o->n] = t;
	o->sources[o->n] = src;
	if (has_probes)
		o->probes[o->n] = pr;
	o->n++;
}

static int parse_counts(struct cursor *c, char *buf, bool has_probes, struct ws_sim_obs *o,
			struct ws_err *e)
{
	struct grow g = {0};
	int rc;
	while ((rc = next_line(c, buf, e)) == 1) {
		if (buf[0] == '#' || buf[0] == 0)
			continue;
		char *f[4] = {buf, NULL, NULL, NULL};
		int nf = 1;
		for (char *p = buf; *p; p++)
			if (*p == ',') {
				*p = 0;
				if (nf == 4)
					break;
				f[nf++] = p + 1;
			}
		if (nf != (has_probes ? 3 : 2))
			return ws_err_set(e, WS_EFORMAT, "%s:%ld: want %d comma-separated fields "
					  "(time_utc,distinct_sources%s), got %d", c->name, c->line,
					  has_probes ? 3 : 2, has_probes ? ",probes" : "", nf);
		int64_t t;
		if (!ws_time_parse_iso(ws_str_make(f[0], strlen(f[0])), &t))
			return ws_err_set(e, WS_EFORMAT, "%s:%ld: time_utc: want an ISO 8601 time "
					  "such as 2001-08-01T01:00:00Z", c->name, c->line);
		double s, pr = 0;
		if (!parse_count(f[1], &s))
			return ws_err_set(e, WS_EFORMAT, "%s:%ld: distinct_sources: want a count >= 0",
					  c->name, c->line);
		if (has_probes && !parse_count(f[2], &pr))
			return ws_err_set(e, WS_EFORMAT, "%s:%ld: probes: want a count >= 0", c->name,
					  c->line);
		if (o->n && t <= o->t[o->n - 1])
			return ws_err_set(e, WS_EFORMAT, "%s:%ld: times must increase row by row",
					  c->name, c->line);
		if (o->n >= WS_SIM_OBS_MAX)
			return ws_err_set(e, WS_EFORMAT, "%s:%ld: more than %u rows", c->name, c->line,
					  WS_SIM_OBS_MAX);
		push(o, &g, t, s, pr, has_probes);
	}
	return rc;
}

static int cmp_time(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Field k (0-based) of a tab-separated line into out (truncated to cap). */
static void field(const char *buf, int k, char *out, size_t cap)
{
	const char *p = buf;
	for (int i = 0; i < k && p; i++) {
		p = strchr(p, '\t');
		if (p)
			p++;
	}
	size_t n = p ? strcspn(p, "\t") : 0;
	if (n >= cap)
		n = cap - 1;
	if (n)
		memcpy(out, p, n);
	out[n] = 0;
}

/* Seconds since the epoch; 2^33 s (the year 2242) bounds it so that every
 * conversion to whole seconds is exact. */
static bool epoch_s(const char *s, double *v)
{
	return parse_count(s, v) && *v <= 8589934592.0;
}

/* A dotted IPv4 address (the ninth field of a simulated table). */
static bool ipv4(const char *s, uint32_t *a)
{
	unsigned b[4];
	char tail;
	if (sscanf(s, "%3u.%3u.%3u.%3u%c", &b[0], &b[1], &b[2], &b[3], &tail) != 4)
		return false;
	if (b[0] > 255 || b[1] > 255 || b[2] > 255 || b[3] > 255 || strspn(s, "0123456789.") !=
									 strlen(s))
		return false;
	*a = b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3];
	return true;
}

/* One host line of the CAIDA table: start, end, six descriptive fields and
 * an optional address. */
static int caida_line(struct cursor *c, const char *buf, struct ws_sim_obs_host *h,
		      struct ws_err *e)
{
	int tabs = 0;
	for (const char *p = buf; *p; p++)
		tabs += *p == '\t';
	if (tabs < 7)
		return ws_err_set(e, WS_EFORMAT, "%s:%ld: want at least 8 tab-separated fields "
				  "(CAIDA Code-Red table), got %d", c->name, c->line, tabs + 1);
	char f[64];
	field(buf, 0, f, sizeof(f));
	if (!epoch_s(f, &h->start))
		return ws_err_set(e, WS_EFORMAT, "%s:%ld: start time: want seconds since the "
				  "epoch", c->name, c->line);
	field(buf, 1, f, sizeof(f));
	if (strcmp(f, "-") == 0 || f[0] == 0)
		h->end = h->start;
	else if (!epoch_s(f, &h->end) || h->end < h->start)
		return ws_err_set(e, WS_EFORMAT, "%s:%ld: end time: want seconds since the "
				  "epoch, not before the start", c->name, c->line);
	h->has_addr = false;
	if (tabs >= 8) {
		field(buf, 8, f, sizeof(f));
		if (strcmp(f, "-") != 0 && f[0] && !(h->has_addr = ipv4(f, &h->addr)))
			return ws_err_set(e, WS_EFORMAT, "%s:%ld: address: want a dotted IPv4 "
					  "address or -", c->name, c->line);
	}
	return 0;
}

static int parse_caida(struct cursor *c, char *buf, bool first_is_data, struct ws_sim_obs *o,
		       struct ws_err *e)
{
	struct grow g = {0};
	size_t hcap = 0;
	int rc = 1;
	bool have = first_is_data;
	for (;;) {
		if (!have) {
			rc = next_line(c, buf, e);
			if (rc != 1)
				break;
		}
		have = false;
		if (buf[0] == '#' || buf[0] == 0 || strncmp(buf, "start_time", 10) == 0)
			continue;
		struct ws_sim_obs_host h;
		if (caida_line(c, buf, &h, e))
			return WS_EFORMAT;
		if (o->n >= WS_SIM_OBS_MAX)
			return ws_err_set(e, WS_EFORMAT, "%s:%ld: more than %u hosts", c->name,
					  c->line, WS_SIM_OBS_MAX);
		if (o->n == hcap) {
			hcap = hcap ? 2 * hcap : 64;
			o->hosts = ws_xreallocarray(o->hosts, hcap, sizeof(*o->hosts));
		}
		o->hosts[o->n] = h;
		/* rounded up: a host first seen during second s counts from its end,
		 * as the model's intervals [a, b) count it */
		push(o, &g, (int64_t)ceil(h.start), 0, 0, false);
	}
	if (rc < 0)
		return rc;
	/* the cumulative count of hosts first seen by each time */
	qsort(o->t, o->n, sizeof(*o->t), cmp_time);
	for (size_t i = 0; i < o->n; i++)
		o->sources[i] = (double)(i + 1);
	return 0;
}

int ws_sim_obs_parse(const char *data, size_t len, const char *name, struct ws_sim_obs *o,
		     struct ws_err *e)
{
	memset(o, 0, sizeof(*o));
	struct cursor c = {data, data + len, name, 0};
	char *buf = ws_xmalloc(WS_SIM_OBS_LINE);
	int rc;
	/* the first line that is not a comment says which layout */
	while ((rc = next_line(&c, buf, e)) == 1 && (buf[0] == '#' || buf[0] == 0))
		;
	if (rc == 0)
		rc = ws_err_set(e, WS_EFORMAT, "%s: no observations (empty, or only comments)",
				name);
	else if (rc == 1) {
		if (strcmp(buf, "time_utc,distinct_sources") == 0) {
			rc = parse_counts(&c, buf, false, o, e);
		} else if (strcmp(buf, "time_utc,distinct_sources,probes") == 0) {
			rc = parse_counts(&c, buf, true, o, e);
		} else if (strchr(buf, '\t')) {
			o->kind = WS_SIM_OBS_CAIDA;
			rc = parse_caida(&c, buf, true, o, e);
		} else {
			rc = ws_err_set(e, WS_EFORMAT, "%s:%ld: want the header "
					"time_utc,distinct_sources[,probes] or CAIDA's tab-separated "
					"host table", name, c.line);
		}
		if (rc == 0 && o->n == 0)
			rc = ws_err_set(e, WS_EFORMAT, "%s: no observations after the header", name);
	}
	free(buf);
	if (rc)
		ws_sim_obs_free(o);
	return rc;
}

int ws_sim_obs_load(const char *path, struct ws_sim_obs *o, struct ws_err *e)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return ws_err_set(e, WS_EIO, "%s: %s", path, strerror(errno));
	struct ws_buf b = {0};
	char chunk[65536];
	size_t n;
	int rc = 0;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		/* a bound well above the largest table (10^7 hosts of ~100 bytes) */
		if (b.n + n > ((size_t)2 << 30)) {
			rc = ws_err_set(e, WS_EFORMAT, "%s: larger than 2 GiB", path);
			break;
		}
		ws_buf_add(&b, chunk, n);
	}
	if (!rc && ferror(f))
		rc = ws_err_set(e, WS_EIO, "%s: %s", path, strerror(errno));
	fclose(f);
	if (!rc)
		rc = ws_sim_obs_parse(b.p ? b.p : "", b.n, path, o, e);
	ws_buf_free(&b);
	return rc;
}

void ws_sim_obs_free(struct ws_sim_obs *o)
{
	free(o->t);
	free(o->sources);
	free(o->probes);
	free(o->hosts);
	memset(o, 0, sizeof(*o));
}

long ws_sim_obs_row(const struct ws_sim_scenario *sc, size_t n_rows, int64_t t)
{
	/* rows are labelled by their end: a time belongs to the first row that
	 * ends at or after it */
	double off = (double)(t - sc->start);
	if (off < 0 || off > sc->duration_h * 3600.0)
		return -1;
	double j = off > 0 ? ceil(off / sc->interval_s) - 1 : 0;
	return j < (double)n_rows ? (long)j : -1;
}

/* The growth constant of ln(v) over the exponential phase: the positive
 * points up to half the largest value when the curve levels off, else up
 * to its largest (an observation that ends while still rising). */
static double growth_k(const struct ws_sim_obs *o, size_t imax)
{
	double sx = 0, sy = 0, sxx = 0, sxy = 0;
	double cap = imax + 1 < o->n || o->kind == WS_SIM_OBS_CAIDA ? 0.5 * o->sources[imax]
								       : o->sources[imax];
	size_t m = 0;
	for (size_t i = 0; i <= imax; i++) {
		if (o->sources[i] <= 0 || o->sources[i] > cap)
			continue;
		double x = (double)(o->t[i] - o->t[0]) / 3600.0, y = log(o->sources[i]);
		sx += x;
		sy += y;
		sxx += x * x;
		sxy += x * y;
		m++;
	}
	double d = (double)m * sxx - sx * sx;
	return m >= 3 && d > 0 ? ((double)m * sxy - sx * sy) / d : NAN;
}

void ws_sim_obs_compare(const struct ws_sim_scenario *sc, const struct ws_sim_ensemble *x,
			double n_hosts, const struct ws_sim_obs *o, struct ws_sim_obs_cmp *c)
{
	memset(c, 0, sizeof(*c));
	c->t50_obs = c->t50_model = c->offset_s = c->k_obs = NAN;
	const struct ws_sim_series *m = &x->med.s;
	/* A host table is what a telescope saw: compare it with the first
	 * telescope's cumulative sources when there is one. */
	const double *model = o->kind == WS_SIM_OBS_CAIDA && sc->n_telescopes ? m->tel_seen
									      : m->infected;
	size_t imax = 0;
	for (size_t i = 0; i < o->n; i++) {
		if (o->sources[i] > o->sources[imax])
			imax = i;
		long j = ws_sim_obs_row(sc, m->n, o->t[i]);
		if (j < 0)
			continue;
		c->n_in++;
		/* the last observation of each output interval stands for it (a
		 * host table's count at the interval's end) */
		if (i + 1 < o->n && ws_sim_obs_row(sc, m->n, o->t[i + 1]) == j)
			continue;
		double gap = fabs(o->sources[i] - model[j]);
		if (gap > c->max_gap || c->n_in == 1) {
			c->max_gap = gap;
			c->max_gap_at = o->t[i];
		}
	}
	c->max_gap_share = n_hosts > 0 ? c->max_gap / n_hosts : NAN;
	/* a cumulative count (a host table) ends at its plateau: half of it is
	 * the 50 % point; a series of counts levels when its largest value is
	 * not its last */
	c->obs_levels = o->kind == WS_SIM_OBS_CAIDA || imax + 1 < o->n;
	c->k_obs = growth_k(o, imax);
	for (size_t i = 0; i < o->n; i++)
		if (o->sources[i] >= 0.5 * o->sources[imax] && o->sources[imax] > 0) {
			/* at the model's resolution: the end of the interval holding it */
			long j = ws_sim_obs_row(sc, m->n, o->t[i]);
			c->t50_obs = j >= 0 ? (double)sc->start + (double)(j + 1) * sc->interval_s
					    : (double)o->t[i];
			break;
		}
	double mmax = 0;
	for (size_t j = 0; j < m->n; j++)
		if (model[j] > mmax)
			mmax = model[j];
	for (size_t j = 0; j < m->n && mmax > 0; j++)
		if (model[j] >= 0.5 * mmax) {
			c->t50_model = (double)sc->start + (double)(j + 1) * sc->interval_s;
			break;
		}
	/* Half of a largest value that is the last point is no level: no offset. */
	if (c->obs_levels && !isnan(c->t50_obs) && !isnan(c->t50_model))
		c->offset_s = c->t50_model - c->t50_obs;
}
