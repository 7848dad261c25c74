/*
 * ui_curses.h: the one place the UI includes curses (wide-character ncursesw).
 * ui_terminfo.c alone adds <term.h> (setupterm), whose macros clash with
 * ordinary names.
 */
#ifndef PATROL_UI_CURSES_H
#define PATROL_UI_CURSES_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>

#endif
