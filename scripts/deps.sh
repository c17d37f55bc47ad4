#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs the named Debian packages that are missing. As root it runs
# `apt-get update` once and `apt-get install -y`; otherwise it prints the command.
missing=""
for p in "$@"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
	echo "deps: installing$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq && apt-get install -y -qq $missing >/dev/null || {
		echo "deps: apt-get install failed for:$missing" >&2; exit 1; }
else
	echo "deps: missing packages; run as root: apt-get update && apt-get install -y$missing" >&2
	exit 1
fi
