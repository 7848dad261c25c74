#!/bin/bash
# `patrol journal` over rotation sessions: each kind in its own words.
# A rotation's results come from its steps (rotated, rotated with the old
# kept, failed, pending while unfinished), never from the revokes of its
# old tokens alone: a failed rotation is FAILED 1, not "1 left"; a finished
# one has nothing left; an unfinished one is gone on with by
# `patrol rotate --resume` (not `pin --resume`). Table, JSON and CSV agree.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

CRASHY="${top_builddir:-.}/tests/e2e/patrol-crashpoints"
[ -x "$CRASHY" ] || { echo "missing $CRASHY (make check builds it)"; exit 99; }
export XDG_STATE_HOME="$T/state"

newest() {
	basename "$(ls -t "$XDG_STATE_HOME"/patrol/*.jsonl | head -n 1)" .jsonl
}
# row SESSION: its line of the session table, blanks squeezed, from STATE on.
row() {
	printf '%s\n' "$OUT" | grep "^$1 " | tr -s ' ' | sed 's/.* \(unfinished\|finished\|busy\) /\1 /'
}
# jcounts SESSION: its counts in `patrol journal -o json`.
jcounts() {
	printf '%s' "$JSON" | jq -c --arg s "$1" '.[] | select(.session == $s) |
		[.state, .planned, .left, .counts.rotated, .counts.rotated_old_kept, .counts.failed,
		 .counts.unknown, .counts.not_attempted, .counts.pending]'
}

# the first create is refused (400): that rotation fails
emu_start --fail 400:1:1 --fault-path token/create
OLD=$(mktok)
run rotate --yes --to-file "$T/failed.secret" "$OLD"
check_rc "a refused create fails the rotation" 1
S_FAILED=$(newest)
OLD=$(mktok)
run rotate --yes --to-file "$T/ok.secret" "$OLD"
check_rc "a rotation" 0
S_ROTATED=$(newest)
NEW=$(file_id "$T/ok.secret" | cut -c1-10)
OLD=$(mktok)
run rotate --keep-old --to-file "$T/kept.secret" "$OLD"
check_rc "a rotation that keeps the old token" 0
S_KEPT=$(newest)
OLD=$(mktok)
PATROL_TEST_CRASH=created "$CRASHY" rotate --yes --to-dir "$T/dir" "$OLD" >"$T/out" 2>"$T/err"
check_eq "a rotation killed after its create" 137 "$?"
S_UNFINISHED=$(newest)

# --- the list ----------------------------------------------------------------------------
run journal -o json
JSON=$OUT
check_eq "json: a failed rotation is failed, nothing left" '["finished",1,0,0,0,1,0,0,0]' "$(jcounts "$S_FAILED")"
check_eq "json: a rotation is rotated" '["finished",1,0,1,0,0,0,0,0]' "$(jcounts "$S_ROTATED")"
check_eq "json: the old one kept" '["finished",1,0,0,1,0,0,0,0]' "$(jcounts "$S_KEPT")"
check_eq "json: an unfinished one is pending, left 1" '["unfinished",1,1,0,0,0,0,0,1]' "$(jcounts "$S_UNFINISHED")"
check_eq "json: no revocation counts for a rotation" null \
	"$(printf '%s' "$JSON" | jq -c --arg s "$S_FAILED" '.[] | select(.session == $s) | .counts.revoked')"

run journal
check_rc "journal" 0
check_match "table: the DONE column speaks of rotations" \
	'PLANNED +ROTATED +GONE +KEPT +FAILED +UNKNOWN +LEFT' "$(printf '%s\n' "$OUT" | head -n 1)"
check_eq "table: the failed rotation" "finished 1 0 - 0 1 0 0" "$(row "$S_FAILED")"
check_eq "table: the rotation" "finished 1 1 - 0 0 0 0" "$(row "$S_ROTATED")"
check_eq "table: the one that kept the old token" "finished 1 0 - 1 0 0 0" "$(row "$S_KEPT")"
check_eq "table: the unfinished one" "unfinished 1 0 - 0 0 0 1" "$(row "$S_UNFINISHED")"
check_match "the resume command is rotate's" \
	'1 unfinished session: go on with patrol rotate --resume \[SESSION\]' "$ERR"
check_nomatch "never pin's" 'pin --resume' "$ERR"

run journal -o csv
check_eq "csv: the rotation columns" "session,started,host,user,profile,state,planned,revoked,already_gone,would_revoke,skipped,failed,unknown,not_attempted,pending,open_intents,path,kind,rotated,rotated_old_kept,left" \
	"$(printf '%s\n' "$OUT" | head -n 1)"
csvrow() {
	printf '%s\n' "$OUT" | grep "^\"$1\"" |
		awk -F, '{print $6, $7, $12, $13, $14, $15, $18, $19, $20, $21}'
}
check_eq "csv: the failed rotation" '"finished" 1 1 0 0 0 "rotate" 0 0 0' "$(csvrow "$S_FAILED")"
check_eq "csv: the rotation" '"finished" 1 0 0 0 0 "rotate" 1 0 0' "$(csvrow "$S_ROTATED")"
check_eq "csv: the old one kept" '"finished" 1 0 0 0 0 "rotate" 0 1 0' "$(csvrow "$S_KEPT")"
check_eq "csv: the unfinished one" '"unfinished" 1 0 0 0 1 "rotate" 0 0 1' "$(csvrow "$S_UNFINISHED")"

# --- one session -------------------------------------------------------------------------
run journal "$S_FAILED"
check_match "failed: results" '^results: +1 failed$' "$OUT"
check_match "failed: the row says why" '^failed +[0-9a-f]{10} .*deploy bot +Invalid parameter value' "$OUT"
check_nomatch "failed: nothing pending" 'pending' "$OUT"
check_match "failed: how to try again" "finished: 1 failed or unknown, 0 not sent: patrol rotate --resume $S_FAILED tries them again" "$ERR"
run journal "$S_ROTATED"
check_match "rotated: results" '^results: +1 rotated$' "$OUT"
check_match "rotated: the row names the replacement" "^rotated +[0-9a-f]{10} .*replaced by $NEW" "$OUT"
run journal "$S_KEPT"
check_match "kept: results" '^results: +1 rotated, old kept$' "$OUT"
check_match "kept: the row" '^rotated, old kept +[0-9a-f]{10} .*the old token is kept' "$OUT"
run journal "$S_UNFINISHED"
check_match "unfinished: results" '^results: +1 pending$' "$OUT"
check_match "unfinished: the step it reached" '^pending +[0-9a-f]{10} .*step created [0-9a-f]{10}' "$OUT"
check_match "unfinished: how to go on" "unfinished: go on with patrol rotate --resume $S_UNFINISHED" "$ERR"
run journal "$S_FAILED" -o json
check_eq "failed, json: the item" "failed Invalid parameter value" \
	"$(printf '%s' "$OUT" | jq -r '.items[0] | "\(.result) \(.message)"')"
run journal "$S_KEPT" -o csv
check_eq "kept, csv: the item" '"rotated, old kept"' "$(printf '%s\n' "$OUT" | sed -n 2p | cut -d, -f2-3)"

# --- with a revocation: the words of each -----------------------------------------------
OLD=$(mktok)
reset_stats         # the rotations above sent token/delete: count this revoke's alone
hold token/delete
"$PATROL" revoke --yes "$OLD" >"$T/out" 2>"$T/err" &
VICTIM=$!
await at_least 1 count 'POST /api/2.0/token/delete'
kill -9 "$VICTIM"
wait "$VICTIM" 2>/dev/null
release
S_REVOKE=$(newest)
run journal
check_match "mixed: the column is DONE" 'PLANNED +DONE +GONE +KEPT +FAILED' "$(printf '%s\n' "$OUT" | head -n 1)"
check_match "mixed: each kind's command" \
	'2 unfinished sessions: go on with patrol revoke\|rotate --resume \[SESSION\]' "$ERR"
check_match "mixed: the revocation's row keeps its counts (its revoke sent, no answer: unknown)" "^$S_REVOKE revoke .* unfinished 1 0 0 - 0 1 0$" \
	"$(printf '%s\n' "$OUT" | tr -s ' ')"
run journal "$S_REVOKE"
check_match "mixed: the revocation in its words" '^in doubt ' "$OUT"

finish
