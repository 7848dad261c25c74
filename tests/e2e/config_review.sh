#!/bin/bash
# End-to-end: configuration that cannot work is refused before any request,
# as a configuration error (exit 2) that names the setting and never shows a
# secret; configuration the Databricks CLI and SDK accept is accepted alike.
# Proxies, CA bundles (a directory, a file with no certificate, the order of
# the variables), the advice when a profile has no credential, and the
# config file's quoted values and upper-case keys.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

command -v openssl >/dev/null 2>&1 || { echo "missing tool: openssl (.ci/deps installs it)"; exit 99; }

PKI="$T/pki"
mkdir -p "$PKI"
# make_ca, make_cert: lib.sh.
make_ca ca && make_ca rogue && make_cert good ca ||
	{ echo "cannot make the test certificates"; exit 99; }
CA="$PKI/ca.pem"

# The proxy stand-in: a plain emulator, which counts the CONNECTs it gets.
emu_start
P=$EMU_URL
PPORT=${P##*:}
connects() {
	stats_at "$P" '[.requests | to_entries[] | select(.key | startswith("CONNECT ")) | .value] | add // 0'
}
# The workspace, over TLS with the throw-away CA; H is its localhost URL.
emu_start --tls-cert "$PKI/good.pem" --tls-key "$PKI/good.key"
W=$EMU_URL
H="https://localhost:${W##*:}"
export DATABRICKS_HOST=$H
# total: requests the workspace received, its own /emulator calls aside.
total() {
	curl -sk "$W/emulator/stats" | jq -r '.total'
}

# --- 1. a proxy that cannot work is refused, its password not shown -------------
PW=S3NTINEL-proxy-pw
bad_proxy() {	# VAR URL WHAT: refused before any request, saying WHAT
	local before
	before=$(total)
	env "$1=$2" "$PATROL" --ca-file "$CA" whoami >"$T/out" 2>"$T/err" </dev/null
	RC=$?
	OUT=$(cat "$T/out")
	ERR=$(cat "$T/err")
	check_rc "$1=$2: a configuration error" 2
	check_match "$1=$2: names the variable and what is wrong" "proxy $1=.*: $3.*unset $1" "$ERR"
	check_nomatch "$1=$2: the password is not shown" "$PW" "$OUT$ERR"
	check_eq "$1=$2: nothing sent" "$before" "$(total)"
}
bad_proxy HTTPS_PROXY "http://alice:$PW@127.0.0.1:99999" "its port is not a number from 1 to 65535"
bad_proxy https_proxy "http://alice:$PW@127.0.0.1:0" "its port is not a number"
bad_proxy ALL_PROXY "ftp://alice:$PW@127.0.0.1:1" "ftp:// is not a proxy scheme \\(use http, https, socks4"
bad_proxy all_proxy "http://alice:$PW@[::1:1" "its IPv6 address has no closing"
bad_proxy HTTPS_PROXY "http://alice:$PW@[::zz]:1" "its IPv6 address is not valid"
bad_proxy HTTPS_PROXY "http://alice:$PW@proxy\$corp:1" "its host name holds a character"
bad_proxy HTTPS_PROXY "http://alice:$PW@" "it has no host"
bad_proxy HTTPS_PROXY "http://alice:S3NTINEL/proxy-pw@127.0.0.1:1" "its port is not a number"
bad_proxy HTTPS_PROXY "ftp.corp.example:3128" "without a scheme, libcurl reads a host starting with 'ftp.' as ftp://"
check_match "the URL is shown with its user and password redacted" \
	"proxy HTTPS_PROXY=http://<redacted>@127.0.0.1:1x: its port" "$(env HTTPS_PROXY="http://alice:$PW@127.0.0.1:1x" "$PATROL" --ca-file "$CA" whoami 2>&1)"
{ cfg_profile a "$H"; cfg_profile b "$H"; } | cfg_write
before=$(total)
HTTPS_PROXY="http://alice:$PW@127.0.0.1:99999" run --ca-file "$CA" list --all-profiles
check_rc "over several profiles too: each is left out, as --all-profiles does" 1
check_match "  each says why" "workspace 'a': proxy HTTPS_PROXY=http://<redacted>@127.0.0.1:99999: its port" "$ERR"
check_nomatch "  the password is not shown" "$PW" "$OUT$ERR"
check_eq "  nothing sent" "$before" "$(total)"
rm -f "$HOME/.databrickscfg"

# What libcurl takes still works: no scheme, a port, user and password.
before=$(connects)
HTTPS_PROXY="alice:$PW@127.0.0.1:$PPORT" run --ca-file "$CA" whoami
check_eq "a proxy without a scheme is used, as libcurl does" "$((before + 1))" "$(connects)"
check_nomatch "  (its password not shown)" "$PW" "$OUT$ERR"
before=$(connects)
HTTPS_PROXY="socks5h://127.0.0.1:99999" NO_PROXY="example.com,.localhost,localhost" run --ca-file "$CA" whoami
check_rc "a host no_proxy spares never meets the proxy, however malformed" 0
HTTPS_PROXY="ftp://127.0.0.1:1" no_proxy="*" run --ca-file "$CA" whoami
check_rc "no_proxy=* too" 0
check_eq "  and nothing went to the proxy" "$before" "$(connects)"
DATABRICKS_HOST=$P HTTPS_PROXY="http://alice:$PW@127.0.0.1:99999" ALL_PROXY="ftp://x" run whoami
check_rc "a loopback http:// workspace is never proxied, so a bad proxy is no matter" 0

# --- 2. a CA bundle that is a directory is used as one; one without a certificate is refused
mkdir -p "$PKI/dir"
cp "$CA" "$PKI/dir/patrol-test-ca.pem"
openssl rehash "$PKI/dir" 2>/dev/null || c_rehash "$PKI/dir" >/dev/null 2>&1
for v in REQUESTS_CA_BUNDLE CURL_CA_BUNDLE SSL_CERT_FILE; do
	env "$v=$PKI/dir" "$PATROL" whoami >"$T/out" 2>"$T/err" </dev/null
	check_eq "$v=DIR (openssl rehash) is a CA directory" 0 "$?"
done
run --ca-file "$PKI/dir" whoami
check_rc "--ca-file DIR too" 0
: >"$PKI/empty.pem"
printf 'not a certificate\n' >"$PKI/junk.pem"
openssl x509 -in "$CA" -outform der -out "$PKI/ca.der" 2>/dev/null
bad_ca() {	# SETTING (VAR or --ca-file) FILE WHAT
	local before
	before=$(total)
	if [ "$1" = --ca-file ]; then run --ca-file "$2" whoami; else
		env "$1=$2" "$PATROL" whoami >"$T/out" 2>"$T/err" </dev/null
		RC=$?
		OUT=$(cat "$T/out")
		ERR=$(cat "$T/err")
	fi
	check_rc "$1=$2: refused" 2
	check_match "$1=$2: names the file, the setting and what is wrong" \
		"CA file $2 from $1 $3" "$ERR"
	check_eq "$1=$2: nothing sent" "$before" "$(total)"
}
bad_ca REQUESTS_CA_BUNDLE "$PKI/empty.pem" "holds no certificate: it is empty"
bad_ca --ca-file "$PKI/junk.pem" "holds no certificate: it is not a PEM certificate file"
bad_ca SSL_CERT_FILE "$PKI/ca.key" "holds no certificate: it holds a private key, not a certificate"
bad_ca CURL_CA_BUNDLE "$PKI/ca.der" "holds no certificate: it is not PEM \\(DER\\?"
bad_ca REQUESTS_CA_BUNDLE /dev/null "is not a regular file"
SSL_CERT_DIR=$CA run whoami
check_rc "SSL_CERT_DIR naming a file: refused" 2
check_match "  saying it is not a directory" "CA directory $CA from SSL_CERT_DIR is not a directory" "$ERR"
SSL_CERT_DIR=$PKI/dir run whoami
check_rc "SSL_CERT_DIR still works" 0

# --- 3. the CA settings in the Python SDK's order; a TLS failure names the one used
SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt REQUESTS_CA_BUNDLE=$CA run whoami
check_rc "REQUESTS_CA_BUNDLE beats a global SSL_CERT_FILE (as requests does)" 0
SSL_CERT_FILE=$CA CURL_CA_BUNDLE="$PKI/rogue.pem" run whoami
check_rc "CURL_CA_BUNDLE beats SSL_CERT_FILE" 4
check_match "the TLS failure names the CA setting used and the one it shadowed" \
	"not signed by a CA this machine trusts.*\\(trusting the CAs of CURL_CA_BUNDLE=$PKI/rogue.pem; set but not used: SSL_CERT_FILE\\)" "$ERR"
REQUESTS_CA_BUNDLE="$PKI/rogue.pem" CURL_CA_BUNDLE=$CA run whoami
check_rc "REQUESTS_CA_BUNDLE beats CURL_CA_BUNDLE" 4
REQUESTS_CA_BUNDLE=$CA run --ca-file "$PKI/rogue.pem" whoami
check_rc "--ca-file comes first" 4
check_match "  and is named so" "\\(trusting the CAs of --ca-file $PKI/rogue.pem; set but not used: REQUESTS_CA_BUNDLE\\)" "$ERR"
SSL_CERT_DIR="$PKI/dir" REQUESTS_CA_BUNDLE="$T" run whoami
check_rc "a CA directory from REQUESTS_CA_BUNDLE replaces SSL_CERT_DIR" 4
check_match "  and is named so" "\\(trusting the system's CAs and those of the directory REQUESTS_CA_BUNDLE=$T; set but not used: SSL_CERT_DIR\\)" "$ERR"
run whoami
check_match "no CA setting: the system's CAs are named" "\\(trusting the system's CAs\\)" "$ERR"
SSL_CERT_DIR="$T" REQUESTS_CA_BUNDLE="$PKI/dir" run whoami
check_rc "a CA directory from REQUESTS_CA_BUNDLE takes SSL_CERT_DIR's place" 0

# --- 4. the advice for a profile without credentials fits the case -------------
{ cfg_profile nocred "$H" "cluster_id=1"; cfg_profile a "$H"; cfg_profile b "$H"; } | cfg_write
before=$(total)
DATABRICKS_TOKEN=dapi-env-S3NTINEL run -p nocred whoami
check_rc "-p PROFILE without a credential" 2
check_match "says the profile lacks one, and how to add it" \
	"no credentials in profile \\[nocred\\] of $HOME/.databrickscfg: add token .*databricks auth login --profile nocred" "$ERR"
check_match "says the environment's token is not used for it" \
	"not used for a named profile: DATABRICKS_HOST, DATABRICKS_TOKEN from the environment" "$ERR"
check_nomatch "does not advise setting DATABRICKS_TOKEN (it is set)" "set DATABRICKS_TOKEN" "$ERR"
check_nomatch "the token is not shown" "S3NTINEL" "$OUT$ERR"
check_eq "nothing sent" "$before" "$(total)"
env -u DATABRICKS_TOKEN -u DATABRICKS_HOST "$PATROL" -p nocred whoami >"$T/out" 2>"$T/err" </dev/null
check_nomatch "  with no DATABRICKS_* set, no word of the environment" "environment" "$(cat "$T/err")"
DATABRICKS_TOKEN=$ADMIN_TOKEN run --ca-file "$CA" list --all-profiles
check_match "--all-profiles: the note of the ignored environment" \
	"note: ignoring DATABRICKS_HOST, DATABRICKS_TOKEN from the environment \\(a profile named by -p or --all-profiles wins\\)" "$ERR"
check_nomatch "  names no single profile as if it were the only one" "note: -p a:" "$ERR"
check_eq "  said once" 1 "$(printf '%s\n' "$ERR" | grep -c 'note: ignoring')"
rm -f "$HOME/.databrickscfg"

# --- 5. the config file as the Databricks CLI and the Python SDK read it ---------
who() {	# the user the last run signed in as
	printf '%s' "$OUT" | jq -r '.userName // empty' 2>/dev/null
}
printf '[q]\nhost = "%s"\ntoken = "%s"\n[s]\nhost='"'"'%s'"'"'\ntoken='"'"'%s'"'"' ; note\n[U]\nHOST = %s\nToken = %s\n' \
	"$H" "$ADMIN_TOKEN" "$H" "$ADMIN_TOKEN" "$H" "$ADMIN_TOKEN" | cfg_write
before=$(total)
for p in q s U; do
	run -p "$p" --ca-file "$CA" whoami -o json
	check_eq "profile [$p] (quoted values, upper-case keys) signs in" admin@example.com "$(who)"
done
check_eq "  one request each, none refused and retried" "$((before + 3))" "$(total)"
run list --all-profiles --ca-file "$CA"
check_rc "list --all-profiles reads the quoted and upper-case hosts too" 0
rm -f "$HOME/.databrickscfg"

env -u DATABRICKS_HOST -u DATABRICKS_TOKEN DATABRICKS_CONFIG_FILE=/dev/null "$PATROL" whoami >"$T/out" 2>"$T/err" </dev/null
RC=$?
ERR=$(cat "$T/err")
check_rc "DATABRICKS_CONFIG_FILE=/dev/null: an empty config (no host)" 2
check_nomatch "  not 'not a regular file'" "regular file" "$ERR"
check_match "  says no host" "no workspace host" "$ERR"
DATABRICKS_CONFIG_FILE=/dev/null run --ca-file "$CA" whoami -o json
check_eq "DATABRICKS_CONFIG_FILE=/dev/null with the environment's host and token" admin@example.com "$(who)"
DATABRICKS_CONFIG_FILE=/dev/null run -p prod whoami
check_match "-p with /dev/null: no such profile, and no profiles" "profile 'prod' not found in /dev/null; it has no profiles" "$ERR"

finish
