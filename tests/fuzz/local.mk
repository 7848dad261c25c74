# tests/fuzz/: fuzz targets; make check replays the corpora with any compiler.
#
# A target NAME is tests/fuzz/fuzz_NAME.c, which defines
# LLVMFuzzerTestOneInput (and, if it needs set-up, LLVMFuzzerInitialize), and
# its seed corpus tests/fuzz/corpus/NAME/. make check links the target with
# replay.c into tests/fuzz/replay_NAME, and replay.sh runs every replay_NAME
# over its corpus: neither needs editing for a new target. Add one here with
# a line in FUZZ_REPLAY and its SOURCES/LDADD pair, and for libFuzzer the
# same in the ENABLE_FUZZING block, listing the core sources it exercises so
# they are built with coverage instrumentation.
#
# libFuzzer (./configure CC=clang --enable-fuzzing):
#   tests/fuzz/fuzz_sanitize -max_total_time=60 tests/fuzz/corpus/sanitize

FUZZ_REPLAY = \
	tests/fuzz/replay_sanitize \
	tests/fuzz/replay_ini \
	tests/fuzz/replay_host \
	tests/fuzz/replay_api \
	tests/fuzz/replay_api_error \
	tests/fuzz/replay_filter \
	tests/fuzz/replay_journal \
	tests/fuzz/replay_auth
check_PROGRAMS += $(FUZZ_REPLAY)
TESTS += tests/fuzz/replay.sh
EXTRA_DIST += tests/fuzz/replay.sh tests/fuzz/corpus
FUZZ_REPLAY_LIBS = $(PATROL_CORE_LIBS)

tests_fuzz_replay_sanitize_SOURCES = tests/fuzz/fuzz_sanitize.c tests/fuzz/replay.c \
	tests/common/sanitize_invariant.c tests/common/sanitize_invariant.h
tests_fuzz_replay_sanitize_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/common
tests_fuzz_replay_sanitize_LDADD = $(FUZZ_REPLAY_LIBS)
tests_fuzz_replay_ini_SOURCES = tests/fuzz/fuzz_ini.c tests/fuzz/replay.c
tests_fuzz_replay_ini_LDADD = $(FUZZ_REPLAY_LIBS)
tests_fuzz_replay_host_SOURCES = tests/fuzz/fuzz_host.c tests/fuzz/replay.c
tests_fuzz_replay_host_LDADD = $(FUZZ_REPLAY_LIBS)
tests_fuzz_replay_api_SOURCES = tests/fuzz/fuzz_api.c tests/fuzz/replay.c
tests_fuzz_replay_api_LDADD = $(FUZZ_REPLAY_LIBS)
tests_fuzz_replay_api_error_SOURCES = tests/fuzz/fuzz_api_error.c tests/fuzz/replay.c
tests_fuzz_replay_api_error_LDADD = $(FUZZ_REPLAY_LIBS)
tests_fuzz_replay_filter_SOURCES = tests/fuzz/fuzz_filter.c tests/fuzz/replay.c
tests_fuzz_replay_filter_LDADD = $(FUZZ_REPLAY_LIBS)
tests_fuzz_replay_journal_SOURCES = tests/fuzz/fuzz_journal.c tests/fuzz/replay.c
tests_fuzz_replay_journal_LDADD = $(FUZZ_REPLAY_LIBS)
tests_fuzz_replay_auth_SOURCES = tests/fuzz/fuzz_auth.c tests/fuzz/replay.c
tests_fuzz_replay_auth_LDADD = $(FUZZ_REPLAY_LIBS)

if ENABLE_FUZZING
FUZZ_ENGINES = \
	tests/fuzz/fuzz_sanitize \
	tests/fuzz/fuzz_ini \
	tests/fuzz/fuzz_host \
	tests/fuzz/fuzz_api \
	tests/fuzz/fuzz_api_error \
	tests/fuzz/fuzz_filter \
	tests/fuzz/fuzz_journal \
	tests/fuzz/fuzz_auth
noinst_PROGRAMS += $(FUZZ_ENGINES)
FUZZ_FLAGS = -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer
FUZZ_COMPILE_FLAGS = $(AM_CFLAGS) $(CURL_CFLAGS) $(JANSSON_CFLAGS) $(YAJL_CFLAGS) $(FUZZ_FLAGS)
FUZZ_LINK_FLAGS = $(AM_LDFLAGS) $(FUZZ_FLAGS)
FUZZ_LIBS = $(PATROL_CORE_LIBS)

tests_fuzz_fuzz_sanitize_SOURCES = tests/fuzz/fuzz_sanitize.c src/sanitize.c src/utf8.c \
	tests/common/sanitize_invariant.c tests/common/sanitize_invariant.h
tests_fuzz_fuzz_sanitize_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/common
tests_fuzz_fuzz_sanitize_CFLAGS = $(FUZZ_COMPILE_FLAGS)
tests_fuzz_fuzz_sanitize_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_sanitize_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_ini_SOURCES = tests/fuzz/fuzz_ini.c src/ini.c
tests_fuzz_fuzz_ini_CFLAGS = $(FUZZ_COMPILE_FLAGS)
tests_fuzz_fuzz_ini_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_ini_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_host_SOURCES = tests/fuzz/fuzz_host.c src/config.c
tests_fuzz_fuzz_host_CFLAGS = $(FUZZ_COMPILE_FLAGS)
tests_fuzz_fuzz_host_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_host_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_api_SOURCES = tests/fuzz/fuzz_api.c src/api.c src/api_list.c
tests_fuzz_fuzz_api_CFLAGS = $(FUZZ_COMPILE_FLAGS)
tests_fuzz_fuzz_api_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_api_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_api_error_SOURCES = tests/fuzz/fuzz_api_error.c src/api_error.c src/utf8.c
tests_fuzz_fuzz_api_error_CFLAGS = $(FUZZ_COMPILE_FLAGS)
tests_fuzz_fuzz_api_error_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_api_error_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_filter_SOURCES = tests/fuzz/fuzz_filter.c src/token_filter.c src/token.c
tests_fuzz_fuzz_filter_CFLAGS = $(FUZZ_COMPILE_FLAGS)
tests_fuzz_fuzz_filter_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_filter_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_journal_SOURCES = tests/fuzz/fuzz_journal.c src/journal.c
tests_fuzz_fuzz_journal_CFLAGS = $(FUZZ_COMPILE_FLAGS)
tests_fuzz_fuzz_journal_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_journal_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_auth_SOURCES = tests/fuzz/fuzz_auth.c src/api_auth.c src/duration.c
tests_fuzz_fuzz_auth_CFLAGS = $(FUZZ_COMPILE_FLAGS)
tests_fuzz_fuzz_auth_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_auth_LDADD = $(FUZZ_LIBS)
endif
