/* SPDX-License-Identifier: MIT */
/* Jobs over Open MPI ranks (par.h): rank 0 is the manager and, on a thread
 * of its own, a worker too; the other ranks are workers.
 *
 * Messages (MPI_COMM_WORLD): a worker sends READY once, then RESULT (job
 * number, packed result) or ERROR (job number, message) per job; rank 0
 * answers each with JOB (a job number, or STOP). Only rank 0's main thread
 * calls MPI (MPI_THREAD_FUNNELED); it polls with MPI_Iprobe and sleeps up to
 * a millisecond between polls, so that it leaves its core to the jobs (a
 * blocking receive spins in Open MPI).
 *
 * A rank that dies (a crash, the OOM killer) makes mpirun stop the job and
 * exit non-zero: rank 0 writes nothing before it holds every result. */
#include <limits.h>
#include <mpi.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "par/par.h"
#include "par/par_mpi.h"
#include "util/mem.h"

enum { TAG_READY = 1, TAG_RESULT, TAG_ERROR, TAG_JOB };
#define STOP UINT64_MAX

bool ws_par_built(void)
{
	return true;
}

int ws_par_init(struct ws_par *p, bool always, struct ws_err *e)
{
	p->rank = 0;
	p->size = 1;
	p->mpi = false;
	if (!always && ws_par_launched() <= 1)
		return 0; /* one process: no MPI_Init (a singleton start costs time) */
	int provided = 0;
	if (MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
		return ws_err_set(e, WS_EIO, "MPI_Init failed");
	p->mpi = true;
	MPI_Comm_rank(MPI_COMM_WORLD, &p->rank);
	MPI_Comm_size(MPI_COMM_WORLD, &p->size);
	if (provided < MPI_THREAD_FUNNELED)
		return ws_err_set(e, WS_EIO, "this MPI gives no MPI_THREAD_FUNNELED");
	/* A launcher that started n copies while MPI sees one process each (srun
	 * without the PMI this MPI speaks): every copy would be rank 0 of 1 and
	 * write the same files. */
	int n = ws_par_launched();
	if (n > 1 && p->size != n)
		return ws_err_set(e, WS_EUSAGE,
				  "the launcher started %d processes, but MPI sees %d: this MPI cannot "
				  "reach the launcher (under Slurm: srun --mpi=pmix or pmi2, as "
				  "`srun --mpi=list` offers, or mpirun inside the allocation)", n, p->size);
	return 0;
}

/* Waits for a nonblocking collective, napping between tests (20 us doubling
 * to 0.5 ms) instead of spinning: a rank that waits for a slower one leaves
 * its core to it, which on a shared or oversubscribed machine is most of the
 * difference (the blocking collectives spin in Open MPI). Each test also
 * drives the collective's progress. */
void ws_par_await(MPI_Request *rq)
{
	long ns = 20000;
	for (int done = 0;;) {
		MPI_Test(rq, &done, MPI_STATUS_IGNORE);
		if (done)
			return;
		struct timespec t = {0, ns};
		nanosleep(&t, NULL);
		if (ns < 500000)
			ns *= 2;
	}
}

void ws_par_finalize(struct ws_par *p)
{
	if (p->mpi) {
		/* the ranks that finish first wait here for rank 0's writing
		 * without spinning (MPI_Finalize would) */
		MPI_Request rq;
		MPI_Ibarrier(MPI_COMM_WORLD, &rq);
		ws_par_await(&rq);
		MPI_Finalize();
	}
	p->mpi = false;
}

/* ---- results as bytes (same binary on every rank) ---- */

static void pack(const struct ws_sim_result *r, uint64_t job, struct ws_buf *b)
{
	uint64_t n = r->s.n;
	ws_buf_add(b, &job, sizeof job);
	ws_buf_add(b, &n, sizeof n);
	ws_buf_add(b, &r->sum, sizeof r->sum);
	const double *v[4] = {r->s.susceptible, r->s.infected, r->s.removed, r->s.new_infections};
	for (int i = 0; i < 4; i++)
		ws_buf_add(b, v[i], n * sizeof(double));
}

/* nt is the scenario's telescope count, the same on every rank. */
static void pack_tel(const struct ws_sim_result *r, size_t nt, struct ws_buf *b)
{
	size_t len = r->s.n * nt;
	const double *v[3] = {r->s.tel_probes, r->s.tel_sources, r->s.tel_new_sources};
	for (int i = 0; i < 3; i++)
		ws_buf_add(b, v[i], len * sizeof(double));
}

static int unpack(const char *p, size_t len, size_t nt, uint64_t *job, struct ws_sim_result *r)
{
	uint64_t n;
	size_t head = 2 * sizeof(uint64_t) + sizeof r->sum;
	if (len < head)
		return -1;
	memcpy(job, p, sizeof *job);
	memcpy(&n, p + 8, sizeof n);
	if (len != head + (4 + 3 * nt) * n * sizeof(double))
		return -1;
	memset(r, 0, sizeof *r);
	memcpy(&r->sum, p + 16, sizeof r->sum);
	ws_sim_series_alloc(&r->s, n, nt);
	p += head;
	double *v[7] = {r->s.susceptible, r->s.infected, r->s.removed, r->s.new_infections,
			r->s.tel_probes, r->s.tel_sources, r->s.tel_new_sources};
	for (int i = 0; i < 7; i++) {
		size_t k = (i < 4 ? 1 : nt) * n * sizeof(double);
		memcpy(v[i], p, k);
		p += k;
	}
	return 0;
}

/* ---- shared state of rank 0's two threads ---- */

struct pool {
	pthread_mutex_t mu;
	size_t next, n;
	bool stop;
	int rc;
	struct ws_err err;
	ws_par_job fn;
	void *ctx;
	struct ws_sim_result *all;
};

static size_t take(struct pool *q)
{
	pthread_mutex_lock(&q->mu);
	size_t j = q->stop || q->next >= q->n ? STOP : q->next++;
	pthread_mutex_unlock(&q->mu);
	return j;
}

static void fail(struct pool *q, int rc, const char *msg)
{
	pthread_mutex_lock(&q->mu);
	if (!q->rc) {
		q->rc = rc;
		snprintf(q->err.msg, sizeof q->err.msg, "%s", msg);
	}
	q->stop = true;
	pthread_mutex_unlock(&q->mu);
}

static void *local_worker(void *arg)
{
	struct pool *q = arg;
	for (size_t j; (j = take(q)) != STOP;) {
		struct ws_err e;
		int rc = q->fn(q->ctx, j, &q->all[j], &e);
		if (rc)
			fail(q, rc, e.msg);
	}
	return NULL;
}

static void nap(long *ns)
{
	struct timespec t = {0, *ns};
	nanosleep(&t, NULL);
	if (*ns < 1000000)
		*ns *= 2;
}

static int manager(const struct ws_par *p, struct pool *q, size_t nt, struct ws_err *e)
{
	pthread_t th;
	if (pthread_create(&th, NULL, local_worker, q) != 0)
		return ws_err_set(e, WS_EIO, "cannot start rank 0's worker thread");
	int workers = p->size - 1;
	long ns = 20000;
	char *buf = NULL;
	while (workers > 0) {
		int flag = 0;
		MPI_Status st;
		MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
		if (!flag) {
			nap(&ns);
			continue;
		}
		ns = 20000;
		int len;
		MPI_Get_count(&st, MPI_BYTE, &len);
		buf = ws_xreallocarray(buf, (size_t)len + 1, 1);
		MPI_Recv(buf, len, MPI_BYTE, st.MPI_SOURCE, st.MPI_TAG, MPI_COMM_WORLD,
			 MPI_STATUS_IGNORE);
		if (st.MPI_TAG == TAG_RESULT) {
			uint64_t job;
			struct ws_sim_result r;
			if (unpack(buf, (size_t)len, nt, &job, &r) || job >= q->n) {
				fail(q, WS_EIO, "a worker sent a malformed result");
			} else {
				q->all[job] = r; /* job j goes to one rank only */
			}
		} else if (st.MPI_TAG == TAG_ERROR) {
			buf[len] = 0;
			fail(q, WS_EUSAGE, buf + 8 <= buf + len ? buf + 8 : "a worker failed");
		}
		uint64_t j = take(q);
		MPI_Send(&j, 1, MPI_UINT64_T, st.MPI_SOURCE, TAG_JOB, MPI_COMM_WORLD);
		if (j == STOP)
			workers--;
	}
	free(buf);
	pthread_join(th, NULL);
	return 0;
}

static int worker(const struct ws_par *p, ws_par_job fn, void *ctx, size_t nt)
{
	MPI_Send(NULL, 0, MPI_BYTE, 0, TAG_READY, MPI_COMM_WORLD);
	for (;;) {
		uint64_t j;
		MPI_Recv(&j, 1, MPI_UINT64_T, 0, TAG_JOB, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
		if (j == STOP)
			return 0;
		if (ws_par_hook)
			ws_par_hook(p->rank);
		struct ws_sim_result r;
		struct ws_err e;
		struct ws_buf b = {0};
		int rc = fn(ctx, (size_t)j, &r, &e);
		if (rc) {
			ws_buf_add(&b, &j, sizeof j);
			ws_buf_adds(&b, e.msg);
		} else {
			pack(&r, j, &b);
			pack_tel(&r, nt, &b);
			ws_sim_result_free(&r);
			if (b.n > INT_MAX) {
				b.n = 0;
				ws_buf_add(&b, &j, sizeof j);
				ws_buf_adds(&b, "a run's series exceed 2 GB, too large to send");
				rc = WS_EUSAGE;
			}
		}
		MPI_Send(b.p, (int)b.n, MPI_BYTE, 0, rc ? TAG_ERROR : TAG_RESULT, MPI_COMM_WORLD);
		ws_buf_free(&b);
	}
}

int ws_par_jobs(const struct ws_par *p, size_t n, size_t nt, ws_par_job fn, void *ctx,
		struct ws_sim_result *all, struct ws_err *e)
{
	if (!p->mpi || p->size == 1) {
		for (size_t j = 0; j < n; j++) {
			int rc = fn(ctx, j, &all[j], e);
			if (rc) {
				for (size_t k = 0; k < j; k++)
					ws_sim_result_free(&all[k]);
				return rc;
			}
		}
		return 0;
	}
	if (p->rank != 0)
		return worker(p, fn, ctx, nt);
	struct pool q = {.n = n, .fn = fn, .ctx = ctx, .all = all};
	pthread_mutex_init(&q.mu, NULL);
	memset(all, 0, n * sizeof *all);
	int rc = manager(p, &q, nt, e);
	pthread_mutex_destroy(&q.mu);
	if (rc == 0 && q.rc) {
		rc = q.rc;
		snprintf(e->msg, sizeof e->msg, "%s", q.err.msg);
	}
	if (rc)
		for (size_t k = 0; k < n; k++)
			ws_sim_result_free(&all[k]);
	return rc;
}
