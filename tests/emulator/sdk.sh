#!/bin/bash
# sdk.sh: the official Databricks Python SDK, unchanged, against the
# emulator: token management (list, get, update), the Token API, the token
# permissions (get, set, update, levels), SCIM service principals with a
# filter, and tokens on behalf of a service principal (sdk_check.py), then
# what the emulator received.
#
# The SDK comes from the pysdk wrapper named by PATROL_PYSDK (default
# $top_srcdir/../shared/peers/python-sdk/pysdk). Without it, python3 or
# python3-requests the test is skipped (exit 77), never failed.
. "${top_srcdir:-.}/tests/emulator/lib.sh"

PYSDK=${PATROL_PYSDK:-${top_srcdir:-.}/../shared/peers/python-sdk/pysdk}
APP=b3f9d2e8-1a6c-4e5b-8d7f-0c2a9e4b6d13	# etl-runner of --generate

skip() { echo "1..0 # SKIP $1"; exit 77; }
command -v python3 >/dev/null || skip "python3 missing"
python3 -c 'import requests' 2>/dev/null || skip "python3-requests missing"
[ -x "$PYSDK" ] || skip "the Python SDK wrapper is not at $PYSDK (set PATROL_PYSDK)"

start sdk --generate 200:4 --seed 5 --now-ms $NOW --user alice@example.com=$ALICE \
    --service-principal sp-app-1
"$PYSDK" python3 "${top_srcdir:-.}/tests/emulator/sdk_check.py" "$U" "$ADMIN" "$ALICE" "$APP" \
    >"$T/sdk.out" 2>"$T/sdk.err"
RC=$?
check "sdk_check.py ran to the end" eval '[ $RC -eq 0 ] || { sed "s/^/# /" "$T/sdk.err" | tail -n 20; false; }'
while IFS=$'\t' read -r verdict what why; do
	check "python SDK: $what" eval '[ "$verdict" = PASS ] || { echo "# $why"; false; }'
done <"$T/sdk.out"
check "  every check reported" eq "$(wc -l <"$T/sdk.out")" 14
grep -q "^FAIL" "$T/sdk.out" && sed 's/^/# /' "$T/sdk.err" | tail -n 30
check "the emulator received the SDK's permission calls once each" \
    stats '.requests["PUT /api/2.0/permissions/authorization/tokens"] == 1 and .requests["PATCH /api/2.0/permissions/authorization/tokens"] == 1 and .requests["GET /api/2.0/permissions/authorization/tokens/permissionLevels"] == 1'
check "  and the SCIM pages, one a service principal, then an empty one" \
    stats '.requests["GET /api/2.0/preview/scim/v2/ServicePrincipals"] >= 5'
check "  and deleted alice's two tokens for the PUT" stats '.server.deleted_by_permissions == 2'

finish
