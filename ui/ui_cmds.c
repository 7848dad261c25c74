/*
 * ui_cmds.c: the command line (:). One table names each command and what
 * runs it: a function of the argument, or the action a key runs too.
 */
#include <stdlib.h>
#include <string.h>

#include "duration.h"
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

unsigned
ui_c_profile(struct ui *u, const char *arg)
{
	if (arg[0] == '\0')
		return ui_a_profiles(u);
	if (ui_state_bulk_running(u) || ui_state_count(u, UI_MARK_STAGED | UI_MARK_BUSY) > 0)
		return ui_msg(u, true, "unstage or finish the revocations first"), UI_R_STATUS;
	if (ui_state_profile(u, arg) != 0)
		return UI_R_STATUS;
	if (u->mode != UI_MODE_TABLE)
		ui_a_back(u);
	return UI_R_ALL;
}

/* The commands: with an argument (fn), or the same action as a key (act). */
static const struct {
	const char *name;
	unsigned (*fn)(struct ui *, const char *);
	unsigned (*act)(struct ui *);
} ui_cmds[] = {
	{ "sort", ui_c_sort, NULL },
	{ "filter", ui_c_filter, NULL },
	{ "export", ui_c_export, NULL },
	{ "search", ui_c_search, NULL },
	{ "profile", ui_c_profile, NULL },
	{ "owners", NULL, ui_a_owners },
	{ "settings", NULL, ui_a_settings },
	{ "admin", NULL, ui_a_admin },
	{ "refresh", ui_c_refresh, NULL },
	{ "columns", ui_c_columns, NULL },
	{ "resume", NULL, ui_a_resume },
	{ "help", NULL, ui_a_help },
	{ "quit", NULL, ui_a_quit },
	{ "q", NULL, ui_a_quit },
};

/* Run one command line (without the ':'). */
unsigned
ui_keys_command(struct ui *u, const char *line)
{
	char name[32];
	const char *arg;
	size_t i, n;

	ui_msg_clear(u);            /* its message is the command's own */
	line += strspn(line, " ");
	n = strcspn(line, " ");
	if (n == 0)
		return UI_R_STATUS;
	snprintf(name, sizeof name, "%.*s", (int)(n < sizeof name ? n : sizeof name - 1), line);
	arg = line + n;
	arg += strspn(arg, " ");
	for (i = 0; i < sizeof ui_cmds / sizeof ui_cmds[0]; i++)
		if (strcmp(ui_cmds[i].name, name) == 0)
			return ui_cmds[i].act != NULL ? ui_cmds[i].act(u) : ui_cmds[i].fn(u, arg);
	ui_msg(u, true, "unknown command: %s (sort filter search columns refresh export profile "
	    "owners settings admin resume help quit)", name);
	return UI_R_STATUS;
}
