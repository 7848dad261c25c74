#!/bin/bash
# UI end-to-end, the rest of issue 3: the detail view and help, tag keys,
# the hidden count in a confirm, a large revoke that needs the count typed,
# quitting with staged rows, failed revokes staying staged with a results
# view, copying and writing the one-time secret, a full quota, :export,
# :profile, and the terminal restored after a crash.
. "${top_srcdir:-.}/tests/e2e/lib.sh"
. "${top_srcdir:-.}/tests/ui/lib.sh"

BOB=dapi11111111111111111111111111111111
emu_start --generate 60:1 --seed 3 --user bob@example.com=$BOB
ACTIVE=$(stats '.active_tokens["admin@example.com"]')

ui_shell 100 30
ui_start --sort id
check_screen "drawn" "shown $ACTIVE/$ACTIVE +tagged 0"
FIRST=$("$PATROL" list -o json --sort id | jq -r '.[0].token_id')

# --- detail view and help ------------------------------------------------------
keys Enter
check_screen "Enter shows the full id" "$FIRST"
check_screen "detail shows UTC times" "UTC|[0-9]{2}:[0-9]{2}Z"
keys Escape
check_screen "Esc returns to the table" "COMMENT +CREATED"
keys '?'
check_screen "help lists the revoke key" "revoke the staged tokens"
check_screen "help lists the filter key" "filter as you type"
keys q
check_screen "q leaves help, not patrol" "COMMENT +CREATED"

# --- the token patrol uses is marked; Ctrl-L repaints; the mouse is off -----------
ADMIN_ID=$(tok_id "$ADMIN_TOKEN")
keys /; tm send-keys -t t -l "id:${ADMIN_ID:0:12}"; keys Enter
keys Enter
check_screen "detail marks the token patrol uses" "This is the token patrol uses"
keys Escape
keys /; keys Escape
check_eq "the mouse is off without --mouse" 0 "$(tm display-message -p -t t '#{mouse_any_flag}')"
keys C-l
check_screen "Ctrl-L repaints everything" "COMMENT +CREATED"
check_screen "and the gauge" "quota .*$ACTIVE/600"

# --- tag keys ----------------------------------------------------------------------
keys Space
check_screen "Space tags" "tagged 1 "
keys Space
check_screen "Space again tags the next row" "tagged 2 "
keys U
check_screen "U untags all" "tagged 0 "
keys g Space j j j v
check_screen "v tags a range (rows 1-5: Space moved down)" "tagged 5 "
keys d
check_screen "d stages the tagged rows" "staged 5"
keys k u
check_screen "u unstages the current row" "staged 4"

# --- the confirm names how many the filter hides -----------------------------------
keys /; tm send-keys -t t -l "id:zzzzzz"; keys Enter
keys x
check_screen "confirm counts hidden staged tokens" "4 of them are hidden by the current filter"
keys Enter
keys /; keys Escape

# --- quitting with staged revocations asks first ------------------------------------
keys q
check_screen "quit asks when revocations are staged" "4 staged revocations will be discarded"
keys Enter
check_screen "Cancel keeps patrol running" "staged 4"
keys C-c
check_screen "Ctrl-C asks too when revocations are staged" "4 staged revocations will be discarded"
keys Enter
check_screen "and Cancel keeps them" "staged 4"
# Stray bytes of an unfinished UTF-8 character are not a vanished terminal.
tm send-keys -t t -H f0; sleep 0.2; tm send-keys -t t -H 9f; sleep 0.2; tm send-keys -t t -H 98
sleep 0.3
check_screen_not "partial multibyte input does not end patrol" "EXIT="
check_screen "still staged after stray bytes" "staged 4"
keys T u U
check_screen "unstaged all" "staged 0"

# --- more than ten: the count must be typed ------------------------------------------
keys g
for _ in $(seq 12); do keys Space; done
keys d x
check_screen "a big revoke asks to type the count" "type 12"
keys Enter     # the focus starts in the field: Enter is OK, off until it matches
check_screen "OK does nothing until the count is typed" "type 12"
check_eq "nothing revoked yet" 0 "$(count 'POST /api/2.0/token/delete')"
tm send-keys -t t -l "12"
keys Enter     # Enter in the typed field means OK once the count matches
check_screen "twelve revoked" "revoked 12" 15
check_eq "twelve revokes reached the emulator" 12 "$(stats '[.revokes[]] | length')"
ACTIVE=$((ACTIVE - 12))
check_screen "gauge dropped by twelve" "$ACTIVE/600"

# --- :export --------------------------------------------------------------------------
keys :; tm send-keys -t t -l "export $T/shown.csv"; keys Enter
check_screen "export says how many rows" "exported $ACTIVE rows"
check_eq "the CSV has a header and every shown row" $((ACTIVE + 1)) "$(wc -l <"$T/shown.csv")"
check_eq "the export is private (0600)" 600 "$(stat -c %a "$T/shown.csv")"
keys :; tm send-keys -t t -l "export $T/shown.json"; keys Enter
check_eq "the JSON export parses, one object per row" "$ACTIVE" "$(jq length "$T/shown.json")"
check_nomatch "no export holds a secret" "dapi[0-9a-f]{32}" "$(cat "$T/shown.csv" "$T/shown.json")"
keys :; tm send-keys -t t -l "export $T/shown.csv"; keys Enter
check_screen "export to an existing file asks first" "Replace the file\\?"
keys Escape
check_screen "Esc: the file is left alone" "export cancelled: .*shown\\.csv is unchanged"

# --- the secret: copy with OSC 52, write to a new 0600 file --------------------------
tm set-option -g set-clipboard on
tm delete-buffer 2>/dev/null
keys c
check_screen "create dialog" "New token"
tm send-keys -t t -l "secret handling"
keys Enter
check_screen "secret shown" "Copy this token now"
SECRET=$(screen | grep -oE 'dapi[0-9a-f]{32}' | head -n 1)
keys y
check_screen "copy acknowledged" "copied to the clipboard"
check_eq "the clipboard (tmux's buffer, via OSC 52) holds the secret" "$SECRET" "$(tm show-buffer 2>/dev/null)"
keys w
tm send-keys -t t -l "$T/secret.txt"
keys Enter
check_screen "write acknowledged" "written to"
check_eq "the file holds the secret" "$SECRET" "$(tr -d '\n' <"$T/secret.txt")"
check_eq "the file is 0600" 600 "$(stat -c %a "$T/secret.txt")"
keys Enter
wait_gone "Copy this token now" 5
check_gone "dismissed: the secret is gone" "$SECRET"
tm delete-buffer 2>/dev/null

# --- :profile switches workspace identity -------------------------------------------
cfg_profile bobprof "$EMU_URL" "token=$BOB" | cfg_write
keys :; tm send-keys -t t -l "profile bobprof"; keys Enter
check_screen "the header names the new profile" "bobprof"
check_screen "and the new user" "bob@example"
check_screen "bob sees his one token" "shown 1/1 +tagged"
keys q
ui_exited 10
check_eq "quit after :profile" 0 "$UI_RC"
emu_stop

# --- failed revokes stay staged; the results view says why --------------------------
# (501: a 500 would be retried, a revoke being idempotent)
emu_start --generate 10:1 --seed 3 --fail 501:1 --fault-path /token/delete
N=$(stats '.active_tokens["admin@example.com"]')
ui_shell 100 30
ui_start
check_screen "drawn with the data" "shown $N/$N +tagged 0 +staged 0"
keys g j Space Space d x
check_screen "confirm" "Revoke 2 tokens"
keys Tab Enter
check_screen "failures reported" "fail" 15
check_screen "failed rows stay staged" "staged 2"
keys R
check_screen "results view lists each token's failure and why" "failed +[0-9a-f]{9}.*server error: This operation is not supported"
keys Escape

# --- the workspace maximum caps the lifetimes offered; an unknown create outcome --------
emu_stop
emu_start --max-lifetime-days 30 --fail 500:1 --fault-path /token/create
UI_ENV="" ui_shell 100 30
ui_start --mouse
check_screen "drawn with the data (and the workspace settings, read first)" "shown 1/1 +tagged 0 +staged 0"
wait_gone "loading" 5
check_eq "--mouse turns the mouse on" 1 "$(tm display-message -p -t t '#{mouse_any_flag}')"
keys c
check_screen "create dialog" "New token"
check_screen "presets within the 30-day maximum" "30d"
check_screen_not "no 90d preset beyond the maximum" "\\) 90d"
tm send-keys -t t -l "maybe made"
keys Enter
check_screen "an unknown outcome is explained" "no answer to the create: the token may exist"
check_eq "and the create was not resent" 1 "$(count 'POST /api/2.0/token/create')"
keys q
ui_exited 10

# --- a full quota: the gauge warns, a create is refused in plain words -----------------
emu_stop
emu_start
seq 599 | xargs -P 4 -I{} curl -s -o /dev/null -X POST -H "Authorization: Bearer $ADMIN_TOKEN" \
	-d '{"comment":"filler {}"}' "$EMU_URL/api/2.0/token/create"
ui_shell 100 30
ui_start
check_screen "a full quota is flagged with a glyph" "!600/600"
keys c
tm send-keys -t t -l "one too many"
keys Enter
check_screen "quota exceeded in plain words" "quota of 600 tokens is reached"

# --- a crash restores the terminal --------------------------------------------------
ui_signal SEGV
ui_exited 10
check_eq "SIGSEGV: the signal is re-raised" 139 "$UI_RC"
check_eq "SIGSEGV: stty -g unchanged" "$(cat "$T/stty.before")" "$(cat "$T/stty.after")"
check_eq "SIGSEGV: alternate screen left" 0 "$(tm display-message -p -t t '#{alternate_on}')"
check_eq "SIGSEGV: cursor visible" 1 "$(tm display-message -p -t t '#{cursor_flag}')"

finish
