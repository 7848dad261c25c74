/*
 * ui_scopes.c: the scopes view (S, :scopes), auto-scoping's review queue
 * over the rows the filter shows, as `patrol scopes` prints it: when each
 * token is narrowed (patrol's estimate), its state in words, owner,
 * comment, and its scopes now -> after, marked ! when it loses access.
 * Sorted by the enforcement date (soonest first, nothing pending last), the
 * state or the owner; < > choose, I inverts, Enter goes to the token in the
 * table. No curses here: the painter draws the lines like the other list
 * views.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanitize.h"
#include "ui_internal.h"

#define UI_S_WHEN 24
#define UI_S_STATE 13
#define UI_S_OWNER 20
#define UI_S_COMMENT 20
#define UI_S_SCOPES 4096

static const char *const ui_ssort_titles[UI_SSORT_COUNT] = {
	[UI_SSORT_ENFORCED] = "ENFORCED",
	[UI_SSORT_STATE] = "STATE",
	[UI_SSORT_OWNER] = "OWNER",
};

/* The enforcement date as a sort key: nothing pending sorts last. */
static int64_t
ui_scopes_when(const struct token_info *t)
{
	int64_t at = token_autoscope_enforce_ms(t);

	return at > 0 ? at : INT64_MAX;
}

/* Rows a and b (indexes into the table) by sort k; ties by date, then id. */
static int
ui_scopes_cmp(const void *pa, const void *pb, void *ctx)
{
	const struct ui *u = ctx;
	const struct token_info *a = &u->ws->tab.rows[*(const size_t *)pa];
	const struct token_info *b = &u->ws->tab.rows[*(const size_t *)pb];
	int64_t wa = ui_scopes_when(a), wb = ui_scopes_when(b);
	int c = 0;

	if (u->ssort == UI_SSORT_STATE)
		c = strcmp(autoscope_state_words(token_autoscope_state(a)),
		    autoscope_state_words(token_autoscope_state(b)));
	else if (u->ssort == UI_SSORT_OWNER)
		c = strcmp(token_owner(a), token_owner(b));
	if (c == 0 && wa != wb)
		c = wa < wb ? -1 : 1;
	return c != 0 ? c : token_id_cmp(a, b);
}

/* One cell, sanitized and padded to width, then two spaces. */
static size_t
ui_scopes_cell(const struct ui *u, const char *s, size_t width, char *out, size_t pos, size_t n)
{
	pos += sanitize_cell(s, width, 1, u->sflags, out + pos, n - pos);
	if (pos + 2 < n)
		pos += (size_t)snprintf(out + pos, n - pos, "  ");
	return pos;
}

/* P (staged for pinning), when, state, [owner], comment, now -> after (!
 * when it loses access) */
static char *
ui_scopes_line(const struct ui *u, const struct token_info *t, unsigned mark)
{
	struct autoscope_access after;
	char line[UI_S_SCOPES * 2 + 256], when[64], now[UI_S_SCOPES], aft[UI_S_SCOPES];
	size_t pos = 0;

	token_autoscope_enforce_format(t, u->ws->ctx.now_ms, when, sizeof when);
	token_scopes_format(t, now, sizeof now);
	line[pos++] = (char)(mark & UI_MARK_PIN ? 'P' : ' ');
	line[pos++] = ' ';
	token_autoscope_after(t, &after);
	autoscope_access_format(&after, aft, sizeof aft);
	pos = ui_scopes_cell(u, when, UI_S_WHEN, line, pos, sizeof line);
	pos = ui_scopes_cell(u, autoscope_state_words(token_autoscope_state(t)), UI_S_STATE, line,
	    pos, sizeof line);
	if (UI_MGMT(u))
		pos = ui_scopes_cell(u, token_owner(t), UI_S_OWNER, line, pos, sizeof line);
	pos = ui_scopes_cell(u, token_comment(t) != NULL ? token_comment(t) : "", UI_S_COMMENT, line,
	    pos, sizeof line);
	snprintf(line + pos, sizeof line - pos, "%s%s %s %s", token_autoscope_narrows(t) ? "! " : "",
	    now, u->ascii ? "->" : "\u2192", aft);
	return ui_xstrdup(line);
}

/* The title: the columns, the sorted one with its arrow, and the keys. */
static void
ui_scopes_title(struct ui *u, size_t n, size_t narrowing)
{
	char t[UI_SSORT_COUNT][64], title[sizeof u->vtitle];
	const char *arrow = u->ascii ? (u->sdesc ? "v" : "^") : (u->sdesc ? "\u25bc" : "\u25b2");
	size_t pos = 0;
	int k;

	for (k = 0; k < UI_SSORT_COUNT; k++)
		snprintf(t[k], sizeof t[k], "%s%s", ui_ssort_titles[k], (int)u->ssort == k ? arrow : "");
	title[pos++] = ' ';
	title[pos++] = ' ';
	pos = ui_scopes_cell(u, t[UI_SSORT_ENFORCED], UI_S_WHEN, title, pos, sizeof title);
	pos = ui_scopes_cell(u, t[UI_SSORT_STATE], UI_S_STATE, title, pos, sizeof title);
	if (UI_MGMT(u))
		pos = ui_scopes_cell(u, t[UI_SSORT_OWNER], UI_S_OWNER, title, pos, sizeof title);
	pos = ui_scopes_cell(u, "COMMENT", UI_S_COMMENT, title, pos, sizeof title);
	snprintf(title + pos, sizeof title - pos, "NOW %s AFTER  (%zu shown, %zu lose access !; "
	    "p stages a pin, x pins, Enter goes to it, < > I sort)", u->ascii ? "->" : "\u2192", n, narrowing);
	snprintf(u->vtitle, sizeof u->vtitle, "%s", title);
}

void
ui_lists_scopes(struct ui *u)
{
	struct ui_lines l = { NULL, 0, 0 };
	struct ui_rowkey keep = { "", 0 }, *ids;
	size_t *rows, i, n = u->ws->nshown, sel = 0, narrowing = 0;

	if (u->mode == UI_MODE_SCOPES && u->vsel < u->nvids)
		keep = u->vids[u->vsel];
	rows = ui_xcalloc(n + 1, sizeof *rows);
	ids = ui_xcalloc(n + 1, sizeof *ids);
	if (n > 0)
		memcpy(rows, u->ws->shown, n * sizeof *rows);
	qsort_r(rows, n, sizeof *rows, ui_scopes_cmp, u);
	for (i = 0; i < n; i++) {
		const struct token_info *t = &u->ws->tab.rows[rows[u->sdesc ? n - 1 - i : i]];
		ui_state_key(t, &ids[i]);
		if (ids[i].ws == keep.ws && strcmp(ids[i].id, keep.id) == 0)
			sel = i;
		narrowing += token_autoscope_narrows(t);
		ui_add(&l, ui_scopes_line(u, t, u->ws->marks[rows[u->sdesc ? n - 1 - i : i]]));
	}
	free(rows);
	if (l.n == 0)
		ui_add(&l, ui_xstrdup(u->ws->loaded ? "no tokens" : u->ascii ? "loading..." :
		    "loading\u2026"));
	ui_view_set(u, UI_MODE_SCOPES, l.v, l.n);
	u->vids = ids;
	u->nvids = n;
	u->vsel = sel;
	ui_scopes_title(u, n, narrowing);
}

unsigned
ui_a_scopes(struct ui *u)
{
	ui_lists_scopes(u);
	return UI_R_VIEW | UI_R_STATUS;
}

static unsigned
ui_scopes_sort(struct ui *u, int step)
{
	u->ssort = (enum ui_scopes_sort)(((int)u->ssort + step + UI_SSORT_COUNT) % UI_SSORT_COUNT);
	if (u->ssort == UI_SSORT_OWNER && !UI_MGMT(u))     /* no owner column: skip it */
		u->ssort = (enum ui_scopes_sort)(((int)u->ssort + (step < 0 ? -1 : 1) +
		    UI_SSORT_COUNT) % UI_SSORT_COUNT);
	ui_lists_scopes(u);
	return UI_R_VIEW;
}

unsigned ui_a_ssort_next(struct ui *u) { return ui_scopes_sort(u, 1); }
unsigned ui_a_ssort_prev(struct ui *u) { return ui_scopes_sort(u, -1); }

unsigned
ui_a_ssort_invert(struct ui *u)
{
	u->sdesc = !u->sdesc;
	return ui_scopes_sort(u, 0);
}

/* Enter: back to the table, on the selected token. */
unsigned
ui_a_scope_pick(struct ui *u)
{
	struct ui_rowkey k;
	long row;
	size_t i;

	if (u->mode != UI_MODE_SCOPES || u->vsel >= u->nvids)
		return UI_R_NONE;
	k = u->vids[u->vsel];
	ui_view_free(u);
	u->mode = UI_MODE_TABLE;
	row = ui_state_row_key(u, &k, false);
	for (i = 0; row >= 0 && i < u->ws->nshown; i++)
		if (u->ws->shown[i] == (size_t)row)
			u->cursor = i;        /* the painter scrolls to it */
	return UI_R_ALL;
}

/* p: stage the selected token for pinning; the view shows P before it. */
unsigned
ui_a_scope_pin(struct ui *u)
{
	long row;

	if (u->mode != UI_MODE_SCOPES || u->vsel >= u->nvids)
		return UI_R_NONE;
	row = ui_state_row_key(u, &u->vids[u->vsel], false);
	if (row < 0 || (u->ws->marks[row] & UI_MARK_BUSY))
		return UI_R_NONE;
	u->ws->marks[row] |= UI_MARK_PIN;
	if (u->vsel + 1 < u->nvids)
		u->vsel++;
	ui_lists_scopes(u);
	ui_msg(u, false, "staged for pinning: %zu (x pins them, u in the table unstages)",
	    ui_state_count(u, UI_MARK_PIN));
	return UI_R_VIEW | UI_R_STATUS | UI_R_TABLE;
}
