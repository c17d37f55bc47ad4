#!/bin/sh
# SPDX-License-Identifier: MIT
# --home-net marks a source as inside, and only that source.
#
# Ground truth (see test_honeypot_ignore_src.sh): 203.112.195.156 has 50
# sightings (49 Nimda probes in the access logs + 1 root.exe error-log line),
# and no other 203.112.x.x address appears. 218.106.69.52 has 69, all in
# access_log.25 (grep -c '^218\.106\.69\.52 ' access_log.25 -> 69, no error-log
# line): 23 x "GET /scripts/root.exe?/c+dir" (no protocol: nimda partial),
# 23 x "GET /scripts/..%255c%255c../winnt/system32/cmd.exe?/c+dir" and
# 23 x "GET /msadc/..%c0%af..%c0%af..%c0%af../winnt/system32/cmd.exe?/c+dir"
# (iis-traversal). Ten other 218.106.x.x addresses appear in the logs, so
# 218.106.69.52/32 must not spill over.
# Expectation: with --home-net 203.112.195.156/32 exactly its 50 sightings have
# inside_home_net true; with --home-net 203.112.195.156/32,218.106.69.52/32
# (comma list) and with the option repeated, exactly 50 + 69 = 119. Apart from
# that field, the output is the same as without --home-net.
. "$(dirname "$0")/common.sh"
D=$REAL/hnet-honeypot-2005
need_dir "$D"
need_file "$D/access_log" "$D/error_log.2005-06-09_to_06-19"

ws "$WORK/plain.jsonl" "$WORK/p.err" scan -q --format jsonl -j 1 "$D"
expect_rc 1 "no --home-net"
ws "$WORK/one.jsonl" "$WORK/o.err" scan -q --format jsonl -j 1 --home-net 203.112.195.156/32 "$D"
expect_rc 1 "--home-net one /32"
ws "$WORK/comma.jsonl" "$WORK/c.err" scan -q --format jsonl -j 1 \
	--home-net 203.112.195.156/32,218.106.69.52/32 "$D"
expect_rc 1 "--home-net comma list"
ws "$WORK/rep.jsonl" "$WORK/r.err" scan -q --format jsonl -j 1 \
	--home-net 203.112.195.156/32 --home-net 218.106.69.52/32 "$D"
expect_rc 1 "--home-net repeated"
cmp -s "$WORK/comma.jsonl" "$WORK/rep.jsonl" || fail "--home-net A,B and --home-net A --home-net B differ"

# Only the inside_home_net field may change.
for f in one comma; do
	sed 's/"inside_home_net":true/"inside_home_net":false/' "$WORK/$f.jsonl" >"$WORK/$f.norm"
	cmp -s "$WORK/plain.jsonl" "$WORK/$f.norm" || fail "--home-net ($f) changed more than inside_home_net"
done

check_jsonl "$WORK/plain.jsonl" <<'PY'
eq("sightings inside without --home-net", sum(1 for r in rows if r["inside_home_net"]), 0)
PY
check_jsonl "$WORK/one.jsonl" <<'PY'
inside = [r for r in rows if r["inside_home_net"]]
eq("sightings inside", len(inside), 50)
eq("sources inside", sorted({r["src"] for r in inside}), ["203.112.195.156"])
eq("sightings of 203.112.195.156 not inside",
   sum(1 for r in rows if r["src"] == "203.112.195.156" and not r["inside_home_net"]), 0)
PY
check_jsonl "$WORK/comma.jsonl" <<'PY'
inside = [r for r in rows if r["inside_home_net"]]
eq("sightings inside", len(inside), 119)
eq("inside per source", dict(Counter(r["src"] for r in inside)),
   {"203.112.195.156": 50, "218.106.69.52": 69})
eq("218.106.69.52 per (worm, confidence)",
   dict(Counter((r["worm"], r["confidence"]) for r in inside if r["src"] == "218.106.69.52")),
   {("nimda", "partial"): 23, ("iis-traversal", "exact"): 46})
PY
exit 0
