/*
 * prefs.c: patrol's own settings file (prefs.h has the format).
 *
 * The file is read by ini_parse_file_kind(INI_SETTINGS): the checks,
 * the INI dialect and its syntax errors ("FILE:LINE: ...") are exactly
 * those of ~/.databrickscfg, only the permission warning differs (the file
 * holds no secret; others must not write it). Every section header and
 * every key occurrence the INI reader kept is then checked, in file order,
 * against the key table: an unknown section, a key before any section, an
 * unknown key or a bad value is reported with its line. The values in
 * force are then read with ini_get, [defaults] first and the profile's
 * section over it, so a repeated key or section behaves as in the INI
 * reader (the last wins).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "duration.h"
#include "ini.h"
#include "prefs.h"
#include "token.h"

#define PREFS_DEFAULTS		"defaults"
#define PREFS_PROFILE		"profile"
#define PREFS_PATTERN_MAX	128	/* bytes in one stale pattern */
#define PREFS_JOBS_MAX		64
#define PREFS_RATE_MAX		10000.0

/* ---- values ----------------------------------------------------------- */

/* Parse value into p; on a bad value write why (without the value). */
typedef int (*prefs_parse_fn)(const char *v, struct prefs *p, char *why, size_t n);

static int
prefs_read_only(const char *v, struct prefs *p, char *why, size_t n)
{
	static const char *const yes[] = { "true", "yes", "1" }, *const no[] = { "false", "no", "0" };
	size_t i;

	for (i = 0; i < 3; i++) {
		if (strcasecmp(v, yes[i]) == 0 || strcasecmp(v, no[i]) == 0) {
			p->read_only = strcasecmp(v, yes[i]) == 0;
			p->read_only_set = true;
			return 0;
		}
	}
	snprintf(why, n, "is not a boolean (true, false, yes, no, 1, 0)");
	return -1;
}

static int
prefs_jobs(const char *v, struct prefs *p, char *why, size_t n)
{
	char *end;
	long j;

	errno = 0;
	j = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || errno != 0) {
		snprintf(why, n, "is not a number");
		return -1;
	}
	if (j < 1 || j > PREFS_JOBS_MAX) {
		snprintf(why, n, "is out of range (1..%d)", PREFS_JOBS_MAX);
		return -1;
	}
	p->jobs = (int)j;
	p->jobs_set = true;
	return 0;
}

static int
prefs_rate(const char *v, struct prefs *p, char *why, size_t n)
{
	char *end;
	double r;

	errno = 0;
	r = strtod(v, &end);
	if (*v == '\0' || *end != '\0' || errno != 0 || isnan(r) || !isfinite(r) ||
	    strpbrk(v, "xXnNiI") != NULL) {
		snprintf(why, n, "is not a number");
		return -1;
	}
	if (r < 0 || r > PREFS_RATE_MAX) {
		snprintf(why, n, "is out of range (0..%.0f requests a second, 0: no limit)",
		    PREFS_RATE_MAX);
		return -1;
	}
	p->rate = r;
	p->rate_set = true;
	return 0;
}

static void
prefs_stale_clear(struct prefs *p)
{
	size_t i;

	for (i = 0; i < p->nstale; i++) {
		free(p->stale[i]);
		p->stale[i] = NULL;
	}
	p->nstale = 0;
	p->stale_set = false;
}

/* Comma-separated substrings, trimmed, lower-cased (ASCII), empty ones
 * skipped; the first PREFS_MAX_STALE are kept (a warning says so). */
static int
prefs_stale(const char *v, struct prefs *p, char *why, size_t n)
{
	size_t len, i, dropped = 0;
	const char *s;
	char *c;

	prefs_stale_clear(p);
	for (s = v; *s != '\0'; s += len + (s[len] == ',')) {
		s += strspn(s, " \t");
		len = strcspn(s, ",");
		while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
			len--;
		if (len == 0) {
			len = strcspn(s, ",");
			continue;
		}
		for (i = 0; i < len; i++) {
			if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
				snprintf(why, n, "has a control character");
				return -1;
			}
		}
		if (len > PREFS_PATTERN_MAX) {
			snprintf(why, n, "has a pattern longer than %d bytes", PREFS_PATTERN_MAX);
			return -1;
		}
		if (p->nstale == PREFS_MAX_STALE) {
			dropped++;
			len = strcspn(s, ",");
			continue;
		}
		if ((c = strndup(s, len)) == NULL) {
			snprintf(why, n, "out of memory");
			return -2;
		}
		for (i = 0; i < len; i++)
			c[i] = (char)tolower((unsigned char)c[i]);
		p->stale[p->nstale++] = c;
		len = strcspn(s, ",");
	}
	p->stale_set = true;
	if (dropped > 0)
		snprintf(why, n, "has more than %d patterns: the first %d are used",
		    PREFS_MAX_STALE, PREFS_MAX_STALE);
	return dropped > 0 ? 1 : 0;
}

/* The columns of the interactive view, in order: sort key names (token.h)
 * and "flags"; comma- or blank-separated. Stored as "comment,expires,id". */
static int
prefs_columns(const char *v, struct prefs *p, char *why, size_t n)
{
	struct buf b;
	const char *s;
	size_t len;
	char name[32];
	enum token_sort_key k;
	bool desc;

	buf_init(&b, 1024);
	for (s = v; *s != '\0'; s += len) {
		s += strspn(s, ", \t");
		if ((len = strcspn(s, ", \t")) == 0)
			break;
		snprintf(name, sizeof name, "%.*s", (int)(len < sizeof name ? len : sizeof name - 1), s);
		if (len >= sizeof name || strchr(name, ':') != NULL ||
		    (strcmp(name, PREFS_COLUMN_FLAGS) != 0 && token_sort_parse(name, &k, &desc) != 0)) {
			buf_free(&b);
			snprintf(why, n, "has an unknown column (%s)", PREFS_COLUMN_NAMES);
			return -1;
		}
		if (buf_printf(&b, "%s%s", b.len ? "," : "", name) != 0) {
			buf_free(&b);
			snprintf(why, n, "out of memory");
			return -2;
		}
	}
	if (b.len == 0) {
		buf_free(&b);
		snprintf(why, n, "names no column (%s)", PREFS_COLUMN_NAMES);
		return -1;
	}
	free(p->columns);
	if ((p->columns = buf_take(&b)) == NULL) {
		snprintf(why, n, "out of memory");
		return -2;
	}
	return 0;
}

/* How often the interactive view fetches the list again: a duration of
 * at least PREFS_REFRESH_MIN seconds, or off (0). */
static int
prefs_refresh(const char *v, struct prefs *p, char *why, size_t n)
{
	int64_t s = 0;

	if (strcasecmp(v, "off") != 0 && strcmp(v, "0") != 0 &&
	    (duration_parse(v, &s) != 0 || s < PREFS_REFRESH_MIN || s > 86400)) {
		snprintf(why, n, "is not off or a duration from %ds to 1d (60, 90s, 5m)",
		    PREFS_REFRESH_MIN);
		return -1;
	}
	p->refresh_s = (int)s;
	p->refresh_set = true;
	return 0;
}

/* revoke-soon's window: whole days ("14"), or a duration of whole days
 * ("2w", "21d"), from 1 day to one less than the 90 of the clock. */
static int
prefs_revoke_soon(const char *v, struct prefs *p, char *why, size_t n)
{
	int64_t s = -1;
	char *end;
	long d;

	errno = 0;
	d = strtol(v, &end, 10);
	if (*v != '\0' && *end == '\0' && errno == 0)
		s = (int64_t)d * 86400;
	else if (duration_parse(v, &s) != 0 || s % 86400 != 0)
		s = -1;
	if (s < 86400 || s > 89 * 86400) {
		snprintf(why, n, "is not a number of days from 1 to 89 (14, 2w, 21d)");
		return -1;
	}
	p->revoke_soon_days = (int)(s / 86400);
	p->revoke_soon_set = true;
	return 0;
}

/* The keys: each is allowed in [defaults] and in [profile NAME]. */
static const struct prefs_key {
	const char *name;
	prefs_parse_fn parse;
} prefs_keys[] = {
	{ "jobs",           prefs_jobs },
	{ "rate",           prefs_rate },
	{ "stale-patterns", prefs_stale },
	{ "read-only",      prefs_read_only },
	{ "columns",        prefs_columns },
	{ "refresh",        prefs_refresh },
	{ "revoke-soon",    prefs_revoke_soon },
};
#define PREFS_NKEYS (sizeof prefs_keys / sizeof prefs_keys[0])

static const struct prefs_key *
prefs_key_find(const char *name)
{
	size_t i;

	for (i = 0; i < PREFS_NKEYS; i++)
		if (strcmp(prefs_keys[i].name, name) == 0)
			return &prefs_keys[i];
	return NULL;
}

/* "jobs, rate, ...": the known keys, for messages. */
static const char *
prefs_key_names(char *out, size_t n)
{
	size_t i, len = 0;

	out[0] = '\0';
	for (i = 0; i < PREFS_NKEYS && len < n; i++)
		len += (size_t)snprintf(out + len, n - len, "%s%s", i ? ", " : "",
		    prefs_keys[i].name);
	return out;
}

/* The profile a section name is for ("profile prod" -> "prod"), "" for
 * [defaults], NULL for anything else. */
static const char *
prefs_section_profile(const char *section)
{
	size_t n = strlen(PREFS_PROFILE);

	if (strcmp(section, PREFS_DEFAULTS) == 0)
		return "";
	if (strncmp(section, PREFS_PROFILE, n) != 0 || (section[n] != ' ' && section[n] != '\t'))
		return NULL;
	section += n + strspn(section + n, " \t");
	return *section != '\0' ? section : NULL;
}

/* ---- the check ---------------------------------------------------------- */

#define PREFS_HEADER	((size_t)-1)	/* an item that is a section header */

/* One section header or key occurrence of the file. */
struct prefs_item {
	size_t line;
	size_t section;          /* index in the ini */
	size_t key;              /* index in the section, or PREFS_HEADER */
};

/* What the check needs. */
struct prefs_check {
	const struct ini *ini;
	const char *name;        /* the file, for messages */
	struct patrol_err *err;
	struct buf *warn;        /* warnings collected, "; "-separated */
};

static enum patrol_status
prefs_check_section(struct prefs_check *c, const struct prefs_item *it)
{
	const char *name = ini_section_name(c->ini, it->section);

	if (prefs_section_profile(name) == NULL)
		return status_set(c->err, PATROL_CONFIG,
		    "%s:%zu: unknown section [%s] (expected [defaults] or [profile NAME])",
		    c->name, it->line, name);
	return PATROL_OK;
}

static enum patrol_status
prefs_check_key(struct prefs_check *c, const struct prefs_item *it)
{
	const char *section = ini_section_name(c->ini, it->section);
	const char *key = ini_key_name(c->ini, section, it->key);
	const char *value = ini_key_value(c->ini, section, it->key);
	size_t header = ini_section_line(c->ini, it->section);
	const struct prefs_key *k;
	struct prefs scratch;
	char why[160];
	int rc;

	if (header == 0 || it->line < header)
		return status_set(c->err, PATROL_CONFIG,
		    "%s:%zu: %s: a key before any section (start with [defaults] or "
		    "[profile NAME])", c->name, it->line, key);
	if ((k = prefs_key_find(key)) == NULL)
		return status_set(c->err, PATROL_CONFIG, "%s:%zu: [%s] %s: unknown key (%s)",
		    c->name, it->line, section, key, prefs_key_names(why, sizeof why));
	memset(&scratch, 0, sizeof scratch);
	why[0] = '\0';
	rc = k->parse(value, &scratch, why, sizeof why);
	prefs_stale_clear(&scratch);
	free(scratch.columns);
	if (rc == -2)
		return status_set(c->err, PATROL_NOMEM, "out of memory");
	if (rc < 0)
		return status_set(c->err, PATROL_CONFIG, "%s:%zu: [%s] %s: '%.64s' %s",
		    c->name, it->line, section, key, value, why);
	if (rc > 0 && buf_printf(c->warn, "%s%s:%zu: [%s] %s %s", c->warn->len ? "; " : "",
	    c->name, it->line, section, key, why) != 0)
		return status_set(c->err, PATROL_NOMEM, "out of memory");
	return PATROL_OK;
}

static int
prefs_item_cmp(const void *a, const void *b)
{
	const struct prefs_item *x = a, *y = b;

	return (x->line > y->line) - (x->line < y->line);
}

/* Every section header and key occurrence of ini, in file order (*n of
 * them, malloc'd); NULL when out of memory. */
static struct prefs_item *
prefs_items(const struct ini *ini, size_t *n)
{
	size_t i, k, nsec = ini_section_count(ini), total = nsec, nkeys;
	struct prefs_item *items;
	const char *name;

	for (i = 0; i < nsec; i++)
		total += ini_key_count(ini, ini_section_name(ini, i));
	if ((items = calloc(total + 1, sizeof *items)) == NULL)
		return NULL;
	*n = 0;
	for (i = 0; i < nsec; i++) {
		name = ini_section_name(ini, i);
		if (ini_section_line(ini, i) != 0)
			items[(*n)++] = (struct prefs_item){ ini_section_line(ini, i), i,
			    PREFS_HEADER };
		nkeys = ini_key_count(ini, name);
		for (k = 0; k < nkeys; k++)
			items[(*n)++] = (struct prefs_item){ ini_key_line(ini, name, k), i, k };
	}
	qsort(items, *n, sizeof *items, prefs_item_cmp);
	return items;
}

/* Check every section and key of ini in file order: the first bad one is
 * the error; warnings go to c->warn. */
static enum patrol_status
prefs_check(struct prefs_check *c)
{
	enum patrol_status st = PATROL_OK;
	struct prefs_item *items;
	size_t i, n;

	if ((items = prefs_items(c->ini, &n)) == NULL)
		return status_set(c->err, PATROL_NOMEM, "out of memory");
	for (i = 0; i < n && st == PATROL_OK; i++)
		st = items[i].key == PREFS_HEADER ? prefs_check_section(c, &items[i]) :
		    prefs_check_key(c, &items[i]);
	free(items);
	return st;
}

/* ---- applying ------------------------------------------------------------ */

/* Take every known key of section (when present) into out. */
static enum patrol_status
prefs_apply_section(const struct ini *ini, const char *section, struct prefs *out,
		    struct patrol_err *err)
{
	char why[160];
	const char *v;
	size_t i;

	for (i = 0; i < PREFS_NKEYS; i++) {
		if ((v = ini_get(ini, section, prefs_keys[i].name)) == NULL)
			continue;
		if (prefs_keys[i].parse(v, out, why, sizeof why) == -2)
			return status_set(err, PATROL_NOMEM, "out of memory");
	}
	return PATROL_OK;
}

/* [defaults], then every section of profile, in file order. */
static enum patrol_status
prefs_apply(const struct ini *ini, const char *profile, struct prefs *out,
	    struct patrol_err *err)
{
	enum patrol_status st;
	const char *name, *p;
	size_t i;

	if ((st = prefs_apply_section(ini, PREFS_DEFAULTS, out, err)) != PATROL_OK)
		return st;
	if (profile == NULL || *profile == '\0')
		return PATROL_OK;
	for (i = 0; i < ini_section_count(ini); i++) {
		name = ini_section_name(ini, i);
		p = prefs_section_profile(name);
		if (p != NULL && *p != '\0' && strcmp(p, profile) == 0 &&
		    (st = prefs_apply_section(ini, name, out, err)) != PATROL_OK)
			return st;
	}
	return PATROL_OK;
}

/* Check and apply the parsed file name; out is not zeroed here. */
static enum patrol_status
prefs_ini(const struct ini *ini, const char *name, const char *profile, struct prefs *out,
	  struct patrol_err *err)
{
	struct prefs_check c = { ini, name, err, NULL };
	enum patrol_status st;
	struct buf warn;

	buf_init(&warn, 64 * 1024);
	c.warn = &warn;
	st = prefs_check(&c);
	if (st == PATROL_OK)
		st = prefs_apply(ini, profile, out, err);
	if (st == PATROL_OK && warn.len > 0) {
		if (out->warning != NULL && buf_printf(&warn, "; %s", out->warning) != 0)
			st = status_set(err, PATROL_NOMEM, "out of memory");
		free(out->warning);
		if ((out->warning = buf_take(&warn)) == NULL && st == PATROL_OK)
			st = status_set(err, PATROL_NOMEM, "out of memory");
	}
	buf_free(&warn);
	return st;
}

/* ---- the interface ------------------------------------------------------ */

char *
prefs_path(config_getenv_fn getenv_fn, void *env_ctx)
{
	const char *v;
	struct buf b;

	buf_init(&b, 0);
	if ((v = getenv_fn("PATROL_CONFIG", env_ctx)) != NULL && *v != '\0')
		buf_addstr(&b, v);
	else if ((v = getenv_fn("XDG_CONFIG_HOME", env_ctx)) != NULL && *v == '/')
		buf_printf(&b, "%s/patrol/config", v);
	else if ((v = getenv_fn("HOME", env_ctx)) != NULL && *v != '\0')
		buf_printf(&b, "%s/.config/patrol/config", v);
	else
		return NULL;
	return buf_take(&b);
}

enum patrol_status
prefs_parse(const char *text, size_t len, const char *name, const char *profile,
	    struct prefs *out, struct patrol_err *err)
{
	struct ini *ini = NULL;
	enum patrol_status st;

	memset(out, 0, sizeof *out);
	name = name != NULL ? name : "(text)";
	st = ini_parse_string(text, len, name, &ini, err);
	if (st == PATROL_OK)
		st = prefs_ini(ini, name, profile, out, err);
	ini_free(ini);
	if (st != PATROL_OK)
		prefs_free(out);
	else
		out->loaded = true;
	return st;
}

enum patrol_status
prefs_load(const char *path, const char *profile, config_getenv_fn getenv_fn, void *env_ctx,
	   struct prefs *out, struct patrol_err *err)
{
	struct ini *ini = NULL;
	enum patrol_status st;
	bool missing;

	memset(out, 0, sizeof *out);
	out->path = path != NULL ? strdup(path) : prefs_path(getenv_fn, env_ctx);
	if (out->path == NULL)
		return path != NULL ? status_set(err, PATROL_NOMEM, "out of memory") : PATROL_OK;
	st = ini_parse_file_kind(out->path, INI_SETTINGS, &ini, &out->warning, &missing, err);
	if (st == PATROL_OK && !missing) {
		st = prefs_ini(ini, out->path, profile, out, err);
		out->loaded = st == PATROL_OK;
	}
	ini_free(ini);
	if (st != PATROL_OK)
		prefs_free(out);
	return st;
}

void
prefs_free(struct prefs *p)
{
	if (p == NULL)
		return;
	prefs_stale_clear(p);
	free(p->columns);
	free(p->path);
	free(p->warning);
	memset(p, 0, sizeof *p);
}

void
prefs_merge(const struct prefs *p, const struct prefs_flags *f, struct prefs_merged *out)
{
	memset(out, 0, sizeof *out);
	out->read_only = f->read_only || p->read_only;
	out->jobs = f->jobs > 0 ? f->jobs : p->jobs_set ? p->jobs : 0;
	out->rate = f->rate >= 0 ? f->rate : p->rate_set ? p->rate : -1;
	if (p->stale_set) {
		out->stale = (const char *const *)p->stale;
		out->nstale = p->nstale;
	}
	if (p->revoke_soon_set)
		out->revoke_soon_ms = (int64_t)p->revoke_soon_days * 86400000;
}

double
prefs_worker_rate(double rate)
{
	return rate < 0 ? 0 : rate == 0 ? -1 : rate;
}
