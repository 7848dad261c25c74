#!/bin/bash
# patrol rotate against what a review found (and the class each belongs to):
#
# - A resume looks for what a lost create made (its answer never came) and
#   revokes it: only a token that matches everything the create asked for
#   (comment, scopes, lifetime), made between when it was sent and when its
#   failure was seen (plus the clock slack), that no rotation journal of any
#   session names. The user's retry in another session, and another
#   client's tokens with the same comment, survive; several tokens that all
#   match are each named and none is revoked. Every token revoked that way
#   is said on stderr, and patrol journal SESSION names it.
# - A create answered with a token id that is the old token's own, or that
#   is not the SHA-256 of the secret sent with it (token-api.md), is no
#   replacement: the secret is not delivered, nothing is revoked, the old
#   token stays, the rotation fails (exit 1). Own tokens and a service
#   principal's, one token and many into a directory.
# - A copied comment is cut by characters to fit 255 with the mark, never
#   by bytes.
# What was sent is read from /emulator/stats; POST /emulator/lie makes the
# emulator answer creates with a token id of the test's choosing.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

CRASHY="${top_builddir:-.}/tests/e2e/patrol-crashpoints"
[ -x "$CRASHY" ] || { echo "missing $CRASHY (make check builds it)"; exit 99; }
JDIR="$HOME/.local/state/patrol"
DAY=86400000
SP=8f0d6c1e-2b3a-4c5d-9e8f-0a1b2c3d4e5f

newest() {
	ls -t "$JDIR"/*.jsonl | head -n 1
}
# listed ID: ID when token management lists it, else empty.
listed() {
	curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "$EMU_URL/api/2.0/token-management/tokens" |
		jq -r --arg id "$1" '.token_infos[]? | select(.token_id == $id) | .token_id'
}
# commented C: the ids of the listed tokens whose comment is C.
commented() {
	curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "$EMU_URL/api/2.0/token-management/tokens" |
		jq -r --arg c "$1" '.token_infos[]? | select(.comment == $c) | .token_id'
}
revokes() {
	stats ".revokes[\"$1\"] // 0"
}
all_revokes() {
	stats '[.revokes[]] | add // 0'
}
now_ms() {
	curl -s "$EMU_URL/emulator/clock" | jq .now_ms
}
lie() {
	curl -s -X POST "$EMU_URL/emulator/lie" -d "{\"create_id\":$1}" >/dev/null
}

# --- 1a. the user's retry in another session survives the resume ---------------------
# The first create is processed and answered 500: its outcome is unknown.
# The user rotates again (a second session, which succeeds), then resumes
# the first, as patrol advised.
emu_start --garbage 1:1 --garbage-kind 500 --fault-path token/create
OLD=$(mktok '{"comment":"ci deploy","scopes":["sql"]}')
reset_stats
run rotate "$OLD" --yes --to-file "$T/a.secret"
check_rc "retry: the first rotation's create is unknown" 1
check_match "retry: it says so" '^unknown ' "$OUT"
SA=$(basename "$(newest)" .jsonl)
STRAY=$(commented "ci deploy (rotated from ${OLD:0:10})")
check_eq "retry: the lost create made a token" 1 "$(printf '%s\n' "$STRAY" | grep -c .)"
run rotate "$OLD" --yes --to-file "$T/b.secret"
check_rc "retry: the second rotation succeeds" 0
NEW=$(file_id "$T/b.secret")
check_eq "retry: b.secret holds the retry's replacement" "$NEW" "$(listed "$NEW")"
reset_stats
run rotate --resume "$SA" --yes
check_rc "retry: the resume fails the item (the old token is gone)" 1
check_eq "retry: the retry's replacement is never revoked" 0 "$(revokes "$NEW")"
check_eq "retry: it is still listed" "$NEW" "$(listed "$NEW")"
check_eq "retry: its secret still works" yes "$(secret_works "$T/b.secret")"
check_eq "retry: the lost create's token revoked exactly once" 1 "$(revokes "$STRAY")"
check_eq "retry: nothing else revoked" 1 "$(all_revokes)"
check_eq "retry: nothing created" 0 "$(stats .creates)"
check_match "retry: the revoke is said on stderr, naming the token" \
	"rotate: revoking $STRAY, made to replace ${OLD:0:10}: its secret never reached the destination" "$ERR"
run journal "$SA"
check_match "retry: patrol journal SESSION names the token revoked" "revoked on the way: ${STRAY:0:10}" "$OUT"
run journal "$SA" -o json
check_eq "retry: ... and in JSON" "$STRAY" "$(printf '%s' "$OUT" | jq -r '.items[0].discarded[0]')"
emu_stop

# --- 1b. --comment: another client's tokens with that comment survive -----------------
emu_start --garbage 1:1 --garbage-kind 500 --fault-path token/create
NOW=$(now_ms)
OLD=$(mktok "{\"comment\":\"svc\",\"scopes\":[\"sql\"],\"creation_time\":$((NOW - 10 * DAY)),\"expiry_time\":$((NOW + 20 * DAY))}")
reset_stats
run rotate "$OLD" --yes --comment deploy --to-file "$T/c.secret"
check_rc "other clients: the create is unknown" 1
S=$(basename "$(newest)" .jsonl)
STRAY=$(commented deploy)
check_eq "other clients: the lost create made a token" 1 "$(printf '%s\n' "$STRAY" | grep -c .)"
NOW=$(now_ms)
# the same comment, made by another client: another lifetime; other scopes;
# an hour after the create failed
LIFE=$(mktok "{\"comment\":\"deploy\",\"scopes\":[\"sql\"],\"creation_time\":$NOW,\"expiry_time\":$((NOW + 90 * DAY))}")
SCOPED=$(mktok "{\"comment\":\"deploy\",\"scopes\":[\"jobs\"],\"creation_time\":$NOW,\"expiry_time\":$((NOW + 30 * DAY))}")
LATER=$(mktok "{\"comment\":\"deploy\",\"scopes\":[\"sql\"],\"creation_time\":$((NOW + 3600000)),\"expiry_time\":$((NOW + 3600000 + 30 * DAY))}")
reset_stats
run rotate --resume --yes
check_rc "other clients: the resume rotates" 0
check_eq "other clients: another lifetime survives" "0 $LIFE" "$(revokes "$LIFE") $(listed "$LIFE")"
check_eq "other clients: other scopes survive" "0 $SCOPED" "$(revokes "$SCOPED") $(listed "$SCOPED")"
check_eq "other clients: one made after the failure survives" "0 $LATER" "$(revokes "$LATER") $(listed "$LATER")"
check_eq "other clients: the lost create's token revoked once" 1 "$(revokes "$STRAY")"
check_eq "other clients: the old token revoked once" 1 "$(revokes "$OLD")"
check_eq "other clients: two revokes in all" 2 "$(all_revokes)"
check_eq "other clients: one create" 1 "$(stats .creates)"
check_eq "other clients: the file holds the new replacement" yes "$(secret_works "$T/c.secret")"

# --- 1c. two tokens match the lost create alike: none is revoked --------------------
OLD=$(mktok "{\"comment\":\"svc2\",\"scopes\":[\"sql\"],\"creation_time\":$((NOW - 10 * DAY)),\"expiry_time\":$((NOW + 20 * DAY))}")
hold /api/2.0/token/create
reset_stats
run --timeout 2 rotate "$OLD" --yes --comment twin --to-file "$T/d.secret"
check_rc "twins: the create timed out" 1
S=$(basename "$(newest)" .jsonl)
release
wait_stats "twins: the server made the token after all" .creates 1
STRAY=$(commented twin)
NOW=$(now_ms)
TWIN=$(mktok "{\"comment\":\"twin\",\"scopes\":[\"sql\"],\"creation_time\":$NOW,\"expiry_time\":$((NOW + 30 * DAY))}")
reset_stats
run rotate --resume --yes
check_rc "twins: the item fails" 1
check_eq "twins: nothing revoked" 0 "$(all_revokes)"
check_eq "twins: nothing created" 0 "$(stats .creates)"
check_eq "twins: the old token is kept" "$OLD" "$(listed "$OLD")"
check_match "twins: both are named" "2 tokens match it \\(comment \"twin\"\\): .*${STRAY:0:10} \\(created [0-9-]+ [0-9:]+\\)" "$OUT"
check_match "twins: both are named (the other)" "${TWIN:0:10} \\(created [0-9-]+ [0-9:]+\\)" "$OUT"
check_match "twins: the user is told how to go on" \
	"none was revoked and the old token is kept: revoke those that are not in use \\(patrol revoke ID\\), then patrol rotate --resume $S rotates it again" "$OUT"
check_eq "twins: no secret file" no "$([ -e "$T/d.secret" ] && echo yes || echo no)"
run revoke --yes "$STRAY"
reset_stats
run rotate --resume "$S" --yes
check_rc "twins: once the user revoked the stray, the resume rotates" 0
check_eq "twins: the twin is never revoked" "0 $TWIN" "$(revokes "$TWIN") $(listed "$TWIN")"
check_eq "twins: one create" 1 "$(stats .creates)"
check_eq "twins: the old token revoked once" 1 "$(revokes "$OLD")"
emu_stop

# --- 1d. many alike: none revoked, as many named as fit, the rest counted -------------
emu_start --garbage 1:1 --garbage-kind 500 --fault-path token/create
OLD=$(mktok '{"comment":"crowd","scopes":["sql"]}')
run rotate "$OLD" --yes --comment crowd --lifetime 7d --to-file "$T/e.secret"
check_rc "crowd: the create is unknown" 1
NOW=$(now_ms)
for n in 1 2 3 4 5 6 7 8 9; do
	mktok "{\"comment\":\"crowd\",\"scopes\":[\"sql\"],\"creation_time\":$NOW,\"expiry_time\":$((NOW + 7 * DAY))}" >/dev/null
done
reset_stats
run rotate --resume --yes
check_rc "crowd: the item fails" 1
check_match "crowd: all ten are counted" "10 tokens match it" "$OUT"
check_match "crowd: those that do not fit are counted" "\\) and [0-9]+ more; none was revoked" "$OUT"
check_eq "crowd: nothing revoked, nothing created" "0 0" "$(all_revokes) $(stats .creates)"
emu_stop

# --- 2. a create answered with a token id that cannot be the new token's ---------------
emu_start --service-principal "$SP"
NOW=$(now_ms)
# lied CASE ID: the create answers ID; the old token and the file stay.
lied() {
	local name=$1
	check_rc "$name: the rotation fails" 1
	check_match "$name: says why" "$2" "$OUT$ERR"
	check_eq "$name: one create" 1 "$(stats .creates)"
	check_eq "$name: nothing revoked" 0 "$(all_revokes)"
	check_eq "$name: the old token is kept" "$OLD" "$(listed "$OLD")"
}
OLD=$(mktok '{"comment":"liar","scopes":["sql"]}')
lie "\"$OLD\""
reset_stats
run rotate "$OLD" --yes --to-file "$T/same.secret"
lied "same id, own" "answered the create with token id $OLD, the old token's own id: the secret was not delivered"
check_eq "same id, own: no secret file" no "$([ -e "$T/same.secret" ] && echo yes || echo no)"
reset_stats
run rotate "$OLD" --yes
lied "same id, stdout" "the old token's own id"
check_nomatch "same id, stdout: no secret on stdout" 'dapi' "$OUT"
OTHER=$(mktok '{"comment":"bystander","scopes":["sql"]}')
lie "\"$OTHER\""
reset_stats
run rotate "$OLD" --yes --to-file "$T/hash.secret"
lied "another id, own" "token id $OTHER, which is not the SHA-256 of the secret it sent"
check_eq "another id, own: the token it named is untouched" "0 $OTHER" "$(revokes "$OTHER") $(listed "$OTHER")"
check_eq "another id, own: no secret file" no "$([ -e "$T/hash.secret" ] && echo yes || echo no)"
# a service principal's token, created on its behalf; many into a directory
OLD=$(mktok "{\"user\":\"$SP\",\"service_principal\":true,\"comment\":\"sp job\",\"scopes\":[\"sql\"]}")
lie "\"$OLD\""
reset_stats
run rotate --all "$OLD" --yes --to-file "$T/sp.secret"
lied "same id, on behalf" "the old token's own id"
check_eq "same id, on behalf: it was an on-behalf create" 1 \
	"$(count 'POST /api/2.0/token-management/on-behalf-of/tokens')"
A=$(mktok '{"comment":"one","scopes":["sql"]}')
B=$(mktok '{"comment":"two","scopes":["sql"]}')
printf '%s\n' "$A" "$B" >"$T/two.ids"
lie "\"$A\""
reset_stats
run rotate --from "$T/two.ids" --yes --to-dir "$T/many"
check_rc "many: the rotation fails" 1
check_eq "many: two creates" 2 "$(stats .creates)"
check_eq "many: nothing revoked" 0 "$(all_revokes)"
check_eq "many: both old tokens kept" "$A $B" "$(listed "$A") $(listed "$B")"
check_eq "many: no secret files" 0 "$(ls -A "$T/many" | wc -l)"
check_match "many: A's create answered its own id" "token id $A, the old token's own id" "$OUT"
check_match "many: B's answered another's" "token id $A, which is not the SHA-256" "$OUT"
lie null
reset_stats
run rotate "$A" --yes --to-file "$T/truth.secret"
check_rc "the truth again: rotated" 0
# a journal of an older patrol that recorded such an answer (step created
# with the old token's own id), killed before delivery: the resume never
# revokes the old token as a stray of its own rotation
OLD=$(mktok '{"comment":"forged","scopes":["sql"]}')
PATROL_TEST_CRASH=created "$CRASHY" rotate --yes --to-file "$T/forged.secret" "$OLD" >"$T/out" 2>"$T/err"
check_eq "older journal: killed after the create" 137 "$?"
J=$(newest)
sed -i "s|\"step\":\"created\",\"other\":\"[0-9a-f]*\"|\"step\":\"created\",\"other\":\"$OLD\"|" "$J"
check_eq "older journal: it says the old id was created" 1 "$(grep -c "\"step\":\"created\",\"other\":\"$OLD\"" "$J")"
reset_stats
run rotate --resume --yes
check_rc "older journal: the resume rotates" 0
check_eq "older journal: the old token revoked once, as the rotation's old one" 1 "$(revokes "$OLD")"
check_eq "older journal: one create" 1 "$(stats .creates)"
check_eq "older journal: the file holds a working secret" yes "$(secret_works "$T/forged.secret")"

# --- 3. a copied comment is cut by characters ---------------------------------------
# --comment is counted by characters too: 256 ASCII ones are refused before
# anything is sent, 255 three-byte ones go through
OLD=$(mktok '{"comment":"long","scopes":["sql"]}')
reset_stats
run rotate "$OLD" --yes --comment "$(python3 -c 'print("a" * 256)')" --to-file "$T/long.secret"
check_rc "--comment of 256 characters: refused" 2
check_match "--comment of 256 characters: says why" "longer than 255 characters" "$ERR"
check_eq "--comment of 256 characters: nothing sent" "0 0" "$(stats .creates) $(all_revokes)"
C=$(python3 -c 'print("数" * 255)')
run rotate "$OLD" --yes --comment "$C" --to-file "$T/long.secret"
check_rc "--comment of 255 characters (765 bytes): rotated" 0
check_eq "--comment of 255 characters: the new token has it" "$C" \
	"$(curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "$EMU_URL/api/2.0/token/list" |
		jq -r --arg id "$(file_id "$T/long.secret")" '.token_infos[] | select(.token_id == $id) | .comment')"

C=$(python3 -c 'print("数" * 300)')
OLD=$(mktok "{\"comment\":\"$C\",\"scopes\":[\"sql\"]}")
run rotate "$OLD" --yes --to-file "$T/cjk.secret"
check_rc "characters: rotated" 0
NEWC=$(curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "$EMU_URL/api/2.0/token/list" |
	jq -r --arg id "$(file_id "$T/cjk.secret")" '.token_infos[] | select(.token_id == $id) | .comment')
check_eq "characters: 255 characters with the mark" 255 "$(printf '%s' "$NEWC" | python3 -c 'import sys; print(len(sys.stdin.read()))')"
check_eq "characters: 229 of them kept, whole" "$(python3 -c 'print("数" * 229)') (rotated from ${OLD:0:10})" "$NEWC"
C=$(python3 -c 'print("数" * 100)')
OLD=$(mktok "{\"comment\":\"$C\",\"scopes\":[\"sql\"]}")
run rotate "$OLD" --yes --to-file "$T/short.secret"
NEWC=$(curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "$EMU_URL/api/2.0/token/list" |
	jq -r --arg id "$(file_id "$T/short.secret")" '.token_infos[] | select(.token_id == $id) | .comment')
check_eq "characters: 100 characters (300 bytes) and the mark fit: not cut" "$C (rotated from ${OLD:0:10})" "$NEWC"

# --- a copied lifetime, the workspace maximum changed before the resume -------------------
# The first run asks for the 90 days the maximum allowed (the old token lives
# 365); an admin then lowers the maximum to 30. The resume, past the create's
# window, still knows the lost create's token (at most the old lifetime) and
# revokes it before creating again.
emu_start --max-lifetime-days 90 --garbage 1:1 --garbage-kind 500 --fault-path token/create
NOW=$(now_ms)
OLD=$(mktok "{\"comment\":\"yearly\",\"scopes\":[\"sql\"],\"creation_time\":$((NOW - DAY)),\"expiry_time\":$((NOW + 364 * DAY))}")
reset_stats
run rotate "$OLD" --yes --to-file "$T/max.secret"
check_rc "max changed: the create is unknown" 1
LOST=$(commented "yearly (rotated from ${OLD:0:10})")
check_eq "max changed: the lost create made a 90-day token" $((90 * DAY)) \
	"$(curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "$EMU_URL/api/2.0/token-management/tokens" | jq --arg id "$LOST" '.token_infos[] | select(.token_id == $id) | .expiry_time - .creation_time')"
curl -s -X PATCH -H "Authorization: Bearer $ADMIN_TOKEN" "$EMU_URL/api/2.0/workspace-conf" \
	-d '{"maxTokenLifetimeDays":"30"}' >/dev/null
reset_stats
PATROL_NOW_MS=$((NOW + 3600000)) run rotate --resume --yes
check_rc "max changed: the resume rotates" 0
check_eq "max changed: the lost create's token revoked once" 1 "$(revokes "$LOST")"
check_eq "max changed: the old token revoked once" 1 "$(revokes "$OLD")"
check_eq "max changed: one create" 1 "$(stats .creates)"
emu_stop

finish
