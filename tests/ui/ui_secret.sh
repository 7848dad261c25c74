#!/bin/bash
# UI end-to-end: the clipboard inside tmux, and the one-time secret dialog.
# Inside tmux (TMUX set, as tmux sets it) the copy is plain OSC 52, which
# tmux handles with set-clipboard on; with its default (external) it drops
# a program's OSC 52, so patrol says "not copied" and sends nothing. A
# secret copied inside tmux is said to stay in a paste buffer. Closing the
# secret dialog before the secret was saved asks (Esc keeps it shown, only
# d discards); after a failed write the path field is empty again, so new
# typing is a new path; a written secret (~ expanded) closes without asking.
. "${top_srcdir:-.}/tests/e2e/lib.sh"
. "${top_srcdir:-.}/tests/ui/lib.sh"

emu_start --generate 5:1 --seed 71
ADMIN_ID=$(tok_id "$ADMIN_TOKEN")
buffer() { tm show-buffer 2>/dev/null; }
# dialog_text: the dialog's lines without its frame, joined (a long note
# wraps over two or three lines).
dialog_text() { screen | sed -n 's/^.*│ \(.*[^ ]\) *│.*$/\1/p' | tr '\n' ' '; }
# check_dialog DESC REGEX: wait for REGEX in dialog_text.
check_dialog() {
	local i=0
	while [ $i -lt 100 ]; do
		dialog_text | grep -Eq -- "$2" && { ok "$1"; return; }
		sleep 0.05
		i=$((i + 1))
	done
	OUT=$(dialog_text)
	not_ok "$1" "the dialog never said /$2/"
}

ui_shell 120 30
# inside tmux, as tmux itself sets it for the pane's programs
type_line "export TMUX='$(tm display-message -p -t t '#{socket_path},#{pid},0')'"
ui_start
check_screen "drawn" "patrol emulator admin token"
keys /; tm send-keys -t t -l "id:${ADMIN_ID:0:12}"; keys Enter
wait_for "/id:" 5 >/dev/null

# --- y inside tmux: set-clipboard decides -------------------------------------------
tm set-option -s set-clipboard external
tm delete-buffer 2>/dev/null
keys y
check_screen "external: not copied, and how to allow it" \
	"not copied: this tmux drops OSC 52 from programs \\(tmux set -s set-clipboard on\\)"
check_eq "external: no paste buffer (nothing claimed that did not happen)" "" "$(buffer)"
tm set-option -s set-clipboard off
keys y
check_screen "off: not copied either" "not copied: this tmux drops OSC 52"
tm set-option -s set-clipboard on
keys y
check_screen "on: copied, and the paste buffer named" "copied the id to the clipboard; tmux keeps a paste buffer of it too"
check_eq "on: the plain OSC 52 reached tmux: the buffer holds the full id" "$ADMIN_ID" "$(buffer)"
tm delete-buffer 2>/dev/null

# --- the secret: copy inside tmux, then closing asks ---------------------------------
keys c
check_screen "create dialog" "New token"
tm send-keys -t t -l "secret dialog"
keys Enter
check_screen "secret shown" "Copy this token now"
SECRET=$(screen | grep -oE 'dapi[0-9a-f]{32}' | head -n 1)
keys y
check_dialog "copying a secret inside tmux says it stays in a paste buffer" \
	"copied; tmux also keeps it in a paste buffer until you run tmux delete-buffer"
check_eq "the buffer holds the secret" "$SECRET" "$(buffer)"
tm delete-buffer 2>/dev/null
keys Escape
check_screen "Esc asks before discarding" "Discard the secret\\? It cannot be shown again"
check_screen "and says how to answer" "d discard it +any other key: keep it shown"
keys Escape
wait_gone "Discard the secret" 5
check_screen "Esc again keeps it shown" "$SECRET"
keys Enter
check_screen "Enter asks too" "Discard the secret\\?"
keys n
wait_gone "Discard the secret" 5
check_screen "any other key keeps it" "$SECRET"

# a failed write, then a new path: not appended to the old one
keys w
tm send-keys -t t -l "$T/no/such/dir/secret.txt"
keys Enter
check_dialog "the failed write says why" "cannot write .*no/such/dir/secret\\.txt: No such file or directory"
check_screen "the path field is open again, empty" "Write to +\\[ +\\]"
tm send-keys -t t -l "~/secret.txt"
keys Enter
check_dialog "the new path alone is written (~ is HOME)" "written to $HOME/secret\\.txt \\(mode 0600\\)"
check_eq "the file holds the secret" "$SECRET" "$(tr -d '\n' <"$HOME/secret.txt")"
check_eq "the file is 0600" 600 "$(stat -c %a "$HOME/secret.txt")"
check_eq "nothing was written under the failed path" "no" "$([ -e "$T/no" ] && echo yes || echo no)"
keys w
tm send-keys -t t -l "~/secret.txt"
keys Enter
check_dialog "an existing file is never overwritten" "secret\\.txt: File exists"
check_eq "it still holds the secret" "$SECRET" "$(tr -d '\n' <"$HOME/secret.txt")"
keys Escape
keys Enter
wait_gone "Copy this token now" 5
check_screen_not "written: Enter closes without asking" "Discard the secret"
check_gone "the secret is gone from the screen" "$SECRET"
keys q
ui_exited 10
check_eq "quit" 0 "$UI_RC"

finish
