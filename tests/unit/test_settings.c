/*
 * test_settings.c: the table of workspace token settings both faces read
 * (src/settings.c): names and keys, what is allowed, defaults, the value a
 * workspace gave, and which change is typed to be confirmed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "settings.h"

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(settings_name(0), "max-lifetime-days");
	assert_string_equal(settings_name(1), "tokens-enabled");
	assert_null(settings_name(SETTING_COUNT));
	assert_int_equal(settings_find("tokens-enabled"), SETTING_TOKENS_ENABLED);
	assert_int_equal(settings_find("tokens"), -1);
	assert_string_equal(settings_key(SETTING_MAX_LIFETIME), "maxTokenLifetimeDays");
	assert_string_equal(settings_key(SETTING_TOKENS_ENABLED), "enableTokensConfig");
	assert_string_equal(settings_label(SETTING_MAX_LIFETIME), "Max token lifetime");
}

static void
test_values(void **state)
{
	static const char *const bad_days[] = { "", "0", "731", "7d", "-1", "1.5" };
	struct api_conf c = { NULL, NULL };
	size_t i;

	(void)state;
	assert_true(settings_valid(SETTING_MAX_LIFETIME, "1"));
	assert_true(settings_valid(SETTING_MAX_LIFETIME, "730"));
	for (i = 0; i < sizeof bad_days / sizeof bad_days[0]; i++)
		assert_false(settings_valid(SETTING_MAX_LIFETIME, bad_days[i]));
	assert_true(settings_valid(SETTING_TOKENS_ENABLED, "false"));
	assert_false(settings_valid(SETTING_TOKENS_ENABLED, "no"));
	assert_string_equal(settings_hint(SETTING_MAX_LIFETIME),
	    "a whole number of days from 1 to 730");
	assert_string_equal(settings_default(SETTING_MAX_LIFETIME), "730");
	assert_null(settings_value(SETTING_MAX_LIFETIME, &c));
	assert_null(settings_value(SETTING_MAX_LIFETIME, NULL));
	c.max_token_lifetime_days = (char []){ "30" };
	c.enable_tokens_config = (char []){ "true" };
	assert_string_equal(settings_value(SETTING_MAX_LIFETIME, &c), "30");
	assert_string_equal(settings_value(SETTING_TOKENS_ENABLED, &c), "true");
}

/* Only turning tokens off for the whole workspace is typed to confirm. */
static void
test_typed(void **state)
{
	(void)state;
	assert_true(settings_typed_confirm(SETTING_TOKENS_ENABLED, "false"));
	assert_false(settings_typed_confirm(SETTING_TOKENS_ENABLED, "true"));
	assert_false(settings_typed_confirm(SETTING_MAX_LIFETIME, "1"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_typed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
