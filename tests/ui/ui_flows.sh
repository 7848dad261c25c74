#!/bin/bash
# UI end-to-end: the real patrol in tmux against the emulator: first paint,
# sort, filter, create with the one-time secret, edit scopes, stage and
# revoke, cancel, read-only. Asserts on the screen and /emulator/stats.
. "${top_srcdir:-.}/tests/e2e/lib.sh"
. "${top_srcdir:-.}/tests/ui/lib.sh"

emu_start --generate 300:3 --seed 11
ACTIVE=$(stats '.active_tokens["admin@example.com"]')
ui_shell 80 24
ui_start

# --- first paint: header, gauge, columns ------------------------------------
check_screen "header names the host" "127\.0\.0\.1:[0-9]+"
check_screen "quota gauge with the count" "quota .* $ACTIVE/600"
check_screen "table columns" "COMMENT +CREATED +EXPIRES.* +LAST USED +SCOPES +ID"
check_screen "counts in the status line" "shown $ACTIVE/$ACTIVE +tagged 0 +staged 0"

# --- sort: each column both ways, same order as the core's ------------------------
# first_ids N: the short ids of the first N rows on screen.
first_ids() { screen | sed -n '4,$p' | grep -oE '[0-9a-f]{10}$' | head -n "${1:-5}" | tr '\n' ' '; }
want_ids() {
	"$PATROL" list -o json --sort "$1" 2>/dev/null | jq -r '.[].token_id[0:10]' | head -n 5 | tr '\n' ' '
}
for col in comment created expires last-used scopes id; do
	for dir in asc desc; do
		keys :; tm send-keys -t t -l "sort $col:$dir"; keys Enter
		arrow='▲'; [ "$dir" = desc ] && arrow='▼'
		wait_for "$arrow" 3 >/dev/null
		keys g     # the cursor stays on its token across a sort: go to the top
		want=$(want_ids "$col:$dir")
		got=""
		for _ in $(seq 40); do got=$(first_ids 5); [ "$got" = "$want" ] && break; sleep 0.05; done
		check_eq "sort $col $dir: same first rows as patrol list" "$want" "$got"
	done
done
keys :; tm send-keys -t t -l "sort expires"; keys Enter
keys I
check_screen "I inverts the sort (indicator flips)" "EXPIRES▼"

# --- filter -------------------------------------------------------------------
for expr in 'comment:jenkins' '!comment:jenkins' 'expires:<7d' 'unused:>90d' 'flag:never-expires scope:none'; do
	n=$("$PATROL" list -o json --filter "$expr" | jq length)
	keys /; keys C-u; tm send-keys -t t -l "$expr"; keys Enter
	check_screen "filter '$expr' shows $n rows" "shown $n/$ACTIVE +tagged"
done
keys /; keys Escape
check_screen "Esc clears the filter" "shown $ACTIVE/$ACTIVE +tagged"
keys /; tm send-keys -t t -l "nosuchfield:x"
check_screen "a bad filter says why" "unknown field"
keys Escape

# --- create: the secret is shown once ---------------------------------------------
reset_stats
keys c
check_screen "create dialog" "New token"
tm send-keys -t t -l "ui created token"
keys Enter
check_screen "the secret is shown" "Copy this token now"
SECRET=$(screen | grep -oE 'dapi[0-9a-f]{32}' | head -n 1)
NEWID=$(tok_id "$SECRET")
check_eq "exactly one create sent" 1 "$(count 'POST /api/2.0/token/create')"
check_eq "the secret shown is the new token's (id = sha256)" 1 \
	"$("$PATROL" list -o json | jq --arg id "$NEWID" '[.[] | select(.token_id == $id)] | length')"
keys Enter
check_screen "closing before the secret was saved asks" "Discard the secret\\? It cannot be shown again"
keys d
wait_gone "Copy this token now" 5
check_gone "after dismissal the secret is gone from the screen" "$SECRET"
keys /; tm send-keys -t t -l "ui created"; keys Enter
check_screen "the new token is in the table" "ui created token .*${NEWID:0:10}"
ACTIVE=$((ACTIVE + 1))
check_screen "the gauge counts it" "$ACTIVE/600"

# --- edit scopes: update_mask names only what changed ---------------------------------
reset_stats
keys e
check_screen "edit dialog" "Edit token"
keys Tab Space Right Space Enter
check_screen "edit done" "ui created token .*sql,jobs.*${NEWID:0:10}" 10
check_eq "update_mask names only scopes" "scopes" "$(stats '.updates[-1].update_mask')"
check_eq "PATCH sent to the token" 1 "$(count "PATCH /api/2.0/token/$NEWID")"

# --- stage, cancel, then confirm and revoke three ------------------------------------
keys /; keys C-u; tm send-keys -t t -l "comment:jenkins"; keys Enter
for i in 1 2 3; do
	curl -s -o /dev/null -X POST -H "Authorization: Bearer $ADMIN_TOKEN" \
		-d "{\"comment\":\"victim $i\"}" "$EMU_URL/api/2.0/token/create"
done
ACTIVE=$((ACTIVE + 3))
keys r
keys /; keys C-u; tm send-keys -t t -l "comment:victim"; keys Enter
check_screen "three victims shown" "shown 3/$ACTIVE +tagged"
keys T d
check_screen "three staged" "staged 3"
reset_stats
keys x
check_screen "confirm names the count" "Revoke 3 tokens"
keys Enter
wait_gone "Revoke 3 tokens" 5
check_eq "cancel (the default) sent nothing" 0 "$(count 'POST /api/2.0/token/delete')"
check_screen "cancel keeps them staged" "staged 3"
keys x
check_screen "confirm again" "Revoke 3 tokens"
keys Tab Enter
check_screen "revoked three" "revoked 3" 15
check_eq "the emulator counted three revokes, once each" "[1,1,1]" "$(stats '[.revokes[]]' | jq -c .)"
ACTIVE=$((ACTIVE - 3))
check_screen "the gauge dropped by three" "$ACTIVE/600"
check_screen "none staged" "staged 0"

# --- quit ---------------------------------------------------------------------------
keys q
ui_exited 10
check_eq "q exits 0" 0 "$UI_RC"
check_eq "stty restored after q" "$(cat "$T/stty.before")" "$(cat "$T/stty.after")"

# --- read-only refuses every mutating key --------------------------------------------
reset_stats
ui_start --read-only
check_screen "READ-ONLY badge" "READ-ONLY"
check_screen "the data is in" "shown $ACTIVE/$ACTIVE +tagged"
keys d
check_screen "d refused" "read-only"
keys c
check_screen "c refused" "read-only: creating a token is refused"
check_screen_not "c opens no dialog" "New token"
keys e
check_screen "e refused" "read-only: editing a token is refused"
check_screen_not "e opens no dialog" "Edit token"
keys x
check_eq "read-only sent nothing mutating" 0 "$(stats '[.requests | to_entries[] | select(.key | test("^(POST|PATCH|DELETE)"))] | length')"
keys q
ui_exited 10

finish
