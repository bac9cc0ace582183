#!/bin/sh
# Bash completion, run through bash: commands and options from the
# binary's own tables, profile names, .ini and .conf files.
. "${TESTS_DIR:-$(dirname "$0")/..}/lib.sh"
scratch
BC=/usr/share/bash-completion/bash_completion
[ -r "$BC" ] && command -v bash >/dev/null || skip_all "bash-completion is not installed"
mkdir "$SCRATCH/profiles" "$SCRATCH/cwd" "$SCRATCH/cwd/sub"
printf '[profile]\ndescription = x\n' >"$SCRATCH/profiles/edge-proxy.ini"
: >"$SCRATCH/cwd/local.conf"
: >"$SCRATCH/cwd/site.ini"
: >"$SCRATCH/cwd/notes.txt"

# complete WORDS...: the completions bash offers for the last word.
complete_words() {
	(cd "$SCRATCH/cwd" && TCPTUNE_PROFILE_PATH="$SCRATCH/profiles" bash -c '
		. "$1"; . "$2"; shift 2
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_tcptune tcptune "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}" | sort' sh "$BC" "$TESTS_DIR/../data/tcptune.bash-completion" "$@")
}
T=$TCPTUNE
has() { grep -qx -- "$1" "$SCRATCH/out"; }
hasnt() { ! grep -qx -- "$1" "$SCRATCH/out"; }

complete_words "$T" "" >"$SCRATCH/out"
check "commands" has check && has profiles && has confirm
complete_words "$T" co >"$SCRATCH/out"
check "a command by its start" has confirm && hasnt check
complete_words "$T" confirm -- >"$SCRATCH/out"
check "confirm: its own options (--format)" has --format
check "confirm: no --confirm (it is apply's)" hasnt --confirm
complete_words "$T" apply --c >"$SCRATCH/out"
check "apply: --confirm" has --confirm
complete_words "$T" check --o >"$SCRATCH/out"
check "check: --output" has --output
complete_words "$T" --proc-root /proc check --q >"$SCRATCH/out"
check "a common option's value skipped: still check's options" has --quiet
complete_words "$T" --state-dir /tmp apply --ski >"$SCRATCH/out"
check "the command found after an option with a value" has --skip-refused
# --format's values: prometheus for exactly the commands whose usage has it.
for c in $("$T" help --commands); do
	"$T" help "$c" 2>/dev/null | grep -q -- '--format' || continue
	complete_words "$T" "$c" --format "" >"$SCRATCH/out"
	if "$T" help "$c" | grep -q 'text|json|prometheus'; then
		check "$c --format: prometheus" has prometheus && has json
	else
		check "$c --format: no prometheus" hasnt prometheus && has json
	fi
done
complete_words "$T" trace --d >"$SCRATCH/out"
check "trace: --duration" has --duration
complete_words "$T" apply "" >"$SCRATCH/out"
check "apply: profile names" has edge-proxy
check "apply: .conf and .ini files" has local.conf && has site.ini
check "apply: directories" has sub
check "apply: not other files" hasnt notes.txt
complete_words "$T" check --profile "" >"$SCRATCH/out"
check "check --profile: names and files" has edge-proxy && has local.conf
complete_words "$T" explain tcp_fin >"$SCRATCH/out"
check "explain: short key names" has tcp_fin_timeout
complete_words "$T" explain net.ipv4.tcp_fin >"$SCRATCH/out"
check "explain: full key names" has net.ipv4.tcp_fin_timeout
complete_words "$T" -- >"$SCRATCH/out"
check "before the command: --version and the common options" has --version && has --tuned-dir
finish
