/*
 * ui_internal.h: the state shared by the files of the UI (ui_*.c) and the
 * functions they call in each other. Nothing here is seen outside ui/.
 *
 * ui_term.c  the terminal: open, modes, signals, crash reset, allocation
 * ui_state.c the model: table, flags, filter, sort, marks, worker results
 * ui_draw.c  the screen: header, gauge, table, status, views
 * ui_keys.c  the key table, the actions and the command line
 * ui_main.c  ui_run and the poll loop
 */
#ifndef PATROL_UI_INTERNAL_H
#define PATROL_UI_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "api.h"
#include "config.h"
#include "dialog.h"
#include "token.h"
#include "ui.h"
#include "worker.h"

/* What an action changed: the loop redraws exactly that, once. */
#define UI_R_NONE	0x00u
#define UI_R_CURSOR	0x01u	/* the selected row moved (maybe scrolled) */
#define UI_R_TABLE	0x02u	/* rows, columns or order changed */
#define UI_R_HEADER	0x04u	/* header and gauge */
#define UI_R_STATUS	0x08u	/* status line */
#define UI_R_VIEW	0x10u	/* detail, help or results view */
#define UI_R_ALL	0x1fu
#define UI_R_CLEAR	0x20u	/* Ctrl-L: full repaint */
#define UI_R_QUIT	0x40u

/* Keys: characters as is, curses KEY_* codes with this bit. */
#define UI_KEY(k)	((k) | 0x1000000)
#define UI_CTRL(c)	((c) & 0x1f)
#define UI_ESC		27

/* Per-row marks, kept by token id across refreshes. */
#define UI_MARK_TAGGED	0x01u
#define UI_MARK_STAGED	0x02u
#define UI_MARK_BUSY	0x04u	/* a revoke is in flight */
#define UI_MARK_GONE	0x08u	/* revoked: leaves at the next compaction */

enum ui_mode {
	UI_MODE_TABLE,
	UI_MODE_DETAIL,
	UI_MODE_HELP,
	UI_MODE_RESULTS,
};

enum ui_prompt {
	UI_PROMPT_NONE,
	UI_PROMPT_FILTER,
	UI_PROMPT_COMMAND,
};

enum ui_dlg {
	UI_DLG_NONE,
	UI_DLG_REVOKE,
	UI_DLG_REVOKE_SELF,
	UI_DLG_QUIT,
	UI_DLG_CREATE,
	UI_DLG_EDIT,
	UI_DLG_SECRET,
};

/* What a call submitted to the worker was for (low byte of call->tag). */
enum ui_job {
	UI_JOB_LIST = 1,
	UI_JOB_ME,
	UI_JOB_CONF,
	UI_JOB_REVOKE,
	UI_JOB_CREATE,
	UI_JOB_EDIT,
};

/* One line of the per-token result list of the last bulk revoke. */
struct ui_result {
	char id[TOKEN_ID_LEN + 1];
	char *comment;           /* raw; sanitized when drawn */
	int status;              /* enum patrol_status; -1 while in flight */
	char message[160];       /* raw server message */
};

struct ui_batch {
	struct ui_result *r;
	size_t n;
	size_t done, failed, gone;
	bool running;
};

struct ui {
	struct screen *screen;       /* SCREEN from newterm, freed by delscreen */
	const struct ui_opts *opts;
	struct config cfg_own;       /* after :profile */
	const struct config *cfg;
	char profile[64];
	char self_id[TOKEN_ID_LEN + 1];
	struct worker *w;
	uint64_t gen;                /* bumped on :profile: older answers are dropped */

	/* terminal */
	FILE *tty;
	int ttyfd, sigfd;
	bool colors, ascii, utf8;
	unsigned sflags;             /* sanitize flags */
	bool too_small;

	/* model */
	struct token_table tab;
	unsigned *flags;             /* token_flags per row, computed once per load */
	unsigned char *marks;
	size_t *shown;               /* filtered and sorted indexes into tab.rows */
	size_t *order[TOKEN_SORT_COUNT]; /* per sort key: every row, ascending; built once per table */
	unsigned char *inview;       /* scratch: rows being ordered (all zero between uses) */
	size_t nshown;
	size_t cap;                  /* allocated length of flags, marks, shown */
	struct token_ctx ctx;
	/* the gauge: counted when the table changes, never per redraw */
	size_t quota_active, quota_expiring;
	char quota_owner[128];        /* --all: the owner with most tokens, sanitized */
	bool loaded;
	struct api_me *me;
	struct api_conf *conf;
	int64_t max_days;
	unsigned loading;            /* bit per enum ui_job in flight */

	/* view */
	enum token_sort_key sort;
	bool desc;
	struct token_filter *filter;
	char filter_text[256];
	size_t cursor, top;
	size_t last_tag;             /* view index of the last tagged row */
	bool have_last_tag;
	size_t drawn_cursor, drawn_top;
	bool drawn_valid;
	enum ui_mode mode;
	size_t vtop;                 /* first line of a view */
	char **vlines;
	size_t nvlines;

	/* input */
	enum ui_prompt prompt;
	char input[256];
	struct dialog *dlg;
	enum ui_dlg dlg_kind;
	struct api_created *secret_pending;
	char **revoke_ids;           /* planned for the confirm dialogs */
	size_t nrevoke;
	bool revoke_self;            /* the plan holds the token patrol uses */
	char edit_id[TOKEN_ID_LEN + 1];

	struct ui_batch batch;
	char status[512];            /* last message, already sanitized */
	bool status_error;
	bool quit;
	int exit_code;
};

/* ui_term.c */
void *ui_xcalloc(size_t n, size_t size);
void *ui_xreallocarray(void *p, size_t n, size_t size);
char *ui_xstrdup(const char *s);
void ui_fatal(const char *msg) __attribute__((noreturn));
int ui_term_open(struct ui *u);
void ui_term_close(struct ui *u);
int ui_term_signals(struct ui *u);
void ui_term_resize(struct ui *u);
void ui_term_write_raw(struct ui *u, const char *s, size_t n);

/* ui_state.c */
void ui_state_init(struct ui *u);
void ui_state_free(struct ui *u);
void ui_state_load(struct ui *u);
void ui_state_refilter(struct ui *u);
void ui_state_resort(struct ui *u);
void ui_state_plan_clear(struct ui *u);
const char *ui_state_current_id(const struct ui *u);
const struct token_info *ui_state_current(const struct ui *u);
size_t ui_state_count(const struct ui *u, unsigned mark);
size_t ui_state_count_hidden(const struct ui *u, unsigned mark);
size_t ui_state_count_both(const struct ui *u);
unsigned ui_state_handle(struct ui *u, struct call *c);
void ui_state_submit(struct ui *u, struct call *c, enum ui_job job, uint64_t idx);
void ui_state_compact(struct ui *u);
void ui_msg(struct ui *u, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int ui_state_set_filter(struct ui *u, const char *expr, bool keep_on_error);
int ui_state_profile(struct ui *u, const char *name);
void ui_view_set(struct ui *u, enum ui_mode mode, char **lines, size_t n);
void ui_view_free(struct ui *u);

/* ui_draw.c */
void ui_draw(struct ui *u, unsigned r);
size_t ui_draw_page(const struct ui *u);
size_t ui_draw_view_page(const struct ui *u);
void ui_draw_detail(struct ui *u, const struct token_info *t, unsigned flags);
void ui_draw_results(struct ui *u);

/* ui_keys.c */
unsigned ui_keys_dispatch(struct ui *u, int key);
void ui_keys_help(struct ui *u);
unsigned ui_keys_command(struct ui *u, const char *line);
unsigned ui_keys_dialog(struct ui *u, int ch, bool is_key);
unsigned ui_keys_secret_pending(struct ui *u);
/* Ctrl-C: quit like q (asking when something would be lost); exit 130. */
unsigned ui_keys_interrupt(struct ui *u);

#endif
