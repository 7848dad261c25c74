#!/bin/bash
# End-to-end: `patrol journal` over journal files written by hand (no
# emulator, no configuration): a finished session, an unfinished one with
# revokes in doubt, one with a torn last line, one with hostile strings
# (escape sequences, bidi, a secret-looking comment) and a corrupt one.
# Checks the list and the detail view in table, JSON and CSV, the order,
# the states and counts, prefixes and paths, the exit codes, and that no
# control byte from a journal ever reaches the terminal.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

export TZ=UTC
export XDG_STATE_HOME="$T/state"
DIR="$XDG_STATE_HOME/patrol"
mkdir -p "$DIR"
chmod 700 "$XDG_STATE_HOME" "$DIR"
# patrol journal reads no configuration and no token: prove it.
SENTINEL=dapi5e471ne15e471ne15e471ne15e471ne1
export DATABRICKS_HOST=https://example.invalid DATABRICKS_TOKEN=$SENTINEL

ID1=1111111111111111111111111111111111111111111111111111111111111111
ID2=2222222222222222222222222222222222222222222222222222222222222222
ID3=3333333333333333333333333333333333333333333333333333333333333333
ID4=4444444444444444444444444444444444444444444444444444444444444444
HOST=https://adb-1234567890123456.7.azuredatabricks.net

# plan SESSION T0 ITEMS_JSON [HOST] [USER_JSON]: a plan record.
plan() {
	printf '{"type":"plan","v":1,"session":"%s","host":"%s","user":%s,"profile":"prod","admin":true,"filter":"flag:unused-90d","t":%s,"items":[%s]}\n' \
		"$1" "${4:-$HOST}" "${5:-\"admin@example.com\"}" "$2" "$3"
}
item() {   # item ID OWNER COMMENT_JSON
	printf '{"id":"%s","owner":"%s","comment":%s,"created":1690000000000,"last_used":0,"expiry":-1,"flags":["never-expires"]}' "$1" "$2" "$3"
}
intent() { printf '{"type":"intent","id":"%s","t":%s}\n' "$1" "$2"; }
result() {   # result ID T LABEL STATUS HTTP MESSAGE_JSON
	printf '{"type":"result","id":"%s","t":%s,"result":"%s","status":"%s","http":%s,"message":%s}\n' "$@"
}
end_rec() { printf '{"type":"end","t":%s,"reason":"%s"}\n' "$1" "$2"; }

ITEMS="$(item $ID1 alice@example.com '"ci"'),$(item $ID2 bob@example.com '"old poc"'),$(item $ID3 carol@example.com 'null')"

S1=20240101T100000Z-100     # finished: revoked, already gone, failed
{
	plan $S1 1704103200000 "$ITEMS"
	intent $ID1 1704103201000; intent $ID2 1704103201000; intent $ID3 1704103201000
	result $ID1 1704103202000 revoked ok 200 '""'
	result $ID2 1704103202000 "already gone" not_found 404 '"Token does not exist"'
	result $ID3 1704103202000 failed permission 403 '"not an admin"'
	end_rec 1704103203000 done
} >"$DIR/$S1.jsonl"

S2=20240102T100000Z-200     # unfinished: one revoked, one in doubt, one untouched
{
	plan $S2 1704189600000 "$ITEMS"
	intent $ID1 1704189601000; intent $ID2 1704189601000
	result $ID1 1704189602000 revoked ok 200 '""'
} >"$DIR/$S2.jsonl"

S3=20240103T100000Z-300     # a torn last line: the cut result is ignored
{
	plan $S3 1704276000000 "$ITEMS"
	intent $ID1 1704276001000
	result $ID1 1704276002000 revoked ok 200 '""'
	intent $ID2 1704276003000
	printf '{"type":"result","id":"%s","t":17042' $ID2
} >"$DIR/$S3.jsonl"

S4=20240104T100000Z-400     # hostile strings everywhere
FAKE_SECRET=dapi0123456789abcdef0123456789abcdef
EVIL_COMMENT='clear\u001b[2J\u001b[H \u202egnp.exe\u202c title\u001b]0;owned\u0007 clip\u001b]52;c;cm0gLXJmIH4=\u0007 zero\u200bwidth del\u007f c1\u0085 '"$FAKE_SECRET"
EVIL_ITEMS="$(item $ID1 'mallory\u001b[31m' "\"$EVIL_COMMENT\""),$(item $ID4 eve@example.com '"=cmd|calc!A1"')"
{
	plan $S4 1704362400000 "$EVIL_ITEMS" "$HOST" '"root\u001b]0;pwned\u0007"'
	intent $ID1 1704362401000
	result $ID1 1704362402000 failed server 500 '"<html>\u001b[2J\u009b31m boom</html>"'
	printf '{"type":"note","t":1704362402500,"text":"a record type from the future"}\n'
	end_rec 1704362403000 auth
} >"$DIR/$S4.jsonl"

S5=20240105T100000Z-500     # corrupt: a bad line in the middle
{
	plan $S5 1704448800000 "$ITEMS"
	intent $ID1 1704448801000
	printf '{"type":"result","id":"%s" GARBAGE\n' $ID1
	end_rec 1704448803000 done
} >"$DIR/$S5.jsonl"
chmod 600 "$DIR"/*.jsonl

# ---- the list --------------------------------------------------------------
scan "journal (table)" journal
check_rc "a corrupt session makes the list fail" 2
check_match "the corrupt file is named with its line" "$S5\\.jsonl:3: not a JSON record" "$ERR"
check_eq "header and four sessions" 5 "$(printf '%s\n' "$OUT" | wc -l)"
check_match "header" '^SESSION +KIND +STARTED +HOST +USER +STATE +PLANNED +REVOKED +GONE +FAILED +UNKNOWN +LEFT$' "$(printf '%s\n' "$OUT" | head -n 1)"
check_eq "newest first" "$S4 $S3 $S2 $S1" "$(printf '%s\n' "$OUT" | tail -n +2 | awk '{printf "%s%s", (NR > 1 ? " " : ""), $1}')"
check_match "finished session: state and counts" "^$S1 +revoke +2024-01-01 10:00 +$HOST +admin@example.com +finished +3 +1 +1 +1 +0 +0$" "$OUT"
check_match "unfinished session: one in doubt (UNKNOWN), one never sent (LEFT)" "^$S2 +revoke +2024-01-02 10:00 .* unfinished +3 +1 +0 +0 +1 +1$" "$OUT"
check_match "torn session: the cut result is not counted (in doubt)" "^$S3 .* unfinished +3 +1 +0 +0 +1 +1$" "$OUT"
check_match "auth-stopped session, user escaped" "^$S4 .* root\\\\e\\]0;pwned\\\\x07 +auth-stopped +2 +0 +0 +1 +0 +1$" "$OUT"
check_match "hint to resume" 'patrol revoke --resume' "$ERR"
check_nomatch "the token from the environment is never shown" "$SENTINEL" "$OUT$ERR"

scan "journal -o json" -o json journal
check_rc "json: corrupt session still fails" 2
check_eq "json: four sessions" 4 "$(printf '%s' "$OUT" | jq length)"
check_eq "json: order" "$S4 $S3 $S2 $S1" "$(printf '%s' "$OUT" | jq -r '[.[].session] | join(" ")')"
check_eq "json: finished counts" "1 1 1 0 0 done" "$(printf '%s' "$OUT" | jq -r ".[] | select(.session == \"$S1\") | \"\(.counts.revoked) \(.counts.already_gone) \(.counts.failed) \(.counts.pending) \(.counts.open_intents) \(.end_reason)\"")"
check_eq "json: open intents of the unfinished session" "1 2 unfinished null" "$(printf '%s' "$OUT" | jq -r ".[] | select(.session == \"$S2\") | \"\(.counts.open_intents) \(.counts.pending) \(.state) \(.ended_ms)\"")"
check_eq "json: left is what was never sent" 1 "$(printf '%s' "$OUT" | jq -r ".[] | select(.session == \"$S2\") | .left")"
check_eq "json: torn flag" "true false" "$(printf '%s' "$OUT" | jq -r "[(.[] | select(.session == \"$S3\") | .torn), (.[] | select(.session == \"$S1\") | .torn)] | map(tostring) | join(\" \")")"
check_eq "json: counts add up for every session" "true" "$(printf '%s' "$OUT" | jq '[.[] | (.counts | del(.open_intents) | add) == .planned] | all')"
check_eq "json: the user keeps its exact text" 1 "$(printf '%s' "$OUT" | jq '[.[] | select(.user == "root\u001b]0;pwned\u0007")] | length')"

scan "journal -o csv" -o csv journal
check_rc "csv: corrupt session still fails" 2
check_eq "csv: header" "session,started,host,user,profile,state,planned,revoked,already_gone,would_revoke,skipped,failed,unknown,not_attempted,pending,open_intents,path,kind,rotated,rotated_old_kept,left" "$(printf '%s\n' "$OUT" | head -n 1)"
check_eq "csv: four rows" 4 "$(printf '%s\n' "$OUT" | tail -n +2 | wc -l)"
check_match "csv: a finished row" "^\"$S1\",\"2024-01-01T10:00:00Z\",\"$HOST\",\"admin@example.com\",\"prod\",\"finished\",3,1,1,0,0,1,0,0,0,0," "$OUT"

# ---- one session -------------------------------------------------------------
scan "journal PREFIX (unfinished)" journal 20240102
check_rc "a unique prefix finds the session" 0
check_match "header names the session" "^session: +$S2$" "$OUT"
check_match "state" '^state: +unfinished$' "$OUT"
check_match "revoked id, short" "^revoked +${ID1:0:10} +alice@example.com +ci" "$OUT"
check_match "the revoke in doubt is flagged" "^in doubt +${ID2:0:10} +bob@example.com" "$OUT"
check_match "the untouched id is pending" "^pending +${ID3:0:10} +carol@example.com" "$OUT"
check_nomatch "table ids are short" "$ID1" "$OUT"
check_match "resume hint" "patrol revoke --resume $S2" "$ERR"

scan "journal SESSION (hostile)" journal $S4
check_rc "hostile session shown" 0
check_match "escapes are shown, not obeyed" 'clear\\e\[2J' "$OUT"
check_match "bidi override shown as an escape" '\\u\{202E\}' "$OUT"
check_match "the message is escaped too" 'HTTP 500: <html>\\e\[2J' "$OUT"
check_match "state auth-stopped" '^state: +auth-stopped$' "$OUT"

scan "journal SESSION -o json (hostile)" -o json journal $S4
check_rc "hostile json" 0
check_eq "json: the comment (secret-looking text included) round-trips exactly" 1 "$(printf '%s' "$OUT" | jq "[.items[] | select(.comment == \"$EVIL_COMMENT\")] | length")"
check_eq "json: full ids and results" "$ID1 failed 500 $ID4 pending 0" "$(printf '%s' "$OUT" | jq -r '[.items[] | "\(.token_id) \(.result) \(.http)"] | join(" ")')"
check_eq "json: the unknown record type is skipped" "1 1" "$(printf '%s' "$OUT" | jq -r '"\(.counts.failed) \(.counts.pending)"')"

scan "journal SESSION -o csv (hostile)" -o csv journal $S4
check_rc "hostile csv" 0
check_match "csv: full id" "\"$ID4\"" "$OUT"
check_match "csv: a formula is defused" "\"'=cmd" "$OUT"
check_eq "csv: header and two rows" 3 "$(printf '%s\n' "$OUT" | wc -l)"

run journal "$DIR/$S1.jsonl"
check_rc "a path works" 0
check_match "finished state" '^state: +finished$' "$OUT"
check_match "already gone with its HTTP status" "^already gone +${ID2:0:10} .*HTTP 404: Token does not exist" "$OUT"

run journal "$S3"
check_rc "torn session shown" 0
check_match "torn write noted" 'interrupted last write' "$OUT"
check_match "the torn result left it in doubt" "^in doubt +${ID2:0:10}" "$OUT"

scan "journal CORRUPT" journal $S5
check_rc "a corrupt session" 2
check_match "names the file and line" "$DIR/$S5\\.jsonl:3: " "$ERR"

run journal 2024
check_rc "an ambiguous prefix" 1
check_match "says so" "matches 5 sessions" "$ERR"
run journal 20991231
check_rc "no such session" 1
run journal a b
check_rc "two sessions" 2

# A session another process holds is busy (flock(1) takes the same lock).
if command -v flock >/dev/null 2>&1; then
	flock -x "$DIR/$S2.jsonl" "$PATROL" -o json journal >"$T/out" 2>"$T/err"
	check_eq "a locked session is busy" "busy true" "$(jq -r ".[] | select(.session == \"$S2\") | \"\(.state) \(.busy)\"" "$T/out")"
fi

# Without the corrupt file the list succeeds.
rm "$DIR/$S5.jsonl"
run journal
check_rc "clean list" 0
check_eq "four sessions" 5 "$(printf '%s\n' "$OUT" | wc -l)"

# ---- the directory -----------------------------------------------------------
export XDG_STATE_HOME="$T/empty"
run journal
check_rc "no journal directory: fine" 0
check_match "says there are none" "no revocation sessions in $T/empty/patrol" "$ERR"
check_eq "nothing on stdout" "" "$OUT"
run -o json journal
check_eq "json: empty array" "[]" "$(printf '%s' "$OUT" | jq -c .)"

export XDG_STATE_HOME="$T/state"
chmod 777 "$DIR"
run journal
check_rc "a directory others can write is refused" 2
check_match "with the fix" "chmod 700 $DIR" "$ERR"
chmod 700 "$DIR"

mkdir -p "$T/linked" && ln -s "$DIR" "$T/linked/patrol"
export XDG_STATE_HOME="$T/linked"
run journal
check_rc "a symlinked directory is refused" 2
check_match "says why" "symbolic link" "$ERR"

finish
