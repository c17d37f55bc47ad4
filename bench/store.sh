#!/usr/bin/env bash
# Store benchmark (issue 3): how fast `scan --db` fills the SQLite store, what
# the store costs on an ordinary log, and how fast `hosts` and `report` read a
# large store. Timings are printed, never asserted; the only failures are a
# wrong count or a tool that errors.
#
#   bench/store.sh BUILD_DIR      (also run by bench/run.sh when BENCH_STORE=1)
#
# Measured, each the best of BENCH_RUNS runs:
#   1. ingest: an all-worm log (STORE_LINES lines, sources from a pool of
#      STORE_POOL) into a fresh store, in sightings per second; the peer is
#      sqlite3's own CSV .import of the same sightings (`scan -f csv`) into
#      one plain table with no index and no summaries, in the same run.
#   2. the store's cost on a 1 %-worm log (genlog's default mix): scan with
#      and without --db, as a ratio.
#   3. a large store: STORE_BIG_LINES all-worm lines from STORE_BIG_POOL
#      sources (10 million sightings, about a million sources by default):
#      ingest rate, `hosts -f list` and `hosts` (text) over every source, and
#      `report` (which reads ws_store_report_data) when the binary has it.
#
# Environment: STORE_LINES (default 2000000), STORE_POOL (100000),
# STORE_BIG_LINES (10000000; 0 skips part 3), STORE_BIG_POOL (1000000),
# BENCH_LINES for part 2 (default 2000000), BENCH_RUNS (default 3).
set -eu

die() {
	echo "bench/store: $*" >&2
	exit 1
}

[ $# -eq 1 ] || die "usage: bench/store.sh BUILD_DIR"
B=$1
WS=$B/wormscope
GEN=$B/bench/genlog
LINES=${STORE_LINES:-2000000}
POOL=${STORE_POOL:-100000}
BIG=${STORE_BIG_LINES:-10000000}
BIG_POOL=${STORE_BIG_POOL:-1000000}
MIX=${BENCH_LINES:-2000000}
RUNS=${BENCH_RUNS:-3}
[ -x "$WS" ] || die "$WS not built"
if [ ! -x "$GEN" ]; then
	cmake --build "$B" --target genlog >/dev/null || die "cannot build genlog in $B"
fi
command -v sqlite3 >/dev/null || die "sqlite3 (Debian package sqlite3) is needed for the peer"
mkdir -p "$B/bench"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wsstore.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# gen NAME LINES PCT POOL: cached genlog output
gen() {
	local f=$B/bench/$1.log
	if [ ! -s "$f" ] || [ "$GEN" -nt "$f" ]; then
		echo "bench/store: generating $f ($2 lines, $3 % worm)" >&2
		GENLOG_WORM_PCT=$3 GENLOG_SOURCES=$4 "$GEN" "$2" 1 >"$f.tmp" 2>"$f.truth" ||
			die "genlog failed"
		mv "$f.tmp" "$f"
	fi
	echo "$f"
}

# best CMD...: the best wall time of RUNS runs, in seconds (3 decimals);
# a setup hook PRE (a function name or :) runs before each.
PRE=:
best() {
	local b= t0 t1 t i
	for ((i = 0; i < RUNS; i++)); do
		$PRE
		t0=$(date +%s.%N)
		"$@" >/dev/null 2>"$TMP/err" || [ $? -eq 1 ] || die "$* failed: $(head -c 300 "$TMP/err")"
		t1=$(date +%s.%N)
		t=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
		if [ -z "$b" ] || awk -v t="$t" -v b="$b" 'BEGIN { exit !(t < b) }'; then b=$t; fi
	done
	echo "$b"
}

fresh_db() { rm -f "$TMP/s.db" "$TMP/s.db-wal" "$TMP/s.db-shm" "$TMP/p.db"*; }
rate() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.0f", n / t }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "== 1. ingest: all-worm log, $LINES lines, sources from a pool of $POOL"
LOG=$(gen "allworm-$LINES-$POOL" "$LINES" 100 "$POOL")
N=$("$WS" scan -q -f csv "$LOG" | tail -n +2 | wc -l)
PRE=fresh_db
T_DB=$(best "$WS" scan -q --db "$TMP/s.db" "$LOG")
GOT=$("$WS" hosts --db "$TMP/s.db" -f jsonl | awk -F'"requests":' '{ split($2, a, ","); s += a[1] } END { print s }')
[ "$GOT" = "$N" ] || die "store holds $GOT requests, the log $N sightings"
"$WS" scan -q -f csv "$LOG" >"$TMP/s.csv" || [ $? -eq 1 ] || die "scan -f csv failed"
peer() { sqlite3 "$TMP/p.db" -cmd "PRAGMA journal_mode=WAL" ".import --csv $TMP/s.csv s"; }
T_PEER=$(best peer)
echo "sightings:                 $N"
echo "wormscope scan --db:       $T_DB s  $(rate "$N" "$T_DB") sightings/s (indexes and summaries)"
echo "peer sqlite3 .import csv:  $T_PEER s  $(rate "$N" "$T_PEER") rows/s (one table, no index)"
echo "ratio scan --db / import:  $(ratio "$T_DB" "$T_PEER")"

echo
echo "== 2. cost of --db on a 1 %-worm log ($MIX lines)"
MIXLOG=$(gen "mix-$MIX" "$MIX" 1 0)
PRE=:
T_PLAIN=$(best "$WS" scan -q "$MIXLOG")
T_PLAIN1=$(best "$WS" scan -q -j 1 "$MIXLOG")
PRE=fresh_db
T_MIXDB=$(best "$WS" scan -q --db "$TMP/s.db" "$MIXLOG")
echo "scan (default -j):         $T_PLAIN s"
echo "scan -j 1:                 $T_PLAIN1 s"
echo "scan --db (one thread):    $T_MIXDB s"
echo "ratio --db / -j 1:         $(ratio "$T_MIXDB" "$T_PLAIN1")"
echo "ratio --db / default -j:   $(ratio "$T_MIXDB" "$T_PLAIN")"

[ "$BIG" -gt 0 ] || exit 0
echo
echo "== 3. a large store: $BIG all-worm lines, sources from a pool of $BIG_POOL"
BIGLOG=$(gen "allworm-$BIG-$BIG_POOL" "$BIG" 100 "$BIG_POOL")
BIGDB=$B/bench/store-$BIG-$BIG_POOL.db
if [ ! -s "$BIGDB" ] || [ "$BIGLOG" -nt "$BIGDB" ]; then
	rm -f "$BIGDB" "$BIGDB-wal" "$BIGDB-shm"
	t0=$(date +%s.%N)
	"$WS" scan -q --db "$BIGDB" "$BIGLOG" || [ $? -eq 1 ] || die "ingest failed"
	t1=$(date +%s.%N)
	T_BIG=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
	SN=$(sqlite3 "$BIGDB" "SELECT sightings FROM totals")
	echo "ingest:                    $T_BIG s  $(rate "$SN" "$T_BIG") sightings/s"
fi
echo "sightings:                 $(sqlite3 "$BIGDB" "SELECT sightings FROM totals")"
echo "sources:                   $(sqlite3 "$BIGDB" "SELECT sources FROM totals")"
echo "store size:                $(du -m "$BIGDB" | cut -f1) MB"
PRE=:
echo "hosts -f list:             $(best "$WS" hosts --db "$BIGDB" -f list) s"
echo "hosts (text):              $(best "$WS" hosts --db "$BIGDB") s"
echo "hosts --worm nimda --min-requests 5 -f jsonl: $(best "$WS" hosts --db "$BIGDB" --worm nimda --min-requests 5 -f jsonl) s"
if "$WS" report --help >/dev/null 2>&1; then
	echo "report (ws_store_report_data + HTML): $(best "$WS" report --db "$BIGDB" -o "$TMP/r.html") s"
fi
