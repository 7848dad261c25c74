/*
 * test_osc52.c: the clipboard escape sequence (ui/osc52.c; no curses).
 *
 * Exact bytes for the plain, tmux and screen forms, the RFC 4648 base64
 * vectors, the size cap and the refusal of control characters.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "dialog.h"

struct b64_case {
	const char *in;
	const char *out;
};

/* RFC 4648 section 10. */
static const struct b64_case b64_cases[] = {
	{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
	{ "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
};

/* The sequence for in without wrapping, compared whole. */
static void
check_plain(const char *in, const char *b64)
{
	char want[64];
	char *got;

	snprintf(want, sizeof want, "\033]52;c;%s\a", b64);
	got = osc52_sequence(in, 0, NULL, "xterm-256color");
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void
test_base64_vectors(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof b64_cases / sizeof b64_cases[0]; i++) {
		print_message("base64 \"%s\"\n", b64_cases[i].in);
		check_plain(b64_cases[i].in, b64_cases[i].out);
	}
}

static void
test_plain(void **state)
{
	char *got;

	(void)state;
	got = osc52_sequence("dapi0123", 0, NULL, NULL);
	assert_string_equal(got, "\033]52;c;ZGFwaTAxMjM=\a");
	free(got);
	/* An empty TMUX is not tmux. */
	got = osc52_sequence("dapi0123", 0, "", "xterm");
	assert_string_equal(got, "\033]52;c;ZGFwaTAxMjM=\a");
	free(got);
	/* UTF-8 is bytes to base64. */
	got = osc52_sequence("\xc3\xa9", 0, NULL, "xterm");
	assert_string_equal(got, "\033]52;c;w6k=\a");
	free(got);
}

static void
test_tmux(void **state)
{
	char *got;

	(void)state;
	/* tmux handles OSC 52 itself (set-clipboard); a DCS passthrough is
	 * dropped unless allow-passthrough is on: plain, even with TERM=screen */
	got = osc52_sequence("foo", 0, "/tmp/tmux-1000/default,123,0", "screen-256color");
	assert_string_equal(got, "\033]52;c;Zm9v\a");
	free(got);
	got = osc52_sequence("", 0, "/tmp/tmux-1000/default,123,0", "tmux-256color");
	assert_string_equal(got, "\033]52;c;\a");
	free(got);
}

static void
test_screen(void **state)
{
	char *got;

	(void)state;
	got = osc52_sequence("foo", 0, NULL, "screen");
	assert_string_equal(got, "\033P\033]52;c;Zm9v\a\033\\");
	free(got);
	got = osc52_sequence("foo", 0, "", "screen.xterm-256color");
	assert_string_equal(got, "\033P\033]52;c;Zm9v\a\033\\");
	free(got);
	/* "screen" must start TERM. */
	got = osc52_sequence("foo", 0, NULL, "xscreen");
	assert_string_equal(got, "\033]52;c;Zm9v\a");
	free(got);
}

/* A long text is cut into DCS chunks of at most 76 bytes that join back
 * into the plain sequence. */
static void
test_screen_chunks(void **state)
{
	char text[301], *plain, *got, *joined, *p, *end;
	size_t n = 0, chunks = 0, len;

	(void)state;
	memset(text, 'x', sizeof text - 1);
	text[sizeof text - 1] = '\0';
	plain = osc52_sequence(text, 0, NULL, "xterm");
	got = osc52_sequence(text, 0, NULL, "screen");
	assert_non_null(plain);
	assert_non_null(got);
	joined = calloc(1, strlen(got) + 1);
	assert_non_null(joined);
	for (p = got; *p != '\0'; p = end + 2) {
		assert_memory_equal(p, "\033P", 2);
		p += 2;
		end = strstr(p, "\033\\");
		assert_non_null(end);
		len = (size_t)(end - p);
		assert_true(len > 0 && len <= 76);
		memcpy(joined + n, p, len);
		n += len;
		chunks++;
	}
	assert_string_equal(joined, plain);
	assert_int_equal(chunks, (strlen(plain) + 75) / 76);
	free(joined);
	free(got);
	free(plain);
}

static void
test_cap(void **state)
{
	char *text, *got;

	(void)state;
	text = malloc(8194);
	assert_non_null(text);
	memset(text, 'a', 8193);
	text[8193] = '\0';
	assert_null(osc52_sequence(text, 0, NULL, "xterm"));
	text[8192] = '\0';
	got = osc52_sequence(text, 0, NULL, "xterm");
	assert_non_null(got);
	assert_int_equal(strlen(got), 7 + 4 * ((8192 + 2) / 3) + 1);
	free(got);
	/* An explicit max. */
	assert_null(osc52_sequence("abcdef", 5, NULL, "xterm"));
	got = osc52_sequence("abcde", 5, NULL, "xterm");
	assert_string_equal(got, "\033]52;c;YWJjZGU=\a");
	free(got);
	free(text);
}

static void
test_control_refused(void **state)
{
	static const char *const bad[] = {
		"dapi\n", "a\rb", "\033]0;x\a", "tab\there", "del\x7f", "c1\xc2\x9b" "2J", "\x01",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		print_message("control case %zu\n", i);
		assert_null(osc52_sequence(bad[i], 0, NULL, "xterm"));
		assert_null(osc52_sequence(bad[i], 0, "/tmp/tmux", "screen"));
	}
	assert_null(osc52_sequence(NULL, 0, NULL, "xterm"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base64_vectors),
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_tmux),
		cmocka_unit_test(test_screen),
		cmocka_unit_test(test_screen_chunks),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_control_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
