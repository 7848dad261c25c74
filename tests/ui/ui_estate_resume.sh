#!/bin/bash
# UI end-to-end: an estate revocation session killed midway (kill -9) is
# offered at the next start with the same profiles, in one dialog a line a
# workspace; accepting it finishes each workspace's part exactly once with
# that workspace's own credentials, and a 403 stops only its own part (issue
# 11). Where the kill lands is never a matter of timing: each emulator holds
# the first revoke it gets (POST /emulator/hold), so with --jobs 1 every
# workspace has exactly one revoke on the wire when patrol dies; then the
# emulators go on with them, and their answers are lost. Asserts on the
# screen, on each emulator's /emulator/stats and on the journal.
. "${top_srcdir:-.}/tests/e2e/lib.sh"
. "${top_srcdir:-.}/tests/ui/lib.sh"

export XDG_STATE_HOME="$T/state"
UI_ENV="XDG_STATE_HOME=$XDG_STATE_HOME"

emus_start 2
A=${EMU_URLS[0]} B=${EMU_URLS[1]}
# refuses every revoke (DELETE of one token), as a workspace that took
# patrol's rights away between the two runs
emu_start --seed 7 --fail 403:1 --fault-path token-management/tokens/
R=$EMU_URL
DATABRICKS_HOST= DATABRICKS_TOKEN=
{
	cfg_profile prod "$A"
	cfg_profile staging "$B"
	cfg_profile refuser "$R"
} | cfg_write

at "$A" mk slow 30 "$T/sa"
at "$B" mk slow 30 "$T/sb"
at "$R" mk slow 3 "$T/sr"
for u in "$A" "$B" "$R"; do
	at "$u" reset_stats
	at "$u" hold token-management/tokens/
done

# === 1. a session over three workspaces, killed with a revoke on the wire in each ===
ui_shell 160 50
ui_start --all --jobs 1 -p prod -p staging -p refuser
check_screen "three workspaces" "tokens in 3 workspaces" 20
filter "comment:slow"
check_screen "the 63 of the three" "shown 63/[0-9]+ +tagged 0"
keys T d x
check_screen "the confirm for 63" "OK is off until you type 63"
tm send-keys -t t -l "63"
keys Enter
for u in "$A" "$B" "$R"; do
	if await at "$u" stats_is '[.requests | to_entries[] | select(.key | startswith("DELETE ")) | .value] | add // 0' 1; then
		ok "a revoke is on the wire to $u, held"
	else
		not_ok "a revoke is on the wire to $u" "$(at "$u" deletes)"
	fi
done
ui_signal KILL
exited=0; ui_exited 15 && exited=1
check_eq "patrol killed (-9)" "1 137" "$exited $UI_RC"
for u in "$A" "$B" "$R"; do
	check_eq "the revoke held by $u is let go" true \
		"$(curl -s -X POST "$u/emulator/release" | jq -c .released)"
done
check_eq "prod's held revoke went through, its answer lost" 0 \
	"$(await at "$A" stats_is '.revokes | length' 1; echo $?)"
check_eq "staging's too" 0 "$(await at "$B" stats_is '.revokes | length' 1; echo $?)"
run journal -o json
check_eq "each workspace's journal is left unfinished" "3 prod refuser staging" \
	"$(printf '%s' "$OUT" | jq -r '[.[] | select(.state == "unfinished")] | [length, (map(.profile) | sort | .[])] | join(" ")')"
type_line "stty sane; clear"

# === 2. the next start offers them all, and finishes each part once ===============
ui_start --all -p prod -p staging -p refuser
check_screen "the offer at start: one dialog" "Unfinished revocation sessions" 20
check_screen "grouped by workspace" "In 3 workspaces:"
check_screen "prod's line: nothing answered, one revoke never answered" \
	"│ +prod: 30 of 30 left, 1 never answered \\(admin\\)"
check_screen "staging's line" "│ +staging: 30 of 30 left, 1 never answered \\(admin\\)"
check_screen "refuser's line" "│ +refuser: 3 of 3 left, 1 never answered \\(admin\\)"
keys Tab Enter
check_screen "accepted: the resumed plan, one confirm" "Revoke 61 tokens\\?" 20
check_screen "where they are: the revoked two are decided by the fresh lists" \
	"In 3 workspaces: prod 29, staging 29, refuser 3\\."
check_screen "over 10: the count is typed" "OK is off until you type 61"
check_eq "nothing sent before the confirm" "1 1 1" "$(at "$A" deletes) $(at "$B" deletes) $(at "$R" deletes)"
tm send-keys -t t -l "61"
keys Enter
check_screen "prod and staging finished, refuser's part stopped by its 403" \
	"stopped in refuser: the workspace refused patrol's credentials \\(401/403\\); 58 revoked, 2 already gone, 3 not done stay staged" 30
check_eq "prod: each of its 30 revoked exactly once, across both runs" 30 "$(at "$A" revoked_once "$T/sa")"
check_eq "prod: 30 revokes sent in all (the lost answer was not sent again)" 30 "$(at "$A" deletes)"
check_eq "staging: each of its 30 revoked exactly once" 30 "$(at "$B" revoked_once "$T/sb")"
check_eq "staging: 30 revokes sent in all" 30 "$(at "$B" deletes)"
check_eq "refuser revoked nothing" 0 "$(stats_at "$R" '.revokes | length')"
check_match "refuser: its part stopped at the 403s (at most its 3 sent again)" '^[2-4]$' "$(at "$R" deletes)"
keys R
check_screen "R: prod's results" "^WORKSPACE prod \\($A\\): 30 revoked or gone, 0 failed"
check_screen "R: staging's results" "^WORKSPACE staging \\($B\\): 30 revoked or gone, 0 failed"
keys /; tm send-keys -t t -l "WORKSPACE refuser"; keys Enter
check_screen "R: refuser's part stopped" \
	"^WORKSPACE refuser \\($R\\): 0 revoked or gone, .*stopped: it refused patrol's credentials \\(401/403\\)"
keys Escape
run journal -o json
check_eq "prod's and staging's sessions are finished" 0 \
	"$(printf '%s' "$OUT" | jq '[.[] | select(.state == "unfinished" and .profile != "refuser")] | length')"
keys :; tm send-keys -t t -l "resume"; keys Enter
check_screen ":resume: nothing left to offer" "no unfinished revocation session in these 3 workspaces"
keys U u q
check_screen "q: quit" "Quit\\?|EXIT="
screen | grep -q "Quit?" && keys Tab Enter
ui_exited

finish
