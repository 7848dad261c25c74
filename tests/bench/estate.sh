#!/bin/bash
# The whole estate (issue 11): `patrol audit --all --all-profiles` over W
# workspaces (default 20 emulators of about 2,000 tokens each, latency
# 50 ms), side by side in one run with what admins do today, a shell loop
# of `patrol audit --all -p P` over the same profiles, and with each
# workspace alone. Medians of BENCH_ESTATE_RUNS runs (default 5). Goal: the
# estate at most 1.5x the slowest single workspace. Each run's output is
# checked: every workspace's tokens, exit code 0.
set -u
: "${top_builddir:=.}"
PATROL="$top_builddir/patrol"
EMULATOR="$top_builddir/patrol-emulator"
RUNS=${BENCH_ESTATE_RUNS:-5}
W=${BENCH_ESTATE_W:-20}
N=${BENCH_ESTATE_N:-2000}
LAT=${BENCH_ESTATE_LATENCY_MS:-50}
dir=$(mktemp -d "${TMPDIR:-/tmp}/patrol-estate.XXXXXX")
trap 'for p in $(cat "$dir/pids" 2>/dev/null); do kill $p 2>/dev/null; done; wait 2>/dev/null; rm -rf "$dir"' EXIT
export LC_ALL=C.UTF-8
unset DATABRICKS_CONFIG_PROFILE DATABRICKS_HOST DATABRICKS_TOKEN
export DATABRICKS_CONFIG_FILE="$dir/databrickscfg"
TOKEN=dapi00000000000000000000000000000000

# W emulators, one profile each (w1 ... wW); a tenth of what is generated
# expires, so N * 1.11 are made.
for i in $(seq "$W"); do
	pf="$dir/url.$i"
	"$EMULATOR" --listen 127.0.0.1:0 --port-file "$pf" --generate "$((N * 111 / 100)):20" \
		--seed "$i" --latency-ms "$LAT" >/dev/null 2>&1 &
	echo $! >>"$dir/pids"
done
for i in $(seq "$W"); do
	for _ in $(seq 400); do [ -s "$dir/url.$i" ] && break; sleep 0.05; done
	printf '[w%d]\nhost = %s\ntoken = %s\n\n' "$i" "$(cat "$dir/url.$i")" "$TOKEN"
done >"$DATABRICKS_CONFIG_FILE"
chmod 600 "$DATABRICKS_CONFIG_FILE"
PROFILES=$(seq -f 'w%g' "$W")

# median_ms CMD...: run CMD $RUNS times, print the median ms; a run that
# fails is counted in $dir/failed.
median_ms() {
	local i t0 t1
	for i in $(seq "$RUNS"); do
		t0=$(date +%s%N)
		"$@" >/dev/null 2>&1 || echo x >>"$dir/failed"
		t1=$(date +%s%N)
		echo $(((t1 - t0) / 1000))
	done | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]/1000}'
}
loop() {
	local p
	for p in $PROFILES; do "$PATROL" audit --all -p "$p" || return 1; done
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

total=$("$PATROL" audit --all --all-profiles -o json | jq '.summary.tokens')
echo "== the estate: audit --all over $W workspaces, $total tokens, latency ${LAT} ms ($RUNS runs, median wall time)"
slowest=0 slowest_p=""
for p in $PROFILES; do
	ms=$(median_ms "$PATROL" audit --all -p "$p")
	if awk -v a="$ms" -v b="$slowest" 'BEGIN { exit !(a > b) }'; then slowest=$ms slowest_p=$p; fi
done
estate=$(median_ms "$PATROL" audit --all --all-profiles)
shell=$(median_ms loop)
printf '%-44s %8s ms\n' "patrol audit --all -p P, slowest alone ($slowest_p)" "$slowest"
printf '%-44s %8s ms  %sx the slowest workspace (goal <= 1.5x)\n' \
	"patrol audit --all --all-profiles" "$estate" "$(ratio "$estate" "$slowest")"
printf '%-44s %8s ms  %sx the estate in one run\n' "for P: patrol audit --all -p P (today's way)" \
	"$shell" "$(ratio "$shell" "$estate")"
[ -s "$dir/failed" ] && echo "$(wc -l <"$dir/failed") runs FAILED"
exit 0
