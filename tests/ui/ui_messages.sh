#!/bin/bash
# Messages that name the fix: a too-short id prefix says the minimum;
# another user's token without --all says --all; `revoke --yes` of only the
# token in use says --include-self; an empty --user result says so; a TERM
# that cannot draw the view (unset, dumb, unknown) says which and what to
# do, exits 2, and draws nothing.
. "${top_srcdir:-.}/tests/e2e/lib.sh"
. "${top_srcdir:-.}/tests/ui/lib.sh"

BOB=dapi22222222222222222222222222222222
emu_start --user bob@example.com=$BOB
SELF_ID=$(tok_id "$ADMIN_TOKEN")
BOB_ID=$(tok_id "$BOB")
export XDG_STATE_HOME="$T/state"

P3=${SELF_ID:0:3}
for args in "show $P3" "update $P3 --comment x" "revoke --yes $P3"; do
	# shellcheck disable=SC2086
	run $args
	check_match "$args: the minimum prefix" "id prefix '$P3' is too short: give at least 4 characters of the id" "$ERR"
done
run show "${BOB_ID:0:12}"
check_rc "show another user's token without --all" 1
check_match "show another user's token without --all: says --all" \
	"no token of yours with id '${BOB_ID:0:12}' \\(another user's token needs --all\\)" "$ERR"
run show --all "${BOB_ID:0:12}"
check_rc "with --all it is found" 0
run show --all ffffffffffff
check_match "--all and no such token: the workspace has none" "no token with id 'ffffffffffff' in the workspace" "$ERR"
reset_stats
run revoke --yes "$SELF_ID"
check_match "revoke --yes of only the token in use: says --include-self" \
	"nothing to revoke: the token patrol is using is kept \\(add --include-self to revoke it\\)" "$ERR"
check_eq "and nothing was sent" 0 "$(count 'POST /api/2.0/token/delete')"
run list --all --user nobody@example.com
check_rc "list --user with no tokens" 0
check_match "list --user with no tokens: says so, and where the names are" \
	"no tokens created by user 'nobody@example\\.com' \\(the name must match exactly: patrol quota --all lists the owners\\)" "$ERR"

# --- TERM ---------------------------------------------------------------------
# term_case TERM-ASSIGNMENT WHY: run the view under it in a fresh pane.
term_case() {
	ui_shell 120 12
	type_line "clear; $1 $PATROL; echo EXIT=\$?"
	check_screen "$2: exits" "EXIT=[0-9]+"
	check_screen "$2: exit 2" "EXIT=2"
	check_screen "$2: says why and what to do" "the interactive view needs a terminal it can draw on: $3"
	check_screen "$2: suggests patrol list" "use patrol list"
	if screen -e | grep -q $'\033\\[[0-9;]*m'; then
		OUT=$(screen -e | cat -v); not_ok "$2: draws nothing (no attributes on the screen)"
	else
		ok "$2: draws nothing (no attributes on the screen)"
	fi
	check_screen_not "$2: no frame" "patrol │|tagged"
}
term_case "TERM=dumb" "TERM=dumb" "TERM=dumb cannot draw it"
term_case "TERM=nosuchterm" "an unknown TERM" "no terminfo entry for TERM='nosuchterm'"
term_case "env -u TERM" "no TERM" "TERM is not set"
term_case "TERM=dumb NO_COLOR=1" "TERM=dumb, NO_COLOR" "TERM=dumb cannot draw it"
ui_shell 120 12
type_line "clear; TERM=dumb $PATROL list | head -n 1; echo EXIT=\$?"
check_screen "TERM=dumb: patrol list still works" "^ID +COMMENT"

finish
