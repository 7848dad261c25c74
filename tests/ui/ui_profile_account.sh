#!/bin/bash
# UI end-to-end: every way the view takes a profile refuses one that names
# no workspace (an account console), as the profile list (P) and
# --all-profiles do, with the same reason, and sends nothing there: an
# HTTPS proxy (an emulator) records any CONNECT towards the account
# console. The ways: `patrol -p acct` at start (alone, or with a workspace
# profile), `:profile acct` (the view on show stays), Enter in the profile
# list (tests/ui/ui_estate_picker.sh), and Tab after `:profile`, which
# offers the workspace profiles only. Asserts on the screen, on exit codes
# and output, and on the proxy's and the workspace's stats.
. "${top_srcdir:-.}/tests/e2e/lib.sh"
. "${top_srcdir:-.}/tests/ui/lib.sh"

emus_start 2 --generate 20:2
A=${EMU_URLS[0]} B=${EMU_URLS[1]}
emu_start
PROXY=$EMU_URL
DATABRICKS_HOST= DATABRICKS_TOKEN=

cat >"$HOME/.databrickscfg" <<EOF2
[prod]
host = $A
token = $ADMIN_TOKEN

[acct]
host = https://accounts.cloud.databricks.com
account_id = 00000000-0000-0000-0000-000000000000
client_id = x
client_secret = y

[staging]
host = $B
token = $ADMIN_TOKEN

[accdod]
host = https://accounts-dod.cloud.databricks.us
token = $ADMIN_TOKEN
EOF2
chmod 600 "$HOME/.databrickscfg"
export HTTPS_PROXY=$PROXY
UI_ENV="HTTPS_PROXY=$PROXY"
connects() { stats_at "$PROXY" '[.requests | to_entries[] | select(.key | startswith("CONNECT ")) | .value] | add // 0'; }
WHY="profile 'acct' cannot be picked: https://accounts\\.cloud\\.databricks\\.com is an account console, not a workspace"

mine_at() { curl -s "$1/emulator/stats" | jq '.active_tokens["admin@example.com"]'; }
MA=$(mine_at "$A") MB=$(mine_at "$B")
[ "$MA" != "$MB" ] || { echo "the two workspaces should differ: $MA $MB"; exit 99; }

ui_shell 160 40
ui_forget

# --- at start: -p acct, alone or with a workspace ----------------------------
ui_start -p acct
ui_exited || UI_RC="(still running)"
check_eq "patrol -p acct: refused at start" 2 "$UI_RC"
check_screen "with the reason the profile list gives" "^patrol: $WHY"
ui_start -p prod -p acct
ui_exited || UI_RC="(still running)"
check_eq "patrol -p prod -p acct: refused at start" 2 "$UI_RC"
check_screen "it names the account console" "^patrol: $WHY"
ui_start -p accdod
ui_exited || UI_RC="(still running)"
check_eq "patrol -p accdod (accounts-dod.): refused at start" 2 "$UI_RC"
check_screen "it says why" "^patrol: profile 'accdod' cannot be picked: https://accounts-dod\\.cloud\\.databricks\\.us is an account console"
check_eq "nothing sent towards the account consoles" 0 "$(connects)"

# --- :profile acct: refused, the view on show stays --------------------------
ui_start -p prod
check_screen "prod's tokens" "shown $MA/$MA " 15
LISTS=$(stats_at "$A" '.requests["GET /api/2.0/token/list"] // 0')
check_eq "prod listed once" 1 "$LISTS"
keys :; tm send-keys -t t -l "profile acct"; keys Enter
check_screen ":profile acct: refused with the same reason" "$WHY"
check_screen "prod's table still on show" "shown $MA/$MA "
check_screen "the header still names prod" "^patrol │ prod │ $A │"
check_eq ":profile acct sent nothing towards the account console" 0 "$(connects)"
keys j
check_screen "and it still answers keys (prod's rows)" "shown $MA/$MA "
keys :; tm send-keys -t t -l "profile accdod"; keys Enter
check_screen ":profile accdod: refused too" "profile 'accdod' cannot be picked: https://accounts-dod"
check_eq "nothing sent towards it" 0 "$(connects)"
check_eq "prod was not listed again" "$LISTS" "$(stats_at "$A" '.requests["GET /api/2.0/token/list"] // 0')"

# --- Tab after :profile: the workspace profiles, never an account console -----
keys :; tm send-keys -t t -l "profile "; keys Tab
check_screen "Tab: the workspace profiles" "prod staging"
check_screen_not "not the account consoles" "^:profile .*acc"
keys C-u; tm send-keys -t t -l "profile ac"; keys Tab
check_screen "Tab on 'ac': nothing to complete" "\\(nothing to complete\\)"
keys C-u; tm send-keys -t t -l "profile st"; keys Tab
check_screen "Tab on 'st': staging" "^:profile staging "
keys Enter
check_screen "Enter: staging's tokens" "shown $MB/$MB " 15
check_eq "still nothing towards the account consoles" 0 "$(connects)"

# --- P, Enter on the account console: the same, the view stays ---------------
keys P
check_screen "the profile list" "PROFILES in"
keys g j Enter
check_screen "Enter on acct: the same reason" "$WHY"
keys Escape
check_screen "Esc: staging's table, as it was" "shown $MB/$MB "
check_eq "nothing sent towards the account console, all along" 0 "$(connects)"
keys q
ui_exited && check_eq "q quits" 0 "$UI_RC"

finish
