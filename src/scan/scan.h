/* SPDX-License-Identifier: MIT */
/* The scan engine: one input (file or stdin) through detection, parsing,
 * classification and the per-source rollup, writing sightings in the chosen
 * output format to a FILE. Several jobs may run in parallel on different
 * inputs; each owns its result. */
#ifndef WS_SCAN_H
#define WS_SCAN_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "classify/classify.h"
#include "output/output.h"
#include "output/sink.h"
#include "pcap/capture.h"
#include "scan/hosts.h"
#include "behav/behav.h"
#include "telescope/telescope.h"
#include "util/addr.h"
#include "util/time.h"
#include "wormscope/err.h"

struct ws_scan_config {
	const char *log_format;   /* --log-format value, "auto" by default */
	struct ws_tz tz;          /* --tz */
	bool strict;              /* parse every line */
	struct ws_cidrset home;   /* --home-net */
	struct ws_cidrset ignore; /* --ignore-src */
	enum ws_out_format out;   /* sightings format, WS_OUT_NONE for the summary only */
	enum ws_confidence min_conf;
	uint32_t worm_mask;       /* worms to report (bit = table index) */
	const struct ws_prefilter *pf;
	/* captures (src/pcap) */
	uint32_t max_flows;       /* --max-flows; 0 = WS_PCAP_MAX_FLOWS */
	const char *bpf;          /* --bpf filter, or NULL */
	const char *user;         /* -Z: user to become once a live interface is open */
	/* live capture: called once the interface is open (the CLI says so) */
	void (*live_started)(const char *iface, const char *link, const char *user);
	const struct ws_tele_conf *tele; /* --telescope: captures feed the sensor; NULL: none */
	enum ws_behav_mode {
		WS_BEHAV_CAPTURES = 0, /* default: behavioural detection on captures */
		WS_BEHAV_ALL,          /* --behaviour: on logs too (every line is parsed) */
		WS_BEHAV_OFF,          /* --no-behaviour */
	} behaviour;
};

/* Behavioural alerts of a job: counts per kind, and the first
 * WS_ALERTS_KEPT of them (owned) for the summary and the store. */
#define WS_ALERTS_KEPT 256
struct ws_alert_list {
	uint64_t count[3]; /* by enum ws_alert_kind */
	struct ws_alert *v;
	size_t n;
};

#define WS_EXAMPLES 5

struct ws_worm_stats {
	uint64_t requests;
	uint64_t by_conf[3];
	uint64_t compromised;
	int64_t first, last;
};

/* A compromised-looking answer, kept for the summary. */
struct ws_example {
	char text[512];
};

#define WS_N_ODD 3 /* the WS_ODD_* bits of wormscope/request.h */

struct ws_job_result {
	const char *path;
	const char *format;            /* detected or forced format name (static) */
	uint64_t lines, bytes, raw_bytes;
	uint64_t sightings, ignored, unparsable, overlong;
	uint64_t unparsable_at[WS_EXAMPLES]; /* first few line numbers */
	int n_unparsable_at;
	/* Parsed lines with fields that are not what they should be, per
	 * WS_ODD_* bit (client, user, time), and the first such "file:line". */
	uint64_t odd[WS_N_ODD];
	char odd_at[WS_N_ODD][320];
	struct ws_worm_stats worms[WS_MAX_WORMS];
	struct ws_hosts hosts;
	struct ws_example compromised[WS_EXAMPLES];
	int n_compromised;
	int rc;                        /* 0, or the WS_E* code of an input error */
	struct ws_err err;
	bool simulated;                /* an input started with WS_SIMULATED_MARK */
	int look;                      /* standard input: what its head is (enum ws_look, scan/look.h) */
	struct ws_capture_stats cap;   /* packet captures: what was read, capture health */
	struct ws_tele *tele;          /* --telescope: what the darknet saw (owned), or NULL */
	double tele_sample;            /* a sampled simulated capture: share of probes kept */
	struct ws_alert_list alerts;   /* behavioural alerts (src/behav) */
	size_t behav_memory;           /* bytes the behavioural tables took (largest job) */
};

/* One part of a large plain file scanned in parallel: bytes [off, off+len),
 * starting at a line start, whose first line is line `first_line` of the
 * file; `kind` is the format detected once from the file's head, so every
 * part parses alike. */
struct ws_range {
	uint64_t off, len;
	uint64_t first_line;
	int kind; /* enum ws_fmt_kind */
};

/* Scans path ("-" for stdin), or only `range` of it when range is not NULL,, writing sightings to out (may be NULL when
 * cfg->out is WS_OUT_NONE). Fills res (caller frees with
 * ws_job_result_free). Input errors are recorded in res->rc/err, not
 * returned: what was read before them still counts. */
void ws_scan_job(const struct ws_scan_config *cfg, struct ws_prefilter_scratch *scratch,
		 const char *path, const struct ws_range *range, FILE *out,
		 struct ws_job_result *res);
/* Where a job starts, who else receives its sightings, and where it
 * checkpoints: `scan --db` resumes files at a committed offset, hands each
 * sighting and alert to the store's sink (`to`, the same interface as the
 * output formats, output/sink.h), and commits at line boundaries (every
 * `batch` sightings and at each chunk's end) together with the offset
 * reached (`progress`). */
struct ws_scan_sink {
	uint64_t offset, line; /* start: decompressed byte offset, the number of its line */
	int kind;              /* enum ws_fmt_kind found at the file's start (offset > 0) */
	bool simulated;        /* the file starts with WS_SIMULATED_MARK (offset > 0) */
	bool hold_partial;     /* leave a last line without a newline for later (--follow) */
	uint64_t batch;        /* sightings between commits, 0 = only at chunk ends */
	int commit_s;          /* longest seconds between commits (0: 5 s; < 0: by batch only) */
	const volatile sig_atomic_t *stop; /* set (by a signal): commit and stop early */
	struct ws_sink to;     /* every sighting and alert; a non-zero return stops the job */
	void *ctx;             /* for the checkpoint calls below */
	/* Everything before `offset` (lines before `next_line`) is handed over;
	 * tail holds the last bytes before offset; at_end: the input ended
	 * without an error. */
	int (*progress)(void *ctx, uint64_t offset, uint64_t next_line, const char *tail,
			size_t tail_len, bool at_end, struct ws_err *err);
	/* --telescope: called before each capture commit with what the sensor
	 * saw since the last one (may be NULL: nothing is stored). */
	int (*telescope)(void *ctx, struct ws_tele *t, bool simulated, double sample,
			 struct ws_err *err);
};

/* ws_scan_job over `range` only (a part of a large plain file, see struct
 * ws_range), handing its sightings to `sink` (its offset, line, kind and
 * simulated are unused: the range says where the part starts). */
void ws_scan_part_sink(const struct ws_scan_config *cfg, struct ws_prefilter_scratch *scratch,
		       const char *path, const struct ws_range *range,
		       const struct ws_scan_sink *sink, FILE *out, struct ws_job_result *res);
/* The kind the store records for a packet capture (beside enum ws_fmt_kind):
 * captures are read whole, never resumed at an offset. */
#define WS_SCAN_KIND_CAPTURE 100

/* ws_scan_job over a whole file, from sink->offset on, calling the sink. */
void ws_scan_job_sink(const struct ws_scan_config *cfg, struct ws_prefilter_scratch *scratch,
		      const char *path, const struct ws_scan_sink *sink, FILE *out,
		      struct ws_job_result *res);
/* True when the first line of p[0..n) is WS_SIMULATED_MARK, alone or followed
 * by a space and text (simulate writes its version, configuration and seed
 * there); *len gets the line's length with its newline. */
bool ws_scan_simulated_mark(const char *p, size_t n, size_t *len);
/* Captures live on interface iface until ws_pcap_stop(), like ws_scan_job
 * does a file (sightings name the file "iface:IFACE"). */
void ws_scan_live(const struct ws_scan_config *cfg, const char *iface,
		  const struct ws_scan_sink *sink, FILE *out, struct ws_job_result *res);
void ws_job_result_init(struct ws_job_result *res);
/* Adds src's counts, hosts and examples to dst (in that order). src's
 * telescope moves to dst when dst has none (a copy would double the peak
 * memory of a large one): src is then left without it, ready to free. */
void ws_job_result_merge(struct ws_job_result *dst, struct ws_job_result *src);
/* Renumbers a part's lines by `by` (a part scanned with lines numbered from
 * 1 that starts at line by + 1): its examples, odd fields' places and
 * unparsable lines of file `path`. */
void ws_job_result_shift(struct ws_job_result *res, const char *path, uint64_t by);
void ws_job_result_free(struct ws_job_result *res);

#endif
