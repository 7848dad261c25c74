# src/: the core, a convenience library both faces link. No curses here.
noinst_LIBRARIES += libpatrol.a
libpatrol_a_SOURCES = \
	src/status.c src/status.h \
	src/call.c src/call.h \
	src/buf.c src/buf.h \
	src/secret.c src/secret.h \
	src/sha256.c src/sha256.h \
	src/sanitize.c src/sanitize.h \
	src/table.c src/table.h \
	src/savefile.c src/savefile.h \
	src/viewstate.c src/viewstate.h \
	src/duration.c src/duration.h \
	src/config.c src/config.h \
	src/token.c src/token.h \
	src/api.c src/api.h \
	src/retry.c src/retry.h \
	src/http.c src/http.h \
	src/worker.c src/worker.h \
	src/cli.c src/cli.h src/face.h \
	src/cli_cmds.c \
	src/cli_revoke.c \
	src/cli_output.c src/cli_output.h \
	src/journal.c src/journal.h \
	src/bulk.c src/bulk.h \
	src/prefs.c src/prefs.h \
	src/cli_audit.c \
	src/cli_journal.c
libpatrol_a_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS) $(JANSSON_CFLAGS)

PATROL_CORE_LIBS = libpatrol.a $(CURL_LIBS) $(JANSSON_LIBS)

bin_PROGRAMS += patrol
patrol_SOURCES = src/main.c
patrol_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/ui -DPATROL_WITH_UI=1
patrol_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS) $(JANSSON_CFLAGS)
patrol_LDADD = libpatrolui.a $(PATROL_CORE_LIBS) $(NCURSES_LIBS)
