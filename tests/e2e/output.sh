#!/bin/bash
# End-to-end: what happens when the output cannot be written, for every
# command and every output format. A full device (/dev/full) is an error
# said on stderr with exit code 5; a reader that went away (a pipe whose
# read end is closed, or `| head -1` on a long list) ends patrol quietly by
# SIGPIPE (141 in the shell), as `git log | head` does. A new token's secret
# that cannot be written is an error that names the token and how to revoke
# it; a secret redirected to a file others could read is made private or
# warned about; --to-file writes a new 0600 file.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

command -v perl >/dev/null 2>&1 || { echo "missing tool: perl"; exit 99; }

# closed CMD...: run CMD with stdout on a pipe nobody will ever read (its
# read end is closed before CMD starts: no race with a reader). Sets RC, ERR.
closed() {
	perl -e 'pipe(my $r, my $w) or die; close $r; open(STDOUT, ">&", $w) or die; close $w; exec @ARGV or die' \
		-- "$PATROL" "$@" 2>"$T/err" </dev/null
	RC=$?
	ERR=$(cat "$T/err")
	OUT=""
}

# full ARGS...: run patrol with stdout on /dev/full. Sets RC, ERR.
full() {
	"$PATROL" "$@" >/dev/full 2>"$T/err" </dev/null
	RC=$?
	ERR=$(cat "$T/err")
	OUT=""
}

emu_start --generate 40:3 --seed 41
export XDG_STATE_HOME="$T/state"
ADMIN_ID=$(tok_id "$ADMIN_TOKEN")
VICTIM=$(curl -s -X POST "$EMU_URL/emulator/tokens" -d '{"comment":"victim"}' | jq -r .token_id)
run revoke --yes "$VICTIM"
check_rc "a session for the journal commands" 0
SESSION=$(ls "$XDG_STATE_HOME"/patrol/ | sed -n 's/\.jsonl$//p' | head -n 1)

# Every command that prints data, with the arguments it needs.
COMMANDS=(
	"list"
	"list --all"
	"show ${ADMIN_ID:0:12}"
	"whoami"
	"quota"
	"quota --all"
	"settings"
	"audit"
	"audit --all"
	"journal"
	"journal $SESSION"
	"revoke --dry-run ${ADMIN_ID:0:12} --include-self"
)
for cmd in "${COMMANDS[@]}"; do
	for fmt in table json csv; do
		# shellcheck disable=SC2086
		run $cmd -o "$fmt"
		check_rc "$cmd -o $fmt works on a good stdout" 0
		check_match "$cmd -o $fmt prints something" . "$OUT"
		# shellcheck disable=SC2086
		full $cmd -o "$fmt"
		check_rc "$cmd -o $fmt > /dev/full" 5
		check_match "$cmd -o $fmt > /dev/full says why on stderr" \
			'^patrol: cannot write the output: No space left on device$' "$(printf '%s\n' "$ERR" | tail -n 1)"
		# shellcheck disable=SC2086
		closed $cmd -o "$fmt"
		check_rc "$cmd -o $fmt into a closed pipe: SIGPIPE" 141
		check_nomatch "$cmd -o $fmt into a closed pipe: quiet" 'cannot write|Broken pipe' "$ERR"
	done
done
for opt in --version --help; do
	full "$opt"
	check_rc "patrol $opt > /dev/full" 5
	check_match "patrol $opt > /dev/full says why" 'cannot write the output: No space left on device' "$ERR"
	closed "$opt"
	check_rc "patrol $opt into a closed pipe" 141
done

# The literal case of the issue: a long list into head -1, in every format.
emu_stop
emu_start --generate 3000:10 --seed 42
for fmt in table json csv; do
	"$PATROL" list --all -o "$fmt" 2>"$T/err" | head -n 1 >"$T/first"
	RC=${PIPESTATUS[0]}
	ERR=$(cat "$T/err")
	check_rc "list --all -o $fmt | head -1: SIGPIPE, as git log | head" 141
	check_eq "list --all -o $fmt | head -1: quiet" "" "$ERR"
	check_eq "list --all -o $fmt | head -1: the first line came through" 1 "$(wc -l <"$T/first" | tr -d ' ')"
done

# --- a new token's secret ------------------------------------------------------
emu_stop
emu_start
for fmt in table json; do
	reset_stats
	full create --comment "lost $fmt" -o "$fmt"
	check_rc "create -o $fmt > /dev/full: an error" 5
	ID=$(printf '%s' "$ERR" | sed -n 's/.*the token \([0-9a-f]\{64\}\) was created.*/\1/p')
	check_match "create -o $fmt > /dev/full: it says the token exists" \
		"the token [0-9a-f]{64} was created, but its secret could not be written to standard output \\(No space left on device\\): it cannot be shown again" "$ERR"
	check_match "create -o $fmt > /dev/full: and how to revoke it" "Revoke it with: patrol revoke $ID\$" "$ERR"
	check_nomatch "create -o $fmt > /dev/full: never 'shown once, above'" "shown once" "$ERR"
	check_eq "create -o $fmt > /dev/full: one create was sent" 1 "$(count 'POST /api/2.0/token/create')"
	run revoke --yes "$ID"
	check_rc "the command it names works" 0
	closed create --comment "gone $fmt" -o "$fmt"
	check_rc "create -o $fmt into a closed pipe: an error, not a quiet SIGPIPE" 5
	check_match "create -o $fmt into a closed pipe: it says the token exists" "was created, but its secret could not be written to standard output \\(Broken pipe\\)" "$ERR"
done

# a redirect made by the shell (umask 022) is made private before the secret goes in
rm -f "$T/token.txt"
(umask 022; "$PATROL" create --comment redirected >"$T/token.txt" 2>"$T/err")
check_eq "create > new file: the file is 0600" 600 "$(stat -c %a "$T/token.txt")"
check_match "create > new file: the secret is in it" '^dapi[0-9a-f]{32}$' "$(cat "$T/token.txt")"
check_match "create > new file: stderr says where" "its secret is on standard output, once" "$(cat "$T/err")"
# appending to a file others can read: left alone, with a warning and the fix
printf 'notes\n' >"$T/notes.txt"
chmod 644 "$T/notes.txt"
"$PATROL" create --comment appended >>"$T/notes.txt" 2>"$T/err"
check_eq "create >> readable file: the mode is not changed behind the user's back" 644 "$(stat -c %a "$T/notes.txt")"
check_match "create >> readable file: a warning with the fix" \
	"warning: the secret goes to .*notes\\.txt, which others can read \\(mode 0644\\): chmod 600 .*notes\\.txt, or use --to-file" "$(cat "$T/err")"

# --to-file: a new 0600 file; an existing one is refused before anything is created
reset_stats
run create --comment tofile --to-file "$T/secret.txt"
check_rc "create --to-file" 0
check_eq "--to-file: nothing on stdout" "" "$OUT"
check_eq "--to-file: the file is 0600" 600 "$(stat -c %a "$T/secret.txt")"
check_match "--to-file: the secret is in it" '^dapi[0-9a-f]{32}$' "$(cat "$T/secret.txt")"
check_match "--to-file: stderr names the file" "its secret is in $T/secret.txt \\(mode 0600\\)" "$ERR"
run create --comment again --to-file "$T/secret.txt"
check_rc "--to-file on an existing file" 2
check_match "--to-file on an existing file: refused, nothing created" "cannot create .*secret\\.txt: File exists: give a new file name \\(nothing was created\\)" "$ERR"
check_eq "one create sent in all" 1 "$(count 'POST /api/2.0/token/create')"
run create --comment json --to-file "$T/secret.json" -o json
check_eq "--to-file -o json: the JSON holds the secret" 1 "$(jq -r '.token_value' "$T/secret.json" | grep -cE '^dapi[0-9a-f]{32}$')"
run create --comment dry --to-file "$T/dry.txt" --dry-run
check_eq "--to-file --dry-run: no file" "no" "$([ -e "$T/dry.txt" ] && echo yes || echo no)"

# --- a closed stdout stays closed ---------------------------------------------------
# patrol >&-: the next descriptor opened (a socket, libcurl's eventfd) would
# become "stdout", and a secret printed there would go into it. Every write
# must fail as on the closed descriptor (EBADF), and say so.
"$PATROL" list >&- 2>"$T/err" </dev/null
RC=$? ERR=$(cat "$T/err")
check_rc "list >&-" 5
check_match "list >&-: says stdout is closed" "cannot write the output: Bad file descriptor" "$ERR"
"$PATROL" create --comment closed >&- 2>"$T/err" </dev/null
RC=$? ERR=$(cat "$T/err")
check_rc "create >&-" 5
check_match "create >&-: the secret reached no other descriptor" \
	"its secret could not be written to standard output \\(Bad file descriptor\\)" "$ERR"
check_nomatch "create >&-: and the secret is not on stderr" 'dapi[0-9a-f]{32}' "$ERR"

# A file-size limit (ulimit -f, in KiB): the write fails (EFBIG) and is said,
# as any write error is; patrol is not killed by SIGXFSZ (exit 153) half-way.
(ulimit -f 1 && exec "$PATROL" list --all -o json) >"$T/big" 2>"$T/err" </dev/null
RC=$? ERR=$(cat "$T/err")
check_rc "list over a file-size limit" 5
check_match "says why" "cannot write the output: File too large" "$ERR"

finish
