# SPDX-License-Identifier: MIT
"""The partitioned per-probe run (simulate --partition over mpirun -np 2)
equals the single-process per-probe mode in distribution: two-sample KS
tests over 32 seeds on the final count and on the infection-time curve (the
time to 10 % and the count at 240 s of 360), and on the same seed
and ranks it is deterministic. A control with a 20 s infection delay (4 s in the
runs compared) in
the reference must be told apart, so the test can fail.

Usage: ks_partition.py WORMSCOPE MPIRUN"""
import csv
import json
import math
import os
import subprocess
import sys
import tempfile

W, MPIRUN = sys.argv[1], sys.argv[2]
SEEDS = 32
ALPHA = 0.01
FLAGS = ["--oversubscribe"] + (["--allow-run-as-root"] if os.getuid() == 0 else [])
ENV = dict(os.environ, ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") + ":detect_leaks=0")

# Four /16s of one /8, 300 hosts each: with /16 blocks over two ranks the
# same-/8 probes (half of Code Red II's) cross ranks, so the exchange
# decides the outbreak.
POP = "10.1.0.0/16 300\n10.2.0.0/16 300\n10.3.0.0/16 300\n10.4.0.0/16 300\n"


def scenario(pop, delay):
    return ["simulate", "--worm", "code-red-ii", "--mode", "per-probe", "--population", pop,
            "--vulnerable", "1200", "--duration", "0.1", "--interval", "30",
            "--set", "lifetime_h=0", "--set", "infection_delay_s=%g" % delay,
            "--sweep", "seed=1:%d:1" % SEEDS, "--quiet"]


def run(cmd, cwd):
    p = subprocess.run(cmd, cwd=cwd, env=ENV, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("FAIL: %s: %s" % (" ".join(cmd), p.stderr.strip()))


def figures(d, tag):
    """Per seed: final count, hours to 10 %, infected at 240 s of 360."""
    out = {"final": [], "t10": [], "mid": []}
    for p in range(SEEDS):
        j = json.load(open(os.path.join(d, "%s-%03d.json" % (tag, p))))
        out["final"].append(j["final_infected"])
        out["t10"].append(j["t_10pct"] if j["t_10pct"] is not None else math.inf)
    rows = [r for r in csv.reader(l for l in open(os.path.join(d, tag + ".csv"))
                                  if not l.startswith("#"))]
    head, body = rows[0], rows[1:]
    ci, ct = head.index("infected"), head.index("time_s")
    for p in range(SEEDS):
        v = [int(r[ci]) for r in body if r[0] == str(p) and float(r[ct]) == 240]
        out["mid"].append(v[0])
    return out


def ks(a, b):
    """Two-sample Kolmogorov-Smirnov statistic and asymptotic p-value."""
    a, b = sorted(a), sorted(b)
    n, m = len(a), len(b)
    i = j = 0
    d = 0.0
    for x in sorted(set(a + b)):
        while i < n and a[i] <= x:
            i += 1
        while j < m and b[j] <= x:
            j += 1
        d = max(d, abs(i / n - j / m))
    en = math.sqrt(n * m / (n + m))
    lam = (en + 0.12 + 0.11 / en) * d
    p = 2 * sum((-1) ** (k - 1) * math.exp(-2 * k * k * lam * lam) for k in range(1, 101))
    return d, min(1.0, max(0.0, p))


def main():
    t = tempfile.mkdtemp()
    pop = os.path.join(t, "pop.txt")
    open(pop, "w").write(POP)
    out = lambda tag: ["--out-csv", tag + ".csv", "--summary-json", tag + ".json"]
    run([W] + scenario(pop, 4) + out("ref"), t)
    run([W] + scenario(pop, 20) + out("slow"), t)
    mpi = [MPIRUN] + FLAGS + ["-np", "2", W]
    part = scenario(pop, 4) + ["--partition", "--partition-block", "16"]
    run(mpi + part + out("part"), t)
    run(mpi + part + out("again"), t)
    for f in ["again.csv"] + ["again-%03d.json" % p for p in range(SEEDS)]:
        a = open(os.path.join(t, f)).read()
        b = open(os.path.join(t, f.replace("again", "part"))).read()
        if a != b:
            sys.exit("FAIL: the partitioned run is not deterministic (%s)" % f)
    ref, slow, prt = figures(t, "ref"), figures(t, "slow"), figures(t, "part")
    ok = True
    for k in ["final", "t10", "mid"]:
        d, p = ks(ref[k], prt[k])
        print("KS %-5s single vs partitioned: D = %.3f, p = %.3f" % (k, d, p))
        ok &= p >= ALPHA
    # the control: a different delay must show in the curve
    d, p = ks(slow["t10"], prt["t10"])
    print("KS t10 with a 20 s delay vs partitioned (control): D = %.3f, p = %.2g" % (d, p))
    if p >= ALPHA:
        sys.exit("FAIL: the KS test does not tell a 20 s delay from 4 s: it has no power here")
    if not ok:
        sys.exit("FAIL: the partitioned run differs in distribution from the single-process one")
    print("ok")


main()
