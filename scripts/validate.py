#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Runs every validation check of the simulator: the shipped scenarios
against what was measured in 2001 and 2003 (issue 15) and the model's
own targets #1-#8 (through tests/sim/validate.py and the cmocka units),
and writes docs/validation.md.

  scripts/validate.py BUILD_DIR [--fast] [--out FILE] [--shared DIR] [--gate]

BUILD_DIR holds wormscope (or give the binary itself). --fast runs 5 seeds
instead of 20 (2 for the Code Red II server check) and only the issue-15
checks (the CTest subset, a few seconds).
--gate exits 1 when a check that the table marks as a gate fails (the
known misses are reported, not gated). --out writes the Markdown table.
Every model figure is SIMULATED; every target names its primary source
(keys of docs/sources.md).
"""
import csv
import io
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SC = os.path.join(ROOT, "scenarios")
rows = []  # (group, target, source, model, tolerance, ok, gate)


def add(group, target, source, model, tol, ok, gate=True):
    rows.append((group, target, source, model, tol, ok, gate))
    print("%-4s %-62.62s %-28.28s %s" % ("ok" if ok else "MISS", target, model,
                                        "" if gate else "(not gated)"))


def sim(ws, args, tmp, name):
    js = os.path.join(tmp, name + ".json")
    cs = os.path.join(tmp, name + ".csv")
    cmd = [ws, "simulate", "--quiet", "--summary-json", js, "--out-csv", cs] + args
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit("validate: %s: exit %d: %s" % (" ".join(cmd), p.returncode, p.stderr.strip()))
    with open(js) as f:
        d = json.load(f)
    assert d["simulated"] is True
    with open(cs) as f:
        lines = [l for l in f if not l.startswith("#")]
    r = list(csv.DictReader(io.StringIO("".join(lines))))
    return d, r


def utc(start_h, s):
    """Hours from the start -> 'HH:MM UTC' (start_h: the start's hour of day)."""
    if s is None:
        return "not reached"
    h = start_h + s / 3600.0
    return "%02d:%02d UTC" % (int(h) % 24, int(round((h - int(h)) * 60)) % 60)


def slope(points):
    xs = [p[0] for p in points]
    ys = [math.log(p[1]) for p in points if p[1] > 0]
    n = len(ys)
    mx, my = sum(xs) / n, sum(ys) / n
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def july(ws, tmp, runs):
    conf = os.path.join(SC, "code-red-2001-07-19.conf")
    # hourly rows, the /8 and a /16 telescope (Reed's class B is a /16)
    d, r = sim(ws, ["--config", conf, "--runs", str(runs), "--interval", "3600",
                    "--telescope", "44.0.0.0/8", "--telescope", "45.10.0.0/16",
                    "--duration", "16"], tmp, "jul")
    src = "[CAIDA-DS] [CAIDA-IMW02]"
    fin = float([x for x in r if x["time_utc"] == "2001-07-20T00:00:00Z"][0]["infected"])
    add("19 July 2001 (code-red-2001-07-19)", "infected by the calendar stop, 00:00 UTC 20 July: 359,104",
        src, "%.0f" % fin, "±5 %", abs(fin / 359104 - 1) <= 0.05)
    pk = d["telescopes"][0]["peak_new_sources_per_min"]
    add("19 July 2001 (code-red-2001-07-19)", "peak new sources per minute at the /8: over 2,000",
        "[CAIDA-IMW02]", "%.0f/min" % pk, "1,700-2,900", 1700 <= pk <= 2900)
    after = sum(float(x["new_infections"]) for x in r if x["time_utc"] > "2001-07-20T00:00:00Z")
    add("19 July 2001 (code-red-2001-07-19)", "no spreading after 00:00 UTC 20 July (calendar)",
        "[CERT-IN-2001-08]", "%.0f new infections" % after, "0", after == 0)
    t50, t90 = d["t_50pct"], d["t_90pct"]
    add("19 July 2001 (code-red-2001-07-19)",
        "surge 14-15 UTC at one class B: 50 % infected (steepest rise)", "[Reed01]",
        utc(10, t50), "13:00-16:00 UTC (±1 h)", t50 is not None and 3 * 3600 <= t50 <= 6 * 3600)
    add("19 July 2001 (code-red-2001-07-19)", "levelling 16-17 UTC at the class B: 90 % infected",
        "[Reed01]", utc(10, t90), "15:00-18:00 UTC (±1 h)",
        t90 is not None and 5 * 3600 <= t90 <= 8 * 3600)
    b = float([x for x in r if x["time_utc"] == "2001-07-19T20:00:00Z"][0]["tel1_sources"])
    add("19 July 2001 (code-red-2001-07-19)",
        "distinct sources at one /16, 19:00-20:00 UTC: 115,124", "[Reed01]",
        "%.0f (%.2f×)" % (b, b / 115124), "±25 %", abs(b / 115124 - 1) <= 0.25, gate=False)
    return d


def july_initial(ws, tmp, runs):
    """Sensitivity of the timing checks to the seed (initial)."""
    conf = os.path.join(SC, "code-red-2001-07-19.conf")
    out = []
    for init in (100, 1000, 3000):
        d, _ = sim(ws, ["--config", conf, "--runs", str(runs), "--initial", str(init)],
                   tmp, "ji%d" % init)
        out.append((init, utc(10, d["t_50pct"]), utc(10, d["t_90pct"])))
    return out


def august(ws, tmp, runs, shared):
    conf = os.path.join(SC, "code-red-2001-08-01.conf")
    obs = os.path.join(shared, "data", "observations", "goldsmith-2001-08-01-hourly.csv")
    d, r = sim(ws, ["--config", conf, "--runs", str(runs)], tmp, "aug")
    pts = [(float(x["time_s"]) / 3600, float(x["infected"])) for x in r
           if "01:00" <= x["time_utc"][11:16] <= "07:00" and x["time_utc"][11:13] <= "07"]
    g = slope(pts)
    gold = None
    if os.path.exists(obs):
        with open(obs) as f:
            o = list(csv.DictReader(l for l in f if not l.startswith("#")))
        gold = slope([(i, float(x["distinct_sources"])) for i, x in enumerate(o)])
    grp = "1 August 2001 (code-red-2001-08-01)"
    if gold is not None:
        add(grp, "growth of Goldsmith's hourly sources, 01-07 UTC: %.2f/h (his rows; "
            "the scenario follows these)" % gold,
            "[Goldsmith01]", "%.3f/h (infected, same hours)" % g, "±20 %",
            abs(g / gold - 1) <= 0.20)
    add(grp, "growth \"about 75 % per hour\" (0.56/h; his prose, not followed: his rows "
        "give 63 %/h)", "[Goldsmith01]",
        "%.3f/h" % g, "±20 %", abs(g / math.log(1.75) - 1) <= 0.20, gate=False)
    k = d["fitted_K_per_hour"]
    add(grp, "K ≈ 0.7/h (logistic fit; not followed: needs 175,000 unpatched hosts)",
        "[Staniford01]", "%.3f/h (fitted K)" % k, "±20 %",
        k is not None and abs(k / 0.7 - 1) <= 0.20, gate=False)


def v1(ws, tmp, runs):
    conf = os.path.join(SC, "code-red-v1-2001-07-13.conf")
    d, r = sim(ws, ["--config", conf, "--runs", str(runs)], tmp, "v1")
    eich = [27, 1076, 3498, 6137, 7189, 8247]
    got = []
    for day, want in zip(range(14, 20), eich):
        x = [y for y in r if y["time_utc"] == "2001-07-%02dT00:00:00Z" % day][0]
        got.append(float(x["infected"]))
    ok = all(abs(g / w - 1) <= 0.25 for g, w in zip(got, eich))
    add("Code Red I v1, 13-18 July 2001 (code-red-v1-2001-07-13)",
        "distinct sources a day at one site: 27, 1,076, 3,498, 6,137, 7,189, 8,247",
        "[Eichman01]", ", ".join("%.0f" % g for g in got) + " hosts", "±25 % each day", ok,
        gate=False)


def crii(ws, tmp, runs, pareto=None):
    """Share of the Code Red II attempts at a server from its own /16, in the
    /16 of the median host of the largest /8 (the cable /8), 14:11-17:00 UTC
    on 4 August (Stretch's first morning from 09:11 EST)."""
    conf = os.path.join(SC, "code-red-ii-2001-08.conf")
    shares, counts = [], []
    extra = ["--set", "pop_pareto16=%g" % pareto] if pareto else []
    for seed in range(1, runs + 1):
        hosts = os.path.join(tmp, "crii-hosts.tsv")
        subprocess.run([ws, "simulate", "--config", conf, "--seed", str(seed), "--duration", "17",
                        "--quiet", "--telescope-hosts", hosts] + extra, check=True)
        c16, c8 = {}, {}
        with open(hosts) as f:
            for line in f:
                if line.startswith("#"):
                    continue
                a = line.rstrip("\n").split("\t")[8].split(".")
                c16[(a[0], a[1])] = c16.get((a[0], a[1]), 0) + 1
                c8[a[0]] = c8.get(a[0], 0) + 1
        top = max(c8, key=c8.get)
        g = sorted((v, b) for (a, b), v in c16.items() if a == top)
        tot, acc = sum(v for v, _ in g), 0
        for v, b in g:
            acc += v
            if acc >= tot / 2:
                med = b
                break
        server = "%s.%s.250.77" % (top, med)
        log = os.path.join(tmp, "crii.log")
        subprocess.run([ws, "simulate", "--config", conf, "--seed", str(seed), "--duration", "17",
                        "--quiet", "--emit-log", log, "--server", server] + extra, check=True)
        n = same = 0
        with open(log) as f:
            for line in f:
                if line.startswith("#"):
                    continue
                t = line.split("[", 1)[1][:20]  # 04/Aug/2001:14:11:00
                if not t.startswith("04/Aug/2001:") or not ("14:11" <= t[12:17] < "17:00"):
                    continue
                n += 1
                same += line.split(".")[:2] == server.split(".")[:2]
        if n:
            shares.append(same / n)
            counts.append(n)
    return statistics.median(shares), statistics.median(counts)


def slammer(ws, tmp, runs):
    conf = os.path.join(SC, "slammer-2003-01-25.conf")
    d, r = sim(ws, ["--config", conf, "--runs", str(runs), "--duration", "0.25"], tmp, "sl")
    t90 = d["t_90pct"]
    grp = "Slammer, 25 January 2003 (slammer-2003-01-25)"
    add(grp, "more than 90 % of the vulnerable hosts infected within 10 minutes", "[Moore03-S]",
        "90 %% at %.1f min" % (t90 / 60), "at most 10 min", t90 is not None and t90 <= 600)
    # network-wide scans/s: the /8's probes per second times 256
    rate = [float(x["tel0_probes"]) * 256 for x in r]
    peak = max(rate)
    at3 = rate[179] if len(rate) > 179 else float("nan")
    # the minute in which the rate first comes within 5 % of its ceiling
    flat = next((i for i, x in enumerate(rate) if x >= 0.95 * peak), None)
    add(grp, "scan rate saturating at about 55 M scans/s after about 3 minutes", "[Moore03-S]",
        "ceiling %.0f M/s (%.2f×), %.0f M/s at 3 min, within 5 %% of the ceiling at %.1f min"
        % (peak / 1e6, peak / 55e6, at3 / 1e6, flat / 60), "±25 %",
        abs(peak / 55e6 - 1) <= 0.25, gate=False)


# The primary source of each model target (#1..#8 of the model specification).
SOURCES = {"#1": "[Staniford02] [Zou02]", "#2": "[Staniford02]", "#3": "[CAIDA-IMW02] [CAIDA-DS]",
           "#4": "[eEye-CRII] [Friedl01]", "#5": "(the two engines against each other)",
           "#6": "[Zou02]", "#7": "[Williamson02]", "#8": "[Moore03-S]"}


def section5(ws, build):
    """The model targets through the project's own tests."""
    vp = os.path.join(ROOT, "tests", "sim", "validate.py")
    for t in ("k", "replay", "throttle", "slammer", "probe"):
        p = subprocess.run([sys.executable, vp, ws, t, ROOT], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
        for line in p.stdout.splitlines():
            if not (line.endswith(" ok") or line.endswith(" FAIL")) or "expected" not in line:
                continue
            name, rest = line[:45].strip(), line[45:].split()
            # "<got> expected <want> [lo, hi] ok"
            add("Model targets (tests/sim/validate.py %s)" % t, name, SOURCES[name[:2]],
                rest[0], "expected %s in %s %s" % (rest[2], rest[3], rest[4]), rest[-1] == "ok")
    for unit, what in (("test_sim_probe", "#4 Code Red II target classes 12.5/50/37.5 % ±0.1 pp, never 127/8, 224/8, itself"),
                       ("test_sim_validate_modes", "#5 fast against per-probe, KS at 1 %, 50 seeds each"),
                       ("test_sim_ode", "#6 Zou two-factor ODE: I peak 0.395 N at t 27.6, I+R 0.763 N")):
        exe = os.path.join(build, "tests", unit)
        if not os.path.exists(exe):
            add("Model targets (cmocka units)", what, SOURCES[what[:2]], "not built", "", False)
            continue
        p = subprocess.run([exe], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        add("Model targets (cmocka units)", what, SOURCES[what[:2]],
            "tests/unit/%s.c %s" % (unit, "passes" if p.returncode == 0 else "FAILS"),
            "as stated", p.returncode == 0)


def write_md(path, cmd, extra):
    with open(path, "w") as f:
        f.write("# Validation of the simulator and its shipped scenarios\n\n")
        f.write("Written by `%s` (the `make validate` target); do not edit by hand. Every model\n"
                "figure is **SIMULATED** (medians over the seeds stated); every target names its\n"
                "primary source by its key in [sources.md](sources.md). A check marked *not gated*\n"
                "is a known miss, reported as it falls; CTest (`sim.validate.scenarios`) runs the\n"
                "issue-15 checks with 5 seeds (2 for the Code Red II server) and fails if a\n"
                "gated one does.\n\n" % cmd)
        group = None
        for g, target, src, model, tol, ok, gate in rows:
            if g != group:
                f.write("\n## %s\n\n| target | source | model | tolerance | pass |\n|---|---|---|---|---|\n" % g)
                group = g
            f.write("| %s | %s | %s | %s | %s |\n" % (target, src, model, tol,
                    "yes" if ok else ("**no** (known miss)" if not gate else "**no**")))
        f.write(extra)
        f.write("\n<!-- SPDX-License-Identifier: MIT -->\n")


NOTES = """
## What the checks rest on, and the misses

- **Rates are derived, not fitted.** Code Red I and II threads block in a TCP connect to a
  random address, which Windows 2000 abandons after 3 + 6 + 12 = 21 s when nothing answers
  [MS-W2K-TCP]; 100 threads [eEye-AL20010717] give 4.76 probes/s, 300 [eEye-CRII] 14.3/s.
  Slammer's 4,700 scans/s come from its measured early doubling of 8.5 s [Moore03-S], a
  different measurement from the two it is checked against.
- **19 July timing.** The class B's surge (14-15 UTC) is read as the steepest rise of the
  infected curve, its 50 % point, and the levelling (16-17 UTC) as 90 %; both are checked at
  ±1 h. The seed (1,000 v2 hosts at 10:00 UTC) is a reading of CAIDA's onset over the v1
  floor, explained in the scenario file; the sensitivity line above shows the timing checks
  hold for seeds from a few hundred to 3,000 hosts (at 100 the 50 % point slips just past
  16:00 UTC).
- **19 July, 115,124 sources at one /16 in the 19:00 UTC hour (miss, 0.72×).** Under uniform
  scanning a /16 sees a given host within an hour with probability 1 - exp(-r·3600/65,536):
  0.23 at the derived 4.76/s, so about 83,000 of 360,000. Reed's figure is 32 % of every host
  CAIDA counted that day, which would take 7.0 probes/s a host; at that rate the outbreak's
  peak would be about 3,200 new hosts a minute, beyond CAIDA's "over 2,000". The two
  measurements do not fit one uniform-scanning rate, and the post itself says that class B
  was "high up on the worm's scanning pattern". Nor does v1's fixed list explain it: a copy
  walks its list once, so a class B high on it is passed by each v1 copy once, shortly
  after that copy's infection, not again in the 19:00 UTC hour. The model keeps the rate it
  can derive.
- **1 August growth: which source the scenario follows, and why not the others.** The
  sources disagree: Goldsmith's hourly rows grow by a log-linear 0.49/h (324/17 over six
  hours, 63 % an hour; `estimate --counts` fits K = 0.52/h to them), his prose says "about
  75 % per hour" (ln 1.75 = 0.56/h), F-Secure's two counts give 0.54/h [FSecure01] and
  Staniford's logistic fit about 0.7/h [Staniford01]. The scenario follows Goldsmith's rows
  (first-hand, published, compared on the same hours by the same fit) and only that row is
  gated. Nothing in the scenario is set from any growth figure: K = r N / 2^32 with the
  derived r = 4.76/s and N = 120,000 (a third of July's 360,000 still unpatched
  [CAIDA-Patch]) is 0.48/h before patching. At that r a growth g needs
  N = g · 2^32 / (3600 r) vulnerable hosts and no patching: 125,000 for 0.50/h, 140,000 for
  0.56/h and 175,000 for 0.7/h (±20 %: at least 140,000). CAIDA's survey gives 120,000
  and saw 60 % of them patched within 48 h around 1-2 August, which cuts the growth the model
  shows over 01-07 UTC to 0.44/h and the logistic K fitted over 1-50 % to 0.38/h. So
  Staniford's 0.7/h cannot be met by the population the survey measured (it needs 46 % more
  unpatched hosts and no patching), and Goldsmith's prose 75 % is faster than his own rows
  (63 %); the model sits within 20 % of the rows and about a fifth below the prose
  figure, at the edge of its ±20 % band (the table gives both as they fall).
- **Code Red I v1 (miss, 15-40× low).** The random number generator had a static seed
  [CERT-IN-2001-08] [CAIDA-CRv2]; the thread's number was part of the seeding, so the
  threads of every copy walked the same hundred sequences [Staniford02]. A new host can then
  only be one that the leading copy of some sequence reaches first, and the leaders advance
  at the threads' 1/21 s each: 100 sequences x 1/21 s = 4.76 fresh addresses a second in all,
  as many as one copy probes (the model walks one shared sequence at a copy's rate, which
  gives the same count), so about r·N/2^32 = 1.4 new hosts an hour, 35 a day. Eichman's
  counts [Eichman01] have the linear shape this predicts: his cumulative sources grew by
  1,052, 2,562, 3,505, 3,066 and 3,654 a day, about constant from the third day, not by a
  constant factor. But the slope, about 3,400 new hosts a day, is about 100 times what the
  hundred sequences give: it would take some 10,000 independently led sequences, or leaders
  100 times faster than a 21 s timeout allows. No source says what gave v1 that variety
  (a seed that also took something from the host, restarts, other strains), so the model
  does not guess, and the check is reported, not gated.
- **Code Red II at a cable /16.** Stretch's host sat in one /16 of 24/8 [Stretch01]; the model
  puts the server in the /16 of the median host of its largest /8 (a cable /8), not the
  densest /16 (where 99 % of the attempts come from the own /16), and counts the attempts of
  14:11-17:00 UTC on 4 August. The clustering rests on a measured cable/DSL share (a third to
  a half of the infected on end users' machines [CAIDA-IMW02]); the Zipf and Pareto shapes
  over /8s and /16s are assumptions (CAIDA's per-/16 counts are in its host table, which this
  build does not have), and the Pareto line above shows how the check moves with them: it
  passes at the default shape 1.2 and fails at 0.8 (98 %) and 2.0 (44 %), so it is only as
  good as that assumption until the per-/16 counts are at hand.
- **Slammer: the saturation (miss, 1.3× on the ceiling).** The measured saturation was the
  network's, not each host's: a per-host cap cannot give both the 8.5 s doubling and a
  55 M scans/s ceiling at 75,000 hosts (that ceiling is 733 scans/s a host, a 54 s
  doubling). The scenario shares uplinks instead (`link16_rate`): the hosts of one /16 send
  together what one link carries, set to the 4,700 scans/s that one copy sends alone (about
  15 Mb/s of 404-byte packets; Slammer's rate was bandwidth-limited [Moore03-S]). The ceiling
  is then not a parameter but 4,700/s times the /16s that hold infected hosts: the synthetic
  population spreads 75,000 hosts over about 15,100 /16s, 71 M/s. The measured 55 M/s would
  take about 11,700 /16s (55 M / 4,700), hosts a quarter more clustered than the population
  built for Code Red; no source gives Slammer's per-/16 spread, so the check stays reported,
  not gated. Before the shared links the model's rate grew to 353 M/s with no saturation and
  90 % came at 2.8 min; now it levels off and 90 % comes about 5 min in.
"""


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    fast = "--fast" in args
    gate = "--gate" in args
    out = args[args.index("--out") + 1] if "--out" in args else None
    shared = args[args.index("--shared") + 1] if "--shared" in args else os.path.join(ROOT, "..", "shared")
    build = args[0]
    ws = build if os.path.isfile(build) else os.path.join(build, "wormscope")
    build = build if os.path.isdir(build) else os.path.dirname(build)
    runs = 5 if fast else 20
    with tempfile.TemporaryDirectory() as tmp:
        july(ws, tmp, runs)
        sens = july_initial(ws, tmp, runs)
        august(ws, tmp, runs, shared)
        v1(ws, tmp, runs)
        # two runs a seed (population, then the server's log): 2 seeds in the fast subset
        share, n = crii(ws, tmp, 2 if fast else runs)
        add("Code Red II, 4 August 2001 (code-red-ii-2001-08)",
            "at a server in a cable /16, 89 of 148 attempts (60 %) from its own /16", "[Stretch01]",
            "%.0f %% of %.0f attempts (14:11-17:00 UTC)" % (100 * share, n), "45-75 % (±25 %)",
            abs(share / 0.60 - 1) <= 0.25)
        psens = []
        if not fast:
            for pa in (0.8, 2.0):
                s, m = crii(ws, tmp, 5, pareto=pa)
                psens.append((pa, s, m))
        slammer(ws, tmp, runs)
        if not fast:
            section5(ws, build)
    extra = "\n## Sensitivity\n\n"
    extra += ("19 July, the seed hosts at 10:00 UTC (`--initial`): " +
              "; ".join("%d hosts: 50 %% at %s, 90 %% at %s" % s for s in sens) + ".\n")
    if psens:
        extra += ("\nCode Red II, the Pareto shape of hosts over the /16s of a /8 (`pop_pareto16`, "
                  "default 1.2; 5 seeds): " +
                  "; ".join("%.1f: %.0f %% of %.0f attempts" % (a, 100 * s, m) for a, s, m in psens) + ".\n")
    extra += NOTES
    if out:
        write_md(out, "scripts/validate.py BUILD_DIR --out docs/validation.md", extra)
    bad = [r for r in rows if r[6] and not r[5]]
    print("%d checks, %d pass, %d known misses, %d gated failures" %
          (len(rows), sum(1 for r in rows if r[5]), sum(1 for r in rows if not r[6] and not r[5]), len(bad)))
    if gate and bad:
        sys.exit(1)


if __name__ == "__main__":
    main()
