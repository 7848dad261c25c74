/*
 * ui_columns.c: the columns of the token table: their names (for :columns
 * and the columns setting), titles, widths and how they give way on a
 * narrow screen, the FLAGS column's letters, what each shows of a row, and
 * the widths measured from the data. No curses: the model chooses and
 * remembers columns (ui_state.c), the painter lays them out (ui_draw.c).
 */
#include <stdio.h>
#include <string.h>

#include "duration.h"
#include "sanitize.h"
#include "ui_internal.h"

#define UI_WIDE_MAX 40
#define UI_COMMENT_MIN 18

static const struct ui_col ui_cols[] = {
	{ -1,                   "",          "",          2,  0,  0, false, false, false },
	{ TOKEN_SORT_COMMENT,   "comment",   "COMMENT",   UI_COMMENT_MIN, UI_COMMENT_MIN, 0, false, false, false },
	{ TOKEN_SORT_CREATED,   "created",   "CREATED",   9,  0,  2, false, false, false },
	{ TOKEN_SORT_EXPIRES,   "expires",   "EXPIRES",   9,  0,  7, false, false, false },
	{ UI_COL_FLAGS_KEY,     "flags",     "FLAGS",     5,  0,  1, false, false, false },
	{ TOKEN_SORT_LAST_USED, "last-used", "LAST USED", 10, 0,  4, false, false, false },
	{ TOKEN_SORT_SCOPES,    "scopes",    "SCOPES",    0,  13, 3, true,  false, false },
	{ TOKEN_SORT_OWNER,     "owner",     "OWNER",     0,  10, 5, true,  true, false },
	{ TOKEN_SORT_ID,        "id",        "ID",        10, 0,  6, false, false, false },
	{ TOKEN_SORT_AUTO_REVOKE, "auto-revoke", "AUTO-REVOKE", 13, 0, 1, false, false, false },
	/* shown first, after the tag column (ui_columns_set), when several
	 * workspaces are on show; as wide as their longest name; the last row */
	{ TOKEN_SORT_WORKSPACE, "workspace", "WORKSPACE", 0,  0,  0, false, false, true },
};
/* Columns shown only when asked for (:columns, the columns setting), not
 * among the defaults: by sort key. */
static const int ui_cols_opt_in[] = { TOKEN_SORT_AUTO_REVOKE };

static bool
ui_col_opt_in(size_t i)
{
	size_t k;

	for (k = 0; k < sizeof ui_cols_opt_in / sizeof ui_cols_opt_in[0]; k++)
		if (ui_cols[i].key == ui_cols_opt_in[k])
			return true;
	return false;
}
#define UI_NCOLS (sizeof ui_cols / sizeof ui_cols[0])
_Static_assert(UI_NCOLS <= UI_MAX_COLS, "ui_cols has more columns than struct ui can lay out");
_Static_assert(UI_NCOLS > UI_COL_COMMENT && UI_COL_COMMENT == 1, "the comment is column 1");

size_t
ui_columns_count(void)
{
	return UI_NCOLS;
}

const struct ui_col *
ui_column(size_t i)
{
	return i < UI_NCOLS ? &ui_cols[i] : &ui_cols[0];
}

/* The FLAGS column: one letter per audit flag (help shows the legend). */
static const char ui_flag_letters[] = {
	[TOKEN_FLAG_BIT_UNUSED_90D] = 'U',
	[TOKEN_FLAG_BIT_UNUSED_30D] = 'u',
	[TOKEN_FLAG_BIT_NEVER_EXPIRES] = 'N',
	[TOKEN_FLAG_BIT_OVER_MAX_LIFETIME] = 'L',
	[TOKEN_FLAG_BIT_EXPIRING] = 'e',
	[TOKEN_FLAG_BIT_EXPIRED] = 'X',
	[TOKEN_FLAG_BIT_PRIVILEGED] = 'P',
	[TOKEN_FLAG_BIT_ALL_APIS] = 'A',
	[TOKEN_FLAG_BIT_AUTOSCOPE] = 'a',
	[TOKEN_FLAG_BIT_AUTOSCOPE_SOON] = 'n',
	[TOKEN_FLAG_BIT_WILL_NARROW] = 'w',
	[TOKEN_FLAG_BIT_UNCOVERABLE] = 'c',
	[TOKEN_FLAG_BIT_STALE_COMMENT] = 'S',
	[TOKEN_FLAG_BIT_SELF] = '@',
	[TOKEN_FLAG_BIT_REVOKE_SOON] = 'r',
};
_Static_assert(sizeof ui_flag_letters == TOKEN_FLAG_COUNT,
    "every audit flag needs a letter in ui_flag_letters");

char
ui_columns_flag_letter(enum token_flag_bit b)
{
	return (unsigned)b < TOKEN_FLAG_COUNT && ui_flag_letters[b] != 0 ? ui_flag_letters[b] : '?';
}

/* The letters of flags; unused-30d is implied by unused-90d. */
void
ui_columns_flags(unsigned flags, char *out, size_t n)
{
	size_t len = 0;
	int b;

	if (flags & TOKEN_FLAG(UNUSED_90D))
		flags &= ~TOKEN_FLAG(UNUSED_30D);
	for (b = 0; b < TOKEN_FLAG_COUNT && len + 1 < n; b++)
		if (flags & (1u << b))
			out[len++] = ui_columns_flag_letter((enum token_flag_bit)b);
	out[len] = '\0';
}

/* The ui_cols index of a column name (a sort key's, or "flags"), or -1. */
static int
ui_col_find(const char *name)
{
	enum token_sort_key key;
	bool desc;
	size_t i;

	if (strcmp(name, "flags") != 0 && (strchr(name, ':') != NULL ||
	    token_sort_parse(name, &key, &desc) != 0))
		return -1;
	for (i = 1; i < UI_NCOLS; i++)
		if (strcmp(name, "flags") == 0 ? ui_cols[i].key == UI_COL_FLAGS_KEY :
		    ui_cols[i].key == (int)key)
			return (int)i;
	return -1;
}

/* The workspace column, unless named where it goes, comes first after the
 * tags (it shows only with several workspaces). The new count. */
static size_t
ui_columns_workspace(size_t *cols, size_t ncols)
{
	size_t k, ws = UI_NCOLS - 1;

	_Static_assert(UI_NCOLS - 1 > UI_COL_COMMENT, "the workspace is the last row");
	for (k = 1; k < ncols; k++)
		if (cols[k] == ws)
			return ncols;
	if (ncols == UI_MAX_COLS)
		return ncols;
	memmove(cols + 2, cols + 1, (ncols - 1) * sizeof *cols);
	cols[1] = ws;
	return ncols + 1;
}

int
ui_columns_set(struct ui *u, const char *spec, char *why, size_t n)
{
	size_t cols[UI_MAX_COLS], ncols = 1, k, len;
	char name[32];
	int c;

	cols[0] = 0;                     /* the tag column always comes first */
	if (spec == NULL || *spec == '\0' || strcmp(spec, "default") == 0) {
		for (ncols = 0, k = 0; k < UI_NCOLS; k++)
			if (!ui_col_opt_in(k) && !ui_cols[k].estate_only)
				cols[ncols++] = k;
		spec = NULL;
	}
	for (; spec != NULL && *spec != '\0'; spec += len) {
		spec += strspn(spec, ", ");
		if ((len = strcspn(spec, ", ")) == 0)
			break;
		snprintf(name, sizeof name, "%.*s", (int)(len < sizeof name ? len : sizeof name - 1),
		    spec);
		if ((c = ui_col_find(name)) < 0) {
			snprintf(why, n, "unknown column '%s' (comment created expires flags last-used "
			    "scopes owner id auto-revoke workspace)", name);
			return -1;
		}
		for (k = 1; k < ncols && cols[k] != (size_t)c; k++)
			;
		if (k == ncols && ncols < UI_MAX_COLS)
			cols[ncols++] = (size_t)c;
	}
	if (ncols == 1) {
		snprintf(why, n, "name at least one column");
		return -1;
	}
	ncols = ui_columns_workspace(cols, ncols);
	memcpy(u->cols, cols, ncols * sizeof *cols);
	u->ncols = ncols;
	return 0;
}

void
ui_columns_spec(const struct ui *u, char *out, size_t n)
{
	size_t k, len = 0;

	out[0] = '\0';
	for (k = 1; k < u->ncols && len < n; k++)
		if (!ui_cols[u->cols[k]].estate_only || k > 1)   /* not where it goes anyway */
			len += (size_t)snprintf(out + len, n - len, "%s%s", len > 0 ? "," : "",
			    ui_cols[u->cols[k]].name);
}

/* Measure the data behind the columns sized from it (after a load or a
 * compaction, never per frame): the widest scope list and owner. */
void
ui_columns_measure(struct ui *u)
{
	char text[1024], clean[1024];
	size_t i, w;

	u->ws->wide_scopes = strlen("SCOPES");
	u->ws->wide_owner = strlen("OWNER");
	for (i = 0; i < u->ws->tab.n && u->ws->wide_scopes < UI_WIDE_MAX; i++) {
		token_scopes_format(&u->ws->tab.rows[i], text, sizeof text);
		sanitize_cell(text, UI_WIDE_MAX, 0, u->sflags, clean, sizeof clean);
		if ((w = sanitize_width(clean)) > u->ws->wide_scopes)
			u->ws->wide_scopes = w;
	}
	for (i = 0; i < u->ws->nowners && u->ws->wide_owner < UI_WIDE_MAX; i++) {
		sanitize_cell(u->ws->owners[i].owner, UI_WIDE_MAX, 0, u->sflags, clean, sizeof clean);
		if ((w = sanitize_width(clean)) > u->ws->wide_owner)
			u->ws->wide_owner = w;
	}
}

/* What column col shows of table row row (raw: the painter sanitizes). */
void
ui_columns_cell(const struct ui *u, size_t col, size_t row, char *out, size_t n)
{
	const struct token_info *t = &u->ws->tab.rows[row];
	unsigned m = u->ws->marks[row];
	char id[TOKEN_ID_LEN + 1];

	switch (ui_cols[col].key) {
	case -1:
		snprintf(out, n, "%c%c", (m & UI_MARK_TAGGED) ? '*' : ' ',
		    (m & UI_MARK_BUSY) ? '~' : (m & UI_MARK_STAGED) ? 'D' : (m & UI_MARK_PIN) ? 'P' :
		    ' ');
		break;
	case TOKEN_SORT_COMMENT:
		snprintf(out, n, "%s", token_comment(t) != NULL ? token_comment(t) : "");
		break;
	case TOKEN_SORT_CREATED:
		duration_relative(t->creation_time, u->ws->ctx.now_ms, out, n);
		break;
	case TOKEN_SORT_EXPIRES:
		token_expires_format(t, u->ws->ctx.now_ms, false, out, n);
		break;
	case TOKEN_SORT_LAST_USED:
		token_last_used_format(t, u->ws->ctx.now_ms, out, n);
		break;
	case TOKEN_SORT_SCOPES:
		token_scopes_format(t, out, n);
		break;
	case TOKEN_SORT_OWNER:
		snprintf(out, n, "%s", token_owner(t));
		break;
	case UI_COL_FLAGS_KEY:
		ui_columns_flags(u->ws->flags[row], out, n);
		break;
	case TOKEN_SORT_WORKSPACE:
		snprintf(out, n, "%s", t->workspace < u->nest ? u->est[t->workspace]->profile : "");
		break;
	case TOKEN_SORT_AUTO_REVOKE:
		token_revoke_format(t, u->ws->ctx.now_ms, out, n);
		break;
	default:
		snprintf(out, n, "%.*s", TOKEN_SHORT_ID_LEN, token_id_hex(t, id));
		break;
	}
}
