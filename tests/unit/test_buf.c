/*
 * test_buf.c: the bounded byte buffer.
 *
 * The maximum is the point of struct buf: a failing append must leave the
 * buffer exactly as it was (length, bytes and storage), so the tests compare
 * whole snapshots before and after.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "secret.h"

#define UNUSED __attribute__((unused))

/* Assert b holds exactly the n bytes of expect, NUL-terminated. */
static void
assert_buf(const struct buf *b, const char *expect, size_t n)
{
	assert_int_equal(b->len, n);
	assert_non_null(b->data);
	assert_memory_equal(b->data, expect, n);
	assert_int_equal(b->data[n], '\0');
	assert_true(b->cap >= n + 1);
}

static void
test_init(void **state UNUSED)
{
	struct buf b;

	memset(&b, 0x5a, sizeof b);
	buf_init(&b, 123);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	assert_int_equal(b.max, 123);
	assert_false(b.secret);
	buf_free(&b);
	buf_free(&b);
}

static void
test_add(void **state UNUSED)
{
	struct buf b;

	buf_init(&b, 0);
	assert_int_equal(buf_add(&b, "abc", 3), 0);
	assert_buf(&b, "abc", 3);
	assert_int_equal(buf_add(&b, "d\0e", 3), 0);
	assert_buf(&b, "abcd\0e", 6);
	assert_int_equal(buf_addstr(&b, "fg"), 0);
	assert_buf(&b, "abcd\0efg", 8);
	assert_int_equal(buf_add(&b, NULL, 0), 0);
	assert_buf(&b, "abcd\0efg", 8);
	buf_free(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
}

static void
test_add_empty_allocates(void **state UNUSED)
{
	struct buf b;

	buf_init(&b, 0);
	assert_int_equal(buf_add(&b, "", 0), 0);
	assert_buf(&b, "", 0);
	buf_free(&b);
}

static void
test_growth(void **state UNUSED)
{
	struct buf b;
	size_t i;

	buf_init(&b, 0);
	for (i = 0; i < 10000; i++) {
		char c = (char)('a' + i % 26);

		assert_int_equal(buf_add(&b, &c, 1), 0);
		assert_int_equal(b.data[b.len], '\0');
	}
	assert_int_equal(b.len, 10000);
	for (i = 0; i < 10000; i++)
		assert_int_equal(b.data[i], 'a' + i % 26);
	assert_true(b.cap > 10000);
	buf_free(&b);
}

static void
test_max_exact(void **state UNUSED)
{
	struct buf b;

	buf_init(&b, 10);
	assert_int_equal(buf_add(&b, "0123456789", 10), 0);
	assert_buf(&b, "0123456789", 10);
	buf_free(&b);
}

static void
test_max_leaves_unchanged(void **state UNUSED)
{
	struct buf b;
	char *data;
	size_t cap;

	buf_init(&b, 10);
	assert_int_equal(buf_add(&b, "012345", 6), 0);
	data = b.data;
	cap = b.cap;
	assert_int_equal(buf_add(&b, "abcde", 5), -1);
	assert_buf(&b, "012345", 6);
	assert_ptr_equal(b.data, data);
	assert_int_equal(b.cap, cap);
	assert_int_equal(buf_addstr(&b, "abcdefgh"), -1);
	assert_int_equal(buf_printf(&b, "%s", "abcdefgh"), -1);
	assert_buf(&b, "012345", 6);
	assert_int_equal(buf_add(&b, "abcd", 4), 0);
	assert_buf(&b, "012345abcd", 10);
	assert_int_equal(buf_add(&b, "x", 1), -1);
	assert_buf(&b, "012345abcd", 10);
	assert_int_equal(buf_add(&b, "", 0), 0);
	assert_buf(&b, "012345abcd", 10);
	buf_free(&b);
}

static void
test_max_on_empty(void **state UNUSED)
{
	struct buf b;

	buf_init(&b, 3);
	assert_int_equal(buf_add(&b, "abcd", 4), -1);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

static void
test_huge_length(void **state UNUSED)
{
	struct buf b;

	buf_init(&b, 0);
	assert_int_equal(buf_addstr(&b, "ab"), 0);
	assert_int_equal(buf_add(&b, "x", SIZE_MAX), -1);
	assert_int_equal(buf_add(&b, "x", SIZE_MAX - 2), -1);
	assert_buf(&b, "ab", 2);
	buf_free(&b);
}

static void
test_printf(void **state UNUSED)
{
	struct buf b;

	buf_init(&b, 0);
	assert_int_equal(buf_printf(&b, "%d-%s-%c", 42, "x", 'y'), 0);
	assert_buf(&b, "42-x-y", 6);
	assert_int_equal(buf_printf(&b, "%s", ""), 0);
	assert_buf(&b, "42-x-y", 6);
	buf_free(&b);
}

static void
test_addenc(void **state UNUSED)
{
	struct buf b;

	buf_init(&b, 0);
	assert_int_equal(buf_addenc(&b, "aZ09-._~ /&=%+:\xc3\xa9"), 0);
	assert_buf(&b, "aZ09-._~%20%2F%26%3D%25%2B%3A%C3%A9", 35);
	buf_free(&b);
	buf_init(&b, 4);
	assert_int_equal(buf_addenc(&b, "a b"), -1);     /* past the maximum */
	buf_free(&b);
}

static void
test_printf_long(void **state UNUSED)
{
	struct buf b;
	char *big;
	size_t n = 5000;

	big = malloc(n + 1);
	assert_non_null(big);
	memset(big, 'q', n);
	big[n] = '\0';
	buf_init(&b, 0);
	assert_int_equal(buf_addstr(&b, "<"), 0);
	assert_int_equal(buf_printf(&b, "%s>%zu", big, n), 0);
	assert_int_equal(b.len, 1 + n + 1 + 4);
	assert_int_equal(b.data[0], '<');
	assert_memory_equal(b.data + 1, big, n);
	assert_string_equal(b.data + 1 + n, ">5000");
	buf_free(&b);
	/* Exactly at the edge of the small stack buffer, and over max. */
	buf_init(&b, 300);
	big[255] = '\0';
	assert_int_equal(buf_printf(&b, "%s", big), 0);
	assert_int_equal(b.len, 255);
	big[255] = 'q';
	big[256] = '\0';
	assert_int_equal(buf_printf(&b, "%s", big), -1);
	assert_int_equal(b.len, 255);
	buf_reset(&b);
	assert_int_equal(buf_printf(&b, "%s", big), 0);
	assert_int_equal(b.len, 256);
	buf_free(&b);
	free(big);
}

static void
test_take(void **state UNUSED)
{
	struct buf b;
	char *s;

	buf_init(&b, 50);
	assert_int_equal(buf_addstr(&b, "hello"), 0);
	s = buf_take(&b);
	assert_string_equal(s, "hello");
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	assert_int_equal(b.max, 50);
	free(s);
	assert_int_equal(buf_addstr(&b, "again"), 0);
	assert_buf(&b, "again", 5);
	buf_free(&b);
}

static void
test_take_empty(void **state UNUSED)
{
	struct buf b;
	char *s;

	buf_init(&b, 0);
	s = buf_take(&b);
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);
	assert_null(b.data);
}

static void
test_reset(void **state UNUSED)
{
	struct buf b;
	char *data;
	size_t cap;

	buf_init(&b, 8);
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_int_equal(buf_addstr(&b, "abcdefgh"), 0);
	data = b.data;
	cap = b.cap;
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_ptr_equal(b.data, data);
	assert_int_equal(b.cap, cap);
	assert_string_equal(b.data, "");
	assert_int_equal(buf_addstr(&b, "12345678"), 0);
	assert_buf(&b, "12345678", 8);
	assert_ptr_equal(b.data, data);
	buf_free(&b);
}

static void
test_secret_reset_wipes(void **state UNUSED)
{
	struct buf b;
	size_t i;

	buf_init(&b, 0);
	b.secret = true;
	assert_int_equal(buf_addstr(&b, "dapiSECRETSECRETSECRET"), 0);
	buf_reset(&b);
	for (i = 0; i < b.cap; i++)
		assert_int_equal(b.data[i], 0);
	buf_free(&b);
}

static void
test_secret_grow_keeps_data(void **state UNUSED)
{
	struct buf b;
	char *s;
	size_t i;

	buf_init(&b, 0);
	b.secret = true;
	for (i = 0; i < 300; i++)
		assert_int_equal(buf_printf(&b, "%c", (char)('A' + i % 26)), 0);
	assert_int_equal(b.len, 300);
	for (i = 0; i < 300; i++)
		assert_int_equal(b.data[i], 'A' + i % 26);
	assert_int_equal(b.data[300], '\0');
	s = buf_take(&b);
	assert_true(b.secret);
	assert_int_equal(strlen(s), 300);
	secret_free(s);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_addenc),
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_add_empty_allocates),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_max_exact),
		cmocka_unit_test(test_max_leaves_unchanged),
		cmocka_unit_test(test_max_on_empty),
		cmocka_unit_test(test_huge_length),
		cmocka_unit_test(test_printf),
		cmocka_unit_test(test_printf_long),
		cmocka_unit_test(test_take),
		cmocka_unit_test(test_take_empty),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_secret_reset_wipes),
		cmocka_unit_test(test_secret_grow_keeps_data),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
