#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The full-size validation experiments of docs/sim-validation.md, rerun:

  scripts/sim-validation.py BUILD_DIR [--probe]

runs tests/sim/validate.py's targets with the release binary, the 19 July
2001 replay as an ensemble of 20 seeds (fast mode) and, with --probe, the
same outbreak probe by probe (about 6e10 probes, one to two minutes), and
draws docs/img/sim-validation-replay.svg: cumulative infected and new
sources per minute on the /8 telescope beside the 2001 measurements
(359,104 hosts by 00:00 UTC 20 July; a peak of about 2,000 per minute).
Everything it draws is simulated except the two marked measurements.
"""
import csv
import os
import subprocess
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), ".."))
CONF = os.path.join(ROOT, "scenarios", "code-red-2001-07-19.conf")
OUT = os.path.join(ROOT, "docs", "img", "sim-validation-replay.svg")
TEXTBOOK = ["--worm", "code-red", "--vulnerable", "360000", "--scan-rate", "5.97",
            "--duration", "14", "--telescope", "44.0.0.0/8"]


def series(path):
    with open(path) as f:
        rows = [r for r in csv.reader(line for line in f if not line.startswith("#"))]
    head, body = rows[0], rows[1:]
    return {k: [float(r[i]) if k != "time_utc" else r[i] for r in body] for i, k in enumerate(head)}


def simulate(ws, args, tmp, name):
    path = os.path.join(tmp, name + ".csv")
    subprocess.run([ws, "simulate", "--quiet", "--out-csv", path] + args, check=True)
    return series(path)


def polyline(xs, ys, sx, sy, style):
    pts = " ".join("%.1f,%.1f" % (sx(x), sy(y)) for x, y in zip(xs, ys))
    return '<polyline fill="none" %s points="%s"/>' % (style, pts)


def band(xs, lo, hi, sx, sy, fill):
    pts = ["%.1f,%.1f" % (sx(x), sy(y)) for x, y in zip(xs, hi)]
    pts += ["%.1f,%.1f" % (sx(x), sy(y)) for x, y in reversed(list(zip(xs, lo)))]
    return '<polygon fill="%s" stroke="none" points="%s"/>' % (fill, " ".join(pts))


def panel(y0, h, ymax, title, ylabel, lines, refs):
    """One chart panel: lines = [(xs, ys, style, label)], refs = [(y, label)]."""
    x0, w = 70, 620
    sx = lambda t: x0 + (t - 10) / 14 * w
    sy = lambda v: y0 + h - v / ymax * h
    out = ['<text x="%d" y="%d" font-size="13" font-weight="bold">%s</text>' % (x0, y0 - 8, title)]
    out.append('<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#888"/>' % (x0, y0, w, h))
    for k in range(0, 15, 2):
        out.append('<text x="%.1f" y="%d" font-size="10" text-anchor="middle">%02d:00</text>'
                   % (sx(10 + k), y0 + h + 14, (10 + k) % 24))
    for k in range(5):
        v = ymax * k / 4
        out.append('<text x="%d" y="%.1f" font-size="10" text-anchor="end">%s</text>'
                   % (x0 - 4, sy(v) + 3, "{:,.0f}".format(v)))
    out.append('<text x="14" y="%d" font-size="10" transform="rotate(-90 14 %d)" '
               'text-anchor="middle">%s</text>' % (y0 + h / 2, y0 + h / 2, ylabel))
    for y, label in refs:
        out.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#c00" stroke-dasharray="5,4"/>'
                   % (x0, x0 + w, sy(y), sy(y)))
        out.append('<text x="%d" y="%.1f" font-size="10" fill="#c00">%s</text>' % (x0 + 6, sy(y) - 4, label))
    for item in lines:
        if item[0] == "band":
            out.append(band(item[1], item[2], item[3], sx, sy, item[4]))
        else:
            xs, ys, style, _ = item
            out.append(polyline(xs, ys, sx, sy, style))
    ly = y0 + 14
    for item in lines:
        if item[0] == "band":
            continue
        out.append('<line x1="%d" x2="%d" y1="%d" y2="%d" %s/>' % (x0 + w - 230, x0 + w - 205, ly, ly, item[2]))
        out.append('<text x="%d" y="%d" font-size="10">%s</text>' % (x0 + w - 200, ly + 3, item[3]))
        ly += 14
    return out


def hours(s):
    return [10 + t / 3600 for t in s["time_s"]]


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    build = sys.argv[1]
    ws = os.path.join(build, "wormscope")
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        for target in ("k", "replay", "throttle", "slammer"):
            print("== validate.py %s (release binary)" % target, flush=True)
            subprocess.run([sys.executable, os.path.join(ROOT, "tests", "sim", "validate.py"), ws,
                            target, ROOT], check=True)
        ens = simulate(ws, ["--config", CONF, "--runs", "20"], tmp, "ensemble")
        fast = simulate(ws, TEXTBOOK + ["--seed", "3"], tmp, "fast")
        probe = simulate(ws, TEXTBOOK + ["--seed", "3", "--mode", "per-probe"], tmp, "probe") \
            if "--probe" in sys.argv else None
    x = hours(ens)
    cum = [("band", x, ens["infected_p5"], ens["infected_p95"], "#cfe0f5"),
           (x, ens["infected"], 'stroke="#1f5fa8" stroke-width="2"', "replay, median of 20 (fast)"),
           (hours(fast), fast["infected"], 'stroke="#2a9d3a" stroke-width="1.5"', "textbook, seed 3 (fast)"),
           (x, ens["rcs_infected"], 'stroke="#666" stroke-dasharray="2,3"', "RCS ODE at the replay's K")]
    new = [("band", x, ens["tel0_new_sources_p5"], ens["tel0_new_sources_p95"], "#cfe0f5"),
           (x, ens["tel0_new_sources"], 'stroke="#1f5fa8" stroke-width="2"', "replay, median of 20 (fast)"),
           (hours(fast), fast["tel0_new_sources"], 'stroke="#2a9d3a" stroke-width="1.5"',
            "textbook, seed 3 (fast)")]
    if probe:
        cum.append((hours(probe), probe["infected"], 'stroke="#e07b00" stroke-width="1.5" '
                    'stroke-dasharray="6,3"', "textbook, seed 3 (per-probe)"))
        new.append((hours(probe), probe["tel0_new_sources"], 'stroke="#e07b00" stroke-width="1.5" '
                    'stroke-dasharray="6,3"', "textbook, seed 3 (per-probe)"))
    svg = ['<svg xmlns="http://www.w3.org/2000/svg" width="720" height="560" '
           'font-family="DejaVu Sans, sans-serif">',
           '<rect width="720" height="560" fill="white"/>',
           '<text x="70" y="20" font-size="14">SIMULATED Code Red v2, 19 July 2001 (UTC), '
           'beside CAIDA\'s measurements (red)</text>']
    svg += panel(50, 190, 400000, "Infected hosts", "hosts", cum,
                 [(359104, "measured: 359,104 by 00:00 UTC 20 Jul (CAIDA)")])
    svg += panel(310, 190, 3500, "New sources per minute on a /8 telescope (44/8)", "per minute", new,
                 [(2000, "measured peak: about 2,000/min (Moore et al. 2002)")])
    svg.append('<text x="70" y="548" font-size="10">wormscope simulate; scenarios/code-red-2001-07-19.conf '
               'and the textbook run (5.97 probes/s, N = 360,000); band 5-95 %</text>')
    svg.append("</svg>")
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write("\n".join(svg) + "\n")
    print("wrote", OUT)
    for name, s in (("replay median", ens), ("textbook fast", fast), ("textbook per-probe", probe)):
        if s:
            print("%-20s final %.0f, peak new /8 sources per minute (this curve) %.0f"
                  % (name, s["infected"][-1], max(s["tel0_new_sources"])))


if __name__ == "__main__":
    main()
