/*
 * test_sanitize.c: unit and property tests of the sanitizer.
 *
 * Each hostile class (C0 and escape sequences, C1, bidi, zero-width, invalid
 * UTF-8) is checked for its exact output; truncation is checked at every
 * width against an independent model; a seeded property test runs thousands
 * of random byte strings through an invariant checker that shares no code
 * with sanitize.c. Widths assume the C.UTF-8 locale.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "sanitize.h"
#include "sanitize_invariant.h"

#define UNUSED __attribute__((unused))
#define FFFD "\xef\xbf\xbd"
#define ELL "\xe2\x80\xa6"

/* Assert sanitize(in, width, flags) is exactly expect. */
static void
check(const char *in, size_t width, unsigned flags, const char *expect)
{
	char *out = sanitize(in, width, flags);

	assert_non_null(out);
	assert_string_equal(out, expect);
	free(out);
}

static void
check_n(const char *in, size_t n, size_t width, unsigned flags,
    const char *expect)
{
	char *out = sanitize_n(in, n, width, flags);

	assert_non_null(out);
	assert_string_equal(out, expect);
	free(out);
}

static const char *
invariant(const char *s, size_t max_width, unsigned flags)
{
	return sanitize_invariant(s, max_width, flags, NULL);
}

static void
assert_invariant(const char *s, size_t max_width, unsigned flags)
{
	const char *why = invariant(s, max_width, flags);

	if (why != NULL)
		fail_msg("%s: \"%s\" (max %zu, flags %u)", why, s, max_width,
		    flags);
}

static int
setup_utf8(void **state UNUSED)
{
	return setlocale(LC_ALL, "C.UTF-8") == NULL ? -1 : 0;
}

/*
 * Classes of hostile input.
 */

static void
test_plain(void **state UNUSED)
{
	check("hello, world", 0, 0, "hello, world");
	check("", 0, 0, "");
	check(NULL, 0, 0, "");
	check("~!@#$%^&*()_+{}|:\"<>?`-=[]\\;',./", 0, 0,
	    "~!@#$%^&*()_+{}|:\"<>?`-=[]\\;',./");
}

static void
test_c0(void **state UNUSED)
{
	check("a\x01" "b", 0, 0, "a\\x01b");
	check("\t\n\r", 0, 0, "\\t\\n\\r");
	check("\x1b[2J\x1b[H", 0, 0, "\\e[2J\\e[H");
	check("\x1b]52;c;cm0gLXJmIH4=\x07", 0, 0, "\\e]52;c;cm0gLXJmIH4=\\x07");
	check("\x1b]0;title\x1b\\", 0, 0, "\\e]0;title\\e\\");
	check("safe\rEVIL", 0, 0, "safe\\rEVIL");
	check("abc\b\b\bxyz", 0, 0, "abc\\x08\\x08\\x08xyz");
	check("a\x7f" "b", 0, 0, "a\\x7Fb");
	check("\x1f\x0b\x0c", 0, 0, "\\x1F\\x0B\\x0C");
}

static void
test_c1(void **state UNUSED)
{
	check("a\xc2\x85" "b", 0, 0, "a\\u{0085}b");
	check("\xc2\x9b" "31m", 0, 0, "\\u{009B}31m");
	check("\xc2\x80\xc2\x9f", 0, 0, "\\u{0080}\\u{009F}");
	check("\xc2\xa0", 0, 0, "\xc2\xa0");	/* NBSP is printable */
}

static void
test_bidi(void **state UNUSED)
{
	check("user\xe2\x80\xae" "fdp.exe", 0, 0, "user\\u{202E}fdp.exe");
	check("\xe2\x81\xa6" "x\xe2\x81\xa9", 0, 0, "\\u{2066}x\\u{2069}");
	check("\xe2\x80\x8e\xe2\x80\x8f", 0, 0, "\\u{200E}\\u{200F}");
	check("\xd8\x9c", 0, 0, "\\u{061C}");
	check("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad", 0, 0,
	    "\\u{202A}\\u{202B}\\u{202C}\\u{202D}");
}

static void
test_zero_width(void **state UNUSED)
{
	check("ad\xe2\x80\x8bmin", 0, 0, "ad\\u{200B}min");
	check("\xef\xbb\xbfroot", 0, 0, "\\u{FEFF}root");
	check("a\xe2\x80\x8c\xe2\x80\x8d" "b", 0, 0, "a\\u{200C}\\u{200D}b");
	check("a\xe2\x81\xa0" "b", 0, 0, "a\\u{2060}b");
	check("\xf3\xa0\x80\x81", 0, 0, "\\u{E0001}");	/* tag */
	check("\xe2\x80\xa8", 0, 0, "\\u{2028}");	/* line separator */
}

static void
test_invalid_utf8(void **state UNUSED)
{
	check("a\x80" "b", 0, 0, "a" FFFD "b");
	check("\xbf\xbf", 0, 0, FFFD FFFD);
	check("\xc0\x80", 0, 0, FFFD FFFD);		/* overlong NUL */
	check("\xc1\xbf", 0, 0, FFFD FFFD);
	check("\xe0\x80\x80", 0, 0, FFFD FFFD FFFD);	/* overlong */
	check("\xed\xa0\x80", 0, 0, FFFD FFFD FFFD);	/* surrogate */
	check("\xf0\x80\x80\x80", 0, 0, FFFD FFFD FFFD FFFD);
	check("\xf4\x90\x80\x80", 0, 0, FFFD FFFD FFFD FFFD); /* > U+10FFFF */
	check("\xf5\x80\x80\x80", 0, 0, FFFD FFFD FFFD FFFD);
	check("\xfe\xff", 0, 0, FFFD FFFD);
	check("ab\xe4\xb8", 0, 0, "ab" FFFD);		/* truncated at end */
	check("\xf0\x9f\x98", 0, 0, FFFD);
	check("\xe4\xb8x", 0, 0, FFFD "x");		/* maximal subpart */
	check("\xf0\x9f\xe4\xb8\xad", 0, 0, FFFD "\xe4\xb8\xad");
	check("\xe2\x80\xe2\x80\xae", 0, 0, FFFD "\\u{202E}");
	check(FFFD, 0, 0, FFFD);
}

static void
test_valid_multibyte(void **state UNUSED)
{
	check("\xc3\xa9t\xc3\xa9", 0, 0, "\xc3\xa9t\xc3\xa9");
	check("\xe4\xb8\xad\xe6\x96\x87", 0, 0, "\xe4\xb8\xad\xe6\x96\x87");
	check("\xf0\x9f\x98\x80", 0, 0, "\xf0\x9f\x98\x80");
	check("\xf4\x8f\xbf\xbf", 0, 0, "\\u{10FFFF}");	/* non-character */
	check("\xcd\xb8", 0, 0, "\\u{0378}");		/* unassigned */
}

static void
test_combining(void **state UNUSED)
{
	check("e\xcc\x81", 0, 0, "e\xcc\x81");
	check("e\xcc\x81\xcc\xa3", 0, 0, "e\xcc\x81\xcc\xa3");
	check("\xcc\x81x", 0, 0, "\\u{0301}x");		/* at the start */
	check("\x01\xcc\x81", 0, 0, "\\x01\\u{0301}");	/* after an escape */
	check("\xe4\xb8\xad\xcc\x81", 0, 0, "\xe4\xb8\xad\xcc\x81");
	check("a\nb\xcc\x81", 0, SANITIZE_KEEP_NEWLINE, "a\nb\xcc\x81");
	check("a\n\xcc\x81", 0, SANITIZE_KEEP_NEWLINE, "a\n\\u{0301}");
}

static void
test_width(void **state UNUSED)
{
	assert_int_equal(sanitize_width("abc"), 3);
	assert_int_equal(sanitize_width(""), 0);
	assert_int_equal(sanitize_width(NULL), 0);
	assert_int_equal(sanitize_width("\xe4\xb8\xad\xe6\x96\x87"), 4);
	assert_int_equal(sanitize_width("\xf0\x9f\x98\x80"), 2);
	assert_int_equal(sanitize_width("e\xcc\x81"), 1);
	assert_int_equal(sanitize_width(ELL), 1);
	assert_int_equal(sanitize_width(FFFD), 1);
	assert_int_equal(sanitize_width("\\u{202E}"), 8);
	assert_int_equal(sanitize_width("a\nb"), 2);
	assert_int_equal(sanitize_width("\xef\xbc\xa1"), 2);	/* fullwidth A */
}

static void
test_ascii_flag(void **state UNUSED)
{
	check("\xe4\xb8\xad", 0, SANITIZE_ASCII, "\\u{4E2D}");
	check("caf\xc3\xa9", 0, SANITIZE_ASCII, "caf\\u{00E9}");
	check("\xf0\x9f\x98\x80", 0, SANITIZE_ASCII, "\\u{1F600}");
	check("a\x80" "b" FFFD, 0, SANITIZE_ASCII, "a?b?");
	check("\x1b[0m", 0, SANITIZE_ASCII, "\\e[0m");
	check("e\xcc\x81", 0, SANITIZE_ASCII, "e\\u{0301}");
	check("abcdef", 4, SANITIZE_ASCII, "abc~");
	check("\xe4\xb8\xad" "abc", 9, SANITIZE_ASCII, "\\u{4E2D}~");
}

static void
test_keep_newline(void **state UNUSED)
{
	check("a\nb", 0, 0, "a\\nb");
	check("a\nb", 0, SANITIZE_KEEP_NEWLINE, "a\nb");
	check("a\r\nb", 0, SANITIZE_KEEP_NEWLINE, "a\\r\nb");
	check("\x1b\n", 0, SANITIZE_KEEP_NEWLINE | SANITIZE_ASCII, "\\e\n");
}

static void
test_sanitize_n(void **state UNUSED)
{
	check_n("a\0b", 3, 0, 0, "a\\x00b");
	check_n("\0\0", 2, 0, 0, "\\x00\\x00");
	check_n("abc", 0, 0, 0, "");
	check_n(NULL, 5, 0, 0, "");
	check_n("abcdef", 3, 0, 0, "abc");
	check_n("\xe4\xb8\xad", 2, 0, 0, FFFD);		/* cut mid-character */
	check_n("a\0bcdef", 7, 5, 0, "a" ELL);	/* never half an escape */
	check_n("a\0bcdef", 7, 6, 0, "a\\x00" ELL);
}

static void
test_truncate(void **state UNUSED)
{
	check("abcdef", 6, 0, "abcdef");
	check("abcdef", 5, 0, "abcd" ELL);
	check("abcdef", 4, 0, "abc" ELL);
	check("abcdef", 1, 0, ELL);
	check("ab", 1, 0, ELL);
	check("a", 1, 0, "a");
	check("\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97", 5, 0,
	    "\xe4\xb8\xad\xe6\x96\x87" ELL);
	check("\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97", 4, 0, "\xe4\xb8\xad" ELL);
	check("\xe4\xb8\xad\xe6\x96\x87", 4, 0, "\xe4\xb8\xad\xe6\x96\x87");
	check("\xe4\xb8\xad", 1, 0, ELL);
	check("ab\x1b", 4, 0, "ab\\e");
	check("ab\x1b" "c", 4, 0, "ab" ELL);
	check("ab\xe2\x80\xae", 10, 0, "ab\\u{202E}");
	check("ab\xe2\x80\xae" "c", 10, 0, "ab" ELL);
	check("ab\xe2\x80\xae" "cd", 10, 0, "ab" ELL);
	check("ab\xe2\x80\xae" "cd", 11, 0, "ab\\u{202E}" ELL);
	check("e\xcc\x81", 1, 0, "e\xcc\x81");
	check("e\xcc\x81x", 2, 0, "e\xcc\x81x");
	check("e\xcc\x81xy", 2, 0, "e\xcc\x81" ELL);
}

/* The mixed string of test_truncate_every_width, unit by unit. */
struct model_unit {
	const char *out;
	size_t width;
};

static const struct model_unit mixed_units[] = {
	{ "a", 1 }, { "\xe4\xb8\xad", 2 }, { "\\e", 2 }, { "[", 1 }, { "1", 1 },
	{ "m", 1 }, { "\\u{202E}", 8 }, { "b", 1 }, { "\xcc\x81", 0 },
	{ "\xf0\x9f\x98\x80", 2 }, { FFFD, 1 }, { "\\x07", 4 }, { "z", 1 },
	{ "\xe6\x96\x87", 2 },
};
static const char mixed_input[] = "a\xe4\xb8\xad\x1b[1m\xe2\x80\xae" "b\xcc\x81"
    "\xf0\x9f\x98\x80\x80\x07z\xe6\x96\x87";

/* What truncating the mixed string to width must give, computed by the
 * simplest rule: all of it if it fits, else the longest unit prefix of at
 * most width - 1 columns and the ellipsis. */
static void
model_truncate(size_t width, char *out, size_t outlen)
{
	size_t i, n = sizeof mixed_units / sizeof mixed_units[0], total = 0;
	size_t used = 0;

	for (i = 0; i < n; i++)
		total += mixed_units[i].width;
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		if (width != 0 && total > width &&
		    used + mixed_units[i].width > width - 1)
			break;
		used += mixed_units[i].width;
		strncat(out, mixed_units[i].out, outlen - strlen(out) - 1);
	}
	if (i < n)
		strncat(out, ELL, outlen - strlen(out) - 1);
}

static void
test_truncate_every_width(void **state UNUSED)
{
	char expect[256], cell[256];
	size_t w;
	char *out;

	for (w = 0; w <= 40; w++) {
		model_truncate(w, expect, sizeof expect);
		out = sanitize(mixed_input, w, 0);
		assert_non_null(out);
		assert_string_equal(out, expect);
		assert_invariant(out, w, 0);
		assert_true(w == 0 || sanitize_width(out) <= w);
		free(out);
		sanitize_cell(mixed_input, w, 1, 0, cell, sizeof cell);
		assert_invariant(cell, w, 0);
		if (w > 0)
			assert_int_equal(sanitize_width(cell), w);
	}
	/* The full string is 27 columns: from there on nothing is cut. */
	out = sanitize(mixed_input, 0, 0);
	assert_non_null(out);
	assert_int_equal(sanitize_width(out), 27);
	free(out);
	out = sanitize(mixed_input, 27, 0);
	assert_non_null(out);
	assert_null(strstr(out, ELL));
	free(out);
	out = sanitize(mixed_input, 26, 0);
	assert_non_null(out);
	assert_non_null(strstr(out, ELL));
	free(out);
}

/* Printable ASCII cells (copied directly when they fit) come out as the
 * engine makes them: sanitize()'s text, padded to the width. */
static void
test_cell_ascii_as_engine(void **state UNUSED)
{
	static const char full[] = " a~b!c\"d'e`f{g}";
	char s[sizeof full], out[64], want[64], *eng;
	size_t len, w, n;
	int pad;

	for (len = 0; len < sizeof full; len++) {
		memcpy(s, full, len);
		s[len] = '\0';
		for (w = 0; w < len + 4; w++) {
			for (pad = 0; pad < 2; pad++) {
				eng = sanitize(s, w, pad ? SANITIZE_ASCII : 0);
				assert_non_null(eng);
				n = strlen(eng);
				memcpy(want, eng, n + 1);
				while (pad && w > 0 && sanitize_width(want) < w && n < sizeof want - 1)
					want[n++] = ' ', want[n] = '\0';
				assert_int_equal(sanitize_cell(s, w, pad, pad ? SANITIZE_ASCII : 0, out,
				    sizeof out), n);
				assert_string_equal(out, want);
				free(eng);
			}
		}
	}
}

/* One byte outside printable ASCII, anywhere in a cell of any length (the
 * plain copy looks at eight bytes a step), goes to the engine: the cell is
 * sanitize()'s text, never the raw byte; a cell without one is copied. */
static void
test_cell_odd_byte_anywhere(void **state UNUSED)
{
	char s[40], out[256], *eng;
	size_t len, at;
	int b;

	for (len = 1; len < 34; len++) {
		for (at = 0; at < len; at++) {
			for (b = 1; b < 256; b++) {
				memset(s, 'a' + (int)(at % 26), len);
				s[len] = '\0';
				s[at] = (char)b;
				eng = sanitize(s, 0, 0);
				assert_non_null(eng);
				assert_int_equal(sanitize_cell(s, 0, 0, 0, out, sizeof out), strlen(eng));
				assert_string_equal(out, eng);
				if (b < 0x20 || b == 0x7f)     /* controls never raw */
					assert_null(memchr(out, b, strlen(out)));
				free(eng);
			}
		}
	}
}

static void
test_cell(void **state UNUSED)
{
	char out[64];

	assert_int_equal(sanitize_cell("ab", 5, 1, 0, out, sizeof out), 5);
	assert_string_equal(out, "ab   ");
	assert_int_equal(sanitize_cell("ab", 5, 0, 0, out, sizeof out), 2);
	assert_string_equal(out, "ab");
	assert_int_equal(sanitize_cell("abcdef", 4, 1, 0, out, sizeof out), 6);
	assert_string_equal(out, "abc" ELL);
	assert_int_equal(sanitize_cell(NULL, 3, 1, 0, out, sizeof out), 3);
	assert_string_equal(out, "   ");
	sanitize_cell("\xe4\xb8\xad\xe6\x96\x87", 3, 1, 0, out, sizeof out);
	assert_string_equal(out, "\xe4\xb8\xad" ELL);
	sanitize_cell("\xe4\xb8\xad\xe6\x96\x87", 2, 1, 0, out, sizeof out);
	assert_string_equal(out, ELL " ");
	sanitize_cell("\xe4\xb8\xad", 3, 1, 0, out, sizeof out);
	assert_string_equal(out, "\xe4\xb8\xad ");
	sanitize_cell("a\x1b[2J", 8, 1, 0, out, sizeof out);
	assert_string_equal(out, "a\\e[2J  ");
	sanitize_cell("a\x1b[2J", 4, 1, 0, out, sizeof out);
	assert_string_equal(out, "a\\e" ELL);
	sanitize_cell("abcdef", 4, 1, SANITIZE_ASCII, out, sizeof out);
	assert_string_equal(out, "abc~");
	sanitize_cell("abc", 0, 1, 0, out, sizeof out);	/* 0: no limit */
	assert_string_equal(out, "abc");
}

static void
test_cell_small_buffer(void **state UNUSED)
{
	char out[8];

	memset(out, 'X', sizeof out);
	assert_int_equal(sanitize_cell("abc", 3, 1, 0, out, 0), 0);
	assert_int_equal(out[0], 'X');
	assert_int_equal(sanitize_cell("abc", 3, 1, 0, out, 1), 0);
	assert_string_equal(out, "");
	/* No width limit: the buffer is the limit, and the cut is clean. */
	assert_int_equal(sanitize_cell("abcdefghij", 0, 0, 0, out, 8), 7);
	assert_string_equal(out, "abcd" ELL);
	assert_int_equal(sanitize_cell("ab\xe4\xb8\xad\xe6\x96\x87", 0, 0, 0,
	    out, 8), 5);
	assert_string_equal(out, "ab" ELL);
	assert_int_equal(sanitize_cell("\x1b\x1b\x1b", 0, 0, 0, out, 8), 6);
	assert_string_equal(out, "\\e\\e\\e");
	assert_int_equal(sanitize_cell("\xe2\x80\xae", 0, 0, 0, out, 8), 3);
	assert_string_equal(out, ELL);
	/* Room for the padding is kept: a wide character that would leave no
	 * bytes for the spaces is cut instead. */
	assert_int_equal(sanitize_cell("abcdef", 5, 1, 0, out, 8), 7);
	assert_string_equal(out, "abcd" ELL);
	assert_int_equal(sanitize_cell("\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97",
	    5, 1, 0, out, 8), 7);
	assert_string_equal(out, ELL "    ");
	assert_int_equal(sanitize_width(out), 5);
}

static void
test_cell_no_alloc_reuse(void **state UNUSED)
{
	char out[16];
	int i;

	for (i = 0; i < 3; i++) {
		sanitize_cell("\xc2\x9b" "1m", 10, 1, 0, out, sizeof out);
		assert_string_equal(out, "\\u{009B}1m");
		sanitize_cell("x", 10, 1, 0, out, sizeof out);
		assert_string_equal(out, "x         ");
	}
}

/* In a non-UTF-8 locale wcwidth knows no non-ASCII character: all escaped. */
static void
test_c_locale(void **state UNUSED)
{
	assert_non_null(setlocale(LC_ALL, "C"));
	check("caf\xc3\xa9", 0, 0, "caf\\u{00E9}");
	check("\x80", 0, 0, "?");
	check("abcdef", 4, 0, "abc~");
	assert_non_null(setlocale(LC_ALL, "C.UTF-8"));
	check("caf\xc3\xa9", 0, 0, "caf\xc3\xa9");
}

/* SANITIZE_UTF8 (exports) judges characters as C.UTF-8 does, in any locale,
 * and leaves the caller's locale as it was. */
static void
test_utf8_flag(void **state UNUSED)
{
	char cell[64];

	assert_non_null(setlocale(LC_ALL, "C"));
	check("donn\xc3\xa9" "es \xe6\x95\xb0\xe6\x8d\xae \xf0\x9f\x9a\x80", 0, SANITIZE_UTF8,
	    "donn\xc3\xa9" "es \xe6\x95\xb0\xe6\x8d\xae \xf0\x9f\x9a\x80");
	check("\x80\x1b\xe2\x80\xae", 0, SANITIZE_UTF8, "\xef\xbf\xbd\\e\\u{202E}");
	sanitize_cell("caf\xc3\xa9", 0, 0, SANITIZE_UTF8, cell, sizeof cell);
	assert_string_equal(cell, "caf\xc3\xa9");
	/* the thread's locale is back: without the flag, C escapes again */
	check("caf\xc3\xa9", 0, 0, "caf\\u{00E9}");
	assert_non_null(setlocale(LC_ALL, "C.UTF-8"));
	check("caf\xc3\xa9", 0, SANITIZE_UTF8, "caf\xc3\xa9");
}

static void
test_long_input(void **state UNUSED)
{
	size_t n = 100000, i;
	char *in = malloc(n + 1), *out;

	assert_non_null(in);
	for (i = 0; i < n; i++)
		in[i] = i % 7 == 0 ? '\x1b' : 'a';
	in[n] = '\0';
	out = sanitize(in, 0, 0);
	assert_non_null(out);
	assert_int_equal(strlen(out), n + (n + 6) / 7);
	assert_invariant(out, 0, 0);
	free(out);
	out = sanitize(in, 30, 0);
	assert_non_null(out);
	assert_string_equal(out, "\\eaaaaaa\\eaaaaaa\\eaaaaaa\\eaaa" ELL);
	free(out);
	free(in);
}

/*
 * Property test: seeded pseudo-random strings through the invariant checker.
 */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

static const char *const pieces[] = {
	"\x1b[31m", "\x1b]52;c;", "\x07", "\r", "\n", "\b", "\x7f", "\t",
	"\xc2\x85", "\xc2\x9b", "\xe2\x80\xae", "\xe2\x81\xa6", "\xe2\x80\x8b",
	"\xef\xbb\xbf", "\xe4\xb8\xad", "\xf0\x9f\x98\x80", "\xcc\x81",
	"\xed\xa0\x80", "\xc0\x80", "\xf4\x90\x80\x80", "\xe4\xb8", "\xf0\x9f",
	"e", "abc", " ", FFFD, ELL, "\xef\xbc\xa1", "\xe1\x85\xa0",
};

/* Fill buf with up to max random bytes: raw bytes and hostile pieces. */
static size_t
random_input(char *buf, size_t max)
{
	size_t len = 0, want = rng() % max, n;
	const char *p;

	while (len < want) {
		if (rng() % 3 == 0) {
			buf[len++] = (char)(rng() & 0xff);
			continue;
		}
		p = pieces[rng() % (sizeof pieces / sizeof pieces[0])];
		n = strlen(p);
		if (len + n > max)
			break;
		memcpy(buf + len, p, n);
		len += n;
	}
	return len;
}

static void
test_property(void **state UNUSED)
{
	char in[96], cell[512];
	unsigned flags;
	size_t n, w, got;
	char *out;
	int i;

	for (i = 0; i < 5000; i++) {
		n = random_input(in, sizeof in - 1);
		w = rng() % 24;
		flags = rng() % 4;
		out = sanitize_n(in, n, w, flags);
		assert_non_null(out);
		assert_invariant(out, w, flags);
		free(out);
		in[n] = '\0';
		got = sanitize_cell(in, w, 1, flags, cell, sizeof cell);
		assert_int_equal(got, strlen(cell));
		assert_invariant(cell, w, flags);
		if (w > 0)
			assert_int_equal(sanitize_width(cell), w);
	}
}

/* With SANITIZE_CELL_ROOM(n) bytes and no width, sanitize_cell writes what
 * sanitize returns (CSV fields rely on it), and sanitize_cell_measure the
 * same with its width; also for the inputs that grow most (every byte an
 * escape). */
static void
test_cell_room(void **state UNUSED)
{
	static const char *const worst[] = { "\x01\x02\x03\x04\x05\x06",
					     "\xc2\x85\xc2\x85\xc2\x85", "\xff\xfe\xfd",
					     "\xf3\xa0\x80\x81\xe2\x80\xae" };
	char in[96], cell[SANITIZE_CELL_ROOM(96)];
	unsigned flags;
	size_t n, len, width;
	char *out;
	int i;

	for (i = 0; i < 5000; i++) {
		if (i < 4 * 4) {        /* a worst piece, repeated to fill in */
			for (n = 0; n + strlen(worst[i % 4]) < sizeof in; n += strlen(worst[i % 4]))
				memcpy(in + n, worst[i % 4], strlen(worst[i % 4]));
			in[n] = '\0';
		} else {
			n = random_input(in, sizeof in - 1);
			in[n] = '\0';
			n = strlen(in);
		}
		flags = (unsigned)i % 8 & (SANITIZE_ASCII | SANITIZE_UTF8);
		out = sanitize(in, 0, flags);
		assert_non_null(out);
		len = sanitize_cell(in, 0, 0, flags, cell, SANITIZE_CELL_ROOM(n));
		assert_string_equal(cell, out);
		assert_int_equal(len, strlen(out));
		len = sanitize_cell_measure(in, flags, cell, SANITIZE_CELL_ROOM(n), &width);
		assert_string_equal(cell, out);
		assert_int_equal(width, sanitize_width(out));
		free(out);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_cell_room),
		cmocka_unit_test(test_cell_ascii_as_engine),
		cmocka_unit_test(test_c0),
		cmocka_unit_test(test_c1),
		cmocka_unit_test(test_bidi),
		cmocka_unit_test(test_zero_width),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_valid_multibyte),
		cmocka_unit_test(test_combining),
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_ascii_flag),
		cmocka_unit_test(test_keep_newline),
		cmocka_unit_test(test_sanitize_n),
		cmocka_unit_test(test_truncate),
		cmocka_unit_test(test_truncate_every_width),
		cmocka_unit_test(test_cell_odd_byte_anywhere),
		cmocka_unit_test(test_cell),
		cmocka_unit_test(test_cell_small_buffer),
		cmocka_unit_test(test_cell_no_alloc_reuse),
		cmocka_unit_test(test_c_locale),
		cmocka_unit_test(test_utf8_flag),
		cmocka_unit_test(test_long_input),
		cmocka_unit_test(test_property),
	};

	return cmocka_run_group_tests(tests, setup_utf8, NULL);
}
