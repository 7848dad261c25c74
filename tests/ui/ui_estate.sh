#!/bin/bash
# UI end-to-end: several workspaces on show at once (issue 11). Two
# emulators and one that is down: `-p A -p B -p C` shows the rows of both
# live workspaces in one table with a WORKSPACE column first, the one that
# is down as one line of the header; each workspace is asked for its list
# once (its own worker); the gauge counts the workspace of the row under
# the cursor; d stages and c, e, o act on the row's workspace, while the
# settings and permissions are refused with a clear message; `a` turns admin mode
# on in each; P with Space picks several and Enter shows them; --profiles
# and --all-profiles do the same at start. Asserts on the screen and on
# each emulator's /emulator/stats.
. "${top_srcdir:-.}/tests/e2e/lib.sh"
. "${top_srcdir:-.}/tests/ui/lib.sh"

emus_start 2 --generate 30:3
A=${EMU_URLS[0]} B=${EMU_URLS[1]}
emu_start
DOWN=$EMU_URL
emu_stop
DATABRICKS_HOST= DATABRICKS_TOKEN=

{
	cfg_profile prod "$A"
	cfg_profile staging "$B"
	cfg_profile gone "$DOWN"
	cfg_profile refused "$B" token=dapi99999999999999999999999999999999
	cfg_profile acct https://accounts.cloud.databricks.com \
		account_id=00000000-0000-0000-0000-000000000000 client_id=x client_secret=y
} | cfg_write

# a token only each workspace has, by comment
at "$A" mktok '{"comment":"alpha-only"}' >/dev/null
at "$B" mktok '{"comment":"beta-only"}' >/dev/null
# own tokens (the admin's) and every token, per workspace
all_at() {
	curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "$1/api/2.0/token-management/tokens" |
		jq '.token_infos | length'
}
MA=$(mine_at "$A") MB=$(mine_at "$B")
TA=$(all_at "$A") TB=$(all_at "$B")
[ "$MA" != "$MB" ] || { echo "the two workspaces should differ: $MA $MB"; exit 99; }
for u in "$A" "$B"; do at "$u" reset_stats; done

# --- -p A -p B -p C: one table, a WORKSPACE column, the failure in the header -
ui_shell 140 40
ui_forget
ui_start -p prod -p staging -p gone
check_screen "both live workspaces' rows: shown $((MA + MB))" "shown $((MA + MB))/$((MA + MB)) " 15
check_screen "a WORKSPACE column, first" "^ +WORKSPACE +COMMENT"
check_screen "rows of prod" "^ +prod +alpha-only"
check_screen "rows of staging" "^ +staging +beta-only"
check_screen "the workspace that is down: one line in the header" \
	"prod,staging,gone .*gone: network error: .*(connect|refused)"
check_screen "the status says some failed" "$((MA + MB)) tokens in 3 workspaces; some failed"
check_eq "prod was asked for its list once" 1 "$(lists_at "$A")"
check_eq "staging was asked for its list once" 1 "$(lists_at "$B")"

# the gauge: the workspace of the row under the cursor
keys /; tm send-keys -t t -l "alpha-only"; keys Enter
check_screen "filtered to prod's token" "shown 1/$((MA + MB)) "
check_screen "the gauge counts prod's tokens" "^prod \\[.*\\] $MA/600"
keys Escape
keys /; tm send-keys -t t -l "beta-only"; keys Enter
check_screen "filtered to staging's token" "shown 1/$((MA + MB)) "
check_screen "the gauge counts staging's tokens" "^staging \\[.*\\] $MB/600"
keys Escape

# sortable by workspace, in the order given
first_row() { screen | grep -A1 "WORKSPACE" | sed -n 2p; }
keys :; tm send-keys -t t -l "sort workspace:desc"; keys Enter
check_screen "sorted by workspace, descending" "WORKSPACE▼"
check_match "staging's rows first" "^ +staging " "$(first_row)"
keys :; tm send-keys -t t -l "sort workspace"; keys Enter
check_screen "ascending" "WORKSPACE▲"
check_match "prod's rows first" "^ +prod " "$(first_row)"
keys :; tm send-keys -t t -l "sort expires"; keys Enter
check_screen "back to expires" "EXPIRES▲"

# workspace:NAME filters by workspace (the whole name)
keys /; tm send-keys -t t -l "workspace:staging"; keys Enter
check_screen "workspace:staging: staging's rows only" "shown $MB/$((MA + MB)) "
check_screen_not "no row of prod" "^ +prod "
keys Escape
check_screen "Esc: every row again" "shown $((MA + MB))/$((MA + MB)) "

# Enter: the detail names the workspace; :export keeps the column
keys /; tm send-keys -t t -l "beta-only"; keys Enter
keys Enter
check_screen "the detail says which workspace" "Workspace: +staging \\($(printf '%s' "$B" | sed 's/[.]/\\./g')\\)"
keys Escape Escape
check_screen "back to every row" "shown $((MA + MB))/$((MA + MB)) "
keys :; tm send-keys -t t -l "export $T/est.csv"; keys Enter
wait_for "exported" 5
check_eq ":export: the workspace column first" "workspace,token_id" "$(head -n 1 "$T/est.csv" | cut -d, -f1-2)"
check_eq ":export: every row" "$((MA + MB + 1))" "$(wc -l <"$T/est.csv")"
check_eq ":export: staging's rows named" "$MB" "$(grep -c '^"staging",' "$T/est.csv")"

# d stages a row of its own workspace (tests/ui/ui_estate_bulk.sh revokes);
# c, e and o act on one workspace, the row's (tests/ui/ui_estate_one.sh):
# Esc backs out of each, nothing sent
keys d
check_screen "d stages while several are on show" "staged 1 for revocation"
keys u
check_screen "u unstages" "unstaged 1"
keys c
check_screen "c asks which workspace" "In which workspace\\? prod, staging, gone"
keys Escape
check_screen "Esc: nothing created" "nothing created"
keys e
check_screen "e edits the row in its workspace" "Edit token"
keys Escape
keys o
check_screen "o (rotate) asks first" "Rotate this token\\?"
keys Escape
keys :; tm send-keys -t t -l "resume"; keys Enter
check_screen ":resume looks in every workspace on show" "no unfinished revocation session in these [0-9]+ workspaces"
keys W
check_screen "and the settings" "settings are a workspace's own: pick one \\(P\\)"
keys :; tm send-keys -t t -l "permissions"; keys Enter
check_screen "and the token permissions" "token permissions are a workspace's own: pick one \\(P\\)"
check_eq "nothing sent to prod" 0 "$(writes_at "$A")"
check_eq "nothing sent to staging" 0 "$(writes_at "$B")"

# a: admin mode in each workspace, each through its own token-management list
keys a
check_screen "admin mode: every token of both" "shown $((TA + TB))/$((TA + TB)) " 15
check_screen "the OWNER column" "WORKSPACE .*OWNER"
check_eq "one token-management list at prod" 1 "$(tm_lists_at "$A")"
check_eq "one token-management list at staging" 1 "$(tm_lists_at "$B")"
# O: owners per workspace (a quota is per workspace), Enter filters to both
keys O
check_screen "owners: the admin in prod with prod's count" "^prod +admin@example\\.com +$MA/600"
check_screen "owners: the admin in staging with staging's count" \
	"^staging +admin@example\\.com +$MB/600"
check_screen "the title has a WORKSPACE column" "^WORKSPACE +OWNER"
keys g Enter
check_screen "Enter: that owner in that workspace" "/owner:.* workspace:\"prod\""
check_screen_not "no row of staging then" "^ +staging "
keys q
ui_exited && check_eq "q quits" 0 "$UI_RC"

# --- one workspace: no WORKSPACE column --------------------------------------
ui_start -p prod
check_screen "one workspace: its own tokens" "shown $MA/$MA "
check_screen_not "and no WORKSPACE column" "WORKSPACE"

# --- P: Space picks several, Enter shows them ---------------------------------
keys P
check_screen "the profile list" "PROFILES in"
keys Space Space
check_screen "prod picked" "^\\+ prod " 5
check_screen "staging picked" "^\\+ staging " 5
keys Enter
check_screen "P: both workspaces together" "shown $((MA + MB))/$((MA + MB)) " 15
check_screen "with the WORKSPACE column" "^ +WORKSPACE +COMMENT"
keys P
check_screen "the profile list again" "PROFILES in"
keys g Enter
check_screen "Enter with nothing picked: back to one workspace" "shown $MA/$MA " 15
check_screen_not "without the WORKSPACE column" "WORKSPACE"
keys q
ui_exited

# --- --profiles and --all-profiles at start ----------------------------------
ui_start --profiles prod,staging
check_screen "--profiles A,B" "shown $((MA + MB))/$((MA + MB)) " 15
keys q
ui_exited
ui_start --all-profiles
check_screen "--all-profiles: every profile's workspace" "prod,staging,gone,refused .* gone: network" 15
check_screen "--all-profiles: the live ones' rows" "shown $((MA + MB))/$((MA + MB)) "
check_screen "the status names what failed, and the account console it skipped" \
	"in 4 workspaces; some failed .*note: skipped profile 'acct'"
keys P
check_screen "P: the workspace that is down says why in full" \
	"^\\* gone +http.*  ! cannot list tokens: network error: .*connect"
check_screen "P: the workspace that refuses the token says why in full" \
	"^\\* refused +http.*  ! cannot list tokens: permission denied: Invalid access token"
check_screen_not "P: the live ones have no such line" "^\\* (prod|staging) .*  ! "
keys Escape
# q only once Esc has been read alone: ESC then q within ESCDELAY is Alt-q
check_screen "Esc: back to the table" "^ *WORKSPACE +COMMENT"
keys q
ui_exited && check_eq "q quits" 0 "$UI_RC"

finish
