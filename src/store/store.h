/* SPDX-License-Identifier: MIT */
/* The sightings store: SQLite (WAL, batched transactions, versioned schema).
 * It owns the database handle and every statement; callers see only this
 * API. Writers: `scan --db` (file inputs, resumable), `guard --db` (live
 * inputs). Readers: `hosts`, `report` (through ws_store_report_data).
 * Owner: the store (issue 3). docs/store.md describes the schema. */
#ifndef WS_STORE_H
#define WS_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "output/output.h"
#include "store/checkpoint.h"
#include "store/schema.h"
#include "util/addr.h"
#include "wormscope/err.h"

struct ws_store;
struct ws_report_data;


enum ws_store_mode {
	WS_STORE_RO, /* hosts, report: never writes, never migrates */
	WS_STORE_RW, /* creates the file, runs migrations */
};

/* Opens (and for RW creates/migrates) the store at path. A store written by a
 * newer wormscope, a locked, read-only, full or corrupt file: returns a WS_E*
 * code with a one-line message naming path in err. */
int ws_store_open(const char *path, enum ws_store_mode mode, struct ws_store **out,
		  struct ws_err *err);
/* The longest sensor name (bytes). */
#define WS_SENSOR_MAX 128
/* A usable sensor name: 1..WS_SENSOR_MAX bytes of letters, digits and
 * ".-_:@" (it is shown in tables and reports, and keys resumption). */
bool ws_store_sensor_ok(const char *name);
/* As ws_store_open, writing (RW) as sensor `sensor` (NULL: the host name):
 * every input it registers carries it, file inputs resume per sensor, and
 * the per-sensor rollup is kept. */
int ws_store_open_as(const char *path, enum ws_store_mode mode, const char *sensor,
		     struct ws_store **out, struct ws_err *err);
/* The default sensor name: the host name (or "localhost"). */
void ws_store_default_sensor(char out[WS_SENSOR_MAX + 1]);
/* The store at `path` may also be a PostgreSQL database: a libpq
 * connection URI, postgresql://[user@][host][:port][/dbname][?param=...]
 * (host=/dir for a Unix socket; the PG* environment variables fill in what
 * it leaves out). docs/store.md "PostgreSQL". */
bool ws_store_is_pg(const struct ws_store *st);
/* Messages for the user while the store retries (the database went away,
 * came back, a live writer's kept or dropped sightings). */
void ws_store_on_notice(struct ws_store *st, void (*fn)(void *ctx, const char *msg), void *ctx);
/* A live writer (guard) never waits for the database: it keeps up to
 * WS_PG_LIVE_MAX (200,000) sightings while the server is away, then drops
 * and counts the rest (said in a notice). */
void ws_store_set_live(struct ws_store *st, bool live);
/* Copies every input (with its sensor, identity and offset) and every
 * sighting of `from` into the empty store `to`, whichever engines they are;
 * `to`'s rollups are rebuilt from the sightings. Telescope views and
 * behavioural alerts are not copied. */
int ws_store_copy(struct ws_store *from, struct ws_store *to, uint64_t *inputs,
		  uint64_t *sightings, struct ws_err *err);
/* Commits what is pending and closes. Returns 0 or a WS_E* code. */
int ws_store_close(struct ws_store *st, struct ws_err *err);

/* Adds one sighting (and updates the rollups and summaries in the same
 * transaction). Batched: durable after ws_store_flush or close. */
int ws_store_add(struct ws_store *st, int64_t input_id, const struct ws_sighting *s,
		 struct ws_err *err);
/* Writes the batch's summaries so far into the open transaction without
 * committing (ws_store_add does it once a batch holds many sources, so that
 * memory stays flat and little is left for the commit). */
int ws_store_spill(struct ws_store *st, struct ws_err *err);

/* ---- readers ---------------------------------------------------------- */

/* One row of `wormscope hosts`. */
struct ws_store_host {
	struct ws_addr addr;
	int64_t first, last;   /* INT64_MIN when unknown */
	uint64_t requests, compromised, destinations;
	uint64_t per_worm[WS_MAX_WORMS]; /* by worm table index */
	int64_t worm_first[WS_MAX_WORMS], worm_last[WS_MAX_WORMS];
	uint16_t nimda_probes; /* bit k-1: sent Nimda probe k */
	bool inside, simulated;
	uint32_t sensors;      /* how many sensors saw it */
	/* with a sensor filter: what that sensor saw (else the same as above) */
	int64_t s_first, s_last;
	uint64_t s_requests;
};

/* Calls fn for every source in address order; stops when fn returns non-zero
 * (and returns that). */
int ws_store_hosts(struct ws_store *st, int (*fn)(void *ctx, const struct ws_store_host *h),
		   void *ctx, struct ws_err *err);
/* The same for the sources sensor `sensor` saw (NULL: all). */
int ws_store_hosts_by(struct ws_store *st, const char *sensor,
		      int (*fn)(void *ctx, const struct ws_store_host *h), void *ctx,
		      struct ws_err *err);

/* One sensor of the fleet, for `hosts --sensors` and the report. */
struct ws_store_sensor {
	char name[WS_SENSOR_MAX + 1];
	uint64_t inputs, sightings, sources;
	int64_t first, last; /* first and last sighting it recorded, INT64_MIN: none */
};
/* Calls fn for every sensor in name order. */
int ws_store_sensors(struct ws_store *st, int (*fn)(void *ctx, const struct ws_store_sensor *s),
		     void *ctx, struct ws_err *err);

/* Fills out from the summary tables (never from the sightings table): totals,
 * hours, curves, top_n sources and networks, status mix, inputs and the
 * newest top_n compromised-looking answers. Free with ws_report_data_free. */
int ws_store_report_data(struct ws_store *st, size_t top_n, struct ws_report_data *out,
			 struct ws_err *err);

/* Counts of the main tables, for tests and `hosts --stats`. */
struct ws_store_counts {
	uint64_t inputs, sightings, hosts, simulated_sightings;
};
int ws_store_counts(struct ws_store *st, struct ws_store_counts *c, struct ws_err *err);

/* ---- behavioural alerts (issue 17; store/alerts.c) -------------------- */

/* One alert as the store keeps it (the caller's view of a struct ws_alert;
 * every pointer borrowed for the call). kind: "scanner", "new-worm",
 * "unknown-outbreak"; record: its JSON Lines text. */
struct ws_store_alert {
	int64_t ts;
	const char *kind;
	struct ws_addr src;  /* fam 0: none */
	uint32_t sid, first_contacts;
	const void *content; /* new-worm bytes, or an outbreak's shape; may be NULL */
	size_t content_len;
	uint64_t sources, destinations;
	const char *record;
	size_t record_len;
	bool simulated;
};
/* Adds it to the open transaction of input_id (durable with its next commit). */
int ws_store_alert_add(struct ws_store *st, int64_t input_id, const struct ws_store_alert *a,
		       struct ws_err *err);

/* One source flagged as a scanner, for `hosts --scanners`: when it was first
 * flagged and after how many first contacts, how many times (inputs), and
 * the first alert's JSON Lines record (valid during the call). */
struct ws_store_scanner {
	struct ws_addr addr;
	int64_t flagged;
	uint32_t first_contacts;
	uint64_t alerts;
	bool simulated;
	const char *record;
};
/* Calls fn for every scanner in address order; stops when fn returns
 * non-zero (and returns that). */
int ws_store_scanners(struct ws_store *st, int (*fn)(void *ctx, const struct ws_store_scanner *s),
		      void *ctx, struct ws_err *err);

/* ---- telescope observations (issue 14; store/tele.c, docs/store.md) ----- */

/* What one input (a capture, or a live capture's run since its last commit)
 * added to a telescope view, keyed by its prefixes and ports. */
struct ws_store_tele_in {
	const char *kind;             /* NULL: "telescope"; "counts" or "caida" for a table
					 `wormscope import` read (prefixes: its label) */
	const char *prefixes, *ports; /* canonical texts ("44.0.0.0/8", "80") */
	uint64_t addresses;           /* monitored addresses */
	int64_t start, end;           /* first and last packet (INT64_MAX / INT64_MIN: none) */
	uint64_t packets, probes, backscatter, other_ports, untracked;
	double sample;                /* share of probes a sampled simulated capture kept */
	bool simulated;
};
/* Finds or creates the view and adds `in` to the input's row, in the open
 * transaction (the input's next commit makes it durable with its offset). */
int ws_store_tele_input(struct ws_store *st, int64_t input_id, const struct ws_store_tele_in *in,
			int64_t *view, struct ws_err *err);
/* Adds probes from one source (host-order IPv4 addr) seen from first to last,
 * the earliest of them at p_first. known: the sensor handed this source
 * over before in the same run (so it counted the intervals it shares with
 * what is stored). */
int ws_store_tele_source(struct ws_store *st, int64_t view, uint32_t addr, int64_t first,
			 int64_t last, int64_t p_first, uint64_t probes, bool known, bool simulated,
			 struct ws_err *err);
/* Adds to the counts of interval [t, t + span). */
int ws_store_tele_count(struct ws_store *st, int64_t view, int64_t span, int64_t t,
			uint64_t probes, uint64_t active, uint64_t backscatter, struct ws_err *err);
/* The web-server view's monitored size (--monitored-addresses N); 0 leaves
 * it to the readers (one address per server seen). */
int ws_store_tele_web(struct ws_store *st, uint64_t addresses, struct ws_err *err);

struct ws_tele_view {
	int64_t id;
	char kind[16];          /* "telescope", "web", ... */
	char prefixes[1300];    /* canonical list, "" for web */
	char ports[100];
	uint64_t addresses;     /* monitored addresses; web without --monitored-addresses:
				   distinct servers seen in the sightings (at least 1) */
	double sample;          /* least tele_inputs.sample (1: every probe kept) */
	int64_t first, last;    /* watched from / until, UTC s; INT64_MIN when unknown */
	uint64_t sources, probes, backscatter, other_ports, untracked;
	bool simulated;
};
/* Calls fn for every view in id order; stops when fn returns non-zero. */
int ws_store_tele_views(struct ws_store *st, int (*fn)(void *ctx, const struct ws_tele_view *v),
			void *ctx, struct ws_err *err);

struct ws_tele_count {
	int64_t t;              /* interval start, UTC s */
	uint64_t new_sources;   /* sources whose first probe is in [t, t + interval) */
	uint64_t cum_sources;   /* sources first seen before t + interval */
	uint64_t probes;        /* probes in the interval */
	int64_t active;         /* distinct sources probing in it; -1 when not known (a
				   telescope view at an interval other than 60, 3600, 86400) */
};
/* Per-interval counts of a view from `from` to before `until` (UTC s;
 * INT64_MIN / INT64_MAX: all), interval_s > 0 (a multiple of 60 for a
 * telescope view); every interval from the first with data to the last is
 * present. worm >= 0 (a worm table index) restricts a web view to one worm.
 * *out is malloc'd (free it); WS_EUSAGE for a bad interval or view. */
int ws_store_tele_counts(struct ws_store *st, int64_t view, int64_t interval_s, int64_t from,
			 int64_t until, int worm, struct ws_tele_count **out, size_t *n,
			 struct ws_err *err);
/* The interval lengths (60, 3600, 86400 s) a telescope or imported view holds
 * counts at, as bits 0, 1, 2 of *spans (0 for a web view: any length). */
int ws_store_tele_spans(struct ws_store *st, int64_t view, unsigned *spans, struct ws_err *err);
/* Calls fn with the first and last probe (UTC s) and the probes of every
 * source of a telescope or imported view, in first-probe order; stops when
 * fn returns non-zero (and returns that). */
int ws_store_tele_sources(struct ws_store *st, int64_t view,
			  int (*fn)(void *ctx, int64_t first, int64_t last, uint64_t probes),
			  void *ctx, struct ws_err *err);

#endif
