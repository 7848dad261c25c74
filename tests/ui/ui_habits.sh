#!/bin/bash
# UI end-to-end: habits. :columns chooses and orders the columns (also
# `columns =` in patrol's config); the sort, the columns and admin mode are
# remembered per profile in $XDG_STATE_HOME/patrol/view.ini (written whole,
# 0600), never in the hand-edited config, and --sort still wins; an
# auto-refresh (:refresh 10s, `refresh =` in the config) keeps the cursor
# on its token and its screen row, the tags, and leaves a running session
# alone.
. "${top_srcdir:-.}/tests/e2e/lib.sh"
. "${top_srcdir:-.}/tests/ui/lib.sh"

export XDG_STATE_HOME="$T/state"
UI_ENV="XDG_STATE_HOME=$XDG_STATE_HOME"
VIEW="$XDG_STATE_HOME/patrol/view.ini"
CONF="$HOME/.config/patrol/config"
emu_start --generate 40:3 --seed 101
# titles: the column titles line of the table.
titles() { screen | sed -n 3p | sed 's/  */ /g; s/^ //'; }

# --- :columns ---------------------------------------------------------------------
ui_shell 160 30
ui_start
check_screen "drawn" "COMMENT +CREATED +EXPIRES▲ +FLAGS +LAST USED +SCOPES +ID"
keys :; tm send-keys -t t -l "columns id, comment,last-used"; keys Enter
check_screen ":columns chooses and orders" "^ +ID +COMMENT +LAST USED *$"
check_screen "and says what is shown and what there is" "columns: id,comment,last-used \\(:columns NAME"
keys :; tm send-keys -t t -l "columns id,colour"; keys Enter
check_screen "an unknown column is named" "columns: unknown column 'colour'"
check_screen "and nothing changes" "^ +ID +COMMENT +LAST USED *$"
keys :; tm send-keys -t t -l "sort last-used:desc"; keys Enter
check_screen "sorted" "LAST USED▼"
keys a
check_screen "admin mode" " ADMIN" 15
keys q
ui_exited 10
check_eq "quit" 0 "$UI_RC"

# --- remembered, per profile, in the state file --------------------------------------
check_eq "the state file is 0600" 600 "$(stat -c %a "$VIEW")"
check_match "it names the profile" '^\[profile environment\]$' "$(cat "$VIEW")"
check_match "the sort" '^sort = last-used:desc$' "$(cat "$VIEW")"
check_match "the columns" '^columns = id,comment,last-used$' "$(cat "$VIEW")"
check_match "admin mode" '^admin = true$' "$(cat "$VIEW")"
check_eq "no temporary file beside it" "view.ini" "$(ls -A "$XDG_STATE_HOME/patrol" | grep -v '\.jsonl$' | tr '\n' ' ' | sed 's/ $//')"
check_eq "the hand-edited config was never written" "no" "$([ -e "$CONF" ] && echo yes || echo no)"
ui_start
check_screen "the next run: admin mode again" " ADMIN" 15
check_screen "the columns and the sort again" "^ +ID +COMMENT +LAST USED▼ *$"
keys q
ui_exited 10
ui_start --sort id
check_screen "--sort wins over the remembered sort" "^ +ID▲ +COMMENT +LAST USED *$"
keys :; tm send-keys -t t -l "columns default"; keys Enter
check_screen ":columns default: every column" "COMMENT +CREATED +EXPIRES +FLAGS +LAST USED +SCOPES +OWNER +ID▲"
keys q
ui_exited 10

# two profiles of one workspace: each remembers its own
{ cfg_profile alpha "$EMU_URL"; cfg_profile beta "$EMU_URL"; } | cfg_write
UI_ENV="XDG_STATE_HOME=$XDG_STATE_HOME DATABRICKS_HOST= DATABRICKS_TOKEN="
ui_shell 160 30
ui_start -p alpha
check_screen "alpha, nothing remembered yet: the defaults" "COMMENT +CREATED +EXPIRES▲"
keys :; tm send-keys -t t -l "columns comment,id"; keys Enter
check_screen "alpha: two columns" "^ +COMMENT +ID *$"
keys :; tm send-keys -t t -l "profile beta"; keys Enter
check_screen "beta: its own (the defaults)" "COMMENT +CREATED +EXPIRES▲" 10
keys :; tm send-keys -t t -l "columns expires,id"; keys Enter
check_screen "beta: two others" "^ +EXPIRES▲ +ID *$"
keys :; tm send-keys -t t -l "profile alpha"; keys Enter
check_screen "back to alpha: alpha's columns" "^ +COMMENT +ID *$" 10
keys q
ui_exited 10
check_match "the file keeps both profiles" "columns = comment,id" "$(sed -n '/^\[profile alpha\]/,/^\[/p' "$VIEW")"
check_match "beta's too" "columns = expires,id" "$(sed -n '/^\[profile beta\]/,/^\[/p' "$VIEW")"
check_match "and the first run's sort" "sort = id:asc" "$(sed -n '/^\[profile environment\]/,/^\[/p' "$VIEW")"
check_nomatch "whose :columns default follows the config again (no columns remembered)" "columns" \
	"$(sed -n '/^\[profile environment\]/,/^\[/p' "$VIEW")"
rm -f "$HOME/.databrickscfg"
UI_ENV="XDG_STATE_HOME=$XDG_STATE_HOME"

# --- columns and refresh in patrol's config ------------------------------------------
rm -f "$VIEW"
mkdir -p "$(dirname "$CONF")"
printf '[defaults]\ncolumns = comment, expires, id\n' >"$CONF"
ui_shell 160 30
ui_start
check_screen "columns = in the config" "^ +COMMENT +EXPIRES▲ +ID *$"
keys q
ui_exited 10
printf '[defaults]\ncolumns = comment, colour\n' >"$CONF"
run list
check_rc "a bad column in the config is a configuration error" 2
check_match "naming the file, line and the columns there are" "config:2: \\[defaults\\] columns: 'comment, colour' has an unknown column \\(comment, created" "$ERR"
printf '[defaults]\nrefresh = 3s\n' >"$CONF"
run list
check_rc "a refresh under 10s is refused" 2
check_match "saying what is allowed" "refresh: '3s' is not off or a duration from 10s to 1d" "$ERR"
rm -f "$CONF"

# --- auto-refresh ----------------------------------------------------------------------
emu_stop
emu_start --generate 90:1 --seed 102 --latency-ms 1000
N=$(stats '.active_tokens["admin@example.com"]')
for i in $(seq 12); do curl -s -o /dev/null -X POST "$EMU_URL/emulator/tokens" -d "{\"comment\":\"slow $i\"}"; done
ui_forget
ui_shell 160 30
ui_start --jobs 1 --rate 0
check_screen "drawn" "shown $((N + 12))/$((N + 12))"
keys j j j Space
check_screen "a row tagged" "tagged 1 "
[ "$((N + 13))" -gt 26 ] || { echo "the table must be longer than a page"; exit 99; }
# cursor_row: the screen line drawn in reverse video (the cursor's row):
# the SGR state at the start of each line's text, tracked from the top
# (tmux's capture-pane -e writes only what changes).
cursor_row() {
	tm capture-pane -t t -p -e | awk '
	function apply(seq,   n, a, i) {
		n = split(seq, a, ";")
		if (n == 0) rev = 0
		for (i = 1; i <= n; i++) {
			if (a[i] == "" || a[i] == "0" || a[i] == "27") rev = 0
			else if (a[i] == "7") rev = 1
		}
	}
	{
		s = $0
		while (match(s, /^\033\[[0-9;]*m/)) {
			apply(substr(s, 3, RLENGTH - 3))
			s = substr(s, RLENGTH + 1)
		}
		if (NR > 3 && rev && s != "") { print NR; exit }
		while (match(s, /\033\[[0-9;]*m/)) {
			apply(substr(s, RSTART + 2, RLENGTH - 3))
			s = substr(s, RSTART + RLENGTH)
		}
	}'
}
ROW_BEFORE=$(cursor_row)
ID_BEFORE=$(screen | sed -n "${ROW_BEFORE}p" | grep -oE '[0-9a-f]{10}$')
keys :; tm send-keys -t t -l "refresh 10s"; keys Enter
check_screen ":refresh 10s" "auto-refresh every 10s"
L=$(count 'GET /api/2.0/token/list')
# it expires first: it sorts above the cursor's row, which must not move on screen
curl -s -o /dev/null -X POST "$EMU_URL/emulator/tokens" \
	-d "{\"comment\":\"arrived later\",\"expiry_time\":$(( $(date +%s) * 1000 + 600000 ))}"

check_screen "the refresh brings the new token" "shown $((N + 13))/$((N + 13))" 25
check_eq "one more list" $((L + 1)) "$(count 'GET /api/2.0/token/list')"
ROW_AFTER=$(cursor_row)
check_eq "the cursor kept its screen row" "$ROW_BEFORE" "$ROW_AFTER"
check_eq "and its token" "$ID_BEFORE" "$(screen | sed -n "${ROW_AFTER}p" | grep -oE '[0-9a-f]{10}$')"
check_screen "the tag kept" "tagged 1 "
check_screen_not "the new token sorts first, above the screen: the view did not shift" "arrived later"
check_screen_not "a refresh says nothing in the status line" "^[0-9]+ tokens"
# a slow session (12 revokes of a second each) outlasts the interval: no refresh during it
keys U
keys /; tm send-keys -t t -l "comment:slow"; keys Enter
keys T d x
check_screen "the count" "OK is off until you type 12"
tm send-keys -t t -l "12"
keys Enter
check_screen "running" "^revoking " 10
L=$(count 'GET /api/2.0/token/list')
if wait_gone "^revoking " 40; then ok "the session ends"; else OUT=$(screen); not_ok "the session ends"; fi
check_eq "no list fetched while it ran" "$L" "$(count 'GET /api/2.0/token/list')"
check_eq "twelve revoked once each" 12 "$(stats '[.revokes[]] | length')"
L=$(count 'GET /api/2.0/token/list')
for _ in $(seq 300); do [ "$(count 'GET /api/2.0/token/list')" -gt "$L" ] && break; sleep 0.05; done
check_eq "after it, the refresh goes on" $((L + 1)) "$(count 'GET /api/2.0/token/list')"
keys :; tm send-keys -t t -l "refresh off"; keys Enter
check_screen ":refresh off" "auto-refresh off"
keys :; tm send-keys -t t -l "refresh 5s"; keys Enter
check_screen "under 10s refused" "refresh: off, or a duration from 10s to 1d"
keys q
ui_exited 10

finish
