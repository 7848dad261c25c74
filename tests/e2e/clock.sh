#!/bin/bash
# End-to-end: the 90-day clock. Databricks revokes a PAT unused for 90 days;
# patrol shows when ("AUTO-REVOKE": last use + 90 days, or creation + 90 days
# marked as an estimate for a token never used), sorts by it, flags the
# ones within revoke-soon's window (14 days, or patrol's config), and the
# emulator's own clock (--now-ms, POST /emulator/clock) shows the estimate
# coming true. Both clocks stand still at a UTC midnight: token management
# gives the day of last use (last_used_day), so days are exact.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

DAY=86400000
NOW=1760054400000                  # 2025-10-10T00:00:00Z
export PATROL_NOW_MS=$NOW
emu_start --now-ms $NOW
ADMIN_ID=$(tok_id "$ADMIN_TOKEN")

mk() {
	local id
	id=$(curl -s -X POST "$EMU_URL/emulator/tokens" -d "$1" | jq -r '.token_id // empty')
	[ -n "$id" ] || { echo "cannot make token: $1"; exit 99; }
	echo "$id"
}
base() { echo "\"creation_time\":$((NOW - 200 * DAY)),\"expiry_time\":$((NOW + 300 * DAY)),\"scopes\":[\"sql\"]"; }
USED80=$(mk "{\"comment\":\"used80\",$(base),\"last_accessed_time\":$((NOW - 80 * DAY))}")
DAY77=$(mk "{\"comment\":\"day77\",$(base),\"last_used_day\":$((NOW - 77 * DAY))}")
USED70=$(mk "{\"comment\":\"used70\",$(base),\"last_accessed_time\":$((NOW - 70 * DAY))}")
NEVER45=$(mk "{\"comment\":\"never45\",\"creation_time\":$((NOW - 45 * DAY)),\"expiry_time\":$((NOW + 300 * DAY)),\"scopes\":[\"sql\"]}")
NEVER85=$(mk "{\"comment\":\"never85\",\"creation_time\":$((NOW - 85 * DAY)),\"expiry_time\":$((NOW + 300 * DAY)),\"scopes\":[\"sql\"]}")

# cell COMMENT: the AUTO-REVOKE cell of that row of the last table.
cell() { printf '%s\n' "$OUT" | grep " $1 " | sed -E 's/.*  (in [^ ]+( \(est\.\))?|due( \(est\.\))?)$/\1/'; }

# --- the column, in words -----------------------------------------------------
run list --all
check_rc "list --all" 0
check_match "the table has an AUTO-REVOKE column" '^ID +COMMENT +CREATED +EXPIRES +LAST USED +SCOPES +OWNER +AUTO-REVOKE$' \
	"$(printf '%s\n' "$OUT" | head -n 1)"
check_eq "used 80 days ago: revoked in 10 days" "in 10d" "$(cell used80)"
check_eq "last used day 77 days ago: in 13 days" "in 13d" "$(cell day77)"
check_eq "used 70 days ago: in 20 days" "in 20d" "$(cell used70)"
check_eq "never used, created 45 days ago: patrol's estimate" "in 45d (est.)" "$(cell never45)"
check_eq "never used, created 85 days ago: in 5 days, estimated" "in 5d (est.)" "$(cell never85)"

# --- JSON and CSV carry the date and whether it is an estimate -----------------
run list --all -o json
check_eq "JSON: auto_revoke_time = last use + 90 days" "$((NOW + 10 * DAY)) false" \
	"$(printf '%s' "$OUT" | jq -r --arg id "$USED80" '.[] | select(.token_id == $id) | "\(.auto_revoke_time) \(.auto_revoke_estimated)"')"
check_eq "JSON: never used: creation + 90 days, estimated" "$((NOW + 45 * DAY)) true" \
	"$(printf '%s' "$OUT" | jq -r --arg id "$NEVER45" '.[] | select(.token_id == $id) | "\(.auto_revoke_time) \(.auto_revoke_estimated)"')"
check_eq "JSON keeps the API's fields beside it" "used80 [\"sql\"]" \
	"$(printf '%s' "$OUT" | jq -r --arg id "$USED80" '.[] | select(.token_id == $id) | "\(.comment) \(.scopes | tojson)"')"
run list --all -o csv
check_match "CSV: the date and the estimate mark" "^\"$NEVER85\",.*,\"$(date -u -d @$(((NOW + 5 * DAY) / 1000)) +%Y-%m-%dT%H:%M:%SZ)\",\"true\"\$" "$OUT"
run show --all "$DAY77"
check_match "show: the day, how far, what it counts from" \
	"^auto-revoke: +$(date -u -d @$(((NOW + 13 * DAY) / 1000)) +%Y-%m-%d)  \(in 13d; last use \+ 90 days unused\)\$" "$OUT"

# --- sorting answers "what disappears next" -------------------------------------
run list --all --sort auto-revoke -o json
check_eq "--sort auto-revoke: soonest first" \
	"$NEVER85 $USED80 $DAY77 $USED70 $NEVER45 $ADMIN_ID" \
	"$(printf '%s' "$OUT" | jq -r '[.[].token_id] | join(" ")')"
run list --all --sort auto-revoke:desc -o json
check_eq "  and :desc the other way" "$ADMIN_ID" "$(printf '%s' "$OUT" | jq -r '.[0].token_id')"

# --- the flag: within 14 days, or the configured window -------------------------
run list --all --filter flag:revoke-soon -o json
check_eq "flag:revoke-soon: within 14 days" "$(printf '%s\n' "$NEVER85" "$USED80" "$DAY77" | sort | paste -sd' ')" \
	"$(printf '%s' "$OUT" | jq -r '[.[].token_id] | sort | join(" ")')"
run audit --all -o json
check_eq "audit counts revoke-soon" 3 "$(printf '%s' "$OUT" | jq '.summary.by_flag["revoke-soon"]')"
check_eq "audit JSON rows carry the date too" "$((NOW + 10 * DAY))" \
	"$(printf '%s' "$OUT" | jq -r --arg id "$USED80" '.tokens[] | select(.token_id == $id) | .auto_revoke_time')"
run audit --all --fail-on revoke-soon
check_rc "a CI gate on revoke-soon" 1
check_match "  names it" "^--fail-on: failed: revoke-soon \(3 tokens\)\.\$" "$OUT"

mkdir -p "$HOME/.config/patrol"
printf '[defaults]\nrevoke-soon = 3w\n' >"$HOME/.config/patrol/config"
run list --all --filter flag:revoke-soon -o json
check_eq "revoke-soon = 3w in patrol's config: 21 days" 4 "$(printf '%s' "$OUT" | jq length)"
printf '[defaults]\nrevoke-soon = 2\n' >"$HOME/.config/patrol/config"
run list --all --filter flag:revoke-soon -o json
check_eq "revoke-soon = 2: none within 2 days" 0 "$(printf '%s' "$OUT" | jq length)"
printf '[defaults]\nrevoke-soon = 95\n' >"$HOME/.config/patrol/config"
run list --all
check_rc "a window past the 90 days is refused" 2
check_match "  with the line and the rule" "config:2: \[defaults\] revoke-soon: '95' is not a number of days from 1 to 89" "$ERR"
rm "$HOME/.config/patrol/config"

# --- the emulator's clock makes the estimate come true ----------------------------
# A token made now and never used: revoked in 90 days (estimate). Used once,
# the clock counts from that use. 80 days on it is due in 10; 11 more and the
# server revokes it. (patrol's own PAT is used at each step, so it stays.)
run create --comment "nightly etl" --lifetime 365d -o json
NEW=$(printf '%s' "$OUT" | jq -r '.token_info.token_id')
run list -o json
check_eq "a new token never used: creation + 90 days, estimated" "$((NOW + 90 * DAY)) true" \
	"$(printf '%s' "$OUT" | jq -r --arg id "$NEW" '.[] | select(.token_id == $id) | "\(.auto_revoke_time) \(.auto_revoke_estimated)"')"
curl -s -X POST "$EMU_URL/emulator/clock" -d "{\"advance_ms\":$((5 * DAY))}" >"$T/clock.json"
check_eq "5 days on: the server revokes the one patrol said was due in 5 days" "[\"$NEVER85\"]" \
	"$(jq -c '.revoked' "$T/clock.json")"
curl -s -X POST "$EMU_URL/emulator/use" -d "{\"token_id\":\"$NEW\",\"path\":\"/api/2.1/jobs/list\"}" >/dev/null
export PATROL_NOW_MS=$((NOW + 5 * DAY))
run list --all -o json
check_eq "used 5 days later: the clock counts from that use" "$((NOW + 95 * DAY)) false" \
	"$(printf '%s' "$OUT" | jq -r --arg id "$NEW" '.[] | select(.token_id == $id) | "\(.auto_revoke_time) \(.auto_revoke_estimated)"')"
curl -s -X POST "$EMU_URL/emulator/clock" -d "{\"advance_ms\":$((80 * DAY))}" >"$T/clock.json"
export PATROL_NOW_MS=$((NOW + 85 * DAY))
run list --all
check_eq "80 days on: due in 10 days" "in 10d" "$(cell 'nightly etl')"
run list --all --filter flag:revoke-soon -o json
check_eq "  and flagged revoke-soon" "$NEW" "$(printf '%s' "$OUT" | jq -r '.[].token_id')"
check_eq "  the tokens patrol said were due went at that move" \
	"$(printf '%s\n' "$USED80" "$DAY77" "$USED70" "$NEVER45" | sort | paste -sd' ')" \
	"$(jq -r '.revoked | sort | join(" ")' "$T/clock.json")"
curl -s -X POST "$EMU_URL/emulator/clock" -d "{\"advance_ms\":$((11 * DAY))}" >"$T/clock.json"
check_eq "11 days more: the server revokes it, as patrol said" "[\"$NEW\"]" "$(jq -c '.revoked' "$T/clock.json")"
export PATROL_NOW_MS=$((NOW + 96 * DAY))
run list --all -o json
check_eq "  and it is gone from the list" "" "$(printf '%s' "$OUT" | jq -r --arg id "$NEW" '.[] | select(.token_id == $id) | .token_id')"

finish
