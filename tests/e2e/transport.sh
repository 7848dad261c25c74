#!/bin/bash
# End-to-end: HTTP that lies, from a raw-socket server (rawws.py). Bytes
# after the end of a response never become the answer to the next request
# on that connection; a Content-Length beyond the body cap is refused at
# once, and one within it reserves no memory the body does not bring; a
# server message with newlines is one line on stderr.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

export XDG_STATE_HOME="$T/state"
. "${top_srcdir:-.}/tests/e2e/rawlib.sh"
ID0=$(printf '%064x' $((0xA11CE0000)))

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

# --- bytes after the list answer (a list longer than one read) ----------------------
# Before any fix the next request on that connection (who am I) read the
# smuggled "200 {}" as its answer, and the fresh list read the real one.
raw_start --tokens 300 --trail 1 --delete-status 403
run --rate 0 --jobs 1 revoke --yes "$ID0" -o json
check_eq "smuggle_list: the connection with trailing bytes carried nothing more" 0 "$(reused_after 1)"
check_eq "smuggle_list: the revoke got the server's real answer (403)" "failed 403" \
	"$(printf '%s' "$OUT" | jq -r '.[0] | "\(.result) \(.error.http_status)"')"
check_rc "smuggle_list: and the session stopped on it" 3
emu_stop

# --- bytes after the fresh list: a smuggled 200 must not revoke -----------------------
raw_start --tokens 300 --trail 3 --delete-status 403
run --rate 0 --jobs 1 revoke --yes "$ID0" -o json
check_eq "smuggle_revoke: the connection with trailing bytes carried nothing more" 0 "$(reused_after 3)"
check_eq "smuggle_revoke: no smuggled 200 taken for the revoke" "failed 403" \
	"$(printf '%s' "$OUT" | jq -r '.[0] | "\(.result) \(.error.http_status)"')"
check_eq "smuggle_revoke: the revoke was sent once" 1 "$(grep -c ' POST /api/2.0/token/delete$' "$RAWLOG")"
emu_stop

# --- a Content-Length beyond the body cap ------------------------------------------------
for len in 1500000000 4611686018427387904; do
	raw_start --length "$len"
	run --timeout 20 list -o json
	check_rc "length_over_cap $len: refused" 4
	check_match "length_over_cap $len: says it is too large" "response too large|larger than" "$ERR"
	check_eq "length_over_cap $len: not retried" 1 "$(wc -l <"$RAWLOG")"
	emu_stop
done

# --- a Content-Length within the cap that the body does not fill ---------------------------
# 250 MB declared, a short body, then the connection closes (a broken
# answer, retried until the deadline): memory follows the bytes received.
raw_start --length 250000000
RSS=$(maxrss_kb "$PATROL" --timeout 3 list -o json)
OUT=$(cat "$T/out"); ERR=$(cat "$T/err")
if [ "$RSS" -lt 131072 ]; then ok "length_lie_rss: peak RSS ${RSS} kB for 250 MB declared"; else
	not_ok "length_lie_rss: memory follows the bytes, not the header" "peak RSS ${RSS} kB"; fi
check_match "length_lie_rss: the short answer is an error" "network error|timed out|gave up" "$ERR"
emu_stop

# --- a server message with newlines is one line ----------------------------------------------
raw_start --list-status 400 --message 'bad state\npatrol: FAKE injected line'
run list
check_rc "error_one_line: the 400 is reported" 1
check_eq "error_one_line: stderr is one line" 1 "$(printf '%s\n' "$ERR" | wc -l)"
check_nomatch "error_one_line: no injected line" '^patrol: FAKE' "$ERR"
check_match "error_one_line: the newline is shown as \\n" 'bad state\\npatrol: FAKE' "$ERR"
emu_stop

# --- a server that echoes the credential it was sent -----------------------------------
# Its error messages end "from Bearer <token>": the token is never printed,
# never journaled, in any output; a message cut short in the middle of it
# leaves no piece of it either.
SENT=dapi5ec7e75ec7e75ec7e75ec7e75ec7e75e
raw_start --echo-auth --list-status 400
for fmt in table json csv; do
	DATABRICKS_TOKEN=$SENT run --rate 0 list -o $fmt
	check_rc "echo_auth: list -o $fmt refused" 1
	check_nomatch "echo_auth: list -o $fmt: the token is not shown" "${SENT:4:12}" "$OUT$ERR"
	check_match "echo_auth: list -o $fmt: it is redacted" 'from Bearer <redacted>' "$ERR"
done
DATABRICKS_TOKEN=$SENT run --rate 0 --debug list
check_match "echo_auth: --debug logs the header that repeats it" '^< X-Seen-Authorization: ' "$ERR"
check_nomatch "echo_auth: --debug: no piece of the token" "${SENT:4:12}" "$OUT$ERR"
emu_stop
LONG=$(printf 'y%.0s' $(seq 470))
raw_start --echo-auth --delete-status 400 --message "$LONG"
DATABRICKS_TOKEN=$SENT run --rate 0 --jobs 1 revoke --yes "$ID0" -o json
check_eq "echo_auth: the revoke failed, refused" "failed 400" \
	"$(printf '%s' "$OUT" | jq -r '.[0] | "\(.result) \(.error.http_status)"')"
check_nomatch "echo_auth: no piece of the token in the result or on stderr" "dapi5ec" "$OUT$ERR"
check_eq "echo_auth: none in the journal" 0 "$(cat "$XDG_STATE_HOME"/patrol/*.jsonl | grep -c "dapi5ec")"
check_eq "echo_auth: the journal has the failure, redacted" 1 \
	"$(cat "$XDG_STATE_HOME"/patrol/*.jsonl | grep -c 'from Bearer <redact')"
emu_stop

finish
