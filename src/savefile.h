/*
 * savefile.h: files patrol writes for the user (exports, a new token's
 * secret, the view's remembered state), written whole or not at all.
 *
 * The data goes to a temporary file (mode 0600) in the destination's
 * directory (opened once: everything after goes through that descriptor),
 * is flushed and fsync'd, then takes the destination's name:
 * rename(2) when it may replace an existing file, link(2) when it must not
 * (an existing file, or a symbolic link, is never overwritten or followed).
 * The directory is fsync'd after. A failed write leaves no file behind and
 * the destination as it was.
 */
#ifndef PATROL_SAVEFILE_H
#define PATROL_SAVEFILE_H

#include <stdbool.h>
#include <stdio.h>

#include "status.h"

/* What to do when the destination exists. */
enum savefile_mode {
	SAVEFILE_NEW,        /* refuse (PATROL_CONFLICT, "File exists") */
	SAVEFILE_REPLACE,    /* replace it, atomically */
};

/* Write into fp; return 0, or -1 after a failure (errno, or a stream
 * error, says why). */
typedef int (*savefile_fill_fn)(FILE *fp, const void *ctx);

/* "~" and "~/..." with $HOME (no other ~user form); any other path as is.
 * Returns a malloc'd string, or NULL on out of memory or when HOME is not
 * set for a path that needs it. */
char *savefile_expand(const char *path);
/* Whether something (a file, a link, anything) has this name. */
bool savefile_exists(const char *path);
/* Write path as fill writes it, mode 0600, whole or not at all. On error
 * err says what and the file is as it was. */
enum patrol_status savefile_write(const char *path, enum savefile_mode mode,
				  savefile_fill_fn fill, const void *ctx, struct patrol_err *err);
/* As savefile_write, for an absolute path whose directories were resolved
 * (realpath(3)) when it was checked: the directory is opened one component
 * at a time without following a symbolic link, and the file is made
 * through that descriptor. A directory swapped meanwhile for a link (by
 * another user who may write in the one above it) fails the write, and
 * nothing is written through it. */
enum patrol_status savefile_write_resolved(const char *path, enum savefile_mode mode,
					   savefile_fill_fn fill, const void *ctx,
					   struct patrol_err *err);

#endif
