/*
 * prefs.h: patrol's own settings, hand-edited and never written by patrol.
 *
 * The file is $XDG_CONFIG_HOME/patrol/config when XDG_CONFIG_HOME is an
 * absolute path, else $HOME/.config/patrol/config (PATROL_CONFIG overrides
 * the path). INI in the dialect of ~/.databrickscfg, read by
 * ini_parse_file_kind(INI_SETTINGS) (ini.h) with the same checks as that
 * file: O_NOFOLLOW (a symbolic link is refused), a regular file, another
 * user's file refused, at most 1 MiB; syntax errors name FILE:LINE. The
 * file holds no secret, so the warning is for a file others can write
 * (they could lift a profile's read-only mark): "chmod go-w FILE".
 *
 *   [defaults]
 *   jobs = 8                  requests in flight at most (1..64)
 *   rate = 20                 requests per second at most (0: no limit)
 *
 * Without jobs and rate patrol paces itself (pace.h): up to 32 requests in
 * flight and no rate of its own until the workspace answers 429.
 *   stale-patterns = test, tmp, old, poc, do not delete
 *   read-only = false
 *   columns = comment, expires, last-used, owner, id   the view's columns, in order
 *   refresh = 5m              the view fetches the list again this often (off)
 *   revoke-soon = 14d         revoke-soon's window before Databricks revokes a
 *                             token for 90 days unused (days, or 2w, 21d: 1d..89d)
 *
 *   [profile prod]            a profile of ~/.databrickscfg
 *   read-only = true          refuse every change on this workspace
 *   rate = 5
 *   jobs = 2
 *
 * A profile section overrides [defaults] key by key; every key is allowed
 * in both. Booleans are true/false/yes/no/1/0 (any case). Stale patterns
 * are comma-separated, matched case-insensitively as substrings of the
 * comment, stored lower-case; the first PREFS_MAX_STALE are used (a warning
 * says so when there are more); an empty list leaves only blank comments
 * flagged. A missing file is not an error (every *_set is false); an
 * unknown section or key, a key before any section, or a bad value anywhere
 * in the file (in any profile's section, not only the one in use) is
 * PATROL_CONFIG naming the file, line, section and key ("FILE:7: [profile
 * prod] rate: 'fast' is not a number").
 *
 * Command-line flags win over the file, except read-only: a profile the
 * file marks read-only stays read-only (edit the file to change that).
 */
#ifndef PATROL_PREFS_H
#define PATROL_PREFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "status.h"

#define PREFS_MAX_STALE 32
#define PREFS_REFRESH_MIN 10      /* seconds: a refresh never hammers the workspace */
#define PREFS_COLUMN_FLAGS "flags"
#define PREFS_COLUMN_NAMES "comment, created, expires, flags, last-used, scopes, owner, id, auto-revoke"

struct prefs {
	char *path;                   /* the file considered (even when missing) */
	bool loaded;                  /* the file existed and was read */
	bool read_only;               /* from [defaults] or the profile section */
	bool read_only_set;
	double rate;                  /* 0: no limit */
	bool rate_set;
	int jobs;
	bool jobs_set;
	char *stale[PREFS_MAX_STALE]; /* lower-case */
	size_t nstale;
	bool stale_set;
	char *columns;                /* "comment,expires,id" (checked names), or NULL */
	int refresh_s;                /* seconds between the view's refreshes, 0: off */
	bool refresh_set;
	int revoke_soon_days;         /* revoke-soon's window */
	bool revoke_soon_set;
	char *warning;                /* e.g. group-readable file; NULL if none */
};

/* The path of the file (malloc'd), from getenv_fn (PATROL_CONFIG,
 * XDG_CONFIG_HOME, HOME). NULL when none of them is set. */
char *prefs_path(config_getenv_fn getenv_fn, void *env_ctx);
/* Load the settings that apply to profile (NULL: [defaults] only) from
 * path (NULL: prefs_path). out is zeroed first; on error it is freed. */
enum patrol_status prefs_load(const char *path, const char *profile,
			      config_getenv_fn getenv_fn, void *env_ctx,
			      struct prefs *out, struct patrol_err *err);
/* The same from text (tests and fuzzing); name is used in messages. */
enum patrol_status prefs_parse(const char *text, size_t len, const char *name,
			       const char *profile, struct prefs *out,
			       struct patrol_err *err);
void prefs_free(struct prefs *p);

/* What the command line said about settings this file can also set. */
struct prefs_flags {
	bool read_only;               /* --read-only */
	int jobs;                     /* --jobs, 0: not given */
	double rate;                  /* --rate, < 0: not given (0: no limit) */
};
/* What applies to a profile: the flags merged with the file, the same for
 * both faces (the command line, and the view at start and on :profile). */
struct prefs_merged {
	bool read_only;               /* the flag or the profile: either makes it so */
	int jobs;                     /* the flag, else the file's; 0: neither said */
	double rate;                  /* the flag, else the file's; < 0: neither said */
	const char *const *stale;     /* the file's patterns (in p), NULL: the defaults */
	size_t nstale;
	int64_t revoke_soon_ms;       /* the file's window, 0: the default (token.h) */
};
void prefs_merge(const struct prefs *p, const struct prefs_flags *f, struct prefs_merged *out);
/* The worker's rate cap (worker_opts.rate) for a merged rate: none said is
 * 0 (the pace finds the workspace's rate), 0 (no limit) is -1. */
double prefs_worker_rate(double rate);

#endif
