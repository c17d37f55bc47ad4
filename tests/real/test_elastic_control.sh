#!/bin/sh
# SPDX-License-Identifier: MIT
# False-positive control: the first 5,000 lines of elastic/examples
# apache_logs (May 2015, benign traffic).
#
# Ground truth, from the raw file:
#   awk '{print $6}' FILE | sort | uniq -c   -> 4980 "GET, 20 "HEAD (every line
#     is a well-formed combined line with its request in the usual place)
#   grep -c -i -E '\.id[aq]|root\.exe|cmd1?\.exe|\.\.%|\.\.\\|sumthin|nsiislog|\\x90|%u9090|winnt|system32' FILE -> 0
#   grep -c -E '"(GET|HEAD) /[cd]/' FILE -> 0 ;  grep -c '"SEARCH ' FILE -> 0
#   (a case-insensitive 'SEARCH ' only hits ".../firefox-tabsearch HTTP/1.x"
#   and "boredom-induced-research", ordinary pages).
#   -> zero sightings, exit status 0, with and without --strict, and --strict
#      finds no unparsable line.
. "$(dirname "$0")/common.sh"
F=$REAL/misc/elastic-apache_logs-2015-first5000.log
need_file "$F"

ws "$WORK/out.jsonl" "$WORK/err" scan -q --format jsonl "$F"
expect_rc 0 "benign control"
[ -s "$WORK/out.jsonl" ] && { head -c 2000 "$WORK/out.jsonl" >&2; fail "sightings in the benign control (above)"; }

ws "$WORK/strict.jsonl" "$WORK/strict.err" scan --strict --format jsonl "$F"
expect_rc 0 "benign control, --strict"
[ -s "$WORK/strict.jsonl" ] && { head -c 2000 "$WORK/strict.jsonl" >&2; fail "sightings in the benign control with --strict (above)"; }
if grep -q -i 'unparsable lines' "$WORK/strict.err"; then
	grep -i 'unparsable' "$WORK/strict.err" >&2
	fail "--strict found unparsable lines in a well-formed combined log"
fi

# The text summary (no --format) agrees.
ws "$WORK/text" "$WORK/text.err" scan --strict "$F"
expect_rc 0 "benign control, text summary"
grep -q 'No worm requests found' "$WORK/text" || { cat "$WORK/text" >&2; fail "summary does not say 'No worm requests found'"; }
exit 0
