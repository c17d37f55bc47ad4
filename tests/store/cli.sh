#!/bin/sh
# SPDX-License-Identifier: MIT
# The store from the command line: `scan --db` twice adds nothing (exit 1,
# then 0), a grown log adds only its new lines, `hosts` in every format and
# with every filter (compared with tests/store/expected/), errors exit 2 with
# one line naming the store, and `scan --follow` picks up appended lines and
# stops on SIGINT with what it read committed.
#
# usage: cli.sh WORMSCOPE TESTS_STORE_DIR [PGHOST]
#   PGHOST: the socket directory of a PostgreSQL server (tests/store/pg.sh):
#   the same commands then run against PostgreSQL databases and must give the
#   same outputs (the error cases stay on files).
set -u
ws=$1
here=$2
pghost=${3:-}
tag=cli
case $ws in /*) ;; *) ws=$(pwd)/$ws ;; esac
here=$(cd "$here" && pwd) || exit 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ws-store-cli.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$tmp" || exit 2
cp "$here"/fixtures/*.log . || exit 2
. "$here/backend.sh"

failed=0
fail() {
	echo "FAIL: $*"
	failed=1
}

# expect RC NAME ARGS...: runs wormscope, compares stdout with expected/NAME.
expect() {
	want=$1
	name=$2
	shift 2
	"$ws" "$@" >"$name.out" 2>"$name.err"
	rc=$?
	[ "$rc" = "$want" ] || fail "$name: exit $rc, expected $want ($(head -c 300 "$name.err"))"
	if [ -f "$here/expected/$name" ]; then
		cmp -s "$here/expected/$name" "$name.out" || {
			fail "$name: output differs"
			diff -u "$here/expected/$name" "$name.out" | head -n 40
		}
	fi
}

# ---- scan --db: idempotent, resumable ------------------------------------
expect 1 scan1 scan -q --db "$(db s)" --home-net 203.0.113.0/24 access.log compromised.log \
	hostile.log simulated.log
expect 0 scan2 scan --db "$(db s)" --home-net 203.0.113.0/24 access.log compromised.log \
	hostile.log simulated.log
grep -q "4 unchanged" scan2.out || fail "scan2: summary does not say 4 unchanged"
grep -q "No worm requests found" scan2.out || fail "scan2: the rerun found sightings"
head -n 3 access.log >>compromised.log # the log grows: two worm lines, one benign
expect 1 scan3 scan --db "$(db s)" compromised.log
grep -q "^total  *2 " scan3.out || fail "scan3: the grown log did not add exactly its 2 worm lines"
grep -q "1 resumed" scan3.out || fail "scan3: not resumed"

# ---- hosts: formats and filters -------------------------------------------
expect 0 hosts-text.out hosts --db "$(db s)"
expect 0 hosts-jsonl.out hosts --db "$(db s)" -f jsonl
expect 0 hosts-csv.out hosts --db "$(db s)" --format csv
expect 0 hosts-list.out hosts --db "$(db s)" -f list
expect 0 hosts-worm.out hosts --db "$(db s)" --worm nimda,backdoor-use -f jsonl
expect 0 hosts-time.out hosts --db "$(db s)" --since 2001-09-19 --until 2001-09-20T10:00:00Z -f list
expect 0 hosts-cidr.out hosts --db "$(db s)" --cidr 192.0.2.0/24 --cidr 211.0.0.0/8 -f list
expect 0 hosts-min.out hosts --db "$(db s)" --min-requests 3 -f list
expect 0 hosts-inside.out hosts --db "$(db s)" --inside -f list
expect 0 hosts-outside.out hosts --db "$(db s)" --outside --compromised -f list
expect 0 hosts-compromised.out hosts --db "$(db s)" --compromised
grep -q SIMULATED hosts-text.out.out || fail "hosts text does not mark simulated sources"
grep -q "simulated logs" hosts-list.out.err || fail "hosts list: no simulated warning"
expect 0 hosts-help hosts --help
grep -q -- "--min-requests" hosts-help.out || fail "hosts --help lacks its options"

# ---- errors: exit 2, one line naming the store -----------------------------
expect 2 err-missing hosts --db missing.db
grep -q "missing.db" err-missing.err || fail "err-missing: message does not name the store"
expect 2 err-format hosts --db s.db -f xml
expect 2 err-worm hosts --db s.db --worm blaster
expect 2 err-time hosts --db s.db --since yesterday
expect 2 err-nodb hosts
printf 'SQLite format 3\000 but not really a database, just bytes\n' >junk.db
expect 2 err-corrupt hosts --db junk.db
[ "$(wc -l <err-corrupt.err)" -eq 1 ] || fail "err-corrupt: not one line"
grep -q "junk.db" err-corrupt.err || fail "err-corrupt: message does not name the store"
expect 2 err-scan-corrupt scan -q --db junk.db access.log
grep -q "junk.db" err-scan-corrupt.err || fail "err-scan-corrupt: message does not name it"
expect 2 err-follow scan --follow access.log
if [ -n "$pghost" ]; then
	expect 2 err-pg-missing hosts --db "postgresql:///ws_nonesuch?host=$pghost&user=ws"
	grep -q "ws_nonesuch" err-pg-missing.err || fail "err-pg-missing: message does not name it"
	[ "$(wc -l <err-pg-missing.err)" -eq 1 ] || fail "err-pg-missing: not one line"
fi

# ---- --follow -------------------------------------------------------------
: >grow.log
"$ws" scan -q --db "$(db f)" --follow grow.log >follow.out 2>follow.err &
pid=$!
sleep 1
head -n 5 access.log >>grow.log
sleep 2
tail -n 4 access.log >>grow.log
sleep 2
kill -INT $pid
wait $pid
rc=$?
[ "$rc" = 1 ] || fail "follow: exit $rc, expected 1 ($(head -c 300 follow.err))"
"$ws" hosts --db "$(db f)" -f list >follow-hosts.out
want=$( (head -n 5 access.log; tail -n 4 access.log) | "$ws" scan -q -f jsonl - |
	sed 's/.*"src":"\([^"]*\)".*/\1/' | sort -u | wc -l)
got=$(wc -l <follow-hosts.out)
[ "$got" = "$want" ] || fail "follow: $got sources stored, expected $want"
expect 0 follow-again scan -q --db "$(db f)" grow.log

if [ $failed -ne 0 ]; then
	echo "store cli: FAILED (outputs kept in $tmp)"
	trap - EXIT
	exit 1
fi
echo "store cli: ok"
