#!/bin/bash
# End-to-end: where patrol finds the workspace and credentials, as the
# Databricks tools do: flags, then DATABRICKS_* variables, then a profile of
# ~/.databrickscfg.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

emu_start --user bob@example.com=dapi11111111111111111111111111111111
URL=$EMU_URL
BOB=dapi11111111111111111111111111111111
unset DATABRICKS_HOST DATABRICKS_TOKEN
CFG="$HOME/.databrickscfg"

write_cfg() {
	cat >"$CFG"
	chmod 600 "$CFG"
}

# whoami_user: the user patrol authenticated as (after run whoami -o json).
whoami_user() {
	printf '%s' "$OUT" | jq -r '.userName // empty'
}

write_cfg <<EOF2
; a comment
[DEFAULT]
host = $URL/
token = $ADMIN_TOKEN

[bob.dev]
host = $URL
token = $BOB   ; inline comment
EOF2
run whoami -o json
check_rc "DEFAULT profile" 0
check_eq "DEFAULT profile is the admin" "admin@example.com" "$(whoami_user)"
check_eq "profile reported" "DEFAULT" "$(printf '%s' "$OUT" | jq -r .profile)"
run -p bob.dev whoami -o json
check_eq "-p picks a dotted profile" "bob@example.com" "$(whoami_user)"
DATABRICKS_CONFIG_PROFILE=bob.dev run whoami -o json
check_eq "DATABRICKS_CONFIG_PROFILE picks the profile" "bob@example.com" "$(whoami_user)"
DATABRICKS_CONFIG_PROFILE=bob.dev run -p DEFAULT whoami -o json
check_eq "-p beats DATABRICKS_CONFIG_PROFILE" "admin@example.com" "$(whoami_user)"
DATABRICKS_TOKEN=$BOB run whoami -o json
check_rc "env token without a host and no profile named skips the file" 2
check_match "and says no host" "host" "$ERR"
DATABRICKS_CONFIG_PROFILE=DEFAULT DATABRICKS_TOKEN=$BOB run whoami -o json
check_eq "env token beats the token of a profile the env names" "bob@example.com" "$(whoami_user)"
DATABRICKS_TOKEN=$BOB DATABRICKS_HOST=https://elsewhere.invalid run -p DEFAULT whoami -o json
check_eq "an explicit -p beats DATABRICKS_TOKEN and DATABRICKS_HOST" "admin@example.com" "$(whoami_user)"
check_match "and says on stderr which it ignored" \
	"note: ignoring DATABRICKS_HOST, DATABRICKS_TOKEN from the environment \\(a profile named by -p" "$ERR"
run -p nosuch whoami
check_rc "missing profile" 2
check_match "missing profile names the profile and file" "nosuch.*$CFG|$CFG.*nosuch" "$ERR"
check_match "and lists the profiles there" "profiles there: DEFAULT, bob.dev" "$ERR"

write_cfg <<EOF2
[__settings__]
default_profile = bob

[DEFAULT]
host = $URL
token = $ADMIN_TOKEN

[bob]
host = $URL
token = $BOB
EOF2
run whoami -o json
check_eq "__settings__ default_profile" "bob@example.com" "$(whoami_user)"

write_cfg <<EOF2
[DEFAULT]
host = $URL

[noinherit]
token = $ADMIN_TOKEN
EOF2
run -p noinherit whoami
check_rc "profiles do not inherit from DEFAULT" 2
check_match "missing host names the profile" "noinherit" "$ERR"
run --host "$URL" -p noinherit whoami -o json
check_eq "--host fills in the host" "admin@example.com" "$(whoami_user)"

# --- flags and environment ----------------------------------------------------
rm -f "$CFG"
DATABRICKS_HOST=$URL DATABRICKS_TOKEN=$ADMIN_TOKEN run whoami -o json
check_eq "environment only" "admin@example.com" "$(whoami_user)"
printf '%s\n' "$BOB" >"$T/tok"
DATABRICKS_HOST=$URL STDIN="$T/tok" run --token-stdin whoami -o json
check_eq "--token-stdin" "bob@example.com" "$(whoami_user)"
DATABRICKS_HOST=$URL DATABRICKS_TOKEN=$ADMIN_TOKEN STDIN="$T/tok" run --token-stdin whoami -o json
check_eq "--token-stdin beats DATABRICKS_TOKEN" "bob@example.com" "$(whoami_user)"
DATABRICKS_HOST=${URL#http://} DATABRICKS_TOKEN=$ADMIN_TOKEN run --timeout 2 whoami
check_rc "a host without scheme means https (the emulator speaks http: fails)" 4
DATABRICKS_HOST=http://example.com DATABRICKS_TOKEN=$ADMIN_TOKEN run whoami
check_rc "http:// to a non-loopback host" 2
check_match "http refusal explained" "loopback" "$ERR"
DATABRICKS_HOST=$URL run whoami
check_rc "no credentials" 2
check_match "no credentials explained" "DATABRICKS_TOKEN" "$ERR"
DATABRICKS_HOST=$URL DATABRICKS_AUTH_TYPE=oauth-m2m DATABRICKS_CLIENT_ID=x run whoami
check_rc "oauth-m2m without a secret" 2
check_match "missing client secret named" "client_secret|CLIENT_SECRET" "$ERR"

# --- the config file's own safety -----------------------------------------------
printf '[DEFAULT]\nhost = %s\ntoken = %s\n' "$URL" "$ADMIN_TOKEN" >"$CFG"
chmod 644 "$CFG"
run whoami
check_rc "group-readable config still works" 0
check_match "with a warning and the fix" "chmod 600 $CFG" "$ERR"
chmod 600 "$CFG"
run whoami
check_nomatch "no warning at 0600" "warning" "$ERR"
chmod 666 "$CFG"
run whoami
check_rc "a config every user may write is refused" 2
check_match "refusal says why and the fix" "writable by every user.*chmod 600 $CFG" "$ERR"
chmod 600 "$CFG"
mv "$CFG" "$T/real.cfg"
ln -s "$T/real.cfg" "$CFG"
run whoami -o json
check_rc "a symlinked config (dotfile managers) is read" 0
check_eq "through the link" "admin@example.com" "$(whoami_user)"
chmod 644 "$T/real.cfg"
run whoami
check_match "the target's mode is checked: readable by others warns" "readable by other users.*chmod 600" "$ERR"
chmod 602 "$T/real.cfg"
run whoami
check_rc "a symlink to a file every user may write is refused" 2
chmod 600 "$T/real.cfg"
rm -f "$CFG"
DATABRICKS_CONFIG_FILE="$T/real.cfg" run whoami -o json
check_eq "DATABRICKS_CONFIG_FILE" "admin@example.com" "$(whoami_user)"
printf '[DEFAULT\nhost = x\n' >"$T/bad.cfg"; chmod 600 "$T/bad.cfg"
DATABRICKS_CONFIG_FILE="$T/bad.cfg" run whoami
check_rc "malformed config" 2
check_match "syntax error names FILE:LINE" "bad.cfg:1" "$ERR"


# --- patrol's own config: a read-only profile, stale patterns, bad keys ------------
write_cfg <<EOF2
[DEFAULT]
host = $URL
token = $ADMIN_TOKEN

[prod]
host = $URL
token = $ADMIN_TOKEN
EOF2
export XDG_CONFIG_HOME="$T/xdg"
mkdir -p "$XDG_CONFIG_HOME/patrol"
cat >"$XDG_CONFIG_HOME/patrol/config" <<'EOF2'
[defaults]
stale-patterns = scratch, sandbox

[profile prod]
read-only = true
EOF2
SCRATCH=$(tok_id "$("$PATROL" create --comment "scratch pad")")
TMPTOK=$(tok_id "$("$PATROL" create --comment "tmp thing")")
run list --filter 'flag:stale-comment' -o json
check_eq "stale patterns from patrol's config flag 'scratch pad'" 1 "$(printf '%s' "$OUT" | jq --arg i "$SCRATCH" '[.[] | select(.token_id == $i)] | length')"
check_eq "and replace the defaults ('tmp thing' is not stale)" 0 "$(printf '%s' "$OUT" | jq --arg i "$TMPTOK" '[.[] | select(.token_id == $i)] | length')"
reset_stats
run -p prod revoke --yes "$SCRATCH"
check_rc "a profile marked read-only refuses revoke" 2
check_match "and says where the mark is" "read-only in patrol's config" "$ERR"
check_eq "nothing was sent for it" 0 "$(stats .total)"
run -p prod create --comment nope
check_rc "and create" 2
run -p prod list -o json
check_rc "a read-only profile still lists" 0
run revoke --yes "$SCRATCH" "$TMPTOK"
check_rc "the DEFAULT profile is not read-only" 0
printf '[profile prod]\nrate = fast\n' >"$XDG_CONFIG_HOME/patrol/config"
run -p prod whoami
check_rc "a bad value in patrol's config" 2
check_match "is named with file, line and key" "config:2: \[profile prod\] rate" "$ERR"
printf '[defaults]\nspeed = 3\n' >"$XDG_CONFIG_HOME/patrol/config"
run whoami
check_rc "an unknown key" 2
check_match "is named" "speed" "$ERR"
rm -rf "$XDG_CONFIG_HOME"
unset XDG_CONFIG_HOME

finish
