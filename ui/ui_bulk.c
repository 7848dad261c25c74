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
 * offered for resume; with several on show, each one's, in one dialog.
 *
 * The same session pins scopes (kind pin, bulk_add_pin): p stages rows
 * (UI_MARK_PIN), x plans them; a pin that would add authentication asks on
 * its own; pinned rows stay (their scopes change: the list is fetched
 * again). Revocations and pins are never mixed in one session.
 *
 * With several workspaces on show (ui_estate.c) a session has a part per
 * workspace: x plans each staged row of the merged table into the bulk
 * session of the member its workspace field names, and shows one plan
 * grouped by workspace under one confirm. Then each part re-plans against
 * its own fresh list, journals and sends through its member's own worker
 * (credentials, pace); the answers come back through ui_bulk_on_part. A
 * 401/403 halts only that member's batch; the session ends when every part
 * has. With one workspace the one part is u->ws itself. A resume of
 * several rebuilds each part from its own workspace's journal session and
 * fresh list (ui_bulk_loaded_many), then goes on as a confirmed plan.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bulk.h"
#include "duration.h"
#include "estate.h"
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

/* ---- the parts ------------------------------------------------------------- */

/* A session has a part per workspace on show (ui_state_parts): one, or
 * with several a part per member, each its own bulk session, journal and
 * worker. u->ws->bphase is the whole session's phase; each part's own
 * (ui_state_part(u, p)->bphase) says where that part is. With one
 * workspace the one part is u->ws itself. */
static struct bulk *
ui_bulk_of(const struct ui *u, size_t p)
{
	return ui_state_part(u, p)->bulk;
}

/* count summed over the parts (bulk_pending, bulk_count_recent, bulk_count). */
static size_t
ui_bulk_sum(const struct ui *u, size_t (*count)(const struct bulk *))
{
	size_t p, n = 0;

	for (p = 0; p < ui_state_parts(u); p++)
		n += count(ui_bulk_of(u, p));
	return n;
}

static size_t
ui_bulk_sum_results(const struct ui *u, enum journal_result r)
{
	size_t p, n = 0;

	for (p = 0; p < ui_state_parts(u); p++)
		n += bulk_results(ui_bulk_of(u, p), r);
	return n;
}

/* A resumed session's items that its earlier run decided (revoked, gone
 * or skipped then): how many, and of them revoked and gone. */
static size_t
ui_bulk_sum_earlier(const struct ui *u, size_t *revoked, size_t *gone)
{
	const struct bulk_item *it;
	size_t p, i, n = 0;

	*revoked = *gone = 0;
	for (p = 0; p < ui_state_parts(u); p++)
		for (i = 0; i < bulk_count(ui_bulk_of(u, p)); i++) {
			if (!(it = bulk_item(ui_bulk_of(u, p), i))->earlier)
				continue;
			n++;
			*revoked += it->result == JOURNAL_REVOKED;
			*gone += it->result == JOURNAL_GONE;
		}
	return n;
}

/* Whether a part is in phase ph. */
static bool
ui_bulk_any_phase(const struct ui *u, enum ui_bulk_phase ph)
{
	size_t p;

	for (p = 0; p < ui_state_parts(u); p++)
		if (ui_state_part(u, p)->bphase == ph)
			return true;
	return false;
}

/* The parts that plan the token patrol uses there: how many, and (with
 * several workspaces) their profiles, "a", "a and c", "a, b and c", into
 * out (with one workspace, out is ""). */
static size_t
ui_bulk_selves(const struct ui *u, char *out, size_t n)
{
	size_t p, i, k = 0, len = 0, parts = 0, total = 0;
	const struct bulk *b;

	for (p = 0; p < ui_state_parts(u); p++) {
		b = ui_bulk_of(u, p);
		parts += bulk_self_index(b) >= 0;
		for (i = 0; i < bulk_count(b); i++)     /* a twin's too: one part, two tokens */
			total += bulk_item(b, i)->self && bulk_item(b, i)->result == JOURNAL_PENDING;
	}
	out[0] = '\0';
	for (p = 0; UI_ESTATE(u) && p < ui_state_parts(u) && len < n; p++) {
		if (bulk_self_index(ui_bulk_of(u, p)) < 0)
			continue;
		k++;
		len += (size_t)snprintf(out + len, n - len, "%s%s", k == 1 ? "" : k == parts ?
		    " and " : ", ", ui_state_part(u, p)->profile);
	}
	return total;
}

/* The profiles of the parts whose workspace refused patrol's credentials
 * (401/403), "a, b", into out; how many. */
static size_t
ui_bulk_refused(const struct ui *u, char *out, size_t n)
{
	size_t p, k = 0, len = 0;

	out[0] = '\0';
	for (p = 0; p < ui_state_parts(u); p++) {
		if (!bulk_stopped_auth(ui_bulk_of(u, p)))
			continue;
		if (len < n)
			len += (size_t)snprintf(out + len, n - len, "%s%s", k > 0 ? ", " : "",
			    ui_state_part(u, p)->profile);
		k++;
	}
	return k;
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

/* A row of several workspaces' table that goes: its member's row goes too
 * (ui_estate_results compacts both), and so does its twin in a member that
 * names the same workspace (estate_same_workspace), so a merge never
 * brings it back. */
static void
ui_bulk_mark_member_gone(struct ui *u, size_t p, const char *id)
{
	struct ui_ws *view = u->ws;
	const char *host = ui_state_part(u, p)->cfg->host;
	size_t k;
	long row;

	for (k = 0; k < ui_state_parts(u); k++) {
		if (k != p && !estate_same_workspace(ui_state_part(u, k)->cfg->host, host))
			continue;
		u->ws = ui_state_part(u, k);
		if ((row = ui_state_row_of(u, id, true)) >= 0)
			u->ws->marks[row] = UI_MARK_GONE;
		u->ws = view;
	}
}

static void
ui_bulk_mark(struct ui *u, size_t p, const struct bulk_item *it, bool many)
{
	long row = ui_state_part_row(u, p, it->t.id, many);
	unsigned char *m;

	if (row < 0)
		return;
	m = &u->ws->marks[row];
	if (bulk_kind(ui_bulk_of(u, p)) == JOURNAL_KIND_PIN) {
		ui_bulk_mark_pin(m, it);
		if (UI_ESTATE(u) && it->result == JOURNAL_GONE)
			ui_bulk_mark_member_gone(u, p, it->t.id);
		return;
	}
	switch (it->result) {
	case JOURNAL_PENDING:
		*m = (unsigned char)((*m & ~UI_MARK_STAGED) | (it->inflight ? UI_MARK_BUSY : 0));
		break;
	case JOURNAL_REVOKED:
	case JOURNAL_GONE:
		*m = UI_MARK_GONE;
		if (UI_ESTATE(u))
			ui_bulk_mark_member_gone(u, p, it->t.id);
		break;
	case JOURNAL_SKIPPED:
		*m = (unsigned char)((*m & ~UI_MARK_BUSY) | UI_MARK_STAGED);
		break;
	default:              /* failed, unknown, not attempted: ready for a retry */
		*m = (unsigned char)((*m & ~UI_MARK_BUSY) | UI_MARK_STAGED | UI_MARK_TAGGED);
		break;
	}
}

/* Every item of part p onto its row. */
static void
ui_bulk_mark_part(struct ui *u, size_t p)
{
	size_t i;

	for (i = 0; i < bulk_count(ui_bulk_of(u, p)); i++)
		ui_bulk_mark(u, p, bulk_item(ui_bulk_of(u, p), i), true);
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
	size_t p;

	if (res == DIALOG_CANCEL) {
		ui_bulk_cancel(u, NULL);
		return UI_R_ALL;
	}
	for (p = 0; res == DIALOG_ALT && p < ui_state_parts(u); p++)
		while (bulk_self_index(ui_bulk_of(u, p)) >= 0)   /* a twin's too */
			bulk_keep_self(ui_bulk_of(u, p));
	if (ui_bulk_sum(u, bulk_pending) == 0) {
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
	size_t i, p, n = 0;
	struct bulk *b;

	for (p = 0; p < ui_state_parts(u); p++) {
		b = ui_bulk_of(u, p);
		for (i = 0; i < bulk_count(b); i++) {
			const struct bulk_item *it = bulk_item(b, i);
			long row = ui_state_part_row(u, p, it->t.id, true);
			if (it->result != JOURNAL_PENDING || row < 0 ||
			    !bulk_pin_adds_auth(&u->ws->tab.rows[row], it))
				continue;
			n++;
			if (keep)
				bulk_decide(b, i, JOURNAL_SKIPPED, PATROL_OK, "kept: it would gain "
				    "authentication, which was not confirmed");
		}
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
	if (ui_bulk_sum(u, bulk_pending) == 0) {
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

/* The tokens patrol uses ask on their own, each workspace named (with
 * one workspace: "this workspace"): Revoke all, Keep it/them, Cancel. */
static unsigned
ui_bulk_ask_self(struct ui *u, size_t selves, const char *where)
{
	char l[4][200];
	const char *lines[4] = { l[0], l[1], l[2], l[3] };
	bool one = selves == 1;

	if (one)
		snprintf(l[0], sizeof l[0], "The plan holds the token patrol itself uses%s%s.",
		    where[0] ? " in " : "", where);
	else
		snprintf(l[0], sizeof l[0], "The plan holds the %zu tokens patrol itself uses, in %s.",
		    selves, where);
	snprintf(l[1], sizeof l[1], "Once %s revoked, patrol can no longer reach %s.",
	    one ? "it is" : "they are", where[0] ? where : "this workspace");
	snprintf(l[2], sizeof l[2], "Revoke all: %s last. Keep %s: only the others are revoked.",
	    one ? "it goes" : "they go", one ? "it" : "them");
	snprintf(l[3], sizeof l[3], "Cancel (Esc): nothing is revoked.");
	ui_dialog_open(u, dialog_choice_new(one ? "Revoke the token in use?" :
	    "Revoke the tokens in use?", lines, 4, "Revoke all", one ? "Keep it" : "Keep them",
	    u->ascii), ui_bulk_self_done, NULL);
	return UI_R_ALL;
}

/* The plan was confirmed, or not (Cancel or Esc never revokes). */
static unsigned
ui_bulk_revoke_done(struct ui *u, struct dialog *d, enum dialog_result res)
{
	char where[120];
	size_t selves;

	if (res != DIALOG_OK) {
		ui_bulk_cancel(u, NULL);
		return UI_R_ALL;
	}
	if (bulk_kind(u->ws->bulk) == JOURNAL_KIND_PIN)
		return ui_bulk_pin_auth(u);
	if ((selves = ui_bulk_selves(u, where, sizeof where)) > 0)
		return ui_bulk_ask_self(u, selves, where);
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

/* With several workspaces, where the plan's tokens are: "In 2 workspaces:
 * prod 3, staging 12." into out. */
static void
ui_bulk_where(const struct ui *u, char *out, size_t n)
{
	size_t p, k = 0, len;
	const struct ui_ws *m;

	for (p = 0; p < ui_state_parts(u); p++)
		k += bulk_pending(ui_bulk_of(u, p)) > 0;
	len = (size_t)snprintf(out, n, "In %zu workspace%s:", k, k == 1 ? "" : "s");
	for (p = 0, k = 0; p < ui_state_parts(u) && len < n; p++) {
		m = ui_state_part(u, p);
		if (bulk_pending(m->bulk) > 0)
			len += (size_t)snprintf(out + len, n - len, "%s %s %zu", k++ > 0 ? "," : "",
			    m->profile, bulk_pending(m->bulk));
	}
	if (len + 1 < n)
		strcat(out, ".");
}

/* The confirm dialog over the plan view. */
static unsigned
ui_bulk_confirm(struct ui *u, const char *title)
{
	char l[6][200], typed[32], where[120];
	const char *lines[6];
	size_t n = 0, i, p, selves, pending = ui_bulk_sum(u, bulk_pending);
	size_t recent = ui_bulk_sum(u, bulk_count_recent);
	const struct ui_bulk_words *w = ui_bulk_words(u);
	size_t hidden = ui_state_count_hidden(u, w->mark);
	bool pin = bulk_kind(u->ws->bulk) == JOURNAL_KIND_PIN;

	snprintf(l[n++], sizeof l[0], "%s %zu token%s?", pin ? "Pin the scopes of" : "Revoke",
	    pending, pending == 1 ? "" : "s");
	if (UI_ESTATE(u))
		ui_bulk_where(u, l[n++], sizeof l[0]);
	if (hidden > 0)
		snprintf(l[n++], sizeof l[0], "%zu of them %s hidden by the current filter.", hidden,
		    hidden == 1 ? "is" : "are");
	if (recent > 0)
		snprintf(l[n++], sizeof l[0], "%zu %s used in the last 7 days (!): something may "
		    "still depend on %s.", recent, recent == 1 ? "was" : "were",
		    recent == 1 ? "it" : "them");
	if ((selves = ui_bulk_selves(u, where, sizeof where)) == 1)
		snprintf(l[n++], sizeof l[0], "One is the token patrol uses%s%s (S): it asks again.",
		    where[0] ? " in " : "", where);
	else if (selves > 1)
		snprintf(l[n++], sizeof l[0], "%zu are the tokens patrol uses, in %s (S): they ask "
		    "again.", selves, where);
	snprintf(l[n++], sizeof l[0], "%s", pin ? "Their scopes are set by hand: auto-scoping "
	    "stops for them." : "This cannot be undone.");
	for (i = 0; i < n; i++)
		lines[i] = l[i];
	snprintf(typed, sizeof typed, "%zu", pending);
	ui_bulk_view(u, true);
	for (p = 0; p < ui_state_parts(u); p++)
		if (bulk_count(ui_bulk_of(u, p)) > 0)
			ui_state_part(u, p)->bphase = UI_BULK_CONFIRM;
	u->ws->bphase = UI_BULK_CONFIRM;
	ui_dialog_open(u, dialog_confirm_new(title, lines, n,
	    pending > BULK_CONFIRM_TYPED_OVER ? typed : NULL, u->ascii), ui_bulk_revoke_done, NULL);
	return UI_R_ALL;
}

/* ui_internal.h */
const char *
ui_bulk_self(const struct ui *u, const struct ui_ws *m, const char *id)
{
	const struct ui_ws *o;
	size_t p;

	if (m->self_id[0] != '\0' && strcasecmp(m->self_id, id) == 0)
		return m->self_id;
	for (p = 0; UI_ESTATE(u) && p < ui_state_parts(u); p++) {
		o = ui_state_part(u, p);
		if (o != m && o->self_id[0] != '\0' && strcasecmp(o->self_id, id) == 0 &&
		    estate_same_workspace(o->cfg->host, m->cfg->host))
			return o->self_id;
	}
	return NULL;
}

/* For bulk_mark_self: a resumed part's credentials. */
struct ui_bulk_selfctx {
	const struct ui *u;
	const struct ui_ws *m;
};

static const char *
ui_bulk_self_of(const void *ctx, const char *id)
{
	const struct ui_bulk_selfctx *c = ctx;

	return ui_bulk_self(c->u, c->m, id);
}

/* Plan the rows staged for revoking (or pins: inferred ∪ backfill scopes
 * each), each into its workspace's part. */
static void
ui_bulk_plan(struct ui *u, bool pins, int64_t now)
{
	static const struct bulk_pin how = { NULL, 0, NULL, 0, false };
	enum journal_kind kind = pins ? JOURNAL_KIND_PIN : JOURNAL_KIND_REVOKE;
	unsigned mark = pins ? UI_MARK_PIN : UI_MARK_STAGED;
	char id[TOKEN_ID_LEN + 1];
	const struct token_info *t;
	struct ui_ws *m;
	size_t i, p;
	int rc;

	bulk_reset(u->ws->bulk, UI_MGMT(u));       /* with several: the kind, no items */
	bulk_set_kind(u->ws->bulk, kind);
	for (p = 0; UI_ESTATE(u) && p < ui_state_parts(u); p++) {
		m = ui_state_part(u, p);
		bulk_reset(m->bulk, m->admin == UI_ADMIN_ON);
		bulk_set_kind(m->bulk, kind);
	}
	for (i = 0; i < u->ws->tab.n; i++) {
		if ((u->ws->marks[i] & mark) == 0)
			continue;
		t = &u->ws->tab.rows[i];
		m = ui_state_part(u, UI_ESTATE(u) ? t->workspace : 0);
		token_id_hex(t, id);
		rc = pins ? bulk_add_pin(m->bulk, id, t, u->ws->flags[i], ui_bulk_self(u, m, id), now,
					 &how) :
		    bulk_add(m->bulk, id, t, u->ws->flags[i], ui_bulk_self(u, m, id), now);
		if (rc < 0)
			ui_fatal("out of memory");
	}
	for (p = 0; pins && p < ui_state_parts(u); p++)
		bulk_guard_self(ui_bulk_of(u, p), false);
}

/* With several workspaces: a part whose profile patrol's config marks
 * read-only, or NULL. */
static const struct ui_ws *
ui_bulk_read_only(const struct ui *u)
{
	size_t p;

	for (p = 0; UI_ESTATE(u) && p < ui_state_parts(u); p++)
		if (bulk_count(ui_bulk_of(u, p)) > 0 && ui_state_part(u, p)->read_only)
			return ui_state_part(u, p);
	return NULL;
}

/* The first item of the plan (every one skipped: why). */
static const struct bulk_item *
ui_bulk_first(const struct ui *u)
{
	size_t p;

	for (p = 0; p < ui_state_parts(u); p++)
		if (bulk_count(ui_bulk_of(u, p)) > 0)
			return bulk_item(ui_bulk_of(u, p), 0);
	return NULL;
}

unsigned
ui_bulk_execute(struct ui *u)
{
	int64_t now = duration_now_ms();
	size_t pins = ui_state_count(u, UI_MARK_PIN);
	size_t revokes = ui_state_count(u, UI_MARK_STAGED);
	const struct ui_ws *ro;

	if (ui_state_bulk_running(u))
		return ui_msg(u, true, "a session is running (q stops it)"), UI_R_STATUS;
	if (pins > 0 && revokes > 0)
		return ui_msg(u, true, "%zu staged for revocation and %zu for pinning: one at a "
		    "time (u unstages)", revokes, pins), UI_R_STATUS;
	ui_state_session_free(u);
	ui_bulk_plan(u, pins > 0, now);
	if (ui_bulk_sum(u, bulk_count) == 0)
		return ui_msg(u, false, "nothing staged (d stages a token, p stages it for "
		    "pinning, T tags all shown)"), UI_R_STATUS;
	if ((ro = ui_bulk_read_only(u)) != NULL) {
		ui_msg(u, true, "read-only: profile %s is read-only in %s, so nothing was sent "
		    "(u unstages its rows: /workspace:%s)", ro->profile, ro->prefs.path != NULL ?
		    ro->prefs.path : "patrol's config", ro->profile);
		ui_state_session_free(u);
		return UI_R_STATUS;
	}
	if (ui_bulk_sum(u, bulk_pending) == 0) {     /* every pin skipped: say why */
		u->ws->bphase = UI_BULK_DONE;
		ui_bulk_view(u, false);
		ui_msg(u, true, "nothing to pin: %s", ui_bulk_first(u)->err.message);
		return UI_R_ALL;
	}
	u->ws->bulk_fresh = false;
	return ui_bulk_confirm(u, ui_bulk_words(u)->title);
}

/* ---- re-plan and start ----------------------------------------------------- */

/* A fresh list for each part with something pending, from its own worker. */
static unsigned
ui_bulk_replan(struct ui *u)
{
	struct ui_ws *view = u->ws, *m;
	size_t p;

	memset(&u->breplan, 0, sizeof u->breplan);
	view->bphase = UI_BULK_REPLAN;
	for (p = 0; p < ui_state_parts(u); p++) {
		m = ui_state_part(u, p);
		if (bulk_pending(m->bulk) == 0)
			continue;
		m->bphase = UI_BULK_REPLAN;
		u->ws = m;
		ui_state_submit(u, m->admin == UI_ADMIN_ON ? api_tm_list(NULL, NULL) :
		    api_token_list(), UI_JOB_REPLAN, 0);
		u->ws = view;
	}
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
	size_t p;

	for (p = 0; p < ui_state_parts(u); p++) {
		bulk_reset(ui_bulk_of(u, p), false);
		ui_state_part(u, p)->bphase = UI_BULK_IDLE;
	}
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

/* Each part's progress for the line of several: ": prod 12/30, staging
 * 30/30, refuser stopped (401/403)" into out (parts with nothing planned
 * are left out). */
static void
ui_bulk_parts_line(const struct ui *u, char *out, size_t n)
{
	struct bulk_progress q;
	const struct ui_ws *m;
	size_t p, k = 0, len = 0;

	out[0] = '\0';
	for (p = 0; p < ui_state_parts(u) && len < n; p++) {
		m = ui_state_part(u, p);
		if (bulk_count(m->bulk) == 0)
			continue;
		bulk_progress(m->bulk, duration_mono_ms(), &q);
		if (bulk_stopped_auth(m->bulk))
			len += (size_t)snprintf(out + len, n - len, "%s%s stopped (401/403)",
			    k++ > 0 ? ", " : ": ", m->profile);
		else
			len += (size_t)snprintf(out + len, n - len, "%s%s %zu/%zu", k++ > 0 ? ", " :
			    ": ", m->profile, q.total - q.remaining, q.total);
	}
}

/* The progress line of several workspaces' parts together: "[###...] 12
 * done 0 failed 8 left 20.0/s in 2 workspaces: prod 12/12, staging 0/8". */
static void
ui_bulk_estate_line(struct ui *u, size_t bar_width, char *out, size_t n)
{
	struct bulk_progress p;
	char bar[UI_BULK_BAR + 4], unknown[32] = "", unsent[40] = "", each[240];
	size_t i, parts = 0;

	ui_bulk_progress_all(u, &p);
	for (i = 0; i < ui_state_parts(u); i++)
		parts += bulk_count(ui_bulk_of(u, i)) > 0;
	bulk_progress_bar(&p, bar_width, bar);
	if (p.unknown > 0)
		snprintf(unknown, sizeof unknown, " %zu unknown", p.unknown);
	if (p.not_attempted > 0)
		snprintf(unsent, sizeof unsent, " %zu not attempted", p.not_attempted);
	ui_bulk_parts_line(u, each, sizeof each);
	snprintf(out, n, "%s%zu done %zu failed%s%s %zu left %.1f/s in %zu workspace%s%s", bar,
	    p.done, p.failed, unknown, unsent, p.remaining, p.rate, parts, parts == 1 ? "" : "s",
	    each);
}

/* The progress line: one workspace's from the core, several together. */
static void
ui_bulk_line_of(struct ui *u, size_t bar_width, char *out, size_t n)
{
	if (UI_ESTATE(u))
		ui_bulk_estate_line(u, bar_width, out, n);
	else
		bulk_progress_line(u->ws->bulk, u->ws->w, bar_width, out, n);
}

bool
ui_bulk_stopping(const struct ui *u)
{
	size_t p;

	for (p = 0; p < ui_state_parts(u); p++)
		if (bulk_stopping(ui_bulk_of(u, p)))
			return true;
	return false;
}

/* The progress line, made to fit: beside the status counts with a shorter
 * bar, then no bar; then on the whole line (the counts give way); then
 * without "(q stops)"; only then is it cut. */
static void
ui_bulk_progress_msg(struct ui *u)
{
	static const size_t bars[] = { UI_BULK_BAR, 8, 0, 0 };
	char line[320], msg[360];
	const char *hint = ui_bulk_stopping(u) ? "" : " (q stops)";
	size_t i, room;

	for (i = 0; i < sizeof bars / sizeof bars[0]; i++) {
		room = ui_draw_status_room(u, i + 1 < sizeof bars / sizeof bars[0]);
		ui_bulk_line_of(u, bars[i], line, sizeof line);
		snprintf(msg, sizeof msg, "%s %s%s", ui_bulk_words(u)->ing,
		    bars[i] > 0 ? line : ui_bulk_no_bar(line), hint);
		if (strlen(msg) <= room)
			break;
	}
	if (strlen(msg) > room)
		snprintf(msg, sizeof msg, "%s %s", ui_bulk_words(u)->ing, ui_bulk_no_bar(line));
	ui_msg(u, ui_bulk_sum_results(u, JOURNAL_FAILED) +
	    ui_bulk_sum_results(u, JOURNAL_UNKNOWN) > 0 ||
	    (UI_ESTATE(u) && ui_bulk_refused(u, line, sizeof line) > 0), "%s", msg);
}

/* Part p is over: what was never sent is not attempted, its rows show
 * the results, its journal gets its end record. */
static void
ui_bulk_part_end(struct ui *u, size_t p)
{
	struct bulk *b = ui_bulk_of(u, p);

	bulk_mark_unsent(b, NULL, NULL);
	ui_bulk_mark_part(u, p);
	bulk_end(b);
	ui_state_part(u, p)->bphase = UI_BULK_DONE;
}

/* Start each part's journal. 0, or -1 (said; the session cancelled:
 * nothing was sent anywhere). */
static int
ui_bulk_journals(struct ui *u)
{
	struct patrol_err err;
	char *dir = NULL, why[sizeof err.message + 160];
	struct ui_ws *m;
	size_t p;

	status_clear(&err);
	for (p = 0; p < ui_state_parts(u); p++) {
		m = ui_state_part(u, p);
		if (bulk_pending(m->bulk) == 0 || bulk_journal(m->bulk) != NULL)
			continue;
		if ((dir == NULL && journal_dir(true, &dir, &err) != PATROL_OK) ||
		    bulk_journal_start(m->bulk, dir, m->cfg->host,
		    m->me != NULL ? m->me->user_name : NULL, m->profile[0] ? m->profile : NULL,
		    &err) != PATROL_OK) {
			free(dir);
			snprintf(why, sizeof why, "cannot record the session%s%s, so nothing was "
			    "revoked: %s", UI_ESTATE(u) ? " of " : "", UI_ESTATE(u) ? m->profile : "",
			    err.message);
			ui_bulk_cancel(u, NULL);
			ui_msg(u, true, "%s", why);
			return -1;
		}
	}
	free(dir);
	return 0;
}

static unsigned
ui_bulk_start(struct ui *u)
{
	struct ui_ws *m;
	size_t p;

	if (ui_bulk_journals(u) != 0)
		return UI_R_ALL;
	ui_bulk_leave_plan(u);
	for (p = 0; p < ui_state_parts(u); p++) {
		m = ui_state_part(u, p);
		if (bulk_pending(m->bulk) == 0) {        /* nothing left here: over */
			if (bulk_count(m->bulk) > 0)
				ui_bulk_part_end(u, p);
			continue;
		}
		bulk_submit(m->bulk, m->w);
		ui_bulk_mark_part(u, p);
		m->bphase = UI_BULK_RUNNING;
	}
	u->ws->bphase = UI_BULK_RUNNING;
	ui_bulk_progress_msg(u);
	return UI_R_ALL;
}

/* Every part has its fresh list: go on, or ask again when the plan changed. */
static unsigned
ui_bulk_replan_decide(struct ui *u)
{
	const struct bulk_replan *d = &u->breplan;
	char l[3][160], typed[32];
	const char *lines[3] = { l[0], l[1], l[2] };
	size_t pending = ui_bulk_sum(u, bulk_pending), p;
	unsigned r;

	if (pending == 0) {     /* all gone (or kept): their rows go, as after revokes */
		for (p = 0; p < ui_state_parts(u); p++) {
			ui_bulk_mark_part(u, p);
			bulk_end(ui_bulk_of(u, p));
			ui_state_part(u, p)->bphase = UI_BULK_DONE;
		}
		r = ui_state_compact(u);
		u->ws->bphase = UI_BULK_DONE;
		ui_bulk_leave_plan(u);
		ui_msg(u, false, "nothing left to %s: %zu no longer exist%s", ui_bulk_words(u)->verb,
		    d->vanished, d->vanished == 1 ? "s" : "");
		return r | UI_R_ALL;
	}
	if (d->vanished + d->used_since == 0)
		return ui_bulk_start(u);
	snprintf(l[0], sizeof l[0], "%zu no longer exist%s (not sent).", d->vanished,
	    d->vanished == 1 ? "s" : "");
	snprintf(l[1], sizeof l[1], "%zu %s used since the plan (!).", d->used_since,
	    d->used_since == 1 ? "was" : "were");
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

/* Part p's fresh list came (c, freed by the caller). */
static unsigned
ui_bulk_replanned(struct ui *u, size_t p, struct call *c)
{
	struct ui_ws *m = ui_state_part(u, p);
	struct token_table *fresh;
	struct bulk_replan d;
	char why[sizeof c->err.message + 160];

	if (u->ws->bphase != UI_BULK_REPLAN || m->bphase != UI_BULK_REPLAN)
		return UI_R_NONE;
	if (c->err.status != PATROL_OK) {     /* the plan view goes too */
		snprintf(why, sizeof why, "%s%sthe fresh list could not be fetched, so nothing was "
		    "revoked: %s", UI_ESTATE(u) ? m->profile : "", UI_ESTATE(u) ? ": " : "",
		    c->err.message[0] ? c->err.message : status_message(c->err.status));
		ui_bulk_cancel(u, why);
		return UI_R_ALL;
	}
	fresh = call_take_result(c);
	m->ctx.now_ms = duration_now_ms();
	if (fresh != NULL)
		bulk_replan(m->bulk, fresh, &m->ctx, NULL, &d);
	else
		memset(&d, 0, sizeof d);
	api_table_free(fresh);
	u->breplan.vanished += d.vanished;
	u->breplan.used_since += d.used_since;
	m->bphase = UI_BULK_CONFIRM;
	if (ui_bulk_any_phase(u, UI_BULK_REPLAN))
		return UI_R_STATUS;      /* another part's list is still on its way */
	return ui_bulk_replan_decide(u);
}

unsigned
ui_bulk_on_replan(struct ui *u, struct call *c)
{
	return ui_bulk_replanned(u, 0, c);
}

/* ---- answers ------------------------------------------------------------------ */

/* With several workspaces: a fresh list from each member where a pin went
 * through (its scopes changed); the others' lists stand. */
static void
ui_bulk_reload_pinned(struct ui *u)
{
	struct ui_ws *view = u->ws, *m;
	size_t p;

	for (p = 0; UI_ESTATE(u) && p < ui_state_parts(u); p++) {
		m = ui_state_part(u, p);
		if (bulk_results(m->bulk, JOURNAL_REVOKED) == 0 || (m->loading & (1u << UI_JOB_LIST)))
			continue;
		u->ws = m;
		ui_state_load(u);
		u->ws = view;
	}
}

/* A pin session ended: say so, and fetch the list again (the scopes changed). */
static void
ui_bulk_finish_pin(struct ui *u)
{
	size_t pinned = ui_bulk_sum_results(u, JOURNAL_REVOKED);
	size_t bad = ui_bulk_sum_results(u, JOURNAL_FAILED) +
	    ui_bulk_sum_results(u, JOURNAL_UNKNOWN) +
	    ui_bulk_sum_results(u, JOURNAL_NOT_ATTEMPTED);
	char refused[200];

	if (UI_ESTATE(u) && ui_bulk_refused(u, refused, sizeof refused) > 0)
		ui_msg(u, true, "stopped in %s: the workspace refused patrol's credentials "
		    "(401/403); pinned %zu, %zu not done stay staged (R: results)", refused,
		    pinned, bad);
	else if (bad > 0)
		ui_msg(u, true, "pinned %zu, %zu failed, unknown or not attempted: they stay "
		    "staged and tagged (R: results, x retries)", pinned, bad);
	else
		ui_msg(u, false, "pinned %zu token%s: auto-scoping stops for them (R: results)",
		    pinned, pinned == 1 ? "" : "s");
	if (u->mode == UI_MODE_RESULTS)
		ui_bulk_results(u);
	if (!UI_ESTATE(u) && (u->ws->loading & (1u << UI_JOB_LIST)) == 0)
		ui_state_load(u);
	ui_bulk_reload_pinned(u);
}

/* Every part is over: say how it went. */
static void
ui_bulk_finish(struct ui *u)
{
	struct bulk_progress p;
	size_t before_revoked, before_gone, before = ui_bulk_sum_earlier(u, &before_revoked,
	    &before_gone);
	size_t revoked = ui_bulk_sum_results(u, JOURNAL_REVOKED) - before_revoked;
	size_t gone_n = ui_bulk_sum_results(u, JOURNAL_GONE) - before_gone;
	char gone[96] = "", why[128], c[3][40], refused[200];
	size_t nrefused, len = 0;

	u->ws->bphase = UI_BULK_DONE;
	if (bulk_kind(u->ws->bulk) == JOURNAL_KIND_PIN) {
		ui_bulk_finish_pin(u);
		return;
	}
	ui_bulk_progress_all(u, &p);
	/* done counts the ids that were gone before their revoke (re-plan,
	 * resume, 404) too: patrol did not revoke those, so say them apart */
	if (gone_n > 0)
		len = (size_t)snprintf(gone, sizeof gone, ", %zu already gone", gone_n);
	/* a resume: what its earlier run decided is not this run's doing */
	if (before > 0 && len < sizeof gone)
		snprintf(gone + len, sizeof gone - len, ", %zu done before the resume", before);
	/* in the results' own words: what was not sent did not fail */
	snprintf(why, sizeof why, "%s%s%s", ui_bulk_count(p.failed, "failed", c[0], sizeof c[0]),
	    ui_bulk_count(p.unknown, "unknown", c[1], sizeof c[1]),
	    ui_bulk_count(p.not_attempted, "not attempted", c[2], sizeof c[2]));
	if (why[0] != '\0')
		why[strlen(why) - 2] = '\0';     /* the last ", " */
	nrefused = ui_bulk_refused(u, refused, sizeof refused);
	if (nrefused > 0 && UI_ESTATE(u))
		ui_msg(u, true, "stopped in %s: the workspace refused patrol's credentials "
		    "(401/403); %zu revoked%s, %zu not done stay staged (R: results)", refused,
		    revoked, gone, p.failed + p.unknown + p.not_attempted);
	else if (nrefused > 0)
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

/* Stop the running session (every part still running), or let it run. */
static unsigned
ui_bulk_stop_done(struct ui *u, struct dialog *d, enum dialog_result res)
{
	struct ui_ws *m;
	size_t p;

	if (res != DIALOG_OK || u->ws->bphase != UI_BULK_RUNNING)
		return UI_R_ALL;
	for (p = 0; p < ui_state_parts(u); p++) {
		m = ui_state_part(u, p);
		if (m->bphase == UI_BULK_RUNNING)
			bulk_stop(m->bulk, m->w);
	}
	ui_bulk_progress_msg(u);
	return UI_R_ALL;
}

/* q while a session runs: stop after the calls in flight? The whole batch
 * is handed to the worker at once, so the session's "in flight" are mostly
 * queued: only up to --jobs of them (in each workspace) are sent and
 * finish, the rest end not attempted. A stopped session is ended, not
 * offered by :resume: x retries the rows, which stay staged and tagged. */
unsigned
ui_bulk_stop_ask(struct ui *u)
{
	struct bulk_progress p;
	struct worker_stats ws;
	char l[2][160];
	const char *lines[2] = { l[0], l[1] };
	size_t sent = 0, k;
	struct ui_ws *m;

	for (k = 0; k < ui_state_parts(u); k++) {
		m = ui_state_part(u, k);
		if (m->bphase != UI_BULK_RUNNING)
			continue;
		bulk_progress(m->bulk, duration_mono_ms(), &p);
		worker_stats(m->w, &ws);
		sent += ws.max > 0 && (size_t)ws.max < p.inflight ? (size_t)ws.max : p.inflight;
	}
	ui_bulk_progress_all(u, &p);
	/* sent is at most what is on the wire: the rest were surely not sent */
	if (p.remaining > sent)
		snprintf(l[0], sizeof l[0], "The revokes already sent (at most %zu) finish; at least "
		    "%zu not sent yet stay staged and tagged.", sent, p.remaining - sent);
	else
		snprintf(l[0], sizeof l[0], "The revokes already sent (at most %zu) finish; any not "
		    "sent yet stay staged and tagged.", sent);
	snprintf(l[1], sizeof l[1], "x retries them; the journal keeps the session.");
	ui_dialog_open(u, dialog_confirm_new("Stop the revocation?", lines, 2, NULL, u->ascii),
	    ui_bulk_stop_done, NULL);
	return UI_R_ALL;
}

/* ---- answers from the worker ---------------------------------------------------- */

/* A call of part p's session came back (taken over). */
static unsigned
ui_bulk_part_call(struct ui *u, size_t p, struct call *c)
{
	struct ui_ws *m = ui_state_part(u, p);
	long i = bulk_finish(m->bulk, c);

	if (i < 0) {
		call_free(c);
		return UI_R_NONE;
	}
	ui_bulk_mark(u, p, bulk_item(m->bulk, i), false);
	if (!bulk_running(m->bulk)) {
		if (bulk_submit(m->bulk, m->w) == 0)
			ui_bulk_part_end(u, p);
		else            /* the token patrol uses, alone and last */
			ui_bulk_mark_part(u, p);
	}
	if (!ui_bulk_any_phase(u, UI_BULK_RUNNING))
		ui_bulk_finish(u);
	else
		ui_bulk_progress_msg(u);
	if (u->mode == UI_MODE_RESULTS && u->ws->bphase == UI_BULK_RUNNING)
		ui_bulk_results(u);
	return UI_R_ALL;
}

unsigned
ui_bulk_on_call(struct ui *u, struct call *c)
{
	return ui_bulk_part_call(u, 0, c);
}

unsigned
ui_bulk_on_part(struct ui *u, size_t p, struct call *c)
{
	struct ui_ws *m = ui_state_part(u, p);
	uint64_t gen = (c->tag >> 8) & 0xffffff;
	unsigned r = UI_R_HEADER | UI_R_STATUS;

	if (c->tag & BULK_TAG)
		return ui_bulk_part_call(u, p, c) | r;
	m->loading &= ~(1u << UI_JOB_REPLAN);
	if (gen == (u->gen & 0xffffff))
		r |= ui_bulk_replanned(u, p, c);
	call_free(c);
	return r;
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
 * one for a workspace on show, which and since when (as revoke --resume
 * does). */
static unsigned
ui_bulk_none_to_resume(struct ui *u, const char *dir)
{
	struct journal_session s;
	struct patrol_err err;
	char *path = NULL;
	size_t p;

	for (p = 0; dir != NULL && p < ui_state_parts(u); p++) {
		status_clear(&err);
		memset(&s, 0, sizeof s);
		if (journal_find_running(dir, ui_state_part(u, p)->cfg->host, &path, &err) ==
		    PATROL_OK && path != NULL && journal_load(path, &s, &err) == PATROL_OK &&
		    bulk_check_free(&s, &err) != PATROL_OK) {
			ui_msg(u, true, "%s%s%s", UI_ESTATE(u) ? ui_state_part(u, p)->profile : "",
			    UI_ESTATE(u) ? ": " : "", err.message);
			journal_session_free(&s);
			free(path);
			return UI_R_STATUS;
		}
		journal_session_free(&s);
		free(path);
		path = NULL;
	}
	if (UI_ESTATE(u))
		ui_msg(u, false, "no unfinished revocation session in these %zu workspaces",
		    ui_state_parts(u));
	else
		ui_msg(u, false, "no unfinished revocation session for this workspace");
	return UI_R_STATUS;
}

/* Forget every part's offered resume. */
static void
ui_bulk_resume_forget(struct ui *u)
{
	size_t p;

	for (p = 0; p < ui_state_parts(u); p++) {
		free(ui_state_part(u, p)->resume_path);
		ui_state_part(u, p)->resume_path = NULL;
	}
}

/* Go on with the unfinished sessions now, or later. */
static unsigned
ui_bulk_resume_done(struct ui *u, struct dialog *d, enum dialog_result res)
{
	if (res != DIALOG_OK) {
		ui_bulk_resume_forget(u);
		ui_msg(u, false, "later: :resume or patrol revoke --resume goes on with %s",
		    UI_ESTATE(u) ? "them" : "it");
		return UI_R_ALL;
	}
	return ui_bulk_loaded(u);
}

/* Part p's newest unfinished revocation session: its path into the part's
 * resume_path (and resume_admin), what it says into s (freed by the
 * caller). 1: found; 0: none (or an earlier part is the same workspace);
 * -1: it could not be read (said). */
static int
ui_bulk_find_resume(struct ui *u, size_t p, const char *dir, struct journal_session *s)
{
	struct ui_ws *m = ui_state_part(u, p);
	struct patrol_err err;
	char *path = NULL;
	size_t k;

	status_clear(&err);
	memset(s, 0, sizeof *s);
	for (k = 0; k < p; k++)      /* one workspace, two profiles: offered once, by the first */
		if (estate_same_workspace(ui_state_part(u, k)->cfg->host, m->cfg->host))
			return 0;
	if (journal_find_unfinished(dir, m->cfg->host, &path, &err) != PATROL_OK || path == NULL)
		return 0;
	if (journal_load(path, s, &err) != PATROL_OK) {
		free(path);
		ui_msg(u, true, "%s%s%s", UI_ESTATE(u) ? m->profile : "", UI_ESTATE(u) ? ": " : "",
		    err.message);
		return -1;
	}
	free(m->resume_path);
	m->resume_path = path;
	m->resume_admin = s->admin;
	return 1;
}

/* What a resume of s goes on with (journal_session_todo: those left and
 * those to retry, as patrol revoke --resume): "1 of 2 tokens left: 1 never
 * sent, 1 sent but never answered, 1 failed" into out (the zeros left out);
 * brief (a line a workspace): "1 of 2 left, 1 never answered, 1 failed".
 * Sent but never answered: an intent without a result (patrol was killed)
 * or a result "unknown" (it was cancelled or cut off). */
static void
ui_bulk_left_words(const struct journal_session *s, bool brief, char *out, size_t n)
{
	size_t todo = journal_session_todo(s), failed = s->counts[JOURNAL_FAILED];
	size_t unanswered = s->open_intents + s->counts[JOURNAL_UNKNOWN];
	size_t unsent = todo - unanswered - failed;
	char c[3][48];

	if (brief) {
		snprintf(out, n, "%zu of %zu left, %zu never answered", todo, s->n, unanswered);
		if (failed > 0 && strlen(out) + 1 < n)
			snprintf(out + strlen(out), n - strlen(out), ", %zu failed", failed);
		return;
	}
	snprintf(out, n, "%zu of %zu token%s left%s%s%s%s", todo, s->n, s->n == 1 ? "" : "s",
	    todo > 0 ? ": " : "", ui_bulk_count(unsent, "never sent", c[0], sizeof c[0]),
	    ui_bulk_count(unanswered, "sent but never answered", c[1], sizeof c[1]),
	    ui_bulk_count(failed, "failed", c[2], sizeof c[2]));
	if (todo > 0)
		out[strlen(out) - 2] = '\0';     /* the last ", " */
}

/* The one workspace's offer: its session, what is left, the question. */
static void
ui_bulk_offer_one(const struct journal_session *s, char (*l)[200], size_t *n)
{
	char when[32], left[160];

	duration_absolute(s->started_ms, false, when, sizeof when);
	snprintf(l[(*n)++], sizeof l[0], "Session %s, started %s%s.", s->session, when,
	    s->admin ? " in admin mode" : "");
	ui_bulk_left_words(s, false, left, sizeof left);
	snprintf(l[(*n)++], sizeof l[0], "%s.", left);
	if (journal_session_todo(s) > 0)
		snprintf(l[(*n)++], sizeof l[0], "A fresh list decides each: still listed, it is "
		    "revoked (after a confirm); gone, it is settled as already gone.");
	snprintf(l[(*n)++], sizeof l[0], "Go on with it now? (Cancel: later, with :resume)");
}

#define UI_BULK_OFFER_SHOWN 8        /* workspaces the offer of several names */

/* Several workspaces' offer: a line a workspace, as the plan groups them
 * (patrol journal names each session). */
static void
ui_bulk_offer_many(const struct ui *u, const struct journal_session *s, char (*l)[200],
		   size_t *n)
{
	char left[160];
	size_t p, k = 0;

	for (p = 0; p < ui_state_parts(u); p++)
		k += ui_state_part(u, p)->resume_path != NULL;
	snprintf(l[(*n)++], sizeof l[0], "In %zu workspace%s:", k, k == 1 ? "" : "s");
	for (p = 0, k = 0; p < ui_state_parts(u); p++) {
		if (ui_state_part(u, p)->resume_path == NULL)
			continue;
		if (k++ == UI_BULK_OFFER_SHOWN) {
			snprintf(l[(*n)++], sizeof l[0], "  and more (R lists them all once resumed)");
			break;
		}
		ui_bulk_left_words(&s[p], true, left, sizeof left);
		snprintf(l[(*n)++], sizeof l[0], "  %s: %s%s", ui_state_part(u, p)->profile, left,
		    s[p].admin ? " (admin)" : "");
	}
	snprintf(l[(*n)++], sizeof l[0], "Each workspace's fresh list decides those left: still "
	    "listed, revoked; gone, settled as already gone.");
	snprintf(l[(*n)++], sizeof l[0], "Go on with them now? (Cancel: later, with :resume)");
}

/* Offer the newest unfinished session of each workspace on show (at
 * start, :resume): one dialog, a line a workspace when there are several. */
unsigned
ui_bulk_offer_resume(struct ui *u, bool quiet)
{
	struct journal_session *s;
	struct patrol_err err;
	char *dir = NULL, l[UI_BULK_OFFER_SHOWN + 4][200];
	const char *lines[UI_BULK_OFFER_SHOWN + 4];
	size_t p, found = 0, n = 0, i;
	int rc = 0;

	if (ui_state_bulk_running(u) || u->dlg != NULL)
		return quiet ? UI_R_NONE : (ui_msg(u, true, "finish what is open first"), UI_R_STATUS);
	status_clear(&err);
	ui_bulk_resume_forget(u);
	if (journal_dir(false, &dir, &err) != PATROL_OK) {
		free(dir);
		return quiet ? UI_R_NONE : ui_bulk_none_to_resume(u, NULL);
	}
	s = ui_xcalloc(ui_state_parts(u), sizeof *s);
	for (p = 0; p < ui_state_parts(u) && rc >= 0; p++)
		if ((rc = ui_bulk_find_resume(u, p, dir, &s[p])) > 0)
			found++;
	if (rc >= 0 && found == 0 && !quiet)
		ui_bulk_none_to_resume(u, dir);
	free(dir);
	if (rc >= 0 && found > 0 && UI_ESTATE(u))
		ui_bulk_offer_many(u, s, l, &n);
	else if (rc >= 0 && found > 0)
		ui_bulk_offer_one(&s[0], l, &n);
	for (p = 0; p < ui_state_parts(u); p++)
		journal_session_free(&s[p]);
	free(s);
	if (rc < 0 || found == 0) {
		ui_bulk_resume_forget(u);
		return rc < 0 || !quiet ? UI_R_STATUS : UI_R_NONE;
	}
	for (i = 0; i < n; i++)
		lines[i] = l[i];
	ui_dialog_open(u, dialog_confirm_new(UI_ESTATE(u) ? "Unfinished revocation sessions" :
	    "Unfinished revocation session", lines, n, NULL, u->ascii), ui_bulk_resume_done, NULL);
	return UI_R_ALL;
}

/* A resumed session, in patrol revoke --resume's words: "session S: 2
 * planned, 1 done before, 1 left" into out; with nothing left, what it
 * came to: "..., 0 left: closed now (1 revoked, 1 already gone)"
 * (the ones settled against the fresh list are among them). */
static void
ui_bulk_resumed_words(const struct bulk *b, const char *session, char *out, size_t n)
{
	char c[3][40], what[128];

	snprintf(what, sizeof what, "%s%s%s",
	    ui_bulk_count(bulk_results(b, JOURNAL_REVOKED), "revoked", c[0], sizeof c[0]),
	    ui_bulk_count(bulk_results(b, JOURNAL_GONE), "already gone", c[1], sizeof c[1]),
	    ui_bulk_count(bulk_results(b, JOURNAL_SKIPPED), "skipped", c[2], sizeof c[2]));
	if (what[0] != '\0')
		what[strlen(what) - 2] = '\0';     /* the last ", " */
	if (bulk_pending(b) > 0)
		snprintf(out, n, "session %s: %zu planned, %zu done before, %zu left", session,
		    bulk_count(b), bulk_planned_done(b), bulk_pending(b));
	else
		snprintf(out, n, "session %s: %zu planned, %zu done before, 0 left: closed "
		    "now%s%s%s", session, bulk_count(b), bulk_planned_done(b),
		    what[0] ? " (" : "", what, what[0] ? ")" : "");
}

/* Part p's session (its resume_path) into its bulk session, rebuilt
 * against its own list; its pending rows staged in the table on show.
 * Returns how many are pending; on an error why (and the part is left out). */
static size_t
ui_bulk_resume_part(struct ui *u, size_t p, char *why, size_t n)
{
	struct ui_ws *m = ui_state_part(u, p);
	struct journal_session info;
	struct patrol_err err;
	enum patrol_status st;
	const struct bulk_item *it;
	char session[80];
	size_t i, pending;
	long row;

	bulk_reset(m->bulk, m->admin == UI_ADMIN_ON);
	status_clear(&err);
	if ((st = journal_load(m->resume_path, &info, &err)) == PATROL_OK)
		st = bulk_resume(m->bulk, &info, &m->tab, false, &err);
	if (st == PATROL_OK) {
		struct ui_bulk_selfctx sc = { u, m };

		bulk_mark_self(m->bulk, ui_bulk_self_of, &sc);
		bulk_guard_self(m->bulk, false);   /* kept, as patrol revoke --resume keeps it */
	}
	snprintf(session, sizeof session, "%s", info.session != NULL ? info.session : "");
	journal_session_free(&info);
	free(m->resume_path);
	m->resume_path = NULL;
	if (st != PATROL_OK) {
		bulk_reset(m->bulk, false);
		snprintf(why, n, "cannot resume: %s", err.message);
		return 0;
	}
	if ((pending = bulk_pending(m->bulk)) == 0) {
		bulk_end(m->bulk);
		ui_bulk_resumed_words(m->bulk, session, why, n);
		bulk_reset(m->bulk, false);
		return 0;
	}
	for (i = 0; i < bulk_count(m->bulk); i++) {
		it = bulk_item(m->bulk, i);
		if (it->result == JOURNAL_PENDING && (row = ui_state_part_row(u, p, it->t.id, true)) >= 0)
			u->ws->marks[row] |= UI_MARK_STAGED;
	}
	return pending;
}

/* Whether part m can resume its offered session now: 1 yes; 0 not yet
 * (its list or its admin check is on its way); -1 never (why said; the
 * offer is dropped): its list failed, or the session was made in admin
 * mode and the part is not in it. Several workspaces: admin mode is the
 * table's (a), each member as its own admin check says. */
static int
ui_bulk_resume_ready(const struct ui *u, struct ui_ws *m, char *why, size_t n)
{
	bool listing = (m->loading & (1u << UI_JOB_LIST)) != 0;

	if (m->resume_admin && m->admin != UI_ADMIN_ON && !(u->ws->admin == UI_ADMIN_ON &&
	    m->admin == UI_ADMIN_WAIT))
		snprintf(why, n, "that session was made in admin mode: %s",
		    u->ws->admin == UI_ADMIN_ON ? "it needs admin rights" :
		    "a turns admin mode on, then :resume");
	else if (!m->loaded && !listing && m->load_err[0] != '\0')
		snprintf(why, n, "its tokens could not be listed, so it was not resumed (:resume "
		    "tries again)");
	else
		return m->admin == UI_ADMIN_WAIT && m->resume_admin ? 0 :
		    m->loaded && !listing ? 1 : 0;
	free(m->resume_path);
	m->resume_path = NULL;
	return -1;
}

/* Several workspaces: once every part with an accepted resume has its list
 * (and its admin mode), rebuild each part's session against its own list
 * and ask once for them all, as a plan of several workspaces; each part then
 * finishes on its own worker and journal, exactly once. */
static unsigned
ui_bulk_loaded_many(struct ui *u)
{
	char why[sizeof ((struct patrol_err *)0)->message + 64], said[400] = "";
	size_t p, wanted = 0, waiting = 0, pending = 0, len = 0;
	struct ui_ws *m;

	for (p = 0; p < ui_state_parts(u); p++) {
		if ((m = ui_state_part(u, p))->resume_path == NULL)
			continue;
		wanted++;
		why[0] = '\0';
		waiting += ui_bulk_resume_ready(u, m, why, sizeof why) == 0;
		if (why[0] != '\0' && len < sizeof said)
			len += (size_t)snprintf(said + len, sizeof said - len, "%s%s: %s",
			    len > 0 ? "; " : "", m->profile, why);
	}
	if (wanted == 0 || waiting > 0) {
		if (len > 0)
			ui_msg(u, true, "%s", said);
		return len > 0 ? UI_R_STATUS : UI_R_NONE;
	}
	bulk_reset(u->ws->bulk, UI_MGMT(u));     /* the whole session's kind */
	bulk_set_kind(u->ws->bulk, JOURNAL_KIND_REVOKE);
	for (p = 0; p < ui_state_parts(u); p++) {
		if ((m = ui_state_part(u, p))->resume_path == NULL) {
			bulk_reset(m->bulk, false);      /* an earlier session's results go */
			m->bphase = UI_BULK_IDLE;
			continue;
		}
		why[0] = '\0';
		pending += ui_bulk_resume_part(u, p, why, sizeof why);
		if (why[0] != '\0' && len < sizeof said)
			len += (size_t)snprintf(said + len, sizeof said - len, "%s%s: %s",
			    len > 0 ? "; " : "", m->profile, why);
	}
	if (pending == 0) {
		ui_msg(u, len > 0, "%s", len > 0 ? said : "nothing left to resume");
		return UI_R_ALL;
	}
	u->ws->bulk_fresh = true;       /* each part's list was just fetched */
	ui_bulk_confirm(u, "Resume the revocation");
	if (len > 0)
		ui_msg(u, true, "%s", said);
	return UI_R_ALL;
}

/* The list is loaded: go on with an accepted resume (after switching to
 * admin mode when the session was made there). With several workspaces
 * the table on show goes on once every part's list is in: a member's own
 * list waits for the merge (ui_estate.c calls this on the table on show). */
unsigned
ui_bulk_loaded(struct ui *u)
{
	struct journal_session info;
	struct patrol_err err;
	enum patrol_status st;
	char said[240];
	size_t i;

	if (UI_ESTATE(u))
		return u->ws->w != NULL || u->dlg != NULL || ui_state_bulk_running(u) ?
		    UI_R_NONE : ui_bulk_loaded_many(u);
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
	if (st == PATROL_OK) {
		struct ui_bulk_selfctx sc = { u, u->ws };

		bulk_mark_self(u->ws->bulk, ui_bulk_self_of, &sc);
		bulk_guard_self(u->ws->bulk, false);   /* kept, as patrol revoke --resume keeps it */
		ui_bulk_resumed_words(u->ws->bulk, info.session, said, sizeof said);
	}
	journal_session_free(&info);
	free(u->ws->resume_path);
	u->ws->resume_path = NULL;
	if (st != PATROL_OK) {
		bulk_reset(u->ws->bulk, false);
		ui_msg(u, true, "cannot resume: %s", err.message);
		return UI_R_STATUS;
	}
	ui_msg(u, false, "%s", said);
	if (bulk_pending(u->ws->bulk) == 0) {
		bulk_end(u->ws->bulk);
		u->ws->bphase = UI_BULK_DONE;
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
