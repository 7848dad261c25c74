#!/bin/bash
# End-to-end: the transport review's findings. A proxy URL's password never
# shows, however it is written, in any message, --debug line or file, and a
# proxy URL libcurl would refuse fails before anything is sent (config.c's
# check), naming its variable; a
# Retry-After that ends past a request's deadline ends it at once, not when
# the server said; a header too large and a repeated status are said
# plainly.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

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
# No workspace listens (port 1): nothing may be sent anyway.
export DATABRICKS_HOST="https://localhost:1"
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
			check_match "$what: names the variable" "^patrol: proxy $var=.*; correct or unset $var\$" "$ERR"
			no_sentinel "$what"
			[ -z "$debug" ] || check_eq "$what: nothing sent, nothing retried" 0 "$(attempts)"
		done
	done
done
# Proxy URLs libcurl takes, the password's special characters encoded, at
# a port where no proxy listens: libcurl's own words (--debug, the error)
# reach the messages, and never the password.
for shape in "http://alice:S3NT%20INEL@127.0.0.1:1" \
	"http://alice:S3NT%27%22%23%2F%40INEL@127.0.0.1:1" "socks5h://alice:S3NTINEL@127.0.0.1:1"; do
	i=$((i + 1))
	HTTPS_PROXY=$shape run --debug --timeout 2 whoami
	check_rc "proxy #$i, usable: cannot connect" 4
	check_match "proxy #$i: libcurl spoke" "^\\* " "$ERR"
	no_sentinel "proxy #$i"
done
if grep -rlE "S3NT|INEL" "$HOME" >"$T/leaks" 2>/dev/null; then
	not_ok "no file written holds the password" "$(cat "$T/leaks")"
else
	ok "no file written holds the password"
fi

# --- 2. a Retry-After past the deadline ------------------------------------------
# The workspace asks for a pause longer than --timeout leaves: the call
# gives up at once, saying so, after the one request (no timed check: the
# pause asked for is 600 s, capped at 60; `timeout 30` would end a wait).
unset HTTPS_PROXY https_proxy ALL_PROXY
# ra_run DESC STATUS SECONDS ARGS...: an emulator that answers every request
# STATUS with Retry-After SECONDS; run patrol ARGS under timeout 30.
ra_run() {
	local desc=$1 status=$2 secs=$3
	shift 3
	emu_start --fail "$status:1" --retry-after "$secs"
	timeout 30 "$PATROL" "$@" >"$T/out" 2>"$T/err" </dev/null
	RC=$?
	OUT=$(cat "$T/out")
	ERR=$(cat "$T/err")
	check_rc "$desc: gives up" 4
	check_eq "$desc: after one request" 1 "$(stats .total)"
}
ra_run "429, Retry-After 600, --timeout 5: whoami" 429 600 --timeout 5 whoami
check_match "says the workspace asked to wait past the deadline" \
	"gave up after 1 attempt: the workspace asked to wait 60 s or more \\(Retry-After\\), past this request's deadline \\(--timeout\\)" "$ERR"
emu_stop
ra_run "429, Retry-After 45, --timeout 5: whoami" 429 45 --timeout 5 whoami
check_match "says how long" "asked to wait 45 s \\(Retry-After\\), past this request's deadline" "$ERR"
emu_stop
ra_run "429, Retry-After 86400: list" 429 86400 --timeout 5 list
check_match "says so for a list too" "asked to wait 60 s or more \\(Retry-After\\)" "$ERR"
emu_stop
ra_run "503, Retry-After 600: whoami" 503 600 --timeout 5 whoami
check_match "a 503 says the same" "gave up after 1 attempt: the workspace asked to wait 60 s or more \\(Retry-After\\), past" "$ERR"
emu_stop

# A pause that ends before the deadline is waited for, and the call goes on.
emu_start --fail 429:1:1 --retry-after 1
timeout 30 "$PATROL" --timeout 60 whoami >"$T/out" 2>"$T/err" </dev/null
RC=$?
OUT=$(cat "$T/out")
ERR=$(cat "$T/err")
check_rc "a Retry-After within the deadline: waited for" 0
check_eq "then sent again, once" 2 "$(stats .total)"
emu_stop
# A batch: the throttled request waits its pause out with the others.
emu_start --generate 20 --fail 429:1:1:2 --retry-after 1
ids 3 >"$T/ids"
timeout 30 "$PATROL" --timeout 60 --jobs 1 revoke --all --from "$T/ids" -y >"$T/out" 2>"$T/err" </dev/null
RC=$?
OUT=$(cat "$T/out")
ERR=$(cat "$T/err")
check_rc "a batch with one 429 within the deadline: all revoked" 0
check_eq "every id revoked once" 3 "$(revoked_once "$T/ids")"
check_eq "one 429 among them" 1 "$(stats '.faults.fail // .faults["fail"] // 0')"
emu_stop

# --- 3. plain words for a header too large and a status said twice -----------------
command -v python3 >/dev/null 2>&1 || { echo "missing tool: python3 (apt-get install python3)"; exit 99; }
# A workspace whose every answer is "200 {}" with a header of 200 KB (big)
# or 400 KB of small headers (many); each request is a line of $T/hdr.log.
cat >"$T/hdr.py" <<'PY'
import socket, sys, threading
port_file, log, mode = sys.argv[1:4]
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(16)
lock = threading.Lock()
def serve(c):
    with c:
        d = b""
        while b"\r\n\r\n" not in d:
            x = c.recv(65536)
            if not x:
                return
            d += x
        with lock, open(log, "a") as f:
            f.write(d.split(b"\r\n")[0].decode("latin1") + "\n")
        head = (b"X-Big: " + b"a" * (200 << 10) + b"\r\n" if mode == "big"
                else b"X-A: b\r\n" * ((400 << 10) // 8))
        try:
            c.sendall(b"HTTP/1.1 200 OK\r\n" + head + b"Content-Length: 2\r\n\r\n{}")
        except OSError:
            pass
open(port_file + ".tmp", "w").write("http://127.0.0.1:%d\n" % s.getsockname()[1])
import os; os.rename(port_file + ".tmp", port_file)
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
# hdr_start MODE: start it in place of the emulator.
hdr_start() {
	local pf="$T/hdr.port.$1" i=0
	: >"$T/hdr.log"
	python3 "$T/hdr.py" "$pf" "$T/hdr.log" "$1" 2>"$T/hdr.err" &
	EMU_PID=$!
	EMU_PIDS="$EMU_PIDS $EMU_PID"
	await test -s "$pf" || { echo "hdr.py did not start:"; cat "$T/hdr.err"; exit 99; }
	DATABRICKS_HOST=$(head -n 1 "$pf")
	export DATABRICKS_HOST DATABRICKS_TOKEN=$ADMIN_TOKEN
}
hdr_start big
run whoami
check_rc "a header over 100 KB fails" 4
check_match "said plainly" "the server sent a header too large \\(over 100 KB\\)" "$ERR"
check_nomatch "not as running out of memory" "[Oo]ut of memory" "$ERR"
check_eq "not retried" 1 "$(wc -l <"$T/hdr.log")"
emu_stop
hdr_start many
run list
check_rc "headers over 300 KB in all fail" 4
check_match "said plainly" "the server sent headers too large \\(over 300 KB in all\\)" "$ERR"
check_eq "not retried" 1 "$(wc -l <"$T/hdr.log")"
emu_stop

# A numeric error code that is the status ({"error_code": 403}, SCIM's
# "status": "404") is said once: "(HTTP 403)", not "(HTTP 403 403)".
for format in numeric scim; do
	for status in 400 401 403 404 429 500 503; do
		emu_start --fail "$status:1" --error-format "$format" --retry-after 0
		run --timeout 3 show 0123456789abcdef
		check_match "$format $status: the status" "\\(HTTP ${status}[,)]" "$ERR"
		check_nomatch "$format $status: said once" "HTTP $status $status|HTTP $status \\(HTTP" "$ERR"
		emu_stop
	done
done
# A code that says more than the status is still shown.
emu_start --fail 403:1
run show 0123456789abcdef
check_match "a named code stays" "\\(HTTP 403 PERMISSION_DENIED" "$ERR"
emu_stop

finish
