#!/bin/bash
# UI end-to-end: the words of the UI say what is so (a review's findings).
# 1. the tokens patrol uses in two workspaces are counted and named, in
#    the confirm and in their own dialog; with one workspace the words
#    stay singular;
# 2. the profile picker names an invalid host (its password redacted) and
#    the command line's reason for it;
# 3. a session quit during a hung revoke is offered with numbers that
#    agree with its journal and with `patrol revoke --resume`, and the
#    stop dialog never says "at least 0";
# 4. on a terminal without an alternate screen (vt100, linux) the exit
#    leaves a clean screen, the shell on a fresh line, as xterm does;
# 5. a twin profile's own credential (another profile of the same
#    workspace) is the token patrol uses too, and asks on its own.
# Asserts on the screen (tmux), on each emulator's /emulator/stats and on
# the journal.
. "${top_srcdir:-.}/tests/e2e/lib.sh"
. "${top_srcdir:-.}/tests/ui/lib.sh"

export XDG_STATE_HOME="$T/state"
UI_ENV="XDG_STATE_HOME=$XDG_STATE_HOME"
SELF_ID=$(tok_id "$ADMIN_TOKEN")

emu_start --generate 30:3 --seed 1
A=$EMU_URL
emu_start --generate 10:2 --seed 4
C=$EMU_URL
DATABRICKS_HOST= DATABRICKS_TOKEN=
{
	cfg_profile a "$A"
	cfg_profile c "$C"
} | cfg_write

exited() {
	ui_exited 15 || { OUT=$(screen); ERR=""; not_ok "patrol exited" "no EXIT= line"; }
}

# === 1. the tokens patrol uses, in two workspaces and in one =====================
ui_shell 160 50
ui_start -p a -p c
check_screen "the merged table of a and c" "tokens in 2 workspaces" 20
filter "id:${SELF_ID:0:12}"
check_screen "the filter finds the token in use in both" "shown 2/[0-9]+ +tagged 0 +staged 0"
keys T d
check_screen "both staged" "shown 2/[0-9]+ +tagged [0-9]+ +staged 2( |$)"
keys x
check_screen "the confirm for 2" "Revoke 2 tokens\\?"
check_dialog "it counts them and names their workspaces" \
	"2 are the tokens patrol uses, in a and c \\(S\\): they ask again\\."
check_screen_not "never 'One is' for two" "One is the token patrol uses"
keys Tab Enter
check_screen "their own dialog, plural" "Revoke the tokens in use\\?"
check_dialog "it names both workspaces" "Once they are revoked, patrol can no longer reach a and c\\."
check_screen "its answers: Keep them" "\\[ Cancel \\] +\\[ Keep them \\] +\\[ Revoke all \\]"
keys Escape
check_screen "Esc: nothing revoked" "cancelled: nothing revoked"
check_eq "nothing sent to a" 0 "$(writes_at "$A")"
check_eq "nothing sent to c" 0 "$(writes_at "$C")"
# only c's: one, named
keys T u U
check_screen "unstaged" "shown 2/[0-9]+ +tagged 0 +staged 0"
filter "id:${SELF_ID:0:12} workspace:c"
check_screen "only c's token in use" "shown 1/[0-9]+ +tagged 0 +staged 0"
keys d x
check_screen "the confirm for 1" "Revoke 1 token\\?"
check_dialog "one, in c" "One is the token patrol uses in c \\(S\\): it asks again\\."
keys Tab Enter
check_screen "its own dialog, singular" "Revoke the token in use\\?"
check_dialog "it names c" "Once it is revoked, patrol can no longer reach c\\."
keys Escape
check_screen "Esc: nothing revoked" "cancelled: nothing revoked"
keys u U q
exited
# one workspace: the words of old
ui_start -p c
check_screen "c alone" "shown [0-9]+/[0-9]+ +tagged 0" 20
filter "id:${SELF_ID:0:12}"
check_screen "the token in use" "shown 1/[0-9]+ +tagged 0 +staged 0"
keys d x
check_dialog "one workspace: no workspace named" "One is the token patrol uses \\(S\\): it asks again\\."
keys Tab Enter
check_dialog "one workspace: this workspace" "Once it is revoked, patrol can no longer reach this workspace\\."
check_screen "its answers: Keep it" "\\[ Cancel \\] +\\[ Keep it \\] +\\[ Revoke all \\]"
keys Escape
check_screen "Esc: nothing revoked" "cancelled: nothing revoked"
check_eq "still nothing sent to c" 0 "$(writes_at "$C")"
keys u q
exited

# === 2. the picker names an invalid host and why, the password redacted ==========
{
	cfg_profile a "$A"
	cfg_profile c "$C"
	cfg_profile userinfo "http://alice:s3cretpw@${A#http://}"
	cfg_profile withpath "$A/some/path"
	cfg_profile withquery "$A?o=1"
	printf '[nohost]\ntoken = %s\n\n' "$ADMIN_TOKEN"
} | cfg_write
run -p userinfo list
check_match "the command line's reason: a user name" "host must not contain a user name \\(user@host\\)" "$ERR"
ui_start -p a
check_screen "a alone" "shown [0-9]+/[0-9]+ +tagged 0" 20
keys P
check_screen "the profile list" "PROFILES in"
check_screen "a user name: the host shown, its password redacted, and why" \
	"^- userinfo +http://alice:<redacted>@${A#http://} +\\(has an invalid host: host must not contain a user name \\(user@host\\)\\)"
check_screen_not "the password never shown" "s3cretpw"
check_screen "a path: the host shown and why" \
	"^- withpath +$A/some/path +\\(has an invalid host: host must not have a path \\('/some/path'\\)"
check_screen "a query: the host shown and why" \
	"^- withquery +$A\\?o=1 +\\(has an invalid host: host must not have a query"
check_screen "no host at all: as before" "^- nohost +\\(no host\\) +\\(has no workspace host\\)"
check_screen_not "'(no host)' only for the one without a host" "^- (userinfo|withpath|withquery) +\\(no host\\)"
keys g
for i in 1 2; do keys j; done
check_screen "the cursor on userinfo" "^- userinfo "
keys Space
check_screen "Space on it says the same reason" \
	"profile 'userinfo' cannot be picked: it has an invalid host: host must not contain a user name"
check_screen_not "still no password" "s3cretpw"
keys Escape q
exited
run --all-profiles list
check_match "--all-profiles: the same reason for the path" \
	"skipped profile 'withpath': it has an invalid host: host must not have a path" "$ERR"
check_match "--all-profiles: the user name" \
	"skipped profile 'userinfo': it has an invalid host: host must not contain a user name" "$ERR"
check_nomatch "--all-profiles: no password" "s3cretpw" "$OUT$ERR"

# === 3. a session quit during a hung revoke: numbers that agree ===================
# deletes_c: the revokes (own tokens) C received, counted on arrival
deletes_c() { stats_at "$C" '.requests["POST /api/2.0/token/delete"] // 0'; }
deletes_c_is() { [ "$(deletes_c)" = "$1" ]; }
# hung_session TAG: stage C's two tokens commented TAG, confirm, and quit
# while C holds the first revoke: one revoked, one sent and never answered
hung_session() {
	at "$C" mk "$1" 2 "$T/$1"
	at "$C" reset_stats
	at "$C" hold token/delete
	rm -rf "$XDG_STATE_HOME"
	ui_forget
	ui_start -p c
	check_screen "$1: c alone" "shown [0-9]+/[0-9]+ +tagged 0" 20
	filter "comment:$1"
	check_screen "$1: its two tokens" "shown 2/[0-9]+ +tagged 0 +staged 0"
	keys T d x
	check_screen "$1: the confirm for 2" "Revoke 2 tokens\\?"
	keys Tab Enter
	await deletes_c_is 2
	check_eq "$1: both revokes sent, one of them held" 2 "$(deletes_c)"
	check_screen "$1: one answered" "revoking .*1 done 0 failed 1 left"
	keys q
	check_screen "$1: the stop dialog" "Stop the revocation\\?"
	check_dialog "$1: nothing unsent: 'any not sent yet', never 'at least 0'" \
		"The revokes already sent \\(at most 1\\) finish; any not sent yet stay staged and tagged\\."
	check_screen_not "$1: never 'at least 0'" "at least 0"
	keys Tab Enter
	check_screen "$1: stopping" "stopping"
	keys q
	check_screen "$1: quit asks" "1 revocation is in progress"
	keys Tab Enter
	exited
	J=$(ls "$XDG_STATE_HOME"/patrol/*.jsonl)
	check_eq "$1: the journal: one revoked, one unknown (cancelled)" "revoked:ok unknown:cancelled" \
		"$(jq -r 'select(.type == "result") | "\(.result):\(.status)"' "$J" | sort | tr '\n' ' ' | sed 's/ $//')"
	check_eq "$1: no end record: unfinished" 0 "$(jq -c 'select(.type == "end")' "$J" | wc -l | tr -d ' ')"
}

# a. the held revoke went through after patrol left: the resume settles it as gone
hung_session hungA
at "$C" release
at "$C" quiesce
check_eq "a: the held revoke went through after all" 2 "$(stats_at "$C" '.revokes | length')"
cp -r "$XDG_STATE_HOME" "$T/cli-state"
ui_start -p c
check_screen "a: the offer" "Unfinished revocation session" 20
check_dialog "a: 1 of 2 left, sent but never answered" "1 of 2 tokens left: 1 sent but never answered\\."
check_dialog "a: a fresh list decides it" "A fresh list decides each"
check_screen_not "a: never '0 of 2'" "0 of 2 tokens left"
keys Tab Enter
check_screen "a: OK: the resume's numbers, and what it came to" \
	"session [0-9TZ-]+: 2 planned, 2 done before, 0 left: closed now \\(1 revoked, 1 already gone\\)"
check_screen_not "a: never 'nothing left' for a session that had one to settle" "had nothing left"
check_eq "a: nothing sent again" 2 "$(deletes_c)"
keys R
check_screen "a: R: the one never answered settled as gone" "already gone .*reconciled on resume: no longer in the list"
keys Escape q
exited
J=$(ls "$XDG_STATE_HOME"/patrol/*.jsonl)
check_eq "a: the journal settles it as already gone, and ends" "already gone:done" \
	"$(jq -r 'select(.type == "result" and .result == "already gone") | .result' "$J"):$(jq -r 'select(.type == "end") | .reason' "$J")"
XDG_STATE_HOME="$T/cli-state" run -p c revoke --resume
check_match "a: revoke --resume on the same journal says the same numbers" \
	"Resuming session [0-9TZ-]+: 2 planned, 2 done before, 0 left" "$ERR"
check_eq "a: revoke --resume sent nothing either" 2 "$(deletes_c)"

# b. the held revoke never went through: the resume sends it again, once
hung_session hungB
T1=$(sed -n 1p "$T/hungB") T2=$(sed -n 2p "$T/hungB")
check_eq "b: one of the two revoked, the held one not yet" 1 \
	"$(stats_at "$C" "[.revokes[\"$T1\"], .revokes[\"$T2\"]] | map(select(. != null)) | length")"
ui_start -p c
check_screen "b: the offer" "Unfinished revocation session" 20
check_dialog "b: 1 of 2 left, sent but never answered" "1 of 2 tokens left: 1 sent but never answered\\."
keys Tab Enter
check_screen "b: the confirm for the one still listed" "Revoke 1 token\\?"
check_screen "b: the resume's numbers" "session [0-9TZ-]+: 2 planned, 1 done before, 1 left"
keys Tab Enter
check_screen "b: this run revoked 1; the other was done before" \
	"revoked 1 token, 1 done before the resume \\(R: results\\)" 20
check_eq "b: sent once more, and only that one" 3 "$(deletes_c)"
check_eq "b: both are revoked now" 2 \
	"$(stats_at "$C" "[.revokes[\"$T1\"], .revokes[\"$T2\"]] | map(select(. != null)) | length")"
keys q
exited
at "$C" release

# === 4. no alternate screen (vt100, linux): the exit leaves a clean screen =========
{
	cfg_profile a "$A"
	cfg_profile c "$C"
} | cfg_write
for term in vt100 linux screen-256color; do
	UI_TERM=$term ui_shell 120 30
	ui_start -p c --ascii
	check_screen "$term: drawn" "shown [0-9]+/[0-9]+ +tagged 0" 20
	keys q
	exited
	check_eq "$term: exit 0" 0 "$UI_RC"
	check_eq "$term: the shell's line after patrol is its own" "EXIT=0" "$(screen | grep 'EXIT=' | sed 's/ *$//')"
	check_screen_not "$term: nothing of the view is left under the prompt" "shown [0-9]+/|tagged|quota|COMMENT"
done

# === 5. a twin profile's credential is the token patrol uses too ===================
# ci names c's workspace with a token of its own; its rows show under c (the
# first profile), and staging its token asks about it as about c's own.
CI_SECRET=$(DATABRICKS_HOST=$C DATABRICKS_TOKEN=$ADMIN_TOKEN "$PATROL" create --comment ci-cred)
CI_ID=$(tok_id "$CI_SECRET")
{
	cfg_profile c "$C"
	cfg_profile ci "$C" "token=$CI_SECRET"
} | cfg_write
C_WRITES=$(writes_at "$C")
ui_shell 160 50
ui_start -p c -p ci
check_screen "c and its twin ci" "shown [0-9]+/[0-9]+ +tagged 0" 20
filter "id:${CI_ID:0:12}"
check_screen "ci's token, shown once" "shown 1/[0-9]+ +tagged 0 +staged 0"
keys d x
check_screen "the confirm" "Revoke 1 token\\?"
check_dialog "ci's token is the token patrol uses too" "One is the token patrol uses"
keys Tab Enter
check_screen "its own dialog" "Revoke the token in use\\?"
keys Escape
check_screen "Esc: nothing revoked" "cancelled: nothing revoked"
check_eq "nothing sent to c" "$C_WRITES" "$(writes_at "$C")"
keys u U
check_screen "unstaged" "staged 0( |$)"
keys o
check_screen "rotating ci's token asks" "Rotate this token\\?"
check_dialog "and says patrol signs in with it" "not this one: patrol signs in with it"
keys Escape
check_gone "Esc closes it" "Rotate this token\\?"
# c's own token, ci's and one more: "Keep them" keeps both credentials
OTHER=$(DATABRICKS_HOST=$C DATABRICKS_TOKEN=$ADMIN_TOKEN "$PATROL" create --comment plain-one)
OTHER_ID=$(tok_id "$OTHER")
keys r
for id in "$SELF_ID" "$CI_ID" "$OTHER_ID"; do
	filter "id:${id:0:12}"
	check_screen "staging ${id:0:6}" "shown 1/[0-9]+"
	keys d
done
filter ""
check_screen "three staged" "staged 3( |$)"
keys x
check_dialog "the confirm counts both credentials" "2 are the tokens patrol uses"
keys Tab Enter
check_screen "their own dialog" "\\[ Keep them \\]"
keys Tab Enter
check_screen "Keep them: the other one is revoked" "revoked 1 token" 20
check_eq "c's own credential kept" 0 "$(stats_at "$C" ".revokes[\"$SELF_ID\"] // 0")"
check_eq "ci's credential kept" 0 "$(stats_at "$C" ".revokes[\"$CI_ID\"] // 0")"
check_eq "the plain one revoked once" 1 "$(stats_at "$C" ".revokes[\"$OTHER_ID\"] // 0")"
keys T u U
check_screen "nothing staged" "staged 0( |$)"
keys q
exited

finish
