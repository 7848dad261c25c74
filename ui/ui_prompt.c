/*
 * ui_prompt.c: the modal input on top of the keys: the open dialog, and the
 * status line's prompts (/ filter and search, : commands).
 *
 * Whoever opens either says what its end does: a dialog's callback gets the
 * answer, a prompt's kind (struct ui_prompt_kind) the line typed; nothing
 * here knows what they are for. A prompt edits with the line editor the
 * dialogs' fields use (lineedit.h), walks its own history with Up and Down
 * (the lines accepted in this run, the newest last; Down past the newest
 * gives back what was being typed), and completes the word before the
 * cursor with Tab when its kind can: the one candidate, else their longest
 * common prefix, else the candidates are named after the line.
 */
#include <stdlib.h>
#include <string.h>

#include "ui_curses.h"
#include "ui_internal.h"
#include "utf8.h"

void
ui_dialog_open(struct ui *u, struct dialog *d, ui_dialog_done_fn done, ui_dialog_step_fn step)
{
	if (d == NULL)
		ui_fatal("out of memory");
	dialog_free(u->dlg);
	u->dlg = d;
	u->dlg_done = done;
	u->dlg_step = step;
	/* opened on a member of several (ui_estate_one, its answers): its
	 * callbacks act there too */
	u->dlg_ws = UI_ESTATE(u) && u->ws->w != NULL ? u->ws : NULL;
}

/* Run the open dialog's callback on the workspace it was opened on: ws
 * set to it, the cursor of the table on show kept. */
static unsigned
ui_dialog_on(struct ui *u, struct ui_ws *on, ui_dialog_done_fn done, ui_dialog_step_fn step,
	     struct dialog *d, enum dialog_result res)
{
	struct ui_ws *view = u->ws;
	size_t cursor = u->cursor, top = u->top;
	unsigned r = UI_R_NONE;

	if (on != NULL)
		u->ws = on;
	if (step != NULL)
		step(u, d);
	else
		r = done(u, d, res);
	if (on != NULL && u->ws == on) {
		u->ws = view;
		u->cursor = cursor;
		u->top = top;
	}
	return r;
}

unsigned
ui_dialog_key(struct ui *u, int ch, bool is_key)
{
	struct dialog *d = u->dlg;
	ui_dialog_done_fn done = u->dlg_done;
	struct ui_ws *on = u->dlg_ws;
	enum dialog_result res;
	unsigned r;

	if (is_key && ch == KEY_RESIZE)
		return UI_R_ALL;
	res = dialog_key(d, ch, is_key);
	if (u->dlg_step != NULL)
		ui_dialog_on(u, on, NULL, u->dlg_step, d, res);
	if (res == DIALOG_OPEN)
		return UI_R_STATUS;
	/* closed before its callback runs: the callback may open another */
	u->dlg = NULL;
	u->dlg_done = NULL;
	u->dlg_step = NULL;
	u->dlg_ws = NULL;
	r = ui_dialog_on(u, on, done, NULL, d, res);
	dialog_free(d);
	return r | UI_R_ALL;
}

void
ui_dialog_free(struct ui *u)
{
	dialog_free(u->dlg);
	u->dlg = NULL;
	u->dlg_done = NULL;
	u->dlg_step = NULL;
	u->dlg_ws = NULL;
}

/* ---- the prompts --------------------------------------------------------- */

void
ui_prompt_open(struct ui *u, const struct ui_prompt_kind *k, const char *initial)
{
	struct ui_prompt *p = &u->prompt;

	if (p->le.buf == NULL && lineedit_init(&p->le, UI_PROMPT_MAX) != 0)
		ui_fatal("out of memory");
	lineedit_set(&p->le, initial != NULL ? initial : "");
	p->kind = k;
	p->hpos = u->hist[k->hist].n;
	free(p->draft);
	p->draft = NULL;
	p->hint[0] = '\0';
}

/* The line as UTF-8 (dies on out of memory). */
static char *
ui_prompt_text(const struct ui *u)
{
	char *s = lineedit_text(&u->prompt.le);

	if (s == NULL)
		ui_fatal("out of memory");
	return s;
}

/* Remember an accepted line (not twice in a row; the oldest go first). */
static void
ui_hist_add(struct ui_hist *h, const char *line)
{
	if (line[0] == '\0' || (h->n > 0 && strcmp(h->v[h->n - 1], line) == 0))
		return;
	if (h->n == UI_HIST_MAX) {
		free(h->v[0]);
		memmove(h->v, h->v + 1, (UI_HIST_MAX - 1) * sizeof *h->v);
		h->n--;
	}
	h->v[h->n++] = ui_xstrdup(line);
}

/* Close the prompt, then tell its kind: the line (accept), or NULL. */
static unsigned
ui_prompt_close(struct ui *u, bool accept)
{
	const struct ui_prompt_kind *k = u->prompt.kind;
	char *text = accept ? ui_prompt_text(u) : NULL;
	unsigned r;

	u->prompt.kind = NULL;
	u->prompt.hint[0] = '\0';
	if (text != NULL)
		ui_hist_add(&u->hist[k->hist], text);
	r = k->done(u, text) | UI_R_STATUS;
	free(text);
	return r;
}

/* The line changed: the kind may act on it (the live filter). */
static unsigned
ui_prompt_changed(struct ui *u)
{
	const struct ui_prompt_kind *k = u->prompt.kind;
	char *text;
	unsigned r = UI_R_STATUS;

	if (k->changed != NULL) {
		text = ui_prompt_text(u);
		r |= k->changed(u, text);
		free(text);
	}
	return r;
}

/* Up (dir -1) or Down (dir 1) through the kind's history. */
static unsigned
ui_prompt_history(struct ui *u, int dir)
{
	struct ui_prompt *p = &u->prompt;
	const struct ui_hist *h = &u->hist[p->kind->hist];

	if ((dir < 0 && p->hpos == 0) || (dir > 0 && p->hpos >= h->n))
		return UI_R_NONE;
	if (p->hpos == h->n) {
		free(p->draft);
		p->draft = ui_prompt_text(u);
	}
	p->hpos = dir < 0 ? p->hpos - 1 : p->hpos + 1;
	lineedit_set(&p->le, p->hpos < h->n ? h->v[p->hpos] : p->draft != NULL ? p->draft : "");
	return ui_prompt_changed(u);
}

/* The bytes of s two strings share from the start. */
static size_t
ui_common(const char *a, const char *b)
{
	size_t n = 0;

	while (a[n] != '\0' && a[n] == b[n])
		n++;
	return n;
}

/* The candidates for word (after before) that start with it: how many,
 * the first in *one, and how many bytes all of them share. */
static size_t
ui_prompt_matches(struct ui *u, const char *before, const char *word, const char **one,
    size_t *common)
{
	const struct ui_prompt_kind *k = u->prompt.kind;
	size_t i, n = 0, len = strlen(word);
	const char *c;

	for (i = 0; (c = k->complete(u, before, i)) != NULL; i++) {
		if (strncmp(c, word, len) != 0)
			continue;
		*common = n == 0 ? strlen(c) : ui_common(*one, c) < *common ?
		    ui_common(*one, c) : *common;
		if (n++ == 0)
			*one = c;
	}
	if (n > 1 && *common < strlen(*one))
		*common = utf8_boundary(*one, *common);
	return n;
}

/* Name the candidates after the line, as many as fit. */
static void
ui_prompt_hint(struct ui *u, const char *before, const char *word)
{
	const struct ui_prompt_kind *k = u->prompt.kind;
	char *h = u->prompt.hint;
	size_t i, len = 0, wlen = strlen(word);
	const char *c;

	h[0] = '\0';
	for (i = 0; (c = k->complete(u, before, i)) != NULL; i++)
		if (strncmp(c, word, wlen) == 0 && len + strlen(c) + 2 < sizeof u->prompt.hint)
			len += (size_t)snprintf(h + len, sizeof u->prompt.hint - len, "%s%s",
			    len > 0 ? " " : "", c);
}

/* Tab: complete the word before the cursor from the kind's candidates. */
static unsigned
ui_prompt_complete(struct ui *u)
{
	struct ui_prompt *p = &u->prompt;
	const char *one = NULL;
	size_t n, common = 0, wlen;
	char *before, *start, *word;

	if (p->kind->complete == NULL)
		return UI_R_NONE;
	if ((before = lineedit_text_before(&p->le)) == NULL)
		ui_fatal("out of memory");
	start = strrchr(before, ' ') != NULL ? strrchr(before, ' ') + 1 : before;
	word = ui_xstrdup(start);
	*start = '\0';                /* before: the words before the one completed */
	wlen = strlen(word);
	n = ui_prompt_matches(u, before, word, &one, &common);
	if (n == 0) {
		snprintf(p->hint, sizeof p->hint, "(nothing to complete)");
	} else if (n == 1) {
		lineedit_insert_text(&p->le, one + wlen, SIZE_MAX);
		lineedit_insert_text(&p->le, " ", SIZE_MAX);
	} else if (common > wlen) {
		lineedit_insert_text(&p->le, one + wlen, common - wlen);
	} else {
		ui_prompt_hint(u, before, word);
	}
	free(before);
	free(word);
	return n == 1 || common > wlen ? ui_prompt_changed(u) : UI_R_STATUS;
}

unsigned
ui_prompt_key(struct ui *u, int ch, bool is_key)
{
	struct ui_prompt *p = &u->prompt;
	bool erase = (is_key && ch == KEY_BACKSPACE) || (!is_key && (ch == 127 || ch == 8));

	if (is_key && ch == KEY_RESIZE)
		return UI_R_ALL;
	if (!(!is_key && ch == '\t'))
		p->hint[0] = '\0';
	if (!is_key && ch == UI_ESC)
		return ui_prompt_close(u, false);
	if ((!is_key && (ch == '\r' || ch == '\n')) || (is_key && ch == KEY_ENTER))
		return ui_prompt_close(u, true);
	if (erase && p->le.len == 0 && p->kind->close_on_erase)
		return ui_prompt_close(u, false);
	if (is_key && (ch == KEY_UP || ch == KEY_DOWN))
		return ui_prompt_history(u, ch == KEY_UP ? -1 : 1);
	if (!is_key && ch == '\t')
		return ui_prompt_complete(u);
	switch (lineedit_key(&p->le, ch, is_key)) {
	case LINEEDIT_EDITED:
		return ui_prompt_changed(u);
	case LINEEDIT_MOVED:
	case LINEEDIT_FULL:
		return UI_R_STATUS;
	case LINEEDIT_NONE:
		break;
	}
	return UI_R_NONE;
}

void
ui_prompt_free(struct ui *u)
{
	size_t k, i;

	lineedit_free(&u->prompt.le);
	free(u->prompt.draft);
	u->prompt.draft = NULL;
	u->prompt.kind = NULL;
	for (k = 0; k < UI_HIST_COUNT; k++) {
		for (i = 0; i < u->hist[k].n; i++)
			free(u->hist[k].v[i]);
		u->hist[k].n = 0;
	}
}
