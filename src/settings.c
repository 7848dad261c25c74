/*
 * settings.c: the workspace's token settings (settings.h).
 */
#include <stdlib.h>
#include <string.h>

#include "settings.h"

static bool
settings_valid_days(const char *v)
{
	char *end;
	long days = strtol(v, &end, 10);

	return *v != '\0' && *end == '\0' && days >= 1 && days <= 730;
}

static bool
settings_valid_bool(const char *v)
{
	return strcmp(v, "true") == 0 || strcmp(v, "false") == 0;
}

/* What each row checks and reads; in the order of SETTINGS. */
static const struct {
	bool (*valid)(const char *v);
	const char *hint;
	const char *dflt;
	size_t conf;                 /* its member of struct api_conf */
} settings_rules[SETTING_COUNT] = {
	[SETTING_MAX_LIFETIME] = { settings_valid_days, "a whole number of days from 1 to 730",
				   "730", offsetof(struct api_conf, max_token_lifetime_days) },
	[SETTING_TOKENS_ENABLED] = { settings_valid_bool, "true or false", "true",
				     offsetof(struct api_conf, enable_tokens_config) },
};

#define SETTING_ROW(e, name, key, label) { name, key, label },
static const struct {
	const char *name, *key, *label;
} settings_rows[] = { SETTINGS(SETTING_ROW) };
#undef SETTING_ROW

const char *
settings_name(size_t i)
{
	return i < SETTING_COUNT ? settings_rows[i].name : NULL;
}

int
settings_find(const char *name)
{
	int i;

	for (i = 0; i < SETTING_COUNT; i++)
		if (strcmp(settings_rows[i].name, name) == 0)
			return i;
	return -1;
}

const char *
settings_key(enum setting s)
{
	return settings_rows[s].key;
}

const char *
settings_label(enum setting s)
{
	return settings_rows[s].label;
}

bool
settings_valid(enum setting s, const char *value)
{
	return settings_rules[s].valid(value);
}

const char *
settings_hint(enum setting s)
{
	return settings_rules[s].hint;
}

const char *
settings_default(enum setting s)
{
	return settings_rules[s].dflt;
}

const char *
settings_value(enum setting s, const struct api_conf *c)
{
	return c == NULL ? NULL : *(char *const *)((const char *)c + settings_rules[s].conf);
}

bool
settings_typed_confirm(enum setting s, const char *value)
{
	return s == SETTING_TOKENS_ENABLED && strcmp(value, "false") == 0;
}
