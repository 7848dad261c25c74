/*
 * ui_internal.h: the state shared by the files of the UI (ui_*.c) and the
 * functions they call in each other. Nothing here is seen outside ui/.
 *
 * ui_term.c  the terminal: open, modes, signals, crash reset, allocation
 * ui_terminfo.c  whether TERM can draw (setupterm, the one user of term.h)
 * ui_state.c the model: table, flags, filter, sort, marks, worker results,
 *            the token source (own tokens or admin mode), profile switches
 * ui_draw.c  the screen: header, gauge, table, status, views (detail,
 *            results, and the list views: owners, settings, profiles)
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
#include "bulk.h"
#include "config.h"
#include "dialog.h"
#include "prefs.h"
#include "token.h"
#include "ui.h"
#include "viewstate.h"
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

#define UI_MAX_COLS 16    /* columns of the token table (ui_draw.c) */

/* Colour pairs (ui_term.c), the 8-colour palette on the default background. */
enum ui_pair {
	UI_PAIR_NONE,
	UI_PAIR_YELLOW,          /* warning; expiring rows */
	UI_PAIR_RED,             /* danger; staged rows */
	UI_PAIR_CYAN,            /* header, badges; rows unused for 90 days */
	UI_PAIR_GREEN,           /* tagged rows */
	UI_PAIR_MAGENTA,         /* privileged rows */
	UI_PAIR_COUNT,
};

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
	/* list views: a selected line (vsel) that Enter or e acts on */
	UI_MODE_OWNERS,
	UI_MODE_SETTINGS,
	UI_MODE_PROFILES,
};
#define UI_MODE_IS_LIST(m) ((m) >= UI_MODE_OWNERS)

/* Where the table comes from: the Token API (own tokens) or, in admin
 * mode, the Token Management API (every token in the workspace). WAIT:
 * admin mode was asked for before SCIM Me said whether we are an admin. */
enum ui_admin {
	UI_ADMIN_OFF,
	UI_ADMIN_WAIT,
	UI_ADMIN_ON,
};

/* Sort columns of the owners view. */
enum ui_owner_sort {
	UI_OSORT_ACTIVE,
	UI_OSORT_OWNER,
	UI_OSORT_EXPIRING,
	UI_OSORT_TOTAL,
	UI_OSORT_COUNT,
};

enum ui_prompt {
	UI_PROMPT_NONE,
	UI_PROMPT_FILTER,
	UI_PROMPT_COMMAND,
	UI_PROMPT_SEARCH,        /* / in a view */
};

enum ui_dlg {
	UI_DLG_NONE,
	UI_DLG_REVOKE,
	UI_DLG_REVOKE_SELF,
	UI_DLG_QUIT,
	UI_DLG_CREATE,
	UI_DLG_EDIT,
	UI_DLG_SECRET,
	UI_DLG_SETTING_INPUT,    /* a new max lifetime */
	UI_DLG_SETTING_CONFIRM,  /* confirm a workspace setting change */
	UI_DLG_REPLAN,           /* the plan changed before applying */
	UI_DLG_STOP,             /* stop a running revocation */
	UI_DLG_RESUME,           /* go on with an unfinished session */
	UI_DLG_EXPORT_REPLACE,   /* :export to a file that exists */
	UI_DLG_ADMIN,            /* a with revocations staged */
};

/* Where the bulk revocation session stands (ui_bulk.c). */
enum ui_bulk_phase {
	UI_BULK_IDLE,
	UI_BULK_CONFIRM,         /* the plan is shown, a dialog asks */
	UI_BULK_REPLAN,          /* waiting for the fresh list */
	UI_BULK_RUNNING,
	UI_BULK_DONE,            /* results kept for R and :export */
};

/* What a call submitted to the worker was for (low byte of call->tag). */
enum ui_job {
	UI_JOB_LIST = 1,
	UI_JOB_ME,
	UI_JOB_CONF,
	UI_JOB_CREATE,
	UI_JOB_EDIT,
	UI_JOB_CONF_SET,
	UI_JOB_REPLAN,           /* the fresh list before applying a plan */
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
	bool read_only;              /* this profile: --read-only or patrol's config */
	struct prefs prefs;          /* patrol's config for the profile (after :profile) */
	enum ui_admin admin;         /* the token source */

	/* terminal */
	FILE *tty;
	int ttyfd, sigfd;
	bool colors, ascii, utf8;
	bool italic;                 /* the terminal draws italics (sitm) */
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
	char quota_owner[128];        /* admin mode: the owner with most tokens, sanitized */
	struct token_owner_count *owners; /* admin mode: per owner, sorted by name (bsearch) */
	size_t nowners;
	size_t wide_scopes, wide_owner;   /* display widths of the widest (ui_draw_measure) */
	size_t cols[UI_MAX_COLS];         /* the chosen columns, in order (ui_draw.c indexes) */
	size_t ncols;
	int colw[UI_MAX_COLS];            /* their widths in this frame, -1: dropped */
	bool columns_chosen;              /* by :columns or remembered (else the config's) */
	bool loaded;
	struct api_me *me;
	struct api_conf *conf;
	int64_t max_days;
	unsigned loading;            /* bit per enum ui_job in flight */
	/* How far the list in flight has come, by source (0: own tokens,
	 * 1: token management). This is the one thing that crosses from the
	 * worker other than through its queue: the list call's stream stores
	 * its row count here with relaxed atomic stores (call.h struct
	 * call_progress), and the UI reads it on each turn of its loop (a
	 * tick of UI_LOAD_TICK_MS while a list loads) to show "loading… 45,000
	 * tokens". The UI owns both and outlives every call. */
	struct call_progress list_progress[2];
	size_t list_seen;            /* the count the screen shows, 0: none yet */

	/* view */
	enum token_sort_key sort;
	bool desc;
	struct token_filter *filter;
	char filter_text[256];
	char filter_committed[256];  /* the filter when / was pressed: a bad one falls back to it */
	char search[256];            /* the last search (/ in a view, :search), for n and N */
	struct token_filter *search_f; /* search compiled for the table, NULL until needed */
	size_t vhit;                 /* view line of the last match + 1 (0: none), drawn reversed */
	size_t cursor, top;
	size_t last_tag;             /* view index of the last tagged row */
	bool have_last_tag;
	size_t drawn_cursor, drawn_top;
	bool drawn_valid;
	enum ui_mode mode;
	size_t vtop;                 /* first line of a view */
	size_t vsel;                 /* list views: the selected line */
	char **vlines;
	size_t nvlines;
	char vtitle[256];            /* list views: the title line; others: the name ("PLAN") */
	const char **vowner;         /* owners view: line -> owner (points into tab) */
	char **vprofiles;            /* profiles view: line -> profile name */
	size_t nvprofiles;
	enum ui_owner_sort osort;
	bool odesc;
	const char *setting_key;     /* the workspace-conf key being changed */
	char setting_value[32];      /* its new value, as sent */
	char setting_note[96];       /* "max token lifetime set to 30 days" */
	char conf_err[200];          /* why the workspace settings could not be read */
	char load_note[200];         /* appended to the message of the next first load */
	char load_err[512];          /* why the last list failed (shown in an empty table) */

	/* input */
	enum ui_prompt prompt;
	char input[256];
	struct dialog *dlg;
	enum ui_dlg dlg_kind;
	struct api_created *secret_pending;
	char *export_path;           /* an :export waiting for "Replace the file?" */
	bool export_results;         /* that export is of the session's results */
	char edit_id[TOKEN_ID_LEN + 1];

	struct bulk bulk;            /* the revocation session (ui_bulk.c) */
	enum ui_bulk_phase bphase;
	unsigned long retries_seen;  /* worker_stats retries reported on the status line */
	bool bulk_fresh;             /* the plan was checked against a fresh list */
	char *resume_path;           /* an accepted resume waiting for the list */
	bool resume_admin;           /* that session was made in admin mode */
	char status[512];            /* last message, already sanitized */
	bool status_error;
	bool quit;
	int exit_code;

	/* remembered between runs, per profile (src/viewstate.h) */
	struct viewstate *states;    /* the profiles this run showed */
	size_t nstates;
	char state_note[256];        /* why the remembered view could not be read */
	int64_t refresh_ms;          /* the list is fetched again this often, 0: never */
	int64_t next_refresh;        /* when (duration_mono_ms) */
};

/* ui_term.c */
void *ui_xcalloc(size_t n, size_t size);
void *ui_xreallocarray(void *p, size_t n, size_t size);
char *ui_xstrdup(const char *s);
void ui_fatal(const char *msg) __attribute__((noreturn));
/* Whether TERM can draw the view (set, not dumb, known to terminfo, able
 * to move the cursor); when not, says so on stderr: -1. */
int ui_term_check(void);
/* ui_terminfo.c: 0 when terminfo knows term and it can move the cursor; -1
 * unknown, -2 no cursor addressing. */
int ui_terminfo_check(const char *term);
/* Open the terminal: 0; -2 when TERM cannot draw the view (said on stderr,
 * nothing drawn); -1 on other errors. */
int ui_term_open(struct ui *u);
void ui_term_close(struct ui *u);
int ui_term_signals(struct ui *u);
void ui_term_resize(struct ui *u);
void ui_term_write_raw(struct ui *u, const char *s, size_t n);

/* ui_state.c */
void ui_state_init(struct ui *u);
void ui_state_free(struct ui *u);
void ui_state_load(struct ui *u);
/* Ask SCIM Me (who we are, admin or not) unless known or on its way. */
void ui_state_ask_me(struct ui *u);
void ui_state_refilter(struct ui *u);
void ui_state_resort(struct ui *u);
char *ui_state_current_id(const struct ui *u, char *buf);
/* The row holding exactly token id, or -1. A binary search in the id order
 * when it is built; many (a loop over a session's thousand ids) builds it
 * (one sort per table), else one lookup scans rather than sort. */
long ui_state_row_of(struct ui *u, const char *id, bool many);
const struct token_info *ui_state_current(const struct ui *u);
size_t ui_state_count(const struct ui *u, unsigned mark);
size_t ui_state_count_hidden(const struct ui *u, unsigned mark);
size_t ui_state_count_both(const struct ui *u);
unsigned ui_state_handle(struct ui *u, struct call *c);
void ui_state_submit(struct ui *u, struct call *c, enum ui_job job, uint64_t idx);
void ui_state_compact(struct ui *u);
void ui_msg(struct ui *u, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* An empty status line (each key action and command starts with one). */
void ui_msg_clear(struct ui *u);
/* Compile expr and filter by it (the caller refilters). When it does not
 * compile, say why and filter by fallback instead (NULL: no filter), the
 * filter that was committed before: never a prefix of a bad one. -1 then. */
int ui_state_set_filter(struct ui *u, const char *expr, const char *fallback);
int ui_state_profile(struct ui *u, const char *name);
void ui_view_set(struct ui *u, enum ui_mode mode, char **lines, size_t n);
void ui_view_free(struct ui *u);
/* Admin mode on or off: clears tags and staging and the table, then
 * reloads from the other API. Returns how many staged rows were cleared. */
size_t ui_state_source(struct ui *u, enum ui_admin to);
/* The view this profile showed last time (sort, columns, admin mode), or
 * patrol's config and the defaults; at start (where --sort and --all win)
 * and after :profile. */
void ui_state_recall(struct ui *u, bool start);
/* Write what every profile of this run showed, for the next run (after the
 * terminal is restored: it syncs a file). */
void ui_state_save(struct ui *u);
/* Auto-refresh: when the next is due (0 interval: never). */
void ui_state_refresh_every(struct ui *u, int64_t ms);
/* The timer: fetch the list again when due and nothing would be disturbed
 * (no list in flight, no revocation planned or running). */
unsigned ui_state_refresh_tick(struct ui *u);
/* While a list loads: its row count changed since the last redraw? */
unsigned ui_state_progress_tick(struct ui *u);
/* "45,000": n with thousands separators, into out. */
void ui_state_count_text(size_t n, char *out, size_t len);
/* Milliseconds until the next refresh is due (-1: none). */
int ui_state_refresh_wait(const struct ui *u);
/* The owner's counts in admin mode (bsearch), or NULL. */
const struct token_owner_count *ui_state_owner(const struct ui *u, const char *owner);
/* Whether the table comes from token management (admin mode is on). */
#define UI_MGMT(u) ((u)->admin == UI_ADMIN_ON)

/* ui_bulk.c: bulk revocation sessions */
unsigned ui_bulk_execute(struct ui *u);                  /* x */
/* A session's dialog ended: DIALOG_CANCEL (Cancel or Esc) never revokes. */
unsigned ui_bulk_answer(struct ui *u, enum ui_dlg kind, enum dialog_result res);
unsigned ui_bulk_on_call(struct ui *u, struct call *c);  /* a call with BULK_TAG */
unsigned ui_bulk_on_replan(struct ui *u, struct call *c);
unsigned ui_bulk_loaded(struct ui *u);                   /* the list came in */
unsigned ui_bulk_stop_ask(struct ui *u);                 /* q while running */
unsigned ui_bulk_tick(struct ui *u);                     /* timer while running */
unsigned ui_bulk_offer_resume(struct ui *u, bool quiet); /* start, :resume */
void ui_bulk_results(struct ui *u);                      /* the RESULTS view */
bool ui_bulk_running(const struct ui *u);
void ui_bulk_free(struct ui *u);
#define UI_BULK_TICK_MS 250
#define UI_RETRY_TICK_MS 500         /* while calls are out: is one retrying? */
#define UI_LOAD_TICK_MS 100          /* while a list loads: its count on screen */
#define UI_RETRY_AFTER_MS 2000       /* say so once it has retried this long */

/* ui_draw.c */
/* A formatted line for a view (malloc'd; dies on out of memory). */
char *ui_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ui_draw(struct ui *u, unsigned r);
size_t ui_draw_page(const struct ui *u);
size_t ui_draw_view_page(const struct ui *u);
void ui_draw_detail(struct ui *u, const struct token_info *t, unsigned flags);
/* Columns the status line leaves for a message: beside its shortest
 * counts, or (counts false) the whole line. */
size_t ui_draw_status_room(const struct ui *u, bool counts);
/* Choose and order the table's columns: spec names them, comma- or
 * blank-separated (comment created expires flags last-used scopes owner
 * id); NULL, "" or "default": all, in their usual order. 0, or -1 with why. */
int ui_draw_columns(struct ui *u, const char *spec, char *why, size_t n);
/* The chosen columns as a spec ("comment,expires,id"). */
void ui_draw_columns_spec(const struct ui *u, char *out, size_t n);
/* Measure the data some columns are sized from (after a load or a compaction). */
void ui_draw_measure(struct ui *u);
/* The letter of an audit flag in the FLAGS column. */
char ui_draw_flag_letter(enum token_flag_bit b);

/* ui_draw.c: the list views (built when opened; rebuilt when their data changes) */
void ui_lists_owners(struct ui *u);
void ui_lists_settings(struct ui *u);
int ui_lists_profiles(struct ui *u);
/* The data behind the open list view changed: rebuild it, keeping the selection. */
void ui_lists_refresh(struct ui *u);
/* The owner or profile of the selected line, or NULL. */
const char *ui_lists_owner(const struct ui *u);
const char *ui_lists_profile(const struct ui *u);
/* The workspace-conf key of the selected settings line, or NULL. */
const char *ui_lists_setting(const struct ui *u);

/* ui_keys.c */
unsigned ui_keys_dispatch(struct ui *u, int key);
/* Search for text from here (including this line or row when here) in the
 * open view, or the table (text is then a filter expression: a word
 * matches comment, owner, id or a scope), dir 1 or -1, wrapping around. */
unsigned ui_keys_search(struct ui *u, const char *text, int dir, bool here);
/* Open d (replacing any open dialog); NULL d means out of memory. */
void ui_dialog_open(struct ui *u, struct dialog *d, enum ui_dlg kind);
void ui_keys_help(struct ui *u);
unsigned ui_keys_command(struct ui *u, const char *line);
unsigned ui_keys_dialog(struct ui *u, int ch, bool is_key);
unsigned ui_keys_secret_pending(struct ui *u);
/* Ctrl-C: quit like q (asking when something would be lost); exit 130. */
unsigned ui_keys_interrupt(struct ui *u);

#endif
