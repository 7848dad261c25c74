#!/bin/bash
# UI end-to-end: a big list streams in, and the UI says how far it got. The
# emulator sends the answer slowly (--slow-body: 8,000 tokens over several
# seconds). While they stream, the empty table and the header count the
# tokens parsed so far ("loading… 4,200 tokens"), and keys are answered
# (the help opens and closes before the list is in); then the table shows
# every token. A refresh (r) counts again in the header, over the rows still
# shown. Asserts on the screen and on the requests the emulator received,
# never on how long anything took: the body is slow enough that the count
# is on screen for seconds.
. "${top_srcdir:-.}/tests/e2e/lib.sh"
. "${top_srcdir:-.}/tests/ui/lib.sh"

emu_start --generate 8000:20 --seed 3 --slow-body 400000 --fault-path /token-management/
"$PATROL" list --all -o json >"$T/all.json" 2>"$T/all.err" &
ALL_PID=$!
COUNTING='loading… [1-9][0-9,]* tokens'

ui_shell 110 24
ui_start --all
check_screen "the empty table counts the tokens streaming in" "^  $COUNTING" 20
check_screen "and so does the header" "ADMIN +$COUNTING" 5
# the count grows: a later screen shows more than an earlier one
first=$(screen | sed -n 's/^  loading… \([0-9,]*\) tokens.*/\1/p' | tr -d ,)
wait_for "^  loading… ([0-9],)?[0-9]{3,} tokens" 20
grown=no
for _ in $(seq 200); do
	now=$(screen | sed -n 's/^  loading… \([0-9,]*\) tokens.*/\1/p' | tr -d ,)
	[ -n "$now" ] && [ -n "$first" ] && [ "$now" -gt "$first" ] && { grown=yes; break; }
	[ -z "$now" ] && break
	sleep 0.05
done
check_eq "the count grows as rows arrive" yes "$grown"

# keys are answered while the list streams
keys '?'
check_screen "help opens while the list is still loading" "revoke the staged tokens" 5
check_screen "(the header still counts)" "ADMIN +$COUNTING" 5
keys q
check_screen "and closes" "COMMENT +CREATED" 5

wait "$ALL_PID"
ALL=$(jq length "$T/all.json")
check_screen "every token once the list is in" "shown $ALL/$ALL" 60
check_screen_not "no count left over" "loading…"
check_eq "one token-management list each (patrol list, the UI)" 2 \
	"$(count 'GET /api/2.0/token-management/tokens')"

# a refresh counts in the header; the rows stay on screen meanwhile
keys r
check_screen "a refresh counts in the header" "ADMIN +$COUNTING" 20
check_screen "over the rows still shown" "shown $ALL/$ALL" 5
check_screen_not "(the table is not emptied)" "^  loading…"
wait_gone "loading…" 60
check_screen "refreshed: every token again" "shown $ALL/$ALL" 5
check_eq "one more list request" 3 "$(count 'GET /api/2.0/token-management/tokens')"

keys q
ui_exited
check_eq "q leaves" 0 "$UI_RC"
finish
