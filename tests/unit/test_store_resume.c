/* SPDX-License-Identifier: MIT */
/* Resumable ingest (store/inputs.c, scan/ingest.c): the same file twice adds
 * nothing; a grown log is read from where it stopped (also a W3C log, whose
 * field list lies before the offset); an unfinished last line waits under
 * --follow; rotation by rename, by rename and later compression, and by
 * copytruncate; two logs that begin with the same bytes stay apart; a reused
 * name with new content is new; the simulated mark reaches the store. Each
 * time, the store's counts equal one clean ingest of the same lines. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <zlib.h>

#include <cmocka.h>

#include "storetest.h"

static int64_t sightings(const char *db)
{
	return st_sql(db, "SELECT count(*) FROM sightings");
}

static void test_same_file_twice(void **state)
{
	(void)state;
	const char *db = st_path("s.db"), *log = st_path("a.log");
	st_append(log, 1, 0, 50);
	const char *why;
	assert_int_equal(st_ingest(db, log, &why), 50);
	assert_string_equal(why, "new");
	assert_int_equal(st_ingest(db, log, &why), 0);
	assert_string_equal(why, "unchanged");
	assert_int_equal(sightings(db), 50);
	assert_int_equal(st_sql(db, "SELECT sightings FROM totals"), 50);
	assert_int_equal(st_sql(db, "SELECT count(*) FROM inputs"), 1);
}

/* Two sensors reading the same path (two web servers' own access.log, here
 * the same bytes): each is its own input, each resumes only its own, and
 * the per-sensor rollup adds up to the fleet's (issue 16). */
static void test_per_sensor(void **state)
{
	(void)state;
	const char *db = st_path("sen.db"), *log = st_path("sen.log");
	st_append(log, 1, 0, 40);
	const char *why;
	assert_int_equal(st_ingest_as(db, log, false, "web-1", &why), 40);
	assert_string_equal(why, "new");
	assert_int_equal(st_ingest_as(db, log, false, "web-2", &why), 40);
	assert_string_equal(why, "new");
	assert_int_equal(st_ingest_as(db, log, false, "web-1", &why), 0);
	assert_string_equal(why, "unchanged");
	st_append(log, 1, 100, 10);
	assert_int_equal(st_ingest_as(db, log, false, "web-2", &why), 10);
	assert_string_equal(why, "resumed");
	assert_int_equal(st_ingest_as(db, log, false, "web-1", &why), 10);
	assert_string_equal(why, "resumed");
	assert_int_equal(st_ingest_as(db, log, false, "web-2", &why), 0);
	assert_int_equal(sightings(db), 100);
	assert_int_equal(st_sql(db, "SELECT count(*) FROM inputs"), 2);
	assert_int_equal(st_sql(db, "SELECT count(DISTINCT sensor) FROM inputs"), 2);
	/* 40 sources, each seen by both sensors */
	assert_int_equal(st_sql(db, "SELECT count(*) FROM hosts"), 40);
	assert_int_equal(st_sql(db, "SELECT count(*) FROM host_sensors"), 80);
	assert_int_equal(st_sql(db, "SELECT sum(requests) FROM host_sensors"), 100);
	assert_int_equal(st_sql(db, "SELECT sum(requests) FROM hosts"), 100);
	assert_int_equal(st_sql(db, "SELECT sum(requests) FROM host_sensors s JOIN sensors n"
				    " ON n.id = s.sensor WHERE n.name = 'web-1'"),
			 50);
	/* a name that cannot be a sensor is refused before anything is written */
	struct ws_store *st;
	struct ws_err err;
	assert_int_not_equal(ws_store_open_as(db, WS_STORE_RW, "bad name\n", &st, &err), 0);
	assert_non_null(strstr(err.msg, "sensor"));
}

static void test_grown(void **state)
{
	(void)state;
	const char *db = st_path("g.db"), *clean = st_path("clean.db"), *log = st_path("g.log"),
		   *all = st_path("all.log");
	st_append(log, 1, 0, 30);
	const char *why;
	assert_int_equal(st_ingest(db, log, &why), 30);
	st_append(log, 7, 100, 20);
	assert_int_equal(st_ingest(db, log, &why), 20);
	assert_string_equal(why, "resumed");
	assert_int_equal(st_sql(db, "SELECT max(line) FROM sightings"), 50);
	assert_int_equal(st_sql(db, "SELECT lines FROM inputs"), 50);
	/* the same 50 lines in one go give the same store */
	st_append(all, 1, 0, 30);
	st_append(all, 7, 100, 20);
	assert_int_equal(st_ingest(clean, all, NULL), 50);
	struct st_counts a, b;
	st_counts(db, &a);
	st_counts(clean, &b);
	st_assert_counts_equal(&a, &b);
}

static void test_follow_holds_partial_line(void **state)
{
	(void)state;
	const char *db = st_path("f.db"), *log = st_path("f.log");
	st_append(log, 1, 0, 3);
	FILE *f = fopen(log, "a");
	fputs("10.9.9.9 - - [04/Aug/2001:01:00:00 +0000] \"GET /default.ida?XXXX", f);
	fclose(f);
	assert_int_equal(st_ingest_opts(db, log, true, NULL), 3);
	f = fopen(log, "a");
	fputs("XXXX HTTP/1.0\" 404 284 \"-\" \"-\"\n", f); /* the writer finishes it */
	fclose(f);
	assert_int_equal(st_ingest_opts(db, log, true, NULL), 1);
	assert_int_equal(st_sql(db, "SELECT max(line) FROM sightings"), 4);
	assert_int_equal(st_sql(db, "SELECT count(*) FROM hosts WHERE hex(addr) = '0A090909'"), 1);
}

static void test_w3c_resume(void **state)
{
	(void)state;
	const char *db = st_path("w.db"), *log = st_path("ex010804.log");
	FILE *f = fopen(log, "w");
	fputs("#Software: Microsoft Internet Information Services 5.0\n#Version: 1.0\n"
	      "#Date: 2001-08-04 00:00:00\n#Fields: date time c-ip cs-method cs-uri-stem "
	      "cs-uri-query sc-status\n",
	      f);
	fputs("2001-08-04 00:00:01 10.0.0.1 GET /default.ida XXXX 404\n", f);
	fclose(f);
	assert_int_equal(st_ingest(db, log, NULL), 1);
	f = fopen(log, "a");
	fputs("2001-08-04 00:00:02 10.0.0.2 GET /default.ida XXXX 404\n", f);
	fputs("2001-08-04 00:00:03 10.0.0.3 GET /scripts/root.exe /c+dir 404\n", f);
	fclose(f);
	/* the field list is before the offset: it must still be known */
	assert_int_equal(st_ingest(db, log, NULL), 2);
	assert_int_equal(sightings(db), 3);
	assert_int_equal(st_sql(db, "SELECT count(*) FROM hosts"), 3);
}

static void test_rotate_rename(void **state)
{
	(void)state;
	const char *db = st_path("r.db"), *log = st_path("r.log"), *old = st_path("r.log.1");
	st_append(log, 1, 0, 40);
	assert_int_equal(st_ingest(db, log, NULL), 40);
	st_append(log, 2, 50, 10); /* written after our read, before rotation */
	assert_int_equal(rename(log, old), 0);
	st_append(log, 3, 200, 25); /* the new file under the old name */
	const char *why;
	assert_int_equal(st_ingest(db, old, &why), 10);
	assert_string_equal(why, "resumed");
	assert_int_equal(st_ingest(db, log, &why), 25);
	assert_string_equal(why, "new");
	assert_int_equal(st_ingest(db, old, &why), 0);
	assert_int_equal(sightings(db), 75);
	assert_int_equal(st_sql(db, "SELECT count(*) FROM inputs"), 2);
}

static void test_rotate_live_name_only(void **state)
{
	(void)state;
	const char *db = st_path("ln.db"), *log = st_path("ln.log"), *old = st_path("ln.log.1");
	st_append(log, 1, 0, 40);
	assert_int_equal(st_ingest(db, log, NULL), 40);
	st_append(log, 2, 50, 10); /* written after our read, before rotation */
	assert_int_equal(rename(log, old), 0);
	st_append(log, 3, 200, 25);
	/* only the live name is given (tail -F): the rest of the old file is
	 * found beside it by its inode and read first */
	assert_int_equal(st_ingest(db, log, NULL), 35);
	assert_int_equal(st_ingest(db, old, NULL), 0);
	assert_int_equal(st_ingest(db, log, NULL), 0);
	assert_int_equal(sightings(db), 75);
}

static void gzip_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb");
	gzFile out = gzopen(to, "wb");
	assert_non_null(in);
	assert_non_null(out);
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		assert_int_equal(gzwrite(out, buf, (unsigned)n), (int)n);
	fclose(in);
	assert_int_equal(gzclose(out), Z_OK);
	unlink(from);
}

static void test_rotate_compressed_later(void **state)
{
	(void)state;
	const char *db = st_path("c.db"), *log = st_path("c.log"), *old = st_path("c.log.1"),
		   *gz = st_path("c.log.2.gz");
	st_append(log, 1, 0, 300); /* more than the 4 KiB head */
	assert_int_equal(st_ingest(db, log, NULL), 300);
	st_append(log, 2, 400, 7);
	assert_int_equal(rename(log, old), 0);
	st_append(log, 3, 900, 5);
	gzip_file(old, gz); /* compressed before we looked again */
	const char *why;
	assert_int_equal(st_ingest(db, gz, &why), 7);
	assert_string_equal(why, "rotated");
	assert_int_equal(st_ingest(db, gz, &why), 0);
	assert_string_equal(why, "unchanged");
	assert_int_equal(st_ingest(db, log, &why), 5);
	assert_string_equal(why, "new");
	assert_int_equal(sightings(db), 312);
}

/* What copytruncate does first: copy the live log aside, byte for byte. */
static void copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	assert_non_null(in);
	assert_non_null(out);
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		assert_int_equal(fwrite(buf, 1, n, out), n);
	fclose(in);
	assert_int_equal(fclose(out), 0);
}

static void test_copytruncate(void **state)
{
	(void)state;
	const char *db = st_path("t.db"), *log = st_path("t.log"), *copy = st_path("t.log.1");
	st_append(log, 1, 0, 60);
	assert_int_equal(st_ingest(db, log, NULL), 60);
	/* copytruncate: copy away, then cut the live file to zero in place */
	copy_file(log, copy);
	assert_int_equal(truncate(log, 0), 0);
	st_append(log, 500, 1000, 8); /* new content, shorter than the old offset */
	const char *why;
	assert_int_equal(st_ingest(db, log, &why), 8);
	assert_string_equal(why, "truncated");
	assert_int_equal(st_sql(db, "SELECT min(line) FROM sightings WHERE input_id = 2"), 1);
	assert_int_equal(sightings(db), 68);
	assert_int_equal(st_ingest(db, log, &why), 0);
	/* the copy holds the old content: known, nothing new in it */
	assert_int_equal(st_ingest(db, copy, &why), 0);
	assert_string_equal(why, "rotated");
	assert_int_equal(sightings(db), 68);
}

/* copytruncate, but the copy is scanned before the truncated live file: the
 * live file's inode is still under its name, yet its content is no longer
 * the content the row read, so the copy is that row's rotated content. */
static void test_copytruncate_copy_first(void **state)
{
	(void)state;
	const char *db = st_path("tc.db"), *log = st_path("tc.log"), *copy = st_path("tc.log.1");
	st_append(log, 1, 0, 60);
	assert_int_equal(st_ingest(db, log, NULL), 60);
	st_append(log, 2, 100, 4); /* written after our read, before rotation */
	copy_file(log, copy);
	assert_int_equal(truncate(log, 0), 0);
	st_append(log, 500, 1000, 8);
	const char *why;
	assert_int_equal(st_ingest(db, copy, &why), 4);
	assert_string_equal(why, "rotated");
	assert_int_equal(st_ingest(db, log, &why), 8);
	assert_int_equal(st_ingest(db, copy, &why), 0);
	assert_int_equal(st_ingest(db, log, &why), 0);
	assert_int_equal(sightings(db), 72);
}

/* As above, but the live file has grown past the old offset again before the
 * copy is read: its head no longer matches, so the copy is still the row's. */
static void test_copytruncate_copy_first_regrown(void **state)
{
	(void)state;
	const char *db = st_path("tg.db"), *log = st_path("tg.log"), *copy = st_path("tg.log.1");
	st_append(log, 1, 0, 20);
	assert_int_equal(st_ingest(db, log, NULL), 20);
	copy_file(log, copy);
	assert_int_equal(truncate(log, 0), 0);
	st_append(log, 500, 1000, 40);
	const char *why;
	assert_int_equal(st_ingest(db, copy, &why), 0);
	assert_string_equal(why, "rotated");
	assert_int_equal(st_ingest(db, log, &why), 40);
	assert_int_equal(sightings(db), 60);
}

/* Ingests path with the stop flag (SIGINT/SIGTERM) already raised. */
static uint64_t ingest_stopped(const char *db, const char *path)
{
	static volatile sig_atomic_t stop = 1;
	struct st_run r;
	st_run_init(&r);
	struct ws_store *st;
	struct ws_err err;
	if (ws_store_open(db, WS_STORE_RW, &st, &err))
		fail_msg("%s", err.msg);
	struct ws_job_result res;
	ws_job_result_init(&res);
	struct ws_ingest_opts io = {.stop = &stop};
	const char *w = "";
	if (ws_ingest(st, &r.cfg, r.scratch, path, &io, NULL, &res, &w, &err))
		fail_msg("%s", err.msg);
	assert_int_equal(ws_store_close(st, &err), 0);
	uint64_t n = res.sightings;
	ws_job_result_free(&res);
	st_run_free(&r);
	return n;
}

/* Ctrl-C commits what was read with the offset reached: the same command
 * run again reads only the rest, so nothing is doubled. */
static void test_stop_commits_offset(void **state)
{
	(void)state;
	const char *db = st_path("stop.db"), *log = st_path("stop.log");
	/* past one 8 MiB read, so that the stop is seen between chunks */
	const unsigned n = 20000;
	st_append(log, 1, 0, n);
	uint64_t first = ingest_stopped(db, log);
	assert_true(first > 0 && first < n);
	int64_t stored = sightings(db);
	assert_int_equal(st_sql(db, "SELECT count(*) FROM sightings WHERE line > (SELECT lines"
				    " FROM inputs)"),
			 0);
	uint64_t rest = st_ingest(db, log, NULL);
	assert_int_equal(sightings(db), n);
	assert_int_equal(stored + (int64_t)rest, n);
}

static void test_same_first_bytes(void **state)
{
	(void)state;
	const char *db = st_path("sb.db"), *a = st_path("a.log"), *b = st_path("b.log");
	/* identical first 200 lines (well past the 4 KiB head), then different */
	st_append(a, 1, 0, 200);
	st_append(b, 1, 0, 200);
	assert_int_equal(st_ingest(db, a, NULL), 200);
	const char *why;
	assert_int_equal(st_ingest(db, b, &why), 200);
	assert_string_equal(why, "new");
	st_append(a, 10, 300, 5);
	st_append(b, 20, 300, 9);
	assert_int_equal(st_ingest(db, b, NULL), 9);
	assert_int_equal(st_ingest(db, a, NULL), 5);
	assert_int_equal(st_ingest(db, a, NULL), 0);
	assert_int_equal(st_ingest(db, b, NULL), 0);
	assert_int_equal(sightings(db), 414);
	assert_int_equal(st_sql(db, "SELECT count(*) FROM inputs"), 2);
}

static void test_replaced_content(void **state)
{
	(void)state;
	const char *db = st_path("rp.db"), *log = st_path("rp.log");
	st_append(log, 1, 0, 20);
	assert_int_equal(st_ingest(db, log, NULL), 20);
	/* rewritten in place with other lines (same inode, longer than before) */
	FILE *f = fopen(log, "w");
	for (unsigned i = 0; i < 40; i++)
		st_benign(f, i);
	fclose(f);
	st_append(log, 900, 0, 30);
	const char *why;
	assert_int_equal(st_ingest(db, log, &why), 30);
	assert_string_equal(why, "replaced");
	assert_int_equal(sightings(db), 50);
}

static void test_simulated_mark(void **state)
{
	(void)state;
	const char *db = st_path("sim.db"), *log = st_path("sim.log");
	FILE *f = fopen(log, "w");
	fputs(WS_SIMULATED_MARK "\n", f);
	fclose(f);
	st_append(log, 1, 0, 6);
	assert_int_equal(st_ingest(db, log, NULL), 6);
	st_append(log, 2, 10, 4);
	assert_int_equal(st_ingest(db, log, NULL), 4); /* resumed: still simulated */
	assert_int_equal(st_sql(db, "SELECT count(*) FROM sightings WHERE simulated"), 10);
	assert_int_equal(st_sql(db, "SELECT simulated FROM inputs"), 1);
	assert_int_equal(st_sql(db, "SELECT simulated FROM totals"), 1);
	assert_int_equal(st_sql(db, "SELECT count(*) FROM hosts WHERE NOT simulated"), 0);
	assert_int_equal(st_sql(db, "SELECT min(line) FROM sightings"), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_same_file_twice, st_setup, st_teardown),
		cmocka_unit_test_setup_teardown(test_per_sensor, st_setup, st_teardown),
		cmocka_unit_test_setup_teardown(test_grown, st_setup, st_teardown),
		cmocka_unit_test_setup_teardown(test_follow_holds_partial_line, st_setup, st_teardown),
		cmocka_unit_test_setup_teardown(test_w3c_resume, st_setup, st_teardown),
		cmocka_unit_test_setup_teardown(test_rotate_rename, st_setup, st_teardown),
		cmocka_unit_test_setup_teardown(test_rotate_live_name_only, st_setup, st_teardown),
		cmocka_unit_test_setup_teardown(test_rotate_compressed_later, st_setup, st_teardown),
		cmocka_unit_test_setup_teardown(test_copytruncate, st_setup, st_teardown),
		cmocka_unit_test_setup_teardown(test_copytruncate_copy_first, st_setup, st_teardown),
		cmocka_unit_test_setup_teardown(test_copytruncate_copy_first_regrown, st_setup,
						st_teardown),
		cmocka_unit_test_setup_teardown(test_stop_commits_offset, st_setup, st_teardown),
		cmocka_unit_test_setup_teardown(test_same_first_bytes, st_setup, st_teardown),
		cmocka_unit_test_setup_teardown(test_replaced_content, st_setup, st_teardown),
		cmocka_unit_test_setup_teardown(test_simulated_mark, st_setup, st_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
