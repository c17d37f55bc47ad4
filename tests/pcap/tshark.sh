#!/bin/sh
# SPDX-License-Identifier: MIT
# Cross-check with tshark (Wireshark's dissector, the peer for captures): on
# each mkcap capture, the number of
# requests whose URI contains ".ida", and the Code Red I / II split, as
# wormscope reports them and as
#   tshark -r F -Y 'http.request.uri contains ".ida"'
# sees them (split by the URI's filler letter, N = I, X = II, as a
# Wireshark display filter does with `matches "\\.id[aq]\\?N{13}"`). They must agree, or differ by
# exactly what the table below states, for the reason it gives.
#
# usage: tshark.sh WORMSCOPE MKCAP      (skips, 77, without tshark)
set -u
ws=$1 mkcap=$2
command -v tshark >/dev/null 2>&1 || { echo "tshark not installed: skipped"; exit 77; }
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 2
fail=0

# scenario  tshark-option  wormscope minus tshark: all I II   why
# (ooo = -o tcp.reassemble_out_of_order:TRUE; without it tshark drops
# segments that come early and finds nothing in those two captures.)
while read -r scenario opt dall d1 d2 why; do
	case $scenario in ''|'#'*) continue ;; esac
	"$mkcap" "$scenario" c.pcap || exit 2
	o=
	[ "$opt" = ooo ] && o="-o tcp.reassemble_out_of_order:TRUE"
	# shellcheck disable=SC2086
	tshark -n $o -r c.pcap -Y 'http.request.uri contains ".ida"' -T fields \
		-e http.request.uri >t.txt 2>/dev/null
	t=$(wc -l <t.txt)
	t1=$(grep -cE '\.id[aq]\?N{13}' t.txt)
	t2=$(grep -cE '\.id[aq]\?X{13}' t.txt)
	"$ws" scan -q -f csv c.pcap >w.csv
	w=$(awk -F, 'NR > 1 && $13 ~ /\.ida/' w.csv | wc -l)
	w1=$(awk -F, 'NR > 1 && $6 == "code-red"' w.csv | wc -l)
	w2=$(awk -F, 'NR > 1 && $6 == "code-red-ii"' w.csv | wc -l)
	if [ $((w - t)) -ne "$dall" ] || [ $((w1 - t1)) -ne "$d1" ] || [ $((w2 - t2)) -ne "$d2" ]; then
		echo "FAIL $scenario: wormscope $w ($w1 I / $w2 II), tshark $t ($t1 / $t2); expected difference $dall $d1 $d2 ($why)"
		fail=1
	else
		echo "ok   $scenario: wormscope $w ($w1 I / $w2 II), tshark${o:+ $o} $t ($t1 / $t2)${why:+ -- $why}"
	fi
done <<'TABLE'
basic      -    0 0 0
segments   -    0 0 0
ooo        -    1 0 1   tshark drops segments that come early unless told -o tcp.reassemble_out_of_order:TRUE
ooo        ooo  0 0 0
retrans    ooo  0 0 0   retransmitted and overlapping copies: both keep the first bytes
keepalive  -    0 0 0   the POST body holding a Code Red line is not a request to either
vlan       -    0 0 0
qinq       -    0 0 0
sll        -    0 0 0
sll2       -    0 0 0
raw        -    0 0 0
null       -    0 0 0
ipv6       -    0 0 0
frag       -    0 0 0
anyport    -    0 0 0
portreuse  -    0 0 0
snaplen    -    0 0 0
corrupt    -    0 0 0
manyflows  -    0 0 0
benign     -   -1 0 0   tshark counts "/search?q=default.ida": .ida in a query, not a worm request
lowercase  -    1 1 0   tshark's HTTP dissector does not take lower-case "get" for a request
midstream  -    2 1 1   no handshake: tshark takes the 500 body bytes first seen for the start of a PDU and reassembles both requests into it; wormscope looks for a request start at each segment
TABLE
exit $fail
