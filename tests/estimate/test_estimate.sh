#!/bin/sh
# SPDX-License-Identifier: MIT
# wormscope estimate --counts (issue 14): a noiseless logistic seen by a /16
# gives back its K, N and midpoint, also from the data before its midpoint;
# a flat background gives no alarm and no fit; what cannot be estimated is
# refused with exit 2; Goldsmith's hourly counts of 1 August 2001 (read from
# the shared observations at test time) give K between 0.5 and 0.6 per hour.
# usage: test_estimate.sh WORMSCOPE [OBSERVATIONS_DIR]
set -u
ws=$1
obs=${2:-}
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
failed=0
fail() { echo "FAIL: $*"; failed=1; }
num() { python3 -c "import json,sys; v=json.load(open(sys.argv[1]))[sys.argv[2]]; print(v)" "$1" "$2"; }
within() { python3 -c "import sys; v,lo,hi=map(float,sys.argv[1:]); sys.exit(not lo<=v<=hi)" "$@"; }

# K = 1.8/h, N = 360,000, midpoint 10:00 UTC, seen by 65,536 addresses,
# each host hitting the monitor at lam = K T / N an hour: per hour [a, b),
# distinct sources lam * integral of I(t) e^{-lam (b - t)} (a host infected
# at t is seen with 1 - e^{-lam (b - t)}) and probes lam * integral of I.
python3 - "$d" <<'P'
import math, random, sys
d = sys.argv[1]
K, N, T, tm = 1.8, 360000, 65536, 10.0
x = K * T / N
with open(d + "/rcs.csv", "w") as f:
    f.write("time_utc,distinct_sources,probes\n")
    I = lambda t: N / (1 + math.exp(-K * (t - tm)))
    steps = 2000
    for j in range(20):
        ts = [j + (i + 0.5) / steps for i in range(steps)]
        seen = x * sum(I(t) * math.exp(-x * (j + 1 - t)) for t in ts) / steps
        probes = x * sum(I(t) for t in ts) / steps
        f.write("2001-07-19T%02d:00:00Z,%d,%d\n" % (j + 1, round(seen), round(probes)))
random.seed(7)
with open(d + "/flat.csv", "w") as f:
    f.write("time_utc,distinct_sources,probes\n")
    for j in range(24):
        f.write("2001-07-20T%02d:00:00Z,%d,%d\n" % (j, 50 + random.randint(-7, 7), 200 + random.randint(-20, 20)))
with open(d + "/short.csv", "w") as f:
    f.write("time_utc,distinct_sources\n2001-07-19T01:00:00Z,3\n2001-07-19T02:00:00Z,5\n2001-07-19T03:00:00Z,9\n")
P

"$ws" estimate --counts "$d/rcs.csv" --monitored 65536 -f json >"$d/all.json" || fail "rcs: exit $?"
within "$(num "$d/all.json" K_per_hour)" 1.75 1.85 || fail "rcs: K $(num "$d/all.json" K_per_hour), want 1.8"
within "$(num "$d/all.json" N)" 342000 378000 || fail "rcs: N $(num "$d/all.json" N), want 360000"
case $(num "$d/all.json" t_mid) in 2001-07-19T09:59:*|2001-07-19T10:00:*) ;; *) fail "rcs: t_mid $(num "$d/all.json" t_mid), want 10:00 UTC (within a minute)" ;; esac
[ "$(num "$d/all.json" fit_ok)" = True ] || fail "rcs: fit_ok false: $(cat "$d/all.json")"
[ "$(num "$d/all.json" alarm_time)" != None ] || fail "rcs: no alarm"
for k in alarm_time K_per_hour K_ci95 N N_ci95 t_mid t_50pct t_90pct monitored_addresses intervals_used fit_ok; do
	grep -q "\"$k\":" "$d/all.json" || fail "json: no key $k"
done
# Forecast mode: only the intervals up to 09:00 (before the midpoint).
"$ws" estimate --counts "$d/rcs.csv" --monitored 10.1.0.0/16 --until 2001-07-19T09:00:00Z -f json >"$d/early.json" ||
	fail "rcs --until: exit $?"
within "$(num "$d/early.json" N)" 270000 450000 || fail "rcs --until: N $(num "$d/early.json" N) not within 25 %"
"$ws" estimate --counts "$d/rcs.csv" --monitored 65536 -f csv >"$d/rcs.out" || fail "csv: exit $?"
head -1 "$d/rcs.out" | grep -q '^time_utc,observed,fitted,infected_fit' || fail "csv header: $(head -1 "$d/rcs.out")"
"$ws" estimate --counts "$d/rcs.csv" --monitored 65536 >"$d/rcs.txt" || fail "text: exit $?"
head -1 "$d/rcs.txt" | grep -q '^worm-like growth since 2001-07-19T.*K ≈ 1.8/h' || fail "text verdict: $(head -1 "$d/rcs.txt")"

# Background only: no alarm, no fit claimed.
"$ws" estimate --counts "$d/flat.csv" --monitored 65536 -f json >"$d/flat.json" || fail "flat: exit $?"
[ "$(num "$d/flat.json" alarm_time)" = None ] || fail "flat: an alarm on background"
[ "$(num "$d/flat.json" fit_ok)" = False ] || fail "flat: a fit claimed on background"

# Refusals: exit 2 and a one-line reason.
"$ws" estimate --counts "$d/short.csv" --monitored 65536 >"$d/o" 2>"$d/e"; rc=$?
[ $rc = 2 ] && grep -q 'too few intervals' "$d/e" || fail "3 rows: exit $rc, $(cat "$d/e")"
# No monitored size: K only, N and the times withheld (null), never guessed.
"$ws" estimate --counts "$d/rcs.csv" -f json >"$d/nosize.json" || fail "no --monitored: exit $?"
within "$(num "$d/nosize.json" K_per_hour)" 1.75 1.85 || fail "no --monitored: K $(num "$d/nosize.json" K_per_hour)"
[ "$(num "$d/nosize.json" N)" = None ] && [ "$(num "$d/nosize.json" t_50pct)" = None ] ||
	fail "no --monitored: N or a time printed: $(cat "$d/nosize.json")"
"$ws" estimate --counts "$d/nonexistent.csv" --monitored 1 >"$d/o" 2>"$d/e"; rc=$?
[ $rc = 2 ] && grep -q 'nonexistent.csv' "$d/e" || fail "missing file: exit $rc, $(cat "$d/e")"
printf 'time_utc,distinct_sources\n2001-07-19T01:00:00Z,x\n' >"$d/bad.csv"
"$ws" estimate --counts "$d/bad.csv" --monitored 1 >"$d/o" 2>"$d/e"; rc=$?
[ $rc = 2 ] && grep -q 'bad.csv:2' "$d/e" || fail "bad row: exit $rc, $(cat "$d/e")"

g="$obs/goldsmith-2001-08-01-hourly.csv"
if [ -n "$obs" ] && [ -f "$g" ]; then
	"$ws" estimate --counts "$g" --monitored 65536 -f json >"$d/g.json" || fail "goldsmith: exit $?"
	within "$(num "$d/g.json" K_per_hour)" 0.5 0.6 || fail "goldsmith: K $(num "$d/g.json" K_per_hour), want 0.5-0.6"
else
	echo "skipped the Goldsmith check: $g absent (tests/real/README.md says where the data live)"
fi
[ $failed = 0 ] && echo "ok estimate"
exit $failed
