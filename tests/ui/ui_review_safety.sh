#!/bin/bash
# UI end-to-end: what a reviewer found unsafe, each a class of its own.
# 1. A token revoked from the view (a rotation's old one) leaves the table
#    at once under every profile of its workspace, as a session's revoke
#    does: it never comes back under a twin profile, and is never rotated
#    again.
# 2. a (admin mode) with several workspaces asks before it discards staged
#    revocations and is refused while a revocation runs, as with one.
# 3. While the screen shows only "terminal too small", no key acts on what
#    the user cannot see (a hidden confirm, the secret dialog's question);
#    the notice fits the width it has.
# 4. The rotate confirm names the workspace when several are on show; a
#    rotation admin mode cannot do is refused before the confirm, its whole
#    reason in the messages log.
# Asserts on the screen (tmux) and on each emulator's /emulator/stats.
. "${top_srcdir:-.}/tests/e2e/lib.sh"
. "${top_srcdir:-.}/tests/ui/lib.sh"

export XDG_STATE_HOME="$T/state"
UI_ENV="XDG_STATE_HOME=$XDG_STATE_HOME"
emu_start --generate 30:3 --seed 1
A=$EMU_URL
emu_start --generate 10:2 --seed 4
C=$EMU_URL
DATABRICKS_HOST= DATABRICKS_TOKEN=
{
	cfg_profile a "$A"
	cfg_profile twin "$A"
	cfg_profile c "$C"
} | cfg_write
reset_all() { for u in "$A" "$C"; do at "$u" reset_stats; done; }
# revokes_at URL: the revokes the emulator at URL received since its reset.
revokes_at() { stats_at "$1" '[.revokes[]] | add // 0'; }
listed_at() {
	curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "$1/api/2.0/token/list" |
		jq -c --arg id "$2" '.token_infos[] | select(.token_id == $id)'
}

# === 1. a rotation's old token leaves under every profile of its workspace =======
OLD=$(at "$A" mktok '{"comment":"sec4 laptop","scopes":["sql"]}')
ui_shell 160 40
ui_start -p a -p twin
check_screen "two profiles, one workspace" "tokens in 2 workspaces" 15
filter "sec4 laptop"
check_screen "the token, once, under a" "^ +a +sec4 laptop "
check_screen_not "not under twin" "^ +twin +sec4 laptop"
reset_all
keys o
check_screen "the rotate confirm" "Rotate this token\\?"
keys Tab Enter
check_screen "the secret is shown" "Copy this token now" 15
keys w
tm send-keys -t t -l "$T/sec1"; keys Enter
check_screen "written" "written to"
keys Escape
check_screen "rotated" "rotated ${OLD:0:10}: .* the old one is revoked" 15
check_eq "the old token revoked once" 1 "$(stats_at "$A" ".revokes[\"$OLD\"] // 0")"
check_screen "a's fresh list: the replacement" "^ +a +sec4 laptop \\(rotated from ${OLD:0:10}\\)" 15
check_screen_not "the old row is gone under twin too" "^ +twin +sec4 laptop "
check_screen_not "and under a" "^ +a +sec4 laptop +[^ (]"
keys r
check_screen "r: both lists again" "tokens in 2 workspaces" 15
check_screen_not "the old row stays gone" "sec4 laptop +[^(]"
keys o
check_screen "o now asks about the replacement only" "Rotate this token\\?"
check_screen_not "never the old token" "Token ${OLD:0:10}"
keys Escape
check_gone "Esc: no rotation" "Rotate this token"
check_eq "one replacement created in all" 1 "$(stats_at "$A" .creates)"
# d x, the other single-token revoke: the same, under both profiles
NEW=$(file_id "$T/sec1")
keys d x
check_screen "x: the plan names a" "In 1 workspace: a 1\\."
keys Tab Enter
check_screen "revoked" "revoked 1 token" 15
check_eq "the replacement revoked once" 1 "$(stats_at "$A" ".revokes[\"$NEW\"] // 0")"
check_screen_not "its row gone under both" "^ +(a|twin) +sec4 laptop"
keys r
check_screen "r: both lists again" "tokens in 2 workspaces" 15
check_screen_not "still gone" "^ +(a|twin) +sec4 laptop"
keys q
check_screen "quit" "EXIT="

# === 2. a with several workspaces: the staged and running checks of one =========
STAGE=$(at "$C" mktok '{"comment":"stage me","scopes":["sql"]}')
ui_start -p a -p c
check_screen "a and c" "tokens in 2 workspaces" 15
filter "stage me"
check_screen "c's token" "^ +c +stage me "
keys d
check_screen "d: staged" "tagged 0 +staged 1"
reset_all
keys a
check_screen "a asks before discarding the staged revocation" "Switch to admin mode\\?"
check_screen "and says what goes" "1 staged revocation will be discarded"
keys Enter
check_screen "Cancel (the focus): still own tokens" "cancelled: still your own tokens, the staged revocations kept"
check_screen "the staged row kept" "tagged 0 +staged 1"
check_eq "no token-management list asked for" "0 0" "$(tm_lists_at "$A") $(tm_lists_at "$C")"
keys :; tm send-keys -t t -l "profile a"; keys Enter
check_screen ":profile with one staged: refused" "unstage or finish the revocations first"
check_screen "still both, the staged row kept" "a,c .*|tagged 0 +staged 1"
check_screen "the staged row kept" "tagged 0 +staged 1"
keys a
check_screen "asked again" "Switch to admin mode\\?"
keys Tab Enter
check_screen "OK: admin mode" "a,c ADMIN" 15
check_screen "the lists came" "tokens in 2 workspaces" 15
check_screen "the staged revocation discarded, as said" "tagged 0 +staged 0"
keys a
check_gone "a: own tokens again (nothing staged: no question)" "a,c ADMIN" 15
check_screen "the lists came" "tokens in 2 workspaces" 15
keys d
check_screen "d: staged again" "tagged 0 +staged 1"
at "$C" hold /api/2.0/token/delete
keys x
check_screen "x: the plan" "In 1 workspace: c 1\\."
keys Tab Enter
await at_least 1 at "$C" count "POST /api/2.0/token/delete"
check_eq "the revoke reached c and is held (the premise)" 1 "$(at "$C" count "POST /api/2.0/token/delete")"
keys a
check_screen "a while it runs: refused" "a revocation is running: switch when it is done"
at "$C" release
check_screen "the session's end is said" "revoked 1 token" 15
check_eq "revoked once" 1 "$(stats_at "$C" ".revokes[\"$STAGE\"] // 0")"
check_eq "and admin mode never switched while it ran" "1 1" "$(tm_lists_at "$A") $(tm_lists_at "$C")"
keys a
check_screen "a with nothing staged: switches at once" "a,c ADMIN" 15
check_screen_not "without a question" "Switch to admin mode"
keys a
check_gone "a again: back to own tokens" "a,c ADMIN" 15
keys q
check_screen "quit" "EXIT="

# === 3. too small: no key acts on what the screen does not show ================
SMALL=$(at "$A" mktok '{"comment":"small me","scopes":["sql"]}')
ui_start -p a
check_screen "a alone" "^patrol .*│ a" 15
filter "small me"
check_screen "the token" "small me "
reset_all
keys d x
check_screen "x: the revoke confirm" "Revoke 1 token\\?"
tm resize-window -t t -x 20 -y 6
check_screen "20x6: the notice, whole" "^too small *\$"
check_screen_not "never cut" "~"
keys Right Enter Tab Enter Space y
tm resize-window -t t -x 160 -y 40
check_screen "large again: the confirm is still open" "Revoke 1 token\\?"
check_eq "the keys typed while it was hidden revoked nothing" 0 "$(revokes_at "$A")"
keys Escape
check_gone "Esc: closed" "Revoke 1 token\\?"
keys u
check_screen "unstaged" "tagged 0 +staged 0"
# the secret dialog's hidden question: Enter asks it, d would discard
keys o
check_screen "the rotate confirm" "Rotate this token\\?"
keys Tab Enter
check_screen "the secret is shown" "Copy this token now" 15
tm resize-window -t t -x 30 -y 8
check_screen "30x8: a shorter notice, whole" "^too small, need 40x10 *\$"
keys Enter d Escape d
tm resize-window -t t -x 160 -y 40
check_screen "large again: the secret still shown" "Copy this token now"
check_screen_not "and not asking" "Discard the secret"
check_eq "the new token not revoked, the old one neither" 0 "$(revokes_at "$A")"
keys w
tm send-keys -t t -l "$T/sec3"; keys Enter
check_screen "written" "written to"
keys Escape
check_screen "rotated: the old one revoked once" "rotated ${SMALL:0:10}: .* the old one is revoked" 15
check_eq "one revoke in all" 1 "$(revokes_at "$A")"
check_eq "of the old token" 1 "$(stats_at "$A" ".revokes[\"$SMALL\"] // 0")"
# : opens no hidden prompt; q quits (nothing would be lost)
tm resize-window -t t -x 20 -y 6
check_screen "small again" "^too small *\$"
keys : q
ui_exited
check_eq "q quits while small" 0 "$UI_RC"
tm resize-window -t t -x 160 -y 40

# === 4. the rotate confirm names the workspace; a user's token in admin mode ====
ui_start -p a -p c
check_screen "a and c" "tokens in 2 workspaces" 15
filter "workspace:c"
check_screen "c's rows" "^ +c +"
keys o
check_screen "the confirm" "Rotate this token\\?"
check_screen "it names the workspace, profile and host" "In workspace c \\($C\\)\\."
keys Escape
check_gone "Esc: closed" "Rotate this token"
filter "workspace:a"
keys o
check_screen "a's row: a's name" "In workspace a \\($A\\)\\."
keys Escape
check_gone "Esc: closed" "Rotate this token"
keys a
check_screen "admin mode in both" "a,c ADMIN" 15
check_screen "the lists came" "tokens in 2 workspaces" 15
reset_all
filter "owner:user01@example.com workspace:a"
check_screen "a user's token" "^ +a .*user01@example\\.com"
keys o
check_screen "refused before the confirm, the reason whole" \
	"cannot rotate [0-9a-f]{10}: it is user user01@example\\.com's; only they can rotate it"
check_screen_not "no confirm" "Rotate this token"
check_eq "nothing created, nothing revoked" "0 0" "$(stats_at "$A" .creates) $(revokes_at "$A")"
check_eq "only looked up" 0 "$(writes_at "$A")"
keys q
check_screen "quit" "EXIT="

finish
