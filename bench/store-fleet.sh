#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Store speed for issue 16, every figure against a peer measured in the same
# run (farm-bench pairs A and B run by run; quote the MEDIAN):
#   1. SQLite: scan --db vs plain scan on a 15 %-worm and a 1 %-worm log
#      (time ratio and peak memory of each);
#   2. SQLite: scan --db ingest rate vs the sqlite3 shell's .import of the
#      same sightings (scan -f csv) into one plain table;
#   3. PostgreSQL (a local server this script starts in a temporary
#      directory, fsync on): one sensor's scan --db rate vs psql \copy of the
#      same CSV; four sensors at once (four processes, four sensor names, the
#      same log) vs one;
#   4. hosts and report on a store of FLEET_BIG sightings (default 10 M), both
#      engines.
# Timings are printed, never asserted.
#
#   bench/store-fleet.sh BUILD_DIR
# Environment: FLEET_LINES (2,000,000 lines for 1-3), FLEET_POOL (100,000
# sources), FLEET_BIG (10,000,000; 0 skips part 4), FLEET_BIG_POOL (1,000,000),
# RUNS (farm-bench runs, default 5), PG_BIN (/usr/lib/postgresql/15/bin).
set -eu
die() {
	echo "bench/store-fleet: $*" >&2
	exit 1
}
. "$(dirname "$0")/lib.sh"
[ $# -eq 1 ] || die "usage: bench/store-fleet.sh BUILD_DIR"
B=$(cd "$1" && pwd)
WS=$B/wormscope
GEN=$B/bench/genlog
LINES=${FLEET_LINES:-2000000}
POOL=${FLEET_POOL:-100000}
BIG=${FLEET_BIG:-10000000}
BIG_POOL=${FLEET_BIG_POOL:-1000000}
RUNS=${RUNS:-5}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
[ -x "$WS" ] || die "$WS not built"
[ -x "$GEN" ] || cmake --build "$B" --target genlog >/dev/null || die "cannot build genlog"
for t in farm-bench sqlite3 psql; do command -v $t >/dev/null || die "$t not found"; done
[ -x "$PG_BIN/initdb" ] || die "PostgreSQL server binaries not in $PG_BIN"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wsfleet.XXXXXX")
as=""
if [ "$(id -u)" = 0 ]; then
	chown nobody "$TMP"
	as="runuser -u nobody --"
fi
chmod 711 "$TMP"
PGD=$TMP/pg
mkdir "$PGD" && chmod 700 "$PGD"
[ -z "$as" ] || chown nobody "$PGD"
pgctl() { $as "$PG_BIN/pg_ctl" -D "$PGD/data" -l "$PGD/log" -w "$@" >/dev/null; }
cleanup() {
	pgctl stop -m fast 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT
$as "$PG_BIN/initdb" -D "$PGD/data" -U ws -A trust -E UTF8 >/dev/null
pgctl -o "-k $PGD -c listen_addresses= -c shared_buffers=256MB -c max_wal_size=4GB" start
PSQL="psql -q -X -h $PGD -U ws"
mkdb() { $PSQL -d postgres -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >/dev/null; }
uri() { echo "postgresql:///$1?host=$PGD&user=ws"; }

gen() { # NAME LINES PCT POOL [SEED]
	local f=$B/bench/$1.log
	if [ ! -s "$f" ] || [ "$GEN" -nt "$f" ]; then
		GENLOG_WORM_PCT=$3 GENLOG_SOURCES=$4 "$GEN" "$2" "${5:-1}" >"$f.tmp" 2>/dev/null ||
			die "genlog"
		mv "$f.tmp" "$f"
	fi
	echo "$f"
}
fb() { bench_pair --timeout 3600 "$@"; }

echo "== 1. SQLite: scan --db vs scan (A = --db, B = plain; time ratio A/B and peaks)"
for pct in 15 1; do
	LOG=$(gen "fleet-$pct-$LINES" "$LINES" "$pct" "$POOL")
	echo "-- $pct % worm, $LINES lines"
	fb --vs "$WS scan -q $LOG" -- sh -c "rm -f $TMP/a.db*; exec $WS scan -q --db $TMP/a.db $LOG" ||
		true
done

echo
echo "== 2. SQLite: scan --db vs sqlite3 .import of the same sightings"
LOG=$(gen "fleet-100-$LINES" "$LINES" 100 "$POOL")
N=$("$WS" scan -q -f csv "$LOG" | tail -n +2 | wc -l)
"$WS" scan -q -f csv "$LOG" >"$TMP/s.csv" || [ $? -eq 1 ]
echo "sightings: $N (rate = sightings / median wall)"
cat >"$TMP/import.sh" <<EOS
rm -f $TMP/p.db*
exec sqlite3 $TMP/p.db -cmd "PRAGMA journal_mode=WAL" ".import --csv $TMP/s.csv s"
EOS
fb --vs "sh $TMP/import.sh" -- sh -c "rm -f $TMP/a.db*; exec $WS scan -q --db $TMP/a.db $LOG" ||
	true

echo
echo "== 3. PostgreSQL: one sensor vs psql \\copy; four sensors vs one"
echo "sightings per sensor: $N"
mkdb peer
cols=$(head -n 1 "$TMP/s.csv" | tr ',' '\n' | wc -l)
$PSQL -d peer -c "CREATE TABLE s($(seq 1 "$cols" | sed 's/^/c/; s/$/ text/' | paste -sd,))" >/dev/null
# the commands farm-bench runs, as small scripts (each starts from an empty
# schema; the four sensors read four logs of the same size, other seeds)
mkdb one
mkdb four
L2=$(gen "fleet-100-$LINES-s2" "$LINES" 100 "$POOL" 2)
L3=$(gen "fleet-100-$LINES-s3" "$LINES" 100 "$POOL" 3)
L4=$(gen "fleet-100-$LINES-s4" "$LINES" 100 "$POOL" 4)
cat >"$TMP/one.sh" <<EOS
$PSQL -d one -c "DROP SCHEMA public CASCADE" -c "CREATE SCHEMA public" >/dev/null 2>&1
exec $WS scan -q --db "$(uri one)" --sensor s1 $LOG
EOS
cat >"$TMP/copy.sh" <<EOS
$PSQL -d peer -c "TRUNCATE s" >/dev/null
exec $PSQL -d peer -c "\\copy s FROM '$TMP/s.csv' CSV HEADER"
EOS
cat >"$TMP/four.sh" <<EOS
$PSQL -d four -c "DROP SCHEMA public CASCADE" -c "CREATE SCHEMA public" >/dev/null 2>&1
$WS scan -q --db "$(uri four)" --sensor s1 $LOG &
$WS scan -q --db "$(uri four)" --sensor s2 $L2 &
$WS scan -q --db "$(uri four)" --sensor s3 $L3 &
$WS scan -q --db "$(uri four)" --sensor s4 $L4 &
wait
EOS
echo "-- one sensor (A) vs psql \\copy of the same rows into one plain table (B)"
fb --vs "sh $TMP/copy.sh" -- sh "$TMP/one.sh" || true
echo "-- four sensors at once (A, 4 x $N sightings) vs one (B): 4 sensors' rate / one's = 4 / (A/B)"
fb --vs "sh $TMP/one.sh" -- sh "$TMP/four.sh" || true
got=$("$WS" hosts --db "$(uri four)" --sensors -f csv | awk -F, 'NR > 1 { s += $3 } END { print s }')
echo "four-sensor store holds $got sightings (want about $((4 * N)): four logs of $LINES lines)"

[ "$BIG" -gt 0 ] || exit 0
echo
echo "== 4. hosts and report on $BIG sightings ($BIG_POOL sources), both engines"
BIGLOG=$(gen "fleet-100-$BIG-$BIG_POOL" "$BIG" 100 "$BIG_POOL")
rm -f "$TMP/big.db"*
"$WS" scan -q --db "$TMP/big.db" "$BIGLOG" || [ $? -eq 1 ]
mkdb big
"$WS" scan -q --db "$(uri big)" "$BIGLOG" || [ $? -eq 1 ]
for db in "$TMP/big.db" "$(uri big)"; do
	echo "-- $db"
	fb -- "$WS" hosts --db "$db" -f list || true
	fb -- "$WS" hosts --db "$db" || true
	fb -- "$WS" report --db "$db" -o "$TMP/r.html" || true
done
