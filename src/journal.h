/*
 * journal.h: the record of bulk revocation sessions, for resume and audit.
 *
 * One append-only file per session in $XDG_STATE_HOME/patrol/ (else
 * ~/.local/state/patrol/). The directory is created mode 0700 and must be
 * the user's own and not writable by group or others; session files are
 * created 0600 with O_EXCL|O_NOFOLLOW|O_APPEND|O_CLOEXEC and named
 * "YYYYMMDDTHHMMSSZ-PID.jsonl" in UTC, "-2", "-3", … added when the name
 * is taken (the session id is the name without ".jsonl"). Each record is one line of JSON ending in '\n':
 *
 *   {"type":"plan","v":1,"session":S,"host":H,"user":U,"profile":P|null,
 *    "admin":B,"filter":F|null,"t":MS,"pid":N,["kind":K,]["change":C,]"items":[{"id":ID,
 *    "owner":O,"comment":C,"created":MS,"last_used":MS,"expiry":MS,
 *    "flags":["never-expires",…][,"scopes":[S,…]]},…][,"params":{KEY:V|null,…}]}
 *   {"type":"resume","t":MS,"pid":N}
 *   {"type":"intent","id":ID,"t":MS}
 *   {"type":"result","id":ID,"t":MS,"result":LABEL,"status":NAME,
 *    "http":N,"message":M}
 *   {"type":"end","t":MS,"reason":"done"|"stopped"|"auth"|"abandoned"}
 *   {"type":"step","id":ID,"step":NAME,"other":ID2|null,"note":N|null,"t":MS}
 *
 * "kind" (optional, absent: "revoke") says what the session does: a row of
 * JOURNAL_KINDS. A reader lists sessions of every kind, kinds it does not
 * know included, but goes on only with a session of its own kind. "params"
 * (optional) are the kind's own settings, strings. A step record is a stage
 * of a kind that works in steps (a rotation: create, created, delivered…):
 * the reader keeps the newest one of each planned id, and the kind's module
 * says what it means. Intents and results stay those of revokes.
 *
 * K is a journal_kind name (absent: revoke); "scopes" is what a pin sets.
 * LABEL is a journal_kind_label, NAME a status_name. Nothing secret is
 * ever written: ids are SHA-256 hashes of tokens, and token values, OAuth
 * secrets and Authorization headers never reach this module. Server strings
 * are stored raw (JSON-escaped) and must be sanitized when shown; before
 * writing, each is made valid UTF-8 (an invalid byte becomes U+FFFD: JSON
 * cannot hold it) and cut to 4096 bytes. Lines are written ASCII-only
 * (\uXXXX escapes, DEL too), so every byte of a journal is printable ASCII
 * or '\n'. A record is built whole and written with one write(2).
 *
 * Readers check every field's type; ids are token_id_valid (1..64 letters,
 * digits, '-' or '_': they go into URLs on resume); a plan may not name an
 * id twice (the file is corrupt); record types they do not know are skipped
 * (newer versions may add some); at most
 * 250,000 items, 4096-byte strings and 64 MiB per file.
 *
 * Durability: an intent is written before its revoke is sent, and
 * journal_sync (fsync of the file, and of the directory for a new file)
 * returns before the request leaves. Nothing else fsyncs: the plan, resume,
 * result and end records become durable at the next journal_sync or when
 * the system writes them back, so no face ever waits on the disk on its own
 * thread. A lost result or end is harmless: resume reconciles intents
 * against a fresh list, and a session whose every id is done is closed. Readers ignore a torn last line (no
 * trailing '\n', or not JSON, at the end of the file); a bad line anywhere
 * else makes the file corrupt. journal_lock_session cuts a torn last line off
 * before it appends, so it never becomes a bad middle line. After the first
 * failed write nothing more is written to that journal.
 *
 * Locking: the writer holds flock(LOCK_EX) on its file while it is open; a
 * session another process holds is "busy" and is never offered for resume.
 * (flock belongs to the open file, so a session this process has open
 * reads as busy too.)
 *
 * Threads: writes to one journal are serialized by an internal mutex: the
 * worker writes intents and results, the face writes the plan and the end.
 */
#ifndef PATROL_JOURNAL_H
#define PATROL_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"
#include "token.h"

/* What became of one planned id.
 *        enum           label            counts as failure */
#define JOURNAL_RESULTS(_) \
	_(REVOKED,       "revoked",       false) \
	_(GONE,          "already gone",  false) \
	_(WOULD,         "would revoke",  false) \
	_(SKIPPED,       "skipped",       false) \
	_(FAILED,        "failed",        true)  \
	_(UNKNOWN,       "unknown",       true)  \
	_(NOT_ATTEMPTED, "not attempted", true)

#define JOURNAL_RESULT_ENUM(e, label, fails) JOURNAL_##e,
enum journal_result {
	JOURNAL_RESULTS(JOURNAL_RESULT_ENUM)
	JOURNAL_RESULT_COUNT,
	JOURNAL_PENDING = JOURNAL_RESULT_COUNT   /* no result yet */
};
#undef JOURNAL_RESULT_ENUM

const char *journal_result_label(enum journal_result r);   /* "pending" for JOURNAL_PENDING */
bool journal_result_fails(enum journal_result r);
/* The result for a label, or -1. */
int journal_result_parse(const char *label);
/* What a finished revoke call means: OK revoked, NOT_FOUND already gone,
 * DRY_RUN would revoke, UNKNOWN_OUTCOME unknown, CANCELLED unknown when
 * something was sent (attempts > 0) else not attempted, anything else failed. */
enum journal_result journal_outcome(enum patrol_status st, int attempts);

/* What a session does to each token: the plan's optional "kind" (absent:
 * revoke, so older files read as before). A reader that meets a kind it
 * does not know lists it (JOURNAL_KIND_OTHER, its name in kind_name) and
 * never resumes it as another. The labels of JOURNAL_REVOKED and
 * JOURNAL_WOULD ("done" and "would do") are the kind's own.
 *        enum     name      done       would */
#define JOURNAL_KINDS(_) \
	_(REVOKE,      "revoke",      "revoked", "would revoke") \
	_(PIN,         "pin",         "pinned",  "would pin")    \
	_(PERMISSIONS, "permissions", "revoked", "would revoke")   /* a token permission removed:
	                                                               * the server deleted its ids */ \
	_(ROTATE,      "rotate",      "revoked", "would revoke")   /* replaced like for like
	                                                               * (rotate.h): its old ids' revokes */

#define JOURNAL_KIND_ENUM(e, name, done, would) JOURNAL_KIND_##e,
enum journal_kind {
	JOURNAL_KINDS(JOURNAL_KIND_ENUM)
	JOURNAL_KIND_OTHER                 /* a newer patrol's: listed, never resumed */
};
#undef JOURNAL_KIND_ENUM

/* "revoke", "pin"; "?" for OTHER. */
const char *journal_kind_name(enum journal_kind k);
/* Whether sessions of kind k are gone on with (patrol KIND --resume): not
 * a permissions change (its one change was made or not) nor a kind this
 * version does not know. */
bool journal_kind_resumes(enum journal_kind k);
/* The kind a name names, or JOURNAL_KIND_OTHER. NULL is revoke. */
enum journal_kind journal_kind_parse(const char *name);
/* The label of r in a session of kind k: "pinned" for a pin's
 * JOURNAL_REVOKED, "would pin" for its JOURNAL_WOULD; else
 * journal_result_label. */
const char *journal_kind_label(enum journal_kind k, enum journal_result r);

/* One planned token, as the plan recorded it. Strings are raw, may be NULL. */
struct journal_item {
	char id[TOKEN_ID_LEN + 1];
	char *owner;
	char *comment;
	int64_t created_ms, last_used_ms, expiry_ms;
	unsigned flags;                /* token_flags bits */
	char **scopes;                 /* pin: the scopes it is set to ("scopes"); */
	size_t nscopes;                /* NULL with 0 for none (and for revokes) */
};
/* Free what an item holds (owner, comment, scopes) and clear them. */
void journal_item_clear(struct journal_item *it);

/* A setting of a session's kind (plan "params"). */
struct journal_param {
	const char *key;
	const char *value;             /* NULL: null */
};
#define JOURNAL_PARAMS_MAX 32

struct journal_plan {
	const struct journal_param *params;   /* at most JOURNAL_PARAMS_MAX */
	size_t nparams;
	const char *host;              /* normalized workspace URL */
	const char *user;              /* who ran it (SCIM userName), may be NULL */
	const char *profile;           /* may be NULL */
	const char *filter;            /* the filter that chose the ids, may be NULL */
	bool admin;                    /* ids are revoked through token management */
	enum journal_kind kind;        /* revoke (0), pin, permissions */
	const char *change;            /* what a session of another kind changes, for
					* people ("remove user bob"); may be NULL */
	const struct journal_item *items;
	size_t n;
};

struct journal;
struct journal_session;

/* The journal directory (malloc'd): $XDG_STATE_HOME/patrol when that is an
 * absolute path, else $HOME/.local/state/patrol. With create, missing
 * directories are made (0700) and the last one is checked: not a symlink,
 * owned by the user, no group or other write. PATROL_IO naming the path.
 * Every function below that takes dir opens it once, checks the opened
 * descriptor the same way and works relative to it (openat), so the
 * directory cannot be swapped between the check and the use. */
enum patrol_status journal_dir(bool create, char **out, struct patrol_err *err);

/* Start a session in dir: create the file, take the lock, write the plan
 * record (durable, with the directory entry, at the first journal_sync).
 * The plan is checked first
 * (PATROL_INVALID: no host, a bad or repeated id; PATROL_TOO_LARGE: over
 * 250,000 items); on any failure no file is left behind. */
enum patrol_status journal_create(const char *dir, const struct journal_plan *plan,
				  struct journal **out, struct patrol_err *err);
/* Open an existing session to go on with it, in two steps, so that a resume
 * decides on what the file holds once it is the only writer (another
 * patrol may have gone on with the session since it was read):
 * journal_lock_session takes the lock (PATROL_CONFLICT when another process
 * holds it), reads the session under it into *s (journal_session_free it;
 * busy is false; PATROL_PROTOCOL when corrupt) and cuts off a torn last
 * line, writing nothing else; journal_resumed then appends the resume
 * record once the caller goes on. */
enum patrol_status journal_lock_session(const char *path, struct journal **out,
					struct journal_session *s, struct patrol_err *err);
enum patrol_status journal_resumed(struct journal *j);
/* A session of one change that acts on every planned id at once (a
 * permissions removal deletes all of them): create it in the journal
 * directory (journal_dir) with an intent for each id. Not yet durable: the
 * caller syncs, or hands the journal to the call that makes the change. On
 * failure *out may hold the journal: free it with journal_close. */
enum patrol_status journal_start_change(const struct journal_plan *plan, struct journal **out,
					struct patrol_err *err);
/* Write an intent record for id (not yet durable: see journal_sync). Every
 * writer returns the first error again once one happened (journal_error). */
enum patrol_status journal_intent(struct journal *j, const char *id);
/* fsync when anything was written since the last sync. An error here means
 * the intents may not be on disk: their revokes must not be sent. */
enum patrol_status journal_sync(struct journal *j);
/* Write a result record. err may be NULL (reconciled results); its message is
 * stored raw. */
enum patrol_status journal_result(struct journal *j, const char *id, enum journal_result r,
				  const struct patrol_err *err);
/* Write a step record for planned id (not yet durable: see journal_sync):
 * step is 1..15 lower-case letters or '-', other an id or NULL, note raw
 * text or NULL. */
enum patrol_status journal_step(struct journal *j, const char *id, const char *step,
				const char *other, const char *note);
/* Write the end record. reason: "done", "stopped", "auth", "abandoned". */
enum patrol_status journal_end(struct journal *j, const char *reason);
/* The first write error since open (PATROL_OK when none). */
enum patrol_status journal_error(const struct journal *j, struct patrol_err *err);
const char *journal_path(const struct journal *j);
const char *journal_session_id(const struct journal *j);
/* Unlock and free (no fsync). NULL is fine. */
void journal_close(struct journal *j);

/* ---- reading ------------------------------------------------------------ */

/* The newest step record of a planned id. */
struct journal_step {
	char name[16];                 /* "" when there is none */
	char other[TOKEN_ID_LEN + 1];  /* "" when none */
	int64_t t;
	char *note;                    /* raw, NULL when none */
};

/* One planned id and what the file says happened to it. */
struct journal_entry {
	struct journal_item item;
	unsigned intents;              /* intent records for this id */
	unsigned results;              /* result records for this id */
	enum journal_result last;      /* the last result, or JOURNAL_PENDING when
					* there is none, or when an intent came
					* after it (a new attempt, outcome unknown:
					* status, http and message are cleared) */
	char status[24];               /* status name of the last result ("" if none) */
	long http;
	char message[160];             /* raw */
	struct journal_step step;      /* the newest step record */
	struct journal_step *steps;    /* every step record of the id, oldest first
					* (the last is step), for a kind that needs
					* how it came there; NULL when none */
	size_t nsteps;
};

struct journal_kv {
	char *key;
	char *value;                   /* NULL: null */
};

struct journal_session {
	struct journal_kv *params;
	size_t nparams;
	char *path;
	char *session;                 /* id: the file name without .jsonl */
	char *host, *user, *profile, *filter;
	char *change;                  /* may be NULL */
	bool admin;
	enum journal_kind kind;
	char kind_name[16];            /* as the plan said ("revoke" when absent) */
	int64_t started_ms;
	int64_t ended_ms;              /* 0: unfinished (a resume after an end
					* record makes it unfinished again) */
	char end_reason[16];           /* "" while unfinished */
	unsigned resumes;
	int64_t pid;                   /* the process that started it, or resumed it
					* last (0: not recorded) */
	int64_t since_ms;              /* when that process started or resumed it */
	struct journal_entry *v;       /* in plan order */
	size_t n;
	size_t counts[JOURNAL_RESULT_COUNT]; /* by last result */
	size_t pending;                /* last == JOURNAL_PENDING (open intents
					* included); counts sum + pending == n */
	size_t open_intents;           /* last == JOURNAL_PENDING and intents > 0:
					* the newest record for the id is an intent,
					* so the revoke may have been sent */
	bool busy;                     /* another process holds the lock (journal_load only) */
	bool torn;                     /* a torn last line was ignored */
};

/* The value of param key of s, or NULL (absent or null). */
const char *journal_session_param(const struct journal_session *s, const char *key);
/* Whether s may be resumed as a revocation: its kind is revoke (or absent).
 * A permissions session is never resumed: its one change was made or not. */
bool journal_session_revokes(const struct journal_session *s);
/* The kind of s (JOURNAL_KIND_OTHER: one this patrol does not know), and
 * its name ("revoke" when the plan names none). */
enum journal_kind journal_session_kind(const struct journal_session *s);
const char *journal_session_kind_name(const struct journal_session *s);

/* Ids of s left to do: no result yet (pending, open intents included), or
 * never sent (not attempted, as older versions wrote). */
size_t journal_session_left(const struct journal_session *s);
/* Ids a resume of s would try: those left, and those that failed or whose
 * outcome is unknown. */
size_t journal_session_todo(const struct journal_session *s);

/* Parse a session from text (tests and fuzzing; name is for messages).
 * PATROL_PROTOCOL "NAME:LINE: why" for a corrupt file; a file without a plan
 * record is corrupt too (the first record must be the plan). Intent and
 * result records for ids not in the plan are ignored. session is the plan's
 * "session"; path is NULL. On failure out is zeroed. */
enum patrol_status journal_parse(const char *text, size_t len, const char *name,
				 struct journal_session *out, struct patrol_err *err);
/* Read and parse a file (O_NOFOLLOW, a regular file of the user's, at most
 * 64 MiB, opened relative to its directory after that was checked as the
 * journal directory is) and probe its lock. session is the file name
 * without ".jsonl". A path from a user goes through journal_resolve first. */
enum patrol_status journal_load(const char *path, struct journal_session *out,
				struct patrol_err *err);
void journal_session_free(struct journal_session *s);

/* Every session (*.jsonl) in dir, newest first. A file that fails to load
 * is left out of v and its message ("FILE:LINE: why") goes to errors. A
 * missing dir is an empty list. */
struct journal_list {
	struct journal_session *v;
	size_t n;
	char **errors;                 /* one message per file that failed to load */
	size_t nerrors;
};
enum patrol_status journal_list(const char *dir, struct journal_list *out,
				struct patrol_err *err);
void journal_list_free(struct journal_list *l);

/* The session in dir that arg names, as *path (malloc'd, in dir): a session
 * id or a unique prefix of one ("NAME.jsonl" too), or a path to a session
 * file of dir. A file anywhere else is refused without being opened, so its
 * content can never appear in a message (PATROL_INVALID). PATROL_NOT_FOUND:
 * no such session; PATROL_CONFLICT: the prefix names several. */
enum patrol_status journal_resolve(const char *dir, const char *arg, char **path,
				   struct patrol_err *err);

/* journal_find_unfinished (below, for revoke sessions) for sessions of kind k. */
enum patrol_status journal_find_unfinished_kind(const char *dir, const char *host,
						enum journal_kind k, char **path,
						struct patrol_err *err);

/* The newest session in dir for host that has no end record and is not
 * busy: *path (malloc'd) or NULL when there is none. */
enum patrol_status journal_find_unfinished(const char *dir, const char *host, char **path,
					   struct patrol_err *err);
/* The newest revocation session in dir for host that another process is
 * running (busy, no end record): *path or NULL. */
enum patrol_status journal_find_running(const char *dir, const char *host, char **path,
					struct patrol_err *err);
/* The session a "--resume [want]" of kind k on host means: want (an id, a
 * unique prefix, a session file of the journal directory: journal_resolve),
 * else the newest unfinished session, else the one another process runs
 * (so that it is named as running, not as missing). *path is NULL when
 * there is none. */
enum patrol_status journal_find_resume(const char *want, const char *host, enum journal_kind k,
				       char **path, struct patrol_err *err);
#endif
