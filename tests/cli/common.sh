# SPDX-License-Identifier: MIT
# Sourced by tests/cli/test_*.sh after they set `ws` (the wormscope binary,
# $1) and `tag` (a word for the temporary folder): makes ws absolute, works
# in a fresh temporary folder removed at exit, and gives fail() (report,
# remember) and run NAME WANT_RC ARGS... (stdin from /dev/null, stdout in
# NAME.out, stderr in NAME.err, the exit status checked).
case $ws in /*) ;; *) ws=$(pwd)/$ws ;; esac
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ws-cli-$tag.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$tmp" || exit 2

failed=0
fail() {
	echo "FAIL: $*"
	failed=1
}

run() {
	name=$1
	want=$2
	shift 2
	"$ws" "$@" >"$name.out" 2>"$name.err" </dev/null
	rc=$?
	[ "$rc" = "$want" ] || fail "$name: exit $rc, expected $want ($(head -c 300 "$name.err"))"
}
