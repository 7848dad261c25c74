# ui/: the ncurses face, a convenience library linked into patrol with
# $(NCURSES_LIBS). The only folder that includes curses.
noinst_LIBRARIES += libpatrolui.a
libpatrolui_a_SOURCES = \
	ui/ui.h ui/ui_internal.h ui/ui_curses.h \
	ui/ui_main.c \
	ui/ui_term.c \
	ui/ui_terminfo.c \
	ui/ui_util.c \
	ui/ui_columns.c \
	ui/ui_state.c \
	ui/ui_answers.c \
	ui/ui_views.c \
	ui/ui_scopes.c \
	ui/ui_draw.c \
	ui/ui_prompt.c \
	ui/ui_actions.c \
	ui/ui_token.c \
	ui/ui_workspace.c \
	ui/ui_estate.c \
	ui/ui_export.c \
	ui/ui_bulk.c \
	ui/ui_rotate.c \
	ui/ui_permissions.c \
	ui/ui_cmds.c \
	ui/ui_keys.c \
	ui/lineedit.c ui/lineedit.h \
	ui/form.c ui/form.h \
	ui/dialog.c ui/dialog.h \
	ui/osc52.c
libpatrolui_a_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/ui -DNCURSES_WIDECHAR=1
libpatrolui_a_CFLAGS = $(AM_CFLAGS) $(NCURSES_CFLAGS) $(CURL_CFLAGS) $(JANSSON_CFLAGS)
