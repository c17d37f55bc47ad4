#!/bin/sh
# SPDX-License-Identifier: MIT
# Behavioural detection's false-alarm control (issue 17): the first 5,000 lines
# of elastic/examples apache_logs (May 2015, benign traffic; see
# test_elastic_control.sh for how that was established from the raw lines)
# with --behaviour: no unknown-outbreak alert, no record of any kind, exit 0.
# Logs carry no TCP handshakes or payloads, so scanner and new-worm alerts
# cannot arise from them; the request-shape detector is what is tested here.
. "$(dirname "$0")/common.sh"
F=$REAL/misc/elastic-apache_logs-2015-first5000.log
need_file "$F"

ws "$WORK/out.jsonl" "$WORK/err" scan --behaviour --format jsonl --summary stderr "$F"
expect_rc 0 "benign control with --behaviour"
[ -s "$WORK/out.jsonl" ] && { head -c 2000 "$WORK/out.jsonl" >&2; fail "alerts or sightings in the benign control with --behaviour (above)"; }
grep -q 'Behaviour (not from the worm table)' "$WORK/err" && { cat "$WORK/err" >&2; fail "the summary reports behavioural alerts on benign logs"; }
exit 0
