/* SPDX-License-Identifier: MIT */
/* Crash recovery: a child process ingesting a generated log is killed with
 * SIGKILL, either right after its k-th commit (st_kill_after, k from a
 * seeded generator) or at a seeded moment by the parent, possibly in the
 * middle of a transaction; sometimes twice in a row. Running the same ingest
 * again must give exactly the store of one uninterrupted run: every table's
 * counts equal, no line stored twice. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/wait.h>
#include <time.h>

#include <cmocka.h>

#include "storetest.h"

#define LINES 24000
#define BATCH "700"

static uint64_t rng_state;

static uint32_t rng(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state % n);
}

/* Worm lines from 3000 sources over a day, with benign lines between. */
static void make_log(const char *path)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	for (unsigned i = 0; i < LINES; i++) {
		if (i % 4 == 3)
			st_benign(f, i);
		else
			st_line(f, (i * 7919u) % 3000u, i * 3u);
	}
	assert_int_equal(fclose(f), 0);
}

/* Ingests in a child; kill_after > 0 lets it kill itself after that many
 * commits, delay_us > 0 has the parent kill it then. Returns true when the
 * child died of SIGKILL (false: it finished first). */
static bool killed_run(const char *db, const char *log, long kill_after, long delay_us)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		setenv("WS_STORE_BATCH", BATCH, 1);
		if (kill_after > 0)
			st_kill_after(kill_after);
		st_ingest(db, log, NULL);
		_exit(0);
	}
	if (delay_us > 0) {
		struct timespec ts = {delay_us / 1000000, delay_us % 1000000 * 1000};
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status)) {
		assert_int_equal(WTERMSIG(status), SIGKILL);
		return true;
	}
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	return false;
}

static void rerun_and_compare(const char *db, const char *log, const char *clean)
{
	setenv("WS_STORE_BATCH", BATCH, 1);
	st_ingest(db, log, NULL);
	unsetenv("WS_STORE_BATCH");
	struct st_counts a, b;
	st_counts(db, &a);
	st_counts(clean, &b);
	st_assert_counts_equal(&a, &b);
	assert_int_equal(a.sightings, a.distinct_lines);
	assert_int_equal(st_ingest(db, log, NULL), 0);
}

/* The log, and the store of one uninterrupted ingest of it. */
static void clean_run(char log[512], char clean[512])
{
	snprintf(log, 512, "%s", st_path("big.log"));
	snprintf(clean, 512, "%s", st_path("clean.db"));
	make_log(log);
	assert_int_equal(st_ingest(clean, log, NULL), LINES - LINES / 4);
}

static void test_kill_after_commits(void **state)
{
	(void)state;
	char log[512], clean[512], db[512];
	clean_run(log, clean);
	rng_state = 0x9e3779b97f4a7c15ull;
	for (int round = 0; round < 3; round++) {
		char name[32];
		snprintf(name, sizeof(name), "k%d.db", round);
		snprintf(db, sizeof(db), "%s", st_path(name));
		long k = 1 + (long)rng(20); /* about 26 commits in the whole file */
		assert_true(killed_run(db, log, k, 0));
		int64_t part = st_sql(db, "SELECT count(*) FROM sightings");
		assert_true(part < LINES - LINES / 4);
		assert_int_equal(part, st_sql(db, "SELECT sightings FROM totals"));
		rerun_and_compare(db, log, clean);
	}
}

static void test_kill_at_any_moment(void **state)
{
	(void)state;
	char log[512], clean[512], db[512];
	clean_run(log, clean);
	rng_state = 0x2545f4914f6cdd1dull;
	int kills = 0;
	for (int round = 0; round < 3; round++) {
		char name[32];
		snprintf(name, sizeof(name), "t%d.db", round);
		snprintf(db, sizeof(db), "%s", st_path(name));
		/* once or twice, each at a seeded moment in the first second */
		for (int times = 0; times <= round % 2; times++)
			kills += killed_run(db, log, 0, 20000 + (long)rng(900000));
		rerun_and_compare(db, log, clean);
	}
	assert_true(kills > 0); /* else the runs were too quick to test anything */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_kill_after_commits, st_setup, st_teardown),
		cmocka_unit_test_setup_teardown(test_kill_at_any_moment, st_setup, st_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
