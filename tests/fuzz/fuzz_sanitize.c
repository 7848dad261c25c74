/*
 * fuzz_sanitize.c: libFuzzer target for the sanitizer.
 *
 * The first input byte picks the flags, the second the width; the rest is
 * the server string (NULs included). Every result is checked against the
 * output invariants of sanitize.h with a decoder of its own, and the process
 * aborts on the first violation so both libFuzzer and the replay driver
 * report it.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "sanitize.h"
#include "sanitize_invariant.h"

#define FUZZ_MAX_WIDTH	80

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
violation(const char *why, const char *s)
{
	fprintf(stderr, "fuzz_sanitize: %s in \"", why);
	for (; *s != '\0'; s++)
		fprintf(stderr, "\\x%02x", (unsigned char)*s);
	fprintf(stderr, "\"\n");
	abort();
}

/* Abort unless s keeps the invariants; return its width. */
static size_t
check(const char *s, size_t max_width, unsigned flags)
{
	size_t width = 0;
	const char *why = sanitize_invariant(s, max_width, flags, &width);

	if (why != NULL)
		violation(why, s);
	return width;
}

static void
fuzz_cell(const char *s, size_t len, size_t width, unsigned flags)
{
	size_t outlen = len * 4 + width + 16, got;
	char *out = malloc(outlen);

	if (out == NULL)
		return;
	got = sanitize_cell(s, width, 1, flags, out, outlen);
	if (got != strlen(out))
		violation("sanitize_cell returned a wrong length", out);
	if (check(out, width, flags) != width && width != 0)
		violation("cell not padded to its width", out);
	got = sanitize_cell(s, width, 0, flags, out, 8);
	if (got > 7 || got != strlen(out))
		violation("sanitize_cell overran a small buffer", out);
	check(out, width, flags);
	free(out);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		setlocale(LC_ALL, "");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned flags;
	size_t width;
	char *s, *out;

	if (size < 2)
		return 0;
	flags = data[0] & (SANITIZE_ASCII | SANITIZE_KEEP_NEWLINE);
	width = data[1] % FUZZ_MAX_WIDTH;
	data += 2;
	size -= 2;
	if ((out = sanitize_n((const char *)data, size, width, flags)) == NULL)
		return 0;
	check(out, width, flags);
	free(out);
	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	fuzz_cell(s, strlen(s), width, flags);
	free(s);
	return 0;
}
