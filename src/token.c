/*
 * token.c: the in-memory model of tokens: rows, sorting, audit flags and
 * quota counts (the filter language is token_filter.c).
 *
 * Everything here is a pure function over arrays. Sorting and filtering run
 * on every keystroke over up to 100,000 rows. Sorting packs each row's key
 * into numbers once (text keys first rank their distinct strings, since
 * many rows share long ones), so compares rarely touch the rows. Flags are
 * computed by a table of predicates, one per TOKEN_FLAGS row.
 */

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "duration.h"
#include "token.h"

#define TOKEN_DAY_MS ((int64_t)24 * 60 * 60 * 1000)
#define TOKEN_EXPIRING_MS (7 * TOKEN_DAY_MS)

/* ---- helpers ---------------------------------------------------------- */

/* ASCII lower case, independent of the locale. */
unsigned char
token_fold(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + ('a' - 'A')) : c;
}

static int
token_is_alnum(unsigned char c)
{
	c = token_fold(c);
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static const char *
token_str(const char *s)
{
	return s != NULL ? s : "";
}

/* Compare two strings byte-wise, ignoring ASCII case. */
static int
token_casecmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	while (*p != '\0' && token_fold(*p) == token_fold(*q)) {
		p++;
		q++;
	}
	return (int)token_fold(*p) - (int)token_fold(*q);
}

/* ---- the pool: interned strings and lists ------------------------------ */

_Static_assert(sizeof(void *) != 8 || sizeof(struct token_info) == 144,
	       "token.h says a row costs 144 bytes on a 64-bit machine");

#define TOKEN_CHUNK_MIN 256              /* a one-row table stays small */
#define TOKEN_CHUNK_MAX ((size_t)1 << 20)

/* Bytes handed out from chunks that are never moved (rows point into them). */
struct token_chunk {
	struct token_chunk *next;
	size_t size, used;
	max_align_t data[];
};

/* An open-addressing set of pointers (strings, or lists), keyed by hash. */
struct token_set {
	const void **slots;
	size_t mask;                          /* slots - 1; 0 before the first */
	size_t used;
};

/* An interned string: the text (what rows point to) after its length and
 * whether it is plain (token_text_len). */
struct token_pstr {
	size_t len;
	bool plain;
	char s[];
};

struct token_pool {
	struct token_chunk *chunks;           /* the newest first */
	size_t bytes;                         /* chunks and sets allocated */
	struct token_set strs, lists;
};

static uint64_t
token_mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0xff51afd7ed558ccdull;
	return h ^ h >> 32;
}

/* Eight bytes at a time: whole words with a copy of constant size (no
 * call), the tail zero-padded. */
static uint64_t
token_hash_bytes(const char *s, size_t len)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ len, w;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&w, s + i, sizeof w);
		h = token_mix(h, w);
	}
	if (i < len) {
		w = 0;
		memcpy(&w, s + i, len - i);
		h = token_mix(h, w);
	}
	return h;
}

static uint64_t
token_hash_strv(const char *const *v, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ n;
	size_t i;

	for (i = 0; i < n; i++)
		h = token_mix(h, (uint64_t)(uintptr_t)v[i]);
	return h;
}

/* n bytes aligned for any type, from the newest chunk or a new one. */
static void *
token_pool_alloc(struct token_pool *p, size_t n)
{
	struct token_chunk *c = p->chunks;
	size_t size, align = sizeof(max_align_t);
	void *r;

	n = (n + align - 1) / align * align;
	if (c == NULL || c->size - c->used < n) {
		size = c == NULL ? TOKEN_CHUNK_MIN : c->size * 2;
		if (size > TOKEN_CHUNK_MAX)
			size = TOKEN_CHUNK_MAX;
		if (size < n)
			size = n;
		if (size > SIZE_MAX - sizeof *c || (c = malloc(sizeof *c + size)) == NULL)
			return NULL;
		c->size = size;
		c->used = 0;
		c->next = p->chunks;
		p->chunks = c;
		p->bytes += sizeof *c + size;
	}
	r = (char *)c->data + c->used;
	c->used += n;
	return r;
}

/* Double the slots of set (or make the first 64); eq is not needed: the
 * entries are distinct. */
static int
token_set_grow(struct token_pool *p, struct token_set *set,
	       uint64_t (*hash)(const void *))
{
	size_t n = set->mask ? (set->mask + 1) * 2 : 64, i, s;
	const void **slots;

	if (n > SIZE_MAX / sizeof *slots / 2 || (slots = calloc(n, sizeof *slots)) == NULL)
		return -1;
	for (i = 0; set->mask && i <= set->mask; i++) {
		if (set->slots[i] == NULL)
			continue;
		for (s = (size_t)hash(set->slots[i]) & (n - 1); slots[s] != NULL; s = (s + 1) & (n - 1))
			;
		slots[s] = set->slots[i];
	}
	p->bytes += n * sizeof *slots;
	p->bytes -= set->mask ? (set->mask + 1) * sizeof *slots : 0;
	free(set->slots);
	set->slots = slots;
	set->mask = n - 1;
	return 0;
}

/* The header of interned string s (a row's: from token_intern). */
static const struct token_pstr *
token_pstr(const char *s)
{
	return (const struct token_pstr *)(const void *)(s - offsetof(struct token_pstr, s));
}

static uint64_t
token_hash_str_entry(const void *e)
{
	return token_hash_bytes(e, token_pstr(e)->len);
}

static uint64_t
token_hash_strv_entry(const void *e)
{
	const struct token_strv *l = e;

	return token_hash_strv(l->v, l->n);
}

/* The slot for a new entry of hash h in set (grown first when half full);
 * NULL on out of memory. *hit is the equal entry when there is one. */
static const void **
token_set_find(struct token_pool *p, struct token_set *set, uint64_t h,
	       bool (*eq)(const void *, const void *), const void *key,
	       uint64_t (*hash)(const void *), const void **hit)
{
	size_t s;

	*hit = NULL;
	if ((set->used + 1) * 2 > (set->mask ? set->mask + 1 : 0) &&
	    token_set_grow(p, set, hash) != 0)
		return NULL;
	for (s = (size_t)h & set->mask; set->slots[s] != NULL; s = (s + 1) & set->mask) {
		if (eq(set->slots[s], key)) {
			*hit = set->slots[s];
			break;
		}
	}
	return &set->slots[s];
}

/* A string and its length, as a key. */
struct token_skey {
	const char *s;
	size_t len;
};

static bool
token_str_eq(const void *entry, const void *key)
{
	const struct token_skey *k = key;

	return token_pstr(entry)->len == k->len && memcmp(entry, k->s, k->len) == 0;
}

/* A list of interned strings, as a key. */
struct token_lkey {
	const char *const *v;
	size_t n;
};

static bool
token_strv_eq(const void *entry, const void *key)
{
	const struct token_strv *l = entry;
	const struct token_lkey *k = key;

	return l->n == k->n && memcmp(l->v, k->v, k->n * sizeof *k->v) == 0;
}

static struct token_pool *
token_pool_of(struct token_table *tab)
{
	if (tab->pool == NULL && (tab->pool = calloc(1, sizeof *tab->pool)) != NULL)
		tab->pool->bytes = sizeof *tab->pool;
	return tab->pool;
}

#define TOKEN_BYTES8(b) ((uint64_t)(b) * 0x0101010101010101ull)

/* Whether eight bytes are all plain (token_text_len): no byte below 0x20
 * or above 0x7e, no '"' and no '\\'. */
static bool
token_plain8(uint64_t w)
{
	uint64_t q = w ^ TOKEN_BYTES8('"'), b = w ^ TOKEN_BYTES8('\\'), d = w + TOKEN_BYTES8(1);

	return ((w | ((w - TOKEN_BYTES8(0x20)) & ~w) | ((q - TOKEN_BYTES8(1)) & ~q) |
		 ((b - TOKEN_BYTES8(1)) & ~b) | d) & TOKEN_BYTES8(0x80)) == 0;
}

/* Whether s[0..len) is plain, eight bytes at a time. */
static bool
token_plain(const char *s, size_t len)
{
	uint64_t w;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		memcpy(&w, s + i, sizeof w);
		if (!token_plain8(w))
			return false;
	}
	w = TOKEN_BYTES8('a');                 /* the tail, padded with plain bytes */
	memcpy(&w, s + i, len - i);
	return token_plain8(w);
}

/* The pool's copy of s[0..len) (to its first NUL), interned. NULL on out of memory. */
static const char *
token_intern(struct token_table *tab, const char *s, size_t len)
{
	struct token_pool *p = token_pool_of(tab);
	const char *nul = memchr(s, '\0', len);
	struct token_skey key;
	const void **slot, *hit;
	struct token_pstr *ps;

	if (p == NULL)
		return NULL;
	key.s = s;
	key.len = nul != NULL ? (size_t)(nul - s) : len;
	slot = token_set_find(p, &p->strs, token_hash_bytes(s, key.len), token_str_eq, &key,
			      token_hash_str_entry, &hit);
	if (hit != NULL || slot == NULL)
		return hit;
	if (key.len > SIZE_MAX - sizeof *ps - 1 ||
	    (ps = token_pool_alloc(p, sizeof *ps + key.len + 1)) == NULL)
		return NULL;
	ps->len = key.len;
	ps->plain = token_plain(s, key.len);
	memcpy(ps->s, s, key.len);
	ps->s[key.len] = '\0';
	*slot = ps->s;
	p->strs.used++;
	return ps->s;
}

/* The pool's list of the interned strings v[0..n), interned. */
static const struct token_strv *
token_intern_strv(struct token_table *tab, const char *const *v, size_t n)
{
	struct token_pool *p = tab->pool;
	struct token_lkey key = { v, n };
	const void **slot, *hit;
	struct token_strv *l;

	slot = token_set_find(p, &p->lists, token_hash_strv(v, n), token_strv_eq, &key,
			      token_hash_strv_entry, &hit);
	if (hit != NULL || slot == NULL)
		return hit;
	if (n > (SIZE_MAX - sizeof *l) / sizeof *v ||
	    (l = token_pool_alloc(p, sizeof *l + n * sizeof *v)) == NULL)
		return NULL;
	l->n = n;
	memcpy(l->v, v, n * sizeof *v);
	*slot = l;
	p->lists.used++;
	return l;
}

static void
token_pool_free(struct token_pool *p)
{
	struct token_chunk *c, *next;

	if (p == NULL)
		return;
	for (c = p->chunks; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(p->strs.slots);
	free(p->lists.slots);
	free(p);
}

/* ---- rows ------------------------------------------------------------- */

static const char token_hexdigits[] = "0123456789abcdef";

/* What each byte can be in an id: 1 a character an id may have, 2 also a
 * lower-case hex digit (with its value in the high bits). */
#define ID_OK 1
#define ID_HEX 2
#define ID_V(v) (ID_OK | ID_HEX | (v) << 2)
static const unsigned char token_id_chars[256] = {
	['0'] = ID_V(0), ['1'] = ID_V(1), ['2'] = ID_V(2), ['3'] = ID_V(3), ['4'] = ID_V(4),
	['5'] = ID_V(5), ['6'] = ID_V(6), ['7'] = ID_V(7), ['8'] = ID_V(8), ['9'] = ID_V(9),
	['a'] = ID_V(10), ['b'] = ID_V(11), ['c'] = ID_V(12), ['d'] = ID_V(13), ['e'] = ID_V(14),
	['f'] = ID_V(15),
	['g'] = ID_OK, ['h'] = ID_OK, ['i'] = ID_OK, ['j'] = ID_OK, ['k'] = ID_OK, ['l'] = ID_OK,
	['m'] = ID_OK, ['n'] = ID_OK, ['o'] = ID_OK, ['p'] = ID_OK, ['q'] = ID_OK, ['r'] = ID_OK,
	['s'] = ID_OK, ['t'] = ID_OK, ['u'] = ID_OK, ['v'] = ID_OK, ['w'] = ID_OK, ['x'] = ID_OK,
	['y'] = ID_OK, ['z'] = ID_OK,
	['A'] = ID_OK, ['B'] = ID_OK, ['C'] = ID_OK, ['D'] = ID_OK, ['E'] = ID_OK, ['F'] = ID_OK,
	['G'] = ID_OK, ['H'] = ID_OK, ['I'] = ID_OK, ['J'] = ID_OK, ['K'] = ID_OK, ['L'] = ID_OK,
	['M'] = ID_OK, ['N'] = ID_OK, ['O'] = ID_OK, ['P'] = ID_OK, ['Q'] = ID_OK, ['R'] = ID_OK,
	['S'] = ID_OK, ['T'] = ID_OK, ['U'] = ID_OK, ['V'] = ID_OK, ['W'] = ID_OK, ['X'] = ID_OK,
	['Y'] = ID_OK, ['Z'] = ID_OK,
	['-'] = ID_OK, ['_'] = ID_OK,
};
#undef ID_V

/* Value of a lower-case hex digit, or -1. */
static int
token_hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

bool
token_has_id(const struct token_info *t)
{
	return t->id_form_ != TOKEN_ID_FORM_NONE;
}

/* The two hex digits of each byte value, for ids made at the edges (every
 * row of a list's JSON). */
static const char token_hexpairs[] =
	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f2021222324252627"
	"28292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f"
	"505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f7071727374757677"
	"78797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
	"a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7"
	"c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeef"
	"f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

char *
token_id_hex(const struct token_info *t, char *buf)
{
	size_t i;

	buf[0] = '\0';
	if (t->id_form_ == TOKEN_ID_FORM_TEXT)
		snprintf(buf, TOKEN_ID_LEN + 1, "%s", t->id_.text);
	if (t->id_form_ != TOKEN_ID_FORM_RAW)
		return buf;
	for (i = 0; i < TOKEN_ID_RAW; i++)
		memcpy(buf + 2 * i, token_hexpairs + 2 * t->id_.raw[i], 2);
	buf[TOKEN_ID_LEN] = '\0';
	return buf;
}

/* Character i of t's id as text (0 past its end). */
static unsigned char
token_id_char(const struct token_info *t, size_t i)
{
	if (t->id_form_ == TOKEN_ID_FORM_TEXT)
		return (unsigned char)t->id_.text[i];
	if (t->id_form_ != TOKEN_ID_FORM_RAW || i >= TOKEN_ID_LEN)
		return 0;
	return (unsigned char)token_hexdigits[(t->id_.raw[i / 2] >> (i % 2 ? 0 : 4)) & 15];
}

int
token_id_cmp(const struct token_info *a, const struct token_info *b)
{
	size_t i;
	int d;

	if (a->id_form_ == TOKEN_ID_FORM_RAW && b->id_form_ == TOKEN_ID_FORM_RAW)
		return memcmp(a->id_.raw, b->id_.raw, TOKEN_ID_RAW);
	for (i = 0;; i++) {
		d = (int)token_fold(token_id_char(a, i)) - (int)token_fold(token_id_char(b, i));
		if (d != 0 || token_id_char(a, i) == 0)
			return d;
	}
}

uint64_t
token_id_key(const struct token_info *t)
{
	uint64_t k = 0;
	unsigned char c = 1;
	size_t i;

	for (i = 0; i < 8; i++) {
		if (c != 0)
			c = token_id_char(t, i);
		k = k << 8 | token_fold(c);
	}
	return k;
}

/* A text id in upper-case hex equals a raw id (case is ignored): both hash
 * by their first 8 bytes; any other id by its folded text. */
uint64_t
token_id_hash(const struct token_info *t)
{
	const char *s = t->id_form_ == TOKEN_ID_FORM_TEXT ? t->id_.text : "";
	unsigned char b[8];
	uint64_t h = 0x9e3779b97f4a7c15ull, w;
	size_t i;

	if (t->id_form_ == TOKEN_ID_FORM_RAW) {
		memcpy(&w, t->id_.raw, sizeof w);      /* a SHA-256: already spread */
		return token_mix(h, w);
	}
	if (strlen(s) == TOKEN_ID_LEN && strspn(s, "0123456789abcdefABCDEF") == TOKEN_ID_LEN) {
		for (i = 0; i < sizeof b; i++)
			b[i] = (unsigned char)(token_hexval(token_fold((unsigned char)s[2 * i])) << 4 |
					       token_hexval(token_fold((unsigned char)s[2 * i + 1])));
		memcpy(&w, b, sizeof w);
		return token_mix(h, w);
	}
	for (i = 0; token_id_char(t, i) != 0; i++)
		h = token_mix(h, token_fold(token_id_char(t, i)));
	return h;
}

int
token_id_cmp_text(const struct token_info *t, const char *id, bool prefix)
{
	const unsigned char *p = (const unsigned char *)id;
	size_t i;
	int d;

	for (i = 0;; i++) {
		if (prefix && p[i] == '\0')
			return 0;
		d = (int)token_fold(token_id_char(t, i)) - (int)token_fold(p[i]);
		if (d != 0 || p[i] == '\0')
			return d;
	}
}

const char *
token_text(const struct token_info *t, enum token_text which)
{
	return (unsigned)which < TOKEN_TEXT_COUNT ? t->text_[which] : NULL;
}

size_t
token_text_len(const struct token_info *t, enum token_text which, bool *plain)
{
	const char *s = token_text(t, which);

	*plain = s == NULL || token_pstr(s)->plain;
	return s != NULL ? token_pstr(s)->len : 0;
}

size_t
token_list_len_at(const struct token_info *t, enum token_list which, size_t i, bool *plain)
{
	bool in = i < token_list_n(t, which);

	*plain = !in || token_pstr(t->list_[which]->v[i])->plain;
	return in ? token_pstr(t->list_[which]->v[i])->len : 0;
}

const char *
token_comment(const struct token_info *t)
{
	return t->text_[TOKEN_TEXT_COMMENT];
}

const char *
token_autoscope_state(const struct token_info *t)
{
	return t->text_[TOKEN_TEXT_AUTOSCOPE];
}

size_t
token_list_n(const struct token_info *t, enum token_list which)
{
	return (unsigned)which < TOKEN_LIST_COUNT && t->list_[which] != NULL ?
	    t->list_[which]->n : 0;
}

const char *
token_list_at(const struct token_info *t, enum token_list which, size_t i)
{
	return i < token_list_n(t, which) ? t->list_[which]->v[i] : "";
}

const char *const *
token_list_items(const struct token_info *t, enum token_list which)
{
	return token_list_n(t, which) > 0 ? t->list_[which]->v : NULL;
}

size_t
token_nscopes(const struct token_info *t)
{
	return token_list_n(t, TOKEN_LIST_SCOPES);
}

const char *
token_scope(const struct token_info *t, size_t i)
{
	return token_list_at(t, TOKEN_LIST_SCOPES, i);
}

int
token_set_id(struct token_table *tab, struct token_info *t, const char *id, size_t len)
{
	unsigned char raw[TOKEN_ID_RAW], hi, lo;
	const char *copy;
	size_t i;

	for (i = 0; len == TOKEN_ID_LEN && i < TOKEN_ID_RAW; i++) {
		hi = token_id_chars[(unsigned char)id[2 * i]];
		lo = token_id_chars[(unsigned char)id[2 * i + 1]];
		if (!(hi & lo & ID_HEX))
			break;
		raw[i] = (unsigned char)((hi >> 2) << 4 | lo >> 2);
	}
	if (len == TOKEN_ID_LEN && i == TOKEN_ID_RAW) {    /* hex digits: valid */
		memcpy(t->id_.raw, raw, sizeof raw);
		t->id_form_ = TOKEN_ID_FORM_RAW;
		return 0;
	}
	for (i = 0; i < len; i++)
		if (!(token_id_chars[(unsigned char)id[i]] & ID_OK))
			break;
	if (len == 0 || len > TOKEN_ID_LEN || i < len)
		return -2;
	if ((copy = token_intern(tab, id, len)) == NULL)
		return -1;
	t->id_.text = copy;
	t->id_form_ = TOKEN_ID_FORM_TEXT;
	return 0;
}

int
token_set_text(struct token_table *tab, struct token_info *t, enum token_text which,
	       const char *s, size_t len)
{
	const char *copy = NULL;

	if ((unsigned)which >= TOKEN_TEXT_COUNT)
		return -1;
	if (s != NULL && (copy = token_intern(tab, s, len)) == NULL)
		return -1;
	t->text_[which] = copy;
	return 0;
}

int
token_set_list(struct token_table *tab, struct token_info *t, enum token_list which,
	       const char *const *v, const size_t *lens, size_t n)
{
	const char *small[16], **in = small;
	const struct token_strv *l = NULL;
	size_t i;

	if ((unsigned)which >= TOKEN_LIST_COUNT)
		return -1;
	if (n > sizeof small / sizeof small[0] && (n > SIZE_MAX / sizeof *in ||
	    (in = malloc(n * sizeof *in)) == NULL))
		return -1;
	for (i = 0; i < n; i++)
		if ((in[i] = token_intern(tab, v[i], lens ? lens[i] : strlen(v[i]))) == NULL)
			break;
	if (i == n && n > 0)
		l = token_intern_strv(tab, in, n);
	if (in != small)
		free(in);
	if (i < n || (n > 0 && l == NULL))
		return -1;
	t->list_[which] = l;
	return 0;
}

struct token_info *
token_table_add_copy(struct token_table *tab, const struct token_info *src)
{
	struct token_info *t = token_table_push(tab), tmp;
	char id[TOKEN_ID_LEN + 1];
	const char *s;
	int rc = 0;
	size_t k;

	if (t == NULL)
		return NULL;
	tmp = *src;
	memset(&tmp.id_, 0, sizeof tmp.id_);
	memset(tmp.text_, 0, sizeof tmp.text_);
	memset(tmp.list_, 0, sizeof tmp.list_);
	tmp.id_form_ = TOKEN_ID_FORM_NONE;
	token_id_hex(src, id);
	if (token_has_id(src))
		rc |= token_set_id(tab, &tmp, id, strlen(id));
	for (k = 0; k < TOKEN_TEXT_COUNT; k++)
		if ((s = token_text(src, (enum token_text)k)) != NULL)
			rc |= token_set_text(tab, &tmp, (enum token_text)k, s, strlen(s));
	for (k = 0; k < TOKEN_LIST_COUNT && rc == 0; k++)
		if (src->list_[k] != NULL)
			rc |= token_set_list(tab, &tmp, (enum token_list)k, src->list_[k]->v,
					     NULL, src->list_[k]->n);
	if (rc != 0) {
		token_table_pop(tab);
		return NULL;
	}
	*t = tmp;
	return t;
}

/* Rows for n more, growing as push does (at least doubling). 0 or -1. */
static int
token_table_room(struct token_table *tab, size_t n)
{
	struct token_info *rows;
	size_t cap;

	if (tab->cap - tab->n >= n)
		return 0;
	cap = tab->cap == 0 ? 16 : tab->cap * 2;
	if (cap < tab->n + n)
		cap = tab->n + n;
	if (cap < tab->n || cap > SIZE_MAX / sizeof *rows ||
	    (rows = realloc(tab->rows, cap * sizeof *rows)) == NULL)
		return -1;
	tab->rows = rows;
	tab->cap = cap;
	return 0;
}

int
token_table_absorb(struct token_table *tab, struct token_table *src)
{
	struct token_pool *p = NULL, *q = src->pool;
	struct token_chunk **end, *c;

	if (token_table_room(tab, src->n) != 0 || (q != NULL && (p = token_pool_of(tab)) == NULL))
		return -1;
	if (q != NULL) {               /* its chunks join tab's, behind the one in use */
		for (end = &p->chunks; *end != NULL; end = &(*end)->next)
			continue;
		*end = q->chunks;
		for (c = q->chunks; c != NULL; c = c->next)
			p->bytes += sizeof *c + c->size;
		q->chunks = NULL;
		token_pool_free(q);
		src->pool = NULL;
	}
	if (src->n > 0)
		memcpy(tab->rows + tab->n, src->rows, src->n * sizeof *src->rows);
	tab->n += src->n;
	free(src->rows);
	src->rows = NULL;
	src->n = src->cap = 0;
	return 0;
}

struct token_info *
token_table_push(struct token_table *tab)
{
	if (token_table_room(tab, 1) != 0)
		return NULL;
	memset(&tab->rows[tab->n], 0, sizeof tab->rows[tab->n]);
	return &tab->rows[tab->n++];
}

void
token_table_pop(struct token_table *tab)
{
	if (tab->n > 0)
		tab->n--;
}

void
token_table_free(struct token_table *tab)
{
	free(tab->rows);
	token_pool_free(tab->pool);
	memset(tab, 0, sizeof *tab);
}

size_t
token_table_bytes(const struct token_table *tab)
{
	return tab->cap * sizeof *tab->rows + (tab->pool != NULL ? tab->pool->bytes : 0);
}

bool
token_is_expired(const struct token_info *t, int64_t now_ms)
{
	return t->expiry_time > 0 && now_ms > t->expiry_time;
}

int64_t
token_last_used(const struct token_info *t)
{
	if (t->last_accessed_time > 0)
		return t->last_accessed_time;
	if (t->last_used_day > 0)
		return t->last_used_day;
	return 0;
}

bool
token_last_used_day_only(const struct token_info *t)
{
	return t->last_accessed_time <= 0 && t->last_used_day > 0;
}

const char *
token_owner(const struct token_info *t)
{
	return token_str(t->text_[TOKEN_TEXT_OWNER]);
}

void
token_scopes_format(const struct token_info *t, char *out, size_t n)
{
	size_t i, used = 0;
	int w;

	if (n == 0)
		return;
	out[0] = '\0';
	if (token_nscopes(t) == 0) {
		snprintf(out, n, "%s", TOKEN_WORD_FULL_ACCESS);
		return;
	}
	for (i = 0; i < token_nscopes(t) && used + 1 < n; i++) {
		w = snprintf(out + used, n - used, "%s%s", i ? "," : "", token_scope(t, i));
		if (w < 0)
			break;
		used += (size_t)w;
	}
}

/* parts[0..k) joined into out (size n), cut as snprintf cuts. No printf:
 * tables call this for every row. */
static void
token_cat(char *out, size_t n, const char *const *parts, size_t k)
{
	size_t i, len = 0, m;

	if (n == 0)
		return;
	for (i = 0; i < k && len + 1 < n; i++) {
		m = strnlen(parts[i], n - 1 - len);
		memcpy(out + len, parts[i], m);
		len += m;
	}
	out[len] = '\0';
}

void
token_expires_format(const struct token_info *t, int64_t now_ms, bool date, char *out, size_t n)
{
	char rel[32], day[32];
	const char *parts[4] = { rel, " (", day, ")" };
	static const char *const never[] = { TOKEN_WORD_NEVER }, *const expired[] = { "expired" };

	if (t->expiry_time <= 0) {
		token_cat(out, n, never, 1);
		return;
	}
	if (token_is_expired(t, now_ms))
		token_cat(rel, sizeof rel, expired, 1);
	else
		duration_relative(t->expiry_time, now_ms, rel, sizeof rel);
	if (!date) {
		token_cat(out, n, parts, 1);
		return;
	}
	duration_absolute(t->expiry_time, false, day, sizeof day);
	day[10] = '\0';   /* the date is enough here */
	token_cat(out, n, parts, 4);
}

void
token_last_used_format(const struct token_info *t, int64_t now_ms, char *out, size_t n)
{
	if (!token_last_used_day_only(t))
		duration_relative(token_last_used(t), now_ms, out, n);
	else
		duration_relative_day(token_last_used(t), now_ms, out, n);
}

int64_t
token_revoke_at(const struct token_info *t, bool *estimate)
{
	int64_t from = t->last_accessed_time > t->last_used_day ? t->last_accessed_time :
		       t->last_used_day;
	bool never = from <= 0;

	if (never)
		from = t->creation_time;
	if (estimate != NULL)
		*estimate = never;
	return from > 0 ? from + TOKEN_IDLE_REVOKE_DAYS * TOKEN_DAY_MS : 0;
}

void
token_revoke_format(const struct token_info *t, int64_t now_ms, char *out, size_t n)
{
	bool est;
	int64_t at = token_revoke_at(t, &est), days;
	const char *mark = est ? " (est.)" : "";

	if (at <= 0)
		snprintf(out, n, "-");
	else if (at <= now_ms)
		snprintf(out, n, "due%s", mark);
	else if ((days = (at - now_ms) / TOKEN_DAY_MS) == 0)
		snprintf(out, n, "in <1d%s", mark);
	else
		snprintf(out, n, "in %lldd%s", (long long)days, mark);
}

/* ---- auto-scoping ------------------------------------------------------ */

enum autoscope_state
token_autoscope(const struct token_info *t)
{
	return autoscope_state_parse(token_autoscope_state(t));
}

int64_t
token_autoscope_enforce_ms(const struct token_info *t)
{
	return autoscope_enforce_ms(token_autoscope(t), t->creation_time);
}

void
token_autoscope_now(const struct token_info *t, struct autoscope_access *out)
{
	autoscope_access_now(token_list_items(t, TOKEN_LIST_SCOPES), token_nscopes(t), out);
}

void
token_autoscope_after(const struct token_info *t, struct autoscope_access *out)
{
	autoscope_access_after(token_autoscope(t), token_list_items(t, TOKEN_LIST_SCOPES),
	    token_nscopes(t), token_list_items(t, TOKEN_LIST_INFERRED),
	    token_list_n(t, TOKEN_LIST_INFERRED), out);
}

bool
token_autoscope_narrows(const struct token_info *t)
{
	struct autoscope_access now, after;

	if (token_autoscope(t) != AUTOSCOPE_RUNNING)
		return false;
	token_autoscope_now(t, &now);
	token_autoscope_after(t, &after);
	return autoscope_loses(&now, &after);
}

void
token_autoscope_enforce_format(const struct token_info *t, int64_t now_ms, char *out, size_t n)
{
	int64_t at = token_autoscope_enforce_ms(t);
	char rel[32], day[32];

	if (at <= 0) {
		snprintf(out, n, "-");
		return;
	}
	if (at <= now_ms)
		snprintf(rel, sizeof rel, "due");
	else
		duration_relative(at, now_ms, rel, sizeof rel);
	duration_absolute(at, true, day, sizeof day);
	day[10] = '\0';   /* the day: the estimate is no finer */
	snprintf(out, n, "%s (%s est.)", rel, day);
}

/* An exact (case-insensitive) match wins; otherwise a unique prefix. */
long
token_find(const struct token_table *tab, const char *id)
{
	size_t i, len;
	long found = -1;

	if (id == NULL || (len = strlen(id)) == 0)
		return -1;
	for (i = 0; i < tab->n; i++) {
		if (token_id_cmp_text(&tab->rows[i], id, false) == 0)
			return (long)i;
	}
	if (len < TOKEN_PREFIX_MIN)
		return -1;
	for (i = 0; i < tab->n; i++) {
		if (token_id_cmp_text(&tab->rows[i], id, true) != 0)
			continue;
		if (found >= 0)
			return -2;
		found = (long)i;
	}
	return found;
}

bool
token_table_note(const struct token_table *tab, char *out, size_t n)
{
	int len = 0;

	if (n > 0)
		out[0] = '\0';
	if (tab == NULL || tab->malformed + tab->repeated == 0 || n == 0)
		return false;
	if (tab->malformed > 0)
		len = snprintf(out, n, "the list had %zu malformed entr%s, skipped (%s)",
			       tab->malformed, tab->malformed == 1 ? "y" : "ies", tab->malformed_why);
	if (tab->repeated > 0 && len >= 0 && (size_t)len < n)
		snprintf(out + len, n - (size_t)len, "%s%zu id%s listed more than once, shown once",
			 len > 0 ? "; " : "the list had ", tab->repeated,
			 tab->repeated == 1 ? "" : "s");
	return true;
}


bool
token_id_valid(const char *id)
{
	size_t i;

	if (id == NULL)
		return false;
	for (i = 0; id[i] != '\0'; i++)
		if (i >= TOKEN_ID_LEN || !(token_id_chars[(unsigned char)id[i]] & ID_OK))
			return false;
	return i > 0;
}

static int
token_cmp_byid(const void *a, const void *b, void *tab)
{
	const struct token_table *t = tab;

	return token_id_cmp(&t->rows[*(const size_t *)a], &t->rows[*(const size_t *)b]);
}

size_t *
token_index_by_id(const struct token_table *tab)
{
	size_t *byid = malloc((tab->n ? tab->n : 1) * sizeof *byid), i;

	if (byid == NULL)
		return NULL;
	for (i = 0; i < tab->n; i++)
		byid[i] = i;
	qsort_r(byid, tab->n, sizeof *byid, token_cmp_byid, (void *)tab);
	return byid;
}

/* The first position in byid whose id is not below id (with prefix: over
 * the characters of id only). */
static size_t
token_lower_bound(const struct token_table *tab, const size_t *byid, const char *id,
		  bool prefix)
{
	size_t lo = 0, hi = tab->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (token_id_cmp_text(&tab->rows[byid[mid]], id, prefix) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

long
token_find_indexed(const struct token_table *tab, const size_t *byid, const char *id,
		   bool exact)
{
	size_t len, at;

	if (id == NULL || (len = strlen(id)) == 0)
		return -1;
	at = token_lower_bound(tab, byid, id, false);
	if (at < tab->n && token_id_cmp_text(&tab->rows[byid[at]], id, false) == 0)
		return (long)byid[at];
	if (exact || len < TOKEN_PREFIX_MIN)
		return -1;
	at = token_lower_bound(tab, byid, id, true);
	if (at >= tab->n || token_id_cmp_text(&tab->rows[byid[at]], id, true) != 0)
		return -1;
	if (at + 1 < tab->n && token_id_cmp_text(&tab->rows[byid[at + 1]], id, true) == 0)
		return -2;
	return (long)byid[at];
}

/* ---- sort keys -------------------------------------------------------- */

struct token_sort_row {
	const char *name;
	const char *header;
};

#define TOKEN_SORT_ROW(e, name, header) { name, header },
static const struct token_sort_row token_sort_rows[] = {
	TOKEN_SORT_KEYS(TOKEN_SORT_ROW)
};
#undef TOKEN_SORT_ROW

const char *
token_sort_name(enum token_sort_key k)
{
	return (unsigned)k < TOKEN_SORT_COUNT ? token_sort_rows[k].name : "";
}

const char *
token_sort_header(enum token_sort_key k)
{
	return (unsigned)k < TOKEN_SORT_COUNT ? token_sort_rows[k].header : "";
}

/* Compare a key name with s[0..len), ignoring case, '-' and '_'. */
static int
token_sort_name_eq(const char *name, const char *s, size_t len)
{
	const char *end = s + len;

	for (;;) {
		while (*name == '-' || *name == '_')
			name++;
		while (s < end && (*s == '-' || *s == '_'))
			s++;
		if (*name == '\0' || s == end)
			return *name == '\0' && s == end;
		if (token_fold((unsigned char)*name++) != token_fold((unsigned char)*s++))
			return 0;
	}
}

int
token_sort_parse(const char *s, enum token_sort_key *key, bool *desc)
{
	const char *colon;
	size_t len, k;
	bool d = false;

	if (s == NULL)
		return -1;
	colon = strchr(s, ':');
	len = colon != NULL ? (size_t)(colon - s) : strlen(s);
	if (colon != NULL && strcasecmp(colon + 1, "desc") == 0)
		d = true;
	else if (colon != NULL && strcasecmp(colon + 1, "asc") != 0)
		return -1;
	for (k = 0; k < TOKEN_SORT_COUNT; k++) {
		if (len > 0 && token_sort_name_eq(token_sort_rows[k].name, s, len)) {
			*key = (enum token_sort_key)k;
			*desc = d;
			return 0;
		}
	}
	return -1;
}

typedef int (*token_cmp_fn)(const struct token_info *, const struct token_info *);

static int
token_cmp_i64(int64_t a, int64_t b)
{
	return (a > b) - (a < b);
}

static int
token_cmp_comment(const struct token_info *a, const struct token_info *b)
{
	return token_casecmp(token_str(token_comment(a)), token_str(token_comment(b)));
}

static int
token_cmp_created(const struct token_info *a, const struct token_info *b)
{
	return token_cmp_i64(a->creation_time, b->creation_time);
}

/* Never-expiring rows compare as the far future. */
static int64_t
token_expiry_key(const struct token_info *t)
{
	return t->expiry_time > 0 ? t->expiry_time : INT64_MAX;
}

static int
token_cmp_expires(const struct token_info *a, const struct token_info *b)
{
	return token_cmp_i64(token_expiry_key(a), token_expiry_key(b));
}

static int
token_cmp_last_used(const struct token_info *a, const struct token_info *b)
{
	return token_cmp_i64(token_last_used(a), token_last_used(b));
}

/* A cursor over strings as if joined with commas (the scope list), or over
 * one string. */
struct token_cursor {
	const char *const *v;
	size_t n;
	size_t i;
	const char *p;
};

static void
token_cursor_init(struct token_cursor *c, const char *const *v, size_t n)
{
	c->v = v;
	c->n = v != NULL ? n : 0;
	c->i = 0;
	c->p = c->n > 0 ? token_str(c->v[0]) : "";
}

static void
token_scope_init(struct token_cursor *c, const struct token_info *t)
{
	const struct token_strv *l = t->list_[TOKEN_LIST_SCOPES];

	token_cursor_init(c, l != NULL ? l->v : NULL, l != NULL ? l->n : 0);
}

/* Next byte of the joined list, 0 at the end. */
static unsigned char
token_cursor_next(struct token_cursor *c)
{
	if (*c->p != '\0')
		return (unsigned char)*c->p++;
	if (c->i + 1 >= c->n)
		return 0;
	c->p = token_str(c->v[++c->i]);
	return ',';
}

static int
token_cmp_scopes(const struct token_info *a, const struct token_info *b)
{
	struct token_cursor ca, cb;
	unsigned char x, y;

	token_scope_init(&ca, a);
	token_scope_init(&cb, b);
	do {
		x = token_cursor_next(&ca);
		y = token_cursor_next(&cb);
	} while (x == y && x != 0);
	return (int)x - (int)y;
}

static int
token_cmp_owner(const struct token_info *a, const struct token_info *b)
{
	return strcmp(token_owner(a), token_owner(b));
}

/* Ids as text byte for byte (case counts, as in the sort keys). */
static int
token_cmp_id(const struct token_info *a, const struct token_info *b)
{
	size_t i;

	if (a->id_form_ == TOKEN_ID_FORM_RAW && b->id_form_ == TOKEN_ID_FORM_RAW)
		return memcmp(a->id_.raw, b->id_.raw, TOKEN_ID_RAW);
	for (i = 0; token_id_char(a, i) == token_id_char(b, i); i++)
		if (token_id_char(a, i) == 0)
			return 0;
	return (int)token_id_char(a, i) - (int)token_id_char(b, i);
}

/* The workspace's index: the order the workspaces were given. */
static int
token_cmp_workspace(const struct token_info *a, const struct token_info *b)
{
	return token_cmp_i64(a->workspace, b->workspace);
}

static int
token_cmp_auto_revoke(const struct token_info *a, const struct token_info *b)
{
	return token_cmp_i64(token_revoke_at(a, NULL), token_revoke_at(b, NULL));
}

static const token_cmp_fn token_cmp_table[TOKEN_SORT_COUNT] = {
	[TOKEN_SORT_COMMENT] = token_cmp_comment,
	[TOKEN_SORT_CREATED] = token_cmp_created,
	[TOKEN_SORT_EXPIRES] = token_cmp_expires,
	[TOKEN_SORT_LAST_USED] = token_cmp_last_used,
	[TOKEN_SORT_SCOPES] = token_cmp_scopes,
	[TOKEN_SORT_OWNER] = token_cmp_owner,
	[TOKEN_SORT_ID] = token_cmp_id,
	[TOKEN_SORT_WORKSPACE] = token_cmp_workspace,
	[TOKEN_SORT_AUTO_REVOKE] = token_cmp_auto_revoke,
};

/* Sorting works on entries with a precomputed key of three words, compared
 * in order, so most compares never touch the rows. A number key is (value,
 * the first 16 bytes of token_id); a string key is (its first 16 bytes, the
 * first 8 of token_id when the string is shorter than 16 bytes, else 0).
 * Text keys with a hash in token_rank_keys are ranked first instead: (rank
 * of the string, the first 16 bytes of token_id). Equal keys fall back to
 * the full comparator, then token_id, then the index. */
struct token_sort_ent {
	uint64_t k[3];
	size_t idx;
};

typedef void (*token_key_fn)(const struct token_info *, uint64_t *);

/* Order-preserving map of a signed number onto an unsigned key. */
static uint64_t
token_key_i64(int64_t v)
{
	return (uint64_t)v ^ ((uint64_t)1 << 63);
}

/* Pack the next 8 bytes of c big-endian, so keys order like strcmp. */
static uint64_t
token_key_pack(struct token_cursor *c, bool fold)
{
	uint64_t k = 0;
	int i;

	for (i = 0; i < 8; i++)
		k = k << 8 | (fold ? token_fold(token_cursor_next(c)) : token_cursor_next(c));
	return k;
}

/* The first 8 * nwords (at most 16) bytes of token_id, big-endian, zero
 * after its end. */
static void
token_key_id_words(const struct token_info *t, uint64_t *k, size_t nwords)
{
	unsigned char b[16] = { 0 };
	const char *hex;
	size_t i, j;

	if (t->id_form_ == TOKEN_ID_FORM_RAW) {        /* most: four bytes' digits a word */
		for (i = 0; i < nwords; i++)
			for (k[i] = 0, j = 0; j < 4; j++) {
				hex = token_hexpairs + 2 * t->id_.raw[i * 4 + j];
				k[i] = k[i] << 16 | (uint64_t)(unsigned char)hex[0] << 8 |
				       (unsigned char)hex[1];
			}
		return;
	}
	for (i = 0; i < nwords * 8 && (b[i] = token_id_char(t, i)) != 0; i++)
		;
	for (i = 0; i < nwords; i++) {
		k[i] = 0;
		for (j = 0; j < 8; j++)
			k[i] = k[i] << 8 | b[i * 8 + j];
	}
}

static void
token_key_number(const struct token_info *t, int64_t v, uint64_t *k)
{
	k[0] = token_key_i64(v);
	token_key_id_words(t, k + 1, 2);
}

static void
token_key_cursor(const struct token_info *t, struct token_cursor *c, bool fold, uint64_t *k)
{
	k[0] = token_key_pack(c, fold);
	k[1] = token_key_pack(c, fold);
	if ((k[1] & 0xff) == 0)
		token_key_id_words(t, k + 2, 1);
	else
		k[2] = 0;
}

static void
token_key_string(const struct token_info *t, const char *s, bool fold, uint64_t *k)
{
	struct token_cursor c;

	token_cursor_init(&c, &s, 1);
	token_key_cursor(t, &c, fold, k);
}

static void
token_key_comment(const struct token_info *t, uint64_t *k)
{
	token_key_string(t, token_str(token_comment(t)), true, k);
}

static void
token_key_created(const struct token_info *t, uint64_t *k)
{
	token_key_number(t, t->creation_time, k);
}

static void
token_key_expires(const struct token_info *t, uint64_t *k)
{
	token_key_number(t, token_expiry_key(t), k);
}

static void
token_key_last_used(const struct token_info *t, uint64_t *k)
{
	token_key_number(t, token_last_used(t), k);
}

static void
token_key_scopes(const struct token_info *t, uint64_t *k)
{
	struct token_cursor c;

	token_scope_init(&c, t);
	token_key_cursor(t, &c, false, k);
}

static void
token_key_owner(const struct token_info *t, uint64_t *k)
{
	token_key_string(t, token_owner(t), false, k);
}

static void
token_key_id(const struct token_info *t, uint64_t *k)
{
	char id[TOKEN_ID_LEN + 1];

	token_key_string(t, token_id_hex(t, id), false, k);
}

static void
token_key_workspace(const struct token_info *t, uint64_t *k)
{
	token_key_number(t, t->workspace, k);
}

static void
token_key_auto_revoke(const struct token_info *t, uint64_t *k)
{
	token_key_number(t, token_revoke_at(t, NULL), k);
}

static const token_key_fn token_key_table[TOKEN_SORT_COUNT] = {
	[TOKEN_SORT_COMMENT] = token_key_comment,
	[TOKEN_SORT_CREATED] = token_key_created,
	[TOKEN_SORT_EXPIRES] = token_key_expires,
	[TOKEN_SORT_LAST_USED] = token_key_last_used,
	[TOKEN_SORT_SCOPES] = token_key_scopes,
	[TOKEN_SORT_OWNER] = token_key_owner,
	[TOKEN_SORT_ID] = token_key_id,
	[TOKEN_SORT_WORKSPACE] = token_key_workspace,
	[TOKEN_SORT_AUTO_REVOKE] = token_key_auto_revoke,
};

typedef uint64_t (*token_hash_fn)(const struct token_info *);

#define TOKEN_HASH_SEED 0x9e3779b97f4a7c15ull
#define TOKEN_BYTES(b) ((uint64_t)(b) * 0x0101010101010101ull)

/* Mix eight bytes w into h. */
static uint64_t
token_hash_mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0xff51afd7ed558ccdull;
	return h ^ h >> 32;
}

/* ASCII lower case of eight bytes at once (token_fold on each). */
static uint64_t
token_fold8(uint64_t w)
{
	uint64_t low = w & TOKEN_BYTES(0x7f);
	uint64_t upper = ((low + TOKEN_BYTES(0x80 - 'A')) ^ (low + TOKEN_BYTES(0x80 - 'Z' - 1))) &
	    ~w & TOKEN_BYTES(0x80);

	return w | upper >> 2;
}

/* Hash the bytes of c up to its end, eight at a time. */
static uint64_t
token_hash_cursor(struct token_cursor *c)
{
	uint64_t h = TOKEN_HASH_SEED, w;
	unsigned char x;
	int i;

	do {
		for (w = 0, i = 0; i < 8 && (x = token_cursor_next(c)) != 0; i++)
			w = w << 8 | x;
		h = token_hash_mix(h, w ^ (uint64_t)i);
	} while (i == 8);
	return h;
}

/* Hash a string (folded when asked), eight bytes at a time. */
static uint64_t
token_hash_string(const char *s, bool fold)
{
	size_t len = strlen(s), i, m;
	uint64_t h = TOKEN_HASH_SEED ^ len, w;

	for (i = 0; i < len; i += m) {
		m = len - i < 8 ? len - i : 8;
		w = 0;
		memcpy(&w, s + i, m);
		h = token_hash_mix(h, fold ? token_fold8(w) : w);
	}
	return h;
}

static uint64_t
token_hash_comment(const struct token_info *t)
{
	return token_hash_string(token_str(token_comment(t)), true);
}

static uint64_t
token_hash_scopes(const struct token_info *t)
{
	struct token_cursor c;

	token_scope_init(&c, t);
	return token_hash_cursor(&c);
}

static uint64_t
token_hash_owner(const struct token_info *t)
{
	return token_hash_string(token_owner(t), false);
}

/* Zero when the comments are equal; most equal ones are byte for byte. */
static int
token_same_comment(const struct token_info *a, const struct token_info *b)
{
	if (token_comment(a) == token_comment(b))     /* interned: equal strings, one pointer */
		return 0;
	return token_cmp_comment(a, b);
}

/* Text keys, whose rows often share long strings, rank their distinct
 * strings first (token_rank_run). Rows that compare equal must hash equal. */
struct token_rank_key {
	token_hash_fn hash;
	token_cmp_fn same;       /* zero when equal, like the comparator */
};

static const struct token_rank_key token_rank_keys[TOKEN_SORT_COUNT] = {
	[TOKEN_SORT_COMMENT] = { token_hash_comment, token_same_comment },
	[TOKEN_SORT_SCOPES] = { token_hash_scopes, token_cmp_scopes },
	[TOKEN_SORT_OWNER] = { token_hash_owner, token_cmp_owner },
};

/* What the comparators need; one per thread, set by token_sort. */
struct token_sort_ctx {
	const struct token_info *rows;
	token_cmp_fn cmp;
	int sign;
};

static _Thread_local struct token_sort_ctx token_sort_state;

/* Sorts of this many rows or more run on two threads (with two CPUs). */
#define TOKEN_SORT_TWO_FROM 16384

/* Full comparison of two rows: key, token_id, then index. */
static int
token_sort_rows_cmp(const struct token_info *a, const struct token_info *b,
    size_t ia, size_t ib)
{
	int r;

	if ((r = token_sort_state.cmp(a, b)) == 0)
		r = token_cmp_id(a, b);
	if (r == 0)
		r = (ia > ib) - (ia < ib);
	return token_sort_state.sign * r;
}

static inline int
token_sort_ent_cmp(const struct token_sort_ent *a, const struct token_sort_ent *b)
{
	int i;

	for (i = 0; i < 3; i++) {
		if (a->k[i] != b->k[i])
			return token_sort_state.sign * (a->k[i] > b->k[i] ? 1 : -1);
	}
	return token_sort_rows_cmp(&token_sort_state.rows[a->idx],
	    &token_sort_state.rows[b->idx], a->idx, b->idx);
}

static void
token_isort(struct token_sort_ent *a, size_t n)
{
	struct token_sort_ent x;
	size_t i, j;

	for (i = 1; i < n; i++) {
		x = a[i];
		for (j = i; j > 0 && token_sort_ent_cmp(&a[j - 1], &x) > 0; j--)
			a[j] = a[j - 1];
		a[j] = x;
	}
}

/* Merge a[0..na) and b[0..nb) into out. */
static void
token_merge(const struct token_sort_ent *a, size_t na, const struct token_sort_ent *b,
    size_t nb, struct token_sort_ent *out)
{
	const struct token_sort_ent *ea = a + na, *eb = b + nb;
	bool take_b;

	while (a < ea && b < eb) {
		take_b = token_sort_ent_cmp(b, a) < 0;
		*out++ = *(take_b ? b : a);
		b += take_b;
		a += !take_b;
	}
	while (a < ea)
		*out++ = *a++;
	while (b < eb)
		*out++ = *b++;
}

static void token_msort_to(struct token_sort_ent *, struct token_sort_ent *, size_t);

/* Merge sort a[0..n) in place, using t[0..n) as scratch. */
static void
token_msort(struct token_sort_ent *a, struct token_sort_ent *t, size_t n)
{
	size_t h = n / 2;

	if (n <= 16) {
		token_isort(a, n);
		return;
	}
	token_msort_to(a, t, h);
	token_msort_to(a + h, t + h, n - h);
	token_merge(t, h, t + h, n - h, a);
}

/* Merge sort a[0..n) into t[0..n), using a as scratch. */
static void
token_msort_to(struct token_sort_ent *a, struct token_sort_ent *t, size_t n)
{
	size_t h = n / 2;

	if (n <= 16) {
		memcpy(t, a, n * sizeof *a);
		token_isort(t, n);
		return;
	}
	token_msort(a, t, h);
	token_msort(a + h, t + h, n - h);
	token_merge(a, h, a + h, n - h, t);
}

/* The fallback when there is no memory for entries: sort idx directly. */
static int
token_sort_idx_cmp(const void *pa, const void *pb)
{
	size_t ia = *(const size_t *)pa, ib = *(const size_t *)pb;

	return token_sort_rows_cmp(&token_sort_state.rows[ia], &token_sort_state.rows[ib],
	    ia, ib);
}

/* ---- ranking distinct strings ---- */

/* What ranking works in, carved from the block token_sort allocates after
 * the entries: an open-addressing hash of the distinct strings, the rank of
 * each representative row, and counts per rank. */
struct token_rank {
	const struct token_rank_key *rk;
	uint64_t *slots;         /* row + 1 in the low 32 bits (0: empty), hash's high 32 above */
	size_t mask;             /* slots - 1; a power of two at least twice the entries */
	uint32_t *rank;          /* by row, set for representative rows */
	uint32_t *count;         /* entries per rank, then where each run ends */
	struct token_sort_ent *g;   /* a representative row per distinct string */
	size_t ng;
	size_t maxg;             /* past this many strings ranking gives up */
};

/* Bytes a struct token_rank needs for n entries over a table of nrows rows
 * (*nslots says how many hash slots), or 0 when ranking cannot apply. */
static size_t
token_rank_size(size_t n, size_t nrows, size_t *nslots)
{
	size_t s = 16;

	if (n > SIZE_MAX / 64 || nrows > SIZE_MAX / 16 || n >= UINT32_MAX / 4 ||
	    nrows >= UINT32_MAX)
		return 0;
	while (s < 2 * n)
		s *= 2;
	*nslots = s;
	return s * sizeof (uint64_t) + (nrows + n / 2 + 2) * sizeof (uint32_t);
}

/* Set r up in mem (token_rank_size bytes); g has room for n entries. */
static void
token_rank_init(struct token_rank *r, const struct token_rank_key *rk, void *mem,
    size_t nslots, size_t nrows, struct token_sort_ent *g, size_t n)
{
	r->rk = rk;
	r->slots = mem;
	memset(r->slots, 0, nslots * sizeof *r->slots);
	r->mask = nslots - 1;
	r->rank = (uint32_t *)(r->slots + nslots);
	r->count = r->rank + nrows;
	r->g = g;
	r->ng = 0;
	r->maxg = n / 2;
}

/* The representative of row's string: the first row seen with an equal
 * one. SIZE_MAX when the string is new and there are too many already. */
static size_t
token_rank_find(struct token_rank *r, size_t row)
{
	const struct token_info *rows = token_sort_state.rows;
	uint64_t h = r->rk->hash(&rows[row]), tag = h & ~(uint64_t)UINT32_MAX;
	size_t s, rep;

	for (s = (size_t)h & r->mask; r->slots[s] != 0; s = (s + 1) & r->mask) {
		rep = (size_t)(r->slots[s] & UINT32_MAX) - 1;
		if ((r->slots[s] & ~(uint64_t)UINT32_MAX) == tag &&
		    r->rk->same(&rows[row], &rows[rep]) == 0)
			return rep;
	}
	if (r->ng == r->maxg)
		return SIZE_MAX;
	r->g[r->ng++].idx = row;
	r->slots[s] = tag | (uint64_t)(row + 1);
	return row;
}

/* Sort the representatives with the full comparator and note their ranks. */
static void
token_rank_sort(struct token_rank *r, token_key_fn key)
{
	int sign = token_sort_state.sign;
	size_t i;

	for (i = 0; i < r->ng; i++)
		key(&token_sort_state.rows[r->g[i].idx], r->g[i].k);
	token_sort_state.sign = 1;
	token_msort(r->g, r->g + r->ng, r->ng);
	token_sort_state.sign = sign;
	for (i = 0; i < r->ng; i++)
		r->rank[r->g[i].idx] = (uint32_t)i;
}

/* Spread e[0..n), keyed by rank, into runs of equal rank in t (in rank
 * order, reversed when descending), then merge sort each run back into e. */
static void
token_rank_spread(struct token_rank *r, struct token_sort_ent *e, struct token_sort_ent *t,
    size_t n)
{
	uint32_t *count = r->count;
	size_t i, b, start, ng = r->ng;
	bool desc = token_sort_state.sign < 0;

	memset(count, 0, (ng + 1) * sizeof *count);
	for (i = 0; i < n; i++) {
		e[i].k[0] = desc ? ng - 1 - e[i].k[0] : e[i].k[0];
		count[e[i].k[0] + 1]++;
	}
	for (b = 1; b <= ng; b++)
		count[b] += count[b - 1];
	for (i = 0; i < n; i++)
		t[count[e[i].k[0]]++] = e[i];
	for (b = 0, start = 0; b < ng; start = count[b++]) {
		if (count[b] - start == 1)
			e[start] = t[start];
		else if (count[b] > start)
			token_msort_to(t + start, e + start, count[b] - start);
	}
}

/* Sort e[0..n) (t[0..n) is scratch) by ranking the distinct strings first,
 * then each run of rows sharing a string by token_id, so no comparison
 * walks a long shared string. Returns 0, or -1 (e unsorted) when more than
 * half the strings are distinct and ranking would not pay. */
static int
token_rank_run(struct token_rank *r, struct token_sort_ent *e, struct token_sort_ent *t,
    size_t n, token_key_fn key)
{
	size_t i, rep;

	for (i = 0; i < n; i++) {
		if ((rep = token_rank_find(r, e[i].idx)) == SIZE_MAX)
			return -1;
		e[i].k[0] = rep;
	}
	token_rank_sort(r, key);
	for (i = 0; i < n; i++) {
		e[i].k[0] = r->rank[e[i].k[0]];
		token_key_id_words(&token_sort_state.rows[e[i].idx], e[i].k + 1, 2);
	}
	token_rank_spread(r, e, t, n);
	return 0;
}

/* The sort keys of e[0..n). */
static void
token_sort_keys(const struct token_table *tab, struct token_sort_ent *e, size_t n,
    token_key_fn key)
{
	size_t i;

	for (i = 0; i < n; i++)
		key(&tab->rows[e[i].idx], e[i].k);
}

/* Half of a sort on two threads: its keys made and sorted into t. */
struct token_sort_half {
	const struct token_table *tab;
	struct token_sort_ent *a, *t;
	size_t n;
	token_key_fn key;
	struct token_sort_ctx ctx;       /* the comparators' state, the caller's */
};

static void *
token_sort_half_run(void *arg)
{
	struct token_sort_half *h = arg;

	token_sort_state = h->ctx;
	token_sort_keys(h->tab, h->a, h->n, h->key);
	token_msort_to(h->a, h->t, h->n);
	return NULL;
}

/* token_msort of e[0..n) (scratch e[n..2n)) with keys made, its two halves
 * on two threads: the same steps as on one, so the same order. false: not
 * done (short, one CPU, or no thread), the caller sorts on its own. */
static bool
token_msort_two(const struct token_table *tab, struct token_sort_ent *e, size_t n,
    token_key_fn key)
{
	size_t h = n / 2;
	struct token_sort_half b = { tab, e + h, e + n + h, n - h, key, token_sort_state };
	pthread_t helper;

	if (n < TOKEN_SORT_TWO_FROM || sysconf(_SC_NPROCESSORS_ONLN) < 2 ||
	    pthread_create(&helper, NULL, token_sort_half_run, &b) != 0)
		return false;
	token_sort_keys(tab, e, h, key);
	token_msort_to(e, e + n, h);
	pthread_join(helper, NULL);
	token_merge(e + n, h, e + n + h, n - h, e);
	return true;
}

static void
token_sort_ents(const struct token_table *tab, size_t *idx, size_t n,
    struct token_sort_ent *e, enum token_sort_key key, struct token_rank *r)
{
	size_t i;

	for (i = 0; i < n; i++)
		e[i].idx = idx[i];
	if (r == NULL || token_rank_run(r, e, e + n, n, token_key_table[key]) != 0) {
		if (!token_msort_two(tab, e, n, token_key_table[key])) {
			token_sort_keys(tab, e, n, token_key_table[key]);
			token_msort(e, e + n, n);
		}
	}
	for (i = 0; i < n; i++)
		idx[i] = e[i].idx;
}

/* Room for 2n entries and *extra bytes after them, or without the extra
 * bytes (*extra becomes 0) when that fails; NULL when neither fits. */
static struct token_sort_ent *
token_sort_alloc(size_t n, size_t *extra)
{
	struct token_sort_ent *e;
	size_t size;

	if (n > SIZE_MAX / 2 / sizeof *e)
		return NULL;
	size = 2 * n * sizeof *e;
	if (*extra > 0 && *extra <= SIZE_MAX - size && (e = malloc(size + *extra)) != NULL)
		return e;
	*extra = 0;
	return malloc(size);
}

void
token_sort(const struct token_table *tab, size_t *idx, size_t n,
    enum token_sort_key key, bool desc)
{
	struct token_sort_ctx saved = token_sort_state;
	struct token_sort_ent *e;
	struct token_rank r;
	size_t nslots = 0, extra = 0;

	if (n < 2 || (unsigned)key >= TOKEN_SORT_COUNT)
		return;
	token_sort_state.rows = tab->rows;
	token_sort_state.cmp = token_cmp_table[key];
	token_sort_state.sign = desc ? -1 : 1;
	if (token_rank_keys[key].hash != NULL)
		extra = token_rank_size(n, tab->n, &nslots);
	if ((e = token_sort_alloc(n, &extra)) != NULL) {
		if (extra > 0)
			token_rank_init(&r, &token_rank_keys[key], (void *)(e + 2 * n), nslots,
			    tab->n, e + n, n);
		token_sort_ents(tab, idx, n, e, key, extra > 0 ? &r : NULL);
		free(e);
	} else
		qsort(idx, n, sizeof *idx, token_sort_idx_cmp);
	token_sort_state = saved;
}

/* ---- audit flags ------------------------------------------------------ */

struct token_flag_row {
	const char *name;
	const char *legend;
};

#define TOKEN_FLAG_ROW(e, name, legend) { name, legend },
static const struct token_flag_row token_flag_rows[] = {
	TOKEN_FLAGS(TOKEN_FLAG_ROW)
};
#undef TOKEN_FLAG_ROW

static const char *const token_stale_defaults[] = {
	"test", "tmp", "temp", "old", "poc", "do not delete", "delete me", "todo", "xxx"
};

const char *
token_flag_name(enum token_flag_bit b)
{
	return (unsigned)b < TOKEN_FLAG_COUNT ? token_flag_rows[b].name : "";
}

const char *
token_flag_legend(enum token_flag_bit b)
{
	return (unsigned)b < TOKEN_FLAG_COUNT ? token_flag_rows[b].legend : "";
}

/* Returns the bit number (enum token_flag_bit), not the mask. */
int
token_flag_parse(const char *name)
{
	int b;

	if (name == NULL)
		return -1;
	for (b = 0; b < TOKEN_FLAG_COUNT; b++) {
		if (strcasecmp(token_flag_rows[b].name, name) == 0)
			return b;
	}
	return -1;
}

/* Time since last use, or since creation when never used; -1 if unknown. */
int64_t
token_idle_ms(const struct token_info *t, int64_t now_ms)
{
	int64_t since = token_last_used(t);

	if (since <= 0)
		since = t->creation_time;
	return since > 0 ? now_ms - since : -1;
}

bool
token_never_expires(const struct token_info *t)
{
	return t->expiry_time <= 0;
}

static bool
token_lives_at_least(const struct token_info *t, int64_t ms)
{
	return token_never_expires(t) || t->expiry_time - t->creation_time >= ms;
}

static bool
token_has_scope(const struct token_info *t, const char *name, bool prefix)
{
	size_t i, len = strlen(name);

	for (i = 0; i < token_nscopes(t); i++) {
		const char *s = token_scope(t, i);
		if (strncmp(s, name, len) == 0 && (s[len] == '\0' || (prefix && s[len] == ':')))
			return true;
	}
	return false;
}

static bool
token_flag_unused_90d(const struct token_info *t, const struct token_ctx *ctx)
{
	return token_idle_ms(t, ctx->now_ms) >= 90 * TOKEN_DAY_MS;
}

static bool
token_flag_unused_30d(const struct token_info *t, const struct token_ctx *ctx)
{
	return token_idle_ms(t, ctx->now_ms) >= 30 * TOKEN_DAY_MS;
}

static bool
token_flag_never_expires(const struct token_info *t, const struct token_ctx *ctx)
{
	(void)ctx;
	return token_never_expires(t);
}

static bool
token_flag_over_max(const struct token_info *t, const struct token_ctx *ctx)
{
	return ctx->max_lifetime_ms > 0 &&
	    (token_never_expires(t) || t->expiry_time - t->creation_time > ctx->max_lifetime_ms);
}

static bool
token_flag_expiring(const struct token_info *t, const struct token_ctx *ctx)
{
	int64_t left = t->expiry_time - ctx->now_ms;

	return !token_never_expires(t) && left > 0 && left <= TOKEN_EXPIRING_MS;
}

static bool
token_flag_expired(const struct token_info *t, const struct token_ctx *ctx)
{
	return token_is_expired(t, ctx->now_ms);
}

static bool
token_flag_privileged(const struct token_info *t, const struct token_ctx *ctx)
{
	(void)ctx;
	return token_has_scope(t, "authentication", true);
}

static bool
token_flag_all_apis(const struct token_info *t, const struct token_ctx *ctx)
{
	(void)ctx;
	return (token_nscopes(t) == 0 || token_has_scope(t, "all-apis", false)) &&
	    token_lives_at_least(t, 30 * TOKEN_DAY_MS);
}

static bool
token_flag_autoscope(const struct token_info *t, const struct token_ctx *ctx)
{
	(void)ctx;
	return token_autoscope_state(t) != NULL &&
	    strcmp(token_autoscope_state(t), "AUTOSCOPE_STATE_RUNNING") == 0;
}

static bool
token_flag_autoscope_soon(const struct token_info *t, const struct token_ctx *ctx)
{
	return !token_is_expired(t, ctx->now_ms) &&
	    autoscope_soon(token_autoscope_enforce_ms(t), ctx->now_ms);
}

static bool
token_flag_will_narrow(const struct token_info *t, const struct token_ctx *ctx)
{
	return !token_is_expired(t, ctx->now_ms) && token_autoscope_narrows(t);
}

static bool
token_flag_uncoverable(const struct token_info *t, const struct token_ctx *ctx)
{
	(void)ctx;
	return token_autoscope(t) == AUTOSCOPE_API_NOT_COVERED;
}

/* pat (lower case) at s, ignoring case; returns its length or 0. */
static size_t
token_prefix_fold(const char *s, const char *pat)
{
	size_t i;

	for (i = 0; pat[i] != '\0'; i++) {
		if (token_fold((unsigned char)s[i]) != (unsigned char)pat[i])
			return 0;
	}
	return i;
}

/* Word-ish: one of pats[0..n) (lower case; NULL ones skipped) starts the
 * string or follows a non-alphanumeric byte, and is not followed by a
 * letter ("test1", "old-key" match; "latest", "testing" do not). One pass
 * over s: at each word start, only the patterns that begin with its
 * letter. */
static bool
token_has_any_wordish(const char *s, const char *const *pats, size_t n)
{
	const char *p;
	unsigned char c;
	size_t i, len;

	for (p = s; *p != '\0'; p++) {
		if (p > s && token_is_alnum((unsigned char)p[-1]))
			continue;
		c = token_fold((unsigned char)*p);
		for (i = 0; i < n; i++) {
			if (pats[i] == NULL || (unsigned char)pats[i][0] != c ||
			    (len = token_prefix_fold(p, pats[i])) == 0)
				continue;
			if (!token_is_alnum((unsigned char)p[len]) || (p[len] >= '0' && p[len] <= '9'))
				return true;
		}
	}
	return false;
}

static bool
token_blank(const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		if (*s != ' ' && *s != '\t')
			return false;
	}
	return true;
}

bool
token_comment_stale(const char *comment, const struct token_ctx *ctx)
{
	const char *const *pats = ctx->stale_patterns;
	size_t n = ctx->nstale;

	if (token_blank(comment))
		return true;
	if (pats == NULL) {
		pats = token_stale_defaults;
		n = sizeof token_stale_defaults / sizeof token_stale_defaults[0];
	}
	return token_has_any_wordish(comment, pats, n);
}

static bool
token_flag_stale_comment(const struct token_info *t, const struct token_ctx *ctx)
{
	return token_comment_stale(token_comment(t), ctx);
}

static bool
token_is_id(const struct token_info *t, const char *id)
{
	return id != NULL && *id != '\0' && token_id_cmp_text(t, id, false) == 0;
}

static bool
token_flag_self(const struct token_info *t, const struct token_ctx *ctx)
{
	size_t i;

	if (token_is_id(t, ctx->self_id))
		return true;
	for (i = 0; i < ctx->nself_also; i++)
		if (token_is_id(t, ctx->self_also[i]))
			return true;
	return false;
}

/* Databricks' disuse revocation falls within the window from now (not
 * already past: unused-90d says that; not for an expired token). */
static bool
token_flag_revoke_soon(const struct token_info *t, const struct token_ctx *ctx)
{
	int64_t at = token_revoke_at(t, NULL);
	int64_t window = ctx->revoke_soon_ms > 0 ? ctx->revoke_soon_ms :
			 TOKEN_REVOKE_SOON_DAYS * TOKEN_DAY_MS;

	return at > ctx->now_ms && at - ctx->now_ms <= window &&
	    !token_is_expired(t, ctx->now_ms);
}

typedef bool (*token_flag_fn)(const struct token_info *, const struct token_ctx *);

static const token_flag_fn token_flag_table[TOKEN_FLAG_COUNT] = {
	[TOKEN_FLAG_BIT_UNUSED_90D] = token_flag_unused_90d,
	[TOKEN_FLAG_BIT_UNUSED_30D] = token_flag_unused_30d,
	[TOKEN_FLAG_BIT_NEVER_EXPIRES] = token_flag_never_expires,
	[TOKEN_FLAG_BIT_OVER_MAX_LIFETIME] = token_flag_over_max,
	[TOKEN_FLAG_BIT_EXPIRING] = token_flag_expiring,
	[TOKEN_FLAG_BIT_EXPIRED] = token_flag_expired,
	[TOKEN_FLAG_BIT_PRIVILEGED] = token_flag_privileged,
	[TOKEN_FLAG_BIT_ALL_APIS] = token_flag_all_apis,
	[TOKEN_FLAG_BIT_AUTOSCOPE] = token_flag_autoscope,
	[TOKEN_FLAG_BIT_AUTOSCOPE_SOON] = token_flag_autoscope_soon,
	[TOKEN_FLAG_BIT_WILL_NARROW] = token_flag_will_narrow,
	[TOKEN_FLAG_BIT_UNCOVERABLE] = token_flag_uncoverable,
	[TOKEN_FLAG_BIT_STALE_COMMENT] = token_flag_stale_comment,
	[TOKEN_FLAG_BIT_SELF] = token_flag_self,
	[TOKEN_FLAG_BIT_REVOKE_SOON] = token_flag_revoke_soon,
};

/* The flags of t among those in mask. */
unsigned
token_flags_masked(const struct token_info *t, const struct token_ctx *ctx, unsigned mask)
{
	unsigned flags = 0;
	int b;

	for (b = 0; b < TOKEN_FLAG_COUNT; b++) {
		if ((mask & (1u << b)) != 0 && token_flag_table[b](t, ctx))
			flags |= 1u << b;
	}
	return flags;
}

unsigned
token_flags(const struct token_info *t, const struct token_ctx *ctx)
{
	return token_flags_masked(t, ctx, ~0u);
}

/* Whole names only: a name that does not fit is left out with the rest. */
void
token_flags_format(unsigned flags, char *out, size_t n)
{
	size_t used = 0, len;
	int b;

	if (n == 0)
		return;
	out[0] = '\0';
	for (b = 0; b < TOKEN_FLAG_COUNT; b++) {
		if ((flags & (1u << b)) == 0)
			continue;
		len = strlen(token_flag_rows[b].name);
		if (used + len + (used > 0) >= n)
			return;
		if (used > 0)               /* no printf: a cell of every audit row */
			out[used++] = ',';
		memcpy(out + used, token_flag_rows[b].name, len + 1);
		used += len;
	}
}

/* ---- quota ------------------------------------------------------------ */

static bool
token_is_expiring(const struct token_info *t, int64_t now_ms)
{
	struct token_ctx ctx = { .now_ms = now_ms };

	return token_flag_expiring(t, &ctx);
}

size_t
token_active_count(const struct token_table *tab, int64_t now_ms)
{
	size_t i, n = 0;

	for (i = 0; i < tab->n; i++)
		n += !token_is_expired(&tab->rows[i], now_ms);
	return n;
}

size_t
token_expiring_count(const struct token_table *tab, int64_t now_ms)
{
	size_t i, n = 0;

	for (i = 0; i < tab->n; i++)
		n += token_is_expiring(&tab->rows[i], now_ms);
	return n;
}

static int
token_owner_cmp(const void *pa, const void *pb)
{
	const struct token_owner_count *a = pa, *b = pb;

	if (a->active != b->active)
		return a->active > b->active ? -1 : 1;
	return strcmp(a->owner, b->owner);
}

/* Add row t to the owner's counts. */
static void
token_owner_add(struct token_owner_count *c, const struct token_info *t, int64_t now_ms)
{
	c->total++;
	if (token_is_expired(t, now_ms))
		return;
	c->active++;
	c->expiring += token_is_expiring(t, now_ms);
}

size_t
token_quota_by_owner(const struct token_table *tab, int64_t now_ms,
    struct token_owner_count **out)
{
	struct token_owner_count *c;
	size_t *idx, i, n = 0;

	*out = NULL;
	if (tab->n == 0)
		return 0;
	idx = malloc(tab->n * sizeof *idx);
	c = calloc(tab->n, sizeof *c);
	if (idx == NULL || c == NULL) {
		free(idx);
		free(c);
		return (size_t)-1;
	}
	for (i = 0; i < tab->n; i++)
		idx[i] = i;
	token_sort(tab, idx, tab->n, TOKEN_SORT_OWNER, false);
	for (i = 0; i < tab->n; i++) {
		const struct token_info *t = &tab->rows[idx[i]];
		if (n == 0 || strcmp(c[n - 1].owner, token_owner(t)) != 0)
			c[n++].owner = token_owner(t);
		token_owner_add(&c[n - 1], t, now_ms);
	}
	free(idx);
	qsort(c, n, sizeof *c, token_owner_cmp);
	*out = c;
	return n;
}
