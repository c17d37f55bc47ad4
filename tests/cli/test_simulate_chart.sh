#!/bin/sh
# SPDX-License-Identifier: MIT
# simulate on a terminal (issue 12): without --plot it ends with a text chart
# of the infected curve and the telescope's sources (--text-chart asks for it
# anywhere), and a run over a second shows its progress on stderr, erased
# before the summary; a per-probe run shows it within the run, after each
# output interval. Progress is tested under script(1)'s pseudo-terminal,
# with WS_PROGRESS_AFTER=0 so that it does not depend on the machine's speed.
#
# usage: test_simulate_chart.sh WORMSCOPE
set -u
ws=$1
tag=simchart
. "$(dirname "$0")/common.sh"

small="--vulnerable 20000 --scan-rate 400 --duration 10 --telescope 44.0.0.0/8"
run plain 0 simulate $small
grep -q '^ *[0-9]* % |' plain.out && fail "a chart on stdout that is not a terminal, unasked"
run chart 0 simulate $small --text-chart
[ "$(grep -c '|' chart.out)" = 12 ] || fail "chart: not 12 plot rows: $(cat chart.out)"
grep -q '^ 100 % |.*[#*]' chart.out || fail "chart: the curve does not reach the top row at saturation"
grep -q '^       +--*+--*+$' chart.out || fail "chart: no time axis"
grep -q '# infected (median of 1 run, share of 20000 vulnerable); + sources seen by 44.0.0.0/8' chart.out ||
	fail "chart: no key naming the curves"
[ "$(head -1 chart.out)" = "$(head -1 plain.out)" ] || fail "chart: the summary changed"
run nochart_quiet 2 simulate $small --quiet --text-chart

if command -v script >/dev/null 2>&1; then
	# stderr stays on the pseudo-terminal, so script(1) records it in typescript.
	WS_PROGRESS_AFTER=0 script -q -e -c "'$ws' simulate $small --runs 4 >run.out" typescript >/dev/null 2>&1 ||
		fail "simulate under script(1) failed: $(head -c 300 typescript)"
	grep -q 'run 1 of 4 done' typescript || fail "no progress on a terminal: $(head -c 300 typescript)"
	grep -q "$(printf '\r\033\\[K')" typescript || fail "progress line not erased"
	grep -q '^ 100 % |' run.out && fail "a chart where stdout is a file"
	# One per-probe run: progress within it, after each output interval.
	WS_PROGRESS_AFTER=0 script -q -e -c "'$ws' simulate --vulnerable 20000 --scan-rate 5 --duration 1 --mode per-probe >probe.out" typescript >/dev/null 2>&1 ||
		fail "simulate --mode per-probe under script(1) failed: $(head -c 300 typescript)"
	grep -q 'run 1 of 1, [0-9]* % of it simulated' typescript ||
		fail "no progress within a single per-probe run: $(head -c 300 typescript)"
fi
exit $failed
