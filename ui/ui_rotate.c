/*
 * ui_rotate.c: o rotates the token under the cursor (rotate.h): a confirm
 * (focus on Cancel), the replacement created like for like, its secret in
 * the secret dialog (the destination: y copies it, w writes it to a file),
 * and once that dialog is closed, the old token's revoke. One rotation at a
 * time, journaled as the command line's is: a rotation the view could not
 * finish is left to patrol rotate --resume.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "journal.h"
#include "sanitize.h"
#include "ui_internal.h"

/* The look-up of a token's owner as a service principal before the
 * confirm (admin mode, another's token): a rotation call's tag, no item. */
#define UI_ROTATE_CHECK ((uint64_t)1 << 59)

/* Send the rotation's next call, if it has one now. */
static void
ui_rotate_send(struct ui *u)
{
	struct call *c = rotate_next(u->ws->rot, 0);

	if (c != NULL)
		worker_submit(u->ws->w, c);
}

/* The rotation is decided: say how, close it, fetch the list again. */
static unsigned
ui_rotate_end(struct ui *u)
{
	const struct rotate_item *it = rotate_item(u->ws->rot, 0);
	bool open = rotate_open(u->ws->rot) > 0;
	char old[16], new[16];

	snprintf(old, sizeof old, "%.*s", TOKEN_SHORT_ID_LEN, it->old_id);
	snprintf(new, sizeof new, "%.*s", TOKEN_SHORT_ID_LEN, it->new_id);
	if (it->result == ROTATE_ROTATED)
		ui_msg(u, false, "rotated %s: the new token is %s, the old one is revoked", old, new);
	else if (it->result == ROTATE_KEPT)
		ui_msg(u, false, "rotated %s: the new token is %s; %s", old, new, it->err.message);
	else
		ui_msg(u, true, "%s %s: %s%s", rotate_result_label(it->result), old,
		       it->err.message[0] ? it->err.message : status_message(it->err.status),
		       open ? " (patrol rotate --resume goes on with it)" : "");
	/* the old row leaves now, under every profile of this workspace: never
	 * rotated (nor shown) again while the fresh list is on its way */
	if (it->result == ROTATE_ROTATED)
		ui_state_gone(u, it->old_id);
	rotate_end(u->ws->rot);
	rotate_free(u->ws->rot);
	u->ws->rot = NULL;
	ui_state_load(u);
	return UI_R_ALL;
}

/* The secret dialog closed. Copied or written, the secret reached its
 * destination and the old token goes; discarded untouched, it is lost: the
 * new token is revoked instead and the old one stays. */
static unsigned
ui_rotate_secret_done(struct ui *u, struct dialog *d, enum dialog_result res)
{
	struct patrol_err lost;

	(void)res;
	if (u->ws->rot == NULL)
		return UI_R_NONE;
	status_clear(&lost);
	if (!dialog_secret_taken(d))
		status_set(&lost, PATROL_CANCELLED, "the new secret was discarded without a copy "
			   "or a file: the new token is revoked, the old one kept");
	rotate_delivered(u->ws->rot, 0, lost.status != PATROL_OK ? &lost : NULL);
	if (rotate_item(u->ws->rot, 0)->result != ROTATE_PENDING)
		return ui_rotate_end(u);
	ui_msg(u, false, "revoking the %s token%s", lost.status != PATROL_OK ? "new" : "old",
	       u->ascii ? "..." : "\u2026");
	ui_rotate_send(u);
	return UI_R_STATUS;
}

/* After an answer: show the secret, send the next call, or end. */
static unsigned
ui_rotate_step(struct ui *u)
{
	const struct rotate_item *it = rotate_item(u->ws->rot, 0);
	const char *secret = rotate_secret(u->ws->rot, 0);

	if (secret != NULL) {
		if (u->dlg != NULL)
			return UI_R_NONE;       /* ui_rotate_pending shows it after */
		ui_dialog_open(u, dialog_secret_new(secret, it->new_id, it->comment ? it->comment : "",
		    u->ascii), ui_rotate_secret_done, ui_secret_request);
		ui_msg(u, false, "the new token's secret, once: y copies it, w writes it to a "
		       "file; closing then revokes the old token");
		return UI_R_ALL;
	}
	if (it->result != ROTATE_PENDING)
		return ui_rotate_end(u);
	ui_rotate_send(u);
	return UI_R_STATUS;
}

static unsigned ui_rotate_checked(struct ui *u, struct call *c);

unsigned
ui_rotate_on_call(struct ui *u, struct call *c)
{
	if (c->tag & UI_ROTATE_CHECK)
		return ui_rotate_checked(u, c);
	if (u->ws->rot == NULL || rotate_finish(u->ws->rot, c) < 0) {
		call_free(c);
		return UI_R_NONE;
	}
	return ui_rotate_step(u);
}

unsigned
ui_rotate_pending(struct ui *u)
{
	struct ui_ws *view = u->ws;
	unsigned r = UI_R_NONE;
	size_t i;

	if (UI_ESTATE(u) && view->w == NULL) {   /* several: a member's rotation */
		for (i = 0; i < u->nest && u->dlg == NULL; i++) {
			u->ws = u->est[i];
			r |= ui_rotate_pending(u);
			u->ws = view;
		}
		return r;
	}
	if (u->ws->rot == NULL || u->dlg != NULL || rotate_secret(u->ws->rot, 0) == NULL)
		return UI_R_NONE;
	return ui_rotate_step(u);
}

/* Start the rotation of row t: its session, its journal, its first call. */
static unsigned
ui_rotate_start(struct ui *u, const struct token_info *t)
{
	struct rotate_opts o = { .dest = ROTATE_DEST_DIALOG };
	const char *me = u->ws->me != NULL ? u->ws->me->id : NULL;
	const char *user = u->ws->me != NULL ? u->ws->me->user_name : NULL;
	struct rotation *r;
	struct patrol_err err;
	char *dir = NULL;
	bool self = ui_bulk_self(u, u->ws, u->ws->rot_id) != NULL;   /* a twin's too */

	if ((r = rotate_new(UI_MGMT(u), &o, me, u->ws->max_days * 86400, false)) == NULL ||
	    rotate_add(r, t, self) < 0)
		ui_fatal("out of memory");
	status_clear(&err);
	if (journal_dir(true, &dir, &err) != PATROL_OK ||
	    rotate_journal_start(r, dir, u->ws->cfg->host, user,
				 u->ws->profile[0] ? u->ws->profile : NULL, &err) != PATROL_OK) {
		ui_msg(u, true, "cannot record the rotation, so nothing was done: %s", err.message);
		rotate_free(r);
		free(dir);
		return UI_R_STATUS;
	}
	free(dir);
	u->ws->rot = r;
	ui_msg(u, false, "rotating: creating the replacement%s", u->ascii ? "..." : "\u2026");
	return ui_rotate_step(u);
}

/* The confirm ended: OK starts it, on the row as the list has it now. */
static unsigned
ui_rotate_confirm_done(struct ui *u, struct dialog *d, enum dialog_result res)
{
	long row;

	(void)d;
	if (res != DIALOG_OK)
		return UI_R_NONE;
	if ((row = token_find(&u->ws->tab, u->ws->rot_id)) < 0) {
		ui_msg(u, true, "the token is no longer listed: nothing was rotated");
		return UI_R_STATUS;
	}
	if (ui_state_row_gone(u, &u->ws->tab.rows[row], "rotating a token"))
		return UI_R_STATUS;
	return ui_rotate_start(u, &u->ws->tab.rows[row]);
}

unsigned
ui_a_rotate(struct ui *u)
{
	return ui_rotate_ask(u, ui_state_current(u));
}

/* The confirm, on row t (whose id is u->ws->rot_id). */
static unsigned
ui_rotate_confirm(struct ui *u, const struct token_info *t)
{
	char l[3][320], comment[200], host[200];
	const char *lines[3] = { l[0], l[1], l[2] };
	size_t n = 0;

	sanitize_cell(token_comment(t) ? token_comment(t) : "", 40, 0, 0, comment, sizeof comment);
	snprintf(l[n++], sizeof l[0], "Token %.*s  %s", TOKEN_SHORT_ID_LEN, u->ws->rot_id, comment);
	if (UI_ESTATE(u)) {          /* several on show: which one (ids are a workspace's) */
		sanitize_cell(u->ws->cfg->host, 120, 0, u->sflags, host, sizeof host);
		snprintf(l[n++], sizeof l[0], "In workspace %s (%s).", u->ws->profile, host);
	}
	/* one paragraph: the dialog wraps it to its width */
	snprintf(l[n++], sizeof l[0], "A new token gets its scopes and lifetime, and a comment "
		 "saying it replaced it. Its secret is shown once: copy (y) or write (w) it, and "
		 "closing revokes the old token%s.",
		 ui_bulk_self(u, u->ws, u->ws->rot_id) != NULL ?
		 " (not this one: patrol signs in with it)" : "");
	ui_dialog_open(u, dialog_confirm_new("Rotate this token?", lines, n, NULL, u->ascii),
		       ui_rotate_confirm_done, NULL);
	return UI_R_ALL;
}

/* Whether the rotation of t creates its replacement on another's behalf
 * (admin mode, another owner's token: rotate.c's own test), which only a
 * service principal's token allows. */
static bool
ui_rotate_on_behalf(const struct ui *u, const struct token_info *t)
{
	char owner[32];

	if (!UI_MGMT(u) || t->owner_id == 0 || u->ws->me == NULL || u->ws->me->id == NULL)
		return false;
	snprintf(owner, sizeof owner, "%lld", (long long)t->owner_id);
	return strcmp(owner, u->ws->me->id) != 0;
}

/* The owner's look-up answered: a user's token is refused (no service
 * principal has the owner's id: only the owner can create its
 * replacement), in a line short enough to be read whole, before anything
 * is asked or created; a service principal's goes on to the confirm. */
static unsigned
ui_rotate_checked(struct ui *u, struct call *c)
{
	char who[200];
	long row;

	u->ws->rot_checking = false;
	if ((row = token_find(&u->ws->tab, u->ws->rot_id)) < 0) {
		call_free(c);
		return ui_msg(u, true, "the token is no longer listed: nothing was rotated"),
		    UI_R_STATUS;
	}
	sanitize_cell(token_owner(&u->ws->tab.rows[row])[0] ? token_owner(&u->ws->tab.rows[row]) :
	    "a user", 80, 0, u->sflags, who, sizeof who);
	if (c->err.status == PATROL_NOT_FOUND)
		ui_msg(u, true, "cannot rotate %.*s: it is user %s's; only they can rotate it",
		    TOKEN_SHORT_ID_LEN, u->ws->rot_id, who);
	else if (c->err.status != PATROL_OK)
		ui_msg(u, true, "cannot rotate %.*s: its owner %s could not be looked up: %s",
		    TOKEN_SHORT_ID_LEN, u->ws->rot_id, who,
		    c->err.message[0] ? c->err.message : status_message(c->err.status));
	call_free(c);
	if (u->status_error || u->dlg != NULL)   /* refused, or another dialog opened meanwhile */
		return UI_R_STATUS;
	ui_msg_clear(u);
	return ui_rotate_confirm(u, &u->ws->tab.rows[row]);
}

/* Look up t's owner as a service principal before asking. */
static unsigned
ui_rotate_check(struct ui *u, const struct token_info *t)
{
	struct call *c = api_scim_sp_get(t->owner_id);

	if (c == NULL)
		ui_fatal("out of memory");
	c->tag = ROTATE_TAG | UI_ROTATE_CHECK;
	worker_submit(u->ws->w, c);
	u->ws->rot_checking = true;
	ui_msg(u, false, "checking who owns %.*s%s", TOKEN_SHORT_ID_LEN, u->ws->rot_id,
	    u->ascii ? "..." : "\u2026");
	return UI_R_STATUS;
}

unsigned
ui_rotate_ask(struct ui *u, const struct token_info *t)
{
	if (t == NULL || ui_state_row_gone(u, t, "rotating a token"))
		return t == NULL ? UI_R_NONE : UI_R_STATUS;
	if (u->ws->rot != NULL || u->ws->rot_checking) {
		ui_msg(u, true, "a rotation is running: one at a time");
		return UI_R_STATUS;
	}
	token_id_hex(t, u->ws->rot_id);
	if (ui_rotate_on_behalf(u, t))
		return ui_rotate_check(u, t);
	return ui_rotate_confirm(u, t);
}
