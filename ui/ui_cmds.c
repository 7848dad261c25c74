/*
 * ui_cmds.c: the command line (:). One table names each command and what
 * runs it: a function of the argument, or the action a key runs too.
 */
#include <stdlib.h>
#include <string.h>

#include "duration.h"
#include "estate.h"
#include "prefs.h"
#include "ui_internal.h"

static unsigned
ui_c_sort(struct ui *u, const char *arg)
{
	enum token_sort_key k;
	bool desc = false;

	if (token_sort_parse(arg, &k, &desc) != 0)
		return ui_msg(u, true, "unknown sort column: %s", arg), UI_R_STATUS;
	u->sort = k;
	u->desc = desc;
	return ui_sort_step(u, 0);
}

static unsigned
ui_c_filter(struct ui *u, const char *arg)
{
	char committed[sizeof u->filter_text];

	snprintf(committed, sizeof committed, "%s", u->filter_text);
	ui_state_set_filter(u, arg, committed);
	ui_state_refilter(u);
	return UI_R_TABLE | UI_R_STATUS | UI_R_HEADER;
}

static unsigned
ui_c_export(struct ui *u, const char *arg)
{
	return ui_export(u, arg, u->mode == UI_MODE_RESULTS, false);
}

/* :search EXPR: move to the next row (or view line) that matches, hiding
 * nothing; n and N go on. */
static unsigned
ui_c_search(struct ui *u, const char *arg)
{
	if (arg[0] == '\0')
		return ui_a_search_next(u);
	return ui_keys_search(u, arg, 1, u->mode != UI_MODE_TABLE);
}

/* :refresh: now; :refresh DURATION: every so often (at least 10s); :refresh
 * off: no more. */
static unsigned
ui_c_refresh(struct ui *u, const char *arg)
{
	int64_t s = 0;

	if (arg[0] == '\0')
		return ui_a_refresh(u);
	if (strcmp(arg, "off") != 0 && strcmp(arg, "0") != 0 &&
	    (duration_parse(arg, &s) != 0 || s < PREFS_REFRESH_MIN || s > 86400))
		return ui_msg(u, true, "refresh: off, or a duration from %ds to 1d (60, 90s, 5m)",
		    PREFS_REFRESH_MIN), UI_R_STATUS;
	ui_state_refresh_every(u, s * 1000);
	if (s == 0)
		ui_msg(u, false, "auto-refresh off");
	else
		ui_msg(u, false, "auto-refresh every %llds (the cursor, tags and a running session "
		    "are left alone)", (long long)s);
	return UI_R_STATUS;
}

/* :columns NAME,...: choose and order the columns; :columns default; alone:
 * say which are shown and which there are. */
static unsigned
ui_c_columns(struct ui *u, const char *arg)
{
	char spec[256], why[160];

	if (arg[0] != '\0' && ui_columns_set(u, arg, why, sizeof why) != 0)
		return ui_msg(u, true, "columns: %s", why), UI_R_STATUS;
	if (arg[0] != '\0')            /* remembered; default follows the config again */
		u->columns_chosen = strcmp(arg, "default") != 0;
	ui_columns_spec(u, spec, sizeof spec);
	ui_msg(u, false, "columns: %s (:columns NAME,... chooses and orders them from comment "
	    "created expires flags last-used scopes owner id; :columns default)", spec);
	return UI_R_ALL;
}

/* :profile NAME switches; alone, the profile list. */
static unsigned
ui_c_profile(struct ui *u, const char *arg)
{
	return arg[0] == '\0' ? ui_a_profiles(u) : ui_profile_switch(u, arg);
}

/* The words Tab offers after sort, columns, refresh and profile. */
static const char *
ui_cmds_sort_word(struct ui *u, size_t i)
{
	return i < TOKEN_SORT_COUNT ? token_sort_name((enum token_sort_key)i) : NULL;
}

static const char *
ui_cmds_column_word(struct ui *u, size_t i)
{
	return i + 1 < ui_columns_count() ? ui_column(i + 1)->name : NULL;
}

static const char *
ui_cmds_refresh_word(struct ui *u, size_t i)
{
	return i == 0 ? "off" : NULL;
}

/* The profiles Tab offers after profile: those the profile list lets one
 * pick (ui_ws_refused: never an account console), read from the config
 * file as the first is asked for. */
static const char *
ui_cmds_profile_word(struct ui *u, size_t i)
{
	struct patrol_err err;
	char *path = NULL;
	size_t k;

	if (i == 0) {
		config_profiles_free(u->cprofiles, u->ncprofiles);
		u->cprofiles = NULL;
		u->ncprofiles = 0;
		status_clear(&err);
		if (u->ws->cfg->config_file != NULL &&
		    config_profiles(config_getenv_real, NULL, &u->cprofiles, &u->ncprofiles, &path,
		    &err) != PATROL_OK)
			u->ncprofiles = 0;
		free(path);
	}
	for (k = 0; k < u->ncprofiles; k++)
		if (estate_not_workspace(&u->cprofiles[k]) == NULL && i-- == 0)
			return u->cprofiles[k].name;
	return NULL;
}

/* The commands: with an argument (fn), or the same action as a key (act);
 * an alias is not offered by Tab nor named in the list of commands; word:
 * the words Tab offers for the argument. */
static const struct {
	const char *name;
	unsigned (*fn)(struct ui *, const char *);
	unsigned (*act)(struct ui *);
	bool alias;
	const char *(*word)(struct ui *u, size_t i);
} ui_cmds[] = {
	{ "sort", ui_c_sort, NULL, false, ui_cmds_sort_word },
	{ "filter", ui_c_filter, NULL, false, NULL },
	{ "search", ui_c_search, NULL, false, NULL },
	{ "columns", ui_c_columns, NULL, false, ui_cmds_column_word },
	{ "refresh", ui_c_refresh, NULL, false, ui_cmds_refresh_word },
	{ "export", ui_c_export, NULL, false, NULL },
	{ "profile", ui_c_profile, NULL, false, ui_cmds_profile_word },
	{ "owners", NULL, ui_a_owners, false, NULL },
	{ "scopes", NULL, ui_a_scopes, false, NULL },
	{ "settings", NULL, ui_a_settings, false, NULL },
	{ "permissions", NULL, ui_a_permissions, false, NULL },
	{ "admin", NULL, ui_a_admin, false, NULL },
	{ "resume", NULL, ui_a_resume, false, NULL },
	{ "help", NULL, ui_a_help, false, NULL },
	{ "quit", NULL, ui_a_quit, false, NULL },
	{ "q", NULL, ui_a_quit, true, NULL },
};
#define UI_NCMDS (sizeof ui_cmds / sizeof ui_cmds[0])

/* The i-th command that is not an alias, or NULL. */
static const char *
ui_cmds_name(size_t i)
{
	size_t k;

	for (k = 0; k < UI_NCMDS; k++)
		if (!ui_cmds[k].alias && i-- == 0)
			return ui_cmds[k].name;
	return NULL;
}

/* Tab on the command line: a command's name, then the words of its one
 * argument where it has them (sort and columns: column names; refresh:
 * off; profile: the workspace profiles). before holds the words typed
 * before the one completed. */
static const char *
ui_cmds_complete(struct ui *u, const char *before, size_t i)
{
	size_t k, n;

	before += strspn(before, " ");
	if (*before == '\0')
		return ui_cmds_name(i);
	n = strcspn(before, " ");
	if (before[n + strspn(before + n, " ")] != '\0')
		return NULL;                  /* past the first argument */
	for (k = 0; k < UI_NCMDS; k++)
		if (strlen(ui_cmds[k].name) == n && strncmp(ui_cmds[k].name, before, n) == 0)
			return ui_cmds[k].word != NULL ? ui_cmds[k].word(u, i) : NULL;
	return NULL;
}

/* Enter runs the line; Esc (or Backspace on an empty line) closes it. */
static unsigned
ui_cmds_done(struct ui *u, const char *text)
{
	return text != NULL ? ui_keys_command(u, text) : UI_R_STATUS;
}

static const struct ui_prompt_kind ui_cmds_prompt = {
	':', UI_HIST_COMMAND, true, ui_cmds_done, NULL, ui_cmds_complete, NULL
};

/* : opens the command line. */
unsigned
ui_a_command(struct ui *u)
{
	ui_prompt_open(u, &ui_cmds_prompt, "");
	return UI_R_STATUS;
}

/* Run one command line (without the ':'). */
unsigned
ui_keys_command(struct ui *u, const char *line)
{
	char name[32], all[256], rest[UI_PROMPT_MAX * 4 + 1];
	const char *arg;
	size_t i, n, len;

	ui_msg_clear(u);            /* its message is the command's own */
	line += strspn(line, " ");
	n = strcspn(line, " ");
	if (n == 0)
		return UI_R_STATUS;
	snprintf(name, sizeof name, "%.*s", (int)(n < sizeof name ? n : sizeof name - 1), line);
	arg = line + n;
	arg += strspn(arg, " ");
	snprintf(rest, sizeof rest, "%s", arg);      /* without the blanks Tab leaves */
	for (len = strlen(rest); len > 0 && rest[len - 1] == ' '; len--)
		rest[len - 1] = '\0';
	arg = rest;
	for (i = 0; i < UI_NCMDS; i++)
		if (strcmp(ui_cmds[i].name, name) == 0)
			return ui_cmds[i].act != NULL ? ui_cmds[i].act(u) : ui_cmds[i].fn(u, arg);
	for (i = 0, n = 0; ui_cmds_name(i) != NULL && n < sizeof all; i++)
		n += (size_t)snprintf(all + n, sizeof all - n, "%s%s", i > 0 ? " " : "",
		    ui_cmds_name(i));
	ui_msg(u, true, "unknown command: %s (%s)", name, all);
	return UI_R_STATUS;
}
