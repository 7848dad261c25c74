/*
 * ui_terminfo.c: whether terminfo knows a terminal type and it can move
 * the cursor, asked before anything is drawn.
 *
 * setupterm lives in <term.h>, whose macros (lines, columns, ...) clash
 * with ordinary names, so it is included here alone (ui_curses.h is the
 * one place for <curses.h>). setupterm, unlike a failed newterm, leaves
 * nothing allocated when the type is unknown.
 */
#include <unistd.h>

#include "ui_curses.h"
#include "ui_internal.h"
#include <term.h>         /* last: its macros would rename our headers' names */

int
ui_terminfo_check(const char *term)
{
	char *cup;
	int err = 0, rc = 0;

	if (setupterm((char *)term, STDERR_FILENO, &err) != OK || err != 1)
		rc = -1;
	else if ((cup = tigetstr("cup")) == NULL || cup == (char *)-1)
		rc = -2;
	if (cur_term != NULL)
		del_curterm(cur_term);
	return rc;
}
