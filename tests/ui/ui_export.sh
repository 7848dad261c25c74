#!/bin/bash
# UI end-to-end: :export. A CSV written by the UI is UTF-8 whatever the
# locale: under LC_ALL=C (where the screen falls back to ASCII) the file
# holds the same bytes as `patrol list -o csv` under C.UTF-8.
. "${top_srcdir:-.}/tests/e2e/lib.sh"
. "${top_srcdir:-.}/tests/ui/lib.sh"

emu_start --generate 30:1 --seed 51
curl -s -o /dev/null -X POST "$EMU_URL/emulator/tokens" -d '{"comment":"données 数据 🚀"}'
N=$(stats '.active_tokens["admin@example.com"]')

# --- under LC_ALL=C -------------------------------------------------------------
UI_ENV="LC_ALL=C"
ui_shell 100 30
ui_start
check_screen "drawn under C (ASCII)" "patrol \\| "
check_screen "the comment escaped on screen" 'donn\\u\{00E9\}es'
keys :; tm send-keys -t t -l "export $T/c.csv"; keys Enter
check_screen "exported" "exported $N rows"
LC_ALL=C.UTF-8 "$PATROL" list -o csv >"$T/u.csv"
check_eq "the UI's CSV under C: the CLI's rows under C.UTF-8, byte for byte" \
	"$(tail -n +2 "$T/u.csv" | sort)" "$(tail -n +2 "$T/c.csv" | sort)"
check_eq "the same header" "$(head -n 1 "$T/u.csv")" "$(head -n 1 "$T/c.csv")"
check_match "the comment as itself in the file" '"données 数据 🚀"' "$(cat "$T/c.csv")"
keys q
ui_exited 10
check_eq "quit" 0 "$UI_RC"

finish
