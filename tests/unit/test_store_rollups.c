/* SPDX-License-Identifier: MIT */
/* The store's rollups (hosts with their per-worm lists, worm totals,
 * totals, networks, host sensors) are written per batch and merged with
 * what earlier batches wrote. Sources here send up to five worms (more than
 * a pending source keeps inline, store/internal.h) and come back batches
 * later; with a commit every few sightings and with one commit, every
 * rollup must equal what the sightings themselves say. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "storetest.h"

#define SOURCES 320
#define ROUNDS 3

/* Request lines of five worms (code-red, nimda, nsiislog, ida-probe, and
 * Code Red II from st_line). */
static void worm_line(FILE *f, unsigned k, unsigned w, unsigned t)
{
	static const char *const req[] = {
		"/scripts/root.exe?/c+dir",
		"/scripts/nsiislog.dll",
		"/x.ida?x",
	};
	unsigned a = k % 5, b = k / 5;
	if (w == 0) {
		st_line(f, (a << 16) | (b << 8) | 1, t);
		return;
	}
	fprintf(f, "10.%u.%u.1 - - [04/Aug/2001:%02u:%02u:%02u +0000] \"GET ", a, b, t / 3600 % 24,
		t / 60 % 60, t % 60);
	if (w == 1) {
		fputs("/default.ida?", f);
		for (int i = 0; i < 224; i++)
			fputc('N', f);
		fputs("%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801"
		      "%u9090%u9090%u8190%u00c3%u0003%u8b00%u531b%u53ff%u0078%u0000%u00=a",
		      f);
	} else {
		fputs(req[w - 2], f);
	}
	fputs(" HTTP/1.0\" 404 284 \"-\" \"-\"\n", f);
}

/* Source k sends the worms of the bits of k % 32, once a round; rounds
 * come after every source, so a source returns many batches later. */
static void write_log(const char *path, unsigned head)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	st_benign(f, head); /* files that differ from their first bytes */
	unsigned t = 0;
	for (unsigned r = 0; r < ROUNDS; r++)
		for (unsigned k = 0; k < SOURCES; k++)
			for (unsigned w = 0; w < 5; w++)
				if ((k % 32) >> w & 1)
					worm_line(f, k, w, t += 7);
	assert_int_equal(fclose(f), 0);
}

/* Rows of sql that disagree: 0 wanted. */
static void assert_none(const char *db, const char *what, const char *sql)
{
	int64_t n = st_sql(db, sql);
	if (n != 0)
		fail_msg("%s: %lld rows disagree with the sightings", what, (long long)n);
}

/* hosts.worms, decoded, against the sightings per source and worm. */
static void check_worm_lists(const char *db, int64_t *pairs)
{
	sqlite3 *h;
	assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_stmt *q, *c;
	assert_int_equal(sqlite3_prepare_v2(h, "SELECT addr, worms FROM hosts", -1, &q, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h,
					    "SELECT count(*), min(ts), max(ts) FROM sightings"
					    " WHERE src = ?1 AND worm = ?2",
					    -1, &c, NULL),
			 SQLITE_OK);
	*pairs = 0;
	while (sqlite3_step(q) == SQLITE_ROW) {
		struct ws_hworm w[WS_MAX_WORMS];
		size_t n = ws_hworms_decode(sqlite3_column_blob(q, 1),
					    (size_t)sqlite3_column_bytes(q, 1), w, WS_MAX_WORMS);
		assert_true(n >= 1);
		for (size_t i = 0; i < n; i++) {
			sqlite3_bind_value(c, 1, sqlite3_column_value(q, 0));
			sqlite3_bind_int(c, 2, w[i].dbw);
			assert_int_equal(sqlite3_step(c), SQLITE_ROW);
			assert_int_equal(w[i].n, sqlite3_column_int64(c, 0));
			assert_int_equal(w[i].first, sqlite3_column_int64(c, 1));
			assert_int_equal(w[i].last, sqlite3_column_int64(c, 2));
			sqlite3_reset(c);
			++*pairs;
		}
	}
	sqlite3_finalize(c);
	sqlite3_finalize(q);
	sqlite3_close(h);
}

static void check_rollups(const char *db)
{
	assert_none(db, "hosts",
		    "SELECT count(*) FROM hosts h FULL JOIN (SELECT src, count(*) n, min(ts) f,"
		    " max(ts) l FROM sightings GROUP BY src) s ON s.src = h.addr"
		    " WHERE h.addr IS NULL OR s.src IS NULL OR h.requests != s.n OR h.first != s.f"
		    " OR h.last != s.l");
	assert_none(db, "host sensors",
		    "SELECT count(*) FROM hosts h LEFT JOIN host_sensors s ON s.addr = h.addr"
		    " WHERE s.addr IS NULL OR s.requests != h.requests OR s.first != h.first"
		    " OR s.last != h.last");
	assert_none(db, "worm totals",
		    "SELECT count(*) FROM worm_totals t FULL JOIN (SELECT worm, count(*) n,"
		    " count(DISTINCT src) d FROM sightings GROUP BY worm) s ON s.worm = t.worm"
		    " WHERE t.worm IS NULL OR s.worm IS NULL OR t.requests != s.n OR t.sources != s.d");
	assert_none(db, "totals",
		    "SELECT count(*) FROM totals WHERE sightings != (SELECT count(*) FROM sightings)"
		    " OR sources != (SELECT count(DISTINCT src) FROM sightings)");
	assert_none(db, "networks (/16)",
		    "SELECT count(*) FROM (SELECT * FROM nets WHERE level = 2) t FULL JOIN"
		    " (SELECT hex(substr(src, 1, 2)) || '0000' p, count(*) n, count(DISTINCT src) d FROM sightings"
		    " GROUP BY p) s ON s.p = hex(t.prefix) WHERE t.prefix IS NULL OR s.p IS NULL"
		    " OR t.requests != s.n OR t.sources != s.d");
	int64_t pairs;
	check_worm_lists(db, &pairs);
	/* every (source, worm) pair the sightings hold is in a list */
	assert_int_equal(pairs, st_sql(db, "SELECT count(*) FROM (SELECT DISTINCT src, worm FROM"
					   " sightings)"));
	/* sources with more worms than are kept inline made it whole */
	assert_true(st_sql(db, "SELECT count(*) FROM hosts WHERE length(worms) >= 4 * 25") > 0);
}

static void test_small_batches(void **state)
{
	(void)state;
	const char *log = st_path("mix.log");
	write_log(log, 1);
	const char *db = st_path("small.db");
	setenv("WS_STORE_BATCH", "7", 1);
	uint64_t n = st_ingest(db, log, NULL);
	unsetenv("WS_STORE_BATCH");
	assert_true(n > SOURCES * ROUNDS);
	assert_int_equal(st_sql(db, "SELECT count(*) FROM sightings"), (int64_t)n);
	check_rollups(db);
}

static void test_one_batch(void **state)
{
	(void)state;
	const char *log = st_path("mix.log");
	write_log(log, 1);
	const char *db = st_path("one.db");
	uint64_t n = st_ingest(db, log, NULL);
	assert_true(n > SOURCES * ROUNDS);
	check_rollups(db);
	/* a second file adds to the same sources */
	const char *more = st_path("more.log");
	write_log(more, 2);
	assert_int_equal(st_ingest(db, more, NULL), n);
	check_rollups(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_small_batches, st_setup, st_teardown),
		cmocka_unit_test_setup_teardown(test_one_batch, st_setup, st_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
