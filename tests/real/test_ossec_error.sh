#!/bin/sh
# SPDX-License-Identifier: MIT
# Apache error-log samples from ossec-hids (etc/rules/log-entries/apache-error.logs).
#
# Ground truth, from the raw file (39 lines):
#   grep -n 'default.ida' FILE
#     -> lines 32, 33, 34: "File does not exist: /var/www/html/default.ida" from
#        66.31.142.16, 66.31.68.147, 66.31.101.12, Sun Aug 5 2001 16:23:04,
#        16:26:02, 16:32:01. Line 32 lacks its leading '[' (cut by rotation).
#     An error log records the file, not the query, so the N/X filler is not
#     visible: each is ida-probe, heuristic. Times are local with no offset,
#     read as UTC by default (--tz UTC): 2001-08-05T16:23:04Z etc.
#   grep -n 'malformed Host header' FILE
#     -> lines 12-15 (64.94.163.159 x3, 64.94.163.137): deliberately NOT
#        attributed (any broken client triggers it, [ApacheWeek01]).
#   grep -n -i -E 'root\.exe|cmd\.exe|sumthin|nsiislog|Invalid method' FILE -> nothing.
#   Everything else (client denied, directory index forbidden, auth failures,
#   URI too long, "File name too long: access to /aaaa...") names no worm.
#   So exactly three sightings, three distinct sources. Exit status 1.
. "$(dirname "$0")/common.sh"
F=$REAL/misc/ossec-apache-error.logs
need_file "$F"

ws "$WORK/out.jsonl" "$WORK/err" scan -q --format jsonl "$F"
expect_rc 1 "three default.ida lines"

check_jsonl "$WORK/out.jsonl" <<'PY'
B = "ossec-apache-error.logs"
eq("number of sightings", len(rows), 3)
verdict(B, 32, "ida-probe", "heuristic", src="66.31.142.16")
verdict(B, 33, "ida-probe", "heuristic", src="66.31.68.147")
verdict(B, 34, "ida-probe", "heuristic", src="66.31.101.12")
eq("timestamps", [r["ts"] for r in rows],
   ["2001-08-05T16:23:04Z", "2001-08-05T16:26:02Z", "2001-08-05T16:32:01Z"])
for n in (12, 13, 14, 15):
    none_at(B, n, "Client sent malformed Host header is not attributed")
eq("distinct sources", len({r["src"] for r in rows}), 3)
eq("worms other than ida-probe", sorted({r["worm"] for r in rows} - {"ida-probe"}), [])
PY
exit 0
