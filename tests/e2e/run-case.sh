#!/bin/sh
# Runs one end-to-end case and compares what wormscope printed with what the
# case expects.
#
# usage: run-case.sh WORMSCOPE CASE_DIR
#
# CASE_DIR holds:
#   args          one line: the arguments, split as the shell would (quotes
#                 work); the token @DIR@ becomes the case directory's path
#   expected.out  stdout, compared byte for byte
#   expected.rc   the exit code
#   expected.err  (optional) stderr, compared byte for byte
#   stdin         (optional) fed to wormscope on standard input (otherwise
#                 standard input is empty)
#   normalize-timing (optional, empty) the text summary's run time and speed,
#                 " in 0.01 s (12 MB/s)", are replaced by " in T s" in stdout
#                 and stderr before comparing
# plus the input files. wormscope runs inside CASE_DIR, so the file names it
# prints are relative to it.
set -u

if [ $# -ne 2 ]; then
	echo "usage: run-case.sh WORMSCOPE CASE_DIR" >&2
	exit 2
fi
ws=$1
dir=$2
case $ws in
/*) ;;
*) ws=$(pwd)/$ws ;;
esac
dir=$(cd "$dir" && pwd) || exit 2
name=${dir##*/}
for f in args expected.out expected.rc; do
	if [ ! -f "$dir/$f" ]; then
		echo "$name: missing $f" >&2
		exit 2
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ws-e2e.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

# @DIR@ may hold characters special to sed; escape them for the replacement.
dir_esc=$(printf '%s\n' "$dir" | sed 's/[\\&|]/\\&/g')
args=$(head -n 1 "$dir/args" | sed "s|@DIR@|$dir_esc|g")

cd "$dir" || exit 2
if [ -f stdin ]; then
	input=stdin
else
	input=/dev/null
fi
eval "set -- $args"
"$ws" "$@" <"$input" >"$tmp/out" 2>"$tmp/err"
rc=$?

if [ -f normalize-timing ]; then
	for f in out err; do
		sed 's/ in [0-9][0-9]*\.[0-9][0-9] s\( ([0-9][0-9]* MB\/s)\)\{0,1\}/ in T s/' \
			"$tmp/$f" >"$tmp/$f.n" && mv "$tmp/$f.n" "$tmp/$f"
	done
fi

fail=0
if ! cmp -s expected.out "$tmp/out"; then
	echo "$name: stdout differs (- expected, + actual):"
	diff -u expected.out "$tmp/out" | head -n 200
	fail=1
fi
if [ -f expected.err ] && ! cmp -s expected.err "$tmp/err"; then
	echo "$name: stderr differs (- expected, + actual):"
	diff -u expected.err "$tmp/err" | head -n 100
	fail=1
fi
want_rc=$(cat expected.rc)
if [ "$rc" != "$want_rc" ]; then
	echo "$name: exit code $rc, expected $want_rc"
	fail=1
fi
if [ $fail -ne 0 ]; then
	echo "$name: stderr was:"
	head -c 4000 "$tmp/err"
	exit 1
fi
echo "$name: ok"
exit 0
