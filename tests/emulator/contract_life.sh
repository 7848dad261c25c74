#!/bin/bash
# contract_life.sh: what the emulator's server does over a token's life,
# checked with curl and jq: auto-scoping (observing, inferred scopes growing
# with use, narrowing when the clock crosses the enforcement date, scopes set
# by hand), the 90-day revocation, the token permissions (who may use PATs,
# direct removal deleting tokens), SCIM service principals, and the states
# of generated data.
. "${top_srcdir:-.}/tests/emulator/lib.sh"

DAY=86400000
CAROL=dapi33333333333333333333333333333333

# mk OWNER JSON: a control token for OWNER with extra fields; prints its id.
mk() {
	curl -s -X POST "$U/emulator/tokens" -d "{\"user\":\"$1\"${2:+,$2}}" | jq -r .token_id
}
# info ID: the token's TokenInfo as token management shows it, in $T/body.
info() { req GET "/api/2.0/token-management/tokens/$1" "$ADMIN" >/dev/null; }
# infojq ID EXPR: jq -e EXPR holds on the token's TokenInfo.
infojq() { info "$1"; jqb ".token_info | $2"; }
clock() { curl -s -X POST "$U/emulator/clock" -d "$1" >"$T/clock"; jq -e . "$T/clock" >/dev/null; }
clockjq() { jqf "$1" "$T/clock"; }

# ---------------------------------------------------------------- create
start life --user alice@example.com=$ALICE --user bob@example.com=$BOB --now-ms $NOW
mkv() { # mkv BODY: create as alice; V and ID of the new token
	req POST /api/2.0/token/create "$ALICE" "$1" >/dev/null
	V=$(jq -r .token_value "$T/body")
	ID=$(jq -r .token_info.token_id "$T/body")
}
mkv '{"comment":"observed","lifetime_seconds":3456000,"autoscope_enabled":true}'
check "autoscope_enabled and 40 days: observed, nothing inferred yet" \
    jqb '.token_info.autoscope_state == "AUTOSCOPE_STATE_RUNNING" and (.token_info | has("inferred_scopes") or has("scopes") | not)'
V1=$V; I1=$ID
check "autoscope_enabled and 10 days: off" \
    is 200 POST /api/2.0/token/create "$ALICE" '{"lifetime_seconds":864000,"autoscope_enabled":true}' \
    '.token_info.autoscope_state == "AUTOSCOPE_STATE_DISABLED"'
mkv '{"autoscope_enabled":true}'
I7=$ID
check "autoscope_enabled and no lifetime (730 days): observed" \
    jqb '.token_info.autoscope_state == "AUTOSCOPE_STATE_RUNNING"'
check "autoscope_enabled false: off; not asked: no state" \
    eval 'is 200 POST /api/2.0/token/create "$ALICE" "{\"autoscope_enabled\":false}" ".token_info.autoscope_state == \"AUTOSCOPE_STATE_DISABLED\"" &&
          is 200 POST /api/2.0/token/create "$ALICE" "{}" ".token_info | has(\"autoscope_state\") | not"'
check "autoscope_enabled and scopes: set by hand" \
    is 200 POST /api/2.0/token/create "$ALICE" '{"autoscope_enabled":true,"scopes":["sql"]}' \
    '.token_info.autoscope_state == "AUTOSCOPE_STATE_USER_SELECTED"'
check "autoscope_enabled not a boolean: 400" \
    is 400 POST /api/2.0/token/create "$ALICE" '{"autoscope_enabled":"yes"}' '.error_code == "INVALID_PARAMETER_VALUE"'

# ---------------------------------------------------------------- use
check "the clock stands at --now-ms" \
    is 200 GET /emulator/clock "" '. == {"now_ms":'"$NOW"',"frozen":true}'
check "a call of the token API is observed as authentication" \
    is 200 GET /api/2.0/token/list "$V1" \
    '.token_infos[] | select(.token_id == "'"$I1"'") | .inferred_scopes == ["authentication"] and .last_accessed_time == '"$NOW"
check "an API the emulator does not serve: 404, after authentication" \
    is 404 GET /api/2.1/jobs/list "$V1" '.error_code == "ENDPOINT_NOT_FOUND"'
check "  but it was the token's use: jobs is inferred" infojq "$I1" '.inferred_scopes == ["authentication","jobs"]'
req GET /api/2.1/jobs/runs/list "$V1" >/dev/null
req GET /api/2.0/preview/scim/v2/Me "$V1" >/dev/null
check "a family once, and SCIM Me adds none" infojq "$I1" '.inferred_scopes == ["authentication","jobs"]'
check "token management shows the use to the day" infojq "$I1" ".last_used_day == $NOW - ($NOW % $DAY)"
check "/emulator/use records a call without sending it" \
    is 200 POST /emulator/use "" '{"token_id":"'"$I1"'","path":"/api/2.0/sql/statements","method":"POST"}' \
    '.token_info.inferred_scopes == ["authentication","jobs","sql"]'
check "/emulator/use by value; unknown token 404; not an API path 400" \
    eval 'is 200 POST /emulator/use "" "{\"token_value\":\"$V1\",\"path\":\"/api/2.0/sql/warehouses\"}" &&
          is 404 POST /emulator/use "" "{\"token_id\":\"$(sha nope)\",\"path\":\"/api/2.0/sql\"}" &&
          is 400 POST /emulator/use "" "{\"token_id\":\"$I1\",\"path\":\"/oidc/v1/token\"}"'
check "unauthenticated calls of unserved API paths: 401" is 401 GET /api/2.1/jobs/list ""
mkv '{"comment":"uncovered","autoscope_enabled":true}'
V2=$V; I2=$ID
req GET /api/2.0/bogus-family/things "$V2" >/dev/null
check "a call no scope covers: not coverable, still all-APIs" \
    infojq "$I2" '.autoscope_state == "AUTOSCOPE_STATE_API_NOT_COVERED" and (has("scopes") | not)'
mkv '{"comment":"pinned","autoscope_enabled":true}'
V3=$V; I3=$ID
req GET /api/2.0/token/list "$V3" >/dev/null
is 200 PATCH "/api/2.0/token/$I3" "$ALICE" '{"token":{"scopes":["sql","jobs"]},"update_mask":"scopes"}' >/dev/null
check "a Token API update of scopes: set by hand, inferred kept" \
    infojq "$I3" '.autoscope_state == "AUTOSCOPE_STATE_USER_SELECTED" and .scopes == ["sql","jobs"] and .inferred_scopes == ["authentication"]'
mkv '{"comment":"pinned by admin","autoscope_enabled":true}'
I4=$ID
check "a token management update of scopes: set by hand" \
    is 200 PATCH "/api/2.0/token-management/tokens/$I4" "$ADMIN" '{"token":{"scopes":["jobs"]},"update_mask":"scopes"}' \
    '.autoscope_state == "AUTOSCOPE_STATE_USER_SELECTED" and .scopes == ["jobs"]'
mkv '{"comment":"comment only","autoscope_enabled":true}'
I6=$ID
is 200 PATCH "/api/2.0/token/$I6" "$ALICE" '{"token":{"comment":"renamed"},"update_mask":"comment"}' >/dev/null
check "an update of the comment alone keeps it observed" infojq "$I6" '.autoscope_state == "AUTOSCOPE_STATE_RUNNING"'
mkv '{"comment":"never used","autoscope_enabled":true}'
I5=$ID

# ---------------------------------------------------------------- the clock
check "moving back: 400" \
    is 400 POST /emulator/clock "" '{"now_ms":'"$((NOW - 1))"'}' '.message | test("only moves forward")'
check "a negative or overflowing advance, both fields, none: 400" \
    eval 'is 400 POST /emulator/clock "" "{\"advance_ms\":-1}" && is 400 POST /emulator/clock "" "{\"advance_ms\":9223372036854775807}" &&
          is 400 POST /emulator/clock "" "{\"advance_ms\":1,\"now_ms\":$NOW}" && is 400 POST /emulator/clock "" "{}"'
curl -s -X POST "$U/emulator/reset-stats" >/dev/null
clock '{"advance_ms":'"$((29 * DAY))"'}'
check "29 days on: nothing narrowed yet" clockjq '.now_ms == '"$((NOW + 29 * DAY))"' and .previous_ms == '"$NOW"' and .narrowed == [] and .frozen == true'
check "  the token is still observed" infojq "$I1" '.autoscope_state == "AUTOSCOPE_STATE_RUNNING"'
clock '{"now_ms":'"$((NOW + 30 * DAY))"'}'
check "30 days since creation: the observed tokens are narrowed, no others" \
    clockjq '(.narrowed | sort) == (["'"$I1"'","'"$I5"'","'"$I6"'","'"$I7"'"] | sort) and .revoked == []'
check "  to what they were seen to use" \
    infojq "$I1" '.autoscope_state == "AUTOSCOPE_STATE_COMPLETED" and .scopes == ["authentication","jobs","sql"] and .inferred_scopes == .scopes'
check "  a token never used: narrowed to nothing" \
    infojq "$I5" '.autoscope_state == "AUTOSCOPE_STATE_COMPLETED" and .scopes == []'
check "  set by hand and not coverable stay as they were" \
    eval 'infojq "$I3" ".autoscope_state == \"AUTOSCOPE_STATE_USER_SELECTED\" and .scopes == [\"sql\",\"jobs\"]" &&
          infojq "$I4" ".autoscope_state == \"AUTOSCOPE_STATE_USER_SELECTED\"" &&
          infojq "$I2" ".autoscope_state == \"AUTOSCOPE_STATE_API_NOT_COVERED\""'
check "  stats: the server narrowed 4" stats '.server.narrowed == 4 and .server.revoked_unused == 0'
check "a narrowed token keeps what it used" is 404 GET /api/2.1/jobs/list "$V1"
check "  and is refused the rest, naming the missing scope" \
    is 403 GET /api/2.0/clusters/list "$V1" \
    '.error_code == "PERMISSION_DENIED" and .message == "Your token is missing the required scopes for this endpoint: clusters"'
check "  a path no scope covers names all-apis" \
    is 403 GET /api/2.0/bogus-family/x "$V1" '.message | endswith(": all-apis")'
check "  refused calls are no use: inferred unchanged" infojq "$I1" '.inferred_scopes == ["authentication","jobs","sql"]'
check "/emulator/use is refused the same way" \
    is 403 POST /emulator/use "" '{"token_id":"'"$I1"'","path":"/api/2.0/secrets/list"}' '.message | endswith(": secrets")'
check "a running clock: frozen false, moved by the offset" \
    eval 'start run && is 200 GET /emulator/clock "" ".frozen == false" &&
          T0=$(jq .now_ms "$T/body") && is 200 POST /emulator/clock "" "{\"advance_ms\":$((40 * DAY))}" ".now_ms == $T0 + $((40 * DAY)) and .frozen == false" &&
          is 200 GET /emulator/clock "" ".now_ms >= $T0 + $((40 * DAY)) and .now_ms < $T0 + $((40 * DAY)) + 600000" &&
          is 200 POST /emulator/clock "" "{\"advance_ms\":0}" ".now_ms >= .previous_ms"'

# ---------------------------------------------------------------- 90 days
start d90 --now-ms $NOW
U1=$(mk u1@example.com '"token_value":"dapi0000000000000000000000000000e001","creation_time":'"$((NOW - 200 * DAY))"',"last_used_day":'"$((NOW - 80 * DAY))")
U2=$(mk u2@example.com '"creation_time":'"$((NOW - 85 * DAY))")
U3=$(mk u3@example.com '"creation_time":'"$((NOW - 300 * DAY))"',"last_accessed_time":'"$((NOW - 95 * DAY))")
U4=$(mk u4@example.com '"creation_time":'"$((NOW - 300 * DAY))"',"last_used_day":'"$((NOW - DAY))")
U5=$(mk u5@example.com '"creation_time":'"$((NOW - 300 * DAY))"',"expiry_time":'"$((NOW - DAY))"',"last_used_day":'"$((NOW - 100 * DAY))")
check "a token already past the line stays until the clock moves" infojq "$U3" '.token_id != null'
clock '{"advance_ms":1}'
check "the first move revokes what is past the 90-day line" clockjq '.revoked == ["'"$U3"'"] and .narrowed == []'
check "  it is gone" is 404 GET "/api/2.0/token-management/tokens/$U3" "$ADMIN"
check "  an expired token is left alone" infojq "$U5" '.token_id != null'
clock '{"now_ms":'"$((NOW + 5 * DAY - 1))"'}'
check "never used: revoked 90 days after creation, not a moment before" clockjq '.revoked == []'
clock '{"now_ms":'"$((NOW + 5 * DAY))"'}'
check "  and at the line" clockjq '.revoked == ["'"$U2"'"]'
check "using a token moves its line" \
    is 200 GET /api/2.0/preview/scim/v2/Me dapi0000000000000000000000000000e001 '.userName == "u1@example.com"'
clock '{"now_ms":'"$((NOW + 11 * DAY))"'}'
check "  so 90 days after its old last use it is still there" clockjq '.revoked == []'
check "  its last use is the day of the call" infojq "$U1" ".last_used_day == $((NOW + 5 * DAY)) - ($((NOW + 5 * DAY)) % $DAY)"
clock '{"now_ms":'"$((NOW + 95 * DAY))"'}'
check "95 days on: the tokens unused since revoked, the admin's used at 11 days kept" \
    clockjq '(.revoked | sort) == (["'"$U1"'","'"$U4"'"] | sort)'
check "  stats: revoked_unused 4" stats '.server.revoked_unused == 4 and .active_tokens["u4@example.com"] == 0'
clock '{"now_ms":'"$((NOW + 102 * DAY))"'}'
check "the emulator's own PATs age too: the admin token is revoked" \
    eval 'clockjq ".revoked | length == 1" && is 403 GET /api/2.0/token/list "$ADMIN" ".message == \"Invalid access token.\""'
start adv --now-ms $NOW --advance-ms $((91 * DAY))
check "--advance-ms moves the clock once the workspace is built" \
    eval 'is 200 GET /emulator/clock "" ".now_ms == $((NOW + 91 * DAY))" && is 403 GET /api/2.0/token/list "$ADMIN" && stats ".server.revoked_unused == 1"'

# ---------------------------------------------------------------- permissions
start perm --user alice@example.com=$ALICE --user bob@example.com=$BOB \
    --service-principal sp-app-1 --group data-eng=bob@example.com,newbie@example.com --now-ms $NOW
check "GET: admins CAN_MANAGE inherited, users CAN_USE direct" \
    is 200 GET /api/2.0/permissions/authorization/tokens "$ADMIN" \
    '.object_id == "/authorization/tokens" and .object_type == "tokens" and .access_control_list == [{"group_name":"admins","all_permissions":[{"permission_level":"CAN_MANAGE","inherited":true,"inherited_from_object":["/authorization/"]}]},{"group_name":"users","all_permissions":[{"permission_level":"CAN_USE","inherited":false}]}]'
check "non-admins may not read them" \
    is 403 GET /api/2.0/permissions/authorization/tokens "$ALICE" '.error_code == "PERMISSION_DENIED"'
check "  nor change them" \
    is 403 PATCH /api/2.0/permissions/authorization/tokens "$ALICE" '{"access_control_list":[]}' '.error_code == "PERMISSION_DENIED"'
check "permission levels: CAN_USE and CAN_MANAGE, for any user" \
    is 200 GET /api/2.0/permissions/authorization/tokens/permissionLevels "$ALICE" \
    '[.permission_levels[].permission_level] == ["CAN_USE","CAN_MANAGE"]'
check "PATCH adds direct entries, with display names" \
    is 200 PATCH /api/2.0/permissions/authorization/tokens "$ADMIN" \
    '{"access_control_list":[{"user_name":"alice@example.com","permission_level":"CAN_USE"},{"service_principal_name":"sp-app-1","permission_level":"CAN_USE"},{"group_name":"data-eng","permission_level":"CAN_USE"}]}' \
    '[.access_control_list[] | .user_name // .group_name // .service_principal_name] == ["admins","users","alice@example.com","sp-app-1","data-eng"] and (.access_control_list[2].display_name == "alice") and (.access_control_list[3].display_name == "sp-app-1")'
check "  the same entry again changes nothing; admins CAN_MANAGE is accepted and not stored" \
    is 200 PATCH /api/2.0/permissions/authorization/tokens "$ADMIN" \
    '{"access_control_list":[{"user_name":"alice@example.com","permission_level":"CAN_USE"},{"group_name":"admins","permission_level":"CAN_MANAGE"}]}' \
    '.access_control_list | length == 5'
for bad in \
    '{"user_name":"nobody@example.com","permission_level":"CAN_USE"}|Principal: UserName(nobody@example.com) does not exist' \
    '{"service_principal_name":"alice@example.com","permission_level":"CAN_USE"}|Principal: ServicePrincipalName(alice@example.com) does not exist' \
    '{"group_name":"nogroup","permission_level":"CAN_USE"}|Principal: GroupName(nogroup) does not exist' \
    '{"group_name":"users","permission_level":"CAN_MANAGE"}|Only admins can be given CAN_MANAGE permission on tokens' \
    '{"group_name":"admins","permission_level":"CAN_USE"}|The admins group always has CAN_MANAGE permission on tokens' \
    '{"user_name":"bob@example.com","permission_level":"CAN_FLY"}|Permission level CAN_FLY is not valid for tokens: use CAN_USE or CAN_MANAGE' \
    '{"user_name":"bob@example.com","group_name":"users","permission_level":"CAN_USE"}|Each entry' \
    '{"user_name":"bob@example.com"}|Each entry'; do
	check "refused ${bad%%|*}" \
	    is 400 PATCH /api/2.0/permissions/authorization/tokens "$ADMIN" "{\"access_control_list\":[${bad%%|*}]}" \
	    ".error_code == \"INVALID_PARAMETER_VALUE\" and (.message | startswith(\"${bad#*|}\"))"
done
check "  and nothing changed" \
    is 200 GET /api/2.0/permissions/authorization/tokens "$ADMIN" '.access_control_list | length == 5'
check "an admin user may be given CAN_MANAGE" \
    is 200 PATCH /api/2.0/permissions/authorization/tokens "$ADMIN" '{"access_control_list":[{"user_name":"admin@example.com","permission_level":"CAN_MANAGE"}]}' \
    '.access_control_list[5] | .user_name == "admin@example.com" and .all_permissions[0].permission_level == "CAN_MANAGE"'
A2=$(curl -s -H "Authorization: Bearer $ALICE" -d '{"comment":"a2"}' "$U/api/2.0/token/create" | jq -r .token_value)
curl -s -H "Authorization: Bearer $ALICE" -d '{"comment":"a3"}' "$U/api/2.0/token/create" >/dev/null
S1=$(curl -s -H "Authorization: Bearer $ADMIN" -d '{"application_id":"sp-app-1"}' "$U/api/2.0/token-management/on-behalf-of/tokens" | jq -r .token_value)
curl -s -H "Authorization: Bearer $ADMIN" -d '{"application_id":"sp-app-1"}' "$U/api/2.0/token-management/on-behalf-of/tokens" >/dev/null
check "alice holds 3 tokens, the service principal 2" \
    stats '.active_tokens["alice@example.com"] == 3 and .active_tokens["sp-app-1"] == 2'
curl -s -X POST "$U/emulator/reset-stats" >/dev/null
check "PUT without alice and the service principal answers the new list" \
    is 200 PUT /api/2.0/permissions/authorization/tokens "$ADMIN" \
    '{"access_control_list":[{"group_name":"users","permission_level":"CAN_USE"},{"group_name":"data-eng","permission_level":"CAN_USE"},{"user_name":"admin@example.com","permission_level":"CAN_MANAGE"}]}' \
    '[.access_control_list[] | .user_name // .group_name] == ["admins","users","data-eng","admin@example.com"]'
check "  and deleted all their tokens at once" \
    stats '.active_tokens["alice@example.com"] == 0 and .active_tokens["sp-app-1"] == 0 and .server.deleted_by_permissions == 5 and .revokes == {}'
check "  their values no longer authenticate" \
    eval 'is 403 GET /api/2.0/token/list "$ALICE" && is 403 GET /api/2.0/token/list "$A2" && is 403 GET /api/2.0/preview/scim/v2/Me "$S1"'
check "  bob kept his" is 200 GET /api/2.0/token/list "$BOB" '.token_infos | length == 1'
check "  the PUT was counted once" stats '.requests["PUT /api/2.0/permissions/authorization/tokens"] == 1 and .total == 5'
CID=$(curl -s -X POST "$U/emulator/tokens" -d '{"user":"carol@example.com","token_value":"'"$CAROL"'"}' | jq -r .token_id)
check "carol, in users only, may use her token" is 200 GET /api/2.0/token/list "$CAROL"
check "PUT without the users group, and without the admin's own entry" \
    is 200 PUT /api/2.0/permissions/authorization/tokens "$ADMIN" '{"access_control_list":[{"group_name":"data-eng","permission_level":"CAN_USE"}]}' \
    '[.access_control_list[] | .group_name] == ["admins","data-eng"]'
check "  carol's token is refused: 403 PERMISSION_DENIED" \
    is 403 GET /api/2.0/token/list "$CAROL" \
    '.error_code == "PERMISSION_DENIED" and .message == "User does not have permission to use tokens."'
check "  but not deleted (she lost access through a group only)" \
    eval 'infojq "$CID" ".token_id == \"$CID\"" && stats ".server.deleted_by_permissions == 5"'
check "  bob, in data-eng, still may" is 200 GET /api/2.0/token/list "$BOB"
check "  SCIM Me shows bob's groups" \
    is 200 GET /api/2.0/preview/scim/v2/Me "$BOB" '[.groups[].display] == ["users","data-eng"]'
check "  admins always may, and keep their tokens (CAN_MANAGE stays theirs)" \
    is 200 GET /api/2.0/token/list "$ADMIN" '.token_infos | length == 1'
check "  a service principal without permission gets no token on its behalf" \
    is 403 POST /api/2.0/token-management/on-behalf-of/tokens "$ADMIN" '{"application_id":"sp-app-1"}' \
    '.message == "Service principal sp-app-1 does not have permission to use tokens."'
check "PATCH users back: carol may again" \
    eval 'is 200 PATCH /api/2.0/permissions/authorization/tokens "$ADMIN" "{\"access_control_list\":[{\"group_name\":\"users\",\"permission_level\":\"CAN_USE\"}]}" &&
          is 200 GET /api/2.0/token/list "$CAROL"'
check "PUT with no list leaves admins only" \
    is 200 PUT /api/2.0/permissions/authorization/tokens "$ADMIN" '{}' '[.access_control_list[].group_name] == ["admins"]'
SC=$(curl -s -X POST "$U/emulator/tokens" -d '{"admin":true,"scopes":["authentication"]}' | jq -r .token_value)
check "the permissions API wants the access-management scope" \
    is 403 GET /api/2.0/permissions/authorization/tokens "$SC" '.message | endswith(": access-management")'

# ---------------------------------------------------------------- SCIM
start scim --generate 100:3 --seed 3 --now-ms $NOW --service-principal sp-app-1 --user bob@example.com=$BOB
SPS=/api/2.0/preview/scim/v2/ServicePrincipals
check "SCIM service principals: a ListResponse, any user may list" \
    is 200 GET "$SPS" "$BOB" \
    '.schemas == ["urn:ietf:params:scim:api:messages:2.0:ListResponse"] and .totalResults == 3 and .startIndex == 1 and .itemsPerPage == 3 and ([.Resources[].displayName] | sort) == ["ci-deployer","etl-runner","sp-app-1"]'
check "  each with id, applicationId, displayName, active, groups" \
    jqb '.Resources[] | select(.displayName == "etl-runner") | .applicationId == "b3f9d2e8-1a6c-4e5b-8d7f-0c2a9e4b6d13" and .active == true and (.id | test("^[0-9]+$")) and ([.groups[].display] == ["users","data-eng"])'
APP=b3f9d2e8-1a6c-4e5b-8d7f-0c2a9e4b6d13
check "filter applicationId eq" \
    is 200 GET "$SPS?filter=applicationId%20eq%20%22$APP%22" "$ADMIN" '.totalResults == 1 and .Resources[0].displayName == "etl-runner"'
SPID=$(jq -r '.Resources[0].id' "$T/body")
check "filter displayName co, any case" \
    is 200 GET "$SPS?filter=displayName%20co%20%22RUNNER%22" "$ADMIN" '[.Resources[].displayName] == ["etl-runner"]'
check "filter with or" \
    is 200 GET "$SPS?filter=displayName%20sw%20%22ci%22%20or%20displayName%20eq%20%22sp-app-1%22" "$ADMIN" '.totalResults == 2'
check "filter with and binding tighter than or" \
    is 200 GET "$SPS?filter=displayName%20sw%20%22ci%22%20and%20active%20eq%20false%20or%20displayName%20ew%20%22-1%22" "$ADMIN" '[.Resources[].displayName] == ["sp-app-1"]'
check "no match: no Resources" \
    is 200 GET "$SPS?filter=applicationId%20eq%20%22nope%22" "$ADMIN" '.totalResults == 0 and .itemsPerPage == 0 and (has("Resources") | not)'
check "pages: startIndex and count" \
    is 200 GET "$SPS?startIndex=2&count=1" "$ADMIN" '.totalResults == 3 and .startIndex == 2 and .itemsPerPage == 1 and (.Resources | length) == 1'
check "past the end: none" is 200 GET "$SPS?startIndex=4" "$ADMIN" '.itemsPerPage == 0'
check "a bad filter: 400 SCIM invalidFilter" \
    is 400 GET "$SPS?filter=displayName" "$ADMIN" '.status == "400" and .scimType == "invalidFilter" and .schemas == ["urn:ietf:params:scim:api:messages:2.0:Error"]'
check "an unknown attribute: 400" is 400 GET "$SPS?filter=userName%20eq%20%22x%22" "$ADMIN" '.scimType == "invalidFilter"'
check "get by id" is 200 GET "$SPS/$SPID" "$ADMIN" '.applicationId == "'"$APP"'"'
check "get of an unknown id: SCIM 404" is 404 GET "$SPS/999999" "$ADMIN" '.status == "404" and (.detail | length) > 0'
check "a token on behalf of a generated service principal, by application id" \
    is 200 POST /api/2.0/token-management/on-behalf-of/tokens "$ADMIN" '{"application_id":"'"$APP"'","comment":"rotated"}' \
    '.token_info.owner_id == '"$SPID"

# ---------------------------------------------------------------- generated data
start gen --generate 2000 --seed 7 --now-ms $NOW
curl -s -H "Authorization: Bearer $ADMIN" "$U/api/2.0/token-management/tokens" >"$T/gen.tm"
byst() { jq "[.token_infos[] | select(.autoscope_state == \"AUTOSCOPE_STATE_$1\")] | length" "$T/gen.tm"; }
check "generated: every autoscope state occurs" \
    eval 'for s in RUNNING COMPLETED BACKFILLED USER_SELECTED DISABLED API_NOT_COVERED; do [ "$(byst $s)" -gt 0 ] || { echo "# no $s"; exit 1; }; done'
check "  most tokens were scoped by hand (50-80%)" \
    jqf '(.token_infos | length) as $n | ([.token_infos[] | select(.autoscope_state == "AUTOSCOPE_STATE_USER_SELECTED")] | length) as $u | $u > $n * 0.5 and $u < $n * 0.8' "$T/gen.tm"
check "  observed tokens: created in the last 30 days, living 30 days or more, all-APIs" \
    jqf 'all(.token_infos[] | select(.autoscope_state == "AUTOSCOPE_STATE_RUNNING"); .creation_time > '"$((NOW - 30 * DAY))"' and (.expiry_time == -1 or .expiry_time - .creation_time >= '"$((30 * DAY))"') and (has("scopes") | not))' "$T/gen.tm"
check "  some of them have inferred scopes so far, none if never used" \
    jqf '([.token_infos[] | select(.autoscope_state == "AUTOSCOPE_STATE_RUNNING" and (.inferred_scopes | length) > 0)] | length > 0) and all(.token_infos[] | select(has("last_used_day") | not); has("inferred_scopes") | not)' "$T/gen.tm"
check "  narrowed: scopes = inferred; backfilled: scopes = backfill" \
    jqf 'all(.token_infos[] | select(.autoscope_state == "AUTOSCOPE_STATE_COMPLETED"); .scopes == (.inferred_scopes // [])) and all(.token_infos[] | select(.autoscope_state == "AUTOSCOPE_STATE_BACKFILLED"); .scopes == (.backfill_scopes // []))' "$T/gen.tm"
check "  two service principals, every token its creator's" \
    eval 'is 200 GET /api/2.0/preview/scim/v2/ServicePrincipals "$ADMIN" "[.Resources[].displayName] == [\"ci-deployer\",\"etl-runner\"]" &&
          jqf "all(.token_infos[]; .created_by_id == .owner_id)" "$T/gen.tm"'
check "  permissions: users and two groups, two users and both service principals directly" \
    is 200 GET /api/2.0/permissions/authorization/tokens "$ADMIN" \
    '[.access_control_list[] | .group_name // .user_name // .service_principal_name] == ["admins","users","data-eng","ml-team","user01@example.com","user02@example.com","6e1c4a52-7d0b-4f8e-9a3c-2b5d8f1e0c47","b3f9d2e8-1a6c-4e5b-8d7f-0c2a9e4b6d13"]'
R1=$(jq -r '[.token_infos[] | select(.autoscope_state == "AUTOSCOPE_STATE_RUNNING")][0].token_id' "$T/gen.tm")
check "a generated observed token learns from /emulator/use" \
    is 200 POST /emulator/use "" '{"token_id":"'"$R1"'","path":"/api/2.0/secrets/list"}' \
    '.token_info.inferred_scopes | index("secrets") != null'
start gen31 --generate 2000 --seed 7 --now-ms $NOW --advance-ms $((31 * DAY))
curl -s -H "Authorization: Bearer $ADMIN" "$U/api/2.0/token-management/tokens" >"$T/gen31.tm"
KEPT=$(jq -r '[.token_infos[].token_id]' "$T/gen31.tm")
LIVE=$(jq '[.token_infos[] | select(.expiry_time == -1 or .expiry_time >= '"$((NOW + 31 * DAY))"')] | length' "$T/gen.tm")
NARROWED=$(jq --argjson kept "$KEPT" '[.token_infos[] | select(.autoscope_state == "AUTOSCOPE_STATE_RUNNING" and (.token_id as $i | $kept | index($i)))] | length' "$T/gen.tm")
check "31 days on: no observed token left, $NARROWED narrowed" \
    eval 'jqf "all(.token_infos[]; .autoscope_state != \"AUTOSCOPE_STATE_RUNNING\")" "$T/gen31.tm" && stats ".server.narrowed == $NARROWED" && [ "$NARROWED" -gt 0 ]'
check "  every live token that is gone was revoked as unused ($LIVE live before)" \
    eval 'stats ".server.revoked_unused == $LIVE - $(jq ".token_infos | length" "$T/gen31.tm") and .server.revoked_unused > 0"'
check "  none left past its 90-day line" \
    jqf 'all(.token_infos[]; ((.last_used_day // .creation_time) + '"$((90 * DAY))"') > '"$((NOW + 30 * DAY))"')' "$T/gen31.tm"

# ---------------------------------------------------------------- command line
for bad in "--advance-ms -1" "--advance-ms x" "--group data-eng" "--group =bob" "--group g="; do
	$EMU $bad >/dev/null 2>"$T/argerr"
	RC=$?
	check "$bad: exit 2 with the usage" eval '[ $RC -eq 2 ] && grep -q "usage:" "$T/argerr"'
done

finish
