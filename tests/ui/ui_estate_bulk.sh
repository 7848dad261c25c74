#!/bin/bash
# UI end-to-end: revocation and pin sessions over several workspaces at
# once (issue 11). Four workspaces in admin mode: two that work, one that
# refuses every revoke and pin (403), one that refuses everything. Rows of
# three are staged in the merged table; x shows one plan grouped by
# workspace, each group headed by its workspace, under one confirm with the
# typed count; Esc sends nothing; each workspace's part runs on its own
# worker and journal; the 403 stops only its own part and says so; R and
# :export name the workspace; a token that vanished while the confirm was
# open is asked about again; pins go the same way; a session cut off by a
# lost terminal is finished by `patrol revoke --resume -p P`. Asserts on the
# screen, on each emulator's /emulator/stats and on the journal.
. "${top_srcdir:-.}/tests/e2e/lib.sh"
. "${top_srcdir:-.}/tests/ui/lib.sh"

export XDG_STATE_HOME="$T/state"
UI_ENV="XDG_STATE_HOME=$XDG_STATE_HOME"

emus_start 2 --generate 20:2
A=${EMU_URLS[0]} B=${EMU_URLS[1]}
# refuses every call on one token: revokes (DELETE) and pins (PATCH)
emu_start --generate 20:2 --seed 7 --fail 403:1 --fault-path token-management/tokens/
R=$EMU_URL
# refuses everything
emu_start --seed 8 --fail 403:1
L=$EMU_URL
DATABRICKS_HOST= DATABRICKS_TOKEN=
{
	cfg_profile prod "$A"
	cfg_profile staging "$B"
	cfg_profile refuser "$R"
	cfg_profile locked "$L"
} | cfg_write

reset_all() { for u in "$A" "$B" "$R" "$L"; do at "$u" reset_stats; done; }
# the lines of the screen from the one matching $1 to the next WORKSPACE heading
block() { screen | awk -v h="$1" '$0 ~ h { on = 1; next } on && /^WORKSPACE / { exit } on'; }
# in_block HEAD FILE: how many ids of FILE have a line (short id) in HEAD's block
in_block() {
	local n=0 id b
	b=$(block "$1")
	while read -r id; do printf '%s\n' "$b" | grep -q "${id:0:9}" && n=$((n + 1)); done <"$2"
	echo "$n"
}

at "$A" mk estx 6 "$T/ida"
at "$B" mk estx 6 "$T/idb"
at "$R" mk estx 3 "$T/idr"
reset_all

# === 1. one plan over three workspaces, Esc, the typed count, a 403 in one ===
ui_shell 160 60
ui_start --all -p prod -p staging -p refuser -p locked
check_screen "the merged table, the locked workspace failed" "tokens in 4 workspaces; some failed" 20
check_screen "the locked one is one line of the header" "locked: permission denied"
filter "comment:estx"
check_screen "the filter shows the 15 of three workspaces" "shown 15/[0-9]+ +tagged 0 +staged 0"
keys T d
check_screen "T d: staged in three workspaces" "shown 15/[0-9]+ +tagged [0-9]+ +staged 15( |$)"
keys x
check_screen "x: one plan over three workspaces" "^PLAN: revoke 15 tokens in 3 workspaces "
check_screen "prod's group, headed by prod" "^WORKSPACE prod \\($A\\): 6 to revoke"
check_screen "staging's group" "^WORKSPACE staging \\($B\\): 6 to revoke"
check_screen "refuser's group" "^WORKSPACE refuser \\($R\\): 3 to revoke"
check_eq "prod's tokens under prod's heading" 6 "$(in_block '^WORKSPACE prod ' "$T/ida")"
check_eq "staging's under staging's" 6 "$(in_block '^WORKSPACE staging ' "$T/idb")"
check_eq "refuser's under refuser's" 3 "$(in_block '^WORKSPACE refuser ' "$T/idr")"
check_eq "none of staging's under prod's" 0 "$(in_block '^WORKSPACE prod ' "$T/idb")"
check_screen "one confirm for all of them" "Revoke 15 tokens\\?"
check_screen "it says where they are" "In 3 workspaces: prod 6, staging 6, refuser 3\\."
check_screen "over 10: the count is typed" "OK is off until you type 15"
keys Escape
check_screen "Esc: nothing revoked" "cancelled: nothing revoked"
check_gone "the plan is gone" "^PLAN:"
keys x
check_screen "x again" "OK is off until you type 15"
tm send-keys -t t -l "1"
keys Escape
check_screen "Esc with half the count typed: nothing revoked" "cancelled: nothing revoked"
for u in "$A" "$B" "$R" "$L"; do
	check_eq "after Esc nothing was sent to $u" 0 "$(writes_at "$u")"
done
check_eq "and no fresh list was asked for" "1 1 1" "$(tm_lists_at "$A") $(tm_lists_at "$B") $(tm_lists_at "$R")"

keys x
check_screen "the confirm again" "OK is off until you type 15"
tm send-keys -t t -l "15"
keys Enter
check_screen "refuser's part stopped, the others went on" \
	"stopped in refuser: the workspace refused patrol's credentials \\(401/403\\); 12 revoked, 3 not done stay staged" 30
check_eq "prod: each of its 6 revoked once" 6 "$(at "$A" revoked_once "$T/ida")"
check_eq "staging: each of its 6 revoked once" 6 "$(at "$B" revoked_once "$T/idb")"
check_eq "prod was sent no revoke of another workspace's token" 6 "$(at "$A" deletes)"
check_eq "staging too" 6 "$(at "$B" deletes)"
check_match "refuser: its part stopped at the 403 (at most its 3 sent)" '^[1-3]$' "$(at "$R" deletes)"
check_eq "refuser revoked nothing" 0 "$(stats_at "$R" '.revokes | length')"
check_eq "each workspace got its own fresh list before the revokes" "2 2 2" \
	"$(tm_lists_at "$A") $(tm_lists_at "$B") $(tm_lists_at "$R")"
check_eq "nothing reached the locked workspace" 0 "$(writes_at "$L")"
check_screen "refuser's rows stay staged and tagged" "shown 3/[0-9]+ +tagged 3 +staged 3( |$)"
check_screen_not "the revoked rows left the table" "^ +(prod|staging) +estx"
keys R
check_screen "R: refuser's results say it stopped" \
	"^WORKSPACE refuser \\($R\\): 0 revoked or gone, .*stopped: it refused patrol's credentials \\(401/403\\)"
check_screen "R: prod's results" "^WORKSPACE prod \\($A\\): 6 revoked or gone, 0 failed"
check_screen "R: staging's results" "^WORKSPACE staging \\($B\\): 6 revoked or gone, 0 failed"
check_eq "R: prod's revoked tokens under prod's heading" 6 "$(in_block '^WORKSPACE prod ' "$T/ida")"
keys :; tm send-keys -t t -l "export $T/res.csv"; keys Enter
check_screen ":export: every workspace's results" "exported 15 results"
check_eq ":export CSV: the workspace column first" "workspace,token_id,result" "$(head -n 1 "$T/res.csv" | cut -d, -f1-3)"
check_eq ":export CSV: prod's 6 revoked" 6 "$(grep -c '^"prod",.*,"revoked",' "$T/res.csv")"
check_eq ":export CSV: staging's 6 revoked" 6 "$(grep -c '^"staging",.*,"revoked",' "$T/res.csv")"
check_eq ":export CSV: refuser's 3 not revoked" 3 "$(grep '^"refuser",' "$T/res.csv" | grep -vc ',"revoked",')"
keys :; tm send-keys -t t -l "export $T/res.json"; keys Enter
check_screen ":export JSON" "exported 15 results to .*res\\.json"
check_eq ":export JSON: keyed by workspace" "prod staging refuser" "$(jq -r 'keys_unsorted | join(" ")' "$T/res.json")"
check_eq ":export JSON: prod's 6 revoked" 6 "$(jq '[.prod[] | select(.result == "revoked")] | length' "$T/res.json")"
keys Escape
run journal -o json
check_eq "a journal session per workspace, none left unfinished" "3 0" \
	"$(printf '%s' "$OUT" | jq '[length, ([.[] | select(.state == "unfinished")] | length)] | join(" ")' -r)"

# === 2. re-plan: a fresh list per workspace =====================================
keys u U
check_screen "u U: refuser's rows unstaged" "tagged 0 +staged 0"
at "$A" mk replan 2 "$T/ra"
at "$B" mk replan 2 "$T/rb"
GONE=$(sed -n 2p "$T/rb")
KEEP=$(sed -n 1p "$T/rb")
keys r
filter "comment:replan"
check_screen "the new tokens of both" "shown 4/[0-9]+ +tagged 0"
reset_all
keys T d x
check_screen "the confirm for 4" "Revoke 4 tokens\\?"
check_screen "in two workspaces" "In 2 workspaces: prod 2, staging 2\\."
check_eq "revoked behind patrol's back (curl)" 200 \
	"$(curl -s -o /dev/null -w '%{http_code}' -X DELETE -H "Authorization: Bearer $ADMIN_TOKEN" "$B/api/2.0/token-management/tokens/$GONE")"
keys Tab Enter
check_screen "the plan changed: asked again" "The plan changed"
check_screen "it names the vanished one" "1 no longer exists? \\(not sent\\)"
check_screen "and what is left" "Revoke the remaining 3\\?"
check_eq "nothing revoked by patrol yet" "0 1" "$(at "$A" deletes) $(at "$B" deletes)"
keys Tab Enter
check_screen "three revoked, the vanished one said apart" "revoked 3 tokens, 1 already gone \\(R: results\\)" 20
check_eq "prod's two revoked once" 2 "$(at "$A" revoked_once "$T/ra")"
check_eq "staging's kept one revoked once" 1 "$(stats_at "$B" ".revokes[\"$KEEP\"]")"
check_eq "the vanished one only by curl" "1 2" "$(stats_at "$B" ".revokes[\"$GONE\"]") $(at "$B" deletes)"

# === 3. pins over several workspaces, the 403 stops only its own part ============
# tok_at URL COMMENT: a token observed by auto-scoping, jobs inferred
tok_at() {
	at "$1" mktok "{\"comment\":\"$2\",\"autoscope_state\":\"AUTOSCOPE_STATE_RUNNING\",\"inferred_scopes\":[\"jobs\"]}"
}
PA=$(tok_at "$A" "pinme a") PB=$(tok_at "$B" "pinme b") PR=$(tok_at "$R" "pinme r")
keys r
filter "comment:pinme"
check_screen "one pin candidate a workspace" "shown 3/[0-9]+ +tagged 0"
reset_all
keys T p
check_screen "p: staged for pinning" "staged 3"
keys x
check_screen "x: one pin plan over three workspaces" "^PLAN: pin 3 tokens in 3 workspaces "
check_screen "headed by each workspace" "^WORKSPACE refuser \\($R\\): 1 to pin"
check_screen "one confirm" "Pin the scopes of 3 tokens\\?"
check_screen "where they are" "In 3 workspaces: prod 1, staging 1, refuser 1\\."
keys Escape
check_screen "Esc: nothing pinned" "cancelled: nothing pinned"
check_eq "after Esc no pin was sent" "0 0 0" "$(writes_at "$A") $(writes_at "$B") $(writes_at "$R")"
keys x
check_screen "the pin confirm again" "Pin the scopes of 3 tokens\\?"
keys Tab Enter
check_screen "refuser's pin stopped, the others pinned" \
	"stopped in refuser: the workspace refused patrol's credentials \\(401/403\\); pinned 2, 1 not done" 30
check_eq "prod: one update of its token, scopes only" "[{\"token_id\":\"$PA\",\"update_mask\":\"scopes\"}]" \
	"$(stats_at "$A" '.updates' | jq -c .)"
check_eq "staging: one update of its token" "[{\"token_id\":\"$PB\",\"update_mask\":\"scopes\"}]" \
	"$(stats_at "$B" '.updates' | jq -c .)"
check_eq "refuser: none went through" 0 "$(stats_at "$R" '.updates | length')"
check_eq "prod's token: set by hand now" '"AUTOSCOPE_STATE_USER_SELECTED"' \
	"$(curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "$A/api/2.0/token-management/tokens/$PA" | jq -c '.token_info.autoscope_state')"
keys R
check_screen "R: the pins by workspace" "^WORKSPACE staging \\($B\\): 1 pinned or gone"
keys Escape q
check_screen "q asks: a pin is still staged" "staged pin will be discarded"
keys Tab Enter
exited=0; ui_exited && exited=1
check_eq "q quits" "1 0" "$exited $UI_RC"

# === 4. a lost terminal mid-session: revoke --resume -p P finishes each part =====
rm -rf "$XDG_STATE_HOME"
at "$A" mk slow 30 "$T/sa"
at "$B" mk slow 30 "$T/sb"
reset_all
ui_start --all --rate 5 --jobs 1 -p prod -p staging
check_screen "two workspaces" "tokens in 2 workspaces" 20
filter "comment:slow"
check_screen "the 60 of both" "shown 60/[0-9]+ +tagged 0"
keys T d x
check_screen "the confirm for 60" "OK is off until you type 60"
tm send-keys -t t -l "60"
keys Enter
check_screen "revoking in both, each workspace's count" \
	"revoking .* in 2 workspaces: prod [0-9]+/30, staging [0-9]+/30"
await at_least 2 at "$A" deletes
await at_least 2 at "$B" deletes
ui_signal HUP
exited=0; ui_exited 15 && exited=1
check_eq "the terminal went away: patrol ended (SIGHUP)" "1 129" "$exited $UI_RC"
for u in "$A" "$B"; do at "$u" quiesce; done
SA=$(at "$A" deletes) SB=$(at "$B" deletes)
if [ "$SA" -lt 30 ] && [ "$SB" -lt 30 ]; then ok "cut short in both ($SA, $SB of 30)"; else not_ok "cut short" "$SA $SB"; fi
run journal -o json
check_eq "each workspace's journal is left unfinished" "2 prod staging" \
	"$(printf '%s' "$OUT" | jq -r '[.[] | select(.state == "unfinished")] | [length, (map(.profile) | sort | .[])] | join(" ")')"
run revoke --all --resume --yes -p prod
check_rc "patrol revoke --resume -p prod" 0
check_eq "prod: each of its 30 revoked exactly once, across both runs" 30 "$(at "$A" revoked_once "$T/sa")"
check_eq "no revoke of staging's tokens went to prod" 30 "$(at "$A" deletes)"
check_eq "staging untouched by prod's resume" "$SB" "$(at "$B" deletes)"
run revoke --all --resume --yes -p staging
check_rc "patrol revoke --resume -p staging" 0
check_eq "staging: each of its 30 revoked exactly once" 30 "$(at "$B" revoked_once "$T/sb")"
run journal -o json
check_eq "nothing left unfinished" 0 "$(printf '%s' "$OUT" | jq '[.[] | select(.state == "unfinished")] | length')"

# === 5. a workspace patrol's config marks read-only: the session is refused ======
printf '[profile staging]\nread-only = true\n' >"$T/patrol.conf"
at "$A" mk rdonly 2 "$T/oa"
at "$B" mk rdonly 2 "$T/ob"
reset_all
type_line "export PATROL_CONFIG=$T/patrol.conf"
ui_start --all -p prod -p staging
check_screen "two workspaces again" "tokens in 2 workspaces" 20
filter "comment:rdonly"
check_screen "the 4 of both" "shown 4/[0-9]+ +tagged 0"
keys T d x
check_screen "x: refused, naming the read-only workspace" \
	"read-only: profile staging is read-only in .*patrol\\.conf, so nothing was sent"
check_screen_not "no plan" "^PLAN:"
check_eq "nothing sent to either" "0 0" "$(writes_at "$A") $(writes_at "$B")"
keys U u q
check_screen "q: quit" "Quit\\?|EXIT="
screen | grep -q "Quit?" && keys Tab Enter
ui_exited

finish
