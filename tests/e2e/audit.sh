#!/bin/bash
# End-to-end: patrol audit. One token per audit flag (and a few that must
# get none), built with exact properties through the emulator's
# POST /emulator/tokens; asserts the flags of every token in JSON, table and
# CSV, the summaries, flag:NAME filters, a 2000-token workspace against the
# emulator's own counts, what a non-admin gets for --all, and that hostile
# comments and user names come out sanitized.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

BOB=dapi11111111111111111111111111111111
DAY=86400000
ADMIN_ID=$(tok_id "$ADMIN_TOKEN")
FLAGS=(unused-90d unused-30d never-expires over-max-lifetime expiring expired privileged all-apis autoscope stale-comment self)

# The emulator's clock stands still at NOW; patrol's (PATROL_NOW_MS) runs a
# day ahead. The emulator leaves expired tokens out of its lists, so a token
# that expired an hour ago for patrol is still listed: that is how "expired"
# is reachable. Every other time below is relative to patrol's clock P.
NOW=1760000000000
P=$((NOW + DAY))
export PATROL_NOW_MS=$P
emu_start --now-ms $NOW --max-lifetime-days 365 --user bob@example.com=$BOB

declare -A ID WANT
NAMES=()
# mk NAME EXPECTED_FLAGS JSON_OVERRIDES: make a token for the admin from a
# flag-free base (scoped, 30-day lifetime, used yesterday) and the overrides;
# null removes a field.
BASE=$(jq -nc --argjson p $P --argjson d $DAY \
	'{comment:"dashboard refresh", creation_time:($p - 10*$d), expiry_time:($p + 20*$d),
	  last_accessed_time:($p - $d), scopes:["sql"]}')
mk() {
	local body r
	body=$(jq -nc --argjson b "$BASE" --argjson o "$3" '$b + $o')
	r=$(curl -s -X POST "$EMU_URL/emulator/tokens" -d "$body")
	ID[$1]=$(printf '%s' "$r" | jq -r '.token_id // empty')
	[ -n "${ID[$1]}" ] || { echo "cannot make token $1: $r"; exit 99; }
	WANT[$1]=$2
	NAMES+=("$1")
}
mk clean        ""                                 '{}'
mk unused90     "unused-90d,unused-30d"            "{\"creation_time\":$((P - 200 * DAY)),\"last_accessed_time\":$((P - 100 * DAY))}"
mk unused30     "unused-30d"                       "{\"creation_time\":$((P - 60 * DAY)),\"last_accessed_time\":$((P - 40 * DAY))}"
mk neverused    "unused-30d"                       "{\"creation_time\":$((P - 45 * DAY)),\"last_accessed_time\":null}"
mk never        "never-expires,over-max-lifetime"  '{"expiry_time":-1}'
mk overmax      "over-max-lifetime"                "{\"expiry_time\":$((P + 400 * DAY))}"
mk expiring     "expiring"                         "{\"expiry_time\":$((P + 3 * DAY))}"
mk expired      "expired"                          "{\"expiry_time\":$((P - 3600000))}"
mk privileged   "privileged"                       '{"scopes":["authentication"]}'
mk allapis      "all-apis"                         '{"scopes":null}'
mk allapis2     "all-apis"                         '{"scopes":["all-apis"]}'
mk shortall     ""                                 "{\"scopes\":null,\"creation_time\":$((P - 5 * DAY))}"
mk autoscope    "autoscope,will-narrow"                     "{\"scopes\":null,\"creation_time\":$((P - 5 * DAY)),\"autoscope_state\":\"AUTOSCOPE_STATE_RUNNING\"}"
mk autodone     ""                                 "{\"scopes\":null,\"creation_time\":$((P - 5 * DAY)),\"autoscope_state\":\"AUTOSCOPE_STATE_COMPLETED\"}"
mk staleempty   "stale-comment"                    '{"comment":""}'
mk staletmp     "stale-comment"                    '{"comment":"tmp test"}'
mk notstale     ""                                 '{"comment":"latest testing"}'
# The token patrol signs in with: made by the emulator at NOW, never expires,
# no scopes, used at NOW.
ID[self]=$ADMIN_ID
WANT[self]="never-expires,over-max-lifetime,all-apis,self"
NAMES+=(self)
TOTAL=${#NAMES[@]}

# Expected counts, from WANT alone.
declare -A NFLAG
FLAGGED=0
for n in "${NAMES[@]}"; do
	[ -n "${WANT[$n]}" ] && FLAGGED=$((FLAGGED + 1))
	for f in "${FLAGS[@]}"; do
		case ",${WANT[$n]}," in *",$f,"*) NFLAG[$f]=$((${NFLAG[$f]:-0} + 1)) ;; esac
	done
done
# want_ids FLAG: the sorted ids whose expected flags include FLAG.
want_ids() {
	for n in "${NAMES[@]}"; do
		case ",${WANT[$n]}," in *",$1,"*) echo "${ID[$n]}" ;; esac
	done | sort | paste -sd' '
}

# --- JSON: the flags of every token -----------------------------------------
reset_stats
run audit -o json
check_rc "audit -o json" 0
AJ=$OUT
check_eq "two requests: the list and the workspace settings" \
	"1 1 2" "$(count 'GET /api/2.0/token/list') $(count 'GET /api/2.0/workspace-conf') $(stats .total)"
check_eq "every token is in the JSON" "$TOTAL" "$(printf '%s' "$AJ" | jq '.tokens | length')"
for n in "${NAMES[@]}"; do
	check_eq "$n: flags [${WANT[$n]}]" "${WANT[$n]}" \
		"$(printf '%s' "$AJ" | jq -r --arg id "${ID[$n]}" '.tokens[] | select(.token_id == $id) | .flags | join(",")')"
done
check_eq "a token with no flags has an empty list" "[]" \
	"$(printf '%s' "$AJ" | jq -c --arg id "${ID[clean]}" '.tokens[] | select(.token_id == $id) | .flags')"
check_eq "tokens keep list -o json's fields" "dashboard refresh [\"sql\"]" \
	"$(printf '%s' "$AJ" | jq -r --arg id "${ID[clean]}" '.tokens[] | select(.token_id == $id) | "\(.comment) \(.scopes | tojson)"')"
# byte for byte: a token's line is list -o json's with its flags before the
# closing brace (audit writes its rows without building them)
run list -o json
check_eq "tokens are list -o json's lines, byte for byte, plus flags" \
	"$(printf '%s\n' "$OUT" | grep '^  {' | sed 's/,$//' | sort | sha256sum)" \
	"$(printf '%s\n' "$AJ" | grep '^  {' | sed 's/,$//; s/,"flags":\[[^]]*\]}$/}/' | sort | sha256sum)"
check_eq "flags are a compact array of names" "$TOTAL" \
	"$(printf '%s\n' "$AJ" | grep -cE '^  \{.*,"flags":\[("[a-z0-9-]+"(,"[a-z0-9-]+")*)?\]\},?$')"
check_eq "sorted by owner, then most flags first" "true" \
	"$(printf '%s' "$AJ" | jq '[.tokens[].flags | length] as $n | $n == ($n | sort | reverse)')"
for f in "${FLAGS[@]}"; do
	check_eq "summary by_flag $f = ${NFLAG[$f]:-0}" "${NFLAG[$f]:-0}" "$(printf '%s' "$AJ" | jq --arg f "$f" '.summary.by_flag[$f]')"
done
check_eq "summary: tokens, flagged, workspace maximum" "$TOTAL $FLAGGED 365" \
	"$(printf '%s' "$AJ" | jq -r '.summary | "\(.tokens) \(.flagged) \(.max_lifetime_days)"')"
check_eq "summary by_owner: one owner (you), the expired token not active" \
	"[{\"owner\":null,\"tokens\":$TOTAL,\"active\":$((TOTAL - 1)),\"quota\":600}]" \
	"$(printf '%s' "$AJ" | jq -c '[.summary.by_owner[] | del(.flags)]')"
check_eq "by_owner flags equal by_flag" "true" "$(printf '%s' "$AJ" | jq '.summary.by_owner[0].flags == .summary.by_flag')"

# --- the table: flagged tokens only, then the summaries -----------------------
run audit
check_rc "audit (table)" 0
check_match "table header, no OWNER without --all" '^ID +COMMENT +CREATED +EXPIRES +LAST USED +FLAGS$' "$(printf '%s\n' "$OUT" | head -n 1)"
for n in "${NAMES[@]}"; do
	ROW=$(printf '%s\n' "$OUT" | grep "^${ID[$n]:0:10} ")
	if [ -n "${WANT[$n]}" ]; then
		check_match "table: $n row ends with ${WANT[$n]}" " ${WANT[$n]}\$" "$ROW"
	else
		check_eq "table: $n (no flags) is left out" "" "$ROW"
	fi
done
check_match "table: the expired token says so" "^${ID[expired]:0:10} .* expired \(" "$OUT"
check_match "table: the flagged count" "^$FLAGGED of $TOTAL tokens have audit flags\.\$" "$OUT"
for f in "${FLAGS[@]}"; do
	check_match "table summary: $f ${NFLAG[$f]:-0}" "^$f +${NFLAG[$f]:-0}  [a-z]" "$OUT"
done
check_match "table summary names the workspace maximum" "workspace maximum lifetime: 365 days" "$OUT"
check_match "by-owner header" '^OWNER +TOKENS +ACTIVE +UNUSED-90D +NEVER-EXPIRES +PRIVILEGED$' "$OUT"
check_match "by-owner row: tokens, active/600, unused-90d, never-expires, privileged" \
	"^\\(you\\) +$TOTAL +$((TOTAL - 1))/600 +${NFLAG[unused-90d]} +${NFLAG[never-expires]} +${NFLAG[privileged]}\$" "$OUT"

# --- flag:NAME filters ---------------------------------------------------------
for f in "${FLAGS[@]}"; do
	run audit --filter "flag:$f" -o json
	check_eq "audit --filter flag:$f" "$(want_ids "$f")" "$(printf '%s' "$OUT" | jq -r '[.tokens[].token_id] | sort | join(" ")')"
	run list --filter "flag:$f" -o json
	check_eq "list --filter flag:$f" "$(want_ids "$f")" "$(printf '%s' "$OUT" | jq -r '[.[].token_id] | sort | join(" ")')"
done
reset_stats
run list -o json
check_eq "a list whose filter needs no maximum reads no settings" 0 "$(count 'GET /api/2.0/workspace-conf')"
run list --filter 'flag:over-max-lifetime' -o json
check_eq "one that tests over-max-lifetime reads them once" 1 "$(count 'GET /api/2.0/workspace-conf')"
run revoke --dry-run --filter 'flag:over-max-lifetime' -o json
check_eq "revoke --filter flag:over-max-lifetime plans exactly those" "$(want_ids over-max-lifetime)" \
	"$(printf '%s' "$OUT" | jq -r '[.[].token_id] | sort | join(" ")')"
run audit --filter '!flag:unused-30d comment:tmp' -o json
check_eq "filters combine; summaries count what is left" "1 1 1" \
	"$(printf '%s' "$OUT" | jq -r '.summary | "\(.tokens) \(.by_flag["stale-comment"]) \(.by_owner[0].tokens)"')"
run audit --filter 'flag:nope'
check_rc "unknown flag in the filter" 2
run audit extra
check_rc "audit takes no arguments" 2

# --- CSV: every token as list -o csv prints it; summaries on stderr --------------
run audit -o csv
check_rc "audit -o csv" 0
check_eq "csv header is list's" "token_id,comment,created,expires,last_used,scopes,owner,autoscope_state,flags,auto_revoke,auto_revoke_estimated" "$(printf '%s\n' "$OUT" | head -n 1)"
check_eq "csv has every token" "$TOTAL" "$(($(printf '%s\n' "$OUT" | wc -l) - 1))"
check_match "csv flags column" "^\"${ID[unused90]}\",.*,\"unused-90d,unused-30d\",\"[^\"]*\",\"(true|false)\"\$" "$OUT"
check_match "csv over-max-lifetime uses the workspace maximum" "^\"${ID[overmax]}\",.*,\"over-max-lifetime\",\"[^\"]*\",\"(true|false)\"\$" "$OUT"
check_match "csv: summaries on stderr" "^$FLAGGED of $TOTAL tokens have audit flags" "$ERR"

# --- --all as admin: owners --------------------------------------------------
BOB_EXTRA=$(curl -s -X POST "$EMU_URL/emulator/tokens" \
	-d "{\"user\":\"bob@example.com\",\"comment\":\"ci\",\"scopes\":[\"authentication\"],\"creation_time\":$((P - 10 * DAY)),\"expiry_time\":$((P + 20 * DAY)),\"last_used_day\":$((P - DAY))}" | jq -r .token_id)
run audit --all -o json
check_rc "audit --all -o json" 0
check_eq "--all: everyone's tokens" "$((TOTAL + 2))" "$(printf '%s' "$OUT" | jq '.tokens | length')"
check_eq "--all: tokens carry the owner" "bob@example.com" \
	"$(printf '%s' "$OUT" | jq -r --arg id "$BOB_EXTRA" '.tokens[] | select(.token_id == $id) | .created_by_username')"
check_eq "--all: bob's scoped token is privileged" "privileged" \
	"$(printf '%s' "$OUT" | jq -r --arg id "$BOB_EXTRA" '.tokens[] | select(.token_id == $id) | .flags | join(",")')"
check_eq "--all: by owner" '[["admin@example.com",'"$TOTAL"'],["bob@example.com",2]]' \
	"$(printf '%s' "$OUT" | jq -c '[.summary.by_owner[] | [.owner, .tokens]]')"
run audit --all
check_match "--all table has an OWNER column" '^ID +OWNER +COMMENT +CREATED +EXPIRES +LAST USED +FLAGS$' "$(printf '%s\n' "$OUT" | head -n 1)"
check_match "--all by-owner rows" '^bob@example\.com +2 +2/600 +0 +1 +1$' "$OUT"

# --- hostile comments and user names are sanitized ------------------------------
curl -s -o /dev/null -X POST "$EMU_URL/emulator/tokens" \
	-d '{"user":"mal\u001b[2Jlory@example.com","comment":"tmp \u001b]52;c;cm0gLXJmIH4=\u0007 \u001b[2J\r\u202eevil","expiry_time":-1}'
run audit --all
check_rc "audit with hostile strings" 0
if printf '%s' "$OUT$ERR" | LC_ALL=C grep -qP '[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]'; then
	not_ok "hostile comment and owner: no control characters reach the terminal"
else
	ok "hostile comment and owner: no control characters reach the terminal"
fi
check_match "  they are shown escaped" 'mal\\e\[2Jlory@example\.com.*tmp \\e\]52' "$OUT"
emu_stop

# --- the workspace maximum cannot be read ------------------------------------------
unset PATROL_NOW_MS
emu_start --max-lifetime-days 30 --fail 403:1 --fault-path /workspace-conf
reset_stats
run audit -o json
check_rc "audit when workspace-conf is refused" 0
check_match "a one-line note says over-max-lifetime is not computed" "^patrol: note: .*over-max-lifetime is not computed$" "$ERR"
check_eq "  and nothing else on stderr" 1 "$(printf '%s\n' "$ERR" | wc -l)"
check_eq "  by_flag over-max-lifetime is null, max unknown" "null null" \
	"$(printf '%s' "$OUT" | jq -r '"\(.summary.by_flag["over-max-lifetime"]) \(.summary.max_lifetime_days)"')"
check_eq "  the never-expiring token gets no over-max-lifetime" "never-expires,all-apis,self" "$(printf '%s' "$OUT" | jq -r '.tokens[0].flags | join(",")')"
check_eq "  the refused read was not retried" 1 "$(count 'GET /api/2.0/workspace-conf')"
run audit
check_match "  the table says it is not computed" "^over-max-lifetime +- +.*not computed" "$OUT"
emu_stop

# --- 2000 tokens: audit and quota agree with the emulator --------------------------
emu_start --generate 2000 --seed 11 --user bob@example.com=$BOB
curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "$EMU_URL/api/2.0/token-management/tokens" >"$T/tm.json"
curl -s "$EMU_URL/emulator/stats" >"$T/stats.json"
ACTIVE=$(jq '[.active_tokens[]] | add' "$T/stats.json")
reset_stats
run audit --all -o json
check_rc "audit --all over 2000 generated tokens" 0
printf '%s' "$OUT" >"$T/audit.json"
check_eq "two requests: token management list and settings" "1 1 2" \
	"$(count 'GET /api/2.0/token-management/tokens') $(count 'GET /api/2.0/workspace-conf') $(stats .total)"
check_eq "every listed token is audited (the emulator's active count)" "$ACTIVE" "$(jq '.tokens | length' "$T/audit.json")"
check_eq "the same ids as token management lists" \
	"$(jq -r '[.token_infos[].token_id] | sort | join(" ")' "$T/tm.json" | sha256sum)" \
	"$(jq -r '[.tokens[].token_id] | sort | join(" ")' "$T/audit.json" | sha256sum)"
check_eq "by_owner tokens add up to the total" "$ACTIVE" "$(jq '[.summary.by_owner[].tokens] | add' "$T/audit.json")"
check_eq "by_owner active per owner = the emulator's active_tokens" \
	"$(jq -c '.active_tokens | with_entries(select(.value > 0)) | to_entries | sort_by(.key) | from_entries' "$T/stats.json")" \
	"$(jq -c '[.summary.by_owner[] | {key: .owner, value: .active}] | sort_by(.key) | from_entries' "$T/audit.json")"
check_eq "by_flag counts = the flags on the tokens" "true" \
	"$(jq '(reduce (.tokens[].flags[]) as $f ({}; .[$f] += 1)) as $c | .summary.by_flag | to_entries | all(.value == ($c[.key] // 0))' "$T/audit.json")"
check_eq "never-expires = tokens with expiry_time -1" \
	"$(jq '[.token_infos[] | select(.expiry_time == -1)] | length' "$T/tm.json")" "$(jq '.summary.by_flag["never-expires"]' "$T/audit.json")"
check_eq "privileged = tokens with the authentication scope" \
	"$(jq '[.token_infos[] | select(any(.scopes[]?; . == "authentication" or startswith("authentication:")))] | length' "$T/tm.json")" \
	"$(jq '.summary.by_flag.privileged' "$T/audit.json")"
check_eq "by_owner flags add up to by_flag" "true" \
	"$(jq '.summary as $s | $s.by_flag | keys | all(. as $k | ([$s.by_owner[].flags[$k]] | add) == $s.by_flag[$k])' "$T/audit.json")"
run quota --all -o json
check_rc "quota --all" 0
check_eq "quota --all per owner = the emulator's active_tokens" \
	"$(jq -c '.active_tokens | with_entries(select(.value > 0)) | to_entries | sort_by(.key) | from_entries' "$T/stats.json")" \
	"$(printf '%s' "$OUT" | jq -c '[.[] | {key: .owner, value: .active}] | sort_by(.key) | from_entries')"

# --- a non-admin asking for everyone's tokens ------------------------------------
for cmd in audit list quota; do
	reset_stats
	DATABRICKS_TOKEN=$BOB run "$cmd" --all
	check_rc "non-admin $cmd --all" 3
	check_match "non-admin $cmd --all: says admin rights are needed" "needs workspace admin rights" "$ERR"
	check_eq "non-admin $cmd --all: one line on stderr, nothing on stdout" "1 " "$(printf '%s\n' "$ERR" | wc -l) $OUT"
	check_eq "non-admin $cmd --all: one token management request, not retried" 1 "$(count 'GET /api/2.0/token-management/tokens')"
	check_eq "non-admin $cmd --all: the message names the user" \
		"patrol: $cmd --all needs workspace admin rights: you are signed in as bob@example.com, who is not in the admins group" "$ERR"
	# (audit asks for the maximum lifetime with the list, before it knows the
	# list is refused: one settings read; list and quota read none)
	if [ "$cmd" = audit ]; then want="1 1 3"; else want="1 0 2"; fi
	check_eq "non-admin $cmd --all: then one SCIM Me, settings only with audit's list, nothing else" "$want" \
		"$(count 'GET /api/2.0/preview/scim/v2/Me') $(count 'GET /api/2.0/workspace-conf') $(stats .total)"

done
DATABRICKS_TOKEN=$BOB run audit -o json
check_rc "non-admin audit of their own tokens" 0
check_eq "  their one token, flagged as the one in use" "1 true" \
	"$(printf '%s' "$OUT" | jq -r '"\(.tokens | length) \(.tokens[0].flags | index("self") != null)"')"
check_eq "  it is bob's" "$(tok_id "$BOB")" "$(printf '%s' "$OUT" | jq -r '.tokens[0].token_id')"


# --- several big workspaces: the same rows, in the same order, as each alone --------
# 3 x 2,200 tokens is past the 4,096 rows from which audit flags and sorts
# runs of whole workspaces, and measures its table, on two threads.
emu_stop
emus_start 3 --generate 2200:20
unset DATABRICKS_HOST DATABRICKS_TOKEN
export DATABRICKS_CONFIG_FILE="$T/estate.cfg"
for i in 0 1 2; do
	printf '[w%d]\nhost = %s\ntoken = %s\n\n' "$i" "${EMU_URLS[$i]}" "$ADMIN_TOKEN"
done >"$DATABRICKS_CONFIG_FILE"
chmod 600 "$DATABRICKS_CONFIG_FILE"
run audit --all --profiles w0,w1,w2 -o json
check_rc "audit --all over three workspaces of 2,200 tokens" 0
printf '%s' "$OUT" >"$T/estate.json"
check_eq "  every token of the three" "$(jq '[.summary.by_workspace[].tokens] | add' "$T/estate.json")" \
	"$(jq '.tokens | length' "$T/estate.json")"
run audit --all --profiles w0,w1,w2
printf '%s\n' "$OUT" | awk 'NR > 1 && NF == 0 { exit } NR > 1' >"$T/estate.rows"
for i in 0 1 2; do
	run audit --all -p "w$i" -o json
	check_eq "  w$i's rows in the order w$i alone gives them (JSON)" \
		"$(printf '%s' "$OUT" | jq -r '[.tokens[].token_id] | join(" ")' | sha256sum)" \
		"$(jq -r --arg w "w$i" '[.tokens[] | select(.workspace == $w) | .token_id] | join(" ")' \
			"$T/estate.json" | sha256sum)"
	run audit --all -p "w$i"
	check_eq "  w$i's table rows as w$i alone prints them, in order" \
		"$(printf '%s\n' "$OUT" | awk 'NR > 1 && NF == 0 { exit } NR > 1' | tr -s ' ' | sha256sum)" \
		"$(grep "^w$i " "$T/estate.rows" | sed 's/^w[0-9]* *//' | tr -s ' ' | sha256sum)"
done
check_eq "  the table has a row for each flagged token" \
	"$(jq '[.tokens[] | select(.flags | length > 0)] | length' "$T/estate.json")" "$(wc -l <"$T/estate.rows")"

# --- one workspace: the list and its maximum lifetime in one round trip ----
# (the latency keeps both in flight at once when they are sent together)
emu_stop
unset DATABRICKS_CONFIG_FILE
emu_start --generate 50:2 --latency-ms 300 --max-lifetime-days 90
export DATABRICKS_HOST=$EMU_URL DATABRICKS_TOKEN=$ADMIN_TOKEN
reset_stats
run audit --all -o json
check_rc "audit --all on one workspace" 0
check_eq "  the list and the maximum lifetime asked for once each" "1 1" \
	"$(count 'GET /api/2.0/token-management/tokens') $(count 'GET /api/2.0/workspace-conf')"
check_eq "  both at once: one round trip, not two" 2 "$(stats .peak_inflight)"
check_eq "  the maximum lifetime is known" 90 "$(printf '%s' "$OUT" | jq '.summary.max_lifetime_days')"

finish
