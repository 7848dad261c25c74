#!/bin/bash
# End-to-end: patrol journal PATH and patrol revoke --resume PATH read
# sessions of the journal directory only. A file anywhere else (another
# program's file, a copy of a session, a crafted one) is refused without
# being read, so none of its content can reach an error message; a session
# of the directory named by another path to it is fine.
. "${top_srcdir:-.}/tests/e2e/lib.sh"

export XDG_STATE_HOME="$T/state"
DIR="$XDG_STATE_HOME/patrol"

emu_start --generate 50:2 --seed 61
ID=$(curl -s -H "Authorization: Bearer $ADMIN_TOKEN" "$EMU_URL/api/2.0/token-management/tokens" |
	jq -r '[.token_infos[] | select(.created_by_username != "admin@example.com")][0].token_id')
run --rate 0 revoke --all --yes "$ID"
check_rc "a session to read" 0
S=$(basename "$(ls "$DIR"/*.jsonl)" .jsonl)

# Files outside the journal directory, one of them a copy of the session.
mkdir -p "$T/elsewhere"
printf 'SECRET-CONTENT root:x:0:0 {"not":"json"\n' >"$T/elsewhere/20260101T000000Z-1.jsonl"
cp "$DIR/$S.jsonl" "$T/elsewhere/$S.jsonl"
for f in "$T/elsewhere/20260101T000000Z-1.jsonl" "$T/elsewhere/$S.jsonl" /etc/passwd; do
	name=$(basename "$f")
	run journal "$f"
	check_rc "journal_path $name: refused" 2
	check_match "journal_path $name: says where sessions are read from" \
		"is not a session in the journal directory .*: patrol reads sessions only from there" "$ERR"
	check_nomatch "journal_path $name: nothing of the file is shown" 'SECRET|root:' "$ERR$OUT"
	reset_stats
	run revoke --resume "$f" --yes
	check_rc "resume_path $name: refused" 2
	check_match "resume_path $name: says why" "is not a session in the journal directory" "$ERR"
	check_nomatch "resume_path $name: nothing of the file is shown" 'SECRET|root:' "$ERR"
	check_eq "resume_path $name: nothing sent" 0 "$(stats '.total')"
done

# The session by other paths to the same directory.
run journal "$DIR/$S.jsonl"
check_rc "journal_path: the session by its full path" 0
P=$(cd "$(dirname "$PATROL")" && pwd)/$(basename "$PATROL")
OUT=$(cd "$DIR" && "$P" journal "./$S.jsonl" 2>"$T/err"); RC=$?
check_rc "journal_path: by ./NAME from the directory" 0
check_match "journal_path: the right session" "^session: +$S\$" "$OUT"
ln -s "$XDG_STATE_HOME" "$T/link"
run journal "$T/link/patrol/$S.jsonl"
check_rc "journal_path: through a symlinked parent" 0
run journal "$S.jsonl"
check_rc "journal_path: NAME.jsonl is the id" 0
emu_stop

finish
