#!/bin/sh
# SPDX-License-Identifier: MIT
# simulate --observed, closed loop: the CAIDA-layout host table a run writes
# (--telescope-hosts) read back as the observation of the same run must sit
# on the model's telescope curve (gap about 0 % of N, no 50 % offset), and a run with another seed
# must not; the CSV carries the observed column and the chart its points.
#
# usage: test_sim_observed_roundtrip.sh WORMSCOPE
set -u
ws=$1
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

opts="--vulnerable 20000 --scan-rate 200 --duration 6 --interval 300 --initial 5
      --telescope 44.0.0.0/8 --start 2001-07-19T10:00:00Z"
# shellcheck disable=SC2086
"$ws" simulate $opts --quiet --telescope-hosts "$t/h.tsv" || fail "hosts run exited $?"
# shellcheck disable=SC2086
"$ws" simulate $opts --observed "$t/h.tsv" --out-csv "$t/o.csv" --plot "$t/o.svg" > "$t/out" ||
	fail "observed run exited $?"
grep -q 'CAIDA host table, cumulative' "$t/out" || fail "layout not named: $(cat "$t/out")"
# (a host seen exactly at an interval's end may fall on the other side: a few hosts)
grep -q '^largest gap 0.0[0-5] % of N' "$t/out" || fail "same run, gap not ~0: $(cat "$t/out")"
grep -q 'model 0.00 h' "$t/out" || fail "same run, 50 % offset not 0: $(cat "$t/out")"
head -4 "$t/o.csv" | grep -q ',observed_sources$' || fail "CSV lacks observed_sources"
grep -q 'observed (measured, not simulated): h.tsv' "$t/o.svg" || fail "chart lacks the legend"
[ "$(grep -c '<circle' "$t/o.svg")" -gt 10 ] || fail "chart lacks the observed points"
# shellcheck disable=SC2086
"$ws" simulate $opts --seed 2 --observed "$t/h.tsv" > "$t/out2" || fail "seed 2 exited $?"
grep -q '^largest gap 0.0[0-9] %' "$t/out2" && fail "another seed gave no gap: $(cat "$t/out2")"
echo "ok"
