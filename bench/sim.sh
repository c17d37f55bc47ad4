#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Simulator benchmark (issue 5): wall time, peak memory and probes per second
# of `wormscope simulate`, against a named peer measured in the same run (the
# naive per-probe loop of bench/naive_probe.c) and the published bar (IWS,
# Tidy et al. 2016: 91.8 M packets/s on one workstation). Timings are printed,
# never asserted; the only failures are commands that fail.
#
#   bench/sim.sh BUILD_DIR
#
# Environment:
#   SIM_RUNS        timed runs per fast-mode figure, the best is kept (default 5)
#   SIM_PROBE_FULL  0 skips the per-probe full replay (about 6e10 probes, 1-2 min)
#   SIM_NAIVE       probes for the naive peer (default 100000000)
#
# Scenarios (all simulated; nothing is sent anywhere):
#   replay   scenarios/code-red-2001-07-19.conf: 360,000 vulnerable, the
#            worm's own rate (100 threads / 20 s = 5 probes/s), 14 h, a /8
#            telescope counting sources per minute
#   textbook pure RCS at 358 scans/min (5.97/s; [Zou02], [Staniford02]'s K = 1.8/h at N = 360,000), which the per-probe mode
#            runs too: --worm code-red --vulnerable 360000 --scan-rate 5.97
#            --duration 14 --telescope 44.0.0.0/8
#   10M      --vulnerable 10000000 --scan-rate 5.97 --duration 14
set -eu

die() {
	echo "bench/sim: $*" >&2
	exit 1
}
. "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || die "usage: bench/sim.sh BUILD_DIR"
B=$1
WS=$B/wormscope
NAIVE=$B/bench/naive_probe
RUNS=${SIM_RUNS:-5}
FULL=${SIM_PROBE_FULL:-1}
NPROBES=${SIM_NAIVE:-100000000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CONF=$ROOT/scenarios/code-red-2001-07-19.conf
case $RUNS in '' | *[!0-9]* | 0) die "SIM_RUNS: not a positive number: $RUNS" ;; esac
[ -x "$WS" ] || die "$WS not built (run: cmake --build $B)"
[ -x /usr/bin/time ] || die "/usr/bin/time missing (Debian package time)"
if [ ! -x "$NAIVE" ]; then
	cmake --build "$B" --target naive_probe >/dev/null || die "cannot build naive_probe in $B"
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# measure CMD...: best wall seconds over RUNS runs in WALL, with that run's
# CPU seconds (user + system) in CPU and peak RSS (KB) in RSS (bench/lib.sh).
# On a shared machine CPU is the better measure of one core's work.
measure() { BENCH_OUT=$T/out bench_best "$@"; }

# probes CSV RATE: probes the run implies, sum over rows of infected x rate x
# interval (trapezoid), which is what a per-probe simulation has to make.
probes() {
	awk -F, -v r="$2" '
		/^#/ {next}
		!h {for (i = 1; i <= NF; i++) {if ($i == "time_s") ct = i; if ($i == "infected") ci = i}; h = 1; next}
		{t = $ct; I = $ci; s += (I + pi) / 2 * r * (t - pt); pt = t; pi = I}
		END {printf "%.4g", s}' "$1"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3g", a / b}'; }

TEXTBOOK="--worm code-red --vulnerable 360000 --scan-rate 5.97 --duration 14 --telescope 44.0.0.0/8"

echo "== wormscope simulate benchmark ($(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'))"

measure "$WS" simulate --quiet --seed 1 --worm code-red --vulnerable 1000 --duration 1 --out-csv "$T/base.csv"
BASE_RSS=$RSS
echo "baseline (1,000 hosts, 1 h): ${WALL} s, ${RSS} KB"

measure "$WS" simulate --quiet --config "$CONF" --summary-json "$T/r.json"
echo "replay, fast:                   ${WALL} s wall (${CPU} s CPU), ${RSS} KB max RSS   (target < 0.020 s, < 32 MB)"
measure "$WS" simulate --quiet --config "$CONF" --telescope-hosts "$T/hosts.txt"
echo "replay, fast, --telescope-hosts: ${WALL} s wall (${CPU} s CPU), ${RSS} KB max RSS  (target < 0.200 s)"

# shellcheck disable=SC2086
measure "$WS" simulate --quiet $TEXTBOOK --out-csv "$T/fast.csv"
FAST_WALL=$WALL
FAST_PROBES=$(probes "$T/fast.csv" 5.97)
FAST_PPS=$(awk -v p="$FAST_PROBES" -v w="$FAST_WALL" 'BEGIN {printf "%.3g", p / (w > 0.001 ? w : 0.001)}')
echo "textbook, fast:                 ${FAST_WALL} s wall for ${FAST_PROBES} probes' worth = ${FAST_PPS} equivalent probes/s"

measure "$WS" simulate --quiet --worm code-red --vulnerable 10000000 --scan-rate 5.97 --duration 14 --out-csv "$T/10m.csv"
BPH=$(awk -v r="$RSS" -v b="$BASE_RSS" 'BEGIN {printf "%.1f", (r - b) * 1024 / 1e7}')
echo "10M hosts, fast:                ${WALL} s wall (${CPU} s CPU), ${RSS} KB max RSS, ${BPH} bytes/host above baseline (target < 2 s, < 64 B)"

read -r NP _ NSEC NPPS < <("$NAIVE" 360000 "$NPROBES" 1)
echo "peer: naive per-probe loop (512 MB bitmap): ${NP} probes in ${NSEC} s = ${NPPS} probes/s"

PPS=
if [ "$FULL" != 0 ]; then
	RUNS=1
	# shellcheck disable=SC2086
	measure "$WS" simulate --quiet $TEXTBOOK --mode per-probe --out-csv "$T/probe.csv"
	PP=$(probes "$T/probe.csv" 5.97)
	PPS=$(awk -v p="$PP" -v w="$WALL" 'BEGIN {printf "%.3g", p / w}')
	CPPS=$(awk -v p="$PP" -v w="$CPU" 'BEGIN {printf "%.3g", p / w}')
	echo "textbook, per-probe (full replay): ${WALL} s wall (${CPU} s CPU), ${RSS} KB, ${PP} probes = ${PPS} probes/s wall, ${CPPS} per CPU second (target < 120 s, >= 5e8/s)"
fi

echo "== ratios"
echo "fast mode equivalent probes/s / naive peer:  $(ratio "$FAST_PPS" "$NPPS")"
echo "fast mode equivalent probes/s / IWS 9.18e7:  $(ratio "$FAST_PPS" 9.18e7)"
if [ -n "$PPS" ]; then
	echo "per-probe probes/s / naive peer:             $(ratio "$PPS" "$NPPS")"
	echo "per-probe probes/s / IWS 9.18e7:             $(ratio "$PPS" 9.18e7)"
	echo "fast / per-probe on the same scenario:       $(ratio "$FAST_PPS" "$PPS")"
fi
