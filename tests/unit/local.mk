# tests/unit/: cmocka unit tests of the core.
if WITH_CMOCKA
UNIT_TESTS = \
	tests/unit/test_status \
	tests/unit/test_buf \
	tests/unit/test_utf8 \
	tests/unit/test_sanitize \
	tests/unit/test_duration \
	tests/unit/test_config \
	tests/unit/test_token \
	tests/unit/test_autoscope \
	tests/unit/test_api \
	tests/unit/test_retry \
	tests/unit/test_pace \
	tests/unit/test_redact \
	tests/unit/test_osc52 \
	tests/unit/test_journal \
	tests/unit/test_prefs \
	tests/unit/test_settings \
	tests/unit/test_auth \
	tests/unit/test_savefile \
	tests/unit/test_viewstate \
	tests/unit/test_bulk \
	tests/unit/test_ui_state \
	tests/unit/test_output \
	tests/unit/test_table \
	tests/unit/test_estate
check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)
UNIT_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(CURL_CFLAGS) $(JANSSON_CFLAGS)
UNIT_LDADD = $(PATROL_CORE_LIBS) $(CMOCKA_LIBS)
tests_unit_test_status_SOURCES = tests/unit/test_status.c
tests_unit_test_status_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_status_LDADD = $(UNIT_LDADD)
tests_unit_test_estate_SOURCES = tests/unit/test_estate.c
tests_unit_test_estate_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_estate_LDADD = $(UNIT_LDADD)
tests_unit_test_buf_SOURCES = tests/unit/test_buf.c
tests_unit_test_buf_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_buf_LDADD = $(UNIT_LDADD)
tests_unit_test_utf8_SOURCES = tests/unit/test_utf8.c
tests_unit_test_utf8_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_utf8_LDADD = $(UNIT_LDADD)
tests_unit_test_sanitize_SOURCES = tests/unit/test_sanitize.c \
	tests/common/sanitize_invariant.c tests/common/sanitize_invariant.h
tests_unit_test_sanitize_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/common
tests_unit_test_sanitize_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_sanitize_LDADD = $(UNIT_LDADD)
tests_unit_test_viewstate_SOURCES = tests/unit/test_viewstate.c
tests_unit_test_viewstate_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_viewstate_LDADD = $(UNIT_LDADD)
tests_unit_test_savefile_SOURCES = tests/unit/test_savefile.c
tests_unit_test_savefile_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_savefile_LDADD = $(UNIT_LDADD)
tests_unit_test_duration_SOURCES = tests/unit/test_duration.c
tests_unit_test_duration_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_duration_LDADD = $(UNIT_LDADD)
tests_unit_test_config_SOURCES = tests/unit/test_config.c
tests_unit_test_config_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_config_LDADD = $(UNIT_LDADD)
tests_unit_test_token_SOURCES = tests/unit/test_token.c
tests_unit_test_token_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_token_LDADD = $(UNIT_LDADD)
tests_unit_test_autoscope_SOURCES = tests/unit/test_autoscope.c
tests_unit_test_autoscope_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_autoscope_LDADD = $(UNIT_LDADD)
tests_unit_test_output_SOURCES = tests/unit/test_output.c
tests_unit_test_output_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_output_LDADD = $(UNIT_LDADD)
tests_unit_test_table_SOURCES = tests/unit/test_table.c
tests_unit_test_table_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_table_LDADD = $(UNIT_LDADD)
tests_unit_test_api_SOURCES = tests/unit/test_api.c
tests_unit_test_api_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_api_LDADD = $(UNIT_LDADD)
tests_unit_test_pace_SOURCES = tests/unit/test_pace.c
tests_unit_test_pace_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_pace_LDADD = $(UNIT_LDADD)
tests_unit_test_redact_SOURCES = tests/unit/test_redact.c
tests_unit_test_redact_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_redact_LDADD = $(UNIT_LDADD)
tests_unit_test_retry_SOURCES = tests/unit/test_retry.c
tests_unit_test_retry_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_retry_LDADD = $(UNIT_LDADD)
tests_unit_test_osc52_SOURCES = tests/unit/test_osc52.c ui/osc52.c
tests_unit_test_osc52_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/ui
tests_unit_test_osc52_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_osc52_LDADD = $(UNIT_LDADD)
tests_unit_test_journal_SOURCES = tests/unit/test_journal.c
tests_unit_test_journal_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_journal_LDADD = $(UNIT_LDADD)
tests_unit_test_settings_SOURCES = tests/unit/test_settings.c
tests_unit_test_settings_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_settings_LDADD = $(UNIT_LDADD)
tests_unit_test_prefs_SOURCES = tests/unit/test_prefs.c
tests_unit_test_prefs_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_prefs_LDADD = $(UNIT_LDADD)
tests_unit_test_auth_SOURCES = tests/unit/test_auth.c
tests_unit_test_auth_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_auth_LDADD = $(UNIT_LDADD)
tests_unit_test_bulk_SOURCES = tests/unit/test_bulk.c
tests_unit_test_bulk_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_bulk_LDADD = $(UNIT_LDADD)
# the UI's model, linked without curses: it must not need it
tests_unit_test_ui_state_SOURCES = tests/unit/test_ui_state.c \
	ui/ui_state.c ui/ui_columns.c ui/ui_util.c
tests_unit_test_ui_state_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/ui
tests_unit_test_ui_state_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_ui_state_LDADD = $(UNIT_LDADD)
endif
