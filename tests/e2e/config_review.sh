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
# make_ca NAME; make_cert NAME CA: a throw-away CA and a localhost certificate.
make_ca() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
		-keyout "$PKI/$1.key" -out "$PKI/$1.pem" -subj "/CN=patrol test $1" 2>/dev/null
}
make_cert() {
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$PKI/$1.key" \
		-out "$PKI/$1.csr" -subj "/CN=$1" 2>/dev/null &&
	printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$PKI/$1.ext" &&
	openssl x509 -req -in "$PKI/$1.csr" -CA "$PKI/$2.pem" -CAkey "$PKI/$2.key" \
		-CAcreateserial -out "$PKI/$1.pem" -days 2 -extfile "$PKI/$1.ext" 2>/dev/null
}
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
HTTPS_PROXY="http://alice:$PW@127.0.0.1:99999" run --ca-file "$CA" list --all-profiles
check_rc "refused in every command (list --all-profiles, no profile)" 2

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

finish
