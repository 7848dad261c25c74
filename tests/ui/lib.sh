# tests/ui/lib.sh: drive the real patrol UI in tmux against the emulator.
#
# Sourced after tests/e2e/lib.sh (emulator, checks, private HOME). A private
# tmux server (-L, no config) runs a plain shell in one pane at a fixed size;
# tests type into it, wait for text to appear on the screen (bounded polls,
# never fixed sleeps) and compare what the screen shows.

command -v tmux >/dev/null 2>&1 || { echo "missing tool: tmux (apt-get install tmux)"; exit 99; }

TMUX_SOCK="patrol-ui-$$"
unset TMUX
tm() { tmux -L "$TMUX_SOCK" -f /dev/null "$@"; }

ui_cleanup() {
	tm kill-server 2>/dev/null
	cleanup
}
trap ui_cleanup EXIT

# ui_shell W H: start a pane of W x H columns running a bare shell, with
# the test environment (emulator URL and token, private HOME). kill-server
# does not wait for the old server to be gone, and a new session can land
# on the dying one: then the shell never shows its prompt, and it is tried
# again on a fresh server.
ui_shell() {
	local i attempt
	rm -f "$T/stty.before" "$T/stty.after"
	for attempt in 1 2 3; do
		tm kill-server 2>/dev/null
		i=0
		while tm list-sessions >/dev/null 2>&1 && [ $i -lt 100 ]; do sleep 0.02; i=$((i + 1)); done
		tm new-session -d -s t -x "$1" -y "$2" \
			"env -i PATH=$PATH HOME=$HOME TERM=${UI_TERM:-screen-256color} LC_ALL=C.UTF-8 \
			 DATABRICKS_HOST=$DATABRICKS_HOST DATABRICKS_TOKEN=$DATABRICKS_TOKEN \
			 ${UI_ENV:-} PS1='$ ' bash --norc --noprofile" 2>/dev/null || continue
		tm set-option -t t status off >/dev/null 2>&1
		tm resize-window -t t -x "$1" -y "$2" 2>/dev/null
		wait_for '^\$' 5 2>/dev/null && return 0
	done
	echo "the shell did not start"
	exit 99
}

# type TEXT: type a command line and press Enter.
type_line() { tm send-keys -t t -l "$1"; tm send-keys -t t Enter; }

# keys KEY...: send tmux key names (j, Enter, Escape, C-l, ...).
keys() { tm send-keys -t t "$@"; }

# screen [-e]: the visible pane.
screen() { tm capture-pane -t t -p "$@"; }

# wait_for REGEX [SECONDS]: poll the screen until REGEX matches (default 10 s).
wait_for() {
	local limit=$(( ${2:-10} * 20 )) i=0
	while [ $i -lt $limit ]; do
		screen | grep -Eq -- "$1" && return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

# wait_gone REGEX [SECONDS]: poll until REGEX no longer matches.
wait_gone() {
	local limit=$(( ${2:-10} * 20 )) i=0
	while [ $i -lt $limit ]; do
		screen | grep -Eq -- "$1" || return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

# check_screen DESC REGEX [SECONDS]: wait for REGEX, record ok/not ok.
check_screen() {
	if wait_for "$2" "${3:-10}"; then ok "$1"; else OUT=$(screen); ERR=""; not_ok "$1" "screen never matched /$2/"; fi
}

# check_gone DESC REGEX [SECONDS]: REGEX leaves the screen within SECONDS
# (default 10): for what a key takes away (check_screen_not looks once).
check_gone() {
	if wait_gone "$2" "${3:-10}"; then ok "$1"; else OUT=$(screen); ERR=""; not_ok "$1" "screen still shows /$2/"; fi
}

# check_screen_not DESC REGEX: the screen does not show REGEX now.
check_screen_not() {
	if screen | grep -Eq -- "$2"; then OUT=$(screen); ERR=""; not_ok "$1" "screen shows /$2/"; else ok "$1"; fi
}

# dialog: the text of the dialog on show (between its borders, whatever the
# view beside it), its wrapped lines joined by one space (a check on words
# that do not depend on where they wrap);
# check_dialog DESC REGEX: wait until it matches REGEX, record ok/not ok.
dialog() { screen | sed -n 's/^[^│]*│ \(.*[^ ]\) *│[^│]*$/\1/p' | tr '\n' ' '; }
dialog_has() { dialog | grep -Eq -- "$1"; }
check_dialog() {
	if await dialog_has "$2"; then ok "$1"; else OUT=$(dialog); ERR=""; not_ok "$1" "the dialog never matched /$2/"; fi
}

# mk COMMENT N FILE: make N tokens of the admin commented "COMMENT i" (test
# control, not counted in the statistics); their ids go to FILE.
mk() {
	local i id
	: >"$3"
	for i in $(seq "$2"); do
		id=$(mktok "{\"comment\":\"$1 $i\"}")
		[ -n "$id" ] || { echo "cannot make token '$1 $i'"; exit 99; }
		printf '%s\n' "$id" >>"$3"
	done
}

# writes_at URL: how many writes (POST, PATCH, DELETE, PUT) the emulator at
# URL received (several workspaces: one emulator each).
writes_at() {
	stats_at "$1" '[.requests | to_entries[] | select(.key | test("^(POST|PATCH|DELETE|PUT) ")) | .value] | add // 0'
}

# Several workspaces, an emulator each: any helper of tests/e2e/lib.sh or
# of this file runs against the one at URL with `at URL CMD...` (`at "$u" mk
# C N FILE`, `at "$u" deletes`, `at "$u" revoked_once FILE`, `at "$u" hold
# PATH`, `at "$u" release`).
# mine_at URL: the admin's active tokens in the workspace at URL (what the
# view shows of it with admin mode off).
mine_at() { stats_at "$1" '.active_tokens["admin@example.com"]'; }
# connects_at URL: the CONNECTs the emulator at URL, acting as an HTTPS
# proxy, received (tunnels towards an https host such as an account console).
connects_at() {
	stats_at "$1" '[.requests | to_entries[] | select(.key | startswith("CONNECT ")) | .value] | add // 0'
}

# lists_at URL: the token lists (own tokens) the emulator at URL received,
# counted on arrival.
lists_at() { stats_at "$1" '.requests["GET /api/2.0/token/list"] // 0'; }
# tm_lists_at URL: the token-management lists (every token) the emulator at
# URL received.
tm_lists_at() { stats_at "$1" '.requests["GET /api/2.0/token-management/tokens"] // 0'; }

# filter EXPR: type EXPR as the table's filter (what was there cleared).
filter() { keys /; keys C-u; tm send-keys -t t -l "$1"; keys Enter; }

# revokes: how many distinct ids the emulator saw revoked.
revokes() { stats '.revokes | length'; }

# ui_forget: drop the view patrol remembers between runs (sort, columns,
# admin mode, per profile), so the next start shows the defaults.
ui_forget() { rm -f "${XDG_STATE_HOME:-$HOME/.local/state}/patrol/view.ini"; }

# ui_start ARGS...: run patrol ARGS in the pane, remember stty, wait for
# the first frame (the header names the host).
ui_start() {
	local args="" a
	for a in "$@"; do args="$args $(printf '%q' "$a")"; done
	# clear: an EXIT= line of an earlier run must not answer ui_exited for this one
	type_line "clear; stty -g > $T/stty.before; $PATROL$args; echo \"EXIT=\$?\"; stty -g > $T/stty.after"
	wait_for 'patrol|PATROL' 10
}

# ui_signal SIG: send SIG to the patrol running in this test's pane only
# (other tests may run their own patrol at the same time).
ui_signal() {
	local shell pid i=0
	shell=$(tm display-message -p -t t '#{pane_pid}')
	while [ $i -lt 100 ]; do
		pid=$(pgrep -P "$shell" -x patrol | head -n 1)
		[ -n "$pid" ] && { kill -"$1" "$pid"; return 0; }
		sleep 0.02; i=$((i + 1))
	done
	return 1
}

# ui_exited: wait for the shell prompt after patrol ended; sets UI_RC.
ui_exited() {
	wait_for 'EXIT=[0-9]+' "${1:-10}" || return 1
	UI_RC=$(screen | sed -n 's/.*EXIT=\([0-9][0-9]*\).*/\1/p' | tail -n 1)
	local i=0
	while [ ! -s "$T/stty.after" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	return 0
}
