#!/bin/bash
# UI end-to-end: the 90-day clock in the view. The AUTO-REVOKE column says
# when Databricks revokes each token for disuse (an estimate for one never
# used), once asked for (:columns, or columns = in patrol's config: it is
# not among the defaults); :sort auto-revoke puts what disappears next on
# top; the FLAGS column marks revoke-soon with r. Both clocks stand still
# at a UTC midnight.
. "${top_srcdir:-.}/tests/e2e/lib.sh"
. "${top_srcdir:-.}/tests/ui/lib.sh"

DAY=86400000
NOW=1760054400000
export PATROL_NOW_MS=$NOW
UI_ENV="PATROL_NOW_MS=$NOW"
emu_start --now-ms $NOW
tok() { curl -s -X POST "$EMU_URL/emulator/tokens" -d "$1" | jq -r '.token_id // empty'; }
for spec in "used80 $((NOW - 80 * DAY))" "used30 $((NOW - 30 * DAY))"; do
	set -- $spec
	[ -n "$(tok "{\"comment\":\"$1\",\"creation_time\":$((NOW - 200 * DAY)),\"expiry_time\":$((NOW + 300 * DAY)),\"scopes\":[\"sql\"],\"last_accessed_time\":$2}")" ] || exit 99
done
[ -n "$(tok "{\"comment\":\"never85\",\"creation_time\":$((NOW - 85 * DAY)),\"expiry_time\":$((NOW + 300 * DAY)),\"scopes\":[\"sql\"]}")" ] || exit 99

ui_shell 200 30
ui_start
check_screen "drawn" "used80"
check_screen_not "AUTO-REVOKE is not a default column" "AUTO-REVOKE"
check_screen "but revoke-soon is in the FLAGS column" "used80 .* [a-zA-Z@]*r[a-zA-Z@]* "
keys :; type_line "columns comment,created,expires,flags,last-used,scopes,id,auto-revoke"
check_screen "the AUTO-REVOKE column, last" "SCOPES +ID +AUTO-REVOKE *$"
check_screen "used 80 days ago: in 10 days, flagged r" "used80 .* [a-zA-Z@]*r[a-zA-Z@]* .* in 10d *$"
check_screen "used 30 days ago: in 60 days" "used30 .* in 60d *$"
check_screen "never used, created 85 days ago: an estimate" "never85 .* in 5d \(est\.\) *$"
keys :; type_line "sort auto-revoke"
check_screen "sorted by it" "AUTO-REVOKE▲"
check_screen "what disappears next is on top" "$(printf '^ +never85 ')"
# the first row of the table is the line after the titles
check_eq "  never85 first, then used80" "never85 used80" \
	"$(screen | sed -n '4,5p' | awk '{print $1}' | paste -sd' ')"
keys /; type_line "flag:revoke-soon"
check_screen "flag:revoke-soon keeps the two within 14 days" "^ +used80 "
check_screen_not "  and hides the others" "used30|patrol emulator admin token"
keys q
ui_exited 10
check_eq "quit" 0 "$UI_RC"

finish
