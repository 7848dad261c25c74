#!/bin/bash
# UI end-to-end: the :permissions view. Who may use tokens, one line per
# principal and level, inherited or not, and in admin mode the active
# tokens of each user and service principal; read when the view opens (one
# GET, nothing written); Esc goes back; a non-admin is told why it cannot
# be read. c grants CAN_USE after a confirm (focus on Cancel); d removes a
# direct entry after the typed count of the tokens the server deletes, a
# re-plan, a journal, and a check of what vanished.
. "${top_srcdir:-.}/tests/e2e/lib.sh"
. "${top_srcdir:-.}/tests/ui/lib.sh"

BOB=dapi11111111111111111111111111111111
SP=6f1c3a3e-0000-4000-8000-00000000abcd
emu_start --user bob@example.com=$BOB --user carol@example.com=dapi22222222222222222222222222222222 \
	--service-principal $SP --group data-eng=bob@example.com
curl -s -o /dev/null -X PATCH -H "Authorization: Bearer $ADMIN_TOKEN" \
	"$EMU_URL/api/2.0/permissions/authorization/tokens" -d "{\"access_control_list\":[
	{\"group_name\":\"data-eng\",\"permission_level\":\"CAN_USE\"},
	{\"user_name\":\"bob@example.com\",\"permission_level\":\"CAN_USE\"},
	{\"service_principal_name\":\"$SP\",\"permission_level\":\"CAN_USE\"}]}"
for u in bob@example.com "$SP"; do
	curl -s -o /dev/null -X POST "$EMU_URL/emulator/tokens" -d "{\"user\":\"$u\",\"comment\":\"t\"}"
done

ui_shell 140 30
ui_start --all
check_screen "admin mode" "ADMIN"
reset_stats
keys :; type_line "permissions"
check_screen "the view opens" "TOKEN PERMISSIONS"
check_screen "the inherited admins line" "^admins +group +CAN_MANAGE +- +yes \(from /authorization/\)"
check_screen "a group: no tokens" "^data-eng +group +CAN_USE +- +no"
check_screen "bob: his two active tokens" "^bob@example\.com +user +CAN_USE +2 +no"
check_screen "the service principal: its one" "^$SP +service principal +CAN_USE +1 +no"
check_eq "one read of the permissions, nothing written" "1 0 0" \
	"$(count 'GET /api/2.0/permissions/authorization/tokens') $(count 'PUT /api/2.0/permissions/authorization/tokens') $(count 'PATCH /api/2.0/permissions/authorization/tokens')"
keys j j
check_screen "j moves the selection; the view stays" "TOKEN PERMISSIONS"

# c: grant, through a dialog and a confirm with the focus on Cancel
keys c
check_screen "c asks who" "Grant a token permission"
tm send-keys -t t -l "carol-team"
keys Enter
check_screen "and how it reads the name: a group" "Grant CAN_USE to group carol-team\\?"
keys Enter
check_screen "Enter on Cancel changes nothing" "cancelled: the permissions are unchanged"
check_eq "  no PATCH" 0 "$(count 'PATCH /api/2.0/permissions/authorization/tokens')"
keys c
tm send-keys -t t -l "sp:$SP"
keys Enter
check_screen "sp: says a service principal" "Grant CAN_USE to service principal"
keys Escape
check_screen "Esc cancels" "cancelled: the permissions are unchanged"
keys c
tm send-keys -t t -l "user:nobody@example.com"
keys Enter
check_screen "a user the workspace does not have" "Grant CAN_USE to user nobody@example\\.com\\?"
keys Tab Enter
check_screen "the server's refusal is said" "not granted"
keys c
tm send-keys -t t -l "user:carol@example.com"
keys Enter
check_screen "a user" "Grant CAN_USE to user carol@example\\.com\\?"
keys Tab Enter
check_screen "granted" "granted CAN_USE to user carol@example\\.com"
check_screen "and the view shows it" "^carol@example\\.com +user +CAN_USE +1 +no"
check_eq "  PATCHes sent: two (the refused one, carol)" 2 "$(count 'PATCH /api/2.0/permissions/authorization/tokens')"

# d: remove, planned and confirmed like a revocation
keys g
keys d
check_screen "an inherited line cannot be removed" "admins holds CAN_MANAGE by inheritance"
keys j j j
check_screen "bob's line selected" "bob@example\\.com +user"
keys d
check_screen "the plan says what the server deletes" "The server deletes all 2 tokens"
keys Escape
check_screen "Esc cancels" "cancelled: the permissions are unchanged"
check_eq "  no PUT" 0 "$(count 'PUT /api/2.0/permissions/authorization/tokens')"
keys d
check_screen "asked again" "The server deletes all 2 tokens"
# a token of bob's made while the question is open: the re-plan asks again
curl -s -o /dev/null -X POST "$EMU_URL/emulator/tokens" -d '{"user":"bob@example.com","comment":"made meanwhile"}'
tm send-keys -t t -l "2"
keys Enter
check_screen "the re-plan found a new token and asks for the new count" "The server deletes all 3 tokens"
check_eq "  still no PUT" 0 "$(count 'PUT /api/2.0/permissions/authorization/tokens')"
tm send-keys -t t -l "3"
keys Enter
check_screen "removed, and what vanished is said" "removed user bob@example\\.com: 3 of 3 tokens deleted by the server"
check_eq "one PUT; the server deleted three" "1 3" \
	"$(count 'PUT /api/2.0/permissions/authorization/tokens') $(stats .server.deleted_by_permissions)"
check_screen_not "bob is gone from the view" "^bob@example\\.com +user"
"$PATROL" journal -o json >"$T/journal.json" 2>/dev/null
check_eq "journaled: a permissions session, three tokens deleted" "permissions 3 3 finished" \
	"$(jq -r '.[0] | "\(.kind) \(.planned) \(.counts.revoked) \(.state)"' "$T/journal.json")"
keys Escape
check_screen "Esc goes back to the table" "patrol emulator admin token"
check_gone "  the view is gone" "TOKEN PERMISSIONS"
keys q
ui_exited 10
check_eq "quit" 0 "$UI_RC"

# a non-admin: the server refuses; the view says why
DATABRICKS_TOKEN=$BOB
ui_shell 140 30
ui_start
keys :; type_line "permissions"
check_screen "a non-admin is told why" "cannot read the token permissions: .*"
keys q q
ui_exited 10

finish
