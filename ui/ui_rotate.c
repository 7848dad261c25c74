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
		ui_estate_gone(u, it->old_id);
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

unsigned
ui_rotate_on_call(struct ui *u, struct call *c)
{
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
	bool self = u->ws->self_id[0] != '\0' && strcasecmp(u->ws->self_id, u->ws->rot_id) == 0;

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
	if (ui_estate_row_gone(u, &u->ws->tab.rows[row], "rotating a token"))
		return UI_R_STATUS;
	return ui_rotate_start(u, &u->ws->tab.rows[row]);
}

unsigned
ui_a_rotate(struct ui *u)
{
	return ui_rotate_ask(u, ui_state_current(u));
}

unsigned
ui_rotate_ask(struct ui *u, const struct token_info *t)
{
	char l[2][320], comment[200];
	const char *lines[2] = { l[0], l[1] };

	if (t == NULL || ui_estate_row_gone(u, t, "rotating a token"))
		return t == NULL ? UI_R_NONE : UI_R_STATUS;
	if (u->ws->rot != NULL) {
		ui_msg(u, true, "a rotation is running: one at a time");
		return UI_R_STATUS;
	}
	token_id_hex(t, u->ws->rot_id);
	sanitize_cell(token_comment(t) ? token_comment(t) : "", 40, 0, 0, comment, sizeof comment);
	snprintf(l[0], sizeof l[0], "Token %.*s  %s", TOKEN_SHORT_ID_LEN, u->ws->rot_id, comment);
	/* one paragraph: the dialog wraps it to its width */
	snprintf(l[1], sizeof l[1], "A new token gets its scopes and lifetime, and a comment "
		 "saying it replaced it. Its secret is shown once: copy (y) or write (w) it, and "
		 "closing revokes the old token%s.",
		 u->ws->self_id[0] && strcasecmp(u->ws->self_id, u->ws->rot_id) == 0 ?
		 " (not this one: patrol signs in with it)" : "");
	ui_dialog_open(u, dialog_confirm_new("Rotate this token?", lines, 2, NULL, u->ascii),
		       ui_rotate_confirm_done, NULL);
	return UI_R_ALL;
}
