#!/bin/sh
# SPDX-License-Identifier: MIT
# The closed loop of issue 14: simulate --emit-pcap -> scan --telescope --db.
# What the store holds from the capture is what the simulation did: the
# capture is marked simulated (pcapng section comment), read back as such
# into the store; per hour, the sources the telescope saw first (from the
# SYNs alone) follow the simulator's own telescope curve and never exceed
# the infected count; the probes add up; --emit-sample thins them and the
# store says by how much; a capture too big is refused before anything is
# written. `wormscope estimate --db` on the store must find the simulated
# population and growth rate, marked simulated.
#
# usage: test_sim_emit_pcap.sh WORMSCOPE
set -u
ws=$1
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$t" || exit 2

sim="--vulnerable 100000 --scan-rate 20 --start 2001-07-19T10:00:00Z --duration 12 --seed 7"
# shellcheck disable=SC2086
"$ws" simulate $sim --telescope 44.0.0.0/16 --quiet --out-csv s.csv --emit-pcap s.pcapng ||
	fail "simulate --emit-pcap exited $?"
"$ws" scan -q --telescope 44.0.0.0/16 --db t.db s.pcapng
[ $? -eq 1 ] || fail "scan of the simulated capture: want exit 1 (probes)"
[ "$(sqlite3 t.db 'SELECT simulated FROM inputs')" = 1 ] || fail "input not marked simulated"
[ "$(sqlite3 t.db "SELECT simulated FROM tele_views WHERE kind = 'telescope'")" = 1 ] ||
	fail "telescope view not marked simulated"
[ "$(sqlite3 t.db 'SELECT count(*) FROM tele_sources WHERE simulated = 0')" = 0 ] ||
	fail "sources not marked simulated"
"$ws" scan -f jsonl --telescope 44.0.0.0/16 s.pcapng 2>/dev/null | tail -1 | grep -q '"simulated":true' ||
	fail "JSONL telescope summary not marked simulated"
sqlite3 -csv t.db "SELECT first / 3600 * 3600, count(*) FROM tele_sources GROUP BY 1" > new.csv
sqlite3 -csv t.db "SELECT sum(probes) FROM tele_counts WHERE span = 3600" > probes.txt
python3 - s.csv new.csv probes.txt <<'PY' || exit 1
import csv, sys
rows = [r for r in csv.DictReader(l for l in open(sys.argv[1]) if not l.startswith("#"))]
start = 995536800  # 2001-07-19T10:00:00Z
sim_new, infected, sim_probes = {}, {}, 0
for r in rows:
    h = start + (int(r["time_s"]) - 1) // 3600 * 3600
    sim_new[h] = sim_new.get(h, 0) + float(r["tel0_new_sources"])
    infected[h] = float(r["infected"]) + float(r["removed"])
    sim_probes += float(r["tel0_probes"])
got = {int(a): int(b) for a, b in csv.reader(open(sys.argv[2]))}
total_sim, total_got = sum(sim_new.values()), sum(got.values())
assert total_got > 50000, f"only {total_got} sources"
cs = cg = 0
for h in sorted(sim_new):
    cs += sim_new[h]
    cg += got.get(h, 0)
    # the same process drawn twice: cumulative curves within 5 % of the total
    assert abs(cs - cg) <= 0.05 * total_sim, f"hour {h}: captured {cg} sources, simulated {cs:.0f}"
    assert cg <= infected[h], f"hour {h}: {cg} sources seen, only {infected[h]:.0f} infected"
probes = int(open(sys.argv[3]).read())
assert abs(probes - sim_probes) <= 0.03 * sim_probes, f"{probes} probes, simulated {sim_probes:.0f}"
print(f"closed loop: {total_got} sources (simulated telescope {total_sim:.0f}), {probes} probes")
PY

# sampled: half the probes, and the store records the share
# shellcheck disable=SC2086
"$ws" simulate $sim --telescope 44.0.0.0/16 --quiet --emit-pcap h.pcapng --emit-sample 0.5 ||
	fail "--emit-sample 0.5 exited $?"
"$ws" scan -q --telescope 44.0.0.0/16 --db h.db h.pcapng
[ "$(sqlite3 h.db 'SELECT sample FROM tele_inputs')" = 0.5 ] || fail "sample not stored"
full=$(sqlite3 t.db 'SELECT probes FROM tele_inputs') half=$(sqlite3 h.db 'SELECT probes FROM tele_inputs')
python3 -c "import sys; f, h = $full, $half; sys.exit(0 if abs(h - f / 2) < 0.03 * f else 1)" ||
	fail "--emit-sample 0.5 kept $half of $full probes"

# too big: refused, nothing written, the message says what to give
# shellcheck disable=SC2086
"$ws" simulate $sim --telescope 44.0.0.0/8 --quiet --emit-pcap big.pcapng 2>err.txt
[ $? -eq 2 ] || fail "a /8 capture over the limit: want exit 2"
[ ! -e big.pcapng ] || fail "a refused capture was written"
grep -q 'emit-sample' err.txt || fail "refusal does not name --emit-sample: $(cat err.txt)"
# shellcheck disable=SC2086
"$ws" simulate $sim --quiet --emit-pcap x.pcapng 2>/dev/null && fail "--emit-pcap without --telescope accepted"
# shellcheck disable=SC2086
"$ws" simulate $sim --telescope 44.0.0.0/16 --quiet --emit-sample 0.1 --out-csv y.csv 2>/dev/null &&
	fail "--emit-sample without --emit-pcap accepted"
# shellcheck disable=SC2086
"$ws" simulate $sim --telescope 44.0.0.0/16 --quiet --emit-pcap x.pcapng --emit-sample 2 2>/dev/null &&
	fail "--emit-sample 2 accepted"
# shellcheck disable=SC2086
"$ws" simulate $sim --telescope 44.0.0.0/16 --mode per-probe --quiet --emit-pcap x.pcapng 2>/dev/null &&
	fail "--emit-pcap in per-probe mode accepted"

# the same seed gives the same bytes
# shellcheck disable=SC2086
"$ws" simulate $sim --telescope 44.0.0.0/16 --quiet --emit-pcap again.pcapng
cmp -s s.pcapng again.pcapng || fail "the same seed gave another capture"

# ... -> estimate --db: the fit on the store finds what the simulation did,
# with nothing tuned on it: 100,000 vulnerable, K = r N / 2^32 = 1.676/h; from
# the data up to 18:00 UTC (about 8 % infected), N within 25 %.
"$ws" estimate --db t.db -f json > est.json 2>est.err || fail "estimate on the store: $(cat est.err)"
"$ws" estimate --db t.db --until 2001-07-19T18:00:00Z -f json > early.json 2>>est.err ||
	fail "estimate --until on the store: $(cat est.err)"
"$ws" estimate --db t.db | head -1 | grep -q '^SIMULATED DATA' || fail "estimate text not marked simulated"
python3 - est.json early.json <<'PY' || exit 1
import json, sys
d, e = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
K = 20 * 100000 * 3600 / 2**32
assert d["simulated"] is True, "estimate JSON not marked simulated"
assert d["fit_ok"] is True, "fit_ok false: " + d["verdict"]
assert abs(d["N"] - 100000) <= 0.10 * 100000, "N = %s, simulated 100000 vulnerable" % d["N"]
assert abs(d["K_per_hour"] - K) <= 0.15 * K, "K = %s, simulated %.3f" % (d["K_per_hour"], K)
assert d["N_ci95"][0] <= d["N"] <= d["N_ci95"][1], "N outside its own interval"
assert d["alarm_time"] is not None, "no early warning on a worm"
assert abs(e["N"] - 100000) <= 0.25 * 100000, "forecast N = %s from data up to 18:00" % e["N"]
print("estimate: N = %.0f, K = %.3f/h (simulated 100000, %.3f/h); up to 18:00 N = %.0f"
      % (d["N"], d["K_per_hour"], K, e["N"]))
PY
exit 0
