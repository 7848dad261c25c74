#!/bin/bash
# End-to-end: secrets never leak. Sentinel tokens go in; every output, the
# debug log, and the process environment are searched for them.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

BOB=dapi5e4712e15e4712e15e4712e15e4712e1
emu_start --user sentinel@example.com=$BOB --oauth-client robot:S3NTINEL-client-secret
export DATABRICKS_TOKEN=$BOB

run --debug list
check_rc "debug list" 0
check_match "debug log shows the request" "GET .*/api/2.0/token/list" "$ERR"
check_match "Authorization is redacted" "Authorization: <redacted>" "$ERR"
check_nomatch "the token is not in the debug log" "$BOB" "$ERR$OUT"

run --debug create --comment "sentinel secret"
check_rc "debug create" 0
NEW=$OUT
check_match "the new secret is on stdout" '^dapi[0-9a-f]{32}$' "$NEW"
check_nomatch "the new secret is not in stderr" "$NEW" "$ERR"
check_nomatch "no response body in the debug log" "token_value" "$ERR"

run --debug -o json list
check_nomatch "list output never holds a secret" "$BOB|$NEW" "$OUT$ERR"
run -o csv list
check_nomatch "csv never holds a secret" "$BOB|$NEW" "$OUT"

unset DATABRICKS_TOKEN
DATABRICKS_CLIENT_ID=robot DATABRICKS_CLIENT_SECRET=S3NTINEL-client-secret run --debug whoami
check_rc "debug with OAuth" 0
check_nomatch "client secret not logged" "S3NTINEL" "$ERR$OUT"
check_nomatch "no Basic credentials logged" "Basic [A-Za-z0-9+/=]{8,}" "$ERR"
check_match "token endpoint call logged" "/oidc/v1/token" "$ERR"

# The environment copy of DATABRICKS_TOKEN is wiped once read: with a slow
# workspace, look at /proc/PID/environ while patrol waits.
emu_stop
emu_start --user sentinel@example.com=$BOB --latency-ms 1500
DATABRICKS_TOKEN=$BOB "$PATROL" list >/dev/null 2>&1 &
PID=$!
# The first request reaching the emulator proves the worker started, and the
# environment is scrubbed before that; the 1.5 s latency keeps patrol alive.
i=0
while [ $i -lt 200 ] && [ "$(stats .total)" = 0 ]; do sleep 0.02; i=$((i + 1)); done
if [ -r "/proc/$PID/environ" ]; then
	if tr '\0' '\n' <"/proc/$PID/environ" | grep -q "$BOB"; then
		not_ok "DATABRICKS_TOKEN wiped from /proc/PID/environ"
	else
		ok "DATABRICKS_TOKEN wiped from /proc/PID/environ"
	fi
else
	echo "# /proc/$PID/environ not readable by this user: check skipped"
fi
wait $PID
check_eq "the slow list still succeeded" 0 "$?"

finish
