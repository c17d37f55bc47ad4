#!/bin/sh
# SPDX-License-Identifier: MIT
# AWStats' regression log (eldy/AWStats test/log/testglobal.log): 101 lines,
# Apache combined with comments and blank lines, one Code Red II request.
#
# Ground truth, from the raw file:
#   grep -n -i -E 'ida|idq|root\.exe|cmd\.exe|sumthin|nsiislog|\\x90|%u9090|winnt' FILE
#     -> only line 82: 80.8.55.9 [01/Jan/2001:15:00:00 +0200]
#        "GET /default.ida?<224 x X><Code Red tail> HTTP/1.0" 404 299 "-" "-"
#        grep -o 'ida?X*' FILE | awk '{print length($0)-4}'          -> 224
#        sed -n 82p FILE | sed 's/.*ida?X*//; s/ HTTP.*//' | wc -c   -> 139 (138 + newline)
#     -> code-red-ii, exact; time 15:00:00 +0200 = 2001-01-01T13:00:00Z.
#   awk -F'"' 'NF>2{print NR": "$2}' FILE lists every request line: the only
#   other unusual one is line 83, "SEARCH / -" (411, from the same source): a
#   SEARCH for "/" with no NOP sled and a 1-byte target, so NOT webdav-search
#   (which needs a huge NOP-sled target). Everything else is ordinary GETs.
#   So exactly one sighting. Exit status 1.
. "$(dirname "$0")/common.sh"
F=$REAL/misc/awstats-testglobal.log
need_file "$F"

ws "$WORK/out.jsonl" "$WORK/err" scan -q --format jsonl "$F"
expect_rc 1 "one Code Red II request"

check_jsonl "$WORK/out.jsonl" <<'PY'
B = "awstats-testglobal.log"
eq("number of sightings", len(rows), 1)
verdict(B, 82, "code-red-ii", "exact", src="80.8.55.9")
none_at(B, 83, '"SEARCH / -": no NOP sled, 1-byte target')
eq("timestamp of line 82", [r["ts"] for r in at(B, 82)], ["2001-01-01T13:00:00Z"])
eq("signature of line 82", [r["signature"] for r in at(B, 82)], ["code-red-ii.exact"])
PY

# --strict: every non-comment line of the file parses (the comments and blank
# lines are not requests); the verdicts do not change.
ws "$WORK/strict.jsonl" "$WORK/strict.err" scan --strict --format jsonl "$F"
expect_rc 1 "one Code Red II request, --strict"
cmp -s "$WORK/out.jsonl" "$WORK/strict.jsonl" || fail "--strict changed the sightings"
exit 0
