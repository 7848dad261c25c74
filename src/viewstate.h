/*
 * viewstate.h: what the interactive view remembers between runs, per
 * profile: the sort, the columns and admin mode.
 *
 * It lives in its own file, view.ini in patrol's state directory
 * ($XDG_STATE_HOME/patrol, else ~/.local/state/patrol: the journal's,
 * journal_dir), never in the hand-edited config. One section a profile:
 *
 *   [profile prod]
 *   sort = expires:desc
 *   columns = comment,expires,owner,id
 *   admin = true
 *
 * patrol rewrites the file whole (savefile: a temporary file, fsync,
 * rename, mode 0600), keeping the other profiles' sections, each time the
 * view ends. A missing file is an empty state; a file that cannot be read
 * or parsed is a warning, never an error: the view starts with its
 * defaults.
 */
#ifndef PATROL_VIEWSTATE_H
#define PATROL_VIEWSTATE_H

#include <stddef.h>

#include "status.h"

struct viewstate {
	char *profile;       /* the section's profile (malloc'd) */
	char *sort;          /* "expires:desc", or NULL */
	char *columns;       /* "comment,expires,id", or NULL */
	int admin;           /* 1 on, 0 off, -1 not remembered */
};

/* The state of profile (empty when there is none; out->profile is set).
 * *warning (malloc'd) says why a file that exists could not be used. */
enum patrol_status viewstate_load(const char *profile, struct viewstate *out, char **warning,
				  struct patrol_err *err);
/* Write the states of n profiles, keeping every other profile's section. */
enum patrol_status viewstate_save(const struct viewstate *states, size_t n,
				  struct patrol_err *err);
void viewstate_free(struct viewstate *vs);

#endif
