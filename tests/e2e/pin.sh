#!/bin/bash
# End-to-end: patrol pin (issue 10 §2). A dry run sends nothing; skips say
# why (nothing inferred, already pinned, would gain authentication, the
# token patrol uses); --add and --scopes; a pin turns auto-scoping off on the
# server; kill -9 in the middle of 300 pins and --resume leaves every token
# updated exactly once (/emulator/stats); revoke --resume never takes a pin
# session; patrol journal shows both kinds.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

export XDG_STATE_HOME="$T/state"
DAY=86400000
NOW=1767225600000
export PATROL_NOW_MS=$NOW
SELF_ID=$(tok_id "$ADMIN_TOKEN")

# mk JSON: a token of the admin's on the emulator, never expiring; its id.
mk() {
	local r
	r=$(curl -s -X POST "$EMU_URL/emulator/tokens" -d "$(jq -nc --argjson o "$1" '{expiry_time:-1} + $o')")
	printf '%s' "$r" | jq -r '.token_id // empty'
}
# updates_of ID: how many updates the emulator received for ID.
updates_of() {
	stats "[.updates[] | select(.token_id == \"$1\")] | length"
}
# token ID: the token as token management lists it.
token() {
	curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "$EMU_URL/api/2.0/token-management/tokens/$1" | jq -c '.token_info'
}
R="\"autoscope_state\":\"AUTOSCOPE_STATE_RUNNING\",\"creation_time\":$((NOW - 25 * DAY))"

# --- one of each kind of token -----------------------------------------------------
emu_start --now-ms $NOW
OBS=$(mk "{$R,\"comment\":\"nightly jobs\",\"inferred_scopes\":[\"jobs\",\"sql\"]}")
NONE=$(mk "{$R,\"comment\":\"never called\"}")
HIST=$(mk "{\"autoscope_state\":\"AUTOSCOPE_STATE_BACKFILLED\",\"comment\":\"old etl\",\"creation_time\":$((NOW - 300 * DAY)),\"backfill_scopes\":[\"clusters\"]}")
AUTH=$(mk "{$R,\"comment\":\"token minter\",\"inferred_scopes\":[\"authentication\"]}")
DONE=$(mk "{\"comment\":\"pinned before\",\"scopes\":[\"files\"],\"inferred_scopes\":[\"files\"]}")

run pin --all --filter 'comment:nightly' --dry-run -o json
check_rc "dry run" 0
check_eq "dry run: would pin to inferred scopes" '[{"result":"would pin","scopes":["jobs","sql"]}]' \
	"$(printf '%s' "$OUT" | jq -c '[.[] | {result, scopes}]')"
check_eq "dry run sent no update" 0 "$(stats '.updates | length')"
check_eq "dry run wrote no journal" "" "$(ls "$XDG_STATE_HOME/patrol" 2>/dev/null)"

res() { printf '%s' "$OUT" | jq -c --arg id "$1" '.[] | select(.token_id == $id) | [.result, .scopes, (.error.message // "")]'; }
run pin "$OBS"
check_rc "no confirmation without a terminal" 2
check_match "says how to confirm" 'pass --yes' "$ERR"
check_eq "nothing sent without confirmation" 0 "$(stats '.updates | length')"

# a dry run skips what the real run would skip (no terminal or --yes: gaining
# authentication needs it named)
for yes in --yes ""; do
	run pin "$AUTH" $yes --dry-run -o json
	check_match "dry run ${yes:-without --yes}: gaining authentication is skipped, as the real run would" \
		'^\["skipped",.*would gain authentication' "$(res "$AUTH")"
done
run pin "$AUTH" --yes --dry-run --add authentication -o json
check_eq "dry run, authentication named: would pin" '["would pin",["authentication"],""]' "$(res "$AUTH")"
check_eq "the dry runs sent no update" 0 "$(stats '.updates | length')"

run pin "$OBS" "$NONE" "$HIST" "$AUTH" "$DONE" "$SELF_ID" --yes --add files -o json
check_rc "pin six" 0
check_eq "observed: inferred + --add" '["pinned",["jobs","sql","files"],""]' "$(res "$OBS")"
check_match "nothing inferred: skipped with the reason" '^\["skipped",.*"nothing inferred or backfilled: give --scopes' "$(res "$NONE")"
check_eq "from history: backfill + --add" '["pinned",["clusters","files"],""]' "$(res "$HIST")"
check_match "gaining authentication needs its own confirmation" '^\["skipped",.*would gain authentication' "$(res "$AUTH")"
check_match "the token patrol uses is kept" '^\["skipped",' "$(res "$SELF_ID")"
check_eq "one update each for the two pinned" "1 1" "$(updates_of "$OBS") $(updates_of "$HIST")"
check_eq "every update sets scopes only" '["scopes"]' "$(stats '[.updates[].update_mask] | unique' | jq -c .)"
check_eq "nothing sent for the skipped" "0 0 0 0" \
	"$(updates_of "$NONE") $(updates_of "$AUTH") $(updates_of "$SELF_ID") $(updates_of "$DONE")"
check_eq "the server: set by hand, the pinned scopes" '["AUTOSCOPE_STATE_USER_SELECTED",["jobs","sql","files"]]' \
	"$(token "$OBS" | jq -c '[.autoscope_state, .scopes]')"
check_match "summary on stderr" '^2 pinned, 0 already gone, 0 failed, 0 unknown, 0 not attempted, 4 skipped$' "$ERR"

run pin "$OBS" --yes --add files -o json
check_match "pinned already: skipped, nothing sent" '"it already has exactly these scopes' "$OUT"
check_eq "still one update for it" 1 "$(updates_of "$OBS")"

run pin "$AUTH" --yes --add authentication -o json
check_eq "authentication named: pinned" '["pinned",["authentication"],""]' "$(res "$AUTH")"
run pin "$NONE" --yes --scopes 'sql, jobs' -o json
check_eq "--scopes sets exactly those" '["pinned",["sql","jobs"],""]' "$(res "$NONE")"
run pin "$NONE" --yes --scopes ','
check_rc "--scopes with no scope is refused" 2
run pin --resume --yes
check_match "nothing to resume" 'no unfinished pin session' "$ERR"

run journal -o json
check_eq "journal: three pin sessions, finished" "pin finished,pin finished,pin finished" \
	"$(printf '%s' "$OUT" | jq -r '[.[] | "\(.kind) \(.state)"] | join(",")')"
S=$(basename "$(grep -l "\"$OBS\"" "$XDG_STATE_HOME"/patrol/*.jsonl)" .jsonl)
run journal "$S" -o json
check_eq "journal SESSION: pinned, in the kind's words, with the scopes planned" \
	'pinned ["jobs","sql","files"]' \
	"$(printf '%s' "$OUT" | jq -r --arg id "$OBS" '.items[] | select(.token_id == $id) | .result') $(jq -c --arg id "$OBS" 'select(.type == "plan") | .items[] | select(.id == $id) | .scopes' "$XDG_STATE_HOME/patrol/$S.jsonl")"
emu_stop

# --- kill -9 in the middle of 300 pins, then --resume --------------------------------
rm -rf "$XDG_STATE_HOME"
emu_start --now-ms $NOW --latency-ms 20
for i in $(seq 1 300); do
	printf '{%s,"comment":"job %d","inferred_scopes":["jobs"],"expiry_time":-1}\n' "$R" "$i"
done | while read -r body; do curl -s -X POST "$EMU_URL/emulator/tokens" -d "$body" | jq -r .token_id; done | sort >"$T/ids300"
check_eq "300 observed tokens" 300 "$(wc -l <"$T/ids300" | tr -d ' ')"
"$PATROL" pin --yes --rate 40 --jobs 4 --filter 'comment:job' >"$T/killed.out" 2>&1 &
VICTIM=$!
i=0
while [ "$(stats '.updates | length')" -lt 60 ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
kill -9 "$VICTIM"
wait "$VICTIM" 2>/dev/null
quiesce
BEFORE=$(stats '.updates | length')
if [ "$BEFORE" -ge 60 ] && [ "$BEFORE" -lt 300 ]; then ok "the session was cut short ($BEFORE of 300)"; else not_ok "the session was cut short" "updates before the kill: $BEFORE"; fi
run journal -o json
check_eq "the journal shows an unfinished pin session" "pin unfinished" "$(printf '%s' "$OUT" | jq -r '.[0] | "\(.kind) \(.state)"')"
run revoke --resume --yes
check_match "revoke --resume does not take a pin session" 'no unfinished revoke session' "$ERR"
check_eq "and revoked nothing" 0 "$(stats '.revokes | length')"
run pin --resume --yes -o json
check_rc "pin --resume" 0
check_match "resume says what is left" 'Resuming session .*300 planned' "$ERR"
check_eq "each of the 300 updated exactly once, across both runs" "300 1" \
	"$(stats '[.updates[].token_id] | group_by(.) | "\(length) \(map(length) | max)"')"
check_eq "exactly the planned ids" "" \
	"$(stats '[.updates[].token_id] | unique | .[]' | sort | diff - "$T/ids300")"
check_eq "all 300 set by hand to jobs" 300 \
	"$(curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "$EMU_URL/api/2.0/token-management/tokens" |
		jq '[.token_infos[] | select(.comment | startswith("job ")) | select(.autoscope_state == "AUTOSCOPE_STATE_USER_SELECTED" and .scopes == ["jobs"])] | length')"
check_eq "every result of the resumed run is pinned" 300 "$(printf '%s' "$OUT" | jq '[.[] | select(.result == "pinned")] | length')"
run journal -o json
check_eq "the session is finished now" "pin finished" "$(printf '%s' "$OUT" | jq -r '.[0] | "\(.kind) \(.state)"')"
if grep -rq -e "$ADMIN_TOKEN" -e 'dapi[0-9a-f]' "$XDG_STATE_HOME"; then
	not_ok "no token value in the journal"
else
	ok "no token value in the journal"
fi
emu_stop

finish
