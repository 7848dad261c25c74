#!/bin/bash
# End-to-end: a 401/403 stops a whole revocation session, however large.
# The session is far larger than the worker's slots and is handed to the
# worker while the first answers come back, so the refusal arrives while
# revokes of the same session are still being submitted: none of those may
# be sent. Asserts on what the emulator received (/emulator/stats).
. "${top_srcdir:-.}/tests/e2e/lib.sh"

export XDG_STATE_HOME="$T/state"
SELF_ID=$(tok_id "$ADMIN_TOKEN")
JOBS=4

# bound AFTER: the most revokes a session may send when the request after
# the first AFTER is refused: those, the refused one, the ones in flight
# with it, and the ones started in the worker's turn that read the refusal.
bound() { echo $(($1 + 1 + 2 * (JOBS - 1))); }

# --- a 403 on the 6th of 5,000 revokes (token management) ---------------------------
emu_start --generate 6000:20 --seed 41 --fail 403:1:1:5 --fault-path /api/2.0/token-management/tokens/
ids 5000 >"$T/ids"
check_eq "5,000 ids to revoke" 5000 "$(wc -l <"$T/ids")"
run --rate 0 --jobs "$JOBS" revoke --all --yes --from "$T/ids" -o json
check_rc "halt_cli_403: the 403 ends the session" 3
SENT=$(deletes)
MAX=$(bound 5)
if [ "$SENT" -ge 6 ] && [ "$SENT" -le "$MAX" ]; then
	ok "halt_cli_403: no revoke after the 403 but those in flight ($SENT sent, at most $MAX)"
else
	not_ok "halt_cli_403: no revoke after the 403 but those in flight" "DELETEs sent: $SENT (at most $MAX)"
fi
check_eq "halt_cli_403: the emulator refused exactly one" 1 "$(stats .faults.fail)"
check_eq "halt_cli_403: revoked = sent - the refused one" "$((SENT - 1))" "$(stats '.revokes | length')"
check_eq "halt_cli_403: one failed with the 403" 1 \
	"$(printf '%s' "$OUT" | jq '[.[] | select(.result == "failed" and .error.http_status == 403)] | length')"
check_eq "halt_cli_403: every unsent id is not attempted" "$((5000 - SENT))" \
	"$(printf '%s' "$OUT" | jq '[.[] | select(.result == "not attempted")] | length')"
check_eq "halt_cli_403: one result per id" 5000 "$(printf '%s' "$OUT" | jq length)"
check_match "halt_cli_403: says why it stopped" "refused patrol's credentials \\(HTTP 403\\)" "$ERR"
emu_stop

# --- a 401 on the 1st (token API), the token patrol uses included -------------------
# The token in use goes alone, after the others: it must not go after a 401.
rm -rf "$XDG_STATE_HOME"
emu_start --generate 3000:1 --seed 42 --fail 401:1:1:0 --fault-path /api/2.0/token/delete --error-format numeric
run --rate 0 --jobs "$JOBS" revoke --yes --include-self --filter '!no-such-comment' -o json
check_rc "halt_cli_401: the 401 ends the session" 3
SENT=$(count 'POST /api/2.0/token/delete')
MAX=$(bound 0)
if [ "$SENT" -ge 1 ] && [ "$SENT" -le "$MAX" ]; then
	ok "halt_cli_401: no revoke after the 401 but those in flight ($SENT sent, at most $MAX)"
else
	not_ok "halt_cli_401: no revoke after the 401 but those in flight" "revokes sent: $SENT (at most $MAX)"
fi
N=$(printf '%s' "$OUT" | jq length)
if [ "$N" -gt 1000 ]; then ok "halt_cli_401: a large session ($N ids)"; else not_ok "halt_cli_401: a large session" "only $N ids"; fi
check_eq "halt_cli_401: the token in use was never sent" 0 "$(stats ".revokes[\"$SELF_ID\"] // 0")"
check_eq "halt_cli_401: the token in use is not attempted" "not attempted" \
	"$(printf '%s' "$OUT" | jq -r --arg s "$SELF_ID" '.[] | select(.token_id == $s) | .result')"
emu_stop

finish
