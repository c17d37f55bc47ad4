#!/bin/sh
# SPDX-License-Identifier: MIT
# `make demo`: generate the access log of one web server from 13 July to 30
# September 2001 (mostly benign; the worms arrive on their own calendars: Code
# Red in July and again from 1 August, Code Red II from 4 August, Nimda from 18
# September; made by bench/genlog, request lines only, never worm code), then
# scan it, keep it in a store and report on it, the way a user would. scan exits 1 when it finds worms: that is the point of the demo, so
# only exit 2 (an error) fails it.
set -eu
ws=${1:-build/wormscope}
dir=$(dirname "$ws")/demo
mkdir -p "$dir"
GENLOG_CALENDAR=2001 "$(dirname "$ws")/bench/genlog" 50000 2001 > "$dir/access.log" 2> "$dir/access.log.truth"
gzip -c "$dir/access.log" > "$dir/access.log.gz"

run() {
	echo "\$ $*"
	set +e
	"$@"
	rc=$?
	set -e
	[ "$rc" -le 1 ] || { echo "demo: '$*' failed with exit $rc" >&2; exit 1; }
	echo "(exit $rc)"
	echo
}

# A hand-written IIS W3C log (examples/), built from what IIS records for these
# worms: a Code Red II probe from inside 10/8, and Nimda probes that got 200s.
run "$ws" scan --home-net 10.0.0.0/8 "$(dirname "$0")/../examples/iis-w3c-2001-08-04.log"
run "$ws" scan "$dir/access.log.gz"
run "$ws" scan --quiet --format jsonl -o "$dir/sightings.jsonl" "$dir/access.log"
run "$ws" scan --quiet --format eve -o "$dir/eve.json" "$dir/access.log"

# The store and the HTML report: the server's summer of 2001 kept in SQLite,
# then one self-contained page with the charts.
rm -f "$dir/demo.db" "$dir/demo.db-wal" "$dir/demo.db-shm"
run "$ws" scan --quiet --db "$dir/demo.db" "$dir/access.log"
run "$ws" hosts --db "$dir/demo.db" --worm nimda --min-requests 16
run "$ws" report --db "$dir/demo.db" -o "$dir/report.html"

# A packet capture written by the test tooling (request lines and headers as
# the worms sent them, a filler body), scanned like a log.
mkcap=$(dirname "$ws")/tests/mkcap
if [ -x "$mkcap" ]; then
	"$mkcap" basic "$dir/basic.pcap"
	run "$ws" scan "$dir/basic.pcap"
fi

# The simulator's whole loop: the Code Red II outbreak of August 2001
# (scenarios/, sources in the file), the access log a web server inside the
# densest /16 would have kept, that log scanned into its own store (its
# sightings marked simulated), and the report on it. Everything it writes
# says SIMULATED.
rm -f "$dir/sim.db" "$dir/sim.db-wal" "$dir/sim.db-shm"
run "$ws" simulate --config "$(dirname "$0")/../scenarios/code-red-ii-2001-08.conf" --duration 24 \
	--summary-json "$dir/crii.json" --out-csv "$dir/crii.csv" --plot "$dir/crii.svg" \
	--emit-log "$dir/crii-server.log" --server auto
run "$ws" scan --quiet --db "$dir/sim.db" "$dir/crii-server.log"
run "$ws" report --db "$dir/sim.db" -o "$dir/sim-report.html"

echo "demo: results"
echo "  generated log        $dir/access.log (what was written: $dir/access.log.truth)"
echo "  sightings            $dir/sightings.jsonl ($(wc -l < "$dir/sightings.jsonl") lines), EVE alerts $dir/eve.json"
echo "  store                $dir/demo.db   (wormscope hosts --db $dir/demo.db)"
echo "  report               $dir/report.html (open it in any browser; it needs no network)"
[ -f "$dir/basic.pcap" ] && echo "  capture              $dir/basic.pcap"
echo "  SIMULATED outbreak   $dir/crii.json, series $dir/crii.csv, chart $dir/crii.svg"
echo "  SIMULATED server log $dir/crii-server.log, store $dir/sim.db, report $dir/sim-report.html"
