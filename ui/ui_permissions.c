/*
 * ui_permissions.c: d in the :permissions view: remove a principal's
 * direct permission to use tokens, which for a user or service principal
 * makes the server delete every token it holds. The same session as the
 * command line's `patrol permissions remove` (cli_permissions.c):
 *
 * plan: the tokens of the principal the table shows (admin mode: everyone's
 * tokens), in a confirm that asks for their count typed (a group, or none:
 * yes), focus on Cancel; re-plan: the permissions, then every token, read
 * again (a token made since is asked about again, with the new count); the
 * PUT is built from those fresh permissions; journal: a session of kind
 * "permissions" (journal.h) whose items are the tokens, an intent for each
 * written before the PUT is submitted and made durable by the worker (the
 * PUT carries the journal: its fsync comes before the request leaves);
 * check: the list read again, each token reported deleted or still there in
 * the journal and on the status line, and the table fetched again.
 *
 * The steps cross the worker as jobs (UI_JOB_PERM_RM_*) whose answers come
 * back through ui_answers.c; the removal under way lives in the workspace
 * (struct ui_perm_rm, one at a time).
 */
#include <stdlib.h>
#include <string.h>

#include "journal.h"
#include "sanitize.h"
#include "ui_internal.h"

#define UI_RM_SHOWN 4              /* tokens named in a confirm */

/* End the removal under way (its journal with reason, when it has one). */
static void
ui_rm_end(struct ui *u, const char *reason)
{
	struct ui_perm_rm *r = u->ws->perm_rm;

	if (r != NULL && r->j != NULL && reason != NULL)
		journal_end(r->j, reason);
	ui_perm_rm_free(r);
	u->ws->perm_rm = NULL;
}

/* The ids of name's tokens in tab (replacing r's). */
static void
ui_rm_take_ids(struct ui_perm_rm *r, const struct token_table *tab)
{
	char id[TOKEN_ID_LEN + 1];
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->ids[i]);
	free(r->ids);
	r->ids = ui_xcalloc(tab->n + 1, sizeof *r->ids);
	r->n = 0;
	if (r->kind == API_PRINCIPAL_GROUP)
		return;
	for (i = 0; i < tab->n; i++)
		if (strcmp(token_owner(&tab->rows[i]), r->name) == 0)
			r->ids[r->n++] = ui_xstrdup(token_id_hex(&tab->rows[i], id));
}

/* The confirm of the plan: what goes, the first tokens, the typed count;
 * done is what its end runs. */
static unsigned
ui_rm_ask(struct ui *u, const char *title, ui_dialog_done_fn done)
{
	struct ui_perm_rm *r = u->ws->perm_rm;
	char l[UI_RM_SHOWN + 4][400], who[160], typed[24];
	const char *lines[UI_RM_SHOWN + 4];
	size_t nl = 0, i;

	sanitize_cell(r->name, 60, 0, u->sflags, who, sizeof who);
	snprintf(l[nl++], sizeof l[0], "Remove %s %s (%s)?", api_principal_words(r->kind), who,
	    r->level);
	if (r->kind == API_PRINCIPAL_GROUP)
		snprintf(l[nl++], sizeof l[0], "Its members lose the right to use tokens.");
	else if (r->n == 0)
		snprintf(l[nl++], sizeof l[0], "It holds no token now.");
	else
		snprintf(l[nl++], sizeof l[0], "The server deletes %s%zu token%s, for good:",
		    r->n > 1 ? "all " : "its ", r->n, r->n == 1 ? "" : "s");
	for (i = 0; i < r->n && i < UI_RM_SHOWN; i++)
		snprintf(l[nl++], sizeof l[0], "  %.*s", TOKEN_SHORT_ID_LEN, r->ids[i]);
	if (r->n > UI_RM_SHOWN)
		snprintf(l[nl++], sizeof l[0], "  %s and %zu more", u->ascii ? "..." : "\u2026",
		    r->n - UI_RM_SHOWN);
	for (i = 0; i < nl; i++)
		lines[i] = l[i];
	snprintf(typed, sizeof typed, "%zu", r->n);
	ui_dialog_open(u, dialog_confirm_new(title, lines, nl,
	    r->kind == API_PRINCIPAL_GROUP || r->n == 0 ? "yes" : typed, u->ascii), done, NULL);
	return UI_R_ALL;
}

static unsigned ui_rm_apply(struct ui *u);

/* OK: read the permissions again (the re-plan); Cancel: nothing happens. */
static unsigned
ui_rm_confirmed(struct ui *u, struct dialog *d, enum dialog_result res)
{
	if (res != DIALOG_OK) {
		ui_rm_end(u, NULL);
		ui_msg(u, false, "cancelled: the permissions are unchanged");
		return UI_R_STATUS;
	}
	ui_state_submit(u, api_perm_get(), UI_JOB_PERM_RM_PERMS, 0);
	ui_msg(u, false, "reading the permissions and tokens again%s", u->ascii ? "..." : "\u2026");
	return UI_R_STATUS;
}

/* The plan changed and was confirmed again: apply it. */
static unsigned
ui_rm_replanned(struct ui *u, struct dialog *d, enum dialog_result res)
{
	if (res != DIALOG_OK) {
		ui_rm_end(u, NULL);
		ui_msg(u, false, "cancelled: the permissions are unchanged");
		return UI_R_STATUS;
	}
	return ui_rm_apply(u);
}

/* d in :permissions: the selected principal's direct permission. */
unsigned
ui_a_perm_remove(struct ui *u)
{
	const struct api_perm_entry *e = ui_lists_perm_entry(u);
	const struct api_perm_level *lvl, *inh;
	struct ui_perm_rm *r;

	if (e == NULL)
		return ui_msg(u, true, "nothing to remove here"), UI_R_STATUS;
	if (u->ws->perm_rm != NULL)
		return ui_msg(u, true, "a removal is under way"), UI_R_STATUS;
	if (!UI_MGMT(u))
		return ui_msg(u, true, "removing a permission needs admin mode (a): patrol must "
		    "list the tokens the server deletes with it"), UI_R_STATUS;
	if ((lvl = api_perm_direct(u->ws->perms, e->kind, e->name, &inh)) == NULL)
		return ui_msg(u, true, "%s holds %s by inheritance: there is no direct permission "
		    "to remove", e->name, inh != NULL ? inh->level : "it"), UI_R_STATUS;
	r = ui_xcalloc(1, sizeof *r);
	r->kind = e->kind;
	snprintf(r->name, sizeof r->name, "%s", e->name);
	snprintf(r->level, sizeof r->level, "%s", lvl->level);
	ui_rm_take_ids(r, &u->ws->tab);
	u->ws->perm_rm = r;
	return ui_rm_ask(u, "Remove a token permission", ui_rm_confirmed);
}

/* Start the journal: the tokens, an intent each (the PUT's journal makes
 * them durable before it is sent). 0, or -1 after saying why. */
static int
ui_rm_journal(struct ui *u)
{
	struct ui_perm_rm *r = u->ws->perm_rm;
	struct journal_item *items = ui_xcalloc(r->n + 1, sizeof *items);
	struct journal_plan plan;
	struct patrol_err err;
	char change[400];
	size_t i;
	int rc = 0;

	for (i = 0; i < r->n; i++)
		snprintf(items[i].id, sizeof items[i].id, "%s", r->ids[i]);
	snprintf(change, sizeof change, "remove %s %s (%s) from the token permissions",
	    api_principal_words(r->kind), r->name, r->level);
	memset(&plan, 0, sizeof plan);
	plan.host = u->ws->cfg->host;
	plan.profile = u->ws->cfg->profile;
	plan.admin = true;
	plan.kind = JOURNAL_KIND_PERMISSIONS;
	plan.change = change;
	plan.items = items;
	plan.n = r->n;
	status_clear(&err);
	if (journal_start_change(&plan, &r->j, &err) != PATROL_OK) {
		ui_msg(u, true, "cannot record the change, so nothing was changed: %s", err.message);
		rc = -1;
	}
	free(items);
	return rc;
}

/* The PUT: every direct entry of the fresh permissions but the principal's. */
static unsigned
ui_rm_apply(struct ui *u)
{
	struct ui_perm_rm *r = u->ws->perm_rm;
	const struct api_perms *p = u->ws->perms;
	struct api_perm_grant *v;
	struct call *c;
	size_t i, j, n = 0, cap = 1;

	if (u->opts->worker.dry_run) {          /* nothing to record: nothing is sent */
		ui_msg(u, false, "dry run: would remove %s (%zu tokens); nothing sent", r->name, r->n);
		ui_rm_end(u, NULL);
		return UI_R_STATUS;
	}
	if (ui_rm_journal(u) != 0) {
		ui_rm_end(u, NULL);
		return UI_R_STATUS;
	}
	for (i = 0; i < p->n; i++)
		cap += p->v[i].n;
	v = ui_xcalloc(cap, sizeof *v);
	for (i = 0; i < p->n; i++)
		for (j = 0; j < p->v[i].n; j++)
			if (!p->v[i].v[j].inherited &&
			    !(p->v[i].kind == r->kind && strcmp(p->v[i].name, r->name) == 0))
				v[n++] = (struct api_perm_grant){ p->v[i].kind, p->v[i].name,
					p->v[i].v[j].level };
	c = api_perm_set(v, n);
	free(v);
	if (c != NULL && r->n > 0) {
		c->journal = r->j;
		snprintf(c->subject, sizeof c->subject, "%s", r->ids[0]);
	}
	ui_state_submit(u, c, UI_JOB_PERM_RM_PUT, 0);
	ui_msg(u, false, "removing %s%s", r->name, u->ascii ? "..." : "\u2026");
	return UI_R_STATUS;
}

/* The re-plan's permissions: still a direct entry? Then the tokens. */
unsigned
ui_perm_rm_on_perms(struct ui *u, struct call *c)
{
	struct ui_perm_rm *r = u->ws->perm_rm;

	if (r == NULL)
		return UI_R_NONE;
	if (c->err.status != PATROL_OK) {
		ui_rm_end(u, NULL);
		ui_msg(u, true, "not removed: cannot read the permissions: %s", c->err.message);
		return UI_R_STATUS;
	}
	api_perms_free(u->ws->perms);
	u->ws->perms = call_take_result(c);
	if (api_perm_direct(u->ws->perms, r->kind, r->name, NULL) == NULL) {
		ui_rm_end(u, NULL);
		ui_msg(u, false, "nothing to remove: the permission is gone already");
		return UI_R_STATUS | UI_R_LIST;
	}
	if (r->kind == API_PRINCIPAL_GROUP)
		return ui_rm_apply(u) | UI_R_LIST;
	ui_state_submit(u, api_tm_list(NULL, NULL), UI_JOB_PERM_RM_LIST, 0);
	return UI_R_STATUS | UI_R_LIST;
}

/* The re-plan's tokens: new ones are asked about again. */
unsigned
ui_perm_rm_on_list(struct ui *u, struct call *c)
{
	struct ui_perm_rm *r = u->ws->perm_rm;
	const struct token_table *tab = c->result;
	size_t before, i, k, added = 0;
	char **old;

	if (r == NULL)
		return UI_R_NONE;
	if (c->err.status != PATROL_OK || tab == NULL) {
		ui_rm_end(u, NULL);
		ui_msg(u, true, "not removed: cannot list the tokens: %s", c->err.message);
		return UI_R_STATUS;
	}
	old = r->ids, before = r->n;
	r->ids = NULL, r->n = 0;
	ui_rm_take_ids(r, tab);
	for (i = 0; i < r->n; i++) {
		for (k = 0; k < before && strcmp(old[k], r->ids[i]) != 0; k++)
			;
		added += k == before;
	}
	for (k = 0; k < before; k++)
		free(old[k]);
	free(old);
	if (added == 0)
		return ui_rm_apply(u);
	ui_msg(u, false, "%zu new token%s since the plan", added, added == 1 ? "" : "s");
	return ui_rm_ask(u, "The plan changed", ui_rm_replanned) | UI_R_STATUS;
}

/* The PUT's answer: the new permissions; then the check of the tokens. */
unsigned
ui_perm_rm_on_put(struct ui *u, struct call *c)
{
	struct ui_perm_rm *r = u->ws->perm_rm;

	if (r == NULL)
		return UI_R_NONE;
	if (c->err.status != PATROL_OK) {
		ui_msg(u, true, "not removed: %s%s%s", status_message(c->err.status),
		    c->err.message[0] != '\0' ? ": " : "", c->err.message);
		ui_rm_end(u, "stopped");
		return UI_R_STATUS;
	}
	api_perms_free(u->ws->perms);
	u->ws->perms = call_take_result(c);
	if (r->kind == API_PRINCIPAL_GROUP) {
		ui_msg(u, false, "removed group %s: its members may no longer use tokens through it",
		    r->name);
		ui_rm_end(u, "done");
		return UI_R_STATUS | UI_R_LIST;
	}
	ui_state_submit(u, api_tm_list(NULL, NULL), UI_JOB_PERM_RM_CHECK, 0);
	return UI_R_STATUS | UI_R_LIST;
}

/* The list after the PUT: each planned token deleted, or still there. */
unsigned
ui_perm_rm_on_check(struct ui *u, struct call *c)
{
	struct ui_perm_rm *r = u->ws->perm_rm;
	const struct token_table *tab = c->result;
	struct patrol_err still;
	size_t i, left = 0;

	if (r == NULL)
		return UI_R_NONE;
	if (c->err.status != PATROL_OK || tab == NULL) {
		ui_msg(u, true, "removed %s, but the tokens could not be listed to check: %s",
		    r->name, c->err.message);
		ui_rm_end(u, "done");
		return UI_R_STATUS;
	}
	status_set(&still, PATROL_CONFLICT, "still listed after the permission was removed");
	for (i = 0; i < r->n; i++) {
		if (token_find(tab, r->ids[i]) >= 0) {
			left++;
			journal_result(r->j, r->ids[i], JOURNAL_FAILED, &still);
		} else {
			journal_result(r->j, r->ids[i], JOURNAL_REVOKED, NULL);
		}
	}
	ui_msg(u, left > 0, "removed %s %s: %zu of %zu tokens deleted by the server%s",
	    api_principal_words(r->kind), r->name, r->n - left, r->n,
	    left ? " (the others are still listed)" : "");
	ui_rm_end(u, "done");
	if ((u->ws->loading & (1u << UI_JOB_LIST)) == 0)
		ui_state_load(u);           /* the table loses what the server deleted */
	return UI_R_STATUS | UI_R_HEADER;
}
