#!/bin/bash
# make bench: figures for the closing notes, medians side by side in one run.
#  1. `patrol list -o json` against the emulator with 600 tokens, next to the
#     way admins do it today (curl piped to jq), and the table output.
#  2. `patrol list --all -o json` over 100,000 tokens (token management),
#     and a revocation plan of all of them (a dry run from a file of ids).
#  3. The model: sort and filter over 100,000 rows (bench_model).
#  4. Bulk revoke with patrol's defaults next to a loop of the official
#     Python SDK (200 tokens) and a curl loop (1,000), under a rate limit
#     against the floor, and through 503s (bulk.sh).
#  5. Failing fast: whoami against a host that does not resolve and a port
#     that refuses (issue 8: 120 s before, seconds now).
set -u
: "${top_builddir:=.}"
PATROL="$top_builddir/patrol"
EMULATOR="$top_builddir/patrol-emulator"
RUNS=${BENCH_RUNS:-21}
dir=$(mktemp -d "${TMPDIR:-/tmp}/patrol-bench.XXXXXX")
# start_emulator runs in $(...), a subshell: its emulators' pids go to a file
trap 'for p in $(cat "$dir/pids" 2>/dev/null); do kill $p 2>/dev/null; done; rm -rf "$dir"' EXIT
export LC_ALL=C.UTF-8
unset DATABRICKS_CONFIG_PROFILE

start_emulator() {
	local pf="$dir/url.$RANDOM"
	"$EMULATOR" --listen 127.0.0.1:0 --port-file "$pf" "$@" >/dev/null 2>&1 &
	echo $! >>"$dir/pids"
	for _ in $(seq 400); do [ -s "$pf" ] && break; sleep 0.05; done
	cat "$pf"
}

# median_ms CMD...: run CMD $RUNS times (output discarded), print the median ms.
median_ms() {
	local i t0 t1
	for i in $(seq "$RUNS"); do
		t0=$(date +%s%N)
		"$@" >/dev/null 2>&1
		t1=$(date +%s%N)
		echo $(((t1 - t0) / 1000))
	done | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]/1000}'
}

export DATABRICKS_TOKEN=dapi00000000000000000000000000000000
URL=$(start_emulator --generate 599:1 --seed 5)
export DATABRICKS_HOST=$URL
n=$("$PATROL" list -o json | jq length)
echo "== list with $n tokens of one user ($RUNS runs, median wall time)"
curl_jq() { curl -s -H "Authorization: Bearer $DATABRICKS_TOKEN" "$URL/api/2.0/token/list" | jq '.token_infos'; }
printf '%-44s %8s ms\n' "patrol list -o json" "$(median_ms "$PATROL" list -o json)"
printf '%-44s %8s ms\n' "patrol list (table)" "$(median_ms "$PATROL" list)"
printf '%-44s %8s ms\n' "curl | jq .token_infos (today's way)" "$(median_ms curl_jq)"

URL=$(start_emulator --generate 100000:200 --seed 5)
export DATABRICKS_HOST=$URL
RUNS=5
echo "== token management list with 100,000 tokens ($RUNS runs, median)"
printf '%-44s %8s ms\n' "patrol list --all -o json" "$(median_ms "$PATROL" list --all -o json)"
printf '%-44s %8s ms\n' "patrol list --all --filter ci --sort expires" "$(median_ms "$PATROL" list --all --filter ci --sort expires)"
if command -v python3 >/dev/null 2>&1; then
	BENCH_RUNS=11 python3 "$(dirname "$0")/ui_bench.py" "$PATROL" big
fi
curl_jq_all() { curl -s -H "Authorization: Bearer $DATABRICKS_TOKEN" "$URL/api/2.0/token-management/tokens" | jq '.token_infos'; }
printf '%-44s %8s ms\n' "curl | jq (today's way)" "$(median_ms curl_jq_all)"
curl -s -H "Authorization: Bearer $DATABRICKS_TOKEN" "$URL/api/2.0/token-management/tokens" |
	jq -r '.token_infos[].token_id' >"$dir/ids100k"
printf '%-44s %8s ms\n' "patrol revoke --all --dry-run, 100,000 ids" \
	"$(median_ms "$PATROL" revoke --all --dry-run --from "$dir/ids100k" -o json)"

echo "== UI through a pty, 600 tokens"
URL=$(start_emulator --generate 599:1 --seed 5)
if command -v python3 >/dev/null 2>&1; then
	DATABRICKS_HOST=$URL python3 "$(dirname "$0")/ui_bench.py" "$PATROL"
else
	echo "python3 not installed: UI figures skipped"
fi

echo "== model over 100,000 rows"
"$top_builddir/tests/bench/bench_model"

bash "$(dirname "$0")/bulk.sh"

echo "== failing fast (3 runs, median wall time; exit status 4 expected)"
RUNS=3
closed=$( (python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])') 2>/dev/null || echo 9)
printf '%-44s %8s ms\n' "whoami, https://dbc-nonexistent.invalid" \
	"$(DATABRICKS_HOST=https://dbc-nonexistent.invalid median_ms "$PATROL" whoami)"
printf '%-44s %8s ms\n' "whoami, a refused port (127.0.0.1:$closed)" \
	"$(DATABRICKS_HOST=https://127.0.0.1:$closed median_ms "$PATROL" whoami)"
