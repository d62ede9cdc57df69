# bash completion for mintctl(8)
#
# Commands and options come from the installed mintctl's own --help, so they
# are always in step with it. Node names, CPU numbers, PCI addresses and guest
# names come from mintd's Status (`mintctl status --json`, of the node that -n
# names), read with jq where it is installed and with awk otherwise (mintctl
# prints one JSON member per line); when mintd does not answer, nothing is
# offered for them.

# The command names of `mintctl --help` ("status", "cpu release", ...), once per shell.
_mintctl_commands() {
	[ -n "${_mintctl_cmds-}" ] ||
		_mintctl_cmds=$(mintctl --help 2>/dev/null | awk '
			/^Commands:/ { on = 1; next }
			on && /^$/ { exit }
			on { n = split(substr($0, 3, 24), w, " "); s = ""
			     for (i = 1; i <= n && w[i] ~ /^[a-z]+$/; i++) s = s (s ? " " : "") w[i]
			     print s }')
	printf '%s\n' "$_mintctl_cmds"
}

# The options of command $1 ("cpu move"), "--name" or "--name=" for those with a value.
_mintctl_options() {
	mintctl $1 --help 2>/dev/null | awk '
		/^Options:/ { on = 1; next }
		on && /^  --/ { print ($2 ~ /^[A-Z]/) ? $1 "=" : $1 }'
}

# _mintctl_records SECTION FIELD...: one tab-separated line per element of the
# array SECTION of the Status reply, with the FIELDs in order.
_mintctl_records() {
	local section=$1 fields json
	shift
	fields=$*
	json=$(timeout 3 mintctl "${_mintctl_global[@]}" status --json 2>/dev/null) || return 0
	if command -v jq >/dev/null 2>&1; then
		jq -r --arg s "$section" --arg f "$fields" \
			'.[$s][]? | [.[($f | split(" "))[]] | tostring] | @tsv' <<<"$json" 2>/dev/null
	else
		awk -v s="$section" -v f="$fields" '
			BEGIN { nf = split(f, want, " ") }
			/^  "[a-z_]+":/ { top = $0; sub(/^  "/, "", top); sub(/".*/, "", top); next }
			top != s { next }
			/^    \{/ { split("", o); next }
			/^      "[a-z_]+":/ {
				k = $0; sub(/^      "/, "", k); sub(/".*/, "", k)
				v = $0; sub(/^[^:]*:/, "", v); sub(/,$/, "", v); gsub(/^"|"$/, "", v)
				o[k] = v; next }
			/^    \}/ { line = ""
				  for (i = 1; i <= nf; i++) line = line (i > 1 ? "\t" : "") o[want[i]]
				  print line }' <<<"$json"
	fi
}

# This node's name (the node that -n names, else the local one).
_mintctl_self() {
	local json
	json=$(timeout 3 mintctl "${_mintctl_global[@]}" status --json 2>/dev/null) || return 0
	if command -v jq >/dev/null 2>&1; then
		jq -r '.node.name' <<<"$json" 2>/dev/null
	else
		awk '/^  "node":\{/ { on = 1; next } on && /^    "name":/ {
			v = $0; sub(/^[^:]*:"/, "", v); sub(/".*/, "", v); print v; exit }' <<<"$json"
	fi
}

# Candidates for the operand or option value of kind $1.
_mintctl_values() {
	local self id online owner name state addr driver
	case $1 in
	cpus-online)
		while IFS=$'\t' read -r id online; do
			[ "$online" = true ] && [ "$id" != 0 ] && echo "$id"
		done < <(_mintctl_records cpus id online) ;;
	cpus-free)
		while IFS=$'\t' read -r id owner; do
			[ "$owner" = free ] && echo "$id"
		done < <(_mintctl_records cpus id owner) ;;
	devices-own)
		self=$(_mintctl_self)
		while IFS=$'\t' read -r addr owner driver; do
			[ "$owner" = "$self" ] && [ "$driver" != pci-stub ] && echo "$addr"
		done < <(_mintctl_records devices address owner driver) ;;
	devices-released)
		while IFS=$'\t' read -r addr owner driver; do
			[ "$owner" = free ] || [ "$driver" = pci-stub ] && echo "$addr"
		done < <(_mintctl_records devices address owner driver) ;;
	nodes-running)
		while IFS=$'\t' read -r name state; do
			[ "$state" = running ] && echo "$name"
		done < <(_mintctl_records nodes name state) ;;
	nodes-other)
		self=$(_mintctl_self)
		while IFS=$'\t' read -r name state; do
			[ "$name" != "$self" ] && [ "$name" != node0 ] && [ "$state" != unused ] && echo "$name"
		done < <(_mintctl_records nodes name state) ;;
	nodes-bootable)
		# nodes of the table that are not running, and the first unused name
		local used=" " n=1
		while IFS=$'\t' read -r name state; do
			used="$used$name "
			case $state in unused | halted) echo "$name" ;; esac
		done < <(_mintctl_records nodes name state)
		while [[ $used == *" node$n "* ]]; do n=$((n + 1)); done
		echo "node$n" ;;
	guests)
		_mintctl_records guests name ;;
	disks)
		local d
		for d in /sys/block/*; do
			case ${d##*/} in loop* | ram* | zram* | dm-* | md* | sr*) ;; *) echo "${d##*/}" ;; esac
		done ;;
	esac
}

# COMPREPLY for a CPU list: complete the part after the last comma.
_mintctl_cpulist() {
	local cur=$1 kind=$2 head= c have left=()
	[[ $cur == *,* ]] && head=${cur%,*},
	have=",$head"
	for c in $(_mintctl_values "$kind"); do
		[[ $have == *",$c,"* ]] || left+=("$c")
	done
	COMPREPLY=($(compgen -P "$head" -W "${left[*]}" -- "${cur##*,}"))
	[ ${#COMPREPLY[@]} -gt 0 ] && compopt -o nospace 2>/dev/null
}

_mintctl() {
	local cur prev words cword
	if declare -F _init_completion >/dev/null; then
		_init_completion -n = || return
	else
		cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
		words=("${COMP_WORDS[@]}") cword=$COMP_CWORD
	fi
	local -a _mintctl_global=() cmdwords=()
	local i w cmd="" operands=0 commands groups
	commands=$(_mintctl_commands)
	groups=$(awk 'NF == 2 { print $1 }' <<<"$commands" | sort -u)

	# What is on the line before the word being completed.
	for ((i = 1; i < cword; i++)); do
		w=${words[i]}
		case $w in
		--socket | -n | --node)
			_mintctl_global+=("$w" "${words[i + 1]-}")
			i=$((i + 1)) ;;
		--socket=* | --node=*) _mintctl_global+=("$w") ;;
		--json | -h | --help | --version) ;;
		--*=*) ;;
		--*)
			# a command option with a value takes the next word
			[ -n "$cmd" ] && _mintctl_options "$cmd" | grep -qx -- "$w=" && i=$((i + 1)) ;;
		*)
			if [ -z "$cmd" ] && [ ${#cmdwords[@]} = 0 ] && grep -qx -- "$w" <<<"$groups"; then
				cmdwords=("$w")
			elif [ -z "$cmd" ] && [ ${#cmdwords[@]} = 1 ]; then
				cmd="${cmdwords[0]} $w"
			elif [ -z "$cmd" ]; then
				cmd=$w
			else
				operands=$((operands + 1))
			fi ;;
		esac
	done

	# The value of an option.
	local opt=$prev value=$cur
	if [[ $cur == --*=* ]]; then
		opt=${cur%%=*} value=${cur#*=}
	fi
	case $opt in
	--socket | --kernel | --initrd | --disk)
		COMPREPLY=($(compgen -f -- "$value"))
		return ;;
	--sysroot | --mount)
		COMPREPLY=($(compgen -d -- "$value"))
		return ;;
	-n | --node | --to)
		COMPREPLY=($(compgen -W "$(_mintctl_values nodes-running)" -- "$value"))
		return ;;
	--cores)
		_mintctl_cpulist "$value" cpus-online
		return ;;
	--dev)
		COMPREPLY=($(compgen -W "$(_mintctl_values devices-own)" -- "$value"))
		return ;;
	--mem | --vcpus | --timeout | --stop-timeout | --append)
		return ;;
	esac

	if [[ $cur == -* ]]; then
		local opts="--json --socket= --node= --help --version"
		[ -n "$cmd" ] && opts="$opts $(_mintctl_options "$cmd")"
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		[[ ${COMPREPLY[*]} == *= ]] && compopt -o nospace 2>/dev/null
		return
	fi
	if [ -z "$cmd" ] && [ ${#cmdwords[@]} = 1 ]; then
		COMPREPLY=($(compgen -W "$(awk -v g="${cmdwords[0]}" '$1 == g { print $2 }' <<<"$commands")" -- "$cur"))
		return
	fi
	if [ -z "$cmd" ]; then
		COMPREPLY=($(compgen -W "$(awk '{ print $1 }' <<<"$commands" | sort -u)" -- "$cur"))
		return
	fi
	[ "$operands" = 0 ] || return
	case $cmd in
	"cpu release" | "cpu move") _mintctl_cpulist "$cur" cpus-online ;;
	"cpu reclaim") _mintctl_cpulist "$cur" cpus-free ;;
	"dev release" | "dev move") COMPREPLY=($(compgen -W "$(_mintctl_values devices-own)" -- "$cur")) ;;
	"dev reclaim") COMPREPLY=($(compgen -W "$(_mintctl_values devices-released)" -- "$cur")) ;;
	"disk move") COMPREPLY=($(compgen -W "$(_mintctl_values disks) $(_mintctl_values devices-own)" -- "$cur")) ;;
	boot) COMPREPLY=($(compgen -W "$(_mintctl_values nodes-bootable)" -- "$cur")) ;;
	log | halt | kill | reboot) COMPREPLY=($(compgen -W "$(_mintctl_values nodes-other)" -- "$cur")) ;;
	"vm stop" | "vm console") COMPREPLY=($(compgen -W "$(_mintctl_values guests)" -- "$cur")) ;;
	esac
}
complete -F _mintctl mintctl
