#!/bin/sh
# SPDX-License-Identifier: MIT
# --ignore-src drops one Nimda source's requests and nothing else.
#
# Source: 203.112.195.156, which ran all 16 Nimda probes three times.
# Ground truth, from the raw files (run in hnet-honeypot-2005/):
#   grep -c '^203\.112\.195\.156 ' access_log*      -> access_log.23: 16,
#     access_log.26: 16, access_log.31: 16, access_log.27: 1 = 49 lines, every
#     one a Nimda probe "GET <probe>?/c+dir HTTP/1.0" (cut -d'"' -f2 shows the
#     16 probes 3 times, plus probe 1 once more in access_log.27) -> 49 nimda exact.
#   grep -c 'client 203\.112\.195\.156\]' error_log.* -> 13 lines (12 June 01:23-01:24,
#     lines 639-651), of which only line 639 "File does not exist:
#     /var/www/html/scripts/root.exe" is a sighting (backdoor-use heuristic);
#     the other 12 are paths cut at the missing directory, not attributed.
#   -> 50 sightings from this source (of 2396 in all, test_honeypot_totals.sh).
#   grep -h -o '^203\.112\.[0-9.]*' access_log* | sort -u -> only this address.
# With --ignore-src 203.112.195.156 the output must be the full output minus
# exactly those 50 lines, byte for byte, and 203.112.0.0/16 must do the same.
# Nimda sources that sent all 16 probes drop from 64 to 63.
. "$(dirname "$0")/common.sh"
D=$REAL/hnet-honeypot-2005
need_dir "$D"
need_file "$D/access_log" "$D/error_log.2005-06-09_to_06-19"
S=203.112.195.156

ws "$WORK/all.jsonl" "$WORK/all.err" scan -q --format jsonl -j 1 "$D"
expect_rc 1 "full scan"
ws "$WORK/ign.jsonl" "$WORK/ign.err" scan -q --format jsonl -j 1 --ignore-src "$S" "$D"
expect_rc 1 "--ignore-src $S"
ws "$WORK/ign16.jsonl" "$WORK/ign16.err" scan -q --format jsonl -j 1 --ignore-src 203.112.0.0/16 "$D"
expect_rc 1 "--ignore-src 203.112.0.0/16"
cmp -s "$WORK/ign.jsonl" "$WORK/ign16.jsonl" || fail "--ignore-src $S and 203.112.0.0/16 differ"

# The full output without the source's lines, by plain text filtering.
grep -v -F "\"src\":\"$S\"" "$WORK/all.jsonl" >"$WORK/expect.jsonl" || true
if ! cmp -s "$WORK/expect.jsonl" "$WORK/ign.jsonl"; then
	diff "$WORK/expect.jsonl" "$WORK/ign.jsonl" | head -c 3000 >&2
	fail "--ignore-src $S did not remove exactly that source's lines"
fi

check_jsonl "$WORK/all.jsonl" <<'PY'
S = "203.112.195.156"
mine = [r for r in rows if r["src"] == S]
eq("sightings from %s" % S, len(mine), 50)
eq("its sightings per (worm, confidence)", dict(Counter((r["worm"], r["confidence"]) for r in mine)),
   {("nimda", "exact"): 49, ("backdoor-use", "heuristic"): 1})
eq("its sightings per file", dict(Counter(r["base"] for r in mine)),
   {"access_log.23": 16, "access_log.26": 16, "access_log.31": 16, "access_log.27": 1,
    "error_log.2005-06-09_to_06-19": 1})
eq("its probes", sorted({r["nimda_probe"] for r in mine if r["worm"] == "nimda"}), list(range(1, 17)))
verdict("error_log.2005-06-09_to_06-19", 639, "backdoor-use", "heuristic", src=S)
PY
check_jsonl "$WORK/ign.jsonl" <<'PY'
eq("sightings left", len(rows), 2396 - 50)
eq("sightings from 203.112.195.156 left", sum(1 for r in rows if r["src"] == "203.112.195.156"), 0)
probes = defaultdict(set)
for r in rows:
    if r["worm"] == "nimda":
        probes[r["src"]].add(r["nimda_probe"])
eq("sources that sent all 16 probes", sum(1 for s in probes.values() if len(s) == 16), 63)
eq("nimda sources", len(probes), 96)
PY
exit 0
