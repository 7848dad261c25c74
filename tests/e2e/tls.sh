#!/bin/bash
# End-to-end: TLS and proxies for real, failing fast, and saying what is
# wrong. The emulator serves HTTPS with certificates of a throw-away CA made
# here; patrol talks to https://localhost:PORT, directly and through
# tinyproxy on loopback.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

for tool in openssl tinyproxy tmux; do
	command -v "$tool" >/dev/null 2>&1 || { echo "missing tool: $tool (.ci/deps installs it)"; exit 99; }
done

PKI="$T/pki"
mkdir -p "$PKI"

# make_ca, make_cert: lib.sh.
make_ca ca && make_ca rogue &&
make_cert good ca "DNS:localhost,IP:127.0.0.1" 2 &&
make_cert otherhost ca "DNS:other.example" 2 &&
make_cert expired ca "DNS:localhost,IP:127.0.0.1" -1 &&
make_cert untrusted rogue "DNS:localhost,IP:127.0.0.1" 2 ||
	{ echo "cannot make the test certificates"; exit 99; }
CA="$PKI/ca.pem"

# Test control talks to the emulator whatever its certificate.
stats() {
	curl -sk "$EMU_URL/emulator/stats" | jq -r "$1"
}

# tls_emu CERT [emulator args...]: an HTTPS emulator; H is its localhost URL.
tls_emu() {
	local cert=$1
	shift
	emu_start --tls-cert "$PKI/$cert.pem" --tls-key "$PKI/$cert.key" "$@"
	H="https://localhost:${EMU_URL##*:}"
	export DATABRICKS_HOST=$H
}

# attempts: how many requests the last --debug run made.
attempts() {
	printf '%s\n' "$ERR" | grep -c '^patrol: GET '
}

# free_port: a loopback port nothing listens on (now).
free_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 30000))
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
	done
}

# --- trust --------------------------------------------------------------------
tls_emu good
run --debug whoami
check_rc "an untrusted CA fails" 4
check_match "naming the cause" "cannot verify $H: its certificate is not signed by a CA this machine trusts" "$ERR"
check_match "and the fix" "give its CA certificate with --ca-file FILE or REQUESTS_CA_BUNDLE" "$ERR"
check_eq "at once: one attempt" 1 "$(attempts)"
check_eq "nothing reached the workspace" 0 "$(stats .total)"

run --ca-file "$CA" whoami -o json
check_rc "trusted with --ca-file, at https://localhost" 0
check_eq "signed in" "admin@example.com" "$(printf '%s' "$OUT" | jq -r .userName)"
for v in SSL_CERT_FILE REQUESTS_CA_BUNDLE CURL_CA_BUNDLE; do
	env "$v=$CA" "$PATROL" whoami >"$T/out" 2>"$T/err" </dev/null
	check_eq "trusted with $v" 0 "$?"
done
REQUESTS_CA_BUNDLE="$PKI/rogue.pem" SSL_CERT_FILE=$CA run whoami
check_rc "REQUESTS_CA_BUNDLE comes before SSL_CERT_FILE (the Python SDK's order)" 4
REQUESTS_CA_BUNDLE="$PKI/rogue.pem" CURL_CA_BUNDLE=$CA run whoami
check_rc "REQUESTS_CA_BUNDLE comes before CURL_CA_BUNDLE" 4
SSL_CERT_FILE="$PKI/rogue.pem" run --ca-file "$CA" whoami
check_rc "--ca-file comes first" 0
mkdir -p "$PKI/dir"
cp "$CA" "$PKI/dir/patrol-test-ca.pem"
openssl rehash "$PKI/dir" 2>/dev/null || c_rehash "$PKI/dir" >/dev/null 2>&1
SSL_CERT_DIR="$PKI/dir" run whoami
check_rc "trusted through SSL_CERT_DIR" 0
DATABRICKS_HOST="https://127.0.0.1:${EMU_URL##*:}" run --ca-file "$CA" whoami
check_rc "an IP address in the certificate" 0
run --ca-file "$T/nope.pem" whoami
check_rc "a CA file that is not there" 2
check_match "is named before any request" "CA file $T/nope.pem from --ca-file: No such file" "$ERR"
run --insecure whoami
check_rc "no option turns verification off" 2
check_nomatch "nor does the help offer one" "insecure|no-verify|skip-verify" "$("$PATROL" --help)"
emu_stop

tls_emu otherhost
run --debug --ca-file "$CA" whoami
check_rc "a certificate for another host fails" 4
check_match "naming the cause and the fix" "for another host name.*check the workspace URL" "$ERR"
check_eq "at once" 1 "$(attempts)"
emu_stop

tls_emu expired
run --debug --ca-file "$CA" whoami
check_rc "an expired certificate fails" 4
check_match "naming the cause and the fix" "its certificate has expired.*check this machine's clock" "$ERR"
check_eq "at once" 1 "$(attempts)"
emu_stop

tls_emu untrusted
run --ca-file "$CA" whoami
check_rc "a certificate of another CA fails" 4
check_match "with the fix for TLS-inspecting proxies" "not signed by a CA this machine trusts.*--ca-file" "$ERR"
emu_stop

# --- proxies --------------------------------------------------------------------
# start_proxy NAME [BasicAuth line]: tinyproxy on loopback; sets PROXY_PORT.
# Ready when its log says it accepts connections. A port free when probed
# may be taken before tinyproxy binds it (other tests start servers too):
# then it exits, and another port is tried.
start_proxy() {
	local name=$1 tries pid i
	for tries in 1 2 3 4 5; do
		PROXY_PORT=$(free_port)
		cat >"$T/$name.conf" <<EOF
Port $PROXY_PORT
Listen 127.0.0.1
Timeout 30
LogFile "$T/$name.log"
LogLevel Info
MaxClients 20
Allow 127.0.0.1
${2:-}
EOF
		: >"$T/$name.log"
		tinyproxy -d -c "$T/$name.conf" >"$T/$name.out" 2>&1 &
		pid=$!
		i=0
		while kill -0 "$pid" 2>/dev/null && [ $i -lt 200 ]; do
			if grep -q "Accepting connections" "$T/$name.log"; then
				EMU_PIDS="$EMU_PIDS $pid"
				return 0
			fi
			sleep 0.05
			i=$((i + 1))
		done
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	echo "tinyproxy did not start:"
	cat "$T/$name.out"
	exit 99
}

# requests LOG: the requests a proxy received, one a line ("CONNECT h:p HTTP/1.1").
requests() {
	sed -n 's/.*Request (file descriptor [0-9]*): //p' "$1"
}

start_proxy plain
PLAIN=$PROXY_PORT
start_proxy authed "BasicAuth alice S3NTINEL-proxy-pw"
AUTHED=$PROXY_PORT
tls_emu good
EMU_PORT=${EMU_URL##*:}

HTTPS_PROXY=http://127.0.0.1:$PLAIN run --ca-file "$CA" whoami
check_rc "through a proxy (HTTPS_PROXY)" 0
check_eq "the proxy saw one CONNECT to the workspace" "CONNECT localhost:$EMU_PORT HTTP/1.1" \
	"$(requests "$T/plain.log")"
https_proxy=http://127.0.0.1:$PLAIN run --ca-file "$CA" whoami
check_eq "https_proxy too" 2 "$(requests "$T/plain.log" | wc -l)"
HTTPS_PROXY=http://127.0.0.1:$PLAIN NO_PROXY=localhost run --ca-file "$CA" whoami
check_rc "NO_PROXY" 0
check_eq "bypasses the proxy" 2 "$(requests "$T/plain.log" | wc -l)"
https_proxy=http://127.0.0.1:$PLAIN no_proxy=example.com,localhost run --ca-file "$CA" whoami
check_eq "no_proxy too" 2 "$(requests "$T/plain.log" | wc -l)"
check_eq "a plain-http proxy only ever sees CONNECT" "" "$(requests "$T/plain.log" | grep -v '^CONNECT ')"

HTTPS_PROXY=http://alice:S3NTINEL-proxy-pw@127.0.0.1:$AUTHED run --debug --ca-file "$CA" whoami
check_rc "proxy credentials in the URL" 0
check_match "the proxy asked and was answered" "Proxy-Authorization: <redacted>" "$ERR"
check_nomatch "the proxy password is never in --debug" "S3NTINEL" "$ERR$OUT"
HTTPS_PROXY=http://127.0.0.1:$AUTHED run --debug --ca-file "$CA" whoami
check_rc "a proxy that wants credentials" 4
check_match "says so, and how to give them" "the proxy refused the tunnel to $H \\(407\\).*USER:PASSWORD" "$ERR"
check_eq "at once" 1 "$(attempts)"
emu_stop

# A loopback http:// workspace is never proxied, whatever the variables say:
# the bearer token would cross the network in clear (issue 14, finding 3).
emu_start
before=$(requests "$T/plain.log" | wc -l)
P=http://127.0.0.1:$PLAIN
HTTP_PROXY=$P http_proxy=$P ALL_PROXY=$P all_proxy=$P HTTPS_PROXY=$P https_proxy=$P run whoami
check_rc "loopback http with every proxy variable set" 0
check_eq "went straight to the workspace" "$before" "$(requests "$T/plain.log" | wc -l)"
check_eq "which answered" 1 "$(count 'GET /api/2.0/preview/scim/v2/Me')"
emu_stop

# --- failing fast, saying what is wrong ------------------------------------------
DATABRICKS_HOST=https://dbc-nonexistent.invalid run whoami
check_rc "an unresolvable host" 4
check_match "says so, with the fix" "cannot resolve the host name of https://dbc-nonexistent.invalid.*check the workspace URL" "$ERR"
CLOSED=$(free_port)
DATABRICKS_HOST=http://127.0.0.1:$CLOSED run whoami
check_rc "a refused connection" 4
check_match "says so" "cannot connect to http://127.0.0.1:$CLOSED" "$ERR"

emu_start --fail 404:1 --error-format html
run whoami
check_rc "an HTML 404 where the API should be" 1
check_match "asks whether it is a workspace URL" "answered 404 with an HTML page, not the Databricks API: is this a Databricks workspace URL\\?" "$ERR"
emu_stop
DATABRICKS_HOST=http://127.0.0.1:$PLAIN run whoami
check_match "a web server that is not Databricks (tinyproxy itself)" "is this a Databricks workspace URL\\?" "$ERR"
emu_start --redirect "https://adb-1.azuredatabricks.net/login.html?error=private-link-validation-error"
run whoami
check_rc "a Private Link redirect" 4
check_match "explained in one line" "refused this network path \\(Private Link\\): connect through the allowed network or VPN" "$ERR"
emu_stop

# While a command retries for more than ~2 s on a terminal, one line says
# so; the UI's status line says the same. Waits on the screen, not a clock.
emu_start --fail 503:1 --retry-after 1
SOCK="patrol-tls-$$"
screen_has() {
	local i=0
	while [ $i -lt 150 ]; do
		tmux -L "$SOCK" capture-pane -p 2>/dev/null | grep -q "$1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
tmux -L "$SOCK" -f /dev/null new-session -d -x 120 -y 10 \
	"env HOME='$HOME' DATABRICKS_HOST='$EMU_URL' DATABRICKS_TOKEN='$ADMIN_TOKEN' '$PATROL' whoami; sleep 30"
if screen_has "patrol: retrying ([0-9]*): 503 from $EMU_URL"; then ok "the CLI says it is retrying"; else
	not_ok "the CLI says it is retrying" "$(tmux -L "$SOCK" capture-pane -p)"; fi
check_eq "on one line" 1 "$(tmux -L "$SOCK" capture-pane -p | grep -c retrying)"
tmux -L "$SOCK" kill-server 2>/dev/null
SOCK="patrol-tls-ui-$$"     # a server of its own: the last one may still be going away
tmux -L "$SOCK" -f /dev/null new-session -d -x 120 -y 24 \
	"env HOME='$HOME' TERM=xterm DATABRICKS_HOST='$EMU_URL' DATABRICKS_TOKEN='$ADMIN_TOKEN' '$PATROL'; sleep 30"
if screen_has "retrying ([0-9]*): 503 from"; then ok "the UI status line says it too"; else
	not_ok "the UI status line says it too" "$(tmux -L "$SOCK" capture-pane -p)"; fi
tmux -L "$SOCK" send-keys q
tmux -L "$SOCK" kill-server 2>/dev/null
emu_stop

finish
