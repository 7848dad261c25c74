# tests/house/: the house rules (HACKING.md) as a check: what may use
# curses, libcurl, jansson and YAJL, no include cycle, no circle of calls
# between the files of ui/ or of src/. rules.sh also plants a violation of
# each kind in a copy of the tree and expects the check to name it.
TESTS += tests/house/rules.sh
EXTRA_DIST += tests/house/rules.sh tests/house/rules.py
