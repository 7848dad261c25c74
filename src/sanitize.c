/*
 * sanitize.c: turn untrusted server text into something safe to print.
 *
 * Input is decoded as strict UTF-8; each maximal invalid subpart becomes one
 * U+FFFD, as the Unicode standard recommends. Every code point then becomes a
 * "unit": either the character itself, or a visible escape (\e, \t, \xNN,
 * \u{HEX}) when it is a control, a bidi or invisible format character, a
 * code point wcwidth() calls non-printable, or a combining mark with nothing
 * to combine with. Units go into a sink that enforces a byte capacity and a
 * display-width limit. The sink remembers the last point that still leaves
 * room for the ellipsis; when a unit does not fit it goes back there and ends
 * with the ellipsis, so an escape or a wide character is never cut in half.
 * One engine serves sanitize() (malloc'd result) and sanitize_cell() (the
 * caller's buffer, no allocation: it runs for every cell of every redraw).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include <locale.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "sanitize.h"
#include "utf8.h"

#define SANITIZE_REPLACEMENT	0xFFFDu
#define SANITIZE_ELLIPSIS	0x2026u
#define SANITIZE_UNIT_MAX	16	/* longest unit: "\u{10FFFF}" */
#define SANITIZE_GROWTH		4	/* most output bytes per input byte */
#define SANITIZE_STACK		1024	/* results this small need one pass */

enum cp_kind {
	KIND_CONTROL,	/* C0 or DEL: a named escape or \xNN */
	KIND_ESCAPE,	/* always \u{HEX}, whatever wcwidth says */
	KIND_OTHER,	/* wcwidth decides */
};

struct cp_range {
	uint32_t	lo, hi;
	enum cp_kind	kind;
};

/* Code points that are never printed as themselves, sorted. */
static const struct cp_range cp_ranges[] = {
	{ 0x0000, 0x001f, KIND_CONTROL },	/* C0 */
	{ 0x007f, 0x007f, KIND_CONTROL },	/* DEL */
	{ 0x0080, 0x009f, KIND_ESCAPE },	/* C1 */
	{ 0x061c, 0x061c, KIND_ESCAPE },	/* Arabic letter mark */
	{ 0x180e, 0x180e, KIND_ESCAPE },	/* Mongolian vowel separator */
	{ 0x200b, 0x200f, KIND_ESCAPE },	/* zero width, LRM, RLM */
	{ 0x2028, 0x202e, KIND_ESCAPE },	/* line/paragraph separator, embeddings, overrides */
	{ 0x2060, 0x206f, KIND_ESCAPE },	/* word joiner, invisible operators, isolates */
	{ 0xfeff, 0xfeff, KIND_ESCAPE },	/* zero width no-break space (BOM) */
	{ 0xfff9, 0xfffb, KIND_ESCAPE },	/* interlinear annotation */
	{ 0xe0000, 0xe007f, KIND_ESCAPE },	/* tag characters */
};

/* Named escapes for C0 controls; the others are \xNN. */
static const char *const c0_names[0x20] = {
	[0x09] = "\\t",
	[0x0a] = "\\n",
	[0x0d] = "\\r",
	[0x1b] = "\\e",
};

/* What one input character becomes. */
struct unit {
	char	text[SANITIZE_UNIT_MAX];
	size_t	len;
	size_t	width;
	int	base;	/* a combining mark may follow */
};

/* Where units go: a byte capacity, a width limit, the last cut point. */
struct sink {
	char		*out;		/* NULL: only count */
	size_t		 cap;		/* bytes available, excluding the NUL */
	size_t		 len;
	size_t		 width;
	size_t		 max_width;	/* SIZE_MAX: no limit */
	int		 pad;
	size_t		 mark_len;	/* last cut point with room for the ellipsis */
	size_t		 mark_width;
	const char	*ell;
	size_t		 ell_len;
	int		 base;
	int		 done;
	unsigned	 flags;
};

static enum cp_kind
cp_kind(uint32_t cp)
{
	size_t i;

	for (i = 0; i < sizeof cp_ranges / sizeof cp_ranges[0]; i++) {
		if (cp < cp_ranges[i].lo)
			break;
		if (cp <= cp_ranges[i].hi)
			return cp_ranges[i].kind;
	}
	return KIND_OTHER;
}

static void
unit_set(struct unit *u, const void *p, size_t len, size_t width, int base)
{
	memcpy(u->text, p, len);
	u->len = len;
	u->width = width;
	u->base = base;
}

/* Make u the escape prefix, v in at least digits upper-case hex, suffix. */
static void
unit_hex(struct unit *u, const char *prefix, uint32_t v, int digits,
    const char *suffix)
{
	static const char hex[] = "0123456789ABCDEF";
	char tmp[8];
	int n = 0;

	do {
		tmp[n++] = hex[v & 0xf];
		v >>= 4;
	} while (v != 0 || n < digits);
	u->len = strlen(prefix);
	memcpy(u->text, prefix, u->len);
	while (n > 0)
		u->text[u->len++] = tmp[--n];
	memcpy(u->text + u->len, suffix, strlen(suffix));
	u->len += strlen(suffix);
	u->width = u->len;
	u->base = 0;
}

static void
unit_control(struct unit *u, uint32_t cp, unsigned flags)
{
	if (cp == '\n' && (flags & SANITIZE_KEEP_NEWLINE))
		unit_set(u, "\n", 1, 0, 0);
	else if (cp < 0x20 && c0_names[cp] != NULL)
		unit_set(u, c0_names[cp], 2, 2, 0);
	else
		unit_hex(u, "\\x", cp, 2, "");
}

/* The replacement character, or '?' where it cannot be shown. */
static void
unit_replacement(struct unit *u, unsigned flags)
{
	if (!(flags & SANITIZE_ASCII) && wcwidth(SANITIZE_REPLACEMENT) == 1)
		unit_set(u, "\xef\xbf\xbd", 3, 1, 1);
	else
		unit_set(u, "?", 1, 1, 1);
}

/* Turn the character cp, encoded as p[0..n), into a unit. */
static void
unit_make(struct unit *u, uint32_t cp, const unsigned char *p, size_t n,
    const struct sink *k)
{
	enum cp_kind kind;
	int w;

	if (cp == UTF8_BAD || cp == SANITIZE_REPLACEMENT) {
		unit_replacement(u, k->flags);
		return;
	}
	kind = cp_kind(cp);
	if (kind == KIND_CONTROL) {
		unit_control(u, cp, k->flags);
		return;
	}
	w = kind == KIND_OTHER && !(k->flags & SANITIZE_ASCII) ?
	    wcwidth((wchar_t)cp) : -1;
	if (w < 0 || (w == 0 && !k->base))
		unit_hex(u, "\\u{", cp, 4, "}");
	else
		unit_set(u, p, n, (size_t)w, 1);
}

/* Whether the sink may hold len bytes of width columns, padding included. */
static int
sink_fits(const struct sink *k, size_t len, size_t width)
{
	size_t padding;

	if (width > k->max_width || len > k->cap)
		return 0;
	padding = k->pad ? k->max_width - width : 0;
	return padding <= k->cap - len;
}

static void
sink_write(struct sink *k, const void *p, size_t n, size_t width)
{
	if (k->out != NULL)
		memcpy(k->out + k->len, p, n);
	k->len += n;
	k->width += width;
}

/* Go back to the last cut point and end with the ellipsis. */
static void
sink_cut(struct sink *k)
{
	k->len = k->mark_len;
	k->width = k->mark_width;
	if (sink_fits(k, k->len + k->ell_len, k->width + 1))
		sink_write(k, k->ell, k->ell_len, 1);
	k->done = 1;
}

/* Remember this point as the cut point if the ellipsis still fits after it. */
static void
sink_mark(struct sink *k)
{
	if (sink_fits(k, k->len + k->ell_len, k->width + 1)) {
		k->mark_len = k->len;
		k->mark_width = k->width;
	}
}

static void
sink_push(struct sink *k, const struct unit *u)
{
	if (!sink_fits(k, k->len + u->len, k->width + u->width)) {
		sink_cut(k);
		return;
	}
	sink_write(k, u->text, u->len, u->width);
	k->base = u->base;
	sink_mark(k);
}

/* Fast path for printable ASCII, the common case. */
static void
sink_push_ascii(struct sink *k, char c)
{
	struct unit u;

	if (k->out == NULL || !sink_fits(k, k->len + 1, k->width + 1)) {
		unit_set(&u, &c, 1, 1, 1);
		sink_push(k, &u);
		return;
	}
	k->out[k->len++] = c;
	k->width++;
	k->base = 1;
	sink_mark(k);
}

static void
sink_init(struct sink *k, char *out, size_t cap, size_t max_width, int pad,
    unsigned flags)
{
	memset(k, 0, sizeof *k);
	k->out = out;
	k->cap = cap;
	k->max_width = max_width != 0 ? max_width : SIZE_MAX;
	k->pad = max_width != 0 && pad;
	k->flags = flags;
	if (!(flags & SANITIZE_ASCII) && wcwidth(SANITIZE_ELLIPSIS) == 1)
		k->ell = "\xe2\x80\xa6";
	else
		k->ell = "~";
	k->ell_len = strlen(k->ell);
}

/* Run n bytes of s through the sink, pad, and NUL-terminate. */
static size_t
sink_run(struct sink *k, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	struct unit u;
	uint32_t cp;
	size_t i = 0, used;

	while (i < n && !k->done) {
		if (p[i] >= 0x20 && p[i] < 0x7f) {
			sink_push_ascii(k, (char)p[i++]);
			continue;
		}
		used = utf8_decode((const char *)p + i, n - i, &cp);
		unit_make(&u, cp, p + i, used, k);
		sink_push(k, &u);
		i += used;
	}
	while (k->pad && k->width < k->max_width && k->len < k->cap)
		sink_write(k, " ", 1, 1);
	if (k->out != NULL)
		k->out[k->len] = '\0';
	return k->len;
}

static locale_t sanitize_utf8_locale;
static pthread_once_t sanitize_utf8_once = PTHREAD_ONCE_INIT;

static void
sanitize_utf8_init(void)
{
	sanitize_utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

/* With SANITIZE_UTF8, switch this thread to C.UTF-8 (wcwidth follows the
 * thread's locale); returns what to restore, or 0 when nothing changed. */
static locale_t
sanitize_locale_enter(unsigned flags)
{
	if (!(flags & SANITIZE_UTF8))
		return (locale_t)0;
	pthread_once(&sanitize_utf8_once, sanitize_utf8_init);
	return sanitize_utf8_locale != (locale_t)0 ? uselocale(sanitize_utf8_locale) : (locale_t)0;
}

static void
sanitize_locale_leave(locale_t old)
{
	if (old != (locale_t)0)
		uselocale(old);
}

static char *
sanitize_n_run(const char *s, size_t n, size_t max_width, unsigned flags)
{
	char small[SANITIZE_STACK];
	struct sink k;
	size_t cap, len;
	char *out;

	if (s == NULL)
		n = 0;
	if (n > (SIZE_MAX - SANITIZE_UNIT_MAX) / SANITIZE_GROWTH)
		return NULL;
	cap = n * SANITIZE_GROWTH + SANITIZE_UNIT_MAX;
	/* Small results in one pass; others are measured, then written. */
	sink_init(&k, cap < sizeof small ? small : NULL, cap, max_width, 0,
	    flags);
	len = sink_run(&k, s, n);
	if ((out = malloc(len + 1)) == NULL)
		return NULL;
	if (k.out == small) {
		memcpy(out, small, len + 1);
		return out;
	}
	sink_init(&k, out, len, max_width, 0, flags);
	sink_run(&k, s, n);
	return out;
}

char *
sanitize_n(const char *s, size_t n, size_t max_width, unsigned flags)
{
	locale_t old = sanitize_locale_enter(flags);
	char *out = sanitize_n_run(s, n, max_width, flags);

	sanitize_locale_leave(old);
	return out;
}

char *
sanitize(const char *s, size_t max_width, unsigned flags)
{
	return sanitize_n(s, s != NULL ? strlen(s) : 0, max_width, flags);
}

size_t
sanitize_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, i = 0, width = 0;
	uint32_t cp;
	int w;

	if (s == NULL)
		return 0;
	n = strlen(s);
	while (i < n) {
		if (p[i] < 0x80) {            /* ASCII, most of it: no decoding */
			width += p[i] >= 0x20 && p[i] < 0x7f;
			i++;
			continue;
		}
		i += utf8_decode((const char *)p + i, n - i, &cp);
		if (cp < 0x80)
			w = cp >= 0x20 && cp < 0x7f;
		else if (cp == UTF8_BAD)
			w = 1;
		else if ((w = wcwidth((wchar_t)cp)) < 0)
			w = 1;
		width += (size_t)w;
	}
	return width;
}

/* Whether any of the eight bytes of w is outside 0x20..0x7e. Exact: a
 * byte below 0x20 borrows into its own high bit (w - 0x20 each, where ~w
 * has it set too), one of 0x7f carries into it (w + 1 each), one of 0x80
 * or more has it already; a borrow or a carry out of a byte comes only
 * from a byte that is itself outside the range. */
static bool
sanitize_word_odd(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;

	return ((((w - ones * 0x20) & ~w) | (w + ones) | w) & highs) != 0;
}

/* The length of s when it is printable ASCII only (0x20..0x7e, shown as
 * it is, one column a byte), else SIZE_MAX. Eight bytes a step (every
 * cell of every table and CSV row comes this way). */
static size_t
sanitize_ascii_len(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, len = strlen(s);
	uint64_t w;

	for (; i + sizeof w <= len; i += sizeof w) {
		memcpy(&w, p + i, sizeof w);
		if (sanitize_word_odd(w))
			return SIZE_MAX;
	}
	for (; i < len; i++)
		if (p[i] < 0x20 || p[i] > 0x7e)
			return SIZE_MAX;
	return len;
}

/* sanitize_cell of printable ASCII s (len bytes) that fits uncut: what
 * the sink gives, copied and padded directly. SIZE_MAX when s is not
 * such a string (the sink handles it). */
static size_t
sanitize_cell_plain(const char *s, size_t width, int pad, char *out, size_t outlen)
{
	size_t len = sanitize_ascii_len(s), total;

	if (len == SIZE_MAX || (width != 0 && len > width))
		return SIZE_MAX;
	total = pad && width > len ? width : len;
	if (total >= outlen)
		return SIZE_MAX;
	memcpy(out, s, len);
	memset(out + len, ' ', total - len);
	out[total] = '\0';
	return total;
}

/* sanitize_cell through the sink (any string). */
static size_t
sanitize_cell_sink(const char *s, size_t width, int pad, unsigned flags, char *out,
    size_t outlen)
{
	struct sink k;
	locale_t old;
	size_t len;

	old = sanitize_locale_enter(flags);
	sink_init(&k, out, outlen - 1, width, pad, flags);
	len = sink_run(&k, s, s != NULL ? strlen(s) : 0);
	sanitize_locale_leave(old);
	return len;
}

size_t
sanitize_cell(const char *s, size_t width, int pad, unsigned flags, char *out,
    size_t outlen)
{
	size_t len;

	if (out == NULL || outlen == 0)
		return 0;
	if ((len = sanitize_cell_plain(s != NULL ? s : "", width, pad, out, outlen)) != SIZE_MAX)
		return len;
	return sanitize_cell_sink(s, width, pad, flags, out, outlen);
}

size_t
sanitize_cell_measure(const char *s, unsigned flags, char *out, size_t outlen,
    size_t *width)
{
	size_t len;

	*width = 0;
	if (out == NULL || outlen == 0)
		return 0;
	/* Printable ASCII shows one column a byte: no second look. */
	if ((len = sanitize_cell_plain(s != NULL ? s : "", 0, 0, out, outlen)) != SIZE_MAX) {
		*width = len;
		return len;
	}
	len = sanitize_cell_sink(s, 0, 0, flags, out, outlen);
	*width = sanitize_width(out);
	return len;
}
