/*
 * ini.h: the INI reader for ~/.databrickscfg (config.c) and patrol's own
 * settings and remembered view (prefs.c, viewstate.c).
 *
 * The INI dialect is the one the Databricks SDKs accept: "[section]" headers
 * (any name but ']', trimmed: dots are fine), "key = value" or "key: value",
 * full-line comments starting with ';' or '#', inline comments only when the
 * ';' or '#' follows a space or tab, CRLF or LF line ends, a UTF-8 BOM at the
 * very start. Keys met before any header belong to [DEFAULT] (what the Go
 * SDK's gopkg.in/ini.v1 does; Python's configparser refuses them). A repeated
 * key: the last one wins; a repeated section: the two are merged. Keys are
 * looked up case-insensitively (configparser lowercases them); a value
 * wholly wrapped in a pair of double or single quotes that appear nowhere
 * else in it loses them (gopkg.in/ini.v1 does); otherwise values are kept
 * literally (no escapes, no continuation lines). The whole text is
 * one buffer, split in place, and wiped on free: values may be tokens. Every
 * key occurrence is kept with its line, and each section with the line of
 * its first header, so a caller can check each one (prefs.c does).
 */
#ifndef PATROL_INI_H
#define PATROL_INI_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"

#define INI_DEFAULT "DEFAULT"   /* the section of keys met before any header */

struct ini;
/* What a file holds, which decides its permission warning and whether it
 * may be missing. */
enum ini_kind {
	INI_SECRETS,	/* credentials: warn when group or others can read it
			 * ("FILE is readable by other users; fix with: chmod
			 * 600 FILE"); a missing file is an error */
	INI_SETTINGS,	/* no secret: warn when group or others can write it
			 * ("FILE is writable by other users; fix with: chmod
			 * go-w FILE"); a missing file is not an error */
};
/* Parse a file. A symbolic link (dotfile managers make them) is followed
 * when the link itself is ours; the file opened is fstat'ed: not a regular
 * file (but a character device that reads nothing, /dev/null: an empty
 * file, as the SDKs read it), another user's file or a file every user may write is PATROL_CONFIG
 * (with the fix); at most 1 MiB; syntax errors name FILE:LINE. *warning (may be NULL: no
 * warning wanted) is set to NULL, or to a malloc'd message with the fix
 * that kind calls for; it is NULL again after an error. *missing (may be
 * NULL) tells whether the file does not exist (ENOENT or ENOTDIR): for
 * INI_SETTINGS that is PATROL_OK with *out NULL and err untouched, for
 * INI_SECRETS PATROL_IO ("cannot open FILE: No such file or directory").
 * The text is read into wiped memory and its values are wiped on ini_free,
 * whatever the kind. */
enum patrol_status ini_parse_file_kind(const char *path, enum ini_kind kind,
				       struct ini **out, char **warning, bool *missing,
				       struct patrol_err *err);
/* ini_parse_file_kind(path, INI_SECRETS, out, warning, NULL, err). */
enum patrol_status ini_parse_file(const char *path, struct ini **out, char **warning,
				  struct patrol_err *err);
/* Parse text (tests, fuzzing). name is used in error messages. */
enum patrol_status ini_parse_string(const char *text, size_t len, const char *name,
				    struct ini **out, struct patrol_err *err);
/* Value of key in section, or NULL. Section names are case-sensitive, key
 * names are not ("HOST" is host).
 * A key given more than once in a section (even across repeated headers of
 * it): the last one wins. */
const char *ini_get(const struct ini *ini, const char *section, const char *key);
bool ini_has_section(const struct ini *ini, const char *section);
/* Number of sections, and the i-th name, in file order of first appearance
 * (a repeated section is merged into the first). NULL when i is too big. */
size_t ini_section_count(const struct ini *ini);
const char *ini_section_name(const struct ini *ini, size_t i);
/* Line (from 1) of the first "[name]" header of the i-th section; 0 when i
 * is too big, or for a DEFAULT that only holds keys met before any header
 * and never had a header. So a key's line is below its section's line, or
 * its section's line is 0, exactly when it came before any header. */
size_t ini_section_line(const struct ini *ini, size_t i);
/* Every key occurrence of section, in file order, repeats included (merged
 * sections: all of their occurrences, in file order): the count (0 for no
 * such section), then the i-th name, value and line (from 1). ini_get
 * returns the value of the last occurrence of a name. Out of range: NULL,
 * NULL, 0. Each lookup walks the sections (as ini_get does). */
size_t ini_key_count(const struct ini *ini, const char *section);
const char *ini_key_name(const struct ini *ini, const char *section, size_t i);
const char *ini_key_value(const struct ini *ini, const char *section, size_t i);
size_t ini_key_line(const struct ini *ini, const char *section, size_t i);
/* Free (wiping values: they may be tokens). */
void ini_free(struct ini *ini);

#endif
