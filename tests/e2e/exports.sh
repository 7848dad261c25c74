#!/bin/bash
# End-to-end: exports (CSV, JSON) are UTF-8 whatever the locale. The same
# commands run under LC_ALL=C and LC_ALL=C.UTF-8 write byte-identical CSV
# and JSON, and the CSV rows of tokens with exact properties are compared
# byte for byte: accents, CJK and emoji as themselves, controls and bidi
# overrides escaped, formulas neutralized. Only the table, drawn on the
# terminal, adapts to the locale.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

NOW=1790000000000
DAY=86400000
emu_start --now-ms "$NOW"
export PATROL_NOW_MS=$NOW
export XDG_STATE_HOME="$T/state"

# tok JSON: make a token with exact properties; prints its id.
tok() { curl -s -X POST "$EMU_URL/emulator/tokens" -d "$1" | jq -r .token_id; }
C=$((NOW - 40 * DAY))
E=$((NOW + 30 * DAY))
U=$((NOW - 3 * DAY))
A=$(tok '{"comment":"données de test","creation_time":'$C',"expiry_time":'$E',"last_used_day":'$U',"scopes":["sql","jobs"]}')
B=$(tok '{"comment":"数据管道 🚀","creation_time":'$C',"expiry_time":-1,"scopes":[]}')
F=$(tok '{"comment":"=HYPERLINK(\"x\")","creation_time":'$C',"expiry_time":'$E',"scopes":["authentication"]}')
H=$(tok '{"comment":"tab\there \u001b[31mred\u202e","creation_time":'$C',"expiry_time":'$E',"scopes":["sql"]}')

# both NAME ARGS...: run patrol under each locale into $T/NAME.c and $T/NAME.u.
both() {
	local name=$1
	shift
	LC_ALL=C "$PATROL" "$@" >"$T/$name.c" 2>/dev/null
	LC_ALL=C.UTF-8 "$PATROL" "$@" >"$T/$name.u" 2>/dev/null
	if cmp -s "$T/$name.c" "$T/$name.u"; then
		ok "$name: the same bytes under LC_ALL=C and C.UTF-8"
	else
		not_ok "$name: the same bytes under LC_ALL=C and C.UTF-8" "$(diff "$T/$name.c" "$T/$name.u" | head -5)"
	fi
}

both list-csv list --all -o csv
both list-json list --all -o json
both audit-csv audit --all -o csv
both audit-json audit --all -o json
both whoami-csv whoami -o csv
both quota-csv quota --all -o csv
both dry-csv revoke --all --dry-run -o csv "$A" "$B" "$F" "$H"
both dry-json revoke --all --dry-run -o json "$A" "$B" "$F" "$H"

# The rows of the four tokens, byte for byte (the same file under both
# locales: checked above).
cat >"$T/want.csv" <<EOF
"$A","données de test","2026-08-12T14:13:20Z","2026-10-21T14:13:20Z","2026-09-18T00:00:00Z","sql,jobs","admin@example.com","AUTOSCOPE_STATE_USER_SELECTED","stale-comment","2026-12-17T00:00:00Z","false"
"$B","数据管道 🚀","2026-08-12T14:13:20Z","never","never","(full access)","admin@example.com","","unused-30d,never-expires,all-apis","2026-11-10T14:13:20Z","true"
"$F","'=HYPERLINK(""x"")","2026-08-12T14:13:20Z","2026-10-21T14:13:20Z","never","authentication","admin@example.com","AUTOSCOPE_STATE_USER_SELECTED","unused-30d,privileged","2026-11-10T14:13:20Z","true"
"$H","tab\there \e[31mred\u{202E}","2026-08-12T14:13:20Z","2026-10-21T14:13:20Z","never","sql","admin@example.com","AUTOSCOPE_STATE_USER_SELECTED","unused-30d","2026-11-10T14:13:20Z","true"
EOF
for id in "$A" "$B" "$F" "$H"; do
	check_eq "CSV row of $(grep "^\"$id\"" "$T/want.csv" | cut -d, -f2): byte for byte" \
		"$(grep "^\"$id\"" "$T/want.csv")" "$(grep "^\"$id\"" "$T/list-csv.c")"
done
if grep -qF '"comment":"donn\u00E9es de test"' "$T/list-json.c"; then
	ok "JSON: the comment as a JSON escape, the same in every locale"
else
	not_ok "JSON: the comment as a JSON escape, the same in every locale" "$(grep -F "$A" "$T/list-json.c")"
fi
check_eq "JSON keeps the API's values (scopes as lists)" '["sql","jobs"] []' \
	"$(jq -r --arg a "$A" --arg b "$B" '[(.[] | select(.token_id == $a) | .scopes), (.[] | select(.token_id == $b) | .scopes // [])] | map(tojson) | join(" ")' "$T/list-json.c")"
check_match "results CSV: the comment as itself" "^\"$A\",\"would revoke\",\"admin@example.com\",\"données de test\"," "$(cat "$T/dry-csv.c")"

# the table is drawn for the terminal: under C it escapes what C cannot show
LC_ALL=C run list --all
check_match "the table under C escapes the accent" 'donn\\u\{00E9\}es de test' "$OUT"
LC_ALL=C.UTF-8 run list --all
check_match "the table under C.UTF-8 shows it" 'données de test' "$OUT"

# journal exports: a real session, then its CSV and JSON under both locales
run revoke --all --yes "$A"
check_rc "revoke (for the journal)" 0
SESSION=$(ls "$XDG_STATE_HOME"/patrol/ | sed -n 's/\.jsonl$//p' | head -n 1)
both journal-csv journal "$SESSION" -o csv
both journal-json journal "$SESSION" -o json
check_match "journal CSV: the comment as itself" ',"données de test",' "$(cat "$T/journal-csv.c")"

finish
