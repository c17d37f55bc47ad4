# SPDX-License-Identifier: MIT
# A sweep (and a plain ensemble) under mpirun -np 2 writes the same bytes as
# -np 1 and as one process without mpirun (seeds from (seed, point, run)).
. "$(dirname "$0")/common.sh"
cd "$T"
S="--vulnerable 20000 --duration 6 --runs 3 --sweep scan_rate=8:16:4 --sweep initial=1,5
   --out-csv sweep.csv --summary-json sum.json --plot sweep.svg --sweep-figure final_infected"
"$W" simulate $S --quiet || fail "serial sweep"
mkdir np1 np2
(cd np1 && mpi 1 "$W" simulate $S --quiet) || fail "mpirun -np 1 sweep"
(cd np2 && mpi 2 "$W" simulate $S --quiet) || fail "mpirun -np 2 sweep"
n=$(ls sum-*.json | wc -l)
[ "$n" = 6 ] || fail "want 6 point summaries, got $n"
for f in sweep.csv sweep.svg sum-*.json; do
	cmp "$f" "np1/$f" || fail "$f differs between serial and -np 1"
	cmp "$f" "np2/$f" || fail "$f differs between serial and -np 2"
done
# a row per point and interval: 6 points x 360 intervals, plus the header
rows=$(grep -vc '^#' sweep.csv)
[ "$rows" = 2161 ] || fail "want 2161 CSV lines, got $rows"
# point 5 is scan_rate=16, initial=5, and equals that ensemble on its own
"$W" simulate --vulnerable 20000 --duration 6 --runs 3 --scan-rate 16 --initial 5 \
	--summary-json alone.json --quiet || fail "single point"
python3 - <<'PY' || fail "point 5 is not the ensemble of its own settings"
import json
a = json.load(open("alone.json")); b = json.load(open("sum-005.json"))
assert b.pop("sweep") == {"scan_rate": 16.0, "initial": 5.0}, "sweep values"
assert b.pop("sweep_point") == 5
assert a == b
PY
# the plain ensemble, spread over ranks
E="--vulnerable 20000 --duration 6 --runs 5 --scan-rate 12 --out-csv e.csv --summary-json e.json"
"$W" simulate $E --quiet || fail "serial ensemble"
(cd np2 && mpi 2 "$W" simulate $E --quiet) || fail "mpirun -np 2 ensemble"
cmp e.csv np2/e.csv || fail "ensemble CSV differs under -np 2"
cmp e.json np2/e.json || fail "ensemble JSON differs under -np 2"
echo ok
