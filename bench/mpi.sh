#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Scaling benchmark of `wormscope simulate` over MPI ranks (issue 18): weak
# and strong scaling from 1 to 2 ranks of a sweep (manager/worker) and of one
# partitioned per-probe run (--partition), the partitioned run's cost per
# probe against the single-process per-probe mode, and the bytes exchanged
# per window. Timings are printed, never asserted; the only failures are
# commands that fail. All runs are SIMULATED outbreaks; nothing is sent
# anywhere (the ranks talk over Open MPI's shared memory).
#
#   bench/mpi.sh BUILD_DIR            (also: make bench-mpi, BENCH_MPI=1 make bench)
#
# Environment:
#   MPI_RUNS      timed runs per figure, the median is kept (default 3)
#   MPI_DURATION  hours of the partitioned scenario (default 0.05: 4.5e7 probes)
#   MPIRUN        the launcher (default mpirun; --oversubscribe is added, and
#                 --allow-run-as-root when run as root)
#
# Efficiency is throughput-based, E = (probes/s with R ranks) / (R x probes/s
# with 1), so that runs drawing a few more or fewer probes compare fairly
# (strong: the same scenario; weak: twice the hosts on twice the ranks). Two
# figures each: by wall time, which a loaded machine spoils, and by compute
# CPU on the critical path (--partition's stats: per window the busiest
# rank's CPU seconds, summed), which is what a core per rank would give, the
# exchanges aside (their wall time is printed beside).
set -eu

die() {
	echo "bench/mpi: $*" >&2
	exit 1
}

[ $# -eq 1 ] || die "usage: bench/mpi.sh BUILD_DIR"
B=$1
WS=$(cd "$(dirname "$B/wormscope")" && pwd)/wormscope
RUNS=${MPI_RUNS:-3}
DUR=${MPI_DURATION:-0.05}
MPIRUN=${MPIRUN:-mpirun}
case $RUNS in '' | *[!0-9]* | 0) die "MPI_RUNS: not a positive number: $RUNS" ;; esac
[ -x "$WS" ] || die "$WS not built (run: cmake --build $B)"
[ -x /usr/bin/time ] || die "/usr/bin/time missing (Debian package time)"
command -v "$MPIRUN" >/dev/null || die "$MPIRUN not found (make deps installs Open MPI)"
"$WS" simulate --help | grep -q -- --partition || die "$WS has no --partition"
FLAGS="--oversubscribe"
[ "$(id -u)" = 0 ] && FLAGS="$FLAGS --allow-run-as-root"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"

# measure NP CMD...: median wall and CPU (user + system, every rank and the
# launcher) seconds over RUNS runs in WALL and CPU; NP 0 runs CMD without the
# launcher. The last run's stdout stays in $T/out.
measure() {
	np=$1
	shift
	local pre=()
	# shellcheck disable=SC2206
	[ "$np" = 0 ] || pre=("$MPIRUN" $FLAGS -np "$np")
	: >"$T/times"
	: >"$T/stats"
	for _ in $(seq "$RUNS"); do
		/usr/bin/time -f "%e %U %S" -a -o "$T/times" "${pre[@]}" "$@" >"$T/out" 2>"$T/err" || {
			cat "$T/err" >&2
			die "failed: ${pre[*]} $*"
		}
		grep '^partitioned over' "$T/out" >>"$T/stats" || true
	done
	WALL=$(awk '{print $1}' "$T/times" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
	CPU=$(awk '{print $2 + $3}' "$T/times" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
}

# stat NAME: a figure of the --partition stats lines of the last measure, the
# median over its runs (the counts are the same in every run: same seed, same
# ranks).
stat() {
	local re
	case $1 in
	probes) re='[0-9]+ probes,' ;;
	windows) re='[0-9]+ windows,' ;;
	remote) re='[0-9]+ sent to another' ;;
	bytes) re='[0-9]+ bytes exchanged' ;;
	per_window) re='[0-9.]+ per window' ;;
	exchange) re='[0-9.]+ s exchanging' ;;
	path) re='[0-9.]+ s on the critical path' ;;
	cpu) re='compute CPU [0-9.]+' ;;
	busiest) re='busiest rank [0-9.]+%' ;;
	esac
	grep -oE "$re" "$T/stats" | grep -oE '[0-9.]+' | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'
}

calc() { awk "BEGIN {printf \"%.3g\", $1}"; }

echo "== wormscope simulate over MPI ranks ($(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $("$MPIRUN" --version | head -1))"
echo "load at start: $(cat /proc/loadavg)"
echo "(SIMULATED runs; medians of $RUNS; wall times on a loaded machine are inflated: read the CPU figures)"

# ---- sweeps: manager/worker -----------------------------------------------
# A job is one per-probe run of Code Red II (about 1.5e7 probes); 8 jobs for
# strong scaling, 4 per rank for weak.
JOB="--worm code-red-ii --mode per-probe --vulnerable 144000 --initial 1000 --duration 0.03
     --set lifetime_h=0 --set chinese_share=0 --set expiry=none --set calendar=none --quiet
     --out-csv sweep.csv"
echo
echo "-- sweep (manager/worker), a job = one per-probe run"
# shellcheck disable=SC2086
measure 0 "$WS" simulate $JOB --runs 2 --sweep scan_rate=12,14,16,18
S0W=$WALL S0C=$CPU
# shellcheck disable=SC2086
measure 1 "$WS" simulate $JOB --runs 2 --sweep scan_rate=12,14,16,18
S1W=$WALL S1C=$CPU
# shellcheck disable=SC2086
measure 2 "$WS" simulate $JOB --runs 2 --sweep scan_rate=12,14,16,18
S2W=$WALL S2C=$CPU
# shellcheck disable=SC2086
measure 1 "$WS" simulate $JOB --runs 1 --sweep scan_rate=12,14,16,18
W1W=$WALL W1C=$CPU
echo "8 jobs, no launcher:  ${S0W} s wall, ${S0C} s CPU"
echo "8 jobs, -np 1:        ${S1W} s wall, ${S1C} s CPU"
echo "8 jobs, -np 2:        ${S2W} s wall, ${S2C} s CPU"
echo "4 jobs, -np 1:        ${W1W} s wall, ${W1C} s CPU   (weak: 4 jobs a rank)"
echo "strong efficiency 1->2 ranks: wall $(calc "$S1W / (2 * $S2W)"), CPU $(calc "$S1C / $S2C") (CPU(1)/CPU(2): the work the second rank adds; the jobs are dealt one at a time)"
echo "weak efficiency 1->2 ranks:   wall $(calc "$W1W / $S2W"), CPU $(calc "2 * $W1C / $S2C")"
echo "mpirun -np 1 / no launcher:   wall $(calc "$S1W / $S0W"), CPU $(calc "$S1C / $S0C")"

# ---- one run over ranks: --partition --------------------------------------
P="--mode per-probe --duration $DUR --set lifetime_h=0
   --set chinese_share=0 --set expiry=none --set calendar=none --set infection_delay_s=2
   --summary-json p.json"
echo
echo "-- one per-probe run partitioned over ranks (/8 blocks, windows of 2 s)"
# shellcheck disable=SC2086
measure 0 "$WS" simulate --worm code-red-ii $P --vulnerable 144000 --initial 1000 --quiet
SPW=$WALL SPC=$CPU
# shellcheck disable=SC2086
measure 1 "$WS" simulate --worm code-red-ii $P --vulnerable 144000 --initial 1000 --partition
P1W=$WALL P1C=$CPU P1N=$(stat probes) P1P=$(stat cpu)
# shellcheck disable=SC2086
measure 2 "$WS" simulate --worm code-red-ii $P --vulnerable 144000 --initial 1000 --partition
P2W=$WALL P2C=$CPU P2N=$(stat probes) P2P=$(stat path) P2S=$(stat cpu) P2X=$(stat exchange)
P2B=$(stat busiest)
P2BY=$(stat bytes) P2PW=$(stat per_window) P2WN=$(stat windows) P2R=$(stat remote)
# shellcheck disable=SC2086
measure 1 "$WS" simulate --worm code-red-ii $P --vulnerable 72000 --initial 500 --partition
H1W=$WALL H1N=$(stat probes) H1P=$(stat cpu)
echo "single process, per-probe mode: ${SPW} s wall, ${SPC} s CPU"
echo "--partition -np 1: ${P1W} s wall, ${P1C} s CPU, ${P1N} probes, ${P1P} s compute CPU"
echo "--partition -np 2: ${P2W} s wall, ${P2C} s CPU, ${P2N} probes, ${P2S} s compute CPU over ranks, ${P2P} s on the critical path, ${P2X} s exchanging (slowest rank, wall), busiest rank ${P2B} % of probes"
echo "weak peer (72,000 hosts, 500 initial) -np 1: ${H1W} s wall, ${H1N} probes, ${H1P} s compute CPU"
echo "cost per probe: single process $(calc "$SPC / $P1N * 1e9") ns CPU (its probe count taken as -np 1's: the same distribution), --partition -np 1 $(calc "$P1C / $P1N * 1e9") ns, -np 2 $(calc "$P2C / $P2N * 1e9") ns (whole-process CPU, every rank)"
echo "strong efficiency 1->2 ranks: wall $(calc "($P2N / $P2W) / (2 * $P1N / $P1W)"), compute CPU $(calc "($P2N / $P2P) / (2 * $P1N / $P1P)")"
echo "weak efficiency 1->2 ranks:   wall $(calc "($P2N / $P2W) / (2 * $H1N / $H1W)"), compute CPU $(calc "($P2N / $P2P) / (2 * $H1N / $H1P)")"
echo "  of which balance (one run, load-proof): compute CPU over ranks / (2 x critical path) = $(calc "$P2S / (2 * $P2P)"); work per probe -np 2 / -np 1: $(calc "($P2S / $P2N) / ($P1P / $P1N)")"
echo "exchange: ${P2WN} windows, ${P2R} probes sent to the other rank, ${P2BY} bytes = ${P2PW} bytes per window ($(calc "$P2BY / $P2N") bytes per probe drawn)"

# Local preference against a uniform scanner over the same hosts and blocks.
KEEP=$RUNS
RUNS=1
# shellcheck disable=SC2086
measure 2 "$WS" simulate --worm code-red $P --vulnerable 144000 --initial 1000 --partition --scan-rate 15
RUNS=$KEEP
U2N=$(stat probes) U2BY=$(stat bytes) U2PW=$(stat per_window)
echo "uniform scanner (code-red at 15/s), -np 2: ${U2N} probes, ${U2BY} bytes = ${U2PW} bytes per window ($(calc "$U2BY / $U2N") bytes per probe): Code Red II's local preference sends $(calc "($U2BY / $U2N) / ($P2BY / $P2N)") x fewer bytes per probe"
echo "load at end: $(cat /proc/loadavg)"
