#!/bin/bash
# patrol rotate: a like-for-like replacement, the secret only where the
# user said, the old token revoked once (or kept), a service principal's
# token created on its behalf, and many at once into a directory. The
# destination is checked before anything is created (by a dry run too), a
# directory every user may write in (the secrets' or any above them) draws a
# warning, and the path of a secret is whole in every output format,
# however long.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

SP=8f0d6c1e-2b3a-4c5d-9e8f-0a1b2c3d4e5f
emu_start --service-principal "$SP" --user bob@example.com=dapi11111111111111111111111111111

NOW=$(curl -s "$EMU_URL/emulator/clock" | jq .now_ms)
DAY=86400000

# listed ID: the token as token management lists it (empty when gone).
listed() {
	curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "$EMU_URL/api/2.0/token-management/tokens" |
		jq -c --arg id "$1" '.token_infos[]? | select(.token_id == $id)'
}

# works SECRET PATH: "yes" when the workspace takes SECRET for a GET of
# PATH (an API its scopes cover; the emulator serves no such path: 404 after
# the token was accepted), else the HTTP status.
works() {
	local code
	code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $1" "$EMU_URL$2")
	[ "$code" = 404 ] || [ "$code" = 200 ] && code=yes
	echo "$code"
}

# --- your own token, the secret on standard output --------------------------
OLD=$(mktok "{\"comment\":\"ci deploy\",\"scopes\":[\"sql\",\"jobs\"],\"creation_time\":$((NOW - 10 * DAY)),\"expiry_time\":$((NOW + 20 * DAY))}")
reset_stats
run rotate --yes "$OLD"
check_rc "rotate: own token" 0
check_match "stdout is the secret alone, one line" '^dapi[0-9a-f]{32}$' "$OUT"
check_eq "stdout has one line" 1 "$(printf '%s\n' "$OUT" | wc -l)"
check_eq "a file stdout was sent to is made private first" 600 "$(stat -c %a "$T/out")"
SECRET=$OUT
NEW=$(tok_id "$SECRET")
check_eq "the new token is listed with the marked comment" "ci deploy (rotated from ${OLD%"${OLD#??????????}"})" \
	"$(listed "$NEW" | jq -r .comment)"
check_eq "the same scopes" '["sql","jobs"]' "$(listed "$NEW" | jq -c .scopes)"
check_eq "the lifetime it had (30 days)" $((30 * DAY)) "$(listed "$NEW" | jq '.expiry_time - .creation_time')"
check_eq "the old token is gone" "" "$(listed "$OLD")"
check_eq "one create sent" 1 "$(count 'POST /api/2.0/token/create')"
check_eq "the old token revoked exactly once" 1 "$(stats ".revokes[\"$OLD\"] // 0")"
check_eq "the new secret works" yes "$(works "$SECRET" /api/2.0/sql/warehouses)"
check_match "the old secret no longer does" '^40[13]$' "$(works "$(cat "$T/value.$OLD")" /api/2.0/sql/warehouses)"
check_nomatch "the secret is not on stderr" "$SECRET" "$ERR"
check_match "stderr says what happened" "rotated +${OLD%"${OLD#??????????}"} -> ${NEW%"${NEW#??????????}"}" "$ERR"
check_eq "the journal holds no secret" 0 "$(cat "$HOME"/.local/state/patrol/*.jsonl | grep -c "$SECRET")"
check_eq "the journal is a finished rotation" "rotate done" \
	"$(jq -rs '[(.[0].kind), (.[-1].reason)] | join(" ")' "$HOME"/.local/state/patrol/*.jsonl)"

# rotated again: the mark is replaced, not piled up
run rotate --yes --to-file "$T/again.secret" "$NEW"
check_rc "rotate the replacement again" 0
AGAIN=$(file_id "$T/again.secret")
check_eq "the comment names only the last token it replaced" "ci deploy (rotated from ${NEW:0:10})" \
	"$(listed "$AGAIN" | jq -r .comment)"

# --- --keep-old, --lifetime, --scope, --comment, --to-file -------------------
OLD=$(mktok "{\"comment\":\"nightly\",\"creation_time\":$((NOW - DAY)),\"expiry_time\":$((NOW + 89 * DAY))}")
reset_stats
run rotate --keep-old --lifetime 7d --scope sql --comment "nightly v2" --to-file "$T/nightly.secret" "$OLD"
check_rc "rotate --keep-old --to-file" 0
check_nomatch "nothing secret on stdout" 'dapi[0-9a-f]{32}' "$OUT"
check_nomatch "nothing secret on stderr" 'dapi[0-9a-f]{32}' "$ERR"
check_match "the result says the old one is kept" 'rotated, old kept' "$OUT"
check_eq "the secret file is mode 0600" 600 "$(stat -c %a "$T/nightly.secret")"
NEW=$(file_id "$T/nightly.secret")
check_eq "the file holds the new token's secret" "nightly v2" "$(listed "$NEW" | jq -r .comment)"
check_eq "the lifetime given" $((7 * DAY)) "$(listed "$NEW" | jq '.expiry_time - .creation_time')"
check_eq "the scopes given" '["sql"]' "$(listed "$NEW" | jq -c .scopes)"
check_eq "the old token is kept" "$OLD" "$(listed "$OLD" | jq -r .token_id)"
check_eq "nothing revoked" 0 "$(deletes)"
check_eq "the file's secret works" yes "$(works "$(cat "$T/nightly.secret")" /api/2.0/sql/warehouses)"

# --- a lifetime over 730 days, and no workspace maximum: 730 days -------------------
# (a token from before the cap; every workspace refuses a create that asks for more)
LEGACY=$(mktok "{\"comment\":\"legacy 3y\",\"creation_time\":$((NOW - 700 * DAY)),\"expiry_time\":$((NOW + 300 * DAY))}")
reset_stats
run rotate --yes --to-file "$T/legacy.secret" "$LEGACY"
check_rc "rotate a 1,000-day token, no maximum set" 0
LEGNEW=$(file_id "$T/legacy.secret")
check_eq "  its replacement lives 730 days, the most allowed" $((730 * DAY)) \
	"$(listed "$LEGNEW" | jq '.expiry_time - .creation_time')"
check_eq "  one create sent, the old token revoked once" "1 1" \
	"$(count 'POST /api/2.0/token/create') $(stats ".revokes[\"$LEGACY\"] // 0")"

# --- a file that exists is refused before anything is created -----------------
reset_stats
run rotate --yes --to-file "$T/nightly.secret" "$OLD"
check_rc "an existing file is refused" 2
check_match "it says why" 'exists: give a new file name' "$ERR"
check_eq "nothing created" 0 "$(stats .creates)"
check_eq "nothing revoked" 0 "$(deletes)"
ln -s "$T/elsewhere" "$T/link.secret"
run rotate --yes --to-file "$T/link.secret" "$OLD"
check_rc "a symbolic link is refused" 2
check_eq "nothing was written through it" no "$([ -e "$T/elsewhere" ] && echo yes || echo no)"

# --- a dry run checks the destination as the real run would --------------------------
# (nothing is made: not the directory, not the file; exit 2 where the real
# run would refuse)
reset_stats
run rotate --dry-run --to-file "$T/nightly.secret" "$OLD"
check_rc "dry run: an existing file" 2
check_match "dry run: says the real run would refuse it" \
	"$T/nightly.secret exists: give a new file name \(the real run would refuse it; dry run: nothing was sent\)" "$ERR"
run rotate --dry-run --to-file "$T/link.secret" "$OLD"
check_rc "dry run: a symbolic link" 2
check_match "dry run: names the link" "$T/link.secret exists \(a symbolic link\)" "$ERR"
run rotate --dry-run --to-file "$T/nodir/x.secret" "$OLD"
check_rc "dry run: a missing directory" 2
check_match "dry run: names it" "cannot write $T/nodir/x.secret: $T/nodir: No such file" "$ERR"
run rotate --dry-run --to-dir "$T/nightly.secret" "$OLD"
check_rc "dry run: --to-dir names a file" 2
check_match "dry run: says so" "$T/nightly.secret is not a directory" "$ERR"
run rotate --dry-run --to-dir "$T/nodir/sub" "$OLD"
check_rc "dry run: --to-dir that could not be made" 2
check_eq "dry run: refused before anything was sent" 0 "$(stats .total)"
run rotate --dry-run --to-dir "$T/tobemade" "$OLD"
check_rc "dry run: a --to-dir the real run makes" 0
check_match "dry run: it would rotate" 'would rotate' "$OUT"
check_eq "dry run: the directory is not made" no "$([ -e "$T/tobemade" ] && echo yes || echo no)"
run rotate --dry-run --to-file "$T/fresh.secret" "$OLD"
check_rc "dry run: a new file" 0
check_eq "dry run: no file is made" no "$([ -e "$T/fresh.secret" ] && echo yes || echo no)"
if [ "$(id -u)" != 0 ]; then     # root may write anywhere
	mkdir -p "$T/readonly" && chmod 555 "$T/readonly"
	run rotate --dry-run --to-dir "$T/readonly" "$OLD"
	check_rc "dry run: a directory patrol cannot write in" 2
	check_match "dry run: says so" "cannot write in $T/readonly: Permission denied" "$ERR"
	run rotate --yes --to-file "$T/readonly/x.secret" "$OLD"
	check_rc "a file in a directory patrol cannot write in: refused" 2
	chmod 755 "$T/readonly"
fi
check_eq "dry runs: nothing created" 0 "$(stats .creates)"
check_eq "dry runs: nothing revoked" 0 "$(deletes)"

# --- a directory every user may write in, not sticky: a warning --------------------
mkdir -p "$T/open" "$T/sticky"
chmod 777 "$T/open"
chmod 1777 "$T/sticky"
WOLD=$(mktok '{"comment":"world writable"}')
run rotate --yes --to-dir "$T/open" "$WOLD"
check_rc "world-writable --to-dir: goes on" 0
check_match "world-writable --to-dir: warns, naming it and why" \
	"warning: $T/open is writable by every user and not sticky: another local user could rename or replace the secret files" "$ERR"
check_eq "world-writable --to-dir: the secret is there" 1 "$(ls "$T/open" | wc -l)"
WOLD=$(mktok '{"comment":"world writable file"}')
run rotate --yes --to-file "$T/open/w.secret" "$WOLD"
check_rc "world-writable directory of --to-file: goes on" 0
check_match "world-writable directory of --to-file: warns" "warning: $T/open is writable by every user and not sticky" "$ERR"
WOLD=$(mktok '{"comment":"world writable dry"}')
run rotate --dry-run --to-dir "$T/open" "$WOLD"
check_match "world-writable: the dry run warns too" "warning: $T/open is writable by every user" "$ERR"
run rotate --yes --to-file "$T/sticky/s.secret" "$WOLD"
check_rc "sticky directory (like /tmp): goes on" 0
check_nomatch "sticky directory: no warning" 'warning' "$ERR"
check_eq "sticky directory: the secret is there" yes "$([ -f "$T/sticky/s.secret" ] && echo yes || echo no)"
WOLD=$(mktok '{"comment":"private dir"}')
run rotate --yes --to-dir "$T/private" "$WOLD"
check_nomatch "a directory patrol makes: no warning" 'warning' "$ERR"
# a private directory in an open one: the open one could have it swapped
# for a link to another user's directory, so it is named
mkdir -m 700 "$T/open/inner"
WOLD=$(mktok '{"comment":"open above"}')
run rotate --yes --to-dir "$T/open/inner" "$WOLD"
check_rc "world-writable directory above --to-dir: goes on" 0
check_match "world-writable directory above --to-dir: warns, naming it and why" \
	"warning: $T/open is writable by every user and not sticky: another local user could replace the directory below it by a link to their own" "$ERR"
WOLD=$(mktok '{"comment":"open above file"}')
run rotate --dry-run --to-file "$T/open/inner/f.secret" "$WOLD"
check_match "world-writable directory above --to-file: warns" "warning: $T/open is writable by every user" "$ERR"
mkdir -m 777 "$T/open/inner/deep"
run rotate --dry-run --to-dir "$T/open/inner/deep/new" "$WOLD"
check_match "a --to-dir to be made in an open directory: names that one" \
	"warning: $T/open/inner/deep is writable by every user and not sticky: another local user could replace the directory below" "$ERR"
# a relative --to-file: the warning names the directory, once, by its path
WOLD=$(mktok '{"comment":"relative in open"}')
(cd "$T/open" && "$PATROL" rotate --yes --to-file rel.secret "$WOLD" >"$T/out" 2>"$T/err")
check_eq "relative --to-file in an open directory: goes on" 0 "$?"
check_eq "relative --to-file: one warning, naming the directory by its path" \
	"patrol: rotate: warning: $T/open is writable by every user" "$(grep warning "$T/err" | cut -d' ' -f1-9)"
reset_stats

# --- a file name as long as a name may be -------------------------------------------
# (its temporary file's name must fit too; one longer is refused before
# anything is created)
LONG=$(printf 'f%.0s' $(seq 250))
LOLD=$(mktok '{"comment":"long name"}')
run rotate --yes --to-file "$T/$LONG" "$LOLD"
check_rc "a 250-character file name: rotated" 0
LNEW=$(file_id "$T/$LONG")
check_eq "a 250-character file name: the secret is in it" yes "$(works "$(cat "$T/$LONG")" /api/2.0/sql/warehouses)"
check_eq "a 250-character file name: the new token is kept" 0 "$(stats ".revokes[\"$LNEW\"] // 0")"
check_eq "a 250-character file name: the old token revoked once" 1 "$(stats ".revokes[\"$LOLD\"] // 0")"
check_eq "a 250-character file name: no temporary file left" 1 "$(ls -A "$T" | grep -c "$LONG")"
reset_stats
LOLD=$(mktok '{"comment":"too long name"}')
run rotate --yes --to-file "$T/${LONG}123456" "$LOLD"
check_rc "a 256-character file name: refused" 2
check_match "a 256-character file name: says why" "File name too long \(nothing was rotated\)" "$ERR"
check_eq "a 256-character file name: nothing created" 0 "$(stats .creates)"
run rotate --dry-run --to-file "$T/${LONG}123456" "$LOLD"
check_rc "a 256-character file name: the dry run refuses it too" 2

# --- what the real run would refuse, the dry run refuses ------------------------------
reset_stats
ln -s "$T/nowhere/x" "$T/dangling"
run rotate --dry-run --to-dir "$T/dangling" "$OLD"
check_rc "dry run: --to-dir a link to nothing" 2
check_match "dry run: says why" "$T/dangling is a symbolic link to nothing: it cannot be made a directory \(the real run would refuse it" "$ERR"
run rotate --yes --to-dir "$T/dangling" "$OLD"
check_rc "--to-dir a link to nothing: refused" 2
check_match "--to-dir a link to nothing: the same reason" "$T/dangling is a symbolic link to nothing: it cannot be made a directory \(nothing was rotated\)" "$ERR"
mkdir -p "$T/adir"
for arg in "--to-file=$T/adir/." "--to-file=$T/adir/.." "--to-file=$T/adir/"; do
	run rotate --dry-run "$arg" "$OLD"
	check_rc "dry run: $arg names a directory: refused" 2
done
check_match "dry run: says so" "$T/adir/ exists \(a directory\): give a new file name \(the real run would refuse it" "$ERR"
run rotate --dry-run --to-file= "$OLD"
check_rc "dry run: an empty --to-file" 2
check_eq "dry run: an empty --to-file: says so" "patrol: rotate: --to-file is empty: give a file name" "$ERR"
run rotate --yes --to-dir "" "$OLD"
check_rc "an empty --to-dir" 2
check_eq "an empty --to-dir: says so" "patrol: rotate: --to-dir is empty: give a directory" "$ERR"
run rotate --resume --to-file ""
check_rc "rotate --resume with an empty --to-file" 2
check_eq "refused before anything was sent" 0 "$(stats .total)"

# --- results as JSON need the secret elsewhere ----------------------------------
run -o json rotate --yes "$OLD"
check_rc "JSON results with the secret on stdout: refused" 2
check_eq "nothing created" 0 "$(stats .creates)"

# --- a dry run sends nothing that changes anything --------------------------------
run rotate --dry-run "$OLD"
check_rc "dry run" 0
check_match "it would rotate" 'would rotate' "$OUT"
check_eq "nothing created" 0 "$(stats .creates)"
check_eq "nothing revoked" 0 "$(deletes)"

# --- read-only refuses it in the one place ------------------------------------------
reset_stats
run --read-only rotate --yes "$OLD"
check_rc "read-only" 2
check_eq "nothing sent" 0 "$(stats .total)"

# --- the token patrol signs in with: replaced, and kept ----------------------------
SELF=$(tok_id "$ADMIN_TOKEN")
run rotate --yes --to-file "$T/self.secret" "${SELF:0:12}"
check_rc "rotate patrol's own token" 0
check_match "kept, and says why" 'rotated, old kept.*patrol signs in with this token' "$OUT"
check_eq "it is not revoked" 0 "$(stats ".revokes[\"$SELF\"] // 0")"
check_eq "its replacement works" yes "$(works "$(cat "$T/self.secret")" /api/2.0/sql/warehouses)"
reset_stats

# --- without a terminal, revoking needs --yes ---------------------------------------
run rotate "$OLD"
check_rc "no confirmation, no terminal: refused" 2
check_eq "nothing created" 0 "$(stats .creates)"

# --- a service principal's token, by an admin ----------------------------------------
SPOLD=$(mktok "{\"user\":\"$SP\",\"service_principal\":true,\"comment\":\"etl\",\"scopes\":[\"jobs\"],\"creation_time\":$((NOW - DAY)),\"expiry_time\":$((NOW + 59 * DAY))}")
SPOWNER=$(listed "$SPOLD" | jq .owner_id)
reset_stats
run rotate --all --yes --to-file "$T/etl.secret" "$SPOLD"
check_rc "a service principal's token" 0
check_eq "its application id came from SCIM" 1 "$(stats '[.requests | to_entries[] | select(.key | startswith("GET /api/2.0/preview/scim/v2/ServicePrincipals/")) | .value] | add')"
check_eq "created on its behalf" 1 "$(count 'POST /api/2.0/token-management/on-behalf-of/tokens')"
NEW=$(file_id "$T/etl.secret")
check_eq "the new token is the service principal's" "$SPOWNER" "$(listed "$NEW" | jq .owner_id)"
check_eq "with its scopes" '["jobs"]' "$(listed "$NEW" | jq -c .scopes)"
check_eq "the old one revoked once, through token management" 1 \
	"$(count "DELETE /api/2.0/token-management/tokens/$SPOLD")"
check_eq "the old one is gone" "" "$(listed "$SPOLD")"
check_eq "the secret works" yes "$(works "$(cat "$T/etl.secret")" /api/2.1/jobs/list)"

# --- a user's token cannot be created on their behalf ----------------------------------
BOBS=$(mktok '{"user":"bob@example.com","comment":"bob laptop"}')
reset_stats
run rotate --all --yes --to-file "$T/bob.secret" "$BOBS"
check_rc "another user's token: fails" 1
check_match "it says why" 'only a service principal' "$OUT"
check_eq "nothing created" 0 "$(stats .creates)"
check_eq "nothing revoked" 0 "$(deletes)"
check_eq "no file" no "$([ -e "$T/bob.secret" ] && echo yes || echo no)"
run rotate --yes --to-file "$T/bob.secret" "$BOBS"
check_rc "another user's token without --all: not yours" 2

# --- many at once: --from FILE --all, the secrets into a directory -------------------
run rotate --all --yes --from /dev/null
check_rc "an empty file: nothing to rotate" 2
printf '%s\n%s\n' "$OLD" "$SPOLD" >"$T/two.ids"
run rotate --all --yes --from "$T/two.ids"
check_rc "many secrets need a directory" 2
check_match "it says so" 'give a directory' "$ERR"
: >"$T/many.ids"
for n in 1 2 3; do
	mktok "{\"user\":\"$SP\",\"service_principal\":true,\"comment\":\"robot $n\",\"scopes\":[\"jobs\"],\"creation_time\":$((NOW - 200 * DAY)),\"expiry_time\":$((NOW + 165 * DAY))}" >>"$T/many.ids"
done
MINE=$(mktok '{"comment":"mine"}')
printf '# every old robot, mine, and bob'"'"'s\n%s\n%s\n' "$MINE" "$BOBS" >>"$T/many.ids"
reset_stats
run -o json rotate --all --yes --from "$T/many.ids" --to-dir "$T/secrets"
check_rc "five tokens, one of them a user's: exit 1" 1
check_eq "one result per token" 5 "$(printf '%s' "$OUT" | jq length)"
check_eq "four rotated" 4 "$(printf '%s' "$OUT" | jq '[.[] | select(.result == "rotated")] | length')"
check_eq "bob's failed" "failed $BOBS" "$(printf '%s' "$OUT" | jq -r '.[] | select(.result != "rotated") | "\(.result) \(.old_token_id)"')"
check_match "the summary counts each outcome apart" \
	"4 rotated, 0 rotated with the old kept, 1 failed, 0 unknown, 0 not attempted$" "$ERR"
check_nomatch "no secret on stdout" 'dapi[0-9a-f]{32}' "$OUT"
check_nomatch "no secret on stderr" 'dapi[0-9a-f]{32}' "$ERR"
check_eq "the directory is private" 700 "$(stat -c %a "$T/secrets")"
check_eq "four secret files" 4 "$(ls "$T/secrets" | wc -l)"
BAD=0
for f in "$T"/secrets/*; do
	[ "$(stat -c %a "$f")" = 600 ] || BAD=$((BAD + 1))
	[ "$(file_id "$f")" = "$(basename "$f")" ] || BAD=$((BAD + 1))
	[ "$(works "$(cat "$f")" /api/2.1/jobs/list)" = yes ] || [ "$(basename "$f")" = "$(printf '%s' "$OUT" | jq -r --arg o "$MINE" '.[] | select(.old_token_id == $o) | .new_token_id')" ] || BAD=$((BAD + 1))
done
check_eq "each file is 0600, named by the id of the token whose secret it holds, and works" 0 "$BAD"
check_eq "each file is where the results say" 4 "$(printf '%s' "$OUT" | jq -r '.[].secret // empty' | while read -r f; do [ -f "$f" ] && echo x; done | wc -l)"
grep -v '^#' "$T/many.ids" | grep -v "$BOBS" >"$T/rotated.ids"
check_eq "each old token revoked exactly once" 4 "$(revoked_once "$T/rotated.ids")"
check_eq "none of them is left" 0 "$(still_there "$T/rotated.ids")"
check_eq "bob's token is untouched" "$BOBS" "$(listed "$BOBS" | jq -r .token_id)"
check_eq "three creates on the service principal's behalf, one of mine" "3 1" \
	"$(count 'POST /api/2.0/token-management/on-behalf-of/tokens') $(count 'POST /api/2.0/token/create')"
check_eq "one session for all of them" "rotate 5" \
	"$("$PATROL" journal -o json | jq -r '.[0] | "\(.kind) \(.planned)"')"
run rotate --resume
check_rc "nothing left to resume: bob's failure is no open rotation" 0
check_match "it says so" 'no unfinished rotation' "$ERR"

# --- a secret path longer than any fixed buffer: whole in every format -------------
# Six nested directories of 200 characters: the path is over 1,200 bytes
# (PATH_MAX is 4,096).
LONG=$(realpath "$T")
for n in 1 2 3 4 5 6; do LONG="$LONG/$(printf "d$n%.0s" $(seq 100))"; done
mkdir -p "$LONG"
LONGOLD=$(mktok '{"comment":"long path json"}')
run -o json rotate --yes --to-file "$LONG/json.secret" "$LONGOLD"
check_rc "a long --to-file path, JSON results" 0
check_eq "the path is over 1,100 bytes" yes "$([ ${#LONG} -gt 1100 ] && echo yes || echo no)"
check_eq "JSON: the secret field is the whole path" "$LONG/json.secret" "$(printf '%s' "$OUT" | jq -r '.[0].secret')"
check_eq "the file is there" yes "$([ -f "$LONG/json.secret" ] && echo yes || echo no)"
LONGOLD=$(mktok '{"comment":"long path csv"}')
run -o csv rotate --yes --to-dir "$LONG/csv" "$LONGOLD"
check_rc "a long --to-dir path, CSV results" 0
LONGNEW=$(printf '%s\n' "$OUT" | sed -n 2p | cut -d, -f3 | tr -d '"')
check_eq "CSV: the secret column is the whole path (quoted)" "\"$LONG/csv/$LONGNEW\"" \
	"$(printf '%s\n' "$OUT" | sed -n 2p | cut -d, -f4)"
LONGOLD=$(mktok '{"comment":"long path table"}')
run rotate --yes --to-file "$LONG/table.secret" "$LONGOLD"
check_rc "a long --to-file path, table results" 0
check_eq "table: the line names the whole path" 1 \
	"$(printf '%s\n' "$OUT" | grep -cF "secret in $LONG/table.secret")"

# --- Ctrl-C: the token in hand is finished, the rest are not attempted (not failed) -----
# The emulator holds the first old token's revoke; Ctrl-C comes while it waits.
: >"$T/intr.ids"
for n in 1 2 3; do
	mktok "{\"user\":\"$SP\",\"service_principal\":true,\"comment\":\"intr $n\",\"creation_time\":$((NOW - 200 * DAY)),\"expiry_time\":$((NOW + 165 * DAY))}" >>"$T/intr.ids"
done
reset_stats
hold /api/2.0/token-management/tokens/
"$PATROL" rotate --all --yes --from "$T/intr.ids" --to-dir "$T/intr" >"$T/intr.out" 2>"$T/intr.err" &
VICTIM=$!
await at_least 1 deletes
check_eq "Ctrl-C: the first revoke is held" 1 "$(deletes)"
kill -INT "$VICTIM"      # delivered long before the release below is sent
release
wait "$VICTIM"
RC=$? OUT=$(cat "$T/intr.out") ERR=$(cat "$T/intr.err")
check_rc "Ctrl-C: not all done" 1
check_match "Ctrl-C: the token in hand finished, two never tried" \
	"1 rotated, 0 rotated with the old kept, 0 failed, 0 unknown, 2 not attempted$" "$ERR"
check_eq "Ctrl-C: one create, one revoke" "1 1" "$(count 'POST /api/2.0/token-management/on-behalf-of/tokens') $(deletes)"

finish
