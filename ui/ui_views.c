/*
 * ui_views.c: the views, built as lines when opened and rebuilt when their
 * data changes: the detail of a token, the list views (owners, workspace
 * settings, profiles) and a revocation session's plan and results. The
 * painter (ui_draw.c) only draws them.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "bulk.h"
#include "config.h"
#include "duration.h"
#include "estate.h"
#include "journal.h"
#include "sanitize.h"
#include "settings.h"
#include "ui_internal.h"

/* A field as "Label:  value" with the value sanitized. */
static void
ui_add_field(struct ui_lines *l, const struct ui *u, const char *label, const char *value)
{
	char *s = sanitize(value, 0, u->sflags);

	if (s == NULL)
		ui_fatal("out of memory");
	ui_add(l, label[0] != '\0' ? ui_fmt("%-16s %s", label, s) : ui_fmt("  %s", s));
	free(s);
}

/* A time in local time and UTC with how long ago; none when there is none. */
static void
ui_add_time(struct ui_lines *l, const struct ui *u, const char *label, int64_t ms,
    const char *none)
{
	char loc[64], utc[64], rel[64];

	if (ms <= 0) {
		ui_add(l, ui_fmt("%-16s %s", label, none));
		return;
	}
	duration_absolute(ms, false, loc, sizeof loc);
	duration_absolute(ms, true, utc, sizeof utc);
	duration_relative(ms, u->ws->ctx.now_ms, rel, sizeof rel);
	ui_add(l, ui_fmt("%-16s %s local, %s UTC (%s)", label, loc, utc, rel));
}

/* The last use: a time, or (admin mode) only the UTC day. */
static void
ui_add_last_used(struct ui_lines *l, const struct ui *u, const struct token_info *t)
{
	char rel[64], day[32];

	if (!token_last_used_day_only(t)) {
		ui_add_time(l, u, "Last used:", token_last_used(t), TOKEN_WORD_NEVER);
		return;
	}
	token_last_used_format(t, u->ws->ctx.now_ms, rel, sizeof rel);
	duration_iso8601(token_last_used(t), day, sizeof day);
	day[10] = '\0';
	ui_add(l, ui_fmt("%-16s %s UTC, the day only (%s)", "Last used:", day, rel));
}

static void
ui_add_list(struct ui_lines *l, const struct ui *u, const char *label,
    const struct token_info *t, enum token_list which, const char *none)
{
	size_t i, n = token_list_n(t, which);

	if (n == 0) {
		ui_add(l, ui_fmt("%-16s %s", label, none));
		return;
	}
	for (i = 0; i < n; i++)
		ui_add_field(l, u, i == 0 ? label : "", token_list_at(t, which, i));
}

static void
ui_add_flags(struct ui_lines *l, unsigned flags)
{
	int b;

	if (flags == 0) {
		ui_add(l, ui_fmt("%-16s none", "Flags:"));
		return;
	}
	for (b = 0; b < TOKEN_FLAG_COUNT; b++)
		if (flags & (1u << b))
			ui_add(l, ui_fmt("%-16s %s: %s", b == __builtin_ctz(flags) ? "Flags:" : "",
			    token_flag_name((enum token_flag_bit)b),
			    token_flag_legend((enum token_flag_bit)b)));
}

/* Auto-scoping: the state in words, what it inferred, when it narrows the
 * token (patrol's estimate) and what it can do then. */
static void
ui_add_autoscope(struct ui_lines *l, struct ui *u, const struct token_info *t)
{
	struct autoscope_access after;
	char text[4096];

	ui_add_field(l, u, "Autoscope:", autoscope_state_words(token_autoscope_state(t)));
	ui_add_list(l, u, "Inferred scopes:", t, TOKEN_LIST_INFERRED, "-");
	ui_add_list(l, u, "Backfill scopes:", t, TOKEN_LIST_BACKFILL, "-");
	token_autoscope_enforce_format(t, u->ws->ctx.now_ms, text, sizeof text);
	ui_add_field(l, u, "Enforced:", text);
	token_autoscope_after(t, &after);
	autoscope_access_format(&after, text, sizeof text);
	ui_add_field(l, u, "Scopes after:", text);
}

/* Build the detail view of t. */
void
ui_draw_detail(struct ui *u, const struct token_info *t, unsigned flags)
{
	struct ui_lines l = { NULL, 0, 0 };
	char num[32], scopes[4096], id[TOKEN_ID_LEN + 1];
	const struct ui_ws *ws;

	ui_add_field(&l, u, "Comment:", token_comment(t) != NULL ? token_comment(t) : "");
	if (UI_ESTATE(u) && t->workspace < u->nest) {   /* an id is unique to its workspace */
		ws = u->est[t->workspace];
		snprintf(scopes, sizeof scopes, "%s (%s)", ws->profile,
		    ws->cfg->host != NULL ? ws->cfg->host : "");
		ui_add_field(&l, u, "Workspace:", scopes);
	}
	ui_add(&l, ui_xstrdup("Token id:"));
	ui_add_field(&l, u, "", token_id_hex(t, id));
	ui_add_time(&l, u, "Created:", t->creation_time, "unknown");
	ui_add_time(&l, u, "Expires:", t->expiry_time, TOKEN_WORD_NEVER);
	ui_add_last_used(&l, u, t);
	if (t->management) {
		ui_add_field(&l, u, "Owner:", token_owner(t));
		snprintf(num, sizeof num, "%lld", (long long)t->owner_id);
		ui_add_field(&l, u, "Owner id:", num);
		snprintf(num, sizeof num, "%lld", (long long)t->created_by_id);
		ui_add_field(&l, u, "Created by id:", num);
	}
	token_scopes_format(t, scopes, sizeof scopes);
	ui_add_field(&l, u, "Scopes:", scopes);
	ui_add_autoscope(&l, u, t);
	ui_add_flags(&l, flags);
	if (flags & TOKEN_FLAG(SELF))
		ui_add(&l, ui_xstrdup("This is the token patrol uses."));
	ui_view_set(u, UI_MODE_DETAIL, l.v, l.n);
}

/* ---- list views: owners, settings, profiles ------------------------------ */

static int
ui_ocmp_owner(const void *pa, const void *pb)
{
	return strcmp(((const struct token_owner_count *)pa)->owner,
	    ((const struct token_owner_count *)pb)->owner);
}

#define UI_OCMP(name, field)						\
static int								\
name(const void *pa, const void *pb)					\
{									\
	const struct token_owner_count *a = pa, *b = pb;		\
									\
	if (a->field != b->field)					\
		return a->field < b->field ? -1 : 1;			\
	return -ui_ocmp_owner(pa, pb);					\
}
UI_OCMP(ui_ocmp_active, active)
UI_OCMP(ui_ocmp_expiring, expiring)
UI_OCMP(ui_ocmp_total, total)
#undef UI_OCMP

/* The owners view's columns: title, width, comparator (ascending; ties by
 * name, so that the descending order lists names ascending), and whether
 * the natural order is descending (counts: most first). */
static const struct {
	const char *title;
	int width;
	int (*cmp)(const void *, const void *);
	bool desc;
} ui_ocols[UI_OSORT_COUNT] = {
	[UI_OSORT_ACTIVE]   = { "ACTIVE/600", 22, ui_ocmp_active, true },
	[UI_OSORT_OWNER]    = { "OWNER", 0, ui_ocmp_owner, false },
	[UI_OSORT_EXPIRING] = { "EXPIRING", 8, ui_ocmp_expiring, true },
	[UI_OSORT_TOTAL]    = { "TOTAL", 6, ui_ocmp_total, true },
};
#define UI_OWNER_MIN 12
#define UI_OWNER_MAX 40
#define UI_OBAR 10

/* Append a title cell padded to width (with the sort arrow when sorted). */
static size_t
ui_otitle(const struct ui *u, char *out, size_t pos, size_t n, enum ui_owner_sort k,
    int width, bool desc)
{
	char t[64];

	snprintf(t, sizeof t, "%s%s", ui_ocols[k].title, u->osort != k ? "" : u->ascii ?
	    (desc ? "v" : "^") : (desc ? "\u25bc" : "\u25b2"));
	pos += sanitize_cell(t, (size_t)width, 1, u->sflags, out + pos, n - pos);
	if (pos + 2 < n)
		pos += (size_t)snprintf(out + pos, n - pos, "  ");
	return pos;
}

static void
ui_obar(const struct ui *u, size_t active, char *out, size_t n)
{
	size_t fill = active >= TOKEN_QUOTA ? UI_OBAR : active * UI_OBAR / TOKEN_QUOTA, i, len = 0;

	if (active > 0 && fill == 0)
		fill = 1;
	for (i = 0; i < UI_OBAR && len + 4 < n; i++)
		len += (size_t)snprintf(out + len, n - len, "%s", i < fill ?
		    (u->ascii ? "#" : "\u2588") : (u->ascii ? "-" : "\u00b7"));
}

/* One line per owner: (with several workspaces, the workspace,) name,
 * active/600 with a bar, expiring, total. */
static char *
ui_owner_line(const struct ui *u, const struct ui_ws *ws, const struct token_owner_count *c,
    int ow)
{
	char name[256], bar[64], where[128] = "";

	sanitize_cell(c->owner[0] != '\0' ? c->owner : "(no owner)", (size_t)ow, 1, u->sflags,
	    name, sizeof name);
	if (UI_ESTATE(u)) {
		sanitize_cell(ws->profile, u->wide_ws, 1, u->sflags, where, sizeof where - 2);
		strcat(where, "  ");
	}
	ui_obar(u, c->active, bar, sizeof bar);
	return ui_fmt("%s%s  %5zu/%d [%s]  %8zu  %6zu", where, name, c->active, TOKEN_QUOTA, bar,
	    c->expiring, c->total);
}

/* Build (or rebuild) the owners view from the counts of this load, sorted
 * by u->osort; the selection stays on its owner. */
/* The owners of one workspace, sorted, as lines; their names and
 * workspace index into names[at..] and wsof[at..]; the selection stays
 * on keep of workspace keep_ws. */
static void
ui_owners_of(struct ui *u, size_t wsi, struct ui_lines *l, const char **names, size_t *wsof,
    size_t *sel, const char *keep, size_t keep_ws, int ow)
{
	const struct ui_ws *ws = UI_ESTATE(u) ? u->est[wsi] : u->ws;
	bool desc = ui_ocols[u->osort].desc != u->odesc;
	struct token_owner_count *v = ui_xcalloc(ws->nowners + 1, sizeof *v);
	size_t i;

	if (ws->nowners > 0)
		memcpy(v, ws->owners, ws->nowners * sizeof *v);
	qsort(v, ws->nowners, sizeof *v, ui_ocols[u->osort].cmp);
	for (i = 0; i < ws->nowners; i++) {
		const struct token_owner_count *c = &v[desc ? ws->nowners - 1 - i : i];

		names[l->n] = c->owner;
		wsof[l->n] = wsi;
		if (strcmp(c->owner, keep) == 0 && wsi == keep_ws)
			*sel = l->n;
		ui_add(l, ui_owner_line(u, ws, c, ow));
	}
	free(v);
}

/* Build (or rebuild) the owners view from the counts of this load, sorted
 * by u->osort; the selection stays on its owner. With several workspaces,
 * an owner is counted in each workspace (the quota is per workspace): the
 * lines go by workspace, then owner. */
void
ui_lists_owners(struct ui *u)
{
	struct ui_lines l = { NULL, 0, 0 };
	const char **names;
	char keep[256] = "", title[sizeof u->vtitle];
	size_t i, j, pos = 0, sel = 0, w, keep_ws = 0, nws = UI_ESTATE(u) ? u->nest : 1, total = 0;
	size_t *wsof;
	bool desc = ui_ocols[u->osort].desc != u->odesc;
	int ow = UI_OWNER_MIN;
	const struct ui_ws *ws;

	if (u->mode == UI_MODE_OWNERS && ui_lists_owner(u) != NULL) {
		snprintf(keep, sizeof keep, "%s", ui_lists_owner(u));
		keep_ws = u->vowner_ws[u->vsel];
	}
	for (j = 0; j < nws; j++) {
		ws = UI_ESTATE(u) ? u->est[j] : u->ws;
		total += ws->nowners;
		for (i = 0; i < ws->nowners; i++) {
			w = strlen(ws->owners[i].owner);
			if ((int)w > ow)
				ow = w > UI_OWNER_MAX ? UI_OWNER_MAX : (int)w;
		}
	}
	names = ui_xcalloc(total + 1, sizeof *names);
	wsof = ui_xcalloc(total + 1, sizeof *wsof);
	for (j = 0; j < nws; j++)
		ui_owners_of(u, j, &l, names, wsof, &sel, keep, keep_ws, ow);
	if (UI_ESTATE(u)) {
		pos = (size_t)snprintf(title, sizeof title, "%-*s  ", (int)u->wide_ws, "WORKSPACE");
		pos = pos < sizeof title ? pos : sizeof title - 1;
	}
	pos = ui_otitle(u, title, pos, sizeof title, UI_OSORT_OWNER, ow, desc);
	pos = ui_otitle(u, title, pos, sizeof title, UI_OSORT_ACTIVE, ui_ocols[UI_OSORT_ACTIVE].width,
	    desc);
	pos = ui_otitle(u, title, pos, sizeof title, UI_OSORT_EXPIRING, 8, desc);
	pos = ui_otitle(u, title, pos, sizeof title, UI_OSORT_TOTAL, 6, desc);
	snprintf(title + pos, sizeof title - pos, "(%zu owner%s; Enter filters, < > I sort, Esc back)",
	    total, total == 1 ? "" : "s");
	if (l.n == 0)
		ui_add(&l, ui_xstrdup(u->ws->loaded ? "no tokens" : u->ascii ? "loading..." :
		    "loading\u2026"));
	ui_view_set(u, UI_MODE_OWNERS, l.v, l.n);
	u->vowner = names;
	u->vowner_ws = wsof;
	u->nvowner = total;
	u->vsel = sel;
	snprintf(u->vtitle, sizeof u->vtitle, "%s", title);
}

const char *
ui_lists_owner(const struct ui *u)
{
	if (u->mode != UI_MODE_OWNERS || u->vowner == NULL || u->vsel >= u->nvowner)
		return NULL;
	return u->vowner[u->vsel];
}

/* What a settings line says of a setting the workspace did not set. */
static const char *
ui_setting_unset(enum setting s, char *out, size_t n)
{
	if (s == SETTING_MAX_LIFETIME)
		snprintf(out, n, "not set (%s days, the most allowed)", settings_default(s));
	else
		snprintf(out, n, "%s (not set)", settings_default(s));
	return out;
}

void
ui_lists_settings(struct ui *u)
{
	struct ui_lines l = { NULL, 0, 0 };
	const struct api_conf *c = u->ws->conf;
	size_t keep = u->mode == UI_MODE_SETTINGS ? u->vsel : 0;
	const char *v;
	char unset[64];
	int s;

	for (s = 0; c != NULL && s < SETTING_COUNT; s++) {
		v = settings_value((enum setting)s, c);
		ui_add(&l, ui_fmt("%-22s %s%s", settings_label((enum setting)s),
		    v != NULL ? v : ui_setting_unset((enum setting)s, unset, sizeof unset),
		    v != NULL && s == SETTING_MAX_LIFETIME ? " days" : ""));
	}
	if (c == NULL && u->ws->conf_err[0] != '\0')
		ui_add(&l, ui_fmt("cannot read the workspace settings: %s", u->ws->conf_err));
	else if (c == NULL)
		ui_add(&l, ui_xstrdup(u->ascii ? "loading..." : "loading\u2026"));
	ui_view_set(u, UI_MODE_SETTINGS, l.v, l.n);
	u->vsel = keep;
	snprintf(u->vtitle, sizeof u->vtitle,
	    "WORKSPACE SETTINGS  (e changes the selected one: admins, asks first; Esc back)");
}

int
ui_lists_setting(const struct ui *u)
{
	if (u->mode != UI_MODE_SETTINGS || u->ws->conf == NULL || u->vsel >= SETTING_COUNT)
		return -1;
	return (int)u->vsel;
}

/* Whether profile name is on show (one of several, or the one). */
static bool
ui_lists_shown(const struct ui *u, const char *name)
{
	size_t i;

	for (i = 0; i < u->nest; i++)
		if (strcmp(u->est[i]->profile, name) == 0)
			return true;
	return strcmp(name, u->ws->profile) == 0;
}

/* Why profile name, one of several on show, has no rows (its list failed:
 * the header has room for a few words of it), or NULL. */
static const char *
ui_lists_failed(const struct ui *u, const char *name)
{
	size_t i;

	for (i = 0; i < u->nest; i++)
		if (strcmp(u->est[i]->profile, name) == 0 && u->est[i]->load_err[0] != '\0')
			return u->est[i]->load_err;
	return NULL;
}

/* The mark of line i: + picked, * on show, - no workspace (cannot be
 * picked), else blank. */
static char
ui_lists_profile_sign(const struct ui *u, size_t i)
{
	const struct config_profile *p = &u->vprofiles[i];

	if (u->vpick[i])
		return '+';
	if (ui_lists_shown(u, p->name))
		return '*';
	return estate_not_workspace(p) != NULL ? '-' : ' ';
}

void
ui_lists_profile_mark(struct ui *u, size_t i)
{
	if (i < u->nvprofiles && i < u->nvlines && u->vlines[i][0] != '\0')
		u->vlines[i][0] = ui_lists_profile_sign(u, i);
}

/* A line of the profile list: mark, name, host (a malformed one as the
 * file writes it, its password redacted), then why it failed (on show) or
 * why it is no workspace. */
static char *
ui_lists_profile_line(const struct ui *u, size_t i)
{
	const struct config_profile *p = &u->vprofiles[i];
	const char *failed = ui_lists_failed(u, p->name), *why = estate_not_workspace(p);
	char cell[256], host[512], said[1024];

	sanitize_cell(p->name, 24, 1, u->sflags, cell, sizeof cell);
	sanitize_cell(p->host != NULL ? p->host : p->bad_host != NULL ? p->bad_host : "(no host)",
	    0, 0, u->sflags, host, sizeof host);
	sanitize_cell(failed != NULL ? failed : why != NULL ? why : "", 0, 0, u->sflags, said,
	    sizeof said);
	return ui_fmt("%c %s  %s%s%s%s", ui_lists_profile_sign(u, i), cell, host,
	    failed != NULL ? "  ! " : why != NULL ? "  (" : "", said,
	    failed == NULL && why != NULL ? ")" : "");
}

/* The profiles of the config file the current configuration came from,
 * as --all-profiles reads them (config_profiles): those that are no
 * workspace (estate_not_workspace) listed but not pickable. */
int
ui_lists_profiles(struct ui *u)
{
	struct ui_lines l = { NULL, 0, 0 };
	struct config_profile *v;
	struct patrol_err err;
	char *path = NULL;
	size_t i, n = 0, sel = 0;

	if (u->ws->cfg->config_file == NULL)
		return ui_msg(u, true, "profiles: no config file"), -1;
	status_clear(&err);
	if (config_profiles(config_getenv_real, NULL, &v, &n, &path, &err) != PATROL_OK) {
		free(path);
		return ui_msg(u, true, "profiles: %s", err.message), -1;
	}
	if (n == 0) {
		ui_msg(u, true, "profiles: none in %s", path);
		free(path);
		config_profiles_free(v, n);
		return -1;
	}
	ui_view_set(u, UI_MODE_PROFILES, NULL, 0);
	u->vprofiles = v;
	u->nvprofiles = n;
	u->vpick = ui_xcalloc(n, 1);
	for (i = 0; i < n; i++) {
		if (ui_lists_shown(u, v[i].name) && sel == 0)
			sel = i;
		ui_add(&l, ui_lists_profile_line(u, i));
	}
	u->vlines = l.v;
	u->nvlines = l.n;
	u->vsel = sel;
	snprintf(u->vtitle, sizeof u->vtitle, "PROFILES in %s  (* on show, + picked, - not a "
	    "workspace; Enter switches or shows the picked together; Space picks, a all; Esc back)",
	    path);
	free(path);
	return 0;
}

const char *
ui_lists_profile(const struct ui *u)
{
	if (u->mode != UI_MODE_PROFILES || u->vsel >= u->nvprofiles)
		return NULL;
	return u->vprofiles[u->vsel].name;
}

/* Active tokens of name in the table (everyone's in admin mode). */
static size_t
ui_perm_tokens(const struct ui *u, const char *name)
{
	size_t i, n = 0;

	for (i = 0; i < u->ws->tab.n; i++)
		if (strcmp(token_owner(&u->ws->tab.rows[i]), name) == 0 &&
		    !token_is_expired(&u->ws->tab.rows[i], u->ws->ctx.now_ms))
			n++;
	return n;
}

/* One line: principal, type, level, inherited (from), tokens. */
static char *
ui_perm_line(const struct ui *u, const struct api_perm_entry *e, const struct api_perm_level *l)
{
	char name[160], inh[160], tokens[24];

	sanitize_cell(e->name, 36, 1, u->sflags, name, sizeof name);
	if (l == NULL || !l->inherited)
		snprintf(inh, sizeof inh, "no");
	else
		snprintf(inh, sizeof inh, "yes%s%s%s", l->from ? " (from " : "",
		    l->from ? l->from : "", l->from ? ")" : "");
	if (e->kind == API_PRINCIPAL_GROUP || !UI_MGMT(u))
		snprintf(tokens, sizeof tokens, "-");
	else
		snprintf(tokens, sizeof tokens, "%zu", ui_perm_tokens(u, e->name));
	return ui_fmt("%s  %-17s  %-10s  %6s  %s", name, api_principal_words(e->kind),
	    l != NULL ? l->level : "-", tokens, inh);
}

/* Lines of the permissions view: one per level, one for an entry with none. */
static size_t
ui_perm_lines(const struct api_perms *p)
{
	size_t i, n = 0;

	for (i = 0; p != NULL && i < p->n; i++)
		n += p->v[i].n ? p->v[i].n : 1;
	return n;
}

const struct api_perm_entry *
ui_lists_perm_entry(const struct ui *u)
{
	if (u->mode != UI_MODE_PERMISSIONS || u->vperm == NULL || u->ws->perms == NULL ||
	    u->vsel >= u->nvlines || u->vperm[u->vsel] >= u->ws->perms->n)
		return NULL;
	return &u->ws->perms->v[u->vperm[u->vsel]];
}

void
ui_lists_permissions(struct ui *u)
{
	struct ui_lines l = { NULL, 0, 0 };
	const struct api_perms *p = u->ws->perms;
	size_t keep = u->mode == UI_MODE_PERMISSIONS ? u->vsel : 0, i, j;

	size_t *entry = ui_xcalloc(ui_perm_lines(p) + 1, sizeof *entry);

	for (i = 0; p != NULL && i < p->n; i++)
		for (j = 0; j < (p->v[i].n ? p->v[i].n : 1); j++) {
			entry[l.n] = i;
			ui_add(&l, ui_perm_line(u, &p->v[i], p->v[i].n ? &p->v[i].v[j] : NULL));
		}
	if (p == NULL && u->ws->perms_err[0] != '\0')
		ui_add(&l, ui_fmt("cannot read the token permissions: %s", u->ws->perms_err));
	else if (p == NULL)
		ui_add(&l, ui_xstrdup(u->ascii ? "loading..." : "loading\u2026"));
	else if (p->n == 0)
		ui_add(&l, ui_xstrdup("no one holds a token permission (admins always may)"));
	ui_view_set(u, UI_MODE_PERMISSIONS, l.v, l.n);
	u->vperm = p != NULL && p->n > 0 ? entry : NULL;
	if (u->vperm == NULL)
		free(entry);
	u->vsel = keep;
	snprintf(u->vtitle, sizeof u->vtitle, "TOKEN PERMISSIONS  (principal, type, level, "
	    "active tokens%s, inherited; Esc back)", UI_MGMT(u) ? "" : " in admin mode (a)");
}

void
ui_lists_refresh(struct ui *u)
{
	if (u->mode == UI_MODE_OWNERS)
		ui_lists_owners(u);
	else if (u->mode == UI_MODE_SETTINGS)
		ui_lists_settings(u);
	else if (u->mode == UI_MODE_PERMISSIONS)
		ui_lists_permissions(u);
	else if (u->mode == UI_MODE_SCOPES)
		ui_lists_scopes(u);
}

/* ---- a revocation session: the plan and the results ------------------------ */

/* What a result line says first: "in flight" for a sent revoke. */
const char *
ui_bulk_label(const struct bulk *b, const struct bulk_item *it)
{
	return it->inflight ? "in flight" : journal_kind_label(bulk_kind(b), it->result);
}

/* One line per item of session b: marker, result, id, owner, comment,
 * created, last use, flags, message. Server strings are sanitized here,
 * the line again when drawn. */
static char *
ui_bulk_line(const struct ui *u, const struct bulk *b, const struct bulk_item *it, bool plan)
{
	char id[32], owner[96], comment[128], created[24], used[24], flags[160], msg[200];
	char why[sizeof it->err.message + 64];
	int64_t now = u->ws->ctx.now_ms;

	sanitize_cell(it->t.id, TOKEN_SHORT_ID_LEN, 1, u->sflags, id, sizeof id);
	sanitize_cell(it->t.owner ? it->t.owner : "", 20, 1, u->sflags, owner, sizeof owner);
	sanitize_cell(it->t.comment ? it->t.comment : "", 24, 1, u->sflags, comment, sizeof comment);
	duration_relative(it->t.created_ms, now, created, sizeof created);
	duration_relative(it->t.last_used_ms, now, used, sizeof used);
	token_flags_format(it->t.flags, flags, sizeof flags);
	if (bulk_kind(b) == JOURNAL_KIND_PIN) {    /* what a pin sets */
		struct autoscope_access a = { false, (const char *const *)it->t.scopes,
					      it->t.nscopes };
		snprintf(flags, sizeof flags, "%s ", u->ascii ? "->" : "\u2192");
		autoscope_access_format(&a, flags + strlen(flags), sizeof flags - strlen(flags));
	}
	if (journal_result_fails(it->result) && it->err.status != PATROL_CANCELLED)
		snprintf(why, sizeof why, "%s: %s", status_message(it->err.status), it->err.message);
	else
		snprintf(why, sizeof why, "%s", it->err.message);
	sanitize_cell(why, 80, 0, u->sflags, msg, sizeof msg);
	if (!plan)             /* results: what happened and why comes first */
		return ui_fmt("%c %-13s %s  %s%s%s  %s", it->self ? 'S' : ' ',
		    ui_bulk_label(b, it), id,
		    bulk_admin(b) ? owner : "", bulk_admin(b) ? "  " : "", comment, msg);
	return ui_fmt("%c %-13s %s  %s%s%s  %-9s %-9s %s%s%s",
	    it->self ? 'S' : (it->recent || it->changed) ? '!' : ' ',
	    plan && it->result == JOURNAL_PENDING ? journal_kind_name(bulk_kind(b)) :
	    ui_bulk_label(b, it),
	    id, bulk_admin(b) ? owner : "", bulk_admin(b) ? "  " : "", comment, created, used, flags,
	    msg[0] != '\0' ? "  " : "", msg);
}

/* Where a result's group goes in the results view: failures first, then
 * what is undecided, then what was done. */
static int
ui_bulk_rank(const struct bulk_item *it)
{
	if (journal_result_fails(it->result))
		return 0;
	switch (it->result) {
	case JOURNAL_PENDING:
		return it->inflight ? 2 : 3;
	case JOURNAL_WOULD:
		return 4;
	case JOURNAL_GONE:
		return 5;
	case JOURNAL_REVOKED:
		return 6;
	default:                /* skipped, and what else does not fail */
		return 1;
	}
}

/* By group (rank, then label), then in plan order (qsort_r over b). */
static int
ui_bulk_cmp(const void *pa, const void *pb, void *b_)
{
	const struct bulk *bk = b_;
	const struct bulk_item *a = bulk_item(bk, *(const size_t *)pa);
	const struct bulk_item *b = bulk_item(bk, *(const size_t *)pb);
	int c;

	if (ui_bulk_rank(a) != ui_bulk_rank(b))
		return ui_bulk_rank(a) - ui_bulk_rank(b);
	if ((c = strcmp(ui_bulk_label(bk, a), ui_bulk_label(bk, b))) != 0)
		return c;
	return *(const size_t *)pa < *(const size_t *)pb ? -1 : 1;
}

/* The results of session b grouped by outcome, failures first, each group
 * under a line naming it and its count (indented under a workspace's
 * heading); lines go to v from *n. */
static void
ui_bulk_grouped(struct ui *u, struct bulk *bk, const char *indent, char **v, size_t *n)
{
	size_t *order = ui_xcalloc(bulk_count(bk) + 1, sizeof *order), i, k, count;
	const struct bulk_item *it;

	for (i = 0; i < bulk_count(bk); i++)
		order[i] = i;
	qsort_r(order, bulk_count(bk), sizeof *order, ui_bulk_cmp, bk);
	for (i = 0; i < bulk_count(bk); i = k) {
		it = bulk_item(bk, order[i]);
		for (k = i, count = 0; k < bulk_count(bk) &&
		    strcmp(ui_bulk_label(bk, bulk_item(bk, order[k])),
		    ui_bulk_label(bk, it)) == 0; k++)
			count++;
		v[(*n)++] = ui_fmt("%s%s: %zu", indent, ui_bulk_label(bk, it), count);
		for (k = i; k < i + count; k++)
			v[(*n)++] = ui_bulk_line(u, bk, bulk_item(bk, order[k]), false);
	}
	free(order);
}

/* "N WORD, " when there are any, else "": outcomes the session may not have
 * (unknown, not attempted) are named only when they happened. */
const char *
ui_bulk_count(size_t n, const char *word, char *out, size_t size)
{
	if (n == 0)
		return "";
	snprintf(out, size, "%zu %s, ", n, word);
	return out;
}

/* A part's heading with several workspaces: "WORKSPACE prod (https://…):
 * 3 to revoke", or its results' counts. */
static char *
ui_bulk_part_head(const struct ui *u, const struct ui_ws *m, bool plan)
{
	struct bulk_progress p;
	char c[2][40];

	if (plan)
		return ui_fmt("WORKSPACE %s (%s): %zu to %s", m->profile, m->cfg->host,
		    bulk_pending(m->bulk), journal_kind_name(bulk_kind(m->bulk)));
	bulk_progress(m->bulk, duration_mono_ms(), &p);
	return ui_fmt("WORKSPACE %s (%s): %zu %s or gone, %zu failed, %s%s%zu skipped, %zu left%s",
	    m->profile, m->cfg->host, p.done, journal_kind_label(bulk_kind(m->bulk),
	    JOURNAL_REVOKED), p.failed, ui_bulk_count(p.unknown, "unknown", c[0], sizeof c[0]),
	    ui_bulk_count(p.not_attempted, "not attempted", c[1], sizeof c[1]), p.skipped,
	    p.remaining, bulk_stopped_auth(m->bulk) ? "; stopped: it refused patrol's "
	    "credentials (401/403)" : "");
}

void
ui_bulk_progress_all(const struct ui *u, struct bulk_progress *out)
{
	struct bulk_progress q;
	int64_t now = duration_mono_ms();
	size_t i;

	memset(out, 0, sizeof *out);
	for (i = 0; i < ui_state_parts(u); i++) {
		bulk_progress(ui_state_part(u, i)->bulk, now, &q);
		out->total += q.total;
		out->done += q.done;
		out->failed += q.failed;
		out->unknown += q.unknown;
		out->not_attempted += q.not_attempted;
		out->skipped += q.skipped;
		out->remaining += q.remaining;
		out->inflight += q.inflight;
		out->rate += q.rate;
	}
	out->eta_ms = -1;            /* each part's pace is its own */
}

/* Part m's lines: its plan's pending items, or its results grouped. */
static void
ui_bulk_part_lines(struct ui *u, struct ui_ws *m, bool plan, char **v, size_t *n)
{
	size_t i;

	if (UI_ESTATE(u))
		v[(*n)++] = ui_bulk_part_head(u, m, plan);
	if (!plan) {
		ui_bulk_grouped(u, m->bulk, UI_ESTATE(u) ? "  " : "", v, n);
		return;
	}
	for (i = 0; i < bulk_count(m->bulk); i++)
		if (bulk_item(m->bulk, i)->result == JOURNAL_PENDING)
			v[(*n)++] = ui_bulk_line(u, m->bulk, bulk_item(m->bulk, i), true);
}

/* The plan or the results, as the RESULTS view: with several workspaces,
 * grouped by workspace, each group headed by its workspace. */
void
ui_bulk_view(struct ui *u, bool plan)
{
	struct bulk_progress p;
	char **v, c[2][40], where[300];
	size_t i, n = 0, total = 0, parts = 0, pending = 0;
	size_t keep = u->mode == UI_MODE_RESULTS ? u->vtop : 0;
	const struct bulk *kind = u->ws->bulk;     /* with several: the kind alone */
	struct ui_ws *m;

	for (i = 0; i < ui_state_parts(u); i++) {
		m = ui_state_part(u, i);
		total += bulk_count(m->bulk);
		pending += bulk_pending(m->bulk);
		parts += bulk_count(m->bulk) > 0;
	}
	ui_bulk_progress_all(u, &p);
	if (UI_ESTATE(u))
		snprintf(where, sizeof where, "%zu workspace%s", parts, parts == 1 ? "" : "s");
	else
		snprintf(where, sizeof where, "%s", u->ws->cfg->host);
	v = ui_xcalloc(2 * total + 3 + ui_state_parts(u), sizeof *v);
	if (plan)
		v[n++] = ui_fmt("PLAN: %s %zu token%s %s %s (! used in the last 7 days or "
		    "since the plan, S the token patrol uses)", journal_kind_name(bulk_kind(kind)),
		    pending, pending == 1 ? "" : "s", UI_ESTATE(u) ? "in" : "on", where);
	else if (total == 0)
		v[n++] = ui_xstrdup("no revocation yet in this session");
	else
		v[n++] = ui_fmt("%zu %s or gone, %zu failed, %s%s%zu skipped, %zu left "
		    "(:export FILE.csv|.json writes these results)", p.done,
		    journal_kind_label(bulk_kind(kind), JOURNAL_REVOKED), p.failed,
		    ui_bulk_count(p.unknown, "unknown", c[0], sizeof c[0]),
		    ui_bulk_count(p.not_attempted, "not attempted", c[1], sizeof c[1]), p.skipped,
		    p.remaining);
	for (i = 0; i < ui_state_parts(u); i++) {
		m = ui_state_part(u, i);
		if (bulk_count(m->bulk) > 0 || !UI_ESTATE(u))
			ui_bulk_part_lines(u, m, plan, v, &n);
	}
	ui_view_set(u, UI_MODE_RESULTS, v, n);
	snprintf(u->vtitle, sizeof u->vtitle, "%s", plan ? "PLAN" : "RESULTS");
	u->vtop = plan ? 0 : keep;
}

void
ui_bulk_results(struct ui *u)
{
	ui_bulk_view(u, false);
}
