#!/bin/bash
# End-to-end: one revocation session over several workspaces (issue 11):
# one plan grouped by workspace and one confirm; a 403 stops only that
# workspace's part; kill -9 in the middle, then --resume with the same
# profiles finishes each workspace's part, each token revoked exactly once
# (each emulator's /emulator/stats is the witness).
. "${top_srcdir:-.}/tests/e2e/lib.sh"

export XDG_STATE_HOME="$T/state"
emus_start 3 --generate 400:8 --latency-ms 20
U=("${EMU_URLS[@]}")
# a fourth workspace refuses every revoke after the 5th with 403
emu_start --generate 400:8 --seed 9 --fail 403:1:-1:5 --fault-path token-management/tokens/
REFUSER=$EMU_URL
unset DATABRICKS_HOST DATABRICKS_TOKEN
{
	for i in 0 1 2; do cfg_profile "w$i" "${U[$i]}"; done
	cfg_profile refuser "$REFUSER"
} | cfg_write

# ids_at URL N: the first N ids of generated users in that workspace
ids_at() {
	curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "$1/api/2.0/token-management/tokens" |
		jq -r '.token_infos[] | select(.created_by_username | startswith("user")) | .token_id' |
		sort | head -n "$2"
}

# --- one plan, one confirm, grouped by workspace ----------------------------
run revoke --all -p w0 -p w1 --filter 'flag:unused-90d'
check_rc "no terminal and no --yes: refused" 2
check_match "one plan grouped by workspace" "workspace 'w0' \\(.*\\): [0-9]+ token.*workspace 'w1'" \
	"$(printf '%s' "$ERR" | tr '\n' ' ')"
check_match "one confirm for all of them" "refusing to revoke [0-9]+ tokens" "$ERR"
check_match "each part's '… and N more' names its own profile" \
	"workspace 'w1' \\(.*… and [0-9]+ more \\(patrol -p w1 revoke --all --filter flag:unused-90d --dry-run -o csv lists them all\\)" \
	"$(printf '%s' "$ERR" | tr '\n' ' ')"
check_eq "nothing sent" "0 0" "$(at "${U[0]}" deletes) $(at "${U[1]}" deletes)"

# --- a filter that matches only the token patrol uses: each workspace says so --
ADMIN_ID=$(tok_id "$ADMIN_TOKEN" | cut -c1-12)
run revoke --all -p w0 -p w1 --filter "id:$ADMIN_ID" --dry-run
check_rc "only patrol's own token matches: nothing to do" 0
check_match "w0 says its own token is kept, and how to include it" \
	"revoke: workspace 'w0': nothing to revoke: the token patrol is using is kept \\(add --include-self" "$ERR"
check_match "w1 too" "revoke: workspace 'w1': nothing to revoke: the token patrol is using is kept" "$ERR"
check_nomatch "not 'nothing matches'" "nothing matches" "$ERR"
run revoke --all -p w0 -p w1 --filter "comment:no-such-comment-anywhere" --dry-run
check_match "a filter that matches nothing says so" "nothing matches in any of the 2 workspaces" "$ERR"

# --- kill -9 in the middle, then --resume ------------------------------------
for i in 0 1 2; do ids_at "${U[$i]}" 150 >"$T/ids$i"; done
cat "$T/ids0" "$T/ids1" "$T/ids2" >"$T/all"
total() { stats_sum '.revokes | length' "${U[@]}"; }
kill_midway 90 total revoke --all --yes --rate 30 --jobs 4 --profiles w0,w1,w2 --from "$T/all"
if [ "$BEFORE" -ge 90 ] && [ "$BEFORE" -lt 450 ]; then ok "cut short ($BEFORE of 450)"; else not_ok "cut short" "revoked before the kill: $BEFORE"; fi
run journal -o json
check_eq "three unfinished sessions, one a workspace" 3 \
	"$(printf '%s' "$OUT" | jq '[.[] | select(.state == "unfinished")] | length')"
run revoke --all --resume --yes --profiles w0,w1,w2 -o json
check_rc "resume" 0
check_match "each workspace resumes its own session" \
	"workspace 'w0': Resuming session .*150 planned.*workspace 'w2': Resuming" "$(printf '%s' "$ERR" | tr '\n' ' ')"
check_eq "JSON results keyed by workspace" "w0 w1 w2" "$(printf '%s' "$OUT" | jq -r 'keys_unsorted | join(" ")')"
for i in 0 1 2; do
	check_eq "w$i: each of its 150 revoked exactly once, across both runs" 150 \
		"$(at "${U[$i]}" revoked_once "$T/ids$i")"
done
check_eq "no revoke reached a workspace that did not hold the token" 450 "$(total)"
run revoke --all --resume --yes --profiles w0,w1,w2
check_match "nothing left afterwards" "workspace 'w0': no unfinished revoke session" "$ERR"

# --- Ctrl-C: each stopped part is named with the command that goes on with it ---
# (Ctrl-C ends a part "stopped", which a plain --resume does not take: the
# run must not promise that one does.)
for i in 0 1; do ids_at "${U[$i]}" 200 | tail -n 40 >"$T/intr$i"; done
cat "$T/intr0" "$T/intr1" >"$T/intr"
"$PATROL" revoke --all --yes --rate 20 --jobs 1 -p w0 -p w1 --from "$T/intr" \
	>"$T/intr.out" 2>"$T/intr.err" &
VICTIM=$!
# intr_revoked: how many of them were revoked exactly once, so far
intr_revoked() {
	echo $(( $(at "${U[0]}" revoked_once "$T/intr0") + $(at "${U[1]}" revoked_once "$T/intr1") ))
}
await at_least 6 intr_revoked
kill -INT "$VICTIM"
wait "$VICTIM"
IERR=$(cat "$T/intr.err")
ERR=$IERR
check_match "Ctrl-C: says the rest are not sent" "revoke: interrupted: stopping after the requests in flight; the rest are not sent" "$ERR"
check_nomatch "Ctrl-C: no promise of a plain --resume" "with the same profiles goes on" "$ERR"
for w in w0 w1; do
	CMD=$(printf '%s\n' "$IERR" | sed -n "s/^patrol: revoke: workspace '$w': [0-9]* failed, unknown or not attempted: \(patrol -p $w revoke --resume [^ ]*\) tries them again$/\1/p")
	check_match "Ctrl-C: $w's part is named with its command" "^patrol -p $w revoke --resume [0-9]{8}T" "$CMD"
	run ${CMD#patrol } --yes
	check_rc "Ctrl-C: $w: the named command goes on" 0
done
check_eq "Ctrl-C: every one of the 80 revoked exactly once in the end" 80 "$(intr_revoked)"

# --- a 403 stops only that workspace's part ------------------------------------
ids_at "$REFUSER" 60 >"$T/idsr"
ids_at "${U[0]}" 200 | tail -n 50 >"$T/ids0b"
cat "$T/idsr" "$T/ids0b" >"$T/mixed"
run revoke --all --yes --jobs 1 -p refuser -p w0 --from "$T/mixed"
check_rc "a refused workspace: exit 3" 3
check_match "says which workspace stopped" "workspace 'refuser': stopping its part.*HTTP 403" "$ERR"
check_eq "the other workspace's part went on in full" 50 "$(at "${U[0]}" revoked_once "$T/ids0b")"
check_match "the refusing workspace was not sent the rest" '^[0-9]$' "$(at "$REFUSER" deletes)"
check_match "its rest is not attempted" "workspace 'refuser': .*[1-9][0-9]* not attempted" "$ERR"

# --- a part a 401/403 stopped: each run names the command that goes on ---------
# A fifth workspace refuses one revoke (the 6th), then takes them again (its
# credentials fixed, say). The stopping run and the estate's --resume both
# name the session and the one-profile command; that command finishes it.
emu_start --generate 400:8 --seed 11 --fail 403:1:1:5 --fault-path token-management/tokens/
TRANSIENT=$EMU_URL
unset DATABRICKS_HOST DATABRICKS_TOKEN
cfg_profile transient "$TRANSIENT" >>"$HOME/.databrickscfg"
ids_at "$TRANSIENT" 40 >"$T/idst"
ids_at "${U[2]}" 200 | tail -n 10 >"$T/ids2t"
cat "$T/idst" "$T/ids2t" >"$T/transient"
run revoke --all --yes --jobs 1 -p transient -p w2 --from "$T/transient"
check_rc "the 403: exit 3" 3
S=$(printf '%s' "$ERR" | sed -n "s/.*workspace 'transient': journal: .*\/\([^/]*\)\.jsonl$/\1/p")
check_match "the stopped part's session is named" '^[0-9]{8}T' "$S"
check_match "the stopping run says how to go on with that part" \
	"revoke: workspace 'transient': 35 failed, unknown or not attempted: patrol -p transient revoke --resume $S tries them again \\(once patrol's credentials work again\\)" "$ERR"
check_nomatch "nothing to go on with in the other part" "workspace 'w2': .*tries them again" "$ERR"
run revoke --all --resume --yes -p transient -p w2
check_rc "an estate resume with nothing unfinished" 0
check_match "names the auth-stopped session and its command" \
	"revoke: workspace 'transient': no unfinished revoke session for .*; session $S \\(auth\\) has 35 to try again: patrol -p transient revoke --resume $S" "$ERR"
check_match "the other part: nothing left" "revoke: workspace 'w2': no unfinished revoke session for .*patrol journal lists them all" "$ERR"
check_eq "it sent nothing (the 6 DELETEs are the first run's)" 6 "$(at "$TRANSIENT" deletes)"
run -p transient revoke --resume "$S" --yes
check_rc "the named command finishes it" 0
check_eq "each of the 40 revoked exactly once, across both runs" 40 "$(at "$TRANSIENT" revoked_once "$T/idst")"

# --- a workspace patrol's config marks read-only is left out -----------------
printf '[profile w1]\nread-only = true\n' >"$T/patrol.conf"
ids_at "${U[1]}" 200 | tail -n 5 >"$T/ids1c"
ids_at "${U[2]}" 200 | tail -n 5 >"$T/ids2c"
cat "$T/ids1c" "$T/ids2c" >"$T/ro"
PATROL_CONFIG="$T/patrol.conf" run revoke --all --yes -p w1 -p w2 --from "$T/ro"
check_rc "one part left out: exit 1" 1
check_match "says the read-only workspace is left out" "workspace 'w1': read-only" "$ERR"
check_eq "the read-only workspace was sent nothing of it" 0 "$(at "${U[1]}" revoked_once "$T/ids1c")"
check_eq "the other went on" 5 "$(at "${U[2]}" revoked_once "$T/ids2c")"
finish
