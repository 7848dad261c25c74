/*
 * dialog.h: modal forms drawn over the table: create, edit, confirm, input
 * (one value, e.g. a workspace setting), and the one-time secret reveal.
 *
 * A dialog is a form (form.h) with no network and no model access: it
 * takes keys, draws itself centred on the screen in a window it owns, and
 * ends with DIALOG_OK or DIALOG_CANCEL; the UI then reads what was entered
 * and acts (the callback given to ui_dialog_open). Keys: Tab / Shift-Tab
 * (and Down / Up) move between fields, Enter activates the focused button
 * or accepts, Esc cancels. Text fields edit in place with the line editor's
 * keys (lineedit.h); checklists toggle with Space.
 */
#ifndef PATROL_DIALOG_H
#define PATROL_DIALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api.h"

enum dialog_result {
	DIALOG_OPEN,      /* still open: keep feeding keys */
	DIALOG_OK,
	DIALOG_CANCEL,    /* Cancel or Esc: the caller does nothing */
	DIALOG_ALT,       /* the third answer of dialog_choice_new */
};

struct dialog;

/* Create: comment (at most 255 characters), lifetime (presets 1d 7d 30d 90d
 * 1y max, plus free entry parsed with duration_parse, capped at
 * max_lifetime_days when > 0), scopes (a checklist of the known scopes of
 * token-api.md plus a free-entry field, comma-separated), autoscope, and,
 * when admin, an optional service principal application id. Validation
 * errors are shown inside the dialog; DIALOG_OK only with valid input. */
struct dialog *dialog_create_new(int64_t max_lifetime_days, bool admin, bool ascii);
/* Edit: comment and scopes of one token, prefilled. */
struct dialog *dialog_edit_new(const char *comment, const char *const *scopes, size_t nscopes,
			       bool ascii);
/* Body lines (of confirm, choice and input dialogs) are paragraphs: each
 * wraps at word boundaries to the dialog's width and starts a new row, so
 * a sentence is never split over two lines by the caller. */
/* Confirm: title and body lines (sanitized by the caller). Focus starts on
 * Cancel. With typed non-NULL the user must type exactly that text (e.g. the
 * count of a large revoke) before OK is possible: the focus then starts in
 * the field, and Enter there is OK once the text matches. */
struct dialog *dialog_confirm_new(const char *title, const char *const *lines, size_t nlines,
				  const char *typed, bool ascii);
/* A confirm with three answers: buttons Cancel, alt and ok (labels must
 * outlive the dialog: string literals), focus on Cancel. Enter on alt ends
 * with DIALOG_ALT; Esc, like Cancel, with DIALOG_CANCEL: the one answer
 * that does nothing. */
struct dialog *dialog_choice_new(const char *title, const char *const *lines, size_t nlines,
				 const char *ok, const char *alt, bool ascii);
/* Check an input value: 0, or -1 with why filled (shown in the dialog). */
typedef int (*dialog_check_fn)(const char *value, char *why, size_t n);
/* Input: body lines (sanitized by the caller), then one text field
 * (label and hint must outlive the dialog: string literals; at most max
 * characters; prefilled with initial) and OK / Cancel. Focus starts in the
 * field; Enter there means OK. check, when not NULL, must accept the value
 * before DIALOG_OK. The value: dialog_input_value. */
struct dialog *dialog_input_new(const char *title, const char *const *lines, size_t nlines,
				const char *label, const char *hint, const char *initial,
				size_t max, dialog_check_fn check, bool ascii);
/* The text the input dialog accepted (valid until it is freed). */
const char *dialog_input_value(const struct dialog *d);
/* The one-time secret reveal: shows token_value (copied; wiped when the
 * dialog is freed), the id and comment, and the keys: y copy (OSC 52),
 * w write to a file, Enter/Esc close. Closing before the secret was written
 * to a file asks first ("Discard the secret?": only d discards it, any
 * other key keeps it shown). The dialog does not write to the terminal or
 * files itself: dialog_secret_request tells the UI what the user asked
 * for, and dialog_secret_written what came of a write. */
struct dialog *dialog_secret_new(const char *token_value, const char *token_id,
				 const char *comment, bool ascii);

enum dialog_request {
	DIALOG_REQ_NONE,
	DIALOG_REQ_COPY,       /* copy the secret to the clipboard (OSC 52) */
	DIALOG_REQ_WRITE,      /* write it to dialog_secret_path() */
};
/* What the secret dialog asks the UI to do, once (the request is cleared). */
enum dialog_request dialog_secret_request(struct dialog *d);
/* The path typed for DIALOG_REQ_WRITE. */
const char *dialog_secret_path(const struct dialog *d);
/* The secret itself, for the UI to copy or write. */
const char *dialog_secret_value(const struct dialog *d);
/* Whether the secret was written to a file or a copy was asked for: when
 * neither, closing the dialog discarded it unseen by anything else. */
bool dialog_secret_taken(const struct dialog *d);
/* The write asked for is done: ok (closing no longer asks) with msg as the
 * note; or it failed: msg as the note and the path field open again,
 * empty, so what is typed next is a new path, not appended to the old. */
void dialog_secret_written(struct dialog *d, bool ok, const char *msg);
/* Show a one-line note inside the dialog ("copied", "written to F", an error). */
void dialog_note(struct dialog *d, const char *msg);

/* Feed one key: ch is a character (from get_wch) when is_key is false, or a
 * KEY_* code when true. */
enum dialog_result dialog_key(struct dialog *d, int ch, bool is_key);
/* Draw into the dialog's own window (created/resized to fit the screen) and
 * wnoutrefresh it. Call after the screen behind it was drawn. */
void dialog_draw(struct dialog *d);
/* Screen size changed: re-centre on the next draw. */
void dialog_resize(struct dialog *d);

/* Results. dialog_create_params fills p with pointers into the dialog (valid
 * until it is freed). dialog_edit_params fills an update with only what
 * changed (comment and/or scopes). */
void dialog_create_params(const struct dialog *d, struct api_create_params *p);
void dialog_edit_params(const struct dialog *d, struct api_update_params *p);
/* Free (wiping the secret of a secret dialog). NULL is fine. */
void dialog_free(struct dialog *d);

/* ---- OSC 52 (ui/osc52.c; no curses) ------------------------------------ */
/* Build the OSC 52 sequence that puts text on the clipboard: ESC ] 52 ; c ;
 * base64 BEL; plain when TMUX is set (tmux handles OSC 52 itself, see
 * osc52_tmux_clipboard), wrapped for GNU screen (DCS chunks) when TERM
 * starts with "screen" and TMUX is not set. Returns a malloc'd string (the
 * caller wipes and frees it) or NULL when text is longer than max (default
 * cap 8192 bytes), holds a control character, or out of memory. */
char *osc52_sequence(const char *text, size_t max, const char *tmux_env, const char *term_env);

/* What the tmux we run in does with a program's OSC 52 (its set-clipboard
 * option, asked with `tmux show-options`; at most half a second). */
enum osc52_tmux {
	OSC52_TMUX_UNKNOWN,   /* could not ask */
	OSC52_TMUX_ON,        /* sets the clipboard and keeps a paste buffer */
	OSC52_TMUX_DROPS,     /* off or external: a program's OSC 52 is dropped */
};
enum osc52_tmux osc52_tmux_clipboard(void);

#endif
