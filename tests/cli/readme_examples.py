#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every README example that shows a command and its output is run and compared
(issue 12: "every README example pasteable and tested").

A README code block whose first line starts with "$ " is an example: each
"$ " line (with "\\" continuation lines) is a command, the lines after it up to
the next command are its expected output. Commands run with sh in a scratch
folder holding `build/wormscope` (the binary under test), `examples/`,
`scenarios/` and `build/demo/basic.pcap`, as `make demo` leaves them. Only what
varies between runs is masked: elapsed times and rates; an expected line ending in '…' is a
prefix (the README shortened it). Blocks that start
background servers (`&`) are run by the guard's own tests and skipped here.

usage: readme_examples.py WORMSCOPE MKCAP README
"""
import os, re, shutil, subprocess, sys, tempfile

ws, mkcap, readme = sys.argv[1:4]
src = os.path.dirname(os.path.abspath(readme))

MASKS = [
    (re.compile(r'in [0-9.]+ s \([0-9.]+ [KMG]?B/s\)'), 'in T s (R/s)'),
    (re.compile(r'\([0-9]+ bytes, '), '(N bytes, '),
]


def mask(text):
    for rx, rep in MASKS:
        text = rx.sub(rep, text)
    return text.rstrip('\n').splitlines()


def same(got, want):
    """Line by line; an expected line ending in '…' was shortened in the
    README and matches any line it begins."""
    if len(got) != len(want):
        return False
    return all(g == w or (w.endswith('…') and g.startswith(w[:-1])) for g, w in zip(got, want))


def examples(path):
    """(first line number, [(command, [expected lines])]) per example block."""
    lines = open(path, encoding='utf-8').read().split('\n')
    i, out = 0, []
    while i < len(lines):
        if lines[i].startswith('```') and i + 1 < len(lines) and lines[i + 1].startswith('$ '):
            start, i, cmds = i + 2, i + 1, []
            while i < len(lines) and not lines[i].startswith('```'):
                line = lines[i]
                if line.startswith('$ '):
                    cmd = line[2:]
                    while cmd.endswith('\\') and i + 1 < len(lines):
                        i += 1
                        cmd = cmd[:-1] + ' ' + lines[i].strip()
                    cmds.append((cmd, []))
                else:
                    cmds[-1][1].append(line)
                i += 1
            out.append((start, cmds))
        i += 1
    return out


tmp = tempfile.mkdtemp(prefix='ws-readme.')
try:
    os.makedirs(os.path.join(tmp, 'build', 'demo'))
    os.symlink(os.path.abspath(ws), os.path.join(tmp, 'build', 'wormscope'))
    for d in ('examples', 'scenarios'):
        os.symlink(os.path.join(src, d), os.path.join(tmp, d))
    subprocess.run([mkcap, 'basic', os.path.join(tmp, 'build', 'demo', 'basic.pcap')], check=True)
    # The 2001 observations (WS_OBSERVATIONS, read where they live, never
    # copied into the repository) sit in the scratch folder under their names;
    # an example that needs one that is absent is skipped, and said so.
    obs = os.environ.get('WS_OBSERVATIONS', '')
    have = set(os.listdir(obs)) if obs and os.path.isdir(obs) else set()
    for f in have:
        os.symlink(os.path.join(obs, f), os.path.join(tmp, f))
    failed, ran = 0, 0
    for line_no, cmds in examples(readme):
        if any('&' in c.rstrip().split()[-1:] or c.rstrip().endswith('&') for c, _ in cmds):
            continue
        need = [w for c, _ in cmds for w in c.split() if w.endswith('.csv') and '2001' in w]
        if any(w not in have for w in need):
            print(f'README.md:{line_no}: skipped: needs {need[0]} from the shared observations')
            continue
        rc = 0
        for cmd, want in cmds:
            # `$?` in an example is the status of the command before it.
            p = subprocess.run(['sh', '-c', f'(exit {rc}); {cmd}'], cwd=tmp, capture_output=True, text=True,
                               env=dict(os.environ, NO_COLOR='1'))
            rc = p.returncode
            got = mask(p.stdout + p.stderr)
            ran += 1
            if not same(got, mask('\n'.join(want))):
                failed += 1
                print(f'README.md:{line_no}: $ {cmd}\n--- expected\n' + '\n'.join(mask('\n'.join(want))) +
                      '\n--- got\n' + '\n'.join(got))
    print(f'{ran} README commands run, {failed} differ')
    sys.exit(1 if failed or ran == 0 else 0)
finally:
    shutil.rmtree(tmp, ignore_errors=True)
