#!/bin/bash
# End-to-end: what an independent review of the command line over several
# workspaces found (issue 11 §1), each a class checked over every command
# that takes several workspaces:
# 1. two profiles naming one workspace: each profile's own credential is
#    "self" wherever the merged rows show it (flag:self, the FLAGS of every
#    format, audit, and the guard of revoke and pin), in either order;
# 2. an id or prefix given by hand that a workspace that could not be
#    listed might hold is refused (nothing sent, exit 2) by revoke and pin;
#    show answers from the others and says one was not searched;
# 3. --resume over several workspaces with one down: one line naming it,
#    the others resumed in full, exit 1, its part left for the next resume;
# 4. an account console named by hand stops every combination with
#    --all-profiles before any request (exit 2);
# 5. revoke and pin -o json write [] when nothing matches; an id in two
#    workspaces is exit 2 for show, revoke and pin alike; "in the 1
#    workspace", not "in any of the 1 workspaces".
# Each emulator's /emulator/stats is the witness of what was sent.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

export XDG_STATE_HOME="$T/state"
unset DATABRICKS_HOST DATABRICKS_TOKEN

# writes: the revokes and updates the current emulator received
writes() {
	stats '([.revokes[]] | add // 0) + (.updates | length)'
}

# --- 1. two profiles, one workspace: both credentials are self --------------
emu_start --generate 5
unset DATABRICKS_HOST DATABRICKS_TOKEN
cfg_profile main "$EMU_URL" | cfg_write
CI_SECRET=$("$PATROL" -p main create --comment ci-cred --lifetime 10d 2>/dev/null)
CI_ID=$(tok_id "$CI_SECRET")
MAIN_ID=$(tok_id "$ADMIN_TOKEN")
{ cfg_profile main "$EMU_URL"; cfg_profile ci "$EMU_URL" "token=$CI_SECRET"; } | cfg_write
reset_stats

for order in main,ci ci,main; do
	run --profiles "$order" list --filter flag:self -o json
	check_eq "list --profiles $order: both credentials are flag:self" "$(printf '%s\n' "$CI_ID" "$MAIN_ID" | sort | tr '\n' ' ')" \
		"$(printf '%s' "$OUT" | jq -r '.[].token_id' | sort | tr '\n' ' ')"
	run --profiles "$order" list -o csv
	check_match "list --profiles $order -o csv: ci's credential's flags say self" \
		"\"$CI_ID\",\"ci-cred\".*\"self\"" "$OUT"
	check_match "list --profiles $order -o csv: main's credential's flags say self" \
		"\"$MAIN_ID\".*\"never-expires,all-apis,self\"" "$OUT"
	run --profiles "$order" list --filter flag:self
	check_eq "list --profiles $order (table): two rows flagged self" 2 \
		"$(printf '%s\n' "$OUT" | grep -cE 'ci-cred|patrol emulator admin token')"
	run --profiles "$order" scopes --filter flag:self -o json
	check_eq "scopes --profiles $order --filter flag:self: both credentials" 2 \
		"$(printf '%s' "$OUT" | jq 'length')"
	run --profiles "$order" show "${CI_ID:0:10}"
	check_match "show --profiles $order: ci's credential is in use by patrol" "in use by patrol: +yes" "$OUT"
	run --profiles "$order" audit -o json
	check_eq "audit --profiles $order: both credentials carry the self flag" 2 \
		"$(printf '%s' "$OUT" | jq '[.tokens[] | select(.flags | index("self"))] | length')"
	run --profiles "$order" revoke --yes --filter comment:ci-cred
	check_rc "revoke --profiles $order --filter comment:ci-cred: nothing to do" 0
	check_match "revoke --profiles $order: ci's credential is kept as self" \
		"the token patrol is using is kept \\(add --include-self" "$ERR"
	run --profiles "$order" revoke --yes "$CI_ID" "${MAIN_ID:0:8}"
	check_match "revoke --profiles $order by id: both credentials skipped as self" \
		"skipped .*$CI_ID.*token patrol is using" "$OUT"
	run --profiles "$order" pin --yes --scopes sql --filter comment:ci-cred
	check_match "pin --profiles $order: ci's credential is kept as self" \
		"skipped .*$CI_ID" "$OUT"
done
run --all-profiles revoke --yes --filter 'comment:ci-cred'
check_match "--all-profiles: the same" "the token patrol is using is kept" "$ERR"
run --all-profiles pin --yes --scopes sql --filter 'flag:self' -o json
check_eq "pin --all-profiles -o json: both skipped" "skipped skipped" \
	"$(printf '%s' "$OUT" | jq -r '[.[][].result] | join(" ")')"
check_eq "nothing was revoked or pinned" 0 "$(writes)"
run -p ci whoami
check_rc "ci's credential still works" 0
run --profiles main,ci revoke --yes --include-self --filter comment:ci-cred
check_rc "--include-self revokes it" 0
check_eq "ci's credential revoked exactly once" 1 "$(stats ".revokes[\"$CI_ID\"] // 0")"
check_eq "and nothing else" 1 "$(writes)"
emu_stop

# --- 2. an id by hand while a workspace could not be listed ---------------
# two workspaces with the same generated tokens (the same seed): their ids
# are the same, as a prefix can be in any two workspaces
emu_start --generate 20:2 --seed 50
X1=$EMU_URL X1_PID=$EMU_PID
emu_start --generate 20:2 --seed 50
X2=$EMU_URL
unset DATABRICKS_HOST DATABRICKS_TOKEN
{ cfg_profile x1 "$X1"; cfg_profile x2 "$X2"; } | cfg_write
ID=$(at "$X2" ids 1)
P6=${ID:0:6}
run --profiles x1,x2 revoke --all --yes "$P6"
check_rc "both up: a prefix in both workspaces is refused" 2
check_match "naming both" "'$P6' matches $P6.* in 'x1' and $P6.* in 'x2'" "$ERR"
run --profiles x1,x2 show --all "$P6"
check_rc "show: the same ambiguity is a usage error, as for revoke" 2
check_match "show names both" "'$P6' matches .* in 'x1' and .* in 'x2'" "$ERR"
run --profiles x1,x2 pin --all --yes --scopes sql "$P6"
check_rc "pin: refused" 2
kill "$X1_PID"
wait "$X1_PID" 2>/dev/null
for cmd in "revoke --all --yes" "pin --all --yes --scopes sql"; do
	read -ra c <<<"$cmd"
	run --profiles x1,x2 "${c[@]}" "$P6"
	check_rc "x1 down: $cmd of a prefix x1 may hold is refused" 2
	check_match "$cmd: the message names the workspace not listed" \
		"'$P6' is a prefix, and workspace 'x1' could not be listed: .*nothing was sent" "$ERR"
	echo "$P6" >"$T/ids.from"
	run --profiles x1,x2 "${c[@]}" --from "$T/ids.from"
	check_rc "x1 down: $cmd --from a file with that prefix is refused too" 2
done
check_eq "nothing was sent to x2" 0 "$(at "$X2" writes)"
run --profiles x1,x2 show --all "$P6"
check_rc "show answers from x2 (x1 failed: exit 1)" 1
check_match "show: the token, from x2" "$ID" "$OUT"
check_match "show: says x1 was not searched" "'$P6' was not searched for in 'x1': it could not be listed" "$ERR"
run --profiles x1,x2 show --all 0123456789
check_match "show: not found says where it looked and where not" \
	"no token with id '0123456789' in workspace 'x2' \(not searched in 'x1': it could not be listed\)" "$ERR"
run --profiles x1,x2 pin --all --yes --scopes sql "$ID"
check_rc "a full id goes to the one workspace that lists it (x1 failed: exit 1)" 1
check_eq "pinned once in x2" 1 "$(at "$X2" stats "[.updates[] | select(.token_id == \"$ID\")] | length")"
run --profiles x1,x2 revoke --all --yes 0123456789
check_match "revoke: an id in no list says where it was not searched" \
	"no token with id '0123456789' in workspace 'x2' \(not searched in 'x1': it could not be listed\): nothing sent for it" "$ERR"
check_eq "no revoke reached x2" 0 "$(at "$X2" stats '[.revokes[]] | add // 0')"

# --- 3. --resume over several workspaces with one down ---------------------
# planned URL: the ids of user0*'s tokens at URL (what --filter owner:user0 plans)
planned() {
	curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "$1/api/2.0/token-management/tokens" |
		jq -r '.token_infos[] | select(.created_by_username | startswith("user0")) | .token_id' | sort
}
# shellcheck disable=SC2317  # done_at, once_at, sent: called by name (at, kill_midway)
for kind in revoke pin; do
	emus_start 2 --generate 40:3 --latency-ms 100
	Z=("${EMU_URLS[@]}")
	Z1_PID=$(echo "$EMU_PIDS" | awk '{print $(NF-1)}')
	unset DATABRICKS_HOST DATABRICKS_TOKEN
	{ cfg_profile z1 "${Z[0]}"; cfg_profile z2 "${Z[1]}"; } | cfg_write
	planned "${Z[1]}" >"$T/z2.planned"
	if [ $kind = revoke ]; then
		how=(--filter owner:user0)
		done_at() { stats '[.revokes[]] | add // 0'; }
		once_at() { revoked_once "$T/z2.planned"; }
	else
		how=(--filter owner:user0 --scopes sql)
		done_at() { stats '.updates | length'; }
		once_at() { stats '[.updates | group_by(.token_id)[] | select(length == 1)] | length'; }
	fi
	sent() { echo $(($(at "${Z[0]}" done_at) + $(at "${Z[1]}" done_at))); }
	kill_midway 4 sent "$kind" --all --yes --jobs 1 --profiles z1,z2 "${how[@]}"
	kill "$Z1_PID"
	wait "$Z1_PID" 2>/dev/null
	run --profiles z1,z2 "$kind" --all --resume --yes
	check_rc "$kind --resume with z1 down: the others go on" 1
	check_eq "$kind: z1 is one line naming it" 1 "$(printf '%s\n' "$ERR" | grep -c "z1")"
	check_match "$kind: z1's line says why" "workspace 'z1': .*network error" "$ERR"
	check_match "$kind: z2 resumed" "workspace 'z2': Resuming session" "$ERR"
	check_eq "$kind: z2's part finished: every token of it sent exactly once over both runs" \
		"$(at "${Z[1]}" done_at)" "$(at "${Z[1]}" once_at)"
	[ $kind = pin ] || check_eq "revoke: all $(wc -l <"$T/z2.planned") of z2's revoked" \
		"$(wc -l <"$T/z2.planned")" "$(at "${Z[1]}" once_at)"
	run journal -o json
	check_eq "$kind: z1's session waits unfinished, z2's is finished" "unfinished finished" \
		"$(printf '%s' "$OUT" | jq -r --arg h1 "${Z[0]}" --arg h2 "${Z[1]}" \
			'[(.[] | select(.host == $h1) | .state), (.[] | select(.host == $h2) | .state)] | join(" ")')"
	run --profiles z2,z1 "$kind" --all --resume --yes
	check_rc "$kind: again, z2 first: still one line for z1, exit 1" 1
	check_match "$kind: z2 has nothing left" "workspace 'z2': no unfinished" "$ERR"
	for pid in $EMU_PIDS; do kill "$pid" 2>/dev/null; done
	rm -rf "$XDG_STATE_HOME"
done

# the same when a workspace's list fails at the re-plan, just before applying
# (the 2nd token-management list of y2 is refused)
# shellcheck disable=SC2317  # done_at: called by name (at)
for kind in revoke pin; do
	emu_start --generate 40:3
	Y1=$EMU_URL
	emu_start --generate 40:3 --fail 403:1:1:1 --fault-path token-management/tokens
	Y2=$EMU_URL
	unset DATABRICKS_HOST DATABRICKS_TOKEN
	{ cfg_profile y1 "$Y1"; cfg_profile y2 "$Y2"; } | cfg_write
	if [ $kind = revoke ]; then
		how=()
		done_at() { stats '[.revokes[]] | add // 0'; }
	else
		how=(--scopes sql)
		done_at() { stats '.updates | length'; }
	fi
	run --profiles y1,y2 "$kind" --all --yes --filter owner:user0 "${how[@]}" -o json
	check_rc "$kind: y2 refused at the re-plan: y1 goes on" 1
	check_match "$kind: y2's line names it" "workspace 'y2': " "$ERR"
	check_eq "$kind: y1's part ran in full" "$(printf '%s' "$OUT" | jq '[.y1[] | select(.result == "revoked" or .result == "pinned")] | length')" "$(at "$Y1" done_at)"
	check_match "$kind: y1's part was not empty" "^[1-9]" "$(at "$Y1" done_at)"
	check_eq "$kind: y2: nothing sent" 0 "$(at "$Y2" done_at)"
	run journal -o json
	check_eq "$kind: no session of y2 in the journal" 0 \
		"$(printf '%s' "$OUT" | jq --arg h "$Y2" '[.[] | select(.host == $h)] | length')"
done

# --- 4. an account console named by hand, with --all-profiles ----------------
emu_start --generate 5
unset DATABRICKS_HOST DATABRICKS_TOKEN
{
	cfg_profile a "$EMU_URL"
	cfg_profile acct https://accounts.cloud.databricks.com account_id=0000 "token=$ADMIN_TOKEN"
	cfg_profile nohost "" "token=$ADMIN_TOKEN" | sed '/^host = $/d'
} | cfg_write
run --all-profiles list
check_rc "--all-profiles alone skips the console with a note" 0
check_match "the note" "note: skipped profile 'acct'" "$ERR"
reset_stats
for case in "acct:--all-profiles -p acct" "acct:-p acct --all-profiles" \
	"acct:--all-profiles --profiles a,acct" "acct:--profiles acct --all-profiles" \
	"nohost:--all-profiles -p nohost" "nosuch:--all-profiles -p nosuch"; do
	name=${case%%:*} sel=${case#*:}
	read -ra s <<<"$sel"
	for cmd in list "show abcd" quota audit scopes "revoke --yes abcd" "pin --yes --scopes sql abcd"; do
		read -ra c <<<"$cmd"
		run "${s[@]}" "${c[@]}"
		[ "$RC" = 2 ] || break
	done
	check_rc "$sel: every command stops before any request (stopped at: $cmd)" 2
	check_nomatch "$sel: '$name' is refused, not skipped" "skipped profile '$name'" "$ERR"
	check_nomatch "$sel: no workspace line" "workspace '$name'" "$ERR"
done
check_eq "no request reached the workspace" 0 "$(stats .total)"
emu_stop

# --- 5. nothing to do still writes its JSON; exit codes agree ------------------
emus_start 2 --generate 20:2
V=("${EMU_URLS[@]}")
unset DATABRICKS_HOST DATABRICKS_TOKEN
{ cfg_profile v1 "${V[0]}"; cfg_profile v2 "${V[1]}"; } | cfg_write
none=(--filter comment:no-such-comment-anywhere)
run -p v1 list --all "${none[@]}" -o json
check_eq "list -o json of nothing: []" "[]" "$(printf '%s' "$OUT" | jq -c .)"
run -p v1 audit --all "${none[@]}" -o json
check_eq "audit -o json of nothing: its tokens are []" "[]" "$(printf '%s' "$OUT" | jq -c .tokens)"
for cmd in "revoke --all --yes" "pin --all --yes --scopes sql"; do
	read -ra c <<<"$cmd"
	run -p v1 "${c[@]}" "${none[@]}" -o json
	check_rc "$cmd -o json, nothing matches" 0
	check_eq "$cmd -o json, nothing matches: []" "[]" "$(printf '%s' "$OUT" | jq -c .)"
	run -p v1 "${c[@]}" "${none[@]}" -o csv
	check_eq "$cmd -o csv, nothing matches: the header" "token_id,result,owner,comment,status,http_status,message" "$OUT"
	run --profiles v1,v2 "${c[@]}" "${none[@]}" -o json
	check_rc "$cmd over two workspaces -o json, nothing matches" 0
	check_eq "$cmd over two workspaces: each workspace's []" '{"v1":[],"v2":[]}' "$(printf '%s' "$OUT" | jq -c .)"
	check_match "$cmd over two: says where" "nothing matches in any of the 2 workspaces" "$ERR"
	run -p v1 "${c[0]}" --all --resume --yes -o json
	check_eq "${cmd%% *} --resume -o json, no session: []" "[]" "$(printf '%s' "$OUT" | jq -c .)"
	run --profiles v1,v2 "${c[0]}" --all --resume --yes -o json
	check_eq "${cmd%% *} --resume over two -o json, no session: {}" "{}" "$(printf '%s' "$OUT" | jq -c .)"
done
run --profiles v1,v2 revoke --all --yes --filter 'flag:self' -o json
check_eq "revoke over two: only the token in use matched: each one's result, skipped" "skipped skipped" \
	"$(printf '%s' "$OUT" | jq -r '[.[][].result] | join(" ")')"
check_eq "nothing was sent" 0 "$(( $(at "${V[0]}" writes) + $(at "${V[1]}" writes) ))"
run -p v1 show --all 0123456789
check_match "one workspace: 'in the workspace'" "no token with id '0123456789' in the workspace" "$ERR"

# a prefix of two tokens of one workspace: exit 2 for show, as for revoke and pin
at "${V[0]}" mktok "{\"token_id\":\"abcd1$(printf '1%.0s' $(seq 59))\",\"comment\":\"one\"}" >/dev/null
at "${V[0]}" mktok "{\"token_id\":\"abcd2$(printf '2%.0s' $(seq 59))\",\"comment\":\"two\"}" >/dev/null
for cmd in "show --all" "revoke --all --yes" "pin --all --yes --scopes sql"; do
	read -ra c <<<"$cmd"
	run -p v1 "${c[@]}" abcd
	check_rc "one workspace, $cmd of a prefix of two tokens" 2
	run --profiles v1,v2 "${c[@]}" abcd
	check_rc "two workspaces, $cmd of a prefix of two tokens of one" 2
done
check_eq "nothing was sent" 0 "$(( $(at "${V[0]}" writes) + $(at "${V[1]}" writes) ))"

finish
