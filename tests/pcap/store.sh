#!/bin/sh
# SPDX-License-Identifier: MIT
# Captures into the store (scan --db): a capture's sightings are committed
# with its end, so scanning it again adds nothing, and `hosts` shows the
# same sources and counts as the scan that stored them.
#
# usage: store.sh WORMSCOPE MKCAP
set -u
ws=$1 mkcap=$2
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 2
fail=0
"$mkcap" basic basic.pcap || exit 2
"$ws" scan -q --db t.db basic.pcap
[ $? -eq 1 ] || { echo "first scan: want exit 1 (worms found)"; fail=1; }
"$ws" scan --db t.db --summary stderr basic.pcap 2>err.txt
grep -q "inputs 1 unchanged" err.txt || { echo "second scan did not see the capture as unchanged:"; cat err.txt; fail=1; }
n=$("$ws" hosts --db t.db --format jsonl | wc -l)
[ "$n" -eq 3 ] || { echo "hosts: want 3 sources, got $n"; fail=1; }
total=$("$ws" hosts --db t.db --format jsonl | python3 -c '
import json, sys
print(sum(json.loads(l)["requests"] for l in sys.stdin))')
[ "$total" -eq 3 ] || { echo "hosts: want 3 requests in all (no doubling), got $total"; fail=1; }
exit $fail
