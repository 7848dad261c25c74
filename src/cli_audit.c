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
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "cli.h"
#include "duration.h"
#include "sanitize.h"

#define AUDIT_CELL 1024
/* The flags the by-owner table has a column for. */
#define AUDIT_OWNER_FLAGS(_) _(UNUSED_90D) _(NEVER_EXPIRES) _(PRIVILEGED)

struct audit_row {
	const struct token_info *t;
	unsigned flags;
	unsigned nflags;
};

struct audit_owner {
	const char *name;           /* points into the table; "" when unknown */
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
};

/* ---- fetching ------------------------------------------------------------ */

/* ---- computing ----------------------------------------------------------- */

static int
audit_row_cmp(const void *pa, const void *pb)
{
	const struct audit_row *a = pa, *b = pb;
	int c = strcmp(token_owner(a->t), token_owner(b->t));

	if (c != 0)
		return c;
	if (a->nflags != b->nflags)
		return a->nflags > b->nflags ? -1 : 1;
	return strcmp(a->t->token_id, b->t->token_id);
}

static int
audit_owner_cmp(const void *pa, const void *pb)
{
	const struct audit_owner *a = pa, *b = pb;

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

/* Count one row into the summaries (rows come sorted by owner). */
static void
audit_count(struct audit *a, const struct audit_row *r, int64_t now)
{
	struct audit_owner *o;
	int b;

	if (a->nowners == 0 || strcmp(a->owners[a->nowners - 1].name, token_owner(r->t)) != 0)
		a->owners[a->nowners++].name = token_owner(r->t);
	o = &a->owners[a->nowners - 1];
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

/* Filter, flag, sort and count. Returns 0 or -1 on out of memory. */
static int
audit_compute(struct audit *a, const struct token_filter *f)
{
	const struct token_ctx *ctx = &a->cli->out.ctx;
	size_t i, *idx, cap = a->tab->n ? a->tab->n : 1;

	idx = malloc(cap * sizeof *idx);
	a->rows = calloc(cap, sizeof *a->rows);
	a->owners = calloc(cap, sizeof *a->owners);
	if (idx == NULL || a->rows == NULL || a->owners == NULL) {
		free(idx);
		return -1;
	}
	a->n = token_filter_apply(f, a->tab, ctx, idx);
	for (i = 0; i < a->n; i++) {
		a->rows[i].t = &a->tab->rows[idx[i]];
		a->rows[i].flags = token_flags(a->rows[i].t, ctx);
		a->rows[i].nflags = audit_popcount(a->rows[i].flags);
	}
	free(idx);
	qsort(a->rows, a->n, sizeof *a->rows, audit_row_cmp);
	for (i = 0; i < a->n; i++)
		audit_count(a, &a->rows[i], ctx->now_ms);
	qsort(a->owners, a->nowners, sizeof *a->owners, audit_owner_cmp);
	return 0;
}

/* ---- the table ----------------------------------------------------------- */

typedef void (*audit_cell_fn)(const struct cli_out *o, const struct audit_row *r,
			      char *out, size_t n);

struct audit_col {
	const char *header;
	audit_cell_fn cell;
	size_t cap;
	bool flex;        /* gives way on a narrow terminal */
	bool management;  /* only with --all */
};

static void
cell_id(const struct cli_out *o, const struct audit_row *r, char *out, size_t n)
{
	snprintf(out, n, "%.*s", TOKEN_SHORT_ID_LEN, r->t->token_id);
}

static void
cell_owner(const struct cli_out *o, const struct audit_row *r, char *out, size_t n)
{
	snprintf(out, n, "%s", token_owner(r->t));
}

static void
cell_comment(const struct cli_out *o, const struct audit_row *r, char *out, size_t n)
{
	snprintf(out, n, "%s", r->t->comment ? r->t->comment : "");
}

static void
cell_created(const struct cli_out *o, const struct audit_row *r, char *out, size_t n)
{
	duration_relative(r->t->creation_time, o->ctx.now_ms, out, n);
}

/* Like list's EXPIRES column: "in 12d (2026-05-01)", "expired (…)", "never". */
static void
cell_expires(const struct cli_out *o, const struct audit_row *r, char *out, size_t n)
{
	char rel[32], abs[32];

	if (r->t->expiry_time <= 0) {
		snprintf(out, n, "never");
		return;
	}
	if (token_is_expired(r->t, o->ctx.now_ms))
		snprintf(rel, sizeof rel, "expired");
	else
		duration_relative(r->t->expiry_time, o->ctx.now_ms, rel, sizeof rel);
	duration_absolute(r->t->expiry_time, false, abs, sizeof abs);
	abs[10] = '\0';
	snprintf(out, n, "%s (%s)", rel, abs);
}

static void
cell_last_used(const struct cli_out *o, const struct audit_row *r, char *out, size_t n)
{
	int64_t used = token_last_used(r->t);

	if (used <= 0)
		snprintf(out, n, "-");
	else
		duration_relative(used, o->ctx.now_ms, out, n);
}

static void
cell_flags(const struct cli_out *o, const struct audit_row *r, char *out, size_t n)
{
	token_flags_format(r->flags, out, n);
}

static const struct audit_col audit_cols[] = {
	{ "ID",        cell_id,        TOKEN_SHORT_ID_LEN, false, false },
	{ "OWNER",     cell_owner,     28,  true,  true },
	{ "COMMENT",   cell_comment,   40,  true,  false },
	{ "CREATED",   cell_created,   10,  false, false },
	{ "EXPIRES",   cell_expires,   24,  false, false },
	{ "LAST USED", cell_last_used, 10,  false, false },
	{ "FLAGS",     cell_flags,     200, false, false },
};
#define AUDIT_NCOLS (sizeof audit_cols / sizeof audit_cols[0])

static bool
audit_col_shown(const struct cli_out *o, size_t c)
{
	return !audit_cols[c].management || o->management;
}

/* Column widths from the flagged rows, capped, then fitted to the terminal
 * (comment first, then owner, down to 8 columns). */
static void
audit_widths(const struct audit *a, size_t *w)
{
	const struct cli_out *o = &a->cli->out;
	char text[AUDIT_CELL], clean[AUDIT_CELL];
	size_t c, i, cw, total = 0, shown = 0, cut;

	for (c = 0; c < AUDIT_NCOLS; c++) {
		w[c] = strlen(audit_cols[c].header);
		if (!audit_col_shown(o, c))
			continue;
		for (i = 0; i < a->n && w[c] < audit_cols[c].cap; i++) {
			if (a->rows[i].flags == 0)
				continue;
			audit_cols[c].cell(o, &a->rows[i], text, sizeof text);
			sanitize_cell(text, 0, 0, o->sanitize_flags, clean, sizeof clean);
			if ((cw = sanitize_width(clean)) > w[c])
				w[c] = cw;
		}
		if (w[c] > audit_cols[c].cap)
			w[c] = audit_cols[c].cap;
		total += w[c];
		shown++;
	}
	total += 2 * (shown - 1);
	for (c = AUDIT_NCOLS; o->width > 0 && total > o->width && c-- > 0;) {
		if (!audit_cols[c].flex || !audit_col_shown(o, c) || w[c] <= 8)
			continue;
		cut = total - o->width < w[c] - 8 ? total - o->width : w[c] - 8;
		w[c] -= cut;
		total -= cut;
	}
}

/* One line of the token table (r NULL: the header). */
static void
audit_table_line(const struct cli_out *o, const struct audit_row *r, const size_t *w)
{
	char text[AUDIT_CELL], cell[AUDIT_CELL];
	size_t c, last = 0;

	for (c = 0; c < AUDIT_NCOLS; c++)
		if (audit_col_shown(o, c))
			last = c;
	if (r == NULL && o->color)
		fputs("\033[1m", o->fp);
	for (c = 0; c < AUDIT_NCOLS; c++) {
		if (!audit_col_shown(o, c))
			continue;
		if (r == NULL)
			snprintf(text, sizeof text, "%s", audit_cols[c].header);
		else
			audit_cols[c].cell(o, r, text, sizeof text);
		sanitize_cell(text, w[c], c != last, o->sanitize_flags, cell, sizeof cell);
		fputs(cell, o->fp);
		if (c != last)
			fputs("  ", o->fp);
	}
	if (r == NULL && o->color)
		fputs("\033[0m", o->fp);
	fputc('\n', o->fp);
}

static void
audit_table_tokens(const struct audit *a)
{
	const struct cli_out *o = &a->cli->out;
	size_t w[AUDIT_NCOLS], i;

	if (a->nflagged == 0) {
		fprintf(o->fp, "No audit flags on any of %zu tokens.\n", a->n);
		return;
	}
	audit_widths(a, w);
	audit_table_line(o, NULL, w);
	for (i = 0; i < a->n; i++)
		if (a->rows[i].flags != 0)
			audit_table_line(o, &a->rows[i], w);
	fprintf(o->fp, "\n%zu of %zu tokens have audit flags.\n", a->nflagged, a->n);
}

/* The summary by flag: every flag, its count and what it means. */
static void
audit_table_by_flag(const struct audit *a, FILE *fp)
{
	char count[32];
	int b;

	fprintf(fp, "\n%-18s  %6s  %s\n", "FLAG", "TOKENS", "MEANING");
	for (b = 0; b < TOKEN_FLAG_COUNT; b++) {
		bool unknown = b == TOKEN_FLAG_BIT_OVER_MAX_LIFETIME && !a->max_known;
		if (unknown)
			snprintf(count, sizeof count, "-");
		else
			snprintf(count, sizeof count, "%zu", a->by_flag[b]);
		fprintf(fp, "%-18s  %6s  %s%s\n", token_flag_name((enum token_flag_bit)b), count,
			token_flag_legend((enum token_flag_bit)b),
			unknown ? " (workspace maximum unknown: not computed)" : "");
	}
	if (a->max_known && a->max_days > 0)
		fprintf(fp, "(workspace maximum lifetime: %d days)\n", a->max_days);
	else if (a->max_known)
		fprintf(fp, "(no workspace maximum lifetime is set)\n");
}

/* The summary by owner: tokens, active against the quota, key flags. */
static void
audit_table_by_owner(const struct audit *a, FILE *fp)
{
	static const int keys[] = {
#define AUDIT_KEY(e) TOKEN_FLAG_BIT_##e,
		AUDIT_OWNER_FLAGS(AUDIT_KEY)
#undef AUDIT_KEY
	};
	const size_t nkeys = sizeof keys / sizeof keys[0];
	const struct cli_out *o = &a->cli->out;
	char name[256], header[32], *p;
	size_t i, k;

	fprintf(fp, "\n%-32s  %6s  %10s", "OWNER", "TOKENS", "ACTIVE");
	for (k = 0; k < nkeys; k++) {
		snprintf(header, sizeof header, "%s", token_flag_name((enum token_flag_bit)keys[k]));
		for (p = header; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
		fprintf(fp, "  %13s", header);
	}
	fputc('\n', fp);
	for (i = 0; i < a->nowners; i++) {
		const struct audit_owner *ow = &a->owners[i];
		char active[32];
		sanitize_cell(o->management ? (ow->name[0] ? ow->name : "(unknown)") : "(you)",
			      32, 1, o->sanitize_flags, name, sizeof name);
		snprintf(active, sizeof active, "%zu/%d", ow->active, TOKEN_QUOTA);
		fprintf(fp, "%s  %6zu  %10s", name, ow->tokens, active);
		for (k = 0; k < nkeys; k++)
			fprintf(fp, "  %13zu", ow->flags[keys[k]]);
		fputc('\n', fp);
	}
}

static int
audit_table(const struct audit *a)
{
	FILE *fp = a->cli->out.fp;

	audit_table_tokens(a);
	audit_table_by_flag(a, fp);
	audit_table_by_owner(a, fp);
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

static json_t *
audit_summary_json(const struct audit *a)
{
	json_t *owners = json_array(), *s;
	size_t i;

	for (i = 0; owners != NULL && i < a->nowners; i++) {
		const struct audit_owner *o = &a->owners[i];
		json_array_append_new(owners, json_pack("{s:o,s:I,s:I,s:i,s:o}",
			"owner", a->cli->out.management ? json_string(o->name) : json_null(),
			"tokens", (json_int_t)o->tokens, "active", (json_int_t)o->active,
			"quota", TOKEN_QUOTA, "flags", audit_flag_counts(a, o->flags)));
	}
	s = json_pack("{s:I,s:I,s:o,s:o,s:o}", "tokens", (json_int_t)a->n,
		      "flagged", (json_int_t)a->nflagged,
		      "max_lifetime_days", a->max_known && a->max_days > 0 ?
		      json_integer(a->max_days) : json_null(),
		      "by_flag", audit_flag_counts(a, a->by_flag), "by_owner", owners);
	return s;
}

/* {"tokens":[…], "summary":{…}}, one token at a time: no tree of 100,000. */
static int
audit_json(const struct audit *a)
{
	const struct cli_out *o = &a->cli->out;
	json_t *obj;
	size_t i;
	int rc = 0;

	fputs("{\n\"tokens\": [", o->fp);
	for (i = 0; i < a->n && rc == 0; i++) {
		obj = api_token_to_json(a->rows[i].t, o->management);
		if (obj == NULL || json_object_set_new(obj, "flags",
						       audit_flag_names(a->rows[i].flags)) != 0) {
			json_decref(obj);
			return -1;
		}
		fputs(i ? ",\n  " : "\n  ", o->fp);
		rc = cli_output_json_dump(o->fp, obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
		json_decref(obj);
	}
	fputs(a->n ? "\n],\n\"summary\": " : "],\n\"summary\": ", o->fp);
	if (rc == 0 && (obj = audit_summary_json(a)) != NULL) {
		rc = cli_output_json_dump(o->fp, obj, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		json_decref(obj);
	} else {
		rc = -1;
	}
	fputs("\n}\n", o->fp);
	return rc == 0 && !ferror(o->fp) ? 0 : -1;
}

/* The rows as `list -o csv` prints them; the summaries go to stderr. */
static int
audit_csv(const struct audit *a)
{
	size_t *idx = malloc((a->n ? a->n : 1) * sizeof *idx);
	size_t i;
	int rc;

	if (idx == NULL)
		return -1;
	/* The rows point into a->tab: give cli_output their indexes. */
	for (i = 0; i < a->n; i++)
		idx[i] = (size_t)(a->rows[i].t - a->tab->rows);
	rc = cli_output_tokens(&a->cli->out, a->tab, idx, a->n);
	free(idx);
	fflush(a->cli->out.fp);
	fprintf(stderr, "%zu of %zu tokens have audit flags.\n", a->nflagged, a->n);
	audit_table_by_flag(a, stderr);
	audit_table_by_owner(a, stderr);
	return rc;
}

/* ---- the command ---------------------------------------------------------- */

static void
audit_free(struct audit *a)
{
	free(a->rows);
	free(a->owners);
	api_table_free(a->tab);
}

int
cli_cmd_audit(struct cli *cli, int argc, char **argv)
{
	struct token_filter *f = NULL;
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
	if ((rc = cli_connect(cli)) != 0 ||
	    (rc = cli_fetch_tokens(cli, cli->o.all, NULL, &a.tab)) != 0) {
		token_filter_free(f);
		return rc;
	}
	a.max_known = cli_max_lifetime(cli, &a.max_days);
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
	audit_free(&a);
	token_filter_free(f);
	return rc;
}
