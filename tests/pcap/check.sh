#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs one capture case: builds the capture with mkcap, scans it, and
# compares the sightings (a few CSV columns) and exit code with
# cases/CASE.out, and, when cases/CASE.summary exists, checks that each of
# its lines appears as a whole line in the summary.
#
# usage: check.sh WORMSCOPE MKCAP CASES_DIR CASE
#
# cases/CASE.case (sourced; all optional):
#   scenario=NAME    the mkcap scenario (default: CASE)
#   prep='CMD'       run in the work folder after mkcap wrote NAME.pcap
#   input=FILE       what to scan (default: NAME.pcap)
#   args='...'       extra scan arguments (shell words: quotes work)
set -u
ws=$1 mkcap=$2 dir=$(cd "$3" && pwd) case=$4
scenario=$case prep=: input= args=
[ -f "$dir/$case.case" ] && . "$dir/$case.case"
[ -n "$input" ] || input=$scenario.pcap
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 2
"$mkcap" "$scenario" "$scenario.pcap" || exit 2
sh -c "$prep" || exit 2
eval "set -- $args"
"$ws" scan -f csv --summary stderr "$@" "$input" >out.csv 2>summary.txt
rc=$?
# src src_port dst_port worm confidence status frame compromised
{ awk -F, 'NR > 1 { print $2, $3, $5, $6, $7, $15, $20, $21 }' out.csv; echo "rc=$rc"; } >got
fail=0
if ! diff -u "$dir/$case.out" got; then
	fail=1
fi
if [ -f "$dir/$case.summary" ]; then
	while IFS= read -r line; do
		if ! grep -qxF -- "$line" summary.txt; then
			echo "summary lacks: $line"
			fail=1
		fi
	done <"$dir/$case.summary"
fi
if [ $fail -ne 0 ]; then
	echo "--- summary:"
	cat summary.txt
fi
exit $fail
