#!/bin/bash
# make bench: figures for the closing notes, medians side by side in one run.
#  1. `patrol list -o json` against the emulator with 600 tokens, next to the
#     way admins do it today (curl piped to jq), and the table output.
#  2. `patrol list --all -o json` over 100,000 tokens (token management,
#     35 MB of JSON) next to `curl -o /dev/null` of the same list (the
#     floor: goal <= 3x, peak RSS <= 64 MB), and at 20,000 tokens next to the
#     official Python SDK's `[t.as_dict() for t in w.token_management.list()]`
#     dumped as JSON (goal >= 20x faster); a revocation plan of 100,000 ids
#     (a dry run from a file of ids); the UI over the same list: filter and
#     sort keys, peak RSS across the load and three refreshes (goal <= 96 MB),
#     and keys while the list streams in from a slow link (goal <= 16 ms).
#     With PATROL_BEFORE=PATH (a patrol built from an older tree, e.g. main
#     in a scratch clone), the same rows are measured for it too, in the
#     same run, marked "(before)".
#  3. The model: sort and filter over 100,000 rows (bench_model).
#  4. Bulk revoke with patrol's defaults next to a loop of the official
#     Python SDK (200 tokens) and a curl loop (1,000), under a rate limit
#     against the floor, and through 503s (bulk.sh).
#  5. The estate: audit --all --all-profiles over 20 workspaces next to a
#     shell loop over the same profiles and the slowest one alone (estate.sh;
#     PATROL_BEFORE's estate too, when given), and patrol's CPU for the
#     estate's -o json and -o csv; the estate at 2, 4 and 8 workspaces; and
#     what bounds the ratio on this machine (the emulators' CPU, YAJL's
#     alone over the same lists, the lower bound they set).
#  6. Failing fast: whoami against a host that does not resolve and a port
#     that refuses (issue 8: 120 s before, seconds now).
# BENCH_SECTIONS picks sections (default "1 2 3 4 5 6"; the UI through a pty
# over 600 tokens goes with 1); "2-list" is section 2 without the UI: only
# the list rows next to curl and the SDK.
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
SECTIONS=" ${BENCH_SECTIONS:-1 2 3 4 5 6} "

# want S: whether section S is to run ("2-list" runs with 2 too).
want() {
	case "$SECTIONS" in *" $1 "*) return 0 ;; esac
	[ "$1" = 2-list ] && want 2
}

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
if want 1; then
	URL=$(start_emulator --generate 599:1 --seed 5)
	export DATABRICKS_HOST=$URL
	n=$("$PATROL" list -o json | jq length)
	echo "== list with $n tokens of one user ($RUNS runs, median wall time)"
	curl_jq() { curl -s -H "Authorization: Bearer $DATABRICKS_TOKEN" "$URL/api/2.0/token/list" | jq '.token_infos'; }
	printf '%-44s %8s ms\n' "patrol list -o json" "$(median_ms "$PATROL" list -o json)"
	printf '%-44s %8s ms\n' "patrol list (table)" "$(median_ms "$PATROL" list)"
	printf '%-44s %8s ms\n' "curl | jq .token_infos (today's way)" "$(median_ms curl_jq)"
fi

BEFORE=${PATROL_BEFORE:-}
[ -n "$BEFORE" ] && [ ! -x "$BEFORE" ] && { echo "PATROL_BEFORE=$BEFORE is not a program"; BEFORE=""; }
MEASURE="$(dirname "$0")/measure.py"
TM_PATH=/api/2.0/token-management/tokens
PYSDK=${PATROL_PYSDK:-${top_srcdir:-.}/../shared/peers/python-sdk/pysdk}

# big N: an emulator whose token-management list holds about N tokens (a
# tenth of what is generated expires out of it); its URL, and the count in
# $dir/count.
big() {
	local url
	url=$(start_emulator --generate "$(($1 * 111 / 100)):200" --seed 5 "${@:2}")
	curl -s -H "Authorization: Bearer $DATABRICKS_TOKEN" "$url$TM_PATH" |
		jq '.token_infos | length' >"$dir/count"
	echo "$url"
}
# row_print LABEL "MS KB FAILED CPU_MS" (a line of measure.py): the row
# without its newline; sets ROW_MS, ROW_MB.
row_print() {
	local label=$1 ms kb failed cpu
	read -r ms kb failed cpu <<<"$2"
	ROW_MS=$ms
	ROW_MB=$(awk -v k="$kb" 'BEGIN { printf "%.1f", k / 1024 }')
	printf '%-44s %8s ms %7s MB %7s ms CPU%s' "$label" "$ms" "$ROW_MB" "$cpu" \
		"$([ "$failed" -gt 0 ] && echo " ($failed runs FAILED)")"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
# side RUNS REF_LABEL HOW REF_CMD...: REF_CMD (curl, or the SDK) and
# `patrol list --all -o json` (and the one from before, when given)
# measured side by side, their runs alternating, then a row each with
# patrol's ratio to the reference: HOW "curl" (how many times the floor)
# or "sdk" (how many times faster than the SDK), goal first.
side() {
	local runs=$1 label=$2 how=$3 ref bin k=2 goal=yes
	local cmds=("${@:4}" --- "$PATROL" list --all -o json)
	[ -n "$BEFORE" ] && cmds+=(--- "$BEFORE" list --all -o json)
	python3 "$MEASURE" "$runs" "${cmds[@]}" >"$dir/side"
	row_print "$label" "$(sed -n 1p "$dir/side")"
	echo
	ref=$ROW_MS
	for bin in "$PATROL" $BEFORE; do
		label="patrol list --all -o json"
		[ "$bin" = "$PATROL" ] || label="$label (before)"
		row_print "$label" "$(sed -n "${k}p" "$dir/side")"
		if [ "$how" = curl ]; then
			printf '  %sx curl%s\n' "$(ratio "$ROW_MS" "$ref")" "${goal:+ (goal <= 3x, <= 64 MB)}"
		else
			printf '  %sx faster than the SDK%s\n' "$(ratio "$ref" "$ROW_MS")" \
				"${goal:+ (goal >= 20x)}"
		fi
		goal=
		k=$((k + 1))
	done
}
cat >"$dir/sdk_list.py" <<'PY'
import json, sys
from databricks.sdk import WorkspaceClient
w = WorkspaceClient(host=sys.argv[1], token=sys.argv[2])
json.dump([t.as_dict() for t in w.token_management.list()], sys.stdout)
PY

if want 2-list; then
	URL=$(big 100000)
	export DATABRICKS_HOST=$URL
	N=$(cat "$dir/count")
	MB=$(curl -s -H "Authorization: Bearer $DATABRICKS_TOKEN" "$URL$TM_PATH" | wc -c | awk '{ printf "%.0f", $1 / 1048576 }')
	RUNS=7
	echo "== token management list, $N tokens ($MB MB of JSON); $RUNS runs each, alternating: median wall, peak RSS, median CPU"
	side $RUNS "curl -o /dev/null (the floor)" curl curl -s -o /dev/null \
		-H "Authorization: Bearer $DATABRICKS_TOKEN" "$URL$TM_PATH"
	RUNS=5
	printf '%-44s %8s ms\n' "patrol list --all --filter ci --sort expires" "$(median_ms "$PATROL" list --all --filter ci --sort expires)"
fi
if want 2; then
	curl_jq_all() { curl -s -H "Authorization: Bearer $DATABRICKS_TOKEN" "$URL$TM_PATH" | jq '.token_infos'; }
	printf '%-44s %8s ms\n' "curl | jq (today's way)" "$(median_ms curl_jq_all)"
	curl -s -H "Authorization: Bearer $DATABRICKS_TOKEN" "$URL$TM_PATH" |
		jq -r '.token_infos[].token_id' >"$dir/ids100k"
	printf '%-44s %8s ms\n' "patrol revoke --all --dry-run, $N ids" \
		"$(median_ms "$PATROL" revoke --all --dry-run --from "$dir/ids100k" -o json)"
	if command -v python3 >/dev/null 2>&1; then
		BENCH_RUNS=11 python3 "$(dirname "$0")/ui_bench.py" "$PATROL" big "$N"
		[ -n "$BEFORE" ] && BENCH_RUNS=11 python3 "$(dirname "$0")/ui_bench.py" "$BEFORE" big "$N" "(before)"
		SLOW=$(start_emulator --generate 111000:200 --seed 5 --slow-body 8000000 --fault-path /token-management/)
		DATABRICKS_HOST=$SLOW python3 "$(dirname "$0")/ui_bench.py" "$PATROL" stream
	fi
fi

if want 2-list; then
	URL=$(big 20000)
	export DATABRICKS_HOST=$URL
	N=$(cat "$dir/count")
	RUNS=5
	echo "== token management list, $N tokens, next to the official Python SDK ($RUNS runs each, alternating)"
	if [ -x "$PYSDK" ] && python3 -c 'import requests' 2>/dev/null; then
		side $RUNS "Python SDK: [t.as_dict() ...] as JSON" sdk "$PYSDK" python3 \
			"$dir/sdk_list.py" "$DATABRICKS_HOST" "$DATABRICKS_TOKEN"
	else
		echo "the Python SDK is not at $PYSDK (set PATROL_PYSDK), or python3-requests is missing: skipped"
	fi
fi

if want 1; then
	echo "== UI through a pty, 600 tokens"
	URL=$(start_emulator --generate 599:1 --seed 5)
	if command -v python3 >/dev/null 2>&1; then
		DATABRICKS_HOST=$URL python3 "$(dirname "$0")/ui_bench.py" "$PATROL"
		[ -n "$BEFORE" ] && DATABRICKS_HOST=$URL python3 "$(dirname "$0")/ui_bench.py" "$BEFORE" \
			frame "" "(before)"
	else
		echo "python3 not installed: UI figures skipped"
	fi
fi

if want 3; then
	echo "== model over 100,000 rows"
	"$top_builddir/tests/bench/bench_model"
fi

want 4 && bash "$(dirname "$0")/bulk.sh"

want 5 && bash "$(dirname "$0")/estate.sh"

want 6 || exit 0
echo "== failing fast (3 runs, median wall time; exit status 4 expected)"
RUNS=3
closed=$( (python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])') 2>/dev/null || echo 9)
printf '%-44s %8s ms\n' "whoami, https://dbc-nonexistent.invalid" \
	"$(DATABRICKS_HOST=https://dbc-nonexistent.invalid median_ms "$PATROL" whoami)"
printf '%-44s %8s ms\n' "whoami, a refused port (127.0.0.1:$closed)" \
	"$(DATABRICKS_HOST=https://127.0.0.1:$closed median_ms "$PATROL" whoami)"
