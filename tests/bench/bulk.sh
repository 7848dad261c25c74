#!/bin/bash
# Bulk revocation of 1,000 tokens against the emulator at --latency-ms 25,
# side by side in one run with the way admins do it today: a shell loop of
# one curl per token. Then the same with the emulator limiting to R
# requests/s, against the floor N/R. Each run gets a fresh emulator (the
# tokens are gone afterwards). Medians of BENCH_BULK_RUNS runs (default 3).
set -u
: "${top_builddir:=.}"
PATROL="$top_builddir/patrol"
EMULATOR="$top_builddir/patrol-emulator"
RUNS=${BENCH_BULK_RUNS:-3}
N=${BENCH_BULK_N:-1000}
R=${BENCH_BULK_RATE:-50}
dir=$(mktemp -d "${TMPDIR:-/tmp}/patrol-bulk.XXXXXX")
EMU=""
trap '[ -n "$EMU" ] && kill $EMU 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"' EXIT
export LC_ALL=C.UTF-8 XDG_STATE_HOME="$dir/state"
unset DATABRICKS_CONFIG_PROFILE
export DATABRICKS_TOKEN=dapi00000000000000000000000000000000
AUTH="Authorization: Bearer $DATABRICKS_TOKEN"

# fresh SEED EMULATOR-ARGS...: a new emulator with N tokens of 10 users; the
# ids go to $dir/ids, the URL to DATABRICKS_HOST.
fresh() {
	local seed=$1 pf="$dir/url.$RANDOM"
	shift
	[ -n "$EMU" ] && { kill "$EMU" 2>/dev/null; wait "$EMU" 2>/dev/null; }
	"$EMULATOR" --listen 127.0.0.1:0 --port-file "$pf" --generate "$((N * 3 / 2)):10" \
		--seed "$seed" "$@" \
		>/dev/null 2>&1 &
	EMU=$!
	for _ in $(seq 400); do [ -s "$pf" ] && break; sleep 0.05; done
	export DATABRICKS_HOST=$(cat "$pf")
	curl -s -H "$AUTH" "$DATABRICKS_HOST/api/2.0/token-management/tokens" |
		jq -r '.token_infos[] | select(.created_by_username != "admin@example.com") | .token_id' |
		head -n "$N" >"$dir/ids"
	[ "$(wc -l <"$dir/ids")" -eq "$N" ] || echo "  (only $(wc -l <"$dir/ids") tokens to revoke)" >&2
}

curl_loop() {
	local id
	while read -r id; do
		curl -s -o /dev/null -X DELETE -H "$AUTH" "$DATABRICKS_HOST/api/2.0/token-management/tokens/$id"
	done <"$dir/ids"
}

# timed NAME CMD...: seconds for one run; checks every id was revoked once.
timed() {
	local name=$1 t0 t1 bad
	shift
	t0=$(date +%s%N)
	"$@" >/dev/null 2>"$dir/err"
	t1=$(date +%s%N)
	bad=$(curl -s "$DATABRICKS_HOST/emulator/stats" |
		jq --rawfile ids "$dir/ids" '[$ids | split("\n")[] | select(length > 0)] as $w |
			[.revokes[$w[]] // 0] | map(select(. != 1)) | length')
	curl -s "$DATABRICKS_HOST/emulator/stats" | jq '.faults.rate_limited' >>"$dir/thr"
	[ "$bad" = 0 ] || echo "  ($name: $bad ids not revoked exactly once)" >&2
	awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", (b - a) / 1e9}'
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# row NAME SEED EMULATOR-ARGS -- CMD...
row() {
	local name=$1 seed=$2 i s t
	shift 2
	local emu=()
	while [ "$1" != "--" ]; do emu+=("$1"); shift; done
	shift
	: >"$dir/times"
	: >"$dir/thr"
	for i in $(seq "$RUNS"); do
		fresh $((seed + i)) "${emu[@]}"
		s=$(timed "$name" "$@")
		echo "$s" >>"$dir/times"
	done
	t=$(median <"$dir/times")
	printf '%-52s %7s s   429s: %s\n' "$name" "$t" "$(median <"$dir/thr")"
	echo "$t" >"$dir/last"
}

echo "== bulk revoke of $N tokens, emulator latency 25 ms ($RUNS runs each, median)"
row "curl loop, one DELETE per token (today's way)" 100 --latency-ms 25 -- curl_loop
CURL=$(cat "$dir/last")
row "patrol revoke --all --yes --rate 0 --jobs 16" 200 --latency-ms 25 -- \
	"$PATROL" revoke --all --yes --rate 0 --jobs 16 --from "$dir/ids"
P=$(cat "$dir/last")
row "patrol revoke --all --yes --rate 0 (jobs 4)" 300 --latency-ms 25 -- \
	"$PATROL" revoke --all --yes --rate 0 --from "$dir/ids"
awk -v c="$CURL" -v p="$P" 'BEGIN {printf "speed-up of patrol --jobs 16 over the curl loop: %.1fx\n", c / p}'

echo "== the emulator limits to $R requests/s: floor $N/$R = $((N / R)) s"
row "patrol --rate $R --jobs 16 (told the limit)" 400 --latency-ms 25 --rate-limit "$R" -- \
	"$PATROL" revoke --all --yes --rate "$R" --jobs 16 --from "$dir/ids"
T1=$(cat "$dir/last")
row "patrol --rate 0 --jobs 16 (adaptive: 429s halve it)" 500 --latency-ms 25 --rate-limit "$R" -- \
	"$PATROL" revoke --all --yes --rate 0 --jobs 16 --from "$dir/ids"
T2=$(cat "$dir/last")
awk -v a="$T1" -v b="$T2" -v f="$((N / R))" 'BEGIN {
	printf "over the floor: told %+.1f%%, adaptive %+.1f%%\n", (a / f - 1) * 100, (b / f - 1) * 100 }'
