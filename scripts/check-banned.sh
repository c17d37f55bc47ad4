#!/bin/sh
# SPDX-License-Identifier: MIT
# Rejects functions that are easy to misuse with hostile input (Suricata's
# banned list): strcpy, strcat, sprintf, vsprintf, gets, strtok, atoi, atol, rand.
root=${1:-.}
hits=$(grep -nE '\b(strcpy|strcat|sprintf|vsprintf|gets|strtok|atoi|atol|rand)\s*\(' \
	"$root"/src/*/*.c "$root"/src/*/*.h "$root"/include/wormscope/*.h 2>/dev/null |
	grep -vE '\b(snprintf|vsnprintf|strtok_r)\s*\(' | grep -vE '^\S+:[0-9]+:\s*(/\*|\*)')
if [ -n "$hits" ]; then
	echo "banned functions used:"; echo "$hits"; exit 1
fi
echo "no banned functions"
