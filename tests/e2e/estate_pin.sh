#!/bin/bash
# End-to-end: one pin session over several workspaces (issue 11 §1): a dry
# run sends nothing anywhere; one plan grouped by workspace and one confirm;
# ids and --from go to the workspace that holds them; --scopes and --add as
# for one workspace; kill -9 in the middle, then --resume with the same
# profiles finishes each workspace's part, each token updated exactly once
# to its planned scopes (each emulator's /emulator/stats and the tokens it
# lists are the witnesses); a 403 stops only that workspace's part; a
# workspace that is down is one line; on a terminal the total is typed once.
# One workspace signs in with OAuth M2M.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

export XDG_STATE_HOME="$T/state"
DAY=86400000
NOW=1767225600000
export PATROL_NOW_MS=$NOW
R="\"autoscope_state\":\"AUTOSCOPE_STATE_RUNNING\",\"creation_time\":$((NOW - 25 * DAY)),\"expiry_time\":-1,\"user\":\"ann@example.com\""

emus_start 3 --now-ms $NOW --latency-ms 20 --oauth-client robot:s3cret-robot
U=("${EMU_URLS[@]}")
# a fourth workspace refuses every update after the 5th with 403
emu_start --now-ms $NOW --fail 403:1:-1:5 --fault-path token-management/tokens/
REFUSER=$EMU_URL
emu_start
DOWN=$EMU_URL
emu_stop
unset DATABRICKS_HOST DATABRICKS_TOKEN
{
	cfg_profile w0 "${U[0]}"
	cfg_profile w1 "${U[1]}" client_id=robot client_secret=s3cret-robot
	cfg_profile w2 "${U[2]}"
	cfg_profile refuser "$REFUSER"
	cfg_profile gone "$DOWN"
} | cfg_write

# observed URL N PREFIX FILE: N observed tokens at URL, inferred jobs,
# commented "PREFIX i"; their ids go to FILE (sorted)
observed() {
	local i
	for i in $(seq 1 "$2"); do
		at "$1" mktok "{$R,\"comment\":\"$3 $i\",\"inferred_scopes\":[\"jobs\"]}"
	done | sort >"$4"
}
# updates_at URL: updates the emulator at URL received
updates_at() {
	stats_at "$1" '.updates | length'
}
# once_at URL FILE: "N MAX": how many ids of FILE the emulator at URL
# updated, and the most updates one of them got
once_at() {
	curl -s "$1/emulator/stats" | jq -r --rawfile ids "$2" \
		'[$ids | split("\n")[] | select(length > 0)] as $w |
		[.updates[].token_id | select(. as $i | $w | index($i))] | group_by(.) |
		"\(length) \(map(length) | max // 0)"'
}
# pinned_to URL FILE SCOPES: how many ids of FILE are set by hand to exactly
# SCOPES (a JSON array) at URL
pinned_to() {
	curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "$1/api/2.0/token-management/tokens" |
		jq --rawfile ids "$2" --argjson s "$3" '[$ids | split("\n")[] | select(length > 0)] as $w |
			[.token_infos[] | select(.token_id as $i | $w | index($i)) |
			 select(.autoscope_state == "AUTOSCOPE_STATE_USER_SELECTED" and .scopes == $s)] | length'
}

for i in 0 1 2; do observed "${U[$i]}" 100 job "$T/ids$i"; done
cat "$T/ids0" "$T/ids1" "$T/ids2" >"$T/all"
check_eq "100 observed tokens in each workspace" "100 100 100" \
	"$(wc -l <"$T/ids0") $(wc -l <"$T/ids1") $(wc -l <"$T/ids2")"

# --- a dry run, and one plan with one confirm --------------------------------
run pin --all --profiles w0,w1 --filter 'comment:job' --dry-run -o json
check_rc "dry run across" 0
check_eq "dry run: results keyed by workspace" "w0 w1" "$(printf '%s' "$OUT" | jq -r 'keys_unsorted | join(" ")')"
check_eq "dry run: every token would be pinned to its inferred scopes" '[["would pin",["jobs"],200]]' \
	"$(printf '%s' "$OUT" | jq -c '[.[][] | [.result, .scopes]] | group_by(.) | map(.[0] + [length])')"
check_eq "dry run sent no update anywhere" "0 0 0" \
	"$(updates_at "${U[0]}") $(updates_at "${U[1]}") $(updates_at "${U[2]}")"
check_eq "dry run wrote no journal" "" "$(ls "$XDG_STATE_HOME/patrol" 2>/dev/null)"

run pin --all -p w0 -p w1 --filter 'comment:job'
check_rc "no terminal and no --yes: refused" 2
check_match "one plan grouped by workspace" "workspace 'w0' \\(.*\\): 100 tokens.*workspace 'w1' \\(.*\\): 100 tokens" \
	"$(printf '%s' "$ERR" | tr '\n' ' ')"
check_match "the plan shows before and after" "BEFORE +AFTER" "$ERR"
check_match "one confirm for all of them" "refusing to change 200 tokens" "$ERR"
check_eq "nothing sent" "0 0" "$(updates_at "${U[0]}") $(updates_at "${U[1]}")"
run pin --all -p w0 -p w1 --filter 'comment:job' --yes -o csv
check_rc "CSV across workspaces is refused" 2
check_match "says why" "table or JSON" "$ERR"
run pin -p w0 -p w1 --from "$T/all" --resume
check_rc "--resume takes no ids" 2

# --- kill -9 in the middle, then --resume --------------------------------------
total() { stats_sum '.updates | length' "${U[@]}"; }
kill_midway 60 total pin --all --yes --rate 20 --jobs 4 --profiles w0,w1,w2 --filter 'comment:job'
if [ "$BEFORE" -ge 60 ] && [ "$BEFORE" -lt 300 ]; then ok "cut short ($BEFORE of 300)"; else not_ok "cut short" "updates before the kill: $BEFORE"; fi
run journal -o json
check_eq "three unfinished pin sessions, one a workspace" "3 3" \
	"$(printf '%s' "$OUT" | jq -r '[.[] | select(.state == "unfinished" and .kind == "pin")] | "\(length) \(map(.host) | unique | length)"')"
run revoke --all --resume --yes --profiles w0,w1,w2
check_match "revoke --resume does not take the pin sessions" "workspace 'w0': no unfinished revoke session" "$ERR"
check_eq "and revoked nothing" "0 0 0" \
	"$(stats_at "${U[0]}" '.revokes | length') $(stats_at "${U[1]}" '.revokes | length') $(stats_at "${U[2]}" '.revokes | length')"
run pin --resume --yes --profiles w0,w1,w2 -o json
check_rc "resume" 0
check_match "each workspace resumes its own session" \
	"workspace 'w0': Resuming session .*100 planned.*workspace 'w1': Resuming.*workspace 'w2': Resuming" \
	"$(printf '%s' "$ERR" | tr '\n' ' ')"
check_eq "JSON results keyed by workspace" "w0 w1 w2" "$(printf '%s' "$OUT" | jq -r 'keys_unsorted | join(" ")')"
for i in 0 1 2; do
	check_eq "w$i: each of its 100 updated exactly once, across both runs" "100 1" "$(once_at "${U[$i]}" "$T/ids$i")"
	check_eq "w$i: no update for anything else" 100 "$(updates_at "${U[$i]}")"
	check_eq "w$i: all 100 set by hand to their inferred scopes" 100 "$(pinned_to "${U[$i]}" "$T/ids$i" '["jobs"]')"
	check_eq "w$i: every update sets scopes only" '["scopes"]' "$(stats_at "${U[$i]}" '[.updates[].update_mask] | unique' | jq -c .)"
done
run journal -o json
check_eq "the three sessions are finished" 0 \
	"$(printf '%s' "$OUT" | jq '[.[] | select(.state == "unfinished")] | length')"
run pin --resume --yes --profiles w0,w1,w2
check_match "nothing left afterwards" "workspace 'w0': no unfinished pin session" "$ERR"

# --- ids and --from go where they live; --scopes and --add -------------------------
observed "${U[0]}" 3 extra "$T/x0"
observed "${U[2]}" 3 extra "$T/x2"
head -n 2 "$T/x0" >"$T/from"
head -n 1 "$T/x2" >>"$T/from"
echo 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef >>"$T/from"
run pin --all --yes -p w0 -p w2 --from "$T/from" "$(sed -n 2p "$T/x2")" --scopes 'sql,jobs'
check_rc "--from and ids across" 0
check_match "an id no workspace has: one line" "no token with id '0123456789abcdef.*' in any of the 2 workspaces" "$ERR"
check_match "result lines name their workspace" "^w2 +pinned .*extra" "$OUT"
check_eq "w0: its two got exactly --scopes, once" "2 1 2" \
	"$(once_at "${U[0]}" <(head -n 2 "$T/x0")) $(pinned_to "${U[0]}" <(head -n 2 "$T/x0") '["sql","jobs"]')"
check_eq "w2: its two got exactly --scopes, once" "2 1 2" \
	"$(once_at "${U[2]}" <(head -n 2 "$T/x2")) $(pinned_to "${U[2]}" <(head -n 2 "$T/x2") '["sql","jobs"]')"
check_eq "nothing sent to the workspace not named" 100 "$(updates_at "${U[1]}")"
run pin --all --yes -p w0 -p w2 "$(tail -n 1 "$T/x0")" "$(tail -n 1 "$T/x2")" --add files -o json
check_rc "--add across" 0
check_eq "the third of each: pinned, in its own workspace's results" '{"w0":["pinned"],"w2":["pinned"]}' \
	"$(printf '%s' "$OUT" | jq -c 'map_values([.[].result])')"
check_eq "w0 and w2: the third pinned to jobs and files" "1 1" \
	"$(pinned_to "${U[0]}" <(tail -n 1 "$T/x0") '["jobs","files"]') $(pinned_to "${U[2]}" <(tail -n 1 "$T/x2") '["jobs","files"]')"

# --- a 403 stops only that workspace's part; one down is one line ------------------
observed "$REFUSER" 40 late "$T/idsr"
observed "${U[0]}" 30 late "$T/ids0b"
run pin --all --yes --jobs 1 --all-profiles --filter 'comment:late'
check_rc "a refused workspace: exit 3" 3
check_match "the workspace that is down: one line" "workspace 'gone':.*(connect|refused)" "$ERR"
check_match "says which workspace stopped" "workspace 'refuser': stopping its part.*HTTP 403" "$ERR"
check_eq "the other workspace's part went on in full" "30 1" "$(once_at "${U[0]}" "$T/ids0b")"
check_match "the refusing workspace was not sent the rest" '^[0-9]$' "$(updates_at "$REFUSER")"
check_match "its rest is not attempted" "workspace 'refuser': .*[1-9][0-9]* not attempted" "$ERR"
check_eq "the workspaces with nothing late pinned nothing more" "100 103" \
	"$(updates_at "${U[1]}") $(updates_at "${U[2]}")"

# --- on a terminal: one typed count for the whole plan ------------------------------
# script(1) gives patrol a terminal; its answers come through a FIFO.
observed "${U[0]}" 6 tty "$T/t0"
observed "${U[2]}" 6 tty "$T/t2"
cat "$T/t0" "$T/t2" >"$T/tall"
# tty_pin ARGS...: start patrol pin on a terminal in the background.
tty_pin() { tty_start pin "$@"; }
tty_pin --all -p w0 -p w2 --filter comment:tty
tty_wait 'In 2 workspaces: type the number of tokens \(12\) to set their scopes'
check_eq "over ten tokens in all: the total must be typed, once" 0 $?
echo 11 >&7
wait "$TTY_PID"
RC=$?
exec 7>&-
check_eq "a wrong count is not a yes (exit 1)" 1 "$RC"
check_eq "and nothing was sent to either" "0 0" \
	"$(once_at "${U[0]}" "$T/t0" | cut -d' ' -f1) $(once_at "${U[2]}" "$T/t2" | cut -d' ' -f1)"
tty_pin --all -p w0 -p w2 --filter comment:tty
tty_wait 'type the number of tokens \(12\)'
echo 12 >&7
wait "$TTY_PID"
RC=$?
exec 7>&-
check_eq "the typed total runs every part (exit 0)" 0 "$RC"
check_eq "one question for both workspaces" 1 "$(tr -d '\r' <"$T/tty.out" | grep -c 'type the number of tokens')"
check_eq "each of the twelve pinned once, in its own workspace" "6 1 6 1" \
	"$(once_at "${U[0]}" "$T/t0") $(once_at "${U[2]}" "$T/t2")"
finish
