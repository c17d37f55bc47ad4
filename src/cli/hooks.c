/* SPDX-License-Identifier: MIT */
/* Test hooks the environment asks for, installed by main() before any
 * command runs: the kill points of the crash tests, which end the process
 * the way a power cut or kill -9 would (the library only calls back; ending
 * the process is the caller's business).
 *   WS_STORE_KILL_AFTER=K       SIGKILL right after the K-th commit of a
 *                               store writer (tests/store, the crash test);
 *   WORMSCOPE_TEST_KILL_RANK=R  SIGKILL on MPI rank R as it takes its first
 *                               job (tests/mpi/rank_dies.sh). */
#include "cli/hooks.h"

#include <signal.h>
#include <stdlib.h>

#include "par/par.h"
#include "store/writer.h"

static long kill_after;
static long kill_rank;

static void commit_kill(long commits)
{
	if (commits >= kill_after)
		raise(SIGKILL);
}

static void rank_kill(int rank)
{
	if (rank == kill_rank)
		raise(SIGKILL);
}

void ws_cli_test_hooks(void)
{
	const char *k = getenv("WS_STORE_KILL_AFTER");
	if (k && *k && (kill_after = strtol(k, NULL, 10)) >= 0)
		ws_writer_set_commit_hook(commit_kill);
	const char *r = getenv("WORMSCOPE_TEST_KILL_RANK");
	if (r && *r) {
		kill_rank = strtol(r, NULL, 10);
		ws_par_set_job_hook(rank_kill);
	}
}
