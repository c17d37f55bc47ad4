/* SPDX-License-Identifier: MIT */
/* scan --db -j N (scan/split.c): a plain file cut into small parts
 * (WS_STORE_PART) and scanned by two threads must leave exactly the store
 * and the output of a one-thread ingest: every table row for row, the
 * sightings' JSON lines byte for byte, Nimda probe numbers that depend on
 * what a source sent in earlier parts, resume from a grown file, and a
 * SIGKILL after a commit at a part end followed by a rerun. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "storetest.h"

#define LINES 12000
#define PART "65536" /* about 70 parts */

static const char *const nimda[] = {
	"/scripts/root.exe?/c+dir", "/MSADC/root.exe?/c+dir", "/c/winnt/system32/cmd.exe?/c+dir",
	"/d/winnt/system32/cmd.exe?/c+dir", "/scripts/..%255c../winnt/system32/cmd.exe?/c+dir",
};

/* Lines [from, to) of the test log: Code Red II from 3000 sources, Nimda
 * probes from 40 sources spread over the whole file, benign lines, and now
 * and then an unparsable line that the pre-filter points at. */
static void write_lines(const char *path, const char *mode, unsigned from, unsigned to)
{
	FILE *f = fopen(path, mode);
	assert_non_null(f);
	for (unsigned i = from; i < to; i++) {
		if (i % 4 == 3)
			st_benign(f, i);
		else if (i % 10 == 5)
			fprintf(f, "10.9.0.%u - - [04/Aug/2001:11:%02u:00 +0000] \"GET %s HTTP/1.0\" "
				   "404 300 \"-\" \"-\"\n",
				(i * 13) % 40 + 1, i % 60, nimda[(i / 10) % 5]);
		else if (i > 1000 && i % 997 == 0)
			fprintf(f, "garbage without a date GET /default.ida?NNNN %u\n", i);
		else if (i == 7001 || i == 9001)
			/* odd fields far into the file: the summary names their line */
			fprintf(f, "%s - - [%s +0000] \"GET /scripts/root.exe?/c+dir HTTP/1.0\" 404 9 \"-\" \"-\"\n",
				i == 7001 ? "not-an-address" : "10.9.9.9",
				i == 7001 ? "04/Aug/2001:11:00:00" : "04/Aug/2001:99:00:00");
		else
			st_line(f, (i * 7919u) % 3000u, i * 3u);
	}
	assert_int_equal(fclose(f), 0);
}

/* An IIS native log: its stems are decoded, so two of Nimda's probes look
 * alike and a line's probe number depends on what its source sent before,
 * possibly parts earlier. In its second half some probes got a success
 * answer: the summary's examples, which name their line, come from a part
 * far from the first. */
static void write_iis(const char *path)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	for (unsigned i = 0; i < LINES; i++) {
		const char *stem = i % 3 ? "/index.html" : i % 2 ? "/scripts/..%5c../winnt/system32/cmd.exe"
								    : "/scripts/..%35c../winnt/system32/cmd.exe";
		fprintf(f, "%s.%u, -, 08/04/01, 11:%02u:%02u, W3SVC1, WEB1, 192.0.2.1, 10, 100, 300, "
			   "%d, 3, GET, %s, %s,\n",
			i % 3 ? "192.0.2" : "10.9.0", i % 7 + 1, i / 60 % 60, i % 60,
			i % 3 || (i > LINES / 2 && i % 9 == 0) ? 200 : 404,
			stem, i % 3 ? "-" : "/c+dir");
	}
	assert_int_equal(fclose(f), 0);
}

/* Ingests path into db with `jobs` threads, the sightings as JSON lines to
 * out (may be NULL); returns the sightings read. */
static uint64_t ingest_j(const char *db, const char *path, int jobs, FILE *out,
			 struct ws_job_result *keep)
{
	struct st_run r;
	st_run_init(&r);
	r.cfg.out = out ? WS_OUT_JSONL : WS_OUT_NONE;
	struct ws_store *st;
	struct ws_err err;
	if (ws_store_open(db, WS_STORE_RW, &st, &err) != 0)
		fail_msg("%s", err.msg);
	struct ws_job_result res;
	ws_job_result_init(&res);
	struct ws_ingest_opts io = {.jobs = jobs};
	const char *why;
	if (ws_ingest(st, &r.cfg, r.scratch, path, &io, out, &res, &why, &err) != 0)
		fail_msg("%s", err.msg);
	assert_int_equal(res.rc, 0);
	assert_int_equal(ws_store_close(st, &err), 0);
	uint64_t n = res.sightings;
	if (keep)
		*keep = res;
	else
		ws_job_result_free(&res);
	st_run_free(&r);
	return n;
}

/* Every row of table t, every column, as one byte string. */
static void table_bytes(const char *db, const char *t, struct ws_buf *b)
{
	sqlite3 *h;
	assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	char sql[256];
	/* inputs: what a commit records, not when or where it was scanned */
	if (strcmp(t, "inputs") == 0)
		snprintf(sql, sizeof(sql), "SELECT kind, offset, lines, sightings, complete FROM inputs"
					   " ORDER BY id");
	else
		snprintf(sql, sizeof(sql), "SELECT * FROM \"%s\"", t);
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(h, sql, -1, &q, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(h));
	while (sqlite3_step(q) == SQLITE_ROW) {
		for (int c = 0; c < sqlite3_column_count(q); c++) {
			const void *p = sqlite3_column_blob(q, c);
			int n = sqlite3_column_bytes(q, c);
			ws_buf_printf(b, "%d:%d:", sqlite3_column_type(q, c), n);
			if (n)
				ws_buf_add(b, p, (size_t)n);
		}
		ws_buf_adds(b, "\n");
	}
	sqlite3_finalize(q);
	sqlite3_close(h);
}

/* Both stores hold the same tables with the same rows. */
static void assert_same_store(const char *a, const char *b)
{
	sqlite3 *h;
	assert_int_equal(sqlite3_open_v2(a, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_stmt *q;
	assert_int_equal(sqlite3_prepare_v2(h, "SELECT name FROM sqlite_master WHERE type = 'table'"
					       " ORDER BY name", -1, &q, NULL), SQLITE_OK);
	int tables = 0;
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(q, 0);
		struct ws_buf x = {0}, y = {0};
		table_bytes(a, t, &x);
		table_bytes(b, t, &y);
		if (x.n != y.n || (x.n && memcmp(x.p, y.p, x.n) != 0))
			fail_msg("table %s differs (%zu and %zu bytes)", t, x.n, y.n);
		ws_buf_free(&x);
		ws_buf_free(&y);
		tables++;
	}
	sqlite3_finalize(q);
	sqlite3_close(h);
	assert_true(tables >= 10);
}

static void assert_same_file(FILE *a, FILE *b)
{
	rewind(a);
	rewind(b);
	int ca, cb;
	long at = 0;
	do {
		ca = getc(a);
		cb = getc(b);
		if (ca != cb)
			fail_msg("outputs differ at byte %ld", at);
		at++;
	} while (ca != EOF);
	assert_true(at > 1000);
}

/* -j 1 and -j 2 ingests of log: same store, same output. */
static void compare_threads(const char *log, bool unparsable, bool examples)
{
	char one[512], two[512];
	snprintf(one, sizeof(one), "%s", st_path("one.db"));
	snprintf(two, sizeof(two), "%s", st_path("two.db"));
	FILE *o1 = tmpfile(), *o2 = tmpfile();
	assert_non_null(o1);
	assert_non_null(o2);
	struct ws_job_result r1, r2;
	setenv("WS_STORE_PART", PART, 1);
	uint64_t n1 = ingest_j(one, log, 1, o1, &r1);
	uint64_t n2 = ingest_j(two, log, 2, o2, &r2);
	unsetenv("WS_STORE_PART");
	assert_true(n1 > LINES / 4);
	assert_int_equal(n1, n2);
	assert_int_equal(r1.lines, LINES);
	assert_int_equal(r2.lines, LINES);
	assert_int_equal(r1.bytes, r2.bytes);
	assert_true(!unparsable || r1.unparsable > 5);
	assert_true(!examples || r1.n_compromised == WS_EXAMPLES);
	assert_int_equal(r1.unparsable, r2.unparsable);
	for (int k = 0; k < WS_N_ODD; k++) {
		assert_int_equal(r1.odd[k], r2.odd[k]);
		assert_string_equal(r1.odd_at[k], r2.odd_at[k]);
	}
	assert_true(!unparsable || (r1.odd[0] == 1 && r1.odd[2] == 1));
	assert_int_equal(r1.n_unparsable_at, r2.n_unparsable_at);
	assert_memory_equal(r1.unparsable_at, r2.unparsable_at, sizeof(r1.unparsable_at));
	assert_int_equal(r1.hosts.n, r2.hosts.n);
	assert_int_equal(r1.n_compromised, r2.n_compromised);
	for (int k = 0; k < r1.n_compromised; k++)
		assert_string_equal(r1.compromised[k].text, r2.compromised[k].text);
	ws_job_result_free(&r1);
	ws_job_result_free(&r2);
	assert_same_file(o1, o2);
	fclose(o1);
	fclose(o2);
	assert_same_store(one, two);
	/* nothing new the second time */
	assert_int_equal(ingest_j(two, log, 2, NULL, NULL), 0);
	assert_same_store(one, two);
}

static void test_parts_equal_one_thread(void **state)
{
	(void)state;
	const char *log = st_path("mix.log");
	write_lines(log, "w", 0, LINES);
	compare_threads(log, true, false);
}

static void test_nimda_probes_across_parts(void **state)
{
	(void)state;
	const char *log = st_path("iis.log");
	write_iis(log);
	compare_threads(log, false, true);
	assert_true(st_sql(st_path("two.db"), "SELECT sum(nimda) FROM hosts") >= 7 * 4);
}

/* A grown file resumes in parts from the stored offset and line. */
static void test_resume_in_parts(void **state)
{
	(void)state;
	const char *log = st_path("grow.log");
	char whole[512], grown[512], full[512];
	snprintf(full, sizeof(full), "%s", st_path("full.log"));
	snprintf(whole, sizeof(whole), "%s", st_path("whole.db"));
	snprintf(grown, sizeof(grown), "%s", st_path("grown.db"));
	write_lines(full, "w", 0, LINES);
	ingest_j(whole, full, 1, NULL, NULL);
	setenv("WS_STORE_PART", PART, 1);
	write_lines(log, "w", 0, LINES / 3);
	ingest_j(grown, log, 2, NULL, NULL);
	write_lines(log, "a", LINES / 3, LINES);
	ingest_j(grown, log, 2, NULL, NULL);
	unsetenv("WS_STORE_PART");
	assert_int_equal(st_sql(grown, "SELECT lines FROM inputs"), LINES);
	/* the same rows, but for the input's name */
	struct st_counts a, b;
	st_counts(whole, &a);
	st_counts(grown, &b);
	st_assert_counts_equal(&a, &b);
	assert_int_equal(st_sql(whole, "SELECT sum(line * 7 + worm) FROM sightings"),
			 st_sql(grown, "SELECT sum(line * 7 + worm) FROM sightings"));
	assert_int_equal(st_sql(whole, "SELECT sum(nimda) FROM hosts"),
			 st_sql(grown, "SELECT sum(nimda) FROM hosts"));
}

/* Killed right after its k-th commit (each at a part end), then run again:
 * the store of a clean one-thread run. */
static void test_kill_after_part(void **state)
{
	(void)state;
	const char *log = st_path("kill.log");
	char clean[512], db[512];
	snprintf(clean, sizeof(clean), "%s", st_path("clean.db"));
	write_lines(log, "w", 0, LINES);
	uint64_t total = ingest_j(clean, log, 1, NULL, NULL);
	static const long kill_after[] = {1, 7, 20}; /* of about 28 commits */
	for (int round = 0; round < 3; round++) {
		char name[32];
		snprintf(name, sizeof(name), "k%d.db", round);
		snprintf(db, sizeof(db), "%s", st_path(name));
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			setenv("WS_STORE_PART", PART, 1);
			setenv("WS_STORE_BATCH", "300", 1); /* a commit every two or three parts */
			st_kill_after(kill_after[round]);
			ingest_j(db, log, 2, NULL, NULL);
			_exit(0);
		}
		int status;
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status));
		assert_int_equal(WTERMSIG(status), SIGKILL);
		/* parts, each committed: some of the file is stored, not all */
		int64_t part = st_sql(db, "SELECT count(*) FROM sightings");
		assert_true(part > 0);
		assert_true((uint64_t)part < total);
		assert_int_equal(part, st_sql(db, "SELECT sightings FROM totals"));
		setenv("WS_STORE_PART", PART, 1);
		assert_int_equal(ingest_j(db, log, 2, NULL, NULL) + (uint64_t)part, total);
		unsetenv("WS_STORE_PART");
		assert_same_store(clean, db);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_parts_equal_one_thread, st_setup, st_teardown),
		cmocka_unit_test_setup_teardown(test_nimda_probes_across_parts, st_setup, st_teardown),
		cmocka_unit_test_setup_teardown(test_resume_in_parts, st_setup, st_teardown),
		cmocka_unit_test_setup_teardown(test_kill_after_part, st_setup, st_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
