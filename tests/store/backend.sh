# SPDX-License-Identifier: MIT
# Sourced by the store's command-line tests after they set `pghost` (empty:
# SQLite files in the current directory; else the socket directory of a
# PostgreSQL server, as tests/store/pg.sh starts one). `db NAME` prints the
# store to pass to --db; `fresh NAME` empties it. The PostgreSQL database
# for NAME is created on first use.
db() {
	if [ -z "$pghost" ]; then
		echo "$1.db"
		return
	fi
	if [ ! -e "pg-made.$1" ]; then
		psql -q -X -h "$pghost" -U ws -d postgres -c "CREATE DATABASE ws_${tag:-t}$$_$1" >/dev/null 2>&1
		: >"pg-made.$1"
	fi
	echo "postgresql:///ws_${tag:-t}$$_$1?host=$pghost&user=ws"
}

fresh() {
	if [ -z "$pghost" ]; then
		rm -f "$1.db" "$1.db-wal" "$1.db-shm"
		return
	fi
	psql -q -X -h "$pghost" -U ws -d postgres -c "DROP DATABASE IF EXISTS ws_${tag:-t}$$_$1" >/dev/null 2>&1
	rm -f "pg-made.$1"
}
