/*
 * ui.h: the ncurses face of patrol, entered when patrol runs with no command
 * on a terminal. Everything in ui/ may use curses; nothing outside ui/ may.
 *
 * Threading (design.md): the UI thread is the only one that calls curses;
 * the worker thread (src/worker.h) does all network work. The UI blocks
 * SIGINT, SIGTERM, SIGHUP and SIGWINCH before starting the worker and reads
 * them from a signalfd in its poll() loop together with the keyboard and the
 * worker's wake descriptor. Handlers change state and return what changed;
 * the loop redraws once per turn (wnoutrefresh per window, one doupdate).
 */
#ifndef PATROL_UI_H
#define PATROL_UI_H

#include <stdbool.h>

#include "face.h"

/* struct ui_opts (src/face.h): what the command line hands over. */

/* Run the UI until the user quits or a signal ends it. The terminal is
 * restored on every exit path. Returns the process exit code. */
int ui_run(const struct ui_opts *opts);

#endif
