# SPDX-License-Identifier: MIT
# bash completion for wormscope. The commands and each command's options are
# read from `wormscope --help` and `wormscope CMD --help`, so the completion
# stays true to the installed binary's options.

_wormscope_commands()
{
	wormscope --help 2>/dev/null | awk '/^commands:/{c=1;next} c&&/^  [a-z]/{print $1} c&&/^$/{c=0}'
}

_wormscope_options()
{
	wormscope "$1" --help 2>/dev/null | grep -o -E -- '(^|[ ,])--?[a-zA-Z][a-zA-Z0-9-]*' | tr -d ' ,' | sort -u
}

# Whether OPT takes an argument: its help line shows a capitalised placeholder.
_wormscope_takes_arg()
{
	wormscope "$1" --help 2>/dev/null | grep -q -E -- "(^|[ ,])$2 [A-Z]"
}

_wormscope()
{
	local cur prev cmd
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "$(_wormscope_commands) --help --version" -- "$cur"))
		return
	fi
	cmd=${COMP_WORDS[1]}
	case $prev in
	-f | --format)
		COMPREPLY=($(compgen -W "$(wormscope "$cmd" --help 2>/dev/null |
			sed -n -E 's/.*--format FMT *//p' | grep -o -E '[a-z]+' |
			grep -v -x -E 'default|or|one|address|per|line|for|and')" -- "$cur"))
		return ;;
	--worm)
		COMPREPLY=($(compgen -W "$(wormscope worms -f jsonl 2>/dev/null |
			sed -n -E 's/^\{"id":"([^"]*)".*/\1/p')" -- "$cur"))
		return ;;
	-i | --interface)
		COMPREPLY=($(compgen -W "$(ls /sys/class/net 2>/dev/null)" -- "$cur"))
		return ;;
	esac
	if [[ $prev == -* ]] && _wormscope_takes_arg "$cmd" "$prev"; then
		COMPREPLY=($(compgen -f -- "$cur"))
		return
	fi
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_wormscope_options "$cmd")" -- "$cur"))
	else
		COMPREPLY=($(compgen -f -- "$cur"))
	fi
}
complete -o filenames -F _wormscope wormscope
