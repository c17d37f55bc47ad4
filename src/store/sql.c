/* SPDX-License-Identifier: MIT */
/* The SQLite helpers every part of the store uses: one-line errors that
 * name the store, and running a statement. Below the store's core and its
 * schema, so that neither needs the other for them. */
#include <sqlite3.h>

#include "store/internal.h"

int ws_store_sqlerr(struct ws_store *st, int rc, const char *what, struct ws_err *err)
{
	const char *why;
	int code = WS_EIO;
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED: why = "database is locked by another process"; break;
	case SQLITE_READONLY: why = "database is read-only"; break;
	case SQLITE_FULL: why = "disk or database is full; the last batch was not committed"; break;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		why = "file is corrupt or not a wormscope store";
		code = WS_EFORMAT;
		break;
	case SQLITE_CANTOPEN: why = "cannot open the database file"; break;
	default: why = st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc);
	}
	return ws_err_set(err, code, "%s: %s: %s", st->path, what, why);
}

int ws_store_exec(struct ws_store *st, const char *sql, struct ws_err *err)
{
	int rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? 0 : ws_store_sqlerr(st, rc, "query", err);
}
