#!/bin/bash
# End-to-end: every CLI command against the emulator, asserting on output,
# exit codes and what the emulator received.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

emu_start
ADMIN_ID=$(tok_id "$ADMIN_TOKEN")

# --- list on a fresh workspace: just the admin's own token ---------------
run list -o json
check_rc "list -o json" 0
check_eq "list returns the admin token, id = sha256(value)" "$ADMIN_ID" "$(printf '%s' "$OUT" | jq -r '.[0].token_id')"
check_eq "one list request sent" 1 "$(count 'GET /api/2.0/token/list')"

# --- create -----------------------------------------------------------
run create --comment "ci deploy" --lifetime 90d --scope sql --scope jobs
check_rc "create" 0
check_eq "stdout holds the secret alone" 1 "$(printf '%s\n' "$OUT" | grep -cE '^dapi[0-9a-f]{32}$')"
check_eq "stdout has one line" 1 "$(printf '%s\n' "$OUT" | wc -l)"
SECRET=$OUT
NEW_ID=$(tok_id "$SECRET")
check_match "stderr names the new token id" "created token $NEW_ID" "$ERR"
check_eq "exactly one create sent" 1 "$(count 'POST /api/2.0/token/create')"
DATABRICKS_TOKEN=$SECRET run whoami -o json
check_eq "the new secret authenticates" "admin@example.com" "$(printf '%s' "$OUT" | jq -r .userName)"

run list -o json
ROW=$(printf '%s' "$OUT" | jq -c ".[] | select(.token_id == \"$NEW_ID\")")
check_eq "new token listed with its comment" "ci deploy" "$(printf '%s' "$ROW" | jq -r .comment)"
check_eq "new token has the scopes asked for" '["sql","jobs"]' "$(printf '%s' "$ROW" | jq -c .scopes)"
check_eq "lifetime 90d = expiry - creation" $((90 * 86400 * 1000)) "$(printf '%s' "$ROW" | jq '.expiry_time - .creation_time')"

run create -o json --comment "json one"
check_rc "create -o json" 0
check_match "create -o json has token_value" '^dapi[0-9a-f]{32}$' "$(printf '%s' "$OUT" | jq -r .token_value)"
check_eq "create -o json has token_info.comment" "json one" "$(printf '%s' "$OUT" | jq -r .token_info.comment)"

# --- table and csv ------------------------------------------------------
run list
check_rc "list (table)" 0
check_match "table header" '^ID +COMMENT +CREATED +EXPIRES +LAST USED +SCOPES' "$(printf '%s\n' "$OUT" | head -n 1)"
check_match "table row for the new token" "${NEW_ID:0:10} +ci deploy .*sql,jobs" "$OUT"
run list -o csv
check_eq "csv header" "token_id,comment,created,expires,last_used,scopes,owner,autoscope_state,flags,auto_revoke,auto_revoke_estimated" "$(printf '%s\n' "$OUT" | head -n 1)"
check_match "csv row" "^\"$NEW_ID\",\"ci deploy\"," "$OUT"

# --- show by prefix -----------------------------------------------------
run show "${NEW_ID:0:8}"
check_rc "show by prefix" 0
check_match "show prints the full id" "token_id: +$NEW_ID" "$OUT"
check_match "show prints the scopes (one list format everywhere)" "scopes: +sql,jobs$" "$OUT"
run show "${ADMIN_ID:0:12}"
check_match "show marks the token patrol uses" "in use by patrol: +yes" "$OUT"
run show ffffffffffff
check_rc "show of an unknown id" 1

# --- update sends only what changed --------------------------------------
reset_stats
run update "$NEW_ID" --comment "ci deploy (renamed)"
check_rc "update --comment" 0
check_eq "update_mask names only comment" "comment" "$(stats '.updates[-1].update_mask')"
run update "${NEW_ID:0:10}" --scope sql
check_eq "update_mask names only scopes" "scopes" "$(stats '.updates[-1].update_mask')"
run update "$NEW_ID" --comment both --scope jobs
check_eq "update_mask names both" "comment,scopes" "$(stats '.updates[-1].update_mask')"
run list -o json
check_eq "update applied" "both" "$(printf '%s' "$OUT" | jq -r ".[] | select(.token_id == \"$NEW_ID\") | .comment")"
run update "$NEW_ID"
check_rc "update with nothing to change" 2

# --- revoke: dry run, read-only, confirmation, real ----------------------
reset_stats
run --dry-run revoke --yes "$NEW_ID"
check_rc "dry-run revoke" 0
check_match "dry-run summary counts it" "1 would be revoked" "$ERR"
check_match "dry-run says what it would do" "would revoke +$NEW_ID" "$OUT"
check_eq "dry-run sent no delete" 0 "$(count 'POST /api/2.0/token/delete')"
run --read-only revoke --yes "$NEW_ID"
check_rc "read-only refuses revoke" 2
check_match "read-only says why" "read-only" "$ERR"
run --read-only create --comment x
check_rc "read-only refuses create" 2
run --read-only settings set max-lifetime-days 30
check_rc "read-only refuses settings set" 2
check_eq "read-only and dry-run sent nothing mutating" 0 "$(stats '[.requests | to_entries[] | select(.key | test("^(POST|PATCH|DELETE)"))] | length')"
run revoke "$NEW_ID"
check_rc "revoke without a terminal and without --yes" 2
check_match "it says how to confirm" "without confirmation" "$ERR"
check_eq "nothing was revoked" 0 "$(count 'POST /api/2.0/token/delete')"
run revoke --yes "$NEW_ID"
check_rc "revoke --yes" 0
check_match "revoke reports revoked" "^revoked +$NEW_ID" "$OUT"
check_eq "the emulator got one revoke for it" 1 "$(stats ".revokes[\"$NEW_ID\"] // 0")"
run revoke --yes "$NEW_ID"
check_rc "revoking it again" 0
check_match "second revoke reports already gone" "^already gone +$NEW_ID" "$OUT"

# --- the token patrol uses is protected -----------------------------------
reset_stats
run revoke --yes "$ADMIN_ID"
check_match "own token skipped" "^skipped +$ADMIN_ID" "$OUT"
check_eq "no delete sent for the own token" 0 "$(count 'POST /api/2.0/token/delete')"

# --- bulk revoke from a file, concurrently --------------------------------
: >"$T/ids"
for i in 1 2 3 4 5 6; do
	run create --comment "bulk $i"
	tok_id "$OUT" >>"$T/ids"
done
printf '# a comment line\n\n' >>"$T/ids"
run list -o json --filter 'comment:bulk'
check_eq "filter comment:bulk finds 6" 6 "$(printf '%s' "$OUT" | jq length)"
run list -o json --filter 'bulk !comment:"bulk 3"' --sort comment:desc
check_eq "negation and sort" '["bulk 6","bulk 5","bulk 4","bulk 2","bulk 1"]' "$(printf '%s' "$OUT" | jq -c 'map(.comment)')"
reset_stats
run --jobs 4 revoke --yes --from "$T/ids"
check_rc "bulk revoke" 0
check_eq "six revoked lines" 6 "$(printf '%s\n' "$OUT" | grep -c '^revoked ')"
check_eq "each revoked exactly once" '[1,1,1,1,1,1]' "$(stats '[.revokes[]]' | jq -c .)"
run list -o json --filter 'comment:bulk'
check_eq "none left" 0 "$(printf '%s' "$OUT" | jq length)"

# --- revoke by filter, JSON results ---------------------------------------
for i in 1 2; do run create --comment "old poc $i"; done
reset_stats
run -o json revoke --yes --filter 'comment:"old poc"'
check_eq "revoke --filter -o json results" '["revoked","revoked"]' "$(printf '%s' "$OUT" | jq -c 'map(.result)')"
check_eq "two deletes sent" 2 "$(count 'POST /api/2.0/token/delete')"

# --- quota, whoami, settings ---------------------------------------------
run quota
check_rc "quota" 0
ACTIVE=$(curl -s "$EMU_URL/emulator/stats" | jq '.active_tokens["admin@example.com"]')
check_match "quota counts active tokens against 600" "^$ACTIVE/600 active tokens" "$OUT"
run quota -o json
check_eq "quota -o json" "$ACTIVE 600" "$(printf '%s' "$OUT" | jq -r '"\(.active) \(.quota)"')"
run whoami
check_match "whoami user" "user: +admin@example.com" "$OUT"
check_match "whoami admin" "admin: +yes" "$OUT"
check_match "whoami auth and token" "auth: +pat \\(token ${ADMIN_ID:0:10}\\)" "$OUT"
run settings
check_rc "settings get" 0
check_match "default max lifetime" "max-lifetime-days: +730" "$OUT"
run settings set max-lifetime-days 30
check_rc "settings set" 0
run settings get -o json
check_eq "setting stored as a string" '"30"' "$(printf '%s' "$OUT" | jq -c .maxTokenLifetimeDays)"
run create --comment too-long --lifetime 60d
check_rc "create beyond the workspace maximum fails" 1
check_match "server reason shown" "INVALID_PARAMETER_VALUE" "$ERR"
run settings set max-lifetime-days 9999
check_rc "settings rejects an out-of-range value" 2

# --- usage errors: exit 2, nothing sent ------------------------------------
reset_stats
run frobnicate;                      check_rc "unknown command" 2
run list --comment x;                check_rc "option that does not apply" 2
check_match "says it does not apply" "does not apply" "$ERR"
run --dry-run create $(for i in $(seq 30); do printf -- '--scope s%s ' "$i"; done) --all
check_rc "an option that does not apply is caught after 30 others" 2
run --token-stdin revoke --yes --from -
check_rc "--token-stdin and --from - cannot share stdin" 2
run create --lifetime 0;             check_rc "lifetime 0 refused locally" 2
run create --lifetime 12x;           check_rc "bad lifetime" 2
run list --filter 'foo:bar';         check_rc "bad filter field" 2
run list --sort nope;                check_rc "bad sort column" 2
run -o xml list;                     check_rc "bad output format" 2
# Every option that checks its value says what is wrong (one row each: the
# arguments, then what stderr says).
while IFS='|' read -r args want; do
	run $args
	check_rc "$args" 2
	check_match "$args: says why" "$want" "$ERR"
done <<'EOF'
-o xml list|unknown output format 'xml' \(table, json, csv\)
--jobs 0 list|--jobs takes a number from 1 to 256
--jobs 257 list|--jobs takes a number from 1 to 256
--jobs 3x list|--jobs takes a number
--rate -1 list|--rate takes requests per second from 0
--rate 10001 list|--rate takes requests per second
--rate fast list|--rate takes requests per second
--timeout soon list|--timeout takes a duration such as 30, 90s or 5m
--timeout 2d list|--timeout takes a duration
audit --fail-on nope|--fail-on: unknown audit flag 'nope'
EOF
run create $(for i in $(seq 65); do printf -- '--scope s%s ' "$i"; done)
check_rc "65 --scope" 2
check_match "65 --scope: at most 64" "too many --scope options \\(at most 64\\)" "$ERR"
run pin --all $(for i in $(seq 65); do printf -- '--add s%s ' "$i"; done)
check_rc "65 --add" 2
check_match "65 --add: at most 64" "too many --add options \\(at most 64\\)" "$ERR"
run $(for i in $(seq 65); do printf -- '-p w%s ' "$i"; done) list
check_rc "65 -p" 2
check_match "65 -p: at most 64" "too many profile options \\(at most 64" "$ERR"
run list --sort bogus
check_rc "an unknown sort column" 2
check_match "  names every column it takes" \
	"comment created expires last-used scopes owner id workspace auto-revoke, optionally :asc or :desc" "$ERR"
check_eq "usage errors sent no request" 0 "$(stats .total)"
run --version
check_match "--version" '^patrol [0-9]+\.[0-9]+' "$OUT"
run --help
check_rc "--help" 0
check_match "--help lists commands" "revoke" "$OUT"

finish
