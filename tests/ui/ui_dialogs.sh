#!/bin/bash
# UI end-to-end: Esc in every dialog of a revocation session means "do
# nothing": the count confirm (typed and not), the token-in-use question
# (Esc and Cancel back out of the whole session; only "Keep it" revokes the
# others), the re-plan, the stop question (the session goes on), the quit
# question, the resume offer and the switch to admin mode with revocations
# staged; and the create, edit and setting dialogs. Each Esc is checked
# against what the
# emulator received: no revoke, no fresh list, no journal.
. "${top_srcdir:-.}/tests/e2e/lib.sh"
. "${top_srcdir:-.}/tests/ui/lib.sh"

export XDG_STATE_HOME="$T/state"
UI_ENV="XDG_STATE_HOME=$XDG_STATE_HOME"
SELF_ID=$(tok_id "$ADMIN_TOKEN")

# writes: every request that could change the workspace.
writes() { stats '[.requests | to_entries[] | select(.key | test("^(POST|PATCH|DELETE)")) | .value] | add // 0'; }
journals() { ls "$XDG_STATE_HOME"/patrol/*.jsonl 2>/dev/null | wc -l | tr -d ' '; }
exited() { UI_RC=none; ui_exited 10; }

# filter_stage EXPR: filter to EXPR, tag every shown row and stage them.
filter_stage() {
	keys /; keys C-u; tm send-keys -t t -l "$1"; keys Enter
	wait_for "/$1" 5 >/dev/null
	keys T d
}

# nothing_done WHAT: no write reached the emulator, no list was fetched
# again, no journal was started, and the staged rows stay staged.
nothing_done() {
	check_eq "$1: nothing sent" "0 $LISTS 0" "$(writes) $(stats '.requests["GET /api/2.0/token/list"] // 0') $(journals)"
}

# === the count confirm, the token-in-use question, the quit question ==========
rm -rf "$XDG_STATE_HOME"
emu_start --generate 10:1 --seed 31
mk "esc" 12 "$T/ids"
ui_shell 120 40
ui_start
check_screen "drawn" "esc 12"
reset_stats
LISTS=0
filter_stage "comment:esc"
check_screen "twelve staged" "staged 12"
keys x
check_screen "the count confirm" "OK is off until you type 12"
keys Escape
check_screen "Esc: cancelled" "cancelled: nothing revoked"
nothing_done "Esc in the typed-count confirm"
check_screen "the rows stay staged" "staged 12"

keys x
check_screen "the count confirm again" "OK is off until you type 12"
tm send-keys -t t -l "12"
keys Escape
check_screen "Esc with the count typed: cancelled" "cancelled: nothing revoked"
nothing_done "Esc after typing the count"

# the token in use joins the plan: it gets its own question
keys /; keys C-u; tm send-keys -t t -l "id:${SELF_ID:0:12}"; keys Enter
wait_for "/id:" 5 >/dev/null
keys d
keys /; keys C-u; tm send-keys -t t -l "comment:esc"; keys Enter
check_screen "thirteen staged" "staged 13"
for how in Escape Enter; do
	keys x
	check_screen "the count confirm ($how round)" "OK is off until you type 13"
	tm send-keys -t t -l "13"
	keys Enter
	check_screen "the question about the token in use ($how round)" "Revoke the token in use\\?"
	check_screen "it offers three answers, Cancel first" "\\[ Cancel \\] +\\[ Keep it \\] +\\[ Revoke all \\]"
	keys "$how"
	check_screen "$how (Cancel has the focus): the whole session is called off" "cancelled: nothing revoked"
	nothing_done "$how in 'Revoke the token in use?'"
	check_screen "all thirteen stay staged ($how round)" "staged 13"
done
keys x
tm send-keys -t t -l "13"
keys Enter
check_screen "the question again" "Revoke the token in use\\?"
keys Tab Enter
check_screen "Keep it: the others are revoked" "revoked 12 tokens \\(R: results\\)" 15
check_eq "the twelve revoked once each" 12 "$(revoked_once "$T/ids")"
check_eq "the token in use never sent" 0 "$(stats ".revokes[\"$SELF_ID\"] // 0")"

# quit with a staged row: Esc stays
keys q
check_screen "quit asks (the kept token is staged)" "Quit\\?"
keys Escape
wait_gone "Quit\\?" 5
check_screen_not "Esc in the quit question: patrol stays" "EXIT="
keys q
check_screen "quit asks again" "Quit\\?"
keys Tab Enter
exited
check_eq "quit after OK" 0 "$UI_RC"
emu_stop

# === switching to admin mode with a revocation staged =========================
rm -rf "$XDG_STATE_HOME"
emu_start --generate 6:2 --seed 35
ui_shell 120 30
ui_start
check_screen "drawn with the data" "patrol emulator admin token"
keys g d
check_screen "one staged" "staged 1"
reset_stats
keys a
check_screen "a asks: the staged revocation would be discarded" "Switch to admin mode\\?"
keys Escape
check_screen "Esc: still your own tokens" "cancelled: still your own tokens, the staged revocations kept"
check_screen "still staged" "staged 1"
check_eq "Esc in the admin switch: no token-management list fetched" 0 \
	"$(count 'GET /api/2.0/token-management/tokens')"
keys a
check_screen "asked again" "Switch to admin mode\\?"
keys Tab Enter
check_screen "OK: admin mode" " ADMIN" 15
check_screen "the staged one discarded, as said" "staged 0"
keys q
ui_exited 10
emu_stop

# === the other dialogs: create, edit, a workspace setting, the quit question ===
rm -rf "$XDG_STATE_HOME"
emu_start --generate 4:1 --seed 36
ui_shell 120 30
ui_start
check_screen "drawn with the data" "patrol emulator admin token"
reset_stats
keys c
check_screen "the create dialog" "New token"
tm send-keys -t t -l "typed then abandoned"
keys Escape
wait_gone "New token" 5
keys e
check_screen "the edit dialog" "Edit token"
keys Escape
wait_gone "Edit token" 5
keys W
check_screen "the settings view" "Max token lifetime"
keys e
check_screen "the setting's input" "Days"
keys Escape
check_screen "Esc in the input: unchanged" "cancelled: the setting is unchanged"
keys Escape
check_eq "Esc in create, edit and a setting: nothing sent" 0 "$(writes)"
keys g d q
check_screen "quit asks (one staged)" "Quit\\?"
keys Escape
check_screen_not "Esc in the quit question: still running" "EXIT="
keys u q
ui_exited 10
check_eq "quit once nothing is staged" 0 "$UI_RC"
emu_stop

# === the re-plan question ======================================================
rm -rf "$XDG_STATE_HOME"
emu_start --generate 6:1 --seed 32
mk "replan" 3 "$T/ids"
GONE=$(sed -n 2p "$T/ids")
ui_shell 120 40
ui_start
check_screen "drawn" "replan 3"
reset_stats
filter_stage "comment:replan"
check_screen "three staged" "staged 3"
keys x
check_screen "the confirm" "Revoke 3 tokens\\?"
curl -s -o /dev/null -X DELETE -H "Authorization: Bearer $ADMIN_TOKEN" "$EMU_URL/api/2.0/token-management/tokens/$GONE"
keys Tab Enter
check_screen "the plan changed" "The plan changed"
keys Escape
check_screen "Esc: cancelled" "cancelled: nothing revoked"
check_eq "Esc in the re-plan: no revoke by patrol, no journal" "0 0" \
	"$(count 'POST /api/2.0/token/delete') $(journals)"
keys u q
exited
emu_stop

# === the stop question: Esc lets the session go on ============================
rm -rf "$XDG_STATE_HOME"
emu_start --generate 6:1 --seed 33 --latency-ms 150
mk "goon" 8 "$T/ids"
ui_shell 120 40
ui_start --jobs 1 --rate 0
check_screen "drawn" "goon 8"
filter_stage "comment:goon"
check_screen "eight staged" "staged 8"
keys x
check_screen "the confirm" "Revoke 8 tokens\\?"
keys Tab Enter
check_screen "running" "^revoking " 10
keys q
check_screen "q asks to stop" "Stop the revocation\\?"
keys Escape
wait_gone "Stop the revocation\\?" 5
check_screen "Esc: the session went on to the end" "revoked 8 tokens \\(R: results\\)" 20
check_eq "every token revoked once" 8 "$(revoked_once "$T/ids")"
check_eq "journal: ends done, not stopped" "done" \
	"$(jq -R -r 'fromjson? | select(.type == "end") | .reason' "$XDG_STATE_HOME"/patrol/*.jsonl | tail -n 1)"
keys q
exited
check_eq "quit" 0 "$UI_RC"
emu_stop

# === the resume offer ==========================================================
rm -rf "$XDG_STATE_HOME"
emu_start --generate 6:1 --seed 34 --latency-ms 100
mk "later" 10 "$T/ids"
"$PATROL" revoke --yes --rate 5 --jobs 1 --from "$T/ids" >/dev/null 2>&1 &
VICTIM=$!
i=0
while [ "$(revokes)" -lt 2 ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done
kill -9 "$VICTIM"
{ wait "$VICTIM"; } 2>/dev/null
quiesce
J=$(ls "$XDG_STATE_HOME"/patrol/*.jsonl)
BEFORE=$(md5sum <"$J")
reset_stats
ui_shell 120 40
ui_start
check_screen "the unfinished session is offered" "Unfinished revocation session"
wait_for "shown [1-9][0-9]*/" 10 >/dev/null   # the list loaded (its own message) first
keys Escape
check_screen "Esc: later" "later: :resume or patrol revoke --resume goes on with it"
check_eq "Esc in the resume offer: nothing sent" 0 "$(writes)"
check_eq "the journal is untouched" "$BEFORE" "$(md5sum <"$J")"
keys q
exited
check_eq "quit" 0 "$UI_RC"
run journal -o json
check_eq "the session is still unfinished" "unfinished" "$(printf '%s' "$OUT" | jq -r '.[0].state')"
emu_stop

finish
