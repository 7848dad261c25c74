/*
 * cli_scopes.c: `patrol scopes`: the auto-scoping review queue. One row per
 * token (the caller's, or everyone's with --all; --filter narrows them):
 * owner, comment, last use, the scopes it has now, what Databricks inferred
 * and backfilled, the state in words, the estimated enforcement date and
 * what it will be able to do after it (autoscope.h). The rows come in the
 * order they will be narrowed: soonest enforcement first, tokens with
 * nothing pending after them, ties by id.
 *
 * Table on a terminal; JSON is every token as `list -o json` prints it plus
 * "autoscope" (api_autoscope_to_json); CSV has one column per fact, dates in
 * ISO 8601 UTC.
 *
 * Over several workspaces (-p A -p B, --profiles, --all-profiles;
 * cli_estate.c) the queue is the estate's: every workspace's rows in one
 * order (the same day in two workspaces: the one named first first), each
 * row saying its workspace as `list` does: a WORKSPACE column in the table
 * and the first CSV column, "workspace" and "host" in JSON. A workspace
 * that fails is one line on stderr and exit 1; the others are listed.
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "cli.h"
#include "duration.h"
#include "table.h"

#define SCOPES_CELL_MAX 4096

struct scopes_row {
	const struct token_info *t;
	int64_t enforce;             /* ms; INT64_MAX when nothing is pending */
};

struct scopes {
	struct cli *cli;
	struct token_table *tab;
	struct scopes_row *rows;
	size_t n;
};

/* ---- the rows --------------------------------------------------------------- */

static int
scopes_row_cmp(const void *pa, const void *pb)
{
	const struct scopes_row *a = pa, *b = pb;

	if (a->enforce != b->enforce)
		return a->enforce < b->enforce ? -1 : 1;
	if (a->t->workspace != b->t->workspace)
		return a->t->workspace < b->t->workspace ? -1 : 1;
	return token_id_cmp(a->t, b->t);
}

/* Filter and order. Returns 0 or -1 on out of memory. */
static int
scopes_compute(struct scopes *s, const struct token_filter *f)
{
	size_t i, *idx = malloc((s->tab->n ? s->tab->n : 1) * sizeof *idx);
	int64_t at;

	s->rows = calloc(s->tab->n ? s->tab->n : 1, sizeof *s->rows);
	if (idx == NULL || s->rows == NULL) {
		free(idx);
		return -1;
	}
	s->n = s->cli->o.many ? cli_estate_filter(s->cli, f, s->tab, idx) :
	       token_filter_apply(f, s->tab, &s->cli->out.ctx, idx);
	for (i = 0; i < s->n; i++) {
		s->rows[i].t = &s->tab->rows[idx[i]];
		at = token_autoscope_enforce_ms(s->rows[i].t);
		s->rows[i].enforce = at > 0 ? at : INT64_MAX;
	}
	free(idx);
	qsort(s->rows, s->n, sizeof *s->rows, scopes_row_cmp);
	return 0;
}

/* ---- cells, shared by the table and CSV ------------------------------------- */

typedef void (*scopes_cell_fn)(const struct scopes *s, const struct token_info *t, char *out,
			       size_t n);

/* The names of list which, comma-separated, or none when it is empty. */
static void
scopes_list(const struct token_info *t, enum token_list which, const char *none, char *out,
	    size_t n)
{
	struct autoscope_access a = { false, token_list_items(t, which), token_list_n(t, which) };

	if (a.n == 0)
		snprintf(out, n, "%s", none);
	else
		autoscope_access_format(&a, out, n);
}

static void
cell_inferred(const struct scopes *s, const struct token_info *t, char *out, size_t n)
{
	(void)s;
	scopes_list(t, TOKEN_LIST_INFERRED, "-", out, n);
}

static void
cell_backfill(const struct scopes *s, const struct token_info *t, char *out, size_t n)
{
	(void)s;
	scopes_list(t, TOKEN_LIST_BACKFILL, "-", out, n);
}

static void
cell_state(const struct scopes *s, const struct token_info *t, char *out, size_t n)
{
	(void)s;
	snprintf(out, n, "%s", autoscope_state_words(token_autoscope_state(t)));
}

static void
cell_enforced(const struct scopes *s, const struct token_info *t, char *out, size_t n)
{
	token_autoscope_enforce_format(t, s->cli->out.ctx.now_ms, out, n);
}

/* What it can do after enforcement, "!" first when that is less than now. */
static void
cell_after(const struct scopes *s, const struct token_info *t, char *out, size_t n)
{
	struct autoscope_access after;
	bool loses = token_autoscope_narrows(t);

	(void)s;
	token_autoscope_after(t, &after);
	if (n < 3)
		return;
	if (loses)
		snprintf(out, n, "! ");
	autoscope_access_format(&after, out + (loses ? 2 : 0), n - (loses ? 2 : 0));
}

/* The list's own cells (owner, comment, last use, scopes). */
#define SCOPES_LIST_CELL(name, cell) \
	static void name(const struct scopes *s, const struct token_info *t, char *out, size_t n) \
	{ cli_output_cell(&s->cli->out, t, cell, out, n); }
SCOPES_LIST_CELL(cell_workspace, CLI_CELL_WORKSPACE)
SCOPES_LIST_CELL(cell_id, CLI_CELL_ID)
SCOPES_LIST_CELL(cell_owner, CLI_CELL_OWNER)
SCOPES_LIST_CELL(cell_comment, CLI_CELL_COMMENT)
SCOPES_LIST_CELL(cell_last_used, CLI_CELL_LAST_USED)
SCOPES_LIST_CELL(cell_scopes, CLI_CELL_SCOPES)
#undef SCOPES_LIST_CELL

/* When a column shows: always, with --all (management data), or with
 * several workspaces. */
enum scopes_when { SCOPES_ALWAYS, SCOPES_MGMT, SCOPES_MANY };

/* The table's columns: header, cell, narrowest when flexible, drop rank on
 * a narrow terminal (0: kept; lowest goes first), flexible, when it shows. */
#define SCOPES_COLUMNS(_) \
	_(WORKSPACE, "WORKSPACE", cell_workspace, 10, 0, true,  SCOPES_MANY)   \
	_(ID,        "ID",        cell_id,        0,  0, false, SCOPES_ALWAYS) \
	_(OWNER,     "OWNER",     cell_owner,     10, 3, true,  SCOPES_MGMT)   \
	_(COMMENT,   "COMMENT",   cell_comment,   10, 0, true,  SCOPES_ALWAYS) \
	_(LAST_USED, "LAST USED", cell_last_used, 0,  2, false, SCOPES_ALWAYS) \
	_(SCOPES,    "SCOPES",    cell_scopes,    8,  5, true,  SCOPES_ALWAYS) \
	_(INFERRED,  "INFERRED",  cell_inferred,  8,  4, true,  SCOPES_ALWAYS) \
	_(BACKFILL,  "BACKFILL",  cell_backfill,  8,  1, true,  SCOPES_ALWAYS) \
	_(STATE,     "STATE",     cell_state,     0,  0, false, SCOPES_ALWAYS) \
	_(ENFORCED,  "ENFORCED",  cell_enforced,  0,  0, false, SCOPES_ALWAYS) \
	_(AFTER,     "AFTER",     cell_after,     10, 0, true,  SCOPES_ALWAYS)

#define SCOPES_COL_ENUM(e, h, cell, mn, dr, fl, mgmt) SCOPES_COL_##e,
enum scopes_col { SCOPES_COLUMNS(SCOPES_COL_ENUM) SCOPES_NCOLS };
#undef SCOPES_COL_ENUM
#define SCOPES_COL_ROW(e, h, cell, mn, dr, fl, mgmt) { .header = h, .min = mn, .drop = dr, .flex = fl },
static const struct table_col scopes_cols[] = { SCOPES_COLUMNS(SCOPES_COL_ROW) };
#undef SCOPES_COL_ROW
#define SCOPES_COL_CELL(e, h, cell, mn, dr, fl, mgmt) cell,
static const scopes_cell_fn scopes_cells[] = { SCOPES_COLUMNS(SCOPES_COL_CELL) };
#undef SCOPES_COL_CELL
#define SCOPES_COL_WHEN(e, h, cell, mn, dr, fl, mgmt) mgmt,
static const enum scopes_when scopes_when[] = { SCOPES_COLUMNS(SCOPES_COL_WHEN) };
#undef SCOPES_COL_WHEN

/* ---- the table ---------------------------------------------------------------- */

static void
scopes_table_cell(const void *ctx, const void *row, size_t col, char *out, size_t n)
{
	scopes_cells[col](ctx, ((const struct scopes_row *)row)->t, out, n);
}

static int
scopes_table(const struct scopes *s)
{
	const struct cli_out *o = &s->cli->out;
	struct table t = { scopes_cols, SCOPES_NCOLS, 0, scopes_table_cell, s, s->rows,
			   sizeof *s->rows, NULL, s->n };
	struct table_out to = { o->fp, o->width, o->color, o->sanitize_flags };
	size_t c, narrow = 0, soon = 0;

	for (c = 0; c < SCOPES_NCOLS; c++)
		if ((scopes_when[c] == SCOPES_MGMT && !o->management) ||
		    (scopes_when[c] == SCOPES_MANY && o->ws == NULL))
			t.hidden |= 1ul << c;
	if (table_print(&to, &t) != 0)
		return -1;
	for (c = 0; c < s->n; c++) {
		narrow += token_autoscope_narrows(s->rows[c].t);
		soon += (token_flags_masked(s->rows[c].t, cli_output_ctx(o, s->rows[c].t),
					    TOKEN_FLAG(AUTOSCOPE_SOON)) != 0);
	}
	fprintf(o->fp, "\n%zu token%s: %zu narrowed within 7 days, %zu lose access when "
		"narrowed (AFTER marked !). Dates are patrol's estimate: observation start + 30 "
		"days.\n", s->n, s->n == 1 ? "" : "s", soon, narrow);
	return ferror(o->fp) ? -1 : 0;
}

/* ---- CSV and JSON ---------------------------------------------------------------- */

/* The first column, "workspace", only with several workspaces. */
static const char *const scopes_csv_header[] = {
	"workspace", "token_id", "owner", "comment", "last_used", "scopes", "inferred_scopes",
	"backfill_scopes", "state", "autoscope_state", "enforcement_est", "scopes_after",
	"will_narrow",
};
#define SCOPES_CSV_NCOLS (sizeof scopes_csv_header / sizeof scopes_csv_header[0])

/* An ISO 8601 time, or "" for none. */
static void
scopes_iso(int64_t ms, char *out, size_t n)
{
	if (ms <= 0 || ms == INT64_MAX)
		out[0] = '\0';
	else
		duration_iso8601(ms, out, n);
}

static void
scopes_csv_row(const struct scopes *s, const struct scopes_row *r)
{
	const struct token_info *t = r->t;
	const struct cli_out *o = &s->cli->out;
	struct autoscope_access after;
	char used[32], enforce[32], id[TOKEN_ID_LEN + 1];
	char now[SCOPES_CELL_MAX], inf[SCOPES_CELL_MAX], back[SCOPES_CELL_MAX];
	char aft[SCOPES_CELL_MAX];
	const char *v[SCOPES_CSV_NCOLS];
	unsigned sf = s->cli->out.sanitize_flags;
	size_t i;

	scopes_iso(token_last_used(t), used, sizeof used);
	scopes_iso(r->enforce, enforce, sizeof enforce);
	token_scopes_format(t, now, sizeof now);
	scopes_list(t, TOKEN_LIST_INFERRED, "", inf, sizeof inf);
	scopes_list(t, TOKEN_LIST_BACKFILL, "", back, sizeof back);
	token_autoscope_after(t, &after);
	autoscope_access_format(&after, aft, sizeof aft);
	v[0] = o->ws != NULL && t->workspace < o->nws ? o->ws[t->workspace].name : "";
	v[1] = token_id_hex(t, id); v[2] = token_owner(t); v[3] = token_comment(t);
	v[4] = used[0] ? used : TOKEN_WORD_NEVER; v[5] = now; v[6] = inf; v[7] = back;
	v[8] = autoscope_state_words(token_autoscope_state(t)); v[9] = token_autoscope_state(t);
	v[10] = enforce; v[11] = aft; v[12] = token_autoscope_narrows(t) ? "yes" : "no";
	for (i = o->ws != NULL ? 0 : 1; i < SCOPES_CSV_NCOLS; i++)
		cli_output_csv_field(s->cli->out.fp, v[i], sf, i + 1 == SCOPES_CSV_NCOLS);
}

static int
scopes_csv(const struct scopes *s)
{
	FILE *fp = s->cli->out.fp;
	size_t i;

	for (i = s->cli->out.ws != NULL ? 0 : 1; i < SCOPES_CSV_NCOLS; i++)
		fprintf(fp, "%s%c", scopes_csv_header[i], i + 1 == SCOPES_CSV_NCOLS ? '\n' : ',');
	for (i = 0; i < s->n && !ferror(fp); i++)
		scopes_csv_row(s, &s->rows[i]);
	return ferror(fp) ? -1 : 0;
}

/* Row i: the token as list -o json shows it (with several workspaces, its
 * "workspace" and "host"), and "autoscope". */
static json_t *
scopes_json_row(const void *ctx, void **scratch, size_t i)
{
	const struct scopes *s = ctx;
	json_t *obj = api_token_to_json(s->rows[i].t, s->cli->out.management);

	(void)scratch;
	if (obj == NULL || cli_output_json_where(&s->cli->out, s->rows[i].t, obj) != 0 ||
	    json_object_set_new(obj, "autoscope", api_autoscope_to_json(s->rows[i].t)) != 0) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

static int
scopes_json(const struct scopes *s)
{
	struct cli_json_rows rows = { s->n, scopes_json_row, s, NULL, false, 0 };
	int rc = cli_output_json_array(s->cli->out.fp, &rows);

	fputc('\n', s->cli->out.fp);
	return rc == 0 && !ferror(s->cli->out.fp) ? 0 : -1;
}

/* ---- the command ---------------------------------------------------------------- */

int
cli_cmd_scopes(struct cli *cli, int argc, char **argv)
{
	struct token_filter *f = NULL;
	struct patrol_err err;
	struct scopes s;
	int rc;

	(void)argv;
	if (argc > 1) {
		cli_msg("scopes: takes no arguments (use --filter)");
		return 2;
	}
	status_clear(&err);
	if (token_filter_compile(cli->o.filter, &f, &err) != PATROL_OK) {
		cli_msg("bad filter: %s", err.message);
		return 2;
	}
	memset(&s, 0, sizeof s);
	s.cli = cli;
	if ((rc = cli_estate_connect(cli)) != 0 ||
	    (rc = cli_estate_fetch(cli, cli->o.all, NULL, &s.tab)) != 0) {
		token_filter_free(f);
		return rc;
	}
	cli_estate_filter_context(cli, f);
	if (scopes_compute(&s, f) != 0) {
		cli_msg("out of memory");
		rc = status_exit_code(PATROL_NOMEM);
	} else if (cli->o.format == CLI_FORMAT_JSON) {
		rc = cli_written(scopes_json(&s));
	} else if (cli->o.format == CLI_FORMAT_CSV) {
		rc = cli_written(scopes_csv(&s));
	} else {
		rc = cli_written(scopes_table(&s));
	}
	free(s.rows);
	api_table_free(s.tab);
	token_filter_free(f);
	return rc;
}
