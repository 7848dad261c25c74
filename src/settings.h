/*
 * settings.h: the workspace's token settings, one table for both faces
 * (patrol settings, the view's settings list and its dialogs): patrol's
 * name for each, the workspace-conf key behind it, how the view labels
 * it, which values are allowed, and which change must be typed to be
 * confirmed. A new setting is a row of SETTINGS.
 */
#ifndef PATROL_SETTINGS_H
#define PATROL_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "api.h"

/*        enum            name                 workspace-conf key      label                 */
#define SETTINGS(_) \
	_(MAX_LIFETIME,   "max-lifetime-days", "maxTokenLifetimeDays", "Max token lifetime") \
	_(TOKENS_ENABLED, "tokens-enabled",    "enableTokensConfig",   "Tokens enabled")

#define SETTING_ENUM(e, name, key, label) SETTING_##e,
enum setting { SETTINGS(SETTING_ENUM) SETTING_COUNT };
#undef SETTING_ENUM

/* patrol's name ("max-lifetime-days"), or NULL past the last (a list for
 * completion and messages). */
const char *settings_name(size_t i);
/* The setting named name, or -1. */
int settings_find(const char *name);
/* The workspace-conf key ("maxTokenLifetimeDays"). */
const char *settings_key(enum setting s);
/* How the view labels it ("Max token lifetime"). */
const char *settings_label(enum setting s);
/* Whether value is allowed (1..730 days; true or false). */
bool settings_valid(enum setting s, const char *value);
/* What is allowed, for a refusal ("a whole number of days from 1 to 730"). */
const char *settings_hint(enum setting s);
/* What the workspace does when it is not set ("730", "true"). */
const char *settings_default(enum setting s);
/* Its value in c as the workspace said it, or NULL when not set. */
const char *settings_value(enum setting s, const struct api_conf *c);
/* Whether setting s to value must be confirmed by typing (turning tokens
 * off for the whole workspace cuts every token off, patrol's too). */
bool settings_typed_confirm(enum setting s, const char *value);

#endif
