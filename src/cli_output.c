/*
 * cli_output.c: tables, CSV and JSON for the command line.
 *
 * The table is driven by one column list: each column has a header, a cell
 * formatter, a width cap and whether it needs management data. Widths come
 * from the content (sanitized), capped, and the comment column gives way
 * first when the terminal is narrow.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "cli_output.h"
#include "duration.h"
#include "sanitize.h"

#define CELL_MAX 4096

typedef void (*cell_fn)(const struct cli_out *o, const struct token_info *t,
			char *out, size_t n);

struct column {
	const char *header;
	cell_fn cell;
	size_t cap;            /* widest the column may be */
	bool flex;             /* shrinks to fit the terminal */
	bool management;       /* only with --all */
	bool raw;              /* server text: sanitize it */
};

static void
cell_id(const struct cli_out *o, const struct token_info *t, char *out, size_t n)
{
	snprintf(out, n, "%.*s", TOKEN_SHORT_ID_LEN, t->token_id);
}

static void
cell_comment(const struct cli_out *o, const struct token_info *t, char *out, size_t n)
{
	snprintf(out, n, "%s", t->comment ? t->comment : "");
}

static void
cell_created(const struct cli_out *o, const struct token_info *t, char *out, size_t n)
{
	duration_relative(t->creation_time, o->ctx.now_ms, out, n);
}

static void
cell_expires(const struct cli_out *o, const struct token_info *t, char *out, size_t n)
{
	char rel[32], abs[32];

	if (t->expiry_time <= 0) {
		snprintf(out, n, "never");
		return;
	}
	if (token_is_expired(t, o->ctx.now_ms))
		snprintf(rel, sizeof rel, "expired");
	else
		duration_relative(t->expiry_time, o->ctx.now_ms, rel, sizeof rel);
	duration_absolute(t->expiry_time, false, abs, sizeof abs);
	abs[10] = '\0';   /* the date is enough here; show gives the time */
	snprintf(out, n, "%s (%s)", rel, abs);
}

static void
cell_last_used(const struct cli_out *o, const struct token_info *t, char *out, size_t n)
{
	int64_t used = token_last_used(t);

	if (used <= 0)
		snprintf(out, n, "-");
	else
		duration_relative(used, o->ctx.now_ms, out, n);
}

/* Join a string list with sep into out. */
static void
join_list(char *const *v, size_t count, const char *sep, char *out, size_t n)
{
	size_t len = 0;
	size_t i;

	out[0] = '\0';
	for (i = 0; i < count && len + 1 < n; i++) {
		int w = snprintf(out + len, n - len, "%s%s", i ? sep : "", v[i]);
		if (w < 0)
			break;
		len += (size_t)w;
	}
}

static void
cell_scopes(const struct cli_out *o, const struct token_info *t, char *out, size_t n)
{
	if (t->nscopes == 0)
		snprintf(out, n, "all");
	else
		join_list(t->scopes, t->nscopes, ",", out, n);
}

static void
cell_owner(const struct cli_out *o, const struct token_info *t, char *out, size_t n)
{
	snprintf(out, n, "%s", token_owner(t));
}

static const struct column columns[] = {
	{ "ID",        cell_id,        TOKEN_SHORT_ID_LEN, false, false, true },
	{ "COMMENT",   cell_comment,   48, true,  false, true },
	{ "CREATED",   cell_created,   10, false, false, false },
	{ "EXPIRES",   cell_expires,   24, false, false, false },
	{ "LAST USED", cell_last_used, 10, false, false, false },
	{ "SCOPES",    cell_scopes,    28, true,  false, true },
	{ "OWNER",     cell_owner,     28, true,  true,  true },
};
#define NCOLUMNS (sizeof columns / sizeof columns[0])

int
cli_format_parse(const char *s, enum cli_format *out)
{
	static const struct { const char *name; enum cli_format f; } names[] = {
		{ "table", CLI_FORMAT_TABLE }, { "json", CLI_FORMAT_JSON },
		{ "csv", CLI_FORMAT_CSV },
	};
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (strcmp(s, names[i].name) == 0) {
			*out = names[i].f;
			return 0;
		}
	}
	return -1;
}

static bool
column_shown(const struct cli_out *o, size_t c)
{
	return !columns[c].management || o->management;
}

/* Display width of a cell after sanitizing. */
static size_t
cell_width(const struct cli_out *o, size_t c, const char *text)
{
	char clean[CELL_MAX];

	if (!columns[c].raw)
		return strlen(text);
	sanitize_cell(text, 0, 0, o->sanitize_flags, clean, sizeof clean);
	return sanitize_width(clean);
}

/* Work out column widths from the content, then fit the terminal. */
static void
table_widths(const struct cli_out *o, const struct token_table *tab,
	     const size_t *idx, size_t n, size_t *w)
{
	char text[CELL_MAX];
	size_t c, i, total = 0, shown = 0;

	for (c = 0; c < NCOLUMNS; c++) {
		w[c] = strlen(columns[c].header);
		if (!column_shown(o, c))
			continue;
		for (i = 0; i < n; i++) {
			size_t cw;
			columns[c].cell(o, &tab->rows[idx[i]], text, sizeof text);
			cw = cell_width(o, c, text);
			if (cw > w[c])
				w[c] = cw;
			if (w[c] >= columns[c].cap)
				break;
		}
		if (w[c] > columns[c].cap)
			w[c] = columns[c].cap;
		total += w[c];
		shown++;
	}
	total += 2 * (shown - 1);
	/* Narrow terminal: shrink flexible columns, comment last, to >= 8. */
	for (c = NCOLUMNS; o->width > 0 && total > o->width && c-- > 0;) {
		size_t spare, cut;
		if (!columns[c].flex || !column_shown(o, c) || w[c] <= 8)
			continue;
		spare = w[c] - 8;
		cut = total - o->width < spare ? total - o->width : spare;
		w[c] -= cut;
		total -= cut;
	}
}

static void
table_row_cells(const struct cli_out *o, const struct token_info *t, const size_t *w,
		bool header)
{
	char text[CELL_MAX], cell[CELL_MAX];
	size_t c, last = 0;

	for (c = 0; c < NCOLUMNS; c++)
		if (column_shown(o, c))
			last = c;
	for (c = 0; c < NCOLUMNS; c++) {
		if (!column_shown(o, c))
			continue;
		if (header)
			snprintf(text, sizeof text, "%s", columns[c].header);
		else
			columns[c].cell(o, t, text, sizeof text);
		sanitize_cell(text, w[c], c != last, o->sanitize_flags, cell, sizeof cell);
		fputs(cell, o->fp);
		if (c != last)
			fputs("  ", o->fp);
	}
	fputc('\n', o->fp);
}

static int
output_table(const struct cli_out *o, const struct token_table *tab,
	     const size_t *idx, size_t n)
{
	size_t w[NCOLUMNS];
	size_t i;

	table_widths(o, tab, idx, n, w);
	if (o->color)
		fputs("\033[1m", o->fp);
	table_row_cells(o, NULL, w, true);
	if (o->color)
		fputs("\033[0m", o->fp);
	for (i = 0; i < n; i++)
		table_row_cells(o, &tab->rows[idx[i]], w, false);
	return ferror(o->fp) ? -1 : 0;
}

void
cli_output_csv_field(FILE *fp, const char *s, unsigned sanitize_flags, bool last)
{
	char *clean = sanitize(s ? s : "", 0, sanitize_flags);
	const char *p;

	if (clean == NULL)
		clean = strdup("");
	fputc('"', fp);
	/* A leading = + - @ would run as a formula in a spreadsheet. */
	if (clean != NULL && strchr("=+-@", clean[0]) != NULL && clean[0] != '\0')
		fputc('\'', fp);
	for (p = clean; p != NULL && *p; p++) {
		if (*p == '"')
			fputc('"', fp);
		fputc(*p, fp);
	}
	fputc('"', fp);
	fputc(last ? '\n' : ',', fp);
	free(clean);
}

static const char *const csv_header[] = {
	"token_id", "comment", "created", "expires", "last_used", "scopes",
	"owner", "autoscope_state", "flags",
};
#define CSV_NCOLS (sizeof csv_header / sizeof csv_header[0])

static void
csv_row(const struct cli_out *o, const struct token_info *t)
{
	char created[32], expires[32], used[32], scopes[CELL_MAX], flags[256];
	const char *v[CSV_NCOLS];
	size_t i;

	duration_iso8601(t->creation_time, created, sizeof created);
	if (t->expiry_time <= 0)
		snprintf(expires, sizeof expires, "never");
	else
		duration_iso8601(t->expiry_time, expires, sizeof expires);
	duration_iso8601(token_last_used(t), used, sizeof used);
	join_list(t->scopes, t->nscopes, " ", scopes, sizeof scopes);
	token_flags_format(token_flags(t, &o->ctx), flags, sizeof flags);
	v[0] = t->token_id; v[1] = t->comment; v[2] = created; v[3] = expires;
	v[4] = used; v[5] = scopes; v[6] = token_owner(t);
	v[7] = t->autoscope_state; v[8] = flags;
	for (i = 0; i < CSV_NCOLS; i++)
		cli_output_csv_field(o->fp, v[i], o->sanitize_flags, i + 1 == CSV_NCOLS);
}

static int
output_csv(const struct cli_out *o, const struct token_table *tab,
	   const size_t *idx, size_t n)
{
	size_t i;

	for (i = 0; i < CSV_NCOLS; i++)
		fprintf(o->fp, "%s%c", csv_header[i], i + 1 == CSV_NCOLS ? '\n' : ',');
	for (i = 0; i < n; i++)
		csv_row(o, &tab->rows[idx[i]]);
	return ferror(o->fp) ? -1 : 0;
}

/* Write n bytes to fp, or to fd 1 when fp is NULL. */
static int
json_out(FILE *fp, const char *p, size_t n)
{
	ssize_t w;

	if (fp != NULL)
		return fwrite(p, 1, n, fp) == n ? 0 : -1;
	while (n > 0) {
		if ((w = write(STDOUT_FILENO, p, n)) < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* jansson's dump callback: everything as is, but DEL escaped. */
static int
json_out_cb(const char *buffer, size_t size, void *data)
{
	FILE *fp = data;
	const char *del;

	while ((del = memchr(buffer, 0x7f, size)) != NULL) {
		if (json_out(fp, buffer, (size_t)(del - buffer)) != 0 ||
		    json_out(fp, "\\u007f", 6) != 0)
			return -1;
		size -= (size_t)(del - buffer) + 1;
		buffer = del + 1;
	}
	return json_out(fp, buffer, size);
}

int
cli_output_json_dump(FILE *fp, const json_t *v, size_t flags)
{
	return json_dump_callback(v, json_out_cb, fp, flags | JSON_ENSURE_ASCII);
}

static json_t *
cli_output_result_json(const struct bulk_item *it)
{
	json_t *o = json_pack("{s:s, s:s, s:s?, s:s?}", "token_id", it->t.id,
			      "result", journal_result_label(it->result),
			      "owner", it->t.owner, "comment", it->t.comment);

	if (o != NULL && (journal_result_fails(it->result) || it->result == JOURNAL_SKIPPED))
		json_object_set_new(o, "error", json_pack("{s:s, s:I, s:s, s:s}",
			"status", status_name(it->err.status),
			"http_status", (json_int_t)it->err.http_status,
			"code", it->err.code, "message", it->err.message));
	return o;
}

static void
cli_output_result_csv(FILE *fp, const struct bulk_item *it, unsigned sflags)
{
	char http[24];

	snprintf(http, sizeof http, "%ld", it->err.http_status);
	cli_output_csv_field(fp, it->t.id, sflags, false);
	cli_output_csv_field(fp, journal_result_label(it->result), sflags, false);
	cli_output_csv_field(fp, it->t.owner, sflags, false);
	cli_output_csv_field(fp, it->t.comment, sflags, false);
	cli_output_csv_field(fp, status_name(it->err.status), sflags, false);
	cli_output_csv_field(fp, http, sflags, false);
	cli_output_csv_field(fp, it->err.message, sflags, true);
}

int
cli_output_results(FILE *fp, enum cli_format format, const struct bulk *b,
		   unsigned sanitize_flags)
{
	json_t *arr = NULL;
	size_t i;

	if (format == CLI_FORMAT_JSON && (arr = json_array()) == NULL)
		return -1;
	if (format == CLI_FORMAT_CSV)
		fputs("token_id,result,owner,comment,status,http_status,message\n", fp);
	for (i = 0; i < b->n; i++) {
		if (arr != NULL && json_array_append_new(arr, cli_output_result_json(&b->v[i])) != 0) {
			json_decref(arr);
			return -1;
		}
		if (format == CLI_FORMAT_CSV)
			cli_output_result_csv(fp, &b->v[i], sanitize_flags);
	}
	if (arr != NULL)
		return cli_output_json(fp, arr);
	return ferror(fp) ? -1 : 0;
}

int
cli_output_json(FILE *fp, json_t *v)
{
	int rc;

	if (v == NULL)
		return -1;
	rc = cli_output_json_dump(fp, v, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', fp);
	json_decref(v);
	return rc == 0 && !ferror(fp) ? 0 : -1;
}

/* Stream the array one object at a time: 100,000 rows never exist as one
 * JSON tree in memory. */
static int
output_json(const struct cli_out *o, const struct token_table *tab,
	    const size_t *idx, size_t n)
{
	size_t i;
	int rc = 0;

	fputc('[', o->fp);
	for (i = 0; i < n && rc == 0; i++) {
		json_t *obj = api_token_to_json(&tab->rows[idx[i]], o->management);
		fputs(i ? ",\n  " : "\n  ", o->fp);
		rc = obj ? cli_output_json_dump(o->fp, obj, JSON_COMPACT | JSON_PRESERVE_ORDER) : -1;
		json_decref(obj);
	}
	fputs(n ? "\n]\n" : "]\n", o->fp);
	return rc == 0 && !ferror(o->fp) ? 0 : -1;
}

int
cli_output_tokens(const struct cli_out *o, const struct token_table *tab,
		  const size_t *idx, size_t n)
{
	switch (o->format) {
	case CLI_FORMAT_JSON:
		return output_json(o, tab, idx, n);
	case CLI_FORMAT_CSV:
		return output_csv(o, tab, idx, n);
	case CLI_FORMAT_TABLE:
		break;
	}
	return output_table(o, tab, idx, n);
}

/* One "label: value" line of the detail view, value sanitized. */
static void
detail_line(const struct cli_out *o, const char *label, const char *value)
{
	char *clean = sanitize(value ? value : "", 0, o->sanitize_flags);

	fprintf(o->fp, "%-18s %s\n", label, clean ? clean : "");
	free(clean);
}

static void
detail_time(const struct cli_out *o, const char *label, int64_t ms, const char *none)
{
	char rel[32], local[32], utc[32], line[128];

	if (ms <= 0) {
		detail_line(o, label, none);
		return;
	}
	duration_relative(ms, o->ctx.now_ms, rel, sizeof rel);
	duration_absolute(ms, false, local, sizeof local);
	duration_absolute(ms, true, utc, sizeof utc);
	snprintf(line, sizeof line, "%s  (%s, %s)", local, utc, rel);
	detail_line(o, label, line);
}

static void
detail_list(const struct cli_out *o, const char *label, char *const *v, size_t n,
	    const char *none)
{
	char text[CELL_MAX];

	join_list(v, n, ", ", text, sizeof text);
	detail_line(o, label, n ? text : none);
}

static void
detail_table(const struct cli_out *o, const struct token_info *t)
{
	char flags[256], num[32];
	unsigned f = token_flags(t, &o->ctx);

	detail_line(o, "token_id:", t->token_id);
	detail_line(o, "comment:", t->comment);
	detail_time(o, "created:", t->creation_time, "unknown");
	detail_time(o, "expires:", t->expiry_time, "never");
	detail_time(o, "last used:", token_last_used(t), "unknown");
	detail_list(o, "scopes:", t->scopes, t->nscopes, "none (all APIs)");
	detail_line(o, "autoscope state:", t->autoscope_state ? t->autoscope_state : "-");
	detail_list(o, "inferred scopes:", t->inferred_scopes, t->ninferred, "-");
	if (t->management) {
		detail_line(o, "owner:", token_owner(t));
		snprintf(num, sizeof num, "%lld", (long long)t->created_by_id);
		detail_line(o, "created by id:", num);
	}
	token_flags_format(f, flags, sizeof flags);
	detail_line(o, "flags:", flags[0] ? flags : "-");
	detail_line(o, "in use by patrol:", (f & TOKEN_FLAG(SELF)) ? "yes" : "no");
}

int
cli_output_token_detail(const struct cli_out *o, const struct token_info *t)
{
	size_t idx = 0;
	struct token_table one = { .rows = (struct token_info *)t, .n = 1, .cap = 1 };

	if (o->format == CLI_FORMAT_JSON)
		return cli_output_json(o->fp, api_token_to_json(t, o->management));
	if (o->format == CLI_FORMAT_CSV)
		return output_csv(o, &one, &idx, 1);
	detail_table(o, t);
	return ferror(o->fp) ? -1 : 0;
}
