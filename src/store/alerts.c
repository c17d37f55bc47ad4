/* SPDX-License-Identifier: MIT */
/* Behavioural alerts in the store (schema 4, table `alerts`): written in the
 * input's open transaction, so that a capture's alerts are committed with its
 * offset and never doubled on a rescan; read by `hosts --scanners`. Alerts
 * are rare (one per scanner, one per worm), so each call prepares its own
 * statement. */
#include <string.h>

#include "store/internal.h"

int ws_store_alert_add(struct ws_store *st, int64_t input_id, const struct ws_store_alert *a,
		       struct ws_err *err)
{
	if (st->pg)
		return 0; /* behavioural alerts are kept in SQLite stores only (docs/store.md) */
	sqlite3_stmt *q;
	int rc = sqlite3_prepare_v2(st->db,
				    "INSERT INTO alerts(input_id, ts, kind, src, sid, content, sources,"
				    " destinations, first_contacts, record, simulated)"
				    " VALUES(?,?,?,?,?,?,?,?,?,?,?)",
				    -1, &q, NULL);
	if (rc != SQLITE_OK)
		return ws_store_sqlerr(st, rc, "alerts", err);
	uint8_t src[16];
	sqlite3_bind_int64(q, 1, input_id);
	sqlite3_bind_int64(q, 2, a->ts);
	sqlite3_bind_text(q, 3, a->kind, -1, SQLITE_STATIC);
	if (a->src.fam)
		sqlite3_bind_blob(q, 4, src, (int)ws_addr_blob(&a->src, src), SQLITE_STATIC);
	sqlite3_bind_int64(q, 5, a->sid);
	if (a->content)
		sqlite3_bind_blob(q, 6, a->content, (int)a->content_len, SQLITE_STATIC);
	sqlite3_bind_int64(q, 7, (int64_t)a->sources);
	sqlite3_bind_int64(q, 8, (int64_t)a->destinations);
	sqlite3_bind_int64(q, 9, a->first_contacts);
	sqlite3_bind_text(q, 10, a->record, (int)a->record_len, SQLITE_STATIC);
	sqlite3_bind_int(q, 11, a->simulated);
	rc = sqlite3_step(q);
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : ws_store_sqlerr(st, rc, "alerts", err);
}

int ws_store_scanners(struct ws_store *st, int (*fn)(void *ctx, const struct ws_store_scanner *s),
		      void *ctx, struct ws_err *err)
{
	if (st->pg)
		return ws_err_set(err, WS_EUSAGE, "%s: behavioural alerts are kept in SQLite stores only", st->path);
	sqlite3_stmt *q;
	/* The first alert per source (lowest id at the earliest time). */
	int rc = sqlite3_prepare_v2(
		st->db,
		"SELECT a.src, a.ts, a.first_contacts, a.record, n.c, n.sim FROM alerts a JOIN"
		" (SELECT src, COUNT(*) AS c, MIN(simulated) AS sim, MIN(id) AS first FROM alerts"
		"  WHERE kind = 'scanner' AND src IS NOT NULL GROUP BY src) n ON a.id = n.first"
		" ORDER BY length(a.src), a.src",
		-1, &q, NULL);
	if (rc != SQLITE_OK)
		return ws_store_sqlerr(st, rc, "reading alerts", err);
	int stop = 0;
	while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct ws_store_scanner s;
		memset(&s, 0, sizeof(s));
		if (!ws_addr_from_blob(sqlite3_column_blob(q, 0), (size_t)sqlite3_column_bytes(q, 0),
				       &s.addr))
			continue;
		s.flagged = sqlite3_column_int64(q, 1);
		s.first_contacts = (uint32_t)sqlite3_column_int64(q, 2);
		s.record = (const char *)sqlite3_column_text(q, 3);
		s.alerts = (uint64_t)sqlite3_column_int64(q, 4);
		s.simulated = sqlite3_column_int(q, 5) != 0;
		stop = fn(ctx, &s);
	}
	sqlite3_finalize(q);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : ws_store_sqlerr(st, rc, "reading alerts", err);
}
