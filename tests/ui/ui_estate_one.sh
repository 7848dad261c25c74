#!/bin/bash
# UI end-to-end: changes to one token while several workspaces are on show
# (issue 11): e edits and o rotates the row under the cursor in that row's
# own workspace, through its own worker; c asks which workspace, the
# selected row's by default, and creates there; a workspace patrol's config
# marks read-only refuses them. Asserts on each emulator's /emulator/stats,
# on the secret file and on the screen.
. "${top_srcdir:-.}/tests/e2e/lib.sh"
. "${top_srcdir:-.}/tests/ui/lib.sh"

export XDG_STATE_HOME="$T/state"
UI_ENV="XDG_STATE_HOME=$XDG_STATE_HOME"
emus_start 2 --generate 10:1
A=${EMU_URLS[0]} B=${EMU_URLS[1]}
DATABRICKS_HOST= DATABRICKS_TOKEN=
{
	cfg_profile prod "$A"
	cfg_profile staging "$B"
} | cfg_write

EDIT=$(at "$B" mktok '{"comment":"edit me","scopes":["sql"]}')
ROT=$(at "$A" mktok '{"comment":"rotate me","scopes":["sql"]}')
listed_at() {
	curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "$1/api/2.0/token/list" |
		jq -c --arg id "$2" '.token_infos[] | select(.token_id == $id)'
}
reset_all() { for u in "$A" "$B"; do at "$u" reset_stats; done; }

ui_shell 140 40
ui_start -p prod -p staging
check_screen "two workspaces" "tokens in 2 workspaces" 15
reset_all

# --- e: the row's own workspace ---------------------------------------------------
filter "edit me"
check_screen "staging's token" "^ +staging +edit me "
keys e
check_screen "the edit dialog" "Edit token"
keys Tab Space Right Space Enter
check_screen "updated" "token updated"
check_eq "one PATCH, to staging's token at staging" 1 "$(at "$B" count "PATCH /api/2.0/token/$EDIT")"
check_eq "the scopes only" "scopes" "$(stats_at "$B" '.updates[-1].update_mask')"
check_eq "nothing sent to prod" 0 "$(writes_at "$A")"
SC=$(listed_at "$B" "$EDIT" | jq -r '.scopes | join(",")')
check_match "staging's token has new scopes" '^.+$' "$([ "$SC" != sql ] && echo "$SC")"
check_screen "the row shows them (the list fetched again)" "^ +staging +edit me .* $SC +[0-9a-f]{10}"

# --- o: rotate in the row's own workspace ------------------------------------------
reset_all
filter "rotate me"
check_screen "prod's token" "^ +prod +rotate me "
keys o
check_screen "the rotate confirm" "Rotate this token\\?"
keys Tab Enter
check_screen "the secret is shown" "Copy this token now" 15
SECRET=$(screen | grep -oE 'dapi[0-9a-f]{32}' | head -n 1)
NEW=$(tok_id "$SECRET")
check_eq "one create, at prod" "1 0" "$(stats_at "$A" .creates) $(stats_at "$B" .creates)"
check_eq "the new token is prod's, like the old" "rotate me (rotated from ${ROT:0:10})" \
	"$(listed_at "$A" "$NEW" | jq -r .comment)"
keys w
tm send-keys -t t -l "$T/rot.secret"; keys Enter
check_screen "written" "written to"
keys Escape
check_screen "the old one revoked" "rotated ${ROT:0:10}: the new token is ${NEW:0:10}, the old one is revoked" 15
check_eq "the old token revoked once, at prod" 1 "$(stats_at "$A" ".revokes[\"$ROT\"] // 0")"
check_eq "nothing sent to staging" 0 "$(writes_at "$B")"
check_eq "the file holds the new secret" "$NEW" "$(file_id "$T/rot.secret")"
check_screen "the new row is prod's" "^ +prod +rotate me \\(rotated from"

# --- c: asks which workspace, the selected row's by default -------------------------
reset_all
filter "edit me"
check_screen "staging's row selected" "^ +staging +edit me "
keys c
check_screen "c asks which workspace" "In which workspace\\? prod, staging"
check_screen "the row's by default" "staging"
keys Escape
check_screen "Esc: nothing created" "nothing created"
keys c
check_screen "asked again" "In which workspace\\?"
keys C-u; tm send-keys -t t -l "nope"; keys Enter
check_screen "a name not on show: nothing created" "no workspace 'nope' on show: nothing created"
keys c
check_screen "asked again" "In which workspace\\?"
keys Enter
check_screen "Enter: the create dialog" "New token"
tm send-keys -t t -l "made in staging"
keys Enter
check_screen "the secret is shown" "Copy this token now" 15
keys Enter
check_screen "closing asks" "Discard the secret\\?"
keys d
wait_gone "Copy this token now" 5
check_eq "one create, at staging" "0 1" "$(at "$A" count 'POST /api/2.0/token/create') $(at "$B" count 'POST /api/2.0/token/create')"
filter "made in"
check_screen "the new token shows in staging's rows" "^ +staging +made in staging " 10
keys c
check_screen "asked again" "In which workspace\\?"
keys C-u; tm send-keys -t t -l "prod"; keys Enter
check_screen "the create dialog" "New token"
tm send-keys -t t -l "made in prod"
keys Enter
check_screen "the secret is shown" "Copy this token now" 15
keys Enter d
wait_gone "Copy this token now" 5
check_eq "then one create at prod" "1 1" "$(at "$A" count 'POST /api/2.0/token/create') $(at "$B" count 'POST /api/2.0/token/create')"
check_screen "shown in prod's rows" "^ +prod +made in prod " 10
keys q
ui_exited

# --- a workspace patrol's config marks read-only refuses them ------------------------
printf '[profile staging]\nread-only = true\n' >"$T/patrol.conf"
type_line "export PATROL_CONFIG=$T/patrol.conf"
reset_all
ui_start -p prod -p staging
check_screen "two workspaces again" "tokens in 2 workspaces" 15
filter "edit me"
keys e
check_screen "e refused on staging's row" "read-only: editing a token is refused \\(profile staging is read-only in .*patrol\\.conf\\)"
keys o
check_screen "o too" "read-only: rotating a token is refused \\(profile staging"
keys c Enter
check_screen "c in staging too" "read-only: creating a token is refused \\(profile staging"
check_eq "nothing sent to either" "0 0" "$(writes_at "$A") $(writes_at "$B")"
keys q
ui_exited

finish
