#!/bin/bash
# End-to-end: the transport review's findings. A proxy URL's password never
# shows, however it is written, in any message, --debug line or file, and a
# proxy URL libcurl would refuse fails at once, naming its variable; a
# Retry-After longer than the call's deadline gives up at the deadline (or
# at once), not when the server said; a header too large and a repeated
# status are said plainly.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

# free_port: a loopback port nothing listens on (now).
free_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 30000))
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
	done
}

# attempts: how many requests the last --debug run made.
attempts() {
	printf '%s\n' "$ERR" | grep -c '^patrol: [A-Z]* http'
}

# no_sentinel DESC: neither half of the sentinel password in the last run's
# outputs.
no_sentinel() {
	check_nomatch "$1: not in stdout or stderr" "S3NT|INEL" "$OUT$ERR"
}

# --- 1. a proxy URL's password -------------------------------------------------
# Proxy URLs libcurl refuses (a port out of range, a scheme it does not
# speak, a broken IPv6 address, a raw space, quotes, '#', '/' and '@' in the
# password): each used to be retried and quoted whole, password included.
# Nothing listens at the workspace: nothing may be sent anyway.
export DATABRICKS_HOST="https://localhost:$(free_port)"
export DATABRICKS_TOKEN=$ADMIN_TOKEN
SHAPES=(
	"http://alice:S3NTINEL@127.0.0.1:99999"
	"ftp://alice:S3NTINEL@127.0.0.1:1"
	"http://alice:S3NT%20INEL@[::1:1"
	"http://alice:S3NT INEL@127.0.0.1:1"
	"http://alice:S3NT'\"#/@INEL@127.0.0.1:1"
	"socks9://S3NTINEL@127.0.0.1:1"
)
VARS=(HTTPS_PROXY https_proxy ALL_PROXY)
i=0
for shape in "${SHAPES[@]}"; do
	var=${VARS[$((i % 3))]}
	i=$((i + 1))
	for cmd in whoami list "revoke 0123456789abcdef0123456789abcdef -y"; do
		for debug in "" --debug; do
			what="proxy #$i in $var, $cmd${debug:+ $debug}"
			# shellcheck disable=SC2086
			env "$var=$shape" timeout 30 "$PATROL" $debug $cmd >"$T/out" 2>"$T/err" </dev/null
			RC=$?
			OUT=$(cat "$T/out")
			ERR=$(cat "$T/err")
			check_rc "$what: a setting to fix" 2
			check_match "$what: names the variable" "the proxy URL in $var is not valid" "$ERR"
			no_sentinel "$what"
			[ -z "$debug" ] || check_eq "$what: nothing sent, nothing retried" 0 "$(attempts)"
		done
	done
done
if grep -rlE "S3NT|INEL" "$HOME" >"$T/leaks" 2>/dev/null; then
	not_ok "no file written holds the password" "$(cat "$T/leaks")"
else
	ok "no file written holds the password"
fi

finish
