/*
 * cli_output.c: tables, CSV and JSON for the command line.
 *
 * The table is one column list (header, cell, how it gives way on a narrow
 * terminal, whether it needs management data) printed by the table engine
 * (table.h): it fits the terminal, and a pipe gets every character.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "buf.h"
#include "cli_output.h"
#include "duration.h"
#include "sanitize.h"
#include "table.h"

#define CELL_MAX 4096

/* ---- standard output ----------------------------------------------------- */

static FILE *out_fp;         /* the stream over fd 1 */
static int out_errno;        /* the first failed write's errno, 0: none */

/* Write all of p to fd 1 unless a write failed before. 0 or -1. */
static int
out_write_fd(const char *p, size_t n)
{
	ssize_t w;

	while (n > 0 && out_errno == 0) {
		if ((w = write(STDOUT_FILENO, p, n)) <= 0) {
			if (w == 0 || errno != EINTR)
				out_errno = w == 0 ? EIO : errno;
			continue;
		}
		p += w;
		n -= (size_t)w;
	}
	return out_errno == 0 ? 0 : -1;
}

/* fopencookie's write: everything, or 0 (an error for stdio). */
static ssize_t
out_cookie_write(void *cookie, const char *p, size_t n)
{
	(void)cookie;
	return out_write_fd(p, n) == 0 ? (ssize_t)n : 0;
}

FILE *
cli_output_stdout(void)
{
	static const cookie_io_functions_t io = { NULL, out_cookie_write, NULL, NULL };

	if (out_fp == NULL && (out_fp = fopencookie(NULL, "w", io)) != NULL)
		setvbuf(out_fp, NULL, isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF, BUFSIZ);
	return out_fp;
}

int
cli_output_raw(const void *p, size_t n)
{
	if (out_fp != NULL)
		fflush(out_fp);
	return out_write_fd(p, n);
}

int
cli_output_error(void)
{
	if (out_fp != NULL)
		fflush(out_fp);
	return out_errno;
}

typedef void (*cell_fn)(const struct cli_out *o, const struct token_info *t,
			char *out, size_t n);

/* At most max bytes of s (NULL: "") into out, as snprintf's "%.*s" would,
 * without its cost: it runs for every cell of every row. */
static void
cell_copy(const char *s, size_t max, char *out, size_t n)
{
	size_t len;

	if (n == 0)
		return;
	len = s != NULL ? strnlen(s, max < n - 1 ? max : n - 1) : 0;
	memcpy(out, s != NULL ? s : "", len);
	out[len] = '\0';
}

static void
cell_id(const struct cli_out *o, const struct token_info *t, char *out, size_t n)
{
	char id[TOKEN_ID_LEN + 1];

	cell_copy(token_id_hex(t, id), TOKEN_SHORT_ID_LEN, out, n);
}

static void
cell_comment(const struct cli_out *o, const struct token_info *t, char *out, size_t n)
{
	cell_copy(token_comment(t), SIZE_MAX, out, n);
}

static void
cell_created(const struct cli_out *o, const struct token_info *t, char *out, size_t n)
{
	duration_relative(t->creation_time, o->ctx.now_ms, out, n);
}

static void
cell_expires(const struct cli_out *o, const struct token_info *t, char *out, size_t n)
{
	token_expires_format(t, o->ctx.now_ms, true, out, n);
}

static void
cell_last_used(const struct cli_out *o, const struct token_info *t, char *out, size_t n)
{
	token_last_used_format(t, o->ctx.now_ms, out, n);
}

/* Join list which of t with sep into out. */
static void
join_list(const struct token_info *t, enum token_list which, const char *sep, char *out,
	  size_t n)
{
	size_t len = 0;
	size_t i;

	out[0] = '\0';
	for (i = 0; i < token_list_n(t, which) && len + 1 < n; i++) {
		int w = snprintf(out + len, n - len, "%s%s", i ? sep : "",
				 token_list_at(t, which, i));
		if (w < 0)
			break;
		len += (size_t)w;
	}
}

static void
cell_scopes(const struct cli_out *o, const struct token_info *t, char *out, size_t n)
{
	token_scopes_format(t, out, n);
}

static void
cell_owner(const struct cli_out *o, const struct token_info *t, char *out, size_t n)
{
	cell_copy(token_owner(t), SIZE_MAX, out, n);
}

static void
cell_auto_revoke(const struct cli_out *o, const struct token_info *t, char *out, size_t n)
{
	token_revoke_format(t, o->ctx.now_ms, out, n);
}

static void
cell_workspace(const struct cli_out *o, const struct token_info *t, char *out, size_t n)
{
	cell_copy(o->ws != NULL && t->workspace < o->nws ? o->ws[t->workspace].name : "", SIZE_MAX,
		  out, n);
}

const struct token_ctx *
cli_output_ctx(const struct cli_out *o, const struct token_info *t)
{
	return o->ws != NULL && t->workspace < o->nws ? &o->ws[t->workspace].ctx : &o->ctx;
}

int
cli_output_json_where(const struct cli_out *o, const struct token_info *t, json_t *obj)
{
	const struct cli_out_ws *w;

	if (o->ws == NULL || t->workspace >= o->nws)
		return 0;
	w = &o->ws[t->workspace];
	if (json_object_set_new(obj, "workspace", json_string(w->name)) != 0 ||
	    json_object_set_new(obj, "host", json_string(w->host)) != 0)
		return -1;
	return 0;
}

/* When a column shows: always, with --all (management data), or with
 * several workspaces. */
enum list_when { LIST_ALWAYS, LIST_MGMT, LIST_MANY };

/* The table's columns: header, cell, narrowest when flexible (0: the
 * default), drop rank on a narrow terminal (0: kept; lowest goes first),
 * flexible, when it shows. */
#define LIST_COLUMNS(_) \
	_(WORKSPACE, "WORKSPACE", cell_workspace, 10, 0, true,  LIST_MANY) \
	_(ID,        "ID",        cell_id,        0,  0, false, false) \
	_(COMMENT,   "COMMENT",   cell_comment,   12, 0, true,  false) \
	_(CREATED,   "CREATED",   cell_created,   0,  2, false, false) \
	_(EXPIRES,   "EXPIRES",   cell_expires,   0,  5, false, false) \
	_(LAST_USED, "LAST USED", cell_last_used, 0,  4, false, false) \
	_(SCOPES,    "SCOPES",    cell_scopes,    0,  3, true,  false) \
	_(OWNER,     "OWNER",     cell_owner,     12, 0, true,  true)  \
	_(AUTO_REVOKE, "AUTO-REVOKE", cell_auto_revoke, 0, 1, false, false)

#define LIST_COL_ENUM(e, h, cell, mn, dr, fl, mgmt) LIST_COL_##e,
enum list_col { LIST_COLUMNS(LIST_COL_ENUM) LIST_NCOLS };
#undef LIST_COL_ENUM
#define LIST_COL_SAME(e, h, cell, mn, dr, fl, mgmt) \
	_Static_assert((int)LIST_COL_##e == (int)CLI_CELL_##e, "list columns follow enum cli_cell");
LIST_COLUMNS(LIST_COL_SAME)
#undef LIST_COL_SAME
#define LIST_COL_ROW(e, h, cell, mn, dr, fl, mgmt) \
	{ .header = h, .min = mn, .drop = dr, .flex = fl },
static const struct table_col list_cols[] = { LIST_COLUMNS(LIST_COL_ROW) };
#undef LIST_COL_ROW
#define LIST_COL_CELL(e, h, cell, mn, dr, fl, mgmt) cell,
static const cell_fn list_cells[] = { LIST_COLUMNS(LIST_COL_CELL) };
#undef LIST_COL_CELL
#define LIST_COL_MGMT(e, h, cell, mn, dr, fl, mgmt) mgmt,
static const enum list_when list_mgmt[] = { LIST_COLUMNS(LIST_COL_MGMT) };
#undef LIST_COL_MGMT

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

/* Rows are read in the order of the sort: rows idx[i + AHEAD] and (its
 * strings) idx[i + AHEAD / 2] are fetched ahead of row idx[i]. */
#define TOKEN_ROWS_PREFETCH(tab, idx, n, i) do {					\
	if ((i) + CLI_OUTPUT_AHEAD < (n))					\
		CLI_OUTPUT_PREFETCH(&(tab)->rows[(idx)[(i) + CLI_OUTPUT_AHEAD]], false); \
	if ((i) + CLI_OUTPUT_AHEAD / 2 < (n))					\
		CLI_OUTPUT_PREFETCH(&(tab)->rows[(idx)[(i) + CLI_OUTPUT_AHEAD / 2]], true); \
} while (0)

/* What the table engine needs to reach a row of the list. */
struct list_ctx {
	const struct cli_out *o;
	const struct token_table *tab;
	const size_t *idx;
	size_t n;
};

static const void *
list_row(const void *ctx, size_t i)
{
	const struct list_ctx *l = ctx;

	TOKEN_ROWS_PREFETCH(l->tab, l->idx, l->n, i);
	return &l->tab->rows[l->idx[i]];
}

void
cli_output_cell(const struct cli_out *o, const struct token_info *t, enum cli_cell c,
		char *out, size_t n)
{
	if ((unsigned)c < LIST_NCOLS)
		list_cells[c](o, t, out, n);
	else if (n > 0)
		out[0] = '\0';
}

static void
list_cell(const void *ctx, const void *row, size_t col, char *out, size_t n)
{
	list_cells[col](((const struct list_ctx *)ctx)->o, row, out, n);
}

static int
output_table(const struct cli_out *o, const struct token_table *tab,
	     const size_t *idx, size_t n)
{
	struct list_ctx ctx = { o, tab, idx, n };
	struct table t = { list_cols, LIST_NCOLS, 0, list_cell, &ctx, NULL, 0, list_row, n };
	struct table_out to = { o->fp, o->width, o->color, o->sanitize_flags };
	size_t c;

	for (c = 0; c < LIST_NCOLS; c++)
		if ((list_mgmt[c] == LIST_MGMT && !o->management) ||
		    (list_mgmt[c] == LIST_MANY && o->ws == NULL))
			t.hidden |= 1ul << c;
	return table_print_parallel(&to, &t);     /* list_cells only read */
}

/* Fields up to this long are sanitized on the stack (every field of every
 * row); longer ones by sanitize(). */
#define CSV_FIELD_SMALL 1024
#define CSV_CLEAN_SMALL SANITIZE_CELL_ROOM(CSV_FIELD_SMALL)
/* What csv_quoted writes for len bytes at most: each byte a '"' doubled,
 * the quotes, a formula's quote mark and the separator. */
#define CSV_QUOTED_ROOM(len) (2 * (len) + 4)

/* clean (len bytes) between double quotes, each '"' in it doubled, then
 * ',' or (last) '\n', into out (CSV_QUOTED_ROOM(len) bytes). Returns the
 * bytes written. */
static size_t
csv_quoted(char *out, const char *clean, size_t len, bool last)
{
	const char *q, *end = clean + len;
	char *p = out;

	*p++ = '"';
	/* A leading = + - @ would run as a formula in a spreadsheet ("-"
	 * alone, patrol's word for none, would not). */
	if (len > 0 && strchr("=+-@", clean[0]) != NULL && !(len == 1 && clean[0] == '-'))
		*p++ = '\'';
	while ((q = memchr(clean, '"', (size_t)(end - clean))) != NULL) {
		memcpy(p, clean, (size_t)(q - clean) + 1);
		p += q - clean + 1;
		*p++ = '"';
		clean = q + 1;
	}
	memcpy(p, clean, (size_t)(end - clean));
	p += end - clean;
	*p++ = '"';
	*p++ = last ? '\n' : ',';
	return (size_t)(p - out);
}

/* s sanitized for a CSV file (UTF-8 whatever the terminal or the locale
 * can show): into small when short, else allocated (*big, to free). Its
 * length in *len; NULL out of memory. */
static const char *
csv_clean(const char *s, char *small, char **big, size_t *len)
{
	*big = NULL;
	if (s == NULL || strnlen(s, CSV_FIELD_SMALL + 1) <= CSV_FIELD_SMALL) {
		*len = sanitize_cell(s != NULL ? s : "", 0, 0, SANITIZE_UTF8, small, CSV_CLEAN_SMALL);
		return small;
	}
	if ((*big = sanitize(s, 0, SANITIZE_UTF8)) == NULL)
		return NULL;
	*len = strlen(*big);
	return *big;
}

void
cli_output_csv_field(FILE *fp, const char *s, unsigned sanitize_flags, bool last)
{
	char small[CSV_CLEAN_SMALL], quoted[CSV_QUOTED_ROOM(CSV_CLEAN_SMALL)], *big, *q = quoted;
	const char *text;
	size_t len;

	(void)sanitize_flags;
	if ((text = csv_clean(s, small, &big, &len)) == NULL) {
		text = "";                  /* out of memory: an empty field */
		len = 0;
	}
	if (big != NULL && (q = malloc(CSV_QUOTED_ROOM(len))) == NULL) {
		q = quoted;
		len = 0;
	}
	fwrite(q, 1, csv_quoted(q, text, len, last), fp);
	if (q != quoted)
		free(q);
	free(big);
}

int
cli_output_csv_field_add(struct buf *out, const char *s, bool last)
{
	char small[CSV_CLEAN_SMALL], *big;
	const char *text;
	size_t len;
	int rc;

	if ((text = csv_clean(s, small, &big, &len)) == NULL) {
		text = "";                  /* out of memory: an empty field */
		len = 0;
	}
	if ((rc = buf_reserve(out, CSV_QUOTED_ROOM(len))) == 0) {
		out->len += csv_quoted(out->data + out->len, text, len, last);
		out->data[out->len] = '\0';
	}
	free(big);
	return rc;
}

/* The first column, "workspace", only with several workspaces. */
static const char *const csv_header[] = {
	"workspace", "token_id", "comment", "created", "expires", "last_used", "scopes",
	"owner", "autoscope_state", "flags", "auto_revoke", "auto_revoke_estimated",
};
#define CSV_NCOLS (sizeof csv_header / sizeof csv_header[0])

/* t's row, its flags f, appended to out. 0, or -1 out of memory. */
static int
csv_row(const struct cli_out *o, const struct token_info *t, unsigned f, struct buf *out)
{
	char created[32], expires[32], used[32], scopes[CELL_MAX], flags[256], revoke[32];
	char id[TOKEN_ID_LEN + 1];
	const char *v[CSV_NCOLS];
	bool est;
	size_t i;
	int rc = 0;

	duration_iso8601(t->creation_time, created, sizeof created);
	if (t->expiry_time <= 0)
		snprintf(expires, sizeof expires, "%s", TOKEN_WORD_NEVER);
	else
		duration_iso8601(t->expiry_time, expires, sizeof expires);
	if (token_last_used(t) <= 0)
		snprintf(used, sizeof used, "%s", TOKEN_WORD_NEVER);
	else
		duration_iso8601(token_last_used(t), used, sizeof used);
	token_scopes_format(t, scopes, sizeof scopes);
	token_flags_format(f, flags, sizeof flags);
	v[0] = o->ws != NULL && t->workspace < o->nws ? o->ws[t->workspace].name : "";
	v[1] = token_id_hex(t, id); v[2] = token_comment(t); v[3] = created; v[4] = expires;
	v[5] = used; v[6] = scopes; v[7] = token_owner(t);
	v[8] = token_autoscope_state(t); v[9] = flags;
	duration_iso8601(token_revoke_at(t, &est), revoke, sizeof revoke);
	v[10] = revoke; v[11] = revoke[0] == '\0' ? "" : est ? "true" : "false";
	for (i = o->ws != NULL ? 0 : 1; i < CSV_NCOLS; i++)
		rc |= cli_output_csv_field_add(out, v[i], i + 1 == CSV_NCOLS);
	return rc;
}

/* Rows are put together in a buffer and reach the stream this many bytes
 * at a time: not a stdio call for every quote and comma. */
#define CSV_CHUNK 16384

static int
output_csv_on(const struct cli_out *o, const struct token_table *tab, const size_t *idx,
	      const unsigned *flags, size_t n)
{
	struct cli_flags_memo *memo = flags == NULL ? cli_flags_memo_new() : NULL;
	const struct token_info *t;
	struct buf text;
	size_t i;
	int rc = 0;

	buf_init(&text, 0);
	for (i = o->ws != NULL ? 0 : 1; i < CSV_NCOLS; i++)
		fprintf(o->fp, "%s%c", csv_header[i], i + 1 == CSV_NCOLS ? '\n' : ',');
	for (i = 0; i < n && rc == 0 && !ferror(o->fp); i++) {
		TOKEN_ROWS_PREFETCH(tab, idx, n, i);
		t = &tab->rows[idx[i]];
		rc = csv_row(o, t, flags != NULL ? flags[i] : cli_output_flags(memo, o, t), &text);
		if (text.len >= CSV_CHUNK || i + 1 == n) {
			fwrite(text.data, 1, text.len, o->fp);
			buf_reset(&text);
		}
	}
	buf_free(&text);
	cli_flags_memo_free(memo);
	return rc == 0 && !ferror(o->fp) ? 0 : -1;
}

static int
output_csv(const struct cli_out *o, const struct token_table *tab, const size_t *idx, size_t n)
{
	return output_csv_on(o, tab, idx, NULL, n);
}

int
cli_output_csv(const struct cli_out *o, const struct token_table *tab, const size_t *idx,
	       const unsigned *flags, size_t n)
{
	return output_csv_on(o, tab, idx, flags, n);
}

/* ---- flags, row after row ------------------------------------------------ */

#define FLAGS_MEMO 1024                 /* slots, a power of two */

struct cli_flags_memo {
	const struct token_ctx *ctx;    /* the context the slots were found in */
	size_t used;
	struct flags_memo_slot {
		const char *comment;
		bool set, stale;
	} slot[FLAGS_MEMO];
};

struct cli_flags_memo *
cli_flags_memo_new(void)
{
	struct cli_flags_memo *m = malloc(sizeof *m);

	if (m != NULL)
		m->ctx = NULL;
	return m;
}

void
cli_flags_memo_free(struct cli_flags_memo *m)
{
	free(m);
}

/* Whether comment is stale in ctx, from the memo when it was found. */
static bool
flags_memo_stale(struct cli_flags_memo *m, const char *comment, const struct token_ctx *ctx)
{
	struct flags_memo_slot *s;
	size_t h;

	if (m->ctx != ctx) {
		memset(m->slot, 0, sizeof m->slot);
		m->ctx = ctx;
		m->used = 0;
	}
	h = (size_t)(((uint64_t)(uintptr_t)comment * 0x9e3779b97f4a7c15ull) >> 32);
	for (;; h++) {
		s = &m->slot[h & (FLAGS_MEMO - 1)];
		if (s->set && s->comment == comment)
			return s->stale;
		if (!s->set)
			break;
	}
	if (m->used >= FLAGS_MEMO / 2)         /* full enough: no more kept */
		return token_comment_stale(comment, ctx);
	m->used++;
	*s = (struct flags_memo_slot){ comment, true, token_comment_stale(comment, ctx) };
	return s->stale;
}

unsigned
cli_output_flags(struct cli_flags_memo *m, const struct cli_out *o, const struct token_info *t)
{
	const unsigned stale = TOKEN_FLAG(STALE_COMMENT);
	const struct token_ctx *ctx = cli_output_ctx(o, t);
	unsigned f = token_flags_masked(t, ctx, ~stale);

	if (m != NULL ? flags_memo_stale(m, token_comment(t), ctx) :
	    token_comment_stale(token_comment(t), ctx))
		f |= stale;
	return f;
}

int
cli_output_write_fd(int fd, const void *p, size_t n)
{
	const char *c = p;
	ssize_t w;

	if (fd == STDOUT_FILENO)
		return cli_output_raw(p, n);
	while (n > 0) {
		if ((w = write(fd, c, n)) <= 0) {
			if (w < 0 && errno == EINTR)
				continue;
			if (w == 0)
				errno = EIO;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Where a JSON dump goes: a stream, through a chunk of its own (jansson
 * hands over every comma and indent alone: one stdio call each, with its
 * lock, was the cost of a big summary), or (fp NULL) straight to a
 * descriptor, nothing kept (a secret). */
struct json_sink {
	FILE *fp;
	int fd;
	size_t len;
	char chunk[4096];
};

static int
json_flush(struct json_sink *k)
{
	size_t n = k->len;

	k->len = 0;
	return n == 0 || fwrite(k->chunk, 1, n, k->fp) == n ? 0 : -1;
}

static int
json_out(struct json_sink *k, const char *p, size_t n)
{
	if (k->fp == NULL)
		return cli_output_write_fd(k->fd, p, n);
	if (n > sizeof k->chunk - k->len && json_flush(k) != 0)
		return -1;
	if (n >= sizeof k->chunk)
		return fwrite(p, 1, n, k->fp) == n ? 0 : -1;
	memcpy(k->chunk + k->len, p, n);
	k->len += n;
	return 0;
}

/* jansson's dump callback: everything as is, but DEL escaped. */
static int
json_out_cb(const char *buffer, size_t size, void *data)
{
	struct json_sink *k = data;
	const char *del;

	while ((del = memchr(buffer, 0x7f, size)) != NULL) {
		if (json_out(k, buffer, (size_t)(del - buffer)) != 0 ||
		    json_out(k, "\\u007f", 6) != 0)
			return -1;
		size -= (size_t)(del - buffer) + 1;
		buffer = del + 1;
	}
	return json_out(k, buffer, size);
}

int
cli_output_json_dump(FILE *fp, const json_t *v, size_t flags)
{
	struct json_sink k;             /* its chunk is not cleared: 4 KiB a call */
	int rc;

	k.fp = fp;
	k.fd = STDOUT_FILENO;
	k.len = 0;
	rc = json_dump_callback(v, json_out_cb, &k, flags | JSON_ENSURE_ASCII);
	if (fp != NULL && json_flush(&k) != 0)
		rc = -1;
	return rc;
}

int
cli_output_json_fd(int fd, const json_t *v, size_t flags)
{
	struct json_sink k;

	k.fp = NULL;
	k.fd = fd;
	k.len = 0;
	return json_dump_callback(v, json_out_cb, &k, flags | JSON_ENSURE_ASCII);
}

static json_t *
cli_output_result_json(const struct bulk_item *it, enum journal_kind kind)
{
	json_t *o = json_pack("{s:s, s:s, s:s?, s:s?}", "token_id", it->t.id,
			      "result", journal_kind_label(kind, it->result),
			      "owner", it->t.owner, "comment", it->t.comment);
	size_t i;
	json_t *sc;

	/* a pin's results say what each token is set to */
	if (o != NULL && kind == JOURNAL_KIND_PIN && (sc = json_array()) != NULL) {
		for (i = 0; i < it->t.nscopes; i++)
			json_array_append_new(sc, json_string(it->t.scopes[i]));
		json_object_set_new(o, "scopes", sc);
	}

	if (o != NULL && (journal_result_fails(it->result) || it->result == JOURNAL_SKIPPED))
		json_object_set_new(o, "error", json_pack("{s:s, s:I, s:s, s:s}",
			"status", status_name(it->err.status),
			"http_status", (json_int_t)it->err.http_status,
			"code", it->err.code, "message", it->err.message));
	return o;
}

static void
cli_output_result_csv(FILE *fp, const struct bulk_item *it, enum journal_kind kind,
		      unsigned sflags)
{
	char http[24];

	snprintf(http, sizeof http, "%ld", it->err.http_status);
	cli_output_csv_field(fp, it->t.id, sflags, false);
	cli_output_csv_field(fp, journal_kind_label(kind, it->result), sflags, false);
	cli_output_csv_field(fp, it->t.owner, sflags, false);
	cli_output_csv_field(fp, it->t.comment, sflags, false);
	cli_output_csv_field(fp, status_name(it->err.status), sflags, false);
	cli_output_csv_field(fp, http, sflags, false);
	cli_output_csv_field(fp, it->err.message, sflags, true);
}

static json_t *
cli_output_result_row(const void *ctx, void **scratch, size_t i)
{
	return cli_output_result_json(bulk_item((const struct bulk *)ctx, i),
				      bulk_kind((const struct bulk *)ctx));
}

/* A session of 100,000 revocations is written row by row too. */
int
cli_output_results(FILE *fp, enum cli_format format, const struct bulk *b,
		   unsigned sanitize_flags)
{
	struct cli_json_rows rows = { bulk_count(b), cli_output_result_row, b, NULL, true, 0 };
	size_t i;
	int rc;

	if (format == CLI_FORMAT_JSON) {
		rc = cli_output_json_array(fp, &rows);
		fputc('\n', fp);
		return rc == 0 && !ferror(fp) ? 0 : -1;
	}
	if (format == CLI_FORMAT_CSV)
		fputs("token_id,result,owner,comment,status,http_status,message\n", fp);
	for (i = 0; format == CLI_FORMAT_CSV && i < bulk_count(b); i++)
		cli_output_result_csv(fp, bulk_item(b, i), bulk_kind(b), sanitize_flags);
	return ferror(fp) ? -1 : 0;
}

int
cli_output_json_key(FILE *fp, const char *key)
{
	json_t *k = json_string(key);
	int rc = k != NULL ? cli_output_json_dump(fp, k, JSON_ENCODE_ANY) : -1;

	json_decref(k);
	fputs(": ", fp);
	return rc;
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

/* jansson's dump callback into a buffer (a row's text). */
static int
json_buf_cb(const char *p, size_t n, void *data)
{
	return buf_add(data, p, n);
}

/* Escape DEL in text past start (jansson writes it raw: JSON allows it,
 * terminals act on it), as json_out_cb does. 0 or -1. */
static int
json_escape_del(struct buf *text, size_t start)
{
	struct buf tail;
	const char *p, *end, *del;
	int rc;

	if (text->len == start || memchr(text->data + start, 0x7f, text->len - start) == NULL)
		return 0;
	buf_init(&tail, 0);
	rc = buf_add(&tail, text->data + start, text->len - start);
	text->len = start;
	p = tail.data;
	end = p + tail.len;
	for (; rc == 0 && (del = memchr(p, 0x7f, (size_t)(end - p))) != NULL; p = del + 1)
		rc = buf_add(text, p, (size_t)(del - p)) | buf_add(text, "\\u007f", 6);
	rc |= buf_add(text, p, (size_t)(end - p));
	buf_free(&tail);
	return rc;
}

/* True when p[0..n) is plain ASCII. */
static bool
json_ascii(const char *p, size_t n)
{
	uint64_t w, high = 0;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, sizeof w);
		high |= w;
	}
	for (; i < n; i++)
		high |= (unsigned char)p[i];
	return (high & 0x8080808080808080ull) == 0;
}

/* "\n" and the indent of an element of a pretty array at depth (two
 * spaces a level, as JSON_INDENT(2)), or of a compact one. */
static int
json_newline(struct buf *text, const struct cli_json_rows *rows, unsigned extra)
{
	unsigned k, n = (rows->pretty ? rows->depth : 0) + extra;
	int rc = buf_add(text, "\n", 1);

	for (k = 0; k < n; k++)
		rc |= buf_add(text, "  ", 2);
	return rc;
}

/* Add v pretty at the indent of an element: each line break jansson writes
 * (strings have theirs escaped) gets the element's indent. */
static int
json_pretty_text(const json_t *v, const struct cli_json_rows *rows, struct buf *text)
{
	struct buf tmp;
	const char *p, *nl, *end;
	int rc;

	buf_init(&tmp, 0);
	rc = json_dump_callback(v, json_buf_cb, &tmp,
				JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	end = tmp.data + tmp.len;
	for (p = tmp.data; rc == 0 && p != NULL && p < end; p = nl != NULL ? nl + 1 : NULL) {
		nl = memchr(p, '\n', (size_t)(end - p));
		rc = buf_add(text, p, (size_t)((nl != NULL ? nl : end) - p));
		if (nl != NULL)
			rc |= json_newline(text, rows, 1);
	}
	buf_free(&tmp);
	return rc;
}

/* Where an array's elements come from: rows, and for a compact one
 * optionally a faster way to element i's text (NULL: none): append it,
 * byte for byte what row()'s value dumps to, to out and give 0; 1: not
 * this one (out unchanged), row() makes it; -1 out of memory. It runs on
 * two threads at once, as row() does. */
struct json_src {
	const struct cli_json_rows *rows;
	int (*text)(const void *ctx, size_t i, struct buf *out);
};

/* Add v as an element of rows: compact, or pretty at its indent. 0 or -1. */
static int
json_value_text(const json_t *v, const struct cli_json_rows *rows, struct buf *text)
{
	const size_t flags = JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII;
	char small[2048];
	size_t n;

	if (rows->pretty)
		return json_pretty_text(v, rows, text);
	/* Most rows fit the stack, and most are plain ASCII: jansson writes
	 * those the same without JSON_ENSURE_ASCII, and faster. */
	if ((n = json_dumpb(v, small, sizeof small, flags & ~(size_t)JSON_ENSURE_ASCII)) > 0 &&
	    n <= sizeof small && json_ascii(small, n))
		return buf_add(text, small, n);
	if ((n = json_dumpb(v, small, sizeof small, flags)) > 0 && n <= sizeof small)
		return buf_add(text, small, n);
	return json_dump_callback(v, json_buf_cb, text, flags);
}

/* Element i of a JSON array appended to text, as cli_output_json_array
 * lays it out: by src->text when it can, else generated by jansson. 0, or
 * -1 (out of memory, or row gave NULL). */
static int
json_row_text(const struct json_src *src, void **scratch, size_t i, struct buf *text)
{
	const struct cli_json_rows *rows = src->rows;
	size_t start = text->len;
	json_t *v;
	int rc;

	if (((i ? buf_add(text, ",", 1) : 0) | json_newline(text, rows, 1)) != 0)
		return -1;
	if (!rows->pretty && src->text != NULL && (rc = src->text(rows->ctx, i, text)) <= 0)
		return rc != 0 ? -1 : json_escape_del(text, start);
	if ((v = rows->row(rows->ctx, scratch, i)) == NULL)
		return -1;
	rc = json_value_text(v, rows, text);
	json_decref(v);
	return rc != 0 ? -1 : json_escape_del(text, start);
}

/* What one thread renders with: a block's text, row()'s scratch. */
struct json_hand {
	struct buf text;
	void *scratch;
};

static void
json_hand_init(struct json_hand *h)
{
	buf_init(&h->text, 0);
	h->scratch = NULL;
}

static void
json_hand_free(struct json_hand *h, const struct cli_json_rows *rows)
{
	buf_free(&h->text);
	if (h->scratch != NULL && rows->scratch_free != NULL)
		rows->scratch_free(h->scratch);
}

/* Rows [first, first + n) as text into text (emptied first). 0 or -1. */
static int
json_block_text(const struct json_src *src, size_t first, size_t n, struct buf *text,
		struct json_hand *h)
{
	size_t i;

	buf_reset(text);
	for (i = first; i < first + n; i++)
		if (json_row_text(src, &h->scratch, i, text) != 0)
			return -1;
	return 0;
}

/* ---- rendering on two cores --------------------------------------------------
 * jansson takes about 3 us to generate a row: a third of a second for
 * 100,000. With a second CPU, a helper thread renders every other block of
 * JSON_BLOCK rows while this thread renders the others and writes them all
 * in order. The helper's blocks cross over in two slots, each owned by one
 * side at a time (JSON_SLOT_FREE: the helper's to fill; JSON_SLOT_FULL: this
 * thread's to write), under one lock. row() runs on both threads at once:
 * it must only read (api_token_to_json over a table nobody changes does).
 * The helper calls nothing but row() and jansson. */
#define JSON_BLOCK 512
#define JSON_MIN_PARALLEL (4 * JSON_BLOCK)

enum json_slot_state { JSON_SLOT_FREE, JSON_SLOT_FULL };

struct json_render {
	const struct json_src *src;
	size_t base, n;            /* rows [base, n) */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct {
		enum json_slot_state state;
		int rc;
		struct buf text;
	} slot[2];
	bool stop;                 /* this thread gave up: the helper ends */
};

/* Block b's first row and row count; 0 past the end. */
static size_t
json_block_rows(const struct json_render *r, size_t b, size_t *first)
{
	*first = r->base + b * JSON_BLOCK;
	if (*first >= r->n)
		return 0;
	return r->n - *first < JSON_BLOCK ? r->n - *first : JSON_BLOCK;
}

/* The helper: the odd blocks, the k-th into slot k % 2. */
static void *
json_helper(void *arg)
{
	struct json_render *r = arg;
	struct json_hand h;
	size_t b, k, first, cnt;
	bool stop;
	int rc;

	json_hand_init(&h);
	for (b = 1, k = 0; (cnt = json_block_rows(r, b, &first)) > 0; b += 2, k++) {
		pthread_mutex_lock(&r->lock);
		while (r->slot[k % 2].state != JSON_SLOT_FREE && !r->stop)
			pthread_cond_wait(&r->cond, &r->lock);
		stop = r->stop;
		pthread_mutex_unlock(&r->lock);
		if (stop)
			break;
		rc = json_block_text(r->src, first, cnt, &r->slot[k % 2].text, &h);
		pthread_mutex_lock(&r->lock);
		r->slot[k % 2].rc = rc;
		r->slot[k % 2].state = JSON_SLOT_FULL;
		pthread_cond_broadcast(&r->cond);
		pthread_mutex_unlock(&r->lock);
	}
	json_hand_free(&h, r->src->rows);
	return NULL;
}

/* Take the helper's k-th block (wait for it), write it, give the slot back. */
static int
json_take(struct json_render *r, size_t k, FILE *fp)
{
	int rc;

	pthread_mutex_lock(&r->lock);
	while (r->slot[k % 2].state != JSON_SLOT_FULL)
		pthread_cond_wait(&r->cond, &r->lock);
	pthread_mutex_unlock(&r->lock);
	rc = r->slot[k % 2].rc;
	if (rc == 0 && fwrite(r->slot[k % 2].text.data, 1, r->slot[k % 2].text.len, fp) !=
	    r->slot[k % 2].text.len)
		rc = -1;
	pthread_mutex_lock(&r->lock);
	r->slot[k % 2].state = JSON_SLOT_FREE;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
	return rc;
}

/* The even blocks here (every block when helped is false), the odd ones
 * from the helper, in order. */
static int
json_render_blocks(struct json_render *r, bool helped, FILE *fp, struct json_hand *h)
{
	size_t b, first, cnt;
	int rc = 0;

	for (b = 0; rc == 0 && (cnt = json_block_rows(r, b, &first)) > 0; b++) {
		if (helped && b % 2 == 1) {
			rc = json_take(r, b / 2, fp);
			continue;
		}
		if ((rc = json_block_text(r->src, first, cnt, &h->text, h)) == 0 &&
		    fwrite(h->text.data, 1, h->text.len, fp) != h->text.len)
			rc = -1;
	}
	return rc;
}

/* Rows [1, n) on two threads; false when no helper could start. */
static bool
json_render_parallel(const struct json_src *src, FILE *fp, struct json_hand *h, int *rc)
{
	struct json_render r = { .src = src, .base = 1, .n = src->rows->n };
	pthread_t helper;

	if (src->rows->n < JSON_MIN_PARALLEL || sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return false;
	pthread_mutex_init(&r.lock, NULL);
	pthread_cond_init(&r.cond, NULL);
	buf_init(&r.slot[0].text, 0);
	buf_init(&r.slot[1].text, 0);
	if (pthread_create(&helper, NULL, json_helper, &r) != 0) {
		pthread_cond_destroy(&r.cond);
		pthread_mutex_destroy(&r.lock);
		return false;
	}
	*rc = json_render_blocks(&r, true, fp, h);
	pthread_mutex_lock(&r.lock);
	r.stop = true;
	pthread_cond_broadcast(&r.cond);
	pthread_mutex_unlock(&r.lock);
	pthread_join(helper, NULL);
	buf_free(&r.slot[0].text);
	buf_free(&r.slot[1].text);
	pthread_cond_destroy(&r.cond);
	pthread_mutex_destroy(&r.lock);
	return true;
}

/* cli_output_json_array from src. */
static int
json_array_write(FILE *fp, const struct json_src *src)
{
	const struct cli_json_rows *rows = src->rows;
	struct json_render serial = { .src = src, .base = 1, .n = rows->n };
	struct json_hand h;
	size_t n = rows->n;
	int rc = 0;

	json_hand_init(&h);
	fputc('[', fp);
	/* the first row here, alone, by jansson: it seeds its hashes on its
	 * first object, before any helper exists */
	if (n > 0 && (rc = json_row_text(&(struct json_src){ rows, NULL }, &h.scratch, 0,
					 &h.text)) == 0 &&
	    fwrite(h.text.data, 1, h.text.len, fp) != h.text.len)
		rc = -1;
	if (rc == 0 && n > 1 && !json_render_parallel(src, fp, &h, &rc))
		rc = json_render_blocks(&serial, false, fp, &h);
	buf_reset(&h.text);
	if (n > 0 && json_newline(&h.text, rows, 0) == 0)
		fwrite(h.text.data, 1, h.text.len, fp);
	fputc(']', fp);
	json_hand_free(&h, rows);
	return rc == 0 && !ferror(fp) ? 0 : -1;
}

int
cli_output_json_revoke(json_t *obj, const struct token_info *t)
{
	bool est;
	int64_t at = token_revoke_at(t, &est);

	if (at <= 0) {
		json_object_del(obj, "auto_revoke_time");
		json_object_del(obj, "auto_revoke_estimated");
		return 0;
	}
	return json_object_set_new(obj, "auto_revoke_time", json_integer((json_int_t)at)) |
	       json_object_set_new(obj, "auto_revoke_estimated", json_boolean(est));
}

int
cli_output_json_array(FILE *fp, const struct cli_json_rows *rows)
{
	return json_array_write(fp, &(struct json_src){ rows, NULL });
}

int
cli_output_json_array_text(FILE *fp, const struct cli_json_rows *rows,
			   int (*text)(const void *ctx, size_t i, struct buf *out))
{
	return json_array_write(fp, &(struct json_src){ rows, rows->pretty ? NULL : text });
}

/* What a token row of the list needs. */
struct json_tokens {
	const struct cli_out *o;
	const struct token_table *tab;
	const size_t *idx;
	size_t n;
};

static json_t *
json_token_row(const void *ctx, void **scratch, size_t i)
{
	const struct json_tokens *t = ctx;
	const struct token_info *row = &t->tab->rows[t->idx[i]];
	json_t *obj;

	if (*scratch == NULL && (*scratch = api_json_rows_new(t->o->management)) == NULL)
		return NULL;
	/* a row's object is its shape's, refilled: the workspace is set anew */
	if ((obj = api_json_rows_token(*scratch, row)) != NULL &&
	    (cli_output_json_where(t->o, row, obj) != 0 || cli_output_json_revoke(obj, row) != 0)) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

/* After a row's text (which ends in '}'), the 90-day clock's members as
 * cli_output_json_revoke adds them to the object: the same bytes jansson
 * dumps for an integer and a boolean. 0, or -1 out of memory. */
static int
json_token_text_revoke(const struct token_info *row, size_t start, struct buf *out)
{
	bool est;
	int64_t at = token_revoke_at(row, &est);

	if (at <= 0 || out->len <= start || out->data[out->len - 1] != '}')
		return 0;
	out->len--;
	if (buf_addstr(out, ",\"auto_revoke_time\":") != 0 || api_text_int(out, at) != 0 ||
	    buf_addstr(out, est ? ",\"auto_revoke_estimated\":true}" :
			   ",\"auto_revoke_estimated\":false}") != 0)
		return -1;
	return 0;
}

int
cli_output_json_token_text(const struct cli_out *o, const struct token_info *t,
			   struct buf *out)
{
	const struct cli_out_ws *w;
	const char *where[4];
	size_t start = out->len;
	int rc;

	if (o->ws == NULL || t->workspace >= o->nws) {
		rc = api_token_text(t, o->management, NULL, 0, out);
	} else {
		w = &o->ws[t->workspace];
		if (w->name == NULL || w->host == NULL)
			return 1;
		/* as cli_output_json_where adds them */
		where[0] = "workspace";
		where[1] = w->name;
		where[2] = "host";
		where[3] = w->host;
		rc = api_token_text(t, o->management, where, 2, out);
	}
	return rc == 0 ? json_token_text_revoke(t, start, out) : rc;
}

/* Row i's text straight from the API layer when it is plain (most are). */
static int
json_token_text(const void *ctx, size_t i, struct buf *out)
{
	const struct json_tokens *t = ctx;

	TOKEN_ROWS_PREFETCH(t->tab, t->idx, t->n, i);
	return cli_output_json_token_text(t->o, &t->tab->rows[t->idx[i]], out);
}

static void
json_token_scratch_free(void *scratch)
{
	api_json_rows_free(scratch);
}

/* Stream the array one object at a time: 100,000 rows never exist as one
 * JSON tree in memory. */
static int
output_json(const struct cli_out *o, const struct token_table *tab,
	    const size_t *idx, size_t n)
{
	struct json_tokens t = { o, tab, idx, n };
	struct cli_json_rows rows = { n, json_token_row, &t, json_token_scratch_free, false, 0 };
	int rc = json_array_write(o->fp, &(struct json_src){ &rows, json_token_text });

	fputc('\n', o->fp);
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

/* The last use: a time, or (token management) only the UTC day. */
static void
detail_last_used(const struct cli_out *o, const struct token_info *t)
{
	char rel[32], utc[32], line[128];

	if (!token_last_used_day_only(t)) {
		detail_time(o, "last used:", token_last_used(t), TOKEN_WORD_NEVER);
		return;
	}
	token_last_used_format(t, o->ctx.now_ms, rel, sizeof rel);
	duration_iso8601(token_last_used(t), utc, sizeof utc);
	utc[10] = '\0';
	snprintf(line, sizeof line, "%s  (UTC day, %s)", utc, rel);
	detail_line(o, "last used:", line);
}

static void
detail_list(const struct cli_out *o, const char *label, const struct token_info *t,
	    enum token_list which, const char *none)
{
	char text[CELL_MAX];

	join_list(t, which, ",", text, sizeof text);
	detail_line(o, label, token_list_n(t, which) ? text : none);
}

/* The 90-day clock: the date, how far, and what it counts from. */
static void
detail_revoke(const struct cli_out *o, const struct token_info *t)
{
	char rel[48], day[32], line[160], *cut;
	bool est;
	int64_t at = token_revoke_at(t, &est);

	if (at <= 0) {
		detail_line(o, "auto-revoke:", "unknown");
		return;
	}
	token_revoke_format(t, o->ctx.now_ms, rel, sizeof rel);
	if ((cut = strstr(rel, " (")) != NULL)
		*cut = '\0';         /* the line says what it counts from */
	duration_iso8601(at, day, sizeof day);
	day[10] = '\0';
	snprintf(line, sizeof line, "%s  (%s; %s)", day, rel, est ?
		 "never used: creation + 90 days, patrol's estimate" : "last use + 90 days unused");
	detail_line(o, "auto-revoke:", line);
}

/* Auto-scoping: the state in words, what it inferred, when it narrows the
 * token and to what. */
static void
detail_autoscope(const struct cli_out *o, const struct token_info *t)
{
	struct autoscope_access after;
	char text[CELL_MAX];

	detail_line(o, "autoscope state:", autoscope_state_words(token_autoscope_state(t)));
	detail_list(o, "inferred scopes:", t, TOKEN_LIST_INFERRED, "-");
	detail_list(o, "backfill scopes:", t, TOKEN_LIST_BACKFILL, "-");
	token_autoscope_enforce_format(t, o->ctx.now_ms, text, sizeof text);
	detail_line(o, "enforcement:", text);
	token_autoscope_after(t, &after);
	autoscope_access_format(&after, text, sizeof text);
	detail_line(o, "scopes after:", text);
}

static void
detail_table(const struct cli_out *o, const struct token_info *t)
{
	char flags[256], num[32], id[TOKEN_ID_LEN + 1];
	unsigned f = token_flags(t, cli_output_ctx(o, t));
	char where[1024];

	if (o->ws != NULL && t->workspace < o->nws) {
		snprintf(where, sizeof where, "%s (%s)", o->ws[t->workspace].name,
			 o->ws[t->workspace].host);
		detail_line(o, "workspace:", where);
	}
	detail_line(o, "token_id:", token_id_hex(t, id));
	detail_line(o, "comment:", token_comment(t));
	detail_time(o, "created:", t->creation_time, "unknown");
	detail_time(o, "expires:", t->expiry_time, TOKEN_WORD_NEVER);
	detail_last_used(o, t);
	detail_list(o, "scopes:", t, TOKEN_LIST_SCOPES, TOKEN_WORD_FULL_ACCESS);
	detail_autoscope(o, t);
	if (t->management) {
		detail_line(o, "owner:", token_owner(t));
		snprintf(num, sizeof num, "%lld", (long long)t->created_by_id);
		detail_line(o, "created by id:", num);
	}
	detail_revoke(o, t);
	token_flags_format(f, flags, sizeof flags);
	detail_line(o, "flags:", flags[0] ? flags : "none");
	detail_line(o, "in use by patrol:", (f & TOKEN_FLAG(SELF)) ? "yes" : "no");
}

int
cli_output_token_detail(const struct cli_out *o, const struct token_info *t)
{
	size_t idx = 0;
	struct token_table one = { .rows = (struct token_info *)t, .n = 1, .cap = 1 };

	json_t *obj;

	if (o->format == CLI_FORMAT_JSON) {
		obj = api_token_to_json(t, o->management);
		if (obj != NULL && (cli_output_json_where(o, t, obj) != 0 ||
				    cli_output_json_revoke(obj, t) != 0)) {
			json_decref(obj);
			obj = NULL;
		}
		return cli_output_json(o->fp, obj);
	}
	if (o->format == CLI_FORMAT_CSV)
		return output_csv(o, &one, &idx, 1);
	detail_table(o, t);
	return ferror(o->fp) ? -1 : 0;
}
