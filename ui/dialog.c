/*
 * dialog.c: the modal dialogs of the UI (create, edit, confirm, input,
 * secret reveal), each a field table and ops on the form engine (form.h).
 *
 * A dialog adds to its form what it is for: the rows of its fields, the
 * check and the results on OK (create, edit), the typed confirmation
 * (confirm), the secret's keys and requests (secret). Kind-specific
 * behaviour hangs off the ops table; everything else is the engine's.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "dialog.h"
#include "duration.h"
#include "form.h"
#include "sanitize.h"
#include "secret.h"
#include "token.h"

#define DIALOG_COMMENT_MAX	255
#define DIALOG_DAY		86400LL
#define DIALOG_ESC		27

/* The fields the dialogs name; the buttons are the engine's. */
enum field_id {
	F_NONE = FORM_ID_NONE,
	F_OK = FORM_ID_OK,
	F_ALT = FORM_ID_ALT,
	F_CANCEL = FORM_ID_CANCEL,
	F_COMMENT = FORM_ID_FIRST,
	F_PRESET,
	F_LIFETIME,
	F_SCOPES,
	F_OTHER,
	F_PRIVILEGED,
	F_AUTOSCOPE,
	F_APPID,
	F_TYPED,
	F_INPUT,
	F_TOKEN,
	F_PATH,
};

struct dialog {
	struct form form;	/* first: the ops get the form */

	/* create and edit results */
	int64_t max_days;
	char *r_comment;
	char **r_scopes;
	size_t r_nscopes;
	int64_t r_lifetime;
	bool r_autoscope;
	char *r_appid;

	/* edit */
	char *orig_comment;
	char **orig_scopes;
	size_t norig;
	bool comment_changed, scopes_changed;

	/* confirm */
	char *typed;

	/* input */
	dialog_check_fn check;
	char *r_input;

	/* secret */
	char *secret;
	char *path;
	enum dialog_request req;
	bool path_mode;
	bool asking;            /* "Discard the secret?" is on the note line */
	bool saved;             /* written to a file: closing loses nothing */
	bool copied;            /* a copy was asked for (y) */
};

/* The dialog a form belongs to (the ops are called with the form). */
static struct dialog *
dialog_of(struct form *fm)
{
	return (struct dialog *)((char *)fm - offsetof(struct dialog, form));
}

static const struct grid_item preset_items[] = {
	{ "1d", DIALOG_DAY, false },
	{ "7d", 7 * DIALOG_DAY, false },
	{ "30d", 30 * DIALOG_DAY, false },
	{ "90d", 90 * DIALOG_DAY, false },
	{ "1y", 365 * DIALOG_DAY, false },
	{ "max", 0, false },
};
#define NPRESET_ITEMS		(sizeof preset_items / sizeof preset_items[0])
#define PRESET_DEFAULT_SECONDS	(90 * DIALOG_DAY)

static const struct grid_item scope_items[] = {
	{ "sql", 0, false }, { "jobs", 0, false }, { "clusters", 0, false },
	{ "pipelines", 0, false }, { "workspace", 0, false }, { "secrets", 0, false },
	{ "unity-catalog", 0, false }, { "mlflow", 0, false },
	{ "model-serving", 0, false }, { "dashboards", 0, false },
	{ "alerts", 0, false }, { "apps", 0, false }, { "files", 0, false },
	{ "scim", 0, false }, { "iam", 0, false }, { "access-management", 0, false },
	{ "vector-search", 0, false }, { "authentication", 0, true },
	{ "all-apis", 0, false },
};
#define NSCOPE_ITEMS	(sizeof scope_items / sizeof scope_items[0])

static const struct field_spec create_fields[] = {
	{ FIELD_TEXT, F_COMMENT, "Comment", "what this token is for", DIALOG_COMMENT_MAX, 0, NULL, 0, false },
	{ FIELD_GRID, F_PRESET, "Lifetime", NULL, 0, 0, preset_items, NPRESET_ITEMS, true },
	{ FIELD_TEXT, F_LIFETIME, "or", "other lifetime: 45d, 12h, 1d12h", 32, 0, NULL, 0, false },
	{ FIELD_GRID, F_SCOPES, "Scopes", NULL, 0, 0, scope_items, NSCOPE_ITEMS, false },
	{ FIELD_LABEL, F_PRIVILEGED, NULL,
	  "! authentication is privileged: it mints tokens of any scope", 0, 0, NULL, 0, false },
	{ FIELD_TEXT, F_OTHER, "Other", "more scopes, comma or space separated", 1024, 0, NULL, 0, false },
	{ FIELD_TOGGLE, F_AUTOSCOPE, "Autoscope", "narrow the scopes to what it uses", 0, 0, NULL, 0, false },
	{ FIELD_TEXT, F_APPID, "On behalf of", "application id (optional)", 128, FS_ADMIN, NULL, 0, false },
	{ FIELD_BUTTON, F_OK, "Create", NULL, 0, 0, NULL, 0, false },
	{ FIELD_BUTTON, F_CANCEL, "Cancel", NULL, 0, 0, NULL, 0, false },
};

static const struct field_spec edit_fields[] = {
	{ FIELD_TEXT, F_COMMENT, "Comment", "what this token is for", DIALOG_COMMENT_MAX, 0, NULL, 0, false },
	{ FIELD_GRID, F_SCOPES, "Scopes", NULL, 0, 0, scope_items, NSCOPE_ITEMS, false },
	{ FIELD_LABEL, F_PRIVILEGED, NULL,
	  "! authentication is privileged: it mints tokens of any scope", 0, 0, NULL, 0, false },
	{ FIELD_TEXT, F_OTHER, "Other", "more scopes, comma or space separated", 1024, 0, NULL, 0, false },
	{ FIELD_BUTTON, F_OK, "Save", NULL, 0, 0, NULL, 0, false },
	{ FIELD_BUTTON, F_CANCEL, "Cancel", NULL, 0, 0, NULL, 0, false },
};

/* The confirm dialog's body lines come first, one label each. */
static const struct field_spec confirm_fields[] = {
	{ FIELD_TEXT, F_TYPED, "Type", NULL, 64, FS_HIDDEN, NULL, 0, false },
	{ FIELD_BUTTON, F_CANCEL, "Cancel", NULL, 0, 0, NULL, 0, false },
	{ FIELD_BUTTON, F_ALT, NULL, NULL, 0, FS_HIDDEN, NULL, 0, false },	/* dialog_choice_new */
	{ FIELD_BUTTON, F_OK, "OK", NULL, 0, 0, NULL, 0, false },
};

/* The input dialog's body lines come first; the field's label, hint and
 * size are the caller's. */
static const struct field_spec input_fields[] = {
	{ FIELD_TEXT, F_INPUT, NULL, NULL, 0, 0, NULL, 0, false },
	{ FIELD_BUTTON, F_OK, "OK", NULL, 0, 0, NULL, 0, false },
	{ FIELD_BUTTON, F_CANCEL, "Cancel", NULL, 0, 0, NULL, 0, false },
};

static const struct field_spec secret_fields[] = {
	{ FIELD_LABEL, F_NONE, NULL, "Copy this token now: it will not be shown again.", 0, 0, NULL, 0, false },
	{ FIELD_LABEL, F_TOKEN, NULL, NULL, 0, FS_BOLD | FS_SECRET, NULL, 0, false },
	{ FIELD_LABEL, F_NONE, NULL, NULL, 0, 0, NULL, 0, false },	/* id */
	{ FIELD_LABEL, F_NONE, NULL, NULL, 0, 0, NULL, 0, false },	/* comment */
	{ FIELD_TEXT, F_PATH, "Write to", "a new file (mode 0600)", 4096, FS_HIDDEN, NULL, 0, false },
};

static int	dialog_create_accept(struct form *);
static void	dialog_create_changed(struct form *);
static int	dialog_edit_accept(struct form *);
static int	dialog_confirm_accept(struct form *);
static int	dialog_input_accept(struct form *);
static void	dialog_confirm_changed(struct form *);
static bool	dialog_secret_key(struct form *, int, bool, enum form_result *);

static const struct form_ops create_ops = {
	68, dialog_create_accept, NULL, dialog_create_changed
};
static const struct form_ops edit_ops = { 68, dialog_edit_accept, NULL, NULL };
static const struct form_ops confirm_ops = {
	56, dialog_confirm_accept, NULL, dialog_confirm_changed
};
static const struct form_ops input_ops = { 56, dialog_input_accept, NULL, NULL };
static const struct form_ops secret_ops = { 60, NULL, dialog_secret_key, NULL };

/* A dialog on a form of extra leading labels and the table's fields. */
static struct dialog *
dialog_new(const struct form_ops *ops, const char *title, bool ascii,
    const struct field_spec *specs, size_t nspecs, size_t extra, bool admin)
{
	struct dialog *d = calloc(1, sizeof *d);

	if (d == NULL)
		return NULL;
	if (form_init(&d->form, ops, title, ascii, specs, nspecs, extra, admin) != 0) {
		dialog_free(d);
		return NULL;
	}
	return d;
}

/* ---- keys and drawing: the engine's --------------------------------------- */

_Static_assert((int)DIALOG_OPEN == (int)FORM_OPEN && (int)DIALOG_OK == (int)FORM_OK &&
    (int)DIALOG_CANCEL == (int)FORM_CANCEL && (int)DIALOG_ALT == (int)FORM_ALT,
    "a dialog ends as its form does");

enum dialog_result
dialog_key(struct dialog *d, int ch, bool is_key)
{
	return (enum dialog_result)form_key(&d->form, ch, is_key);
}

void
dialog_draw(struct dialog *d)
{
	form_draw(&d->form);
}

void
dialog_resize(struct dialog *d)
{
	if (d != NULL)
		form_resize(&d->form);
}

/* ---- results ------------------------------------------------------------ */

static void
strv_free(char **v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static bool
strv_has(char *const *v, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(v[i], s) == 0)
			return true;
	}
	return false;
}

/* Append a copy of s to v unless present. -1 on out of memory. */
static int
strv_add(char ***v, size_t *n, const char *s, size_t len)
{
	char *c, **nv;

	if ((c = strndup(s, len)) == NULL)
		return -1;
	if (strv_has(*v, *n, c)) {
		free(c);
		return 0;
	}
	if ((nv = realloc(*v, (*n + 1) * sizeof *nv)) == NULL) {
		free(c);
		return -1;
	}
	nv[(*n)++] = c;
	*v = nv;
	return 0;
}

static bool
scope_name_ok(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789:._-", s[i]) == NULL)
			return false;
	}
	return true;
}

/* Split the free-entry text on commas and blanks into v; names that were
 * not in the token before must look like scope names. Returns 0, -1 for out
 * of memory, or -2 with *bad set to the offending name. */
static int
scopes_split(const char *s, char ***v, size_t *n, char *const *orig, size_t norig,
    char *bad, size_t badlen)
{
	size_t len;
	char *name;

	while (*s != '\0') {
		s += strspn(s, ", \t");
		if ((len = strcspn(s, ", \t")) == 0)
			break;
		if ((name = strndup(s, len)) == NULL)
			return -1;
		if (!scope_name_ok(s, len) && !strv_has(orig, norig, name)) {
			snprintf(bad, badlen, "%s", name);
			free(name);
			return -2;
		}
		free(name);
		if (strv_add(v, n, s, len) != 0)
			return -1;
		s += len;
	}
	return 0;
}

/* Build d->r_scopes: the ticked known scopes, then the free entries. */
static int
dialog_collect_scopes(struct dialog *d)
{
	const struct grid *g = &form_get(&d->form, F_SCOPES)->grid;
	char bad[64], shown[64], msg[128], *other;
	size_t i;
	int rc = 0;

	strv_free(d->r_scopes, d->r_nscopes);
	d->r_scopes = NULL;
	d->r_nscopes = 0;
	for (i = 0; i < g->n && rc == 0; i++) {
		if (g->on[i])
			rc = strv_add(&d->r_scopes, &d->r_nscopes, g->items[i]->name,
			    strlen(g->items[i]->name));
	}
	if (rc != 0 || (other = lineedit_text(&form_get(&d->form, F_OTHER)->le)) == NULL)
		return form_error(&d->form, F_OTHER, "out of memory");
	rc = scopes_split(other, &d->r_scopes, &d->r_nscopes, d->orig_scopes, d->norig,
	    bad, sizeof bad);
	free(other);
	if (rc == -1)
		return form_error(&d->form, F_OTHER, "out of memory");
	if (rc == -2) {
		sanitize_cell(bad, 24, 0, d->form.sflags, shown, sizeof shown);
		snprintf(msg, sizeof msg, "not a scope name: %s", shown);
		return form_error(&d->form, F_OTHER, msg);
	}
	return 0;
}

/* Store the text of field id, UTF-8, in *out. */
static int
dialog_collect_text(struct dialog *d, enum field_id id, char **out)
{
	free(*out);
	if ((*out = lineedit_text(&form_get(&d->form, id)->le)) == NULL)
		return form_error(&d->form, id, "out of memory");
	return 0;
}

/* The lifetime: free entry when given, else the chosen preset. */
static int
dialog_collect_lifetime(struct dialog *d)
{
	const struct grid *g = &form_get(&d->form, F_PRESET)->grid;
	char *s = NULL, msg[96];
	size_t i;
	int rc;

	if (dialog_collect_text(d, F_LIFETIME, &s) != 0)
		return -1;
	d->r_lifetime = 0;
	for (i = 0; i < g->n; i++) {
		if (g->on[i])
			d->r_lifetime = g->items[i]->seconds;
	}
	rc = *s != '\0' ? duration_parse(s, &d->r_lifetime) : 0;
	free(s);
	if (rc != 0)
		return form_error(&d->form, F_LIFETIME,
		    "lifetime: use a number with s m h d w, like 45d or 1d12h");
	if (d->max_days > 0 && d->r_lifetime > d->max_days * DIALOG_DAY) {
		snprintf(msg, sizeof msg, "lifetime: the workspace allows at most %lld days",
		    (long long)d->max_days);
		return form_error(&d->form, F_LIFETIME, msg);
	}
	return 0;
}

static int
dialog_create_accept(struct form *fm)
{
	struct dialog *d = dialog_of(fm);
	struct field *app = form_find(&d->form, F_APPID);
	char *a;

	d->form.note[0] = '\0';
	if (dialog_collect_text(d, F_COMMENT, &d->r_comment) != 0 ||
	    dialog_collect_lifetime(d) != 0 || dialog_collect_scopes(d) != 0)
		return -1;
	d->r_autoscope = form_get(&d->form, F_AUTOSCOPE)->on;
	if (app == NULL)
		return 0;
	if (dialog_collect_text(d, F_APPID, &d->r_appid) != 0)
		return -1;
	for (a = d->r_appid; *a != '\0'; a++) {
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789._-", *a) == NULL)
			return form_error(&d->form, F_APPID,
			    "application id: letters, digits, '-', '.' and '_' only");
	}
	return 0;
}

/* Whether the new scope list differs from the original as a set. */
static bool
scopes_differ(const struct dialog *d)
{
	size_t i;

	for (i = 0; i < d->r_nscopes; i++) {
		if (!strv_has(d->orig_scopes, d->norig, d->r_scopes[i]))
			return true;
	}
	for (i = 0; i < d->norig; i++) {
		if (!strv_has(d->r_scopes, d->r_nscopes, d->orig_scopes[i]))
			return true;
	}
	return false;
}

static int
dialog_edit_accept(struct form *fm)
{
	struct dialog *d = dialog_of(fm);

	d->form.note[0] = '\0';
	if (dialog_collect_text(d, F_COMMENT, &d->r_comment) != 0 ||
	    dialog_collect_scopes(d) != 0)
		return -1;
	d->comment_changed = form_get(&d->form, F_COMMENT)->le.dirty &&
	    strcmp(d->r_comment, d->orig_comment) != 0;
	d->scopes_changed = scopes_differ(d);
	if (!d->comment_changed && !d->scopes_changed)
		return form_error(&d->form, F_COMMENT, "nothing changed (Esc leaves)");
	return 0;
}

void
dialog_create_params(const struct dialog *d, struct api_create_params *p)
{
	memset(p, 0, sizeof *p);
	p->comment = d->r_comment != NULL && *d->r_comment != '\0' ? d->r_comment : NULL;
	p->lifetime_seconds = d->r_lifetime;
	p->scopes = (const char *const *)d->r_scopes;
	p->nscopes = d->r_nscopes;
	p->autoscope = d->r_autoscope;
	p->application_id = d->r_appid != NULL && *d->r_appid != '\0' ? d->r_appid : NULL;
}

void
dialog_edit_params(const struct dialog *d, struct api_update_params *p)
{
	memset(p, 0, sizeof *p);
	if (d->comment_changed)
		p->comment = d->r_comment;
	if (d->scopes_changed) {
		p->set_scopes = true;
		p->scopes = (const char *const *)d->r_scopes;
		p->nscopes = d->r_nscopes;
	}
}

/* ---- create and edit ---------------------------------------------------- */

/* The presets are dimmed while another lifetime is typed: that one counts. */
static void
dialog_create_changed(struct form *fm)
{
	form_get(fm, F_PRESET)->dim = form_get(fm, F_LIFETIME)->le.len > 0;
}

/* Show the presets allowed by the workspace maximum; choose a default. */
static void
create_presets(struct dialog *d, struct grid *g)
{
	size_t i, n = 0, def = 0;

	for (i = 0; i < sizeof preset_items / sizeof preset_items[0]; i++) {
		const struct grid_item *it = &preset_items[i];

		if (d->max_days > 0 && it->seconds > d->max_days * DIALOG_DAY)
			continue;
		if (it->seconds != 0 && it->seconds <= PRESET_DEFAULT_SECONDS)
			def = n;
		g->items[n++] = it;
	}
	g->n = n;
	g->cols = 1;
	g->radio = true;
	g->cur = def;
	g->on[def] = true;
}

struct dialog *
dialog_create_new(int64_t max_lifetime_days, bool admin, bool ascii)
{
	struct dialog *d;
	struct field *f;

	d = dialog_new(&create_ops, "New token", ascii, create_fields,
	    sizeof create_fields / sizeof create_fields[0], 0, admin);
	if (d == NULL)
		return NULL;
	d->max_days = max_lifetime_days;
	f = form_get(&d->form, F_PRESET);
	create_presets(d, &f->grid);
	return d;
}

/* Tick the known scopes of the token; put the others in the free entry. */
static int
edit_prefill_scopes(struct dialog *d, const char *const *scopes, size_t n)
{
	struct grid *g = &form_get(&d->form, F_SCOPES)->grid;
	char *other;
	size_t i, k, len = 1;

	for (i = 0; i < n; i++)
		len += strlen(scopes[i]) + 2;
	if ((other = calloc(1, len)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if (strv_add(&d->orig_scopes, &d->norig, scopes[i], strlen(scopes[i])) != 0)
			break;
		for (k = 0; k < g->n && strcmp(g->items[k]->name, scopes[i]) != 0; k++)
			;
		if (k < g->n)
			g->on[k] = true;
		else
			strcat(strcat(other, *other != '\0' ? ", " : ""), scopes[i]);
	}
	lineedit_set(&form_get(&d->form, F_OTHER)->le, other);
	free(other);
	return i < n ? -1 : 0;
}

struct dialog *
dialog_edit_new(const char *comment, const char *const *scopes, size_t nscopes, bool ascii)
{
	struct dialog *d;

	d = dialog_new(&edit_ops, "Edit token", ascii, edit_fields,
	    sizeof edit_fields / sizeof edit_fields[0], 0, 0);
	if (d == NULL)
		return NULL;
	if ((d->orig_comment = strdup(comment != NULL ? comment : "")) == NULL ||
	    edit_prefill_scopes(d, scopes, nscopes) != 0) {
		dialog_free(d);
		return NULL;
	}
	lineedit_set(&form_get(&d->form, F_COMMENT)->le, d->orig_comment);
	return d;
}

/* ---- confirm ------------------------------------------------------------ */

static bool
confirm_typed_ok(struct dialog *d)
{
	const struct field *f = form_get(&d->form, F_TYPED);
	char *s;
	bool ok;

	if (f->hidden)
		return true;
	if ((s = lineedit_text(&f->le)) == NULL)
		return false;
	ok = strcmp(s, d->typed) == 0;
	free(s);
	return ok;
}

static void
dialog_confirm_changed(struct form *fm)
{
	struct dialog *d = dialog_of(fm);
	struct field *ok = form_get(&d->form, F_OK);
	char msg[160], shown[96];

	ok->disabled = !confirm_typed_ok(d);
	if (ok->disabled) {
		sanitize_cell(d->typed, 40, 0, d->form.sflags, shown, sizeof shown);
		snprintf(msg, sizeof msg, "OK is off until you type %s", shown);
		form_set_note(&d->form, msg);
	} else if (d->typed != NULL)
		d->form.note[0] = '\0';
}

static int
dialog_confirm_accept(struct form *fm)
{
	return confirm_typed_ok(dialog_of(fm)) ? 0 : -1;
}

struct dialog *
dialog_confirm_new(const char *title, const char *const *lines, size_t nlines,
    const char *typed, bool ascii)
{
	struct dialog *d;
	size_t i;

	d = dialog_new(&confirm_ops, title, ascii, confirm_fields,
	    sizeof confirm_fields / sizeof confirm_fields[0], nlines, 0);
	if (d == NULL)
		return NULL;
	for (i = 0; i < nlines; i++) {
		d->form.fields[i].kind = FIELD_LABEL;
		if (form_set_text(&d->form, &d->form.fields[i], lines[i]) != 0)
			goto fail;
	}
	if (typed != NULL) {
		if ((d->typed = strdup(typed)) == NULL)
			goto fail;
		form_get(&d->form, F_TYPED)->hidden = false;
	}
	/* Typed: what is typed goes into the field (OK stays off until it
	 * matches). Otherwise Enter at once means Cancel. */
	form_focus_id(&d->form, typed != NULL ? F_TYPED : F_CANCEL);
	d->form.disabled_focus = F_TYPED;
	dialog_confirm_changed(&d->form);
	return d;
fail:
	dialog_free(d);
	return NULL;
}

struct dialog *
dialog_choice_new(const char *title, const char *const *lines, size_t nlines,
    const char *ok, const char *alt, bool ascii)
{
	struct dialog *d = dialog_confirm_new(title, lines, nlines, NULL, ascii);
	struct field *f;

	if (d == NULL)
		return NULL;
	form_get(&d->form, F_OK)->label = ok;
	f = form_get(&d->form, F_ALT);
	f->label = alt;
	f->hidden = false;
	return d;
}

/* ---- input -------------------------------------------------------------- */

static int
dialog_input_accept(struct form *fm)
{
	struct dialog *d = dialog_of(fm);
	char why[160];

	d->form.note[0] = '\0';
	if (dialog_collect_text(d, F_INPUT, &d->r_input) != 0)
		return -1;
	why[0] = '\0';
	if (d->check != NULL && d->check(d->r_input, why, sizeof why) != 0)
		return form_error(&d->form, F_INPUT, why[0] != '\0' ? why : "not a valid value");
	return 0;
}

struct dialog *
dialog_input_new(const char *title, const char *const *lines, size_t nlines,
    const char *label, const char *hint, const char *initial, size_t max,
    dialog_check_fn check, bool ascii)
{
	struct field_spec specs[sizeof input_fields / sizeof input_fields[0]];
	struct dialog *d;
	size_t i;

	memcpy(specs, input_fields, sizeof specs);
	specs[0].label = label;
	specs[0].hint = hint;
	specs[0].max = max > 0 ? max : 64;
	d = dialog_new(&input_ops, title, ascii, specs, sizeof specs / sizeof specs[0],
	    nlines, 0);
	if (d == NULL)
		return NULL;
	for (i = 0; i < nlines; i++) {
		d->form.fields[i].kind = FIELD_LABEL;
		if (form_set_text(&d->form, &d->form.fields[i], lines[i]) != 0) {
			dialog_free(d);
			return NULL;
		}
	}
	d->check = check;
	lineedit_set(&form_get(&d->form, F_INPUT)->le, initial != NULL ? initial : "");
	form_focus_id(&d->form, F_INPUT);
	return d;
}

const char *
dialog_input_value(const struct dialog *d)
{
	return d->r_input != NULL ? d->r_input : "";
}

/* ---- secret ------------------------------------------------------------- */

static const char secret_footer[] = "y copy  w write file  Enter close";
static const char secret_path_footer[] = "Enter write   Esc back";
static const char secret_ask_footer[] = "d discard it   any other key: keep it shown";

static void
secret_path_mode(struct dialog *d, bool on)
{
	struct field *f = form_get(&d->form, F_PATH);

	d->path_mode = on;
	f->hidden = !on;
	d->form.footer = on ? secret_path_footer : secret_footer;
	if (on) {               /* a new path each time: typing never extends an old one */
		lineedit_set(&f->le, "");
		d->form.focus = (size_t)(f - d->form.fields);
		d->form.note[0] = '\0';
	}
}

/* Enter in the path field: request the write. */
static void
secret_path_enter(struct dialog *d)
{
	struct field *f = form_get(&d->form, F_PATH);

	if (f->le.len == 0) {
		form_error(&d->form, F_PATH, "type a path, or Esc");
		return;
	}
	secret_free(d->path);
	if ((d->path = lineedit_text(&f->le)) == NULL) {
		form_set_note(&d->form, "! out of memory");
		return;
	}
	d->req = DIALOG_REQ_WRITE;
	secret_path_mode(d, false);
}

/* Closing loses the secret unless it was written: ask first. */
static void
secret_ask_close(struct dialog *d, bool on)
{
	d->asking = on;
	d->form.footer = on ? secret_ask_footer : secret_footer;
	if (on)
		form_set_note(&d->form, "Discard the secret? It cannot be shown again.");
	else
		d->form.note[0] = '\0';
}

static bool
dialog_secret_key(struct form *fm, int ch, bool is_key, enum form_result *r)
{
	struct dialog *d = dialog_of(fm);
	bool enter = (!is_key && (ch == '\n' || ch == '\r')) || (is_key && ch == KEY_ENTER);

	if (d->asking) {         /* only d discards; Esc, Enter, anything else keeps it */
		if (!is_key && (ch == 'd' || ch == 'D'))
			*r = FORM_OK;
		else
			secret_ask_close(d, false);
		return true;
	}
	if (d->path_mode) {
		if (enter)
			secret_path_enter(d);
		else if (!is_key && ch == DIALOG_ESC)
			secret_path_mode(d, false);
		else
			return is_key && (ch == KEY_UP || ch == KEY_DOWN || ch == KEY_BTAB);
		return true;
	}
	if ((enter || (!is_key && ch == DIALOG_ESC)) && d->saved)
		*r = FORM_OK;
	else if (enter || (!is_key && ch == DIALOG_ESC))
		secret_ask_close(d, true);
	else if (!is_key && ch == 'y') {
		d->req = DIALOG_REQ_COPY;
		d->copied = true;
	}
	else if (!is_key && ch == 'w')
		secret_path_mode(d, true);
	else if (is_key && (ch == KEY_UP || ch == KEY_DOWN))
		d->form.top += ch == KEY_UP ? -1 : 1;
	return true;
}

static int
secret_fill(struct dialog *d, const char *id, const char *comment)
{
	char line[512];
	struct field *f = &d->form.fields[1];
	const char *p;

	for (p = d->secret; *p > 0x20 && *p < 0x7f; p++)
		;
	/* A token is printable ASCII: copy it without the sanitizer's buffers. */
	if (*p == '\0') {
		if ((f->text = secret_strdup(d->secret)) == NULL)
			return -1;
	} else if (form_set_text(&d->form, f, d->secret) != 0)
		return -1;
	snprintf(line, sizeof line, "Id       %.*s", TOKEN_SHORT_ID_LEN, id != NULL ? id : "");
	if (form_set_text(&d->form, &d->form.fields[2], line) != 0)
		return -1;
	snprintf(line, sizeof line, "Comment  %s", comment != NULL && *comment != '\0' ?
	    comment : "(none)");
	return form_set_text(&d->form, &d->form.fields[3], line);
}

struct dialog *
dialog_secret_new(const char *token_value, const char *token_id, const char *comment,
    bool ascii)
{
	struct dialog *d;

	d = dialog_new(&secret_ops, "New token created", ascii, secret_fields,
	    sizeof secret_fields / sizeof secret_fields[0], 0, 0);
	if (d == NULL)
		return NULL;
	if ((d->secret = secret_strdup(token_value != NULL ? token_value : "")) == NULL ||
	    secret_fill(d, token_id, comment) != 0) {
		dialog_free(d);
		return NULL;
	}
	secret_path_mode(d, false);
	return d;
}

enum dialog_request
dialog_secret_request(struct dialog *d)
{
	enum dialog_request r = d->req;

	d->req = DIALOG_REQ_NONE;
	return r;
}

const char *
dialog_secret_path(const struct dialog *d)
{
	return d->path != NULL ? d->path : "";
}

const char *
dialog_secret_value(const struct dialog *d)
{
	return d->secret != NULL ? d->secret : "";
}

bool
dialog_secret_taken(const struct dialog *d)
{
	return d->saved || d->copied;
}

void
dialog_secret_written(struct dialog *d, bool ok, const char *msg)
{
	if (ok) {
		d->saved = true;
		dialog_note(d, msg);
		return;
	}
	/* back to the path field, empty: what is typed next is a new path */
	secret_path_mode(d, true);
	dialog_note(d, msg);
}

void
dialog_note(struct dialog *d, const char *msg)
{
	form_note(&d->form, msg);
}

/* ---- free ---------------------------------------------------------------- */

void
dialog_free(struct dialog *d)
{
	if (d == NULL)
		return;
	form_free(&d->form);
	free(d->r_comment);
	strv_free(d->r_scopes, d->r_nscopes);
	free(d->r_appid);
	free(d->orig_comment);
	strv_free(d->orig_scopes, d->norig);
	free(d->typed);
	free(d->r_input);
	secret_free(d->secret);
	secret_free(d->path);
	free(d);
}

