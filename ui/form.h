/*
 * form.h: the form engine under the dialogs (dialog.c): a modal window that
 * is a column of fields built from a table.
 *
 * Fields: labels (wrapped text), text fields (lineedit.h, scrolled
 * sideways), grids (radio items or a checklist, laid out in as many columns
 * as fit), toggles and buttons. The body scrolls to keep the focus visible,
 * so every form is usable down to 40x10; the note line (errors, outcomes)
 * and the button row stay fixed at the bottom. Keys: Tab / Shift-Tab (and
 * Down / Up) move between fields, Enter activates the focused button or
 * means OK, Esc cancels; the focused field takes its own keys first
 * (lineedit.h for text; arrows and Space in a grid; Space on a toggle).
 * What a form is for hangs off its ops: checking and storing on OK, keys
 * of its own, a hook after every key. Everything shown that may come from a
 * server or the user goes through the sanitizer. No network, no model: a
 * dialog reads the fields when the form ends.
 */
#ifndef PATROL_FORM_H
#define PATROL_FORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lineedit.h"
#include "ui_curses.h"

#define FORM_NOTE_MAX 512

/* How a form ended, or that it goes on. */
enum form_result {
	FORM_OPEN,        /* still open: keep feeding keys */
	FORM_OK,
	FORM_CANCEL,      /* Cancel or Esc */
	FORM_ALT,         /* the button with FORM_ID_ALT */
};

enum field_kind {
	FIELD_LABEL,
	FIELD_TEXT,
	FIELD_GRID,
	FIELD_TOGGLE,
	FIELD_BUTTON,
};

/* Field ids the engine acts on (buttons); a form numbers its own fields
 * from FORM_ID_FIRST. */
enum {
	FORM_ID_NONE,
	FORM_ID_OK,
	FORM_ID_ALT,
	FORM_ID_CANCEL,
	FORM_ID_FIRST,
};

enum field_flags {
	FS_ADMIN = 1 << 0,	/* only when the user is an admin */
	FS_HIDDEN = 1 << 1,	/* starts hidden */
	FS_BOLD = 1 << 2,	/* a label drawn bold */
	FS_SECRET = 1 << 3,	/* a label that holds the secret */
};

struct grid_item {
	const char *name;
	int64_t seconds;	/* presets: the lifetime; 0 = "max" (omitted) */
	bool privileged;
};

/* One row of a form's field table. */
struct field_spec {
	enum field_kind kind;
	int id;
	const char *label;	/* left column; a button's text */
	const char *hint;	/* placeholder of an empty text field; label text */
	size_t max;		/* text fields: most code points */
	int flags;
	const struct grid_item *items;	/* grids: the items (outlive the form) */
	size_t nitems;
	bool radio;		/* grids: one item on at a time */
};

struct grid {
	const struct grid_item **items;
	bool *on;
	size_t n, cur, cols;
	bool radio;
};

struct field {
	enum field_kind kind;
	int id;
	const char *label;
	const char *hint;
	int flags;
	char *text;		/* labels: sanitized text (owned) */
	struct lineedit le;
	struct grid grid;
	bool on;		/* toggles */
	bool hidden;
	bool disabled;		/* buttons */
	bool dim;		/* grids: drawn dim (another field overrides them) */
	int row;		/* first body row, from the last layout */
};

struct form;

struct form_ops {
	int want_width;
	/* Check and store the results; 0, or -1 with a note and the focus set. */
	int (*accept)(struct form *);
	/* Keys the form handles before the fields; true when consumed. */
	bool (*key)(struct form *, int, bool, enum form_result *);
	/* Called after every key (a confirm enables OK here). */
	void (*changed)(struct form *);
};

struct form {
	const struct form_ops *ops;
	char *title;
	unsigned sflags;	/* sanitize flags */
	bool ascii;
	struct field *fields;
	size_t nfields, focus;
	WINDOW *win;		/* owned */
	int top;		/* first body row shown */
	int cur_y, cur_x;	/* where the terminal cursor goes */
	int bodyh, total;
	int noteh;		/* rows of the note, from the last layout */
	char note[FORM_NOTE_MAX];
	const char *footer;	/* the bottom row when there are no buttons */
	int disabled_focus;	/* OK pressed while disabled: focus this field */
};

/* Set up f with extra leading fields (made labels by the caller) and then
 * the rows of specs (FS_ADMIN rows only when admin); the focus on the
 * first focusable field. 0, or -1 on out of memory (form_free cleans up). */
int form_init(struct form *f, const struct form_ops *ops, const char *title, bool ascii,
	      const struct field_spec *specs, size_t nspecs, size_t extra, bool admin);
/* Free what f holds (wiping labels, text and the window's cells). */
void form_free(struct form *f);
/* The field with this id, or NULL when the form has none. */
struct field *form_find(struct form *f, int id);
/* The field with this id, which the form's own table has: a missing one is
 * a programming error (abort). */
struct field *form_get(struct form *f, int id);
void form_focus_id(struct form *f, int id);
/* Set a label's text (sanitized; old text wiped). -1 on out of memory. */
int form_set_text(struct form *f, struct field *fl, const char *s);
/* The note, as given (already sanitized). */
void form_set_note(struct form *f, const char *msg);
/* The note, sanitized. */
void form_note(struct form *f, const char *msg);
/* Record a validation error ("! msg"), focus field id; returns -1. */
int form_error(struct form *f, int id, const char *msg);
/* Feed one key: ch from get_wch, a KEY_* code when is_key. */
enum form_result form_key(struct form *f, int ch, bool is_key);
/* Draw into the form's own window (created or resized to fit the screen)
 * and wnoutrefresh it. Call after the screen behind it was drawn. */
void form_draw(struct form *f);
/* Screen size changed: re-centre on the next draw. */
void form_resize(struct form *f);

#endif
