#!/bin/sh
# replay.sh: replay every fuzz corpus through its replay program.
#
# For each tests/fuzz/replay_NAME program in the build tree, run it over
# tests/fuzz/corpus/NAME/ in the source tree. Every program must have a
# corpus and every corpus a program, so a target cannot drop out of
# make check unnoticed. make check (TESTS) exports top_srcdir and
# top_builddir; run by hand, both default to the tree this script is in.
set -u

here=$(cd "$(dirname "$0")/../.." && pwd)
corpus="${top_srcdir:-$here}/tests/fuzz/corpus"
bindir="${top_builddir:-$here}/tests/fuzz"
status=0
ran=0

fail() {
	echo "replay.sh: $*" >&2
	status=1
}

for bin in "$bindir"/replay_*; do
	name=${bin##*/replay_}
	case $name in
	*.*|*-*|'*') continue ;;	# objects, scripts, no match
	esac
	[ -f "$bin" ] && [ -x "$bin" ] || continue
	ran=$((ran + 1))
	if [ ! -d "$corpus/$name" ]; then
		fail "no corpus $corpus/$name for $bin"
		continue
	fi
	"$bin" "$corpus/$name" || fail "$name: a corpus input failed"
done

for dir in "$corpus"/*; do
	[ -d "$dir" ] || continue
	name=${dir##*/}
	[ -x "$bindir/replay_$name" ] || fail "corpus $name has no replay_$name in $bindir"
done

[ "$ran" -gt 0 ] || fail "no replay programs in $bindir"
exit $status
