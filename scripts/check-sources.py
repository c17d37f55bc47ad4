#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks what the repository cites and how it is licensed (run from anywhere,
with the repository root as the argument):

1. nothing tracked names a file that does not ship: the design notes the
   project was started from (worms.md, model.md, peers.md, design.md,
   style.md, anything under shared/spec or shared/tools);
2. every citation key in brackets, such as [MS01-033] or [Zou03], used in the
   code, the scenarios, the tests and the docs is listed in docs/sources.md;
3. every tracked file carries an SPDX-License-Identifier line, or is covered
   by an annotation in REUSE.toml (data files that cannot hold a comment).

Prints one line per problem with file:line and exits 1 when there is any."""
import fnmatch
import os
import re
import subprocess
import sys

root = sys.argv[1] if len(sys.argv) > 1 else '.'
files = subprocess.run(['git', '-C', root, 'ls-files', '-z'], capture_output=True,
                       check=True).stdout.decode().split('\0')
files = [f for f in files if f and os.path.isfile(os.path.join(root, f))]
problems = []

NOT_SHIPPED = re.compile(r'\b(worms|model|peers|design|style)\.md\b|shared/(spec|tools)\b')
# A key: letters then digits and hyphenated parts, holding a year or a
# number (MS01-033, CERT-IN-2001-08, Zou03, eEye-AL20010717, Moore04-T).
KEYLIKE = re.compile(r'\[([A-Za-z][A-Za-z]*\d*(?:-[A-Za-z0-9]+)*)\]')


def text(path):
    try:
        with open(os.path.join(root, path), encoding='utf-8') as f:
            return f.read()
    except (UnicodeDecodeError, OSError):
        return None


sources = text('docs/sources.md') or ''
keys = set(re.findall(r'^\| \[([^\]]+)\] \|', sources, re.M))
if not keys:
    problems.append('docs/sources.md: no keys found (expected rows "| [KEY] | source |")')

for path in files:
    s = text(path)
    if s is None or path == 'scripts/check-sources.py':
        continue
    for n, line in enumerate(s.split('\n'), 1):
        m = NOT_SHIPPED.search(line)
        if m:
            problems.append(f'{path}:{n}: names {m.group(0)}, which does not ship; '
                            'cite a key of docs/sources.md')
        if path.startswith(('src/', 'include/', 'scenarios/', 'docs/', 'tests/', 'bench/')) \
                or path == 'README.md':
            for k in KEYLIKE.findall(line):
                if re.search(r'\d\d', k) and k not in keys:
                    problems.append(f'{path}:{n}: cites [{k}], which docs/sources.md does not list')

# Licensing: an SPDX line in the first lines, the last line (Markdown), or a
# REUSE.toml annotation whose path pattern covers the file.
reuse = text('REUSE.toml') or ''
patterns = []
for block in re.findall(r'\[\[annotations\]\](.*?)(?=\[\[annotations\]\]|\Z)', reuse, re.S):
    m = re.search(r'path\s*=\s*(\[.*?\]|"[^"]*")', block, re.S)
    if m and 'SPDX-License-Identifier' in block:
        patterns += re.findall(r'"([^"]+)"', m.group(1))
for path in files:
    if any(fnmatch.fnmatchcase(path, p.replace('**', '*')) for p in patterns):
        continue
    s = text(path)
    if s is not None and 'SPDX-License-Identifier:' in s[:600] + s[-200:]:
        continue
    problems.append(f'{path}: no SPDX-License-Identifier line and no REUSE.toml annotation')

for p in problems:
    print(p)
if problems:
    sys.exit(1)
print(f'{len(files)} files: sources cited by key, none names a file that does not ship, all licensed')
