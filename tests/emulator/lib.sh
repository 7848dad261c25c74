# tests/emulator/lib.sh: what the contract tests of patrol-emulator share.
#
# A test sources this file, starts emulators in a private directory ($T,
# each with --port-file) with start, drives them with curl (req, is) and
# checks answers and /emulator/stats with jq (check). Output is TAP-like:
# "ok N - ..." or "not ok N - ..."; the test ends with finish, which prints
# the plan and exits 1 if any check failed. The emulators started are
# always stopped on exit.
set -u

EMU=${EMULATOR:-./patrol-emulator}
ADMIN=dapi00000000000000000000000000000000
ALICE=dapi11111111111111111111111111111111
BOB=dapi22222222222222222222222222222222
NOW=1760000000000

T=$(mktemp -d) || exit 1
PIDS=()
N=0
FAILED=0

cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap "exit 1" INT TERM HUP

for tool in curl jq sha256sum; do
	command -v "$tool" >/dev/null || { echo "1..0 # SKIP $tool missing"; exit 77; }
done
[ -x "$EMU" ] || { echo "not ok 1 - emulator binary $EMU missing"; exit 1; }

# check DESCRIPTION COMMAND...: run the command, report ok / not ok.
check() {
	local desc=$1
	shift
	N=$((N + 1))
	if "$@"; then
		echo "ok $N - $desc"
	else
		echo "not ok $N - $desc"
		FAILED=1
	fi
}

# start NAME ARGS...: start an emulator, wait for its port file, set U.
start() {
	local name=$1 i
	shift
	"$EMU" --port-file "$T/$name.url" "$@" >"$T/$name.out" 2>"$T/$name.err" &
	PIDS+=($!)
	LAST_PID=$!
	for i in $(seq 200); do
		[ -s "$T/$name.url" ] && break
		sleep 0.02
	done
	U=$(cat "$T/$name.url" 2>/dev/null)
}

# req METHOD PATH TOKEN [DATA]: body in $T/body, headers in $T/hdr; prints status.
req() {
	local m=$1 p=$2 tok=$3 args=()
	[ -n "$tok" ] && args+=(-H "Authorization: Bearer $tok")
	[ $# -ge 4 ] && args+=(-H "Content-Type: application/json" --data-binary "$4")
	curl -s -o "$T/body" -D "$T/hdr" -w '%{http_code}' -X "$m" "${args[@]}" "$U$p"
}

# is STATUS METHOD PATH TOKEN [DATA] [JQ]: status matches and jq -e holds.
is() {
	local want=$1 got
	shift
	local jqexpr=${6:-true}
	got=$(req "$@" | tail -c 3)
	[ "$got" = "$want" ] || { echo "# $2 $3: status $got, want $want: $(head -c 300 "$T/body")"; return 1; }
	[ $# -ge 5 ] || jqexpr=true
	jq -e "$jqexpr" "$T/body" >/dev/null 2>&1 || { echo "# $2 $3: jq '$jqexpr' failed on: $(head -c 300 "$T/body")"; return 1; }
}

jqf() { jq -e "$1" "$2" >/dev/null 2>&1 || { echo "# jq '$1' failed on: $(head -c 300 "$2")"; return 1; }; }
jqb() { jq -e "$1" "$T/body" >/dev/null 2>&1 || { echo "# jq '$1' failed on: $(head -c 300 "$T/body")"; return 1; }; }
hdr() { grep -qi "^$1" "$T/hdr"; }
sha() { printf %s "$1" | sha256sum | cut -d' ' -f1; }
stats() { curl -s "$U/emulator/stats" >"$T/body"; jqb "$1"; }
eq() { [ "$1" = "$2" ] || { echo "# '$1' != '$2'"; return 1; }; }

# finish: print the plan and exit with the verdict.
finish() {
	echo "1..$N"
	exit $FAILED
}
