#!/bin/bash
# End-to-end: patrol audit --fail-on, the gate for CI. The audit prints as
# usual; the exit code is 1 when a token carries a flag asked about (0 when
# none does), and the summary names the flags that tripped it, in every
# format. A misspelt flag is a usage error with a suggestion, before any
# request is sent.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

DAY=86400000
NOW=1760000000000
export PATROL_NOW_MS=$NOW
emu_start --now-ms $NOW

mk() {
	local id
	id=$(curl -s -X POST "$EMU_URL/emulator/tokens" -d "$1" | jq -r '.token_id // empty')
	[ -n "$id" ] || { echo "cannot make token: $1"; exit 99; }
	echo "$id"
}
# The token patrol signs in with never expires and has no scopes (never-expires,
# all-apis, self); add one more that never expires and one clean token.
NEVER=$(mk "{\"comment\":\"ci deploy\",\"creation_time\":$((NOW - DAY)),\"expiry_time\":-1,\"scopes\":[\"sql\"],\"last_accessed_time\":$NOW}")
CLEAN=$(mk "{\"comment\":\"dashboard\",\"creation_time\":$((NOW - DAY)),\"expiry_time\":$((NOW + 20 * DAY)),\"scopes\":[\"sql\"],\"last_accessed_time\":$NOW}")

# --- nothing asked about is carried: exit 0 -------------------------------------
run audit --fail-on expired,privileged
check_rc "no token carries expired or privileged" 0
check_match "  the audit is printed as usual" "^never-expires +2 " "$OUT"
check_match "  the summary says the gate passed" "^--fail-on: no token carries expired,privileged: passed\.\$" "$OUT"

# --- a flag asked about is carried: exit 1, after the audit ---------------------
reset_stats
run audit --fail-on privileged,never-expires,self
check_rc "tokens carry never-expires and self" 1
check_match "  the flagged tokens are listed first" "^${NEVER:0:10} .*never-expires" "$OUT"
check_eq "  the last line names the flags that tripped it, with counts" \
	"--fail-on: failed: never-expires (2 tokens) self (1 token)." "$(printf '%s\n' "$OUT" | tail -n 1)"
check_nomatch "  privileged did not trip it" "failed:.*privileged" "$OUT"
check_eq "  one list and one settings read, nothing else" "1 1 2" \
	"$(count 'GET /api/2.0/token/list') $(count 'GET /api/2.0/workspace-conf') $(stats .total)"

run audit -o json --fail-on never-expires,expiring
check_rc "JSON: tripped" 1
check_eq "  JSON has every token" 3 "$(printf '%s' "$OUT" | jq '.tokens | length')"
check_eq "  summary.fail_on says what was asked, what tripped, and that it failed" \
	'{"flags":["never-expires","expiring"],"tripped":{"never-expires":2},"failed":true,"unseen":null}' \
	"$(printf '%s' "$OUT" | jq -c '.summary.fail_on')"
run audit -o json --fail-on expiring
check_rc "JSON: passed" 0
check_eq "  summary.fail_on: nothing tripped" '{"flags":["expiring"],"tripped":{},"failed":false,"unseen":null}' \
	"$(printf '%s' "$OUT" | jq -c '.summary.fail_on')"
run audit -o json
check_rc "without --fail-on a flagged audit exits 0" 0
check_eq "  and its summary has no fail_on" "null" "$(printf '%s' "$OUT" | jq -c '.summary.fail_on')"

run audit -o csv --fail-on all-apis
check_rc "CSV: tripped" 1
check_eq "  CSV on stdout, every token" 4 "$(printf '%s\n' "$OUT" | wc -l)"
check_match "  the summary on stderr names the flag" "^--fail-on: failed: all-apis \(1 token\)\.\$" "$ERR"

# --- the filter narrows what the gate sees --------------------------------------
run audit --filter '!flag:never-expires' --fail-on never-expires
check_rc "the filter leaves no never-expiring token" 0
run audit --filter "comment:ci" --fail-on never-expires -o json
check_rc "the filter keeps one" 1
check_eq "  counted over the filtered rows" 1 "$(printf '%s' "$OUT" | jq '.summary.fail_on.tripped["never-expires"]')"

# --- a gate that did not see every token does not pass ---------------------------
# One entry of the list is malformed (skipped, with a warning): the gate cannot
# say no token carries the flag.
emu_stop
. "${top_srcdir:-.}/tests/e2e/rawlib.sh"
GOOD=$(printf '%064x' 21)
printf '{"token_infos":[{"token_id":"%s","creation_time":%s,"expiry_time":%s,"comment":"ok","created_by_username":"u@example.com"},{"token_id":"%064x","creation_time":%s,"expiry_time":-1,"comment":"odd","created_by_username":"u@example.com","last_accessed_time":1.5}]}' \
	"$GOOD" $((NOW - DAY)) $((NOW + 20 * DAY)) 22 $((NOW - DAY)) >"$T/odd.json"
raw_start --list-body "$T/odd.json"
for fmt in table json csv; do
	run --rate 0 audit --all --fail-on never-expires -o $fmt
	check_rc "$fmt: an entry skipped, no flag carried: the gate fails" 1
	check_match "  $fmt: the skip is warned about" "warning: the list had 1 malformed entry" "$ERR"
	case $fmt in
	json) check_eq "  json: failed, and what it did not see" \
		'{"failed":true,"unseen":"1 entry was skipped as malformed"}' \
		"$(printf '%s' "$OUT" | jq -c '.summary.fail_on | {failed, unseen}')" ;;
	table) check_eq "  table: not passed, and why" \
		"--fail-on: not passed: no token audited carries never-expires, but 1 entry was skipped as malformed." \
		"$(printf '%s\n' "$OUT" | tail -n 1)" ;;
	csv) check_match "  csv: not passed, on stderr" "^--fail-on: not passed: .*1 entry was skipped" "$ERR" ;;
	esac
done
emu_stop

# A workspace that could not be audited: the exit code was already 1; the
# gate's line no longer says "passed".
emu_start --now-ms $NOW
{ cfg_profile up "$EMU_URL"; cfg_profile down "http://127.0.0.1:1"; } | cfg_write
unset DATABRICKS_HOST DATABRICKS_TOKEN
run --profiles up,down audit --fail-on expired -o json
check_rc "a workspace down: the gate fails" 1
check_eq "  json: failed, and which part it did not see" \
	'{"failed":true,"unseen":"1 workspace could not be audited"}' \
	"$(printf '%s' "$OUT" | jq -c '.summary.fail_on | {failed, unseen}')"
run --profiles up,down audit --fail-on expired
check_nomatch "  table: it does not say passed" "passed\." "$OUT"
check_match "  table: not passed, and why" "^--fail-on: not passed: .*1 workspace could not be audited\.\$" "$OUT"
export DATABRICKS_HOST=$EMU_URL DATABRICKS_TOKEN=$ADMIN_TOKEN

# --- bad names: usage errors, nothing sent ---------------------------------------
reset_stats
run audit --fail-on never-expire
check_rc "a misspelt flag" 2
check_eq "  says which, and what was meant" \
	"patrol: --fail-on: unknown audit flag 'never-expire': did you mean 'never-expires'? (patrol(1) lists them)" "$ERR"
run audit --fail-on 'self,bogus-flag-name'
check_rc "an unknown flag after a good one" 2
check_match "  names the unknown one" "unknown audit flag 'bogus-flag-name'" "$ERR"
run audit --fail-on 'self,,expired'
check_rc "an empty name" 2
run list --fail-on self
check_rc "--fail-on belongs to audit" 2
check_eq "  no request was sent for any of them" 0 "$(stats .total)"
run help audit
check_match "help audit lists --fail-on" "--fail-on FLAG\[,FLAG\.\.\.\]" "$OUT"

finish
