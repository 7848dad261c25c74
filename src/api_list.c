/*
 * api_list.c: the token list, parsed as it streams.
 *
 * YAJL turns the bytes into events (a key, a string, the start of an
 * object…) as libcurl delivers them; this file turns the events into rows
 * of a token_table, so neither the 35 MB body of 100,000 tokens nor a tree
 * of it ever exists. A stack of frames says what each open object or array
 * is: the answer, the token_infos list, a token, a scope list, or something
 * skipped (an unknown field, a shape that is wrong). Each kind has its row
 * in api_frames: what a value, a key and the end of the container mean
 * there.
 *
 * The rules are the jansson parsers' (api.c), with the same messages: a key
 * twice in any object refuses the answer (which one is the id?); an
 * element that is not a token object is skipped and counted, with why the
 * first was, the first failing field in api_fields order (as api.c reads
 * them); an id listed again is dropped, the first kept (an index of ids as
 * rows arrive); an id token_id_valid refuses never becomes a row. What
 * jansson refuses as malformed is refused too, though YAJL lets it pass:
 * invalid UTF-8 (overlong forms, surrogates, past U+10FFFF), a NUL in a
 * string, an integer past int64, a real number past double. One thing
 * differs: YAJL reads a lone high surrogate escape (\ud800) as '?', where
 * jansson refused the answer. And two limits are new: strings longer than
 * API_LIST_STRING_MAX bytes (YAJL would buffer any length while a string
 * spans chunks: more than API_LIST_QUIET_MAX bytes with no event is
 * refused) and nesting deeper than API_LIST_DEPTH.
 *
 * Messages give a position (line, and column in characters, as jansson
 * counts them), never text: the text near an error may be anything.
 *
 * A long list is parsed on two threads (YAJL on one, the rows on the
 * other: "on two threads" below), with the same outcome.
 *
 * YAJL sees the body in slices of API_LIST_SLICE bytes at fixed offsets,
 * however the bytes come (libcurl's chunks, a whole body): pieces are
 * gathered in a buffer of that size first. So the same body gives the same
 * table or the same error, positions included, cut wherever it was (YAJL's
 * error offsets depend on where a token was cut).
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yajl/yajl_parse.h>

#include "api.h"
#include "api_int.h"
#include "buf.h"

#define API_LIST_SLICE ((size_t)64 << 10)        /* fed to YAJL at a time */
#define API_LIST_QUIET_MAX ((size_t)1 << 20)     /* bytes with no event: one token */
#define API_LIST_PIPE_FROM ((size_t)1 << 20)     /* on two threads past this (~3,000 tokens) */
#define API_LIST_KEY "token_infos"

enum api_frame_kind { FR_DOC, FR_LIST, FR_TOKEN, FR_STRV, FR_SKIP, FR_COUNT };

/* The keys of one open object (other than a token's known fields), to find
 * one named twice. Kept per depth and reused from object to object. */
struct api_keys {
	struct api_key {
		uint64_t hash;       /* 0: empty slot */
		size_t off, len;     /* in bytes */
	} *slots;
	size_t mask, used;
	struct buf bytes;
};

/* Where a slice's bytes are, for messages: line and column at its start. */
struct api_where {
	const unsigned char *slice;
	size_t slice_len;
	long line, col;
};

struct api_pipe;                 /* the parse on two threads (below) */

struct api_frame {
	enum api_frame_kind kind;
	uint32_t seen;           /* FR_TOKEN: the api_fields named so far, a bit each */
	struct api_keys keys;
};

/* On two threads the lexer (YAJL's side) and the builder write their own
 * fields at every event: each group has cache lines of its own (the
 * padding), or each write would take the line from the other CPU. */
#define API_LINE 64

struct api_list {
	/* ---- set once, read by both ---- */
	bool management;
	signed char fieldmap[64];    /* a hash of a key's name to its api_fields index */
	unsigned char fieldlen[32];  /* the length of each api_fields name */
	struct api_pipe *pipe;       /* NULL: on this thread alone */
	size_t pipe_from;            /* on two threads from this many bytes on
				      * (SIZE_MAX: never) */
	char pad_read[API_LINE];
	/* ---- the builder's (the rows) ---- */
	struct token_table tab;
	struct api_frame frames[API_LIST_DEPTH];
	int depth;                   /* frames open */
	/* the last key of the innermost object */
	int field;                   /* FR_TOKEN: api_fields index, -1: not one read */
	bool key_is_list;            /* FR_DOC: the key was token_infos */
	/* the last number */
	int64_t num;
	double real;
	/* the element being read */
	size_t elem;                 /* elements of token_infos so far */
	size_t row_elem;             /* the index of the one being read */
	int bad_field;               /* its lowest failing api_fields index, or -1 */
	struct patrol_err why;       /* why it failed */
	/* a scope list being read: its strings, NUL-terminated, one after another */
	struct buf strv;
	size_t *strv_len, strv_n, strv_cap;
	/* the ids taken, at the top half of their token_id_hash (under the
	 * mask): that half, then row index + 1 (0: an empty slot), so neither
	 * a probe nor a rehash reads rows (scattered over megabytes) */
	uint64_t *ids;
	size_t ids_mask, ids_used;
	uint64_t id_hash;            /* the row being read: its id's, once set */
	const struct api_where *at;  /* positions are counted in: lex, or a
				      * batch's when the builder replays it */
	size_t ev_off;               /* the builder: its event's offset */
	long line, col;              /* the builder: where the next batch starts */
	/* the outcome */
	struct patrol_err err;       /* set: the answer is refused */
	struct patrol_err shape;     /* the answer's shape is wrong: said at the
				      * end, if the JSON itself is sound (as
				      * jansson parsed first, then looked) */
	char pad_rows[API_LINE];
	/* ---- the lexer's (YAJL, fed the bytes) ---- */
	yajl_handle h;
	struct api_batch *rec;       /* on two: the batch it fills */
	/* a slice being gathered */
	unsigned char *stage;        /* API_LIST_SLICE bytes, or NULL until needed */
	size_t staged;
	/* where the bytes are, for messages */
	struct api_where lex;        /* the slice YAJL is parsing */
	bool event;                  /* an event ended in this slice… */
	size_t event_off;            /* …this far into it */
	size_t quiet;                /* bytes since the last event */
	bool nonblank;               /* a byte other than white space came */
	size_t parsed;               /* bytes so far */
	char pad_lex[API_LINE];
};

/* ---- positions and errors ---------------------------------------------- */

#define API_BYTES(b) ((uint64_t)(b) * 0x0101010101010101ull)

/* Sixteen bytes at a time, as the compiler's vector operations (SSE2 on
 * x86-64) or plain code do them. */
typedef signed char api_v16 __attribute__((vector_size(16)));

/* Characters (not UTF-8 continuation bytes) in p[0..n), sixteen bytes at
 * a time: a continuation byte (0x80-0xbf) is below -64 as a signed char,
 * and each lane of acc counts those of its column, for up to 255 rounds. */
static size_t
api_list_chars(const unsigned char *p, size_t n)
{
	const api_v16 zero = { 0 };
	size_t i = 0, cont = 0, k, j;
	api_v16 v, acc;

	while (i + sizeof v <= n) {
		acc = zero;
		for (k = 0; k < 255 && i + sizeof v <= n; k++, i += sizeof v) {
			memcpy(&v, p + i, sizeof v);
			acc -= v < -64;                /* -1 where a continuation byte is */
		}
		for (j = 0; j < sizeof acc; j++)
			cont += (unsigned char)acc[j];
	}
	for (; i < n; i++)
		cont += (p[i] & 0xc0) == 0x80;
	return n - cont;
}

/* Line and column after p[0..n), from line and column before it. */
static void
api_list_walk(const unsigned char *p, size_t n, long *line, long *col)
{
	const unsigned char *nl, *end = p + n, *last = NULL;

	for (nl = p; (nl = memchr(nl, '\n', (size_t)(end - nl))) != NULL; last = nl++)
		(*line)++;
	if (last != NULL)
		*col = 0;
	if (last != NULL)
		p = last + 1;
	*col += (long)api_list_chars(p, (size_t)(end - p));
}

/* Line and column after the first off bytes of the current slice. */
static void
api_list_where(const struct api_list *l, size_t off, long *line, long *col)
{
	*line = l->at->line;
	*col = l->at->col;
	api_list_walk(l->at->slice, off < l->at->slice_len ? off : l->at->slice_len, line, col);
}

/* Refuse the answer as malformed at off bytes into the slice (jansson's words). */
static int
api_list_malformed(struct api_list *l, size_t off, const char *what)
{
	long line, col;

	if (l->err.status != PATROL_OK)
		return 0;
	api_list_where(l, off, &line, &col);
	status_set(&l->err, PATROL_PROTOCOL, "malformed JSON at line %ld, column %ld%s%s",
		   line, col, what[0] ? ": " : "", what);
	return 0;
}

/* Bytes into the slice at the current event: YAJL's count, or the
 * replayed event's. */
static size_t
api_list_off(const struct api_list *l)
{
	return l->pipe != NULL ? l->ev_off : yajl_get_bytes_consumed(l->h);
}

/* Refuse the answer for what happened at the current event. */
static int
api_list_refuse(struct api_list *l, const char *what)
{
	return api_list_malformed(l, api_list_off(l), what);
}

static int
api_list_nomem(struct api_list *l)
{
	if (l->err.status == PATROL_OK)
		api_nomem(&l->err);
	return 0;
}

/* Where the event whose text is s[0..n) ends in the slice, when YAJL
 * found the text where it lies there: right after it and the close bytes
 * of its token that follow (a string's closing quote), as api_rec reads
 * it back. Otherwise (no text, or text YAJL gathered or unescaped
 * elsewhere) YAJL's own count, a call into the library: most events are
 * keys, strings and numbers, and most are placed without one. */
static size_t
api_list_event_off(const struct api_list *l, const void *s, size_t n, size_t close)
{
	uintptr_t at = (uintptr_t)s, from = (uintptr_t)l->lex.slice;

	if (s != NULL && at >= from && at - from < l->lex.slice_len)
		return (size_t)(at - from) + n + close;
	return yajl_get_bytes_consumed(l->h);
}

/* An event ended here (its text s[0..n), close: api_list_event_off): for
 * positions and for the quiet count (on two threads, the lexing side
 * counts). */
static void
api_list_event(struct api_list *l, const unsigned char *s, size_t n, size_t close)
{
	if (l->pipe != NULL)
		return;
	l->event = true;
	l->event_off = api_list_event_off(l, s, n, close);
}

/* ---- strings and numbers ----------------------------------------------- */

/* Strict UTF-8, as jansson checks it: no overlong form, no surrogate,
 * nothing past U+10FFFF. */
static bool
api_list_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0, k, len;
	unsigned char lo, hi;
	uint64_t w;

	while (i < n) {
		if (i + 8 <= n && (memcpy(&w, s + i, sizeof w), (w & 0x8080808080808080ull) == 0)) {
			i += 8;
			continue;
		}
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		lo = 0x80;
		hi = 0xbf;
		if (s[i] >= 0xc2 && s[i] <= 0xdf)
			len = 2;
		else if (s[i] >= 0xe0 && s[i] <= 0xef) {
			len = 3;
			lo = s[i] == 0xe0 ? 0xa0 : 0x80;
			hi = s[i] == 0xed ? 0x9f : 0xbf;
		} else if (s[i] >= 0xf0 && s[i] <= 0xf4) {
			len = 4;
			lo = s[i] == 0xf0 ? 0x90 : 0x80;
			hi = s[i] == 0xf4 ? 0x8f : 0xbf;
		} else
			return false;
		if (n - i < len || s[i + 1] < lo || s[i + 1] > hi)
			return false;
		for (k = 2; k < len; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
		i += len;
	}
	return true;
}

/* True when p[0..n) is plain ASCII with no NUL (most strings: one pass). */
static bool
api_list_plain(const unsigned char *p, size_t n)
{
	uint64_t w, bad = 0;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, sizeof w);
		bad |= w | ((w - API_BYTES(1)) & ~w);      /* a high bit, or a zero byte */
	}
	for (; i < n; i++)                            /* the tail: no call to copy it */
		bad |= p[i] | (p[i] == 0) << 7;
	return (bad & API_BYTES(0x80)) == 0;
}

/* A string or key as jansson takes one: valid UTF-8, no NUL, and (patrol's
 * limit) not too long. 1, or 0 with the answer refused. */
static int
api_list_string_ok(struct api_list *l, const unsigned char *s, size_t n)
{
	char what[64];

	if (n > API_LIST_STRING_MAX) {
		snprintf(what, sizeof what, "a string longer than %d bytes", API_LIST_STRING_MAX);
		return api_list_refuse(l, what);
	}
	if (api_list_plain(s, n))
		return 1;
	if (memchr(s, '\0', n) != NULL)
		return api_list_refuse(l, "a NUL character in a string");
	if (!api_list_utf8(s, n))
		return api_list_refuse(l, "invalid UTF-8 in a string");
	return 1;
}

/* A JSON integer's digits into an int64 (YAJL checked the syntax): 1, or
 * 0 past its range, or -1 when it is a real number (a '.', 'e' or 'E'). */
static int
api_list_int(const char *s, size_t n, int64_t *out)
{
	bool neg = n > 0 && s[0] == '-';
	uint64_t v = 0, max = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX, d;
	bool over = false;
	size_t i;

	for (i = neg; i < n && i - neg < 18; i++) {     /* 18 digits always fit */
		if ((d = (uint64_t)(unsigned char)s[i] - '0') > 9)
			return -1;
		v = v * 10 + d;
	}
	for (; i < n; i++) {
		if ((d = (uint64_t)(unsigned char)s[i] - '0') > 9)
			return -1;
		over |= v > (max - d) / 10;
		v = v * 10 + d;
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return over ? 0 : 1;
}

/* A real number (YAJL checked its syntax); false when it overflows a double. */
static bool
api_list_real(struct api_list *l, const char *s, size_t n, double *out)
{
	char small[64], *text = small;
	bool ok;

	if (n >= sizeof small && (text = malloc(n + 1)) == NULL)
		return api_list_nomem(l), false;
	memcpy(text, s, n);
	text[n] = '\0';
	errno = 0;
	*out = strtod(text, NULL);
	ok = !(errno == ERANGE && isinf(*out));
	if (text != small)
		free(text);
	return ok;
}

/* ---- the table being filled -------------------------------------------- */

static struct token_info *
api_list_row(struct api_list *l)
{
	return &l->tab.rows[l->tab.n - 1];
}

/* Field fi of the row is wrong: keep it when it comes first in api_fields. */
static void
api_list_row_wrong(struct api_list *l, int fi, const char *want, json_type got)
{
	if (l->bad_field >= 0 && l->bad_field <= fi)
		return;
	l->bad_field = fi;
	api_wrong_json_type(api_fields[fi].name, want, got, &l->why);
}

static void
api_list_row_bad_id(struct api_list *l, int fi)
{
	if (l->bad_field >= 0 && l->bad_field <= fi)
		return;
	l->bad_field = fi;
	api_bad_id(&api_fields[fi], &l->why);
}

/* Element i is not a token: count it, keep why the first one was. */
static void
api_list_skipped(struct api_list *l, size_t i, const struct patrol_err *why)
{
	char msg[sizeof why->message + 48];

	if (l->tab.malformed++ != 0)
		return;
	snprintf(msg, sizeof msg, "token_infos[%zu]: %s", i, why->message);
	api_copystr(l->tab.malformed_why, sizeof l->tab.malformed_why, msg);
}

/* The top half of an id's hash, which its slot of ids keeps. */
static uint64_t
api_list_id_top(uint64_t h)
{
	return h & 0xffffffff00000000ull;
}

/* A slot of ids: the hash's top half, then the row's index + 1. */
static uint64_t
api_list_id_slot(uint64_t h, size_t row)
{
	return api_list_id_top(h) | (uint64_t)(row + 1);
}

/* Where a hash's probe starts (the top half: a slot keeps it). */
static size_t
api_list_id_at(uint64_t h, size_t mask)
{
	return (size_t)(h >> 32) & mask;
}

static int
api_list_ids_grow(struct api_list *l)
{
	size_t n = l->ids_mask ? (l->ids_mask + 1) * 2 : 1024, i, s;
	uint64_t *ids;

	if (n > UINT32_MAX || (ids = calloc(n, sizeof *ids)) == NULL)
		return -1;
	for (i = 0; l->ids_mask && i <= l->ids_mask; i++) {
		if (l->ids[i] == 0)
			continue;
		for (s = api_list_id_at(l->ids[i], n - 1); ids[s] != 0; s = (s + 1) & (n - 1))
			;
		ids[s] = l->ids[i];
	}
	free(l->ids);
	l->ids = ids;
	l->ids_mask = n - 1;
	return 0;
}

/* Keep the last row unless its id came before (then drop it and count it).
 * 0, or -1 on out of memory. */
static int
api_list_keep(struct api_list *l)
{
	const struct token_info *row = api_list_row(l);
	uint64_t h = l->id_hash;
	size_t s;

	if ((l->ids_used + 1) * 2 > l->ids_mask + 1 && api_list_ids_grow(l) != 0)
		return -1;
	for (s = api_list_id_at(h, l->ids_mask); l->ids[s] != 0; s = (s + 1) & l->ids_mask) {
		if (api_list_id_top(l->ids[s]) == api_list_id_top(h) &&
		    token_id_cmp(&l->tab.rows[(uint32_t)l->ids[s] - 1], row) == 0) {
			token_table_pop(&l->tab);
			l->tab.repeated++;
			return 0;
		}
	}
	if (l->tab.n > UINT32_MAX - 1)
		return -1;
	l->ids[s] = api_list_id_slot(h, l->tab.n - 1);
	l->ids_used++;
	return 0;
}

/* ---- duplicate keys ------------------------------------------------------- */

static uint64_t
api_list_hash(const unsigned char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ s[i]) * 0x100000001b3ull;
	return h | 1;                            /* never 0: an empty slot */
}

static void
api_keys_reset(struct api_keys *k)
{
	if (k->used > 0)
		memset(k->slots, 0, (k->mask + 1) * sizeof *k->slots);
	k->used = 0;
	buf_reset(&k->bytes);
}

static void
api_keys_free(struct api_keys *k)
{
	free(k->slots);
	buf_free(&k->bytes);
	memset(k, 0, sizeof *k);
}

static int
api_keys_grow(struct api_keys *k)
{
	size_t n = k->mask ? (k->mask + 1) * 2 : 16, i, s;
	struct api_key *slots;

	if (n > SIZE_MAX / sizeof *slots || (slots = calloc(n, sizeof *slots)) == NULL)
		return -1;
	for (i = 0; k->mask && i <= k->mask; i++) {
		if (k->slots[i].hash == 0)
			continue;
		for (s = (size_t)k->slots[i].hash & (n - 1); slots[s].hash != 0; s = (s + 1) & (n - 1))
			;
		slots[s] = k->slots[i];
	}
	free(k->slots);
	k->slots = slots;
	k->mask = n - 1;
	return 0;
}

/* Note key s[0..n) in k: 1 when new, 0 when k had it, -1 on out of memory. */
static int
api_keys_add(struct api_keys *k, const unsigned char *s, size_t n)
{
	uint64_t h = api_list_hash(s, n);
	size_t i;

	if ((k->used + 1) * 2 > (k->mask ? k->mask + 1 : 0) && api_keys_grow(k) != 0)
		return -1;
	for (i = (size_t)h & k->mask; k->slots[i].hash != 0; i = (i + 1) & k->mask)
		if (k->slots[i].hash == h && k->slots[i].len == n &&
		    memcmp(k->bytes.data + k->slots[i].off, s, n) == 0)
			return 0;
	k->slots[i].hash = h;
	k->slots[i].off = k->bytes.len;
	k->slots[i].len = n;
	k->used++;
	return buf_add(&k->bytes, s, n) == 0 ? 1 : -1;
}

static int
api_list_twice(struct api_list *l)
{
	long line, col;

	if (l->err.status != PATROL_OK)
		return 0;
	api_list_where(l, api_list_off(l), &line, &col);
	status_set(&l->err, PATROL_PROTOCOL, "the answer names a key twice in one object "
		   "(line %ld, column %ld): refusing an ambiguous answer", line, col);
	return 0;
}

/* A key of the innermost object, not one of a token's fields. */
static int
api_list_key_once(struct api_list *l, const unsigned char *s, size_t n)
{
	int rc = api_keys_add(&l->frames[l->depth - 1].keys, s, n);

	return rc < 0 ? api_list_nomem(l) : rc == 0 ? api_list_twice(l) : 1;
}

/* ---- frames --------------------------------------------------------------- */

static int
api_list_push(struct api_list *l, enum api_frame_kind kind)
{
	struct api_frame *f;
	char what[64];

	if (l->depth == API_LIST_DEPTH) {
		snprintf(what, sizeof what, "nested deeper than %d levels", API_LIST_DEPTH);
		return api_list_refuse(l, what);
	}
	f = &l->frames[l->depth++];
	f->kind = kind;
	f->seen = 0;
	api_keys_reset(&f->keys);
	return 1;
}

static bool
api_list_container(json_type t)
{
	return t == JSON_OBJECT || t == JSON_ARRAY;
}

/* A value that means nothing here: a container is skipped whole. */
static int
api_list_ignore(struct api_list *l, json_type t)
{
	return api_list_container(t) ? api_list_push(l, FR_SKIP) : 1;
}

/* The answer as a whole: an object, or nothing of it is taken. */
static int
api_list_top(struct api_list *l, json_type t)
{
	if (t == JSON_OBJECT)
		return api_list_push(l, FR_DOC);
	if (l->shape.status == PATROL_OK)
		status_set(&l->shape, PATROL_PROTOCOL, "expected a JSON object, got %s",
			   api_json_type_name(t));
	return api_list_ignore(l, t);
}

static int
api_doc_value(struct api_list *l, json_type t, const unsigned char *s, size_t n)
{
	if (!l->key_is_list || t == JSON_NULL)
		return api_list_ignore(l, t);
	if (t == JSON_ARRAY)
		return api_list_push(l, FR_LIST);
	if (l->shape.status == PATROL_OK)
		api_wrong_json_type(API_LIST_KEY, "an array", t, &l->shape);
	return api_list_ignore(l, t);
}

static int
api_doc_key(struct api_list *l, const unsigned char *s, size_t n)
{
	l->key_is_list = n == sizeof API_LIST_KEY - 1 && memcmp(s, API_LIST_KEY, n) == 0;
	return api_list_key_once(l, s, n);
}

/* An element of token_infos: a token object, or one skipped. */
static int
api_list_value_elem(struct api_list *l, json_type t, const unsigned char *s, size_t n)
{
	struct token_info *row;
	struct patrol_err why;

	l->row_elem = l->elem++;
	if (t != JSON_OBJECT) {
		status_clear(&why);
		status_set(&why, PATROL_PROTOCOL, "expected an object, got %s", api_json_type_name(t));
		api_list_skipped(l, l->row_elem, &why);
		return api_list_ignore(l, t);
	}
	if ((row = token_table_push(&l->tab)) == NULL)
		return api_list_nomem(l);
	row->management = l->management;
	l->bad_field = -1;
	l->field = -1;
	return api_list_push(l, FR_TOKEN);
}

/* An int64 field: an integer, a whole number, or a decimal string. */
static void
api_token_i64(struct api_list *l, int fi, json_type t, const unsigned char *s, size_t n)
{
	int64_t *out = api_member(api_list_row(l), api_fields[fi].off);
	char text[32];

	if (t == JSON_INTEGER) {
		*out = l->num;
		return;
	}
	if (t == JSON_STRING && n < sizeof text) {
		memcpy(text, s, n);
		text[n] = '\0';
		if (api_parse_i64(text, out))
			return;
	}
	if (t == JSON_REAL && l->real >= -9.2e18 && l->real <= 9.2e18 &&
	    l->real == (double)(int64_t)l->real) {
		*out = (int64_t)l->real;
		return;
	}
	api_list_row_wrong(l, fi, "an integer", t);
}

static int
api_token_id(struct api_list *l, int fi, json_type t, const unsigned char *s, size_t n)
{
	int rc;

	if (t != JSON_STRING) {
		api_list_row_wrong(l, fi, "a string", t);
		return 1;
	}
	if ((rc = token_set_id(&l->tab, api_list_row(l), (const char *)s, n)) == -1)
		return api_list_nomem(l);
	if (rc != 0) {
		api_list_row_bad_id(l, fi);
		return 1;
	}
	/* the row is kept at its end: its slot of ids is fetched meanwhile */
	l->id_hash = token_id_hash(api_list_row(l));
	if (l->ids != NULL)
		__builtin_prefetch(&l->ids[api_list_id_at(l->id_hash, l->ids_mask)]);
	return 1;
}

/* A value of a token's field (the key said which). */
static int
api_token_value(struct api_list *l, json_type t, const unsigned char *s, size_t n)
{
	int fi = l->field;
	const struct api_field *f;

	if (fi < 0 || t == JSON_NULL)        /* unknown, or absent */
		return api_list_ignore(l, t);
	f = &api_fields[fi];
	switch (f->type) {
	case API_F_ID:
		return api_token_id(l, fi, t, s, n) == 0 ? 0 : api_list_ignore(l, t);
	case API_F_STR:
		if (t != JSON_STRING)
			break;
		if (token_set_text(&l->tab, api_list_row(l), (enum token_text)f->which,
				   (const char *)s, n) != 0)
			return api_list_nomem(l);
		return 1;
	case API_F_I64:
	case API_F_EXPIRY:
		api_token_i64(l, fi, t, s, n);
		return api_list_ignore(l, t);
	case API_F_STRV:
		if (t != JSON_ARRAY)
			break;
		l->strv_n = 0;
		buf_reset(&l->strv);
		return api_list_push(l, FR_STRV);
	}
	api_list_row_wrong(l, fi, f->type == API_F_STRV ? "an array" : "a string", t);
	return api_list_ignore(l, t);
}

/* The api_fields index of a key (-1: none), through fieldmap. */
static int
api_token_field(const struct api_list *l, const unsigned char *s, size_t n)
{
	size_t h = n > 0 ? (n * 7 + s[0] * 3 + s[n - 1]) & 63 : 0, i;
	int fi;

	for (i = 0; i < 64 && (fi = l->fieldmap[(h + i) & 63]) >= 0; i++)
		if (l->fieldlen[fi] == n && memcmp(api_fields[fi].name, s, n) == 0)
			return fi;
	return -1;
}

/* Key s[0..n) of a token, field fi of api_fields (-1: none). */
static int
api_token_key_at(struct api_list *l, int fi, const unsigned char *s, size_t n)
{
	struct api_frame *f = &l->frames[l->depth - 1];

	l->field = -1;
	if (fi < 0)
		return api_list_key_once(l, s, n);
	if (f->seen & (1u << fi))
		return api_list_twice(l);
	f->seen |= 1u << fi;
	if (!api_fields[fi].management || l->management)
		l->field = fi;
	return 1;
}

static int
api_token_key(struct api_list *l, const unsigned char *s, size_t n)
{
	return api_token_key_at(l, api_token_field(l, s, n), s, n);
}

/* The token object ended: keep the row, or count it as skipped. */
static int
api_token_end(struct api_list *l)
{
	if (l->bad_field < 0 && !token_has_id(api_list_row(l))) {
		status_set(&l->why, PATROL_PROTOCOL, "no token_id");
		l->bad_field = (int)api_nfields;
	}
	if (l->bad_field >= 0) {
		token_table_pop(&l->tab);
		api_list_skipped(l, l->row_elem, &l->why);
		return 1;
	}
	return api_list_keep(l) == 0 ? 1 : api_list_nomem(l);
}

/* A string of a scope list is kept; anything else in it is skipped. */
static int
api_strv_value(struct api_list *l, json_type t, const unsigned char *s, size_t n)
{
	size_t *lens;

	if (t != JSON_STRING)
		return api_list_ignore(l, t);
	if (l->strv_n == l->strv_cap) {
		if ((lens = realloc(l->strv_len, (l->strv_cap * 2 + 8) * sizeof *lens)) == NULL)
			return api_list_nomem(l);
		l->strv_len = lens;
		l->strv_cap = l->strv_cap * 2 + 8;
	}
	if (buf_add(&l->strv, s, n) != 0 || buf_add(&l->strv, "", 1) != 0)
		return api_list_nomem(l);
	l->strv_len[l->strv_n++] = n;
	return 1;
}

/* The scope list ended: into the row (a row already failing needs none). */
static int
api_strv_end(struct api_list *l)
{
	const char *small[16] = { NULL }, **v = small;
	const char *p = l->strv.data;
	size_t i;
	int rc;

	if (l->bad_field >= 0)
		return 1;
	if (l->strv_n > sizeof small / sizeof small[0] &&
	    (v = malloc(l->strv_n * sizeof *v)) == NULL)
		return api_list_nomem(l);
	for (i = 0; i < l->strv_n; p += l->strv_len[i++] + 1)
		v[i] = p;
	rc = token_set_list(&l->tab, api_list_row(l),
			    (enum token_list)api_fields[l->field].which, v, l->strv_len, l->strv_n);
	if (v != small)
		free(v);
	return rc == 0 ? 1 : api_list_nomem(l);
}

static int
api_no_key(struct api_list *l, const unsigned char *s, size_t n)
{
	return 1;
}

static int
api_no_end(struct api_list *l)
{
	return 1;
}

/* What a value, a key and the end mean in each kind of frame. */
static const struct {
	int (*value)(struct api_list *, json_type, const unsigned char *, size_t);
	int (*key)(struct api_list *, const unsigned char *, size_t);
	int (*end)(struct api_list *);
} api_frames[FR_COUNT] = {
	[FR_DOC] =   { api_doc_value,        api_doc_key,       api_no_end },
	[FR_LIST] =  { api_list_value_elem,  api_no_key,        api_no_end },
	[FR_TOKEN] = { api_token_value,      api_token_key,     api_token_end },
	[FR_STRV] =  { api_strv_value,       api_no_key,        api_strv_end },
	[FR_SKIP] =  { NULL,                 api_list_key_once, api_no_end },
};

/* ---- YAJL's callbacks ----------------------------------------------------- */

static int
api_list_value(struct api_list *l, json_type t, const unsigned char *s, size_t n)
{
	enum api_frame_kind k;

	api_list_event(l, s, n, t == JSON_STRING);
	if (l->depth == 0)
		return api_list_top(l, t);
	k = l->frames[l->depth - 1].kind;
	return api_frames[k].value != NULL ? api_frames[k].value(l, t, s, n) :
	    api_list_ignore(l, t);
}

/* What each event means (YAJL's callbacks call these, or on two threads
 * the builder as it replays them). */
static int
api_on_null(struct api_list *l)
{
	return api_list_value(l, JSON_NULL, NULL, 0);
}

static int
api_on_boolean(struct api_list *l, int b)
{
	return api_list_value(l, b ? JSON_TRUE : JSON_FALSE, NULL, 0);
}

/* YAJL checked the syntax; the range is checked here, as jansson does. */
static int
api_on_number(struct api_list *l, const char *s, size_t n)
{
	int k;

	if ((k = api_list_int(s, n, &l->num)) > 0)
		return api_list_value(l, JSON_INTEGER, (const unsigned char *)s, n);
	if (k == 0)
		return api_list_refuse(l, "an integer too big for 64 bits");
	if (!api_list_real(l, s, n, &l->real))
		return l->err.status != PATROL_OK ? 0 :
		    api_list_refuse(l, "a real number too big for a double");
	return api_list_value(l, JSON_REAL, (const unsigned char *)s, n);
}

static int
api_on_string(struct api_list *l, const unsigned char *s, size_t n)
{
	return api_list_string_ok(l, s, n) ? api_list_value(l, JSON_STRING, s, n) : 0;
}

static int
api_on_start_map(struct api_list *l)
{
	return api_list_value(l, JSON_OBJECT, NULL, 0);
}

static int
api_on_start_array(struct api_list *l)
{
	return api_list_value(l, JSON_ARRAY, NULL, 0);
}

static int
api_on_key(struct api_list *l, const unsigned char *s, size_t n)
{
	int fi;

	api_list_event(l, s, n, 1);
	/* a token's field (most keys) is a name of api_fields: a sound string */
	if (l->frames[l->depth - 1].kind == FR_TOKEN && (fi = api_token_field(l, s, n)) >= 0)
		return api_token_key_at(l, fi, s, n);
	if (!api_list_string_ok(l, s, n))
		return 0;
	return api_frames[l->frames[l->depth - 1].kind].key(l, s, n);
}

static int
api_on_end(struct api_list *l)
{
	api_list_event(l, NULL, 0, 0);
	return api_frames[l->frames[--l->depth].kind].end(l);
}

/* ---- on two threads ------------------------------------------------------
 * YAJL and the rows cost about the same. A long list (past pipe_from bytes,
 * API_LIST_PIPE_FROM unless a test says, with a second CPU) is parsed on
 * two threads: the one feeding the bytes
 * (the worker, as libcurl hands them over) runs YAJL and records the events
 * of each slice in a batch, with a copy of the slice for messages; a
 * builder thread replays the batches, in order, through the api_on_
 * functions above, so the table, every check and every message are the
 * same as on one thread. The batches cross in API_PIPE_SLOTS slots, each owned by one
 * side at a time (API_PIPE_FREE: the lexer's to fill; API_PIPE_FULL: the
 * builder's), under one lock. What YAJL itself refuses (malformed JSON, a
 * value too long, an empty answer) is an event too, so the first failure
 * in the order of the text wins, as on one thread. The lexing side learns
 * of the builder's failure from a flag, a few slices later at most;
 * whoever reads the outcome ends the pipe first (api_pipe_end). Lines and
 * columns are counted by the builder then, over its copies of the slices. */

enum api_ev {
	EV_NULL, EV_FALSE, EV_TRUE, EV_NUMBER, EV_STRING, EV_MAP, EV_KEY, EV_END, EV_ARRAY,
	EV_MALFORMED,                /* YAJL refused the text here (s: what) */
	EV_EMPTY,                    /* the answer was only white space */
	EV_COUNT
};

/* An event in 8 bytes (the lexer writes millions). Its text, len bytes,
 * is where YAJL found it in the slice: the len bytes before off (a
 * number), or before the closing quote (a string or key). Text YAJL
 * gathered elsewhere (unescaped, or across slices) is copied to the
 * batch's strs, one after another, and the event says so. */
struct api_event {
	uint32_t word;               /* enum api_ev | API_EV_COPIED | off << API_EV_OFF */
	uint32_t len;                /* a string is at most API_LIST_QUIET_MAX + a slice */
};

#define API_EV_TYPE 0x0fu
#define API_EV_COPIED 0x10u
#define API_EV_OFF 5                  /* off: bytes into the slice after the event */

struct api_batch {
	unsigned char *slice;        /* a copy of the slice (API_LIST_SLICE bytes) */
	struct api_where where;
	struct api_event *ev;
	size_t nev, cap;
	struct buf strs;             /* the events' strings, keys and numbers */
	bool nomem;                  /* recording ran out of memory after ev */
	char pad[API_LINE];          /* the lexer fills one while the builder
				      * reads the one before */
};

enum api_slot { API_PIPE_FREE, API_PIPE_FULL };
#define API_PIPE_SLOTS 16             /* batches in flight */

struct api_pipe {
	pthread_t builder;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct api_batch slot[API_PIPE_SLOTS];
	enum api_slot state[API_PIPE_SLOTS];
	int fill;                    /* the lexer's slot */
	bool done;                   /* the lexer sends no more */
	bool stop;                   /* give up (the parser is freed) */
	bool lex_stop;               /* the lexer: YAJL refused, nothing more to lex */
	atomic_bool failed;          /* the builder: l->err is set */
	atomic_size_t rows;          /* the builder: rows so far */
};

/* Where an event's text is in its slice, as the builder finds it: before
 * off, and before the closing quote but for a number. */
static size_t
api_ev_text_at(enum api_ev type, size_t off, size_t n)
{
	return off - n - (type != EV_NUMBER);
}

static bool
api_rec_grow(struct api_batch *b)
{
	size_t cap = b->cap ? b->cap * 2 : 8192;
	struct api_event *ev;

	if (cap > SIZE_MAX / sizeof *ev || (ev = realloc(b->ev, cap * sizeof *ev)) == NULL)
		return b->nomem = true, false;
	b->ev = ev;
	b->cap = cap;
	return true;
}

/* Record an event in the lexer's batch. 1, or 0 (YAJL stops) on out of memory. */
static int
api_rec(struct api_list *l, enum api_ev type, const void *s, size_t n)
{
	struct api_batch *b = l->rec;
	size_t off = api_list_event_off(l, s, n, type != EV_NUMBER);
	uint32_t word = (uint32_t)type | (uint32_t)off << API_EV_OFF;   /* a slice is 64 KiB */

	l->event = true;
	l->event_off = off;
	if (b->nev == b->cap && !api_rec_grow(b))
		return 0;
	if (n > 0 && (off < n + 1 || (const unsigned char *)s !=
				       l->lex.slice + api_ev_text_at(type, off, n))) {
		/* buf_add, without its checks when there is room */
		if (b->strs.cap - b->strs.len <= n && buf_reserve(&b->strs, n) != 0)
			return b->nomem = true, 0;
		memcpy(b->strs.data + b->strs.len, s, n);
		b->strs.len += n;
		b->strs.data[b->strs.len] = '\0';
		word |= API_EV_COPIED;
	}
	b->ev[b->nev].word = word;
	b->ev[b->nev].len = (uint32_t)n;
	b->nev++;
	return 1;
}

/* YAJL's callbacks: straight on, or recorded for the builder. */
static int
api_cb_null(void *ctx)
{
	struct api_list *l = ctx;

	return l->pipe != NULL ? api_rec(l, EV_NULL, NULL, 0) : api_on_null(l);
}

static int
api_cb_boolean(void *ctx, int b)
{
	struct api_list *l = ctx;

	return l->pipe != NULL ? api_rec(l, b ? EV_TRUE : EV_FALSE, NULL, 0) : api_on_boolean(l, b);
}

static int
api_cb_number(void *ctx, const char *s, size_t n)
{
	struct api_list *l = ctx;

	return l->pipe != NULL ? api_rec(l, EV_NUMBER, s, n) : api_on_number(l, s, n);
}

static int
api_cb_string(void *ctx, const unsigned char *s, size_t n)
{
	struct api_list *l = ctx;

	return l->pipe != NULL ? api_rec(l, EV_STRING, s, n) : api_on_string(l, s, n);
}

static int
api_cb_start_map(void *ctx)
{
	struct api_list *l = ctx;

	return l->pipe != NULL ? api_rec(l, EV_MAP, NULL, 0) : api_on_start_map(l);
}

static int
api_cb_start_array(void *ctx)
{
	struct api_list *l = ctx;

	return l->pipe != NULL ? api_rec(l, EV_ARRAY, NULL, 0) : api_on_start_array(l);
}

static int
api_cb_key(void *ctx, const unsigned char *s, size_t n)
{
	struct api_list *l = ctx;

	return l->pipe != NULL ? api_rec(l, EV_KEY, s, n) : api_on_key(l, s, n);
}

static int
api_cb_end(void *ctx)
{
	struct api_list *l = ctx;

	return l->pipe != NULL ? api_rec(l, EV_END, NULL, 0) : api_on_end(l);
}

/* Each event replayed (s: its text, n bytes, at off into the slice). */
static void
api_replay(struct api_list *l, enum api_ev type, size_t off, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;

	switch (type) {
	case EV_NULL:      api_on_null(l); break;
	case EV_FALSE:     api_on_boolean(l, 0); break;
	case EV_TRUE:      api_on_boolean(l, 1); break;
	case EV_NUMBER:    api_on_number(l, s, n); break;
	case EV_STRING:    api_on_string(l, u, n); break;
	case EV_MAP:       api_on_start_map(l); break;
	case EV_KEY:       api_on_key(l, u, n); break;
	case EV_END:       api_on_end(l); break;
	case EV_ARRAY:     api_on_start_array(l); break;
	case EV_MALFORMED: api_list_malformed(l, off, s); break;
	case EV_EMPTY:
		status_set(&l->err, PATROL_PROTOCOL, "empty answer where JSON was expected");
		break;
	case EV_COUNT:     break;
	}
}

/* The events of a batch, in order, until one fails. */
static void
api_replay_batch(struct api_list *l, const struct api_batch *b)
{
	const char *strs = b->strs.data, *text;
	enum api_ev type;
	size_t i, at = 0, off, n;
	uint32_t w;

	for (i = 0; i < b->nev && l->err.status == PATROL_OK; i++) {
		w = b->ev[i].word;
		n = b->ev[i].len;
		type = (enum api_ev)(w & API_EV_TYPE);
		off = w >> API_EV_OFF;
		if (w & API_EV_COPIED) {
			text = strs + at;
			at += n;
		} else {
			text = n > 0 ? (const char *)b->slice + api_ev_text_at(type, off, n) : "";
		}
		l->ev_off = off;
		api_replay(l, type, off, text, n);
	}
}

/* The builder: batches in order, until the lexer is done. */
static void *
api_pipe_main(void *arg)
{
	struct api_list *l = arg;
	struct api_pipe *p = l->pipe;
	struct api_batch *b;
	int k = 0;

	for (;;) {
		pthread_mutex_lock(&p->lock);
		while (p->state[k] != API_PIPE_FULL && !p->done && !p->stop)
			pthread_cond_wait(&p->cond, &p->lock);
		if (p->state[k] != API_PIPE_FULL || p->stop) {
			pthread_mutex_unlock(&p->lock);
			return NULL;
		}
		pthread_mutex_unlock(&p->lock);
		b = &p->slot[k];
		b->where.line = l->line;
		b->where.col = l->col;
		l->at = &b->where;
		api_replay_batch(l, b);
		if (b->nomem)
			api_list_nomem(l);
		api_list_walk(b->slice, b->where.slice_len, &l->line, &l->col);
		atomic_store_explicit(&p->rows, l->tab.n, memory_order_relaxed);
		if (l->err.status != PATROL_OK)
			atomic_store_explicit(&p->failed, true, memory_order_relaxed);
		pthread_mutex_lock(&p->lock);
		p->state[k] = API_PIPE_FREE;
		pthread_cond_broadcast(&p->cond);
		pthread_mutex_unlock(&p->lock);
		k = (k + 1) % API_PIPE_SLOTS;
	}
}

static void
api_pipe_free(struct api_pipe *p)
{
	int k;

	for (k = 0; k < API_PIPE_SLOTS; k++) {
		free(p->slot[k].slice);
		free(p->slot[k].ev);
		buf_free(&p->slot[k].strs);
	}
	pthread_cond_destroy(&p->cond);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

/* Go on two threads from here. false: not possible (one thread goes on). */
static bool
api_pipe_start(struct api_list *l)
{
	struct api_pipe *p = calloc(1, sizeof *p);
	int k;

	if (p == NULL)
		return false;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	atomic_init(&p->failed, false);
	atomic_init(&p->rows, l->tab.n);
	for (k = 0; k < API_PIPE_SLOTS; k++)
		buf_init(&p->slot[k].strs, 0);
	for (k = 0; k < API_PIPE_SLOTS; k++) {
		if ((p->slot[k].slice = malloc(API_LIST_SLICE)) == NULL) {
			api_pipe_free(p);
			return false;
		}
	}
	l->line = l->lex.line;               /* the builder counts from here */
	l->col = l->lex.col;
	l->pipe = p;
	l->rec = &p->slot[p->fill];
	if (pthread_create(&p->builder, NULL, api_pipe_main, l) != 0) {
		l->pipe = NULL;
		api_pipe_free(p);
		return false;
	}
	return true;
}

/* Hand the lexer's batch to the builder and take the other slot (once the
 * builder is done with it), emptied, with where for its slice. */
static void
api_pipe_ship(struct api_list *l)
{
	struct api_pipe *p = l->pipe;
	struct api_batch *b;

	pthread_mutex_lock(&p->lock);
	p->state[p->fill] = API_PIPE_FULL;
	pthread_cond_broadcast(&p->cond);
	p->fill = (p->fill + 1) % API_PIPE_SLOTS;
	while (p->state[p->fill] != API_PIPE_FREE)
		pthread_cond_wait(&p->cond, &p->lock);
	pthread_mutex_unlock(&p->lock);
	b = &p->slot[p->fill];
	l->rec = b;
	b->nev = 0;
	b->nomem = false;
	buf_reset(&b->strs);
}

/* The lexer's batch for a slice of n bytes at p ("" for none): a copy of
 * it, or the stage itself when it was gathered there (the builder counts
 * lines and columns). */
static void
api_pipe_slice(struct api_list *l, const unsigned char *p, size_t n)
{
	struct api_batch *b = &l->pipe->slot[l->pipe->fill];

	unsigned char *mine;

	if (p == l->stage) {                 /* gathered: the buffers change hands */
		mine = b->slice;
		b->slice = l->stage;
		l->stage = mine;
	} else {
		memcpy(b->slice, p, n);
	}
	b->where.slice = b->slice;
	b->where.slice_len = n;
}

/* Record that YAJL refused the text off bytes into the slice; nothing more
 * is lexed. */
static void
api_pipe_refused(struct api_list *l, size_t off, const char *what)
{
	struct api_batch *b = &l->pipe->slot[l->pipe->fill];

	l->pipe->lex_stop = true;
	if (b->nomem)
		return;
	if (api_rec(l, EV_MALFORMED, what, strlen(what) + 1) != 0)
		b->ev[b->nev - 1].word = EV_MALFORMED | API_EV_COPIED | (uint32_t)off << API_EV_OFF;
}

/* Whether the lexer should go on (the builder has not failed, YAJL has
 * not refused). */
static bool
api_pipe_going(const struct api_list *l)
{
	return !l->pipe->lex_stop && !atomic_load_explicit(&l->pipe->failed, memory_order_relaxed);
}

/* Back to one thread: the builder replays what it has and ends (stop:
 * the parser is freed mid-way, it stops at once). */
static void
api_pipe_close(struct api_list *l, bool stop)
{
	struct api_pipe *p = l->pipe;

	pthread_mutex_lock(&p->lock);
	p->done = true;
	p->stop = stop;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->builder, NULL);
	l->pipe = NULL;
	l->lex.line = l->line;               /* this thread counts again */
	l->lex.col = l->col;
	l->at = &l->lex;
	api_pipe_free(p);
}

static void
api_pipe_end(struct api_list *l)
{
	api_pipe_close(l, false);
}

static const yajl_callbacks api_list_callbacks = {
	.yajl_null = api_cb_null,
	.yajl_boolean = api_cb_boolean,
	.yajl_number = api_cb_number,
	.yajl_string = api_cb_string,
	.yajl_start_map = api_cb_start_map,
	.yajl_map_key = api_cb_key,
	.yajl_end_map = api_cb_end,
	.yajl_start_array = api_cb_start_array,
	.yajl_end_array = api_cb_end,
};

/* ---- the parser ----------------------------------------------------------- */

struct api_list *
api_list_new(bool management)
{
	struct api_list *l = calloc(1, sizeof *l);
	size_t i, h, n;

	if (l == NULL)
		return NULL;
	if ((l->h = yajl_alloc(&api_list_callbacks, NULL, l)) == NULL) {
		free(l);
		return NULL;
	}
	l->management = management;
	l->lex.line = 1;
	l->at = &l->lex;
	l->pipe_from = sysconf(_SC_NPROCESSORS_ONLN) >= 2 ? API_LIST_PIPE_FROM : SIZE_MAX;
	status_clear(&l->err);
	status_clear(&l->shape);
	memset(l->fieldmap, -1, sizeof l->fieldmap);
	for (i = 0; i < api_nfields && i < sizeof l->fieldlen; i++) {
		n = strlen(api_fields[i].name);
		l->fieldlen[i] = (unsigned char)n;
		h = (n * 7 + (unsigned char)api_fields[i].name[0] * 3 +
		     (unsigned char)api_fields[i].name[n - 1]) & 63;
		while (l->fieldmap[h] >= 0)
			h = (h + 1) & 63;
		l->fieldmap[h] = (signed char)i;
	}
	return l;
}

void
api_list_pipe_from(struct api_list *l, size_t bytes)
{
	l->pipe_from = bytes;
}

/* Copy the outcome to err (when refused). */
static enum patrol_status
api_list_status(const struct api_list *l, struct patrol_err *err)
{
	if (l->err.status != PATROL_OK)
		*err = l->err;
	return l->err.status;
}

/* White space as api.c's blank check counts it (jansson then refuses \f, \v). */
static bool
api_list_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* YAJL refused the text off bytes into the slice: the answer is refused
 * (on two threads, by the builder when it comes to it). */
static void
api_list_stop(struct api_list *l, size_t off, const char *what)
{
	if (l->pipe != NULL)
		api_pipe_refused(l, off, what);
	else
		api_list_malformed(l, off, what);
}

/* Whether to go on parsing: nothing refused the answer yet (as far as
 * this thread knows, on two). */
static bool
api_list_going(const struct api_list *l)
{
	return l->pipe != NULL ? api_pipe_going(l) : l->err.status == PATROL_OK;
}

/* Parse one slice of at most API_LIST_SLICE bytes. */
static void
api_list_slice(struct api_list *l, const unsigned char *p, size_t n)
{
	char what[64];
	size_t i;

	if (l->pipe == NULL && l->parsed >= l->pipe_from && l->err.status == PATROL_OK)
		api_pipe_start(l);
	l->parsed += n;
	for (i = 0; !l->nonblank && i < n; i++)
		l->nonblank = !api_list_space(p[i]);
	l->lex.slice = p;
	l->lex.slice_len = n;
	l->event = false;
	if (l->pipe != NULL)
		api_pipe_slice(l, p, n);
	if (yajl_parse(l->h, p, n) != yajl_status_ok) {
		api_list_stop(l, yajl_get_bytes_consumed(l->h), "");
	} else if ((l->quiet = l->event ? n - l->event_off : l->quiet + n) > API_LIST_QUIET_MAX) {
		snprintf(what, sizeof what, "a value longer than %zu bytes", API_LIST_QUIET_MAX);
		api_list_stop(l, n, what);
	} else if (l->pipe == NULL) {
		api_list_walk(p, n, &l->lex.line, &l->lex.col);
	}
	if (l->pipe != NULL)
		api_pipe_ship(l);
}

enum patrol_status
api_list_feed(struct api_list *l, const char *p, size_t n, struct patrol_err *err)
{
	size_t k;

	while (n > 0 && api_list_going(l)) {
		if (l->staged == 0 && n >= API_LIST_SLICE) {   /* a whole slice: as it is */
			api_list_slice(l, (const unsigned char *)p, API_LIST_SLICE);
			p += API_LIST_SLICE;
			n -= API_LIST_SLICE;
			continue;
		}
		if (l->stage == NULL && (l->stage = malloc(API_LIST_SLICE)) == NULL) {
			if (l->pipe != NULL)
				api_pipe_end(l);
			api_list_nomem(l);
			break;
		}
		k = API_LIST_SLICE - l->staged < n ? API_LIST_SLICE - l->staged : n;
		memcpy(l->stage + l->staged, p, k);
		l->staged += k;
		p += k;
		n -= k;
		if (l->staged == API_LIST_SLICE) {
			l->staged = 0;
			api_list_slice(l, l->stage, API_LIST_SLICE);
		}
	}
	if (l->pipe != NULL) {
		if (api_pipe_going(l))
			return PATROL_OK;
		api_pipe_end(l);                 /* refused: the builder says why */
	}
	return api_list_status(l, err);
}

/* The end of the text on two threads: as on one (below), recorded for the
 * builder; then back to one thread. */
static void
api_list_finish_pipe(struct api_list *l)
{
	if (api_pipe_going(l)) {
		l->lex.slice = (const unsigned char *)"";      /* no text is in a slice now */
		l->lex.slice_len = 0;
		api_pipe_slice(l, l->lex.slice, 0);
		if (!l->nonblank)
			api_rec(l, EV_EMPTY, NULL, 0);
		else if (yajl_complete_parse(l->h) != yajl_status_ok)
			api_pipe_refused(l, 0, "");
		api_pipe_ship(l);
	}
	api_pipe_end(l);
}

enum patrol_status
api_list_finish(struct api_list *l, struct token_table *out, struct patrol_err *err)
{
	memset(out, 0, sizeof *out);
	if (l->staged > 0 && api_list_going(l))        /* the last slice */
		api_list_slice(l, l->stage, l->staged);
	l->staged = 0;
	if (l->pipe != NULL) {
		api_list_finish_pipe(l);
	} else {
		l->lex.slice = (const unsigned char *)"";
		l->lex.slice_len = 0;
		if (l->err.status == PATROL_OK && !l->nonblank)
			status_set(&l->err, PATROL_PROTOCOL, "empty answer where JSON was expected");
		if (l->err.status == PATROL_OK && yajl_complete_parse(l->h) != yajl_status_ok)
			api_list_malformed(l, 0, "");
	}
	if (l->err.status == PATROL_OK && l->shape.status != PATROL_OK)
		l->err = l->shape;
	if (api_list_status(l, err) != PATROL_OK)
		return err->status;
	*out = l->tab;
	memset(&l->tab, 0, sizeof l->tab);
	return PATROL_OK;
}

size_t
api_list_count(const struct api_list *l)
{
	return l->pipe != NULL ? atomic_load_explicit(&l->pipe->rows, memory_order_relaxed) :
	    l->tab.n;
}

void
api_list_free(struct api_list *l)
{
	int i;

	if (l == NULL)
		return;
	if (l->pipe != NULL)
		api_pipe_close(l, true);
	yajl_free(l->h);
	token_table_free(&l->tab);
	for (i = 0; i < API_LIST_DEPTH; i++)
		api_keys_free(&l->frames[i].keys);
	buf_free(&l->strv);
	free(l->strv_len);
	free(l->stage);
	free(l->ids);
	free(l);
}

/* out is overwritten; on failure it is left empty. */
enum patrol_status
api_parse_token_list(const char *body, size_t len, bool management,
    struct token_table *out, struct patrol_err *err)
{
	struct api_list *l = api_list_new(management);
	enum patrol_status st;

	memset(out, 0, sizeof *out);
	if (l == NULL)
		return api_nomem(err);
	if ((st = api_list_feed(l, body != NULL ? body : "", body != NULL ? len : 0, err)) ==
	    PATROL_OK)
		st = api_list_finish(l, out, err);
	api_list_free(l);
	return st;
}

/* ---- the list calls ------------------------------------------------------- */

/* The table result of c, from a finished parser (or with c->err set). */
static enum patrol_status
api_list_result(struct call *c, struct api_list *l)
{
	struct token_table *t = calloc(1, sizeof *t);

	if (t == NULL)
		return api_nomem(&c->err);
	if (api_list_finish(l, t, &c->err) != PATROL_OK) {
		free(t);
		return c->err.status;
	}
	c->result = t;
	c->result_free = api_table_free_v;
	return PATROL_OK;
}

enum patrol_status
api_list_parse_call(struct call *c, const char *body, size_t len)
{
	struct api_list *l = api_list_new(c->op == API_TM_LIST);
	enum patrol_status st;

	if (l == NULL)
		return api_nomem(&c->err);
	api_list_feed(l, body, len, &c->err);
	st = api_list_result(c, l);
	api_list_free(l);
	return st;
}

static void
api_list_drop(struct call *c)
{
	api_list_free(c->stream_state);
	c->stream_state = NULL;
}

static void
api_list_progress(struct call *c)
{
	if (c->progress != NULL)
		atomic_store_explicit(&c->progress->items,
				      c->stream_state ? api_list_count(c->stream_state) : 0,
				      memory_order_relaxed);
}

static int
api_list_begin(struct call *c)
{
	api_list_drop(c);
	c->stream_state = api_list_new(c->op == API_TM_LIST);
	api_list_progress(c);
	return c->stream_state != NULL ? 0 : -1;
}

static int
api_list_feed_call(struct call *c, const char *p, size_t n)
{
	struct patrol_err why;
	enum patrol_status st = api_list_feed(c->stream_state, p, n, &why);

	api_list_progress(c);
	return st == PATROL_OK ? 0 : -1;
}

static enum patrol_status
api_list_end(struct call *c)
{
	enum patrol_status st = api_list_result(c, c->stream_state);
	const struct token_table *t = c->result;

	if (c->progress != NULL && st == PATROL_OK)
		atomic_store_explicit(&c->progress->items, t->n, memory_order_relaxed);
	return st;
}

const struct call_stream api_list_stream = {
	api_list_begin, api_list_feed_call, api_list_end, api_list_drop,
};
