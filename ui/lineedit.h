/*
 * lineedit.h: one line of text being edited: the dialogs' text fields
 * (form.h) and the status line's prompts (/ filter and search, : commands,
 * ui_prompt.c) edit through it, with the same keys.
 *
 * The text is kept as code points (at most max of them) with a cursor and a
 * horizontal scroll offset; it comes in and goes out as UTF-8 (utf8.h).
 * Keys, as get_wch gives them (a character, or a KEY_* code when is_key):
 * Left, Right, Home or Ctrl-A, End or Ctrl-E move the cursor; Backspace or
 * Ctrl-H, Delete or Ctrl-D, Ctrl-U (to the start of the line) and Ctrl-W
 * (the word before the cursor and the blanks after it) delete; any other
 * typable character (no control of any kind) is inserted at the cursor.
 * What is typed may be a secret (a path next to a token): the buffer is
 * wiped when freed or set again, and so are the scratch buffers of
 * lineedit_view.
 */
#ifndef PATROL_LINEEDIT_H
#define PATROL_LINEEDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

struct lineedit {
	wchar_t *buf;            /* max + 1 code points, 0-terminated */
	size_t len, max;
	size_t cur;              /* the cursor: 0..len */
	size_t off;              /* the first character shown (lineedit_view) */
	bool dirty;              /* edited since it was set */
};

/* What a key did. */
enum lineedit_res {
	LINEEDIT_NONE,           /* not an edit key: the caller's */
	LINEEDIT_MOVED,          /* the cursor moved */
	LINEEDIT_EDITED,         /* the text changed */
	LINEEDIT_FULL,           /* a character did not fit: max reached */
};

/* Room for max code points, empty. 0, or -1 on out of memory. */
int lineedit_init(struct lineedit *le, size_t max);
/* Wipe and free the buffer (le may be zeroed: nothing then). */
void lineedit_free(struct lineedit *le);
/* Replace the text with UTF-8 s (invalid bytes become U+FFFD; cut at max),
 * the cursor at its end, not dirty. */
void lineedit_set(struct lineedit *le, const char *s);
/* The text as a malloc'd UTF-8 string, or NULL on out of memory. */
char *lineedit_text(const struct lineedit *le);
/* The text before the cursor, malloc'd UTF-8, or NULL on out of memory. */
char *lineedit_text_before(const struct lineedit *le);
/* Insert the first n bytes of UTF-8 s (SIZE_MAX: all of it) at the cursor,
 * the cursor after it; false when max was reached (what fitted stays). */
bool lineedit_insert_text(struct lineedit *le, const char *s, size_t n);
/* Whether wc may be typed into a line: no control of any kind. */
bool lineedit_typable(wint_t wc);
/* Feed one key (see above). */
enum lineedit_res lineedit_key(struct lineedit *le, int ch, bool is_key);
/* What width columns show of the line: the characters from the scroll
 * offset on, each sanitized on its own (flags: sanitize.h), into out (NUL-
 * terminated), after moving the offset so that the cursor shows (a column
 * is kept for it at the end). *cursor_x gets the cursor's column. Returns
 * the width written. */
size_t lineedit_view(struct lineedit *le, size_t width, unsigned sflags, char *out,
		     size_t outlen, size_t *cursor_x);

#endif
