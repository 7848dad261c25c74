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
emu_start --now-ms $NOW

# tok JSON: a token of the admin's, never expiring, used an hour ago.
tok() {
	curl -s -X POST "$EMU_URL/emulator/tokens" -d "$(jq -nc --argjson n $NOW --argjson o "$1" \
		'{last_accessed_time:($n - 3600000), expiry_time:-1} + $o')" >/dev/null
}
R='"autoscope_state":"AUTOSCOPE_STATE_RUNNING"'
tok "{$R,\"comment\":\"soon jobs\",\"creation_time\":$((NOW - 25 * DAY)),\"inferred_scopes\":[\"jobs\"]}"
tok "{$R,\"comment\":\"later sql\",\"creation_time\":$((NOW - 10 * DAY)),\"scopes\":[\"sql\"],\"inferred_scopes\":[\"sql\",\"jobs\"]}"
tok "{\"autoscope_state\":\"AUTOSCOPE_STATE_API_NOT_COVERED\",\"comment\":\"odd api\",\"creation_time\":$((NOW - 40 * DAY))}"
tok "{\"comment\":\"by hand\",\"creation_time\":$((NOW - 40 * DAY)),\"scopes\":[\"files\"]}"

ui_shell 140 20
ui_start
check_screen "the table is up" "shown 5/5"
check_screen "FLAGS: autoscope-soon and will-narrow letters (n, w)" "soon jobs .* [A-Za-z@]*anw"
check_screen "FLAGS: uncoverable letter (c)" "odd api .* [A-Za-z@]*c[A-Za-z@]* "

keys S
check_screen "S opens the scopes view, sorted by enforcement" "ENFORCED▲ +STATE +COMMENT +NOW → AFTER +\\(5 shown, 1 lose access"
check_screen "the soonest first: in 5 days, observing, loses access" \
	"^in 5d \\(2026-01-06 est\\.\\) +observing +soon jobs +! \\(full access\\) → jobs"
check_screen "then in 20 days: keeps what it has" \
	"^in 20d \\(2026-01-21 est\\.\\) +observing +later sql +sql → sql,jobs"
check_screen "not coverable: no date, keeps full access" "^- +not coverable +odd api +\\(full access\\) → \\(full access\\)"
check_screen "set by hand" "^- +set by hand +by hand +files → files"
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
check_screen_not "the scopes view is gone" "ENFORCED"

keys :; tm send-keys -t t -l "scopes"; keys Enter
check_screen ":scopes opens it too" "NOW → AFTER"
keys Escape
check_screen "Esc goes back" "shown 5/5"

keys /; tm send-keys -t t -l "flag:will-narrow"; keys Enter
check_screen "filtered to will-narrow" "shown 1/5"
keys S
check_screen "the view follows the filter" "\\(1 shown, 1 lose access"
keys Escape Escape

keys '?'
check_screen "the help view" "HELP"
keys /; tm send-keys -t t -l "In the scopes view"; keys Enter
check_screen "help: the scopes view's keys" "In the scopes view \\(S or :scopes; Esc back\\)"
keys / C-u; tm send-keys -t t -l "autoscope-soon"; keys Enter
check_screen "help legend: autoscope-soon" "n +autoscope-soon +auto-scoping narrows it within 7 days"
keys q
keys q
ui_exited
check_eq "patrol exited cleanly" 0 "$UI_RC"

finish
