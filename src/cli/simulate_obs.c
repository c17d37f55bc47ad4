/* SPDX-License-Identifier: MIT */
/* simulate --observed FILE (see simulate_obs.h). */
#include <math.h>
#include <stdio.h>

#include "cli/opts.h"
#include "cli/simulate_obs.h"
#include "util/time.h"

int ws_cli_sim_obs_load(const char *path, struct ws_sim_obs *o)
{
	struct ws_err e;
	if (ws_sim_obs_load(path, o, &e)) {
		fprintf(stderr, "wormscope simulate: --observed: %s\n", e.msg);
		return WS_EXIT_ERROR;
	}
	return 0;
}

/* "14:05 UTC" (with the date when the run spans more than a day). */
static void fmt_utc(double t, const struct ws_sim_scenario *sc, char *out, size_t cap)
{
	char iso[32];
	ws_time_format_iso((int64_t)t, iso);
	if (sc->duration_h > 24)
		snprintf(out, cap, "%.10s %.5s UTC", iso, iso + 11);
	else
		snprintf(out, cap, "%.5s UTC", iso + 11);
}

void ws_cli_sim_obs_print(FILE *fp, const struct ws_sim_scenario *sc,
			  const struct ws_sim_ensemble *x, double n_hosts,
			  const struct ws_sim_obs *o, const char *path)
{
	struct ws_sim_obs_cmp c;
	ws_sim_obs_compare(sc, x, n_hosts, o, &c);
	bool table = o->kind == WS_SIM_OBS_CAIDA;
	fprintf(fp, "observed %s (MEASURED, not simulated): %zu %s, %zu within the run; "
		    "compared with the model's %s\n",
		path, o->n, table ? "hosts (CAIDA host table, cumulative)" : "points",
		c.n_in, table && sc->n_telescopes ? "first telescope (sources seen)" : "infected (median)");
	if (c.n_in == 0) {
		fprintf(fp, "observed: no point falls within the run's time span\n");
		return;
	}
	char when[40], a[40], b[40];
	fmt_utc((double)c.max_gap_at, sc, when, sizeof(when));
	fprintf(fp, "largest gap %.2f %% of N (%.0f hosts, at %s)", 100.0 * c.max_gap_share,
		c.max_gap, when);
	if (!c.obs_levels) {
		fprintf(fp, "; timing offset at 50 %%: not available (the observation ends before "
			    "it levels off)\n");
	} else if (isnan(c.offset_s)) {
		fprintf(fp, "; timing offset at 50 %%: not available (a curve does not reach half "
			    "its largest value within the run)\n");
	} else {
		fmt_utc(c.t50_obs, sc, a, sizeof(a));
		fmt_utc(c.t50_model, sc, b, sizeof(b));
		fprintf(fp, "; 50 %% of its largest value: observed %s, model %s (model %.2f h %s)\n",
			a, b, fabs(c.offset_s) / 3600.0, c.offset_s > 0 ? "later" : "earlier");
	}
	if (!isnan(c.k_obs)) {
		char k[32] = "not fitted";
		if (!isnan(x->med.sum.fitted_K_per_hour))
			snprintf(k, sizeof(k), "%.3f/h", x->med.sum.fitted_K_per_hour);
		fprintf(fp, "observed growth %.3f/h (log-linear over its rising points) against the "
			    "model's K %s\n", c.k_obs, k);
	}
}
