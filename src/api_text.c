/*
 * api_text.c: a token's JSON object written straight as text, for the rows
 * of a long list (`patrol list -o json` over 100,000 tokens), without
 * building it in jansson: the same bytes api_token_to_json's object dumps
 * to with JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII, at a
 * fraction of the cost, escapes included (upper-case \uXXXX, surrogate
 * pairs past U+FFFF, DEL raw). Only for rows whose strings are all valid
 * UTF-8: any other row is jansson's, after api.c repairs it (test_api and
 * fuzz_api check both agree on hostile rows).
 *
 * A row is written through a cursor into room reserved before each piece
 * (the most a piece can take), not appended piece by piece. The model
 * knows which of its strings are plain (token_text_len): those are copied
 * as they are; only the others are scanned and escaped.
 */
#include <pthread.h>
#include <string.h>

#include "api.h"
#include "api_int.h"
#include "buf.h"
#include "utf8.h"

/* Where a row's text goes: out's room from p to end (out->len is set at
 * the end). */
struct api_text_w {
	struct buf *out;
	char *p, *end;
};

/* At least n bytes of room at w->p. 0, or -1 out of memory (or past
 * out's maximum). */
static int
api_text_room(struct api_text_w *w, size_t n)
{
	struct buf *out = w->out;

	if ((size_t)(w->end - w->p) >= n)
		return 0;
	out->len = w->p != NULL ? (size_t)(w->p - out->data) : out->len;
	if (buf_reserve(out, n) != 0)
		return -1;
	w->p = out->data + out->len;
	w->end = out->data + out->cap - 1;         /* the NUL's byte stays free */
	return 0;
}

/* The keys: "\"name\":" for each api_fields entry, made once. */
#define API_TEXT_KEY_MAX 48
static struct {
	char text[API_TEXT_KEY_MAX];
	size_t len;
} api_text_keys[32];
static pthread_once_t api_text_keys_once = PTHREAD_ONCE_INIT;

static void
api_text_keys_make(void)
{
	size_t i, n;

	for (i = 0; i < api_nfields && i < 32; i++) {
		n = strlen(api_fields[i].name);
		if (n + 3 > API_TEXT_KEY_MAX)       /* never: the names are short */
			continue;
		api_text_keys[i].text[0] = '"';
		memcpy(api_text_keys[i].text + 1, api_fields[i].name, n);
		memcpy(api_text_keys[i].text + 1 + n, "\":", 2);
		api_text_keys[i].len = n + 3;
	}
}

static const char api_text_hex[] = "0123456789ABCDEF";

/* "\u" and four upper-case hex digits, as jansson writes an escape. */
static char *
api_text_u4(char *p, uint32_t v)
{
	p[0] = '\\';
	p[1] = 'u';
	p[2] = api_text_hex[(v >> 12) & 15];
	p[3] = api_text_hex[(v >> 8) & 15];
	p[4] = api_text_hex[(v >> 4) & 15];
	p[5] = api_text_hex[v & 15];
	return p + 6;
}

/* The escape jansson writes for byte c (a control, '"' or '\\') or, with
 * JSON_ENSURE_ASCII, code point cp above 0x7f (a surrogate pair past
 * U+FFFF): at most 12 bytes. DEL stays raw, as jansson leaves it. */
static char *
api_text_escape(char *p, uint32_t cp)
{
	static const char named[0x20] = {
		['\b'] = 'b', ['\f'] = 'f', ['\n'] = 'n', ['\r'] = 'r', ['\t'] = 't',
	};

	if (cp == '"' || cp == '\\' || (cp < 0x20 && named[cp] != 0)) {
		p[0] = '\\';
		p[1] = cp < 0x20 ? named[cp] : (char)cp;
		return p + 2;
	}
	if (cp < 0x10000)
		return api_text_u4(p, cp);
	cp -= 0x10000;
	return api_text_u4(api_text_u4(p, 0xD800 | (cp >> 10)), 0xDC00 | (cp & 0x3ff));
}

#define API_TEXT_BYTES(b) ((uint64_t)(b) * 0x0101010101010101ull)

/* Whether eight bytes are written as they are: printable ASCII or DEL,
 * no '"', no '\\'. */
static bool
api_text_raw8(uint64_t w)
{
	uint64_t q = w ^ API_TEXT_BYTES('"'), b = w ^ API_TEXT_BYTES('\\');

	return ((w | ((w - API_TEXT_BYTES(0x20)) & ~w) | ((q - API_TEXT_BYTES(1)) & ~q) |
		 ((b - API_TEXT_BYTES(1)) & ~b)) & API_TEXT_BYTES(0x80)) == 0;
}

/* s[0..n) quoted, plain or escaped. The most it takes: 6 bytes a byte (a
 * control's \u00XX; a character of 2 to 4 bytes takes 6 or 12) and the
 * quotes. 0; 1 when s is not valid UTF-8 (jansson's row then); -1 out of
 * memory. */
static int
api_text_str(struct api_text_w *w, const char *s, size_t n, bool plain)
{
	const unsigned char *q = (const unsigned char *)s, *end = q + n;
	uint64_t word;
	uint32_t cp;
	char *p;

	if (n > (SIZE_MAX - 2) / 6 || api_text_room(w, plain ? n + 2 : 6 * n + 2) != 0)
		return -1;
	p = w->p;
	*p++ = '"';
	if (plain) {
		memcpy(p, s, n);
		p += n;
		q = end;
	}
	while (q < end) {
		if (end - q >= 8 && (memcpy(&word, q, 8), api_text_raw8(word))) {
			memcpy(p, q, 8);
			p += 8;
			q += 8;
		} else if (*q >= 0x20 && *q < 0x80 && *q != '"' && *q != '\\') {
			*p++ = (char)*q++;
		} else if (*q < 0x80) {
			p = api_text_escape(p, *q++);
		} else if (*q >= 0xc2 && *q <= 0xdf && end - q >= 2 && (q[1] & 0xc0) == 0x80) {
			p = api_text_u4(p, (uint32_t)(q[0] & 0x1f) << 6 | (q[1] & 0x3f));
			q += 2;
		} else {
			q += utf8_decode((const char *)q, (size_t)(end - q), &cp);
			if (cp == UTF8_BAD)
				return 1;
			p = api_text_escape(p, cp);
		}
	}
	*p++ = '"';
	w->p = p;
	return 0;
}

/* v in decimal, as jansson's "%lld": at most 20 bytes, written in place,
 * two digits at a time from the last. */
static char *
api_text_i64(char *p, int64_t v)
{
	static const char pairs[] =
		"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
		"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
		"8081828384858687888990919293949596979899";
	static const uint64_t tens[20] = {
		1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull,
		100000000ull, 1000000000ull, 10000000000ull, 100000000000ull, 1000000000000ull,
		10000000000000ull, 100000000000000ull, 1000000000000000ull,
		10000000000000000ull, 100000000000000000ull, 1000000000000000000ull,
		10000000000000000000ull,
	};
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	size_t n;
	uint32_t lo;
	char *q;
	int k;

	if (v < 0)
		*p++ = '-';
	/* the digits: log10 from the bit length (x 1233 / 4096), then one compare */
	n = (size_t)(((64 - __builtin_clzll(u | 1)) * 1233) >> 12);
	n += (u | 1) >= tens[n];
	q = p + n;
	for (; u >= 100000000; u /= 100000000)   /* eight digits at a time in 32 bits */
		for (k = 0, lo = (uint32_t)(u % 100000000); k < 4; k++, lo /= 100) {
			q -= 2;
			memcpy(q, pairs + 2 * (lo % 100), 2);
		}
	for (lo = (uint32_t)u; lo >= 100; lo /= 100) {
		q -= 2;
		memcpy(q, pairs + 2 * (lo % 100), 2);
	}
	if (lo >= 10)
		memcpy(q - 2, pairs + 2 * lo, 2);
	else
		q[-1] = (char)('0' + lo);
	return p + n;
}

int
api_text_int(struct buf *out, int64_t v)
{
	if (buf_reserve(out, 20) != 0)
		return -1;
	out->len = (size_t)(api_text_i64(out->data + out->len, v) - out->data);
	out->data[out->len] = '\0';
	return 0;
}

static int64_t
api_text_member(const struct token_info *t, size_t off)
{
	int64_t v;

	memcpy(&v, (const char *)t + off, sizeof v);
	return v;
}

/* Each field type's value as text (api.c's fill functions, in text). */
/* An id is plain: hex digits, or what token_id_valid lets into a row. */
static int
api_text_id(struct api_text_w *w, const struct api_field *f, const struct token_info *t)
{
	char id[TOKEN_ID_LEN + 1];

	token_id_hex(t, id);
	return api_text_str(w, id, strlen(id), true);
}

static int
api_text_s(struct api_text_w *w, const struct api_field *f, const struct token_info *t)
{
	bool plain;
	size_t n = token_text_len(t, (enum token_text)f->which, &plain);

	return api_text_str(w, token_text(t, (enum token_text)f->which), n, plain);
}

static int
api_text_num(struct api_text_w *w, const struct api_field *f, const struct token_info *t)
{
	if (api_text_room(w, 20) != 0)
		return -1;
	w->p = api_text_i64(w->p, api_text_member(t, f->off));
	return 0;
}

/* expiry_time: -1 for a token that never expires. */
static int
api_text_expiry(struct api_text_w *w, const struct api_field *f, const struct token_info *t)
{
	int64_t x = api_text_member(t, f->off);

	if (api_text_room(w, 20) != 0)
		return -1;
	w->p = api_text_i64(w->p, x > 0 ? x : -1);
	return 0;
}

static int
api_text_strv(struct api_text_w *w, const struct api_field *f, const struct token_info *t)
{
	enum token_list which = (enum token_list)f->which;
	size_t i, n;
	bool plain;
	int rc = 0;

	for (i = 0; rc == 0 && i < token_list_n(t, which); i++) {
		n = token_list_len_at(t, which, i, &plain);
		if ((rc = api_text_room(w, 1)) == 0) {
			*w->p++ = i ? ',' : '[';
			rc = api_text_str(w, token_list_at(t, which, i), n, plain);
		}
	}
	if (rc == 0 && (rc = api_text_room(w, 2)) == 0) {
		if (i == 0)
			*w->p++ = '[';
		*w->p++ = ']';
	}
	return rc;
}

static int (*const api_text_types[])(struct api_text_w *, const struct api_field *,
				     const struct token_info *) = {
	[API_F_ID] = api_text_id,
	[API_F_STR] = api_text_s,
	[API_F_I64] = api_text_num,
	[API_F_EXPIRY] = api_text_expiry,
	[API_F_STRV] = api_text_strv,
};

/* "," before every member but the first, then "key":. */
static int
api_text_key(struct api_text_w *w, bool first, const char *key, size_t n)
{
	if (api_text_room(w, n + 1) != 0)
		return -1;
	if (!first)
		*w->p++ = ',';
	memcpy(w->p, key, n);
	w->p += n;
	return 0;
}

/* The members of t in shape, then the pairs of more; 0, 1 or -1. */
static int
api_text_members(struct api_text_w *w, const struct token_info *t, uint32_t shape,
		 const char *const *more, size_t nmore)
{
	bool first = true;
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < api_nfields; i++) {
		if (!(shape & (1u << i)))
			continue;
		if (api_text_keys[i].len == 0)
			return 1;
		rc = api_text_key(w, first, api_text_keys[i].text, api_text_keys[i].len);
		if (rc == 0)
			rc = api_text_types[api_fields[i].type](w, &api_fields[i], t);
		first = false;
	}
	for (i = 0; rc == 0 && i < nmore; i++, first = false) {
		if ((rc = api_text_room(w, 1)) != 0)
			break;
		if (!first)
			*w->p++ = ',';
		if ((rc = api_text_str(w, more[2 * i], strlen(more[2 * i]), false)) == 0 &&
		    (rc = api_text_room(w, 1)) == 0) {
			*w->p++ = ':';
			rc = api_text_str(w, more[2 * i + 1], strlen(more[2 * i + 1]), false);
		}
	}
	return rc;
}

int
api_token_text(const struct token_info *t, bool management, const char *const *more,
	       size_t nmore, struct buf *out)
{
	struct api_text_w w = { out, NULL, NULL };
	size_t start = out->len;
	int rc;

	pthread_once(&api_text_keys_once, api_text_keys_make);
	if ((rc = api_text_room(&w, 1)) == 0) {
		*w.p++ = '{';
		rc = api_text_members(&w, t, api_token_shape(t, management), more, nmore);
	}
	if (rc == 0 && (rc = api_text_room(&w, 1)) == 0)
		*w.p++ = '}';
	out->len = rc == 0 ? (size_t)(w.p - out->data) : start;
	if (out->data != NULL)
		out->data[out->len] = '\0';
	return rc;
}
