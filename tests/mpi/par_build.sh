# SPDX-License-Identifier: MIT
# What simulate says about MPI in this build, and --sweep's own errors.
W=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
fail() {
	echo "FAIL: $*" >&2
	exit 1
}
if "$W" simulate --help | grep -q -- --partition; then :; else fail "--help lacks --partition"; fi
# A build without MPI started as two processes refuses (each would write the
# same files); an MPI build says nothing of the kind for --dump-config.
out=$(OMPI_COMM_WORLD_SIZE=2 "$W" simulate --dump-config 2>&1 >/dev/null)
rc=$?
# Started as two tasks (srun) while MPI sees one process (an MPI without the
# launcher's PMI: each task would be a rank 0 of 1 writing the same files):
# refused, in either build.
srun_out=$(SLURM_STEP_NUM_TASKS=2 "$W" simulate --vulnerable 100 --duration 0.1 --quiet \
	--out-csv srun.csv 2>&1 >/dev/null)
srun_rc=$?
[ $srun_rc != 0 ] || fail "2 tasks of a launcher ran as one process each"
[ -e srun.csv ] && fail "2 tasks of a launcher wrote output as one process"
echo "$srun_out" | grep -q "2 processes" || fail "no clear message for 2 tasks: $srun_out"
if "$W" simulate --partition --mode per-probe --vulnerable 100 --duration 0.01 --quiet \
	--out-csv p.csv 2>err.txt; then
	fail "--partition without infection_delay_s ran"
fi
if grep -q "needs an MPI build" err.txt; then
	# the serial build
	[ $rc != 0 ] || fail "serial build under a 2-process launcher ran"
	echo "$out" | grep -q "built without MPI" || fail "no clear message: $out"
	"$W" simulate --ranks 2 --dump-config 2>err2.txt && fail "--ranks ran in a serial build"
	grep -q "needs an MPI build" err2.txt || fail "--ranks: $(cat err2.txt)"
else
	grep -q "infection_delay_s > 0" err.txt || fail "--partition: $(cat err.txt)"
fi
# sweep errors name --sweep and the key
"$W" simulate --sweep scan_rate=5:1:1 --quiet --out-csv x.csv 2>e1.txt && fail "empty range ran"
grep -q -- "--sweep scan_rate=5:1:1" e1.txt || fail "range: $(cat e1.txt)"
"$W" simulate --sweep nosuchkey=1,2 --quiet --out-csv x.csv 2>e2.txt && fail "unknown key ran"
grep -q "nosuchkey" e2.txt || fail "key: $(cat e2.txt)"
"$W" simulate --sweep scan_rate=5,-1 --quiet --out-csv x.csv 2>e3.txt && fail "negative rate ran"
grep -q -- "--sweep" e3.txt || fail "value: $(cat e3.txt)"
"$W" simulate --sweep worm=code-red --quiet --out-csv x.csv 2>e4.txt && fail "worm swept"
"$W" simulate --sweep initial=1,2 --sweep-figure nope --quiet --out-csv x.csv 2>e5.txt &&
	fail "bad figure ran"
grep -q "t_50pct" e5.txt || fail "figure: $(cat e5.txt)"
[ -e x.csv ] && fail "an error wrote x.csv"
echo ok
