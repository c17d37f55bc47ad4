#!/bin/sh
# SPDX-License-Identifier: MIT
# Live capture on the loopback interface: wormscope captures on lo (as user
# nobody once the interface is open, -Z), the test's own losend listens on
# 127.0.0.1 and sends two Code Red requests and a benign one to itself, then
# SIGINT stops the capture: both worm requests must be reported with their
# 404 answers, the summary printed, exit code 1.
#
# usage: live.sh WORMSCOPE LOSEND     (skips, 77, when not root or when
#                                      capturing is not permitted here)
set -u
ws=$1 losend=$2
[ "$(id -u)" -eq 0 ] || { echo "not root: skipped"; exit 77; }
tmp=$(mktemp -d) || exit 2
chmod 755 "$tmp"
trap 'kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
cd "$tmp" || exit 2
mkfifo err.fifo
"$ws" scan -i lo -Z nobody --bpf 'tcp and host 127.0.0.1' -f csv --summary stderr \
	>out.csv 2>err.fifo &
pid=$!
# wormscope says when it is capturing; reading the fifo waits for that line
# (no sleeping), then the rest of stderr is kept.
exec 3<err.fifo
IFS= read -r first <&3
cat <&3 >err.txt &
case $first in
"wormscope scan: capturing on lo"*) ;;
*)
	echo "capture not possible here: $first: skipped"
	exit 77
	;;
esac
port=$("$losend") || { echo "losend failed"; exit 1; }
kill -INT "$pid"
wait "$pid"
rc=$?
wait
fail=0
[ "$rc" -eq 1 ] || { echo "exit code $rc, expected 1"; fail=1; }
for worm in code-red code-red-ii; do
	n=$(awk -F, -v w="$worm" -v p="$port" 'NR > 1 && $6 == w && $5 == p && $15 == 404' out.csv | wc -l)
	[ "$n" -eq 1 ] || { echo "$worm to port $port with status 404: $n sightings, expected 1"; fail=1; }
done
grep -q '^Capture: ' err.txt || { echo "no capture summary"; fail=1; }
grep -q '^Capture health: kernel drops ' err.txt || { echo "no capture health"; fail=1; }
if [ $fail -ne 0 ]; then
	cat out.csv err.txt
fi
exit $fail
