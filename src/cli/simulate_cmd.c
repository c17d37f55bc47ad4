/* SPDX-License-Identifier: MIT */
/* `wormscope simulate`: runs a worm's documented behaviour over a model of
 * the 2001 IPv4 Internet and writes what happened (series, summary, chart),
 * what telescopes saw and what a web server would have logged. Everything it
 * writes is marked SIMULATED. It sends nothing anywhere and prints no probe
 * targets. The model is src/sim/; docs/simulate.md describes every option. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cli/opts.h"
#include "cli/simulate_obs.h"
#include "cli/simulate_par.h"
#include "pcap/pcapng.h"
#include "sim/outputs.h"
#include "sim/sim.h"
#include "sim/textchart.h"
#include "util/addr.h"
#include "util/str.h"
#include "wormscope/worm.h"
#include "ws_version.h"

enum {
	O_WORM = 256, O_VULN, O_RATE, O_START, O_DURATION, O_SEED, O_INITIAL, O_RUNS, O_TELESCOPE,
	O_TEL_HOSTS, O_INTERVAL, O_CSV, O_JSON, O_PLOT, O_CONFIG, O_DUMP, O_MODE, O_EMIT, O_SERVER,
	O_SERVER_KIND, O_SET, O_STRATEGY, O_POPULATION, O_QUIET, O_TEXT_CHART, O_EMIT_PCAP,
	O_EMIT_SAMPLE, O_OBSERVED, O_SWEEP, O_SWEEP_FIGURE, O_RANKS, O_PARTITION,
	O_PARTITION_BLOCK,
};

static const struct ws_opt opts[] = {
	{"worm", O_WORM, "ID", "code-red (default), code-red-v1, code-red-ii, nimda, slammer, warhol, custom"},
	{"vulnerable", O_VULN, "N", "vulnerable hosts (synthetic population)"},
	{"scan-rate", O_RATE, "PROBES_PER_S", "mean probes/s per infected host (default: threads / probe time)"},
	{"start", O_START, "ISO8601_UTC", "start time (default: the worm's onset, e.g. 2001-07-19T10:00:00Z)"},
	{"duration", O_DURATION, "HOURS", "hours simulated (default 24)"},
	{"seed", O_SEED, "N", "random seed (default 1); the same seed gives the same bytes"},
	{"initial", O_INITIAL, "N", "hosts infected at the start (default 1)"},
	{"runs", O_RUNS, "N", "ensemble: seeds seed..seed+N-1, medians and 5-95 % bands"},
	{"telescope", O_TELESCOPE, "CIDR", "monitored prefix (repeatable)"},
	{"telescope-hosts", O_TEL_HOSTS, "FILE", "first telescope's sources, CAIDA Code-Red layout"},
	{"interval", O_INTERVAL, "SECONDS", "output interval (default 60)"},
	{"out-csv", O_CSV, "FILE", "time series"},
	{"summary-json", O_JSON, "FILE", "summary figures"},
	{"plot", O_PLOT, "FILE.svg", "chart: infected, RCS curve, telescope sources"},
	{"config", O_CONFIG, "FILE", "read a configuration (options given also override it)"},
	{"dump-config", O_DUMP, NULL, "print the full configuration and exit"},
	{"mode", O_MODE, "fast|per-probe", "engine (default fast)"},
	{"emit-log", O_EMIT, "FILE", "access log of the web server at --server"},
	{"server", O_SERVER, "ADDR", "that server's IPv4 address, or auto (in the densest /16)"},
	{"server-kind", O_SERVER_KIND, "iis|apache", "what it answered (default apache)"},
	{"emit-pcap", O_EMIT_PCAP, "FILE", "pcapng of what the --telescope prefixes captured: one "
					    "SYN per probe, synthetic sources, marked simulated"},
	{"emit-sample", O_EMIT_SAMPLE, "P", "--emit-pcap keeps each probe with probability P "
					     "(refused above 2,000,000 packets otherwise)"},
	{"observed", O_OBSERVED, "FILE", "measured curve beside the model: CSV time_utc,"
					  "distinct_sources[,probes] or a CAIDA host table"},
	{"set", O_SET, "KEY=VALUE", "any configuration key (see --dump-config), repeatable"},
	{"strategy", O_STRATEGY, "NAME", "uniform, fixed-sequence, local-preference, sequential, permutation"},
	{"population", O_POPULATION, "FILE", "vulnerable hosts as 'PREFIX COUNT' lines"},
	{"quiet", O_QUIET, NULL, "no text summary on stdout"},
	{"text-chart", O_TEXT_CHART, NULL, "end the summary with a text chart (default on a terminal without --plot)"},
	{"sweep", O_SWEEP, "KEY=V1,V2,...|KEY=FROM:TO:STEP", "sweep a key (repeatable: every combination); --runs N per point"},
	{"sweep-figure", O_SWEEP_FIGURE, "NAME", "summary figure --plot charts against the first swept key (default t_50pct)"},
	{"ranks", O_RANKS, "R", "run under mpirun -np R (MPI build; under mpirun/srun: must match)"},
	{"partition", O_PARTITION, NULL, "split each per-probe run over the MPI ranks (needs infection_delay_s > 0)"},
	{"partition-block", O_PARTITION_BLOCK, "BITS", "--partition's blocks: the /BITS prefixes, 1..16 (default 8)"},
	{"help", 'h', NULL, "show this help"},
};
#define NOPTS ((int)(sizeof(opts) / sizeof(opts[0])))

static const char *const about =
	"Simulates a worm outbreak over a model of IPv4 (fast exact mode: cost grows with\n"
	"infections, not probes) and writes SIMULATED series, summary, chart, telescope\n"
	"counts and web-server logs. Realism knobs and defences are --set keys, all off\n"
	"by default; scenarios/*.conf hold the historical runs. See docs/simulate.md.";

struct files {
	const char *csv, *json, *plot, *tel_hosts, *emit, *server, *server_kind, *pcap, *observed;
	struct ws_sim_obs obs; /* --observed, loaded before the run */
	double sample; /* --emit-sample, 0 = not given */
	bool dump, quiet, text_chart;
	struct ws_simpar_opts *par; /* --sweep, --ranks, --partition; MPI */
};

static int fail(const char *msg)
{
	fprintf(stderr, "wormscope simulate: %s\n", msg);
	return WS_EXIT_ERROR;
}

/* The options that set one configuration key: errors about the value name
 * the option. */
static const struct {
	int c;
	const char *key, *opt;
} option_keys[] = {
	{O_VULN, "vulnerable", "--vulnerable"}, {O_RATE, "scan_rate", "--scan-rate"},
	{O_START, "start", "--start"}, {O_DURATION, "duration_h", "--duration"},
	{O_SEED, "seed", "--seed"}, {O_INITIAL, "initial", "--initial"},
	{O_RUNS, "runs", "--runs"}, {O_TELESCOPE, "telescope", "--telescope"},
	{O_INTERVAL, "interval_s", "--interval"}, {O_MODE, "mode", "--mode"},
	{O_STRATEGY, "strategy", "--strategy"}, {O_POPULATION, "population_file", "--population"},
};

/* Maps an option to its configuration key (and *opt to its name). */
static const char *key_of(int c, const char **opt)
{
	for (size_t i = 0; i < sizeof(option_keys) / sizeof(option_keys[0]); i++)
		if (option_keys[i].c == c) {
			*opt = option_keys[i].opt;
			return option_keys[i].key;
		}
	return NULL;
}

/* First pass: the worm and the config file set the base every other option
 * then changes, whatever their order on the command line. */
static int base_scenario(int argc, char **argv, const struct option *longs, const char *shorts,
			 struct ws_sim_scenario *sc)
{
	const char *worm = "code-red", *config = NULL;
	int c;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		if (c == O_WORM)
			worm = optarg;
		else if (c == O_CONFIG)
			config = optarg;
	}
	struct ws_err e;
	if (ws_sim_scenario_init(sc, worm, &e))
		return fail(e.msg);
	if (config && ws_sim_scenario_load(sc, config, &e))
		return fail(e.msg);
	return 0;
}

static int apply_option(struct ws_sim_scenario *sc, struct files *f, int c, bool *tel_reset)
{
	struct ws_err e;
	const char *opt = NULL, *key = key_of(c, &opt);
	if (c == O_TELESCOPE && !*tel_reset) { /* the command line's replace the file's */
		sc->n_telescopes = 0;
		*tel_reset = true;
	}
	if (key) {
		if (ws_sim_scenario_set_by(sc, key, optarg, opt, &e))
			return fail(e.msg);
		return 0;
	}
	switch (c) {
	case O_WORM:
	case O_CONFIG: return 0;
	case O_CSV: f->csv = optarg; return 0;
	case O_TEL_HOSTS: f->tel_hosts = optarg; return 0;
	case O_JSON: f->json = optarg; return 0;
	case O_PLOT: f->plot = optarg; return 0;
	case O_DUMP: f->dump = true; return 0;
	case O_EMIT: f->emit = optarg; return 0;
	case O_EMIT_PCAP: f->pcap = optarg; return 0;
	case O_OBSERVED: f->observed = optarg; return 0;
	case O_EMIT_SAMPLE: {
		char *end;
		f->sample = strtod(optarg, &end);
		if (*end || end == optarg || !(f->sample > 0 && f->sample <= 1))
			return fail("--emit-sample: a share of probes, above 0 and at most 1");
		return 0;
	}
	case O_SERVER: f->server = optarg; return 0;
	case O_SERVER_KIND: f->server_kind = optarg; return 0;
	case O_QUIET: f->quiet = true; return 0;
	case O_TEXT_CHART: f->text_chart = true; return 0;
	case O_SWEEP:
		if (f->par->n_sweep >= WS_SWEEP_MAX_AXES)
			return fail("--sweep: at most 4 keys");
		f->par->sweep[f->par->n_sweep++] = optarg;
		return 0;
	case O_SWEEP_FIGURE: f->par->figure = optarg; return 0;
	case O_RANKS:
	case O_PARTITION: return 0; /* read before the options (ws_simpar_begin) */
	case O_PARTITION_BLOCK: {
		char *end;
		long b = strtol(optarg, &end, 10);
		if (*end || b < 1 || b > 16)
			return fail("--partition-block: want prefix bits 1..16 (8: /8 blocks)");
		f->par->block_bits = (int)b;
		return 0;
	}
	case O_SET: {
		char k[64];
		const char *eq = strchr(optarg, '=');
		if (!eq || (size_t)(eq - optarg) >= sizeof(k))
			return fail("--set: want KEY=VALUE");
		memcpy(k, optarg, (size_t)(eq - optarg));
		k[eq - optarg] = 0;
		/* it would reset what --config and the options before it set */
		if (strcmp(k, "worm") == 0)
			return fail("--set worm: not a --set key (use --worm: it sets the defaults "
				    "every other option changes)");
		if (ws_sim_scenario_set_by(sc, k, eq + 1, "--set", &e))
			return fail(e.msg);
		return 0;
	}
	default: return -1;
	}
}

static int write_file(const char *path, const char *data, size_t n)
{
	FILE *fp = fopen(path, "wb");
	bool ok = fp && fwrite(data, 1, n, fp) == n;
	/* Closed exactly once: a failed fclose has already released the stream. */
	if (fp && fclose(fp) != 0)
		ok = false;
	if (!ok) {
		fprintf(stderr, "wormscope simulate: %s: %s\n", path, strerror(errno));
		return WS_EXIT_ERROR;
	}
	return 0;
}

static int write_buf(const char *path, struct ws_buf *b)
{
	int rc = write_file(path, b->p ? b->p : "", b->n);
	ws_buf_free(b);
	return rc;
}

/* "at 6.05 h", or "not reached" for a share the run never got to. */
static void fmt_hours(double s, char *out, size_t cap)
{
	if (s != s)
		snprintf(out, cap, "not reached");
	else
		snprintf(out, cap, "at %.2f h", s / 3600.0);
}

static void print_summary(const struct ws_sim_scenario *sc, const struct ws_sim_ensemble *x,
			  double n_hosts)
{
	const struct ws_sim_summary *m = &x->med.sum;
	char t[5][32], k_text[32];
	for (int k = 0; k < 5; k++)
		fmt_hours(m->t_pct[k], t[k], sizeof(t[k]));
	/* K is fitted over 1 % to 50 % infected: a run that starts above or
	 * never gets there has none. */
	if (isnan(m->fitted_K_per_hour))
		snprintf(k_text, sizeof(k_text), "not fitted");
	else
		snprintf(k_text, sizeof(k_text), "%.3f/h", m->fitted_K_per_hour);
	printf("wormscope %s simulate: SIMULATED outbreak (model output, not measurements)\n",
	       WS_VERSION);
	printf("worm %s, %s scanning at %.4g probes/s, %.0f vulnerable, seed %llu, %d run%s%s\n",
	       sc->worm.id, ws_sim_strategy_name(sc->worm.strategy), ws_sim_mean_rate(&sc->worm),
	       n_hosts, (unsigned long long)sc->seed, x->runs, x->runs == 1 ? "" : "s (medians)",
	       sc->mode == WS_SIM_MODE_PROBE ? ", per-probe mode" : "");
	if (x->died_out > 0 && x->reduced < x->runs)
		printf("%d of %d runs died out (extinction share %.0f %%: they stayed near their "
		       "seed hosts); medians over the %d that took off\n",
		       x->died_out, x->runs, 100.0 * x->died_out / x->runs, x->reduced);
	else if (x->died_out > 0)
		printf("all %d runs died out (none infected 1 %% of the vulnerable); medians over "
		       "all of them\n", x->runs);
	printf("final infected %.0f, ever infected %.0f, peak %.0f new infections/min, K %s\n",
	       m->final_infected, m->ever_infected, m->peak_new_per_min, k_text);
	printf("1%% %s, 10%% %s, 50%% %s, 90%% %s, 99%% %s\n", t[0], t[1], t[2], t[3], t[4]);
	for (int i = 0; i < sc->n_telescopes; i++) {
		uint32_t a = sc->tel[i].net;
		printf("telescope %u.%u.%u.%u/%d: %.0f sources seen, peak %.0f new sources/min\n",
		       a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255, sc->tel[i].bits,
		       m->tel_sources_total[i], m->peak_new_sources_per_min[i]);
	}
}

/* The last guard before anything is written: every summary figure is a
 * number. NaN stands for "never reached" in the times to a share and in K
 * (printed as not reached and not fitted, null in JSON); any other value that is
 * not finite means the scenario slipped past the check. */
static int summary_finite(const struct ws_sim_scenario *sc, const struct ws_sim_ensemble *x)
{
	const struct ws_sim_summary *sums[3] = {&x->med.sum, &x->lo.sum, &x->hi.sum};
	static const char *const which[3] = {"median", "5 % band", "95 % band"};
	static const char *const pct[5] = {"t_1pct", "t_10pct", "t_50pct", "t_90pct", "t_99pct"};
	for (int i = 0; i < 3; i++) {
		const struct ws_sim_summary *m = sums[i];
		const char *bad = NULL;
		if (!isfinite(m->final_infected))
			bad = "final_infected";
		else if (!isfinite(m->ever_infected))
			bad = "ever_infected";
		else if (!isfinite(m->peak_new_per_min))
			bad = "peak_new_infections_per_min";
		else if (isinf(m->fitted_K_per_hour))
			bad = "fitted_K_per_hour";
		for (int k = 0; !bad && k < 5; k++)
			if (isinf(m->t_pct[k]))
				bad = pct[k];
		for (int t = 0; !bad && t < sc->n_telescopes; t++)
			if (!isfinite(m->peak_new_sources_per_min[t]) || !isfinite(m->tel_sources_total[t]))
				bad = "a telescope figure";
		if (bad) {
			fprintf(stderr, "wormscope simulate: the run gave a %s (%s) that is not a finite "
					"number; nothing written (a scenario the check should have refused)\n",
				bad, which[i]);
			return WS_EXIT_ERROR;
		}
	}
	return 0;
}

/* The same for the numbers of a CSV or SVG text: no field or coordinate
 * reads nan or inf (CSV comment lines and the SVG's <desc> hold the
 * configuration, whose text is not a number). */
static bool text_finite(const struct ws_buf *b, bool svg)
{
	const char *p = b->p ? b->p : "", *end = p + b->n;
	if (svg) {
		const char *desc = b->n ? memmem(p, b->n, "</desc>", 7) : NULL;
		if (desc)
			p = desc;
	}
	bool line_start = true, comment = false;
	while (p < end) {
		if (line_start)
			comment = !svg && *p == '#';
		line_start = *p == '\n';
		const char *q = p;
		while (q < end && (isalnum((unsigned char)*q) || *q == '.' || *q == '+' || *q == '-' ||
				   *q == '_'))
			q++;
		if (q == p) {
			p++;
			continue;
		}
		size_t n = (size_t)(q - p);
		if (!comment && *p == '-') {
			p++;
			n--;
		}
		if (!comment && n == 3 &&
		    (strncasecmp(p, "nan", 3) == 0 || strncasecmp(p, "inf", 3) == 0))
			return false;
		p = q;
	}
	return true;
}

static int write_outputs(const struct ws_sim_scenario *sc, const struct files *f,
			 const struct ws_sim_ensemble *x, double n_hosts, struct ws_buf *hosts,
			 struct ws_buf *log, struct ws_buf *pcap)
{
	int rc = summary_finite(sc, x);
	if (rc)
		return rc;
	struct ws_buf csv = {0}, svg = {0};
	const struct ws_sim_obs *obs = f->observed ? &f->obs : NULL;
	if (f->csv)
		ws_sim_write_csv_obs(sc, x, n_hosts, obs, &csv);
	if (f->plot)
		ws_sim_write_svg_obs(sc, x, n_hosts, obs, f->observed, &svg);
	if (!text_finite(&csv, false) || !text_finite(&svg, true)) {
		ws_buf_free(&csv);
		ws_buf_free(&svg);
		return fail("a series value is not a finite number; nothing written (a scenario the "
			    "check should have refused)");
	}
	if (f->csv)
		rc |= write_buf(f->csv, &csv);
	if (f->json) {
		char *s = ws_sim_summary_json(sc, x, n_hosts);
		rc |= write_file(f->json, s, strlen(s));
		free(s);
	}
	if (f->plot)
		rc |= write_buf(f->plot, &svg);
	if (f->tel_hosts) {
		struct ws_buf b = {0};
		ws_buf_printf(&b, "# SIMULATED by wormscope %s simulate, seed %llu: not CAIDA data. "
				  "Layout of CAIDA's Code-Red table; the 9th field is the simulated "
				  "address.\n# config: ",
			      WS_VERSION, (unsigned long long)sc->seed);
		ws_sim_config_line(sc, &b);
		ws_buf_adds(&b, "\n#start_time\tend_time\ttld\tcountry\tlatitude\tlongitude\tas_number"
				"\tas_name\tsimulated_address\n");
		ws_buf_add(&b, hosts->p ? hosts->p : "", hosts->n);
		rc |= write_buf(f->tel_hosts, &b);
	}
	if (f->emit)
		rc |= write_file(f->emit, log->p ? log->p : "", log->n);
	if (f->pcap)
		rc |= write_file(f->pcap, pcap->p ? pcap->p : "", pcap->n);
	if (!f->quiet) {
		print_summary(sc, x, n_hosts);
		if (obs)
			ws_cli_sim_obs_print(stdout, sc, x, n_hosts, obs, f->observed);
		/* A terminal user with no chart file sees the curve here. */
		if (f->text_chart || (!f->plot && isatty(STDOUT_FILENO))) {
			struct ws_buf b = {0};
			ws_sim_text_chart(sc, x, n_hosts, 60, 12, &b);
			fwrite(b.p ? b.p : "", 1, b.n, stdout);
			ws_buf_free(&b);
		}
	}
	return rc ? WS_EXIT_ERROR : 0;
}

/* --server auto: an address that is not a vulnerable host, in the /16 with
 * the most vulnerable hosts of the first run's population (where a Code Red
 * II server would have seen the most). */
static int auto_server(const struct ws_sim_scenario *sc, uint32_t *out)
{
	struct ws_sim_pop p;
	struct ws_err e;
	if (ws_sim_pop_for(sc, sc->seed, &p, &e))
		return -1;
	uint32_t best = 0;
	for (uint32_t g = 1; g < p.n_groups; g++)
		if (p.groups[g].count > p.groups[best].count)
			best = g;
	uint32_t base = p.groups[best].prefix16 << 16, a = base | 10;
	while (ws_sim_pop_find(&p, a) >= 0 && (a & 0xffff) < 0xfffe)
		a++;
	*out = a;
	ws_sim_pop_free(&p);
	return 0;
}

/* Progress on a terminal: a line rewritten after each run of the ensemble
 * (and each output interval of a per-probe run), once the simulation has
 * taken over a second, at most 10 times a second; erased before the
 * summary. */
struct progress {
	double t0, after; /* after: seconds before the first line (WS_PROGRESS_AFTER, default 1) */
	double last;      /* when the line was last written */
	bool shown;
};

static double ws_now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void show_progress(void *ctx, double done, int runs)
{
	struct progress *p = ctx;
	double now = ws_now_s(), el = now - p->t0;
	bool boundary = done == floor(done);
	/* after = 0 (the tests) shows every update, else ticks at most 10/s */
	if (el < p->after || done >= runs || done <= 0 ||
	    (!boundary && p->after > 0 && now - p->last < 0.1))
		return;
	p->last = now;
	double left = el / done * (runs - done);
	if (boundary)
		fprintf(stderr, "\rwormscope simulate: run %d of %d done, %.1f s, about %.0f s left\033[K",
			(int)done, runs, el, left);
	else
		fprintf(stderr, "\rwormscope simulate: run %d of %d, %.0f %% of it simulated, %.1f s, "
			"about %.0f s left\033[K", (int)done + 1, runs, 100 * (done - floor(done)), el, left);
	p->shown = true;
}

/* --emit-pcap: the capture's buffer, and its section header comment, which
 * marks it simulated and says what it holds (scan reads sample= back). */
static void pcap_setup(const struct ws_sim_scenario *sc, const struct files *f,
		       struct ws_sim_outputs *o, struct ws_buf *pcap, struct ws_buf *comment,
		       struct ws_err *err)
{
	ws_buf_adds(comment, WS_PCAPNG_SIMULATED " telescope=");
	for (int i = 0; i < sc->n_telescopes; i++) {
		uint32_t a = sc->tel[i].net;
		ws_buf_printf(comment, "%s%u.%u.%u.%u/%d", i ? "," : "", a >> 24, (a >> 16) & 255,
			      (a >> 8) & 255, a & 255, sc->tel[i].bits);
	}
	ws_buf_printf(comment, " sample=%.6g seed=%llu; wormscope %s simulate: SIMULATED "
			       "telescope capture, synthetic sources, not real traffic; config: ",
		      f->sample ? f->sample : 1.0, (unsigned long long)sc->seed, WS_VERSION);
	ws_sim_config_line(sc, comment);
	ws_buf_addc(comment, '\0');
	o->pcap = pcap;
	o->pcap_comment = comment->p;
	o->pcap_sample = f->sample ? f->sample : 1.0;
	o->pcap_max = WS_SIM_PCAP_MAX;
	o->pcap_err = err;
}

/* The flag combinations that cannot run, refused before the scenario is
 * even checked; 0 when the flags go together. */
static int refuse_outputs(const struct files *f)
{
	if (f->quiet && !f->csv && !f->json && !f->plot && !f->emit && !f->tel_hosts && !f->pcap)
		return fail("--quiet and no output file: nothing would be written (give --out-csv, "
			    "--summary-json, --plot, --emit-log, --emit-pcap or --telescope-hosts)");
	if (f->sample && !f->pcap)
		return fail("--emit-sample goes with --emit-pcap");
	return 0;
}

/* --dump: the configuration as it would run, on stdout. */
static int dump_scenario(const struct ws_sim_scenario *sc)
{
	struct ws_buf b = {0};
	ws_sim_scenario_dump(sc, &b);
	fwrite(b.p, 1, b.n, stdout);
	ws_buf_free(&b);
	return 0;
}

/* --emit-log needs a server and a worm whose probes a web log keeps. */
static int refuse_emit(const struct ws_sim_scenario *sc, const struct files *f)
{
	if ((f->emit != NULL) != (f->server != NULL))
		return fail("--emit-log and --server go together");
	const struct ws_worm *w = ws_sim_worm(sc->worm.id);
	if (f->emit && (!w || !w->behaviour->n_requests)) {
		fprintf(stderr, "wormscope simulate: --emit-log: %s sends no HTTP request a web log "
				"would keep\n", sc->worm.id);
		return WS_EXIT_ERROR;
	}
	return 0;
}

/* --emit-log: the server's address (auto: written into auto_addr, which
 * f->server then names), its kind, and the log's header line, marked
 * simulated. */
static int emit_setup(const struct ws_sim_scenario *sc, struct files *f,
		      struct ws_sim_outputs *o, struct ws_buf *log, struct ws_buf *header,
		      char auto_addr[static 20])
{
	struct ws_addr a;
	if (strcmp(f->server, "auto") == 0) {
		if (auto_server(sc, &o->server))
			return fail("--server auto: cannot build the population");
		snprintf(auto_addr, 20, "%u.%u.%u.%u", o->server >> 24, (o->server >> 16) & 255,
			 (o->server >> 8) & 255, o->server & 255);
		f->server = auto_addr;
	} else if (!ws_addr_parse(ws_str_make(f->server, strlen(f->server)), &a, NULL) ||
		   a.fam != 4) {
		return fail("--server: want an IPv4 address or auto");
	} else {
		o->server = (uint32_t)a.b[0] << 24 | (uint32_t)a.b[1] << 16 |
			    (uint32_t)a.b[2] << 8 | a.b[3];
	}
	if (f->server_kind && strcmp(f->server_kind, "iis") && strcmp(f->server_kind, "apache"))
		return fail("--server-kind: iis or apache");
	o->server_kind = f->server_kind ? f->server_kind : "apache";
	o->log = log;
	ws_buf_printf(header, "wormscope %s simulate, SIMULATED log of a web server (%s) at %s, "
			      "seed %llu; config: ",
		      WS_VERSION, o->server_kind, f->server, (unsigned long long)sc->seed);
	ws_sim_config_line(sc, header);
	ws_buf_addc(header, '\0');
	o->log_header = header->p;
	return 0;
}

/* The ensemble in this process, with a progress line on a terminal. */
static int run_here(const struct ws_sim_scenario *sc, struct ws_sim_outputs *o,
		    struct ws_sim_ensemble *x)
{
	struct ws_err e;
	const char *after = getenv("WS_PROGRESS_AFTER");
	struct progress pr = {ws_now_s(), after ? atof(after) : 1.0, 0, false};
	if (isatty(STDERR_FILENO)) {
		o->progress = show_progress;
		o->progress_ctx = &pr;
	}
	int rc = ws_sim_run_ensemble_with(sc, x, o, &e);
	if (pr.shown)
		fputs("\r\033[K", stderr);
	return rc ? fail(e.msg) : 0;
}

static int run(struct ws_sim_scenario *sc, struct files *f)
{
	struct ws_err e;
	/* An impossible configuration is refused, also as a dump (it would not
	 * read back into a run). */
	int rc = refuse_outputs(f);
	if (rc)
		return rc;
	if (ws_sim_scenario_check(sc, &e))
		return fail(e.msg);
	if (f->dump)
		return dump_scenario(sc);
	if ((rc = refuse_emit(sc, f)))
		return rc;
	if (f->par->n_sweep) {
		if (f->emit || f->tel_hosts || f->pcap || f->observed)
			return fail("--sweep takes no --emit-log, --emit-pcap, --telescope-hosts or "
				    "--observed (run the point alone)");
		return ws_simpar_sweep(f->par, sc, f->csv, f->json, f->plot, f->quiet);
	}
	/* The server log and the telescope's sources come from the first run:
	 * rank 0 runs that ensemble alone. */
	bool spread = f->par->partition ||
		      (f->par->par.size > 1 && !f->emit && !f->tel_hosts && !f->pcap);
	if (!spread && f->par->par.rank != 0)
		return 0;
	double n_hosts;
	if (ws_sim_scenario_check_hosts(sc, &n_hosts, &e))
		return fail(e.msg);
	if (f->observed && ws_cli_sim_obs_load(f->observed, &f->obs))
		return WS_EXIT_ERROR;
	struct ws_sim_outputs o = {.server_kind = "apache"};
	struct ws_buf hosts = {0}, log = {0}, header = {0};
	if (f->tel_hosts)
		o.hosts = &hosts;
	char auto_addr[20];
	if (f->emit && (rc = emit_setup(sc, f, &o, &log, &header, auto_addr))) {
		ws_buf_free(&header);
		return rc;
	}
	struct ws_buf pcap = {0}, pcap_comment = {0};
	struct ws_err pcap_err = {{0}};
	if (f->pcap)
		pcap_setup(sc, f, &o, &pcap, &pcap_comment, &pcap_err);
	struct ws_sim_ensemble x;
	if (spread)
		rc = ws_simpar_ensemble(f->par, sc, f->quiet, &x);
	else
		rc = run_here(sc, &o, &x);
	if (rc == 0 && f->par->par.rank == 0)
		rc = write_outputs(sc, f, &x, n_hosts, &hosts, &log, &pcap);
	ws_sim_ensemble_free(&x);
	ws_buf_free(&hosts);
	ws_buf_free(&log);
	ws_buf_free(&header);
	ws_buf_free(&pcap);
	ws_buf_free(&pcap_comment);
	ws_sim_obs_free(&f->obs);
	return rc;
}

int ws_cmd_simulate(int argc, char **argv)
{
	struct option *longs;
	char shorts[64];
	ws_opts_build(opts, NOPTS, &longs, shorts, sizeof(shorts));
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			ws_opts_help(stdout, "wormscope simulate [options]", about, opts, NOPTS);
			free(longs);
			return 0;
		}
	struct ws_simpar_opts par = {.block_bits = 8};
	int rc = ws_simpar_begin(argc, argv, &par);
	if (rc) {
		free(longs);
		return rc;
	}
	struct ws_sim_scenario sc;
	rc = base_scenario(argc, argv, longs, shorts, &sc);
	struct files f = {.par = &par};
	bool tel_reset = false;
	optind = 1;
	int c;
	while (rc == 0 && (c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		if (c == '?' || c == ':') {
			fprintf(stderr, "wormscope simulate: %s %s (see --help)\n",
				c == ':' ? "missing argument for" : "unknown option", argv[optind - 1]);
			rc = WS_EXIT_ERROR;
			break;
		}
		int r = apply_option(&sc, &f, c, &tel_reset);
		if (r)
			rc = r < 0 ? fail("bad option (see --help)") : r;
	}
	if (rc == 0 && optind < argc)
		rc = fail("takes no file arguments (see --help)");
	free(longs);
	opterr = 1;
	rc = rc ? rc : run(&sc, &f);
	/* stdout carries --dump-config and the summary: a lost write is an error */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "wormscope simulate: error writing stdout\n");
		rc = WS_EXIT_ERROR;
	}
	ws_simpar_end(&par);
	return rc;
}
