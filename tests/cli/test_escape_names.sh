#!/bin/sh
# SPDX-License-Identifier: MIT
# Every name the user gave (a file, a directory, the store, an interface, an
# option's value) reaches the terminal escaped: a name holding ESC [31m is
# printed as the text \x1b[31m, never as the raw byte, in error messages, in
# the scan summary and in the store line (issue 11). The names hold control
# bytes, so this test makes its own files.
#
# usage: test_escape_names.sh WORMSCOPE
set -u
ws=$1
tag=esc
. "$(dirname "$0")/common.sh"

esc=$(printf '\033')
bad="a${esc}[31mb"

# run NAME WANT_RC ARGS...: runs wormscope; its stdout and stderr together
# must hold no ESC byte and must show the name as \x1b[31m.
run() {
	name=$1
	want=$2
	shift 2
	"$ws" "$@" >"$name.out" 2>"$name.err"
	rc=$?
	[ "$rc" = "$want" ] || fail "$name: exit $rc, expected $want"
	if cat "$name.out" "$name.err" | grep -q "$esc"; then
		fail "$name: a raw ESC byte reached the terminal:"
		cat "$name.out" "$name.err" | od -c | head -n 8
	fi
	cat "$name.out" "$name.err" | grep -qF 'a\x1b[31mb' ||
		fail "$name: the name is not shown escaped ($(head -c 300 "$name.err"))"
}

printf '%s\n' \
	'192.0.2.77 - - [19/Sep/2001:02:12:00 +0000] "GET /scripts/root.exe?/c+dir HTTP/1.0" 200 1432 "-" "-"' \
	'this line is not a log line [at all]' \
	'192.0.2.8 - - [19/Sep/2001:02:12:05 +0000] "GET /index.html HTTP/1.0" 200 10 "-" "-"' \
	>"$bad.log"

# scan: a missing file, the summary's compromised answers and unparsable lines
run scan-missing 2 scan "$bad-missing.log"
run scan-summary 1 scan "$bad.log"
grep -q 'COMPROMISED-LOOKING' scan-summary.out || fail "scan-summary: no compromised answer listed"
run scan-strict 1 scan --strict "$bad.log"
grep -q 'Unparsable lines' scan-strict.out || fail "scan-strict: no unparsable line named"
run scan-db 1 scan --db "$bad.db" "$bad.log"
run scan-out 2 scan -f jsonl -o "$bad/no/such/dir.jsonl" "$bad.log"
run scan-tz 2 scan --tz "$bad" "$bad.log"
run scan-home 2 scan --home-net "$bad" "$bad.log"
run scan-worm 2 scan --worm "$bad" "$bad.log"
run scan-option 2 scan "--$bad" "$bad.log"
run scan-iface 2 scan -i "$bad"
run scan-log-format 2 scan --log-format "$bad" "$bad.log"
printf 'not a log line\n' >"$bad.txt"
run scan-not-a-log 2 scan "$bad.txt"
: >"$bad.empty"
run scan-empty 2 scan "$bad.empty"

# hosts and report: the store's name, option values, stray arguments
run hosts-missing 2 hosts --db "$bad-missing.db"
run hosts-since 2 hosts --db "$bad.db" --since "$bad"
run hosts-cidr 2 hosts --db "$bad.db" --cidr "$bad"
run hosts-arg 2 hosts --db "$bad.db" "$bad"
run report-missing 2 report --db "$bad-missing.db" -o r.html
run report-out 2 report --db "$bad.db" -o "$bad/no/such/dir.html"
run report-arg 2 report --db "$bad.db" "$bad"

# worms, the command itself, guard
run worms-id 2 worms "$bad"
run command 2 "$bad"
run guard-arg 2 guard --listen 127.0.0.1:0 --upstream 127.0.0.1:1 --check "$bad"
run guard-upstream 2 guard --listen 127.0.0.1:0 --upstream "$bad" --check
run guard-config 2 guard --config "$bad.conf" --check

[ $failed -eq 0 ] && echo "escape_names: ok"
exit $failed
