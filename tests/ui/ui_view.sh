#!/bin/bash
# UI end-to-end: what the view shows. A filter that does not parse keeps
# the filter committed before (never a prefix of the bad one), while typed
# and after Enter. A failed load says why in the table, not "loading…"
# forever, and r tries again.
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

# --- a failed load says so in the table -----------------------------------------
emu_start --generate 5:1 --seed 82 --fail 403:1:1 --fault-path /api/2.0/token/list
ui_shell 120 20
ui_start
check_screen "the table says why the list failed" "^  cannot list tokens: permission denied.* \\(r tries again\\)"
check_screen_not "not loading forever" "loading…"
keys r
check_screen "r tries again: the list (the fault was once)" "patrol emulator admin token"
check_screen_not "the error is gone with the rows" "cannot list tokens"
keys q
ui_exited 10

finish
