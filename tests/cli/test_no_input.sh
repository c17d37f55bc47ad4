#!/bin/sh
# SPDX-License-Identifier: MIT
# Nothing to scan is a usage error (issue 12): a directory with no files, or
# several, exit 2 with one line and no summary (they printed "0 inputs ... No
# worm requests found." and exited 0), and `scan` alone on a terminal prints
# its usage and exits 2 instead of waiting for a log typed on the terminal.
#
# usage: test_no_input.sh WORMSCOPE
set -u
ws=$1
tag=noin
. "$(dirname "$0")/common.sh"
# one_line NAME TEXT: nothing on stdout, exactly one line on stderr, holding TEXT.
one_line() {
	[ -s "$1.out" ] && fail "$1: stdout: $(head -c 300 "$1.out")"
	[ "$(wc -l <"$1.err")" = 1 ] || fail "$1: stderr is not one line: $(head -c 300 "$1.err")"
	grep -qF -- "$2" "$1.err" || fail "$1: stderr lacks '$2': $(head -c 300 "$1.err")"
}

mkdir emptydir other other/sub
: >other/.hidden
run empty-dir 2 scan emptydir
one_line empty-dir "wormscope scan: emptydir: no files in it to scan"
run empty-dirs 2 scan -f jsonl emptydir other
one_line empty-dirs "wormscope scan: no files to scan in the directories given"
run empty-db 2 scan --db s.db emptydir
one_line empty-db "emptydir: no files in it to scan"
[ -e s.db ] && fail "empty-db: the store was created"

# A terminal on standard input: the usage, exit 2, at once.
if command -v script >/dev/null 2>&1 && command -v timeout >/dev/null 2>&1; then
	timeout 20 script -qec "$ws scan" /dev/null >tty.out 2>&1
	rc=$?
	[ "$rc" = 2 ] || fail "tty: exit $rc, expected 2 ($(head -c 300 tty.out))"
	grep -q "usage: wormscope scan" tty.out || fail "tty: no usage: $(head -c 300 tty.out)"
	# '-' asks for standard input by name: it is read, even from a terminal
	printf '' | timeout 20 script -qec "$ws scan -q -" /dev/null >tty-dash.out 2>&1
	[ $? = 124 ] && fail "tty-dash: did not end"
else
	echo "tty: skipped (no script(1) or timeout(1))"
fi

[ $failed -eq 0 ] && echo "no_input: ok"
exit $failed
