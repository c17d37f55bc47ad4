#!/bin/sh
# SPDX-License-Identifier: MIT
# Log lines whose client, user or time field is not what it should be (issue
# 11): the worm request on each is still found, each kind of odd field is
# counted and its first line named in the summary and flagged per sighting in
# JSON Lines, and the summary counts sources as the store does (addresses;
# requests with no address apart). It counted 5 sources where the store had 4.
#
# usage: test_odd_fields.sh WORMSCOPE
set -u
ws=$1
tag=odd
. "$(dirname "$0")/common.sh"

cr="GET /default.ida?$(printf 'X%.0s' $(seq 224))%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u9090%u8190%u00c3%u0003%u8b00%u531b%u53ff%u0078%u0000%u00=a HTTP/1.0"
{
	printf '1.2.3.4 - - [04/Aug/2001:10:00:00 +0000] "%s" 404 100\n' "$cr"
	printf 'ev\033[31mil - - [04/Aug/2001:10:00:01 +0000] "%s" 404 100\n' "$cr"
	printf '1.2.3.5 - b\033ob [04/Aug/2001:10:00:02 +0000] "%s" 404 100\n' "$cr"
	printf '1.2.3.6 - - [99/Aug/2001:10:00:03 +0000] "%s" 404 100\n' "$cr"
	printf '1.2.3.7 - - [garbage] "%s" 404 100\n' "$cr"
	printf -- '- - - [04/Aug/2001:10:00:04 +0000] "%s" 404 100\n' "$cr"
	printf 'host.example.com - - [04/Aug/2001:10:00:06 +0000] "%s" 404 100\n' "$cr"
} >odd.log

run text 1 scan odd.log
grep -q '^code-red-ii  *7  *4 ' text.out || fail "summary: not 7 requests from 4 sources: $(grep code-red-ii text.out)"
grep -q '^total  *7  *4$' text.out || fail "summary total: $(grep '^total' text.out)"
grep -q 'Worm requests with no source address (the client field held none): 3$' text.out ||
	fail "summary: the no-address requests are not counted apart"
grep -q 'no address)' text.out && fail "summary: a no-address row counted among the sources"
grep -q -F 'Odd fields (among candidates): client not an address 3 (first: odd.log:2); control or 8-bit bytes in ident/user 1 (first: odd.log:3); time unreadable 2 (first: odd.log:4)' text.out ||
	fail "summary: odd fields not counted and named: $(grep -i odd text.out)"
grep -q "$(printf '\033')" text.out && fail "summary: an escape byte reached the terminal"

run db 1 scan -q --db odd.db odd.log
run hosts 0 hosts --db odd.db
grep -q '^4 of 4 sources$' hosts.out || fail "store: $(tail -1 hosts.out), summary said 4"

run jsonl 1 scan -q -f jsonl odd.log
[ "$(wc -l <jsonl.out)" = 7 ] || fail "jsonl: $(wc -l <jsonl.out) sightings, 7 lines hold the worm"
for want in '"line":2,.*"odd_fields":\["client"\]' '"line":3,.*"odd_fields":\["user"\]' \
	'"line":4,.*"odd_fields":\["time"\]' '"line":5,.*"odd_fields":\["time"\]' \
	'"line":6,.*"odd_fields":\["client"\]' '"line":7,.*"odd_fields":\["client"\]'; do
	grep -q "$want" jsonl.out || fail "jsonl: no sighting matching $want"
done
grep '"line":1,' jsonl.out | grep -q odd_fields && fail "jsonl: a clean line flagged"
exit $failed
