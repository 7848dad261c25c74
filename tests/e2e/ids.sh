#!/bin/bash
# End-to-end: ids that are not token ids, from a hostile list (rawws.py)
# and from a journal. "." and ".." never reach a URL (libcurl would make
# DELETE …/tokens/.. a DELETE of the collection); one malformed element is
# skipped and reported once, not the end of the whole list; an id listed
# twice is shown once; a key named twice in one object refuses the answer.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

export XDG_STATE_HOME="$T/state"
. "${top_srcdir:-.}/tests/e2e/rawlib.sh"
A=$(printf '%064x' 10)
B=$(printf '%064x' 11)

# tok ID COMMENT: one TokenInfo.
tok() { printf '{"token_id":"%s","creation_time":1700000000000,"expiry_time":-1,"comment":"%s","created_by_username":"u@example.com"}' "$1" "$2"; }

# --- "." and ".." listed by the server ------------------------------------------------
printf '{"token_infos":[%s,%s,%s,%s]}' "$(tok .. dots)" "$(tok . dots)" "$(tok "$A" dots)" "$(tok '%2e%2e' dots)" >"$T/dots.json"
raw_start --list-body "$T/dots.json"
run --rate 0 revoke --all --yes --filter dots -o json
check_rc "dot_ids: the valid one is revoked" 0
check_eq "dot_ids: one DELETE, of the valid id only" "DELETE /api/2.0/token-management/tokens/$A" \
	"$(awk '$3 == "DELETE" { print $3 " " $4 }' "$RAWLOG")"
check_eq "dot_ids: the session planned only the valid id" "$A revoked" \
	"$(printf '%s' "$OUT" | jq -r '.[] | "\(.token_id) \(.result)"')"
check_match "dot_ids: the skipped entries are reported once" \
	"warning: the list had 3 malformed entries, skipped \\(token_infos\\[0\\]: token_id is not a token id" "$ERR"
check_eq "dot_ids: one warning for the list, however often it is fetched" 1 "$(printf '%s\n' "$ERR" | grep -c 'malformed entries')"
emu_stop

# --- one malformed element among good ones; an id listed twice ---------------------------
printf '{"token_infos":[%s,{"token_id":42,"comment":"bad"},%s,%s]}' "$(tok "$A" one)" "$(tok "$B" two)" "$(tok "$A" again)" >"$T/mixed.json"
raw_start --list-body "$T/mixed.json"
run list -o json
check_rc "malformed_row: the list is taken" 0
check_eq "malformed_row: the good rows, each id once, first one kept" "$A one
$B two" "$(printf '%s' "$OUT" | jq -r 'sort_by(.token_id)[] | "\(.token_id) \(.comment)"')"
check_match "malformed_row: the bad element is reported with its reason" \
	'warning: the list had 1 malformed entry, skipped \(token_infos\[1\]: field "token_id": expected a string, got an integer\); 1 id listed more than once, shown once' "$ERR"
emu_stop

# --- a key named twice in one object ------------------------------------------------------
printf '{"token_infos":[{"token_id":"%s","token_id":"%s","comment":"which"}]}' "$A" "$B" >"$T/dupkey.json"
raw_start --list-body "$T/dupkey.json"
run list -o json
check_rc "duplicate_key: the answer is refused" 4
check_match "duplicate_key: says why" "names a key twice in one object" "$ERR"
emu_stop

# --- ".." in a journal: resume refuses the file -------------------------------------------
raw_start --list-body "$T/dots.json"
mkdir -p "$XDG_STATE_HOME/patrol"
chmod 700 "$XDG_STATE_HOME/patrol"
J="$XDG_STATE_HOME/patrol/20260101T000000Z-1.jsonl"
printf '{"type":"plan","v":1,"session":"20260101T000000Z-1","host":"%s","user":null,"profile":null,"admin":true,"filter":null,"t":1,"items":[{"id":".."},{"id":"%s"}]}\n' "$DATABRICKS_HOST" "$A" >"$J"
chmod 600 "$J"
run --rate 0 revoke --resume --yes 20260101T000000Z-1
check_rc "dot_journal: a journal naming .. is refused" 2
check_match "dot_journal: as corrupt, naming the line" "20260101T000000Z-1.jsonl:1: plan item without a valid \"id\"" "$ERR"
check_eq "dot_journal: nothing was sent but the list" 0 "$(awk '$3 != "GET"' "$RAWLOG" | wc -l)"
emu_stop

finish
