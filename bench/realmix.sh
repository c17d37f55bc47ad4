#!/bin/sh
# SPDX-License-Identifier: MIT
# scan -j 1 against LC_ALL=C grep -c -F on a log of real lines (issue 13):
# the elastic benign set with the honeypot's worm lines mixed in at about
# 3 % (every honeypot line grep names a worm keyword in, WebDAV overflows
# of 20-29 KB included), repeated to SIZE_MB. The lines are read from the
# shared real-log folder at run time into a temporary file, never copied
# into the repository. Each tool runs RUNS times, alternating, and the
# median CPU time (user + system) and wall time of each are printed with
# the load; the ratio is scan / grep.
#
#   bench/realmix.sh [BUILD_DIR]    (default build)
# Environment: REAL (default ../shared/data/real beside the checkout),
# SIZE_MB (400), RUNS (5).
set -eu
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
REAL=${REAL:-$ROOT/../shared/data/real}
SIZE_MB=${SIZE_MB:-400}
RUNS=${RUNS:-5}
WS=$BUILD/wormscope
[ -x "$WS" ] || { echo "realmix.sh: $WS missing (make build)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "realmix.sh: /usr/bin/time missing (Debian package time)" >&2; exit 2; }
BENIGN=$REAL/misc/elastic-apache_logs-2015-first5000.log
[ -r "$BENIGN" ] && [ -d "$REAL/hnet-honeypot-2005" ] ||
	{ echo "realmix.sh: the real logs are not in $REAL (set REAL)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

cat "$REAL"/hnet-honeypot-2005/access_log* |
	LC_ALL=C grep -a -i -E 'root\.exe|cmd\.exe|\.ida|nsiislog|sumthin|^[^"]*"SEARCH /' >"$tmp/worm"
# One benign line after another, a random worm line in 3 % of places.
LC_ALL=C awk -v want=$((SIZE_MB * 1048576)) -v wf="$tmp/worm" '
	BEGIN { srand(1); while ((getline l < wf) > 0) w[nw++] = l }
	{ b[nb++] = $0 }
	END {
		while (size < want) {
			l = rand() < 0.03 ? w[int(rand() * nw)] : b[i++ % nb]
			print l; size += length(l) + 1
		}
	}' "$BENIGN" >"$tmp/mix.log"

# one CMD...: appends "cpu_s wall_s" of one run to $tmp/t.
one() {
	/usr/bin/time -f "%U %S %e" -o "$tmp/one" "$@" >"$tmp/out" 2>/dev/null || true
	# the last line: time -o puts "exited with non-zero status" (a worm found) above it
	tail -n 1 "$tmp/one" | awk '{printf "%.3f %.3f\n", $1 + $2, $3}'
}
med() { sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
: >"$tmp/g"
: >"$tmp/s"
i=0
while [ "$i" -lt "$RUNS" ]; do
	LC_ALL=C one grep -c -F -e default.ida -e root.exe -e cmd.exe "$tmp/mix.log" >>"$tmp/g"
	one "$WS" scan -j 1 -q "$tmp/mix.log" >>"$tmp/s"
	i=$((i + 1))
done
gc=$(cut -d' ' -f1 "$tmp/g" | med); gw=$(cut -d' ' -f2 "$tmp/g" | med)
sc=$(cut -d' ' -f1 "$tmp/s" | med); sw=$(cut -d' ' -f2 "$tmp/s" | med)
lines=$(wc -l <"$tmp/mix.log")
echo "realmix.sh: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $SIZE_MB MB, $lines lines, median of $RUNS runs each (alternating)"
echo "LC_ALL=C grep -c -F (3 literals): ${gc} s CPU, ${gw} s wall"
echo "wormscope scan -j 1 -q:           ${sc} s CPU, ${sw} s wall"
awk -v a="$sc" -v b="$gc" -v c="$sw" -v d="$gw" 'BEGIN {
	printf "ratio scan/grep: %.2f CPU, %.2f wall (target <= 1.0)\n", a / b, c / d }'
