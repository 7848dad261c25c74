#!/bin/bash
# UI end-to-end: the :permissions view. Who may use tokens, one line per
# principal and level, inherited or not, and in admin mode the active
# tokens of each user and service principal; read when the view opens (one
# GET, nothing written); Esc goes back; a non-admin is told why it cannot
# be read.
. "${top_srcdir:-.}/tests/e2e/lib.sh"
. "${top_srcdir:-.}/tests/ui/lib.sh"

BOB=dapi11111111111111111111111111111111
SP=6f1c3a3e-0000-4000-8000-00000000abcd
emu_start --user bob@example.com=$BOB --service-principal $SP --group data-eng=bob@example.com
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
keys Escape
check_screen "Esc goes back to the table" "patrol emulator admin token"
check_screen_not "  the view is gone" "TOKEN PERMISSIONS"
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
