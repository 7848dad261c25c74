#!/bin/bash
# End-to-end: signing in as the Databricks tools do (token-api.md, "More ways
# to sign in"). Fake `databricks` and `az` programs on PATH record their argv
# (and what they inherited) and print what the real ones print; the emulator
# accepts their tokens, plays Entra ID v1 and the OIDC token exchange.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

CLI_TOKEN=eyJfake.cli-alice.sig
AZ_TOKEN=eyJfake.az-carol.sig
JWT=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjaSJ9.c2ln
emu_start --oauth-token alice@example.com=$CLI_TOKEN --oauth-token carol@example.com=$AZ_TOKEN \
	--entra-client tenant-1:app-1:entra-S3NTINEL --federated "$JWT=sp-ci"
URL=$EMU_URL
unset DATABRICKS_HOST DATABRICKS_TOKEN
CFG="$HOME/.databrickscfg"
BIN="$T/bin"
FAKE="$T/fake"
mkdir -p "$BIN" "$FAKE"
echo "$CLI_TOKEN" >"$FAKE/databricks.token"
echo "$AZ_TOKEN" >"$FAKE/az.token"

# fake NAME OK FAIL: a helper that records its argv, environment and
# inherited descriptor 9, then acts by $FAKE/NAME.mode: prints OK (the
# token from $FAKE/NAME.token), or FAIL on stderr and exits 1
# (notloggedin), or hangs (sleep), or prints no JSON (garbage), or prints
# OK and exits, leaving a process behind that holds its output (linger).
fake() {
	local name=$1 ok=$2
	printf '%s' "$3" >"$FAKE/$name.fail"
	cat >"$BIN/$name" <<EOF
#!/bin/sh
d="$FAKE"
{ printf '%s' "$name"; for a in "\$@"; do printf ' %s' "\$a"; done; echo; } >>"\$d/$name.argv"
env | grep -E '^(DATABRICKS_HOST|DATABRICKS_TOKEN|DATABRICKS_CONFIG_PROFILE)=' >>"\$d/$name.env"
[ -e /proc/\$\$/fd/9 ] && echo "descriptor 9 leaked" >>"\$d/$name.fds"
echo \$\$ >"\$d/$name.pid"
case "\$(cat "\$d/$name.mode" 2>/dev/null)" in
notloggedin) printf '%s\033[2J\n' "\$(cat "\$d/$name.fail")" >&2; exit 1 ;;
sleep) exec sleep 60 ;;
garbage) echo 'Usage: databricks [command]'; exit 0 ;;
linger) sleep 60 & echo \$! >"\$d/$name.linger" ;;
esac
printf '$ok\n' "\$(cat "\$d/$name.token")"
EOF
	chmod 755 "$BIN/$name"
}
fake databricks '{"access_token":"%s","token_type":"Bearer","expiry":"2099-01-01T00:00:00.123456789+02:00"}' \
	'Error: databricks OAuth is not configured for this host. Try logging in again with `databricks auth login --host URL`'
fake az '{"accessToken":"%s","expiresOn":"2099-01-01 00:00:00.000000","expires_on":4070908800,"subscription":"s","tenant":"tenant-1","tokenType":"Bearer"}' \
	"ERROR: Please run 'az login' to setup account."
export PATH="$BIN:$PATH"

# reset_fakes: forget what the fakes recorded; all act normally.
reset_fakes() {
	rm -f "$FAKE"/*.argv "$FAKE"/*.env "$FAKE"/*.fds "$FAKE"/*.pid "$FAKE"/*.mode
}

write_cfg() {
	cat >"$CFG"
	chmod 600 "$CFG"
}

user_of() {
	printf '%s' "$OUT" | jq -r '.userName // empty'
}

# --- databricks-cli ---------------------------------------------------------
reset_fakes
write_cfg <<EOF
[dev]
host = $URL
auth_type = databricks-cli
EOF
run -p dev whoami -o json 9>"$T/fd9"
check_rc "databricks-cli profile" 0
check_eq "signed in with the CLI's token" "alice@example.com" "$(user_of)"
check_eq "auth type reported" "databricks-cli" "$(printf '%s' "$OUT" | jq -r .auth_type)"
check_eq "the CLI ran as the SDKs run it (--profile)" "databricks auth token --profile dev" \
	"$(cat "$FAKE/databricks.argv")"
check_eq "helpers inherit no descriptor of patrol's" "" "$(cat "$FAKE/databricks.fds" 2>/dev/null)"
check_eq "the emulator got the CLI's bearer token" 1 "$(count 'GET /api/2.0/preview/scim/v2/Me')"

reset_fakes
DATABRICKS_HOST=$URL DATABRICKS_AUTH_TYPE=databricks-cli DATABRICKS_TOKEN=dapi-not-used \
	run whoami -o json
check_eq "auth_type forces databricks-cli over a token" "alice@example.com" "$(user_of)"
check_eq "a host from the environment: --host" "databricks auth token --host $URL" \
	"$(cat "$FAKE/databricks.argv")"
check_eq "the helper does not inherit DATABRICKS_HOST or DATABRICKS_TOKEN" "" \
	"$(cat "$FAKE/databricks.env" 2>/dev/null)"

# The SDKs' order, with --debug saying why earlier types were skipped.
reset_fakes
DATABRICKS_HOST=$URL run --debug whoami
check_rc "default order finds the CLI" 0
check_match "whoami prints the auth type" "auth: +databricks-cli" "$OUT"
check_match "--debug: pat skipped, and why" "auth: pat: skipped: no token" "$ERR"
check_match "--debug: oauth-m2m skipped, and why" "auth: oauth-m2m: skipped: no client_id and client_secret" "$ERR"
check_match "--debug: the CLI chosen, with its path" "auth: databricks-cli: chosen \\($BIN/databricks\\)" "$ERR"
check_match "--debug: a new token and how long it lives" "auth: databricks-cli: ran databricks auth token --host" "$ERR"
check_nomatch "helper stdout (the token) is never logged" "$CLI_TOKEN" "$ERR$OUT"

# a CLI that exits with its token but leaves a process holding its output:
# the token is used once the CLI has exited, not after that process ends
reset_fakes
echo linger >"$FAKE/databricks.mode"
run -p dev whoami -o json
check_rc "a CLI that leaves a process holding its output" 0
check_eq "  signed in with its token" "alice@example.com" "$(user_of)"
kill "$(cat "$FAKE/databricks.linger")" 2>/dev/null

# databricks_cli_path
reset_fakes
cp "$BIN/databricks" "$T/other-cli"
DATABRICKS_HOST=$URL DATABRICKS_CLI_PATH="$T/other-cli" run whoami -o json
check_eq "DATABRICKS_CLI_PATH names the binary" "alice@example.com" "$(user_of)"
rm -f "$T/other-cli"
DATABRICKS_HOST=$URL DATABRICKS_CLI_PATH="$T/other-cli" DATABRICKS_AUTH_TYPE=databricks-cli run whoami
check_rc "a missing CLI" 2
check_match "says to install the CLI" "install the Databricks CLI" "$ERR"

# Failures: the fix, stderr sanitized, a hung helper killed.
reset_fakes
echo notloggedin >"$FAKE/databricks.mode"
run -p dev whoami
check_rc "not logged in" 3
check_match "the CLI's words" "databricks OAuth is not configured for this host" "$ERR"
check_match "and the fix" "run \`databricks auth login --profile dev\`" "$ERR"
printf '%s' "$ERR" >"$T/err.txt"
no_controls "helper stderr is sanitized" "$T/err.txt"
echo garbage >"$FAKE/databricks.mode"
run -p dev whoami
check_rc "a helper that prints no token" 3
check_match "said plainly" "printed no usable token" "$ERR"
echo sleep >"$FAKE/databricks.mode"
run --timeout 2 -p dev whoami
check_rc "a hung helper is stopped" 4
check_match "at its timeout, with the fix" "did not finish within 2 s.*databricks auth login" "$ERR"
if kill -0 "$(cat "$FAKE/databricks.pid")" 2>/dev/null; then
	not_ok "the hung helper was killed"
else
	ok "the hung helper was killed"
fi

# The UI paints while the helper runs: spawning never blocks the UI thread.
reset_fakes
echo sleep >"$FAKE/databricks.mode"
if command -v tmux >/dev/null 2>&1; then
	SOCK="patrol-auth-$$"
	tmux -L "$SOCK" -f /dev/null new-session -d -x 100 -y 24 \
		"env PATH='$PATH' HOME='$HOME' '$PATROL' -p dev; sleep 30"
	# wait for the frame and for the helper to have started (it writes its
	# pid first): the frame may well be up before the helper is
	i=0
	while [ $i -lt 100 ] && { ! tmux -L "$SOCK" capture-pane -p | grep -q "loading" ||
		[ ! -s "$FAKE/databricks.pid" ]; }; do
		sleep 0.1; i=$((i + 1))
	done
	screen=$(tmux -L "$SOCK" capture-pane -p)
	helper_alive=no
	[ -s "$FAKE/databricks.pid" ] && kill -0 "$(cat "$FAKE/databricks.pid")" 2>/dev/null && helper_alive=yes
	check_match "the UI frame is up while the helper runs" "loading" "$screen"
	check_eq "(the helper was still running)" yes "$helper_alive"
	tmux -L "$SOCK" send-keys q
	tmux -L "$SOCK" kill-server 2>/dev/null
fi

# --- azure-cli ----------------------------------------------------------------
reset_fakes
DATABRICKS_HOST=$URL DATABRICKS_AUTH_TYPE=azure-cli run whoami -o json
check_eq "azure-cli" "carol@example.com" "$(user_of)"
check_eq "az ran as the SDKs run it" \
	"az account get-access-token --resource 2ff814a6-3304-4ab8-85cb-cd0e6f879c1d --output json" \
	"$(cat "$FAKE/az.argv")"
reset_fakes
DATABRICKS_HOST=$URL DATABRICKS_AUTH_TYPE=azure-cli ARM_TENANT_ID=tenant-1 run whoami -o json
check_match "with a tenant: --tenant" "--output json --tenant tenant-1$" "$(cat "$FAKE/az.argv")"
echo notloggedin >"$FAKE/az.mode"
DATABRICKS_HOST=$URL DATABRICKS_AUTH_TYPE=azure-cli run whoami
check_rc "az not logged in" 3
check_match "the fix: az login" "run \`az login\`" "$ERR"

# Default order on an Azure host, the Databricks CLI absent: az is chosen.
reset_fakes
mv "$BIN/databricks" "$T/databricks.off"
DATABRICKS_HOST=https://adb-1234567890123456.7.azuredatabricks.net run --debug --timeout 1 whoami
check_match "an Azure host: azure-cli chosen" "auth: azure-cli: chosen" "$ERR"
check_match "after the CLI was not found" "auth: databricks-cli: skipped: databricks is not on PATH" "$ERR"
check_match "and az ran" "^az account get-access-token" "$(cat "$FAKE/az.argv" 2>/dev/null)"
DATABRICKS_HOST=$URL run whoami
check_rc "not Azure, nothing else: no credentials" 2
check_match "says how to sign in" "no credentials: set DATABRICKS_TOKEN.*databricks auth login" "$ERR"
mv "$T/databricks.off" "$BIN/databricks"

# --- azure-client-secret (Entra ID v1, played by the emulator) ---------------------
# The Databricks CLI comes first in the SDKs' order; when it says nobody
# signed in for the host, the next type that fits is used, as the SDKs do.
reset_fakes
reset_stats
echo notloggedin >"$FAKE/databricks.mode"
DATABRICKS_HOST=$URL ARM_CLIENT_ID=app-1 ARM_CLIENT_SECRET=entra-S3NTINEL ARM_TENANT_ID=tenant-1 \
	PATROL_AZURE_LOGIN_URL=$URL run --debug whoami -o json
check_rc "the CLI first, then ARM_* credentials" 0
check_eq "signed in with the fallback" "app-1" "$(user_of)"
check_eq "whoami names the type used" "azure-client-secret" "$(printf '%s' "$OUT" | jq -r .auth_type)"
check_match "the CLI was asked first" "^databricks auth token --host" "$(cat "$FAKE/databricks.argv" 2>/dev/null)"
check_match "--debug says why" "auth: databricks-cli: nobody signed in for this host: trying azure-client-secret" "$ERR"
reset_fakes
reset_stats
DATABRICKS_HOST=$URL ARM_CLIENT_ID=app-1 ARM_CLIENT_SECRET=entra-S3NTINEL ARM_TENANT_ID=tenant-1 \
	PATROL_AZURE_LOGIN_URL=$URL run whoami -o json
check_eq "a signed-in CLI wins over ARM_*" "alice@example.com" "$(user_of)"
check_eq "and Entra ID is not asked" 0 "$(count 'POST /tenant-1/oauth2/token')"
echo notloggedin >"$FAKE/databricks.mode"
DATABRICKS_HOST=$URL DATABRICKS_AUTH_TYPE=databricks-cli ARM_CLIENT_ID=app-1 \
	ARM_CLIENT_SECRET=entra-S3NTINEL ARM_TENANT_ID=tenant-1 PATROL_AZURE_LOGIN_URL=$URL run whoami
check_rc "a forced databricks-cli does not fall back" 3
mv "$BIN/databricks" "$T/databricks.off"
reset_stats
DATABRICKS_HOST=$URL ARM_CLIENT_ID=app-1 ARM_CLIENT_SECRET=entra-S3NTINEL ARM_TENANT_ID=tenant-1 \
	PATROL_AZURE_LOGIN_URL=$URL run --debug whoami -o json
check_rc "azure-client-secret" 0
check_eq "signed in as the service principal" "app-1" "$(user_of)"
check_eq "auth type" "azure-client-secret" "$(printf '%s' "$OUT" | jq -r .auth_type)"
check_eq "one Entra token request, to the tenant" 1 "$(count 'POST /tenant-1/oauth2/token')"
check_nomatch "the client secret is never logged" "S3NTINEL" "$ERR$OUT"
DATABRICKS_HOST=$URL ARM_CLIENT_ID=app-1 ARM_CLIENT_SECRET=wrong ARM_TENANT_ID=tenant-1 \
	PATROL_AZURE_LOGIN_URL=$URL run whoami
check_rc "a wrong secret" 3
check_match "Entra's refusal explained" "Entra ID .* rejected the service principal app-1.*ARM_CLIENT_SECRET" "$ERR"
DATABRICKS_HOST=$URL ARM_CLIENT_ID=app-1 ARM_CLIENT_SECRET=x DATABRICKS_AUTH_TYPE=azure-client-secret run whoami
check_rc "no tenant" 2
check_match "names the missing tenant" "azure_tenant_id is missing: set ARM_TENANT_ID" "$ERR"
mv "$T/databricks.off" "$BIN/databricks"

# --- env-oidc and file-oidc (workload identity federation) ----------------------
reset_stats
DATABRICKS_HOST=$URL DATABRICKS_OIDC_TOKEN=$JWT DATABRICKS_CLIENT_ID=sp-ci run --debug whoami -o json
check_rc "env-oidc" 0
check_eq "the JWT signs in its service principal" "sp-ci" "$(user_of)"
check_eq "auth type" "env-oidc" "$(printf '%s' "$OUT" | jq -r .auth_type)"
check_eq "discovery, then the token exchange" "1 1" \
	"$(count 'GET /oidc/.well-known/oauth-authorization-server') $(count 'POST /oidc/v1/token')"
check_nomatch "the JWT is never logged" "$JWT" "$ERR$OUT"
printf '%s\n' "$JWT" >"$T/jwt"
DATABRICKS_HOST=$URL DATABRICKS_OIDC_TOKEN_FILEPATH="$T/jwt" run whoami -o json
check_eq "file-oidc" "sp-ci" "$(user_of)"
check_eq "auth type" "file-oidc" "$(printf '%s' "$OUT" | jq -r .auth_type)"
DATABRICKS_HOST=$URL DATABRICKS_OIDC_TOKEN=eyJ.not.known run whoami
check_rc "an unknown JWT" 3
check_match "refusal explained" "refused to exchange the OIDC token.*federation policy" "$ERR"

# --- a token endpoint elsewhere is refused (issue 14, finding 6) --------------------
emu_stop
emu_start --oauth-client robot:S3NTINEL-robot --token-endpoint https://collector.example.com/token
DATABRICKS_CLIENT_ID=robot DATABRICKS_CLIENT_SECRET=S3NTINEL-robot DATABRICKS_TOKEN= run whoami
check_rc "discovery pointing elsewhere" 4
check_match "refused, and said so" "refusing to send credentials there" "$ERR"
check_eq "no token request was sent anywhere" 0 "$(count 'POST /oidc/v1/token')"
emu_stop

# --- a 403 says where the token came from, and which scope is missing -----------------
emu_start
SCOPED=dapi5c0bed5c0bed5c0bed5c0bed5c0bed50
curl -s -X POST "$EMU_URL/emulator/tokens" -d "{\"token_value\":\"$SCOPED\",\"scopes\":[\"sql\"]}" >/dev/null
DATABRICKS_TOKEN=$SCOPED run list
check_rc "a token without the scope" 3
check_match "the server's message" "missing the required scopes" "$ERR"
check_match "where the token came from, and the scope patrol needs" \
	"credential from DATABRICKS_TOKEN \\(pat\\) lacks the API scope 'authentication'" "$ERR"
write_cfg <<EOF
[scoped]
host = $EMU_URL
token = $SCOPED
EOF
unset DATABRICKS_TOKEN DATABRICKS_HOST
run -p scoped list
check_match "a profile's token names the file and profile" "credential from $CFG \\[scoped\\] \\(pat\\)" "$ERR"
DATABRICKS_HOST=$EMU_URL DATABRICKS_TOKEN=dapi0123456789abcdef0123456789abcdef run list
check_rc "an unknown token" 3
check_match "says which credential" "signed in with DATABRICKS_TOKEN \\(pat\\): is it valid for $EMU_URL" "$ERR"

finish
