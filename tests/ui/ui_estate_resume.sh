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
	printf '[prod]\nhost = %s\ntoken = %s\n\n' "$A" "$ADMIN_TOKEN"
	printf '[staging]\nhost = %s\ntoken = %s\n\n' "$B" "$ADMIN_TOKEN"
	printf '[refuser]\nhost = %s\ntoken = %s\n' "$R" "$ADMIN_TOKEN"
} >"$HOME/.databrickscfg"
chmod 600 "$HOME/.databrickscfg"

# wait_at URL JQ WANT: until the emulator's stats say WANT (bounded)
wait_at() {
	local i=0
	while [ "$(stats_at "$1" "$2")" != "$3" ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done
	[ "$(stats_at "$1" "$2")" = "$3" ]
}

mk_at "$A" slow 30 "$T/sa"
mk_at "$B" slow 30 "$T/sb"
mk_at "$R" slow 3 "$T/sr"
for u in "$A" "$B" "$R"; do
	curl -s -X POST "$u/emulator/reset-stats" >/dev/null
	curl -s -X POST "$u/emulator/hold" -d '{"path":"token-management/tokens/"}' >/dev/null
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
	if wait_at "$u" '[.requests | to_entries[] | select(.key | startswith("DELETE ")) | .value] | add // 0' 1; then
		ok "a revoke is on the wire to $u, held"
	else
		not_ok "a revoke is on the wire to $u" "$(deletes_at "$u")"
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
	"$(wait_at "$A" '.revokes | length' 1; echo $?)"
check_eq "staging's too" 0 "$(wait_at "$B" '.revokes | length' 1; echo $?)"
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
check_eq "nothing sent before the confirm" "1 1 1" "$(deletes_at "$A") $(deletes_at "$B") $(deletes_at "$R")"
tm send-keys -t t -l "61"
keys Enter
check_screen "prod and staging finished, refuser's part stopped by its 403" \
	"stopped in refuser: the workspace refused patrol's credentials \\(401/403\\); 58 revoked, 2 already gone, 3 not done stay staged" 30
check_eq "prod: each of its 30 revoked exactly once, across both runs" 30 "$(once_at "$A" "$T/sa")"
check_eq "prod: 30 revokes sent in all (the lost answer was not sent again)" 30 "$(deletes_at "$A")"
check_eq "staging: each of its 30 revoked exactly once" 30 "$(once_at "$B" "$T/sb")"
check_eq "staging: 30 revokes sent in all" 30 "$(deletes_at "$B")"
check_eq "refuser revoked nothing" 0 "$(stats_at "$R" '.revokes | length')"
check_match "refuser: its part stopped at the 403s (at most its 3 sent again)" '^[2-4]$' "$(deletes_at "$R")"
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
