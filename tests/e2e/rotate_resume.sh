#!/bin/bash
# patrol rotate --resume where it can go wrong besides the crash points
# (rotate_crash.sh): the directory it runs in, a session the view began,
# and two resumes of one session at once.
#
# - The journal keeps where the secrets go as an absolute path: a resume
#   from another directory finds the secret that was delivered (and never
#   revokes its token, nor writes a second one there). An older journal's
#   relative path is never taken against whatever directory a resume runs
#   in: the user names the file from the right one.
# - A session begun in the view (destination "dialog") is resumed with a
#   place for any new secret (--to-file or --to-dir), asked for before
#   anything is sent; one whose secret was delivered needs none.
# - A destination spoiled meanwhile (a file or a link put where the secret
#   goes, the directory removed) is found before anything is created: that
#   token creates nothing and waits for a resume once the way is clear (and
#   every resume counts it as not finished until then).
# - A private directory in an open one, swapped for a link to another
#   user's directory after the check: nothing is written through the link.
# - A journal that cannot record a new token (a full disk) gives one way
#   on, the resume, which revokes that token and rotates again.
# - A resume takes the session's lock before it reads the plan: a second
#   resume is refused while the first runs, and one that finds the session
#   finished by another patrol says so, exit 0, sending nothing.
# Between two steps patrol is stopped by the hooks of
# tests/e2e/patrol-crashpoints: PATROL_TEST_CRASH kills it, PATROL_TEST_PAUSE
# stops it (SIGSTOP) until the test lets it go on.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

CRASHY="${top_builddir:-.}/tests/e2e/patrol-crashpoints"
[ -x "$CRASHY" ] || { echo "missing $CRASHY (make check builds it)"; exit 99; }
case $CRASHY in /*) ;; *) CRASHY="$PWD/$CRASHY" ;; esac
case $PATROL in /*) ;; *) PATROL="$PWD/$PATROL" ;; esac
REAL_T=$(realpath "$T")
JDIR="$HOME/.local/state/patrol"

listed() {
	curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "$EMU_URL/api/2.0/token/list" |
		jq -r --arg id "$1" '.token_infos[]? | select(.token_id == $id) | .token_id'
}
newest() {
	ls -t "$JDIR"/*.jsonl | head -n 1
}
# params FILE: the rotation's destination as its plan recorded it.
params() {
	head -n 1 "$1" | jq -c '.params | {dest, path}'
}
# sent: requests that change something (creates and revokes).
sent() {
	stats '[.requests | to_entries[] | select(.key | test("^POST|^DELETE")) | .value] | add // 0'
}
# runin DIR ARGS...: run (lib.sh) in DIR.
runin() {
	local d=$1
	shift
	pushd "$d" >/dev/null || return
	run "$@"
	popd >/dev/null || return
}
# state_is PID STATE: true when process PID is in STATE (T: stopped).
state_is() {
	[ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" = "$2" ]
}
# wait_state PID STATE: wait (await) until process PID is in STATE, then check it is.
wait_state() {
	await state_is "$1" "$2"
	check_eq "process $1 is in state $2" "$2" "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)"
}

emu_start
mkdir -p "$T/cwd1" "$T/cwd2"

# --- D10: a file given relative, resumed from another directory ----------------------
OLD=$(mktok)
reset_stats
(cd "$T/cwd1" && PATROL_TEST_CRASH=written "$CRASHY" rotate --yes --to-file rel.secret "$OLD" >"$T/out" 2>"$T/err")
check_eq "relative file: killed after the write" 137 "$?"
J=$(newest)
check_eq "relative file: the plan keeps the absolute path" \
	"{\"dest\":\"file\",\"path\":\"$REAL_T/cwd1/rel.secret\"}" "$(params "$J")"
NEW=$(file_id "$T/cwd1/rel.secret")
runin "$T/cwd2" rotate --resume
check_rc "relative file: resume from another directory" 0
check_match "relative file: it names the file it found" "secret in $REAL_T/cwd1/rel.secret" "$OUT"
check_eq "relative file: the delivered token is kept" 0 "$(stats ".revokes[\"$NEW\"] // 0")"
check_eq "relative file: it is still listed" "$NEW" "$(listed "$NEW")"
check_eq "relative file: the old token revoked once" 1 "$(stats ".revokes[\"$OLD\"] // 0")"
check_eq "relative file: one create in all" 1 "$(stats .creates)"
check_eq "relative file: no second secret in the other directory" "" "$(ls -A "$T/cwd2")"
check_eq "relative file: the file still holds the survivor" "$(replacements "$OLD")" "$(file_id "$T/cwd1/rel.secret")"

# a directory given relative, killed before the write: the resume writes
# the new secret into that directory, not into one of its own
OLD=$(mktok)
reset_stats
(cd "$T/cwd1" && PATROL_TEST_CRASH=created "$CRASHY" rotate --yes --to-dir reldir "$OLD" >"$T/out" 2>"$T/err")
check_eq "relative dir: killed after the create" 137 "$?"
check_eq "relative dir: the plan keeps the absolute path" \
	"{\"dest\":\"dir\",\"path\":\"$REAL_T/cwd1/reldir\"}" "$(params "$(newest)")"
LOST=$(replacements "$OLD")
runin "$T/cwd2" rotate --resume
check_rc "relative dir: resume from another directory" 0
SURVIVOR=$(replacements "$OLD")
check_eq "relative dir: the secret is in the session's directory" "$SURVIVOR" \
	"$(file_id "$T/cwd1/reldir/$SURVIVOR")"
check_eq "relative dir: nothing in the resume's directory" "" "$(ls -A "$T/cwd2")"
check_eq "relative dir: the lost replacement revoked once" 1 "$(stats ".revokes[\"$LOST\"] // 0")"
check_eq "relative dir: the old token revoked once" 1 "$(stats ".revokes[\"$OLD\"] // 0")"

# a file whose directory does not exist is refused before anything is sent
OLD=$(mktok)
reset_stats
run rotate --yes --to-file "$T/nodir/x" "$OLD"
check_rc "missing directory: refused" 2
check_match "missing directory: says why" "cannot write $T/nodir/x: .*No such file.*nothing was rotated" "$ERR"
check_eq "missing directory: nothing was sent" 0 "$(sent)"

# an older journal with a relative path: never resolved against the resume's
# directory; named from the directory it was started in (the user says so:
# the file cannot tell), it goes on
OLD=$(mktok)
(cd "$T/cwd1" && PATROL_TEST_CRASH=written "$CRASHY" rotate --yes --to-file old.secret "$OLD" >"$T/out" 2>"$T/err")
check_eq "old journal: killed after the write" 137 "$?"
reset_stats
J=$(newest)
sed -i "1s|\"path\":\"$REAL_T/cwd1/old.secret\"|\"path\":\"old.secret\"|" "$J"
check_eq "old journal: its path is relative" '{"dest":"file","path":"old.secret"}' "$(params "$J")"
SESSION=$(basename "$J" .jsonl)
NEW=$(file_id "$T/cwd1/old.secret")
runin "$T/cwd2" rotate --resume
check_rc "old journal: refused from another directory" 2
check_match "old journal: says how to go on" \
	"from the directory it was started in, run patrol rotate --resume $SESSION --to-file old.secret" "$ERR"
check_eq "old journal: nothing was sent" 0 "$(sent)"
check_eq "old journal: no file made there" "" "$(ls -A "$T/cwd2")"
runin "$T/cwd1" rotate --resume --to-file other.secret
check_rc "old journal: another name is refused" 2
check_match "old journal: it names the session's" "puts its secrets in old.secret" "$ERR"
check_eq "old journal: still nothing sent" 0 "$(sent)"
runin "$T/cwd1" rotate --resume --to-file old.secret
check_rc "old journal: named from its directory, it goes on" 0
check_eq "old journal: the delivered token is kept" 0 "$(stats ".revokes[\"$NEW\"] // 0")"
check_eq "old journal: the old token revoked once" 1 "$(stats ".revokes[\"$OLD\"] // 0")"
check_eq "old journal: no create" 0 "$(stats .creates)"

# a file or directory session refuses another destination
OLD=$(mktok)
(cd "$T/cwd1" && PATROL_TEST_CRASH=created "$CRASHY" rotate --yes --to-file mine.secret "$OLD" >"$T/out" 2>"$T/err")
reset_stats
run rotate --resume --to-file "$T/cwd2/elsewhere.secret"
check_rc "another destination: refused" 2
check_match "another destination: names the session's" "puts its secrets in $REAL_T/cwd1/mine.secret" "$ERR"
check_eq "another destination: nothing sent" 0 "$(sent)"
run rotate --resume
check_rc "another destination: without one it goes on" 0
check_eq "another destination: the secret in the session's file" "$(replacements "$OLD")" \
	"$(file_id "$T/cwd1/mine.secret")"

# --- D12c: a destination spoiled meanwhile is found before anything is created -------
# Killed after the create (the secret never reached the file); then the
# file's name becomes a symbolic link. The resume revokes the lost
# replacement (its secret is nowhere), creates nothing, says why for that
# token and keeps the session for a resume once the way is clear.
OLD=$(mktok)
PATROL_TEST_CRASH=created "$CRASHY" rotate --yes --to-file "$T/sym.secret" "$OLD" >"$T/out" 2>"$T/err"
check_eq "spoiled file: killed after the create" 137 "$?"
SESSION=$(basename "$(newest)" .jsonl)
LOST=$(replacements "$OLD")
ln -s "$T/elsewhere.secret" "$T/sym.secret"
reset_stats
run rotate --resume
check_rc "spoiled file: the token fails" 1
check_match "spoiled file: its line says why, before any create" \
	"failed +${OLD:0:10} -> -  $REAL_T/sym.secret exists \(a symbolic link\): nothing was created for it" "$OUT"
check_match "spoiled file: one way on" "1 not finished: patrol rotate --resume $SESSION goes on with them" "$ERR"
check_eq "spoiled file: nothing created" 0 "$(stats .creates)"
check_eq "spoiled file: the lost replacement revoked once" 1 "$(stats ".revokes[\"$LOST\"] // 0")"
check_eq "spoiled file: the old token kept" "0 $OLD" "$(stats ".revokes[\"$OLD\"] // 0") $(listed "$OLD")"
check_eq "spoiled file: nothing written through the link" no "$([ -e "$T/elsewhere.secret" ] && echo yes || echo no)"
check_eq "spoiled file: the session waits" "unfinished" \
	"$("$PATROL" journal -o json | jq -r --arg s "$SESSION" '.[] | select(.session == $s) | .state')"
rm "$T/sym.secret"
reset_stats
run rotate --resume
check_rc "spoiled file: once cleared, the resume goes on" 0
check_eq "spoiled file: one create" 1 "$(stats .creates)"
check_eq "spoiled file: the secret in the file" "$(replacements "$OLD")" "$(file_id "$T/sym.secret")"
check_eq "spoiled file: the old token revoked once" 1 "$(stats ".revokes[\"$OLD\"] // 0")"

# the same with a file put there meanwhile, and with the session's directory gone
OLD=$(mktok)
PATROL_TEST_CRASH=created "$CRASHY" rotate --yes --to-file "$T/taken.secret" "$OLD" >"$T/out" 2>"$T/err"
echo "someone else's" >"$T/taken.secret"
reset_stats
run rotate --resume
check_rc "file put there meanwhile: the token fails" 1
check_match "file put there meanwhile: says why" "$REAL_T/taken.secret exists: nothing was created for it" "$OUT"
check_eq "file put there meanwhile: nothing created" 0 "$(stats .creates)"
check_eq "file put there meanwhile: the file is untouched" "someone else's" "$(cat "$T/taken.secret")"
# resumed again with the file still there: the token is counted as not
# finished, and refused again (its lost replacement went the first time)
reset_stats
run rotate --resume
check_rc "still in the way: the token fails again" 1
check_match "still in the way: counted as not finished" "1 planned, 1 not finished" "$ERR"
check_match "still in the way: says why" "$REAL_T/taken.secret exists: nothing was created for it" "$OUT"
check_eq "still in the way: nothing created" 0 "$(stats .creates)"
check_eq "still in the way: nothing revoked" 0 "$(deletes)"
rm "$T/taken.secret"
reset_stats
run rotate --resume
check_rc "file put there meanwhile: cleared, done" 0
check_match "cleared: the count says what it does" "1 planned, 1 not finished" "$ERR"
check_eq "cleared: one create" 1 "$(stats .creates)"
OLD=$(mktok)
PATROL_TEST_CRASH=created "$CRASHY" rotate --yes --to-dir "$T/gone" "$OLD" >"$T/out" 2>"$T/err"
rm -rf "$T/gone"
reset_stats
run rotate --resume
check_rc "directory gone: the token fails" 1
check_match "directory gone: says why" "cannot write in $REAL_T/gone: No such file or directory: nothing was created for it" "$OUT"
check_eq "directory gone: nothing created" 0 "$(stats .creates)"
check_eq "directory gone: not made again behind the user's back" no "$([ -e "$T/gone" ] && echo yes || echo no)"
mkdir -m 700 "$T/gone"
run rotate --resume
check_rc "directory gone: made again by the user, done" 0
check_eq "directory gone: the old token revoked once" 1 "$(stats ".revokes[\"$OLD\"] // 0")"

# a directory every user may write in, named again to the resume: one
# warning, naming it by its path
mkdir -m 777 "$T/open"
chmod 777 "$T/open"
OLD=$(mktok)
PATROL_TEST_CRASH=created "$CRASHY" rotate --yes --to-dir "$T/open" "$OLD" >"$T/out" 2>"$T/err"
(cd "$T/open" && "$PATROL" rotate --resume --to-dir . >"$T/out" 2>"$T/err")
check_eq "open directory: the resume goes on" 0 "$?"
check_eq "open directory: one warning, naming it by its path" \
	"patrol: rotate: warning: $REAL_T/open is writable by every user" "$(grep warning "$T/err" | cut -d' ' -f1-9)"

# --- a private directory in an open one, swapped for a link after the check ------------
# patrol is stopped after the create (PATROL_TEST_PAUSE); meanwhile "another
# user" renames the private directory and puts a link to their own in its
# place. The secret must not land there: the write fails, the new token is
# revoked, the old one kept.
mkdir -m 777 "$T/shared" "$T/theirs"
chmod 777 "$T/shared" "$T/theirs"
mkdir -m 700 "$T/shared/mine"
OLD=$(mktok)
reset_stats
PATROL_TEST_PAUSE=before-created "$CRASHY" rotate --yes --to-dir "$T/shared/mine" "$OLD" >"$T/out" 2>"$T/err" &
VICTIM=$!
wait_state "$VICTIM" T
mv "$T/shared/mine" "$T/shared/old"
ln -s "$T/theirs" "$T/shared/mine"
kill -CONT "$VICTIM"
wait "$VICTIM"
RC=$? OUT=$(cat "$T/out") ERR=$(cat "$T/err")
check_rc "swapped for a link: the token fails" 1
check_eq "swapped for a link: nothing in the other user's directory" 0 "$(ls -A "$T/theirs" | wc -l)"
check_eq "swapped for a link: nothing in the moved directory" 0 "$(ls -A "$T/shared/old" | wc -l)"
check_match "swapped for a link: says why" \
	"a directory on its path is a symbolic link now: nothing was written through it" "$OUT"
check_eq "swapped for a link: one create" 1 "$(stats .creates)"
check_eq "swapped for a link: the new token revoked" 1 "$(stats '[.revokes[]] | add // 0')"
check_eq "swapped for a link: the old token kept" "$OLD" "$(listed "$OLD")"
check_match "swapped for a link: it was warned of" "warning: $REAL_T/shared is writable by every user" "$ERR"

# --- D12b: the journal cannot record the new token (the disk filled up) --------------
# patrol is stopped just before it writes step "created" (PATROL_TEST_PAUSE);
# the test caps the size of any file it may write at the journal's size
# (prlimit: the next journal write fails with EFBIG as it would with ENOSPC
# on a full disk; SIGXFSZ ignored), then lets it go on. A long old comment
# keeps the journal larger than what patrol writes to stdout and stderr.
# It gives one way on, the resume, and the resume does it.
LONGC=$(printf 'c%.0s' $(seq 2000))
OLD=$(mktok "{\"comment\":\"$LONGC\",\"scopes\":[\"sql\"]}")
rotated_from() {
	curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "$EMU_URL/api/2.0/token/list" |
		jq -r --arg c "(rotated from ${1:0:10})" '.token_infos[]? | select(.comment | endswith($c)) | .token_id'
}
reset_stats
(trap '' XFSZ; PATROL_TEST_PAUSE=before-created exec "$CRASHY" rotate --yes --to-file "$T/full.secret" "$OLD" >"$T/out" 2>"$T/err") &
VICTIM=$!
wait_state "$VICTIM" T
J=$(newest)
SESSION=$(basename "$J" .jsonl)
prlimit --pid "$VICTIM" --fsize="$(stat -c %s "$J")"
kill -CONT "$VICTIM"
wait "$VICTIM"
RC=$? OUT=$(cat "$T/out") ERR=$(cat "$T/err")
STRAY=$(rotated_from "$OLD")
check_rc "journal full: the token fails" 1
check_eq "journal full: one replacement was made" 1 "$(printf '%s\n' "$STRAY" | grep -c .)"
check_match "journal full: says why and the one way on" \
	"cannot write the journal .*: the new token $STRAY is not recorded, so its secret was not delivered; once the journal can be written, patrol rotate --resume revokes it and rotates again" "$OUT"
check_match "journal full: the summary agrees" "1 not finished: patrol rotate --resume $SESSION goes on with them" "$ERR"
check_nomatch "journal full: no advice to revoke by hand" 'patrol revoke|revoke it' "$OUT$ERR"
check_eq "journal full: no secret file" no "$([ -e "$T/full.secret" ] && echo yes || echo no)"
check_eq "journal full: nothing revoked" 0 "$(stats '[.revokes[]] | add // 0')"
reset_stats
run rotate --resume
check_rc "journal full: the resume, as told" 0
check_eq "journal full: the unrecorded replacement revoked once" 1 "$(stats ".revokes[\"$STRAY\"] // 0")"
check_eq "journal full: one create" 1 "$(stats .creates)"
check_eq "journal full: the old token revoked once" 1 "$(stats ".revokes[\"$OLD\"] // 0")"
check_eq "journal full: the secret of the one replacement left in the file" "$(rotated_from "$OLD")" \
	"$(file_id "$T/full.secret")"

# --- D9: a rotation begun in the view ------------------------------------------------
# The view's session: destination "dialog", no path (ui/ui_rotate.c), killed
# while the secret dialog was open (the step is "created").
OLD=$(mktok)
(cd "$T/cwd1" && PATROL_TEST_CRASH=created "$CRASHY" rotate --yes --to-file view.secret "$OLD" >"$T/out" 2>"$T/err")
J=$(newest)
SESSION=$(basename "$J" .jsonl)
sed -i '1s|"dest":"file","path":"[^"]*"|"dest":"dialog","path":null|' "$J"
check_eq "view: a dialog session" '{"dest":"dialog","path":null}' "$(params "$J")"
LOST=$(replacements "$OLD")
reset_stats
run rotate --resume
check_rc "view: refused without a destination" 2
check_match "view: says what it needs" \
	"started in the interactive view.*patrol rotate --resume $SESSION --to-file FILE \\(or --to-dir DIR\\); nothing was sent" "$ERR"
check_nomatch "view: never out of memory" 'out of memory' "$OUT$ERR"
check_eq "view: nothing sent" 0 "$(sent)"
check_eq "view: the session is still unfinished" "unfinished" \
	"$("$PATROL" journal -o json | jq -r --arg s "$SESSION" '.[] | select(.session == $s) | .state')"
check_eq "view: no resume record was written" 0 "$(grep -c '"type":"resume"' "$J")"
run rotate --resume --to-file "$T/view.secret"
check_rc "view: with --to-file it goes on" 0
SURVIVOR=$(replacements "$OLD")
check_eq "view: the secret in the file given" "$SURVIVOR" "$(file_id "$T/view.secret")"
check_eq "view: the token shown in the lost dialog revoked once" 1 "$(stats ".revokes[\"$LOST\"] // 0")"
check_eq "view: one create" 1 "$(stats .creates)"
check_eq "view: the old token revoked once" 1 "$(stats ".revokes[\"$OLD\"] // 0")"
check_eq "view: the session is finished" "finished" \
	"$("$PATROL" journal -o json | jq -r --arg s "$SESSION" '.[] | select(.session == $s) | .state')"

# the dialog was closed (delivered), the old token not yet revoked: nothing
# to create, so no destination is needed
OLD=$(mktok)
(cd "$T/cwd1" && PATROL_TEST_CRASH=delivered "$CRASHY" rotate --yes --to-file view2.secret "$OLD" >"$T/out" 2>"$T/err")
J=$(newest)
sed -i '1s|"dest":"file","path":"[^"]*"|"dest":"dialog","path":null|' "$J"
reset_stats
run rotate --resume
check_rc "view, delivered: goes on without a destination" 0
check_eq "view, delivered: no create" 0 "$(stats .creates)"
check_eq "view, delivered: the old token revoked once" 1 "$(stats ".revokes[\"$OLD\"] // 0")"

# --- D5: two resumes of one session at once ------------------------------------------
# three tokens, killed after the first create
A=$(mktok '{"comment":"ci one","scopes":["sql"]}')
B=$(mktok '{"comment":"ci two","scopes":["sql"]}')
C=$(mktok '{"comment":"ci three","scopes":["sql"]}')
printf '%s\n' "$A" "$B" "$C" >"$T/three.ids"
PATROL_TEST_CRASH=created "$CRASHY" rotate --yes --from "$T/three.ids" --to-dir "$T/three" >"$T/out" 2>"$T/err"
check_eq "two at once: killed after the first create" 137 "$?"
SESSION=$(basename "$(newest)" .jsonl)
reset_stats
hold /api/
"$PATROL" rotate --resume >"$T/out1" 2>"$T/err1" &
FIRST=$!
await at_least 1 stats .total
check_eq "the emulator received 1 request(s)" 1 "$(stats .total)"
run rotate --resume
check_rc "two at once: the second is refused" 2
check_match "two at once: it names the patrol that runs it" \
	"cannot resume: session $SESSION is running in another patrol \\(pid $FIRST" "$ERR"
check_eq "two at once: the second sent nothing" 1 "$(stats .total)"
release
wait "$FIRST"
check_eq "two at once: the first finishes" 0 "$?"
check_match "two at once: the first rotated all three" '3 rotated' "$(cat "$T/err1")"
for id in "$A" "$B" "$C"; do
	check_eq "two at once: ${id:0:10} revoked exactly once" 1 "$(stats ".revokes[\"$id\"] // 0")"
done
check_eq "two at once: three creates" 3 "$(stats .creates)"
check_eq "two at once: three secrets" 3 "$(ls "$T/three" | wc -l)"

# the other order: the first has found the session and not yet locked it
# when another patrol runs it to the end
A=$(mktok '{"comment":"etl one","scopes":["sql"]}')
B=$(mktok '{"comment":"etl two","scopes":["sql"]}')
printf '%s\n' "$A" "$B" >"$T/two.ids"
PATROL_TEST_CRASH=created "$CRASHY" rotate --yes --from "$T/two.ids" --to-dir "$T/two" >"$T/out" 2>"$T/err"
SESSION=$(basename "$(newest)" .jsonl)
reset_stats
PATROL_TEST_PAUSE=before-lock "$CRASHY" rotate --resume >"$T/out1" 2>"$T/err1" &
FIRST=$!
wait_state "$FIRST" T
run rotate --resume
check_rc "finished meanwhile: the other patrol finishes it" 0
BEFORE=$(stats .total)
kill -CONT "$FIRST"
wait "$FIRST"
check_eq "finished meanwhile: exit 0" 0 "$?"
check_match "finished meanwhile: says so" \
	"session $SESSION was finished meanwhile by another patrol \\(pid [0-9]+\\): nothing is left to do" \
	"$(cat "$T/err1")"
check_nomatch "finished meanwhile: no failure reported" 'failed|no longer listed' "$(cat "$T/err1" "$T/out1")"
check_eq "finished meanwhile: it sent nothing" "$BEFORE" "$(stats .total)"
for id in "$A" "$B"; do
	check_eq "finished meanwhile: ${id:0:10} revoked exactly once" 1 "$(stats ".revokes[\"$id\"] // 0")"
done
check_eq "finished meanwhile: the session has one end" 1 \
	"$(grep -c '"type":"end"' "$JDIR/$SESSION.jsonl")"

finish
