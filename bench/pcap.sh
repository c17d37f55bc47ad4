#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Capture benchmark: wormscope against tshark on one large uncompressed
# synthetic capture of mostly benign HTTP with some Code Red requests
# (bench/genpcap.c: the packet-size mix is printed). Timings are printed,
# never asserted; the only failure is a wrong worm count or a tool error.
#
#   bench/pcap.sh BUILD_DIR
#
# Environment:
#   BENCH_CONNS   connections in the capture (default 100000: about 1.5 M
#                 packets, 950 MB)
#   BENCH_SEED    genpcap seed (default 1)
#   BENCH_RUNS    wormscope runs, the best is kept (default 3); tshark runs once
#
# Reports wall and CPU (user+sys) seconds, packets per second per core, the
# ratio to tshark measured in the same run, and wormscope's peak memory
# (max RSS) on the whole capture and on a quarter of it at two --max-flows
# settings: flat memory means the same figure for both sizes.
set -eu
die() { echo "bench: $*" >&2; exit 1; }
. "$(dirname "$0")/lib.sh"
[ $# -eq 1 ] || die "usage: bench/pcap.sh BUILD_DIR"
B=$1
WS=$B/wormscope
GEN=$B/bench/genpcap
CONNS=${BENCH_CONNS:-100000}
SEED=${BENCH_SEED:-1}
RUNS=${BENCH_RUNS:-3}
[ -x "$WS" ] || die "$WS not built"
if [ ! -x "$GEN" ]; then
	cmake --build "$B" --target genpcap >/dev/null || die "cannot build genpcap in $B"
fi
command -v tshark >/dev/null || die "tshark not installed"
[ -x /usr/bin/time ] || die "needs GNU time (/usr/bin/time)"
mkdir -p "$B/bench"

cap() { # cap CONNS -> path of the cached capture
	local f=$B/bench/http-$1-$SEED.pcap
	if [ ! -s "$f" ] || [ ! -s "$f.truth" ] || [ "$GEN" -nt "$f" ]; then
		echo "bench: generating $f ($1 connections)" >&2
		"$GEN" "$1" "$SEED" >"$f.tmp" 2>"$f.truth" || die "genpcap failed"
		mv "$f.tmp" "$f"
	fi
	echo "$f"
}
FULL=$(cap "$CONNS")
QUARTER=$(cap $((CONNS / 4)))
truth() { awk -v k="$1" '$1 == k { print $2 }' "$FULL.truth"; }
PACKETS=$(truth packets)
BYTES=$(wc -c <"$FULL")
CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
echo "bench: machine: $(nproc) CPUs, ${CPU:-unknown CPU}, $(uname -sr)"
echo "bench: input:   $FULL: $PACKETS packets, $BYTES bytes; $(truth requests) HTTP requests," \
	"$(truth code-red) Code Red I, $(truth code-red-ii) Code Red II"
echo "bench: packet sizes (frame bytes): $(awk '$1 == "size" { printf "%s %s  ", $2, $3 }' "$FULL.truth")"
cat "$FULL" >/dev/null

# run LABEL CMD...: one timed run (bench/lib.sh); sets WALL CPU RSS; stdout
# kept in $TMPOUT
TMPOUT=$(mktemp)
trap 'rm -f "$TMPOUT"' EXIT
run() {
	shift
	BENCH_OUT=$TMPOUT BENCH_MAXRC=1 bench_run "$@"
	WALL=$(printf '%.2f' "$WALL")
}

# ---- correctness: wormscope's counts match genpcap's, and tshark's .ida count
run ws "$WS" scan -j 1 -q -f csv "$FULL"
W1=$(awk -F, 'NR > 1 && $6 == "code-red"' "$TMPOUT" | wc -l)
W2=$(awk -F, 'NR > 1 && $6 == "code-red-ii"' "$TMPOUT" | wc -l)
[ "$W1" = "$(truth code-red)" ] && [ "$W2" = "$(truth code-red-ii)" ] ||
	die "wormscope found $W1 / $W2 Code Red I / II, genpcap wrote $(truth code-red) / $(truth code-red-ii)"

echo "bench: timing tshark -r FILE -Y 'http.request.uri contains \".ida\"' (one run)"
run tshark tshark -r "$FULL" -Y 'http.request.uri contains ".ida"'
T_N=$(wc -l <"$TMPOUT")
T_WALL=$WALL T_CPU=$CPU T_RSS=$RSS
[ "$T_N" -eq $((W1 + W2)) ] || die "tshark counted $T_N .ida requests, wormscope $((W1 + W2))"

echo "bench: timing wormscope scan -j 1 --summary none FILE (best of $RUNS)"
BENCH_BY=cpu BENCH_OUT=$TMPOUT BENCH_MAXRC=1 bench_best "$WS" scan -j 1 --summary none "$FULL"
BW=$(printf '%.2f' "$WALL") BC=$CPU WRSS=$RSS

printf '\n%-52s %8s %8s %10s %9s\n' "tool" "wall s" "cpu s" "Mpkt/s/cpu" "max RSS"
printf '%-52s %8s %8s %10s %7s MB\n' "tshark -Y 'http.request.uri contains \".ida\"'" "$T_WALL" "$T_CPU" \
	"$(awk -v p="$PACKETS" -v c="$T_CPU" 'BEGIN { printf "%.3f", p / c / 1e6 }')" $((T_RSS / 1024))
printf '%-52s %8s %8s %10s %7s MB\n' "wormscope scan -j 1 --summary none" "$BW" "$BC" \
	"$(awk -v p="$PACKETS" -v c="$BC" 'BEGIN { printf "%.2f", p / c / 1e6 }')" $((WRSS / 1024))
echo
echo "ratio (tshark / wormscope): wall $(awk -v a="$T_WALL" -v b="$BW" 'BEGIN { printf "%.1f", a / b }')x," \
	"cpu $(awk -v a="$T_CPU" -v b="$BC" 'BEGIN { printf "%.1f", a / b }')x"
echo "both found $T_N .ida requests ($W1 Code Red I, $W2 Code Red II)"

echo
echo "memory (max RSS) by capture size and --max-flows:"
for mf in 4096 65536; do
	run ws "$WS" scan -j 1 --summary none --max-flows "$mf" "$QUARTER"
	q=$RSS
	run ws "$WS" scan -j 1 --summary none --max-flows "$mf" "$FULL"
	printf '  --max-flows %-6s quarter capture %4s MB, whole capture %4s MB\n' "$mf" $((q / 1024)) $((RSS / 1024))
done
