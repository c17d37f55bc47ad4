#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Speed benchmark: wormscope against grep, GoAccess and AWStats on one large
# synthetic Apache combined log (bench/genlog.c). Timings are printed, never
# asserted; the only failure is a wrong worm count (or a tool that errors).
#
#   bench/run.sh BUILD_DIR            (what `make bench` runs)
#
# Environment:
#   BENCH_LINES   lines in the log (default 2000000, about 390 MB)
#   BENCH_SEED    genlog seed (default 1)
#   BENCH_RUNS    runs per measurement, the best is kept (default 3, at least 1)
#   BENCH_PEERS   0 skips GoAccess and AWStats (default 1)
#   BENCH_STORE   1 also runs bench/store.sh (the SQLite store; default 0)
#   BENCH_MPI     1 also runs bench/mpi.sh (simulate over MPI ranks; default 0)
#
# The log is generated once and cached as BUILD_DIR/bench/access-LINES-SEED.log,
# with genlog's own per-worm counts beside it (.truth).
set -eu

die() {
	echo "bench: $*" >&2
	exit 1
}
. "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || die "usage: bench/run.sh BUILD_DIR"
B=$1
WS=$B/wormscope
GEN=$B/bench/genlog
LINES=${BENCH_LINES:-2000000}
SEED=${BENCH_SEED:-1}
RUNS=${BENCH_RUNS:-3}
PEERS=${BENCH_PEERS:-1}
case $LINES in '' | *[!0-9]*) die "BENCH_LINES: not a number: $LINES" ;; esac
case $SEED in '' | *[!0-9]*) die "BENCH_SEED: not a number: $SEED" ;; esac
case $RUNS in '' | *[!0-9]* | 0) die "BENCH_RUNS: not a positive number: $RUNS" ;; esac
[ "$LINES" -ge 1000 ] || die "BENCH_LINES: use at least 1000 lines"

[ -x "$WS" ] || die "$WS not built (run: cmake --build $B)"
if [ ! -x "$GEN" ]; then
	cmake --build "$B" --target genlog >/dev/null || die "cannot build genlog in $B"
fi
mkdir -p "$B/bench"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wsbench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# ---- the log ---------------------------------------------------------------
LOG=$B/bench/access-$LINES-$SEED.log
TRUTH=$LOG.truth
if [ ! -s "$LOG" ] || [ ! -s "$TRUTH" ] || [ "$GEN" -nt "$LOG" ]; then
	echo "bench: generating $LOG ($LINES lines, seed $SEED)"
	"$GEN" "$LINES" "$SEED" >"$LOG.tmp" 2>"$TRUTH.tmp" || die "genlog failed"
	mv "$TRUTH.tmp" "$TRUTH"
	mv "$LOG.tmp" "$LOG"
fi
BYTES=$(wc -c <"$LOG")
MB=$(awk -v b="$BYTES" 'BEGIN { printf "%.1f", b / 1e6 }')

# Halves for -j 2 (whole lines), and a 10x smaller prefix for AWStats.
HALF_A=$B/bench/access-$LINES-$SEED.half.aa
HALF_B=$B/bench/access-$LINES-$SEED.half.ab
if [ ! -s "$HALF_A" ] || [ ! -s "$HALF_B" ] || [ "$LOG" -nt "$HALF_A" ]; then
	split -n l/2 "$LOG" "$B/bench/access-$LINES-$SEED.half."
fi
PLINES=$((LINES / 10))
PREFIX=$B/bench/access-$LINES-$SEED.prefix.log
if [ ! -s "$PREFIX" ] || [ "$LOG" -nt "$PREFIX" ]; then
	head -n "$PLINES" "$LOG" >"$PREFIX"
fi
PBYTES=$(wc -c <"$PREFIX")

# ---- machine ---------------------------------------------------------------
CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
echo "bench: machine: $(nproc) CPUs, ${CPU:-unknown CPU}, $(uname -sr)"
echo "bench: input:   $LOG"
echo "bench:          $LINES lines, $BYTES bytes ($MB MB); best of $RUNS runs; page cache warm"

# ---- correctness first -----------------------------------------------------
truth() { awk -v k="$1" '$1 == k { print $2 }' "$TRUTH"; }
WANT=$(truth worm_lines)
[ -n "$WANT" ] || die "$TRUTH has no worm_lines"

# wormscope exits 1 when it found worm traffic; anything above 1 is an error.
ws_ok() {
	local rc=0
	"$@" || rc=$?
	[ "$rc" -le 1 ] || die "failed (exit $rc): $*"
}

ws_ok "$WS" scan -j 1 --summary none --format jsonl "$LOG" >"$TMP/sightings.jsonl"
GOT=$(wc -l <"$TMP/sightings.jsonl")
fail=0
if [ "$GOT" -ne "$WANT" ]; then
	echo "bench: FAIL: wormscope reported $GOT sightings, genlog wrote $WANT worm lines" >&2
	fail=1
fi
grep -o '"worm":"[^"]*"' "$TMP/sightings.jsonl" | sed 's/.*:"\(.*\)"/\1/' | sort | uniq -c |
	awk '{ print $2, $1 }' >"$TMP/got.counts"
while read -r key want; do
	case $key in lines | seed | worm_lines) continue ;; esac
	got=$(awk -v k="$key" '$1 == k { print $2 }' "$TMP/got.counts")
	if [ "${got:-0}" -ne "$want" ]; then
		echo "bench: FAIL: $key: wormscope ${got:-0}, genlog $want" >&2
		fail=1
	fi
done <"$TRUTH"
while read -r key got; do
	grep -q "^$key " "$TRUTH" || {
		echo "bench: FAIL: wormscope reported $got '$key' sightings; genlog wrote none" >&2
		fail=1
	}
done <"$TMP/got.counts"
ws_ok "$WS" scan -j 2 --summary none --format jsonl "$HALF_A" "$HALF_B" >"$TMP/halves.jsonl"
GOT2=$(wc -l <"$TMP/halves.jsonl")
if [ "$GOT2" -ne "$WANT" ]; then
	echo "bench: FAIL: wormscope -j 2 on the halves reported $GOT2 sightings, want $WANT" >&2
	fail=1
fi
if [ "$fail" -ne 0 ]; then
	echo "bench: FAIL: worm counts differ from genlog's truth ($TRUTH):" >&2
	sed 's/^/    /' "$TRUTH" >&2
	exit 1
fi
echo "bench: correct: $GOT sightings = $WANT worm lines written by genlog, per worm id too" \
	"($(tr '\n' ' ' <"$TMP/got.counts"| sed 's/ $//'))"

# ---- timing ----------------------------------------------------------------
# best_of MAXRC CMD...: the shortest wall time in seconds of $RUNS runs of
# CMD (bench/lib.sh); stdout goes to the file $OUT where set, and PRE_RUN
# runs before each.
best_of() {
	local maxrc=$1
	shift
	BENCH_MAXRC=$maxrc BENCH_OUT=${OUT:-/dev/null} BENCH_PRE=${PRE_RUN:-:} bench_best "$@"
	printf '%.3f\n' "$WALL"
}

cat "$LOG" "$HALF_A" "$HALF_B" "$PREFIX" >/dev/null # warm the page cache

ROWS=$TMP/rows # tool|input|bytes|lines|seconds|note
add_row() { echo "$1|$2|$3|$4|$5|${6:-}" >>"$ROWS"; }

echo "bench: timing grep"
T_GREP=$(OUT=$TMP/grep.out best_of 1 env LC_ALL=C grep -c -F -e default.ida -e cmd.exe \
	-e root.exe "$LOG")
GREP_N=$(cat "$TMP/grep.out")
add_row "grep -c -F (3 strings)" "full" "$BYTES" "$LINES" "$T_GREP" "baseline"

echo "bench: timing wormscope"
T=$(best_of 1 "$WS" scan -j 1 --summary none "$LOG")
add_row "wormscope -j1 --summary none" "full" "$BYTES" "$LINES" "$T"
T_WS=$(best_of 1 "$WS" scan -j 1 --format jsonl "$LOG")
add_row "wormscope -j1 --format jsonl" "full" "$BYTES" "$LINES" "$T_WS"
T=$(best_of 1 "$WS" scan -j 1 "$LOG")
add_row "wormscope -j1 (text summary)" "full" "$BYTES" "$LINES" "$T"
T=$(best_of 1 "$WS" scan -j 2 --format jsonl "$LOG")
add_row "wormscope -j2 --format jsonl" "full, 1 file" "$BYTES" "$LINES" "$T"
T=$(best_of 1 "$WS" scan -j 2 --format jsonl "$HALF_A" "$HALF_B")
add_row "wormscope -j2 --format jsonl" "full, 2 halves" "$BYTES" "$LINES" "$T"

if [ "$PEERS" = 0 ]; then
	echo "bench: peers skipped (BENCH_PEERS=0)"
elif command -v goaccess >/dev/null 2>&1; then
	echo "bench: timing GoAccess ($(goaccess --version 2>/dev/null | head -n 1))"
	T=$(best_of 0 goaccess "$LOG" --log-format=COMBINED --no-global-config --no-progress \
		-o "$TMP/goaccess.json")
	add_row "goaccess -o report.json" "full" "$BYTES" "$LINES" "$T"
else
	echo "bench: GoAccess not installed, skipped (apt-get install goaccess)"
fi

AWSTATS=/usr/lib/cgi-bin/awstats.pl
if [ "$PEERS" = 0 ]; then
	:
elif [ -r "$AWSTATS" ] && [ -r /etc/awstats/awstats.conf ] && command -v perl >/dev/null 2>&1; then
	echo "bench: timing AWStats -update on the first $PLINES lines (it is slow)"
	mkdir -p "$TMP/aw/conf" "$TMP/aw/data"
	cat >"$TMP/aw/conf/awstats.wsbench.conf" <<CONF
Include "/etc/awstats/awstats.conf"
LogFile="$PREFIX"
LogType=W
LogFormat=1
SiteDomain="bench.example"
HostAliases="localhost 127.0.0.1"
DNSLookup=0
DirData="$TMP/aw/data"
LevelForWormsDetection=2
ShowWormsStats=HBL
CONF
	# Each run starts from empty history files, or AWStats skips the records
	# it has already seen.
	aw_clean() { rm -f "$TMP"/aw/data/*; }
	T_AW=$(PRE_RUN=aw_clean best_of 0 perl "$AWSTATS" -config=wsbench \
		-configdir="$TMP/aw/conf" -update)
	add_row "awstats -update" "first 1/10" "$PBYTES" "$PLINES" "$T_AW" \
		"$(awk -v t="$T_AW" -v b="$BYTES" -v p="$PBYTES" \
			'BEGIN { printf "full file est. %.0f s", t * b / p }')"
	AW_WORMS=$(awk '/^BEGIN_WORMS/ { f = 1; next } /^END_WORMS/ { f = 0 }
		f { n[$1] += $2 } END { for (k in n) printf "%s=%d ", k, n[k] }' \
		"$TMP"/aw/data/awstats*.txt 2>/dev/null || true)
else
	echo "bench: AWStats not installed, skipped (apt-get install awstats)"
fi

# ---- table -----------------------------------------------------------------
echo
echo "Results (wall seconds, best of $RUNS; ratio = seconds per byte relative to grep;"
echo "wormscope/grep target <= 1.0)"
awk -F'|' -v grep_s="$T_GREP" -v grep_b="$BYTES" '
BEGIN {
	printf "%-30s %-15s %9s %9s %12s %8s  %s\n", "tool", "input", "seconds", "MB/s",
	       "lines/s", "ratio", "note"
	printf "%-30s %-15s %9s %9s %12s %8s  %s\n", "----", "-----", "-------", "----",
	       "-------", "-----", "----"
	grep_rate = grep_s / grep_b
}
{
	s = $5 + 0
	mbs = s > 0 ? $3 / 1e6 / s : 0
	lps = s > 0 ? $4 / s : 0
	ratio = grep_rate > 0 ? (s / $3) / grep_rate : 0
	printf "%-30s %-15s %9.3f %9.1f %12.0f %8.2f  %s\n", $1, $2, s, mbs, lps, ratio, $6
}' "$ROWS"
echo
echo "grep matched $GREP_N lines (substring hits, near misses included; it has no per-worm view);"
echo "wormscope found $GOT worm requests; genlog wrote $WANT."
[ -z "${AW_WORMS:-}" ] || echo "AWStats worm hits on the prefix: $AW_WORMS"
R=$(awk -v a="$T_WS" -v g="$T_GREP" 'BEGIN { printf "%.2f", (g > 0 ? a / g : 0) }')
echo "wormscope -j1 --format jsonl / grep = $R (target <= 1.0)"

# The store (issue 3): scan --db, hosts, report; BENCH_STORE=1 runs it here.
if [ "${BENCH_STORE:-0}" = 1 ]; then
	echo
	bash "$(dirname "$0")/store.sh" "$B"
fi

# Simulations over MPI ranks (issue 18); BENCH_MPI=1 runs it here.
if [ "${BENCH_MPI:-0}" = 1 ]; then
	echo
	bash "$(dirname "$0")/mpi.sh" "$B"
fi
