/*
 * ui_bulk.c: bulk revocation sessions in the view, on the same core as the
 * command line (src/bulk.h): plan → confirm → re-plan → apply → results,
 * journaled, stoppable, resumable.
 *
 * The plan is every staged row. x shows it (RESULTS view, titled PLAN)
 * with a confirm dialog on top (over 10 tokens the count is typed); the
 * token patrol uses asks again on its own; then a fresh list is fetched
 * (UI_JOB_REPLAN) and any change is asked about again. Apply starts the
 * journal (no fsync here: the worker syncs before the first request) and
 * hands every revoke to the worker as one batch; each answer updates its
 * row and the progress line. q stops after the calls in flight; a 401/403
 * stops the batch inside the worker. Failed rows stay staged and tagged.
 * At start (and with :resume) an unfinished session for this workspace is
 * offered for resume.
 *
 * The same session pins scopes (kind pin, bulk_add_pin): p stages rows
 * (UI_MARK_PIN), x plans them; a pin that would add authentication asks on
 * its own; pinned rows stay (their scopes change: the list is fetched
 * again). Revocations and pins are never mixed in one session.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bulk.h"
#include "duration.h"
#include "journal.h"
#include "sanitize.h"
#include "ui_curses.h"
#include "ui_internal.h"

#define UI_BULK_BAR 16

/* The words of a session's kind. */
struct ui_bulk_words {
	const char *verb, *ing, *done, *title;
	unsigned mark;               /* the rows it plans */
};

static const struct ui_bulk_words ui_bulk_revoke_words = {
	"revoke", "revoking", "revoked", "Revoke tokens", UI_MARK_STAGED,
};
static const struct ui_bulk_words ui_bulk_pin_words = {
	"pin", "pinning", "pinned", "Pin scopes", UI_MARK_PIN,
};

static const struct ui_bulk_words *
ui_bulk_words(const struct ui *u)
{
	return bulk_kind(u->ws->bulk) == JOURNAL_KIND_PIN ? &ui_bulk_pin_words :
	    &ui_bulk_revoke_words;
}

/* ---- rows ------------------------------------------------------------------ */

/* A pin's row: it stays (its scopes change); pinned clears its mark. */
static void
ui_bulk_mark_pin(unsigned char *m, const struct bulk_item *it)
{
	switch (it->result) {
	case JOURNAL_PENDING:
		*m = (unsigned char)((*m & ~(UI_MARK_PIN | UI_MARK_BUSY)) |
		    (it->inflight ? UI_MARK_BUSY : 0));
		break;
	case JOURNAL_REVOKED:
		*m = (unsigned char)(*m & ~(UI_MARK_PIN | UI_MARK_BUSY));
		break;
	case JOURNAL_GONE:
		*m = UI_MARK_GONE;
		break;
	case JOURNAL_SKIPPED:
		*m = (unsigned char)((*m & ~UI_MARK_BUSY) | UI_MARK_PIN);
		break;
	default:              /* failed, unknown, not attempted: ready for a retry */
		*m = (unsigned char)((*m & ~UI_MARK_BUSY) | UI_MARK_PIN | UI_MARK_TAGGED);
		break;
	}
}

static void
ui_bulk_mark(struct ui *u, const struct bulk_item *it, bool many)
{
	long row = ui_state_row_of(u, it->t.id, many);
	unsigned char *m;

	if (row < 0)
		return;
	m = &u->ws->marks[row];
	if (bulk_kind(u->ws->bulk) == JOURNAL_KIND_PIN) {
		ui_bulk_mark_pin(m, it);
		return;
	}
	switch (it->result) {
	case JOURNAL_PENDING:
		*m = (unsigned char)((*m & ~UI_MARK_STAGED) | (it->inflight ? UI_MARK_BUSY : 0));
		break;
	case JOURNAL_REVOKED:
	case JOURNAL_GONE:
		*m = UI_MARK_GONE;
		break;
	case JOURNAL_SKIPPED:
		*m = (unsigned char)((*m & ~UI_MARK_BUSY) | UI_MARK_STAGED);
		break;
	default:              /* failed, unknown, not attempted: ready for a retry */
		*m = (unsigned char)((*m & ~UI_MARK_BUSY) | UI_MARK_STAGED | UI_MARK_TAGGED);
		break;
	}
}

/* ---- the plan ---------------------------------------------------------------- */

static unsigned ui_bulk_go(struct ui *u);
static unsigned ui_bulk_start(struct ui *u);
static void ui_bulk_cancel(struct ui *u, const char *why);

/* The token patrol uses asks on its own: Revoke all, Keep it, or Cancel
 * (which backs out of the whole session). */
static unsigned
ui_bulk_self_done(struct ui *u, struct dialog *d, enum dialog_result res)
{
	if (res == DIALOG_CANCEL) {
		ui_bulk_cancel(u, NULL);
		return UI_R_ALL;
	}
	if (res == DIALOG_ALT)
		bulk_keep_self(u->ws->bulk);
	if (bulk_pending(u->ws->bulk) == 0) {
		ui_bulk_cancel(u, NULL);
		return UI_R_ALL;
	}
	return ui_bulk_go(u);
}

/* The pending pins that would give a token authentication: how many, and
 * (keep) skip them. */
static size_t
ui_bulk_auth_pins(struct ui *u, bool keep)
{
	size_t i, n = 0;

	for (i = 0; i < bulk_count(u->ws->bulk); i++) {
		const struct bulk_item *it = bulk_item(u->ws->bulk, i);
		long row = ui_state_row_of(u, it->t.id, true);
		if (it->result != JOURNAL_PENDING || row < 0 ||
		    !bulk_pin_adds_auth(&u->ws->tab.rows[row], it))
			continue;
		n++;
		if (keep)
			bulk_decide(u->ws->bulk, i, JOURNAL_SKIPPED, PATROL_OK, "kept: it would gain "
			    "authentication, which was not confirmed");
	}
	return n;
}

/* Pins that add authentication: Pin all, Keep them (the others go), or
 * Cancel (nothing is pinned). */
static unsigned
ui_bulk_auth_done(struct ui *u, struct dialog *d, enum dialog_result res)
{
	if (res == DIALOG_CANCEL) {
		ui_bulk_cancel(u, NULL);
		return UI_R_ALL;
	}
	if (res == DIALOG_ALT)
		ui_bulk_auth_pins(u, true);
	if (bulk_pending(u->ws->bulk) == 0) {
		ui_bulk_cancel(u, NULL);
		return UI_R_ALL;
	}
	return ui_bulk_go(u);
}

static unsigned
ui_bulk_pin_auth(struct ui *u)
{
	static const char *const lines[] = {
		"Some of these pins give a token the authentication scope:",
		"it could then mint new tokens with any scope.",
		"Pin all: they get it. Keep them: only the others are pinned.",
		"Cancel (Esc): nothing is pinned.",
	};

	if (ui_bulk_auth_pins(u, false) == 0)
		return ui_bulk_go(u);
	ui_dialog_open(u, dialog_choice_new("Add authentication?", lines, 4, "Pin all", "Keep them",
	    u->ascii), ui_bulk_auth_done, NULL);
	return UI_R_ALL;
}

/* The plan was confirmed, or not (Cancel or Esc never revokes). */
static unsigned
ui_bulk_revoke_done(struct ui *u, struct dialog *d, enum dialog_result res)
{
	static const char *const self[] = {
		"The plan holds the token patrol itself uses.",
		"Once it is revoked, patrol can no longer reach this workspace.",
		"Revoke all: it goes last. Keep it: only the others are revoked.",
		"Cancel (Esc): nothing is revoked.",
	};

	if (res != DIALOG_OK) {
		ui_bulk_cancel(u, NULL);
		return UI_R_ALL;
	}
	if (bulk_kind(u->ws->bulk) == JOURNAL_KIND_PIN)
		return ui_bulk_pin_auth(u);
	if (bulk_self_index(u->ws->bulk) >= 0) {
		ui_dialog_open(u, dialog_choice_new("Revoke the token in use?", self, 4,
		    "Revoke all", "Keep it", u->ascii), ui_bulk_self_done, NULL);
		return UI_R_ALL;
	}
	return ui_bulk_go(u);
}

/* The changed plan was confirmed against the fresh list, or not. */
static unsigned
ui_bulk_replan_done(struct ui *u, struct dialog *d, enum dialog_result res)
{
	if (res != DIALOG_OK) {
		ui_bulk_cancel(u, NULL);
		return UI_R_ALL;
	}
	return ui_bulk_start(u);
}

/* The confirm dialog over the plan view. */
static unsigned
ui_bulk_confirm(struct ui *u, const char *title)
{
	char l[5][160], typed[32];
	const char *lines[5];
	size_t n = 0, i, pending = bulk_pending(u->ws->bulk);
	size_t recent = bulk_count_recent(u->ws->bulk);
	const struct ui_bulk_words *w = ui_bulk_words(u);
	size_t hidden = ui_state_count_hidden(u, w->mark);
	bool pin = bulk_kind(u->ws->bulk) == JOURNAL_KIND_PIN;

	snprintf(l[n++], sizeof l[0], "%s %zu token%s?", pin ? "Pin the scopes of" : "Revoke",
	    pending, pending == 1 ? "" : "s");
	if (hidden > 0)
		snprintf(l[n++], sizeof l[0], "%zu of them %s hidden by the current filter.", hidden,
		    hidden == 1 ? "is" : "are");
	if (recent > 0)
		snprintf(l[n++], sizeof l[0], "%zu %s used in the last 7 days (!): something may "
		    "still depend on %s.", recent, recent == 1 ? "was" : "were",
		    recent == 1 ? "it" : "them");
	if (bulk_self_index(u->ws->bulk) >= 0)
		snprintf(l[n++], sizeof l[0], "One is the token patrol uses (S): it asks again.");
	snprintf(l[n++], sizeof l[0], "%s", pin ? "Their scopes are set by hand: auto-scoping "
	    "stops for them." : "This cannot be undone.");
	for (i = 0; i < n; i++)
		lines[i] = l[i];
	snprintf(typed, sizeof typed, "%zu", pending);
	ui_bulk_view(u, true);
	u->ws->bphase = UI_BULK_CONFIRM;
	ui_dialog_open(u, dialog_confirm_new(title, lines, n,
	    pending > BULK_CONFIRM_TYPED_OVER ? typed : NULL, u->ascii), ui_bulk_revoke_done, NULL);
	return UI_R_ALL;
}

/* Plan the rows staged for pinning: inferred ∪ backfill scopes each. */
static void
ui_bulk_plan_pins(struct ui *u, int64_t now)
{
	static const struct bulk_pin how = { NULL, 0, NULL, 0, false };
	char id[TOKEN_ID_LEN + 1];
	size_t i;

	bulk_set_kind(u->ws->bulk, JOURNAL_KIND_PIN);
	for (i = 0; i < u->ws->tab.n; i++)
		if ((u->ws->marks[i] & UI_MARK_PIN) &&
		    bulk_add_pin(u->ws->bulk, token_id_hex(&u->ws->tab.rows[i], id),
		    &u->ws->tab.rows[i], u->ws->flags[i], u->ws->ctx.self_id, now, &how) < 0)
			ui_fatal("out of memory");
	bulk_guard_self(u->ws->bulk, false);
}

unsigned
ui_bulk_execute(struct ui *u)
{
	int64_t now = duration_now_ms();
	char id[TOKEN_ID_LEN + 1];
	size_t i, pins = ui_state_count(u, UI_MARK_PIN);
	size_t revokes = ui_state_count(u, UI_MARK_STAGED);

	if (ui_state_bulk_running(u))
		return ui_msg(u, true, "a session is running (q stops it)"), UI_R_STATUS;
	if (pins > 0 && revokes > 0)
		return ui_msg(u, true, "%zu staged for revocation and %zu for pinning: one at a "
		    "time (u unstages)", revokes, pins), UI_R_STATUS;
	ui_state_session_free(u);
	bulk_reset(u->ws->bulk, UI_MGMT(u));
	if (pins > 0)
		ui_bulk_plan_pins(u, now);
	for (i = 0; pins == 0 && i < u->ws->tab.n; i++)
		if ((u->ws->marks[i] & UI_MARK_STAGED) &&
		    bulk_add(u->ws->bulk, token_id_hex(&u->ws->tab.rows[i], id), &u->ws->tab.rows[i],
		    u->ws->flags[i],
		    u->ws->ctx.self_id, now) < 0)
			ui_fatal("out of memory");
	if (bulk_count(u->ws->bulk) == 0)
		return ui_msg(u, false, "nothing staged (d stages a token, p stages it for "
		    "pinning, T tags all shown)"), UI_R_STATUS;
	if (bulk_pending(u->ws->bulk) == 0) {     /* every pin skipped: say why */
		u->ws->bphase = UI_BULK_DONE;
		ui_bulk_view(u, false);
		ui_msg(u, true, "nothing to pin: %s", bulk_item(u->ws->bulk, 0)->err.message);
		return UI_R_ALL;
	}
	u->ws->bulk_fresh = false;
	return ui_bulk_confirm(u, ui_bulk_words(u)->title);
}

/* ---- re-plan and start ----------------------------------------------------- */

static unsigned
ui_bulk_replan(struct ui *u)
{
	struct call *c = UI_MGMT(u) ? api_tm_list(NULL, NULL) : api_token_list();

	u->ws->bphase = UI_BULK_REPLAN;
	ui_state_submit(u, c, UI_JOB_REPLAN, 0);
	ui_msg(u, false, "checking the plan against a fresh list…");
	return UI_R_ALL;
}

/* Back from the plan (the RESULTS view) to the rows. */
static void
ui_bulk_leave_plan(struct ui *u)
{
	if (u->mode == UI_MODE_RESULTS) {
		ui_view_free(u);
		u->mode = UI_MODE_TABLE;
	}
}

static void
ui_bulk_cancel(struct ui *u, const char *why)
{
	const char *done = ui_bulk_words(u)->done;

	bulk_reset(u->ws->bulk, false);
	u->ws->bphase = UI_BULK_IDLE;
	ui_bulk_leave_plan(u);
	ui_msg(u, why != NULL, "%s%s", why != NULL ? why : "cancelled: nothing ",
	    why != NULL ? "" : done);
}

/* The progress line without its bar ("[] " when drawn 0 wide). */
static const char *
ui_bulk_no_bar(const char *line)
{
	const char *end = line[0] == '[' ? strstr(line, "] ") : NULL;

	return end != NULL ? end + 2 : line;
}

/* The progress line, made to fit: beside the status counts with a shorter
 * bar, then no bar; then on the whole line (the counts give way); then
 * without "(q stops)"; only then is it cut. */
static void
ui_bulk_progress_msg(struct ui *u)
{
	static const size_t bars[] = { UI_BULK_BAR, 8, 0, 0 };
	char line[256], msg[300];
	const char *hint = bulk_stopping(u->ws->bulk) ? "" : " (q stops)";
	size_t i, room;

	for (i = 0; i < sizeof bars / sizeof bars[0]; i++) {
		room = ui_draw_status_room(u, i + 1 < sizeof bars / sizeof bars[0]);
		bulk_progress_line(u->ws->bulk, u->ws->w, bars[i], line, sizeof line);
		snprintf(msg, sizeof msg, "%s %s%s", ui_bulk_words(u)->ing,
		    bars[i] > 0 ? line : ui_bulk_no_bar(line), hint);
		if (strlen(msg) <= room)
			break;
	}
	if (strlen(msg) > room)
		snprintf(msg, sizeof msg, "%s %s", ui_bulk_words(u)->ing, ui_bulk_no_bar(line));
	ui_msg(u, bulk_results(u->ws->bulk, JOURNAL_FAILED) + bulk_results(u->ws->bulk, JOURNAL_UNKNOWN) > 0, "%s", msg);
}

static unsigned
ui_bulk_start(struct ui *u)
{
	struct patrol_err err;
	char *dir = NULL;
	size_t i;

	status_clear(&err);
	if (bulk_journal(u->ws->bulk) == NULL &&
	    (journal_dir(true, &dir, &err) != PATROL_OK ||
	     bulk_journal_start(u->ws->bulk, dir, u->ws->cfg->host,
	     u->ws->me != NULL ? u->ws->me->user_name : NULL, u->ws->profile[0] ? u->ws->profile : NULL,
	     &err) != PATROL_OK)) {
		free(dir);
		ui_bulk_cancel(u, NULL);
		ui_msg(u, true, "cannot record the session, so nothing was revoked: %s", err.message);
		return UI_R_ALL;
	}
	free(dir);
	ui_bulk_leave_plan(u);
	bulk_submit(u->ws->bulk, u->ws->w);
	for (i = 0; i < bulk_count(u->ws->bulk); i++)
		ui_bulk_mark(u, bulk_item(u->ws->bulk, i), true);
	u->ws->bphase = UI_BULK_RUNNING;
	ui_bulk_progress_msg(u);
	return UI_R_ALL;
}

unsigned
ui_bulk_on_replan(struct ui *u, struct call *c)
{
	struct token_table *fresh;
	struct bulk_replan d;
	char l[3][160], typed[32], why[sizeof c->err.message + 80];
	const char *lines[3] = { l[0], l[1], l[2] };
	size_t pending, i;
	unsigned r;

	if (u->ws->bphase != UI_BULK_REPLAN)
		return UI_R_NONE;
	if (c->err.status != PATROL_OK) {     /* the plan view goes too */
		snprintf(why, sizeof why, "the fresh list could not be fetched, so nothing was "
		    "revoked: %s", c->err.message[0] ? c->err.message : status_message(c->err.status));
		ui_bulk_cancel(u, why);
		return UI_R_ALL;
	}
	fresh = call_take_result(c);
	u->ws->ctx.now_ms = duration_now_ms();
	if (fresh != NULL)
		bulk_replan(u->ws->bulk, fresh, &u->ws->ctx, NULL, &d);
	else
		memset(&d, 0, sizeof d);
	api_table_free(fresh);
	pending = bulk_pending(u->ws->bulk);
	if (pending == 0) {     /* all gone (or kept): their rows go, as after revokes */
		for (i = 0; i < bulk_count(u->ws->bulk); i++)
			ui_bulk_mark(u, bulk_item(u->ws->bulk, i), true);
		r = ui_state_compact(u);
		u->ws->bphase = UI_BULK_DONE;
		bulk_end(u->ws->bulk);
		ui_bulk_leave_plan(u);
		ui_msg(u, false, "nothing left to %s: %zu no longer exist%s", ui_bulk_words(u)->verb,
		    d.vanished, d.vanished == 1 ? "s" : "");
		return r | UI_R_ALL;
	}
	if (d.vanished + d.used_since == 0)
		return ui_bulk_start(u);
	snprintf(l[0], sizeof l[0], "%zu no longer exist%s (not sent).", d.vanished,
	    d.vanished == 1 ? "s" : "");
	snprintf(l[1], sizeof l[1], "%zu %s used since the plan (!).", d.used_since,
	    d.used_since == 1 ? "was" : "were");
	snprintf(l[2], sizeof l[2], "%s the remaining %zu?", bulk_kind(u->ws->bulk) ==
	    JOURNAL_KIND_PIN ? "Pin" : "Revoke", pending);
	snprintf(typed, sizeof typed, "%zu", pending);
	ui_bulk_view(u, true);
	u->ws->bphase = UI_BULK_CONFIRM;
	u->ws->bulk_fresh = true;
	ui_dialog_open(u, dialog_confirm_new("The plan changed", lines, 3,
	    pending > BULK_CONFIRM_TYPED_OVER ? typed : NULL, u->ascii), ui_bulk_replan_done, NULL);
	return UI_R_ALL;
}

/* ---- answers ------------------------------------------------------------------ */

/* A pin session ended: say so, and fetch the list again (the scopes changed). */
static void
ui_bulk_finish_pin(struct ui *u)
{
	size_t pinned = bulk_results(u->ws->bulk, JOURNAL_REVOKED);
	size_t bad = bulk_results(u->ws->bulk, JOURNAL_FAILED) +
	    bulk_results(u->ws->bulk, JOURNAL_UNKNOWN) +
	    bulk_results(u->ws->bulk, JOURNAL_NOT_ATTEMPTED);

	if (bad > 0)
		ui_msg(u, true, "pinned %zu, %zu failed, unknown or not attempted: they stay "
		    "staged and tagged (R: results, x retries)", pinned, bad);
	else
		ui_msg(u, false, "pinned %zu token%s: auto-scoping stops for them (R: results)",
		    pinned, pinned == 1 ? "" : "s");
	if (u->mode == UI_MODE_RESULTS)
		ui_bulk_results(u);
	if ((u->ws->loading & (1u << UI_JOB_LIST)) == 0)
		ui_state_load(u);
}

static void
ui_bulk_finish(struct ui *u)
{
	struct bulk_progress p;
	size_t i, revoked = bulk_results(u->ws->bulk, JOURNAL_REVOKED);
	char gone[48] = "", why[128], c[3][40];

	bulk_mark_unsent(u->ws->bulk, NULL, NULL);
	for (i = 0; i < bulk_count(u->ws->bulk); i++)
		ui_bulk_mark(u, bulk_item(u->ws->bulk, i), true);
	bulk_end(u->ws->bulk);
	u->ws->bphase = UI_BULK_DONE;
	if (bulk_kind(u->ws->bulk) == JOURNAL_KIND_PIN) {
		ui_bulk_finish_pin(u);
		return;
	}
	bulk_progress(u->ws->bulk, duration_mono_ms(), &p);
	/* done counts the ids that were gone before their revoke (re-plan,
	 * resume, 404) too: patrol did not revoke those, so say them apart */
	if (bulk_results(u->ws->bulk, JOURNAL_GONE) > 0)
		snprintf(gone, sizeof gone, ", %zu already gone", bulk_results(u->ws->bulk, JOURNAL_GONE));
	/* in the results' own words: what was not sent did not fail */
	snprintf(why, sizeof why, "%s%s%s", ui_bulk_count(p.failed, "failed", c[0], sizeof c[0]),
	    ui_bulk_count(p.unknown, "unknown", c[1], sizeof c[1]),
	    ui_bulk_count(p.not_attempted, "not attempted", c[2], sizeof c[2]));
	if (why[0] != '\0')
		why[strlen(why) - 2] = '\0';     /* the last ", " */
	if (bulk_stopped_auth(u->ws->bulk))
		ui_msg(u, true, "stopped: the workspace refused patrol's credentials (401/403); "
		    "%zu revoked%s, %zu not done stay staged (R: results)", revoked, gone,
		    p.failed + p.unknown + p.not_attempted);
	else if (p.failed + p.unknown + p.not_attempted > 0)
		ui_msg(u, true, "revoked %zu%s, %s: they stay staged and tagged (R: results, "
		    "x retries)", revoked, gone, why);
	else
		ui_msg(u, false, "revoked %zu token%s%s (R: results)", revoked, revoked == 1 ? "" : "s",
		    gone);
	if (u->mode == UI_MODE_RESULTS)
		ui_bulk_results(u);
}

static unsigned
ui_bulk_go(struct ui *u)
{
	return u->ws->bulk_fresh ? ui_bulk_start(u) : ui_bulk_replan(u);
}

/* Stop the running session, or let it run. */
static unsigned
ui_bulk_stop_done(struct ui *u, struct dialog *d, enum dialog_result res)
{
	if (res == DIALOG_OK && u->ws->bphase == UI_BULK_RUNNING) {
		bulk_stop(u->ws->bulk, u->ws->w);
		ui_bulk_progress_msg(u);
	}
	return UI_R_ALL;
}

/* Go on with the unfinished session now, or later. */
static unsigned
ui_bulk_resume_done(struct ui *u, struct dialog *d, enum dialog_result res)
{
	if (res != DIALOG_OK) {
		free(u->ws->resume_path);
		u->ws->resume_path = NULL;
		ui_msg(u, false, "later: :resume or patrol revoke --resume goes on with it");
		return UI_R_ALL;
	}
	return ui_bulk_loaded(u);
}

/* q while a session runs: stop after the calls in flight? The whole batch
 * is handed to the worker at once, so the session's "in flight" are mostly
 * queued: only up to --jobs of them are sent and finish, the rest end not
 * attempted. A stopped session is ended, not offered by :resume: x retries
 * the rows, which stay staged and tagged. */
unsigned
ui_bulk_stop_ask(struct ui *u)
{
	struct bulk_progress p;
	struct worker_stats ws;
	char l[3][160];
	const char *lines[3] = { l[0], l[1], l[2] };
	size_t sent;

	bulk_progress(u->ws->bulk, duration_mono_ms(), &p);
	worker_stats(u->ws->w, &ws);
	sent = ws.max > 0 && (size_t)ws.max < p.inflight ? (size_t)ws.max : p.inflight;
	snprintf(l[0], sizeof l[0], "The revokes already sent (at most %zu) finish;", sent);
	snprintf(l[1], sizeof l[1], "at least %zu not sent yet stay staged and tagged.",
	    p.remaining - sent);
	snprintf(l[2], sizeof l[2], "x retries them; the journal keeps the session.");
	ui_dialog_open(u, dialog_confirm_new("Stop the revocation?", lines, 3, NULL, u->ascii),
	    ui_bulk_stop_done, NULL);
	return UI_R_ALL;
}

/* ---- answers from the worker ---------------------------------------------------- */

unsigned
ui_bulk_on_call(struct ui *u, struct call *c)
{
	long i = bulk_finish(u->ws->bulk, c);

	if (i < 0) {
		call_free(c);
		return UI_R_NONE;
	}
	ui_bulk_mark(u, bulk_item(u->ws->bulk, i), false);
	if (bulk_running(u->ws->bulk))
		ui_bulk_progress_msg(u);
	else if (bulk_submit(u->ws->bulk, u->ws->w) == 0)
		ui_bulk_finish(u);
	else {                  /* the token patrol uses, alone and last */
		size_t k;
		for (k = 0; k < bulk_count(u->ws->bulk); k++)
			if (bulk_item(u->ws->bulk, k)->inflight)
				ui_bulk_mark(u, bulk_item(u->ws->bulk, k), false);
		ui_bulk_progress_msg(u);
	}
	if (u->mode == UI_MODE_RESULTS && u->ws->bphase == UI_BULK_RUNNING)
		ui_bulk_results(u);
	return UI_R_ALL;
}

/* The timer while a session runs: rate and ETA move without answers. */
unsigned
ui_bulk_tick(struct ui *u)
{
	if (u->ws->bphase != UI_BULK_RUNNING)
		return UI_R_NONE;
	ui_bulk_progress_msg(u);
	return UI_R_STATUS;
}

/* ---- resume ---------------------------------------------------------------------------- */

/* No unfinished session to offer: say so, or, when another patrol runs
 * one for this workspace, which and since when (as revoke --resume does). */
static unsigned
ui_bulk_none_to_resume(struct ui *u, const char *dir)
{
	struct journal_session s;
	struct patrol_err err;
	char *path = NULL;

	status_clear(&err);
	memset(&s, 0, sizeof s);
	if (dir != NULL && journal_find_running(dir, u->ws->cfg->host, &path, &err) == PATROL_OK &&
	    path != NULL && journal_load(path, &s, &err) == PATROL_OK &&
	    bulk_check_free(&s, &err) != PATROL_OK) {
		ui_msg(u, true, "%s", err.message);
		journal_session_free(&s);
		free(path);
		return UI_R_STATUS;
	}
	journal_session_free(&s);
	free(path);
	ui_msg(u, false, "no unfinished revocation session for this workspace");
	return UI_R_STATUS;
}

/* Offer the newest unfinished session for this workspace (at start, :resume). */
unsigned
ui_bulk_offer_resume(struct ui *u, bool quiet)
{
	struct journal_session s;
	struct patrol_err err;
	char *dir = NULL, *path = NULL, when[32], l[3][200];
	const char *lines[3] = { l[0], l[1], l[2] };

	if (ui_state_bulk_running(u) || u->dlg != NULL)
		return quiet ? UI_R_NONE : (ui_msg(u, true, "finish what is open first"), UI_R_STATUS);
	status_clear(&err);
	if (journal_dir(false, &dir, &err) != PATROL_OK ||
	    journal_find_unfinished(dir, u->ws->cfg->host, &path, &err) != PATROL_OK || path == NULL) {
		unsigned r = quiet ? UI_R_NONE : ui_bulk_none_to_resume(u, dir);

		free(dir);
		return r;
	}
	free(dir);
	memset(&s, 0, sizeof s);
	if (journal_load(path, &s, &err) != PATROL_OK) {
		free(path);
		ui_msg(u, true, "%s", err.message);
		return UI_R_STATUS;
	}
	duration_absolute(s.started_ms, false, when, sizeof when);
	snprintf(l[0], sizeof l[0], "Session %s, started %s%s.", s.session, when,
	    s.admin ? " in admin mode" : "");
	snprintf(l[1], sizeof l[1], "%zu of %zu tokens left; %zu were sent but never answered: "
	    "a fresh list decides those.", s.pending, s.n, s.open_intents);
	snprintf(l[2], sizeof l[2], "Go on with it now? (Cancel: later, with :resume)");
	free(u->ws->resume_path);
	u->ws->resume_path = path;
	u->ws->resume_admin = s.admin;
	journal_session_free(&s);
	ui_dialog_open(u, dialog_confirm_new("Unfinished revocation session", lines, 3, NULL,
	    u->ascii), ui_bulk_resume_done, NULL);
	return UI_R_ALL;
}

/* The list is loaded: go on with an accepted resume (after switching to
 * admin mode when the session was made there). */
unsigned
ui_bulk_loaded(struct ui *u)
{
	struct journal_session info;
	struct patrol_err err;
	enum patrol_status st;
	size_t i;

	if (u->ws->resume_path == NULL || u->dlg != NULL || ui_state_bulk_running(u))
		return UI_R_NONE;
	if (u->ws->resume_admin && !UI_MGMT(u)) {
		if (u->ws->admin == UI_ADMIN_WAIT)
			return UI_R_NONE;     /* Me decides, then the list comes in */
		if (u->ws->me == NULL) {
			u->ws->admin = UI_ADMIN_WAIT;
			ui_state_ask_me(u);
			return UI_R_ALL;
		}
		if (!u->ws->me->is_admin) {
			free(u->ws->resume_path);
			u->ws->resume_path = NULL;
			ui_msg(u, true, "that session was made in admin mode: it needs admin rights");
			return UI_R_STATUS;
		}
		ui_state_source(u, UI_ADMIN_ON);
		return UI_R_ALL;     /* again once the token-management list is in */
	}
	if (!u->ws->loaded)
		return UI_R_NONE;
	bulk_reset(u->ws->bulk, UI_MGMT(u));
	status_clear(&err);
	if ((st = journal_load(u->ws->resume_path, &info, &err)) == PATROL_OK)
		st = bulk_resume(u->ws->bulk, &info, &u->ws->tab, false, &err);
	journal_session_free(&info);
	free(u->ws->resume_path);
	u->ws->resume_path = NULL;
	if (st != PATROL_OK) {
		bulk_reset(u->ws->bulk, false);
		ui_msg(u, true, "cannot resume: %s", err.message);
		return UI_R_STATUS;
	}
	if (bulk_pending(u->ws->bulk) == 0) {
		bulk_end(u->ws->bulk);
		u->ws->bphase = UI_BULK_DONE;
		ui_msg(u, false, "that session had nothing left: it is closed now");
		return UI_R_ALL;
	}
	for (i = 0; i < bulk_count(u->ws->bulk); i++) {
		long row = ui_state_row_of(u, bulk_item(u->ws->bulk, i)->t.id, true);
		if (row >= 0 && bulk_item(u->ws->bulk, i)->result == JOURNAL_PENDING)
			u->ws->marks[row] |= UI_MARK_STAGED;
	}
	u->ws->bulk_fresh = true;       /* the list was just fetched */
	return ui_bulk_confirm(u, "Resume the revocation");
}
