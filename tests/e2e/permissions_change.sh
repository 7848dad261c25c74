#!/bin/bash
# End-to-end: patrol permissions grant and remove. A grant is one PATCH
# (none when nothing would change, or in a dry run). Removing a user's or
# service principal's direct permission deletes all of its tokens on the
# server, so it runs as a bulk revocation: the plan lists exactly those
# tokens, the count is typed on a terminal (or --yes), the re-plan asks
# again for a token made since, the PUT keeps every other direct entry, the
# change is journaled (kind "permissions", never resumed as a revocation)
# and the list is read again to report what vanished. A group removal says
# what its members lose. /emulator/stats is the witness.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

BOB=dapi11111111111111111111111111111111
SP=6f1c3a3e-0000-4000-8000-00000000abcd
export XDG_STATE_HOME="$T/state"
emu_start --user bob@example.com=$BOB --user carol@example.com=dapi22222222222222222222222222222222 \
	--service-principal $SP --group data-eng=carol@example.com
P="$EMU_URL/api/2.0/permissions/authorization/tokens"
acl() { curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "$P" | jq -r '[.access_control_list[] | select(.all_permissions[0].inherited | not) | "\(.user_name // .group_name // .service_principal_name)=\(.all_permissions[0].permission_level)"] | sort | join(" ")'; }
put() { count 'PUT /api/2.0/permissions/authorization/tokens'; }
patch() { count 'PATCH /api/2.0/permissions/authorization/tokens'; }

# --- grant ------------------------------------------------------------------------
reset_stats
run permissions grant bob@example.com
check_rc "grant a user (a name with @)" 0
check_eq "  says so" "granted CAN_USE to user bob@example.com." "$OUT"
check_eq "  one PATCH" 1 "$(patch)"
check_eq "  the server holds it" "bob@example.com=CAN_USE users=CAN_USE" "$(acl)"
run permissions grant bob@example.com
check_eq "granting again changes nothing" "user bob@example.com already holds CAN_USE: nothing changed." "$OUT"
run permissions grant data-eng
check_rc "a bare name is a group" 0
run permissions grant "sp:$SP" --dry-run
check_match "--dry-run: what it would do" "^dry run: would grant CAN_USE to service principal $SP \(now: none\); nothing sent\.\$" "$OUT"
check_eq "  two PATCHes in all (bob, data-eng)" 2 "$(patch)"
run permissions grant "$SP"
check_eq "an application id is a service principal" "granted CAN_USE to service principal $SP." "$OUT"
run permissions grant carol@example.com --level CAN_MANAGE
check_rc "CAN_MANAGE for a non-admin: the server refuses" 1
check_match "  and patrol says why" "grant token permissions: .*Only admins can be given CAN_MANAGE" "$ERR"
run --read-only permissions grant carol@example.com
check_rc "--read-only refuses a grant" 2
check_eq "  nothing more was sent" 4 "$(patch)"
check_eq "the list now" "$SP=CAN_USE bob@example.com=CAN_USE data-eng=CAN_USE users=CAN_USE" "$(acl)"

# --- remove a user: the plan, the confirmation ----------------------------------------
B1=$(tok_id "$BOB")
B2=$(mktok '{"user":"bob@example.com","comment":"bob nightly"}')
B3=$(mktok '{"user":"bob@example.com","comment":"bob adhoc"}')
C1=$(mktok '{"user":"carol@example.com","comment":"carol"}')
reset_stats
run permissions remove bob@example.com --dry-run
check_rc "--dry-run" 0
check_match "the plan names the count" "deletes all 3 tokens at once, for good:" "$OUT"
for id in "$B1" "$B2" "$B3"; do
	check_match "  and lists ${id:0:10}" "^${id:0:10} " "$OUT"
done
check_nomatch "  not carol's" "^${C1:0:10} " "$OUT"
check_eq "  nothing changed (no PUT)" 0 "$(put)"
run permissions remove bob@example.com
check_rc "no terminal and no --yes: refused" 2
check_match "  says how" "run it on a terminal or pass --yes" "$ERR"
check_eq "  no PUT" 0 "$(put)"

tty_remove() { tty_start permissions remove "$@"; }
tty_remove bob@example.com
tty_wait 'type the number of tokens the server will delete \(3\)'
check_eq "on a terminal the count is asked for" 0 $?
echo 2 >&7
wait "$TTY_PID"; RC=$?; exec 7>&-
check_eq "a wrong count is not a yes (exit 1)" 1 "$RC"
check_eq "  no PUT" 0 "$(put)"

# the re-plan: a token of bob's made between the plan and the apply
tty_remove bob@example.com
tty_wait 'type the number of tokens the server will delete \(3\)'
B4=$(mktok '{"user":"bob@example.com","comment":"made meanwhile"}')
echo 3 >&7
tty_wait 'type the number of tokens the server will delete \(4\)'
check_eq "a token made since the plan: asked again, with the new count" 0 $?
check_match "  and says what changed" "0 of its tokens no longer exist, 1 are new" "$(tr -d '\r' <"$T/tty.out")"
echo 4 >&7
wait "$TTY_PID"; RC=$?; exec 7>&-
check_eq "removed (exit 0)" 0 "$RC"
check_match "reports what vanished" "removed user bob@example\.com from the token permissions: 4 of 4 tokens deleted by the server\." \
	"$(tr -d '\r' <"$T/tty.out")"
check_eq "one PUT" 1 "$(put)"
check_eq "the server deleted exactly those four" 4 "$(stats .server.deleted_by_permissions)"
check_eq "every other direct entry kept" "$SP=CAN_USE data-eng=CAN_USE users=CAN_USE" "$(acl)"
run list --all -o json
check_eq "bob's tokens are gone, carol's stays" "0 1" \
	"$(printf '%s' "$OUT" | jq -r '"\([.[] | select(.created_by_username == "bob@example.com")] | length) \([.[] | select(.token_id == "'"$C1"'")] | length)"')"

# --- the journal ----------------------------------------------------------------------
run journal -o json
check_eq "journaled as a permissions session, its four tokens deleted" \
	"permissions remove user bob@example.com (CAN_USE) from the token permissions 4 4" \
	"$(printf '%s' "$OUT" | jq -r '.[0] | "\(.kind) \(.change) \(.planned) \(.counts.revoked)"')"
SESSION=$(printf '%s' "$OUT" | jq -r '.[0].session')
run journal "$SESSION" -o json
check_eq "  the ids are the four" "$(printf '%s\n' "$B1" "$B2" "$B3" "$B4" | sort | paste -sd' ')" \
	"$(printf '%s' "$OUT" | jq -r '[.items[].token_id] | sort | join(" ")')"
reset_stats
run revoke --resume "$SESSION"
check_rc "it is never resumed as a revocation" 2
check_match "  says why" "is a permissions session, not a revocation" "$ERR"
check_eq "  nothing was revoked" 0 "$(deletes)"

# --- a service principal, a group, and what cannot be removed ---------------------------
S1=$(mktok "{\"user\":\"$SP\",\"comment\":\"etl robot\"}")
reset_stats
run permissions remove "$SP" --yes
check_rc "a service principal, --yes" 0
check_match "  its token deleted" "1 of 1 tokens deleted by the server" "$OUT"
check_eq "  one PUT, one token deleted" "1 1" "$(put) $(stats .server.deleted_by_permissions)"
run permissions remove data-eng --yes
check_rc "a group" 0
check_eq "  deletes nothing" "1" "$(stats .server.deleted_by_permissions)"
check_eq "  gone from the list" "users=CAN_USE" "$(acl)"
run permissions remove data-eng --dry-run
check_rc "removing what is not there" 2
run permissions remove group:data-eng --yes --dry-run
check_match "  says it holds none" "group data-eng holds no token permission" "$ERR"
run permissions remove admins --yes
check_rc "an inherited permission cannot be removed" 2
check_match "  says so" "holds CAN_MANAGE only by inheritance \(from /authorization/\)" "$ERR"
run permissions remove users --dry-run
check_match "a group's plan says what its members lose" "its members lose the right to use tokens" "$OUT"
check_eq "PUTs in all: two" 2 "$(put)"
run permissions remove a b
check_rc "one principal at a time" 2

# --- what the server did not delete is reported ----------------------------------------
# An admin keeps its tokens when its direct entry goes (emu_access.h): patrol
# says which planned tokens are still there, and the token it uses is named.
ADMIN_ID=$(tok_id "$ADMIN_TOKEN")
run permissions grant admin@example.com
check_rc "grant the admin a direct entry" 0
run permissions remove admin@example.com --dry-run
check_match "the plan names the token patrol is using" "Among them the token patrol is using \(${ADMIN_ID:0:10}\)" "$OUT"
run permissions remove admin@example.com --yes
check_rc "a planned token still there: exit 1" 1
check_match "  named" "^still there: ${ADMIN_ID:0:10}\$" "$OUT"
check_match "  counted" "0 of 1 tokens deleted by the server; the ones above are still listed" "$OUT"
run journal -o json
check_eq "  journaled as failed" "permissions 1" "$(printf '%s' "$OUT" | jq -r '.[0] | "\(.kind) \(.counts.failed)"')"

finish
