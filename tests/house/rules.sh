#!/bin/sh
# rules.sh: the house rules (HACKING.md, tests/house/rules.py) hold in this
# tree, and the check that says so fails on each kind of violation planted
# in a copy of the tree, naming the rule (and passes on one that is only
# named in a comment). Needs python3.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
src=${top_srcdir:-$here}
rules="$src/tests/house/rules.py"
command -v python3 >/dev/null 2>&1 || { echo "missing tool: python3"; exit 99; }
T=$(mktemp -d "${TMPDIR:-/tmp}/patrol-rules.XXXXXX")
trap 'rm -rf "$T"' EXIT
n=0
failed=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "#   $l"; done; }

# A fresh copy of the sources to plant a violation in.
fresh() {
	rm -rf "$T/tree"
	mkdir -p "$T/tree"
	cp -R "$src/src" "$src/ui" "$T/tree/"
}

# planted DESC RULE FILE TEXT: append TEXT to FILE of a fresh copy; the
# check must fail and name RULE and FILE.
planted() {
	fresh
	printf '%s\n' "$4" >>"$T/tree/$3"
	out=$(python3 "$rules" "$T/tree" 2>&1)
	rc=$?
	if [ "$rc" -eq 1 ] && printf '%s\n' "$out" | grep -q "^$2: .*$3\|^$2: .*$(basename "$3")"; then
		ok "$1"
	else
		not_ok "$1" "exit $rc, expected 1 naming $2 and $3" "$out"
	fi
}

out=$(python3 "$rules" "$src" 2>&1)
rc=$?
if [ "$rc" -eq 0 ]; then ok "the tree keeps the house rules"; else not_ok "the tree keeps the house rules" "$out"; fi

planted "curses in the core" curses src/token.c '#include <curses.h>'
planted "curses.h outside ui_curses.h" curses ui/ui_draw.c '#include <ncursesw/curses.h>'
planted "term.h outside ui_terminfo.c" curses ui/ui_term.c '#include <term.h>'
planted "a ui/ header in the core" curses src/cli.c '#include "ui_internal.h"'
planted "a curses call in the core" curses src/bulk.c 'static void planted(void) { endwin(); }'
planted "curses in the model" model ui/ui_state.c '#include "ui_curses.h"'
planted "libcurl outside the transport and the worker" curl src/token.c 'static void *planted(void) { return curl_easy_init(); }'
planted "jansson outside the API layer, journal and output" jansson src/bulk.c 'static json_t *planted;'
planted "yajl outside the API layer" yajl src/cli.c '#include <yajl/yajl_parse.h>'
planted "a circle of calls in ui/" calls ui/ui_state.c 'void ui_state_planted(struct ui *u) { ui_draw(u, 0); }'
planted "a circle of calls in src/" calls src/token.c 'size_t token_planted(const struct bulk *b) { return bulk_count(b); }'

fresh
sed 's|^#define PATROL_STATUS_H|#define PATROL_STATUS_H\n#include "token.h"|' "$src/src/status.h" >"$T/tree/src/status.h"
out=$(python3 "$rules" "$T/tree" 2>&1)
if [ $? -eq 1 ] && printf '%s\n' "$out" | grep -q '^include: .*status.h'; then
	ok "an include cycle"
else
	not_ok "an include cycle" "$out"
fi

fresh
printf '%s\n' '/* #include <curses.h>, curl_easy_init(), json_t: words, not code */' >>"$T/tree/src/token.c"
out=$(python3 "$rules" "$T/tree" 2>&1)
if [ $? -eq 0 ]; then ok "a comment may name what the code must not use"; else not_ok "a comment may name what the code must not use" "$out"; fi

echo "1..$n"
[ "$failed" -eq 0 ]
