#!/bin/sh
# SPDX-License-Identifier: MIT
# One large file scanned in -j parts says what one pass says. Without
# sightings written, -j ranges are scanned from line 1 and renumbered as
# they are taken; one file with its sightings written goes through
# scan/split.c (small parts, written in order); several files with their
# sightings written are cut in ranges that count their lines first. Each
# way the summary's examples, odd fields and unparsable lines, and every
# sighting's line, must be those of -j 1. WS_SCAN_SPLIT_MIN splits these
# small files whatever the machine's load.
#
# usage: test_split_parts.sh WORMSCOPE
set -u
ws=$1
tag=split
. "$(dirname "$0")/common.sh"

cr="GET /default.ida?$(printf 'X%.0s' $(seq 224))%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u9090%u8190%u00c3%u0003%u8b00%u531b%u53ff%u0078%u0000%u00=a HTTP/1.0"
awk -v cr="$cr" 'BEGIN {
	for (i = 1; i <= 6000; i++) {
		t = sprintf("04/Aug/2001:%02d:%02d:%02d +0000", int(i / 3600) % 24, int(i / 60) % 60, i % 60)
		if (i % 3 == 0)
			printf "192.0.2.%d - - [%s] \"GET /index.html?k=%d HTTP/1.0\" 200 512 \"-\" \"Mozilla/4.0\"\n", i % 250 + 1, t, i
		else if (i == 4001)
			printf "not-an-address - - [%s] \"%s\" 404 100\n", t, cr
		else if (i == 4502)
			printf "10.9.9.9 - - [99/Aug/2001:10:00:00 +0000] \"%s\" 404 100\n", cr
		else if (i == 5002 || i == 5501)
			printf "10.8.%d.1 - - [%s] \"GET /scripts/root.exe?/c+dir HTTP/1.0\" 200 1432 \"-\" \"-\"\n", i % 7, t
		else if (i == 4700 || i == 5800)
			printf "garbage without a date GET /default.ida?NNNN %d\n", i
		else
			printf "10.%d.%d.%d - - [%s] \"%s\" 404 100\n", i % 5, int(i / 5) % 250, i % 7 + 1, t, cr
	}
}' >big.log

WS_SCAN_SPLIT_MIN=4096 run j2 1 scan -j 2 big.log
run j1 1 scan -j 1 big.log
grep -q -F 'big.log:4001' j1.out || fail "-j 1 summary does not name the odd client at line 4001"
grep -q -F 'big.log:5002' j1.out || fail "-j 1 summary does not name the compromised answer at line 5002"
sed 1d j1.out >j1.rest
sed 1d j2.out >j2.rest
cmp -s j1.rest j2.rest || fail "summary of two parts differs: $(diff j1.rest j2.rest | head -c 800)"

# one file, its sightings written: scan/split.c's small parts (WS_STORE_PART)
WS_SCAN_SPLIT_MIN=4096 WS_STORE_PART=65536 run j2l 1 scan -q -f jsonl -j 2 big.log
run j1l 1 scan -q -f jsonl -j 1 big.log
cmp -s j1l.out j2l.out || fail "JSON Lines of one file in parts differ: $(diff j1l.out j2l.out | head -c 800)"
grep -q '"line":5501' j1l.out || fail "no sighting at line 5501"
WS_SCAN_SPLIT_MIN=4096 WS_STORE_PART=65536 run j2s 1 scan -j 2 -f csv -o parts.csv big.log
run j1s 1 scan -j 1 -f csv -o whole.csv big.log
cmp -s parts.csv whole.csv || fail "CSV of one file in parts differs"
sed 1d j1s.err >j1s.rest
sed 1d j2s.err >j2s.rest
cmp -s j1s.rest j2s.rest || fail "summary of one file in parts differs: $(diff j1s.rest j2s.rest | head -c 800)"

# two files, sightings written: each cut in two ranges, the second counted
cp big.log big2.log
WS_SCAN_SPLIT_MIN=4096 run t2 1 scan -q -f jsonl -j 2 big.log big2.log
run t1 1 scan -q -f jsonl -j 1 big.log big2.log
cmp -s t1.out t2.out || fail "JSON Lines of two files in ranges differ: $(diff t1.out t2.out | head -c 800)"
exit $failed
