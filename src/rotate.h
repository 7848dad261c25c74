/*
 * rotate.h: a rotation session, the same for both faces: replace tokens
 * like for like, deliver each new secret, then revoke the old token,
 * journaled step by step (a journal session of kind "rotate") so that a
 * crash at any point is recoverable and nothing is revoked twice.
 *
 * One item (an old token O) goes through these phases; each call it needs
 * comes from rotate_next and goes back through rotate_finish, so a face can
 * run it on the worker without waiting (the command line waits):
 *   app      a service principal's token (admin mode, another owner): its
 *            application id from SCIM (ServicePrincipals/{owner_id}); a
 *            user's token cannot be created on their behalf: the item fails
 *   discard  tokens whose secret never reached the destination are revoked
 *            first (steps "discard" N, then "discarded" N)
 *   create   step "create" (the new comment, the time) is written, then the
 *            create is sent: the worker fsyncs the journal before it leaves.
 *            Its answer is step "created" N; the secret is held for the face
 *   deliver  the face writes the secret (standard output, a new 0600 file,
 *            the view's dialog) and says so with rotate_delivered: step
 *            "delivered" N. The secret is wiped either way
 *   revoke   O is revoked (the intent and result records of a revocation:
 *            the worker fsyncs the intent, and so every step before it,
 *            before the request leaves), or kept: step "kept" N
 * A create whose answer was lost (sent, then a timeout or a reset) is never
 * sent again in that run: step "no-answer" (when the failure was seen), the
 * item is "unknown" and the session stays unfinished. A create answered
 * with the old token's id, or an id that is not the SHA-256 of the secret,
 * is no replacement: nothing is delivered or revoked, the item fails. A secret that cannot be delivered gets its token revoked at
 * once, and the item fails.
 *
 * Resume rebuilds each item from its newest step and a fresh list:
 *   created or discard N: when the destination file holds N's secret (its
 *     SHA-256 is N; "created" notes the absolute path the secret goes to)
 *     it was delivered; else N is revoked if still listed and
 *     the token is created again
 *   create or no-answer (outcome unknown): the list is searched for
 *     tokens with all the create asked for (comment, scopes as the plan
 *     recorded them, lifetime to within ROTATE_LOOKUP_SLACK_MS, the old
 *     token's owner), made inside its window (from step create, less
 *     ROTATE_LOOKUP_SLACK_MS, to ROTATE_SETTLE_MS after it, or to step
 *     no-answer plus ROTATE_LOOKUP_SLACK_MS when later: a create given up
 *     on may still land), that no rotation journal of the host names (any session:
 *     planned, or another step's token). One whose secret the destination
 *     file holds is taken as delivered; else one alone is revoked before
 *     a new create; several: none is revoked, the item fails naming each
 *     (step "failed": a resume by name creates again). None found before
 *     the window closes leaves the item unknown
 *   delivered N: O is revoked unless it is gone or kept
 * An old token that is no longer listed before its replacement was
 * delivered is not rotated (the item fails, strays revoked).
 *
 * Secrets never go to the journal, a log or an error message. No terminal
 * I/O here. Strings in items are raw: sanitize them to show.
 */
#ifndef PATROL_ROTATE_H
#define PATROL_ROTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "call.h"
#include "journal.h"
#include "status.h"
#include "token.h"

/* Calls of a rotation carry ROTATE_TAG | item index (bulk.h uses bit 62). */
#define ROTATE_TAG ((uint64_t)1 << 61)
#define ROTATE_LOOKUP_SLACK_MS 60000     /* clocks differ: search from this much before */
#define ROTATE_SETTLE_MS 180000          /* a lost create may still land this long after */
#define ROTATE_STRAYS_MAX 8              /* tokens to revoke before creating again, and
					  * matches of a lost create named */
#define ROTATE_SECRET_MAX 4096           /* bytes of a secret file read on resume */

#define ROTATE_COMMENT_MAX 255           /* characters in a comment (token-api.md) */

/* The characters of comment s as the API counts them: UTF-8 code points
 * (an invalid byte counts as one). */
size_t rotate_comment_len(const char *s);

/* Where the new secrets go. */
#define ROTATE_DESTS(_) \
	_(STDOUT, "stdout") \
	_(FILE,   "file")   \
	_(DIR,    "dir")    \
	_(DIALOG, "dialog")
#define ROTATE_DEST_ENUM(e, name) ROTATE_DEST_##e,
enum rotate_dest { ROTATE_DESTS(ROTATE_DEST_ENUM) ROTATE_DEST_COUNT };
#undef ROTATE_DEST_ENUM

/* What became of one item.
 *        enum            label                counts as failure */
#define ROTATE_RESULTS(_) \
	_(ROTATED,       "rotated",           false) \
	_(KEPT,          "rotated, old kept", false) \
	_(WOULD,         "would rotate",      false) \
	_(FAILED,        "failed",            true)  \
	_(UNKNOWN,       "unknown",           true)  \
	_(NOT_ATTEMPTED, "not attempted",     true)
#define ROTATE_RESULT_ENUM(e, label, fails) ROTATE_##e,
enum rotate_result {
	ROTATE_RESULTS(ROTATE_RESULT_ENUM)
	ROTATE_RESULT_COUNT,
	ROTATE_PENDING = ROTATE_RESULT_COUNT
};
#undef ROTATE_RESULT_ENUM

const char *rotate_result_label(enum rotate_result r);   /* "pending" for ROTATE_PENDING */
bool rotate_result_fails(enum rotate_result r);
const char *rotate_dest_name(enum rotate_dest d);

enum rotate_phase {
	ROTATE_P_APP, ROTATE_P_DISCARD, ROTATE_P_CREATE, ROTATE_P_DELIVER, ROTATE_P_REVOKE,
	ROTATE_P_DONE
};

/* What the replacements get, and where their secrets go. Strings are copied. */
struct rotate_opts {
	int64_t lifetime_s;              /* > 0: this; 0: the lifetime each old token had */
	const char *const *scopes;       /* given: these; none: each old token's */
	size_t nscopes;
	const char *comment;             /* NULL: the old comment, marked as replaced */
	bool keep_old;                   /* never revoke the old tokens */
	enum rotate_dest dest;
	const char *path;                /* the file (FILE) or the directory (DIR):
					  * absolute (rotate_abs_path), for a resume
					  * from anywhere */
};

struct rotate_item {
	char old_id[TOKEN_ID_LEN + 1];
	char *old_comment;               /* raw, may be NULL */
	char *owner;                     /* raw, may be NULL */
	int64_t owner_id;                /* token management's owner_id (0: unknown) */
	int64_t old_created_ms, old_expiry_ms, old_last_used_ms;
	bool on_behalf;                  /* another principal's: created on its behalf */
	char *app_id;                    /* its application id, once SCIM said */
	bool keep;                       /* the old one stays (--keep-old, or patrol's own) */
	/* the replacement */
	char *comment;
	char **scopes;
	size_t nscopes;
	bool scopes_known;               /* on resume: scopes are what its create asked
					  * for (else a lost create is matched without) */
	int64_t lifetime_s;              /* 0: omitted (the workspace maximum) */
	bool autoscope;
	char new_id[TOKEN_ID_LEN + 1];   /* "" until created */
	int64_t new_expiry_ms;
	/* progress */
	enum rotate_phase phase;
	enum rotate_result result;       /* ROTATE_PENDING until decided */
	struct patrol_err err;           /* why it failed, or a note */
	char strays[ROTATE_STRAYS_MAX][TOKEN_ID_LEN + 1];
	size_t nstrays;
	bool lost;                       /* its secret could not be delivered */
	bool refused;                    /* its destination cannot take a secret:
					  * nothing is created (rotate_refuse) */
	bool delivered;                  /* the new secret reached the destination */
	bool open;                       /* the workspace is not as planned: resume */
	bool inflight;
	bool earlier;                    /* decided by an earlier run (resume) */
	char *secret;                    /* between created and delivered */
};

struct rotation;

/* A new, empty session (through token management when admin); me_id: the
 * caller's SCIM id (tokens of other owners are created on their behalf),
 * may be NULL when not admin. max_lifetime_s: the workspace maximum, which
 * caps a copied lifetime (0: unknown or unset, and the cap is the longest
 * lifetime any workspace allows, TOKEN_LIFETIME_MAX_DAYS). sync: the face may wait on the disk,
 * so each step is fsync'd as it is written (the command line); else the
 * worker's fsync before each request makes them durable (the view). NULL
 * on out of memory. */
struct rotation *rotate_new(bool admin, const struct rotate_opts *o, const char *me_id,
			    int64_t max_lifetime_s, bool sync);
void rotate_free(struct rotation *r);

size_t rotate_count(const struct rotation *r);
const struct rotate_item *rotate_item(const struct rotation *r, size_t i);
bool rotate_admin(const struct rotation *r);
enum rotate_dest rotate_dest(const struct rotation *r);
const char *rotate_path(const struct rotation *r);    /* FILE or DIR, else NULL */
const struct journal *rotate_journal(const struct rotation *r);

/* Plan t (a listed token) for rotation. self: the token patrol signs in
 * with (kept: revoking it would cut patrol off). 0, 1 when already
 * planned, -1 on out of memory. */
int rotate_add(struct rotation *r, const struct token_info *t, bool self);
/* Start the journal in dir (journal_dir). */
enum patrol_status rotate_journal_start(struct rotation *r, const char *dir, const char *host,
					const char *user, const char *profile,
					struct patrol_err *err);
/* Take the lock of session path and read it under the lock
 * (journal_lock_session): before anything is asked of the workspace, so
 * that what the resume goes on with is what the file says while no other
 * patrol can write it. PATROL_CONFLICT: another patrol holds it. */
enum patrol_status rotate_resume_open(const char *path, struct journal **j,
				      struct journal_session *info, struct patrol_err *err);
/* Tokens of session info that a resume may have to create again (a new
 * secret, with nowhere to go when the session was the view's: its dialog
 * is gone), or 0; from the file alone, before anything is asked. */
size_t rotate_session_needs_dest(const struct journal_session *info);
/* path as an absolute path: a directory (dir) resolved, or a file (it
 * need not exist), or a directory not made yet (a dry run's), in its
 * resolved parent. PATROL_INVALID: no file
 * name; PATROL_IO: the directory cannot be found. *out malloc'd. */
enum patrol_status rotate_abs_path(const char *path, bool dir, char **out,
				   struct patrol_err *err);
/* Go on with session info (kind rotate, from rotate_resume_open, whose
 * journal j, its resume record written with journal_resumed, r takes over
 * either way): its options replace r's, and each
 * item is rebuilt as described above against fresh (the list through token
 * management when the session was admin). The destination given to
 * rotate_new (FILE or DIR, absolute) replaces a standard output or dialog
 * session's; a file or directory session keeps its own, and refuses
 * another one, or a relative one (older journals) unless the same file is
 * named from here. A dialog session with a token to create again and no
 * destination given is refused (PATROL_INVALID) before anything is sent.
 * allow_ended: a session named by the user may have an end record (a
 * failed revoke is tried again). PATROL_CONFLICT: nothing is left;
 * PATROL_INVALID: not a rotation, or the destination as above. */
enum patrol_status rotate_resume(struct rotation *r, struct journal_session *info,
				 struct journal *j, const struct token_table *fresh,
				 int64_t now_ms, bool allow_ended, struct patrol_err *err);

/* The next call of item i (tagged, journaled as it must be), or NULL when it
 * has nothing to send now: in flight, waiting for delivery, or decided. */
struct call *rotate_next(struct rotation *r, size_t i);
/* Take back a finished call of the session: move item i on and free the
 * call. Returns i, or -1 when c is not one of ours (left alone then). */
long rotate_finish(struct rotation *r, struct call *c);
/* Item i holds a new secret to deliver (phase ROTATE_P_DELIVER), else NULL. */
const char *rotate_secret(const struct rotation *r, size_t i);
/* The face delivered item i's secret (err NULL) or could not (err says
 * why: the new token is revoked and the item fails). The secret is wiped. */
void rotate_delivered(struct rotation *r, size_t i, const struct patrol_err *err);
/* Decide every item not yet decided as not attempted (the run stopped). */
void rotate_stop(struct rotation *r);
/* The end record when nothing is left open or unsent (else the session
 * stays unfinished, for rotate --resume); closes the journal. */
void rotate_end(struct rotation *r);
/* Items left open (the workspace is not yet as planned). */
size_t rotate_open(const struct rotation *r);
/* Items a run would still act on: open, or not yet decided (a token never
 * created, or refused a place for its secret by an earlier resume). */
size_t rotate_unfinished(const struct rotation *r);

/* ---- secret files ----------------------------------------------------- */
/* Where item i's secret goes with a FILE or DIR destination: the file, or
 * DIR/NEW_ID (malloc'd); NULL otherwise or on out of memory. */
char *rotate_secret_path(const struct rotation *r, size_t i);
/* Write secret and a newline to a new file path: mode 0600, fsync'd with its
 * directory, never replacing anything (savefile.h). An absolute path is
 * taken as resolved: a directory on it that has become a symbolic link
 * since fails the write (savefile_write_resolved). PATROL_CONFLICT: exists. */
enum patrol_status rotate_write_secret(const char *path, const char *secret,
				       struct patrol_err *err);
/* Whether destination d (FILE or DIR at path) can take a new secret,
 * asked before anything is created: a file must not exist (nor be a
 * link) and its directory must be one patrol can write in; a directory
 * must be one patrol can write in, or (may_make) be missing with such a
 * parent, to be made. PATROL_CONFLICT: the file exists; PATROL_IO: else
 * refused. err names the path and why. Other destinations: PATROL_OK. */
enum patrol_status rotate_dest_check(enum rotate_dest d, const char *path, bool may_make,
				     struct patrol_err *err);
/* A directory on the resolved path of destination d (FILE or DIR at
 * path) every user may write in that is not sticky: the one the secret
 * files land in (*itself true; another local user could rename or replace
 * the files there), else the nearest above it (*itself false; another
 * user could swap the directory below it for a link to their own, and the
 * secrets would land there). malloc'd, absolute; NULL when none. */
char *rotate_dest_exposed(enum rotate_dest d, const char *path, bool *itself);
/* Whether item i would create a token, and so needs a place for its secret. */
bool rotate_needs_secret(const struct rotation *r, size_t i);
/* Item i creates nothing in this run (why: its destination cannot take
 * the secret; say so before anything is sent): tokens made for it earlier
 * are still revoked, then it fails and stays open, for a resume once the
 * destination is fixed. */
void rotate_refuse(struct rotation *r, size_t i, const struct patrol_err *why);
/* Whether path (not a link) holds the secret of token id: its content,
 * without the final newline, hashes (SHA-256) to id. */
bool rotate_file_holds(const char *path, const char *id);

#endif
