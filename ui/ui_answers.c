/*
 * ui_answers.c: what the worker's answers do to the model: the list, who
 * we are (SCIM Me, which decides admin mode), the workspace settings, a
 * created or edited token; a revoke of the session goes to ui_bulk.c.
 */
#include <stdlib.h>
#include <string.h>

#include "duration.h"
#include "ui_internal.h"

static void
ui_err_msg(struct ui *u, const char *what, const struct call *c)
{
	const struct patrol_err *e = &c->err;

	if (e->message[0] != '\0')
		ui_msg(u, true, "%s: %s: %s", what, status_message(e->status), e->message);
	else
		ui_msg(u, true, "%s: %s", what, status_message(e->status));
}

static unsigned
ui_on_list(struct ui *u, struct call *c, size_t source)
{
	struct token_table *tab;
	char note[400];
	bool first, warn;
	unsigned r;
	size_t off;

	if ((source != 0) != UI_MGMT(u))
		return UI_R_NONE;        /* for the source before a switch */
	u->ws->loading &= ~(1u << UI_JOB_LIST);
	u->ws->answered = true;
	if (c->err.status != PATROL_OK) {
		ui_err_msg(u, "cannot list tokens", c);
		/* the table says it too: not "loading" forever */
		snprintf(u->ws->load_err, sizeof u->ws->load_err, "%s", u->status);
		return UI_R_ALL;
	}
	u->ws->load_err[0] = '\0';
	first = !u->ws->loaded;
	off = u->cursor >= u->top ? u->cursor - u->top : 0;
	tab = call_take_result(c);
	warn = token_table_note(tab, note, sizeof note);
	r = ui_state_swap(u, tab);
	u->top = u->cursor > off ? u->cursor - off : 0;   /* the cursor keeps its screen row */
	if (u->refresh_ms > 0)
		u->next_refresh = duration_mono_ms() + u->refresh_ms;
	if (first && UI_MGMT(u))
		ui_msg(u, false, "admin mode: %zu token%s of %zu owner%s%s", u->ws->tab.n,
		    u->ws->tab.n == 1 ? "" : "s", u->ws->nowners, u->ws->nowners == 1 ? "" : "s", u->ws->load_note);
	else if (first || strncmp(u->status, "refreshing", 10) == 0 ||
	    strncmp(u->status, "cannot list", 11) == 0)
		ui_msg(u, false, "%zu token%s%s", u->ws->tab.n, u->ws->tab.n == 1 ? "" : "s", u->ws->load_note);
	u->ws->load_note[0] = '\0';
	if (warn)
		ui_msg(u, true, "%zu tokens; %s", u->ws->tab.n, note);
	if (u->ws->resume_path != NULL)
		r |= ui_bulk_loaded(u);
	return r | UI_R_ALL;
}

/* Admin mode was asked for: Me answered (me may be NULL: it failed). */
static void
ui_state_admin_decide(struct ui *u, const struct call *c)
{
	const char *who = u->ws->me != NULL && u->ws->me->user_name != NULL ? u->ws->me->user_name : "?";

	if (u->ws->me != NULL && u->ws->me->is_admin) {
		ui_state_source(u, UI_ADMIN_ON);
		return;
	}
	u->ws->admin = UI_ADMIN_OFF;
	if (u->ws->me != NULL)
		ui_msg(u, true, "admin mode needs workspace admin rights (%s is not in admins)", who);
	else
		ui_msg(u, true, "admin mode: cannot check admin rights: %s: %s",
		    status_message(c->err.status), c->err.message);
	if (u->ws->loaded)
		return;
	snprintf(u->ws->load_note, sizeof u->ws->load_note, "; %.*s", (int)sizeof u->ws->load_note - 3,
	    u->status);
	if ((u->ws->loading & (1u << UI_JOB_LIST)) == 0)
		ui_state_load(u);
}

static unsigned
ui_on_me(struct ui *u, struct call *c, size_t idx)
{
	if (c->err.status == PATROL_OK) {
		api_me_free(u->ws->me);
		u->ws->me = call_take_result(c);
	}
	if (u->ws->admin == UI_ADMIN_WAIT) {
		ui_state_admin_decide(u, c);
		return UI_R_ALL;
	}
	return UI_R_HEADER;
}

static unsigned
ui_on_conf(struct ui *u, struct call *c, size_t idx)
{
	const char *d;
	size_t i;

	if (c->err.status != PATROL_OK) {
		snprintf(u->ws->conf_err, sizeof u->ws->conf_err, "%s%s%.*s", status_message(c->err.status),
		    c->err.message[0] != '\0' ? ": " : "", (int)sizeof u->ws->conf_err / 2,
		    c->err.message);
		return UI_R_HEADER | UI_R_VIEW | (u->mode == UI_MODE_SETTINGS ? UI_R_LIST : 0);
	}
	u->ws->conf_err[0] = '\0';
	api_conf_free(u->ws->conf);
	u->ws->conf = call_take_result(c);
	d = u->ws->conf->max_token_lifetime_days;
	u->ws->max_days = d != NULL ? strtoll(d, NULL, 10) : 0;
	if (u->ws->max_days < 0)
		u->ws->max_days = 0;
	u->ws->ctx.max_lifetime_ms = u->ws->max_days * 86400000LL;
	for (i = 0; i < u->ws->tab.n; i++)
		u->ws->flags[i] = token_flags(&u->ws->tab.rows[i], &u->ws->ctx);
	return UI_R_ALL | (u->mode == UI_MODE_SETTINGS ? UI_R_LIST : 0);
}

/* A workspace setting was changed (or not): say so and read them again. */
static unsigned
ui_on_conf_set(struct ui *u, struct call *c, size_t idx)
{
	if (c->err.status != PATROL_OK) {
		ui_err_msg(u, "setting not changed", c);
		return UI_R_STATUS;
	}
	ui_msg(u, false, "%s", u->setting_note);
	if ((u->ws->loading & (1u << UI_JOB_CONF)) == 0)
		ui_state_submit(u, api_conf_get(), UI_JOB_CONF, 0);
	return UI_R_STATUS | UI_R_HEADER;
}

static unsigned
ui_on_create(struct ui *u, struct call *c, size_t idx)
{
	enum patrol_status st = c->err.status;

	if (st == PATROL_QUOTA) {
		ui_msg(u, true, "not created: the quota of %d tokens is reached; revoke some first",
		    TOKEN_QUOTA);
	} else if (st == PATROL_UNKNOWN_OUTCOME) {
		ui_msg(u, true, "no answer to the create: the token may exist; refresh (r) and "
		    "check before trying again");
	} else if (st != PATROL_OK) {
		ui_err_msg(u, "not created", c);
	} else {
		if (u->secret_pending != NULL)
			api_created_free(u->secret_pending);
		u->secret_pending = call_take_result(c);
		ui_msg(u, false, "token created");
		ui_state_load(u);
	}
	return UI_R_STATUS | UI_R_HEADER;
}

static unsigned
ui_on_edit(struct ui *u, struct call *c, size_t idx)
{
	if (c->err.status != PATROL_OK) {
		ui_err_msg(u, "not updated", c);
		return UI_R_STATUS;
	}
	ui_msg(u, false, "token updated");
	ui_state_load(u);
	return UI_R_STATUS | UI_R_HEADER;
}

/* The token permissions (:permissions), or why they could not be read. */
static unsigned
ui_on_perms(struct ui *u, struct call *c, size_t idx)
{
	if (c->err.status != PATROL_OK) {
		snprintf(u->ws->perms_err, sizeof u->ws->perms_err, "%s%s%.*s",
		    status_message(c->err.status), c->err.message[0] != '\0' ? ": " : "",
		    (int)sizeof u->ws->perms_err / 2, c->err.message);
	} else {
		u->ws->perms_err[0] = '\0';
		api_perms_free(u->ws->perms);
		u->ws->perms = call_take_result(c);
	}
	return UI_R_VIEW | (u->mode == UI_MODE_PERMISSIONS ? UI_R_LIST : 0);
}

/* A grant from the permissions view: the answer is the new permissions. */
static unsigned
ui_on_perm_grant(struct ui *u, struct call *c, size_t idx)
{
	enum api_principal kind;
	const char *name;

	if (c->err.status != PATROL_OK) {
		ui_err_msg(u, "not granted", c);
		return UI_R_STATUS;
	}
	api_perm_target(u->grant_arg, u->ws->perms, &kind, &name);
	ui_msg(u, false, "granted CAN_USE to %s %s", api_principal_words(kind), name);
	api_perms_free(u->ws->perms);
	u->ws->perms = call_take_result(c);
	u->ws->perms_err[0] = '\0';
	return UI_R_STATUS | UI_R_VIEW | (u->mode == UI_MODE_PERMISSIONS ? UI_R_LIST : 0);
}

/* The steps of a removal from the permissions view (ui_permissions.c). */
static unsigned
ui_on_perm_rm_perms(struct ui *u, struct call *c, size_t idx)
{
	return ui_perm_rm_on_perms(u, c);
}

static unsigned
ui_on_perm_rm_list(struct ui *u, struct call *c, size_t idx)
{
	return ui_perm_rm_on_list(u, c);
}

static unsigned
ui_on_perm_rm_put(struct ui *u, struct call *c, size_t idx)
{
	return ui_perm_rm_on_put(u, c);
}

static unsigned
ui_on_perm_rm_check(struct ui *u, struct call *c, size_t idx)
{
	return ui_perm_rm_on_check(u, c);
}

/* A list for the plan about to be applied (ui_bulk.c). */
static unsigned
ui_on_replan(struct ui *u, struct call *c, size_t idx)
{
	return ui_bulk_on_replan(u, c);
}

/* What each job's answer does; clears: the job's loading bit goes as the
 * answer comes (the list clears its own, once it knows the answer is for
 * the source on show). */
static const struct {
	unsigned (*fn)(struct ui *u, struct call *c, size_t idx);
	bool clears;
} ui_answers[] = {
	[UI_JOB_LIST] = { ui_on_list, false },
	[UI_JOB_ME] = { ui_on_me, true },
	[UI_JOB_CONF] = { ui_on_conf, true },
	[UI_JOB_CREATE] = { ui_on_create, false },
	[UI_JOB_EDIT] = { ui_on_edit, false },
	[UI_JOB_CONF_SET] = { ui_on_conf_set, false },
	[UI_JOB_REPLAN] = { ui_on_replan, true },
	[UI_JOB_PERMS] = { ui_on_perms, true },
	[UI_JOB_PERM_GRANT] = { ui_on_perm_grant, true },
	[UI_JOB_PERM_RM_PERMS] = { ui_on_perm_rm_perms, true },
	[UI_JOB_PERM_RM_LIST] = { ui_on_perm_rm_list, true },
	[UI_JOB_PERM_RM_PUT] = { ui_on_perm_rm_put, true },
	[UI_JOB_PERM_RM_CHECK] = { ui_on_perm_rm_check, true },
};

/* Handle one finished call (taken over and freed here). */
unsigned
ui_answers_take(struct ui *u, struct call *c)
{
	enum ui_job job = (enum ui_job)(c->tag & 0xff);
	uint64_t gen = (c->tag >> 8) & 0xffffff;
	size_t idx = (size_t)(c->tag >> 32);
	unsigned r = UI_R_HEADER | UI_R_STATUS;

	if (c->tag & BULK_TAG)       /* a revoke of the session: its own tag */
		return ui_bulk_on_call(u, c) | r;
	if (c->tag & ROTATE_TAG)     /* a step of the rotation: its own tag */
		return ui_rotate_on_call(u, c) | r;
	if (gen != (u->gen & 0xffffff) || (size_t)job >= sizeof ui_answers / sizeof ui_answers[0] ||
	    ui_answers[job].fn == NULL) {
		call_free(c);
		return UI_R_NONE;
	}
	if (worker_pending(u->ws->w) == 0)
		u->ws->loading = 0;
	if (ui_answers[job].clears)
		u->ws->loading &= ~(1u << job);
	r |= ui_answers[job].fn(u, c, idx);
	call_free(c);
	return r;
}
