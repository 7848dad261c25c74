#!/bin/bash
# UI end-to-end: the profile picker (P) with several workspaces. It takes
# what --all-profiles takes: an account console and a profile without a
# host are listed but cannot be picked (the line and Space say why, Enter
# on one alone does not load it), `a` picks every workspace profile and
# nothing is sent to the account console (an HTTPS proxy, an emulator,
# records any CONNECT). A profile name of 300 characters is carried whole:
# the picker shows it on show (*) and why it failed (!). With several
# workspaces on show and admin mode off, the gauge follows the cursor from
# one workspace's rows to the other's. The other ways to a profile refuse
# the account console as the picker does, with its reason, sending nothing:
# `patrol -p acct` at start (alone or with a workspace: exit 2),
# `:profile acct` (the view on show stays), and Tab after `:profile`
# offers the workspace profiles only. Asserts on the screen and on the
# emulators' stats.
. "${top_srcdir:-.}/tests/e2e/lib.sh"
. "${top_srcdir:-.}/tests/ui/lib.sh"

emus_start 2 --generate 30:3
A=${EMU_URLS[0]} B=${EMU_URLS[1]}
emu_start
DOWN=$EMU_URL
emu_stop
emu_start
PROXY=$EMU_URL
DATABRICKS_HOST= DATABRICKS_TOKEN=
LONG=$(printf 'L%.0s' $(seq 300))

{
	cfg_profile prod "$A"
	cfg_profile staging "$B"
	cfg_profile "$LONG" "$DOWN"
	printf '[nohost]\ntoken = %s\n\n' "$ADMIN_TOKEN"
	cfg_profile acct https://accounts.cloud.databricks.com \
		account_id=00000000-0000-0000-0000-000000000000 client_id=x client_secret=y
} | cfg_write
UI_ENV="HTTPS_PROXY=$PROXY"

MA=$(mine_at "$A") MB=$(mine_at "$B")
[ "$MA" != "$MB" ] || { echo "the two workspaces should differ: $MA $MB"; exit 99; }

ui_shell 160 40
ui_forget
ui_start -p prod
check_screen "one workspace: its own tokens" "shown $MA/$MA " 15

# --- P: what cannot be picked says why ----------------------------------------
keys P
check_screen "the profile list" "PROFILES in"
check_screen "the account console: listed, not pickable, the note of --all-profiles" \
	"^- acct +https://accounts\\.cloud\\.databricks\\.com +\\(is an account console, not a workspace\\)"
check_screen "the profile without a host: likewise" "^- nohost +\\(no host\\) +\\(has no workspace host\\)"
check_screen "the title says what - means" "- not a workspace"
keys G Space
check_screen "Space on the account console says why" \
	"profile 'acct' cannot be picked: https://accounts\\.cloud\\.databricks\\.com is an account console, not a workspace"
check_screen "and it stays unpicked" "^- acct "
keys k Space
check_screen "Space on the host-less one says why" "profile 'nohost' cannot be picked: it has no workspace host"
keys Enter
check_screen "Enter on it alone does not switch to it" "'nohost' cannot be picked"
check_screen "still the profile list" "PROFILES in"

# --- a: every workspace profile, not the others ---------------------------------
keys a
check_screen "a: the three workspace profiles" "3 profiles picked: Enter shows them together"
check_screen "prod picked" "^\\+ prod "
check_screen "staging picked" "^\\+ staging "
check_screen "the long one picked" "^\\+ LLLLLLLLLL"
check_screen_not "not the account console" "^\\+ acct"
check_screen_not "not the host-less one" "^\\+ nohost"
keys a
check_screen "a again: none picked" "0 profiles picked"
check_screen "prod unpicked (on show)" "^\\* prod "
keys a Enter
check_screen "Enter: the three together" "$((MA + MB)) tokens in 3 workspaces; some failed" 15
check_screen "the header names the three" "prod,staging,LLLL"
check_screen_not "not the account console" "prod,staging,L+,acct"
check_eq "nothing sent towards the account console" 0 "$(connects_at "$PROXY")"

# --- the long name, whole ------------------------------------------------------
keys P
check_screen "P: the long one is on show and says why it failed" \
	"^\\* LLLL.*  ! cannot list tokens: network error"
check_screen "P: prod on show" "^\\* prod "
keys G Enter
check_screen "Enter on the account console alone: refused" "profile 'acct' cannot be picked"
keys Escape
check_screen "Esc: the three still on show" "$((MA + MB))/$((MA + MB)) "
check_eq "still nothing sent towards the account console" 0 "$(connects_at "$PROXY")"
keys q
ui_exited && check_eq "q quits" 0 "$UI_RC"

# --- the gauge follows the cursor across workspaces (admin mode off) ----------
# sorted by workspace: prod's rows, then staging's; the cursor walks over
# the boundary with j and back with k, one row at a time
ui_start -p prod -p staging
check_screen "both workspaces" "shown $((MA + MB))/$((MA + MB)) " 15
keys :; tm send-keys -t t -l "sort workspace"; keys Enter
check_screen "sorted by workspace" "WORKSPACE▲"
keys g
check_screen "the first row is prod's, so is the gauge" "^prod \\[.*\\] $MA/600"
for i in $(seq "$MA"); do keys j; done
check_screen "j into staging's rows: the gauge counts staging's tokens" "^staging \\[.*\\] $MB/600"
keys k
check_screen "k back into prod's: prod's again" "^prod \\[.*\\] $MA/600"
keys G
check_screen "G: the last row, staging's" "^staging \\[.*\\] $MB/600"
keys g
check_screen "g: the first, prod's" "^prod \\[.*\\] $MA/600"
keys q
ui_exited && check_eq "q quits" 0 "$UI_RC"

# --- the other ways to a profile refuse the account console too ----------------
# (the profile's configuration refuses it, in the command line's words)
WHY="https://accounts\\.cloud\\.databricks\\.com \\(.*\\[acct\\]\\) is an account console, not a workspace"
ui_start -p acct
ui_exited || UI_RC="(still running)"
check_eq "patrol -p acct: refused at start" 2 "$UI_RC"
check_screen "in the command line's words, naming the profile" "^patrol: $WHY"
ui_start -p prod -p acct
ui_exited || UI_RC="(still running)"
check_eq "patrol -p prod -p acct: refused at start" 2 "$UI_RC"
check_screen "it names the account console" "^patrol: $WHY"
check_eq "nothing sent towards the account console at start" 0 "$(connects_at "$PROXY")"

at "$A" reset_stats
ui_start -p prod
check_screen "prod's tokens" "shown $MA/$MA " 15
check_eq "prod listed once" 1 "$(lists_at "$A")"
keys :; tm send-keys -t t -l "profile acct"; keys Enter
check_screen ":profile acct: refused with the same reason" "$WHY"
check_screen "prod's table still on show" "shown $MA/$MA "
check_screen "the header still names prod" "^patrol │ prod │ $A │"
keys j
check_screen "and it still answers keys" "shown $MA/$MA "
check_eq ":profile acct sent nothing towards the account console" 0 "$(connects_at "$PROXY")"
check_eq "prod was not listed again" 1 "$(lists_at "$A")"

# Tab after :profile: the workspace profiles, never the account console
keys :; tm send-keys -t t -l "profile "; keys Tab
check_screen "Tab: the workspace profiles" "prod staging"
check_screen_not "not the account console" "^:profile .*acct"
keys C-u; tm send-keys -t t -l "profile ac"; keys Tab
check_screen "Tab on 'ac': nothing to complete" "\\(nothing to complete\\)"
keys C-u; tm send-keys -t t -l "profile st"; keys Tab
check_screen "Tab on 'st': staging" "^:profile staging "
keys Enter
check_screen "Enter: staging's tokens" "shown $MB/$MB " 15
check_eq "still nothing towards the account console" 0 "$(connects_at "$PROXY")"
keys q
ui_exited && check_eq "q quits" 0 "$UI_RC"

finish
