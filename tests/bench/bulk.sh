#!/bin/bash
# Bulk revocation against the emulator, side by side in one run with the
# ways admins do it today, medians of BENCH_BULK_RUNS runs (default 3, each
# on a fresh emulator: the tokens are gone afterwards):
#  1. 200 revokes at --latency-ms 25: a sequential loop of the official
#     Python SDK's w.token_management.delete, next to patrol's defaults
#     (goal: patrol >= 6x faster).
#  2. 1,000 revokes at --latency-ms 25: a shell loop of one curl per token,
#     next to patrol --jobs 16 and patrol's defaults.
#  3. 1,000 revokes against --rate-limit R (default 50): told the limit, and
#     the defaults finding it (goal: within 10% of the floor N/R, no
#     failure, 429s on at most 3% of the requests).
#  4. 1,000 revokes under --fail 503:0.2 (on the revokes, not the lists):
#     each revoked exactly once.
# Every run checks on /emulator/stats that each id was revoked exactly once
# and reports the exit code, the 429s and the requests the emulator saw.
set -u
: "${top_builddir:=.}"
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
PATROL="$top_builddir/patrol"
EMULATOR="$top_builddir/patrol-emulator"
PYSDK=${PATROL_PYSDK:-$top_srcdir/../shared/peers/python-sdk/pysdk}
RUNS=${BENCH_BULK_RUNS:-3}
N=${BENCH_BULK_N:-1000}
NSDK=${BENCH_BULK_SDK_N:-200}
R=${BENCH_BULK_RATE:-50}
dir=$(mktemp -d "${TMPDIR:-/tmp}/patrol-bulk.XXXXXX")
EMU=""
trap '[ -n "$EMU" ] && kill $EMU 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"' EXIT
export LC_ALL=C.UTF-8 XDG_STATE_HOME="$dir/state"
unset DATABRICKS_CONFIG_PROFILE
export DATABRICKS_TOKEN=dapi00000000000000000000000000000000
AUTH="Authorization: Bearer $DATABRICKS_TOKEN"

# fresh N SEED EMULATOR-ARGS...: a new emulator with 1.5 N tokens of 10
# users; N of their ids go to $dir/ids, the URL to DATABRICKS_HOST. The
# statistics start from zero.
fresh() {
	local n=$1 seed=$2 pf="$dir/url.$RANDOM"
	shift 2
	[ -n "$EMU" ] && { kill "$EMU" 2>/dev/null; wait "$EMU" 2>/dev/null; }
	"$EMULATOR" --listen 127.0.0.1:0 --port-file "$pf" --generate "$((n * 3 / 2)):10" \
		--seed "$seed" "$@" \
		>/dev/null 2>&1 &
	EMU=$!
	for _ in $(seq 400); do [ -s "$pf" ] && break; sleep 0.05; done
	export DATABRICKS_HOST=$(cat "$pf")
	curl -s -H "$AUTH" "$DATABRICKS_HOST/api/2.0/token-management/tokens" |
		jq -r '.token_infos[] | select(.created_by_username != "admin@example.com") | .token_id' |
		head -n "$n" >"$dir/ids"
	[ "$(wc -l <"$dir/ids")" -eq "$n" ] || echo "  (only $(wc -l <"$dir/ids") tokens to revoke)" >&2
	curl -s -X POST "$DATABRICKS_HOST/emulator/reset-stats" >/dev/null
}

curl_loop() {
	local id
	while read -r id; do
		curl -s -o /dev/null -X DELETE -H "$AUTH" "$DATABRICKS_HOST/api/2.0/token-management/tokens/$id"
	done <"$dir/ids"
}

# The way an admin scripts it with the official SDK: one delete after another.
sdk_loop() {
	"$PYSDK" python3 - "$dir/ids" <<'PY'
import os, sys
from databricks.sdk import WorkspaceClient
w = WorkspaceClient(host=os.environ["DATABRICKS_HOST"], token=os.environ["DATABRICKS_TOKEN"])
for line in open(sys.argv[1]):
    w.token_management.delete(line.strip())
PY
}

# timed NAME CMD...: one run; appends "seconds rc bad 429s requests" to
# $dir/runs, where bad counts the ids not revoked exactly once.
timed() {
	local name=$1 t0 t1 rc s
	shift
	t0=$(date +%s%N)
	"$@" >/dev/null 2>"$dir/err"
	rc=$?
	t1=$(date +%s%N)
	s=$(curl -s "$DATABRICKS_HOST/emulator/stats" |
		jq -r --rawfile ids "$dir/ids" '[$ids | split("\n")[] | select(length > 0)] as $w |
			"\([.revokes[$w[]] // 0] | map(select(. != 1)) | length) \(.faults.rate_limited) \(.total)"')
	set -- $s
	[ "$1" = 0 ] || echo "  ($name: $1 ids not revoked exactly once)" >&2
	[ "$rc" = 0 ] || echo "  ($name: exit $rc: $(head -c 200 "$dir/err"))" >&2
	awk -v a="$t0" -v b="$t1" -v rc="$rc" -v rest="$s" 'BEGIN {printf "%.2f %d %s\n", (b - a) / 1e9, rc, rest}' >>"$dir/runs"
}

# col K: the median of column K of $dir/runs.
col() { awk -v k="$1" '{print $k}' "$dir/runs" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# row NAME N SEED EMULATOR-ARGS -- CMD...: RUNS runs, one line of medians;
# the median time goes to $dir/last.
row() {
	local name=$1 n=$2 seed=$3 i
	shift 3
	local emu=()
	while [ "$1" != "--" ]; do emu+=("$1"); shift; done
	shift
	: >"$dir/runs"
	for i in $(seq "$RUNS"); do
		fresh "$n" $((seed + i)) "${emu[@]}"
		timed "$name" "$@"
	done
	printf '%-50s %7s s  exit %s  not once %s  429s %s of %s requests\n' "$name" "$(col 1)" \
		"$(awk '{print $2}' "$dir/runs" | sort -n | tail -n 1)" "$(col 3)" "$(col 4)" "$(col 5)"
	col 1 >"$dir/last"
	awk '{print $4 / ($5 > 0 ? $5 : 1) * 100}' "$dir/runs" | sort -n | tail -n 1 >"$dir/last429"
}

echo "== bulk revoke of $NSDK tokens, emulator latency 25 ms ($RUNS runs each, median)"
if [ -x "$PYSDK" ] && python3 -c 'import requests' 2>/dev/null; then
	row "Python SDK loop of w.token_management.delete" "$NSDK" 600 --latency-ms 25 -- sdk_loop
	SDK=$(cat "$dir/last")
else
	echo "Python SDK not found at $PYSDK (set PATROL_PYSDK) or python3-requests missing: skipped"
	SDK=""
fi
row "patrol revoke --all --yes (defaults)" "$NSDK" 700 --latency-ms 25 -- \
	"$PATROL" revoke --all --yes --from "$dir/ids"
P=$(cat "$dir/last")
[ -n "$SDK" ] && awk -v s="$SDK" -v p="$P" 'BEGIN {
	printf "speed-up of patrol (defaults) over the SDK loop: %.1fx (goal >= 6x)\n", s / p }'

echo "== bulk revoke of $N tokens, emulator latency 25 ms ($RUNS runs each, median)"
row "curl loop, one DELETE per token (today's way)" "$N" 100 --latency-ms 25 -- curl_loop
CURL=$(cat "$dir/last")
row "patrol revoke --all --yes --rate 0 --jobs 16" "$N" 200 --latency-ms 25 -- \
	"$PATROL" revoke --all --yes --rate 0 --jobs 16 --from "$dir/ids"
P16=$(cat "$dir/last")
row "patrol revoke --all --yes (defaults)" "$N" 300 --latency-ms 25 -- \
	"$PATROL" revoke --all --yes --from "$dir/ids"
P=$(cat "$dir/last")
awk -v c="$CURL" -v p="$P16" -v d="$P" 'BEGIN {
	printf "speed-up over the curl loop: patrol --jobs 16 %.1fx, patrol (defaults) %.1fx\n", c / p, c / d }'

echo "== the emulator limits to $R requests/s, latency 25 ms: floor $N/$R = $((N / R)) s"
row "patrol --rate $R --jobs 16 (told the limit)" "$N" 400 --latency-ms 25 --rate-limit "$R" -- \
	"$PATROL" revoke --all --yes --rate "$R" --jobs 16 --from "$dir/ids"
T1=$(cat "$dir/last")
row "patrol revoke --all --yes (defaults: adaptive)" "$N" 500 --latency-ms 25 --rate-limit "$R" -- \
	"$PATROL" revoke --all --yes --from "$dir/ids"
T2=$(cat "$dir/last")
awk -v a="$T1" -v b="$T2" -v f="$((N / R))" -v q="$(cat "$dir/last429")" 'BEGIN {
	printf "over the floor: told %+.1f%%, defaults %+.1f%% (goal <= +10%%); 429s at most %.1f%% of the requests (goal <= 3%%)\n",
		(a / f - 1) * 100, (b / f - 1) * 100, q }'

echo "== $N revokes, the emulator answers 503 to 20% of the requests"
row "patrol revoke --all --yes (defaults)" "$N" 800 --fail 503:0.2 \
	--fault-path /api/2.0/token-management/tokens/ -- \
	"$PATROL" revoke --all --yes --from "$dir/ids"
