/*
 * bulk.h: one bulk session, the same for both faces: revocation, or (a pin,
 * bulk_set_kind) setting scopes by hand.
 *
 * plan (the exact ids, with what the list said about each) → confirm (the
 * face asks) → re-plan (bulk_replan against a fresh list: what vanished,
 * what was used since) → apply (bulk_submit: every pending id goes to the
 * worker as one batch; the worker writes the journal intent, fsync'd, before
 * each request and the result after) → results (bulk_finish per call).
 *
 * No terminal I/O here: the CLI prints and the UI draws from the counts,
 * bulk_progress and the items. Strings are raw: sanitize them to show.
 *
 * Stop: bulk_stop asks the worker to drop every revoke of the session that
 * has not been sent; the in-flight ones finish. A 401 or 403 on any revoke
 * halts the batch inside the worker (call.h batch) and marks the session
 * stopped_auth. Either way the worker refuses every later revoke of the
 * session too, whenever the face hands it in.
 */
#ifndef PATROL_BULK_H
#define PATROL_BULK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "call.h"
#include "journal.h"
#include "token.h"
#include "token_filter.h"
#include "worker.h"

#define BULK_CONFIRM_TYPED_OVER 10       /* above this many, the count is typed */
#define BULK_RECENT_MS (7LL * 86400000)  /* used this recently: warn */

/* Tag bits: bulk calls carry BULK_TAG | item index, so a face that also
 * runs other calls can tell them apart. */
#define BULK_TAG ((uint64_t)1 << 62)

struct bulk_item {
	struct journal_item t;           /* id, owner, comment, times, flags */
	enum journal_result result;      /* JOURNAL_PENDING until decided */
	struct patrol_err err;           /* why it failed, or why it was skipped */
	bool recent;                     /* used within BULK_RECENT_MS at plan time */
	bool self;                       /* the token this session authenticates with */
	bool inflight;                   /* submitted and not yet finished */
	bool changed;                    /* re-plan: used since it was planned */
	bool earlier;                    /* resumed: decided by an earlier run */
	bool listed;                     /* the list the plan came from had it; an id
					  * given by hand that was not listed is sent
					  * all the same (the server decides: 404 is
					  * already gone) */
};

/* The session: opaque, read through the functions below; only bulk.c
 * changes it, so both faces apply one set of rules. */
struct bulk;

struct bulk_progress {
	size_t total;                    /* items in the plan */
	size_t done;                     /* revoked + already gone (+ would) */
	size_t failed;                   /* refused or broken: failed */
	size_t unknown;                  /* sent, answer lost */
	size_t not_attempted;            /* never sent (stopped): not failures */
	size_t skipped;
	size_t remaining;                /* pending (in flight included) */
	size_t inflight;
	double rate;                     /* finished per second, recent window */
	int64_t eta_ms;                  /* -1 when unknown */
};

struct bulk_replan {
	size_t vanished;                 /* no longer in the list: marked already gone */
	size_t used_since;               /* last use moved forward since the plan */
	size_t new_matches;              /* the filter now matches ids not in the plan */
};

/* A new, empty session (through token management when admin), or NULL on
 * out of memory. */
struct bulk *bulk_new(bool admin);
/* Empty it again, as bulk_new left it (its journal closed). */
void bulk_reset(struct bulk *b, bool admin);
/* Free it, closing its journal; NULL is fine. */
void bulk_free(struct bulk *b);

/* ---- what a face reads ---------------------------------------------------- */
size_t bulk_count(const struct bulk *b);                 /* items planned */
const struct bulk_item *bulk_item(const struct bulk *b, size_t i);
size_t bulk_results(const struct bulk *b, enum journal_result r);  /* items so decided */
bool bulk_admin(const struct bulk *b);
bool bulk_stopping(const struct bulk *b);                /* bulk_stop was called */
bool bulk_stopped_auth(const struct bulk *b);            /* a 401/403 halted it */
size_t bulk_planned_done(const struct bulk *b);          /* done before this run (resume) */
/* The session's journal (NULL in a dry run, or before bulk_journal_start). */
const struct journal *bulk_journal(const struct bulk *b);

/* What the session does (JOURNAL_KIND_REVOKE unless set): a pin sets each
 * item's scopes (bulk_set_scopes) with update_mask=scopes, and its journal
 * says "pin". Set it before planning; bulk_resume refuses another kind's
 * session. */
void bulk_set_kind(struct bulk *b, enum journal_kind k);
enum journal_kind bulk_kind(const struct bulk *b);
/* The scopes item i is pinned to: v[0..n) copied. 0, or -1 on out of memory. */
int bulk_set_scopes(struct bulk *b, size_t i, const char *const *v, size_t n);

/* How a pin chooses each token's scopes: exactly exact[0..nexact) when
 * use_exact, else its inferred ∪ backfill scopes ∪ add[0..nadd). */
struct bulk_pin {
	const char *const *add;
	size_t nadd;
	const char *const *exact;
	size_t nexact;
	bool use_exact;
};
/* bulk_add for a pin session: t's scopes as how says, the same for both
 * faces. t NULL (an id no list has) is skipped, and so is a token with
 * nothing inferred or backfilled (unless use_exact) and one that already
 * has exactly those scopes, set by hand: each with the reason. Returns as
 * bulk_add. */
int bulk_add_pin(struct bulk *b, const char *id, const struct token_info *t, unsigned flags,
		 const char *self_id, int64_t now_ms, const struct bulk_pin *how);
/* Whether pinning t as item it plans adds authentication: t could then
 * mint tokens of any scope, and its declared scopes do not say so now.
 * Such a pin asks for a confirmation of its own. */
bool bulk_pin_adds_auth(const struct token_info *t, const struct bulk_item *it);

/* What chose the ids (--filter), for the journal. 0, or -1 on out of memory. */
int bulk_set_filter(struct bulk *b, const char *filter);
/* A signal cut the session off (SIGHUP, SIGTERM): bulk_end leaves it
 * unfinished, for a plain resume. */
void bulk_interrupt(struct bulk *b);
/* Whether bulk_interrupt was called. */
bool bulk_interrupted(const struct bulk *b);
/* Add a token (t may be NULL when only the id is known) unless its id is
 * already planned (O(1): plans of 100,000 ids are built in milliseconds).
 * An id that is not token_id_valid is added skipped ("not a token id"): it
 * never reaches a URL. flags: token_flags(t, ctx). Returns 0, 1 when it was
 * a duplicate, -1 on out of memory. */
int bulk_add(struct bulk *b, const char *id, const struct token_info *t, unsigned flags,
	     const char *self_id, int64_t now_ms);
/* The self-token rule, for both faces: the token patrol uses goes only
 * with a confirmation of its own. Without one (allow false) it is
 * skipped, saying so; bulk_keep_self skips it when its own confirmation
 * was asked and not given. */
void bulk_guard_self(struct bulk *b, bool allow);
void bulk_keep_self(struct bulk *b);
/* A resumed session's items do not know which is the token patrol uses
 * now (the journal keeps no such mark): mark the one self(id, ctx) names
 * (non-NULL), so it is guarded and goes last as on the first run. */
void bulk_mark_self(struct bulk *b, const char *(*self)(const void *ctx, const char *id),
		    const void *ctx);
/* Decide pending item i without sending anything: result r, why (st). */
void bulk_decide(struct bulk *b, size_t i, enum journal_result r, enum patrol_status st,
		 const char *why);
/* What was never sent when a session ends (stopped, or the token patrol
 * uses after a stop) is "not attempted", never "failed": mark every
 * pending item so, calling each (may be NULL) on it. Returns how many. */
size_t bulk_mark_unsent(struct bulk *b, void (*each)(const struct bulk_item *it, void *ctx),
			void *ctx);
size_t bulk_pending(const struct bulk *b);
size_t bulk_count_recent(const struct bulk *b);
/* The pending self item, or -1. */
long bulk_self_index(const struct bulk *b);

/* Compare the plan with a fresh list: ids no longer there become
 * JOURNAL_GONE ("gone before apply"), ids used since are marked changed; with
 * filter (may be NULL) count the rows it now matches that are not planned. */
void bulk_replan(struct bulk *b, const struct token_table *fresh, const struct token_ctx *ctx,
		 const struct token_filter *filter, struct bulk_replan *out);

/* Start the journal (dir from journal_dir) for the pending items. */
enum patrol_status bulk_journal_start(struct bulk *b, const char *dir, const char *host,
				      const char *user, const char *profile,
				      struct patrol_err *err);
/* Submit the pending items not yet submitted to w as one halt-on-auth
 * batch; the token patrol uses goes alone, once nothing else is pending or
 * in flight (call again when bulk_running turns false). Nothing after
 * bulk_stop or a 401/403. Returns how many were submitted (an item that
 * cannot be allocated becomes NOT_ATTEMPTED). */
size_t bulk_submit(struct bulk *b, struct worker *w);
/* Take back a finished call of the session (BULK_TAG set): record the
 * result (the worker journaled it) and free the call. Returns the item
 * index, or -1 when c is not one of ours (c is left alone then). */
long bulk_finish(struct bulk *b, struct call *c);
/* Stop after the in-flight calls: unsent revokes of the session finish as
 * not attempted. */
void bulk_stop(struct bulk *b, struct worker *w);
bool bulk_running(const struct bulk *b);
void bulk_progress(const struct bulk *b, int64_t now_mono_ms, struct bulk_progress *out);
/* One line for a face: "[####....] 412 done 3 failed 585 left 48.2/s
 * ETA 12s jobs 8/16" ("1 unknown" and "9 not attempted" after "failed"
 * when there are any), with "throttled" while the worker waits out a
 * Retry-After and "stopping" after bulk_stop. The words are the results'
 * own (journal.h): what was not sent is never "failed". bar_width 0: no
 * bar (a log line). */
/* The bar of a progress line: "[####....] " (done of p's total), width
 * wide; "" when width is 0. out holds width + 4 bytes. */
void bulk_progress_bar(const struct bulk_progress *p, size_t width, char *out);
void bulk_progress_line(const struct bulk *b, struct worker *w, size_t bar_width, char *out,
			size_t n);
/* Write the end record ("done", "stopped" or "auth") and close the journal;
 * an interrupted session gets none: it stays unfinished, and what it did not
 * send is left for patrol revoke --resume. */
void bulk_end(struct bulk *b);

/* PATROL_CONFLICT, saying which process runs it (pid) and since when, when
 * another process holds the session (info->busy). */
enum patrol_status bulk_check_free(const struct journal_session *info, struct patrol_err *err);

/* Resume the session info (from journal_load; its items move into b): take
 * its lock and read it again under the lock (journal_lock_session: info
 * becomes what the file says now; PATROL_CONFLICT with code "FINISHED"
 * when another patrol finished it since info was read: nothing to do), and
 * rebuild b from it:
 * ids revoked, already gone or skipped keep that (counted in planned_done);
 * every other id is looked up in fresh: no longer there means done (an
 * intent whose result was lost, or someone else revoked it: recorded as
 * already gone, never sent again); still there means pending. An id that
 * was given by hand and never listed is pending (a 404 makes it gone). A session
 * with an end record is refused unless allow_ended (a session resumed by
 * name: stopped by the user or by a 401/403, or finished with ids that
 * failed, which are tried again). */
enum patrol_status bulk_resume(struct bulk *b, struct journal_session *info,
			       const struct token_table *fresh, bool allow_ended,
			       struct patrol_err *err);

#endif
