#!/bin/bash
# UI end-to-end: the terminal side. Sizes and resizing, NO_COLOR, TERM=vt100,
# --ascii, hostile comments, the terminal restored after SIGTERM, and a UI
# that stays responsive while the workspace is slow.
. "${top_srcdir:-.}/tests/e2e/lib.sh"
. "${top_srcdir:-.}/tests/ui/lib.sh"

emu_start --generate 200:2 --seed 5 --user bob@example.com=dapi11111111111111111111111111111111
for c in 'title\u001b]0;pwned\u0007 set' 'clip\u001b]52;c;cm0gLXJmIH4=\u0007 board' \
	'clear\u001b[2J\u001b[H screen' 'bidi \u202egnp.exe'; do
	curl -s -o /dev/null -X POST -H "Authorization: Bearer $ADMIN_TOKEN" \
		-d "{\"comment\":\"$c\"}" "$EMU_URL/api/2.0/token/create"
done
ACTIVE=$(stats '.active_tokens["admin@example.com"]')

# --- 200x50, then resize down to 80x24, 40x10, below, and back ---------------
ui_shell 200 50
ui_start --all
check_screen "200x50: owner column with --all" "COMMENT .*OWNER"
check_screen "200x50: the full table" "LAST USED +SCOPES"
wait_for "^[^ ]+ \\[[^]]*\\] [0-9]+/600" >/dev/null
GAUGE=$(screen | sed -n 2p)
G_OWNER=$(printf '%s' "$GAUGE" | sed 's/ \[.*//; s/…$//')
G_COUNTS=$(printf '%s' "$GAUGE" | sed -n 's/.*\] \([0-9]*\)\/600  \([0-9]*\) expire.*/\1 \2/p')
check_eq "--all gauge: the selected row's owner, with the counts quota --all gives" "$G_COUNTS" \
	"$("$PATROL" quota --all -o json | jq -r --arg o "$G_OWNER" '[.[] | select(.owner | startswith($o))][0] | "\(.active) \(.expiring)"')"
check_match "--all gauge: that owner is the selected (first) row's (its cell is cut)" "${G_OWNER:0:13}" "$(screen | sed -n 4p)"
tm resize-window -t t -x 80 -y 24
check_screen "resized to 80x24: still drawn (the gauge names the owner)" "\\] [0-9]+/600"
check_screen "80x24: the owner column stays, lower-priority ones dropped" "COMMENT .*OWNER +ID"
tm resize-window -t t -x 40 -y 10
check_screen "resized to 40x10: the table survives" "COMMENT"
tm resize-window -t t -x 30 -y 8
check_screen "below 40x10: a one-line notice" "too small"
tm resize-window -t t -x 80 -y 24
check_screen "back to 80x24" "\\] [0-9]+/600"
keys q
ui_exited 10
check_eq "exit after resizes" 0 "$UI_RC"
check_eq "stty restored after resizes" "$(cat "$T/stty.before")" "$(cat "$T/stty.after")"

# --- hostile comments are shown as escapes, harmlessly --------------------------
ui_shell 100 30
tm select-pane -t t -T "before"
ui_forget      # the view above was admin mode: the rest starts afresh
ui_start --filter 'comment:title comment:set'
check_screen "the hostile title comment is listed" 'title\\e\]0;pwned'
keys /; keys C-u; tm send-keys -t t -l "bidi"; keys Enter
check_screen "bidi override shown as an escape" '\\u\{202E\}gnp'
keys /; keys C-u; tm send-keys -t t -l "clip"; keys Enter
check_screen "OSC 52 shown as an escape" 'clip\\e\]52'
keys /; keys C-u; tm send-keys -t t -l "clear"; keys Enter
check_screen "clear-screen shown as an escape, the UI intact" 'clear\\e\[2J'
check_screen "header still there" "quota .*600"
check_eq "the pane title was not changed" "before" "$(tm display-message -p -t t '#{pane_title}')"
check_eq "nothing reached tmux's clipboard" "" "$(tm show-buffer 2>/dev/null)"
keys q
ui_exited 10

# --- NO_COLOR and TERM=vt100: no colour, meaning still readable -------------------
UI_ENV="NO_COLOR=1" ui_shell 80 24
ui_start
check_screen "NO_COLOR: drawn with the data" "shown $ACTIVE/$ACTIVE +tagged"
keys j
# Colours are SGR 30-37, 40-47, 90-97, 100-107 and 38;/48; (39 and 49 only
# reset to the terminal's defaults).
if screen -e | grep -Eq $'\033\\[([0-9;]*;)?(3[0-8]|4[0-8]|9[0-7]|10[0-7])[;m]'; then
	OUT=$(screen -e | head -5 | cat -v); not_ok "NO_COLOR capture has no colour attributes"
else
	ok "NO_COLOR capture has no colour attributes"
fi
# (the j may still be redrawing: wait, within the usual 10 s, for one row)
for _ in $(seq 200); do
	[ "$(screen -e | grep -c $'\033\\[7m')" = 1 ] && break
	sleep 0.05
done
check_eq "NO_COLOR: the selected row is still marked (reverse video)" 1 "$(screen -e | grep -c $'\033\\[7m')"
keys q
ui_exited 10
UI_ENV="LC_ALL=C" ui_shell 80 24
ui_start
check_screen "C locale: drawn" "quota .*600"
check_screen_not "C locale: no UTF-8 glyphs (the locale cannot show them)" "│|█|▲|▼|…"
keys q
ui_exited 10
UI_TERM=vt100 ui_shell 80 24
ui_start --ascii
check_screen "TERM=vt100 --ascii: drawn" "quota .*600"
check_screen "ASCII sort arrow" "EXPIRES\\^|CREATED\\^|v "
check_screen_not "no line drawing or block glyphs with --ascii" "│|█|▲|▼|…"
keys q
ui_exited 10
check_eq "vt100: exit 0" 0 "$UI_RC"

# --- SIGTERM and SIGHUP restore the terminal ---------------------------------------
for sig in TERM HUP; do
	ui_shell 80 24
	ui_start
	check_screen "running before SIG$sig" "quota .*600"
	ui_signal "$sig"
	ui_exited 10
	check_eq "SIG$sig: exit 128+signal" "$((128 + $(kill -l "$sig")))" "$UI_RC"
	check_eq "SIG$sig: stty -g unchanged" "$(cat "$T/stty.before")" "$(cat "$T/stty.after")"
	check_eq "SIG$sig: alternate screen left" 0 "$(tm display-message -p -t t '#{alternate_on}')"
	check_eq "SIG$sig: cursor visible" 1 "$(tm display-message -p -t t '#{cursor_flag}')"
	rm -f "$T/stty.after"
done

# --- responsive while the workspace takes 2 s per request ----------------------------
emu_stop
emu_start --latency-ms 2000 --generate 50:1 --seed 5
ui_shell 80 24
ui_start
check_screen "first frame before the data: loading is shown" "loading" 1
keys '?'
check_screen "help opens while the list is loading" "HELP|help" 1
check_screen "help is built from the key table" "revoke"
keys Escape
check_screen "the list arrives" "tagged 0 +staged 0" 15
keys c
check_screen "create dialog" "New token"
tm send-keys -t t -l "in flight"
keys Enter q
check_screen "q during a create in flight asks: the secret would be lost" "its secret would never be"
keys Enter
check_screen "Cancel: the secret still arrives and is shown" "Copy this token now" 15
keys Enter d
wait_gone "Copy this token now" 5
keys r
check_screen "a refresh says it is loading" "loading" 1
keys j k j
keys q
ui_exited 3
check_eq "q quits at once even with a request in flight" 0 "$UI_RC"

finish
