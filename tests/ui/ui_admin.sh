#!/bin/bash
# UI end-to-end: admin mode and profiles. As an admin, `a` switches to every
# token of the workspace (OWNER column, a per-owner gauge that follows the
# cursor, the :owners view with counts and Enter to filter); a non-admin gets
# a plain message and no token-management request; :settings shows and
# changes the max token lifetime behind a confirm (Cancel changes nothing);
# P lists the profiles of ~/.databrickscfg and switches, with patrol's own
# config making one of them read-only; a create on behalf of a service
# principal from the create dialog; `a` pressed before SCIM Me answered
# waits for it. Asserts on the screen and on what the emulator received
# (/emulator/stats).
. "${top_srcdir:-.}/tests/e2e/lib.sh"
. "${top_srcdir:-.}/tests/ui/lib.sh"

BOB=dapi11111111111111111111111111111111
APP=11111111-2222-3333-4444-555555555555
emu_start --generate 200:4 --seed 7 --max-lifetime-days 90 \
	--user bob@example.com=$BOB --service-principal $APP
EMU1=$EMU_URL
MINE=$(stats '.active_tokens["admin@example.com"]')
ALL=$("$PATROL" list --all -o json | jq length)

# re TEXT: TEXT as an extended regular expression that matches itself.
re() { printf '%s' "$1" | sed 's/[][\.*^$?+(){}|/]/\\&/g'; }
# mutating: requests the emulator got that change something.
mutating() { stats '[.requests | to_entries[] | select(.key | test("^(POST|PATCH|DELETE|PUT) ")) | .value] | add // 0'; }
# tm_requests: requests to the token-management API.
tm_requests() { stats '[.requests | to_entries[] | select(.key | test("token-management")) | .value] | add // 0'; }

# --- admin mode: every token, owners, the gauge per owner ----------------------
ui_shell 120 30
ui_start
check_screen "own tokens first" "shown $MINE/$MINE +tagged"
check_screen "the header says the user could use admin mode" "\\[admin\\]"
check_screen_not "no OWNER column outside admin mode" "OWNER"
reset_stats
keys a
check_screen "a: every token of the workspace" "shown $ALL/$ALL +tagged" 15
check_screen "the header shows the ADMIN badge" "admin@example\\.com +(READ-ONLY +)?ADMIN"
check_screen "OWNER and LAST USED columns" "LAST USED .*OWNER"
check_eq "one token-management list request" 1 "$(count 'GET /api/2.0/token-management/tokens')"
check_eq "and no Token API list" 0 "$(count 'GET /api/2.0/token/list')"

OWNERS=$("$PATROL" list --all -o json | jq -r '[.[].created_by_username] | unique | .[]')
FIRST=$(printf '%s\n' "$OWNERS" | head -n 1)
LAST=$(printf '%s\n' "$OWNERS" | tail -n 1)
keys :; tm send-keys -t t -l "sort owner"; keys Enter
check_screen "sorted by owner" "OWNER▲"
keys g
check_screen "the gauge names the selected row's owner with its count ($FIRST)" \
	"^$(re "$FIRST") \\[.*\\] $(stats ".active_tokens[\"$FIRST\"]")/600"
keys G
check_screen "the gauge follows the cursor ($LAST)" \
	"^$(re "$LAST") \\[.*\\] $(stats ".active_tokens[\"$LAST\"]")/600"

# --- :owners: one line per owner, counts as the emulator has them ---------------
keys :; tm send-keys -t t -l "owners"; keys Enter
check_screen ":owners view" "ACTIVE/600▼"
for o in $OWNERS; do
	n=$(stats ".active_tokens[\"$o\"]")
	check_screen ":owners: $o has $n/600" "^ *$(re "$o") +$n/600 \\["
done
TOP=$(stats '.active_tokens | to_entries | map(select(.value > 0)) | sort_by(-.value, .key) | .[0].key')
check_eq "most active owner first" "$TOP" "$(screen | sed -n 4p | awk '{print $1}')"
keys '>'
check_screen "> sorts by owner" "OWNER▲"
check_eq "sorted by name: $FIRST first" "$FIRST" "$(screen | sed -n 4p | awk '{print $1}')"
keys I
check_screen "I inverts" "OWNER▼"
check_eq "inverted: $LAST first" "$LAST" "$(screen | sed -n 4p | awk '{print $1}')"
keys I g Enter
N1=$(stats ".active_tokens[\"$FIRST\"]")
check_screen "Enter filters the table to that owner" "shown $N1/$ALL +tagged"
check_screen "with owner:NAME" "/owner:$(re "$FIRST")"
keys Escape
check_screen "Esc clears the filter" "shown $ALL/$ALL +tagged"

# --- back to own tokens; staged revocations do not follow a switch, after asking --
keys g d
check_screen "one staged in admin mode" "staged 1"
reset_stats
keys a
check_screen "a with a staged revocation asks first" "Leave admin mode\\?"
check_screen "and says what would be lost" "1 staged revocation will be discarded\\."
keys Escape
check_screen "Esc: still in admin mode" "cancelled: still in admin mode, the staged revocations kept"
check_screen "the staged one kept" "staged 1"
check_screen "the ADMIN badge still there" " ADMIN"
keys a
check_screen "asked again" "Leave admin mode\\?"
keys Enter
check_screen "Enter is Cancel" "cancelled: still in admin mode"
check_eq "nothing was fetched while it asked" 0 "$(stats .total)"
keys a
check_screen "asked a third time" "Leave admin mode\\?"
keys Tab Enter
check_screen "a again: own tokens" "shown $MINE/$MINE +tagged" 15
check_screen "the switch cleared the staged revocation and said so" "1 staged revocation cleared"
check_screen "staged 0 after the switch" "staged 0"
check_screen_not "no ADMIN badge" " ADMIN"
# a staged pin does not follow a switch either: asked about as well
keys g p
check_screen "one staged for pinning" "staged 1"
keys a
check_screen "a with a staged pin asks first" "Switch to admin mode\\?"
check_screen "and says it is a pin" "1 staged pin will be discarded\\."
keys Escape
check_screen "Esc: the pin kept" "cancelled: still your own tokens, the staged pins kept"
check_screen "still staged" "staged 1"
keys u
check_screen "unstaged" "staged 0"
keys q
ui_exited 10
check_eq "quit" 0 "$UI_RC"

# --- --all at start: waits for SCIM Me, then lists through token management -------
reset_stats
ui_start --all
check_screen "--all: every token" "shown $ALL/$ALL +tagged" 15
check_eq "--all: Me first, then one token-management list" "1 1 0" \
	"$(count 'GET /api/2.0/preview/scim/v2/Me') $(count 'GET /api/2.0/token-management/tokens') $(count 'GET /api/2.0/token/list')"
keys q
ui_exited 10

# --- a non-admin: a plain message and no token-management request ---------------
BOBS=$(stats '.active_tokens["bob@example.com"]')
UI_ENV="DATABRICKS_TOKEN=$BOB" ui_shell 120 30
reset_stats
ui_start
check_screen "bob sees his own tokens" "shown $BOBS/$BOBS +tagged"
keys a
check_screen "a: admin rights needed, in plain words" \
	"admin mode needs workspace admin rights \\(bob@example\\.com is not in admins\\)"
keys :; tm send-keys -t t -l "owners"; keys Enter
check_screen ":owners needs admin mode" "owners view needs admin mode"
keys W
check_screen "bob can read the workspace settings" "Max token lifetime +90 days"
keys e
check_screen "but not change them (said in words, not an internal name)" "changing a setting needs workspace admin rights"
check_screen_not "no dialog opened" "Days"
keys q
check_eq "no token-management request was sent" 0 "$(tm_requests)"
check_eq "nothing mutating was sent" 0 "$(mutating)"
keys q
ui_exited 10
reset_stats
ui_start --all
check_screen "--all as a non-admin: own tokens" "shown $BOBS/$BOBS +tagged" 15
check_screen "and the plain message" "admin mode needs workspace admin rights"
check_eq "--all as a non-admin: no token-management request" 0 "$(tm_requests)"
keys q
ui_exited 10

# --- :settings: read, change the max lifetime with a confirm, Cancel ----------------
ui_shell 120 30
ui_start
check_screen "drawn" "shown $MINE/$MINE +tagged"
keys :; tm send-keys -t t -l "settings"; keys Enter
check_screen ":settings shows the max lifetime" "Max token lifetime +90 days"
check_screen ":settings shows whether tokens are on" "Tokens enabled +true"
reset_stats
keys e
check_screen "e opens the input" "Days"
keys C-u; tm send-keys -t t -l "999"; keys Enter
check_screen "a bad value is refused inside the dialog" "a whole number of days from 1 to 730"
keys C-u; tm send-keys -t t -l "30"; keys Enter
check_screen "the confirm names the change" "Set max token lifetime to 30 days\\?"
check_screen "and what it does not change" "Existing tokens are not changed"
keys Enter
check_screen "Cancel (the focus) changes nothing" "cancelled: the setting is unchanged"
check_eq "Cancel sent no PATCH" 0 "$(count 'PATCH /api/2.0/workspace-conf')"
conf() { curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "$EMU1/api/2.0/workspace-conf?keys=maxTokenLifetimeDays" | jq -r .maxTokenLifetimeDays; }
check_eq "the emulator still has 90" 90 "$(conf)"
keys e
keys C-u; tm send-keys -t t -l "30"; keys Enter
check_screen "confirm again" "Set max token lifetime to 30 days\\?"
keys Tab Enter
check_screen "OK: changed" "max token lifetime set to 30 days"
check_eq "one PATCH sent" 1 "$(count 'PATCH /api/2.0/workspace-conf')"
check_eq "the emulator has 30 now" 30 "$(conf)"
check_screen "the view shows the value read back" "Max token lifetime +30 days"
keys Escape
keys q
ui_exited 10

# --- create on behalf of a service principal, from the create dialog ------------------
ui_start
check_screen "drawn" "shown $MINE/$MINE +tagged"
check_screen "admin rights known" "\\[admin\\]"
reset_stats
keys c
check_screen "the create dialog has the on-behalf-of field for admins" "On behalf of"
tm send-keys -t t -l "etl robot"
keys Tab Tab Tab Tab Tab Tab
tm send-keys -t t -l "$APP"
keys Enter
check_screen "the secret is shown" "Copy this token now"
check_eq "one on-behalf-of create reached the emulator" 1 "$(count 'POST /api/2.0/token-management/on-behalf-of/tokens')"
check_eq "and no own-token create" 0 "$(count 'POST /api/2.0/token/create')"
keys Enter d     # close, and discard the secret when asked
wait_gone "Copy this token now" 5
keys q
ui_exited 10

# --- profiles: P lists them, Enter switches; patrol's config makes one read-only ------
emu_start --generate 30:1 --seed 9
EMU2=$EMU_URL
EMU_URL=$EMU1
N2=$(curl -s "$EMU2/emulator/stats" | jq '.active_tokens["admin@example.com"]')
cat >"$HOME/.databrickscfg" <<EOF
[__settings__]
default_profile = alpha

[alpha]
host = $EMU1
token = $ADMIN_TOKEN

[beta]
host = $EMU2
token = $ADMIN_TOKEN
EOF
chmod 600 "$HOME/.databrickscfg"
mkdir -p "$T/xdg/patrol"
printf '[defaults]\njobs = 4\n\n[profile beta]\nread-only = true\n' >"$T/xdg/patrol/config"
chmod 600 "$T/xdg/patrol/config"
UI_ENV="DATABRICKS_HOST= DATABRICKS_TOKEN= XDG_CONFIG_HOME=$T/xdg" ui_shell 120 30
ui_start -p alpha
check_screen "alpha: its host in the header" "alpha .*$(re "${EMU1#http://}")"
check_screen "alpha's data" "shown $MINE/$MINE +tagged"
check_screen_not "alpha is not read-only" "READ-ONLY"
keys P
check_screen "P lists the profiles" "PROFILES in .*databrickscfg"
check_screen "the current one marked" "^\\* alpha +$(re "$EMU1")"
check_screen "beta listed" "^  beta +$(re "$EMU2")"
check_screen_not "__settings__ is not a profile" "__settings__"
keys j Enter
check_screen "Enter switches: beta's host in the header" "beta .*$(re "${EMU2#http://}")"
check_screen "beta's data" "shown $N2/$N2 +tagged"
check_screen "beta is read-only in patrol's config: the badge" "READ-ONLY"
curl -s -X POST "$EMU2/emulator/reset-stats" >/dev/null
keys d
check_screen "d refused with the read-only message" "read-only: staging is refused \\(profile beta is read-only"
keys c
check_screen "c refused" "read-only: creating a token is refused"
check_screen_not "c opens no dialog" "New token"
keys x
check_eq "beta got nothing mutating" 0 "$(EMU_URL=$EMU2 mutating)"
keys :; tm send-keys -t t -l "profile alpha"; keys Enter
check_screen ":profile alpha switches back" "alpha .*$(re "${EMU1#http://}")"
check_screen "alpha's data again" "shown $MINE/$MINE +tagged"
check_screen_not "and alpha is writable again" "READ-ONLY"
keys d
check_screen "d stages on alpha" "staged 1"
keys u
check_screen "unstaged" "staged 0"
keys q
ui_exited 10
check_eq "quit after switching profiles" 0 "$UI_RC"

# --- a before SCIM Me answered: it waits for the answer, then switches ---------------
emu_start --generate 40:2 --seed 4 --latency-ms 5000 --fault-path /preview/scim/v2/Me
M3=$(stats '.active_tokens["admin@example.com"]')
ALL3=$(stats '[.active_tokens[]] | add')
ui_shell 120 30
ui_start
check_screen "own tokens listed while Me is slow" "shown $M3/$M3 +tagged"
keys a
check_screen "a says it is checking admin rights" "checking admin rights"
check_screen "then switches once Me says admin" "shown $ALL3/$ALL3 +tagged" 20
check_screen "ADMIN badge" "admin@example\\.com +ADMIN"
check_eq "one token-management list, sent after Me" 1 "$(count 'GET /api/2.0/token-management/tokens')"
check_eq "Me asked once" 1 "$(count 'GET /api/2.0/preview/scim/v2/Me')"
keys q
ui_exited 10

finish
