# tests/e2e/: end-to-end tests of the CLI against the emulator.
E2E_TESTS = \
	tests/e2e/cli_basic.sh \
	tests/e2e/faults.sh \
	tests/e2e/config.sh \
	tests/e2e/admin.sh \
	tests/e2e/secrets.sh \
	tests/e2e/hostile.sh \
	tests/e2e/audit.sh \
	tests/e2e/audit_gate.sh \
	tests/e2e/clock.sh \
	tests/e2e/permissions.sh \
	tests/e2e/permissions_change.sh \
	tests/e2e/autoscope.sh \
	tests/e2e/pin.sh \
	tests/e2e/journal.sh \
	tests/e2e/bulk.sh \
	tests/e2e/pace.sh \
	tests/e2e/auth.sh \
	tests/e2e/tls.sh \
	tests/e2e/shell.sh \
	tests/e2e/output.sh \
	tests/e2e/exports.sh \
	tests/e2e/halt.sh \
	tests/e2e/transport.sh \
	tests/e2e/ids.sh \
	tests/e2e/session.sh \
	tests/e2e/journal_dir.sh \
	tests/e2e/journal_rotate.sh \
	tests/e2e/rotate.sh \
	tests/e2e/rotate_crash.sh \
	tests/e2e/rotate_resume.sh \
	tests/e2e/rotate_review.sh \
	tests/e2e/resume_race.sh \
	tests/e2e/estate.sh \
	tests/e2e/estate_revoke.sh \
	tests/e2e/estate_pin.sh \
	tests/e2e/estate_threads.sh \
	tests/e2e/config_review.sh \
	tests/e2e/transport_review.sh \
	tests/e2e/estate_review.sh
if WITH_EMULATOR
TESTS += $(E2E_TESTS)
endif
EXTRA_DIST += tests/e2e/lib.sh tests/e2e/rawws.py tests/e2e/rawlib.sh $(E2E_TESTS)

# patrol built with the test hooks of rotate.c (PATROL_TEST_CRASH=POINT
# kills it there, as kill -9 would; PATROL_TEST_PAUSE=POINT stops it), for
# tests/e2e/rotate_crash.sh, rotate_resume.sh and rotate_review.sh only.
if WITH_EMULATOR
check_PROGRAMS += tests/e2e/patrol-crashpoints
endif
tests_e2e_patrol_crashpoints_SOURCES = src/main.c src/rotate.c
tests_e2e_patrol_crashpoints_CPPFLAGS = $(AM_CPPFLAGS) -DPATROL_TEST_HOOKS=1
tests_e2e_patrol_crashpoints_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS) $(JANSSON_CFLAGS)
tests_e2e_patrol_crashpoints_LDADD = $(PATROL_CORE_LIBS)
