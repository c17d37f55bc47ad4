/* SPDX-License-Identifier: MIT */
/* Helpers for the store tests (test_store_*.c): a fresh temporary folder,
 * log files written line by line, ingesting a path the way `scan --db`
 * does, and the store's counts read back with plain SQL. Include after
 * cmocka.h. */
#ifndef WS_TEST_STORETEST_H
#define WS_TEST_STORETEST_H

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "classify/classify.h"
#include "scan/scan.h"
#include "scan/ingest.h"
#include "store/internal.h"
#include "store/store.h"
#include "store/writer.h"

static char st_dir[256];

static inline void st_rmdir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	char p[512];
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

static inline int st_setup(void **state)
{
	(void)state;
	snprintf(st_dir, sizeof(st_dir), "%s/ws-store-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	return mkdtemp(st_dir) ? 0 : -1;
}

static inline int st_teardown(void **state)
{
	(void)state;
	st_rmdir(st_dir);
	return 0;
}

/* st_dir/name, in a static buffer (one of eight, rotating: copy it to keep
 * it longer). */
static inline const char *st_path(const char *name)
{
	static char buf[8][512];
	static int k;
	k = (k + 1) % 8;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", st_dir, name);
	return buf[k];
}

/* One Apache combined line: a Code Red II request from 10.a.b.c at time t
 * (seconds after 2001-08-04 00:00 UTC), status 404. */
static inline void st_line(FILE *f, unsigned src, unsigned t)
{
	unsigned h = t / 3600, m = t / 60 % 60, s = t % 60;
	fprintf(f, "10.%u.%u.%u - - [04/Aug/2001:%02u:%02u:%02u +0000] \"GET /default.ida?",
		(src >> 16) & 255, (src >> 8) & 255, src & 255, h % 24, m, s);
	for (int i = 0; i < 224; i++)
		fputc('X', f);
	fputs("%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090"
	      "%u9090%u8190%u00c3%u0003%u8b00%u531b%u53ff%u0078%u0000%u00=a HTTP/1.0\" 404 284 "
	      "\"-\" \"-\"\n",
	      f);
}

/* A benign line, for padding. */
static inline void st_benign(FILE *f, unsigned k)
{
	fprintf(f, "192.0.2.%u - - [04/Aug/2001:10:00:00 +0000] \"GET /index.html?k=%u HTTP/1.0\" "
		   "200 512 \"-\" \"Mozilla/4.0\"\n",
		k % 250 + 1, k);
}

/* Appends n worm lines (sources src0.., times t0..) to path. */
static inline void st_append(const char *path, unsigned src0, unsigned t0, unsigned n)
{
	FILE *f = fopen(path, "a");
	assert_non_null(f);
	for (unsigned i = 0; i < n; i++)
		st_line(f, src0 + i % 5000, t0 + i);
	assert_int_equal(fclose(f), 0);
}

/* The crash tests' kill point (what cli/hooks.c sets for WS_STORE_KILL_AFTER):
 * SIGKILL right after this process's k-th commit. */
static long st_kill_at;

static inline void st_kill_hook(long commits)
{
	if (commits >= st_kill_at)
		raise(SIGKILL);
}

static inline void st_kill_after(long k)
{
	st_kill_at = k;
	ws_writer_set_commit_hook(st_kill_hook);
}

struct st_run {
	struct ws_prefilter *pf;
	struct ws_prefilter_scratch *scratch;
	struct ws_scan_config cfg;
};

static inline void st_run_init(struct st_run *r)
{
	struct ws_err err;
	memset(r, 0, sizeof(*r));
	assert_int_equal(ws_prefilter_new(&r->pf, &err), 0);
	assert_int_equal(ws_prefilter_scratch_new(r->pf, &r->scratch, &err), 0);
	r->cfg = (struct ws_scan_config){.log_format = "auto", .worm_mask = 0xffffffffu,
					 .pf = r->pf};
}

static inline void st_run_free(struct st_run *r)
{
	ws_prefilter_scratch_free(r->scratch);
	ws_prefilter_free(r->pf);
}

/* Ingests path into the store at db as sensor (NULL: the host name);
 * returns the sightings read this time and what the store made of the file
 * in *why (may be NULL). */
static inline uint64_t st_ingest_as(const char *db, const char *path, bool follow,
				    const char *sensor, const char **why)
{
	struct st_run r;
	st_run_init(&r);
	struct ws_store *st;
	struct ws_err err;
	int rc = ws_store_open_as(db, WS_STORE_RW, sensor, &st, &err);
	if (rc)
		fail_msg("%s", err.msg);
	struct ws_job_result res;
	ws_job_result_init(&res);
	struct ws_ingest_opts io = {.follow = follow};
	const char *w = "";
	rc = ws_ingest(st, &r.cfg, r.scratch, path, &io, NULL, &res, &w, &err);
	if (rc)
		fail_msg("%s", err.msg);
	assert_int_equal(res.rc, 0);
	assert_int_equal(ws_store_close(st, &err), 0);
	if (why)
		*why = w;
	uint64_t n = res.sightings;
	ws_job_result_free(&res);
	st_run_free(&r);
	return n;
}

static inline uint64_t st_ingest_opts(const char *db, const char *path, bool follow, const char **why)
{
	return st_ingest_as(db, path, follow, NULL, why);
}

static inline uint64_t st_ingest(const char *db, const char *path, const char **why)
{
	return st_ingest_opts(db, path, false, why);
}

/* One number from SQL over the store at db. */
static inline int64_t st_sql(const char *db, const char *sql)
{
	sqlite3 *h;
	assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(h, sql, -1, &q, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(h));
	int64_t v = -1;
	if (sqlite3_step(q) == SQLITE_ROW)
		v = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	sqlite3_close(h);
	return v;
}

/* Everything a rerun must reproduce, as one comparable record. */
struct st_counts {
	int64_t sightings, distinct_lines, hosts, host_requests, hourly, status, nets8, nets16,
		worm_sources, totals, totals_sources, input_sightings;
};

static inline void st_counts(const char *db, struct st_counts *c)
{
	c->sightings = st_sql(db, "SELECT count(*) FROM sightings");
	c->distinct_lines = st_sql(db, "SELECT count(*) FROM (SELECT DISTINCT input_id, line FROM"
				       " sightings)");
	c->hosts = st_sql(db, "SELECT count(*) FROM hosts");
	c->host_requests = st_sql(db, "SELECT sum(requests) FROM hosts");
	c->hourly = st_sql(db, "SELECT sum(requests) FROM hourly");
	c->status = st_sql(db, "SELECT sum(count) FROM status_mix");
	c->nets8 = st_sql(db, "SELECT sum(requests) + 1000000 * sum(sources) FROM nets WHERE level = 1");
	c->nets16 = st_sql(db, "SELECT sum(requests) + 1000000 * sum(sources) FROM nets WHERE level = 2");
	c->worm_sources = st_sql(db, "SELECT sum(sources) FROM worm_totals");
	c->totals = st_sql(db, "SELECT sightings FROM totals");
	c->totals_sources = st_sql(db, "SELECT sources FROM totals");
	c->input_sightings = st_sql(db, "SELECT sum(sightings) FROM inputs");
}

static inline void st_assert_counts_equal(const struct st_counts *a, const struct st_counts *b)
{
	assert_int_equal(a->sightings, b->sightings);
	assert_int_equal(a->distinct_lines, b->distinct_lines);
	assert_int_equal(a->hosts, b->hosts);
	assert_int_equal(a->host_requests, b->host_requests);
	assert_int_equal(a->hourly, b->hourly);
	assert_int_equal(a->status, b->status);
	assert_int_equal(a->nets8, b->nets8);
	assert_int_equal(a->nets16, b->nets16);
	assert_int_equal(a->worm_sources, b->worm_sources);
	assert_int_equal(a->totals, b->totals);
	assert_int_equal(a->totals_sources, b->totals_sources);
	assert_int_equal(a->input_sightings, b->input_sightings);
}

#endif
