/*
 * journal.c: the session journal of bulk revocations: writing it (one
 * append-only, flock'd file per session), reading it back for resume and
 * audit, and finding sessions in the journal directory.
 *
 * Writing: every record is built whole (jansson, compact, ASCII only: every
 * byte of a journal is printable ASCII or '\n'), then written with one
 * write(2) on an O_APPEND descriptor (looping only on a short write), under
 * a mutex. Strings are made valid UTF-8 first (each invalid byte becomes
 * U+FFFD: jansson refuses invalid UTF-8) and cut at JOURNAL_STR_MAX bytes.
 * After the first failure nothing more is written: a half-written line
 * stays the torn last line readers ignore, never a corrupt middle line.
 *
 * Reading: the text is split into lines; each is a JSON object whose "type"
 * picks a handler from one table. Unknown types are skipped (newer versions
 * may add some); a bad known record makes the file corrupt, except on the
 * last line, where anything that is not complete JSON is a torn write.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "buf.h"
#include "duration.h"
#include "journal.h"
#include "utf8.h"

#define JOURNAL_VERSION		1
#define JOURNAL_SUFFIX		".jsonl"
#define JOURNAL_FILE_MAX	(64u * 1024 * 1024)	/* what a reader accepts */
#define JOURNAL_RECORD_MAX	(32u * 1024 * 1024)	/* one record, as written */
#define JOURNAL_ITEMS_MAX	250000			/* planned ids in a session */
#define JOURNAL_STR_MAX		4096			/* bytes of one string */
#define JOURNAL_FLAGS_MAX	64			/* names in an item's flags */
#define JOURNAL_SCOPES_MAX	256			/* names in an item's scopes */
#define JOURNAL_NAME_TRIES	100			/* -2, -3, … on a name clash */
#define JOURNAL_TAIL		4096			/* bytes read to see if a file ended */

struct journal {
	pthread_mutex_t lock;
	int fd;
	char *path;
	char *session;
	bool dirty;                    /* written since the last fsync */
	int dfd;                       /* a new file's directory, until it is synced (-1) */
	struct patrol_err err;         /* the first failure (status OK: none) */
	enum journal_kind kind;        /* labels its results */
};

/* ---- kinds -------------------------------------------------------------- */

/* A kind or step name: 1..len-1 lower-case letters, digits, '-' or '_'. */
static bool
journal_word_ok(const char *s, size_t len)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-_");

	return n > 0 && s[n] == '\0' && n < len;
}

/* ---- results ------------------------------------------------------------ */

struct journal_result_row {
	const char *label;
	bool fails;
};

#define JOURNAL_RESULT_ROW(e, label, fails) { label, fails },
static const struct journal_result_row journal_results[] = {
	JOURNAL_RESULTS(JOURNAL_RESULT_ROW)
};
#undef JOURNAL_RESULT_ROW

const char *
journal_result_label(enum journal_result r)
{
	if ((unsigned)r >= JOURNAL_RESULT_COUNT)
		return "pending";
	return journal_results[r].label;
}

bool
journal_result_fails(enum journal_result r)
{
	return (unsigned)r < JOURNAL_RESULT_COUNT && journal_results[r].fails;
}

/* ---- kinds --------------------------------------------------------------- */

static const struct {
	const char *name, *done, *would;
} journal_kinds[] = {
#define JOURNAL_KIND_ROW(e, name, done, would) { name, done, would },
	JOURNAL_KINDS(JOURNAL_KIND_ROW)
#undef JOURNAL_KIND_ROW
};
#define JOURNAL_NKINDS (sizeof journal_kinds / sizeof journal_kinds[0])

const char *
journal_kind_name(enum journal_kind k)
{
	return (unsigned)k < JOURNAL_NKINDS ? journal_kinds[k].name : "?";
}

bool
journal_kind_resumes(enum journal_kind k)
{
	return k == JOURNAL_KIND_REVOKE || k == JOURNAL_KIND_PIN || k == JOURNAL_KIND_ROTATE;
}

enum journal_kind
journal_kind_parse(const char *name)
{
	size_t k;

	if (name == NULL)
		return JOURNAL_KIND_REVOKE;
	for (k = 0; k < JOURNAL_NKINDS; k++)
		if (strcmp(journal_kinds[k].name, name) == 0)
			return (enum journal_kind)k;
	return JOURNAL_KIND_OTHER;
}

const char *
journal_kind_label(enum journal_kind k, enum journal_result r)
{
	if ((unsigned)k < JOURNAL_NKINDS && r == JOURNAL_REVOKED)
		return journal_kinds[k].done;
	if ((unsigned)k < JOURNAL_NKINDS && r == JOURNAL_WOULD)
		return journal_kinds[k].would;
	return journal_result_label(r);
}

/* A result label of any kind ("pinned" is JOURNAL_REVOKED). */
int
journal_result_parse(const char *label)
{
	size_t k;
	int i;

	for (i = 0; label != NULL && i < JOURNAL_RESULT_COUNT; i++)
		if (strcmp(journal_results[i].label, label) == 0)
			return i;
	for (k = 0; label != NULL && k < JOURNAL_NKINDS; k++) {
		if (strcmp(journal_kinds[k].done, label) == 0)
			return JOURNAL_REVOKED;
		if (strcmp(journal_kinds[k].would, label) == 0)
			return JOURNAL_WOULD;
	}
	return -1;
}

void
journal_item_clear(struct journal_item *it)
{
	size_t i;

	free(it->owner);
	free(it->comment);
	for (i = 0; i < it->nscopes; i++)
		free(it->scopes[i]);
	free(it->scopes);
	it->owner = it->comment = NULL;
	it->scopes = NULL;
	it->nscopes = 0;
}

enum journal_result
journal_outcome(enum patrol_status st, int attempts)
{
	switch (st) {
	case PATROL_OK:
		return JOURNAL_REVOKED;
	case PATROL_NOT_FOUND:
		return JOURNAL_GONE;
	case PATROL_DRY_RUN:
		return JOURNAL_WOULD;
	case PATROL_UNKNOWN_OUTCOME:
		return JOURNAL_UNKNOWN;
	case PATROL_CANCELLED:
		return attempts > 0 ? JOURNAL_UNKNOWN : JOURNAL_NOT_ATTEMPTED;
	default:
		return JOURNAL_FAILED;
	}
}

/* ---- small helpers ------------------------------------------------------ */

/* A token id as the journal accepts it: token_id_valid (a resumed id goes
 * into a URL). */
static bool
journal_id_ok(const char *s, size_t len)
{
	return len > 0 && len <= TOKEN_ID_LEN && strlen(s) == len && token_id_valid(s);
}

/* A session id as it is written: 1..64 printable ASCII, no space. */
static bool
journal_name_ok(const char *s)
{
	size_t i, len = strlen(s);

	if (len == 0 || len > TOKEN_ID_LEN)
		return false;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

/* A session id: an id that is also a safe file name. */
static bool
journal_session_ok(const char *s)
{
	return journal_name_ok(s) && strchr(s, '/') == NULL && s[0] != '.';
}

/* A JSON string for s (valid UTF-8, at most JOURNAL_STR_MAX bytes), or null
 * for NULL. NULL only on out of memory. */
static json_t *
journal_jstr(const char *s)
{
	char clean[JOURNAL_STR_MAX + 1];
	size_t n;

	if (s == NULL)
		return json_null();
	n = utf8_repair(s, strlen(s), clean, sizeof clean);
	return json_stringn(clean, n);
}

/* Set o[key] = v; counts a failure in *bad (v NULL, o NULL). */
static void
journal_jset(json_t *o, const char *key, json_t *v, int *bad)
{
	if (json_object_set_new(o, key, v) != 0)
		*bad = 1;
}

/* Join dir and name into a malloc'd path. */
static char *
journal_join(const char *dir, const char *name)
{
	struct buf b;

	buf_init(&b, 0);
	if (buf_printf(&b, "%s/%s", dir, name) != 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_take(&b);
}

/* The session id of a path: its base name without ".jsonl" (malloc'd). */
static char *
journal_session_of(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t n, sl = strlen(JOURNAL_SUFFIX);

	base = base != NULL ? base + 1 : path;
	n = strlen(base);
	if (n > sl && strcmp(base + n - sl, JOURNAL_SUFFIX) == 0)
		n -= sl;
	return strndup(base, n);
}

/* ---- the directory ------------------------------------------------------ */

/* Make every missing directory of path (mkdir -p), new ones 0700. */
static enum patrol_status
journal_mkdirs(char *path, struct patrol_err *err)
{
	char *p;

	for (p = path + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (p[-1] != '/' && mkdir(path, 0700) != 0 && errno != EEXIST) {
			status_set(err, PATROL_IO, "cannot create the journal directory %s: %s",
				   path, strerror(errno));
			*p = c;
			return PATROL_IO;
		}
		*p = c;
		if (c == '\0')
			return PATROL_OK;
	}
}

/* Open the journal directory dir and check what was opened: a directory
 * (not a symbolic link) of ours that group and others cannot write. The
 * check and every use after it go through that one descriptor (openat,
 * fdopendir), so the directory cannot be swapped in between by someone who
 * can write its parent. *dfd is -1 when dir is missing and missing_ok. */
static enum patrol_status
journal_dir_open(const char *dir, bool missing_ok, int *dfd, struct patrol_err *err)
{
	struct stat sb;
	int e;

	*dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (*dfd < 0) {
		e = errno;
		if (e == ENOENT && missing_ok)
			return PATROL_OK;
		if ((e == ELOOP || e == ENOTDIR) && lstat(dir, &sb) == 0 && S_ISLNK(sb.st_mode))
			return status_set(err, PATROL_IO,
			    "the journal directory %s is a symbolic link; refusing to use it "
			    "(make it a real directory: mkdir -m 700 %s)", dir, dir);
		if (e == ENOTDIR)
			return status_set(err, PATROL_IO, "the journal directory %s is not a directory",
					  dir);
		return status_set(err, PATROL_IO, "cannot use the journal directory %s: %s",
				  dir, strerror(e));
	}
	if (fstat(*dfd, &sb) != 0)
		status_set(err, PATROL_IO, "cannot use the journal directory %s: %s", dir,
			   strerror(errno));
	else if (sb.st_uid != geteuid())
		status_set(err, PATROL_IO,
		    "the journal directory %s is owned by another user (uid %lu); refusing to use it",
		    dir, (unsigned long)sb.st_uid);
	else if (sb.st_mode & (S_IWGRP | S_IWOTH))
		status_set(err, PATROL_IO,
		    "the journal directory %s is writable by other users; fix with: chmod 700 %s",
		    dir, dir);
	else
		return PATROL_OK;
	close(*dfd);
	*dfd = -1;
	return err->status;
}

enum patrol_status
journal_dir(bool create, char **out, struct patrol_err *err)
{
	const char *xdg = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	enum patrol_status st;
	struct buf b;
	char *dir;
	int rc, dfd;

	*out = NULL;
	buf_init(&b, 0);
	if (xdg != NULL && xdg[0] == '/')
		rc = buf_printf(&b, "%s/patrol", xdg);
	else if (home != NULL && home[0] == '/')
		rc = buf_printf(&b, "%s/.local/state/patrol", home);
	else
		return status_set(err, PATROL_IO,
		    "no journal directory: set HOME or XDG_STATE_HOME to an absolute path");
	if (rc != 0 || (dir = buf_take(&b)) == NULL) {
		buf_free(&b);
		return status_set(err, PATROL_NOMEM, "out of memory");
	}
	if ((create && (st = journal_mkdirs(dir, err)) != PATROL_OK) ||
	    (st = journal_dir_open(dir, !create, &dfd, err)) != PATROL_OK) {
		free(dir);
		return st;
	}
	if (dfd >= 0)
		close(dfd);
	*out = dir;
	return PATROL_OK;
}

/* ---- writing ------------------------------------------------------------ */

/* Remember the first failure of j; returns its status. Lock held. */
static enum patrol_status
journal_fail(struct journal *j, enum patrol_status st, const char *what, int errnum)
{
	if (j->err.status == PATROL_OK) {
		if (errnum != 0)
			status_set(&j->err, st, "%s %s: %s", what, j->path, strerror(errnum));
		else
			status_set(&j->err, st, "%s %s", what, j->path);
	}
	return j->err.status;
}

/* Where a record is serialized. */
struct journal_sink {
	struct buf b;
	bool full;                     /* over JOURNAL_RECORD_MAX */
};

static int
journal_sink_add(struct journal_sink *k, const char *p, size_t n)
{
	if (buf_add(&k->b, p, n) == 0)
		return 0;
	k->full = k->b.len + n > k->b.max;
	return -1;
}

/* jansson's dump callback: append to the sink, writing DEL as \u007f so the
 * line is printable ASCII (with JSON_ENSURE_ASCII for the rest). */
static int
journal_dump_cb(const char *p, size_t n, void *data)
{
	struct journal_sink *k = data;
	const char *del;

	while ((del = memchr(p, 0x7f, n)) != NULL) {
		if (journal_sink_add(k, p, (size_t)(del - p)) != 0 ||
		    journal_sink_add(k, "\\u007f", 6) != 0)
			return -1;
		n -= (size_t)(del - p) + 1;
		p = del + 1;
	}
	return journal_sink_add(k, p, n);
}

/* Serialize rec as one line ending in '\n' into b (released: rec). */
static enum patrol_status
journal_line(json_t *rec, struct buf *b)
{
	struct journal_sink k;
	int rc;

	memset(&k, 0, sizeof k);
	buf_init(&k.b, JOURNAL_RECORD_MAX);
	if (rec == NULL)
		return PATROL_NOMEM;
	rc = json_dump_callback(rec, journal_dump_cb, &k,
				JSON_COMPACT | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER);
	json_decref(rec);
	if (rc != 0 || journal_sink_add(&k, "\n", 1) != 0) {
		buf_free(&k.b);
		return k.full ? PATROL_TOO_LARGE : PATROL_NOMEM;
	}
	*b = k.b;
	return PATROL_OK;
}

/* Write all of p (n bytes) to fd. Returns 0 or an errno value. */
static int
journal_write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return errno;
		if (w == 0)
			return EIO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Append one record (released) to j. Lock held. */
static enum patrol_status
journal_put(struct journal *j, json_t *rec)
{
	enum patrol_status st;
	struct buf b;
	int e;

	if (j->err.status != PATROL_OK) {
		json_decref(rec);
		return j->err.status;
	}
	if ((st = journal_line(rec, &b)) != PATROL_OK)
		return journal_fail(j, st, st == PATROL_TOO_LARGE ?
				    "record too large for the journal" :
				    "out of memory writing the journal", 0);
	e = journal_write_all(j->fd, b.data, b.len);
	buf_free(&b);
	if (e != 0)
		return journal_fail(j, PATROL_IO, "cannot write the journal", e);
	j->dirty = true;
	return PATROL_OK;
}

/* fsync j when dirty. Lock held. */
static enum patrol_status
journal_flush(struct journal *j)
{
	if (j->err.status != PATROL_OK)
		return j->err.status;
	if (!j->dirty)
		return PATROL_OK;
	if (fsync(j->fd) != 0)
		return journal_fail(j, PATROL_IO, "cannot sync the journal", errno);
	j->dirty = false;
	if (j->dfd >= 0) {           /* a new file: its directory entry too */
		if (fsync(j->dfd) != 0)
			return journal_fail(j, PATROL_IO, "cannot sync the journal directory", errno);
		close(j->dfd);
		j->dfd = -1;
	}
	return PATROL_OK;
}

/* A record {"type":type,…} with its time; NULL on out of memory. */
static json_t *
journal_record(const char *type)
{
	json_t *rec = json_object();
	int bad = 0;

	journal_jset(rec, "type", json_string(type), &bad);
	if (bad) {
		json_decref(rec);
		return NULL;
	}
	return rec;
}

/* A JSON array of the strings v[0..n). */
static json_t *
journal_jstrv(char *const *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a != NULL && i < n; i++) {
		if (json_array_append_new(a, journal_jstr(v[i])) != 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static json_t *
journal_item_json(const struct journal_item *it)
{
	json_t *o = json_object(), *flags = json_array();
	int bad = 0;
	unsigned b;

	for (b = 0; b < TOKEN_FLAG_COUNT; b++)
		if ((it->flags & (1u << b)) != 0 &&
		    json_array_append_new(flags, json_string(token_flag_name(b))) != 0)
			bad = 1;
	journal_jset(o, "id", json_string(it->id), &bad);
	journal_jset(o, "owner", journal_jstr(it->owner), &bad);
	journal_jset(o, "comment", journal_jstr(it->comment), &bad);
	journal_jset(o, "created", json_integer(it->created_ms), &bad);
	journal_jset(o, "last_used", json_integer(it->last_used_ms), &bad);
	journal_jset(o, "expiry", json_integer(it->expiry_ms), &bad);
	journal_jset(o, "flags", flags, &bad);
	if (it->nscopes > 0)
		journal_jset(o, "scopes", journal_jstrv(it->scopes, it->nscopes), &bad);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* The plan's kind and params, when it has them. */
static void
journal_plan_kind_json(json_t *rec, const struct journal_plan *p, int *bad)
{
	json_t *params;
	size_t i;

	if (p->nparams == 0)
		return;
	params = json_object();
	for (i = 0; i < p->nparams; i++)
		journal_jset(params, p->params[i].key, journal_jstr(p->params[i].value), bad);
	journal_jset(rec, "params", params, bad);
}

/* The plan record (without "session": set per file name tried). */
static json_t *
journal_plan_json(const struct journal_plan *p, int64_t now)
{
	json_t *rec = journal_record("plan"), *items = json_array();
	int bad = 0;
	size_t i;

	journal_jset(rec, "v", json_integer(JOURNAL_VERSION), &bad);
	journal_jset(rec, "session", json_string(""), &bad);
	journal_jset(rec, "host", journal_jstr(p->host), &bad);
	journal_jset(rec, "user", journal_jstr(p->user), &bad);
	journal_jset(rec, "profile", journal_jstr(p->profile), &bad);
	journal_jset(rec, "admin", json_boolean(p->admin), &bad);
	journal_jset(rec, "filter", journal_jstr(p->filter), &bad);
	if (p->change != NULL)
		journal_jset(rec, "change", journal_jstr(p->change), &bad);
	journal_jset(rec, "t", json_integer(now), &bad);
	journal_jset(rec, "pid", json_integer((json_int_t)getpid()), &bad);
	if (p->kind != JOURNAL_KIND_REVOKE)
		journal_jset(rec, "kind", json_string(journal_kind_name(p->kind)), &bad);
	for (i = 0; !bad && i < p->n; i++)
		if (json_array_append_new(items, journal_item_json(&p->items[i])) != 0)
			bad = 1;
	journal_jset(rec, "items", items, &bad);
	journal_plan_kind_json(rec, p, &bad);
	if (bad) {
		json_decref(rec);
		return NULL;
	}
	return rec;
}

static int
journal_item_cmp(const void *a, const void *b)
{
	const struct journal_item *const *x = a, *const *y = b;

	return strcmp((*x)->id, (*y)->id);
}

/* Check a plan before anything touches the disk. */
static enum patrol_status
journal_plan_check(const struct journal_plan *p, struct patrol_err *err)
{
	const struct journal_item **v;
	size_t i;
	bool dup = false;

	if (p == NULL || p->host == NULL || p->host[0] == '\0')
		return status_set(err, PATROL_INVALID, "journal: the plan has no host");
	if (p->n > 0 && p->items == NULL)
		return status_set(err, PATROL_INVALID, "journal: the plan has no items");
	if (p->nparams > JOURNAL_PARAMS_MAX || (p->nparams > 0 && p->params == NULL))
		return status_set(err, PATROL_INVALID, "journal: bad kind or params in the plan");
	for (i = 0; i < p->nparams; i++)
		if (p->params[i].key == NULL || p->params[i].key[0] == '\0')
			return status_set(err, PATROL_INVALID, "journal: a param without a name");
	if (p->n > JOURNAL_ITEMS_MAX)
		return status_set(err, PATROL_TOO_LARGE,
		    "journal: %zu ids in one session (at most %d): revoke in smaller batches",
		    p->n, JOURNAL_ITEMS_MAX);
	for (i = 0; i < p->n; i++)
		if (!journal_id_ok(p->items[i].id, strnlen(p->items[i].id, sizeof p->items[i].id)))
			return status_set(err, PATROL_INVALID, "journal: invalid token id in the plan");
	if (p->n < 2)
		return PATROL_OK;
	if ((v = malloc(p->n * sizeof *v)) == NULL)
		return status_set(err, PATROL_NOMEM, "out of memory");
	for (i = 0; i < p->n; i++)
		v[i] = &p->items[i];
	qsort(v, p->n, sizeof *v, journal_item_cmp);
	for (i = 1; i < p->n && !dup; i++)
		dup = strcmp(v[i - 1]->id, v[i]->id) == 0;
	free(v);
	if (dup)
		return status_set(err, PATROL_INVALID, "journal: the same id is planned twice");
	return PATROL_OK;
}

/* Check that fd is a regular file of ours. */
static enum patrol_status
journal_check_fd(int fd, const char *path, struct patrol_err *err)
{
	struct stat sb;

	if (fstat(fd, &sb) != 0)
		return status_set(err, PATROL_IO, "cannot stat %s: %s", path, strerror(errno));
	if (!S_ISREG(sb.st_mode))
		return status_set(err, PATROL_IO, "%s is not a regular file", path);
	if (sb.st_uid != geteuid())
		return status_set(err, PATROL_IO,
		    "%s is owned by another user (uid %lu); refusing to use it",
		    path, (unsigned long)sb.st_uid);
	return PATROL_OK;
}

static struct journal *
journal_new(int fd, char *path, char *session)
{
	struct journal *j = calloc(1, sizeof *j);

	if (j == NULL || path == NULL || session == NULL ||
	    pthread_mutex_init(&j->lock, NULL) != 0) {
		free(j);
		free(path);
		free(session);
		return NULL;
	}
	j->fd = fd;
	j->dfd = -1;
	j->path = path;
	j->session = session;
	status_clear(&j->err);
	return j;
}

/* The file name for a new session: "YYYYMMDDTHHMMSSZ-PID[-N]". */
static void
journal_name(int64_t now, int attempt, char *out, size_t n)
{
	time_t secs = (time_t)(now / 1000);
	char stamp[32];
	struct tm tm;

	if (gmtime_r(&secs, &tm) == NULL || strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm) == 0)
		snprintf(stamp, sizeof stamp, "%lld", (long long)secs);
	if (attempt == 0)
		snprintf(out, n, "%s-%ld", stamp, (long)getpid());
	else
		snprintf(out, n, "%s-%ld-%d", stamp, (long)getpid(), attempt + 1);
}

/* Create the session file in dfd: O_EXCL, a fresh name on a clash. */
static enum patrol_status
journal_open_new(int dfd, const char *dir, int64_t now, char *name, size_t n, int *fd,
		 struct patrol_err *err)
{
	int attempt;

	for (attempt = 0; attempt < JOURNAL_NAME_TRIES; attempt++) {
		char file[128];
		journal_name(now, attempt, name, n);
		snprintf(file, sizeof file, "%s%s", name, JOURNAL_SUFFIX);
		*fd = openat(dfd, file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_APPEND |
			     O_CLOEXEC, 0600);
		if (*fd >= 0)
			return PATROL_OK;
		if (errno != EEXIST)
			return status_set(err, PATROL_IO, "cannot create a journal in %s: %s",
					  dir, strerror(errno));
	}
	return status_set(err, PATROL_IO, "cannot create a journal in %s: too many sessions named %s",
			  dir, name);
}

/* Write the plan. It becomes durable, with the directory entry, at the
 * first journal_sync: the worker's, before the first revoke is sent (so a
 * face can start a session without an fsync on its own thread). */
static enum patrol_status
journal_start(struct journal *j, int dfd, const char *dir, json_t *plan, const char *name,
	      struct patrol_err *err)
{
	enum patrol_status st;

	if (flock(j->fd, LOCK_EX | LOCK_NB) != 0)
		return status_set(err, PATROL_IO, "cannot lock %s: %s", j->path, strerror(errno));
	if (fchmod(j->fd, 0600) != 0)
		return status_set(err, PATROL_IO, "cannot chmod %s: %s", j->path, strerror(errno));
	if (json_object_set_new(plan, "session", json_string(name)) != 0)
		return status_set(err, PATROL_NOMEM, "out of memory");
	json_incref(plan);
	if ((st = journal_put(j, plan)) != PATROL_OK) {
		*err = j->err;
		return st;
	}
	if ((j->dfd = fcntl(dfd, F_DUPFD_CLOEXEC, 0)) < 0)
		return status_set(err, PATROL_IO, "cannot keep the journal directory %s open: %s",
				  dir, strerror(errno));
	return PATROL_OK;
}

enum patrol_status
journal_create(const char *dir, const struct journal_plan *plan, struct journal **out,
	       struct patrol_err *err)
{
	enum patrol_status st;
	int64_t now = duration_now_ms();
	char name[96], file[128];
	struct journal *j;
	json_t *rec;
	int dfd, fd;

	*out = NULL;
	if ((st = journal_plan_check(plan, err)) != PATROL_OK)
		return st;
	if ((rec = journal_plan_json(plan, now)) == NULL)
		return status_set(err, PATROL_NOMEM, "out of memory");
	if ((st = journal_dir_open(dir, false, &dfd, err)) != PATROL_OK) {
		json_decref(rec);
		return st;
	}
	if ((st = journal_open_new(dfd, dir, now, name, sizeof name, &fd, err)) != PATROL_OK) {
		json_decref(rec);
		close(dfd);
		return st;
	}
	snprintf(file, sizeof file, "%s%s", name, JOURNAL_SUFFIX);
	j = journal_new(fd, journal_join(dir, file), strdup(name));
	if (j == NULL)
		st = status_set(err, PATROL_NOMEM, "out of memory");
	else {
		j->kind = plan->kind;
		st = journal_start(j, dfd, dir, rec, name, err);
	}
	json_decref(rec);
	if (st != PATROL_OK) {
		unlinkat(dfd, file, 0);
		if (j != NULL)
			journal_close(j);
		else
			close(fd);
	}
	close(dfd);
	if (st == PATROL_OK)
		*out = j;
	return st;
}

/* ---- reading a file ----------------------------------------------------- */

/* Read all of fd (at most JOURNAL_FILE_MAX bytes) into *text (malloc'd,
 * NUL-terminated). */
static enum patrol_status
journal_read_fd(int fd, const char *path, char **text, size_t *len, struct patrol_err *err)
{
	char chunk[65536];
	struct buf b;
	ssize_t n;
	off_t off = 0;

	buf_init(&b, JOURNAL_FILE_MAX);
	for (;;) {
		n = pread(fd, chunk, sizeof chunk, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			buf_free(&b);
			return status_set(err, PATROL_IO, "cannot read %s: %s", path, strerror(errno));
		}
		if (n == 0)
			break;
		off += n;
		if (buf_add(&b, chunk, (size_t)n) != 0) {
			bool big = b.len + (size_t)n > JOURNAL_FILE_MAX;
			buf_free(&b);
			return big ? status_set(err, PATROL_TOO_LARGE, "%s: larger than 64 MiB", path)
				   : status_set(err, PATROL_NOMEM, "out of memory");
		}
	}
	*len = b.len;
	if ((*text = buf_take(&b)) == NULL)
		return status_set(err, PATROL_NOMEM, "out of memory");
	return PATROL_OK;
}

/* ---- parsing ------------------------------------------------------------ */

struct journal_parser {
	const char *name;
	size_t line;
	struct journal_session *s;
	struct journal_entry **index;  /* entries sorted by id */
	bool have_plan;
	struct patrol_err *err;
};

static enum patrol_status jp_error(struct journal_parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A corrupt file: PATROL_PROTOCOL "NAME:LINE: why". */
static enum patrol_status
jp_error(struct journal_parser *p, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	return status_set(p->err, PATROL_PROTOCOL, "%s:%zu: %s", p->name, p->line, why);
}

/* Field getters: absent fields are allowed unless required; a field of the
 * wrong type makes the record bad (-1). */
static int
jp_int(json_t *o, const char *key, bool required, int64_t min, int64_t max, int64_t *out)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL)
		return required ? -1 : 0;
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		return -1;
	*out = json_integer_value(v);
	return 0;
}

/* A string or null; *out is NULL for null or absent. */
static int
jp_str(json_t *o, const char *key, bool required, const char **out)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (v == NULL)
		return required ? -1 : 0;
	if (json_is_null(v) && !required)
		return 0;
	if (!json_is_string(v) || json_string_length(v) > JOURNAL_STR_MAX)
		return -1;
	*out = json_string_value(v);
	return 0;
}

static int
jp_dup(json_t *o, const char *key, bool required, char **out)
{
	const char *s;

	if (jp_str(o, key, required, &s) != 0)
		return -1;
	if (s != NULL && (*out = strdup(s)) == NULL)
		return -2;
	return 0;
}

/* The id field of a record: a valid token id. */
static int
jp_id(json_t *o, const char **out)
{
	json_t *v = json_object_get(o, "id");

	if (!json_is_string(v) || !journal_id_ok(json_string_value(v), json_string_length(v)))
		return -1;
	*out = json_string_value(v);
	return 0;
}

static int
jp_flags(json_t *o, unsigned *flags)
{
	json_t *v = json_object_get(o, "flags"), *f;
	size_t i;
	int b;

	*flags = 0;
	if (v == NULL)
		return 0;
	if (!json_is_array(v) || json_array_size(v) > JOURNAL_FLAGS_MAX)
		return -1;
	json_array_foreach(v, i, f) {
		if (!json_is_string(f))
			return -1;
		if ((b = token_flag_parse(json_string_value(f))) >= 0)
			*flags |= 1u << b;   /* unknown names: a newer patrol's flags */
	}
	return 0;
}

/* An item's optional "scopes": strings. 0, -1 when malformed, -2 on out
 * of memory. */
static int
jp_scopes(json_t *o, struct journal_item *it)
{
	json_t *v = json_object_get(o, "scopes"), *f;
	size_t i;

	if (v == NULL)
		return 0;
	if (!json_is_array(v) || json_array_size(v) > JOURNAL_SCOPES_MAX)
		return -1;
	json_array_foreach(v, i, f)
		if (!json_is_string(f) || json_string_length(f) > JOURNAL_STR_MAX)
			return -1;
	if (json_array_size(v) == 0)
		return 0;
	if ((it->scopes = calloc(json_array_size(v), sizeof *it->scopes)) == NULL)
		return -2;
	json_array_foreach(v, i, f) {
		if ((it->scopes[i] = strdup(json_string_value(f))) == NULL)
			return -2;
		it->nscopes = i + 1;
	}
	return 0;
}

static enum patrol_status
jp_item(struct journal_parser *p, json_t *o, struct journal_entry *e)
{
	struct journal_item *it = &e->item;
	const char *id;
	int rc;

	e->last = JOURNAL_PENDING;
	if (!json_is_object(o) || jp_id(o, &id) != 0)
		return jp_error(p, "plan item without a valid \"id\"");
	memcpy(it->id, id, strlen(id) + 1);
	if (jp_int(o, "created", false, INT64_MIN, INT64_MAX, &it->created_ms) != 0 ||
	    jp_int(o, "last_used", false, INT64_MIN, INT64_MAX, &it->last_used_ms) != 0 ||
	    jp_int(o, "expiry", false, INT64_MIN, INT64_MAX, &it->expiry_ms) != 0 ||
	    jp_flags(o, &it->flags) != 0)
		return jp_error(p, "plan item %s: a field has the wrong type", id);
	if ((rc = jp_dup(o, "owner", false, &it->owner)) == 0)
		rc = jp_dup(o, "comment", false, &it->comment);
	if (rc == -2)
		return status_set(p->err, PATROL_NOMEM, "out of memory");
	if (rc != 0)
		return jp_error(p, "plan item %s: bad \"owner\" or \"comment\"", id);
	if ((rc = jp_scopes(o, it)) == -2)
		return status_set(p->err, PATROL_NOMEM, "out of memory");
	if (rc != 0)
		return jp_error(p, "plan item %s: bad \"scopes\"", id);
	return PATROL_OK;
}

static int
jp_entry_cmp(const void *a, const void *b)
{
	const struct journal_entry *const *x = a, *const *y = b;

	return strcmp((*x)->item.id, (*y)->item.id);
}

/* Sort the entries by id for lookups; a duplicate id is corrupt. */
static enum patrol_status
jp_index(struct journal_parser *p)
{
	size_t i, n = p->s->n;

	if ((p->index = malloc((n ? n : 1) * sizeof *p->index)) == NULL)
		return status_set(p->err, PATROL_NOMEM, "out of memory");
	for (i = 0; i < n; i++)
		p->index[i] = &p->s->v[i];
	qsort(p->index, n, sizeof *p->index, jp_entry_cmp);
	for (i = 1; i < n; i++)
		if (strcmp(p->index[i - 1]->item.id, p->index[i]->item.id) == 0)
			return jp_error(p, "id %s is planned twice", p->index[i]->item.id);
	return PATROL_OK;
}

static struct journal_entry *
jp_find(struct journal_parser *p, const char *id)
{
	struct journal_entry key, *kp = &key, **hit;

	memcpy(key.item.id, id, strlen(id) + 1);
	hit = bsearch(&kp, p->index, p->s->n, sizeof *p->index, jp_entry_cmp);
	return hit != NULL ? *hit : NULL;
}

static enum patrol_status
jp_plan_strings(struct journal_parser *p, json_t *o)
{
	struct journal_session *s = p->s;
	const char *session;
	int rc;

	if (jp_str(o, "session", true, &session) != 0 || !journal_session_ok(session))
		return jp_error(p, "plan: bad \"session\"");
	if ((s->session = strdup(session)) == NULL)
		return status_set(p->err, PATROL_NOMEM, "out of memory");
	rc = jp_dup(o, "host", true, &s->host);
	if (rc == 0 && s->host[0] == '\0')
		rc = -1;
	if (rc == 0)
		rc = jp_dup(o, "user", false, &s->user);
	if (rc == 0)
		rc = jp_dup(o, "profile", false, &s->profile);
	if (rc == 0)
		rc = jp_dup(o, "filter", false, &s->filter);
	if (rc == -2)
		return status_set(p->err, PATROL_NOMEM, "out of memory");
	if (rc != 0)
		return jp_error(p, "plan: bad \"host\", \"user\", \"profile\" or \"filter\"");
	rc = jp_dup(o, "change", false, &s->change);
	if (rc == -2)
		return status_set(p->err, PATROL_NOMEM, "out of memory");
	if (rc != 0)
		return jp_error(p, "plan: bad \"change\"");
	return PATROL_OK;
}

/* The plan's optional "kind" (absent: revoke). */
static enum patrol_status
jp_kind(struct journal_parser *p, json_t *o)
{
	const char *kind;

	if (jp_str(o, "kind", false, &kind) != 0 || (kind != NULL &&
	    (kind[0] == '\0' || strlen(kind) >= sizeof p->s->kind_name)))
		return jp_error(p, "plan: bad \"kind\"");
	p->s->kind = journal_kind_parse(kind);
	snprintf(p->s->kind_name, sizeof p->s->kind_name, "%s", kind != NULL ? kind :
	    journal_kind_name(JOURNAL_KIND_REVOKE));
	return PATROL_OK;
}

/* The plan's "params" (an object of strings; the kind is read with the
 * other strings). */
static enum patrol_status
jp_plan_kind(struct journal_parser *p, json_t *o)
{
	struct journal_session *s = p->s;
	json_t *params = json_object_get(o, "params"), *v;
	const char *key;

	if (params == NULL)
		return PATROL_OK;
	if (!json_is_object(params) || json_object_size(params) > JOURNAL_PARAMS_MAX)
		return jp_error(p, "plan: bad \"params\"");
	if ((s->params = calloc(json_object_size(params) + 1, sizeof *s->params)) == NULL)
		return status_set(p->err, PATROL_NOMEM, "out of memory");
	json_object_foreach(params, key, v) {
		struct journal_kv *kv = &s->params[s->nparams];
		if (!json_is_null(v) && (!json_is_string(v) || json_string_length(v) > JOURNAL_STR_MAX))
			return jp_error(p, "plan: param \"%.40s\" is not a string", key);
		s->nparams++;
		if ((kv->key = strdup(key)) == NULL ||
		    (json_is_string(v) && (kv->value = strdup(json_string_value(v))) == NULL))
			return status_set(p->err, PATROL_NOMEM, "out of memory");
	}
	return PATROL_OK;
}

static enum patrol_status
jp_plan(struct journal_parser *p, json_t *o)
{
	struct journal_session *s = p->s;
	enum patrol_status st;
	json_t *admin = json_object_get(o, "admin"), *items = json_object_get(o, "items");
	int64_t v = 0;
	size_t i;

	if (p->have_plan)
		return jp_error(p, "a second plan record");
	p->have_plan = true;
	if (jp_int(o, "v", true, INT64_MIN, INT64_MAX, &v) != 0)
		return jp_error(p, "plan: bad \"v\"");
	if (v != JOURNAL_VERSION)
		return jp_error(p, "plan: unsupported journal version (this patrol reads v1)");
	if ((st = jp_plan_strings(p, o)) != PATROL_OK)
		return st;
	if ((admin != NULL && !json_is_boolean(admin)) ||
	    jp_int(o, "t", true, 1, INT64_MAX, &s->started_ms) != 0 ||
	    jp_int(o, "pid", false, 0, INT64_MAX, &s->pid) != 0)
		return jp_error(p, "plan: bad \"admin\", \"t\" or \"pid\"");
	s->since_ms = s->started_ms;
	s->admin = json_is_true(admin);
	if ((st = jp_kind(p, o)) != PATROL_OK)
		return st;
	if ((st = jp_plan_kind(p, o)) != PATROL_OK)
		return st;
	if (!json_is_array(items))
		return jp_error(p, "plan: \"items\" is not an array");
	if (json_array_size(items) > JOURNAL_ITEMS_MAX)
		return jp_error(p, "plan: too many items");
	s->v = calloc(json_array_size(items) ? json_array_size(items) : 1, sizeof *s->v);
	if (s->v == NULL)
		return status_set(p->err, PATROL_NOMEM, "out of memory");
	for (i = 0; i < json_array_size(items); i++) {
		s->n = i + 1;
		if ((st = jp_item(p, json_array_get(items, i), &s->v[i])) != PATROL_OK)
			return st;
	}
	return jp_index(p);
}

static enum patrol_status
jp_resume(struct journal_parser *p, json_t *o)
{
	int64_t t, pid = 0;

	if (jp_int(o, "t", true, 1, INT64_MAX, &t) != 0 ||
	    jp_int(o, "pid", false, 0, INT64_MAX, &pid) != 0)
		return jp_error(p, "resume: bad \"t\" or \"pid\"");
	p->s->pid = pid;
	p->s->since_ms = t;
	if (p->s->resumes < ~0u)
		p->s->resumes++;
	p->s->ended_ms = 0;        /* running again */
	p->s->end_reason[0] = '\0';
	return PATROL_OK;
}

static enum patrol_status
jp_intent(struct journal_parser *p, json_t *o)
{
	struct journal_entry *e;
	const char *id;
	int64_t t;

	if (jp_id(o, &id) != 0 || jp_int(o, "t", true, 1, INT64_MAX, &t) != 0)
		return jp_error(p, "intent: bad \"id\" or \"t\"");
	if ((e = jp_find(p, id)) == NULL)
		return PATROL_OK;
	if (e->intents < ~0u)
		e->intents++;
	/* A new attempt: its outcome is unknown until a result follows. */
	e->last = JOURNAL_PENDING;
	e->status[0] = '\0';
	e->http = 0;
	e->message[0] = '\0';
	return PATROL_OK;
}

/* A status name: lower-case letters, digits and '_', fitting status[]. */
static bool
jp_status_ok(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_");

	return s[n] == '\0' && n < sizeof ((struct journal_entry *)0)->status;
}

static enum patrol_status
jp_result(struct journal_parser *p, json_t *o)
{
	const char *id, *label, *status, *message;
	struct journal_entry *e;
	int64_t t, http = 0;
	int r;

	if (jp_id(o, &id) != 0 || jp_int(o, "t", true, 1, INT64_MAX, &t) != 0 ||
	    jp_str(o, "result", true, &label) != 0 ||
	    jp_str(o, "status", false, &status) != 0 ||
	    jp_int(o, "http", false, 0, 999, &http) != 0 ||
	    jp_str(o, "message", false, &message) != 0)
		return jp_error(p, "result: a field is missing or has the wrong type");
	if ((r = journal_result_parse(label)) < 0)
		return jp_error(p, "result: unknown result \"%.40s\"", label);
	if (status != NULL && !jp_status_ok(status))
		return jp_error(p, "result: bad \"status\"");
	if ((e = jp_find(p, id)) == NULL)
		return PATROL_OK;
	if (e->results < ~0u)
		e->results++;
	e->last = (enum journal_result)r;
	snprintf(e->status, sizeof e->status, "%s", status != NULL ? status : "");
	e->http = (long)http;
	utf8_repair(message != NULL ? message : "", message != NULL ? strlen(message) : 0,
			  e->message, sizeof e->message);
	return PATROL_OK;
}

/* Append e's newest step to its history (e->steps). */
static enum patrol_status
jp_step_keep(struct journal_parser *p, struct journal_entry *e)
{
	struct journal_step *v = realloc(e->steps, (e->nsteps + 1) * sizeof *v);

	if (v == NULL)
		return status_set(p->err, PATROL_NOMEM, "out of memory");
	e->steps = v;
	v[e->nsteps] = e->step;
	if (e->step.note != NULL && (v[e->nsteps].note = strdup(e->step.note)) == NULL)
		return status_set(p->err, PATROL_NOMEM, "out of memory");
	e->nsteps++;
	return PATROL_OK;
}

/* A step record: the newest one of an id is kept, and every one in order. */
static enum patrol_status
jp_step(struct journal_parser *p, json_t *o)
{
	const char *id, *step, *other, *note;
	struct journal_entry *e;
	int64_t t;

	if (jp_id(o, &id) != 0 || jp_int(o, "t", true, 1, INT64_MAX, &t) != 0 ||
	    jp_str(o, "step", true, &step) != 0 || jp_str(o, "other", false, &other) != 0 ||
	    jp_str(o, "note", false, &note) != 0 ||
	    !journal_word_ok(step, sizeof e->step.name) ||
	    (other != NULL && !journal_id_ok(other, strlen(other))))
		return jp_error(p, "step: a field is missing or has the wrong type");
	if ((e = jp_find(p, id)) == NULL)
		return PATROL_OK;
	free(e->step.note);
	e->step.note = NULL;
	if (note != NULL && (e->step.note = strdup(note)) == NULL)
		return status_set(p->err, PATROL_NOMEM, "out of memory");
	snprintf(e->step.name, sizeof e->step.name, "%s", step);
	snprintf(e->step.other, sizeof e->step.other, "%s", other != NULL ? other : "");
	e->step.t = t;
	return jp_step_keep(p, e);
}

static const char *const journal_end_reasons[] = { "done", "stopped", "auth", "abandoned" };

static enum patrol_status
jp_end(struct journal_parser *p, json_t *o)
{
	const char *reason;
	int64_t t;
	size_t i;

	if (jp_int(o, "t", true, 1, INT64_MAX, &t) != 0 || jp_str(o, "reason", true, &reason) != 0)
		return jp_error(p, "end: bad \"t\" or \"reason\"");
	for (i = 0; i < sizeof journal_end_reasons / sizeof journal_end_reasons[0]; i++)
		if (strcmp(reason, journal_end_reasons[i]) == 0)
			break;
	if (i == sizeof journal_end_reasons / sizeof journal_end_reasons[0])
		return jp_error(p, "end: unknown reason \"%.40s\"", reason);
	p->s->ended_ms = t;
	snprintf(p->s->end_reason, sizeof p->s->end_reason, "%s", reason);
	return PATROL_OK;
}

/* The record types: a new one is a row. Unknown types are skipped. */
static const struct {
	const char *type;
	enum patrol_status (*parse)(struct journal_parser *, json_t *);
} journal_types[] = {
	{ "plan", jp_plan },
	{ "resume", jp_resume },
	{ "intent", jp_intent },
	{ "result", jp_result },
	{ "end", jp_end },
	{ "step", jp_step },
};

static enum patrol_status
jp_record(struct journal_parser *p, json_t *o)
{
	json_t *type = json_object_get(o, "type");
	size_t i;

	if (!json_is_string(type))
		return jp_error(p, "record without a \"type\"");
	if (!p->have_plan && strcmp(json_string_value(type), "plan") != 0)
		return jp_error(p, "the first record is not a plan: not a patrol journal");
	for (i = 0; i < sizeof journal_types / sizeof journal_types[0]; i++)
		if (strcmp(json_string_value(type), journal_types[i].type) == 0)
			return journal_types[i].parse(p, o);
	return PATROL_OK;
}

/* Parse one line (n bytes, no '\n'). *torn: it is not JSON and last is set. */
static enum patrol_status
jp_line(struct journal_parser *p, const char *line, size_t n, bool last, bool *torn)
{
	enum patrol_status st;
	json_error_t jerr;
	json_t *o = NULL;

	*torn = false;
	if (memchr(line, '\0', n) == NULL)
		o = json_loadb(line, n, JSON_REJECT_DUPLICATES, &jerr);
	else
		snprintf(jerr.text, sizeof jerr.text, "NUL byte");
	if (o == NULL && last) {
		*torn = true;
		return PATROL_OK;
	}
	if (o == NULL)
		return jp_error(p, "not a JSON record (%.120s)", jerr.text);
	st = json_is_object(o) ? jp_record(p, o) : jp_error(p, "not a JSON object");
	json_decref(o);
	return st;
}

static void
jp_count(struct journal_session *s)
{
	size_t i;

	memset(s->counts, 0, sizeof s->counts);
	s->pending = s->open_intents = 0;
	for (i = 0; i < s->n; i++) {
		const struct journal_entry *e = &s->v[i];
		if (e->last < JOURNAL_RESULT_COUNT)
			s->counts[e->last]++;
		else
			s->pending++;
		if (e->last == JOURNAL_PENDING && e->intents > 0)
			s->open_intents++;
	}
}

/* Split text into lines and parse them; *good is the length of the text
 * without a torn last line. */
static enum patrol_status
jp_lines(struct journal_parser *p, const char *text, size_t len, size_t *good)
{
	const char *s = text, *end = text + len, *nl;
	enum patrol_status st;
	bool torn = false;

	for (; s < end; s = nl + 1) {
		p->line++;
		nl = memchr(s, '\n', (size_t)(end - s));
		if (nl == NULL) {      /* no '\n': a write cut short */
			torn = true;
			break;
		}
		if ((st = jp_line(p, s, (size_t)(nl - s), nl + 1 == end, &torn)) != PATROL_OK)
			return st;
		if (torn)
			break;
	}
	*good = torn ? (size_t)(s - text) : len;
	p->s->torn = torn;
	if (!p->have_plan) {
		if (p->line == 0)
			return status_set(p->err, PATROL_PROTOCOL, "%s: empty journal (no plan record)",
					  p->name);
		p->line = 1;
		return jp_error(p, "incomplete plan record");
	}
	return PATROL_OK;
}

static enum patrol_status
journal_parse_text(const char *text, size_t len, const char *name,
		   struct journal_session *out, size_t *good, struct patrol_err *err)
{
	struct journal_parser p;
	enum patrol_status st;

	memset(out, 0, sizeof *out);
	memset(&p, 0, sizeof p);
	p.name = name != NULL ? name : "journal";
	p.s = out;
	p.err = err;
	if (text == NULL)
		len = 0;
	if (len > JOURNAL_FILE_MAX)
		st = status_set(err, PATROL_TOO_LARGE, "%s: larger than 64 MiB", p.name);
	else
		st = jp_lines(&p, text != NULL ? text : "", len, good);
	free(p.index);
	if (st != PATROL_OK) {
		journal_session_free(out);
		return st;
	}
	jp_count(out);
	return PATROL_OK;
}

enum patrol_status
journal_parse(const char *text, size_t len, const char *name, struct journal_session *out,
	      struct patrol_err *err)
{
	size_t good;

	return journal_parse_text(text, len, name, out, &good, err);
}

/* Open name in the journal directory open on dfd, for reading or
 * appending (O_NOFOLLOW), checked; path names it in messages. */
static enum patrol_status
journal_open_at(int dfd, const char *name, const char *path, int flags, int *fd,
		struct patrol_err *err)
{
	enum patrol_status st;

	*fd = openat(dfd, name, flags | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (*fd < 0 && errno == ELOOP)
		return status_set(err, PATROL_IO, "%s is a symbolic link; refusing to use it", path);
	if (*fd < 0)
		return status_set(err, PATROL_IO, "cannot open %s: %s", path, strerror(errno));
	if ((st = journal_check_fd(*fd, path, err)) != PATROL_OK) {
		close(*fd);
		*fd = -1;
	}
	return st;
}

/* The directory of path, checked and open (journal_dir_open), and its base
 * name: a session file is always opened relative to a checked directory. */
static enum patrol_status
journal_open_parent(const char *path, int *dfd, const char **base, struct patrol_err *err)
{
	const char *slash = strrchr(path, '/');
	enum patrol_status st;
	char *dir;

	*base = slash != NULL ? slash + 1 : path;
	if (slash == path)
		dir = strdup("/");
	else
		dir = slash != NULL ? strndup(path, (size_t)(slash - path)) : strdup(".");
	if (dir == NULL)
		return status_set(err, PATROL_NOMEM, "out of memory");
	st = journal_dir_open(dir, false, dfd, err);
	free(dir);
	return st;
}

/* Read and parse the file open on fd. */
static enum patrol_status
journal_load_fd(int fd, const char *path, struct journal_session *out, size_t *good,
		struct patrol_err *err)
{
	enum patrol_status st;
	char *text, *session;
	size_t len;

	memset(out, 0, sizeof *out);
	if ((st = journal_read_fd(fd, path, &text, &len, err)) != PATROL_OK)
		return st;
	st = journal_parse_text(text, len, path, out, good, err);
	free(text);
	if (st != PATROL_OK)
		return st;
	session = journal_session_of(path);
	out->path = strdup(path);
	if (session == NULL || out->path == NULL) {
		free(session);
		journal_session_free(out);
		return status_set(err, PATROL_NOMEM, "out of memory");
	}
	free(out->session);
	out->session = session;
	return PATROL_OK;
}

/* Load name from the directory open on dfd and probe its lock. */
static enum patrol_status
journal_load_at(int dfd, const char *name, const char *path, struct journal_session *out,
		struct patrol_err *err)
{
	enum patrol_status st;
	size_t good;
	int fd;

	memset(out, 0, sizeof *out);
	if ((st = journal_open_at(dfd, name, path, O_RDONLY, &fd, err)) != PATROL_OK)
		return st;
	st = journal_load_fd(fd, path, out, &good, err);
	if (st == PATROL_OK) {
		/* A writer holds LOCK_EX while the session is open. */
		if (flock(fd, LOCK_SH | LOCK_NB) != 0)
			out->busy = errno == EWOULDBLOCK;
		else
			flock(fd, LOCK_UN);
	}
	close(fd);
	return st;
}

enum patrol_status
journal_load(const char *path, struct journal_session *out, struct patrol_err *err)
{
	enum patrol_status st;
	const char *base;
	int dfd;

	memset(out, 0, sizeof *out);
	if ((st = journal_open_parent(path, &dfd, &base, err)) != PATROL_OK)
		return st;
	st = journal_load_at(dfd, base, path, out, err);
	close(dfd);
	return st;
}

const char *
journal_session_param(const struct journal_session *s, const char *key)
{
	size_t i;

	for (i = 0; i < s->nparams; i++)
		if (strcmp(s->params[i].key, key) == 0)
			return s->params[i].value;
	return NULL;
}

size_t
journal_session_left(const struct journal_session *s)
{
	return s->pending + s->counts[JOURNAL_NOT_ATTEMPTED];
}

size_t
journal_session_todo(const struct journal_session *s)
{
	return journal_session_left(s) + s->counts[JOURNAL_FAILED] + s->counts[JOURNAL_UNKNOWN];
}

void
journal_session_free(struct journal_session *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++) {
		journal_item_clear(&s->v[i].item);
		free(s->v[i].step.note);
		while (s->v[i].nsteps > 0)
			free(s->v[i].steps[--s->v[i].nsteps].note);
		free(s->v[i].steps);
	}
	for (i = 0; i < s->nparams; i++) {
		free(s->params[i].key);
		free(s->params[i].value);
	}
	free(s->params);
	free(s->v);
	free(s->path);
	free(s->session);
	free(s->host);
	free(s->user);
	free(s->profile);
	free(s->filter);
	free(s->change);
	memset(s, 0, sizeof *s);
}

/* ---- going on with a session -------------------------------------------- */

enum patrol_status
journal_lock_session(const char *path, struct journal **out, struct journal_session *s,
		     struct patrol_err *err)
{
	enum patrol_status st;
	struct journal *j;
	const char *base;
	size_t good;
	int fd, dfd;

	*out = NULL;
	memset(s, 0, sizeof *s);
	if ((st = journal_open_parent(path, &dfd, &base, err)) != PATROL_OK)
		return st;
	st = journal_open_at(dfd, base, path, O_RDWR | O_APPEND, &fd, err);
	close(dfd);
	if (st != PATROL_OK)
		return st;
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		int e = errno;
		close(fd);
		if (e == EWOULDBLOCK)
			return status_set(err, PATROL_CONFLICT,
			    "%s is in use by another patrol process", path);
		return status_set(err, PATROL_IO, "cannot lock %s: %s", path, strerror(e));
	}
	if ((st = journal_load_fd(fd, path, s, &good, err)) != PATROL_OK) {
		close(fd);
		return st;
	}
	/* Cut a torn last line off, or the next record would extend it. */
	if (s->torn && ftruncate(fd, (off_t)good) != 0) {
		journal_session_free(s);
		close(fd);
		return status_set(err, PATROL_IO, "cannot truncate %s: %s", path, strerror(errno));
	}
	if ((j = journal_new(fd, strdup(path), s->session != NULL ? strdup(s->session) : NULL)) ==
	    NULL) {
		journal_session_free(s);
		close(fd);
		return status_set(err, PATROL_NOMEM, "out of memory");
	}
	j->kind = s->kind;
	*out = j;
	return PATROL_OK;
}

enum patrol_status
journal_resumed(struct journal *j)
{
	enum patrol_status st;
	json_t *rec;
	int bad = 0;

	rec = journal_record("resume");
	journal_jset(rec, "t", json_integer(duration_now_ms()), &bad);
	journal_jset(rec, "pid", json_integer((json_int_t)getpid()), &bad);
	pthread_mutex_lock(&j->lock);
	st = journal_put(j, bad ? NULL : rec);   /* durable at the next journal_sync */
	if (bad)
		json_decref(rec);
	pthread_mutex_unlock(&j->lock);
	return st;
}

/* ---- records ------------------------------------------------------------ */

/* Write rec (released either way) under the lock. bad: 0 built fine, 1 out
 * of memory building it, 2 invalid input (why says which). Failures stick. */
static enum patrol_status
journal_emit(struct journal *j, json_t *rec, int bad, const char *why)
{
	enum patrol_status st;

	pthread_mutex_lock(&j->lock);
	if (bad) {
		json_decref(rec);
		st = journal_fail(j, bad == 2 ? PATROL_INVALID : PATROL_NOMEM,
				  bad == 2 ? why : "out of memory writing the journal", 0);
	} else {
		st = journal_put(j, rec);
	}
	pthread_mutex_unlock(&j->lock);
	return st;
}

enum patrol_status
journal_start_change(const struct journal_plan *plan, struct journal **out,
		     struct patrol_err *err)
{
	enum patrol_status st;
	char *dir = NULL;
	size_t i;

	*out = NULL;
	if ((st = journal_dir(true, &dir, err)) == PATROL_OK)
		st = journal_create(dir, plan, out, err);
	free(dir);
	for (i = 0; st == PATROL_OK && i < plan->n; i++)
		if ((st = journal_intent(*out, plan->items[i].id)) != PATROL_OK)
			journal_error(*out, err);
	return st;
}

enum patrol_status
journal_intent(struct journal *j, const char *id)
{
	json_t *rec;
	int bad = 0;

	if (j == NULL)
		return PATROL_INVALID;
	if (id == NULL || !journal_id_ok(id, strlen(id)))
		bad = 2;
	rec = journal_record("intent");
	journal_jset(rec, "id", json_string(bad ? "" : id), &bad);
	journal_jset(rec, "t", json_integer(duration_now_ms()), &bad);
	return journal_emit(j, rec, bad, "invalid token id for the journal");
}

enum patrol_status
journal_sync(struct journal *j)
{
	enum patrol_status st;

	if (j == NULL)
		return PATROL_INVALID;
	pthread_mutex_lock(&j->lock);
	st = journal_flush(j);
	pthread_mutex_unlock(&j->lock);
	return st;
}

/* The status a result without details stands for. */
static enum patrol_status
journal_result_status(enum journal_result r)
{
	switch (r) {
	case JOURNAL_REVOKED: return PATROL_OK;
	case JOURNAL_GONE: return PATROL_NOT_FOUND;
	case JOURNAL_WOULD: return PATROL_DRY_RUN;
	case JOURNAL_UNKNOWN: return PATROL_UNKNOWN_OUTCOME;
	case JOURNAL_NOT_ATTEMPTED: return PATROL_CANCELLED;
	case JOURNAL_SKIPPED: return PATROL_OK;
	default: return PATROL_FAILED;
	}
}

enum patrol_status
journal_result(struct journal *j, const char *id, enum journal_result r,
	       const struct patrol_err *err)
{
	json_t *rec;
	int bad = 0;

	if (j == NULL)
		return PATROL_INVALID;
	if ((unsigned)r >= JOURNAL_RESULT_COUNT || id == NULL || !journal_id_ok(id, strlen(id)))
		bad = 2;
	rec = journal_record("result");
	journal_jset(rec, "id", json_string(bad ? "" : id), &bad);
	journal_jset(rec, "t", json_integer(duration_now_ms()), &bad);
	journal_jset(rec, "result", json_string(journal_kind_label(j->kind, r)), &bad);
	journal_jset(rec, "status", json_string(status_name(err != NULL ? err->status :
							      journal_result_status(r))), &bad);
	journal_jset(rec, "http", json_integer(err != NULL && err->http_status > 0 &&
					       err->http_status <= 999 ? err->http_status : 0), &bad);
	journal_jset(rec, "message", journal_jstr(err != NULL ? err->message : ""), &bad);
	return journal_emit(j, rec, bad, "invalid result for the journal");
}

enum patrol_status
journal_step(struct journal *j, const char *id, const char *step, const char *other,
	     const char *note)
{
	json_t *rec;
	int bad = 0;

	if (j == NULL)
		return PATROL_INVALID;
	if (id == NULL || !journal_id_ok(id, strlen(id)) || step == NULL ||
	    !journal_word_ok(step, sizeof ((struct journal_step *)0)->name) ||
	    (other != NULL && !journal_id_ok(other, strlen(other))))
		bad = 2;
	rec = journal_record("step");
	journal_jset(rec, "id", json_string(bad ? "" : id), &bad);
	journal_jset(rec, "step", json_string(bad ? "" : step), &bad);
	journal_jset(rec, "other", bad || other == NULL ? json_null() : json_string(other), &bad);
	journal_jset(rec, "note", journal_jstr(note), &bad);
	journal_jset(rec, "t", json_integer(duration_now_ms()), &bad);
	return journal_emit(j, rec, bad, "invalid step for the journal");
}

enum patrol_status
journal_end(struct journal *j, const char *reason)
{
	json_t *rec;
	size_t i, n = sizeof journal_end_reasons / sizeof journal_end_reasons[0];
	int bad = 0;

	if (j == NULL)
		return PATROL_INVALID;
	for (i = 0; reason != NULL && i < n; i++)
		if (strcmp(reason, journal_end_reasons[i]) == 0)
			break;
	if (reason == NULL || i == n)
		bad = 2;
	rec = journal_record("end");
	journal_jset(rec, "t", json_integer(duration_now_ms()), &bad);
	journal_jset(rec, "reason", json_string(bad ? "" : reason), &bad);
	/* no fsync: a lost end is reconciled on resume */
	return journal_emit(j, rec, bad, "invalid end reason for the journal");
}

enum patrol_status
journal_error(const struct journal *j, struct patrol_err *err)
{
	struct journal *mj = (struct journal *)j;   /* the lock only */
	enum patrol_status st;

	if (j == NULL)
		return PATROL_OK;
	pthread_mutex_lock(&mj->lock);
	st = j->err.status;
	if (err != NULL)
		*err = j->err;
	pthread_mutex_unlock(&mj->lock);
	return st;
}

const char *
journal_path(const struct journal *j)
{
	return j != NULL ? j->path : NULL;
}

const char *
journal_session_id(const struct journal *j)
{
	return j != NULL ? j->session : NULL;
}

void
journal_close(struct journal *j)
{
	if (j == NULL)
		return;
	close(j->fd);           /* releases the flock; no fsync (see journal_end) */
	if (j->dfd >= 0)
		close(j->dfd);
	pthread_mutex_destroy(&j->lock);
	free(j->path);
	free(j->session);
	free(j);
}

/* ---- the directory of sessions ------------------------------------------ */

static bool
journal_is_session_file(const char *name)
{
	size_t n = strlen(name), sl = strlen(JOURNAL_SUFFIX);

	return name[0] != '.' && n > sl && strcmp(name + n - sl, JOURNAL_SUFFIX) == 0;
}

static int
journal_newest_first(const void *a, const void *b)
{
	const struct journal_session *x = a, *y = b;

	if (x->started_ms != y->started_ms)
		return x->started_ms < y->started_ms ? 1 : -1;
	return -strcmp(x->session, y->session);
}

/* Make room for one more element in *v (n used, *cap allocated). */
static int
journal_grow(void **v, size_t n, size_t *cap, size_t size)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	if ((p = realloc(*v, ncap * size)) == NULL)
		return -1;
	*v = p;
	*cap = ncap;
	return 0;
}

/* Load dir/name into l (or its error into l->errors). */
/* Cheap: is the last complete record of path an end record? Reads only the
 * last JOURNAL_TAIL bytes (an end record is short); any doubt answers false,
 * so the caller loads the whole file. Finished sessions pile up over the
 * years; finding the unfinished one must not parse them all. */
static bool
journal_tail_ended(int dfd, const char *name)
{
	char buf[JOURNAL_TAIL + 1], *nl, *line;
	const char *type;
	struct stat sb;
	off_t off;
	ssize_t n;
	json_t *rec;
	bool ended;
	int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return false;
	off = fstat(fd, &sb) == 0 && sb.st_size > JOURNAL_TAIL ? sb.st_size - JOURNAL_TAIL : 0;
	n = pread(fd, buf, JOURNAL_TAIL, off);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	if ((nl = strrchr(buf, '\n')) == NULL)
		return false;
	*nl = '\0';                     /* a torn last line stays out */
	if ((line = strrchr(buf, '\n')) != NULL)
		line++;
	else if (off == 0)
		line = buf;
	else
		return false;              /* the line is longer than the window */
	rec = json_loads(line, 0, NULL);
	type = json_string_value(json_object_get(rec, "type"));
	ended = type != NULL && strcmp(type, "end") == 0;
	json_decref(rec);
	return ended;
}

static enum patrol_status
journal_list_add(struct journal_list *l, int dfd, const char *dir, const char *name,
		 size_t *cap, size_t *ecap, bool unfinished_only, struct patrol_err *err)
{
	struct journal_session s;
	struct patrol_err lerr;
	enum patrol_status st;
	char *path;

	if (unfinished_only && journal_tail_ended(dfd, name))
		return PATROL_OK;
	if ((path = journal_join(dir, name)) == NULL)
		return status_set(err, PATROL_NOMEM, "out of memory");
	status_clear(&lerr);
	st = journal_load_at(dfd, name, path, &s, &lerr);
	free(path);
	if (st == PATROL_OK) {
		if (journal_grow((void **)&l->v, l->n, cap, sizeof *l->v) != 0) {
			journal_session_free(&s);
			return status_set(err, PATROL_NOMEM, "out of memory");
		}
		l->v[l->n++] = s;
		return PATROL_OK;
	}
	if (lerr.status == PATROL_NOMEM)
		return status_set(err, PATROL_NOMEM, "out of memory");
	if (journal_grow((void **)&l->errors, l->nerrors, ecap, sizeof *l->errors) != 0 ||
	    (l->errors[l->nerrors] = strdup(lerr.message)) == NULL)
		return status_set(err, PATROL_NOMEM, "out of memory");
	l->nerrors++;
	return PATROL_OK;
}

/* The sessions of dir, newest first; unfinished_only skips, unread, the
 * files whose last record ends them. */
static enum patrol_status
journal_scan(const char *dir, bool unfinished_only, struct journal_list *out,
	     struct patrol_err *err)
{
	enum patrol_status st = PATROL_OK;
	size_t cap = 0, ecap = 0;
	struct dirent *de;
	int dfd, dup_fd = -1;
	DIR *d;

	memset(out, 0, sizeof *out);
	if ((st = journal_dir_open(dir, true, &dfd, err)) != PATROL_OK || dfd < 0)
		return st;             /* a missing directory: no sessions */
	if ((dup_fd = fcntl(dfd, F_DUPFD_CLOEXEC, 0)) < 0 || (d = fdopendir(dup_fd)) == NULL) {
		int e = errno;
		if (dup_fd >= 0)
			close(dup_fd);
		close(dfd);
		return status_set(err, PATROL_IO, "cannot read the journal directory %s: %s",
				  dir, strerror(e));
	}
	while (st == PATROL_OK && (errno = 0, de = readdir(d)) != NULL)
		if (journal_is_session_file(de->d_name))
			st = journal_list_add(out, dfd, dir, de->d_name, &cap, &ecap,
					      unfinished_only, err);
	if (st == PATROL_OK && de == NULL && errno != 0)
		st = status_set(err, PATROL_IO, "cannot read the journal directory %s: %s",
				dir, strerror(errno));
	closedir(d);
	close(dfd);
	if (st != PATROL_OK) {
		journal_list_free(out);
		return st;
	}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof *out->v, journal_newest_first);
	return PATROL_OK;
}

enum patrol_status
journal_list(const char *dir, struct journal_list *out, struct patrol_err *err)
{
	return journal_scan(dir, false, out, err);
}

void
journal_list_free(struct journal_list *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		journal_session_free(&l->v[i]);
	for (i = 0; i < l->nerrors; i++)
		free(l->errors[i]);
	free(l->v);
	free(l->errors);
	memset(l, 0, sizeof *l);
}

/* Find the session file named by id (or a unique prefix of one) in the
 * directory open on dfd: *name (malloc'd) or an error. */
static enum patrol_status
journal_resolve_id(int dfd, const char *dir, const char *id, char **name,
		   struct patrol_err *err)
{
	size_t n = strlen(id), hits = 0, sl = strlen(JOURNAL_SUFFIX);
	struct dirent *de;
	int dup_fd;
	DIR *d;

	*name = NULL;
	if (n > sl && strcmp(id + n - sl, JOURNAL_SUFFIX) == 0)
		n -= sl;
	if ((dup_fd = fcntl(dfd, F_DUPFD_CLOEXEC, 0)) < 0 || (d = fdopendir(dup_fd)) == NULL) {
		int e = errno;
		if (dup_fd >= 0)
			close(dup_fd);
		return status_set(err, PATROL_IO, "cannot read the journal directory %s: %s",
				  dir, strerror(e));
	}
	while (n > 0 && (de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		if (!journal_is_session_file(de->d_name) || len - sl < n ||
		    strncmp(de->d_name, id, n) != 0)
			continue;
		if (len - sl == n) {           /* exact: no other candidate matters */
			free(*name);
			*name = strdup(de->d_name);
			hits = 1;
			break;
		}
		if (hits++ == 0)
			*name = strdup(de->d_name);
	}
	closedir(d);
	if (hits == 1 && *name == NULL)
		return status_set(err, PATROL_NOMEM, "out of memory");
	if (hits == 1)
		return PATROL_OK;
	free(*name);
	*name = NULL;
	if (hits > 1)
		return status_set(err, PATROL_CONFLICT, "'%s' matches %zu sessions: give more of "
				  "the session id (patrol journal lists them)", id, hits);
	return status_set(err, PATROL_NOT_FOUND, "no session '%s' in %s (patrol journal lists "
			  "them)", id, dir);
}

/* The base name of a path given for a session, when it is the same file as
 * that name in the directory open on dfd (the file itself is never opened). */
static enum patrol_status
journal_resolve_path(int dfd, const char *dir, const char *arg, char **name,
		     struct patrol_err *err)
{
	const char *base = strrchr(arg, '/') + 1;
	struct stat a, b;

	*name = NULL;
	if (!journal_is_session_file(base) || lstat(arg, &a) != 0 ||
	    fstatat(dfd, base, &b, AT_SYMLINK_NOFOLLOW) != 0 ||
	    a.st_dev != b.st_dev || a.st_ino != b.st_ino)
		return status_set(err, PATROL_INVALID, "%s is not a session in the journal "
				  "directory %s: patrol reads sessions only from there (patrol "
				  "journal lists them)", arg, dir);
	if ((*name = strdup(base)) == NULL)
		return status_set(err, PATROL_NOMEM, "out of memory");
	return PATROL_OK;
}

enum patrol_status
journal_resolve(const char *dir, const char *arg, char **path, struct patrol_err *err)
{
	enum patrol_status st;
	char *name = NULL;
	int dfd;

	*path = NULL;
	if ((st = journal_dir_open(dir, true, &dfd, err)) != PATROL_OK)
		return st;
	if (dfd < 0)
		return status_set(err, PATROL_NOT_FOUND, "no session '%s': there is no journal "
				  "directory %s yet", arg, dir);
	if (strchr(arg, '/') != NULL)
		st = journal_resolve_path(dfd, dir, arg, &name, err);
	else
		st = journal_resolve_id(dfd, dir, arg, &name, err);
	close(dfd);
	if (st == PATROL_OK && (*path = journal_join(dir, name)) == NULL)
		st = status_set(err, PATROL_NOMEM, "out of memory");
	free(name);
	return st;
}

/* The newest session in dir for host with no end record that another
 * process holds (busy) or not. */
static enum patrol_status
journal_find_open(const char *dir, const char *host, enum journal_kind kind, bool busy,
		  char **path, struct patrol_err *err)
{
	struct journal_list l;
	enum patrol_status st;
	size_t i;

	*path = NULL;
	if ((st = journal_scan(dir, true, &l, err)) != PATROL_OK)
		return st;
	for (i = 0; i < l.n; i++) {
		const struct journal_session *s = &l.v[i];
		if (s->ended_ms == 0 && s->busy == busy && s->kind == kind && host != NULL &&
		    strcmp(s->host, host) == 0)
			break;
	}
	if (i < l.n && (*path = strdup(l.v[i].path)) == NULL)
		st = status_set(err, PATROL_NOMEM, "out of memory");
	journal_list_free(&l);
	return st;
}

bool
journal_session_revokes(const struct journal_session *s)
{
	return s->kind == JOURNAL_KIND_REVOKE;
}

enum journal_kind
journal_session_kind(const struct journal_session *s)
{
	return s->kind;
}

const char *
journal_session_kind_name(const struct journal_session *s)
{
	return s->kind_name;
}

enum patrol_status
journal_find_unfinished(const char *dir, const char *host, char **path,
			struct patrol_err *err)
{
	return journal_find_open(dir, host, JOURNAL_KIND_REVOKE, false, path, err);
}

enum patrol_status
journal_find_unfinished_kind(const char *dir, const char *host, enum journal_kind k,
			     char **path, struct patrol_err *err)
{
	return journal_find_open(dir, host, k, false, path, err);
}

enum patrol_status
journal_find_running(const char *dir, const char *host, char **path, struct patrol_err *err)
{
	return journal_find_open(dir, host, JOURNAL_KIND_REVOKE, true, path, err);
}

enum patrol_status
journal_find_resume(const char *want, const char *host, enum journal_kind k, char **path,
		    struct patrol_err *err)
{
	enum patrol_status st;
	char *dir = NULL;

	*path = NULL;
	if ((st = journal_dir(false, &dir, err)) == PATROL_OK) {
		if (want != NULL)
			st = journal_resolve(dir, want, path, err);
		else if ((st = journal_find_open(dir, host, k, false, path, err)) == PATROL_OK &&
			 *path == NULL)
			st = journal_find_open(dir, host, k, true, path, err);
	}
	free(dir);
	return st;
}

