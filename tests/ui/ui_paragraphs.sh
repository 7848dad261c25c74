#!/bin/bash
# UI end-to-end: a dialog's text wraps at word boundaries to the dialog's
# width, a paragraph at a time, whatever the terminal's width: the rotate
# confirm (o) and the grant dialog (:permissions, c), at 160 columns (the
# dialog's own width) and at 44 (narrower than it), and the question when
# q stops a slow revocation. A row of a paragraph ends early only when the
# next word would not fit on it.
. "${top_srcdir:-.}/tests/e2e/lib.sh"
. "${top_srcdir:-.}/tests/ui/lib.sh"

emu_start
curl -s -X POST "$EMU_URL/emulator/tokens" -d '{"comment":"rotate me"}' >/dev/null

# dialog_rows TITLE: the text of the dialog's rows, one a line (the border
# and the padding cut away, trailing blanks too); the first line is the
# width a row's text may take.
dialog_rows() {
	local row w=
	screen | sed -n "/┌─ $1/,/└/p" | sed -n '2,$p' | sed 's/^ *//' | while IFS= read -r row; do
		[ "${row:0:1}" = "│" ] || continue
		[ -n "$w" ] || { w=$(( ${#row} - 4 )); echo "$w"; }
		row=${row:2:$(( ${#row} - 4 ))}
		echo "${row%"${row##*[! ]}"}"
	done
}

# check_flow DESC TITLE FROM UNTIL: the rows of dialog TITLE from the one
# starting with FROM, up to an empty one or one matching UNTIL, are one
# paragraph: each row but the last ends only where the next word would not
# fit (a wrap breaks after a blank, and a word ending at the edge moves on).
check_flow() {
	local w row prev= first bad= n=0 on=
	mapfile -t rows < <(dialog_rows "$2")
	w=${rows[0]:-0}
	for row in "${rows[@]:1}"; do
		if [ -z "$on" ]; then
			case $row in "$3"*) on=1 ;; *) continue ;; esac
		elif [ -z "$row" ] || [[ $row =~ $4 ]]; then
			break
		fi
		n=$((n + 1))
		first=${row%% *}
		if [ -n "$prev" ] && [ $(( ${#prev} + 1 + ${#first} )) -lt "$w" ]; then
			bad="'$prev' ends early: '$first' fits after it ($w columns)"
		fi
		prev=$row
	done
	if [ "$n" -ge 2 ] && [ -z "$bad" ]; then
		ok "$1"
	else
		OUT=$(screen); ERR=""
		not_ok "$1" "${bad:-the paragraph from '$3' was not found on 2 rows or more}"
	fi
}

for cols in 160 44; do
	ui_shell "$cols" 30
	ui_start
	check_screen "$cols columns: drawn" "rotate me"
	keys /; tm send-keys -t t -l "rotate me"; keys Enter
	wait_for "/rotate me" 5 >/dev/null
	keys o
	check_screen "$cols columns: the rotate confirm" "Rotate this token\\?"
	check_flow "$cols columns: the rotate confirm's text is one paragraph" \
		"Rotate this token" "A new token" '^\[ '
	check_screen "$cols columns: its last words" "the old token\\."
	keys Escape
	wait_gone "Rotate this token" 5
	keys :; tm send-keys -t t -l "permissions"; keys Enter
	check_screen "$cols columns: the permissions" "TOKEN PERMISSIONS"
	keys c
	check_screen "$cols columns: the grant dialog" "Grant a token permission"
	check_flow "$cols columns: the grant dialog's text is one paragraph" \
		"Grant a token permission" "A user name" '^Principal'
	keys Escape
	wait_gone "Grant a token permission" 5
	keys Escape
	check_screen "$cols columns: back to the table" "rotate me"
	keys q
	ui_exited && check_eq "$cols columns: q quits" 0 "$UI_RC"
done

# q while a slow revocation runs: what stopping does, in one paragraph
emu_start --latency-ms 400
mk "stopme" 20 "$T/ids"
ui_shell 120 30
ui_start --jobs 1 --rate 0
check_screen "slow workspace: drawn" "stopme"
keys /; tm send-keys -t t -l "comment:stopme"; keys Enter
check_screen "filtered to the 20" "shown 20/"
keys T d x
check_screen "the confirm asks for 20" "type 20"
tm send-keys -t t -l "20"
keys Enter
check_screen "running" "^revoking " 20
tm resize-window -t t -x 44 -y 30
check_screen "narrowed to 44 columns" "^quota \\[[^]]{10}\\]"
keys q
check_screen "q asks to stop" "Stop the revocation\\?"
check_flow "what stopping does is one paragraph" "Stop the revocation" "The revokes" '^x retries'
check_screen "then what x does" "^ *│ x retries them"
keys Tab Enter
check_screen "stopped" "not attempted" 15
keys q
check_screen "q asks, the rest being staged" "Quit\\?"
keys Tab Enter
ui_exited && check_eq "quits" 0 "$UI_RC"

finish
