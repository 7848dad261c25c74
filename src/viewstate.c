/*
 * viewstate.c: the view's remembered state, one INI section a profile
 * (viewstate.h). Read with the settings reader (INI_SETTINGS: a symbolic
 * link or another user's file is refused), written whole by savefile.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ini.h"
#include "journal.h"
#include "savefile.h"
#include "token.h"
#include "viewstate.h"

#define VIEWSTATE_FILE	"view.ini"
#define VIEWSTATE_PREFIX	"profile "

/* The file's path, in the journal's directory (made when create). */
static enum patrol_status
viewstate_path(bool create, char **out, struct patrol_err *err)
{
	enum patrol_status st;
	char *dir = NULL;
	struct buf b;

	*out = NULL;
	if ((st = journal_dir(create, &dir, err)) != PATROL_OK)
		return st;
	buf_init(&b, 0);
	if (buf_printf(&b, "%s/%s", dir, VIEWSTATE_FILE) != 0 || (*out = buf_take(&b)) == NULL) {
		buf_free(&b);
		free(dir);
		return status_set(err, PATROL_NOMEM, "out of memory");
	}
	free(dir);
	return PATROL_OK;
}

/* A profile name that fits in a section header on one line. */
static bool
viewstate_name_ok(const char *profile)
{
	return profile != NULL && *profile != '\0' && strpbrk(profile, "[]\r\n") == NULL;
}

/* Take section's values into vs (checked; a bad one is left out). */
static int
viewstate_read(const struct ini *ini, const char *section, struct viewstate *vs)
{
	const char *sort = ini_get(ini, section, "sort");
	const char *columns = ini_get(ini, section, "columns");
	const char *admin = ini_get(ini, section, "admin");
	enum token_sort_key k;
	bool desc;

	vs->admin = admin == NULL ? -1 : strcmp(admin, "true") == 0 ? 1 :
	    strcmp(admin, "false") == 0 ? 0 : -1;
	if (sort != NULL && token_sort_parse(sort, &k, &desc) == 0 &&
	    (vs->sort = strdup(sort)) == NULL)
		return -1;
	if (columns != NULL && *columns != '\0' && (vs->columns = strdup(columns)) == NULL)
		return -1;
	return 0;
}

enum patrol_status
viewstate_load(const char *profile, struct viewstate *out, char **warning,
	       struct patrol_err *err)
{
	struct patrol_err why;
	struct ini *ini = NULL;
	char *path = NULL, section[512];
	bool missing = false;

	memset(out, 0, sizeof *out);
	out->admin = -1;
	*warning = NULL;
	if ((out->profile = strdup(profile != NULL ? profile : "")) == NULL)
		return status_set(err, PATROL_NOMEM, "out of memory");
	status_clear(&why);
	if (!viewstate_name_ok(profile))
		return PATROL_OK;
	if (viewstate_path(false, &path, &why) == PATROL_OK &&
	    ini_parse_file_kind(path, INI_SETTINGS, &ini, NULL, &missing, &why) == PATROL_OK &&
	    ini != NULL) {
		snprintf(section, sizeof section, "%s%s", VIEWSTATE_PREFIX, profile);
		if (viewstate_read(ini, section, out) != 0)
			status_set(&why, PATROL_NOMEM, "out of memory");
	}
	ini_free(ini);
	free(path);
	if (why.status != PATROL_OK && (*warning = strdup(why.message)) == NULL)
		return status_set(err, PATROL_NOMEM, "out of memory");
	return PATROL_OK;
}

/* One section of the file. */
static int
viewstate_emit(struct buf *b, const struct viewstate *vs)
{
	int rc = buf_printf(b, "\n[%s%s]\n", VIEWSTATE_PREFIX, vs->profile);

	if (vs->sort != NULL)
		rc |= buf_printf(b, "sort = %s\n", vs->sort);
	if (vs->columns != NULL)
		rc |= buf_printf(b, "columns = %s\n", vs->columns);
	if (vs->admin >= 0)
		rc |= buf_printf(b, "admin = %s\n", vs->admin ? "true" : "false");
	return rc;
}

/* Whether states[0..n) has profile. */
static bool
viewstate_has(const struct viewstate *states, size_t n, const char *profile)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(states[i].profile, profile) == 0)
			return true;
	return false;
}

/* The sections of the file as it is that states does not replace. */
static int
viewstate_keep(struct buf *b, const struct ini *ini, const struct viewstate *states, size_t n)
{
	struct viewstate old;
	const char *name;
	size_t i;
	int rc = 0;

	for (i = 0; ini != NULL && i < ini_section_count(ini) && rc == 0; i++) {
		name = ini_section_name(ini, i);
		if (strncmp(name, VIEWSTATE_PREFIX, strlen(VIEWSTATE_PREFIX)) != 0 ||
		    !viewstate_name_ok(name + strlen(VIEWSTATE_PREFIX)) ||
		    viewstate_has(states, n, name + strlen(VIEWSTATE_PREFIX)))
			continue;
		memset(&old, 0, sizeof old);
		old.profile = (char *)name + strlen(VIEWSTATE_PREFIX);
		rc = viewstate_read(ini, name, &old) != 0 || viewstate_emit(b, &old) != 0 ? -1 : 0;
		free(old.sort);
		free(old.columns);
	}
	return rc;
}

static int
viewstate_fill(FILE *fp, const void *text)
{
	return fputs(text, fp) < 0 ? -1 : 0;
}

enum patrol_status
viewstate_save(const struct viewstate *states, size_t n, struct patrol_err *err)
{
	enum patrol_status st;
	struct patrol_err ignored;
	struct ini *ini = NULL;
	char *path = NULL;
	struct buf b;
	size_t i;
	int rc;

	if ((st = viewstate_path(true, &path, err)) != PATROL_OK)
		return st;
	status_clear(&ignored);     /* a file that cannot be read is written afresh */
	ini_parse_file_kind(path, INI_SETTINGS, &ini, NULL, NULL, &ignored);
	buf_init(&b, 1024 * 1024);
	rc = buf_printf(&b, "# patrol's view, remembered per profile (sort, columns, admin mode).\n"
			"# patrol rewrites this file; its settings are in ~/.config/patrol/config.\n");
	rc |= viewstate_keep(&b, ini, states, n);
	for (i = 0; i < n && rc == 0; i++)
		if (viewstate_name_ok(states[i].profile))
			rc = viewstate_emit(&b, &states[i]);
	ini_free(ini);
	if (rc != 0 || b.data == NULL)
		st = status_set(err, PATROL_NOMEM, "out of memory");
	else
		st = savefile_write(path, SAVEFILE_REPLACE, viewstate_fill, b.data, err);
	buf_free(&b);
	free(path);
	return st;
}

void
viewstate_free(struct viewstate *vs)
{
	if (vs == NULL)
		return;
	free(vs->profile);
	free(vs->sort);
	free(vs->columns);
	memset(vs, 0, sizeof *vs);
	vs->admin = -1;
}
