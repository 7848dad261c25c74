#!/bin/bash
# One vocabulary: the same fact reads the same in the view, the CLI table,
# `show` and CSV (JSON keeps the API's values): "never" for a token never
# used, "(full access)" for one with no scopes, scope lists as "sql,jobs",
# a last use known to the day as a day ("today", "3d ago", never "18h
# ago"), a 30-day token made now "in 30d"; singular counts; the plan screen
# titled PLAN; --help says --timeout DURATION.
. "${top_srcdir:-.}/tests/e2e/lib.sh"
. "${top_srcdir:-.}/tests/ui/lib.sh"

NOW=1790000000000
DAY=86400000
HOUR=3600000
TODAY=$((NOW - NOW % DAY))
emu_start --now-ms "$NOW"
export PATROL_NOW_MS=$NOW
UI_ENV="PATROL_NOW_MS=$NOW"

tok() { curl -s -X POST "$EMU_URL/emulator/tokens" -d "$1" | jq -r .token_id; }
C=$((NOW - 40 * DAY))
A=$(tok '{"comment":"words scoped","creation_time":'$C',"expiry_time":'$((NOW + 90 * DAY))',"last_used_day":'$((TODAY - 3 * DAY))',"scopes":["sql","jobs"]}')
B=$(tok '{"comment":"words unscoped","creation_time":'$C',"expiry_time":'$((NOW + 90 * DAY))',"scopes":[]}')
M=$(tok '{"comment":"words thirty","creation_time":'$((NOW - 2000))',"expiry_time":'$((NOW - 2000 + 30 * DAY))',"scopes":["sql"]}')
H=$(tok '{"comment":"words hours","creation_time":'$C',"expiry_time":'$((NOW + 90 * DAY))',"last_accessed_time":'$((NOW - 18 * HOUR))',"scopes":["sql"]}')

# --- the CLI ----------------------------------------------------------------------
run list --all
check_match "list: a scope list" "^${A:0:10} .* 3d ago +sql,jobs " "$OUT"
check_match "list: no scopes and never used" "^${B:0:10} .* never +\\(full access\\) " "$OUT"
check_match "list: a 30-day token made now" "^${M:0:10} .* in 30d \\(" "$OUT"
check_match "list --all: a use known to the day is a day" "^${H:0:10} .* (today|1d ago) " "$OUT"
check_nomatch "list --all: no hours for a day" "^${H:0:10} .* 18h ago" "$OUT"
run show --all "${A:0:10}"
check_match "show: the same scope list" "^scopes: +sql,jobs$" "$OUT"
check_match "show: the day of the last use" "^last used: +[0-9-]{10} +\\(UTC day, 3d ago\\)$" "$OUT"
run show "${B:0:10}"
check_match "show: no scopes in the same words" "^scopes: +\\(full access\\)$" "$OUT"
check_match "show: never used in the same word" "^last used: +never$" "$OUT"
run list --all -o csv
check_match "CSV: the same words" "^\"$B\",\"words unscoped\",\"[^\"]*\",\"[^\"]*\",\"never\",\"\\(full access\\)\"," "$OUT"
run --help
check_match "--help: --timeout takes a DURATION, as the man page says" "--timeout DURATION" "$OUT"
check_match "the man page agrees" 'timeout " DURATION' "$(cat "${top_srcdir:-.}/man/patrol.1")"

# --- the view ---------------------------------------------------------------------
ui_shell 160 30
ui_start --all
check_screen "view: drawn" "words scoped"
check_screen "view: the scope list" "words scoped .* 3d ago +sql,jobs "
check_screen "view: no scopes and never used" "words unscoped .* never +\\(full access\\) "
check_screen "view: in 30d" "words thirty .* in 30d "
check_screen "view: a day, not hours, in admin mode" "words hours .* (today|1d ago) "
check_screen_not "view: no 18h ago" "words hours .* 18h ago"
keys /; tm send-keys -t t -l "id:${A:0:12}"; keys Enter
wait_for "/id:" 5 >/dev/null
keys Enter
check_screen "detail: the scope list" "^Scopes: +sql,jobs$"
check_screen "detail: the day of the last use" "^Last used: +[0-9-]{10} UTC, the day only \\(3d ago\\)$"
keys Escape
keys d x
check_screen "the plan screen is titled PLAN" "^PLAN  \\(j/k scroll"
check_screen "a single token, in the singular" "Revoke 1 token\\?"
keys Escape
keys u q
ui_exited 10
emu_stop

# a workspace with one token: "1 token"
emu_start
ui_forget
ui_shell 100 20
ui_start
check_screen "one token, not 1 tokens" "^1 token "
keys q
ui_exited 10

finish
