# tests/e2e/lib.sh: shared helpers for the end-to-end tests.
#
# Each test script sources this file, starts one or more emulators with
# emu_start, runs the real patrol binary with run, and checks exit codes,
# output and what the emulator received (/emulator/stats). Everything runs
# in a private temporary HOME with no DATABRICKS_* variables from outside.
# Output is TAP-like ("ok N - ...", "not ok N - ..."); the script exits 1
# when any check failed.

set -u

: "${PATROL:=${top_builddir:-.}/patrol}"
: "${EMULATOR:=${top_builddir:-.}/patrol-emulator}"
ADMIN_TOKEN=dapi00000000000000000000000000000000
export LC_ALL=C.UTF-8

for tool in jq curl sha256sum; do
	command -v "$tool" >/dev/null 2>&1 || { echo "missing tool: $tool (apt-get install $tool)"; exit 99; }
done
[ -x "$PATROL" ] || { echo "patrol binary not found at $PATROL"; exit 99; }
[ -x "$EMULATOR" ] || { echo "emulator not found at $EMULATOR"; exit 99; }

T=$(mktemp -d "${TMPDIR:-/tmp}/patrol-e2e.XXXXXX")
EMU_PIDS=""
CHECKS=0
FAILED=0

cleanup() {
	for pid in $EMU_PIDS; do kill "$pid" 2>/dev/null; done
	for pid in $EMU_PIDS; do wait "$pid" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT

# A clean environment: private HOME, no Databricks variables from outside.
for v in $(env | sed -n 's/^\(DATABRICKS_[A-Z_]*\)=.*/\1/p'); do unset "$v"; done
unset NO_COLOR SSL_CERT_FILE REQUESTS_CA_BUNDLE CURL_CA_BUNDLE SSL_CERT_DIR PATROL_MAX_RESPONSE_BYTES
unset https_proxy HTTPS_PROXY http_proxy HTTP_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY
unset ARM_CLIENT_ID ARM_CLIENT_SECRET ARM_TENANT_ID ARM_ENVIRONMENT PATROL_AZURE_LOGIN_URL
export HOME="$T/home"
mkdir -p "$HOME"

# emu_start [emulator args...]: start an emulator; sets EMU_URL and EMU_PID.
emu_start() {
	local pf="$T/port.$RANDOM$RANDOM"
	"$EMULATOR" --listen 127.0.0.1:0 --port-file "$pf" "$@" >"$T/emu.out" 2>"$T/emu.err" &
	EMU_PID=$!
	EMU_PIDS="$EMU_PIDS $EMU_PID"
	local i=0
	while [ ! -s "$pf" ] && [ $i -lt 200 ]; do
		kill -0 "$EMU_PID" 2>/dev/null || { echo "emulator died:"; cat "$T/emu.err"; exit 99; }
		sleep 0.05; i=$((i + 1))
	done
	[ -s "$pf" ] || { echo "emulator did not start"; exit 99; }
	EMU_URL=$(head -n 1 "$pf")
	export DATABRICKS_HOST="$EMU_URL"
	export DATABRICKS_TOKEN="$ADMIN_TOKEN"
}

# emus_start N [emulator args...]: start N emulators alike (several
# workspaces), each with --seed I (1..N) after the arguments, so their
# generated tokens differ as real workspaces' do; their URLs in
# EMU_URLS[0..N-1]. EMU_URL and EMU_PID are the last one's.
emus_start() {
	local n=$1 i
	shift
	EMU_URLS=()
	for i in $(seq "$n"); do
		emu_start "$@" --seed "$i"
		EMU_URLS+=("$EMU_URL")
	done
}

# stats_at URL JQ_FILTER: query /emulator/stats of the emulator at URL.
stats_at() {
	curl -s "$1/emulator/stats" | jq -r "$2"
}

# emu_stop: stop the last emulator started.
emu_stop() {
	kill "$EMU_PID" 2>/dev/null
	wait "$EMU_PID" 2>/dev/null
}

# stats JQ_FILTER: query /emulator/stats of the current emulator.
stats() {
	curl -s "$EMU_URL/emulator/stats" | jq -r "$1"
}

# count "METHOD /path": requests the emulator received for it (0 if none).
count() {
	stats ".requests[\"$1\"] // 0"
}

# revoked_once FILE: how many ids of FILE the emulator saw revoked exactly once.
revoked_once() {
	curl -s "$EMU_URL/emulator/stats" |
		jq --rawfile ids "$1" '[$ids | split("\n")[] | select(length > 0)] as $w |
			[.revokes[$w[]] // 0] | map(select(. == 1)) | length'
}

# ids N: the first N token ids of generated users (never the admin's own).
ids() {
	curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "$EMU_URL/api/2.0/token-management/tokens" |
		jq -r '.token_infos[] | select(.created_by_username != "admin@example.com") | .token_id' |
		sort | head -n "$1"
}

# still_there FILE: how many ids of FILE are still in the workspace.
still_there() {
	curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "$EMU_URL/api/2.0/token-management/tokens" |
		jq --rawfile ids "$1" '[$ids | split("\n")[] | select(length > 0)] as $w |
			[.token_infos[].token_id | select(. as $i | $w | index($i))] | length'
}

# quiesce: wait until the emulator has answered everything it received.
quiesce() {
	local a b i=0
	a=$(stats .total)
	while [ $i -lt 100 ]; do
		sleep 0.3
		b=$(stats .total)
		[ "$a" = "$b" ] && return 0
		a=$b
		i=$((i + 1))
	done
}

reset_stats() {
	curl -s -X POST "$EMU_URL/emulator/reset-stats" >/dev/null
}

# at URL CMD ARGS...: run the helper CMD against the emulator at URL (several
# workspaces: `at "$u" count "GET /api/2.0/token/list"`, `at "$u" hold PATH`).
at() {
	local EMU_URL=$1
	shift
	"$@"
}

# stats_sum JQ URL...: the sum over the emulators at URL... of what JQ
# (a number) reads out of their /emulator/stats.
stats_sum() {
	local jq=$1 u n=0
	shift
	for u in "$@"; do n=$((n + $(stats_at "$u" "$jq"))); done
	echo "$n"
}

# hold PATH: the emulator keeps the next request whose path contains PATH
# counted (in /emulator/stats) and unprocessed until release.
hold() {
	curl -s -X POST "$EMU_URL/emulator/hold" -d "{\"path\":\"$1\"}" >/dev/null
}

# release: let the emulator go on with the request it holds.
release() {
	curl -s -X POST "$EMU_URL/emulator/release" >/dev/null
}

# await CMD ARGS...: run CMD until it succeeds, every 0.05 s for 30 s at
# most; false when it never did.
await() {
	local i=0
	until "$@"; do
		[ $i -lt 600 ] || return 1
		sleep 0.05
		i=$((i + 1))
	done
}

# at_least N CMD ARGS...: true when the number CMD prints is N or more
# (`await at_least 1 deletes`).
at_least() {
	local n=$1
	shift
	[ "$("$@")" -ge "$n" ] 2>/dev/null
}

# stats_is JQ VALUE: true when `stats JQ` prints VALUE.
stats_is() {
	[ "$(stats "$1")" = "$2" ]
}

# wait_stats DESC JQ VALUE: wait (await) until `stats JQ` is VALUE, then
# check that it is (a held request arrived: `.requests["POST /p"] // 0` 1).
wait_stats() {
	await stats_is "$2" "$3"
	check_eq "$1" "$3" "$(stats "$2")"
}

# kill_midway N COUNT ARGS...: run `patrol ARGS` in the background (output
# to $T/killed.out) and kill -9 it once the command COUNT prints N or more;
# when the emulators of emus_start have answered all they received, BEFORE
# is what COUNT prints.
kill_midway() {
	local n=$1 count=$2 pid u
	shift 2
	"$PATROL" "$@" >"$T/killed.out" 2>&1 &
	pid=$!
	await at_least "$n" "$count"
	kill -9 "$pid"
	wait "$pid" 2>/dev/null
	for u in "${EMU_URLS[@]}"; do at "$u" quiesce; done
	BEFORE=$("$count")
}

# mktok [JSON]: make a token at the emulator with the properties of JSON
# (POST /emulator/tokens; default the admin's own, commented "deploy bot",
# scope sql); prints its id and keeps its secret, if any, in $T/value.ID.
mktok() {
	local body=${1:-'{"comment":"deploy bot","scopes":["sql"]}'} id value
	{ read -r id; read -r value; } < <(curl -s -X POST "$EMU_URL/emulator/tokens" -d "$body" |
		jq -r '.token_id, (.token_value // "")')
	[ -n "$id" ] || return 0
	[ -z "$value" ] || printf '%s\n' "$value" >"$T/value.$id"
	echo "$id"
}

# tok_id SECRET: the token id of SECRET (the emulator's token ids are the
# SHA-256 of their secret); file_id FILE: of the secret in FILE, its line
# ends dropped.
tok_id() {
	printf '%s' "$1" | sha256sum | cut -d' ' -f1
}
file_id() {
	tok_id "$(tr -d '\n' <"$1")"
}

# make_ca NAME: a throw-away CA in $PKI (NAME.key, NAME.pem); make_cert
# NAME CA [SAN] [DAYS]: a server certificate CA signed (SAN default
# localhost and 127.0.0.1, DAYS default 2; -1: already expired). PKI is
# the caller's directory (default $T/pki), made on first use.
make_ca() {
	mkdir -p "${PKI:=$T/pki}"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
		-keyout "$PKI/$1.key" -out "$PKI/$1.pem" -subj "/CN=patrol test $1" 2>/dev/null
}
make_cert() {
	mkdir -p "${PKI:=$T/pki}"
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$PKI/$1.key" \
		-out "$PKI/$1.csr" -subj "/CN=$1" 2>/dev/null &&
	printf 'subjectAltName=%s\n' "${3:-DNS:localhost,IP:127.0.0.1}" >"$PKI/$1.ext" &&
	openssl x509 -req -in "$PKI/$1.csr" -CA "$PKI/$2.pem" -CAkey "$PKI/$2.key" \
		-CAcreateserial -out "$PKI/$1.pem" -days "${4:-2}" -extfile "$PKI/$1.ext" 2>/dev/null
}

# secret_works FILE: "yes" when the workspace takes the secret in FILE (its
# line ends dropped) for a GET the emulator answers 404 once the token is
# accepted, else the HTTP status.
secret_works() {
	local code
	code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $(tr -d '\n' <"$1")" \
		"$EMU_URL/api/2.0/sql/warehouses")
	[ "$code" = 404 ] && code=yes
	echo "$code"
}

# replacements OLD [COMMENT]: the ids of the own tokens a rotation made to
# replace OLD, by the comment it gives them (COMMENT: OLD's; default mktok's).
replacements() {
	curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "$EMU_URL/api/2.0/token/list" |
		jq -r --arg c "${2:-deploy bot} (rotated from ${1:0:10})" '.token_infos[]? | select(.comment == $c) | .token_id'
}

# cfg_profile NAME URL [KEY=VALUE...]: print the ~/.databrickscfg section of
# profile NAME at URL, signed in with KEY = VALUE lines (default: token =
# the admin's token).
cfg_profile() {
	local kv
	printf '[%s]\nhost = %s\n' "$1" "$2"
	shift 2
	[ $# -gt 0 ] || set -- "token=$ADMIN_TOKEN"
	for kv in "$@"; do printf '%s = %s\n' "${kv%%=*}" "${kv#*=}"; done
	echo
}

# cfg_write: write stdin (cfg_profile sections) to ~/.databrickscfg, mode 0600.
cfg_write() {
	cat >"$HOME/.databrickscfg"
	chmod 600 "$HOME/.databrickscfg"
}

# run ARGS...: run patrol; sets OUT, ERR, RC. Stdin is /dev/null unless
# STDIN names a file.
run() {
	"$PATROL" "$@" >"$T/out" 2>"$T/err" <"${STDIN:-/dev/null}"
	RC=$?
	OUT=$(cat "$T/out")
	ERR=$(cat "$T/err")
}

ok() {
	CHECKS=$((CHECKS + 1))
	echo "ok $CHECKS - $1"
}

not_ok() {
	CHECKS=$((CHECKS + 1))
	FAILED=$((FAILED + 1))
	echo "not ok $CHECKS - $1"
	shift
	for line in "$@"; do echo "#   $line"; done
	echo "#   last stdout: $(printf '%s' "${OUT:-}" | head -c 600)"
	echo "#   last stderr: $(printf '%s' "${ERR:-}" | head -c 600)"
}

# check_eq DESC EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected: $2" "actual:   $3"; fi
}

# check_rc DESC EXPECTED_RC (uses RC from the last run)
check_rc() {
	check_eq "$1 (exit $2)" "$2" "$RC"
}

# check_match DESC REGEX TEXT
check_match() {
	if printf '%s' "$3" | grep -Eq -- "$2"; then ok "$1"; else not_ok "$1" "no match for /$2/"; fi
}

# check_nomatch DESC REGEX TEXT
check_nomatch() {
	if printf '%s' "$3" | grep -Eq -- "$2"; then not_ok "$1" "unexpected match for /$2/"; else ok "$1"; fi
}

# no_controls DESC FILE: no C0 (but tab and newline), DEL, C1, bidi or
# zero-width characters in FILE.
no_controls() {
	if LC_ALL=C grep -qP '[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\x8b-\x8f\xaa-\xae]|\xe2\x81[\xa6-\xa9]|\xef\xbb\xbf' "$2"; then
		not_ok "$1" "$(LC_ALL=C grep -naP '[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\x8b-\x8f\xaa-\xae]|\xe2\x81[\xa6-\xa9]' "$2" | head -3 | cat -v)"
	else
		ok "$1"
	fi
}

# scan DESC ARGS...: run patrol and check both of its outputs.
scan() {
	local desc=$1
	shift
	run "$@"
	printf '%s' "$OUT" >"$T/scan.out"
	printf '%s' "$ERR" >"$T/scan.err"
	no_controls "$desc: stdout clean" "$T/scan.out"
	no_controls "$desc: stderr clean" "$T/scan.err"
}

# deletes: DELETE requests the emulator received, all paths.
deletes() {
	stats '[.requests | to_entries[] | select(.key | startswith("DELETE ")) | .value] | add // 0'
}

# tty_start ARGS...: run `patrol ARGS` on a terminal (script(1)) in the
# background: what it shows goes to $T/tty.out, what it reads comes from fd
# 7 (a fifo: `echo 12 >&7`; close it with `exec 7>&-`); TTY_PID is its pid.
tty_start() {
	[ -p "$T/answers" ] || mkfifo "$T/answers"
	: >"$T/tty.out"
	script -qfec "$PATROL $*" /dev/null <"$T/answers" >"$T/tty.out" 2>&1 &
	TTY_PID=$!
	exec 7>"$T/answers"
}

# tty_wait REGEX: wait (20 s at most) until the terminal of tty_start shows
# REGEX; false when it never did.
tty_wait() {
	local i=0
	while ! tr -d '\r' <"$T/tty.out" | grep -Eq -- "$1" && [ $i -lt 200 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	tr -d '\r' <"$T/tty.out" | grep -Eq -- "$1"
}

# finish: the script's exit status.
finish() {
	echo "1..$CHECKS"
	[ "$FAILED" -eq 0 ] || { echo "# $FAILED of $CHECKS checks failed"; exit 1; }
	exit 0
}
