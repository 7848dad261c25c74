#!/bin/bash
# End-to-end: revocation sessions on the command line as a careful user
# meets them. A hang-up or SIGTERM leaves the session unfinished, its unsent
# ids left (never "failed"), for a plain --resume; a second --resume while
# one runs names the running one; a dry run and a real run classify ids the
# same way, a stale id being one result line; a finished session with
# failures is retried by --resume SESSION; the plan hint is a command that
# works; without a terminal a long session logs its progress to stderr.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

export XDG_STATE_HOME="$T/state"
BINDIR=$(cd "$(dirname "$PATROL")" && pwd)

# wait_revokes N: until the emulator revoked at least N tokens (bounded).
wait_revokes() {
	local i=0
	while [ "$(stats '.revokes | length')" -lt "$1" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
}

# session_json: the one session of this scenario, as patrol journal -o json.
session_json() { "$PATROL" journal -o json | jq '.[0]'; }

# interrupted SEED SIG: a session of 100 revokes (200 ms each, two at a
# time) cut off by SIG once six are revoked; sets OUT, ERR, RC and SENT.
interrupted() {
	rm -rf "$XDG_STATE_HOME"
	emu_start --generate 300:4 --seed "$1" --latency-ms 200
	ids 100 >"$T/ids"
	"$PATROL" --rate 0 --jobs 2 revoke --all --yes --from "$T/ids" -o json >"$T/sig.out" 2>"$T/sig.err" &
	VICTIM=$!
	wait_revokes 6
	kill -"$2" "$VICTIM"
	wait "$VICTIM"
	RC=$?
	OUT=$(cat "$T/sig.out"); ERR=$(cat "$T/sig.err")
	SENT=$(stats '.revokes | length')
}

# --- a hang-up or SIGTERM leaves the session unfinished ----------------------------------
for sig in HUP TERM; do
	interrupted 51 "$sig"
	check_rc "signal_$sig: the session stops, some not sent" 1
	check_match "signal_$sig: says how to go on" 'rest are not sent: patrol revoke --resume goes on with them' "$ERR"
	check_eq "signal_$sig: the journal says unfinished" "unfinished" "$(session_json | jq -r .state)"
	check_eq "signal_$sig: journal: none failed, none recorded as not attempted, the rest pending" \
		"0 0 $((100 - SENT))" "$(session_json | jq -r '"\(.counts.failed) \(.counts.not_attempted) \(.counts.pending)"')"
	run journal
	check_match "signal_$sig: the table: FAILED 0, LEFT the unsent ones" \
		" unfinished +100 +$SENT +0 +0 +0 +$((100 - SENT))\$" "$OUT"
	run revoke --resume --yes -o json
	check_rc "signal_$sig: a plain --resume goes on with it" 0
	check_eq "signal_$sig: all 100 revoked exactly once in the end" 100 "$(revoked_once "$T/ids")"
	emu_stop
done

# --- Ctrl-C: stopped, and what was not sent is left, not failed ------------------------------
interrupted 52 INT
S=$(session_json | jq -r .session)
check_match "signal_INT: names the session to go on with" "patrol revoke --resume $S goes on with them" "$ERR"
run journal
check_match "signal_INT: the table: stopped, FAILED 0, LEFT the unsent ones" \
	"^$S .* stopped +100 +$SENT +0 +0 +0 +$((100 - SENT))\$" "$OUT"
emu_stop

# --- a second --resume while one runs ---------------------------------------------------------
rm -rf "$XDG_STATE_HOME"
emu_start --generate 300:4 --seed 53 --latency-ms 500
ids 60 >"$T/ids"
"$PATROL" --rate 0 --jobs 1 revoke --all --yes --from "$T/ids" -o json >"$T/run.out" 2>"$T/run.err" &
RUNNER=$!
wait_revokes 1
S=$(session_json | jq -r .session)
run revoke --resume --yes
check_rc "running: a plain --resume refuses" 2
check_match "running: says it runs, with the pid" "session $S is running in another patrol \\(pid $RUNNER, since [0-9]{4}-[0-9]{2}-[0-9]{2} " "$ERR"
run revoke --resume "$S" --yes
check_rc "running: --resume SESSION refuses too" 2
check_match "running: and says the same" "session $S is running in another patrol \\(pid $RUNNER," "$ERR"
kill -TERM "$RUNNER"
wait "$RUNNER"
check_eq "running: nothing was revoked twice" 0 "$(stats '[.revokes[] | select(. > 1)] | length')"
emu_stop

# --- a dry run and a real run classify ids the same way ---------------------------------------
rm -rf "$XDG_STATE_HOME"
emu_start --generate 100:4 --seed 54
ids 2 >"$T/ids"
{
	cat "$T/ids"
	printf '%064x\n' 48879                # a full id no list has
	echo "abcdef0123"                    # a prefix of nothing
	echo ".."                            # not a token id at all
} >"$T/mixed"
classes() { printf '%s' "$OUT" | jq -r 'map(.result) | group_by(.) | map("\(.[0])=\(length)") | join(" ")'; }
run revoke --all --yes --dry-run --from "$T/mixed" -o json
check_rc "dry_vs_real: the dry run" 0
check_eq "dry_vs_real: dry run: 2 would, the stale id gone, the rest skipped" \
	"already gone=1 skipped=2 would revoke=2" "$(classes)"
check_eq "dry_vs_real: the dry run sent nothing" 0 "$(deletes)"
run revoke --all --yes --from "$T/mixed" -o json
check_rc "dry_vs_real: the real run (a stale id is not fatal)" 0
check_eq "dry_vs_real: real run: the same classes, would -> revoked" \
	"already gone=1 revoked=2 skipped=2" "$(classes)"
check_eq "dry_vs_real: only the two real ids were sent" 2 "$(deletes)"
check_match "dry_vs_real: the prefix of nothing is one result" '"token_id": "abcdef0123"' "$OUT"
emu_stop

# --- a finished session with failures is retried by name ----------------------------------------
rm -rf "$XDG_STATE_HOME"
emu_start --generate 100:4 --seed 55 --fail 400:1:2 --fault-path /api/2.0/token-management/tokens/
ids 10 >"$T/ids"
run --rate 0 --jobs 1 revoke --all --yes --from "$T/ids"
check_rc "retry_failed: two failed" 1
S=$(session_json | jq -r .session)
check_eq "retry_failed: the session finished" "finished" "$(session_json | jq -r .state)"
check_match "retry_failed: says how to retry them" "2 failed, unknown or not attempted: patrol revoke --resume $S tries them again" "$ERR"
run journal "$S"
check_match "retry_failed: patrol journal SESSION says how too" \
	"finished: 2 failed or unknown, 0 not sent: patrol revoke --resume $S tries them again" "$ERR"
run revoke --resume --yes
check_rc "retry_failed: a plain --resume finds nothing unfinished" 0
check_match "retry_failed: and names the session to retry" "session $S \\(done\\) has 2 to try again: patrol revoke --resume $S" "$ERR"
reset_stats
run revoke --resume "$S" --yes -o json
check_rc "retry_failed: --resume SESSION retries them" 0
check_eq "retry_failed: the two, and only they, were sent again" 2 "$(deletes)"
check_eq "retry_failed: the two revoked once each now" 2 "$(revoked_once "$T/ids")"
check_eq "retry_failed: none of the ten is left" 0 \
	"$(curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "$EMU_URL/api/2.0/token-management/tokens" |
	   jq --rawfile ids "$T/ids" '[$ids | split("\n")[] | select(length > 0)] as $w |
		[.token_infos[].token_id | select(. as $i | $w | index($i))] | length')"
run journal "$S"
check_match "retry_failed: the journal says finished again" '^state: +finished$' "$OUT"
emu_stop

# --- the plan hint is a command that works -----------------------------------------------------
rm -rf "$XDG_STATE_HOME"
emu_start --generate 400:4 --seed 56
F="owner:user01 !no-such-comment"
run revoke --all --filter "$F"
check_rc "plan_hint: no confirmation without a terminal" 2
HINT=$(printf '%s\n' "$ERR" | sed -n 's/^ *… and [0-9]* more (\(.*\) lists them all)$/\1/p')
check_eq "plan_hint: the hint keeps --all and --filter" \
	"patrol revoke --all --filter 'owner:user01 !no-such-comment' --dry-run -o csv" "$HINT"
N=$(printf '%s\n' "$ERR" | sed -n 's/^About to revoke \([0-9]*\) tokens.*/\1/p')
OUT=$(cd "$T" && PATH="$BINDIR:$PATH" eval "$HINT" 2>"$T/err"); RC=$?
check_rc "plan_hint: the hint runs" 0
check_eq "plan_hint: and lists every planned token" "$N" "$(printf '%s\n' "$OUT" | grep -c '"would revoke"')"
check_eq "plan_hint: sending nothing" 0 "$(deletes)"
# ids piped on stdin: stdin is spent, so the hint says to pipe them again
ids 30 >"$T/ids"
STDIN="$T/ids" run revoke --all --from -
check_rc "plan_hint: from stdin, no terminal: refused" 2
HINT=$(printf '%s\n' "$ERR" | sed -n 's/^ *… and [0-9]* more (the same ids piped into \(.*\) lists them all)$/\1/p')
check_eq "plan_hint: from stdin, the hint says to pipe the ids again" \
	"patrol revoke --all --from - --dry-run -o csv" "$HINT"
OUT=$(cd "$T" && PATH="$BINDIR:$PATH" eval "$HINT" <"$T/ids" 2>"$T/err"); RC=$?
check_rc "plan_hint: piped again, it runs" 0
check_eq "plan_hint: and lists all 30" 30 "$(printf '%s\n' "$OUT" | grep -c '"would revoke"')"
check_eq "plan_hint: still sending nothing" 0 "$(deletes)"
emu_stop
# a resumed session: the hint names the session's journal
rm -rf "$XDG_STATE_HOME"
emu_start --generate 400:4 --seed 56 --latency-ms 300
"$PATROL" --rate 0 --jobs 1 revoke --all --yes --filter "$F" >/dev/null 2>&1 &
VICTIM=$!
wait_revokes 1
kill -HUP "$VICTIM"
wait "$VICTIM"
S=$(session_json | jq -r .session)
run revoke --resume
check_rc "plan_hint: the resume asks (no terminal: refused)" 2
HINT=$(printf '%s\n' "$ERR" | sed -n 's/^ *… and [0-9]* more (\(.*\) lists them all)$/\1/p')
check_eq "plan_hint: for a resume, the session's journal" "patrol journal $S -o csv" "$HINT"
OUT=$(PATH="$BINDIR:$PATH" eval "$HINT" 2>"$T/err"); RC=$?
check_rc "plan_hint: that hint runs too" 0
check_match "plan_hint: and lists the session's ids" '^"[^"]*","pending","[0-9a-f]{64}"' "$OUT"
emu_stop

# --- no terminal: a long session logs its progress to stderr ------------------------------------
# 24 revokes, one at a time, each answered after 250 ms: at least 6 s, so
# at least one line (one every 5 s), whatever the machine's speed.
rm -rf "$XDG_STATE_HOME"
emu_start --generate 100:4 --seed 57 --latency-ms 250
ids 24 >"$T/ids"
run --rate 0 --jobs 1 revoke --all --yes --from "$T/ids" -o json
check_rc "progress_log: the session" 0
LINES=$(printf '%s\n' "$ERR" | grep -E '^patrol: revoke: [0-9]+ done [0-9]+ failed [0-9]+ left [0-9.]+/s ETA [0-9?]+s? jobs [0-9]+/[0-9]+')
if [ -n "$LINES" ]; then ok "progress_log: progress lines on stderr ($(printf '%s\n' "$LINES" | wc -l))"; else
	not_ok "progress_log: progress lines on stderr" "none"; fi
BAD=$(printf '%s\n' "$LINES" | awk '$3 + $5 + $7 != 24')
check_eq "progress_log: each line adds up (done + failed + left = 24)" "" "$BAD"
check_nomatch "progress_log: no bar, no carriage return" $'\r|\\[[#.]+\\]' "$ERR"
emu_stop

finish
