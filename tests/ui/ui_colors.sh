#!/bin/bash
# UI end-to-end: rows told apart by colour and attribute, as htop and k9s
# do: staged, tagged, expired, expiring, privileged and unused-90d rows
# each have their own, read from the screen with capture-pane -e, on a
# 256-colour and an 8-colour terminal; with NO_COLOR and --no-color by
# attribute alone (still all different); italics where the terminal has
# them, bold and dim where not.
. "${top_srcdir:-.}/tests/e2e/lib.sh"
. "${top_srcdir:-.}/tests/ui/lib.sh"

NOW=1790000000000
DAY=86400000
HOUR=3600000
emu_start --now-ms "$NOW"
tok() { curl -s -o /dev/null -X POST "$EMU_URL/emulator/tokens" -d "$1"; }
C=$((NOW - 40 * DAY))
U=$((NOW - DAY))
tok '{"comment":"style 1 staged","creation_time":'$C',"expiry_time":'$((NOW + 30 * DAY))',"scopes":["sql"],"last_accessed_time":'$U'}'
tok '{"comment":"style 2 tagged","creation_time":'$C',"expiry_time":'$((NOW + 30 * DAY))',"scopes":["sql"],"last_accessed_time":'$U'}'
# expires an hour after the emulator's now: expired by the time patrol looks
tok '{"comment":"style 3 expired","creation_time":'$C',"expiry_time":'$((NOW + HOUR))',"scopes":["sql"],"last_accessed_time":'$U'}'
tok '{"comment":"style 4 expiring","creation_time":'$C',"expiry_time":'$((NOW + 3 * DAY))',"scopes":["sql"],"last_accessed_time":'$U'}'
tok '{"comment":"style 5 privileged","creation_time":'$C',"expiry_time":'$((NOW + 30 * DAY))',"scopes":["authentication"],"last_accessed_time":'$U'}'
tok '{"comment":"style 6 unused","creation_time":'$((NOW - 300 * DAY))',"expiry_time":'$((NOW + 30 * DAY))',"scopes":["sql"],"last_accessed_time":'$((NOW - 100 * DAY))'}'
tok '{"comment":"style 7 plain","creation_time":'$C',"expiry_time":'$((NOW + 30 * DAY))',"scopes":["sql"],"last_accessed_time":'$U'}'

# sgr TEXT: the attributes and colours TEXT is drawn with, as sorted SGR
# numbers: the state of every SGR sequence from the top of the screen up to
# TEXT (tmux's capture-pane -e writes only what changes, across lines too).
sgr() {
	screen -e | awk -v T="$1" '
	function reset(k) { for (k in st) delete st[k] }
	function apply(seq,   n, a, i, k) {
		n = split(seq, a, ";")
		if (n == 0) reset()
		for (i = 1; i <= n; i++) {
			if (a[i] == "" || a[i] == "0") reset()
			else if (a[i] == "22") { delete st["1"]; delete st["2"] }
			else if (a[i] ~ /^2[3-7]$/) delete st[substr(a[i], 2)]
			else if (a[i] == "39") { for (k in st) if (k ~ /^(3[0-7]|9[0-7])$/) delete st[k] }
			else if (a[i] == "49") { for (k in st) if (k ~ /^(4[0-7]|10[0-7])$/) delete st[k] }
			else if (a[i] ~ /^(3[0-7]|9[0-7])$/) { for (k in st) if (k ~ /^(3[0-7]|9[0-7])$/) delete st[k]; st[a[i]] = 1 }
			else st[a[i]] = 1
		}
	}
	{
		pos = index($0, T)
		s = pos ? substr($0, 1, pos - 1) : $0
		while (match(s, /\033\[[0-9;]*m/)) {
			apply(substr(s, RSTART + 2, RLENGTH - 3))
			s = substr(s, RSTART + RLENGTH)
		}
		if (pos) {
			out = ""
			for (k in st) out = out " " k
			print out
			exit
		}
	}' | tr ' ' '\n' | grep -v '^$' | sort -n | tr '\n' ' ' | sed 's/ $//'
}

# styles SETUP-DESC: start the view (UI_ENV, UI_TERM set by the caller),
# stage row 1, tag row 2, and print each row's SGR numbers, one a line.
styles() {
	ui_shell 120 20
	ui_start --sort comment:desc
	check_screen "$1: drawn" "style 7 plain"
	keys G        # the cursor (reverse) on the admin token, last in this order
	wait_for "style 1 staged" 5 >/dev/null
	for n in 1 2; do
		keys /; keys C-u; tm send-keys -t t -l "comment:\"style $n \""; keys Enter
		wait_for "/comment:\"style $n" 5 >/dev/null
		[ $n = 1 ] && keys d || keys Space
	done
	keys Escape
	check_screen "$1: the filter gone, one staged, one tagged" "tagged 1 +staged 1"
	keys G
	wait_for "style 7 plain" 5 >/dev/null
	STAGED=$(sgr "style 1 staged"); TAGGED=$(sgr "style 2 tagged"); EXPIRED=$(sgr "style 3 expired")
	EXPIRING=$(sgr "style 4 expiring"); PRIV=$(sgr "style 5 privileged"); UNUSED=$(sgr "style 6 unused")
	PLAIN=$(sgr "style 7 plain")
	keys q
	check_screen "$1: quit asks (a row is staged)" "Quit\\?"
	keys Tab Enter
	ui_exited 10
}

# distinct DESC: the six styles differ from each other and from a plain row.
distinct() {
	local n
	n=$(printf '%s\n' "$STAGED" "$TAGGED" "$EXPIRED" "$EXPIRING" "$PRIV" "$UNUSED" "$PLAIN" | sort -u | wc -l)
	check_eq "$1: seven rows, seven looks" 7 "$n"
}

UI_ENV="PATROL_NOW_MS=$((NOW + 2 * HOUR))"
UI_TERM=screen-256color
styles "256 colours"
check_eq "staged: red, bold, underlined" "1 4 31" "$STAGED"
check_eq "tagged: green, bold" "1 32" "$TAGGED"
check_eq "expired: dim" "2" "$EXPIRED"
check_eq "expiring: yellow, underlined" "4 33" "$EXPIRING"
check_eq "privileged: magenta, bold and dim (no italics in screen-256color)" "1 2 35" "$PRIV"
check_eq "unused-90d: cyan, dim, underlined" "2 4 36" "$UNUSED"
check_eq "a plain row: nothing" "" "$PLAIN"
distinct "256 colours"

UI_TERM=tmux-256color
styles "italics"
check_eq "privileged: magenta, italic where the terminal has it" "3 35" "$PRIV"
distinct "italics"

UI_TERM=screen
styles "8 colours"
check_eq "8 colours: staged red" "1 4 31" "$STAGED"
check_eq "8 colours: privileged magenta" "1 2 35" "$PRIV"
check_eq "8 colours: unused cyan" "2 4 36" "$UNUSED"
distinct "8 colours"

UI_TERM=screen-256color
UI_ENV="PATROL_NOW_MS=$((NOW + 2 * HOUR)) NO_COLOR=1"
styles "NO_COLOR"
check_eq "NO_COLOR: staged by attribute" "1 4" "$STAGED"
check_eq "NO_COLOR: tagged by attribute" "1" "$TAGGED"
check_eq "NO_COLOR: expired by attribute" "2" "$EXPIRED"
check_eq "NO_COLOR: expiring by attribute" "4" "$EXPIRING"
check_eq "NO_COLOR: privileged by attribute" "1 2" "$PRIV"
check_eq "NO_COLOR: unused-90d by attribute" "2 4" "$UNUSED"
distinct "NO_COLOR"

UI_ENV="PATROL_NOW_MS=$((NOW + 2 * HOUR))"
ui_shell 120 20
ui_start --no-color --sort comment:desc
check_screen "--no-color: drawn" "style 7 plain"
keys G
wait_for "style 7 plain" 5 >/dev/null
check_eq "--no-color: no colour anywhere on the screen" 0 "$(screen -e | grep -cE $'\x1b\\[[0-9;]*(3[0-7]|9[0-7])m')"
check_eq "--no-color: expiring still underlined" "4" "$(sgr "style 4 expiring")"
keys q
ui_exited 10

finish
