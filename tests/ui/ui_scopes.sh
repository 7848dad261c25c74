#!/bin/bash
# UI end-to-end: the scopes view (issue 10 §1). S and :scopes open
# auto-scoping's review queue over the rows the filter shows: the estimated
# enforcement date, the state in words, scopes now -> after with ! where
# access is lost; sorted soonest first, I inverts, < > sort by state (and
# owner in admin mode); Enter goes to the token in the table. The new flag
# letters are in the FLAGS column and the help's legend. The emulator's
# clock stands still (--now-ms) and patrol's is the same, so dates are fixed.
. "${top_srcdir:-.}/tests/e2e/lib.sh"
. "${top_srcdir:-.}/tests/ui/lib.sh"

DAY=86400000
NOW=1767225600000            # 2026-01-01T00:00:00Z
UI_ENV="PATROL_NOW_MS=$NOW XDG_STATE_HOME=$T/state"
export XDG_STATE_HOME="$T/state"
emu_start --now-ms $NOW

# tok JSON: a token of the admin's, never expiring, used an hour ago.
tok() {
	curl -s -X POST "$EMU_URL/emulator/tokens" -d "$(jq -nc --argjson n $NOW --argjson o "$1" \
		'{last_accessed_time:($n - 3600000), expiry_time:-1} + $o')" | jq -r .token_id
}
R='"autoscope_state":"AUTOSCOPE_STATE_RUNNING"'
SOON=$(tok "{$R,\"comment\":\"soon jobs\",\"creation_time\":$((NOW - 25 * DAY)),\"inferred_scopes\":[\"jobs\"]}")
tok >/dev/null "{$R,\"comment\":\"later sql\",\"creation_time\":$((NOW - 10 * DAY)),\"scopes\":[\"sql\"],\"inferred_scopes\":[\"sql\",\"jobs\"]}"
tok >/dev/null "{\"autoscope_state\":\"AUTOSCOPE_STATE_API_NOT_COVERED\",\"comment\":\"odd api\",\"creation_time\":$((NOW - 40 * DAY))}"
tok >/dev/null "{\"comment\":\"by hand\",\"creation_time\":$((NOW - 40 * DAY)),\"scopes\":[\"files\"]}"

ui_shell 140 20
ui_start
check_screen "the table is up" "shown 5/5"
check_screen "FLAGS: autoscope-soon and will-narrow letters (n, w)" "soon jobs .* [A-Za-z@]*anw"
check_screen "FLAGS: uncoverable letter (c)" "odd api .* [A-Za-z@]*c[A-Za-z@]* "

keys S
check_screen "S opens the scopes view, sorted by enforcement" "ENFORCED▲ +STATE +COMMENT +NOW → AFTER +\\(5 shown, 1 lose access"
check_screen "the soonest first: in 5 days, observing, loses access" \
	"^ +in 5d \\(2026-01-06 est\\.\\) +observing +soon jobs +! \\(full access\\) → jobs"
check_screen "then in 20 days: keeps what it has" \
	"^ +in 20d \\(2026-01-21 est\\.\\) +observing +later sql +sql → sql,jobs"
check_screen "not coverable: no date, keeps full access" "^ +- +not coverable +odd api +\\(full access\\) → \\(full access\\)"
check_screen "set by hand" "^ +- +set by hand +by hand +files → files"
FIRST=$(screen | grep -n 'soon jobs' | cut -d: -f1)
SECOND=$(screen | grep -n 'later sql' | cut -d: -f1)
if [ "$FIRST" -lt "$SECOND" ]; then ok "sooner above later"; else not_ok "sooner above later" "lines $FIRST and $SECOND"; fi

keys I
check_screen "I inverts the order" "ENFORCED▼"
wait_for "ENFORCED▼" 5
FIRST=$(screen | grep -n 'soon jobs' | cut -d: -f1)
SECOND=$(screen | grep -n 'later sql' | cut -d: -f1)
if [ "$FIRST" -gt "$SECOND" ]; then ok "inverted: later above sooner"; else not_ok "inverted" "lines $FIRST and $SECOND"; fi
keys I '>'
check_screen "> sorts by state" "ENFORCED +STATE▲"
check_screen_not "no OWNER column outside admin mode" "OWNER"

keys g Enter
check_screen "Enter goes back to the table" "shown 5/5"
check_gone "the scopes view is gone" "ENFORCED"

keys :; tm send-keys -t t -l "scopes"; keys Enter
check_screen ":scopes opens it too" "NOW → AFTER"
keys Escape
check_screen "Esc goes back" "shown 5/5"

keys /; tm send-keys -t t -l "flag:will-narrow"; keys Enter
check_screen "filtered to will-narrow" "shown 1/5"
keys S
check_screen "the view follows the filter" "\\(1 shown, 1 lose access"
keys Escape Escape

# --- p stages a pin, x pins it through the same session as revocations ------------
reset_stats
keys S
check_screen "the scopes view again" "NOW → AFTER"
keys '<'
check_screen "sorted by enforcement again" "ENFORCED▲"
keys g p
check_screen "p marks the token P" "^P +in 5d .*soon jobs"
check_screen "the status line counts it as staged" "staged 1"
keys x
check_screen "x shows the pin plan" "^PLAN: pin 1 token on"
check_screen "the plan says what it sets" "soon jobs .*→ jobs"
check_screen "the confirm" "Pin the scopes of 1 token\\?"
check_eq "nothing sent before the confirm" 0 "$(stats '.updates | length')"
keys Tab Enter
check_screen "pinned" "pinned 1 token: auto-scoping stops for them" 15
check_eq "one update of the planned token, scopes only" "[{\"token_id\":\"$SOON\",\"update_mask\":\"scopes\"}]" \
	"$(stats '.updates' | jq -c .)"
check_eq "the server: set by hand, jobs" '["AUTOSCOPE_STATE_USER_SELECTED",["jobs"]]' \
	"$(curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "$EMU_URL/api/2.0/token-management/tokens/$SOON" | jq -c '.token_info | [.autoscope_state, .scopes]')"
keys R
check_screen "R: the results in the kind's words" "^pinned: 1"
keys Escape
keys S
check_screen "after the reload the view shows it set by hand" "^ +- +set by hand +soon jobs +jobs → jobs"
keys Escape
run journal -o json
check_eq "the journal records a pin session" "pin finished" "$(printf '%s' "$OUT" | jq -r '.[0] | "\(.kind) \(.state)"')"

# A pin that would add authentication asks on its own; Esc pins nothing.
tok "{$R,\"comment\":\"minter\",\"creation_time\":$((NOW - 20 * DAY)),\"inferred_scopes\":[\"authentication\"]}" >/dev/null
keys r
check_screen "the new token is listed" "shown 6/6"
keys S
check_screen "it comes first now: in 10 days" "^ +in 10d .* minter "
keys g p x
check_screen "the confirm" "Pin the scopes of 1 token\\?"
keys Tab Enter
check_screen "then its own question" "Add authentication\\?"
keys Escape
check_screen "Esc: nothing pinned" "cancelled: nothing pinned"
check_eq "no update was sent for it" 1 "$(stats '.updates | length')"
keys Escape

keys '?'
check_screen "the help view" "HELP"
keys /; tm send-keys -t t -l "In the scopes view"; keys Enter
check_screen "help: the scopes view's keys" "In the scopes view \\(S or :scopes; Esc back\\)"
keys / C-u; tm send-keys -t t -l "autoscope-soon"; keys Enter
check_screen "help legend: autoscope-soon" "n +autoscope-soon +auto-scoping narrows it within 7 days"
keys q
keys q
check_screen "q asks: the minter is still staged for pinning" "1 staged pin will be discarded \\(not pinned\\)"
keys Tab Enter
ui_exited
check_eq "patrol exited cleanly" 0 "$UI_RC"

finish
