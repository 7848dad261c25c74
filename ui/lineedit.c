/*
 * lineedit.c: the one line editor (lineedit.h).
 *
 * A table maps each edit key to what it does; what is not in it and can be
 * typed is inserted. The view sanitizes one character at a time, so the
 * cursor's column is the sum of the widths before it whatever the
 * sanitizer makes of each (an escape, a wide character).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lineedit.h"
#include "sanitize.h"
#include "secret.h"
#include "ui_curses.h"
#include "utf8.h"

#define LINEEDIT_GLYPH_MAX 32    /* the longest sanitized character: "\u{10FFFF}" */
#define LINEEDIT_CTRL(c)   ((c) & 0x1f)
#define LINEEDIT_DEL       127

int
lineedit_init(struct lineedit *le, size_t max)
{
	memset(le, 0, sizeof *le);
	le->max = max;
	le->buf = calloc(max + 1, sizeof *le->buf);
	return le->buf == NULL ? -1 : 0;
}

void
lineedit_free(struct lineedit *le)
{
	if (le->buf != NULL)
		secret_wipe(le->buf, (le->max + 1) * sizeof *le->buf);
	free(le->buf);
	le->buf = NULL;
	le->len = le->cur = le->off = 0;
}

void
lineedit_set(struct lineedit *le, const char *s)
{
	size_t n = strlen(s), i = 0;
	uint32_t cp;

	secret_wipe(le->buf, (le->max + 1) * sizeof *le->buf);
	le->len = 0;
	while (i < n && le->len < le->max) {
		i += utf8_next(s + i, n - i, &cp);
		le->buf[le->len++] = (wchar_t)cp;
	}
	le->cur = le->len;
	le->off = 0;
	le->dirty = false;
}

char *
lineedit_text(const struct lineedit *le)
{
	char *out;
	size_t i, o = 0;

	if ((out = malloc(le->len * 4 + 1)) == NULL)
		return NULL;
	for (i = 0; i < le->len; i++)
		o += utf8_put((uint32_t)le->buf[i], out + o);
	out[o] = '\0';
	return out;
}

char *
lineedit_text_before(const struct lineedit *le)
{
	struct lineedit head = *le;

	head.len = le->cur;
	return lineedit_text(&head);
}

bool
lineedit_typable(wint_t wc)
{
	return wc >= 0x20 && wc != 0x7f && !(wc >= 0x80 && wc < 0xa0) &&
	    wc <= 0x10ffff && !(wc >= 0xd800 && wc <= 0xdfff);
}

static bool
lineedit_insert(struct lineedit *le, wchar_t wc)
{
	if (le->len >= le->max)
		return false;
	memmove(le->buf + le->cur + 1, le->buf + le->cur, (le->len - le->cur) * sizeof *le->buf);
	le->buf[le->cur++] = wc;
	le->len++;
	return true;
}

bool
lineedit_insert_text(struct lineedit *le, const char *s, size_t n)
{
	size_t len = strlen(s), i = 0;
	uint32_t cp;

	if (n < len)
		len = n;
	while (i < len) {
		i += utf8_next(s + i, len - i, &cp);
		if (!lineedit_insert(le, (wchar_t)cp))
			return false;
		le->dirty = true;
	}
	return true;
}

/* Delete n characters before the cursor. */
static void
lineedit_erase_back(struct lineedit *le, size_t n)
{
	memmove(le->buf + le->cur - n, le->buf + le->cur, (le->len - le->cur) * sizeof *le->buf);
	le->cur -= n;
	le->len -= n;
	le->buf[le->len] = 0;
}

static void
lineedit_left(struct lineedit *le)
{
	if (le->cur > 0)
		le->cur--;
}

static void
lineedit_right(struct lineedit *le)
{
	if (le->cur < le->len)
		le->cur++;
}

static void
lineedit_home(struct lineedit *le)
{
	le->cur = 0;
}

static void
lineedit_end(struct lineedit *le)
{
	le->cur = le->len;
}

static void
lineedit_backspace(struct lineedit *le)
{
	if (le->cur > 0)
		lineedit_erase_back(le, 1);
}

static void
lineedit_delete(struct lineedit *le)
{
	if (le->cur < le->len) {
		le->cur++;
		lineedit_erase_back(le, 1);
	}
}

/* Ctrl-U: delete from the start to the cursor. */
static void
lineedit_kill(struct lineedit *le)
{
	lineedit_erase_back(le, le->cur);
}

/* Ctrl-W: delete the word before the cursor and the blanks after it. */
static void
lineedit_word(struct lineedit *le)
{
	size_t i = le->cur;

	while (i > 0 && le->buf[i - 1] == ' ')
		i--;
	while (i > 0 && le->buf[i - 1] != ' ')
		i--;
	lineedit_erase_back(le, le->cur - i);
}

static const struct {
	int ch;
	bool is_key;
	void (*fn)(struct lineedit *);
	bool edits;
} lineedit_keys[] = {
	{ KEY_LEFT, true, lineedit_left, false },
	{ KEY_RIGHT, true, lineedit_right, false },
	{ KEY_HOME, true, lineedit_home, false },
	{ LINEEDIT_CTRL('a'), false, lineedit_home, false },
	{ KEY_END, true, lineedit_end, false },
	{ LINEEDIT_CTRL('e'), false, lineedit_end, false },
	{ KEY_BACKSPACE, true, lineedit_backspace, true },
	{ LINEEDIT_DEL, false, lineedit_backspace, true },
	{ LINEEDIT_CTRL('h'), false, lineedit_backspace, true },
	{ KEY_DC, true, lineedit_delete, true },
	{ LINEEDIT_CTRL('d'), false, lineedit_delete, true },
	{ LINEEDIT_CTRL('u'), false, lineedit_kill, true },
	{ LINEEDIT_CTRL('w'), false, lineedit_word, true },
};

enum lineedit_res
lineedit_key(struct lineedit *le, int ch, bool is_key)
{
	size_t i;

	for (i = 0; i < sizeof lineedit_keys / sizeof lineedit_keys[0]; i++) {
		if (lineedit_keys[i].ch == ch && lineedit_keys[i].is_key == is_key) {
			lineedit_keys[i].fn(le);
			le->dirty |= lineedit_keys[i].edits;
			return lineedit_keys[i].edits ? LINEEDIT_EDITED : LINEEDIT_MOVED;
		}
	}
	if (is_key || !lineedit_typable((wint_t)ch))
		return LINEEDIT_NONE;
	if (!lineedit_insert(le, (wchar_t)ch))
		return LINEEDIT_FULL;
	le->dirty = true;
	return LINEEDIT_EDITED;
}

/* The visible form of wc (sanitized) into out; returns its width. */
static size_t
lineedit_glyph(wchar_t wc, unsigned sflags, char *out, size_t outlen)
{
	char u[8];

	u[utf8_put((uint32_t)wc, u)] = '\0';
	sanitize_cell(u, 0, 0, sflags, out, outlen);
	secret_wipe(u, sizeof u);
	return sanitize_width(out);
}

/* Scroll sideways so the cursor fits in width columns: room for the
 * character under it, or one column at the end. */
static void
lineedit_scroll(struct lineedit *le, size_t width, unsigned sflags)
{
	char g[LINEEDIT_GLYPH_MAX];
	size_t w = 1, gw, i = le->cur;

	if (le->cur < le->off) {
		le->off = le->cur;
		return;
	}
	if (le->cur < le->len)
		w = lineedit_glyph(le->buf[le->cur], sflags, g, sizeof g);
	while (i > le->off) {
		gw = lineedit_glyph(le->buf[i - 1], sflags, g, sizeof g);
		if (w + gw > width)
			break;
		w += gw;
		i--;
	}
	le->off = i;
	secret_wipe(g, sizeof g);
}

size_t
lineedit_view(struct lineedit *le, size_t width, unsigned sflags, char *out, size_t outlen,
    size_t *cursor_x)
{
	char g[LINEEDIT_GLYPH_MAX];
	size_t i, w = 0, o = 0, gw, glen;

	lineedit_scroll(le, width, sflags);
	*cursor_x = (size_t)-1;
	for (i = le->off; i <= le->len; i++) {
		if (i == le->cur)
			*cursor_x = w;
		if (i == le->len)
			break;
		gw = lineedit_glyph(le->buf[i], sflags, g, sizeof g);
		glen = strlen(g);
		if (w + gw > width || o + glen >= outlen)
			break;
		memcpy(out + o, g, glen);
		o += glen;
		w += gw;
	}
	if (outlen > 0)
		out[o < outlen ? o : outlen - 1] = '\0';
	secret_wipe(g, sizeof g);
	return w;
}
