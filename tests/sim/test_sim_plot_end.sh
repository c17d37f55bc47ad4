#!/bin/sh
# SPDX-License-Identifier: MIT
# --plot: when --duration is not a whole number of intervals, the last row is
# the end of the run (as the CSV says), so every curve must end at the plot's
# right edge, not an interval past it (x = 980 on an 860-wide chart before).
#
# usage: test_sim_plot_end.sh WORMSCOPE
set -u
ws=$1
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$ws" simulate --quiet --duration 2.5 --interval 3600 --runs 3 --telescope 44.0.0.0/8 \
	--plot "$t/p.svg" --out-csv "$t/p.csv" || fail "simulate exited $?"
grep -q '^9000,' "$t/p.csv" || fail "the CSV's last row is not the run's end (9000 s)"
# The plot area's right edge: the x axis ends there ("M80 60 V420 H830").
edge=$(sed -n 's/.*<path d="M[0-9.]* [0-9.]* V[0-9.]* H\([0-9.]*\)".*/\1/p' "$t/p.svg" | head -n 1)
[ -n "$edge" ] || fail "no x axis in the plot"
n=0
for pts in $(grep -o 'points="[^"]*"' "$t/p.svg" | sed 's/points="//; s/"$//; s/ /\n/g'); do
	x=${pts%%,*}
	n=$((n + 1))
	awk -v x="$x" -v e="$edge" 'BEGIN { exit !(x <= e + 0.05) }' ||
		fail "a point at x = $x lies right of the plot's edge $edge"
done
[ "$n" -gt 0 ] || fail "no curve points in the plot"
# Each curve (polyline) ends at the run's end: the right edge.
grep -o '<polyline[^>]*points="[^"]*"' "$t/p.svg" | sed 's/.* \([0-9.]*\),[0-9.]*"$/\1/' |
	while read -r x; do
		awk -v x="$x" -v e="$edge" 'BEGIN { d = x - e; exit !(d < 0.05 && d > -0.05) }' ||
			fail "a curve ends at x = $x, not at the plot's edge $edge"
	done || exit 1
echo ok
