#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The telescope sensor's benchmark (issue 14; docs/estimate.md):
#  1. rate: `scan --telescope` on a SYN-only darknet capture (what
#     `simulate --telescope --emit-pcap` writes: one SYN per probe into the
#     monitored /12 of a 19 July replay), as packets per CPU second, with
#     behavioural detection on (the default) and off, each paired through
#     farm-bench against tshark's per-source count of the same SYNs (the
#     peer: `-z endpoints,ip` under the same filter);
#  2. memory: peak RSS on three captures of the same outbreak thinned to
#     different shares (so with different numbers of packets and sources),
#     and on a capture of one source: the growth follows the distinct
#     sources, not the packets.
# Timings are printed, never asserted. Every capture here is SIMULATED.
#
#   bench/telescope.sh BUILD_DIR
#
# Environment: RUNS (farm-bench runs, default 5), TELE_SAMPLE (the largest
# --emit-sample share, default 0.23: about 2,000,000 packets).
set -eu
die() { echo "bench/telescope: $*" >&2; exit 1; }
. "$(dirname "$0")/lib.sh"
[ $# -eq 1 ] || die "usage: bench/telescope.sh BUILD_DIR"
B=$(cd "$1" && pwd)
WS=$B/wormscope
RUNS=${RUNS:-5}
SAMPLE=${TELE_SAMPLE:-0.23}
NET=44.0.0.0/12
[ -x "$WS" ] || die "$WS not built"
command -v farm-bench >/dev/null || die "farm-bench not found"
mkdir -p "$B/bench"
echo "bench: machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), load $(cut -d' ' -f1-3 /proc/loadavg)"

SIM="--scan-rate 6 --start 2001-07-19T10:00:00Z --duration 14 --seed 7 --telescope $NET --quiet"
cap() { # SHARE VULNERABLE -> path
	local f=$B/bench/tele-$1-$2.pcapng
	if [ ! -s "$f" ] || [ "$WS" -nt "$f" ]; then
		# shellcheck disable=SC2086
		"$WS" simulate $SIM --vulnerable "$2" --emit-pcap "$f.tmp" --emit-sample "$1" ||
			die "simulate --emit-pcap failed"
		mv "$f.tmp" "$f"
	fi
	echo "$f"
}
# "sources probes" from the telescope's JSON summary line
seen() {
	"$WS" scan -q -f jsonl --telescope "$NET" "$1" 2>/dev/null |
		python3 -c 'import json, sys
for l in sys.stdin:
    o = json.loads(l)
    if o.get("type") == "telescope":
        print(o["sources"], o["probes"])' || true
}

CAP=$(cap "$SAMPLE" 360000)
read -r SOURCES PROBES < <(seen "$CAP")
echo "bench: input: $CAP ($PROBES SYN packets from $SOURCES sources, $(wc -c <"$CAP") bytes, SIMULATED)"
cat "$CAP" >/dev/null

echo "== 1. rate: A = wormscope scan --telescope, B = tshark (per-source counts of the same SYNs)"
TSHARK="tshark -n -q -r $CAP -Y 'tcp.flags.syn==1 && tcp.flags.ack==0 && ip.dst==$NET && tcp.dstport==80' -z endpoints,ip"
if command -v tshark >/dev/null; then
	for b in "" --no-behaviour; do
		echo "-- scan --telescope ${b:-(behaviour on)}"
		out=$(bench_pair --timeout 1800 --vs "sh -c \"$TSHARK >/dev/null\"" -- \
			sh -c "$WS scan -q $b --telescope $NET $CAP; [ \$? -le 1 ]") || die "farm-bench failed"
		echo "$out"
		cpu=$(echo "$out" | awk '$1 == "A" && $2 == "cpu" { print $5 }')
		awk -v p="$PROBES" -v c="$cpu" 'BEGIN { if (c > 0) printf "packets per CPU second (median): %.2f M\n", p / c / 1e6 }'
	done
else
	echo "tshark not installed: the rate is measured without its peer"
	for b in "" --no-behaviour; do
		RUNS=$RUNS BENCH_BY=cpu BENCH_MAXRC=1 bench_best "$WS" scan -q $b --telescope "$NET" "$CAP"
		awk -v p="$PROBES" -v c="$CPU" -v b="${b:-behaviour on}" \
			'BEGIN { printf "%s: %.2f CPU s, %.2f M packets per CPU second (best of runs)\n", b, c, p / c / 1e6 }'
	done
fi

echo "== 2. memory against sources and packets (peak RSS, behaviour on)"
printf '%-10s %12s %12s %12s\n' share sources packets "peak MiB"
for spec in "1 1000" "0.05 360000" "0.115 360000" "$SAMPLE 360000"; do
	set -- $spec
	f=$(cap "$1" "$2")
	read -r s p < <(seen "$f")
	BENCH_MAXRC=1 bench_run "$WS" scan -q --telescope "$NET" "$f"
	awk -v sh="$1" -v s="$s" -v p="$p" -v r="$RSS" \
		'BEGIN { printf "%-10s %12d %12d %12.1f\n", sh, s, p, r / 1024 }'
done
