#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
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
#      ws_store_report_data alone (bench/report_data.c), and `report` (which
#      reads it and renders the page) when the binary has it.
#
# Environment: STORE_LINES (default 2000000), STORE_POOL (100000),
# STORE_BIG_LINES (10000000; 0 skips part 3), STORE_BIG_POOL (1000000),
# STORE_MIX_LINES for part 2 (default 10000000, about 1.9 GB), BENCH_RUNS (default 3).
set -eu

die() {
	echo "bench/store: $*" >&2
	exit 1
}
. "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || die "usage: bench/store.sh BUILD_DIR"
B=$1
WS=$B/wormscope
GEN=$B/bench/genlog
LINES=${STORE_LINES:-2000000}
POOL=${STORE_POOL:-100000}
BIG=${STORE_BIG_LINES:-10000000}
BIG_POOL=${STORE_BIG_POOL:-1000000}
MIX=${STORE_MIX_LINES:-10000000}
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

# best CMD...: "WALL CPU" of the fastest of RUNS runs, in seconds: wall
# time, and user+system CPU time (what counts on a shared, loaded machine),
# from bench/lib.sh. A setup hook PRE (a function name or :) runs before each.
PRE=:
best() {
	BENCH_MAXRC=1 BENCH_PRE=$PRE bench_best "$@"
	printf '%.2f %s\n' "$WALL" "$CPU"
}
wall() { echo "${1% *}"; }
cpu() { echo "${1#* }"; }

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
T_PEER=$(best sqlite3 "$TMP/p.db" -cmd "PRAGMA journal_mode=WAL" ".import --csv $TMP/s.csv s")
echo "sightings:                 $N"
echo "                           wall s   CPU s   sightings/s (wall)  (per CPU s)"
printf "wormscope scan --db:       %6s  %6s   %9s  %9s   (indexes and summaries)\n" \
	"$(wall "$T_DB")" "$(cpu "$T_DB")" "$(rate "$N" "$(wall "$T_DB")")" "$(rate "$N" "$(cpu "$T_DB")")"
printf "peer sqlite3 .import csv:  %6s  %6s   %9s  %9s   (one table, no index)\n" \
	"$(wall "$T_PEER")" "$(cpu "$T_PEER")" "$(rate "$N" "$(wall "$T_PEER")")" "$(rate "$N" "$(cpu "$T_PEER")")"
echo "ratio scan --db / import:  wall $(ratio "$(wall "$T_DB")" "$(wall "$T_PEER")"), CPU $(ratio "$(cpu "$T_DB")" "$(cpu "$T_PEER")")"

echo
echo "== 2. cost of --db on a 1 %-worm log ($MIX lines)"
MIXLOG=$(gen "mix-$MIX" "$MIX" 1 0)
PRE=:
T_PLAIN=$(best "$WS" scan -q "$MIXLOG")
T_PLAIN1=$(best "$WS" scan -q -j 1 "$MIXLOG")
PRE=fresh_db
T_MIXDB=$(best "$WS" scan -q --db "$TMP/s.db" "$MIXLOG")
T_MIXDB1=$(best "$WS" scan -q -j 1 --db "$TMP/s.db" "$MIXLOG")
echo "                           wall s   CPU s"
printf "scan (default -j):         %6s  %6s\n" "$(wall "$T_PLAIN")" "$(cpu "$T_PLAIN")"
printf "scan -j 1:                 %6s  %6s\n" "$(wall "$T_PLAIN1")" "$(cpu "$T_PLAIN1")"
printf "scan --db (default -j):    %6s  %6s\n" "$(wall "$T_MIXDB")" "$(cpu "$T_MIXDB")"
printf "scan --db -j 1:            %6s  %6s\n" "$(wall "$T_MIXDB1")" "$(cpu "$T_MIXDB1")"
echo "ratio --db -j 1 / -j 1:    wall $(ratio "$(wall "$T_MIXDB1")" "$(wall "$T_PLAIN1")"), CPU $(ratio "$(cpu "$T_MIXDB1")" "$(cpu "$T_PLAIN1")")"
echo "ratio --db / default -j:   wall $(ratio "$(wall "$T_MIXDB")" "$(wall "$T_PLAIN")"), CPU $(ratio "$(cpu "$T_MIXDB")" "$(cpu "$T_PLAIN")") (both split a large plain file across -j threads; --db stores the parts in order)"

[ "$BIG" -gt 0 ] || exit 0
echo
echo "== 3. a large store: $BIG all-worm lines, sources from a pool of $BIG_POOL"
BIGLOG=$(gen "allworm-$BIG-$BIG_POOL" "$BIG" 100 "$BIG_POOL")
BIGDB=$B/bench/store-$BIG-$BIG_POOL.db
if [ ! -s "$BIGDB" ] || [ "$BIGLOG" -nt "$BIGDB" ]; then
	rm -f "$BIGDB" "$BIGDB-wal" "$BIGDB-shm"
	RUNS_SAVED=$RUNS
	RUNS=1
	PRE=:
	T_BIG=$(best "$WS" scan -q --db "$BIGDB" "$BIGLOG")
	RUNS=$RUNS_SAVED
	SN=$(sqlite3 "$BIGDB" "SELECT sightings FROM totals")
	echo "ingest:                    wall $(wall "$T_BIG") s, CPU $(cpu "$T_BIG") s: $(rate "$SN" "$(wall "$T_BIG")") sightings/s wall, $(rate "$SN" "$(cpu "$T_BIG")") per CPU s"
fi
echo "sightings:                 $(sqlite3 "$BIGDB" "SELECT sightings FROM totals")"
echo "sources:                   $(sqlite3 "$BIGDB" "SELECT sources FROM totals")"
echo "store size:                $(du -m "$BIGDB" | cut -f1) MB"
PRE=:
echo "                           wall s   CPU s"
show() { printf "%-26s %6s  %6s\n" "$1" "$(wall "$2")" "$(cpu "$2")"; }
show "hosts -f list:" "$(best "$WS" hosts --db "$BIGDB" -f list)"
show "hosts (text):" "$(best "$WS" hosts --db "$BIGDB")"
show "hosts --worm nimda -f jsonl:" "$(best "$WS" hosts --db "$BIGDB" --worm nimda --min-requests 5 -f jsonl)"
if [ -x "$B/bench/report_data" ] || cmake --build "$B" --target report_data >/dev/null 2>&1; then
	echo "ws_store_report_data alone (top 20), best of $RUNS:"
	for ((i = 0; i < RUNS; i++)); do "$B/bench/report_data" "$BIGDB" 20; done | sort -n | head -n 1
fi
if "$WS" report --help >/dev/null 2>&1; then
	show "report (data + HTML):" "$(best "$WS" report --db "$BIGDB" -o "$TMP/r.html")"
fi
