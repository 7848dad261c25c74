#!/bin/bash
# The whole estate (issue 11): `patrol audit --all --all-profiles` over W
# workspaces (default 20 emulators of about 2,000 tokens each, latency
# 50 ms), side by side in one run with what admins do today, a shell loop
# of `patrol audit --all -p P` over the same profiles, with each workspace
# alone, and with the floor: curl fetching the same lists at once, parsing
# nothing. Medians of BENCH_ESTATE_RUNS runs (default 5, at least
# 3), taken in alternating rounds, with their spread. Goal: the estate at
# most 1.5x the slowest single workspace. Each run's output is
# checked: every workspace's tokens, exit code 0. Then the estate by size
# (2, 4, 8 workspaces), and what bounds the ratio here: the emulators' CPU,
# YAJL's alone over the same lists (bench_yajl), and the lower bound they
# set with the start-up and the latency. With PATROL_BEFORE=PATH (a
# patrol built from an older tree) its estate is timed in the same rounds,
# and its CPU time measured alongside, marked "(before)". The CPU time of
# -o json and -o csv over the estate follows (and the older tree's).
set -u
: "${top_builddir:=.}"
PATROL="$top_builddir/patrol"
EMULATOR="$top_builddir/patrol-emulator"
BEFORE=${PATROL_BEFORE:-}
[ -n "$BEFORE" ] && [ ! -x "$BEFORE" ] && { echo "PATROL_BEFORE=$BEFORE is not a program"; BEFORE=""; }
RUNS=${BENCH_ESTATE_RUNS:-5}
[ "$RUNS" -ge 3 ] || RUNS=3
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

# time_ms FILE CMD...: run CMD once, append its wall time in ms to FILE; a
# run that fails is counted in $dir/failed.
time_ms() {
	local f=$1 t0 t1
	shift
	t0=$(date +%s%N)
	"$@" >/dev/null 2>&1 || echo x >>"$dir/failed"
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000)) >>"$f"
}
# stats FILE: "median min max" of its times, in ms.
stats() {
	sort -n "$1" | awk '{a[NR]=$1} END {printf "%.1f %.1f %.1f", a[int((NR+1)/2)]/1000, a[1]/1000, a[NR]/1000}'
}
loop() {
	local p
	for p in $PROFILES; do "$PATROL" audit --all -p "$p" || return 1; done
}
# The floor: curl fetching every workspace's list at once and parsing
# nothing (what the transfers alone take, the emulators' work included).
CURL_ARGS=(-s -f -H "Authorization: Bearer $TOKEN" --parallel --parallel-immediate
	--parallel-max "$W")
for i in $(seq "$W"); do
	CURL_ARGS+=(-o /dev/null "$(cat "$dir/url.$i")/api/2.0/token-management/tokens")
done
floor() { curl "${CURL_ARGS[@]}"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

total=$("$PATROL" audit --all --all-profiles -o json | jq '.summary.tokens')
echo "== the estate: audit --all over $W workspaces, $total tokens, latency ${LAT} ms ($RUNS runs, median wall time [min-max])"
# The runs alternate: each round times every workspace alone, then the
# estate, then the shell loop, so a load that comes and goes on the
# machine (the emulators share its cores) weighs on all of them alike.
for r in $(seq "$RUNS"); do
	for p in $PROFILES; do time_ms "$dir/t.$p" "$PATROL" audit --all -p "$p"; done
	time_ms "$dir/t.estate" "$PATROL" audit --all --all-profiles
	[ -z "$BEFORE" ] || time_ms "$dir/t.before" "$BEFORE" audit --all --all-profiles
	time_ms "$dir/t.shell" loop
	time_ms "$dir/t.floor" floor
done
slowest=0 slowest_p=""
for p in $PROFILES; do
	read -r ms _ _ < <(stats "$dir/t.$p")
	if awk -v a="$ms" -v b="$slowest" 'BEGIN { exit !(a > b) }'; then slowest=$ms slowest_p=$p; fi
done
read -r slowest slo shi < <(stats "$dir/t.$slowest_p")
read -r estate elo ehi < <(stats "$dir/t.estate")
read -r shell llo lhi < <(stats "$dir/t.shell")
read -r floor flo fhi < <(stats "$dir/t.floor")
printf '%-44s %8s ms [%s-%s]\n' "patrol audit --all -p P, slowest alone ($slowest_p)" "$slowest" "$slo" "$shi"
printf '%-44s %8s ms [%s-%s]  %sx the slowest workspace (goal <= 1.5x)\n' \
	"patrol audit --all --all-profiles" "$estate" "$elo" "$ehi" "$(ratio "$estate" "$slowest")"
printf '%-44s %8s ms [%s-%s]  %sx the estate in one run\n' \
	"for P: patrol audit --all -p P (today's way)" "$shell" "$llo" "$lhi" "$(ratio "$shell" "$estate")"
printf '%-44s %8s ms [%s-%s]  %sx the slowest workspace: the floor, nothing parsed\n' \
	"curl --parallel of the $W lists" "$floor" "$flo" "$fhi" "$(ratio "$floor" "$slowest")"
if [ -n "$BEFORE" ]; then
	read -r before blo bhi < <(stats "$dir/t.before")
	printf '%-44s %8s ms [%s-%s]  %sx the slowest workspace\n' \
		"patrol audit --all --all-profiles (before)" "$before" "$blo" "$bhi" \
		"$(ratio "$before" "$slowest")"
fi
# What bounds the ratio: the estate does W workspaces' work (their lists
# parsed, their rows flagged and printed) where one workspace does one's,
# on the same few CPUs the W emulators use, so its wall time is at least a
# round trip plus its CPU time over the CPUs. Patrol's own CPU (user +
# system), medians, the runs alternating:
cmds=("$PATROL" audit --all --all-profiles --- "$PATROL" audit --all -p "$slowest_p")
[ -z "$BEFORE" ] || cmds+=(--- "$BEFORE" audit --all --all-profiles)
cpu=$(python3 "$(dirname "$0")/measure.py" "$RUNS" "${cmds[@]}")
ecpu=$(printf '%s\n' "$cpu" | awk 'NR == 1 { print $4 }')
scpu=$(printf '%s\n' "$cpu" | awk 'NR == 2 { print $4 }')
printf '%-44s %8s ms CPU (estate) / %s ms CPU (%s alone), %s CPUs\n' "patrol's own CPU time" \
	"$ecpu" "$scpu" "$slowest_p" "$(nproc)"
[ -z "$BEFORE" ] || printf '%-44s %8s ms CPU (estate)\n' "patrol's own CPU time (before)" \
	"$(printf '%s\n' "$cpu" | awk 'NR == 3 { print $4 }')"
# The other formats over the estate: every token's row, written.
cmds=("$PATROL" audit --all --all-profiles -o json --- "$PATROL" audit --all --all-profiles -o csv)
[ -z "$BEFORE" ] || cmds+=(--- "$BEFORE" audit --all --all-profiles -o json
			   --- "$BEFORE" audit --all --all-profiles -o csv)
cpu=$(python3 "$(dirname "$0")/measure.py" "$RUNS" "${cmds[@]}")
printf '%-44s %8s ms CPU (-o json) / %s ms CPU (-o csv)\n' "patrol's own CPU time, estate" \
	"$(printf '%s\n' "$cpu" | awk 'NR == 1 { print $4 }')" "$(printf '%s\n' "$cpu" | awk 'NR == 2 { print $4 }')"
[ -z "$BEFORE" ] || printf '%-44s %8s ms CPU (-o json) / %s ms CPU (-o csv)\n' \
	"patrol's own CPU time, estate (before)" \
	"$(printf '%s\n' "$cpu" | awk 'NR == 3 { print $4 }')" "$(printf '%s\n' "$cpu" | awk 'NR == 4 { print $4 }')"

# The estate by size: the first K profiles at once, K = 2, 4, 8, beside the
# slowest workspace alone, the runs alternating. Each workspace adds its
# emulator's and patrol's CPU to be shared by the same CPUs, so the ratio
# grows with K; where it crosses 1.5x is what this machine allows.
cmds=("$PATROL" audit --all -p "$slowest_p")
sizes=""
for k in 2 4 8; do
	[ "$k" -lt "$W" ] || continue
	sizes="$sizes $k"
	cmds+=(--- "$PATROL" audit --all --profiles "$(seq -s, -f 'w%g' "$k")")
done
if [ -n "$sizes" ]; then
	sz=$(python3 "$(dirname "$0")/measure.py" "$RUNS" "${cmds[@]}")
	alone=$(printf '%s\n' "$sz" | awk 'NR == 1 { print $1 }')
	line="" n=2
	for k in $sizes; do
		ms=$(printf '%s\n' "$sz" | awk -v n="$n" 'NR == n { print $1 }')
		line="$line  $k: $ms ms $(ratio "$ms" "$alone")x"
		n=$((n + 1))
	done
	printf '%-44s %s  (alone %s ms)\n' "the estate by size (K workspaces)" "$line" "$alone"
fi

# What the goal leaves, on this machine. After the round trip, the W
# emulators' CPU (answering the W lists) and the parser's CPU (YAJL alone
# over the same bodies, nothing kept) share the same CPUs before the last
# token can be printed; patrol's start-up comes first. Their sum is a lower
# bound for any client of this parser here, whatever else it does.
for p in $(cat "$dir/pids"); do awk '{ s += $14 + $15 } END { print s }' "/proc/$p/stat"; done \
	>"$dir/emu.before" 2>/dev/null
for r in $(seq "$RUNS"); do floor >/dev/null 2>&1; done
for p in $(cat "$dir/pids"); do awk '{ s += $14 + $15 } END { print s }' "/proc/$p/stat"; done \
	>"$dir/emu.after" 2>/dev/null
emu=$(paste "$dir/emu.before" "$dir/emu.after" | awk -v hz="$(getconf CLK_TCK)" -v r="$RUNS" \
	'{ s += $2 - $1 } END { printf "%.1f", s * 1000 / hz / r }')
i=0
for p in $PROFILES; do
	i=$((i + 1))
	curl -s -f -H "Authorization: Bearer $TOKEN" -o "$dir/body.$i.json" \
		"$(cat "$dir/url.$i")/api/2.0/token-management/tokens" || echo x >>"$dir/failed"
done
read -r yajl ytok < <("$top_builddir/tests/bench/bench_yajl" "$RUNS" "$dir"/body.*.json)
cpu=$(python3 "$(dirname "$0")/measure.py" "$RUNS" "$PATROL" --version --- curl "${CURL_ARGS[@]}")
startup=$(printf '%s\n' "$cpu" | awk 'NR == 1 { print $1 }')
printf '%-44s %8s ms CPU, its start-up included\n' "curl's own CPU time for the floor" \
	"$(printf '%s\n' "$cpu" | awk 'NR == 2 { print $4 }')"
printf '%-44s %8s ms CPU per round, %s CPUs\n' "the $W emulators answering their lists" "$emu" "$(nproc)"
printf '%-44s %8s ms CPU (%s tokens, %s us a token)\n' "YAJL alone over the $W lists, one thread" \
	"$yajl" "$ytok" "$(awk -v a="$yajl" -v t="$ytok" 'BEGIN { printf "%.2f", a * 1000 / t }')"
bound=$(awk -v s="$startup" -v l="$LAT" -v e="$emu" -v y="$yajl" -v c="$(nproc)" \
	'BEGIN { printf "%.1f", s + l + (e + y) / c }')
printf '%-44s %8s ms  %sx the slowest workspace (start-up %s + latency %s + (emulators + YAJL) / CPUs)\n' \
	"lower bound for any YAJL client here" "$bound" "$(ratio "$bound" "$slowest")" "$startup" "$LAT"
printf '%-44s %8s ms CPU for all else patrol does (parse callbacks, audit, output, kernel)\n' \
	"what 1.5x leaves" "$(awk -v b="$slowest" -v s="$startup" -v l="$LAT" -v e="$emu" -v y="$yajl" \
	-v c="$(nproc)" 'BEGIN { v = (1.5 * b - s - l) * c - e - y; printf "%.1f", v }')"

[ -s "$dir/failed" ] && echo "$(wc -l <"$dir/failed") runs FAILED"
exit 0
