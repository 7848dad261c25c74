/*
 * fuzz_ini.c: libFuzzer target for the INI reader (src/ini.c) that reads
 * ~/.databrickscfg and patrol's own files.
 *
 * The input is parsed as a config file; on success every section and every
 * key patrol reads is looked up. Invariants checked (abort on a violation,
 * so libFuzzer and the replay driver both report it): an error leaves no
 * result and names the input; section names are non-empty, trimmed, unique
 * and found again; values are trimmed; every key occurrence (ini_key_*) has
 * a non-empty, trimmed name, a trimmed value and a line >= 1, lines rise in
 * a section, and its last occurrence is what ini_get returns. The hosts a
 * file holds are fuzz_host.c's.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ini.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_NAME "fuzz.cfg"

static const char *const keys[] = {
	"host", "token", "client_id", "client_secret", "auth_type",
	"account_id", "workspace_id", "default_profile", "",
};

static void
violation(const char *why, const char *s)
{
	fprintf(stderr, "fuzz_ini: %s: \"", why);
	for (; s != NULL && *s != '\0'; s++)
		fprintf(stderr, "\\x%02x", (unsigned char)*s);
	fprintf(stderr, "\"\n");
	abort();
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static int
trimmed(const char *s)
{
	size_t n = strlen(s);

	return n == 0 || (!is_space(s[0]) && !is_space(s[n - 1]));
}

/* Every key occurrence of a section: named, trimmed, lines from 1 and
 * rising; the last occurrence of a name is what ini_get returns; a section
 * without a header line holds keys. */
static void
check_keys(const struct ini *ini, size_t i, const char *name)
{
	size_t k, n = ini_key_count(ini, name), line, prev = 0;
	const char *key, *v;

	for (k = 0; k < n; k++) {
		key = ini_key_name(ini, name, k);
		v = ini_key_value(ini, name, k);
		line = ini_key_line(ini, name, k);
		if (key == NULL || *key == '\0' || !trimmed(key) || v == NULL || !trimmed(v))
			violation("bad key occurrence", key);
		if (line < 1 || line <= prev)
			violation("key lines not rising from 1", key);
		prev = line;
	}
	if (ini_key_name(ini, name, n) != NULL || ini_key_line(ini, name, n) != 0)
		violation("key past the count", name);
	if (n > 0 && ini_get(ini, name, ini_key_name(ini, name, n - 1)) !=
	    ini_key_value(ini, name, n - 1))
		violation("last occurrence does not win", name);
	if (ini_section_line(ini, i) == 0 && n == 0)
		violation("section with neither header nor key", name);
}

static void
check_section(const struct ini *ini, size_t i)
{
	const char *name = ini_section_name(ini, i);
	const char *v;
	size_t k;

	if (name == NULL || *name == '\0' || !trimmed(name) || strchr(name, ']'))
		violation("bad section name", name);
	if (!ini_has_section(ini, name))
		violation("section not found again", name);
	for (k = 0; k < i; k++) {
		if (strcmp(ini_section_name(ini, k), name) == 0)
			violation("duplicate section", name);
	}
	for (k = 0; k < sizeof keys / sizeof keys[0]; k++) {
		v = ini_get(ini, name, keys[k]);
		if (v != NULL && !trimmed(v))
			violation("untrimmed value", v);
	}
	check_keys(ini, i, name);
}

static void
check_ini(const uint8_t *data, size_t size)
{
	struct patrol_err err;
	struct ini *ini = (struct ini *)&err;
	size_t i, n;

	status_clear(&err);
	if (ini_parse_string((const char *)data, size, FUZZ_NAME, &ini, &err) != PATROL_OK) {
		if (ini != NULL)
			violation("failed parse left a result", err.message);
		if (strncmp(err.message, FUZZ_NAME, strlen(FUZZ_NAME)) != 0 &&
		    strcmp(err.message, "out of memory") != 0)
			violation("error does not name the file", err.message);
		return;
	}
	n = ini_section_count(ini);
	if (n > 4096 || ini_section_name(ini, n) != NULL || ini_section_line(ini, n) != 0)
		violation("bad section count", "");
	for (i = 0; i < n; i++)
		check_section(ini, i);
	ini_free(ini);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_ini(data, size);
	return 0;
}
