#!/bin/sh
# SPDX-License-Identifier: MIT
# scan --telescope on a capture of a darknet (mkcap telescope: 9 probes from
# 5 sources on port 80, 2 backscatter, 2 SYNs to other ports, 2 other
# packets, and one Code Red I request to a real server): the text and JSONL
# summaries, --telescope-ports, the exit code, the option errors, and
# --db: the store's tables, a rescan that adds nothing, --monitored-addresses.
#
# usage: telescope.sh WORMSCOPE MKCAP
set -u
ws=$1 mkcap=$2
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 2
fail=0
bad() { echo "FAIL: $*"; fail=1; }
"$mkcap" telescope t.pcap || exit 2

"$ws" scan --telescope 203.0.113.0/24 t.pcap >out.txt
[ $? -eq 1 ] || bad "want exit 1"
grep -q 'Telescope 203.0.113.0/24 (256 addresses, port 80): 5 sources, 9 probes, 2 backscatter, 2 to other ports, 2 other packets' out.txt ||
	{ bad "text summary:"; cat out.txt; }
grep -q 'watched 2001-08-05T08:27:00Z to 2001-08-05T08:29:00Z' out.txt || bad "watched span"
grep -q '^code-red  *1 ' out.txt || bad "the Code Red request beside the darknet is still a sighting"

"$ws" scan -f jsonl --telescope 203.0.113.0/24 --telescope-ports 80,8080 t.pcap 2>/dev/null >out.jsonl
python3 - out.jsonl <<'PY' || fail=1
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
t = [r for r in rows if r.get("type") == "telescope"]
assert len(t) == 1 and rows[-1] is t[0], "one telescope line, last"
t = t[0]
want = {"prefixes": ["203.0.113.0/24"], "addresses": 256, "ports": [80, 8080], "sources": 6,
        "probes": 10, "backscatter": 2, "other_ports": 1, "other": 2, "untracked": 0,
        "start": "2001-08-05T08:27:00Z", "simulated": False}
for k, v in want.items():
    assert t[k] == v, f"{k}: {t[k]!r}, want {v!r}"
assert sum(1 for r in rows if r.get("worm") == "code-red") == 1
PY

# a log, no capture: the telescope saw nothing, and says so
printf '192.0.2.1 - - [05/Aug/2001:08:27:00 +0000] "GET / HTTP/1.0" 200 10 "-" "-"\n' >a.log
"$ws" scan --telescope 203.0.113.0/24 a.log >out.txt
[ $? -eq 0 ] || bad "a clean log with --telescope: want exit 0"
grep -q '0 sources, 0 probes' out.txt || bad "empty telescope summary"

# option errors: exit 2 with a message
for args in "--telescope 203.0.113.1/24" "--telescope 2001:db8::/32" "--telescope nonsense" \
	"--telescope-ports 80" "--telescope 203.0.113.0/24 --telescope-ports 0" \
	"--monitored-addresses 5" "--telescope 203.0.113.0/24 --telescope-max-sources 3"; do
	# shellcheck disable=SC2086
	"$ws" scan $args t.pcap >/dev/null 2>err.txt
	[ $? -eq 2 ] || bad "$args: want exit 2"
	[ -s err.txt ] || bad "$args: no message"
done

# the store: observations with the input, resumable, the web view's size
"$ws" scan -q --db s.db --monitored-addresses 4 --telescope 203.0.113.0/24 t.pcap
[ $? -eq 1 ] || bad "--db: want exit 1"
"$ws" scan -q --db s.db --telescope 203.0.113.0/24 t.pcap
q() { sqlite3 s.db "$1"; }
[ "$(q 'SELECT count(*), sum(probes) FROM tele_sources')" = "5|9" ] || bad "tele_sources: $(q 'SELECT count(*), sum(probes) FROM tele_sources')"
[ "$(q "SELECT addresses, prefixes, ports FROM tele_views WHERE kind = 'telescope'")" = "256|203.0.113.0/24|80" ] || bad "tele_views"
[ "$(q "SELECT addresses FROM tele_views WHERE kind = 'web'")" = "4" ] || bad "web view size"
[ "$(q 'SELECT count(*), sum(probes), sum(backscatter), sum(other_ports) FROM tele_inputs')" = "1|9|2|2" ] || bad "tele_inputs: $(q 'SELECT * FROM tele_inputs')"
[ "$(q 'SELECT group_concat(probes || "/" || active, " ") FROM (SELECT * FROM tele_counts WHERE span = 60 ORDER BY t)')" = "4/3 3/2 2/2" ] ||
	bad "per-minute counts: $(q 'SELECT * FROM tele_counts WHERE span = 60')"
[ "$(q 'SELECT count(*) FROM sightings')" = "1" ] || bad "the sighting is stored once"
exit $fail
