#!/bin/sh
# SPDX-License-Identifier: MIT
# Many sensors, one store (issue 16), from the command line:
#  - `scan --sensor` names the sensor; the same log read by two sensors is two
#    inputs, each resumed on its own; `hosts` says how many sensors saw each
#    source, `hosts --sensor` shows one sensor's view, `hosts --sensors` the fleet;
#  - two sensors writing at once, each killed with SIGKILL mid-ingest at a
#    different moment and rerun, leave exactly the store a clean run leaves;
#  - bad names and --sensor without --db exit 2.
# No timing is asserted: the kills land wherever they land (also after the
# end), and the result must be the same.
#
# usage: sensors.sh WORMSCOPE [PGHOST]
#   PGHOST: the socket directory of a PostgreSQL server (tests/store/pg.sh
#   starts one): the same checks then run against PostgreSQL databases.
set -u
ws=$1
pghost=${2:-}
tag=sensors
here=$(cd "$(dirname "$0")" && pwd) || exit 2
. "$here/../cli/common.sh"
. "$here/backend.sh"

# worm lines from 3000 sources, padded with benign ones
awk 'BEGIN {
	for (i = 0; i < 60000; i++) {
		s = i % 3000
		printf "10.%d.%d.%d - - [01/Aug/2001:%02d:%02d:%02d +0000] \"GET /default.ida?NNNN%%u9090%%u6858%%ucbd3%%u7801=a HTTP/1.0\" 404 290 \"-\" \"-\"\n", \
			int(s / 65536) % 256, int(s / 256) % 256, s % 256, int(i / 3600) % 24, int(i / 60) % 60, i % 60
		printf "192.0.2.%d - - [01/Aug/2001:10:00:00 +0000] \"GET /index.html?k=%d HTTP/1.0\" 200 512 \"-\" \"Mozilla/4.0\"\n", i % 250 + 1, i
	}
}' >big.log || exit 2
head -n 2000 big.log >small.log

# ---- names and resumption --------------------------------------------------
"$ws" scan -q --db "$(db s)" --sensor web-1 small.log >/dev/null 2>s1.err
[ $? = 1 ] || fail "web-1: first scan does not exit 1 ($(head -c 200 s1.err))"
"$ws" scan -q --db "$(db s)" --sensor web-2 small.log >/dev/null 2>s2.err
[ $? = 1 ] || fail "web-2: the same log is new to another sensor ($(head -c 200 s2.err))"
"$ws" scan --db "$(db s)" --sensor web-1 small.log >s3.out 2>&1
[ $? = 0 ] || fail "web-1: rerun adds sightings"
grep -q "1 unchanged" s3.out || fail "web-1: rerun not unchanged: $(head -c 300 s3.out)"
"$ws" hosts --db "$(db s)" -f jsonl >h.out || fail "hosts failed"
[ "$(wc -l <h.out)" = 1000 ] || fail "hosts: $(wc -l <h.out) sources, want 1000"
[ "$(grep -c '"sensors":2' h.out)" = 1000 ] || fail "hosts: not every source seen by 2 sensors"
"$ws" hosts --db "$(db s)" --sensor web-1 -f csv >h1.out || fail "hosts --sensor failed"
[ "$(tail -n +2 h1.out | wc -l)" = 1000 ] || fail "hosts --sensor web-1: $(wc -l <h1.out) lines"
"$ws" hosts --db "$(db s)" --sensor nobody -f list >h0.out || fail "hosts --sensor nobody failed"
[ ! -s h0.out ] || fail "hosts --sensor nobody lists sources"
"$ws" hosts --db "$(db s)" --sensors -f csv >hs.out || fail "hosts --sensors failed"
grep -q '^web-1,1,1000,1000,' hs.out || fail "hosts --sensors: web-1 row wrong: $(cat hs.out)"
grep -q '^web-2,1,1000,1000,' hs.out || fail "hosts --sensors: web-2 row wrong: $(cat hs.out)"
"$ws" report --db "$(db s)" -o r.html >/dev/null 2>&1 || fail "report failed"
grep -q "Seen by 2 sensors" r.html || fail "report: no 'Seen by 2 sensors'"

"$ws" scan --db "$(db s)" --sensor 'web 1' small.log >/dev/null 2>bad.err
[ $? = 2 ] || fail "a sensor name with a space is accepted"
[ "$(wc -l <bad.err)" = 1 ] || fail "bad sensor name: not one line"
"$ws" scan --sensor web-1 small.log >/dev/null 2>nodb.err
[ $? = 2 ] || fail "--sensor without --db is accepted"

# ---- two sensors at once, each killed mid-ingest, then rerun ----------------
"$ws" scan -q --db "$(db clean)" --sensor a big.log >/dev/null 2>&1
"$ws" scan -q --db "$(db clean)" --sensor b big.log >/dev/null 2>&1
for round in 1 2; do
	fresh crash
	"$ws" scan -q --db "$(db crash)" --sensor a big.log >/dev/null 2>a.err &
	pa=$!
	"$ws" scan -q --db "$(db crash)" --sensor b big.log >/dev/null 2>b.err &
	pb=$!
	sleep "0.$((3 * round))"
	kill -9 $pa 2>/dev/null
	sleep 0.4
	kill -9 $pb 2>/dev/null
	wait $pa
	wait $pb
	"$ws" scan -q --db "$(db crash)" --sensor b big.log >/dev/null 2>b2.err &
	pb=$!
	"$ws" scan -q --db "$(db crash)" --sensor a big.log >/dev/null 2>a2.err
	ra=$?
	wait $pb
	rb=$?
	[ $ra -le 1 ] && [ $rb -le 1 ] ||
		fail "round $round: rerun failed ($ra $rb: $(head -c 200 a2.err) $(head -c 200 b2.err))"
	for f in jsonl; do
		"$ws" hosts --db "$(db clean)" -f $f >clean.$f
		"$ws" hosts --db "$(db crash)" -f $f >crash.$f
		cmp -s clean.$f crash.$f || fail "round $round: hosts -f $f differs from a clean run"
	done
	"$ws" hosts --db "$(db clean)" --sensors -f csv | cut -d, -f1,3,4 >clean.sensors
	"$ws" hosts --db "$(db crash)" --sensors -f csv | cut -d, -f1,3,4 >crash.sensors
	cmp -s clean.sensors crash.sensors ||
		fail "round $round: per-sensor counts differ: $(cat crash.sensors)"
done
grep -q '^a,60000,3000$' clean.sensors || fail "clean run: sensor a: $(cat clean.sensors)"

if [ $failed -ne 0 ]; then
	echo "store sensors: FAILED (outputs kept in $tmp)"
	trap - EXIT
	exit 1
fi
echo "store sensors: ok"
