/*
 * api_text.c: a token's JSON object written straight as text, for the rows
 * of a long list (`patrol list -o json` over 100,000 tokens), without
 * building it in jansson: the same bytes api_token_to_json's object dumps
 * to with JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII, at a
 * fraction of the cost, escapes included (upper-case \uXXXX, surrogate
 * pairs past U+FFFF, DEL raw). Only for rows whose strings are all valid
 * UTF-8: any other row is jansson's, after api.c repairs it (test_api and
 * fuzz_api check both agree on hostile rows).
 */
#include <string.h>

#include "api.h"
#include "api_int.h"
#include "buf.h"
#include "utf8.h"

/* True when s is valid UTF-8, which jansson takes as it is (api.c repairs
 * any other string first: that row is left to jansson). */
static bool
api_text_plain(const char *s)
{
	size_t i = 0, n = strlen(s);
	uint32_t cp;

	while (i < n) {
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		i += utf8_decode(s + i, n - i, &cp);
		if (cp == UTF8_BAD)
			return false;
	}
	return true;
}

/* "\u" and four upper-case hex digits, as jansson writes an escape. */
static int
api_text_u4(struct buf *out, uint32_t v)
{
	static const char hex[] = "0123456789ABCDEF";
	char e[6] = { '\\', 'u', hex[(v >> 12) & 15], hex[(v >> 8) & 15], hex[(v >> 4) & 15],
		      hex[v & 15] };

	return buf_add(out, e, sizeof e);
}

/* The escape jansson writes for byte c (a control, '"' or '\\') or, with
 * JSON_ENSURE_ASCII, code point cp above 0x7f (a surrogate pair past
 * U+FFFF). DEL stays raw, as jansson leaves it. */
static int
api_text_escape(struct buf *out, uint32_t cp)
{
	static const char *const named[0x20] = {
		['\b'] = "\\b", ['\f'] = "\\f", ['\n'] = "\\n", ['\r'] = "\\r", ['\t'] = "\\t",
	};

	if (cp == '"' || cp == '\\')
		return buf_add(out, cp == '"' ? "\\\"" : "\\\\", 2);
	if (cp < 0x20 && named[cp] != NULL)
		return buf_add(out, named[cp], 2);
	if (cp < 0x10000)
		return api_text_u4(out, cp);
	cp -= 0x10000;
	return api_text_u4(out, 0xD800 | (cp >> 10)) | api_text_u4(out, 0xDC00 | (cp & 0x3ff));
}

/* s (valid UTF-8) quoted and escaped: runs of printable ASCII as they are. */
static int
api_text_str(struct buf *out, const char *s)
{
	const char *p = s, *run = s, *end = s + strlen(s);
	int rc = buf_add(out, "\"", 1);
	uint32_t cp;

	while (p < end) {
		unsigned char c = (unsigned char)*p;

		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			p++;
			continue;
		}
		rc |= buf_add(out, run, (size_t)(p - run));
		if (c < 0x80) {
			rc |= api_text_escape(out, c);
			p++;
		} else {
			p += utf8_decode(p, (size_t)(end - p), &cp);
			rc |= api_text_escape(out, cp);
		}
		run = p;
	}
	return rc | buf_add(out, run, (size_t)(p - run)) | buf_add(out, "\"", 1);
}

/* v in decimal, as jansson's "%lld". */
static int
api_text_i64(struct buf *out, int64_t v)
{
	char tmp[24], *p = tmp + sizeof tmp;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		*--p = '-';
	return buf_add(out, p, (size_t)(tmp + sizeof tmp - p));
}

static int64_t
api_text_member(const struct token_info *t, size_t off)
{
	int64_t v;

	memcpy(&v, (const char *)t + off, sizeof v);
	return v;
}

/* Each field type: whether its value is plain, and its value as text
 * (api.c's fill functions, in text). */
static bool
api_text_ok_id(const struct api_field *f, const struct token_info *t)
{
	char id[TOKEN_ID_LEN + 1];

	return api_text_plain(token_id_hex(t, id));
}

static int
api_text_id(struct buf *out, const struct api_field *f, const struct token_info *t)
{
	char id[TOKEN_ID_LEN + 1];

	return api_text_str(out, token_id_hex(t, id));
}

static bool
api_text_ok_str(const struct api_field *f, const struct token_info *t)
{
	return api_text_plain(token_text(t, (enum token_text)f->which));
}

static int
api_text_s(struct buf *out, const struct api_field *f, const struct token_info *t)
{
	return api_text_str(out, token_text(t, (enum token_text)f->which));
}

static bool
api_text_ok_num(const struct api_field *f, const struct token_info *t)
{
	return true;
}

static int
api_text_num(struct buf *out, const struct api_field *f, const struct token_info *t)
{
	return api_text_i64(out, api_text_member(t, f->off));
}

/* expiry_time: -1 for a token that never expires. */
static int
api_text_expiry(struct buf *out, const struct api_field *f, const struct token_info *t)
{
	int64_t x = api_text_member(t, f->off);

	return api_text_i64(out, x > 0 ? x : -1);
}

static bool
api_text_ok_strv(const struct api_field *f, const struct token_info *t)
{
	enum token_list which = (enum token_list)f->which;
	size_t i;

	for (i = 0; i < token_list_n(t, which); i++)
		if (!api_text_plain(token_list_at(t, which, i)))
			return false;
	return true;
}

static int
api_text_strv(struct buf *out, const struct api_field *f, const struct token_info *t)
{
	enum token_list which = (enum token_list)f->which;
	size_t i;
	int rc = buf_add(out, "[", 1);

	for (i = 0; i < token_list_n(t, which); i++)
		rc |= (i ? buf_add(out, ",", 1) : 0) | api_text_str(out, token_list_at(t, which, i));
	return rc | buf_add(out, "]", 1);
}

static const struct {
	bool (*ok)(const struct api_field *, const struct token_info *);
	int (*text)(struct buf *, const struct api_field *, const struct token_info *);
} api_text_types[] = {
	[API_F_ID] =     { api_text_ok_id,   api_text_id },
	[API_F_STR] =    { api_text_ok_str,  api_text_s },
	[API_F_I64] =    { api_text_ok_num,  api_text_num },
	[API_F_EXPIRY] = { api_text_ok_num,  api_text_expiry },
	[API_F_STRV] =   { api_text_ok_strv, api_text_strv },
};

/* Whether every value t writes in shape, and more, is plain. */
static bool
api_text_row_plain(const struct token_info *t, uint32_t shape, const char *const *more,
		   size_t nmore)
{
	size_t i;

	for (i = 0; i < api_nfields; i++)
		if ((shape & (1u << i)) &&
		    !api_text_types[api_fields[i].type].ok(&api_fields[i], t))
			return false;
	for (i = 0; i < 2 * nmore; i++)
		if (!api_text_plain(more[i]))
			return false;
	return true;
}

/* ",": before every member but the first; "key":. */
static int
api_text_key(struct buf *out, bool first, const char *key)
{
	return (first ? 0 : buf_add(out, ",", 1)) | api_text_str(out, key) | buf_add(out, ":", 1);
}

int
api_token_text(const struct token_info *t, bool management, const char *const *more,
	       size_t nmore, struct buf *out)
{
	uint32_t shape = api_token_shape(t, management);
	bool first = true;
	size_t i;
	int rc;

	if (!api_text_row_plain(t, shape, more, nmore))
		return 1;
	rc = buf_add(out, "{", 1);
	for (i = 0; i < api_nfields; i++) {
		if (!(shape & (1u << i)))
			continue;
		rc |= api_text_key(out, first, api_fields[i].name) |
		      api_text_types[api_fields[i].type].text(out, &api_fields[i], t);
		first = false;
	}
	for (i = 0; i < nmore; i++, first = false)
		rc |= api_text_key(out, first, more[2 * i]) | api_text_str(out, more[2 * i + 1]);
	rc |= buf_add(out, "}", 1);
	return rc != 0 ? -1 : 0;
}
