/*
 * rotate.c: a rotation session (rotate.h): the phases of each item, the
 * step records that make it recoverable, and its resume.
 *
 * Each item is a small state machine: rotate_next makes the call its phase
 * needs (writing the step that must precede it), rotate_finish reads the
 * answer and moves the phase on. The journal's step records (journal.h) say
 * how far an item came; the revoke of the old token is journaled like a
 * revocation (intent before, result after), so `patrol journal` counts it.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api.h"
#include "duration.h"
#include "rotate.h"
#include "savefile.h"
#include "secret.h"
#include "sha256.h"
#include "utf8.h"

#define ROTATE_MARK " (rotated from "   /* the default comment's suffix */

struct rotation {
	bool admin;
	bool sync;                       /* fsync each step as it is written */
	int64_t lifetime_s;
	char **scopes;
	size_t nscopes;
	char *comment;
	bool keep_old;
	enum rotate_dest dest;
	char *path;
	char *me_id;
	int64_t max_lifetime_s;
	struct journal *journal;
	struct rotate_item *v;
	size_t n, cap;
	/* resume: every id the rotation journals of the host name (planned, or
	 * made or handled by a step), loaded for the first lost create */
	char **known;
	size_t nknown;
	int known_state;                 /* 0 not loaded, 1 loaded, -1 unreadable */
	struct patrol_err known_err;
};

/* ---- labels --------------------------------------------------------------- */

static const struct {
	const char *label;
	bool fails;
} rotate_results[] = {
#define ROTATE_RESULT_ROW(e, label, fails) { label, fails },
	ROTATE_RESULTS(ROTATE_RESULT_ROW)
#undef ROTATE_RESULT_ROW
};

static const char *const rotate_dests[] = {
#define ROTATE_DEST_ROW(e, name) name,
	ROTATE_DESTS(ROTATE_DEST_ROW)
#undef ROTATE_DEST_ROW
};

const char *
rotate_result_label(enum rotate_result r)
{
	return (unsigned)r < ROTATE_RESULT_COUNT ? rotate_results[r].label : "pending";
}

bool
rotate_result_fails(enum rotate_result r)
{
	return (unsigned)r < ROTATE_RESULT_COUNT && rotate_results[r].fails;
}

const char *
rotate_dest_name(enum rotate_dest d)
{
	return (unsigned)d < ROTATE_DEST_COUNT ? rotate_dests[d] : "?";
}

/* The destination named name, or -1. */
static int
rotate_dest_parse(const char *name)
{
	int d;

	for (d = 0; name != NULL && d < ROTATE_DEST_COUNT; d++)
		if (strcmp(rotate_dests[d], name) == 0)
			return d;
	return -1;
}

/* ---- test hooks ------------------------------------------------------------ */

#ifdef PATROL_TEST_HOOKS
/* The test build dies here, as kill -9 would, when PATROL_TEST_CRASH names
 * the point (tests/e2e/rotate_crash.sh). */
static void
rotate_crash_point(const char *where)
{
	const char *want = getenv("PATROL_TEST_CRASH");

	if (want != NULL && strcmp(want, where) == 0)
		raise(SIGKILL);
}

/* ... or stops there (SIGSTOP) when PATROL_TEST_PAUSE names it, for a test
 * to run another patrol in between and then let it go on (SIGCONT). */
static void
rotate_pause_point(const char *where)
{
	const char *want = getenv("PATROL_TEST_PAUSE");

	if (want != NULL && strcmp(want, where) == 0)
		raise(SIGSTOP);
}
#else
#define rotate_crash_point(where) ((void)0)
#define rotate_pause_point(where) ((void)0)
#endif

/* ---- small helpers ----------------------------------------------------------- */

/* The bytes of s's first max characters (UTF-8 code points; an invalid
 * byte counts as one), all of s when it has fewer; *count (may be NULL)
 * gets how many characters that is. */
static size_t
utf8_prefix(const char *s, size_t max, size_t *count)
{
	size_t len = strlen(s), at = 0, n = 0;
	uint32_t cp;

	while (at < len && n < max) {
		at += utf8_next(s + at, len - at, &cp);
		n++;
	}
	if (count != NULL)
		*count = n;
	return at;
}

static char **
strv_dup(const char *const *v, size_t n)
{
	char **out;
	size_t i;

	if (n == 0)
		return NULL;
	if ((out = calloc(n, sizeof *out)) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if ((out[i] = strdup(v[i])) == NULL) {
			while (i > 0)
				free(out[--i]);
			free(out);
			return NULL;
		}
	return out;
}

static void
strv_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void item_fail(struct rotate_item *it, enum rotate_result r, enum patrol_status st,
		      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Decide item it: result r, why. */
static void
item_fail(struct rotate_item *it, enum rotate_result r, enum patrol_status st, const char *fmt,
	  ...)
{
	char msg[sizeof it->err.message];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	status_clear(&it->err);
	status_set(&it->err, st, "%s", msg);
	it->result = r;
	it->phase = ROTATE_P_DONE;
}

/* Write a step of item it (no-op without a journal); fsync when the face
 * may wait on the disk. Returns the journal's status. */
static enum patrol_status
rotate_step(struct rotation *r, struct rotate_item *it, const char *step, const char *other,
	    const char *note)
{
	enum patrol_status st;

	if (r->journal == NULL)
		return PATROL_OK;
	st = journal_step(r->journal, it->old_id, step, other, note);
	if (st == PATROL_OK && r->sync)
		st = journal_sync(r->journal);
	if (st != PATROL_OK)
		journal_error(r->journal, &it->err);
	return st;
}

/* Item it failed for good in this run (why in it->err): say so in the
 * journal, so that patrol journal tells it from one never attempted. */
static void
rotate_failed_step(struct rotation *r, struct rotate_item *it)
{
	rotate_step(r, it, "failed", NULL, it->err.message[0] ? it->err.message : NULL);
}

/* ---- the session -------------------------------------------------------------- */

static int
rotate_set_opts(struct rotation *r, const struct rotate_opts *o)
{
	r->lifetime_s = o->lifetime_s > 0 ? o->lifetime_s : 0;
	r->keep_old = o->keep_old;
	r->dest = o->dest;
	if ((o->nscopes > 0 && (r->scopes = strv_dup(o->scopes, o->nscopes)) == NULL) ||
	    (o->comment != NULL && (r->comment = strdup(o->comment)) == NULL) ||
	    (o->path != NULL && (r->path = strdup(o->path)) == NULL))
		return -1;
	r->nscopes = o->nscopes;
	return 0;
}

static void
rotate_clear_opts(struct rotation *r)
{
	strv_free(r->scopes, r->nscopes);
	free(r->comment);
	free(r->path);
	r->scopes = NULL;
	r->nscopes = 0;
	r->comment = r->path = NULL;
}

struct rotation *
rotate_new(bool admin, const struct rotate_opts *o, const char *me_id, int64_t max_lifetime_s,
	   bool sync)
{
	struct rotation *r = calloc(1, sizeof *r);

	if (r == NULL)
		return NULL;
	r->admin = admin;
	r->sync = sync;
	r->max_lifetime_s = max_lifetime_s > 0 ? max_lifetime_s :
			    (int64_t)TOKEN_LIFETIME_MAX_DAYS * 86400;    /* unset: the API's own */
	if ((me_id != NULL && (r->me_id = strdup(me_id)) == NULL) ||
	    (o != NULL && rotate_set_opts(r, o) != 0)) {
		rotate_free(r);
		return NULL;
	}
	return r;
}

static void
item_free(struct rotate_item *it)
{
	free(it->old_comment);
	free(it->owner);
	free(it->app_id);
	free(it->comment);
	strv_free(it->scopes, it->nscopes);
	secret_free(it->secret);
}

void
rotate_free(struct rotation *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++)
		item_free(&r->v[i]);
	free(r->v);
	rotate_clear_opts(r);
	strv_free(r->known, r->nknown);
	free(r->me_id);
	journal_close(r->journal);
	free(r);
}

size_t
rotate_count(const struct rotation *r)
{
	return r->n;
}

const struct rotate_item *
rotate_item(const struct rotation *r, size_t i)
{
	return i < r->n ? &r->v[i] : NULL;
}

bool
rotate_admin(const struct rotation *r)
{
	return r->admin;
}

enum rotate_dest
rotate_dest(const struct rotation *r)
{
	return r->dest;
}

const char *
rotate_path(const struct rotation *r)
{
	return r->dest == ROTATE_DEST_FILE || r->dest == ROTATE_DEST_DIR ? r->path : NULL;
}

const struct journal *
rotate_journal(const struct rotation *r)
{
	return r->journal;
}

size_t
rotate_open(const struct rotation *r)
{
	size_t i, n = 0;

	for (i = 0; i < r->n; i++)
		n += r->v[i].open;
	return n;
}

size_t
rotate_unfinished(const struct rotation *r)
{
	size_t i, n = 0;

	for (i = 0; i < r->n; i++)
		n += r->v[i].open || r->v[i].result == ROTATE_PENDING;
	return n;
}

/* ---- planning an item -------------------------------------------------------- */

size_t
rotate_comment_len(const char *s)
{
	size_t n;

	utf8_prefix(s, (size_t)-1, &n);
	return n;
}

/* The old comment without a mark an earlier rotation left, then the mark:
 * "ci deploy (rotated from 1a2b3c4d5e)", cut to fit 255 characters
 * (code points, as the API counts them: token-api.md). */
static char *
rotate_default_comment(const char *old, const char *old_id)
{
	char mark[64], *out;
	size_t keep = old != NULL ? strlen(old) : 0;
	const char *m = old != NULL ? strstr(old, ROTATE_MARK) : NULL;

	if (m != NULL && m[strlen(m) - 1] == ')')
		keep = (size_t)(m - old);
	if (keep > 0)
		snprintf(mark, sizeof mark, "%s%.*s)", ROTATE_MARK, TOKEN_SHORT_ID_LEN, old_id);
	else
		snprintf(mark, sizeof mark, "rotated from %.*s", TOKEN_SHORT_ID_LEN, old_id);
	if (keep > 0) {         /* cut by characters, never inside one (the mark is ASCII) */
		size_t fit = utf8_prefix(old, ROTATE_COMMENT_MAX - strlen(mark), NULL);
		keep = fit < keep ? fit : keep;
	}
	if ((out = malloc(keep + strlen(mark) + 1)) == NULL)
		return NULL;
	memcpy(out, old != NULL ? old : "", keep);
	strcpy(out + keep, mark);
	return out;
}

/* What the replacement of t gets: the options given, else t's own. */
static int
item_params(struct rotation *r, struct rotate_item *it, const struct token_info *t)
{
	const char *as = token_autoscope_state(t);
	int64_t life = 0;

	if (r->comment != NULL)
		it->comment = strdup(r->comment);
	else
		it->comment = rotate_default_comment(token_comment(t), it->old_id);
	if (it->comment == NULL)
		return -1;
	if (r->nscopes > 0)
		it->scopes = strv_dup((const char *const *)r->scopes, r->nscopes), it->nscopes = r->nscopes;
	else if (token_nscopes(t) > 0)
		it->scopes = strv_dup(token_list_items(t, TOKEN_LIST_SCOPES), token_nscopes(t)),
		it->nscopes = token_nscopes(t);
	if (it->nscopes > 0 && it->scopes == NULL)
		return -1;
	if (r->lifetime_s > 0)
		life = r->lifetime_s;
	else if (t->expiry_time > 0 && t->expiry_time > t->creation_time)
		life = (t->expiry_time - t->creation_time + 999) / 1000;
	if (r->lifetime_s == 0 && life > r->max_lifetime_s)
		life = r->max_lifetime_s;
	it->lifetime_s = life;   /* 0 (never expired): the workspace maximum */
	it->autoscope = it->nscopes == 0 && as != NULL &&
		strcmp(as, "AUTOSCOPE_STATE_RUNNING") == 0;
	return 0;
}

/* Whether t belongs to another principal (created on its behalf). */
static bool
rotate_other_owner(const struct rotation *r, const struct token_info *t)
{
	char me[32];

	if (!r->admin || t->owner_id == 0 || r->me_id == NULL)
		return false;
	snprintf(me, sizeof me, "%lld", (long long)t->owner_id);
	return strcmp(me, r->me_id) != 0;
}

static struct rotate_item *
rotate_push(struct rotation *r)
{
	struct rotate_item *v;

	if (r->n == r->cap) {
		size_t ncap = r->cap ? r->cap * 2 : 8;
		if ((v = realloc(r->v, ncap * sizeof *v)) == NULL)
			return NULL;
		r->v = v;
		r->cap = ncap;
	}
	memset(&r->v[r->n], 0, sizeof r->v[r->n]);
	r->v[r->n].result = ROTATE_PENDING;
	return &r->v[r->n++];
}

/* Fill item it from the listed t. */
static int
item_from_token(struct rotation *r, struct rotate_item *it, const struct token_info *t)
{
	it->owner_id = t->owner_id;
	it->old_created_ms = t->creation_time;
	it->old_expiry_ms = t->expiry_time;
	it->old_last_used_ms = token_last_used(t);
	it->on_behalf = rotate_other_owner(r, t);
	it->phase = it->on_behalf ? ROTATE_P_APP : ROTATE_P_CREATE;
	if ((token_owner(t)[0] != '\0' && (it->owner = strdup(token_owner(t))) == NULL) ||
	    (token_comment(t) != NULL && (it->old_comment = strdup(token_comment(t))) == NULL))
		return -1;
	return item_params(r, it, t);
}

int
rotate_add(struct rotation *r, const struct token_info *t, bool self)
{
	struct rotate_item *it;
	char id[TOKEN_ID_LEN + 1];
	size_t i;

	token_id_hex(t, id);
	for (i = 0; i < r->n; i++)
		if (strcasecmp(r->v[i].old_id, id) == 0)
			return 1;
	if ((it = rotate_push(r)) == NULL)
		return -1;
	memcpy(it->old_id, id, sizeof it->old_id);
	it->keep = r->keep_old || self;
	if (self && !r->keep_old)
		status_set(&it->err, PATROL_OK, "patrol signs in with this token: the old one is "
			   "kept; revoke it once nothing uses it (patrol revoke --include-self)");
	if (item_from_token(r, it, t) != 0) {
		item_free(it);
		r->n--;
		return -1;
	}
	it->scopes_known = true;
	return 0;
}

/* ---- the journal -------------------------------------------------------------- */

/* The session's options as plan params (into buf for the numbers). */
static size_t
rotate_params(const struct rotation *r, struct journal_param *p, char *life, size_t lifen,
	      char **scopes)
{
	size_t n = 0, i, len = 0;

	*scopes = NULL;
	for (i = 0; i < r->nscopes; i++)
		len += strlen(r->scopes[i]) + 1;
	if (len > 0 && (*scopes = calloc(1, len)) != NULL)
		for (i = 0; i < r->nscopes; i++)
			strcat(strcat(*scopes, i > 0 ? "," : ""), r->scopes[i]);
	snprintf(life, lifen, "%lld", (long long)r->lifetime_s);
	p[n++] = (struct journal_param){ "dest", rotate_dest_name(r->dest) };
	p[n++] = (struct journal_param){ "path", r->path };
	p[n++] = (struct journal_param){ "keep_old", r->keep_old ? "true" : "false" };
	p[n++] = (struct journal_param){ "lifetime", r->lifetime_s > 0 ? life : NULL };
	p[n++] = (struct journal_param){ "scopes", *scopes };
	p[n++] = (struct journal_param){ "comment", r->comment };
	p[n++] = (struct journal_param){ "item_scopes", "true" };   /* items say their scopes */
	return n;
}

enum patrol_status
rotate_journal_start(struct rotation *r, const char *dir, const char *host, const char *user,
		     const char *profile, struct patrol_err *err)
{
	struct journal_item *items = calloc(r->n ? r->n : 1, sizeof *items);
	struct journal_param params[8];
	struct journal_plan plan;
	enum patrol_status st;
	char life[24], *scopes;
	size_t i;

	if (items == NULL)
		return status_set(err, PATROL_NOMEM, "out of memory");
	for (i = 0; i < r->n; i++) {
		memcpy(items[i].id, r->v[i].old_id, sizeof items[i].id);
		items[i].owner = r->v[i].owner;
		items[i].comment = r->v[i].old_comment;
		items[i].created_ms = r->v[i].old_created_ms;
		items[i].expiry_ms = r->v[i].old_expiry_ms;
		items[i].last_used_ms = r->v[i].old_last_used_ms;
		items[i].scopes = r->v[i].scopes;     /* what its create asks for */
		items[i].nscopes = r->v[i].nscopes;
	}
	memset(&plan, 0, sizeof plan);
	plan.kind = JOURNAL_KIND_ROTATE;
	plan.nparams = rotate_params(r, params, life, sizeof life, &scopes);
	plan.params = params;
	plan.host = host;
	plan.user = user;
	plan.profile = profile;
	plan.admin = r->admin;
	plan.items = items;
	plan.n = r->n;
	st = journal_create(dir, &plan, &r->journal, err);
	if (st == PATROL_OK && r->sync && (st = journal_sync(r->journal)) != PATROL_OK)
		journal_error(r->journal, err);
	free(scopes);
	free(items);
	return st;
}

/* ---- calls ------------------------------------------------------------------- */

static struct call *
rotate_revoke_call(const struct rotation *r, const char *id)
{
	return r->admin ? api_tm_delete(id) : api_token_delete(id);
}

static struct call *
rotate_create_call(struct rotation *r, struct rotate_item *it)
{
	struct api_create_params p;

	memset(&p, 0, sizeof p);
	p.comment = it->comment;
	p.lifetime_seconds = it->lifetime_s;
	p.scopes = (const char *const *)it->scopes;
	p.nscopes = it->nscopes;
	p.autoscope = it->autoscope;
	p.application_id = it->app_id;
	return it->on_behalf ? api_tm_create_obo(&p) : api_token_create(&p);
}

/* The call of item it's phase, with its step written first. */
static struct call *
rotate_phase_call(struct rotation *r, struct rotate_item *it)
{
	struct call *c = NULL;

	switch (it->phase) {
	case ROTATE_P_APP:
		return api_scim_sp_get(it->owner_id);
	case ROTATE_P_DISCARD:
		if (rotate_step(r, it, "discard", it->strays[it->nstrays - 1], NULL) != PATROL_OK)
			return NULL;
		if ((c = rotate_revoke_call(r, it->strays[it->nstrays - 1])) != NULL)
			snprintf(c->subject, sizeof c->subject, "%s", it->strays[it->nstrays - 1]);
		break;
	case ROTATE_P_CREATE:
		if (rotate_step(r, it, "create", NULL, it->comment) != PATROL_OK)
			return NULL;
		if ((c = rotate_create_call(r, it)) != NULL)
			c->journal_sync_only = true;
		break;
	case ROTATE_P_REVOKE:
		if ((c = rotate_revoke_call(r, it->old_id)) != NULL)
			snprintf(c->subject, sizeof c->subject, "%s", it->old_id);
		break;
	default:
		return NULL;
	}
	if (c != NULL)
		c->journal = r->journal;   /* intent and result, or (create) the sync only */
	return c;
}

struct call *
rotate_next(struct rotation *r, size_t i)
{
	struct rotate_item *it;
	struct call *c;

	if (i >= r->n)
		return NULL;
	it = &r->v[i];
	if (it->inflight || it->result != ROTATE_PENDING || it->phase == ROTATE_P_DELIVER ||
	    it->phase == ROTATE_P_DONE)
		return NULL;
	if ((c = rotate_phase_call(r, it)) == NULL) {
		if (it->err.status == PATROL_OK)
			status_set(&it->err, PATROL_NOMEM, "out of memory");
		/* nothing was sent: open only if something already was */
		it->open = it->open || it->nstrays > 0 || it->phase == ROTATE_P_REVOKE;
		item_fail(it, ROTATE_FAILED, it->err.status, "%s", it->err.message);
		return NULL;
	}
	c->tag = ROTATE_TAG | (uint64_t)i;
	it->inflight = true;
	return c;
}

/* ---- answers ----------------------------------------------------------------- */

static void
finish_app(struct rotation *r, struct rotate_item *it, struct call *c)
{
	struct api_sp *sp = c->result;

	if (c->err.status == PATROL_NOT_FOUND) {
		item_fail(it, ROTATE_FAILED, PATROL_INVALID, "%s owns this token, and no service "
			  "principal does: only a service principal's token can be created on its "
			  "behalf (its owner can rotate it)", it->owner ? it->owner : "a user");
		rotate_failed_step(r, it);
		return;
	}
	if (c->err.status != PATROL_OK || sp == NULL || (it->app_id = strdup(sp->application_id)) == NULL) {
		it->err = c->err;
		item_fail(it, ROTATE_FAILED, c->err.status ? c->err.status : PATROL_NOMEM,
			  "cannot find the service principal that owns the token: %s",
			  c->err.message[0] ? c->err.message : status_message(c->err.status));
		rotate_failed_step(r, it);
		return;
	}
	it->phase = it->nstrays > 0 ? ROTATE_P_DISCARD : ROTATE_P_CREATE;
}

/* The next phase once nothing is left to discard. */
static void
after_discards(struct rotation *r, struct rotate_item *it)
{
	if (it->lost) {
		it->open = false;
		it->result = ROTATE_FAILED;
		it->phase = ROTATE_P_DONE;
		rotate_failed_step(r, it);
	} else if (it->refused && !it->delivered) {
		it->open = true;         /* the old token waits for a resume */
		item_fail(it, ROTATE_FAILED, it->err.status, "%s", it->err.message);
	} else if (it->delivered)
		it->phase = ROTATE_P_REVOKE;
	else
		it->phase = it->on_behalf && it->app_id == NULL ? ROTATE_P_APP : ROTATE_P_CREATE;
}

static void
finish_discard(struct rotation *r, struct rotate_item *it, struct call *c)
{
	const char *id = it->strays[it->nstrays - 1];

	if (c->err.status != PATROL_OK && c->err.status != PATROL_NOT_FOUND) {
		item_fail(it, c->err.status == PATROL_UNKNOWN_OUTCOME ? ROTATE_UNKNOWN : ROTATE_FAILED,
			  c->err.status, "cannot revoke the token whose secret was lost (%s): "
			  "patrol rotate --resume tries again", id);
		return;
	}
	rotate_step(r, it, "discarded", id, NULL);
	it->nstrays--;
	if (it->nstrays == 0 && !it->delivered)
		it->open = false;        /* nothing of this rotation is left in the workspace */
	if (it->nstrays == 0)
		after_discards(r, it);
}

/* Whether a create's answer can be a new token: its id (it->new_id) is
 * the SHA-256 of the secret (token-api.md) and not the old token's own.
 * Else the secret is dropped unseen, nothing is revoked (the id came from
 * the server that lied), the old token stays and the item fails, naming
 * the id the secret belongs to for the user to check. */
static bool
rotate_answer_true(struct rotation *r, struct rotate_item *it, const char *secret)
{
	char real[SHA256_HEX_LEN + 1];
	bool old = strcasecmp(it->new_id, it->old_id) == 0;

	sha256_hex(secret, strlen(secret), real);
	if (!old && strcasecmp(real, it->new_id) == 0)
		return true;
	it->open = false;
	item_fail(it, ROTATE_FAILED, PATROL_PROTOCOL, "the workspace answered the create with "
		  "token id %s, %s: the secret was not delivered, nothing was revoked and the old "
		  "token is kept; the secret it sent belongs to token %s (patrol show %.*s "
		  "tells whether it exists)", it->new_id, old ? "the old token's own id" :
		  "which is not the SHA-256 of the secret it sent", real, TOKEN_SHORT_ID_LEN,
		  real);
	it->new_id[0] = '\0';
	rotate_failed_step(r, it);
	return false;
}

static void
finish_created(struct rotation *r, struct rotate_item *it, struct call *c)
{
	struct api_created *cr = c->result;
	const struct token_info *t = api_created_info(cr);
	enum patrol_status st;
	char *where;

	token_id_hex(t, it->new_id);
	it->new_expiry_ms = t->expiry_time;
	it->open = true;
	if (it->new_id[0] == '\0' || cr->token_value == NULL) {
		item_fail(it, ROTATE_FAILED, PATROL_PROTOCOL, "%s", "the create answer had no token: "
			  "patrol rotate --resume looks for it");
		return;
	}
	if (!rotate_answer_true(r, it, cr->token_value))
		return;
	if ((it->secret = secret_strdup(cr->token_value)) == NULL) {
		item_fail(it, ROTATE_FAILED, PATROL_NOMEM, "out of memory: the new token %s is not "
			  "delivered; patrol rotate --resume revokes it", it->new_id);
		return;
	}
	where = rotate_secret_path(r, (size_t)(it - r->v));
	rotate_pause_point("before-created");
	st = rotate_step(r, it, "created", it->new_id, where);
	free(where);
	if (st != PATROL_OK) {
		/* Not delivered: with no record of it, nothing else is sent for
		 * it now. The create step is durable, so a resume finds the token
		 * by its comment, revokes it and rotates again: the one way on. */
		secret_free(it->secret);
		it->secret = NULL;
		item_fail(it, ROTATE_FAILED, PATROL_IO, "%.300s: the new token %s is not recorded, "
			  "so its secret was not delivered; once the journal can be written, "
			  "patrol rotate --resume revokes it and rotates again", it->err.message,
			  it->new_id);
		return;
	}
	rotate_crash_point("created");
	it->phase = ROTATE_P_DELIVER;
}

static void
finish_create(struct rotation *r, struct rotate_item *it, struct call *c)
{
	if (c->err.status == PATROL_OK && c->result != NULL) {
		finish_created(r, it, c);
		return;
	}
	if (c->err.status == PATROL_DRY_RUN) {
		it->result = ROTATE_WOULD;
		it->phase = ROTATE_P_DONE;
		return;
	}
	if (c->attempts > 0 && (c->err.status == PATROL_UNKNOWN_OUTCOME ||
				c->err.status == PATROL_CANCELLED)) {
		/* when the failure was seen closes the window a resume looks in */
		rotate_step(r, it, "no-answer", NULL, it->comment);
		it->open = true;
		item_fail(it, ROTATE_UNKNOWN, PATROL_UNKNOWN_OUTCOME, "%s", "the create was sent and "
			  "its answer lost: patrol rotate --resume looks for the token before "
			  "creating another");
		return;
	}
	/* refused, or never sent: nothing was created */
	rotate_step(r, it, c->attempts > 0 ? "failed" : "unsent", NULL, c->err.message);
	it->err = c->err;
	it->result = c->err.status == PATROL_CANCELLED ? ROTATE_NOT_ATTEMPTED : ROTATE_FAILED;
	it->phase = ROTATE_P_DONE;
}

static void
finish_revoke(struct rotation *r, struct rotate_item *it, struct call *c)
{
	(void)r;
	if (c->err.status == PATROL_OK || c->err.status == PATROL_NOT_FOUND) {
		it->result = ROTATE_ROTATED;
		it->open = false;
		it->phase = ROTATE_P_DONE;
		return;
	}
	item_fail(it, c->err.status == PATROL_UNKNOWN_OUTCOME ? ROTATE_UNKNOWN : ROTATE_FAILED,
		  c->err.status, "the new token is delivered, but the old one was not revoked "
		  "(%.300s): patrol rotate --resume tries again",
		  c->err.message[0] ? c->err.message : status_message(c->err.status));
	it->err.http_status = c->err.http_status;
}

long
rotate_finish(struct rotation *r, struct call *c)
{
	struct rotate_item *it;
	size_t i;

	if (c == NULL || (c->tag & ROTATE_TAG) == 0 ||
	    (i = (size_t)(c->tag & ~ROTATE_TAG)) >= r->n || !r->v[i].inflight)
		return -1;
	it = &r->v[i];
	it->inflight = false;
	if (c->op == API_SCIM_SP_GET)
		finish_app(r, it, c);
	else if (c->op == API_TOKEN_CREATE || c->op == API_TM_CREATE_OBO)
		finish_create(r, it, c);
	else if (it->phase == ROTATE_P_DISCARD)
		finish_discard(r, it, c);
	else
		finish_revoke(r, it, c);
	call_free(c);
	return (long)i;
}

const char *
rotate_secret(const struct rotation *r, size_t i)
{
	return i < r->n && r->v[i].phase == ROTATE_P_DELIVER ? r->v[i].secret : NULL;
}

void
rotate_delivered(struct rotation *r, size_t i, const struct patrol_err *err)
{
	struct rotate_item *it;

	if (i >= r->n || r->v[i].phase != ROTATE_P_DELIVER)
		return;
	it = &r->v[i];
	secret_free(it->secret);
	it->secret = NULL;
	if (err != NULL) {
		/* lost: its token must not stay */
		it->err = *err;
		it->lost = true;
		it->nstrays = 0;
		memcpy(it->strays[it->nstrays++], it->new_id, sizeof it->strays[0]);
		it->phase = ROTATE_P_DISCARD;
		return;
	}
	rotate_crash_point("written");
	if (rotate_step(r, it, "delivered", it->new_id, NULL) != PATROL_OK) {
		item_fail(it, ROTATE_FAILED, PATROL_IO, "the secret of %s is delivered, but the "
			  "journal could not record it: the old token was not revoked", it->new_id);
		return;
	}
	rotate_crash_point("delivered");
	it->delivered = true;
	if (!it->keep) {
		it->phase = ROTATE_P_REVOKE;
		return;
	}
	rotate_step(r, it, "kept", it->new_id, NULL);
	it->result = ROTATE_KEPT;
	it->open = false;
	it->phase = ROTATE_P_DONE;
}

void
rotate_stop(struct rotation *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->v[i].result == ROTATE_PENDING && !r->v[i].inflight) {
			r->v[i].result = ROTATE_NOT_ATTEMPTED;
			r->v[i].phase = ROTATE_P_DONE;
		}
}

void
rotate_end(struct rotation *r)
{
	size_t i, unsent = 0;

	for (i = 0; i < r->n; i++)
		unsent += r->v[i].result == ROTATE_NOT_ATTEMPTED || r->v[i].result == ROTATE_PENDING;
	if (r->journal != NULL && rotate_open(r) == 0 && unsent == 0)
		journal_end(r->journal, "done");
	if (r->journal != NULL && r->sync)
		journal_sync(r->journal);     /* else durable when written back: a lost end is harmless */
	journal_close(r->journal);
	r->journal = NULL;
}

bool
rotate_needs_secret(const struct rotation *r, size_t i)
{
	return i < r->n && r->v[i].result == ROTATE_PENDING && !r->v[i].delivered &&
	       !r->v[i].lost;
}

void
rotate_refuse(struct rotation *r, size_t i, const struct patrol_err *why)
{
	struct rotate_item *it;

	if (!rotate_needs_secret(r, i) || r->v[i].inflight)
		return;
	it = &r->v[i];
	it->refused = true;
	it->err = *why;
	if (it->nstrays == 0)    /* else its strays go first (after_discards) */
		after_discards(r, it);
}

/* ---- secret files ------------------------------------------------------------ */

/* The directory a new file path goes in ("." when none), malloc'd. */
static char *
rotate_parent(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return strdup(".");
	return slash == path ? strdup("/") : strndup(path, (size_t)(slash - path));
}

/* Whether patrol can make files in directory dir; IO (err) if not. what is
 * the file the secret goes to (NULL: the directory itself is the
 * destination), for the message. */
static enum patrol_status
rotate_dir_check(const char *dir, const char *what, struct patrol_err *err)
{
	struct stat st;

	if (stat(dir, &st) != 0)
		return what != NULL ?
			status_set(err, PATROL_IO, "cannot write %s: %s: %s", what, dir,
				   strerror(errno)) :
			status_set(err, PATROL_IO, "cannot write in %s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return what != NULL ?
			status_set(err, PATROL_IO, "cannot write %s: %s is not a directory", what, dir) :
			status_set(err, PATROL_IO, "%s is not a directory", dir);
	if (access(dir, W_OK | X_OK) != 0)
		return status_set(err, PATROL_IO, "cannot write in %s: %s", dir, strerror(errno));
	return PATROL_OK;
}

enum patrol_status
rotate_dest_check(enum rotate_dest d, const char *path, bool may_make, struct patrol_err *err)
{
	enum patrol_status st;
	struct stat sb;
	char *dir;

	if ((d != ROTATE_DEST_FILE && d != ROTATE_DEST_DIR) || path == NULL)
		return PATROL_OK;
	if (d == ROTATE_DEST_DIR && stat(path, &sb) != 0 && errno == ENOENT && may_make) {
		if (lstat(path, &sb) == 0)    /* mkdir would find it there */
			return status_set(err, PATROL_IO, "%s is a symbolic link to nothing: it "
					  "cannot be made a directory", path);
		d = ROTATE_DEST_FILE;    /* to be made: as a new file would be */
	} else if (d == ROTATE_DEST_DIR)
		return rotate_dir_check(path, NULL, err);
	else if (lstat(path, &sb) == 0)
		return status_set(err, PATROL_CONFLICT, "%s exists%s", path,
				  S_ISLNK(sb.st_mode) ? " (a symbolic link)" :
				  S_ISDIR(sb.st_mode) ? " (a directory)" : "");
	else if (errno != ENOENT)
		return status_set(err, PATROL_IO, "cannot write %s: %s", path, strerror(errno));
	if ((dir = rotate_parent(path)) == NULL)
		return status_set(err, PATROL_NOMEM, "out of memory");
	st = rotate_dir_check(dir, path, err);
	free(dir);
	return st;
}

/* Whether every user may write in directory p and it is not sticky. */
static bool
rotate_dir_open_to_all(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & S_IWOTH) &&
	       !(st.st_mode & S_ISVTX);
}

char *
rotate_dest_exposed(enum rotate_dest d, const char *path, bool *itself)
{
	char *dir, *real, *cut;
	bool made = false;

	if ((d != ROTATE_DEST_FILE && d != ROTATE_DEST_DIR) || path == NULL)
		return NULL;
	if ((dir = d == ROTATE_DEST_DIR ? strdup(path) : rotate_parent(path)) == NULL)
		return NULL;
	real = realpath(dir, NULL);
	if (real == NULL && d == ROTATE_DEST_DIR) {    /* a directory to be made (dry run) */
		free(dir);
		if ((dir = rotate_parent(path)) == NULL)
			return NULL;
		real = realpath(dir, NULL);
		made = true;
	}
	free(dir);
	if (real == NULL)
		return NULL;
	/* the directory itself, then each one above it up to "/": one open to
	 * all lets another user swap what is below it for a link to theirs */
	for (*itself = !made;; *itself = false) {
		if (rotate_dir_open_to_all(real))
			return real;
		if ((cut = strrchr(real, '/')) == NULL || (cut == real && real[1] == '\0'))
			break;
		cut[cut == real] = '\0';
	}
	free(real);
	return NULL;
}

char *
rotate_secret_path(const struct rotation *r, size_t i)
{
	char *p;

	if (i >= r->n || r->path == NULL)
		return NULL;
	if (r->dest == ROTATE_DEST_FILE)
		return strdup(r->path);
	if (r->dest != ROTATE_DEST_DIR || r->v[i].new_id[0] == '\0' ||
	    (p = malloc(strlen(r->path) + TOKEN_ID_LEN + 2)) == NULL)
		return NULL;
	sprintf(p, "%s/%s", r->path, r->v[i].new_id);
	return p;
}

static int
rotate_fill(FILE *fp, const void *ctx)
{
	return fputs(ctx, fp) < 0 || fputc('\n', fp) == EOF ? -1 : 0;
}

enum patrol_status
rotate_write_secret(const char *path, const char *secret, struct patrol_err *err)
{
	return (path[0] == '/' ? savefile_write_resolved : savefile_write)(path, SAVEFILE_NEW,
									   rotate_fill, secret, err);
}

bool
rotate_file_holds(const char *path, const char *id)
{
	char buf[ROTATE_SECRET_MAX + 1], hex[SHA256_HEX_LEN + 1];
	ssize_t n = -1;
	size_t len = 0;
	int fd = path != NULL ? open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK) : -1;

	if (fd < 0)
		return false;
	while (len < ROTATE_SECRET_MAX &&
	       ((n = read(fd, buf + len, ROTATE_SECRET_MAX - len)) > 0 || (n < 0 && errno == EINTR)))
		if (n > 0)
			len += (size_t)n;
	close(fd);
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	sha256_hex(buf, len, hex);
	secret_wipe(buf, sizeof buf);
	return n >= 0 && len > 0 && strcasecmp(hex, id) == 0;
}

/* ---- resume -------------------------------------------------------------------- */

/* The session's options back from its params. */
static int
rotate_opts_restore(struct rotation *r, const struct journal_session *s)
{
	const char *dest = journal_session_param(s, "dest"), *life, *scopes;
	char *copy, *tok, *save = NULL;
	int d = rotate_dest_parse(dest);

	rotate_clear_opts(r);
	if (d < 0)
		return -2;
	r->dest = (enum rotate_dest)d;
	r->keep_old = journal_session_param(s, "keep_old") != NULL &&
		strcmp(journal_session_param(s, "keep_old"), "true") == 0;
	life = journal_session_param(s, "lifetime");
	r->lifetime_s = life != NULL ? strtoll(life, NULL, 10) : 0;
	if ((journal_session_param(s, "path") != NULL &&
	     (r->path = strdup(journal_session_param(s, "path"))) == NULL) ||
	    (journal_session_param(s, "comment") != NULL &&
	     (r->comment = strdup(journal_session_param(s, "comment"))) == NULL))
		return -1;
	if ((r->dest == ROTATE_DEST_FILE || r->dest == ROTATE_DEST_DIR) && r->path == NULL)
		return -2;
	if ((scopes = journal_session_param(s, "scopes")) == NULL || *scopes == '\0')
		return 0;
	if ((copy = strdup(scopes)) == NULL ||
	    (r->scopes = calloc(strlen(scopes) / 2 + 2, sizeof *r->scopes)) == NULL) {
		free(copy);
		return -1;
	}
	for (tok = strtok_r(copy, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save))
		if ((r->scopes[r->nscopes++] = strdup(tok)) == NULL) {
			free(copy);
			return -1;
		}
	free(copy);
	return 0;
}

/* The file that would hold the secret of token id, for this destination. */
static bool
rotate_dest_holds(const struct rotation *r, const char *id)
{
	char *p;
	bool held;

	if (r->dest == ROTATE_DEST_FILE)
		return rotate_file_holds(r->path, id);
	if (r->dest != ROTATE_DEST_DIR || (p = malloc(strlen(r->path) + TOKEN_ID_LEN + 2)) == NULL)
		return false;
	sprintf(p, "%s/%s", r->path, id);
	held = rotate_file_holds(p, id);
	free(p);
	return held;
}

/* A token made for item it to revoke: never its old token itself (an older
 * patrol could record a lying server's answer as the replacement). */
static void
add_stray(struct rotate_item *it, const char *id)
{
	if (strcasecmp(id, it->old_id) != 0 && it->nstrays < ROTATE_STRAYS_MAX)
		snprintf(it->strays[it->nstrays++], sizeof it->strays[0], "%s", id);
}

/* The secret of new_id is in the destination (write marks it so in the
 * journal: it was found there on resume): go on as if just delivered. */
static void
resume_delivered(struct rotation *r, struct rotate_item *it, const char *new_id, bool write)
{
	snprintf(it->new_id, sizeof it->new_id, "%s", new_id);
	if (write)
		rotate_step(r, it, "delivered", it->new_id, "found in the destination on resume");
	it->delivered = true;
	it->open = true;
	it->phase = ROTATE_P_REVOKE;
	if (it->keep) {
		rotate_step(r, it, "kept", it->new_id, NULL);
		it->result = ROTATE_KEPT;
		it->open = false;
		it->phase = ROTATE_P_DONE;
	}
}

/* ---- a lost create: what it may have made ---------------------------------------- */

static int
known_add(struct rotation *r, const char *id, size_t *cap)
{
	char **v;

	if (id == NULL || id[0] == '\0')
		return 0;
	if (r->nknown == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		if ((v = realloc(r->known, ncap * sizeof *v)) == NULL)
			return -1;
		r->known = v;
		*cap = ncap;
	}
	if ((r->known[r->nknown] = strdup(id)) == NULL)
		return -1;
	r->nknown++;
	return 0;
}

/* The ids rotation session s names: planned, and every step's other. */
static int
known_add_session(struct rotation *r, const struct journal_session *s, size_t *cap)
{
	size_t i, k;

	for (i = 0; i < s->n; i++) {
		if (known_add(r, s->v[i].item.id, cap) != 0 ||
		    known_add(r, s->v[i].step.other, cap) != 0)
			return -1;
		for (k = 0; k < s->v[i].nsteps; k++)
			if (known_add(r, s->v[i].steps[k].other, cap) != 0)
				return -1;
	}
	return 0;
}

/* Load the ids every rotation journal of this host names (this session's
 * from info, read under its lock; the others from the journal directory,
 * the one info is in): a token one of them made or handles is not what a
 * lost create of this session made. */
static void
known_load(struct rotation *r, const struct journal_session *info)
{
	struct journal_list l;
	char *dir = NULL, *slash;
	size_t cap = 0, i;
	int rc;

	r->known_state = -1;
	status_clear(&r->known_err);
	if (info->path != NULL && (slash = strrchr(info->path, '/')) != NULL)
		dir = strndup(info->path, (size_t)(slash - info->path + (slash == info->path)));
	else if (journal_dir(false, &dir, &r->known_err) != PATROL_OK)
		return;
	if (dir == NULL) {
		status_set(&r->known_err, PATROL_NOMEM, "out of memory");
		return;
	}
	memset(&l, 0, sizeof l);
	if (journal_list(dir, &l, &r->known_err) != PATROL_OK) {
		free(dir);
		return;
	}
	free(dir);
	rc = known_add_session(r, info, &cap);
	for (i = 0; rc == 0 && i < l.n; i++)
		if (journal_session_kind(&l.v[i]) == JOURNAL_KIND_ROTATE && l.v[i].host != NULL &&
		    info->host != NULL && strcmp(l.v[i].host, info->host) == 0)
			rc = known_add_session(r, &l.v[i], &cap);
	journal_list_free(&l);
	if (rc != 0) {
		status_set(&r->known_err, PATROL_NOMEM, "out of memory");
		return;
	}
	r->known_state = 1;
}

static bool
known_has(const struct rotation *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->nknown; i++)
		if (strcasecmp(r->known[i], id) == 0)
			return true;
	return false;
}

/* When and with what comment a lost create was sent, and until when what
 * it made can appear: from the step "create" (less the clock slack) to
 * ROTATE_SETTLE_MS after it, or to the step "no-answer" that saw it fail
 * (plus the slack) when that is later. */
struct rotate_window {
	const char *comment;
	int64_t from, to;
};

/* The window of the newest create of entry e (its newest step is "create"
 * or "no-answer"). */
static void
resume_window(const struct journal_entry *e, struct rotate_window *w)
{
	const struct journal_step *create = &e->step, *seen = NULL;
	size_t k;

	if (strcmp(e->step.name, "no-answer") == 0) {
		seen = &e->step;
		for (k = e->nsteps; k-- > 0;)
			if (strcmp(e->steps[k].name, "create") == 0) {
				create = &e->steps[k];
				break;
			}
	}
	w->comment = create->note != NULL ? create->note : e->step.note;
	w->from = create->t - ROTATE_LOOKUP_SLACK_MS;
	/* a create given up on (a timeout, a stop) may still land on the
	 * server later: never close before ROTATE_SETTLE_MS after it */
	w->to = create->t + ROTATE_SETTLE_MS;
	if (seen != NULL && seen->t + ROTATE_LOOKUP_SLACK_MS > w->to)
		w->to = seen->t + ROTATE_LOOKUP_SLACK_MS;
}

/* Whether a token living life ms (-1: never expires) can be what item
 * it's create asked for: --lifetime's (the journal keeps it) to within the
 * slack; a copied lifetime was the old token's cut to the workspace
 * maximum at the time, which this run may read differently (or not at
 * all), so at most the old token's. */
static bool
resume_same_life(const struct rotation *r, const struct rotate_item *it, int64_t life)
{
	int64_t old = it->old_expiry_ms > it->old_created_ms ? it->old_expiry_ms - it->old_created_ms :
		      -1;

	if (r->lifetime_s > 0)
		return life >= 0 && llabs(life - r->lifetime_s * 1000) <= ROTATE_LOOKUP_SLACK_MS;
	if (old < 0)            /* it never expired: the create asked for the maximum */
		return true;
	return life >= 0 && life <= old + ROTATE_LOOKUP_SLACK_MS;
}

/* Whether t's scopes are exactly those of item it (in any order). */
static bool
resume_same_scopes(const struct rotate_item *it, const struct token_info *t)
{
	const char *const *v = token_list_items(t, TOKEN_LIST_SCOPES);
	size_t i, k;

	if (token_nscopes(t) != it->nscopes)
		return false;
	for (i = 0; i < it->nscopes; i++) {
		for (k = 0; k < token_nscopes(t) && strcmp(v[k], it->scopes[i]) != 0; k++)
			continue;
		if (k == token_nscopes(t))
			return false;
	}
	return true;
}

/* Whether listed t can be what item it's lost create made: everything the
 * create asked for (its comment, scopes, lifetime, and through token
 * management the old token's owner), made inside the create's window, and
 * named by no rotation journal (another session made it, or handles it). */
static bool
resume_candidate(const struct rotation *r, const struct rotate_item *it,
		 const struct rotate_window *w, const struct token_info *t, const char *id)
{
	const char *c = token_comment(t);
	int64_t life = t->expiry_time > 0 ? t->expiry_time - t->creation_time : -1;

	if (c == NULL || w->comment == NULL || strcmp(c, w->comment) != 0 ||
	    t->creation_time < w->from || t->creation_time > w->to)
		return false;
	if (it->owner_id != 0 && t->owner_id != 0 && t->owner_id != it->owner_id)
		return false;
	if (!resume_same_life(r, it, life))
		return false;
	if (it->scopes_known && !resume_same_scopes(it, t))
		return false;
	return !known_has(r, id);
}

/* Item it's lost create matches found tokens (rows: the first shown of
 * them): none is revoked, each is named (a unique id prefix, when it was
 * made; they share the comment, said once) for the user to decide, as many
 * as the message holds. */
static void
resume_ambiguous(struct rotation *r, struct rotate_item *it, const struct rotate_window *w,
		 const struct token_table *fresh, const long *rows, size_t shown, size_t found,
		 bool listed)
{
	char list[280] = "", one[96], when[32], id[TOKEN_ID_LEN + 1], more[40] = "";
	size_t i, used = 0, keep = utf8_prefix(w->comment, 60, NULL);

	for (i = 0; i < shown; i++) {
		token_id_hex(&fresh->rows[rows[i]], id);
		duration_absolute(fresh->rows[rows[i]].creation_time, false, when, sizeof when);
		snprintf(one, sizeof one, "%s%.*s (created %s)", i > 0 ? ", " : "",
			 TOKEN_SHORT_ID_LEN, id, when);
		if (used + strlen(one) >= sizeof list)
			break;
		memcpy(list + used, one, strlen(one) + 1);
		used += strlen(one);
	}
	if (i < found)
		snprintf(more, sizeof more, " and %zu more", found - i);
	it->open = false;
	item_fail(it, ROTATE_FAILED, PATROL_CONFLICT, "the create's answer was lost, and %zu "
		  "tokens match it (comment \"%.*s%s\"): %s%s; none was revoked%s: revoke those "
		  "that are not in use (patrol revoke ID), then patrol rotate --resume %s "
		  "rotates it again", found, (int)keep, w->comment, w->comment[keep] ? "…" : "",
		  list, more, listed ? " and the old token is kept" : "",
		  r->journal != NULL ? journal_session_id(r->journal) : "SESSION");
	rotate_failed_step(r, it);
}

/* What resume_lookup decided. */
enum resume_found { RESUME_GO, RESUME_DECIDED };

/* Step "create" or "no-answer" of entry e: look for what that create made.
 * One token that matches (rotate_candidate): delivered when the destination
 * holds its secret, else revoked before a new create; several: none is
 * touched (resume_ambiguous); none while the create could still land:
 * the item waits. */
static enum resume_found
resume_lookup(struct rotation *r, struct rotate_item *it, const struct journal_entry *e,
	      const struct token_table *fresh, int64_t now_ms, const struct journal_session *info,
	      bool listed)
{
	struct rotate_window w;
	char id[TOKEN_ID_LEN + 1], when[32];
	long rows[ROTATE_STRAYS_MAX];
	size_t i, found = 0;

	resume_window(e, &w);
	if (r->known_state == 0)
		known_load(r, info);
	if (r->known_state < 0) {
		it->open = true;
		item_fail(it, ROTATE_UNKNOWN, r->known_err.status, "a create was sent and its "
			  "answer lost, and the other sessions' journals cannot be read to tell "
			  "its token from theirs (%.300s): nothing was revoked", r->known_err.message);
		return RESUME_DECIDED;
	}
	for (i = 0; i < fresh->n; i++) {
		token_id_hex(&fresh->rows[i], id);
		if (!resume_candidate(r, it, &w, &fresh->rows[i], id))
			continue;
		if (!it->delivered && rotate_dest_holds(r, id)) {
			resume_delivered(r, it, id, true);      /* its secret got there: ours */
			return RESUME_GO;
		}
		if (found < ROTATE_STRAYS_MAX)
			rows[found] = (long)i;
		found++;
	}
	if (found > 1) {
		resume_ambiguous(r, it, &w, fresh, rows, found < ROTATE_STRAYS_MAX ? found :
				 ROTATE_STRAYS_MAX, found, listed);
		return RESUME_DECIDED;
	}
	if (found == 1) {
		token_id_hex(&fresh->rows[rows[0]], id);
		add_stray(it, id);
		return RESUME_GO;
	}
	if (now_ms >= w.to)
		return RESUME_GO;
	duration_absolute(w.to, false, when, sizeof when);
	it->open = true;
	item_fail(it, ROTATE_UNKNOWN, PATROL_UNKNOWN_OUTCOME, "a create was sent and no token "
		  "has appeared so far; it may still be processed: run patrol rotate --resume "
		  "again after %s", when);
	return RESUME_DECIDED;
}

/* Step created or discard N: delivered when the destination holds it (or
 * the file the step names: where an earlier run put it), else N goes (when
 * listed) and the token is created again. */
static void
resume_undelivered(struct rotation *r, struct rotate_item *it, const char *new_id,
		   const char *where, const struct token_table *fresh, const size_t *byid)
{
	if ((where != NULL && where[0] == '/' && rotate_file_holds(where, new_id)) ||
	    rotate_dest_holds(r, new_id)) {
		resume_delivered(r, it, new_id, true);
		return;
	}
	if (token_find_indexed(fresh, byid, new_id, true) >= 0)
		add_stray(it, new_id);
}

/* What item it's create asked for, as far as the journal tells: the
 * scopes its plan recorded (item_scopes; an older journal: the session's
 * --scope, else the old token's own while it is listed, else unknown) and,
 * when the old token is gone, the lifetime item_params gave it. */
static int
resume_expect(struct rotation *r, struct rotate_item *it, const struct journal_entry *e,
	      bool listed, bool recorded)
{
	int64_t life = r->lifetime_s;

	if (recorded || (!listed && r->nscopes > 0)) {
		const char *const *v = recorded ? (const char *const *)e->item.scopes :
			(const char *const *)r->scopes;
		size_t n = recorded ? e->item.nscopes : r->nscopes;
		strv_free(it->scopes, it->nscopes);
		it->nscopes = 0;
		if (n > 0 && (it->scopes = strv_dup(v, n)) == NULL)
			return -1;
		it->nscopes = n;
		it->scopes_known = true;
	} else
		it->scopes_known = listed;
	if (listed)
		return 0;
	if (life == 0 && e->item.expiry_ms > e->item.created_ms && e->item.created_ms > 0)
		life = (e->item.expiry_ms - e->item.created_ms + 999) / 1000;
	if (r->lifetime_s == 0 && life > r->max_lifetime_s)
		life = r->max_lifetime_s;
	it->lifetime_s = life;
	return 0;
}

/* Rebuild item it from entry e and the fresh list. */
static void
resume_item(struct rotation *r, struct rotate_item *it, const struct journal_entry *e,
	    const struct token_table *fresh, const size_t *byid, int64_t now_ms,
	    const struct journal_session *info)
{
	const struct journal_step *st = &e->step;
	bool listed = token_find_indexed(fresh, byid, e->item.id, true) >= 0;

	if (e->last == JOURNAL_REVOKED || e->last == JOURNAL_GONE ||
	    strcmp(st->name, "kept") == 0) {
		it->result = strcmp(st->name, "kept") == 0 ? ROTATE_KEPT : ROTATE_ROTATED;
		it->phase = ROTATE_P_DONE;
		it->earlier = true;
		snprintf(it->new_id, sizeof it->new_id, "%s", st->other);
		return;
	}
	if (strcmp(st->name, "delivered") == 0 && !listed && !it->keep) {
		/* its revoke was sent and not recorded, or someone else revoked it:
		 * done, never sent again */
		snprintf(it->new_id, sizeof it->new_id, "%s", st->other);
		if (r->journal != NULL)
			journal_result(r->journal, it->old_id, JOURNAL_GONE, NULL);
		it->delivered = true;
		it->result = ROTATE_ROTATED;
		it->phase = ROTATE_P_DONE;
		return;
	}
	if (strcmp(st->name, "delivered") == 0) {
		resume_delivered(r, it, st->other, false);
		return;
	}
	if (strcmp(st->name, "created") == 0 || strcmp(st->name, "discard") == 0)
		resume_undelivered(r, it, st->other, st->note, fresh, byid);
	else if ((strcmp(st->name, "create") == 0 || strcmp(st->name, "no-answer") == 0) &&
		 resume_lookup(r, it, e, fresh, now_ms, info, listed) == RESUME_DECIDED)
		return;
	if (it->delivered) {                 /* found in the destination */
		if (it->nstrays > 0 && it->result == ROTATE_PENDING)
			it->phase = ROTATE_P_DISCARD;
		return;
	}
	it->open = it->nstrays > 0;
	if (!listed) {
		it->lost = true;                 /* nothing to replace any more */
		status_set(&it->err, PATROL_NOT_FOUND, "the token is no longer listed: nothing "
			   "was rotated%s", it->nstrays > 0 ? " (tokens made for it are revoked)" : "");
	}
	if (it->nstrays > 0)
		it->phase = ROTATE_P_DISCARD;
	else if (!listed) {
		item_fail(it, ROTATE_FAILED, PATROL_NOT_FOUND, "%s", it->err.message);
		rotate_failed_step(r, it);
	}
}

enum patrol_status
rotate_resume_open(const char *path, struct journal **j, struct journal_session *info,
		   struct patrol_err *err)
{
	rotate_pause_point("before-lock");
	return journal_lock_session(path, j, info, err);
}

/* Items of a rebuilt session that would create a token (nothing delivered). */
static size_t
rotate_resume_needs_dest(const struct rotation *r)
{
	size_t i, n = 0;

	for (i = 0; i < r->n; i++)
		n += r->v[i].result == ROTATE_PENDING && !r->v[i].delivered && !r->v[i].lost;
	return n;
}

size_t
rotate_session_needs_dest(const struct journal_session *info)
{
	const char *dest = journal_session_param(info, "dest");
	size_t i, n = 0;

	if (dest == NULL || rotate_dest_parse(dest) != ROTATE_DEST_DIALOG)
		return 0;
	for (i = 0; i < info->n; i++) {
		const struct journal_entry *e = &info->v[i];
		n += e->last != JOURNAL_REVOKED && e->last != JOURNAL_GONE &&
			strcmp(e->step.name, "delivered") != 0 && strcmp(e->step.name, "kept") != 0;
	}
	return n;
}

enum patrol_status
rotate_abs_path(const char *path, bool dir, char **out, struct patrol_err *err)
{
	const char *slash = strrchr(path, '/'), *base = slash != NULL ? slash + 1 : path;
	char *parent, *real;
	struct stat st;

	*out = NULL;
	if (dir && (*out = realpath(path, NULL)) == NULL && errno == ENOENT &&
	    lstat(path, &st) != 0 && *base != '\0' && strcmp(base, ".") != 0 &&
	    strcmp(base, "..") != 0)
		dir = false;          /* to be made (a dry run makes nothing): where it would be */
	else if (dir) {
		if (*out == NULL)
			return status_set(err, errno == ENOMEM ? PATROL_NOMEM : PATROL_IO,
					  "cannot find %s: %s", path, strerror(errno));
		return PATROL_OK;
	}
	if (*base == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return status_set(err, PATROL_INVALID, "%s names a directory: give a file name",
				  path);
	if ((parent = rotate_parent(path)) == NULL)
		return status_set(err, PATROL_NOMEM, "out of memory");
	real = realpath(parent, NULL);
	if (real == NULL) {
		status_set(err, errno == ENOMEM ? PATROL_NOMEM : PATROL_IO, "cannot write %s: %s: %s",
			   path, parent, strerror(errno));
		free(parent);
		return err->status;
	}
	free(parent);
	if ((*out = malloc(strlen(real) + strlen(base) + 2)) == NULL) {
		free(real);
		return status_set(err, PATROL_NOMEM, "out of memory");
	}
	sprintf(*out, "%s%s%s", real, strcmp(real, "/") == 0 ? "" : "/", base);
	free(real);
	return PATROL_OK;
}

/* The destination of a resumed session: its own, or the one given to
 * rotate_new (given->dest FILE or DIR, an absolute path). A file or a
 * directory the session named stays: another one given is refused, and a
 * relative path (older patrols wrote them) is never taken against the
 * current directory unless the user names the same file from there. A
 * secret that was on standard output or in the view's dialog is gone
 * anyway: a given destination replaces it. */
static enum patrol_status
rotate_resume_dest(struct rotation *r, const struct journal_session *info, enum rotate_dest gd,
		   char *given, struct patrol_err *err)
{
	const char *opt = r->dest == ROTATE_DEST_DIR ? "--to-dir" : "--to-file";
	char *then = NULL;
	bool same;

	if (r->dest != ROTATE_DEST_FILE && r->dest != ROTATE_DEST_DIR) {
		if (given != NULL) {
			r->dest = gd;
			r->path = given;
		}
		return PATROL_OK;
	}
	if (r->path[0] == '/' && given == NULL)
		return PATROL_OK;
	if (r->path[0] != '/' && given == NULL)
		return status_set(err, PATROL_INVALID, "session %s keeps its secret path as it was "
				  "given (%s), not where that was: from the directory it was started "
				  "in, run patrol rotate --resume %s %s %s", info->session, r->path,
				  info->session, opt, r->path);
	same = gd == r->dest;
	if (same && r->path[0] != '/')     /* relative: the same file from here */
		same = rotate_abs_path(r->path, r->dest == ROTATE_DEST_DIR, &then, err) == PATROL_OK &&
			strcmp(then, given) == 0;
	else if (same)
		same = strcmp(r->path, given) == 0;
	free(then);
	status_clear(err);
	if (!same) {
		status_set(err, PATROL_INVALID, "session %s puts its secrets in %s: resume it with "
			   "%s %s, or with no destination", info->session, r->path, opt, r->path);
		free(given);
		return PATROL_INVALID;
	}
	free(r->path);
	r->path = given;
	return PATROL_OK;
}

/* Whether session info can be gone on with by r, and its options. */
static enum patrol_status
rotate_resume_check(struct rotation *r, const struct journal_session *info, bool allow_ended,
		    struct patrol_err *err)
{
	enum rotate_dest gd = r->dest;
	char *given = (r->dest == ROTATE_DEST_FILE || r->dest == ROTATE_DEST_DIR) ? r->path : NULL;
	int rc;

	r->path = NULL;
	if (journal_session_kind(info) != JOURNAL_KIND_ROTATE) {
		free(given);
		return status_set(err, PATROL_INVALID, "session %s is a %s session, not a rotation",
				  info->session, journal_session_kind_name(info));
	}
	if (info->ended_ms != 0 && !allow_ended) {
		free(given);
		return status_set(err, PATROL_CONFLICT, "session %s is finished", info->session);
	}
	if ((rc = rotate_opts_restore(r, info)) != 0) {
		free(given);
		return rc == -1 ? status_set(err, PATROL_NOMEM, "out of memory") :
			status_set(err, PATROL_INVALID, "session %s: bad rotation settings",
				   info->session);
	}
	return rotate_resume_dest(r, info, gd, given, err);
}

enum patrol_status
rotate_resume(struct rotation *r, struct journal_session *info, struct journal *j,
	      const struct token_table *fresh, int64_t now_ms, bool allow_ended,
	      struct patrol_err *err)
{
	enum patrol_status st;
	size_t *byid, i;
	bool recorded;

	r->journal = j;             /* ours now, whatever happens */
	if ((st = rotate_resume_check(r, info, allow_ended, err)) != PATROL_OK)
		return st;
	recorded = journal_session_param(info, "item_scopes") != NULL;
	r->admin = info->admin;
	if ((byid = token_index_by_id(fresh)) == NULL)
		return status_set(err, PATROL_NOMEM, "out of memory");
	for (i = 0; i < info->n; i++) {
		const struct journal_entry *e = &info->v[i];
		long row = token_find_indexed(fresh, byid, e->item.id, true);
		struct rotate_item *it = rotate_push(r);
		if (it == NULL)
			break;
		memcpy(it->old_id, e->item.id, sizeof it->old_id);
		it->keep = r->keep_old;
		if ((row >= 0 ? item_from_token(r, it, &fresh->rows[row]) != 0 :
		     (e->item.owner != NULL && (it->owner = strdup(e->item.owner)) == NULL) ||
		     (e->item.comment != NULL && (it->old_comment = strdup(e->item.comment)) == NULL)) ||
		    resume_expect(r, it, e, row >= 0, recorded) != 0)
			break;
		resume_item(r, it, e, fresh, byid, now_ms, info);
	}
	free(byid);
	if (i < info->n)
		return status_set(err, PATROL_NOMEM, "out of memory");
	if (r->dest == ROTATE_DEST_DIALOG && (i = rotate_resume_needs_dest(r)) > 0)
		return status_set(err, PATROL_INVALID, "session %s was started in the interactive "
				  "view, and %zu token%s need%s a new secret, which needs a place "
				  "to go: patrol rotate --resume %s --to-file FILE (or --to-dir DIR)",
				  info->session, i, i == 1 ? "" : "s", i == 1 ? "s" : "",
				  info->session);
	return journal_error(r->journal, err);
}
