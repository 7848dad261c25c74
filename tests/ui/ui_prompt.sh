#!/bin/bash
# UI end-to-end: the / and : prompts edit with the dialogs' line editor.
# Left, Right, Home, End, Delete and Ctrl-W edit anywhere in the line (the
# filter applies live wherever the cursor is; "_" marks the cursor only at
# the end). Up and Down walk the lines accepted before, one history a kind
# of prompt, and Down past the newest gives back what was typed. Tab
# completes a command's name and the words of its argument, or names the
# candidates when there are several.
. "${top_srcdir:-.}/tests/e2e/lib.sh"
. "${top_srcdir:-.}/tests/ui/lib.sh"

# rows: the table rows on screen (each ends with its id).
rows() { screen | sed -n '4,$p' | grep -cE '[0-9a-f]{10}$'; }
wait_rows() { local i=0; while [ "$(rows)" != "$1" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done; }
# status: the status line (the prompt when one is open).
status() { screen | tail -n 1 | sed 's/ *$//'; }
# wait_status TEXT: until the status line is exactly TEXT.
wait_status() { local i=0; while [ "$(status)" != "$1" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done; }
# check_status DESC TEXT
check_status() { wait_status "$2"; check_eq "$1" "$2" "$(status)"; }

emu_start --generate 10:1 --seed 17
for c in "alpha one" "alpha two" "beta three"; do
	curl -s -o /dev/null -X POST "$EMU_URL/emulator/tokens" -d "{\"comment\":\"$c\"}"
done
N=$(stats '.active_tokens["admin@example.com"]')

ui_forget
ui_shell 100 24
ui_start
check_screen "drawn" " $N/$N "

# --- editing in the middle of the filter --------------------------------------
keys /; tm send-keys -t t -l "alpa"
check_status "typed at the end: the cursor mark follows" "/alpa_"
keys Left; tm send-keys -t t -l "h"
check_status "Left, then a character goes in before the cursor" "/alpha"
wait_rows 2
check_eq "the live filter applies the edited line" 2 "$(rows)"
keys End; tm send-keys -t t -l " two"
check_status "End: back at the end" "/alpha two_"
wait_rows 1
keys Home; keys DC
check_status "Home, Delete: the first character goes" "/lpha two"
keys C-e; keys C-w
check_status "Ctrl-E, Ctrl-W: the last word goes" "/lpha _"
keys C-u; tm send-keys -t t -l "alpha"; keys Enter
check_screen "Enter keeps the filter" "/alpha"
wait_rows 2
check_eq "two rows" 2 "$(rows)"

# --- history ----------------------------------------------------------------------
keys /; keys C-u
check_status "an empty line" "/_"
wait_rows "$N"
keys Up
check_status "Up: the filter accepted before" "/alpha_"
wait_rows 2
check_eq "and it applies at once" 2 "$(rows)"
keys Up
check_status "nothing older: it stays" "/alpha_"
keys Down
check_status "Down past the newest: the line typed before Up (empty)" "/_"
wait_rows "$N"
tm send-keys -t t -l "beta"; keys Enter
wait_rows 1
keys /; keys C-u; keys Up
check_status "the newest first" "/beta_"
keys Up
check_status "then the one before" "/alpha_"
keys Escape
check_screen "Esc clears the filter" " $N/$N "

keys :; tm send-keys -t t -l "sort id"; keys Enter
check_screen "a command ran" "sorted by id"
keys :; keys Up
check_status "the command line has its own history" ":sort id_"
keys Up
check_status "filters are not in it" ":sort id_"
keys Escape

# --- Tab ----------------------------------------------------------------------------
keys :; tm send-keys -t t -l "so"; keys Tab
check_status "Tab completes a command's name" ":sort _"
tm send-keys -t t -l "exp"; keys Tab
check_status "and a column after sort" ":sort expires _"
keys Enter
check_screen "the completed command runs" "sorted by expires"
keys :; tm send-keys -t t -l "s"; keys Tab
check_status "several: their names follow the line" ":s_   sort search scopes settings"
tm send-keys -t t -l "e"; keys Tab
check_status "a longer common start is filled in" ":se_   search settings"
keys BSpace BSpace; tm send-keys -t t -l "x"; keys Tab
check_status "nothing starts so: it says so" ":x_   (nothing to complete)"
keys BSpace
check_status "the next key clears the note" ":_"
keys BSpace
check_gone "Backspace on an empty command line closes it" "^:"

# --- the search prompt of a view ----------------------------------------------------
keys '?'
check_screen "help" "HELP"
keys /; tm send-keys -t t -l "quit"; keys Enter
check_screen "found" "/quit: line"
keys /; keys C-u; keys Up
check_status "the search prompt has its own history" "/quit_"
keys Escape Escape

keys q
ui_exited 10
check_eq "quit" 0 "$UI_RC"
finish
