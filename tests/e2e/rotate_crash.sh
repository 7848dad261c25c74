#!/bin/bash
# patrol rotate killed with -9 at each point of a rotation, then
# patrol rotate --resume: nothing is revoked twice, exactly one replacement
# survives, and the secret file holds its secret (which works).
#
# Where the kill lands is never a matter of timing. A create or a revoke on
# the wire: the emulator holds the request (POST /emulator/hold), the test
# waits until /emulator/stats shows it arrived, kills patrol, then lets the
# emulator go on with it (POST /emulator/release) and waits for that too.
# Between two steps: tests/e2e/patrol-crashpoints, patrol built with the
# hooks of src/rotate.c, kills itself there (PATROL_TEST_CRASH).
. "${top_srcdir:-.}/tests/e2e/lib.sh"

CRASHY="${top_builddir:-.}/tests/e2e/patrol-crashpoints"
[ -x "$CRASHY" ] || { echo "missing $CRASHY (make check builds it)"; exit 99; }
DAY=86400000

listed() {
	curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "$EMU_URL/api/2.0/token/list" |
		jq -r --arg id "$1" '.token_infos[]? | select(.token_id == $id) | .token_id'
}

# gone ID: true when ID is no longer listed.
gone() {
	[ -z "$(listed "$1")" ]
}


# unfinished: the kind and state of the newest session, as patrol journal says.
newest_session() {
	"$PATROL" journal -o json | jq -r '.[0] | "\(.kind) \(.state)"'
}

# kill_on_arrival NAME REQUEST FILE: rotate OLD into FILE and kill -9 patrol
# while the emulator holds REQUEST ("POST /api/..."), then release it.
kill_on_arrival() {
	local pid
	hold "${2#* }"
	"$PATROL" rotate --yes --to-file "$3" "$OLD" >"$T/out" 2>"$T/err" &
	pid=$!
	wait_stats "$1: the request arrived" ".requests[\"$2\"] // 0" 1
	kill -9 "$pid"
	wait "$pid"
	check_eq "$1: killed" 137 "$?"
	release
}

# after_resume NAME OLD FILE CREATES: what must hold once resumed.
after_resume() {
	local name=$1 old=$2 file=$3 creates=$4 survivor
	check_rc "$name: resume" 0
	check_eq "$name: the old token revoked exactly once" 1 "$(stats ".revokes[\"$old\"] // 0")"
	check_eq "$name: the old token is gone" "" "$(listed "$old")"
	check_eq "$name: creates sent in all" "$creates" "$(stats .creates)"
	check_eq "$name: exactly one replacement survives" 1 "$(replacements "$old" | wc -l)"
	survivor=$(replacements "$old")
	check_eq "$name: the file holds the survivor's secret" "$survivor" "$(file_id "$file")"
	check_eq "$name: the file is mode 0600" 600 "$(stat -c %a "$file")"
	check_eq "$name: the secret works" yes "$(secret_works "$file")"
	check_eq "$name: no token was revoked twice" 0 \
		"$(stats '[.revokes[] | select(. > 1)] | length')"
	check_eq "$name: the session is finished" "rotate finished" "$(newest_session)"
	check_nomatch "$name: no secret on the resume's outputs" 'dapi[0-9a-f]{32}' "$OUT$ERR"
}

# --- between two steps: the hooks ----------------------------------------------------
emu_start

# created: the create was answered, the secret never reached the file.
OLD=$(mktok)
reset_stats
PATROL_TEST_CRASH=created "$CRASHY" rotate --yes --to-file "$T/created.secret" "$OLD" >"$T/out" 2>"$T/err"
check_eq "created: killed there" 137 "$?"
LOST=$(replacements "$OLD")
check_eq "created: a replacement was made" 1 "$(echo "$LOST" | grep -c .)"
check_eq "created: its secret never reached the file" no "$([ -e "$T/created.secret" ] && echo yes || echo no)"
check_eq "created: the old token is untouched" 0 "$(stats ".revokes[\"$OLD\"] // 0")"
check_eq "created: the session is unfinished" "rotate unfinished" "$(newest_session)"
SESSION=$("$PATROL" journal -o json | jq -r '.[0].session')
run revoke --resume
check_rc "created: revoke --resume does not take a rotation" 0
check_match "created: it finds no revocation to go on with" 'no unfinished revoke session' "$ERR"
check_nomatch "created: nor points at the rotation" "$SESSION" "$ERR"
run revoke --resume "$SESSION"
check_rc "created: revoke --resume SESSION refuses a rotation" 2
check_match "created: and says what resumes it" 'is a rotate session.*patrol rotate --resume' "$ERR"
check_eq "created: nothing was sent by either" 0 "$(count 'POST /api/2.0/token/delete')"
run rotate --dry-run "$OLD"
check_match "created: a new rotation says one waits" 'note: an unfinished rotation waits.*patrol rotate --resume' "$ERR"
run journal "$SESSION"
check_match "created: patrol journal shows the kind" '^kind: +rotate' "$OUT"
check_match "created: and how to go on" 'patrol rotate --resume' "$ERR"
check_match "created: and the step the token reached" "step created ${LOST:0:10}" "$OUT"
run journal "$SESSION" -o json
check_eq "created: the step in JSON" "created $LOST" "$(printf '%s' "$OUT" | jq -r '.items[0].step | "\(.name) \(.other)"')"
run rotate --resume
after_resume created "$OLD" "$T/created.secret" 2
check_eq "created: the token whose secret was lost is revoked, once" 1 "$(stats ".revokes[\"$LOST\"] // 0")"
check_eq "created: it is gone" "" "$(listed "$LOST")"

# written: the secret is in the file (synced), the journal does not say so.
OLD=$(mktok)
reset_stats
PATROL_TEST_CRASH=written "$CRASHY" rotate --yes --to-file "$T/written.secret" "$OLD" >"$T/out" 2>"$T/err"
check_eq "written: killed there" 137 "$?"
NEW=$(file_id "$T/written.secret")
check_eq "written: the file holds the new secret" "$(replacements "$OLD")" "$NEW"
run rotate --resume
after_resume written "$OLD" "$T/written.secret" 1
check_eq "written: the delivered token is kept, never revoked" 0 "$(stats ".revokes[\"$NEW\"] // 0")"

# delivered: recorded as delivered, the old token not yet touched.
OLD=$(mktok)
reset_stats
PATROL_TEST_CRASH=delivered "$CRASHY" rotate --yes --to-file "$T/delivered.secret" "$OLD" >"$T/out" 2>"$T/err"
check_eq "delivered: killed there" 137 "$?"
check_eq "delivered: nothing revoked yet" 0 "$(count 'POST /api/2.0/token/delete')"
run rotate --resume
after_resume delivered "$OLD" "$T/delivered.secret" 1

# the secret on standard output: a resume cannot know it arrived, so the
# replacement is revoked and made again, its secret on the resume's stdout.
OLD=$(mktok)
reset_stats
PATROL_TEST_CRASH=created "$CRASHY" rotate --yes "$OLD" >"$T/out" 2>"$T/err"
check_eq "stdout: killed there" 137 "$?"
check_eq "stdout: nothing was printed" 0 "$(wc -c <"$T/out")"
LOST=$(replacements "$OLD")
run rotate --resume
check_rc "stdout: resume" 0
printf '%s\n' "$OUT" >"$T/stdout.secret"
check_match "stdout: the resume prints the new secret alone" '^dapi[0-9a-f]{32}$' "$OUT"
check_eq "stdout: the lost one is revoked once" 1 "$(stats ".revokes[\"$LOST\"] // 0")"
check_eq "stdout: one replacement survives, the printed one" "$(replacements "$OLD")" "$(file_id "$T/stdout.secret")"
check_eq "stdout: the old token revoked once" 1 "$(stats ".revokes[\"$OLD\"] // 0")"

# --- a create on the wire: its answer never came -------------------------------------
OLD=$(mktok)
reset_stats
kill_on_arrival "create sent" "POST /api/2.0/token/create" "$T/sent.secret"
wait_stats "create sent: the workspace made the token anyway" .creates 1
LOST=$(replacements "$OLD")
check_eq "create sent: no file" no "$([ -e "$T/sent.secret" ] && echo yes || echo no)"
run rotate --resume
after_resume "create sent" "$OLD" "$T/sent.secret" 2
check_eq "create sent: the token made blind is found and revoked once" 1 "$(stats ".revokes[\"$LOST\"] // 0")"
check_eq "create sent: two creates in all, the blind one never resent" 2 \
	"$(stats '.requests["POST /api/2.0/token/create"]')"

# a timeout after the create was sent: unknown, never sent again, found by
# the resume once the server made it
OLD=$(mktok)
reset_stats
hold /api/2.0/token/create
run --timeout 2 rotate --yes --to-file "$T/timeout.secret" "$OLD"
check_rc "timeout: unfinished" 1
check_match "timeout: the token is unknown" '^unknown ' "$OUT"
check_eq "timeout: the create was sent once" 1 "$(count 'POST /api/2.0/token/create')"
release
wait_stats "timeout: the server made the token after all" .creates 1
LOST=$(replacements "$OLD")
run rotate --resume
after_resume timeout "$OLD" "$T/timeout.secret" 2
check_eq "timeout: the token made after the timeout is found and revoked once" 1 \
	"$(stats ".revokes[\"$LOST\"] // 0")"

# SIGTERM: the token in hand is finished, the rest left for a resume
: >"$T/three.ids"
for n in 1 2 3; do mktok >>"$T/three.ids"; done
reset_stats
hold /api/2.0/token/create
"$PATROL" rotate --yes --from "$T/three.ids" --to-dir "$T/three" >"$T/out" 2>"$T/err" &
PID=$!
wait_stats "stop: the first create arrived" '.requests["POST /api/2.0/token/create"] // 0' 1
kill -TERM "$PID"
release
wait "$PID"
check_eq "stop: exit 1, not all rotated" 1 "$?"
check_eq "stop: the token in hand is rotated, the others not started" "1 1" \
	"$(count 'POST /api/2.0/token/create') $(revoked_once "$T/three.ids")"
check_eq "stop: the rest are not attempted" 2 "$(grep -c '^not attempted' "$T/out")"
check_eq "stop: the session is unfinished" "rotate unfinished" "$(newest_session)"
run rotate --resume
check_rc "stop: resume" 0
check_eq "stop: each old token revoked exactly once" 3 "$(revoked_once "$T/three.ids")"
check_eq "stop: three creates in all" 3 "$(count 'POST /api/2.0/token/create')"
check_eq "stop: three secret files" 3 "$(ls "$T/three" | wc -l)"
check_eq "stop: the session is finished" "rotate finished" "$(newest_session)"
emu_stop

# --- a create answered 500: its outcome is unknown, and nothing was made -----------
emu_start --fail 500:1:1 --fault-path /token/create
OLD=$(mktok)
reset_stats
run rotate --yes --to-file "$T/unknown.secret" "$OLD"
check_rc "unknown: the rotation says it is unfinished" 1
check_match "unknown: the token is unknown, resume looks for it" '^unknown .*patrol rotate --resume' "$OUT"
check_eq "unknown: the create was not resent" 1 "$(count 'POST /api/2.0/token/create')"
check_eq "unknown: nothing revoked" 0 "$(count 'POST /api/2.0/token/delete')"
run rotate --resume
check_rc "unknown: a resume right away does not create again" 1
check_match "unknown: it says when to try again" 'may still be processed: run patrol rotate --resume again after' "$OUT$ERR"
check_eq "unknown: still one create" 1 "$(count 'POST /api/2.0/token/create')"
check_eq "unknown: nothing revoked" 0 "$(count 'POST /api/2.0/token/delete')"
NOW=$(date +%s%3N)
PATROL_NOW_MS=$((NOW + 240000)) run rotate --resume
after_resume unknown "$OLD" "$T/unknown.secret" 1
check_eq "unknown: created again once the create could no longer land" 2 \
	"$(count 'POST /api/2.0/token/create')"
emu_stop

# --- two tokens, one --comment: a lookup never takes the other's replacement ----------
emu_start --fail 500:1:1 --fault-path /token/create
A=$(mktok)
B=$(mktok)
printf '%s\n%s\n' "$A" "$B" >"$T/pair.ids"
reset_stats
run rotate --yes --comment "shared name" --from "$T/pair.ids" --to-dir "$T/pair"
check_rc "shared comment: the first is unknown, the second rotated" 1
BNEW=$(ls "$T/pair")
check_eq "shared comment: B's replacement has the shared comment" "shared name" \
	"$(curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "$EMU_URL/api/2.0/token/list" |
		jq -r --arg id "$BNEW" '.token_infos[] | select(.token_id == $id) | .comment')"
NOW=$(date +%s%3N)
PATROL_NOW_MS=$((NOW + 240000)) run rotate --resume
check_rc "shared comment: resume" 0
check_eq "shared comment: B's replacement is not taken for A's lost create" 0 \
	"$(stats ".revokes[\"$BNEW\"] // 0")"
check_eq "shared comment: B's replacement is still there" "$BNEW" "$(listed "$BNEW")"
check_eq "shared comment: A and B each revoked once" 2 "$(revoked_once "$T/pair.ids")"
check_eq "shared comment: A created again (three creates in all)" 3 \
	"$(count 'POST /api/2.0/token/create')"
check_eq "shared comment: two secret files, each its token's" 0 \
	"$(for f in "$T"/pair/*; do [ "$(file_id "$f")" = "$(basename "$f")" ] || echo bad; done | wc -l)"
check_eq "shared comment: two files" 2 "$(ls "$T/pair" | wc -l)"
emu_stop

# --- a create processed and its answer lost (the connection dropped) ----------------
emu_start --drop 1:1 --fault-path /token/create
OLD=$(mktok)
reset_stats
run rotate --yes --to-file "$T/dropped.secret" "$OLD"
check_rc "dropped: unfinished" 1
check_eq "dropped: the workspace made the token" 1 "$(stats .creates)"
LOST=$(replacements "$OLD")
run rotate --resume
after_resume dropped "$OLD" "$T/dropped.secret" 2
check_eq "dropped: the token whose answer was lost is found and revoked once" 1 \
	"$(stats ".revokes[\"$LOST\"] // 0")"
emu_stop

# --- a revoke on the wire: its answer never came -------------------------------------
emu_start
OLD=$(mktok)
reset_stats
kill_on_arrival "revoke sent" "POST /api/2.0/token/delete" "$T/revoke.secret"
await gone "$OLD"
check_eq "revoke sent: the workspace revoked it anyway" "" "$(listed "$OLD")"
check_eq "revoke sent: the session is unfinished" "rotate unfinished" "$(newest_session)"
run rotate --resume
after_resume "revoke sent" "$OLD" "$T/revoke.secret" 1
check_eq "revoke sent: the resume sent no revoke" 1 "$(count 'POST /api/2.0/token/delete')"

finish
