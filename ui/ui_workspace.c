/*
 * ui_workspace.c: the actions on the workspace on show: admin mode (every
 * token, with owners), the owners view, the workspace's token settings,
 * the profiles of the config file and switching to one, and resuming an
 * unfinished revocation session.
 */
#include <stdlib.h>
#include <string.h>

#include "estate.h"
#include "sanitize.h"
#include "settings.h"
#include "ui_internal.h"

/* ---- admin mode, owners, settings, profiles --------------------------- */

static unsigned ui_admin_switch(struct ui *u);

/* The question before a switch that discards staged revocations ended. */
static unsigned
ui_admin_done(struct ui *u, struct dialog *d, enum dialog_result res)
{
	if (res == DIALOG_OK)
		return ui_admin_switch(u);
	ui_msg(u, false, "cancelled: still %s, the staged %s kept",
	    UI_MGMT(u) ? "in admin mode" : "your own tokens",
	    ui_state_count(u, UI_MARK_PIN) == 0 ? "revocations" :
	    ui_state_count(u, UI_MARK_STAGED) == 0 ? "pins" : "revocations and pins");
	return UI_R_NONE;
}
/* Switching the token source discards the staged revocations and pins (the
 * other list has other ids): ask first when some are staged. */
static unsigned
ui_admin_ask(struct ui *u)
{
	char l0[160], words[96];
	const char *lines[2] = { l0, ui_state_count(u, UI_MARK_PIN) == 0 ?
	    "Nothing is revoked; staging again takes d." :
	    "Nothing is sent; staging again takes d or p." };

	ui_state_staged_words(u, words, sizeof words);
	snprintf(l0, sizeof l0, "%s will be discarded.", words);
	ui_dialog_open(u, dialog_confirm_new(u->ws->admin == UI_ADMIN_ON ? "Leave admin mode?" :
	    "Switch to admin mode?", lines, 2, NULL, u->ascii), ui_admin_done, NULL);
	return UI_R_ALL;
}


unsigned
ui_a_admin(struct ui *u)
{
	size_t staged = ui_state_count(u, UI_MARK_STAGED) + ui_state_count(u, UI_MARK_PIN);

	if (ui_state_bulk_running(u) || ui_state_count(u, UI_MARK_BUSY) > 0)
		return ui_msg(u, true, "a revocation is running: switch when it is done"),
		    UI_R_STATUS;
	/* not when a non-admin's a is refused anyway, or a wait is called off
	 * (with several on show each member's own admin check decides: the
	 * merged table is never waiting and has no Me of its own) */
	if (staged > 0 && u->ws->admin != UI_ADMIN_WAIT &&
	    !(u->ws->admin == UI_ADMIN_OFF && u->ws->me != NULL && !u->ws->me->is_admin))
		return ui_admin_ask(u);
	return ui_admin_switch(u);
}

/* a, once nothing staged is in the way (or the user said to discard it). */
static unsigned
ui_admin_switch(struct ui *u)
{
	const char *dots = u->ascii ? "..." : "\u2026";

	if (UI_ESTATE(u))
		return ui_estate_admin(u);
	if (u->ws->admin == UI_ADMIN_ON) {
		ui_state_source(u, UI_ADMIN_OFF);
		ui_msg(u, false, "your own tokens: loading%s", dots);
		return UI_R_ALL;
	}
	if (u->ws->admin == UI_ADMIN_WAIT) {
		u->ws->admin = UI_ADMIN_OFF;
		if (!u->ws->loaded)
			ui_state_load(u);
		ui_msg(u, false, "admin mode: not switched on");
		return UI_R_ALL;
	}
	if (u->ws->me == NULL) {
		u->ws->admin = UI_ADMIN_WAIT;
		ui_state_ask_me(u);  /* again, if it failed */
		ui_msg(u, false, "checking admin rights%s", dots);
		return UI_R_HEADER | UI_R_STATUS;
	}
	if (!u->ws->me->is_admin)
		return ui_msg(u, true, "admin mode needs workspace admin rights (%s is not in admins)",
		    u->ws->me->user_name != NULL ? u->ws->me->user_name : "?"), UI_R_STATUS;
	ui_state_source(u, UI_ADMIN_ON);
	ui_msg(u, false, "admin mode: loading every token in the workspace%s", dots);
	return UI_R_ALL;
}

unsigned
ui_a_owners(struct ui *u)
{
	if (!UI_MGMT(u))
		return ui_msg(u, true, "the owners view needs admin mode (a)"), UI_R_STATUS;
	ui_lists_owners(u);
	return UI_R_VIEW | UI_R_STATUS;
}

unsigned
ui_a_settings(struct ui *u)
{
	if (UI_ESTATE(u))
		return ui_msg(u, true, "settings are a workspace's own: pick one (P) to see them"),
		    UI_R_STATUS;
	if ((u->ws->loading & (1u << UI_JOB_CONF)) == 0)
		ui_state_submit(u, api_conf_get(), UI_JOB_CONF, 0);   /* fresh values */
	ui_lists_settings(u);
	return UI_R_VIEW | UI_R_STATUS | UI_R_HEADER;
}

/* :permissions: who may use tokens, read fresh each time it opens. */
unsigned
ui_a_permissions(struct ui *u)
{
	if (UI_ESTATE(u))
		return ui_msg(u, true, "token permissions are a workspace's own: pick one (P) to see "
		    "them"), UI_R_STATUS;
	if ((u->ws->loading & (1u << UI_JOB_PERMS)) == 0)
		ui_state_submit(u, api_perm_get(), UI_JOB_PERMS, 0);
	ui_lists_permissions(u);
	return UI_R_VIEW | UI_R_STATUS | UI_R_HEADER;
}

unsigned
ui_a_profiles(struct ui *u)
{
	if (ui_lists_profiles(u) != 0)
		return UI_R_STATUS;
	return UI_R_VIEW | UI_R_STATUS;
}

/* Enter in :owners: the table, filtered to the selected owner. */
unsigned
ui_a_owner_pick(struct ui *u)
{
	const char *o = ui_lists_owner(u), *ws;
	char *name, *expr;
	int rc;

	if (o == NULL)
		return UI_R_NONE;
	if (*o == '\0')
		return ui_msg(u, true, "these tokens have no owner name to filter by"), UI_R_STATUS;
	name = ui_xstrdup(o);        /* the view (and o) goes */
	ws = UI_ESTATE(u) ? u->est[u->vowner_ws[u->vsel]]->profile : NULL;
	expr = ui_xcalloc(strlen(name) + (ws != NULL ? strlen(ws) : 0) + 32, 1);
	sprintf(expr, strpbrk(name, " \t") != NULL ? "owner:\"%s\"" : "owner:%s", name);
	if (ws != NULL)              /* the owner in that workspace, named whole */
		sprintf(expr + strlen(expr), " workspace:\"%s\"", ws);
	ui_view_free(u);
	u->mode = UI_MODE_TABLE;
	if ((rc = ui_state_set_filter(u, expr, NULL)) == 0) {
		ui_state_refilter(u);
		u->cursor = 0;
		ui_msg(u, false, "the tokens of %s (Esc clears the filter)", name);
	}
	free(expr);
	free(name);
	return UI_R_ALL;
}

static unsigned
ui_owner_sort(struct ui *u, int step)
{
	u->osort = (enum ui_owner_sort)(((int)u->osort + step + UI_OSORT_COUNT) % UI_OSORT_COUNT);
	ui_lists_owners(u);
	return UI_R_VIEW;
}

unsigned ui_a_osort_next(struct ui *u) { return ui_owner_sort(u, 1); }
unsigned ui_a_osort_prev(struct ui *u) { return ui_owner_sort(u, -1); }

unsigned
ui_a_osort_invert(struct ui *u)
{
	u->odesc = !u->odesc;
	return ui_owner_sort(u, 0);
}

unsigned
ui_profile_switch(struct ui *u, const char *name)
{
	if (ui_state_bulk_running(u) || ui_state_count(u, UI_MARK_STAGED | UI_MARK_BUSY) > 0)
		return ui_msg(u, true, "unstage or finish the revocations first"), UI_R_STATUS;
	if (ui_state_profile(u, name) != 0)
		return UI_R_STATUS;
	if (u->mode != UI_MODE_TABLE)
		ui_a_back(u);
	return UI_R_ALL;
}

/* Enter with profiles picked: one is switched to, several shown together. */
static unsigned
ui_profiles_open(struct ui *u, size_t npicked)
{
	const char **names = ui_xcalloc(npicked, sizeof *names);
	size_t i, n = 0;
	unsigned r;

	for (i = 0; i < u->nvprofiles; i++)
		if (u->vpick[i])
			names[n++] = ui_xstrdup(u->vprofiles[i].name);   /* the list closes */
	if (n == 1)
		r = ui_profile_switch(u, names[0]);
	else if (ui_state_bulk_running(u) || ui_state_count(u, UI_MARK_STAGED | UI_MARK_BUSY) > 0)
		r = (ui_msg(u, true, "unstage or finish the revocations first"), UI_R_STATUS);
	else
		r = ui_estate_open(u, names, n) == 0 ? UI_R_ALL : UI_R_STATUS;
	while (n > 0)
		free((char *)names[--n]);
	free(names);
	return r;
}

/* Say why line i of the profile list cannot be picked (true), as
 * --all-profiles notes it; false when it can. */
static bool
ui_profile_refused(struct ui *u, size_t i)
{
	return ui_ws_refused(u, &u->vprofiles[i]);
}

/* Space in the profile list: pick or unpick the selected line. */
unsigned
ui_a_profile_toggle(struct ui *u)
{
	if (u->vsel >= u->nvprofiles)
		return UI_R_NONE;
	if (ui_profile_refused(u, u->vsel))
		return UI_R_STATUS;
	u->vpick[u->vsel] = !u->vpick[u->vsel];
	ui_lists_profile_mark(u, u->vsel);
	return ui_a_down(u) | UI_R_VIEW;
}

/* a in the profile list: pick every workspace profile (what
 * --all-profiles takes), or none when all are. */
unsigned
ui_a_profile_all(struct ui *u)
{
	size_t i, n = 0, can = 0;

	for (i = 0; i < u->nvprofiles; i++) {
		n += u->vpick[i];
		can += estate_not_workspace(&u->vprofiles[i]) == NULL;
	}
	for (i = 0; i < u->nvprofiles; i++) {
		u->vpick[i] = n < can && estate_not_workspace(&u->vprofiles[i]) == NULL;
		ui_lists_profile_mark(u, i);
	}
	ui_msg(u, false, "%zu profile%s picked: Enter shows them together", n < can ? can : 0,
	    n < can && can == 1 ? "" : "s");
	return UI_R_VIEW | UI_R_STATUS;
}

/* Enter in the profile list: the picked profiles, else the selected one. */
unsigned
ui_a_profile_pick(struct ui *u)
{
	size_t i, npicked = 0;
	char *name;
	unsigned r;

	for (i = 0; i < u->nvprofiles; i++)
		npicked += u->vpick[i];
	if (npicked > 0)
		return ui_profiles_open(u, npicked);
	if (ui_lists_profile(u) == NULL)
		return UI_R_NONE;
	if (ui_profile_refused(u, u->vsel))
		return UI_R_STATUS;
	name = ui_xstrdup(ui_lists_profile(u));  /* the list goes with the switch */
	r = ui_profile_switch(u, name);
	free(name);
	return r;
}

/* The input dialog's check of a new max lifetime (settings.h). */
static int
ui_days_check(const char *v, char *why, size_t n)
{
	if (settings_valid(SETTING_MAX_LIFETIME, v))
		return 0;
	snprintf(why, n, "%s", settings_hint(SETTING_MAX_LIFETIME));
	return -1;
}

static unsigned ui_setting_confirm_done(struct ui *u, struct dialog *d, enum dialog_result res);

/* Ask before changing a workspace setting (focus on Cancel). */
static unsigned
ui_setting_confirm(struct ui *u)
{
	char l0[128];
	const char *lines[2] = { l0, NULL };
	bool max = u->setting == SETTING_MAX_LIFETIME;
	bool off = !max && strcmp(u->setting_value, "false") == 0;
	const char *typed = settings_typed_confirm(u->setting, u->setting_value) ? "yes" : NULL;

	if (max) {
		snprintf(l0, sizeof l0, "Set max token lifetime to %s days?", u->setting_value);
		lines[1] = "Existing tokens are not changed.";
		snprintf(u->setting_note, sizeof u->setting_note,
		    "max token lifetime set to %s days", u->setting_value);
	} else if (off) {
		snprintf(l0, sizeof l0, "Turn personal access tokens off for the whole workspace?");
		lines[1] = "Every token stops working, the one patrol uses too.";
		snprintf(u->setting_note, sizeof u->setting_note, "tokens turned off");
	} else {
		snprintf(l0, sizeof l0, "Turn personal access tokens on for the workspace?");
		lines[1] = "Existing tokens work again.";
		snprintf(u->setting_note, sizeof u->setting_note, "tokens turned on");
	}
	ui_dialog_open(u, dialog_confirm_new("Change a workspace setting", lines, 2, typed,
	    u->ascii), ui_setting_confirm_done, NULL);
	return UI_R_ALL;
}

static void
ui_setting_submit(struct ui *u)
{
	ui_state_submit(u, api_conf_set(settings_key(u->setting), u->setting_value),
	    UI_JOB_CONF_SET, 0);
	ui_msg(u, false, "changing the workspace setting%s", u->ascii ? "..." : "\u2026");
}

/* The confirm ended: OK changes the setting. */
static unsigned
ui_setting_confirm_done(struct ui *u, struct dialog *d, enum dialog_result res)
{
	if (res == DIALOG_OK)
		ui_setting_submit(u);
	else
		ui_msg(u, false, "cancelled: the setting is unchanged");
	return UI_R_NONE;
}

/* The new max lifetime was typed (checked by ui_days_check): confirm it. */
static unsigned
ui_setting_input_done(struct ui *u, struct dialog *d, enum dialog_result res)
{
	if (res != DIALOG_OK) {
		ui_msg(u, false, "cancelled: the setting is unchanged");
		return UI_R_NONE;
	}
	snprintf(u->setting_value, sizeof u->setting_value, "%s", dialog_input_value(d));
	return ui_setting_confirm(u);
}

/* e in :settings: the selected setting, through a dialog and a confirm. */
unsigned
ui_a_setting_edit(struct ui *u)
{
	static const char *const lines[] = {
		"The longest lifetime a new token may have.",
		"Existing tokens are not changed.",
	};
	int s = ui_lists_setting(u);
	const char *cur;
	char now[32];

	if (s < 0)
		return ui_msg(u, true, "nothing to change here"), UI_R_STATUS;
	u->setting = (enum setting)s;
	cur = settings_value(u->setting, u->ws->conf);
	if (u->setting == SETTING_MAX_LIFETIME) {
		snprintf(now, sizeof now, "%s", cur != NULL ? cur : "");
		ui_dialog_open(u, dialog_input_new("Max token lifetime", lines, 2, "Days",
		    "1 to 730", now, 3, ui_days_check, u->ascii), ui_setting_input_done, NULL);
		return UI_R_ALL;
	}
	snprintf(u->setting_value, sizeof u->setting_value, "%s",
	    cur != NULL && strcmp(cur, "false") == 0 ? "true" : "false");
	return ui_setting_confirm(u);
}

/* ---- token permissions: grant (c in :permissions) ----------------------- */

/* The principal the user typed, as api_perm_target reads it. */
static void
ui_grant_target(const struct ui *u, enum api_principal *kind, const char **name)
{
	api_perm_target(u->grant_arg, u->ws->perms, kind, name);
}

static unsigned
ui_grant_confirm_done(struct ui *u, struct dialog *d, enum dialog_result res)
{
	struct api_perm_grant g = { API_PRINCIPAL_USER, NULL, "CAN_USE" };

	if (res != DIALOG_OK) {
		ui_msg(u, false, "cancelled: the permissions are unchanged");
		return UI_R_NONE;
	}
	ui_grant_target(u, &g.kind, &g.name);
	ui_state_submit(u, api_perm_update(&g, 1), UI_JOB_PERM_GRANT, 0);
	ui_msg(u, false, "granting%s", u->ascii ? "..." : "\u2026");
	return UI_R_STATUS;
}

/* The principal was typed: say how it is read, and ask (focus on Cancel). */
static unsigned
ui_grant_input_done(struct ui *u, struct dialog *d, enum dialog_result res)
{
	char l0[400], who[300];
	const char *lines[2] = { l0, "It may then create and use personal access tokens." };
	enum api_principal kind;
	const char *name;

	if (res != DIALOG_OK) {
		ui_msg(u, false, "cancelled: the permissions are unchanged");
		return UI_R_NONE;
	}
	snprintf(u->grant_arg, sizeof u->grant_arg, "%s", dialog_input_value(d));
	ui_grant_target(u, &kind, &name);
	sanitize_cell(name, 120, 0, u->sflags, who, sizeof who);
	snprintf(l0, sizeof l0, "Grant CAN_USE to %s %s?", api_principal_words(kind), who);
	ui_dialog_open(u, dialog_confirm_new("Grant a token permission", lines, 2, NULL, u->ascii),
	    ui_grant_confirm_done, NULL);
	return UI_R_ALL;
}

static int
ui_grant_check(const char *v, char *why, size_t n)
{
	if (v[strspn(v, " ")] != '\0')
		return 0;
	snprintf(why, n, "name a user, a group or a service principal's application id");
	return -1;
}

/* c in :permissions: let a principal use tokens (a PATCH, after a confirm). */
unsigned
ui_a_perm_grant(struct ui *u)
{
	static const char *const lines[] = {
		"A user name, group name or service principal application id (user:, group: or "
		"sp: before it says which).",
	};

	ui_dialog_open(u, dialog_input_new("Grant a token permission", lines, 1, "Principal",
	    "bob@example.com, data-eng, user:NAME", "", 200, ui_grant_check, u->ascii),
	    ui_grant_input_done, NULL);
	return UI_R_ALL;
}

/* :resume: offer the unfinished revocation session of each workspace on show. */
unsigned
ui_a_resume(struct ui *u)
{
	return ui_bulk_offer_resume(u, false);
}
