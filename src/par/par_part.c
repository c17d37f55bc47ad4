/* SPDX-License-Identifier: MIT */
/* One per-probe run partitioned over MPI ranks (par.h).
 *
 * The address space is cut into blocks, its /8s by default (its /B
 * prefixes for block_bits B, 1..16); each rank owns some blocks (the ones with hosts dealt out largest first to the least loaded
 * rank, so that ranks hold about as many hosts) and the vulnerable hosts in
 * them. Code Red II's local preference (7/8 of probes in the source's own
 * /8) keeps most probes on their rank with /8 blocks. A rank draws the probes of its infected hosts; a probe into a /24
 * that holds no vulnerable host anywhere (a 2 MB bitmap every rank has) can
 * infect nothing and is only counted; the others go to the owner of their
 * /8, which looks them up among its hosts.
 *
 * Exactness. A host infected at t starts probing at t + d (d =
 * infection_delay_s > 0, as in the single-process per-probe mode with the
 * same key). Time advances in windows [T, T + w) with w <= d (shorter where
 * the rate factor changes). Every infection caused inside a window starts
 * probing at or after T + d >= T + w, so the hosts probing in a window are
 * known at its start: each rank draws its hosts' probes for the whole window
 * (Poisson counts, uniform times: the same process as the single-process
 * run's), exchanges the candidates once with MPI_Alltoallv, and each owner
 * infects every susceptible host at the time of its earliest probe. Nothing
 * is approximated, so the run equals the single-process per-probe mode in
 * distribution (tests/mpi/ checks it with KS tests over 30+ seeds).
 *
 * Determinism: rank r draws from the stream (seed, r); records arrive in
 * rank order; ties in time break by host. The same seed and ranks give the
 * same bytes; other ranks give another draw of the same distribution.
 *
 * Bounds: one window's records live in memory (12 bytes a candidate); a
 * window whose exchange would exceed INT_MAX bytes to one rank is refused
 * (shorten infection_delay_s or add ranks). */
#include <limits.h>
#include <math.h>
#include <mpi.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "par/par.h"
#include "par/par_mpi.h"
#include "sim/probe.h"
#include "util/mem.h"

enum { BLOCK = 2048, REC = 12, WBATCH = 4096 };

struct hit {
	double t;
	uint32_t h; /* local host */
};

struct part {
	const struct ws_probe_scenario *ps;
	int rank, size;
	int bits, shift;          /* blocks are the /bits prefixes */
	int *owner;               /* per block */
	uint64_t *pre;            /* /24 holding any vulnerable host, all ranks' */
	uint32_t nl, *lglob, *laddr;
	struct ws_probe_index *ix;
	double *linf;             /* per local host: infection time, -1 = susceptible */
	/* the rank's infected hosts in order of their start (= infection order) */
	uint32_t *act_addr;
	double *act_start;
	size_t n_act, n_full;     /* infected; started by the window's start */
	struct ws_probe_rng gen, aux;
	struct ws_buf *out;       /* per destination rank, records */
	/* the window's earliest probe per local susceptible host hit (INFINITY:
	 * none yet) and the hosts hit, at most nl */
	double *best;
	uint32_t *touched;
	size_t n_touched;
	uint64_t probes, candidates, remote;
	/* compute CPU seconds of the last windows, reduced (MAX) in batches */
	double wcpu[WBATCH];
	size_t n_wcpu;
	double cpu, cpu_path;     /* this rank's compute CPU; rank 0: sum of window maxima */
	uint32_t r1[BLOCK], r2[BLOCK], r3[BLOCK];
};

static int cmp_load(const void *a, const void *b, void *ctx)
{
	const uint32_t *h = ctx;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	if (h[x] != h[y])
		return h[x] < h[y] ? 1 : -1;
	return (x > y) - (x < y);
}

/* Largest block first, each to the least loaded rank (lowest rank on ties);
 * empty blocks round robin (no probe is ever sent there). */
static void deal_blocks(struct part *P, const struct ws_probe_scenario *ps)
{
	size_t nb = (size_t)1 << P->bits;
	uint32_t *hosts = ws_xcalloc(nb, sizeof *hosts), *order = ws_xcalloc(nb, sizeof *order);
	for (size_t h = 0; h < ps->n; h++)
		hosts[ps->addr[h] >> P->shift]++;
	for (size_t b = 0; b < nb; b++)
		order[b] = (uint32_t)b;
	qsort_r(order, nb, sizeof *order, cmp_load, hosts);
	uint64_t *load = ws_xcalloc((size_t)P->size, sizeof *load);
	P->owner = ws_xcalloc(nb, sizeof *P->owner);
	for (size_t i = 0; i < nb; i++) {
		uint32_t b = order[i];
		int best = 0;
		if (hosts[b] == 0) {
			P->owner[b] = (int)(b % (uint32_t)P->size);
			continue;
		}
		for (int r = 1; r < P->size; r++)
			if (load[r] < load[best])
				best = r;
		P->owner[b] = best;
		load[best] += hosts[b];
	}
	free(load);
	free(hosts);
	free(order);
}

static inline uint32_t below(uint32_t r, uint64_t n)
{
	return (uint32_t)(((uint64_t)r * n) >> 32);
}

static inline int skipped(uint32_t a)
{
	uint32_t top = a >> 24;
	return top == 127 || top == 224;
}

/* A probe at t on local host h (if h is vulnerable and susceptible): keeps
 * the window's earliest. */
static void note(struct part *P, long h, double t)
{
	if (h < 0 || P->linf[h] >= 0)
		return;
	if (P->best[h] == INFINITY)
		P->touched[P->n_touched++] = (uint32_t)h;
	if (t < P->best[h])
		P->best[h] = t;
}

/* A probe into a vulnerable /24 at a time uniform in [t0, t1): looked up at
 * once when this rank owns it (the time drawn only for a hit: times are
 * independent of targets), else queued for its owner. */
static void emit(struct part *P, uint32_t t_addr, double t0, double t1)
{
	P->candidates++;
	int o = P->owner[t_addr >> P->shift];
	if (o == P->rank) {
		long h = ws_probe_index_find(P->ix, t_addr);
		if (h >= 0 && P->linf[h] < 0)
			note(P, h, t0 + (t1 - t0) * ws_probe_rng_unit(&P->aux));
		return;
	}
	P->remote++;
	double t = t0 + (t1 - t0) * ws_probe_rng_unit(&P->aux);
	char rec[REC];
	memcpy(rec, &t, 8);
	memcpy(rec + 8, &t_addr, 4);
	ws_buf_add(&P->out[o], rec, REC);
}

/* m probes in [t0, t1) from sources act[first + below(r, count)] (count 1
 * for one partial host). */
static void draw(struct part *P, uint64_t m, size_t first, size_t count, double t0, double t1)
{
	const struct ws_probe_scenario *ps = P->ps;
	uint32_t any = ps->mix.any, near = ps->mix.any + ps->mix.same8;
	bool local = ps->strategy == WS_PROBE_LOCAL;
	P->probes += m;
	while (m > 0) {
		size_t nb = m < BLOCK ? (size_t)m : BLOCK, nf = (nb + 15) & ~(size_t)15;
		ws_probe_rng_fill(&P->gen, P->r3, nf);
		if (local) {
			ws_probe_rng_fill(&P->gen, P->r1, nf);
			ws_probe_rng_fill(&P->gen, P->r2, nf);
		}
		for (size_t i = 0; i < nb; i++) {
			uint32_t t = P->r3[i];
			if (local) {
				uint32_t s = P->act_addr[first + below(P->r1[i], count)], c = P->r2[i] >> 16;
				uint32_t mk = c < any ? 0u : c < near ? 0xff000000u : 0xffff0000u;
				t = (s & mk) | (t & ~mk);
				while (skipped(t) || t == s) /* the worm's redraw, class kept */
					t = (s & mk) | (ws_probe_rng_u32(&P->aux) & ~mk);
			}
			uint32_t b24 = t >> 8;
			if (!((P->pre[b24 >> 6] >> (b24 & 63)) & 1))
				continue;
			emit(P, t, t0, t1);
		}
		m -= nb;
	}
}

static int cmp_hit_time(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return (x->h > y->h) - (x->h < y->h);
}

static void infect(struct part *P, uint32_t h, double t)
{
	P->linf[h] = t;
	P->act_addr[P->n_act] = P->laddr[h];
	P->act_start[P->n_act] = t + P->ps->delay;
	P->n_act++;
}

/* Infects each host at its earliest probe of the window (the received ones
 * too), in order of time, ties by host. */
static void apply(struct part *P, const char *in, size_t n_in)
{
	for (size_t i = 0; i < n_in; i++) {
		double t;
		uint32_t a;
		memcpy(&t, in + i * REC, 8);
		memcpy(&a, in + i * REC + 8, 4);
		note(P, ws_probe_index_find(P->ix, a), t);
	}
	struct hit *v = ws_xcalloc(P->n_touched + 1, sizeof *v);
	for (size_t i = 0; i < P->n_touched; i++) {
		uint32_t h = P->touched[i];
		v[i] = (struct hit){P->best[h], h};
		P->best[h] = INFINITY;
	}
	qsort(v, P->n_touched, sizeof *v, cmp_hit_time);
	for (size_t i = 0; i < P->n_touched; i++)
		infect(P, v[i].h, v[i].t);
	P->n_touched = 0;
	free(v);
}

static int check(const struct ws_sim_scenario *sc, struct ws_err *e)
{
	if (sc->mode != WS_SIM_MODE_PROBE)
		return ws_err_set(e, WS_EUSAGE, "--partition needs --mode per-probe");
	if (!(sc->worm.infection_delay_s > 0))
		return ws_err_set(e, WS_EUSAGE,
				  "--partition needs infection_delay_s > 0 (--set infection_delay_s=S): "
				  "it is the window between exchanges that keeps the run exact");
	if (sc->n_telescopes)
		return ws_err_set(e, WS_EUSAGE, "--partition does not count telescopes yet (run them "
					       "without --partition)");
	if (sc->pop.space_scale < 1)
		return ws_err_set(e, WS_EUSAGE, "--partition needs space_scale = 1");
	return 0;
}

/* Every rank's infections to rank 0, as the single-process result. */
static void gather(struct part *P, const struct ws_sim_scenario *sc, struct ws_sim_result *res)
{
	int mine = (int)P->n_act, *counts = NULL, *displs = NULL;
	uint32_t *ids = ws_xcalloc(P->n_act + 1, sizeof *ids);
	double *ts = ws_xcalloc(P->n_act + 1, sizeof *ts);
	size_t k = 0;
	for (uint32_t h = 0; h < P->nl; h++)
		if (P->linf[h] >= 0) {
			ids[k] = P->lglob[h];
			ts[k++] = P->linf[h];
		}
	if (P->rank == 0) {
		counts = ws_xcalloc((size_t)P->size, sizeof *counts);
		displs = ws_xcalloc((size_t)P->size, sizeof *displs);
	}
	MPI_Gather(&mine, 1, MPI_INT, counts, 1, MPI_INT, 0, MPI_COMM_WORLD);
	int total = 0;
	if (P->rank == 0)
		for (int r = 0; r < P->size; r++) {
			displs[r] = total;
			total += counts[r];
		}
	uint32_t *all_id = ws_xcalloc((size_t)total + 1, sizeof *all_id);
	double *all_t = ws_xcalloc((size_t)total + 1, sizeof *all_t);
	MPI_Gatherv(ids, mine, MPI_UINT32_T, all_id, counts, displs, MPI_UINT32_T, 0, MPI_COMM_WORLD);
	MPI_Gatherv(ts, mine, MPI_DOUBLE, all_t, counts, displs, MPI_DOUBLE, 0, MPI_COMM_WORLD);
	uint64_t probes = 0;
	MPI_Reduce(&P->probes, &probes, 1, MPI_UINT64_T, MPI_SUM, 0, MPI_COMM_WORLD);
	if (P->rank == 0) {
		const struct ws_probe_scenario *ps = P->ps;
		size_t n = ps->n, nj = (size_t)ceil(ps->duration / ps->interval);
		struct ws_probe_result r = {0};
		r.n_intervals = nj;
		r.infected = ws_xcalloc(nj, sizeof *r.infected);
		r.new_infections = ws_xcalloc(nj, sizeof *r.new_infections);
		r.tel_probes = ws_xcalloc(1, sizeof *r.tel_probes);
		r.tel_sources = ws_xcalloc(1, sizeof *r.tel_sources);
		r.tel_new_sources = ws_xcalloc(1, sizeof *r.tel_new_sources);
		r.infected_at = ws_xreallocarray(NULL, n, sizeof *r.infected_at);
		for (size_t h = 0; h < n; h++)
			r.infected_at[h] = -1;
		for (int i = 0; i < total; i++)
			r.infected_at[all_id[i]] = all_t[i];
		uint8_t *initial = ws_xcalloc(n, 1);
		for (size_t i = 0; i < ps->n_initial; i++)
			initial[ps->initial[i]] = 1;
		uint64_t *start_in = ws_xcalloc(nj + 1, sizeof *start_in);
		for (size_t h = 0; h < n; h++) {
			double t = r.infected_at[h];
			if (t < 0)
				continue;
			size_t j = (size_t)(t / ps->interval);
			if (j >= nj)
				j = nj - 1;
			start_in[j]++;
			if (!initial[h])
				r.new_infections[j]++;
		}
		uint64_t c = 0;
		for (size_t j = 0; j < nj; j++)
			r.infected[j] = c += start_in[j];
		r.probes = probes;
		ws_probe_sim_fill(sc, &r, n, res);
		ws_probe_result_free(&r);
		free(initial);
		free(start_in);
	}
	free(ids);
	free(ts);
	free(all_id);
	free(all_t);
	free(counts);
	free(displs);
}

/* Builds the rank's part: blocks, the bitmap, its hosts and the initial
 * infections among them. */
static void setup(struct part *P, const struct ws_probe_scenario *ps)
{
	P->ps = ps;
	deal_blocks(P, ps);
	P->pre = ws_xcalloc((size_t)1 << 18, sizeof *P->pre);
	for (size_t h = 0; h < ps->n; h++) {
		uint32_t b = ps->addr[h] >> 8;
		P->pre[b >> 6] |= 1ull << (b & 63);
		if (P->owner[ps->addr[h] >> P->shift] == P->rank)
			P->nl++;
	}
	P->lglob = ws_xcalloc(P->nl + 1, sizeof *P->lglob);
	P->laddr = ws_xcalloc(P->nl + 1, sizeof *P->laddr);
	uint32_t *local_of = ws_xcalloc(ps->n, sizeof *local_of);
	for (uint32_t h = 0, k = 0; h < ps->n; h++)
		if (P->owner[ps->addr[h] >> P->shift] == P->rank) {
			P->lglob[k] = h;
			P->laddr[k] = ps->addr[h];
			local_of[h] = k++;
		}
	P->ix = ws_probe_index_new(P->laddr, P->nl, NULL);
	P->linf = ws_xreallocarray(NULL, P->nl + 1, sizeof *P->linf);
	P->best = ws_xreallocarray(NULL, P->nl + 1, sizeof *P->best);
	P->touched = ws_xcalloc(P->nl + 1, sizeof *P->touched);
	for (uint32_t h = 0; h < P->nl; h++) {
		P->linf[h] = -1;
		P->best[h] = INFINITY;
	}
	P->act_addr = ws_xcalloc(P->nl + 1, sizeof *P->act_addr);
	P->act_start = ws_xcalloc(P->nl + 1, sizeof *P->act_start);
	for (size_t i = 0; i < ps->n_initial; i++) {
		uint32_t h = ps->initial[i];
		if (P->owner[ps->addr[h] >> P->shift] == P->rank && P->linf[local_of[h]] < 0) {
			/* started at once, as the single-process run's initial hosts */
			P->linf[local_of[h]] = 0;
			P->act_addr[P->n_act] = ps->addr[h];
			P->act_start[P->n_act++] = 0;
		}
	}
	free(local_of);
	P->out = ws_xcalloc((size_t)P->size, sizeof *P->out);
	ws_probe_rng_seed(&P->gen, ps->seed, 0x9a27000 + (uint64_t)P->rank * 2);
	ws_probe_rng_seed(&P->aux, ps->seed, 0x9a27001 + (uint64_t)P->rank * 2);
}

static void teardown(struct part *P)
{
	free(P->pre);
	free(P->owner);
	free(P->lglob);
	free(P->laddr);
	ws_probe_index_free(P->ix);
	free(P->linf);
	free(P->act_addr);
	free(P->act_start);
	for (int r = 0; r < P->size; r++)
		ws_buf_free(&P->out[r]);
	free(P->out);
	free(P->best);
	free(P->touched);
}

/* The probes of the rank's hosts in [T, w_end) at rate factor f: the hosts
 * that started by T at once, the ones that start inside the window each from
 * its start. */
static void draw_window(struct part *P, double T, double w_end, double f)
{
	const struct ws_probe_scenario *ps = P->ps;
	while (P->n_full < P->n_act && P->act_start[P->n_full] <= T)
		P->n_full++;
	if (P->n_full > 0) {
		double mean = (double)P->n_full * ps->rate * f * (w_end - T);
		draw(P, ws_probe_poisson(&P->aux, mean), 0, P->n_full, T, w_end);
	}
	for (size_t k = P->n_full; k < P->n_act && P->act_start[k] < w_end; k++) {
		double s0 = P->act_start[k];
		draw(P, ws_probe_poisson(&P->aux, ps->rate * f * (w_end - s0)), k, 1, s0, w_end);
	}
}

static double thread_cpu(void)
{
	struct timespec t;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Logs a window's compute CPU seconds; every WBATCH windows (and at the end,
 * flush) rank 0 adds up the busiest rank's of each window: the critical path,
 * what the run would take with a core per rank and free exchanges. One
 * MPI_Reduce per batch, so the figure costs no collective per window. */
static void log_cpu(struct part *P, double s, bool flush)
{
	if (!flush) {
		P->cpu += s;
		P->wcpu[P->n_wcpu++] = s;
	}
	if (P->n_wcpu < WBATCH && !(flush && P->n_wcpu))
		return;
	double mx[WBATCH];
	MPI_Reduce(P->wcpu, mx, (int)P->n_wcpu, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
	if (P->rank == 0)
		for (size_t i = 0; i < P->n_wcpu; i++)
			P->cpu_path += mx[i];
	P->n_wcpu = 0;
}

/* One window's exchange; returns the received records (malloc'd) or NULL
 * with *bad set on every rank when one rank's share for another exceeds
 * INT_MAX / 2 bytes (it says so with a count of -1, so that no extra
 * collective is needed). */
static char *exchange(struct part *P, size_t *n_in, uint64_t *bytes, int *bad)
{
	int R = P->size;
	int *sc = ws_xcalloc((size_t)R, sizeof *sc), *rc = ws_xcalloc((size_t)R, sizeof *rc);
	int *sd = ws_xcalloc((size_t)R, sizeof *sd), *rd = ws_xcalloc((size_t)R, sizeof *rd);
	long long sent = 0;
	bool over = false;
	for (int r = 0; r < R; r++) {
		over |= P->out[r].n > INT_MAX / 2 / (size_t)R;
		sent += (long long)P->out[r].n;
	}
	for (int r = 0; r < R; r++)
		sc[r] = over ? -1 : (int)P->out[r].n;
	MPI_Request rq;
	MPI_Ialltoall(sc, 1, MPI_INT, rc, 1, MPI_INT, MPI_COMM_WORLD, &rq);
	ws_par_await(&rq);
	*bad = over;
	for (int r = 0; r < R; r++)
		*bad |= rc[r] < 0;
	char *in = NULL;
	if (!*bad) {
		char *send = ws_xcalloc((size_t)sent + 1, 1);
		long long off = 0, total = 0;
		for (int r = 0; r < R; r++) {
			sd[r] = (int)off;
			if (P->out[r].n)
				memcpy(send + off, P->out[r].p, P->out[r].n);
			off += (long long)P->out[r].n;
			rd[r] = (int)total;
			total += rc[r];
		}
		in = ws_xcalloc((size_t)total + 1, 1);
		MPI_Ialltoallv(send, sc, sd, MPI_BYTE, in, rc, rd, MPI_BYTE, MPI_COMM_WORLD, &rq);
		ws_par_await(&rq);
		free(send);
		*n_in = (size_t)total / REC;
		*bytes += (uint64_t)sent;
	}
	for (int r = 0; r < R; r++)
		P->out[r].n = 0;
	free(sc);
	free(rc);
	free(sd);
	free(rd);
	return in;
}

int ws_par_partition_run(const struct ws_par *p, const struct ws_sim_scenario *sc, uint64_t seed,
			 int block_bits, struct ws_sim_result *res, struct ws_par_stats *st,
			 struct ws_err *e)
{
	memset(res, 0, sizeof *res);
	memset(st, 0, sizeof *st);
	if (!p->mpi)
		return ws_err_set(e, WS_EUSAGE, "--partition: MPI is not initialised");
	int rc = check(sc, e);
	if (rc)
		return rc;
	if (block_bits < 1 || block_bits > 16)
		return ws_err_set(e, WS_EUSAGE, "--partition-block: want 1..16 prefix bits");
	struct ws_sim_pop pop;
	if ((rc = ws_sim_pop_for(sc, seed, &pop, e)) != 0)
		return rc;
	struct ws_probe_prep prep;
	if ((rc = ws_probe_sim_prepare(sc, &pop, seed, NULL, NULL, &prep, e)) != 0) {
		ws_sim_pop_free(&pop);
		return rc;
	}
	struct part *P = ws_xcalloc(1, sizeof *P);
	P->rank = p->rank;
	P->size = p->size;
	const struct ws_probe_scenario *ps = &prep.ps;
	P->bits = block_bits;
	P->shift = 32 - block_bits;
	setup(P, ps);
	double d = ps->delay, end = ps->duration, T = 0;
	uint64_t bytes = 0, windows = 0, n_total = ps->n;
	double t_comp = 0, t_xch = 0;
	int bad = 0;
	while (T < end) {
		double c0 = MPI_Wtime();
		double w_end = T + d < end ? T + d : end, f = 1;
		if (ps->rate_factor) {
			double until = INFINITY;
			f = ps->rate_factor(ps->ctx, T, &until);
			if (until > T && until < w_end)
				w_end = until;
		}
		double u0 = thread_cpu();
		draw_window(P, T, w_end, f);
		double c1 = MPI_Wtime(), u1 = thread_cpu();
		size_t n_in = 0;
		char *in = exchange(P, &n_in, &bytes, &bad);
		double c2 = MPI_Wtime();
		if (bad) {
			free(in);
			rc = ws_err_set(e, WS_EUSAGE, "--partition: a window's exchange exceeds 1 GB on one "
						     "rank (lower infection_delay_s or add ranks)");
			break;
		}
		double u2 = thread_cpu();
		apply(P, in, n_in);
		free(in);
		log_cpu(P, (u1 - u0) + (thread_cpu() - u2), false);
		windows++;
		T = w_end;
		/* All infected: nothing more can happen (the single-process run stops
		 * too). Asked every 8th window only: a collective costs more than the
		 * few windows more it may draw, and the result is the same. */
		uint64_t mine = P->n_act, all = 0;
		double c3 = MPI_Wtime();
		if (windows % 8 == 0) {
			MPI_Request rq;
			MPI_Iallreduce(&mine, &all, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD, &rq);
			ws_par_await(&rq);
		}
		t_comp += (c1 - c0) + (c3 - c2);
		t_xch += (c2 - c1) + (MPI_Wtime() - c3);
		if (all >= n_total)
			break;
	}
	log_cpu(P, 0, true);
	if (rc == 0)
		gather(P, sc, res);
	uint64_t mine[4] = {P->probes, P->candidates, P->remote, bytes}, sum[4] = {0}, pmax = 0;
	MPI_Allreduce(mine, sum, 4, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
	MPI_Allreduce(&P->probes, &pmax, 1, MPI_UINT64_T, MPI_MAX, MPI_COMM_WORLD);
	double tm[2] = {t_comp, t_xch}, tmax[2] = {0}, cpu = 0, path = P->cpu_path;
	MPI_Allreduce(tm, tmax, 2, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
	MPI_Allreduce(&P->cpu, &cpu, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
	MPI_Bcast(&path, 1, MPI_DOUBLE, 0, MPI_COMM_WORLD);
	*st = (struct ws_par_stats){P->size, d, windows, sum[0], sum[1], sum[2], sum[3], tmax[0],
				    tmax[1], pmax, cpu, path};
	teardown(P);
	free(P);
	ws_probe_sim_release(&prep);
	ws_sim_pop_free(&pop);
	return rc;
}
