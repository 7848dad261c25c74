/*
 * token_filter.c: the filter language (token_filter.h) over the model of
 * token.h.
 *
 * Filtering runs on every keystroke over up to 100,000 rows: the filter is
 * compiled once into a list of terms whose needles are already case-folded,
 * and matching does not allocate.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "duration.h"
#include "token.h"
#include "token_filter.h"

/* ---- filter language -------------------------------------------------- */

/* A compiled search string: folded to lower case when matching ignores case. */
struct token_needle {
	char *s;
	size_t len;
	bool fold;
	bool hexish;             /* only lower-case hex digits: may be in an id */
};

struct token_term;
typedef bool (*token_term_fn)(const struct token_term *, const struct token_info *,
    unsigned, const struct token_ctx *);

struct token_term {
	token_term_fn match;
	bool neg;
	struct token_needle nd;
	unsigned flag;           /* flag: mask */
	char op;                 /* '<', '>' or 'n' (never) for time fields */
	int64_t ms;
};

struct token_filter {
	struct token_term *terms;
	size_t n;
	unsigned need_flags;     /* the flags the terms test */
};

/* A term as typed: the raw text and the text with quotes removed. */
struct token_raw {
	const char *raw;
	size_t rawlen;
	char *text;
	size_t len;
	long colon;              /* first unquoted ':' before any quote, or -1 */
	bool neg;
};

/* First byte in [p, end) equal to a or b, or NULL. */
static const unsigned char *
token_memchr2(const unsigned char *p, const unsigned char *end, unsigned char a,
    unsigned char b)
{
	const unsigned char *x = memchr(p, a, (size_t)(end - p));
	const unsigned char *y;

	if (a == b)
		return x;
	y = memchr(p, b, (size_t)((x != NULL ? x : end) - p));
	return y != NULL ? y : x;
}

/* True when nd occurs in h[0..hl): find the first byte in either case with
 * memchr, then compare the rest. */
static bool
token_needle_in(const struct token_needle *nd, const char *h, size_t hl)
{
	const unsigned char *p = (const unsigned char *)h, *end;
	const unsigned char *ns = (const unsigned char *)nd->s;
	unsigned char lo = ns[0], up = lo;
	size_t i;

	if (nd->len == 0)
		return true;
	if (hl < nd->len)
		return false;
	end = p + hl - nd->len + 1;
	if (nd->fold && lo >= 'a' && lo <= 'z')
		up = (unsigned char)(lo - ('a' - 'A'));
	for (; (p = token_memchr2(p, end, lo, up)) != NULL; p++) {
		for (i = 1; i < nd->len; i++) {
			if ((nd->fold ? token_fold(p[i]) : p[i]) != ns[i])
				break;
		}
		if (i == nd->len)
			return true;
	}
	return false;
}

static bool
token_needle_in_str(const struct token_needle *nd, const char *s)
{
	return s != NULL && token_needle_in(nd, s, strlen(s));
}

/* True when nd occurs in t's id as text. A raw id is made hex only when
 * the needle could be in it. */
static bool
token_needle_in_id(const struct token_needle *nd, const struct token_info *t)
{
	char id[TOKEN_ID_LEN + 1];

	if (t->id_form_ == TOKEN_ID_FORM_RAW && !nd->hexish)
		return nd->len == 0;
	return token_needle_in_str(nd, token_id_hex(t, id));
}

static bool
token_needle_in_scopes(const struct token_needle *nd, const struct token_info *t)
{
	size_t i;

	for (i = 0; i < token_nscopes(t); i++) {
		if (token_needle_in_str(nd, token_scope(t, i)))
			return true;
	}
	return false;
}

static bool
token_match_word(const struct token_term *m, const struct token_info *t, unsigned flags,
    const struct token_ctx *ctx)
{
	(void)flags;
	(void)ctx;
	return token_needle_in_str(&m->nd, token_comment(t)) ||
	    token_needle_in_str(&m->nd, token_text(t, TOKEN_TEXT_OWNER)) ||
	    token_needle_in_id(&m->nd, t) ||
	    token_needle_in_scopes(&m->nd, t);
}

static bool
token_match_owner(const struct token_term *m, const struct token_info *t, unsigned flags,
    const struct token_ctx *ctx)
{
	(void)flags;
	(void)ctx;
	return token_needle_in_str(&m->nd, token_text(t, TOKEN_TEXT_OWNER));
}

/* workspace:NAME: the row's workspace is named NAME (the whole name;
 * smart case like every term). */
static bool
token_match_workspace(const struct token_term *m, const struct token_info *t, unsigned flags,
    const struct token_ctx *ctx)
{
	const char *name;

	(void)flags;
	if (ctx->workspaces == NULL || t->workspace >= ctx->nworkspaces)
		return false;
	name = ctx->workspaces[t->workspace];
	return strlen(name) == m->nd.len && token_needle_in_str(&m->nd, name);
}

static bool
token_match_comment(const struct token_term *m, const struct token_info *t, unsigned flags,
    const struct token_ctx *ctx)
{
	(void)flags;
	(void)ctx;
	return token_needle_in_str(&m->nd, token_comment(t));
}

static bool
token_match_scope(const struct token_term *m, const struct token_info *t, unsigned flags,
    const struct token_ctx *ctx)
{
	(void)flags;
	(void)ctx;
	return token_needle_in_scopes(&m->nd, t);
}

static bool
token_match_scope_none(const struct token_term *m, const struct token_info *t,
    unsigned flags, const struct token_ctx *ctx)
{
	(void)m;
	(void)flags;
	(void)ctx;
	return token_nscopes(t) == 0;
}

static bool
token_match_id(const struct token_term *m, const struct token_info *t, unsigned flags,
    const struct token_ctx *ctx)
{
	(void)flags;
	(void)ctx;
	return token_needle_in_id(&m->nd, t);
}

static bool
token_match_flag(const struct token_term *m, const struct token_info *t, unsigned flags,
    const struct token_ctx *ctx)
{
	(void)t;
	(void)ctx;
	return (flags & m->flag) != 0;
}

/* Compare a measured span with the term; never means "infinitely far". */
static bool
token_match_span(const struct token_term *m, int64_t span, bool known, bool never)
{
	if (m->op == 'n')
		return never;
	if (never)
		return m->op == '>';
	if (!known)
		return false;
	return m->op == '<' ? span < m->ms : span > m->ms;
}

static bool
token_match_expires(const struct token_term *m, const struct token_info *t, unsigned flags,
    const struct token_ctx *ctx)
{
	(void)flags;
	return token_match_span(m, t->expiry_time - ctx->now_ms, true, token_never_expires(t));
}

static bool
token_match_unused(const struct token_term *m, const struct token_info *t, unsigned flags,
    const struct token_ctx *ctx)
{
	int64_t idle = token_idle_ms(t, ctx->now_ms);

	(void)flags;
	return token_match_span(m, idle, idle >= 0, false);
}

static bool
token_match_created(const struct token_term *m, const struct token_info *t, unsigned flags,
    const struct token_ctx *ctx)
{
	(void)flags;
	return token_match_span(m, ctx->now_ms - t->creation_time, t->creation_time > 0, false);
}

enum token_value_kind {
	TOKEN_VALUE_TEXT,        /* substring, smart case */
	TOKEN_VALUE_TEXT_FOLD,   /* substring, always case-insensitive */
	TOKEN_VALUE_SCOPE,       /* substring, or "none" */
	TOKEN_VALUE_FLAG,        /* an audit flag name */
	TOKEN_VALUE_SPAN,        /* <age or >age */
	TOKEN_VALUE_SPAN_NEVER   /* <age, >age or "never" */
};

struct token_field {
	const char *name;
	enum token_value_kind kind;
	token_term_fn match;
};

static const struct token_field token_fields[] = {
	{ "owner", TOKEN_VALUE_TEXT, token_match_owner },
	{ "comment", TOKEN_VALUE_TEXT, token_match_comment },
	{ "scope", TOKEN_VALUE_SCOPE, token_match_scope },
	{ "id", TOKEN_VALUE_TEXT_FOLD, token_match_id },
	{ "flag", TOKEN_VALUE_FLAG, token_match_flag },
	{ "expires", TOKEN_VALUE_SPAN_NEVER, token_match_expires },
	{ "unused", TOKEN_VALUE_SPAN, token_match_unused },
	{ "created", TOKEN_VALUE_SPAN, token_match_created },
	{ "workspace", TOKEN_VALUE_TEXT, token_match_workspace },
};

#define TOKEN_NFIELDS (sizeof token_fields / sizeof token_fields[0])

/* Write "a b c" from the names of a table into out. */
static void
token_names(char *out, size_t n, const char *(*name)(size_t), size_t count)
{
	size_t i, used = 0;
	int w;

	out[0] = '\0';
	for (i = 0; i < count && used < n; i++) {
		w = snprintf(out + used, n - used, "%s%s", i > 0 ? " " : "", name(i));
		if (w < 0)
			return;
		used += (size_t)w;
	}
}

static const char *
token_field_name(size_t i)
{
	return token_fields[i].name;
}

static const char *
token_flag_name_at(size_t i)
{
	return token_flag_name((enum token_flag_bit)i);
}

/* Set up a needle from value[0..len); smart case unless fold is forced. */
static int
token_needle_init(struct token_needle *nd, const char *value, size_t len, bool force_fold)
{
	size_t i;

	nd->fold = true;
	for (i = 0; i < len && !force_fold; i++) {
		if (value[i] >= 'A' && value[i] <= 'Z')
			nd->fold = false;
	}
	if ((nd->s = malloc(len + 1)) == NULL)
		return -1;
	for (i = 0; i < len; i++)
		nd->s[i] = nd->fold ? (char)token_fold((unsigned char)value[i]) : value[i];
	nd->s[len] = '\0';
	nd->len = len;
	nd->hexish = strspn(nd->s, "0123456789abcdef") == len;
	return 0;
}

static enum patrol_status
token_compile_text(struct token_term *m, const struct token_raw *r, const char *value,
    size_t len, bool force_fold, struct patrol_err *err)
{
	(void)r;
	if (token_needle_init(&m->nd, value, len, force_fold) != 0)
		return status_set(err, PATROL_NOMEM, "out of memory");
	return PATROL_OK;
}

static enum patrol_status
token_compile_flag(struct token_term *m, const struct token_raw *r, const char *value,
    struct patrol_err *err)
{
	char names[256];
	int b;

	if ((b = token_flag_parse(value)) < 0) {
		token_names(names, sizeof names, token_flag_name_at, TOKEN_FLAG_COUNT);
		return status_set(err, PATROL_USAGE, "unknown flag \"%s\" in \"%.*s\" (flags: %s)",
		    value, (int)r->rawlen, r->raw, names);
	}
	m->flag = 1u << b;
	return PATROL_OK;
}

static enum patrol_status
token_compile_span(struct token_term *m, const struct token_raw *r, const char *field,
    const char *value, bool never_ok, struct patrol_err *err)
{
	if (never_ok && strcasecmp(value, "never") == 0) {
		m->op = 'n';
		return PATROL_OK;
	}
	if (*value != '<' && *value != '>')
		return status_set(err, PATROL_USAGE,
		    "bad comparison \"%.*s\" (use %s:<7d or %s:>7d%s)", (int)r->rawlen, r->raw,
		    field, field, never_ok ? " or expires:never" : "");
	m->op = *value;
	if (duration_parse_age_ms(value + 1, &m->ms) != 0)
		return status_set(err, PATROL_USAGE, "bad age \"%s\" in \"%.*s\" (use h d w mo y)",
		    value + 1, (int)r->rawlen, r->raw);
	return PATROL_OK;
}

/* Compile value of field f into m. */
static enum patrol_status
token_compile_field(struct token_term *m, const struct token_raw *r,
    const struct token_field *f, const char *value, struct patrol_err *err)
{
	size_t len = strlen(value);

	m->match = f->match;
	if (len == 0)
		return status_set(err, PATROL_USAGE, "empty value in \"%.*s\"",
		    (int)r->rawlen, r->raw);
	switch (f->kind) {
	case TOKEN_VALUE_SCOPE:
		if (strcmp(value, "none") == 0) {
			m->match = token_match_scope_none;
			return PATROL_OK;
		}
		return token_compile_text(m, r, value, len, false, err);
	case TOKEN_VALUE_TEXT:
	case TOKEN_VALUE_TEXT_FOLD:
		return token_compile_text(m, r, value, len, f->kind == TOKEN_VALUE_TEXT_FOLD, err);
	case TOKEN_VALUE_FLAG:
		return token_compile_flag(m, r, value, err);
	case TOKEN_VALUE_SPAN:
	case TOKEN_VALUE_SPAN_NEVER:
		return token_compile_span(m, r, f->name, value, f->kind == TOKEN_VALUE_SPAN_NEVER, err);
	}
	return status_set(err, PATROL_USAGE, "bad term \"%.*s\"", (int)r->rawlen, r->raw);
}

/* Compile one typed term: a field term when it has an unquoted colon. */
static enum patrol_status
token_compile_term(struct token_term *m, const struct token_raw *r, struct patrol_err *err)
{
	char names[128];
	size_t i, flen = (size_t)r->colon;

	m->neg = r->neg;
	if (r->colon < 0) {
		m->match = token_match_word;
		return token_compile_text(m, r, r->text, r->len, false, err);
	}
	for (i = 0; i < TOKEN_NFIELDS; i++) {
		if (strlen(token_fields[i].name) == flen &&
		    strncasecmp(token_fields[i].name, r->text, flen) == 0)
			return token_compile_field(m, r, &token_fields[i], r->text + flen + 1, err);
	}
	token_names(names, sizeof names, token_field_name, TOKEN_NFIELDS);
	return status_set(err, PATROL_USAGE, "unknown field \"%.*s\" in \"%.*s\" (fields: %s)",
	    (int)flen, r->text, (int)r->rawlen, r->raw, names);
}

/* Split the next term off *sp into r (r->text is a slice of buf, which has
 * room for the whole expression). Returns false at the end of input. An
 * unterminated quote runs to the end. */
static bool
token_next_raw(const char **sp, char *buf, struct token_raw *r)
{
	const char *p = *sp;
	bool quoted = false, seen_quote = false;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0')
		return false;
	memset(r, 0, sizeof *r);
	r->raw = p;
	r->text = buf;
	r->colon = -1;
	if (*p == '!') {
		r->neg = true;
		p++;
	}
	for (; *p != '\0' && (quoted || (*p != ' ' && *p != '\t')); p++) {
		if (*p == '"') {
			quoted = !quoted;
			seen_quote = true;
			continue;
		}
		if (*p == ':' && !quoted && !seen_quote && r->colon < 0)
			r->colon = (long)r->len;
		buf[r->len++] = *p;
	}
	buf[r->len] = '\0';
	r->rawlen = (size_t)(p - r->raw);
	*sp = p;
	return true;
}

static enum patrol_status
token_filter_add(struct token_filter *f, const struct token_raw *r, struct patrol_err *err)
{
	struct token_term *m = &f->terms[f->n];
	enum patrol_status st;

	memset(m, 0, sizeof *m);
	if ((st = token_compile_term(m, r, err)) != PATROL_OK) {
		free(m->nd.s);
		return st;
	}
	f->n++;
	if (m->match == token_match_flag)
		f->need_flags |= m->flag;
	return PATROL_OK;
}

/* Compile every term of expr into f (terms has room for one per byte). */
static enum patrol_status
token_filter_parse(struct token_filter *f, const char *expr, char *buf,
    struct patrol_err *err)
{
	struct token_raw r;
	enum patrol_status st;

	while (token_next_raw(&expr, buf, &r)) {
		if (r.len == 0)
			continue;
		if ((st = token_filter_add(f, &r, err)) != PATROL_OK)
			return st;
	}
	return PATROL_OK;
}

enum patrol_status
token_filter_compile(const char *expr, struct token_filter **out, struct patrol_err *err)
{
	struct token_filter *f;
	enum patrol_status st = PATROL_NOMEM;
	size_t len = expr != NULL ? strlen(expr) : 0;
	char *buf = NULL;

	*out = NULL;
	if ((f = calloc(1, sizeof *f)) == NULL)
		return status_set(err, PATROL_NOMEM, "out of memory");
	if (len > 0 && ((buf = malloc(len + 1)) == NULL ||
	    (f->terms = calloc(len / 2 + 1, sizeof *f->terms)) == NULL))
		status_set(err, PATROL_NOMEM, "out of memory");
	else if ((st = token_filter_parse(f, len > 0 ? expr : "", buf, err)) == PATROL_OK)
		*out = f;
	free(buf);
	if (st != PATROL_OK)
		token_filter_free(f);
	return st;
}

bool
token_filter_match(const struct token_filter *f, const struct token_info *t,
    unsigned flags, const struct token_ctx *ctx)
{
	size_t i;

	if (f == NULL)
		return true;
	for (i = 0; i < f->n; i++) {
		if (f->terms[i].match(&f->terms[i], t, flags, ctx) == f->terms[i].neg)
			return false;
	}
	return true;
}

unsigned
token_filter_flags(const struct token_filter *f)
{
	return f != NULL ? f->need_flags : 0;
}

void
token_filter_free(struct token_filter *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->n; i++)
		free(f->terms[i].nd.s);
	free(f->terms);
	free(f);
}

size_t
token_filter_apply(const struct token_filter *f, const struct token_table *tab,
    const struct token_ctx *ctx, size_t *idx)
{
	const struct token_info *t;
	size_t i, n = 0;
	unsigned flags;

	for (i = 0; i < tab->n; i++) {
		t = &tab->rows[i];
		flags = f != NULL ? token_flags_masked(t, ctx, f->need_flags) : 0;
		if (token_filter_match(f, t, flags, ctx))
			idx[n++] = i;
	}
	return n;
}

