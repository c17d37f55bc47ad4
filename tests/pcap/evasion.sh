#!/bin/sh
# SPDX-License-Identifier: MIT
# The evasion corpus through a capture (issue 11): mkcap's `evasion` scenario
# writes every case of tests/unit/evasion.h as its own connection (source
# port 10000 + case number) and the same requests as an NCSA log, one per
# line. Both are scanned; every case must be found in the capture, with the
# same worm and the same evasion flags as its line in the log (the log path
# itself is held to the corpus's expectations by unit.test_http_normalize).
#
# usage: evasion.sh WORMSCOPE MKCAP
set -u
ws=$1 mkcap=$2
command -v python3 >/dev/null || { echo "evasion.sh: skipped: needs python3"; exit 77; }
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
"$mkcap" evasion "$tmp/e.pcap" || exit 2
"$ws" scan -q -f jsonl "$tmp/e.pcap" >"$tmp/cap.jsonl"
rc=$?
[ "$rc" -le 1 ] || { echo "scan of the capture exited $rc"; exit 1; }
"$ws" scan -q -f jsonl "$tmp/e.pcap.log" >"$tmp/log.jsonl"
rc=$?
[ "$rc" -le 1 ] || { echo "scan of the log exited $rc"; exit 1; }
python3 - "$tmp/cap.jsonl" "$tmp/log.jsonl" "$tmp/e.pcap.log" <<'PY'
import json, sys
cap, log, lines = sys.argv[1:4]
ncases = sum(1 for _ in open(lines))
got = {}
for l in open(cap):
    s = json.loads(l)
    got[s["src_port"] - 10000] = (s["worm"], s.get("evasion", []), s["uri"])
want = {}
for l in open(log):
    s = json.loads(l)
    want[s["line"] - 1] = (s["worm"], s.get("evasion", []), s["uri"])
bad = 0
for k in range(ncases):
    if k not in want:
        print("case %d: the log names nothing" % k); bad += 1
    elif k not in got:
        print("case %d: the capture names nothing for %s" % (k, want[k][2][:80])); bad += 1
    elif got[k] != want[k]:
        print("case %d: capture %s %s, log %s %s (%s)" % (k, got[k][0], got[k][1], want[k][0],
              want[k][1], want[k][2][:80])); bad += 1
print("evasion corpus through a capture: %d cases, %d named as in the log, %d wrong"
      % (ncases, ncases - bad, bad))
sys.exit(1 if bad or ncases != 616 else 0)
PY
