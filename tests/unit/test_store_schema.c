/* SPDX-License-Identifier: MIT */
/* The store's schema and its failure modes: a new store is created at the
 * current version in WAL mode; an empty file (v0) and a v1 store are migrated
 * on open, keeping what they held; a store from a newer wormscope is refused
 * and left byte for byte as it was; corrupt, read-only, locked and full
 * stores give a one-line error naming the file, and what was committed
 * before stays; two scans filling one new store at once both get in. */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "storetest.h"

static void assert_names(const char *msg, const char *path)
{
	if (!strstr(msg, path))
		fail_msg("error does not name %s: %s", path, msg);
	if (strchr(msg, '\n'))
		fail_msg("error is not one line: %s", msg);
}

static void test_new_store(void **state)
{
	(void)state;
	const char *db = st_path("new.db");
	struct ws_store *st;
	struct ws_err err;
	assert_int_equal(ws_store_open(db, WS_STORE_RW, &st, &err), 0);
	assert_int_equal(ws_store_close(st, &err), 0);
	assert_int_equal(st_sql(db, "PRAGMA user_version"), WS_STORE_SCHEMA);
	const char *tables[] = {"inputs", "sightings", "hosts", "host_dests", "hourly",
				"status_mix", "nets", "worm_totals", "totals", "worms", "strings"};
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		char q[128];
		snprintf(q, sizeof(q), "SELECT count(*) FROM sqlite_master WHERE name = '%s'",
			 tables[i]);
		assert_int_equal(st_sql(db, q), 1);
	}
	sqlite3 *h;
	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	sqlite3_stmt *q;
	assert_int_equal(sqlite3_prepare_v2(h, "PRAGMA journal_mode", -1, &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(q, 0), "wal");
	sqlite3_finalize(q);
	sqlite3_close(h);
}

static void test_v0_to_current(void **state)
{
	(void)state;
	const char *db = st_path("v0.db");
	FILE *f = fopen(db, "w"); /* an empty file is an SQLite database at version 0 */
	assert_non_null(f);
	fclose(f);
	struct ws_store *st;
	struct ws_err err;
	assert_int_equal(ws_store_open(db, WS_STORE_RW, &st, &err), 0);
	assert_int_equal(ws_store_close(st, &err), 0);
	assert_int_equal(st_sql(db, "PRAGMA user_version"), WS_STORE_SCHEMA);
	assert_int_equal(st_sql(db, "SELECT count(*) FROM totals"), 1);
	/* read-only openers never migrate: a v0 file is refused by them */
	const char *db2 = st_path("v0b.db");
	f = fopen(db2, "w");
	fclose(f);
	assert_int_not_equal(ws_store_open(db2, WS_STORE_RO, &st, &err), 0);
	assert_names(err.msg, db2);
	assert_int_equal(st_sql(db2, "PRAGMA user_version"), 0);
}

static void test_v1_to_current(void **state)
{
	(void)state;
	const char *db = st_path("v1.db"), *log = st_path("v1.log");
	struct ws_store *st;
	struct ws_err err;
	assert_int_equal(ws_store_open_version(db, WS_STORE_RW, 1, &st, &err), 0);
	assert_int_equal(ws_store_close(st, &err), 0);
	assert_int_equal(st_sql(db, "PRAGMA user_version"), 1);
	assert_int_equal(
		st_sql(db, "SELECT count(*) FROM sqlite_master WHERE name = 'sightings_compromised'"),
		0);
	/* a v1 store with data in it */
	sqlite3 *h;
	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "UPDATE totals SET sightings = 7", NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(h);
	/* hosts (read-only) asks for a migration first */
	assert_int_not_equal(ws_store_open(db, WS_STORE_RO, &st, &err), 0);
	assert_non_null(strstr(err.msg, "migrate"));
	st_append(log, 1, 0, 3);
	assert_int_equal(st_ingest(db, log, NULL), 3);
	assert_int_equal(st_sql(db, "PRAGMA user_version"), WS_STORE_SCHEMA);
	assert_int_equal(
		st_sql(db, "SELECT count(*) FROM sqlite_master WHERE name = 'sightings_compromised'"),
		1);
	assert_int_equal(st_sql(db, "SELECT sightings FROM totals"), 7 + 3);
}

/* Schema 3 to 4 (sensors): what was there is given the migrating writer's
 * sensor, so that its next run resumes it (issue 16). */
static void test_v3_sensors(void **state)
{
	(void)state;
	const char *db = st_path("v3.db"), *log = st_path("v3.log");
	struct ws_store *st;
	struct ws_err err;
	assert_int_equal(ws_store_open_version(db, WS_STORE_RW, 3, &st, &err), 0);
	assert_int_equal(ws_store_close(st, &err), 0);
	sqlite3 *h;
	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h,
				      "INSERT INTO inputs(kind, name) VALUES('file', 'old.log');"
				      "INSERT INTO hosts VALUES(x'c0000201', 10, 20, 5, 0, 0, 0, 0, 0,"
				      " x'');",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(h);
	st_append(log, 1, 0, 3);
	assert_int_equal(st_ingest_as(db, log, false, "edge-7", NULL), 3);
	assert_int_equal(st_sql(db, "PRAGMA user_version"), WS_STORE_SCHEMA);
	assert_int_equal(st_sql(db, "SELECT count(*) FROM sensors"), 1);
	assert_int_equal(st_sql(db, "SELECT count(*) FROM inputs i JOIN sensors s"
				    " ON s.id = i.sensor WHERE s.name = 'edge-7'"),
			 2);
	assert_int_equal(st_sql(db, "SELECT requests FROM host_sensors WHERE addr = x'c0000201'"),
			 5);
	/* a second sensor is a new row, the old rows stay the first's */
	assert_int_equal(st_ingest_as(db, log, false, "edge-8", NULL), 3);
	assert_int_equal(st_sql(db, "SELECT count(*) FROM sensors"), 2);
	assert_int_equal(st_sql(db, "SELECT count(*) FROM inputs WHERE sensor = 1"), 2);
}

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char *buf = malloc(1 << 20);
	*n = fread(buf, 1, 1 << 20, f);
	fclose(f);
	return buf;
}

static void test_newer_refused(void **state)
{
	(void)state;
	const char *db = st_path("newer.db"), *log = st_path("newer.log");
	st_append(log, 1, 0, 5);
	assert_int_equal(st_ingest(db, log, NULL), 5);
	sqlite3 *h;
	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "PRAGMA journal_mode = DELETE; PRAGMA user_version = 99",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(h);
	size_t n1, n2;
	char *before = slurp(db, &n1);
	struct ws_store *st;
	struct ws_err err;
	assert_int_equal(ws_store_open(db, WS_STORE_RW, &st, &err), WS_EFORMAT);
	assert_names(err.msg, db);
	assert_non_null(strstr(err.msg, "newer"));
	assert_int_equal(ws_store_open(db, WS_STORE_RO, &st, &err), WS_EFORMAT);
	char *after = slurp(db, &n2);
	assert_int_equal(n1, n2);
	assert_memory_equal(before, after, n1);
	assert_int_equal(access(st_path("newer.db-wal"), F_OK), -1);
	free(before);
	free(after);
}

static void test_corrupt(void **state)
{
	(void)state;
	const char *db = st_path("corrupt.db");
	FILE *f = fopen(db, "wb");
	assert_non_null(f);
	for (int i = 0; i < 8192; i++)
		fputc((i * 7919) & 255, f);
	fclose(f);
	struct ws_store *st;
	struct ws_err err;
	int rc = ws_store_open(db, WS_STORE_RW, &st, &err);
	assert_int_not_equal(rc, 0);
	assert_names(err.msg, db);
	assert_non_null(strstr(err.msg, "corrupt"));
	assert_int_not_equal(ws_store_open(db, WS_STORE_RO, &st, &err), 0);
	assert_names(err.msg, db);
}

/* Makes path unwritable even for root (immutable flag), or by mode. */
static bool make_readonly(const char *path, bool on)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;
	int flags = 0;
	bool ok = ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0;
	if (ok) {
		flags = on ? flags | FS_IMMUTABLE_FL : flags & ~FS_IMMUTABLE_FL;
		ok = ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0;
	}
	close(fd);
	if (!ok && geteuid() != 0)
		ok = chmod(path, on ? 0444 : 0644) == 0;
	return ok;
}

static void test_readonly(void **state)
{
	(void)state;
	const char *db = st_path("ro.db"), *log = st_path("ro.log");
	st_append(log, 1, 0, 4);
	assert_int_equal(st_ingest(db, log, NULL), 4);
	if (!make_readonly(db, true))
		skip();
	struct ws_store *st;
	struct ws_err err;
	int rc = ws_store_open(db, WS_STORE_RW, &st, &err);
	make_readonly(db, false);
	assert_int_not_equal(rc, 0);
	assert_names(err.msg, db);
	assert_non_null(strstr(err.msg, "read-only"));
	assert_int_equal(st_sql(db, "SELECT count(*) FROM sightings"), 4);
}

static void test_locked(void **state)
{
	(void)state;
	const char *db = st_path("locked.db"), *log = st_path("locked.log"),
		   *log2 = st_path("locked2.log");
	st_append(log, 1, 0, 4);
	st_append(log2, 100, 0, 4);
	assert_int_equal(st_ingest(db, log, NULL), 4);
	sqlite3 *h;
	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "BEGIN EXCLUSIVE", NULL, NULL, NULL), SQLITE_OK);
	setenv("WS_STORE_BUSY_MS", "50", 1);
	struct ws_store *st;
	struct ws_err err;
	int rc = ws_store_open(db, WS_STORE_RW, &st, &err);
	if (rc == 0) {
		/* the store is current, so opening wrote nothing; the first write waits */
		struct st_run r;
		st_run_init(&r);
		struct ws_job_result res;
		ws_job_result_init(&res);
		struct ws_ingest_opts io = {0};
		const char *why;
		rc = ws_ingest(st, &r.cfg, r.scratch, log2, &io, NULL, &res, &why, &err);
		ws_job_result_free(&res);
		st_run_free(&r);
		struct ws_err e2;
		ws_store_close(st, &e2);
	}
	unsetenv("WS_STORE_BUSY_MS");
	assert_int_not_equal(rc, 0);
	assert_names(err.msg, db);
	assert_non_null(strstr(err.msg, "locked"));
	sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(h);
	assert_int_equal(st_sql(db, "SELECT count(*) FROM sightings"), 4);
	/* and once the lock is gone, the same file goes in whole */
	assert_int_equal(st_ingest(db, log2, NULL), 4);
	assert_int_equal(st_sql(db, "SELECT count(*) FROM sightings"), 8);
}

static void test_full(void **state)
{
	(void)state;
	const char *db = st_path("full.db"), *log = st_path("full.log"), *big = st_path("big.log");
	st_append(log, 1, 0, 10);
	assert_int_equal(st_ingest(db, log, NULL), 10);
	st_append(big, 1000, 0, 20000);
	struct ws_store *st;
	struct ws_err err;
	assert_int_equal(ws_store_open(db, WS_STORE_RW, &st, &err), 0);
	int64_t pages = st_sql(db, "PRAGMA page_count");
	char sql[64];
	snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %lld", (long long)pages + 4);
	assert_int_equal(sqlite3_exec(ws_store_db(st), sql, NULL, NULL, NULL), SQLITE_OK);
	struct st_run r;
	st_run_init(&r);
	struct ws_job_result res;
	ws_job_result_init(&res);
	/* Commits by batch only: the timed commit (every 5 s) would store a
	 * first part of big.log whenever this machine is slow enough, and the
	 * counts below would then depend on its speed (issue 12). */
	struct ws_ingest_opts io = {.commit_s = -1};
	const char *why;
	int rc = ws_ingest(st, &r.cfg, r.scratch, big, &io, NULL, &res, &why, &err);
	ws_job_result_free(&res);
	st_run_free(&r);
	assert_int_not_equal(rc, 0);
	assert_names(err.msg, db);
	assert_non_null(strstr(err.msg, "full"));
	struct ws_err e2;
	ws_store_close(st, &e2);
	assert_int_equal(st_sql(db, "SELECT count(*) FROM sightings"), 10);
	assert_int_equal(st_sql(db, "SELECT sightings FROM totals"), 10);
	/* with room again, the file (none of it committed) goes in whole */
	assert_int_equal(st_ingest(db, big, NULL), 20000);
	assert_int_equal(st_sql(db, "SELECT count(*) FROM sightings"), 20010);
}

/* Two scans creating and filling one new store at once: both get in, in
 * turn (the schema is created once, the second waits for the lock). */
static void test_two_writers(void **state)
{
	(void)state;
	char db[512], a[512], b[512];
	snprintf(db, sizeof(db), "%s", st_path("two.db"));
	snprintf(a, sizeof(a), "%s", st_path("a.log"));
	snprintf(b, sizeof(b), "%s", st_path("b.log"));
	st_append(a, 1, 0, 3000);
	st_append(b, 9000, 0, 2000);
	pid_t pid[2];
	for (int k = 0; k < 2; k++) {
		pid[k] = fork();
		assert_true(pid[k] >= 0);
		if (pid[k] == 0) {
			st_ingest(db, k ? b : a, NULL);
			_exit(0);
		}
	}
	for (int k = 0; k < 2; k++) {
		int status;
		assert_int_equal(waitpid(pid[k], &status, 0), pid[k]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	assert_int_equal(st_sql(db, "SELECT count(*) FROM sightings"), 5000);
	assert_int_equal(st_sql(db, "SELECT sightings FROM totals"), 5000);
	assert_int_equal(st_sql(db, "SELECT count(*) FROM inputs"), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_new_store, st_setup, st_teardown),
		cmocka_unit_test_setup_teardown(test_v0_to_current, st_setup, st_teardown),
		cmocka_unit_test_setup_teardown(test_v1_to_current, st_setup, st_teardown),
		cmocka_unit_test_setup_teardown(test_v3_sensors, st_setup, st_teardown),
		cmocka_unit_test_setup_teardown(test_newer_refused, st_setup, st_teardown),
		cmocka_unit_test_setup_teardown(test_corrupt, st_setup, st_teardown),
		cmocka_unit_test_setup_teardown(test_readonly, st_setup, st_teardown),
		cmocka_unit_test_setup_teardown(test_locked, st_setup, st_teardown),
		cmocka_unit_test_setup_teardown(test_full, st_setup, st_teardown),
		cmocka_unit_test_setup_teardown(test_two_writers, st_setup, st_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
