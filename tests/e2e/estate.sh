#!/bin/bash
# End-to-end: several workspaces at once (issue 11): -p A -p B, --profiles,
# --all-profiles, each workspace with its own credentials (a PAT, OAuth M2M,
# the Databricks CLI through a fake), one down, one where the caller is no
# admin, one whose token is refused, and an account console that is skipped.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

BOB=dapi11111111111111111111111111111111
CLI_TOKEN=eyJfake.cli-admin.sig
emus_start 4 --generate 40:4 --user bob@example.com=$BOB \
	--oauth-client robot:s3cret-robot --oauth-token admin@example.com=$CLI_TOKEN
A=${EMU_URLS[0]} B=${EMU_URLS[1]} C=${EMU_URLS[2]} D=${EMU_URLS[3]}
emu_start
DOWN=$EMU_URL
emu_stop
unset DATABRICKS_HOST DATABRICKS_TOKEN

# a fake `databricks` that prints the CLI's token (as tests/e2e/auth.sh does)
mkdir -p "$T/bin"
cat >"$T/bin/databricks" <<FAKE
#!/bin/sh
echo "\$*" >>"$T/databricks.argv"
printf '{"access_token":"%s","token_type":"Bearer","expiry":"2099-01-01T00:00:00+00:00"}\n' "$CLI_TOKEN"
FAKE
chmod 755 "$T/bin/databricks"
export PATH="$T/bin:$PATH"

{
	cfg_profile prod "$A"
	cfg_profile staging "$B" client_id=robot client_secret=s3cret-robot
	cfg_profile dev "$C" auth_type=databricks-cli
	cfg_profile bobs "$D" token=$BOB
	cfg_profile gone "$DOWN"
	cfg_profile revoked "$D" token=dapi99999999999999999999999999999999
	cfg_profile acct https://accounts.cloud.databricks.com \
		account_id=00000000-0000-0000-0000-000000000000 client_id=x client_secret=y
} | cfg_write

# active_in URL: the active tokens of a workspace (every user's)
active_in() {
	curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "$1/api/2.0/token-management/tokens" |
		jq '.token_infos | length'
}
NA=$(active_in "$A") NB=$(active_in "$B") NC=$(active_in "$C")

# --- picking ---------------------------------------------------------------
run list -p prod -p staging -o json
check_rc "list -p prod -p staging" 0
check_eq "the caller's own tokens of both workspaces, each marked" "prod staging" \
	"$(printf '%s' "$OUT" | jq -r '[.[].workspace] | unique | join(" ")')"
check_eq "rows carry their host" "$A" \
	"$(printf '%s' "$OUT" | jq -r '[.[] | select(.workspace == "prod") | .host] | unique | .[0]')"
run list --profiles prod,staging -o json
check_eq "--profiles A,B is -p A -p B" "prod staging" \
	"$(printf '%s' "$OUT" | jq -r '[.[].workspace] | unique | join(" ")')"
run list -p prod --profiles ' staging , prod' -o json
check_rc "names repeat and mix" 0
run whoami -p prod -p staging
check_rc "whoami covers one workspace" 2
check_match "says which commands cover several" "one workspace.*list" "$ERR"
run list --profiles prod,nosuch
check_rc "an unknown profile stops before any request" 2
check_match "the unknown profile is named" "nosuch" "$ERR"

# --- every workspace: one down, one not admin, an account console ----------
for u in "$A" "$B" "$C" "$D"; do at "$u" reset_stats; done
run list --all --all-profiles -o json
check_rc "one workspace down and one not admin: exit 1" 1
check_match "the account console is skipped with a note" "skipped profile 'acct'.*account console" "$ERR"
check_match "the workspace that is down: one line" "workspace 'gone':.*(connect|refused)" "$ERR"
check_match "the workspace where the caller is no admin: one line" \
	"workspace 'bobs':.*admin.*bob@example.com" "$ERR"
check_match "the workspace that refuses the token: one line" \
	"workspace 'revoked':.*(401|403).*signed in with .*\[revoked\]" "$ERR"
check_eq "four lines on stderr" 4 "$(printf '%s\n' "$ERR" | wc -l)"
check_eq "the others in full" "$((NA + NB + NC))" "$(printf '%s' "$OUT" | jq length)"
check_eq "per workspace" "$NA $NB $NC" "$(printf '%s' "$OUT" | jq -r \
	'[(map(select(.workspace == "prod")) | length), (map(select(.workspace == "staging")) | length), (map(select(.workspace == "dev")) | length)] | join(" ")')"
for u in "$A" "$B" "$C"; do
	check_eq "one token-management list at $u" 1 \
		"$(at "$u" count "GET /api/2.0/token-management/tokens")"
done
check_eq "the OAuth workspace signed in once" 1 \
	"$(at "$B" count "POST /oidc/v1/token")"
check_eq "the CLI workspace asked the fake CLI" "auth token --profile dev" "$(head -n 1 "$T/databricks.argv")"

run list --all --all-profiles -o csv
check_eq "CSV: the workspace column first" "workspace,token_id" \
	"$(printf '%s' "$OUT" | head -n 1 | cut -d, -f1-2)"
check_eq "CSV rows" "$((NA + NB + NC + 1))" "$(printf '%s\n' "$OUT" | wc -l)"
COLUMNS=200 run list --all -p prod -p dev
check_match "table: a WORKSPACE column" "^WORKSPACE +ID" "$OUT"
check_match "table: rows name their workspace" "^dev " "$OUT"

# --- an account console named by hand: refused, nothing sent there ----------
# The emulator at A stands as the HTTPS proxy: a CONNECT towards the account
# console would be counted there.
at "$A" reset_stats
for cmd in "list -p acct" "audit --all -p prod -p acct" "quota --profiles acct,prod" \
	"show 0123456789 -p acct" "revoke --all --yes --filter owner:nobody -p acct"; do
	# shellcheck disable=SC2086
	HTTPS_PROXY=$A run $cmd
	check_rc "$cmd: refused before any request" 2
	check_match "$cmd: says the profile is an account console" \
		"accounts.cloud.databricks.com \(.*\[acct\]\) is an account console, not a workspace" "$ERR"
done
DATABRICKS_HOST=https://accounts.cloud.databricks.com DATABRICKS_TOKEN=$ADMIN_TOKEN \
	HTTPS_PROXY=$A run list
check_rc "an account console from the environment: refused" 2
check_match "names where the host came from" "\(DATABRICKS_HOST\) is an account console" "$ERR"
DATABRICKS_HOST=https://accounts.cloud.databricks.com DATABRICKS_TOKEN=$ADMIN_TOKEN \
	HTTPS_PROXY=$A run
check_rc "the view on an account console from the environment: refused" 2
check_match "in the command line's words" "^patrol: .*\(DATABRICKS_HOST\) is an account console" "$ERR"
HTTPS_PROXY=$A run -p prod --host https://accounts.cloud.databricks.com
check_rc "the view on a profile whose host --host makes an account console: refused" 2
check_match "names --host, not the profile" "^patrol: .*\(--host\) is an account console" "$ERR"
HTTPS_PROXY=$A run --host https://accounts.cloud.databricks.com list
check_rc "an account console and no credentials: refused" 2
check_match "as an account console" "\(--host\) is an account console" "$ERR"
check_nomatch "not told to sign in there" "auth login" "$ERR"
DATABRICKS_CONFIG_PROFILE=acct HTTPS_PROXY=$A run
check_rc "the view on the profile the environment names: refused" 2
check_match "names the profile" "^patrol: .*\[acct\]\) is an account console.*name a workspace's profile" "$ERR"
check_eq "nothing sent towards the account console" 0 \
	"$(stats_at "$A" '[.requests | to_entries[] | select(.key | startswith("CONNECT ")) | .value] | add // 0')"
check_eq "nor to the workspace named beside it" 0 \
	"$(stats_at "$A" '[.requests | to_entries[] | select(.key | startswith("/emulator") or contains(" /emulator") | not) | .value] | add // 0')"

# --- show: which workspace a token lives in ---------------------------------
ID=$(curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "$C/api/2.0/token-management/tokens" |
	jq -r '[.token_infos[] | select(.created_by_username | startswith("user"))][0].token_id')
run show --all -p prod -p staging -p dev "${ID:0:12}"
check_rc "show across workspaces" 0
check_match "says the workspace" "^workspace: +dev \\($C\\)" "$OUT"
run show --all -p prod -p staging "${ID:0:12}"
check_rc "a token in none of them" 1
check_match "says none of them has it" "in any of the 2 workspaces" "$ERR"

# --- quota and audit: per workspace and in total ----------------------------
run quota --all -p prod -p staging -o json
check_rc "quota --all across" 0
check_eq "quota: per workspace" "prod staging" "$(printf '%s' "$OUT" | jq -r '[.workspaces[].workspace] | join(" ")')"
check_eq "quota: the total adds up" "$(printf '%s' "$OUT" | jq '[.workspaces[].active] | add')" \
	"$(printf '%s' "$OUT" | jq '.total.active')"
run quota --all -p prod -p staging
check_match "quota table: a total line" "^total " "$OUT"
run audit --all --all-profiles -o json
check_rc "audit across, two failing" 1
check_eq "audit: one summary per live workspace" "prod staging dev" \
	"$(printf '%s' "$OUT" | jq -r '[.summary.by_workspace[].workspace] | join(" ")')"
check_eq "audit: tokens add up" "$(printf '%s' "$OUT" | jq '.summary.tokens')" \
	"$(printf '%s' "$OUT" | jq '[.summary.by_workspace[].tokens] | add')"
check_eq "audit: owners are per workspace" "$(printf '%s' "$OUT" | jq '[.summary.by_owner[] | select(.workspace == null)] | length')" 0
run audit --all -p prod -p staging
check_rc "audit table across" 0
check_match "audit: the summary by workspace" "^WORKSPACE +TOKENS +FLAGGED" "$OUT"
check_match "audit: its total" "^total +$((NA + NB)) " "$OUT"
# --- scopes: the estate's auto-scoping queue ----------------------------------
# queued URL COMMENT DAYS: a token observed for DAYS days, auto-scoping
# narrows it 30 days after it began
queued() {
	local now=$(( $(date +%s) * 1000 ))
	at "$1" mktok "{\"expiry_time\":-1,\"comment\":\"$2\",\
\"autoscope_state\":\"AUTOSCOPE_STATE_RUNNING\",\"inferred_scopes\":[\"jobs\"],\
\"creation_time\":$((now - $3 * 86400000))}" >/dev/null
}
queued "$A" q-prod 28
queued "$C" q-dev 27
queued "$B" q-staging 26
NA=$(active_in "$A") NB=$(active_in "$B") NC=$(active_in "$C")
for u in "$A" "$B" "$C" "$D"; do at "$u" reset_stats; done
run scopes --all --all-profiles -o json
check_rc "scopes across, two failing" 1
check_match "scopes: the workspace that is down: one line" "workspace 'gone':.*(connect|refused)" "$ERR"
check_match "scopes: no admin: one line" "workspace 'bobs':.*admin.*bob@example.com" "$ERR"
check_match "scopes: a refused token: one line" "workspace 'revoked':.*(401|403)" "$ERR"
check_eq "scopes: four lines on stderr" 4 "$(printf '%s\n' "$ERR" | wc -l)"
check_eq "scopes: the others in full" "$((NA + NB + NC))" "$(printf '%s' "$OUT" | jq length)"
check_eq "scopes: per workspace" "$NA $NB $NC" "$(printf '%s' "$OUT" | jq -r \
	'[(map(select(.workspace == "prod")) | length), (map(select(.workspace == "staging")) | length), (map(select(.workspace == "dev")) | length)] | join(" ")')"
check_eq "scopes: rows carry their host" "$C" \
	"$(printf '%s' "$OUT" | jq -r '[.[] | select(.workspace == "dev") | .host] | unique | join(" ")')"
check_eq "scopes: every row has its autoscope" 0 "$(printf '%s' "$OUT" | jq '[.[] | select(.autoscope == null)] | length')"
check_eq "scopes: one queue, soonest enforcement first over every workspace" true \
	"$(printf '%s' "$OUT" | jq '[.[].autoscope.enforcement_time | select(. != null)] | . == sort')"
check_eq "scopes: the workspaces' queues interleave by date" "prod:q-prod dev:q-dev staging:q-staging" \
	"$(printf '%s' "$OUT" | jq -r '[.[0:3][] | "\(.workspace):\(.comment)"] | join(" ")')"
for u in "$A" "$B" "$C"; do
	check_eq "scopes: one token-management list at $u" 1 \
		"$(at "$u" count "GET /api/2.0/token-management/tokens")"
done
run scopes --all -p prod -p staging -o csv
check_rc "scopes CSV across" 0
check_eq "scopes CSV: the workspace column first" "workspace,token_id,owner" \
	"$(printf '%s' "$OUT" | head -n 1 | cut -d, -f1-3)"
check_eq "scopes CSV rows" "$((NA + NB + 1))" "$(printf '%s\n' "$OUT" | wc -l)"
check_eq "scopes CSV: rows name their workspace" "prod staging" \
	"$(printf '%s\n' "$OUT" | tail -n +2 | cut -d, -f1 | tr -d '"' | sort -u | tr '\n' ' ' | sed 's/ $//')"
COLUMNS=250 run scopes --all -p prod -p dev
check_rc "scopes table across" 0
check_match "scopes table: a WORKSPACE column" "^WORKSPACE +ID +OWNER" "$OUT"
check_match "scopes table: rows name their workspace" "^dev " "$OUT"
check_match "scopes table: the count covers both" "^$((NA + NC)) tokens:" "$(printf '%s\n' "$OUT" | tail -n 1)"
run scopes -p prod -o csv
check_eq "scopes with one workspace: no workspace column" "token_id" "$(printf '%s' "$OUT" | head -n 1 | cut -d, -f1)"

# --- stale-comment by each workspace's own patterns (patrol's config) -------
# The audit finds stale-comment once per distinct comment and workspace:
# the same comments in two workspaces, one with patterns of its own.
mkdir -p "$HOME/.config/patrol"
printf '[profile prod]\nstale-patterns = scratch\n' >"$HOME/.config/patrol/config"
for p in prod dev; do
	for c in "scratch pad" "tmp thing" "scratch pad" "tmp thing"; do
		"$PATROL" -p "$p" create --comment "$c" >/dev/null || echo "create in $p failed"
	done
done
run audit --all -p prod -p dev -o json
check_rc "audit with a workspace's own stale patterns" 0
check_eq "stale-comment by each workspace's patterns, for every token" \
	"dev:tmp thing:2 prod:scratch pad:2" \
	"$(printf '%s' "$OUT" | jq -r '[.tokens[] | select(.comment == "scratch pad" or .comment == "tmp thing")
		| select(.flags | index("stale-comment")) | "\(.workspace):\(.comment)"]
		| group_by(.) | map("\(.[0]):\(length)") | join(" ")')"
rm -rf "$HOME/.config/patrol"

# --- a long or wide profile name is never cut in a message -------------------
# Each failure line names its workspace whole, the closing quote and the
# reason after it, whatever the name's length (a 3000-byte name, a name of
# 100 three-byte characters, which a byte limit would have cut in two).
LONG=$(printf 'x%.0s' $(seq 3000))
WIDE=$(printf '数%.0s' $(seq 100))
cp "$HOME/.databrickscfg" "$T/cfg.keep"
{ cfg_profile "$LONG" "$DOWN"; cfg_profile "$WIDE" "$DOWN"; } >>"$HOME/.databrickscfg"
run list --all -p prod -p "$LONG" -p "$WIDE"
check_rc "two workspaces down: exit 1" 1
check_match "the 3000-byte name whole, then its reason" "workspace '$LONG': list workspace tokens: " "$ERR"
check_match "the wide name whole, then its reason" "workspace '$WIDE': list workspace tokens: " "$ERR"
check_nomatch "no character cut in two" $'\xef\xbf\xbd' "$ERR"
check_match "the other workspace listed" "^prod " "$OUT"
cp "$T/cfg.keep" "$HOME/.databrickscfg"

# --- a prefix of two different tokens in two workspaces: both named -------------
P1=abcd1111$(printf '1%.0s' $(seq 56)) P2=abcd2222$(printf '2%.0s' $(seq 56))
at "$A" mktok "{\"token_id\":\"$P1\",\"comment\":\"in prod\"}" >/dev/null
at "$B" mktok "{\"token_id\":\"$P2\",\"comment\":\"in staging\"}" >/dev/null
run show --all -p prod -p staging abcd
check_rc "show: a prefix in two workspaces (a usage error, as for revoke and pin)" 2
check_match "show names each token and its workspace" \
	"'abcd' matches abcd111111 in 'prod' and abcd222222 in 'staging': name the workspace with -p \\(or give more of the id\\)" "$ERR"
run revoke --all -p prod -p staging abcd --dry-run
check_rc "revoke: a prefix in two workspaces" 2
check_match "revoke names them too" \
	"revoke: 'abcd' matches abcd111111 in 'prod' and abcd222222 in 'staging': name the workspace with -p or give more of the id \\(nothing was sent\\)" "$ERR"
run show --all -p prod -p staging abcd2
check_rc "more of the id picks one" 0
check_match "the staging one" "in staging" "$OUT"

# --- -p takes its name whole: a section may have a comma in its name ------------
cfg_profile 'a,b' "$A" >>"$HOME/.databrickscfg"
run list -p 'a,b' -p staging -o json
check_rc "-p 'a,b' beside another -p" 0
check_eq "its tokens are listed under its whole name" "a,b staging" \
	"$(printf '%s' "$OUT" | jq -r '[.[].workspace] | unique | join(" ")')"
run list --profiles 'a,b'
check_rc "--profiles still splits on commas" 2
check_match "and says which name it did not find" "profile 'a'" "$ERR"
cp "$T/cfg.keep" "$HOME/.databrickscfg"
finish
