/*
 * ui_prompt.c: the modal input on top of the keys: the status line's
 * prompts (/ filter and search, : commands) and the open dialog.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "ui_curses.h"
#include "ui_internal.h"

void
ui_dialog_open(struct ui *u, struct dialog *d, ui_dialog_done_fn done, ui_dialog_step_fn step)
{
	if (d == NULL)
		ui_fatal("out of memory");
	dialog_free(u->dlg);
	u->dlg = d;
	u->dlg_done = done;
	u->dlg_step = step;
}

unsigned
ui_dialog_key(struct ui *u, int ch, bool is_key)
{
	struct dialog *d = u->dlg;
	ui_dialog_done_fn done = u->dlg_done;
	enum dialog_result res;
	unsigned r;

	if (is_key && ch == KEY_RESIZE)
		return UI_R_ALL;
	res = dialog_key(d, ch, is_key);
	if (u->dlg_step != NULL)
		u->dlg_step(u, d);
	if (res == DIALOG_OPEN)
		return UI_R_STATUS;
	/* closed before its callback runs: the callback may open another */
	u->dlg = NULL;
	u->dlg_done = NULL;
	u->dlg_step = NULL;
	r = done(u, d, res);
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
}

/* Remove the last UTF-8 character of the prompt. */
static void
ui_prompt_erase(struct ui *u)
{
	size_t n = strlen(u->input);

	while (n > 0 && ((unsigned char)u->input[n - 1] & 0xc0) == 0x80)
		n--;
	if (n > 0)
		n--;
	u->input[n] = '\0';
}

static void
ui_prompt_append(struct ui *u, wchar_t wc)
{
	char mb[MB_LEN_MAX];
	mbstate_t st;
	size_t n, len = strlen(u->input);

	memset(&st, 0, sizeof st);
	n = wcrtomb(mb, wc, &st);
	if (n == (size_t)-1 || len + n + 1 > sizeof u->input)
		return;
	memcpy(u->input + len, mb, n);
	u->input[len + n] = '\0';
}

static unsigned
ui_prompt_done(struct ui *u, bool accept)
{
	enum ui_prompt p = u->prompt;
	char line[sizeof u->input];

	u->prompt = UI_PROMPT_NONE;
	if (p == UI_PROMPT_COMMAND)
		return accept ? (snprintf(line, sizeof line, "%s", u->input),
		    ui_keys_command(u, line) | UI_R_STATUS) : UI_R_STATUS;
	if (p == UI_PROMPT_SEARCH)
		return accept && u->input[0] != '\0' ?
		    ui_keys_search(u, u->input, 1, true) | UI_R_STATUS : UI_R_STATUS;
	if (accept) {
		if (ui_state_set_filter(u, u->input, u->filter_committed) != 0) {
			char why[sizeof u->status];
			snprintf(why, sizeof why, "%s", u->status);
			ui_msg(u, true, "%s (kept: %s)", why,
			    u->filter_text[0] != '\0' ? u->filter_text : "no filter");
			ui_state_refilter(u);
		}
		return UI_R_TABLE | UI_R_STATUS | UI_R_HEADER;
	}
	ui_state_set_filter(u, "", NULL);
	ui_state_refilter(u);
	ui_msg(u, false, "filter cleared");
	return UI_R_TABLE | UI_R_STATUS | UI_R_HEADER;
}

/* Live filter: apply every change that compiles; while it does not, show
 * what the filter committed before the prompt opened shows. */
static unsigned
ui_prompt_changed(struct ui *u)
{
	if (u->prompt != UI_PROMPT_FILTER)
		return UI_R_STATUS;
	ui_state_set_filter(u, u->input, u->filter_committed);
	ui_state_refilter(u);
	return UI_R_TABLE | UI_R_STATUS | UI_R_HEADER;
}

unsigned
ui_prompt_key(struct ui *u, int ch, bool is_key)
{
	if (is_key && ch == KEY_RESIZE)
		return UI_R_ALL;
	if ((!is_key && ch == UI_ESC))
		return ui_prompt_done(u, false);
	if ((!is_key && (ch == '\r' || ch == '\n')) || (is_key && ch == KEY_ENTER))
		return ui_prompt_done(u, true);
	if ((is_key && ch == KEY_BACKSPACE) || (!is_key && (ch == 127 || ch == 8))) {
		if (u->input[0] == '\0' && u->prompt == UI_PROMPT_COMMAND)
			return ui_prompt_done(u, false);
		ui_prompt_erase(u);
		return ui_prompt_changed(u);
	}
	if (!is_key && ch == UI_CTRL('u')) {
		u->input[0] = '\0';
		return ui_prompt_changed(u);
	}
	if (is_key || ch < 0x20 || ch == 127)
		return UI_R_NONE;
	ui_prompt_append(u, (wchar_t)ch);
	return ui_prompt_changed(u);
}
