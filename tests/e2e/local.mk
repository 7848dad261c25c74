# tests/e2e/: end-to-end tests of the CLI against the emulator.
E2E_TESTS =
if WITH_EMULATOR
E2E_TESTS += \
	tests/e2e/cli_basic.sh
TESTS += $(E2E_TESTS)
endif
EXTRA_DIST += tests/e2e/lib.sh tests/e2e/cli_basic.sh
