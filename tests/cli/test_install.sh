#!/bin/sh
# SPDX-License-Identifier: MIT
# `make install` (cmake --install) puts in place everything the man page and
# `worms -v` point to (issue 12): the man page, the documents it names, the
# bibliography, the scenarios, and bash and zsh completions; and the bash
# completion, sourced as bash-completion would, completes commands, a
# command's options and worm ids from the binary's own --help.
#
# usage: test_install.sh WORMSCOPE   (the build folder is the binary's folder)
set -u
ws=$1
tag=install
. "$(dirname "$0")/common.sh"
build=$(dirname "$ws")
src=$(dirname "$(dirname "$(cd "$(dirname "$0")" && pwd)")")

cmake --install "$build" --prefix "$tmp/p" >install.log 2>&1 || fail "cmake --install: $(tail -3 install.log)"
for f in bin/wormscope share/man/man1/wormscope.1 share/doc/wormscope/sources.md \
	share/doc/wormscope/guard.md share/doc/wormscope/pcap.md share/doc/wormscope/simulate.md \
	share/doc/wormscope/README.md share/doc/wormscope/LICENSE \
	share/wormscope/scenarios/code-red-2001-07-19.conf \
	share/bash-completion/completions/wormscope share/zsh/site-functions/_wormscope; do
	[ -s "$tmp/p/$f" ] || fail "not installed: $f"
done
# Every document the man page names is installed.
for d in $(grep -o -E '[a-z-]+\.md' "$src/docs/wormscope.1" | sort -u); do
	[ "$d" = README.md ] && continue
	[ -s "$tmp/p/share/doc/wormscope/$d" ] || fail "the man page names $d, which is not installed"
done
# Every [KEY] that `worms -v` cites is an entry of sources.md.
"$ws" worms -v >worms.txt || fail "worms -v failed"
grep '^ *sources:' worms.txt | grep -o -E '\[[A-Za-z0-9][A-Za-z0-9.-]*\]' | sort -u >keys.txt
[ -s keys.txt ] || fail "worms -v cites no [KEY] of docs/sources.md"
while read -r k; do
	grep -q -F "| $k |" "$src/docs/sources.md" || fail "worms -v cites $k, which docs/sources.md lacks"
done <keys.txt
grep -q 'docs/sources.md' worms.txt || fail "worms -v does not say where its sources are listed"

command -v bash >/dev/null 2>&1 || { [ $failed = 0 ] && exit 0; exit 1; }
mkdir -p bin && ln -s "$ws" bin/wormscope
cat >complete.bash <<'EOS'
PATH=$PWD/bin:$PATH
. ./p/share/bash-completion/completions/wormscope
try() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _wormscope; printf '%s\n' "${COMPREPLY[@]}"; }
try wormscope "" >cmds.txt
try wormscope hosts --c >hosts.txt
try wormscope hosts --worm code- >worms.txt
EOS
bash complete.bash 2>bash.err || fail "completion script failed: $(head -c 300 bash.err)"
for c in scan guard worms hosts report simulate; do
	grep -q -x "$c" cmds.txt || fail "bash completion lacks the command $c: $(tr '\n' ' ' <cmds.txt)"
done
for o in --cidr --compromised; do
	grep -q -x -- "$o" hosts.txt || fail "bash completion of 'hosts --c' lacks $o: $(tr '\n' ' ' <hosts.txt)"
done
grep -q -x code-red-ii worms.txt || fail "bash completion of '--worm code-' lacks code-red-ii"
if command -v zsh >/dev/null 2>&1; then
	zsh -n "$tmp/p/share/zsh/site-functions/_wormscope" || fail "zsh completion does not parse"
fi
exit $failed
