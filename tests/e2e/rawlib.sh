# tests/e2e/rawlib.sh: a hostile workspace for transport tests (rawws.py).
#
# Sourced after tests/e2e/lib.sh. raw_start runs rawws.py (a raw-socket
# server that speaks broken HTTP on purpose) in place of the emulator: the
# same EMU_PID bookkeeping, so emu_stop and the cleanup stop it too.

command -v python3 >/dev/null 2>&1 || { echo "missing tool: python3 (apt-get install python3)"; exit 99; }
RAWWS="${top_srcdir:-.}/tests/e2e/rawws.py"

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
