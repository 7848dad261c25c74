#!/bin/bash
# End-to-end: token management (admins), OAuth machine-to-machine, and what
# a non-admin gets when asking for it.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

BOB=dapi11111111111111111111111111111111
emu_start --generate 200:5 --seed 3 --user bob@example.com=$BOB \
	--service-principal 11111111-2222-3333-4444-555555555555 \
	--oauth-client robot:s3cret-robot

# --- everyone's tokens --------------------------------------------------------
run list --all -o json
check_rc "list --all" 0
ACTIVE=$(stats '[.active_tokens[]] | add')
check_eq "list --all shows every active token" "$ACTIVE" "$(printf '%s' "$OUT" | jq length)"
check_eq "management rows carry the owner" 0 "$(printf '%s' "$OUT" | jq '[.[] | select(.created_by_username == null)] | length')"
check_eq "one token-management list request" 1 "$(count 'GET /api/2.0/token-management/tokens')"
USER1=$(printf '%s' "$OUT" | jq -r '[.[].created_by_username] | map(select(startswith("user"))) | sort | .[0]')
WANT1=$(printf '%s' "$OUT" | jq --arg u "$USER1" '[.[] | select(.created_by_username == $u)] | length')
run list --all --user "$USER1" -o json
check_eq "--user narrows to one owner" "$WANT1" "$(printf '%s' "$OUT" | jq length)"
check_eq "--user rows all belong to that owner" "[\"$USER1\"]" "$(printf '%s' "$OUT" | jq -c '[.[].created_by_username] | unique')"
run list --all --filter "owner:$USER1" -o json
check_eq "owner: filter agrees with --user" "$WANT1" "$(printf '%s' "$OUT" | jq length)"
run list --all
check_match "table has an OWNER column" '^ID +COMMENT .*OWNER' "$(printf '%s\n' "$OUT" | head -n 1)"
run list --all --sort expires -o json
check_eq "sort expires: dated ascending, never last" "true" "$(printf '%s' "$OUT" | jq '[.[].expiry_time | if . <= 0 then 1e18 else . end] as $e | $e == ($e | sort)')"
run list --all --sort created:desc -o json
check_eq "sort created:desc" "true" "$(printf '%s' "$OUT" | jq '[.[].creation_time] as $c | $c == ($c | sort | reverse)')"

run quota --all -o json
check_rc "quota --all" 0
check_eq "per-owner quota adds up" "$ACTIVE" "$(printf '%s' "$OUT" | jq '[.[].active] | add')"
check_eq "per-owner quota, most active first" "true" "$(printf '%s' "$OUT" | jq '[.[].active] as $a | $a == ($a | sort | reverse)')"
check_eq "user1's quota" "$WANT1" "$(printf '%s' "$OUT" | jq --arg u "$USER1" '.[] | select(.owner == $u) | .active')"

# --- show, update, revoke anyone's token ------------------------------------------
ID=$(curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "$EMU_URL/api/2.0/token-management/tokens?created_by_username=$USER1" | jq -r '.token_infos[0].token_id')
reset_stats
run show --all "$ID"
check_rc "show --all by full id" 0
check_eq "show --all uses token-management get" 1 "$(count "GET /api/2.0/token-management/tokens/$ID")"
check_match "show --all prints the owner" "owner: +$USER1" "$OUT"
run update --all "$ID" --comment "audited"
check_rc "update --all" 0
check_eq "update --all mask" "comment" "$(stats '.updates[-1].update_mask')"
check_eq "update --all went through token management" 1 "$(count "PATCH /api/2.0/token-management/tokens/$ID")"
run revoke --all --yes "$ID"
check_rc "revoke --all" 0
check_eq "revoke --all went through token management" 1 "$(count "DELETE /api/2.0/token-management/tokens/$ID")"
check_eq "revoked once" 1 "$(stats ".revokes[\"$ID\"]")"

# --- on behalf of a service principal ------------------------------------------------
APP=11111111-2222-3333-4444-555555555555
run create --on-behalf-of "$APP" --comment "etl robot" --lifetime 30d
check_rc "create --on-behalf-of" 0
check_match "the secret alone on stdout" '^dapi[0-9a-f]{32}$' "$OUT"
OBO_ID=$(tok_id "$OUT")
check_eq "one on-behalf-of create" 1 "$(count 'POST /api/2.0/token-management/on-behalf-of/tokens')"
run list --all -o json
ROW=$(printf '%s' "$OUT" | jq -c --arg id "$OBO_ID" '.[] | select(.token_id == $id)')
check_eq "the admin created it" "admin@example.com" "$(printf '%s' "$ROW" | jq -r .created_by_username)"
check_eq "the service principal owns it (owner_id differs from the creator)" "true" "$(printf '%s' "$ROW" | jq '.owner_id != .created_by_id and .owner_id > 0')"
run create --on-behalf-of no-such-app
check_rc "unknown application id" 1

# --- a non-admin asking for admin things -------------------------------------------
reset_stats
DATABRICKS_TOKEN=$BOB run list --all
check_rc "non-admin list --all" 3
check_match "plain message, not a stack of errors" "needs workspace admin rights" "$ERR"
check_eq "one token-management request, not retried, then who is asking" "1 1 2" \
	"$(count 'GET /api/2.0/token-management/tokens') $(count 'GET /api/2.0/preview/scim/v2/Me') $(stats .total)"
DATABRICKS_TOKEN=$BOB run list -o json
check_eq "a non-admin sees only their own tokens" 1 "$(printf '%s' "$OUT" | jq length)"
DATABRICKS_TOKEN=$BOB run settings set max-lifetime-days 10
check_rc "non-admin settings set" 3
DATABRICKS_TOKEN=$BOB run whoami
check_match "whoami says not admin" "admin: +no" "$OUT"

# --- OAuth machine-to-machine --------------------------------------------------------
reset_stats
unset DATABRICKS_TOKEN
DATABRICKS_CLIENT_ID=robot DATABRICKS_CLIENT_SECRET=s3cret-robot run whoami -o json
check_rc "OAuth M2M whoami" 0
check_eq "OAuth client acts as the admin" "admin@example.com" "$(printf '%s' "$OUT" | jq -r .userName)"
check_eq "auth type reported" "oauth-m2m" "$(printf '%s' "$OUT" | jq -r .auth_type)"
check_eq "one token request" 1 "$(count 'POST /oidc/v1/token')"
reset_stats
DATABRICKS_CLIENT_ID=robot DATABRICKS_CLIENT_SECRET=s3cret-robot run quota --all -o json
check_rc "OAuth quota --all" 0
check_eq "access token fetched once per run" 1 "$(count 'POST /oidc/v1/token')"
DATABRICKS_CLIENT_ID=robot DATABRICKS_CLIENT_SECRET=wrong run whoami
check_rc "OAuth with a wrong secret" 3
check_match "rejected credentials explained" "OAuth|client" "$ERR"

finish
