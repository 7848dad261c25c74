#!/bin/bash
# End-to-end: the shell a user already has. Completion scripts generated
# from patrol's own tables, driven for real in bash (and loaded in zsh and
# fish when they are installed); help, -V and "did you mean".
. "${top_srcdir:-.}/tests/e2e/lib.sh"

cat >"$HOME/.databrickscfg" <<'EOF'
[__settings__]
default_profile = prod
[DEFAULT]
host = https://d.example.com
[prod]
host = https://p.example.com
[ bob.dev ]
host = https://b.example.com
EOF
chmod 600 "$HOME/.databrickscfg"

"$PATROL" completion bash >"$T/patrol.bash"
check_eq "completion bash" 0 "$?"

# complete LINE: what bash completion offers at the end of LINE, one a line,
# sorted: the function `complete -p patrol` registered, called as bash does.
# bash-completion is loaded when installed (as in a user's shell).
complete_bash() {
	bash --norc --noprofile -c '
		[ -r /usr/share/bash-completion/bash_completion ] && . /usr/share/bash-completion/bash_completion
		. "$1"
		COMP_LINE=$2 COMP_POINT=${#2}
		read -ra COMP_WORDS <<<"$2"
		[[ $2 == *" " ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		fn=$(complete -p patrol | sed -n "s/.*-F \([^ ]*\) patrol$/\1/p")
		"$fn" patrol "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}"' _ "$T/patrol.bash" "$1" | sort
}

check_eq "a command" "list" "$(complete_bash 'patrol li')"
commands=$("$PATROL" help | sed -n '/^commands:/,/^$/s/^  \([a-z]*\) .*/\1/p' | sort)
check_eq "every command of the table" "$commands" "$(complete_bash 'patrol ')"
check_eq "profile names from ~/.databrickscfg" "$(printf 'DEFAULT\nbob.dev\nprod')" \
	"$(complete_bash 'patrol -p ')"
check_eq "DATABRICKS_CONFIG_FILE's profiles" "prod" \
	"$(DATABRICKS_CONFIG_FILE=$HOME/.databrickscfg complete_bash 'patrol --profile pr')"
check_eq "an option of the command" "--sort" "$(complete_bash 'patrol list --so')"
check_eq "sort columns" "$(printf 'expires\nexpires:asc\nexpires:desc')" \
	"$(complete_bash 'patrol list --sort exp')"
# bash splits words at ':': the reply is what follows it, as in a real shell
check_eq "flag names in filters" "never-expires" "$(complete_bash 'patrol list --filter flag:nev')"
check_eq "output formats" "$(printf 'csv\njson\ntable')" "$(complete_bash 'patrol -o ')"
check_eq "option values are skipped when finding the command" "list" \
	"$(complete_bash 'patrol -p prod --host h li')"
opts=$(complete_bash 'patrol revoke --')
check_match "revoke's own options" "--resume" "$opts"
check_nomatch "not another command's" "--comment" "$opts"
check_match "and the global ones" "--profile" "$opts"
check_eq "completion's shells" "$(printf 'bash\nfish\nzsh')" "$(complete_bash 'patrol completion ')"
check_match "settings" "max-lifetime-days" "$(complete_bash 'patrol settings ')"
check_eq "permissions: grant or remove" "$(printf 'grant\nremove')" "$(complete_bash 'patrol permissions ')"
check_match "audit --fail-on and --sort auto-revoke complete" "--fail-on" "$(complete_bash 'patrol audit --')"
check_eq "help takes a command" "revoke" "$(complete_bash 'patrol help rev')"

if command -v zsh >/dev/null 2>&1; then
	mkdir -p "$T/zsh"
	"$PATROL" completion zsh >"$T/zsh/_patrol"
	zsh -n "$T/zsh/_patrol"
	check_eq "the zsh script parses" 0 "$?"
	out=$(zsh -f -c 'fpath=("$1" $fpath); autoload -Uz compinit; compinit -u -d "$2/zcompdump"
		source "$1/_patrol" && print -r -- ${_comps[patrol]}' _ "$T/zsh" "$T" 2>&1)
	check_eq "and loads in zsh, registered for patrol" "_patrol" "$out"
else
	echo "# zsh not installed: its checks skipped"
fi

if command -v fish >/dev/null 2>&1; then
	"$PATROL" completion fish >"$T/patrol.fish"
	fish -n "$T/patrol.fish"
	check_eq "the fish script parses" 0 "$?"
	out=$(fish --no-config -c "source '$T/patrol.fish'; complete -C 'patrol li'" 2>&1)
	check_match "fish completes commands" "^list	list tokens" "$out"
	out=$(fish --no-config -c "source '$T/patrol.fish'; complete -C 'patrol -p '" 2>&1 | cut -f1 | sort)
	check_eq "and profiles" "$(printf 'DEFAULT\nbob.dev\nprod')" "$out"
else
	echo "# fish not installed: its checks skipped"
fi

run completion tcsh
check_rc "an unknown shell" 2
check_match "names the ones there are" "bash, zsh or fish" "$ERR"

# make install puts them where the shells look.
if [ -n "${top_builddir:-}" ] && [ -f "$top_builddir/Makefile" ]; then
	make -s -C "$top_builddir" DESTDIR="$T/inst" install-bashcompletionDATA \
		install-zshcompletionDATA install-fishcompletionDATA >/dev/null 2>&1
	found=$(cd "$T/inst" && find . -type f | sed 's,.*/share/,,' | sort)
	check_eq "make install places the scripts" \
		"$(printf 'bash-completion/completions/patrol\nfish/vendor_completions.d/patrol.fish\nzsh/site-functions/_patrol')" \
		"$found"
fi

# --- help, -V, did you mean ----------------------------------------------------
run -V
check_rc "-V" 0
check_match "prints the version" "^patrol [0-9]+\\.[0-9]+" "$OUT"
run help
check_rc "help" 0
check_match "lists the commands" "completion +print the shell completion" "$OUT"
run help list
check_rc "help list" 0
check_match "shows the command's usage" "usage: patrol \\[global options\\] list" "$OUT"
check_match "and its options" "--sort COL" "$OUT"
check_nomatch "not other commands' options" "--comment" "$OUT"
run revoke --help
check_match "COMMAND --help is help COMMAND" "usage: patrol \\[global options\\] revoke" "$OUT"
run lsit
check_rc "a mistyped command" 2
check_match "did you mean" "unknown command 'lsit': did you mean 'list'\\?" "$ERR"
run wohami
check_match "a transposition" "did you mean 'whoami'\\?" "$ERR"
run frobnicate
check_nomatch "no guess when nothing is close" "did you mean" "$ERR"
run help lsit
check_rc "help of a mistyped command" 2
check_match "did you mean, there too" "did you mean 'list'\\?" "$ERR"
run list --sortt created
check_rc "a mistyped option" 2
check_match "did you mean the option" "did you mean --sort\\?" "$ERR"

finish
