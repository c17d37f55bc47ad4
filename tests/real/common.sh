# SPDX-License-Identifier: MIT
# Shared by tests/real/test_*.sh (sourced, not run by CTest: the glob is
# test_*.sh). Each test is run as
#   sh test_X.sh <path-to-wormscope-san> <path-to-shared/data/real>
# and exits 0 (pass), 1 (fail, with what differed on stderr) or 77 (skip: the
# real data, or python3 for reading the JSON lines, is absent).
#
# The real logs are read from the path argument at test time and are never
# copied into the repository. The expected numbers in each test were counted
# from the raw lines with grep/awk (commands in the comments, and in
# README.md), not from wormscope's output.

WS=${1:-}
REAL=${2:-}
# The test's name ($0 is the script CTest passes to sh).
T=$(basename "$0" .sh)

fail() {
	printf '%s: FAIL: %s\n' "$T" "$*" >&2
	exit 1
}

skip() {
	printf '%s: SKIP: %s\n' "$T" "$*" >&2
	exit 77
}

if [ -z "$WS" ] || [ -z "$REAL" ]; then
	fail "usage: sh $T.sh <wormscope-binary> <shared/data/real>"
fi
[ -d "$REAL" ] || skip "real-data folder absent: $REAL (the public logs named in tests/real/README.md, \"Getting the data\"; cmake -DWS_SHARED_DIR=DIR points at DIR/data/real)"
[ -x "$WS" ] || fail "wormscope binary not found or not executable: $WS"
command -v python3 >/dev/null 2>&1 || skip "python3 not installed (make deps installs it)"

# need_file PATH...: skip when any of the data files is absent.
need_file() {
	for f in "$@"; do
		[ -f "$f" ] || skip "real-data file absent: $f"
	done
}

# need_dir DIR: skip when the data folder is absent.
need_dir() {
	[ -d "$1" ] || skip "real-data folder absent: $1"
}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/wsreal.XXXXXX") || fail "mktemp failed"
trap 'rm -rf "$WORK"' EXIT
trap 'exit 1' INT TERM HUP

# Sanitizer reports must not be mistaken for wormscope's exit status 1
# ("worm traffic found"): make them exit 86, and look for them on stderr too.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86"
UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=86"
LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}exitcode=86"
export ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
# Stable output: no colour, C collation.
NO_COLOR=1
LC_ALL=C
export NO_COLOR LC_ALL

# ws OUT ERR ARGS...: runs wormscope with ARGS, stdout to OUT, stderr to ERR;
# sets RC. Fails on a sanitizer report or a crash.
ws() {
	_out=$1
	_err=$2
	shift 2
	RC=0
	"$WS" "$@" >"$_out" 2>"$_err" || RC=$?
	if [ "$RC" -eq 86 ] || grep -q -E 'Sanitizer|runtime error:' "$_err"; then
		cat "$_err" >&2
		fail "sanitizer report running: wormscope $*"
	fi
	if [ "$RC" -gt 2 ]; then
		cat "$_err" >&2
		fail "wormscope exited $RC (crash?) running: wormscope $*"
	fi
}

# expect_rc WANT WHAT: compares RC from the last ws call.
expect_rc() {
	[ "$RC" -eq "$1" ] || {
		sed -n '1,20p' "$_err" >&2
		fail "exit status $RC, expected $1 ($2)"
	}
}

# check_jsonl FILE: runs the Python check read from stdin over the JSON lines
# in FILE. The check gets `rows` (list of dicts, each with 'base' = the basename
# of 'file'), `bad(msg)` to record a difference, and REAL in the environment;
# any difference makes the test fail, listing them all.
check_jsonl() {
	_f=$1
	cat >"$WORK/check_body.py"
	cat >"$WORK/check.py" <<'PYEOF'
import json, os, sys
from collections import Counter, defaultdict
rows = []
with open(sys.argv[1], encoding="utf-8") as fh:
    for n, line in enumerate(fh, 1):
        try:
            d = json.loads(line)
        except ValueError as e:
            print("output line %d is not JSON: %s" % (n, e))
            sys.exit(1)
        d["base"] = os.path.basename(d.get("file") or "")
        rows.append(d)
_diffs = []
def bad(msg):
    _diffs.append(msg)
def eq(what, got, want):
    if got != want:
        bad("%s: got %r, expected %r" % (what, got, want))
def at(base, line):
    """The sightings wormscope gave for one input line."""
    return [r for r in rows if r["base"] == base and r["line"] == line]
def verdict(base, line, worm, conf=None, probe=None, src=None):
    got = at(base, line)
    if len(got) != 1:
        bad("%s:%d: %d sightings, expected one %s" % (base, line, len(got), worm))
        return
    r = got[0]
    g = (r["worm"], r["confidence"] if conf else None, r["nimda_probe"] if probe else None,
         r["src"] if src else None)
    w = (worm, conf, probe, src)
    if g != w:
        bad("%s:%d: got (worm, confidence, nimda_probe, src) %r, expected %r" % (base, line, g, w))
def none_at(base, line, why):
    got = at(base, line)
    if got:
        bad("%s:%d: expected no sighting (%s), got %r" % (base, line, why,
            [(r["worm"], r["confidence"]) for r in got]))
PYEOF
	cat "$WORK/check_body.py" >>"$WORK/check.py"
	cat >>"$WORK/check.py" <<'PYEOF'

if _diffs:
    for m in _diffs:
        print(m)
    sys.exit(1)
PYEOF
	REAL="$REAL" python3 "$WORK/check.py" "$_f" >"$WORK/check.out" 2>&1 || {
		sed 's/^/    /' "$WORK/check.out" >&2
		fail "wormscope's sightings differ from the hand-verified counts above"
	}
}
