#!/bin/bash
# UI end-to-end: what the view shows. A filter that does not parse keeps
# the filter committed before (never a prefix of the bad one), while typed
# and after Enter. The status line labels its counts, a message goes with
# the next action, and a session's progress line fits (the bar gives way
# first). A failed load says why in the table, not "loading…" forever, and
# r tries again.
. "${top_srcdir:-.}/tests/e2e/lib.sh"
. "${top_srcdir:-.}/tests/ui/lib.sh"

# rows: the table rows on screen (each ends with its id); the filters below
# show fewer rows than a page.
rows() { screen | sed -n '4,$p' | grep -cE '[0-9a-f]{10}$'; }
# wait_rows N: until the screen shows N rows.
wait_rows() { local i=0; while [ "$(rows)" != "$1" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done; }

emu_start --generate 120:3 --seed 81
for i in 1 2 3; do curl -s -o /dev/null -X POST "$EMU_URL/emulator/tokens" -d "{\"comment\":\"zebra $i\"}"; done
N=$(stats '.active_tokens["admin@example.com"]')
ZEBRA=3
OWNERWORD=$("$PATROL" list -o json --filter 'owner' | jq length)
[ "$OWNERWORD" -gt 0 ] && [ "$OWNERWORD" -lt 20 ] && [ "$OWNERWORD" != 3 ] ||
	{ echo "the data cannot tell the filters apart ($OWNERWORD)"; exit 99; }

ui_shell 120 30
ui_start
check_screen "drawn" " $N/$N "
keys /; tm send-keys -t t -l "comment:zebra"; keys Enter
check_screen "a committed filter" "/comment:zebra"
wait_rows 3
check_eq "it shows the three" 3 "$(rows)"

# type a new filter over it: "owner" parses (a word), "owner:" does not
keys /; keys C-u; tm send-keys -t t -l "owner"
wait_for "^/owner_" 5 >/dev/null
wait_rows "$OWNERWORD"
check_eq "while typed, a filter that parses applies" "$OWNERWORD" "$(rows)"
tm send-keys -t t -l ":"
check_screen "owner: does not parse: the prompt says why" "^/owner:_ +! filter: "
wait_rows 3
check_eq "and the committed filter shows, not the prefix 'owner'" 3 "$(rows)"
check_screen "the three zebras" "zebra 1"
keys Enter
check_screen "Enter on a bad filter keeps the committed one, and says so" "\\(kept: comment:zebra\\)"
check_eq "still the committed rows" 3 "$(rows)"
check_screen "the header names the filter in effect" "/comment:zebra"
keys : ; tm send-keys -t t -l "filter owner:"; keys Enter
check_screen ":filter with a bad filter says why" "filter: "
check_eq ":filter with a bad filter keeps the one in effect" 3 "$(rows)"
keys Escape
check_screen "Esc clears it" " $N/$N "
keys /; tm send-keys -t t -l "zebra 2"
wait_rows 1
keys Escape
keys /; tm send-keys -t t -l "owner:"
wait_for "^/owner:_" 5 >/dev/null
check_screen "with nothing committed, a bad filter filters nothing" "patrol emulator admin token|[0-9a-f]{10}$"
check_eq "a page of rows" 26 "$(rows)"
keys Escape
keys q
ui_exited 10
emu_stop

# --- the status line: labelled counts; a message belongs to its action --------------
emu_start --generate 10:1 --seed 83 --latency-ms 1500
for i in $(seq 12); do curl -s -o /dev/null -X POST "$EMU_URL/emulator/tokens" -d "{\"comment\":\"slow $i\"}"; done
N=$(stats '.active_tokens["admin@example.com"]')
ui_shell 80 24
ui_start --jobs 1 --rate 0
check_screen "the counts are labelled" "shown $N/$N  tagged 0  staged 0  \\? help$"
keys :; tm send-keys -t t -l "foo"; keys Enter
check_screen "a bad command says so" "unknown command: foo"
keys :; tm send-keys -t t -l "filter comment:slow"; keys Enter
check_screen "a good command that follows" "shown 12/$N"
check_screen_not "the old message went with its action" "unknown command"
keys :; tm send-keys -t t -l "foo"; keys Enter
check_screen "the bad command again" "unknown command: foo"
keys j
wait_gone "unknown command" 5
check_screen_not "a key action clears it too" "unknown command"
keys T d x
check_screen "twelve: the count is typed" "OK is off until you type 12"
tm send-keys -t t -l "12"
keys Enter
tm resize-window -t t -x 100 -y 24
check_screen "on 100 columns: the progress line and the counts" "^revoking .*done .*left .*\\(q stops\\) +shown [0-9]+/[0-9]+ +tagged [0-9]+ +staged [0-9]+$" 10
tm resize-window -t t -x 80 -y 24
check_screen "on 80 columns: the counts give way to the whole progress line" "^revoking [0-9]+ done .*left .*\\(q stops\\)$" 10
tm resize-window -t t -x 60 -y 24
check_screen "on 60 columns: then (q stops), never the numbers" "^revoking [0-9]+ done [0-9]+ failed [0-9]+ left .*jobs [0-9]+/[0-9]+$" 10
check_screen_not "nothing cut" "^revoking .*…"
keys q
check_screen "q asks to stop (the session is slow on purpose)" "Stop the revocation\\?"
keys Tab Enter
if wait_gone "^revoking " 20; then ok "stopped"; else OUT=$(screen); not_ok "stopped"; fi
keys q
check_screen "quit asks (staged rows)" "Quit\\?"
keys Tab Enter
ui_exited 10
emu_stop

# --- a failed load says so in the table -----------------------------------------
emu_start --generate 5:1 --seed 82 --fail 403:1:1 --fault-path /api/2.0/token/list
ui_shell 120 20
ui_start
check_screen "the table says why the list failed" "^  cannot list tokens: permission denied.* \\(r tries again\\)"
check_screen_not "not loading forever" "loading…"
keys r
check_screen "r tries again: the list (the fault was once)" "patrol emulator admin token"
check_gone "the error is gone with the rows" "cannot list tokens"
keys q
ui_exited 10

finish
