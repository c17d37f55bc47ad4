#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Report speed: `wormscope report` on a store of many sightings (default 10
# million, the issue's target is under 5 s), against two named references
# measured in the same run:
#   - GoAccess writing its own HTML report from the same log (the peer a
#     defender would otherwise reach for);
#   - sqlite3 counting the store's sightings table, the least that a report
#     which read the sightings (instead of the summaries) would cost.
# Timings are printed, never asserted; the only failure is a report whose
# total differs from the store's.
#
#   bench/report.sh BUILD_DIR
#
# Environment:
#   REPORT_SIGHTINGS  worm lines in the log and so sightings in the store
#                     (default 10000000; about 390 bytes a line)
#   REPORT_SOURCES    distinct worm sources to draw from (default 1000000)
#   REPORT_DB         time this existing store instead of building one
#   BENCH_RUNS        runs per measurement, the best is kept (default 3)
#   BENCH_PEERS       0 skips GoAccess (default 1)
#
# The log and the store are built once and cached in BUILD_DIR/bench/.
set -eu

die() {
	echo "bench: $*" >&2
	exit 1
}
. "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || die "usage: bench/report.sh BUILD_DIR"
B=$1
WS=$B/wormscope
GEN=$B/bench/genlog
N=${REPORT_SIGHTINGS:-10000000}
SOURCES=${REPORT_SOURCES:-1000000}
RUNS=${BENCH_RUNS:-3}
PEERS=${BENCH_PEERS:-1}
case $N in '' | *[!0-9]*) die "REPORT_SIGHTINGS: not a number: $N" ;; esac
case $RUNS in '' | *[!0-9]* | 0) die "BENCH_RUNS: not a positive number: $RUNS" ;; esac
[ -x "$WS" ] || die "$WS not built (run: cmake --build $B --target wormscope genlog)"
mkdir -p "$B/bench"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wsbench-report.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# best CMD...: the best wall time of RUNS runs (bench/lib.sh), stdout and
# stderr discarded
best() {
	bench_best "$@"
	printf '%.3f\n' "$WALL"
}

LOG=$B/bench/report-$N-$SOURCES.log
DB=${REPORT_DB:-$B/bench/report-$N-$SOURCES.db}
if [ -z "${REPORT_DB:-}" ] && [ ! -s "$DB" ]; then
	if [ ! -x "$GEN" ]; then
		cmake --build "$B" --target genlog >/dev/null || die "cannot build genlog in $B"
	fi
	if [ ! -s "$LOG" ]; then
		echo "bench: generating $LOG ($N worm lines from $SOURCES sources)"
		GENLOG_WORM_PCT=100 GENLOG_SOURCES=$SOURCES "$GEN" "$N" 1 >"$LOG.tmp" 2>/dev/null ||
			die "genlog failed"
		mv "$LOG.tmp" "$LOG"
	fi
	echo "bench: building the store $DB"
	BENCH_MAXRC=1 bench_run "$WS" scan --db "$DB.tmp" --summary none "$LOG"
	[ "$RC" -eq 1 ] || die "scan --db exited $RC"
	mv "$DB.tmp" "$DB"
	rm -f "$DB.tmp-wal" "$DB.tmp-shm"
	awk -v t="$WALL" -v n="$N" \
		'BEGIN { printf "bench: ingest took %.1f s (%.0f sightings/s)\n", t, n / t }'
fi
[ -s "$DB" ] || die "no store at $DB"

SIGHTINGS=$(sqlite3 "$DB" "SELECT count(*) FROM sightings")
HOSTS=$(sqlite3 "$DB" "SELECT count(*) FROM hosts")
echo "store: $DB, $SIGHTINGS sightings, $HOSTS sources, $(du -h "$DB" | cut -f1)"

# Warm the page cache once so every tool starts from the same place.
cat "$DB" >/dev/null
T_REPORT=$(best "$WS" report -q --db "$DB" -o "$TMP/report.html")
got=$(sed -n 's:.*id="ov-sightings"><span class="v">\([0-9,]*\)</span>.*:\1:p' "$TMP/report.html" | tr -d ,)
[ "$got" = "$SIGHTINGS" ] || die "the report says $got sightings, the store holds $SIGHTINGS"
T_COUNT=$(best sqlite3 "$DB" "SELECT count(*), count(DISTINCT src) FROM sightings")
printf '%-46s %8s s\n' "wormscope report ($(du -h "$TMP/report.html" | cut -f1) page)" "$T_REPORT"
printf '%-46s %8s s   (report is %.1fx faster)\n' "sqlite3: count sightings and their sources" \
	"$T_COUNT" "$(awk -v a="$T_COUNT" -v b="$T_REPORT" 'BEGIN { print a / b }')"

if [ "$PEERS" != 0 ] && command -v goaccess >/dev/null 2>&1 && [ -s "$LOG" ]; then
	T_GOA=$(RUNS=1 best goaccess "$LOG" --log-format=COMBINED --no-progress -o "$TMP/goaccess.html")
	printf '%-46s %8s s   (report is %.0fx faster)\n' "GoAccess HTML report from the log" "$T_GOA" \
		"$(awk -v a="$T_GOA" -v b="$T_REPORT" 'BEGIN { print a / b }')"
fi
