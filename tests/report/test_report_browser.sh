#!/bin/sh
# SPDX-License-Identifier: MIT
# The HTML report in a real browser (Debian's chromium, headless, its own
# command line: --dump-dom and --screenshot). Builds a store with
# `scan --db` from logs that carry hostile lines (a <script> in a URI,
# javascript: in the referer and agent, quotes, invalid UTF-8, a file name
# with markup), writes the report, and checks in the DOM chromium built:
#   - nothing ran: the title is unchanged, no element came from a log;
#   - the charts are there (six <svg class="chart"> with title and desc);
#   - the numbers in the tables equal what `scan -f jsonl` finds in the same
#     logs (total, per worm, distinct sources, compromised-looking answers,
#     the top source, the hourly totals);
#   - the stylesheet's CSP hash matches the stylesheet (openssl);
#   - a store of simulated logs shows the SIMULATED DATA banner.
# Leaves report.html and report.png in OUTDIR for a look.
#
# Without chromium, the checks on the file itself still run, then the test
# reports itself skipped.
#
# usage: test_report_browser.sh WORMSCOPE OUTDIR      (exit 77 = skipped)
set -u
ws=$1
outdir=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ws-report-XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$outdir" "$tmp/logs" || exit 2
outdir=$(cd "$outdir" && pwd) # file:// URLs need absolute paths
fails=0
fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# --- the logs -----------------------------------------------------------------
# Code Red II's request as Apache logged it, Nimda's first probe, and a few
# normal requests; 30 hours, sources spread over several /8 and /16.
crii='/default.ida?XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u9090%u8190%u00c3%u0003%u8b00%u531b%u53ff%u0078%u0000%u00=a'
awk -v crii="$crii" 'BEGIN {
	for (i = 0; i < 600; i++) {
		h = int(i / 20); m = (i * 7) % 60
		day = 4 + int(h / 24); hh = h % 24
		if (i % 5 == 0)
			src = "192.0.2.77"          # the busiest source
		else
			src = sprintf("%d.%d.%d.%d", (i % 3 == 0) ? 24 : (i % 3 == 1) ? 61 : 211,
			              i % 7, (i * 13) % 250, 1 + i % 29)
		t = sprintf("[%02d/Aug/2001:%02d:%02d:%02d +0000]", day, hh, m, i % 60)
		if (i % 4 == 3)
			printf "%s - - %s \"GET /scripts/root.exe?/c+dir HTTP/1.0\" %d 214 \"-\" \"-\"\n", src, t, (i % 40 == 3) ? 200 : 404
		else
			printf "%s - - %s \"GET %s HTTP/1.0\" 404 284 \"-\" \"-\"\n", src, t, crii
		if (i % 6 == 0)
			printf "198.51.100.10 - - %s \"GET /index.html HTTP/1.1\" 200 1043 \"-\" \"Mozilla/4.0\"\n", t
	}
}' >"$tmp/logs/access.log"
# The hostile lines: markup and javascript: in every field a log can carry,
# quotes, and bytes that are not UTF-8. They are worm requests (Nimda's
# probes, answered 200) so that they reach the report's tables.
hostile="$tmp/logs/hostile'<svg onload=document.title=1>.log"
{
	printf '%s\n' "203.0.113.66 - - [05/Aug/2001:03:00:01 +0000] \"GET /scripts/root.exe?/c+dir<script>document.title='PWNED'</script> HTTP/1.0\" 200 99 \"javascript:document.title='PWNED'\" \"<img src=x onerror=document.title='PWNED'>\""
	printf '%s\n' "203.0.113.66 - - [05/Aug/2001:03:00:02 +0000] \"GET /scripts/root.exe?/c+dir\\\"onmouseover=\\\"document.title='PWNED' HTTP/1.0\" 200 99 \"-\" \"javascript:alert(1)\""
	printf '203.0.113.67 - - [05/Aug/2001:03:00:03 +0000] "GET /scripts/root.exe?/c+dir\377\376\300 HTTP/1.0" 200 99 "-" "bad \377 bytes"\n'
} >"$hostile"

# --- the store and the report -----------------------------------------------------
db=$tmp/store.db
"$ws" scan --db "$db" --summary none "$tmp/logs/access.log" "$hostile" >/dev/null 2>"$tmp/scan.err"
rc=$?
[ $rc -eq 1 ] || { cat "$tmp/scan.err"; fail "scan --db exit $rc, want 1"; exit 1; }
"$ws" scan -f jsonl --summary none "$tmp/logs/access.log" "$hostile" >"$tmp/all.jsonl"
report=$outdir/report.html
"$ws" report --db "$db" -o "$report" --title "Worm report test" 2>"$tmp/report.err"
rc=$?
[ $rc -eq 0 ] || { cat "$tmp/report.err"; fail "report exit $rc, want 0"; exit 1; }

# --- the file itself -------------------------------------------------------------
grep -q "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'sha256-" "$report" ||
	fail "no CSP meta"
grep -qi '<script' "$report" && fail "a <script> tag in the file"
if command -v openssl >/dev/null 2>&1; then
	want=$(sed -n "s/.*style-src 'sha256-\([^']*\)'.*/\1/p" "$report" | head -1)
	got=$(awk 'BEGIN{RS="</style>"} NR==1 {sub(/.*<style>/, ""); printf "%s", $0}' "$report" |
		openssl dgst -sha256 -binary | base64)
	[ "$want" = "$got" ] || fail "CSP style hash $want, the stylesheet hashes to $got"
fi

# The page never replaces the store (the rename would destroy it).
cp "$db" "$tmp/copy.db"
"$ws" report -q --db "$tmp/copy.db" -o "$tmp/copy.db" 2>"$tmp/self.err" && fail "report -o onto the store succeeded"
cmp -s "$db" "$tmp/copy.db" || fail "report -o onto the store changed it"
grep -q "is the store's own file" "$tmp/self.err" || fail "no error for -o onto the store: $(cat "$tmp/self.err")"

# --- in the browser ----------------------------------------------------------------
chrome=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chrome" ]; then
	[ $fails -eq 0 ] || exit 1
	echo "SKIP: chromium is not installed (make deps installs Debian's chromium); the file checks passed"
	exit 77
fi
sandbox=
[ "$(id -u)" -eq 0 ] && sandbox=--no-sandbox
browse() { # browse WHAT ARGS...: chromium headless with a throwaway profile
	what=$1
	shift
	timeout 90 "$chrome" --headless $sandbox --disable-gpu --no-first-run --mute-audio \
		--user-data-dir="$tmp/profile" --hide-scrollbars "$@" 2>"$tmp/chrome-$what.err"
}
browse dom --dump-dom "file://$report" >"$tmp/dom.html"
[ -s "$tmp/dom.html" ] || { cat "$tmp/chrome-dom.err"; fail "chromium dumped no DOM"; exit 1; }
dom=$tmp/dom.html

# Nothing ran, nothing was injected.
title=$(sed -n 's:.*<title>\([^<]*\)</title>.*:\1:p' "$dom" | head -1)
[ "$title" = "Worm report test" ] || fail "page title is '$title'"
grep -q 'PWNED</title>' "$dom" && fail "a script changed the title"
grep -qi '<script' "$dom" && fail "a <script> element in the DOM"
grep -qi '<img' "$dom" && fail "an <img> element came from a log"
grep -qiE '<[a-z]+ [^>]*on(load|error|mouseover)=' "$dom" && fail "an event handler attribute in the DOM"
grep -qi 'href=' "$dom" && fail "a link in the page"
# ...and the hostile strings are there, as text.
grep -q "&lt;svg onload=document.title=1&gt;.log" "$dom" || fail "hostile file name not shown as text"
if grep -q 'id="tab-answers"' "$dom"; then
	grep -q "/c+dir&lt;script&gt;document.title='PWNED'&lt;/script&gt;" "$dom" ||
		fail "hostile URI not shown as text"
	grep -q '\\xff\\xfe\\xc0' "$dom" || fail "invalid UTF-8 not shown as \\xHH"
	grep -q '>javascript:alert(1)<' "$dom" || fail "javascript: agent not shown as text"
fi

# The charts.
n=$(grep -o '<svg class="chart"' "$dom" | wc -l)
[ "$n" -eq 6 ] || fail "$n charts, want 6"
for id in chart-hours chart-curve chart-sources chart-net16 chart-net8 chart-status; do
	grep -q "<svg class=\"chart\" id=\"$id\"[^>]*role=\"img\" aria-labelledby=\"$id-t $id-d\"><title id=\"$id-t\">" "$dom" ||
		fail "chart $id missing or without its title"
done
nworms=$(sed 's/.*"worm":"\([^"]*\)".*/\1/' "$tmp/all.jsonl" | sort -u | wc -l)
[ "$(grep -o '<path class="curve"' "$dom" | wc -l)" -eq "$nworms" ] || fail "want $nworms epidemic curves"

# The numbers equal the scan's over the same logs.
card() { sed -n "s:.*id=\"$1\"><span class=\"v\">\([0-9,]*\)</span>.*:\1:p" "$dom" | tr -d , ; }
worm_requests() { sed -n "s:.*<code>$1</code></td><td class=\"n\">\([0-9,]*\)</td>.*:\1:p" "$dom" | tr -d , ; }
total=$(wc -l <"$tmp/all.jsonl")
sources=$(sed 's/.*"src":"\([^"]*\)".*/\1/' "$tmp/all.jsonl" | sort -u | wc -l)
comp=$(grep -c '"compromised":true' "$tmp/all.jsonl")
[ "$(card ov-sightings)" = "$total" ] || fail "sightings $(card ov-sightings), scan found $total"
[ "$(card ov-sources)" = "$sources" ] || fail "sources $(card ov-sources), scan found $sources"
[ "$(card ov-compromised)" = "$comp" ] || fail "compromised $(card ov-compromised), scan found $comp"
[ "$(card ov-inputs)" = 2 ] || fail "inputs $(card ov-inputs), want 2"
# ...and the store's own tables, read with the sqlite3 shell.
if command -v sqlite3 >/dev/null 2>&1; then
	st=$(sqlite3 "$db" "SELECT (SELECT count(*) FROM sightings) || ' ' || (SELECT count(*) FROM hosts) || ' ' || (SELECT compromised FROM totals)")
	[ "$st" = "$(card ov-sightings) $(card ov-sources) $(card ov-compromised)" ] ||
		fail "the store says '$st' (sightings, hosts, compromised); the page $(card ov-sightings) $(card ov-sources) $(card ov-compromised)"
fi
for w in code-red-ii nimda; do
	want=$(grep -c "\"worm\":\"$w\"" "$tmp/all.jsonl")
	got=$(worm_requests "$w")
	[ "$got" = "$want" ] || fail "$w requests '$got', scan found $want"
done
top=$(sed 's/.*"src":"\([^"]*\)".*/\1/' "$tmp/all.jsonl" | sort | uniq -c | sort -rn | head -1)
top_n=${top% *}
top_n=$(echo $top_n)
top_a=${top##* }
tr '\n' ' ' <"$dom" | grep -o '<table id="tab-sources">.*</table>' | grep -o '<tbody><tr[^>]*><td class="data addr">[^<]*</td><td class="n">[0-9,]*' |
	head -1 | sed 's/.*addr">\([^<]*\)<\/td><td class="n">\([0-9,]*\)/\1 \2/' | tr -d , >"$tmp/top"
[ "$(cat "$tmp/top")" = "$top_a $top_n" ] || fail "top source '$(cat "$tmp/top")', scan says '$top_a $top_n'"
hours_sum=$(tr '\n' ' ' <"$dom" | sed 's/.*<table id="tab-hours">//; s:</table>.*::' |
	grep -o '<td class="n">[0-9,]*</td></tr>' | sed 's/[^0-9]//g' | awk '{s += $1} END {print s + 0}')
[ "$hours_sum" = "$total" ] || fail "hourly totals add up to $hours_sum, scan found $total"

# The look: a screenshot for people (and a check that it rendered).
browse png --window-size=1280,2600 --screenshot="$outdir/report.png" "file://$report" >/dev/null
[ -s "$outdir/report.png" ] || fail "no screenshot"

# --- simulated data --------------------------------------------------------------
{
	echo '#wormscope-simulated'
	head -50 "$tmp/logs/access.log"
} >"$tmp/sim.log"
"$ws" scan --db "$tmp/sim.db" --summary none "$tmp/sim.log" >/dev/null 2>&1
"$ws" report -q --db "$tmp/sim.db" -o "$tmp/sim.html" || fail "report of a simulated store"
browse sim --dump-dom "file://$tmp/sim.html" >"$tmp/sim-dom.html"
grep -q '<title>SIMULATED DATA: wormscope report</title>' "$tmp/sim-dom.html" || fail "simulated title"
grep -q 'id="simulated"' "$tmp/sim-dom.html" || fail "no SIMULATED DATA banner"
n=$(grep -o '<title id="chart-[a-z0-9]*-t">SIMULATED DATA: ' "$tmp/sim-dom.html" | wc -l)
[ "$n" -eq 6 ] || fail "$n of 6 chart titles say SIMULATED DATA"

if [ $fails -ne 0 ]; then
	echo "$fails check(s) failed; the page is $report"
	exit 1
fi
echo "ok: report checked in $("$chrome" --version 2>/dev/null | head -1); screenshot $outdir/report.png"
