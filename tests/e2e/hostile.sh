#!/bin/bash
# End-to-end: hostile server strings never reach the terminal raw. Comments
# and user names carrying escape sequences (clear screen, set title, OSC 52
# clipboard writes), CR, BS, DEL, C1 controls, bidi overrides and zero-width
# characters go through every output path; no control byte may come out.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

EVIL_USER=$(printf 'mallory\033[2J\033]0;pwned\007@example.com')
EVIL_TOKEN=dapi66666666666666666666666666666666
emu_start --user "$EVIL_USER=$EVIL_TOKEN"

# JSON \u escapes let the request carry every class of character.
COMMENTS=(
	'clear\u001b[2J\u001b[H screen'
	'title\u001b]0;owned\u0007 bar'
	'clip\u001b]52;c;cm0gLXJmIH4=\u0007 board'
	'cr\rover\bwrite\u007f del'
	'c1\u0085next\u009bcsi'
	'bidi \u202egnp.exe\u202c and \u2066isolate\u2069'
	'zero\u200bwidth\ufeffbom'
	'=cmd|calc!A1 formula'
)
for c in "${COMMENTS[@]}"; do
	curl -s -o /dev/null -X POST -H "Authorization: Bearer $EVIL_TOKEN" \
		-d "{\"comment\":\"$c\",\"lifetime_seconds\":86400}" "$EMU_URL/api/2.0/token/create"
done
check_eq "hostile comments stored" 9 "$(stats '.active_tokens | to_entries[] | select(.key | startswith("mallory")) | .value')"

export DATABRICKS_TOKEN=$EVIL_TOKEN
scan "list (table)" list
check_match "escapes are shown, not obeyed" '\\e\[2J' "$OUT"
check_match "bidi override shown as an escape" '\\u\{202E\}' "$OUT"
scan "list -o csv" list -o csv
check_match "csv: a formula is defused" "\"'=cmd" "$OUT"
for c in '-' '-1+2'; do
	curl -s -o /dev/null -X POST -H "Authorization: Bearer $EVIL_TOKEN" \
		-d "{\"comment\":\"$c\",\"lifetime_seconds\":86400}" "$EMU_URL/api/2.0/token/create"
done
scan "list -o csv, comments '-' and '-1+2'" list -o csv
check_match "csv: a lone '-' is not a formula: kept as it is" '^"[0-9a-f]{64}","-",' "$OUT"
check_match "csv: '-1+2' is one: defused" "^\"[0-9a-f]{64}\",\"'-1\\+2\"," "$OUT"
scan "list -o json" list -o json
check_eq "json keeps the exact text (escaped by jansson)" 1 "$(printf '%s' "$OUT" | jq '[.[] | select(.comment == "clear\u001b[2J\u001b[H screen")] | length')"
ID=$(printf '%s' "$OUT" | jq -r '.[] | select(.comment | startswith("title")) | .token_id')
scan "show" show "$ID"
scan "whoami" whoami
check_match "user name escaped in whoami" 'mallory\\e\[2J' "$OUT"
scan "whoami -o csv" whoami -o csv
scan "quota" quota

export DATABRICKS_TOKEN=$ADMIN_TOKEN
scan "list --all (owner column)" list --all
scan "quota --all" quota --all
scan "quota --all -o csv" quota --all -o csv
scan "revoke (result lines)" revoke --all --yes "$ID"
check_match "revoked line printed" "^revoked +$ID" "$OUT"
printf '\033[2Jnot-an-id\n' >"$T/evil-ids"
scan "revoke --from a hostile file" revoke --yes --from "$T/evil-ids"
scan "revoke --from a hostile file, csv" -o csv revoke --yes --from "$T/evil-ids"

# A hostile error message from the server.
emu_stop
emu_start --fail 500:1 --error-format text
scan "server error text" list
check_match "the error is shown" "HTTP 500" "$ERR"

finish
