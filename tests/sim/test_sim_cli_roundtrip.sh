#!/bin/sh
# SPDX-License-Identifier: MIT
# simulate's configuration round trip and determinism, through the CLI:
# --dump-config of a run with many options, read back with --config, must
# give byte-identical CSV, JSON, SVG, telescope-hosts and server-log files;
# a second run with the same seed too; another seed must differ.
#
# usage: test_sim_cli_roundtrip.sh WORMSCOPE
set -u
ws=$1
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

opts="--worm code-red-ii --vulnerable 3000 --scan-rate 40 --duration 2 --interval 300 --seed 7
      --telescope 44.0.0.0/8 --telescope 24.0.0.0/16 --runs 3 --set chinese_share=0.1
      --set patch_curve=0:0,2:0.3 --set dhcp_churn_h=1 --start 2001-08-04T00:00:00Z"
out() { # dir, extra options
	d=$t/$1; shift
	mkdir -p "$d"
	"$ws" simulate "$@" --out-csv "$d/s.csv" --summary-json "$d/s.json" --plot "$d/s.svg" \
		--telescope-hosts "$d/h.txt" --emit-log "$d/w.log" --server 192.0.2.80 --quiet ||
		fail "simulate $* exited $?"
}
# shellcheck disable=SC2086
"$ws" simulate $opts --dump-config > "$t/dump.conf" || fail "--dump-config exited $?"
grep -q 'SIMULATED' "$t/dump.conf" || fail "dump does not say SIMULATED"
grep -q '^seed *= 7$' "$t/dump.conf" || fail "dump lacks the seed"
grep -q '^# wormscope [0-9]' "$t/dump.conf" || fail "dump lacks the version"
# shellcheck disable=SC2086
out a $opts
out b --config "$t/dump.conf"
# shellcheck disable=SC2086
out c $opts
for f in s.csv s.json s.svg h.txt w.log; do
	cmp -s "$t/a/$f" "$t/b/$f" || fail "$f differs between the options and --config of their dump"
	cmp -s "$t/a/$f" "$t/c/$f" || fail "$f differs between two runs with the same seed"
done
"$ws" simulate --config "$t/dump.conf" --dump-config > "$t/dump2.conf"
cmp -s "$t/dump.conf" "$t/dump2.conf" || fail "dump of the read-back config differs"
# Asking for more outputs never changes the others.
"$ws" simulate --config "$t/dump.conf" --out-csv "$t/only.csv" --summary-json "$t/only.json" --quiet
cmp -s "$t/a/s.csv" "$t/only.csv" || fail "the series change when other outputs are asked for"
cmp -s "$t/a/s.json" "$t/only.json" || fail "the summary changes when other outputs are asked for"
out d --config "$t/dump.conf" --seed 8
cmp -s "$t/a/s.csv" "$t/d/s.csv" && fail "another seed gave the same series"
for f in s.csv s.json s.svg h.txt w.log; do
	grep -q 'SIMULATED' "$t/a/$f" || fail "$f does not say SIMULATED"
done
# CAIDA's Code-Red table layout: 8 tab-separated fields, the simulated address 9th.
grep -q '^#start_time	end_time	tld	country	latitude	longitude	as_number	as_name	simulated_address$' \
	"$t/a/h.txt" || fail "telescope hosts: no CAIDA column header"
bad=$(grep -v '^#' "$t/a/h.txt" | awk -F '\t' 'NF != 9 || $1 > $2 || $1 !~ /^[0-9]+\.[0-9][0-9][0-9]$/' | wc -l)
[ "$bad" -eq 0 ] || fail "telescope hosts: $bad lines not in the layout"
[ "$(grep -vc '^#' "$t/a/h.txt")" -gt 0 ] || fail "telescope hosts: no sources"
echo ok
