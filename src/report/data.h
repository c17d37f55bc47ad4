/* SPDX-License-Identifier: MIT */
/* What the HTML report shows, read from the store's summary tables (never
 * from the sightings table) by ws_store_report_data() in src/store/, and
 * rendered by src/report/. Every string here came from a log or a capture:
 * treat it as hostile data. All times are UTC seconds since the epoch. */
#ifndef WS_REPORT_DATA_H
#define WS_REPORT_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wormscope/worm.h"

/* Requests in one UTC hour, per worm (index = worm table index). */
struct ws_rep_hour {
	int64_t hour; /* start of the hour */
	uint64_t count[WS_MAX_WORMS];
};

/* The epidemic curve of one worm: cumulative distinct sources, one point per
 * time at which the count grew (at most `max_points`, thinned evenly). */
struct ws_rep_curve {
	int worm;
	size_t n;
	int64_t *t;
	uint64_t *cum;
};

struct ws_rep_source {
	char addr[48];
	uint64_t requests;
	uint64_t per_worm[WS_MAX_WORMS];
	int64_t first, last;
	uint64_t compromised;   /* success answers to its worm requests */
	uint32_t nimda_probes;  /* bit k-1 set: sent Nimda probe k */
	uint64_t destinations;  /* distinct destinations touched */
	bool inside;            /* inside --home-net when it was scanned */
};

/* A /16 or /8 (IPv4) or /32, /48 (IPv6) network and what came from it. */
struct ws_rep_net {
	char prefix[48]; /* "10.1.0.0/16" */
	uint64_t requests, sources;
};

/* Answers per worm and status class, with the compromised-looking ones. */
struct ws_rep_status {
	int worm;
	int status;  /* HTTP status, 0 when the log had none */
	uint64_t count;
	bool compromised; /* success for that worm */
};

/* One compromised-looking answer (a success status to a worm request), for
 * the call-out under the status chart. Added by the report (issue 3): the
 * store may leave n_answers at 0; the page then says none were kept. uri,
 * agent and host are hostile log bytes (NUL-terminated, bounded by the store). */
struct ws_rep_answer {
	int64_t ts;
	char src[48];
	int worm;
	int status;
	char *uri;   /* may be NULL */
	char *agent; /* may be NULL */
	char *host;  /* Host header or destination, may be NULL */
};

struct ws_rep_input {
	char *name;    /* file path or live source name (hostile) */
	char *format;
	uint64_t lines, sightings;
	int64_t scanned_at;
	bool simulated;
	char *sensor;  /* the sensor that read it (may be NULL) */
};

/* One sensor of the fleet (issue 16): what it recorded. */
struct ws_rep_sensor {
	char name[129];
	uint64_t inputs, sightings, sources;
	int64_t first, last; /* INT64_MIN when unknown */
};

struct ws_report_data {
	char *db_path;
	bool simulated;          /* any input was simulated: every view says so */
	int64_t first, last;     /* first and last sighting */
	uint64_t sightings, sources, compromised;
	uint64_t per_worm[WS_MAX_WORMS];         /* requests */
	uint64_t per_worm_sources[WS_MAX_WORMS]; /* distinct sources */
	struct ws_rep_hour *hours;     size_t n_hours;   /* ascending, gaps omitted */
	struct ws_rep_curve *curves;   size_t n_curves;  /* one per worm seen */
	struct ws_rep_source *top;     size_t n_top;     /* by requests, descending */
	struct ws_rep_net *top16;      size_t n_top16;
	struct ws_rep_net *top8;       size_t n_top8;
	struct ws_rep_status *status;  size_t n_status;  /* by worm, then status */
	struct ws_rep_input *inputs;   size_t n_inputs;
	/* Added by the report (issue 3); see docs/report-needs.md. */
	struct ws_rep_answer *answers; size_t n_answers; /* newest first, at most top_n */
	struct ws_rep_sensor *sensors; size_t n_sensors; /* by name (issue 16) */
};

void ws_report_data_free(struct ws_report_data *d);

#endif
