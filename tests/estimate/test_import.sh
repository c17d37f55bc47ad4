#!/bin/sh
# SPDX-License-Identifier: MIT
# wormscope import and estimate --db (issue 14): a counts table imported
# into a store is estimated exactly as the file itself; an unchanged file is
# not imported twice and a grown one adds only its new rows; a CAIDA-layout
# host table becomes sources and per-interval counts from which the outbreak
# is recovered; a store with several views asks which; simulated tables stay
# marked; --plot writes an SVG that escapes what it was given; bad input is
# refused with exit 2 naming the file and line.
# usage: test_import.sh WORMSCOPE
set -u
ws=$1
case $ws in /*) ;; *) ws=$(pwd)/$ws ;; esac
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
failed=0
fail() { echo "FAIL: $*"; failed=1; }
num() { python3 -c "import json,sys; v=json.load(open(sys.argv[1]))[sys.argv[2]]; print(v)" "$1" "$2" 2>/dev/null; }
within() { python3 -c "import sys; v,lo,hi=map(float,sys.argv[1:]); sys.exit(not lo<=v<=hi)" "$@" 2>/dev/null; }
cd "$d" || exit 2

# A logistic (K = 1.8/h, N = 360,000, midpoint 10:00) seen by a /16, its
# hours as counts; and 40,000 hosts (K = 1.5/h, midpoint 12:00) as a /8
# telescope saw them, in CAIDA's layout (address left out; in sim.tsv the
# same hosts with a synthetic ninth field and the simulated mark).
python3 - <<'P'
import math, random
K, N, T, tm = 1.8, 360000, 65536, 10.0
x = K * T / N
I = lambda t: N / (1 + math.exp(-K * (t - tm)))
with open("rcs.csv", "w") as f, open("head.csv", "w") as h:
    for out in (f, h):
        out.write("time_utc,distinct_sources,probes\n")
    for j in range(20):
        ts = [j + (i + 0.5) / 500 for i in range(500)]
        seen = x * sum(I(t) * math.exp(-x * (j + 1 - t)) for t in ts) / 500
        probes = x * sum(I(t) for t in ts) / 500
        row = "2001-07-19T%02d:00:00Z,%d,%d\n" % (j + 1, round(seen), round(probes))
        f.write(row)
        if j < 14:
            h.write(row)
random.seed(3)
start, n, K2, tm2 = 995500800, 40000, 1.5, 12.0  # 2001-07-19T00:00:00Z
rate = K2 * 2**32 / n / 3600 * 2**24 / 2**32      # hits a second on the /8
with open("caida.tsv", "w") as c, open("sim.tsv", "w") as s:
    s.write("#wormscope-simulated test table\n")
    c.write("# start_time\tend_time\ttld\tcountry\tlat\tlong\tasn\tas_name\n")
    for i in range(n):
        u = random.random()
        t_inf = tm2 * 3600 + math.log(u / (1 - u)) / K2 * 3600
        first = start + t_inf + random.expovariate(rate)
        if first < start or first > start + 86400:
            continue
        last = min(first + random.uniform(0, 12 * 3600), start + 86399)
        line = "%.3f\t%.3f\tnet\tUS\t-\t-\t-\t-" % (first, last)
        c.write(line + "\n")
        s.write(line + "\t10.%d.%d.%d\n" % (i >> 16 & 255, i >> 8 & 255, i & 255))
P

# ---- counts: the store gives what the file gives --------------------------
"$ws" import --db s.db --counts rcs.csv >o 2>e; rc=$?
[ $rc = 2 ] && grep -q -- '--monitored' e || fail "--counts without --monitored: exit $rc $(cat e)"
"$ws" import --db s.db --counts rcs.csv --monitored 65536 >o 2>e || fail "import: $(cat e)"
grep -q 'imported 20 intervals into view' o || fail "import said: $(cat o)"
"$ws" estimate --counts rcs.csv --monitored 65536 -f json >file.json
"$ws" estimate --db s.db -f json >db.json || fail "estimate --db: $(cat db.json)"
for k in K_per_hour N t_mid K_ci95 N_ci95 fit_ok intervals_used; do
	[ "$(num file.json $k)" = "$(num db.json $k)" ] ||
		fail "$k: file $(num file.json $k), store $(num db.json $k)"
done
[ "$(num db.json view_kind)" = counts ] || fail "view_kind $(num db.json view_kind)"
"$ws" import --db s.db --counts rcs.csv --monitored 65536 >o || fail "re-import exit $?"
grep -q 'already imported, nothing new' o || fail "re-import: $(cat o)"
[ "$(sqlite3 s.db 'SELECT count(*) FROM tele_counts')" = 20 ] || fail "re-import doubled counts"

# a table that grew adds its new rows only
cp head.csv grow.csv
"$ws" import --db g.db --counts grow.csv --monitored 65536 --label site >o || fail "grow 1"
tail -n 6 rcs.csv >>grow.csv
"$ws" import --db g.db --counts grow.csv --monitored 65536 --label site >o || fail "grow 2"
grep -q 'imported 6 intervals' o || fail "grown file: $(cat o)"
"$ws" estimate --db g.db -f json >grow.json
[ "$(num grow.json N)" = "$(num file.json N)" ] || fail "grown: N $(num grow.json N) != $(num file.json N)"

# ---- a CAIDA host table ------------------------------------------------------
"$ws" import --db s.db --caida caida.tsv >o 2>e || fail "import --caida: $(cat e)"
hosts=$(grep -vc '^#' caida.tsv)
[ "$(sqlite3 s.db "SELECT count(*) FROM tele_sources s JOIN tele_views v ON v.id = s.view WHERE v.kind = 'caida'")" = "$hosts" ] ||
	fail "caida: not one source per line ($hosts)"
"$ws" estimate --db s.db >o 2>e; rc=$?
[ $rc = 2 ] && grep -q 'choose one with --view' e && grep -q 'view 2: caida' e ||
	fail "two views, no --view: exit $rc $(cat e)"
"$ws" estimate --db s.db --view 99 >o 2>e; rc=$?
[ $rc = 2 ] && grep -q 'no view 99' e || fail "--view 99: exit $rc $(cat e)"
"$ws" estimate --db s.db --view 2 -f json >caida.json 2>e || fail "estimate caida: $(cat e)"
within "$(num caida.json K_per_hour)" 1.3 1.7 || fail "caida: K $(num caida.json K_per_hour), want 1.5"
within "$(num caida.json monitored_addresses)" 16777216 16777216 || fail "caida: default size not the /8"
[ "$(num caida.json simulated)" = False ] || fail "caida table marked simulated"

# a simulated table stays marked, and so does what is estimated from it
"$ws" import --db sim.db --caida sim.tsv --label '<b>sim</b>' >o || fail "import sim.tsv"
[ "$(sqlite3 sim.db "SELECT simulated FROM tele_views")" = 1 ] || fail "simulated table not marked"
"$ws" estimate --db sim.db --plot p.svg >o || fail "estimate sim: $(cat o)"
head -1 o | grep -q '^SIMULATED DATA' || fail "estimate text not marked simulated: $(head -1 o)"
grep -q '<title>SIMULATED DATA: ' p.svg || fail "plot not marked simulated"
grep -q '&lt;b&gt;sim&lt;/b&gt;' p.svg && ! grep -q '<b>sim' p.svg || fail "plot: label not escaped"
python3 -c "import xml.dom.minidom,sys; xml.dom.minidom.parse('p.svg')" || fail "plot: not well-formed XML"

# ---- refusals ----------------------------------------------------------------
printf '1.5\t2\tnet\tUS\t-\t-\t-\t-\nlater\t3\tnet\tUS\t-\t-\t-\t-\n' >bad.tsv
"$ws" import --db x.db --caida bad.tsv >o 2>e; rc=$?
[ $rc = 2 ] && grep -q 'bad.tsv:2' e || fail "bad table: exit $rc $(cat e)"
printf 'time_utc,distinct_sources\n2001-07-19T01:00:00Z,3\n2001-07-19T01:10:00Z,5\n' >ten.csv
"$ws" import --db x.db --counts ten.csv --monitored 1 >o 2>e; rc=$?
[ $rc = 2 ] && grep -q '600 s apart' e || fail "10-minute rows: exit $rc $(cat e)"
"$ws" import --db x.db --caida rcs.csv >o 2>e; rc=$?
[ $rc = 2 ] && grep -q 'use --counts' e || fail "counts as --caida: exit $rc $(cat e)"
"$ws" estimate --db empty.db >o 2>e; rc=$?
[ $rc = 2 ] || fail "estimate on a missing store: exit $rc"
"$ws" estimate --counts rcs.csv --view 1 >o 2>e; rc=$?
[ $rc = 2 ] && grep -q 'go with --db' e || fail "--view without --db: exit $rc $(cat e)"
[ $failed = 0 ] && echo "ok import"
