#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Behavioural detection's benchmark (issue 17; docs/behaviour.md):
#  1. cost: capture read rate with behaviour on (the default) against
#     --no-behaviour on the same bench/genpcap capture, paired runs through
#     farm-bench (the ratio is taken pair by pair), and peak memory of each;
#  2. memory under a flood of distinct sources and payloads: a genworm capture
#     with 20,000 clients each with its own page against one with 2,000
#     (peak RSS should not grow with the sources);
#  3. detection delays over genworm seeds 1..SEEDS: per seed the scanners'
#     median and largest first contacts at flagging, and the distinct worm
#     sources and destinations (from the truth file) when the content alert
#     was raised.
# Timings are printed, never asserted.
#
#   bench/behav.sh BUILD_DIR
#
# Environment: BENCH_CONNS (genpcap connections, default 100000), SEEDS
# (default 10), RUNS (farm-bench runs, default 5).
set -eu
die() { echo "bench: $*" >&2; exit 1; }
. "$(dirname "$0")/lib.sh"
[ $# -eq 1 ] || die "usage: bench/behav.sh BUILD_DIR"
B=$1
WS=$B/wormscope
CONNS=${BENCH_CONNS:-100000}
SEEDS=${SEEDS:-10}
RUNS=${RUNS:-5}
for t in genpcap genworm; do
	[ -x "$B/bench/$t" ] || cmake --build "$B" --target "$t" >/dev/null || die "cannot build $t"
done
[ -x "$WS" ] || die "$WS not built"
command -v farm-bench >/dev/null || die "farm-bench not found"
mkdir -p "$B/bench"
CAP=$B/bench/http-$CONNS-1.pcap
[ -s "$CAP" ] || "$B/bench/genpcap" "$CONNS" 1 >"$CAP" 2>"$CAP.truth" || die "genpcap failed"
PACKETS=$(awk '$1 == "packets" { print $2 }' "$CAP.truth" 2>/dev/null || echo "?")
echo "bench: machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
echo "bench: input: $CAP ($PACKETS packets, $(wc -c <"$CAP") bytes)"
cat "$CAP" >/dev/null

echo
echo "== 1. capture rate: behaviour on (A) vs --no-behaviour (B), paired"
bench_pair --timeout 600 --vs "$WS scan -j 1 --summary none --no-behaviour $CAP" \
	-- "$WS" scan -j 1 --summary none "$CAP"
echo "(the issue asks A/B wall <= 2: at least 0.5x today's packet rate with behaviour on)"

echo
echo "== 2. memory under a flood of distinct sources (peak RSS, behaviour on), and busy"
echo "   clients (NAT, proxies: 10 x 400 connections, then 200 x 2000, 5 % failing)"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
"$B/bench/genworm" --clients 2000 --no-worm >"$T/small.pcapng" 2>/dev/null
"$B/bench/genworm" --clients 60000 --busy 200 --busy-conns 2000 --no-worm >"$T/flood.pcapng" 2>/dev/null
for f in small flood; do
	BENCH_OUT=$T/f.jsonl BENCH_MAXRC=255 bench_run "$WS" scan -j 1 -q -f jsonl "$T/$f.pcapng"
	echo "  $f: $(wc -c <"$T/$f.pcapng") bytes, peak RSS $((RSS / 1024)) MB;" \
		"benign sources flagged: $(grep -c '"worm":"scanner"' "$T/f.jsonl" || true)" \
		"$(grep -o '"worm":"scanner","src":"[^"]*"' "$T/f.jsonl" | cut -d'"' -f8 | tr '\n' ' ')"
	rm -f "$T/$f.pcapng"
done

echo
echo "== 3. detection delays, genworm seeds 1..$SEEDS"
for s in $(seq 1 "$SEEDS"); do
	"$B/bench/genworm" --seed "$s" --truth "$T/truth" >"$T/w.pcapng" 2>/dev/null
	"$WS" scan -j 1 -q -f jsonl "$T/w.pcapng" >"$T/w.jsonl" || true
	python3 - "$s" "$T/w.jsonl" "$T/truth" <<'PY'
import json, statistics, sys
seed, out, truth = sys.argv[1:]
recs = [json.loads(l) for l in open(out)]
req, inf, busy, benign = [], set(), set(), set()
for l in open(truth):
    w = l.split()
    if w[0] == "request": req.append((int(w[1]), w[2], w[3]))
    elif w[0] == "infected": inf.add(w[2])
    elif w[0] == "busy": busy.add(w[1])
    elif w[0] == "benign": benign.add(w[1])
sc = [r for r in recs if r["worm"] == "scanner"]
d = [r["first_contacts"] for r in sc if r["src"] in inf]
fp = sorted(r["src"] for r in sc if r["src"] not in inf)
new = [r for r in recs if r["worm"] == "new-worm"]
msg = "no content alert"
if new:
    at = new[0]["ts_us"]
    msg = "content at %d sources, %d destinations" % (
        len({s for t, s, _ in req if t < at}), len({x for t, _, x in req if t < at}))
print("  seed %s: %d/%d infected flagged, first contacts median %s max %s; %s; benign flagged %d of %d %s"
      % (seed, len(d), len(inf), statistics.median(d) if d else "-", max(d) if d else "-", msg,
         len(fp), len(busy) + len(benign), fp))
PY
done
