#!/bin/bash
# UI and command line end-to-end: a token id is unique only within its
# workspace (issue 11). Two emulators started with the same --seed hand out
# the same ids, as two workspaces may; a third profile names the first
# workspace again. A row tagged in one workspace stays the only one tagged
# over a refresh, and its revoke reaches that workspace alone; `show` and
# `revoke` with an id found in two workspaces ask for -p instead of acting
# on both; a token two profiles of one workspace both list is listed,
# counted and revoked once, under the first, with a note, in both faces.
# In the view, when the later profile's list comes first (the first one's
# OAuth sign-in held at the emulator: the order is forced, not timed), its
# rows wait for the first's list: no twin ever shows twice nor comes and
# goes; when the first one fails, the later one's rows show. Asserts on the
# screen, on exit codes and output, and on each emulator's
# /emulator/stats.
. "${top_srcdir:-.}/tests/e2e/lib.sh"
. "${top_srcdir:-.}/tests/ui/lib.sh"

export XDG_STATE_HOME="$T/state"
UI_ENV="XDG_STATE_HOME=$XDG_STATE_HOME"

emu_start --seed 9 --oauth-client robot:s3cret-robot
A=$EMU_URL
emu_start --seed 9 --oauth-client robot:s3cret-robot
B=$EMU_URL
DATABRICKS_HOST= DATABRICKS_TOKEN=
{
	cfg_profile one "$A"
	cfg_profile two "$B"
	cfg_profile alias "$A/"
	cfg_profile first "$A" client_id=robot client_secret=s3cret-robot
	cfg_profile firstbad "$A" client_id=robot client_secret=wrong
} | cfg_write

reset_all() { for u in "$A" "$B"; do at "$u" reset_stats; done; }

at "$A" mk twin 3 "$T/ida"
at "$B" mk twin 3 "$T/idb"
check_eq "the two workspaces hold the same ids (the test's premise)" "$(cat "$T/ida")" "$(cat "$T/idb")"
ID=$(sed -n 1p "$T/ida")

# === 1. the command line: an id in two workspaces asks for -p ====================
run show "$ID" --all -p one -p two
check_rc "show ID in two workspaces: refused (a usage error, as for revoke)" 2
check_match "it names both and asks for -p" "'$ID' matches ${ID:0:10} in 'one' and ${ID:0:10} in 'two': name the workspace with -p\$" "$ERR"
check_eq "and shows neither" "" "$OUT"
run show "${ID:0:12}" --all -p one -p two
check_rc "a prefix of it: refused the same way" 2
check_match "the prefix named, with both places" "'${ID:0:12}' matches ${ID:0:10} in 'one' and ${ID:0:10} in 'two': name the workspace with -p \\(or give more of the id\\)" "$ERR"
run show "$ID" --all -p two
check_rc "show ID -p two" 0
check_match "-p picks the one" "$ID" "$OUT"
reset_all
run revoke --all --yes "$ID" -p one -p two
check_rc "revoke ID in two workspaces: refused" 2
check_match "it asks for -p" "revoke: '$ID' matches ${ID:0:10} in 'one' and ${ID:0:10} in 'two': name the workspace with -p \\(nothing was sent\\)" "$ERR"
check_eq "no revoke reached either" "0 0" "$(at "$A" deletes) $(at "$B" deletes)"

# === 2. one workspace under two profiles: each token once, under the first =======
run list --all -p one -p alias -o json
check_rc "list over one workspace named twice" 0
check_match "the note names both profiles" \
	"note: profile 'alias' is the workspace of profile 'one' \\($A\\): [0-9]+ of its tokens listed there too are shown once, under 'one'" "$ERR"
check_eq "each of its tokens listed once" 3 "$(printf '%s' "$OUT" | jq '[.[] | select(.comment | startswith("twin"))] | length')"
check_eq "under the first profile" '["one"]' "$(printf '%s' "$OUT" | jq -c '[.[].workspace] | unique')"
run show "$ID" --all -p one -p alias
check_rc "show ID over one workspace named twice: found once" 0
run revoke --all --yes --filter 'comment:"twin 3"' -p one -p alias
check_rc "revoke over it" 0
check_eq "the token's revoke sent once" "1 0" "$(at "$A" deletes) $(at "$B" deletes)"
check_eq "revoked once" 1 "$(stats_at "$A" "[.revokes[]] | add")"
run revoke --all --resume --yes -p one -p alias
check_match "--resume looks in that workspace once" \
	"workspace 'alias': the workspace of 'one': its session is resumed there" "$ERR"
check_eq "and sends nothing" "1 0" "$(at "$A" deletes) $(at "$B" deletes)"

# === 3. the UI: a tag in one workspace stays there; the revoke goes there ========
reset_all
ui_shell 160 40
ui_start --all -p one -p alias -p two
check_screen "the alias's twins shown once, said on the status line" \
	"tokens in 3 workspaces; note: [0-9]+ tokens of alias shown once, under one \\(one workspace\\)" 20
filter "comment:twin"
check_screen "the twins of both workspaces (one's third revoked above)" "shown 5/[0-9]+ +tagged 0"
check_screen_not "none under alias" "^ +alias "
filter "comment:twin workspace:one"
check_screen "one's own" "shown 2/[0-9]+ +tagged 0"
keys Space
check_screen "Space: one row tagged" "tagged 1 +staged 0"
filter "comment:twin"
check_screen "both workspaces shown again" "shown 5/[0-9]+ +tagged 1 "
keys r
check_screen "r: the lists came again" "[0-9]+ tokens in 3 workspaces" 20
check_screen "the tag stayed on its row alone" "shown 5/[0-9]+ +tagged 1 +staged 0"
filter "comment:twin workspace:two"
check_screen "two's twins: none tagged" "shown 3/[0-9]+ +tagged 1 "
check_screen_not "no row of two is marked" "^[^ ].* two +"
filter "comment:twin"
keys d
check_screen "d: the tagged row staged" "tagged 0 +staged 1"
keys x
check_screen "x: one token, in one" "In 1 workspace: one 1\\."
keys Tab Enter
check_screen "revoked" "revoked 1 token" 20
check_eq "one revoke reached one" 1 "$(at "$A" deletes)"
check_eq "none reached two" 0 "$(at "$B" deletes)"
check_eq "one's token revoked once" 1 "$(stats_at "$A" "[.revokes[]] | add")"
check_screen "its row left; two's twin of it stays" "shown 4/[0-9]+ +tagged 0 +staged 0"
check_screen_not "alias's copy of it did not come back" "^ +alias "
keys r
check_screen "r again" "[0-9]+ tokens in 3 workspaces" 20
check_screen "still 4 after the lists came again" "shown 4/[0-9]+ +tagged 0 +staged 0"
check_screen_not "and none under alias" "^ +alias "
keys q
check_screen "q: quit" "Quit\\?|EXIT="
screen | grep -q "Quit?" && keys Tab Enter
ui_exited

# === 4. the later profile's list first: its twins wait for the earlier one's =====
# first (OAuth, the admin) and alias (a PAT, the admin) name one workspace;
# first's sign-in is held at the emulator, so alias's list is in first.
# No row is on the screen twice (under either profile) at any step, and
# each ends under first.
twice_never() {
	local dup
	dup=$(screen | sed -nE 's/^.{3}(first|firstbad|alias) +//p' | sort | uniq -d)
	if [ -z "$dup" ]; then ok "$1"; else OUT=$(screen); ERR=""; not_ok "$1" "shown twice: $dup"; fi
}
MINE=$(stats_at "$A" '.active_tokens["admin@example.com"]')
reset_all
at "$A" hold /oidc/v1/token
ui_start -p first -p alias
check_screen "alias's list is in, first's is held" "loading 1 of 2 workspaces" 20
check_eq "only alias's list reached the workspace: first cannot sign in yet (the premise)" \
	1 "$(lists_at "$A")"
twice_never "no twin row shows twice while first's list is on its way"
check_screen_not "alias's rows wait for first's list" "twin [12] "
at "$A" release    # the sign-in goes on
check_screen "first's list came: both in" \
	"$MINE tokens in 2 workspaces; note: $MINE tokens of alias shown once, under first \\(one workspace\\)" 20
twice_never "no twin row shows twice once both are in"
check_screen "each of the admin's tokens once" "shown $MINE/$MINE "
check_screen "twin 2 under first" "^ +first .*twin 2 "
check_screen_not "none under alias" "^ +alias "
keys q
ui_exited

# the earlier profile fails: the later one's rows are shown, once
reset_all
at "$A" hold /oidc/v1/token
ui_start -p firstbad -p alias
check_screen "alias's list is in, firstbad's sign-in held" "loading 1 of 2 workspaces" 20
check_eq "only alias's list reached the workspace" 1 "$(lists_at "$A")"
check_screen_not "alias's rows wait for firstbad's list" "twin [12] "
at "$A" release
check_screen "firstbad failed" "$MINE tokens in 2 workspaces; some failed" 20
check_screen "its twin's rows shown: alias's own" "shown $MINE/$MINE "
check_screen "twin 2 under alias" "^ +alias .*twin 2 "
twice_never "once each"
# r with firstbad's sign-in held again: alias's list comes, firstbad's is on
# its way; it failed before, so alias's rows stay on show meanwhile
at "$A" hold /oidc/v1/token
keys r
await at_least 2 lists_at "$A"
check_eq "r: alias's list came again (the premise)" 2 "$(lists_at "$A")"
check_screen "r: firstbad's sign-in held" "loading 1 of 2 workspaces" 20
check_screen "r: alias's rows stay while firstbad's list is on its way" "shown $MINE/$MINE "
check_screen "r: twin 2 still under alias" "^ +alias .*twin 2 "
at "$A" release
check_screen "r: firstbad failed again" "$MINE tokens in 2 workspaces; some failed" 20
keys q
ui_exited

finish
