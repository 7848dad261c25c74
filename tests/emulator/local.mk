# tests/emulator/: the workspace emulator (libmicrohttpd) and its contract test.
if WITH_EMULATOR
noinst_PROGRAMS += patrol-emulator
patrol_emulator_SOURCES = \
	tests/emulator/emulator.c \
	tests/emulator/emu_api.c tests/emulator/emu_api.h \
	tests/emulator/emu_state.c tests/emulator/emu_state.h \
	tests/emulator/emu_gen.c \
	src/sha256.c src/sha256.h
patrol_emulator_CFLAGS = $(AM_CFLAGS) $(MHD_CFLAGS) $(JANSSON_CFLAGS)
patrol_emulator_LDADD = $(MHD_LIBS) $(JANSSON_LIBS) -lm
TESTS += tests/emulator/contract.sh
endif
EXTRA_DIST += tests/emulator/lib.sh tests/emulator/contract.sh
