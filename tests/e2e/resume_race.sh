#!/bin/bash
# Two `revoke --resume` (or `pin --resume`) of one session at once. The one
# that reads the session first and is kept waiting on its first request
# (the emulator's hold) while the other runs the session to its end takes
# the lock after that and reads the session again: it says the session was
# finished meanwhile by another patrol, exits 0 and sends nothing, instead
# of reconciling its stale plan (every token "already gone"). Each token is
# changed exactly once. (rotate --resume: tests/e2e/rotate_resume.sh.)
. "${top_srcdir:-.}/tests/e2e/lib.sh"

export XDG_STATE_HOME="$T/state"
NOW=1767225600000
DAY=86400000
R="\"autoscope_state\":\"AUTOSCOPE_STATE_RUNNING\",\"creation_time\":$((NOW - 25 * DAY))"

# cut_short CMD ARGS...: run `patrol CMD ARGS` and kill -9 it while the
# emulator holds its first change (path HOLD), then let that one go on.
cut_short() {
	local pid
	hold "$HOLD"
	"$PATROL" "$@" >"$T/killed.out" 2>&1 &
	pid=$!
	wait_stats "$1: the first change arrived" "$ARRIVED" 1
	kill -9 "$pid"
	wait "$pid" 2>/dev/null
	release
	wait_stats "$1: and was made" "$MADE" 1
}
# changes: the requests that change something, so far.
changes() {
	stats '[.requests | to_entries[] | select(.key | test("^(PATCH|DELETE|POST) ")) | .value] | add // 0'
}
# race CMD: two `patrol CMD --resume --yes`; the first is held on its first
# request, the second runs the session to its end, then the first goes on.
race() {
	local first rc1 base sent
	base=$(stats .total)
	hold /api/
	"$PATROL" "$1" --resume --yes >"$T/out1" 2>"$T/err1" &
	first=$!
	wait_stats "$1: the first resume is held" .total $((base + 1))
	run "$1" --resume --yes
	check_rc "$1: the second resume runs the session" 0
	sent=$(changes)
	release
	wait "$first"
	rc1=$?
	check_eq "$1: the first exits 0" 0 "$rc1"
	check_match "$1: it says another patrol finished the session" \
		"session $SESSION was finished meanwhile by another patrol \\(pid [0-9]+\\): nothing is left to do" \
		"$(cat "$T/err1")"
	check_nomatch "$1: it reports nothing as failed or gone" \
		'no longer|reconciled|[1-9][0-9]* (failed|already gone|unknown)' "$(cat "$T/out1" "$T/err1")"
	check_eq "$1: the first sent nothing" "$sent" "$(changes)"
	check_eq "$1: the session ended once" 1 \
		"$(grep -c '"type":"end"' "$XDG_STATE_HOME/patrol/$SESSION.jsonl")"
}

# --- revoke ---------------------------------------------------------------------------
emu_start --generate 200:5 --seed 21
ids 6 >"$T/ids"
HOLD=token-management/tokens/ ARRIVED='[.requests | to_entries[] | select(.key | startswith("DELETE ")) | .value] | add // 0'
MADE='[.revokes[]] | add // 0'
cut_short revoke --all --yes --jobs 1 --from "$T/ids"
SESSION=$(basename "$(ls "$XDG_STATE_HOME"/patrol/*.jsonl)" .jsonl)
check_eq "revoke: the session is unfinished" unfinished "$("$PATROL" journal -o json | jq -r '.[0].state')"
race revoke
check_eq "revoke: each token revoked exactly once" 6 "$(revoked_once "$T/ids")"
check_eq "revoke: none is left" 0 "$(still_there "$T/ids")"
emu_stop

# --- pin ------------------------------------------------------------------------------
rm -rf "$XDG_STATE_HOME"
emu_start --now-ms $NOW
for i in 1 2 3 4; do
	mktok "{$R,\"comment\":\"job $i\",\"inferred_scopes\":[\"jobs\"],\"expiry_time\":-1}"
done >"$T/pins"
ID=$(head -n 1 "$T/pins")
HOLD=$ID ARRIVED=".requests[\"PATCH /api/2.0/token/$ID\"] // 0"
MADE="[.updates[] | select(.token_id == \"$ID\")] | length"
cut_short pin --yes --jobs 1 --filter 'comment:job'
SESSION=$(basename "$(ls "$XDG_STATE_HOME"/patrol/*.jsonl)" .jsonl)
check_eq "pin: the session is unfinished" "pin unfinished" \
	"$("$PATROL" journal -o json | jq -r '.[0] | "\(.kind) \(.state)"')"
race pin
check_eq "pin: each token updated exactly once" "4 1" \
	"$(stats '[.updates[] | .token_id] | group_by(.) | "\(length) \(map(length) | max)"')"

finish
