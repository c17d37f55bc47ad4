# SPDX-License-Identifier: MIT
# The benches' one timer: sourced by bench/*.sh (". "$(dirname "$0")/lib.sh"),
# so that every figure called "wall", "CPU" or "max RSS", and every "best of
# N", means the same thing in every bench.
#
#   bench_run CMD...   one run of CMD: WALL (seconds, from the date clock, not
#                      GNU time's 10 ms one: some runs take milliseconds),
#                      CPU (user + system seconds of CMD and its children),
#                      RSS (peak resident set, KB) and RC (exit status)
#   bench_best CMD...  the best of $RUNS runs: the fastest by wall, or by CPU
#                      with BENCH_BY=cpu (what counts on a loaded machine);
#                      WALL, CPU and RSS are that run's
#   bench_pair ...     farm-bench -n $RUNS: two commands run by turns, the
#                      ratio taken pair by pair (peers measured in the same run)
#
# Set around a call (VAR=... bench_best ...):
#   BENCH_OUT    where CMD's stdout goes (default /dev/null; GNU grep stops at
#                the first match when stdout is /dev/null, even with -c)
#   BENCH_MAXRC  the highest exit status that is not a failure (default 0;
#                scan exits 1 when it found worm traffic)
#   BENCH_PRE    a command run before each run, untimed (default :)
# A failure prints the end of CMD's stderr and calls the script's die.
# CPU and RSS are empty where GNU time (/usr/bin/time) is missing.

command -v die >/dev/null 2>&1 || die() {
	echo "bench: $*" >&2
	exit 1
}

bench_now() { date +%s.%N; }

bench_run() {
	local tf t0 t1 u s
	tf=$(mktemp "${TMPDIR:-/tmp}/wsbench-time.XXXXXX")
	RC=0
	if [ -x /usr/bin/time ]; then
		t0=$(bench_now)
		/usr/bin/time -f '%U %S %M' -o "$tf" "$@" >"${BENCH_OUT:-/dev/null}" 2>"$tf.err" || RC=$?
		t1=$(bench_now)
	else
		t0=$(bench_now)
		"$@" >"${BENCH_OUT:-/dev/null}" 2>"$tf.err" || RC=$?
		t1=$(bench_now)
	fi
	WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')
	CPU= RSS=
	if [ -s "$tf" ]; then
		# GNU time writes "Command exited with non-zero status N" first
		read -r u s RSS < <(tail -n 1 "$tf")
		CPU=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
	fi
	if [ "$RC" -gt "${BENCH_MAXRC:-0}" ]; then
		tail -c 2000 "$tf.err" >&2
		rm -f "$tf" "$tf.err"
		die "failed (exit $RC): $*"
	fi
	rm -f "$tf" "$tf.err"
}

bench_best() {
	local i k best= bw= bc= br=
	for ((i = 0; i < ${RUNS:?RUNS: how many runs}; i++)); do
		${BENCH_PRE:-:}
		bench_run "$@"
		k=$WALL
		[ "${BENCH_BY:-wall}" != cpu ] || k=$CPU
		if [ -z "$best" ] || awk -v a="$k" -v b="$best" 'BEGIN { exit !(a < b) }'; then
			best=$k bw=$WALL bc=$CPU br=$RSS
		fi
	done
	WALL=$bw CPU=$bc RSS=$br
}

bench_pair() { farm-bench -n "${RUNS:?RUNS: how many runs}" "$@"; }
