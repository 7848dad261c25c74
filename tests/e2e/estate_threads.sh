#!/bin/bash
# End-to-end: one network thread serves every workspace of a run (issue 11).
# Five workspaces are listed at once while each emulator holds its list
# request (POST /emulator/hold), so patrol is mid-run with a transfer open
# to every workspace; then the thread count of the process (/proc/PID/status)
# must be the one a run over a single workspace has, not one more per
# workspace. Released, the run finishes with every workspace's rows.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

[ -r /proc/self/status ] || { echo "no /proc: cannot count threads"; exit 77; }

N=5
LIST="GET /api/2.0/token/list"
emus_start $N --generate 12:3
unset DATABRICKS_HOST DATABRICKS_TOKEN
for i in $(seq $N); do cfg_profile "w$i" "${EMU_URLS[$((i - 1))]}"; done | cfg_write

# threads_mid_run K: list workspaces w1..wK while each holds its list
# request; THREADS is patrol's thread count then, RC and OUT its result.
threads_mid_run() {
	local k=$1 i u pid args=() held=0
	for i in $(seq 0 $((k - 1))); do
		at "${EMU_URLS[$i]}" reset_stats
		at "${EMU_URLS[$i]}" hold /api/2.0/token/list
		args+=(-p "w$((i + 1))")
	done
	"$PATROL" list "${args[@]}" -o json >"$T/out" 2>"$T/err" </dev/null &
	pid=$!
	for u in "${EMU_URLS[@]:0:k}"; do
		at "$u" await stats_is ".requests[\"$LIST\"] // 0" 1 && held=$((held + 1))
	done
	check_eq "$k workspace(s): every list request is on the wire" "$k" "$held"
	THREADS=$(sed -n 's/^Threads:[[:space:]]*//p' "/proc/$pid/status")
	for u in "${EMU_URLS[@]:0:k}"; do
		at "$u" release
	done
	wait "$pid"
	RC=$?
	OUT=$(cat "$T/out")
}

threads_mid_run 1
ONE=$THREADS
check_rc "one workspace: listed" 0
check_match "one workspace: a thread count" '^[0-9]+$' "$ONE"

threads_mid_run $N
echo "# threads mid-run: $ONE over one workspace, $THREADS over $N"
check_eq "$N workspaces mid-run: as many threads as over one" "$ONE" "$THREADS"
check_rc "$N workspaces: listed" 0
check_eq "$N workspaces: every workspace's rows" "w1 w2 w3 w4 w5" \
	"$(printf '%s' "$OUT" | jq -r '[.[].workspace] | unique | join(" ")')"
for i in $(seq 0 $((N - 1))); do
	check_eq "workspace w$((i + 1)): its list asked once" 1 "$(at "${EMU_URLS[$i]}" count "$LIST")"
done

finish
