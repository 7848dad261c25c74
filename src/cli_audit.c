/*
 * cli_audit.c: `patrol audit`: the audit flags of every token, with a
 * summary by flag and by owner.
 *
 * The command fetches the tokens (the caller's, or everyone's with --all)
 * and the workspace's maximum token lifetime (for over-max-lifetime; when it
 * cannot be read that flag is left out, with a note), computes token_flags
 * once per row and sorts the rows by owner, then most flags first, then id.
 * The table shows the flagged tokens only, then the two summaries. JSON has
 * every token (as `list -o json` prints it, plus "flags") and the summaries.
 * CSV has every token as `list -o csv` prints it (its flags column included)
 * and writes the summaries to stderr. --filter narrows the rows first; the
 * summaries count what is left.
 *
 * Over several workspaces (cli_estate.c) each row's flags use its own
 * workspace's context, rows and owners are grouped by workspace first (an
 * owner's quota is per workspace), and a summary by workspace with a total
 * line follows the others.
 *
 * --fail-on FLAG,... makes it a gate for CI:
 * after the usual output, the summary names the flags asked about that some
 * token carries, and the exit code is 1 when there is any (0 otherwise).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "buf.h"
#include "cli.h"
#include "duration.h"
#include "sanitize.h"
#include "table.h"

/* The flags the by-owner table has a column for. */
#define AUDIT_OWNER_FLAGS(_) _(UNUSED_90D) _(NEVER_EXPIRES) _(PRIVILEGED)

struct audit_row {
	const struct token_info *t;
	const char *owner;          /* token_owner(t), looked up once for sorting */
	uint64_t key;               /* workspace, owner, flags (audit_key) */
	uint64_t id_key;            /* token_id_key(t) */
	unsigned flags;
	unsigned nflags;
};

struct audit_owner {
	const char *name;           /* points into the table; "" when unknown */
	unsigned short workspace;   /* token_info.workspace of its rows */
	size_t tokens, active;
	size_t flags[TOKEN_FLAG_COUNT];
};

struct audit {
	struct cli *cli;
	struct token_table *tab;
	struct audit_row *rows;     /* the rows the filter kept, sorted */
	size_t n;
	size_t nflagged;
	struct audit_owner *owners; /* most active first */
	size_t nowners;
	size_t by_flag[TOKEN_FLAG_COUNT];
	int max_days;               /* workspace maximum, 0: unknown or unset */
	bool max_known;             /* over-max-lifetime was computed */
	struct audit_ws {           /* several workspaces: cli->nws of them */
		size_t tokens, active, flagged;
		size_t flags[TOKEN_FLAG_COUNT];
	} *ws;
};

/* ---- fetching ------------------------------------------------------------ */

/* ---- computing ----------------------------------------------------------- */

/* Rows in the audit's order come from all over the table: fetch the row
 * CLI_OUTPUT_AHEAD on from i, and the strings of the one half as far. */
#define AUDIT_PREFETCH(a, i) do {						\
	if ((i) + CLI_OUTPUT_AHEAD < (a)->n)					\
		CLI_OUTPUT_PREFETCH((a)->rows[(i) + CLI_OUTPUT_AHEAD].t, false); \
	if ((i) + CLI_OUTPUT_AHEAD / 2 < (a)->n)				\
		CLI_OUTPUT_PREFETCH((a)->rows[(i) + CLI_OUTPUT_AHEAD / 2].t, true); \
} while (0)

/* Owners are interned in their table: the same name is mostly the same
 * pointer, and needs no strcmp. */
static int
audit_owner_strcmp(const char *a, const char *b)
{
	return a == b ? 0 : strcmp(a, b);
}

/* The audit's order (audit_key): two integers, and the ids in full only
 * when those are equal. */
static int
audit_row_key_cmp(const void *pa, const void *pb)
{
	const struct audit_row *a = pa, *b = pb;

	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	if (a->id_key != b->id_key)
		return a->id_key < b->id_key ? -1 : 1;
	return token_id_cmp(a->t, b->t);
}

static int
audit_owner_cmp(const void *pa, const void *pb)
{
	const struct audit_owner *a = pa, *b = pb;

	if (a->workspace != b->workspace)
		return a->workspace < b->workspace ? -1 : 1;
	if (a->active != b->active)
		return a->active > b->active ? -1 : 1;
	if (a->tokens != b->tokens)
		return a->tokens > b->tokens ? -1 : 1;
	return strcmp(a->name, b->name);
}

static unsigned
audit_popcount(unsigned v)
{
	unsigned n = 0;

	for (; v != 0; v &= v - 1)
		n++;
	return n;
}

/* Count one row into its workspace's summary. */
static void
audit_count_ws(struct audit_ws *w, const struct audit_row *r, int64_t now)
{
	int b;

	w->tokens++;
	w->active += !token_is_expired(r->t, now);
	w->flagged += r->flags != 0;
	for (b = 0; b < TOKEN_FLAG_COUNT; b++)
		w->flags[b] += (r->flags >> b) & 1u;
}

/* Count one row into the summaries (rows come sorted by workspace, then
 * owner). */
static void
audit_count(struct audit *a, const struct audit_row *r, int64_t now)
{
	struct audit_owner *o;
	int b;

	if (a->nowners == 0 || a->owners[a->nowners - 1].workspace != r->t->workspace ||
	    audit_owner_strcmp(a->owners[a->nowners - 1].name, r->owner) != 0) {
		a->owners[a->nowners].workspace = r->t->workspace;
		a->owners[a->nowners++].name = r->owner;
	}
	o = &a->owners[a->nowners - 1];
	if (a->ws != NULL)
		audit_count_ws(&a->ws[r->t->workspace], r, now);
	o->tokens++;
	if (!token_is_expired(r->t, now))
		o->active++;
	if (r->flags != 0)
		a->nflagged++;
	for (b = 0; b < TOKEN_FLAG_COUNT; b++) {
		if (r->flags & (1u << b)) {
			o->flags[b]++;
			a->by_flag[b]++;
		}
	}
}

/* ---- the sort's keys ------------------------------------------------------
 * Rows sort by workspace, owner (strcmp), most flags first, then id.
 * Owners are interned, mostly one pointer a name, so the
 * distinct pointers of the rows are few: they are ranked by strcmp once
 * (equal names, equal ranks), and each row's order but its id packs into
 * one integer, its id's first characters into another. */

struct audit_ranks {
	struct audit_rank_slot {
		const char *owner;  /* NULL: a free slot */
		uint32_t rank;
	} *slot;
	size_t cap, n;              /* cap: a power of two */
};

/* owner's slot, or the free one where it goes. */
static struct audit_rank_slot *
audit_ranks_find(const struct audit_ranks *r, const char *owner)
{
	size_t mask = r->cap - 1;
	size_t h = (size_t)(((uint64_t)(uintptr_t)owner * 0x9e3779b97f4a7c15ull) >> 32) & mask;

	for (;; h = (h + 1) & mask)
		if (r->slot[h].owner == owner || r->slot[h].owner == NULL)
			return &r->slot[h];
}

/* Add owner (not NULL) unless it is in. 0, or -1 out of memory. */
static int
audit_ranks_add(struct audit_ranks *r, const char *owner)
{
	struct audit_rank_slot *old = r->slot, *s;
	size_t i, oldcap = r->cap;

	if ((r->n + 1) * 2 > r->cap) {
		if ((r->slot = calloc(oldcap ? oldcap * 2 : 64, sizeof *r->slot)) == NULL) {
			r->slot = old;
			return -1;
		}
		r->cap = oldcap ? oldcap * 2 : 64;
		for (i = 0; i < oldcap; i++)
			if (old[i].owner != NULL)
				*audit_ranks_find(r, old[i].owner) = old[i];
		free(old);
	}
	if ((s = audit_ranks_find(r, owner))->owner == NULL) {
		s->owner = owner;
		r->n++;
	}
	return 0;
}

static int
audit_name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Rank the owners of rows [from, to) by name. 0, or -1 out of memory. */
static int
audit_ranks_make(struct audit_ranks *r, const struct audit_row *rows, size_t from, size_t to)
{
	const char **names;
	size_t i, k = 0;
	uint32_t rank = 0;

	for (i = from; i < to; i++)
		if (audit_ranks_add(r, rows[i].owner) != 0)
			return -1;
	if ((names = malloc((r->n ? r->n : 1) * sizeof *names)) == NULL)
		return -1;
	for (i = 0; i < r->cap; i++)
		if (r->slot[i].owner != NULL)
			names[k++] = r->slot[i].owner;
	qsort(names, k, sizeof *names, audit_name_cmp);
	for (i = 0; i < k; i++) {
		if (i > 0 && strcmp(names[i - 1], names[i]) != 0)
			rank++;
		audit_ranks_find(r, names[i])->rank = rank;
	}
	free(names);
	return 0;
}

/* The row's workspace, its owner's rank, then its flags, fewest last. */
static uint64_t
audit_key(const struct audit_row *r, uint32_t rank)
{
	return (uint64_t)r->t->workspace << 48 | (uint64_t)rank << 16 | (0xffffu - r->nflags);
}

/* Sort rows [from, to) by their keys. 0, or -1 out of memory. */
static int
audit_sort(struct audit *a, size_t from, size_t to)
{
	struct audit_ranks ranks = { NULL, 0, 0 };
	struct audit_row *r;
	size_t i;

	if (audit_ranks_make(&ranks, a->rows, from, to) != 0) {
		free(ranks.slot);
		return -1;
	}
	for (i = from; i < to; i++) {
		r = &a->rows[i];
		r->key = audit_key(r, audit_ranks_find(&ranks, r->owner)->rank);
		r->id_key = token_id_key(r->t);
	}
	free(ranks.slot);
	qsort(a->rows + from, to - from, sizeof *a->rows, audit_row_key_cmp);
	return 0;
}

/* Flag and sort rows [from, to). 0, or -1 out of memory. */
static int
audit_rank(struct audit *a, size_t from, size_t to)
{
	struct cli_flags_memo *memo = cli_flags_memo_new();
	struct audit_row *r;
	size_t i;

	for (i = from; i < to; i++) {
		r = &a->rows[i];
		r->owner = token_owner(r->t);
		r->flags = cli_output_flags(memo, &a->cli->out, r->t);
		r->nflags = audit_popcount(r->flags);
	}
	cli_flags_memo_free(memo);
	return audit_sort(a, from, to);
}

/* Over several workspaces the rows sort by workspace first, so two runs
 * of whole workspaces sort apart, one of them on a helper thread (it only
 * reads the table and the contexts, and writes its own rows). */
#define AUDIT_MIN_PARALLEL 4096         /* rows */

struct audit_part {
	struct audit *a;
	size_t from, to;
	int rc;                     /* audit_rank's */
};

static void *
audit_part_run(void *arg)
{
	struct audit_part *p = arg;

	p->rc = audit_rank(p->a, p->from, p->to);
	return NULL;
}

static size_t
audit_gap(size_t i, size_t half)
{
	return i > half ? i - half : half - i;
}

/* Where the rows (in the filter's order) split into two runs of whole
 * workspaces nearest their middle; a->n when they do not (one workspace,
 * few rows, or rows not in workspace order). */
static size_t
audit_split(const struct audit *a)
{
	size_t i, mid = a->n, half = a->n / 2;

	if (a->ws == NULL || a->n < AUDIT_MIN_PARALLEL)
		return a->n;
	for (i = 1; i < a->n; i++) {
		if (a->rows[i].t->workspace < a->rows[i - 1].t->workspace)
			return a->n;
		if (a->rows[i].t->workspace != a->rows[i - 1].t->workspace &&
		    (mid == a->n || audit_gap(i, half) < audit_gap(mid, half)))
			mid = i;
	}
	return mid;
}

/* Flag and sort every row, on two threads when the rows split. 0, or -1
 * out of memory. */
static int
audit_rank_all(struct audit *a)
{
	struct audit_part p = { a, audit_split(a), a->n, 0 };
	pthread_t helper;
	int rc;

	if (p.from < a->n && sysconf(_SC_NPROCESSORS_ONLN) >= 2 &&
	    pthread_create(&helper, NULL, audit_part_run, &p) == 0) {
		rc = audit_rank(a, 0, p.from);
		pthread_join(helper, NULL);
		return rc | p.rc;
	}
	rc = audit_rank(a, 0, p.from);
	return rc | audit_rank(a, p.from, a->n);
}

/* Filter, flag, sort and count. Returns 0 or -1 on out of memory. */
static int
audit_compute(struct audit *a, const struct token_filter *f)
{
	const struct token_ctx *ctx = &a->cli->out.ctx;
	size_t i, *idx, cap = a->tab->n ? a->tab->n : 1;

	idx = malloc(cap * sizeof *idx);
	a->rows = calloc(cap, sizeof *a->rows);
	a->owners = calloc(cap, sizeof *a->owners);
	if (a->cli->o.many)
		a->ws = calloc(a->cli->nws, sizeof *a->ws);
	if (idx == NULL || a->rows == NULL || a->owners == NULL || (a->cli->o.many && a->ws == NULL)) {
		free(idx);
		return -1;
	}
	a->n = a->cli->o.many ? cli_estate_filter(a->cli, f, a->tab, idx) :
	       token_filter_apply(f, a->tab, ctx, idx);
	for (i = 0; i < a->n; i++)
		a->rows[i].t = &a->tab->rows[idx[i]];
	free(idx);
	if (audit_rank_all(a) != 0)
		return -1;
	for (i = 0; i < a->n; i++) {
		if (i + CLI_OUTPUT_AHEAD < a->n)
			CLI_OUTPUT_PREFETCH(a->rows[i + CLI_OUTPUT_AHEAD].t, false);
		audit_count(a, &a->rows[i], ctx->now_ms);
	}
	qsort(a->owners, a->nowners, sizeof *a->owners, audit_owner_cmp);
	return 0;
}

/* ---- the table ----------------------------------------------------------- */

/* The token table's columns: header, the list's cell it shows (or
 * CLI_CELL_COUNT: the flags), narrowest when flexible (the flags matter
 * most), drop rank on a narrow terminal (0: kept; lowest goes first),
 * flexible, when it shows. */
enum audit_when { AUDIT_ALWAYS, AUDIT_MGMT, AUDIT_MANY };
#define AUDIT_COLUMNS(_) \
	_(WORKSPACE, "WORKSPACE", CLI_CELL_WORKSPACE, 10, 0, true,  AUDIT_MANY) \
	_(ID,        "ID",        CLI_CELL_ID,        0,  0, false, AUDIT_ALWAYS) \
	_(OWNER,     "OWNER",     CLI_CELL_OWNER,     12, 0, true,  AUDIT_MGMT)  \
	_(COMMENT,   "COMMENT",   CLI_CELL_COMMENT,   12, 0, true,  AUDIT_ALWAYS) \
	_(CREATED,   "CREATED",   CLI_CELL_CREATED,   0,  1, false, AUDIT_ALWAYS) \
	_(EXPIRES,   "EXPIRES",   CLI_CELL_EXPIRES,   0,  2, false, AUDIT_ALWAYS) \
	_(LAST_USED, "LAST USED", CLI_CELL_LAST_USED, 0,  3, false, AUDIT_ALWAYS) \
	_(FLAGS,     "FLAGS",     CLI_CELL_COUNT,     24, 0, true,  AUDIT_ALWAYS)

#define AUDIT_COL_ENUM(e, h, cell, mn, dr, fl, mgmt) AUDIT_COL_##e,
enum audit_col { AUDIT_COLUMNS(AUDIT_COL_ENUM) AUDIT_NCOLS };
#undef AUDIT_COL_ENUM
#define AUDIT_COL_ROW(e, h, cell, mn, dr, fl, mgmt) { .header = h, .min = mn, .drop = dr, .flex = fl },
static const struct table_col audit_cols[] = { AUDIT_COLUMNS(AUDIT_COL_ROW) };
#undef AUDIT_COL_ROW
#define AUDIT_COL_CELL(e, h, cell, mn, dr, fl, mgmt) cell,
static const enum cli_cell audit_cells[] = { AUDIT_COLUMNS(AUDIT_COL_CELL) };
#undef AUDIT_COL_CELL
#define AUDIT_COL_MGMT(e, h, cell, mn, dr, fl, mgmt) mgmt,
static const enum audit_when audit_mgmt[] = { AUDIT_COLUMNS(AUDIT_COL_MGMT) };
#undef AUDIT_COL_MGMT

/* Where a table of the audit goes: stdout's terminal, or stderr's (the
 * summaries of -o csv). */
static struct table_out
audit_out(const struct audit *a, FILE *fp)
{
	struct table_out to = { fp, a->cli->out.width, a->cli->out.color,
				a->cli->out.sanitize_flags };

	if (fp != a->cli->out.fp) {
		to.width = table_terminal_width(fileno(fp));
		to.bold = false;
	}
	return to;
}

/* The token table shows the flagged rows only. */
static const void *
audit_table_row(const void *ctx, size_t i)
{
	const struct audit *a = ctx;

	AUDIT_PREFETCH(a, i);
	return a->rows[i].flags != 0 ? &a->rows[i] : NULL;
}

static void
audit_table_cell(const void *ctx, const void *row, size_t col, char *out, size_t n)
{
	const struct audit_row *r = row;

	if (audit_cells[col] == CLI_CELL_COUNT)
		token_flags_format(r->flags, out, n);
	else
		cli_output_cell(&((const struct audit *)ctx)->cli->out, r->t, audit_cells[col], out, n);
}

static void
audit_table_tokens(const struct audit *a)
{
	struct table t = { audit_cols, AUDIT_NCOLS, 0, audit_table_cell, a, NULL, 0,
			   audit_table_row, a->n };
	struct table_out to = audit_out(a, a->cli->out.fp);
	size_t c;

	if (a->nflagged == 0) {
		if (a->n == 1)
			fprintf(to.fp, "No audit flags on the one token.\n");
		else
			fprintf(to.fp, "No audit flags on any of %zu tokens.\n", a->n);
		return;
	}
	for (c = 0; c < AUDIT_NCOLS; c++)
		if ((audit_mgmt[c] == AUDIT_MGMT && !a->cli->out.management) ||
		    (audit_mgmt[c] == AUDIT_MANY && a->ws == NULL))
			t.hidden |= 1ul << c;
	table_print_parallel(&to, &t);     /* its cells only read the audit */
	fprintf(to.fp, "\n%zu of %zu token%s %s audit flags.\n", a->nflagged, a->n,
		a->n == 1 ? "" : "s", a->nflagged == 1 ? "has" : "have");
}

/* ---- the summaries -------------------------------------------------------- */

enum { FLAG_COL_NAME, FLAG_COL_TOKENS, FLAG_COL_MEANING, FLAG_NCOLS };
static const struct table_col flag_cols[FLAG_NCOLS] = {
	[FLAG_COL_NAME] = { .header = "FLAG" },
	[FLAG_COL_TOKENS] = { .header = "TOKENS", .right = true },
	[FLAG_COL_MEANING] = { .header = "MEANING", .flex = true },
};

/* Rows of the summary by flag are the flag bits themselves. */
static const void *
flag_row(const void *ctx, size_t i)
{
	static const int bits[TOKEN_FLAG_COUNT] = {
#define AUDIT_BIT(e, name, legend) TOKEN_FLAG_BIT_##e,
		TOKEN_FLAGS(AUDIT_BIT)
#undef AUDIT_BIT
	};

	return &bits[i];
}

static void
flag_cell(const void *ctx, const void *row, size_t col, char *out, size_t n)
{
	const struct audit *a = ctx;
	enum token_flag_bit b = (enum token_flag_bit)*(const int *)row;
	bool unknown = b == TOKEN_FLAG_BIT_OVER_MAX_LIFETIME && !a->max_known;

	if (col == FLAG_COL_NAME)
		snprintf(out, n, "%s", token_flag_name(b));
	else if (col == FLAG_COL_TOKENS && unknown)
		snprintf(out, n, "-");
	else if (col == FLAG_COL_TOKENS)
		snprintf(out, n, "%zu", a->by_flag[b]);
	else
		snprintf(out, n, "%s%s", token_flag_legend(b),
			 unknown ? " (workspace maximum unknown: not computed)" : "");
}

/* The summary by flag: every flag, its count and what it means. */
static void
audit_table_by_flag(const struct audit *a, FILE *fp)
{
	struct table t = { flag_cols, FLAG_NCOLS, 0, flag_cell, a, NULL, 0, flag_row,
			   TOKEN_FLAG_COUNT };
	struct table_out to = audit_out(a, fp);

	fputc('\n', fp);
	table_print(&to, &t);
	if (a->ws != NULL)
		return;         /* each workspace has its own: see -o json */
	if (a->max_known && a->max_days > 0)
		fprintf(fp, "(workspace maximum lifetime: %d days)\n", a->max_days);
	else if (a->max_known)
		fprintf(fp, "(no workspace maximum lifetime is set)\n");
}

/* The summary by owner: tokens, active against the quota, then a column
 * for each flag of AUDIT_OWNER_FLAGS (they go first on a narrow terminal). */
static const int owner_flag_bits[] = {
#define AUDIT_KEY(e) TOKEN_FLAG_BIT_##e,
	AUDIT_OWNER_FLAGS(AUDIT_KEY)
#undef AUDIT_KEY
};
#define OWNER_NFLAGS (sizeof owner_flag_bits / sizeof owner_flag_bits[0])
enum { OWNER_COL_WORKSPACE, OWNER_COL_NAME, OWNER_COL_TOKENS, OWNER_COL_ACTIVE,
       OWNER_COL_FLAG0 };
#define OWNER_NCOLS (OWNER_COL_FLAG0 + OWNER_NFLAGS)

static void
owner_cell(const void *ctx, const void *row, size_t col, char *out, size_t n)
{
	const struct audit *a = ctx;
	const struct audit_owner *ow = row;

	if (col == OWNER_COL_WORKSPACE)
		snprintf(out, n, "%s", a->ws != NULL ? a->cli->ws[ow->workspace].name : "");
	else if (col == OWNER_COL_NAME)
		snprintf(out, n, "%s", !a->cli->out.management ? "(you)" :
			 ow->name[0] ? ow->name : "(unknown)");
	else if (col == OWNER_COL_TOKENS)
		snprintf(out, n, "%zu", ow->tokens);
	else if (col == OWNER_COL_ACTIVE)
		snprintf(out, n, "%zu/%d", ow->active, TOKEN_QUOTA);
	else
		snprintf(out, n, "%zu", ow->flags[owner_flag_bits[col - OWNER_COL_FLAG0]]);
}

/* The header of the k-th flag column: its name in capitals. */
static void
owner_flag_header(size_t k, char *out, size_t n)
{
	char *p;

	snprintf(out, n, "%s", token_flag_name((enum token_flag_bit)owner_flag_bits[k]));
	for (p = out; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
}

static void
audit_table_by_owner(const struct audit *a, FILE *fp)
{
	struct table_col cols[OWNER_NCOLS] = {
		[OWNER_COL_WORKSPACE] = { .header = "WORKSPACE", .flex = true },
		[OWNER_COL_NAME] = { .header = "OWNER", .flex = true },
		[OWNER_COL_TOKENS] = { .header = "TOKENS", .right = true },
		[OWNER_COL_ACTIVE] = { .header = "ACTIVE", .right = true },
	};
	char headers[OWNER_NFLAGS][32];
	struct table t = { cols, OWNER_NCOLS, 0, owner_cell, a, a->owners, sizeof *a->owners,
			   NULL, a->nowners };
	struct table_out to = audit_out(a, fp);
	size_t k;

	for (k = 0; k < OWNER_NFLAGS; k++) {
		owner_flag_header(k, headers[k], sizeof headers[k]);
		cols[OWNER_COL_FLAG0 + k] = (struct table_col){ .header = headers[k], .right = true,
								.drop = (unsigned)(OWNER_NFLAGS - k) };
	}
	if (a->ws == NULL)
		t.hidden = 1ul << OWNER_COL_WORKSPACE;
	fputc('\n', fp);
	table_print(&to, &t);
}

/* The summary by workspace: a line each (the ones that answered) and the
 * total; the flag columns are the by-owner table's. */
struct audit_ws_line {
	const char *name;           /* NULL: the total */
	const struct audit_ws *w;
};

enum { WS_COL_NAME, WS_COL_TOKENS, WS_COL_FLAGGED, WS_COL_ACTIVE, WS_COL_FLAG0 };
#define WS_NCOLS (WS_COL_FLAG0 + OWNER_NFLAGS)

static void
ws_cell(const void *ctx, const void *row, size_t col, char *out, size_t n)
{
	const struct audit_ws_line *l = row;

	if (col == WS_COL_NAME)
		snprintf(out, n, "%s", l->name != NULL ? l->name : "total");
	else if (col == WS_COL_TOKENS)
		snprintf(out, n, "%zu", l->w->tokens);
	else if (col == WS_COL_FLAGGED)
		snprintf(out, n, "%zu", l->w->flagged);
	else if (col == WS_COL_ACTIVE)
		snprintf(out, n, "%zu", l->w->active);
	else
		snprintf(out, n, "%zu", l->w->flags[owner_flag_bits[col - WS_COL_FLAG0]]);
}

/* The workspaces that answered, and the total in *total. */
static size_t
audit_ws_lines(const struct audit *a, struct audit_ws_line *lines, struct audit_ws *total)
{
	size_t i, k = 0;
	int b;

	memset(total, 0, sizeof *total);
	for (i = 0; i < a->cli->nws; i++) {
		const struct audit_ws *w = &a->ws[i];
		if (a->cli->ws[i].failed)
			continue;
		lines[k++] = (struct audit_ws_line){ a->cli->ws[i].name, w };
		total->tokens += w->tokens;
		total->active += w->active;
		total->flagged += w->flagged;
		for (b = 0; b < TOKEN_FLAG_COUNT; b++)
			total->flags[b] += w->flags[b];
	}
	lines[k] = (struct audit_ws_line){ NULL, total };
	return k;
}

static void
audit_table_by_workspace(const struct audit *a, FILE *fp)
{
	struct table_col cols[WS_NCOLS] = {
		[WS_COL_NAME] = { .header = "WORKSPACE", .flex = true },
		[WS_COL_TOKENS] = { .header = "TOKENS", .right = true },
		[WS_COL_FLAGGED] = { .header = "FLAGGED", .right = true },
		[WS_COL_ACTIVE] = { .header = "ACTIVE", .right = true },
	};
	struct audit_ws_line *lines;
	struct audit_ws total;
	char headers[OWNER_NFLAGS][32];
	struct table_out to = audit_out(a, fp);
	struct table t = { cols, WS_NCOLS, 0, ws_cell, a, NULL, 0, NULL, 0 };
	size_t k;

	if (a->ws == NULL || (lines = calloc(a->cli->nws + 1, sizeof *lines)) == NULL)
		return;
	for (k = 0; k < OWNER_NFLAGS; k++) {
		owner_flag_header(k, headers[k], sizeof headers[k]);
		cols[WS_COL_FLAG0 + k] = (struct table_col){ .header = headers[k], .right = true,
							     .drop = (unsigned)(OWNER_NFLAGS - k) };
	}
	t.rows = lines;
	t.stride = sizeof *lines;
	t.nrows = audit_ws_lines(a, lines, &total) + 1;
	fputc('\n', fp);
	table_print(&to, &t);
	free(lines);
}

/* ---- the gate (--fail-on) ------------------------------------------------ */

static json_t *audit_flag_names(unsigned flags);

/* The flags --fail-on names that at least one audited token carries. */
static unsigned
audit_tripped(const struct audit *a)
{
	unsigned m = 0;
	int b;

	for (b = 0; b < TOKEN_FLAG_COUNT; b++)
		if ((a->cli->o.fail_on & (1u << b)) != 0 && a->by_flag[b] > 0)
			m |= 1u << b;
	return m;
}

/* What the gate could not see: entries skipped as malformed, workspaces
 * that failed (said as "N entries were skipped as malformed and 1
 * workspace could not be audited"); false when it saw everything. A gate
 * that did not see every token cannot pass. */
static bool
audit_gate_blind(const struct audit *a, char *out, size_t n)
{
	size_t skipped = a->tab != NULL ? a->tab->malformed : 0, ws = a->cli->ws_failed;
	int k = 0;

	out[0] = '\0';
	if (skipped > 0)
		k = snprintf(out, n, "%zu %s skipped as malformed", skipped,
			     skipped == 1 ? "entry was" : "entries were");
	if (ws > 0 && k >= 0 && (size_t)k < n)
		snprintf(out + k, n - (size_t)k, "%s%zu workspace%s could not be audited",
			 k > 0 ? " and " : "", ws, ws == 1 ? "" : "s");
	return skipped > 0 || ws > 0;
}

/* Whether the gate fails: a flag asked about is carried, or it did not
 * see every token. */
static bool
audit_gate_failed(const struct audit *a)
{
	char why[160];

	return a->cli->o.fail_on != 0 &&
	       (audit_tripped(a) != 0 || audit_gate_blind(a, why, sizeof why));
}

/* The gate's line of the summary: which flags tripped it (with how many
 * tokens carry each), or that none of those asked about is carried (and
 * whether every token was seen). */
static void
audit_gate_line(const struct audit *a, FILE *fp)
{
	unsigned tripped = audit_tripped(a);
	char names[512], why[160];
	int b;

	if (a->cli->o.fail_on == 0)
		return;
	if (tripped == 0) {
		token_flags_format(a->cli->o.fail_on, names, sizeof names);
		if (audit_gate_blind(a, why, sizeof why))
			fprintf(fp, "\n--fail-on: not passed: no token audited carries %s, but "
				"%s.\n", names, why);
		else
			fprintf(fp, "\n--fail-on: no token carries %s: passed.\n", names);
		return;
	}
	fprintf(fp, "\n--fail-on: failed:");
	for (b = 0; b < TOKEN_FLAG_COUNT; b++)
		if (tripped & (1u << b))
			fprintf(fp, " %s (%zu token%s)", token_flag_name((enum token_flag_bit)b),
				a->by_flag[b], a->by_flag[b] == 1 ? "" : "s");
	fprintf(fp, ".\n");
}

/* {"flags":[asked],"tripped":{flag:count},"failed":B,"unseen":WHY|null},
 * or NULL without --fail-on. */
static json_t *
audit_gate_json(const struct audit *a)
{
	unsigned tripped = audit_tripped(a);
	json_t *counts = json_object();
	char why[160];
	bool blind = audit_gate_blind(a, why, sizeof why);
	int b;

	if (a->cli->o.fail_on == 0) {
		json_decref(counts);
		return NULL;
	}
	for (b = 0; counts != NULL && b < TOKEN_FLAG_COUNT; b++)
		if (tripped & (1u << b))
			json_object_set_new(counts, token_flag_name((enum token_flag_bit)b),
					    json_integer((json_int_t)a->by_flag[b]));
	return json_pack("{s:o,s:o,s:b,s:o}", "flags", audit_flag_names(a->cli->o.fail_on),
			 "tripped", counts, "failed", tripped != 0 || blind,
			 "unseen", blind ? json_string(why) : json_null());
}

static int
audit_table(const struct audit *a)
{
	FILE *fp = a->cli->out.fp;

	audit_table_tokens(a);
	audit_table_by_flag(a, fp);
	audit_table_by_owner(a, fp);
	audit_table_by_workspace(a, fp);
	audit_gate_line(a, fp);
	return ferror(fp) ? -1 : 0;
}

/* ---- JSON and CSV --------------------------------------------------------- */

static json_t *
audit_flag_names(unsigned flags)
{
	json_t *arr = json_array();
	int b;

	for (b = 0; arr != NULL && b < TOKEN_FLAG_COUNT; b++)
		if (flags & (1u << b))
			json_array_append_new(arr, json_string(token_flag_name((enum token_flag_bit)b)));
	return arr;
}

/* {flag: count} over every flag; over-max-lifetime is null when unknown. */
static json_t *
audit_flag_counts(const struct audit *a, const size_t *counts)
{
	json_t *obj = json_object();
	int b;

	for (b = 0; obj != NULL && b < TOKEN_FLAG_COUNT; b++)
		json_object_set_new(obj, token_flag_name((enum token_flag_bit)b),
				    b == TOKEN_FLAG_BIT_OVER_MAX_LIFETIME && !a->max_known ?
				    json_null() : json_integer((json_int_t)counts[b]));
	return obj;
}

/* [{workspace, host, tokens, active, flagged, max_lifetime_days, by_flag}]
 * for the workspaces that answered. */
static json_t *
audit_ws_json(const struct audit *a)
{
	json_t *arr = json_array();
	const struct cli_ws *ws;
	size_t i;

	for (i = 0; arr != NULL && i < a->cli->nws; i++) {
		if ((ws = &a->cli->ws[i])->failed)
			continue;
		json_array_append_new(arr, json_pack("{s:s,s:s,s:I,s:I,s:I,s:o,s:o}",
			"workspace", ws->name, "host", ws->cfg.host,
			"tokens", (json_int_t)a->ws[i].tokens, "active", (json_int_t)a->ws[i].active,
			"flagged", (json_int_t)a->ws[i].flagged,
			"max_lifetime_days", ws->max_known && ws->max_days > 0 ?
			json_integer(ws->max_days) : json_null(),
			"by_flag", audit_flag_counts(a, a->ws[i].flags)));
	}
	return arr;
}

static json_t *
audit_summary_json(const struct audit *a)
{
	json_t *owners = json_array(), *s;
	size_t i;

	for (i = 0; owners != NULL && i < a->nowners; i++) {
		const struct audit_owner *o = &a->owners[i];
		json_t *row = json_pack("{s:o,s:I,s:I,s:i,s:o}",
			"owner", a->cli->out.management ? json_string(o->name) : json_null(),
			"tokens", (json_int_t)o->tokens, "active", (json_int_t)o->active,
			"quota", TOKEN_QUOTA, "flags", audit_flag_counts(a, o->flags));
		if (row != NULL && a->ws != NULL)
			json_object_set_new(row, "workspace",
					    json_string(a->cli->ws[o->workspace].name));
		json_array_append_new(owners, row);
	}
	s = json_pack("{s:I,s:I,s:o,s:o,s:o,s:o?}", "tokens", (json_int_t)a->n,
		      "flagged", (json_int_t)a->nflagged,
		      "max_lifetime_days", a->max_known && a->max_days > 0 && a->ws == NULL ?
		      json_integer(a->max_days) : json_null(),
		      "by_flag", audit_flag_counts(a, a->by_flag), "by_owner", owners,
		      "fail_on", audit_gate_json(a));
	if (s != NULL && a->ws != NULL)
		json_object_set_new(s, "by_workspace", audit_ws_json(a));
	return s;
}

/* Row i: the token as list -o json shows it, and its flags' names. */
static json_t *
audit_json_row(const void *ctx, void **scratch, size_t i)
{
	const struct audit *a = ctx;
	json_t *obj = api_token_to_json(a->rows[i].t, a->cli->out.management);

	if (obj == NULL || cli_output_json_where(&a->cli->out, a->rows[i].t, obj) != 0 ||
	    cli_output_json_revoke(obj, a->rows[i].t) != 0 ||
	    json_object_set_new(obj, "flags", audit_flag_names(a->rows[i].flags)) != 0) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

/* Take out back to start: the row is left to jansson (1). */
static int
audit_json_undo(struct buf *out, size_t start)
{
	out->len = start;
	if (out->data != NULL)
		out->data[start] = '\0';
	return 1;
}

/* Row i's text without building it (cli_output_json_array_text): the
 * token's as list -o json writes it, then "flags" as jansson dumps an array
 * of the names (plain ASCII: nothing to escape). */
static int
audit_json_text(const void *ctx, size_t i, struct buf *out)
{
	const struct audit *a = ctx;
	const struct audit_row *r = &a->rows[i];
	char flags[16 + TOKEN_FLAG_COUNT * 32], *p = flags;
	const char *name;
	size_t start = out->len, len;
	int b, rc;

	AUDIT_PREFETCH(a, i);
	if ((rc = cli_output_json_token_text(&a->cli->out, r->t, out)) != 0)
		return rc;
	if (out->len <= start || out->data[out->len - 1] != '}')
		return audit_json_undo(out, start);
	out->len--;
	memcpy(p, ",\"flags\":[", 10);
	p += 10;
	for (b = 0; b < TOKEN_FLAG_COUNT; b++) {
		if ((r->flags & (1u << b)) == 0)
			continue;
		name = token_flag_name((enum token_flag_bit)b);
		if ((len = strlen(name)) + 5 > sizeof flags - (size_t)(p - flags))
			return audit_json_undo(out, start);     /* names are short: never */
		if (p > flags + 10)
			*p++ = ',';
		*p++ = '"';
		memcpy(p, name, len);
		p += len;
		*p++ = '"';
	}
	*p++ = ']';
	*p++ = '}';
	return buf_add(out, flags, (size_t)(p - flags));
}

/* {"tokens":[…], "summary":{…}}, one token at a time: no tree of 100,000. */
static int
audit_json(const struct audit *a)
{
	const struct cli_out *o = &a->cli->out;
	struct cli_json_rows rows = { a->n, audit_json_row, a, NULL, false, 0 };
	json_t *obj;
	int rc;

	fputs("{\n\"tokens\": ", o->fp);
	rc = cli_output_json_array_text(o->fp, &rows, audit_json_text);
	fputs(",\n\"summary\": ", o->fp);
	if (rc == 0 && (obj = audit_summary_json(a)) != NULL) {
		rc = cli_output_json_dump(o->fp, obj, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		json_decref(obj);
	} else {
		rc = -1;
	}
	fputs("\n}\n", o->fp);
	return rc == 0 && !ferror(o->fp) ? 0 : -1;
}

/* The rows as `list -o csv` prints them (their flags as computed here);
 * the summaries go to stderr. */
static int
audit_csv(const struct audit *a)
{
	size_t *idx = malloc((a->n ? a->n : 1) * sizeof *idx);
	unsigned *flags = malloc((a->n ? a->n : 1) * sizeof *flags);
	size_t i;
	int rc;

	if (idx == NULL || flags == NULL) {
		free(idx);
		free(flags);
		return -1;
	}
	/* The rows point into a->tab: give cli_output their indexes. */
	for (i = 0; i < a->n; i++) {
		idx[i] = (size_t)(a->rows[i].t - a->tab->rows);
		flags[i] = a->rows[i].flags;
	}
	rc = cli_output_csv(&a->cli->out, a->tab, idx, flags, a->n);
	free(idx);
	free(flags);
	fflush(a->cli->out.fp);
	fprintf(stderr, "%zu of %zu token%s %s audit flags.\n", a->nflagged, a->n,
		a->n == 1 ? "" : "s", a->nflagged == 1 ? "has" : "have");
	audit_table_by_flag(a, stderr);
	audit_table_by_owner(a, stderr);
	audit_table_by_workspace(a, stderr);
	audit_gate_line(a, stderr);
	return rc;
}

/* ---- the command ---------------------------------------------------------- */

/* Each workspace's maximum lifetime: known when one of them is. */
static bool
audit_estate_max(struct cli *cli)
{
	size_t i;

	cli_estate_max_lifetime(cli);
	for (i = 0; i < cli->nws; i++)
		if (!cli->ws[i].failed && cli->ws[i].max_known)
			return true;
	return false;
}

/* One workspace: the maximum lifetime is asked for with the list, not
 * after it (a round trip less; several workspaces do the same through
 * ws_max_with_list). NULL when it could not be made. */
static struct call *
audit_conf_submit(struct cli *cli)
{
	struct call *c;

	if (cli->o.many || (c = api_conf_get()) == NULL)
		return NULL;
	worker_submit(cli->w, c);
	return c;
}

/* Take c back, finished (a few calls' timeouts at most). */
static void
audit_conf_wait(struct cli *cli, struct call *c)
{
	while (c != NULL && !worker_wait_for(cli->w, c, 1000))
		continue;
}

static void
audit_free(struct audit *a)
{
	free(a->rows);
	free(a->owners);
	free(a->ws);
	api_table_free(a->tab);
}

int
cli_cmd_audit(struct cli *cli, int argc, char **argv)
{
	struct token_filter *f = NULL;
	struct call *conf;
	struct patrol_err err;
	struct audit a;
	int rc;

	if (argc > 1) {
		cli_msg("audit: takes no arguments (use --filter)");
		return 2;
	}
	status_clear(&err);
	if (token_filter_compile(cli->o.filter, &f, &err) != PATROL_OK) {
		cli_msg("bad filter: %s", err.message);
		return 2;
	}
	memset(&a, 0, sizeof a);
	a.cli = cli;
	cli->ws_max_with_list = true;   /* several workspaces: one round trip, not two */
	if ((rc = cli_estate_connect(cli)) != 0) {
		token_filter_free(f);
		return rc;
	}
	conf = audit_conf_submit(cli);  /* one workspace: the same */
	rc = cli_estate_fetch(cli, cli->o.all, NULL, &a.tab);
	audit_conf_wait(cli, conf);
	if (rc != 0) {
		call_free(conf);
		token_filter_free(f);
		return rc;
	}
	a.max_known = cli->o.many ? audit_estate_max(cli) : conf != NULL ?
	    cli_max_lifetime_read(cli, conf, &a.max_days) : cli_max_lifetime(cli, &a.max_days);
	call_free(conf);
	if (audit_compute(&a, f) != 0) {
		cli_msg("out of memory");
		rc = status_exit_code(PATROL_NOMEM);
	} else if (cli->o.format == CLI_FORMAT_JSON) {
		rc = cli_written(audit_json(&a));
	} else if (cli->o.format == CLI_FORMAT_CSV) {
		rc = cli_written(audit_csv(&a));
	} else {
		rc = cli_written(audit_table(&a));
	}
	if (rc == 0 && audit_gate_failed(&a))
		rc = 1;              /* --fail-on: a flag asked about is carried, or not all seen */
	audit_free(&a);
	token_filter_free(f);
	return rc;
}
