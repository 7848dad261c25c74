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

# results RESULT: how many rows of the last JSON output have that result.
results() {
	printf '%s' "$OUT" | jq --arg r "$1" '[.[] | select(.result == $r)] | length'
}

# revoke_first N DESC ARGS...: revoke the first N ids (ids N) with patrol
# ARGS, the emulator's counts reset before; check the exit code and that
# each id was revoked exactly once.
revoke_first() {
	local n=$1 desc=$2
	shift 2
	ids "$n" >"$T/ids"
	reset_stats
	run revoke --all --yes --from "$T/ids" "$@"
	check_rc "$desc" 0
	check_eq "$desc: each of the $n revoked exactly once" "$n" "$(revoked_once "$T/ids")"
}

# at_most DESC LIMIT VALUE
at_most() {
	if [ "$3" -le "$2" ]; then ok "$1 ($3)"; else not_ok "$1" "$3 > $2"; fi
}

# --- the defaults find a workspace's rate limit ----------------------------------------
emu_start --generate 600:10 --seed 31 --rate-limit 20
revoke_first 300 "300 revokes against --rate-limit 20, defaults" -o json
check_eq "all 300 revoked" 300 "$(results revoked)"
check_match "the summary says no failure" '300 revoked, 0 already gone, 0 failed' "$ERR"
THROTTLED=$(stats .faults.rate_limited)
check_match "the workspace did throttle: no fixed slow rate ($THROTTLED 429s)" '^[1-9]' "$THROTTLED"
at_most "429s stay few: at most 10% of the 300" 30 "$THROTTLED"
emu_stop

# Told a rate under the workspace's limit: not a single 429.
emu_start --generate 100:4 --seed 32 --rate-limit 20
revoke_first 40 "--rate 10 against --rate-limit 20" --rate 10
check_eq "--rate 10 against --rate-limit 20: no 429" 0 "$(stats .faults.rate_limited)"
emu_stop

# --- --rate and --jobs are hard caps; the window grows ----------------------------------
emu_start --generate 100:4 --seed 33
revoke_first 15 "--rate 4" --rate 4
# a bucket of one: at most 1 + 4 starts in any second (one more for the
# time a request takes to arrive)
at_most "--rate 4: requests that arrived in any second" 6 "$(stats .peak_per_second)"
emu_stop

emu_start --generate 600:4 --seed 34 --latency-ms 200
revoke_first 60 "--jobs 3" --jobs 3
at_most "--jobs 3: requests at once" 3 "$(stats .peak_inflight)"
revoke_first 200 "200 revokes, defaults"
PEAK=$(stats .peak_inflight)
check_match "the window grew past its start of 8 ($PEAK at once)" '^(9|[1-9][0-9]+)$' "$PEAK"
at_most "and stayed within the cap of 32" 32 "$PEAK"
emu_stop

# --- a revoke answered 500 is sent again --------------------------------------------------
emu_start --generate 50:2 --seed 35 --fail 500:1:3 --fault-path /api/2.0/token-management/tokens/
revoke_first 10 "revokes answered 500 (before processing)" -o json
check_eq "  all 10 revoked" 10 "$(results revoked)"
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
check_eq "  none of them is left" 0 "$(still_there "$T/ids")"
emu_stop

# The Token API's revoke (a user's own token) too.
emu_start --user bob@example.com=$BOB --fail 500:1:1 --fault-path /api/2.0/token/delete
OTHER=$(tok_id "$(DATABRICKS_TOKEN=$BOB "$PATROL" create --comment "bob's other")")
DATABRICKS_TOKEN=$BOB run revoke --yes "$OTHER"
check_rc "a user's own revoke answered 500 once" 0
check_eq "  sent twice" 2 "$(count 'POST /api/2.0/token/delete')"
check_eq "  revoked once" 1 "$(stats ".revokes[\"$OTHER\"]")"
emu_stop

finish
