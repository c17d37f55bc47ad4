#!/bin/sh
# SPDX-License-Identifier: MIT
# -o FILE without -f takes the format from FILE's name (issue 12: `scan -o
# out.jsonl LOG` wrote an empty file, since the default format writes no
# sightings): .jsonl JSON Lines, .csv CSV, .json Suricata EVE, .txt the text
# summary; any other name is refused (exit 2) before anything is written.
# -f given wins. Every value -f accepts is listed in --help and the README.
#
# usage: test_output_format.sh WORMSCOPE
set -u
ws=$1
tag=out
readme=$(cd "$(dirname "$0")/../.." && pwd)/README.md
. "$(dirname "$0")/common.sh"
# its own run: stdout in NAME.stdout, stderr in NAME.stderr
run() {
	name=$1
	want=$2
	shift 2
	"$ws" "$@" >"$name.stdout" 2>"$name.stderr" </dev/null
	rc=$?
	[ "$rc" = "$want" ] || fail "$name: exit $rc, expected $want ($(head -c 300 "$name.stderr"))"
}
# first FILE TEXT: FILE's first line holds TEXT.
first() {
	head -n 1 "$1" 2>/dev/null | grep -qF -- "$2" || fail "$1: first line lacks '$2': $(head -c 200 "$1" 2>/dev/null)"
}

printf '%s\n' \
	'192.0.2.77 - - [19/Sep/2001:02:12:00 +0000] "GET /scripts/root.exe?/c+dir HTTP/1.0" 200 1432 "-" "-"' \
	'192.0.2.8 - - [19/Sep/2001:02:12:05 +0000] "GET /index.html HTTP/1.0" 200 10 "-" "-"' >access.log

run jsonl 1 scan -o out.jsonl access.log
first out.jsonl '"worm":"nimda"'
grep -q 'wormscope scan: 1 input' jsonl.stderr || fail "jsonl: no summary on stderr"
run jsonl-upper 1 scan -o OUT.JSONL access.log
first OUT.JSONL '"worm":"nimda"'
run csv 1 scan -o out.csv access.log
first out.csv 'ts,src,'
run eve 1 scan -o eve.json access.log
first eve.json '"event_type":"alert"'
run txt 1 scan -o summary.txt access.log
first summary.txt 'wormscope scan: 1 input'
grep -q 'COMPROMISED-LOOKING' summary.txt || fail "txt: the summary is not in the file"
[ -s txt.stdout ] && fail "txt: stdout: $(head -c 200 txt.stdout)"
run text 1 scan -f text -o report.out access.log
first report.out 'wormscope scan: 1 input'
run explicit 1 scan -f csv -o out2.jsonl access.log
first out2.jsonl 'ts,src,'

run unknown 2 scan -o out.log access.log
[ -e out.log ] && fail "unknown: out.log was created"
[ "$(wc -l <unknown.stderr)" = 1 ] || fail "unknown: not one line: $(cat unknown.stderr)"
grep -q 'out.log' unknown.stderr && grep -q -- '-f' unknown.stderr ||
	fail "unknown: message does not name the file and -f: $(cat unknown.stderr)"
run noext 2 scan -o sightings access.log
[ -e sightings ] && fail "noext: the file was created"

# every value -f accepts is in --help and in the README's option table
"$ws" scan --help >help.txt
for v in text jsonl json csv eve; do
	run "accept-$v" 1 scan -f "$v" --summary none access.log
	grep -- '--format' help.txt | grep -qw "$v" || fail "--help does not list -f $v"
	sed -n '/^## `wormscope scan`/,/^## [^#]/p' "$readme" | grep -- '`-f, --format FMT`' |
		grep -q "\`$v\`" || fail "README (scan options) does not list -f $v"
done
run reject 2 scan -f xml access.log

[ $failed -eq 0 ] && echo "output_format: ok"
exit $failed
