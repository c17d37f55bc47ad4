#!/bin/sh
# SPDX-License-Identifier: MIT
# simulate's standard output is a product too (--dump-config > my.conf, the
# text summary): a write error there must end in exit 2 with a one-line
# error, not exit 0 with the configuration lost.
#
# usage: test_sim_stdout_full.sh WORMSCOPE
set -u
ws=$1
fail() { echo "FAIL: $*" >&2; exit 1; }
[ -w /dev/full ] || { echo "no /dev/full: skipped"; exit 0; }

for opts in "--dump-config" "--duration 1"; do
	# shellcheck disable=SC2086
	err=$("$ws" simulate $opts 2>&1 >/dev/full)
	rc=$?
	[ "$rc" -eq 2 ] || fail "simulate $opts > /dev/full exited $rc, not 2"
	echo "$err" | grep -q '^wormscope simulate: .*stdout' ||
		fail "simulate $opts > /dev/full: no error naming stdout: $err"
done
echo ok
