/* SPDX-License-Identifier: MIT */
/* simulate --sweep, --ranks, --partition and runs under mpirun/srun (see
 * simulate_par.h). */
#include "cli/simulate_par.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/opts.h"
#include "sim/outputs.h"
#include "util/mem.h"

static int fail(const char *msg)
{
	fprintf(stderr, "wormscope simulate: %s\n", msg);
	return WS_EXIT_ERROR;
}

/* --ranks R outside a launcher: the same command under mpirun -np R. */
static int relaunch(int argc, char **argv, int ranks)
{
	const char *mpirun = getenv("WORMSCOPE_MPIRUN");
	if (!mpirun || !*mpirun)
		mpirun = "mpirun";
	char **v = ws_xcalloc((size_t)argc + 8, sizeof *v);
	char np[16], self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0)
		return fail("--ranks: cannot find this program's path");
	self[n] = 0;
	snprintf(np, sizeof np, "%d", ranks);
	int k = 0;
	v[k++] = (char *)mpirun;
	v[k++] = "-np";
	v[k++] = np;
	v[k++] = self;
	v[k++] = "simulate";
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--ranks") == 0) {
			i++;
			continue;
		}
		if (strncmp(argv[i], "--ranks=", 8) == 0)
			continue;
		v[k++] = argv[i];
	}
	v[k] = NULL;
	fflush(stdout);
	execvp(mpirun, v);
	fprintf(stderr, "wormscope simulate: --ranks %d: cannot run %s: %s\n", ranks, mpirun,
		strerror(errno));
	free(v);
	return WS_EXIT_ERROR;
}

int ws_simpar_begin(int argc, char **argv, struct ws_simpar_opts *po)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		const char *v = NULL;
		if (strcmp(argv[i], "--ranks") == 0 && i + 1 < argc)
			v = argv[i + 1];
		else if (strncmp(argv[i], "--ranks=", 8) == 0)
			v = argv[i] + 8;
		if (v) {
			char *end;
			long r = strtol(v, &end, 10);
			if (*end || r < 1 || r > 1 << 20)
				return fail("--ranks: want a number of processes, 1 or more");
			po->ranks = (int)r;
		}
		if (strcmp(argv[i], "--partition") == 0)
			po->partition = true;
	}
	bool built = ws_par_built();
	if (po->ranks && !built)
		return fail("--ranks needs an MPI build: this wormscope was built without MPI "
			    "(install libopenmpi-dev and rebuild; cmake finds it)");
	if (po->partition && !built)
		return fail("--partition needs an MPI build: this wormscope was built without MPI "
			    "(install libopenmpi-dev and rebuild; cmake finds it)");
	int launched = ws_par_launched();
	if (po->ranks > 1 && launched <= 1)
		return relaunch(argc, argv, po->ranks);
	struct ws_err e;
	if (ws_par_init(&po->par, po->partition, &e))
		return fail(e.msg);
	if (po->ranks && po->ranks != po->par.size) {
		fprintf(stderr, "wormscope simulate: --ranks %d, but started as %d processes\n",
			po->ranks, po->par.size);
		return WS_EXIT_ERROR;
	}
	if (po->par.rank != 0) {
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
			close(null);
		}
	}
	return 0;
}

void ws_simpar_end(struct ws_simpar_opts *po)
{
	ws_par_finalize(&po->par);
}

/* ---- ensembles ---- */

struct job_ctx {
	const struct ws_sweep_point *pt; /* per point */
	int runs;
};

static int run_job(void *ctx, size_t job, struct ws_sim_result *res, struct ws_err *e)
{
	const struct job_ctx *c = ctx;
	const struct ws_sim_scenario *sc = &c->pt[job / (size_t)c->runs].sc;
	return ws_sim_run_with(sc, NULL, sc->seed + job % (size_t)c->runs, res, NULL, e);
}

static void add_stats(struct ws_par_stats *sum, const struct ws_par_stats *st)
{
	sum->ranks = st->ranks;
	sum->window_s = st->window_s;
	sum->windows += st->windows;
	sum->probes += st->probes;
	sum->candidates += st->candidates;
	sum->remote += st->remote;
	sum->bytes += st->bytes;
	sum->compute_s += st->compute_s;
	sum->exchange_s += st->exchange_s;
	sum->probes_max += st->probes_max;
	sum->cpu_s += st->cpu_s;
	sum->cpu_path_s += st->cpu_path_s;
}

static void print_stats(const struct ws_par_stats *s, int runs)
{
	double w = s->windows ? (double)s->windows : 1;
	printf("partitioned over %d rank%s (%d run%s): windows of %.4g s: %llu windows, %llu probes, "
	       "%llu into vulnerable /24s, %llu sent to another rank, %llu bytes exchanged (%.1f per "
	       "window), slowest rank %.3f s drawing, %.3f s exchanging; compute CPU %.3f s over "
	       "ranks, %.3f s on the critical path (busiest rank per window), busiest rank %.1f%% "
	       "of probes\n",
	       s->ranks, s->ranks == 1 ? "" : "s", runs, runs == 1 ? "" : "s", s->window_s,
	       (unsigned long long)s->windows, (unsigned long long)s->probes,
	       (unsigned long long)s->candidates, (unsigned long long)s->remote,
	       (unsigned long long)s->bytes, (double)s->bytes / w, s->compute_s, s->exchange_s,
	       s->cpu_s, s->cpu_path_s,
	       s->probes ? 100.0 * (double)s->probes_max / (double)s->probes : 0.0);
}

int ws_simpar_ensemble(struct ws_simpar_opts *po, const struct ws_sim_scenario *sc, bool quiet,
		       struct ws_sim_ensemble *x)
{
	memset(x, 0, sizeof *x);
	size_t runs = (size_t)sc->runs;
	struct ws_sim_result *all = ws_xcalloc(runs, sizeof *all);
	struct ws_err e;
	int rc = 0;
	if (po->partition) {
		struct ws_par_stats sum = {0};
		for (size_t i = 0; i < runs && rc == 0; i++) {
			struct ws_par_stats st;
			rc = ws_par_partition_run(&po->par, sc, sc->seed + i, po->block_bits, &all[i], &st, &e);
			add_stats(&sum, &st);
		}
		if (rc == 0 && !quiet && po->par.rank == 0)
			print_stats(&sum, (int)runs);
	} else {
		struct ws_sweep_point one = {.sc = *sc};
		struct job_ctx c = {&one, sc->runs};
		rc = ws_par_jobs(&po->par, runs, (size_t)sc->n_telescopes, run_job, &c,
				 po->par.rank == 0 ? all : NULL, &e);
	}
	if (rc == 0 && po->par.rank == 0)
		ws_sim_ensemble_reduce(sc, all, runs, x);
	for (size_t i = 0; i < runs; i++)
		ws_sim_result_free(&all[i]);
	free(all);
	return rc ? fail(e.msg) : 0;
}

/* ---- sweeps ---- */

static int write_file(const char *path, const char *data, size_t n)
{
	FILE *fp = fopen(path, "wb");
	bool ok = fp && fwrite(data, 1, n, fp) == n;
	if (fp && fclose(fp) != 0)
		ok = false;
	if (!ok) {
		fprintf(stderr, "wormscope simulate: %s: %s\n", path, strerror(errno));
		return WS_EXIT_ERROR;
	}
	return 0;
}

static void fmt_h(double s, char *out, size_t cap)
{
	if (isnan(s))
		snprintf(out, cap, "not reached");
	else
		snprintf(out, cap, "%.2f h", s / 3600);
}

static int write_sweep(const struct ws_sweep *sw, const struct ws_sim_scenario *base,
		       const struct ws_sweep_point *pt, int fig, const char *csv, const char *json,
		       const char *plot, bool quiet)
{
	int rc = 0;
	if (csv) {
		struct ws_buf b = {0};
		ws_sweep_write_csv(sw, base, pt, &b);
		rc |= write_file(csv, b.p ? b.p : "", b.n);
		ws_buf_free(&b);
	}
	for (size_t p = 0; json && p < sw->n_points; p++) {
		struct ws_buf path = {0};
		ws_sweep_point_path(json, p, sw->n_points, &path);
		char *s = ws_sweep_point_json(sw, p, &pt[p]);
		rc |= s ? write_file(path.p, s, strlen(s)) : fail("--summary-json: out of memory");
		free(s);
		ws_buf_free(&path);
	}
	if (plot) {
		struct ws_buf b = {0};
		ws_sweep_write_svg(sw, base, pt, fig, &b);
		rc |= write_file(plot, b.p, b.n);
		ws_buf_free(&b);
	}
	if (!quiet) {
		printf("wormscope simulate --sweep: SIMULATED outbreaks (model output, not "
		       "measurements): %zu points x %d run%s (medians)\n",
		       sw->n_points, base->runs, base->runs == 1 ? "" : "s");
		for (size_t p = 0; p < sw->n_points; p++) {
			struct ws_buf l = {0};
			ws_sweep_label(sw, p, &l);
			ws_buf_addc(&l, 0);
			const struct ws_sim_summary *m = &pt[p].x.med.sum;
			char t50[32];
			fmt_h(m->t_pct[2], t50, sizeof t50);
			printf("point %zu (%s): final infected %.0f of %.0f, 50%% %s\n", p, l.p,
			       m->final_infected, pt[p].n_hosts, t50);
			ws_buf_free(&l);
		}
	}
	return rc ? WS_EXIT_ERROR : 0;
}

int ws_simpar_sweep(struct ws_simpar_opts *po, const struct ws_sim_scenario *base,
		    const char *csv, const char *json, const char *plot, bool quiet)
{
	struct ws_err e;
	struct ws_sweep sw = {0};
	int rc = 0;
	for (int i = 0; i < po->n_sweep && rc == 0; i++)
		rc = ws_sweep_add(&sw, base, po->sweep[i], &e);
	int fig = ws_sweep_figure(po->figure ? po->figure : "t_50pct");
	if (rc == 0 && fig < 0) {
		ws_err_set(&e, WS_EUSAGE, "--sweep-figure %s: want one of %s", po->figure,
			   ws_sweep_figure_names());
		rc = WS_EUSAGE;
	}
	if (rc == 0 && quiet && !csv && !json && !plot) {
		ws_err_set(&e, WS_EUSAGE, "--quiet and no output file: nothing would be written");
		rc = WS_EUSAGE;
	}
	struct ws_sweep_point *pt = rc ? NULL : ws_xcalloc(sw.n_points, sizeof *pt);
	for (size_t p = 0; rc == 0 && p < sw.n_points; p++) {
		rc = ws_sweep_apply(&sw, base, p, &pt[p].sc, &e);
		if (rc == 0 && ws_sim_scenario_check_hosts(&pt[p].sc, &pt[p].n_hosts, &e)) {
			struct ws_err inner = e;
			ws_err_set(&e, WS_EUSAGE, "--sweep point %zu: %s", p, inner.msg);
			rc = WS_EUSAGE;
		}
	}
	size_t runs = (size_t)base->runs, n_jobs = rc ? 0 : sw.n_points * runs;
	struct ws_sim_result *all = ws_xcalloc(n_jobs + 1, sizeof *all);
	if (rc == 0 && po->partition) {
		/* each run over every rank, one after the other */
		struct ws_par_stats sum = {0};
		for (size_t j = 0; j < n_jobs && rc == 0; j++) {
			const struct ws_sim_scenario *sc = &pt[j / runs].sc;
			struct ws_par_stats st;
			rc = ws_par_partition_run(&po->par, sc, sc->seed + j % runs, po->block_bits,
						  &all[j], &st, &e);
			add_stats(&sum, &st);
		}
		if (rc == 0 && !quiet && po->par.rank == 0)
			print_stats(&sum, (int)n_jobs);
	} else if (rc == 0) {
		struct job_ctx c = {pt, base->runs};
		rc = ws_par_jobs(&po->par, n_jobs, (size_t)base->n_telescopes, run_job, &c,
				 po->par.rank == 0 ? all : NULL, &e);
	}
	if (rc == 0 && po->par.rank == 0) {
		for (size_t p = 0; p < sw.n_points; p++)
			ws_sim_ensemble_reduce(&pt[p].sc, all + p * runs, runs, &pt[p].x);
	}
	for (size_t j = 0; j < n_jobs; j++)
		ws_sim_result_free(&all[j]);
	free(all);
	int out = rc ? fail(e.msg) : 0;
	if (rc == 0 && po->par.rank == 0)
		out = write_sweep(&sw, base, pt, fig, csv, json, plot, quiet);
	for (size_t p = 0; pt && p < sw.n_points; p++)
		ws_sim_ensemble_free(&pt[p].x);
	free(pt);
	ws_sweep_free(&sw);
	return out;
}
