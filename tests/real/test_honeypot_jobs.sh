#!/bin/sh
# SPDX-License-Identifier: MIT
# Output order does not depend on the number of jobs: scanning the honeypot
# folder (33 files) with -j 1 and with -j 2 gives byte-identical JSON lines
# (input order, then line order - wormscope(1), --jobs), and the same exit
# status (1). The -j 1 run also has the hand-verified total of 2396 sightings
# (see test_honeypot_totals.sh for its derivation) in file-name order:
# access_log, access_log.1, access_log.10, ... access_log.9, error_log...
# (directories are read in name order), each file's lines ascending.
. "$(dirname "$0")/common.sh"
D=$REAL/hnet-honeypot-2005
need_dir "$D"
need_file "$D/access_log" "$D/error_log.2005-06-09_to_06-19"

ws "$WORK/j1.jsonl" "$WORK/j1.err" scan -q --format jsonl -j 1 "$D"
expect_rc 1 "-j 1"
ws "$WORK/j2.jsonl" "$WORK/j2.err" scan -q --format jsonl -j 2 "$D"
expect_rc 1 "-j 2"
if ! cmp -s "$WORK/j1.jsonl" "$WORK/j2.jsonl"; then
	cmp "$WORK/j1.jsonl" "$WORK/j2.jsonl" >&2
	diff "$WORK/j1.jsonl" "$WORK/j2.jsonl" | head -c 3000 >&2
	fail "-j 1 and -j 2 give different jsonl output over $D"
fi

check_jsonl "$WORK/j1.jsonl" <<'PY'
eq("total sightings", len(rows), 2396)
order = [(r["base"], r["line"]) for r in rows]
eq("sightings in (file name, line) order", order, sorted(order))
PY
exit 0
