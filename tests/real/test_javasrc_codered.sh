#!/bin/sh
# SPDX-License-Identifier: MIT
# Two real Code Red I requests (IanDarwin/javasrc CodeRed.java comment, 2 Aug
# 2001, Apache combined, status 400, two spaces before HTTP/1.0).
#
# Ground truth, from the raw file:
#   wc -l  -> 2 lines, both "GET /default.ida?<N run><tail>  HTTP/1.0"
#   grep -o 'ida?N*' FILE | awk '{print length($0)-4}'   -> 224 and 224 N
#   the rest of each query is exactly Code Red's 138-byte tail
#   (%u9090%u6858%ucbd3%u7801 ... %u0000%u00=a), checked with
#     sed 's/.*ida?N*//; s/  HTTP.*//' FILE   (both print the same 138 chars)
#   -> both lines are code-red, exact (GET, /default.ida, 224 x N, full tail,
#      HTTP/1.0; the double space is framing, [CERT-IN-2001-08]).
#   Times: 02/Aug/2001:06:01:38 -0400 = 2001-08-02T10:01:38Z,
#          02/Aug/2001:09:27:59 -0400 = 2001-08-02T13:27:59Z.
#   Sources: 211.218.252.9 (line 1), 193.255.201.85 (line 2).
# Exit status 1 (worm traffic found).
. "$(dirname "$0")/common.sh"
F=$REAL/misc/javasrc-codered-2001-apache-combined.log
need_file "$F"

ws "$WORK/out.jsonl" "$WORK/err" scan -q --format jsonl "$F"
expect_rc 1 "two Code Red requests"

check_jsonl "$WORK/out.jsonl" <<'PY'
eq("number of sightings", len(rows), 2)
verdict("javasrc-codered-2001-apache-combined.log", 1, "code-red", "exact", src="211.218.252.9")
verdict("javasrc-codered-2001-apache-combined.log", 2, "code-red", "exact", src="193.255.201.85")
eq("timestamps", [r["ts"] for r in rows], ["2001-08-02T10:01:38Z", "2001-08-02T13:27:59Z"])
eq("signatures", [r["signature"] for r in rows], ["code-red.exact"] * 2)
eq("methods/protocols", [(r["method"], r["proto"], r["status"]) for r in rows],
   [("GET", "HTTP/1.0", 400)] * 2)
for r in rows:
    q = r["uri"].split("?", 1)[1]
    eq("N run in line %d" % r["line"], len(q) - len(q.lstrip("N")), 224)
    eq("tail length in line %d" % r["line"], len(q.lstrip("N")), 138)
eq("distinct sources", len({r["src"] for r in rows}), 2)
PY
exit 0
