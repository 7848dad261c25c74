#!/bin/bash
# End-to-end fault matrix: each case starts an emulator that injects one
# fault and asserts the exact number of requests it received, the exit code
# and what patrol said. The retry table is token-api.md "Retries".
. "${top_srcdir:-.}/tests/e2e/lib.sh"

# case_list DESC EXPECT_RC EXPECT_GETS EMULATOR_ARGS...
case_list() {
	local desc=$1 want_rc=$2 want_n=$3
	shift 3
	emu_start "$@"
	run list -o json
	check_rc "list, $desc" "$want_rc"
	check_eq "list, $desc: requests sent" "$want_n" "$(count 'GET /api/2.0/token/list')"
	emu_stop
}

# case_create DESC EXPECT_RC EXPECT_POSTS EXPECT_CREATED EMULATOR_ARGS...
case_create() {
	local desc=$1 want_rc=$2 want_n=$3 want_made=$4
	shift 4
	emu_start --fault-path /token/create "$@"
	run create --comment "fault case"
	check_rc "create, $desc" "$want_rc"
	check_eq "create, $desc: requests sent" "$want_n" "$(count 'POST /api/2.0/token/create')"
	check_eq "create, $desc: tokens made" "$want_made" "$(stats .creates)"
}

# --- idempotent requests are retried on throttling, 5xx gateways, resets ---
case_list "429 twice with Retry-After" 0 3 --fail 429:1:2 --retry-after 1
case_list "429 without Retry-After" 0 2 --fail 429:1:1 --retry-after -1
case_list "503 once" 0 2 --fail 503:1:1
case_list "502 once" 0 2 --fail 502:1:1
case_list "504 once" 0 2 --fail 504:1:1
case_list "500 is not retried" 4 1 --fail 500:1:1
case_list "connection dropped once" 0 2 --drop 1:1
case_list "502 HTML page once" 0 2 --garbage 1:1 --garbage-kind html
case_list "truncated JSON is not retried" 4 1 --garbage 1:1 --garbage-kind truncated
check_match "truncated JSON is called malformed" "malformed" "$ERR"
case_list "403 HTML page" 3 1 --fail 403:1 --error-format html
check_match "HTML error message taken from the page" "permission denied" "$ERR"
case_list "401 numeric error_code" 3 1 --fail 401:1 --error-format numeric
case_list "404 plain text body" 1 1 --fail 404:1 --error-format text
check_match "plain text CODE: message parsed" "HTTP 404 NOT_FOUND" "$ERR"
case_list "400 {\"error\": msg}" 1 1 --fail 400:1 --error-format error
case_list "404 SCIM body" 1 1 --fail 404:1 --error-format scim
case_list "503 empty body, then ok" 0 2 --fail 503:1:1 --error-format empty

# --- the response cap ------------------------------------------------------
emu_start --generate 300:3 --seed 1
PATROL_MAX_RESPONSE_BYTES=4000 run list -o json
check_rc "oversized body" 4
check_match "oversized body is named" "too large|larger than" "$ERR"
check_eq "oversized body is not retried" 1 "$(count 'GET /api/2.0/token/list')"
emu_stop

# --- creates: resent only when provably not processed ----------------------
case_create "503 then ok" 0 2 1 --fail 503:1:1
emu_stop
case_create "429 then ok" 0 2 1 --fail 429:1:1
emu_stop
case_create "500: outcome unknown, not resent" 4 1 0 --fail 500:1:1
check_match "unknown outcome explained" "outcome unknown" "$ERR"
check_match "lookup finds no token, and says to check before creating again" "no token with this comment has appeared.*before creating another" "$ERR"
check_eq "lookup listed the tokens once" 1 "$(count 'GET /api/2.0/token/list')"
emu_stop
case_create "502: outcome unknown, not resent" 4 1 0 --fail 502:1:1
emu_stop
case_create "dropped after processing: not resent" 4 1 1 --drop 1:1
check_match "the made token is found and named" "a token with this comment was created at that time" "$ERR"
check_match "and the fix is given" "patrol revoke [0-9a-f]{64}" "$ERR"
emu_stop
case_create "200 with truncated JSON" 4 1 1 --garbage 1:1 --garbage-kind truncated
check_match "secret lost: said plainly" "cannot be recovered|unreadable" "$ERR"
emu_stop

# --- quota exceeded: a plain failure, never retried -------------------------
emu_start
seq 599 | xargs -P 4 -I{} curl -s -o /dev/null -X POST -H "Authorization: Bearer $ADMIN_TOKEN" \
	-d '{"comment":"filler {}"}' "$EMU_URL/api/2.0/token/create"
check_eq "600 tokens now (admin's own + 599)" 600 "$(stats '.active_tokens["admin@example.com"]')"
reset_stats
run create --comment "one too many"
check_rc "create over quota" 1
check_match "quota message" "quota exceeded" "$ERR"
check_match "quota hint" "revoke unused tokens" "$ERR"
check_eq "quota error not retried" 1 "$(count 'POST /api/2.0/token/create')"
emu_stop

# --- a 401 in the middle of a bulk revoke stops everything -----------------
# (twenty tokens of the caller's: an id no list has is not sent at all)
emu_start --fail 401:1 --fault-path /token/delete --error-format numeric
for i in $(seq 20); do
	curl -s -X POST "$EMU_URL/emulator/tokens" -d "{\"comment\":\"victim $i\"}" | jq -r .token_id
done >"$T/victims"
run --jobs 2 --rate 0 revoke --yes --from "$T/victims"
check_rc "bulk revoke stops on 401" 3
check_match "it says it stopped" "stopping" "$ERR"
SENT=$(count 'POST /api/2.0/token/delete')
# at most 0 + 1 + 2 * (jobs - 1): the bound tests/e2e/halt.sh explains
if [ "$SENT" -ge 1 ] && [ "$SENT" -le 3 ]; then ok "at most the in-flight revokes were sent ($SENT)"; else not_ok "at most 3 revokes sent" "sent $SENT"; fi
check_eq "every id has a result line" 20 "$(printf '%s\n' "$OUT" | grep -cE '^(failed|not attempted|unknown) ')"
emu_stop

# --- nothing listening ------------------------------------------------------
DATABRICKS_HOST=http://127.0.0.1:9 run --timeout 3 list
check_rc "connection refused" 4
check_match "network error named" "network|connect" "$ERR"

finish
