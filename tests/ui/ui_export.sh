#!/bin/bash
# UI end-to-end: :export. A CSV written by the UI is UTF-8 whatever the
# locale: under LC_ALL=C (where the screen falls back to ASCII) the file
# holds the same bytes as `patrol list -o csv` under C.UTF-8. ~ is HOME; a
# file that exists (a symbolic link too) is asked about (Esc and Enter keep
# it) and replaced whole, never followed, after OK.
. "${top_srcdir:-.}/tests/e2e/lib.sh"
. "${top_srcdir:-.}/tests/ui/lib.sh"

# the emulator's clock stands still: every call records a use of the
# token patrol signs in with, and the UI's export and the CLI's list below
# must see the same "last used"
emu_start --generate 30:1 --seed 51 --now-ms "$(date +%s%3N)"
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

# --- :export ~/FILE, and a file that exists -------------------------------------
UI_ENV=""
ui_shell 100 30
ui_start
check_screen "drawn with the data" "données 数据"
keys :; tm send-keys -t t -l "export ~/x.csv"; keys Enter
check_screen "~ is HOME" "exported $N rows to $(printf '%s' "$HOME" | sed 's/[.]/\\./g')/x\\.csv"
check_eq "the file is in HOME" "$((N + 1))" "$(wc -l <"$HOME/x.csv" | tr -d ' ')"
check_eq "it is private (0600)" 600 "$(stat -c %a "$HOME/x.csv")"
BEFORE=$(md5sum <"$HOME/x.csv")
keys /; tm send-keys -t t -l "🚀"; keys Enter
check_screen "filtered to one row" "/🚀"
keys :; tm send-keys -t t -l "export ~/x.csv"; keys Enter
check_screen "an existing file: asked first, naming it" "$HOME/x\\.csv exists\\."
check_screen "what would replace it" "Replace it with the rows shown now\\?"
keys Escape
check_screen "Esc: nothing written" "export cancelled: .*x\\.csv is unchanged"
check_eq "the file is as it was" "$BEFORE" "$(md5sum <"$HOME/x.csv")"
keys :; tm send-keys -t t -l "export ~/x.csv"; keys Enter
check_screen "asked again" "Replace the file\\?"
keys Enter
check_screen "Enter is Cancel (the focus starts there)" "export cancelled: "
check_eq "still as it was" "$BEFORE" "$(md5sum <"$HOME/x.csv")"
keys :; tm send-keys -t t -l "export ~/x.csv"; keys Enter
check_screen "asked a third time" "Replace the file\\?"
keys Tab Enter
check_screen "OK: replaced" "exported 1 row to .*x\\.csv"
check_eq "the file now holds the one shown row" 2 "$(wc -l <"$HOME/x.csv" | tr -d ' ')"
check_match "that row" '"données 数据 🚀"' "$(cat "$HOME/x.csv")"
check_eq "still private" 600 "$(stat -c %a "$HOME/x.csv")"
check_eq "no temporary file left beside it" "x.csv" "$(ls -A "$HOME" | grep 'x\.csv' | tr '\n' ' ' | sed 's/ $//')"
ln -s "$T/elsewhere.csv" "$HOME/link.csv"
keys :; tm send-keys -t t -l "export ~/link.csv"; keys Enter
check_screen "a symbolic link counts as existing" "Replace the file\\?"
keys Tab Enter
check_screen "replaced" "exported 1 row to .*link\\.csv"
check_eq "the link itself was replaced, its target never written" "no" "$([ -e "$T/elsewhere.csv" ] && echo yes || echo no)"
check_eq "a file now" "regular file" "$(stat -c %F "$HOME/link.csv")"
keys q
ui_exited 10

finish
