#!/bin/bash
# make demo: start the workspace emulator with generated data and run patrol
# against it: a few commands, then (on a terminal) the interactive view, then
# a shell with the environment set so you can try any command; leaving it
# stops the emulator.
set -u
: "${top_builddir:=.}"
PATROL="$top_builddir/patrol"
EMULATOR="$top_builddir/patrol-emulator"
dir=$(mktemp -d "${TMPDIR:-/tmp}/patrol-demo.XXXXXX")
"$EMULATOR" --listen 127.0.0.1:0 --port-file "$dir/url" --generate 2000:12 --seed 42 \
	--user bob@example.com=dapi11111111111111111111111111111111 \
	--service-principal 6f1c3a3e-0d1b-4f5e-9a37-2f0d2e7c9b10 >/dev/null 2>"$dir/emu.err" &
emu=$!
trap 'kill $emu 2>/dev/null; wait $emu 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 100); do [ -s "$dir/url" ] && break; sleep 0.05; done
[ -s "$dir/url" ] || { echo "the emulator did not start:"; cat "$dir/emu.err"; exit 1; }
export DATABRICKS_HOST=$(cat "$dir/url")
export DATABRICKS_TOKEN=dapi00000000000000000000000000000000
export PATH="$(cd "$top_builddir" && pwd):$PATH"
export XDG_STATE_HOME="$dir/state"   # the demo's revocation journals go with it
unset DATABRICKS_CONFIG_PROFILE

demo() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }
demo patrol whoami
demo patrol quota
demo patrol list --sort expires --filter 'expires:<30d'
demo patrol quota --all
demo patrol audit --all
demo patrol list --all --filter 'flag:unused-90d flag:never-expires' --sort last-used
demo patrol revoke --all --filter 'flag:unused-90d flag:never-expires' --dry-run
if [ -t 0 ] && [ -t 1 ]; then
	printf '\nNow the interactive view (? for help, q to leave it). Press Enter.'
	read -r _
	patrol --all
	printf '\nThe emulator runs at %s as admin@example.com.\n' "$DATABRICKS_HOST"
	printf 'Try: patrol list --all --filter "scope:authentication", patrol create --comment demo,\n'
	printf '     patrol revoke --all --filter "flag:unused-90d flag:never-expires", patrol journal\n'
	printf 'Leave the shell (exit) to stop the emulator.\n'
	PS1='patrol-demo$ ' bash --norc -i
fi
