#!/bin/bash
# End-to-end: patrol permissions, who may use tokens. Every entry of
# /api/2.0/permissions/authorization/tokens, one row per principal and
# level, inherited or not, and for users and service principals their
# active tokens as token management lists them; in every format; a
# non-admin is told plainly; two reads, nothing written.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

BOB=dapi11111111111111111111111111111111
SP=6f1c3a3e-0000-4000-8000-00000000abcd
emu_start --user bob@example.com=$BOB --user carol@example.com=dapi22222222222222222222222222222222 \
	--service-principal $SP --group data-eng=carol@example.com
AUTH="Authorization: Bearer $ADMIN_TOKEN"
P="$EMU_URL/api/2.0/permissions/authorization/tokens"
curl -s -o /dev/null -X PATCH -H "$AUTH" "$P" -d "{\"access_control_list\":[
	{\"group_name\":\"data-eng\",\"permission_level\":\"CAN_USE\"},
	{\"user_name\":\"bob@example.com\",\"permission_level\":\"CAN_USE\"},
	{\"service_principal_name\":\"$SP\",\"permission_level\":\"CAN_USE\"}]}"
for u in bob@example.com bob@example.com "$SP"; do
	curl -s -o /dev/null -X POST "$EMU_URL/emulator/tokens" -d "{\"user\":\"$u\",\"comment\":\"t\"}"
done
# an expired token of bob's is not active
curl -s -o /dev/null -X POST "$EMU_URL/emulator/tokens" -d '{"user":"bob@example.com","expiry_time":1000}'
ACTIVE=$(curl -s "$EMU_URL/emulator/stats" | jq -c '.active_tokens')

reset_stats
run permissions -o json
check_rc "permissions -o json" 0
check_eq "every entry the server lists, in its order" \
	"admins group_name CAN_MANAGE true;users group_name CAN_USE false;data-eng group_name CAN_USE false;bob@example.com user_name CAN_USE false;$SP service_principal_name CAN_USE false" \
	"$(printf '%s' "$OUT" | jq -r '[.[] | "\(.principal) \(.type) \(.permission_level) \(.inherited)"] | join(";")')"
check_eq "inherited from where" "/authorization/" \
	"$(printf '%s' "$OUT" | jq -r '.[] | select(.principal == "admins") | .inherited_from')"
check_eq "groups hold no tokens (null)" "null null null" \
	"$(printf '%s' "$OUT" | jq -r '[.[] | select(.type == "group_name") | .active_tokens] | map(tostring) | join(" ")')"
check_eq "bob's active tokens, as the emulator counts them" "$(printf '%s' "$ACTIVE" | jq '.["bob@example.com"]')" \
	"$(printf '%s' "$OUT" | jq '.[] | select(.principal == "bob@example.com") | .active_tokens')"
check_eq "  three (the PAT it signs in with, two more; not the expired one)" 3 \
	"$(printf '%s' "$OUT" | jq '.[] | select(.principal == "bob@example.com") | .active_tokens')"
check_eq "the service principal's" 1 "$(printf '%s' "$OUT" | jq --arg sp "$SP" '.[] | select(.principal == $sp) | .active_tokens')"
check_eq "display names" "bob" "$(printf '%s' "$OUT" | jq -r '.[] | select(.principal == "bob@example.com") | .display_name')"
check_eq "one permissions read and one token management list, nothing else" "1 1 2" \
	"$(count 'GET /api/2.0/permissions/authorization/tokens') $(count 'GET /api/2.0/token-management/tokens') $(stats .total)"

run permissions
check_rc "the table" 0
check_match "header" '^PRINCIPAL +TYPE +LEVEL +INHERITED +TOKENS +DISPLAY NAME$' "$(printf '%s\n' "$OUT" | head -n 1)"
check_match "the inherited admins row" '^admins +group +CAN_MANAGE +yes \(from /authorization/\) +- *$' "$OUT"
check_match "bob's row" '^bob@example\.com +user +CAN_USE +no +3 +bob$' "$OUT"
check_match "the service principal's row" "^$SP +service principal +CAN_USE +no +1 " "$OUT"

run permissions -o csv
check_eq "CSV header" "principal,type,permission_level,inherited,inherited_from,active_tokens,display_name" \
	"$(printf '%s\n' "$OUT" | head -n 1)"
check_match "CSV: bob" '^"bob@example\.com","user","CAN_USE","false","","3","bob"$' "$OUT"

reset_stats
DATABRICKS_TOKEN=$BOB run permissions
check_rc "a non-admin" 3
check_match "  is told admin rights are needed" "read token permissions: .*needs workspace admin rights" "$ERR"
check_eq "  one request, not retried" 1 "$(stats .total)"
run permissions grnt bob
check_rc "an unknown subcommand" 2

finish
