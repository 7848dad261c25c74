#!/bin/bash
# contract.sh: the wire contract of patrol-emulator, checked with curl and jq.
#
# Drives every endpoint and fault flag of the token APIs (contract_life.sh
# covers auto-scoping, the clock, permissions and SCIM service principals).
. "${top_srcdir:-.}/tests/emulator/lib.sh"

# ---------------------------------------------------------------- basics
start main --user alice@example.com=$ALICE --user bob@example.com=$BOB \
    --service-principal sp-app-1 --oauth-client cid:csec
check "prints its base URL first, same as the port file" \
    eq "$(head -n1 "$T/main.out")" "$U"
check "databricks-config answers workspace_id and oidc_endpoint" \
    is 200 GET /.well-known/databricks-config "" \
    '.workspace_id != null and .oidc_endpoint == "'"$U"'/oidc"'
check "oauth metadata names the token endpoint" \
    is 200 GET /oidc/.well-known/oauth-authorization-server "" \
    '.token_endpoint == "'"$U"'/oidc/v1/token" and .issuer == "'"$U"'/oidc"'
OT=$(curl -s -u cid:csec -d 'grant_type=client_credentials&scope=all-apis' "$U/oidc/v1/token" | jq -r .access_token)
check "oauth client credentials (Basic) issue an access token" [ -n "$OT" -a "$OT" != null ]
check "the access token acts as the admin" \
    is 200 GET /api/2.0/preview/scim/v2/Me "$OT" '.userName == "admin@example.com"'
check "client_id/client_secret in the form body work too" \
    jqf '.token_type == "Bearer" and .expires_in == 3600' \
    <(curl -s -d 'grant_type=client_credentials&client_id=cid&client_secret=csec' "$U/oidc/v1/token")
check "bad client secret: 401 invalid_client" \
    eq "$(curl -s -o "$T/body" -w '%{http_code}' -u cid:nope -d grant_type=client_credentials "$U/oidc/v1/token")" 401
check "  with an OAuth error body" jqb '.error == "invalid_client"'
check "no credentials: 401 with a numeric error_code" \
    is 401 GET /api/2.0/token/list "" '.error_code == 401 and (.message | test("Credential was not sent"))'
check "unknown token: 403 Invalid access token." \
    is 403 GET /api/2.0/token/list dapiffffffffffffffffffffffffffffffff \
    '.error_code == 403 and .message == "Invalid access token."'
check "unknown path: 404 ENDPOINT_NOT_FOUND" \
    is 404 GET /api/2.0/nope "$ADMIN" '.error_code == "ENDPOINT_NOT_FOUND" and .message == "No API found for '"'GET /api/2.0/nope'"'"'
check "responses carry Content-Type: application/json" hdr "Content-Type: application/json"
check "SCIM Me of the admin lists the admins group" \
    is 200 GET /api/2.0/preview/scim/v2/Me "$ADMIN" \
    '.id == "1000" and .userName == "admin@example.com" and ([.groups[].display] | index("admins")) != null and .active == true'
check "SCIM Me of a user has only users" \
    is 200 GET /api/2.0/preview/scim/v2/Me "$ALICE" '[.groups[].display] == ["users"]'

# ---------------------------------------------------------------- token API
AID=$(sha "$ADMIN")
check "admin PAT is listed with its comment, no expiry, id = sha256" \
    is 200 GET /api/2.0/token/list "$ADMIN" \
    '.token_infos | map(select(.token_id == "'"$AID"'" and .expiry_time == -1 and .comment == "patrol emulator admin token")) | length == 1'
check "using a token sets last_accessed_time" jqb '.token_infos[0].last_accessed_time > 0'
is 200 POST /api/2.0/token/create "$ADMIN" '{"comment":"ci","lifetime_seconds":3600,"scopes":["sql"]}'
V=$(jq -r .token_value "$T/body"); ID=$(jq -r .token_info.token_id "$T/body")
check "create returns dapi + 32 hex" eq "$(printf %s "$V" | grep -cE '^dapi[0-9a-f]{32}$')" 1
check "token_id is the sha256 of the value" eq "$ID" "$(sha "$V")"
check "expiry is creation + lifetime, scopes USER_SELECTED" \
    jqb '.token_info.expiry_time - .token_info.creation_time == 3600000 and .token_info.scopes == ["sql"] and .token_info.autoscope_state == "AUTOSCOPE_STATE_USER_SELECTED"'
check "a created token authenticates as its owner" \
    is 200 GET /api/2.0/preview/scim/v2/Me "$V" '.userName == "admin@example.com"'
check "lifetime omitted: 730 days" \
    is 200 POST /api/2.0/token/create "$ALICE" '{}' \
    '.token_info.expiry_time - .token_info.creation_time == 730*86400000 and (.token_info | has("comment") | not) and (.token_info | has("scopes") | not)'
check "lifetime_seconds 0: 400 Invalid timeout: 0" \
    is 400 POST /api/2.0/token/create "$ALICE" '{"lifetime_seconds":0}' \
    '.error_code == "INVALID_PARAMETER_VALUE" and .message == "Invalid timeout: 0"'
check "negative lifetime: 400" \
    is 400 POST /api/2.0/token/create "$ALICE" '{"lifetime_seconds":-5}' '.error_code == "INVALID_PARAMETER_VALUE"'
check "lifetime beyond 730 days: 400 naming the maximum" \
    is 400 POST /api/2.0/token/create "$ALICE" '{"lifetime_seconds":63072001}' '.message | test("730")'
LONG=$(printf 'x%.0s' $(seq 256))
check "comment of 256 characters: 400" \
    is 400 POST /api/2.0/token/create "$ALICE" '{"comment":"'"$LONG"'"}' '.error_code == "INVALID_PARAMETER_VALUE"'
CJK=$(printf '数%.0s' $(seq 255))
check "comment of 255 CJK characters is fine" \
    is 200 POST /api/2.0/token/create "$ALICE" '{"comment":"'"$CJK"'"}' '.token_info.comment | length == 255'
check "body that is not JSON: 400 MALFORMED_REQUEST" \
    is 400 POST /api/2.0/token/create "$ALICE" '{"comment":' '.error_code == "MALFORMED_REQUEST"'
check "unknown request fields are ignored" \
    is 200 POST /api/2.0/token/create "$ALICE" '{"comment":"x","frobnicate":true}' '.token_value | startswith("dapi")'
AX=$(jq -r .token_info.token_id "$T/body")
check "update comment answers {}" \
    is 200 PATCH "/api/2.0/token/$ID" "$ADMIN" '{"token":{"comment":"renamed","scopes":["jobs"]},"update_mask":"comment"}' '. == {}'
check "  only the masked field changed" \
    is 200 GET /api/2.0/token/list "$ADMIN" '.token_infos[] | select(.token_id == "'"$ID"'") | .comment == "renamed" and .scopes == ["sql"]'
is 200 PATCH "/api/2.0/token/$AX" "$ALICE" '{"token":{"scopes":["jobs","clusters"]},"update_mask":"scopes"}' >/dev/null
check "update scopes sets USER_SELECTED" \
    is 200 GET /api/2.0/token/list "$ALICE" '.token_infos[] | select(.token_id == "'"$AX"'") | .scopes == ["jobs","clusters"] and .autoscope_state == "AUTOSCOPE_STATE_USER_SELECTED" and .comment == "x"'
check "update without update_mask: 400" \
    is 400 PATCH "/api/2.0/token/$ID" "$ADMIN" '{"token":{"comment":"y"}}' '.error_code == "INVALID_PARAMETER_VALUE"'
check "update of an unknown id: 404 NOT_FOUND" \
    is 404 PATCH "/api/2.0/token/$(sha nope)" "$ADMIN" '{"token":{"comment":"y"},"update_mask":"comment"}' '.error_code == "NOT_FOUND"'
check "update of another user's token: 404" \
    is 404 PATCH "/api/2.0/token/$ID" "$ALICE" '{"token":{"comment":"y"},"update_mask":"comment"}' '.error_code == "NOT_FOUND"'
check "revoke of an unknown id: 404 RESOURCE_DOES_NOT_EXIST" \
    is 404 POST /api/2.0/token/delete "$ADMIN" '{"token_id":"abc"}' \
    '.error_code == "RESOURCE_DOES_NOT_EXIST" and .message == "No valid token with ID abc found."'
check "revoke of another user's token: 404" \
    is 404 POST /api/2.0/token/delete "$ALICE" '{"token_id":"'"$ID"'"}' '.error_code == "RESOURCE_DOES_NOT_EXIST"'
check "revoke own token answers {}" \
    is 200 POST /api/2.0/token/delete "$ADMIN" '{"token_id":"'"$ID"'"}' '. == {}'
check "  and it no longer authenticates" is 403 GET /api/2.0/token/list "$V"
check "users see only their own tokens" \
    is 200 GET /api/2.0/token/list "$BOB" '.token_infos | length == 1 and .[0].token_id == "'"$(sha "$BOB")"'"'

# ---------------------------------------------------------------- token management
check "non-admin token management: 403 PERMISSION_DENIED" \
    is 403 GET /api/2.0/token-management/tokens "$ALICE" \
    '.error_code == "PERMISSION_DENIED" and .message == "Only Admins can access token management APIs."'
check "list with a bare ? shows every user's tokens" \
    is 200 GET '/api/2.0/token-management/tokens?' "$ADMIN" \
    '[.token_infos[].created_by_username] | unique == ["admin@example.com","alice@example.com","bob@example.com"]'
check "TokenInfo fields" \
    jqb '.token_infos[0] | .created_by_id == 1000 and .owner_id == 1000 and .workspace_id > 0 and (.last_used_day % 86400000 == 0)'
check "created_by_username filter (and unknown params)" \
    is 200 GET '/api/2.0/token-management/tokens?created_by_username=bob@example.com&x=1' "$ADMIN" \
    '[.token_infos[].created_by_username] == ["bob@example.com"]'
BOBID=$(jq -r '.token_infos[0].created_by_id' "$T/body")
check "created_by_id filter" \
    is 200 GET "/api/2.0/token-management/tokens?created_by_id=$BOBID" "$ADMIN" '.token_infos | length == 1'
check "get answers token_info" \
    is 200 GET "/api/2.0/token-management/tokens/$AX" "$ADMIN" '.token_info.token_id == "'"$AX"'" and .token_info.created_by_username == "alice@example.com"'
check "get of an unknown id: 404 NOT_FOUND" \
    is 404 GET "/api/2.0/token-management/tokens/$(sha nope)" "$ADMIN" '.error_code == "NOT_FOUND"'
check "update answers the bare TokenInfo" \
    is 200 PATCH "/api/2.0/token-management/tokens/$AX" "$ADMIN" '{"token":{"comment":"by admin"},"update_mask":"comment"}' \
    '.token_id == "'"$AX"'" and .comment == "by admin" and .owner_id != null'
check "delete answers {}" is 200 DELETE "/api/2.0/token-management/tokens/$AX" "$ADMIN" '. == {}'
check "delete of an unknown id: 404 NOT_FOUND" \
    is 404 DELETE "/api/2.0/token-management/tokens/$AX" "$ADMIN" '.error_code == "NOT_FOUND"'
check "on-behalf-of without application_id: 400" \
    is 400 POST /api/2.0/token-management/on-behalf-of/tokens "$ADMIN" '{"comment":"x"}'
check "on-behalf-of an unknown service principal: 404" \
    is 404 POST /api/2.0/token-management/on-behalf-of/tokens "$ADMIN" '{"application_id":"nope"}'
check "on-behalf-of a service principal" \
    is 200 POST /api/2.0/token-management/on-behalf-of/tokens "$ADMIN" '{"application_id":"sp-app-1","comment":"sp","lifetime_seconds":600}' \
    '(.token_value | startswith("dapi")) and .token_info.created_by_username == "admin@example.com" and .token_info.owner_id != 1000'
SPV=$(jq -r .token_value "$T/body")
check "  the token authenticates as the service principal" \
    is 200 GET /api/2.0/preview/scim/v2/Me "$SPV" '.userName == "sp-app-1"'
check "permissions GET" \
    is 200 GET /api/2.0/permissions/authorization/tokens "$ADMIN" \
    '.object_id == "/authorization/tokens" and .object_type == "tokens" and (.access_control_list | length) >= 1'
check "permissions PUT stores the list" \
    is 200 PUT /api/2.0/permissions/authorization/tokens "$ADMIN" '{"access_control_list":[{"group_name":"users","permission_level":"CAN_USE"}]}' \
    '[.access_control_list[].group_name] == ["admins","users"]'
check "permissions PATCH merges" \
    is 200 PATCH /api/2.0/permissions/authorization/tokens "$ADMIN" '{"access_control_list":[{"user_name":"bob@example.com","permission_level":"CAN_USE"}]}' \
    '.access_control_list | length == 3'
check "permissions: non-admin 403" is 403 GET /api/2.0/permissions/authorization/tokens "$ALICE"

# ---------------------------------------------------------------- workspace conf
check "workspace-conf GET: strings, null for unset" \
    is 200 GET '/api/2.0/workspace-conf?keys=maxTokenLifetimeDays,enableTokensConfig' "$ALICE" \
    '. == {"maxTokenLifetimeDays":null,"enableTokensConfig":"true"}'
check "workspace-conf GET unknown key: 400 Invalid keys" \
    is 400 GET '/api/2.0/workspace-conf?keys=bogus' "$ADMIN" '.message == "Invalid keys: [\"bogus\"]"'
check "workspace-conf PATCH 90: 204" is 204 PATCH /api/2.0/workspace-conf "$ADMIN" '{"maxTokenLifetimeDays":"90"}'
check "  GET shows 90" \
    is 200 GET '/api/2.0/workspace-conf?keys=maxTokenLifetimeDays' "$ADMIN" '.maxTokenLifetimeDays == "90"'
check "  create beyond 90 days: 400 naming 90" \
    is 400 POST /api/2.0/token/create "$ALICE" '{"lifetime_seconds":7776001}' '.message | test("90 days")'
check "  create without lifetime lives 90 days" \
    is 200 POST /api/2.0/token/create "$ALICE" '{"comment":"d"}' '.token_info.expiry_time - .token_info.creation_time == 90*86400000'
check "workspace-conf PATCH 0: 400" is 400 PATCH /api/2.0/workspace-conf "$ADMIN" '{"maxTokenLifetimeDays":"0"}'
check "workspace-conf PATCH unknown key: 400 Invalid keys" \
    is 400 PATCH /api/2.0/workspace-conf "$ADMIN" '{"bogus":"1"}' '.message == "Invalid keys: [\"bogus\"]"'
check "workspace-conf PATCH by a non-admin: 403" \
    is 403 PATCH /api/2.0/workspace-conf "$ALICE" '{"maxTokenLifetimeDays":"90"}'
is 204 PATCH /api/2.0/workspace-conf "$ADMIN" '{"enableTokensConfig":"false","maxTokenLifetimeDays":null}' >/dev/null
check "tokens disabled: create 403 PERMISSION_DENIED" \
    is 403 POST /api/2.0/token/create "$ALICE" '{}' '.error_code == "PERMISSION_DENIED" and (.message | test("disabled"))'
check "  existing PATs still authenticate; re-enable" is 204 PATCH /api/2.0/workspace-conf "$ADMIN" '{"enableTokensConfig":"true"}'
check "  create works again" is 200 POST /api/2.0/token/create "$ALICE" '{}'

# ---------------------------------------------------------------- stats
curl -s -X POST "$U/emulator/reset-stats" >/dev/null
for i in 1 2 3; do req GET /api/2.0/token/list "$ADMIN" >/dev/null; done
req POST /api/2.0/token/create "$ADMIN" '{"comment":"s"}' >/dev/null
SID=$(jq -r .token_info.token_id "$T/body")
req PATCH "/api/2.0/token/$SID" "$ADMIN" '{"token":{"comment":"t"},"update_mask":"comment"}' >/dev/null
req POST /api/2.0/token/delete "$ADMIN" '{"token_id":"'"$SID"'"}' >/dev/null
req DELETE "/api/2.0/token-management/tokens/$SID" "$ADMIN" >/dev/null
check "stats count requests by method and path" \
    stats '.total == 7 and .requests["GET /api/2.0/token/list"] == 3 and .requests["POST /api/2.0/token/create"] == 1 and .creates == 1'
check "stats count revokes per id via both APIs (404s too)" stats '.revokes["'"$SID"'"] == 2'
check "stats list updates in order" stats '.updates == [{"token_id":"'"$SID"'","update_mask":"comment"}]'
check "stats active_tokens per user" \
    stats '.active_tokens["bob@example.com"] == 1 and .faults == {"fail":0,"drop":0,"garbage":0,"rate_limited":0}'
check "stats do not count /emulator/*" stats '.total == 7'

# ---------------------------------------------------------------- quota
start quota --user q@example.com=$ALICE
{
	for i in $(seq 599); do
		[ "$i" -gt 1 ] && echo next
		printf 'url = "%s/api/2.0/token/create"\nheader = "Authorization: Bearer %s"\ndata = "{\\"comment\\":\\"q%s\\"}"\noutput = "/dev/null"\n' "$U" "$ALICE" "$i"
	done
} >"$T/quota.cfg"
curl -s -K "$T/quota.cfg" >/dev/null
check "600 tokens are allowed" stats '.active_tokens["q@example.com"] == 600 and .creates == 599'
check "the 601st: 400 QUOTA_EXCEEDED" \
    is 400 POST /api/2.0/token/create "$ALICE" '{}' \
    '.error_code == "QUOTA_EXCEEDED" and .message == "Token quota exceeded (600 tokens)"'
req POST /api/2.0/token/delete "$ALICE" '{"token_id":"'"$(sha "$ALICE")"'"}' >/dev/null
check "after a revoke the own PAT is gone (403)" is 403 POST /api/2.0/token/create "$ALICE" '{}'

# ---------------------------------------------------------------- faults
start f429 --fail 429:1:2
check "--fail 429:1:2: first 429 REQUEST_LIMIT_EXCEEDED" \
    is 429 GET /api/2.0/token/list "$ADMIN" '.error_code == "REQUEST_LIMIT_EXCEEDED" and (.details[0].request_id | length) == 36'
check "  with Retry-After: 1" hdr "Retry-After: 1"
check "  second 429" is 429 GET /api/2.0/token/list "$ADMIN"
check "  then 200" is 200 GET /api/2.0/token/list "$ADMIN"
check "  stats count 2 fails and 3 requests" stats '.faults.fail == 2 and .total == 3'

start f503 --fail 503:1 --retry-after -1
check "--retry-after -1: 503 without Retry-After" is 503 GET /api/2.0/token/list "$ADMIN" '.error_code == "TEMPORARILY_UNAVAILABLE"'
check "  no Retry-After header" eval '! hdr Retry-After'
check "  /emulator/stats is never faulted" is 200 GET /emulator/stats ""
check "  /.well-known is never faulted" is 200 GET /.well-known/databricks-config ""

declare -A FMT=(
	[numeric]='.error_code == 500 and (.message | length) > 0'
	[error]='.error | length > 0'
	[scim]='.status == "500" and (.schemas | length) == 1 and (.detail | length) > 0'
)
for f in numeric error scim; do
	start "fmt$f" --fail 500:1 --error-format "$f"
	check "--error-format $f" is 500 GET /api/2.0/token/list "$ADMIN" "${FMT[$f]}"
done
start fmttext --fail 403:1 --error-format text
req GET /api/2.0/token/list "$ADMIN" >/dev/null
check "--error-format text: CODE: message as text/plain" \
    eval 'grep -q "^PERMISSION_DENIED: " "$T/body" && hdr "Content-Type: text/plain"'
start fmthtml --fail 502:1 --error-format html
req GET /api/2.0/token/list "$ADMIN" >/dev/null
check "--error-format html: message in <pre>, with a title" \
    eval 'grep -q "<pre>BAD_GATEWAY: " "$T/body" && grep -q "<title>" "$T/body" && hdr "Content-Type: text/html"'
start fmtempty --fail 500:1 --error-format empty
check "--error-format empty: no body" eval '[ "$(req GET /api/2.0/token/list "$ADMIN")" = 500 ] && [ ! -s "$T/body" ]'

start fpath --fail 500:1 --fault-path /token/create
check "--fault-path: other paths unaffected" is 200 GET /api/2.0/token/list "$ADMIN"
check "  matching paths fail" is 500 POST /api/2.0/token/create "$ADMIN" '{}'

start drop --drop 1:1 --fault-path /token/create
curl -s -o /dev/null -H "Authorization: Bearer $ADMIN" -d '{"comment":"dropped"}' "$U/api/2.0/token/create"
check "--drop: connection closed without an answer (curl 52)" eq "$?" 52
check "  but the token was created" \
    is 200 GET /api/2.0/token/list "$ADMIN" '[.token_infos[].comment] | index("dropped") != null'
check "  stats: drop 1, creates 1" stats '.faults.drop == 1 and .creates == 1'

start gtrunc --garbage 1 --garbage-kind truncated
check "--garbage truncated: 200 with JSON cut in half" \
    eval '[ "$(req GET /api/2.0/token/list "$ADMIN")" = 200 ] && ! jq . "$T/body" >/dev/null 2>&1 && [ "$(head -c 15 "$T/body")" = "{\"token_infos\":" ]'
start ghtml --garbage 1 --garbage-kind html
check "--garbage html: 502 Bad Gateway page" \
    eval '[ "$(req GET /api/2.0/token/list "$ADMIN")" = 502 ] && grep -q "<title>502 Bad Gateway</title>" "$T/body"'
start gmixed --garbage 1:2
A1=$(req GET /api/2.0/token/list "$ADMIN"); A2=$(req GET /api/2.0/token/list "$ADMIN"); A3=$(req GET /api/2.0/token/list "$ADMIN")
check "--garbage mixed alternates, COUNT caps it" eq "$A1 $A2 $A3" "200 502 200"
check "  the last answer is whole again" jqb '.token_infos | length == 1'
check "  stats: garbage 2" stats '.faults.garbage == 2'

start g500 --garbage 1:1 --garbage-kind 500
G5=$(curl -s -X POST "$U/emulator/tokens" -d '{"comment":"g500"}' | jq -r .token_id)
check "--garbage-kind 500: the revoke is answered 500 INTERNAL_ERROR" \
    is 500 DELETE "/api/2.0/token-management/tokens/$G5" "$ADMIN" '.error_code == "INTERNAL_ERROR"'
check "  but it was done: the token is gone" is 404 GET "/api/2.0/token-management/tokens/$G5" "$ADMIN"
check "  so a second revoke gets 404" \
    is 404 DELETE "/api/2.0/token-management/tokens/$G5" "$ADMIN" '.error_code == "NOT_FOUND"'
check "  stats: garbage 1, two revokes reached the handler" stats '.faults.garbage == 1 and .revokes["'"$G5"'"] == 2'

start rl --rate-limit 2
CODES=""
for i in 1 2 3 4 5; do CODES="$CODES $(req GET /api/2.0/token/list "$ADMIN")"; done
# Token bucket: two at once pass, the rest of a quick burst is throttled
# (only a stall over a second between requests could refill it).
check "--rate-limit 2: the burst starts 200 200" eval '[ "${CODES:0:8}" = " 200 200" ]'
check "  and the rest of the burst gets 429" eval 'printf "%s" "$CODES" | grep -q "429"'
check "  only 200 and 429 answers" eval '[ -z "$(printf "%s" "$CODES" | tr " " "\n" | grep -vE "^(200|429)?$")" ]'
# Ask until a 429 comes (a slow machine may refill the bucket meanwhile),
# then look at that answer's headers.
for i in $(seq 20); do
	CODE=$(req GET /api/2.0/token/list "$ADMIN")
	CODES="$CODES $CODE"
	[ "$CODE" = 429 ] && break
done
check "  a 429 carries Retry-After >= 1" eval 'grep -qiE "^Retry-After: [1-9]" "$T/hdr"'
N429=$(printf '%s' "$CODES" | tr ' ' '\n' | grep -c '^429$')
check "  stats count every 429 sent ($N429)" stats ".faults.rate_limited == $N429"

start lat --latency-ms 1500
S0=$(date +%s%N)
curl -s -o "$T/slow.body" -H "Authorization: Bearer $ADMIN" "$U/api/2.0/token/list" &
L1=$!
STATS_CODE=$(curl -s -o /dev/null -w "%{http_code}" "$U/emulator/stats")
if kill -0 "$L1" 2>/dev/null; then STILL=yes; else STILL=no; fi
wait "$L1"
MS=$(( ($(date +%s%N) - S0) / 1000000 ))
check "--latency-ms 1500: the answer waits at least that long ($MS ms)" eval '[ "$MS" -ge 1500 ]'
check "  the delayed answer is whole" eval 'jq -e ".token_infos | length == 1" "$T/slow.body" >/dev/null'
check "  stats answer while a delayed request is still pending" eval '[ "$STATS_CODE" = 200 ] && [ "$STILL" = yes ]'

# The peaks: requests received and not answered yet, and received in any
# 1,000 ms. Three slow requests at once (the check waits until all three
# have arrived, while the latency holds every answer back).
start peak --latency-ms 3000
SLOW=()
for i in 1 2 3; do
	curl -s -o /dev/null -H "Authorization: Bearer $ADMIN" "$U/api/2.0/token/list" &
	SLOW+=($!)
done
for i in $(seq 200); do [ "$(curl -s "$U/emulator/stats" | jq .total)" = 3 ] && break; sleep 0.05; done
check "peak_inflight: three requests at once" stats '.total == 3 and .peak_inflight == 3'
wait "${SLOW[@]}"
check "  peak_per_second counts them too (1 to 3)" stats '.peak_per_second >= 1 and .peak_per_second <= 3'
curl -s -X POST "$U/emulator/reset-stats" >/dev/null
check "  reset-stats starts both again" stats '.peak_inflight == 0 and .peak_per_second == 0'
start peak2
req GET /api/2.0/token/list "$ADMIN" >/dev/null
sleep 1.1
req GET /api/2.0/token/list "$ADMIN" >/dev/null
check "peak_per_second: two requests 1.1 s apart were never in the same second" \
    stats '.total == 2 and .peak_per_second == 1 and .peak_inflight == 1'

# ---------------------------------------------------------------- --fail AFTER
start fafter --fail 403:1:1:3 --fault-path /api/2.0/token-management/tokens/
XID=$(sha nope)
CODES=""
for i in 1 2 3 4 5 6; do
	CODES="$CODES $(req GET "/api/2.0/token-management/tokens/$XID" "$ADMIN") L$(req GET '/api/2.0/token-management/tokens?created_by_id=1000' "$ADMIN")"
done
check "--fail 403:1:1:3: only the 4th faultable request fails; the list path does not match .../tokens/" \
    eq "$CODES" " 404 L200 404 L200 404 L200 403 L200 404 L200 404 L200"
check "  stats: one fail, every request counted" stats '.faults.fail == 1 and .total == 12'
start fafter2 --fail 503:1::2
CODES=""
for i in 1 2 3 4; do CODES="$CODES $(req GET /api/2.0/token/list "$ADMIN")"; done
check "--fail 503:1::2: no cap, fires from the 3rd request on" eq "$CODES" " 200 200 503 503"
start fafter3 --fail 503:1:-1:0 --fail 429:1:1
check "--fail 503:1:-1:0 is the same as 503:1 (first rule wins)" is 503 GET /api/2.0/token/list "$ADMIN"
start fafter4 --fail 403:1:1:1 --fault-path /api/2.0/token-management/tokens/
D1=$(curl -s -X POST "$U/emulator/tokens" -d '{"comment":"d1"}' | jq -r .token_id)
D2=$(curl -s -X POST "$U/emulator/tokens" -d '{"comment":"d2"}' | jq -r .token_id)
D3=$(curl -s -X POST "$U/emulator/tokens" -d '{"comment":"d3"}' | jq -r .token_id)
CODES="$(req DELETE "/api/2.0/token-management/tokens/$D1" "$ADMIN") $(req DELETE "/api/2.0/token-management/tokens/$D2" "$ADMIN") $(req DELETE "/api/2.0/token-management/tokens/$D3" "$ADMIN")"
check "--fail 403:1:1:1 on revokes: the second DELETE gets 403" eq "$CODES" "200 403 200"
check "  revokes counts what reached the handler; requests counts every arrival" \
    stats '.revokes == {"'"$D1"'":1,"'"$D3"'":1} and .requests["DELETE /api/2.0/token-management/tokens/'"$D2"'"] == 1'
check "  the refused token is still there" \
    is 200 GET "/api/2.0/token-management/tokens/$D2" "$ADMIN" '.token_info.comment == "d2"'
for bad in 503:1:1:2:3 503:1:1:x 503:1:x 503:2 503; do
	"$EMU" --fail "$bad" >/dev/null 2>"$T/argerr"
	RC=$?
	check "--fail $bad: exit 2" eval '[ $RC -eq 2 ] && grep -q "COUNT\[:AFTER\]" "$T/argerr"'
done

# ---------------------------------------------------------------- /emulator/tokens
start ctl --user bob@example.com=$BOB --now-ms $NOW --max-lifetime-days 100
DAY=86400000
curl -s -X POST "$U/emulator/reset-stats" >/dev/null
check "POST /emulator/tokens with defaults: 200, a dapi value, id = sha256" \
    is 200 POST /emulator/tokens "" '{}' \
    '(.token_value | test("^dapi[0-9a-f]{32}$")) and .token_info.token_id == .token_id'
check "  id is the sha256 of the value" eq "$(jq -r .token_id "$T/body")" "$(sha "$(jq -r .token_value "$T/body")")"
check "  defaults: the admin owns it, created now, lives the workspace maximum, no comment, scopes or use" \
    jqb '.token_info | .created_by_username == "admin@example.com" and .owner_id == 1000 and .creation_time == '"$NOW"' and .expiry_time == '"$NOW"' + 100*'"$DAY"' and (has("comment") or has("scopes") or has("autoscope_state") or has("last_used_day") | not)'
CV=dapi0123456789abcdef0123456789abcdef
check "every field can be set" \
    is 200 POST /emulator/tokens "" '{"user":"bob@example.com","created_by":"admin@example.com","comment":"exact","creation_time":1600000000000,"expiry_time":-1,"last_used_day":1700000000123,"scopes":["authentication","sql:read"],"autoscope_state":"AUTOSCOPE_STATE_BACKFILLED","inferred_scopes":["sql"],"backfill_scopes":["jobs"],"token_value":"'"$CV"'"}' \
    '.token_value == "'"$CV"'" and .token_id == "'"$(sha "$CV")"'" and (.token_info | .creation_time == 1600000000000 and .expiry_time == -1 and .comment == "exact" and .scopes == ["authentication","sql:read"] and .autoscope_state == "AUTOSCOPE_STATE_BACKFILLED" and .inferred_scopes == ["sql"] and .backfill_scopes == ["jobs"] and .created_by_username == "admin@example.com" and .owner_id == 1001 and .last_used_day == 1700000000123 - (1700000000123 % '"$DAY"'))'
CID=$(sha "$CV")
check "  the owner's Token API list shows it with last_accessed_time exact" \
    is 200 GET /api/2.0/token/list "$BOB" \
    '.token_infos[] | select(.token_id == "'"$CID"'") | .last_accessed_time == 1700000000123 and .comment == "exact" and (has("created_by_username") | not)'
check "  token management lists it under its creator" \
    is 200 GET '/api/2.0/token-management/tokens?created_by_username=admin@example.com' "$ADMIN" \
    '[.token_infos[].token_id] | index("'"$CID"'") != null'
check "  the value authenticates as the owner" \
    is 200 GET /api/2.0/preview/scim/v2/Me "$CV" '.userName == "bob@example.com"'
check "last_accessed_time works too; scopes without autoscope_state are USER_SELECTED" \
    is 200 POST /emulator/tokens "" '{"user":"bob@example.com","last_accessed_time":1700000000123,"scopes":["jobs"]}' \
    '.token_info.last_used_day == 1700000000123 - (1700000000123 % '"$DAY"') and .token_info.autoscope_state == "AUTOSCOPE_STATE_USER_SELECTED"'
check "a new user may be made an admin" \
    is 200 POST /emulator/tokens "" '{"user":"carol@example.com","admin":true}'
CAROL=$(jq -r .token_value "$T/body")
check "  whose token then has admin rights" \
    is 200 GET /api/2.0/token-management/tokens "$CAROL"
check "an expired token is kept but not listed" \
    is 200 POST /emulator/tokens "" '{"user":"dave@example.com","creation_time":'"$((NOW - 10 * DAY))"',"expiry_time":'"$((NOW - 1))"'}' '.token_info.expiry_time == '"$((NOW - 1))"
XT=$(jq -r .token_id "$T/body")
check "  token management get finds it; list and active_tokens leave it out" \
    eval 'is 200 GET "/api/2.0/token-management/tokens/$XT" "$ADMIN" && is 200 GET /api/2.0/token-management/tokens "$ADMIN" "[.token_infos[].token_id] | index(\"$XT\") == null" && stats ".active_tokens[\"dave@example.com\"] == 0"'
TID=$(printf 'e%.0s' $(seq 64))
check "a token_id may be given instead of a value" \
    is 200 POST /emulator/tokens "" '{"token_id":"'"$TID"'","comment":"by id"}' '.token_id == "'"$TID"'" and (has("token_value") | not)'
check "  and is found, and revoked, by it" \
    is 200 DELETE "/api/2.0/token-management/tokens/$TID" "$ADMIN" '. == {}'
check "the same value twice: 409 ALREADY_EXISTS" \
    is 409 POST /emulator/tokens "" '{"token_value":"'"$CV"'"}' '.error_code == "ALREADY_EXISTS"'
check "unknown autoscope_state: 400" \
    is 400 POST /emulator/tokens "" '{"autoscope_state":"AUTOSCOPE_STATE_NOPE"}' '.error_code == "INVALID_PARAMETER_VALUE"'
check "expiry_time 0: 400" is 400 POST /emulator/tokens "" '{"expiry_time":0}'
check "creation_time not a number: 400" is 400 POST /emulator/tokens "" '{"creation_time":"soon"}'
check "scopes not a list: 400" is 400 POST /emulator/tokens "" '{"scopes":"sql"}'
check "token_value and token_id together: 400" is 400 POST /emulator/tokens "" '{"token_value":"dapix","token_id":"'"$TID"'"}'
check "a body that is not JSON: 400" is 400 POST /emulator/tokens "" '{"user":'
for i in $(seq 601); do
	[ "$i" -gt 1 ] && echo next
	printf 'url = "%s/emulator/tokens"\ndata = "{\\"user\\":\\"q@example.com\\"}"\noutput = "/dev/null"\n' "$U"
done >"$T/ctl.cfg"
curl -s -K "$T/ctl.cfg" >/dev/null
check "no quota check: 601 tokens for one user" stats '.active_tokens["q@example.com"] == 601'
check "/emulator/tokens is neither counted nor a create" \
    stats '.creates == 0 and ([.requests | keys[] | select(startswith("POST /emulator"))] | length) == 0 and .total == ([.requests[]] | add)'
check "  while the API requests are" stats '.requests["GET /api/2.0/token/list"] == 1'

# ---------------------------------------------------------------- generation
start gen1 --generate 2000 --seed 7 --now-ms $NOW
curl -s -H "Authorization: Bearer $ADMIN" "$U/api/2.0/token-management/tokens" >"$T/gen1.tm"
curl -s -H "Authorization: Bearer $ADMIN" "$U/api/2.0/token/list" >"$T/gen1.list"
start gen2 --generate 2000 --seed 7 --now-ms $NOW
curl -s -H "Authorization: Bearer $ADMIN" "$U/api/2.0/token-management/tokens" >"$T/gen2.tm"
curl -s -H "Authorization: Bearer $ADMIN" "$U/api/2.0/token/list" >"$T/gen2.list"
check "--generate 2000 --seed 7 twice: identical lists" \
    eval 'cmp -s "$T/gen1.tm" "$T/gen2.tm" && cmp -s "$T/gen1.list" "$T/gen2.list" && [ -s "$T/gen1.tm" ]'
check "  the admin owns a share" jqf '.token_infos | length > 20' "$T/gen1.list"
check "  about 15% never expire, none expired listed" \
    jqf '(.token_infos | length) as $n | ([.token_infos[] | select(.expiry_time == -1)] | length) as $k | $k > $n * 0.1 and $k < $n * 0.25 and all(.token_infos[]; .expiry_time == -1 or .expiry_time > '"$NOW"')' "$T/gen1.tm"
check "  some expire within 7 days, some unused, some stale" \
    jqf '[.token_infos[] | select(.expiry_time > 0 and .expiry_time < '"$NOW"' + 7*86400000)] | length > 0' "$T/gen1.tm"
check "  varied comments and scopes, all at most 255 characters" \
    jqf '([.token_infos[].comment // ""] | unique | length > 20) and ([.token_infos[].scopes // [] | tostring] | unique | length > 5) and all(.token_infos[]; (.comment // "" | length) <= 255) and any(.token_infos[]; .comment == "数据管道")' "$T/gen1.tm"
check "  never-used tokens omit last_used_day; users user01.." \
    jqf 'any(.token_infos[]; has("last_used_day") | not) and any(.token_infos[]; .created_by_username == "user01@example.com")' "$T/gen1.tm"
start gen3 --generate 100000 --seed 1 --now-ms $NOW
S0=$(date +%s%N)
curl -s -o "$T/big" -H "Authorization: Bearer $ADMIN" "$U/api/2.0/token-management/tokens"
MS=$(( ($(date +%s%N) - S0) / 1000000 ))
check "100,000 tokens: token-management list in $MS ms, $(stat -c %s "$T/big") bytes" \
    jqf '.token_infos | length > 80000' "$T/big"

# ---------------------------------------------------------------- command line
"$EMU" --fail 700:1 >/dev/null 2>"$T/argerr"
RC=$?
check "bad arguments: exit 2 with a message" eval '[ $RC -eq 2 ] && grep -q "fail" "$T/argerr"'
"$EMU" --bogus >/dev/null 2>&1
check "unknown option: exit 2" eq "$?" 2
start term
kill -TERM "$LAST_PID"
wait "$LAST_PID"
check "SIGTERM: exit 0" eq "$?" 0

finish
