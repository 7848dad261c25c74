/*
 * ini.c: the INI reader (ini.h has the dialect).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "ini.h"
#include "secret.h"

#define INI_FILE_MAX		(1024 * 1024)
#define INI_LINE_MAX		8192
#define INI_SECTIONS_MAX	4096
#define INI_BOM			"\xef\xbb\xbf"

struct ini_entry {
	const char *key;
	const char *value;
	size_t line;
};

struct ini_section {
	const char *name;
	size_t line;			/* of the first "[name]"; 0: none yet */
	struct ini_entry *entries;	/* every occurrence, in file order */
	size_t n;
	size_t cap;
};

struct ini {
	char *text;			/* the whole file, split in place (secret) */
	size_t len;
	struct ini_section *sections;
	size_t n;
	size_t cap;
};

/* State of one pass over the text. */
struct ini_parser {
	struct ini *ini;
	const char *name;
	size_t line;
	size_t cur;			/* index of the current section */
	int has_cur;
	struct patrol_err *err;
};

/* ---- INI parsing ------------------------------------------------------ */

static int
ini_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Trim white space at both ends, in place; return the new start. */
static char *
ini_trim(char *s)
{
	size_t n;

	while (ini_is_space(*s))
		s++;
	n = strlen(s);
	while (n > 0 && ini_is_space(s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* Cut an inline comment: ';' or '#' that follows white space. */
static void
ini_cut_comment(char *s)
{
	char *q;

	if (*s == '\0')
		return;
	for (q = s + 1; *q != '\0'; q++) {
		if ((*q == ';' || *q == '#') && ini_is_space(q[-1])) {
			*q = '\0';
			return;
		}
	}
}

/* A value wholly wrapped in one pair of double or single quotes loses them
 * ("https://h" is https://h), as gopkg.in/ini.v1, the Databricks CLI's
 * reader, does: the quote may appear nowhere else in it. */
static char *
ini_unquote(char *v)
{
	size_t n = strlen(v);
	const char *other;

	if (n < 2 || (v[0] != '"' && v[0] != '\'') || v[n - 1] != v[0])
		return v;
	other = strchr(v + 1, v[0]);
	if (other != v + n - 1)
		return v;
	v[n - 1] = '\0';
	return v + 1;
}

/* Make room for one more element of size sz in an array of *cap. */
static void *
ini_grow(void *p, size_t n, size_t *cap, size_t sz)
{
	size_t ncap;

	if (n < *cap)
		return p;
	ncap = *cap ? *cap * 2 : 8;
	if (ncap > SIZE_MAX / sz)
		return NULL;
	p = realloc(p, ncap * sz);
	if (p != NULL)
		*cap = ncap;
	return p;
}

static enum patrol_status
ini_error(struct ini_parser *p, const char *what)
{
	return status_set(p->err, PATROL_CONFIG, "%s:%zu: %s", p->name, p->line, what);
}

static struct ini_section *
ini_find(const struct ini *ini, const char *name)
{
	size_t i;

	if (ini == NULL || name == NULL)
		return NULL;
	for (i = 0; i < ini->n; i++) {
		if (strcmp(ini->sections[i].name, name) == 0)
			return &ini->sections[i];
	}
	return NULL;
}

/* Add a section called name at the end; *idx gets its index. */
static enum patrol_status
ini_add_section(struct ini_parser *p, const char *name, size_t *idx)
{
	struct ini *ini = p->ini;
	struct ini_section *s;

	if (ini->n >= INI_SECTIONS_MAX)
		return ini_error(p, "too many sections (limit 4096)");
	s = ini_grow(ini->sections, ini->n, &ini->cap, sizeof *s);
	if (s == NULL)
		return status_set(p->err, PATROL_NOMEM, "out of memory");
	ini->sections = s;
	memset(&s[ini->n], 0, sizeof *s);
	s[ini->n].name = name;
	*idx = ini->n++;
	return PATROL_OK;
}

/* Make name the current section, adding it unless it exists (merge); a
 * header (not the implicit DEFAULT) gives the section its line once. */
static enum patrol_status
ini_enter(struct ini_parser *p, const char *name, int header)
{
	struct ini_section *s = ini_find(p->ini, name);
	enum patrol_status st;

	if (s != NULL)
		p->cur = (size_t)(s - p->ini->sections);
	else if ((st = ini_add_section(p, name, &p->cur)) != PATROL_OK)
		return st;
	p->has_cur = 1;
	s = &p->ini->sections[p->cur];
	if (header && s->line == 0)
		s->line = p->line;
	return PATROL_OK;
}

/* A "[name]" line. */
static enum patrol_status
ini_parse_header(struct ini_parser *p, char *line)
{
	char *close = strchr(line, ']');
	char *name;

	if (close == NULL)
		return ini_error(p, "unterminated section header (missing ']')");
	if (close[1] != '\0')
		return ini_error(p, "unexpected text after section header");
	*close = '\0';
	name = ini_trim(line + 1);
	if (*name == '\0')
		return ini_error(p, "empty section name");
	return ini_enter(p, name, 1);
}

/* A "key = value" line. */
static enum patrol_status
ini_parse_pair(struct ini_parser *p, char *line)
{
	char *sep = strpbrk(line, "=:");
	struct ini_section *s;
	struct ini_entry *e;
	enum patrol_status st;
	char *key;

	if (sep == NULL)
		return ini_error(p, "expected '[section]' or 'key = value'");
	*sep = '\0';
	key = ini_trim(line);
	if (*key == '\0')
		return ini_error(p, "missing key before the separator");
	if (!p->has_cur && (st = ini_enter(p, INI_DEFAULT, 0)) != PATROL_OK)
		return st;
	s = &p->ini->sections[p->cur];
	e = ini_grow(s->entries, s->n, &s->cap, sizeof *e);
	if (e == NULL)
		return status_set(p->err, PATROL_NOMEM, "out of memory");
	s->entries = e;
	e[s->n].key = key;
	/* trimmed inside the quotes too: a value is never space-padded */
	e[s->n].value = ini_trim(ini_unquote(ini_trim(sep + 1)));
	e[s->n].line = p->line;
	s->n++;
	return PATROL_OK;
}

static enum patrol_status
ini_parse_line(struct ini_parser *p, char *line)
{
	line = ini_trim(line);
	if (*line == '\0' || *line == ';' || *line == '#')
		return PATROL_OK;
	ini_cut_comment(line);
	line = ini_trim(line);
	if (*line == '[')
		return ini_parse_header(p, line);
	return ini_parse_pair(p, line);
}

/* Split the text into lines and parse each one. */
static enum patrol_status
ini_parse_lines(struct ini_parser *p)
{
	char *s = p->ini->text, *end = s + p->ini->len, *nl;
	enum patrol_status st;

	if (p->ini->len >= 3 && memcmp(s, INI_BOM, 3) == 0)
		s += 3;
	for (; s < end; s = nl + 1) {
		p->line++;
		nl = memchr(s, '\n', (size_t)(end - s));
		if (nl == NULL)
			nl = end;
		if (nl - s > INI_LINE_MAX)
			return ini_error(p, "line longer than 8192 bytes");
		if (memchr(s, '\0', (size_t)(nl - s)) != NULL)
			return ini_error(p, "NUL byte in line");
		*nl = '\0';
		if ((st = ini_parse_line(p, s)) != PATROL_OK)
			return st;
	}
	return PATROL_OK;
}

/* Parse text (len bytes, NUL-terminated, malloc'd), taking ownership of it. */
static enum patrol_status
ini_parse_owned(char *text, size_t len, const char *name, struct ini **out,
		struct patrol_err *err)
{
	struct ini_parser p;
	struct ini *ini;
	enum patrol_status st;

	*out = NULL;
	ini = calloc(1, sizeof *ini);
	if (ini == NULL) {
		secret_wipe(text, len);
		free(text);
		return status_set(err, PATROL_NOMEM, "out of memory");
	}
	ini->text = text;
	ini->len = len;
	memset(&p, 0, sizeof p);
	p.ini = ini;
	p.name = name;
	p.err = err;
	if ((st = ini_parse_lines(&p)) != PATROL_OK) {
		ini_free(ini);
		return st;
	}
	*out = ini;
	return PATROL_OK;
}

enum patrol_status
ini_parse_string(const char *text, size_t len, const char *name, struct ini **out,
		 struct patrol_err *err)
{
	char *copy;

	*out = NULL;
	if (len > INI_FILE_MAX)
		return status_set(err, PATROL_CONFIG,
		    "%s: file larger than 1048576 bytes", name);
	copy = malloc(len + 1);
	if (copy == NULL)
		return status_set(err, PATROL_NOMEM, "out of memory");
	if (len > 0)
		memcpy(copy, text, len);
	copy[len] = '\0';
	return ini_parse_owned(copy, len, name, out, err);
}

/* ---- INI files -------------------------------------------------------- */

/* What each kind of file warns about, and whether it may be missing. */
static const struct ini_rule {
	mode_t mask;		/* group/other bits that deserve a warning */
	const char *what;	/* "FILE is WHAT by other users" */
	const char *fix;	/* the command that fixes it, before FILE */
	bool missing_ok;	/* a missing file is not an error */
} ini_rules[] = {
	[INI_SECRETS] = { 077, "readable", "chmod 600", false },
	[INI_SETTINGS] = { 022, "writable", "chmod go-w", true },
};

/* True when reading fd (a character device) gives end of file at once, as
 * /dev/null does. */
static bool
ini_reads_nothing(int fd)
{
	ssize_t n;
	char c;

	do
		n = read(fd, &c, 1);
	while (n < 0 && errno == EINTR);
	return n == 0;
}

/* Check what fd is: a regular file of ours that not every user may write;
 * warn on the rule's mode bits. */
static enum patrol_status
ini_check_fd(int fd, const char *path, const struct ini_rule *rule, char **warning,
	     struct patrol_err *err)
{
	struct stat sb;
	struct buf b;

	if (fstat(fd, &sb) != 0)
		return status_set(err, PATROL_IO, "cannot stat %s: %s", path, strerror(errno));
	if (S_ISCHR(sb.st_mode) && ini_reads_nothing(fd))
		return PATROL_OK;	/* /dev/null: an empty file, as the SDKs read it */
	if (!S_ISREG(sb.st_mode))
		return status_set(err, PATROL_CONFIG, "%s is not a regular file", path);
	if (sb.st_uid != geteuid())
		return status_set(err, PATROL_CONFIG,
		    "%s is owned by another user (uid %lu); refusing to read it",
		    path, (unsigned long)sb.st_uid);
	if (sb.st_mode & S_IWOTH)
		return status_set(err, PATROL_CONFIG,
		    "%s is writable by every user (anyone could change it); refusing to read "
		    "it; fix with: %s %s", path, rule->fix, path);
	if ((sb.st_mode & rule->mask) == 0 || warning == NULL)
		return PATROL_OK;
	buf_init(&b, 0);
	if (buf_printf(&b, "%s is %s by other users; fix with: %s %s",
	    path, rule->what, rule->fix, path) != 0 || (*warning = buf_take(&b)) == NULL) {
		buf_free(&b);
		return status_set(err, PATROL_NOMEM, "out of memory");
	}
	return PATROL_OK;
}

/* Read all of fd into b (a secret buffer with a maximum). */
static enum patrol_status
ini_read_fd(int fd, const char *path, struct buf *b, struct patrol_err *err)
{
	char chunk[4096];
	enum patrol_status st = PATROL_OK;
	ssize_t n;

	for (;;) {
		n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (buf_add(b, chunk, (size_t)n) == 0)
			continue;
		if (b->len + (size_t)n > b->max)
			st = status_set(err, PATROL_CONFIG,
			    "%s: file larger than 1048576 bytes", path);
		else
			st = status_set(err, PATROL_NOMEM, "out of memory");
		break;
	}
	if (n < 0)
		st = status_set(err, PATROL_IO, "cannot read %s: %s", path, strerror(errno));
	secret_wipe(chunk, sizeof chunk);
	return st;
}

/* A symbolic link is followed only when the link itself is ours (the file
 * it names is checked on the descriptor, like any other). */
static enum patrol_status
ini_check_link(const char *path, struct patrol_err *err)
{
	struct stat sb;

	if (lstat(path, &sb) != 0 || !S_ISLNK(sb.st_mode) || sb.st_uid == geteuid())
		return PATROL_OK;
	return status_set(err, PATROL_CONFIG, "%s is a symbolic link owned by another user "
	    "(uid %lu); refusing to read it", path, (unsigned long)sb.st_uid);
}

/* Open path; a missing file the rule allows is PATROL_OK with *fd < 0. */
static enum patrol_status
ini_open(const char *path, const struct ini_rule *rule, int *fd, bool *missing,
	 struct patrol_err *err)
{
	enum patrol_status st;

	*fd = -1;
	if ((st = ini_check_link(path, err)) != PATROL_OK)
		return st;
	*fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (*fd >= 0)
		return PATROL_OK;
	*missing = errno == ENOENT || errno == ENOTDIR;
	if (*missing && rule->missing_ok)
		return PATROL_OK;
	return status_set(err, PATROL_IO, "cannot open %s: %s", path, strerror(errno));
}

/* ini_parse_file_kind, with missing and the rule given. */
static enum patrol_status
ini_load(const char *path, const struct ini_rule *rule, struct ini **out, char **warning,
	 bool *missing, struct patrol_err *err)
{
	enum patrol_status st;
	struct buf b;
	size_t len;
	char *text;
	int fd;

	*out = NULL;
	*missing = false;
	if ((st = ini_open(path, rule, &fd, missing, err)) != PATROL_OK || fd < 0)
		return st;
	buf_init(&b, INI_FILE_MAX);
	b.secret = true;
	st = ini_check_fd(fd, path, rule, warning, err);
	if (st == PATROL_OK)
		st = ini_read_fd(fd, path, &b, err);
	close(fd);
	len = b.len;
	if (st != PATROL_OK || (text = buf_take(&b)) == NULL) {
		buf_free(&b);
		return st != PATROL_OK ? st : status_set(err, PATROL_NOMEM, "out of memory");
	}
	return ini_parse_owned(text, len, path, out, err);
}

enum patrol_status
ini_parse_file_kind(const char *path, enum ini_kind kind, struct ini **out, char **warning,
		    bool *missing, struct patrol_err *err)
{
	enum patrol_status st;
	bool gone;

	if (warning != NULL)
		*warning = NULL;
	st = ini_load(path, &ini_rules[kind], out, warning, &gone, err);
	if (missing != NULL)
		*missing = gone;
	if (st != PATROL_OK && warning != NULL) {
		free(*warning);
		*warning = NULL;
	}
	return st;
}

enum patrol_status
ini_parse_file(const char *path, struct ini **out, char **warning, struct patrol_err *err)
{
	return ini_parse_file_kind(path, INI_SECRETS, out, warning, NULL, err);
}

/* ---- INI getters ------------------------------------------------------ */

const char *
ini_get(const struct ini *ini, const char *section, const char *key)
{
	const struct ini_section *s = ini_find(ini, section);
	size_t i;

	if (s == NULL || key == NULL)
		return NULL;
	for (i = s->n; i > 0; i--) {
		if (strcasecmp(s->entries[i - 1].key, key) == 0)
			return s->entries[i - 1].value;
	}
	return NULL;
}

bool
ini_has_section(const struct ini *ini, const char *section)
{
	return ini_find(ini, section) != NULL;
}

size_t
ini_section_count(const struct ini *ini)
{
	return ini == NULL ? 0 : ini->n;
}

const char *
ini_section_name(const struct ini *ini, size_t i)
{
	if (ini == NULL || i >= ini->n)
		return NULL;
	return ini->sections[i].name;
}

size_t
ini_section_line(const struct ini *ini, size_t i)
{
	if (ini == NULL || i >= ini->n)
		return 0;
	return ini->sections[i].line;
}

size_t
ini_key_count(const struct ini *ini, const char *section)
{
	const struct ini_section *s = ini_find(ini, section);

	return s == NULL ? 0 : s->n;
}

/* The i-th key occurrence of section, or NULL. */
static const struct ini_entry *
ini_entry_at(const struct ini *ini, const char *section, size_t i)
{
	const struct ini_section *s = ini_find(ini, section);

	return s == NULL || i >= s->n ? NULL : &s->entries[i];
}

const char *
ini_key_name(const struct ini *ini, const char *section, size_t i)
{
	const struct ini_entry *e = ini_entry_at(ini, section, i);

	return e == NULL ? NULL : e->key;
}

const char *
ini_key_value(const struct ini *ini, const char *section, size_t i)
{
	const struct ini_entry *e = ini_entry_at(ini, section, i);

	return e == NULL ? NULL : e->value;
}

size_t
ini_key_line(const struct ini *ini, const char *section, size_t i)
{
	const struct ini_entry *e = ini_entry_at(ini, section, i);

	return e == NULL ? 0 : e->line;
}

void
ini_free(struct ini *ini)
{
	size_t i;

	if (ini == NULL)
		return;
	for (i = 0; i < ini->n; i++)
		free(ini->sections[i].entries);
	free(ini->sections);
	secret_wipe(ini->text, ini->len + 1);
	free(ini->text);
	free(ini);
}

