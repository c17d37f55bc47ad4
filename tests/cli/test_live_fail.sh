#!/bin/sh
# SPDX-License-Identifier: MIT
# A live capture that cannot start prints its error and no summary, and exits
# 2 (issue 12: `scan -i nonexist0` printed the error, then "1 input, 0 lines
# ... No worm requests found.").
#
# usage: test_live_fail.sh WORMSCOPE
set -u
ws=$1
tag=live
. "$(dirname "$0")/common.sh"
# check NAME ARGS...: exit 2, stdout empty, one line on stderr naming nonexist0.
check() {
	name=$1
	shift
	"$ws" "$@" >"$name.out" 2>"$name.err" </dev/null
	rc=$?
	[ "$rc" = 2 ] || fail "$name: exit $rc, expected 2"
	[ -s "$name.out" ] && fail "$name: stdout: $(head -c 300 "$name.out")"
	[ "$(wc -l <"$name.err")" = 1 ] || fail "$name: stderr is not one line: $(head -c 400 "$name.err")"
	grep -q "nonexist0" "$name.err" || fail "$name: the interface is not named: $(cat "$name.err")"
}

check text scan -i nonexist0
check jsonl scan -f jsonl -i nonexist0
check summary-stdout scan --summary stdout -i nonexist0
check db scan --db s.db -i nonexist0

[ $failed -eq 0 ] && echo "live_fail: ok"
exit $failed
