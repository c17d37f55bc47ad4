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
#   MPI_RUNS      timed runs per figure (default 3): the commands compared take
#                 turns, each efficiency is taken run by run, and the median kept
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

# once TAG NP CMD...: one run of CMD under NP ranks (NP 0: no launcher);
# appends its wall and CPU (user + system, every rank and the launcher)
# seconds to $T/TAG.times and its --partition stats line (or a blank line)
# to $T/TAG.stats, so that run i of every TAG is line i.
once() {
	local tag=$1 np=$2
	shift 2
	local pre=()
	# shellcheck disable=SC2206
	[ "$np" = 0 ] || pre=("$MPIRUN" $FLAGS -np "$np")
	/usr/bin/time -f "%e %U %S" -a -o "$T/$tag.times" "${pre[@]}" "$@" >"$T/out" 2>"$T/err" || {
		cat "$T/err" >&2
		die "failed: ${pre[*]} $*"
	}
	{ grep '^partitioned over' "$T/out" || echo; } | head -n 1 >>"$T/$tag.stats"
}

# The figures of run i of each TAG, one per line, in run order.
walls() { awk '{print $1}' "$T/$1.times"; }
cpus() { awk '{print $2 + $3}' "$T/$1.times"; }
# stat TAG NAME: one figure of TAG's --partition stats lines, per run.
stat() {
	local re
	case $2 in
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
	grep -oE "$re" "$T/$1.stats" | grep -oE '[0-9.]+'
}
median() { sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
# pairwise EXPR FILE...: EXPR (awk, over $1, $2, ... of each line of the
# pasted files: run i of each) for every run, and their median. The runs
# of the commands compared took turns, so a drift in the machine's speed
# (this shared VM's speed moves by a third between minutes) falls on both.
pairwise() {
	local e=$1
	shift
	paste "$@" | awk "{printf \"%.6g\\n\", $e}" | median
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
SW="--sweep scan_rate=12,14,16,18"
for _ in $(seq "$RUNS"); do
	# shellcheck disable=SC2086
	once s0 0 "$WS" simulate $JOB --runs 2 $SW
	# shellcheck disable=SC2086
	once s1 1 "$WS" simulate $JOB --runs 2 $SW
	# shellcheck disable=SC2086
	once s2 2 "$WS" simulate $JOB --runs 2 $SW
	# shellcheck disable=SC2086
	once w1 1 "$WS" simulate $JOB --runs 1 $SW
done
for k in s0 s1 s2 w1; do
	walls $k >"$T/$k.w"
	cpus $k >"$T/$k.c"
done
echo "8 jobs, no launcher:  $(median <"$T/s0.w") s wall, $(median <"$T/s0.c") s CPU"
echo "8 jobs, -np 1:        $(median <"$T/s1.w") s wall, $(median <"$T/s1.c") s CPU"
echo "8 jobs, -np 2:        $(median <"$T/s2.w") s wall, $(median <"$T/s2.c") s CPU"
echo "4 jobs, -np 1:        $(median <"$T/w1.w") s wall, $(median <"$T/w1.c") s CPU   (weak: 4 jobs a rank)"
echo "(efficiencies below: run by run, the commands in turn, then the median)"
echo "strong efficiency 1->2 ranks: wall $(pairwise '$1 / (2 * $2)' "$T/s1.w" "$T/s2.w"), CPU $(pairwise '$1 / $2' "$T/s1.c" "$T/s2.c") (CPU(1)/CPU(2): the work the second rank adds; the jobs are dealt one at a time)"
echo "weak efficiency 1->2 ranks:   wall $(pairwise '$1 / $2' "$T/w1.w" "$T/s2.w"), CPU $(pairwise '2 * $1 / $2' "$T/w1.c" "$T/s2.c")"
echo "mpirun -np 1 / no launcher:   wall $(pairwise '$1 / $2' "$T/s1.w" "$T/s0.w"), CPU $(pairwise '$1 / $2' "$T/s1.c" "$T/s0.c")"

# ---- one run over ranks: --partition --------------------------------------
P="--mode per-probe --duration $DUR --set lifetime_h=0
   --set chinese_share=0 --set expiry=none --set calendar=none --set infection_delay_s=2
   --summary-json p.json"
echo
echo "-- one per-probe run partitioned over ranks (/8 blocks, windows of 2 s)"
for _ in $(seq "$RUNS"); do
	# shellcheck disable=SC2086
	once sp 0 "$WS" simulate --worm code-red-ii $P --vulnerable 144000 --initial 1000 --quiet
	# shellcheck disable=SC2086
	once p1 1 "$WS" simulate --worm code-red-ii $P --vulnerable 144000 --initial 1000 --partition
	# shellcheck disable=SC2086
	once p2 2 "$WS" simulate --worm code-red-ii $P --vulnerable 144000 --initial 1000 --partition
	# shellcheck disable=SC2086
	once h1 1 "$WS" simulate --worm code-red-ii $P --vulnerable 72000 --initial 500 --partition
done
for k in sp p1 p2 h1; do
	walls $k >"$T/$k.w"
	cpus $k >"$T/$k.c"
done
for k in p1 p2 h1; do
	stat $k probes >"$T/$k.n"
	stat $k cpu >"$T/$k.p"
done
stat p2 path >"$T/p2.path"
SPW=$(median <"$T/sp.w") SPC=$(median <"$T/sp.c")
P1W=$(median <"$T/p1.w") P1C=$(median <"$T/p1.c") P1N=$(median <"$T/p1.n") P1P=$(median <"$T/p1.p")
P2W=$(median <"$T/p2.w") P2C=$(median <"$T/p2.c") P2N=$(median <"$T/p2.n") P2P=$(median <"$T/p2.path")
P2S=$(median <"$T/p2.p") P2X=$(stat p2 exchange | median) P2B=$(stat p2 busiest | median)
P2BY=$(stat p2 bytes | median) P2PW=$(stat p2 per_window | median) P2WN=$(stat p2 windows | median)
P2R=$(stat p2 remote | median)
H1W=$(median <"$T/h1.w") H1N=$(median <"$T/h1.n") H1P=$(median <"$T/h1.p")
echo "single process, per-probe mode: ${SPW} s wall, ${SPC} s CPU"
echo "--partition -np 1: ${P1W} s wall, ${P1C} s CPU, ${P1N} probes, ${P1P} s compute CPU"
echo "--partition -np 2: ${P2W} s wall, ${P2C} s CPU, ${P2N} probes, ${P2S} s compute CPU over ranks, ${P2P} s on the critical path, ${P2X} s exchanging (slowest rank, wall), busiest rank ${P2B} % of probes"
echo "weak peer (72,000 hosts, 500 initial) -np 1: ${H1W} s wall, ${H1N} probes, ${H1P} s compute CPU"
echo "cost per probe: single process $(calc "$SPC / $P1N * 1e9") ns CPU (its probe count taken as -np 1's: the same distribution), --partition -np 1 $(calc "$P1C / $P1N * 1e9") ns, -np 2 $(calc "$P2C / $P2N * 1e9") ns (whole-process CPU, every rank)"
echo "(efficiencies below: run by run, the commands in turn, then the median)"
echo "strong efficiency 1->2 ranks: wall $(pairwise '($3 / $4) / (2 * $1 / $2)' "$T/p1.n" "$T/p1.w" "$T/p2.n" "$T/p2.w"), compute CPU $(pairwise '($3 / $4) / (2 * $1 / $2)' "$T/p1.n" "$T/p1.p" "$T/p2.n" "$T/p2.path")"
echo "weak efficiency 1->2 ranks:   wall $(pairwise '($3 / $4) / (2 * $1 / $2)' "$T/h1.n" "$T/h1.w" "$T/p2.n" "$T/p2.w"), compute CPU $(pairwise '($3 / $4) / (2 * $1 / $2)' "$T/h1.n" "$T/h1.p" "$T/p2.n" "$T/p2.path")"
echo "  of which balance (load-proof): compute CPU over ranks / (2 x critical path) = $(pairwise '$1 / (2 * $2)' "$T/p2.p" "$T/p2.path"); work per probe -np 2 / -np 1: $(pairwise '($3 / $4) / ($1 / $2)' "$T/p1.p" "$T/p1.n" "$T/p2.p" "$T/p2.n")"
echo "exchange: ${P2WN} windows, ${P2R} probes sent to the other rank, ${P2BY} bytes = ${P2PW} bytes per window ($(calc "$P2BY / $P2N") bytes per probe drawn)"

# Local preference against a uniform scanner over the same hosts and blocks.
# shellcheck disable=SC2086
once u2 2 "$WS" simulate --worm code-red $P --vulnerable 144000 --initial 1000 --partition --scan-rate 15
U2N=$(stat u2 probes) U2BY=$(stat u2 bytes) U2PW=$(stat u2 per_window)
echo "uniform scanner (code-red at 15/s), -np 2: ${U2N} probes, ${U2BY} bytes = ${U2PW} bytes per window ($(calc "$U2BY / $U2N") bytes per probe): Code Red II's local preference sends $(calc "($U2BY / $U2N) / ($P2BY / $P2N)") x fewer bytes per probe"
echo "load at end: $(cat /proc/loadavg)"
