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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_codec),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
