/*
 * ui_internal.h: the state shared by the files of the UI (ui_*.c) and the
 * functions they call in each other. Nothing here is seen outside ui/.
 *
 * ui_util.c     allocation that never fails, the lines of a view
 * ui_term.c     the terminal: open, modes, signals, crash reset
 * ui_terminfo.c whether TERM can draw (setupterm, the one user of term.h)
 * ui_state.c    the model: table, flags, filter, sort, marks, the token
 *               source (own tokens or admin mode), profile switches
 * ui_answers.c  what the worker's answers do to the model
 * ui_views.c    the views: detail, the list views (owners, settings,
 *               profiles), a session's plan and results
 * ui_draw.c     the screen: header, gauge, table, status, the open view
 * ui_prompt.c   the prompts (/ and :) and the open dialog
 * ui_actions.c  what keys and commands do to the table and the views
 * ui_token.c    create, edit, copy a token; the secret
 * ui_workspace.c admin mode, owners, settings, profiles
 * ui_export.c   :export
 * ui_bulk.c     revocation sessions
 * ui_estate.c   several workspaces on show at once: their answers, the
 *               merged table, what failed
 * ui_cmds.c     the command table (:)
 * ui_keys.c     the key table, dispatch, the help view
 * ui_main.c     ui_run and the poll loop
 * lineedit.c, form.c, dialog.c   the line editor, the form engine, the dialogs
 *
 * Calls go one way, down this list read from the bottom: the loop feeds
 * keys to the key table, the command table and the prompts, which run
 * actions, which change the model; views are built from the model and the
 * painter draws them. Nothing calls up: the model returns reaction bits
 * (UI_R_*), dialogs and prompts run the callbacks they were opened with.
 * ui_state.c, ui_columns.c, ui_util.c and ui_views.c need no curses
 * (tests/unit/test_ui_state.c links the first three without it).
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
#include "lineedit.h"
#include "prefs.h"
#include "rotate.h"
#include "settings.h"
#include "token.h"
#include "token_filter.h"
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
#define UI_R_LIST	0x80u	/* the open list view's data changed: the loop
				 * rebuilds it (ui_lists_refresh) before drawing */

/* A removal of a token permission under way (ui_permissions.c): the
 * principal, the tokens the server deletes with it, its journal. */
struct ui_perm_rm {
	enum api_principal kind;
	char name[256];
	char level[64];
	char **ids;
	size_t n;
	struct journal *j;
};
/* Free r, closing its journal (ui_state.c, with the workspace). */
void ui_perm_rm_free(struct ui_perm_rm *r);

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

/* What finds a row again: a token id is unique only within its workspace,
 * and the merged table of several may hold one id twice (two workspaces
 * made alike, or one workspace named by two profiles), so every lookup
 * that outlives a table (marks over a refresh, the cursor, the scopes
 * view's lines, a session's items) is by workspace (the row's workspace
 * field: an index of est, 0 with one) and id together. */
struct ui_rowkey {
	char id[TOKEN_ID_LEN + 1];
	unsigned short ws;
};

/* Per-row marks, kept by token key (workspace and id) across refreshes. */
#define UI_MARK_TAGGED	0x01u
#define UI_MARK_STAGED	0x02u
#define UI_MARK_BUSY	0x04u	/* a revoke is in flight */
#define UI_MARK_GONE	0x08u	/* revoked: leaves at the next compaction */
#define UI_MARK_PIN	0x10u	/* staged for pinning its scopes (p) */

enum ui_mode {
	UI_MODE_TABLE,
	UI_MODE_DETAIL,
	UI_MODE_HELP,
	UI_MODE_RESULTS,
	/* list views: a selected line (vsel) that Enter or e acts on */
	UI_MODE_OWNERS,
	UI_MODE_SETTINGS,
	UI_MODE_PROFILES,
	UI_MODE_PERMISSIONS,         /* who may use tokens (:permissions) */
	UI_MODE_SCOPES,          /* auto-scoping's review queue (ui_scopes.c) */
	UI_MODE_COUNT
};
/* ui_keys.c keeps a bit per mode in a key's flags: at most 16 */
_Static_assert(UI_MODE_COUNT <= 16, "UI_K_IN has room for 16 modes");
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

/* Sort columns of the scopes view (ui_scopes.c). */
enum ui_scopes_sort {
	UI_SSORT_ENFORCED,       /* the estimated enforcement date, soonest first */
	UI_SSORT_STATE,
	UI_SSORT_OWNER,
	UI_SSORT_COUNT,
};

/* The histories of the prompts, one a kind of line. */
enum ui_hist_kind {
	UI_HIST_FILTER,
	UI_HIST_SEARCH,
	UI_HIST_COMMAND,
	UI_HIST_COUNT,
};
#define UI_HIST_MAX 100           /* lines kept a history */
#define UI_PROMPT_MAX 255         /* characters a prompt takes */

struct ui;

/* What a prompt is for, given by the action that opens it (ui_prompt_open). */
struct ui_prompt_kind {
	char lead;                /* drawn before the line: '/' or ':' */
	enum ui_hist_kind hist;   /* the history Up and Down walk */
	bool close_on_erase;      /* Backspace on an empty line closes it (:) */
	/* Enter (text) or Esc (NULL); the prompt is closed when it runs. */
	unsigned (*done)(struct ui *u, const char *text);
	/* After each change of the line (the live filter); NULL: nothing. */
	unsigned (*changed)(struct ui *u, const char *text);
	/* Tab: the i-th word that may follow the words before (NULL past the
	 * last); the prompt keeps those that start with what is typed. NULL:
	 * no completion. */
	const char *(*complete)(struct ui *u, const char *before, size_t i);
	/* What to say after the line, as an error ("! ..."), or NULL. */
	const char *(*note)(const struct ui *u);
};

/* The open prompt. */
struct ui_prompt {
	const struct ui_prompt_kind *kind;  /* NULL: none is open */
	struct lineedit le;
	size_t hpos;              /* the history line shown; its count: the line typed */
	char *draft;              /* the line typed before Up */
	char hint[256];           /* Tab's candidates */
};

struct ui_hist {
	char *v[UI_HIST_MAX];     /* oldest first */
	size_t n;
};

/* A dialog ended with res (it is freed after the call: read it here). */
typedef unsigned (*ui_dialog_done_fn)(struct ui *u, struct dialog *d, enum dialog_result res);
/* After each key the open dialog took (the secret dialog's requests). */
typedef void (*ui_dialog_step_fn)(struct ui *u, struct dialog *d);

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
	UI_JOB_PERMS,            /* the token permissions (:permissions) */
	UI_JOB_PERM_GRANT,       /* a grant from the permissions view (PATCH) */
	UI_JOB_PERM_RM_PERMS,    /* a removal's re-plan: the permissions (ui_permissions.c) */
	UI_JOB_PERM_RM_LIST,     /*   then every token */
	UI_JOB_PERM_RM_PUT,      /*   the change (PUT) */
	UI_JOB_PERM_RM_CHECK,    /*   the tokens after it */
};

/* What the UI holds of one workspace (a profile of the config): its
 * configuration and worker, the token table and what is derived from it,
 * who we are there and its settings, and its revocation session. One
 * allocation: switching workspace (:profile) starts a new one, then frees
 * the old with ui_ws_free, so nothing of one workspace leaks into the
 * next; showing several at once is holding several. */
struct ui_ws {
	struct config cfg_own;       /* after :profile (own_cfg) */
	bool own_cfg;
	const struct config *cfg;    /* cfg_own, or the command line's */
	char *profile;               /* the profile's whole name (or the names on show) */
	char self_id[TOKEN_ID_LEN + 1]; /* the token patrol uses here, or "" */
	struct worker *w;
	bool read_only;              /* this profile: --read-only or patrol's config */
	struct prefs prefs;          /* patrol's config for the profile (after :profile) */
	enum ui_admin admin;         /* the token source */

	/* the table and what is derived from it */
	struct token_table tab;
	unsigned *flags;             /* token_flags per row, computed once per load */
	unsigned char *marks;
	size_t *shown;               /* filtered and sorted indexes into tab.rows */
	size_t *order[TOKEN_SORT_COUNT]; /* per sort key: every row, ascending; built once per table */
	unsigned char *inview;       /* scratch: rows being ordered (all zero between uses) */
	size_t nshown;
	size_t cap;                  /* allocated length of flags, marks, shown */
	struct token_ctx ctx;
	const char *ctx_name;        /* ctx.workspaces with one: the profile */
	/* the gauge: counted when the table changes, never per redraw */
	size_t quota_active, quota_expiring;
	char quota_owner[128];        /* admin mode: the owner with most tokens, sanitized */
	struct token_owner_count *owners; /* admin mode: per owner, sorted by name (bsearch) */
	size_t nowners;
	size_t wide_scopes, wide_owner;   /* display widths of the widest (ui_columns_measure) */
	bool loaded;
	bool answered;               /* a list (or its failure) came since the table
				      * was last emptied: an estate twin of it knows */
	unsigned loading;            /* bit per enum ui_job in flight */
	size_t list_seen;            /* the count the screen shows, 0: none yet */
	char load_note[200];         /* appended to the message of the next first load */
	char load_err[512];          /* why the last list failed (shown in an empty table) */

	/* who we are, the workspace's settings */
	struct api_me *me;
	struct api_conf *conf;
	int64_t max_days;
	char conf_err[200];          /* why the workspace settings could not be read */
	struct api_perms *perms;     /* the token permissions, once read */
	char perms_err[200];         /* why they could not be read */
	struct ui_perm_rm *perm_rm;  /* a removal under way (ui_permissions.c), or NULL */

	/* a rotation (ui_rotate.c): NULL when none runs */
	struct rotation *rot;
	char rot_id[TOKEN_ID_LEN + 1];  /* the token the rotate dialog asks about */
	bool rot_checking;           /* o: its owner's service principal looked up */

	/* the revocation session (ui_bulk.c) */
	struct bulk *bulk;           /* never NULL: empty when there is none */
	enum ui_bulk_phase bphase;
	bool bulk_fresh;             /* the plan was checked against a fresh list */
	char *resume_path;           /* an accepted resume waiting for the list */
	bool resume_admin;           /* that session was made in admin mode */
	unsigned long retries_seen;  /* worker_stats retries reported on the status line */
};

struct ui {
	struct screen *screen;       /* SCREEN from newterm, freed by delscreen */
	const struct ui_opts *opts;
	struct ui_ws *ws;            /* the workspace on show */
	/* Several workspaces on show at once (issue 11, ui_estate.c): the
	 * members, each a workspace of its own loading through its own worker;
	 * ws is then their merged table (a row's workspace field indexes est)
	 * and has no worker. nest is 0 with one workspace. */
	struct ui_ws **est;
	const char **est_names;      /* their profiles: ws->ctx.workspaces */
	size_t nest;
	size_t wide_ws;              /* the widest member's profile name */
	char est_note[512];          /* what failed, one "NAME: why" each, sanitized */
	const char *est_skipped;     /* what --all-profiles left out (ui_opts.note), or NULL */
	char est_once[256];          /* one workspace under two profiles: what the
				      * later one's list had that an earlier one's
				      * did, shown once (ui_estate.c) */
	bool est_gone;               /* a member's row was revoked from here (not by a
				      * session): merge again (ui_state_gone) */
	uint64_t gen;                /* bumped on :profile: older answers are dropped */
	struct bulk_replan breplan;  /* a session's re-plan, its parts' summed (ui_bulk.c) */
	/* How far the list in flight has come, by source (0: own tokens,
	 * 1: token management). This is the one thing that crosses from the
	 * worker other than through its queue: the list call's stream stores
	 * its row count here with relaxed atomic stores (call.h struct
	 * call_progress), and the UI reads it on each turn of its loop (a
	 * tick of UI_LOAD_TICK_MS while a list loads) to show "loading… 45,000
	 * tokens". The UI owns both and outlives every call; so they
	 * live here, not in the workspace, which :profile frees while its
	 * list may still stream. */
	struct call_progress list_progress[2];

	/* terminal */
	FILE *tty;
	int ttyfd, sigfd;
	bool colors, ascii, utf8;
	bool italic;                 /* the terminal draws italics (sitm) */
	unsigned sflags;             /* sanitize flags */
	bool too_small;              /* the last frame was the too-small notice */

	/* view */
	size_t cols[UI_MAX_COLS];         /* the chosen columns, in order (ui_column indexes) */
	size_t ncols;
	int colw[UI_MAX_COLS];            /* their widths in this frame, -1: dropped */
	bool columns_chosen;              /* by :columns or remembered (else the config's) */
	enum token_sort_key sort;
	bool desc;
	struct token_filter *filter;
	char filter_text[1024];
	char filter_committed[1024]; /* the filter when / was pressed: a bad one falls back to it */
	char search[1024];           /* the last search (/ in a view, :search), for n and N */
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
	size_t *vowner_ws;           /* owners view: line -> workspace (an est index) */
	size_t nvowner;
	size_t *vperm;               /* permissions view: line -> entry of ws->perms */
	struct config_profile *vprofiles; /* profiles view: line -> profile (config_profiles) */
	size_t nvprofiles;
	unsigned char *vpick;        /* profiles view: line picked (Space) to show together */
	struct config_profile *cprofiles; /* :profile's Tab: the config file's profiles */
	size_t ncprofiles;
	enum ui_owner_sort osort;
	bool odesc;
	struct ui_rowkey *vids;      /* scopes view: line -> token */
	size_t nvids;
	enum ui_scopes_sort ssort;
	bool sdesc;
	enum setting setting;        /* the workspace setting being changed */
	char setting_value[32];      /* its new value, as sent */
	char setting_note[96];       /* "max token lifetime set to 30 days" */
	char grant_arg[256];         /* :permissions c: the principal as typed */

	/* input */
	struct ui_prompt prompt;
	struct ui_hist hist[UI_HIST_COUNT];
	struct dialog *dlg;          /* the open dialog (ui_dialog_open) */
	ui_dialog_done_fn dlg_done;  /* what its end does */
	struct ui_ws *dlg_ws;        /* with several workspaces: the member the open
				      * dialog acts on (its callbacks run with ws
				      * set to it), or NULL */
	ui_dialog_step_fn dlg_step;
	struct api_created *secret_pending;
	char *export_path;           /* an :export waiting for "Replace the file?" */
	bool export_results;         /* that export is of the session's results */
	char edit_id[TOKEN_ID_LEN + 1];

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

/* ui_util.c */
void *ui_xcalloc(size_t n, size_t size);
void *ui_xreallocarray(void *p, size_t n, size_t size);
char *ui_xstrdup(const char *s);
/* A formatted line for a view (malloc'd; dies on out of memory). */
char *ui_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The lines of a view being built. */
struct ui_lines {
	char **v;
	size_t n, cap;
};
void ui_add(struct ui_lines *l, char *s);

/* Say msg on stderr and exit 1, after restore (ui_fatal_restore: the
 * terminal's, once it is open) put the terminal back. */
void ui_fatal(const char *msg) __attribute__((noreturn));
void ui_fatal_restore(void (*restore)(void));

/* ui_term.c */
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
/* Free a workspace, its worker stopped first; NULL is fine. */
void ui_ws_free(struct ui_ws *ws);
/* A workspace on cfg (kept, not copied) named profile, with no worker. */
struct ui_ws *ui_ws_new(const struct config *cfg, const char *profile);
/* Whether profile p of the profile list names no workspace
 * (estate_not_workspace: an account console, no host), said on the status
 * line as --all-profiles says it. (Any other way to a profile resolves its
 * configuration, and config_resolve refuses an account console.) */
bool ui_ws_refused(struct ui *u, const struct config_profile *p);
/* A workspace for profile name, its worker started; NULL (said on the
 * status line) when its configuration (an account console: refused) or the
 * worker fails. */
struct ui_ws *ui_ws_start(struct ui *u, const char *name);
/* Free the members of several workspaces on show (none: nothing). */
void ui_state_estate_free(struct ui *u);
/* Several workspaces are on show (ws is their merged table). */
#define UI_ESTATE(u) ((u)->nest > 0)
void ui_state_init(struct ui *u);
void ui_state_free(struct ui *u);
void ui_state_load(struct ui *u);
/* Ask SCIM Me (who we are, admin or not) unless known or on its way. */
void ui_state_ask_me(struct ui *u);
void ui_state_refilter(struct ui *u);
void ui_state_resort(struct ui *u);
/* The id under the cursor into buf (TOKEN_ID_LEN + 1 bytes), or NULL. */
char *ui_state_current_id(const struct ui *u, char *buf);
/* Row t's key (struct ui_rowkey) into k; returns k. */
struct ui_rowkey *ui_state_key(const struct token_info *t, struct ui_rowkey *k);
/* The row of k in the table on show, or -1 (many: as ui_state_row_of). */
long ui_state_row_key(struct ui *u, const struct ui_rowkey *k, bool many);
/* The row holding exactly token id, or -1. A binary search in the id order
 * when it is built; many (a loop over a session's thousand ids) builds it
 * (one sort per table), else one lookup scans rather than sort. */
long ui_state_row_of(struct ui *u, const char *id, bool many);
/* A revocation or pin session has a part per workspace: with one on show,
 * one part (u->ws); with several, a part per member (u->est[part]), each
 * with its own bulk session, journal and worker, the rows of the merged
 * table naming theirs (their workspace field). The row of part's token id
 * in the table on show, as ui_state_row_of. */
size_t ui_state_parts(const struct ui *u);
/* The token patrol uses that id is, in member m's workspace: m's own, or
 * that of another profile of the same workspace on show (a twin), or NULL
 * (ui_bulk.c): the self_id to give bulk_add, and rotation's self. */
const char *ui_bulk_self(const struct ui *u, const struct ui_ws *m, const char *id);
/* "1 staged revocation", "2 staged pins", "1 staged revocation and 2
 * staged pins" into out: false (out empty) when nothing is staged. */
bool ui_state_staged_words(const struct ui *u, char *out, size_t n);
struct ui_ws *ui_state_part(const struct ui *u, size_t part);
long ui_state_part_row(struct ui *u, size_t part, const char *id, bool many);
const struct token_info *ui_state_current(const struct ui *u);
/* The workspace of the row under the cursor: with several, its member
 * (the first when no row is shown); else the one on show. */
const struct ui_ws *ui_state_row_ws(const struct ui *u);
size_t ui_state_count(const struct ui *u, unsigned mark);
size_t ui_state_count_hidden(const struct ui *u, unsigned mark);
size_t ui_state_count_both(const struct ui *u);
/* Swap in a new table (taken over): flags once, marks by key (workspace and
 * id), filter, sort. */
unsigned ui_state_swap(struct ui *u, struct token_table *t);
void ui_state_submit(struct ui *u, struct call *c, enum ui_job job, uint64_t idx);
/* Drop revoked rows (UI_MARK_GONE) in one pass and refilter. */
unsigned ui_state_compact(struct ui *u);
/* Token id, of the workspace on show (u->ws: the one, or a member of
 * several), was revoked by one action of this view (a rotation): its row
 * leaves at once, and with several on show so does its row in every
 * member that names the same workspace (estate_same_workspace), as a
 * session's revoke does, so no later merge shows it under a twin. */
void ui_state_gone(struct ui *u, const char *id);
/* Whether row t of u->ws is one this view revoked (still listed until the
 * next list or merge): said on the status line when so. */
bool ui_state_row_gone(struct ui *u, const struct token_info *t, const char *what);
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
/* The same, in workspace ws. */
const struct token_owner_count *ui_state_ws_owner(const struct ui_ws *ws, const char *owner);
/* Whether a revocation runs (or waits for its fresh list). */
bool ui_state_bulk_running(const struct ui *u);
/* Forget the revocation session (its journal closed) and an offered resume. */
void ui_state_session_free(struct ui *u);
/* Whether the table comes from token management (admin mode is on). */
#define UI_MGMT(u) ((u)->ws->admin == UI_ADMIN_ON)

/* ui_bulk.c: bulk revocation sessions */
unsigned ui_bulk_execute(struct ui *u);                  /* x */
unsigned ui_bulk_on_call(struct ui *u, struct call *c);  /* a call with BULK_TAG */
unsigned ui_bulk_on_replan(struct ui *u, struct call *c);
/* With several workspaces: a call of member p's session (BULK_TAG) or its
 * fresh list (UI_JOB_REPLAN), taken over; u->ws is the merged table. */
unsigned ui_bulk_on_part(struct ui *u, size_t p, struct call *c);
/* Whether the user stopped the running session (q). */
bool ui_bulk_stopping(const struct ui *u);
unsigned ui_bulk_loaded(struct ui *u);                   /* the list came in */
unsigned ui_bulk_stop_ask(struct ui *u);                 /* q while running */
unsigned ui_bulk_tick(struct ui *u);                     /* timer while running */
unsigned ui_bulk_offer_resume(struct ui *u, bool quiet); /* start, :resume */
void ui_bulk_results(struct ui *u);                      /* the RESULTS view */
/* ui_views.c: the plan or the results as the RESULTS view; the words. */
void ui_bulk_view(struct ui *u, bool plan);
const char *ui_bulk_label(const struct bulk *b, const struct bulk_item *it);
const char *ui_bulk_count(size_t n, const char *word, char *out, size_t size);
/* The progress of every part of the session (ui_state_parts) together. */
void ui_bulk_progress_all(const struct ui *u, struct bulk_progress *out);
#define UI_BULK_TICK_MS 250
#define UI_RETRY_TICK_MS 500         /* while calls are out: is one retrying? */
#define UI_LOAD_TICK_MS 100          /* while a list loads: its count on screen */
#define UI_RETRY_AFTER_MS 2000       /* say so once it has retried this long */

/* ui_estate.c: several workspaces at once */
/* Show the workspaces of profiles names[0..n) (n >= 2) together: each
 * starts with a worker of its own and loads; the table becomes their
 * merged rows. -1 (said on the status line, nothing changed) when one
 * cannot start. */
int ui_estate_open(struct ui *u, const char *const *names, size_t n);
/* Take the finished calls of member i's worker into that member, then
 * merge the tables again when one changed. */
unsigned ui_estate_results(struct ui *u, size_t i);
/* a with several workspaces: admin mode on or off in each. */
unsigned ui_estate_admin(struct ui *u);
/* The retry note of the first member retrying for a while. */
unsigned ui_estate_retry_tick(struct ui *u);
/* Calls out in any member. */
bool ui_estate_pending(const struct ui *u);
/* A change to one token (UI_K_ONE) while several are on show: on_row runs
 * on the member of the row under the cursor (ws set to it, t its own row),
 * so its dialogs, calls and answers are that workspace's; what (the key's
 * name) is refused when that member is read-only. on_row NULL is create:
 * it asks which workspace first, the row's by default. */
typedef unsigned (*ui_row_fn)(struct ui *u, const struct token_info *t);
unsigned ui_estate_one(struct ui *u, const char *what, ui_row_fn on_row);

/* ui_columns.c */
/* The columns, left to right, fitted by the table engine (src/table.h)
 * with one space between them. width: the natural width (0: measured from
 * the data, at most UI_WIDE_MAX); min: the narrowest a flexible column
 * gets; drop: lower goes first on narrow screens (0: never dropped). The
 * comment column is fitted at its minimum, then takes what is left, so a
 * wide screen gives the owner and scopes their full width first. */
struct ui_col {
	int key;                 /* enum token_sort_key; -1 the tag column, UI_COL_FLAGS_KEY */
	const char *name;        /* for :columns and the columns setting */
	const char *title;
	int width;
	int min;
	int drop;
	bool flex;
	bool mgmt_only;
	bool estate_only;        /* only while several workspaces are on show */
};

#define UI_COL_FLAGS_KEY (-2)     /* not a sort key: the audit flags */
#define UI_COL_COMMENT 1          /* the column that takes the room left */
/* Column i of the table (0: the tag column), of ui_columns_count(). */
const struct ui_col *ui_column(size_t i);
size_t ui_columns_count(void);
/* Choose and order the table's columns: spec names them, comma- or
 * blank-separated (comment created expires flags last-used scopes owner
 * id); NULL, "" or "default": all, in their usual order. 0, or -1 with why. */
int ui_columns_set(struct ui *u, const char *spec, char *why, size_t n);
/* The chosen columns as a spec ("comment,expires,id"). */
void ui_columns_spec(const struct ui *u, char *out, size_t n);
/* Measure the data some columns are sized from (after a load or a compaction). */
void ui_columns_measure(struct ui *u);
/* What column col shows of table row row, raw. */
void ui_columns_cell(const struct ui *u, size_t col, size_t row, char *out, size_t n);
/* The letter of an audit flag in the FLAGS column, and a row's letters. */
char ui_columns_flag_letter(enum token_flag_bit b);
void ui_columns_flags(unsigned flags, char *out, size_t n);

/* ui_answers.c: take one finished call of the worker (freed here) into the
 * model, through the table of what each job's answer does. */
unsigned ui_answers_take(struct ui *u, struct call *c);

/* ui_draw.c */
void ui_draw(struct ui *u, unsigned r);
size_t ui_draw_page(const struct ui *u);
size_t ui_draw_view_page(const struct ui *u);
void ui_draw_detail(struct ui *u, const struct token_info *t, unsigned flags);
/* Columns the status line leaves for a message: beside its shortest
 * counts, or (counts false) the whole line. */
size_t ui_draw_status_room(const struct ui *u, bool counts);
/* ui_draw.c: the list views (built when opened; rebuilt when their data changes) */
void ui_lists_owners(struct ui *u);
void ui_lists_settings(struct ui *u);
/* The token permissions: a line per principal and level, with its active
 * tokens when the table holds everyone's (admin mode). */
void ui_lists_permissions(struct ui *u);
/* The entry of the selected permissions line, or NULL. */
const struct api_perm_entry *ui_lists_perm_entry(const struct ui *u);
/* ui_permissions.c: a removal from the permissions view, step by step (the
 * answers of its jobs). */
unsigned ui_perm_rm_on_perms(struct ui *u, struct call *c);
unsigned ui_perm_rm_on_list(struct ui *u, struct call *c);
unsigned ui_perm_rm_on_put(struct ui *u, struct call *c);
unsigned ui_perm_rm_on_check(struct ui *u, struct call *c);
int ui_lists_profiles(struct ui *u);
/* ui_scopes.c: the scopes view over the rows the filter shows, sorted by
 * u->ssort (the selection stays on its token). */
void ui_lists_scopes(struct ui *u);
/* The data behind the open list view changed: rebuild it, keeping the selection. */
void ui_lists_refresh(struct ui *u);
/* Mark line i of the profile list picked or not, as vpick says. */
void ui_lists_profile_mark(struct ui *u, size_t i);
/* The owner or profile of the selected line, or NULL; the owner's
 * workspace (an index of est) is u->vowner_ws[u->vsel]. */
const char *ui_lists_owner(const struct ui *u);
const char *ui_lists_profile(const struct ui *u);
/* The setting (enum setting) of the selected settings line, or -1. */
int ui_lists_setting(const struct ui *u);

/* ui_actions.c: what the keys and commands do; each returns the reaction
 * bits. The key table (ui_keys.c) and the command table (ui_cmds.c) name
 * them. */
#define UI_ACTIONS(_) \
	_(down) _(up) _(top) _(bottom) _(pgdn) _(pgup) _(halfdn) _(halfup) _(filter) _(search) \
	_(search_next) _(search_prev) _(command) _(sort_next) _(sort_prev) _(invert) _(detail) \
	_(results) _(help) _(back) _(tag) _(range) _(tag_all) _(untag_all) _(stage) _(unstage) \
	_(execute) _(create) _(edit) _(copy) _(refresh) _(repaint) _(quit) _(admin) _(owners) \
	_(settings) _(profiles) _(owner_pick) _(osort_next) _(osort_prev) _(osort_invert) \
	_(profile_pick) _(profile_toggle) _(profile_all) _(setting_edit) _(resume) _(permissions) \
	_(perm_grant) _(perm_remove) _(scopes) _(ssort_next) _(ssort_prev) _(ssort_invert) \
	_(scope_pick) _(pin) _(scope_pin) \
	_(rotate)
#define UI_ACTION_DECL(name) unsigned ui_a_##name(struct ui *u);
UI_ACTIONS(UI_ACTION_DECL)
#undef UI_ACTION_DECL
unsigned ui_move(struct ui *u, long delta);
unsigned ui_move_to(struct ui *u, long target);
/* Step the sort column through the columns this view has (0: re-sort). */
unsigned ui_sort_step(struct ui *u, int step);
/* Export to path (~ expanded): the shown rows, or (results) the session's. */
unsigned ui_export(struct ui *u, const char *arg, bool results, bool replace);

/* Switch to profile name (refused while revocations are staged or run). */
unsigned ui_profile_switch(struct ui *u, const char *name);

/* ui_prompt.c */
/* Open a prompt of kind k on the status line, initial in it. */
void ui_prompt_open(struct ui *u, const struct ui_prompt_kind *k, const char *initial);
/* Feed the open prompt one key. */
unsigned ui_prompt_key(struct ui *u, int ch, bool is_key);
/* Free the prompt's line and the histories (at exit). */
void ui_prompt_free(struct ui *u);
/* Open d over the screen (replacing any open dialog; NULL d means out of
 * memory): keys go to it until it ends, then done says what its end does
 * (tmux's status_prompt_set callback); step, if not NULL, runs after each
 * key. */
void ui_dialog_open(struct ui *u, struct dialog *d, ui_dialog_done_fn done,
		    ui_dialog_step_fn step);
/* Feed the open dialog one key; when it ends, its done callback runs and
 * it is freed. */
unsigned ui_dialog_key(struct ui *u, int ch, bool is_key);
/* Close the open dialog without an answer (at exit). */
void ui_dialog_free(struct ui *u);

/* ui_keys.c */
unsigned ui_keys_dispatch(struct ui *u, int key);
/* A key while the screen shows only the too-small notice (too_small, as
 * last drawn: a key read in the turn of a resize is judged by the screen
 * it was typed at): nothing the user cannot see is acted on. A resize and
 * Ctrl-L redraw; q quits from
 * the table with no dialog or prompt open (asking, when something would
 * be lost, in a dialog shown once the terminal is large enough); any other
 * key is ignored. */
unsigned ui_keys_small(struct ui *u, int key);
/* Search for text from here (including this line or row when here) in the
 * open view, or the table (text is then a filter expression: a word
 * matches comment, owner, id or a scope), dir 1 or -1, wrapping around. */
unsigned ui_keys_search(struct ui *u, const char *text, int dir, bool here);
unsigned ui_keys_command(struct ui *u, const char *line);
unsigned ui_keys_secret_pending(struct ui *u);

/* ui_token.c: after each key of a secret dialog, do what it asks (copy,
 * write to a file). */
void ui_secret_request(struct ui *u, struct dialog *d);
/* e and o on row t of the workspace on show (ui_a_edit, ui_a_rotate are
 * these on the row under the cursor). */
unsigned ui_token_edit(struct ui *u, const struct token_info *t);
unsigned ui_rotate_ask(struct ui *u, const struct token_info *t);

/* ui_rotate.c */
/* A finished call of the rotation (ROTATE_TAG): taken over and freed. */
unsigned ui_rotate_on_call(struct ui *u, struct call *c);
/* Show the rotation's new secret once no other dialog is open. */
unsigned ui_rotate_pending(struct ui *u);
/* Ctrl-C: quit like q (asking when something would be lost); exit 130. */
unsigned ui_keys_interrupt(struct ui *u);

#endif
