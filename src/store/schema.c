/* SPDX-License-Identifier: MIT */
/* The store's schema and its migrations. PRAGMA user_version holds the
 * version; each step runs in the transaction that sets it, so a crash leaves
 * the file at the old version or the new one, never between. Versions:
 *   1  inputs, strings, sightings, hosts (with per-worm first/last/requests),
 *      host_dests, hourly, status_mix, nets, worm_totals, totals, worms, meta
 *   2  a partial index on compromised-looking sightings (report call-out)
 *   3  telescope observations: tele_views, tele_inputs, tele_sources,
 *      tele_counts (store/tele.c; docs/store.md)
 *   4  behavioural alerts (scanner, new-worm, unknown-outbreak; store/alerts.c)
 *   5  sensors (issue 16): sensors, inputs.sensor, host_sensors; rows written
 *      before sensors existed are given the sensor of the writer that
 *      migrates the store (its --sensor, by default its host name), so that
 *      its next run resumes them instead of reading them again */
#include <stdio.h>
#include <string.h>

#include "store/internal.h"
#include "wormscope/worm.h"

static const char v1[] =
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;"
	"CREATE TABLE worms(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);"
	/* One row per file generation or live source. dev/ino are NULL once the
	 * file they named was replaced (copytruncate, inode reuse). */
	"CREATE TABLE inputs(id INTEGER PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL,"
	" dev INTEGER, ino INTEGER, size INTEGER, compressed INTEGER NOT NULL DEFAULT 0,"
	" head_len INTEGER, head_hash INTEGER, tail_len INTEGER, tail_hash INTEGER,"
	" offset INTEGER NOT NULL DEFAULT 0, lines INTEGER NOT NULL DEFAULT 0,"
	" complete INTEGER NOT NULL DEFAULT 0, format TEXT, kind_code INTEGER,"
	" simulated INTEGER NOT NULL DEFAULT 0, sightings INTEGER NOT NULL DEFAULT 0,"
	" first_scanned INTEGER, scanned_at INTEGER, replaced_by INTEGER);"
	"CREATE INDEX inputs_file ON inputs(dev, ino);"
	"CREATE INDEX inputs_head ON inputs(head_hash);"
	/* interned targets, agents, hosts, methods, found by a hash of s */
	"CREATE TABLE strings(id INTEGER PRIMARY KEY, h INTEGER NOT NULL, s BLOB NOT NULL);"
	"CREATE INDEX strings_h ON strings(h);"
	"CREATE TABLE sightings(id INTEGER PRIMARY KEY, input_id INTEGER NOT NULL,"
	" line INTEGER NOT NULL, ts INTEGER, src BLOB NOT NULL, src_port INTEGER, dst BLOB,"
	" dst_port INTEGER, worm INTEGER NOT NULL, sid INTEGER, conf INTEGER, status INTEGER,"
	" method INTEGER, target INTEGER, agent INTEGER, host INTEGER,"
	" compromised INTEGER NOT NULL, inside INTEGER NOT NULL, nimda_probe INTEGER,"
	" simulated INTEGER NOT NULL);"
	/* Rows arrive in input and line order, so this index is appended to;
	 * per-source questions go to the hosts table (an index on src, in random
	 * order, measured at half the ingest speed; docs/store.md). */
	"CREATE INDEX sightings_input ON sightings(input_id, line);"
	"CREATE TABLE hosts(addr BLOB PRIMARY KEY, first INTEGER, last INTEGER,"
	" requests INTEGER NOT NULL, compromised INTEGER NOT NULL, nimda INTEGER NOT NULL,"
	" destinations INTEGER NOT NULL, inside INTEGER NOT NULL, simulated INTEGER NOT NULL,"
	" worms BLOB NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE host_dests(addr BLOB, dst BLOB, PRIMARY KEY(addr, dst)) WITHOUT ROWID;"
	"CREATE TABLE hourly(hour INTEGER, worm INTEGER, requests INTEGER NOT NULL,"
	" PRIMARY KEY(hour, worm)) WITHOUT ROWID;"
	"CREATE TABLE status_mix(worm INTEGER, status INTEGER, count INTEGER NOT NULL,"
	" compromised INTEGER NOT NULL, PRIMARY KEY(worm, status)) WITHOUT ROWID;"
	/* level 1: /8 (IPv4) or /32 (IPv6); level 2: /16 or /48 */
	"CREATE TABLE nets(level INTEGER, prefix BLOB, requests INTEGER NOT NULL,"
	" sources INTEGER NOT NULL, PRIMARY KEY(level, prefix)) WITHOUT ROWID;"
	"CREATE TABLE worm_totals(worm INTEGER PRIMARY KEY, requests INTEGER NOT NULL,"
	" sources INTEGER NOT NULL, compromised INTEGER NOT NULL, first INTEGER, last INTEGER);"
	"CREATE TABLE totals(id INTEGER PRIMARY KEY CHECK (id = 1), sightings INTEGER NOT NULL,"
	" sources INTEGER NOT NULL, compromised INTEGER NOT NULL, first INTEGER, last INTEGER,"
	" simulated INTEGER NOT NULL);"
	"INSERT INTO totals VALUES(1, 0, 0, 0, NULL, NULL, 0);";

static const char v2[] =
	"CREATE INDEX sightings_compromised ON sightings(ts) WHERE compromised = 1;";

/* What each monitor watched (a telescope's prefixes and ports, or the web
 * servers' view), what each input added to it, per source and per interval
 * (spans 60, 3600, 86400 s). */
static const char v3[] =
	"CREATE TABLE tele_views(id INTEGER PRIMARY KEY, kind TEXT NOT NULL, prefixes TEXT NOT NULL,"
	" ports TEXT NOT NULL, addresses INTEGER, first INTEGER, last INTEGER,"
	" simulated INTEGER NOT NULL DEFAULT 0, UNIQUE(kind, prefixes, ports));"
	"CREATE TABLE tele_inputs(input_id INTEGER NOT NULL, view INTEGER NOT NULL, start INTEGER,"
	" end INTEGER, packets INTEGER NOT NULL, probes INTEGER NOT NULL,"
	" backscatter INTEGER NOT NULL, other_ports INTEGER NOT NULL, untracked INTEGER NOT NULL,"
	" sample REAL NOT NULL DEFAULT 1, simulated INTEGER NOT NULL,"
	" PRIMARY KEY(input_id, view)) WITHOUT ROWID;"
	"CREATE TABLE tele_sources(view INTEGER NOT NULL, addr BLOB NOT NULL, first INTEGER NOT NULL,"
	" last INTEGER NOT NULL, probes INTEGER NOT NULL, simulated INTEGER NOT NULL,"
	" PRIMARY KEY(view, addr)) WITHOUT ROWID;"
	"CREATE TABLE tele_counts(view INTEGER NOT NULL, span INTEGER NOT NULL, t INTEGER NOT NULL,"
	" probes INTEGER NOT NULL, active INTEGER NOT NULL, backscatter INTEGER NOT NULL,"
	" PRIMARY KEY(view, span, t)) WITHOUT ROWID;";

/* Behavioural alerts (src/behav): one row each, with the JSON Lines record
 * scan wrote for it. */
static const char v4[] =
	"CREATE TABLE alerts(id INTEGER PRIMARY KEY, input_id INTEGER NOT NULL, ts INTEGER,"
	" kind TEXT NOT NULL, src BLOB, sid INTEGER NOT NULL, content BLOB, sources INTEGER,"
	" destinations INTEGER, first_contacts INTEGER, record TEXT NOT NULL,"
	" simulated INTEGER NOT NULL);"
	"CREATE INDEX alerts_kind_src ON alerts(kind, src);";

/* Which sensor (a web server, a guard, a capture point) saw what: inputs carry
 * the sensor's id, and host_sensors rolls each source up per sensor (first
 * and last seen, requests), written per batch like hosts. ?1 is the
 * migrating writer's sensor name (see above). */
static const char v5[] =
	"CREATE TABLE sensors(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);"
	"INSERT INTO sensors(name) VALUES(?1);"
	"ALTER TABLE inputs ADD COLUMN sensor INTEGER NOT NULL DEFAULT 1;"
	"CREATE INDEX inputs_sensor ON inputs(sensor, dev, ino);"
	"CREATE TABLE host_sensors(addr BLOB NOT NULL, sensor INTEGER NOT NULL, first INTEGER,"
	" last INTEGER, requests INTEGER NOT NULL, PRIMARY KEY(addr, sensor)) WITHOUT ROWID;"
	"INSERT INTO host_sensors SELECT addr, 1, first, last, requests FROM hosts;";

static const char *const steps[WS_STORE_SCHEMA] = {v1, v2, v3, v4, v5};

/* Runs the statements of one step; ?1 is bound to the sensor's name. */
static int run_step(struct ws_store *st, const char *sql, struct ws_err *err)
{
	while (*sql) {
		sqlite3_stmt *q;
		const char *tail;
		int rc = sqlite3_prepare_v2(st->db, sql, -1, &q, &tail);
		if (rc != SQLITE_OK)
			return ws_store_sqlerr(st, rc, "migrating", err);
		if (!q)
			break;
		if (sqlite3_bind_parameter_count(q) > 0)
			sqlite3_bind_text(q, 1, st->sensor, -1, SQLITE_STATIC);
		while ((rc = sqlite3_step(q)) == SQLITE_ROW)
			;
		sqlite3_finalize(q);
		if (rc != SQLITE_DONE)
			return ws_store_sqlerr(st, rc, "migrating", err);
		sql = tail;
	}
	return 0;
}

/* The version as seen inside the current transaction. */
static int version_now(struct ws_store *st, int *v, struct ws_err *err)
{
	sqlite3_stmt *q;
	int rc = sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &q, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		*v = sqlite3_column_int(q, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(q);
	return rc == SQLITE_OK ? 0 : ws_store_sqlerr(st, rc, "reading the schema version", err);
}

int ws_store_migrate(struct ws_store *st, int from, int to, struct ws_err *err)
{
	(void)from; /* re-read under the lock: another scan may have migrated meanwhile */
	for (;;) {
		int rc = ws_store_exec(st, "BEGIN IMMEDIATE", err);
		if (rc)
			return rc;
		int v = 0;
		rc = version_now(st, &v, err);
		if (!rc && v >= to) {
			rc = ws_store_exec(st, "COMMIT", err);
			return rc;
		}
		char set[64];
		snprintf(set, sizeof(set), "PRAGMA user_version = %d", v + 1);
		if (!rc)
			rc = run_step(st, steps[v], err);
		if (!rc)
			rc = ws_store_exec(st, set, err);
		if (!rc && v == 0)
			rc = ws_store_exec(st, "INSERT INTO meta VALUES('created_by', 'wormscope')",
					   err);
		if (!rc)
			rc = ws_store_exec(st, "COMMIT", err);
		if (rc) {
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
			return rc;
		}
	}
}

int ws_store_load_worms(struct ws_store *st, struct ws_err *err)
{
	int n;
	const struct ws_worm *const *t = ws_worms(&n);
	for (int i = 0; i < WS_MAX_WORMS; i++)
		st->to_db[i] = -1;
	for (int i = 0; i < 256; i++)
		st->from_db[i] = -1;
	sqlite3_stmt *q;
	if (st->mode == WS_STORE_RW) {
		int rc = sqlite3_prepare_v2(st->db, "INSERT OR IGNORE INTO worms(name) VALUES(?)", -1,
					    &q, NULL);
		if (rc != SQLITE_OK)
			return ws_store_sqlerr(st, rc, "worm table", err);
		for (int i = 0; i < n && rc == SQLITE_OK; i++) {
			sqlite3_bind_text(q, 1, t[i]->id, -1, SQLITE_STATIC);
			rc = sqlite3_step(q) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(st->db);
			sqlite3_reset(q);
		}
		sqlite3_finalize(q);
		if (rc != SQLITE_OK)
			return ws_store_sqlerr(st, rc, "worm table", err);
	}
	int rc = sqlite3_prepare_v2(st->db, "SELECT id, name FROM worms", -1, &q, NULL);
	if (rc != SQLITE_OK)
		return ws_store_sqlerr(st, rc, "worm table", err);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(q, 0);
		const char *name = (const char *)sqlite3_column_text(q, 1);
		int w = name ? ws_worm_index(name) : -1;
		/* ids of worms this build does not know are left unmapped */
		if (id >= 0 && id < 256 && w >= 0) {
			st->from_db[id] = w;
			st->to_db[w] = (int)id;
		}
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : ws_store_sqlerr(st, rc, "worm table", err);
}
