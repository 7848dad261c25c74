#!/bin/bash
# Widths: every CLI table (list, list --all, audit, audit --all, quota
# --all, journal, journal SESSION, the plan of revoke) printed on a
# terminal of 80, 60 and 200
# columns fits it (no line wraps, nothing beyond the edge), and piped it is
# not cut (the longest comment comes through whole). The interactive view
# at 80, 60 and 200 columns: rows fit, narrow screens drop columns in their
# order, and at 200 the owner and scopes columns get their full width.
. "${top_srcdir:-.}/tests/e2e/lib.sh"
. "${top_srcdir:-.}/tests/ui/lib.sh"

export XDG_STATE_HOME="$T/state"
UI_ENV="XDG_STATE_HOME=$XDG_STATE_HOME"
emu_start --generate 60:4 --seed 61
LONG=$(curl -s -X POST "$EMU_URL/emulator/tokens" \
	-d '{"comment":"a very long comment that no terminal of eighty columns can show in one piece: 数据管道 and données de test","user":"someone.with.a.long.name@example.com"}' | jq -r .token_id)
curl -s -o /dev/null -X POST "$EMU_URL/emulator/tokens" -d '{"comment":"victim"}'
VICTIM=$("$PATROL" list -o json --filter comment:victim | jq -r '.[0].token_id')
run revoke --yes "$VICTIM"
SESSION=$(ls "$XDG_STATE_HOME"/patrol/ | sed -n 's/\.jsonl$//p' | head -n 1)

# on_terminal W CMD...: run patrol CMD with stdout on a W-column terminal
# (a tall pane: nothing scrolls away); sets SCREEN (the pane, wrapped lines
# as on screen) and JOINED (wrapped lines joined back).
on_terminal() {
	local w=$1
	shift
	ui_shell "$w" 200
	type_line "clear; $PATROL $* 2>/dev/null; echo DONE-\$?"
	wait_for '^DONE-[0-9]+' 20 || { OUT=$(screen); not_ok "patrol $* finished on $w columns"; return 1; }
	SCREEN=$(screen | sed '/^DONE-/,$d')
	JOINED=$(tm capture-pane -t t -p -J | sed '/^DONE-/,$d')
}

# widest TEXT: the widest line, in display columns.
widest() { printf '%s\n' "$1" | while IFS= read -r l; do printf '%s\n' "$l" | wc -L; done | sort -n | tail -n 1; }

TABLES=("list" "list --all" "audit" "audit --all" "quota --all" "journal" "journal $SESSION")
for w in 80 60 200; do
	for cmd in "${TABLES[@]}"; do
		on_terminal "$w" "$cmd" || continue
		SKIP=""
		case $cmd in journal\ *)   # the table below the session's "label: value" lines
			SKIP='1,/^$/d'
			SCREEN=$(printf '%s\n' "$SCREEN" | sed '1,/^$/d')
			JOINED=$(printf '%s\n' "$JOINED" | sed '1,/^$/d')
		esac
		lines=$(printf '%s\n' "$SCREEN" | wc -l)
		joined=$(printf '%s\n' "$JOINED" | wc -l)
		OUT=$SCREEN
		check_eq "$cmd on $w columns: no line wraps" "$lines" "$joined"
		n=$(widest "$JOINED")
		if [ "$n" -le "$w" ]; then ok "$cmd on $w columns: at most $w wide ($n)"; else not_ok "$cmd on $w columns: at most $w wide" "widest line: $n"; fi
		want=$("$PATROL" $cmd 2>/dev/null | sed "${SKIP:-}" | wc -l)
		check_eq "$cmd on $w columns: every row is there" "$want" "$lines"
	done
done
# The plan of a revocation session (on stderr, before its question).
N_ALL=$("$PATROL" list --all -o json | jq length)
for w in 80 60; do
	ui_shell "$w" 200
	type_line "clear; $PATROL revoke --all --filter 'comment:a'; echo DONE-\$?"
	check_screen "revoke plan on $w columns: the question" "Type yes|type the number" 10
	keys Enter
	wait_for '^DONE-[0-9]+' 10 >/dev/null
	PLAN=$(screen | sed -n '/^ *ID  /,/^ *… and\|^warning:\|^Revoke/p' | sed '$d')
	JPLAN=$(tm capture-pane -t t -p -J | sed -n '/^ *ID  /,/^ *… and\|^warning:\|^Revoke/p' | sed '$d')
	OUT=$PLAN
	check_eq "revoke plan on $w columns: no line wraps" "$(printf '%s\n' "$PLAN" | wc -l)" "$(printf '%s\n' "$JPLAN" | wc -l)"
	check_match "revoke plan on $w columns: the table is there" "OWNER" "$PLAN"
	n=$(widest "$JPLAN")
	if [ "$n" -le "$w" ]; then ok "revoke plan on $w columns: at most $w wide ($n)"; else not_ok "revoke plan on $w columns: at most $w wide" "widest line: $n"; fi
done
check_eq "nothing was revoked by those plans" "$N_ALL" "$("$PATROL" list --all -o json | jq length)"
tm kill-server

# Piped, nothing is cut: the whole comment, the whole owner.
run list --all
check_match "list --all piped: the long comment whole" "a very long comment that no terminal of eighty columns can show in one piece: 数据管道 and données de test  " "$OUT"
check_match "list --all piped: the long owner whole" "someone\\.with\\.a\\.long\\.name@example\\.com" "$OUT"
run audit --all
check_match "audit --all piped: the long comment whole" "show in one piece: 数据管道 and données de test" "$OUT"

# --- the interactive view ----------------------------------------------------
# row_widths: the widest table row on screen (lines 3 to the status line).
for w in 80 60 200; do
	ui_shell "$w" 30
	ui_start --all --sort owner
	check_screen "UI on $w columns: drawn" "someone\\.w"
	OUT=$(screen)
	n=$(widest "$(screen | sed -n '3,29p')")
	if [ "$n" -lt "$w" ]; then ok "UI on $w columns: rows end before the edge ($n)"; else not_ok "UI on $w columns: rows end before the edge" "widest: $n"; fi
	check_eq "UI on $w columns: no row wraps" "$(screen | wc -l)" "$(tm capture-pane -t t -p -J | wc -l)"
	case $w in
	200)
		check_screen "UI on 200 columns: every column" "COMMENT +CREATED +EXPIRES +FLAGS +LAST USED +SCOPES +OWNER▲ +ID"
		check_screen "UI on 200 columns: the owner column gives the long owner its full width" "someone\\.with\\.a\\.long\\.name@example\\.com [0-9a-f]{10}"
		check_screen "UI on 200 columns: the long comment gets the room left" "a very long comment that no terminal of eighty columns can show in one piece"
		;;
	80)
		check_screen "UI on 80 columns: flags and created dropped first" "COMMENT +EXPIRES +LAST USED +SCOPES +OWNER▲ +ID"
		check_screen_not "UI on 80 columns: no FLAGS" "FLAGS"
		;;
	60)
		check_screen "UI on 60 columns: then scopes and last used" "COMMENT +EXPIRES +OWNER▲ +ID"
		check_screen_not "UI on 60 columns: no SCOPES" "SCOPES"
		;;
	esac
	keys q
	ui_exited 10
done

finish
