#!/bin/bash
# UI end-to-end: the results view groups the outcomes, failures first, each
# group under a line with its count; / searches it (and every view), n and
# N go to the next and previous match; in the table :search moves to the
# next matching row without hiding any, and n and N go on.
. "${top_srcdir:-.}/tests/e2e/lib.sh"
. "${top_srcdir:-.}/tests/ui/lib.sh"

export XDG_STATE_HOME="$T/state"
UI_ENV="XDG_STATE_HOME=$XDG_STATE_HOME"
# two of the session's revokes are refused (400), the rest go through
emu_start --generate 6:1 --seed 91 --fail 400:1:2:1 --fault-path /api/2.0/token/delete
for i in 1 2 3 4 5 6; do curl -s -o /dev/null -X POST "$EMU_URL/emulator/tokens" -d "{\"comment\":\"mixed $i\"}"; done

# line_of REGEX: the screen line number of the first match (0: none).
line_of() { screen | grep -nE -- "$1" | head -n 1 | cut -d: -f1; }

ui_shell 120 40
ui_start --jobs 1
check_screen "drawn" "mixed 6"
keys /; tm send-keys -t t -l "comment:mixed"; keys Enter
wait_for "/comment:mixed" 5 >/dev/null
keys T d x
check_screen "the confirm" "Revoke 6 tokens\\?"
keys Tab Enter
check_screen "done: four revoked, two failed" "revoked 4, 2 " 20
keys R
check_screen "the results view" "RESULTS"
F=$(line_of "^failed: 2$")
R=$(line_of "^revoked: 4$")
if [ -n "$F" ] && [ -n "$R" ] && [ "$F" -lt "$R" ]; then ok "failures first, each group under its count"; else OUT=$(screen); not_ok "failures first, each group under its count" "failed at $F, revoked at $R"; fi
check_eq "the two failed lines follow their heading" "2" \
	"$(screen | sed -n "$((F + 1)),$((F + 2))p" | grep -cE '^  failed +[0-9a-f]{9}…')"
check_eq "the four revoked ones follow theirs" "4" \
	"$(screen | sed -n "$((R + 1)),$((R + 4))p" | grep -cE '^  revoked +[0-9a-f]{9}…')"

# / searches the view
keys /
check_screen "/ opens a search" "^/_"
tm send-keys -t t -l "mixed 5"; keys Enter
check_screen "the match is found and said" "/mixed 5: line [0-9]+ of [0-9]+ \\(n next, N previous\\)"
# hit: the line drawn reversed (the match), without attributes.
hit() { screen -e | grep $'\033\\[7m' | sed 's/\x1b\[[0-9;]*m//g' | head -n 1; }
for _ in $(seq 40); do hit | grep -q 'mixed 5' && break; sleep 0.05; done
check_match "the match is drawn reversed" "mixed 5" "$(hit)"
keys /; keys C-u; tm send-keys -t t -l "revoked"; keys Enter
for _ in $(seq 40); do hit | grep -q revoked && break; sleep 0.05; done
first=$(hit)
check_match "a line that has it" "revoked" "$first"
keys n
for _ in $(seq 40); do [ "$(hit)" != "$first" ] && break; sleep 0.05; done
second=$(hit)
if [ "$first" != "$second" ] && printf '%s' "$second" | grep -q revoked; then ok "n: the next match"; else not_ok "n: the next match" "$first / $second"; fi
keys N
for _ in $(seq 40); do [ "$(hit)" = "$first" ] && break; sleep 0.05; done
check_eq "N: back to the previous" "$first" "$(hit)"
keys /; keys C-u; tm send-keys -t t -l "nothing like this"; keys Enter
check_screen "no match: said" "/nothing like this: not in this view"
keys Escape

# --- in the table: :search moves to rows, hiding none ------------------------
keys Escape
check_screen "back to the table, no filter" "shown [0-9]+/[0-9]+ +tagged"
TOTAL=$(screen | sed -n 's/.*shown \([0-9]*\)\/\([0-9]*\).*/\2/p' | tail -n 1)
keys g
keys :; tm send-keys -t t -l "search comment:mixed"; keys Enter
check_screen "the cursor goes to the first match" "search comment:mixed: row [0-9]+ of $TOTAL"
check_screen "nothing is hidden" "shown $TOTAL/$TOTAL"
A=$(screen | sed -n 's/.*row \([0-9]*\) of.*/\1/p' | tail -n 1)
keys n
B=""
for _ in $(seq 40); do B=$(screen | sed -n 's/.*row \([0-9]*\) of.*/\1/p' | tail -n 1); [ "$B" != "$A" ] && break; sleep 0.05; done
if [ -n "$B" ] && [ "$B" != "$A" ]; then ok "n: the next matching row ($A then $B)"; else not_ok "n: the next matching row" "$A then $B"; fi
keys N
check_screen "N: back" "row $A of $TOTAL"
keys :; tm send-keys -t t -l "search owner:"; keys Enter
check_screen "a search that does not parse says why" "search: "
keys q
check_screen "quit asks (failed rows stay staged)" "Quit\\?"
keys Tab Enter
ui_exited 10

finish
