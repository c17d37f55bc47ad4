# SPDX-License-Identifier: MIT
# A rank that dies mid-sweep makes mpirun fail and leaves no output behind
# (rank 0 writes only once it holds every result).
. "$(dirname "$0")/common.sh"
cd "$T"
S="--vulnerable 20000 --duration 6 --runs 4 --sweep scan_rate=8,12,16
   --out-csv sweep.csv --summary-json sum.json --plot sweep.svg"
WORMSCOPE_TEST_KILL_RANK=1 mpi 2 "$W" simulate $S >out.txt 2>err.txt
rc=$?
[ "$rc" != 0 ] || fail "mpirun exited 0 although rank 1 died"
ls sweep.csv sweep.svg sum-*.json >/dev/null 2>&1 && fail "a partial result was written"
grep -qi "signal\|killed\|exited" err.txt || { cat err.txt; fail "no clear error on stderr"; }
grep -q "point" out.txt && fail "a summary was printed"
echo ok
