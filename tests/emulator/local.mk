# tests/emulator/: the workspace emulator (libmicrohttpd).
if WITH_EMULATOR
noinst_PROGRAMS += patrol-emulator
patrol_emulator_SOURCES = \
	tests/emulator/emulator.c \
	tests/emulator/emu_state.c tests/emulator/emu_state.h \
	src/sha256.c src/sha256.h
patrol_emulator_CFLAGS = $(AM_CFLAGS) $(MHD_CFLAGS) $(JANSSON_CFLAGS)
patrol_emulator_LDADD = $(MHD_LIBS) $(JANSSON_LIBS)
endif
