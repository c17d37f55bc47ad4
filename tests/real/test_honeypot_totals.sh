#!/bin/sh
# SPDX-License-Identifier: MIT
# hnet-honeypot-2005/: the 32 Apache combined access logs (36,310 lines) and
# the error log of 9-19 June 2005 (1,717 lines), scanned as one directory.
# Every number below was counted from the raw lines with the commands given
# (run in the data folder; A='access_log access_log.[0-9]*',
# E=error_log.2005-06-09_to_06-19), not from wormscope's output. The
# request field is the first "..." of a line; its method is its first word
# and its protocol its last word when that looks like HTTP/x.y.
#
# NIMDA. probes.txt = the 16 wire-form targets of [KB317605] with ?/c+dir,
# one a line. For each probe P:
#   cat $A | grep -c -F "\"GET P HTTP/1.0\""    (exact: GET and HTTP/1.0)
#   cat $A | grep -c -F "\"GET P\""             (partial: no protocol)
#   cat $A | grep -c -F "\"get P\""             (partial: lower-case method)
#   probe:  1   2   3   4   5   6   7   8   9  10  11  12  13  14  15  16
#   exact: 85  80  79  77  76  75  74  73  73  73  71  70  69  69  69  69 = 1182
#   no protocol: probe 1 x 23 (all from 218.106.69.52, access_log.25)
#   lower-case:  probe 1 x 12, probe 12 x 1 (all without a protocol too)
#   error log "Invalid method in request get P": probe 1 x 7 (202.118.167.71),
#     probe 12 x 1 (63.197.230.242)   -> nimda partial 23+13+8 = 44
#   No other method or protocol occurs with these targets.
#   Sources (any method/protocol, both logs):
#     cat $A | awk -F'"' 'NR==FNR{p[$0]=1;next} {n=split($2,a," ");
#       if (n>=2 && (a[2] in p)) print $1}' probes.txt - | awk '{print $1, $NF}'
#     ... | sort -u | awk '{c[$1]++} END{for(s in c){n++; if(c[s]==16)a++;
#       if(c[s]>=9)b++}; print n, a, b}'                   -> 97 64 70
#     (the error log adds no new Nimda source: its 8 lines come from sources
#     that also appear in the access logs with the same probes).
#   So: 97 Nimda sources, 64 sent all 16 probes, 70 at least 9.
# Targets with an encoded traversal that are NOT Nimda's wire form ->
# IIS-TRAVERSAL (exact: encoded traversal + cmd.exe):
#   cat $A | grep -i 'cmd\.exe' | awk -F'"' 'NR==FNR{p[$0]=1;next}
#     {split($2,a," "); if (!(a[2] in p)) print}' probes.txt - | wc -l   -> 151
#     92 GET /scripts/..%255c%255c../winnt/system32/cmd.exe?/c+dir  (no protocol)
#     23 GET .../..%255c%255c../...cmd.exe?/c+ver HTTP/1.0
#     23 GET /msadc/..%c0%af..%c0%af..%c0%af../winnt/system32/cmd.exe?/c+dir (no protocol)
#      4 get /scripts/.%252e/.%252e/winnt/system32/cmd.exe?/c+dir
#      3 get /scripts/..%c0%af../..%c0%af../..%c0%af../winnt/system32/cmd.exe?/c+dir
#      3 get /scripts/..%e0%80%af../..%e0%80%af../..%e0%80%af../winnt/system32/cmd.exe?/c+dir
#      2 get /scripts/..%5c../winnt/system32/cmd.exe?/c+dir   (the IIS-decoded
#        form of probe 5/15: in an Apache log the wire bytes are logged, so
#        this is not Nimda)
#      1 get /scripts/..%35c../winnt/system32/cmd.exe?/c+dir  (same reasoning)
#   plus the same 13 lower-case requests echoed by the error log as
#   "Invalid method in request get ..." -> 164; sources: 30.
# BACKDOOR-USE: every root.exe / /c/ /d/ request in the access logs is one of
#   Nimda's probes 1-4 with ?/c+dir, so none there. Error log:
#   grep -c 'File does not exist: .*/root\.exe$' $E -> 15 (heuristic), 15 sources.
# WEBDAV-SEARCH: cat $A | grep -c '"SEARCH /\\x90'  -> 39 (= grep -c '"SEARCH'),
#   all without a protocol, 414, targets of 14,264-32,609 bytes, 37 sources.
# NSIISLOG: cat $A | grep -c -F '"GET /scripts/nsiislog.dll' -> 41 (19 HTTP/1.1,
#   22 no protocol), exact; error log "File does not exist:
#   .../scripts/nsiislog.dll" x2, heuristic; 13 sources.
# SUMTHIN: cat $A | grep -c -F '"GET /sumthin HTTP/1.' -> 862 (835 1.0, 27 1.1),
#   exact; error log ".../sumthin" x47, heuristic; 41 sources.
# CODE RED / .ida: grep -c -i '\.id[aq]' $A $E -> 0 everywhere.
# Not attributed (no definition covers them): /NULL.printer (14, IPP),
#   /_vti_bin/_vti_aut/fp30reg.dll (39) and author.exe (23) (FrontPage),
#   CONNECT, awstats/mambo exploits; error-log "File does not exist:
#   /var/www/html/scripts/..%5c.." and similar paths (the traversal is cut
#   at the missing directory and the query is not logged, so it cannot be
#   told from Nimda's own probe), "request failed: URI too long".
# Total 1226 + 164 + 15 + 39 + 43 + 909 = 2396 sightings from 212 sources
#   ({ grep the flagged access lines | cut -d' ' -f1; the error-log clients; }
#   | sort -u | wc -l -> 212).
# Lines without a protocol (access logs): awk -F'"' '{n=split($2,a," ");
#   if (a[n] !~ /^HTTP\/[0-9]\.[0-9]$/) print}' -> 239 = 225 flagged (nimda 36,
#   iis-traversal 128, nsiislog 22, webdav-search 39) + 14 /NULL.printer.
# Lower-case "get": 26 access lines (nimda 13, iis-traversal 13) + 21 error-log
#   lines (nimda 8, iis-traversal 13).
. "$(dirname "$0")/common.sh"
D=$REAL/hnet-honeypot-2005
need_dir "$D"
need_file "$D/access_log" "$D/error_log.2005-06-09_to_06-19"
i=1
while [ $i -le 31 ]; do
	need_file "$D/access_log.$i"
	i=$((i + 1))
done

ws "$WORK/out.jsonl" "$WORK/err" scan -q --format jsonl "$D"
expect_rc 1 "worm traffic in the honeypot logs"

check_jsonl "$WORK/out.jsonl" <<'PY'
EL = "error_log.2005-06-09_to_06-19"
eq("total sightings", len(rows), 2396)
eq("sightings per (worm, confidence)",
   dict(Counter((r["worm"], r["confidence"]) for r in rows)),
   {("nimda", "exact"): 1182, ("nimda", "partial"): 44,
    ("iis-traversal", "exact"): 164,
    ("backdoor-use", "heuristic"): 15,
    ("webdav-search", "exact"): 39,
    ("nsiislog", "exact"): 41, ("nsiislog", "heuristic"): 2,
    ("sumthin", "exact"): 862, ("sumthin", "heuristic"): 47})
eq("distinct sources per worm",
   {w: len({r["src"] for r in rows if r["worm"] == w}) for w in sorted({r["worm"] for r in rows})},
   {"backdoor-use": 15, "iis-traversal": 30, "nimda": 97, "nsiislog": 13,
    "sumthin": 41, "webdav-search": 37})
eq("distinct sources", len({r["src"] for r in rows}), 212)
# Every file but access_log.4 (107 lines: CONNECT, xmlrpc.php, GET /) has one.
eq("files with sightings", len({r["base"] for r in rows}), 32)
eq("access_log.4 sightings", len([r for r in rows if r["base"] == "access_log.4"]), 0)

# Nimda, probe by probe.
nim = [r for r in rows if r["worm"] == "nimda"]
eq("nimda exact per probe",
   [sum(1 for r in nim if r["confidence"] == "exact" and r["nimda_probe"] == p) for p in range(1, 17)],
   [85, 80, 79, 77, 76, 75, 74, 73, 73, 73, 71, 70, 69, 69, 69, 69])
eq("nimda partial per probe",
   dict(Counter(r["nimda_probe"] for r in nim if r["confidence"] == "partial")), {1: 42, 12: 2})
eq("nimda lines without a probe number", sum(1 for r in nim if not r["nimda_probe"]), 0)
probes = defaultdict(set)
for r in nim:
    probes[r["src"]].add(r["nimda_probe"])
eq("nimda sources", len(probes), 97)
eq("sources that sent all 16 probes", sum(1 for s in probes.values() if len(s) == 16), 64)
eq("sources that sent at least 9 probes", sum(1 for s in probes.values() if len(s) >= 9), 70)
eq("nimda exact lines: method/protocol",
   set((r["method"], r["proto"]) for r in nim if r["confidence"] == "exact"), {("GET", "HTTP/1.0")})

# Lower-case "get" (501 in the access logs; "Invalid method" in the error log).
get = [r for r in rows if r["method"] == "get"]
eq("lower-case get, access logs, per worm",
   dict(Counter((r["worm"], r["confidence"]) for r in get if r["base"] != EL)),
   {("nimda", "partial"): 13, ("iis-traversal", "exact"): 13})
eq("lower-case get, error log, per worm",
   dict(Counter((r["worm"], r["confidence"]) for r in get if r["base"] == EL)),
   {("nimda", "partial"): 8, ("iis-traversal", "exact"): 13})
# Methods: GET = nimda 1182 exact + 23 no-protocol, iis-traversal 92 + 23 + 23,
# nsiislog 41, sumthin 862; the 64 error-log file paths have no method.
eq("sightings per method", dict(Counter(r["method"] for r in rows)),
   {"GET": 1182 + 23 + 138 + 41 + 862, "get": 47, "SEARCH": 39, None: 15 + 47 + 2})

# Access-log lines without a protocol token.
nop = [r for r in rows if r["base"] != EL and not r["proto"]]
eq("access-log sightings without protocol, per (worm, confidence)",
   dict(Counter((r["worm"], r["confidence"]) for r in nop)),
   {("nimda", "partial"): 36, ("iis-traversal", "exact"): 128,
    ("nsiislog", "exact"): 22, ("webdav-search", "exact"): 39})

# The 39 SEARCH lines.
search = sorted((r["base"], r["line"]) for r in rows if r["worm"] == "webdav-search")
eq("webdav-search lines", search, sorted([
    ("access_log", 4819), ("access_log", 5684), ("access_log.1", 211), ("access_log.1", 1237),
    ("access_log.11", 28), ("access_log.14", 79), ("access_log.14", 102), ("access_log.15", 6),
    ("access_log.15", 247), ("access_log.17", 46), ("access_log.18", 327), ("access_log.19", 33),
    ("access_log.19", 275), ("access_log.19", 293), ("access_log.2", 2170), ("access_log.2", 3307),
    ("access_log.20", 118), ("access_log.21", 48), ("access_log.21", 161), ("access_log.22", 75),
    ("access_log.22", 202), ("access_log.22", 221), ("access_log.23", 231), ("access_log.23", 288),
    ("access_log.25", 134), ("access_log.26", 80), ("access_log.26", 114), ("access_log.26", 259),
    ("access_log.27", 91), ("access_log.27", 255), ("access_log.27", 266), ("access_log.29", 297),
    ("access_log.29", 366), ("access_log.29", 499), ("access_log.30", 9), ("access_log.30", 351),
    ("access_log.30", 355), ("access_log.30", 440), ("access_log.7", 8)]))

# Error log alone.
el = [r for r in rows if r["base"] == EL]
eq("error-log sightings per (worm, confidence)",
   dict(Counter((r["worm"], r["confidence"]) for r in el)),
   {("sumthin", "heuristic"): 47, ("backdoor-use", "heuristic"): 15,
    ("iis-traversal", "exact"): 13, ("nimda", "partial"): 8, ("nsiislog", "heuristic"): 2})
eq("error-log distinct sources", len({r["src"] for r in el}), 33)

# Edge cases, line by line.
# A complete Nimda run, probes 1-16 in order (61.142.136.20, 10 Jun 2005);
# lines 109-110 (..%%35%63.., ..%%35c..) got status 400.
for k in range(16):
    verdict("access_log.31", 97 + k, "nimda", "exact", k + 1, "61.142.136.20")
verdict("access_log.31", 312, "nimda", "partial", 1, "202.118.167.71")    # get root.exe, no protocol
verdict("access_log.30", 18, "nimda", "partial", 12, "63.197.230.242")    # get ..%c1%9c.., no protocol
verdict("access_log.25", 242, "nimda", "partial", 1, "218.106.69.52")     # GET root.exe, no protocol
verdict("access_log.30", 235, "iis-traversal", "exact", src="61.72.66.8")      # get ..%5c.. (decoded form)
verdict("access_log.31", 72, "iis-traversal", "exact", src="62.221.237.83")    # get ..%35c.. (decoded form)
verdict("access_log.30", 59, "iis-traversal", "exact", src="63.203.254.140")   # get .%252e/.%252e/
verdict("access_log.31", 311, "iis-traversal", "exact", src="12.216.230.125")  # get ..%c0%af.. x3
verdict("access_log.25", 205, "iis-traversal", "exact", src="218.106.69.52")   # ..%255c%255c.., no protocol
verdict("access_log.25", 222, "iis-traversal", "exact", src="218.106.69.52")   # /msadc/..%c0%af.. x3
verdict("access_log.19", 33, "webdav-search", "exact", src="200.172.22.150")   # shortest: 14,264-byte target
verdict("access_log.22", 202, "webdav-search", "exact", src="218.157.154.234") # sled logged with \\ escapes
verdict("access_log.29", 499, "webdav-search", "exact", src="62.118.19.122")   # sled then other bytes
verdict(EL, 159, "backdoor-use", "heuristic", src="210.22.201.118")  # File does not exist: .../scripts/root.exe
verdict(EL, 596, "nimda", "partial", 1, "202.118.167.71")            # Invalid method ... get /scripts/root.exe?/c+dir
verdict(EL, 729, "nimda", "partial", 12, "63.197.230.242")           # Invalid method ... get ..%c1%9c..
verdict(EL, 907, "iis-traversal", "exact", src="61.72.66.8")         # Invalid method ... get ..%5c..
none_at(EL, 161, "File does not exist: /var/www/html/c (query and rest of path not logged)")
none_at(EL, 163, "File does not exist: .../scripts/..%5c.. (cannot be told from Nimda's probe)")
none_at(EL, 167, "File does not exist: .../scripts/..\\xc1\\x1c..")
none_at(EL, 1049, "request failed: URI too long (names no target)")
none_at("access_log.12", 53, "GET /NULL.printer: not one of the worm ids")
none_at("access_log", 4818, "POST /_vti_bin/_vti_aut/fp30reg.dll: not one of the worm ids")
none_at("access_log.30", 277, "GET /_vti_bin/_vti_aut/author.exe: not one of the worm ids")
eq("code-red/code-red-ii/ida-probe sightings",
   sum(1 for r in rows if r["worm"] in ("code-red", "code-red-ii", "ida-probe")), 0)
# Statuses of the flagged access lines: 404 x2108, 400 x138, 414 x39, 501 x26,
#   cat $A | grep -i -E 'cmd\.exe|root\.exe|"GET /sumthin HTTP|nsiislog\.dll|"SEARCH /\\x90'
#   | awk -F'"' '{split($3,a," "); print a[1]}' | sort | uniq -c
# so no worm request got a success answer.
eq("sightings flagged compromised (no 2xx/3xx answers to worm requests)",
   sum(1 for r in rows if r["compromised"]), 0)
PY
exit 0
