#!/bin/bash
# UI end-to-end: bulk revocation sessions (ui/ui_bulk.c). A filtered T/d/x
# plan with the typed count, the progress line, the results view and its
# :export, and the journal; a re-plan when a token vanished while the
# confirm was open (all of them vanished; the fresh list failed); q stops a
# slow session (the rest stay staged, nothing to resume); a 403 in the
# middle stops at once; the token patrol uses asks on its own and "Keep
# it" revokes only the others; an unfinished session left by a killed `patrol revoke` is
# offered at start and finished from the UI.
# Asserts on the screen, on /emulator/stats and on the journal files.
. "${top_srcdir:-.}/tests/e2e/lib.sh"
. "${top_srcdir:-.}/tests/ui/lib.sh"

export XDG_STATE_HOME="$T/state"
UI_ENV="XDG_STATE_HOME=$XDG_STATE_HOME"
SELF_ID=$(tok_id "$ADMIN_TOKEN")

# re TEXT: TEXT as an extended regular expression that matches itself.
re() { printf '%s' "$1" | sed 's/[][\.*^$?+(){}|/]/\\&/g'; }

# on_screen REGEX: how many lines of the screen match.
on_screen() { screen | grep -cE -- "$1"; }

# journal: the one session file of this scenario (the state dir is emptied
# before each); JN: its records of one type; jreason: its last end reason.
journal() {
	local f n
	n=$(ls "$XDG_STATE_HOME"/patrol/*.jsonl 2>/dev/null | wc -l)
	[ "$n" -eq 1 ] || { echo "want one journal, have $n" >&2; echo /dev/null; return; }
	ls "$XDG_STATE_HOME"/patrol/*.jsonl
}
JN() { jq -R --arg t "$1" 'fromjson? | select(.type == $t)' "$(journal)" | jq -s length; }
jreason() { jq -R -r 'fromjson? | select(.type == "end") | .reason' "$(journal)" | tail -n 1; }
jlast() { tail -n 1 "$(journal)" | jq -r '.type + ":" + (.reason // "")'; }

# exited: wait for patrol to end; UI_RC is "none" when it did not.
exited() { UI_RC=none; ui_exited 10; }

# sorted_ids FILE: the ids of FILE, sorted, on one line.
sorted_ids() { sort "$1" | tr '\n' ' '; }

# stage_filter EXPR SHOWN TOTAL [STAGED]: filter to EXPR, check the count, T
# tags and d stages every shown row (STAGED in all, default SHOWN).
stage_filter() {
	keys /; keys C-u; tm send-keys -t t -l "$1"; keys Enter
	check_screen "filter '$1' shows $2" "shown $2/$3 +tagged"
	keys T d
	check_screen "T d: every shown row tagged and staged" "shown $2/$3 +tagged [0-9]+ +staged ${4:-$2}( |$)"
}

# colon LINE: type :LINE; false (nothing typed) when ':' opened no
# command line, so the letters never reach the view as keys.
colon() {
	keys :
	wait_for '^:_' 3 || return 1
	tm send-keys -t t -l "$1"; keys Enter
}

# === 1. a filtered plan of 14, the typed count, progress, results, export ===========
rm -rf "$XDG_STATE_HOME"
emu_start --generate 20:1 --seed 21 --latency-ms 150
mk "bulkone" 14 "$T/ids1"
N=$(stats '.active_tokens["admin@example.com"]')
ui_shell 120 40
ui_start --jobs 2
check_screen "drawn with the data" "shown $N/$N +tagged 0 +staged 0"
reset_stats
keys /; tm send-keys -t t -l "comment:bulkone"; keys Enter
check_screen "the filter shows the 14" "shown 14/$N +tagged 0 +staged 0"
keys T
check_screen "T tags every shown row" "shown 14/$N +tagged 14 +staged 0"
keys d
check_screen "d stages the tagged rows" "shown 14/$N +tagged [0-9]+ +staged 14( |$)"
keys x
check_screen "x shows the plan" "^PLAN: revoke 14 tokens on $(re "$EMU_URL") "
check_screen "with the confirm on top" "Revoke tokens"
check_screen "the count is to be typed" "OK is off until you type 14"
n=0
while read -r id; do screen | grep -Eq "^  revoke +${id:0:9}…  bulk" && n=$((n + 1)); done <"$T/ids1"
check_eq "the plan lists every tagged token" 14 "$n"
check_eq "the plan lists nothing else" 14 "$(on_screen '^. revoke +[0-9a-f]{9}…')"
keys Enter
tm send-keys -t t -l "1"
# The focus starts in the Type field: Enter there does nothing until the
# count matches, and the 1 lands in the field.
check_screen "Enter without the count does nothing (the dialog stays, focus on Type)" "Type \\[1 +\\]"
check_eq "nothing was sent" "0 0" "$(count 'POST /api/2.0/token/delete') $(revokes)"
check_eq "not even the fresh list" 0 "$(count 'GET /api/2.0/token/list')"
keys BSpace
tm send-keys -t t -l "14"
keys Enter
check_screen "the progress line" "^revoking \\[[#.]{16}\\] [0-9]+ done +0 failed +[0-9]+ left +[0-9.]+/s +ETA [0-9?]+s? +jobs [12]/2( +throttled)? +\\(q stops\\)" 10
check_screen "the end: revoked 14" "revoked 14 tokens \\(R: results\\)" 20
check_eq "one fresh list before the revokes" 1 "$(count 'GET /api/2.0/token/list')"
check_eq "every planned token revoked exactly once" 14 "$(revoked_once "$T/ids1")"
check_eq "no other token revoked" 14 "$(revokes)"
check_eq "14 revoke requests, no more" 14 "$(count 'POST /api/2.0/token/delete')"
check_eq "the workspace has 14 fewer" $((N - 14)) "$(stats '.active_tokens["admin@example.com"]')"
check_screen "the revoked rows left the table" "shown 0/$((N - 14)) +tagged 0 +staged 0"
keys R
check_screen "R: the results view" "^14 revoked or gone, 0 failed, 0 skipped, 0 left"
n=0
while read -r id; do screen | grep -Eq "^  revoked +${id:0:9}…  bulkone " && n=$((n + 1)); done <"$T/ids1"
check_eq "R lists each as revoked" 14 "$n"
check_eq "and nothing else" 14 "$(on_screen '^. [a-z ]{13} [0-9a-f]{9}…')"
if colon "export $T/r1.csv"; then
	ok "':' opens the command line in the results view"
	check_screen ":export in the results view writes the results" "exported 14 results to $(re "$T/r1.csv")"
	colon "export $T/r1.json"
	check_screen ":export .json too" "exported 14 results to $(re "$T/r1.json")"
	check_eq "CSV: a header and 14 rows" 15 "$(wc -l <"$T/r1.csv" | tr -d ' ')"
	check_eq "CSV: the header" "token_id,result,owner,comment,status,http_status,message" "$(head -n 1 "$T/r1.csv")"
	check_eq "CSV: 14 rows revoked" 14 "$(grep -cE '^"[0-9a-f]{64}","revoked","[^"]*","bulkone [0-9]+","ok","200",' "$T/r1.csv")"
	check_eq "CSV: exactly the planned ids" "$(sorted_ids "$T/ids1")" "$(tail -n +2 "$T/r1.csv" | cut -d, -f1 | tr -d '"' | sort | tr '\n' ' ')"
	check_eq "JSON: 14 results, all revoked" "14 14" "$(jq -r '[length, ([.[] | select(.result == "revoked")] | length)] | map(tostring) | join(" ")' "$T/r1.json")"
	check_eq "JSON: exactly the planned ids" "$(sorted_ids "$T/ids1")" "$(jq -r '.[].token_id' "$T/r1.json" | sort | tr '\n' ' ')"
	check_eq "the exports are private (0600)" "600 600" "$(stat -c %a "$T/r1.csv") $(stat -c %a "$T/r1.json")"
else
	not_ok "':' opens the command line in the results view" \
		"no prompt: ':' is a table-only key (ui/ui_keys.c), so :export cannot reach ui_bulk_export"
fi
J=$(journal)
check_match "one journal file for the session" '\.jsonl$' "$J"
check_eq "the journal is 0600 in a 0700 directory" "600 700" "$(stat -c %a "$J") $(stat -c %a "$XDG_STATE_HOME/patrol")"
check_eq "journal: the plan names the 14" "$(sorted_ids "$T/ids1")" \
	"$(jq -r 'select(.type == "plan") | .items[].id' "$J" | sort | tr '\n' ' ')"
check_eq "journal: 14 intents" 14 "$(JN intent)"
check_eq "journal: 14 revoked results" 14 "$(jq -c 'select(.type == "result" and .result == "revoked")' "$J" | wc -l | tr -d ' ')"
check_eq "journal: ends with reason done" "end:done" "$(jlast)"
if cat "$J" "$T"/r1.* 2>/dev/null | grep -qE 'dapi[0-9a-f]'; then not_ok "no token value in the journal or exports"; else ok "no token value in the journal or exports"; fi
keys Escape
check_screen "Esc leaves the results" "COMMENT +CREATED"
keys q
exited
check_eq "quit: nothing left staged, no question" 0 "$UI_RC"
emu_stop

# === 2. re-plan: a token vanishes while the confirm is open ==========================
rm -rf "$XDG_STATE_HOME"
emu_start --generate 10:1 --seed 22
mk "replan" 3 "$T/ids2"
N=$(stats '.active_tokens["admin@example.com"]')
GONE=$(sed -n 2p "$T/ids2")
KEEP1=$(sed -n 1p "$T/ids2")
KEEP3=$(sed -n 3p "$T/ids2")
ui_shell 120 40
ui_start
check_screen "drawn with the data" "shown $N/$N +tagged 0 +staged 0"
reset_stats
stage_filter "comment:replan" 3 "$N"
keys x
check_screen "the confirm for 3" "Revoke 3 tokens\\?"
check_screen "the plan lists the one about to vanish" "^  revoke +${GONE:0:9}…"
check_eq "revoked behind patrol's back (curl)" 200 \
	"$(curl -s -o /dev/null -w '%{http_code}' -X DELETE -H "Authorization: Bearer $ADMIN_TOKEN" "$EMU_URL/api/2.0/token-management/tokens/$GONE")"
keys Tab Enter
check_screen "the plan changed: a second confirm" "The plan changed"
check_screen "it names the vanished one" "1 no longer exists? \\(not sent\\)"
check_screen "and what is left" "Revoke the remaining 2\\?"
check_screen_not "the plan no longer lists the vanished one" "^  revoke +${GONE:0:9}…"
check_eq "nothing revoked by patrol yet" 0 "$(count 'POST /api/2.0/token/delete')"
keys Tab Enter
check_screen "the other two revoked, the vanished one said apart" "revoked 2 tokens, 1 already gone \\(R: results\\)" 15
check_eq "patrol sent exactly 2 revokes" 2 "$(count 'POST /api/2.0/token/delete')"
check_eq "the two others revoked once each" "1 1" "$(stats ".revokes[\"$KEEP1\"]") $(stats ".revokes[\"$KEEP3\"]")"
check_eq "the vanished one only by curl, once" "1 1" \
	"$(stats ".revokes[\"$GONE\"]") $(count "DELETE /api/2.0/token-management/tokens/$GONE")"
check_eq "three revokes in all" 3 "$(revokes)"
keys R
check_screen "R: the vanished one is already gone" "^  already gone +${GONE:0:9}…"
check_eq "R: the others revoked" 2 "$(on_screen '^  revoked +[0-9a-f]{9}…  replan ')"
J=$(journal)
check_eq "journal: no intent for the vanished id" 0 "$(jq -c --arg i "$GONE" 'select(.type == "intent" and .id == $i)' "$J" | wc -l | tr -d ' ')"
check_eq "journal: two intents" 2 "$(JN intent)"
check_eq "journal: ends done" "end:done" "$(jlast)"
keys Escape
# Every staged id vanishes: nothing is sent, the rows go, the plan view too.
mk "lonely" 1 "$T/ids2b"
LONE=$(cat "$T/ids2b")
keys r
check_screen "r: the new token is listed" "shown 0/$((N - 2)) +tagged 0 +staged 0"
stage_filter "comment:lonely" 1 $((N - 2))
keys x
check_screen "the confirm for 1" "Revoke 1 token\\?"
curl -s -o /dev/null -X POST -H "Authorization: Bearer $ADMIN_TOKEN" -d "{\"token_id\":\"$LONE\"}" "$EMU_URL/api/2.0/token/delete"
keys Tab Enter
check_screen "nothing left to revoke, in plain words" "nothing left to revoke: 1 no longer exists"
check_gone "the plan view is gone" "^PLAN: "
check_screen "back to the rows: the vanished one is dropped" "shown 0/$((N - 3)) +tagged 0 +staged 0"
check_eq "patrol sent no revoke for it (3: its 2 before and the curl)" "3 1" \
	"$(count 'POST /api/2.0/token/delete') $(stats ".revokes[\"$LONE\"]")"
check_eq "and started no journal" 1 "$(ls "$XDG_STATE_HOME"/patrol/*.jsonl | wc -l | tr -d ' ')"
keys q
exited
check_eq "quit: nothing staged" 0 "$UI_RC"
emu_stop

# The fresh list fails (every list after the first is refused): nothing is
# sent, the plan view goes, the rows stay staged.
rm -rf "$XDG_STATE_HOME"
emu_start --generate 6:1 --seed 27 --fail 403:1:-1:1 --fault-path /api/2.0/token/list
N=$(stats '.active_tokens["admin@example.com"]')
ui_shell 120 40
ui_start
check_screen "drawn with the data" "shown $N/$N +tagged 0 +staged 0"
keys g d x
check_screen "the confirm for 1" "Revoke 1 token\\?"
keys Tab Enter
check_screen "the failed re-plan says nothing was revoked" "the fresh list could not be fetched, so nothing was revoked"
check_gone "the plan view is gone" "^PLAN: "
check_screen "the row stays staged" "shown $N/$N +tagged 0 +staged 1( |$)"
check_eq "the re-plan was asked for, and no revoke sent" "2 0" \
	"$(count 'GET /api/2.0/token/list') $(count 'POST /api/2.0/token/delete')"
check_eq "no journal" 0 "$(ls "$XDG_STATE_HOME"/patrol 2>/dev/null | wc -l | tr -d ' ')"
keys u q
exited
emu_stop

# === 3. q stops a slow session: the rest stay staged ================================
rm -rf "$XDG_STATE_HOME"
emu_start --generate 10:1 --seed 23 --latency-ms 400
mk "stopme" 20 "$T/ids3"
N=$(stats '.active_tokens["admin@example.com"]')
ui_shell 120 40
ui_start --jobs 1 --rate 0
check_screen "drawn with the data" "shown $N/$N +tagged 0 +staged 0"
reset_stats
stage_filter "comment:stopme" 20 "$N"
keys x
check_screen "the confirm asks for 20" "OK is off until you type 20"
tm send-keys -t t -l "20"
keys Enter
check_screen "running, some done" "^revoking \\[[#.]{16}\\] [2-9] done +0 failed" 20
keys q
check_screen "q asks to stop" "Stop the revocation\\?"
check_screen "it says at most one (--jobs 1) is sent" "The revokes already sent \\(at most 1\\) finish;"
check_screen "and that the rest stay staged" "least 1[0-8] not sent yet stay staged and tagged\\."
keys Tab Enter
# (what was never sent is "not attempted", never "failed": issue 13 item 4)
check_screen "stopped: the rest stay staged" "revoked [0-9]+, [0-9]+ not attempted: they stay staged and tagged" 15
K=$(screen | sed -n 's/.*revoked \([0-9]*\), \([0-9]*\) not attempted.*/\1/p' | tail -n 1)
F=$(screen | sed -n 's/.*revoked \([0-9]*\), \([0-9]*\) not attempted.*/\2/p' | tail -n 1)
if [ -n "$K" ] && [ "$K" -ge 2 ] && [ "$K" -lt 20 ]; then ok "stopped part way ($K of 20)"; else not_ok "stopped part way" "revoked: $K"; fi
check_eq "revoked + not sent = 20" 20 "$((K + F))"
check_eq "the emulator got exactly the revoked ones" "$K" "$(revokes)"
check_eq "each of them once" "$K" "$(revoked_once "$T/ids3")"
check_eq "and no other revoke request" "$K" "$(count 'POST /api/2.0/token/delete')"
check_screen "the not sent ones stay staged and tagged" "shown $F/$((N - K)) +tagged $F +staged $F( |$)" 5
check_screen_not "patrol is still running" "EXIT="
keys R
check_screen "R: the results" "^$K revoked or gone, 0 failed, $F not attempted, 0 skipped, 0 left"
check_eq "R: $F not attempted" "$F" "$(on_screen "^  not attempted +[0-9a-f]{9}…  stopme [0-9]+ +not sent: the (batch|session) was stopped")"
check_eq "R: $K revoked" "$K" "$(on_screen '^  revoked +[0-9a-f]{9}…  stopme ')"
J=$(journal)
check_eq "journal: $K intents (none for the ones not sent)" "$K" "$(JN intent)"
check_eq "journal: ends with reason stopped" "stopped" "$(jreason)"
keys Escape
keys :; tm send-keys -t t -l "resume"; keys Enter
check_screen "a stopped session is not offered again" "no unfinished revocation session for this workspace"
run journal -o json
check_eq "patrol journal: stopped" "stopped" "$(printf '%s' "$OUT" | jq -r '.[0].state')"
keys q
check_screen "quit asks: the not sent ones are staged" "$F staged revocations will be discarded"
keys Tab Enter
exited
check_eq "quit after the stop" 0 "$UI_RC"
emu_stop

# === 4. a 403 in the middle stops the session =======================================
rm -rf "$XDG_STATE_HOME"
emu_start --generate 10:1 --seed 24 --fail 403:1:1:3 --fault-path /api/2.0/token/delete
mk "denied" 10 "$T/ids4"
N=$(stats '.active_tokens["admin@example.com"]')
ui_shell 160 40     # wide: the whole 401/403 message fits beside the counts
ui_start --jobs 2
check_screen "drawn with the data" "shown $N/$N +tagged 0 +staged 0"
reset_stats
stage_filter "comment:denied" 10 "$N"
keys x
check_screen "the confirm for 10 (no typed count)" "Revoke 10 tokens\\?"
check_screen_not "ten is not over ten: nothing to type" "OK is off until"
keys Tab Enter
check_screen "stopped on the 403, in plain words" \
	"stopped: the workspace refused patrol's credentials \\(401/403\\); [0-9]+ revoked, [0-9]+ not done stay staged" 15
K=$(revokes)
# at most 3 + 2 * (jobs - 1): those before the 403, the one in flight with
# it, and the one a worker turn that read another answer first started
# before it read the 403 (the bound tests/e2e/halt.sh uses)
if [ "$K" -ge 3 ] && [ "$K" -le 5 ]; then ok "3 revoked before the 403, at most 2 more in flight ($K)"; else not_ok "stopped at once" "revoked: $K"; fi
check_eq "the status counts them" "$K revoked, $((10 - K)) not done" \
	"$(screen | grep -oE '[0-9]+ revoked, [0-9]+ not done' | tail -n 1)"
check_eq "the emulator failed exactly one" 1 "$(stats .faults.fail)"
check_eq "no revoke request after the 403 but those in flight" $((K + 1)) "$(count 'POST /api/2.0/token/delete')"
keys R
check_screen "R: one failed with the 403's reason" "^  failed +[0-9a-f]{9}…  denied [0-9]+ +permission denied: "
check_eq "R: exactly one failed" 1 "$(on_screen '^  failed +[0-9a-f]{9}…')"
check_eq "R: the rest not attempted" $((10 - K - 1)) "$(on_screen '^  not attempted +[0-9a-f]{9}…')"
check_eq "R: $K revoked" "$K" "$(on_screen '^  revoked +[0-9a-f]{9}…')"
check_eq "journal: the failed one has the 403" "failed permission 403" \
	"$(jq -R -r 'fromjson? | select(.type == "result" and .result == "failed") | "\(.result) \(.status) \(.http)"' "$(journal)")"
check_eq "journal: ends with reason auth" "auth" "$(jreason)"
keys Escape
keys :; tm send-keys -t t -l "resume"; keys Enter
check_screen "an auth-stopped session is not offered" "no unfinished revocation session for this workspace"
keys q
check_screen "quit asks: the rest are staged" "$((10 - K)) staged revocations will be discarded"
keys Tab Enter
exited
check_eq "quit (the staged ones discarded)" 0 "$UI_RC"
emu_stop

# === 5. the token patrol uses: its own dialog, Keep it revokes the others ============
rm -rf "$XDG_STATE_HOME"
emu_start --generate 10:1 --seed 25
mk "selfcase" 2 "$T/ids5"
N=$(stats '.active_tokens["admin@example.com"]')
ui_shell 120 40
ui_start
check_screen "drawn with the data" "shown $N/$N +tagged 0 +staged 0"
reset_stats
keys /; tm send-keys -t t -l "id:${SELF_ID:0:12}"; keys Enter
check_screen "the filter finds the token in use" "shown 1/$N +tagged 0 +staged 0"
keys d
check_screen "d stages it (no tags: the current row)" "shown 1/$N +tagged 0 +staged 1( |$)"
stage_filter "comment:selfcase" 2 "$N" 3
check_screen "three staged" " staged 3 "
keys x
check_screen "the confirm for 3" "Revoke 3 tokens\\?"
check_screen "it says one is hidden by the filter" "1 of them is hidden by the current filter"
check_screen "it warns about the token in use" "One is the token patrol uses \\(S\\): it asks again"
check_screen "the plan marks it S" "^S revoke +${SELF_ID:0:9}…"
keys Tab Enter
check_screen "its own dialog" "Revoke the token in use\\?"
check_eq "nothing sent before the answer" 0 "$(count 'POST /api/2.0/token/delete')"
keys Tab Enter   # Cancel, then Keep it
check_screen "the two others revoked" "revoked 2 tokens \\(R: results\\)" 15
check_eq "the two others revoked once each" 2 "$(revoked_once "$T/ids5")"
check_eq "the token in use was never sent" 0 "$(stats ".revokes[\"$SELF_ID\"] // 0")"
check_eq "two revokes in all" "2 2" "$(revokes) $(count 'POST /api/2.0/token/delete')"
keys R
check_screen "R: it is skipped" "^S skipped +${SELF_ID:0:9}… .*kept: its own confirmation was not given"
check_eq "R: the others revoked" 2 "$(on_screen '^  revoked +[0-9a-f]{9}…  selfcase ')"
J=$(journal)
check_eq "journal: no intent for the token in use" 0 "$(jq -c --arg i "$SELF_ID" 'select(.type == "intent" and .id == $i)' "$J" | wc -l | tr -d ' ')"
check_eq "journal: ends done" "done" "$(jreason)"
keys Escape Escape
check_screen "filter cleared" "shown $((N - 2))/$((N - 2)) +tagged"
L=$(count 'GET /api/2.0/token/list')
keys r
check_screen "r still works with the kept token" "^$((N - 2)) tokens " 10
check_eq "one more list, answered" $((L + 1)) "$(count 'GET /api/2.0/token/list')"
check_screen "the token in use is still there" "patrol emulator admin token .*${SELF_ID:0:10}"
keys q
check_screen "quit asks: the kept token is still staged" "1 staged revocation will be discarded"
keys Tab Enter
exited
check_eq "quit (the kept one discarded)" 0 "$UI_RC"
emu_stop

# === 6. an unfinished session from a killed `patrol revoke` is offered ===============
rm -rf "$XDG_STATE_HOME"
emu_start --generate 10:1 --seed 26 --latency-ms 100
mk "resumeme" 16 "$T/ids6"
"$PATROL" revoke --yes --rate 5 --jobs 1 --from "$T/ids6" >"$T/killed.out" 2>&1 &
VICTIM=$!
i=0
while [ "$(revokes)" -lt 3 ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done
kill -9 "$VICTIM"
{ wait "$VICTIM"; } 2>/dev/null
quiesce
DONE=$(revokes)
LEFT=$((16 - DONE))
if [ "$DONE" -ge 3 ] && [ "$DONE" -lt 16 ]; then ok "the CLI session was cut short ($DONE of 16)"; else not_ok "the CLI session was cut short" "revoked: $DONE"; fi
run journal -o json
check_eq "the journal shows it unfinished" "unfinished" "$(printf '%s' "$OUT" | jq -r '.[0].state')"
# What the file says: every id without a result is left (P), those with an
# intent among them were maybe sent (O); the ones of those the emulator did
# revoke are reconciled as already gone (G), the rest revoked (16 - G).
J=$(journal)
jids() { jq -R -r --arg t "$1" 'fromjson? | select(.type == $t) | .id' "$J" | sort -u; }
jids result >"$T/res6"
jids intent >"$T/int6"
P=$((16 - $(wc -l <"$T/res6")))
O=$(comm -23 "$T/int6" "$T/res6" | wc -l)
G=$((P - LEFT))
GONE_WORDS=""
[ "$G" -gt 0 ] && GONE_WORDS=", $G already gone"
N=$(stats '.active_tokens["admin@example.com"]')
SENT=$(count 'POST /api/2.0/token/delete')
ui_shell 120 40
ui_start
check_screen "the session is offered at start" "Unfinished revocation session"
# the words of a count (none said: left out), as the offer writes them
words() { [ "$1" -eq 0 ] || printf '%s %s, ' "$1" "$2"; }
LEFT_WORDS="$(words $((P - O)) "never sent")$(words "$O" "sent but never answered")"
check_dialog "it says what is left, and what was maybe sent" "$P of 16 tokens left: ${LEFT_WORDS%, }\\."
check_screen "drawn with the data behind it" "shown $N/$N +tagged 0 +staged 0"
check_eq "nothing sent by the offer" "$SENT" "$(count 'POST /api/2.0/token/delete')"
keys Tab Enter
check_screen "OK: the resume confirm" "Resume the revocation"
check_screen "for what is really left" "Revoke $LEFT tokens\\?"
if [ "$LEFT" -gt 10 ]; then
	check_screen "over ten: the count is typed" "OK is off until you type $LEFT"
	tm send-keys -t t -l "$LEFT"
	keys Enter
else
	keys Tab Enter
fi
S=s; [ "$LEFT" -eq 1 ] && S=
check_screen "finished: this run's count, reconciled ones and the earlier run's apart" \
	"revoked $LEFT token$S$GONE_WORDS, $((16 - P)) done before the resume \\(R: results\\)" 20
check_eq "this run sent only what was left" $((SENT + LEFT)) "$(count 'POST /api/2.0/token/delete')"
check_eq "every id of the session revoked exactly once, across both runs" 16 "$(revoked_once "$T/ids6")"
check_eq "no other token revoked" 16 "$(revokes)"
check_eq "none of them left in the workspace" $((N - LEFT)) "$(stats '.active_tokens["admin@example.com"]')"
run journal -o json
check_eq "patrol journal: finished now" "finished" "$(printf '%s' "$OUT" | jq -r '.[0].state')"
check_eq "journal: ends done" "done" "$(jreason)"
keys :; tm send-keys -t t -l "resume"; keys Enter
check_screen ":resume: nothing left" "no unfinished revocation session for this workspace"
keys q
exited
check_eq "quit" 0 "$UI_RC"
if grep -rqE -e "$ADMIN_TOKEN" -e 'dapi[0-9a-f]' "$XDG_STATE_HOME"; then
	not_ok "no token value in any journal"
else
	ok "no token value in any journal"
fi
emu_stop

# === 7. :resume while another patrol runs the session names it ==============
rm -rf "$XDG_STATE_HOME"
emu_start --generate 10:1 --seed 27 --latency-ms 500
mk "runner" 12 "$T/ids7"
"$PATROL" revoke --yes --rate 0 --jobs 1 --from "$T/ids7" >"$T/runner.out" 2>&1 &
RUNNER=$!
i=0
while [ "$(revokes)" -lt 1 ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done
S=$(basename "$(journal)" .jsonl)
ui_shell 120 40
ui_start
check_screen "the running session is not offered at start" "^[0-9]+ tokens " 10
if screen | grep -q "Unfinished revocation session"; then not_ok "no resume offer for a running session"; else ok "no resume offer for a running session"; fi
keys :; tm send-keys -t t -l "resume"; keys Enter
check_screen ":resume: names the session another patrol runs" "session $(re "$S") is running in another patrol \\(pid $RUNNER, since"
keys q
exited
check_eq "quit" 0 "$UI_RC"
kill -TERM "$RUNNER"
{ wait "$RUNNER"; } 2>/dev/null
emu_stop

finish
