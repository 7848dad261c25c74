#!/bin/bash
# End-to-end: how fast patrol sends (src/pace.h), and the retry of a revoke
# answered 500. With no --rate, a workspace's rate limit is found: every
# token revoked once, no failure, a bounded number of 429s; --jobs and
# --rate stay hard caps; the window grows while answers come back clean.
# Everything is asserted on what the emulator received (/emulator/stats:
# requests, 429s, peak_inflight, peak_per_second) and on exit codes, never
# on time.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

export XDG_STATE_HOME="$T/state"
BOB=dapi11111111111111111111111111111111

# ids N: the first N token ids of generated users (never the admin's own).
ids() {
	curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "$EMU_URL/api/2.0/token-management/tokens" |
		jq -r '.token_infos[] | select(.created_by_username != "admin@example.com") | .token_id' |
		sort | head -n "$1"
}

# results RESULT: how many rows of the last JSON output have that result.
results() {
	printf '%s' "$OUT" | jq --arg r "$1" '[.[] | select(.result == $r)] | length'
}

# --- the defaults find a workspace's rate limit ----------------------------------------
emu_start --generate 600:10 --seed 31 --rate-limit 20
ids 300 >"$T/ids"
reset_stats
run revoke --all --yes --from "$T/ids" -o json
check_rc "300 revokes against --rate-limit 20, defaults" 0
check_eq "all 300 revoked" 300 "$(results revoked)"
check_eq "each exactly once" 300 "$(revoked_once "$T/ids")"
THROTTLED=$(stats .faults.rate_limited)
TOTAL=$(stats .total)
check_match "the workspace did throttle: no fixed slow rate ($THROTTLED 429s)" '^[1-9]' "$THROTTLED"
if [ "$THROTTLED" -le 30 ]; then ok "429s stay few: $THROTTLED of $TOTAL requests"; else not_ok "429s stay few" "$THROTTLED 429s of $TOTAL requests"; fi
check_match "the summary says no failure" '300 revoked, 0 already gone, 0 failed' "$ERR"
emu_stop

# Told a rate under the workspace's limit: not a single 429.
emu_start --generate 100:4 --seed 32 --rate-limit 20
ids 40 >"$T/ids"
reset_stats
run revoke --all --yes --rate 10 --from "$T/ids"
check_rc "--rate 10 against --rate-limit 20" 0
check_eq "  each revoked once" 40 "$(revoked_once "$T/ids")"
check_eq "  no 429" 0 "$(stats .faults.rate_limited)"
emu_stop

# --- --rate and --jobs are hard caps --------------------------------------------------------
emu_start --generate 100:4 --seed 33
ids 15 >"$T/ids"
reset_stats
run revoke --all --yes --rate 4 --from "$T/ids"
check_rc "--rate 4" 0
check_eq "  each revoked once" 15 "$(revoked_once "$T/ids")"
PEAK=$(stats .peak_per_second)
# a bucket of one: at most 1 + 4 starts in any second (one more for the
# time a request takes to arrive)
if [ "$PEAK" -le 6 ]; then ok "--rate 4: at most 6 requests arrived in any second ($PEAK)"; else not_ok "--rate 4 respected" "peak_per_second $PEAK"; fi
emu_stop

emu_start --generate 600:4 --seed 34 --latency-ms 200
ids 60 >"$T/ids"
reset_stats
run revoke --all --yes --jobs 3 --from "$T/ids"
check_rc "--jobs 3" 0
check_eq "  each revoked once" 60 "$(revoked_once "$T/ids")"
PEAK=$(stats .peak_inflight)
if [ "$PEAK" -ge 1 ] && [ "$PEAK" -le 3 ]; then ok "--jobs 3: at most 3 requests at once ($PEAK)"; else not_ok "--jobs 3 respected" "peak_inflight $PEAK"; fi
ids 200 >"$T/ids"
reset_stats
run revoke --all --yes --from "$T/ids"
check_rc "200 revokes, defaults" 0
check_eq "  each revoked once" 200 "$(revoked_once "$T/ids")"
PEAK=$(stats .peak_inflight)
if [ "$PEAK" -gt 8 ] && [ "$PEAK" -le 32 ]; then ok "the window grew past its start of 8, within the cap of 32 ($PEAK)"; else not_ok "the window grows within the cap" "peak_inflight $PEAK"; fi
emu_stop

# --- a revoke answered 500 is sent again --------------------------------------------------
emu_start --generate 50:2 --seed 35 --fail 500:1:3 --fault-path /api/2.0/token-management/tokens/
ids 10 >"$T/ids"
reset_stats
run revoke --all --yes --from "$T/ids" -o json
check_rc "revokes answered 500 (before processing)" 0
check_eq "  all 10 revoked" 10 "$(results revoked)"
check_eq "  each exactly once" 10 "$(revoked_once "$T/ids")"
check_eq "  the three 500s were sent again: 13 DELETEs" 13 \
	"$(stats '[.requests | to_entries[] | select(.key | startswith("DELETE ")) | .value] | add')"
emu_stop

# The server revoked, then answered 500: the second revoke gets 404, which
# counts as done.
emu_start --generate 50:2 --seed 36 --garbage 1:3 --garbage-kind 500 \
	--fault-path /api/2.0/token-management/tokens/
ids 10 >"$T/ids"
reset_stats
run revoke --all --yes --from "$T/ids" -o json
check_rc "revokes done but answered 500" 0
check_eq "  7 revoked, 3 already gone" "7 3" "$(results revoked) $(results 'already gone')"
check_eq "  those 3 reached the server twice, the rest once" "3 7" \
	"$(stats '[([.revokes[] | select(. == 2)] | length), ([.revokes[] | select(. == 1)] | length)] | map(tostring) | join(" ")')"
check_match "  the summary counts no failure" '7 revoked, 3 already gone, 0 failed' "$ERR"
check_eq "  none of them is left" 0 "$(curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "$EMU_URL/api/2.0/token-management/tokens" |
	jq --rawfile ids "$T/ids" '[$ids | split("\n")[] | select(length > 0)] as $w | [.token_infos[].token_id | select(. as $i | $w | index($i))] | length')"
emu_stop

# The Token API's revoke (a user's own token) too.
emu_start --user bob@example.com=$BOB --fail 500:1:1 --fault-path /api/2.0/token/delete
OTHER=$(DATABRICKS_TOKEN=$BOB "$PATROL" create --comment "bob's other" | tr -d '\n' | sha256sum | cut -c1-64)
DATABRICKS_TOKEN=$BOB run revoke --yes "$OTHER"
check_rc "a user's own revoke answered 500 once" 0
check_eq "  sent twice" 2 "$(count 'POST /api/2.0/token/delete')"
check_eq "  revoked once" 1 "$(stats ".revokes[\"$OTHER\"]")"
emu_stop

finish
