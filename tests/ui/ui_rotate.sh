#!/bin/bash
# UI end-to-end: o rotates the token under the cursor. The confirm starts
# on Cancel (Enter there does nothing); OK creates the replacement and
# shows its secret once in the secret dialog, which is its destination;
# only once that dialog is closed is the old token revoked, once. The
# journal records a rotation, finished; read-only mode refuses the key.
. "${top_srcdir:-.}/tests/e2e/lib.sh"
. "${top_srcdir:-.}/tests/ui/lib.sh"

SP=5a6b7c8d-0000-4000-8000-00000000beef
emu_start --service-principal "$SP"
NOW=$(curl -s "$EMU_URL/emulator/clock" | jq .now_ms)
OLD=$(curl -s -X POST "$EMU_URL/emulator/tokens" \
	-d "{\"comment\":\"rotate me\",\"scopes\":[\"sql\"],\"creation_time\":$((NOW - 86400000)),\"expiry_time\":$((NOW + 29 * 86400000))}" |
	jq -r .token_id)
listed() {
	curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "$EMU_URL/api/2.0/token/list" |
		jq -c --arg id "$1" '.token_infos[]? | select(.token_id == $id)'
}

ui_shell 120 30
ui_start --read-only
check_screen "drawn" "rotate me"
keys /; tm send-keys -t t -l "rotate me"; keys Enter
keys o
check_screen "read-only refuses it" "read-only"
keys q
wait_for "EXIT=" 10 >/dev/null

ui_start
check_screen "drawn" "rotate me"
keys /; tm send-keys -t t -l "rotate me"; keys Enter
wait_for "/rotate me" 5 >/dev/null
reset_stats
keys o
check_screen "the confirm names the token" "Rotate this token\\?"
check_screen "and what happens" "closing revokes"
keys Enter
wait_gone "Rotate this token" 5
check_eq "Cancel (the focus) sends nothing" 0 "$(stats .total)"
keys o
check_screen "asked again" "Rotate this token\\?"
keys Tab Enter
check_screen "the secret is shown" "Copy this token now"
SECRET=$(screen | grep -oE 'dapi[0-9a-f]{32}' | head -n 1)
NEW=$(tok_id "$SECRET")
check_eq "one create sent" 1 "$(stats .creates)"
check_eq "the secret shown is the new token's" "rotate me (rotated from ${OLD:0:10})" "$(listed "$NEW" | jq -r .comment)"
check_eq "with the same scopes" '["sql"]' "$(listed "$NEW" | jq -c .scopes)"
check_eq "while the secret is shown, the old token stays" "$OLD" "$(listed "$OLD" | jq -r .token_id)"
check_eq "nothing revoked yet" 0 "$(count 'POST /api/2.0/token/delete')"
keys w
tm send-keys -t t -l "$T/ui.secret"; keys Enter
check_screen "written" "written to"
keys Escape
wait_gone "Copy this token now" 5
check_screen "it says the old one is revoked" "rotated ${OLD:0:10}: the new token is ${NEW:0:10}, the old one is revoked"
check_eq "the old token revoked exactly once" 1 "$(stats ".revokes[\"$OLD\"] // 0")"
check_eq "the old token is gone" "" "$(listed "$OLD")"
check_eq "the file holds the new secret" "$NEW" "$(file_id "$T/ui.secret")"
check_screen "the list shows the replacement" "rotate me \\(rotated from ${OLD:0:10}\\)"
check_screen_not "the secret is off the screen" "$SECRET"
check_eq "the journal: a finished rotation" "rotate done" \
	"$(jq -rs '[(.[0].kind), (.[-1].reason)] | join(" ")' "$HOME"/.local/state/patrol/*.jsonl)"
check_eq "the journal holds no secret" 0 "$(cat "$HOME"/.local/state/patrol/*.jsonl | grep -c "$SECRET")"

# a secret discarded without a copy or a file is lost: the new token goes,
# the old one stays
NEXT=$(listed "$NEW" | jq -r .token_id)
reset_stats
keys /; keys C-u; tm send-keys -t t -l "rotate me"; keys Enter
keys o
check_screen "asked" "Rotate this token\\?"
keys Tab Enter
check_screen "the secret is shown" "Copy this token now"
LOST=$(tok_id "$(screen | grep -oE 'dapi[0-9a-f]{32}' | head -n 1)")
keys Escape
check_screen "closing asks" "Discard the secret\\?"
keys d
wait_gone "Copy this token now" 5
check_screen "it says the secret was lost" "the new secret was discarded without a copy or a file"
check_eq "the lost token is revoked once" 1 "$(stats ".revokes[\"$LOST\"] // 0")"
check_eq "the old token is not" 0 "$(stats ".revokes[\"$NEXT\"] // 0")"
check_eq "the old token is still there" "$NEXT" "$(listed "$NEXT" | jq -r .token_id)"
check_eq "the lost one is gone" "" "$(listed "$LOST")"

# admin mode: a service principal's token, created on its behalf; a copy
# (y) is a delivery
SPOLD=$(curl -s -X POST "$EMU_URL/emulator/tokens" \
	-d "{\"user\":\"$SP\",\"service_principal\":true,\"comment\":\"robot ui\",\"scopes\":[\"jobs\"]}" |
	jq -r .token_id)
SPOWNER=$(curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "$EMU_URL/api/2.0/token-management/tokens/$SPOLD" |
	jq .token_info.owner_id)
keys a
check_screen "admin mode" "admin mode:"
keys /; keys C-u; tm send-keys -t t -l "robot ui"; keys Enter
wait_for "/robot ui" 5 >/dev/null
check_screen "the service principal's token is listed" "robot ui"
reset_stats
keys o
check_screen "asked" "Rotate this token\\?"
keys Tab Enter
check_screen "its replacement's secret is shown" "Copy this token now"
SPNEW=$(tok_id "$(screen | grep -oE 'dapi[0-9a-f]{32}' | head -n 1)")
check_eq "created on its behalf" 1 "$(count 'POST /api/2.0/token-management/on-behalf-of/tokens')"
keys y
keys Escape
check_screen "closing asks" "Discard the secret\\?"
keys d
wait_gone "Copy this token now" 5
check_screen "rotated" "rotated ${SPOLD:0:10}: the new token is ${SPNEW:0:10}, the old one is revoked"
check_eq "the old one revoked once, through token management" 1 \
	"$(count "DELETE /api/2.0/token-management/tokens/$SPOLD")"
check_eq "the new token is the service principal's" "$SPOWNER" \
	"$(curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "$EMU_URL/api/2.0/token-management/tokens/$SPNEW" |
		jq .token_info.owner_id)"
keys q
wait_for "EXIT=0" 10 >/dev/null
ok "quit"
finish
