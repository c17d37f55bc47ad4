#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Guard speed against a named peer, measured in the same run on loopback:
#   1. wrk -> nginx directly                  (the peer: what nginx serves alone)
#   2. wrk -> nginx as a reverse proxy -> nginx (the second peer: a well-tuned proxy)
#   2. wrk -> wormscope guard -> nginx         (ratio to 1: target >= 0.80; p99 added < 1 ms;
#                                              ratio to the nginx proxy: target >= 1.0)
#   3. as 2, while wormflood sends worm requests at FLOOD_RATE/s to the guard
#                                             (ratio to 2: target > 0.70)
# nginx is our own instance (temporary config, loopback high port, current
# user), never the system one. Everything connects to 127.0.0.1 only.
#
#   bench/guard.sh [BUILD_DIR]      (default build; needs wormscope and bench/wormflood)
# Environment: SECS (10), CONNS (50), THREADS (1), FLOOD_RATE (10000), ROUNDS (1),
# GUARD_ARGS.
set -eu
. "$(dirname "$0")/lib.sh"
BUILD=${1:-build}
SECS=${SECS:-10}
CONNS=${CONNS:-50}
THREADS=${THREADS:-1}
FLOOD_RATE=${FLOOD_RATE:-10000}
ROUNDS=${ROUNDS:-1}
GUARD_ARGS=${GUARD_ARGS:-}
WS=$BUILD/wormscope
FLOOD=$BUILD/bench/wormflood
for x in "$WS" "$FLOOD"; do
	[ -x "$x" ] || { echo "guard.sh: $x missing (cmake --build $BUILD --target wormscope wormflood)" >&2; exit 2; }
done
command -v wrk >/dev/null && command -v nginx >/dev/null ||
	{ echo "guard.sh: needs wrk and nginx (make bench-deps)" >&2; exit 2; }

tmp=$(mktemp -d)
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	[ -f "$tmp/nginx.pid" ] && kill "$(cat "$tmp/nginx.pid")" 2>/dev/null || true
	[ -f "$tmp/p/nginx.pid" ] && kill "$(cat "$tmp/p/nginx.pid")" 2>/dev/null || true
	sleep 0.3
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
NPORT=$(free_port)
mkdir -p "$tmp/logs"
cat > "$tmp/nginx.conf" <<EOF
worker_processes 1;
pid $tmp/nginx.pid;
error_log $tmp/logs/error.log warn;
events { worker_connections 4096; }
http {
	access_log off;
	keepalive_requests 1000000;
	client_body_temp_path $tmp/body;
	proxy_temp_path $tmp/proxy;
	fastcgi_temp_path $tmp/fcgi;
	uwsgi_temp_path $tmp/uwsgi;
	scgi_temp_path $tmp/scgi;
	server {
		listen 127.0.0.1:$NPORT;
		location / { default_type text/plain; return 200 "it works: a small page\n"; }
	}
}
EOF
nginx -p "$tmp" -c "$tmp/nginx.conf"

# A second peer: nginx itself as a reverse proxy (one worker, keep-alive to the
# backend) in front of the same backend: what a well-tuned proxy costs here.
PPORT=$(free_port)
mkdir -p "$tmp/p/logs"
cat > "$tmp/p/nginx.conf" <<EOF
worker_processes 1;
pid $tmp/p/nginx.pid;
error_log $tmp/p/logs/error.log warn;
events { worker_connections 4096; }
http {
	access_log off;
	keepalive_requests 1000000;
	client_body_temp_path $tmp/p/body;
	proxy_temp_path $tmp/p/proxy;
	fastcgi_temp_path $tmp/p/fcgi;
	uwsgi_temp_path $tmp/p/uwsgi;
	scgi_temp_path $tmp/p/scgi;
	upstream back { server 127.0.0.1:$NPORT; keepalive 64; }
	server {
		listen 127.0.0.1:$PPORT;
		location / { proxy_pass http://back; proxy_http_version 1.1; proxy_set_header Connection ""; }
	}
}
EOF
nginx -p "$tmp/p" -c "$tmp/p/nginx.conf"

# wrk's 50 connections all come from 127.0.0.1, so the per-source limits
# (a rate and 32 open connections by default) are off: they would refuse
# wrk, not measure the proxy. wormflood rotates its own sources.
"$WS" guard --listen 127.0.0.1:0 --upstream 127.0.0.1:$NPORT --source-rate 0 \
	--source-conns 0 --max-conns 20000 -o /dev/null $GUARD_ARGS 2>"$tmp/guard.err" &
pids="$pids $!"
GPORT=""
for _ in $(seq 100); do
	GPORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$tmp/guard.err" 2>/dev/null | head -1)
	[ -n "$GPORT" ] && break
	sleep 0.1
done
[ -n "$GPORT" ] || { cat "$tmp/guard.err" >&2; exit 2; }

GPID=$(echo $pids | awk '{print $NF}')
NGX_WORKER=""
for _ in $(seq 100); do
	[ -s "$tmp/nginx.pid" ] && NGX_WORKER=$(pgrep -P "$(cat "$tmp/nginx.pid")" | head -1)
	[ -n "$NGX_WORKER" ] && break
	sleep 0.1
done
[ -n "$NGX_WORKER" ] || { echo "guard.sh: no nginx worker" >&2; exit 2; }
PROXY_WORKER=""
for _ in $(seq 100); do
	[ -s "$tmp/p/nginx.pid" ] && PROXY_WORKER=$(pgrep -P "$(cat "$tmp/p/nginx.pid")" | head -1)
	[ -n "$PROXY_WORKER" ] && break
	sleep 0.1
done
[ -n "$PROXY_WORKER" ] || { echo "guard.sh: no nginx proxy worker" >&2; exit 2; }
HZ=$(getconf CLK_TCK)
# CPU ticks (user + system, all threads) a process has used so far.
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# wrk's "Requests/sec", its 99% latency in ms, and the CPU microseconds per
# request spent by nginx's worker, the guard, wrk and the nginx proxy's
# worker during the run: a figure that, unlike req/s, does not depend on
# what else the machine is doing.
# Runs a command (its stdout kept) and writes the CPU seconds it used to
# $tmp/child.cpu (bench/lib.sh).
timed() {
	BENCH_OUT=/dev/stdout bench_run "$@"
	echo "$CPU" >"$tmp/child.cpu"
}

run_wrk() {
	n0=$(cpu "$NGX_WORKER"); g0=$(cpu "$GPID"); x0=$(cpu "$PROXY_WORKER")
	timed wrk -t"$THREADS" -c"$CONNS" -d"${SECS}s" --latency "http://127.0.0.1:$1/" > "$tmp/wrk.out"
	n1=$(cpu "$NGX_WORKER"); g1=$(cpu "$GPID"); x1=$(cpu "$PROXY_WORKER")
	w0=0; w1=$(cat "$tmp/child.cpu")
	reqs=$(awk '/requests in/ {print $1}' "$tmp/wrk.out")
	ncpu=$(awk -v a="$n0" -v b="$n1" -v r="$reqs" -v hz="$HZ" 'BEGIN {printf "%.1f", (b - a) / hz * 1e6 / r}')
	gcpu=$(awk -v a="$g0" -v b="$g1" -v r="$reqs" -v hz="$HZ" 'BEGIN {printf "%.1f", (b - a) / hz * 1e6 / r}')
	wcpu=$(awk -v a="$w0" -v b="$w1" -v r="$reqs" 'BEGIN {printf "%.1f", (b - a) * 1e6 / r}')
	xcpu=$(awk -v a="$x0" -v b="$x1" -v r="$reqs" -v hz="$HZ" 'BEGIN {printf "%.1f", (b - a) / hz * 1e6 / r}')
	rps=$(awk '/Requests\/sec/ {print $2}' "$tmp/wrk.out")
	p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub("us","",v); v/=1000} else if (v ~ /ms$/) sub("ms","",v); else if (v ~ /s$/) {sub("s","",v); v*=1000}; print v}' "$tmp/wrk.out")
	errs=$(awk '/Non-2xx|Socket errors/ {print}' "$tmp/wrk.out")
	[ -z "$errs" ] || echo "  wrk: $errs" >&2
	echo "$rps $p99 $ncpu $gcpu $wcpu $xcpu"
}

echo "guard.sh: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), wrk -t$THREADS -c$CONNS -d${SECS}s, nginx $(nginx -v 2>&1 | sed 's/.*\///'), flood $FLOOD_RATE/s"
one_direct() {
	set -- $(run_wrk "$NPORT"); n_rps=$1; n_p99=$2; n_all=$(awk -v a="$3" -v w="$5" 'BEGIN {print a + w}')
	echo "nginx direct:            $n_rps req/s, p99 $n_p99 ms; CPU/request: wrk $5 us, nginx $3 us"
}
one_proxy() {
	set -- $(run_wrk "$PPORT"); p_rps=$1; p_p99=$2; p_cpu=$6
	echo "through nginx as proxy:  $p_rps req/s, p99 $p_p99 ms (peer); CPU/request: wrk $5 us, nginx $3 us, nginx proxy $6 us"
}
one_guard() {
	set -- $(run_wrk "$GPORT"); g_rps=$1; g_p99=$2; g_cpu=$4; g_all=$(awk -v a="$3" -v b="$4" -v w="$5" 'BEGIN {print a + b + w}')
	echo "through the guard:       $g_rps req/s, p99 $g_p99 ms; CPU/request: wrk $5 us, nginx $3 us, guard $4 us"
	"$FLOOD" "$GPORT" "$FLOOD_RATE" "$((SECS + 1))" > "$tmp/flood.out" &
	fpid=$!
	sleep 0.5
	set -- $(run_wrk "$GPORT"); f_rps=$1; f_p99=$2
	wait "$fpid" || true
	echo "guard + worm flood:      $f_rps req/s, p99 $f_p99 ms; CPU per ordinary request: guard $4 us (worm work included)"
	sed 's/^/  /' "$tmp/flood.out"
}
# ROUNDS rounds, the order reversed every other round (direct, proxy, guard;
# then guard, proxy, direct) so that a drift in the machine's load moves
# the peers and the guard alike; each round's ratios are its own pairs, and
# the last lines give the median over the rounds.
: > "$tmp/ratios"
r=1
while [ "$r" -le "$ROUNDS" ]; do
	[ "$ROUNDS" -eq 1 ] || echo "-- round $r of $ROUNDS"
	if [ $((r % 2)) -eq 1 ]; then one_direct; one_proxy; one_guard
	else one_guard; one_proxy; one_direct; fi
	awk -v n="$n_rps" -v g="$g_rps" -v f="$f_rps" -v np="$n_p99" -v gp="$g_p99" -v na="$n_all" -v ga="$g_all" -v p="$p_rps" -v pp="$p_p99" -v pc="$p_cpu" -v gc="$g_cpu" 'BEGIN {
		printf "%f %f %f %f %f %f %f %f %f\n", g / n, p / n, g / p, gp - np, f / g, na / ga, gc, pc, pp - np
	}' >> "$tmp/ratios"
	r=$((r + 1))
done
awk -v rounds="$ROUNDS" '
	{ for (i = 1; i <= 9; i++) v[i, NR] = $i }
	function med(i,   n, k, j, t, a) {
		for (k = 1; k <= NR; k++) a[k] = v[i, k]
		for (k = 2; k <= NR; k++) for (j = k; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
		return NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
	}
	END {
		m = rounds > 1 ? sprintf(" (median of %d rounds)", rounds) : ""
		printf "ratio guard/nginx:       %.2f (target >= 0.80)%s\n", med(1), m
		printf "ratio nginx-proxy/nginx: %.2f (the peer proxy on the same box; p99 added by it %.3f ms)\n", med(2), med(9)
		printf "ratio guard/nginx-proxy: %.2f (target >= 1.0); proxy CPU per request: guard %.1f us, nginx proxy %.1f us\n", med(3), med(7), med(8)
		printf "p99 added by the guard:  %.3f ms (target < 1 ms)\n", med(4)
		printf "ratio flood/no flood:    %.2f (target > 0.70)\n", med(5)
		printf "CPU per request, all processes: when CPU-bound, the guard path can reach %.2f of direct\n", med(6)
	}' "$tmp/ratios"
kill -TERM $pids 2>/dev/null || true
sleep 0.5
grep -h "requests:" "$tmp/guard.err" | sed 's/^/  guard: /' || true
