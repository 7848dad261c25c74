/*
 * bulk.c: one bulk revocation session (bulk.h).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api.h"
#include "bulk.h"
#include "duration.h"

struct bulk {
	struct bulk_item *v;
	size_t n, cap;
	size_t *hidx, hn, hcap;          /* the items by id: open addressing, item
					  * index + 1 (0: empty), at most half full */
	bool admin;                      /* through the token management API */
	enum journal_kind kind;          /* what it does: revoke, or pin scopes */
	char *filter;                    /* what chose the ids, for the journal */
	struct journal *journal;         /* owned; NULL in dry runs */
	size_t counts[JOURNAL_RESULT_COUNT];
	size_t inflight;
	size_t planned_done;             /* done before this run (resume) */
	uint64_t batch;                  /* the worker batch of its revokes (0 until
					  * the first bulk_submit) */
	bool stopping;                   /* bulk_stop was called */
	bool stopped_auth;               /* a 401/403 halted it */
	bool interrupted;                /* a signal cut it off (SIGHUP, SIGTERM):
					  * bulk_end leaves it unfinished, for a
					  * plain resume */
	int64_t started_ms;              /* monotonic, at bulk_submit */
	/* throughput for the ETA: finished calls over a sliding window */
	int64_t win_ms[64];
	size_t win_n;
};

#define BULK_WIN (sizeof ((struct bulk *)0)->win_ms / sizeof ((struct bulk *)0)->win_ms[0])

struct bulk *
bulk_new(bool admin)
{
	struct bulk *b = calloc(1, sizeof *b);

	if (b != NULL)
		b->admin = admin;
	return b;
}

static void
bulk_item_free(struct bulk_item *it)
{
	journal_item_clear(&it->t);
}

void
bulk_reset(struct bulk *b, bool admin)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		bulk_item_free(&b->v[i]);
	free(b->v);
	free(b->hidx);
	free(b->filter);
	journal_close(b->journal);
	memset(b, 0, sizeof *b);
	b->admin = admin;
}

void
bulk_free(struct bulk *b)
{
	if (b == NULL)
		return;
	bulk_reset(b, false);
	free(b);
}

size_t
bulk_count(const struct bulk *b)
{
	return b->n;
}

const struct bulk_item *
bulk_item(const struct bulk *b, size_t i)
{
	return i < b->n ? &b->v[i] : NULL;
}

size_t
bulk_results(const struct bulk *b, enum journal_result r)
{
	return (unsigned)r < JOURNAL_RESULT_COUNT ? b->counts[r] : 0;
}

bool
bulk_admin(const struct bulk *b)
{
	return b->admin;
}

bool
bulk_stopping(const struct bulk *b)
{
	return b->stopping;
}

bool
bulk_stopped_auth(const struct bulk *b)
{
	return b->stopped_auth;
}

size_t
bulk_planned_done(const struct bulk *b)
{
	return b->planned_done;
}

const struct journal *
bulk_journal(const struct bulk *b)
{
	return b->journal;
}

void
bulk_set_kind(struct bulk *b, enum journal_kind k)
{
	b->kind = k;
}

enum journal_kind
bulk_kind(const struct bulk *b)
{
	return b->kind;
}

int
bulk_set_scopes(struct bulk *b, size_t i, const char *const *v, size_t n)
{
	struct journal_item *it;
	size_t k;

	if (i >= b->n)
		return -1;
	it = &b->v[i].t;
	if (n > 0 && (it->scopes = calloc(n, sizeof *it->scopes)) == NULL)
		return -1;
	for (k = 0; k < n; k++) {
		if ((it->scopes[k] = strdup(v[k])) == NULL)
			return -1;
		it->nscopes = k + 1;
	}
	return 0;
}

int
bulk_set_filter(struct bulk *b, const char *filter)
{
	char *f = filter != NULL ? strdup(filter) : NULL;

	if (filter != NULL && f == NULL)
		return -1;
	free(b->filter);
	b->filter = f;
	return 0;
}

void
bulk_interrupt(struct bulk *b)
{
	b->interrupted = true;
}

bool
bulk_interrupted(const struct bulk *b)
{
	return b->interrupted;
}

/* strdup that keeps NULL; *bad on failure. */
static char *
bulk_dup(const char *s, bool *bad)
{
	char *d;

	if (s == NULL)
		return NULL;
	if ((d = strdup(s)) == NULL)
		*bad = true;
	return d;
}

/* Room for one more item. Returns 0, or -1 on out of memory. */
static int
bulk_grow(struct bulk *b)
{
	size_t cap = b->cap ? b->cap * 2 : 64;
	struct bulk_item *v;

	if (b->n < b->cap)
		return 0;
	if ((v = realloc(b->v, cap * sizeof *v)) == NULL)
		return -1;
	b->v = v;
	b->cap = cap;
	return 0;
}

/* ---- the id index: item indexes by id (ASCII case ignored) -------------- */

/* FNV-1a over the case-folded id. */
static size_t
bulk_hash(const char *id)
{
	uint64_t h = 14695981039346656037ull;

	for (; *id != '\0'; id++) {
		h ^= (unsigned char)(*id >= 'A' && *id <= 'Z' ? *id + 32 : *id);
		h *= 1099511628211ull;
	}
	return (size_t)h;
}

/* The slot of id in the open-addressed table (empty or holding it). */
static size_t
bulk_slot(const struct bulk *b, const char *id)
{
	size_t mask = b->hcap - 1, i = bulk_hash(id) & mask;

	while (b->hidx[i] != 0 && strcasecmp(b->v[b->hidx[i] - 1].t.id, id) != 0)
		i = (i + 1) & mask;
	return i;
}

/* Index item i (its id is set). Returns 0, or -1 on out of memory. */
static int
bulk_index_add(struct bulk *b, size_t i)
{
	if ((b->hn + 1) * 2 > b->hcap) {      /* at most half full */
		size_t cap = b->hcap ? b->hcap * 2 : 256, k, *old = b->hidx, oldcap = b->hcap;
		if ((b->hidx = calloc(cap, sizeof *b->hidx)) == NULL) {
			b->hidx = old;
			return -1;
		}
		b->hcap = cap;
		for (k = 0; k < oldcap; k++)
			if (old[k] != 0)
				b->hidx[bulk_slot(b, b->v[old[k] - 1].t.id)] = old[k];
		free(old);
	}
	b->hidx[bulk_slot(b, b->v[i].t.id)] = i + 1;
	b->hn++;
	return 0;
}

static long
bulk_find(const struct bulk *b, const char *id)
{
	size_t k;

	if (b->hcap == 0)
		return -1;
	k = bulk_slot(b, id);
	return b->hidx[k] != 0 ? (long)b->hidx[k] - 1 : -1;
}

int
bulk_add(struct bulk *b, const char *id, const struct token_info *t, unsigned flags,
	 const char *self_id, int64_t now_ms)
{
	struct bulk_item *it;
	bool bad = false;

	if (bulk_find(b, id) >= 0)
		return 1;
	if (bulk_grow(b) != 0)
		return -1;
	it = &b->v[b->n];
	memset(it, 0, sizeof *it);
	snprintf(it->t.id, sizeof it->t.id, "%s", id);
	it->result = JOURNAL_PENDING;
	if (!token_id_valid(id)) {
		/* never put into a URL: "." or ".." would name the collection */
		it->result = JOURNAL_SKIPPED;
		status_set(&it->err, PATROL_INVALID, "not a token id (they are %d hex "
			   "characters): nothing sent", TOKEN_ID_LEN);
		b->counts[JOURNAL_SKIPPED]++;
	}
	it->self = self_id != NULL && strcasecmp(self_id, id) == 0;
	if (t != NULL) {
		it->listed = true;
		it->t.owner = bulk_dup(token_owner(t), &bad);
		it->t.comment = bulk_dup(token_comment(t), &bad);
		it->t.created_ms = t->creation_time;
		it->t.last_used_ms = token_last_used(t);
		it->t.expiry_ms = t->expiry_time;
		it->t.flags = flags;
		it->recent = it->t.last_used_ms > 0 && now_ms - it->t.last_used_ms < BULK_RECENT_MS;
	}
	if (bad || bulk_index_add(b, b->n) != 0) {
		if (it->result == JOURNAL_SKIPPED)
			b->counts[JOURNAL_SKIPPED]--;
		bulk_item_free(it);
		return -1;
	}
	b->n++;
	return 0;
}

/* ---- pins ----------------------------------------------------------------- */

static void bulk_settle(struct bulk *b, struct bulk_item *it, enum journal_result r,
			enum patrol_status st, const char *why);

/* Whether the scopes v[0..n) name authentication (or its read form). */
static bool
bulk_has_auth(const char *const *v, size_t n)
{
	return autoscope_has(v, n, AUTOSCOPE_PRIVILEGED) ||
	    autoscope_has(v, n, AUTOSCOPE_PRIVILEGED ":read");
}

bool
bulk_pin_adds_auth(const struct token_info *t, const struct bulk_item *it)
{
	return bulk_has_auth((const char *const *)it->t.scopes, it->t.nscopes) &&
	    !bulk_has_auth(token_list_items(t, TOKEN_LIST_SCOPES), token_nscopes(t));
}

/* Whether t has exactly v[0..n), set by hand already. */
static bool
bulk_pin_same(const struct token_info *t, char *const *v, size_t n)
{
	size_t i;

	if (token_autoscope(t) != AUTOSCOPE_USER_SELECTED || token_nscopes(t) != n)
		return false;
	for (i = 0; i < n; i++)
		if (!autoscope_has(token_list_items(t, TOKEN_LIST_SCOPES), n, v[i]))
			return false;
	return true;
}

int
bulk_add_pin(struct bulk *b, const char *id, const struct token_info *t, unsigned flags,
	     const char *self_id, int64_t now_ms, const struct bulk_pin *how)
{
	const char **v = NULL;
	size_t i = b->n, n;
	int rc = bulk_add(b, id, t, flags, self_id, now_ms);

	if (rc != 0 || b->v[i].result != JOURNAL_PENDING)
		return rc;                   /* planned already, not a token id, or no memory */
	if (t == NULL) {
		bulk_settle(b, &b->v[i], JOURNAL_SKIPPED, PATROL_NOT_FOUND, b->admin ?
			    "not in the list: nothing sent" :
			    "not among your tokens (--all: anyone's): nothing sent");
		return 0;
	}
	n = autoscope_pin_scopes(token_list_items(t, TOKEN_LIST_INFERRED),
	    token_list_n(t, TOKEN_LIST_INFERRED), token_list_items(t, TOKEN_LIST_BACKFILL),
	    token_list_n(t, TOKEN_LIST_BACKFILL), how->add, how->nadd, how->exact, how->nexact,
	    how->use_exact, &v);
	if (n == (size_t)-1 || bulk_set_scopes(b, i, v, n) != 0) {
		free(v);
		return -1;
	}
	free(v);
	if (!how->use_exact && token_list_n(t, TOKEN_LIST_INFERRED) +
	    token_list_n(t, TOKEN_LIST_BACKFILL) == 0)
		bulk_settle(b, &b->v[i], JOURNAL_SKIPPED, PATROL_OK, "nothing inferred or "
			    "backfilled: give --scopes to choose its scopes");
	else if (bulk_pin_same(t, b->v[i].t.scopes, b->v[i].t.nscopes))
		bulk_settle(b, &b->v[i], JOURNAL_SKIPPED, PATROL_OK,
			    "it already has exactly these scopes, set by hand");
	return 0;
}

/* Decide an item without sending anything. */
static void
bulk_settle(struct bulk *b, struct bulk_item *it, enum journal_result r,
	    enum patrol_status st, const char *why)
{
	it->result = r;
	status_clear(&it->err);
	if (why != NULL)
		status_set(&it->err, st, "%s", why);
	b->counts[r]++;
}

void
bulk_decide(struct bulk *b, size_t i, enum journal_result r, enum patrol_status st,
	    const char *why)
{
	if (i < b->n && b->v[i].result == JOURNAL_PENDING && !b->v[i].inflight)
		bulk_settle(b, &b->v[i], r, st, why);
}

void
bulk_keep_self(struct bulk *b)
{
	long s = bulk_self_index(b);

	if (s >= 0)
		bulk_settle(b, &b->v[s], JOURNAL_SKIPPED, PATROL_OK,
			    "kept: its own confirmation was not given");
}

size_t
bulk_mark_unsent(struct bulk *b, void (*each)(const struct bulk_item *it, void *ctx), void *ctx)
{
	size_t i, n = 0;

	for (i = 0; i < b->n; i++) {
		if (b->v[i].result != JOURNAL_PENDING)
			continue;
		bulk_settle(b, &b->v[i], JOURNAL_NOT_ATTEMPTED, PATROL_CANCELLED,
			    "not sent: the session was stopped");
		n++;
		if (each != NULL)
			each(&b->v[i], ctx);
	}
	return n;
}

void
bulk_guard_self(struct bulk *b, bool allow)
{
	size_t i;

	if (allow)
		return;
	for (i = 0; i < b->n; i++)
		if (b->v[i].self && b->v[i].result == JOURNAL_PENDING)
			bulk_settle(b, &b->v[i], JOURNAL_SKIPPED, PATROL_OK,
				    "this is the token patrol is using: it needs its own confirmation");
}

size_t
bulk_pending(const struct bulk *b)
{
	size_t i, n = 0;

	for (i = 0; i < b->n; i++)
		n += b->v[i].result == JOURNAL_PENDING;
	return n;
}

size_t
bulk_count_recent(const struct bulk *b)
{
	size_t i, n = 0;

	for (i = 0; i < b->n; i++)
		n += b->v[i].result == JOURNAL_PENDING && (b->v[i].recent || b->v[i].changed);
	return n;
}

void
bulk_mark_self(struct bulk *b, const char *(*self)(const void *ctx, const char *id),
	       const void *ctx)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		b->v[i].self = self(ctx, b->v[i].t.id) != NULL;
}

long
bulk_self_index(const struct bulk *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (b->v[i].self && b->v[i].result == JOURNAL_PENDING)
			return (long)i;
	return -1;
}

/* ---- re-plan ------------------------------------------------------------ */

/* Why an id no list has any more was not sent. */
static const char *
bulk_gone_why(const struct bulk *b)
{
	return b->kind == JOURNAL_KIND_PIN ? "gone before its scopes were set" :
	    "gone before the revoke was sent";
}

/* The row of fresh with exactly this id, through its index. */
static const struct token_info *
bulk_lookup(const struct token_table *fresh, const size_t *byid, const char *id)
{
	long row = token_find_indexed(fresh, byid, id, true);

	return row >= 0 ? &fresh->rows[row] : NULL;
}

void
bulk_replan(struct bulk *b, const struct token_table *fresh, const struct token_ctx *ctx,
	    const struct token_filter *filter, struct bulk_replan *out)
{
	size_t *byid = token_index_by_id(fresh), i;
	char id[TOKEN_ID_LEN + 1];

	memset(out, 0, sizeof *out);
	if (byid == NULL)
		return;
	for (i = 0; i < b->n; i++) {
		struct bulk_item *it = &b->v[i];
		const struct token_info *t;
		if (it->result != JOURNAL_PENDING || !it->listed)
			continue;
		if ((t = bulk_lookup(fresh, byid, it->t.id)) == NULL) {
			bulk_settle(b, it, JOURNAL_GONE, PATROL_NOT_FOUND, bulk_gone_why(b));
			out->vanished++;
			continue;
		}
		if (!it->self && token_last_used(t) > it->t.last_used_ms) {
			/* (patrol's own token is in use by this very session) */
			it->changed = true;
			it->t.last_used_ms = token_last_used(t);
			out->used_since++;
		}
	}
	if (filter != NULL) {
		for (i = 0; i < fresh->n; i++) {
			const struct token_info *t = &fresh->rows[i];
			if (token_filter_match(filter, t, token_flags(t, ctx), ctx) &&
			    bulk_find(b, token_id_hex(t, id)) < 0)
				out->new_matches++;
		}
	}
	free(byid);
}

/* ---- apply ---------------------------------------------------------------- */

enum patrol_status
bulk_journal_start(struct bulk *b, const char *dir, const char *host, const char *user,
		   const char *profile, struct patrol_err *err)
{
	struct journal_item *items;
	struct journal_plan plan;
	enum patrol_status st;
	size_t i, n = 0;

	items = calloc(b->n ? b->n : 1, sizeof *items);
	if (items == NULL)
		return status_set(err, PATROL_NOMEM, "out of memory");
	for (i = 0; i < b->n; i++)
		if (b->v[i].result == JOURNAL_PENDING)
			items[n++] = b->v[i].t;     /* shallow: the plan only reads */
	memset(&plan, 0, sizeof plan);
	plan.host = host;
	plan.user = user;
	plan.profile = profile;
	plan.filter = b->filter;
	plan.admin = b->admin;
	plan.kind = b->kind;
	plan.items = items;
	plan.n = n;
	st = journal_create(dir, &plan, &b->journal, err);
	free(items);
	return st;
}

/* The request for one item: a revoke, or a pin (update_mask=scopes). */
static struct call *
bulk_call(const struct bulk *b, const struct bulk_item *it)
{
	struct api_update_params p = { NULL, true, (const char *const *)it->t.scopes,
				       it->t.nscopes };

	if (b->kind == JOURNAL_KIND_PIN)
		return b->admin ? api_tm_update(it->t.id, &p) : api_token_update(it->t.id, &p);
	return b->admin ? api_tm_delete(it->t.id) : api_token_delete(it->t.id);
}

/* Submit the pending items, the token patrol uses only when nothing else
 * is left (revoking it first would fail the rest with 401). */
size_t
bulk_submit(struct bulk *b, struct worker *w)
{
	bool others = false;
	size_t i, n = 0;
	struct call *c;

	if (b->stopping || b->stopped_auth)
		return 0;
	for (i = 0; i < b->n; i++)
		others |= !b->v[i].self && (b->v[i].inflight || b->v[i].result == JOURNAL_PENDING);
	if (b->started_ms == 0)
		b->started_ms = duration_mono_ms();
	if (b->batch == 0)
		b->batch = worker_batch_new(w);
	for (i = 0; i < b->n; i++) {
		struct bulk_item *it = &b->v[i];
		if (it->result != JOURNAL_PENDING || it->inflight || (it->self && others))
			continue;
		if ((c = bulk_call(b, it)) == NULL) {
			bulk_settle(b, it, JOURNAL_NOT_ATTEMPTED, PATROL_NOMEM, "out of memory");
			continue;
		}
		c->tag = BULK_TAG | i;
		c->batch = b->batch;
		c->journal = b->journal;
		snprintf(c->subject, sizeof c->subject, "%s", it->t.id);
		it->inflight = true;
		b->inflight++;
		worker_submit(w, c);
		n++;
	}
	return n;
}

long
bulk_finish(struct bulk *b, struct call *c)
{
	size_t i;
	struct bulk_item *it;
	int64_t now = duration_mono_ms();

	if ((c->tag & BULK_TAG) == 0 || (i = (size_t)(c->tag & ~BULK_TAG)) >= b->n ||
	    !b->v[i].inflight)
		return -1;
	it = &b->v[i];
	it->inflight = false;
	b->inflight--;
	it->result = journal_outcome(c->err.status, c->attempts);
	it->err = c->err;
	b->counts[it->result]++;
	if (c->err.status == PATROL_UNAUTHENTICATED || c->err.status == PATROL_PERMISSION)
		b->stopped_auth = true;
	b->win_ms[b->win_n++ % BULK_WIN] = now;
	call_free(c);
	return (long)i;
}

void
bulk_stop(struct bulk *b, struct worker *w)
{
	if (b->inflight == 0 || b->stopping)
		return;
	b->stopping = true;
	worker_halt_batch(w, b->batch);
}

bool
bulk_running(const struct bulk *b)
{
	return b->inflight > 0;
}

void
bulk_progress(const struct bulk *b, int64_t now, struct bulk_progress *out)
{
	size_t k = b->win_n < BULK_WIN ? b->win_n : BULK_WIN;
	int64_t oldest;

	memset(out, 0, sizeof *out);
	out->total = b->n;
	out->done = b->counts[JOURNAL_REVOKED] + b->counts[JOURNAL_GONE] + b->counts[JOURNAL_WOULD];
	out->failed = b->counts[JOURNAL_FAILED];
	out->unknown = b->counts[JOURNAL_UNKNOWN];
	out->not_attempted = b->counts[JOURNAL_NOT_ATTEMPTED];
	out->skipped = b->counts[JOURNAL_SKIPPED];
	out->remaining = bulk_pending(b);
	out->inflight = b->inflight;
	out->eta_ms = -1;
	if (k == 0)
		return;
	/* the rate over the last k answers, up to now */
	oldest = b->win_ms[(b->win_n - k) % BULK_WIN];
	if (k == 1)
		oldest = b->started_ms;
	if (now > oldest)
		out->rate = (double)(k == 1 ? 1 : k - 1) * 1000.0 / (double)(now - oldest);
	if (out->rate > 0)
		out->eta_ms = (int64_t)((double)out->remaining * 1000.0 / out->rate);
}

void
bulk_progress_bar(const struct bulk_progress *p, size_t width, char *out)
{
	size_t i, fill = p->total ? (p->total - p->remaining) * width / p->total : 0;

	out[0] = '\0';
	if (width == 0)
		return;
	out[0] = '[';
	for (i = 0; i < width; i++)
		out[i + 1] = i < fill ? '#' : '.';
	memcpy(out + width + 1, "] ", 3);
}

void
bulk_progress_line(const struct bulk *b, struct worker *w, size_t bar_width, char *out,
		   size_t n)
{
	struct bulk_progress p;
	struct worker_stats ws;
	int64_t now = duration_mono_ms();
	char bar[65], eta[24] = "?", unknown[32] = "", unsent[40] = "";

	if (bar_width > sizeof bar - 4)
		bar_width = sizeof bar - 4;
	bulk_progress(b, now, &p);
	worker_stats(w, &ws);
	bulk_progress_bar(&p, bar_width, bar);
	if (p.eta_ms >= 0)
		snprintf(eta, sizeof eta, "%llds", (long long)((p.eta_ms + 999) / 1000));
	if (p.unknown > 0)
		snprintf(unknown, sizeof unknown, " %zu unknown", p.unknown);
	if (p.not_attempted > 0)
		snprintf(unsent, sizeof unsent, " %zu not attempted", p.not_attempted);
	snprintf(out, n, "%s%zu done %zu failed%s%s %zu left %.1f/s ETA %s jobs %d/%d%s%s",
		 bar, p.done, p.failed, unknown, unsent, p.remaining, p.rate, eta, ws.limit, ws.max,
		 ws.pause_until_ms > now ? " throttled" : "", b->stopping ? " stopping" : "");
}

void
bulk_end(struct bulk *b)
{
	const char *reason = b->stopped_auth ? "auth" : b->stopping ? "stopped" : "done";

	if (b->journal == NULL)
		return;
	if (!b->interrupted)
		journal_end(b->journal, reason);
	journal_close(b->journal);
	b->journal = NULL;
}

/* ---- resume --------------------------------------------------------------- */

/* Move a journal entry into b, deciding it from the file and the fresh list. */
static int
bulk_resume_entry(struct bulk *b, struct journal_entry *e, const struct token_table *fresh,
		  const size_t *byid)
{
	struct bulk_item *it;
	const struct token_info *row;
	bool there;

	if (bulk_grow(b) != 0)
		return -1;
	it = &b->v[b->n];
	memset(it, 0, sizeof *it);
	it->t = e->item;
	memset(&e->item, 0, sizeof e->item);    /* moved: strings are ours now */
	if (bulk_index_add(b, b->n++) != 0)
		return -1;
	it->result = JOURNAL_PENDING;
	there = (row = bulk_lookup(fresh, byid, it->t.id)) != NULL;
	/* an id given by hand that no list had (no creation time): the server
	 * decides, as on the first run */
	it->listed = it->t.created_ms != 0;
	if (!it->listed)
		there = true;
	if (e->last == JOURNAL_REVOKED || e->last == JOURNAL_GONE || e->last == JOURNAL_SKIPPED) {
		it->result = e->last;
		it->earlier = true;
		b->counts[e->last]++;
		b->planned_done++;
		return 0;
	}
	if (there && b->kind == JOURNAL_KIND_PIN && e->intents > 0 &&
	    bulk_pin_same(row, it->t.scopes, it->t.nscopes)) {
		/* Pinned before the interruption, its result lost: done,
		 * never sent again. */
		bulk_settle(b, it, JOURNAL_REVOKED, PATROL_OK,
			    "reconciled on resume: its scopes are already set");
		b->planned_done++;
		if (b->journal != NULL)
			journal_result(b->journal, it->t.id, JOURNAL_REVOKED, &it->err);
		return 0;
	}
	if (!there) {
		/* Revoked before the interruption (an intent whose result was
		 * lost), or by someone else: either way, done; never sent again. */
		bulk_settle(b, it, JOURNAL_GONE, PATROL_NOT_FOUND, e->intents > 0 ?
			    "reconciled on resume: no longer in the list" : bulk_gone_why(b));
		b->planned_done++;
		if (b->journal != NULL)
			journal_result(b->journal, it->t.id, JOURNAL_GONE, &it->err);
	}
	return 0;
}

enum patrol_status
bulk_check_free(const struct journal_session *info, struct patrol_err *err)
{
	char since[32];

	if (!info->busy)
		return PATROL_OK;
	duration_absolute(info->since_ms, false, since, sizeof since);
	if (info->pid > 0)
		return status_set(err, PATROL_CONFLICT, "session %s is running in another patrol "
				  "(pid %lld, since %s): let it finish, or stop it first",
				  info->session, (long long)info->pid, since);
	return status_set(err, PATROL_CONFLICT, "session %s is running in another patrol "
			  "(since %s): let it finish, or stop it first", info->session, since);
}

/* Take info's lock and read it again under the lock: another patrol may
 * have gone on with it since info was read, and only what the file says now
 * is gone on with (into info). One that finished it meanwhile leaves
 * nothing to do: PATROL_CONFLICT, code "FINISHED". */
static enum patrol_status
bulk_relock(struct bulk *b, struct journal_session *info, struct patrol_err *err)
{
	struct journal_session now;
	enum patrol_status st;

	if ((st = journal_lock_session(info->path, &b->journal, &now, err)) != PATROL_OK)
		return st;
	if (now.ended_ms != 0 && info->ended_ms == 0) {
		status_set(err, PATROL_CONFLICT, "session %s was finished meanwhile by another "
			   "patrol (pid %lld): nothing is left to do", info->session,
			   (long long)now.pid);
		snprintf(err->code, sizeof err->code, "FINISHED");
		journal_session_free(&now);
		journal_close(b->journal);
		b->journal = NULL;
		return PATROL_CONFLICT;
	}
	journal_session_free(info);
	*info = now;
	if ((st = journal_resumed(b->journal)) != PATROL_OK)
		return journal_error(b->journal, err);
	return PATROL_OK;
}

enum patrol_status
bulk_resume(struct bulk *b, struct journal_session *info, const struct token_table *fresh,
	    bool allow_ended, struct patrol_err *err)
{
	enum patrol_status st;
	size_t *byid, i;

	if ((st = bulk_check_free(info, err)) != PATROL_OK)
		return st;
	if (info->kind != b->kind && !journal_kind_resumes(info->kind))
		return status_set(err, PATROL_INVALID, "session %s is a %s session, not a %s: it "
				  "is never resumed as one", info->session, info->kind_name,
				  b->kind == JOURNAL_KIND_PIN ? "pin" : "revocation");
	if (info->ended_ms != 0 && (!allow_ended || journal_session_todo(info) == 0))
		return status_set(err, PATROL_CONFLICT, "session %s is finished (%s)%s",
				  info->session, info->end_reason, journal_session_todo(info) == 0 ?
				  ": nothing in it is left to revoke or to retry" : "");
	if (info->kind != b->kind)
		return status_set(err, PATROL_CONFLICT, "session %s is a %s session: patrol %s "
				  "--resume %s goes on with it", info->session, info->kind_name,
				  info->kind_name, info->session);
	if ((st = bulk_relock(b, info, err)) != PATROL_OK)
		return st;
	b->admin = info->admin;
	if ((byid = token_index_by_id(fresh)) == NULL)
		return status_set(err, PATROL_NOMEM, "out of memory");
	for (i = 0; i < info->n; i++) {
		if (bulk_resume_entry(b, &info->v[i], fresh, byid) != 0) {
			free(byid);
			return status_set(err, PATROL_NOMEM, "out of memory");
		}
	}
	free(byid);
	if (info->filter != NULL && (b->filter = strdup(info->filter)) == NULL)
		return status_set(err, PATROL_NOMEM, "out of memory");
	return journal_error(b->journal, err);   /* reconciled results were written */
}
