/*
 * face.h: what the command line hands the interactive face (ui/ui.h) when
 * patrol runs with no command on a terminal. Curses-free, so the core can
 * fill it in without knowing how the UI is drawn.
 */
#ifndef PATROL_FACE_H
#define PATROL_FACE_H

#include <stdbool.h>

#include "config.h"
#include "prefs.h"
#include "worker.h"

struct ui_opts {
	const struct config *cfg;     /* resolved; the UI may keep a pointer */
	struct worker_opts worker;    /* how to start the worker (cfg filled in) */
	const char *profile_label;    /* shown in the header ("DEFAULT", "env") */
	const char *filter;           /* --filter: initial filter, may be NULL */
	const char *sort;             /* --sort: "expires:desc", may be NULL */
	bool all;                     /* --all: token management view */
	bool read_only;               /* --read-only, or the profile is read-only in
				       * patrol's config: every mutating key refused */
	bool no_color;                /* --no-color or NO_COLOR */
	bool ascii;                   /* --ascii: no line drawing, ASCII glyphs */
	bool mouse;                   /* --mouse: opt-in */
	struct prefs_flags flags;     /* before patrol's config was merged, so a face
				       * that switches profile merges the new one's */
	const char *const *stale;     /* stale-comment patterns from patrol's config, or NULL */
	size_t nstale;
	int64_t revoke_soon_ms;       /* revoke-soon's window from patrol's config, 0: default */
	const char *columns;          /* the view's columns from patrol's config, or NULL */
	int refresh_s;                /* seconds between refreshes from patrol's config, 0: off */
	/* Several workspaces at once (-p A -p B, --profiles, --all-profiles;
	 * estate.h): their profile names, cfg being the first's; nprofiles < 2:
	 * one workspace. note: what --all-profiles left out, or NULL. */
	const char *const *profiles;
	size_t nprofiles;
	const char *note;
};

/* The interactive face: runs until the user quits; returns the exit code. */
typedef int (*face_fn)(const struct ui_opts *opts);

#endif
