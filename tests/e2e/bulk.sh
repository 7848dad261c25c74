#!/bin/bash
# End-to-end: bulk revocation sessions on the command line. Dry runs send
# nothing; 1,000 revokes through 503s and a rate limit end with each token
# revoked exactly once; kill -9 then --resume still revokes each exactly
# once; the token patrol uses is kept without its own confirmation; a 403
# stops the session; the journal holds no secret.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

export XDG_STATE_HOME="$T/state"
SELF_ID=$(tok_id "$ADMIN_TOKEN")
BOB=dapi11111111111111111111111111111111

# --- dry run: the whole flow, nothing mutating ------------------------------------
emu_start --generate 2000:20 --seed 11
run revoke --all --filter 'flag:unused-90d' --dry-run -o json
check_rc "dry run" 0
N=$(printf '%s' "$OUT" | jq length)
check_match "dry run planned some tokens" '^[1-9][0-9]*$' "$N"
check_eq "dry run: every one would be revoked" "$N" "$(printf '%s' "$OUT" | jq '[.[] | select(.result == "would revoke")] | length')"
check_eq "dry run sent no DELETE" 0 "$(deletes)"
check_eq "dry run revoked nothing" 0 "$(stats '.revokes | length')"
check_eq "dry run wrote no journal" "" "$(ls "$XDG_STATE_HOME/patrol" 2>/dev/null)"

# --- no terminal, no --yes: refused before anything is sent -----------------------
ids 20 >"$T/ids20"
# a file from a Windows editor: a byte-order mark and CRLF line ends
{ printf '\xef\xbb\xbf'; head -n 3 "$T/ids20" | sed 's/$/\r/'; } >"$T/ids.bom"
run revoke --all --dry-run --from "$T/ids.bom" -o json
check_eq "a byte-order mark and CRLF: every id planned, the first too" \
	"$(head -n 3 "$T/ids20" | tr '\n' ' ')" "$(printf '%s' "$OUT" | jq -r '[.[] | select(.result == "would revoke") | .token_id] | join(" ") + " "')"
run revoke --all --from "$T/ids20"
check_rc "no confirmation without a terminal" 2
check_match "says how to confirm" 'pass --yes' "$ERR"
check_eq "nothing sent without confirmation" 0 "$(deletes)"

# --- the token patrol uses needs its own confirmation ------------------------------
printf '%s\n' "$SELF_ID" >>"$T/ids20"
run revoke --all --yes --from "$T/ids20" -o json
check_rc "revoke 20 plus self" 0
check_eq "self is skipped" "skipped" "$(printf '%s' "$OUT" | jq -r --arg s "$SELF_ID" '.[] | select(.token_id == $s) | .result')"
check_eq "self was never sent" 0 "$(stats ".revokes[\"$SELF_ID\"] // 0")"
check_eq "the other 20 are revoked" 20 "$(printf '%s' "$OUT" | jq '[.[] | select(.result == "revoked")] | length')"
run whoami
check_rc "patrol still works afterwards" 0
emu_stop

# --include-self (with --yes, no terminal): the own token goes last.
emu_start --generate 50:2 --seed 12 --user bob@example.com=$BOB
BOB_ID=$(tok_id "$BOB")
BOB_OTHER=$(tok_id "$(DATABRICKS_TOKEN=$BOB "$PATROL" create --comment "bob other")")
DATABRICKS_TOKEN=$BOB run revoke --yes --include-self "$BOB_ID" "$BOB_OTHER" -o json
check_rc "--include-self --yes" 0
check_eq "both revoked, self included" 2 "$(printf '%s' "$OUT" | jq '[.[] | select(.result == "revoked")] | length')"
check_eq "self revoked once" 1 "$(stats ".revokes[\"$BOB_ID\"] // 0")"
check_eq "the other revoked once (before self cut patrol off)" 1 "$(stats ".revokes[\"$BOB_OTHER\"] // 0")"

emu_stop

# A session planned with --include-self, cut off: its resume knows which token
# patrol uses again, and without --include-self keeps it.
emu_start --generate 10:2 --seed 14 --user bob@example.com=$BOB
B=()
for i in 1 2 3; do B+=("$(tok_id "$(DATABRICKS_TOKEN=$BOB "$PATROL" create --comment "bob $i")")"); done
hold token/delete
DATABRICKS_TOKEN=$BOB "$PATROL" revoke --yes --include-self --jobs 1 "$BOB_ID" "${B[@]}" \
	>"$T/cut.out" 2>&1 &
CUT=$!
await at_least 1 count 'POST /api/2.0/token/delete'
kill -9 "$CUT"
wait "$CUT" 2>/dev/null
release
quiesce          # the held revoke is answered before the resume lists
DATABRICKS_TOKEN=$BOB run revoke --resume --yes -o json
check_rc "resume of an --include-self session, without it" 0
check_eq "  the token patrol uses is kept" "skipped" \
	"$(printf '%s' "$OUT" | jq -r --arg s "$BOB_ID" '.[] | select(.token_id == $s) | .result')"
check_eq "  and never sent" 0 "$(stats ".revokes[\"$BOB_ID\"] // 0")"
check_eq "  the others revoked, once each" "1 1 1" \
	"$(for id in "${B[@]}"; do stats ".revokes[\"$id\"] // 0"; done | tr '\n' ' ' | sed 's/ $//')"
emu_stop

# --- 1,000 tokens through 503s and a rate limit -------------------------------------
rm -rf "$XDG_STATE_HOME"
emu_start --generate 2000:20 --seed 13 --fail 503:0.2 --rate-limit 50 \
	--fault-path /api/2.0/token-management/tokens/
ids 1000 >"$T/ids1000"
check_eq "1,000 ids to revoke" 1000 "$(wc -l <"$T/ids1000" | tr -d ' ')"
BEFORE=$(stats '[.active_tokens[]] | add')
run revoke --all --yes --rate 0 --jobs 16 --from "$T/ids1000" -o json
check_rc "bulk revoke of 1,000" 0
check_eq "1,000 results, all revoked" 1000 "$(printf '%s' "$OUT" | jq '[.[] | select(.result == "revoked")] | length')"
check_eq "each revoked exactly once" 1000 "$(revoked_once "$T/ids1000")"
check_eq "no other token was touched" 1000 "$(stats '.revokes | length')"
check_eq "none of them is left" 0 "$(still_there "$T/ids1000")"
check_eq "active tokens fell by 1,000" "$((BEFORE - 1000))" "$(stats '[.active_tokens[]] | add')"
check_match "the emulator did inject 503s" '^[1-9]' "$(stats .faults.fail)"
check_match "and throttled (429)" '^[1-9]' "$(stats .faults.rate_limited)"
check_match "summary on stderr" '1000 revoked, 0 already gone, 0 failed' "$ERR"
J=$(ls "$XDG_STATE_HOME"/patrol/*.jsonl | head -n 1)
check_eq "journal dir is 0700" 700 "$(stat -c %a "$XDG_STATE_HOME/patrol")"
check_eq "journal file is 0600" 600 "$(stat -c %a "$J")"
check_eq "journal: 1,000 intents" 1000 "$(grep -c '"type":"intent"' "$J")"
check_eq "journal: 1,000 revoked results" 1000 "$(jq -c 'select(.type == "result" and .result == "revoked")' "$J" | wc -l | tr -d ' ')"
check_eq "journal: ends done" "done" "$(tail -n 1 "$J" | jq -r .reason)"
emu_stop

# --- kill -9 in the middle, then --resume ---------------------------------------------
rm -rf "$XDG_STATE_HOME"
emu_start --generate 2000:20 --seed 14 --latency-ms 20
ids 600 >"$T/ids600"
"$PATROL" revoke --all --yes --rate 40 --jobs 4 --from "$T/ids600" >"$T/killed.out" 2>&1 &
VICTIM=$!
i=0
while [ "$(stats '.revokes | length')" -lt 150 ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
kill -9 "$VICTIM"
wait "$VICTIM" 2>/dev/null
quiesce
DONE_BEFORE=$(stats '.revokes | length')
check_match "killed in the middle" '^[0-9]+$' "$DONE_BEFORE"
if [ "$DONE_BEFORE" -ge 150 ] && [ "$DONE_BEFORE" -lt 600 ]; then ok "the session was cut short ($DONE_BEFORE of 600)"; else not_ok "the session was cut short" "revoked before the kill: $DONE_BEFORE"; fi
run journal -o json
check_eq "the journal shows it unfinished" "unfinished" "$(printf '%s' "$OUT" | jq -r '.[0].state')"
run revoke --all --dry-run --filter 'flag:never-expires'
check_match "a new session offers the unfinished one" 'revoke --resume' "$ERR"
run revoke --resume --yes -o json
check_rc "resume" 0
check_match "resume says what is left" 'Resuming session .*600 planned' "$ERR"
check_eq "each of the 600 revoked exactly once, across both runs" 600 "$(revoked_once "$T/ids600")"
check_eq "none of them is left" 0 "$(still_there "$T/ids600")"
check_eq "nothing else was revoked" 600 "$(stats '.revokes | length')"
run journal -o json
check_eq "the session is finished now" "finished" "$(printf '%s' "$OUT" | jq -r '.[0].state')"
run revoke --resume --yes
check_rc "nothing left to resume" 0
check_match "says so" 'no unfinished revoke session' "$ERR"
emu_stop

# --- a 403 in the middle stops the session at once ------------------------------------
rm -rf "$XDG_STATE_HOME"
emu_start --generate 2000:20 --seed 15 --fail 403:1:1:50 --fault-path /api/2.0/token-management/tokens/
ids 300 >"$T/ids300"
run revoke --all --yes --rate 0 --jobs 4 --from "$T/ids300" -o json
check_rc "a 403 stops the session" 3
SENT=$(deletes)
# at most 50 + 1 + 2 * (jobs - 1): the bound tests/e2e/halt.sh explains
if [ "$SENT" -ge 51 ] && [ "$SENT" -le 57 ]; then ok "at most the in-flight calls followed the 403 ($SENT sent)"; else not_ok "stopped at once" "DELETEs sent: $SENT"; fi
check_eq "one failed with the 403" 1 "$(printf '%s' "$OUT" | jq '[.[] | select(.result == "failed" and .error.http_status == 403)] | length')"
check_eq "the rest were not attempted" "$((300 - SENT))" "$(printf '%s' "$OUT" | jq '[.[] | select(.result == "not attempted")] | length')"
check_match "says why it stopped" "refused patrol's credentials" "$ERR"
J=$(ls "$XDG_STATE_HOME"/patrol/*.jsonl | head -n 1)
check_eq "journal ends with auth" "auth" "$(tail -n 1 "$J" | jq -r .reason)"
SESSION=$(basename "$J" .jsonl)
run revoke --resume --yes
check_match "an auth-stopped session is not offered automatically" 'no unfinished revoke session' "$ERR"
run revoke --resume "$SESSION" --yes -o json
check_rc "resumed by name" 0
check_eq "each of the 300 revoked exactly once" 300 "$(revoked_once "$T/ids300")"

# --- the journal never holds a secret ---------------------------------------------------
if grep -rq -e "$ADMIN_TOKEN" -e "$BOB" -e 'dapi[0-9a-f]' "$XDG_STATE_HOME"; then
	not_ok "no token value in the journal"
else
	ok "no token value in the journal"
fi
emu_stop


# --- on a terminal: the typed count, the re-plan, the progress line ---------------------
# script(1) gives patrol a terminal; its answers come through a FIFO.
rm -rf "$XDG_STATE_HOME"
emu_start --generate 200:4 --seed 16 --latency-ms 30
ids 12 >"$T/ids12"
# tty_revoke ARGS...: start patrol revoke on a terminal in the background.
tty_revoke() { tty_start revoke --rate 20 --jobs 2 "$@"; }
tty_revoke --all --from "$T/ids12"
tty_wait 'type the number of tokens \(12\)'
check_eq "over ten tokens: the count must be typed" 0 $?
check_match "the plan shows the owner column" 'OWNER' "$(cat "$T/tty.out")"
echo 11 >&7
wait "$TTY_PID"
RC=$?
exec 7>&-
check_eq "a wrong count is not a yes (exit 1)" 1 "$RC"
check_match "says nothing was done" 'Not confirmed: nothing was done' "$(cat "$T/tty.out")"
check_eq "and nothing was sent" 0 "$(deletes)"

# re-plan: one token goes away between the confirm and the apply
VANISH=$(head -n 1 "$T/ids12")
tty_revoke --all --from "$T/ids12"
tty_wait 'type the number of tokens \(12\)'
curl -s -o /dev/null -X DELETE -H "Authorization: Bearer $ADMIN_TOKEN" "$EMU_URL/api/2.0/token-management/tokens/$VANISH"
echo 12 >&7
tty_wait 'type the number of tokens \(11\)'
check_eq "the re-plan asks again for what is left" 0 $?
check_match "and says what changed" '1 no longer exist \(not sent\)' "$(tr -d '\r' <"$T/tty.out")"
echo 11 >&7
wait "$TTY_PID"
RC=$?
exec 7>&-
check_eq "the session ran (exit 0)" 0 "$RC"
check_match "a progress line was drawn" '\] [0-9]+ done 0 failed [0-9]+ left .*ETA' "$(tr -d '\r' <"$T/tty.out")"
check_eq "the vanished token was revoked once (by curl), not again" 1 "$(stats ".revokes[\"$VANISH\"]")"
check_eq "the other eleven once each" 12 "$(revoked_once "$T/ids12")"
emu_stop

# --- Ctrl-C (SIGINT) stops after the calls in flight ----------------------------------------
rm -rf "$XDG_STATE_HOME"
emu_start --generate 300:4 --seed 17 --latency-ms 200
ids 100 >"$T/ids100"
"$PATROL" revoke --all --yes --rate 0 --jobs 2 --from "$T/ids100" -o json >"$T/int.out" 2>"$T/int.err" &
VICTIM=$!
i=0
while [ "$(stats '.revokes | length')" -lt 6 ] && [ $i -lt 300 ]; do sleep 0.05; i=$((i + 1)); done
kill -INT "$VICTIM"
wait "$VICTIM"
RC=$?
OUT=$(cat "$T/int.out"); ERR=$(cat "$T/int.err")
check_rc "a stopped session reports the ones not sent" 1
check_match "says it stops after the calls in flight" 'stopping after the requests in flight \(at most 2\)' "$ERR"
SENT=$(stats '.revokes | length')
check_eq "every sent one is revoked, the rest not attempted" "$SENT $((100 - SENT))" \
	"$(printf '%s' "$OUT" | jq -r '[(map(select(.result == "revoked")) | length), (map(select(.result == "not attempted")) | length)] | map(tostring) | join(" ")')"
if [ "$SENT" -lt 100 ]; then ok "it stopped early ($SENT of 100)"; else not_ok "it stopped early" "all 100 were sent"; fi
J=$(ls "$XDG_STATE_HOME"/patrol/*.jsonl | head -n 1)
check_eq "the journal ends stopped" "stopped" "$(tail -n 1 "$J" | jq -r .reason)"
run revoke --resume "$(basename "$J" .jsonl)" --yes -o json
check_rc "a stopped session resumes by name" 0
check_eq "all 100 revoked exactly once in the end" 100 "$(revoked_once "$T/ids100")"
emu_stop


# --- a session that cannot be recorded is not run ------------------------------------------
emu_start --generate 50:2 --seed 18
ids 3 >"$T/ids3"
: >"$T/not-a-dir"
XDG_STATE_HOME="$T/not-a-dir" run revoke --all --yes --from "$T/ids3"
check_rc "no journal, no revoke" 2
check_match "says why, and that nothing was revoked" 'cannot record the session, so nothing was revoked' "$ERR"
check_eq "nothing was sent" 0 "$(deletes)"
emu_stop

finish
