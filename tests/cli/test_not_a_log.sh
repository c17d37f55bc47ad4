#!/bin/sh
# SPDX-License-Identifier: MIT
# An input that holds no line in a known log format, and is no capture, is
# not reported as clean (issue 12): `scan /etc/passwd` or a binary file said
# "No worm requests found." and exited 0. Now scan names the input and what
# it looked like and exits 2; a clean log of every format still exits 0. The
# same on standard input.
#
# usage: test_not_a_log.sh WORMSCOPE
set -u
ws=$1
tag=notlog
. "$(dirname "$0")/common.sh"
# has NAME FILE TEXT: FILE (out or err) of NAME holds TEXT.
has() {
	grep -qF -- "$3" "$1.$2" || fail "$1: $2 lacks '$3' (it was: $(head -c 300 "$1.$2"))"
}
hasnt() {
	if grep -qF -- "$3" "$1.$2"; then fail "$1: $2 holds '$3'"; fi
}

# Clean logs of every format: exit 0, "No worm requests found.", no warning.
printf '%s\n' '192.0.2.8 - - [19/Sep/2001:02:12:05 +0000] "GET /index.html HTTP/1.0" 200 10 "-" "-"' >ncsa.log
printf '%s\r\n' '#Software: Microsoft Internet Information Services 5.0' '#Version: 1.0' \
	'#Date: 2001-08-04 18:00:00' '#Fields: date time c-ip cs-method cs-uri-stem cs-uri-query sc-status' \
	'2001-08-04 18:25:41 203.0.113.9 GET /index.html - 200' >ex010804.log
printf '%s\r\n' '#Software: Microsoft Internet Information Services 5.0' '#Version: 1.0' \
	'#Date: 2001-08-04 00:00:00' >ex010805.log
printf '%s\n' '198.51.100.10, -, 8/2/01, 6:02:00, W3SVC1, WWW1, 10.0.0.1, 15, 300, 1043, 200, 0, GET, /default.htm, -,' >in010802.log
printf '%s\n' '{"time_iso8601":"2001-09-19T02:12:05+00:00","remote_addr":"198.51.100.10","request":"GET /index.html HTTP/1.1","status":200}' >access.json
printf '%s\n' '[Thu Jun 09 06:07:04 2005] [notice] Apache/2.0.52 (Fedora) configured -- resuming normal operations' >error_log
for f in ncsa.log ex010804.log ex010805.log in010802.log access.json error_log; do
	run "clean-$f" 0 scan "$f"
	has "clean-$f" out "No worm requests found."
	[ -s "clean-$f.err" ] && fail "clean-$f: stderr: $(cat "clean-$f.err")"
done
gzip -c ncsa.log >ncsa.log.gz
run clean-gz 0 scan ncsa.log.gz
# worm lines that --worm leaves out are still lines of a log
printf '%s\n' '192.0.2.77 - - [19/Sep/2001:02:12:00 +0000] "GET /scripts/root.exe?/c+dir HTTP/1.0" 404 1 "-" "-"' >nimda.log
run clean-filtered 0 scan --worm code-red nimda.log
run clean-ignored 0 scan --ignore-src 192.0.2.0/24 nimda.log

# Not logs: the name, what it looked like, exit 2, and no false reassurance.
printf 'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' >passwd
run text 2 scan passwd
has text err "wormscope scan: passwd: not a log or capture (text, but no line in a known log format)"
hasnt text out "No worm requests found."
has text out "Nothing was read as a log or capture"
gzip -c passwd >passwd.gz
run text-gz 2 scan passwd.gz
has text-gz err "passwd.gz: not a log or capture (text, but no line in a known log format)"
head -c 4096 /dev/urandom >random.bin
printf '\000\001\002' >>random.bin
run binary 2 scan random.bin
has binary err "random.bin: not a log or capture (binary data)"
hasnt binary out "No worm requests found."
run binary-q 2 scan -q random.bin
has binary-q err "random.bin: not a log or capture (binary data)"
run binary-jsonl 2 scan -f jsonl random.bin
has binary-jsonl err "random.bin: not a log or capture (binary data)"
run binary-db 2 scan --db s.db random.bin
has binary-db err "random.bin: not a log or capture (binary data)"
# forced to one format, a log of another is not read as a log either
run forced 2 scan --log-format json ncsa.log
has forced err "ncsa.log: not a log or capture (text, but no line in a known log format)"

# Beside a log: the log is scanned and reported, the exit status is 2.
run mixed 2 scan -f jsonl --summary stderr nimda.log passwd
has mixed out '"worm":"nimda"'
has mixed err "passwd: not a log or capture"
has mixed err "Inputs not read as logs: 1"

# Empty inputs: named on the command line, they are said to be empty; in a
# folder beside logs they are only counted; nothing but empty ones is exit 2.
: >empty.log
run empty 2 scan empty.log
has empty err "wormscope scan: empty.log: empty"
hasnt empty out "No worm requests found."
run empty-stdin 2 scan - </dev/null
has empty-stdin err "wormscope scan: -: empty"
mkdir logs
cp ncsa.log logs/access.log
: >logs/access.log.1
run dir-with-empty 0 scan logs
[ -s dir-with-empty.err ] && fail "dir-with-empty: stderr: $(cat dir-with-empty.err)"
has dir-with-empty out "Empty inputs: 1"

# Standard input, which cannot be read twice, is judged from the head the
# scan read (it said "No worm requests found." and exit 0 for /etc/passwd).
# stdin_run NAME WANT_RC FILE ARGS...: scan ARGS with FILE on stdin.
stdin_run() {
	name=$1 want=$2 file=$3
	shift 3
	"$ws" "$@" <"$file" >"$name.out" 2>"$name.err"
	rc=$?
	[ "$rc" = "$want" ] || fail "$name: exit $rc, expected $want ($(head -c 300 "$name.err"))"
}
stdin_run stdin-text 2 passwd scan
has stdin-text err "wormscope scan: standard input: not a log or capture (text, but no line in a known log format)"
hasnt stdin-text out "No worm requests found."
stdin_run stdin-binary 2 random.bin scan -
has stdin-binary err "standard input: not a log or capture (binary data)"
stdin_run stdin-text-gz 2 passwd.gz scan -
has stdin-text-gz err "standard input: not a log or capture (text"
stdin_run stdin-clean 0 ncsa.log scan
has stdin-clean out "No worm requests found."
[ -s stdin-clean.err ] && fail "stdin-clean: stderr: $(cat stdin-clean.err)"
stdin_run stdin-clean-gz 0 ncsa.log.gz scan -
stdin_run stdin-clean-w3c 0 ex010804.log scan -
stdin_run stdin-worm 1 nimda.log scan -

# A stored log read again ("unchanged") is still a log.
run db-first 0 scan -q --db t.db ncsa.log
run db-again 0 scan --db t.db ncsa.log
has db-again out "No worm requests found."

[ $failed -eq 0 ] && echo "not_a_log: ok"
exit $failed
