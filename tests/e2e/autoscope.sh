#!/bin/bash
# End-to-end: auto-scoping made visible (issue 10 §1). Tokens in each
# auto-scoping state, built with exact times through POST /emulator/tokens on
# a stopped clock (--now-ms, and PATROL_NOW_MS the same), so every date is
# fixed: the flags autoscope-soon, will-narrow and uncoverable in list
# filters, audit (JSON, table, CSV) and the summaries; show's words, date and
# "scopes after"; then the emulator's clock moves past an enforcement date
# and the server narrows the token exactly as patrol said it would.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

DAY=86400000
NOW=1767225600000            # 2026-01-01T00:00:00Z
export PATROL_NOW_MS=$NOW
emu_start --now-ms $NOW

declare -A ID WANT
NAMES=()
# mk NAME EXPECTED_FLAGS JSON: a token of the admin's, used an hour ago,
# never expiring unless JSON says otherwise.
mk() {
	local body r
	body=$(jq -nc --argjson n $NOW --argjson o "$3" \
		'{comment:"etl", last_accessed_time:($n - 3600000), expiry_time:-1} + $o')
	r=$(curl -s -X POST "$EMU_URL/emulator/tokens" -d "$body")
	ID[$1]=$(printf '%s' "$r" | jq -r '.token_id // empty')
	[ -n "${ID[$1]}" ] || { echo "cannot make token $1: $r"; exit 99; }
	WANT[$1]=$2
	NAMES+=("$1")
}
R='"autoscope_state":"AUTOSCOPE_STATE_RUNNING"'
mk soon     "autoscope-soon,will-narrow" "{$R,\"comment\":\"nightly jobs\",\"creation_time\":$((NOW - 25 * DAY)),\"inferred_scopes\":[\"jobs\"]}"
mk edge     "autoscope-soon,will-narrow" "{$R,\"creation_time\":$((NOW - 23 * DAY)),\"inferred_scopes\":[\"sql\"]}"
mk edge1    "will-narrow"                "{$R,\"creation_time\":$((NOW - 23 * DAY + 1)),\"inferred_scopes\":[\"sql\"]}"
mk later    "will-narrow"                "{$R,\"creation_time\":$((NOW - 10 * DAY))}"
mk covered  "autoscope-soon"             "{$R,\"creation_time\":$((NOW - 26 * DAY)),\"scopes\":[\"sql:read\"],\"inferred_scopes\":[\"sql\",\"jobs\"]}"
mk uncov    "uncoverable"                "{\"autoscope_state\":\"AUTOSCOPE_STATE_API_NOT_COVERED\",\"creation_time\":$((NOW - 25 * DAY)),\"inferred_scopes\":[\"sql\"]}"
mk narrowed ""                           "{\"autoscope_state\":\"AUTOSCOPE_STATE_COMPLETED\",\"creation_time\":$((NOW - 40 * DAY)),\"scopes\":[\"jobs\"],\"inferred_scopes\":[\"jobs\"]}"
mk history  ""                           "{\"autoscope_state\":\"AUTOSCOPE_STATE_BACKFILLED\",\"creation_time\":$((NOW - 400 * DAY)),\"scopes\":[\"sql\"],\"backfill_scopes\":[\"sql\"]}"
mk byhand   ""                           "{\"creation_time\":$((NOW - 40 * DAY)),\"scopes\":[\"files\"]}"
MINE="autoscope-soon will-narrow uncoverable"

# want_ids FLAG: the sorted ids expected to carry FLAG.
want_ids() {
	for n in "${NAMES[@]}"; do
		case ",${WANT[$n]}," in *",$1,"*) echo "${ID[$n]}" ;; esac
	done | sort | paste -sd' '
}
# only_mine FLAGS_JSON_ARRAY: the flags of this issue, comma-separated.
only_mine='[.[] | select(. == "autoscope-soon" or . == "will-narrow" or . == "uncoverable")] | join(",")'

# --- flag: filters, in list and audit -------------------------------------------
for f in $MINE; do
	run list --filter "flag:$f" -o json
	check_eq "list --filter flag:$f" "$(want_ids "$f")" "$(printf '%s' "$OUT" | jq -r '[.[].token_id] | sort | join(" ")')"
done

# --- audit: each token's flags, the summary, CSV and the table ------------------
run audit -o json
check_rc "audit -o json" 0
AJ=$OUT
for n in "${NAMES[@]}"; do
	check_eq "audit json: $n flags" "${WANT[$n]}" \
		"$(printf '%s' "$AJ" | jq -r --arg id "${ID[$n]}" ".tokens[] | select(.token_id == \$id) | .flags | $only_mine")"
done
for f in $MINE; do
	want=$(want_ids "$f" | wc -w)
	check_eq "audit summary by_flag $f = $want" "$want" "$(printf '%s' "$AJ" | jq --arg f "$f" '.summary.by_flag[$f]')"
done
run audit -o csv
check_match "audit csv: the soon token's flags" "^\"${ID[soon]}\",\"nightly jobs\",.*autoscope,autoscope-soon,will-narrow\",\"[^\"]*\",\"(true|false)\"\$" "$OUT"
check_match "audit csv: summaries on stderr name autoscope-soon" "^autoscope-soon +$(want_ids autoscope-soon | wc -w) +auto-scoping narrows it within 7 days" "$ERR"
run audit
check_match "audit table: the soon row" "^${ID[soon]:0:10} .*autoscope,autoscope-soon,will-narrow\$" "$OUT"
check_match "audit table: will-narrow summary" "^will-narrow +$(want_ids will-narrow | wc -w) +auto-scoping will take away access" "$OUT"
check_match "audit table: uncoverable summary" "^uncoverable +$(want_ids uncoverable | wc -w) +it used an API no scope covers" "$OUT"
run list --filter 'flag:autoscope-soon !flag:will-narrow' -o json
check_eq "filters combine: soon but keeps its access" "${ID[covered]}" "$(printf '%s' "$OUT" | jq -r '[.[].token_id] | join(" ")')"

# --- show: the state in words, the date, what it keeps ---------------------------
run show "${ID[soon]}"
check_rc "show the soon token" 0
check_match "show: state in words" '^autoscope state: +observing$' "$OUT"
check_match "show: enforcement date, estimated" '^enforcement: +in 5d \(2026-01-06 est\.\)$' "$OUT"
check_match "show: scopes after" '^scopes after: +jobs$' "$OUT"
check_match "show: scopes now" '^scopes: +\(full access\)$' "$OUT"
run show "${ID[later]}"
check_match "show: nothing inferred keeps nothing" '^scopes after: +\(nothing\)$' "$OUT"
run show "${ID[history]}"
check_match "show: from history" '^autoscope state: +from history$' "$OUT"
check_match "show: backfill scopes" '^backfill scopes: +sql$' "$OUT"
check_match "show: no date when nothing is pending" '^enforcement: +-$' "$OUT"
run show "${ID[uncov]}"
check_match "show: not coverable" '^autoscope state: +not coverable$' "$OUT"
check_match "show: an uncoverable token keeps full access" '^scopes after: +\(full access\)$' "$OUT"

# --- patrol scopes: the review queue, soonest enforcement first -------------------
run scopes -o json
check_rc "scopes -o json" 0
SJ=$OUT
REST=$(for n in uncov narrowed history byhand; do echo "${ID[$n]}"; done; tok_id "$ADMIN_TOKEN")
check_eq "scopes: soonest enforcement first, nothing pending after (by id)" \
	"${ID[covered]} ${ID[soon]} ${ID[edge]} ${ID[edge1]} ${ID[later]} $(printf '%s\n' $REST | sort | paste -sd' ')" \
	"$(printf '%s' "$SJ" | jq -r '[.[].token_id] | join(" ")')"
check_eq "scopes json: the soon token's autoscope" \
	"{\"state\":\"observing\",\"enforcement_time\":$((NOW + 5 * DAY)),\"will_narrow\":true,\"scopes_after\":[\"jobs\"]}" \
	"$(printf '%s' "$SJ" | jq -c --arg id "${ID[soon]}" '.[] | select(.token_id == $id) | .autoscope')"
check_eq "scopes json: keeps the API's fields" '[["jobs"],null]' \
	"$(printf '%s' "$SJ" | jq -c --arg id "${ID[soon]}" '.[] | select(.token_id == $id) | [.inferred_scopes, .scopes]')"
check_eq "scopes json: not coverable keeps full access (null), no date" \
	'{"state":"not coverable","enforcement_time":null,"will_narrow":false,"scopes_after":null}' \
	"$(printf '%s' "$SJ" | jq -c --arg id "${ID[uncov]}" '.[] | select(.token_id == $id) | .autoscope')"
check_eq "scopes json: nothing inferred keeps nothing ([])" '[]' \
	"$(printf '%s' "$SJ" | jq -c --arg id "${ID[later]}" '.[] | select(.token_id == $id) | .autoscope.scopes_after')"
run scopes
check_rc "scopes (table)" 0
check_match "scopes table: header" '^ID +COMMENT +LAST USED +SCOPES +INFERRED +BACKFILL +STATE +ENFORCED +AFTER$' "$(printf '%s\n' "$OUT" | head -n 1)"
check_match "scopes table: the covered token comes first" "^${ID[covered]:0:10} " "$(printf '%s\n' "$OUT" | sed -n 2p)"
check_match "scopes table: the soon row" \
	"^${ID[soon]:0:10} +nightly jobs +1h ago +\(full access\) +jobs +- +observing +in 5d \(2026-01-06 est\.\) +! jobs\$" "$OUT"
check_match "scopes table: from history" "^${ID[history]:0:10} .* sql +- +sql +from history +- +sql\$" "$OUT"
check_match "scopes table: the summary line" \
	"^10 tokens: 3 narrowed within 7 days, 4 lose access when narrowed" "$OUT"
run scopes -o csv
check_eq "scopes csv: header" \
	"token_id,owner,comment,last_used,scopes,inferred_scopes,backfill_scopes,state,autoscope_state,enforcement_est,scopes_after,will_narrow" \
	"$(printf '%s\n' "$OUT" | head -n 1)"
check_match "scopes csv: the soon row" \
	"^\"${ID[soon]}\",\"\",\"nightly jobs\",\"2025-12-31T23:00:00Z\",\"\(full access\)\",\"jobs\",\"\",\"observing\",\"AUTOSCOPE_STATE_RUNNING\",\"2026-01-06T00:00:00Z\",\"jobs\",\"yes\"\$" "$OUT"
run scopes --filter 'flag:will-narrow' -o json
check_eq "scopes --filter flag:will-narrow" "${ID[soon]} ${ID[edge]} ${ID[edge1]} ${ID[later]}" \
	"$(printf '%s' "$OUT" | jq -r '[.[].token_id] | join(" ")')"
run scopes --all
check_rc "scopes --all" 0
check_match "scopes --all has an OWNER column" '^ID +OWNER +COMMENT ' "$(printf '%s\n' "$OUT" | head -n 1)"
run scopes extra
check_rc "scopes takes no arguments" 2
run scopes --filter 'flag:nope'
check_rc "scopes: a bad filter is a usage error" 2

# --- the server's enforcement matches the estimate --------------------------------
# Five days and a minute later the server has narrowed "soon" (and "covered",
# 26 days old) to what they used; "edge" (enforced at 7 days) has not.
r=$(curl -s -X POST "$EMU_URL/emulator/clock" -d "{\"advance_ms\":$((5 * DAY + 60000))}")
check_eq "the emulator narrowed the two patrol dated first" \
	"$(printf '%s\n' "${ID[soon]}" "${ID[covered]}" | sort | paste -sd' ')" \
	"$(printf '%s' "$r" | jq -r '.narrowed | sort | join(" ")')"
export PATROL_NOW_MS=$((NOW + 5 * DAY + 60000))
run show "${ID[soon]}"
check_match "after enforcement: narrowed" '^autoscope state: +narrowed$' "$OUT"
check_match "after enforcement: the scopes patrol said" '^scopes: +jobs$' "$OUT"
run list --filter 'flag:autoscope-soon' -o json
check_eq "after enforcement: still soon are the two 23-day tokens" \
	"$(printf '%s\n' "${ID[edge]}" "${ID[edge1]}" | sort | paste -sd' ')" \
	"$(printf '%s' "$OUT" | jq -r '[.[].token_id] | sort | join(" ")')"

finish
