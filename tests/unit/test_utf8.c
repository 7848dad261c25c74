/*
 * test_utf8.c: unit tests of the one UTF-8 decoder and encoder.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "utf8.h"

#define UNUSED __attribute__((unused))

/* The one UTF-8 decoder and encoder (the dialogs' text fields use them). */
static void
test_utf8_codec(void **state UNUSED)
{
	static const uint32_t cps[] = { 0x41, 0xe9, 0x7ff, 0x800, 0x6570, 0xfffd, 0x10000,
	    0x1f680, 0x10ffff };
	char buf[8];
	uint32_t cp;
	size_t i, n;

	for (i = 0; i < sizeof cps / sizeof cps[0]; i++) {
		n = utf8_put(cps[i], buf);
		assert_int_equal(utf8_next(buf, n, &cp), n);
		assert_int_equal(cp, cps[i]);
	}
	assert_int_equal(utf8_next("\xc3", 1, &cp), 1);       /* cut short */
	assert_int_equal(cp, 0xfffd);
	assert_int_equal(utf8_next("\xe0\x80\x80", 3, &cp), 1);  /* overlong */
	assert_int_equal(cp, 0xfffd);
	assert_int_equal(utf8_next("\xed\xa0\x80", 3, &cp), 1);  /* surrogate */
	assert_int_equal(cp, 0xfffd);
	assert_int_equal(utf8_next("\xff", 1, &cp), 1);
	assert_int_equal(cp, 0xfffd);
}

/* Well-formed or not, byte by byte, as the journal and the API repair. */
static void
test_utf8_valid(void **state UNUSED)
{
	assert_int_equal(utf8_valid("a", 1), 1);
	assert_int_equal(utf8_valid("\xc3\xa9", 2), 2);
	assert_int_equal(utf8_valid("\xef\xbf\xbd", 3), 3);       /* a real U+FFFD */
	assert_int_equal(utf8_valid("\xf0\x9f\x9a\x80", 4), 4);
	assert_int_equal(utf8_valid("\xc3", 1), 0);                /* cut short */
	assert_int_equal(utf8_valid("\xe0\x80\x80", 3), 0);       /* overlong */
	assert_int_equal(utf8_valid("\xed\xa0\x80", 3), 0);       /* surrogate */
	assert_int_equal(utf8_valid("\xf4\x90\x80\x80", 4), 0);  /* above U+10FFFF */
	assert_int_equal(utf8_valid("\x80", 1), 0);
}

/* Each invalid byte becomes one U+FFFD; a character that does not fit is
 * left out whole. */
static void
test_utf8_repair(void **state UNUSED)
{
	char out[32];

	assert_int_equal(utf8_repair("a\xff" "b", 3, out, sizeof out), 5);
	assert_string_equal(out, "a\xef\xbf\xbd" "b");
	assert_int_equal(utf8_repair("\xe1\x80", 2, out, sizeof out), 6);
	assert_string_equal(out, "\xef\xbf\xbd\xef\xbf\xbd");
	assert_int_equal(utf8_repair("ab\xc3\xa9", 4, out, 4), 2);  /* é does not fit */
	assert_string_equal(out, "ab");
	assert_int_equal(utf8_repair("", 0, out, 1), 0);
	assert_string_equal(out, "");
}

static void
test_utf8_boundary(void **state UNUSED)
{
	const char *s = "a\xc3\xa9\xe6\x95\xb0" "b";

	assert_int_equal(utf8_boundary(s, 1), 1);
	assert_int_equal(utf8_boundary(s, 2), 1);    /* inside é */
	assert_int_equal(utf8_boundary(s, 3), 3);
	assert_int_equal(utf8_boundary(s, 5), 3);    /* inside 数 */
	assert_int_equal(utf8_boundary(s, 6), 6);
}

/* What is not a scalar value is encoded as U+FFFD. */
static void
test_utf8_put_invalid(void **state UNUSED)
{
	char buf[8];

	assert_int_equal(utf8_put(0xd800, buf), 3);
	assert_memory_equal(buf, "\xef\xbf\xbd", 3);
	assert_int_equal(utf8_put(0x110000, buf), 3);
	assert_memory_equal(buf, "\xef\xbf\xbd", 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_codec),
		cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_utf8_repair),
		cmocka_unit_test(test_utf8_boundary),
		cmocka_unit_test(test_utf8_put_invalid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
