/* SPDX-License-Identifier: MIT */
/* Inside the store: the handle, its prepared statements and the batch being
 * aggregated before commit. Only src/store/ and the store's unit tests see
 * this. Owner: the store (issue 3). */
#ifndef WS_STORE_INTERNAL_H
#define WS_STORE_INTERNAL_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"
#include "util/mem.h"

/* A small open-addressing map from fixed-size keys to fixed-size items whose
 * first keysz bytes are the key. Items are dense; the batch clears it. */
struct ws_amap {
	size_t keysz, itemsz;
	char *items;
	size_t n, cap;
	uint32_t *idx; /* slot -> item + 1 */
	size_t idx_cap;
	size_t last; /* the item found last */
};
void ws_amap_init(struct ws_amap *m, size_t keysz, size_t itemsz);
/* The item for key, zero-filled (key set) when new; *fresh tells which. */
void *ws_amap_get(struct ws_amap *m, const void *key, bool *fresh);
void ws_amap_clear(struct ws_amap *m);
void ws_amap_free(struct ws_amap *m);
#define WS_AMAP_AT(m, i) ((void *)((m)->items + (size_t)(i) * (m)->itemsz))

/* Address key: family then 16 bytes, IPv4 in the first four, rest zero. */
struct ws_akey {
	uint8_t fam;
	uint8_t b[16];
};
void ws_akey_of(struct ws_akey *k, const struct ws_addr *a);
/* The address as stored (4 or 16 bytes); returns the length. */
size_t ws_addr_blob(const struct ws_addr *a, uint8_t out[16]);
bool ws_addr_from_blob(const void *p, size_t n, struct ws_addr *a);

/* Per-worm part of a host, as kept in hosts.worms: dbw (1 byte), requests,
 * first, last (8 bytes each, little-endian host order). */
struct ws_hworm {
	uint8_t dbw;
	uint64_t n;
	int64_t first, last; /* INT64_MAX / INT64_MIN when no time known */
};
#define WS_HWORM_BYTES 25
size_t ws_hworms_decode(const void *blob, size_t n, struct ws_hworm *out, size_t max);
void ws_hworms_encode(const struct ws_hworm *w, size_t n, uint8_t *out);

/* A source's rollup for the batch. Most sources are one worm, so the first
 * WS_HOST_INLINE worms are kept inline; a source seen as more moves its list
 * to st->hworms (a block of WS_MAX_WORMS, cleared with the batch). That
 * keeps a pending source at ~0.14 KiB, so a batch can hold enough of them
 * to write each source about once per file (store.c, HOSTS_CAP). */
#define WS_HOST_INLINE 2
struct ws_pend_host {
	struct ws_akey key; /* first: the map's key; the source's address */
	uint8_t nw;
	uint16_t nimda;
	bool inside, simulated;
	uint32_t more; /* 0: worms inline; else 1 + its block in st->hworms */
	int64_t first, last;
	uint64_t requests, compromised, dests;
	struct ws_hworm w[WS_HOST_INLINE];
};
struct ws_hworm_block {
	struct ws_hworm w[WS_MAX_WORMS];
};

/* The batch's other rollups, keyed by their first bytes. */
struct hour_item {
	int64_t hour;
	int32_t dbw, pad;
	uint64_t n;
};
struct status_item {
	int32_t dbw, status;
	uint64_t n, compromised;
};
struct net_item {
	uint8_t level, len, prefix[16];
	uint64_t requests, sources;
};
struct dest_item {
	struct ws_akey src, dst;
};
struct input_item {
	int64_t id;
	uint64_t sightings;
};

/* One row of the inputs table as the file-identity rules see it. */
struct ws_input_row {
	int64_t id;
	char name[4096];
	uint64_t dev, ino, size;
	bool compressed, complete, simulated, has_ino;
	size_t head_len, tail_len;
	int64_t head_hash, tail_hash;
	uint64_t offset, lines;
	int kind;
};

/* What `store copy` reads from one engine and writes to the other
 * (store/copy.c); strings point into the reader's row. */
struct ws_copy_input {
	int64_t id;
	const char *kind, *name, *format, *sensor;
	bool has_ino, compressed, complete, simulated;
	int64_t dev, ino, size, head_len, head_hash, tail_len, tail_hash, offset, lines,
		kind_code, first_scanned, scanned_at;
};
struct ws_copy_sighting {
	int64_t input;
	uint64_t line;
	bool ts_known, compromised, inside, simulated;
	int64_t ts, sid;
	uint8_t src[16], dst[16];
	size_t src_n, dst_n;
	int src_port, dst_port, dbw, conf, status, nimda;
	const char *str[4]; /* method, target, agent, host */
	size_t str_n[4];
};

#define WS_STRCACHE 16384
struct ws_strslot {
	uint64_t h;
	int64_t id;
	char *s;
	size_t n;
};

enum ws_stmt {
	Q_INS_ROWS, Q_STR_FIND, Q_STR_ADD, Q_DEST_ADD, Q_HOST_FIND, Q_HOST_PUT,
	Q_HOUR, Q_STATUS, Q_NET, Q_WORM_TOT, Q_TOTALS, Q_INPUT_SIGHTINGS, Q_HOST_SENSOR, Q_NSTMT
};

/* A sighting staged for the sightings table (store/rows.c): v[col] for the
 * integer columns, src/dst for the address blobs, bit col of null for a
 * NULL. */
enum { WS_SROW_SRC = 3, WS_SROW_DST = 5, WS_SROW_COLS = 19 };
#define WS_ROWS_CAP 1024 /* staged at most, ~0.2 KiB each */
struct ws_srow {
	int64_t v[WS_SROW_COLS];
	uint32_t null;
	uint8_t src[16], dst[16];
	uint8_t src_len, dst_len;
};

struct ws_store {
	sqlite3 *db;
	char *path;
	enum ws_store_mode mode;
	char sensor[WS_SENSOR_MAX + 1]; /* the writer's sensor name */
	int64_t sensor_id;              /* its sensors.id (RW, schema 4 on) */
	sqlite3_stmt *q[Q_NSTMT];
	bool in_tx;
	/* worm table index <-> the store's own worm numbers (worms table) */
	int to_db[WS_MAX_WORMS];
	int from_db[256];
	/* the batch */
	struct ws_amap hosts, hours, status, nets, inputs;
	struct ws_amap dests; /* (source, destination) pairs of the batch (SQLite) */
	struct ws_hworm_block *hworms; /* worm lists of the batch's many-worm sources */
	size_t n_hworms, cap_hworms;
	uint64_t pending;
	struct ws_srow *rows; /* staged sightings (WS_ROWS_CAP), NULL until used */
	size_t n_rows;
	struct ws_strslot *strs;
	struct ws_buf tbuf; /* a target with its query, for interning */
	struct ws_store_tq *tq; /* telescope statements (store/tele.c), NULL until used */
	struct ws_pg *pg;       /* the PostgreSQL backend (store/pg.c); NULL: SQLite */
	void (*notice)(void *ctx, const char *msg);
	void *notice_ctx;
	bool live;              /* a live writer (guard): never wait on the server */
	uint64_t dropped;       /* sightings a live writer could not keep */
};

/* Staged sightings (store/rows.c): the virtual table they are read from,
 * registered on a writer's connection before its statements are prepared;
 * the next free row in *out (the staged rows are inserted first when all
 * WS_ROWS_CAP are taken: an error then); their insert in the open
 * transaction. */
int ws_store_rows_register(struct ws_store *st);
int ws_store_row_next(struct ws_store *st, struct ws_srow **out, struct ws_err *err);
int ws_store_rows_flush(struct ws_store *st, struct ws_err *err);

/* A pending source's worms (h->nw of them) and its address. */
struct ws_hworm *ws_pend_worms(struct ws_store *st, struct ws_pend_host *h);
void ws_pend_addr(const struct ws_pend_host *h, struct ws_addr *a);

/* One-line error naming the store for an SQLite failure (store/sql.c). */
int ws_store_sqlerr(struct ws_store *st, int rc, const char *what, struct ws_err *err);
int ws_store_exec(struct ws_store *st, const char *sql, struct ws_err *err);
int ws_store_begin(struct ws_store *st, struct ws_err *err);
/* For the migration tests: opens (RW) migrating only up to `version`. */
int ws_store_open_version(const char *path, enum ws_store_mode mode, int version,
			  struct ws_store **out, struct ws_err *err);
/* The same as sensor `sensor` (NULL: the host name). */
int ws_store_open_version_as(const char *path, enum ws_store_mode mode, int version,
			     const char *sensor, struct ws_store **out, struct ws_err *err);
/* Finalizes the telescope statements (store/tele.c). */
void ws_store_tele_free(struct ws_store *st);
/* Registers st->sensor in the sensors table and sets st->sensor_id (SQLite). */
int ws_store_register_sensor(struct ws_store *st, struct ws_err *err);
/* Shared by the readers of both backends (store/report.c). */
struct ws_rep_curve;
struct ws_report_data;
void ws_store_build_curve(struct ws_rep_curve *c, int64_t *firsts, size_t n);
bool ws_store_success_for(int worm, int status);
void ws_store_sort_status(struct ws_report_data *d);
struct ws_store_sensor;
int ws_store_rep_add_sensor(void *ctx, const struct ws_store_sensor *s);
/* Where messages for the user go (retries); set by ws_store_on_notice. */
void ws_store_notice(struct ws_store *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* For tests: the SQLite handle. */
sqlite3 *ws_store_db(struct ws_store *st);

#endif
