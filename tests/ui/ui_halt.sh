#!/bin/bash
# UI end-to-end: a 403 early in a revocation session of thousands of tokens
# (admin mode, far more than the worker's slots) stops the whole session:
# nothing of it is sent after the refusal but the requests already in
# flight, although the view hands the session to the worker while the first
# answers come back. Asserts on /emulator/stats, the screen and the
# exported results.
. "${top_srcdir:-.}/tests/e2e/lib.sh"
. "${top_srcdir:-.}/tests/ui/lib.sh"

export XDG_STATE_HOME="$T/state"
UI_ENV="XDG_STATE_HOME=$XDG_STATE_HOME"
JOBS=4
AFTER=5

emu_start --generate 3000:20 --seed 43 --fail "403:1:1:$AFTER" --fault-path /api/2.0/token-management/tokens/
ALL=$(curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "$EMU_URL/api/2.0/token-management/tokens" | jq '.token_infos | length')
N=$(curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "$EMU_URL/api/2.0/token-management/tokens" |
	jq '[.token_infos[] | select(.created_by_username | startswith("user"))] | length')
if [ "$N" -gt 2000 ]; then ok "ui_halt_403: a session of $N tokens"; else not_ok "ui_halt_403: a large session" "only $N"; fi

ui_shell 160 40
ui_start --all --jobs "$JOBS" --rate 0
# (loose patterns: the status line's wording is not what this test is about)
check_screen "ui_halt_403: drawn with every token" "[^0-9]$ALL[^0-9].*tagged" 20
keys /; keys C-u; tm send-keys -t t -l "owner:user"; keys Enter
check_screen "ui_halt_403: the filter shows the users' tokens" "[^0-9]$N/$ALL[^0-9].*tagged" 10
keys T d
check_screen "ui_halt_403: every shown row staged" "staged:? $N([^0-9]|$)|[^0-9]$N staged" 10
keys x
check_screen "ui_halt_403: the plan and its typed count" "type $N([^0-9]|$)" 10
tm send-keys -t t -l "$N"     # the focus starts in the count field
keys Enter
check_screen "ui_halt_403: stopped on the 403" "stopped: the workspace refused patrol's credentials \\(401/403\\)" 30
SENT=$(deletes)
MAX=$((AFTER + 1 + 2 * (JOBS - 1)))
if [ "$SENT" -ge $((AFTER + 1)) ] && [ "$SENT" -le "$MAX" ]; then
	ok "ui_halt_403: no revoke after the 403 but those in flight ($SENT sent, at most $MAX)"
else
	OUT=$(screen); ERR=""
	not_ok "ui_halt_403: no revoke after the 403 but those in flight" "DELETEs sent: $SENT (at most $MAX)"
fi
check_eq "ui_halt_403: the emulator refused exactly one" 1 "$(stats .faults.fail)"
check_eq "ui_halt_403: revoked = sent - the refused one" "$((SENT - 1))" "$(stats '.revokes | length')"
keys R
check_screen "ui_halt_403: R shows the results" "^[0-9]+ revoked or gone, " 10
type_line ":export $T/halt.json"
check_screen "ui_halt_403: the results exported" "exported $N results to " 10
check_eq "ui_halt_403: results: one failed with the 403" 1 \
	"$(jq '[.[] | select(.result == "failed" and .error.http_status == 403)] | length' "$T/halt.json")"
check_eq "ui_halt_403: results: the rest of the sent ones revoked" "$((SENT - 1))" \
	"$(jq '[.[] | select(.result == "revoked")] | length' "$T/halt.json")"
check_eq "ui_halt_403: results: every unsent one not attempted" "$((N - SENT))" \
	"$(jq '[.[] | select(.result == "not attempted")] | length' "$T/halt.json")"
keys Escape
keys q
wait_for "staged revocations will be discarded" 5 && keys Tab Enter
ui_exited 10
check_eq "ui_halt_403: patrol ended" 0 "$UI_RC"
emu_stop

finish
