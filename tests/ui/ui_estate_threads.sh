#!/bin/bash
# UI end-to-end: one network thread serves every workspace on show (issue
# 11), and a workspace dropped mid-request leaves the others served. patrol
# -p w1 starts with w1's list held at its emulator (POST /emulator/hold);
# then P picks w2 and w3, whose lists are held too: w1's worker is stopped
# with its request on the wire while the two new ones wait on theirs. The
# thread count (/proc/PID/status) is the same as with one workspace; once
# released, both workspaces' rows show. Asserts on the screen, on the
# emulators' /emulator/stats and on /proc.
. "${top_srcdir:-.}/tests/e2e/lib.sh"
. "${top_srcdir:-.}/tests/ui/lib.sh"

[ -r /proc/self/status ] || { echo "no /proc: cannot count threads"; exit 77; }

emus_start 3 --generate 20:2
DATABRICKS_HOST= DATABRICKS_TOKEN=
for i in 1 2 3; do cfg_profile "w$i" "${EMU_URLS[$((i - 1))]}"; done | cfg_write

# held_at DESC URL: wait until the emulator at URL counted a list, then check it did.
held_at() {
	at "$2" wait_stats "$1" '.requests["GET /api/2.0/token/list"] // 0' 1
}
# threads: the thread count of the patrol in this test's pane.
threads() {
	local shell pid
	shell=$(tm display-message -p -t t '#{pane_pid}')
	pid=$(pgrep -P "$shell" -x patrol | head -n 1)
	[ -n "$pid" ] && sed -n 's/^Threads:[[:space:]]*//p' "/proc/$pid/status"
}

W1=${EMU_URLS[0]} W2=${EMU_URLS[1]} W3=${EMU_URLS[2]}
M2=$(mine_at "$W2") M3=$(mine_at "$W3")
for u in "$W1" "$W2" "$W3"; do at "$u" reset_stats; done

ui_shell 140 40
ui_forget
at "$W1" hold /api/2.0/token/list
ui_start -p w1
held_at "w1's list is on the wire" "$W1"
ONE=$(threads)
check_match "one workspace: a thread count" '^[0-9]+$' "$ONE"

at "$W2" hold /api/2.0/token/list
at "$W3" hold /api/2.0/token/list
keys P
check_screen "the profile list" "PROFILES in"
keys j Space Space
check_screen "w2 picked" "^\\+ w2 " 5
check_screen "w3 picked" "^\\+ w3 " 5
keys Enter
held_at "w2's list is on the wire" "$W2"
held_at "w3's list is on the wire" "$W3"
TWO=$(threads)
echo "# threads: $ONE with one workspace loading, $TWO with two (one dropped)"
check_eq "two workspaces loading, one dropped mid-request: as many threads as one" "$ONE" "$TWO"

at "$W2" release
at "$W3" release
at "$W1" release
check_screen "both workspaces' rows" "shown $((M2 + M3))/$((M2 + M3)) " 15
check_screen "with the WORKSPACE column" "^ +WORKSPACE +COMMENT"
check_eq "w2 was asked for its list once" 1 "$(lists_at "$W2")"
check_eq "w3 was asked for its list once" 1 "$(lists_at "$W3")"
check_eq "w1 was not asked again" 1 "$(lists_at "$W1")"
keys q
ui_exited && check_eq "q quits" 0 "$UI_RC"

finish
