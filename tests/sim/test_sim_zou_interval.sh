#!/bin/sh
# SPDX-License-Identifier: MIT
# The Zou et al. comparison curve in --out-csv is one solution of one ODE: its
# value at a time must not depend on how often the CSV samples it. A fixed
# number of Runge-Kutta steps per output interval made it do so (Slammer at
# 1 h: 71,194 with --interval 3600 against 66,578 with --interval 60).
#
# usage: test_sim_zou_interval.sh WORMSCOPE
set -u
ws=$1
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# zou_infected at time_s = $2 from the CSV $1
zou_at() {
	awk -F, -v at="$2" '
		/^#/ { next }
		$1 == "time_s" { for (i = 1; i <= NF; i++) if ($i == "zou_infected") c = i; next }
		$1 == at { print $c; exit }' "$1"
}

check() { # worm, extra options, time, intervals...
	worm=$1 opts=$2 at=$3
	shift 3
	ref=
	for iv in "$@"; do
		# shellcheck disable=SC2086
		"$ws" simulate --worm "$worm" $opts --duration 2 --interval "$iv" --seed 1 --quiet \
			--out-csv "$t/$worm-$iv.csv" || fail "simulate $worm --interval $iv exited $?"
		v=$(zou_at "$t/$worm-$iv.csv" "$at")
		[ -n "$v" ] || fail "$worm --interval $iv: no zou_infected at $at s"
		if [ -z "$ref" ]; then
			ref=$v
		else
			awk -v a="$v" -v b="$ref" 'BEGIN { d = a - b; if (d < 0) d = -d;
				exit !(d <= 1e-3 * b) }' ||
				fail "$worm: zou_infected at $at s is $v with --interval $iv, $ref with --interval $1"
		fi
	done
}

check slammer "--vulnerable 75000" 3600 10 600 3600
check code-red "--vulnerable 360000 --scan-rate 5.97 --set calendar=none" 7200 60 1800 7200
echo ok
