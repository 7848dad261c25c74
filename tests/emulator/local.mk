# tests/emulator/: the workspace emulator (libmicrohttpd), its contract tests
# and the official Python SDK against it.
if WITH_EMULATOR
noinst_PROGRAMS += patrol-emulator
patrol_emulator_SOURCES = \
	tests/emulator/emulator.c \
	tests/emulator/emu_api.c tests/emulator/emu_api.h \
	tests/emulator/emu_state.c tests/emulator/emu_state.h \
	tests/emulator/emu_api_int.h \
	tests/emulator/emu_api_ctl.c tests/emulator/emu_api_perm.c \
	tests/emulator/emu_access.c tests/emulator/emu_access.h \
	tests/emulator/emu_clock.c tests/emulator/emu_clock.h \
	tests/emulator/emu_scope.c tests/emulator/emu_scope.h \
	tests/emulator/emu_gen.c \
	src/sha256.c src/sha256.h \
	src/utf8.c src/utf8.h
patrol_emulator_CFLAGS = $(AM_CFLAGS) $(MHD_CFLAGS) $(JANSSON_CFLAGS)
patrol_emulator_LDADD = $(MHD_LIBS) $(JANSSON_LIBS) -lm
EMULATOR_TESTS = \
	tests/emulator/contract.sh \
	tests/emulator/contract_life.sh \
	tests/emulator/sdk.sh
TESTS += $(EMULATOR_TESTS)
endif
EXTRA_DIST += tests/emulator/lib.sh tests/emulator/sdk_check.py \
	tests/emulator/contract.sh tests/emulator/contract_life.sh \
	tests/emulator/sdk.sh
