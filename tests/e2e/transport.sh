#!/bin/bash
# End-to-end: HTTP that lies, from a raw-socket server (rawws.py). A server
# message with newlines is one line on stderr.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

command -v python3 >/dev/null 2>&1 || { echo "missing tool: python3 (apt-get install python3)"; exit 99; }
export XDG_STATE_HOME="$T/state"
RAWWS="${top_srcdir:-.}/tests/e2e/rawws.py"
ID0=$(printf '%064x' $((0xA11CE0000)))

# raw_start ARGS...: start rawws.py; sets DATABRICKS_HOST and RAWLOG.
raw_start() {
	local pf="$T/raw.$RANDOM$RANDOM" i=0
	RAWLOG="$pf.log"
	: >"$RAWLOG"
	python3 "$RAWWS" --port-file "$pf" --log "$RAWLOG" "$@" 2>"$T/raw.err" &
	EMU_PID=$!
	EMU_PIDS="$EMU_PIDS $EMU_PID"
	while [ ! -s "$pf" ] && [ $i -lt 200 ]; do
		kill -0 "$EMU_PID" 2>/dev/null || { echo "rawws died:"; cat "$T/raw.err"; exit 99; }
		sleep 0.05; i=$((i + 1))
	done
	[ -s "$pf" ] || { echo "rawws did not start"; exit 99; }
	export DATABRICKS_HOST=$(head -n 1 "$pf")
	export DATABRICKS_TOKEN="$ADMIN_TOKEN"
}

# reused_after K: requests sent on the connection of the K-th request after it.
reused_after() {
	awk -v k="$1" 'NR == k { c = $1; next } NR > k && $1 == c { n++ } END { print n + 0 }' "$RAWLOG"
}

# maxrss_kb CMD...: run CMD (output to $T/out, $T/err), print its peak RSS in kB.
maxrss_kb() {
	python3 -c 'import resource, subprocess, sys
with open(sys.argv[1], "w") as o, open(sys.argv[2], "w") as e:
    subprocess.run(sys.argv[3:], stdout=o, stderr=e, stdin=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$T/out" "$T/err" "$@"
}

# --- a server message with newlines is one line ----------------------------------------------
raw_start --list-status 400 --message 'bad state\npatrol: FAKE injected line'
run list
check_rc "error_one_line: the 400 is reported" 1
check_eq "error_one_line: stderr is one line" 1 "$(printf '%s\n' "$ERR" | wc -l)"
check_nomatch "error_one_line: no injected line" '^patrol: FAKE' "$ERR"
check_match "error_one_line: the newline is shown as \\n" 'bad state\\npatrol: FAKE' "$ERR"
emu_stop

finish
