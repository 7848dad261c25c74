/*
 * prefs.c: patrol's own settings file (prefs.h has the format).
 *
 * The file is read once, with the checks ini_parse_file makes (O_NOFOLLOW,
 * a regular file, owned by us, at most 1 MiB), and parsed by
 * ini_parse_string, so the INI dialect and its syntax errors ("FILE:LINE:
 * ...") are exactly those of ~/.databrickscfg. The ini module has no way to
 * list the keys of a section, so a second, read-only walk over the same
 * lines names every section and key the way the INI parser cut them and
 * checks each one against the key table: an unknown section, an unknown key
 * or a bad value is reported with its line. The values in force are then
 * read with ini_get, [defaults] first and the profile's section over it, so
 * a repeated key or section behaves as in the INI reader (the last wins).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "prefs.h"

#define PREFS_FILE_MAX		(1024 * 1024)
#define PREFS_LINE_MAX		8192
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

/* The keys: each is allowed in [defaults] and in [profile NAME]. */
static const struct prefs_key {
	const char *name;
	prefs_parse_fn parse;
} prefs_keys[] = {
	{ "jobs",           prefs_jobs },
	{ "rate",           prefs_rate },
	{ "stale-patterns", prefs_stale },
	{ "read-only",      prefs_read_only },
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

/* ---- the check walk ----------------------------------------------------- */

/* What the walk is at. */
struct prefs_walk {
	const char *name;        /* the file, for messages */
	size_t line;
	char section[PREFS_LINE_MAX + 1];
	bool in_section;
	struct patrol_err *err;
	struct buf *warn;        /* warnings collected, "; "-separated */
};

static bool
prefs_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Trim in place, as the INI reader does. */
static char *
prefs_trim(char *s)
{
	size_t n;

	while (prefs_space(*s))
		s++;
	n = strlen(s);
	while (n > 0 && prefs_space(s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* Cut an inline comment: ';' or '#' after white space (as the INI reader). */
static void
prefs_cut_comment(char *s)
{
	char *q;

	if (*s == '\0')
		return;
	for (q = s + 1; *q != '\0'; q++) {
		if ((*q == ';' || *q == '#') && prefs_space(q[-1])) {
			*q = '\0';
			return;
		}
	}
}

static enum patrol_status
prefs_walk_section(struct prefs_walk *w, char *line)
{
	char *close = strchr(line, ']'), *name;

	if (close != NULL)
		*close = '\0';
	name = prefs_trim(line + 1);
	snprintf(w->section, sizeof w->section, "%s", name);
	w->in_section = true;
	if (prefs_section_profile(name) == NULL)
		return status_set(w->err, PATROL_CONFIG,
		    "%s:%zu: unknown section [%s] (expected [defaults] or [profile NAME])",
		    w->name, w->line, name);
	return PATROL_OK;
}

static enum patrol_status
prefs_walk_key(struct prefs_walk *w, char *line)
{
	char *sep = strpbrk(line, "=:"), *key, *value, why[160];
	const struct prefs_key *k;
	struct prefs scratch;
	int rc;

	if (sep == NULL)
		return PATROL_OK;            /* the INI reader refused it already */
	*sep = '\0';
	key = prefs_trim(line);
	value = prefs_trim(sep + 1);
	if (!w->in_section)
		return status_set(w->err, PATROL_CONFIG,
		    "%s:%zu: %s: a key before any section (start with [defaults] or "
		    "[profile NAME])", w->name, w->line, key);
	if ((k = prefs_key_find(key)) == NULL)
		return status_set(w->err, PATROL_CONFIG, "%s:%zu: [%s] %s: unknown key (%s)",
		    w->name, w->line, w->section, key, prefs_key_names(why, sizeof why));
	memset(&scratch, 0, sizeof scratch);
	why[0] = '\0';
	rc = k->parse(value, &scratch, why, sizeof why);
	prefs_stale_clear(&scratch);
	if (rc == -2)
		return status_set(w->err, PATROL_NOMEM, "out of memory");
	if (rc < 0)
		return status_set(w->err, PATROL_CONFIG, "%s:%zu: [%s] %s: '%.64s' %s",
		    w->name, w->line, w->section, key, value, why);
	if (rc > 0 && buf_printf(w->warn, "%s%s:%zu: [%s] %s %s", w->warn->len ? "; " : "",
	    w->name, w->line, w->section, key, why) != 0)
		return status_set(w->err, PATROL_NOMEM, "out of memory");
	return PATROL_OK;
}

/* Walk the lines of text (already accepted by the INI reader) and check
 * every section and key. */
static enum patrol_status
prefs_walk(const char *text, size_t len, struct prefs_walk *w)
{
	char line[PREFS_LINE_MAX + 1], *s;
	const char *p = text, *end = text + len, *nl;
	enum patrol_status st;
	size_t n;

	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	for (; p < end; p = nl + 1) {
		w->line++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		n = (size_t)(nl - p) < PREFS_LINE_MAX ? (size_t)(nl - p) : PREFS_LINE_MAX;
		memcpy(line, p, n);
		line[n] = '\0';
		s = prefs_trim(line);
		if (*s == '\0' || *s == ';' || *s == '#')
			continue;
		prefs_cut_comment(s);
		s = prefs_trim(s);
		st = *s == '[' ? prefs_walk_section(w, s) : prefs_walk_key(w, s);
		if (st != PATROL_OK)
			return st;
	}
	return PATROL_OK;
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

/* Check and apply text; out is not zeroed here. */
static enum patrol_status
prefs_text(const char *text, size_t len, const char *name, const char *profile,
	   struct prefs *out, struct patrol_err *err)
{
	struct prefs_walk *w;
	struct ini *ini = NULL;
	enum patrol_status st;
	struct buf warn;

	if ((st = ini_parse_string(text, len, name, &ini, err)) != PATROL_OK)
		return st;
	if ((w = calloc(1, sizeof *w)) == NULL) {
		ini_free(ini);
		return status_set(err, PATROL_NOMEM, "out of memory");
	}
	buf_init(&warn, 64 * 1024);
	w->name = name;
	w->err = err;
	w->warn = &warn;
	st = prefs_walk(text, len, w);
	free(w);
	if (st == PATROL_OK)
		st = prefs_apply(ini, profile, out, err);
	ini_free(ini);
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

/* ---- the file ---------------------------------------------------------- */

/* Check the open file: a regular file of ours; warn when others may write
 * it (they could lift a profile's read-only mark). */
static enum patrol_status
prefs_check_fd(int fd, const char *path, char **warning, struct patrol_err *err)
{
	struct stat sb;
	struct buf b;

	if (fstat(fd, &sb) != 0)
		return status_set(err, PATROL_IO, "cannot stat %s: %s", path, strerror(errno));
	if (!S_ISREG(sb.st_mode))
		return status_set(err, PATROL_CONFIG, "%s is not a regular file", path);
	if (sb.st_uid != geteuid())
		return status_set(err, PATROL_CONFIG,
		    "%s is owned by another user (uid %lu); refusing to read it",
		    path, (unsigned long)sb.st_uid);
	if ((sb.st_mode & 022) == 0)
		return PATROL_OK;
	buf_init(&b, 0);
	if (buf_printf(&b, "%s is writable by other users; fix with: chmod go-w %s",
	    path, path) != 0 || (*warning = buf_take(&b)) == NULL) {
		buf_free(&b);
		return status_set(err, PATROL_NOMEM, "out of memory");
	}
	return PATROL_OK;
}

static enum patrol_status
prefs_read_fd(int fd, const char *path, struct buf *b, struct patrol_err *err)
{
	char chunk[4096];
	ssize_t n;

	for (;;) {
		n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return status_set(err, PATROL_IO, "cannot read %s: %s", path,
			    strerror(errno));
		if (n == 0)
			return PATROL_OK;
		if (buf_add(b, chunk, (size_t)n) != 0)
			return b->len + (size_t)n > b->max ?
			    status_set(err, PATROL_CONFIG, "%s: file larger than %d bytes", path,
			    PREFS_FILE_MAX) : status_set(err, PATROL_NOMEM, "out of memory");
	}
}

/* Read path into b; *missing when it does not exist (not an error). */
static enum patrol_status
prefs_read(const char *path, struct buf *b, char **warning, bool *missing,
	   struct patrol_err *err)
{
	enum patrol_status st;
	int fd;

	*missing = false;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR) {
			*missing = true;
			return PATROL_OK;
		}
		if (errno == ELOOP)
			return status_set(err, PATROL_CONFIG,
			    "%s is a symbolic link; refusing to read it", path);
		return status_set(err, PATROL_IO, "cannot open %s: %s", path, strerror(errno));
	}
	st = prefs_check_fd(fd, path, warning, err);
	if (st == PATROL_OK)
		st = prefs_read_fd(fd, path, b, err);
	close(fd);
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
	enum patrol_status st;

	memset(out, 0, sizeof *out);
	st = prefs_text(text, len, name != NULL ? name : "(text)", profile, out, err);
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
	enum patrol_status st;
	bool missing;
	struct buf b;

	memset(out, 0, sizeof *out);
	out->path = path != NULL ? strdup(path) : prefs_path(getenv_fn, env_ctx);
	if (out->path == NULL)
		return path != NULL ? status_set(err, PATROL_NOMEM, "out of memory") : PATROL_OK;
	buf_init(&b, PREFS_FILE_MAX);
	st = prefs_read(out->path, &b, &out->warning, &missing, err);
	if (st == PATROL_OK && !missing) {
		st = prefs_text(b.data != NULL ? b.data : "", b.len, out->path, profile, out, err);
		out->loaded = st == PATROL_OK;
	}
	buf_free(&b);
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
	free(p->path);
	free(p->warning);
	memset(p, 0, sizeof *p);
}
