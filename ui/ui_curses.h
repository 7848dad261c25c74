/*
 * ui_curses.h: the one place the UI includes curses (wide-character ncursesw).
 * ui_terminfo.c alone adds <term.h> (setupterm), whose macros clash with
 * ordinary names (lines, columns, ...): it includes nothing of ours after
 * it and exports one function. tests/house/rules.py holds both to it.
 */
#ifndef PATROL_UI_CURSES_H
#define PATROL_UI_CURSES_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>

#endif
