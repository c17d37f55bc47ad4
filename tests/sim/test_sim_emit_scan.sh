#!/bin/sh
# SPDX-License-Identifier: MIT
# simulate --emit-log -> scan: the log a web server would have kept is read
# back by `wormscope scan`, every request line found as the simulated worm's,
# with the status that server kind answered and the simulated mark first.
#
# usage: test_sim_emit_scan.sh WORMSCOPE
set -u
ws=$1
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# Two dense /16s; --server auto puts the server in the denser one.
printf '24.12.0.0/16 800\n24.13.0.0/16 400\n' > "$t/pop.txt"
check() { # worm kind want_status extra...
	worm=$1 kind=$2 status=$3; shift 3
	"$ws" simulate --worm "$worm" --population "$t/pop.txt" --duration 3 --seed 3 --quiet \
		--emit-log "$t/$worm.log" --server auto --server-kind "$kind" "$@" ||
		fail "simulate $worm exited $?"
	grep -q ' at 24\.12\.' "$t/$worm.log" || fail "$worm: --server auto not in the densest /16"
	head -1 "$t/$worm.log" | grep -q '^#wormscope-simulated .*SIMULATED.*seed 3' ||
		fail "$worm: first line is not the simulated mark with version and seed"
	lines=$(($(wc -l < "$t/$worm.log") - 1))
	[ "$lines" -gt 0 ] || fail "$worm: the server saw nothing"
	"$ws" scan --format jsonl "$t/$worm.log" > "$t/$worm.jsonl" 2>/dev/null
	rc=$?
	[ $rc -eq 1 ] || fail "$worm: scan exited $rc, want 1"
	found=$(grep -c "\"worm\":\"$worm\"" "$t/$worm.jsonl")
	[ "$found" -eq "$lines" ] || fail "$worm: scan found $found of $lines requests"
	bad=$(grep -vc "\"status\":$status" "$t/$worm.jsonl")
	[ "$bad" -eq 0 ] || [ "$worm" = nimda ] || fail "$worm: $bad lines without status $status"
	grep -q '"compromised":true' "$t/$worm.jsonl" && fail "$worm: a refused probe reads as success"
	marked=$(grep -c '"simulated":true' "$t/$worm.jsonl")
	[ "$marked" -eq "$lines" ] || fail "$worm: $marked of $lines sightings marked simulated"
	return 0
}
check code-red apache 400 --scan-rate 200000
check code-red-ii iis 404 --scan-rate 5
check nimda apache 404 --scan-rate 5
# Nimda's 16 GETs come together: a multiple of 16 lines.
n=$(($(wc -l < "$t/nimda.log") - 1))
[ $((n % 16)) -eq 0 ] || fail "nimda: $n lines, not whole 16-probe visits"
echo ok
