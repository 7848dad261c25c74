/*
 * ui_token.c: the actions on one token: create (then the one-time secret,
 * which can be copied or written to a file), edit its comment and scopes,
 * copy its id (OSC 52).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "savefile.h"
#include "secret.h"
#include "ui_internal.h"

/* ---- create, edit, copy ----------------------------------------------- */

/* The create dialog ended: OK sends the create (the secret comes back). */
static unsigned
ui_create_done(struct ui *u, struct dialog *d, enum dialog_result res)
{
	struct api_create_params p;
	struct call *c;

	if (res != DIALOG_OK)
		return UI_R_NONE;
	memset(&p, 0, sizeof p);
	dialog_create_params(d, &p);
	if (p.application_id != NULL && p.application_id[0] != '\0')
		c = api_tm_create_obo(&p);
	else
		c = api_token_create(&p);
	ui_state_submit(u, c, UI_JOB_CREATE, 0);
	ui_msg(u, false, "creating a token%s", u->ascii ? "..." : "\u2026");
	return UI_R_NONE;
}

unsigned
ui_a_create(struct ui *u)
{
	bool admin = u->ws->me != NULL && u->ws->me->is_admin;

	ui_dialog_open(u, dialog_create_new(u->ws->max_days, admin, u->ascii), ui_create_done, NULL);
	return UI_R_ALL;
}

/* The edit dialog ended: OK sends what changed. */
static unsigned
ui_edit_done(struct ui *u, struct dialog *d, enum dialog_result res)
{
	struct api_update_params p;
	struct call *c;

	if (res != DIALOG_OK)
		return UI_R_NONE;
	memset(&p, 0, sizeof p);
	dialog_edit_params(d, &p);
	if (p.comment == NULL && !p.set_scopes) {
		ui_msg(u, false, "nothing changed");
		return UI_R_NONE;
	}
	c = UI_MGMT(u) ? api_tm_update(u->edit_id, &p) : api_token_update(u->edit_id, &p);
	ui_state_submit(u, c, UI_JOB_EDIT, 0);
	ui_msg(u, false, "updating%s", u->ascii ? "..." : "\u2026");
	return UI_R_NONE;
}

unsigned
ui_a_edit(struct ui *u)
{
	return ui_token_edit(u, ui_state_current(u));
}

unsigned
ui_token_edit(struct ui *u, const struct token_info *t)
{
	if (t == NULL)
		return UI_R_NONE;
	token_id_hex(t, u->edit_id);
	ui_dialog_open(u, dialog_edit_new(token_comment(t) != NULL ? token_comment(t) : "",
	    token_list_items(t, TOKEN_LIST_SCOPES), token_nscopes(t), u->ascii), ui_edit_done,
	    NULL);
	return UI_R_ALL;
}

/* What a copy did, and how to say it: for the id (status line) and for a
 * secret (the dialog's note). Never "copied" where it cannot have been. */
#define UI_COPIES(_) \
	_(SENT, false, "copied the id to the clipboard (OSC 52: the terminal must allow it)", \
	  "copied to the clipboard (OSC 52: the terminal must allow it)") \
	_(TMUX, false, "copied the id to the clipboard; tmux keeps a paste buffer of it too", \
	  "copied; tmux also keeps it in a paste buffer until you run tmux delete-buffer") \
	_(TMUX_MAYBE, false, "sent the id with OSC 52: tmux passes it on only with set-clipboard on", \
	  "sent with OSC 52: tmux passes it on only with set-clipboard on (and then keeps a paste buffer: tmux delete-buffer)") \
	_(DROPPED, true, "not copied: this tmux drops OSC 52 from programs (tmux set -s set-clipboard on)", \
	  "! not copied: this tmux drops OSC 52 from programs (tmux set -s set-clipboard on); w writes a file") \
	_(FAILED, true, "cannot copy: too long, or out of memory", \
	  "! cannot copy: too long, or out of memory")

#define UI_COPY_ENUM(e, err, id, secret) UI_COPY_##e,
enum ui_copy { UI_COPIES(UI_COPY_ENUM) };
#undef UI_COPY_ENUM
#define UI_COPY_ROW(e, err, id, secret) { err, id, secret },
static const struct {
	bool error;
	const char *id;
	const char *secret;
} ui_copy_says[] = { UI_COPIES(UI_COPY_ROW) };
#undef UI_COPY_ROW

/* Put text on the clipboard with OSC 52, straight to the terminal; inside
 * tmux only when its set-clipboard lets a program do that. */
static enum ui_copy
ui_copy(struct ui *u, const char *text)
{
	const char *tmux = getenv("TMUX");
	bool in_tmux = tmux != NULL && *tmux != '\0';
	enum osc52_tmux how = in_tmux ? osc52_tmux_clipboard() : OSC52_TMUX_UNKNOWN;
	char *seq;

	if (how == OSC52_TMUX_DROPS)
		return UI_COPY_DROPPED;
	if ((seq = osc52_sequence(text, 8192, tmux, getenv("TERM"))) == NULL)
		return UI_COPY_FAILED;
	ui_term_write_raw(u, seq, strlen(seq));
	secret_free(seq);
	if (!in_tmux)
		return UI_COPY_SENT;
	return how == OSC52_TMUX_ON ? UI_COPY_TMUX : UI_COPY_TMUX_MAYBE;
}

unsigned
ui_a_copy(struct ui *u)
{
	char buf[TOKEN_ID_LEN + 1];
	const char *id = ui_state_current_id(u, buf);
	enum ui_copy c;

	if (id == NULL)
		return UI_R_NONE;
	c = ui_copy(u, id);
	ui_msg(u, ui_copy_says[c].error, "%s", ui_copy_says[c].id);
	return UI_R_STATUS;
}

/* ---- the secret ---------------------------------------------------------- */

static int
ui_secret_fill(FILE *fp, const void *ctx)
{
	return fputs(ctx, fp) < 0 || fputc('\n', fp) == EOF ? -1 : 0;
}

/* w in the secret dialog: a new file (~ expanded), 0600, whole or not at all. */
static void
ui_secret_write(struct ui *u, struct dialog *d)
{
	const char *typed = dialog_secret_path(d);
	struct patrol_err err;
	char note[600], *path = savefile_expand(typed);

	status_clear(&err);
	if (path == NULL)
		status_set(&err, PATROL_IO, "cannot write %s: HOME is not set", typed);
	else
		savefile_write(path, SAVEFILE_NEW, ui_secret_fill, dialog_secret_value(d), &err);
	if (err.status == PATROL_OK)
		snprintf(note, sizeof note, "written to %s (mode 0600)", path);
	else
		snprintf(note, sizeof note, "! %s: type another path, or Esc", err.message);
	dialog_secret_written(d, err.status == PATROL_OK, note);
	free(path);
}

/* After each key of the secret dialog: do what it asks (copy, write). */
void
ui_secret_request(struct ui *u, struct dialog *d)
{
	switch (dialog_secret_request(d)) {
	case DIALOG_REQ_COPY:
		dialog_note(d, ui_copy_says[ui_copy(u, dialog_secret_value(d))].secret);
		break;
	case DIALOG_REQ_WRITE:
		ui_secret_write(u, d);
		break;
	case DIALOG_REQ_NONE:
		break;
	}
}

/* The secret dialog closed: the secret is wiped with it. */
static unsigned
ui_secret_done(struct ui *u, struct dialog *d, enum dialog_result res)
{
	ui_msg(u, false, "the secret is gone from memory; the new token is in the list");
	return UI_R_NONE;
}

/* Show a created secret once no other dialog is open; the copy is wiped. */
unsigned
ui_keys_secret_pending(struct ui *u)
{
	struct api_created *c = u->secret_pending;
	const struct token_info *t;
	char id[TOKEN_ID_LEN + 1];

	if (c == NULL || u->dlg != NULL)
		return UI_R_NONE;
	t = api_created_info(c);
	ui_dialog_open(u, dialog_secret_new(c->token_value, token_id_hex(t, id),
	    token_comment(t) != NULL ? token_comment(t) : "", u->ascii), ui_secret_done,
	    ui_secret_request);
	api_created_free(c);
	u->secret_pending = NULL;
	return UI_R_ALL;
}
