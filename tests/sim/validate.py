#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Validation targets of docs/sim-validation.md, run through
`wormscope simulate` (the sanitized binary under CTest):

  validate.py WORMSCOPE TARGET [SOURCE_DIR]

TARGET is one of
  k         #1 and #2: CRv2-like, N = 360,000, 358 scans/min, uniform, no
            defences: fitted K = 1.80 per hour (+-3 %), early doubling 23 min,
            1 % -> 90 % in 3.77 h and 1 % -> 99 % in 5.1 h (+-5 %).
  replay    #3: the 19 July 2001 replay (scenarios/code-red-2001-07-19.conf):
            359,104 infected by the stop (+-5 %), peak new sources per minute
            on the /8 telescope in 1,700..2,900, and the Code Red calendar
            stops all spreading at 00:00 UTC 20 July.
  throttle  #7: every host throttled to 1 new destination per second: K falls
            to 0.30 per hour (+-3 %).
  slammer   #8: N = 75,000, 4,700 scans/s per host, no bandwidth cap:
            doubling 8.5 s (+-5 %).
  probe     #1 and #2 through `--mode per-probe`, scaled: 4,000 hosts in four
            /16s (--population), the uniform space shrunk to 2^18 addresses
            (space_scale 2^-14) and r = 1.8 h^-1 * 2^18 / 4,000: K = r N /
            space is unchanged and the logistic times depend on K alone.

No scaling (except `probe`): the fast engine's cost grows with infections,
not probes, so every target runs at full size even under the sanitizers
(about 0.05 s a run).
Each figure is the median over 20 seeds (1..20), each seed its own process,
so that differences such as t_90 - t_1 are taken per run before the median.
"""
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile

SEEDS = range(1, 21)
SPACE = 2.0**32


def run(ws, args, tmp, seed):
    out = os.path.join(tmp, "s%d.json" % seed)
    cmd = [ws, "simulate", "--quiet", "--seed", str(seed), "--summary-json", out] + args
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit("FAIL: %s: exit %d: %s" % (" ".join(cmd), p.returncode, p.stderr.strip()))
    with open(out) as f:
        d = json.load(f)
    if d.get("simulated") is not True:
        sys.exit("FAIL: summary not marked simulated")
    return d


def medians(ws, args, tmp, fn):
    vals = [fn(run(ws, args, tmp, s)) for s in SEEDS]
    return [statistics.median(v) for v in zip(*vals)]


failed = []


def check(name, got, want, rel=None, lo=None, hi=None):
    if rel is not None:
        lo, hi = want * (1 - rel), want * (1 + rel)
    ok = lo <= got <= hi
    print("%-44s %12.5g  expected %.5g  [%.5g, %.5g]  %s"
          % (name, got, want, lo, hi, "ok" if ok else "FAIL"))
    if not ok:
        failed.append(name)


CODE_RED = ["--worm", "code-red", "--vulnerable", "360000", "--scan-rate", str(358 / 60),
            "--set", "calendar=none"]


def target_k(ws, tmp, src):
    k_want = 358 / 60 * 360000 / SPACE * 3600
    k, t90, t99 = medians(ws, CODE_RED + ["--duration", "14"], tmp, lambda d: (
        d["fitted_K_per_hour"],
        (d["t_90pct"] - d["t_1pct"]) / 3600,
        (d["t_99pct"] - d["t_1pct"]) / 3600))
    check("#1 fitted K (per hour)", k, 1.80, rel=0.03)
    check("#1 K against r N / 2^32", k, k_want, rel=0.03)
    check("#1 early doubling ln2/K (min)", math.log(2) / k * 60, 23.1, rel=0.03)
    check("#2 1 % -> 90 % (h)", t90, 3.77, rel=0.05)
    check("#2 1 % -> 99 % (h)", t99, 5.1, rel=0.05)


def target_replay(ws, tmp, src):
    conf = os.path.join(src, "scenarios", "code-red-2001-07-19.conf")
    # Two hours past the stop: nothing may spread after 00:00 UTC 20 July.
    csv = os.path.join(tmp, "replay.csv")
    final, peak = medians(ws, ["--config", conf], tmp, lambda d: (
        d["final_infected"], d["telescopes"][0]["peak_new_sources_per_min"]))
    check("#3 infected by 00:00 UTC 20 Jul", final, 359104, rel=0.05)
    check("#3 peak new /8 sources per minute", peak, 2000, lo=1700, hi=2900)
    run(ws, ["--config", conf, "--duration", "16", "--out-csv", csv], tmp, 1)
    late = 0.0
    with open(csv) as f:
        rows = [r for r in f if r.strip() and not r.startswith("#")]
    head = rows[0].rstrip("\n").split(",")
    col_t, col_new = head.index("time_utc"), head.index("new_infections")
    for r in rows[1:]:
        v = r.rstrip("\n").split(",")
        if v[col_t] > "2001-07-20T00:00:00Z":  # rows are labelled by their end
            late += float(v[col_new])
    check("#3 new infections after the stop", late, 0, lo=0, hi=0)


def target_throttle(ws, tmp, src):
    args = CODE_RED + ["--duration", "60", "--set", "throttle_rate=1", "--set",
                       "throttle_share=1", "--set", "throttle_start_h=0"]
    (k,) = medians(ws, args, tmp, lambda d: (d["fitted_K_per_hour"],))
    check("#7 throttled K (per hour)", k, 0.30, rel=0.03)
    check("#7 throttled K against 1 x N / 2^32", k, 360000 / SPACE * 3600, rel=0.03)


def target_slammer(ws, tmp, src):
    args = ["--worm", "slammer", "--vulnerable", "75000", "--scan-rate", "4700",
            "--set", "bandwidth_cap=0", "--duration", "0.1", "--interval", "1"]
    (k,) = medians(ws, args, tmp, lambda d: (d["fitted_K_per_hour"],))
    check("#8 doubling 3600 ln2 / K (s)", 3600 * math.log(2) / k, 8.5, rel=0.05)


def target_probe(ws, tmp, src):
    pop = os.path.join(tmp, "pop.txt")
    with open(pop, "w") as f:
        f.write("61.10.0.0/16 1600\n61.20.0.0/16 1200\n200.5.0.0/16 800\n200.9.0.0/16 400\n")
    space = 2.0**18
    rate = 1.8 / 3600 * space / 4000
    args = ["--worm", "code-red", "--mode", "per-probe", "--population", pop,
            "--vulnerable", "4000", "--scan-rate", repr(rate), "--duration", "12",
            "--set", "calendar=none", "--set", "space_scale=%r" % (space / SPACE)]
    k, t90, t99 = medians(ws, args, tmp, lambda d: (
        d["fitted_K_per_hour"],
        (d["t_90pct"] - d["t_1pct"]) / 3600,
        (d["t_99pct"] - d["t_1pct"]) / 3600))
    check("#1 per-probe fitted K (per hour)", k, 1.80, rel=0.03)
    check("#2 per-probe 1 % -> 90 % (h)", t90, 3.77, rel=0.05)
    check("#2 per-probe 1 % -> 99 % (h)", t99, 5.1, rel=0.05)


TARGETS = {"k": target_k, "replay": target_replay, "throttle": target_throttle,
           "slammer": target_slammer, "probe": target_probe}


def main():
    if len(sys.argv) < 3 or sys.argv[2] not in TARGETS:
        sys.exit("usage: validate.py WORMSCOPE {%s} [SOURCE_DIR]" % "|".join(TARGETS))
    src = sys.argv[3] if len(sys.argv) > 3 else os.path.join(os.path.dirname(__file__), "..", "..")
    with tempfile.TemporaryDirectory(prefix="ws-validate-") as tmp:
        TARGETS[sys.argv[2]](sys.argv[1], tmp, src)
    if failed:
        sys.exit("FAIL: " + "; ".join(failed))


if __name__ == "__main__":
    main()
